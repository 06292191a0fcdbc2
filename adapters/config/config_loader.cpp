// The configuration file: JSON → Config, with every problem named by its JSON path. A school whose
// structure is broken is left out (and reported); the other schools are still read.
// Files are read bounded and regular-only, JSON with a depth limit, integers range-checked and
// school ids and the platform URL checked against their patterns: docs/security.md.
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "json_fields.hpp"
#include "zzjb/config/loader.hpp"
#include "zzjb/files/files.hpp"
#include "zzjb/json/bounded.hpp"

namespace zzjb::config {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string idx(const std::string& path, const char* key, std::size_t i) {
  return path + "." + key + "[" + std::to_string(i) + "]";
}

// A path from the config, resolved against the config file's directory.
std::string resolve(const fs::path& dir, const std::string& p) {
  if (p.empty()) return p;
  fs::path path(p);
  if (path.is_absolute()) return path.lexically_normal().string();
  return (dir / path).lexically_normal().string();
}

// 1-based line and column of byte `at` in `text`.
std::pair<std::size_t, std::size_t> lineAndColumn(std::string_view text, std::size_t at) {
  std::size_t line = 1;
  std::size_t col = 1;
  for (std::size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

// Where a parse refused by the bounded parser went wrong, found again by a flat scan of the text
// (the parser does not say): the first bracket past the depth limit, or the first number that does
// not fit a double. Strings are skipped. npos when not found.
std::size_t locateProblem(std::string_view text, zzjb::json::ParseError::Kind kind, int maxDepth) {
  int depth = 0;
  bool inString = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > maxDepth && kind == zzjb::json::ParseError::Kind::TooDeep) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (kind == zzjb::json::ParseError::Kind::NumberOutOfRange &&
               (c == '-' || (c >= '0' && c <= '9'))) {
      std::size_t end = text.find_first_not_of("+-0123456789.eE", i);
      if (end == std::string_view::npos) end = text.size();
      const std::string number(text.substr(i, end - i));
      if (!std::isfinite(std::strtod(number.c_str(), nullptr))) return i;
      i = end - 1;
    }
  }
  return std::string_view::npos;
}

// Reads a file named in or by the configuration: a regular file, at most `maxBytes`, not through
// a final symbolic link; a device, pipe or directory is not read (docs/security.md, rule 3).
// `what` is the catalog code of the file's name (config.doc.configuration, config.doc.catalog).
Result<std::string> readBounded(const fs::path& file, const std::string& display, const char* what,
                                std::uint64_t maxBytes) {
  const std::string name = msg::text(what);
  auto bytes = files::readFile(file, {maxBytes, name});
  if (bytes) return bytes;
  Finding f = bytes.error();
  f.kind = FindingKind::Config;
  f.where.file = display;
  f.message = msg::text("config.read", {{"file", name}, {"reason", f.message}});
  if (f.code == "FILE_NOT_FOUND" || f.code == "FILE_OPEN") f.hint = msg::text("config.read.hint");
  return std::unexpected(f);
}

// Parses JSON text with the bounds of docs/security.md. A refusal names the line where it can.
Result<nlohmann::json> parseJson(std::string_view text, const std::string& display,
                                 const char* what, std::uint64_t maxBytes) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  auto doc = zzjb::json::parse(text, {zzjb::json::kMaxDepth, static_cast<std::size_t>(maxBytes)});
  if (doc) return std::move(*doc);
  const zzjb::json::ParseError& e = doc.error();
  std::size_t at = e.byte > 0 ? e.byte - 1 : std::string_view::npos;
  // The finding's code, its text, and its text when the column is known.
  std::string code;
  std::string base;
  std::string withColumn;
  switch (e.kind) {
    case zzjb::json::ParseError::Kind::Syntax:
      code = base = "CONFIG_SYNTAX";
      withColumn = "CONFIG_SYNTAX.column";
      break;
    case zzjb::json::ParseError::Kind::TooDeep:
      code = base = "JSON_TOO_DEEP";
      withColumn = "JSON_TOO_DEEP.column";
      at = locateProblem(text, e.kind, zzjb::json::kMaxDepth);
      break;
    case zzjb::json::ParseError::Kind::NumberOutOfRange:
      code = base = "JSON_NUMBER_RANGE";
      withColumn = "JSON_NUMBER_RANGE.column";
      at = locateProblem(text, e.kind, zzjb::json::kMaxDepth);
      break;
    case zzjb::json::ParseError::Kind::TooLarge:
      code = "FILE_TOO_LARGE";
      base = "FILE_TOO_LARGE.json";
      withColumn = "FILE_TOO_LARGE.json.column";
      break;
  }
  msg::Args args{{"file", msg::text(what)}, {"limit", zzjb::json::kMaxDepth}, {"bytes", maxBytes}};
  Location where;
  where.file = display;
  std::string textCode = base;
  if (at != std::string_view::npos) {
    auto [line, col] = lineAndColumn(text, at);
    where.line = line;
    args.emplace_back("column", col);
    textCode = withColumn;
  }
  Finding f =
      makeFinding(Severity::Error, FindingKind::Config, code, where, std::move(args), textCode);
  // The hint is the same with or without a column.
  if (const std::string hint = base + ".hint"; f.hint.empty() && msg::has(hint))
    f.hint = msg::text(hint, f.args);
  return std::unexpected(f);
}

