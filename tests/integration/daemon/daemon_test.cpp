// Issue 7's must-shows 1 and 2: the real `zzjb daemon`, started as a child process this test
// controls, against the real `zzjb-mock` over TLS on port 0, with the rehearsal world of
// tests/integration/run. It passes on a short schedule (--every), reloads on SIGHUP (and keeps
// running on a broken configuration), exits 0 soon after SIGTERM with nothing lost, serves
// /metrics and /healthz whose figures follow what it did, and speaks sd_notify.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "language_check.hpp"
#include "mock_process.hpp"
#include "run_fixture.hpp"
#include "test_support.hpp"

extern char** environ;

namespace {

using json = nlohmann::json;
using zzjb::test::MockProcess;
using zzjb::test::RunResult;
using zzjb::test::RunWorld;
using zzjb::test::shellQuote;
using zzjb::test::TempDir;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kQualification = "|6-31-01-03|";  // 职业资格鉴定: granted by the centre

int currentGraduationYear() {
  std::time_t now = std::time(nullptr) + 8 * 3600;  // Asia/Shanghai
  std::tm tm{};
  gmtime_r(&now, &tm);
  const int year = tm.tm_year + 1900;
  return tm.tm_mon + 1 >= 9 ? year + 1 : year;  // the academic year ends on 31 August
}

// Polls `done` every 50 ms until it holds or `limit` passes.
bool waitFor(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

// `zzjb daemon …` as a child process: stdout and stderr go to files in `dir`, the environment is
// this process's plus `env`. Killed (SIGKILL) when it goes out of scope still running.
class DaemonProcess {
 public:
  DaemonProcess(const fs::path& dir, const std::vector<std::string>& args,
                const std::vector<std::string>& env)
      : dir_(dir) {
    fs::create_directories(dir_);
    std::vector<std::string> argStore = {ZZJB_BIN, "daemon"};
    argStore.insert(argStore.end(), args.begin(), args.end());
    // The log lines are read in English (ZZJB_LANG=en): they quote the words of several parts of
    // zzjb (the schedule, the platform's TLS checks). A test may ask for another language in `env`.
    std::vector<std::string> envStore;
    const bool langGiven = std::any_of(env.begin(), env.end(),
                                       [](const std::string& e) { return e.starts_with("ZZJB_LANG="); });
    if (!langGiven) envStore.emplace_back("ZZJB_LANG=en");
    for (char** e = environ; *e != nullptr; ++e) {
      if (!std::string_view(*e).starts_with("ZZJB_LANG=")) envStore.emplace_back(*e);
    }
    envStore.insert(envStore.end(), env.begin(), env.end());
    // Everything the child needs is built before fork: it only calls async-signal-safe functions.
    std::vector<char*> argv;
    for (auto& a : argStore) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : envStore) envp.push_back(e.data());
    envp.push_back(nullptr);
    const std::string out = (dir_ / "stdout").string();
    const std::string err = (dir_ / "stderr").string();
    pid_ = fork();
    if (pid_ == 0) {
      const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int in = ::open("/dev/null", O_RDONLY);
      if (o < 0 || e < 0 || in < 0) _exit(126);
      ::dup2(in, 0);
      ::dup2(o, 1);
      ::dup2(e, 2);
      ::execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
  }
  ~DaemonProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // Still running (reaps it when it is not).
  bool alive() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      status_ = status;
      return false;
    }
    return true;
  }
  void signal(int sig) const {
    if (pid_ > 0) ::kill(pid_, sig);
  }

  struct Exit {
    bool exited = false;  // on its own, within the limit
    int code = -1;        // the exit code, or 128 + the signal
    std::chrono::milliseconds took{0};
  };
  // Sends `sig` and waits up to `limit` for the process to end (SIGKILL after that).
  Exit stop(int sig = SIGTERM, std::chrono::milliseconds limit = 15s) {
    Exit r;
    const auto t0 = Clock::now();
    if (alive()) signal(sig);
    while (alive() && Clock::now() - t0 < limit) std::this_thread::sleep_for(5ms);
    r.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status_, 0);
      pid_ = -1;
      return r;
    }
    r.exited = true;
    r.code = WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
    return r;
  }

  // The port of --metrics-port-file DIR/metrics-port; 0 when it did not appear within 10 s.
  int metricsPort() {
    const fs::path file = dir_ / "metrics-port";
    if (!waitFor([&] { return fs::exists(file) || !alive(); }, 10s) || !fs::exists(file)) return 0;
    return std::stoi(zzjb::test::readFile(file));
  }
  [[nodiscard]] std::string log() const { return zzjb::test::readFile(dir_ / "stderr"); }
  [[nodiscard]] fs::path portFile() const { return dir_ / "metrics-port"; }

 private:
  fs::path dir_;
  pid_t pid_ = -1;
  int status_ = 0;
};

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// GET http://127.0.0.1:PORT/PATH with curl (the daemon's metrics server is plain HTTP).
HttpAnswer httpGet(int port, const std::string& path) {
  auto r = zzjb::test::run("curl -sS --max-time 5 -w '\\n%{http_code}' " +
                           shellQuote("http://127.0.0.1:" + std::to_string(port) + path));
  HttpAnswer a;
  if (r.exitCode != 0) return a;
  const auto nl = r.out.rfind('\n');
  if (nl == std::string::npos) return a;
  a.status = std::atoi(r.out.c_str() + nl + 1);
  a.body = r.out.substr(0, nl);
  return a;
}

