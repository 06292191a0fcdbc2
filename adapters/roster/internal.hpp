// Shared by the roster readers (not installed): encoding helpers, findings, and the builder that
// turns parsed rows into a RosterTable within the limits (docs/architecture.md, "Rosters in
// bounded memory").
#pragma once

#include <cstddef>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zzjb/core/roster.hpp"
#include "zzjb/roster/readers.hpp"

namespace zzjb::roster::detail {

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
// Bytes of a file fit to quote in a message: printable ASCII and valid UTF-8 kept, anything else
// written as \xNN, cut after `max` bytes with "…". Messages must stay valid UTF-8 (JSON output).
[[nodiscard]] std::string quotable(std::string_view s, std::size_t max = 40);

// readers.cpp
// A finding about a roster worded by the catalog (makeFinding: the text of `textCode` or `code`,
// its hint "<…>.hint").
[[nodiscard]] Finding rosterFinding(Severity severity, std::string code, const std::string& file,
                                    std::size_t line, msg::Args args = {},
                                    std::string_view textCode = {});
// Column letters of a 0-based index: 0 → "A", 26 → "AA".
[[nodiscard]] std::string columnName(std::size_t index);

// Builds a RosterTable row by row as a parser reads them: the first non-blank row is the header
// (names trimmed), blank rows are dropped, rows stay sparse, each cell is checked (UTF-8, length,
// column limit) and a row with a bad cell is left out with one finding at that cell. Counts rows,
// cells and text against the limits; crossing one sets `fatal` and the parser stops.
class TableBuilder {
 public:
  TableBuilder(RosterTable& table, const RosterLimits& limits, bool xlsx)
      : table_(table), limits_(limits), xlsx_(xlsx) {}

  void startRow(std::size_t line);
  // A cell of the current row (xlsx: in any order); its text is checked here. False once `fatal`.
  bool addCell(std::size_t column, Cell cell);
  // A cell of the current row that the parser could not decode: the row is left out. The text
  // is `code`'s (in the header row: "<code>.header"), with {where} naming the cell.
  void badCell(std::size_t column, const std::string& ref, std::string code, msg::Args args);
  // False once `fatal`.
  bool endRow();
  // A finding about the content, counted against limits.maxFindings.
  void note(Finding f);
  // True if a header was found; adds ROSTER_MORE_FINDINGS when findings were left out.
  [[nodiscard]] bool finish();

  [[nodiscard]] bool haveHeader() const { return haveHeader_; }
  [[nodiscard]] const RosterLimits& limits() const { return limits_; }
  // A file-level finding naming `limit`; the parser returns it as the error.
  [[nodiscard]] Finding limitFinding(std::string code, std::size_t line, msg::Args args) const;

  std::optional<Finding> fatal;

 private:
  [[nodiscard]] Finding cellFinding(std::size_t column, const std::string& ref, std::string code,
                                    msg::Args args, std::string_view textCode) const;
  void finishHeader();
  void sortCells();

  RosterTable& table_;
  const RosterLimits& limits_;
  bool xlsx_;
  bool haveHeader_ = false;
  std::size_t line_ = 0;
  std::vector<Cell> cells_;
  std::vector<Finding> rowProblems_;  // data row: only the first is kept; header: each
  bool wideNoted_ = false;            // a cell beyond maxColumns was reported in this row
  std::size_t cellCount_ = 0;
  std::size_t textBytes_ = 0;
  std::size_t rows_ = 0;
  std::size_t suppressed_ = 0;
  std::size_t firstSuppressedLine_ = 0;
  Severity suppressedMax_ = Severity::Info;
};

// The roster file's bytes (files::readFile: regular file, no final link, at most
// limits.maxFileBytes), the finding pointing at `display`. A link, a device or a missing file is
// the configuration's (78); a roster too large is the data's (65), like every other limit of the
// file (docs/architecture.md, "Rosters in bounded memory").
[[nodiscard]] Result<std::string> readRosterFile(const std::filesystem::path& path,
                                                 const std::string& display,
                                                 const RosterLimits& limits);

}  // namespace zzjb::roster::detail
