// zzjb-mock as a user runs it: the real binary on port 0 in a temporary directory, its own
// self-signed certificate, spoken to with the curl command line. Covers the server's part of the
// mock (TLS, X-Request-Id, journal, faults, state file, stop on SIGTERM), not the platform rules.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mock_process.hpp"
#include "test_support.hpp"

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using zzjb::test::contains;
using zzjb::test::readFile;
using zzjb::test::RunResult;
using zzjb::test::shellQuote;
using zzjb::test::TempDir;
using zzjb::test::writeFile;

namespace fs = std::filesystem;

using zzjb::test::MockProcess;

struct Outcome {
  int status = 0;            // 0: no HTTP answer
  int curlExit = 0;          // 52 empty reply, 56 receive failure (reset)
  // From the start of this transfer to the first byte of the answer (curl's time_starttransfer:
  // the request is sent after the start, so a server that waits W answers W or later, however
  // loaded the machine). Not from time_pretransfer: curl may take that mark after it has written
  // the request, and a curl descheduled there saw a 60 ms delay as 6 ms under `stress -c 2`.
  double firstByteSeconds = 0;
  std::string body;
};

class MockServerTest : public ::testing::Test {
 protected:
  void SetUp() override { start(); }
  void TearDown() override {
    if (mock_) {
      EXPECT_EQ(mock_->stop(), 0) << readFile(tmp_ / "stderr");
    }
  }

  void start(std::vector<std::string> extraArgs = {}) {
    mock_.reset();
    mock_.emplace(tmp_.path(), std::move(extraArgs), ZZJB_MOCK_BIN);
    ASSERT_TRUE(mock_->running()) << readFile(tmp_ / "stderr");
  }

  std::string curlBase() const {
    return "curl -sS --max-time 20 --cacert " + shellQuote(mock_->caFile().string()) + " ";
  }

  // One request; `-i` so that the headers come back too.
  RunResult curl(const std::string& args, const std::string& path) {
    return zzjb::test::run(curlBase() + args + " " + shellQuote(mock_->base() + path));
  }

