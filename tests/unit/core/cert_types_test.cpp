// Core with certification types from plugins, in memory: the registry, the type's section check,
// its eligibility rules, and a plugin that fails, all without loading any library.
#include <gtest/gtest.h>

#include <algorithm>

#include "fake_types.hpp"
#include "zzjb/core/eligibility.hpp"
#include "zzjb/core/identifiers.hpp"

namespace zzjb {
namespace {

const Date kToday{2026, 11, 27};  // graduation year 2027

std::string validId(int seq) {
  std::string seq3 = std::to_string(100 + seq * 2 + 1);  // odd: male
  std::string first17 = "310104" + std::string("20080512") + seq3;
  return first17 + residentIdCheckChar(first17).value();
}

Catalog catalog() {
  Catalog c;
  c.items.push_back({{"汽车服务公司", "91310115MA1K9Q7D84"},
                     OrgType::Employer,
                     {{"4-12-01-01", "汽车维修工", {3, 4}}}});
  return c;
}

School school(const std::string& type, std::vector<plugin::Setting> options) {
  School s;
  s.id = "s1";
  s.name = "示范学院";
  s.creditCode = "12310104MB2F000081";
  s.level = SchoolLevel::Higher;
  s.jsonPath = "$.schools[0]";
  Target t;
  t.type = type;
  t.occupationCode = "4-12-01-01";
  t.occupationName = "汽车维修工";
  t.level = 3;
  if (type != "qualification") t.evaluationOrg = EvaluationOrg{"汽车服务公司", "91310115MA1K9Q7D84"};
  t.evaluation = {EvaluationStatus::Approved, "意见1号", Date{2026, 5, 12}};
  t.options = std::move(options);
  t.jsonPath = "$.schools[0].majors[0].targets[0]";
  s.majors.push_back({"汽车检测与维修技术", "", {t}, "$.schools[0].majors[0]"});
  return s;
}

// Two students of the major: one placed at the employer, one elsewhere.
RosterTable roster() {
  RosterTable t;
  t.file = "roster.csv";
  t.header = {"姓名", "证件类型", "证件号码", "性别", "手机号码", "专业", "班级", "毕业年份", "实习单位"};
  std::vector<std::vector<std::string>> rows = {
      {"张三", "居民身份证", validId(1), "男", "13812345678", "汽车检测与维修技术", "汽修1班", "2027",
       "汽车服务公司"},
      {"李四", "居民身份证", validId(2), "男", "13812345679", "汽车检测与维修技术", "汽修1班", "2027",
       "别的公司"}};
  std::size_t line = 2;
  for (const auto& r : rows) {
    RosterRecord rec;
    rec.line = line++;
    for (const auto& c : r) rec.cells.push_back({c, CellKind::Text, ""});
    t.records.push_back(rec);
  }
  return t;
}

SchoolResult evaluate(const School& s, const TypeRegistry* types = &test::fakeTypes()) {
  static const Catalog cat = catalog();
  std::vector<RosterInput> in;
  in.push_back({"roster.csv", roster()});
  return evaluateSchool(s, in, {kToday, &cat, types});
}

const Finding* findCode(const SchoolResult& r, const std::string& code) {
  auto it = std::find_if(r.findings.begin(), r.findings.end(),
                         [&](const Finding& f) { return f.code == code; });
  return it == r.findings.end() ? nullptr : &*it;
}

plugin::Setting text(std::string key, std::string value, std::string path) {
  return {std::move(key), std::move(value), plugin::Setting::Kind::Text, std::move(path)};
}

TEST(TypeRegistry, KeepsTheFirstOfTwoTypesWithTheSameIdAndNamesIt) {
  plugin::Guarded<test::FakeEmployer> a;
  plugin::Guarded<test::FakeEmployer> b;
  TypeRegistry r;
  EXPECT_FALSE(r.add(a, a.info().value, "a.so").has_value());
  auto first = r.add(b, b.info().value, "b.so");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, "a.so");
  EXPECT_EQ(r.find("employer")->impl, &a);
  EXPECT_EQ(r.find("employer")->orgType(), OrgType::Employer);
  EXPECT_EQ(r.ids(), "employer");
}

TEST(PluginEligibility, TypeRuleExcludesAStudentWithThePluginsReason) {
  auto r = evaluate(school("employer", {text("agreementNo", "协议1号", "$.x.options.agreementNo")}));
  ASSERT_EQ(r.targets.size(), 1U);
  const auto& t = r.targets[0];
  ASSERT_EQ(t.eligible.size(), 1U);
  EXPECT_EQ(r.students[t.eligible[0]].name, "张三");
  ASSERT_EQ(t.excluded.size(), 1U);
  EXPECT_EQ(t.excluded[0].reason, Exclusion::TypeRule);
  EXPECT_EQ(t.excluded[0].code(), "NOT_AT_EMPLOYER");
  EXPECT_EQ(t.excluded[0].text(), "实习单位不是该用人单位");
  const Finding* f = findCode(r, "NOT_AT_EMPLOYER");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->where.line, 3U);
  EXPECT_EQ(f->severity, Severity::Warning);
}

