// `zzjb daemon -c CONFIG`: passes on the configured schedule, until SIGTERM.
//
//  - SIGTERM / SIGINT: the pass in progress stops between requests (PassOptions::stopRequested),
//    the request in flight is finished and recorded, then the daemon exits 0;
//  - SIGHUP: the configuration is read again; a broken one is logged with its findings and the
//    old one keeps running (zzjb_config_reloads_total{result="failed"}, /healthz degraded);
//  - systemd: READY=1 once listening, STATUS= with what is happening, WATCHDOG=1 at half of
//    $WATCHDOG_USEC, RELOADING=1 / STOPPING=1 (sd_notify.hpp);
//  - /metrics and /healthz on a loopback address (--metrics-listen or metrics.listen).
// Signals only set flags and write a byte to a self-pipe; the passes run on the main thread.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "args.hpp"
#include "commands.hpp"
#include "daemon_settings.hpp"
#include "inputs.hpp"
#include "log.hpp"
#include "metrics.hpp"
#include "metrics_server.hpp"
#include "output_files.hpp"
#include "pass.hpp"
#include "sd_notify.hpp"
#include "zzjb/app/school_health.hpp"
#include "zzjb/config/loader.hpp"
#include "zzjb/store/sqlite_store.hpp"
#include "zzjb/files/files.hpp"
#include "zzjb/messages/catalog.hpp"

namespace zzjb::cli {

namespace {

std::atomic<bool> gStop{false};
std::atomic<bool> gReload{false};
std::atomic<int> gWakeFd{-1};

extern "C" void onDaemonSignal(int sig) {
  const int saved = errno;
  if (sig == SIGHUP) {
    gReload.store(true);
  } else {
    gStop.store(true);
  }
  const int fd = gWakeFd.load();
  if (fd >= 0) {
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(fd, &byte, 1);
  }
  errno = saved;
}

const std::vector<OptionSpec>& daemonOptions() {
  static const std::vector<OptionSpec> kSpecs = {
      {"--config", "-c", true, "cli.opt.config"},
      {"--every", "", true, "daemon.opt.every"},
      {"--probe-every", "", true, "daemon.opt.probe_every"},
      {"--metrics-listen", "", true, "daemon.opt.metrics_listen"},
      {"--metrics-port-file", "", true, "daemon.opt.metrics_port_file"},
      {"--log-format", "", true, "daemon.opt.log_format"},
      {"--today", "", true, "daemon.opt.today"},
      {"--once-then-exit", "", false, "daemon.opt.once"},
      {"--help", "-h", false, "cli.opt.help"},
  };
  return kSpecs;
}

std::int64_t unixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The configuration and the daemon's own keys, both checked; or the findings that say why not.
struct Loaded {
  Config config;
  DaemonSettings settings;
  std::vector<Finding> warnings;
};

// The file is read once (bounded, regular only: docs/security.md) and both parts are parsed from
// those bytes, so a file swapped or growing in between cannot give two different answers.
std::expected<Loaded, std::vector<Finding>> loadEverything(const std::string& path,
                                                           std::optional<int> every,
                                                           std::optional<int> probeEvery) {
  auto bytes = files::readFile(path, {files::kMaxConfigBytes, msg::text("daemon.what.configuration")});
  if (!bytes) {
    Finding f = bytes.error();
    f.kind = FindingKind::Config;
    f.message = msg::text("daemon.config.unreadable", {{"reason", f.message}});
    return std::unexpected(std::vector<Finding>{f});
  }
  const std::filesystem::path file(path);
  auto loaded =
      config::parseConfig(*bytes, file.parent_path().empty() ? "." : file.parent_path(), path);
  std::vector<Finding> errors;
  std::vector<Finding> warnings;
  for (auto& f : loaded.findings) {
    // Errors in the data (a roster) are for each pass to report; a configuration error is not.
    if (f.severity == Severity::Error && f.kind == FindingKind::Config) {
      errors.push_back(f);
    } else if (f.severity != Severity::Info) {
      warnings.push_back(f);
    }
  }
  if (!loaded.config) {
    if (errors.empty()) {
      errors.push_back(configError("CONFIG_UNREADABLE", {{"file", path}}, "CONFIG_UNREADABLE.daemon"));
    }
    return std::unexpected(errors);
  }
  // The platform's CA bundle is read as a pass will read it, as `zzjb run` does before any
  // school (docs/security.md, "Configuration, catalog and certificates").
  if (auto bundle = checkCaBundle(*loaded.config)) errors.push_back(std::move(*bundle));
  auto settings = parseDaemonSettings(*bytes, path, every, probeEvery);
  if (!settings) errors.insert(errors.end(), settings.error().begin(), settings.error().end());
  if (!errors.empty()) return std::unexpected(errors);
  return Loaded{std::move(*loaded.config), std::move(*settings), std::move(warnings)};
}

std::vector<std::string> schoolIds(const Config& c) {
  std::vector<std::string> ids;
  for (const auto& s : c.schools) ids.push_back(s.id);
  return ids;
}

// Heartbeat for the watchdog: every engine event and request, and the main loop, touch it.
class Heartbeat {
 public:
  void touch() { last_.store(std::chrono::steady_clock::now().time_since_epoch().count()); }
  [[nodiscard]] std::chrono::steady_clock::duration age() const {
    return std::chrono::steady_clock::now().time_since_epoch() -
           std::chrono::steady_clock::duration(last_.load());
  }

