// Log lines, text and JSON, and the masking of resident IDs and mobiles in whatever they carry.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "log.hpp"

namespace {

using zzjb::Severity;
using zzjb::cli::LogFormat;
using zzjb::cli::Logger;
using zzjb::cli::maskPersonalData;

// 2027-03-01T09:00:01+08:00
constexpr std::int64_t kNow = 1803862801;

TEST(LogMask, MasksResidentIdsAndMobiles) {
  EXPECT_EQ(maskPersonalData("id 11010519491231002X rejected"), "id 110***********002X rejected");
  EXPECT_EQ(maskPersonalData("id 11010519491231002x"), "id 110***********002x");
  EXPECT_EQ(maskPersonalData("证件号码310101200001011234无效"), "证件号码310***********1234无效");
  EXPECT_EQ(maskPersonalData("mobile=13912345678,"), "mobile=139****5678,");
  EXPECT_EQ(maskPersonalData("+8613912345678"), "+86139****5678");
  EXPECT_EQ(maskPersonalData("008613912345678"), "0086139****5678");
  EXPECT_EQ(maskPersonalData("call 139-1234-5678 or 139 1234 5678"),
            "call 139-****-5678 or 139 **** 5678");
}

TEST(LogMask, LeavesOtherNumbersAlone) {
  // A credit code, a target key, a timestamp, a longer number, a shorter one, a hash.
  for (const char* s : {"91310000MA1FL0001X", "4-04-05-01/4/91310000MA1FL0001X",
                        "2027-03-01T09:00:01+08:00", "1391234567890", "1391234567",
                        "23912345678", "zzjb1-3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b",
                        "rows 5000 of 12000"}) {
    EXPECT_EQ(maskPersonalData(s), s);
  }
}

TEST(Log, TextLineHasTimeLevelSchoolTargetMessageAndFields) {
  std::ostringstream out;
  Logger log(LogFormat::Text, out, [] { return kNow; });
  log.log(Severity::Info, "xuhui-zz", "4-04-05-01/4/91310000MA1FL0001X", "batch DONE",
          {{"rows", "12"}, {"note", "two words"}});
  log.warning("no school here");
  EXPECT_EQ(out.str(),
            "2027-03-01T09:00:01+08:00 info xuhui-zz 4-04-05-01/4/91310000MA1FL0001X batch DONE "
            "rows=12 note=\"two words\"\n"
            "2027-03-01T09:00:01+08:00 warning - - no school here\n");
}

TEST(Log, TextLineMasksMessageAndFields) {
  std::ostringstream out;
  Logger log(LogFormat::Text, out, [] { return kNow; });
  log.log(Severity::Error, "xuhui-zz", "", "row 3: 310101200001011234 refused\nsecond line",
          {{"mobile", "13912345678"}});
  EXPECT_EQ(out.str(),
            "2027-03-01T09:00:01+08:00 error xuhui-zz - row 3: 310***********1234 refused second "
            "line mobile=139****5678\n");
}

TEST(Log, JsonLineIsOneObjectWithMaskedValues) {
  std::ostringstream out;
  Logger log(LogFormat::Json, out, [] { return kNow; });
  log.log(Severity::Warning, "xuhui-zz", "4-04-05-01/4/-", "学生 310101200001011234 手机 13912345678",
          {{"code", "ID_INVALID"}, {"message", "ignored: the fixed key wins"}});
  const std::string line = out.str();
  ASSERT_EQ(line.back(), '\n');
  ASSERT_EQ(line.find('\n'), line.size() - 1);
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["time"], "2027-03-01T09:00:01+08:00");
  EXPECT_EQ(j["level"], "warning");
  EXPECT_EQ(j["school"], "xuhui-zz");
  EXPECT_EQ(j["target"], "4-04-05-01/4/-");
  EXPECT_EQ(j["message"], "学生 310***********1234 手机 139****5678");
  EXPECT_EQ(j["code"], "ID_INVALID");
  EXPECT_EQ(line.find("310101200001011234"), std::string::npos);
}

TEST(Log, JsonLeavesOutEmptySchoolAndTarget) {
  std::ostringstream out;
  Logger log(LogFormat::Json, out, [] { return kNow; });
  log.info("daemon started");
  const auto j = nlohmann::json::parse(out.str());
  EXPECT_FALSE(j.contains("school"));
  EXPECT_FALSE(j.contains("target"));
  EXPECT_EQ(j["message"], "daemon started");
}

TEST(Log, ParsesFormatNames) {
  EXPECT_EQ(zzjb::cli::parseLogFormat("text"), LogFormat::Text);
  EXPECT_EQ(zzjb::cli::parseLogFormat("json"), LogFormat::Json);
  EXPECT_FALSE(zzjb::cli::parseLogFormat("xml"));
}

TEST(LogObserver, RetriedRequestIsAWarningWithTheDelay) {
  std::ostringstream out;
  Logger log(LogFormat::Text, out, [] { return kNow; });
  zzjb::cli::LogObserver obs(log);
  zzjb::platform::RequestEvent e;
  e.endpoint = "POST /api/v1/skills/group-declarations";
  e.status = 503;
  e.code = "UNAVAILABLE";
  e.attempt = 1;
  e.willRetry = true;
  e.delayMs = 1500;
  e.seconds = 0.25;
  obs.onRequest("xuhui-zz", e);
  EXPECT_EQ(out.str(),
            "2027-03-01T09:00:01+08:00 warning xuhui-zz - POST "
            "/api/v1/skills/group-declarations：503 UNAVAILABLE，1500 毫秒后重试 "
            "endpoint=\"POST /api/v1/skills/group-declarations\" status=503 attempt=1 "
            "seconds=0.250 code=UNAVAILABLE retryInMs=1500\n");
}

