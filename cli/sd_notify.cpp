// sd_notify over a datagram socket, as systemd's protocol describes it (sd_notify(3)).
#include "sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "zzjb/messages/catalog.hpp"

namespace zzjb::cli {

namespace {

std::string oneLine(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace

SystemdNotifier SystemdNotifier::fromEnvironment() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  std::optional<std::chrono::microseconds> watchdog;
  const char* usec = std::getenv("WATCHDOG_USEC");
  const char* pid = std::getenv("WATCHDOG_PID");
  const bool forUs = pid == nullptr || std::strtoll(pid, nullptr, 10) == ::getpid();
  if (usec != nullptr && forUs) {
    const long long v = std::strtoll(usec, nullptr, 10);
    if (v > 0) watchdog = std::chrono::microseconds(v);
  }
  return SystemdNotifier(socket == nullptr ? std::string() : std::string(socket), watchdog);
}

bool SystemdNotifier::notify(std::string_view state) {
  if (socket_.empty()) return true;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_.size() >= sizeof addr.sun_path || (socket_[0] != '/' && socket_[0] != '@')) {
    lastError_ = msg::text("daemon.sd_notify.bad_socket", {{"socket", socket_}});
    return false;
  }
  std::memcpy(addr.sun_path, socket_.data(), socket_.size());
  if (socket_[0] == '@') addr.sun_path[0] = '\0';  // the abstract namespace
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_.size() +
                                          (socket_[0] == '@' ? 0 : 1));
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    lastError_ = msg::text("daemon.sd_notify.socket_failed", {{"reason", std::strerror(errno)}});
    return false;
  }
  ssize_t n = 0;
  do {
    n = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr),
                 len);
  } while (n < 0 && errno == EINTR);
  const int err = errno;
  ::close(fd);
  if (n < 0) {
    lastError_ = msg::text("daemon.sd_notify.send_failed", {{"socket", socket_}, {"reason", std::strerror(err)}});
    return false;
  }
  return true;
}

bool SystemdNotifier::ready(std::string_view s) { return notify("READY=1\nSTATUS=" + oneLine(s)); }

bool SystemdNotifier::status(std::string_view s) { return notify("STATUS=" + oneLine(s)); }

bool SystemdNotifier::reloading(std::string_view s) {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  const long long usec = static_cast<long long>(ts.tv_sec) * 1000000LL + ts.tv_nsec / 1000;
  return notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\nSTATUS=" + oneLine(s));
}

bool SystemdNotifier::stopping(std::string_view s) {
  return notify("STOPPING=1\nSTATUS=" + oneLine(s));
}

bool SystemdNotifier::watchdog() { return notify("WATCHDOG=1"); }

std::optional<std::chrono::microseconds> SystemdNotifier::watchdogInterval() const {
  if (!watchdog_ || socket_.empty()) return std::nullopt;
  return *watchdog_ / 2;
}

}  // namespace zzjb::cli
