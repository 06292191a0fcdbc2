// zzjb-mock's platform, 技能鉴定: permissions and their applications (with the review policy),
// group declarations (multipart upload, the xlsx template, per-row rules) and declarations.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include "platform_impl.hpp"
#include "zzjb/core/identifiers.hpp"
#include "zzjb/roster/readers.hpp"

namespace zzjb::mock {
namespace {

// Row 1 of the sheet: the 团体申报导入模板 of an occupation, and of an ability (专项职业能力考核),
// whose columns are the same up to 毕业年份 and then name the ability, with no level.
const std::vector<std::string> kTemplateHeader = {
    "序号",     "姓名", "证件类型", "证件号码", "性别",     "出生日期", "手机号码", "文化程度",
    "考生来源", "专业", "班级",     "毕业年份", "职业名称", "职业编码", "申报等级"};
const std::vector<std::string> kAbilityTemplateHeader = {
    "序号",     "姓名",     "证件类型", "证件号码", "性别",     "出生日期",     "手机号码",
    "文化程度", "考生来源", "专业",     "班级",     "毕业年份", "专项能力名称", "专项能力编码"};
enum Column : std::size_t {
  kName = 1,
  kIdType = 2,
  kIdNumber = 3,
  kGender = 4,
  kBirth = 5,
  kMobile = 6,
  kYear = 11,
  kOccupationCode = 13,
  kLevel = 14,
  kAbilityCode = 13  // of an ability's sheet
};

// Why row 1 is not `expected` (the first wrong column), nullopt when it is; columns after
// `expected`'s are allowed.
std::optional<std::string> headerProblem(const std::vector<std::string>& header,
                                         const std::vector<std::string>& expected) {
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (i >= header.size() || header[i] != expected[i]) {
      return "第 " + std::to_string(i + 1) + " 列表头应为「" + expected[i] + "」";
    }
  }
  return std::nullopt;
}

// "4", "4.0", "2027", "2027.0" (numeric xlsx cells) → the integer; nullopt otherwise.
std::optional<int> cellInt(const std::string& text) {
  std::string t = trim(text);
  if (auto dot = t.find('.'); dot != std::string::npos) {
    if (t.find_first_not_of('0', dot + 1) != std::string::npos) return std::nullopt;
    t.resize(dot);
  }
  int v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || end != t.data() + t.size() || t.empty()) return std::nullopt;
  return v;
}

// 申报等级 as a number or a name: 4, 四级, 四级/中级工, 中级工.
std::optional<int> parseLevel(const std::string& text) {
  if (auto n = cellInt(text)) return n;
  const std::string t = trim(text);
  static const std::vector<std::pair<std::string, int>> names = {
      {"一级", 1},     {"二级", 2}, {"三级", 3},   {"四级", 4},   {"五级", 5},
      {"高级技师", 1}, {"技师", 2}, {"高级工", 3}, {"中级工", 4}, {"初级工", 5}};
  for (const auto& [name, level] : names) {
    if (t.starts_with(name)) return level;
  }
  return std::nullopt;
}

// 出生日期 as 2009-03-01, 2009/03/01, 20090301 or an Excel date serial.
std::optional<Date> parseBirthDate(const std::string& text) {
  const std::string t = trim(text);
  if (auto d = Date::parseIso(t)) return d;
  if (auto d = Date::parseCompact(t)) return d;
  if (auto serial = cellInt(t); serial && *serial > 0 && *serial < 100000) {
    return civilFromDays(daysFromCivil(1899, 12, 30) + *serial);
  }
  return std::nullopt;
}

// 证件类型 the template takes and the number's format for each (docs/platform-api.md, "Group
// declarations"); written apart from zzjb's checks. `holder` says whether the number carries
// the birth date and gender (GB 11643).
struct IdTypeRule {
  const char* name;
  const char* pattern;
  bool holder;
};
const IdTypeRule* idTypeRule(const std::string& idType) {
  static const IdTypeRule kRules[] = {
      {"居民身份证", R"(\d{17}[\dX])", true},
      {"港澳台居民居住证", R"(8[123]0000\d{11}[\dX])", true},
      {"港澳居民来往内地通行证", R"([HM](\d{8}|\d{10}))", false},
      {"台湾居民来往大陆通行证", R"(\d{8}|\d{10}|\d{10}\([A-Z\d]\))", false},
      {"护照", R"((?=[A-Z\d]*\d)[A-Z\d]{5,17})", false},
  };
  for (const IdTypeRule& r : kRules) {
    if (idType == r.name) return &r;
  }
  return nullptr;
}

