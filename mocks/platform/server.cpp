// zzjb-mock's HTTPS server (Boost.Beast over asio::ssl): one Session per connection, requests
// handed to mock::Platform, plus what the platform cannot see from inside a request: the journal
// of platform calls and seeded faults (status, delay, reset, malformed, session-expire).

// GCC 12 reports, after inlining, -Wnull-dereference in Asio's scheduler and (with
// -fsanitize=address) -Wmaybe-uninitialized in std::function: middle-end warnings that -isystem
// does not silence. They are silenced for the code of these headers only
// (the state is taken where the header code is); server.cpp's own code keeps every warning.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "server.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <csignal>
#include <ctime>
#include <deque>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>
#pragma GCC diagnostic pop

#include "faults.hpp"
#include "platform.hpp"
#include "platform_util.hpp"
#include "zzjb/json/bounded.hpp"

namespace zzjb::mock {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr auto kHandshakeTimeout = 10s;
constexpr auto kWriteTimeout = 60s;
constexpr auto kTlsShutdownTimeout = 2s;
constexpr std::uint32_t kHeaderLimit = 64u << 10;
constexpr const char* kUploadPath = "/api/v1/skills/group-declarations";

std::string randomHex(std::size_t bytes) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  while (out.size() < bytes * 2) {
    std::uint64_t v = rng();
    for (int i = 0; i < 16 && out.size() < bytes * 2; ++i, v >>= 4) out += kDigits[v & 0xFu];
  }
  return out;
}

// Wall-clock time in the platform's zone (Asia/Shanghai, no DST), RFC 3339 with milliseconds.
std::string nowRfc3339() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
  const std::time_t shanghai = static_cast<std::time_t>(ms.count() / 1000) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&shanghai, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%03d+08:00", static_cast<int>(ms.count() % 1000));
  return std::string(buf, n) + frac;
}

std::string pathOf(const std::string& target) {
  return target.substr(0, target.find('?'));
}

std::optional<std::string> queryParam(const std::string& target, const std::string& name) {
  const auto q = target.find('?');
  if (q == std::string::npos) return std::nullopt;
  std::size_t pos = q + 1;
  while (pos <= target.size()) {
    std::size_t end = target.find('&', pos);
    if (end == std::string::npos) end = target.size();
    const std::string pair = target.substr(pos, end - pos);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) return eq == std::string::npos ? "" : pair.substr(eq + 1);
    pos = end + 1;
  }
  return std::nullopt;
}

const char* kJsonType = "application/json; charset=utf-8";

