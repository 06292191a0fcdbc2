// What the CSV and xlsx readers share: choosing a reader by extension, building findings, and
// turning parsed rows into a RosterTable within the limits (docs/architecture.md, "Rosters in
// bounded memory").
#include "zzjb/roster/readers.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "internal.hpp"
#include "zzjb/files/files.hpp"

namespace zzjb::roster {

namespace detail {

Result<std::string> readRosterFile(const std::filesystem::path& path, const std::string& display,
                                   const RosterLimits& limits) {
  auto bytes = files::readFile(path, {limits.maxFileBytes, "roster", false});
  if (!bytes) {
    Finding f = std::move(bytes.error());
    f.where.file = display;
    if (f.code == "FILE_TOO_LARGE") f.kind = FindingKind::Data;
    return std::unexpected(std::move(f));
  }
  return bytes;
}

Finding rosterFinding(Severity severity, std::string code, const std::string& file,
                      std::size_t line, std::string message, std::string hint) {
  Finding f;
  f.severity = severity;
  f.kind = FindingKind::Data;
  f.code = std::move(code);
  f.where.file = file;
  f.where.line = line;
  f.message = std::move(message);
  f.hint = std::move(hint);
  return f;
}

std::string columnName(std::size_t index) {
  std::string name;
  std::size_t n = index + 1;
  while (n > 0) {
    const std::size_t rem = (n - 1) % 26;
    name.insert(name.begin(), static_cast<char>('A' + static_cast<int>(rem)));
    n = (n - 1) / 26;
  }
  return name;
}

namespace {

std::string hexByte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned>(c));
  return buf;
}

constexpr const char* kResaveHint =
    "retype the cell, or save the file again from Excel, WPS or LibreOffice (as .xlsx or "
    "\"CSV UTF-8\")";

}  // namespace

Finding TableBuilder::limitFinding(std::string code, std::size_t line, std::string message,
                                   std::string hint) const {
  return rosterFinding(Severity::Error, std::move(code), table_.file, line, std::move(message),
                       std::move(hint));
}

Finding TableBuilder::cellFinding(std::size_t column, const std::string& ref, std::string code,
                                  std::string message, std::string hint) const {
  std::string where;
  if (!xlsx_) {
    where = "column " + std::to_string(column + 1);
    if (haveHeader_ && column < table_.header.size() && !table_.header[column].empty()) {
      where += " (" + quotable(table_.header[column]) + ")";
    }
    where += ": ";
  }
  Finding f = rosterFinding(Severity::Error, std::move(code), table_.file, line_,
                            where + std::move(message), std::move(hint));
  if (xlsx_) f.where.cell = table_.sheet + "!" + (ref.empty() ? columnName(column) : ref);
  return f;
}

void TableBuilder::startRow(std::size_t line) {
  line_ = line;
  cells_.clear();
  rowProblems_.clear();
  wideNoted_ = false;
}

void TableBuilder::sortCells() {
  // xlsx cells may come in any order, even twice at one reference: the later one wins, as in a
  // spreadsheet program; RosterRecord::at needs them in column order.
  const auto outOfOrder = std::ranges::adjacent_find(
      cells_, [](const Cell& a, const Cell& b) { return a.column >= b.column; });
  if (outOfOrder == cells_.end()) return;
  std::ranges::stable_sort(cells_, {}, &Cell::column);
  std::vector<Cell> unique;
  unique.reserve(cells_.size());
  for (Cell& c : cells_) {
    if (!unique.empty() && unique.back().column == c.column) {
      unique.back() = std::move(c);
    } else {
      unique.push_back(std::move(c));
    }
  }
  cells_ = std::move(unique);
}

void TableBuilder::badCell(std::size_t column, const std::string& ref, std::string code,
                           std::string message, std::string hint) {
  const std::string tail = haveHeader_ ? "; the row is not read" : "; the column is not read";
  rowProblems_.push_back(
      cellFinding(column, ref, std::move(code), std::move(message) + tail, std::move(hint)));
}

bool TableBuilder::addCell(std::size_t column, Cell cell) {
  if (fatal) return false;
  if (cell.text.empty()) return true;                     // blank: rows are sparse
  if (haveHeader_ && !rowProblems_.empty()) return true;  // the row is left out anyway
  if (column >= limits_.maxColumns) {
    if (wideNoted_) return true;  // one finding per row is enough
    wideNoted_ = true;
    badCell(column, cell.ref, "ROSTER_TOO_MANY_COLUMNS",
            "cell in column " + columnName(column) + " has a value, beyond the limit of " +
                std::to_string(limits_.maxColumns) + " columns (maxColumns, up to column " +
                columnName(limits_.maxColumns - 1) + ")",
            "delete what lies to the right of the roster, or move it to another sheet");
    return true;
  }
  if (cell.text.size() > limits_.maxCellBytes) {
    badCell(column, cell.ref, "ROSTER_CELL_TOO_LONG",
            "cell holds more than " + std::to_string(limits_.maxCellBytes) +
                " bytes, the limit of one cell (maxCellBytes)",
            "a roster cell holds a name, a number or a short text: check that this is the "
            "right file");
    return true;
  }
  if (const auto bad = invalidUtf8At(cell.text); bad != std::string_view::npos) {
    badCell(column, cell.ref, "ROSTER_CELL_NOT_UTF8",
            "cell is not valid UTF-8 text (byte " +
                hexByte(static_cast<unsigned char>(cell.text[bad])) + " at offset " +
                std::to_string(bad) + " of the cell)",
            kResaveHint);
    return true;
  }
  textBytes_ += cell.text.size();
  if (textBytes_ > limits_.maxTextBytes) {
    fatal = limitFinding("ROSTER_TOO_MUCH_TEXT", line_,
                         "roster cells hold more than " + std::to_string(limits_.maxTextBytes) +
                             " bytes of text together (maxTextBytes); the file is not read",
                         "check that this is the right file; split a very large roster");
    return false;
  }
  if (++cellCount_ > limits_.maxCells) {
    fatal = limitFinding("ROSTER_TOO_MANY_CELLS", line_,
                         "roster has more than " + std::to_string(limits_.maxCells) +
                             " non-blank cells (maxCells); the file is not read",
                         "check that this is the right file; split a very large roster");
    return false;
  }
  cell.column = column;
  cells_.push_back(std::move(cell));
  return true;
}

