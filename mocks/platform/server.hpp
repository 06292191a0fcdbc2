// zzjb-mock's HTTPS server around mock::Platform: TLS, keep-alive connections, the request
// journal (/__admin/journal), seeded fault injection (/__admin/faults) and a clean stop on
// SIGTERM/SIGINT. Boost.Beast stays behind this header, in server.cpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>

// What the server itself answers (loopback peers only, otherwise 403 FORBIDDEN like the rest of
// /__admin/):
// - GET /__admin/journal?since=N → {"items": [{"seq", "time", "method", "path", "status",
//   "idempotencyKey", "creditCode"}], "lastSeq"}: the platform requests (never /__admin/ ones,
//   so that tests can count platform calls) with seq > N, oldest first, from a ring of
//   journalCapacity entries. `time` is wall-clock time in +08:00 (not the platform's simulated
//   clock); `path` has no query; status 0 = the connection was reset by a fault; unknown
//   idempotencyKey/creditCode are null. Seqs start at 1 and never restart.
// - GET|POST|DELETE /__admin/faults: the current rules / replace them (and reseed) / remove them.
//   `path` is a regular expression searched in the path without query (anchor it with ^…$),
//   the non-backtracking subset of ECMAScript that faults.hpp describes (no groups), at most 256
//   characters; `method` empty or absent = any. One draw per matching rule per request, in rule
//   order; the first rule that fires wins. A status fault of 503 or 429 without retryAfter sends
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
  // Request bodies (bytes; larger ones get 413 PAYLOAD_TOO_LARGE before any byte of the body is
  // read): the upload limit only for POST /api/v1/skills/group-declarations with a live session,
  // the admin limit for /__admin/ from loopback (a catalog), the small limit for the rest.
  std::uint64_t bodyLimit = 64u << 20;
  std::uint64_t adminBodyLimit = 16u << 20;
  std::uint64_t smallBodyLimit = 1u << 20;
  std::size_t maxConnections = 256;  // more are closed at once (--max-connections)
  // Whole-operation deadlines (not per read): the header of a request (also the keep-alive wait),
  // then its body. A client trickling bytes is cut off when one passes (--request-timeout).
  std::chrono::milliseconds headerTimeout{60'000};
  std::chrono::milliseconds bodyTimeout{120'000};
  std::chrono::milliseconds shutdownGrace{3000};  // in-flight requests may finish this long
  // How serve() is told to stop: SIGTERM/SIGINT (zzjb-mock), and/or a stop requested on this
  // token (a platform served in-process, e.g. by the plugin test kit's rehearsal).
  bool handleSignals = true;
  std::stop_token stop;
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

// Serves `platform` until SIGTERM or SIGINT arrives (handleSignals) or `stop` is requested, then
// stops accepting, lets in-flight requests finish for up to shutdownGrace and returns. Blocks the
// calling thread.
std::expected<void, ServeError> serve(Platform& platform, const ServerOptions& options);

// The server's request handling over bytes, for tests and fuzzers (docs/platform-api.md): one
// HTTP/1.1 request as a connection delivers it after TLS, read by the same parser with the same
// header and body limits, admitted the same way (body limit from the header), routed the same
// way (journal, faults, /__admin/, the platform), answered as the bytes of the HTTP response.
// Bytes that end before the request does give "" (a connection would wait); so does a reset
// fault; a delay fault answers without waiting. The journal and faults live as long as the
// RawServer. Never throws for any input; Platform::handle's lock makes it thread-safe.
class RawServer {
 public:
  explicit RawServer(Platform& platform, ServerOptions options = {});
  ~RawServer();
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;

  [[nodiscard]] std::string handle(std::string_view request, bool loopback = true);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One request through a fresh RawServer (no journal or faults before it), from loopback.
[[nodiscard]] std::string handleRawRequest(Platform& platform, std::string_view request);

}  // namespace zzjb::mock
