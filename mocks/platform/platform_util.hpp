// Small helpers of the mock platform with no state: RFC 3339 times in Asia/Shanghai, base64,
// SHA-256, query strings and multipart/form-data bodies.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zzjb/core/date.hpp"

namespace zzjb::mock {

// Seconds since the Unix epoch, UTC.
using Seconds = std::int64_t;

// The times the mock can state: 0001-01-01T08:00:00+08:00 to 9999-12-31T23:59:59+08:00. The
// mock clock is kept inside (docs/platform-api.md, "The mock clock"), so that no sum of times
// can overflow; formatTime clamps anything outside.
inline constexpr Seconds kMinTime = -62'135'596'800;             // 0001-01-01T00:00:00Z
inline constexpr Seconds kMaxTime = 253'402'300'799 - 8 * 3600;  // 9999-12-31T23:59:59+08:00
// The largest clock offset or step that can be meaningful (from one end of the range to the
// other); anything larger is refused before any arithmetic.
inline constexpr Seconds kMaxClockStep = kMaxTime - kMinTime;

// "2027-04-01T09:00:00+08:00": the platform's zone is Asia/Shanghai (no daylight saving).
// `t` is clamped to [kMinTime, kMaxTime].
[[nodiscard]] std::string formatTime(Seconds t);
// RFC 3339 with 'Z' or an offset, optional fraction; nullopt when malformed.
[[nodiscard]] std::optional<Seconds> parseTime(std::string_view s);
// The Asia/Shanghai calendar date at `t`.
[[nodiscard]] Date shanghaiDate(Seconds t);
// Days since 1970-01-01 for a civil date (proleptic Gregorian).
[[nodiscard]] std::int64_t daysFromCivil(int y, int m, int d);
[[nodiscard]] Date civilFromDays(std::int64_t days);

[[nodiscard]] std::string base64Encode(std::string_view bytes);
// Strict (RFC 4648 section 3.5 canonical form): padding required, no whitespace, and the bits
// the padding leaves over must be zero; nullopt on anything else.
[[nodiscard]] std::optional<std::string> base64Decode(std::string_view text);

// Whether `s` is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
[[nodiscard]] bool isValidUtf8(std::string_view s);
// `s` with each byte that is not part of well-formed UTF-8 replaced by U+FFFD, and cut to
// `maxBytes` (at a character boundary, "…" appended): safe to put into a JSON answer or the
// journal without echoing what a client sent as raw bytes (docs/platform-api.md, "General").
[[nodiscard]] std::string sanitizeUtf8(std::string_view s, std::size_t maxBytes = 256);

[[nodiscard]] std::string sha256Hex(std::string_view bytes);  // lower-case
[[nodiscard]] std::string hexEncode(std::string_view bytes);

struct Target {
  std::string path;
  std::map<std::string, std::string> query;  // percent-decoded; a repeated name keeps the last
};
[[nodiscard]] std::optional<Target> parseTarget(std::string_view target);

// The boundary parameter of a multipart/form-data Content-Type, nullopt when it is not one.
[[nodiscard]] std::optional<std::string> multipartBoundary(std::string_view contentType);

struct FormPart {
  std::string name;      // from Content-Disposition
  std::string filename;  // empty when absent
  std::string contentType;
  std::string data;
};
// Parses a multipart body (RFC 7578); nullopt when it is malformed.
[[nodiscard]] std::optional<std::vector<FormPart>> parseMultipart(std::string_view body,
                                                                  std::string_view boundary);

[[nodiscard]] std::string trim(std::string_view s);
// Between minLen and maxLen characters, each printable ASCII (0x20–0x7E).
[[nodiscard]] bool isPrintableAscii(std::string_view s, std::size_t minLen, std::size_t maxLen);

}  // namespace zzjb::mock