void TableBuilder::finishHeader() {
  haveHeader_ = true;
  table_.headerLine = line_;
  std::size_t width = 0;
  for (const Cell& c : cells_) {
    if (!trim(c.text).empty()) width = c.column + 1;
  }
  table_.header.assign(width, std::string());
  std::size_t bytes = 0;
  for (const Cell& c : cells_) {
    if (c.column >= width) continue;
    table_.header[c.column] = trim(c.text);
    bytes += c.text.size();
  }
  if (bytes > limits_.maxHeaderBytes) {
    fatal =
        limitFinding("ROSTER_HEADER_TOO_LONG", line_,
                     "the header row holds more than " + std::to_string(limits_.maxHeaderBytes) +
                         " bytes (maxHeaderBytes); the file is not read",
                     "the first row names the columns, e.g. 姓名,证件号码,…: check that this "
                     "is the right file");
  }
}

bool TableBuilder::endRow() {
  if (fatal) return false;
  sortCells();
  const bool blank =
      std::ranges::all_of(cells_, [](const Cell& c) { return trim(c.text).empty(); });
  if (!haveHeader_) {
    if (blank && rowProblems_.empty()) return true;
    for (Finding& f : rowProblems_) note(std::move(f));  // that column has no name
    finishHeader();
    return !fatal;
  }
  if (blank && rowProblems_.empty()) return true;
  if (++rows_ > limits_.maxRows) {
    fatal = limitFinding("ROSTER_TOO_MANY_ROWS", line_,
                         "roster has more than " + std::to_string(limits_.maxRows) +
                             " rows below the header (maxRows); the file is not read",
                         "check that this is the right file; split a very large roster");
    return false;
  }
  if (!rowProblems_.empty()) {
    table_.rejectedLines.push_back(line_);
    note(std::move(rowProblems_.front()));
    return true;
  }
  const std::size_t width = table_.header.size();
  const auto extra = std::ranges::find_if(cells_, [&](const Cell& c) { return c.column >= width; });
  if (extra != cells_.end()) {
    const auto withValue =
        std::find_if(extra, cells_.end(), [](const Cell& c) { return !trim(c.text).empty(); });
    if (withValue != cells_.end()) {
      Finding f = rosterFinding(Severity::Warning, "ROSTER_EXTRA_CELLS", table_.file, line_,
                                "row has a value in column " + columnName(withValue->column) +
                                    " but the header has " + std::to_string(width) +
                                    " columns; the cells without a header are not read",
                                "give the extra column a header, or delete it if it is not needed");
      if (xlsx_) f.where.cell = table_.sheet + "!" + withValue->ref;
      note(std::move(f));
    }
    cells_.erase(extra, cells_.end());
  }
  table_.records.push_back(RosterRecord{line_, std::move(cells_)});
  cells_ = {};
  return true;
}

void TableBuilder::note(Finding f) {
  if (table_.notes.size() < limits_.maxFindings) {
    table_.notes.push_back(std::move(f));
    return;
  }
  if (suppressed_++ == 0) firstSuppressedLine_ = f.where.line;
  suppressedMax_ = std::max(suppressedMax_, f.severity);
}

bool TableBuilder::finish() {
  if (suppressed_ > 0) {
    // At the line of the first one left out: like them, it is about rows, not the whole file
    // (`zzjb run` still sends the school's other students).
    table_.notes.push_back(rosterFinding(
        suppressedMax_, "ROSTER_MORE_FINDINGS", table_.file, firstSuppressedLine_,
        "and " + std::to_string(suppressed_) + " more finding(s) in this file, not listed (at " +
            "most " + std::to_string(limits_.maxFindings) + " are, maxFindings)",
        "correct the ones listed and check the file again"));
    suppressed_ = 0;
  }
  return haveHeader_;
}

}  // namespace detail

std::unique_ptr<RosterReader> readerFor(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::ranges::transform(ext, ext.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  if (ext == ".csv" || ext == ".txt") return std::make_unique<CsvReader>();
  if (ext == ".xlsx") return std::make_unique<XlsxReader>();
  return nullptr;
}

}  // namespace zzjb::roster
