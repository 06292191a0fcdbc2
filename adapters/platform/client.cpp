// PlatformClient on libcurl, in three parts (docs/platform-client.md, "How the client is
// built"): the transport (transport.cpp: one easy handle, one kept-alive TLS connection, trust,
// timeouts, bytes), the retry policy (retry_policy.cpp: pure, what to do after a failure) and,
// here, the session: the login with the school's key, signed submissions, idempotency keys, the
// multipart upload, re-login on SESSION_EXPIRED, the typed calls, and the shared request governor
// (governor.cpp). The wire format lives in wire.cpp.
#include "zzjb/platform/client.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <span>
#include <thread>
#include <utility>

#include "retry_policy.hpp"
#include "transport.hpp"
#include "wire.hpp"
#include "zzjb/platform/governor.hpp"

namespace zzjb::platform {

namespace {

using json = nlohmann::json;
using namespace std::string_literals;

constexpr int kNonceBytes = 16;  // 32 hex characters

// What one call sends. The same Request is sent again on every retry; only the signature
// headers (timestamp, nonce) are made fresh per attempt.
struct Request {
  std::string method;    // GET, POST, PUT
  std::string path;      // below the base URL, without the query: "/api/v1/account"
  std::string query;     // already encoded, without "?"
  std::string endpoint;  // "GET /api/v1/skills/group-declarations/{id}"
  std::string body;
  std::string contentType = "application/json; charset=utf-8";
  std::string idempotencyKey;
  bool authenticated = true;  // sends the session token; logs in again on SESSION_EXPIRED
  bool signedCall = false;    // X-Zzjb-Timestamp / -Nonce / -Signature
};

// One attempt, sent and judged: Ok, or a failure the retry policy is asked about.
struct Attempt {
  bool ok = false;
  bool sent = false;       // false: nothing went out (the signer failed, a stop while waiting)
  bool cancelled = false;  // a stop request ended the wait for the governor's permit
  AttemptOutcome outcome = AttemptOutcome::Answer;
  int status = 0;
  json body;               // ok: the parsed answer
  std::string answerText;  // the body as received
  std::string requestId;
  std::optional<int> retryAfterSeconds;
  double seconds = 0;
  bool newConnection = false;
  PlatformFailure failure;  // everything but ok
};

// A successful call: the answer and how it came.
struct Answer {
  int status = 0;
  json body;
  std::string requestId;
  std::string endpoint;
  int attempts = 1;
};

bool isHttps(std::string_view url) {
  constexpr std::string_view scheme = "https://";
  if (url.size() <= scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(url[i])) != scheme[i]) return false;
  }
  return true;
}

std::string defaultCodeFor(int status) {
  switch (status) {
    case 429:
      return "RATE_LIMITED";
    case 502:
      return "BAD_GATEWAY";
    case 503:
      return "MAINTENANCE";
    case 504:
      return "GATEWAY_TIMEOUT";
    default:
      return "HTTP_" + std::to_string(status);
  }
}

class CurlPlatformClient final : public PlatformClient {
 public:
  CurlPlatformClient(ClientOptions options, std::unique_ptr<CurlTransport> transport,
                     std::string origin, std::string basePath)
      : options_(std::move(options)),
        transport_(std::move(transport)),
        origin_(std::move(origin)),
        basePath_(std::move(basePath)),
        policy_(RetryLimits{options_.maxAttempts, options_.baseDelayMs, options_.maxDelayMs,
                            options_.maxRetryAfterSeconds, std::chrono::milliseconds(0)},
                options_.jitterSeed) {}

  ~CurlPlatformClient() override = default;
  CurlPlatformClient(const CurlPlatformClient&) = delete;
  CurlPlatformClient& operator=(const CurlPlatformClient&) = delete;

  PlatformResult<PlatformSession> login() override { return logIn(); }

  PlatformResult<AccountState> account() override {
    auto a = call(get("/api/v1/account", "GET /api/v1/account"));
    if (!a) {
      if (a.error().httpStatus == 404 && a.error().code == "NOT_REGISTERED") return AccountState{};
      return std::unexpected(a.error());
    }
    return decoded(*a, wire::decodeAccount(a->body));
  }

