// zzjb-mock's platform: the request pipeline (routing, sessions, signed submissions,
// idempotency), login with the CA key, the account and the catalog, and saving the state.
// Permissions and declarations are in platform_skills.cpp, the admin API in platform_admin.cpp.
#include "platform.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <exception>
#include <initializer_list>
#include <set>
#include <sstream>

#include "platform_impl.hpp"
#include "zzjb/core/identifiers.hpp"
#include "zzjb/files/files.hpp"
#include "zzjb/json/bounded.hpp"

namespace zzjb::mock {
namespace {

constexpr Seconds kChallengeTtl = 120;
constexpr Seconds kMaxSkew = 300;
constexpr Seconds kNonceWindow = 600;
constexpr const char* kJsonType = "application/json; charset=utf-8";
// The state document nests the bodies it keeps (each at most zzjb::json::kMaxDepth deep) a few
// levels down: batches[i].manifest, applications[i].request, accounts.X.fields.
constexpr int kMaxStateDepth = zzjb::json::kMaxDepth + 8;
constexpr std::size_t kMaxStateBytes = 256u << 20;

std::string findingText(const Finding& f) {
  return f.where.file + ": " + f.message + " (" + f.code + ")" +
         (f.hint.empty() ? "" : "; " + f.hint);
}

// The Chinese explanation of a body refused by the bounded parser (docs/platform-api.md,
// "General"): never the body's bytes.
std::string bodyProblem(const zzjb::json::ParseError& e) {
  using Kind = zzjb::json::ParseError::Kind;
  switch (e.kind) {
    case Kind::TooDeep:
      return "请求体的数组与对象嵌套超过 " + std::to_string(zzjb::json::kMaxDepth) + " 层";
    case Kind::TooLarge:
      return "请求体过大";
    case Kind::NumberOutOfRange:
      return "请求体中的数字超出可表示的范围";
    case Kind::Syntax:
      break;
  }
  return "请求体不是 JSON（第 " + std::to_string(e.byte) + " 字节处）";
}

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    std::size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    parts.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return parts;
}

// Whether `path` matches `pattern` ("*" matches one non-empty segment); fills `params`.
bool matches(const std::string& pattern, const std::string& path,
             std::vector<std::string>& params) {
  auto want = splitPath(pattern);
  auto have = splitPath(path);
  if (want.size() != have.size()) return false;
  std::vector<std::string> found;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "*") {
      if (have[i].empty()) return false;
      found.push_back(have[i]);
    } else if (want[i] != have[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

bool isSigned(const Call& call) {
  const std::string& m = call.request.method;
  return (m == "POST" || m == "PUT") && call.target.path.starts_with("/api/v1/") &&
         !call.target.path.starts_with("/api/v1/auth/");
}

}  // namespace

bool CaseInsensitiveLess::operator()(const std::string& a, const std::string& b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) <
           std::tolower(static_cast<unsigned char>(y));
  });
}

// ---- answers ------------------------------------------------------------------------------------

Response jsonResponse(int status, const Json& body) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", kJsonType);
  // Replace, never throw: a string that is not UTF-8 must not turn an answer into an exception.
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

Response errorResponse(const Call& call, int status, const std::string& code,
                       const std::string& message, const std::vector<FieldError>& fields) {
  Json body{{"code", code}, {"message", message}, {"requestId", call.requestId}};
  if (status == 422) {
    Json list = Json::array();
    for (const auto& f : fields) list.push_back({{"field", f.field}, {"message", f.message}});
    body["fields"] = list;
  }
  return jsonResponse(status, body);
}

std::optional<Json> parseJsonBody(const Call& call, bool emptyIsObject) {
  if (emptyIsObject && trim(call.request.body).empty()) return Json::object();
  auto j = parseJsonText(call.request.body);
  if (!j) return std::nullopt;
  return std::move(*j);
}

std::expected<Json, zzjb::json::ParseError> parseJsonText(std::string_view text) {
  return zzjb::json::parse(text);
}

std::optional<Response> refuseUnboundedBody(const Call& call) {
  const std::string* type = header(call.request, "Content-Type");
  std::optional<std::string> boundary = type ? multipartBoundary(*type) : std::nullopt;
  std::vector<std::string_view> documents;
  std::optional<std::vector<FormPart>> parts;
  if (boundary) {
    // The manifest (or any JSON part) of an upload; a malformed body is the handler's to refuse.
    parts = parseMultipart(call.request.body, *boundary);
    if (parts) {
      for (const auto& p : *parts) {
        if (p.name == "manifest" || p.contentType.starts_with("application/json"))
          documents.push_back(p.data);
      }
    }
  } else if (!trim(call.request.body).empty()) {
    documents.push_back(call.request.body);
  }
  for (std::string_view text : documents) {
    auto parsed = zzjb::json::parse(text);
    // Syntax errors are left to the handler, which knows what it expects (and in which order
    // it checks: the Idempotency-Key comes first); only what the handler cannot survive is
    // refused here.
    if (!parsed && parsed.error().kind != zzjb::json::ParseError::Kind::Syntax)
      return errorResponse(call, 400, "BAD_REQUEST", bodyProblem(parsed.error()));
  }
  return std::nullopt;
}

std::string fingerprintOf(const Call& call, const std::string& canonicalBody) {
  return call.request.method + " " + call.target.path + "\n" + sha256Hex(canonicalBody);
}

