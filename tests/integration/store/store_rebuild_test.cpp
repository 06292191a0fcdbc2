// Issue 16's must-show 3: the store lost after a completed pass, or replaced by a backup taken in
// the middle of one, is rebuilt from the platform (`zzjb store rebuild`); the next `zzjb run`
// creates nothing on the real zzjb-mock and `zzjb status --json` shows every student with the
// platform's result. The mock's own record (/__admin/state, /__admin/journal) is the witness.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "mock_process.hpp"
#include "run_fixture.hpp"
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

// The first column of the first row of `sql` on the store, read only ("<error>" on failure).
std::string storeQuery(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  std::string out = "<error>";
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(h, sql.c_str(), -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(s, 0);
      out = t != nullptr ? reinterpret_cast<const char*>(t) : "";
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(h);
  return out;
}

// Per school id: accepted and rejected students over all targets.
struct Results {
  std::size_t accepted = 0;
  std::size_t rejected = 0;
  bool operator==(const Results&) const = default;
};
std::ostream& operator<<(std::ostream& o, const Results& r) {
  return o << "{accepted " << r.accepted << ", rejected " << r.rejected << "}";
}

class StoreRebuildTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    keys_ = new TempDir();
    auto made = zzjb::test::run("bash " +
                                shellQuote(std::string(ZZJB_SOURCE_DIR) + "/scripts/make-example-keys.sh") +
                                " " + shellQuote((keys_->path() / "keys").string()));
    ASSERT_EQ(made.exitCode, 0) << made.err;
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

  // Two schools, 40 students a major, 15 rows a batch: several batches per target.
  RunWorld makeWorld() {
    zzjb::test::RunWorldOptions o;
    o.maxBatchRows = 15;
    o.studentsPerMajor = 40;
    o.specialAbility = true;
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

  RunResult zzjb(const std::string& args, const std::string& env = "") {
    return zzjb::test::run("env " + env + " " + shellQuote(ZZJB_BIN) + " " + args);
  }
  static std::string cfg(const RunWorld& w) { return " -c " + shellQuote(w.config.string()); }

  // What the centre grants xuhui-zz itself: 职业资格鉴定 (电工 四级) and 专项职业能力考核 (网店运营).
  void grantByCentre() {
    admin("POST", "/__admin/permissions",
          R"({"creditCode": "12310104MB2F000081", "matter": "职业资格鉴定", "node": null,
              "occupationCode": "6-31-01-03", "occupationName": "电工", "level": 4,
              "evaluationOrg": null})");
    admin("POST", "/__admin/permissions",
          R"({"creditCode": "12310104MB2F000081", "matter": "专项职业能力考核", "node": null,
              "abilityCode": "ZX-0301", "abilityName": "网店运营"})");
  }

  std::set<std::string> declared() {
    json state = admin("GET", "/__admin/state");
    std::set<std::string> out;
    for (const auto& d : state["declarations"]) {
      const std::string who = d["creditCode"].get<std::string>() + "|" + d["idNumber"].get<std::string>();
      out.insert(d.value("abilityCode", json()).is_string()
                     ? who + "|" + d["abilityCode"].get<std::string>() + "|ability"
                     : who + "|" + d["occupationCode"].get<std::string>() + "|" +
                           std::to_string(d["level"].get<int>()));
    }
    return out;
  }

  void passUntilDone(const RunWorld& w) {
    for (int i = 0; i < 4; ++i) {
      auto r = zzjb("run" + cfg(w));
      EXPECT_TRUE(r.exitCode == 0 || r.exitCode == 65 || r.exitCode == 75)
          << "pass " << i << " exit " << r.exitCode << "\n" << r.err << r.out;
      if (i == 0) grantByCentre();
      if (declared() == w.expectedDeclarations()) return;
    }
    ADD_FAILURE() << "the passes did not declare every expected student";
  }

  // The platform's final word per school id, from the mock's own batches: per student and scope,
  // ACCEPTED if any row was, else REJECTED.
  std::map<std::string, Results> platformResults(const RunWorld& w) {
    std::map<std::string, std::string> schoolOf;  // credit code → school id
    const json config = json::parse(zzjb::test::readFile(w.config));
    for (const auto& s : config["schools"]) {
      schoolOf[s["creditCode"].get<std::string>()] = s["id"].get<std::string>();
    }
    std::map<std::string, bool> final;  // school|id|scope → accepted
    const json state = admin("GET", "/__admin/state");
    for (const auto& b : state["batches"]) {
      const std::string scope = b.value("abilityCode", json()).is_string()
                                    ? b["abilityCode"].get<std::string>()
                                    : b["occupationCode"].get<std::string>() + "/" +
                                          std::to_string(b["level"].get<int>());
      for (const auto& r : b["rows"]) {
        const std::string id = r.value("idNumber", "");
        if (id.empty()) continue;
        const std::string k = schoolOf[b["creditCode"].get<std::string>()] + "|" + id + "|" + scope;
        final[k] = final[k] || r["result"] == "ACCEPTED";
      }
    }
    std::map<std::string, Results> out;
    for (const auto& [k, accepted] : final) {
      Results& r = out[k.substr(0, k.find('|'))];
      (accepted ? r.accepted : r.rejected) += 1;
    }
    return out;
  }

  // What `zzjb status --json` records per school, and per target (key → declarations object).
  std::pair<std::map<std::string, Results>, std::map<std::string, json>> statusOf(
      const RunWorld& w) {
    auto st = zzjb("status" + cfg(w) + " --json");
    EXPECT_EQ(st.exitCode, 0) << st.err;
    std::map<std::string, Results> perSchool;
    std::map<std::string, json> perTarget;
    const json status = json::parse(st.out);
    for (const auto& school : status["schools"]) {
      Results& r = perSchool[school["school"].get<std::string>()];
      for (const auto& t : school["targets"]) {
        const json& d = t["declarations"];
        r.accepted += d["accepted"].get<std::size_t>();
        r.rejected += d["rejected"].get<std::size_t>();
        EXPECT_EQ(d["pending"], 0) << t.dump();
        json kept = d;
        kept.erase("recorded");
        perTarget[school["school"].get<std::string>() + " " + t["key"].get<std::string>()] = kept;
      }
    }
    return {perSchool, perTarget};
  }

  static fs::path statePath(const RunWorld& w) {
    return json::parse(zzjb::test::readFile(w.config))["state"]["path"].get<std::string>();
  }
  static void removeStore(const fs::path& db) {
    for (const char* suffix : {"", "-wal", "-shm", ".key"}) fs::remove(db.string() + suffix);
  }

  long lastJournalSeq() {
    long seq = 0;
    const json journal = admin("GET", "/__admin/journal?since=0");
    for (const auto& i : journal["items"]) {
      seq = std::max(seq, i["seq"].get<long>());
    }
    return seq;
  }
  std::vector<std::string> creatingRequestsSince(long seq) {
    std::vector<std::string> out;
    const json journal = admin("GET", "/__admin/journal?since=" + std::to_string(seq));
    for (const auto& i : journal["items"]) {
      const std::string method = i["method"];
      const std::string path = i["path"];
      if ((method == "PUT" && path.starts_with("/api/v1/account")) ||
          (method == "POST" && path.starts_with("/api/v1/skills/"))) {
        out.push_back(method + " " + path);
      }
    }
    return out;
  }

  // rebuild, then run: nothing created, status as the platform holds it (and as before).
  void rebuildThenRunCreatesNothing(const RunWorld& w,
                                    const std::map<std::string, json>& targetsBefore) {
    const auto platform = platformResults(w);
    ASSERT_FALSE(platform.empty());
    auto rebuilt = zzjb("store rebuild" + cfg(w) + " --lang en");
    ASSERT_EQ(rebuilt.exitCode, 0) << rebuilt.out << rebuilt.err;
    // Every record has its cohort from the roster (purgeCohort finds it later).
    EXPECT_NE(storeQuery(statePath(w), "SELECT count(*) FROM students"), "0");
    EXPECT_EQ(storeQuery(statePath(w), "SELECT count(*) FROM students WHERE graduation_year = ''"),
              "0");
    // Idempotent: a second rebuild changes nothing.
    auto again = zzjb("store rebuild" + cfg(w) + " --lang en");
    ASSERT_EQ(again.exitCode, 0) << again.out << again.err;
    const std::regex moved(R"(\b[1-9][0-9]* (recorded anew|set to|not on the platform|batches recorded))");
    EXPECT_FALSE(std::regex_search(again.out, moved)) << again.out;
    EXPECT_TRUE(std::regex_search(rebuilt.out, moved)) << "the first rebuild changed nothing?\n"
                                                       << rebuilt.out;

    const long before = lastJournalSeq();
    auto run = zzjb("run" + cfg(w));
    EXPECT_TRUE(run.exitCode == 0 || run.exitCode == 65) << run.out << run.err;
    EXPECT_EQ(creatingRequestsSince(before), std::vector<std::string>{});
    EXPECT_EQ(declared(), w.expectedDeclarations());

    auto [perSchool, perTarget] = statusOf(w);
    EXPECT_EQ(perSchool, platform);
    EXPECT_EQ(perTarget, targetsBefore);
  }

  // Restore: the store and its key file copied back together, then checked; then as above.
  void restoreRebuildThenRunCreatesNothing(const RunWorld& w, const fs::path& backup,
                                           const std::map<std::string, json>& targetsBefore) {
    const fs::path db = statePath(w);
    removeStore(db);
    fs::copy_file(backup, db);
    fs::copy_file(backup.string() + ".key", db.string() + ".key");
    auto verified = zzjb("store verify" + cfg(w));
    ASSERT_EQ(verified.exitCode, 0) << verified.out << verified.err;
    rebuildThenRunCreatesNothing(w, targetsBefore);
  }

  static TempDir* keys_;
  TempDir tmp_;
  std::optional<MockProcess> mock_;
};

