// What the daemon has done, as figures: a small thread-safe registry fed by the pass (it is a
// PassObserver) and by the daemon loop, read by the metrics server's thread as Prometheus text
// (/metrics) and as a health report (/healthz).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "pass.hpp"

namespace zzjb::cli {

// The label of a pass's result in zzjb_passes_total: "ok", "data_error", "unavailable",
// "temporary_failure", "identity", "config_error", "failed", or "stopped" when SIGTERM cut it short.
[[nodiscard]] std::string passOutcomeLabel(int exitCode, bool stopped);

// "POST /api/v1/skills/group-declarations/B-2027-0001?x=1" → "POST /api/v1/skills/group-declarations/:id":
// path segments holding a digit (other than a version like v1) become ":id", a template segment
// "{id}" (as the platform client names its endpoints) becomes ":id" too, the query goes, so that
// the endpoint label does not grow with every batch or application.
[[nodiscard]] std::string endpointLabel(std::string_view endpoint);

struct HealthReport {
  std::string status;  // "ok" | "degraded" | "failing"
  int httpStatus = 200;  // 200 for ok and degraded, 503 for failing
  std::string json;
};

class Metrics : public PassObserver {
 public:
  // `now` returns UTC seconds; default: the system clock.
  explicit Metrics(std::function<double()> now = {});

  // The configured schools (at start and after each successful reload): /healthz lists these,
  // and the per-school gauges of /metrics name only these.
  void setSchools(const std::vector<std::string>& ids);
  void passStarted();
  // Also takes the pass's reminders: zzjb_reminders, zzjb_certificate_days_left and
  // zzjb_pin_retries_left of each school it looked at (the others keep theirs).
  void passFinished(const PassResult& result);
  // The daemon's key probe (docs/operations.md, "The key probe"): per school, whether the key
  // opened and signed, with the code of what stopped it, at `unixSeconds`. A probe that worked
  // makes the key usable; one that failed makes it unusable.
  struct Probe {
    std::string school;
    bool ok = false;
    std::string code;
    double at = 0;
  };
  void probesFinished(const std::vector<Probe>& probes);
  void configReloaded(bool ok);
  void setNextPass(std::optional<std::int64_t> unixSeconds);

  // PassObserver: requests (counts, retries, reachability) and school outcomes (declarations,
  // last success, key usable). Engine events and log lines are not counted.
  void onEngineEvent(const EngineEvent& event) override;
  void onRequest(const std::string& school, const platform::RequestEvent& event) override;
  void onSchoolDone(const SchoolOutcome& outcome) override;
  void log(Severity severity, const std::string& school, const std::string& message) override;

  // Prometheus text exposition format 0.0.4, with # HELP and # TYPE for every family.
  [[nodiscard]] std::string prometheusText() const;

  // {"status","running","lastPass":{…}|null,"nextPass","platformReachable":bool|null,
  //  "config":{"reloads","lastReloadFailed"},
  //  "schools":[{"id","lastOutcome","lastSuccess","keyUsable","held","heldCode","probe"}]}
  // A held school (paused, or quarantined: PassResult::held) counts for none of the states
  // below: it is listed with "held", and zzjb_school_paused / zzjb_school_quarantined say it.
  // failing: every configured school's last outcome is FAILED or SKIPPED, or the platform was
  //          unreachable and a school failed; degraded: some school FAILED or SKIPPED, a key is
  //          not usable, the platform was unreachable, or the last reload failed; ok otherwise
  //          (also before the first pass).
  [[nodiscard]] HealthReport health() const;

 private:
  struct SchoolState {
    std::optional<std::string> lastOutcome;
    std::optional<double> lastSuccess;
    std::optional<bool> keyUsable;
    std::size_t accepted = 0, rejected = 0, pending = 0;
    bool reported = false;  // a pass has reported on this school
    // The reminders after the last pass that looked at the school (PassResult::reminders).
    std::optional<std::map<std::string, std::size_t>> reminders;  // kind (lower-case) → count
    std::optional<long> certificateDaysLeft;
    std::optional<int> pinRetriesLeft;
    std::string held;      // "paused" | "quarantined" | "" (as the last pass found it)
    std::string heldCode;  // quarantined: what refused the identity
    std::optional<Probe> probe;  // the last key probe
  };
  struct LastPass {
    double startedAt = 0, finishedAt = 0;
    std::string outcome;
    int exitCode = 0;
    bool stopped = false;
  };

  mutable std::mutex mu_;
  std::function<double()> now_;
  std::vector<std::string> schools_;  // configured, in order
  std::map<std::string, SchoolState> schoolState_;
  std::map<std::string, double> passes_;                                  // outcome
  std::map<std::pair<std::string, std::string>, double> requests_;        // endpoint, outcome
  std::map<std::string, double> retries_;                                 // endpoint
  std::map<std::pair<std::string, std::string>, double> schoolPasses_;    // school, outcome
  std::map<std::string, double> rowsSent_;                                // school
  std::map<std::string, double> reloads_;                                 // result
  std::optional<bool> platformReachable_;
  std::optional<double> runningSince_;
  std::optional<LastPass> lastPass_;
  std::optional<std::int64_t> nextPass_;
  bool lastReloadFailed_ = false;
};

}  // namespace zzjb::cli