// The number as the platform compares it: trimmed, letters upper-cased.
std::string upperNumber(const std::string& text) {
  std::string s = trim(text);
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A member that is a string, else "" (never throws on a null or a number).
std::string textOf(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The member, or null when absent.
const Json& memberOf(const Json& object, const char* key) {
  static const Json null;
  auto it = object.find(key);
  return it == object.end() ? null : *it;
}

// 「A」, 「A」或「B」, 「A」、「B」或「C」.
std::string quotedList(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? "或" : "、";
    out += "「" + names[i] + "」";
  }
  return out;
}

std::vector<std::string> matterNames(const Json& matters, const char* opening) {
  std::vector<std::string> names;
  for (const auto& m : matters) {
    if (opening == nullptr || m["opening"] == opening) names.push_back(m["name"]);
  }
  return names;
}

const Json* findMatter(const Json& matters, const Json& name) {
  if (!name.is_string()) return nullptr;
  for (const auto& m : matters) {
    if (m["name"] == name) return &m;
  }
  return nullptr;
}

const Json* findNode(const Json& matter, const Json& name) {
  if (!name.is_string() || !matter.contains("nodes")) return nullptr;
  for (const auto& n : matter["nodes"]) {
    if (n["name"] == name) return &n;
  }
  return nullptr;
}

bool hasNodes(const Json& matter) {
  return matter.contains("nodes") && !matter["nodes"].empty();
}

bool nodeNeedsOrg(const Json& node) {
  return node.contains("orgType") && node["orgType"].is_string();
}

bool isAbilityCode(const std::string& code) {
  if (code.empty() || code.size() > kMaxAbilityCodeBytes) return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.';
  });
}

bool samePermission(const PermissionRecord& p, const std::string& creditCode, const Json& request) {
  // Another school's first, before any JSON is copied: every school's permissions are searched.
  if (p.creditCode != creditCode) return false;
  const Json& org = memberOf(request, "evaluationOrg");
  const std::string orgCode = org.is_object() ? textOf(org, "creditCode") : "";
  const std::string pOrg = p.evaluationOrg.is_object() ? textOf(p.evaluationOrg, "creditCode") : "";
  if (p.matter != textOf(request, "matter") || p.node != memberOf(request, "node") ||
      pOrg != orgCode || p.evaluationOrg.is_null() != org.is_null()) {
    return false;
  }
  if (p.ability()) return p.abilityCode == memberOf(request, "abilityCode");
  return p.occupationCode == textOf(request, "occupationCode") &&
         memberOf(request, "level") == p.level;
}

}  // namespace

Json permissionView(const PermissionRecord& p) {
  if (p.ability()) {
    return {{"matter", p.matter},
            {"node", p.node},
            {"occupationCode", nullptr},
            {"occupationName", nullptr},
            {"level", nullptr},
            {"abilityCode", p.abilityCode},
            {"abilityName", p.abilityName},
            {"evaluationOrg", p.evaluationOrg},
            {"grantedAt", formatTime(p.grantedAt)}};
  }
  return {{"matter", p.matter},
          {"node", p.node},
          {"occupationCode", p.occupationCode},
          {"occupationName", p.occupationName},
          {"level", p.level},
          {"evaluationOrg", p.evaluationOrg},
          {"grantedAt", formatTime(p.grantedAt)}};
}

