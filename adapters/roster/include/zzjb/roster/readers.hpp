// Roster readers: CSV (UTF-8 with or without BOM, or GB18030/GBK as Excel on Chinese Windows
// writes it) and xlsx (libzip + pugixml). They return cells; core maps and checks them.
//
// Every reader works in bounded memory (docs/architecture.md, "Rosters in bounded memory"): rows
// are sparse, and each limit below, when crossed, is a finding that names it. A limit of the
// whole file (size, rows, cells, text, header, shared strings, an xlsx part) refuses the file; a
// bad cell (not UTF-8, too long, beyond the column limit) leaves its row out with an error at the
// cell, and the other rows go on. The cell text handed to core is always valid UTF-8.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "zzjb/core/roster.hpp"

namespace zzjb::roster {

struct RosterLimits {
  std::size_t maxFileBytes = std::size_t{64} << 20;          // the file (as files::kMaxRosterBytes)
  std::size_t maxRows = 100'000;                             // non-blank rows below the header
  std::size_t maxColumns = 1'024;                            // columns per row (A … AMJ)
  std::size_t maxCells = 1'000'000;                          // non-blank cells in the whole file
  std::size_t maxCellBytes = 128u << 10;                     // one cell (Excel holds 32,767 chars)
  std::size_t maxTextBytes = std::size_t{32} << 20;          // all cell text together
  std::size_t maxHeaderBytes = 64u << 10;                    // the header row (CSV: its line)
  std::size_t maxSharedStrings = 1'000'000;                  // xlsx: items in sharedStrings.xml
  std::size_t maxSharedStringBytes = std::size_t{32} << 20;  // xlsx: their text together
  std::size_t maxPartBytes = std::size_t{32} << 20;          // xlsx: one part once uncompressed
  std::size_t maxXmlNodes = 3'000'000;  // xlsx: elements + attributes of a part
  std::size_t maxFindings = 100;        // per file; then one ROSTER_MORE_FINDINGS
  // Cells right of the first row's last name are kept rather than dropped (ROSTER_EXTRA_CELLS):
  // for a table whose first row is a title above the real header (docs/catalog.md).
  bool keepCellsBeyondHeader = false;
};

// The parsers over bytes (tests and fuzzers call these; the file readers below use them).
// `display` names the file in findings.
[[nodiscard]] Result<RosterTable> readCsvBytes(std::string_view bytes, const std::string& display,
                                               const RosterLimits& limits = {});
[[nodiscard]] Result<RosterTable> readXlsxBytes(std::string_view bytes, const std::string& display,
                                                const RosterLimits& limits = {});

// The file readers: the file is read with files::readFile (a regular file, never through a final
// symbolic link, at most limits.maxFileBytes); nothing of it is quoted before that succeeded.
class CsvReader final : public RosterReader {
 public:
  explicit CsvReader(RosterLimits limits = {}) : limits_(limits) {}
  [[nodiscard]] Result<RosterTable> read(const std::filesystem::path& path,
                                         const std::string& display) const override;

 private:
  RosterLimits limits_;
};

class XlsxReader final : public RosterReader {
 public:
  explicit XlsxReader(RosterLimits limits = {}) : limits_(limits) {}
  [[nodiscard]] Result<RosterTable> read(const std::filesystem::path& path,
                                         const std::string& display) const override;

 private:
  RosterLimits limits_;
};

// By extension, case-insensitive: .csv/.txt → CsvReader, .xlsx → XlsxReader; nullptr otherwise
// (.xls, the old binary format, is not read: the caller says to save as .xlsx or CSV UTF-8).
[[nodiscard]] std::unique_ptr<RosterReader> readerFor(const std::filesystem::path& path);

}  // namespace zzjb::roster
