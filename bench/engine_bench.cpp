// How long one online pass (zzjb::runSchoolPass) takes per student, against an in-memory platform
// that accepts everything at once, with the REAL SQLite store (in a fresh scratch directory under
// $TMPDIR), the real xlsx writer and SHA-256. What is measured is zzjb's own cost — engine, store
// transactions (synchronous=FULL, so fsyncs), xlsx — not the network.
//
//   BM_EnginePass/N          first pass for N eligible students: log in, account ACTIVE,
//                            permission granted, ceil(N/5000) batches, each DONE on first poll
//                            with every row ACCEPTED, recorded in the store.
//   BM_EngineUpToDatePass/N  the following pass: the offline plan finds nothing to do.
//
// Peak memory: the counters peak_rss_MiB (getrusage ru_maxrss, the whole process so far) and
// base_rss_MiB (resident set when the timed loop starts, the fixture included). Run one size
// alone for a meaningful peak:
//   zzjb_pass_bench --benchmark_filter='BM_EnginePass/20000$'
#include <benchmark/benchmark.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "bench_support.hpp"
#include "zzjb/core/engine.hpp"
#include "zzjb/platform/declaration_file.hpp"
#include "zzjb/store/sqlite_store.hpp"

namespace {

using namespace zzjb;

PlatformFailure notFound(std::string what) {
  PlatformFailure f;
  f.kind = PlatformFailureKind::Final;
  f.httpStatus = 404;
  f.code = "NOT_FOUND";
  f.message = std::move(what);
  return f;
}

// The platform that says yes: account ACTIVE, the target's permission granted, every batch DONE
// on its first poll with every row ACCEPTED. It does not parse the xlsx: the bench's writeXlsx
// hands it the ID numbers of the sheet it has just written (the engine writes a batch's file
// right before submitting it).
class AcceptingPlatform final : public PlatformClient {
 public:
  std::vector<std::string> lastSheetIds;  // set by the bench's writeXlsx
  int calls = 0;
  int submissions = 0;

  PlatformResult<PlatformSession> login() override {
    ++calls;
    return PlatformSession{"key-1", "CN=示范学校", "2026-11-27T10:00:00+08:00"};
  }
  PlatformResult<AccountState> account() override {
    ++calls;
    return AccountState{true, AccountStatus::Active, "2026-09-01T09:00:00+08:00"};
  }
  PlatformResult<AccountState> putAccount(const AccountRequest&, std::string_view) override {
    ++calls;
    return AccountState{true, AccountStatus::Active, "2026-09-01T09:00:00+08:00"};
  }
  PlatformResult<Catalog> catalog() override {
    ++calls;
    return bench::makeCatalog();
  }
  PlatformResult<std::vector<GrantedPermission>> permissions() override {
    ++calls;
    return std::vector<GrantedPermission>{{bench::grantedScope(), "2026-09-02T09:00:00+08:00"}};
  }
  PlatformResult<ApplicationState> applyForPermission(const ApplicationRequest&,
                                                      std::string_view) override {
    ++calls;
    return ApplicationState{"APP-1", ApplicationStatus::Approved, "", "t"};
  }
  PlatformResult<ApplicationState> application(std::string_view id) override {
    ++calls;
    return ApplicationState{std::string(id), ApplicationStatus::Approved, "", "t"};
  }
  PlatformResult<std::optional<ApplicationState>> findApplication(std::string_view) override {
    ++calls;
    return std::optional<ApplicationState>();
  }
  PlatformResult<BatchState> submitDeclarations(const DeclarationManifest& m, std::string_view,
                                                std::string_view) override {
    ++calls;
    std::string id = "B-" + std::to_string(++submissions);
    BatchState done{id, BatchStatus::Done, {}};
    done.rows.reserve(lastSheetIds.size());
    int row = 2;
    for (const std::string& idNumber : lastSheetIds) {
      done.rows.push_back({row, idNumber, RowResult::Accepted, "", "",
                           "D" + std::to_string(submissions) + "-" + std::to_string(row)});
      ++row;
    }
    // Not the sheet just written: answer with no rows, so the pass does not end with every
    // student ACCEPTED and the benchmark stops with an error.
    if (static_cast<int>(lastSheetIds.size()) != m.rowCount) done.rows.clear();
    batches_[id] = std::move(done);
    return BatchState{id, BatchStatus::Received, {}, "", 0, ""};
  }
  PlatformResult<BatchState> batch(std::string_view id) override {
    ++calls;
    auto it = batches_.find(std::string(id));
    if (it == batches_.end()) return std::unexpected(notFound("批次不存在"));
    return it->second;
  }
  PlatformResult<std::optional<BatchState>> findBatch(std::string_view) override {
    ++calls;
    return std::optional<BatchState>();
  }
  PlatformResult<std::vector<DeclarationInfo>> declarations(std::string_view, int) override {
    ++calls;
    return std::vector<DeclarationInfo>{};
  }
  PlatformResult<std::vector<BatchState>> listBatches() override {
    ++calls;
    return std::vector<BatchState>{};
  }

