// zzjb-mock served from inside another program: the same Platform and HTTPS server (server.hpp)
// on 127.0.0.1, a port the kernel picks, in a thread of its own, with a fresh self-signed
// certificate; stopped and joined when the object goes. The plugin test kit rehearses a full pass
// against it (docs/plugins.md, "Test kit"). Beast stays behind server.hpp.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <string>

#include "platform.hpp"

namespace zzjb::mock {

class InProcessPlatform {
 public:
  // Loads the platform (its catalog, its trusted CAs) and waits until the server listens.
  static std::expected<std::unique_ptr<InProcessPlatform>, std::string> start(
      PlatformOptions options);
  ~InProcessPlatform();
  InProcessPlatform(const InProcessPlatform&) = delete;
  InProcessPlatform& operator=(const InProcessPlatform&) = delete;

  [[nodiscard]] std::string baseUrl() const;  // https://127.0.0.1:PORT
  // The server's certificate: the one CA a client trusts to reach it.
  [[nodiscard]] const std::string& certificatePem() const;
  // A request from loopback straight to the platform, no socket: the admin API (/__admin/…).
  Response call(const std::string& method, const std::string& target, const std::string& body = "");

 private:
  struct Impl;
  explicit InProcessPlatform(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace zzjb::mock
