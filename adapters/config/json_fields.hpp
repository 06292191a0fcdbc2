// Typed access to JSON fields that reports, instead of throwing, what is missing or of the wrong
// type, with the field's JSON path. Private to adapters/config.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zzjb/core/finding.hpp"

namespace zzjb::config {

class Fields {
 public:
  Fields(std::string file, std::vector<Finding>& out) : file_(std::move(file)), out_(out) {}

  void setSchool(std::string id) { school_ = std::move(id); }

  // A value from the file as it may appear in a message: at most 40 characters (cut between
  // UTF-8 sequences), control characters as '?'. Values are quoted only once the file has been
  // read as JSON of the right shape, and never at length (docs/security.md).
  static std::string shown(const std::string& value) {
    constexpr std::size_t kMaxChars = 40;
    std::string out;
    std::size_t chars = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
      const auto c = static_cast<unsigned char>(value[i]);
      const bool starts = (c & 0xC0U) != 0x80U;
      if (starts && ++chars > kMaxChars) return out + "…";
      out += (c < 0x20U || c == 0x7FU) ? '?' : value[i];
    }
    return out;
  }

  // The catalog code of the notices' name for the field at `path` ("$.schools[0].leader.name" →
  // 负责人（分管领导）姓名), looked up with the indexes dropped; "config.field.other" when the
  // path is not one the schema documents.
  static const char* fieldCode(std::string_view path) {
    std::string general;
    for (std::size_t i = 0; i < path.size(); ++i) {
      general += path[i];
      if (path[i] == '[') {
        while (i + 1 < path.size() && path[i + 1] != ']') ++i;
      }
    }
    // not-text: begin (JSON paths of the schema, each with the catalog code of its name)
    static const std::vector<std::pair<std::string_view, const char*>> kFields = {
        {"$", "config.field.root"},
        {"$.platform", "config.field.platform"},
        {"$.platform.baseUrl", "config.field.platform.baseUrl"},
        {"$.platform.caBundle", "config.field.platform.caBundle"},
        {"$.platform.timeoutSeconds", "config.field.platform.timeoutSeconds"},
        {"$.platform.pinnedPublicKey", "config.field.platform.pinnedPublicKey"},
        {"$.platform.maxConcurrentSchools", "config.field.platform.maxConcurrentSchools"},
        {"$.platform.maxRequestsPerSecond", "config.field.platform.maxRequestsPerSecond"},
        {"$.platform.maxBatchRows", "config.field.platform.maxBatchRows"},
        {"$.platform.pollIntervalMs", "config.field.platform.pollIntervalMs"},
        {"$.state", "config.field.state"},
        {"$.state.path", "config.field.state"},
        {"$.plugins", "config.field.plugins"},
        {"$.plugins.dir", "config.field.plugins"},
        {"$.catalog", "config.field.catalog"},
        {"$.trustedCAs", "config.field.trustedCAs"},
        {"$.trustedCAs[]", "config.field.trustedCAs"},
        {"$.certificateExtensions", "config.field.certificateExtensions"},
        {"$.certificateExtensions.keyId", "config.field.certificateExtensions.keyId"},
        {"$.certificateExtensions.creditCode", "config.field.certificateExtensions.creditCode"},
        {"$.schools", "config.field.schools"},
        {"$.schools[]", "config.field.school"},
        {"$.schools[].id", "config.field.school.id"},
        {"$.schools[].name", "config.field.school.name"},
        {"$.schools[].creditCode", "config.field.school.creditCode"},
        {"$.schools[].level", "config.field.school.level"},
        {"$.schools[].legalRepresentative", "config.field.school.legalRepresentative"},
        {"$.schools[].district", "config.field.school.district"},
        {"$.schools[].address", "config.field.school.address"},
        {"$.schools[].leader", "config.field.school.leader"},
        {"$.schools[].leader.name", "config.field.school.leader.name"},
        {"$.schools[].leader.mobile", "config.field.school.leader.mobile"},
        {"$.schools[].contact", "config.field.school.contact"},
        {"$.schools[].contact.name", "config.field.school.contact.name"},
        {"$.schools[].contact.mobile", "config.field.school.contact.mobile"},
        {"$.schools[].operator", "config.field.school.operator"},
        {"$.schools[].operator.name", "config.field.school.operator.name"},
        {"$.schools[].operator.idNumber", "config.field.school.operator.idNumber"},
        {"$.schools[].dualCertificateProgram", "config.field.school.dualCertificateProgram"},
        {"$.schools[].enabled", "config.field.school.enabled"},
        {"$.schools[].pausedReason", "config.field.school.pausedReason"},
        {"$.schools[].identity", "config.field.school.identity"},
        {"$.schools[].identity.key", "config.field.school.identity.key"},
        {"$.schools[].identity.certificate", "config.field.school.identity.certificate"},
        {"$.schools[].identity.keyId", "config.field.school.identity.keyId"},
        {"$.schools[].identity.pin", "config.field.school.identity.pin"},
        {"$.schools[].identity.pin.env", "config.field.school.identity.pin"},
        {"$.schools[].identity.pin.file", "config.field.school.identity.pin"},
        {"$.schools[].identity.pin.credential", "config.field.school.identity.pin"},
        {"$.schools[].identity.pin.prompt", "config.field.school.identity.pin"},
        {"$.schools[].majors", "config.field.major"},
        {"$.schools[].majors[]", "config.field.major"},
        {"$.schools[].majors[].name", "config.field.major.name"},
        {"$.schools[].majors[].trainingPlan", "config.field.major.trainingPlan"},
        {"$.schools[].majors[].targets", "config.field.target"},
        {"$.schools[].majors[].targets[]", "config.field.target"},
        {"$.schools[].majors[].targets[].type", "config.field.target.type"},
        {"$.schools[].majors[].targets[].occupationCode", "config.field.occupation.code"},
        {"$.schools[].majors[].targets[].occupationName", "config.field.occupation.name"},
        {"$.schools[].majors[].targets[].level", "config.field.level"},
        {"$.schools[].majors[].targets[].evaluationOrg", "config.field.org"},
        {"$.schools[].majors[].targets[].evaluationOrg.name", "config.field.org.name"},
        {"$.schools[].majors[].targets[].evaluationOrg.creditCode", "config.field.org.creditCode"},
        {"$.schools[].majors[].targets[].evaluation", "config.field.evaluation"},
        {"$.schools[].majors[].targets[].evaluation.status", "config.field.evaluation.status"},
        {"$.schools[].majors[].targets[].evaluation.opinionNo",
         "config.field.evaluation.opinionNo"},
        {"$.schools[].majors[].targets[].evaluation.date", "config.field.evaluation.date"},
        {"$.schools[].majors[].targets[].options", "config.field.target.options"},
        {"$.schools[].rosters", "config.field.roster"},
        {"$.schools[].rosters[]", "config.field.roster"},
        {"$.schools[].plugins", "config.field.school.plugins"},
        {"$.version", "config.field.catalog.version"},
        {"$.items", "config.field.catalog.item"},
        {"$.items[]", "config.field.catalog.item"},
        {"$.items[].org", "config.field.org"},
        {"$.items[].org.name", "config.field.org.name"},
        {"$.items[].org.creditCode", "config.field.org.creditCode"},
        {"$.items[].org.type", "config.field.org.type"},
        {"$.items[].occupations", "config.field.catalog.occupations"},
        {"$.items[].occupations[]", "config.field.catalog.occupations"},
        {"$.items[].occupations[].code", "config.field.occupation.code"},
        {"$.items[].occupations[].name", "config.field.occupation.name"},
        {"$.items[].occupations[].levels", "config.field.level"},
        {"$.items[].occupations[].levels[]", "config.field.level"},
    };
    // not-text: end
    for (const auto& [pattern, code] : kFields) {
      if (pattern == general) return code;
    }
    if (general.starts_with("$.schools[].plugins.")) return "config.field.school.plugins";
    return "config.field.other";
  }

