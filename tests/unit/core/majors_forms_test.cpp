// Majors as people write them (majorKey, nearestMajors, and evaluateSchool matching a roster's 专业
// with the configuration's), the school findings the notices ask for (no CA key, no 人才培养方案),
// and what the forms list (planForms): the same rules as check, each form what it is for now.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "fake_types.hpp"
#include "zzjb/core/eligibility.hpp"
#include "zzjb/core/forms.hpp"
#include "zzjb/core/identifiers.hpp"
#include "zzjb/core/majors.hpp"

namespace zzjb {
namespace {

const Date kNov27{2026, 11, 27};  // graduation year 2027

TEST(MajorKey, ReadsFullWidthSpacesATrailing专业AndA学制AsTheSameMajor) {
  EXPECT_EQ(majorKey("计算机应用"), "计算机应用");
  EXPECT_EQ(majorKey("计算机应用专业"), "计算机应用");
  EXPECT_EQ(majorKey("计算机应用（三年制）"), "计算机应用");
  EXPECT_EQ(majorKey("计算机应用(3年制)"), "计算机应用");
  EXPECT_EQ(majorKey("计算机应用专业（五年一贯制）"), "计算机应用");
  EXPECT_EQ(majorKey("计算机应用　专业 (中高职贯通)"), "计算机应用");
  EXPECT_EQ(majorKey(" 计算机 应用 "), "计算机应用");
  EXPECT_EQ(majorKey("ＵＩ设计"), majorKey("ui设计"));
  // Brackets that are not a 学制 belong to the name; "专业" alone is a name too.
  EXPECT_EQ(majorKey("会计(会计电算化方向)"), "会计(会计电算化方向)");
  EXPECT_EQ(majorKey("专业"), "专业");
  EXPECT_NE(majorKey("计算机应用技术"), majorKey("计算机应用"));
}

TEST(NearestMajors, SuggestsTheConfiguredNameOfATypoAndNothingForADifferentMajor) {
  const std::vector<std::string> configured{"计算机应用", "电子商务", "会计", "汽车运用与维修"};
  EXPECT_EQ(nearestMajors("计箅机应用", configured), std::vector<std::string>{"计算机应用"});
  EXPECT_EQ(nearestMajors("汽车运用与维修技术", configured),
            std::vector<std::string>{"汽车运用与维修"});
  // Two characters, one different: another major, not a typo.
  EXPECT_TRUE(nearestMajors("统计", configured).empty());
  EXPECT_TRUE(nearestMajors("中餐烹饪", configured).empty());
  EXPECT_TRUE(nearestMajors("", configured).empty());
}

Target occupationTarget(int level, EvaluationStatus status, std::string path,
                        std::string org = "52310000MJ1A2B3C9Q") {
  Target t;
  t.type = "social-org";
  t.occupationCode = "4-04-05-01";
  t.occupationName = "计算机程序设计员";
  t.level = level;
  t.evaluationOrg = EvaluationOrg{"信息评价中心", std::move(org)};
  t.evaluation = {status, status == EvaluationStatus::Approved ? "意见〔2026〕1号" : "",
                  status == EvaluationStatus::Approved ? std::optional<Date>(Date{2026, 5, 12})
                                                       : std::nullopt};
  t.jsonPath = std::move(path);
  return t;
}

Catalog catalog() {
  Catalog c;
  c.version = "t";
  c.items.push_back({{"信息评价中心", "52310000MJ1A2B3C9Q"},
                     OrgType::SocialOrg,
                     {{"4-04-05-01", "计算机程序设计员", {3, 4, 5}}}});
  return c;
}

School school() {
  School s;
  s.id = "s1";
  s.name = "示范学校";
  s.creditCode = "12310104MB2F000081";
  s.level = SchoolLevel::Secondary;
  s.legalRepresentative = "王建国";
  s.district = "徐汇区";
  s.address = "示范路1号";
  s.leader = {"李明华", "13812340001"};
  s.contact = {"陈晓燕", "13912340002"};
  s.platformOperator = {"周志强", "310104198503121235"};
  s.identity.key = "file:keys/s1.key";
  s.jsonPath = "$.schools[0]";
  Major m;
  m.name = "计算机应用";
  m.trainingPlan = "plans/计算机应用.pdf";
  m.jsonPath = "$.schools[0].majors[0]";
  m.targets.push_back(occupationTarget(4, EvaluationStatus::Approved, m.jsonPath + ".targets[0]"));
  s.majors.push_back(m);
  return s;
}

std::string idNumber(int seq) {
  std::string seq3 = std::to_string(100 + seq);
  std::string first17 = "310104" + std::string("20070512") + seq3;
  return first17 + residentIdCheckChar(first17).value();
}

SchoolResult evaluate(const School& s, const std::vector<std::string>& majors) {
  RosterTable t;
  t.file = "roster.csv";
  t.encoding = "UTF-8";
  t.header = {"姓名", "证件类型", "证件号码", "性别", "手机号码", "专业", "班级", "毕业年份"};
  std::size_t line = 2;
  int seq = 1;
  for (const std::string& major : majors) {
    RosterRecord rec;
    rec.line = line++;
    const std::string id = idNumber(seq);
    seq += 2;  // odd sequence: male
    for (const std::string& c :
         {std::string("学生") + std::to_string(seq), std::string("居民身份证"), id,
          std::string("男"), std::string("13812345678"), major, std::string("2401班"),
          std::string("2027")}) {
      rec.cells.push_back({c, CellKind::Text, ""});
    }
    t.records.push_back(rec);
  }
  Catalog cat = catalog();
  std::vector<RosterInput> in;
  in.push_back({t.file, std::move(t)});
  return evaluateSchool(s, in, {kNov27, &cat, &test::fakeTypes()});
}

std::vector<const Finding*> withCode(const SchoolResult& r, const std::string& code) {
  std::vector<const Finding*> out;
  for (const Finding& f : r.findings) {
    if (f.code == code) out.push_back(&f);
  }
  return out;
}

TEST(RosterMajors, AMajorWrittenWith专业OrA学制IsTheConfiguredMajorWithANote) {
  const SchoolResult r =
      evaluate(school(), {"计算机应用专业", "计算机应用（三年制）", "计算机应用（三年制）", "计算机应用"});
  ASSERT_EQ(r.targets.size(), 1U);
  EXPECT_EQ(r.targets[0].eligible.size(), 4U) << "every student of the major is declared";
  EXPECT_TRUE(r.unconfiguredMajors.empty());
  const auto notes = withCode(r, "MAJOR_MATCHED");
  ASSERT_EQ(notes.size(), 2U) << "one note per way of writing it";
  for (const Finding* f : notes) {
    EXPECT_EQ(f->severity, Severity::Info);
    EXPECT_NE(f->message.find("计算机应用"), std::string::npos) << f->message;
  }
  EXPECT_NE(notes[1]->message.find("计算机应用（三年制）"), std::string::npos) << notes[1]->message;
  EXPECT_NE(notes[1]->message.find("2"), std::string::npos) << "its count: " << notes[1]->message;
  // The declaration carries the configured (evaluated) name.
  for (const Student& st : r.students) EXPECT_EQ(st.major, "计算机应用");
}

TEST(RosterMajors, ATypoIsNotMatchedButSuggestedAsAWarning) {
  const SchoolResult r = evaluate(school(), {"计箅机应用", "计箅机应用", "中餐烹饪"});
  EXPECT_TRUE(r.targets[0].eligible.empty());
  const auto lost = withCode(r, "MAJOR_NOT_CONFIGURED");
  ASSERT_EQ(lost.size(), 2U);
  const Finding* typo = nullptr;
  const Finding* other = nullptr;
  for (const Finding* f : lost) {
    (f->message.find("计箅机应用") != std::string::npos ? typo : other) = f;
  }
  ASSERT_NE(typo, nullptr);
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(typo->severity, Severity::Warning);
  EXPECT_NE(typo->message.find("“计算机应用”"), std::string::npos) << typo->message;
  EXPECT_EQ(other->severity, Severity::Info) << "a major nobody configured: nothing to suggest";
  EXPECT_EQ(other->message.find("计算机应用"), std::string::npos) << other->message;
}

TEST(SchoolFindings, NoCaKeySaysWhereToGetOneAndNoTrainingPlanSaysWhat附件1Needs) {
  School s = school();
  s.identity.key.clear();
  s.majors[0].trainingPlan.clear();
  s.majors[0].targets[0].evaluation = {EvaluationStatus::NotApplied, "", std::nullopt};
  const SchoolResult r = evaluate(s, {});
  const auto key = withCode(r, "KEY_NOT_CONFIGURED");
  ASSERT_EQ(key.size(), 1U);
  EXPECT_NE(key[0]->hint.find("962600"), std::string::npos) << key[0]->hint;
  EXPECT_NE(key[0]->hint.find("上海市数字证书认证中心"), std::string::npos) << key[0]->hint;
  const auto plan = withCode(r, "TRAINING_PLAN_NOT_CONFIGURED");
  ASSERT_EQ(plan.size(), 1U);
  EXPECT_EQ(plan[0]->where.jsonPath, "$.schools[0].majors[0].trainingPlan");
  EXPECT_NE(plan[0]->message.find("人才培养方案"), std::string::npos);

  // An approved major needs no 附件1, so no plan; a configured key, no finding.
  const SchoolResult fine = evaluate(school(), {});
  EXPECT_TRUE(withCode(fine, "KEY_NOT_CONFIGURED").empty());
  School approved = school();
  approved.majors[0].trainingPlan.clear();
  EXPECT_TRUE(withCode(evaluate(approved, {}), "TRAINING_PLAN_NOT_CONFIGURED").empty());
}

// A school with one target of each case the forms must tell apart.
School formsSchool() {
  School s = school();
  const std::string p = "$.schools[0].majors[0].targets";
  auto& targets = s.majors[0].targets;
  targets.clear();
  targets.push_back(occupationTarget(4, EvaluationStatus::Approved, p + "[0]"));
  targets.push_back(occupationTarget(4, EvaluationStatus::NotApplied, p + "[1]"));
  targets.back().occupationName = "未申请的职业";
  targets.push_back(occupationTarget(4, EvaluationStatus::Submitted, p + "[2]"));
  targets.back().occupationName = "评估中的职业";
  targets.push_back(occupationTarget(4, EvaluationStatus::Rejected, p + "[3]"));
  targets.back().occupationName = "未通过的职业";
  targets.push_back(occupationTarget(3, EvaluationStatus::Approved, p + "[4]"));  // 中职 at 三级
  targets.back().occupationName = "三级的职业";
  targets.push_back(
      occupationTarget(4, EvaluationStatus::NotApplied, p + "[5]", "91310115MA1K9Q7D84"));
  targets.back().occupationName = "未登记机构的职业";
  return s;
}

std::vector<std::string> names(const std::vector<FormRow>& rows) {
  std::vector<std::string> out;
  for (const FormRow& r : rows) out.push_back(r.target->occupationName);
  return out;
}

const LeftOff* leftOff(const std::vector<LeftOff>& v, const std::string& occupation) {
  auto it = std::find_if(v.begin(), v.end(),
                         [&](const LeftOff& l) { return l.target->occupationName == occupation; });
  return it == v.end() ? nullptr : &*it;
}

TEST(FormPlan, TargetsBreakingARuleAreLeftOffBothFormsWithTheirFinding) {
  const School s = formsSchool();
  const SchoolResult checked = evaluate(s, {});
  const FormPlan plan = planForms(s, checked, &test::fakeTypes());
  EXPECT_TRUE(plan.problems());
  for (const auto* left : {&plan.evaluationLeftOff, &plan.accountLeftOff}) {
    const LeftOff* level = leftOff(*left, "三级的职业");
    ASSERT_NE(level, nullptr);
    EXPECT_TRUE(level->problem);
    EXPECT_EQ(level->code, "LEVEL_NOT_ALLOWED");
    EXPECT_NE(level->reason.find("四级"), std::string::npos) << level->reason;
    const LeftOff* org = leftOff(*left, "未登记机构的职业");
    ASSERT_NE(org, nullptr);
    EXPECT_TRUE(org->problem);
    EXPECT_EQ(org->code, "ORG_NOT_REGISTERED");
  }
  // A rejected 专业评估: to be applied for again on 附件1, no permission to ask for on 附件2.
  const LeftOff* rejected = leftOff(plan.accountLeftOff, "未通过的职业");
  ASSERT_NE(rejected, nullptr);
  EXPECT_TRUE(rejected->problem);
  EXPECT_EQ(rejected->code, "EVALUATION_REJECTED");
  EXPECT_EQ(leftOff(plan.evaluationLeftOff, "未通过的职业"), nullptr);
}

TEST(FormPlan, By_default附件1ListsWhatStillNeedsItsEvaluationAnd附件2WhatCanBeAskedFor) {
  const School s = formsSchool();
  const FormPlan plan = planForms(s, evaluate(s, {}), &test::fakeTypes());
  EXPECT_EQ(names(plan.evaluation), (std::vector<std::string>{"未申请的职业", "未通过的职业"}));
  EXPECT_EQ(names(plan.account), std::vector<std::string>{"计算机程序设计员"});
  const LeftOff* approved = leftOff(plan.evaluationLeftOff, "计算机程序设计员");
  ASSERT_NE(approved, nullptr);
  EXPECT_FALSE(approved->problem);
  EXPECT_EQ(approved->code, "EVALUATION_APPROVED");
  const LeftOff* submitted = leftOff(plan.evaluationLeftOff, "评估中的职业");
  ASSERT_NE(submitted, nullptr);
  EXPECT_EQ(submitted->code, "EVALUATION_SUBMITTED");
  EXPECT_FALSE(submitted->problem);
  const LeftOff* waiting = leftOff(plan.accountLeftOff, "未申请的职业");
  ASSERT_NE(waiting, nullptr);
  EXPECT_EQ(waiting->code, "EVALUATION_NOT_APPROVED");
  EXPECT_FALSE(waiting->problem);
}

TEST(FormPlan, AllListsEveryLawfulTargetAndIncludeInvalidPrintsTheOthersMarked) {
  const School s = formsSchool();
  const SchoolResult checked = evaluate(s, {});
  const FormPlan all = planForms(s, checked, &test::fakeTypes(), {.includeInvalid = false, .all = true});
  EXPECT_EQ(names(all.evaluation), (std::vector<std::string>{"计算机程序设计员", "未申请的职业",
                                                             "评估中的职业", "未通过的职业"}));
  EXPECT_EQ(names(all.account), (std::vector<std::string>{"计算机程序设计员", "未申请的职业",
                                                          "评估中的职业"}));
  const FormPlan marked = planForms(s, checked, &test::fakeTypes(), {.includeInvalid = true, .all = false});
  EXPECT_TRUE(marked.problems());
  auto markOf = [](const std::vector<FormRow>& rows, const std::string& name) {
    for (const FormRow& r : rows) {
      if (r.target->occupationName == name) return r.mark;
    }
    return std::string("(not listed)");
  };
  EXPECT_EQ(markOf(marked.evaluation, "三级的职业"), "LEVEL_NOT_ALLOWED");
  EXPECT_EQ(markOf(marked.account, "未登记机构的职业"), "ORG_NOT_REGISTERED");
  EXPECT_EQ(markOf(marked.account, "未通过的职业"), "EVALUATION_REJECTED");
  EXPECT_EQ(markOf(marked.evaluation, "未申请的职业"), "");
  const std::string html = renderEvaluationApplication(s, kNov27, marked.evaluation);
  EXPECT_NE(html.find("三级的职业<br>【不符合规定，勿递交：LEVEL_NOT_ALLOWED】"), std::string::npos);

  // Nothing wrong: no problem to report.
  const School fine = school();
  EXPECT_FALSE(planForms(fine, evaluate(fine, {}), &test::fakeTypes()).problems());
}

}  // namespace
}  // namespace zzjb