// A plugin's configuration section, flattened for the plugin API: nested objects become dotted
// keys, arrays indexed keys; each value keeps its JSON path. The plugin validates the values.
void flatten(const json& v, const std::string& key, const std::string& path,
             std::vector<plugin::Setting>& out) {
  if (v.is_object()) {
    for (const auto& [k, child] : v.items()) {
      flatten(child, key.empty() ? k : key + "." + k, path + "." + k, out);
    }
    return;
  }
  if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      std::string suffix = "[" + std::to_string(i) + "]";
      flatten(v[i], key + suffix, path + suffix, out);
    }
    return;
  }
  if (v.is_null()) return;
  plugin::Setting s;
  s.key = key;
  s.jsonPath = path;
  if (v.is_string()) {
    s.value = v.get<std::string>();
  } else {
    s.value = v.dump();
    s.kind = v.is_boolean() ? plugin::Setting::Kind::Boolean : plugin::Setting::Kind::Number;
  }
  out.push_back(std::move(s));
}

std::optional<Person> person(Fields& fd, const json& school, const std::string& path, const char* key) {
  const json* o = fd.object(school, path, key, false);
  if (o == nullptr) return std::nullopt;
  Person p;
  std::string pp = path + "." + key;
  p.name = fd.str(*o, pp, "name", false).value_or("");
  p.mobile = fd.str(*o, pp, "mobile", false).value_or("");
  fd.unknownKeys(*o, pp, {"name", "mobile"});
  return p;
}

