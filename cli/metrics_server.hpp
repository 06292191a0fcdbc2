// A tiny HTTP/1.1 server for /metrics and /healthz, on its own thread, loopback only.
// One poll loop serves every connection at once: read the request line and the headers (to the
// blank line, so that closing does not reset the connection), answer, close. No client can hold
// it: each connection has a whole-request deadline (not a per-read timeout, which a client
// trickling one byte at a time would renew forever), a size limit, and the number of open
// connections is capped (beyond it: 503 and close). See docs/operations.md, "The metrics server".
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "metrics.hpp"

namespace zzjb::cli {

struct ListenAddress {
  std::string host;  // numeric: "127.0.0.1", "::1"
  int port = 0;      // 0: any free port
};

// "127.0.0.1:9464", "127.0.0.2:0", "localhost:9464" (→ 127.0.0.1), "[::1]:9464". Refuses
// anything that is not a loopback address: the figures name schools and are not for the network.
[[nodiscard]] std::expected<ListenAddress, std::string> parseListenAddress(std::string_view text);

struct HttpResponse {
  int status = 200;
  std::string contentType = "text/plain; charset=utf-8";
  std::string body;
};

// path is without the query string.
using HttpHandler = std::function<HttpResponse(const std::string& method, const std::string& path)>;

// GET /metrics → Prometheus text 0.0.4; GET /healthz → the health JSON, 200 or 503; else 404.
[[nodiscard]] HttpHandler metricsHandler(const Metrics& metrics);

// What one client may take of the server. The defaults are what the daemon uses.
struct ServerLimits {
  // From accept to the end of the request's headers; then as long again to send the answer.
  // A client that is not done by then is dropped (408 when it sent part of a request).
  std::chrono::milliseconds requestDeadline{5000};
  std::size_t maxConnections = 32;     // open at once; one more is answered 503 and closed
  std::size_t maxRequestBytes = 8192;  // request line + headers; beyond: 431 and close
};

class HttpServer {
 public:
  // Binds and listens, then serves on a new thread until stop() or destruction.
  [[nodiscard]] static std::expected<std::unique_ptr<HttpServer>, std::string> start(
      const ListenAddress& address, HttpHandler handler, ServerLimits limits = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  [[nodiscard]] int port() const { return port_; }
  void stop();

 private:
  struct Connection;

  HttpServer(int listenFd, int port, HttpHandler handler, ServerLimits limits);
  void serve();
  void accept(std::vector<Connection>& open);
  // Reads what is there; false when the connection is done with (closed by the peer, an error).
  bool receive(Connection& c);
  // Sends what is pending; false when it is all sent or the peer is gone.
  static bool transmit(Connection& c);
  void respond(Connection& c);

  int listenFd_ = -1;
  int port_ = 0;
  int stopPipe_[2] = {-1, -1};
  HttpHandler handler_;
  ServerLimits limits_;
  std::thread thread_;
};

}  // namespace zzjb::cli
