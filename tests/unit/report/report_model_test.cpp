// The report model: the offline evaluation and a real SQLite store (filled through its API) turned
// into per-school, per-target facts, health and reminders.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "report_fixture.hpp"

namespace zzjb::test {
namespace {

const ReportTarget& targetOf(const Report& r, const std::string& key) {
  const auto& ts = r.schools.at(0).targets;
  auto it = std::find_if(ts.begin(), ts.end(), [&](const ReportTarget& t) { return t.key == key; });
  EXPECT_NE(it, ts.end()) << key;
  return *it;
}

std::size_t countReminders(const Report& r, ReminderKind k) {
  return static_cast<std::size_t>(std::count_if(r.reminders.begin(), r.reminders.end(),
                                                [&](const Reminder& m) { return m.kind == k; }));
}

TEST(ReportModel, WithoutStoreSaysNoPassYetAndStillShowsTheEvaluation) {
  ReportWorld w;
  Report r = w.build(kQuietDay, /*withStore=*/false);
  EXPECT_FALSE(r.storeExists);
  ASSERT_EQ(r.schools.size(), 1u);
  const ReportSchool& s = r.schools[0];
  EXPECT_FALSE(s.storeRead);
  EXPECT_FALSE(s.lastPass);
  EXPECT_EQ(s.students, 5u);
  EXPECT_EQ(s.findings.errors, 1u);
  ASSERT_EQ(s.targets.size(), 2u);
  const ReportTarget& t = targetOf(r, w.key(0));
  EXPECT_EQ(t.eligible, 4u);
  EXPECT_EQ(t.notYetDeclared, 4u);
  EXPECT_EQ(t.health, Health::NotStarted);
  EXPECT_EQ(t.permission.state, PermissionState::Unknown);
  ASSERT_EQ(t.excluded.size(), 1u);
  const ReportStudent& x = t.excluded[0];
  EXPECT_EQ(x.maskedId, maskId(w.ids_[4]));
  EXPECT_EQ(x.name, maskName("钱七"));
  EXPECT_EQ(x.where, "rosters/2027.csv:6");
  EXPECT_EQ(x.code, "NOT_GRADUATING");
  EXPECT_EQ(x.reason, "不在毕业学年");
  EXPECT_NE(x.hint.find("2027"), std::string::npos) << x.hint;
  // The school has a data error: someone must act, whatever the store says.
  EXPECT_EQ(s.health, Health::Action);
}

// Issue 13: students of a major whose 专业评估 is 已提交（评估中） wait for the experts; the school has
// nothing to do about them (not 需处理), while a 未通过 evaluation is the school's to resubmit.
TEST(ReportModel, StudentsWaitingForTheExpertsAreWaitingNotAToDoButARejectedEvaluationIs) {
  for (const EvaluationStatus state : {EvaluationStatus::Submitted, EvaluationStatus::Rejected}) {
    ReportWorld w;
    w.result_.findings.clear();  // no data error: only the evaluation decides
    TargetResult& t0 = w.result_.targets[0];
    t0.target.evaluation = {state, "", std::nullopt};
    t0.eligible.clear();
    for (std::size_t i = 0; i < 4; ++i) {
      t0.excluded.push_back({i, Exclusion::EvaluationNotApproved, "", "", "", state});
    }
    w.result_.targets.resize(1);
    const Report r = w.build(kQuietDay, /*withStore=*/true);
    const ReportTarget& t = targetOf(r, w.key(0));
    const ReportSchool& s = r.schools[0];
    if (state == EvaluationStatus::Submitted) {
      EXPECT_EQ(t.health, Health::Waiting) << t.statusText;
      EXPECT_NE(t.statusText.find("4 名学生待专业评估结果（已提交（评估中））"), std::string::npos)
          << t.statusText;
      EXPECT_NE(t.statusText.find(evaluationAdvice(EvaluationStatus::Submitted)), std::string::npos)
          << t.statusText;
      EXPECT_TRUE(s.actions.empty()) << s.actions.front();
      EXPECT_EQ(s.health, Health::Waiting);
    } else {
      EXPECT_EQ(t.health, Health::Action) << t.statusText;
      ASSERT_EQ(s.actions.size(), 1u);
      EXPECT_NE(s.actions[0].find("专业评估未通过 4"), std::string::npos) << s.actions[0];
      EXPECT_EQ(s.health, Health::Action);
    }
  }
}

TEST(ReportModel, InvalidRowCarriesItsFindingAsDetail) {
  ReportWorld w;
  Report r = w.build(kQuietDay, false);
  const ReportTarget& t = targetOf(r, w.key(1));
  auto it = std::find_if(t.excluded.begin(), t.excluded.end(),
                         [](const ReportStudent& s) { return s.code == "INVALID_DATA"; });
  ASSERT_NE(it, t.excluded.end());
  EXPECT_EQ(it->where, "rosters/2027.csv:5");
  EXPECT_EQ(it->detail, "手机号码 is not a mobile number");
  EXPECT_FALSE(it->hint.empty());
}

TEST(ReportModel, CountsDeclaredAcceptedRejectedAndNamesTheRejected) {
  ReportWorld w;
  ASSERT_TRUE(w.store().putAccountStatus("s1", AccountStatus::Active));
  ASSERT_TRUE(w.store().putApplication({"s1", w.key(0), "A1", ApplicationStatus::Approved, "", ""}));
  w.declare({0, 1, 2}, {{w.ids_[0], DeclarationResult::Accepted, "", "D1"},
                        {w.ids_[1], DeclarationResult::Accepted, "", "D2"},
                        {w.ids_[2], DeclarationResult::Rejected, "ID_INVALID", ""}});
  w.pass(SchoolOutcomeKind::Progressed);
  Report r = w.build(kQuietDay);
  const ReportSchool& s = r.schools[0];
  EXPECT_TRUE(s.storeRead);
  EXPECT_EQ(s.account, "ACTIVE");
  EXPECT_EQ(s.accountName, "已开通");
  ASSERT_TRUE(s.lastPass);
  EXPECT_EQ(s.lastPass->outcome, "PROGRESSED");
  EXPECT_EQ(s.openBatches, 0u);
  const ReportTarget& t = targetOf(r, w.key(0));
  EXPECT_EQ(t.permission.state, PermissionState::Granted);
  EXPECT_EQ(t.declared, 3u);
  EXPECT_EQ(t.accepted, 2u);
  EXPECT_EQ(t.rejected, 1u);
  EXPECT_EQ(t.pending, 0u);
  EXPECT_EQ(t.notYetDeclared, 1u);  // student 3 is eligible and not yet sent
  ASSERT_EQ(t.rejectedStudents.size(), 1u);
  const ReportStudent& rej = t.rejectedStudents[0];
  EXPECT_EQ(rej.maskedId, maskId(w.ids_[2]));
  EXPECT_EQ(rej.name, maskName("王五强"));  // found in the roster by the store's student key
  EXPECT_EQ(rej.where, "rosters/2027.csv:4");
  EXPECT_EQ(rej.code, "ID_INVALID");
  EXPECT_EQ(rej.reason, platformReasonText("ID_INVALID").text);
  EXPECT_EQ(rej.hint, platformReasonText("ID_INVALID").hint);
  EXPECT_EQ(t.health, Health::Action);
  EXPECT_NE(t.statusText.find("退回"), std::string::npos) << t.statusText;
}

TEST(ReportModel, DuplicateRejectionsAreListedButNeedNoAction) {
  ReportWorld w;
  ASSERT_TRUE(w.store().putAccountStatus("s1", AccountStatus::Active));
  ASSERT_TRUE(w.store().putApplication({"s1", w.key(0), "A1", ApplicationStatus::Approved, "", ""}));
  // Declared earlier by hand: the platform answers DUPLICATE; the student is declared.
  w.declare({0, 1, 3}, {{w.ids_[0], DeclarationResult::Accepted, "", "D1"},
                        {w.ids_[1], DeclarationResult::Rejected, "DUPLICATE", ""},
                        {w.ids_[3], DeclarationResult::Accepted, "", "D3"}});
  w.pass(SchoolOutcomeKind::Progressed);
  Report r = w.build(kQuietDay);
  const ReportTarget& t = targetOf(r, w.key(0));
  EXPECT_EQ(t.rejected, 1u);
  EXPECT_EQ(t.rejectedToFix, 0u);
  ASSERT_EQ(t.rejectedStudents.size(), 1u);  // still listed, with its reason
  EXPECT_EQ(t.rejectedStudents[0].code, "DUPLICATE");
  EXPECT_EQ(t.statusText.find("退回"), std::string::npos) << t.statusText;
  for (const auto& a : r.schools[0].actions) {
    EXPECT_EQ(a.find("退回"), std::string::npos) << a;
  }
}

TEST(ReportModel, RejectedStudentNoLongerInRosterKeepsMaskedId) {
  ReportWorld w;
  w.declare({0}, {{w.ids_[0], DeclarationResult::Rejected, "DUPLICATE", ""}});
  w.result_.students[0].idNumber = validId("31010120090909999");  // row now holds someone else
  Report r = w.build(kQuietDay);
  const ReportTarget& t = targetOf(r, w.key(0));
  ASSERT_EQ(t.rejectedStudents.size(), 1u);
  EXPECT_EQ(t.rejectedStudents[0].maskedId, maskId(w.ids_[0]));
  EXPECT_TRUE(t.rejectedStudents[0].name.empty());
  EXPECT_TRUE(t.rejectedStudents[0].where.empty());
}

TEST(ReportModel, SentBatchIsWaitingAndEverythingAcceptedIsGood) {
  ReportWorld w;
  ASSERT_TRUE(w.store().putAccountStatus("s1", AccountStatus::Active));
  ASSERT_TRUE(w.store().putApplication({"s1", w.key(0), "A1", ApplicationStatus::Approved, "", ""}));
  w.declare({0, 1, 2, 3}, {});
  w.pass(SchoolOutcomeKind::Waiting);
  Report r = w.build(kQuietDay);
  EXPECT_EQ(r.schools[0].openBatches, 1u);
  const ReportTarget& waiting = targetOf(r, w.key(0));
  EXPECT_EQ(waiting.pending, 4u);
  EXPECT_EQ(waiting.notYetDeclared, 0u);
  EXPECT_EQ(waiting.health, Health::Waiting);

  std::vector<StudentResult> all;
  for (std::size_t i = 0; i < 4; ++i) {
    all.push_back({w.ids_[i], DeclarationResult::Accepted, "", "D" + std::to_string(i)});
  }
  ASSERT_TRUE(w.store().recordStudentResults("s1", w.key(0), all));
  ASSERT_TRUE(w.store().putBatch({"B1", "intent-B1", "s1", w.key(0), BatchStatus::Done, ""}));
  r = w.build(kQuietDay);
  const ReportTarget& done = targetOf(r, w.key(0));
  EXPECT_EQ(done.accepted, 4u);
  EXPECT_EQ(done.health, Health::Good);
}

TEST(ReportModel, PermissionUnderReviewRejectedAndNotGranted) {
  ReportWorld w;
  ASSERT_TRUE(w.store().putAccountStatus("s1", AccountStatus::Active));
  ASSERT_TRUE(w.store().putApplication({"s1", w.key(0), "A7", ApplicationStatus::UnderReview, "", ""}));
  ASSERT_TRUE(w.store().putApplication({"s1", w.key(1), "", ApplicationStatus::NotGranted, "", ""}));
  w.pass(SchoolOutcomeKind::Waiting);
  Report r = w.build(realToday());
  const ReportTarget& review = targetOf(r, w.key(0));
  EXPECT_EQ(review.permission.state, PermissionState::UnderReview);
  EXPECT_EQ(review.permission.applicationId, "A7");
  EXPECT_EQ(review.permission.waitingDays, 0);
  EXPECT_EQ(review.health, Health::Waiting);
  const ReportTarget& centre = targetOf(r, w.key(1));
  EXPECT_EQ(centre.permission.state, PermissionState::NotGranted);
  EXPECT_NE(centre.permission.hint.find("市职鉴中心"), std::string::npos);
  EXPECT_EQ(centre.health, Health::Action);

  ASSERT_TRUE(w.store().putApplication({"s1", w.key(0), "A7", ApplicationStatus::Rejected, "材料不全", ""}));
  r = w.build(realToday());
  const ReportTarget& rejected = targetOf(r, w.key(0));
  EXPECT_EQ(rejected.permission.state, PermissionState::Rejected);
  EXPECT_NE(rejected.permission.reason.find("材料不全"), std::string::npos);
  EXPECT_FALSE(rejected.permission.hint.empty());
  EXPECT_EQ(rejected.health, Health::Action);
  const auto& actions = r.schools[0].actions;
  EXPECT_TRUE(std::any_of(actions.begin(), actions.end(), [](const std::string& a) {
    return a.find("驳回") != std::string::npos;
  }));
}

TEST(ReportModel, RemindsOfEvaluationWindowFromThirtyDaysBefore) {
  ReportWorld w;
  Report early = w.build(Date{2027, 3, 1}, false);  // 31 days before 1 April
  EXPECT_EQ(countReminders(early, ReminderKind::EvaluationWindow), 0u);
  Report soon = w.build(Date{2027, 3, 2}, false);  // 30 days
  ASSERT_EQ(countReminders(soon, ReminderKind::EvaluationWindow), 1u);
  EXPECT_EQ(soon.reminders[0].days, 30);
  EXPECT_EQ(soon.reminders[0].due, "2027-04-01");
  EXPECT_NE(soon.reminders[0].text.find("市教委教研室"), std::string::npos)
      << soon.reminders[0].text;
  Report open = w.build(Date{2027, 10, 20}, false);
  ASSERT_EQ(countReminders(open, ReminderKind::EvaluationWindow), 1u);
  EXPECT_EQ(open.reminders[0].days, 0);
  EXPECT_NE(open.reminders[0].text.find("本月"), std::string::npos);
}

TEST(ReportModel, RemindsOfCertificateExpiringWithinThirtyDays) {
  ReportWorld w;
  EXPECT_EQ(countReminders(w.build(kQuietDay, false, 31), ReminderKind::CertificateExpiring), 0u);
  EXPECT_EQ(
      countReminders(w.build(kQuietDay, false, std::nullopt), ReminderKind::CertificateExpiring),
      0u);
  Report soon = w.build(kQuietDay, false, 12);
  ASSERT_EQ(countReminders(soon, ReminderKind::CertificateExpiring), 1u);
  EXPECT_EQ(soon.reminders[0].days, 12);
  EXPECT_EQ(soon.reminders[0].due, "2028-11-27");
  EXPECT_NE(soon.reminders[0].text.find("12"), std::string::npos);
  Report expired = w.build(kQuietDay, false, -3);
  ASSERT_EQ(countReminders(expired, ReminderKind::CertificateExpiring), 1u);
  EXPECT_NE(expired.reminders[0].text.find("过期"), std::string::npos);
  EXPECT_EQ(expired.schools[0].health, Health::Action);
}

TEST(ReportModel, RemindsOfApplicationWaitingLongerThanConfigured) {
  ReportWorld w;
  ASSERT_TRUE(w.store().putApplication({"s1", w.key(0), "A9", ApplicationStatus::Submitted, "", ""}));
  w.pass(SchoolOutcomeKind::Waiting);
  const Date today = realToday();  // the store stamped updatedAt with the real clock
  // Days are counted from the Shanghai date of updatedAt; allow for a run across midnight.
  EXPECT_EQ(countReminders(w.build(plusDays(today, 13)), ReminderKind::ApplicationWaiting), 0u);
  Report late = w.build(plusDays(today, 15));
  ASSERT_EQ(countReminders(late, ReminderKind::ApplicationWaiting), 1u);
  const Reminder& m = *std::find_if(late.reminders.begin(), late.reminders.end(), [](auto& x) {
    return x.kind == ReminderKind::ApplicationWaiting;
  });
  EXPECT_EQ(m.targetKey, w.key(0));
  EXPECT_GE(m.days, 15);
  EXPECT_NE(m.hint.find("A9"), std::string::npos);
  // A shorter configured wait.
  EXPECT_EQ(
      countReminders(w.build(plusDays(today, 4), true, 400, 3), ReminderKind::ApplicationWaiting),
      1u);
}

// A copy: the report is often a temporary.
std::optional<Reminder> pinReminder(const Report& r) {
  auto it = std::find_if(r.reminders.begin(), r.reminders.end(),
                         [](const Reminder& m) { return m.kind == ReminderKind::PinLow; });
  return it == r.reminders.end() ? std::nullopt : std::optional<Reminder>(*it);
}

PinFact pinFact(std::optional<int> retries, bool countLow = false, bool finalTry = false,
                bool locked = false, bool required = true) {
  PinFact f;
  f.status.required = required;
  f.status.retriesLeft = retries;
  f.status.countLow = countLow;
  f.status.finalTry = finalTry;
  f.status.locked = locked;
  f.code = "OK";
  f.at = "2027-01-10T02:00:00.000Z";
  return f;
}

TEST(ReportModel, NoPinReminderWithoutTheFactOrWithEnoughTries) {
  ReportWorld w;
  w.pass(SchoolOutcomeKind::UpToDate);
  Report none = w.build(kQuietDay);
  EXPECT_FALSE(pinReminder(none).has_value());
  EXPECT_FALSE(none.schools[0].pin.has_value());
  ASSERT_TRUE(w.store().putFact("s1", "pin", pinFactText(pinFact(6))));
  Report fine = w.build(kQuietDay);
  EXPECT_FALSE(pinReminder(fine).has_value());
  ASSERT_TRUE(fine.schools[0].pin.has_value());
  EXPECT_EQ(fine.schools[0].pin->retriesLeft(), 6);
  for (const auto& a : fine.schools[0].actions) EXPECT_EQ(a.find("PIN"), std::string::npos) << a;
  // A key file needs no PIN; a PKCS#11 token without warning flags says nothing about a count.
  ASSERT_TRUE(w.store().putFact("s1", "pin", pinFactText(pinFact(std::nullopt, false, false,
                                                                 false, false))));
  EXPECT_FALSE(pinReminder(w.build(kQuietDay)).has_value());
  ASSERT_TRUE(w.store().putFact("s1", "pin", pinFactText(pinFact(std::nullopt))));
  EXPECT_FALSE(pinReminder(w.build(kQuietDay)).has_value());
  // A value zzjb cannot read is as good as none, not a store failure.
  ASSERT_TRUE(w.store().putFact("s1", "pin", "garbage"));
  Report odd = w.build(kQuietDay);
  EXPECT_FALSE(pinReminder(odd).has_value());
  EXPECT_TRUE(odd.schools[0].storeRead);
}

TEST(ReportModel, RemindsWhenThePinIsCloseToLocking) {
  ReportWorld w;
  w.pass(SchoolOutcomeKind::UpToDate);
  ASSERT_TRUE(w.store().putFact("s1", "pin", pinFactText(pinFact(2, true))));
  Report two = w.build(kQuietDay);
  std::optional<Reminder> m = pinReminder(two);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->school, "s1");
  EXPECT_NE(m->text.find("仅剩 2 次重试机会"), std::string::npos) << m->text;
  EXPECT_NE(m->hint.find("identity.pin"), std::string::npos) << m->hint;
  EXPECT_NE(m->hint.find("SHECA"), std::string::npos) << m->hint;
  EXPECT_EQ(m->due, "2027-01-10T02:00:00.000Z");
  EXPECT_EQ(m->days, 5);  // seen on 2027-01-10 (Shanghai), today 2027-01-15
  EXPECT_EQ(two.schools[0].health, Health::Action);
  EXPECT_NE(std::find_if(two.schools[0].actions.begin(), two.schools[0].actions.end(),
                         [](const std::string& a) { return a.find("PIN") != std::string::npos; }),
            two.schools[0].actions.end());

