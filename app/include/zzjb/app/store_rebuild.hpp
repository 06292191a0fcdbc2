// `zzjb store rebuild` (docs/operations.md, "Backup, restore and rebuild"): a lost (absent,
// empty) or restored (older) store reconciled from the platform, so that the next pass sends
// nothing again and no student is recorded with a result the platform does not hold. Each school
// logs in with its own key, through the same key opening and client as a pass
// (PassEnvironment), under the store lock a pass takes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "zzjb/app/pass_runner.hpp"
#include "zzjb/core/config.hpp"
#include "zzjb/core/finding.hpp"
#include "zzjb/core/platform.hpp"
#include "zzjb/core/state_store.hpp"

namespace zzjb::app {

struct RebuildTarget {
  std::string targetKey;
  std::string title;  // targetTitle: how people read it
  bool reconciled = false;  // false: left alone (a platform batch could be either of two targets)
  ReconcileCounts counts;
};

struct RebuildSchool {
  std::string school;
  std::optional<AccountStatus> account;  // as the platform answered it
  std::optional<PlatformFailure> failure;
  std::vector<Finding> findings;  // the key, the store, batches that fit no configured target
  std::size_t batches = 0;        // the platform's batches of the school
  std::vector<RebuildTarget> targets;
};

struct RebuildResult {
  int exitCode = 0;  // sysexits, ranked as a pass's (ExitCodePolicy)
  std::vector<Finding> findings;  // the lock, the store
  std::vector<RebuildSchool> schools;
};

// Rebuilds the store at config.statePath (created when absent) for every school, or `school`.
// Uses env.openStore, env.openKey and env.makeClient. Never throws.
[[nodiscard]] RebuildResult rebuildStore(const Config& config,
                                         const std::optional<std::string>& school,
                                         const PassEnvironment& env);

}  // namespace zzjb::app
