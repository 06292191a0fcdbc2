// Issue 6's must-shows: the real `zzjb run` against the real `zzjb-mock` over TLS on port 0, with a
// rehearsal world of two schools, three certification types and about a thousand students.
// The mock's admin API (state, journal, faults, review policy) is the witness.
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>

#include "mock_process.hpp"
#include "run_fixture.hpp"
#include "language_check.hpp"
#include "test_support.hpp"

namespace {

using json = nlohmann::json;
using zzjb::test::MockProcess;
using zzjb::test::RunResult;
using zzjb::test::RunWorld;
using zzjb::test::shellQuote;
using zzjb::test::TempDir;
namespace fs = std::filesystem;

int currentGraduationYear() {
  std::time_t now = std::time(nullptr) + 8 * 3600;  // Asia/Shanghai
  std::tm tm{};
  gmtime_r(&now, &tm);
  const int year = tm.tm_year + 1900;
  return tm.tm_mon + 1 >= 9 ? year + 1 : year;  // the academic year ends on 31 August
}

class RunTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    keys_ = new TempDir();
    auto made = zzjb::test::run("bash " + shellQuote(std::string(ZZJB_SOURCE_DIR) + "/scripts/make-example-keys.sh") +
                                " " + shellQuote((keys_->path() / "keys").string()));
    ASSERT_EQ(made.exitCode, 0) << made.err;
    zzjb::test::makeExtraSchoolKeys(keys_->path() / "keys", kExtraSchools);
  }
  static void TearDownTestSuite() {
    delete keys_;
    keys_ = nullptr;
  }

  void SetUp() override {
    const fs::path keys = keys_->path() / "keys";
    mock_.emplace(tmp_.path() / "mock",
                  std::vector<std::string>{"--trust-ca", (keys / "ca.pem").string(), "--trust-ca",
                                           (keys / "ca-sm2.pem").string(), "--catalog",
                                           std::string(ZZJB_SOURCE_DIR) + "/config/catalog.example.json",
                                           "--seed", "7"},
                  ZZJB_MOCK_BIN);
    ASSERT_TRUE(mock_->running()) << zzjb::test::readFile(tmp_.path() / "mock" / "stderr");
    admin("POST", "/__admin/review-policy", R"({"mode": "auto-approve", "afterPolls": 1})");
    admin("POST", "/__admin/batch-policy", R"({"doneAfterPolls": 1})");
  }

  void TearDown() override {
    if (mock_) {
      EXPECT_EQ(mock_->stop(), 0);
    }
  }

  // The schools in parallel (RunWorldOptions: 4 at once); `batchRows` rows per declaration
  // file; `extraSchools` more 高职 beside the two (at most kExtraSchools).
  static constexpr std::size_t kExtraSchools = 2;
  RunWorld makeWorld(std::size_t perMajor, int batchRows = 5000, std::size_t extraSchools = 0,
                     bool abilityAtHigher = false) {
    zzjb::test::RunWorldOptions o;
    o.maxBatchRows = batchRows;
    o.extraSchools = extraSchools;
    o.studentsPerMajor = perMajor;
    o.specialAbility = true;  // a special-ability target among the others (issue 14)
    o.specialAbilityAtHigher = abilityAtHigher;
    o.graduationYear = currentGraduationYear();
    o.baseUrl = mock_->base();
    o.caBundle = mock_->caFile();
    o.keysDir = keys_->path() / "keys";
    o.catalog = fs::path(ZZJB_SOURCE_DIR) / "config" / "catalog.example.json";
    return zzjb::test::makeRunWorld(tmp_.path() / "world", o);
  }

  json admin(const std::string& method, const std::string& path, const std::string& body = "") {
    std::string cmd = "curl -sS --max-time 30 --cacert " + shellQuote(mock_->caFile().string()) +
                      " -X " + method + " ";
    if (!body.empty()) cmd += "-H 'Content-Type: application/json' --data-binary " + shellQuote(body) + " ";
    auto r = zzjb::test::run(cmd + shellQuote(mock_->base() + path));
    EXPECT_EQ(r.exitCode, 0) << r.err;
    try {
      return json::parse(r.out);
    } catch (const std::exception&) {
      ADD_FAILURE() << "admin " << path << " answered: " << r.out;
      return json();
    }
  }

  // `zzjb ARGS` with extra environment variables first (fast polls are in the world's config).
  RunResult zzjb(const std::string& args, const std::string& env = "") {
    return zzjb::test::run("env " + env + " " + shellQuote(ZZJB_BIN) + " " + args);
  }
  RunResult pass(const RunWorld& w, const std::string& env = "") {
    return zzjb("run -c " + shellQuote(w.config.string()), env);
  }

  // What the centre grants xuhui-zz itself: 职业资格鉴定 (电工 四级) and 专项职业能力考核 (网店运营).
  void grantByCentre() {
    json r = admin("POST", "/__admin/permissions",
                   R"({"creditCode": "12310104MB2F000081", "matter": "职业资格鉴定", "node": null,
                       "occupationCode": "6-31-01-03", "occupationName": "电工", "level": 4,
                       "evaluationOrg": null})");
    EXPECT_EQ(r.value("status", ""), "ok") << r.dump();
    r = admin("POST", "/__admin/permissions",
              R"({"creditCode": "12310104MB2F000081", "matter": "专项职业能力考核", "node": null,
                  "abilityCode": "ZX-0301", "abilityName": "网店运营"})");
    EXPECT_EQ(r.value("status", ""), "ok") << r.dump();
  }

  // "creditCode|idNumber|occupationCode|level" of every declaration the mock holds, and how
  // many times each one appears.
  std::map<std::string, int> declarations() {
    json state = admin("GET", "/__admin/state");
    std::map<std::string, int> out;
    for (const auto& d : state["declarations"]) {
      const std::string who = d["creditCode"].get<std::string>() + "|" + d["idNumber"].get<std::string>();
      if (d.value("abilityCode", json()).is_string()) {
        ++out[who + "|" + d["abilityCode"].get<std::string>() + "|ability"];
      } else {
        ++out[who + "|" + d["occupationCode"].get<std::string>() + "|" +
              std::to_string(d["level"].get<int>())];
      }
    }
    return out;
  }
  // How many schools (credit codes) hold declarations.
  static std::size_t schoolsIn(const std::map<std::string, int>& m) {
    std::set<std::string> credits;
    for (const auto& [k, n] : m) credits.insert(k.substr(0, k.find('|')));
    return credits.size();
  }
  static std::set<std::string> keysOf(const std::map<std::string, int>& m) {
    std::set<std::string> s;
    for (const auto& [k, n] : m) s.insert(k);
    return s;
  }
  // Rows the platform rejected as DUPLICATE: a student sent twice.
  std::size_t duplicateRows() {
    json state = admin("GET", "/__admin/state");
    std::size_t n = 0;
    for (const auto& b : state["batches"]) {
      for (const auto& r : b["rows"]) {
        if (r.value("reason", json()).is_string() && r["reason"] == "DUPLICATE") ++n;
      }
    }
    return n;
  }
  long lastJournalSeq() {
    json j = admin("GET", "/__admin/journal?since=0");
    long seq = 0;
    for (const auto& i : j["items"]) seq = std::max(seq, i["seq"].get<long>());
    return seq;
  }
  // Requests since `seq` that would create something on the platform.
  std::vector<std::string> creatingRequestsSince(long seq) {
    json j = admin("GET", "/__admin/journal?since=" + std::to_string(seq));
    std::vector<std::string> out;
    for (const auto& i : j["items"]) {
      const std::string method = i["method"];
      const std::string path = i["path"];
      if (path.starts_with("/__admin")) continue;
      if ((method == "PUT" && path.starts_with("/api/v1/account")) ||
          (method == "POST" && path.starts_with("/api/v1/skills/"))) {
        out.push_back(method + " " + path);
      }
    }
    return out;
  }
  std::vector<std::string> platformRequestsSince(long seq) {
    json j = admin("GET", "/__admin/journal?since=" + std::to_string(seq));
    std::vector<std::string> out;
    for (const auto& i : j["items"]) {
      const std::string path = i["path"];
      if (!path.starts_with("/__admin")) out.push_back(i["method"].get<std::string>() + " " + path);
    }
    return out;
  }

  // Passes until the mock holds every expected declaration (at most `limit`), granting the
  // 职业资格鉴定 permission once the account exists.
  void passUntilDone(const RunWorld& w, int limit = 4, const std::string& env = "") {
    for (int i = 0; i < limit; ++i) {
      auto r = pass(w, env);
      EXPECT_TRUE(r.exitCode == 0 || r.exitCode == 65 || r.exitCode == 75)
          << "pass " << i << " exit " << r.exitCode << "\n" << r.err << r.out;
      if (i == 0) grantByCentre();
      if (keysOf(declarations()) == w.expectedDeclarations()) return;
    }
  }

  static TempDir* keys_;
  TempDir tmp_;
  std::optional<MockProcess> mock_;
};

