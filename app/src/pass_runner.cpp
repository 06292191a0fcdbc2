// One pass: inputs → a pool of workers, each taking the next school (evaluate offline → open the
// key → engine against the platform) → reminders. docs/architecture.md, "The application layer".
#include "zzjb/app/pass_runner.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>

#include "zzjb/app/exit_code_policy.hpp"
#include "zzjb/app/inputs.hpp"
#include "zzjb/app/school_health.hpp"
#include "zzjb/config/loader.hpp"
#include "zzjb/files/directory.hpp"
#include "zzjb/identity/pin.hpp"
#include "zzjb/identity/verify.hpp"
#include "zzjb/platform/declaration_file.hpp"

namespace zzjb::app {
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

// A finding as one log line: where, what, and what to do (run.line.*). `where` stands in when
// the finding names no place of its own.
std::string findingLine(const Finding& f, const std::string& where = {}) {
  const std::string at = f.where.str().empty() ? where : f.where.str();
  if (at.empty()) {
    return f.hint.empty() ? msg::text("run.line.plain", {{"message", f.message}})
                          : msg::text("run.line.plain_hint",
                                      {{"message", f.message}, {"hint", f.hint}});
  }
  return f.hint.empty()
             ? msg::text("run.line.where", {{"where", at}, {"message", f.message}})
             : msg::text("run.line.where_hint",
                         {{"where", at}, {"message", f.message}, {"hint", f.hint}});
}

// The observer behind one mutex: the workers call it, the observer sees one call at a time.
// It also counts schools for the progress line.
class SerialObserver final : public PassObserver {
 public:
  explicit SerialObserver(PassObserver& inner) : inner_(inner) {}
  void onEngineEvent(const EngineEvent& e) override {
    const std::lock_guard lock(mu_);
    inner_.onEngineEvent(e);
  }
  void onRequest(const std::string& school, const platform::RequestEvent& e) override {
    const std::lock_guard lock(mu_);
    inner_.onRequest(school, e);
  }
  void onSchoolDone(const SchoolOutcome& o) override {
    const std::lock_guard lock(mu_);
    inner_.onSchoolDone(o);
  }
  void log(Severity s, const std::string& school, const std::string& m) override {
    const std::lock_guard lock(mu_);
    inner_.log(s, school, m);
  }
  void onProgress(const PassProgress& p) override {
    const std::lock_guard lock(mu_);
    inner_.onProgress(p);
  }
  void setTotal(std::size_t total) {
    const std::lock_guard lock(mu_);
    progress_.total = total;
  }
  void started() { moved(+1, 0); }
  void finished() { moved(-1, +1); }

 private:
  void moved(int running, int done) {
    const std::lock_guard lock(mu_);
    progress_.running = static_cast<std::size_t>(static_cast<long>(progress_.running) + running);
    progress_.done += static_cast<std::size_t>(done);
    inner_.onProgress(progress_);
  }

