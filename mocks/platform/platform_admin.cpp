// zzjb-mock's platform, the admin API under /__admin/ (loopback only, checked in the pipeline):
// health, reset, state, the review/batch/account policies, the centre's decisions, the catalog
// and the mock clock. /__admin/journal and /__admin/faults belong to the server.
#include "platform_impl.hpp"
#include "zzjb/core/identifiers.hpp"

namespace zzjb::mock {
namespace {

// An integer number of seconds within ±kMaxClockStep (JSON may carry any 64-bit integer,
// unsigned ones above INT64_MAX too), nullopt otherwise.
std::optional<Seconds> secondsValue(const Json& v) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(kMaxClockStep)) return std::nullopt;
    return static_cast<Seconds>(u);
  }
  if (!v.is_number_integer()) return std::nullopt;
  const auto n = v.get<std::int64_t>();
  if (n < -kMaxClockStep || n > kMaxClockStep) return std::nullopt;
  return n;
}

Response ok(const Json& extra = Json::object()) {
  Json body{{"status", "ok"}};
  body.update(extra);
  return jsonResponse(200, body);
}

}  // namespace

Response Platform::Impl::adminHealth(Call& call) {
  (void)call;
  return ok({{"now", formatTime(now())}});
}

Response Platform::Impl::adminReset(Call& call) {
  (void)call;
  resetState();
  return ok();
}

Response Platform::Impl::adminState(Call& call) {
  (void)call;
  Json accounts = Json::array();
  for (const auto& [code, a] : state.accounts) {
    Json v = a.fields;
    v["status"] = a.status;
    v["registeredAt"] = formatTime(a.registeredAt);
    accounts.push_back(v);
  }
  Json applications = Json::array();
  for (const auto& app : state.applications) {
    Json v = applicationView(app);
    v["creditCode"] = app.creditCode;
    v["idempotencyKey"] = app.idempotencyKey;
    v["polls"] = app.polls;
    applications.push_back(v);
  }
  Json permissions = Json::array();
  for (const auto& p : state.permissions) {
    Json v = permissionView(p);
    v["creditCode"] = p.creditCode;
    permissions.push_back(std::move(v));
  }
  Json batches = Json::array();
  for (const auto& b : state.batches) {
    Json rows = Json::array();
    for (const auto& r : b.rows) {
      rows.push_back(
          {{"row", r.row}, {"idNumber", r.idNumber}, {"result", r.result}, {"reason", r.reason}});
    }
    Json v{{"batchId", b.batchId}, {"creditCode", b.creditCode},
           {"status", b.status},   {"idempotencyKey", b.idempotencyKey},
           {"polls", b.polls},     {"rows", rows},
           {"header", b.header}};
    v.update(batchScopeView(b.manifest));  // occupationCode, level, abilityCode
    batches.push_back(std::move(v));
  }
  Json declarations = Json::array();
  for (const auto& d : state.declarations) {
    Json v{{"creditCode", d.creditCode},
           {"idNumber", d.idNumber},
           {"idType", d.idType},
           {"declarationNo", d.declarationNo},
           {"batchId", d.batchId}};
    v.update(declarationScopeView(d));
    declarations.push_back(std::move(v));
  }
  const Policies& p = state.policies;
  return jsonResponse(200,
                      {{"accounts", accounts},
                       {"applications", applications},
                       {"permissions", permissions},
                       {"batches", batches},
                       {"declarations", declarations},
                       {"policies",
                        {{"account", {{"mode", p.accountMode}}},
                         {"review", {{"mode", p.reviewMode}, {"afterPolls", p.reviewAfterPolls}}},
                         {"batch", {{"doneAfterPolls", p.batchDoneAfterPolls}}}}},
                       {"now", formatTime(now())},
                       {"catalogVersion", state.catalog.value("version", "")}});
}

