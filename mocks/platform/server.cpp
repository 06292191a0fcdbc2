// zzjb-mock's HTTPS server (Boost.Beast over asio::ssl): one Session per connection, requests
// handed to mock::Platform, plus what the platform cannot see from inside a request: the journal
// of platform calls and seeded faults (status, delay, reset, malformed, session-expire).

// GCC 12 reports, after inlining, -Wnull-dereference in Asio's scheduler and (with
// -fsanitize=address) -Wmaybe-uninitialized in the std::function inside std::regex: middle-end
// warnings that -isystem does not silence. They are silenced for the code of these headers only
// (the state is taken where the header code is); server.cpp's own code keeps every warning.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <ctime>
#include <deque>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <regex>
#include <thread>
#include <utility>
#include <vector>
#pragma GCC diagnostic pop

#include "platform.hpp"

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
constexpr auto kIdleTimeout = 60s;   // keep-alive: waiting for the next request's header
constexpr auto kBodyTimeout = 120s;  // a 64 MiB upload over a slow link
constexpr auto kWriteTimeout = 60s;
constexpr auto kTlsShutdownTimeout = 2s;
constexpr int kMaxDelayMs = 60'000;

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

Response errorResponse(int status, const std::string& code, const std::string& message,
                       const std::string& requestId, json fields = nullptr) {
  json body = {{"code", code}, {"message", message}, {"requestId", requestId}};
  if (!fields.is_null()) body["fields"] = std::move(fields);
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", kJsonType);
  r.body = body.dump();
  return r;
}

Response jsonResponse(const json& body) {
  Response r;
  r.headers.emplace_back("Content-Type", kJsonType);
  r.body = body.dump();
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
};

