// A tiny blocking HTTP/1.1 server for /metrics and /healthz, on its own thread, loopback only.
// One connection at a time: read the request line (and the headers, to the blank line, so that
// closing does not reset the connection), answer, close. Enough for a Prometheus scraper and a
// health probe on the same machine; nothing else should talk to it.
#pragma once

#include <atomic>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

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

class HttpServer {
 public:
  // Binds and listens, then serves on a new thread until stop() or destruction.
  [[nodiscard]] static std::expected<std::unique_ptr<HttpServer>, std::string> start(
      const ListenAddress& address, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  [[nodiscard]] int port() const { return port_; }
  void stop();

 private:
  HttpServer(int listenFd, int port, HttpHandler handler);
  void serve();
  void answer(int fd);

  int listenFd_ = -1;
  int port_ = 0;
  int stopPipe_[2] = {-1, -1};
  HttpHandler handler_;
  std::thread thread_;
};

}  // namespace zzjb::cli