TempDir* StoreRebuildTest::keys_ = nullptr;

TEST_F(StoreRebuildTest, ALostStoreIsRebuiltFromThePlatformAndTheNextPassCreatesNothing) {
  RunWorld w = makeWorld();
  passUntilDone(w);
  auto [perSchoolBefore, targetsBefore] = statusOf(w);
  ASSERT_EQ(perSchoolBefore, platformResults(w)) << "the pass itself recorded the platform's word";

  removeStore(statePath(w));
  rebuildThenRunCreatesNothing(w, targetsBefore);
}

TEST_F(StoreRebuildTest, ABackupTakenMidPassIsRestoredRebuiltAndTheNextPassCreatesNothing) {
  RunWorld w = makeWorld();
  grantByCentre();
  // The pass is stopped dead after the platform answered the second batch, before it was
  // recorded: the store holds an unanswered intent and earlier batches still open.
  auto killed = zzjb("run" + cfg(w), "ZZJB_TEST_KILL_AT=response-received:batch#2");
  ASSERT_EQ(killed.exitCode, 128 + SIGKILL) << killed.out << killed.err;
  const fs::path backup = tmp_.path() / "backup" / "zzjb.sqlite";
  fs::create_directories(backup.parent_path());
  auto saved = zzjb("store backup" + cfg(w) + " " + shellQuote(backup.string()));
  ASSERT_EQ(saved.exitCode, 0) << saved.out << saved.err;

  passUntilDone(w);
  auto [perSchoolBefore, targetsBefore] = statusOf(w);
  ASSERT_EQ(perSchoolBefore, platformResults(w));

  restoreRebuildThenRunCreatesNothing(w, backup, targetsBefore);
}

