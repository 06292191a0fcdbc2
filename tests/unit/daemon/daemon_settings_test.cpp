// The daemon's configuration keys (schedule, logging, metrics) and when the next pass is due.
#include <gtest/gtest.h>

#include "daemon_settings.hpp"

namespace {

using zzjb::cli::nextPassTime;
using zzjb::cli::parseDaemonSettings;

constexpr std::int64_t kMonday0850 = 1803862801 - 10 * 60 - 1;  // 2027-03-01T08:50:00+08:00

TEST(DaemonSettings, ScheduleObjectWithCronListAndDelay) {
  auto s = parseDaemonSettings(
      R"({"schedule": {"cron": ["30 8 * * 1-6", "30 13 * * 1-6"], "randomDelaySeconds": 600},
          "logging": {"format": "json"}, "metrics": {"listen": "127.0.0.1:9464"}, "schools": []})",
      "zzjb.json", std::nullopt);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->schedule.crons.size(), 2u);
  EXPECT_EQ(s->schedule.randomDelaySeconds, 600);
  EXPECT_EQ(s->logFormat, zzjb::cli::LogFormat::Json);
  EXPECT_EQ(s->metricsListen, "127.0.0.1:9464");
  EXPECT_EQ(s->schedule.describe(), "cron 30 8 * * 1-6, 30 13 * * 1-6，再随机延迟至多 600 秒");
}

TEST(DaemonSettings, PlainStringCronHasTheDefaultDelay) {
  auto s = parseDaemonSettings(R"({"schedule": "0 9 * * *"})", "zzjb.json", std::nullopt);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->schedule.crons.size(), 1u);
  EXPECT_EQ(s->schedule.randomDelaySeconds, 1800);
}

TEST(DaemonSettings, BadCronPointsAtItsJsonPath) {
  auto s = parseDaemonSettings(R"({"schedule": {"cron": ["0 9 * * *", "0 25 * * *"]}})",
                               "zzjb.json", std::nullopt);
  ASSERT_FALSE(s);
  ASSERT_EQ(s.error().size(), 1u);
  EXPECT_EQ(s.error()[0].code, "CRON_SYNTAX");
  EXPECT_EQ(s.error()[0].where.str(), "zzjb.json: $.schedule.cron[1]");
  EXPECT_EQ(s.error()[0].message, "cron 表达式“0 25 * * *”第 3 个字符处：小时 25 超出范围 0-23");
}

TEST(DaemonSettings, OtherMistakes) {
  auto codes = [](const std::string& text) {
    std::string out;
    auto s = parseDaemonSettings(text, "zzjb.json", std::nullopt);
    if (s) return out;
    for (const auto& f : s.error()) out += f.code + "@" + f.where.jsonPath + " ";
    return out;
  };
  EXPECT_EQ(codes(R"({})"), "CONFIG_SCHEDULE@$.schedule ");
  EXPECT_EQ(codes(R"({"schedule": 5})"), "CONFIG_TYPE@$.schedule ");
  EXPECT_EQ(codes(R"({"schedule": {"cron": []}})"), "CONFIG_SCHEDULE@$.schedule.cron ");
  EXPECT_EQ(codes(R"({"schedule": {"cron": "@daily", "randomDelaySeconds": -1, "x": 1}})"),
            "CONFIG_UNKNOWN_KEY@$.schedule.x CONFIG_RANGE@$.schedule.randomDelaySeconds ");
  EXPECT_EQ(codes(R"({"schedule": "@daily", "logging": {"format": "xml"}})"),
            "CONFIG_ENUM@$.logging.format ");
  EXPECT_EQ(codes(R"({"schedule": "@daily", "metrics": {"listen": "0.0.0.0:9464"}})"),
            "CONFIG_LISTEN@$.metrics.listen ");
  EXPECT_EQ(codes("not json"), "CONFIG_JSON@$ ");
}

// Issue 11: the daemon's own keys are read with the same bounds as the rest of the configuration.
TEST(DaemonSettings, DeepNestingHugeNumbersAndWrappingDelaysAreFindingsNotCrashes) {
  auto codes = [](const std::string& text) {
    std::string out;
    auto s = parseDaemonSettings(text, "zzjb.json", std::nullopt);
    if (s) return out;
    for (const auto& f : s.error()) out += f.code + "@" + f.where.jsonPath + " ";
    return out;
  };
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(codes(R"({"schedule": )" + deep + "}"), "CONFIG_JSON@$ ");
  EXPECT_EQ(codes(R"({"schedule": "@daily", "x": 1e999})"), "CONFIG_JSON@$ ");
  EXPECT_EQ(
      codes(R"({"schedule": {"cron": "@daily", "randomDelaySeconds": 18446744073709551615}})"),
      "CONFIG_RANGE@$.schedule.randomDelaySeconds ");
  EXPECT_EQ(codes(R"({"schedule": {"cron": "@daily", "randomDelaySeconds": 4294967296}})"),
            "CONFIG_RANGE@$.schedule.randomDelaySeconds ");
}

