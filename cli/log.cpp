// Log lines (text or JSON) with personal data masked, and the pass observer that writes them.
#include "log.hpp"

#include <algorithm>

#include <chrono>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "zzjb/core/identifiers.hpp"
#include "zzjb/core/schedule.hpp"

namespace zzjb::cli {

namespace {

bool isAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool isAsciiAlnum(char c) {
  return isAsciiDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool allDigits(std::string_view s) {
  for (char c : s) {
    if (!isAsciiDigit(c)) return false;
  }
  return !s.empty();
}
bool looksLikeResidentId(std::string_view t) {
  return t.size() == 18 && allDigits(t.substr(0, 17)) &&
         (isAsciiDigit(t[17]) || t[17] == 'X' || t[17] == 'x');
}
bool looksLikeMobile(std::string_view t) { return t.size() == 11 && t[0] == '1' && allDigits(t); }

// The masked form of one alphanumeric token, or nullopt when it is not personal data.
std::optional<std::string> maskToken(std::string_view t) {
  if (looksLikeResidentId(t)) return maskId(t);
  if (looksLikeMobile(t)) return maskMobile(t);
  if (t.size() == 13 && t.starts_with("86") && looksLikeMobile(t.substr(2))) {
    return "86" + maskMobile(t.substr(2));
  }
  if (t.size() == 15 && t.starts_with("0086") && looksLikeMobile(t.substr(4))) {
    return "0086" + maskMobile(t.substr(4));
  }
  return std::nullopt;
}

std::string_view levelName(Severity s) { return severityName(s); }

std::string orDash(std::string_view s) { return s.empty() ? "-" : std::string(s); }

// An outcome's name as the engine's event carries it ("PROGRESSED"), for people.
std::string outcomeText(const std::string& name) {
  auto kind = parseSchoolOutcome(name);
  return kind ? schoolOutcomeText(*kind) : name;
}

// A field value in a text line: bare when it has no space or quote, quoted otherwise.
std::string textValue(const std::string& v) {
  if (!v.empty() && v.find_first_of(" \t\"=\n") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') q += '\\';
    if (c == '\n') {
      q += "\\n";
      continue;
    }
    q += c;
  }
  return q + "\"";
}

std::string oneLine(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace

std::optional<LogFormat> parseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::Text;
  if (name == "json") return LogFormat::Json;
  return std::nullopt;
}

std::string maskPersonalData(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const std::size_t n = text.size();
  std::size_t i = 0;
  auto tokenEnd = [&](std::size_t from) {
    while (from < n && isAsciiAlnum(text[from])) ++from;
    return from;
  };
  while (i < n) {
    if (!isAsciiAlnum(text[i])) {
      out += text[i++];
      continue;
    }
    const std::size_t j = tokenEnd(i);
    const std::string_view tok = text.substr(i, j - i);
    // 139-1234-5678, 139 1234 5678: three tokens with the same separator.
    if (tok.size() == 3 && tok[0] == '1' && allDigits(tok) && j < n &&
        (text[j] == '-' || text[j] == ' ')) {
      const char sep = text[j];
      const std::size_t k = tokenEnd(j + 1);
      if (k - (j + 1) == 4 && allDigits(text.substr(j + 1, 4)) && k < n && text[k] == sep) {
        const std::size_t m = tokenEnd(k + 1);
        if (m - (k + 1) == 4 && allDigits(text.substr(k + 1, 4))) {
          out += std::string(tok) + sep + "****" + sep + std::string(text.substr(k + 1, 4));
          i = m;
          continue;
        }
      }
    }
    if (auto masked = maskToken(tok)) {
      out += *masked;
    } else {
      out += tok;
    }
    i = j;
  }
  return out;
}

Logger::Logger(LogFormat format, std::ostream& out, std::function<std::int64_t()> now)
    : format_(format), out_(out), now_(std::move(now)) {
  if (!now_) {
    now_ = [] {
      return static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
    };
  }
}

void Logger::setFormat(LogFormat format) {
  std::lock_guard lock(mu_);
  format_ = format;
}

LogFormat Logger::format() const {
  std::lock_guard lock(mu_);
  return format_;
}

void Logger::log(Severity level, std::string_view school, std::string_view target,
                 std::string_view message, const LogFields& fields) {
  const std::string time = shanghaiIsoTime(now_());
  std::lock_guard lock(mu_);
  std::string line;
  if (format_ == LogFormat::Json) {
    nlohmann::ordered_json j;
    j["time"] = time;
    j["level"] = levelName(level);
    if (!school.empty()) j["school"] = maskPersonalData(school);
    if (!target.empty()) j["target"] = maskPersonalData(target);
    j["message"] = maskPersonalData(message);
    for (const auto& [k, v] : fields) {
      if (j.contains(k)) continue;  // the fixed keys win
      j[k] = maskPersonalData(v);
    }
    line = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  } else {
    line = time + " " + std::string(levelName(level)) + " " + orDash(maskPersonalData(school)) +
           " " + orDash(maskPersonalData(target)) + " " + oneLine(maskPersonalData(message));
    for (const auto& [k, v] : fields) line += " " + k + "=" + textValue(maskPersonalData(v));
  }
  line += '\n';
  out_.write(line.data(), static_cast<std::streamsize>(line.size()));
  out_.flush();
}

void Logger::finding(const Finding& f) {
  LogFields fields = {{"code", f.code}};
  const std::string where = f.where.str();
  if (!where.empty()) fields.emplace_back("where", where);
  if (!f.hint.empty()) fields.emplace_back("hint", f.hint);
  log(f.severity, f.school, {}, f.message, fields);
}

void logReminders(Logger& logger, const PassResult& result) {
  for (const auto& school : result.reminders) {
    // A quarantined school is said once, by the pass that quarantined it (run.log.quarantined):
    // status, report and zzjb_school_quarantined keep saying it, not every pass's log.
    const bool quarantined = std::any_of(result.held.begin(), result.held.end(), [&](const auto& h) {
      return h.school == school.school && h.kind == app::SchoolHold::Kind::Quarantined;
    });
    if (quarantined) continue;
    for (const auto& r : school.reminders) {
      logger.log(Severity::Warning, r.school, r.targetKey,
                 msg::text("run.log.reminder", {{"text", r.text}}),
                 {{"reminder", reminderKindName(r.kind)},
                  {"days", std::to_string(r.days)},
                  {"due", r.due},
                  {"hint", r.hint}});
    }
  }
}

void LogObserver::onEngineEvent(const EngineEvent& e) {
  using K = EngineEvent::Kind;
  switch (e.kind) {
    case K::SchoolStarted:
      logger_.log(Severity::Info, e.school, {},
                  msg::text("run.event.school_started", {{"name", e.message}}));
      return;
    case K::Step:
      logger_.log(Severity::Info, e.school, e.targetKey, e.message);
      return;
    case K::RequestSent: {
      LogFields f;
      if (e.count > 0) f.emplace_back("rows", std::to_string(e.count));
      logger_.log(Severity::Info, e.school, e.targetKey,
                  msg::text("run.event.sent", {{"endpoint", e.message}}), f);
      return;
    }
    case K::RowsRecorded:
      logger_.log(Severity::Info, e.school, e.targetKey,
                  msg::text("run.event.recorded", {{"count", e.count}, {"total", e.total}}),
                  {{"rows", std::to_string(e.count)}, {"total", std::to_string(e.total)}});
      return;
    case K::TargetFinished:
      logger_.log(Severity::Info, e.school, e.targetKey,
                  msg::text("run.event.target_finished", {{"phase", e.message}}),
                  {{"phase", e.message}});
      return;
    case K::Warning:
      logger_.log(Severity::Warning, e.school, e.targetKey, e.message);
      return;
    case K::SchoolFinished:
      logger_.log(Severity::Info, e.school, {},
                  msg::text("run.event.school_finished",
                            {{"outcome", outcomeText(e.message)}, {"code", e.message}}),
                  {{"outcome", e.message}});
      return;
  }
}

void LogObserver::onRequest(const std::string& school, const platform::RequestEvent& e) {
  const long status = static_cast<long>(e.status);
  const bool failed = status == 0 || status >= 400;
  if (!failed && !logRequests_) return;
  std::ostringstream secs;
  secs.precision(3);
  secs << std::fixed << static_cast<double>(e.seconds);
  LogFields f = {{"endpoint", std::string(e.endpoint)},
                 {"status", std::to_string(status)},
                 {"attempt", std::to_string(static_cast<long>(e.attempt))},
                 {"seconds", secs.str()}};
  if (!std::string(e.code).empty()) f.emplace_back("code", std::string(e.code));
  const std::string code(e.code);
  std::string msg = msg::text(code.empty() ? "run.request.status" : "run.request.status.code",
                              {{"endpoint", std::string(e.endpoint)},
                               {"status", status == 0 ? msg::text("run.request.no_answer")
                                                      : std::to_string(status)},
                               {"code", code}});
  if (e.willRetry) {
    const auto delay = static_cast<long long>(e.delayMs);
    f.emplace_back("retryInMs", std::to_string(delay));
    msg = msg::text("run.request.retry", {{"request", msg}, {"delay", delay}});
    logger_.log(Severity::Warning, school, {}, msg, f);
    return;
  }
  // 404 NOT_REGISTERED is the platform's way of saying "no account yet": an answer, not a fault.
  const bool expected = status == 404 && e.code == "NOT_REGISTERED";
  logger_.log(failed && !expected ? Severity::Warning : Severity::Info, school, {}, msg, f);
}

void LogObserver::onSchoolDone(const SchoolOutcome& o) {
  for (const auto& f : o.findings) logger_.finding(f);
  for (const auto& t : o.targets) {
    LogFields f = {{"phase", targetPhaseName(t.phase)},
                   {"eligible", std::to_string(t.eligible)},
                   {"sent", std::to_string(t.sent)},
                   {"accepted", std::to_string(t.accepted)},
                   {"rejected", std::to_string(t.rejected)},
                   {"pending", std::to_string(t.pending)}};
    if (!t.hint.empty()) f.emplace_back("hint", t.hint);
    const Severity sev = t.phase == TargetPhase::Failed || t.phase == TargetPhase::PermissionRejected
                             ? Severity::Warning
                             : Severity::Info;
    logger_.log(sev, o.school, t.targetKey, t.detail.empty() ? t.label : t.detail, f);
  }
  LogFields f = {{"outcome", schoolOutcomeName(o.kind)},
                 {"creatingRequests", std::to_string(o.creatingRequests)}};
  std::string msg = msg::text("run.event.school_done", {{"outcome", schoolOutcomeText(o.kind)},
                                                       {"code", schoolOutcomeName(o.kind)}});
  Severity sev = Severity::Info;
  if (o.failure) {
    msg = msg::text("run.event.school_done.failure", {{"outcome", schoolOutcomeText(o.kind)},
                                                     {"code", schoolOutcomeName(o.kind)},
                                                     {"failure", o.failure->describe()}});
    f.emplace_back("failure", platformFailureKindName(o.failure->kind));
  }
  if (o.kind == SchoolOutcomeKind::Failed) sev = Severity::Error;
  if (o.kind == SchoolOutcomeKind::Skipped) sev = Severity::Warning;
  logger_.log(sev, o.school, {}, msg, f);
}

void LogObserver::log(Severity severity, const std::string& school, const std::string& message) {
  logger_.log(severity, school, {}, message);
}

void TeeObserver::onProgress(const PassProgress& progress) {
  for (auto* o : observers_) o->onProgress(progress);
}
void TeeObserver::onEngineEvent(const EngineEvent& event) {
  for (auto* o : observers_) o->onEngineEvent(event);
}
void TeeObserver::onRequest(const std::string& school, const platform::RequestEvent& event) {
  for (auto* o : observers_) o->onRequest(school, event);
}
void TeeObserver::onSchoolDone(const SchoolOutcome& outcome) {
  for (auto* o : observers_) o->onSchoolDone(outcome);
}
void TeeObserver::log(Severity severity, const std::string& school, const std::string& message) {
  for (auto* o : observers_) o->log(severity, school, message);
}

}  // namespace zzjb::cli