 private:
  std::map<std::string, BatchState> batches_;
};

// Where a pass's time goes: wraps the real store and adds up the wall time of each call, by
// method. The overhead is two clock reads per call (studentKey is called once per row).
class TimingStore final : public StateStore {
 public:
  explicit TimingStore(StateStore& inner) : s_(inner) {}
  mutable std::map<std::string, double> ms;    // method -> milliseconds
  mutable std::map<std::string, long> count;  // method -> calls

  std::string studentKey(std::string_view id) const override {
    return timed("studentKey", [&] { return s_.studentKey(id); });
  }
  Result<IntentState> beginIntent(const Intent& i, const std::vector<StudentEntry>& r) override {
    return timed("beginIntent", [&] { return s_.beginIntent(i, r); });
  }
  Result<void> recordResponse(std::string_view k, const IntentResponse& r) override {
    return timed("recordResponse", [&] { return s_.recordResponse(k, r); });
  }
  Result<std::optional<IntentState>> intent(std::string_view k) override {
    return timed("intent", [&] { return s_.intent(k); });
  }
  Result<std::vector<IntentState>> pendingIntents(std::string_view sc) override {
    return timed("pendingIntents", [&] { return s_.pendingIntents(sc); });
  }
  Result<void> putApplication(const Application& a) override {
    return timed("putApplication", [&] { return s_.putApplication(a); });
  }
  Result<std::optional<Application>> application(std::string_view sc,
                                                 std::string_view t) override {
    return timed("application", [&] { return s_.application(sc, t); });
  }
  Result<void> putBatch(const Batch& b) override {
    return timed("putBatch", [&] { return s_.putBatch(b); });
  }
  Result<std::size_t> keepOnlyStudents(std::string_view k,
                                       const std::vector<StudentEntry>& kept) override {
    return timed("keepOnlyStudents", [&] { return s_.keepOnlyStudents(k, kept); });
  }
  Result<std::vector<Batch>> openBatches(std::string_view sc) override {
    return timed("openBatches", [&] { return s_.openBatches(sc); });
  }
  Result<void> recordStudentResults(std::string_view sc, std::string_view t,
                                    const std::vector<StudentResult>& r) override {
    return timed("recordStudentResults", [&] { return s_.recordStudentResults(sc, t, r); });
  }
  Result<ReconcileCounts> reconcileTarget(std::string_view sc, std::string_view t,
                                          const std::vector<PlatformBatchRef>& b,
                                          const std::vector<PlatformStudent>& st) override {
    return timed("reconcileTarget", [&] { return s_.reconcileTarget(sc, t, b, st); });
  }
  Result<std::vector<std::string>> studentsNotYetDeclared(
      std::string_view sc, std::string_view t, const std::vector<StudentEntry>& c) override {
    return timed("studentsNotYetDeclared", [&] { return s_.studentsNotYetDeclared(sc, t, c); });
  }
  Result<std::vector<StudentRecord>> students(std::string_view sc, std::string_view t) override {
    return timed("students", [&] { return s_.students(sc, t); });
  }
  Result<void> recordPass(const PassRecord& p) override {
    return timed("recordPass", [&] { return s_.recordPass(p); });
  }
  Result<std::optional<PassRecord>> lastPass(std::string_view sc) override {
    return timed("lastPass", [&] { return s_.lastPass(sc); });
  }
  Result<std::optional<PassRecord>> lastSuccessfulPass(std::string_view sc) override {
    return timed("lastSuccessfulPass", [&] { return s_.lastSuccessfulPass(sc); });
  }
  Result<void> putFact(std::string_view sc, std::string_view n, std::string_view v) override {
    return timed("putFact", [&] { return s_.putFact(sc, n, v); });
  }
  Result<std::optional<std::string>> fact(std::string_view sc, std::string_view n) override {
    return timed("fact", [&] { return s_.fact(sc, n); });
  }
  Result<void> putAccountStatus(std::string_view sc, AccountStatus a) override {
    return timed("putAccountStatus", [&] { return s_.putAccountStatus(sc, a); });
  }
  Result<std::optional<AccountStatus>> accountStatus(std::string_view sc) override {
    return timed("accountStatus", [&] { return s_.accountStatus(sc); });
  }
  Result<std::vector<Application>> applications(std::string_view sc) override {
    return timed("applications", [&] { return s_.applications(sc); });
  }
  Result<std::size_t> purgeCohort(std::string_view sc, std::string_view y) override {
    return timed("purgeCohort", [&] { return s_.purgeCohort(sc, y); });
  }
  Result<bool> renameTarget(std::string_view sc, std::string_view from,
                            std::string_view to) override {
    return timed("renameTarget", [&] { return s_.renameTarget(sc, from, to); });
  }