// Prometheus text: "name{labels}" → value, for every sample line.
std::map<std::string, double> samples(const std::string& text) {
  std::map<std::string, double> out;
  for (const auto& line : zzjb::test::lines(text)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

// The sum of every sample of the family `name` (0 when there is none).
double total(const std::map<std::string, double>& s, const std::string& name) {
  double sum = 0;
  for (const auto& [series, v] : s) {
    if (series == name || series.starts_with(name + "{")) sum += v;
  }
  return sum;
}

std::optional<double> value(const std::map<std::string, double>& s, const std::string& series) {
  const auto it = s.find(series);
  if (it == s.end()) return std::nullopt;
  return it->second;
}

// zzjb_requests_total{endpoint="ENDPOINT",outcome="OUTCOME"} (0 when there is none).
double requests(const std::map<std::string, double>& s, const std::string& endpoint,
                const std::string& outcome) {
  const std::string series =
      "zzjb_requests_total{endpoint=\"" + endpoint + "\",outcome=\"" + outcome + "\"}";
  return value(s, series).value_or(0);
}

class DaemonTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    keys_ = new TempDir();
    auto made = zzjb::test::run(
        "bash " + shellQuote(std::string(ZZJB_SOURCE_DIR) + "/scripts/make-example-keys.sh") + " " +
        shellQuote((keys_->path() / "keys").string()));
    ASSERT_EQ(made.exitCode, 0) << made.err;
  }
  static void TearDownTestSuite() {
    delete keys_;
    keys_ = nullptr;
  }

  void SetUp() override {
    const fs::path keys = keys_->path() / "keys";
    mock_.emplace(tmp_.path() / "mock",
                  std::vector<std::string>{
                      "--trust-ca", (keys / "ca.pem").string(), "--trust-ca",
                      (keys / "ca-sm2.pem").string(), "--catalog",
                      std::string(ZZJB_SOURCE_DIR) + "/config/catalog.example.json", "--seed", "7"},
                  ZZJB_MOCK_BIN);
    ASSERT_TRUE(mock_->running()) << zzjb::test::readFile(tmp_.path() / "mock" / "stderr");
    admin("POST", "/__admin/review-policy", R"({"mode": "auto-approve", "afterPolls": 1})");
    admin("POST", "/__admin/batch-policy", R"({"doneAfterPolls": 1})");
  }

  void TearDown() override {
    daemon_.reset();
    if (mock_) {
      EXPECT_EQ(mock_->stop(), 0);
    }
  }

  RunWorld makeWorld(std::size_t perMajor) {
    zzjb::test::RunWorldOptions o;
    o.studentsPerMajor = perMajor;
    o.maxBatchRows = 20;  // several batches; fast polls and both schools at once by default
    o.graduationYear = currentGraduationYear();
    o.baseUrl = mock_->base();
    o.caBundle = mock_->caFile();
    o.keysDir = keys_->path() / "keys";
    o.catalog = fs::path(ZZJB_SOURCE_DIR) / "config" / "catalog.example.json";
    return zzjb::test::makeRunWorld(tmp_.path() / "world", o);
  }

  // Starts `zzjb daemon -c CONFIG ARGS` (fast polls and small batches are in the world's
  // config) and, unless `metrics` is false, /metrics on a free loopback port.
  DaemonProcess& startDaemon(const RunWorld& w, std::vector<std::string> args,
                             std::vector<std::string> env = {}, bool metrics = true) {
    std::vector<std::string> all = {"-c", w.config.string()};
    all.insert(all.end(), args.begin(), args.end());
    if (metrics) {
      all.insert(all.end(), {"--metrics-listen", "127.0.0.1:0", "--metrics-port-file",
                             (tmp_.path() / "daemon" / "metrics-port").string()});
    }
    daemon_.emplace(tmp_.path() / "daemon", all, env);
    if (metrics) {
      port_ = daemon_->metricsPort();
      EXPECT_GT(port_, 0) << daemon_->log();
    }
    return *daemon_;
  }

  std::map<std::string, double> metrics() {
    HttpAnswer a = httpGet(port_, "/metrics");
    EXPECT_EQ(a.status, 200) << a.body;
    return samples(a.body);
  }
  json healthz(int* status = nullptr) {
    HttpAnswer a = httpGet(port_, "/healthz");
    if (status != nullptr) *status = a.status;
    EXPECT_TRUE(a.status == 200 || a.status == 503) << a.status << " " << a.body;
    try {
      return json::parse(a.body);
    } catch (const std::exception&) {
      ADD_FAILURE() << "/healthz answered: " << a.body;
      return json();
    }
  }
  double passes() { return total(metrics(), "zzjb_passes_total"); }
  // Waits until at least `n` passes have finished.
  bool waitForPasses(double n, std::chrono::milliseconds limit = 30s) {
    return waitFor([&] { return passes() >= n; }, limit);
  }

  json admin(const std::string& method, const std::string& path, const std::string& body = "") {
    std::string cmd = "curl -sS --max-time 30 --cacert " + shellQuote(mock_->caFile().string()) +
                      " -X " + method + " ";
    if (!body.empty())
      cmd += "-H 'Content-Type: application/json' --data-binary " + shellQuote(body) + " ";
    auto r = zzjb::test::run(cmd + shellQuote(mock_->base() + path));
    EXPECT_EQ(r.exitCode, 0) << r.err;
    try {
      return json::parse(r.out);
    } catch (const std::exception&) {
      ADD_FAILURE() << "admin " << path << " answered: " << r.out;
      return json();
    }
  }

  RunResult zzjb(const std::string& args) {
    return zzjb::test::run("ZZJB_LANG=en " + shellQuote(ZZJB_BIN) + " " + args);
  }

  void grantQualification() {
    json r = admin("POST", "/__admin/permissions",
                   R"({"creditCode": "12310104MB2F000081", "matter": "职业资格鉴定", "node": null,
                       "occupationCode": "6-31-01-03", "occupationName": "电工", "level": 4,
                       "evaluationOrg": null})");
    EXPECT_EQ(r.value("status", ""), "ok") << r.dump();
  }

  // "creditCode|idNumber|occupationCode|level" of every declaration the mock holds → how often.
  std::map<std::string, int> declarations() {
    json state = admin("GET", "/__admin/state");
    std::map<std::string, int> out;
    for (const auto& d : state["declarations"]) {
      ++out[d["creditCode"].get<std::string>() + "|" + d["idNumber"].get<std::string>() + "|" +
            d["occupationCode"].get<std::string>() + "|" + std::to_string(d["level"].get<int>())];
    }
    return out;
  }
  static std::set<std::string> keysOf(const std::map<std::string, int>& m) {
    std::set<std::string> s;
    for (const auto& [k, n] : m) s.insert(k);
    return s;
  }
  static std::set<std::string> withoutQualification(const std::set<std::string>& all) {
    std::set<std::string> out;
    for (const auto& k : all) {
      if (k.find(kQualification) == std::string::npos) out.insert(k);
    }
    return out;
  }
  // Rows the platform rejected as DUPLICATE: a student sent twice.
  std::size_t duplicateRows() {
    json state = admin("GET", "/__admin/state");
    std::size_t n = 0;
    for (const auto& b : state["batches"]) {
      for (const auto& r : b["rows"]) {
        if (r.value("reason", json()).is_string() && r["reason"] == "DUPLICATE") ++n;
      }
    }
    return n;
  }
  std::size_t journalCount(const std::string& method, const std::string& pathPart) {
    json j = admin("GET", "/__admin/journal?since=0");
    std::size_t n = 0;
    for (const auto& i : j["items"]) {
      n +=
          i["method"] == method && i["path"].get<std::string>().find(pathPart) != std::string::npos;
    }
    return n;
  }

  // Each expected declaration held once, no row refused as a duplicate, nothing half-done.
  void expectExactlyOnce(const RunWorld& w) {
    auto held = declarations();
    EXPECT_EQ(keysOf(held), w.expectedDeclarations());
    for (const auto& [k, n] : held) EXPECT_EQ(n, 1) << k;
    EXPECT_EQ(duplicateRows(), 0u);
  }

  static TempDir* keys_;
  TempDir tmp_;
  std::optional<MockProcess> mock_;
  std::optional<DaemonProcess> daemon_;
  int port_ = 0;
};

TempDir* DaemonTest::keys_ = nullptr;