TEST(LogObserver, QuietAboutSuccessfulRequestsWhenAsked) {
  std::ostringstream out;
  Logger log(LogFormat::Text, out, [] { return kNow; });
  zzjb::cli::LogObserver obs(log, /*logRequests=*/false);
  zzjb::platform::RequestEvent e;
  e.endpoint = "GET /api/v1/account";
  e.status = 200;
  obs.onRequest("xuhui-zz", e);
  EXPECT_EQ(out.str(), "");
}

TEST(LogObserver, SchoolOutcomeWithTargetsAndFindings) {
  std::ostringstream out;
  Logger log(LogFormat::Json, out, [] { return kNow; });
  zzjb::cli::LogObserver obs(log);
  zzjb::SchoolOutcome o;
  o.school = "xuhui-zz";
  o.kind = zzjb::SchoolOutcomeKind::Progressed;
  zzjb::TargetOutcome t;
  t.targetKey = "4-04-05-01/4/91310000MA1FL0001X";
  t.phase = zzjb::TargetPhase::UpToDate;
  t.detail = "all declared";
  t.accepted = 3;
  t.rejected = 1;
  o.targets.push_back(t);
  zzjb::Finding f;
  f.severity = Severity::Warning;
  f.code = "ROW_NOT_WRITTEN";
  f.message = "row for 310101200001011234 not written";
  f.school = "xuhui-zz";
  o.findings.push_back(f);
  obs.onSchoolDone(o);
  std::istringstream lines(out.str());
  std::string l1, l2, l3;
  std::getline(lines, l1);
  std::getline(lines, l2);
  std::getline(lines, l3);
  const auto finding = nlohmann::json::parse(l1);
  EXPECT_EQ(finding["code"], "ROW_NOT_WRITTEN");
  EXPECT_EQ(finding["message"], "row for 310***********1234 not written");
  const auto target = nlohmann::json::parse(l2);
  EXPECT_EQ(target["target"], "4-04-05-01/4/91310000MA1FL0001X");
  EXPECT_EQ(target["phase"], "UP_TO_DATE");
  EXPECT_EQ(target["accepted"], "3");
  const auto school = nlohmann::json::parse(l3);
  EXPECT_EQ(school["outcome"], "PROGRESSED");
  EXPECT_EQ(school["level"], "info");
}

TEST(Log, RemindersAreWarningLinesWithSchoolTargetAndKind) {
  zzjb::cli::PassResult result;
  zzjb::cli::SchoolReminders s;
  s.school = "xuhui-zz";
  zzjb::Reminder window;
  window.kind = zzjb::ReminderKind::EvaluationWindow;
  window.school = "xuhui-zz";
  window.text = "2027年4月（还有 17 天）受理专业评估申请（附件1）";
  window.hint = "用 zzjb forms 打印附件1";
  window.days = 17;
  window.due = "2027-04-01";
  zzjb::Reminder waiting;
  waiting.kind = zzjb::ReminderKind::ApplicationWaiting;
  waiting.school = "xuhui-zz";
  waiting.targetKey = "4-04-05-01/4/91310000MA1FL0001X";
  waiting.text = "权限申请已等待 20 天未审核";
  waiting.hint = "致电市职鉴中心";
  waiting.days = 20;
  waiting.due = "2027-02-23T01:00:00.000Z";
  s.reminders = {window, waiting};
  result.reminders = {s};

  std::ostringstream text;
  Logger t(LogFormat::Text, text, [] { return kNow; });
  zzjb::cli::logReminders(t, result);
  EXPECT_EQ(text.str(),
            "2027-03-01T09:00:01+08:00 warning xuhui-zz - "
            "提醒：2027年4月（还有 17 天）受理专业评估申请（附件1） "
            "reminder=EVALUATION_WINDOW days=17 due=2027-04-01 hint=\"用 zzjb forms 打印附件1\"\n"
            "2027-03-01T09:00:01+08:00 warning xuhui-zz 4-04-05-01/4/91310000MA1FL0001X "
            "提醒：权限申请已等待 20 天未审核 reminder=APPLICATION_WAITING days=20 "
            "due=2027-02-23T01:00:00.000Z hint=致电市职鉴中心\n");

  std::ostringstream json;
  Logger j(LogFormat::Json, json, [] { return kNow; });
  zzjb::cli::logReminders(j, result);
  std::istringstream lines(json.str());
  std::string first;
  std::getline(lines, first);
  const auto doc = nlohmann::json::parse(first);
  EXPECT_EQ(doc["level"], "warning");
  EXPECT_EQ(doc["school"], "xuhui-zz");
  EXPECT_FALSE(doc.contains("target"));
  EXPECT_EQ(doc["reminder"], "EVALUATION_WINDOW");
  EXPECT_EQ(doc["days"], "17");
  EXPECT_EQ(doc["due"], "2027-04-01");
}

}  // namespace