  json getJson(const std::string& path) {
    const RunResult r = curl("", path);
    EXPECT_EQ(r.exitCode, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }

  json postJson(const std::string& path, const json& body) {
    const RunResult r =
        curl("-X POST -H 'Content-Type: application/json' -d " + shellQuote(body.dump()), path);
    EXPECT_EQ(r.exitCode, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }

  // `count` POSTs to `path` from one curl process, on one keep-alive connection or, with
  // `fresh`, each on a new one (curl retries a reset keep-alive request and would hide the fault).
  std::vector<Outcome> postMany(const std::string& path, int count, const std::string& batch,
                                bool fresh = false) {
    const fs::path dir = tmp_ / ("batch-" + batch);
    fs::create_directories(dir);
    std::string config;
    for (int i = 0; i < count; ++i) {
      config += "url = \"" + mock_->base() + path + "\"\n";
      config += "output = \"" + (dir / std::to_string(i)).string() + "\"\n";
    }
    writeFile(dir / "curl.cfg", config);
    const RunResult r = zzjb::test::run(
        curlBase() + (fresh ? "-H 'Connection: close' " : "") +
        "-H 'Content-Type: application/json' -d '{}' -K " +
        shellQuote((dir / "curl.cfg").string()) +
        " -w '%{http_code} %{exitcode} %{time_starttransfer}\\n'");
    std::vector<Outcome> outcomes;
    std::istringstream in(r.out);
    for (int i = 0; i < count; ++i) {
      Outcome o;
      if (!(in >> o.status >> o.curlExit >> o.firstByteSeconds)) break;
      const fs::path body = dir / std::to_string(i);
      if (fs::exists(body)) o.body = readFile(body);
      outcomes.push_back(std::move(o));
    }
    EXPECT_EQ(outcomes.size(), static_cast<std::size_t>(count)) << r.out << r.err;
    return outcomes;
  }

  void setFaults(const json& faults) {
    const json answer = postJson("/__admin/faults", faults);
    ASSERT_TRUE(answer.contains("rules")) << answer.dump();
  }

  TempDir tmp_;
  std::optional<MockProcess> mock_;
};

constexpr const char* kChallenge = "/api/v1/auth/challenge";

template <class Pred>
int countIf(const std::vector<Outcome>& outcomes, Pred pred) {
  return static_cast<int>(std::count_if(outcomes.begin(), outcomes.end(), pred));
}

TEST_F(MockServerTest, ListensOnPortZeroAndServesHealthOverTls) {
  EXPECT_TRUE(contains(readFile(tmp_ / "stdout"), "listening on " + mock_->base() + "\n"));
  const RunResult r = curl("-i --tlsv1.2", "/__admin/health");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "HTTP/1.1 200")) << r.out;
  // The certificate is valid for the name too, not only for the address.
  const RunResult byName = zzjb::test::run(
      curlBase() +
      shellQuote("https://localhost:" + std::to_string(std::stoi(readFile(tmp_ / "port"))) +
                 "/__admin/health"));
  EXPECT_EQ(byName.exitCode, 0) << byName.err;
  EXPECT_EQ(fs::status(tmp_ / "tls" / "key.pem").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

// The TLS 1.1 probe: TLS 1.1 only, at OpenSSL's security level 0, so that curl itself does not
// refuse first (OpenSSL 3 refuses TLS 1.1's legacy signature algorithms at its default level)
// and the server's refusal is the only reason left for the handshake to fail.
constexpr const char* kTls11Probe = "--tlsv1.1 --tls-max 1.1 --ciphers DEFAULT:@SECLEVEL=0";

TEST_F(MockServerTest, RefusesTlsBelow12) {
  const RunResult r = curl(kTls11Probe, "/__admin/health");
  EXPECT_EQ(r.exitCode, 35) << r.err;  // CURLE_SSL_CONNECT_ERROR
  // The server's own refusal: a protocol_version alert, not a client-side failure.
  EXPECT_TRUE(contains(r.err, "alert protocol version")) << r.err;
}

TEST_F(MockServerTest, TheTls11ProbeSucceedsAgainstAServerThatAllowsTls11) {
  // Positive control for RefusesTlsBelow12: the same probe against openssl s_server with the
  // mock's certificate and TLS 1.1 allowed completes, so its failure against zzjb-mock is the
  // mock's refusal.
  const fs::path out = tmp_ / "s_server.out";
  const fs::path pidFile = tmp_ / "s_server.pid";
  const std::string start =
      "openssl s_server -accept 127.0.0.1:0 -tls1_1 -cipher DEFAULT:@SECLEVEL=0 -www -cert " +
      shellQuote(mock_->caFile().string()) + " -key " +
      shellQuote((tmp_ / "tls" / "key.pem").string()) + " </dev/null >" +
      shellQuote(out.string()) + " 2>&1 & echo $! >" + shellQuote(pidFile.string());
  ASSERT_EQ(std::system(start.c_str()), 0);
  std::string port;
  for (int i = 0; i < 200 && port.empty(); ++i) {
    const std::string text = fs::exists(out) ? readFile(out) : "";
    if (const auto at = text.find("ACCEPT 127.0.0.1:"); at != std::string::npos) {
      const auto end = text.find('\n', at);
      if (end != std::string::npos) port = text.substr(at + 17, end - at - 17);
    }
    if (port.empty()) std::this_thread::sleep_for(50ms);
  }
  ASSERT_FALSE(port.empty()) << readFile(out);
  const RunResult r = zzjb::test::run(curlBase() + kTls11Probe + " -o /dev/null " +
                                      shellQuote("https://127.0.0.1:" + port + "/"));
  const std::string stop = "kill " + readFile(pidFile);
  EXPECT_EQ(std::system(stop.c_str()), 0);
  EXPECT_EQ(r.exitCode, 0) << r.err;
}

TEST_F(MockServerTest, EveryResponseHasRequestId) {
  for (const std::string path : {"/__admin/health", "/api/v1/no-such-thing", "/__admin/journal"}) {
    const RunResult r = curl("-i", path);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "X-Request-Id: ")) << path << ":\n" << r.out;
  }
  setFaults(
      {{"seed", 1},
       {"rules", {{{"path", "."}, {"probability", 1}, {"kind", "status"}, {"status", 500}}}}});
  const RunResult faulted = curl("-i -X POST", kChallenge);
  EXPECT_TRUE(contains(faulted.out, "HTTP/1.1 500")) << faulted.out;
  EXPECT_TRUE(contains(faulted.out, "X-Request-Id: ")) << faulted.out;
  const json body = json::parse(faulted.out.substr(faulted.out.find("\r\n\r\n") + 4));
  EXPECT_EQ(body["code"], "FAULT");
  EXPECT_TRUE(contains(faulted.out, body["requestId"].get<std::string>()));
}

