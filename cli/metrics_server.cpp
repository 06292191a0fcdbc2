// The /metrics and /healthz HTTP server: POSIX sockets, one thread, one connection at a time.
#include "metrics_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace zzjb::cli {

namespace {

const char* reasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

void sendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string sysError(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

std::expected<ListenAddress, std::string> parseListenAddress(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (text.starts_with("[")) {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::unexpected("\"" + std::string(text) + "\" is not HOST:PORT ([::1]:9464)");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
      return std::unexpected("\"" + std::string(text) + "\" is not HOST:PORT (127.0.0.1:9464)");
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  ListenAddress out;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || out.port < 0 ||
      out.port > 65535) {
    return std::unexpected("\"" + std::string(port) + "\" is not a port number (0-65535)");
  }
  out.host = host == "localhost" ? std::string("127.0.0.1") : std::string(host);
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, out.host.c_str(), &v4) == 1) {
    if ((ntohl(v4.s_addr) >> 24) != 127) {
      return std::unexpected(out.host + " is not a loopback address (127.0.0.0/8 or ::1)");
    }
    return out;
  }
  if (inet_pton(AF_INET6, out.host.c_str(), &v6) == 1) {
    if (!IN6_IS_ADDR_LOOPBACK(&v6)) {
      return std::unexpected(out.host + " is not a loopback address (127.0.0.0/8 or ::1)");
    }
    return out;
  }
  return std::unexpected("\"" + std::string(host) +
                         "\" is not a loopback address (127.0.0.1, ::1 or localhost)");
}

HttpHandler metricsHandler(const Metrics& metrics) {
  return [&metrics](const std::string& method, const std::string& path) {
    HttpResponse r;
    if (path != "/metrics" && path != "/healthz") {
      r.status = 404;
      r.body = "not found: try /metrics or /healthz\n";
      return r;
    }
    if (method != "GET" && method != "HEAD") {
      r.status = 405;
      r.body = "only GET\n";
      return r;
    }
    if (path == "/metrics") {
      r.contentType = "text/plain; version=0.0.4; charset=utf-8";
      r.body = metrics.prometheusText();
      return r;
    }
    const HealthReport h = metrics.health();
    r.status = h.httpStatus;
    r.contentType = "application/json";
    r.body = h.json + "\n";
    return r;
  };
}

std::expected<std::unique_ptr<HttpServer>, std::string> HttpServer::start(
    const ListenAddress& address, HttpHandler handler) {
  const bool v6 = address.host.find(':') != std::string::npos;
  const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::unexpected(sysError("socket"));
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(static_cast<std::uint16_t>(address.port));
    inet_pton(AF_INET6, address.host.c_str(), &a->sin6_addr);
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(static_cast<std::uint16_t>(address.port));
    inet_pton(AF_INET, address.host.c_str(), &a->sin_addr);
    len = sizeof *a;
  }
  const std::string where = (v6 ? "[" + address.host + "]" : address.host) + ":" +
                            std::to_string(address.port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    std::string e = sysError("cannot listen on " + where);
    ::close(fd);
    return std::unexpected(e);
  }
  if (::listen(fd, 16) != 0) {
    std::string e = sysError("listen on " + where);
    ::close(fd);
    return std::unexpected(e);
  }
  sockaddr_storage bound{};
  socklen_t blen = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &blen);
  const int port = v6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                      : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  std::unique_ptr<HttpServer> server(new HttpServer(fd, port, std::move(handler)));
  if (::pipe2(server->stopPipe_, O_CLOEXEC) != 0) return std::unexpected(sysError("pipe"));
  server->thread_ = std::thread([s = server.get()] { s->serve(); });
  return server;
}

HttpServer::HttpServer(int listenFd, int port, HttpHandler handler)
    : listenFd_(listenFd), port_(port), handler_(std::move(handler)) {}

HttpServer::~HttpServer() {
  stop();
  for (int& fd : stopPipe_) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  if (listenFd_ >= 0) ::close(listenFd_);
}

void HttpServer::stop() {
  if (!thread_.joinable()) return;
  const char byte = 'x';
  while (::write(stopPipe_[1], &byte, 1) < 0 && errno == EINTR) {
  }
  thread_.join();
  ::close(listenFd_);  // refuse new connections from now on
  listenFd_ = -1;
}

void HttpServer::serve() {
  while (true) {
    pollfd fds[2] = {{listenFd_, POLLIN, 0}, {stopPipe_[0], POLLIN, 0}};
    const int n = ::poll(fds, 2, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if ((fds[1].revents & POLLIN) != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    answer(fd);
    ::close(fd);
  }
}

void HttpServer::answer(int fd) {
  // A client that says nothing for 2 s is dropped: one connection at a time must not hang.
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  std::string request;
  char buf[1024];
  while (request.find("\r\n\r\n") == std::string::npos &&
         request.find("\n\n") == std::string::npos && request.size() < 8192) {
    const ssize_t got = ::recv(fd, buf, sizeof buf, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    request.append(buf, static_cast<std::size_t>(got));
  }
  const std::string line = request.substr(0, request.find_first_of("\r\n"));
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string::npos ? std::string::npos : line.find(' ', sp1 + 1);
  HttpResponse r;
  std::string method;
  if (sp1 == std::string::npos || sp2 == std::string::npos ||
      !line.substr(sp2 + 1).starts_with("HTTP/1.")) {
    if (request.empty()) return;  // nothing asked, nothing to answer
    r.status = 400;
    r.body = "bad request\n";
  } else {
    method = line.substr(0, sp1);
    std::string path = line.substr(sp1 + 1, sp2 - sp1 - 1);
    path = path.substr(0, path.find('?'));
    try {
      r = handler_(method, path);
    } catch (const std::exception& e) {
      r = HttpResponse{500, "text/plain; charset=utf-8", std::string("error: ") + e.what() + "\n"};
    }
  }
  std::string head = "HTTP/1.1 " + std::to_string(r.status) + " " + reasonPhrase(r.status) +
                     "\r\nContent-Type: " + r.contentType +
                     "\r\nContent-Length: " + std::to_string(r.body.size()) +
                     "\r\nCache-Control: no-store\r\nConnection: close\r\n";
  if (r.status == 405) head += "Allow: GET, HEAD\r\n";
  head += "\r\n";
  sendAll(fd, method == "HEAD" ? head : head + r.body);
  ::shutdown(fd, SHUT_WR);
}

}  // namespace zzjb::cli
