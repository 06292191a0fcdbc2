// PlatformClient on libcurl: one easy handle (one kept-alive TLS connection) per client, the
// login with the school's key, signed submissions, idempotency keys, the multipart upload, and
// the retry policy (capped exponential backoff with full jitter, Retry-After, re-login on
// SESSION_EXPIRED). The policy is described in docs/platform-client.md; the wire format lives in
// wire.cpp.
#include "zzjb/platform/client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <ctime>
#include <mutex>
#include <random>
#include <span>
#include <thread>
#include <utility>

#include "wire.hpp"
#include "zzjb/files/files.hpp"

namespace zzjb::platform {

namespace {

using json = nlohmann::json;
using namespace std::string_literals;

constexpr std::size_t kMaxAnswerBytes = 64u << 20;  // the mock's own limit for bodies
constexpr int kNonceBytes = 16;                     // 32 hex characters

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

enum class Verdict { Ok, Retry, Relogin, Fail };

// One attempt, sent and judged.
struct Attempt {
  Verdict verdict = Verdict::Fail;
  bool sent = false;  // false: nothing went out (the signer failed)
  int status = 0;
  json body;               // Ok: the parsed answer
  std::string answerText;  // the body as received
  std::string requestId;
  std::optional<int> retryAfterSeconds;
  double seconds = 0;
  bool newConnection = false;
  PlatformFailure failure;  // everything but Ok
};

// A successful call: the answer and how it came.
struct Answer {
  int status = 0;
  json body;
  std::string requestId;
  std::string endpoint;
  int attempts = 1;
};

std::once_flag curlGlobalOnce;
CURLcode curlGlobalResult = CURLE_OK;

bool isHttps(std::string_view url) {
  constexpr std::string_view scheme = "https://";
  if (url.size() <= scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(url[i])) != scheme[i]) return false;
  }
  return true;
}

