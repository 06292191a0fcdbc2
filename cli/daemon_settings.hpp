// The daemon's part of the configuration — `schedule`, `logging`, `metrics` — read from the
// configuration file's JSON (the config loader keeps `schedule` as raw JSON text and only accepts
// the other two), checked with findings like the rest, and when the next pass is due.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "log.hpp"
#include "zzjb/core/finding.hpp"
#include "zzjb/core/schedule.hpp"

namespace zzjb::cli {

// "schedule": "0 9 * * 1-5"
// "schedule": {"cron": "0 9 * * 1-5" | ["30 8 * * 1-6", "30 13 * * 1-6"], "randomDelaySeconds": 1800}
// randomDelaySeconds: 0..86400, default 1800 (as zzjb.timer's RandomizedDelaySec=30min): each
// pass starts at a cron time plus a random delay in [0, randomDelaySeconds], so that many schools
// on the same schedule do not reach the platform at the same moment.
struct DaemonSchedule {
  std::vector<CronSchedule> crons;
  int randomDelaySeconds = 1800;
  std::optional<int> everySeconds;  // --every: a pass now, then every N seconds; overrides cron
  [[nodiscard]] std::string describe() const;  // "cron 0 9 * * 1-5 + up to 1800 s" / "every 5 s"
};

// "schedule": {…, "identityProbe": "0 7 * * *" | ["…", "…"] | false}: when the daemon opens each
// school's key and signs a test challenge (docs/operations.md, "The key probe"), in Shanghai time.
// Default: daily at 07:00. A probe missed (the daemon was down) is made at start.
struct ProbeSchedule {
  std::vector<CronSchedule> crons;
  bool off = false;                 // "identityProbe": false
  std::optional<int> everySeconds;  // --probe-every: overrides the cron
  [[nodiscard]] std::string describe() const;
};

struct DaemonSettings {
  DaemonSchedule schedule;
  ProbeSchedule probe;
  std::optional<LogFormat> logFormat;      // "logging": {"format": "text" | "json"}
  std::optional<std::string> metricsListen;  // "metrics": {"listen": "127.0.0.1:9464"}
};

// Reads `schedule`, `logging` and `metrics` from the configuration file's JSON text. `file` names
// the file in findings. Without a schedule (and without --every) it is a CONFIG_SCHEDULE error.
// metrics.listen must be a loopback HOST:PORT.
[[nodiscard]] std::expected<DaemonSettings, std::vector<Finding>> parseDaemonSettings(
    const std::string& jsonText, const std::string& file, std::optional<int> everySeconds,
    std::optional<int> probeEverySeconds = std::nullopt);

// When the next key probe is due, as UTC seconds: now when there was none yet (`lastProbe`
// nullopt) or one was missed since `lastProbe`; else the next fire time after it (--probe-every:
// lastProbe + N). nullopt: probes are off.
[[nodiscard]] std::optional<std::int64_t> nextProbeTime(const ProbeSchedule& schedule,
                                                        std::int64_t now,
                                                        std::optional<std::int64_t> lastProbe);

// When the next pass is due, as UTC seconds, strictly after `now`:
//   --every: `lastPassStart` + every (now, when there was no pass yet or it is overdue);
//   cron: the earliest next fire time of the expressions, plus a random delay in
//   [0, randomDelaySeconds] drawn from `rng`.
// nullopt: no expression ever fires again.
[[nodiscard]] std::optional<std::int64_t> nextPassTime(const DaemonSchedule& schedule,
                                                       std::int64_t now,
                                                       std::optional<std::int64_t> lastPassStart,
                                                       std::mt19937_64& rng);

}  // namespace zzjb::cli