TempDir* RunTest::keys_ = nullptr;

// Must-shows 1 and 2.
TEST_F(RunTest, PassesDeclareExactlyTheEligibleStudentsOnceAndOneMorePassSendsNothing) {
  RunWorld w = makeWorld(250);
  ASSERT_EQ(w.students.size(), 1250u);  // 5 majors, one of them an ability's
  const auto expected = w.expectedDeclarations();
  ASSERT_GT(expected.size(), 950u);  // a fifth of the ability major chose another ability
  ASSERT_LT(expected.size(), 1250u);

  auto first = pass(w);
  // Roster rows with errors (wrong check characters) are reported and left out: exit 65.
  EXPECT_EQ(first.exitCode, 65) << first.err << first.out;
  grantByCentre();
  auto second = pass(w);
  EXPECT_EQ(second.exitCode, 65) << second.err << second.out;

  auto held = declarations();
  EXPECT_EQ(keysOf(held), expected);
  for (const auto& [k, n] : held) EXPECT_EQ(n, 1) << k;
  EXPECT_EQ(duplicateRows(), 0u);

  const long before = lastJournalSeq();
  auto third = pass(w);
  EXPECT_EQ(third.exitCode, 65) << third.err;
  EXPECT_EQ(creatingRequestsSince(before), std::vector<std::string>{});
  EXPECT_EQ(platformRequestsSince(before), std::vector<std::string>{})
      << "a pass with nothing to do does not even log in";
  EXPECT_EQ(declarations(), held);

  // The report names every excluded student's reason.
  const auto reportFile = tmp_.path() / "report.json";
  auto rep = zzjb("report -c " + shellQuote(w.config.string()) + " --format json -o " +
                  shellQuote(reportFile.string()));
  ASSERT_EQ(rep.exitCode, 0) << rep.err;
  json report = json::parse(zzjb::test::readFile(reportFile));
  std::map<std::string, std::size_t> excluded;
  for (const auto& school : report["schools"]) {
    for (const auto& target : school["targets"]) {
      for (const auto& e : target["evaluation"]["excluded"]) {
        ++excluded[e["code"].get<std::string>()];
        EXPECT_FALSE(e.value("reason", "").empty()) << e.dump();
      }
    }
  }
  EXPECT_EQ(excluded, w.expectedExclusions());
  const std::string text = zzjb::test::readFile(reportFile);
  for (const auto& s : w.students) {
    ASSERT_EQ(text.find(s.id), std::string::npos) << "the report holds a full ID number";
  }
}

