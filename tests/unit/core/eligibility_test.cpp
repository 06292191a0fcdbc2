// Offline eligibility: who is declared for which target, who is not, and why; with the findings
// that point at the row or the JSON path.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "fake_types.hpp"
#include "zzjb/core/eligibility.hpp"
#include "zzjb/core/identifiers.hpp"

namespace zzjb {
namespace {

const Date kToday{2026, 11, 27};  // graduation year 2027

std::string idFor(const std::string& area, const std::string& birth, int seq, bool male) {
  int s = seq;
  if ((s % 2 == 1) != male) ++s;
  std::string seq3 = std::to_string(s % 1000);
  seq3.insert(0, 3 - seq3.size(), '0');
  std::string first17 = area + birth + seq3;
  return first17 + residentIdCheckChar(first17).value();
}

Catalog catalog() {
  Catalog c;
  c.version = "t";
  c.items.push_back({{"信息评价中心", "52310000MJ1A2B3C9Q"},
                     OrgType::SocialOrg,
                     {{"4-04-05-01", "计算机程序设计员", {3, 4, 5}}}});
  c.items.push_back({{"汽车服务公司", "91310115MA1K9Q7D84"},
                     OrgType::Employer,
                     {{"4-12-01-01", "汽车维修工", {3, 4}}}});
  return c;
}

Target target(const std::string& type, const std::string& code, const std::string& name, int level,
              std::optional<EvaluationOrg> org, const std::string& path) {
  Target t;
  t.type = type;
  t.occupationCode = code;
  t.occupationName = name;
  t.level = level;
  t.evaluationOrg = std::move(org);
  t.evaluation = {EvaluationStatus::Approved, "意见〔2026〕1号", Date{2026, 5, 12}};
  t.jsonPath = path;
  return t;
}

School school(SchoolLevel level) {
  School s;
  s.id = "s1";
  s.name = "示范学校";
  s.creditCode = "12310104MB2F000081";
  s.level = level;
  s.legalRepresentative = "王建国";
  s.district = "徐汇区";
  s.address = "示范路1号";
  s.leader = {"李明华", "13812340001"};
  s.contact = {"陈晓燕", "13912340002"};
  s.platformOperator = {"周志强", "310104198503121235"};
  s.jsonPath = "$.schools[0]";
  Major m;
  m.name = "计算机应用";
  m.jsonPath = "$.schools[0].majors[0]";
  m.targets.push_back(target("social-org", "4-04-05-01", "计算机程序设计员",
                             allowedLevel(level), EvaluationOrg{"信息评价中心", "52310000MJ1A2B3C9Q"},
                             "$.schools[0].majors[0].targets[0]"));
  s.majors.push_back(m);
  return s;
}

RosterTable table(const std::vector<std::vector<std::string>>& rows) {
  RosterTable t;
  t.file = "roster.csv";
  t.encoding = "UTF-8";
  t.header = {"姓名", "证件类型", "证件号码", "性别", "手机号码", "专业", "班级", "毕业年份"};
  std::size_t line = 2;
  for (const auto& r : rows) {
    RosterRecord rec;
    rec.line = line++;
    for (const auto& c : r) rec.cells.push_back({c, CellKind::Text, ""});
    t.records.push_back(rec);
  }
  return t;
}

std::vector<std::string> row(const std::string& name, const std::string& id, const std::string& gender,
                             const std::string& year = "2027", const std::string& major = "计算机应用",
                             const std::string& mobile = "13812345678") {
  return {name, "居民身份证", id, gender, mobile, major, "计算机2401班", year};
}

SchoolResult evaluate(const School& s, RosterTable t) {
  Catalog cat = catalog();
  std::vector<RosterInput> in;
  in.push_back({t.file, std::move(t)});
  return evaluateSchool(s, in, {kToday, &cat, &test::fakeTypes()});
}

const Finding* findCode(const SchoolResult& r, const std::string& code) {
  auto it = std::find_if(r.findings.begin(), r.findings.end(),
                         [&](const Finding& f) { return f.code == code; });
  return it == r.findings.end() ? nullptr : &*it;
}

const std::string kMale = idFor("310104", "20070512", 11, true);
const std::string kFemale = idFor("310104", "20080301", 22, false);

TEST(Eligibility, DeclaresGraduatingStudentsWithValidData) {
  auto r = evaluate(school(SchoolLevel::Secondary),
                    table({row("张三明", kMale, "男"), row("李小红", kFemale, "女")}));
  ASSERT_EQ(r.targets.size(), 1U);
  EXPECT_EQ(r.targets[0].eligible.size(), 2U);
  EXPECT_TRUE(r.targets[0].excluded.empty());
  EXPECT_EQ(std::count_if(r.findings.begin(), r.findings.end(),
                          [](const Finding& f) { return f.severity == Severity::Error; }),
            0);
}

TEST(Eligibility, ExcludesStudentsNotInTheGraduationYearWithoutAnError) {
  auto r = evaluate(school(SchoolLevel::Secondary),
                    table({row("张三明", kMale, "男", "2028"), row("李小红", kFemale, "女")}));
  ASSERT_EQ(r.targets[0].excluded.size(), 1U);
  EXPECT_EQ(r.targets[0].excluded[0].reason, Exclusion::NotGraduating);
  EXPECT_EQ(r.targets[0].eligible.size(), 1U);
  EXPECT_EQ(findCode(r, "GRADUATION_YEAR"), nullptr);
}

TEST(Eligibility, BadCheckDigitIsAnErrorOnItsLineAndTheRestGoThrough) {
  std::string bad = kMale;
  bad.back() = bad.back() == '0' ? '1' : '0';
  auto r = evaluate(school(SchoolLevel::Secondary),
                    table({row("李小红", kFemale, "女"), row("张三明", bad, "男")}));
  const Finding* f = findCode(r, "ID_INVALID");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::Error);
  EXPECT_EQ(f->where.file, "roster.csv");
  EXPECT_EQ(f->where.line, 3U);
  EXPECT_NE(f->message.find("校验位为"), std::string::npos) << f->message;
  EXPECT_EQ(f->message.find(bad), std::string::npos) << "the full number must not appear";
  EXPECT_NE(f->message.find(maskId(bad)), std::string::npos);
  EXPECT_EQ(r.targets[0].eligible.size(), 1U);
  ASSERT_EQ(r.targets[0].excluded.size(), 1U);
  EXPECT_EQ(r.targets[0].excluded[0].reason, Exclusion::InvalidData);
}

TEST(Eligibility, InvalidMobileAndGenderMismatchAreErrors) {
  auto r = evaluate(school(SchoolLevel::Secondary),
                    table({row("张三明", kMale, "男", "2027", "计算机应用", "1234567"),
                           row("李小红", kFemale, "男")}));
  const Finding* m = findCode(r, "MOBILE_INVALID");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->where.line, 2U);
  EXPECT_EQ(m->message.find("1234567"), std::string::npos) << "mobile must be masked";
  const Finding* g = findCode(r, "GENDER_MISMATCH");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->where.line, 3U);
  EXPECT_NE(g->message.find("性别填写为男"), std::string::npos) << g->message;
  EXPECT_NE(g->message.find("对应的是女性"), std::string::npos) << g->message;
  const std::string english = msg::text(msg::Lang::En, "GENDER_MISMATCH.female", g->args);
  EXPECT_NE(english.find("is that of a female student"), std::string::npos)
      << "the English text names the gender in English: " << english;
  EXPECT_EQ(r.targets[0].eligible.size(), 0U);
}

