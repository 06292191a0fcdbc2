// The values a certification-type plugin sees and returns: plain structs, no callbacks, no
// exceptions. The host builds them from the configuration and the rosters; a plugin never reads a
// file or JSON itself. docs/plugins.md explains each with examples.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace zzjb::plugin {

enum class Severity { Info, Warning, Error };

// Which evaluation organisation a type needs, as the platform's catalog calls it.
enum class OrgKind { None, SocialOrg, Employer };  // none / SOCIAL_ORG / EMPLOYER

// How the school gets the 团体申报 permission for a target of this type.
enum class Permission {
  AppliedOnline,    // 申报点审核点权限申请 on the platform, then the centre reviews it
  GrantedByCentre,  // 市职鉴中心 opens it itself; the school can only ask and wait
  None,             // the matter needs no permission: students are declared directly
};

// What the platform's permissions and declarations of the type's matter name (the matter's
// scope, docs/platform-api.md "Matters"):
//   Occupation: a 职业 of the 大典 — target fields "occupationCode" (X-XX-XX-XX),
//               "occupationName" and, unless LevelRule::None, "level" (1–5);
//   Ability:    a 专项职业能力 — target fields "abilityCode" (1–32 letters, digits, '-', '.')
//               and "abilityName"; no occupation, no level.
enum class Scope { Occupation, Ability };

// How a target's level is fixed (Scope::Occupation).
enum class LevelRule {
  SchoolLevel,  // the school's: 中职 4 (中级工), 高职 3 (高级工) — the notices' rule
  AnyOf,        // one of TargetShape::levels
  None,         // the type has no level: a target must not give one
};

// One of a type's own target fields (beyond those of its scope), or one key of its options: for
// `zzjb plugins`, the configuration's JSON schema and the test kit.
struct FieldSpec {
  enum class Kind { Text, Number, Boolean };
  std::string name;  // the JSON key: "agreementNo"
  Kind kind = Kind::Text;
  bool required = false;
  std::string description;  // one line, tr()
  std::string example;      // a valid value as JSON text: "\"HZ-2026-017\"", "true"
};

// Which columns a target of the type needs, and what the core checks before the plugin sees it.
struct TargetShape {
  Scope scope = Scope::Occupation;
  LevelRule level = LevelRule::SchoolLevel;
  std::vector<int> levels;  // LevelRule::AnyOf: the levels a target may give (1–5)
  OrgKind org = OrgKind::None;  // the "evaluationOrg" a target needs (None: it must give none)
  bool needsEvaluation = true;  // the major's 专业评估 must be 已通过 before anything is declared
  bool needsGraduationYear = true;  // only students graduating this academic year
  // The type's own target fields, beyond its scope's: passed to the plugin in TargetView::fields
  // and checked by it (checkSection); any other key of a target is refused by the core.
  std::vector<FieldSpec> fields;
  // The full ID number is given to eligibility() and declarationValues() (StudentView::idNumber)
  // only when the type's sheet needs it in a column of its own.
  bool needsIdNumber = false;
};

// Where the type's targets appear on the forms zzjb fills in (docs/forms.md).
struct FormUse {
  bool evaluationForm = true;  // 附件1 专业评估申请表: one row per target
  bool accountForm = true;     // 附件2 开户申请表: the targets named under 申报范围
};

// A valid example of the type, for `zzjb plugins`, the docs and the test kit: a target as it
// stands in a 中职 school's configuration, and the roster columns (beyond the required ones) of a
// student it declares.
struct Example {
  std::string target;  // a JSON object: {"type": "…", …, "options": {…}}
  std::map<std::string, std::string> eligibleColumns;  // {"专项能力": "网店运营"}
};

// What a plugin says about itself. Read once by the host after init().
struct TypeInfo {
  std::string id;      // the target "type" in the configuration: "employer"
  std::string matter;  // 事项名称: 职业技能等级认定
  std::string node;    // 节点名称: 用人单位等级认定 (empty when the matter has none)
  Permission permission = Permission::AppliedOnline;
  TargetShape shape;
  FormUse forms;
  std::string description;  // one line, for `zzjb plugins`
  // Permission::GrantedByCentre: what the school asks the centre for (请市职鉴中心开通…), and
  // what zzjb says while it waits (等待市职鉴中心开通…). Empty: zzjb's own words for 职业资格鉴定.
  // Like every text below, in the host's language (tr()).
  std::string permissionRequest;
  std::string permissionWaiting;
  std::vector<FieldSpec> options;  // the keys of its configuration section (Section)
  Example example;
};