  PlatformResult<AccountState> putAccount(const AccountRequest& request,
                                          std::string_view idempotencyKey) override {
    Request r = creating("PUT", "/api/v1/account", "PUT /api/v1/account", idempotencyKey);
    r.body = wire::accountJson(request).dump();
    if (auto bad = checkKey(r)) return std::unexpected(*bad);
    auto a = call(r);
    if (!a) return std::unexpected(a.error());
    return decoded(*a, wire::decodeAccount(a->body));
  }

  PlatformResult<Catalog> catalog() override {
    auto a = call(get("/api/v1/skills/catalog", "GET /api/v1/skills/catalog"));
    if (!a) return std::unexpected(a.error());
    return decoded(*a, wire::decodeCatalog(a->body));
  }

  PlatformResult<std::vector<GrantedPermission>> permissions() override {
    auto a = call(get("/api/v1/skills/permissions", "GET /api/v1/skills/permissions"));
    if (!a) return std::unexpected(a.error());
    return decoded(*a, wire::decodePermissions(a->body));
  }

  PlatformResult<ApplicationState> applyForPermission(const ApplicationRequest& request,
                                                      std::string_view idempotencyKey) override {
    Request r = creating("POST", "/api/v1/skills/permission-applications",
                         "POST /api/v1/skills/permission-applications", idempotencyKey);
    r.body = wire::applicationJson(request).dump();
    if (auto bad = checkKey(r)) return std::unexpected(*bad);
    auto a = call(r);
    if (!a) return std::unexpected(a.error());
    return decoded(*a, wire::decodeApplication(a->body));
  }

  PlatformResult<ApplicationState> application(std::string_view applicationId) override {
    auto a =
        call(get("/api/v1/skills/permission-applications/" + wire::percentEncode(applicationId),
                 "GET /api/v1/skills/permission-applications/{id}"));
    if (!a) return std::unexpected(a.error());
    return decoded(*a, wire::decodeApplication(a->body));
  }

  PlatformResult<std::optional<ApplicationState>> findApplication(
      std::string_view idempotencyKey) override {
    Request r =
        get("/api/v1/skills/permission-applications", "GET /api/v1/skills/permission-applications");
    r.query = "idempotencyKey=" + wire::percentEncode(idempotencyKey);
    return findOne<ApplicationState>(r, wire::decodeApplication);
  }

  PlatformResult<BatchState> submitDeclarations(const DeclarationManifest& manifest,
                                                std::string_view xlsx,
                                                std::string_view idempotencyKey) override {
    Request r = creating("POST", "/api/v1/skills/group-declarations",
                         "POST /api/v1/skills/group-declarations", idempotencyKey);
    if (auto bad = checkKey(r)) return std::unexpected(*bad);
    // One body (one boundary) per call: every retry sends the same bytes.
    wire::Multipart upload = wire::declarationUpload(wire::manifestJson(manifest).dump(), xlsx);
    r.body = std::move(upload.body);
    r.contentType = std::move(upload.contentType);
    auto a = call(r);
    if (!a) return std::unexpected(a.error());
    return decoded(*a, wire::decodeBatch(a->body));
  }

  PlatformResult<BatchState> batch(std::string_view batchId) override {
    auto a = call(get("/api/v1/skills/group-declarations/" + wire::percentEncode(batchId),
                      "GET /api/v1/skills/group-declarations/{id}"));
    if (!a) return std::unexpected(a.error());
    return decoded(*a, wire::decodeBatch(a->body));
  }

  PlatformResult<std::optional<BatchState>> findBatch(std::string_view idempotencyKey) override {
    Request r = get("/api/v1/skills/group-declarations", "GET /api/v1/skills/group-declarations");
    r.query = "idempotencyKey=" + wire::percentEncode(idempotencyKey);
    return findOne<BatchState>(r, wire::decodeBatch);
  }

