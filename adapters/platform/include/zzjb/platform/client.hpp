// The platform client: zzjb::PlatformClient (zzjb/core/platform.hpp) on libcurl. One client holds
// one CURL easy handle (one keep-alive connection) and one session; it is not thread-safe — use
// one client per thread; several clients (one per school, each in its own thread) may share one
// RequestGovernor. What it retries and how is in docs/platform-client.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "zzjb/core/finding.hpp"
#include "zzjb/core/platform.hpp"
#include "zzjb/core/signer.hpp"
#include "zzjb/platform/governor.hpp"

namespace zzjb::platform {

// One HTTP attempt, for logs and metrics. Never carries personal data: the endpoint is the
// method and path template (ids replaced by {id}, no query), the code is the platform's.
struct RequestEvent {
  // "POST /api/v1/skills/group-declarations", "GET /api/v1/skills/group-declarations/{id}"
  std::string endpoint;
  int status = 0;        // 0: no HTTP answer
  std::string code;      // platform code or CONNECTION/TIMEOUT/TLS/MALFORMED; "" on a good 2xx
  int attempt = 1;       // 1-based, per call (a login counts its own attempts)
  bool willRetry = false;
  int delayMs = 0;             // the wait before the next attempt when willRetry
  double seconds = 0;          // how long the attempt took on the wire (not the governor's wait)
  bool newConnection = false;  // the attempt opened a connection (false: a kept-alive one reused)
  std::string requestId;       // X-Request-Id, when there was an answer
};

struct ClientOptions {
  std::string baseUrl;      // "https://127.0.0.1:8443" (https only; a path prefix is kept)
  // PEM file of the CAs to verify the server with, and the only ones trusted (libcurl's default
  // CA path is not searched beside it); empty: the system store. Read once, by makePlatformClient.
  std::string caBundle;
  // "sha256//BASE64" of the server's public key (several joined by ';'), checked on top of the
  // chain (libcurl's CURLOPT_PINNEDPUBLICKEY); empty: no pin. A mismatch fails with code TLS.
  std::string pinnedPublicKey;
  int timeoutSeconds = 30;  // total per attempt
  int connectTimeoutSeconds = 10;
  int maxAttempts = 6;    // per call, retryable failures only
  int baseDelayMs = 500;  // capped exponential backoff with full jitter
  int maxDelayMs = 30000;
  int maxRetryAfterSeconds = 300;  // a Retry-After above this is Unavailable at once
  Signer* signer = nullptr;        // not owned (zzjb/core/signer.hpp); must outlive the client
  std::string certificatePem;      // sent at login (leaf, maybe followed by intermediates);
                                   // empty: signer->certificatePem()
  std::string keyId;               // sent at login
  std::function<void(int milliseconds)> sleep;         // empty: really sleep
  std::uint64_t jitterSeed = 0;                        // 0: random
  std::function<void(const RequestEvent&)> onRequest;  // may be empty
  // Asked before every attempt and during every wait: true stops the call (kind Unavailable,
  // code CANCELLED) without sending anything more. The request in flight is not interrupted.
  // `zzjb run` on SIGINT/SIGTERM, the daemon on SIGTERM. May be empty.
  std::function<bool()> cancelled;
  // Shared by every school's client of the process (zzjb/platform/governor.hpp): each HTTP
  // request waits for its permit (limits in flight and per second, a pause in force; the wait
  // asks `cancelled`), and a 429/503 Retry-After this client gets pauses every client's next
  // request. nullptr: nothing shared, the client only waits out its own retries.
  std::shared_ptr<RequestGovernor> governor;
};

// Checks the options (Finding code PLATFORM_CLIENT, kind Config: no https URL, no signer, no
// certificate, no keyId, an unreadable CA bundle, a malformed pinned key, non-positive timeouts
// or attempts, negative delays) and makes the client. Does not connect: the first call logs in.
[[nodiscard]] Result<std::unique_ptr<PlatformClient>> makePlatformClient(ClientOptions options);

}  // namespace zzjb::platform
