// zzjb-mock's platform, 技能鉴定: permissions and their applications (with the review policy),
// group declarations (multipart upload, the xlsx template, per-row rules) and declarations.
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "platform_impl.hpp"
#include "zzjb/core/identifiers.hpp"
#include "zzjb/roster/readers.hpp"

namespace zzjb::mock {
namespace {

const std::vector<std::string> kTemplateHeader = {
    "序号",     "姓名", "证件类型", "证件号码", "性别",     "出生日期", "手机号码", "文化程度",
    "考生来源", "专业", "班级",     "毕业年份", "职业名称", "职业编码", "申报等级"};
enum Column : std::size_t {
  kName = 1,
  kIdType = 2,
  kIdNumber = 3,
  kGender = 4,
  kBirth = 5,
  kMobile = 6,
  kYear = 11,
  kOccupationCode = 13,
  kLevel = 14
};

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

Json orgOf(const Json& request) {
  return request.contains("evaluationOrg") ? request["evaluationOrg"] : Json();
}

bool samePermission(const PermissionRecord& p, const std::string& creditCode, const Json& request) {
  // Another school's first, before any JSON is copied: every school's permissions are searched.
  if (p.creditCode != creditCode) return false;
  const Json org = orgOf(request);
  const std::string orgCode = org.is_object() ? org.value("creditCode", "") : "";
  const std::string pOrg =
      p.evaluationOrg.is_object() ? p.evaluationOrg.value("creditCode", "") : "";
  return p.creditCode == creditCode && p.matter == request.value("matter", "") &&
         p.node == request.value("node", Json()) &&
         p.occupationCode == request.value("occupationCode", "") &&
         request.value("level", Json()) == p.level && pOrg == orgCode &&
         p.evaluationOrg.is_null() == org.is_null();
}

Json permissionView(const PermissionRecord& p) {
  return {{"matter", p.matter},
          {"node", p.node},
          {"occupationCode", p.occupationCode},
          {"occupationName", p.occupationName},
          {"level", p.level},
          {"evaluationOrg", p.evaluationOrg},
          {"grantedAt", formatTime(p.grantedAt)}};
}

// The fields a permission, an application and a manifest share: matter, node, occupation,
// level, organisation. `applying` limits matter to 职业技能等级认定.
void checkPermissionFields(const Json& b, bool applying, std::vector<FieldError>& errors) {
  const std::string matter =
      b.value("matter", Json()).is_string() ? b["matter"].get<std::string>() : "";
  const Json node = b.value("node", Json());
  const Json org = orgOf(b);
  if (matter == kQualificationMatter && !applying) {
    if (!node.is_null()) errors.push_back({"node", "职业资格鉴定没有节点名称，node 须为 null"});
    if (!org.is_null()) errors.push_back({"evaluationOrg", "职业资格鉴定没有评价机构，须为 null"});
  } else if (matter == kSkillLevelMatter) {
    if (node != kSocialOrgNode && node != kEmployerNode) {
      errors.push_back({"node", "节点名称须为「社会评价组织等级认定」或「用人单位等级认定」"});
    }
    if (!org.is_object() || !stringField(org, "creditCode") || !stringField(org, "name")) {
      errors.push_back({"evaluationOrg", "须给出评价机构的 name 与 creditCode"});
    }
  } else {
    errors.push_back({"matter", applying ? "只能在线申请「职业技能等级认定」权限"
                                         : "事项名称须为「职业技能等级认定」或「职业资格鉴定」"});
  }
  const Json code = b.value("occupationCode", Json());
  if (!code.is_string() || !isOccupationCode(code.get<std::string>())) {
    errors.push_back({"occupationCode", "职业编码格式须为 X-XX-XX-XX"});
  }
  if (!stringField(b, "occupationName")) errors.push_back({"occupationName", "职业名称不能为空"});
  if (!intField(b, "level", 1, 5)) errors.push_back({"level", "职业等级须为 1–5 的整数"});
}

}  // namespace

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
  grant(PermissionRecord{app.creditCode, r["matter"], r["node"], r["occupationCode"],
                         r["occupationName"], r["level"].get<int>(), r["evaluationOrg"], t});
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
  checkPermissionFields(b, true, errors);
  if (b.contains("attachments") && !b["attachments"].is_object()) {
    errors.push_back({"attachments", "attachments 须为对象"});
  }
  if (errors.empty()) {
    const std::string orgCode = b["evaluationOrg"]["creditCode"];
    const Json* item = catalogOrg(orgCode);
    if (item == nullptr) {
      errors.push_back({"evaluationOrg.creditCode", "该评价机构未在评价机构目录中备案"});
    } else {
      const std::string type = (*item)["org"].value("type", "");
      const std::string wantType = b["node"] == kSocialOrgNode ? "SOCIAL_ORG" : "EMPLOYER";
      if (type != wantType) {
        errors.push_back({"node", "节点名称与评价机构类型不符（该机构为 " + type + "）"});
      }
      bool registered = false;
      for (const auto& o : (*item)["occupations"]) {
        if (o.value("code", "") != b["occupationCode"]) continue;
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
  Json v{{"batchId", batch.batchId},
         {"status", batch.status},
         {"occupationCode", batch.manifest.value("occupationCode", "")},
         {"level", batch.manifest.value("level", 0)},
         {"rowCount", batch.rowNumbers.size()},
         {"receivedAt", formatTime(batch.createdAt)},
         {"updatedAt", formatTime(batch.updatedAt)}};
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
  checkPermissionFields(manifest, false, errors);
  auto rowCount = intField(manifest, "rowCount", 1, 1000000);
  if (!rowCount) errors.push_back({"rowCount", "rowCount 须为正整数"});
  const Json sha = manifest.value("sha256", Json());
  if (!sha.is_string() || sha.get<std::string>().size() != 64) {
    errors.push_back({"sha256", "sha256 须为文件的 64 位十六进制摘要"});
  }
  if (!errors.empty()) return bad(422, "VALIDATION_FAILED", "申报清单（manifest）有误", errors);

  const bool permitted = std::any_of(
      state.permissions.begin(), state.permissions.end(),
      [&](const PermissionRecord& p) { return samePermission(p, call.school, manifest); });
  if (!permitted) {
    return bad(403, "PERMISSION_REQUIRED", "没有该事项、节点、职业、等级与评价机构的团体申报权限");
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
  for (std::size_t i = 0; i < kTemplateHeader.size(); ++i) {
    if (i >= table->header.size() || table->header[i] != kTemplateHeader[i]) {
      return bad(
          422, "VALIDATION_FAILED", "表头与团体申报导入模板不一致",
          {{"file", "第 " + std::to_string(i + 1) + " 列表头应为「" + kTemplateHeader[i] + "」"}});
    }
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
    for (std::size_t i = 0; i < kTemplateHeader.size(); ++i) {
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
  const std::string occupation = batch.manifest.value("occupationCode", "");
  const int level = batch.manifest.value("level", 0);
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
    IdCheck id = checkResidentId(trim(c[kIdNumber]), today);
    if (id.ok) row.idNumber = id.normalized;
    auto rowLevel = parseLevel(c[kLevel]);
    auto year = cellInt(c[kYear]);
    MobileCheck mobile = checkMobile(c[kMobile]);
    const std::string gender = trim(c[kGender]);
    std::optional<Date> birth;
    if (!trim(c[kBirth]).empty()) birth = parseBirthDate(c[kBirth]);
    if (trim(c[kIdType]) != "居民身份证") {
      rejectRow("ID_INVALID", "证件类型须为居民身份证");
    } else if (!id.ok) {
      rejectRow("ID_INVALID", "证件号码无效：" + id.problem);
    } else if (!rowLevel) {
      rejectRow("FIELD_INVALID", "申报等级无法识别");
    } else if (*rowLevel != allowedLevel || *rowLevel != level) {
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
    } else if ((gender == "男") != (id.gender == Gender::Male)) {
      rejectRow("FIELD_INVALID", "性别与身份证号不符");
    } else if (!trim(c[kBirth]).empty() && (!birth || birth != id.birthDate)) {
      rejectRow("FIELD_INVALID", "出生日期与身份证号不符");
    } else if (!mobile.ok) {
      rejectRow("FIELD_INVALID", "手机号码无效：" + mobile.problem);
    } else if (trim(c[kOccupationCode]) != occupation) {
      rejectRow("FIELD_INVALID", "职业编码与申报清单不一致");
    } else if (declaredKeys.contains(declarationKey(id.normalized, occupation, level))) {
      rejectRow("DUPLICATE", "该学生已申报过同一职业与等级");
    } else {
      char number[16];
      std::snprintf(number, sizeof number, "%06d", ++state.declarationSeq % 1000000);
      const std::string declarationNo = "ZJ" + std::to_string(gradYear) + number;
      row.result = "ACCEPTED";
      row.declarationNo = declarationNo;
      addDeclaration(DeclarationRecord{batch.creditCode, id.normalized, trim(c[kName]), occupation,
                                       level, declarationNo, batch.batchId, t});
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
  auto occupation = q.find("occupationCode");
  Json items = Json::array();
  auto mine = declarationsBySchool.find(call.school);
  if (call.school.empty() || mine == declarationsBySchool.end()) {
    return jsonResponse(200, {{"items", items}});
  }
  for (const std::size_t i : mine->second) {
    const auto& d = state.declarations[i];
    if (occupation != q.end() && !occupation->second.empty() &&
        d.occupationCode != occupation->second) {
      continue;
    }
    if (level && d.level != *level) continue;
    items.push_back({{"idNumber", d.idNumber},
                     {"name", d.name},
                     {"occupationCode", d.occupationCode},
                     {"level", d.level},
                     {"declarationNo", d.declarationNo},
                     {"batchId", d.batchId},
                     {"declaredAt", formatTime(d.declaredAt)}});
  }
  return jsonResponse(200, {{"items", items}});
}

}  // namespace zzjb::mock