TEST_F(MockServerTest, AdminApiAnswersFromLoopback) {
  const json health = getJson("/__admin/health");
  EXPECT_FALSE(health.is_discarded());
  EXPECT_TRUE(getJson("/__admin/journal").contains("items"));
  EXPECT_TRUE(getJson("/__admin/faults").contains("rules"));
  EXPECT_TRUE(getJson("/__admin/state").is_object());
}

TEST_F(MockServerTest, JournalRecordsPlatformRequestsButNotAdminOnes) {
  const auto outcomes = postMany(kChallenge, 3, "j");
  ASSERT_EQ(outcomes.size(), 3u);
  getJson("/__admin/health");
  curl("-H 'Idempotency-Key: key-1' -X POST -d '{}'", "/api/v1/skills/permission-applications");
  const json journal = getJson("/__admin/journal?since=0");
  const json& items = journal["items"];
  ASSERT_EQ(items.size(), 4u) << journal.dump();
  std::uint64_t previous = 0;
  for (const json& item : items) {
    EXPECT_GT(item["seq"].get<std::uint64_t>(), previous);
    previous = item["seq"].get<std::uint64_t>();
    EXPECT_EQ(item["method"], "POST");
    EXPECT_TRUE(item["time"].get<std::string>().ends_with("+08:00")) << item.dump();
    EXPECT_TRUE(item.contains("creditCode"));
  }
  EXPECT_EQ(items[0]["path"], kChallenge);
  EXPECT_EQ(items[0]["status"], outcomes[0].status);
  EXPECT_EQ(items[3]["path"], "/api/v1/skills/permission-applications");
  EXPECT_EQ(items[3]["idempotencyKey"], "key-1");
  EXPECT_EQ(journal["lastSeq"], previous);
}

TEST_F(MockServerTest, JournalSinceReturnsOnlyLaterEntries) {
  postMany(kChallenge, 5, "a");
  const std::uint64_t mark = getJson("/__admin/journal")["lastSeq"].get<std::uint64_t>();
  postMany(kChallenge, 2, "b");
  const json later = getJson("/__admin/journal?since=" + std::to_string(mark));
  ASSERT_EQ(later["items"].size(), 2u) << later.dump();
  EXPECT_EQ(later["items"][0]["seq"], mark + 1);
  EXPECT_EQ(getJson("/__admin/journal?since=" + std::to_string(mark + 2))["items"].size(), 0u);
  EXPECT_EQ(curl("-o /dev/null -w '%{http_code}'", "/__admin/journal?since=x").out, "400");
}

TEST_F(MockServerTest, JournalIsBounded) {
  start({"--journal-size", "10"});
  postMany(kChallenge, 25, "bounded");
  const json journal = getJson("/__admin/journal?since=0");
  ASSERT_EQ(journal["items"].size(), 10u);
  EXPECT_EQ(journal["items"][0]["seq"], 16);
  EXPECT_EQ(journal["lastSeq"], 25);
}

