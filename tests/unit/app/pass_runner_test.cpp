// PassRunner (app/) over several schools: the rehearsal world's schools (tests/integration/run's
// fixture) copied under other ids, an in-memory platform per school (tests/unit/engine's
// FakePlatform), a FakeClock, the real plugins and the real SQLite store in a scratch directory.
// Proves that schools in parallel give what one after another gives, that a stop request and an
// unreachable platform stop the dispatching of schools, and that the observer is never called
// from two threads at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "fake_platform.hpp"
#include "run_fixture.hpp"
#include "test_support.hpp"
#include "zzjb/app/exit_code_policy.hpp"
#include "zzjb/app/pass_runner.hpp"
#include "zzjb/config/loader.hpp"
#include "zzjb/core/identifiers.hpp"
#include "zzjb/store/sqlite_store.hpp"

namespace zzjb::app {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

const Date kToday{2027, 3, 15};  // graduation year 2027

// The rehearsal world with `copies` more copies of each of its two schools (other ids and credit
// codes), no certificates (the key opener is a fake) and the bundled plugins of this build.
Config makeConfig(const fs::path& dir, int copies, int workers) {
  test::RunWorldOptions o;
  o.studentsPerMajor = 12;
  o.graduationYear = kToday.year;
  o.baseUrl = "https://127.0.0.1:1";
  o.keysDir = dir / "keys";
  o.catalog = fs::path(ZZJB_SOURCE_DIR) / "config" / "catalog.example.json";
  o.maxConcurrentSchools = workers;
  o.maxBatchRows = 7;  // several batches per target
  const test::RunWorld world = test::makeRunWorld(dir, o);
  json config = json::parse(test::readFile(world.config));
  config.erase("trustedCAs");
  config["platform"].erase("caBundle");
  config["plugins"] = {{"dir", ZZJB_PLUGINS_DIR}};
  json schools = json::array();
  for (int copy = 0; copy <= copies; ++copy) {
    for (json school : config["schools"]) {
      school["identity"].erase("certificate");
      if (copy > 0) {
        school["id"] = school["id"].get<std::string>() + "-" + std::to_string(copy);
        // Another district digit (the organisation code and its check character stay).
        std::string credit = school["creditCode"].get<std::string>().substr(0, 17);
        credit[7] = static_cast<char>('0' + (credit[7] - '0' + copy) % 10);
        school["creditCode"] = credit + *creditCodeCheckChar(credit);
      }
      schools.push_back(school);
    }
  }
  config["schools"] = schools;
  std::ofstream(world.config, std::ios::binary | std::ios::trunc) << config.dump(2);
  auto loaded = config::loadConfig(world.config.string(), world.config.string());
  for (const auto& f : loaded.findings) {
    EXPECT_NE(f.severity, Severity::Error) << f.where.str() << ": " << f.code << " " << f.message;
  }
  if (!loaded.config) throw std::runtime_error("the test configuration does not load");
  return *loaded.config;
}

// The declaration sheet as the fake platform reads it (tests/unit/engine/fake_platform.hpp).
Result<std::string> fakeXlsx(const DeclarationSheet& s) {
  std::string out = "FAKEXLSX\n";
  std::string header;
  for (const auto& c : s.columns) header += (header.empty() ? "" : "\t") + c.header;
  out += header + "\n";
  for (const auto& r : s.rows) {
    std::string line;
    for (std::size_t i = 0; i < s.columns.size(); ++i) {
      line += (i == 0 ? "" : "\t") + (i < r.size() ? r[i] : std::string());
    }
    out += line + "\n";
  }
  return out;
}

// Hands every call to one school's FakePlatform; the first call waits a little (as a login
// does), so that the workers' schools overlap. The platform's ids of applications and batches
// are made unique across schools (each fake counts from 1; the real platform's ids are global).
class SchoolClient final : public PlatformClient {
 public:
  SchoolClient(test::FakePlatform& p, std::string school, std::function<bool()> cancelled)
      : p_(p), prefix_(std::move(school) + ":"), cancelled_(std::move(cancelled)) {}
  PlatformResult<PlatformSession> login() override {
    std::this_thread::sleep_for(std::chrono::milliseconds(15));
    if (cancelled_ && cancelled_()) {
      return std::unexpected(test::failure(PlatformFailureKind::Unavailable, 0, "CANCELLED"));
    }
    return p_.login();
  }
  PlatformResult<AccountState> account() override { return p_.account(); }
  PlatformResult<AccountState> putAccount(const AccountRequest& r, std::string_view k) override {
    return p_.putAccount(r, k);
  }
  PlatformResult<Catalog> catalog() override { return p_.catalog(); }
  PlatformResult<std::vector<GrantedPermission>> permissions() override { return p_.permissions(); }
  PlatformResult<ApplicationState> applyForPermission(const ApplicationRequest& r,
                                                      std::string_view k) override {
    return app(p_.applyForPermission(r, k));
  }
  PlatformResult<ApplicationState> application(std::string_view id) override {
    return app(p_.application(strip(id)));
  }
  PlatformResult<std::optional<ApplicationState>> findApplication(std::string_view k) override {
    auto r = p_.findApplication(k);
    if (r && *r) (*r)->applicationId = prefix_ + (*r)->applicationId;
    return r;
  }
  PlatformResult<BatchState> submitDeclarations(const DeclarationManifest& m, std::string_view x,
                                                std::string_view k) override {
    return batchOf(p_.submitDeclarations(m, x, k));
  }
  PlatformResult<BatchState> batch(std::string_view id) override {
    return batchOf(p_.batch(strip(id)));
  }
  PlatformResult<std::optional<BatchState>> findBatch(std::string_view k) override {
    auto r = p_.findBatch(k);
    if (r && *r) (*r)->batchId = prefix_ + (*r)->batchId;
    return r;
  }
  PlatformResult<std::vector<DeclarationInfo>> declarations(std::string_view code,
                                                            int level) override {
    return p_.declarations(code, level);
  }
  PlatformResult<std::vector<BatchState>> listBatches() override {
    auto r = p_.listBatches();
    if (r) for (BatchState& b : *r) b.batchId = prefix_ + b.batchId;
    return r;
  }