TEST(PluginEligibility, SectionErrorsAreConfigFindingsAtTheirJsonPath) {
  auto r = evaluate(school("employer", {}));
  const Finding* f = findCode(r, "AGREEMENT_NO_MISSING");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->kind, FindingKind::Config);
  EXPECT_EQ(f->where.jsonPath, "$.schools[0].majors[0].targets[0].options.agreementNo");
  EXPECT_TRUE(r.targets[0].eligible.empty());
  EXPECT_EQ(r.targets[0].excluded[0].reason, Exclusion::TargetInvalid);
}

TEST(PluginEligibility, SchoolSectionIsMergedAndTargetOptionsOverride) {
  School s = school("employer", {text("agreementNo", "target", "$.t.options.agreementNo")});
  s.pluginSections["employer"] = {text("agreementNo", "school", "$.s.plugins.employer.agreementNo"),
                                  text("other", "x", "$.s.plugins.employer.other")};
  plugin::Section sec = sectionFor(s, s.majors[0].targets[0]);
  EXPECT_EQ(sec.text("agreementNo"), "target");
  EXPECT_EQ(sec.text("other"), "x");
  EXPECT_EQ(sec.jsonPath, "$.schools[0].majors[0].targets[0].options");
  School schoolOnly = school("employer", {});
  schoolOnly.pluginSections["employer"] = {text("agreementNo", "school", "$.s")};
  auto merged = evaluate(schoolOnly);
  EXPECT_EQ(findCode(merged, "AGREEMENT_NO_MISSING"), nullptr);
}

TEST(PluginEligibility, ASchoolSectionForATypeWithoutPluginIsReported) {
  School s = school("employer", {text("agreementNo", "1", "$.t.options.agreementNo")});
  s.pluginSections["apprentice"] = {text("x", "1", "$.schools[0].plugins.apprentice.x")};
  auto r = evaluate(s);
  const Finding* f = findCode(r, "PLUGIN_SECTION_UNUSED");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->where.jsonPath, "$.schools[0].plugins.apprentice");
  EXPECT_EQ(f->severity, Severity::Warning);
}

TEST(PluginEligibility, UnknownTypeIsAConfigErrorNamingTheLoadedTypes) {
  auto r = evaluate(school("apprenticeship", {}));
  const Finding* f = findCode(r, "TARGET_TYPE");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->kind, FindingKind::Config);
  EXPECT_NE(f->message.find("employer, qualification, social-org, special-ability, throwing"), std::string::npos)
      << f->message;
  auto none = evaluate(school("employer", {}), nullptr);
  const Finding* g = findCode(none, "TARGET_TYPE");
  ASSERT_NE(g, nullptr);
  EXPECT_NE(g->message.find("一个插件也没有加载"), std::string::npos) << g->message;
  EXPECT_NE(g->hint.find("zzjb plugins"), std::string::npos);
}