TEST_F(MockServerTest, StatusFaultFiresAtItsRateWithRetryAfter) {
  setFaults({{"seed", 42},
             {"rules",
              {{{"method", "POST"},
                {"path", "^/api/v1/auth/"},
                {"probability", 0.3},
                {"kind", "status"},
                {"status", 503},
                {"retryAfter", 7}}}}});
  const auto outcomes = postMany(kChallenge, 200, "status");
  const int faulted = countIf(outcomes, [](const Outcome& o) { return o.status == 503; });
  EXPECT_GE(faulted, 40);
  EXPECT_LE(faulted, 80);
  for (const Outcome& o : outcomes) {
    if (o.status != 503) continue;
    EXPECT_EQ(json::parse(o.body)["code"], "MAINTENANCE");
  }
  // The method filter: a GET on the same path is left alone.
  setFaults({{"seed", 42},
             {"rules",
              {{{"method", "GET"},
                {"path", "^/api/"},
                {"probability", 1},
                {"kind", "status"},
                {"status", 503},
                {"retryAfter", 7}}}}});
  EXPECT_NE(postMany(kChallenge, 1, "post")[0].status, 503);
  const RunResult r = curl("-i", "/api/v1/skills/catalog");
  EXPECT_TRUE(contains(r.out, "HTTP/1.1 503")) << r.out;
  EXPECT_TRUE(contains(r.out, "Retry-After: 7")) << r.out;
  // 429 without retryAfter still says when to come back (the contract).
  setFaults(
      {{"seed", 1},
       {"rules", {{{"path", "^/api/"}, {"probability", 1}, {"kind", "status"}, {"status", 429}}}}});
  const RunResult limited = curl("-i", "/api/v1/skills/catalog");
  EXPECT_TRUE(contains(limited.out, "HTTP/1.1 429")) << limited.out;
  EXPECT_TRUE(contains(limited.out, "Retry-After: 1")) << limited.out;
  EXPECT_TRUE(contains(limited.out, "RATE_LIMITED")) << limited.out;
}

TEST_F(MockServerTest, DelayFaultFiresAtItsRate) {
  setFaults(
      {{"seed", 7},
       {"rules",
        {{{"path", "challenge$"}, {"probability", 0.3}, {"kind", "delay"}, {"delayMs", 60}}}}});
  const auto outcomes = postMany(kChallenge, 150, "delay");
  ASSERT_EQ(outcomes.size(), 150u);
  // Which requests were delayed is counted where it happens, in the server's journal (a slow
  // answer on a loaded machine is not a delay); the requests went one after another, so the
  // journal's order is the outcomes' order.
  const json journal = getJson("/__admin/journal?since=0");
  ASSERT_EQ(journal["items"].size(), outcomes.size()) << journal.dump();
  int delayed = 0;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (journal["items"][i]["fault"] != "delay") continue;
    ++delayed;
    // A delayed answer waited the delay: load can only make it later.
    EXPECT_GE(outcomes[i].firstByteSeconds, 0.060) << "request " << i;
  }
  EXPECT_GE(delayed, 30);
  EXPECT_LE(delayed, 60);
  // A delayed request is still answered by the platform.
  EXPECT_EQ(countIf(outcomes, [](const Outcome& o) { return o.status == 0; }), 0);
}

TEST_F(MockServerTest, ResetFaultClosesTheConnectionWithoutAnswer) {
  setFaults(
      {{"seed", 3}, {"rules", {{{"path", "challenge"}, {"probability", 0.3}, {"kind", "reset"}}}}});
  const auto outcomes = postMany(kChallenge, 200, "reset", true);
  const int reset = countIf(outcomes, [](const Outcome& o) {
    return o.status == 0 && (o.curlExit == 52 || o.curlExit == 56);
  });
  EXPECT_GE(reset, 40);
  EXPECT_LE(reset, 80);
  EXPECT_EQ(countIf(outcomes, [](const Outcome& o) { return o.status == 0; }), reset);
  // Journaled with status 0.
  const json journal = getJson("/__admin/journal?since=0");
  EXPECT_EQ(std::count_if(journal["items"].begin(), journal["items"].end(),
                          [](const json& e) { return e["status"] == 0; }),
            reset);
}

TEST_F(MockServerTest, MalformedFaultBreaksTheJsonButKeepsTheStatus) {
  const auto clean = postMany(kChallenge, 1, "clean");
  setFaults({{"seed", 5},
             {"rules", {{{"path", "challenge"}, {"probability", 0.3}, {"kind", "malformed"}}}}});
  const auto outcomes = postMany(kChallenge, 200, "malformed");
  const int broken = countIf(outcomes, [](const Outcome& o) { return !json::accept(o.body); });
  EXPECT_GE(broken, 40);
  EXPECT_LE(broken, 80);
  EXPECT_EQ(countIf(outcomes, [&](const Outcome& o) { return o.status != clean[0].status; }), 0);
}