std::optional<Target> target(Fields& fd, const json& t, const std::string& path) {
  if (!t.is_object()) {
    fd.wrongType(path, "object", t);
    return std::nullopt;
  }
  std::size_t errorsBefore = fd.errorCount();
  Target out;
  out.jsonPath = path;
  out.type = fd.str(t, path, "type", true).value_or("");
  // The scope's keys are all optional here: the target's type says which it needs and which it
  // refuses (TargetShape, checked in core/src/eligibility.cpp).
  out.occupationCode = fd.str(t, path, "occupationCode", false).value_or("");
  out.occupationName = fd.str(t, path, "occupationName", false).value_or("");
  // 职业技能等级 一级 to 五级 (config/zzjb.schema.json).
  if (auto level = fd.integer(t, path, "level", false, 1, 5)) out.level = static_cast<int>(*level);
  out.abilityCode = fd.str(t, path, "abilityCode", false).value_or("");
  out.abilityName = fd.str(t, path, "abilityName", false).value_or("");
  if (const json* org = fd.object(t, path, "evaluationOrg", false)) {
    EvaluationOrg e;
    std::string op = path + ".evaluationOrg";
    e.name = fd.str(*org, op, "name", true).value_or("");
    e.creditCode = fd.str(*org, op, "creditCode", true).value_or("");
    fd.unknownKeys(*org, op, {"name", "creditCode"});
    out.evaluationOrg = e;
  }
  if (const json* ev = fd.object(t, path, "evaluation", false)) {
    out.evaluationGiven = true;
    std::string ep = path + ".evaluation";
    if (auto st = fd.str(*ev, ep, "status", true)) {
      if (auto parsed = parseEvaluationStatus(*st)) {
        out.evaluation.status = *parsed;
      } else {
        fd.error(ep + ".status", "CONFIG_ENUM",
                 {{"field", Fields::field(ep + ".status")},
                  {"path", ep + ".status"},
                  {"value", Fields::shown(*st)}},
                 "CONFIG_ENUM.evaluation");
      }
    }
    out.evaluation.opinionNo = fd.str(*ev, ep, "opinionNo", false).value_or("");
    if (auto d = fd.str(*ev, ep, "date", false)) {
      out.evaluation.date = Date::parseIso(*d);
      if (!out.evaluation.date) {
        fd.error(ep + ".date", "CONFIG_DATE",
                 {{"field", Fields::field(ep + ".date")},
                  {"path", ep + ".date"},
                  {"value", Fields::shown(*d)}},
                 {}, FindingKind::Data);
      }
    }
    fd.unknownKeys(*ev, ep, {"status", "opinionNo", "date"});
  }
  if (const json* opts = fd.object(t, path, "options", false)) {
    flatten(*opts, "", path + ".options", out.options);
  }
  // Any other key is one of the type's own fields (TargetShape::fields): handed to its plugin,
  // or refused by the core when the type has no such field.
  static constexpr std::array<std::string_view, 9> kCore = {
      "type",        "occupationCode", "occupationName", "level",  "abilityCode",
      "abilityName", "evaluationOrg",  "evaluation",     "options"};
  // A key that cannot name a field (FieldSpec names are ASCII words) is unknown here already.
  auto fieldName = [](std::string_view k) {
    return !k.empty() && k.size() <= 64 && std::all_of(k.begin(), k.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
    });
  };
  for (const auto& [k, v] : t.items()) {
    if (std::find(kCore.begin(), kCore.end(), k) != kCore.end()) continue;
    if (k.starts_with("$") || k.starts_with("_")) continue;  // comments, as unknownKeys skips
    if (!fieldName(k)) {
      const std::string at = path + "." + Fields::shown(k);
      fd.warning(at, "CONFIG_UNKNOWN_KEY", {{"key", Fields::shown(k)}, {"path", at}});
      continue;
    }
    flatten(v, k, path + "." + k, out.fields);
  }
  // A target whose structure is broken is left out; its students show up as not declared.
  // (no type, or a level that could not be read: never guessed).
  if (fd.errorCount() != errorsBefore &&
      (out.type.empty() || (t.contains("level") && out.level == 0))) {
    return std::nullopt;
  }
  return out;
}