 private:
  std::atomic<std::chrono::steady_clock::rep> last_{
      std::chrono::steady_clock::now().time_since_epoch().count()};
};

class HeartbeatObserver final : public PassObserver {
 public:
  explicit HeartbeatObserver(Heartbeat& h) : h_(h) {}
  void onEngineEvent(const EngineEvent&) override { h_.touch(); }
  void onRequest(const std::string&, const platform::RequestEvent&) override { h_.touch(); }
  void onSchoolDone(const SchoolOutcome&) override { h_.touch(); }
  void log(Severity, const std::string&, const std::string&) override { h_.touch(); }

 private:
  Heartbeat& h_;
};

// Pets systemd's watchdog at half of WATCHDOG_USEC from its own thread, as long as the main
// thread has shown a sign of life within `stallLimit` (a request can legitimately take up to the
// platform timeout, a pass between two events a few of them; a hung token driver cannot).
class WatchdogPinger {
 public:
  WatchdogPinger(SystemdNotifier& notifier, Heartbeat& heartbeat,
                 std::chrono::steady_clock::duration stallLimit, Logger& logger)
      : notifier_(notifier), heartbeat_(heartbeat), stallLimit_(stallLimit), logger_(logger) {
    auto interval = notifier_.watchdogInterval();
    if (!interval) return;
    thread_ = std::thread([this, every = *interval] { run(every); });
  }
  ~WatchdogPinger() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  WatchdogPinger(const WatchdogPinger&) = delete;
  WatchdogPinger& operator=(const WatchdogPinger&) = delete;

 private:
  void run(std::chrono::microseconds every) {
    bool warned = false;
    std::unique_lock lock(mu_);
    while (!done_) {
      if (heartbeat_.age() < stallLimit_) {
        notifier_.watchdog();
        warned = false;
      } else if (!warned) {
        logger_.error(msg::text("daemon.log.watchdog_stalled"));
        warned = true;
      }
      cv_.wait_for(lock, every, [this] { return done_; });
    }
  }

  SystemdNotifier& notifier_;
  Heartbeat& heartbeat_;
  std::chrono::steady_clock::duration stallLimit_;
  Logger& logger_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

// Installs the handlers and the self-pipe; restores the old handlers when it goes.
class SignalGuard {
 public:
  SignalGuard() {
    if (::pipe2(pipe_, O_CLOEXEC | O_NONBLOCK) != 0) return;
    gWakeFd.store(pipe_[1]);
    struct sigaction sa {};
    sa.sa_handler = onDaemonSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &sa, &oldTerm_);
    ::sigaction(SIGINT, &sa, &oldInt_);
    ::sigaction(SIGHUP, &sa, &oldHup_);
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    ::sigaction(SIGPIPE, &ign, &oldPipe_);
    ok_ = true;
  }
  ~SignalGuard() {
    if (!ok_) return;
    ::sigaction(SIGTERM, &oldTerm_, nullptr);
    ::sigaction(SIGINT, &oldInt_, nullptr);
    ::sigaction(SIGHUP, &oldHup_, nullptr);
    ::sigaction(SIGPIPE, &oldPipe_, nullptr);
    gWakeFd.store(-1);
    ::close(pipe_[0]);
    ::close(pipe_[1]);
  }
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

  [[nodiscard]] bool ok() const { return ok_; }

