// Issue 16, must-show 4: `zzjb status --brief` on 200 schools. The real binary reads a generated
// configuration of 200 schools (copies of the example's 中职, some with long ids and names, two
// paused) and a real SQLite store in which passes are recorded for some of them through the
// store's own API: no login, no platform, a second or two.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "zzjb/core/school_health.hpp"
#include "zzjb/core/state_store.hpp"
#include "zzjb/store/sqlite_store.hpp"

namespace {

using json = nlohmann::json;
using zzjb::test::shellQuote;
using zzjb::test::TempDir;
namespace fs = std::filesystem;

const fs::path kSource = ZZJB_SOURCE_DIR;
constexpr std::size_t kSchools = 200;

// Terminal columns of a UTF-8 line: CJK and full-width forms take two (written here apart from
// zzjb's own count, so that the test does not borrow what it checks).
std::size_t columns(const std::string& s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    char32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
    for (std::size_t k = 1; k < len && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    i += len;
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
    w += wide ? 2 : 1;
  }
  return w;
}

std::vector<std::string> linesOf(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The brief view's order: what needs a person first.
int rankOf(const std::string& state) {
  static const std::map<std::string, int> kRank = {
      {"FAILED", 0},      {"QUARANTINED", 1}, {"KEY_PROBE_FAILED", 2}, {"ACTION", 3},
      {"WAITING", 4},     {"NOT_STARTED", 5}, {"PAUSED", 6},           {"OK", 7}};
  const auto it = kRank.find(state);
  return it == kRank.end() ? -1 : it->second;
}

std::string schoolId(std::size_t i) {
  char buf[64];
  // Every tenth id is too long for its column and is cut.
  std::snprintf(buf, sizeof buf, i % 10 == 3 ? "district-vocational-college-%03zu" : "sch-%03zu", i);
  return buf;
}

class StatusBrief : public ::testing::Test {
 protected:
  void SetUp() override {
    // The example's 中职 school, paths made absolute, copied 200 times.
    json example = json::parse(zzjb::test::readFile(kSource / "config" / "zzjb.example.json"));
    const fs::path cfg = kSource / "config";
    json school = example["schools"][0];
    school["identity"] = {{"key", "file:" + (cfg / "keys" / "xuhui-zz.key").string()},
                          {"certificate", (cfg / "keys" / "xuhui-zz.pem").string()},
                          {"pin", {{"env", "ZZJB_PIN_XUHUI"}}}};
    for (auto& m : school["majors"]) {
      if (m.contains("trainingPlan")) {
        m["trainingPlan"] = (cfg / m["trainingPlan"].get<std::string>()).string();
      }
    }
    json rosters = json::array();
    for (const auto& r : school["rosters"]) rosters.push_back((cfg / r.get<std::string>()).string());
    school["rosters"] = rosters;
    json config = example;
    config.erase("$schema");
    config["catalog"] = (cfg / "catalog.example.json").string();
    config["trustedCAs"] = {(cfg / "keys" / "ca.pem").string(), (cfg / "keys" / "ca-sm2.pem").string()};
    config["platform"]["caBundle"] = (cfg / "keys" / "ca.pem").string();
    config["state"]["path"] = (tmp_.path() / "state" / "zzjb.sqlite").string();
    config["schools"] = json::array();
    for (std::size_t i = 0; i < kSchools; ++i) {
      json s = school;
      s["id"] = schoolId(i);
      s["name"] = i % 7 == 0 ? "上海市第" + std::to_string(i) + "示范职业技术学校暨区域实训中心"
                             : "上海市第" + std::to_string(i) + "职校";
      if (i == 17 || i == 18) {
        s["enabled"] = false;
        s["pausedReason"] = "换发法人一证通，等待新证书（暂停至三月）";
      }
      config["schools"].push_back(s);
    }
    configPath_ = tmp_.path() / "zzjb.json";
    zzjb::test::writeFile(configPath_, config.dump(2));

    // Passes recorded for some schools: every fifth failed, every fourth (else) up to date.
    fs::create_directories(tmp_.path() / "state");
    auto store = zzjb::store::openSqliteStore(tmp_.path() / "state" / "zzjb.sqlite");
    ASSERT_TRUE(store) << store.error().message;
    for (std::size_t i = 0; i < kSchools; ++i) {
      if (i % 5 != 0 && i % 4 != 0) continue;
      zzjb::PassRecord p;
      p.school = schoolId(i);
      p.startedAt = "2027-03-01T01:00:00.000Z";
      p.finishedAt = "2027-03-01T01:00:09.000Z";
      p.outcome = i % 5 == 0 ? zzjb::SchoolOutcomeKind::Failed : zzjb::SchoolOutcomeKind::UpToDate;
      p.summary = "-";
      ASSERT_TRUE((*store)->recordPass(p));
      if (i % 5 == 0 && i != 25) failed_.insert(schoolId(i));
      passed_.insert(schoolId(i));
    }
    // Quarantined (25 by the failed pass recorded above), and a key probe that failed.
    for (const std::size_t i : {std::size_t{21}, std::size_t{22}, std::size_t{25}}) {
      const zzjb::QuarantineFact q{"CERT_EXPIRED", "2027-03-01T01:00:09.000Z", "ab12"};
      ASSERT_TRUE((*store)->putFact(schoolId(i), "quarantine", zzjb::quarantineFactText(q)));
      quarantined_.insert(schoolId(i));
    }
    const zzjb::ProbeFact probe{false, "PIN_WRONG", "2027-03-01T00:00:00.000Z"};
    ASSERT_TRUE((*store)->putFact(schoolId(24), "probe", zzjb::probeFactText(probe)));
  }

  zzjb::test::RunResult status(const std::string& extra) {
    return zzjb::test::run(shellQuote(ZZJB_BIN) + " status --brief --today 2027-03-01 -c " +
                           shellQuote(configPath_.string()) + " " + extra);
  }

  TempDir tmp_;
  fs::path configPath_;
  std::set<std::string> failed_;  // schools whose last pass failed
  std::set<std::string> passed_;  // schools with a pass recorded
  std::set<std::string> quarantined_;
};

TEST_F(StatusBrief, TwoHundredSchoolsAreALineEachActionFirstWithinOneHundredColumns) {
  auto j = status("--json");
  ASSERT_EQ(j.exitCode, 0) << j.err;
  const json doc = json::parse(j.out);
  const auto& rows = doc["schools"];
  ASSERT_EQ(rows.size(), kSchools);

  // Every school exactly once; the failed passes are the failed schools; the paused ones paused.
  std::set<std::string> ids;
  std::set<std::string> failed;
  for (const auto& r : rows) {
    ids.insert(r["id"].get<std::string>());
    if (r["state"] == "FAILED") failed.insert(r["id"].get<std::string>());
    if (r["state"] == "QUARANTINED") {
      EXPECT_TRUE(quarantined_.contains(r["id"].get<std::string>())) << r.dump();
      EXPECT_EQ(r["quarantine"]["code"], "CERT_EXPIRED") << r.dump();
    }
    if (r["id"] == schoolId(24)) {
      EXPECT_EQ(r["state"], "KEY_PROBE_FAILED") << r.dump();
      EXPECT_EQ(r["probe"]["code"], "PIN_WRONG") << r.dump();
    }
    if (r["id"] == schoolId(17) || r["id"] == schoolId(18)) {
      EXPECT_EQ(r["state"], "PAUSED") << r.dump();
      EXPECT_EQ(r["pausedReason"], "换发法人一证通，等待新证书（暂停至三月）");
    } else {
      EXPECT_FALSE(r.contains("pausedReason")) << r.dump();
    }
    EXPECT_EQ(r.contains("lastPass"), passed_.contains(r["id"].get<std::string>())) << r.dump();
  }
  EXPECT_EQ(ids.size(), kSchools);
  EXPECT_EQ(failed, failed_);

  // Ranked: failed, waiting on people, waiting on others, not started, paused, up to date;
  // within a state, more to do first.
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const int a = rankOf(rows[i - 1]["state"]);
    const int b = rankOf(rows[i]["state"]);
    ASSERT_GE(a, 0) << rows[i - 1].dump();
    ASSERT_LE(a, b) << rows[i - 1].dump() << "\nbefore\n" << rows[i].dump();
    if (a == b) {
      EXPECT_GE(rows[i - 1]["todo"].get<std::size_t>(), rows[i]["todo"].get<std::size_t>())
          << rows[i].dump();
    }
  }
  std::size_t counted = 0;
  for (const auto& [state, n] : doc["counts"].items()) counted += n.get<std::size_t>();
  EXPECT_EQ(counted, kSchools);
  EXPECT_EQ(doc["counts"]["FAILED"], failed_.size());
  EXPECT_EQ(doc["counts"]["PAUSED"], 2);
  EXPECT_EQ(doc["counts"]["QUARANTINED"], quarantined_.size());
  EXPECT_EQ(doc["counts"]["KEY_PROBE_FAILED"], 1);

  // The screen: a header, one line per school in the same order, the counts; none wider than
  // 99 columns (no wrap on a 100-column terminal), long ids and names cut with an ellipsis.
  for (const std::string lang : {"", "--lang en"}) {
    auto t = status(lang);
    ASSERT_EQ(t.exitCode, 0) << t.err;
    const auto lines = linesOf(t.out);
    ASSERT_EQ(lines.size(), kSchools + 2) << t.out;
    for (const auto& line : lines) EXPECT_LE(columns(line), 99u) << line;
    for (std::size_t i = 0; i < kSchools; ++i) {
      const std::string id = rows[i]["id"];
      const std::string& line = lines[i + 1];
      if (id.size() <= 14) {
        EXPECT_EQ(line.substr(0, id.size() + 1), id + " ") << line;
      } else {
        EXPECT_EQ(line.substr(0, 13) + "\u2026", line.substr(0, 13 + 3)) << line;
        EXPECT_EQ(line.substr(0, 13), id.substr(0, 13)) << line;
      }
    }
    EXPECT_NE(lines.back().find("200"), std::string::npos) << lines.back();
    if (lang.empty()) {
      EXPECT_NE(lines.front().find("学校"), std::string::npos) << lines.front();
      EXPECT_NE(t.out.find("已暂停"), std::string::npos);
      EXPECT_NE(t.out.find("暂停原因：换发法人"), std::string::npos);
      EXPECT_NE(t.out.find("\u2026"), std::string::npos);
      EXPECT_NE(t.out.find("隔离：CERT_EXPIRED"), std::string::npos);
      EXPECT_NE(t.out.find("密钥检测：PIN_WRONG"), std::string::npos);
    } else {
      EXPECT_NE(lines.front().find("school"), std::string::npos) << lines.front();
      EXPECT_NE(lines.back().find("200 schools"), std::string::npos) << lines.back();
      EXPECT_NE(t.out.find("paused: "), std::string::npos);
    }
  }
}

}  // namespace