TEST(Eligibility, HigherSchoolTargetAtLevelFourIsRejectedWithItsJsonPath) {
  School s = school(SchoolLevel::Higher);
  s.majors[0].targets[0].level = 4;
  auto r = evaluate(s, table({row("张三明", kMale, "男")}));
  const Finding* f = findCode(r, "LEVEL_NOT_ALLOWED");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->where.jsonPath, "$.schools[0].majors[0].targets[0].level");
  EXPECT_EQ(f->kind, FindingKind::Data);
  ASSERT_EQ(r.targets[0].excluded.size(), 1U);
  EXPECT_EQ(r.targets[0].excluded[0].reason, Exclusion::LevelNotAllowed);
}

TEST(Eligibility, OrganisationMustBeRegisteredForOccupationLevelAndType) {
  School s = school(SchoolLevel::Secondary);
  s.majors[0].targets[0].evaluationOrg = EvaluationOrg{"汽车服务公司", "91310115MA1K9Q7D84"};
  auto r = evaluate(s, table({row("张三明", kMale, "男")}));
  ASSERT_NE(findCode(r, "ORG_TYPE_MISMATCH"), nullptr);
  EXPECT_EQ(r.targets[0].excluded[0].reason, Exclusion::OrgNotRegistered);

  School s2 = school(SchoolLevel::Higher);
  s2.majors[0].targets[0].occupationCode = "4-04-05-02";
  auto r2 = evaluate(s2, table({row("张三明", kMale, "男")}));
  const Finding* f = findCode(r2, "ORG_NOT_REGISTERED");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->where.jsonPath, "$.schools[0].majors[0].targets[0].evaluationOrg");

  School s3 = school(SchoolLevel::Secondary);
  s3.majors[0].targets[0].evaluationOrg = EvaluationOrg{"未知机构", "91350100M000100Y43"};
  auto r3 = evaluate(s3, table({row("张三明", kMale, "男")}));
  EXPECT_NE(findCode(r3, "ORG_NOT_REGISTERED"), nullptr);
}