std::optional<School> school(Fields& fd, const json& s, const std::string& path, const fs::path& dir) {
  if (!s.is_object()) {
    fd.wrongType(path, "object", s);
    return std::nullopt;
  }
  School out;
  out.jsonPath = path;
  const std::optional<std::string> givenId = fd.str(s, path, "id", true);
  // The id names files and directories (forms, credentials): it must match the schema's pattern,
  // or the school is left out (docs/security.md).
  bool idOk = givenId && isValidSchoolId(*givenId);
  if (givenId && !idOk) {
    fd.error(path + ".id", "CONFIG_SCHOOL_ID",
             {{"field", Fields::field(path + ".id")},
              {"path", path + ".id"},
              {"value", Fields::shown(*givenId)}},
             givenId->empty() ? "CONFIG_SCHOOL_ID.empty" : "CONFIG_SCHOOL_ID");
  }
  out.id = idOk ? *givenId : std::string();
  fd.setSchool(out.id);
  out.name = fd.str(s, path, "name", true).value_or("");
  out.creditCode = fd.str(s, path, "creditCode", true).value_or("");
  bool levelOk = false;
  if (auto level = fd.str(s, path, "level", true)) {
    if (auto parsed = parseSchoolLevel(*level)) {
      out.level = *parsed;
      levelOk = true;
    } else {
      fd.error(path + ".level", "CONFIG_ENUM",
               {{"field", Fields::field(path + ".level")},
                {"path", path + ".level"},
                {"value", Fields::shown(*level)}},
               "CONFIG_ENUM.schoolLevel");
    }
  }
  out.legalRepresentative = fd.str(s, path, "legalRepresentative", false).value_or("");
  out.district = fd.str(s, path, "district", false).value_or("");
  out.address = fd.str(s, path, "address", false).value_or("");
  out.leader = person(fd, s, path, "leader").value_or(Person{});
  out.contact = person(fd, s, path, "contact").value_or(Person{});
  if (const json* op = fd.object(s, path, "operator", false)) {
    std::string pp = path + ".operator";
    out.platformOperator.name = fd.str(*op, pp, "name", false).value_or("");
    out.platformOperator.idNumber = fd.str(*op, pp, "idNumber", false).value_or("");
    fd.unknownKeys(*op, pp, {"name", "idNumber"});
  }
  out.dualCertificateProgram = fd.boolean(s, path, "dualCertificateProgram");
  out.enabled = fd.boolean(s, path, "enabled").value_or(true);
  out.pausedReason = fd.str(s, path, "pausedReason", false).value_or("");
  if (const json* id = fd.object(s, path, "identity", false)) {
    std::string ip = path + ".identity";
    out.identity.key = fd.str(*id, ip, "key", false).value_or("");
    out.identity.certificate = resolve(dir, fd.str(*id, ip, "certificate", false).value_or(""));
    out.identity.keyId = fd.str(*id, ip, "keyId", false).value_or("");
    if (const json* pin = fd.object(*id, ip, "pin", false)) {
      std::string pp = ip + ".pin";
      out.identity.pin.env = fd.str(*pin, pp, "env", false).value_or("");
      out.identity.pin.file = resolve(dir, fd.str(*pin, pp, "file", false).value_or(""));
      out.identity.pin.credential = fd.str(*pin, pp, "credential", false).value_or("");
      out.identity.pin.prompt = fd.boolean(*pin, pp, "prompt").value_or(false);
      fd.unknownKeys(*pin, pp, {"env", "file", "credential", "prompt"});
    }
    if (id->contains("pinValue") || id->contains("password")) {
      fd.error(ip, "CONFIG_PIN", {{"field", Fields::field(ip)}, {"path", ip}});
    }
    fd.unknownKeys(*id, ip, {"key", "certificate", "keyId", "pin", "pinValue", "password"});
  }
  if (const json* majors = fd.array(s, path, "majors", true)) {
    for (std::size_t i = 0; i < majors->size(); ++i) {
      const json& m = (*majors)[i];
      std::string mp = idx(path, "majors", i);
      if (!m.is_object()) {
        fd.wrongType(mp, "object", m);
        continue;
      }
      Major major;
      major.jsonPath = mp;
      major.name = fd.str(m, mp, "name", true).value_or("");
      if (auto plan = fd.str(m, mp, "trainingPlan", false)) major.trainingPlan = resolve(dir, *plan);
      if (const json* targets = fd.array(m, mp, "targets", true)) {
        for (std::size_t j = 0; j < targets->size(); ++j) {
          if (auto t = target(fd, (*targets)[j], idx(mp, "targets", j))) {
            major.targets.push_back(std::move(*t));
          }
        }
      }
      fd.unknownKeys(m, mp, {"name", "trainingPlan", "targets"});
      for (const auto& other : out.majors) {
        if (other.name == major.name) {
          fd.error(mp + ".name", "MAJOR_REPEATED",
                   {{"major", Fields::shown(major.name)}, {"path", mp}, {"other", other.jsonPath}});
        }
      }
      out.majors.push_back(std::move(major));
    }
  }
  if (const json* rosters = fd.array(s, path, "rosters", false)) {
    for (std::size_t i = 0; i < rosters->size(); ++i) {
      const json& r = (*rosters)[i];
      if (!r.is_string()) {
        const std::string at = idx(path, "rosters", i);
        fd.error(at, "CONFIG_TYPE",
                 {{"field", Fields::field(at)},
                  {"path", at},
                  {"expected", Fields::typeName("string")},
                  {"found", Fields::typeName(r.type_name())}},
                 "CONFIG_TYPE.roster");
        continue;
      }
      out.rosterDisplay.push_back(r.get<std::string>());
      out.rosters.push_back(resolve(dir, r.get<std::string>()));
    }
  }
  if (const json* plugins = fd.object(s, path, "plugins", false)) {
    for (const auto& [type, section] : plugins->items()) {
      std::string pp = path + ".plugins." + type;
      if (!section.is_object()) {
        fd.error(pp, "CONFIG_TYPE",
                 {{"field", Fields::field(pp)},
                  {"path", pp},
                  {"plugin", Fields::shown(type)},
                  {"expected", Fields::typeName("object")},
                  {"found", Fields::typeName(section.type_name())}},
                 "CONFIG_TYPE.plugin");
        continue;
      }
      flatten(section, "", pp, out.pluginSections[type]);
    }
  }
  fd.unknownKeys(s, path, {"id", "name", "creditCode", "level", "legalRepresentative", "district",
                           "address", "leader", "contact", "operator", "dualCertificateProgram",
                           "enabled", "pausedReason", "identity", "majors", "rosters", "plugins"});
  fd.setSchool("");
  if (!idOk || !levelOk) return std::nullopt;  // nothing sensible can be checked
  return out;
}

}  // namespace