// Replace, never throw: a string that is not UTF-8 must not turn an answer into an exception.
std::string dumpJson(const json& body) {
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

Response errorResponse(int status, const std::string& code, const std::string& message,
                       const std::string& requestId, json fields = nullptr) {
  json body = {{"code", code}, {"message", message}, {"requestId", requestId}};
  if (!fields.is_null()) body["fields"] = std::move(fields);
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", kJsonType);
  r.body = dumpJson(body);
  return r;
}

Response jsonResponse(const json& body) {
  Response r;
  r.headers.emplace_back("Content-Type", kJsonType);
  r.body = dumpJson(body);
  return r;
}

// ---------------------------------------------------------------------------------------------
// The journal: every non-admin request, in a bounded ring. Sequence numbers never restart, so
// `since` cursors stay valid across /__admin/reset (which empties the ring).

struct JournalEntry {
  std::uint64_t seq = 0;
  std::string time;
  std::string method;
  std::string path;
  int status = 0;  // 0: the connection was reset without an answer
  std::string idempotencyKey;
  std::string creditCode;
  std::string fault;  // the kind of fault injected ("delay", "reset", …), "" for none
};

class Journal {
 public:
  explicit Journal(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

  // Every string is stored as valid UTF-8 (docs/platform-api.md): what a client sent as raw bytes
  // is never echoed, and the journal's answer can always be written.
  void record(JournalEntry entry) {
    entry.time = nowRfc3339();
    entry.method = sanitizeUtf8(entry.method, 32);
    entry.path = sanitizeUtf8(entry.path, 1024);
    entry.idempotencyKey = sanitizeUtf8(entry.idempotencyKey, 256);
    entry.creditCode = sanitizeUtf8(entry.creditCode, 64);
    std::lock_guard lock(mutex_);
    entry.seq = ++lastSeq_;
    entries_.push_back(std::move(entry));
    while (entries_.size() > capacity_) entries_.pop_front();
  }

  json since(std::uint64_t after) const {
    std::lock_guard lock(mutex_);
    json items = json::array();
    // Entries are in seq order: skip to the first one after `after`.
    auto it = std::partition_point(entries_.begin(), entries_.end(),
                                   [after](const JournalEntry& e) { return e.seq <= after; });
    for (; it != entries_.end(); ++it) {
      auto orNull = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
      items.push_back({{"seq", it->seq},
                       {"time", it->time},
                       {"method", it->method},
                       {"path", it->path},
                       {"status", it->status},
                       {"idempotencyKey", orNull(it->idempotencyKey)},
                       {"creditCode", orNull(it->creditCode)},
                       {"fault", orNull(it->fault)}});
    }
    return {{"items", std::move(items)}, {"lastSeq", lastSeq_}};
  }

  void clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
  }

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<JournalEntry> entries_;
  std::uint64_t lastSeq_ = 0;
};

Response faultStatusResponse(const Fault& fault, const std::string& requestId) {
  Response r;
  if (fault.status == 503)
    r = errorResponse(503, "MAINTENANCE", "平台系统维护中，请稍后再试（模拟故障）", requestId);
  else if (fault.status == 429)
    r = errorResponse(429, "RATE_LIMITED", "请求过于频繁，请稍后再试（模拟故障）", requestId);
  else
    r = errorResponse(fault.status, "FAULT", "模拟故障", requestId);
  if (fault.retryAfter) r.headers.emplace_back("Retry-After", std::to_string(*fault.retryAfter));
  return r;
}

// Cuts a JSON body so that no parser accepts it; the status stays.
void corruptBody(Response& response) {
  std::string cut = response.body.substr(0, response.body.size() / 2);
  if (cut.empty() || json::accept(cut)) cut = "{\"truncated";
  response.body = std::move(cut);
}

// The HTTP message of an answer (the same for a connection and for handleRawRequest).
http::response<http::string_body> toHttp(Response response, unsigned version, bool keepAlive,
                                         const std::string& requestId) {
  http::response<http::string_body> out;
  out.version(version);
  out.result(static_cast<unsigned>(response.status));
  for (auto& [name, value] : response.headers) out.insert(name, value);
  out.set("X-Request-Id", requestId);
  out.body() = std::move(response.body);
  out.keep_alive(keepAlive);
  out.prepare_payload();
  return out;
}

// A parsed request as the platform sees it.
Request toRequest(http::request<http::string_body>& req, bool loopback) {
  Request request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  for (const auto& field : req) {
    std::string name(field.name_string());
    auto [it, inserted] = request.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());
  }
  request.body = std::move(req.body());
  request.loopback = loopback;
  return request;
}

bool isLoopback(const tcp::endpoint& endpoint) {
  const auto address = endpoint.address();
  if (address.is_loopback()) return true;
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).is_loopback();
  return false;
}

// ---------------------------------------------------------------------------------------------

struct ServerCore {
  Platform& platform;
  const ServerOptions& options;
  Journal journal;
  Faults faults;
  std::atomic<bool> stopping{false};
  std::atomic<int> inFlight{0};
  std::atomic<std::size_t> connections{0};

  ServerCore(Platform& p, const ServerOptions& o)
      : platform(p), options(o), journal(o.journalCapacity) {}

  // The most any request may carry: set before the header is read, narrowed by bodyLimitFor.
  [[nodiscard]] std::uint64_t largestBodyLimit() const {
    return std::max({options.bodyLimit, options.smallBodyLimit, options.adminBodyLimit});
  }