// The fields a permission, an application and a manifest share: matter and node (from the
// catalog's matters), organisation (a node with an orgType has one, else it is null), then the
// matter's scope: occupation and level, or ability. Only ONLINE matters can be applied for. For
// the notices' two matters the messages are the ones zzjb-mock always gave.
const Json* checkPermissionFields(const Json& matters, const Json& b, PermissionUse use,
                                  std::vector<FieldError>& errors) {
  const Json& matterName = memberOf(b, "matter");
  const Json* matter = findMatter(matters, matterName);
  const Json& node = memberOf(b, "node");
  const Json& org = memberOf(b, "evaluationOrg");
  const bool grant = use == PermissionUse::Grant;
  if (matter == nullptr) {
    const auto online = matterNames(matters, "ONLINE");
    errors.push_back(
        {"matter", "该事项不在评价机构目录的事项（matters）中；" +
                       (use == PermissionUse::Apply
                            ? (online.empty() ? std::string("目录中没有可在线申请的事项")
                                              : "只能在线申请" + quotedList(online) + "权限")
                            : "事项名称须为" + quotedList(matterNames(matters, nullptr)))});
  } else if (use != PermissionUse::Manifest && (*matter)["opening"] == "NONE") {
    // A matter whose declarations need no permission has none to apply for or to grant.
    errors.push_back({"matter", "「" + (*matter)["name"].get<std::string>() +
                                    "」的团体申报无需权限，不能" + (grant ? "开通" : "申请") +
                                    "权限"});
  } else if (use == PermissionUse::Apply && (*matter)["opening"] != "ONLINE") {
    const auto online = matterNames(matters, "ONLINE");
    errors.push_back({"matter", online.empty() ? (*matter)["name"].get<std::string>() +
                                                     "由市职鉴中心开通，不能在线申请"
                                               : "只能在线申请" + quotedList(online) + "权限"});
  } else {
    const std::string name = (*matter)["name"];
    bool needsOrg = false;
    if (hasNodes(*matter)) {
      const Json* n = findNode(*matter, node);
      if (n == nullptr) {
        std::vector<std::string> nodes;
        for (const auto& each : (*matter)["nodes"]) nodes.push_back(each["name"]);
        errors.push_back({"node", grant ? "节点名称无效" : "节点名称须为" + quotedList(nodes)});
        for (const auto& each : (*matter)["nodes"]) needsOrg = needsOrg || nodeNeedsOrg(each);
      } else {
        needsOrg = nodeNeedsOrg(*n);
      }
    } else if (!node.is_null()) {
      errors.push_back(
          {"node", grant ? name + "的 node 须为 null" : name + "没有节点名称，node 须为 null"});
    }
    if (needsOrg) {
      if (!org.is_object() || !stringField(org, "creditCode") || !stringField(org, "name")) {
        errors.push_back({"evaluationOrg", "须给出评价机构的 name 与 creditCode"});
      }
    } else if (!org.is_null()) {
      errors.push_back({"evaluationOrg", grant ? name + "的 evaluationOrg 须为 null"
                                               : name + "没有评价机构，须为 null"});
    }
  }
  if (matter != nullptr && (*matter)["scope"] == "ABILITY") {
    const Json& code = memberOf(b, "abilityCode");
    if (!code.is_string() || !isAbilityCode(code.get<std::string>())) {
      errors.push_back({"abilityCode", "专项能力编码须为 1–" +
                                           std::to_string(kMaxAbilityCodeBytes) +
                                           " 个字母、数字、“-”或“.”"});
    }
    const auto abilityName = stringField(b, "abilityName");
    if (!abilityName || abilityName->size() > kMaxAbilityNameBytes) {
      errors.push_back({"abilityName", "专项能力名称不能为空（至多 " +
                                           std::to_string(kMaxAbilityNameBytes) + " 字节）"});
    }
    for (const char* field : {"occupationCode", "occupationName", "level"}) {
      if (!memberOf(b, field).is_null()) {
        errors.push_back({field, "专项能力的权限没有职业编码、职业名称与等级，须为 null 或省略"});
      }
    }
    return matter;
  }
  const Json& code = memberOf(b, "occupationCode");
  if (!code.is_string() || !isOccupationCode(code.get<std::string>())) {
    errors.push_back({"occupationCode", "职业编码格式须为 X-XX-XX-XX"});
  }
  if (!stringField(b, "occupationName")) errors.push_back({"occupationName", "职业名称不能为空"});
  if (!intField(b, "level", 1, 5)) errors.push_back({"level", "职业等级须为 1–5 的整数"});
  return matter;
}

Json batchAbilityCode(const Json& manifest) {
  const Json& code = memberOf(manifest, "abilityCode");
  return code.is_string() && memberOf(manifest, "occupationCode").is_null() ? code : Json();
}

Json batchScopeView(const Json& manifest) {
  Json ability = batchAbilityCode(manifest);
  if (ability.is_string()) {
    return {{"occupationCode", nullptr}, {"level", nullptr}, {"abilityCode", ability}};
  }
  const Json& level = memberOf(manifest, "level");
  return {{"occupationCode", textOf(manifest, "occupationCode")},
          {"level", level.is_number_integer() ? level : Json(0)},
          {"abilityCode", nullptr}};
}

Json declarationScopeView(const DeclarationRecord& d) {
  if (d.ability()) {
    return {{"occupationCode", nullptr}, {"level", nullptr}, {"abilityCode", d.abilityCode}};
  }
  return {{"occupationCode", d.occupationCode}, {"level", d.level}, {"abilityCode", nullptr}};
}

PermissionRecord permissionOf(const std::string& creditCode, const Json& b, const Json& matter,
                              Seconds grantedAt) {
  PermissionRecord p;
  p.creditCode = creditCode;
  p.matter = b["matter"];
  p.node = memberOf(b, "node");
  p.evaluationOrg = memberOf(b, "evaluationOrg");
  p.grantedAt = grantedAt;
  if (matter["scope"] == "ABILITY") {
    p.abilityCode = b["abilityCode"];
    p.abilityName = *stringField(b, "abilityName");
  } else {
    p.occupationCode = b["occupationCode"];
    p.occupationName = b["occupationName"];  // as sent (the record always kept it so)
    p.level = b["level"].get<int>();
  }
  return p;
}

