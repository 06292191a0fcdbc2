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

// "2027-04-01T09:00:00+08:00": the platform's zone is Asia/Shanghai (no daylight saving).
[[nodiscard]] std::string formatTime(Seconds t);
// RFC 3339 with 'Z' or an offset, optional fraction; nullopt when malformed.
[[nodiscard]] std::optional<Seconds> parseTime(std::string_view s);
// The Asia/Shanghai calendar date at `t`.
[[nodiscard]] Date shanghaiDate(Seconds t);
// Days since 1970-01-01 for a civil date (proleptic Gregorian).
[[nodiscard]] std::int64_t daysFromCivil(int y, int m, int d);
[[nodiscard]] Date civilFromDays(std::int64_t days);

[[nodiscard]] std::string base64Encode(std::string_view bytes);
// Strict: padding required, no whitespace; nullopt on anything else.
[[nodiscard]] std::optional<std::string> base64Decode(std::string_view text);

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
