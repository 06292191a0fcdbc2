// The domain of the notices: schools, majors, targets, students, evaluation organisations, levels.
// Plain data: validation lives in config loading and eligibility, I/O in adapters.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zzjb/core/date.hpp"
#include "zzjb/plugin/types.hpp"

namespace zzjb {

// 中职 (secondary vocational school) or 高职 (higher vocational college).
enum class SchoolLevel { Secondary, Higher };

[[nodiscard]] const char* schoolLevelName(SchoolLevel l);      // 中职 / 高职
[[nodiscard]] const char* schoolLevelConfigName(SchoolLevel l);  // SECONDARY / HIGHER
[[nodiscard]] std::optional<SchoolLevel> parseSchoolLevel(std::string_view s);

// The only level a school's students may declare directly: 中职 → 4 (中级工), 高职 → 3 (高级工).
[[nodiscard]] int allowedLevel(SchoolLevel l);

// Skill levels: 5 五级/初级工 … 1 一级/高级技师 (1 is highest). Stored as the integer.
[[nodiscard]] bool isSkillLevel(int level);
[[nodiscard]] std::string levelName(int level);       // "四级/中级工"
[[nodiscard]] std::string levelShortName(int level);  // "四级"
[[nodiscard]] std::string levelWorkerName(int level);  // "中级工"

// Which office receives 附件1 (the evaluation application) for a school level.
struct EvaluationOffice {
  std::string shortName;  // 市教委教研室 / 市教委职教处
  std::string fullName;   // 上海市教育委员会教学研究室 / 上海市教育委员会职业教育处
};
[[nodiscard]] EvaluationOffice evaluationOfficeFor(SchoolLevel l);

// The next April/October window in which 附件1 is accepted: the current month if it is April or
// October, otherwise the first of the next such month.
struct ApplicationWindow {
  int year = 0;
  int month = 0;     // 4 or 10
  bool openNow = false;
};
[[nodiscard]] ApplicationWindow nextEvaluationWindow(const Date& today);

enum class OrgType { SocialOrg, Employer };
[[nodiscard]] const char* orgTypeConfigName(OrgType t);  // SOCIAL_ORG / EMPLOYER
[[nodiscard]] const char* orgTypeName(OrgType t);        // 社会培训评价组织 / 用人单位
[[nodiscard]] std::optional<OrgType> parseOrgType(std::string_view s);

struct EvaluationOrg {
  std::string name;
  std::string creditCode;
};

// The outcome of the school's 专业评估申请 for one target, entered by IT staff.
enum class EvaluationStatus { NotApplied, Submitted, Approved, Rejected };
[[nodiscard]] const char* evaluationStatusConfigName(EvaluationStatus s);
// The 专业评估's state in the clerk's words (未申请 / 已提交（评估中） / 已通过 / 未通过) and what to do
// about it: the same words wherever it is shown (docs/messages.md, "Terms").
[[nodiscard]] std::string evaluationStatusName(EvaluationStatus s);
[[nodiscard]] std::string evaluationAdvice(EvaluationStatus s);
[[nodiscard]] std::optional<EvaluationStatus> parseEvaluationStatus(std::string_view s);

struct Evaluation {
  EvaluationStatus status = EvaluationStatus::NotApplied;
  std::string opinionNo;  // number of the 专家组评估意见表
  std::optional<Date> date;
};

struct PlatformConfig {
  std::string baseUrl;
  std::string caBundle;
  int timeoutSeconds = 30;
  std::string pinnedPublicKey;  // "sha256//BASE64[;…]" or empty (docs/platform-client.md)
  // Schools worked on at once, each with its own session (docs/architecture.md, "Schools in
  // parallel"). 1–64.
  int maxConcurrentSchools = 8;
  // Requests per second to the platform from the whole pass; 0: no limit beyond one request in
  // flight per school worker (docs/operations.md, "Configuration").
  double maxRequestsPerSecond = 0;
  // Rows per declaration file (the platform takes at most 5,000); smaller for rehearsals and
  // tests. 1–5000.
  int maxBatchRows = 5000;
  // The first wait before polling an application or a batch (EngineOptions::pollIntervalMs), in
  // milliseconds; later waits double up to 4 s, within 15 s per school and pass; ≥ 0.
  int pollIntervalMs = 250;
};

// What a major's students are declared for, in the shape its type gives (plugin::TargetShape):
// an occupation and level, or an ability, with or without an organisation. The loader reads
// every field a type may use; which are required or refused is the type's (eligibility.cpp).
struct Target {
  std::string type;  // the certification type: a plugin's TypeInfo::id
  std::string occupationCode;
  std::string occupationName;
  int level = 0;  // 0: none given
  std::string abilityCode;
  std::string abilityName;
  std::optional<EvaluationOrg> evaluationOrg;
  Evaluation evaluation;
  bool evaluationGiven = false;  // the target has an "evaluation" object
  // The target's other keys, flattened: the type's own fields (TargetShape::fields).
  std::vector<plugin::Setting> fields;
  // The target's "options" object, flattened for the type's plugin (see zzjb/plugin/types.hpp).
  std::vector<plugin::Setting> options;
  std::string jsonPath;  // where it stands in the configuration
};

struct Major {
  std::string name;
  std::string trainingPlan;  // 人才培养方案, path resolved against the config file
  std::vector<Target> targets;
  std::string jsonPath;
};

struct Person {
  std::string name;
  std::string mobile;
};

struct Operator {
  std::string name;
  std::string idNumber;
};

struct PinSource {
  std::string env;         // environment variable
  std::string file;        // file, mode 0600 or stricter
  std::string credential;  // systemd credential name
  bool prompt = false;
};

struct IdentityConfig {
  std::string key;          // file:… | pkcs11:… | skf:…
  std::string certificate;  // resolved path; empty when not configured
  std::string keyId;        // pinned in config; empty: read from the certificate
  PinSource pin;
};

struct School {
  std::string id;
  std::string name;
  std::string creditCode;
  SchoolLevel level = SchoolLevel::Secondary;
  std::string legalRepresentative;
  std::string district;
  std::string address;
  Person leader;
  Person contact;
  Operator platformOperator;
  std::optional<bool> dualCertificateProgram;
  IdentityConfig identity;
  std::vector<Major> majors;
  std::vector<std::string> rosters;  // resolved paths
  std::vector<std::string> rosterDisplay;  // as written in the config, for messages
  // The school's "plugins" object: per type id, that plugin's settings, flattened.
  std::map<std::string, std::vector<plugin::Setting>> pluginSections;
  // "enabled": false pauses the school (docs/operations.md, "Pausing a school"): no pass, probe
  // or form run opens its key or calls the platform for it; it is listed as paused everywhere.
  bool enabled = true;
  std::string pausedReason;  // "pausedReason": why, said wherever the pause is listed
  std::string jsonPath;
};

// The catalog of registered evaluation organisations, in the platform's shape.
struct CatalogOccupation {
  std::string code;
  std::string name;
  std::vector<int> levels;
};
struct CatalogItem {
  EvaluationOrg org;
  OrgType type = OrgType::SocialOrg;
  std::vector<CatalogOccupation> occupations;
};
// Something a school may rely on that an earlier catalog had and a newer one has not
// (docs/catalog.md, "Withdrawn"): the whole organisation (occupationCode empty), one of its
// occupations (level 0) or one level of it.
struct CatalogWithdrawal {
  std::string creditCode;
  std::string orgName;
  std::string occupationCode;
  std::string occupationName;
  int level = 0;
  Date since;  // the date of the first catalog it was missing from
};

struct Catalog {
  std::string version;
  std::optional<Date> date;  // when it was published or read; nullopt in a hand-kept file
  std::vector<CatalogItem> items;
  std::vector<CatalogWithdrawal> withdrawn;