  [[nodiscard]] double totalMs() const {
    double t = 0;
    for (const auto& [m, v] : ms) t += v;
    return t;
  }

 private:
  template <typename F>
  std::invoke_result_t<F> timed(const char* name, F&& f) const {
    auto t0 = std::chrono::steady_clock::now();
    auto r = f();
    ms[name] += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    ++count[name];
    return r;
  }
  StateStore& s_;
};

// Wall time of the xlsx writer and of SHA-256 (file, fingerprints, idempotency keys) in a pass.
struct ServiceTimes {
  double xlsxMs = 0;
  double shaMs = 0;
  long shaCalls = 0;
};

// The school and its evaluation for N students, built once per size.
struct Fixture {
  School school;
  Catalog catalog;
  SchoolResult eval;
  std::size_t eligible = 0;
};

const Fixture& fixture(int students) {
  static std::map<int, std::unique_ptr<Fixture>> cache;
  auto& f = cache[students];
  if (!f) {
    f = std::make_unique<Fixture>();
    f->school = bench::makeSchool();
    f->catalog = bench::makeCatalog();
    std::vector<RosterInput> in;
    in.push_back({"bench.csv", bench::makeTable(students)});
    f->eval = evaluateSchool(f->school, in, {bench::kToday, &f->catalog, &bench::types()});
    for (const auto& t : f->eval.targets) f->eligible += t.eligible.size();
  }
  return *f;
}

std::string firstError(const SchoolResult& eval) {
  for (const auto& f : eval.findings) {
    if (f.severity == Severity::Error) return f.code + ": " + f.message;
  }
  return {};
}

SchoolOutcome schoolPass(const Fixture& fx, StateStore& store, AcceptingPlatform& platform,
                      ServiceTimes* times = nullptr) {
  EngineServices svc;
  svc.store = &store;
  svc.platform = &platform;
  svc.types = &bench::types();
  svc.writeXlsx = [&platform, times](const DeclarationSheet& s) {
    platform.lastSheetIds.clear();
    for (const auto& r : s.rows) platform.lastSheetIds.push_back(r[3]);  // 证件号码
    if (times == nullptr) return platform::writeDeclarationXlsx(s);
    auto t0 = std::chrono::steady_clock::now();
    auto x = platform::writeDeclarationXlsx(s);
    times->xlsxMs += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return x;
  };
  svc.sha256Hex = [times](std::string_view b) {
    if (times == nullptr) return platform::sha256Hex(b);
    auto t0 = std::chrono::steady_clock::now();
    auto h = platform::sha256Hex(b);
    times->shaMs += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    ++times->shaCalls;
    return h;
  };
  static FakeClock clock{*parseIsoMoment("2026-11-27T01:00:00.000Z")};
  svc.clock = &clock;
  EngineOptions opt;
  opt.today = bench::kToday;
  opt.maxBatchRows = 5000;
  opt.pollAttempts = 5;
  opt.pollIntervalMs = 0;
  SchoolInput in{&fx.school, &fx.eval, "key-1"};
  return runSchoolPass(in, svc, opt);
}

std::size_t acceptedOf(const SchoolOutcome& o) {
  std::size_t n = 0;
  for (const auto& t : o.targets) n += t.accepted;
  return n;
}

std::unique_ptr<StateStore> openStore(const bench::ScratchDir& dir, benchmark::State& state) {
  auto s = store::openSqliteStore(dir.path() / "state.db");
  if (!s) {
    state.SkipWithError(("store: " + s.error().message).c_str());
    return nullptr;
  }
  return std::move(*s);
}

void BM_EnginePass(benchmark::State& state) {
  const Fixture& fx = fixture(static_cast<int>(state.range(0)));
  if (auto e = firstError(fx.eval); !e.empty()) {
    state.SkipWithError(("evaluation: " + e).c_str());
    return;
  }
  const double baseRss = bench::currentRssMiB();
  int batches = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto dir = std::make_unique<bench::ScratchDir>();
    auto store = openStore(*dir, state);
    if (!store) return;
    AcceptingPlatform platform;
    state.ResumeTiming();

    SchoolOutcome o = schoolPass(fx, *store, platform);

    state.PauseTiming();
    if (o.kind != SchoolOutcomeKind::Progressed || acceptedOf(o) != fx.eligible) {
      state.SkipWithError(("first pass: " + o.summary()).c_str());
      return;
    }
    batches = platform.submissions;
    store.reset();
    dir.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(fx.eligible));
  state.counters["eligible"] = static_cast<double>(fx.eligible);
  state.counters["batches"] = batches;
  state.counters["base_rss_MiB"] = baseRss;
  state.counters["peak_rss_MiB"] = bench::peakRssMiB();
}
BENCHMARK(BM_EnginePass)
    ->Arg(1000)
    ->Arg(5000)
    ->Arg(20000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The same first pass with the store wrapped in TimingStore and the services timed: milliseconds
// per pass spent in each store method (those above 1 ms), in the xlsx writer and in SHA-256;
// engine_ms is the rest (the engine itself: planning, sheets, keys, sets).
void BM_EnginePassBreakdown(benchmark::State& state) {
  const Fixture& fx = fixture(static_cast<int>(state.range(0)));
  if (auto e = firstError(fx.eval); !e.empty()) {
    state.SkipWithError(("evaluation: " + e).c_str());
    return;
  }
  std::map<std::string, double> ms;
  std::map<std::string, double> calls;
  ServiceTimes times;
  double wallMs = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto dir = std::make_unique<bench::ScratchDir>();
    auto store = openStore(*dir, state);
    if (!store) return;
    AcceptingPlatform platform;
    TimingStore timing(*store);
    state.ResumeTiming();

    auto t0 = std::chrono::steady_clock::now();
    SchoolOutcome o = schoolPass(fx, timing, platform, &times);
    wallMs += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

    state.PauseTiming();
    if (o.kind != SchoolOutcomeKind::Progressed || acceptedOf(o) != fx.eligible) {
      state.SkipWithError(("first pass: " + o.summary()).c_str());
      return;
    }
    for (const auto& [m, v] : timing.ms) ms[m] += v;
    for (const auto& [m, n] : timing.count) calls[m] += static_cast<double>(n);
    store.reset();
    dir.reset();
    state.ResumeTiming();
  }
  const double n = static_cast<double>(state.iterations());
  double storeMs = 0;
  for (const auto& [m, v] : ms) {
    storeMs += v;
    if (v / n >= 1.0) {
      state.counters[m + "_ms"] = v / n;
      state.counters[m + "_calls"] = calls[m] / n;
    }
  }
  state.counters["store_ms"] = storeMs / n;
  state.counters["xlsx_ms"] = times.xlsxMs / n;
  state.counters["sha_ms"] = times.shaMs / n;
  state.counters["sha_calls"] = static_cast<double>(times.shaCalls) / n;
  state.counters["engine_ms"] = (wallMs - storeMs - times.xlsxMs - times.shaMs) / n;
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(fx.eligible));
}
BENCHMARK(BM_EnginePassBreakdown)
    ->Arg(5000)
    ->Arg(20000)
    ->Arg(50000)  // beyond a real school: to see how the cost grows
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_EngineUpToDatePass(benchmark::State& state) {
  const Fixture& fx = fixture(static_cast<int>(state.range(0)));
  if (auto e = firstError(fx.eval); !e.empty()) {
    state.SkipWithError(("evaluation: " + e).c_str());
    return;
  }
  bench::ScratchDir dir;
  auto store = openStore(dir, state);
  if (!store) return;
  AcceptingPlatform platform;
  SchoolOutcome first = schoolPass(fx, *store, platform);
  if (first.kind != SchoolOutcomeKind::Progressed || acceptedOf(first) != fx.eligible) {
    state.SkipWithError(("first pass: " + first.summary()).c_str());
    return;
  }
  const int callsAfterFirst = platform.calls;
  for (auto _ : state) {
    SchoolOutcome o = schoolPass(fx, *store, platform);
    if (o.kind != SchoolOutcomeKind::UpToDate) {
      state.SkipWithError(("second pass: " + o.summary()).c_str());
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(fx.eligible));
  state.counters["eligible"] = static_cast<double>(fx.eligible);
  state.counters["platform_calls"] = platform.calls - callsAfterFirst;  // expected 0
}
BENCHMARK(BM_EngineUpToDatePass)
    ->Arg(5000)
    ->Arg(20000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The up-to-date pass, timed like BM_EnginePassBreakdown: where the offline plan spends its time.
void BM_EngineUpToDatePassBreakdown(benchmark::State& state) {
  const Fixture& fx = fixture(static_cast<int>(state.range(0)));
  if (auto e = firstError(fx.eval); !e.empty()) {
    state.SkipWithError(("evaluation: " + e).c_str());
    return;
  }
  bench::ScratchDir dir;
  auto store = openStore(dir, state);
  if (!store) return;
  AcceptingPlatform platform;
  if (SchoolOutcome first = schoolPass(fx, *store, platform);
      first.kind != SchoolOutcomeKind::Progressed || acceptedOf(first) != fx.eligible) {
    state.SkipWithError(("first pass: " + first.summary()).c_str());
    return;
  }
  TimingStore timing(*store);
  ServiceTimes times;
  double wallMs = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    SchoolOutcome o = schoolPass(fx, timing, platform, &times);
    wallMs += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (o.kind != SchoolOutcomeKind::UpToDate) {
      state.SkipWithError(("second pass: " + o.summary()).c_str());
      return;
    }
  }
  const double n = static_cast<double>(state.iterations());
  for (const auto& [m, v] : timing.ms) {
    if (v / n >= 1.0) {
      state.counters[m + "_ms"] = v / n;
      state.counters[m + "_calls"] = static_cast<double>(timing.count[m]) / n;
    }
  }
  state.counters["store_ms"] = timing.totalMs() / n;
  state.counters["sha_ms"] = times.shaMs / n;
  state.counters["sha_calls"] = static_cast<double>(times.shaCalls) / n;
  state.counters["engine_ms"] = (wallMs - timing.totalMs() - times.xlsxMs - times.shaMs) / n;
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(fx.eligible));
}
BENCHMARK(BM_EngineUpToDatePassBreakdown)
    ->Arg(5000)
    ->Arg(20000)
    ->Arg(50000)  // beyond a real school: to see how the cost grows
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
