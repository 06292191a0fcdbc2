// Tests the example policy in-process, through the same trampoline zzjb calls (no library to
// load): a valid and an invalid section, in both languages, and the eligibility rule.
#include <cstdio>

#include "example_type.hpp"

namespace {

int failures = 0;

void expect(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "FAILED: %s\n", what);
  ++failures;
}

}  // namespace

int main() {
  using namespace zzjb::plugin;
  Guarded<example::ExamplePolicy> type;
  expect(type.init().ok(), "init succeeds");
  expect(type.info().value.id == "example", "type id");

  Section good{"$.t.options", {{"requiredColumn", "实习单位", Setting::Kind::Text,
                                "$.t.options.requiredColumn"}}};
  Section bad{"$.t.options", {}};
  TargetView target{"example", "4-04-05-01", "计算机程序设计员", 4, "某评价中心", "", "$.t"};
  expect(type.checkSection(good, target).value.empty(), "a valid section has no issues");
  auto issues = type.checkSection(bad, target).value;
  expect(issues.size() == 1 && issues[0].jsonPath == "$.t.options.requiredColumn",
         "an invalid section names the missing key's path");

  // zzjb gives the plugin its language before init() (Chinese unless asked otherwise); tr()
  // answers in it.
  expect(issues.size() == 1 && issues[0].message == "示例类型需要 options.requiredColumn",
         "Chinese by default");
  setLanguage("en");
  auto english = type.checkSection(bad, target).value;
  expect(english.size() == 1 &&
             english[0].message == "the example type needs options.requiredColumn",
         "English when zzjb asks for it");
  setLanguage("zh-CN");

  StudentView placed{"张伟", "软件技术", "软件2401", "2027", {{"实习单位", "某公司"}}};
  StudentView notPlaced{"王强", "软件技术", "软件2401", "2027", {}};
  expect(type.eligibility(placed, target, good).value.eligible, "a student with a value qualifies");
  auto no = type.eligibility(notPlaced, target, good).value;
  expect(!no.eligible && no.code == "COLUMN_EMPTY", "a student without a value is excluded");
  return failures == 0 ? 0 : 1;
}
