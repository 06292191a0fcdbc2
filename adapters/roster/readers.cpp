// What the CSV and xlsx readers share: choosing a reader by extension, building findings, and
// turning raw rows into a RosterTable (header, blank rows, padding, extra cells).
#include "zzjb/roster/readers.hpp"

#include <algorithm>
#include <cctype>

#include "internal.hpp"

namespace zzjb::roster {

namespace detail {

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

bool isBlankRow(const std::vector<Cell>& cells) {
  return std::ranges::all_of(cells, [](const Cell& c) { return trim(c.text).empty(); });
}

}  // namespace

bool assembleTable(RosterTable& table, std::vector<RawRow> rows, bool xlsx) {
  auto headerIt = std::ranges::find_if(rows, [](const RawRow& r) { return !isBlankRow(r.cells); });
  if (headerIt == rows.end()) return false;

  std::vector<Cell> headerCells = std::move(headerIt->cells);
  while (!headerCells.empty() && trim(headerCells.back().text).empty()) headerCells.pop_back();
  table.headerLine = headerIt->line;
  table.header.clear();
  for (const Cell& c : headerCells) table.header.push_back(trim(c.text));
  const std::size_t width = table.header.size();

  for (auto it = headerIt + 1; it != rows.end(); ++it) {
    RawRow& row = *it;
    if (isBlankRow(row.cells)) continue;
    // Cells beyond the header: blank ones carry nothing; others are kept and reported.
    while (row.cells.size() > width && trim(row.cells.back().text).empty()) row.cells.pop_back();
    if (row.cells.size() > width) {
      Finding note = rosterFinding(
          Severity::Warning, "ROSTER_EXTRA_CELLS", table.file, row.line,
          "row has " + std::to_string(row.cells.size()) + " cells but the header has " +
              std::to_string(width) + " columns; the cells without a header are not read",
          "give the extra column a header, or delete it if it is not needed");
      if (xlsx) note.where.cell = table.sheet + "!" + row.cells[width].ref;
      table.notes.push_back(std::move(note));
    }
    for (std::size_t i = row.cells.size(); i < width; ++i) {
      Cell pad;
      if (xlsx) pad.ref = columnName(i) + std::to_string(row.line);
      row.cells.push_back(std::move(pad));
    }
    table.records.push_back(RosterRecord{row.line, std::move(row.cells)});
  }
  return true;
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