  PlatformResult<std::vector<BatchState>> listBatches() override {
    auto a = call(get("/api/v1/skills/group-declarations", "GET /api/v1/skills/group-declarations"));
    if (!a) return std::unexpected(a.error());
    return decoded(*a, wire::decodeBatches(a->body));
  }

  PlatformResult<std::vector<DeclarationInfo>> declarations(std::string_view occupationCode,
                                                            int level) override {
    Request r = get("/api/v1/skills/declarations", "GET /api/v1/skills/declarations");
    if (!occupationCode.empty()) r.query = "occupationCode=" + wire::percentEncode(occupationCode);
    if (level != 0) {
      if (!r.query.empty()) r.query += "&";
      r.query += "level=" + std::to_string(level);
    }
    auto a = call(r);
    if (!a) return std::unexpected(a.error());
    return decoded(*a, wire::decodeDeclarations(a->body));
  }

 private:
  // ---- requests -------------------------------------------------------------------------------

  static Request get(std::string path, std::string endpoint) {
    Request r;
    r.method = "GET";
    r.path = std::move(path);
    r.endpoint = std::move(endpoint);
    return r;
  }

  static Request creating(std::string method, std::string path, std::string endpoint,
                          std::string_view idempotencyKey) {
    Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.endpoint = std::move(endpoint);
    r.idempotencyKey = std::string(idempotencyKey);
    r.signedCall = true;
    return r;
  }

  static std::optional<PlatformFailure> checkKey(const Request& r) {
    if (wire::validIdempotencyKey(r.idempotencyKey)) return std::nullopt;
    PlatformFailure f;
    f.kind = PlatformFailureKind::Final;
    f.code = "IDEMPOTENCY_KEY_INVALID";
    f.message = msg::text("platform.client.idempotency_key");
    f.endpoint = r.endpoint;
    f.attempts = 0;
    return f;
  }

  template <typename T>
  static PlatformResult<T> decoded(const Answer& a, wire::Decoded<T> d) {
    if (d) return std::move(*d);
    return std::unexpected(protocolFailure(a, d.error()));
  }

  static PlatformFailure protocolFailure(const Answer& a, const std::string& what) {
    PlatformFailure f;
    f.kind = PlatformFailureKind::Protocol;
    f.httpStatus = a.status;
    f.code = "MALFORMED";
    f.message = msg::text("platform.client.malformed", {{"what", what}});
    f.requestId = a.requestId;
    f.endpoint = a.endpoint;
    f.attempts = a.attempts;
    return f;
  }

  template <typename T, typename Decode>
  PlatformResult<std::optional<T>> findOne(const Request& r, Decode decode) {
    auto a = call(r);
    if (!a) return std::unexpected(a.error());
    auto one = wire::decodeZeroOrOne(a->body);
    if (!one) return std::unexpected(protocolFailure(*a, one.error()));
    if (*one == nullptr) return std::optional<T>();
    auto item = decode(**one);
    if (!item) {
      return std::unexpected(protocolFailure(
          *a, msg::text("platform.wire.in_item", {{"item", "items[0]"}, {"problem", item.error()}})));
    }
    return std::optional<T>(std::move(*item));
  }

  // ---- the retry loop -------------------------------------------------------------------------

