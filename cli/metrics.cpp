// The metrics registry: counters and gauges kept under one mutex, written out as Prometheus text
// and as the /healthz report.
#include "metrics.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "log.hpp"
#include "zzjb/core/schedule.hpp"

namespace zzjb::cli {

namespace {

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string escapeLabel(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string number(double v) {
  char buf[64];
  if (v == static_cast<double>(static_cast<long long>(v)) && v < 1e15 && v > -1e15) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%.3f", v);
  }
  return buf;
}

class Exposition {
 public:
  void family(const char* name, const char* type, const char* help) {
    out_ += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  void sample(const char* name, std::initializer_list<std::pair<const char*, std::string_view>> labels,
              double value) {
    out_ += name;
    if (labels.size() > 0) {
      out_ += "{";
      bool first = true;
      for (const auto& [k, v] : labels) {
        if (!first) out_ += ",";
        first = false;
        out_ += std::string(k) + "=\"" + escapeLabel(v) + "\"";
      }
      out_ += "}";
    }
    out_ += " " + number(value) + "\n";
  }
  [[nodiscard]] std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Every kind, so that a school's zzjb_reminders series are all there (0 when none) once known.
constexpr ReminderKind kReminderKinds[] = {ReminderKind::EvaluationWindow,
                                           ReminderKind::CertificateExpiring,
                                           ReminderKind::ApplicationWaiting, ReminderKind::PinLow,
                                           ReminderKind::SchoolPaused,
                                           ReminderKind::SchoolQuarantined,
                                           ReminderKind::KeyProbeFailed};

bool succeeded(SchoolOutcomeKind k) {
  return k == SchoolOutcomeKind::UpToDate || k == SchoolOutcomeKind::Progressed ||
         k == SchoolOutcomeKind::Waiting;
}

// A Skipped school whose findings are about its key, certificate or PIN.
bool keyProblem(const SchoolOutcome& o) {
  for (const auto& f : o.findings) {
    if (f.severity != Severity::Error) continue;
    for (const char* word : {"KEY", "PIN", "CERT", "IDENTITY", "TOKEN", "SIGN"}) {
      if (f.code.find(word) != std::string::npos) return true;
    }
  }
  return false;
}

nlohmann::json isoOrNull(const std::optional<double>& t) {
  if (!t) return nullptr;
  return shanghaiIsoTime(static_cast<std::int64_t>(*t));
}

}  // namespace

std::string passOutcomeLabel(int exitCode, bool stopped) {
  if (stopped) return "stopped";
  switch (exitCode) {
    case 0: return "ok";
    case 65: return "data_error";
    case 69: return "unavailable";
    case 75: return "temporary_failure";
    case 77: return "identity";
    case 78: return "config_error";
    default: return "failed";
  }
}

std::string endpointLabel(std::string_view endpoint) {
  std::string_view e = endpoint.substr(0, endpoint.find('?'));
  std::string out;
  std::size_t i = 0;
  while (i < e.size()) {
    const std::size_t slash = e.find('/', i);
    if (slash == std::string_view::npos) {
      out += e.substr(i);
      break;
    }
    out += e.substr(i, slash + 1 - i);
    i = slash + 1;
    std::size_t end = e.find('/', i);
    if (end == std::string_view::npos) end = e.size();
    std::string_view seg = e.substr(i, end - i);
    const bool version = seg.size() >= 2 && seg[0] == 'v' &&
                         seg.substr(1).find_first_not_of("0123456789") == std::string_view::npos;
    const bool id = !version && seg.find_first_of("0123456789") != std::string_view::npos;
    // The platform client names its endpoints as templates ("…/group-declarations/{id}"): the
    // same label as a literal ID gets.
    const bool placeholder = seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
    if (placeholder) {
      out += ":" + std::string(seg.substr(1, seg.size() - 2));
    } else {
      out += id ? std::string(":id") : std::string(seg);
    }
    i = end;
  }
  return out;
}

Metrics::Metrics(std::function<double()> now) : now_(std::move(now)) {
  if (!now_) {
    now_ = [] {
      return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

void Metrics::setSchools(const std::vector<std::string>& ids) {
  std::lock_guard lock(mu_);
  schools_ = ids;
  for (const auto& id : ids) schoolState_.try_emplace(id);
}

void Metrics::passStarted() {
  std::lock_guard lock(mu_);
  runningSince_ = now_();
}

void Metrics::passFinished(const PassResult& result) {
  std::lock_guard lock(mu_);
  const double end = now_();
  LastPass p;
  p.startedAt = runningSince_.value_or(end);
  p.finishedAt = end;
  p.exitCode = result.exitCode;
  p.stopped = result.stopped;
  p.outcome = passOutcomeLabel(result.exitCode, result.stopped);
  passes_[p.outcome] += 1;
  lastPass_ = p;
  for (const auto& school : result.reminders) {
    SchoolState& s = schoolState_[school.school];
    std::map<std::string, std::size_t> counts;
    for (const ReminderKind k : kReminderKinds) counts[lower(reminderKindName(k))] = 0;
    for (const auto& r : school.reminders) ++counts[lower(reminderKindName(r.kind))];
    s.reminders = std::move(counts);
    s.certificateDaysLeft = school.certificateDaysLeft;
    s.pinRetriesLeft = school.pinRetriesLeft;
  }
  // Held or not, as this pass found each school it was about (the reminders name every one it
  // looked at, the held ones too; a paused school only in `held`).
  for (const auto& school : result.reminders) schoolState_[school.school].held.clear();
  for (const auto& h : result.held) {
    SchoolState& s = schoolState_[h.school];
    s.held = h.kind == app::SchoolHold::Kind::Paused ? "paused" : "quarantined";
    s.heldCode = h.code;
    if (h.kind == app::SchoolHold::Kind::Quarantined) s.keyUsable = false;
  }
  runningSince_.reset();
}

void Metrics::probesFinished(const std::vector<Probe>& probes) {
  std::lock_guard lock(mu_);
  for (const auto& p : probes) {
    SchoolState& s = schoolState_[p.school];
    s.probe = p;
    s.keyUsable = p.ok;
  }
}

void Metrics::configReloaded(bool ok) {
  std::lock_guard lock(mu_);
  reloads_[ok ? "ok" : "failed"] += 1;
  lastReloadFailed_ = !ok;
}

void Metrics::setNextPass(std::optional<std::int64_t> unixSeconds) {
  std::lock_guard lock(mu_);
  nextPass_ = unixSeconds;
}

void Metrics::onEngineEvent(const EngineEvent& /*event*/) {}

void Metrics::log(Severity /*severity*/, const std::string& /*school*/,
                  const std::string& /*message*/) {}

void Metrics::onRequest(const std::string& /*school*/, const platform::RequestEvent& e) {
  const long status = static_cast<long>(e.status);
  std::string outcome;
  if (status > 0) {
    outcome = std::to_string(status / 100) + "xx";
  } else {
    outcome = std::string(e.code).empty() ? std::string("NO_ANSWER") : std::string(e.code);
  }
  const std::string endpoint = endpointLabel(std::string(e.endpoint));
  std::lock_guard lock(mu_);
  requests_[{endpoint, outcome}] += 1;
  if (e.willRetry) retries_[endpoint] += 1;
  platformReachable_ = status > 0;
}

void Metrics::onSchoolDone(const SchoolOutcome& o) {
  std::lock_guard lock(mu_);
  SchoolState& s = schoolState_[o.school];
  s.reported = true;
  s.held.clear();  // run in this pass: held no more (passFinished says if it was quarantined now)
  s.heldCode.clear();
  s.lastOutcome = schoolOutcomeName(o.kind);
  schoolPasses_[{o.school, lower(schoolOutcomeName(o.kind))}] += 1;
  if (succeeded(o.kind)) {
    s.lastSuccess = now_();
    s.keyUsable = true;
  } else if (o.failure && o.failure->kind == PlatformFailureKind::Identity) {
    s.keyUsable = false;
  } else if (o.kind == SchoolOutcomeKind::Skipped && keyProblem(o)) {
    s.keyUsable = false;
  }
  // The store's totals after the pass; a target without any (a failed school) keeps the last.
  if (!o.targets.empty()) {
    s.accepted = s.rejected = s.pending = 0;
    double sent = 0;
    for (const auto& t : o.targets) {
      s.accepted += t.accepted;
      s.rejected += t.rejected;
      s.pending += t.pending;
      sent += static_cast<double>(t.sent);
    }
    rowsSent_[o.school] += sent;
  }
}

std::string Metrics::prometheusText() const {
  std::lock_guard lock(mu_);
  Exposition x;
  // not-text: begin — the metric names and their HELP texts are for machines and IT staff
  // (Prometheus, promtool check metrics): they stay in English, whatever the language.
  x.family("zzjb_passes_total", "counter", "Passes finished, by outcome.");
  for (const auto& [outcome, v] : passes_) x.sample("zzjb_passes_total", {{"outcome", outcome}}, v);

  x.family("zzjb_pass_running", "gauge", "1 while a pass is running.");
  x.sample("zzjb_pass_running", {}, runningSince_ ? 1 : 0);

  x.family("zzjb_pass_duration_seconds", "gauge", "Duration of the last finished pass.");
  if (lastPass_) {
    x.sample("zzjb_pass_duration_seconds", {}, lastPass_->finishedAt - lastPass_->startedAt);
  }
  x.family("zzjb_last_pass_timestamp_seconds", "gauge",
           "When the last pass finished (Unix time).");
  if (lastPass_) x.sample("zzjb_last_pass_timestamp_seconds", {}, lastPass_->finishedAt);

  x.family("zzjb_next_pass_timestamp_seconds", "gauge", "When the next pass is due (Unix time).");
  if (nextPass_) x.sample("zzjb_next_pass_timestamp_seconds", {}, static_cast<double>(*nextPass_));

  x.family("zzjb_requests_total", "counter",
           "Requests to the platform (each attempt), by endpoint and outcome (status class, or "
           "the error code when there was no answer).");
  for (const auto& [key, v] : requests_) {
    x.sample("zzjb_requests_total", {{"endpoint", key.first}, {"outcome", key.second}}, v);
  }
  x.family("zzjb_retries_total", "counter", "Requests that were retried, by endpoint.");
  for (const auto& [endpoint, v] : retries_) {
    x.sample("zzjb_retries_total", {{"endpoint", endpoint}}, v);
  }
  x.family("zzjb_platform_reachable", "gauge",
           "1 when the last request got an HTTP answer, 0 when it got none.");
  if (platformReachable_) x.sample("zzjb_platform_reachable", {}, *platformReachable_ ? 1 : 0);

  x.family("zzjb_school_passes_total", "counter", "Passes per school, by the school's outcome.");
  for (const auto& [key, v] : schoolPasses_) {
    x.sample("zzjb_school_passes_total", {{"school", key.first}, {"outcome", key.second}}, v);
  }
  // The per-school gauges name the configured schools only: a school removed by a reload must
  // not keep an old "last success" for alerts to fire on. (Counters keep their history.)
  const auto configured = [this](const std::string& id) {
    return std::find(schools_.begin(), schools_.end(), id) != schools_.end();
  };
  x.family("zzjb_declarations", "gauge",
           "Declared students per school as recorded after the last pass, by result.");
  for (const auto& [school, s] : schoolState_) {
    if (!s.reported || !configured(school)) continue;
    x.sample("zzjb_declarations", {{"school", school}, {"result", "accepted"}},
             static_cast<double>(s.accepted));
    x.sample("zzjb_declarations", {{"school", school}, {"result", "rejected"}},
             static_cast<double>(s.rejected));
    x.sample("zzjb_declarations", {{"school", school}, {"result", "pending"}},
             static_cast<double>(s.pending));
  }
  x.family("zzjb_declaration_rows_sent_total", "counter",
           "Declaration rows sent to the platform, per school.");
  for (const auto& [school, v] : rowsSent_) {
    x.sample("zzjb_declaration_rows_sent_total", {{"school", school}}, v);
  }
  x.family("zzjb_last_success_timestamp_seconds", "gauge",
           "When a pass last completed for the school without failing (Unix time).");
  for (const auto& [school, s] : schoolState_) {
    if (!s.lastSuccess || !configured(school)) continue;
    x.sample("zzjb_last_success_timestamp_seconds", {{"school", school}}, *s.lastSuccess);
  }
  x.family("zzjb_key_usable", "gauge", "1 when the school's key last worked, 0 when it did not.");
  for (const auto& [school, s] : schoolState_) {
    if (!s.keyUsable || !configured(school)) continue;
    x.sample("zzjb_key_usable", {{"school", school}}, *s.keyUsable ? 1 : 0);
  }
  x.family("zzjb_school_paused", "gauge",
           "1 when the school is paused by its configuration (enabled: false).");
  x.family("zzjb_school_quarantined", "gauge",
           "1 when the school's identity was refused and is not tried until it changes.");
  for (const auto& id : lastPass_ ? schools_ : std::vector<std::string>{}) {  // after a pass
    const auto it = schoolState_.find(id);
    const std::string held = it == schoolState_.end() ? std::string() : it->second.held;
    x.sample("zzjb_school_paused", {{"school", id}}, held == "paused" ? 1 : 0);
    x.sample("zzjb_school_quarantined", {{"school", id}}, held == "quarantined" ? 1 : 0);
  }
  x.family("zzjb_key_probe_ok", "gauge",
           "1 when the last key probe opened the school's key and signed, 0 when it failed.");
  x.family("zzjb_key_probe_timestamp_seconds", "gauge", "When the school's key was last probed (Unix time).");
  for (const auto& [school, s] : schoolState_) {
    if (!s.probe || !configured(school)) continue;
    x.sample("zzjb_key_probe_ok", {{"school", school}}, s.probe->ok ? 1 : 0);
    x.sample("zzjb_key_probe_timestamp_seconds", {{"school", school}}, s.probe->at);
  }
  x.family("zzjb_reminders", "gauge",
           "Reminders per school after the last pass, by kind (evaluation_window, "
           "certificate_expiring, application_waiting, pin_low, school_paused, school_quarantined, "
           "key_probe_failed): as zzjb report shows them.");
  for (const auto& [school, s] : schoolState_) {
    if (!s.reminders || !configured(school)) continue;
    for (const auto& [kind, n] : *s.reminders) {
      x.sample("zzjb_reminders", {{"school", school}, {"kind", kind}}, static_cast<double>(n));
    }
  }
  x.family("zzjb_certificate_days_left", "gauge",
           "Days until the school's 法人一证通 certificate expires (negative: expired), as of the "
           "last pass.");
  for (const auto& [school, s] : schoolState_) {
    if (!s.certificateDaysLeft || !configured(school)) continue;
    x.sample("zzjb_certificate_days_left", {{"school", school}},
             static_cast<double>(*s.certificateDaysLeft));
  }
  x.family("zzjb_pin_retries_left", "gauge",
           "PIN tries left on the school's key when the last pass that opened it could tell (0: "
           "locked).");
  for (const auto& [school, s] : schoolState_) {
    if (!s.pinRetriesLeft || !configured(school)) continue;
    x.sample("zzjb_pin_retries_left", {{"school", school}}, *s.pinRetriesLeft);
  }
  x.family("zzjb_config_reloads_total", "counter",
           "Configuration reloads (SIGHUP), by result; a failed one keeps the old configuration.");
  for (const auto& [result, v] : reloads_) {
    x.sample("zzjb_config_reloads_total", {{"result", result}}, v);
  }
  // not-text: end
  return x.take();
}

HealthReport Metrics::health() const {
  std::lock_guard lock(mu_);
  nlohmann::ordered_json j;
  std::size_t bad = 0;
  bool keyBad = false;
  bool failedSchool = false;
  std::size_t held = 0;
  nlohmann::ordered_json schools = nlohmann::ordered_json::array();
  for (const auto& id : schools_) {
    const auto it = schoolState_.find(id);
    const SchoolState empty;
    const SchoolState& s = it == schoolState_.end() ? empty : it->second;
    nlohmann::ordered_json sj;
    sj["id"] = id;
    sj["lastOutcome"] = s.lastOutcome ? nlohmann::ordered_json(*s.lastOutcome) : nullptr;
    sj["lastSuccess"] = isoOrNull(s.lastSuccess);
    sj["keyUsable"] = s.keyUsable ? nlohmann::ordered_json(*s.keyUsable) : nullptr;
    sj["held"] = s.held.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.held);
    if (!s.heldCode.empty()) sj["heldCode"] = s.heldCode;
    if (s.probe) {
      sj["probe"] = {{"ok", s.probe->ok},
                     {"code", s.probe->code},
                     {"at", shanghaiIsoTime(static_cast<std::int64_t>(s.probe->at))}};
    } else {
      sj["probe"] = nullptr;
    }
    schools.push_back(std::move(sj));
    // Held schools are listed, not judged: a paused or quarantined school was said once and is
    // watched through its own gauge, not by keeping the whole service degraded.
    if (!s.held.empty()) {
      ++held;
      continue;
    }
    if (s.lastOutcome == "FAILED" || s.lastOutcome == "SKIPPED") ++bad;
    if (s.lastOutcome == "FAILED") failedSchool = true;
    if (s.keyUsable == false) keyBad = true;
  }
  const bool unreachable = platformReachable_ == false;
  std::string status = "ok";
  if (bad > 0 || keyBad || unreachable || lastReloadFailed_) status = "degraded";
  if ((schools_.size() > held && bad == schools_.size() - held) || (unreachable && failedSchool)) {
    status = "failing";
  }
  j["status"] = status;
  j["running"] = runningSince_.has_value();
  if (lastPass_) {
    j["lastPass"] = {{"startedAt", shanghaiIsoTime(static_cast<std::int64_t>(lastPass_->startedAt))},
                     {"finishedAt", shanghaiIsoTime(static_cast<std::int64_t>(lastPass_->finishedAt))},
                     {"durationSeconds", lastPass_->finishedAt - lastPass_->startedAt},
                     {"outcome", lastPass_->outcome},
                     {"exitCode", lastPass_->exitCode}};
  } else {
    j["lastPass"] = nullptr;
  }
  j["nextPass"] = nextPass_ ? nlohmann::ordered_json(shanghaiIsoTime(*nextPass_)) : nullptr;
  j["platformReachable"] =
      platformReachable_ ? nlohmann::ordered_json(*platformReachable_) : nullptr;
  double reloads = 0;
  for (const auto& [k, v] : reloads_) reloads += v;
  j["config"] = {{"reloads", static_cast<long long>(reloads)}, {"lastReloadFailed", lastReloadFailed_}};
  j["schools"] = std::move(schools);
  HealthReport r;
  r.status = status;
  r.httpStatus = status == "failing" ? 503 : 200;
  r.json = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return r;
}

}  // namespace zzjb::cli
