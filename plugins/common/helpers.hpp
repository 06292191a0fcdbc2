// Small helpers the bundled plugins share (not part of the SDK): issues with JSON paths,
// unknown-option warnings, option specs, the sheet with the type's own columns, and the
// platform's common review reasons, in both languages (tr()). docs/plugins.md, "ABI 2".
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
    out.push_back(issue(
        plugin::Severity::Warning, "PLUGIN_OPTION_UNKNOWN", setting.jsonPath,
        plugin::tr("选项“{key}”不是 {type} 插件的选项，已忽略",
                   "option \"{key}\" is not known to the {type} plugin and is ignored",
                   {{"key", setting.key}, {"type", type}}),
        plugin::tr("检查拼写；zzjb plugins 和 docs/plugins.md 列出了各插件的选项",
                   "check the spelling; `zzjb plugins` and docs/plugins.md list the options")));
  }
}

// A text option: absent → nullptr; present but not text or empty → an error, nullptr.
inline const plugin::Setting* textOption(const plugin::Section& s, std::string_view key,
                                         std::vector<plugin::Issue>& out) {
  const plugin::Setting* v = s.find(key);
  if (v == nullptr) return nullptr;
  if (v->kind != plugin::Setting::Kind::Text || v->value.find_first_not_of(" \t") ==
                                                    std::string::npos) {
    const std::string found =
        v->kind == plugin::Setting::Kind::Text ? "\"" + v->value + "\"" : v->value;
    out.push_back(issue(
        plugin::Severity::Error, "PLUGIN_OPTION_INVALID", v->jsonPath,
        plugin::tr("选项“{key}”应为非空字符串，现为 {found}",
                   "option \"{key}\" must be a non-empty string, found {found}",
                   {{"key", std::string(key)}, {"found", found}}),
        plugin::tr("写成 JSON 字符串，例如 \"{key}\": \"…\"",
                   "write it as a JSON string, e.g. \"{key}\": \"…\"", {{"key", std::string(key)}})));
    return nullptr;
  }
  return v;
}

// A text option's spec (TypeInfo::options): `example` is the JSON text of a valid value.
inline plugin::FieldSpec textOptionSpec(std::string name, bool required, std::string description,
                                        const std::string& example) {
  return {std::move(name), plugin::FieldSpec::Kind::Text, required, std::move(description),
          "\"" + example + "\""};
}

// The option naming the roster column a type reads ("rosterColumn"), with its default.
inline plugin::FieldSpec rosterColumnSpec(const std::string& defaultColumn,
                                          const std::string& what) {
  return textOptionSpec("rosterColumn", false,
                        plugin::tr("花名册中写{what}的列，默认“{column}”",
                                   "the roster column that gives {what}; default \"{column}\"",
                                   {{"what", what}, {"column", defaultColumn}}),
                        defaultColumn);
}

// The platform's template of the scope, then the type's own columns (filled by
// declarationValues(), in this order): docs/platform-api.md, "Group declarations".
inline std::vector<plugin::SheetColumn> sheetWith(plugin::Scope scope,
                                                  const std::vector<std::string>& own) {
  std::vector<plugin::SheetColumn> sheet = plugin::standardSheet(scope);
  for (const auto& header : own) sheet.push_back({header, "", false});
  return sheet;
}

// The platform's per-row and per-application reasons every type shares.
inline plugin::Explanation commonExplanation(std::string_view code, std::string_view text) {
  using plugin::tr;
  if (code == "ID_INVALID") {
    return {tr("证件号码或证件类型有误，平台未受理该学生",
               "the ID number (证件号码) or ID type (证件类型) is wrong: the platform did not "
               "accept the student"),
            tr("按身份证核对证件号码后重新申报该学生",
               "check the ID number against the student's ID card and declare the student again")};
  }
  if (code == "LEVEL_NOT_ALLOWED") {
    return {tr("申报等级与学校培养层次不符（中职四级、高职三级）",
               "the declared level does not match the school's level of training (secondary "
               "vocational schools level 4, higher vocational colleges level 3)"),
            tr("改正申报目标的等级", "correct the level of the declaration target")};
  }
  if (code == "NOT_GRADUATING") {
    return {tr("该学生不在毕业学年，暂不能申报",
               "the student is not in the graduation year (毕业学年) and cannot be declared yet"),
            tr("待其毕业学年再申报，或核对花名册中的毕业年份",
               "declare the student in their graduation year, or check the graduation year in "
               "the roster")};
  }
  if (code == "DUPLICATE") {
    return {tr("该学生已申报过同一职业（工种）和等级",
               "the student has already been declared for the same occupation and level"),
            tr("无需再次申报；zzjb status 可查看已有申报",
               "there is no need to declare again; `zzjb status` shows the existing declaration")};
  }
  const std::vector<plugin::TextArg> args = {{"text", std::string(text)},
                                             {"code", std::string(code)}};
  if (code == "FIELD_INVALID") {
    return {tr("申报表中有字段不符合平台要求：{text}",
               "a field of the declaration does not meet the platform's rules: {text}", args),
            tr("按提示修改花名册中的对应列后重新申报",
               "correct that column of the roster as the message says and declare again")};
  }
  return {tr("平台审核未通过：{text}（{code}）", "the platform's review did not pass: {text} ({code})",
             args),
          tr("按审核意见修改后重新提交；如有疑问请致电市职鉴中心 {centrePhone}",
             "correct what the review says and submit again; for questions call the centre "
             "(市职鉴中心) on {centrePhone}")};
}

// Trims spaces and makes full-width brackets half-width, so that names typed by hand compare.
inline std::string normalName(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.substr(i, 3) == "（") {  // not-text: a character matched
      out += '(';
      i += 2;
    } else if (s.substr(i, 3) == "）") {  // not-text: a character matched
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