  // The field at `path` named for a person: its notices' term; the path goes beside it.
  static std::string field(std::string_view path) { return msg::text(fieldCode(path)); }

  // A JSON type ("string", "array" …) named for a person.
  static std::string typeName(std::string_view type) {
    // not-text: begin (JSON type names)
    if (type == "string") return msg::text("config.type.string");
    if (type == "integer") return msg::text("config.type.integer");
    if (type == "number") return msg::text("config.type.number");
    if (type == "boolean") return msg::text("config.type.boolean");
    if (type == "object") return msg::text("config.type.object");
    if (type == "array") return msg::text("config.type.array");
    if (type == "null") return msg::text("config.type.null");
    // not-text: end
    return std::string(type);
  }

  // A required or optional string member. Wrong type or missing (when required) → Config error.
  std::optional<std::string> str(const nlohmann::json& obj, const std::string& path,
                                 const char* key, bool required) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) missing(path, key, "string");
      return std::nullopt;
    }
    if (!it->is_string()) {
      wrongType(path + "." + key, "string", *it);
      return std::nullopt;
    }
    return it->get<std::string>();
  }

  // An integer member within [min, max]. A number outside the range is refused as it is written,
  // never wrapped or narrowed (4294967300 is not 4; 4.0 is not an integer): docs/security.md.
  std::optional<long long> integer(const nlohmann::json& obj, const std::string& path,
                                   const char* key, bool required, long long min, long long max) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) missing(path, key, "integer");
      return std::nullopt;
    }
    return integerValue(*it, path + "." + key, min, max);
  }

  // The same for a value already found (an array element).
  std::optional<long long> integerValue(const nlohmann::json& v, const std::string& path,
                                        long long min, long long max) {
    if (!v.is_number_integer()) {
      wrongType(path, "integer", v);
      return std::nullopt;
    }
    const bool inRange =
        v.is_number_unsigned()
            ? v.get<unsigned long long>() <= static_cast<unsigned long long>(max) &&
                  (min <= 0 || v.get<unsigned long long>() >= static_cast<unsigned long long>(min))
            : v.get<long long>() >= min && v.get<long long>() <= max;
    if (!inRange) {
      error(path, "CONFIG_RANGE",
            {{"field", field(path)}, {"path", path}, {"min", min}, {"max", max}},
            "CONFIG_RANGE.integer");
      return std::nullopt;
    }
    return v.is_number_unsigned() ? static_cast<long long>(v.get<unsigned long long>())
                                  : v.get<long long>();
  }

  // A number member (integer or not) within [min, max]; absent → nullopt. Refused as written
  // when out of range or not finite, like integer.
  std::optional<double> number(const nlohmann::json& obj, const std::string& path,
                               const char* key, double min, double max) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    if (!it->is_number()) {
      wrongType(path + "." + key, "number", *it);
      return std::nullopt;
    }
    const double v = it->get<double>();
    if (!(v >= min && v <= max)) {
      std::ostringstream lo;
      std::ostringstream hi;
      lo << min;
      hi << max;
      const std::string at = path + "." + key;
      error(at, "CONFIG_RANGE",
            {{"field", field(at)}, {"path", at}, {"min", lo.str()}, {"max", hi.str()}});
      return std::nullopt;
    }
    return v;
  }

  std::optional<bool> boolean(const nlohmann::json& obj, const std::string& path, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    if (!it->is_boolean()) {
      wrongType(path + "." + key, "boolean", *it);
      return std::nullopt;
    }
    return it->get<bool>();
  }

  // The member if it is an object (or absent → nullptr; wrong type → error, nullptr).
  const nlohmann::json* object(const nlohmann::json& obj, const std::string& path, const char* key,
                               bool required) {
    return member(obj, path, key, required, nlohmann::json::value_t::object, "object");
  }
  const nlohmann::json* array(const nlohmann::json& obj, const std::string& path, const char* key,
                              bool required) {
    return member(obj, path, key, required, nlohmann::json::value_t::array, "array");
  }

  // Warns about members that are not in `known` (typos in hand-written config are common).
  void unknownKeys(const nlohmann::json& obj, const std::string& path,
                   const std::set<std::string>& known) {
    for (const auto& [k, v] : obj.items()) {
      if (known.contains(k) || k.starts_with("$") || k.starts_with("_")) continue;
      const std::string at = path + "." + shown(k);
      warning(at, "CONFIG_UNKNOWN_KEY", {{"key", shown(k)}, {"path", at}});
    }
  }

  // A value at `path` that is the wrong JSON type, named by its field ("expected" a type name:
  // string, integer, number, boolean, object, array).
  void wrongType(const std::string& path, const char* expected, const nlohmann::json& got) {
    error(path, "CONFIG_TYPE",
          {{"field", field(path)},
           {"path", path},
           {"expected", typeName(expected)},
           {"found", typeName(got.type_name())}});
  }

  // An error worded by the catalog: the text of `textCode` (or `code`) with `args`.
  void error(const std::string& path, std::string code, msg::Args args,
             std::string_view textCode = {}, FindingKind kind = FindingKind::Config) {
    Finding f =
        makeFinding(Severity::Error, kind, std::move(code), where(path), std::move(args), textCode);
    f.school = school_;
    out_.push_back(std::move(f));
  }

  void warning(const std::string& path, std::string code, msg::Args args,
               std::string_view textCode = {}) {
    Finding f = makeFinding(Severity::Warning, FindingKind::Config, std::move(code), where(path),
                            std::move(args), textCode);
    f.school = school_;
    out_.push_back(std::move(f));
  }

  [[nodiscard]] std::size_t errorCount() const {
    std::size_t n = 0;
    for (const auto& f : out_) n += f.severity == Severity::Error ? 1 : 0;
    return n;
  }

 private:
  Location where(const std::string& path) const {
    Location at;
    at.file = file_;
    at.jsonPath = path;
    return at;
  }

  void missing(const std::string& path, const char* key, const char* type) {
    const std::string at = path + "." + key;
    error(at, "CONFIG_MISSING",
          {{"field", field(at)}, {"path", at}, {"key", key}, {"expected", typeName(type)}});
  }

  const nlohmann::json* member(const nlohmann::json& obj, const std::string& path, const char* key,
                               bool required, nlohmann::json::value_t type, const char* what) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) missing(path, key, what);
      return nullptr;
    }
    if (it->type() != type) {
      wrongType(path + "." + key, what, *it);
      return nullptr;
    }
    return &*it;
  }

  std::string file_;
  std::string school_;
  std::vector<Finding>& out_;
};

}  // namespace zzjb::config
