// JSON bodies, the multipart upload and small helpers for the platform client (see wire.hpp).
// Decoding never throws: every field is looked up and type-checked, and the first problem is
// returned as a JSON path.
#include "wire.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>
#include <stdexcept>

#include "zzjb/core/clock.hpp"
#include "zzjb/json/bounded.hpp"
#include "zzjb/messages/catalog.hpp"

namespace zzjb::platform::wire {

namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string hex(std::span<const unsigned char> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0x0f];
  }
  return out;
}

// An integer that fits an int: 4294967300 is not read as 4.
std::optional<int> asInt(const json& v) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) return std::nullopt;
    return static_cast<int>(u);
  }
  if (!v.is_number_integer()) return std::nullopt;
  const auto i = v.get<std::int64_t>();
  if (i < std::numeric_limits<int>::min() || i > std::numeric_limits<int>::max())
    return std::nullopt;
  return static_cast<int>(i);
}

// Reads fields of one JSON object; remembers the first problem, after which every read returns
// a default value.
class Reader {
 public:
  Reader(const json& object, std::string path) : object_(object), path_(std::move(path)) {
    if (!object_.is_object()) fail("", "platform.wire.not_object");
  }

  // A string; `null` (and absence, when not required) read as "".
  std::string text(const char* key, bool required = true) {
    const json* v = find(key, required);
    if (v == nullptr || v->is_null()) {
      if (v == nullptr && required) fail(key, "platform.wire.missing");
      return {};
    }
    if (!v->is_string()) {
      fail(key, "platform.wire.not_string");
      return {};
    }
    return v->get<std::string>();
  }

  int integer(const char* key) {
    const json* v = find(key, true);
    if (v == nullptr) return 0;
    const std::optional<int> n = asInt(*v);
    if (!n) fail(key, v->is_number_integer() ? "platform.wire.out_of_range" : "platform.wire.not_integer");
    return n.value_or(0);
  }

  // A state of the platform's (docs/platform-api.md), parsed once here: a value the contract does
  // not have for this field is a problem, as a missing field is (then a Protocol failure).
  template <typename E>
  E state(const char* key, std::optional<E> (*parse)(std::string_view), bool (*allowed)(E),
          const char* expected) {
    const std::string t = text(key);
    if (!ok()) return E{};
    std::optional<E> v = parse(t);
    if (!v || !allowed(*v)) {
      fail(key, "platform.wire.not_one_of", {{"expected", expected}});
      return E{};
    }
    return *v;
  }

  // The member itself; nullptr when absent (a problem when required).
  const json* member(const char* key, bool required = true) { return find(key, required); }

  // Whether `key` is there and not null (absent and null are the same on this wire).
  bool given(const char* key) {
    const json* v = find(key, false);
    return v != nullptr && !v->is_null();
  }

  // A string that must be there and not empty: null, absent or "" is `key` missing.
  std::string nonEmptyText(const char* key) {
    std::string t = text(key);
    if (t.empty()) fail(key, "platform.wire.missing");
    return t;
  }

  // `key` must be absent or null: it belongs to the other kind of scope than the item names.
  void absent(const char* key) {
    if (given(key)) fail(key, "platform.wire.not_one_of", {{"expected", "null"}});
  }

  // `{"name", "creditCode"}` or null.
  std::optional<EvaluationOrg> org(const char* key) {
    const json* v = find(key, false);
    if (v == nullptr || v->is_null()) return std::nullopt;
    Reader r(*v, at(key));
    EvaluationOrg o;
    o.name = r.text("name");
    o.creditCode = r.text("creditCode");
    adopt(r);
    return o;
  }

  void adopt(const Reader& inner) {
    if (error_.empty() && !inner.error_.empty()) error_ = inner.error_;
  }
  // The first problem, worded by the catalog (platform.wire.*) with the field's path.
  void fail(const std::string& key, const char* code, msg::Args args = {}) {
    if (!error_.empty()) return;
    args.emplace_back("path", key.empty() ? (path_.empty() ? "$" : path_) : at(key));
    error_ = msg::text(code, args);
  }
  [[nodiscard]] bool ok() const { return error_.empty(); }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] std::string at(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }

 private:
  const json* find(const char* key, bool required) {
    if (!object_.is_object()) return nullptr;
    auto it = object_.find(key);
    if (it == object_.end()) {
      if (required) fail(key, "platform.wire.missing");
      return nullptr;
    }
    return &*it;
  }

  const json& object_;
  std::string path_;
  std::string error_;
};