// Must-show 1: on its schedule the daemon passes again and again; each pass picks up what changed
// on the platform (the 职业资格鉴定 permission granted while it runs), so that it converges to
// exactly the eligible students, each declared once, without a restart.
TEST_F(DaemonTest, PassesOnItsScheduleAndConvergesToTheEligibleStudentsEachDeclaredOnce) {
  RunWorld w = makeWorld(30);
  const auto expected = w.expectedDeclarations();
  const auto beforeGrant = withoutQualification(expected);
  ASSERT_LT(beforeGrant.size(), expected.size());
  DaemonProcess& d = startDaemon(w, {"--every", "2"});
  ASSERT_GT(port_, 0);

  ASSERT_TRUE(waitForPasses(1)) << d.log();
  EXPECT_EQ(keysOf(declarations()), beforeGrant)
      << "the first pass declares everyone but the students of the permission not granted yet";
  grantQualification();
  const double granted = passes();
  // A pass that starts after the grant declares the 电工 students too.
  ASSERT_TRUE(waitFor([&] { return keysOf(declarations()) == expected; }, 20s)) << d.log();
  ASSERT_TRUE(waitForPasses(granted + 2)) << "the daemon stopped passing";
  EXPECT_TRUE(d.alive());
  expectExactlyOnce(w);

  auto m = metrics();
  EXPECT_GE(total(m, "zzjb_passes_total"), 3);
  // Roster rows with errors make every pass a data error (exit 65), not a failure.
  EXPECT_EQ(total(m, "zzjb_passes_total"), value(m, R"(zzjb_passes_total{outcome="data_error"})"));
  EXPECT_EQ(total(m, "zzjb_declaration_rows_sent_total"), static_cast<double>(expected.size()))
      << "a row was sent twice (or not at all)";
  EXPECT_EQ(total(m, R"(zzjb_declarations{school="xuhui-zz",result="accepted"})") +
                total(m, R"(zzjb_declarations{school="pudong-gz",result="accepted"})"),
            static_cast<double>(expected.size()));
  EXPECT_GT(total(m, "zzjb_requests_total"), 0);
  // IDs in paths are one label (docs/operations.md: ":id"), not one series per batch.
  EXPECT_GE(requests(m, "GET /api/v1/skills/group-declarations/:id", "2xx"), 1);
  for (const auto& [series, v] : m) EXPECT_FALSE(zzjb::test::contains(series, "/{id}")) << series;
  EXPECT_EQ(value(m, "zzjb_platform_reachable"), 1);

  auto stopped = d.stop();
  EXPECT_TRUE(stopped.exited);
  EXPECT_EQ(stopped.code, 0) << d.log();
  EXPECT_LT(stopped.took.count(), 10000);
  expectExactlyOnce(w);
}

// Issue 11 must-show 4 (item 7): clients that trickle a byte every 1.5 s do not hold the metrics
// server. Before, it served one connection at a time with a 2 s timeout per read, so each byte
// renewed the wait and /healthz went unanswered for as long as a client kept trickling. Now
// /healthz answers within 2 s every time it is asked, and the tricklers are told 408 and closed
// at the 5 s whole-request deadline (docs/operations.md, "The metrics server").
TEST_F(DaemonTest, HealthzAnswersWithinTwoSecondsWhileClientsTrickleBytes) {
  RunWorld w = makeWorld(2);
  DaemonProcess& d = startDaemon(w, {"--every", "3600"});
  ASSERT_GT(port_, 0) << d.log();

  constexpr int kTricklers = 6;
  std::vector<int> fds;
  for (int i = 0; i < kTricklers; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    timeval tv{15, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    fds.push_back(fd);
  }
  // One byte of a real request to every trickler, then one more every 1.5 s.
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    for (std::size_t i = 0; i < request.size() && !stop; ++i) {
      for (int fd : fds) {
        // Once the server has answered (408), sending more would only reset the connection.
        pollfd answered{fd, POLLIN, 0};
        if (::poll(&answered, 1, 0) == 0) ::send(fd, &request[i], 1, MSG_NOSIGNAL);
      }
      for (int slice = 0; slice < 15 && !stop; ++slice) std::this_thread::sleep_for(100ms);
    }
  });
  std::this_thread::sleep_for(200ms);  // every trickler has sent its first byte
  for (int round = 0; round < 4; ++round) {
    const auto t0 = Clock::now();
    HttpAnswer h = httpGet(port_, "/healthz");
    const auto took = Clock::now() - t0;
    EXPECT_TRUE(h.status == 200 || h.status == 503) << "round " << round << ": " << h.status;
    EXPECT_LT(took, 2s) << "round " << round;
    std::this_thread::sleep_for(1500ms);
  }
  // By now (about 6.5 s) every trickler has passed the deadline: answered 408 and closed.
  for (int fd : fds) {
    std::string got;
    char buf[1024];
    ssize_t n = 0;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) got.append(buf, static_cast<std::size_t>(n));
    EXPECT_TRUE(got.starts_with("HTTP/1.1 408 ")) << got;
  }
  stop = true;
  trickle.join();
  for (int fd : fds) ::close(fd);
  EXPECT_TRUE(d.alive()) << d.log();
}

// platform.pinnedPublicKey end to end (issue 11 item 8): a malformed pin is a configuration error
// for `check` and for the daemon (78, at its JSON path); a well-formed pin of another key makes
// the pass fail as a TLS problem (78, naming the pin); the platform's own key passes as without.
TEST_F(DaemonTest, PinnedPublicKeyIsCheckedByTheConfigAndByEveryConnection) {
  RunWorld w = makeWorld(2);
  const auto pinOf = [](const fs::path& pem) {
    const auto r = zzjb::test::run("(openssl x509 -in " + shellQuote(pem.string()) +
                                   " -pubkey -noout | openssl pkey -pubin -outform der | "
                                   "openssl dgst -sha256 -binary | openssl base64 -A)");
    EXPECT_EQ(r.exitCode, 0) << r.err;
    return "sha256//" + r.out;
  };
  const json original = json::parse(zzjb::test::readFile(w.config));
  const auto withPin = [&](const std::string& pin) {
    json c = original;
    c["platform"]["pinnedPublicKey"] = pin;
    zzjb::test::writeFile(w.config, c.dump(2));
  };
  const std::string cfg = shellQuote(w.config.string());
  const RunResult baseline = zzjb("run -c " + cfg);
  ASSERT_NE(baseline.exitCode, 78) << baseline.err;

  withPin("sha256//not-a-pin");
  RunResult r = zzjb("check -c " + cfg);
  EXPECT_EQ(r.exitCode, 78) << r.out;
  EXPECT_TRUE(zzjb::test::contains(r.out, "$.platform.pinnedPublicKey")) << r.out;
  EXPECT_TRUE(zzjb::test::contains(r.out, "[CONFIG_PINNED_KEY]")) << r.out;
  DaemonProcess& d = startDaemon(w, {"--every", "3600"}, {}, /*metrics=*/false);
  EXPECT_TRUE(waitFor([&] { return !d.alive(); }, 10s)) << "the daemon did not exit by itself";
  const auto stopped = d.stop(SIGTERM, 1s);
  EXPECT_EQ(stopped.code, 78) << d.log();
  EXPECT_TRUE(zzjb::test::contains(d.log(), "CONFIG_PINNED_KEY") ||
              zzjb::test::contains(d.log(), "pinnedPublicKey"))
      << d.log();

  withPin(pinOf(keys_->path() / "keys" / "ca.pem"));  // a real key, not the platform's
  r = zzjb("run -c " + cfg);
  EXPECT_EQ(r.exitCode, 78) << r.err;
  // zzjb() runs in English (ZZJB_LANG=en, as the daemon's log is read here).
  EXPECT_TRUE(zzjb::test::contains(r.err, "does not match platform.pinnedPublicKey (")) << r.err;
  EXPECT_TRUE(zzjb::test::contains(r.err, "put the new pin in platform.pinnedPublicKey")) << r.err;
  EXPECT_FALSE(zzjb::test::contains(r.err, "platform.caBundle")) << r.err;

  withPin(pinOf(mock_->caFile()));
  r = zzjb("run -c " + cfg);
  EXPECT_EQ(r.exitCode, baseline.exitCode) << r.err;
  EXPECT_FALSE(zzjb::test::contains(r.err, "pinnedPublicKey")) << r.err;
}