TEST(Eligibility, EvaluationNotApprovedExcludesWithANoteNotAnError) {
  School s = school(SchoolLevel::Secondary);
  s.majors[0].targets[0].evaluation = {EvaluationStatus::Submitted, "", std::nullopt};
  auto r = evaluate(s, table({row("张三明", kMale, "男")}));
  const Finding* f = findCode(r, "EVALUATION_PENDING");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::Info);
  EXPECT_EQ(r.targets[0].excluded[0].reason, Exclusion::EvaluationNotApproved);
}

// A SUBMITTED evaluation is with the experts: 已提交（评估中） and wait, never 未通过 and resubmit.
TEST(Eligibility, ASubmittedEvaluationIsWordedAsWaitingForTheExperts) {
  School s = school(SchoolLevel::Secondary);
  s.majors[0].targets[0].evaluation = {EvaluationStatus::Submitted, "", std::nullopt};
  auto r = evaluate(s, table({row("张三明", kMale, "男")}));
  const Finding* f = findCode(r, "EVALUATION_PENDING");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->message.find("已提交（评估中）"), std::string::npos) << f->message;
  EXPECT_EQ(f->hint, evaluationAdvice(EvaluationStatus::Submitted));
  EXPECT_NE(f->hint.find("等待专家评估"), std::string::npos) << f->hint;
  EXPECT_EQ(f->message.find("未通过"), std::string::npos) << f->message;
  ASSERT_EQ(r.targets[0].excluded.size(), 1U);
  const ExcludedStudent& x = r.targets[0].excluded[0];
  EXPECT_EQ(x.code(), "EVALUATION_NOT_APPROVED");
  EXPECT_EQ(x.text(), "专业评估已提交（评估中）");
  EXPECT_EQ(exclusionAdvice(x.reason, x.evaluation), evaluationAdvice(EvaluationStatus::Submitted));
  auto reasons = r.targets[0].excludedByReason();
  ASSERT_EQ(reasons.size(), 1U);
  EXPECT_EQ(reasons[0].text, "专业评估已提交（评估中）");
}

TEST(Eligibility, ARejectedEvaluationIsWordedAsRejectedWithTheResubmitAdvice) {
  School s = school(SchoolLevel::Secondary);
  s.majors[0].targets[0].evaluation = {EvaluationStatus::Rejected, "", std::nullopt};
  auto r = evaluate(s, table({row("张三明", kMale, "男")}));
  const Finding* f = findCode(r, "EVALUATION_REJECTED");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->message.find("未通过"), std::string::npos) << f->message;
  EXPECT_NE(f->hint.find(evaluationAdvice(EvaluationStatus::Rejected)), std::string::npos)
      << f->hint;
  ASSERT_EQ(r.targets[0].excluded.size(), 1U);
  EXPECT_EQ(r.targets[0].excluded[0].text(), "专业评估未通过");

  s.majors[0].targets[0].evaluation = {EvaluationStatus::NotApplied, "", std::nullopt};
  auto r2 = evaluate(s, table({row("张三明", kMale, "男")}));
  ASSERT_EQ(r2.targets[0].excluded.size(), 1U);
  EXPECT_EQ(r2.targets[0].excluded[0].text(), "专业评估未申请");
  EXPECT_EQ(exclusionReason(Exclusion::EvaluationNotApproved, EvaluationStatus::NotApplied),
            "专业评估未申请");
}

TEST(Eligibility, ExclusionReasonsSpeakEnglishWhenAsked) {
  EXPECT_EQ(exclusionMessage(Exclusion::EvaluationNotApproved, EvaluationStatus::Submitted)
                .str(msg::Lang::En),
            "the major's evaluation (专业评估) is submitted (under evaluation)");
  EXPECT_EQ(exclusionMessage(Exclusion::NotGraduating).str(msg::Lang::En),
            "not in the graduation year (毕业学年)");
  EXPECT_EQ(exclusionMessage(Exclusion::NotGraduating).str(msg::Lang::ZhCN), "不在毕业学年");
}