// The array under `key`, or the problem.
Decoded<const json*> arrayAt(const json& j, const char* key) {
  if (!j.is_object()) return std::unexpected(msg::text("platform.wire.not_object", {{"path", "$"}}));
  auto it = j.find(key);
  if (it == j.end()) return std::unexpected(msg::text("platform.wire.missing", {{"path", key}}));
  if (!it->is_array()) {
    return std::unexpected(msg::text("platform.wire.not_array", {{"path", key}}));
  }
  return &*it;
}

std::string indexPath(const char* key, std::size_t i) {
  return std::string(key) + "[" + std::to_string(i) + "]";
}

json orgJson(const std::optional<EvaluationOrg>& org) {
  if (!org) return nullptr;
  return {{"name", org->name}, {"creditCode", org->creditCode}};
}

json nodeJson(const std::string& node) {
  return node.empty() ? json(nullptr) : json(node);
}

// What a request's scope names (docs/platform-api.md, "Permissions", "Group declarations"): an
// occupation's occupationCode, occupationName and level, as always (the keys sort, so an
// occupation's body is byte for byte what it was before abilities); or an ability's abilityCode
// and abilityName with the occupation's three null.
void addWhat(json& body, const PermissionScope& scope) {
  if (scope.ability()) {
    body["occupationCode"] = nullptr;
    body["occupationName"] = nullptr;
    body["level"] = nullptr;
    body["abilityCode"] = scope.abilityCode;
    body["abilityName"] = scope.abilityName;
    return;
  }
  body["occupationCode"] = scope.occupationCode;
  body["occupationName"] = scope.occupationName;
  body["level"] = scope.level;
}

}  // namespace

std::string base64Encode(std::span<const std::uint8_t> bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::vector<std::uint8_t>> base64Decode(std::string_view text) {
  std::string clean;
  for (char c : text) {
    if (c != '\n' && c != '\r' && c != ' ') clean += c;
  }
  if (clean.size() % 4 != 0) return std::nullopt;
  std::vector<std::uint8_t> out(clean.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(clean.data()),
                                static_cast<int>(clean.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts the padding as zero bytes.
  if (!clean.empty() && clean.back() == '=') --size;
  if (clean.size() >= 2 && clean[clean.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

std::string sha256Hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md.data(), &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("EVP_Digest(sha256) failed");  // broken OpenSSL: an invariant
  return hex(std::span<const unsigned char>(md.data(), len));
}

std::string randomHex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1)
    throw std::runtime_error("RAND_bytes failed");  // no entropy: nothing sensible to do
  return hex(buf);
}

std::string rfc3339Now() { return isoShanghai(SystemClock().now()); }

std::string redact(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') {
      out += text[i++];
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    if (j < text.size() && (text[j] == 'X' || text[j] == 'x')) ++j;
    const std::size_t len = j - i;
    if (len < 11) {
      out.append(text.substr(i, len));
    } else {
      out.append(text.substr(i, 3));
      out.append(len - 5, '*');
      out.append(text.substr(j - 2, 2));
    }
    i = j;
  }
  return out;
}

bool validIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > 128) return false;
  for (char c : key) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string percentEncode(std::string_view text) {
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += ch;
      continue;
    }
    out += '%';
    out += "0123456789ABCDEF"[c >> 4];
    out += "0123456789ABCDEF"[c & 0x0f];
  }
  return out;
}

json accountJson(const AccountRequest& r) {
  return {
      {"schoolName", r.schoolName},
      {"creditCode", r.creditCode},
      {"schoolLevel", schoolLevelConfigName(r.schoolLevel)},
      {"legalRepresentative", r.legalRepresentative},
      {"district", r.district},
      {"leader", {{"name", r.leader.name}, {"mobile", r.leader.mobile}}},
      {"contact", {{"name", r.contact.name}, {"mobile", r.contact.mobile}}},
      {"operator",
       {{"name", r.operatorName}, {"idNumber", r.operatorIdNumber}, {"keyId", r.operatorKeyId}}},
      {"dualCertificateProgram", r.dualCertificateProgram}};
}

json applicationJson(const ApplicationRequest& r) {
  json attachments = json::object();
  for (const plugin::Field& f : r.attachments) attachments[f.key] = f.value;
  json body = {{"matter", r.scope.matter},
               {"node", nodeJson(r.scope.node)},
               {"evaluationOrg", orgJson(r.scope.org)},
               {"attachments", std::move(attachments)}};
  addWhat(body, r.scope);
  return body;
}

