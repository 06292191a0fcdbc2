// One pass: inputs → per school (evaluate offline → open the key → engine against the platform).
#include "run_pass.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <filesystem>
#include <map>
#include <thread>

#include "args.hpp"
#include "inputs.hpp"
#include "zzjb/config/loader.hpp"
#include "zzjb/identity/key_uri.hpp"
#include "zzjb/identity/pin.hpp"
#include "zzjb/identity/signers.hpp"
#include "zzjb/identity/verify.hpp"
#include "zzjb/platform/declaration_file.hpp"
#include "zzjb/files/directory.hpp"
#include "zzjb/store/sqlite_store.hpp"

namespace zzjb::cli {
namespace {


// A finding that stops a whole school: anything but a roster row's own problem. A bad row only
// excludes its student (INVALID_DATA in the evaluation); the rest of the school still goes through.
bool blocksSchool(const Finding& f) {
  if (f.severity != Severity::Error) return false;
  if (f.kind == FindingKind::Config) return true;
  const bool rosterRow = !f.where.file.empty() && (f.where.line > 0 || !f.where.cell.empty()) &&
                         f.where.jsonPath.empty();
  return !rosterRow;
}

// The test hook ZZJB_TEST_KILL_AT="intent-committed:batch" or "…#2" (the second time): the
// process kills itself with SIGKILL there, exactly as a power cut or `kill -9` would stop it.
// For crash tests only; documented in docs/operations.md.
std::function<void(std::string_view)> killHook() {
  const char* spec = std::getenv("ZZJB_TEST_KILL_AT");
  if (spec == nullptr || *spec == '\0') return {};
  std::string point = spec;
  int nth = 1;
  if (auto hash = point.find('#'); hash != std::string::npos) {
    nth = std::max(1, std::atoi(point.c_str() + hash + 1));
    point.resize(hash);
  }
  auto seen = std::make_shared<int>(0);
  return [point, nth, seen](std::string_view at) {
    if (at != point) return;
    if (++*seen < nth) return;
    ::kill(::getpid(), SIGKILL);
  };
}

int exitCodeFor(const SchoolOutcome& o) {
  if (o.kind == SchoolOutcomeKind::Skipped) return kExitData;
  if (o.kind != SchoolOutcomeKind::Failed) {
    // A rejected permission waits on people, not on time: say so to cron.
    for (const auto& t : o.targets) {
      if (t.phase == TargetPhase::PermissionRejected) return kExitData;
    }
    return kExitOk;
  }
  if (!o.failure) {
    // One target refused for good (a final 4xx), the others went on; or the store failed.
    for (const auto& f : o.findings) {
      if (f.code.starts_with("PLATFORM_")) return kExitData;
    }
    return kExitTempFail;
  }
  const auto& code = o.failure->code;
  if (code == "TLS") return kExitConfig;             // the platform's certificate: caBundle
  if (code == "TIMESTAMP_SKEW") return kExitConfig;  // this machine's clock
  switch (o.failure->kind) {
    case PlatformFailureKind::Identity: return kExitNoPerm;
    case PlatformFailureKind::Unavailable: return kExitTempFail;
    case PlatformFailureKind::Protocol: return kExitUnavailable;
    case PlatformFailureKind::Final: return kExitData;
  }
  return kExitTempFail;
}

// What to do about a failure that stopped a school, for the log line next to it.
std::string failureHint(const PlatformFailure& f) {
  if (f.code == "TLS" && f.message.find("platform.pinnedPublicKey") != std::string::npos) {
    return "the platform's key is not the pinned one: if the platform changed its key, put the "
           "new pin in platform.pinnedPublicKey (docs/platform-client.md, \"Connection\")";
  }
  if (f.code == "TLS") {
    return "the platform's TLS certificate was not accepted: check platform.caBundle (for "
           "zzjb-mock, its --tls-out cert.pem)";
  }
  if (f.code == "TIMESTAMP_SKEW") return "this machine's clock is off: enable NTP (timedatectl)";
  if (f.code == "CANCELLED") return "stopped on request; the next pass goes on from here";
  if (f.code.starts_with("CERT_") || f.code == "KEYID_MISMATCH") {
    return "the school's certificate was refused: zzjb identity check -c CONFIG --school ID";
  }
  switch (f.kind) {
    case PlatformFailureKind::Unavailable:
      return "the platform did not answer: the next pass tries again (check network and "
             "platform.baseUrl if it persists)";
    case PlatformFailureKind::Identity: return "zzjb identity check -c CONFIG shows what is wrong";
    default: return "";
  }
}

// The platform cannot be reached at all (no HTTP answer): trying the next school now only adds
// minutes of retries.
bool platformUnreachable(const SchoolOutcome& o) {
  return o.kind == SchoolOutcomeKind::Failed && o.failure &&
         o.failure->kind == PlatformFailureKind::Unavailable && o.failure->httpStatus == 0 &&
         o.failure->code != "CANCELLED";
}

// Most severe first: configuration, identity, platform, data.
int worse(int a, int b) {
  auto rank = [](int c) {
    switch (c) {
      case kExitConfig: return 6;
      case kExitNoPerm: return 5;
      case kExitUnavailable: return 4;
      case kExitTempFail: return 3;
      case kExitData: return 2;
      case kExitOk: return 0;
      default: return 1;
    }
  };
  return rank(a) >= rank(b) ? a : b;
}

struct OpenedKey {
  std::unique_ptr<Signer> signer;
  std::string certificatePem;
};

Result<OpenedKey> openSchoolKey(const Config& cfg, const School& school) {
  auto pointAt = [&](Finding f, const std::string& field) {
    if (f.where.file.empty() && f.where.jsonPath.empty()) {
      f.where = {cfg.file, 0, "", school.jsonPath + field};
    }
    f.school = school.id;
    return f;
  };
  if (school.identity.key.empty()) {
    return std::unexpected(pointAt(configFinding("KEY_NOT_CONFIGURED", "no key is configured",
                                                 "set identity.key to file:…, pkcs11:… or skf:…"),
                                   ".identity.key"));
  }
  auto uri = identity::parseKeyUri(school.identity.key, cfg.dir);
  if (!uri) return std::unexpected(pointAt(uri.error(), ".identity.key"));
  const auto* p11 = std::get_if<identity::Pkcs11KeyUri>(&*uri);
  PinSource pinSource =
      identity::effectivePinSource(school.identity.pin, p11 != nullptr ? p11->pinSource : "");
  auto signer =
      identity::openSigner(*uri, [&] { return identity::readPin(pinSource, school.id); });
  if (!signer) return std::unexpected(pointAt(signer.error(), ".identity.key"));
  OpenedKey k;
  k.certificatePem = (*signer)->certificatePem();
  if (!school.identity.certificate.empty()) {
    auto pem =
        identity::readCertificatePem(school.identity.certificate, school.identity.certificate);
    if (!pem) return std::unexpected(pointAt(pem.error(), ".identity.certificate"));
    k.certificatePem = *pem;
  }
  if (k.certificatePem.empty()) {
    return std::unexpected(pointAt(
        configFinding("CERT_NOT_CONFIGURED",
                      "the key source holds no certificate and none is configured",
                      "set identity.certificate to the school's signing certificate"),
        ".identity.certificate"));
  }
  k.signer = std::move(*signer);
  return k;
}


// The school's key is opened, and the client made, only when the engine first calls the
// platform: a school with nothing missing sends nothing, and a USB key is not asked for its
// PIN on every pass of the daemon. Failing to open it is a login failure (Identity).
class LazyPlatformClient final : public PlatformClient {
 public:
  using Factory = std::function<PlatformResult<std::unique_ptr<PlatformClient>>()>;
  explicit LazyPlatformClient(Factory make) : make_(std::move(make)) {}