  // The body a request may carry, decided from its header alone, before any byte of the body is
  // read or any rule runs (docs/platform-api.md, "The server"): the upload limit only for an
  // upload with a live session, the admin limit for /__admin/ from loopback, else the small one.
  [[nodiscard]] std::uint64_t bodyLimitFor(std::string_view method, std::string_view target,
                                           std::string_view authorization, bool loopback) const {
    const std::string_view path = target.substr(0, target.find('?'));
    if (method == "POST" && path == kUploadPath && platform.hasLiveSession(authorization))
      return options.bodyLimit;
    if (loopback && path.starts_with("/__admin/")) return options.adminBodyLimit;
    return options.smallBodyLimit;
  }

  // An upload too large for a request without a live session: the platform can answer it from
  // the header alone (401 UNAUTHORIZED or SESSION_EXPIRED, so that a client logs in again and
  // retries, as the contract says), without the body being read.
  [[nodiscard]] static bool answerableWithoutBody(std::string_view method,
                                                  std::string_view target) {
    return method == "POST" && target.substr(0, target.find('?')) == kUploadPath;
  }

  // The platform, never throwing: a bug in a rule answers 500 rather than ending the process.
  Response callPlatform(const Request& request, const std::string& requestId) {
    try {
      return platform.handle(request, requestId);
    } catch (const std::exception& e) {
      std::cerr << "zzjb-mock: " << sanitizeUtf8(request.method, 32) << ' '
                << sanitizeUtf8(pathOf(request.target))
                << ": platform threw: " << sanitizeUtf8(e.what()) << '\n';
      return errorResponse(500, "INTERNAL", "模拟平台内部错误", requestId);
    }
  }

  // An /__admin/ request: the server's own or the platform's, never throwing.
  Response adminAnswer(const Request& request, const std::string& path,
                       const std::string& requestId) {
    std::optional<Response> own;
    try {
      own = serverAdmin(request, path, requestId);
    } catch (const std::exception& e) {
      std::cerr << "zzjb-mock: " << sanitizeUtf8(path) << ": " << sanitizeUtf8(e.what()) << '\n';
      own = errorResponse(500, "INTERNAL", "模拟平台内部错误", requestId);
    }
    Response response = own ? std::move(*own) : callPlatform(request, requestId);
    if (!own && path == "/__admin/reset" && request.method == "POST" &&
        response.status / 100 == 2) {
      faults.clear();
      journal.clear();
    }
    persistIfMutated(response);
    return response;
  }

  // A platform request's answer under `fault` (none, or one whose wait or reset the caller has
  // already done), journaled and persisted before the client can see it.
  Response platformAnswer(const Request& request, const std::string& path,
                          const std::string& requestId, const std::optional<Fault>& fault) {
    Response response;
    if (fault && fault->kind == FaultKind::Status) {
      response = faultStatusResponse(*fault, requestId);
    } else {
      if (fault && fault->kind == FaultKind::SessionExpire) platform.expireSessionOf(request);
      response = callPlatform(request, requestId);
      if (fault && fault->kind == FaultKind::Malformed) corruptBody(response);
    }
    record(request, path, response.status, response, fault);
    persistIfMutated(response);
    return response;
  }

  void record(const Request& request, const std::string& path, int status,
              const Response& response, const std::optional<Fault>& fault) {
    JournalEntry entry;
    if (fault) entry.fault = kindName(fault->kind);
    entry.method = request.method;
    entry.path = path;
    entry.status = status;
    entry.idempotencyKey = response.idempotencyKey;
    if (entry.idempotencyKey.empty()) {
      if (auto it = request.headers.find("Idempotency-Key"); it != request.headers.end())
        entry.idempotencyKey = it->second;
    }
    entry.creditCode = response.creditCode;
    journal.record(std::move(entry));
  }