  [[nodiscard]] const CatalogItem* findOrg(std::string_view creditCode) const;
  // The occupation entry of that organisation, or nullptr.
  [[nodiscard]] const CatalogOccupation* findOccupation(std::string_view creditCode,
                                                        std::string_view occupationCode) const;
  // Why a target's organisation, occupation or level is not in `items`, if an earlier catalog
  // had it: the widest withdrawal that covers it (the organisation before its occupation before
  // the level), or nullptr.
  [[nodiscard]] const CatalogWithdrawal* findWithdrawal(std::string_view creditCode,
                                                        std::string_view occupationCode,
                                                        int level) const;
};

// A student as read from a roster, before any check. Text as found in the file.
struct Student {
  std::string name;
  std::string idType;
  std::string idNumber;
  std::string gender;
  std::string mobile;
  std::string major;
  std::string className;
  std::string graduationYear;
  // 出生日期 as the roster writes it (optional column): needed for a pass or a passport, whose
  // number does not carry it; "" when absent.
  std::string birthDate;
  std::map<std::string, std::string> extra;  // other columns, e.g. 实习单位

  std::string file;   // roster as written in the config
  std::size_t line = 0;
  std::string idCell;  // xlsx cell of 证件号码, "Sheet1!D5"
  std::string idStoredAs;  // xlsx: the numeric value the ID was stored as; empty when text
};

}  // namespace zzjb