// Issue 15, item 3: every student a school has. The world's rosters hold one student of each
// 证件类型 the platform's template takes (and one with the 证件类型 left blank) per 25 rows; each is
// declared exactly once, and the platform holds it with its own 证件类型.
TEST_F(RunTest, EveryIdTypeTheTemplateTakesIsDeclaredOnceWithItsOwnIdType) {
  RunWorld w = makeWorld(25);
  passUntilDone(w);
  json state = admin("GET", "/__admin/state");
  std::map<std::string, std::vector<std::string>> held;  // creditCode|idNumber|scope → 证件类型
  for (const auto& d : state["declarations"]) {
    const std::string scope = d.value("abilityCode", json()).is_string()
                                  ? d["abilityCode"].get<std::string>() + "|ability"
                                  : d["occupationCode"].get<std::string>() + "|" +
                                        std::to_string(d["level"].get<int>());
    held[d["creditCode"].get<std::string>() + "|" + d["idNumber"].get<std::string>() + "|" + scope]
        .push_back(d.value("idType", ""));
  }
  const auto expected = w.expectedDeclarations();
  std::map<std::string, std::size_t> declaredByType;
  for (const auto& s : w.students) {
    if (!s.eligible) continue;
    const std::string credit = s.school == "xuhui-zz" ? zzjb::test::kSecondaryCredit
                                                      : zzjb::test::kHigherCredit;
    const std::string key = credit + "|" + s.id + "|" +
                            (s.abilityCode.empty() ? s.occupationCode + "|" + std::to_string(s.level)
                                                   : s.abilityCode + "|ability");
    ASSERT_TRUE(expected.contains(key)) << key;
    auto it = held.find(key);
    ASSERT_NE(it, held.end()) << s.idType << " " << key << " not declared";
    EXPECT_EQ(it->second, std::vector<std::string>{s.idType}) << key;
    ++declaredByType[s.idType];
  }
  for (const char* type : {"居民身份证", "港澳台居民居住证", "港澳居民来往内地通行证",
                           "台湾居民来往大陆通行证", "护照"}) {
    EXPECT_GE(declaredByType[type], 4U) << type << ": one per major at least";
  }
  EXPECT_EQ(held.size(), expected.size());
  EXPECT_EQ(duplicateRows(), 0u);
  // What remains is excluded with the one advice, nowhere "in person".
  auto check = zzjb("check --json -c " + shellQuote(w.config.string()));
  const json j = json::parse(check.out);
  std::size_t idType = 0;
  for (const auto& school : j["schools"]) {
    for (const auto& f : school["findings"]) {
      if (f["code"] != "ID_TYPE") continue;
      ++idType;
      EXPECT_NE(f["hint"].get<std::string>().find("护照"), std::string::npos) << f.dump();
    }
  }
  EXPECT_EQ(idType, w.expectedExclusions()["ID_TYPE"]) << check.out;
}

// Issue 11, class 5: a roster cell that is not UTF-8 once failed the whole target ("this is a
// bug"). Now its row is a finding at its line and every other student is still declared.
TEST_F(RunTest, ARosterCellThatIsNotUtf8LeavesOutItsRowAndThePassDeclaresTheOthers) {
  RunWorld w = makeWorld(20);
  const fs::path roster = w.dir / "xuhui-zz-roster.csv";
  ASSERT_TRUE(fs::exists(roster));
  std::string text = zzjb::test::readFile(roster);
  const std::size_t badLine = zzjb::test::lines(text).size() + 1;
  std::ofstream(roster, std::ios::binary | std::ios::app) << "\xFF\xFE\xC3(,居民身份证,x\n";
  passUntilDone(w);
  EXPECT_EQ(keysOf(declarations()), w.expectedDeclarations());
  auto last = pass(w);
  EXPECT_EQ(last.exitCode, 65) << last.err << last.out;
  EXPECT_EQ((last.out + last.err).find("this is a bug"), std::string::npos) << last.out;
  EXPECT_NE((last.out + last.err).find("行有错误：这些学生未申报"), std::string::npos) << last.out;
  // `check` names the row and its cell's column.
  auto check = zzjb("check --json -c " + shellQuote(w.config.string()));
  const json j = json::parse(check.out);
  bool named = false;
  for (const auto& school : j["schools"]) {
    for (const auto& f : school["findings"]) {
      named = named || (f["code"] == "ROSTER_CELL_NOT_UTF8" && f["line"] == badLine);
    }
  }
  EXPECT_TRUE(named) << check.out;
}