std::optional<Response> requireIdempotencyKey(const Call& call) {
  const std::string* key = header(call.request, "Idempotency-Key");
  if (key != nullptr && isPrintableAscii(*key, 1, 128)) return std::nullopt;
  return errorResponse(call, 400, "IDEMPOTENCY_KEY_REQUIRED",
                       "创建类提交须带 Idempotency-Key（1–128 个可打印 ASCII 字符）");
}

const std::string* header(const Request& request, const std::string& name) {
  auto it = request.headers.find(name);
  return it == request.headers.end() ? nullptr : &it->second;
}

std::optional<std::string> stringField(const Json& object, const std::string& name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  std::string v = trim(it->get<std::string>());
  if (v.empty()) return std::nullopt;
  return v;
}

std::optional<int> intField(const Json& object, const std::string& name, int lo, int hi) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_number_integer()) return std::nullopt;
  auto v = it->get<std::int64_t>();
  if (v < lo || v > hi) return std::nullopt;
  return static_cast<int>(v);
}

// ---- Platform -----------------------------------------------------------------------------------

Platform::Impl::Impl(PlatformOptions opts) : options(std::move(opts)) {
  std::string error;
  if (!anchors.load(options.trustCaFiles, error)) throw std::runtime_error(error);
  auto catalog = loadCatalogFile(error);
  if (!catalog) throw std::runtime_error(error);
  initialCatalog = *catalog;
  routes = {
      {"POST", "/api/v1/auth/challenge", &Impl::challenge},
      {"POST", "/api/v1/auth/login", &Impl::login},
      {"GET", "/api/v1/account", &Impl::getAccount},
      {"PUT", "/api/v1/account", &Impl::putAccount},
      {"GET", "/api/v1/skills/catalog", &Impl::getCatalog},
      {"GET", "/api/v1/skills/permissions", &Impl::listPermissions},
      {"GET", "/api/v1/skills/permission-applications", &Impl::findApplications},
      {"POST", "/api/v1/skills/permission-applications", &Impl::postApplication},
      {"GET", "/api/v1/skills/permission-applications/*", &Impl::getApplication},
      {"GET", "/api/v1/skills/group-declarations", &Impl::findBatches},
      {"POST", "/api/v1/skills/group-declarations", &Impl::postDeclaration},
      {"GET", "/api/v1/skills/group-declarations/*", &Impl::getBatch},
      {"GET", "/api/v1/skills/declarations", &Impl::listDeclarations},
      {"GET", "/__admin/health", &Impl::adminHealth},
      {"POST", "/__admin/reset", &Impl::adminReset},
      {"GET", "/__admin/state", &Impl::adminState},
      {"POST", "/__admin/review-policy", &Impl::adminReviewPolicy},
      {"POST", "/__admin/batch-policy", &Impl::adminBatchPolicy},
      {"POST", "/__admin/account-policy", &Impl::adminAccountPolicy},
      {"POST", "/__admin/applications/*/approve", &Impl::adminApprove},
      {"POST", "/__admin/applications/*/reject", &Impl::adminReject},
      {"POST", "/__admin/permissions", &Impl::adminGrant},
      {"POST", "/__admin/accounts/*/activate", &Impl::adminActivate},
      {"POST", "/__admin/catalog", &Impl::adminCatalog},
      {"GET", "/__admin/clock", &Impl::adminGetClock},
      {"POST", "/__admin/clock", &Impl::adminSetClock},
  };
  resetState();
}