TEST(PluginEligibility, AThrowingPluginIsContainedAndReportedOnce) {
  auto r = evaluate(school("throwing", {}));
  const Finding* f = findCode(r, "PLUGIN_FAILED");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->message.find("rules exploded"), std::string::npos);
  EXPECT_EQ(std::count_if(r.findings.begin(), r.findings.end(),
                          [](const Finding& x) { return x.code == "PLUGIN_FAILED"; }),
            1);
  EXPECT_TRUE(r.targets[0].eligible.empty());
}

TEST(PluginEligibility, PermissionGrantedByTheCentreSaysWhatToAskFor) {
  auto r = evaluate(school("qualification", {}));
  const Finding* f = findCode(r, "PERMISSION_BY_CENTRE");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::Info);
  EXPECT_EQ(f->hint, "请市职鉴中心开通权限");
  EXPECT_EQ(r.targets[0].eligible.size(), 2U);  // no placement rule for 职业资格鉴定
}

TEST(PluginEligibility, OrgOfTheWrongKindNamesTheTypeThatFits) {
  auto r = evaluate(school("social-org", {}));  // the catalog has the org as an EMPLOYER
  const Finding* f = findCode(r, "ORG_TYPE_MISMATCH");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->hint.find("“employer”"), std::string::npos) << f->hint;
}


// ---- a target in its type's shape (plugin ABI 2) ------------------------------------------------

namespace shape {

// A school whose one major has a special-ability target as given, and two students: one who chose
// 网店运营, one who chose another ability.
School abilitySchool(Target t) {
  School s = school("special-ability", {});
  t.type = "special-ability";
  t.jsonPath = "$.schools[0].majors[0].targets[0]";
  s.majors[0].targets = {t};
  return s;
}

RosterTable abilityRoster() {
  RosterTable t = roster();
  t.header.push_back("专项能力");
  t.records[0].cells.push_back({"网店运营", CellKind::Text, ""});
  t.records[1].cells.push_back({"短视频制作", CellKind::Text, ""});
  return t;
}

SchoolResult evaluateAbility(const School& s) {
  static const Catalog cat = catalog();
  std::vector<RosterInput> in;
  in.push_back({"roster.csv", abilityRoster()});
  return evaluateSchool(s, in, {kToday, &cat, &test::fakeTypes()});
}

Target ability() {
  Target t;
  t.abilityCode = "ZX-0301";
  t.abilityName = "网店运营";
  return t;
}

std::vector<std::string> errorsAt(const SchoolResult& r, const std::string& code) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) {
    if (f.code == code && f.severity == Severity::Error) out.push_back(f.where.jsonPath);
  }
  return out;
}

}  // namespace shape

TEST(TargetShape, AnAbilityTargetNeedsNoOccupationNoLevelAndNoEvaluation) {
  // No occupation, no level, no 专业评估 given: in a 高职 school as in a 中职 one.
  for (SchoolLevel level : {SchoolLevel::Higher, SchoolLevel::Secondary}) {
    School s = shape::abilitySchool(shape::ability());
    s.level = level;
    SchoolResult r = shape::evaluateAbility(s);
    for (const auto& f : r.findings) {
      EXPECT_NE(f.severity, Severity::Error) << f.code << " " << f.message;
      EXPECT_NE(f.code, "EVALUATION_PENDING") << "an ability waits for no 专业评估";
    }
    ASSERT_EQ(r.targets.size(), 1U);
    EXPECT_FALSE(r.targets[0].evaluationNeeded);
    EXPECT_EQ(r.targets[0].eligible, std::vector<std::size_t>{0});
  }
}