  std::mutex mu_;
  PassObserver& inner_;
  PassProgress progress_;
};

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
  PlatformResult<std::vector<BatchState>> listBatches() override {
    return with([](PlatformClient& c) { return c.listBatches(); });
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
void recordPin(StateStore& store, const std::string& school, const PinFact& pin,
               PassObserver& observer) {
  if (auto r = store.putFact(school, "pin", pinFactText(pin)); !r) {
    observer.log(Severity::Warning, school,
                 msg::text("run.log.pin_not_recorded", {{"message", r.error().message}}));
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
                                                const std::vector<const School*>& schools,
                                                const Date& today,
                                                const EligibilityOptions& eligibility,
                                                const identity::ExtensionOids& oids,
                                                const TypeRegistry& types, StateStore& store,
                                                std::vector<std::optional<Evaluated>>& evaluated) {
  ReportInputs ri;
  ri.config = &config;
  ri.store = &store;
  ri.types = &types;
  for (std::size_t i = 0; i < schools.size(); ++i) {
    if (!evaluated[i]) {
      Evaluated e;
      e.school = schools[i];
      e.evaluation = evaluateSchool(*schools[i], readRosters(*schools[i]), eligibility);
      e.cert = readSchoolCertificate(*schools[i], today, oids, e.evaluation.findings);
      evaluated[i] = std::move(e);
    }
    const Evaluated& e = *evaluated[i];
    ReportSchoolInput si;
    si.school = e.school;
    si.evaluation = &e.evaluation;
    if (e.cert.info) {
      si.certificateDaysLeft = e.cert.daysLeft;
      si.certificateNotAfter = identity::shanghaiDate(e.cert.info->notAfter);
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
  pf.message = f.hint.empty() ? f.message
                             : msg::text("run.line.plain_hint",
                                         {{"message", f.message}, {"hint", f.hint}});
  pf.endpoint = "POST /api/v1/auth/login";
  pf.attempts = 0;
  return pf;
}

// `flock` on `<state.path>.lock`: one pass at a time per state store (a daemon and a hand-run
// `zzjb run` would otherwise race for the same students). Each refusal says what is true and
// what to do (docs/operations.md, "5. State and logs"): only a lock really held by another pass
// is "busy" (exit 75, wait for it); a state directory that cannot be made or written is a setup
// problem (exit 78) with the command that fixes it.
class StoreLock {
 public:
  StoreLock(const std::filesystem::path& statePath, const std::string& configFile) {
    std::filesystem::path p = statePath;
    p += ".lock";
    // The state directory is made (0700) and checked as the store does: the lock comes first.
    const auto given = p.parent_path();
    const auto dir = given.empty() ? std::filesystem::path(".") : given;
    const msg::Args where = {{"dir", dir.string()}, {"user", userName()}, {"config", configFile}};
    if (auto ok = files::prepareDirectory(dir, {.create = true, .othersMayWrite = false,
                                                .what = msg::text("run.lock.state_directory")});
        !ok) {
      const Finding& f = ok.error();
      error_ = f.code == "OUTPUT_DIR_CREATE"
                   ? msg::text("run.lock.cannot_create",
                               withArgs(where, {{"failed", f.where.file}, {"reason", f.message}}))
                   : msg::text("run.log.lock_refused",
                               {{"error", findingLine(f)}, {"config", configFile}});
      return;
    }
    // Never through a link, never a device or a pipe, never another user's file: the lock file
    // is opened, then checked on its descriptor (docs/security.md, "Writing files").
    fd_ = ::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY,
                 0600);
    if (fd_ < 0) {
      const int err = errno;
      if (err == ELOOP) {
        error_ = msg::text("run.lock.symlink", {{"path", p.string()}});
      } else if (err == EACCES || err == EPERM || err == EROFS) {
        // The directory exists (root's, say) but this user cannot write in it.
        error_ = msg::text("run.lock.not_writable",
                           withArgs(where, {{"path", p.string()}, {"error", std::strerror(err)}}));
      } else {
        error_ = msg::text("run.log.lock_refused",
                           {{"error", msg::text("run.lock.open", {{"path", p.string()},
                                                                  {"error", std::strerror(err)}})},
                            {"config", configFile}});
      }
      return;
    }
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) ||
        (st.st_uid != 0 && st.st_uid != ::geteuid())) {
      error_ = msg::text("run.lock.unsafe", {{"path", p.string()}});
      ::close(fd_);
      fd_ = -1;
      return;
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      // Only EWOULDBLOCK is another pass holding it; anything else (ENOLCK on a network file
      // system) would never clear by waiting.
      busy_ = err == EWOULDBLOCK;
      error_ = busy_ ? msg::text("run.lock.busy", {{"path", p.string()}})
                     : msg::text("run.lock.flock", {{"path", p.string()},
                                                    {"error", std::strerror(err)},
                                                    {"config", configFile}});
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~StoreLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;
  // The whole refusal, advice included; empty when locked.
  [[nodiscard]] const std::string& error() const { return error_; }
  // Locked by another pass (exit 75), rather than refused (the directory or file is unsafe or
  // cannot be made: 78).
  [[nodiscard]] bool busy() const { return busy_; }

 private:
  static std::string userName() {
    const uid_t uid = ::geteuid();
    if (const passwd* pw = ::getpwuid(uid); pw != nullptr && pw->pw_name != nullptr) {
      return pw->pw_name;
    }
    return std::to_string(uid);
  }
  static msg::Args withArgs(msg::Args args, msg::Args more) {
    for (auto& a : more) args.push_back(std::move(a));
    return args;
  }

  int fd_ = -1;
  std::string error_;
  bool busy_ = false;
};

// What a worker leaves for the pass about one school.
struct Slot {
  std::optional<SchoolHold> held;  // quarantined: not tried (or quarantined by this pass)
  std::optional<Evaluated> evaluated;
  std::optional<SchoolOutcome> outcome;
  std::size_t rowProblems = 0;
};

// Shared by the workers of one pass: everything is read-only but the atomics, the observer
// (behind its mutex), the key mutex and each worker's own slot.
struct PassShared {
  const Config& config;
  const PassOptions& options;
  const PassEnvironment& env;
  SerialObserver& observer;
  const std::vector<const School*>& schools;
  const EligibilityOptions& eligibility;
  const identity::ExtensionOids& oids;
  const TypeRegistry& types;
  Date today;
  std::vector<Slot>& slots;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> halt{false};     // the platform is unreachable: dispatch no further school
  std::atomic<bool> stopped{false};  // stopRequested
  std::mutex keyMutex{};             // one key opened at a time (a PIN prompt is one terminal)
  std::shared_ptr<platform::RequestGovernor> governor{};  // every school's client shares it
};

bool stopAsked(const PassEnvironment& env) { return env.stopRequested && env.stopRequested(); }

void runSchool(PassShared& p, std::size_t index, StateStore& store) {
  const School& school = *p.schools[index];
  Slot& slot = p.slots[index];
  PassObserver& observer = p.observer;
  // A quarantined identity is not tried again until what it is made of changes (a dry run opens
  // no key and writes nothing: it does not look).
  if (!p.options.dryRun) {
    bool released = false;
    auto held = heldQuarantine(store, p.config, school, released);
    if (!held) {
      observer.log(Severity::Warning, school.id,
                   msg::text("run.log.quarantine_unread", {{"message", held.error().message}}));
    } else if (*held) {
      const QuarantineFact& q = **held;
      slot.held = SchoolHold{school.id, SchoolHold::Kind::Quarantined, "", q.code, q.since, false};
      observer.log(Severity::Info, school.id,
                   msg::text("run.log.quarantined_skip",
                             {{"code", q.code}, {"since", shanghaiTimeText(q.since)}}));
      return;
    }
    if (released) observer.log(Severity::Info, school.id, msg::text("run.log.quarantine_released"));
  }
  SchoolResult evaluation = evaluateSchool(school, readRosters(school), p.eligibility);
  CertificateFacts cert = readSchoolCertificate(school, p.today, p.oids, evaluation.findings);
  // A certificate file already known to be out of its validity is not sent to log in with.
  std::optional<std::string> knownBad;
  if (!p.options.dryRun && cert.info) {
    const std::time_t now = static_cast<std::time_t>(p.env.clock->now() / 1000);
    if (cert.info->notAfter < now) knownBad = "CERT_EXPIRED";
    else if (cert.info->notBefore > now) knownBad = "CERT_NOT_YET_VALID";
  }
  SchoolResult forEngine = evaluation;
  forEngine.findings.clear();
  for (const auto& f : evaluation.findings) {
    if (blocksSchool(f)) {
      forEngine.findings.push_back(f);
      observer.log(Severity::Error, school.id, findingLine(f));
    } else if (f.severity == Severity::Error) {
      ++slot.rowProblems;
    }
  }
  if (slot.rowProblems > 0) {
    observer.log(Severity::Warning, school.id,
                 msg::text("run.log.row_problems", {{"count", slot.rowProblems},
                                                    {"config", p.config.file},
                                                    {"school", school.id}}));
  }
  slot.evaluated = Evaluated{&school, std::move(evaluation), cert};

  SchoolInput input{&school, &forEngine, cert.keyId};
  EngineServices services;
  services.store = &store;
  services.types = &p.types;
  services.writeXlsx = p.env.writeDeclarationFile;
  if (!services.writeXlsx) {
    services.writeXlsx = [](const DeclarationSheet& s) { return platform::writeDeclarationXlsx(s); };
  }
  services.sha256Hex = [](std::string_view b) { return platform::sha256Hex(b); };
  services.clock = p.env.clock;
  services.onEvent = [&observer](const EngineEvent& e) { observer.onEngineEvent(e); };
  EngineOptions engineOptions;
  engineOptions.today = p.today;
  engineOptions.configFile = p.config.file;
  engineOptions.dryRun = p.options.dryRun;
  engineOptions.checkpoint = p.env.checkpoint;
  engineOptions.maxBatchRows = static_cast<std::size_t>(p.config.platform.maxBatchRows);
  engineOptions.pollIntervalMs = p.config.platform.pollIntervalMs;

  std::unique_ptr<PlatformClient> client;
  std::optional<OpenedKey> key;
  if (!p.options.dryRun) {
    client = std::make_unique<LazyPlatformClient>(
        [&p, &school, &key, &observer, &store,
         keyId = cert.keyId]() -> PlatformResult<std::unique_ptr<PlatformClient>> {
          Result<OpenedKey> opened = [&] {
            const std::lock_guard lock(p.keyMutex);
            return p.env.openKey(p.config, school);
          }();
          if (!opened) {
            // What the refusal tells about the PIN (locked, final try, tries left) is kept.
            if (auto pin = pinFactFromFinding(opened.error(), p.env.clock->nowUtc())) {
              recordPin(store, school.id, *pin, observer);
            }
            return std::unexpected(
                failureFromFinding(opened.error(), PlatformFailureKind::Identity));
          }
          key = std::move(*opened);
          if (key->signer) {
            recordPin(store, school.id,
                      PinFact{key->signer->pinStatus(), "OK", p.env.clock->nowUtc()}, observer);
          }
          ClientRequest request;
          request.config = &p.config;
          request.school = &school;
          request.signer = key->signer.get();
          request.certificatePem = key->certificatePem;
          request.keyId = keyId;
          request.onRequest = [&observer, id = school.id](const platform::RequestEvent& e) {
            observer.onRequest(id, e);
          };
          request.cancelled = p.env.stopRequested;
          request.governor = p.governor;
          auto made = p.env.makeClient(request);
          if (!made) {
            Finding f = made.error();
            if (f.where.jsonPath.empty()) f.where = {p.config.file, 0, "", "$.platform"};
            return std::unexpected(failureFromFinding(f, PlatformFailureKind::Final));
          }
          return std::move(*made);
        });
  }
  services.platform = client.get();

  SchoolOutcome outcome;
  if (knownBad) {
    const std::string startedAt = p.env.clock->nowUtc();
    outcome.school = school.id;
    outcome.kind = SchoolOutcomeKind::Failed;
    PlatformFailure pf;
    pf.kind = PlatformFailureKind::Identity;
    pf.code = *knownBad;
    pf.message = msg::text("run.log.certificate_known_bad",
                           {{"file", school.identity.certificate},
                            {"notBefore", identity::shanghaiDate(cert.info->notBefore)},
                            {"notAfter", identity::shanghaiDate(cert.info->notAfter)}});
    pf.attempts = 0;
    outcome.failure = pf;
    PassRecord record{school.id, startedAt, p.env.clock->nowUtc(), outcome.kind,
                      outcome.summary(), 0};
    if (auto r = store.recordPass(record); !r) outcome.findings.push_back(r.error());
  } else {
    outcome = runSchoolPass(input, services, engineOptions);
  }
  client.reset();  // before the key it signs with
  if (knownBad) {
    // Nothing was sent: not the platform's refusal, this machine's reading of the file.
    observer.log(Severity::Error, school.id,
                 msg::text("run.line.plain_hint",
                           {{"message", outcome.failure->message},
                            {"hint", msg::text("report.reminder.certificate.hint")}}));
  } else if (outcome.failure) {
    const FailureText text = explainPlatformFailure(*outcome.failure, {p.config.file, school.id});
    observer.log(outcome.kind == SchoolOutcomeKind::Failed ? Severity::Error : Severity::Warning,
                 school.id,
                 msg::text("run.log.failure", {{"failure", outcome.failure->describe()},
                                               {"text", text.text},
                                               {"hint", text.hint}}));
  }
  // An identity refused for a reason only a person can fix is quarantined: reported now, not
  // tried again until its configuration, certificate or key file changes.
  if (!p.options.dryRun && outcome.failure &&
      outcome.failure->kind == PlatformFailureKind::Identity &&
      quarantinesIdentity(outcome.failure->code)) {
    auto q = quarantine(store, p.config, school, outcome.failure->code, p.env.clock->nowUtc());
    if (q) {
      slot.held = SchoolHold{school.id, SchoolHold::Kind::Quarantined, "", q->code, q->since, true};
      observer.log(Severity::Error, school.id,
                   msg::text("run.log.quarantined",
                             {{"code", q->code}, {"school", school.id}, {"config", p.config.file}}));
    } else {
      observer.log(Severity::Warning, school.id,
                   msg::text("run.log.quarantine_unrecorded", {{"message", q.error().message}}));
    }
  }
  observer.onSchoolDone(outcome);
  if (ExitCodePolicy::cancelled(outcome)) p.stopped = true;
  if (ExitCodePolicy::platformUnreachable(outcome)) p.halt = true;
  slot.outcome = std::move(outcome);
}

// One worker: takes the next school until there is none, the platform is unreachable or the
// pass is asked to stop. The schools already taken by other workers finish.
void work(PassShared& p, StateStore& store) {
  while (true) {
    if (p.halt.load() || p.stopped.load()) return;
    if (stopAsked(p.env)) {
      p.stopped = true;
      return;
    }
    const std::size_t index = p.next.fetch_add(1);
    if (index >= p.schools.size()) return;
    p.observer.started();
    try {
      runSchool(p, index, store);
    } catch (const std::exception& e) {
      // Nothing below is meant to throw; if something does (memory), the school fails and the
      // others go on, as with any other failure of one school.
      SchoolOutcome o;
      o.school = p.schools[index]->id;
      o.kind = SchoolOutcomeKind::Failed;
      Finding f = makeFinding(Severity::Error, FindingKind::Data, "PASS_INTERNAL", {},
                              {{"what", e.what()}});
      f.school = o.school;
      o.findings.push_back(f);
      p.observer.log(Severity::Error, o.school, f.message);
      p.slots[index].outcome = std::move(o);
    }
    p.observer.finished();
  }
}

}  // namespace

StoreLockHold lockStore(const std::filesystem::path& statePath,
                        const std::string& configFile) {
  auto lock = std::make_shared<StoreLock>(statePath, configFile);
  StoreLockHold hold;
  hold.error = lock->error();
  hold.busy = lock->busy();
  if (hold.error.empty()) hold.held = std::move(lock);
  return hold;
}

PassRunner::PassRunner(PassEnvironment environment) : env_(std::move(environment)) {}

PassResult PassRunner::run(const Config& config, const PassOptions& options) {
  PassResult result;
  SerialObserver observer(*env_.observer);
  const Date today = env_.clock->today();

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
  if (env_.loadPlugins) {
    env_.loadPlugins(plugins, config, result.findings);
  } else {
    loadPlugins(plugins, &config, result.findings);
  }

  std::vector<const School*> schools;
  bool found = !options.school;
  for (const auto& school : config.schools) {
    if (options.school && school.id != *options.school) continue;
    found = true;
    if (!school.enabled) {
      // Paused: never opened, never sent for; listed (docs/operations.md, "Pausing a school").
      result.held.push_back(SchoolHold{school.id, SchoolHold::Kind::Paused, school.pausedReason, "", "", false});
      observer.log(Severity::Info, school.id,
                   school.pausedReason.empty()
                       ? msg::text("run.log.paused")
                       : msg::text("run.log.paused_reason", {{"reason", school.pausedReason}}));
      continue;
    }
    schools.push_back(&school);
  }

  std::optional<StoreLock> lock;
  if (!options.dryRun) {
    lock.emplace(config.statePath, config.file);
    if (!lock->error().empty() && !lock->busy()) {
      observer.log(Severity::Error, "", lock->error());
      result.exitCode = kExitConfig;
      return result;
    }
    if (!lock->error().empty()) {
      observer.log(Severity::Error, "", msg::text("run.log.lock_busy", {{"error", lock->error()}}));
      result.exitCode = kExitTempFail;
      return result;
    }
  }
  // The store: one connection per worker, all opened here (the first one creates and migrates
  // it). A dry run never writes to the real one: without it, it looks at an empty one.
  const std::size_t workers = std::clamp<std::size_t>(
      std::min(schools.size(), static_cast<std::size_t>(std::max(1, config.platform.maxConcurrentSchools))),
      1, 64);
  std::vector<std::unique_ptr<StateStore>> stores;
  std::optional<std::filesystem::path> scratch;
  struct ScratchCleanup {
    std::vector<std::unique_ptr<StateStore>>& stores;
    std::optional<std::filesystem::path>& dir;
    ~ScratchCleanup() {
      stores.clear();  // closed before their files go
      std::error_code ec;
      if (dir) std::filesystem::remove_all(*dir, ec);
    }
  } cleanup{stores, scratch};
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
    while (stores.size() < workers) {
      auto opened = env_.openStore(path);
      if (!opened) {
        result.findings.push_back(opened.error());
        const Finding& f = opened.error();
        observer.log(Severity::Error, "",
                     msg::text("run.log.store_refused",
                               {{"error", findingLine(f)}, {"config", config.file}}));
        result.exitCode = kExitConfig;
        return result;
      }
      stores.push_back(std::move(*opened));
    }
  }

  for (const auto& f : result.findings) {
    if (f.severity == Severity::Error) observer.log(f.severity, f.school, f.message);
  }

  EligibilityOptions eligibility{today, catalog ? &*catalog : nullptr, &plugins.registry()};
  const auto oids = extensionOids(config);
  std::vector<Slot> slots(schools.size());
  PassShared shared{config, options,  env_,  observer, schools,      eligibility,
                    oids,   plugins.registry(), today, slots};
  // The platform sees one client, however many workers: at most one request per worker in
  // flight, at most maxRequestsPerSecond, and a Retry-After answered to one waits them all.
  shared.governor = std::make_shared<platform::RequestGovernor>(platform::RequestGovernor::Limits{
      static_cast<int>(workers), config.platform.maxRequestsPerSecond});
  observer.setTotal(schools.size());
  if (workers == 1) {
    work(shared, *stores.front());
  } else {
    std::vector<std::jthread> pool;
    pool.reserve(workers);
    for (std::size_t w = 0; w < workers; ++w) {
      pool.emplace_back([&shared, store = stores[w].get()] { work(shared, *store); });
    }
  }  // the jthreads join here
  result.stopped = shared.stopped.load();
  if (const auto c = shared.governor->counters(); c.pauses > 0) {
    observer.log(Severity::Warning, "",
                 msg::text("run.log.slowed", {{"pauses", c.pauses},
                                              {"seconds", c.waitedMs / 1000}}));
  }

  std::size_t notStarted = 0;
  std::vector<std::optional<Evaluated>> evaluated(schools.size());
  for (std::size_t i = 0; i < slots.size(); ++i) {
    Slot& slot = slots[i];
    evaluated[i] = std::move(slot.evaluated);
    if (slot.held) result.held.push_back(*slot.held);
    if (!slot.outcome && slot.held) continue;  // quarantined before: not tried, not counted
    if (!slot.outcome) {
      ++notStarted;
      continue;
    }
    if (slot.outcome->kind != SchoolOutcomeKind::Failed && slot.rowProblems > 0) {
      result.exitCode = ExitCodePolicy::worse(result.exitCode, kExitData);
    }
    result.exitCode = ExitCodePolicy::worse(result.exitCode, ExitCodePolicy::forSchool(*slot.outcome));
    result.schools.push_back(std::move(*slot.outcome));
  }
  if (!result.stopped && found && !schools.empty()) {
    result.reminders = remindersAfterPass(config, schools, today, eligibility, oids,
                                          plugins.registry(), *stores.front(), evaluated);
  }
  if (shared.halt.load() && !result.stopped) {
    result.leftForNextPass = notStarted;
    if (notStarted > 0) {
      observer.log(Severity::Error, "",
                   msg::text("run.log.unreachable", {{"count", notStarted}}));
    }
  }
  if (!found) {
    observer.log(Severity::Error, "",
                 msg::text("run.log.no_school", {{"school", *options.school}, {"config", config.file}}));
    result.exitCode = kExitUsage;
  }
  for (const auto& f : result.findings) {
    if (f.severity == Severity::Error && f.kind == FindingKind::Config && f.school.empty()) {
      result.exitCode = ExitCodePolicy::worse(result.exitCode, kExitConfig);
    }
  }
  return result;
}

PassResult PassRunner::runFromFile(const std::string& configPath, const PassOptions& options) {
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
    env_.observer->log(Severity::Error, f.school, findingLine(f, configPath));
  }
  if (!loaded.config || platformUnusable || (errors && loaded.config->schools.empty())) {
    PassResult r;
    r.exitCode = kExitConfig;
    r.findings = std::move(loaded.findings);
    return r;
  }
  PassResult r = run(*loaded.config, options);
  if (errors) r.exitCode = ExitCodePolicy::worse(r.exitCode, kExitConfig);
  r.findings.insert(r.findings.begin(), loaded.findings.begin(), loaded.findings.end());
  return r;
}

}  // namespace zzjb::app
