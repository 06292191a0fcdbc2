// sd_notify datagrams, received on a real unix datagram socket bound by the test (a path and the
// abstract namespace), and the watchdog interval from the environment.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "sd_notify.hpp"
#include "test_support.hpp"

namespace {

using zzjb::cli::SystemdNotifier;

class Receiver {
 public:
  // name: a path, or "@name" for the abstract namespace.
  explicit Receiver(const std::string& name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, name.data(), name.size());
    if (name[0] == '@') a.sun_path[0] = '\0';
    const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() +
                                            (name[0] == '@' ? 0 : 1));
    ok_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) == 0;
    timeval tv{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Receiver() { ::close(fd_); }
  [[nodiscard]] bool ok() const { return ok_; }
  std::string next() {
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    return n < 0 ? std::string("(nothing)") : std::string(buf, static_cast<std::size_t>(n));
  }

 private:
  int fd_ = -1;
  bool ok_ = false;
};

TEST(SdNotify, SendsEachMessageAsOneDatagramToAPath) {
  zzjb::test::TempDir dir;
  const std::string path = (dir / "notify").string();
  Receiver rx(path);
  ASSERT_TRUE(rx.ok());
  SystemdNotifier n(path, std::chrono::seconds(120));
  EXPECT_TRUE(n.enabled());
  EXPECT_TRUE(n.ready("waiting for the pass at 09:00\nsecond line"));
  EXPECT_EQ(rx.next(), "READY=1\nSTATUS=waiting for the pass at 09:00 second line");
  EXPECT_TRUE(n.status("pass running"));
  EXPECT_EQ(rx.next(), "STATUS=pass running");
  EXPECT_TRUE(n.watchdog());
  EXPECT_EQ(rx.next(), "WATCHDOG=1");
  EXPECT_TRUE(n.reloading("reloading"));
  const std::string reload = rx.next();
  EXPECT_TRUE(reload.starts_with("RELOADING=1\nMONOTONIC_USEC=")) << reload;
  EXPECT_TRUE(reload.ends_with("\nSTATUS=reloading")) << reload;
  EXPECT_TRUE(n.stopping("stopping"));
  EXPECT_EQ(rx.next(), "STOPPING=1\nSTATUS=stopping");
  EXPECT_EQ(n.watchdogInterval(), std::chrono::seconds(60));
}

TEST(SdNotify, AbstractNamespace) {
  const std::string name = "@zzjb-test-" + std::to_string(::getpid());
  Receiver rx(name);
  ASSERT_TRUE(rx.ok());
  SystemdNotifier n(name);
  EXPECT_TRUE(n.ready("ready"));
  EXPECT_EQ(rx.next(), "READY=1\nSTATUS=ready");
  EXPECT_FALSE(n.watchdogInterval());
}

TEST(SdNotify, WithoutASocketEverythingIsANoOp) {
  SystemdNotifier n;
  EXPECT_FALSE(n.enabled());
  EXPECT_TRUE(n.ready("x"));
  EXPECT_TRUE(n.watchdog());
}

TEST(SdNotify, ReportsAMissingSocket) {
  zzjb::test::TempDir dir;
  SystemdNotifier n((dir / "absent").string());
  EXPECT_FALSE(n.ready("x"));
  EXPECT_NE(n.lastError().find("absent"), std::string::npos) << n.lastError();
}

TEST(SdNotify, FromEnvironment) {
  ::setenv("NOTIFY_SOCKET", "@zzjb-env", 1);
  ::setenv("WATCHDOG_USEC", "2000000", 1);
  ::unsetenv("WATCHDOG_PID");
  EXPECT_EQ(SystemdNotifier::fromEnvironment().watchdogInterval(), std::chrono::seconds(1));
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  EXPECT_EQ(SystemdNotifier::fromEnvironment().watchdogInterval(), std::chrono::seconds(1));
  ::setenv("WATCHDOG_PID", "1", 1);  // someone else's watchdog
  EXPECT_FALSE(SystemdNotifier::fromEnvironment().watchdogInterval());
  ::unsetenv("NOTIFY_SOCKET");
  ::unsetenv("WATCHDOG_USEC");
  ::unsetenv("WATCHDOG_PID");
  EXPECT_FALSE(SystemdNotifier::fromEnvironment().enabled());
}

}  // namespace