// The same with a backup taken while a pass really runs: the platform answers every batch poll
// after a delay, so the pass is still polling its batches when `zzjb store backup` copies the
// store beside it (SQLite's online backup: what was committed, nothing half-written). The pass
// finishes and later passes declare the rest; then the store is replaced by that backup.
TEST_F(StoreRebuildTest, ABackupTakenWhileAPassRunsIsRestoredRebuiltAndTheNextPassCreatesNothing) {
  RunWorld w = makeWorld();
  grantByCentre();
  admin("POST", "/__admin/faults",
        R"({"seed": 3, "rules": [{"method": "GET", "path": "^/api/v1/skills/group-declarations/",
            "probability": 1, "kind": "delay", "delayMs": 400}]})");
  RunResult pass;
  std::atomic<bool> done{false};
  std::thread running([&] {
    pass = zzjb("run" + cfg(w));
    done = true;
  });
  // Wait until the pass has sent a batch (it then polls, slowly).
  bool sent = false;
  for (int i = 0; i < 300 && !sent; ++i) {
    const json journal = admin("GET", "/__admin/journal?since=0");
    for (const auto& item : journal["items"]) {
      sent = sent || (item["method"] == "POST" &&
                      item["path"].get<std::string>().starts_with("/api/v1/skills/group-declarations"));
    }
    if (!sent) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const fs::path backup = tmp_.path() / "backup" / "zzjb.sqlite";
  fs::create_directories(backup.parent_path());
  auto saved = zzjb("store backup" + cfg(w) + " " + shellQuote(backup.string()));
  const bool passStillRunning = !done.load();
  running.join();
  ASSERT_TRUE(sent) << "the pass sent no batch";
  ASSERT_EQ(saved.exitCode, 0) << saved.out << saved.err;
  EXPECT_TRUE(passStillRunning) << "the backup was not taken while the pass ran";
  EXPECT_TRUE(pass.exitCode == 0 || pass.exitCode == 65 || pass.exitCode == 75) << pass.err;
  admin("DELETE", "/__admin/faults");

  passUntilDone(w);
  auto [perSchoolBefore, targetsBefore] = statusOf(w);
  ASSERT_EQ(perSchoolBefore, platformResults(w));
  restoreRebuildThenRunCreatesNothing(w, backup, targetsBefore);
}