class Journal {
 public:
  explicit Journal(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

  void record(JournalEntry entry) {
    entry.time = nowRfc3339();
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
                       {"creditCode", orNull(it->creditCode)}});
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

// ---------------------------------------------------------------------------------------------
// Faults: seeded rules. One mt19937_64 draw per matching rule per request, in rule order, so the
// same seed and the same sequence of requests give the same faults; the first rule that fires wins.

enum class FaultKind { Status, Delay, Reset, Malformed, SessionExpire };

struct FaultRule {
  std::string method;  // empty: any
  std::string pathPattern;
  std::regex path;
  double probability = 0;
  FaultKind kind = FaultKind::Status;
  int status = 503;
  int delayMs = 0;
  std::optional<int> retryAfter;
};

struct Fault {
  FaultKind kind;
  int status;
  int delayMs;
  std::optional<int> retryAfter;
};

const std::pair<const char*, FaultKind> kFaultKinds[] = {
    {"status", FaultKind::Status},
    {"delay", FaultKind::Delay},
    {"reset", FaultKind::Reset},
    {"malformed", FaultKind::Malformed},
    {"session-expire", FaultKind::SessionExpire}};

const char* kindName(FaultKind kind) {
  for (const auto& [name, k] : kFaultKinds)
    if (k == kind) return name;
  return "?";
}

class Faults {
 public:
  // Replaces the rules and reseeds. Returns the field errors (empty when accepted).
  json configure(const json& doc) {
    json errors = json::array();
    auto fail = [&errors](std::string field, std::string message) {
      errors.push_back({{"field", std::move(field)}, {"message", std::move(message)}});
    };
    if (!doc.is_object()) {
      fail("", "expected an object {\"seed\", \"rules\"}");
      return errors;
    }
    std::uint64_t seed = 0;
    if (auto it = doc.find("seed"); it != doc.end()) {
      if (it->is_number_unsigned())
        seed = it->get<std::uint64_t>();
      else if (it->is_number_integer() && it->get<std::int64_t>() >= 0)
        seed = static_cast<std::uint64_t>(it->get<std::int64_t>());
      else
        fail("seed", "must be a non-negative integer");
    }
    std::vector<FaultRule> rules;
    const auto rulesIt = doc.find("rules");
    if (rulesIt == doc.end() || !rulesIt->is_array()) {
      fail("rules", "must be an array");
      return errors;
    }
    for (std::size_t i = 0; i < rulesIt->size(); ++i) {
      const json& r = (*rulesIt)[i];
      const std::string at = "rules[" + std::to_string(i) + "].";
      if (!r.is_object()) {
        fail(at.substr(0, at.size() - 1), "must be an object");
        continue;
      }
      FaultRule rule;
      auto optionalInt = [&](const char* key, int lo, int hi) -> std::optional<int> {
        auto it = r.find(key);
        if (it == r.end() || it->is_null()) return std::nullopt;
        if (!it->is_number_integer() || it->get<std::int64_t>() < lo ||
            it->get<std::int64_t>() > hi) {
          fail(at + key,
               "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
          return std::nullopt;
        }
        return static_cast<int>(it->get<std::int64_t>());
      };
      if (auto it = r.find("method"); it != r.end() && !it->is_null()) {
        if (it->is_string())
          rule.method = it->get<std::string>();
        else
          fail(at + "method", "must be a string");
      }
      rule.pathPattern = r.value("path", std::string());
      try {
        rule.path = std::regex(rule.pathPattern, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        fail(at + "path", std::string("not an ECMAScript regular expression: ") + e.what());
      }
      if (auto it = r.find("probability");
          it == r.end() || !it->is_number() || it->get<double>() < 0 || it->get<double>() > 1)
        fail(at + "probability", "must be a number from 0 to 1");
      else
        rule.probability = it->get<double>();
      const std::string kind = r.value("kind", std::string());
      const auto* found = std::find_if(std::begin(kFaultKinds), std::end(kFaultKinds),
                                       [&kind](const auto& k) { return kind == k.first; });
      if (found == std::end(kFaultKinds))
        fail(at + "kind", "must be status, delay, reset, malformed or session-expire");
      else
        rule.kind = found->second;
      rule.status = optionalInt("status", 100, 599).value_or(503);
      rule.delayMs = optionalInt("delayMs", 0, kMaxDelayMs).value_or(0);
      rule.retryAfter = optionalInt("retryAfter", 0, 86'400);
      // The contract: 429 and 503 always carry Retry-After.
      if (rule.kind == FaultKind::Status && !rule.retryAfter &&
          (rule.status == 429 || rule.status == 503))
        rule.retryAfter = 1;
      rules.push_back(std::move(rule));
    }
    if (!errors.empty()) return errors;
    std::lock_guard lock(mutex_);
    rules_ = std::move(rules);
    seed_ = seed;
    rng_.seed(seed);
    return errors;
  }

  void clear() {
    std::lock_guard lock(mutex_);
    rules_.clear();
  }

  std::optional<Fault> decide(const std::string& method, const std::string& path) {
    std::lock_guard lock(mutex_);
    std::optional<Fault> chosen;
    for (const FaultRule& rule : rules_) {
      if (!rule.method.empty() && rule.method != method) continue;
      if (!std::regex_search(path, rule.path)) continue;
      const double draw = static_cast<double>(rng_() >> 11) * 0x1.0p-53;  // [0, 1)
      if (!chosen && draw < rule.probability)
        chosen = Fault{rule.kind, rule.status, rule.delayMs, rule.retryAfter};
    }
    return chosen;
  }

  json describe() const {
    std::lock_guard lock(mutex_);
    json rules = json::array();
    for (const FaultRule& r : rules_) {
      json j = {{"method", r.method},
                {"path", r.pathPattern},
                {"probability", r.probability},
                {"kind", kindName(r.kind)}};
      if (r.kind == FaultKind::Status) j["status"] = r.status;
      if (r.kind == FaultKind::Delay) j["delayMs"] = r.delayMs;
      if (r.retryAfter) j["retryAfter"] = *r.retryAfter;
      rules.push_back(std::move(j));
    }
    return {{"seed", seed_}, {"rules", std::move(rules)}};
  }

 private:
  mutable std::mutex mutex_;
  std::vector<FaultRule> rules_;
  std::uint64_t seed_ = 0;
  std::mt19937_64 rng_;
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

  ServerCore(Platform& p, const ServerOptions& o)
      : platform(p), options(o), journal(o.journalCapacity) {}

  // The platform, never throwing: a bug in a rule answers 500 rather than ending the process.
  Response callPlatform(const Request& request, const std::string& requestId) {
    try {
      return platform.handle(request, requestId);
    } catch (const std::exception& e) {
      std::cerr << "zzjb-mock: " << request.method << ' ' << pathOf(request.target)
                << ": platform threw: " << e.what() << '\n';
      return errorResponse(500, "INTERNAL", "模拟平台内部错误", requestId);
    }
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
    json doc = json::parse(request.body, nullptr, false);
    if (doc.is_discarded()) return errorResponse(400, "BAD_REQUEST", "请求体不是 JSON", requestId);
    json errors = faults.configure(doc);
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
    boost::system::error_code ec;
    const auto peer = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    loopback_ = !ec && isLoopback(peer);
  }

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

  void readHeader() {
    if (core_.stopping) return shutdownTls();
    parser_.emplace();
    parser_->header_limit(64u << 10);
    parser_->body_limit(core_.options.bodyLimit);
    beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::onHeader, shared_from_this()));
  }

  void onHeader(beast::error_code ec, std::size_t) {
    if (ec) return readFailed(ec);
    ++core_.inFlight;
    counted_ = true;
    const auto& header = parser_->get();
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
    beast::get_lowest_layer(stream_).expires_after(kBodyTimeout);
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
    auto& req = parser_->get();
    request_ = Request{};
    request_.method = std::string(req.method_string());
    request_.target = std::string(req.target());
    for (const auto& field : req) {
      std::string name(field.name_string());
      auto [it, inserted] = request_.headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    request_.body = std::move(req.body());
    request_.loopback = loopback_;
    version_ = req.version();
    keepAlive_ = req.keep_alive();
    path_ = pathOf(request_.target);
    requestId_ = randomHex(16);

    if (path_.starts_with("/__admin/")) {
      std::optional<Response> own = core_.serverAdmin(request_, path_, requestId_);
      Response response = own ? std::move(*own) : core_.callPlatform(request_, requestId_);
      if (!own && path_ == "/__admin/reset" && request_.method == "POST" &&
          response.status / 100 == 2) {
        core_.faults.clear();
        core_.journal.clear();
      }
      core_.persistIfMutated(response);
      return send(std::move(response), version_, keepAlive_);
    }

    const std::optional<Fault> fault = core_.faults.decide(request_.method, path_);
    if (!fault) return answer(core_.callPlatform(request_, requestId_));
    switch (fault->kind) {
      case FaultKind::Status:
        return answer(faultStatusResponse(*fault, requestId_));
      case FaultKind::Delay:
        timer_.expires_after(std::chrono::milliseconds(fault->delayMs));
        return timer_.async_wait([self = shared_from_this()](beast::error_code) {
          self->answer(self->core_.callPlatform(self->request_, self->requestId_));
        });
      case FaultKind::Reset:
        journal(0, request_.headers, Response{});
        finish();
        return resetConnection();
      case FaultKind::Malformed: {
        Response response = core_.callPlatform(request_, requestId_);
        corruptBody(response);
        return answer(std::move(response));
      }
      case FaultKind::SessionExpire:
        core_.platform.expireSessionOf(request_);
        return answer(core_.callPlatform(request_, requestId_));
    }
  }

  template <class Headers>
  void journal(int status, const Headers& headers, const Response& response) {
    JournalEntry entry;
    entry.method = request_.method;
    entry.path = path_;
    entry.status = status;
    entry.idempotencyKey = response.idempotencyKey;
    if (entry.idempotencyKey.empty()) {
      if (auto it = headers.find("Idempotency-Key"); it != headers.end())
        entry.idempotencyKey = it->second;
    }
    entry.creditCode = response.creditCode;
    core_.journal.record(std::move(entry));
  }

  // A platform request's answer: journaled and persisted before the client can see it.
  void answer(Response response) {
    journal(response.status, request_.headers, response);
    core_.persistIfMutated(response);
    send(std::move(response), version_, keepAlive_);
  }

  void send(Response response, unsigned version, bool keepAlive) {
    response_ = {};
    response_.version(version);
    response_.result(static_cast<unsigned>(response.status));
    for (auto& [name, value] : response.headers) response_.insert(name, value);
    response_.set("X-Request-Id", requestId_);
    response_.body() = std::move(response.body);
    response_.keep_alive(keepAlive && !core_.stopping);
    response_.prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(kWriteTimeout);
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::onWrite, shared_from_this()));
  }

  void onWrite(beast::error_code ec, std::size_t) {
    finish();
    if (ec) return closeSocket();
    if (!response_.keep_alive()) return shutdownTls();
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
    std::make_shared<Session>(std::move(socket), tls_, core_)->start();
    accept();
  }

  asio::io_context& io_;
  ssl::context& tls_;
  ServerCore& core_;
  tcp::acceptor& acceptor_;
  asio::steady_timer retry_;
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
  asio::signal_set signals(*io, SIGTERM, SIGINT);
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
  signals.async_wait([&](beast::error_code sec, int) {
    if (sec) return;
    core.stopping = true;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    deadline = std::chrono::steady_clock::now() + options.shutdownGrace;
    pollDrain();
  });

  if (options.onListening) options.onListening(port);

  std::vector<std::thread> threads;
  for (unsigned i = 1; i < std::max(options.threads, 1u); ++i)
    threads.emplace_back([&io] { io->run(); });
  io->run();
  for (auto& t : threads) t.join();
  return {};
}

}  // namespace zzjb::mock
