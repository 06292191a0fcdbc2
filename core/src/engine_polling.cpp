// Steps 4 and 7 of a pass (engine.hpp; docs/architecture.md, "The engine"): what is open — the
// school's applications under review and batches not DONE — polled once at once when it was
// open before the pass, then together in rounds with backoff within the budget; what is still
// open at the end is left to the next pass.
#include <algorithm>
#include <limits>

#include "engine_internal.hpp"

namespace zzjb::engine_detail {

void Polling::bind(PermissionStep& permissions, DeclarationStep& declarations) {
  permissions_ = &permissions;
  declarations_ = &declarations;
}

void Polling::openApplication(const TargetWork& t, const Application& app, int pollsSoFar) {
  for (const OpenApplication& o : apps_) {
    if (o.targetKey == t.key) return;
  }
  const std::int64_t first = std::max(0, cx_.opt.pollIntervalMs);
  apps_.push_back({t.key, app, waitedMs_ + first, first, pollsSoFar});
}

void Polling::pollOpenBatches() {
  if (cx_.stopped()) return;
  auto open = cx_.store.openBatches(cx_.school.id);
  if (!open) {
    cx_.storeFailed(open.error());
    return;
  }
  if (open->empty()) return;
  cx_.emit(EngineEvent::Kind::Step, "", msg::text("run.step.poll"), open->size());
  for (const Batch& b : *open) {
    if (cx_.stopped()) return;
    pollBatch(b, true);
  }
}

void Polling::pollBatch(const Batch& b, bool pollNow) {
  for (const OpenBatch& o : batches_) {
    if (o.batch.batchId == b.batchId) return;  // already open in this pass
  }
  Batch open = b;
  if (cx_.opt.pollAttempts <= 0) return;
  if (pollNow && !pollBatchOnce(open)) return;
  openBatch(open, pollNow ? 1 : 0);
}

bool Polling::pollBatchOnce(Batch& b) {
  auto r = cx_.platform->batch(b.batchId);
  if (!r) {
    cx_.platformFailed(r.error(), cx_.findTarget(b.targetKey), false);
    return false;
  }
  if (r->status == BatchStatus::Done) {
    // Recorded; should rows be missing, the batch stays open in the store for the next pass.
    declarations_->absorb(b.targetKey, b.intentKey, *r);
    return false;
  }
  if (r->status != b.status) {
    b.status = r->status;
    if (auto f = cx_.store.putBatch(b); !f) {
      cx_.storeFailed(f.error());
      return false;
    }
  }
  return true;
}

void Polling::openBatch(const Batch& b, int pollsSoFar) {
  const std::int64_t first = std::max(0, cx_.opt.pollIntervalMs);
  batches_.push_back({b, waitedMs_ + first, first, pollsSoFar});
}

void Polling::wait() {
  const std::int64_t cap = std::max<std::int64_t>(std::max(0, cx_.opt.pollMaxIntervalMs),
                                                  std::max(0, cx_.opt.pollIntervalMs));
  auto next = [cap](std::int64_t interval) { return std::min(cap, interval * 2); };
  auto underReview = [this](TargetWork& t, const Application& app) {
    cx_.setPhase(t, TargetPhase::PermissionUnderReview, underReviewText(app), underReviewHint());
  };
  if (!cx_.stopped() && (!apps_.empty() || !batches_.empty())) {
    cx_.emit(EngineEvent::Kind::Step, "",
             msg::text("run.step.wait",
                       {{"applications", apps_.size()}, {"batches", batches_.size()}}),
             apps_.size() + batches_.size());
  }
  while (!cx_.stopped()) {
    // Left to the next pass: what belongs to a failed target, or was polled pollAttempts times.
    std::erase_if(apps_, [&](const OpenApplication& o) {
      TargetWork* t = cx_.findTarget(o.targetKey);
      if (t == nullptr || t->failed) return true;
      if (o.polls < cx_.opt.pollAttempts) return false;
      underReview(*t, o.app);
      return true;
    });
    std::erase_if(batches_, [&](const OpenBatch& o) {
      const TargetWork* t = cx_.findTarget(o.batch.targetKey);
      return (t != nullptr && t->failed) || o.polls >= cx_.opt.pollAttempts;
    });
    if (apps_.empty() && batches_.empty()) break;
    std::int64_t due = std::numeric_limits<std::int64_t>::max();
    for (const auto& o : apps_) due = std::min(due, o.dueMs);
    for (const auto& o : batches_) due = std::min(due, o.dueMs);
    if (due > cx_.opt.pollBudgetMs) break;  // the budget is spent: the rest is for the next pass
    if (due > waitedMs_) {
      cx_.sleepMs(due - waitedMs_);
      waitedMs_ = due;
    }
    // Applications first: a permission granted now lets its target's batches go in this round.
    std::vector<OpenApplication> apps;
    std::swap(apps, apps_);
    for (OpenApplication& o : apps) {
      TargetWork* t = cx_.findTarget(o.targetKey);
      if (o.dueMs > waitedMs_ || cx_.stopped() || t == nullptr) {
        apps_.push_back(std::move(o));
        continue;
      }
      ++o.polls;
      if (permissions_->pollOnce(*t, o.app)) {
        o.intervalMs = next(o.intervalMs);
        o.dueMs = waitedMs_ + o.intervalMs;
        apps_.push_back(std::move(o));
      } else if (t->permitted && !cx_.stopped()) {
        declarations_->declareTarget(*t);
      }
    }
    std::vector<OpenBatch> batches;
    std::swap(batches, batches_);
    for (OpenBatch& o : batches) {
      if (o.dueMs > waitedMs_ || cx_.stopped()) {
        batches_.push_back(std::move(o));
        continue;
      }
      ++o.polls;
      if (pollBatchOnce(o.batch)) {
        o.intervalMs = next(o.intervalMs);
        o.dueMs = waitedMs_ + o.intervalMs;
        batches_.push_back(std::move(o));
      }
    }
  }
  for (const OpenApplication& o : apps_) {
    if (TargetWork* t = cx_.findTarget(o.targetKey); t != nullptr && !t->failed)
      underReview(*t, o.app);
  }
  apps_.clear();
  batches_.clear();
}

}  // namespace zzjb::engine_detail