TEST_F(RunTest, DryRunSaysWhatItWouldSendAndSendsAndWritesNothing) {
  RunWorld w = makeWorld(20);
  auto dry = zzjb("run --dry-run -c " + shellQuote(w.config.string()));
  EXPECT_EQ(dry.exitCode, 65) << dry.err;  // the roster's bad rows, reported as in a real pass
  EXPECT_NE(dry.out.find("将发送：开户申请：PUT /api/v1/account"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("将发送：团体申报权限申请：POST /api/v1/skills/permission-applications"),
            std::string::npos);
  EXPECT_NE(dry.out.find("将发送：团体申报：POST /api/v1/skills/group-declarations"),
            std::string::npos);
  // The same in English when asked.
  auto en = zzjb("--lang en run --dry-run -c " + shellQuote(w.config.string()));
  EXPECT_EQ(en.exitCode, 65) << en.err;
  EXPECT_NE(en.out.find("would send: Account application: PUT /api/v1/account"), std::string::npos)
      << en.out;
  EXPECT_NE(en.out.find("would send: Group declaration: POST /api/v1/skills/group-declarations"),
            std::string::npos);
  EXPECT_EQ(platformRequestsSince(0), std::vector<std::string>{});
  EXPECT_FALSE(fs::exists(w.dir / "state")) << "a dry run created the state store";
  for (const auto& st : w.students) {
    ASSERT_EQ((dry.out + dry.err).find(st.id), std::string::npos) << "a full ID number was printed";
  }
}

TEST_F(RunTest, OnATerminalAPassShowsALiveProgressLine) {
  RunWorld w = makeWorld(20);
  // script(1) gives zzjb a terminal; TERM makes it a capable one.
  auto r = zzjb::test::run("TERM=xterm script -qec " +
                           shellQuote(std::string(ZZJB_BIN) + " run -c " + w.config.string()) +
                           " /dev/null");
  // Schools done / running / waiting, then the school heard from last (both run at once).
  EXPECT_NE(r.out.find("\r\x1b[K[已完成 0 · "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" · 进行中 2 · "), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(· 等待 \d+\] xuhui-zz)"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(· 等待 \d+\] pudong-gz)"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(· \d+/\d+ 人)")))
      << "no row counts on the progress line";
}

TEST_F(RunTest, ASchoolWithNothingMissingDoesNotOpenItsKey) {
  RunWorld w = makeWorld(10);
  pass(w);
  grantByCentre();  // once the first pass has made the account
  pass(w);
  ASSERT_EQ(keysOf(declarations()), w.expectedDeclarations());
  // The USB key is unplugged: nothing is missing, so nothing asks for it (no PIN, no login).
  std::string config = zzjb::test::readFile(w.config);
  for (const char* key : {"xuhui-zz.key", "pudong-gz.key"}) {
    config.replace(config.find(key), std::string(key).size(), "unplugged.key");
  }
  zzjb::test::writeFile(w.config, config);
  const long before = lastJournalSeq();
  auto r = pass(w);
  EXPECT_EQ(r.exitCode, 65) << r.err;  // the roster's bad rows, not 77
  EXPECT_EQ(platformRequestsSince(before), std::vector<std::string>{});
}

// Issue 7: the reminders of the report are logged at the end of a run, once each, as warning lines
// with the school. 15 March of the graduation year: the April window for 附件1 opens in 17 days.
TEST_F(RunTest, ARunLogsTheCurrentRemindersOnceEach) {
  RunWorld w = makeWorld(10);
  const std::string today = std::to_string(currentGraduationYear()) + "-03-15";
  auto r = zzjb("run --no-progress --today " + today + " -c " + shellQuote(w.config.string()));
  EXPECT_TRUE(r.exitCode == 0 || r.exitCode == 65) << r.exitCode << "\n" << r.err;
  const std::string due = std::to_string(currentGraduationYear()) + "-04-01";
  for (const char* school : {"xuhui-zz", "pudong-gz"}) {
    const std::string head = std::string(" warning ") + school + " - 提醒：";
    const auto at = r.err.find(head);
    ASSERT_NE(at, std::string::npos) << school << "\n" << r.err;
    const std::string line = r.err.substr(at, r.err.find('\n', at) - at);
    EXPECT_NE(line.find("reminder=EVALUATION_WINDOW days=17 due=" + due), std::string::npos) << line;
    EXPECT_EQ(r.err.find(head, at + 1), std::string::npos) << "logged twice\n" << r.err;
  }
  // The same as JSON lines.
  auto j = zzjb("run --log-format json --today " + today + " -c " + shellQuote(w.config.string()));
  std::size_t reminders = 0;
  std::size_t start = 0;
  while (start < j.err.size()) {
    const std::size_t end = j.err.find('\n', start);
    const std::string line = j.err.substr(start, end - start);
    start = end == std::string::npos ? j.err.size() : end + 1;
    if (line.find("\"reminder\"") == std::string::npos) continue;
    const json doc = json::parse(line);
    EXPECT_EQ(doc["level"], "warning") << line;
    EXPECT_EQ(doc["reminder"], "EVALUATION_WINDOW") << line;
    EXPECT_EQ(doc["due"], due) << line;
    ++reminders;
  }
  EXPECT_EQ(reminders, 2u) << j.err;
  // The pass recorded what the key said about its PIN (the example keys: files).
  auto status = zzjb("status --today " + today + " -c " + shellQuote(w.config.string()));
  EXPECT_NE(status.out.find(" PIN "), std::string::npos) << status.out << status.err;
}

TEST_F(RunTest, AnotherPassOnTheSameStoreIsRefusedWhileOneRuns) {
  RunWorld w = makeWorld(10);
  // Hold the lock as a running pass would.
  auto held = zzjb::test::run("mkdir -p " + shellQuote((w.dir / "state").string()) +
                              " && flock -n " + shellQuote((w.dir / "state" / "zzjb.sqlite.lock").string()) +
                              " " + shellQuote(ZZJB_BIN) + " run -c " +
                              shellQuote(w.config.string()));
  EXPECT_EQ(held.exitCode, 75) << held.err;
  EXPECT_NE(held.err.find("另一轮 zzjb 正在使用此状态库"), std::string::npos) << held.err;
  EXPECT_EQ(platformRequestsSince(0), std::vector<std::string>{});
}

// Issue 16, must-show 2: on a fresh machine the state directory does not exist yet.
TEST_F(RunTest, AFirstRunMakesItsMissingNestedStateDirectoryPrivateAndDeclares) {
  RunWorld w = makeWorld(6);  // below the world's first row with errors (the 8th): exit 0
  const fs::path stateDir = w.dir / "var" / "lib" / "zzjb";  // three levels missing
  json config = json::parse(zzjb::test::readFile(w.config));
  config["state"]["path"] = (stateDir / "zzjb.sqlite").string();
  zzjb::test::writeFile(w.config, config.dump(2));
  ASSERT_FALSE(fs::exists(w.dir / "var"));

  auto first = zzjb("run --school pudong-gz -c " + shellQuote(w.config.string()));
  EXPECT_EQ(first.exitCode, 0) << first.err << first.out;
  struct stat st {};
  ASSERT_EQ(::stat(stateDir.c_str(), &st), 0) << first.err;
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  ASSERT_EQ(::stat((w.dir / "var").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  EXPECT_TRUE(fs::exists(stateDir / "zzjb.sqlite"));
  std::set<std::string> pudong;
  for (const auto& k : w.expectedDeclarations()) {
    if (k.starts_with(zzjb::test::kHigherCredit)) pudong.insert(k);
  }
  ASSERT_FALSE(pudong.empty());
  EXPECT_EQ(keysOf(declarations()), pudong) << first.err;
}

// Issue 16, must-show 2: where the state directory cannot be made or written, the refusal says
// what to create (owner, mode) or which state.path to set, and exits 78: never 75 ("wait for it
// to finish"), which only a lock really held gets. As root, zzjb runs as nobody (65534) against
// directories of root's, which is the real case (the zzjb user, /var/lib root's).
TEST_F(RunTest, AStateDirectoryThatCannotBeMadeOrWrittenGetsAdviceThatFitsAndSeventyEight) {
  RunWorld w = makeWorld(10);
  const bool root = ::geteuid() == 0;
  const fs::path locked = tmp_.path() / "readonly";
  fs::create_directories(locked);
  fs::permissions(locked, root ? fs::perms(0755) : fs::perms(0555));
  if (root) {
    // nobody must read the configuration: the test's own directories are opened to it; above
    // them, the build's directories must already let others through.
    for (fs::path p = tmp_.path().parent_path(); p != p.root_path(); p = p.parent_path()) {
      struct stat st {};
      if (::stat(p.c_str(), &st) != 0 || (st.st_mode & S_IXOTH) == 0) {
        GTEST_SKIP() << p << " does not let other users through";
      }
    }
    for (const fs::path& p : {tmp_.path(), w.dir}) ::chmod(p.c_str(), 0755);
  }
  const std::string as = root ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  const passwd* me = ::getpwuid(::geteuid());
  ASSERT_NE(me, nullptr);
  const std::string user = root ? "nobody" : me->pw_name;
  auto runWith = [&](const fs::path& statePath, const std::string& flags = "") {
    json config = json::parse(zzjb::test::readFile(w.config));
    config["state"]["path"] = statePath.string();
    zzjb::test::writeFile(w.config, config.dump(2));
    ::chmod(w.config.c_str(), 0644);
    return zzjb::test::run("env ZZJB_LANG=en " + as + shellQuote(ZZJB_BIN) + " run " + flags +
                           " -c " + shellQuote(w.config.string()));
  };

  // Its parent cannot be written: create it (owner, mode), or set state.path.
  const fs::path missing = locked / "zzjb";
  auto made = runWith(missing / "zzjb.sqlite");
  EXPECT_EQ(made.exitCode, 78) << made.err;
  EXPECT_NE(made.err.find("install -d -m 0700 -o " + user), std::string::npos) << made.err;
  EXPECT_NE(made.err.find(" " + missing.string() + ";"), std::string::npos) << made.err;
  EXPECT_NE(made.err.find("state.path in " + w.config.string()), std::string::npos) << made.err;
  EXPECT_EQ(made.err.find("wait for it"), std::string::npos) << made.err;
  EXPECT_FALSE(fs::exists(missing));
  // As a JSON log line: a refusal of no school has no "school" key (never null).
  auto logged = runWith(missing / "zzjb.sqlite", "--log-format json");
  EXPECT_EQ(logged.exitCode, 78) << logged.err;
  const std::string line = logged.err.substr(0, logged.err.find('\n'));
  const auto doc = json::parse(line);
  EXPECT_EQ(doc["level"], "error") << line;
  EXPECT_FALSE(doc.contains("school")) << line;
  EXPECT_NE(doc["message"].get<std::string>().find("install -d -m 0700"), std::string::npos) << line;

  // It exists but is not this user's to write in: chown it, or run as its owner.
  auto written = runWith(locked / "zzjb.sqlite");
  EXPECT_EQ(written.exitCode, 78) << written.err;
  EXPECT_NE(written.err.find("cannot write in the state directory " + locked.string()),
            std::string::npos) << written.err;
  EXPECT_NE(written.err.find("chown " + user), std::string::npos) << written.err;
  EXPECT_EQ(written.err.find("wait for it"), std::string::npos) << written.err;
  EXPECT_EQ(platformRequestsSince(0), std::vector<std::string>{});
  fs::permissions(locked, fs::perms(0755));
}

TEST_F(RunTest, SigtermEndsAPassWaitingOutRetryAfterAtOnceAndTheNextPassCompletes) {
  RunWorld w = makeWorld(10);
  admin("POST", "/__admin/faults",
        R"({"seed": 1, "rules": [{"method": "POST", "path": "group-declarations",
            "probability": 1.0, "kind": "status", "status": 503, "retryAfter": 30}]})");
  const std::string cmd = shellQuote(ZZJB_BIN) + " run -c " +
                          shellQuote(w.config.string());
  const fs::path log = tmp_.path() / "sigterm.log";
  // SIGTERM goes once the pass is in its Retry-After wait: once the mock's journal holds the
  // 503 it answered (polled here, up to 60 s, however slow the machine), not after a fixed time.
  const std::string journalHas503 =
      "curl -sS --max-time 5 --cacert " + shellQuote(mock_->caFile().string()) + " " +
      shellQuote(mock_->base() + "/__admin/journal?since=0") +
      " | jq -e '[.items[] | select((.path | test(\"group-declarations\")) and .status == 503)]"
      " | length > 0' >/dev/null";
  auto r = zzjb::test::run(cmd + " 2>" + shellQuote(log.string()) + " >/dev/null & pid=$!; "
                                 "for i in $(seq 600); do " + journalHas503 + " && break; sleep 0.1; done; "
                                 "start=$(date +%s%N); kill -TERM $pid; "
                                 "wait $pid; rc=$?; end=$(date +%s%N); "
                                 "echo \"rc=$rc ms=$(( (end - start) / 1000000 ))\"");
  int rc = -1;
  long ms = -1;
  ASSERT_EQ(std::sscanf(r.out.c_str() + r.out.rfind("rc="), "rc=%d ms=%ld", &rc, &ms), 2) << r.out;
  EXPECT_EQ(rc, 75) << zzjb::test::readFile(log);
  EXPECT_LT(ms, 2000) << "SIGTERM waited out the Retry-After";
  const std::string err = zzjb::test::readFile(log);
  EXPECT_NE(err.find("按要求停止"), std::string::npos) << err;
  admin("DELETE", "/__admin/faults");
  passUntilDone(w, 3);
  auto held = declarations();
  EXPECT_EQ(keysOf(held), w.expectedDeclarations());
  for (const auto& [k, n] : held) EXPECT_EQ(n, 1) << k;
}