// Retry-After as seconds (delta-seconds or an HTTP date); nullopt when absent or unreadable.
std::optional<int> parseRetryAfter(const std::string& value) {
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return 1'000'000'000;
    return std::stoi(value);
  }
  const std::time_t when = curl_getdate(value.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  const std::time_t now = std::time(nullptr);
  return when <= now ? 0 : static_cast<int>(std::min<std::time_t>(when - now, 1'000'000'000));
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

bool isTlsVerification(CURLcode rc) {
  switch (rc) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
      return true;
    default:
      return false;
  }
}

bool isConnectionTrouble(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:  // a handshake cut short; verification failures are above
    case CURLE_WEIRD_SERVER_REPLY:
      return true;
    default:
      return false;
  }
}

Finding clientFinding(std::string message, std::string hint = {}) {
  return configFinding("PLATFORM_CLIENT", std::move(message), std::move(hint));
}

class CurlPlatformClient final : public PlatformClient {
 public:
  CurlPlatformClient(ClientOptions options, CURL* handle, std::string origin, std::string basePath)
      : options_(std::move(options)),
        curl_(handle),
        origin_(std::move(origin)),
        basePath_(std::move(basePath)),
        rng_(options_.jitterSeed != 0 ? options_.jitterSeed : std::random_device{}()) {
    configureHandle();
  }

  ~CurlPlatformClient() override { curl_easy_cleanup(curl_); }
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
    f.message = "idempotency key must be 1-128 printable ASCII characters (not sent)";
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
    f.message = "answer does not follow the contract: " + what;
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
    if (!item) return std::unexpected(protocolFailure(*a, "items[0]: " + item.error()));
    return std::optional<T>(std::move(*item));
  }

  // ---- the retry loop -------------------------------------------------------------------------

  // Sends `r` until it succeeds, fails for good, or the retry budget is spent. Logs in first
  // when there is no session, and again (up to kMaxRelogins times) when the platform says the
  // session expired.
  PlatformResult<Answer> call(const Request& r) {
    if (r.authenticated && token_.empty()) {
      if (auto s = logIn(); !s) return std::unexpected(s.error());
    }
    int sends = 0;
    int retryable = 0;
    // A session can end again right after a fresh login (the platform restarted, a clock
    // jumped): log in anew a few times per call, then give up as Unavailable.
    constexpr int kMaxRelogins = 3;
    int relogins = 0;
    for (;;) {
      if (stopRequested()) return std::unexpected(cancelledFailure(r.endpoint, sends));
      ++sends;
      Attempt at = once(r);
      if (at.verdict == Verdict::Ok) {
        report(r, at, sends, false, 0);
        return Answer{at.status, std::move(at.body), at.requestId, r.endpoint, sends};
      }
      if (at.verdict == Verdict::Relogin) {
        if (relogins < kMaxRelogins) {
          ++relogins;
          report(r, at, sends, true, 0);
          token_.clear();
          if (auto s = logIn(); !s) return std::unexpected(s.error());
          continue;
        }
        // Expired again and again right after fresh logins: the platform cannot serve us now.
        at.failure.kind = PlatformFailureKind::Unavailable;
        at.failure.message += " (again after logging in anew)";
      }
      if (at.verdict == Verdict::Retry) {
        if (auto delay = retryDelay(at, retryable)) {
          report(r, at, sends, true, *delay);
          pause(*delay);
          continue;
        }
      }
      report(r, at, sends, false, 0);
      at.failure.attempts = sends;
      return std::unexpected(std::move(at.failure));
    }
  }

  // The wait before the next attempt, or nullopt when the failure is to be given up on (the
  // budget is spent, or Retry-After asks for longer than we wait). Counts the failure.
  std::optional<int> retryDelay(Attempt& at, int& retryable) {
    ++retryable;
    if (at.retryAfterSeconds && *at.retryAfterSeconds > options_.maxRetryAfterSeconds) {
      at.failure.message += " (Retry-After " + std::to_string(*at.retryAfterSeconds) +
                            " s is above the limit of " +
                            std::to_string(options_.maxRetryAfterSeconds) + " s)";
      return std::nullopt;
    }
    if (retryable >= options_.maxAttempts) return std::nullopt;
    // Full jitter: uniform in [0, min(max, base * 2^(n-1))].
    const long long exp = std::min(retryable - 1, 30);
    const long long cap = std::min<long long>(options_.maxDelayMs,
                                              static_cast<long long>(options_.baseDelayMs) << exp);
    std::uniform_int_distribution<long long> jitter(0, std::max(0LL, cap));
    long long delay = jitter(rng_);
    if (at.retryAfterSeconds) delay = std::max<long long>(delay, *at.retryAfterSeconds * 1000LL);
    return static_cast<int>(delay);
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
    f.message = "stopped on request before sending";
    f.endpoint = endpoint;
    f.attempts = attempts;
    return f;
  }

  void report(const Request& r, const Attempt& at, int attempt, bool willRetry, int delayMs) {
    if (!options_.onRequest || !at.sent) return;
    RequestEvent e;
    e.endpoint = r.endpoint;
    e.status = at.status;
    e.code = at.verdict == Verdict::Ok ? std::string() : at.failure.code;
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

    int rounds = 0;
    int retryable = 0;
    bool challengeRenewed = false;
    for (;;) {
      if (stopRequested()) return std::unexpected(cancelledFailure(challenge.endpoint, rounds));
      ++rounds;
      Attempt c = once(challenge);
      if (c.verdict == Verdict::Ok) {
        report(challenge, c, rounds, false, 0);
        auto body = loginBody(c);
        if (!body) return std::unexpected(std::move(body.error()));
        login.body = std::move(*body);
      } else {
        if (c.verdict == Verdict::Retry) {
          if (auto delay = retryDelay(c, retryable)) {
            report(challenge, c, rounds, true, *delay);
            pause(*delay);
            continue;
          }
        }
        report(challenge, c, rounds, false, 0);
        c.failure.attempts = rounds;
        return std::unexpected(std::move(c.failure));
      }

      Attempt l = once(login);
      if (l.verdict == Verdict::Ok) {
        report(login, l, rounds, false, 0);
        return startSession(l, rounds);
      }
      if (l.verdict == Verdict::Fail && l.status == 401 && l.failure.code == "CHALLENGE_INVALID" &&
          !challengeRenewed) {
        challengeRenewed = true;
        report(login, l, rounds, true, 0);
        continue;
      }
      if (l.verdict == Verdict::Retry) {
        if (auto delay = retryDelay(l, retryable)) {
          report(login, l, rounds, true, *delay);
          pause(*delay);
          continue;
        }
      }
      report(login, l, rounds, false, 0);
      if (l.status == 401) l.failure.kind = PlatformFailureKind::Identity;
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
      return std::unexpected(protocolFailure(a, "challengeId and nonce must be strings"));
    auto raw = wire::base64Decode(nonce->get<std::string>());
    if (!raw || raw->empty()) return std::unexpected(protocolFailure(a, "nonce is not base64"));
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
      return std::unexpected(protocolFailure(a, "sessionToken is missing"));
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
    f.message = "the key did not sign: " + finding.message;
    f.endpoint = std::move(endpoint);
    f.attempts = 0;
    return f;
  }

  // ---- one HTTP attempt -----------------------------------------------------------------------

  void configureHandle() {
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(curl_, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, static_cast<long>(options_.timeoutSeconds));
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT,
                     static_cast<long>(options_.connectTimeoutSeconds));
    curl_easy_setopt(curl_, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl_, CURLOPT_USERAGENT, "zzjb-platform-client/1");
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, errorBuffer_.data());
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &CurlPlatformClient::onBody);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &CurlPlatformClient::onHeader);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, this);
  }

  static std::size_t onBody(char* data, std::size_t size, std::size_t count, void* self) {
    auto* me = static_cast<CurlPlatformClient*>(self);
    const std::size_t n = size * count;
    if (me->answerBody_.size() + n > kMaxAnswerBytes) return 0;  // CURLE_WRITE_ERROR
    me->answerBody_.append(data, n);
    return n;
  }

  static std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* self) {
    auto* me = static_cast<CurlPlatformClient*>(self);
    const std::size_t n = size * count;
    std::string_view line(data, n);
    if (line.starts_with("HTTP/")) {  // a new response (after 100 Continue): forget the old one
      me->answerRequestId_.clear();
      me->answerRetryAfter_.clear();
      return n;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return n;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    if (name == "x-request-id") me->answerRequestId_ = std::string(value);
    if (name == "retry-after") me->answerRetryAfter_ = std::string(value);
    return n;
  }

  // Sends `r` once (with fresh signature headers) and judges the answer.
  Attempt once(const Request& r) {
    Attempt at;
    at.failure.endpoint = r.endpoint;

    std::vector<std::string> headers = {"Accept: application/json", "Expect:"};
    if (r.method != "GET") headers.push_back("Content-Type: " + r.contentType);
    if (r.authenticated) headers.push_back("Authorization: Bearer " + token_);
    if (!r.idempotencyKey.empty()) headers.push_back("Idempotency-Key: " + r.idempotencyKey);
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
      headers.push_back("X-Zzjb-Timestamp: " + timestamp);
      headers.push_back("X-Zzjb-Nonce: " + nonce);
      headers.push_back("X-Zzjb-Signature: " + wire::base64Encode(*signature));
    }
    curl_slist* list = nullptr;
    for (const std::string& h : headers) {
      curl_slist* next = curl_slist_append(list, h.c_str());
      if (next == nullptr) {
        curl_slist_free_all(list);
        at.failure.kind = PlatformFailureKind::Unavailable;
        at.failure.code = "CONNECTION";
        at.failure.message = "out of memory building the request";
        return at;
      }
      list = next;
    }

    const std::string url =
        origin_ + basePath_ + r.path + (r.query.empty() ? std::string() : "?" + r.query);
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
    if (r.method == "GET") {
      curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, nullptr);
      curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(curl_, CURLOPT_POST, 1L);
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, r.body.data());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
      curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST,
                       r.method == "POST" ? nullptr : r.method.c_str());
    }
    answerBody_.clear();
    answerRequestId_.clear();
    answerRetryAfter_.clear();
    errorBuffer_[0] = '\0';

    const auto started = std::chrono::steady_clock::now();
    const CURLcode rc = curl_easy_perform(curl_);
    at.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(list);
    at.sent = true;

    long connects = 0;
    curl_easy_getinfo(curl_, CURLINFO_NUM_CONNECTS, &connects);
    at.newConnection = connects > 0;
    if (rc != CURLE_OK) return judgeTransport(std::move(at), rc);

    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    at.status = static_cast<int>(status);
    at.answerText = std::move(answerBody_);
    at.requestId = answerRequestId_;
    at.retryAfterSeconds = parseRetryAfter(answerRetryAfter_);
    return judgeAnswer(std::move(at), r);
  }

  Attempt judgeTransport(Attempt at, CURLcode rc) {
    const std::string detail = errorBuffer_[0] != '\0' ? std::string(errorBuffer_.data())
                                                       : std::string(curl_easy_strerror(rc));
    at.failure.kind = PlatformFailureKind::Unavailable;
    at.verdict = Verdict::Retry;
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      at.failure.code = "TIMEOUT";
      at.failure.message = "no complete answer within the time limit: " + detail;
    } else if (rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH) {
      at.verdict = Verdict::Fail;
      at.failure.code = "TLS";
      at.failure.message = "the server's public key does not match platform.pinnedPublicKey (" +
                           options_.pinnedPublicKey + "): " + detail;
    } else if (isTlsVerification(rc)) {
      // A certificate that does not verify will not verify a second later: not retried.
      at.verdict = Verdict::Fail;
      at.failure.code = "TLS";
      at.failure.message =
          "the server's certificate was not accepted (" +
          (options_.caBundle.empty() ? "system CA store"s : "CA bundle " + options_.caBundle) +
          "): " + detail;
    } else if (rc == CURLE_SSL_CONNECT_ERROR) {
      at.failure.code = "TLS";
      at.failure.message = "TLS handshake failed: " + detail;
    } else if (isConnectionTrouble(rc)) {
      at.failure.code = "CONNECTION";
      at.failure.message = detail;
    } else if (rc == CURLE_WRITE_ERROR) {
      at.verdict = Verdict::Fail;
      at.failure.kind = PlatformFailureKind::Protocol;
      at.failure.code = "MALFORMED";
      at.failure.message = "answer larger than " + std::to_string(kMaxAnswerBytes >> 20) + " MiB";
    } else {
      at.verdict = Verdict::Fail;
      at.failure.code = "CONNECTION";
      at.failure.message = detail;
    }
    return at;
  }

  static Attempt judgeAnswer(Attempt at, const Request& r) {
    at.failure.httpStatus = at.status;
    at.failure.requestId = at.requestId;
    // Bounded (docs/platform-client.md, "Answers"): a deep or huge answer is unreadable, never a
    // deep recursion later.
    wire::Decoded<json> read = wire::parseAnswer(at.answerText);
    const bool parsed = read.has_value();
    json body = parsed ? std::move(*read) : json();
    const bool success = at.status >= 200 && at.status < 300;
    if (success && parsed) {
      at.verdict = Verdict::Ok;
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
    if (s == 429 || s == 502 || s == 503 || s == 504) {
      at.verdict = Verdict::Retry;
      at.failure.kind = PlatformFailureKind::Unavailable;
      if (at.failure.code.empty()) at.failure.code = defaultCodeFor(s);
      if (at.failure.message.empty()) at.failure.message = "the platform cannot serve now";
      return at;
    }
    if (!parsed || (!success && !error)) {
      // The answer cannot be read. Every call zzjb makes is safe to repeat (GETs, idempotent
      // creating calls, a new login round), so it is retried; Protocol when it stays unreadable.
      at.verdict = Verdict::Retry;
      at.failure.kind = PlatformFailureKind::Protocol;
      at.failure.code = "MALFORMED";
      at.failure.message = "answer with status " + std::to_string(s) +
                           " is not the expected JSON (" + std::to_string(at.answerText.size()) +
                           " bytes" + (parsed ? std::string() : ": " + read.error()) + ")";
      return at;
    }
    if (s == 401 && r.authenticated &&
        (at.failure.code == "SESSION_EXPIRED" || at.failure.code == "UNAUTHORIZED")) {
      at.verdict = Verdict::Relogin;
      at.failure.kind = PlatformFailureKind::Unavailable;
      return at;
    }
    if (s == 409 && at.failure.code == "REPLAY") {
      // The nonce was seen: only ours can be, when libcurl resent a request on a connection that
      // died. The next attempt has a fresh nonce, and creating calls are idempotent by key.
      at.verdict = Verdict::Retry;
      at.failure.kind = PlatformFailureKind::Unavailable;
      return at;
    }
    at.verdict = Verdict::Fail;
    at.failure.kind = PlatformFailureKind::Final;
    return at;
  }

  ClientOptions options_;
  CURL* curl_;
  std::string origin_;    // "https://host:port"
  std::string basePath_;  // "" or "/prefix"
  std::mt19937_64 rng_;
  std::string token_;
  PlatformSession session_;
  std::array<char, CURL_ERROR_SIZE> errorBuffer_{};
  std::string answerBody_;
  std::string answerRequestId_;
  std::string answerRetryAfter_;
};