Platform::Platform(PlatformOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Platform::~Platform() = default;

Response Platform::handle(const Request& request, const std::string& requestId) {
  std::lock_guard lock(impl_->mutex);
  try {
    return impl_->handleLocked(request, requestId);
  } catch (const std::exception& e) {
    Response r = jsonResponse(500, {{"code", "INTERNAL"},
                                    {"message", "模拟平台内部错误：" + sanitizeUtf8(e.what())},
                                    {"requestId", requestId}});
    r.mutated = impl_->mutated;
    return r;
  } catch (...) {
    return jsonResponse(
        500, {{"code", "INTERNAL"}, {"message", "模拟平台内部错误"}, {"requestId", requestId}});
  }
}

void Platform::expireSessionOf(const Request& request) {
  std::lock_guard lock(impl_->mutex);
  const std::string* auth = header(request, "Authorization");
  if (auth == nullptr || auth->size() < 7) return;
  auto it = impl_->state.sessions.find(trim(auth->substr(7)));
  if (it != impl_->state.sessions.end()) it->second.expiresAt = impl_->now();
}

bool Platform::hasLiveSession(std::string_view authorization) const {
  if (authorization.size() < 7) return false;
  std::string scheme(authorization.substr(0, 7));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  if (scheme != "bearer ") return false;
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->state.sessions.find(trim(authorization.substr(7)));
  return it != impl_->state.sessions.end() && impl_->now() < it->second.expiresAt;
}

std::string Platform::saveState() const {
  std::lock_guard lock(impl_->mutex);
  Json doc = impl_->state;
  std::ostringstream rng;
  rng << impl_->rng;
  doc["rng"] = rng.str();
  doc["format"] = "zzjb-mock-state/1";
  // The state only holds what the bounded pipeline accepted; replace rather than throw anyway,
  // so that saving can never end the mock (docs/platform-api.md, "State").
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool Platform::loadState(const std::string& json, std::string& error) {
  try {
    auto parsed = zzjb::json::parse(json, {kMaxStateDepth, kMaxStateBytes});
    if (!parsed) {
      error = "bad state document: " + parsed.error().message;
      return false;
    }
    Json doc = std::move(*parsed);
    if (!doc.is_object() || doc.value("format", "") != "zzjb-mock-state/1") {
      error = "not a zzjb-mock state document (format zzjb-mock-state/1 expected)";
      return false;
    }
    State loaded = doc.get<State>();
    if (auto bad = clockProblem(loaded.clock)) {
      error = "bad state document: clock: " + *bad;
      return false;
    }
    // The handlers trust the catalog (its matters decide what may be applied for and granted).
    if (auto problems = Impl::validateCatalog(loaded.catalog)) {
      error = "bad state document: catalog: " + problems->front().field + ": " +
              problems->front().message;
      return false;
    }
    std::mt19937_64 rng;
    std::istringstream in(doc.at("rng").get<std::string>());
    in >> rng;
    if (!in) {
      error = "state document has a bad rng";
      return false;
    }
    std::lock_guard lock(impl_->mutex);
    impl_->state = std::move(loaded);
    impl_->indexDeclarations();
    impl_->rng = rng;
    return true;
  } catch (const std::exception& e) {
    error = std::string("bad state document: ") + e.what();
    return false;
  }
}

// ---- the pipeline -------------------------------------------------------------------------------

Response Platform::Impl::handleLocked(const Request& request, const std::string& requestId) {
  mutated = false;
  auto target = parseTarget(request.target);
  Call call{request, requestId, target.value_or(Target{}), {}, nullptr, {}};
  if (!target) return errorResponse(call, 400, "BAD_REQUEST", "请求地址无效");
  // Bytes that are not UTF-8 cannot name a route, and must not be echoed into a JSON answer.
  if (!isValidUtf8(call.target.path) || !isValidUtf8(request.method)) {
    return errorResponse(call, 400, "BAD_REQUEST", "请求方法或地址含有不是 UTF-8 的字节");
  }

  const bool admin = call.target.path == "/__admin" || call.target.path.starts_with("/__admin/");
  if (admin && !request.loopback) {
    return errorResponse(call, 403, "FORBIDDEN", "管理接口只接受本机访问");
  }
  const Route* route = nullptr;
  std::vector<std::string> allowed;
  for (const auto& r : routes) {
    std::vector<std::string> params;
    if (!matches(r.pattern, call.target.path, params)) continue;
    allowed.push_back(r.method);
    if (r.method == request.method) {
      route = &r;
      call.params = std::move(params);
    }
  }
  if (route == nullptr && allowed.empty()) {
    return errorResponse(call, 404, "NOT_FOUND", "接口不存在：" + sanitizeUtf8(call.target.path));
  }
  if (route == nullptr) {
    Response r = errorResponse(call, 405, "METHOD_NOT_ALLOWED",
                               "该接口不支持 " + sanitizeUtf8(request.method, 32) + " 方法");
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    r.headers.emplace_back("Allow", allow);
    return r;
  }

  const bool needsSession = !admin && !call.target.path.starts_with("/api/v1/auth/");
  if (needsSession) {
    if (auto denied = authenticate(call)) return *denied;
  }
  if (needsSession && isSigned(call)) {
    if (auto denied = checkSignature(call)) {
      denied->creditCode = call.school;
      denied->mutated = mutated;
      return *denied;
    }
  }
  if (auto refused = refuseUnboundedBody(call)) return *refused;
  Response r = (this->*(route->handler))(call);
  if (r.creditCode.empty()) r.creditCode = call.school;
  r.mutated = r.mutated || mutated;
  return r;
}

Seconds systemNow() {
  auto sys = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return std::clamp(static_cast<Seconds>(sys.count()), kMinTime, kMaxTime);
}

std::optional<std::string> clockProblem(const ClockState& clock) {
  if (clock.offset < -kMaxClockStep || clock.offset > kMaxClockStep)
    return "offset is out of range (at most " + std::to_string(kMaxClockStep) +
           " seconds either way)";
  if (clock.fixedNow < kMinTime || clock.fixedNow > kMaxTime)
    return "fixedNow is outside years 0001 to 9999";
  return std::nullopt;
}

Seconds Platform::Impl::now() const {
  if (state.clock.frozen) return state.clock.fixedNow;
  // Both terms are bounded (clockProblem, adminSetClock): the sum cannot overflow. The result is
  // kept inside the range a time can be written in (docs/platform-api.md, "The mock clock").
  return std::clamp(systemNow() + state.clock.offset, kMinTime, kMaxTime);
}

std::string Platform::Impl::randomBytes(std::size_t n) {
  std::string out;
  out.reserve(n + 8);
  while (out.size() < n) {
    std::uint64_t v = rng();
    for (int i = 0; i < 8 && out.size() < n; ++i) {
      out += static_cast<char>(v & 0xFF);
      v >>= 8;
    }
  }
  mutated = true;
  return out;
}

std::string Platform::Impl::randomId(const std::string& prefix) {
  std::string hex = hexEncode(randomBytes(8));
  std::transform(hex.begin(), hex.end(), hex.begin(), [](char c) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  });
  return prefix + hex;
}

void Platform::Impl::resetState() {
  state = State{};
  state.catalog = initialCatalog;
  std::string error;
  if (auto fresh = loadCatalogFile(error)) state.catalog = *fresh;  // the file may have changed
  rng.seed(options.seed);
  indexDeclarations();
  mutated = true;
}

std::string Platform::Impl::declarationKey(const std::string& idNumber,
                                           const std::string& occupationCode, int level) {
  return idNumber + '\n' + occupationCode + '\n' + std::to_string(level);
}

std::string Platform::Impl::abilityDeclarationKey(const std::string& idNumber,
                                                  const std::string& abilityCode) {
  // An occupation's key has a non-empty code in the middle: "\n\n" never starts its tail.
  return idNumber + "\n\nability\n" + abilityCode;
}

std::string Platform::Impl::declarationKey(const DeclarationRecord& d) {
  if (d.ability()) return abilityDeclarationKey(d.idNumber, d.abilityCode.get<std::string>());
  return declarationKey(d.idNumber, d.occupationCode, d.level);
}

void Platform::Impl::indexDeclarations() {
  declaredKeys.clear();
  declarationsBySchool.clear();
  for (std::size_t i = 0; i < state.declarations.size(); ++i) {
    const auto& d = state.declarations[i];
    declaredKeys.insert(declarationKey(d));
    declarationsBySchool[d.creditCode].push_back(i);
  }
}

void Platform::Impl::addDeclaration(DeclarationRecord declaration) {
  declaredKeys.insert(declarationKey(declaration));
  declarationsBySchool[declaration.creditCode].push_back(state.declarations.size());
  state.declarations.push_back(std::move(declaration));
}

std::optional<Json> Platform::Impl::loadCatalogFile(std::string& error) const {
  if (options.catalogFile.empty()) return Json{{"version", "empty"}, {"items", Json::array()}};
  // Bounded and regular files only, like every file zzjb reads (docs/platform-api.md).
  auto text = files::readFile(options.catalogFile,
                              {files::kMaxCatalogBytes, "catalog", /*followFinalLink=*/true});
  if (!text) {
    error = findingText(text.error());
    return std::nullopt;
  }
  auto parsed = zzjb::json::parse(*text);
  if (!parsed) {
    error = "catalog file " + options.catalogFile + ": " + parsed.error().message;
    return std::nullopt;
  }
  Json catalog = std::move(*parsed);
  if (auto problems = validateCatalog(catalog)) {
    error = "catalog file " + options.catalogFile + ": " + problems->front().field + ": " +
            problems->front().message;
    return std::nullopt;
  }
  return catalog;
}

namespace {

bool boundedName(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() && !trim(it->get<std::string>()).empty() &&
         it->get_ref<const std::string&>().size() <= kMaxMatterNameBytes;
}

// The member `key` of `object` is one of `values` (strings), else `message` at `at.key`.
void requireOneOf(const Json& object, const char* key, std::initializer_list<const char*> values,
                  const std::string& at, const char* message, std::vector<FieldError>& errors) {
  auto it = object.find(key);
  const bool ok = it != object.end() && it->is_string() &&
                  std::any_of(values.begin(), values.end(), [&](const char* v) {
                    return it->get_ref<const std::string&>() == v;
                  });
  if (!ok) errors.push_back({at + "." + key, message});
}

// The catalog's `matters` (docs/platform-api.md, "Catalog"): at most kMaxMatters, each
// {"name", "opening", "scope", "nodes"} and nothing else, names unique; a problem at its path.
void validateMatters(const Json& matters, std::vector<FieldError>& errors) {
  if (!matters.is_array() || matters.empty() || matters.size() > kMaxMatters) {
    errors.push_back(
        {"matters", "matters 须为 1–" + std::to_string(kMaxMatters) + " 个事项的数组"});
    return;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < matters.size(); ++i) {
    const std::string at = "matters[" + std::to_string(i) + "]";
    const Json& m = matters[i];
    if (!m.is_object()) {
      errors.push_back({at, "事项须为对象"});
      continue;
    }
    for (const auto& [key, value] : m.items()) {
      (void)value;
      if (key != "name" && key != "opening" && key != "scope" && key != "nodes") {
        // The key itself is not echoed: it may be anything a hostile catalog holds.
        errors.push_back({at, "事项只能有 name、opening、scope 与 nodes"});
        break;
      }
    }
    if (!boundedName(m, "name")) {
      errors.push_back({at + ".name", "事项名称须为非空字符串（至多 " +
                                          std::to_string(kMaxMatterNameBytes) + " 字节）"});
    } else if (!names.insert(m["name"].get<std::string>()).second) {
      errors.push_back({at + ".name", "事项名称重复"});
    }
    requireOneOf(m, "opening", {"ONLINE", "CENTRE", "NONE"}, at,
                 "opening 须为 ONLINE（在线申请）、CENTRE（由市职鉴中心开通）或 NONE（无需权限）",
                 errors);
    requireOneOf(m, "scope", {"OCCUPATION", "ABILITY"}, at,
                 "scope 须为 OCCUPATION（职业编码与等级）或 ABILITY（专项能力）", errors);
    if (!m.contains("nodes")) continue;  // no node: node null
    const Json& nodes = m["nodes"];
    if (!nodes.is_array() || nodes.size() > kMaxMatterNodes) {
      errors.push_back(
          {at + ".nodes", "nodes 须为至多 " + std::to_string(kMaxMatterNodes) + " 个节点的数组"});
      continue;
    }
    std::set<std::string> nodeNames;
    for (std::size_t k = 0; k < nodes.size(); ++k) {
      const std::string nat = at + ".nodes[" + std::to_string(k) + "]";
      const Json& n = nodes[k];
      if (!n.is_object()) {
        errors.push_back({nat, "节点须为对象 {\"name\", \"orgType\"}"});
        continue;
      }
      for (const auto& [key, value] : n.items()) {
        (void)value;
        if (key != "name" && key != "orgType") {
          errors.push_back({nat, "节点只能有 name 与 orgType"});
          break;
        }
      }
      if (!boundedName(n, "name")) {
        errors.push_back({nat + ".name", "节点名称须为非空字符串（至多 " +
                                             std::to_string(kMaxMatterNameBytes) + " 字节）"});
      } else if (!nodeNames.insert(n["name"].get<std::string>()).second) {
        errors.push_back({nat + ".name", "节点名称重复"});
      }
      const Json* orgType = n.contains("orgType") ? &n["orgType"] : nullptr;
      if (orgType != nullptr && !orgType->is_null() && *orgType != "SOCIAL_ORG" &&
          *orgType != "EMPLOYER") {
        errors.push_back({nat + ".orgType", "orgType 须为 SOCIAL_ORG、EMPLOYER 或 null"});
      }
    }
  }
}

}  // namespace

std::optional<std::vector<FieldError>> Platform::Impl::validateCatalog(const Json& catalog) {
  std::vector<FieldError> errors;
  if (!catalog.is_object() || !catalog.contains("items") || !catalog["items"].is_array()) {
    return std::vector<FieldError>{{"items", "目录须为对象且含 items 数组"}};
  }
  if (!catalog.contains("version") || !catalog["version"].is_string()) {
    errors.push_back({"version", "version 须为字符串"});
  }
  const auto& items = catalog["items"];
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string at = "items[" + std::to_string(i) + "]";
    const Json& item = items[i];
    const Json org = item.is_object() ? item.value("org", Json()) : Json();
    if (!org.is_object() || !stringField(org, "name") || !stringField(org, "creditCode")) {
      errors.push_back({at + ".org", "评价机构须有 name 与 creditCode"});
    } else if (org.value("type", Json()) != "SOCIAL_ORG" &&
               org.value("type", Json()) != "EMPLOYER") {
      errors.push_back({at + ".org.type", "评价机构类型须为 SOCIAL_ORG 或 EMPLOYER"});
    }
    const Json occupations = item.is_object() ? item.value("occupations", Json()) : Json();
    if (!occupations.is_array()) {
      errors.push_back({at + ".occupations", "occupations 须为数组"});
      continue;
    }
    for (std::size_t k = 0; k < occupations.size(); ++k) {
      const Json& o = occupations[k];
      const std::string oat = at + ".occupations[" + std::to_string(k) + "]";
      bool ok = o.is_object() && stringField(o, "name") && stringField(o, "code") &&
                isOccupationCode(o["code"].get<std::string>()) && o.contains("levels") &&
                o["levels"].is_array();
      if (ok) {
        for (const auto& l : o["levels"]) {
          ok = ok && l.is_number_integer() && l.get<int>() >= 1 && l.get<int>() <= 5;
        }
      }
      if (!ok) errors.push_back({oat, "职业须有 code（职业编码）、name 与 levels（1–5）"});
    }
  }
  if (auto it = catalog.find("matters"); it != catalog.end()) validateMatters(*it, errors);
  if (errors.empty()) return std::nullopt;
  return errors;
}

