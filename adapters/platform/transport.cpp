// CurlTransport: libcurl easy handle, trust, timeouts, bytes. docs/platform-client.md,
// "Connection".
#include "transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <ctime>
#include <mutex>
#include <utility>

#include "wire.hpp"
#include "zzjb/files/files.hpp"

namespace zzjb::platform {

namespace {

using namespace std::string_literals;

std::once_flag curlGlobalOnce;
CURLcode curlGlobalResult = CURLE_OK;

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
    case CURLE_WEIRD_SERVER_REPLY:
      return true;
    default:
      return false;
  }
}

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
                                      const TransportOptions& options) {
  const auto failed = [&](const char* what, CURLcode rc) {
    return clientFinding("PLATFORM_CLIENT.curl_option",
                         {{"option", what}, {"error", curl_easy_strerror(rc)}});
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

struct CurlTransport::State {
  TransportOptions options;
  CURL* curl = nullptr;
  std::array<char, CURL_ERROR_SIZE> errorBuffer{};
  std::string answerBody;
  std::string answerRequestId;
  std::string answerRetryAfter;

  ~State() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }

  void configureHandle() {
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(options.timeoutSeconds));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
                     static_cast<long>(options.connectTimeoutSeconds));
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "zzjb-platform-client/1");
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer.data());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &State::onBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &State::onHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, this);
  }

  static std::size_t onBody(char* data, std::size_t size, std::size_t count, void* self) {
    auto* me = static_cast<State*>(self);
    const std::size_t n = size * count;
    if (me->answerBody.size() + n > kMaxAnswerBytes) return 0;  // CURLE_WRITE_ERROR
    me->answerBody.append(data, n);
    return n;
  }

  static std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* self) {
    auto* me = static_cast<State*>(self);
    const std::size_t n = size * count;
    std::string_view line(data, n);
    if (line.starts_with("HTTP/")) {  // a new response (after 100 Continue): forget the old one
      me->answerRequestId.clear();
      me->answerRetryAfter.clear();
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
    if (name == "x-request-id") me->answerRequestId = std::string(value);
    if (name == "retry-after") me->answerRetryAfter = std::string(value);
    return n;
  }

  // No answer: which kind of trouble, with our code and a message.
  void judgeFailure(HttpExchange& x, CURLcode rc) const {
    const std::string detail = errorBuffer[0] != '\0' ? std::string(errorBuffer.data())
                                                      : std::string(curl_easy_strerror(rc));
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      x.failure = AttemptOutcome::Timeout;
      x.code = "TIMEOUT";
      x.message = msg::text("platform.transport.timeout", {{"detail", detail}});
    } else if (rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH) {
      x.failure = AttemptOutcome::TlsRefused;
      x.code = "TLS";
      x.message = msg::text("platform.transport.pin_mismatch",
                            {{"pin", options.pinnedPublicKey}, {"detail", detail}});
    } else if (isTlsVerification(rc)) {
      x.failure = AttemptOutcome::TlsRefused;
      x.code = "TLS";
      x.message = options.caBundle.empty()
                      ? msg::text("platform.transport.cert_refused.system", {{"detail", detail}})
                      : msg::text("platform.transport.cert_refused",
                                  {{"bundle", options.caBundle}, {"detail", detail}});
    } else if (rc == CURLE_SSL_CONNECT_ERROR) {  // a handshake cut short; verification is above
      x.failure = AttemptOutcome::HandshakeCut;
      x.code = "TLS";
      x.message = msg::text("platform.transport.handshake", {{"detail", detail}});
    } else if (isConnectionTrouble(rc)) {
      x.failure = AttemptOutcome::Connection;
      x.code = "CONNECTION";
      x.message = detail;
    } else if (rc == CURLE_WRITE_ERROR) {
      x.failure = AttemptOutcome::TooLarge;
      x.code = "MALFORMED";
      x.message = msg::text("platform.transport.too_large", {{"mib", kMaxAnswerBytes >> 20}});
    } else {
      x.failure = AttemptOutcome::OtherTransport;
      x.code = "CONNECTION";
      x.message = detail;
    }
  }
};

CurlTransport::CurlTransport(std::unique_ptr<State> state) : state_(std::move(state)) {
  state_->configureHandle();
}

CurlTransport::~CurlTransport() = default;

Result<std::unique_ptr<CurlTransport>> CurlTransport::open(TransportOptions options) {
  std::string bundlePem;
  if (!options.caBundle.empty()) {
    const std::string bundleWhat = msg::text("platform.ca_bundle");
    auto read = files::readFile(
        options.caBundle,
        {files::kMaxCertificateBytes, bundleWhat, /*followFinalLink=*/true});
    if (!read) {
      Finding f = clientFinding("PLATFORM_CLIENT.ca_bundle",
                                {{"path", options.caBundle}, {"error", read.error().message}});
      f.hint = read.error().hint;
      return std::unexpected(std::move(f));
    }
    bundlePem = std::move(*read);
  }
  if (!options.pinnedPublicKey.empty() && !validPinnedPublicKey(options.pinnedPublicKey))
    return std::unexpected(clientFinding("PLATFORM_CLIENT.pin_format"));
  if (options.timeoutSeconds <= 0 || options.connectTimeoutSeconds <= 0)
    return std::unexpected(clientFinding("PLATFORM_CLIENT.timeouts"));

  std::call_once(curlGlobalOnce, [] { curlGlobalResult = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (curlGlobalResult != CURLE_OK)
    return std::unexpected(clientFinding("PLATFORM_CLIENT.curl_init",
                                         {{"error", curl_easy_strerror(curlGlobalResult)}}));
  auto state = std::make_unique<State>();
  state->options = std::move(options);
  state->curl = curl_easy_init();
  if (state->curl == nullptr)
    return std::unexpected(clientFinding("PLATFORM_CLIENT.curl_handle"));
  if (auto refused = configureTrust(state->curl, bundlePem, state->options))
    return std::unexpected(std::move(*refused));
  return std::unique_ptr<CurlTransport>(new CurlTransport(std::move(state)));
}

HttpExchange CurlTransport::perform(const HttpRequest& request) {
  State& s = *state_;
  HttpExchange x;
  curl_slist* list = nullptr;
  for (const std::string& h : request.headers) {
    curl_slist* next = curl_slist_append(list, h.c_str());
    if (next == nullptr) {
      curl_slist_free_all(list);
      x.failure = AttemptOutcome::OtherTransport;
      x.code = "CONNECTION";
      x.message = msg::text("platform.transport.out_of_memory");
      return x;
    }
    list = next;
  }
  CURL* curl = s.curl;
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, nullptr);
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST,
                     request.method == "POST" ? nullptr : request.method.c_str());
  }
  s.answerBody.clear();
  s.answerRequestId.clear();
  s.answerRetryAfter.clear();
  s.errorBuffer[0] = '\0';

  const auto started = std::chrono::steady_clock::now();
  const CURLcode rc = curl_easy_perform(curl);
  x.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(list);
  x.sent = true;

  long connects = 0;
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
  x.newConnection = connects > 0;
  if (rc != CURLE_OK) {
    s.judgeFailure(x, rc);
    return x;
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  x.answered = true;
  x.status = static_cast<int>(status);
  x.body = std::move(s.answerBody);
  s.answerBody = std::string();
  x.requestId = s.answerRequestId;
  x.retryAfter = s.answerRetryAfter;
  return x;
}

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

Finding clientFinding(std::string_view textCode, msg::Args args) {
  return configError("PLATFORM_CLIENT", std::move(args), textCode);
}

}  // namespace zzjb::platform