  // What the retry policy says about a failed attempt, with its consequences that are not the
  // caller's: the governor's pause for every client, the failure's kind and note.
  RetryDecision decideAfter(Attempt& at, const Request& r, int retryableBefore,
                            std::chrono::steady_clock::time_point callStarted,
                            bool loginRequest = false) {
    FailedAttempt f;
    f.outcome = at.outcome;
    f.status = at.status;
    f.code = at.failure.code;
    f.retryAfterSeconds = at.retryAfterSeconds;
    f.authenticated = r.authenticated;
    f.loginRequest = loginRequest;
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - callStarted);
    RetryDecision d = policy_.decide(f, retryableBefore, elapsed);
    // The platform asked to be left alone for a while: every client sharing the governor holds
    // its next request until then (docs/platform-client.md, "The request governor").
    if (d.pauseEveryoneMs > 0 && options_.governor)
      options_.governor->pauseFor(std::chrono::milliseconds(d.pauseEveryoneMs));
    at.failure.kind = d.kind;
    if (!d.note.empty()) {
      at.failure.message =
          msg::text("platform.client.with_note", {{"message", at.failure.message}, {"note", d.note}});
    }
    return d;
  }

  // Sends `r` until it succeeds, fails for good, or the retry budget is spent. Logs in first
  // when there is no session, and again (up to kMaxRelogins times) when the platform says the
  // session expired.
  PlatformResult<Answer> call(const Request& r) {
    if (r.authenticated && token_.empty()) {
      if (auto s = logIn(); !s) return std::unexpected(s.error());
    }
    const auto started = std::chrono::steady_clock::now();
    int sends = 0;
    int retryable = 0;
    // A session can end again right after a fresh login (the platform restarted, a clock
    // jumped): log in anew a few times per call, then give up as Unavailable.
    constexpr int kMaxRelogins = 3;
    int relogins = 0;
    for (;;) {
      if (stopRequested()) return std::unexpected(cancelledFailure(r.endpoint, sends));
      Attempt at = once(r);
      if (at.cancelled) return std::unexpected(cancelledFailure(r.endpoint, sends));
      ++sends;
      if (!at.sent) {  // the signer failed (Identity): nothing went out, nothing to retry
        at.failure.attempts = sends;
        return std::unexpected(std::move(at.failure));
      }
      if (at.ok) {
        report(r, at, sends, false, 0);
        return Answer{at.status, std::move(at.body), at.requestId, r.endpoint, sends};
      }
      const RetryDecision d = decideAfter(at, r, retryable, started);
      if (d.action == RetryAction::Relogin) {
        if (relogins < kMaxRelogins) {
          ++relogins;
          report(r, at, sends, true, 0);
          token_.clear();
          if (auto s = logIn(); !s) return std::unexpected(s.error());
          continue;
        }
        // Expired again and again right after fresh logins: the platform cannot serve us now.
        at.failure.kind = PlatformFailureKind::Unavailable;
        at.failure.message =
            msg::text("platform.client.session_again", {{"message", at.failure.message}});
      }
      if (d.action == RetryAction::Retry) {
        ++retryable;
        report(r, at, sends, true, d.delayMs);
        pause(d.delayMs);
        continue;
      }
      report(r, at, sends, false, 0);
      at.failure.attempts = sends;
      return std::unexpected(std::move(at.failure));
    }
  }

  void pause(int milliseconds) {
    if (options_.sleep) return options_.sleep(milliseconds);
    // In slices, so that a stop request does not wait out a long Retry-After.
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(milliseconds);
    while (std::chrono::steady_clock::now() < until && !stopRequested()) {
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          until - std::chrono::steady_clock::now(), std::chrono::milliseconds(100)));
    }
  }

  [[nodiscard]] bool stopRequested() const { return options_.cancelled && options_.cancelled(); }

  [[nodiscard]] static PlatformFailure cancelledFailure(const std::string& endpoint, int attempts) {
    PlatformFailure f;
    f.kind = PlatformFailureKind::Unavailable;
    f.code = "CANCELLED";
    f.message = msg::text("platform.client.cancelled");
    f.endpoint = endpoint;
    f.attempts = attempts;
    return f;
  }

  void report(const Request& r, const Attempt& at, int attempt, bool willRetry, int delayMs) {
    if (!options_.onRequest || !at.sent) return;
    RequestEvent e;
    e.endpoint = r.endpoint;
    e.status = at.status;
    e.code = at.ok ? std::string() : at.failure.code;
    e.attempt = attempt;
    e.willRetry = willRetry;
    e.delayMs = willRetry ? delayMs : 0;
    e.seconds = at.seconds;
    e.newConnection = at.newConnection;
    e.requestId = at.requestId;
    options_.onRequest(e);
  }

  // ---- login ----------------------------------------------------------------------------------

  // Challenge → signature over the raw nonce → session. Each round takes a new challenge; a
  // retryable failure of either request starts a new round after the backoff, CHALLENGE_INVALID
  // starts one at once (once).
  PlatformResult<PlatformSession> logIn() {
    Request challenge;
    challenge.method = "POST";
    challenge.path = "/api/v1/auth/challenge";
    challenge.endpoint = "POST /api/v1/auth/challenge";
    challenge.body = "{}";
    challenge.authenticated = false;
    Request login = challenge;
    login.path = "/api/v1/auth/login";
    login.endpoint = "POST /api/v1/auth/login";

    const auto started = std::chrono::steady_clock::now();
    int rounds = 0;
    int retryable = 0;
    bool challengeRenewed = false;
    for (;;) {
      if (stopRequested()) return std::unexpected(cancelledFailure(challenge.endpoint, rounds));
      Attempt c = once(challenge);
      if (c.cancelled) return std::unexpected(cancelledFailure(challenge.endpoint, rounds));
      ++rounds;
      if (!c.sent) {
        c.failure.attempts = rounds;
        return std::unexpected(std::move(c.failure));
      }
      if (c.ok) {
        report(challenge, c, rounds, false, 0);
        auto body = loginBody(c);
        if (!body) return std::unexpected(std::move(body.error()));
        login.body = std::move(*body);
      } else {
        const RetryDecision d = decideAfter(c, challenge, retryable, started);
        if (d.action == RetryAction::Retry) {
          ++retryable;
          report(challenge, c, rounds, true, d.delayMs);
          pause(d.delayMs);
          continue;
        }
        report(challenge, c, rounds, false, 0);
        c.failure.attempts = rounds;
        return std::unexpected(std::move(c.failure));
      }

      Attempt l = once(login);
      if (l.cancelled) return std::unexpected(cancelledFailure(login.endpoint, rounds));
      if (!l.sent) {
        l.failure.attempts = rounds;
        return std::unexpected(std::move(l.failure));
      }
      if (l.ok) {
        report(login, l, rounds, false, 0);
        return startSession(l, rounds);
      }
      const RetryDecision d = decideAfter(l, login, retryable, started, /*loginRequest=*/true);
      if (d.action == RetryAction::GiveUp && l.status == 401 &&
          l.failure.code == "CHALLENGE_INVALID" && !challengeRenewed) {
        challengeRenewed = true;
        report(login, l, rounds, true, 0);
        continue;
      }
      if (d.action == RetryAction::Retry) {
        ++retryable;
        report(login, l, rounds, true, d.delayMs);
        pause(d.delayMs);
        continue;
      }
      report(login, l, rounds, false, 0);
      l.failure.attempts = rounds;
      return std::unexpected(std::move(l.failure));
    }
  }

  // The login request for a challenge answer: the nonce's raw bytes signed by the school's key.
  PlatformResult<std::string> loginBody(const Attempt& c) {
    const Answer a{c.status, c.body, c.requestId, "POST /api/v1/auth/challenge", 1};
    const json* id =
        c.body.is_object() && c.body.contains("challengeId") ? &c.body["challengeId"] : nullptr;
    const json* nonce = c.body.is_object() && c.body.contains("nonce") ? &c.body["nonce"] : nullptr;
    if (id == nullptr || !id->is_string() || nonce == nullptr || !nonce->is_string())
      return std::unexpected(protocolFailure(a, msg::text("platform.client.challenge_fields")));
    auto raw = wire::base64Decode(nonce->get<std::string>());
    if (!raw || raw->empty()) {
      return std::unexpected(protocolFailure(a, msg::text("platform.client.nonce")));
    }
    auto signature = options_.signer->sign(*raw);
    if (!signature)
      return std::unexpected(signerFailure(signature.error(), "POST /api/v1/auth/login"));
    return json{{"challengeId", id->get<std::string>()},
                {"keyId", options_.keyId},
                {"certificate", options_.certificatePem},
                {"algorithm", signatureAlgorithmName(options_.signer->algorithm())},
                {"signature", wire::base64Encode(*signature)}}
        .dump();
  }

  PlatformResult<PlatformSession> startSession(const Attempt& l, int rounds) {
    const Answer a{l.status, l.body, l.requestId, "POST /api/v1/auth/login", rounds};
    const json& b = l.body;
    const auto text = [&](const char* key) -> std::optional<std::string> {
      if (!b.is_object() || !b.contains(key) || !b[key].is_string()) return std::nullopt;
      return b[key].get<std::string>();
    };
    auto token = text("sessionToken");
    if (!token || token->empty())
      return std::unexpected(protocolFailure(a, msg::text("platform.client.no_token")));
    token_ = *token;
    session_.keyId = text("keyId").value_or(options_.keyId);
    session_.subject = text("subject").value_or("");
    session_.expiresAt = text("expiresAt").value_or("");
    return session_;
  }

  static PlatformFailure signerFailure(const Finding& finding, std::string endpoint) {
    PlatformFailure f;
    f.kind = PlatformFailureKind::Identity;
    f.code = finding.code;
    f.message = msg::text("platform.client.not_signed", {{"message", finding.message}});
    f.endpoint = std::move(endpoint);
    f.attempts = 0;
    return f;
  }

  // ---- one HTTP attempt -----------------------------------------------------------------------

  // Sends `r` once and reads the answer: waits for the governor's permit first (held until the
  // answer is in), then makes the signature headers fresh — after the wait, so that the
  // timestamp is the moment of sending.
  Attempt once(const Request& r) {
    Attempt at;
    at.failure.endpoint = r.endpoint;
    std::optional<RequestGovernor::Permit> permit;
    if (options_.governor) {
      permit = options_.governor->acquire(options_.cancelled);
      if (!permit) {
        at.cancelled = true;
        return at;
      }
    }

    HttpRequest h;
    h.method = r.method;
    h.headers = {"Accept: application/json", "Expect:"};
    if (r.method != "GET") h.headers.push_back("Content-Type: " + r.contentType);
    if (r.authenticated) h.headers.push_back("Authorization: Bearer " + token_);  // not-text: HTTP header
    if (!r.idempotencyKey.empty()) h.headers.push_back("Idempotency-Key: " + r.idempotencyKey);
    if (r.signedCall) {
      const std::string timestamp = wire::rfc3339Now();
      const std::string nonce = wire::randomHex(kNonceBytes);
      const std::string text = r.method + "\n" + basePath_ + r.path + "\n" + timestamp + "\n" +
                               nonce + "\n" + wire::sha256Hex(r.body);
      auto signature = options_.signer->sign(std::span<const std::uint8_t>(
          reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
      if (!signature) {
        at.failure = signerFailure(signature.error(), r.endpoint);
        return at;
      }
      h.headers.push_back("X-Zzjb-Timestamp: " + timestamp);
      h.headers.push_back("X-Zzjb-Nonce: " + nonce);
      h.headers.push_back("X-Zzjb-Signature: " + wire::base64Encode(*signature));
    }
    h.url = origin_ + basePath_ + r.path + (r.query.empty() ? std::string() : "?" + r.query);
    h.body = r.body;

    HttpExchange x = transport_->perform(h);
    permit.reset();
    at.sent = x.sent;
    at.seconds = x.seconds;
    at.newConnection = x.newConnection;
    if (!x.answered) {
      at.outcome = x.failure;
      at.failure.kind = PlatformFailureKind::Unavailable;
      at.failure.code = std::move(x.code);
      at.failure.message = std::move(x.message);
      return at;
    }
    at.status = x.status;
    at.answerText = std::move(x.body);
    at.requestId = std::move(x.requestId);
    at.retryAfterSeconds = parseRetryAfter(x.retryAfter);
    return judgeAnswer(std::move(at));
  }

  // Reads an answer: ok (2xx and JSON), or the failure's code and message for the retry policy.
  static Attempt judgeAnswer(Attempt at) {
    at.failure.httpStatus = at.status;
    at.failure.requestId = at.requestId;
    // Bounded (docs/platform-client.md, "Answers"): a deep or huge answer is unreadable, never a
    // deep recursion later.
    wire::Decoded<json> read = wire::parseAnswer(at.answerText);
    const bool parsed = read.has_value();
    json body = parsed ? std::move(*read) : json();
    const bool success = at.status >= 200 && at.status < 300;
    if (success && parsed) {
      at.ok = true;
      at.body = std::move(body);
      return at;
    }
    std::optional<wire::ErrorBody> error = parsed ? wire::decodeError(body) : std::nullopt;
    if (error) {
      at.failure.code = error->code;
      at.failure.message = error->message;
      at.failure.fields = std::move(error->fields);
      if (at.failure.requestId.empty()) at.failure.requestId = error->requestId;
    }
    const int s = at.status;
    const bool readable = error.has_value();  // a success with a readable body returned above
    at.outcome = readable ? AttemptOutcome::Answer : AttemptOutcome::Unreadable;
    if (RetryPolicy::platformBusy(s)) {
      if (at.failure.code.empty()) at.failure.code = defaultCodeFor(s);
      if (at.failure.message.empty()) at.failure.message = msg::text("platform.client.busy");
    } else if (at.outcome == AttemptOutcome::Unreadable) {
      at.failure.code = "MALFORMED";
      at.failure.message =
          parsed ? msg::text("platform.client.unreadable",
                             {{"status", s}, {"bytes", at.answerText.size()}})
                 : msg::text("platform.client.unreadable.why", {{"status", s},
                                                                {"bytes", at.answerText.size()},
                                                                {"why", read.error()}});
    }
    return at;  // the kind is the retry policy's (decideAfter)
  }

  ClientOptions options_;
  std::unique_ptr<CurlTransport> transport_;
  std::string origin_;    // "https://host:port"
  std::string basePath_;  // "" or "/prefix"
  RetryPolicy policy_;
  std::string token_;
  PlatformSession session_;
};

}  // namespace