json manifestJson(const DeclarationManifest& m) {
  json body = {{"matter", m.scope.matter},
               {"node", nodeJson(m.scope.node)},
               {"evaluationOrg", orgJson(m.scope.org)},
               {"rowCount", m.rowCount},
               {"sha256", m.sha256}};
  addWhat(body, m.scope);
  return body;
}

Multipart declarationUpload(const std::string& manifestText, std::string_view xlsx) {
  std::string boundary;
  do {
    boundary = "zzjb-" + randomHex(16);
  } while (manifestText.find(boundary) != std::string::npos ||
           xlsx.find(boundary) != std::string_view::npos);
  Multipart m;
  m.contentType = "multipart/form-data; boundary=" + boundary;
  m.body.reserve(xlsx.size() + manifestText.size() + 512);
  m.body += "--" + boundary + "\r\n";
  m.body += "Content-Disposition: form-data; name=\"manifest\"\r\n";
  m.body += "Content-Type: application/json; charset=utf-8\r\n\r\n";
  m.body += manifestText;
  m.body += "\r\n--" + boundary + "\r\n";
  m.body += "Content-Disposition: form-data; name=\"file\"; filename=\"declaration.xlsx\"\r\n";
  m.body +=
      "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n";
  m.body.append(xlsx);
  m.body += "\r\n--" + boundary + "--\r\n";
  return m;
}

Decoded<json> parseAnswer(std::string_view body) {
  auto parsed = zzjb::json::parse(body, {kMaxAnswerDepth, zzjb::json::kMaxBytes});
  if (parsed) return std::move(*parsed);
  const zzjb::json::ParseError& e = parsed.error();
  switch (e.kind) {
    case zzjb::json::ParseError::Kind::TooDeep:
      return std::unexpected(msg::text("platform.wire.too_deep", {{"detail", e.message}}));
    case zzjb::json::ParseError::Kind::NumberOutOfRange:
      return std::unexpected(msg::text("platform.wire.number_too_large"));
    case zzjb::json::ParseError::Kind::TooLarge:
      return std::unexpected(msg::text("platform.wire.too_large", {{"detail", e.message}}));
    case zzjb::json::ParseError::Kind::Syntax:
      break;
  }
  return std::unexpected(msg::text("platform.wire.not_json", {{"byte", e.byte}}));
}

Decoded<AccountState> decodeAccount(const json& j) {
  Reader r(j, "");
  AccountState a;
  a.registered = true;
  a.status = r.state<AccountStatus>(
      "status", parseAccountStatus,
      [](AccountStatus s) { return s != AccountStatus::NotRegistered; }, "PENDING_CENTRE, ACTIVE");
  a.registeredAt = r.text("registeredAt", false);
  if (!r.ok()) return std::unexpected(r.error());
  return a;
}

Decoded<Catalog> decodeCatalog(const json& j) {
  Reader top(j, "");
  Catalog c;
  c.version = top.text("version");
  if (!top.ok()) return std::unexpected(top.error());
  auto items = arrayAt(j, "items");
  if (!items) return std::unexpected(items.error());
  for (std::size_t i = 0; i < (*items)->size(); ++i) {
    const json& item = (**items)[i];
    Reader r(item, indexPath("items", i));
    CatalogItem ci;
    const json* org = r.member("org");
    if (org != nullptr) {
      Reader o(*org, r.at("org"));
      ci.org.name = o.text("name");
      ci.org.creditCode = o.text("creditCode");
      const std::string type = o.text("type");
      if (o.ok()) {
        if (auto t = parseOrgType(type))
          ci.type = *t;
        else
          o.fail("type", "platform.wire.not_one_of", {{"expected", "SOCIAL_ORG, EMPLOYER"}});
      }
      r.adopt(o);
    }
    const json* occupations = r.member("occupations");
    if (occupations != nullptr && !occupations->is_array())
      r.fail("occupations", "platform.wire.not_array");
    if (!r.ok()) return std::unexpected(r.error());
    for (std::size_t k = 0; k < occupations->size(); ++k) {
      Reader o((*occupations)[k], r.at(indexPath("occupations", k)));
      CatalogOccupation occ;
      occ.code = o.text("code");
      occ.name = o.text("name");
      const json* levels = o.member("levels");
      if (levels != nullptr) {
        if (!levels->is_array())
          o.fail("levels", "platform.wire.not_array");
        else {
          for (const json& l : *levels) {
            const std::optional<int> level = asInt(l);
            if (!level) {
              o.fail("levels", "platform.wire.level_value");
              break;
            }
            occ.levels.push_back(*level);
          }
        }
      }
      if (!o.ok()) return std::unexpected(o.error());
      ci.occupations.push_back(std::move(occ));
    }
    c.items.push_back(std::move(ci));
  }
  return c;
}