// "sha256//BASE64" (the SHA-256 of the server's SubjectPublicKeyInfo), several joined by ';':
// libcurl's CURLOPT_PINNEDPUBLICKEY, without its file form.
bool validPinnedPublicKey(std::string_view text) {
  constexpr std::string_view prefix = "sha256//";
  while (true) {
    const std::size_t end = std::min(text.find(';'), text.size());
    std::string_view one = text.substr(0, end);
    if (!one.starts_with(prefix)) return false;
    auto digest = wire::base64Decode(one.substr(prefix.size()));
    if (!digest || digest->size() != 32 || one.size() != prefix.size() + 44) return false;
    if (end == text.size()) return true;
    text.remove_prefix(end + 1);
  }
}

// Whom the client trusts: with a CA bundle, that bundle and nothing else — no CA path (libcurl's
// built-in default, e.g. /etc/ssl/certs, would otherwise be searched beside it, see
// docs/platform-client.md, "Connection"); without one, libcurl's system store. Plus the pinned
// public key when there is one. Any option libcurl refuses is an error: never a silent fallback.
std::optional<Finding> configureTrust(CURL* curl, const std::string& bundlePem,
                                      const ClientOptions& options) {
  const auto failed = [&](const char* what, CURLcode rc) {
    return clientFinding(std::string("libcurl refused ") + what + ": " + curl_easy_strerror(rc),
                         "use a libcurl built with OpenSSL 7.77 or later");
  };
  if (!bundlePem.empty()) {
    curl_blob blob{};
    blob.data = const_cast<char*>(bundlePem.data());  // copied by libcurl (CURL_BLOB_COPY)
    blob.len = bundlePem.size();
    blob.flags = CURL_BLOB_COPY;
    if (CURLcode rc = curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob); rc != CURLE_OK)
      return failed("CURLOPT_CAINFO_BLOB", rc);
    if (CURLcode rc = curl_easy_setopt(curl, CURLOPT_CAINFO, nullptr); rc != CURLE_OK)
      return failed("CURLOPT_CAINFO", rc);
    if (CURLcode rc = curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr); rc != CURLE_OK)
      return failed("CURLOPT_CAPATH", rc);
  }
  if (!options.pinnedPublicKey.empty()) {
    if (CURLcode rc =
            curl_easy_setopt(curl, CURLOPT_PINNEDPUBLICKEY, options.pinnedPublicKey.c_str());
        rc != CURLE_OK)
      return failed("CURLOPT_PINNEDPUBLICKEY", rc);
  }
  return std::nullopt;
}

}  // namespace