const Json& Platform::Impl::defaultMatters() {
  // The notices' two matters and 专项职业能力考核, for a catalog that names none (--catalog
  // absent, or a catalog of the contract's first shape): docs/platform-api.md, "Catalog".
  static const Json matters = Json::parse(R"([
    {"name": "职业技能等级认定", "opening": "ONLINE", "scope": "OCCUPATION",
     "nodes": [{"name": "社会评价组织等级认定", "orgType": "SOCIAL_ORG"},
               {"name": "用人单位等级认定", "orgType": "EMPLOYER"}]},
    {"name": "职业资格鉴定", "opening": "CENTRE", "scope": "OCCUPATION", "nodes": []},
    {"name": "专项职业能力考核", "opening": "CENTRE", "scope": "ABILITY", "nodes": []}
  ])");
  return matters;
}

const Json& Platform::Impl::matters() const {
  if (state.catalog.is_object()) {
    auto it = state.catalog.find("matters");
    if (it != state.catalog.end()) return *it;  // validated with the catalog
  }
  return defaultMatters();
}

namespace {

// The optional abilityCode and abilityName of a saved permission or declaration: both strings,
// or both absent or null (a state saved before they existed).
void readAbility(const Json& j, const char* what, Json& code, Json& name) {
  code = j.value("abilityCode", Json());
  name = j.value("abilityName", Json());
  if (!code.is_null() && (!code.is_string() || !name.is_string())) {
    throw std::runtime_error(std::string(what) +
                             ": abilityCode and abilityName must be strings or absent");
  }
}

}  // namespace

