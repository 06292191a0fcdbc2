// zzjb-mock as a test starts it: the real binary on port 0 in a directory, its own self-signed
// certificate (--tls-out), stopped with SIGTERM. Tests only; the binary's path is passed in.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace zzjb::test {

// One zzjb-mock process. Started in the constructor, stopped (SIGTERM) by stop().
class MockProcess {
 public:
  MockProcess(const std::filesystem::path& dir, std::vector<std::string> extraArgs,
              std::string binary)
      : dir_(dir) {
    std::filesystem::remove(dir_ / "port");
    std::vector<std::string> args = {binary,
                                     "--listen",
                                     "127.0.0.1:0",
                                     "--port-file",
                                     (dir_ / "port").string(),
                                     "--tls-out",
                                     (dir_ / "tls").string(),
                                     "--threads",
                                     "2"};
    args.insert(args.end(), extraArgs.begin(), extraArgs.end());
    pid_ = fork();
    if (pid_ == 0) {
      std::freopen((dir_ / "stdout").c_str(), "w", stdout);
      std::freopen((dir_ / "stderr").c_str(), "w", stderr);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!std::filesystem::exists(dir_ / "port") && std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exitStatus_ = status;
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    port_ = std::stoi(readFile(dir_ / "port"));
  }

  ~MockProcess() {
    if (pid_ > 0) stop();
  }
  MockProcess(const MockProcess&) = delete;
  MockProcess& operator=(const MockProcess&) = delete;

  [[nodiscard]] bool running() const { return pid_ > 0 && port_ > 0; }
  [[nodiscard]] std::string base() const { return "https://127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] std::filesystem::path caFile() const { return dir_ / "tls" / "cert.pem"; }
  [[nodiscard]] int rawStatus() const { return exitStatus_; }

  // SIGTERM, then waits up to `limit`. Returns the exit code (-1: killed or still running).
  int stop(std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
    if (pid_ <= 0) return WIFEXITED(exitStatus_) ? WEXITSTATUS(exitStatus_) : -1;
    kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        exitStatus_ = status;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return -1;
  }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  int exitStatus_ = 0;
};

}  // namespace zzjb::test
