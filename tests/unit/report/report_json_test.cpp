// The report's JSON (cli/report_json.cpp): the model field by field, codes stable, IDs masked.
#include "report_json.hpp"

#include <gtest/gtest.h>

#include <set>

#include "report_fixture.hpp"

namespace zzjb::test {
namespace {

TEST(ReportJson, CarriesTheModelPerSchoolAndTarget) {
  ReportWorld w;
  ASSERT_TRUE(w.store().putAccountStatus("s1", AccountStatus::Active));
  ASSERT_TRUE(w.store().putApplication({"s1", w.key(1), "", ApplicationStatus::NotGranted, "", ""}));
  w.declare({0, 1}, {{w.ids_[0], DeclarationResult::Accepted, "", "D1"},
                     {w.ids_[1], DeclarationResult::Rejected, "ID_INVALID", ""}});
  w.pass(SchoolOutcomeKind::Progressed, "declared 2");
  const nlohmann::json doc = cli::reportJson(w.build(Date{2027, 3, 10}, true, 12));
  // Round-trips as text: what scripts read.
  const nlohmann::json j = nlohmann::json::parse(doc.dump());
  EXPECT_EQ(j["today"], "2027-03-10");
  EXPECT_EQ(j["graduationYear"], 2027);
  EXPECT_EQ(j["storeExists"], true);
  EXPECT_EQ(j["health"], "ACTION");
  ASSERT_EQ(j["schools"].size(), 1u);
  const auto& s = j["schools"][0];
  EXPECT_EQ(s["school"], "s1");
  EXPECT_EQ(s["account"], "ACTIVE");
  EXPECT_EQ(s["lastPass"]["outcome"], "PROGRESSED");
  EXPECT_EQ(s["lastPass"]["summary"], "declared 2");
  ASSERT_EQ(s["targets"].size(), 2u);
  const auto& t0 = s["targets"][0];
  EXPECT_EQ(t0["key"], w.key(0));
  EXPECT_EQ(t0["evaluation"]["eligible"], 4);
  EXPECT_EQ(t0["evaluation"]["excludedByReason"][0]["code"], "NOT_GRADUATING");
  EXPECT_EQ(t0["evaluation"]["excluded"][0]["where"], "rosters/2027.csv:6");
  EXPECT_EQ(t0["declarations"]["declared"], 2);
  EXPECT_EQ(t0["declarations"]["accepted"], 1);
  EXPECT_EQ(t0["declarations"]["rejected"], 1);
  EXPECT_EQ(t0["declarations"]["notYetDeclared"], 2);
  const auto& rej = t0["declarations"]["rejectedStudents"][0];
  EXPECT_EQ(rej["idNumber"], maskId(w.ids_[1]));
  EXPECT_EQ(rej["code"], "ID_INVALID");
  EXPECT_EQ(rej["reason"], platformReasonText("ID_INVALID").text);
  EXPECT_EQ(t0["permission"]["state"], "UNKNOWN");
  EXPECT_TRUE(t0["permission"]["waitingDays"].is_null());
  const auto& t1 = s["targets"][1];
  EXPECT_EQ(t1["permission"]["state"], "NOT_GRANTED");
  EXPECT_EQ(t1["health"], "ACTION");
  std::set<std::string> kinds;
  for (const auto& r : j["reminders"]) kinds.insert(r["kind"].get<std::string>());
  EXPECT_EQ(kinds, (std::set<std::string>{"EVALUATION_WINDOW", "CERTIFICATE_EXPIRING"}));
  EXPECT_EQ(s["reminders"].size(), j["reminders"].size());
}

TEST(ReportJson, CarriesTheCertificateAndThePinButNeverThePin) {
  ReportWorld w;
  w.pass(SchoolOutcomeKind::UpToDate);
  ASSERT_TRUE(w.store().putFact("s1", "pin",
                                "required=1;retries=2;countLow=1;finalTry=0;locked=0;"
                                "code=PIN_WRONG;at=2027-01-10T02:00:00.000Z"));
  const auto j = nlohmann::json::parse(cli::reportJson(w.build(kQuietDay, true, 400)).dump());
  const auto& s = j["schools"][0];
  EXPECT_EQ(s["certificate"]["daysLeft"], 400);
  EXPECT_EQ(s["certificate"]["notAfter"], "2028-11-27");
  EXPECT_EQ(s["pin"]["retriesLeft"], 2);
  EXPECT_EQ(s["pin"]["countLow"], true);
  EXPECT_EQ(s["pin"]["locked"], false);
  EXPECT_EQ(s["pin"]["low"], true);
  EXPECT_EQ(s["pin"]["code"], "PIN_WRONG");
  EXPECT_EQ(s["pin"]["seenAt"], "2027-01-10T02:00:00.000Z");
  ASSERT_EQ(j["reminders"].size(), 1u);
  EXPECT_EQ(j["reminders"][0]["kind"], "PIN_LOW");
  EXPECT_EQ(j["reminders"][0]["school"], "s1");
  // Without the fact, and without a certificate: null.
  ReportWorld fresh;
  const auto k =
      nlohmann::json::parse(cli::reportJson(fresh.build(kQuietDay, false, std::nullopt)).dump());
  EXPECT_TRUE(k["schools"][0]["pin"].is_null());
  EXPECT_TRUE(k["schools"][0]["certificate"].is_null());
}

TEST(ReportJson, NoFullIdNumberAndNoStoreMeansNoPassYet) {
  ReportWorld w;
  const std::string text = cli::reportJson(w.build(Date{2027, 1, 15}, false)).dump();
  for (const auto& id : w.ids_) EXPECT_EQ(text.find(id), std::string::npos);
  for (const auto& s : w.result_.students) EXPECT_EQ(text.find(s.mobile), std::string::npos);
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["storeExists"], false);
  EXPECT_TRUE(j["schools"][0]["lastPass"].is_null());
  EXPECT_EQ(j["schools"][0]["targets"][0]["declarations"]["recorded"], false);
}

}  // namespace
}  // namespace zzjb::test
