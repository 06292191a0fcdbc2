// zzjb-mock's HTTPS server around mock::Platform: TLS, keep-alive connections, the request
// journal (/__admin/journal), seeded fault injection (/__admin/faults) and a clean stop on
// SIGTERM/SIGINT. Boost.Beast stays behind this header, in server.cpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <string>

// What the server itself answers (loopback peers only, otherwise 403 FORBIDDEN like the rest of
// /__admin/):
// - GET /__admin/journal?since=N → {"items": [{"seq", "time", "method", "path", "status",
//   "idempotencyKey", "creditCode"}], "lastSeq"}: the platform requests (never /__admin/ ones,
//   so that tests can count platform calls) with seq > N, oldest first, from a ring of
//   journalCapacity entries. `time` is wall-clock time in +08:00 (not the platform's simulated
//   clock); `path` has no query; status 0 = the connection was reset by a fault; unknown
//   idempotencyKey/creditCode are null. Seqs start at 1 and never restart.
// - GET|POST|DELETE /__admin/faults: the current rules / replace them (and reseed) / remove them.
//   `path` is an ECMAScript regex searched in the path without query (anchor it with ^…$);
//   `method` empty or absent = any. One draw per matching rule per request, in rule order; the
//   first rule that fires wins. A status fault of 503 or 429 without retryAfter sends
//   Retry-After: 1 (the contract promises it). Bad rules → 422 VALIDATION_FAILED with `fields`.
// - A successful POST /__admin/reset (the platform's) also removes the faults and empties the
//   journal (seqs go on).
namespace zzjb::mock {

class Platform;

struct ServerOptions {
  std::string host = "127.0.0.1";  // an IP address; "localhost" means 127.0.0.1
  std::uint16_t port = 0;          // 0: the kernel picks one, reported through onListening
  std::string certificatePem;      // the server's chain, leaf first
  std::string privateKeyPem;
  unsigned threads = 2;                  // io_context threads
  std::size_t journalCapacity = 10'000;  // entries kept by /__admin/journal (oldest dropped)
  std::size_t bodyLimit = 64u << 20;     // bytes; larger requests get 413 PAYLOAD_TOO_LARGE
  std::chrono::milliseconds shutdownGrace{3000};  // in-flight requests may finish this long
  // Called once the socket listens, with the bound port (before any request is served).
  std::function<void(std::uint16_t port)> onListening;
  // Called, from any io thread and possibly concurrently, after the platform answered a request
  // with `mutated` and before that answer is sent. The callee serialises what it does.
  std::function<void()> onMutated;
};

struct ServeError {
  int exitCode;  // sysexits: 78 bad TLS material, 69 cannot listen
  std::string message;
};

// Serves `platform` until SIGTERM or SIGINT arrives, then stops accepting, lets in-flight requests
// finish for up to shutdownGrace and returns. Blocks the calling thread.
std::expected<void, ServeError> serve(Platform& platform, const ServerOptions& options);

}  // namespace zzjb::mock
