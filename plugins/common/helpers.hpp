// Small helpers the three bundled plugins share (not part of the SDK): issues with JSON paths,
// unknown-option warnings, and the platform's common review reasons in Chinese.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "zzjb/plugin/api.hpp"

namespace zzjb::plugins {

inline plugin::Issue issue(plugin::Severity sev, std::string code, std::string jsonPath,
                           std::string message, std::string hint) {
  return {sev, std::move(code), std::move(jsonPath), std::move(message), std::move(hint)};
}

// Warns about settings the type does not know (a typo would otherwise be silently ignored).
inline void warnUnknown(const plugin::Section& s, const std::set<std::string>& known,
                        const std::string& type, std::vector<plugin::Issue>& out) {
  for (const auto& setting : s.settings) {
    if (known.contains(setting.key)) continue;
    out.push_back(issue(plugin::Severity::Warning, "PLUGIN_OPTION_UNKNOWN", setting.jsonPath,
                        "option \"" + setting.key + "\" is not known to the " + type +
                            " plugin and is ignored",
                        "check the spelling; `zzjb plugins` and docs/plugins.md list the options"));
  }
}

// A text option: absent → nullptr; present but not text or empty → an error, nullptr.
inline const plugin::Setting* textOption(const plugin::Section& s, std::string_view key,
                                         std::vector<plugin::Issue>& out) {
  const plugin::Setting* v = s.find(key);
  if (v == nullptr) return nullptr;
  if (v->kind != plugin::Setting::Kind::Text || v->value.find_first_not_of(" \t") ==
                                                    std::string::npos) {
    out.push_back(issue(plugin::Severity::Error, "PLUGIN_OPTION_INVALID", v->jsonPath,
                        "option \"" + std::string(key) + "\" must be a non-empty string, found " +
                            (v->kind == plugin::Setting::Kind::Text ? "\"" + v->value + "\""
                                                                    : v->value),
                        "write it as a JSON string, e.g. \"" + std::string(key) + "\": \"…\""));
    return nullptr;
  }
  return v;
}

// The platform's per-row and per-application reasons every type shares.
inline plugin::Explanation commonExplanation(std::string_view code, std::string_view text) {
  if (code == "ID_INVALID") {
    return {"证件号码或证件类型有误，平台未受理该学生", "按身份证核对证件号码后重新申报该学生"};
  }
  if (code == "LEVEL_NOT_ALLOWED") {
    return {"申报等级与学校培养层次不符（中职四级、高职三级）", "改正申报目标的等级"};
  }
  if (code == "NOT_GRADUATING") {
    return {"该学生不在毕业学年，暂不能申报", "待其毕业学年再申报，或核对花名册中的毕业年份"};
  }
  if (code == "DUPLICATE") {
    return {"该学生已申报过同一职业（工种）和等级", "无需再次申报；zzjb status 可查看已有申报"};
  }
  if (code == "FIELD_INVALID") {
    return {"申报表中有字段不符合平台要求：" + std::string(text),
            "按提示修改花名册中的对应列后重新申报"};
  }
  return {"平台审核未通过：" + std::string(text) + "（" + std::string(code) + "）",
          "按审核意见修改后重新提交；如有疑问请致电市职鉴中心 62748577-4112"};
}

// Trims spaces and makes full-width brackets half-width, so that names typed by hand compare.
inline std::string normalName(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.substr(i, 3) == "（") {
      out += '(';
      i += 2;
    } else if (s.substr(i, 3) == "）") {
      out += ')';
      i += 2;
    } else if (s.substr(i, 3) == "\u3000") {
      i += 2;
    } else if (s[i] != ' ' && s[i] != '\t') {
      out += s[i];
    }
  }
  return out;
}

}  // namespace zzjb::plugins