bool isValidSchoolId(std::string_view id) {
  constexpr std::size_t kMaxLength = 64;
  if (id.empty() || id.size() > kMaxLength) return false;
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(id.front())) return false;  // never "." or "..", never hidden
  return std::all_of(id.begin(), id.end(),
                     [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

std::optional<std::string> baseUrlProblem(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() < kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), url.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      })) {
    return "CONFIG_BASE_URL.scheme";
  }
  const std::string_view rest = url.substr(kScheme.size());
  for (char c : rest) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20U || u == 0x7FU) return "CONFIG_BASE_URL.space";
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return "CONFIG_BASE_URL.query";
  }
  const std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.find('@') != std::string_view::npos) {
    return "CONFIG_BASE_URL.user";
  }
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return "CONFIG_BASE_URL.ipv6";
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return "CONFIG_BASE_URL.afterIpv6";
      port = authority.substr(close + 2);
    }
  } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) return "CONFIG_BASE_URL.emptyPort";
  }
  if (host.empty() || host == "[]") return "CONFIG_BASE_URL.host";
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoul(std::string(port)) < 1 || std::stoul(std::string(port)) > 65535) {
      return "CONFIG_BASE_URL.port";
    }
  }
  return std::nullopt;
}

LoadedConfig loadConfig(const fs::path& file, const std::string& display) {
  auto bytes = readBounded(file, display, "config.doc.configuration", files::kMaxConfigBytes);
  if (!bytes) {
    LoadedConfig result;
    result.findings.push_back(bytes.error());
    return result;
  }
  return parseConfig(*bytes, file.parent_path().empty() ? fs::path(".") : file.parent_path(),
                     display);
}

