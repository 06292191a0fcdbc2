// Eligibility, offline: for every school and target, who will be declared and who will not, and
// why. Works on data already read (config, catalog, roster tables); no I/O here.
//
// A student is eligible for a target when the school is evaluated for (major → occupation, level),
// the level is the one the school may declare (中职 → 4, 高职 → 3), the evaluation organisation is
// registered for that occupation and level, the student is in the graduation year, their identity
// data is valid, they are not listed twice, and the rules of the target's certification type (its
// plugin, see cert_types.hpp) let them through. (The permission check is online: the engine's.)
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "zzjb/core/cert_types.hpp"
#include "zzjb/core/config.hpp"
#include "zzjb/core/date.hpp"
#include "zzjb/core/domain.hpp"
#include "zzjb/core/finding.hpp"
#include "zzjb/core/identifiers.hpp"
#include "zzjb/core/roster.hpp"

namespace zzjb {

// Why a student is not declared for a target. Stable codes, printed in reports and JSON.
enum class Exclusion {
  InvalidData,            // INVALID_DATA: a data error on the student's row (see its finding)
  IdTypeNotSupported,     // ID_TYPE: a 证件类型 group declaration does not take (IdDocType)
  NotGraduating,          // NOT_GRADUATING: 毕业年份 is not the current graduation year
  Duplicate,              // DUPLICATE: the same student listed again
  EvaluationNotApproved,  // EVALUATION_NOT_APPROVED: the 专业评估 is not (yet) approved
  LevelNotAllowed,        // LEVEL_NOT_ALLOWED: the target's level is not the school's level
  OrgNotRegistered,       // ORG_NOT_REGISTERED: organisation not in the catalog for it
  TargetInvalid,          // TARGET_INVALID: the target itself has errors in the configuration
  TypeRule,               // the certification type's plugin said no: its own code and reason
};
[[nodiscard]] const char* exclusionCode(Exclusion e);
// Each reason's one wording, from the message catalog (check, report and engine say it the same
// way). EVALUATION_NOT_APPROVED is worded by the evaluation's actual state: 未申请,
// 已提交（评估中） or 未通过, never "rejected" for an evaluation still with the experts.
[[nodiscard]] msg::Message exclusionMessage(Exclusion e,
                                            EvaluationStatus evaluation = EvaluationStatus::NotApplied);
// The same, as text in the process's language.
[[nodiscard]] std::string exclusionReason(Exclusion e,
                                          EvaluationStatus evaluation = EvaluationStatus::NotApplied);
// What to do about it, when there is one thing to say (the evaluation's advice); else empty.
[[nodiscard]] std::string exclusionAdvice(Exclusion e,
                                          EvaluationStatus evaluation = EvaluationStatus::NotApplied);

struct ExcludedStudent {
  std::size_t student = 0;  // index into SchoolResult::students
  Exclusion reason = Exclusion::InvalidData;
  // TypeRule: the plugin's code (NOT_AT_EMPLOYER), reason in Chinese and what to do.
  std::string ruleCode;
  std::string ruleReason;
  std::string ruleHint;
  // EVALUATION_NOT_APPROVED: the state of the target's 专业评估, which the reason is worded by.
  EvaluationStatus evaluation = EvaluationStatus::NotApplied;
  // TypeRule: the plugin said the student is not for this target, as the type intends
  // (plugin::Verdict::Kind::Expected): listed, never a problem to fix.
  bool expected = false;

