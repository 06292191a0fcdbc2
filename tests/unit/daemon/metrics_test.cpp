// The metrics registry: figures after fed events, Prometheus text, and the health report.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "metrics.hpp"

namespace {

using zzjb::SchoolOutcome;
using zzjb::SchoolOutcomeKind;
using zzjb::cli::Metrics;

constexpr double kNow = 1803862801;  // 2027-03-01T09:00:01+08:00

bool has(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

zzjb::platform::RequestEvent request(std::string endpoint, int status, std::string code = {},
                                     bool willRetry = false) {
  zzjb::platform::RequestEvent e;
  e.endpoint = std::move(endpoint);
  e.status = status;
  e.code = std::move(code);
  e.willRetry = willRetry;
  return e;
}

SchoolOutcome outcome(std::string school, SchoolOutcomeKind kind, std::size_t accepted = 0,
                      std::size_t rejected = 0, std::size_t pending = 0, std::size_t sent = 0) {
  SchoolOutcome o;
  o.school = std::move(school);
  o.kind = kind;
  zzjb::TargetOutcome t;
  t.targetKey = "4-04-05-01/4/-";
  t.accepted = accepted;
  t.rejected = rejected;
  t.pending = pending;
  t.sent = sent;
  o.targets.push_back(t);
  return o;
}

TEST(Metrics, EndpointLabelsDoNotGrowWithIds) {
  EXPECT_EQ(zzjb::cli::endpointLabel("POST /api/v1/skills/group-declarations"),
            "POST /api/v1/skills/group-declarations");
  EXPECT_EQ(zzjb::cli::endpointLabel("GET /api/v1/skills/group-declarations/B-2027-0001?page=2"),
            "GET /api/v1/skills/group-declarations/:id");
  EXPECT_EQ(zzjb::cli::endpointLabel("GET /api/v1/skills/permission-applications/A17/rows"),
            "GET /api/v1/skills/permission-applications/:id/rows");
}

TEST(Metrics, PassOutcomeLabels) {
  EXPECT_EQ(zzjb::cli::passOutcomeLabel(0, false), "ok");
  EXPECT_EQ(zzjb::cli::passOutcomeLabel(75, false), "temporary_failure");
  EXPECT_EQ(zzjb::cli::passOutcomeLabel(69, true), "stopped");
}

TEST(Metrics, PrometheusTextBeforeAnything) {
  Metrics m([] { return kNow; });
  const std::string text = m.prometheusText();
  EXPECT_TRUE(has(text, "# HELP zzjb_passes_total Passes finished, by outcome."));
  EXPECT_TRUE(has(text, "# TYPE zzjb_passes_total counter"));
  EXPECT_TRUE(has(text, "# TYPE zzjb_requests_total counter"));
  EXPECT_TRUE(has(text, "# TYPE zzjb_retries_total counter"));
  EXPECT_TRUE(has(text, "# TYPE zzjb_declarations gauge"));
  EXPECT_TRUE(has(text, "# TYPE zzjb_last_success_timestamp_seconds gauge"));
  EXPECT_TRUE(has(text, "# TYPE zzjb_pass_duration_seconds gauge"));
  EXPECT_TRUE(has(text, "zzjb_pass_running 0"));
  EXPECT_EQ(text.find("zzjb_passes_total{"), std::string::npos);
  EXPECT_EQ(text.back(), '\n');
}

TEST(Metrics, FiguresFollowTheEvents) {
  double now = kNow;
  Metrics m([&now] { return now; });
  m.setSchools({"xuhui-zz", "pudong-gz"});
  m.passStarted();
  EXPECT_TRUE(has(m.prometheusText(), "zzjb_pass_running 1"));
  m.onRequest("xuhui-zz", request("POST /api/v1/session", 200));
  m.onRequest("xuhui-zz", request("POST /api/v1/skills/group-declarations", 503, "UNAVAILABLE", true));
  m.onRequest("xuhui-zz", request("POST /api/v1/skills/group-declarations", 202));
  m.onRequest("xuhui-zz", request("GET /api/v1/skills/group-declarations/B1", 200));
  m.onRequest("xuhui-zz", request("GET /api/v1/skills/group-declarations/B2", 200));
  m.onRequest("pudong-gz", request("POST /api/v1/session", 0, "TIMEOUT"));
  now += 12.5;
  m.onSchoolDone(outcome("xuhui-zz", SchoolOutcomeKind::Progressed, 10, 2, 3, 15));
  m.onSchoolDone(outcome("pudong-gz", SchoolOutcomeKind::Failed));
  zzjb::cli::PassResult r;
  r.exitCode = 75;
  m.passFinished(r);

  const std::string text = m.prometheusText();
  EXPECT_TRUE(has(text, "zzjb_passes_total{outcome=\"temporary_failure\"} 1")) << text;
  EXPECT_TRUE(has(text, "zzjb_pass_running 0"));
  EXPECT_TRUE(has(text, "zzjb_pass_duration_seconds 12.500"));
  EXPECT_TRUE(has(text, "zzjb_requests_total{endpoint=\"POST /api/v1/session\",outcome=\"2xx\"} 1"));
  EXPECT_TRUE(has(text, "zzjb_requests_total{endpoint=\"POST /api/v1/session\",outcome=\"TIMEOUT\"} 1"));
  EXPECT_TRUE(has(text,
                  "zzjb_requests_total{endpoint=\"POST /api/v1/skills/group-declarations\",outcome=\"5xx\"} 1"));
  EXPECT_TRUE(has(text,
                  "zzjb_requests_total{endpoint=\"GET /api/v1/skills/group-declarations/:id\",outcome=\"2xx\"} 2"));
  EXPECT_TRUE(has(text, "zzjb_retries_total{endpoint=\"POST /api/v1/skills/group-declarations\"} 1"));
  EXPECT_TRUE(has(text, "zzjb_declarations{school=\"xuhui-zz\",result=\"accepted\"} 10"));
  EXPECT_TRUE(has(text, "zzjb_declarations{school=\"xuhui-zz\",result=\"rejected\"} 2"));
  EXPECT_TRUE(has(text, "zzjb_declarations{school=\"xuhui-zz\",result=\"pending\"} 3"));
  EXPECT_TRUE(has(text, "zzjb_declaration_rows_sent_total{school=\"xuhui-zz\"} 15"));
  EXPECT_TRUE(has(text, "zzjb_last_success_timestamp_seconds{school=\"xuhui-zz\"} 1803862813.500"));
  EXPECT_EQ(text.find("zzjb_last_success_timestamp_seconds{school=\"pudong-gz\"}"), std::string::npos);
  EXPECT_TRUE(has(text, "zzjb_school_passes_total{school=\"pudong-gz\",outcome=\"failed\"} 1"));
  EXPECT_TRUE(has(text, "zzjb_platform_reachable 0"));

  // A second pass: counters add up, gauges are replaced.
  m.passStarted();
  m.onRequest("pudong-gz", request("POST /api/v1/session", 200));
  m.onSchoolDone(outcome("xuhui-zz", SchoolOutcomeKind::UpToDate, 13, 2, 0, 0));
  r.exitCode = 0;
  m.passFinished(r);
  const std::string again = m.prometheusText();
  EXPECT_TRUE(has(again, "zzjb_passes_total{outcome=\"ok\"} 1"));
  EXPECT_TRUE(has(again, "zzjb_passes_total{outcome=\"temporary_failure\"} 1"));
  EXPECT_TRUE(has(again, "zzjb_requests_total{endpoint=\"POST /api/v1/session\",outcome=\"2xx\"} 2"));
  EXPECT_TRUE(has(again, "zzjb_declarations{school=\"xuhui-zz\",result=\"accepted\"} 13"));
  EXPECT_TRUE(has(again, "zzjb_declarations{school=\"xuhui-zz\",result=\"pending\"} 0"));
  EXPECT_TRUE(has(again, "zzjb_platform_reachable 1"));
}

zzjb::Reminder reminder(zzjb::ReminderKind kind, std::string school) {
  zzjb::Reminder r;
  r.kind = kind;
  r.school = std::move(school);
  return r;
}

TEST(Metrics, RemindersCertificateDaysAndPinRetriesPerConfiguredSchool) {
  using zzjb::ReminderKind;
  Metrics m([] { return kNow; });
  m.setSchools({"xuhui-zz", "pudong-gz"});
  EXPECT_TRUE(has(m.prometheusText(), "# TYPE zzjb_reminders gauge"));
  EXPECT_EQ(m.prometheusText().find("zzjb_reminders{"), std::string::npos) << "none before a pass";
  zzjb::cli::PassResult r;
  zzjb::cli::SchoolReminders xuhui;
  xuhui.school = "xuhui-zz";
  xuhui.reminders = {reminder(ReminderKind::EvaluationWindow, "xuhui-zz"),
                     reminder(ReminderKind::ApplicationWaiting, "xuhui-zz"),
                     reminder(ReminderKind::ApplicationWaiting, "xuhui-zz"),
                     reminder(ReminderKind::PinLow, "xuhui-zz")};
  xuhui.certificateDaysLeft = 12;
  xuhui.pinRetriesLeft = 2;
  zzjb::cli::SchoolReminders pudong;
  pudong.school = "pudong-gz";
  pudong.certificateDaysLeft = -3;  // expired; its PIN never seen
  r.reminders = {xuhui, pudong};
  m.passFinished(r);
  const std::string text = m.prometheusText();
  EXPECT_TRUE(has(text, "# TYPE zzjb_certificate_days_left gauge"));
  EXPECT_TRUE(has(text, "# TYPE zzjb_pin_retries_left gauge"));
  EXPECT_TRUE(has(text, R"(zzjb_reminders{school="xuhui-zz",kind="evaluation_window"} 1)")) << text;
  EXPECT_TRUE(has(text, R"(zzjb_reminders{school="xuhui-zz",kind="application_waiting"} 2)"));
  EXPECT_TRUE(has(text, R"(zzjb_reminders{school="xuhui-zz",kind="certificate_expiring"} 0)"));
  EXPECT_TRUE(has(text, R"(zzjb_reminders{school="xuhui-zz",kind="pin_low"} 1)"));
  EXPECT_TRUE(has(text, R"(zzjb_reminders{school="pudong-gz",kind="pin_low"} 0)"));
  EXPECT_TRUE(has(text, R"(zzjb_certificate_days_left{school="xuhui-zz"} 12)"));
  EXPECT_TRUE(has(text, R"(zzjb_certificate_days_left{school="pudong-gz"} -3)"));
  EXPECT_TRUE(has(text, R"(zzjb_pin_retries_left{school="xuhui-zz"} 2)"));
  EXPECT_EQ(text.find(R"(zzjb_pin_retries_left{school="pudong-gz"})"), std::string::npos);

  // A pass that did not get to the reminders (stopped) keeps the last ones.
  m.passFinished(zzjb::cli::PassResult{});
  EXPECT_TRUE(has(m.prometheusText(), R"(zzjb_reminders{school="xuhui-zz",kind="pin_low"} 1)"));
  // A school removed by a reload is no longer named by these gauges.
  m.setSchools({"pudong-gz"});
  const std::string after = m.prometheusText();
  EXPECT_EQ(after.find(R"(school="xuhui-zz")"), std::string::npos) << after;
  EXPECT_TRUE(has(after, R"(zzjb_certificate_days_left{school="pudong-gz"} -3)"));
}

TEST(Metrics, LabelValuesAreEscaped) {
  Metrics m([] { return kNow; });
  m.onSchoolDone(outcome("a\"b\\c", SchoolOutcomeKind::UpToDate));
  EXPECT_TRUE(has(m.prometheusText(), "zzjb_school_passes_total{school=\"a\\\"b\\\\c\",outcome=\"up_to_date\"} 1"));
}

TEST(Health, OkBeforeTheFirstPass) {
  Metrics m([] { return kNow; });
  m.setSchools({"xuhui-zz"});
  const auto h = m.health();
  EXPECT_EQ(h.status, "ok");
  EXPECT_EQ(h.httpStatus, 200);
  const auto j = nlohmann::json::parse(h.json);
  EXPECT_TRUE(j["lastPass"].is_null());
  EXPECT_TRUE(j["platformReachable"].is_null());
  ASSERT_EQ(j["schools"].size(), 1u);
  EXPECT_EQ(j["schools"][0]["id"], "xuhui-zz");
  EXPECT_TRUE(j["schools"][0]["lastOutcome"].is_null());
  EXPECT_TRUE(j["schools"][0]["keyUsable"].is_null());
}

TEST(Health, DegradedWhenOneSchoolFailsFailingWhenAllDo) {
  Metrics m([] { return kNow; });
  m.setSchools({"xuhui-zz", "pudong-gz"});
  m.passStarted();
  m.onRequest("xuhui-zz", request("POST /api/v1/session", 200));
  m.onSchoolDone(outcome("xuhui-zz", SchoolOutcomeKind::Progressed, 1));
  SchoolOutcome bad = outcome("pudong-gz", SchoolOutcomeKind::Failed);
  bad.failure = zzjb::PlatformFailure{};
  bad.failure->kind = zzjb::PlatformFailureKind::Identity;
  m.onSchoolDone(bad);
  m.passFinished(zzjb::cli::PassResult{});
  auto h = m.health();
  EXPECT_EQ(h.status, "degraded");
  EXPECT_EQ(h.httpStatus, 200);
  auto j = nlohmann::json::parse(h.json);
  EXPECT_EQ(j["lastPass"]["outcome"], "ok");
  EXPECT_EQ(j["lastPass"]["finishedAt"], "2027-03-01T09:00:01+08:00");
  EXPECT_EQ(j["platformReachable"], true);
  EXPECT_EQ(j["schools"][0]["lastOutcome"], "PROGRESSED");
  EXPECT_EQ(j["schools"][0]["lastSuccess"], "2027-03-01T09:00:01+08:00");
  EXPECT_EQ(j["schools"][0]["keyUsable"], true);
  EXPECT_EQ(j["schools"][1]["lastOutcome"], "FAILED");
  EXPECT_TRUE(j["schools"][1]["lastSuccess"].is_null());
  EXPECT_EQ(j["schools"][1]["keyUsable"], false);

  m.onRequest("xuhui-zz", request("POST /api/v1/session", 0, "CONNECTION"));
  m.onSchoolDone(outcome("xuhui-zz", SchoolOutcomeKind::Failed));
  h = m.health();
  EXPECT_EQ(h.status, "failing");
  EXPECT_EQ(h.httpStatus, 503);
  j = nlohmann::json::parse(h.json);
  EXPECT_EQ(j["platformReachable"], false);
  EXPECT_EQ(j["schools"][0]["lastSuccess"], "2027-03-01T09:00:01+08:00");  // kept
}

// Issue 16: a paused or quarantined school is listed, not judged — /healthz stays ok on its
// account, and zzjb_school_paused / zzjb_school_quarantined say it; a key probe sets
// zzjb_key_probe_ok and the key's usability; a school released by a later pass is held no more.
TEST(Health, HeldSchoolsAreListedNotJudgedAndProbesSetTheKeyGauges) {
  Metrics m([] { return kNow; });
  m.setSchools({"xuhui-zz", "pudong-gz", "jinshan-zz"});
  m.passStarted();
  m.onSchoolDone(outcome("xuhui-zz", SchoolOutcomeKind::Progressed, 1));
  SchoolOutcome bad = outcome("pudong-gz", SchoolOutcomeKind::Failed);
  bad.failure = zzjb::PlatformFailure{};
  bad.failure->kind = zzjb::PlatformFailureKind::Identity;
  bad.failure->code = "CERT_EXPIRED";
  m.onSchoolDone(bad);
  zzjb::cli::PassResult r;
  r.held.push_back({"pudong-gz", zzjb::app::SchoolHold::Kind::Quarantined, "", "CERT_EXPIRED",
                    "2027-03-01T01:00:00.000Z", true});
  r.held.push_back({"jinshan-zz", zzjb::app::SchoolHold::Kind::Paused, "merged", "", "", false});
  m.passFinished(r);
  auto h = m.health();
  EXPECT_EQ(h.status, "ok") << h.json;
  auto j = nlohmann::json::parse(h.json);
  EXPECT_TRUE(j["schools"][0]["held"].is_null());
  EXPECT_EQ(j["schools"][1]["held"], "quarantined");
  EXPECT_EQ(j["schools"][1]["heldCode"], "CERT_EXPIRED");
  EXPECT_EQ(j["schools"][2]["held"], "paused");
  std::string text = m.prometheusText();
  EXPECT_TRUE(has(text, R"(zzjb_school_quarantined{school="pudong-gz"} 1)")) << text;
  EXPECT_TRUE(has(text, R"(zzjb_school_quarantined{school="xuhui-zz"} 0)")) << text;
  EXPECT_TRUE(has(text, R"(zzjb_school_paused{school="jinshan-zz"} 1)")) << text;

  // The probe finds xuhui-zz's key refused: its key is not usable, and that degrades.
  m.probesFinished({{"xuhui-zz", false, "PIN_LOCKED", kNow}});
  text = m.prometheusText();
  EXPECT_TRUE(has(text, R"(zzjb_key_probe_ok{school="xuhui-zz"} 0)")) << text;
  EXPECT_TRUE(has(text, R"(zzjb_key_usable{school="xuhui-zz"} 0)")) << text;
  EXPECT_EQ(m.health().status, "degraded");
  j = nlohmann::json::parse(m.health().json);
  EXPECT_EQ(j["schools"][0]["probe"]["code"], "PIN_LOCKED");

  // A later pass runs pudong-gz again (released): it is held no more.
  m.passStarted();
  m.onSchoolDone(outcome("pudong-gz", SchoolOutcomeKind::Progressed, 2));
  zzjb::cli::PassResult later;
  later.held.push_back({"jinshan-zz", zzjb::app::SchoolHold::Kind::Paused, "merged", "", "", false});
  m.passFinished(later);
  text = m.prometheusText();
  EXPECT_TRUE(has(text, R"(zzjb_school_quarantined{school="pudong-gz"} 0)")) << text;
}

TEST(Health, AFailedReloadDegrades) {
  Metrics m([] { return kNow; });
  m.configReloaded(false);
  EXPECT_EQ(m.health().status, "degraded");
  EXPECT_TRUE(has(m.prometheusText(), "zzjb_config_reloads_total{result=\"failed\"} 1"));
  m.configReloaded(true);
  EXPECT_EQ(m.health().status, "ok");
  const auto j = nlohmann::json::parse(m.health().json);
  EXPECT_EQ(j["config"]["reloads"], 2);
}

}  // namespace
