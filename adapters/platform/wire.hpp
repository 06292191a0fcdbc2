// The platform's wire format for the client (private to zzjb_platform_client): JSON bodies to and
// from the port's structs, the multipart upload, and the small crypto and text helpers the
// signed submissions need. No networking here.
#pragma once

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zzjb/core/domain.hpp"
#include "zzjb/core/platform.hpp"

namespace zzjb::platform::wire {

using json = nlohmann::json;

// A decoding problem: what is missing or of the wrong type, as a JSON path ("items[2].level").
template <typename T>
using Decoded = std::expected<T, std::string>;

[[nodiscard]] std::string base64Encode(std::span<const std::uint8_t> bytes);
[[nodiscard]] std::optional<std::vector<std::uint8_t>> base64Decode(std::string_view text);
[[nodiscard]] std::string sha256Hex(std::string_view bytes);
// `bytes` random bytes (OpenSSL RAND_bytes) as lower-case hex.
[[nodiscard]] std::string randomHex(std::size_t bytes);
// Now as RFC 3339 in the platform's zone: "2027-04-01T09:00:00+08:00".
[[nodiscard]] std::string rfc3339Now();

// Masks what looks like an ID number or a mobile (a run of 11 or more digits, maybe ending in
// X): "3101**********123X". Applied to every text copied from an answer into a message.
[[nodiscard]] std::string redact(std::string_view text);

// 1–128 printable ASCII characters (0x20–0x7E), as the contract wants.
[[nodiscard]] bool validIdempotencyKey(std::string_view key);

// Percent-encodes a query value or path segment (RFC 3986 unreserved characters kept).
[[nodiscard]] std::string percentEncode(std::string_view text);

// Request bodies. An ability's scope (PermissionScope::ability()) sends abilityCode and
// abilityName with the occupation's fields null; an occupation's, no ability keys.
[[nodiscard]] json accountJson(const AccountRequest& r);
[[nodiscard]] json applicationJson(const ApplicationRequest& r);
[[nodiscard]] json manifestJson(const DeclarationManifest& m);

// multipart/form-data with parts `manifest` (JSON) and `file` (xlsx), built by hand so that the
// signature covers exactly the bytes sent.
struct Multipart {
  std::string contentType;  // "multipart/form-data; boundary=…"
  std::string body;
};
[[nodiscard]] Multipart declarationUpload(const std::string& manifestText, std::string_view xlsx);

// Answers.
//
// Every answer body is parsed here, bounded (zzjb/json/bounded.hpp: 64 levels of nesting, the
// client's 64 MiB): a hostile or broken platform (or a man in the middle) gets a "does not follow
// the contract" error, never a deep recursion in a copy or a dump, never an exception. Numbers
// too large for a double (1e999) and invalid UTF-8 in strings are parse errors. The message says
// what and where (byte offset), never echoes the body. See docs/platform-client.md.
inline constexpr int kMaxAnswerDepth = 64;
[[nodiscard]] Decoded<json> parseAnswer(std::string_view body);

[[nodiscard]] Decoded<AccountState> decodeAccount(const json& j);
[[nodiscard]] Decoded<Catalog> decodeCatalog(const json& j);
// A permission and a declaration name an occupation or an ability, never both nor neither
// (docs/platform-client.md, "Answers").
[[nodiscard]] Decoded<std::vector<GrantedPermission>> decodePermissions(const json& j);
[[nodiscard]] Decoded<ApplicationState> decodeApplication(const json& j);
[[nodiscard]] Decoded<BatchState> decodeBatch(const json& j);
// `{"items": [...]}` of batches in the shape of GET …/group-declarations/{id}.
[[nodiscard]] Decoded<std::vector<BatchState>> decodeBatches(const json& j);
[[nodiscard]] Decoded<std::vector<DeclarationInfo>> decodeDeclarations(const json& j);
// `{"items": [x]}` → x (a pointer into `j`: nothing is copied), `{"items": []}` → nullptr.
[[nodiscard]] Decoded<const json*> decodeZeroOrOne(const json& j);

struct ErrorBody {
  std::string code;
  std::string message;  // redacted
  std::string requestId;
  std::vector<PlatformFieldError> fields;  // messages redacted
};
// The platform's error object; nullopt when `j` is not one.
[[nodiscard]] std::optional<ErrorBody> decodeError(const json& j);

// The byte-level entry point for tests and fuzzers: parses `body` as parseAnswer does and runs
// the decoder the client runs on that kind of answer (ZeroOrOneApplication and ZeroOrOneBatch:
// the idempotency lookups, decodeZeroOrOne then the item's decoder). The problem, or nothing.
// Never throws, for any bytes.
enum class AnswerKind {
  Account,
  Catalog,
  Permissions,
  Application,
  Batch,
  Declarations,
  ZeroOrOneApplication,
  ZeroOrOneBatch,
  Error,
};
[[nodiscard]] std::expected<void, std::string> decodeAnswer(AnswerKind kind, std::string_view body);

}  // namespace zzjb::platform::wire
