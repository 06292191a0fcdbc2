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
                      std::size_t line, msg::Args args, std::string_view textCode) {
  Location where;
  where.file = file;
  where.line = line;
  return makeFinding(severity, FindingKind::Data, std::move(code), std::move(where),
                     std::move(args), textCode);
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

}  // namespace

Finding TableBuilder::limitFinding(std::string code, std::size_t line, msg::Args args) const {
  return rosterFinding(Severity::Error, std::move(code), table_.file, line, std::move(args));
}

Finding TableBuilder::cellFinding(std::size_t column, const std::string& ref, std::string code,
                                  msg::Args args, std::string_view textCode) const {
  const std::string cell = ref.empty() ? columnName(column) : ref;
  std::string where;
  if (xlsx_) {
    where = msg::text("roster.where.cell", {{"cell", cell}});
  } else if (haveHeader_ && column < table_.header.size() && !table_.header[column].empty()) {
    where = msg::text("roster.where.columnNamed",
                      {{"column", column + 1}, {"header", quotable(table_.header[column])}});
  } else {
    where = msg::text("roster.where.column", {{"column", column + 1}});
  }
  args.emplace_back("where", where);
  Finding f = rosterFinding(Severity::Error, std::move(code), table_.file, line_, std::move(args),
                            textCode);
  if (xlsx_) f.where.cell = table_.sheet + "!" + cell;
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
                           msg::Args args) {
  // A bad cell costs its row; in the header row, its column (the ".header" text says so).
  std::string textCode = code;
  if (!haveHeader_) {
    for (const char* header : {"ROSTER_TOO_MANY_COLUMNS.header", "ROSTER_CELL_TOO_LONG.header",
                               "ROSTER_CELL_NOT_UTF8.header", "ROSTER_CELL_ENCODING.header"}) {
      if (std::string_view(header).starts_with(code + ".")) textCode = header;
    }
  }
  rowProblems_.push_back(cellFinding(column, ref, std::move(code), std::move(args), textCode));
}

bool TableBuilder::addCell(std::size_t column, Cell cell) {
  if (fatal) return false;
  if (cell.text.empty()) return true;                     // blank: rows are sparse
  if (haveHeader_ && !rowProblems_.empty()) return true;  // the row is left out anyway
  if (column >= limits_.maxColumns) {
    if (wideNoted_) return true;  // one finding per row is enough
    wideNoted_ = true;
    badCell(column, cell.ref, "ROSTER_TOO_MANY_COLUMNS",
            {{"column", columnName(column)},
             {"limit", limits_.maxColumns},
             {"last", columnName(limits_.maxColumns - 1)}});
    return true;
  }
  if (cell.text.size() > limits_.maxCellBytes) {
    badCell(column, cell.ref, "ROSTER_CELL_TOO_LONG", {{"limit", limits_.maxCellBytes}});
    return true;
  }
  if (const auto bad = invalidUtf8At(cell.text); bad != std::string_view::npos) {
    badCell(column, cell.ref, "ROSTER_CELL_NOT_UTF8",
            {{"byte", hexByte(static_cast<unsigned char>(cell.text[bad]))}, {"offset", bad}});
    return true;
  }
  textBytes_ += cell.text.size();
  if (textBytes_ > limits_.maxTextBytes) {
    fatal = limitFinding("ROSTER_TOO_MUCH_TEXT", line_, {{"limit", limits_.maxTextBytes}});
    return false;
  }
  if (++cellCount_ > limits_.maxCells) {
    fatal = limitFinding("ROSTER_TOO_MANY_CELLS", line_, {{"limit", limits_.maxCells}});
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
    fatal = limitFinding("ROSTER_HEADER_TOO_LONG", line_, {{"limit", limits_.maxHeaderBytes}});
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
    fatal = limitFinding("ROSTER_TOO_MANY_ROWS", line_, {{"limit", limits_.maxRows}});
    return false;
  }
  if (!rowProblems_.empty()) {
    table_.rejectedLines.push_back(line_);
    note(std::move(rowProblems_.front()));
    return true;
  }
  const std::size_t width = table_.header.size();
  const auto extra = std::ranges::find_if(cells_, [&](const Cell& c) { return c.column >= width; });
  if (extra != cells_.end() && !limits_.keepCellsBeyondHeader) {
    const auto withValue =
        std::find_if(extra, cells_.end(), [](const Cell& c) { return !trim(c.text).empty(); });
    if (withValue != cells_.end()) {
      Finding f = rosterFinding(Severity::Warning, "ROSTER_EXTRA_CELLS", table_.file, line_,
                                {{"column", columnName(withValue->column)}, {"width", width}});
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
    table_.notes.push_back(rosterFinding(suppressedMax_, "ROSTER_MORE_FINDINGS", table_.file,
                                         firstSuppressedLine_,
                                         {{"count", suppressed_}, {"limit", limits_.maxFindings}}));
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
