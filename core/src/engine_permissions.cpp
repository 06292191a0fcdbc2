// Step 5 of a pass (engine.hpp): a permission for every target with students to declare —
// granted, applied for online once (intent committed first) and followed, or asked of the centre.
#include <algorithm>

#include "engine_internal.hpp"

namespace zzjb::engine_detail {

namespace {

constexpr std::string_view kApplicationEndpoint = "POST /api/v1/skills/permission-applications";

// What is recorded of the answer (IntentResponse): the state, the id, the reviewer's reason.
IntentResponse applicationResponse(const ApplicationState& a) {
  IntentResponse r;
  r.application = a.status;
  r.id = a.applicationId;
  r.reason = a.reason;
  return r;
}

}  // namespace

std::string notGrantedText(const CertType& type) {
  // The plugin's words for the wait when it has them (plugin::TypeInfo::permissionWaiting).
  if (!type.info.permissionWaiting.empty()) return type.info.permissionWaiting;
  if (!type.info.permissionRequest.empty()) return type.info.permissionRequest;
  return msg::text("run.phase.not_granted");
}

std::string underReviewText(const Application& app) {
  return msg::text("run.phase.under_review",
                   {{"id", app.applicationId}, {"status", applicationStatusName(app.status)}});
}

void PermissionStep::resolve(const IntentState& in) {
  TargetWork* t = cx_.findTarget(in.intent.targetKey);
  auto found = cx_.platform->findApplication(in.intent.key);
  if (!found) {
    cx_.platformFailed(found.error(), t, false);
    return;
  }
  if (found->has_value()) {
    const ApplicationState& a = **found;
    Application app{cx_.school.id, in.intent.targetKey, a.applicationId, a.status, a.reason, {}};
    if (auto r = cx_.store.putApplication(app); !r) {
      cx_.storeFailed(r.error());
      return;
    }
    if (auto r = cx_.store.recordResponse(in.intent.key, applicationResponse(a)); !r) {
      cx_.storeFailed(r.error());
      return;
    }
    cx_.progressed = true;
    return;
  }
  if (t == nullptr || t->type == nullptr || !t->type->appliedOnline()) {
    cx_.supersede(in, msg::text("run.superseded.application_not_online"));
    return;
  }
  auto req = request(*t);
  if (!req) {
    cx_.failTarget(*t, msg::text("run.phase.application_fields_failed"), req.error().hint,
                   req.error());
    return;
  }
  std::string key = cx_.keyFor("application", t->key, applicationContent(*req));
  if (key != in.intent.key) {
    cx_.supersede(in, msg::text("run.superseded.application_changed"));
    return;
  }
  send(*t, *req, key);
}

Result<ApplicationRequest> PermissionStep::request(const TargetWork& t) const {
  ApplicationRequest r;
  r.scope = t.scope;
  if (t.type == nullptr || t.type->impl == nullptr) return r;
  auto fields =
      t.type->impl->applicationFields(targetView(cx_.school, *t.target, t.type),
                                      sectionFor(cx_.school, *t.target));
  if (!fields.ok()) {
    return std::unexpected(
        configError("PLUGIN_FAILED", {{"type", t.target->type}, {"error", fields.error}},
                    "PLUGIN_FAILED.application"));
  }
  r.attachments = std::move(fields.value);
  return r;
}

void PermissionStep::ensure() {
  if (cx_.stopped()) return;
  cx_.emit(EngineEvent::Kind::Step, "", msg::text("run.step.permissions"));
  for (TargetWork& t : cx_.targets) {
    if (cx_.stopped()) return;
    if (t.failed || t.eligible.empty()) continue;
    if (!cx_.refreshNotYet(t)) return;
    if (t.notYet.empty()) continue;  // nothing to declare: no permission needed
    if (t.type == nullptr) {
      cx_.failTarget(t, msg::text("run.phase.type_not_loaded", {{"type", t.target->type}}),
                     msg::text("run.phase.type_not_loaded.hint"), std::nullopt);
      continue;
    }
    if (t.type->info.permission == plugin::Permission::None) {
      t.permitted = true;  // the matter needs none (plugin::Permission::None)
      continue;
    }
    if (!granted_) {
      auto p = cx_.platform->permissions();
      if (!p) {
        cx_.platformFailed(p.error(), nullptr, true);
        return;
      }
      granted_ = std::move(*p);
    }
    bool has = std::any_of(granted_->begin(), granted_->end(),
                           [&](const GrantedPermission& g) { return g.scope.sameAs(t.scope); });
    auto app = cx_.store.application(cx_.school.id, t.key);
    if (!app) {
      cx_.storeFailed(app.error());
      return;
    }
    if (has) {
      t.permitted = true;
      Application a{cx_.school.id, t.key, {}, ApplicationStatus::Granted, {}, {}};
      if (app->has_value() && !(*app)->applicationId.empty()) {
        a.applicationId = (*app)->applicationId;
        a.status = ApplicationStatus::Approved;
      }
      if (!app->has_value() || (*app)->status != a.status) {
        if (auto r = cx_.store.putApplication(a); !r) {
          cx_.storeFailed(r.error());
          return;
        }
      }
      continue;
    }
    if (!t.type->appliedOnline()) {
      if (!app->has_value() || (*app)->status != ApplicationStatus::NotGranted) {
        Application a{cx_.school.id, t.key, {}, ApplicationStatus::NotGranted, {}, {}};
        if (auto r = cx_.store.putApplication(a); !r) {
          cx_.storeFailed(r.error());
          return;
        }
      }
      cx_.setPhase(t, TargetPhase::PermissionNotGranted, notGrantedText(*t.type),
                   msg::text("run.phase.not_granted.hint"));
      continue;
    }
    if (app->has_value()) {
      follow(t, **app, true);
      continue;
    }
    applyFor(t);
  }
}

void PermissionStep::applyFor(TargetWork& t) {
  auto req = request(t);
  if (!req) {
    cx_.failTarget(t, msg::text("run.phase.application_fields_failed"), req.error().hint,
                   req.error());
    return;
  }
  std::string key = cx_.keyFor("application", t.key, applicationContent(*req));
  Intent intent{key, cx_.school.id, "application", t.key,
                msg::text("run.intent.application", {{"target", t.out.label}})};
  auto st = cx_.store.beginIntent(intent);
  if (!st) {
    cx_.storeFailed(st.error());
    return;
  }
  if (!st->created && st->status == IntentStatus::Answered && st->response.application) {
    Application app{cx_.school.id,       t.key, st->response.id, *st->response.application,
                    st->response.reason, {}};
    if (auto r = cx_.store.putApplication(app); !r) {
      cx_.storeFailed(r.error());
      return;
    }
    follow(t, app, true);
    return;
  }
  send(t, *req, key);
  if (cx_.stopped() || t.failed) return;
  auto app = cx_.store.application(cx_.school.id, t.key);
  if (!app) {
    cx_.storeFailed(app.error());
    return;
  }
  if (app->has_value()) follow(t, **app, false);
}

void PermissionStep::send(TargetWork& t, const ApplicationRequest& req, const std::string& key) {
  cx_.checkpoint("intent-committed:application");
  ++cx_.out.creatingRequests;
  auto r = cx_.platform->applyForPermission(req, key);
  if (!r) {
    cx_.platformFailed(r.error(), &t, false);
    return;
  }
  cx_.checkpoint("response-received:application");
  cx_.emit(EngineEvent::Kind::RequestSent, t.key, std::string(kApplicationEndpoint));
  Application app{cx_.school.id, t.key, r->applicationId, r->status, r->reason, {}};
  if (auto f = cx_.store.putApplication(app); !f) {
    cx_.storeFailed(f.error());
    return;
  }
  if (auto f = cx_.store.recordResponse(key, applicationResponse(*r)); !f) {
    cx_.storeFailed(f.error());
    return;
  }
  cx_.progressed = true;
}

void PermissionStep::follow(TargetWork& t, Application app, bool pollNow) {
  if (isGranted(app.status)) {
    t.permitted = true;
    return;
  }
  if (app.status == ApplicationStatus::Rejected) {
    explainRejection(t, app.reason);
    return;
  }
  if (app.applicationId.empty() || cx_.opt.pollAttempts <= 0) {
    cx_.setPhase(t, TargetPhase::PermissionUnderReview, underReviewText(app), underReviewHint());
    return;
  }
  if (pollNow && !pollOnce(t, app)) return;
  polling_.openApplication(t, app, pollNow ? 1 : 0);
}

bool PermissionStep::pollOnce(TargetWork& t, Application& app) {
  auto r = cx_.platform->application(app.applicationId);
  if (!r) {
    cx_.platformFailed(r.error(), &t, false);
    return false;
  }
  if (r->status != app.status || r->reason != app.reason) {
    app.status = r->status;
    app.reason = r->reason;
    if (auto f = cx_.store.putApplication(app); !f) {
      cx_.storeFailed(f.error());
      return false;
    }
    cx_.progressed = true;
  }
  if (isGranted(app.status)) {
    t.permitted = true;
    return false;
  }
  if (app.status == ApplicationStatus::Rejected) {
    explainRejection(t, app.reason);
    return false;
  }
  return true;
}

void PermissionStep::explainRejection(TargetWork& t, const std::string& reason) {
  plugin::Explanation e;
  // The plugin's own explanation, in the language it was given; none (empty) leaves the catalog's.
  if (t.type != nullptr && t.type->impl != nullptr) {
    auto r =
        t.type->impl->explainReview(applicationStatusName(ApplicationStatus::Rejected), reason);
    if (r.ok()) e = std::move(r.value);
  }
  if (e.sentence.empty()) e.sentence = msg::text("explain.review.REJECTED", {{"reason", reason}});
  if (e.hint.empty()) e.hint = msg::text("explain.review.REJECTED.hint");
  cx_.setPhase(t, TargetPhase::PermissionRejected, e.sentence, e.hint);
}

}  // namespace zzjb::engine_detail
