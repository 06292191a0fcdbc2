// The /metrics and /healthz server over a real loopback socket on port 0.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "metrics_server.hpp"

namespace {

using zzjb::cli::HttpServer;
using zzjb::cli::Metrics;
using zzjb::cli::parseListenAddress;
using zzjb::cli::ServerLimits;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

// A connected socket to 127.0.0.1:port (-1 when the connection failed). Reads time out after 10 s
// so that a test fails instead of hanging.
int connectTo(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// Everything the server sends on `fd` until it closes (or a read times out).
std::string readToEnd(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

ServerLimits quickLimits() {
  ServerLimits l;
  l.requestDeadline = 500ms;
  return l;
}

// Sends `request` to 127.0.0.1:port and returns everything the server answered.
std::string talk(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return "connect failed";
  }
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return out;
}

std::string get(int port, const std::string& path) {
  return talk(port, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n");
}

std::string body(const std::string& response) {
  const auto p = response.find("\r\n\r\n");
  return p == std::string::npos ? std::string() : response.substr(p + 4);
}

TEST(ListenAddress, OnlyLoopback) {
  EXPECT_EQ(parseListenAddress("127.0.0.1:9464")->port, 9464);
  EXPECT_EQ(parseListenAddress("localhost:0")->host, "127.0.0.1");
  EXPECT_EQ(parseListenAddress("127.0.0.2:80")->host, "127.0.0.2");
  EXPECT_EQ(parseListenAddress("[::1]:9464")->host, "::1");
  EXPECT_EQ(parseListenAddress("0.0.0.0:9464").error(),
            "0.0.0.0 不是回环地址（127.0.0.0/8 或 ::1）");
  EXPECT_FALSE(parseListenAddress("192.168.1.10:9464"));
  EXPECT_FALSE(parseListenAddress("[::]:9464"));
  EXPECT_FALSE(parseListenAddress("example.com:9464"));
  EXPECT_FALSE(parseListenAddress("127.0.0.1"));
  EXPECT_FALSE(parseListenAddress("127.0.0.1:65536"));
  EXPECT_FALSE(parseListenAddress("127.0.0.1:x"));
}

TEST(MetricsServer, AnswersMetricsHealthzAnd404) {
  Metrics metrics([] { return 1803862801.0; });
  metrics.setSchools({"xuhui-zz"});
  auto server = HttpServer::start(*parseListenAddress("127.0.0.1:0"), zzjb::cli::metricsHandler(metrics));
  ASSERT_TRUE(server) << server.error();
  const int port = (*server)->port();
  ASSERT_GT(port, 0);

  std::string r = get(port, "/metrics");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 200 OK\r\n")) << r;
  EXPECT_NE(r.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(r.find("Connection: close\r\n"), std::string::npos);
  EXPECT_NE(body(r).find("# TYPE zzjb_passes_total counter\n"), std::string::npos);
  EXPECT_EQ(body(r).find("zzjb_passes_total{outcome=\"ok\"}"), std::string::npos);

  // The figures change with what happened.
  metrics.passStarted();
  metrics.passFinished(zzjb::cli::PassResult{});
  EXPECT_NE(body(get(port, "/metrics?x=1")).find("zzjb_passes_total{outcome=\"ok\"} 1\n"),
            std::string::npos);

  r = get(port, "/healthz");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 200 OK\r\n")) << r;
  EXPECT_NE(r.find("Content-Type: application/json\r\n"), std::string::npos);
  auto j = nlohmann::json::parse(body(r));
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["lastPass"]["outcome"], "ok");
  EXPECT_EQ(j["schools"][0]["id"], "xuhui-zz");

  zzjb::SchoolOutcome failed;
  failed.school = "xuhui-zz";
  failed.kind = zzjb::SchoolOutcomeKind::Failed;
  metrics.onSchoolDone(failed);
  r = get(port, "/healthz");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 503 Service Unavailable\r\n")) << r;
  EXPECT_EQ(nlohmann::json::parse(body(r))["status"], "failing");

  EXPECT_TRUE(get(port, "/").starts_with("HTTP/1.1 404 Not Found\r\n"));
  EXPECT_TRUE(get(port, "/metricsx").starts_with("HTTP/1.1 404 Not Found\r\n"));
  EXPECT_TRUE(talk(port, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
                  .starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
  EXPECT_TRUE(talk(port, "nonsense\r\n\r\n").starts_with("HTTP/1.1 400 Bad Request\r\n"));
  const std::string head = talk(port, "HEAD /metrics HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_EQ(body(head), "");

  (*server)->stop();
  EXPECT_EQ(get(port, "/metrics"), "connect failed");
}

TEST(MetricsServer, RefusesAPortInUse) {
  Metrics metrics;
  auto first = HttpServer::start(*parseListenAddress("127.0.0.1:0"), zzjb::cli::metricsHandler(metrics));
  ASSERT_TRUE(first);
  auto second = HttpServer::start(
      *parseListenAddress("127.0.0.1:" + std::to_string((*first)->port())),
      zzjb::cli::metricsHandler(metrics));
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().find("无法在 127.0.0.1:"), std::string::npos) << second.error();
}

// Issue 11 item 7: clients that hold their connection open (idle, or trickling a byte now and
// then) do not keep another client from its answer.
TEST(MetricsServer, AnswersHealthzAtOnceWhileOtherClientsHoldTheirConnections) {
  Metrics metrics;
  auto server = HttpServer::start(*parseListenAddress("127.0.0.1:0"),
                                  zzjb::cli::metricsHandler(metrics));
  ASSERT_TRUE(server) << server.error();
  const int port = (*server)->port();
  std::vector<int> slow;
  for (int i = 0; i < 8; ++i) {
    const int fd = connectTo(port);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::send(fd, "GET /metr", 9, MSG_NOSIGNAL), 9);
    slow.push_back(fd);
  }
  for (int round = 0; round < 3; ++round) {
    for (int fd : slow) ::send(fd, "i", 1, MSG_NOSIGNAL);
    const auto t0 = SteadyClock::now();
    const std::string r = get(port, "/healthz");
    EXPECT_LT(SteadyClock::now() - t0, 1s);
    EXPECT_TRUE(r.starts_with("HTTP/1.1 200 OK\r\n")) << r;
  }
  for (int fd : slow) ::close(fd);
}

// The deadline is for the whole request, not per read: a client that sends a byte every 100 ms
// (which would renew a per-recv timeout forever) is answered 408 and closed at the deadline.
TEST(MetricsServer, DropsAClientStillTricklingAtTheWholeRequestDeadline) {
  Metrics metrics;
  auto server = HttpServer::start(*parseListenAddress("127.0.0.1:0"),
                                  zzjb::cli::metricsHandler(metrics), quickLimits());
  ASSERT_TRUE(server) << server.error();
  const int fd = connectTo((*server)->port());
  ASSERT_GE(fd, 0);
  const auto t0 = SteadyClock::now();
  std::thread trickle([fd] {
    for (int i = 0; i < 30; ++i) {
      if (::send(fd, "X", 1, MSG_NOSIGNAL) != 1) return;
      std::this_thread::sleep_for(100ms);
    }
  });
  const std::string r = readToEnd(fd);
  const auto took = SteadyClock::now() - t0;
  trickle.join();
  ::close(fd);
  EXPECT_TRUE(r.starts_with("HTTP/1.1 408 Request Timeout\r\n")) << r;
  EXPECT_GE(took, 450ms);
  EXPECT_LT(took, 1500ms);
}

// A connection that says nothing is closed at the deadline without an answer.
TEST(MetricsServer, ClosesASilentConnectionAtTheDeadline) {
  Metrics metrics;
  auto server = HttpServer::start(*parseListenAddress("127.0.0.1:0"),
                                  zzjb::cli::metricsHandler(metrics), quickLimits());
  ASSERT_TRUE(server) << server.error();
  const int fd = connectTo((*server)->port());
  ASSERT_GE(fd, 0);
  const auto t0 = SteadyClock::now();
  EXPECT_EQ(readToEnd(fd), "");
  EXPECT_LT(SteadyClock::now() - t0, 1500ms);
  ::close(fd);
}

// Beyond the cap a new connection is answered 503 at once; a place freed is taken again.
TEST(MetricsServer, AnswersBusyBeyondTheConnectionCap) {
  Metrics metrics;
  ServerLimits limits;
  limits.maxConnections = 2;
  auto server = HttpServer::start(*parseListenAddress("127.0.0.1:0"),
                                  zzjb::cli::metricsHandler(metrics), limits);
  ASSERT_TRUE(server) << server.error();
  const int port = (*server)->port();
  const int a = connectTo(port);
  const int b = connectTo(port);
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  std::this_thread::sleep_for(100ms);  // both accepted
  EXPECT_TRUE(get(port, "/healthz").starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
  ::close(a);
  ::close(b);
  std::string r;
  for (int i = 0; i < 50 && !r.starts_with("HTTP/1.1 200"); ++i) {
    std::this_thread::sleep_for(20ms);
    r = get(port, "/healthz");
  }
  EXPECT_TRUE(r.starts_with("HTTP/1.1 200 OK\r\n")) << r;
}

// Headers past the size limit are refused with 431, not buffered.
TEST(MetricsServer, RefusesRequestHeadersLargerThanTheLimit) {
  Metrics metrics;
  auto server = HttpServer::start(*parseListenAddress("127.0.0.1:0"),
                                  zzjb::cli::metricsHandler(metrics));
  ASSERT_TRUE(server) << server.error();
  const std::string big = "GET /metrics HTTP/1.1\r\nX-Filler: " + std::string(9000, 'a');
  EXPECT_TRUE(talk((*server)->port(), big).starts_with("HTTP/1.1 431 "));
  // and the server still answers the next client
  EXPECT_TRUE(get((*server)->port(), "/healthz").starts_with("HTTP/1.1 200 OK\r\n"));
}

}  // namespace