LoadedConfig parseConfig(std::string_view bytes, const fs::path& dirOfFile,
                         const std::string& display) {
  LoadedConfig result;
  auto doc = parseJson(bytes, display, "config.doc.configuration", files::kMaxConfigBytes);
  if (!doc) {
    result.findings.push_back(doc.error());
    return result;
  }
  Fields fd(display, result.findings);
  if (!doc->is_object()) {
    fd.wrongType("$", "object", *doc);
    return result;
  }
  Config cfg;
  cfg.file = display;
  cfg.dir = dirOfFile.empty() ? "." : dirOfFile.string();
  const fs::path dir(cfg.dir);
  if (const json* p = fd.object(*doc, "$", "platform", false)) {
    cfg.platform.baseUrl = fd.str(*p, "$.platform", "baseUrl", false).value_or("");
    if (auto problem = baseUrlProblem(cfg.platform.baseUrl);
        problem && !cfg.platform.baseUrl.empty()) {
      fd.error("$.platform.baseUrl", "CONFIG_BASE_URL",
               {{"field", Fields::field("$.platform.baseUrl")}, {"path", "$.platform.baseUrl"}},
               *problem);
    }
    cfg.platform.caBundle = resolve(dir, fd.str(*p, "$.platform", "caBundle", false).value_or(""));
    if (auto t = fd.integer(*p, "$.platform", "timeoutSeconds", false, 1, 3600)) {
      cfg.platform.timeoutSeconds = static_cast<int>(*t);
    }
    // platform.pinnedPublicKey: libcurl's "sha256//BASE64" (32 bytes: 43 characters and one
    // '='), several joined by ';' (docs/platform-client.md, "Connection").
    if (auto pin = fd.str(*p, "$.platform", "pinnedPublicKey", false)) {
      const auto validOne = [](std::string_view one) {
        constexpr std::string_view prefix = "sha256//";
        if (!one.starts_with(prefix) || one.size() != prefix.size() + 44 || !one.ends_with('='))
          return false;
        for (char c : one.substr(prefix.size(), 43)) {
          if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '+' || c == '/'))
            return false;
        }
        return true;
      };
      bool valid = !pin->empty();
      for (std::size_t at = 0; valid && at <= pin->size();) {
        const std::size_t semicolon = pin->find(';', at);
        const std::size_t end = semicolon == std::string::npos ? pin->size() : semicolon;
        valid = validOne(std::string_view(*pin).substr(at, end - at));
        at = end + 1;
      }
      if (valid) {
        cfg.platform.pinnedPublicKey = *pin;
      } else {
        fd.error("$.platform.pinnedPublicKey", "CONFIG_PINNED_KEY",
                 {{"field", Fields::field("$.platform.pinnedPublicKey")},
                  {"path", "$.platform.pinnedPublicKey"}});
      }
    }
    if (auto n = fd.integer(*p, "$.platform", "maxConcurrentSchools", false, 1, 64)) {
      cfg.platform.maxConcurrentSchools = static_cast<int>(*n);
    }
    if (auto r = fd.number(*p, "$.platform", "maxRequestsPerSecond", 0, 10000)) {
      cfg.platform.maxRequestsPerSecond = *r;
    }
    if (auto n = fd.integer(*p, "$.platform", "maxBatchRows", false, 1, 5000)) {
      cfg.platform.maxBatchRows = static_cast<int>(*n);
    }
    if (auto n = fd.integer(*p, "$.platform", "pollIntervalMs", false, 0, 3600000)) {
      cfg.platform.pollIntervalMs = static_cast<int>(*n);
    }
    fd.unknownKeys(*p, "$.platform",
                   {"baseUrl", "caBundle", "timeoutSeconds", "pinnedPublicKey",
                    "maxConcurrentSchools", "maxRequestsPerSecond", "maxBatchRows",
                    "pollIntervalMs"});
  }
  if (const json* st = fd.object(*doc, "$", "state", false)) {
    cfg.statePath = resolve(dir, fd.str(*st, "$.state", "path", false).value_or(""));
    fd.unknownKeys(*st, "$.state", {"path"});
  }
  if (const json* pl = fd.object(*doc, "$", "plugins", false)) {
    cfg.pluginsDir = resolve(dir, fd.str(*pl, "$.plugins", "dir", false).value_or(""));
    fd.unknownKeys(*pl, "$.plugins", {"dir"});
  }
  if (auto cat = fd.str(*doc, "$", "catalog", false)) {
    cfg.catalogDisplay = *cat;
    cfg.catalogPath = resolve(dir, *cat);
  } else {
    fd.warning("$.catalog", "CATALOG_MISSING",
               {{"field", Fields::field("$.catalog")}, {"path", "$.catalog"}});
  }
  if (const json* cas = fd.array(*doc, "$", "trustedCAs", false)) {
    for (std::size_t i = 0; i < cas->size(); ++i) {
      const json& ca = (*cas)[i];
      if (!ca.is_string()) {
        const std::string at = "$.trustedCAs[" + std::to_string(i) + "]";
        fd.error(at, "CONFIG_TYPE",
                 {{"field", Fields::field(at)},
                  {"path", at},
                  {"expected", Fields::typeName("string")},
                  {"found", Fields::typeName(ca.type_name())}},
                 "CONFIG_TYPE.pem");
        continue;
      }
      cfg.trustedCAs.push_back(resolve(dir, ca.get<std::string>()));
    }
  }
  if (const json* ext = fd.object(*doc, "$", "certificateExtensions", false)) {
    for (auto [key, field] : {std::pair{"keyId", &cfg.keyIdOid}, std::pair{"creditCode", &cfg.creditCodeOid}}) {
      auto oid = fd.str(*ext, "$.certificateExtensions", key, false);
      if (!oid) continue;
      bool dotted = !oid->empty() && oid->find_first_not_of("0123456789.") == std::string::npos &&
                    oid->front() != '.' && oid->back() != '.' && oid->find("..") == std::string::npos;
      if (!dotted) {
        const std::string at = std::string("$.certificateExtensions.") + key;
        fd.error(at, "CONFIG_OID",
                 {{"field", Fields::field(at)}, {"path", at}, {"value", Fields::shown(*oid)}});
        continue;
      }
      *field = *oid;
    }
    fd.unknownKeys(*ext, "$.certificateExtensions", {"keyId", "creditCode"});
  }
  if (auto sched = doc->find("schedule"); sched != doc->end()) cfg.schedule = sched->dump();
  const json* schools = fd.array(*doc, "$", "schools", true);
  if (schools == nullptr) return result;  // nothing to do without schools
  for (std::size_t i = 0; i < schools->size(); ++i) {
    std::string sp = "$.schools[" + std::to_string(i) + "]";
    if (auto s = school(fd, (*schools)[i], sp, dir)) {
      for (const auto& other : cfg.schools) {
        if (other.id == s->id) {
          fd.error(sp + ".id", "SCHOOL_REPEATED",
                   {{"field", Fields::field(sp + ".id")}, {"path", sp + ".id"}, {"school", s->id}});
        }
      }
      cfg.schools.push_back(std::move(*s));
    }
  }
  fd.unknownKeys(*doc, "$", {"platform", "state", "plugins", "catalog", "schedule", "schools",
                             "trustedCAs", "certificateExtensions", "logging", "metrics"});
  result.config = std::move(cfg);
  return result;
}