void to_json(Json& j, const PermissionRecord& p) {
  j = Json{{"creditCode", p.creditCode},
           {"matter", p.matter},
           {"node", p.node},
           {"occupationCode", p.occupationCode},
           {"occupationName", p.occupationName},
           {"level", p.level},
           {"evaluationOrg", p.evaluationOrg},
           {"grantedAt", p.grantedAt}};
  if (p.ability()) {
    j["abilityCode"] = p.abilityCode;
    j["abilityName"] = p.abilityName;
  }
}

void from_json(const Json& j, PermissionRecord& p) {
  j.at("creditCode").get_to(p.creditCode);
  j.at("matter").get_to(p.matter);
  p.node = j.at("node");
  j.at("occupationCode").get_to(p.occupationCode);
  j.at("occupationName").get_to(p.occupationName);
  j.at("level").get_to(p.level);
  p.evaluationOrg = j.at("evaluationOrg");
  j.at("grantedAt").get_to(p.grantedAt);
  readAbility(j, "permission", p.abilityCode, p.abilityName);
}

void to_json(Json& j, const DeclarationRecord& d) {
  j = Json{{"creditCode", d.creditCode},
           {"idNumber", d.idNumber},
           {"name", d.name},
           {"occupationCode", d.occupationCode},
           {"level", d.level},
           {"declarationNo", d.declarationNo},
           {"batchId", d.batchId},
           {"declaredAt", d.declaredAt},
           {"idType", d.idType}};
  if (d.ability()) {
    j["abilityCode"] = d.abilityCode;
    j["abilityName"] = d.abilityName;
  }
}