TEST(TargetShape, AStudentWhoChoseAnotherAbilityIsExpectedNotAProblem) {
  SchoolResult r = shape::evaluateAbility(shape::abilitySchool(shape::ability()));
  ASSERT_EQ(r.targets.size(), 1U);
  ASSERT_EQ(r.targets[0].excluded.size(), 1U);
  const ExcludedStudent& x = r.targets[0].excluded[0];
  EXPECT_TRUE(x.expected);
  EXPECT_EQ(x.code(), "OTHER_ABILITY");
  EXPECT_EQ(findCode(r, "OTHER_ABILITY"), nullptr) << "no finding to fix";
  auto reasons = r.targets[0].excludedByReason();
  ASSERT_EQ(reasons.size(), 1U);
  EXPECT_TRUE(reasons[0].expected);
  EXPECT_FALSE(reasons[0].waiting);
}

TEST(TargetShape, AnAbilityTargetRefusesAnOccupationAndALevelAndNeedsItsCodeAndName) {
  Target t;
  t.occupationCode = "4-01-02-02";
  t.occupationName = "网店运营";
  t.level = 4;
  SchoolResult r = shape::evaluateAbility(shape::abilitySchool(t));
  const std::string p = "$.schools[0].majors[0].targets[0]";
  EXPECT_EQ(shape::errorsAt(r, "TARGET_FIELD_NOT_TAKEN"),
            (std::vector<std::string>{p + ".occupationCode", p + ".level"}));
  EXPECT_EQ(shape::errorsAt(r, "TARGET_FIELD_MISSING"),
            (std::vector<std::string>{p + ".abilityCode", p + ".abilityName"}));
  ASSERT_EQ(r.targets.size(), 1U);
  EXPECT_TRUE(r.targets[0].eligible.empty()) << "a target with errors declares nobody";

  Target bad = shape::ability();
  bad.abilityCode = "ZX 03/01";
  r = shape::evaluateAbility(shape::abilitySchool(bad));
  EXPECT_EQ(shape::errorsAt(r, "ABILITY_CODE"), std::vector<std::string>{p + ".abilityCode"});
}

TEST(TargetShape, AnOccupationTargetRefusesAnAbilityAndNeedsItsLevel) {
  School s = school("social-org", {});
  Target& t = s.majors[0].targets[0];
  t.type = "social-org";
  t.level = 0;
  t.abilityCode = "ZX-0301";
  SchoolResult r = evaluate(s);
  const std::string p = "$.schools[0].majors[0].targets[0]";
  EXPECT_EQ(shape::errorsAt(r, "TARGET_FIELD_NOT_TAKEN"), std::vector<std::string>{p + ".abilityCode"});
  EXPECT_EQ(shape::errorsAt(r, "TARGET_FIELD_MISSING"), std::vector<std::string>{p + ".level"});
}

TEST(TargetShape, AKeyTheTypeDoesNotDeclareIsAnUnknownKeyWarningAtItsPath) {
  Target t = shape::ability();
  t.fields.push_back({"occuptionCode", "4-01-02-02", plugin::Setting::Kind::Text,
                      "$.schools[0].majors[0].targets[0].occuptionCode"});
  SchoolResult r = shape::evaluateAbility(shape::abilitySchool(t));
  const Finding* f = findCode(r, "CONFIG_UNKNOWN_KEY");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::Warning);
  EXPECT_EQ(f->where.jsonPath, "$.schools[0].majors[0].targets[0].occuptionCode");
}

TEST(TargetShape, TheSameAbilityTwiceInAMajorIsRepeatedButAnAbilityBesideAnOccupationIsNot) {
  School s = school("social-org", {});
  Target a = shape::ability();
  a.type = "special-ability";
  a.jsonPath = "$.schools[0].majors[0].targets[1]";
  s.majors[0].targets.push_back(a);
  EXPECT_EQ(findCode(evaluate(s), "TARGET_REPEATED"), nullptr);
  a.jsonPath = "$.schools[0].majors[0].targets[2]";
  s.majors[0].targets.push_back(a);
  EXPECT_NE(findCode(evaluate(s), "TARGET_REPEATED"), nullptr);
}

}  // namespace
}  // namespace zzjb