  PlatformResult<PlatformSession> login() override {
    return with([](PlatformClient& c) { return c.login(); });
  }
  PlatformResult<AccountState> account() override {
    return with([](PlatformClient& c) { return c.account(); });
  }
  PlatformResult<AccountState> putAccount(const AccountRequest& r, std::string_view k) override {
    return with([&](PlatformClient& c) { return c.putAccount(r, k); });
  }
  PlatformResult<Catalog> catalog() override {
    return with([](PlatformClient& c) { return c.catalog(); });
  }
  PlatformResult<std::vector<GrantedPermission>> permissions() override {
    return with([](PlatformClient& c) { return c.permissions(); });
  }
  PlatformResult<ApplicationState> applyForPermission(const ApplicationRequest& r,
                                                      std::string_view k) override {
    return with([&](PlatformClient& c) { return c.applyForPermission(r, k); });
  }
  PlatformResult<ApplicationState> application(std::string_view id) override {
    return with([&](PlatformClient& c) { return c.application(id); });
  }
  PlatformResult<std::optional<ApplicationState>> findApplication(std::string_view k) override {
    return with([&](PlatformClient& c) { return c.findApplication(k); });
  }
  PlatformResult<BatchState> submitDeclarations(const DeclarationManifest& m, std::string_view x,
                                                std::string_view k) override {
    return with([&](PlatformClient& c) { return c.submitDeclarations(m, x, k); });
  }
  PlatformResult<BatchState> batch(std::string_view id) override {
    return with([&](PlatformClient& c) { return c.batch(id); });
  }
  PlatformResult<std::optional<BatchState>> findBatch(std::string_view k) override {
    return with([&](PlatformClient& c) { return c.findBatch(k); });
  }
  PlatformResult<std::vector<DeclarationInfo>> declarations(std::string_view code,
                                                            int level) override {
    return with([&](PlatformClient& c) { return c.declarations(code, level); });
  }