  [[nodiscard]] std::string code() const;  // exclusionCode, or the plugin's code
  [[nodiscard]] std::string text() const;  // exclusionReason, or the plugin's reason
};

struct ReasonCount {
  std::string code;
  std::string text;
  std::size_t count = 0;
  // Nothing for the school to do but wait: the students of a major whose 专业评估 is with the
  // experts (已提交（评估中）). The report counts them as waiting, not as a to-do (docs/report.md).
  bool waiting = false;
  // Not declared as the target's type intends (a student who chose another ability): listed in
  // the report, neither a to-do nor waiting (plugin::Verdict::Kind::Expected).
  bool expected = false;
};

struct TargetResult {
  Target target;
  std::string major;
  // The type needs the major's 专业评估 (plugin::TargetShape::needsEvaluation); false: its state is
  // neither shown nor waited for.
  bool evaluationNeeded = true;
  // What keeps every student of the target from being declared, whoever they are: the target
  // breaks a rule (LEVEL_NOT_ALLOWED, ORG_NOT_REGISTERED, TARGET_INVALID) or its 专业评估 is not
  // approved (EVALUATION_NOT_APPROVED). nullopt: the target can be declared. `zzjb forms` leaves
  // such targets off the paper (docs/forms.md).
  std::optional<Exclusion> ruled;
  std::vector<std::size_t> eligible;  // indices into SchoolResult::students
  std::vector<ExcludedStudent> excluded;
  // In the order of Exclusion, plugin reasons by code.
  [[nodiscard]] std::vector<ReasonCount> excludedByReason() const;
};

struct RosterSummary {
  std::string file;
  std::string encoding;
  std::size_t rows = 0;
  bool read = false;
};

struct SchoolResult {
  std::string id;
  std::string name;
  SchoolLevel level = SchoolLevel::Secondary;
  std::vector<RosterSummary> rosters;
  std::vector<Student> students;
  std::vector<TargetResult> targets;
  // Students whose 专业 has no target in the configuration, by major name.
  std::map<std::string, std::size_t> unconfiguredMajors;
  std::vector<Finding> findings;
};

// The outcome of reading one roster file, as the caller (which does the I/O) hands it over.
struct RosterInput {
  std::string display;         // as written in the config
  Result<RosterTable> table;   // the table, or why it could not be read
};

struct EligibilityOptions {
  Date today;
  const Catalog* catalog = nullptr;  // nullptr: the catalog could not be read
  // The certification types (the loaded plugins). nullptr or empty: every target's type is
  // unknown, a configuration error.
  const TypeRegistry* types = nullptr;
};

// Maps a roster table's columns by header name (with common aliases) and turns its records into
// students. Missing required columns → one error on the header line and no students.
[[nodiscard]] std::vector<Student> studentsFromTable(const RosterTable& table,
                                                     std::vector<Finding>& findings);

// The required columns, in template order.
[[nodiscard]] const std::vector<std::string>& requiredRosterColumns();

// A student's 证件 as the roster gives it (docs/identity-documents.md).
struct StudentIdentity {
  // The 证件类型; nullopt when it is one group declaration does not take (or blank with a number
  // that is not a valid 18-digit one).
  std::optional<IdDocType> type;
  bool assumed = false;  // 证件类型 blank: taken from a valid 18-digit number
  IdCheck id;            // the number by its type's format (by GB 11643 when the type is not taken)
  // From the number when it carries them (居民身份证, 港澳台居民居住证); else the roster's 出生日期
  // (nullopt when blank or not a date) and 性别 (as written).
  std::optional<Date> birthDate;
  std::string gender;
};
[[nodiscard]] StudentIdentity studentIdentity(const Student& st, const Date& today);
// A roster's 出生日期: 2008-05-01, 2008/5/1, 2008.05.01, 20080501 or an Excel date serial (a date
// cell read as its number). nullopt when none of these or not a real date.
[[nodiscard]] std::optional<Date> parseRosterDate(std::string_view text);

[[nodiscard]] SchoolResult evaluateSchool(const School& school, const std::vector<RosterInput>& rosters,
                                          const EligibilityOptions& options);

// Checks the school's own fields (credit code, mobiles, operator ID, level of each target, the
// catalog). Part of evaluateSchool; exposed for tests.
void checkSchoolFields(const School& school, const EligibilityOptions& options,
                       std::vector<Finding>& findings);

}  // namespace zzjb
