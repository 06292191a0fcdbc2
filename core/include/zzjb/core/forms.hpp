// The two paper forms of the notices, filled from the configuration as print-ready A4 HTML:
// 附件1 职业技能评价专业评估申请表 and 附件2 团体申报开户申请表（学校）.
// Missing data leaves a field blank; nothing is invented.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "zzjb/core/date.hpp"
#include "zzjb/core/cert_types.hpp"
#include "zzjb/core/domain.hpp"
#include "zzjb/core/eligibility.hpp"

namespace zzjb {

// One row of a form: a target of one of the school's majors. `mark` non-empty: the target breaks
// a rule and is printed only because it was asked for (`zzjb forms --include-invalid`); the row
// says so on the paper, with these codes.
struct FormRow {
  const Major* major = nullptr;
  const Target* target = nullptr;
  std::string mark;
};

// A target a form does not list, and why (docs/forms.md, "What each form lists").
struct LeftOff {
  const Major* major = nullptr;
  const Target* target = nullptr;
  std::string code;    // the finding's (LEVEL_NOT_ALLOWED, ORG_NOT_REGISTERED, EVALUATION_REJECTED,
                       // …) or, when nothing is wrong, EVALUATION_APPROVED / EVALUATION_SUBMITTED /
                       // EVALUATION_NOT_APPROVED / PERMISSION_BY_CENTRE
  std::string reason;  // for people, in the process's language
  bool problem = false;  // the target breaks a rule (`zzjb forms` exits 65), rather than not
                         // belonging on this form now
};

struct FormPlan {
  std::vector<FormRow> evaluation;  // 附件1
  std::vector<FormRow> account;     // 附件2 (rows of the same (occupation, level) print once)
  std::vector<LeftOff> evaluationLeftOff;
  std::vector<LeftOff> accountLeftOff;
  [[nodiscard]] bool problems() const;  // a target left off (or marked) for breaking a rule
};

struct FormChoice {
  bool includeInvalid = false;  // print targets that break a rule, marked
  bool all = false;             // every target of the form, whatever its 专业评估's state
};

// What the forms list, from the same checks as `zzjb check` (`checked`: evaluateSchool's result
// for `school`). A form lists only what its type puts on it (plugin::FormUse). A target breaking a
// rule (its level, its organisation, its configuration; for 附件2 also a REJECTED 专业评估) is left
// off both, unless `includeInvalid`. By default 附件1 lists the targets whose 专业评估 is still to
// be had (not applied for, or rejected) and 附件2 those whose permission may be asked for now
// (专业评估 approved, or not needed); `all` lists the others too.
[[nodiscard]] FormPlan planForms(const School& school, const SchoolResult& checked,
                                 const TypeRegistry* types, FormChoice choice = {});

// Pages: the first page has the notice's rows (8 on the 中职 附件1, 10 on the 高职 one, 9 on
// 附件2), blank ones filling it out. More rows go on following pages, each with the form's title
// and column headers again; the opinion, seal and signature block and the printed notes stay
// together after the last row. The program's box above a form is for the screen only.
// 附件1: names the receiving office (市教委教研室 for 中职, 市教委职教处 for 高职) and the next
// April/October window counted from `today`; one row per (major, occupation, level).
[[nodiscard]] std::string renderEvaluationApplication(const School& school, const Date& today,
                                                      const std::vector<FormRow>& rows);
// 附件2: the account application; `keyId` comes from the school's certificate (or the config's
// pinned value) and is blank when neither is there; a school without a CA key configured gets the
// blank marked. One row per distinct (occupation, level).
[[nodiscard]] std::string renderAccountApplication(const School& school, std::string_view keyId,
                                                   const std::vector<FormRow>& rows);

// Every target each form takes by its type (plugin::FormUse), none checked: every target when
// `types` is nullptr or the type is not loaded. An ability's row names the ability and leaves the
// level blank (it has none).
[[nodiscard]] std::vector<FormRow> formRows(const School& school, const TypeRegistry* types,
                                            bool evaluationForm);
[[nodiscard]] std::string renderEvaluationApplication(const School& school, const Date& today,
                                                      const TypeRegistry* types = nullptr);
[[nodiscard]] std::string renderAccountApplication(const School& school, std::string_view keyId,
                                                   const TypeRegistry* types = nullptr);

// When 附件1 is next accepted, for people: "2027年4月受理", "本月受理（2027年10月）".
[[nodiscard]] std::string evaluationWindowText(const ApplicationWindow& window);

// Escapes &, <, >, " and ' for HTML text and attribute values.
[[nodiscard]] std::string htmlEscape(std::string_view s);

}  // namespace zzjb