Response Platform::Impl::adminReviewPolicy(Call& call) {
  auto body = parseJsonBody(call, false);
  if (!body || !body->is_object())
    return errorResponse(call, 400, "BAD_REQUEST", "请求体不是 JSON 对象");
  const std::string mode =
      body->value("mode", Json()).is_string() ? (*body)["mode"].get<std::string>() : "";
  std::vector<FieldError> errors;
  if (mode != "auto-approve" && mode != "auto-reject" && mode != "manual") {
    errors.push_back({"mode", "mode 须为 auto-approve、auto-reject 或 manual"});
  }
  auto after = body->contains("afterPolls") ? intField(*body, "afterPolls", 1, 1000000)
                                            : std::optional<int>(1);
  if (!after) errors.push_back({"afterPolls", "afterPolls 须为正整数"});
  if (!errors.empty()) return errorResponse(call, 422, "VALIDATION_FAILED", "审核策略有误", errors);
  state.policies.reviewMode = mode;
  state.policies.reviewAfterPolls = *after;
  mutated = true;
  return ok({{"mode", mode}, {"afterPolls", *after}});
}

Response Platform::Impl::adminBatchPolicy(Call& call) {
  auto body = parseJsonBody(call, false);
  if (!body || !body->is_object())
    return errorResponse(call, 400, "BAD_REQUEST", "请求体不是 JSON 对象");
  auto after = intField(*body, "doneAfterPolls", 1, 1000000);
  if (!after) {
    return errorResponse(call, 422, "VALIDATION_FAILED", "批次策略有误",
                         {{"doneAfterPolls", "doneAfterPolls 须为正整数"}});
  }
  state.policies.batchDoneAfterPolls = *after;
  mutated = true;
  return ok({{"doneAfterPolls", *after}});
}

Response Platform::Impl::adminAccountPolicy(Call& call) {
  auto body = parseJsonBody(call, false);
  if (!body || !body->is_object())
    return errorResponse(call, 400, "BAD_REQUEST", "请求体不是 JSON 对象");
  const Json mode = body->value("mode", Json());
  if (mode != "auto-activate" && mode != "manual") {
    return errorResponse(call, 422, "VALIDATION_FAILED", "开户策略有误",
                         {{"mode", "mode 须为 auto-activate 或 manual"}});
  }
  state.policies.accountMode = mode.get<std::string>();
  mutated = true;
  return ok({{"mode", mode}});
}

Response Platform::Impl::adminApprove(Call& call) {
  for (auto& app : state.applications) {
    if (app.applicationId != call.params[0]) continue;
    if (app.status == "APPROVED" || app.status == "REJECTED") {
      return errorResponse(call, 409, "CONFLICT", "该申请已审核（" + app.status + "）");
    }
    approve(app);
    return jsonResponse(200, applicationView(app));
  }
  return errorResponse(call, 404, "NOT_FOUND", "权限申请不存在");
}

Response Platform::Impl::adminReject(Call& call) {
  auto body = parseJsonBody(call, true);
  if (!body || !body->is_object())
    return errorResponse(call, 400, "BAD_REQUEST", "请求体不是 JSON 对象");
  const std::string reason = stringField(*body, "reason").value_or("申请材料不符合要求");
  for (auto& app : state.applications) {
    if (app.applicationId != call.params[0]) continue;
    if (app.status == "APPROVED" || app.status == "REJECTED") {
      return errorResponse(call, 409, "CONFLICT", "该申请已审核（" + app.status + "）");
    }
    reject(app, reason);
    return jsonResponse(200, applicationView(app));
  }
  return errorResponse(call, 404, "NOT_FOUND", "权限申请不存在");
}

Response Platform::Impl::adminGrant(Call& call) {
  auto body = parseJsonBody(call, false);
  if (!body || !body->is_object())
    return errorResponse(call, 400, "BAD_REQUEST", "请求体不是 JSON 对象");
  const Json& b = *body;
  std::vector<FieldError> errors;
  auto creditCode = stringField(b, "creditCode");
  if (!creditCode || !state.accounts.contains(*creditCode)) {
    errors.push_back({"creditCode", "该统一社会信用代码没有开户"});
  }
  // The same checks as an application, except that any matter of the catalog may be granted
  // (职业资格鉴定 and 专项职业能力考核 are opened by the centre); organisations and occupations are
  // not compared with the catalog.
  const Json* matter = checkPermissionFields(matters(), b, PermissionUse::Grant, errors);
  if (!errors.empty()) return errorResponse(call, 422, "VALIDATION_FAILED", "权限信息有误", errors);
  PermissionRecord permission = permissionOf(*creditCode, b, *matter, now());
  if (!permission.ability()) permission.occupationName = *stringField(b, "occupationName");
  grant(std::move(permission));
  mutated = true;
  return ok();
}

