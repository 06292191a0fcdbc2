// The platform client's transport (private to zzjb_platform_client): one libcurl easy handle,
// so one kept-alive TLS connection, with the trust (CA bundle as the only trust, pinned key),
// the timeouts and the request and answer bytes. It knows nothing of sessions, signatures or
// retries: it sends one request and says what came back, or why nothing did. See
// docs/platform-client.md, "Connection" and "How the client is built".
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "retry_policy.hpp"
#include "zzjb/core/finding.hpp"

namespace zzjb::platform {

struct TransportOptions {
  std::string caBundle;         // PEM file path; empty: the system store
  std::string pinnedPublicKey;  // "sha256//BASE64[;…]"; empty: no pin
  int timeoutSeconds = 30;
  int connectTimeoutSeconds = 10;
};

struct HttpRequest {
  std::string method;  // GET, POST, PUT
  std::string url;     // complete, with the query
  std::vector<std::string> headers;
  std::string_view body;  // not sent for GET; must outlive perform()
};

struct HttpExchange {
  bool sent = false;      // false: nothing went out (the request could not be built)
  bool answered = false;  // an HTTP answer came (any status)
  // When !answered: what went wrong, our code for it (CONNECTION, TIMEOUT, TLS, MALFORMED) and
  // the message.
  AttemptOutcome failure = AttemptOutcome::Connection;
  std::string code;
  std::string message;
  // When answered:
  int status = 0;
  std::string body;
  std::string requestId;   // X-Request-Id
  std::string retryAfter;  // the Retry-After header as sent
  // Always:
  double seconds = 0;          // how long the exchange took
  bool newConnection = false;  // a connection was opened for it
};

// A finding about the client's own settings: code PLATFORM_CLIENT, kind Config.
[[nodiscard]] Finding clientFinding(std::string_view textCode, msg::Args args = {});

class CurlTransport {
 public:
  // Reads the CA bundle, checks the pinned key's form and the timeouts, and configures a handle.
  // Findings are code PLATFORM_CLIENT, kind Config. Does not connect.
  [[nodiscard]] static Result<std::unique_ptr<CurlTransport>> open(TransportOptions options);

  ~CurlTransport();
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // Sends one request on the kept-alive connection (opening one when needed).
  [[nodiscard]] HttpExchange perform(const HttpRequest& request);

  static constexpr std::size_t kMaxAnswerBytes = 64u << 20;  // the mock's own limit for bodies

 private:
  struct State;
  explicit CurlTransport(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Retry-After as seconds (delta-seconds or an HTTP date); nullopt when absent or unreadable.
[[nodiscard]] std::optional<int> parseRetryAfter(const std::string& value);

}  // namespace zzjb::platform