  // /__admin/journal and /__admin/faults; everything else under /__admin/ is the platform's.
  std::optional<Response> serverAdmin(const Request& request, const std::string& path,
                                      const std::string& requestId) {
    if (path != "/__admin/journal" && path != "/__admin/faults") return std::nullopt;
    if (!request.loopback)
      return errorResponse(403, "FORBIDDEN", "管理接口只接受本机访问", requestId);
    if (path == "/__admin/journal") {
      if (request.method != "GET") return methodNotAllowed(requestId);
      std::uint64_t since = 0;
      if (auto s = queryParam(request.target, "since"); s && !s->empty()) {
        try {
          std::size_t used = 0;
          since = std::stoull(*s, &used);
          if (used != s->size() || s->front() == '-') throw std::invalid_argument("since");
        } catch (const std::exception&) {
          return errorResponse(400, "BAD_REQUEST", "since 必须是非负整数", requestId);
        }
      }
      return jsonResponse(journal.since(since));
    }
    if (request.method == "GET") return jsonResponse(faults.describe());
    if (request.method == "DELETE") {
      faults.clear();
      return jsonResponse(faults.describe());
    }
    if (request.method != "POST") return methodNotAllowed(requestId);
    auto doc = zzjb::json::parse(request.body);
    if (!doc)
      return errorResponse(400, "BAD_REQUEST", "请求体不是 JSON（或嵌套过深、过大）", requestId);
    json errors = faults.configure(*doc);
    if (!errors.empty())
      return errorResponse(422, "VALIDATION_FAILED", "故障规则无效", requestId, std::move(errors));
    return jsonResponse(faults.describe());
  }

  static Response methodNotAllowed(const std::string& requestId) {
    return errorResponse(405, "METHOD_NOT_ALLOWED", "不支持的请求方法", requestId);
  }

  void persistIfMutated(const Response& response) {
    if (response.mutated && options.onMutated) options.onMutated();
  }
};

