// Port: reading a roster file into a table of cells. Adapters (CSV, xlsx) implement it; core maps
// columns by header name and checks the values.
#pragma once

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

struct Cell {
  std::string text;  // UTF-8, as stored (not trimmed)
  CellKind kind = CellKind::Text;
  std::string ref;   // xlsx: "C5"; empty for CSV
};

struct RosterRecord {
  std::size_t line = 0;     // CSV: physical line where the record starts; xlsx: row number
  std::vector<Cell> cells;  // aligned with RosterTable::header; missing trailing cells are empty
};

struct RosterTable {
  std::string file;      // as the caller named it (for messages)
  std::string sheet;     // xlsx: the sheet's name; empty for CSV
  std::string encoding;  // "UTF-8", "UTF-8 with BOM", "GB18030", "xlsx"
  std::size_t headerLine = 1;
  std::vector<std::string> header;  // trimmed header names
  std::vector<RosterRecord> records;  // fully blank rows are skipped
  std::vector<Finding> notes;  // non-fatal things the reader noticed (encoding converted, …)
};

class RosterReader {
 public:
  virtual ~RosterReader() = default;
  // `display` is how messages name the file. Errors: unreadable file, unknown encoding,
  // broken quoting, corrupt xlsx — each a Finding with file, line and what to do.
  [[nodiscard]] virtual Result<RosterTable> read(const std::filesystem::path& path,
                                                 const std::string& display) const = 0;
};

}  // namespace zzjb
