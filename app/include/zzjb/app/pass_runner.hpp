// One pass over the configured schools: what `zzjb run` does once and `zzjb daemon` does on its
// schedule. Reads the inputs, then a bounded pool of workers (platform.maxConcurrentSchools)
// takes the schools one by one: evaluate it offline, open its key, run the engine against the
// platform with the school's own client and store connection. A bad school never stops the
// others (docs/architecture.md, "The application layer").
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zzjb/core/clock.hpp"
#include "zzjb/core/config.hpp"
#include "zzjb/core/declaration_sheet.hpp"
#include "zzjb/core/engine.hpp"
#include "zzjb/core/report.hpp"
#include "zzjb/core/signer.hpp"
#include "zzjb/core/state_store.hpp"
#include "zzjb/platform/client.hpp"
#include "zzjb/platform/governor.hpp"

namespace zzjb::plugin_host {
class Host;
}  // namespace zzjb::plugin_host

namespace zzjb::app {

// How far a pass is, in schools: the terminal's progress line shows it.
struct PassProgress {
  std::size_t total = 0;    // schools this pass is about
  std::size_t done = 0;     // finished (whatever the outcome)
  std::size_t running = 0;  // taken by a worker, not finished
  [[nodiscard]] std::size_t waiting() const { return total - done - running; }
};

// Where a pass writes what it does. The CLI's implementations: plain log lines (text or JSON) and
// a live progress display on a terminal; the daemon adds metrics. The runner calls it from its
// workers but never two calls at once (one mutex): an observer needs no locking of its own.
class PassObserver {
 public:
  virtual ~PassObserver() = default;
  virtual void onEngineEvent(const EngineEvent& event) = 0;
  virtual void onRequest(const std::string& school, const platform::RequestEvent& event) = 0;
  virtual void onSchoolDone(const SchoolOutcome& outcome) = 0;
  // A log line that is not an engine event: "school xuhui-zz: key opened (skf …)".
  virtual void log(Severity severity, const std::string& school, const std::string& message) = 0;
  // After a school is taken by a worker and after it is done.
  virtual void onProgress(const PassProgress& /*progress*/) {}
};

struct PassOptions {
  std::optional<std::string> school;  // --school: only this one
  bool dryRun = false;
};

// What people should be reminded of about one school once the pass is over (the report's
// reminders: zzjb report and zzjb status show the same), and the figures behind them.
struct SchoolReminders {
  std::string school;
  std::vector<Reminder> reminders;
  std::optional<long> certificateDaysLeft;  // nullopt: no certificate readable
  std::optional<int> pinRetriesLeft;        // nullopt: not known (PinFact::retriesLeft)
};

// A school the pass did not try (docs/operations.md, "Thirty schools and more"): paused by its
// configuration, or quarantined because its identity was refused and has not changed since.
struct SchoolHold {
  enum class Kind { Paused, Quarantined };
  std::string school;
  Kind kind = Kind::Paused;
  std::string reason;  // paused: the configuration's pausedReason
  std::string code;    // quarantined: what refused the identity (CERT_EXPIRED, PIN_WRONG …)
  std::string since;   // quarantined: when (the store's time, UTC)
  // Quarantined by this pass: its outcome (FAILED) is in PassResult::schools and was reported;
  // later passes list it here only, and it does not change their exit code.
  bool fresh = false;
};

struct PassResult {
  int exitCode = 0;  // sysexits: 0, 65 data, 69/75 platform, 77 identity, 78 config
  std::vector<SchoolOutcome> schools;  // in configuration order, the schools that were run
  std::vector<Finding> findings;       // config, catalog, store, keys
  bool stopped = false;                // stopRequested cut the pass short
  // Schools not started because the platform could not be reached (no HTTP answer).
  std::size_t leftForNextPass = 0;
  // After the pass, per school in configuration order (with --school, that one): built as
  // `zzjb report` builds its model, from this pass's evaluation and the store as the pass left
  // it. Empty when the pass stopped early (stopRequested) or could not start (lock, store).
  std::vector<SchoolReminders> reminders;
  // Schools not tried: paused ones, and quarantined ones (also those this pass quarantined).
  std::vector<SchoolHold> held;
};

// A school's opened key: the signer and the certificate to log in with.
struct OpenedKey {
  std::unique_ptr<Signer> signer;
  std::string certificatePem;
};

// What a platform client is made from, for one school in one pass.
struct ClientRequest {
  const Config* config = nullptr;
  const School* school = nullptr;
  Signer* signer = nullptr;  // the opened key's; outlives the client
  std::string certificatePem;
  std::string keyId;
  std::function<void(const platform::RequestEvent&)> onRequest;
  std::function<bool()> cancelled;  // the pass's stopRequested
  // One per pass, shared by every school's client: requests in flight and per second, and a
  // platform's Retry-After that slows every worker (docs/platform-client.md, "The request
  // governor").
  std::shared_ptr<platform::RequestGovernor> governor;
};

struct PassEnvironment;

// A school's key opened and its platform client made, outside a pass (`zzjb catalog sync`,
// `zzjb store rebuild`): the client signs with the key, so it is declared after it and goes first.
struct ConnectedSchool {
  OpenedKey key;
  std::unique_ptr<PlatformClient> client;
};
struct ConnectFailure {
  Finding finding;
  bool key = false;  // opening the key failed; otherwise the platform settings (jsonPath $.platform)
};
// Opens the school's key with env.openKey (the keyID from its certificate, as of `today`) and
// makes its client with env.makeClient. Nothing is sent yet.
[[nodiscard]] std::expected<ConnectedSchool, ConnectFailure> connectSchool(
    const PassEnvironment& env, const Config& config, const School& school, const Date& today);

// Everything a pass uses from outside: the clock, the store, the keys, the platform, the
// observer and the crash-test hook. PassEnvironment::standard gives the real ones; tests put a
// fake clock and an in-memory platform in.
struct PassEnvironment {
  // The time of the pass records, the waits between polls and "today" (a ClockWithToday for
  // --today). Not owned; must be thread-safe (every Clock in core/clock.hpp is).
  Clock* clock = nullptr;
  // Opens one connection to the store at `path` (state.path, or a dry run's scratch store). The
  // runner opens one per worker, all before the first school starts.
  std::function<Result<std::unique_ptr<StateStore>>(const std::filesystem::path& path)> openStore;
  // Opens a school's key (PIN, token). The runner never opens two keys at once: a PIN typed at a
  // terminal is asked for one school at a time.
  std::function<Result<OpenedKey>(const Config& config, const School& school)> openKey;
  // Makes a school's platform client (one session per school). A Finding is a configuration
  // problem of the platform settings.
  std::function<Result<std::unique_ptr<PlatformClient>>(const ClientRequest& request)> makeClient;
  // The declaration file's bytes (the real one: an xlsx, adapters/platform); tests put text.
  std::function<Result<std::string>(const DeclarationSheet& sheet)> writeDeclarationFile;
  PassObserver* observer = nullptr;  // not owned; required
  // Test hook for crash tests (EngineOptions::checkpoint): called from the workers, so it must
  // be thread-safe. Empty: none.
  std::function<void(std::string_view point)> checkpoint;
  // Loads the certification-type plugins into `host`, adding a Finding for each one refused.
  // Empty: the standard search (the configuration's plugins.dir, beside zzjb, the prefix's
  // lib/zzjb/plugins; app/inputs.hpp loadPlugins). The plugin test kit loads exactly the file
  // it tests.
  std::function<void(plugin_host::Host& host, const Config& config, std::vector<Finding>& findings)>
      loadPlugins;
  // Stop between requests when this turns true (SIGINT/SIGTERM): the requests in flight are
  // finished and recorded, no further school is started. Empty: never.
  std::function<bool()> stopRequested;