Response Platform::Impl::adminActivate(Call& call) {
  auto it = state.accounts.find(call.params[0]);
  if (it == state.accounts.end())
    return errorResponse(call, 404, "NOT_REGISTERED", "该学校尚未开户");
  it->second.status = "ACTIVE";
  it->second.updatedAt = now();
  mutated = true;
  return ok({{"creditCode", it->first}, {"accountStatus", "ACTIVE"}});
}

Response Platform::Impl::adminCatalog(Call& call) {
  auto body = parseJsonBody(call, false);
  if (!body) return errorResponse(call, 400, "BAD_REQUEST", "请求体不是 JSON");
  if (auto problems = validateCatalog(*body)) {
    return errorResponse(call, 422, "VALIDATION_FAILED", "评价机构目录有误", *problems);
  }
  state.catalog = *body;
  mutated = true;
  return ok({{"version", state.catalog.value("version", "")}});
}

Response Platform::Impl::adminGetClock(Call& call) {
  (void)call;
  return jsonResponse(200, {{"now", formatTime(now())},
                            {"frozen", state.clock.frozen},
                            {"offsetSeconds", state.clock.offset}});
}

Response Platform::Impl::adminSetClock(Call& call) {
  auto body = parseJsonBody(call, false);
  if (!body || !body->is_object())
    return errorResponse(call, 400, "BAD_REQUEST", "请求体不是 JSON 对象");
  const Json& b = *body;
  // Every value is range-checked before any arithmetic, so that no offset or step can overflow
  // (docs/platform-api.md, "The mock clock").
  auto refuse = [&](const std::string& field, const std::string& message) {
    return errorResponse(call, 422, "VALIDATION_FAILED", "时间有误", {{field, message}});
  };
  const std::string range = "须为整数秒，绝对值不超过 " + std::to_string(kMaxClockStep) +
                            "，且所得时间在 0001 年至 9999 年之间";
  ClockState next = state.clock;
  if (b.contains("now")) {
    auto t = b["now"].is_string() ? parseTime(b["now"].get<std::string>()) : std::nullopt;
    if (!t) return refuse("now", "now 须为 RFC 3339 时间");
    if (*t < kMinTime || *t > kMaxTime) return refuse("now", "now 须在 0001 年至 9999 年之间");
    next.frozen = true;
    next.fixedNow = *t;
  } else if (b.contains("offsetSeconds")) {
    auto offset = secondsValue(b["offsetSeconds"]);
    if (!offset) return refuse("offsetSeconds", "offsetSeconds " + range);
    next.frozen = false;
    next.offset = *offset;
    const Seconds at = systemNow() + *offset;
    if (at < kMinTime || at > kMaxTime) return refuse("offsetSeconds", "offsetSeconds " + range);
  } else if (b.contains("advanceSeconds")) {
    auto by = secondsValue(b["advanceSeconds"]);
    if (!by) return refuse("advanceSeconds", "advanceSeconds " + range);
    // |by| and the current values are at most kMaxClockStep: the sums fit in 64 bits.
    const Seconds at = (next.frozen ? next.fixedNow : systemNow() + next.offset) + *by;
    if (at < kMinTime || at > kMaxTime) return refuse("advanceSeconds", "advanceSeconds " + range);
    if (next.frozen) {
      next.fixedNow = at;
    } else {
      next.offset += *by;
    }
  } else {
    return refuse("now", "须给出 now、offsetSeconds 或 advanceSeconds 之一");
  }
  if (auto problem = clockProblem(next)) return refuse("offsetSeconds", "offsetSeconds " + range);
  state.clock = next;
  mutated = true;
  return adminGetClock(call);
}

}  // namespace zzjb::mock