// One value of a plugin's configuration section, flattened: nested objects become dotted keys
// ("contact.name"), arrays indexed keys ("sites[0]"). `jsonPath` says where it was written, so a
// finding can point at it; later sources (the target's "options") override earlier ones (the
// school's "plugins.<type>").
struct Setting {
  enum class Kind { Text, Number, Boolean };
  std::string key;
  std::string value;  // text as written; numbers in JSON notation; booleans "true"/"false"
  Kind kind = Kind::Text;
  std::string jsonPath;
};

// Settings looked up by key (the last one wins).
[[nodiscard]] inline const Setting* findSetting(const std::vector<Setting>& settings,
                                                std::string_view key) {
  for (auto it = settings.rbegin(); it != settings.rend(); ++it) {
    if (it->key == key) return &*it;
  }
  return nullptr;
}

// A plugin's configuration for one target: the school's "plugins.<type>" object merged with the
// target's "options" object. Validated once by checkSection() before anything else uses it.
struct Section {
  std::string jsonPath;  // where a missing key belongs: the target's "options"
  std::vector<Setting> settings;

  [[nodiscard]] const Setting* find(std::string_view key) const {
    return findSetting(settings, key);
  }
  [[nodiscard]] std::string text(std::string_view key) const {
    const Setting* s = find(key);
    return s == nullptr ? std::string() : s->value;
  }
};

// A finding from a plugin. Lower-case message, a JSON path or roster row, and what to do.
struct Issue {
  Severity severity = Severity::Error;
  std::string code;      // UPPER_SNAKE, stable
  std::string jsonPath;  // "$.schools[1].majors[0].targets[0].options.agreementNo"
  std::string message;
  std::string hint;
};

// The target a decision is about, and its school.
struct TargetView {
  std::string type;
  Scope scope = Scope::Occupation;
  std::string occupationCode;  // Scope::Occupation
  std::string occupationName;
  int level = 0;               // 0: none (LevelRule::None)
  std::string abilityCode;     // Scope::Ability
  std::string abilityName;
  std::string orgName;         // empty when the target has no evaluation organisation
  std::string orgCreditCode;
  // The type's own fields (TargetShape::fields) as written, flattened like settings.
  std::vector<Setting> fields;
  std::string schoolId;
  std::string schoolLevel;  // SECONDARY (中职) | HIGHER (高职)
  int schoolSkillLevel = 0;  // the level its students declare directly: 4 or 3
  std::string jsonPath;

  [[nodiscard]] std::string field(std::string_view key) const {
    const Setting* s = findSetting(fields, key);
    return s == nullptr ? std::string() : s->value;
  }
};

// A student's row, already checked by the host (identity, mobile, graduation year). `columns`
// holds the roster's columns beyond the required ones, by header name: 实习单位, 备注, ….
struct StudentView {
  std::string name;
  std::string major;
  std::string className;
  std::string graduationYear;
  std::string idType;     // 证件类型 as the template takes it (居民身份证, 护照, …)
  std::string gender;     // 男 | 女, from an 18-digit number, else the roster's 性别
  std::string birthDate;  // YYYY-MM-DD, from an 18-digit number, else the roster's 出生日期
  std::string maskedId;   // 310***********123X: for messages
  std::string idNumber;   // the full number only when TargetShape::needsIdNumber; else empty
  std::map<std::string, std::string> columns;

  // Full years of age on `isoDate` (YYYY-MM-DD); -1 when either date is unknown or malformed.
  [[nodiscard]] int ageOn(std::string_view isoDate) const {
    auto parse = [](std::string_view d, int& y, int& m, int& day) {
      if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
      auto num = [&](std::size_t at, std::size_t n, int& out) {
        out = 0;
        for (std::size_t i = at; i < at + n; ++i) {
          if (d[i] < '0' || d[i] > '9') return false;
          out = out * 10 + (d[i] - '0');
        }
        return true;
      };
      return num(0, 4, y) && num(5, 2, m) && num(8, 2, day);
    };
    int by = 0, bm = 0, bd = 0, y = 0, m = 0, d = 0;
    if (!parse(birthDate, by, bm, bd) || !parse(isoDate, y, m, d)) return -1;
    int age = y - by;
    if (m < bm || (m == bm && d < bd)) --age;
    return age < 0 ? -1 : age;
  }
};

// A plugin's eligibility decision for one student and one target.
struct Verdict {
  enum class Kind {
    Eligible,  // declared for the target
    Problem,   // not declared, and someone should look: the school is 需处理 (a warning)
    Expected,  // not declared, as the type intends (a student who chose another ability):
               // listed in the report, never a problem to fix
  };
  Kind kind = Kind::Eligible;
  std::string code;    // when not eligible: UPPER_SNAKE, e.g. NOT_AT_EMPLOYER
  std::string reason;  // short: 实习单位不是该用人单位 (tr(), like every text a plugin returns)
  std::string hint;    // what to do (Problem)