// ---- permissions and applications ---------------------------------------------------------------

const Json* Platform::Impl::catalogOrg(const std::string& creditCode) const {
  if (!state.catalog.contains("items")) return nullptr;
  for (const auto& item : state.catalog["items"]) {
    if (item["org"].value("creditCode", "") == creditCode) return &item;
  }
  return nullptr;
}

void Platform::Impl::grant(PermissionRecord permission) {
  Json request = permissionView(permission);
  for (const auto& p : state.permissions) {
    if (samePermission(p, permission.creditCode, request)) return;  // already granted
  }
  state.permissions.push_back(std::move(permission));
  mutated = true;
}

void Platform::Impl::approve(ApplicationRecord& app) {
  const Seconds t = now();
  app.status = "APPROVED";
  app.reason = nullptr;
  app.updatedAt = t;
  const Json& r = app.request;
  // The matter as the catalog said when the application was accepted: an ability's application
  // has abilityCode and no occupationCode (checkPermissionFields).
  const bool ability =
      memberOf(r, "abilityCode").is_string() && memberOf(r, "occupationCode").is_null();
  const Json scope{{"scope", ability ? "ABILITY" : "OCCUPATION"}};
  grant(permissionOf(app.creditCode, r, scope, t));
  mutated = true;
}

void Platform::Impl::reject(ApplicationRecord& app, const std::string& reason) {
  app.status = "REJECTED";
  app.reason = reason;
  app.updatedAt = now();
  mutated = true;
}

Json Platform::Impl::applicationView(const ApplicationRecord& app) const {
  Json v{{"applicationId", app.applicationId},
         {"status", app.status},
         {"reason", app.reason},
         {"updatedAt", formatTime(app.updatedAt)},
         {"submittedAt", formatTime(app.createdAt)}};
  for (const char* name :
       {"matter", "node", "occupationCode", "occupationName", "level", "evaluationOrg"}) {
    v[name] = app.request.value(name, Json());
  }
  if (memberOf(app.request, "abilityCode").is_string() &&
      memberOf(app.request, "occupationCode").is_null()) {
    v["abilityCode"] = app.request["abilityCode"];
    v["abilityName"] = app.request.value("abilityName", Json());
  }
  return v;
}

Response Platform::Impl::listPermissions(Call& call) {
  Json items = Json::array();
  for (const auto& p : state.permissions) {
    if (!call.school.empty() && p.creditCode == call.school) items.push_back(permissionView(p));
  }
  return jsonResponse(200, {{"items", items}});
}

Response Platform::Impl::postApplication(Call& call) {
  if (auto missing = requireIdempotencyKey(call)) return *missing;
  const std::string key = *header(call.request, "Idempotency-Key");
  auto body = parseJsonBody(call, false);
  if (!body || !body->is_object())
    return errorResponse(call, 400, "BAD_REQUEST", "请求体不是 JSON 对象");
  const std::string fingerprint = fingerprintOf(call, body->dump());
  if (auto replay = beginIdempotent(call, fingerprint)) {
    replay->idempotencyKey = key;
    return *replay;
  }
  const AccountRecord* account = accountOf(call);
  if (account == nullptr || account->status != "ACTIVE") {
    Response r = errorResponse(call, 403, "ACCOUNT_NOT_ACTIVE",
                               account == nullptr
                                   ? "学校尚未开户，不能申请权限"
                                   : "账户待市职鉴中心确认（PENDING_CENTRE），暂不能申请权限");
    r.idempotencyKey = key;
    return r;
  }
  const Json& b = *body;
  std::vector<FieldError> errors;
  const Json* matter = checkPermissionFields(matters(), b, PermissionUse::Apply, errors);
  if (b.contains("attachments") && !b["attachments"].is_object()) {
    errors.push_back({"attachments", "attachments 须为对象"});
  }
  // A node with an orgType goes through an organisation of that type in the catalog, registered
  // for the occupation at that level (an ability's is not listed by occupation: type only).
  const Json* node = nullptr;
  if (errors.empty() && matter != nullptr && (*matter).contains("nodes")) {
    for (const auto& n : (*matter)["nodes"]) {
      if (n["name"] == b["node"]) node = &n;
    }
  }
  if (errors.empty() && node != nullptr && (*node).contains("orgType") &&
      (*node)["orgType"].is_string()) {
    const std::string orgCode = b["evaluationOrg"]["creditCode"];
    const Json* item = catalogOrg(orgCode);
    if (item == nullptr) {
      errors.push_back({"evaluationOrg.creditCode", "该评价机构未在评价机构目录中备案"});
    } else {
      const std::string type = (*item)["org"].value("type", "");
      const std::string wantType = (*node)["orgType"];
      if (type != wantType) {
        errors.push_back({"node", "节点名称与评价机构类型不符（该机构为 " + type + "）"});
      }
      bool registered = (*matter)["scope"] == "ABILITY";
      for (const auto& o : (*item)["occupations"]) {
        if (registered || o.value("code", "") != b["occupationCode"]) continue;
        for (const auto& l : o["levels"]) registered = registered || l == b["level"];
      }
      if (!registered) {
        errors.push_back({"occupationCode", "该评价机构未备案此职业(工种)与等级"});
      }
    }
  }
  if (!errors.empty()) {
    Response r = errorResponse(call, 422, "VALIDATION_FAILED", "权限申请信息有误", errors);
    r.idempotencyKey = key;
    return r;
  }
  const Seconds t = now();
  ApplicationRecord app{randomId("PA"), call.school, key, "SUBMITTED", nullptr, b, 0, t, t};
  state.applications.push_back(app);
  mutated = true;
  Response r = jsonResponse(202, {{"applicationId", app.applicationId}, {"status", app.status}});
  rememberIdempotent(call, fingerprint, r);
  r.idempotencyKey = key;
  return r;
}