 private:
  [[nodiscard]] std::string strip(std::string_view id) const {
    return std::string(id.starts_with(prefix_) ? id.substr(prefix_.size()) : id);
  }
  PlatformResult<ApplicationState> app(PlatformResult<ApplicationState> r) const {
    if (r) r->applicationId = prefix_ + r->applicationId;
    return r;
  }
  PlatformResult<BatchState> batchOf(PlatformResult<BatchState> r) const {
    if (r) r->batchId = prefix_ + r->batchId;
    return r;
  }

  test::FakePlatform& p_;
  std::string prefix_;
  std::function<bool()> cancelled_;
};

// Records what the runner tells it, and fails the test if two calls ever overlap.
class RecordingObserver final : public PassObserver {
 public:
  std::function<void(const SchoolOutcome&)> onDone;  // called inside onSchoolDone

  void onEngineEvent(const EngineEvent& e) override {
    Inside in(*this);
    if (e.school.empty()) ++eventsWithoutSchool;
  }
  void onRequest(const std::string&, const platform::RequestEvent&) override { Inside in(*this); }
  void onSchoolDone(const SchoolOutcome& o) override {
    Inside in(*this);
    done.push_back(o.school);
    if (onDone) onDone(o);
  }
  void log(Severity, const std::string& school, const std::string& message) override {
    Inside in(*this);
    lines.push_back(school + ": " + message);
  }
  void onProgress(const PassProgress& p) override {
    Inside in(*this);
    maxRunning = std::max(maxRunning, p.running);
    EXPECT_EQ(p.done + p.running + p.waiting(), p.total);
    last = p;
  }

