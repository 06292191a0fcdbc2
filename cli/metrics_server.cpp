// The /metrics and /healthz HTTP server: POSIX sockets, one thread, one poll loop over every open
// connection, each with a whole-request deadline (docs/operations.md, "The metrics server").
#include "metrics_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "zzjb/messages/catalog.hpp"

namespace zzjb::cli {

namespace {

// HTTP's own words, as RFC 9110 spells them: protocol, not text.
const char* reasonPhrase(int status) {
  // not-text: begin — HTTP reason phrases
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
  // not-text: end
}

using SteadyClock = std::chrono::steady_clock;

std::string responseText(const HttpResponse& r, bool headOnly) {
  std::string head = "HTTP/1.1 " + std::to_string(r.status) + " " + reasonPhrase(r.status) +
                     "\r\nContent-Type: " + r.contentType +
                     "\r\nContent-Length: " + std::to_string(r.body.size()) +
                     "\r\nCache-Control: no-store\r\nConnection: close\r\n";  // not-text: HTTP headers
  if (r.status == 405) head += "Allow: GET, HEAD\r\n";
  head += "\r\n";
  return headOnly ? head : head + r.body;
}

HttpResponse plain(int status, std::string body) {
  return HttpResponse{status, "text/plain; charset=utf-8", std::move(body)};
}

bool headersComplete(const std::string& request) {
  return request.find("\r\n\r\n") != std::string::npos || request.find("\n\n") != std::string::npos;
}

// Closes a connection. What the client sent and was not read is read away first (a little, without
// waiting): closing a socket with unread data resets the connection, and the client could lose
// the answer it was sent.
void closeConnection(int fd) {
  char buf[4096];
  for (int i = 0; i < 16; ++i) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0 && !(n < 0 && errno == EINTR)) break;
  }
  ::close(fd);
}

// Milliseconds from now to `when` for poll(): 0 when past, at most a minute.
int millisecondsUntil(SteadyClock::time_point when, SteadyClock::time_point now) {
  if (when <= now) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(when - now).count();
  return static_cast<int>(std::min<std::chrono::milliseconds::rep>(ms, 60'000));
}

std::string sysError(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

std::expected<ListenAddress, std::string> parseListenAddress(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (text.starts_with("[")) {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::unexpected(msg::text("daemon.listen.not_host_port_v6", {{"address", text}}));
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
      return std::unexpected(msg::text("daemon.listen.not_host_port", {{"address", text}}));
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  ListenAddress out;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || out.port < 0 ||
      out.port > 65535) {
    return std::unexpected(msg::text("daemon.listen.not_port", {{"port", port}}));
  }
  out.host = host == "localhost" ? std::string("127.0.0.1") : std::string(host);
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, out.host.c_str(), &v4) == 1) {
    if ((ntohl(v4.s_addr) >> 24) != 127) {
      return std::unexpected(msg::text("daemon.listen.not_loopback", {{"host", out.host}}));
    }
    return out;
  }
  if (inet_pton(AF_INET6, out.host.c_str(), &v6) == 1) {
    if (!IN6_IS_ADDR_LOOPBACK(&v6)) {
      return std::unexpected(msg::text("daemon.listen.not_loopback", {{"host", out.host}}));
    }
    return out;
  }
  return std::unexpected(msg::text("daemon.listen.not_loopback_name", {{"host", host}}));
}

HttpHandler metricsHandler(const Metrics& metrics) {
  return [&metrics](const std::string& method, const std::string& path) {
    HttpResponse r;
    if (path != "/metrics" && path != "/healthz") {
      r.status = 404;
      r.body = "not found: try /metrics or /healthz\n";  // not-text: an HTTP body for scrapers and probes
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
    const ListenAddress& address, HttpHandler handler, ServerLimits limits) {
  const bool v6 = address.host.find(':') != std::string::npos;
  const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
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
    std::string e = sysError(msg::text("daemon.listen.cannot_bind", {{"address", where}}));
    ::close(fd);
    return std::unexpected(e);
  }
  if (::listen(fd, 64) != 0) {
    std::string e = sysError(msg::text("daemon.listen.cannot_listen", {{"address", where}}));
    ::close(fd);
    return std::unexpected(e);
  }
  sockaddr_storage bound{};
  socklen_t blen = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &blen);
  const int port = v6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                      : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  if (limits.maxConnections == 0) limits.maxConnections = 1;
  std::unique_ptr<HttpServer> server(new HttpServer(fd, port, std::move(handler), limits));
  if (::pipe2(server->stopPipe_, O_CLOEXEC) != 0) return std::unexpected(sysError("pipe"));
  server->thread_ = std::thread([s = server.get()] { s->serve(); });
  return server;
}

// One open connection: first its request is read, then its answer is sent.
struct HttpServer::Connection {
  int fd = -1;
  SteadyClock::time_point deadline;  // of the phase it is in
  std::string request;
  bool answering = false;
  std::string answer;
  std::size_t sent = 0;
};

HttpServer::HttpServer(int listenFd, int port, HttpHandler handler, ServerLimits limits)
    : listenFd_(listenFd), port_(port), handler_(std::move(handler)), limits_(limits) {}

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
  std::vector<Connection> open;
  std::vector<pollfd> fds;
  while (true) {
    auto now = SteadyClock::now();
    int timeout = -1;
    fds.clear();
    fds.push_back({stopPipe_[0], POLLIN, 0});
    fds.push_back({listenFd_, POLLIN, 0});
    for (const Connection& c : open) {
      fds.push_back({c.fd, static_cast<short>(c.answering ? POLLOUT : POLLIN), 0});
      const int ms = millisecondsUntil(c.deadline, now);
      timeout = timeout < 0 ? ms : std::min(timeout, ms);
    }
    const int n = ::poll(fds.data(), fds.size(), timeout);
    if (n < 0 && errno != EINTR) break;
    if (n > 0 && (fds[0].revents & POLLIN) != 0) break;

    now = SteadyClock::now();
    std::vector<Connection> still;
    still.reserve(open.size());
    for (std::size_t i = 0; i < open.size(); ++i) {
      Connection& c = open[i];
      const short events = n > 0 ? fds[i + 2].revents : short{0};
      bool keep = true;
      if (events != 0) keep = c.answering ? transmit(c) : receive(c);
      if (keep && now >= c.deadline) {
        if (!c.answering && !c.request.empty()) {
          // Part of a request and no more within the deadline: say so, briefly, and close.
          c.request.clear();
          c.answer = responseText(plain(408, "request not complete in time\n"), false);  // not-text: HTTP body
          c.answering = true;
          c.deadline = now + limits_.requestDeadline;
          keep = transmit(c);
        } else {
          keep = false;
        }
      }
      if (keep) {
        still.push_back(std::move(c));
      } else {
        closeConnection(c.fd);
      }
    }
    open = std::move(still);
    if (n > 0 && (fds[1].revents & POLLIN) != 0) accept(open);
  }
  for (const Connection& c : open) ::close(c.fd);
}