Response Platform::Impl::getApplication(Call& call) {
  for (auto& app : state.applications) {
    if (app.applicationId != call.params[0] || app.creditCode != call.school) continue;
    ++app.polls;
    mutated = true;
    if (app.status == "SUBMITTED" || app.status == "UNDER_REVIEW") {
      const Policies& p = state.policies;
      if (p.reviewMode != "manual" && app.polls >= p.reviewAfterPolls) {
        if (p.reviewMode == "auto-approve") {
          approve(app);
        } else {
          reject(app,
                 "评价机构未确认该职业(工种)等级的认定计划，请核实后重新申请（模拟平台自动驳回）");
        }
      } else if (app.status == "SUBMITTED") {
        app.status = "UNDER_REVIEW";
        app.updatedAt = now();
      }
    }
    return jsonResponse(200, applicationView(app));
  }
  return errorResponse(call, 404, "NOT_FOUND", "权限申请不存在");
}

Response Platform::Impl::findApplications(Call& call) {
  auto key = call.target.query.find("idempotencyKey");
  Json items = Json::array();
  for (const auto& app : state.applications) {
    if (app.creditCode != call.school || call.school.empty()) continue;
    if (key != call.target.query.end() && app.idempotencyKey != key->second) continue;
    items.push_back(applicationView(app));
  }
  return jsonResponse(200, {{"items", items}});
}

// ---- group declarations -------------------------------------------------------------------------

Json Platform::Impl::batchView(const BatchRecord& batch) const {
  Json v{{"batchId", batch.batchId}, {"status", batch.status}};
  v.update(batchScopeView(batch.manifest));
  v["rowCount"] = batch.rowNumbers.size();
  v["receivedAt"] = formatTime(batch.createdAt);
  v["updatedAt"] = formatTime(batch.updatedAt);
  if (batch.status != "DONE") return v;
  Json rows = Json::array();
  for (const auto& r : batch.rows) rows.push_back(r);
  v["rows"] = rows;
  return v;
}