Result<std::unique_ptr<PlatformClient>> makePlatformClient(ClientOptions options) {
  if (!isHttps(options.baseUrl))
    return std::unexpected(
        clientFinding("platform base URL must start with https://: '" + options.baseUrl + "'"));
  std::string rest = options.baseUrl.substr(8);
  const std::size_t slash = rest.find('/');
  std::string host = rest.substr(0, slash);
  std::string basePath = slash == std::string::npos ? std::string() : rest.substr(slash);
  while (!basePath.empty() && basePath.back() == '/') basePath.pop_back();
  if (host.empty() || rest.find_first_of("?#") != std::string::npos)
    return std::unexpected(
        clientFinding("platform base URL has no host or has a query: '" + options.baseUrl + "'"));
  if (options.signer == nullptr)
    return std::unexpected(clientFinding("no signer: the platform client needs the school's key"));
  if (options.certificatePem.empty()) options.certificatePem = options.signer->certificatePem();
  if (options.certificatePem.empty())
    return std::unexpected(clientFinding("no certificate to log in with",
                                         "configure identity.certificate for the school"));
  if (options.keyId.empty())
    return std::unexpected(clientFinding(
        "no keyId to log in with", "configure identity.keyId or use a certificate that has one"));
  std::string bundlePem;
  if (!options.caBundle.empty()) {
    auto read = files::readFile(
        options.caBundle, {files::kMaxCertificateBytes, "CA bundle", /*followFinalLink=*/true});
    if (!read)
      return std::unexpected(clientFinding(
          "cannot read the CA bundle " + options.caBundle + ": " + read.error().message,
          read.error().hint));
    bundlePem = std::move(*read);
  }
  if (!options.pinnedPublicKey.empty() && !validPinnedPublicKey(options.pinnedPublicKey))
    return std::unexpected(clientFinding(
        "pinned public key is not sha256//BASE64 (44 characters of base64)",
        "take it from the server's certificate: openssl x509 -pubkey -noout | openssl pkey "
        "-pubin -outform der | openssl dgst -sha256 -binary | base64"));
  if (options.timeoutSeconds <= 0 || options.connectTimeoutSeconds <= 0)
    return std::unexpected(clientFinding("timeouts must be positive"));
  if (options.maxAttempts < 1)
    return std::unexpected(clientFinding("maxAttempts must be at least 1"));
  if (options.baseDelayMs < 0 || options.maxDelayMs < 0 || options.maxRetryAfterSeconds < 0)
    return std::unexpected(clientFinding("delays must not be negative"));

  std::call_once(curlGlobalOnce, [] { curlGlobalResult = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (curlGlobalResult != CURLE_OK)
    return std::unexpected(clientFinding(std::string("libcurl did not initialise: ") +
                                         curl_easy_strerror(curlGlobalResult)));
  CURL* handle = curl_easy_init();
  if (handle == nullptr) return std::unexpected(clientFinding("libcurl could not make a handle"));
  if (auto refused = configureTrust(handle, bundlePem, options)) {
    curl_easy_cleanup(handle);
    return std::unexpected(std::move(*refused));
  }
  const std::string origin = "https://" + host;
  return std::unique_ptr<PlatformClient>(std::make_unique<CurlPlatformClient>(
      std::move(options), handle, origin, std::move(basePath)));
}

}  // namespace zzjb::platform