  // PKCS#11 tells flags only: a wrong PIN entered before (count low), the final try.
  ASSERT_TRUE(w.store().putFact("s1", "pin", pinFactText(pinFact(std::nullopt, true))));
  m = pinReminder(w.build(kQuietDay));
  ASSERT_TRUE(m.has_value());
  EXPECT_NE(m->text.find("曾输错"), std::string::npos) << m->text;
  ASSERT_TRUE(w.store().putFact("s1", "pin", pinFactText(pinFact(std::nullopt, true, true))));
  m = pinReminder(w.build(kQuietDay));
  ASSERT_TRUE(m.has_value());
  EXPECT_NE(m->text.find("仅剩 1 次"), std::string::npos) << m->text;
  EXPECT_NE(m->text.find("不会再尝试"), std::string::npos) << m->text;

  ASSERT_TRUE(w.store().putFact("s1", "pin", pinFactText(pinFact(0, true, false, true))));
  Report locked = w.build(kQuietDay);
  m = pinReminder(locked);
  ASSERT_TRUE(m.has_value());
  EXPECT_NE(m->text.find("已锁定"), std::string::npos) << m->text;
  EXPECT_NE(m->hint.find("解锁"), std::string::npos) << m->hint;
  EXPECT_EQ(locked.schools[0].pin->retriesLeft(), 0);
}

TEST(ReportModel, PinFactRoundTripsAndNeverHoldsMoreThanTheCounter) {
  PinFact f = pinFact(3, true);
  f.code = "PIN_WRONG";
  const std::string text = pinFactText(f);
  EXPECT_EQ(text, "required=1;retries=3;countLow=1;finalTry=0;locked=0;code=PIN_WRONG;"
                  "at=2027-01-10T02:00:00.000Z");
  auto back = parsePinFact(text);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->status.retriesLeft, 3);
  EXPECT_TRUE(back->status.countLow);
  EXPECT_FALSE(back->status.locked);
  EXPECT_EQ(back->code, "PIN_WRONG");
  EXPECT_EQ(back->at, f.at);
  auto unknown = parsePinFact(pinFactText(pinFact(std::nullopt)));
  ASSERT_TRUE(unknown.has_value());
  EXPECT_FALSE(unknown->status.retriesLeft.has_value());
  EXPECT_FALSE(parsePinFact("").has_value());
  EXPECT_FALSE(parsePinFact("retries=two").has_value());
  EXPECT_FALSE(parsePinFact("locked=yes").has_value());
}

