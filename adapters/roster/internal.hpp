// Shared by the roster readers (not installed): encoding helpers, findings, and the step that
// turns raw rows into a RosterTable (header, blank rows, padding, extra cells).
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "zzjb/core/roster.hpp"

namespace zzjb::roster::detail {

// Larger inputs (a CSV file, or one xlsx part once uncompressed) are refused: no roster is that
// big, and a zip bomb must not exhaust memory.
inline constexpr std::size_t kMaxBytes = std::size_t{200} * 1024 * 1024;

// encoding.cpp
// Offset of the first byte that is not part of well-formed UTF-8, or npos.
[[nodiscard]] std::size_t invalidUtf8At(std::string_view s);
// GB18030 (and so GBK/GB2312) to UTF-8 through iconv. Error: offset of the first byte that
// could not be decoded.
[[nodiscard]] std::expected<std::string, std::size_t> gb18030ToUtf8(std::string_view in);
// 1-based physical line of byte `offset` (LF, CRLF and a lone CR end a line).
[[nodiscard]] std::size_t lineAt(std::string_view s, std::size_t offset);
// Without leading/trailing ASCII whitespace and ideographic spaces (U+3000).
[[nodiscard]] std::string trim(std::string_view s);

// readers.cpp
[[nodiscard]] Finding rosterFinding(Severity severity, std::string code, const std::string& file,
                                    std::size_t line, std::string message, std::string hint = {});
// Column letters of a 0-based index: 0 → "A", 26 → "AA".
[[nodiscard]] std::string columnName(std::size_t index);

struct RawRow {
  std::size_t line = 0;
  std::vector<Cell> cells;
};

// Fills table.header/headerLine/records from `rows`: the first non-blank row is the header
// (names trimmed), blank rows are dropped, short rows padded with empty cells (xlsx: with their
// refs), non-blank cells beyond the header kept with a ROSTER_EXTRA_CELLS warning, blank ones
// dropped. False if there is no non-blank row at all.
[[nodiscard]] bool assembleTable(RosterTable& table, std::vector<RawRow> rows, bool xlsx);

}  // namespace zzjb::roster::detail