 private:
  template <typename F>
  auto with(F&& f) -> decltype(f(std::declval<PlatformClient&>())) {
    if (!client_) {
      if (failure_) return std::unexpected(*failure_);
      auto made = make_();
      if (!made) {
        failure_ = made.error();
        return std::unexpected(*failure_);
      }
      client_ = std::move(*made);
    }
    return f(*client_);
  }

  Factory make_;
  std::unique_ptr<PlatformClient> client_;
  std::optional<PlatformFailure> failure_;
};

// Records what the key source said about its PIN as the store's fact "pin" (never the PIN), for
// the PIN_LOW reminder. A failure to record is a warning: the pass goes on.
void recordPin(StateStore* store, const std::string& school, const PinFact& pin,
               PassObserver& observer) {
  if (store == nullptr) return;
  if (auto r = store->putFact(school, "pin", pinFactText(pin)); !r) {
    observer.log(Severity::Warning, school,
                 "cannot record the PIN state in the store: " + r.error().message);
  }
}

// A school's offline evaluation in this pass, kept for the reminders after it.
struct Evaluated {
  const School* school = nullptr;
  SchoolResult evaluation;
  CertificateFacts cert;
};

// The reminders after the pass: the report model of the schools the pass was about, from the
// evaluations the pass made (a school the pass did not reach — the platform went away — is
// evaluated here: rosters and certificate only, no request).
std::vector<SchoolReminders> remindersAfterPass(const Config& config,
                                                const std::optional<std::string>& only,
                                                const Date& today,
                                                const EligibilityOptions& eligibility,
                                                const identity::ExtensionOids& oids,
                                                const TypeRegistry& types, StateStore& store,
                                                std::deque<Evaluated>& evaluated) {
  std::vector<const Evaluated*> order;
  for (const auto& school : config.schools) {
    if (only && school.id != *only) continue;
    auto it = std::find_if(evaluated.begin(), evaluated.end(),
                           [&](const Evaluated& e) { return e.school == &school; });
    if (it == evaluated.end()) {
      Evaluated e;
      e.school = &school;
      e.evaluation = evaluateSchool(school, readRosters(school), eligibility);
      e.cert = readSchoolCertificate(school, today, oids, e.evaluation.findings);
      evaluated.push_back(std::move(e));
      it = std::prev(evaluated.end());
    }
    order.push_back(&*it);
  }
  ReportInputs ri;
  ri.config = &config;
  ri.store = &store;
  ri.types = &types;
  for (const Evaluated* e : order) {
    ReportSchoolInput si;
    si.school = e->school;
    si.evaluation = &e->evaluation;
    if (e->cert.info) {
      si.certificateDaysLeft = e->cert.daysLeft;
      si.certificateNotAfter = identity::shanghaiDate(e->cert.info->notAfter);
    }
    ri.schools.push_back(si);
  }
  ReportOptions ro;
  ro.today = today;
  const Report report = buildReport(ri, ro);
  std::vector<SchoolReminders> out;
  for (const auto& s : report.schools) {
    SchoolReminders r;
    r.school = s.id;
    r.reminders = s.reminders;
    r.certificateDaysLeft = s.certificateDaysLeft;
    if (s.pin) r.pinRetriesLeft = s.pin->retriesLeft();
    out.push_back(std::move(r));
  }
  return out;
}

PlatformFailure failureFromFinding(const Finding& f, PlatformFailureKind kind) {
  PlatformFailure pf;
  pf.kind = kind;
  pf.code = f.code;
  pf.message = f.message + (f.hint.empty() ? "" : " — " + f.hint);
  pf.endpoint = "POST /api/v1/auth/login";
  pf.attempts = 0;
  return pf;
}

// `flock` on `<state.path>.lock`: one pass at a time per state store (a daemon and a hand-run
// `zzjb run` would otherwise race for the same students).
class StoreLock {
 public:
  explicit StoreLock(const std::filesystem::path& statePath) {
    std::filesystem::path p = statePath;
    p += ".lock";
    // The state directory is made (0700) and checked as the store does: the lock comes first.
    const auto dir = p.parent_path();
    if (auto ok = files::prepareDirectory(dir.empty() ? std::filesystem::path(".") : dir,
                                          {.create = true, .othersMayWrite = false,
                                           .what = "state directory"});
        !ok) {
      error_ = ok.error().where.str() + ": " + ok.error().message + " — " + ok.error().hint;
      return;
    }
    // Never through a link, never a device or a pipe, never another user's file: the lock file
    // is opened, then checked on its descriptor (docs/security.md, "Writing files").
    fd_ = ::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY,
                 0600);
    if (fd_ < 0) {
      error_ = "cannot open " + p.string() + ": " +
               (errno == ELOOP ? std::string("it is a symbolic link, which zzjb does not follow")
                               : std::string(std::strerror(errno)));
      return;
    }
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) ||
        (st.st_uid != 0 && st.st_uid != ::geteuid())) {
      error_ = "refusing the lock file " + p.string() +
               ": it is not a regular file of root or of the user running zzjb — remove it";
      ::close(fd_);
      fd_ = -1;
      return;
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      error_ = "another zzjb pass is using this state store (" + p.string() + " is locked)";
      busy_ = true;
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~StoreLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;
  [[nodiscard]] const std::string& error() const { return error_; }
  // Locked by another pass (exit 75), rather than refused (the directory or file is unsafe: 78).
  [[nodiscard]] bool busy() const { return busy_; }

 private:
  int fd_ = -1;
  std::string error_;
  bool busy_ = false;
};

}  // namespace

