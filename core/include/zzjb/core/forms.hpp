// The two paper forms of the notices, filled from the configuration as print-ready A4 HTML:
// 附件1 职业技能评价专业评估申请表 and 附件2 团体申报开户申请表（学校）.
// Missing data leaves a field blank; nothing is invented.
#pragma once

#include <string>
#include <string_view>

#include "zzjb/core/date.hpp"
#include "zzjb/core/cert_types.hpp"
#include "zzjb/core/domain.hpp"

namespace zzjb {

// Which targets a form lists: those whose type says so (plugin::FormUse); every target when
// `types` is nullptr or the type is not loaded. An ability's row names the ability and leaves the
// level blank (it has none).
// 附件1: names the receiving office (市教委教研室 for 中职, 市教委职教处 for 高职) and the next
// April/October window counted from `today`; one row per (major, occupation, level).
[[nodiscard]] std::string renderEvaluationApplication(const School& school, const Date& today,
                                                      const TypeRegistry* types = nullptr);

// 附件2: the account application; `keyId` comes from the school's certificate (or the config's
// pinned value) and is blank when neither is there. One row per distinct (occupation, level).
[[nodiscard]] std::string renderAccountApplication(const School& school, std::string_view keyId,
                                                   const TypeRegistry* types = nullptr);

// When 附件1 is next accepted, for people: "2027年4月受理", "本月受理（2027年10月）".
[[nodiscard]] std::string evaluationWindowText(const ApplicationWindow& window);

// Escapes &, <, >, " and ' for HTML text and attribute values.
[[nodiscard]] std::string htmlEscape(std::string_view s);

}  // namespace zzjb