// ---------------------------------------------------------------------------------------------

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, ssl::context& tls, ServerCore& core)
      : stream_(std::move(socket), tls), timer_(stream_.get_executor()), core_(core) {
    ++core_.connections;
    boost::system::error_code ec;
    const auto peer = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    loopback_ = !ec && isLoopback(peer);
  }
  ~Session() { --core_.connections; }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::handshake, shared_from_this()));
  }

 private:
  void handshake() {
    beast::get_lowest_layer(stream_).expires_after(kHandshakeTimeout);
    stream_.async_handshake(ssl::stream_base::server,
                            beast::bind_front_handler(&Session::onHandshake, shared_from_this()));
  }

  void onHandshake(beast::error_code ec) {
    if (ec) return closeSocket();
    readHeader();
  }

  // One deadline for the whole header (tcp_stream's expiry is a point in time, not a per-recv
  // timeout): a client trickling bytes is cut off when it passes (docs/platform-api.md).
  void readHeader() {
    if (core_.stopping) return shutdownTls();
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(core_.largestBodyLimit());
    beast::get_lowest_layer(stream_).expires_after(core_.options.headerTimeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::onHeader, shared_from_this()));
  }

  void onHeader(beast::error_code ec, std::size_t) {
    if (ec) return readFailed(ec);
    ++core_.inFlight;
    counted_ = true;
    const auto& header = parser_->get();
    // The body limit, from the header alone and before a byte of the body is read or kept.
    const std::uint64_t limit = core_.bodyLimitFor(header.method_string(), header.target(),
                                                   header[http::field::authorization], loopback_);
    if (parser_->content_length() && *parser_->content_length() > limit) {
      if (!ServerCore::answerableWithoutBody(header.method_string(), header.target()))
        return readFailed(http::error::body_limit);
      keepAlive_ = false;  // the body is never read: this connection ends after the answer
      return process();
    }
    parser_->body_limit(limit);  // also bounds a chunked body as it arrives
    if (beast::iequals(header[http::field::expect], "100-continue")) {
      continue_ = http::response<http::empty_body>{http::status::continue_, header.version()};
      beast::get_lowest_layer(stream_).expires_after(kWriteTimeout);
      return http::async_write(stream_, continue_,
                               [self = shared_from_this()](beast::error_code wec, std::size_t) {
                                 if (!wec) return self->readBody();
                                 self->finish();
                                 self->closeSocket();
                               });
    }
    readBody();
  }

  void readBody() {
    beast::get_lowest_layer(stream_).expires_after(core_.options.bodyTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::onBody, shared_from_this()));
  }

  void onBody(beast::error_code ec, std::size_t) {
    if (ec) return readFailed(ec);
    process();
  }

  // A request that could not be read: answer what HTTP allows, then close.
  void readFailed(beast::error_code ec) {
    if (ec == http::error::end_of_stream) {
      finish();
      return shutdownTls();
    }
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      const bool body = ec == http::error::body_limit;
      return answerAndClose(body ? 413 : 431, body ? "PAYLOAD_TOO_LARGE" : "HEADER_TOO_LARGE",
                            body ? "请求体过大" : "请求头过大");
    }
    if (ec.category() == http::make_error_code(http::error::bad_target).category())
      return answerAndClose(400, "BAD_REQUEST", "无法解析的 HTTP 请求");
    finish();
    closeSocket();
  }

  void answerAndClose(int status, const char* code, const char* message) {
    if (!counted_) {
      ++core_.inFlight;
      counted_ = true;
    }
    requestId_ = randomHex(16);
    send(errorResponse(status, code, message, requestId_), 11, false);
  }

  void process() {
    request_ = toRequest(parser_->get(), loopback_);
    version_ = parser_->get().version();
    keepAlive_ = keepAlive_ && parser_->get().keep_alive();
    path_ = pathOf(request_.target);
    requestId_ = randomHex(16);

    if (path_.starts_with("/__admin/"))
      return send(core_.adminAnswer(request_, path_, requestId_), version_, keepAlive_);

    const std::optional<Fault> fault = core_.faults.decide(request_.method, path_);
    if (fault && fault->kind == FaultKind::Delay) {
      timer_.expires_after(std::chrono::milliseconds(fault->delayMs));
      // The wait is done here; the fault goes on to be journaled.
      return timer_.async_wait([self = shared_from_this(), delay = *fault](beast::error_code) {
        self->send(
            self->core_.platformAnswer(self->request_, self->path_, self->requestId_, delay),
            self->version_, self->keepAlive_);
      });
    }
    if (fault && fault->kind == FaultKind::Reset) {
      core_.record(request_, path_, 0, Response{}, fault);
      finish();
      return resetConnection();
    }
    send(core_.platformAnswer(request_, path_, requestId_, fault), version_, keepAlive_);
  }

  void send(Response response, unsigned version, bool keepAlive) {
    response_ = toHttp(std::move(response), version, keepAlive && !core_.stopping, requestId_);
    beast::get_lowest_layer(stream_).expires_after(kWriteTimeout);
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::onWrite, shared_from_this()));
  }

  void onWrite(beast::error_code ec, std::size_t) {
    finish();
    if (ec) return closeSocket();
    if (!response_.keep_alive()) return shutdownTls();
    keepAlive_ = true;
    readHeader();
  }

  // The request is over as far as a graceful stop is concerned.
  void finish() {
    if (counted_) --core_.inFlight;
    counted_ = false;
  }

  void resetConnection() {
    auto& socket = beast::get_lowest_layer(stream_).socket();
    boost::system::error_code ec;
    socket.set_option(asio::socket_base::linger(true, 0), ec);  // RST rather than FIN
    socket.close(ec);
  }

  void shutdownTls() {
    beast::get_lowest_layer(stream_).expires_after(kTlsShutdownTimeout);
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) { self->closeSocket(); });
  }

  void closeSocket() {
    boost::system::error_code ec;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(stream_).socket().close(ec);
  }

  beast::ssl_stream<beast::tcp_stream> stream_;
  asio::steady_timer timer_;
  ServerCore& core_;
  bool loopback_ = false;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::empty_body> continue_;
  http::response<http::string_body> response_;
  Request request_;
  std::string path_;
  std::string requestId_;
  unsigned version_ = 11;
  bool keepAlive_ = true;
  bool counted_ = false;
};