namespace {

// What an item names (docs/platform-api.md, "Matters", "Permissions"): an ability (abilityCode
// given: abilityCode and abilityName strings, occupationCode, occupationName and level null or
// absent) or else an occupation (occupationCode a string, level an integer, abilityName null or
// absent). Anything else is a problem at the first field that does not fit.
void readWhat(Reader& r, PermissionScope& s) {
  if (r.given("abilityCode")) {
    s.abilityCode = r.nonEmptyText("abilityCode");
    s.abilityName = r.nonEmptyText("abilityName");
    r.absent("occupationCode");
    r.absent("occupationName");
    r.absent("level");
    return;
  }
  s.occupationCode = r.nonEmptyText("occupationCode");
  s.occupationName = r.text("occupationName", false);
  s.level = r.integer("level");
  r.absent("abilityName");
}

PermissionScope readScope(Reader& r) {
  PermissionScope s;
  s.matter = r.text("matter");
  s.node = r.text("node", false);
  readWhat(r, s);
  s.org = r.org("evaluationOrg");
  return s;
}

Decoded<ApplicationState> readApplication(const json& j, const std::string& path) {
  Reader r(j, path);
  ApplicationState a;
  a.applicationId = r.text("applicationId");
  a.status = r.state<ApplicationStatus>("status", parseApplicationStatus,
                                         isPlatformApplicationStatus,
                                         "SUBMITTED, UNDER_REVIEW, APPROVED, REJECTED");
  a.reason = redact(r.text("reason", false));
  a.updatedAt = r.text("updatedAt", false);
  if (!r.ok()) return std::unexpected(r.error());
  return a;
}

Decoded<BatchState> readBatch(const json& j, const std::string& path) {
  Reader r(j, path);
  BatchState b;
  b.batchId = r.text("batchId");
  b.status = r.state<BatchStatus>("status", parseBatchStatus, isPlatformBatchStatus,
                                   "RECEIVED, PROCESSING, DONE");
  // What it declares: optional here (a submission's answer has only the id and status).
  b.occupationCode = r.text("occupationCode", false);
  b.abilityCode = r.text("abilityCode", false);
  if (r.given("level")) b.level = r.integer("level");
  const json* rows = r.member("rows", false);
  if (!r.ok()) return std::unexpected(r.error());
  if (rows == nullptr || rows->is_null()) return b;
  if (!rows->is_array()) {
    return std::unexpected(msg::text("platform.wire.not_array", {{"path", r.at("rows")}}));
  }
  for (std::size_t i = 0; i < rows->size(); ++i) {
    Reader row((*rows)[i], r.at(indexPath("rows", i)));
    BatchRow br;
    br.row = row.integer("row");
    br.idNumber = row.text("idNumber", false);
    br.result = row.state<RowResult>(
        "result", parseRowResult, [](RowResult) { return true; }, "ACCEPTED, REJECTED");
    br.reason = row.text("reason", false);
    br.message = redact(row.text("message", false));
    br.declarationNo = row.text("declarationNo", false);
    if (!row.ok()) return std::unexpected(row.error());
    b.rows.push_back(std::move(br));
  }
  return b;
}

}  // namespace

Decoded<std::vector<GrantedPermission>> decodePermissions(const json& j) {
  auto items = arrayAt(j, "items");
  if (!items) return std::unexpected(items.error());
  std::vector<GrantedPermission> out;
  for (std::size_t i = 0; i < (*items)->size(); ++i) {
    Reader r((**items)[i], indexPath("items", i));
    GrantedPermission g;
    g.scope = readScope(r);
    g.grantedAt = r.text("grantedAt", false);
    if (!r.ok()) return std::unexpected(r.error());
    out.push_back(std::move(g));
  }
  return out;
}

Decoded<ApplicationState> decodeApplication(const json& j) {
  return readApplication(j, "");
}

Decoded<BatchState> decodeBatch(const json& j) {
  return readBatch(j, "");
}