namespace {

// The catalog's `date` and `withdrawn` (docs/catalog.md): written by `zzjb catalog`, absent from
// a hand-kept file.
void readCatalogHistory(Fields& fd, const json& doc, Catalog& cat) {
  auto dateAt = [&](const json& obj, const std::string& path, const char* key,
                    bool required) -> std::optional<Date> {
    auto text = fd.str(obj, path, key, required);
    if (!text) return std::nullopt;
    auto d = Date::parseIso(*text);
    if (!d) {
      const std::string at = path + "." + key;
      fd.error(at, "CONFIG_DATE",
               {{"field", Fields::field(at)}, {"path", at}, {"value", Fields::shown(*text)}});
    }
    return d;
  };
  cat.date = dateAt(doc, "$", "date", false);
  const json* gone = fd.array(doc, "$", "withdrawn", false);
  for (std::size_t i = 0; gone != nullptr && i < gone->size(); ++i) {
    const json& w = (*gone)[i];
    const std::string wp = "$.withdrawn[" + std::to_string(i) + "]";
    if (!w.is_object()) {
      fd.wrongType(wp, "object", w);
      continue;
    }
    CatalogWithdrawal cw;
    cw.creditCode = fd.str(w, wp, "creditCode", true).value_or("");
    cw.orgName = fd.str(w, wp, "org", false).value_or("");
    cw.occupationCode = fd.str(w, wp, "occupationCode", false).value_or("");
    cw.occupationName = fd.str(w, wp, "occupationName", false).value_or("");
    cw.level = static_cast<int>(fd.integer(w, wp, "level", false, 1, 5).value_or(0));
    auto since = dateAt(w, wp, "since", true);
    if (cw.creditCode.empty() || !since) continue;
    cw.since = *since;
    cat.withdrawn.push_back(std::move(cw));
  }
}

}  // namespace