  [[nodiscard]] bool eligible() const { return kind == Kind::Eligible; }
  [[nodiscard]] static Verdict yes() { return {}; }
  [[nodiscard]] static Verdict problem(std::string code, std::string reason, std::string hint) {
    return {Kind::Problem, std::move(code), std::move(reason), std::move(hint)};
  }
  [[nodiscard]] static Verdict expected(std::string code, std::string reason) {
    return {Kind::Expected, std::move(code), std::move(reason), {}};
  }
};

// An extra field of the permission application (申报点审核点权限申请).
struct Field {
  std::string key;
  std::string value;
};

// One column of the type's declaration sheet (团体申报导入模板), in order. A standard column's
// cells are filled by the host (its `standard` key, below); a column without one is the plugin's
// own, filled from declarationValues() in the order such columns appear.
struct SheetColumn {
  std::string header;    // row 1: 姓名, 专项能力编码, 实习单位
  std::string standard;  // the host's value, or empty (the plugin's own)
  bool numeric = false;  // written as a number (序号, 毕业年份, 申报等级)
};

// The host's values for a standard column (SheetColumn::standard).
namespace column {
inline constexpr const char* kSeq = "seq";                // 1, 2, … (序号)
inline constexpr const char* kName = "name";
inline constexpr const char* kIdType = "idType";          // 居民身份证, 护照, … (the student's)
inline constexpr const char* kIdNumber = "idNumber";
inline constexpr const char* kGender = "gender";
inline constexpr const char* kBirthDate = "birthDate";    // YYYY-MM-DD
inline constexpr const char* kMobile = "mobile";
inline constexpr const char* kEducation = "education";    // 中专 | 大专 (by the school's level)
inline constexpr const char* kSource = "source";          // 在校生 (考生来源)
inline constexpr const char* kMajor = "major";
inline constexpr const char* kClass = "class";
inline constexpr const char* kGraduationYear = "graduationYear";
inline constexpr const char* kOccupationName = "occupationName";
inline constexpr const char* kOccupationCode = "occupationCode";
inline constexpr const char* kLevel = "level";
inline constexpr const char* kAbilityName = "abilityName";
inline constexpr const char* kAbilityCode = "abilityCode";

// Whether `key` is one of the host's values above (a SheetColumn::standard it can fill).
[[nodiscard]] inline bool isStandard(std::string_view key) {
  for (const char* k : {kSeq, kName, kIdType, kIdNumber, kGender, kBirthDate, kMobile, kEducation,
                        kSource, kMajor, kClass, kGraduationYear, kOccupationName, kOccupationCode,
                        kLevel, kAbilityName, kAbilityCode}) {
    if (key == k) return true;
  }
  return false;
}
}  // namespace column

// The platform's template for a scope (docs/platform-api.md, "Group declarations"): 12 common
// columns, then 职业名称 职业编码 申报等级 (Occupation) or 专项能力名称 专项能力编码 (Ability).
// A type's sheet starts from it; the platform takes extra columns after these.
[[nodiscard]] inline std::vector<SheetColumn> standardSheet(Scope scope) {
  // not-text: begin (the platform template's column headers, which the platform matches)
  std::vector<SheetColumn> s = {{"序号", column::kSeq, true},
                                {"姓名", column::kName, false},
                                {"证件类型", column::kIdType, false},
                                {"证件号码", column::kIdNumber, false},
                                {"性别", column::kGender, false},
                                {"出生日期", column::kBirthDate, false},
                                {"手机号码", column::kMobile, false},
                                {"文化程度", column::kEducation, false},
                                {"考生来源", column::kSource, false},
                                {"专业", column::kMajor, false},
                                {"班级", column::kClass, false},
                                {"毕业年份", column::kGraduationYear, true}};
  if (scope == Scope::Occupation) {
    s.push_back({"职业名称", column::kOccupationName, false});
    s.push_back({"职业编码", column::kOccupationCode, false});
    s.push_back({"申报等级", column::kLevel, true});
  } else {
    s.push_back({"专项能力名称", column::kAbilityName, false});
    s.push_back({"专项能力编码", column::kAbilityCode, false});
  }
  // not-text: end
  return s;
}

// A platform review reason, as a person reads it.
struct Explanation {
  std::string sentence;  // in the host's language (tr())
  std::string hint;      // what to do
};

}  // namespace zzjb::plugin