  // The real store (SQLite), keys (zzjb/identity) and client (libcurl).
  [[nodiscard]] static PassEnvironment standard(Clock& clock, PassObserver& observer);
};

// The lock a pass holds on its store: `<statePath>.lock`, flock'd exclusively, made and checked as
// a pass does (never through a link). Whatever else writes to the store (`zzjb store rebuild`)
// takes the same one, so that it never runs beside a pass. `held` releases it when destroyed.
struct StoreLockHold {
  std::shared_ptr<void> held;  // empty when not locked
  std::string error;           // why not, for people
  bool busy = false;           // held by another process (75), rather than refused (78)
};
// `configFile` is named in the refusals' advice ("set state.path in …").
[[nodiscard]] StoreLockHold lockStore(const std::filesystem::path& statePath,
                                      const std::string& configFile);

class PassRunner {
 public:
  explicit PassRunner(PassEnvironment environment);

  // Runs one pass with an already loaded configuration (the daemon reloads on SIGHUP and passes
  // the new one). Never throws.
  [[nodiscard]] PassResult run(const Config& config, const PassOptions& options);

  // Loads the configuration, then run. Config errors → exitCode 78 with findings.
  [[nodiscard]] PassResult runFromFile(const std::string& configPath, const PassOptions& options);

 private:
  PassEnvironment env_;
};

}  // namespace zzjb::app