TEST_F(StoreRebuildTest, BackupRefusesToReplaceAFileAndVerifyFindsAWrongKey) {
  RunWorld w = makeWorld();
  grantByCentre();
  auto first = zzjb("run" + cfg(w));
  ASSERT_TRUE(first.exitCode == 0 || first.exitCode == 65) << first.err;
  const fs::path copy = tmp_.path() / "copy.sqlite";
  ASSERT_EQ(zzjb("store backup" + cfg(w) + " " + shellQuote(copy.string())).exitCode, 0);
  auto twice = zzjb("store backup" + cfg(w) + " " + shellQuote(copy.string()));
  EXPECT_EQ(twice.exitCode, 73) << twice.err;
  EXPECT_NE(twice.err.find("STORE_BACKUP_EXISTS"), std::string::npos) << twice.err;
  EXPECT_EQ(zzjb("store verify " + shellQuote(copy.string())).exitCode, 0);

  // Another store's key beside the copy: found, exit 65 (EX_DATAERR).
  const fs::path other = tmp_.path() / "other.sqlite";
  fs::copy_file(copy, other);
  {
    TempDir scratch;
    ASSERT_EQ(zzjb("store verify " + shellQuote((scratch / "none.sqlite").string())).exitCode, 66);
  }
  auto fresh = zzjb::test::run("head -c 32 /dev/urandom > " + shellQuote(other.string() + ".key") +
                               " && chmod 600 " + shellQuote(other.string() + ".key"));
  ASSERT_EQ(fresh.exitCode, 0);
  auto wrong = zzjb("store verify " + shellQuote(other.string()));
  EXPECT_EQ(wrong.exitCode, 65) << wrong.out << wrong.err;
  EXPECT_NE(wrong.err.find("STORE_KEY_MISMATCH"), std::string::npos) << wrong.err;
}

}  // namespace
