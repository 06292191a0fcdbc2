// Another local user who keeps swapping a library zzjb is about to load: issue 11 item 1 and
// must-show 1 (docs/plugins.md, "Loading plugins safely"). Needs root (to become that user); the
// tests GTEST_SKIP otherwise.
//
// The swapper is a forked child that drops to uid/gid 65534 (nobody), writes the attacker's
// library into the directory as its own file, and then, until stopped, exchanges it with the
// root-made good library under the name zzjb loads (renameat2 RENAME_EXCHANGE, so the name always
// exists; plain rename() back and forth where the file system cannot exchange). Every completed
// swap is counted in memory shared with the parent, so a test can assert the race really ran.
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <new>
#include <string>

namespace zzjb::test {

inline constexpr uid_t kOtherUser = 65534;

class OtherUserSwapper {
 public:
  // `dir` must let uid 65534 create files (that is the point); `target` is the name zzjb loads,
  // already holding the good library; `attackerBytes` become `dir`/.attacker-spare, owned by 65534.
  OtherUserSwapper(const std::filesystem::path& dir, const std::string& target,
                   const std::string& attackerBytes) {
    void* shared = ::mmap(nullptr, sizeof(std::atomic<long>), PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) return;
    swaps_ = new (shared) std::atomic<long>(0);
    ready_ = ::pipe(readyPipe_) == 0;
    if (!ready_) return;
    pid_ = ::fork();
    if (pid_ == 0) runChild(dir, target, attackerBytes);  // never returns
    ::close(readyPipe_[1]);
    char ok = 0;
    ready_ = pid_ > 0 && ::read(readyPipe_[0], &ok, 1) == 1 && ok == 'y';
    ::close(readyPipe_[0]);
  }
  OtherUserSwapper(const OtherUserSwapper&) = delete;
  OtherUserSwapper& operator=(const OtherUserSwapper&) = delete;
  ~OtherUserSwapper() {
    stop();
    if (swaps_ != nullptr) ::munmap(static_cast<void*>(swaps_), sizeof(std::atomic<long>));
  }

  // The child dropped its rights, planted its file and is swapping.
  [[nodiscard]] bool started() const { return ready_; }
  [[nodiscard]] long swaps() const { return swaps_ == nullptr ? 0 : swaps_->load(); }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  [[noreturn]] void runChild(const std::filesystem::path& dir, const std::string& target,
                             const std::string& attackerBytes) {
    ::close(readyPipe_[0]);
    const auto fail = [&] {
      (void)!::write(readyPipe_[1], "n", 1);
      ::_exit(1);
    };
    if (::setgroups(0, nullptr) != 0 || ::setgid(kOtherUser) != 0 || ::setuid(kOtherUser) != 0) {
      fail();
    }
    if (::getuid() != kOtherUser || ::geteuid() != kOtherUser) fail();
    const std::string spare = (dir / ".attacker-spare").string();
    const std::string name = (dir / target).string();
    int fd = ::open(spare.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
    if (fd < 0) fail();
    std::size_t done = 0;
    while (done < attackerBytes.size()) {
      ssize_t n = ::write(fd, attackerBytes.data() + done, attackerBytes.size() - done);
      if (n <= 0) fail();
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    const bool canExchange =
        ::renameat2(AT_FDCWD, spare.c_str(), AT_FDCWD, name.c_str(), RENAME_EXCHANGE) == 0;
    if (!canExchange && errno != EINVAL && errno != ENOSYS) fail();
    (void)!::write(readyPipe_[1], "y", 1);
    ::close(readyPipe_[1]);
    const std::string parked = (dir / ".root-parked").string();
    for (;;) {
      if (canExchange) {
        if (::renameat2(AT_FDCWD, spare.c_str(), AT_FDCWD, name.c_str(), RENAME_EXCHANGE) == 0) {
          swaps_->fetch_add(1);
        }
        continue;
      }
      // good → parked, attacker → name, name → spare, parked → name: the name is briefly absent.
      if (::rename(name.c_str(), parked.c_str()) == 0 &&
          ::rename(spare.c_str(), name.c_str()) == 0 &&
          ::rename(name.c_str(), spare.c_str()) == 0 &&
          ::rename(parked.c_str(), name.c_str()) == 0) {
        swaps_->fetch_add(1);
      }
    }
  }

  pid_t pid_ = -1;
  int readyPipe_[2] = {-1, -1};
  bool ready_ = false;
  std::atomic<long>* swaps_ = nullptr;
};

// Runs `attempt` in a fresh child process and returns what it returned (false if it died). Each
// load must be a first load: within one process the dynamic loader answers a path it has loaded
// with the library it already has, which would hide a check-then-load race after the first try.
template <typename Attempt>
bool inFreshProcess(Attempt attempt) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(attempt() ? 0 : 1);
  if (pid < 0) return false;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace zzjb::test