  std::vector<std::string> done;
  std::vector<std::string> lines;
  std::size_t maxRunning = 0;
  std::size_t eventsWithoutSchool = 0;
  PassProgress last;
  std::atomic<int> overlaps{0};

 private:
  struct Inside {
    explicit Inside(RecordingObserver& o) : o_(o) {
      if (o_.inside_.fetch_add(1) != 0) ++o_.overlaps;
    }
    ~Inside() { o_.inside_.fetch_sub(1); }
    RecordingObserver& o_;
  };
  std::atomic<int> inside_{0};
};

// One pass's world: the configuration, a fake platform per school, the clock and the observer.
struct Rig {
  test::TempDir tmp;
  Config config;
  std::map<std::string, std::unique_ptr<test::FakePlatform>> platforms;
  FakeClock clock{kToday};
  RecordingObserver observer;
  std::atomic<bool> stop{false};
  std::atomic<int> clientsMade{0};
  std::mutex cancelledMutex;
  std::vector<std::function<bool()>> cancelled;  // each client's ClientRequest::cancelled

  Rig(int copies, int workers) : config(makeConfig(tmp.path() / "world", copies, workers)) {
    for (const auto& s : config.schools) {
      // The 电工 target waits for the centre's grant in both runs alike.
      auto p = std::make_unique<test::FakePlatform>();
      platforms.emplace(s.id, std::move(p));
    }
  }

  PassEnvironment environment() {
    PassEnvironment env;
    env.clock = &clock;
    env.observer = &observer;
    env.openStore = [](const fs::path& path) { return store::openSqliteStore(path); };
    env.openKey = [](const Config&, const School&) -> Result<OpenedKey> {
      return OpenedKey{nullptr, "-----BEGIN CERTIFICATE-----"};
    };
    env.makeClient = [this](const ClientRequest& r) -> Result<std::unique_ptr<PlatformClient>> {
      ++clientsMade;
      {
        const std::lock_guard lock(cancelledMutex);
        cancelled.push_back(r.cancelled);
      }
      return std::make_unique<SchoolClient>(*platforms.at(r.school->id), r.school->id, r.cancelled);
    };
    env.writeDeclarationFile = fakeXlsx;
    env.stopRequested = [this] { return stop.load(); };
    return env;
  }

  PassResult run() { return PassRunner(environment()).run(config, PassOptions{}); }