// Must-show 3.
TEST_F(RunTest, ARejectedPermissionIsReportedWithItsReasonAndItsStudentsAreNotSent) {
  admin("POST", "/__admin/review-policy", R"({"mode": "auto-reject", "afterPolls": 1})");
  RunWorld w = makeWorld(30);
  auto first = pass(w);
  EXPECT_TRUE(first.exitCode == 0 || first.exitCode == 65) << first.exitCode << first.err;
  json state = admin("GET", "/__admin/state");
  // 计算机程序设计员 for both schools, 汽车维修工 for the 高职 (the 电工 is the centre's to grant).
  ASSERT_EQ(state["applications"].size(), 3u) << state["applications"].dump();
  for (const auto& a : state["applications"]) EXPECT_EQ(a["status"], "REJECTED");
  EXPECT_TRUE(state["batches"].empty()) << "students of a rejected (or missing) permission were sent";

  const long before = lastJournalSeq();
  auto second = pass(w);
  EXPECT_EQ(creatingRequestsSince(before), std::vector<std::string>{})
      << "a rejected application is not sent again";
  state = admin("GET", "/__admin/state");
  EXPECT_EQ(state["applications"].size(), 3u);
  EXPECT_TRUE(state["batches"].empty());

  const auto reportFile = tmp_.path() / "report.json";
  auto rep = zzjb("report -c " + shellQuote(w.config.string()) + " --format json -o " +
                  shellQuote(reportFile.string()));
  ASSERT_EQ(rep.exitCode, 0) << rep.err;
  json report = json::parse(zzjb::test::readFile(reportFile));
  std::size_t rejected = 0;
  for (const auto& school : report["schools"]) {
    for (const auto& target : school["targets"]) {
      if (target["permission"]["state"] != "REJECTED") continue;
      ++rejected;
      EXPECT_FALSE(target["permission"]["reason"].get<std::string>().empty()) << target.dump();
      EXPECT_FALSE(target["permission"]["hint"].get<std::string>().empty()) << target.dump();
      EXPECT_EQ(target["declarations"]["declared"], 0) << target.dump();
    }
  }
  EXPECT_EQ(rejected, 3u) << report.dump(1);
}