void from_json(const Json& j, DeclarationRecord& d) {
  j.at("creditCode").get_to(d.creditCode);
  j.at("idNumber").get_to(d.idNumber);
  j.at("name").get_to(d.name);
  j.at("occupationCode").get_to(d.occupationCode);
  j.at("level").get_to(d.level);
  j.at("declarationNo").get_to(d.declarationNo);
  j.at("batchId").get_to(d.batchId);
  j.at("declaredAt").get_to(d.declaredAt);
  if (j.contains("idType")) j.at("idType").get_to(d.idType);
  readAbility(j, "declaration", d.abilityCode, d.abilityName);
}

void to_json(Json& j, const BatchRecord& b) {
  j = Json{{"batchId", b.batchId},     {"creditCode", b.creditCode}, {"idempotencyKey", b.idempotencyKey},
           {"status", b.status},       {"manifest", b.manifest},     {"rowNumbers", b.rowNumbers},
           {"cells", b.cells},         {"rows", b.rows},             {"polls", b.polls},
           {"createdAt", b.createdAt}, {"updatedAt", b.updatedAt},   {"header", b.header}};
}

void from_json(const Json& j, BatchRecord& b) {
  j.at("batchId").get_to(b.batchId);
  j.at("creditCode").get_to(b.creditCode);
  j.at("idempotencyKey").get_to(b.idempotencyKey);
  j.at("status").get_to(b.status);
  j.at("manifest").get_to(b.manifest);
  j.at("rowNumbers").get_to(b.rowNumbers);
  j.at("cells").get_to(b.cells);
  j.at("rows").get_to(b.rows);
  j.at("polls").get_to(b.polls);
  j.at("createdAt").get_to(b.createdAt);
  j.at("updatedAt").get_to(b.updatedAt);
  if (j.contains("header")) j.at("header").get_to(b.header);
}

const AccountRecord* Platform::Impl::accountOf(const Call& call) const {
  if (!call.school.empty()) {
    auto it = state.accounts.find(call.school);
    return it == state.accounts.end() ? nullptr : &it->second;
  }
  return nullptr;
}

std::string Platform::Impl::idempotencyScope(const Call& call) const {
  if (call.session == nullptr) return {};
  if (!call.session->creditCode.empty()) return call.session->creditCode;
  return "keyId:" + call.session->keyId;
}

std::optional<Response> Platform::Impl::authenticate(Call& call) {
  const std::string* auth = header(call.request, "Authorization");
  std::string scheme =
      auth == nullptr ? "" : auth->substr(0, std::min<std::size_t>(7, auth->size()));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  if (auth == nullptr || scheme != "bearer ") {
    return errorResponse(call, 401, "UNAUTHORIZED",
                         "缺少会话令牌（Authorization: Bearer），请先登录");
  }
  auto it = state.sessions.find(trim(auth->substr(7)));
  if (it == state.sessions.end()) {
    return errorResponse(call, 401, "UNAUTHORIZED", "会话令牌无效，请重新登录");
  }
  call.session = &it->second;
  call.school = it->second.creditCode;
  if (call.school.empty()) {  // a certificate without the credit code: the account names it
    for (const auto& [code, account] : state.accounts) {
      if (account.fields.value("operator", Json::object()).value("keyId", "") == it->second.keyId) {
        call.school = code;
        break;
      }
    }
  }
  if (now() >= it->second.expiresAt) {
    return errorResponse(call, 401, "SESSION_EXPIRED", "会话已过期，请重新登录");
  }
  return std::nullopt;
}

std::optional<Response> Platform::Impl::checkSignature(Call& call) {
  const std::string* ts = header(call.request, "X-Zzjb-Timestamp");
  const std::string* nonce = header(call.request, "X-Zzjb-Nonce");
  const std::string* sig = header(call.request, "X-Zzjb-Signature");
  if (ts == nullptr || nonce == nullptr || sig == nullptr) {
    return errorResponse(call, 401, "SIGNATURE_INVALID",
                         "提交须带 X-Zzjb-Timestamp、X-Zzjb-Nonce 与 X-Zzjb-Signature 签名头");
  }
  auto when = parseTime(*ts);
  if (!when)
    return errorResponse(call, 400, "TIMESTAMP_SKEW", "X-Zzjb-Timestamp 不是 RFC 3339 时间");
  const Seconds t = now();
  if (*when > t + kMaxSkew || *when < t - kMaxSkew) {
    return errorResponse(
        call, 400, "TIMESTAMP_SKEW",
        "X-Zzjb-Timestamp 与平台时间相差超过 300 秒（平台时间 " + formatTime(t) + "）");
  }
  if (!isPrintableAscii(*nonce, 16, 256)) {
    return errorResponse(call, 401, "SIGNATURE_INVALID", "X-Zzjb-Nonce 须为至少 16 个可打印字符");
  }
  auto der = base64Decode(trim(*sig));
  const std::string payload = call.request.method + "\n" + call.target.path + "\n" + *ts + "\n" +
                              *nonce + "\n" + sha256Hex(call.request.body);
  if (!der || verifySignature(call.session->certificate, call.session->algorithm, payload, *der) !=
                  SignatureVerdict::Ok) {
    return errorResponse(call, 401, "SIGNATURE_INVALID", "提交签名验证失败");
  }
  std::erase_if(state.seenNonces, [t](const auto& kv) { return kv.second < t - kNonceWindow; });
  if (state.seenNonces.contains(*nonce)) {
    return errorResponse(call, 409, "REPLAY", "该 X-Zzjb-Nonce 在 10 分钟内已使用过（重放）");
  }
  state.seenNonces[*nonce] = t;
  mutated = true;
  return std::nullopt;
}