  // Every student record of the store, without the store's own keys and times.
  std::set<std::tuple<std::string, std::string, std::string, std::string, std::string>> stored() {
    auto s = store::openSqliteStore(config.statePath);
    EXPECT_TRUE(s.has_value());
    std::set<std::tuple<std::string, std::string, std::string, std::string, std::string>> out;
    if (!s) return out;
    for (const auto& school : config.schools) {
      for (const auto& major : school.majors) {
        for (const auto& target : major.targets) {
          auto records = (*s)->students(school.id, targetKeyOf(target));
          EXPECT_TRUE(records.has_value());
          if (!records) continue;
          for (const auto& r : *records) {
            out.emplace(r.school, r.targetKey, r.maskedId, declarationResultName(r.result),
                        r.reason + "|" + r.declarationNo);
          }
        }
      }
    }
    return out;
  }
};

std::vector<std::string> idsOf(const PassResult& r) {
  std::vector<std::string> ids;
  for (const auto& s : r.schools) ids.push_back(s.school);
  return ids;
}

std::vector<std::string> summaries(const PassResult& r) {
  std::vector<std::string> out;
  for (const auto& s : r.schools) {
    std::string line = s.summary();
    for (const auto& t : s.targets) {
      line += " | " + t.targetKey + " " + targetPhaseName(t.phase) + " " + std::to_string(t.sent) +
              "/" + std::to_string(t.accepted) + "/" + std::to_string(t.rejected) + "/" +
              std::to_string(t.pending);
    }
    out.push_back(line);
  }
  return out;
}

TEST(PassRunner, SchoolsInParallelGiveTheSameOutcomesAndStoreAsOneAfterAnother) {
  Rig serial(2, 1);
  Rig parallel(2, 4);
  ASSERT_EQ(serial.config.schools.size(), 6u);
  for (int pass = 0; pass < 2; ++pass) {
    const PassResult a = serial.run();
    const PassResult b = parallel.run();
    EXPECT_EQ(summaries(a), summaries(b)) << "pass " << pass;
    EXPECT_EQ(a.exitCode, b.exitCode);
    EXPECT_EQ(a.reminders.size(), b.reminders.size());
    // Configuration order, whatever order they finished in.
    std::vector<std::string> configured;
    for (const auto& s : parallel.config.schools) configured.push_back(s.id);
    EXPECT_EQ(idsOf(b), configured);
    EXPECT_FALSE(b.stopped);
  }
  EXPECT_EQ(serial.stored(), parallel.stored());
  std::size_t accepted = 0;
  for (const auto& [id, p] : parallel.platforms) {
    for (const auto& [key, ids] : p->declaredIds) accepted += ids.size();
  }
  EXPECT_GT(accepted, 0u) << "nothing was declared: the comparison proves little";
  EXPECT_FALSE(parallel.stored().empty());
  EXPECT_EQ(serial.observer.maxRunning, 1u);
  EXPECT_GE(parallel.observer.maxRunning, 2u) << "the schools never overlapped";
  EXPECT_LE(parallel.observer.maxRunning, 4u);
  EXPECT_EQ(parallel.observer.overlaps.load(), 0) << "the observer was called from two threads at once";
  EXPECT_EQ(parallel.observer.eventsWithoutSchool, 0u);
  // Each school's platform saw each student once.
  for (const auto& [id, p] : parallel.platforms) {
    std::set<std::string> seen;
    for (const auto& [key, ids] : p->declaredIds) {
      for (const auto& i : ids) EXPECT_TRUE(seen.insert(key + "/" + i).second) << id << " " << i;
    }
  }
}

TEST(PassRunner, AStopRequestStopsDispatchingAndReachesTheRunningClients) {
  Rig rig(3, 2);  // 8 schools, 2 workers
  rig.observer.onDone = [&](const SchoolOutcome&) { rig.stop = true; };
  const PassResult r = rig.run();
  EXPECT_TRUE(r.stopped);
  EXPECT_LE(r.schools.size(), 2u) << "schools were started after the stop request";
  EXPECT_GE(r.schools.size(), 1u);
  EXPECT_TRUE(r.reminders.empty());
  EXPECT_EQ(rig.observer.overlaps.load(), 0);
  // Every client was made with the stop request: the running ones see it between requests.
  ASSERT_FALSE(rig.cancelled.empty());
  for (const auto& c : rig.cancelled) EXPECT_TRUE(c && c());
}

TEST(PassRunner, AnUnreachablePlatformStopsDispatchingAndSaysHowManyAreLeft) {
  Rig rig(3, 2);  // 8 schools, 2 workers
  for (auto& [id, p] : rig.platforms) {
    p->failOn["login"][1] = test::failure(PlatformFailureKind::Unavailable, 0, "CONNECTION");
  }
  const PassResult r = rig.run();
  EXPECT_FALSE(r.stopped);
  ASSERT_LE(r.schools.size(), 2u) << "schools were started after the platform was found unreachable";
  EXPECT_EQ(r.leftForNextPass, 8u - r.schools.size());
  EXPECT_EQ(r.exitCode, kExitTempFail);
  const std::string left = msg::text("run.log.unreachable", {{"count", r.leftForNextPass}});
  EXPECT_NE(left.find("其余 " + std::to_string(r.leftForNextPass) + " 所学校留待下一轮"),
            std::string::npos);
  EXPECT_TRUE(std::any_of(rig.observer.lines.begin(), rig.observer.lines.end(),
                          [&](const std::string& l) { return l.find(left) != std::string::npos; }))
      << testing::PrintToString(rig.observer.lines);
  // The reminders still cover every school (evaluated offline).
  EXPECT_EQ(r.reminders.size(), 8u);
}

TEST(PassRunner, ABadSchoolDoesNotStopTheOthers) {
  Rig rig(1, 3);  // 4 schools
  const std::string bad = rig.config.schools[1].id;
  rig.platforms.at(bad)->failOn["login"][1] =
      test::failure(PlatformFailureKind::Identity, 401, "CERT_REVOKED");
  const PassResult r = rig.run();
  ASSERT_EQ(r.schools.size(), 4u);
  EXPECT_EQ(r.schools[1].kind, SchoolOutcomeKind::Failed);
  for (std::size_t i : {0u, 2u, 3u}) {
    EXPECT_NE(r.schools[i].kind, SchoolOutcomeKind::Failed) << testing::PrintToString(summaries(r))
                                                            << testing::PrintToString(rig.observer.lines);
  }
  EXPECT_EQ(r.exitCode, kExitNoPerm);
}

TEST(PassRunner, ADryRunUsesAScratchStoreWithSeveralWorkers) {
  Rig rig(1, 4);
  PassRunner runner(rig.environment());
  PassOptions options;
  options.dryRun = true;
  const PassResult r = runner.run(rig.config, options);
  EXPECT_EQ(r.schools.size(), 4u);
  EXPECT_FALSE(fs::exists(rig.config.statePath)) << "a dry run created the state store";
  EXPECT_EQ(rig.clientsMade.load(), 0);
}

// Issue 16: a paused school ("enabled": false) is skipped before anything is read for it: its
// key is never opened, no client is made, it is listed as held with its reason, and the pass's
// exit code is the other schools'.
TEST(PassRunner, APausedSchoolIsNeverOpenedAndIsListedWithItsReason) {
  Rig rig(1, 2);  // 4 schools
  School& paused = rig.config.schools[1];
  paused.enabled = false;
  paused.pausedReason = "closed for the term";
  std::mutex mu;
  std::set<std::string> opened;
  PassEnvironment env = rig.environment();
  env.openKey = [&](const Config&, const School& s) -> Result<OpenedKey> {
    const std::lock_guard lock(mu);
    opened.insert(s.id);
    return OpenedKey{nullptr, "-----BEGIN CERTIFICATE-----"};
  };
  const PassResult r = PassRunner(env).run(rig.config, PassOptions{});
  EXPECT_EQ(r.schools.size(), 3u);
  for (const auto& o : r.schools) EXPECT_NE(o.school, paused.id);
  EXPECT_FALSE(opened.contains(paused.id));
  EXPECT_EQ(opened.size(), 3u);
  ASSERT_EQ(r.held.size(), 1u);
  EXPECT_EQ(r.held[0].school, paused.id);
  EXPECT_EQ(r.held[0].kind, SchoolHold::Kind::Paused);
  EXPECT_EQ(r.held[0].reason, "closed for the term");
  EXPECT_NE(r.exitCode, kExitNoPerm);
  // --school naming it: nothing is run, and it is said to be paused.
  PassOptions only;
  only.school = paused.id;
  const PassResult one = PassRunner(env).run(rig.config, only);
  EXPECT_TRUE(one.schools.empty());
  ASSERT_EQ(one.held.size(), 1u);
  EXPECT_EQ(one.exitCode, kExitOk);
  EXPECT_FALSE(opened.contains(paused.id));
}

// Issue 16: a key whose PIN is refused quarantines its school: that pass fails it (77) and says
// so once; later passes neither open the key nor count the school (their exit code is the
// others'); a change to what the identity is made of (here its PIN source) releases it, and the
// school is tried again. A key that is only absent (a USB key unplugged) is not quarantined.
TEST(PassRunner, ARefusedPinQuarantinesTheSchoolUntilItsIdentityChanges) {
  Rig rig(0, 1);  // 2 schools
  const std::string bad = rig.config.schools[0].id;
  std::mutex mu;
  std::map<std::string, int> opens;
  std::string refuseWith = "PIN_WRONG";
  PassEnvironment env = rig.environment();
  env.openKey = [&](const Config&, const School& s) -> Result<OpenedKey> {
    const std::lock_guard lock(mu);
    ++opens[s.id];
    if (s.id == bad && !refuseWith.empty()) {
      return std::unexpected(makeFinding(Severity::Error, FindingKind::Config, refuseWith, {}));
    }
    return OpenedKey{nullptr, "-----BEGIN CERTIFICATE-----"};
  };
  const auto outcomeOf = [&](const PassResult& r) -> std::optional<SchoolOutcomeKind> {
    for (const auto& o : r.schools) {
      if (o.school == bad) return o.kind;
    }
    return std::nullopt;
  };

  const PassResult first = PassRunner(env).run(rig.config, PassOptions{});
  EXPECT_EQ(outcomeOf(first), SchoolOutcomeKind::Failed);
  EXPECT_EQ(first.exitCode, kExitNoPerm);
  ASSERT_EQ(first.held.size(), 1u);
  EXPECT_TRUE(first.held[0].fresh);
  EXPECT_EQ(first.held[0].code, "PIN_WRONG");
  EXPECT_EQ(opens[bad], 1);

  const PassResult second = PassRunner(env).run(rig.config, PassOptions{});
  EXPECT_FALSE(outcomeOf(second)) << "a quarantined school was run again";
  EXPECT_EQ(opens[bad], 1) << "a quarantined key was opened again";
  EXPECT_NE(second.exitCode, kExitNoPerm);
  ASSERT_EQ(second.held.size(), 1u);
  EXPECT_FALSE(second.held[0].fresh);
  // Its quarantine is a reminder for status and report.
  bool reminded = false;
  for (const auto& sr : second.reminders) {
    for (const auto& m : sr.reminders) reminded |= sr.school == bad && m.kind == ReminderKind::SchoolQuarantined;
  }
  EXPECT_TRUE(reminded);

  // The administrator gives the PIN another way: the identity changed, the school is tried.
  refuseWith.clear();
  rig.config.schools[0].identity.pin.env = "ZZJB_PIN_FIXED";
  const PassResult third = PassRunner(env).run(rig.config, PassOptions{});
  EXPECT_EQ(opens[bad], 2);
  EXPECT_TRUE(outcomeOf(third).has_value());
  EXPECT_NE(outcomeOf(third), SchoolOutcomeKind::Failed);
  EXPECT_TRUE(third.held.empty());

  // Unplugged: failed this pass, tried again the next (no quarantine).
  Rig fresh(0, 1);
  PassEnvironment env2 = fresh.environment();
  int tries = 0;
  env2.openKey = [&](const Config&, const School& s) -> Result<OpenedKey> {
    if (s.id == fresh.config.schools[0].id) {
      ++tries;
      return std::unexpected(makeFinding(Severity::Error, FindingKind::Config, "KEY_TOKEN_NOT_FOUND", {}));
    }
    return OpenedKey{nullptr, "-----BEGIN CERTIFICATE-----"};
  };
  const PassResult a = PassRunner(env2).run(fresh.config, PassOptions{});
  const PassResult b = PassRunner(env2).run(fresh.config, PassOptions{});
  EXPECT_TRUE(a.held.empty());
  EXPECT_TRUE(b.held.empty());
  EXPECT_EQ(tries, 2);
}

}  // namespace
}  // namespace zzjb::app