void HttpServer::accept(std::vector<Connection>& open) {
  while (true) {
    const int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN: none left; anything else: try again at the next poll
    }
    if (open.size() >= limits_.maxConnections) {
      // Full: one short answer (it fits any socket buffer) instead of a queue that could hold
      // the health probe behind the clients already here.
      const std::string busy = responseText(plain(503, "too many connections\n"), false);  // not-text: HTTP body
      [[maybe_unused]] const ssize_t sent =
          ::send(fd, busy.data(), busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::shutdown(fd, SHUT_WR);
      closeConnection(fd);
      continue;
    }
    Connection c;
    c.fd = fd;
    c.deadline = SteadyClock::now() + limits_.requestDeadline;
    open.push_back(std::move(c));
  }
}

bool HttpServer::receive(Connection& c) {
  char buf[2048];
  while (true) {
    const std::size_t room = limits_.maxRequestBytes + 1 - c.request.size();
    const ssize_t got = ::recv(c.fd, buf, std::min(room, sizeof buf), MSG_DONTWAIT);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (got < 0) return false;
    if (got == 0) {
      // The client finished sending: answer what came (nothing asked, nothing to answer).
      if (c.request.empty()) return false;
      respond(c);
      return transmit(c);
    }
    c.request.append(buf, static_cast<std::size_t>(got));
    if (headersComplete(c.request) || c.request.size() > limits_.maxRequestBytes) {
      respond(c);
      return transmit(c);
    }
  }
}

bool HttpServer::transmit(Connection& c) {
  while (c.sent < c.answer.size()) {
    const ssize_t n = ::send(c.fd, c.answer.data() + c.sent, c.answer.size() - c.sent,
                             MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (n <= 0) return false;
    c.sent += static_cast<std::size_t>(n);
  }
  ::shutdown(c.fd, SHUT_WR);
  return false;
}

void HttpServer::respond(Connection& c) {
  c.answering = true;
  c.deadline = SteadyClock::now() + limits_.requestDeadline;
  if (!headersComplete(c.request) && c.request.size() > limits_.maxRequestBytes) {
    c.answer = responseText(plain(431, "request headers larger than " +  // not-text: HTTP body
                                           std::to_string(limits_.maxRequestBytes) + " bytes\n"),
                            false);
    return;
  }
  const std::string line = c.request.substr(0, c.request.find_first_of("\r\n"));
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string::npos ? std::string::npos : line.find(' ', sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos ||
      !line.substr(sp2 + 1).starts_with("HTTP/1.")) {
    c.answer = responseText(plain(400, "bad request\n"), false);  // not-text: HTTP body
    return;
  }
  const std::string method = line.substr(0, sp1);
  std::string path = line.substr(sp1 + 1, sp2 - sp1 - 1);
  path = path.substr(0, path.find('?'));
  HttpResponse r;
  try {
    r = handler_(method, path);
  } catch (const std::exception& e) {
    r = plain(500, std::string("error: ") + e.what() + "\n");
  }
  c.answer = responseText(r, method == "HEAD");
  c.request.clear();
}

}  // namespace zzjb::cli