// Issue 11 item 9: a caBundle in which no certificate can be read stops the daemon at start with
// 78 and the finding, as `zzjb run` stops before any school — not a TLS failure every pass.
TEST_F(DaemonTest, ACaBundleWithoutACertificateStopsTheDaemonAtStartWithSeventyEight) {
  RunWorld w = makeWorld(2);
  json c = json::parse(zzjb::test::readFile(w.config));
  const fs::path empty = w.config.parent_path() / "no-certificate.pem";
  zzjb::test::writeFile(empty, "no certificate here\n");
  c["platform"]["caBundle"] = empty.string();
  zzjb::test::writeFile(w.config, c.dump(2));
  DaemonProcess& d = startDaemon(w, {"--every", "3600"}, {}, /*metrics=*/false);
  EXPECT_TRUE(waitFor([&] { return !d.alive(); }, 10s)) << "the daemon did not exit by itself";
  const auto stopped = d.stop(SIGTERM, 1s);
  EXPECT_EQ(stopped.code, 78) << d.log();
  EXPECT_TRUE(zzjb::test::contains(d.log(), "CA_BUNDLE_UNREADABLE") ||
              zzjb::test::contains(d.log(), "中没有 PEM 证书"))
      << d.log();
}

// Must-show 1 (SIGHUP) and 2: a broken configuration on SIGHUP — not JSON, then a cron schedule
// out of range — is logged and counted, /healthz says degraded, and the daemon keeps running and
// passing with the configuration it had; a good one then takes effect (a school removed).
TEST_F(DaemonTest, ABrokenConfigOnSighupIsLoggedAndCountedAndTheOldOneKeepsPassingUntilAGoodOne) {
  RunWorld w = makeWorld(10);
  const std::string good = zzjb::test::readFile(w.config);
  DaemonProcess& d = startDaemon(w, {"--every", "1"});
  ASSERT_GT(port_, 0);
  ASSERT_TRUE(waitForPasses(1)) << d.log();
  const auto failedReloads = [&] {
    return value(metrics(), R"(zzjb_config_reloads_total{result="failed"})").value_or(0);
  };
  EXPECT_EQ(failedReloads(), 0);

  // 1. Not JSON at all.
  zzjb::test::writeFile(w.config, "{ not json\n");
  d.signal(SIGHUP);
  ASSERT_TRUE(waitFor([&] { return failedReloads() >= 1; }, 10s)) << d.log();
  EXPECT_TRUE(d.alive());
  int status = 0;
  json h = healthz(&status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(h["status"], "degraded") << h.dump();
  EXPECT_EQ(h["config"]["lastReloadFailed"], true) << h.dump();
  EXPECT_EQ(h["config"]["reloads"], 1) << h.dump();
  EXPECT_EQ(h["schools"].size(), 2u) << h.dump();
  std::string log = d.log();
  EXPECT_TRUE(zzjb::test::contains(log, "cannot be used: keeping the one loaded before")) << log;
  EXPECT_TRUE(zzjb::test::contains(log, " error ")) << log;

  // It keeps passing with the old configuration (both schools, not a configuration error).
  const auto schoolPasses = [&](const std::string& id) {
    const auto m = metrics();
    double n = 0;
    for (const char* o : {"up_to_date", "progressed", "waiting", "failed", "skipped"}) {
      n += value(m, "zzjb_school_passes_total{school=\"" + id + "\",outcome=\"" + o + "\"}")
               .value_or(0);
    }
    return n;
  };
  const double pudongBefore = schoolPasses("pudong-gz");
  const double passesBefore = passes();
  ASSERT_TRUE(waitForPasses(passesBefore + 2)) << d.log();
  EXPECT_GT(schoolPasses("pudong-gz"), pudongBefore);
  EXPECT_EQ(value(metrics(), R"(zzjb_passes_total{outcome="config_error"})"), std::nullopt);

  // 2. JSON, but an hour out of range in the schedule (checked even under --every).
  json broken = json::parse(good);
  broken["schedule"] = {{"cron", json::array({"30 8 * * 1-6", "0 25 * * *"})}};
  zzjb::test::writeFile(w.config, broken.dump(2));
  d.signal(SIGHUP);
  ASSERT_TRUE(waitFor([&] { return failedReloads() >= 2; }, 10s)) << d.log();
  EXPECT_TRUE(d.alive());
  log = d.log();
  EXPECT_TRUE(zzjb::test::contains(log, "$.schedule.cron[1]")) << log;
  EXPECT_TRUE(zzjb::test::contains(log, "hour 25 is out of range")) << log;  // CRON_SYNTAX (the log is read in English)
  EXPECT_EQ(healthz()["status"], "degraded");

  // 3. A good configuration without the 高职: reloaded, and the passes leave pudong-gz alone.
  json fewer = json::parse(good);
  json schools = json::array();
  for (const auto& s : fewer["schools"]) {
    if (s["id"] != "pudong-gz") schools.push_back(s);
  }
  fewer["schools"] = schools;
  zzjb::test::writeFile(w.config, fewer.dump(2));
  d.signal(SIGHUP);
  ASSERT_TRUE(waitFor(
      [&] { return value(metrics(), R"(zzjb_config_reloads_total{result="ok"})") == 1; }, 10s))
      << d.log();
  h = healthz();
  ASSERT_EQ(h["schools"].size(), 1u) << h.dump();
  EXPECT_EQ(h["schools"][0]["id"], "xuhui-zz");
  EXPECT_EQ(h["config"]["lastReloadFailed"], false);
  EXPECT_EQ(h["config"]["reloads"], 3);
  EXPECT_TRUE(zzjb::test::contains(d.log(), "configuration reloaded schools=1")) << d.log();
  const double pudongAfter = schoolPasses("pudong-gz");
  const double xuhuiAfter = schoolPasses("xuhui-zz");
  ASSERT_TRUE(waitForPasses(passes() + 2)) << d.log();
  EXPECT_EQ(schoolPasses("pudong-gz"), pudongAfter) << "a removed school was passed";
  EXPECT_GT(schoolPasses("xuhui-zz"), xuhuiAfter);
  // A removed school's gauges go with it: no stale "last success" to alert on.
  const auto m = metrics();
  for (const auto& [series, v] : m) {
    if (series.starts_with("zzjb_last_success_timestamp_seconds") ||
        series.starts_with("zzjb_key_usable") || series.starts_with("zzjb_declarations{")) {
      EXPECT_EQ(series.find("pudong-gz"), std::string::npos) << series;
    }
  }

  auto stopped = d.stop();
  EXPECT_EQ(stopped.code, 0) << d.log();
}

// Issue 11 items 3, 4 and 12 (1e999): hostile configurations on SIGHUP — nested 100000 deep in
// schedule and in a target's options, a number beyond a double, a file over the 4 MiB limit, a
// pipe and a link to /dev/zero in its place — are each refused with their finding; the daemon
// neither dies nor hangs, keeps the configuration it had, and takes a good one afterwards.
TEST_F(DaemonTest, HostileConfigurationsOnSighupAreRefusedAndTheOldOneKeepsRunning) {
  RunWorld w = makeWorld(10);
  const std::string good = zzjb::test::readFile(w.config);
  DaemonProcess& d = startDaemon(w, {"--every", "1"});
  ASSERT_GT(port_, 0);
  ASSERT_TRUE(waitForPasses(1)) << d.log();
  const auto failedReloads = [&] {
    return value(metrics(), R"(zzjb_config_reloads_total{result="failed"})").value_or(0);
  };
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const auto withRaw = [&](const std::function<void(json&)>& put, const std::string& raw) {
    json cfg = json::parse(good);
    put(cfg);
    std::string text = cfg.dump(2);
    return text.replace(text.find("\"@RAW@\""), 7, raw);
  };
  struct Case {
    std::string name;
    std::function<void()> plant;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"deep schedule",
       [&] {
         zzjb::test::writeFile(w.config, withRaw([](json& c) { c["schedule"] = "@RAW@"; }, deep));
       },
       "JSON_TOO_DEEP"},
      {"deep options",
       [&] {
         zzjb::test::writeFile(
             w.config,
             withRaw(
                 [](json& c) {
                   c["schools"][0]["majors"][0]["targets"][0]["options"] = {{"x", "@RAW@"}};
                 },
                 deep));
       },
       "JSON_TOO_DEEP"},
      {"1e999",
       [&] {
         zzjb::test::writeFile(
             w.config,
             withRaw(
                 [](json& c) {
                   c["schools"][0]["majors"][0]["targets"][0]["options"] = {{"x", "@RAW@"}};
                 },
                 "1e999"));
       },
       "JSON_NUMBER_RANGE"},
      {"huge", [&] { zzjb::test::writeFile(w.config, good + std::string((4u << 20) + 1, ' ')); },
       "FILE_TOO_LARGE"},
      {"pipe",
       [&] {
         fs::remove(w.config);
         ASSERT_EQ(::mkfifo(w.config.c_str(), 0600), 0);
       },
       "FILE_NOT_REGULAR"},
      {"link to /dev/zero",
       [&] {
         fs::remove(w.config);
         fs::create_symlink("/dev/zero", w.config);
       },
       "FILE_IS_LINK"},
  };
  double failed = 0;
  for (const auto& c : cases) {
    c.plant();
    d.signal(SIGHUP);
    ++failed;
    ASSERT_TRUE(waitFor([&] { return failedReloads() >= failed; }, 10s)) << c.name << d.log();
    EXPECT_TRUE(d.alive()) << c.name;
    int status = 0;
    json h = healthz(&status);
    EXPECT_EQ(status, 200) << c.name;
    EXPECT_EQ(h["status"], "degraded") << c.name << h.dump();
    EXPECT_EQ(h["config"]["lastReloadFailed"], true) << c.name << h.dump();
    EXPECT_EQ(h["config"]["reloads"], failed) << c.name << h.dump();
    EXPECT_EQ(h["schools"].size(), 2u) << c.name << " the old configuration is kept: " << h.dump();
    EXPECT_TRUE(zzjb::test::contains(d.log(), c.code)) << c.name << d.log();
    fs::remove(w.config);
  }
  // Still passing with the old configuration, then a good one is taken.
  ASSERT_TRUE(waitForPasses(passes() + 1)) << d.log();
  zzjb::test::writeFile(w.config, good);
  d.signal(SIGHUP);
  ASSERT_TRUE(waitFor(
      [&] { return value(metrics(), R"(zzjb_config_reloads_total{result="ok"})") == 1; }, 10s))
      << d.log();
  EXPECT_EQ(healthz()["config"]["lastReloadFailed"], false);
  auto stopped = d.stop();
  EXPECT_EQ(stopped.code, 0) << d.log();
}

