// One pass over the configured schools: what `zzjb run` does once and `zzjb daemon` does on its
// schedule. Reads the inputs, evaluates each school offline, opens its key, and runs the engine
// against the platform; a bad school never stops the others.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "zzjb/core/config.hpp"
#include "zzjb/core/date.hpp"
#include "zzjb/core/engine.hpp"
#include "zzjb/core/report.hpp"
#include "zzjb/platform/client.hpp"

namespace zzjb::cli {

// Where a pass writes what it does. The CLI's implementations: plain log lines (text or JSON) and
// a live progress display on a terminal; the daemon adds metrics.
class PassObserver {
 public:
  virtual ~PassObserver() = default;
  virtual void onEngineEvent(const EngineEvent& event) = 0;
  virtual void onRequest(const std::string& school, const platform::RequestEvent& event) = 0;
  virtual void onSchoolDone(const SchoolOutcome& outcome) = 0;
  // A log line that is not an engine event: "school xuhui-zz: key opened (skf …)".
  virtual void log(Severity severity, const std::string& school, const std::string& message) = 0;
};

struct PassOptions {
  std::optional<std::string> school;  // --school: only this one
  bool dryRun = false;
  std::optional<Date> today;          // --today; default: today in Asia/Shanghai
  // Stop between requests when this turns true (the daemon's SIGTERM): the request in flight is
  // finished and recorded, the rest of the pass is not started.
  std::function<bool()> stopRequested;
};

// What people should be reminded of about one school once the pass is over (the report's
// reminders: zzjb report and zzjb status show the same), and the figures behind them.
struct SchoolReminders {
  std::string school;
  std::vector<Reminder> reminders;
  std::optional<long> certificateDaysLeft;  // nullopt: no certificate readable
  std::optional<int> pinRetriesLeft;        // nullopt: not known (PinFact::retriesLeft)
};

struct PassResult {
  int exitCode = 0;  // sysexits: 0, 65 data, 69/75 platform, 77 identity, 78 config
  std::vector<SchoolOutcome> schools;
  std::vector<Finding> findings;  // config, catalog, store, keys
  bool stopped = false;           // stopRequested cut the pass short
  // After the pass, per school in configuration order (with --school, that one): built as
  // `zzjb report` builds its model, from this pass's evaluation and the store as the pass left
  // it. Empty when the pass stopped early (stopRequested) or could not start (lock, store).
  std::vector<SchoolReminders> reminders;
};

// Runs one pass with an already loaded configuration (the daemon reloads on SIGHUP and passes the
// new one). Never throws.
[[nodiscard]] PassResult runPass(const Config& config, const PassOptions& options,
                                 PassObserver& observer);

// Loads the configuration, then runPass. Config errors → exitCode 78 with findings.
[[nodiscard]] PassResult runPassFromFile(const std::string& configPath, const PassOptions& options,
                                         PassObserver& observer);

}  // namespace zzjb::cli