std::optional<Response> Platform::Impl::beginIdempotent(Call& call,
                                                        const std::string& fingerprint) {
  auto it = state.idempotency.find(idempotencyScope(call) + "\n" +
                                   *header(call.request, "Idempotency-Key"));
  if (it == state.idempotency.end()) return std::nullopt;
  if (it->second.fingerprint != fingerprint) {
    return errorResponse(call, 409, "IDEMPOTENCY_MISMATCH",
                         "该 Idempotency-Key 已用于另一内容不同的提交");
  }
  Response r;
  r.status = it->second.status;
  r.headers.emplace_back("Content-Type", kJsonType);
  r.headers.emplace_back("Idempotent-Replayed", "true");
  r.body = it->second.body;
  return r;
}

void Platform::Impl::rememberIdempotent(const Call& call, const std::string& fingerprint,
                                        const Response& r) {
  if (r.status < 200 || r.status > 299) return;  // failures may be retried with the same key
  state.idempotency[idempotencyScope(call) + "\n" + *header(call.request, "Idempotency-Key")] =
      IdempotencyRecord{fingerprint, r.status, r.body, now()};
  mutated = true;
}

// ---- login --------------------------------------------------------------------------------------

Response Platform::Impl::challenge(Call& /*call*/) {
  const Seconds t = now();
  std::erase_if(state.challenges,
                [t](const auto& kv) { return kv.second.expiresAt < t - kNonceWindow; });
  std::string id = "CH" + hexEncode(randomBytes(12));
  ChallengeRecord c{base64Encode(randomBytes(32)), t + kChallengeTtl, false};
  state.challenges[id] = c;
  return jsonResponse(
      200, {{"challengeId", id}, {"nonce", c.nonce}, {"expiresAt", formatTime(c.expiresAt)}});
}

Response Platform::Impl::login(Call& call) {
  auto body = parseJsonBody(call, false);
  if (!body || !body->is_object())
    return errorResponse(call, 400, "BAD_REQUEST", "请求体不是 JSON 对象");
  for (const char* name : {"challengeId", "keyId", "certificate", "algorithm", "signature"}) {
    if (!stringField(*body, name)) {
      return errorResponse(call, 400, "BAD_REQUEST", std::string("缺少字段 ") + name);
    }
  }
  const std::string algorithm = (*body)["algorithm"];
  if (!isKnownAlgorithm(algorithm)) {
    return errorResponse(call, 400, "BAD_REQUEST",
                         "algorithm 须为 SM2-SM3、RSA-SHA256 或 ECDSA-SHA256");
  }
  auto ch = state.challenges.find((*body)["challengeId"].get<std::string>());
  if (ch == state.challenges.end()) {
    return errorResponse(call, 401, "CHALLENGE_INVALID", "挑战不存在，请重新获取");
  }
  if (ch->second.used)
    return errorResponse(call, 401, "CHALLENGE_INVALID", "挑战已使用，请重新获取");
  if (now() >= ch->second.expiresAt) {
    return errorResponse(call, 401, "CHALLENGE_INVALID", "挑战已过期，请重新获取");
  }
  ch->second.used = true;  // any attempt uses it up: no guessing on one challenge
  mutated = true;

  const std::string pem = (*body)["certificate"];
  CertInfo cert = checkCertificate(pem, anchors, now());
  Response denied;
  if (cert.verdict == CertVerdict::Untrusted) {
    denied = errorResponse(call, 401, "CERT_UNTRUSTED",
                           "证书不是受信任的 CA 签发的（" + cert.detail + "）");
  } else if (cert.verdict == CertVerdict::Expired) {
    denied = errorResponse(call, 401, "CERT_EXPIRED", "证书不在有效期内（" + cert.detail + "）");
  } else if (cert.keyId.empty() || cert.keyId != (*body)["keyId"].get<std::string>()) {
    denied = errorResponse(call, 401, "KEYID_MISMATCH",
                           cert.keyId.empty() ? "证书中没有 keyID 扩展（1.2.156.112570.11.205）"
                                              : "keyId 与证书中的 keyID 不一致");
  } else {
    auto nonce = base64Decode(ch->second.nonce);
    auto sig = base64Decode((*body)["signature"].get<std::string>());
    if (!sig || verifySignature(pem, algorithm, *nonce, *sig) != SignatureVerdict::Ok) {
      denied =
          errorResponse(call, 401, "SIGNATURE_INVALID", "挑战签名验证失败（或算法与密钥不符）");
    }
  }
  denied.creditCode = cert.creditCode;
  if (denied.status != 200) return denied;

  const std::string token = hexEncode(randomBytes(32));
  SessionRecord s{cert.keyId,      pem,          algorithm,
                  cert.creditCode, cert.subject, now() + options.sessionTtlSeconds};
  std::erase_if(state.sessions,
                [t = now()](const auto& kv) { return kv.second.expiresAt < t - 86400; });
  state.sessions[token] = s;
  Response r = jsonResponse(200, {{"sessionToken", token},
                                  {"expiresAt", formatTime(s.expiresAt)},
                                  {"keyId", s.keyId},
                                  {"subject", s.subject}});
  r.creditCode = cert.creditCode;
  return r;
}