// Must-show 4.
TEST_F(RunTest, ASessionThatExpiresMidPassIsRenewedAndThePassCompletes) {
  RunWorld w = makeWorld(60, 20);
  // Sessions end under the pass: on polls and on uploads, three times in ten, at most three times
  // each (zzjb logs in again three times for one request before it gives up: with schools in
  // parallel, which request draws which number varies, and four in a row did happen under load).
  admin("POST", "/__admin/faults",
        R"({"seed": 3, "rules": [{"method": "GET", "path": "^/api/v1/skills/", "probability": 0.3,
            "kind": "session-expire", "limit": 3}, {"method": "POST", "path": "group-declarations",
            "probability": 0.3, "kind": "session-expire", "limit": 3}]})");
  auto first = pass(w);
  EXPECT_EQ(first.exitCode, 65) << first.err << first.out;  // 65: the roster's bad rows
  std::size_t logins = 0;
  for (const auto& r : platformRequestsSince(0)) logins += r == "POST /api/v1/auth/login";
  EXPECT_GT(logins, 1u) << "no session was renewed: the test proves nothing";
  // Everything but the targets the centre grants (职业资格鉴定, 专项职业能力考核: not granted
  // yet) is declared in that one pass.
  std::set<std::string> expected;
  for (const auto& k : w.expectedDeclarations()) {
    if (k.find("|6-31-01-03|") == std::string::npos && k.find("|ability") == std::string::npos) {
      expected.insert(k);
    }
  }
  EXPECT_EQ(keysOf(declarations()), expected);
  grantByCentre();
  passUntilDone(w, 3);
  EXPECT_EQ(keysOf(declarations()), w.expectedDeclarations());
  EXPECT_EQ(duplicateRows(), 0u);
}