TEST(DaemonSettings, EveryNeedsNoSchedule) {
  auto s = parseDaemonSettings(R"({"schools": []})", "zzjb.json", 5);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->schedule.describe(), "每 5 秒");
}

// Issue 16: schedule.identityProbe — cron expressions (Shanghai), false for none; daily at 07:00
// by default; the first probe is at start, one missed since the last is made now.
TEST(ProbeSchedule, DailyAtSevenByDefaultCronOrFalseOtherwise) {
  auto d = parseDaemonSettings(R"({"schedule": "0 9 * * *"})", "zzjb.json", std::nullopt);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->probe.crons.size(), 1u);
  EXPECT_EQ(d->probe.crons[0].text, "0 7 * * *");
  auto c = parseDaemonSettings(R"({"schedule": {"cron": "0 9 * * *", "identityProbe": ["0 6 * * 1-5", "0 18 * * 1-5"]}})",
                               "zzjb.json", std::nullopt);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->probe.crons.size(), 2u);
  auto off = parseDaemonSettings(R"({"schedule": {"cron": "0 9 * * *", "identityProbe": false}})",
                                 "zzjb.json", std::nullopt);
  ASSERT_TRUE(off);
  EXPECT_TRUE(off->probe.off);
  EXPECT_EQ(zzjb::cli::nextProbeTime(off->probe, kMonday0850, std::nullopt), std::nullopt);
  for (const char* bad : {R"(true)", R"(7)", R"("0 25 * * *")", R"([])"}) {
    auto b = parseDaemonSettings(std::string(R"({"schedule": {"cron": "0 9 * * *", "identityProbe": )") + bad + "}}",
                                 "zzjb.json", std::nullopt);
    ASSERT_FALSE(b) << bad;
    EXPECT_EQ(b.error()[0].where.jsonPath.rfind("$.schedule.identityProbe", 0), 0u) << bad;
  }
}

TEST(ProbeSchedule, FirstAtStartThenTheNextFireAfterTheLastAndAMissedOneNow) {
  auto d = parseDaemonSettings(R"({"schedule": "0 9 * * *"})", "zzjb.json", std::nullopt);
  ASSERT_TRUE(d);
  using zzjb::cli::nextProbeTime;
  EXPECT_EQ(nextProbeTime(d->probe, kMonday0850, std::nullopt), kMonday0850);
  // Probed at 08:50 on Monday: the next is Tuesday 07:00 (22 h 10 min later).
  EXPECT_EQ(nextProbeTime(d->probe, kMonday0850, kMonday0850), kMonday0850 + 22 * 3600 + 10 * 60);
  // Last probed two days ago: the 07:00 since then was missed: now.
  EXPECT_EQ(nextProbeTime(d->probe, kMonday0850, kMonday0850 - 2 * 86400), kMonday0850);
  auto every = parseDaemonSettings(R"({"schedule": "0 9 * * *"})", "zzjb.json", std::nullopt, 30);
  ASSERT_TRUE(every);
  EXPECT_EQ(nextProbeTime(every->probe, kMonday0850, kMonday0850 - 10), kMonday0850 + 20);
}

TEST(NextPass, EveryStartsNowThenCountsFromTheLastStart) {
  zzjb::cli::DaemonSchedule s;
  s.everySeconds = 5;
  std::mt19937_64 rng(1);
  EXPECT_EQ(nextPassTime(s, 1000, std::nullopt, rng), 1000);
  EXPECT_EQ(nextPassTime(s, 1002, 1000, rng), 1005);
  EXPECT_EQ(nextPassTime(s, 1009, 1000, rng), 1009);  // overdue: now
}

TEST(NextPass, CronPlusARandomDelayWithinTheBound) {
  zzjb::cli::DaemonSchedule s;
  s.crons.push_back(*zzjb::parseCron("0 9 * * *"));
  s.crons.push_back(*zzjb::parseCron("0 13 * * *"));
  s.randomDelaySeconds = 1800;
  std::mt19937_64 rng(42);
  const std::int64_t nine = kMonday0850 + 10 * 60;
  bool varied = false;
  std::optional<std::int64_t> first;
  for (int i = 0; i < 50; ++i) {
    auto t = nextPassTime(s, kMonday0850, std::nullopt, rng);
    ASSERT_TRUE(t);
    EXPECT_GE(*t, nine);
    EXPECT_LE(*t, nine + 1800);
    if (first && *first != *t) varied = true;
    first = t;
  }
  EXPECT_TRUE(varied);
  s.randomDelaySeconds = 0;
  EXPECT_EQ(nextPassTime(s, nine, std::nullopt, rng), nine + 4 * 3600);  // 13:00
  s.crons = {*zzjb::parseCron("0 0 30 2 *")};
  EXPECT_FALSE(nextPassTime(s, nine, std::nullopt, rng));
}

}  // namespace