Decoded<std::vector<BatchState>> decodeBatches(const json& j) {
  auto items = arrayAt(j, "items");
  if (!items) return std::unexpected(items.error());
  std::vector<BatchState> out;
  for (std::size_t i = 0; i < (*items)->size(); ++i) {
    auto b = readBatch((**items)[i], indexPath("items", i));
    if (!b) return std::unexpected(b.error());
    out.push_back(std::move(*b));
  }
  return out;
}

Decoded<std::vector<DeclarationInfo>> decodeDeclarations(const json& j) {
  auto items = arrayAt(j, "items");
  if (!items) return std::unexpected(items.error());
  std::vector<DeclarationInfo> out;
  for (std::size_t i = 0; i < (*items)->size(); ++i) {
    Reader r((**items)[i], indexPath("items", i));
    DeclarationInfo d;
    d.idNumber = r.text("idNumber");
    PermissionScope what;  // an occupation and level, or an ability, as in a permission
    readWhat(r, what);
    d.occupationCode = std::move(what.occupationCode);
    d.level = what.level;
    d.abilityCode = std::move(what.abilityCode);
    d.declarationNo = r.text("declarationNo");
    d.batchId = r.text("batchId", false);
    if (!r.ok()) return std::unexpected(r.error());
    out.push_back(std::move(d));
  }
  return out;
}

Decoded<const json*> decodeZeroOrOne(const json& j) {
  auto items = arrayAt(j, "items");
  if (!items) return std::unexpected(items.error());
  if ((*items)->empty()) return nullptr;
  if ((*items)->size() > 1) {
    return std::unexpected(msg::text("platform.wire.more_than_one", {{"path", "items"}}));
  }
  return &(**items)[0];
}

std::optional<ErrorBody> decodeError(const json& j) {
  if (!j.is_object()) return std::nullopt;
  auto code = j.find("code");
  if (code == j.end() || !code->is_string()) return std::nullopt;
  ErrorBody e;
  e.code = code->get<std::string>();
  if (auto m = j.find("message"); m != j.end() && m->is_string())
    e.message = redact(m->get<std::string>());
  if (auto id = j.find("requestId"); id != j.end() && id->is_string())
    e.requestId = id->get<std::string>();
  if (auto fields = j.find("fields"); fields != j.end() && fields->is_array()) {
    for (const json& f : *fields) {
      if (!f.is_object()) continue;
      PlatformFieldError fe;
      if (auto n = f.find("field"); n != f.end() && n->is_string())
        fe.field = n->get<std::string>();
      if (auto m = f.find("message"); m != f.end() && m->is_string())
        fe.message = redact(m->get<std::string>());
      e.fields.push_back(std::move(fe));
    }
  }
  return e;
}

namespace {

template <typename T>
std::expected<void, std::string> nothingOr(const Decoded<T>& d) {
  if (d) return {};
  return std::unexpected(d.error());
}

template <typename Decode>
std::expected<void, std::string> zeroOrOne(const json& j, Decode decode) {
  auto one = decodeZeroOrOne(j);
  if (!one) return std::unexpected(one.error());
  if (*one == nullptr) return {};
  auto item = decode(**one);
  if (!item) {
    return std::unexpected(
        msg::text("platform.wire.in_item", {{"item", "items[0]"}, {"problem", item.error()}}));
  }
  return {};
}

}  // namespace

std::expected<void, std::string> decodeAnswer(AnswerKind kind, std::string_view body) {
  auto j = parseAnswer(body);
  if (!j) return std::unexpected(j.error());
  switch (kind) {
    case AnswerKind::Account:
      return nothingOr(decodeAccount(*j));
    case AnswerKind::Catalog:
      return nothingOr(decodeCatalog(*j));
    case AnswerKind::Permissions:
      return nothingOr(decodePermissions(*j));
    case AnswerKind::Application:
      return nothingOr(decodeApplication(*j));
    case AnswerKind::Batch:
      return nothingOr(decodeBatch(*j));
    case AnswerKind::Declarations:
      return nothingOr(decodeDeclarations(*j));
    case AnswerKind::ZeroOrOneApplication:
      return zeroOrOne(*j, decodeApplication);
    case AnswerKind::ZeroOrOneBatch:
      return zeroOrOne(*j, decodeBatch);
    case AnswerKind::Error:
      if (decodeError(*j)) return {};
      return std::unexpected(msg::text("platform.wire.not_error"));
  }
  return std::unexpected(msg::text("platform.wire.unknown_kind"));
}

}  // namespace zzjb::platform::wire