  // Sleeps until `until` (UTC seconds; nullopt: until a signal), a stop or a reload request.
  enum class Wake { Time, Stop, Reload };
  Wake sleepUntil(std::optional<std::int64_t> until, Heartbeat& heartbeat) {
    while (true) {
      heartbeat.touch();
      if (gStop.load()) return Wake::Stop;
      if (gReload.exchange(false)) return Wake::Reload;
      int timeoutMs = 60'000;  // at most a minute at a time: the wall clock may be set meanwhile
      if (until) {
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        const auto left = std::chrono::seconds(*until) - now;
        if (left <= std::chrono::nanoseconds(0)) return Wake::Time;
        timeoutMs = static_cast<int>(std::min<std::int64_t>(
            60'000, std::chrono::ceil<std::chrono::milliseconds>(left).count()));
      }
      pollfd p{pipe_[0], POLLIN, 0};
      if (::poll(&p, 1, timeoutMs) > 0) {
        char buf[64];
        while (::read(pipe_[0], buf, sizeof buf) > 0) {
        }
      }
    }
  }

 private:
  int pipe_[2] = {-1, -1};
  bool ok_ = false;
  struct sigaction oldTerm_ {}, oldInt_ {}, oldHup_ {}, oldPipe_ {};
};

// A new file renamed over FILE (docs/security.md, "Writing files"): a link or another user's
// file there is replaced, never written through. The port is not secret: 0644.
bool writePortFile(const std::string& file, int port, Logger& logger) {
  auto written = writeOutputFile(file, std::to_string(port) + "\n", 0644, msg::text("daemon.what.port_file"));
  if (written) return true;
  logger.finding(written.error());
  return false;
}

void logFindings(Logger& logger, const std::vector<Finding>& findings) {
  for (const auto& f : findings) logger.finding(f);
}

std::string passLine(const PassResult& r) {
  std::size_t failed = 0;
  for (const auto& s : r.schools) {
    if (s.kind == SchoolOutcomeKind::Failed || s.kind == SchoolOutcomeKind::Skipped) ++failed;
  }
  return msg::text("daemon.pass.schools", {{"schools", r.schools.size()}, {"failed", failed}});
}

}  // namespace

int cmdDaemon(const std::vector<std::string>& argv) {
  std::string error;
  auto args = parseArgs(argv, daemonOptions(), error);
  if (!args || args->has("--help")) {
    std::ostream& o = args ? std::cout : std::cerr;
    if (!args) o << "zzjb daemon: " << error << "\n";  // not-text: the command's name
    o << msg::text("daemon.usage") << "\n\n" << optionsHelp(daemonOptions());
    return args ? kExitOk : kExitUsage;
  }
  auto configPath = args->get("--config");
  if (!configPath) {
    std::cerr << "zzjb daemon: " << msg::text("daemon.usage.config_required") << "\n";  // not-text: the command's name
    return kExitUsage;
  }
  // --every and --probe-every: whole seconds, 1 s to a week.
  bool badSeconds = false;
  const auto secondsOption = [&](const char* option) -> std::optional<int> {
    auto e = args->get(option);
    if (!e) return std::nullopt;
    int v = 0;
    auto [end, ec] = std::from_chars(e->data(), e->data() + e->size(), v);
    if (ec != std::errc() || end != e->data() + e->size() || v < 1 || v > 7 * 86400) {
      std::cerr << "zzjb daemon: " << msg::text("daemon.usage.every", {{"value", *e}}) << "\n";  // not-text: the command's name
      badSeconds = true;
      return std::nullopt;
    }
    return v;
  };
  const std::optional<int> every = secondsOption("--every");
  const std::optional<int> probeEvery = secondsOption("--probe-every");
  if (badSeconds) return kExitUsage;
  std::optional<LogFormat> formatFlag;
  if (auto f = args->get("--log-format")) {
    formatFlag = parseLogFormat(*f);
    if (!formatFlag) {
      std::cerr << "zzjb daemon: " << msg::text("daemon.usage.log_format", {{"value", *f}}) << "\n";  // not-text: the command's name
      return kExitUsage;
    }
  }
  std::optional<ListenAddress> listenFlag;
  if (auto l = args->get("--metrics-listen")) {
    auto parsed = parseListenAddress(*l);
    if (!parsed) {
      std::cerr << "zzjb daemon: --metrics-listen: " << parsed.error() << "\n";  // not-text: the command and option
      return kExitUsage;
    }
    listenFlag = *parsed;
  }
  PassOptions passOptions;
  std::optional<Date> today;
  if (args->has("--today")) {
    today = todayFrom(args->get("--today"), error);
    if (!today) {
      std::cerr << "zzjb daemon: " << error << "\n";  // not-text: the command's name
      return kExitUsage;
    }
  }
  const bool once = args->has("--once-then-exit");

  Logger logger(formatFlag.value_or(LogFormat::Text), std::cerr);
  auto loaded = loadEverything(*configPath, every, probeEvery);
  if (!loaded) {
    logFindings(logger, loaded.error());
    logger.error(msg::text("daemon.log.not_starting", {{"file", *configPath}}));
    return kExitConfig;
  }
  std::unique_ptr<Loaded> current = std::make_unique<Loaded>(std::move(*loaded));
  if (!formatFlag && current->settings.logFormat) logger.setFormat(*current->settings.logFormat);
  logFindings(logger, current->warnings);

  gStop.store(false);
  gReload.store(false);
  SignalGuard signals;
  if (!signals.ok()) {
    logger.error(msg::text("daemon.log.signals"));
    return kExitSoftware;
  }

  Metrics metrics;
  metrics.setSchools(schoolIds(current->config));
  std::unique_ptr<HttpServer> server;
  std::optional<ListenAddress> listen = listenFlag;
  if (!listen && current->settings.metricsListen) {
    listen = parseListenAddress(*current->settings.metricsListen).value();  // checked on load
  }
  if (listen) {
    auto started = HttpServer::start(*listen, metricsHandler(metrics));
    if (!started) {
      logger.error("metrics: " + started.error());
      return kExitUnavailable;
    }
    server = std::move(*started);
    const std::string host = listen->host.find(':') != std::string::npos ? "[" + listen->host + "]"
                                                                         : listen->host;
    logger.info(msg::text("daemon.log.serving", {{"url", "http://" + host + ":" + std::to_string(server->port())}}));
    if (auto pf = args->get("--metrics-port-file");
        pf && !writePortFile(*pf, server->port(), logger)) {
      logger.error(msg::text("daemon.log.port_file", {{"file", *pf}}));
      return kExitCantCreate;
    }
  }

  SystemdNotifier notifier = SystemdNotifier::fromEnvironment();
  Heartbeat heartbeat;
  const auto stallLimit = std::max<std::chrono::steady_clock::duration>(
      std::chrono::minutes(5),
      std::chrono::seconds(4 * static_cast<std::int64_t>(current->config.platform.timeoutSeconds) + 60));
  WatchdogPinger pinger(notifier, heartbeat, stallLimit, logger);

  LogObserver logLines(logger, /*logRequests=*/false);
  HeartbeatObserver beat(heartbeat);
  TeeObserver observer({&logLines, &metrics, &beat});
  PassClock clock(today);

  std::mt19937_64 rng{std::random_device{}()};
  // The key probe (docs/operations.md, "The key probe"): at start, then on its own schedule,
  // never during a pass (the main thread runs both).
  std::optional<std::int64_t> lastProbe;
  std::optional<std::int64_t> probeDue;
  auto probeKeys = [&] {
    lastProbe = unixNow();
    notifier.status(msg::text("daemon.status.probing"));
    auto store = store::openSqliteStore(current->config.statePath);
    if (!store) {
      logger.finding(store.error());
    } else {
      const auto made = app::runKeyProbes(current->config, **store, clock.clock(), observer,
                                          app::openSchoolKey);
      std::vector<Metrics::Probe> probes;
      std::size_t ok = 0;
      for (const auto& p : made) {
        probes.push_back({p.school, p.ok, p.code(), static_cast<double>(unixNow())});
        ok += p.ok ? 1 : 0;
      }
      metrics.probesFinished(probes);
      probeDue = nextProbeTime(current->settings.probe, unixNow(), lastProbe);
      logger.info(msg::text("daemon.log.probes",
                            {{"ok", ok},
                             {"failed", made.size() - ok},
                             {"next", probeDue ? shanghaiIsoTime(*probeDue) : msg::text("daemon.probe.off")}}));
      heartbeat.touch();
      return;
    }
    probeDue = nextProbeTime(current->settings.probe, unixNow(), lastProbe);
  };
  std::optional<std::int64_t> lastPassStart;
  std::optional<std::int64_t> due;
  bool dueKnown = false;
  int exitCode = kExitOk;

  auto reload = [&] {
    notifier.reloading(msg::text("daemon.status.reloading", {{"file", *configPath}}));
    logger.info(msg::text("daemon.log.reloading", {{"file", *configPath}}));
    auto fresh = loadEverything(*configPath, every, probeEvery);
    if (!fresh) {
      logFindings(logger, fresh.error());
      logger.error(msg::text("daemon.log.reload_refused"),
                   {{"findings", std::to_string(fresh.error().size())}});
      metrics.configReloaded(false);
      notifier.ready(msg::text("daemon.status.reload_failed"));
      return;
    }
    logFindings(logger, fresh->warnings);
    if (fresh->settings.metricsListen != current->settings.metricsListen && !listenFlag) {
      logger.warning(msg::text("daemon.log.listen_changed"));
    }
    if (!formatFlag) logger.setFormat(fresh->settings.logFormat.value_or(LogFormat::Text));
    const bool scheduleChanged =
        fresh->settings.schedule.describe() != current->settings.schedule.describe();
    current = std::make_unique<Loaded>(std::move(*fresh));
    metrics.setSchools(schoolIds(current->config));
    metrics.configReloaded(true);
    if (scheduleChanged) dueKnown = false;
    probeDue = nextProbeTime(current->settings.probe, unixNow(), lastProbe);
    logger.info(msg::text("daemon.log.reloaded"),
                {{"schools", std::to_string(current->config.schools.size())},
                 {"schedule", current->settings.schedule.describe()}});
    notifier.ready(msg::text("daemon.status.reloaded"));
  };

  logger.info(msg::text("daemon.log.started"), {{"config", *configPath},
                                 {"schools", std::to_string(current->config.schools.size())},
                                 {"schedule", current->settings.schedule.describe()}});
  notifier.ready(msg::text("daemon.status.started"));
  probeDue = nextProbeTime(current->settings.probe, unixNow(), lastProbe);
  if (once) probeDue.reset();  // --once-then-exit: one pass, nothing else
  while (!gStop.load()) {
    if (!dueKnown) {
      due = once ? std::optional<std::int64_t>(unixNow())
                 : nextPassTime(current->settings.schedule, unixNow(), lastPassStart, rng);
      dueKnown = true;
      metrics.setNextPass(due);
      if (due) {
        logger.info(msg::text("daemon.log.next_pass", {{"time", shanghaiIsoTime(*due)}}));
        notifier.status(msg::text("daemon.status.waiting", {{"time", shanghaiIsoTime(*due)}}));
      } else {
        logger.error(msg::text("daemon.log.never"));
        notifier.status(msg::text("daemon.status.never"));
      }
    }
    // A probe due before the next pass is made first; the pass waits for it.
    const bool probeFirst = probeDue && (!due || *probeDue < *due);
    const auto wake = signals.sleepUntil(probeFirst ? probeDue : due, heartbeat);
    if (wake == SignalGuard::Wake::Stop) break;
    if (wake == SignalGuard::Wake::Reload) {
      reload();
      continue;
    }
    if (probeFirst) {
      probeKeys();
      continue;
    }

    lastPassStart = unixNow();
    dueKnown = false;
    notifier.status(msg::text("daemon.status.running", {{"time", shanghaiIsoTime(*lastPassStart)}}));
    logger.info(msg::text("daemon.log.pass_started"), {{"schools", std::to_string(current->config.schools.size())}});
    metrics.passStarted();
    const auto t0 = std::chrono::steady_clock::now();
    // A new environment per pass: ZZJB_TEST_KILL_AT's "#n" counts within one pass.
    PassEnvironment environment = PassEnvironment::standard(clock.clock(), observer);
    environment.stopRequested = [] { return gStop.load(); };
    environment.checkpoint = testKillHook();
    PassResult result = PassRunner(std::move(environment)).run(current->config, passOptions);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    metrics.passFinished(result);
    heartbeat.touch();
    for (const auto& f : result.findings) {
      if (f.severity == Severity::Error && f.school.empty()) logger.finding(f);
    }
    logReminders(logger, result);
    std::ostringstream secs;
    secs.precision(1);
    secs << std::fixed << seconds;
    const std::string outcome = passOutcomeLabel(result.exitCode, result.stopped);
    logger.log(result.exitCode == 0 || result.stopped ? Severity::Info : Severity::Warning, {}, {},
               msg::text("daemon.log.pass_finished", {{"outcome", outcome}, {"schools", passLine(result)}}),
               {{"outcome", outcome},
                {"exitCode", std::to_string(result.exitCode)},
                {"seconds", secs.str()}});
    notifier.status(msg::text("daemon.status.last_pass", {{"outcome", outcome}, {"time", shanghaiIsoTime(unixNow())}}));
    if (once) {
      exitCode = result.stopped ? kExitOk : result.exitCode;
      break;
    }
  }
  notifier.stopping(msg::text("daemon.status.stopping"));
  logger.info(msg::text(gStop.load() ? "daemon.log.stopped_by_signal" : "daemon.log.stopped"));
  if (server) server->stop();
  return exitCode;
}

}  // namespace zzjb::cli
