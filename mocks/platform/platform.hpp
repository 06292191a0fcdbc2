// zzjb-mock's platform: the state and rules of docs/platform-api.md behind one request → response
// function, with no networking (the server in server.cpp does TLS, connections, faults and the
// journal). Implemented independently of adapters/platform, so that the two check each other.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace zzjb::mock {

struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, e.g. "/api/v1/skills/permission-applications?idempotencyKey=k"
  std::map<std::string, std::string, CaseInsensitiveLess> headers;
  std::string body;
  bool loopback = true;  // the peer is 127.0.0.0/8 or ::1 (the admin API answers only then)
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Type etc.; the server adds X-Request-Id
  std::string body;
  // For the journal: what the platform learnt about the request.
  std::string idempotencyKey;
  std::string creditCode;  // the school of the session, when authenticated
  bool mutated = false;    // the state changed: the server persists it
};

struct PlatformOptions {
  std::vector<std::string> trustCaFiles;  // --trust-ca: CAs that school certificates chain to
  std::string catalogFile;                // --catalog: initial catalog (JSON, the contract's shape)
  int sessionTtlSeconds = 1800;           // --session-ttl
  std::uint64_t seed = 0;                 // --seed: every random choice (ids, nonces, tokens)
};

class Platform {
 public:
  explicit Platform(PlatformOptions options);
  ~Platform();
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  // Thread-safe. Serves /api/v1/... and /__admin/... except /__admin/journal and
  // /__admin/faults, which belong to the server. `requestId` goes into error bodies.
  Response handle(const Request& request, const std::string& requestId);

  // Whether an Authorization header value ("Bearer TOKEN") names a session that has not
  // expired: the server's test, before reading a body, for the upload's larger limit.
  [[nodiscard]] bool hasLiveSession(std::string_view authorization) const;

  // The fault kind "session-expire": the session this request carries ends now.
  void expireSessionOf(const Request& request);

  // The whole state as JSON (for --state-file), and back. load returns false on a bad document.
  [[nodiscard]] std::string saveState() const;
  bool loadState(const std::string& json, std::string& error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zzjb::mock
