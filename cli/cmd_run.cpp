// `zzjb run -c CONFIG [--school ID] [--dry-run]`: one pass, for cron or a systemd timer.
// On a terminal: a live progress line (school, target, rows) with warnings above it; otherwise
// (cron, journald) plain log lines. Then a summary per school and target on stdout.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>

#include "args.hpp"
#include "commands.hpp"
#include "inputs.hpp"
#include "log.hpp"
#include "pass.hpp"

namespace zzjb::cli {
namespace {

// SIGINT (Ctrl-C) and SIGTERM: finish the request in flight, record it, start nothing more.
// A second one stops at once (SA_RESETHAND puts the default action back).
std::atomic<bool> gStop{false};
extern "C" void onStopSignal(int /*sig*/) { gStop.store(true); }

void installStopHandlers() {
  struct sigaction sa {};
  sa.sa_handler = onStopSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = static_cast<int>(SA_RESETHAND);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// Built when asked: the help texts are in the language of the process.
std::vector<OptionSpec> runOptions() {
  return {
      {"--config", "-c", true, msg::text("run.option.config")},
      {"--school", "", true, msg::text("run.option.school")},
      {"--dry-run", "", false, msg::text("run.option.dry_run")},
      {"--today", "", true, msg::text("run.option.today")},
      {"--log-format", "", true, msg::text("run.option.log_format")},
      {"--no-progress", "", false, msg::text("run.option.no_progress")},
      {"--help", "-h", false, msg::text("run.option.help")},
  };
}

// "POST /api/v1/account: 503 UNAVAILABLE" — or "no answer" when there was none.
std::string requestLine(const platform::RequestEvent& e) {
  const std::string status =
      e.status == 0 ? msg::text("run.request.no_answer") : std::to_string(e.status);
  return msg::text(e.code.empty() ? "run.request.status" : "run.request.status.code",
                   {{"endpoint", e.endpoint}, {"status", status}, {"code", e.code}});
}

// The live line on a terminal: schools done / running / waiting, and what the school heard from
// last is doing now. Warnings and errors go above it. The pass runner calls it one call at a
// time (zzjb/app/pass_runner.hpp), from whichever worker.
class ProgressDisplay final : public PassObserver {
 public:
  explicit ProgressDisplay(Logger& logger) : logger_(logger) {}
  ~ProgressDisplay() override { clear(); }
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  void onEngineEvent(const EngineEvent& e) override {
    School& s = schools_[e.school];
    switch (e.kind) {
      case EngineEvent::Kind::SchoolStarted:
        s = School{};
        s.step = msg::text("run.progress.starting");
        break;
      case EngineEvent::Kind::Step:
      case EngineEvent::Kind::RequestSent:
      case EngineEvent::Kind::TargetFinished:
      case EngineEvent::Kind::SchoolFinished:
        s.step = e.message;
        setTarget(s, e.targetKey);
        break;
      case EngineEvent::Kind::RowsRecorded:
        setTarget(s, e.targetKey);
        s.rows = msg::text("run.progress.rows", {{"count", e.count}, {"total", e.total}});
        break;
      case EngineEvent::Kind::Warning:
        above(Severity::Warning, e.school, e.targetKey, e.message);
        return;
    }
    current_ = e.school;
    draw();
  }
  void onRequest(const std::string& school, const platform::RequestEvent& e) override {
    if (e.willRetry) {
      schools_[school].step = msg::text(
          "run.request.retry", {{"request", requestLine(e)},
                                {"delay", static_cast<long long>(e.delayMs)}});
      current_ = school;
      draw();
    } else if (e.status == 0 || e.status >= 400) {
      above(Severity::Warning, school, "", requestLine(e));
    }
  }
  void onSchoolDone(const SchoolOutcome& o) override {
    clear();
    for (const auto& f : o.findings) logger_.finding(f);
    schools_.erase(o.school);  // not redrawn above the next school's lines
    if (current_ == o.school) current_ = schools_.empty() ? std::string() : schools_.begin()->first;
    logger_.log(o.kind == SchoolOutcomeKind::Failed ? Severity::Error : Severity::Info, o.school, "",
                o.summary());
    draw();
  }
  void log(Severity s, const std::string& school, const std::string& message) override {
    above(s, school, "", message);
  }
  void onProgress(const PassProgress& p) override {
    progress_ = p;
    draw();
  }

 private:
  struct School {
    std::string target, rows, step;
  };
  static void setTarget(School& s, const std::string& key) {
    if (key.empty() || key == s.target) return;
    s.target = key;
    s.rows.clear();
  }
  void above(Severity s, const std::string& school, const std::string& target, const std::string& m) {
    clear();
    logger_.log(s, school, target, m);
    draw();
  }
  void clear() {
    if (drawn_) std::cerr << "\r\x1b[K" << std::flush;
    drawn_ = false;
  }
  void draw() {
    if (progress_.total == 0 || progress_.done == progress_.total) return;
    std::string line = msg::text("run.progress.line", {{"done", progress_.done},
                                                       {"running", progress_.running},
                                                       {"waiting", progress_.waiting()}});
    if (auto it = schools_.find(current_); it != schools_.end()) {
      line += " " + current_;
      if (!it->second.target.empty()) line += " · " + it->second.target;
      if (!it->second.rows.empty()) line += " · " + it->second.rows;
      if (!it->second.step.empty()) line += " · " + it->second.step;
    }
    if (line.size() > 150) line.resize(150);  // bytes; a cut in UTF-8 only spoils the last glyph
    std::cerr << "\r\x1b[K" << maskPersonalData(line) << std::flush;
    drawn_ = true;
  }

  Logger& logger_;
  PassProgress progress_;
  std::map<std::string, School> schools_;  // the running schools, by id
  std::string current_;                    // the one heard from last
  bool drawn_ = false;
};

void printSummary(std::ostream& out, const PassResult& r, bool dryRun) {
  for (const auto& s : r.schools) {
    out << s.summary() << "\n";
    if (dryRun) {
      for (const auto& w : s.wouldSend) {
        out << "  " << msg::text("run.out.would_send", {{"request", w}}) << "\n";
      }
    }
    for (const auto& t : s.targets) {
      out << "  "
          << msg::text("run.out.target", {{"target", t.label},
                                          {"phase", targetPhaseText(t.phase)},
                                          {"code", targetPhaseName(t.phase)},
                                          {"eligible", t.eligible},
                                          {"sent", t.sent},
                                          {"accepted", t.accepted},
                                          {"rejected", t.rejected},
                                          {"pending", t.pending}});
      if (!t.detail.empty()) out << "\n    " << t.detail;
      if (!t.hint.empty()) out << "\n    → " << t.hint;
      out << "\n";
      if (dryRun) {
        for (const auto& w : t.wouldSend) {
          out << "    " << msg::text("run.out.would_send", {{"request", w}}) << "\n";
        }
      }
    }
  }
}

}  // namespace

int cmdRun(const std::vector<std::string>& argv) {
  std::string error;
  auto args = parseArgs(argv, runOptions(), error);
  if (!args || args->has("--help")) {
    std::ostream& o = args ? std::cout : std::cerr;
    if (!args) o << msg::text("run.cli.error", {{"error", error}}) << "\n";
    o << msg::text("run.help") << "\n\n" << optionsHelp(runOptions());
    return args ? kExitOk : kExitUsage;
  }
  auto configPath = args->get("--config");
  if (!configPath) {
    std::cerr << msg::text("run.cli.config_required") << "\n";
    return kExitUsage;
  }
  PassOptions options;
  options.school = args->get("--school");
  options.dryRun = args->has("--dry-run");
  std::optional<Date> today;
  if (args->has("--today")) {
    today = todayFrom(args->get("--today"), error);
    if (!today) {
      std::cerr << msg::text("run.cli.error", {{"error", error}}) << "\n";
      return kExitUsage;
    }
  }
  LogFormat format = LogFormat::Text;
  if (auto f = args->get("--log-format")) {
    auto parsed = parseLogFormat(*f);
    if (!parsed) {
      std::cerr << msg::text("run.cli.log_format", {{"value", *f}}) << "\n";
      return kExitUsage;
    }
    format = *parsed;
  }
  Logger logger(format, std::cerr);
  LogObserver logLines(logger, /*logRequests=*/false);
  const bool live = format == LogFormat::Text && !args->has("--no-progress") &&
                    isatty(STDERR_FILENO) != 0 && std::getenv("TERM") != nullptr &&
                    std::string(std::getenv("TERM")) != "dumb";
  std::optional<ProgressDisplay> progress;
  PassObserver* observer = &logLines;
  if (live) {
    progress.emplace(logger);
    observer = &*progress;
  }
  installStopHandlers();
  PassClock clock(today);
  PassEnvironment environment = PassEnvironment::standard(clock.clock(), *observer);
  environment.stopRequested = [] { return gStop.load(); };
  environment.checkpoint = testKillHook();
  PassResult result = PassRunner(std::move(environment)).runFromFile(*configPath, options);
  if (result.stopped) {
    logger.log(Severity::Warning, "", "", msg::text("run.log.stopped"));
  }
  progress.reset();
  logReminders(logger, result);
  printSummary(std::cout, result, options.dryRun);
  return result.exitCode;
}

}  // namespace zzjb::cli