// Issue 14, must-shows 1 and 2: a special-ability target (专项职业能力考核) has no occupation
// code and no level, in a 中职 and a 高职 school alike; check passes; forms, status and report
// name the ability and no level; a pass declares exactly the students who chose it once the centre
// grants it, in a sheet of the ability's columns; one more pass sends nothing; the students who
// chose another ability are listed as expected and the school is not 需处理 for them.
TEST_F(RunTest, ASpecialAbilityTargetIsDeclaredWithoutALevelForExactlyTheStudentsWhoChoseIt) {
  // Five per major: no bad rows (those start at the 8th), one of the next graduation year, and
  // the fifth student of each ability major chose another ability.
  RunWorld w = makeWorld(5, 5000, 0, /*abilityAtHigher=*/true);
  const std::string cfg = " -c " + shellQuote(w.config.string());

  auto check = zzjb("check" + cfg + " --json");
  ASSERT_EQ(check.exitCode, 0) << check.out << check.err;
  json checked = json::parse(check.out);
  std::size_t abilityTargets = 0;
  for (const auto& school : checked["schools"]) {
    for (const auto& t : school["targets"]) {
      if (t["type"] != "special-ability") continue;
      ++abilityTargets;
      EXPECT_EQ(t["abilityCode"], "ZX-0301");
      EXPECT_EQ(t["abilityName"], "网店运营");
      EXPECT_TRUE(t["level"].is_null()) << t.dump();
      EXPECT_EQ(t["occupationCode"], "");
      EXPECT_EQ(t["title"], "ZX-0301 网店运营（专项能力）");
      EXPECT_EQ(t["eligibleCount"], 3) << t.dump();  // 5 − next year's − another ability
    }
    for (const auto& f : school["findings"]) {
      EXPECT_NE(f.value("severity", ""), "ERROR") << f.dump();
      EXPECT_NE(f.value("code", ""), "OTHER_ABILITY") << "an expected exclusion is no finding";
    }
  }
  EXPECT_EQ(abilityTargets, 2u) << "one at the 中职, one at the 高职";

  // 附件2 (the account form) names the ability with a blank level; 附件1 (the 专业评估 form)
  // does not list it: the type needs no evaluation.
  for (const std::string school : {"xuhui-zz", "pudong-gz"}) {
    const auto out = tmp_.path() / ("forms-" + school);
    auto forms = zzjb("forms" + cfg + " --school " + school + " -o " + shellQuote(out.string()));
    ASSERT_EQ(forms.exitCode, 0) << forms.err;
    const std::string account =
        zzjb::test::readFile(out / (school + "-附件2-团体申报开户申请表.html"));
    const std::string evaluation =
        zzjb::test::readFile(out / (school + "-附件1-职业技能评价专业评估申请表.html"));
    EXPECT_NE(account.find("网店运营"), std::string::npos) << school;
    EXPECT_EQ(evaluation.find("网店运营"), std::string::npos) << school;
    EXPECT_EQ(account.find("网店运营</td><td class=\"c\" data-field=\"rows[1].level\">四级"),
              std::string::npos);
  }

  auto first = pass(w);  // the ability waits for the centre
  const std::string abilityKey = "|ZX-0301|ability";
  for (const auto& [k, n] : declarations()) {
    EXPECT_EQ(k.find(abilityKey), std::string::npos) << "declared before the grant: " << k;
  }
  EXPECT_NE(first.out.find("专项职业能力考核"), std::string::npos) << first.out;
  grantByCentre();
  json granted = admin("POST", "/__admin/permissions",
                       R"({"creditCode": "12310115MB2P00007G", "matter": "专项职业能力考核",
                           "node": null, "abilityCode": "ZX-0301", "abilityName": "网店运营"})");
  EXPECT_EQ(granted.value("status", ""), "ok") << granted.dump();
  auto second = pass(w);
  EXPECT_EQ(second.exitCode, 0) << second.out << second.err;
  auto held = declarations();
  std::set<std::string> heldAbility, expectedAbility;
  for (const auto& [k, n] : held) {
    EXPECT_EQ(n, 1) << k;
    if (k.find(abilityKey) != std::string::npos) heldAbility.insert(k);
  }
  for (const auto& k : w.expectedDeclarations()) {
    if (k.find(abilityKey) != std::string::npos) expectedAbility.insert(k);
  }
  EXPECT_EQ(heldAbility.size(), 6u);  // three at each school
  EXPECT_EQ(heldAbility, expectedAbility);
  EXPECT_EQ(keysOf(held), w.expectedDeclarations());

  // The mock holds the sheet's header as sent: the ability's columns, no 职业编码, no 申报等级.
  json state = admin("GET", "/__admin/state");
  std::size_t abilityBatches = 0;
  for (const auto& b : state["batches"]) {
    if (!b.value("abilityCode", json()).is_string()) continue;
    ++abilityBatches;
    const auto header = b["header"].get<std::vector<std::string>>();
    ASSERT_GE(header.size(), 14u);
    EXPECT_EQ(header[12], "专项能力名称");
    EXPECT_EQ(header[13], "专项能力编码");
    EXPECT_EQ(std::find(header.begin(), header.end(), "申报等级"), header.end());
    EXPECT_EQ(std::find(header.begin(), header.end(), "职业编码"), header.end());
  }
  EXPECT_EQ(abilityBatches, 2u);

  const long before = lastJournalSeq();
  auto third = pass(w);
  EXPECT_EQ(third.exitCode, 0) << third.err;
  EXPECT_EQ(creatingRequestsSince(before), std::vector<std::string>{});
  EXPECT_EQ(declarations(), held);

  auto status = zzjb("status" + cfg);
  ASSERT_EQ(status.exitCode, 0) << status.err;
  EXPECT_NE(status.out.find("ZX-0301 网店运营（专项能力）"), std::string::npos) << status.out;
  EXPECT_EQ(status.out.find("网店运营（专项能力） · "), std::string::npos) << "no level";

  const auto reportFile = tmp_.path() / "ability-report.json";
  auto rep = zzjb("report" + cfg + " --format json -o " + shellQuote(reportFile.string()));
  ASSERT_EQ(rep.exitCode, 0) << rep.err;
  json report = json::parse(zzjb::test::readFile(reportFile));
  for (const auto& school : report["schools"]) {
    EXPECT_NE(school["health"], "ACTION") << school.dump(2);  // not 需处理 for the other ability
    for (const auto& a : school["actions"]) {
      EXPECT_EQ(a.dump().find("短视频制作"), std::string::npos) << a.dump();
    }
    bool seen = false;
    for (const auto& t : school["targets"]) {
      if (t["type"] != "special-ability") continue;
      seen = true;
      EXPECT_EQ(t["title"], "ZX-0301 网店运营（专项能力）");
      EXPECT_EQ(t["health"], "OK") << t.dump(2);
      bool expectedListed = false;
      for (const auto& rc : t["evaluation"]["excludedByReason"]) {
        if (rc["code"] == "OTHER_ABILITY") {
          expectedListed = true;
          EXPECT_EQ(rc["expected"], true);
          EXPECT_EQ(rc["count"], 1);
        }
      }
      EXPECT_TRUE(expectedListed) << t.dump(2);
    }
    EXPECT_TRUE(seen);
  }
}

