// Typed access to JSON fields that reports, instead of throwing, what is missing or of the wrong
// type, with the field's JSON path. Private to adapters/config.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
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

  // A required or optional string member. Wrong type or missing (when required) → Config error.
  std::optional<std::string> str(const nlohmann::json& obj, const std::string& path,
                                 const char* key, bool required) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) missing(path, key, "a string");
      return std::nullopt;
    }
    if (!it->is_string()) {
      wrongType(path + "." + key, "a string", *it);
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
      if (required) missing(path, key, "an integer");
      return std::nullopt;
    }
    return integerValue(*it, path + "." + key, min, max);
  }

  // The same for a value already found (an array element).
  std::optional<long long> integerValue(const nlohmann::json& v, const std::string& path,
                                        long long min, long long max) {
    if (!v.is_number_integer()) {
      wrongType(path, "an integer", v);
      return std::nullopt;
    }
    const bool inRange =
        v.is_number_unsigned()
            ? v.get<unsigned long long>() <= static_cast<unsigned long long>(max) &&
                  (min <= 0 || v.get<unsigned long long>() >= static_cast<unsigned long long>(min))
            : v.get<long long>() >= min && v.get<long long>() <= max;
    if (!inRange) {
      error(path, "CONFIG_RANGE",
            "the number is out of range: it must be an integer from " + std::to_string(min) +
                " to " + std::to_string(max),
            "see config/zzjb.schema.json");
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
      wrongType(path + "." + key, "a number", *it);
      return std::nullopt;
    }
    const double v = it->get<double>();
    if (!(v >= min && v <= max)) {
      std::ostringstream range;
      range << "the number is out of range: it must be from " << min << " to " << max;
      error(path + "." + key, "CONFIG_RANGE", range.str(), "see config/zzjb.schema.json");
      return std::nullopt;
    }
    return v;
  }

  std::optional<bool> boolean(const nlohmann::json& obj, const std::string& path, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    if (!it->is_boolean()) {
      wrongType(path + "." + key, "true or false", *it);
      return std::nullopt;
    }
    return it->get<bool>();
  }

  // The member if it is an object (or absent → nullptr; wrong type → error, nullptr).
  const nlohmann::json* object(const nlohmann::json& obj, const std::string& path, const char* key,
                               bool required) {
    return member(obj, path, key, required, nlohmann::json::value_t::object, "an object");
  }
  const nlohmann::json* array(const nlohmann::json& obj, const std::string& path, const char* key,
                              bool required) {
    return member(obj, path, key, required, nlohmann::json::value_t::array, "an array");
  }

  // Warns about members that are not in `known` (typos in hand-written config are common).
  void unknownKeys(const nlohmann::json& obj, const std::string& path,
                   const std::set<std::string>& known) {
    for (const auto& [k, v] : obj.items()) {
      if (known.contains(k) || k.starts_with("$") || k.starts_with("_")) continue;
      Finding f = base(path + "." + shown(k), Severity::Warning, "CONFIG_UNKNOWN_KEY");
      f.message = "unknown key \"" + shown(k) + "\" is ignored";
      f.hint = "check the spelling against config/zzjb.schema.json";
      out_.push_back(std::move(f));
    }
  }

  void error(const std::string& path, std::string code, std::string message, std::string hint,
             FindingKind kind = FindingKind::Config) {
    Finding f = base(path, Severity::Error, std::move(code));
    f.kind = kind;
    f.message = std::move(message);
    f.hint = std::move(hint);
    out_.push_back(std::move(f));
  }

  void warning(const std::string& path, std::string code, std::string message, std::string hint) {
    Finding f = base(path, Severity::Warning, std::move(code));
    f.message = std::move(message);
    f.hint = std::move(hint);
    out_.push_back(std::move(f));
  }

  [[nodiscard]] std::size_t errorCount() const {
    std::size_t n = 0;
    for (const auto& f : out_) n += f.severity == Severity::Error ? 1 : 0;
    return n;
  }

 private:
  Finding base(const std::string& path, Severity sev, std::string code) const {
    Finding f;
    f.severity = sev;
    f.kind = FindingKind::Config;
    f.code = std::move(code);
    f.where.file = file_;
    f.where.jsonPath = path;
    f.school = school_;
    return f;
  }

  void missing(const std::string& path, const char* key, const char* what) {
    error(path + "." + key, "CONFIG_MISSING", std::string("\"") + key + "\" is missing",
          std::string("add \"") + key + "\": " + what);
  }

  void wrongType(const std::string& path, const char* expected, const nlohmann::json& got) {
    error(path, "CONFIG_TYPE", std::string("expected ") + expected + ", found " + got.type_name(),
          "see config/zzjb.schema.json");
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