TEST(Eligibility, SameStudentTwiceIsDeclaredOnce) {
  auto r = evaluate(school(SchoolLevel::Secondary),
                    table({row("张三明", kMale, "男"), row("张三明", kMale, "男")}));
  const Finding* f = findCode(r, "DUPLICATE");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->where.line, 3U);
  EXPECT_NE(f->message.find("roster.csv:2"), std::string::npos);
  EXPECT_EQ(r.targets[0].eligible.size(), 1U);
  EXPECT_EQ(r.targets[0].excluded[0].reason, Exclusion::Duplicate);
}

TEST(Eligibility, SameNumberUnderTwoNamesDeclaresNeither) {
  auto r = evaluate(school(SchoolLevel::Secondary),
                    table({row("张三明", kMale, "男"), row("王五", kMale, "男")}));
  EXPECT_NE(findCode(r, "DUPLICATE_CONFLICT"), nullptr);
  EXPECT_TRUE(r.targets[0].eligible.empty());
  EXPECT_EQ(r.targets[0].excluded.size(), 2U);
}

TEST(Eligibility, MajorsWithoutTargetsAreCountedNotDeclared) {
  auto r = evaluate(school(SchoolLevel::Secondary),
                    table({row("张三明", kMale, "男", "2027", "会计事务")}));
  EXPECT_EQ(r.unconfiguredMajors.at("会计事务"), 1U);
  EXPECT_TRUE(r.targets[0].eligible.empty());
  EXPECT_NE(findCode(r, "MAJOR_NOT_CONFIGURED"), nullptr);
}

TEST(Eligibility, IdStoredAsNumberIsReportedAtItsCell) {
  RosterTable t = table({row("张三明", kMale, "男")});
  t.file = "roster.xlsx";
  t.sheet = "Sheet1";
  t.records[0].cells[2] = {"1.10105194912310E+17", CellKind::Number, "C2"};
  std::vector<Finding> fs;
  auto students = studentsFromTable(t, fs);
  ASSERT_EQ(students.size(), 1U);
  EXPECT_EQ(students[0].idCell, "Sheet1!C2");
  auto r = evaluate(school(SchoolLevel::Secondary), t);
  const Finding* f = findCode(r, "ID_STORED_AS_NUMBER");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->where.cell, "Sheet1!C2");
  EXPECT_EQ(f->where.line, 2U);
  EXPECT_NE(f->message.find("末尾几位已经丢失"), std::string::npos) << f->message;
}

TEST(Students, FindsColumnsByNameInAnyOrderAndByAlias) {
  RosterTable t;
  t.file = "r.csv";
  t.header = {"毕业年份", "身份证号", "姓名", "性别", "证件类型", "手机", "班级", "专业", "实习单位"};
  RosterRecord rec;
  rec.line = 2;
  for (const char* v : {"2027", "", "张三明", "男", "居民身份证", "13812345678", "一班", "计算机应用",
                        "某公司"}) {
    rec.cells.push_back({v, CellKind::Text, ""});
  }
  rec.cells[1].text = kMale;
  t.records.push_back(rec);
  std::vector<Finding> fs;
  auto s = studentsFromTable(t, fs);
  ASSERT_TRUE(fs.empty());
  ASSERT_EQ(s.size(), 1U);
  EXPECT_EQ(s[0].idNumber, kMale);
  EXPECT_EQ(s[0].name, "张三明");
  EXPECT_EQ(s[0].extra.at("实习单位"), "某公司");
}

TEST(Students, MissingColumnsAreOneErrorNamingThem) {
  RosterTable t;
  t.file = "r.csv";
  t.header = {"姓名", "证件号码"};
  std::vector<Finding> fs;
  auto s = studentsFromTable(t, fs);
  EXPECT_TRUE(s.empty());
  ASSERT_EQ(fs.size(), 1U);
  EXPECT_EQ(fs[0].code, "ROSTER_COLUMNS");
  EXPECT_EQ(fs[0].where.line, 1U);
  EXPECT_NE(fs[0].message.find("毕业年份"), std::string::npos);
  EXPECT_EQ(fs[0].message.find("缺少列：姓名"), std::string::npos) << fs[0].message;
}

TEST(SchoolFields, InvalidContactMobileAndCreditCodeHaveJsonPaths) {
  School s = school(SchoolLevel::Secondary);
  s.contact.mobile = "1391234";
  s.creditCode = "12310104MB2F000082";
  std::vector<Finding> fs;
  checkSchoolFields(s, {kToday, nullptr}, fs);
  auto has = [&](const std::string& path) {
    return std::any_of(fs.begin(), fs.end(), [&](const Finding& f) {
      return f.where.jsonPath == path && f.severity == Severity::Error;
    });
  };
  EXPECT_TRUE(has("$.schools[0].contact.mobile"));
  EXPECT_TRUE(has("$.schools[0].creditCode"));
}

}  // namespace
}  // namespace zzjb