TEST_F(MockServerTest, SessionExpireFaultEndsTheSession) {
  // A school certificate from a CA the mock trusts, and a session as in the contract.
  const std::string bench = std::string(ZZJB_SOURCE_DIR) + "/bench/mock/";
  const RunResult identity =
      zzjb::test::run(bench + "make_identity.sh " + shellQuote((tmp_ / "id").string()));
  ASSERT_EQ(identity.exitCode, 0) << identity.err;
  start({"--trust-ca", (tmp_ / "id" / "ca.pem").string()});
  const RunResult login = zzjb::test::run(bench + "login.sh " + shellQuote(mock_->base()) + " " +
                                          shellQuote(mock_->caFile().string()) + " " +
                                          shellQuote((tmp_ / "id").string()));
  ASSERT_EQ(login.exitCode, 0) << login.err;
  const std::string bearer =
      "-H " + shellQuote("Authorization: Bearer " + zzjb::test::lines(login.out).at(0));
  EXPECT_EQ(curl(bearer + " -o /dev/null -w '%{http_code}'", "/api/v1/skills/catalog").out, "200");

  setFaults({{"seed", 9},
             {"rules", {{{"path", "catalog"}, {"probability", 1}, {"kind", "session-expire"}}}}});
  const RunResult expired = curl(bearer + " -w '\\n%{http_code}'", "/api/v1/skills/catalog");
  const auto lines = zzjb::test::lines(expired.out);
  ASSERT_EQ(lines.size(), 2u) << expired.out;
  EXPECT_EQ(lines[1], "401");
  EXPECT_EQ(json::parse(lines[0])["code"], "SESSION_EXPIRED");
  // The session stays ended once the fault is gone.
  curl("-X DELETE", "/__admin/faults");
  EXPECT_EQ(curl(bearer + " -o /dev/null -w '%{http_code}'", "/api/v1/skills/catalog").out, "401");
  // The journal names the school of the session.
  const json journal = getJson("/__admin/journal?since=0");
  EXPECT_EQ(journal["items"][1]["path"], "/api/v1/auth/login");
  EXPECT_EQ(journal["items"][1]["creditCode"], "91310000MA1K00000X");
}

TEST_F(MockServerTest, SameSeedGivesTheSameFaults) {
  const json faults = {
      {"seed", 2027},
      {"rules",
       {{{"path", "challenge"}, {"probability", 0.2}, {"kind", "status"}, {"status", 503}},
        {{"path", "challenge"}, {"probability", 0.2}, {"kind", "reset"}},
        {{"path", "challenge"}, {"probability", 0.2}, {"kind", "malformed"}}}}};
  auto run = [&](const std::string& name) {
    postJson("/__admin/reset", json::object());
    setFaults(faults);
    std::string sequence;
    for (const Outcome& o : postMany(kChallenge, 120, name, true))
      sequence += o.status == 0 ? 'R' : o.status == 503 ? 'S' : json::accept(o.body) ? '.' : 'M';
    return sequence;
  };
  const std::string first = run("first");
  const std::string second = run("second");
  EXPECT_EQ(first, second);
  for (char kind : {'R', 'S', 'M', '.'}) EXPECT_NE(first.find(kind), std::string::npos) << first;
  // A different seed, a different sequence.
  json otherSeed = faults;
  otherSeed["seed"] = 2028;
  postJson("/__admin/reset", json::object());
  setFaults(otherSeed);
  std::string third;
  for (const Outcome& o : postMany(kChallenge, 120, "third", true))
    third += o.status == 0 ? 'R' : o.status == 503 ? 'S' : json::accept(o.body) ? '.' : 'M';
  EXPECT_NE(first, third);
}

TEST_F(MockServerTest, DeletedFaultsStopFiring) {
  setFaults({{"seed", 1},
             {"rules", {{{"path", ""}, {"probability", 1}, {"kind", "status"}, {"status", 502}}}}});
  EXPECT_EQ(postMany(kChallenge, 1, "on")[0].status, 502);
  const RunResult r = curl("-X DELETE", "/__admin/faults");
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(postMany(kChallenge, 1, "off")[0].status, 502);
}