// Must-show 1 (SIGTERM): stopped in the middle of a pass — while declaration batches are being
// uploaded — the daemon exits 0 within 10 s; a `zzjb run` afterwards completes the work, and the
// platform holds every eligible student exactly once, with nothing left half-done in the store.
TEST_F(DaemonTest, SigtermDuringAPassExitsZeroWithinTenSecondsAndNothingIsLostOrSentTwice) {
  RunWorld w = makeWorld(30);
  // Every upload takes 1.5 s: a pass lasts long enough to be cut, even when a loaded machine is
  // slow to send the signal after the first upload's answer.
  admin("POST", "/__admin/faults",
        R"({"seed": 1, "rules": [{"method": "POST", "path": "group-declarations$",
            "probability": 1, "kind": "delay", "delayMs": 1500}]})");
  DaemonProcess& d = startDaemon(w, {"--every", "600"});
  ASSERT_GT(port_, 0);
  // Wait for the first upload to be answered: the pass is in the middle of its batches.
  ASSERT_TRUE(waitFor(
      [&] { return requests(metrics(), "POST /api/v1/skills/group-declarations", "2xx") >= 1; },
      30s))
      << d.log();
  EXPECT_EQ(value(metrics(), "zzjb_pass_running"), 1) << "the pass was over already";
  auto stopped = d.stop(SIGTERM, 20s);
  ASSERT_TRUE(stopped.exited) << d.log();
  EXPECT_EQ(stopped.code, 0) << d.log();
  EXPECT_LT(stopped.took.count(), 10000);
  const std::string log = d.log();
  EXPECT_TRUE(zzjb::test::contains(log, "pass finished: stopped")) << log;
  EXPECT_TRUE(zzjb::test::contains(log, "stopped by signal")) << log;
  const auto cut = declarations();
  EXPECT_LT(cut.size(), withoutQualification(w.expectedDeclarations()).size())
      << "the whole pass was done before SIGTERM: the test proves nothing";

  // Nothing lost: one ordinary pass (the centre has granted 电工 meanwhile) finishes the work.
  admin("POST", "/__admin/faults", R"({"rules": []})");
  grantQualification();
  auto run = zzjb("run -c " + shellQuote(w.config.string()));
  EXPECT_EQ(run.exitCode, 65) << run.err;  // 65: the roster's bad rows
  expectExactlyOnce(w);
  auto status = zzjb("status -c " + shellQuote(w.config.string()) + " --json");
  ASSERT_EQ(status.exitCode, 0) << status.err;
  json st = json::parse(status.out);
  ASSERT_EQ(st["schools"].size(), 2u);
  for (const auto& school : st["schools"]) {
    EXPECT_EQ(school["pendingIntents"], 0) << school.dump();
    EXPECT_EQ(school["openBatches"], 0) << school.dump();
  }
}

