// The configuration file: JSON → Config, with every problem named by its JSON path. A school whose
// structure is broken is left out (and reported); the other schools are still read.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "json_fields.hpp"
#include "zzjb/config/loader.hpp"

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

// Reads a JSON file. A syntax error is reported with its line and column.
Result<json> readJson(const fs::path& file, const std::string& display, const char* what) {
  std::ifstream in(file, std::ios::binary);
  Finding f;
  f.kind = FindingKind::Config;
  f.where.file = display;
  if (!in) {
    f.code = "CONFIG_UNREADABLE";
    f.message = std::string("cannot read the ") + what + " file";
    f.hint = "check the path (relative paths are relative to the working directory for -c, and to "
             "the config file inside it) and that the file is readable";
    return std::unexpected(f);
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    std::size_t line = 1;
    std::size_t col = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    f.code = "CONFIG_SYNTAX";
    f.where.line = line;
    f.message = std::string(what) + " is not valid JSON (column " + std::to_string(col) + ")";
    f.hint = "fix the JSON syntax near that place (a missing comma or quote is the usual cause)";
    return std::unexpected(f);
  }
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
    fd.error(path, "CONFIG_TYPE", std::string("a target must be an object, found ") + t.type_name(),
             "see the example in config/zzjb.example.json");
    return std::nullopt;
  }
  std::size_t errorsBefore = fd.errorCount();
  Target out;
  out.jsonPath = path;
  out.type = fd.str(t, path, "type", true).value_or("");
  out.occupationCode = fd.str(t, path, "occupationCode", true).value_or("");
  out.occupationName = fd.str(t, path, "occupationName", true).value_or("");
  if (auto level = fd.integer(t, path, "level", true)) out.level = static_cast<int>(*level);
  if (const json* org = fd.object(t, path, "evaluationOrg", false)) {
    EvaluationOrg e;
    std::string op = path + ".evaluationOrg";
    e.name = fd.str(*org, op, "name", true).value_or("");
    e.creditCode = fd.str(*org, op, "creditCode", true).value_or("");
    fd.unknownKeys(*org, op, {"name", "creditCode"});
    out.evaluationOrg = e;
  }
  if (const json* ev = fd.object(t, path, "evaluation", false)) {
    std::string ep = path + ".evaluation";
    if (auto st = fd.str(*ev, ep, "status", true)) {
      if (auto parsed = parseEvaluationStatus(*st)) {
        out.evaluation.status = *parsed;
      } else {
        fd.error(ep + ".status", "CONFIG_ENUM", "unknown evaluation status \"" + *st + "\"",
                 "use NOT_APPLIED, SUBMITTED, APPROVED or REJECTED");
      }
    }
    out.evaluation.opinionNo = fd.str(*ev, ep, "opinionNo", false).value_or("");
    if (auto d = fd.str(*ev, ep, "date", false)) {
      out.evaluation.date = Date::parseIso(*d);
      if (!out.evaluation.date) {
        fd.error(ep + ".date", "CONFIG_DATE", "\"" + *d + "\" is not a date",
                 "write the date of the opinion as YYYY-MM-DD", FindingKind::Data);
      }
    }
    fd.unknownKeys(*ev, ep, {"status", "opinionNo", "date"});
  }
  if (const json* opts = fd.object(t, path, "options", false)) {
    flatten(*opts, "", path + ".options", out.options);
  }
  fd.unknownKeys(t, path, {"type", "occupationCode", "occupationName", "level", "evaluationOrg",
                           "evaluation", "options"});
  // A target whose structure is broken is left out; its students show up as not declared.
  if (fd.errorCount() != errorsBefore && (out.type.empty() || out.occupationCode.empty() ||
                                          out.level == 0)) {
    return std::nullopt;
  }
  return out;
}

std::optional<School> school(Fields& fd, const json& s, const std::string& path, const fs::path& dir) {
  if (!s.is_object()) {
    fd.error(path, "CONFIG_TYPE", std::string("a school must be an object, found ") + s.type_name(),
             "see the example in config/zzjb.example.json");
    return std::nullopt;
  }
  School out;
  out.jsonPath = path;
  out.id = fd.str(s, path, "id", true).value_or("");
  fd.setSchool(out.id);
  out.name = fd.str(s, path, "name", true).value_or("");
  out.creditCode = fd.str(s, path, "creditCode", true).value_or("");
  bool levelOk = false;
  if (auto level = fd.str(s, path, "level", true)) {
    if (auto parsed = parseSchoolLevel(*level)) {
      out.level = *parsed;
      levelOk = true;
    } else {
      fd.error(path + ".level", "CONFIG_ENUM", "unknown school level \"" + *level + "\"",
               "use SECONDARY (中职) or HIGHER (高职)");
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
      fd.error(ip, "CONFIG_PIN", "a PIN must never be written in the configuration",
               "remove it and use \"pin\": {\"env\": …} or {\"file\": …} or {\"credential\": …}");
    }
    fd.unknownKeys(*id, ip, {"key", "certificate", "keyId", "pin", "pinValue", "password"});
  }
  if (const json* majors = fd.array(s, path, "majors", true)) {
    for (std::size_t i = 0; i < majors->size(); ++i) {
      const json& m = (*majors)[i];
      std::string mp = idx(path, "majors", i);
      if (!m.is_object()) {
        fd.error(mp, "CONFIG_TYPE", std::string("a major must be an object, found ") + m.type_name(),
                 "see config/zzjb.example.json");
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
                   "major \"" + major.name + "\" is listed twice (also at " + other.jsonPath + ")",
                   "put all its targets under one entry");
        }
      }
      out.majors.push_back(std::move(major));
    }
  }
  if (const json* rosters = fd.array(s, path, "rosters", false)) {
    for (std::size_t i = 0; i < rosters->size(); ++i) {
      const json& r = (*rosters)[i];
      if (!r.is_string()) {
        fd.error(idx(path, "rosters", i), "CONFIG_TYPE",
                 std::string("a roster must be a file name, found ") + r.type_name(),
                 "write the path of a .csv or .xlsx file, relative to the config file");
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
                 std::string("the section of plugin \"") + type + "\" must be an object, found " +
                     section.type_name(),
                 "write \"" + type + "\": {\"key\": \"value\", …}");
        continue;
      }
      flatten(section, "", pp, out.pluginSections[type]);
    }
  }
  fd.unknownKeys(s, path, {"id", "name", "creditCode", "level", "legalRepresentative", "district",
                           "address", "leader", "contact", "operator", "dualCertificateProgram",
                           "identity", "majors", "rosters", "plugins"});
  fd.setSchool("");
  if (out.id.empty() || !levelOk) return std::nullopt;  // nothing sensible can be checked
  return out;
}

}  // namespace