// ---------------------------------------------------------------------------------------------

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& io, ssl::context& tls, ServerCore& core, tcp::acceptor& acceptor)
      : io_(io), tls_(tls), core_(core), acceptor_(acceptor), retry_(io) {}

  void accept() {
    acceptor_.async_accept(asio::make_strand(io_),
                           beast::bind_front_handler(&Listener::onAccept, shared_from_this()));
  }

 private:
  void onAccept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {  // e.g. out of file descriptors: breathe, then go on
      std::cerr << "zzjb-mock: accept: " << ec.message() << '\n';
      retry_.expires_after(50ms);
      return retry_.async_wait([self = shared_from_this()](beast::error_code) { self->accept(); });
    }
    if (core_.connections.load() >= core_.options.maxConnections) {
      // At the cap: close at once rather than queue, so that no number of idle or trickling
      // clients makes the mock hold more (docs/platform-api.md, "The server").
      boost::system::error_code ignored;
      socket.close(ignored);
      if (!warnedFull_.exchange(true))
        std::cerr << "zzjb-mock: " << core_.options.maxConnections
                  << " connections open (--max-connections): refusing new ones until some end\n";
      return accept();
    }
    warnedFull_ = false;
    std::make_shared<Session>(std::move(socket), tls_, core_)->start();
    accept();
  }

  asio::io_context& io_;
  ssl::context& tls_;
  ServerCore& core_;
  tcp::acceptor& acceptor_;
  asio::steady_timer retry_;
  std::atomic<bool> warnedFull_{false};
};

std::expected<void, ServeError> configureTls(ssl::context& tls, const ServerOptions& options) {
  boost::system::error_code ec;
  tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::single_dh_use,
                  ec);
  if (ec || SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION) != 1)
    return std::unexpected(ServeError{78, "tls: cannot require TLS 1.2"});
  tls.use_certificate_chain(asio::buffer(options.certificatePem), ec);
  if (ec) return std::unexpected(ServeError{78, "tls certificate: " + ec.message()});
  tls.use_private_key(asio::buffer(options.privateKeyPem), ssl::context::pem, ec);
  if (ec) return std::unexpected(ServeError{78, "tls key: " + ec.message()});
  if (SSL_CTX_check_private_key(tls.native_handle()) != 1)
    return std::unexpected(ServeError{78, "tls: the key does not match the certificate"});
  return {};
}

}  // namespace

std::expected<void, ServeError> serve(Platform& platform, const ServerOptions& options) {
  ssl::context tls(ssl::context::tls_server);
  if (auto ok = configureTls(tls, options); !ok) return ok;

  boost::system::error_code ec;
  const std::string host = options.host == "localhost" ? "127.0.0.1" : options.host;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return std::unexpected(ServeError{64, "--listen: not an IP address: " + options.host});

  ServerCore core(platform, options);
  // Destroyed after the I/O objects below and before what the abandoned handlers refer to (core,
  // tls): its destructor drops the sessions still waiting for a keep-alive request.
  std::optional<asio::io_context> io(std::in_place,
                                     static_cast<int>(std::max(options.threads, 1u)));
  tcp::acceptor acceptor(*io);
  const tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return std::unexpected(ServeError{69, "cannot listen on " + options.host + ":" +
                                              std::to_string(options.port) + ": " + ec.message()});
  const std::uint16_t port = acceptor.local_endpoint().port();

  std::make_shared<Listener>(*io, tls, core, acceptor)->accept();

  // SIGTERM/SIGINT: stop accepting, then poll until the in-flight requests are done or the
  // grace period is over, and stop the io_context (idle keep-alive connections are dropped).
  asio::steady_timer drain(*io);
  std::chrono::steady_clock::time_point deadline;
  std::function<void()> pollDrain = [&] {
    if (core.inFlight.load() <= 0 || std::chrono::steady_clock::now() >= deadline) {
      io->stop();
      return;
    }
    drain.expires_after(20ms);
    drain.async_wait([&](beast::error_code) { pollDrain(); });
  };
  std::atomic<bool> stopBegun{false};
  std::function<void()> beginStop = [&] {
    if (stopBegun.exchange(true)) return;
    core.stopping = true;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    deadline = std::chrono::steady_clock::now() + options.shutdownGrace;
    pollDrain();
  };
  std::optional<asio::signal_set> signals;
  if (options.handleSignals) {
    signals.emplace(*io, SIGTERM, SIGINT);
    signals->async_wait([&](beast::error_code sec, int) {
      if (!sec) beginStop();
    });
  }
  // Runs at once when a stop was requested before: the stop is then the first thing served.
  const std::stop_callback onStop(options.stop, [&] { asio::post(*io, beginStop); });

  if (options.onListening) options.onListening(port);

  std::vector<std::thread> threads;
  for (unsigned i = 1; i < std::max(options.threads, 1u); ++i)
    threads.emplace_back([&io] { io->run(); });
  io->run();
  for (auto& t : threads) t.join();
  return {};
}