std::string renderCatalog(const Catalog& catalog, std::string_view previous) {
  json doc = json::object();
  // The other keys of the file being replaced (`matters`, notes) stay as they were.
  if (auto old = zzjb::json::parse(previous, {zzjb::json::kMaxDepth, files::kMaxCatalogBytes});
      old && old->is_object()) {
    doc = std::move(*old);
  }
  doc["version"] = catalog.version;
  if (catalog.date) {
    doc["date"] = catalog.date->iso();
  } else {
    doc.erase("date");
  }
  json items = json::array();
  for (const auto& item : catalog.items) {
    json occs = json::array();
    for (const auto& o : item.occupations) {
      occs.push_back({{"code", o.code}, {"name", o.name}, {"levels", o.levels}});
    }
    items.push_back({{"org",
                      {{"name", item.org.name},
                       {"creditCode", item.org.creditCode},
                       {"type", orgTypeConfigName(item.type)}}},
                     {"occupations", std::move(occs)}});
  }
  doc["items"] = std::move(items);
  json gone = json::array();
  for (const auto& w : catalog.withdrawn) {
    json e = {{"creditCode", w.creditCode}, {"org", w.orgName}};
    if (!w.occupationCode.empty()) {
      e["occupationCode"] = w.occupationCode;
      e["occupationName"] = w.occupationName;
    }
    if (w.level != 0) e["level"] = w.level;
    e["since"] = w.since.iso();
    gone.push_back(std::move(e));
  }
  if (gone.empty()) {
    doc.erase("withdrawn");
  } else {
    doc["withdrawn"] = std::move(gone);
  }
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<Catalog> loadCatalog(const fs::path& file, const std::string& display,
                            std::vector<Finding>& warnings) {
  auto bytes = readBounded(file, display, "config.doc.catalog", files::kMaxCatalogBytes);
  if (!bytes) return std::unexpected(bytes.error());
  return parseCatalog(*bytes, display, warnings);
}

Result<Catalog> parseCatalog(std::string_view bytes, const std::string& display,
                             std::vector<Finding>& warnings) {
  auto doc = parseJson(bytes, display, "config.doc.catalog", files::kMaxCatalogBytes);
  if (!doc) return std::unexpected(doc.error());
  std::vector<Finding> found;
  Fields fd(display, found);
  Catalog cat;
  const json* items = doc->is_object() ? fd.array(*doc, "$", "items", true) : nullptr;
  if (!doc->is_object()) fd.wrongType("$", "object", *doc);
  if (doc->is_object()) cat.version = fd.str(*doc, "$", "version", false).value_or("");
  for (std::size_t i = 0; items != nullptr && i < items->size(); ++i) {
    const json& it = (*items)[i];
    std::string ip = "$.items[" + std::to_string(i) + "]";
    if (!it.is_object()) {
      fd.wrongType(ip, "object", it);
      continue;
    }
    CatalogItem item;
    if (const json* org = fd.object(it, ip, "org", true)) {
      item.org.name = fd.str(*org, ip + ".org", "name", true).value_or("");
      item.org.creditCode = fd.str(*org, ip + ".org", "creditCode", true).value_or("");
      if (auto type = fd.str(*org, ip + ".org", "type", true)) {
        if (auto t = parseOrgType(*type)) {
          item.type = *t;
        } else {
          fd.error(ip + ".org.type", "CONFIG_ENUM",
                   {{"field", Fields::field(ip + ".org.type")},
                    {"path", ip + ".org.type"},
                    {"value", Fields::shown(*type)}},
                   "CONFIG_ENUM.orgType");
        }
      }
    }
    if (const json* occs = fd.array(it, ip, "occupations", true)) {
      for (std::size_t j = 0; j < occs->size(); ++j) {
        const json& o = (*occs)[j];
        std::string op = ip + ".occupations[" + std::to_string(j) + "]";
        if (!o.is_object()) continue;
        CatalogOccupation occ;
        occ.code = fd.str(o, op, "code", true).value_or("");
        occ.name = fd.str(o, op, "name", true).value_or("");
        if (const json* levels = fd.array(o, op, "levels", true)) {
          for (std::size_t k = 0; k < levels->size(); ++k) {
            auto level =
                fd.integerValue((*levels)[k], op + ".levels[" + std::to_string(k) + "]", 1, 5);
            if (level) occ.levels.push_back(static_cast<int>(*level));
          }
        }
        item.occupations.push_back(std::move(occ));
      }
    }
    cat.items.push_back(std::move(item));
  }
  if (doc->is_object()) readCatalogHistory(fd, *doc, cat);
  for (auto& f : found) {
    if (f.severity == Severity::Error) return std::unexpected(f);
    warnings.push_back(std::move(f));
  }
  return cat;
}

}  // namespace zzjb::config