// Must-show 5: kill -9 at each point, then another pass.
class KillNineTest : public RunTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(KillNineTest, AnotherPassAfterKillNineLeavesNoDuplicateAndNoMissingDeclaration) {
  RunWorld w = makeWorld(40, 15, kExtraSchools);  // four schools at once, several batches each
  auto killed = pass(w, "ZZJB_TEST_KILL_AT=" + shellQuote(GetParam()));
  EXPECT_EQ(killed.exitCode, 128 + SIGKILL) << "the pass was not killed at " << GetParam() << "\n"
                                            << killed.err;
  passUntilDone(w, 4);
  auto held = declarations();
  EXPECT_EQ(keysOf(held), w.expectedDeclarations());
  EXPECT_EQ(schoolsIn(held), 4u) << "not every school declared: the parallel pass proves less";
  for (const auto& [k, n] : held) EXPECT_EQ(n, 1) << k;
  EXPECT_EQ(duplicateRows(), 0u);
  // And nothing is left half-done in the store.
  auto status = zzjb("status -c " + shellQuote(w.config.string()) + " --json");
  ASSERT_EQ(status.exitCode, 0) << status.err;
  json st = json::parse(status.out);
  for (const auto& school : st["schools"]) {
    EXPECT_EQ(school["pendingIntents"], 0) << school.dump();
    EXPECT_EQ(school["openBatches"], 0) << school.dump();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Points, KillNineTest,
    ::testing::Values("intent-committed:account", "response-received:account",
                      "intent-committed:application", "response-received:application",
                      "intent-committed:batch", "response-received:batch",
                      "intent-committed:batch#3", "response-received:batch#3"),
    [](const ::testing::TestParamInfo<std::string>& point) {
      std::string n;
      for (char c : point.param) n += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
      return n;
    });

// Must-show 6.
TEST_F(RunTest, With503AndResetsOnEveryPostPassesConvergeToTheSameFinalState) {
  RunWorld w = makeWorld(100, 40, kExtraSchools);  // four schools at once
  admin("POST", "/__admin/faults",
        R"({"seed": 11, "rules": [
            {"method": "POST", "path": ".*", "probability": 0.10, "kind": "status", "status": 503,
             "retryAfter": 1},
            {"method": "POST", "path": ".*", "probability": 0.05, "kind": "reset"}]})");
  passUntilDone(w, 5);
  auto held = declarations();
  EXPECT_EQ(keysOf(held), w.expectedDeclarations());
  EXPECT_EQ(schoolsIn(held), 4u) << "not every school declared: the parallel pass proves less";
  for (const auto& [k, n] : held) EXPECT_EQ(n, 1) << k;
  EXPECT_EQ(duplicateRows(), 0u);
  json journal = admin("GET", "/__admin/journal?since=0");
  std::size_t faults503 = 0;
  for (const auto& i : journal["items"]) faults503 += i["status"] == 503;
  EXPECT_GT(faults503, 0u) << "no fault fired: the test proves nothing";
}

// Issue 13: a clerk reads a whole pass in Chinese — the summary on stdout and every log line on
// stderr, text or JSON — and, asked for English, finds no Chinese in it but names, the notices'
// proper terms and the data (school and occupation names, the platform's own messages).
TEST_F(RunTest, APassSpeaksChineseByDefaultAndOnlyEnglishWhenAsked) {
  RunWorld w = makeWorld(20);
  const std::string config = shellQuote(w.config.string());
  // The command names in hints (zzjb check, zzjb identity check) are not sentences.
  const std::set<std::string> names = {"zzjb", "check", "identity"};
  // Names and data: the schools', the occupations' and the organisations' names, as configured.
  std::vector<std::string> data = zzjb::test::noticeTerms();
  const json cfg = json::parse(zzjb::test::readFile(w.config));
  for (const auto& school : cfg["schools"]) data.push_back(school.value("name", ""));
  const json catalog = json::parse(
      zzjb::test::readFile(fs::path(ZZJB_SOURCE_DIR) / "config" / "catalog.example.json"));
  std::function<void(const json&)> collect = [&](const json& j) {
    if (j.is_object()) {
      for (const auto& [k, v] : j.items()) {
        if (v.is_string() && (k == "name" || k == "occupationName" || k == "abilityName" ||
                              k == "matter" || k == "node" || k == "type")) {
          data.push_back(v.get<std::string>());
        }
        collect(v);
      }
    } else if (j.is_array()) {
      for (const auto& v : j) collect(v);
    }
  };
  collect(cfg);
  collect(catalog);
  // The platform's own messages for the faults below are data, shown as the platform sent them.
  data.insert(data.end(), {"会话已过期，请重新登录", "平台系统维护中，请稍后再试（模拟故障）"});
  std::sort(data.begin(), data.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  // A JSON log line read as the text a person sees: its message and its hint.
  auto jsonText = [](const std::string& err) {
    std::string text;
    for (const auto& line : zzjb::test::lines(err)) {
      if (line.empty()) continue;
      const json j = json::parse(line, nullptr, false);
      if (j.is_discarded()) {
        text += line + "\n";
        continue;
      }
      text += j.value("message", "") + "\n" + j.value("hint", "") + "\n";
    }
    return text;
  };
  auto chinese = [&](const RunResult& r, bool jsonLog) {
    const std::string text = r.out + "\n" + (jsonLog ? jsonText(r.err) : r.err);
    EXPECT_EQ(zzjb::test::englishRuns(text, names), std::vector<std::string>{}) << text;
    // Not an empty pass: there was Chinese to read.
    EXPECT_FALSE(zzjb::test::chineseRuns(text, data).empty()) << text;
    if (std::getenv("ZZJB_TEST_SHOW") != nullptr) std::cerr << text;
  };
  auto english = [&](const RunResult& r, bool jsonLog) {
    const std::string text = r.out + "\n" + (jsonLog ? jsonText(r.err) : r.err);
    EXPECT_EQ(zzjb::test::chineseRuns(text, data), std::vector<std::string>{}) << text;
    EXPECT_FALSE(zzjb::test::englishRuns(text, names).empty()) << text;
    if (std::getenv("ZZJB_TEST_SHOW") != nullptr) std::cerr << text;
  };
  // Each language sees a pass that does the most: the dry run, the first pass (account,
  // applications, declarations), the next ones (results, reminders), and the help.
  chinese(zzjb("run --dry-run -c " + config), false);
  english(zzjb("--lang en run --dry-run -c " + config), false);
  // Sessions that expire and a busy platform: the retry and failure lines are read too.
  admin("POST", "/__admin/faults",
        R"({"seed": 5, "rules": [{"method": "GET", "path": "^/api/v1/skills/", "probability": 0.3,
            "kind": "session-expire", "limit": 3}, {"method": "POST", "path": "group-declarations",
            "probability": 0.3, "kind": "status", "status": 503}]})");
  chinese(zzjb("run -c " + config), false);
  grantByCentre();
  english(zzjb("run -c " + config, "ZZJB_LANG=en"), false);
  admin("DELETE", "/__admin/faults");
  chinese(zzjb("run --log-format json -c " + config), true);
  english(zzjb("--lang en run --log-format json -c " + config), true);
  chinese(zzjb("run --help"), false);
  english(zzjb("--lang en run --help"), false);
  chinese(zzjb("run --log-format yaml -c " + config), false);
  english(zzjb("--lang en run --log-format yaml -c " + config), false);
}

}  // namespace