TEST_F(MockServerTest, RejectsInvalidFaultRules) {
  const RunResult r =
      curl("-X POST -w '\\n%{http_code}' -d " +
               shellQuote(R"({"seed":1,"rules":[{"path":"(","probability":2,"kind":"boom"}]})"),
           "/__admin/faults");
  const auto lines = zzjb::test::lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[1], "422");
  const json body = json::parse(lines[0]);
  EXPECT_EQ(body["fields"].size(), 3u) << body.dump();
  EXPECT_EQ(getJson("/__admin/faults")["rules"].size(), 0u);
}

TEST_F(MockServerTest, StopsCleanlyOnSigtermWithinSeconds) {
  // An idle connection (TLS done, no request) does not hold the stop up.
  // The client says when its handshake is done (-state: "SSL negotiation finished", on stderr,
  // unbuffered); the stop starts only after that, however slow the machine. The client would
  // stay 30 s: a stop that waited for it, or for the grace period, could not end within the bound.
  const fs::path connected = tmp_ / "s_client.out";
  const std::string idle = "((sleep 30 | openssl s_client -state -connect 127.0.0.1:" +
                           std::to_string(std::stoi(readFile(tmp_ / "port"))) + " >" +
                           shellQuote(connected.string()) + " 2>&1) >/dev/null 2>&1 &)";
  ASSERT_EQ(std::system(idle.c_str()), 0);
  const auto handshakeDone = [&] {
    return fs::exists(connected) && contains(readFile(connected), "negotiation finished");
  };
  for (int i = 0; i < 400 && !handshakeDone(); ++i) std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(handshakeDone()) << readFile(connected);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(mock_->stop(), 0) << readFile(tmp_ / "stderr");
  // Under the 3 s grace in-flight requests get (ServerOptions::shutdownGrace): an idle
  // connection is not waited for at all.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  mock_.reset();
}

TEST_F(MockServerTest, StateFileSurvivesRestart) {
  const fs::path stateFile = tmp_ / "state" / "mock-state.json";
  fs::create_directories(stateFile.parent_path());
  start({"--state-file", stateFile.string()});
  const RunResult policy = curl("-X POST -H 'Content-Type: application/json' -d " +
                                    shellQuote(R"({"mode": "manual", "afterPolls": 3})"),
                                "/__admin/review-policy");
  ASSERT_EQ(policy.exitCode, 0) << policy.err;
  // A frozen clock: the state's "now" must come back as it was, not tick on.
  const RunResult clock = curl("-X POST -H 'Content-Type: application/json' -d " +
                                   shellQuote(R"({"now": "2027-03-01T10:00:00+08:00"})"),
                               "/__admin/clock");
  ASSERT_EQ(clock.exitCode, 0) << clock.err;
  ASSERT_TRUE(fs::exists(stateFile));  // written before the answer
  const std::string saved = readFile(stateFile);
  const json before = getJson("/__admin/state");
  ASSERT_EQ(mock_->stop(), 0);
  EXPECT_EQ(readFile(stateFile), saved);

  start({"--state-file", stateFile.string()});
  const json after = getJson("/__admin/state");
  EXPECT_EQ(after, before);
  EXPECT_EQ(after["now"], "2027-03-01T10:00:00+08:00");
  EXPECT_EQ(readFile(stateFile), saved);
}

TEST_F(MockServerTest, RefusesBadStateFile) {
  mock_->stop();
  mock_.reset();
  writeFile(tmp_ / "bad-state.json", "{ this is not a state");
  MockProcess bad(tmp_.path(), {"--state-file", (tmp_ / "bad-state.json").string()}, ZZJB_MOCK_BIN);
  EXPECT_FALSE(bad.running());
  EXPECT_TRUE(WIFEXITED(bad.rawStatus()));
  EXPECT_EQ(WEXITSTATUS(bad.rawStatus()), 78);
  EXPECT_FALSE(readFile(tmp_ / "stderr").empty());
}

