// Tests the example policy in-process, through the same trampoline zzjb calls (no library to
// load): what the type declares (its options and example), a valid and an invalid section, in
// both languages, and the eligibility rule with its verdict's kind.
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
  const TypeInfo info = type.info().value;
  expect(info.id == "example", "type id");
  expect(info.options.size() == 1 && info.options[0].name == "requiredColumn" &&
             info.options[0].required,
         "its one option is declared, required");
  expect(info.example.target.find("\"type\": \"example\"") != std::string::npos,
         "the example target is of the type");

  Section good{"$.t.options", {{"requiredColumn", "实习单位", Setting::Kind::Text,
                                "$.t.options.requiredColumn"}}};
  Section bad{"$.t.options", {}};
  TargetView target;
  target.type = "example";
  target.occupationCode = "4-04-05-01";
  target.occupationName = "计算机程序设计员";
  target.level = 4;
  target.orgName = "某评价中心";
  target.jsonPath = "$.t";
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

  StudentView placed;
  placed.name = "张伟";
  placed.columns = {{"实习单位", "某公司"}};
  StudentView notPlaced;
  notPlaced.name = "王强";
  expect(type.eligibility(placed, target, good).value.eligible(),
         "a student with a value qualifies");
  auto no = type.eligibility(notPlaced, target, good).value;
  expect(no.kind == Verdict::Kind::Problem && no.code == "COLUMN_EMPTY",
         "a student without a value is a problem to fix");
  // The example's student qualifies for the example's target.
  StudentView example;
  example.name = "李明";
  example.columns = info.example.eligibleColumns;
  expect(type.eligibility(example, target, good).value.eligible(),
         "the example's student qualifies");
  return failures == 0 ? 0 : 1;
}
