// sd_notify(3) without libsystemd: one datagram per message to the AF_UNIX socket named in
// $NOTIFY_SOCKET (a path, or "@name" in the abstract namespace). Without $NOTIFY_SOCKET every call
// is a no-op that succeeds, so the daemon runs the same outside systemd.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace zzjb::cli {

class SystemdNotifier {
 public:
  // $NOTIFY_SOCKET, and $WATCHDOG_USEC when $WATCHDOG_PID is unset or ours.
  [[nodiscard]] static SystemdNotifier fromEnvironment();
  SystemdNotifier() = default;
  explicit SystemdNotifier(std::string socket,
                           std::optional<std::chrono::microseconds> watchdog = std::nullopt)
      : socket_(std::move(socket)), watchdog_(watchdog) {}

  [[nodiscard]] bool enabled() const { return !socket_.empty(); }

  // Sends `state` ("READY=1\nSTATUS=waiting") as one datagram. False (and lastError) on failure.
  bool notify(std::string_view state);
  bool ready(std::string_view status);       // READY=1 + STATUS=
  bool status(std::string_view status);      // STATUS=
  bool reloading(std::string_view status);   // RELOADING=1 + MONOTONIC_USEC= + STATUS=
  bool stopping(std::string_view status);    // STOPPING=1 + STATUS=
  bool watchdog();                            // WATCHDOG=1

  // How often to send WATCHDOG=1: half of $WATCHDOG_USEC; nullopt when there is no watchdog.
  [[nodiscard]] std::optional<std::chrono::microseconds> watchdogInterval() const;
  [[nodiscard]] const std::string& lastError() const { return lastError_; }

 private:
  std::string socket_;
  std::optional<std::chrono::microseconds> watchdog_;
  std::string lastError_;
};

}  // namespace zzjb::cli