// Must-show 2: /healthz and /metrics before the first pass, after it, and once the platform has
// gone away.
TEST_F(DaemonTest, HealthzAndMetricsFollowWhatTheDaemonDid) {
  RunWorld w = makeWorld(10);
  // Each login's first request takes 3 s: time to look before the first pass has done anything,
  // with room for a loaded two-core machine (two curls take well under a second there).
  admin("POST", "/__admin/faults",
        R"({"seed": 1, "rules": [{"method": "POST", "path": "^/api/v1/auth/challenge$",
            "probability": 1, "kind": "delay", "delayMs": 3000}]})");
  // Both schools log in at once (about 3.1 s idle, 6 s seen under ASan on two loaded cores): every
  // 12 s leaves 6 s or more to look at the first pass before the second one, which reuses the
  // sessions and so is not slowed by the delay, changes the schools' outcomes.
  DaemonProcess& d = startDaemon(w, {"--every", "12"});
  ASSERT_GT(port_, 0);
  json h = healthz();
  auto m = metrics();
  EXPECT_EQ(h["status"], "ok") << h.dump();
  EXPECT_TRUE(h["lastPass"].is_null()) << h.dump();
  EXPECT_TRUE(h["platformReachable"].is_null()) << h.dump();
  EXPECT_TRUE(h["nextPass"].is_string()) << h.dump();
  EXPECT_EQ(h["config"]["reloads"], 0) << h.dump();
  ASSERT_EQ(h["schools"].size(), 2u) << h.dump();
  for (const auto& s : h["schools"]) {
    EXPECT_TRUE(s["lastOutcome"].is_null()) << s.dump();
    EXPECT_TRUE(s["lastSuccess"].is_null()) << s.dump();
    EXPECT_TRUE(s["keyUsable"].is_null()) << s.dump();
  }
  EXPECT_EQ(total(m, "zzjb_passes_total"), 0);
  EXPECT_EQ(total(m, "zzjb_requests_total"), 0);
  EXPECT_EQ(value(m, "zzjb_platform_reachable"), std::nullopt);
  EXPECT_EQ(value(m, "zzjb_last_pass_timestamp_seconds"), std::nullopt);
  EXPECT_EQ(total(m, "zzjb_last_success_timestamp_seconds"), 0);

  ASSERT_TRUE(waitForPasses(1)) << d.log();
  h = healthz();
  EXPECT_EQ(h["status"], "ok") << h.dump();
  ASSERT_TRUE(h["lastPass"].is_object()) << h.dump();
  EXPECT_EQ(h["lastPass"]["outcome"], "data_error") << h.dump();
  EXPECT_EQ(h["lastPass"]["exitCode"], 65) << h.dump();
  EXPECT_GE(h["lastPass"]["durationSeconds"].get<double>(), 3.0) << h.dump();
  EXPECT_EQ(h["platformReachable"], true) << h.dump();
  // The 高职 has declared its students; the 中职 waits for the centre to grant 电工.
  EXPECT_EQ(h["schools"][0]["id"], "xuhui-zz");
  EXPECT_EQ(h["schools"][0]["lastOutcome"], "WAITING") << h.dump();
  EXPECT_EQ(h["schools"][1]["lastOutcome"], "PROGRESSED") << h.dump();
  for (const auto& s : h["schools"]) {
    EXPECT_TRUE(s["lastSuccess"].is_string()) << s.dump();
    EXPECT_EQ(s["keyUsable"], true) << s.dump();
  }
  m = metrics();
  EXPECT_EQ(value(m, "zzjb_platform_reachable"), 1);
  // Issue 7's reminders: the test keys are valid for two years, their PIN is not close to locking.
  EXPECT_GT(value(m, R"(zzjb_certificate_days_left{school="xuhui-zz"})").value_or(0), 30);
  EXPECT_EQ(value(m, R"(zzjb_reminders{school="xuhui-zz",kind="certificate_expiring"})"), 0);
  EXPECT_EQ(value(m, R"(zzjb_reminders{school="pudong-gz",kind="pin_low"})"), 0);
  EXPECT_EQ(value(m, R"(zzjb_key_usable{school="xuhui-zz"})"), 1);
  EXPECT_EQ(value(m, R"(zzjb_key_usable{school="pudong-gz"})"), 1);
  EXPECT_TRUE(value(m, R"(zzjb_last_success_timestamp_seconds{school="pudong-gz"})").has_value());
  EXPECT_TRUE(value(m, "zzjb_last_pass_timestamp_seconds").has_value());
  EXPECT_GE(value(m, "zzjb_pass_duration_seconds").value_or(0), 3.0);
  EXPECT_GT(value(m, R"(zzjb_declaration_rows_sent_total{school="pudong-gz"})").value_or(0), 0);
  EXPECT_GT(value(m, R"(zzjb_declarations{school="pudong-gz",result="accepted"})").value_or(0), 0);
  EXPECT_GT(total(m, "zzjb_requests_total"), 0);

  // The platform goes away: the next pass's first request gets no answer.
  ASSERT_EQ(mock_->stop(), 0);
  mock_.reset();
  ASSERT_TRUE(waitFor([&] { return healthz()["platformReachable"] == false; }, 40s)) << d.log();
  int status = 0;
  h = healthz(&status);
  EXPECT_EQ(h["status"], "degraded") << h.dump();
  EXPECT_EQ(status, 200);
  m = metrics();
  EXPECT_EQ(value(m, "zzjb_platform_reachable"), 0);
  double unanswered = 0;
  for (const auto& [series, v] : m) {
    if (series.starts_with("zzjb_requests_total{") &&
        series.ends_with(R"(outcome="CONNECTION"})")) {
      unanswered += v;
    }
  }
  EXPECT_GE(unanswered, 1);
  EXPECT_GE(total(m, "zzjb_retries_total"), 1);
  // SIGTERM while the pass is retrying with backoff: it still stops at once.
  auto stopped = d.stop();
  EXPECT_EQ(stopped.code, 0) << d.log();
  EXPECT_LT(stopped.took.count(), 10000);
}

// Must-show 1 (SIGTERM) when the platform is slow to come back: a 503 with Retry-After: 20 —
// which the client honours — does not hold the daemon past SIGTERM: the wait is cut short, nothing
// more is sent, and it exits 0 well within systemd's TimeoutStopSec=30s.
TEST_F(DaemonTest, SigtermDuringARetryAfterWaitExitsZeroAtOnce) {
  RunWorld w = makeWorld(10);
  admin("POST", "/__admin/faults",
        R"({"seed": 1, "rules": [{"method": "POST", "path": "^/api/v1/auth/challenge$",
            "probability": 1, "kind": "status", "status": 503, "retryAfter": 20}]})");
  DaemonProcess& d = startDaemon(w, {"--every", "600"});
  ASSERT_GT(port_, 0);
  ASSERT_TRUE(waitFor([&] { return total(metrics(), "zzjb_retries_total") >= 1; }, 20s)) << d.log();
  const auto challenges = journalCount("POST", "/api/v1/auth/challenge");
  auto stopped = d.stop(SIGTERM, 15s);
  EXPECT_TRUE(stopped.exited) << "still running 15 s after SIGTERM";
  EXPECT_EQ(stopped.code, 0) << d.log();
  EXPECT_LT(stopped.took.count(), 10000);
  EXPECT_TRUE(zzjb::test::contains(d.log(), "pass finished: stopped")) << d.log();
  EXPECT_EQ(journalCount("POST", "/api/v1/auth/challenge"), challenges)
      << "a request was sent after SIGTERM";
}

// Under systemd (Type=notify): READY=1 once started, STATUS= as passes come and go, WATCHDOG=1
// while alive, RELOADING=1 then READY=1 on SIGHUP, STOPPING=1 on SIGTERM.
TEST_F(DaemonTest, TellsSystemdReadyStatusWatchdogReloadingAndStopping) {
  RunWorld w = makeWorld(10);
  const fs::path sock = tmp_.path() / "notify";
  ASSERT_LT(sock.string().size(), sizeof(sockaddr_un::sun_path));
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, sock.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  std::vector<std::string> messages;
  const auto drain = [&] {
    char buf[4096];
    ssize_t n = 0;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0)
      messages.emplace_back(buf, static_cast<std::size_t>(n));
  };
  const auto index = [&](const std::string& part,
                         std::size_t from = 0) -> std::optional<std::size_t> {
    for (std::size_t i = from; i < messages.size(); ++i) {
      if (zzjb::test::contains(messages[i], part)) return i;
    }
    return std::nullopt;
  };
  const auto arrives = [&](const std::string& part, std::size_t from = 0) {
    return waitFor(
        [&] {
          drain();
          return index(part, from).has_value();
        },
        20s);
  };

  DaemonProcess& d =
      startDaemon(w, {"--every", "1"}, {"NOTIFY_SOCKET=" + sock.string(), "WATCHDOG_USEC=400000"},
                  /*metrics=*/false);
  ASSERT_TRUE(arrives("READY=1")) << d.log();
  // The watchdog's pets may come first (its thread starts before READY=1); nothing else may.
  for (std::size_t i = 0; i < *index("READY=1"); ++i) EXPECT_EQ(messages[i], "WATCHDOG=1");
  ASSERT_TRUE(arrives("STATUS=pass running since")) << d.log();
  ASSERT_TRUE(arrives("STATUS=last pass data_error at")) << d.log();
  ASSERT_TRUE(arrives("STATUS=waiting; next pass at")) << d.log();
  ASSERT_TRUE(arrives("WATCHDOG=1")) << d.log();

  const std::size_t beforeHup = messages.size();
  d.signal(SIGHUP);
  ASSERT_TRUE(arrives("RELOADING=1", beforeHup)) << d.log();
  const std::size_t reloading = *index("RELOADING=1", beforeHup);
  EXPECT_TRUE(zzjb::test::contains(messages[reloading], "MONOTONIC_USEC=")) << messages[reloading];
  ASSERT_TRUE(arrives("READY=1", reloading)) << d.log();
  EXPECT_TRUE(zzjb::test::contains(messages[*index("READY=1", reloading)],
                                   "STATUS=configuration reloaded"));

  const std::size_t beforeTerm = messages.size();
  auto stopped = d.stop();
  EXPECT_EQ(stopped.code, 0) << d.log();
  drain();
  ASSERT_TRUE(index("STOPPING=1", beforeTerm).has_value()) << d.log();
  // After STOPPING=1, nothing but the watchdog's last pets.
  for (std::size_t i = *index("STOPPING=1", beforeTerm) + 1; i < messages.size(); ++i) {
    EXPECT_EQ(messages[i], "WATCHDOG=1");
  }
  ::close(fd);
}