PassResult runPass(const Config& config, const PassOptions& options, PassObserver& observer) {
  PassResult result;
  SystemClock systemClock;
  std::optional<ClockWithToday> withToday;
  if (options.today) withToday.emplace(systemClock, *options.today);
  Clock& clock = withToday ? static_cast<Clock&>(*withToday) : systemClock;
  std::optional<Date> today = clock.today();

  std::optional<Catalog> catalog;
  if (!config.catalogPath.empty()) {
    auto cat = config::loadCatalog(config.catalogPath, config.catalogDisplay.empty()
                                                           ? config.catalogPath
                                                           : config.catalogDisplay,
                                   result.findings);
    if (cat) catalog = std::move(*cat);
    else result.findings.push_back(cat.error());
  }
  plugin_host::Host plugins;
  loadPlugins(plugins, &config, result.findings);

  std::optional<StoreLock> lock;
  if (!options.dryRun) {
    lock.emplace(config.statePath);
    if (!lock->error().empty() && !lock->busy()) {
      observer.log(Severity::Error, "", lock->error() + " (state.path in " + config.file + ")");
      result.exitCode = kExitConfig;
      return result;
    }
    if (!lock->error().empty()) {
      observer.log(Severity::Error, "", lock->error() + " — wait for it to finish; a daemon and a timer must not both run");
      result.exitCode = kExitTempFail;
      return result;
    }
  }
  // The store. A dry run never writes to the real one: without it, it looks at an empty one.
  std::unique_ptr<StateStore> store;
  std::optional<std::filesystem::path> scratch;
  {
    std::filesystem::path path = config.statePath;
    std::error_code ec;
    if (options.dryRun && !std::filesystem::exists(path, ec)) {
      char tmpl[] = "/tmp/zzjb-dry-run-XXXXXX";
      if (char* dir = mkdtemp(tmpl); dir != nullptr) {
        scratch = dir;
        path = *scratch / "state.db";
      }
    }
    auto opened = store::openSqliteStore(path);
    if (!opened) {
      result.findings.push_back(opened.error());
      const Finding& f = opened.error();
      observer.log(Severity::Error, "",
                   (f.where.str().empty() ? "" : f.where.str() + ": ") + f.message +
                       (f.hint.empty() ? "" : " — " + f.hint) + " (state.path in " + config.file + ")");
      result.exitCode = kExitConfig;
      return result;
    }
    store = std::move(*opened);
  }
  struct ScratchCleanup {
    std::optional<std::filesystem::path>& dir;
    ~ScratchCleanup() {
      std::error_code ec;
      if (dir) std::filesystem::remove_all(*dir, ec);
    }
  } cleanup{scratch};

  for (const auto& f : result.findings) {
    if (f.severity == Severity::Error) observer.log(f.severity, f.school, f.message);
  }

  EligibilityOptions eligibility{*today, catalog ? &*catalog : nullptr, &plugins.registry()};
  const auto oids = extensionOids(config);
  auto checkpoint = killHook();
  bool found = !options.school;
  bool platformDown = false;
  std::deque<Evaluated> evaluated;  // stable addresses: the report points into it
  for (const auto& school : config.schools) {
    if (options.school && school.id != *options.school) continue;
    found = true;
    if (options.stopRequested && options.stopRequested()) {
      result.stopped = true;
      break;
    }
    SchoolResult evaluation = evaluateSchool(school, readRosters(school), eligibility);
    CertificateFacts cert = readSchoolCertificate(school, *today, oids, evaluation.findings);
    std::size_t rowProblems = 0;
    SchoolResult forEngine = evaluation;
    forEngine.findings.clear();
    for (const auto& f : evaluation.findings) {
      if (blocksSchool(f)) {
        forEngine.findings.push_back(f);
        observer.log(Severity::Error, school.id, f.where.str() + ": " + f.message +
                                                     (f.hint.empty() ? "" : " — " + f.hint));
      } else if (f.severity == Severity::Error) {
        ++rowProblems;
      }
    }
    if (rowProblems > 0) {
      observer.log(Severity::Warning, school.id,
                   std::to_string(rowProblems) +
                       " roster rows have errors: those students are left out, the others go "
                       "through (zzjb check -c CONFIG lists them)");
    }

    evaluated.push_back({&school, std::move(evaluation), cert});

    SchoolInput input{&school, &forEngine, cert.keyId};
    EngineServices services;
    services.store = store.get();
    services.types = &plugins.registry();
    services.writeXlsx = [](const DeclarationSheet& s) { return platform::writeDeclarationXlsx(s); };
    services.sha256Hex = [](std::string_view b) { return platform::sha256Hex(b); };
    services.clock = &clock;
    services.onEvent = [&observer](const EngineEvent& e) { observer.onEngineEvent(e); };
    EngineOptions engineOptions;
    engineOptions.today = *today;
    engineOptions.dryRun = options.dryRun;
    engineOptions.checkpoint = checkpoint;
    if (const char* rows = std::getenv("ZZJB_MAX_BATCH_ROWS"); rows != nullptr) {
      // Rehearsals and tests: smaller batches than the platform's 5,000.
      if (int n = std::atoi(rows); n > 0 && n <= 5000) engineOptions.maxBatchRows = static_cast<std::size_t>(n);
    }
    if (const char* ms = std::getenv("ZZJB_POLL_INTERVAL_MS"); ms != nullptr) {
      engineOptions.pollIntervalMs = std::max(0, std::atoi(ms));
    }

    std::unique_ptr<PlatformClient> client;
    std::optional<OpenedKey> key;
    if (!options.dryRun) {
      client = std::make_unique<LazyPlatformClient>(
          [&config, &school, &key, &observer, &options, st = store.get(),
           keyId = cert.keyId]() -> PlatformResult<std::unique_ptr<PlatformClient>> {
            auto opened = openSchoolKey(config, school);
            if (!opened) {
              // What the refusal tells about the PIN (locked, final try, tries left) is kept.
              if (auto pin = pinFactFromFinding(opened.error(), SystemClock().nowUtc())) {
                recordPin(st, school.id, *pin, observer);
              }
              return std::unexpected(failureFromFinding(opened.error(), PlatformFailureKind::Identity));
            }
            key = std::move(*opened);
            recordPin(st, school.id, PinFact{key->signer->pinStatus(), "OK", SystemClock().nowUtc()}, observer);
            platform::ClientOptions co;
            co.baseUrl = config.platform.baseUrl;
            co.caBundle = config.platform.caBundle;
            co.pinnedPublicKey = config.platform.pinnedPublicKey;
            co.timeoutSeconds = config.platform.timeoutSeconds;
            co.signer = key->signer.get();
            co.certificatePem = key->certificatePem;
            co.keyId = keyId;
            co.onRequest = [&observer, id = school.id](const platform::RequestEvent& e) {
              observer.onRequest(id, e);
            };
            co.cancelled = options.stopRequested;
            auto made = platform::makePlatformClient(std::move(co));
            if (!made) {
              Finding f = made.error();
              if (f.where.jsonPath.empty()) f.where = {config.file, 0, "", "$.platform"};
              return std::unexpected(failureFromFinding(f, PlatformFailureKind::Final));
            }
            return std::move(*made);
          });
    }
    services.platform = client.get();

    SchoolOutcome outcome = runSchoolPass(input, services, engineOptions);
    if (outcome.kind != SchoolOutcomeKind::Failed && rowProblems > 0) {
      result.exitCode = worse(result.exitCode, kExitData);
    }
    result.exitCode = worse(result.exitCode, exitCodeFor(outcome));
    if (outcome.failure) {
      if (auto hint = failureHint(*outcome.failure); !hint.empty()) {
        observer.log(outcome.kind == SchoolOutcomeKind::Failed ? Severity::Error : Severity::Warning,
                     school.id, outcome.failure->describe() + " — " + hint);
      }
    }
    observer.onSchoolDone(outcome);
    const bool unreachable = platformUnreachable(outcome);
    const bool cancelled = outcome.failure && outcome.failure->code == "CANCELLED";
    result.schools.push_back(std::move(outcome));
    if (cancelled) {
      result.stopped = true;
      break;
    }
    if (unreachable) {
      platformDown = true;
      break;
    }
  }
  if (!result.stopped && found) {
    result.reminders = remindersAfterPass(config, options.school, *today, eligibility, oids,
                                          plugins.registry(), *store, evaluated);
  }
  if (platformDown) {
    std::size_t left = 0;
    bool after = false;
    for (const auto& school : config.schools) {
      if (options.school && school.id != *options.school) continue;
      if (after) ++left;
      if (!result.schools.empty() && school.id == result.schools.back().school) after = true;
    }
    if (left > 0) {
      observer.log(Severity::Error, "",
                   "the platform cannot be reached: the other " + std::to_string(left) +
                       " schools are left for the next pass");
    }
  }
  if (!found) {
    observer.log(Severity::Error, "", "no school with id \"" + *options.school + "\" in " + config.file);
    result.exitCode = kExitUsage;
  }
  for (const auto& f : result.findings) {
    if (f.severity == Severity::Error && f.kind == FindingKind::Config && f.school.empty()) {
      result.exitCode = worse(result.exitCode, kExitConfig);
    }
  }
  return result;
}