LoadedConfig loadConfig(const fs::path& file, const std::string& display) {
  LoadedConfig result;
  auto doc = readJson(file, display, "configuration");
  if (!doc) {
    result.findings.push_back(doc.error());
    return result;
  }
  Fields fd(display, result.findings);
  if (!doc->is_object()) {
    fd.error("$", "CONFIG_TYPE", "the configuration must be a JSON object",
             "start from config/zzjb.example.json");
    return result;
  }
  Config cfg;
  cfg.file = display;
  cfg.dir = file.parent_path().empty() ? "." : file.parent_path().string();
  const fs::path dir(cfg.dir);
  if (const json* p = fd.object(*doc, "$", "platform", false)) {
    cfg.platform.baseUrl = fd.str(*p, "$.platform", "baseUrl", false).value_or("");
    cfg.platform.caBundle = resolve(dir, fd.str(*p, "$.platform", "caBundle", false).value_or(""));
    if (auto t = fd.integer(*p, "$.platform", "timeoutSeconds", false)) {
      if (*t < 1 || *t > 3600) {
        fd.error("$.platform.timeoutSeconds", "CONFIG_RANGE", "timeout must be 1 to 3600 seconds",
                 "30 is a good value");
      } else {
        cfg.platform.timeoutSeconds = static_cast<int>(*t);
      }
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
                 "not a public key pin: expected sha256// and 44 characters of base64",
                 "openssl x509 -in SERVER.pem -pubkey -noout | openssl pkey -pubin -outform der | "
                 "openssl dgst -sha256 -binary | base64  (then prefix sha256//)");
      }
    }
    fd.unknownKeys(*p, "$.platform", {"baseUrl", "caBundle", "timeoutSeconds", "pinnedPublicKey"});
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
               "no catalog: evaluation organisations cannot be checked offline",
               "set \"catalog\" to a catalog file (see config/catalog.example.json)");
  }
  if (const json* cas = fd.array(*doc, "$", "trustedCAs", false)) {
    for (std::size_t i = 0; i < cas->size(); ++i) {
      const json& ca = (*cas)[i];
      if (!ca.is_string()) {
        fd.error("$.trustedCAs[" + std::to_string(i) + "]", "CONFIG_TYPE",
                 "a trusted CA must be a PEM file name", "write the path of a .pem file");
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
        fd.error(std::string("$.certificateExtensions.") + key, "CONFIG_OID",
                 "\"" + *oid + "\" is not a dotted OID", "write it like 1.2.156.112570.11.205");
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
          fd.error(sp + ".id", "SCHOOL_REPEATED", "school id \"" + s->id + "\" is used twice",
                   "give each school its own id");
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

Result<Catalog> loadCatalog(const fs::path& file, const std::string& display,
                            std::vector<Finding>& warnings) {
  auto doc = readJson(file, display, "catalog");
  if (!doc) return std::unexpected(doc.error());
  std::vector<Finding> found;
  Fields fd(display, found);
  Catalog cat;
  const json* items = doc->is_object() ? fd.array(*doc, "$", "items", true) : nullptr;
  if (!doc->is_object()) fd.error("$", "CONFIG_TYPE", "the catalog must be a JSON object", "");
  if (doc->is_object()) cat.version = fd.str(*doc, "$", "version", false).value_or("");
  for (std::size_t i = 0; items != nullptr && i < items->size(); ++i) {
    const json& it = (*items)[i];
    std::string ip = "$.items[" + std::to_string(i) + "]";
    if (!it.is_object()) {
      fd.error(ip, "CONFIG_TYPE", "an item must be an object", "");
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
          fd.error(ip + ".org.type", "CONFIG_ENUM", "unknown organisation type \"" + *type + "\"",
                   "use SOCIAL_ORG or EMPLOYER");
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
          for (const auto& l : *levels) {
            if (l.is_number_integer()) occ.levels.push_back(l.get<int>());
          }
        }
        item.occupations.push_back(std::move(occ));
      }
    }
    cat.items.push_back(std::move(item));
  }
  for (auto& f : found) {
    if (f.severity == Severity::Error) return std::unexpected(f);
    warnings.push_back(std::move(f));
  }
  return cat;
}

}  // namespace zzjb::config