// Issue 16 must-show 1: four schools under one daemon — one paused, one whose certificate file
// has expired, one whose PIN (a PIN file for an encrypted key) turns wrong while it has nothing
// to send, one healthy. The paused one is never opened; the expired one is reported by the first
// pass only, quarantined, and taken up again as soon as its certificate file is replaced; the
// wrong PIN is found by the key probe (the first probe round after the change), with no new
// student; and the healthy school's passes stay green throughout: after the first pass (which
// reports the expired certificate, exit 77) every pass ends "ok" (docs/operations.md, "Thirty
// schools and more").
TEST_F(DaemonTest, FourSchoolsOnePausedOneExpiredOneWrongPinOneHealthy) {
  const fs::path keys = keys_->path() / "keys";
  zzjb::test::makeExtraSchoolKeys(keys, 2);
  zzjb::test::RunWorldOptions o;
  o.studentsPerMajor = 6;
  o.graduationYear = currentGraduationYear();
  o.baseUrl = mock_->base();
  o.caBundle = mock_->caFile();
  o.keysDir = keys;
  o.catalog = fs::path(ZZJB_SOURCE_DIR) / "config" / "catalog.example.json";
  o.extraSchools = 2;  // pudong-gz-2, pudong-gz-3
  RunWorld w = zzjb::test::makeRunWorld(tmp_.path() / "world", o);

  // pudong-gz: its key encrypted, the PIN in a file (0600).
  const fs::path own = tmp_.path() / "own";
  fs::create_directories(own);
  const fs::path encrypted = own / "pudong-gz.enc.key";
  const fs::path pinFile = own / "pudong-gz.pin";
  auto enc = zzjb::test::run("openssl pkey -in " + shellQuote((keys / "pudong-gz.key").string()) +
                             " -aes256 -passout pass:246810 -out " + shellQuote(encrypted.string()));
  ASSERT_EQ(enc.exitCode, 0) << enc.err;
  const auto writePin = [&](const std::string& pin) {
    const fs::path tmp = own / "pin.tmp";
    zzjb::test::writeFile(tmp, pin);
    fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write);
    fs::rename(tmp, pinFile);  // a new file: another inode, as an editor or install(1) leaves it
  };
  writePin("246810");
  // pudong-gz-2: the same key with a certificate that expired yesterday (and its good one aside).
  const fs::path expiredCert = own / "pudong-gz-2.pem";
  auto expired = zzjb::test::run(
      "openssl x509 -req -in " + shellQuote((keys / "pudong-gz-2.csr").string()) + " -CA " +
      shellQuote((keys / "ca.pem").string()) + " -CAkey " + shellQuote((keys / "ca.key").string()) +
      " -set_serial 0x7999 -sha256 -days -1 -extfile " + shellQuote((keys / "pudong-gz-2.ext").string()) +
      " -out " + shellQuote(expiredCert.string()));
  ASSERT_EQ(expired.exitCode, 0) << expired.err;

  json cfg = json::parse(zzjb::test::readFile(w.config));
  for (auto& school : cfg["schools"]) {
    const std::string id = school["id"];
    if (id == "pudong-gz") {
      school["identity"]["key"] = "file:" + encrypted.string();
      school["identity"]["pin"] = {{"file", pinFile.string()}};
    } else if (id == "pudong-gz-2") {
      school["identity"]["certificate"] = expiredCert.string();
    } else if (id == "pudong-gz-3") {
      // Paused; its key is a file that is not there, so that opening it could not go unnoticed.
      school["enabled"] = false;
      school["pausedReason"] = "合并到浦东校区";  // not-text: a reason a school writes
      school["identity"]["key"] = "file:" + (own / "absent.key").string();
    }
  }
  zzjb::test::writeFile(w.config, cfg.dump(2));

  // Declarations the platform holds, by credit code.
  const auto heldBy = [&](const std::string& credit) {
    std::set<std::string> out;
    for (const auto& k : keysOf(declarations())) {
      if (k.starts_with(credit + "|")) out.insert(k);
    }
    return out;
  };
  const auto expectedBy = [&](const std::string& credit) {
    std::set<std::string> out;
    for (const auto& k : w.expectedDeclarations()) {
      if (k.starts_with(credit + "|")) out.insert(k);
    }
    return out;
  };
  const std::string healthy = zzjb::test::kSecondaryCredit;
  const std::string pinSchool = zzjb::test::kHigherCredit;
  const std::string expiredSchool = zzjb::test::extraSchoolCredit(2);
  const std::string pausedSchool = zzjb::test::extraSchoolCredit(3);
  ASSERT_FALSE(expectedBy(pausedSchool).empty());
  ASSERT_FALSE(expectedBy(expiredSchool).empty());

  DaemonProcess& d = startDaemon(w, {"--every", "3", "--probe-every", "4"});
  ASSERT_GT(port_, 0) << d.log();
  const auto gauge = [&](const std::string& family, const std::string& school) {
    return value(metrics(), family + "{school=\"" + school + "\"}");
  };
  const auto count = [](const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
  };

  // The first pass: the healthy schools declared, the expired certificate reported and
  // quarantined (exit 77), without a login with it.
  ASSERT_TRUE(waitForPasses(1)) << d.log();
  EXPECT_EQ(value(metrics(), R"(zzjb_passes_total{outcome="identity"})"), 1) << d.log();
  EXPECT_EQ(gauge("zzjb_school_quarantined", "pudong-gz-2"), 1) << d.log();
  EXPECT_EQ(gauge("zzjb_school_paused", "pudong-gz-3"), 1);
  grantQualification();  // the centre opens xuhui-zz's 职业资格鉴定 once its account exists
  ASSERT_TRUE(waitFor([&] { return heldBy(healthy) == expectedBy(healthy); }, 20s)) << d.log();
  ASSERT_TRUE(waitFor([&] { return heldBy(pinSchool) == expectedBy(pinSchool); }, 20s)) << d.log();
  EXPECT_TRUE(heldBy(expiredSchool).empty());

  // Later passes skip the quarantined school without a word of error: they end "ok".
  ASSERT_TRUE(waitForPasses(3, 40s)) << d.log();
  EXPECT_EQ(value(metrics(), R"(zzjb_passes_total{outcome="identity"})"), 1) << d.log();
  EXPECT_GE(value(metrics(), R"(zzjb_passes_total{outcome="ok"})").value_or(0), 2) << d.log();
  EXPECT_EQ(count(d.log(), "quarantined: later passes do not try it"), 1u) << d.log();
  {
    int status = 0;
    json h = healthz(&status);
    EXPECT_EQ(h["status"], "ok") << h.dump();
    for (const auto& s : h["schools"]) {
      if (s["id"] == "pudong-gz-2") {
        EXPECT_EQ(s["held"], "quarantined") << s.dump();
      } else if (s["id"] == "pudong-gz-3") {
        EXPECT_EQ(s["held"], "paused") << s.dump();
      }
    }
  }

  // The key probe has run with the right PIN: pudong-gz's key opens and signs.
  ASSERT_TRUE(waitFor([&] { return gauge("zzjb_key_probe_ok", "pudong-gz") == 1; }, 20s)) << d.log();
  // The PIN turns wrong while pudong-gz has nothing to send: the first probe round after the
  // change finds it (no pass opens the key: nothing is missing), and quarantines the school.
  const std::size_t roundsBefore = count(d.log(), "Key probes:");
  const double loginsBefore = static_cast<double>(journalCount("POST", "/api/v1/auth/login"));
  writePin("135790");
  ASSERT_TRUE(waitFor([&] { return gauge("zzjb_school_quarantined", "pudong-gz") == 1; }, 30s))
      << d.log();
  EXPECT_EQ(gauge("zzjb_key_probe_ok", "pudong-gz"), 0);
  const std::string log = d.log();
  EXPECT_TRUE(zzjb::test::contains(log, "PIN_WRONG")) << log;
  // Found within one probe period: before the failure's line, at most one more round ended than
  // before the change — the one that may have been under way then, having probed pudong-gz with
  // the old PIN; the round after it found the wrong one.
  std::size_t roundsEndedBeforeFinding = 0;
  bool found = false;
  for (const auto& line : zzjb::test::lines(log)) {
    if (zzjb::test::contains(line, "pudong-gz") && zzjb::test::contains(line, "Key probe failed") &&
        zzjb::test::contains(line, "PIN_WRONG")) {
      found = true;
      break;
    }
    if (zzjb::test::contains(line, "Key probes:")) ++roundsEndedBeforeFinding;
  }
  EXPECT_TRUE(found) << log;
  EXPECT_LE(roundsEndedBeforeFinding, roundsBefore + 1) << log;
  EXPECT_EQ(static_cast<double>(journalCount("POST", "/api/v1/auth/login")), loginsBefore)
      << "a pass logged in although nothing was missing";

  // The expired school's certificate file is replaced by a valid one: the next pass releases it
  // and declares its students; the other quarantine holds; the paused school stays untouched.
  const double passesBefore = passes();
  fs::copy_file(keys / "pudong-gz-2.pem", own / "new.pem");
  fs::rename(own / "new.pem", expiredCert);
  ASSERT_TRUE(waitFor([&] { return heldBy(expiredSchool) == expectedBy(expiredSchool); }, 30s))
      << d.log();
  ASSERT_TRUE(waitForPasses(passesBefore + 2, 30s)) << d.log();
  EXPECT_EQ(gauge("zzjb_school_quarantined", "pudong-gz-2"), 0) << d.log();
  EXPECT_EQ(gauge("zzjb_school_quarantined", "pudong-gz"), 1) << d.log();
  EXPECT_TRUE(heldBy(pausedSchool).empty());
  auto m = metrics();
  EXPECT_EQ(value(m, R"(zzjb_passes_total{outcome="identity"})"), 1) << d.log();
  EXPECT_EQ(total(m, "zzjb_passes_total"),
            1 + value(m, R"(zzjb_passes_total{outcome="ok"})").value_or(0))
      << "every pass after the first ended ok\n" << d.log();
  EXPECT_FALSE(value(m, R"(zzjb_school_passes_total{school="xuhui-zz",outcome="failed"})"));

  auto stopped = d.stop();
  EXPECT_EQ(stopped.code, 0) << d.log();
  // Paused: never opened (no key, PIN or probe fact, no pass), listed with its reason.
  auto status = zzjb("status -c " + shellQuote(w.config.string()) + " --json");
  json st = json::parse(status.out);
  ASSERT_EQ(st["schools"].size(), 4u) << status.out;
  for (const auto& s : st["schools"]) {
    if (s["school"] == "pudong-gz-3") {
      EXPECT_TRUE(s["paused"].get<bool>()) << s.dump();
      EXPECT_EQ(s["pausedReason"], "合并到浦东校区");  // not-text: the reason written above
      EXPECT_TRUE(s["pin"].is_null()) << s.dump();
      EXPECT_TRUE(s["probe"].is_null()) << s.dump();
      EXPECT_TRUE(s["lastPass"].is_null()) << s.dump();
    } else if (s["school"] == "pudong-gz") {
      EXPECT_EQ(s["quarantine"]["code"], "PIN_WRONG") << s.dump();
      EXPECT_FALSE(s["probe"]["ok"].get<bool>()) << s.dump();
    } else if (s["school"] == "pudong-gz-2") {
      EXPECT_TRUE(s["quarantine"].is_null()) << s.dump();
    }
  }
  for (const auto& line : zzjb::test::lines(d.log())) {
    if (!zzjb::test::contains(line, "pudong-gz-3")) continue;
    EXPECT_TRUE(zzjb::test::contains(line, "Paused")) << line;
  }
}