TEST(ReportModel, PinFactFromTheFindingThatStoppedTheOpening) {
  auto finding = [](std::string code, std::string message) {
    return configFinding(std::move(code), std::move(message));
  };
  const std::string at = "2027-01-10T02:00:00.000Z";
  auto locked = pinFactFromFinding(finding("PIN_LOCKED", "skf …: the user PIN is locked"), at);
  ASSERT_TRUE(locked.has_value());
  EXPECT_TRUE(locked->status.locked);
  EXPECT_EQ(locked->retriesLeft(), 0);
  EXPECT_EQ(locked->code, "PIN_LOCKED");
  EXPECT_EQ(locked->at, at);
  auto finalTry = pinFactFromFinding(
      finding("PIN_FINAL_TRY", "pkcs11 …: the token reports one PIN try left"), at);
  ASSERT_TRUE(finalTry.has_value());
  EXPECT_EQ(finalTry->retriesLeft(), 1);
  EXPECT_TRUE(finalTry->low());
  // SKF counts the tries left: the count is the finding's argument {retriesLeft}, as the SKF
  // signer makes it, whatever the language of its message (issue 13).
  auto skf = pinFactFromFinding(
      configError("PIN_WRONG",
                  {{"where", "skf dev x"}, {"reason", "SAR_PIN_INCORRECT"}, {"retriesLeft", 2}},
                  "PIN_WRONG.skf"),
      at);
  ASSERT_TRUE(skf.has_value());
  EXPECT_EQ(skf->retriesLeft(), 2);
  EXPECT_TRUE(skf->low());
  EXPECT_TRUE(skf->status.countLow);
  auto skfOne = pinFactFromFinding(
      configError("PIN_WRONG",
                  {{"where", "skf dev x"}, {"reason", "SAR_PIN_INCORRECT"}, {"retriesLeft", 1}},
                  "PIN_WRONG.skf_last"),
      at);
  ASSERT_TRUE(skfOne.has_value());
  EXPECT_TRUE(skfOne->status.finalTry);
  EXPECT_EQ(skfOne->retriesLeft(), 1);
  // PKCS#11 names its flags.
  auto p11 = pinFactFromFinding(
      finding("PIN_WRONG", "pkcs11 …: the token rejected the PIN: CKR_PIN_INCORRECT (0xa0); the "
                           "token now reports a wrong PIN was entered (CKF_USER_PIN_COUNT_LOW)"),
      at);
  ASSERT_TRUE(p11.has_value());
  EXPECT_TRUE(p11->status.countLow);
  EXPECT_FALSE(p11->retriesLeft().has_value());
  EXPECT_TRUE(p11->low());
  // A key file has no counter: recorded, but nothing close to locking.
  auto file = pinFactFromFinding(
      finding("PIN_WRONG", "the PIN does not decrypt the key file keys/s1.key"), at);
  ASSERT_TRUE(file.has_value());
  EXPECT_FALSE(file->low());
  // Findings that say nothing about the counter.
  EXPECT_FALSE(pinFactFromFinding(finding("PIN_UNAVAILABLE", "ZZJB_PIN is not set"), at));
  EXPECT_FALSE(pinFactFromFinding(finding("KEY_TOKEN", "C_Login failed"), at));
}