TEST_F(MockServerTest, RefusesUnknownOption) {
  const RunResult r = zzjb::test::run(std::string(ZZJB_MOCK_BIN) + " --no-such-option x");
  EXPECT_EQ(r.exitCode, 64);
  EXPECT_TRUE(contains(r.err, "--no-such-option")) << r.err;
}

// ---- hostile clients (issue 11, item 11) --------------------------------------------------------

// Bytes sent as they are over TLS (curl would encode them), the answer's bytes back.
RunResult sendRaw(int port, const std::string& printfFormat) {
  // In a subshell: run() redirects the last command's stdin from /dev/null.
  return zzjb::test::run(
      "(printf " + shellQuote(printfFormat) +
      " | timeout 20 openssl s_client -quiet -connect 127.0.0.1:" + std::to_string(port) + ")");
}

TEST_F(MockServerTest, LargeBodiesAreRefusedBeforeAuthenticationAndBeforeReading) {
  const fs::path big = tmp_ / "big.bin";
  writeFile(big, std::string(3u << 20, 'x'));
  // The upload without a session is 401 from its header (the platform's answer, so that a client
  // logs in again); the others are 413.
  for (const auto& [path, status] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/skills/group-declarations", "401"},
           {kChallenge, "413"},
           {"/api/v1/account", "413"}}) {
    const auto started = std::chrono::steady_clock::now();
    const RunResult r = curl(
        "-X POST -H 'Expect: 100-continue' -H 'Authorization: Bearer nope' "
        "-o /dev/null -w '%{http_code}' --data-binary @" +
            shellQuote(big.string()),
        path);
    EXPECT_EQ(r.out, status) << path << ": " << r.err;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << path;
  }
  // Small bodies still reach the platform (the limit is 1 MiB there).
  EXPECT_EQ(curl("-X POST -o /dev/null -w '%{http_code}' -d '{}'", kChallenge).out, "200");
}

TEST_F(MockServerTest, TricklingClientIsCutOffAtTheRequestDeadline) {
  start({"--request-timeout", "2"});
  const int port = std::stoi(readFile(tmp_ / "port"));
  // A header that never ends: one line every half second for ten seconds.
  std::chrono::steady_clock::duration trickled{};
  RunResult slow;
  std::thread trickler([&] {
    const auto started = std::chrono::steady_clock::now();
    slow = zzjb::test::run(
        "((printf 'GET /__admin/health HTTP/1.1\\r\\nHost: x\\r\\n'; "
        "for i in $(seq 1 20); do printf 'X-Slow: y\\r\\n'; sleep 0.5; done) | "
        "timeout 30 openssl s_client -quiet -connect 127.0.0.1:" +
        std::to_string(port) + ")");
    trickled = std::chrono::steady_clock::now() - started;
  });
  std::this_thread::sleep_for(500ms);
  // Meanwhile everyone else is served at once.
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_EQ(curl("-o /dev/null -w '%{http_code}'", "/__admin/health").out, "200");
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 2s);
  trickler.join();
  EXPECT_FALSE(contains(slow.out, "HTTP/1.1 200")) << slow.out;
  EXPECT_GT(trickled, 1500ms);  // held until the deadline...
  EXPECT_LT(trickled, 7s);      // ...and cut there, not after the 10 s of trickling
}

TEST_F(MockServerTest, ConnectionsAboveTheCapAreClosedAtOnce) {
  start({"--max-connections", "2", "--request-timeout", "3"});
  const std::string port = std::to_string(std::stoi(readFile(tmp_ / "port")));
  // Two idle clients hold both places until the header deadline closes them.
  for (int i = 0; i < 2; ++i) {
    const std::string idle =
        "(sleep 6 | timeout 20 openssl s_client -quiet -connect 127.0.0.1:" + port +
        ") >/dev/null 2>&1 &";
    ASSERT_EQ(std::system(idle.c_str()), 0);
  }
  std::this_thread::sleep_for(1s);
  const auto started = std::chrono::steady_clock::now();
  const RunResult refused = curl("-o /dev/null -w '%{http_code}'", "/__admin/health");
  EXPECT_NE(refused.exitCode, 0) << refused.out;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);  // closed, not queued
  EXPECT_TRUE(contains(readFile(tmp_ / "stderr"), "--max-connections"));
  // Once the idle ones are gone (deadline 3 s), the mock serves again.
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(curl("-o /dev/null -w '%{http_code}'", "/__admin/health").out, "200");
}