// Issue 13: the daemon speaks Chinese unless asked otherwise — its usage and its usage errors —
// and English with --lang en.
TEST(DaemonLanguage, UsageAndUsageErrorsAreChineseByDefaultAndEnglishWithLangEn) {
  const std::string bin = "env -u ZZJB_LANG -u LC_MESSAGES -u LANG LC_ALL=C.UTF-8 " +
                          zzjb::test::shellQuote(ZZJB_BIN);
  auto help = zzjb::test::run(bin + " daemon --help");
  EXPECT_EQ(help.exitCode, 0) << help.err;
  EXPECT_TRUE(zzjb::test::contains(help.out, "用法：zzjb daemon")) << help.out;
  EXPECT_TRUE(zzjb::test::englishRuns(help.out, {"zzjb", "run"}).empty()) << help.out;
  auto noConfig = zzjb::test::run(bin + " daemon");
  EXPECT_EQ(noConfig.exitCode, 64);
  EXPECT_TRUE(zzjb::test::contains(noConfig.err, "必须给出 -c CONFIG")) << noConfig.err;
  auto every = zzjb::test::run(bin + " daemon -c x.json --every 0");
  EXPECT_EQ(every.exitCode, 64);
  EXPECT_TRUE(zzjb::test::contains(every.err, "--every 需要 1 到 604800 之间的秒数")) << every.err;

  auto en = zzjb::test::run(bin + " daemon --help --lang en");
  EXPECT_EQ(en.exitCode, 0) << en.err;
  EXPECT_TRUE(zzjb::test::contains(en.out, "usage: zzjb daemon")) << en.out;
  EXPECT_TRUE(zzjb::test::chineseRuns(en.out, zzjb::test::noticeTerms()).empty()) << en.out;
}

}  // namespace