// ---- the same handling over bytes (tests, fuzzers)
// -----------------------------------------------

struct RawServer::Impl {
  Impl(Platform& p, ServerOptions o) : options(std::move(o)), core(p, options) {}
  ServerOptions options;
  ServerCore core;
};

RawServer::RawServer(Platform& platform, ServerOptions options)
    : impl_(std::make_unique<Impl>(platform, std::move(options))) {}
RawServer::~RawServer() = default;

std::string RawServer::handle(std::string_view bytes, bool loopback) {
  ServerCore& core = impl_->core;
  const auto answer = [](Response response, unsigned version, bool keepAlive,
                         const std::string& requestId) {
    std::ostringstream out;
    out << toHttp(std::move(response), version, keepAlive, requestId);
    return out.str();
  };
  const auto refuse = [&](beast::error_code ec) {
    const std::string requestId = randomHex(16);
    if (ec == http::error::body_limit)
      return answer(errorResponse(413, "PAYLOAD_TOO_LARGE", "请求体过大", requestId), 11, false,
                    requestId);
    if (ec == http::error::header_limit)
      return answer(errorResponse(431, "HEADER_TOO_LARGE", "请求头过大", requestId), 11, false,
                    requestId);
    return answer(errorResponse(400, "BAD_REQUEST", "无法解析的 HTTP 请求", requestId), 11, false,
                  requestId);
  };

  // The same parser, limits and order as a connection: the header, the body limit from it, the
  // body. Bytes that end before the request does get no answer (a connection would wait).
  http::request_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(core.largestBodyLimit());
  parser.eager(false);
  beast::error_code ec;
  std::size_t used = 0;
  // put() is given every byte left each time, so need_more means the bytes end too early.
  while (!parser.is_header_done()) {
    const std::size_t n = parser.put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == http::error::need_more) return {};
    if (ec) return refuse(ec);
    if (n == 0 && !parser.is_header_done()) return {};
  }
  const auto& header = parser.get();
  const std::uint64_t limit = core.bodyLimitFor(header.method_string(), header.target(),
                                                header[http::field::authorization], loopback);
  bool withoutBody = false;
  if (parser.content_length() && *parser.content_length() > limit) {
    if (!ServerCore::answerableWithoutBody(header.method_string(), header.target()))
      return refuse(http::error::body_limit);
    withoutBody = true;
  }
  parser.body_limit(limit);
  parser.eager(true);
  while (!withoutBody && !parser.is_done()) {
    const std::size_t n = parser.put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == http::error::need_more) return {};
    if (ec) return refuse(ec);
    if (n == 0 && !parser.is_done()) return {};
  }

  const unsigned version = parser.get().version();
  const bool keepAlive = !withoutBody && parser.get().keep_alive();
  Request request = toRequest(parser.get(), loopback);
  const std::string path = pathOf(request.target);
  const std::string requestId = randomHex(16);
  if (path.starts_with("/__admin/"))
    return answer(core.adminAnswer(request, path, requestId), version, keepAlive, requestId);
  std::optional<Fault> fault = core.faults.decide(request.method, path);
  if (fault && fault->kind == FaultKind::Reset) {
    core.record(request, path, 0, Response{}, fault);
    return {};
  }
  if (fault && fault->kind == FaultKind::Delay) fault.reset();  // answered without the wait
  return answer(core.platformAnswer(request, path, requestId, fault), version, keepAlive,
                requestId);
}

std::string handleRawRequest(Platform& platform, std::string_view bytes) {
  RawServer server(platform);
  return server.handle(bytes);
}

}  // namespace zzjb::mock