Result<std::unique_ptr<PlatformClient>> makePlatformClient(ClientOptions options) {
  if (!isHttps(options.baseUrl))
    return std::unexpected(
        clientFinding("PLATFORM_CLIENT.not_https", {{"url", options.baseUrl}}));
  std::string rest = options.baseUrl.substr(8);
  const std::size_t slash = rest.find('/');
  std::string host = rest.substr(0, slash);
  std::string basePath = slash == std::string::npos ? std::string() : rest.substr(slash);
  while (!basePath.empty() && basePath.back() == '/') basePath.pop_back();
  if (host.empty() || rest.find_first_of("?#") != std::string::npos)
    return std::unexpected(
        clientFinding("PLATFORM_CLIENT.bad_url", {{"url", options.baseUrl}}));
  if (options.signer == nullptr)
    return std::unexpected(clientFinding("PLATFORM_CLIENT.no_signer"));
  if (options.certificatePem.empty()) options.certificatePem = options.signer->certificatePem();
  if (options.certificatePem.empty())
    return std::unexpected(clientFinding("PLATFORM_CLIENT.no_certificate"));
  if (options.keyId.empty())
    return std::unexpected(clientFinding("PLATFORM_CLIENT.no_key_id"));
  if (options.maxAttempts < 1)
    return std::unexpected(clientFinding("PLATFORM_CLIENT.max_attempts"));
  if (options.baseDelayMs < 0 || options.maxDelayMs < 0 || options.maxRetryAfterSeconds < 0)
    return std::unexpected(clientFinding("PLATFORM_CLIENT.delays"));

  auto transport = CurlTransport::open({options.caBundle, options.pinnedPublicKey,
                                        options.timeoutSeconds, options.connectTimeoutSeconds});
  if (!transport) return std::unexpected(std::move(transport.error()));
  const std::string origin = "https://" + host;
  return std::unique_ptr<PlatformClient>(std::make_unique<CurlPlatformClient>(
      std::move(options), std::move(*transport), origin, std::move(basePath)));
}

}  // namespace zzjb::platform