// ---- account ------------------------------------------------------------------------------------

namespace {

Json accountView(const AccountRecord& a) {
  Json v = a.fields;
  v["status"] = a.status;
  v["registeredAt"] = formatTime(a.registeredAt);
  v["updatedAt"] = formatTime(a.updatedAt);
  return v;
}

void requireName(const Json& obj, const std::string& name, const std::string& field,
                 const std::string& label, std::vector<FieldError>& errors) {
  if (!obj.is_object() || !stringField(obj, name)) errors.push_back({field, label + "不能为空"});
}

void requireMobile(const Json& obj, const std::string& field, std::vector<FieldError>& errors) {
  if (!obj.is_object() || !obj.contains("mobile") || !obj["mobile"].is_string()) {
    errors.push_back({field, "手机号码不能为空"});
    return;
  }
  MobileCheck m = checkMobile(obj["mobile"].get<std::string>());
  if (!m.ok) errors.push_back({field, "手机号码无效：" + m.problem});
}

}  // namespace

Response Platform::Impl::getAccount(Call& call) {
  const AccountRecord* a = accountOf(call);
  if (a == nullptr) return errorResponse(call, 404, "NOT_REGISTERED", "学校尚未在平台开户");
  return jsonResponse(200, accountView(*a));
}

Response Platform::Impl::putAccount(Call& call) {
  if (auto missing = requireIdempotencyKey(call)) return *missing;
  const std::string* key = header(call.request, "Idempotency-Key");
  auto body = parseJsonBody(call, false);
  if (!body || !body->is_object())
    return errorResponse(call, 400, "BAD_REQUEST", "请求体不是 JSON 对象");
  const std::string fingerprint = fingerprintOf(call, body->dump());
  if (auto replay = beginIdempotent(call, fingerprint)) {
    replay->idempotencyKey = *key;
    return *replay;
  }

  std::vector<FieldError> errors;
  const Json& b = *body;
  requireName(b, "schoolName", "schoolName", "学校名称", errors);
  std::string creditCode;
  if (!b.contains("creditCode") || !b["creditCode"].is_string()) {
    errors.push_back({"creditCode", "统一社会信用代码不能为空"});
  } else {
    CreditCodeCheck c = checkCreditCode(b["creditCode"].get<std::string>());
    if (!c.ok) {
      errors.push_back({"creditCode", "统一社会信用代码无效：" + c.problem});
    } else if (!call.session->creditCode.empty() && c.normalized != call.session->creditCode) {
      errors.push_back({"creditCode", "与法人一证通证书中的统一社会信用代码不一致"});
    } else {
      creditCode = c.normalized;
    }
  }
  const std::string level =
      b.value("schoolLevel", Json()).is_string() ? b["schoolLevel"].get<std::string>() : "";
  if (level != "SECONDARY" && level != "HIGHER") {
    errors.push_back({"schoolLevel", "学校层次须为 SECONDARY（中职）或 HIGHER（高职）"});
  }
  requireName(b, "legalRepresentative", "legalRepresentative", "法人代表", errors);
  requireName(b, "district", "district", "所属区", errors);
  const Json leader = b.value("leader", Json());
  requireName(leader, "name", "leader.name", "负责人姓名", errors);
  requireMobile(leader, "leader.mobile", errors);
  const Json contact = b.value("contact", Json());
  requireName(contact, "name", "contact.name", "联系人姓名", errors);
  requireMobile(contact, "contact.mobile", errors);
  const Json op = b.value("operator", Json());
  requireName(op, "name", "operator.name", "平台操作人员姓名", errors);
  if (!op.is_object() || !op.contains("idNumber") || !op["idNumber"].is_string()) {
    errors.push_back({"operator.idNumber", "平台操作人员身份证号不能为空"});
  } else {
    IdCheck id = checkResidentId(op["idNumber"].get<std::string>(), shanghaiDate(now()));
    if (!id.ok) errors.push_back({"operator.idNumber", "平台操作人员身份证号无效：" + id.problem});
  }
  if (!op.is_object() || op.value("keyId", Json()) != call.session->keyId) {
    errors.push_back({"operator.keyId", "keyId 须为当前登录所用证书的 keyID"});
  }
  if (!b.contains("dualCertificateProgram") || !b["dualCertificateProgram"].is_boolean()) {
    errors.push_back({"dualCertificateProgram", "是否双证融通项目须为 true 或 false"});
  }
  if (!errors.empty()) return errorResponse(call, 422, "VALIDATION_FAILED", "开户信息有误", errors);

  Json fields;
  for (const char* name : {"schoolName", "schoolLevel", "legalRepresentative", "district", "leader",
                           "contact", "operator", "dualCertificateProgram"}) {
    fields[name] = b[name];
  }
  fields["creditCode"] = creditCode;
  const Seconds t = now();
  auto it = state.accounts.find(creditCode);
  int status = 200;
  if (it == state.accounts.end()) {
    status = 201;
    const char* initial = state.policies.accountMode == "manual" ? "PENDING_CENTRE" : "ACTIVE";
    it = state.accounts.emplace(creditCode, AccountRecord{creditCode, fields, initial, t, t}).first;
  } else {
    it->second.fields = fields;
    it->second.updatedAt = t;
  }
  mutated = true;
  call.school = creditCode;
  Response r = jsonResponse(status, accountView(it->second));
  rememberIdempotent(call, fingerprint, r);
  r.idempotencyKey = *key;
  return r;
}

Response Platform::Impl::getCatalog(Call& call) {
  (void)call;
  return jsonResponse(200, state.catalog);
}

}  // namespace zzjb::mock