PassResult runPassFromFile(const std::string& configPath, const PassOptions& options,
                           PassObserver& observer) {
  auto loaded = config::loadConfig(configPath, configPath);
  // The platform's settings serve every school: a bad baseUrl or pin, or a caBundle that holds no
  // certificate, ends the pass before any school is tried, with exit 78 and what to fix — not a
  // "platform refused" per target later (docs/security.md, "Configuration, catalog and
  // certificates").
  bool platformUnusable = false;
  if (loaded.config) {
    if (auto bundle = checkCaBundle(*loaded.config)) loaded.findings.push_back(std::move(*bundle));
  }
  bool errors = false;
  for (const auto& f : loaded.findings) {
    if (f.severity != Severity::Error) continue;
    errors = true;
    if (f.school.empty() && f.where.jsonPath.starts_with("$.platform")) platformUnusable = true;
    observer.log(Severity::Error, f.school,
                 (f.where.str().empty() ? configPath : f.where.str()) + ": " + f.message +
                     (f.hint.empty() ? "" : " — " + f.hint));
  }
  if (!loaded.config || platformUnusable || (errors && loaded.config->schools.empty())) {
    PassResult r;
    r.exitCode = kExitConfig;
    r.findings = std::move(loaded.findings);
    return r;
  }
  PassResult r = runPass(*loaded.config, options, observer);
  if (errors) r.exitCode = worse(r.exitCode, kExitConfig);
  r.findings.insert(r.findings.begin(), loaded.findings.begin(), loaded.findings.end());
  return r;
}

}  // namespace zzjb::cli
