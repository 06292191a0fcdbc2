// Port: reading a roster file into a table of cells. Adapters (CSV, xlsx) implement it; core maps
// columns by header name and checks the values.
#pragma once

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "zzjb/core/finding.hpp"

namespace zzjb {

enum class CellKind {
  Text,    // a string (CSV fields are always Text)
  Number,  // an xlsx numeric cell: `text` is the stored value, e.g. "1.10105194912310E+17"
  Bool,
  Formula  // an xlsx formula's cached string result
};

// A cell placed by its position in RosterRecord::cells rather than by Cell::column (rows built by
// hand, one cell per column from A).
inline constexpr std::size_t kCellAtPosition = static_cast<std::size_t>(-1);

struct Cell {
  std::string text;  // valid UTF-8 (the readers guarantee it), as stored (not trimmed)
  CellKind kind = CellKind::Text;
  std::string ref;                       // xlsx: "C5"; empty for CSV
  std::size_t column = kCellAtPosition;  // 0-based column; the readers always set it
};

// Rows are sparse (docs/architecture.md, "Rosters in bounded memory"): a reader stores only the
// cells that hold something, in column order, so a cell at column XFD costs one cell, not 16,384.
struct RosterRecord {
  std::size_t line = 0;     // CSV: physical line where the record starts; xlsx: row number
  std::vector<Cell> cells;  // non-blank cells in column order; a missing column is blank

  // The cell in this 0-based column, or nullptr if it is blank.
  [[nodiscard]] const Cell* at(std::size_t column) const {
    auto columnOf = [this](const Cell& c) {
      return c.column == kCellAtPosition ? static_cast<std::size_t>(&c - cells.data()) : c.column;
    };
    if (column < cells.size() && columnOf(cells[column]) == column) return &cells[column];
    const auto it = std::ranges::lower_bound(cells, column, {}, columnOf);
    return it != cells.end() && columnOf(*it) == column ? &*it : nullptr;
  }
};

struct RosterTable {
  std::string file;      // as the caller named it (for messages)
  std::string sheet;     // xlsx: the sheet's name (valid UTF-8); empty for CSV
  std::string encoding;  // "UTF-8", "UTF-8 with BOM", "GB18030", "xlsx"
  std::size_t headerLine = 1;
  std::vector<std::string> header;    // trimmed header names; "" for a blank or unreadable one
  std::vector<RosterRecord> records;  // fully blank rows are skipped
  // Rows left out because a cell could not be read (not UTF-8, too long, beyond the column
  // limit): their lines, in order; each has an error among `notes` at its cell.
  std::vector<std::size_t> rejectedLines;
  std::vector<Finding> notes;  // things the reader noticed (encoding converted, rows left out, …)
};

class RosterReader {
 public:
  virtual ~RosterReader() = default;
  // `display` is how messages name the file. Errors: unreadable file, unknown encoding,
  // broken quoting, corrupt xlsx, a limit of the whole file crossed — each a Finding with file,
  // line and what to do. A bad cell is not an error of the file: its row is left out with a note.
  [[nodiscard]] virtual Result<RosterTable> read(const std::filesystem::path& path,
                                                 const std::string& display) const = 0;
};

}  // namespace zzjb