TEST(ReportModel, FailedLastPassMakesTheSchoolFailedAndKeepsLastSuccess) {
  ReportWorld w;
  w.pass(SchoolOutcomeKind::Progressed, "good one");
  w.pass(SchoolOutcomeKind::Failed, "platform unavailable");
  Report r = w.build(kQuietDay);
  const ReportSchool& s = r.schools[0];
  ASSERT_TRUE(s.lastPass);
  ASSERT_TRUE(s.lastSuccessfulPass);
  EXPECT_EQ(s.lastPass->outcome, "FAILED");
  EXPECT_EQ(s.lastSuccessfulPass->summary, "good one");
  EXPECT_EQ(s.health, Health::Failed);
  EXPECT_EQ(r.health, Health::Failed);
}

TEST(ReportModel, RecordsOfTargetsNoLongerConfiguredAreStillShown) {
  ReportWorld w;
  w.declare({0}, {{w.ids_[0], DeclarationResult::Accepted, "", "D1"}});
  const std::string oldKey = w.key(0);
  w.school_.majors[0].targets.erase(w.school_.majors[0].targets.begin());
  w.result_.targets.erase(w.result_.targets.begin());
  Report r = w.build(kQuietDay);
  const ReportTarget& t = targetOf(r, oldKey);
  EXPECT_EQ(t.accepted, 1u);
  EXPECT_NE(t.title.find("配置中已无此目标"), std::string::npos);
}

TEST(ReportModel, DatesAndStoreTimes) {
  EXPECT_EQ(daysBetween(Date{2027, 2, 28}, Date{2027, 3, 1}), 1);
  EXPECT_EQ(daysBetween(Date{2028, 2, 28}, Date{2028, 3, 1}), 2);
  EXPECT_EQ(daysBetween(Date{2027, 3, 1}, Date{2026, 3, 1}), -365);
  EXPECT_EQ(shanghaiDateOf("2026-11-27T19:09:17.123Z"), (Date{2026, 11, 28}));
  EXPECT_EQ(shanghaiDateOf("2026-12-31T16:00:00Z"), (Date{2027, 1, 1}));
  EXPECT_EQ(shanghaiDateOf("2026-11-27T09:00:00+08:00"), (Date{2026, 11, 27}));
  EXPECT_FALSE(shanghaiDateOf("yesterday"));
  EXPECT_EQ(shanghaiTimeText("2026-11-27T19:09:17.123Z"), "2026-11-28 03:09");
  EXPECT_EQ(shanghaiTimeText("?"), "?");
}

}  // namespace
}  // namespace zzjb::test