TEST_F(MockServerTest, FaultRuleOnALongPathDoesNotEndTheMock) {
  setFaults(
      {{"seed", 1},
       {"rules",
        {{{"path", "^/api/.*z$"}, {"probability", 1}, {"kind", "status"}, {"status", 502}}}}});
  const std::string longPath = "/api/" + std::string(60'000, 'a');
  EXPECT_EQ(curl("-o /dev/null -w '%{http_code}'", longPath + "z").out, "502");
  EXPECT_EQ(curl("-o /dev/null -w '%{http_code}'", longPath).out, "404");
  // Patterns the matcher cannot run in linear time are refused with the reason.
  const RunResult bad =
      curl("-X POST -w '\\n%{http_code}' -d " +
               shellQuote(R"({"rules":[{"path":"(a+)+$","probability":1,"kind":"reset"}]})"),
           "/__admin/faults");
  const auto lines = zzjb::test::lines(bad.out);
  ASSERT_EQ(lines.size(), 2u) << bad.out;
  EXPECT_EQ(lines[1], "422");
  EXPECT_TRUE(contains(lines[0], "group")) << lines[0];
  EXPECT_EQ(curl("-o /dev/null -w '%{http_code}'", "/__admin/health").out, "200");
}

TEST_F(MockServerTest, HostileBytesAndValuesAreRefusedAndTheJournalStaysReadable) {
  const int port = std::stoi(readFile(tmp_ / "port"));
  // A path that is not UTF-8, sent byte for byte.
  const RunResult r = sendRaw(
      port, "GET /api/v1/\\377\\376 HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n");
  EXPECT_TRUE(contains(r.out, "HTTP/1.1 400")) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "BAD_REQUEST")) << r.out;
  EXPECT_FALSE(contains(r.out, "\xff")) << r.out;
  // A body nested 100 000 deep, and clock values at the ends of int64.
  writeFile(tmp_ / "deep.json", std::string(100'000, '[') + std::string(100'000, ']'));
  const RunResult deep = curl("-X POST -o /dev/null -w '%{http_code}' --data-binary @" +
                                  shellQuote((tmp_ / "deep.json").string()),
                              "/api/v1/auth/login");
  EXPECT_EQ(deep.out, "400") << deep.err;
  for (const char* body : {R"({"offsetSeconds": 9223372036854775807})",
                           R"({"advanceSeconds": -9223372036854775808})"}) {
    const RunResult clock =
        curl("-X POST -o /dev/null -w '%{http_code}' -d " + shellQuote(body), "/__admin/clock");
    EXPECT_EQ(clock.out, "422") << body;
  }
  const json journal = getJson("/__admin/journal?since=0");
  ASSERT_FALSE(journal.is_discarded());
  EXPECT_GE(journal["items"].size(), 2u) << journal.dump();
  EXPECT_EQ(getJson("/__admin/health")["status"], "ok");
}

TEST_F(MockServerTest, StateFileIsPrivateAndASpecialFileIsRefused) {
  const fs::path stateFile = tmp_ / "state.json";
  start({"--state-file", stateFile.string()});
  ASSERT_EQ(curl("-X POST -o /dev/null -w '%{http_code}' -d '{\"mode\": \"manual\"}'",
                 "/__admin/review-policy")
                .out,
            "200");
  EXPECT_EQ(fs::status(stateFile).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  ASSERT_EQ(mock_->stop(), 0);
  mock_.reset();
  // A FIFO in place of the state file: refused at once (it used to be read until it ended).
  const fs::path fifo = tmp_ / "fifo-state.json";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const auto started = std::chrono::steady_clock::now();
  MockProcess bad(tmp_.path(), {"--state-file", fifo.string()}, ZZJB_MOCK_BIN);
  EXPECT_FALSE(bad.running());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(WEXITSTATUS(bad.rawStatus()), 78);
  EXPECT_TRUE(contains(readFile(tmp_ / "stderr"), "FILE_NOT_REGULAR")) << readFile(tmp_ / "stderr");
}

}  // namespace