Response Platform::Impl::postDeclaration(Call& call) {
  if (auto missing = requireIdempotencyKey(call)) return *missing;
  const std::string key = *header(call.request, "Idempotency-Key");
  auto bad = [&](int status, const std::string& code, const std::string& message,
                 const std::vector<FieldError>& fields = {}) {
    Response r = errorResponse(call, status, code, message, fields);
    r.idempotencyKey = key;
    return r;
  };
  const std::string* contentType = header(call.request, "Content-Type");
  auto boundary = contentType == nullptr ? std::nullopt : multipartBoundary(*contentType);
  if (!boundary) return bad(400, "BAD_REQUEST", "团体申报须以 multipart/form-data 上传");
  auto parts = parseMultipart(call.request.body, *boundary);
  if (!parts) return bad(400, "BAD_REQUEST", "multipart/form-data 请求体格式错误");
  const FormPart* manifestPart = nullptr;
  const FormPart* filePart = nullptr;
  for (const auto& p : *parts) {
    if (p.name == "manifest" && manifestPart == nullptr) manifestPart = &p;
    if (p.name == "file" && filePart == nullptr) filePart = &p;
  }
  if (manifestPart == nullptr || filePart == nullptr) {
    std::vector<FieldError> fields;
    if (manifestPart == nullptr) fields.push_back({"manifest", "缺少 manifest 部分"});
    if (filePart == nullptr) fields.push_back({"file", "缺少 file 部分（xlsx）"});
    return bad(422, "VALIDATION_FAILED", "团体申报须包含 manifest 与 file 两部分", fields);
  }
  Json manifest = Json::parse(manifestPart->data, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object()) {
    return bad(400, "BAD_REQUEST", "manifest 不是 JSON 对象");
  }
  const std::string fileSha = sha256Hex(filePart->data);
  const std::string fingerprint = fingerprintOf(call, manifest.dump() + "\n" + fileSha);
  if (auto replay = beginIdempotent(call, fingerprint)) {
    replay->idempotencyKey = key;
    return *replay;
  }
  const AccountRecord* account = accountOf(call);
  if (account == nullptr || account->status != "ACTIVE") {
    return bad(403, "ACCOUNT_NOT_ACTIVE", "学校账户尚未开通，不能团体申报");
  }
  std::vector<FieldError> errors;
  const Json* matter = checkPermissionFields(matters(), manifest, PermissionUse::Manifest, errors);
  auto rowCount = intField(manifest, "rowCount", 1, 1000000);
  if (!rowCount) errors.push_back({"rowCount", "rowCount 须为正整数"});
  const Json sha = manifest.value("sha256", Json());
  if (!sha.is_string() || sha.get<std::string>().size() != 64) {
    errors.push_back({"sha256", "sha256 须为文件的 64 位十六进制摘要"});
  }
  if (!errors.empty()) return bad(422, "VALIDATION_FAILED", "申报清单（manifest）有误", errors);

  // checkPermissionFields found the matter (else an error above) and checked its scope's fields.
  const bool ability = (*matter)["scope"] == "ABILITY";
  const bool permitted = (*matter)["opening"] == "NONE" ||  // declared without any permission
                         std::any_of(state.permissions.begin(), state.permissions.end(),
                                     [&](const PermissionRecord& p) {
                                       return samePermission(p, call.school, manifest);
                                     });
  if (!permitted) {
    return bad(403, "PERMISSION_REQUIRED",
               ability ? "没有该事项与专项能力的团体申报权限"
                       : "没有该事项、节点、职业、等级与评价机构的团体申报权限");
  }
  if (static_cast<std::size_t>(*rowCount) > kMaxBatchRows) {
    return bad(413, "BATCH_TOO_LARGE", "每批最多 5000 人，请分批申报");
  }
  std::string wantSha = sha.get<std::string>();
  std::transform(wantSha.begin(), wantSha.end(), wantSha.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  if (wantSha != fileSha) {
    return bad(422, "VALIDATION_FAILED", "文件摘要不符",
               {{"sha256", "sha256 与上传文件的 SHA-256 不一致"}});
  }
  // The same reader and limits as zzjb's own (docs/platform-api.md): over the bytes, bounded; a
  // row with a cell that is not UTF-8 is left out of `records` and listed in `rejectedLines`.
  auto table = roster::readXlsxBytes(filePart->data, "file");
  if (!table) {
    return bad(422, "VALIDATION_FAILED", "无法读取上传的 xlsx 文件",
               {{"file", "无法读取 xlsx：" + table.error().message}});
  }
  const auto& templateHeader = ability ? kAbilityTemplateHeader : kTemplateHeader;
  if (auto problem = headerProblem(table->header, templateHeader)) {
    return bad(422, "VALIDATION_FAILED", "表头与团体申报导入模板不一致", {{"file", *problem}});
  }
  const std::size_t studentRows = table->records.size() + table->rejectedLines.size();
  if (studentRows > kMaxBatchRows) {
    return bad(413, "BATCH_TOO_LARGE", "每批最多 5000 人，请分批申报");
  }
  if (studentRows != static_cast<std::size_t>(*rowCount)) {
    return bad(422, "VALIDATION_FAILED", "人数不符",
               {{"rowCount", "rowCount 为 " + std::to_string(*rowCount) + "，文件中有 " +
                                 std::to_string(studentRows) + " 行学生"}});
  }
  const Seconds t = now();
  BatchRecord batch;
  batch.batchId = randomId("GB");
  batch.creditCode = call.school;
  batch.idempotencyKey = key;
  batch.status = "RECEIVED";
  batch.manifest = manifest;
  batch.header = table->header;
  // Rows in sheet order; an unreadable row is stored as no cells at all (never its bytes), and
  // is rejected as CELL_INVALID when the batch is processed.
  auto rejected = table->rejectedLines.begin();
  auto keepRejectedBefore = [&](std::size_t line) {
    for (; rejected != table->rejectedLines.end() && *rejected < line; ++rejected) {
      batch.rowNumbers.push_back(*rejected);
      batch.cells.emplace_back();
    }
  };
  for (const auto& record : table->records) {
    keepRejectedBefore(record.line);
    std::vector<std::string> cells;
    for (std::size_t i = 0; i < templateHeader.size(); ++i) {
      const Cell* cell = record.at(i);
      cells.push_back(cell != nullptr ? cell->text : std::string());
    }
    batch.rowNumbers.push_back(record.line);
    batch.cells.push_back(std::move(cells));
  }
  keepRejectedBefore(static_cast<std::size_t>(-1));
  batch.createdAt = t;
  batch.updatedAt = t;
  state.batches.push_back(std::move(batch));
  mutated = true;
  Response r =
      jsonResponse(202, {{"batchId", state.batches.back().batchId}, {"status", "RECEIVED"}});
  rememberIdempotent(call, fingerprint, r);
  r.idempotencyKey = key;
  return r;
}

void Platform::Impl::processBatch(BatchRecord& batch) {
  const Seconds t = now();
  const Date today = shanghaiDate(t);
  const int gradYear = graduationYearOn(today);
  auto account = state.accounts.find(batch.creditCode);
  const std::string schoolLevel =
      account == state.accounts.end() ? "" : account->second.fields.value("schoolLevel", "");
  const int allowedLevel = schoolLevel == "HIGHER" ? 3 : 4;
  // An occupation's batch: its occupation and level; an ability's: its ability (no level).
  const Json abilityCode = batchAbilityCode(batch.manifest);
  const bool ability = abilityCode.is_string();
  const Json scope = batchScopeView(batch.manifest);
  const std::string occupation = ability ? "" : scope["occupationCode"].get<std::string>();
  const int level = ability ? 0 : scope["level"].get<int>();
  const std::string abilityName = stringField(batch.manifest, "abilityName").value_or("");
  batch.rows.clear();
  const std::size_t count = std::min(batch.cells.size(), batch.rowNumbers.size());
  for (std::size_t i = 0; i < count; ++i) {
    if (batch.cells[i].empty()) {  // a row the upload could not read (see postDeclaration)
      batch.rows.push_back(RowResult{batch.rowNumbers[i], "", "REJECTED", "CELL_INVALID",
                                     "该行有无法读取的单元格（不是有效的 UTF-8 文本、过长或超出列数上限）",
                                     nullptr});
      continue;
    }
    auto c = batch.cells[i];
    c.resize(kTemplateHeader.size());  // a hand-edited state file cannot make us read past the end
    RowResult row{batch.rowNumbers[i], trim(c[kIdNumber]), "REJECTED", nullptr, nullptr, nullptr};
    auto rejectRow = [&row](const char* reason, const std::string& message) {
      row.reason = reason;
      row.message = message;
    };
    const std::string idType = trim(c[kIdType]);
    const IdTypeRule* rule = idTypeRule(idType);
    const std::string idNumber = upperNumber(c[kIdNumber]);
    IdCheck id = checkResidentId(idNumber, today);
    const bool holder = rule != nullptr && rule->holder;
    const bool formatOk = rule != nullptr && std::regex_match(idNumber, std::regex(rule->pattern)) &&
                          (!holder || id.ok);
    if (formatOk) row.idNumber = idNumber;
    auto rowLevel = parseLevel(c[kLevel]);
    auto year = cellInt(c[kYear]);
    MobileCheck mobile = checkMobile(c[kMobile]);
    const std::string gender = trim(c[kGender]);
    std::optional<Date> birth;
    if (!trim(c[kBirth]).empty()) birth = parseBirthDate(c[kBirth]);
    if (rule == nullptr) {
      rejectRow("ID_INVALID", "证件类型须为居民身份证、港澳台居民居住证、港澳居民来往内地通行证、"
                              "台湾居民来往大陆通行证或护照");
    } else if (holder && !id.ok) {
      rejectRow("ID_INVALID", "证件号码无效：" + id.problem);
    } else if (!formatOk) {
      rejectRow("ID_INVALID", "证件号码不符合" + idType + "号码的格式");
    } else if (!ability && !rowLevel) {
      rejectRow("FIELD_INVALID", "申报等级无法识别");
    } else if (!ability && (*rowLevel != allowedLevel || *rowLevel != level)) {
      rejectRow("LEVEL_NOT_ALLOWED", std::string(schoolLevel == "HIGHER" ? "高职" : "中职") +
                                         "学生只能申报" +
                                         (allowedLevel == 3 ? "三级/高级工" : "四级/中级工") +
                                         "，且须与申报清单的等级一致");
    } else if (!year) {
      rejectRow("FIELD_INVALID", "毕业年份无法识别");
    } else if (*year != gradYear) {
      rejectRow("NOT_GRADUATING", "不是本学年（" + std::to_string(gradYear) + " 年）毕业的学生");
    } else if (trim(c[kName]).empty()) {
      rejectRow("FIELD_INVALID", "姓名为空");
    } else if (gender != "男" && gender != "女") {
      rejectRow("FIELD_INVALID", "性别须为男或女");
    } else if (holder && (gender == "男") != (id.gender == Gender::Male)) {
      rejectRow("FIELD_INVALID", "性别与身份证号不符");
    } else if (holder && !trim(c[kBirth]).empty() && (!birth || birth != id.birthDate)) {
      rejectRow("FIELD_INVALID", "出生日期与身份证号不符");
    } else if (!holder && (!birth || *birth > today || birth->year < 1900)) {
      rejectRow("FIELD_INVALID", "出生日期须填写（" + idType + "号码不含出生日期）");
    } else if (!mobile.ok) {
      rejectRow("FIELD_INVALID", "手机号码无效：" + mobile.problem);
    } else if (!ability && trim(c[kOccupationCode]) != occupation) {
      rejectRow("FIELD_INVALID", "职业编码与申报清单不一致");
    } else if (ability && trim(c[kAbilityCode]) != abilityCode.get<std::string>()) {
      rejectRow("FIELD_INVALID", "专项能力编码与申报清单不一致");
    } else if (!ability &&
               declaredKeys.contains(declarationKey(idNumber, occupation, level))) {
      rejectRow("DUPLICATE", "该学生已申报过同一职业与等级");
    } else if (ability && declaredKeys.contains(abilityDeclarationKey(
                              idNumber, abilityCode.get<std::string>()))) {
      rejectRow("DUPLICATE", "该学生已申报过同一专项能力");
    } else {
      char number[16];
      std::snprintf(number, sizeof number, "%06d", ++state.declarationSeq % 1000000);
      const std::string declarationNo = "ZJ" + std::to_string(gradYear) + number;
      row.result = "ACCEPTED";
      row.declarationNo = declarationNo;
      addDeclaration(DeclarationRecord{batch.creditCode, idNumber, trim(c[kName]), occupation,
                                       level, declarationNo, batch.batchId, t, abilityCode,
                                       ability ? Json(abilityName) : Json(), idType});
    }
    batch.rows.push_back(std::move(row));
  }
  batch.cells.clear();  // the personal data now lives only in the accepted declarations
  batch.status = "DONE";
  batch.updatedAt = t;
  mutated = true;
}

Response Platform::Impl::getBatch(Call& call) {
  for (auto& batch : state.batches) {
    if (batch.batchId != call.params[0] || batch.creditCode != call.school) continue;
    ++batch.polls;
    mutated = true;
    if (batch.status != "DONE") {
      if (batch.polls >= state.policies.batchDoneAfterPolls) {
        processBatch(batch);
      } else if (batch.status == "RECEIVED") {
        batch.status = "PROCESSING";
        batch.updatedAt = now();
      }
    }
    return jsonResponse(200, batchView(batch));
  }
  return errorResponse(call, 404, "NOT_FOUND", "申报批次不存在");
}

Response Platform::Impl::findBatches(Call& call) {
  auto key = call.target.query.find("idempotencyKey");
  Json items = Json::array();
  for (const auto& batch : state.batches) {
    if (batch.creditCode != call.school || call.school.empty()) continue;
    if (key != call.target.query.end() && batch.idempotencyKey != key->second) continue;
    items.push_back(batchView(batch));
  }
  return jsonResponse(200, {{"items", items}});
}

Response Platform::Impl::listDeclarations(Call& call) {
  const auto& q = call.target.query;
  std::optional<int> level;
  if (auto it = q.find("level"); it != q.end() && !it->second.empty()) {
    level = cellInt(it->second);
    if (!level) return errorResponse(call, 400, "BAD_REQUEST", "level 须为整数");
  }
  // Each filter is optional (empty = absent) and they combine.
  auto filter = [&q](const char* name) -> std::optional<std::string> {
    auto it = q.find(name);
    if (it == q.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  const auto occupation = filter("occupationCode");
  const auto abilityCode = filter("abilityCode");
  Json items = Json::array();
  auto mine = declarationsBySchool.find(call.school);
  if (call.school.empty() || mine == declarationsBySchool.end()) {
    return jsonResponse(200, {{"items", items}});
  }
  for (const std::size_t i : mine->second) {
    const auto& d = state.declarations[i];
    if (occupation && (d.ability() || d.occupationCode != *occupation)) continue;
    if (level && (d.ability() || d.level != *level)) continue;
    if (abilityCode && d.abilityCode != *abilityCode) continue;
    Json item{{"idNumber", d.idNumber}, {"idType", d.idType}, {"name", d.name}};
    item.update(declarationScopeView(d));
    item["abilityName"] = d.abilityName;
    item["declarationNo"] = d.declarationNo;
    item["batchId"] = d.batchId;
    item["declaredAt"] = formatTime(d.declaredAt);
    items.push_back(std::move(item));
  }
  return jsonResponse(200, {{"items", items}});
}

}  // namespace zzjb::mock
