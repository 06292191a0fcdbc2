// CSV roster reader (RFC 4180): UTF-8 with or without BOM, GB18030 as Excel on Chinese Windows
// saves it, comma- or tab-separated; quoted fields may hold commas, doubled quotes and newlines.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include "internal.hpp"
#include "zzjb/roster/readers.hpp"

namespace zzjb::roster {

namespace {

using detail::RawRow;
using detail::rosterFinding;

constexpr const char* kSaveAsUtf8Hint =
    "in Excel or WPS choose 另存为 → \"CSV UTF-8(逗号分隔)(*.csv)\"; or convert it with "
    "`iconv -f GB18030 -t UTF-8 in.csv > out.csv`";

Finding csvError(std::string code, const std::string& file, std::size_t line, std::string message,
                 std::string hint) {
  return rosterFinding(Severity::Error, std::move(code), file, line, std::move(message),
                       std::move(hint));
}

std::string hexByte(char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(c)));
  return buf;
}

Result<std::string> readBytes(const std::filesystem::path& path, const std::string& display) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    return std::unexpected(csvError("ROSTER_READ", display, 0,
                                    "cannot read roster file: " + ec.message(),
                                    "check the file name and path in the configuration"));
  }
  if (size > detail::kMaxBytes) {
    return std::unexpected(csvError(
        "ROSTER_READ", display, 0,
        "roster file is too large (" + std::to_string(size) + " bytes, at most 200 MB are read)",
        "check that this is the right file"));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  if (!(in && bytes << in.rdbuf()) && size > 0) {
    return std::unexpected(csvError("ROSTER_READ", display, 0, "cannot read roster file",
                                    "check that the file exists and is readable"));
  }
  return bytes.str();
}

// Rejects what is certainly not a CSV text: UTF-16, NUL bytes, zip (xlsx) and OLE2 (xls).
std::optional<Finding> notCsvText(std::string_view b, const std::string& display) {
  if (b.starts_with("\xFF\xFE") || b.starts_with("\xFE\xFF")) {
    return csvError("ROSTER_ENCODING", display, 1,
                    "roster file is UTF-16 (Excel's \"Unicode 文本\"), which is not read",
                    kSaveAsUtf8Hint);
  }
  if (b.starts_with("PK\x03\x04")) {
    return csvError("ROSTER_ENCODING", display, 0,
                    "roster file is a zip archive (an .xlsx workbook?), not CSV text",
                    "rename it to .xlsx if it is a workbook, or save it as CSV UTF-8");
  }
  if (b.starts_with("\xD0\xCF\x11\xE0")) {
    return csvError("ROSTER_ENCODING", display, 0,
                    "roster file is an old binary Excel workbook (.xls), not CSV text",
                    "open it in Excel/WPS/LibreOffice and save it as .xlsx or CSV UTF-8");
  }
  if (const auto nul = b.find('\0'); nul != std::string_view::npos) {
    return csvError("ROSTER_ENCODING", display, detail::lineAt(b, nul),
                    "roster file contains NUL bytes: UTF-16 text without a byte-order mark, or "
                    "not a text file",
                    kSaveAsUtf8Hint);
  }
  return std::nullopt;
}

// Decodes to UTF-8, setting table.encoding and, for GB18030, a note.
Result<std::string> decode(std::string bytes, RosterTable& table) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  const auto npos = std::string_view::npos;
  if (bytes.starts_with(kBom)) {
    bytes.erase(0, kBom.size());
    if (const auto bad = detail::invalidUtf8At(bytes); bad != npos) {
      return std::unexpected(csvError("ROSTER_ENCODING", table.file, detail::lineAt(bytes, bad),
                                      "roster file starts with a UTF-8 byte-order mark but byte " +
                                          hexByte(bytes[bad]) + " on this line is not UTF-8",
                                      kSaveAsUtf8Hint));
    }
    table.encoding = "UTF-8 with BOM";
    return bytes;
  }
  const auto badUtf8 = detail::invalidUtf8At(bytes);
  if (badUtf8 == npos) {
    table.encoding = "UTF-8";
    return bytes;
  }
  auto converted = detail::gb18030ToUtf8(bytes);
  if (converted) {
    table.encoding = "GB18030";
    table.notes.push_back(rosterFinding(
        Severity::Info, "ROSTER_ENCODING_CONVERTED", table.file, 0,
        "roster file is not UTF-8; read it as GB18030 (GBK), as Excel on Chinese Windows saves "
        "CSV, and converted it to UTF-8",
        std::string("to avoid guessing, ") + kSaveAsUtf8Hint));
    return std::move(*converted);
  }
  // Point at where the better-fitting encoding broke down.
  const std::size_t bad = std::max(badUtf8, converted.error());
  return std::unexpected(csvError("ROSTER_ENCODING", table.file, detail::lineAt(bytes, bad),
                                  "roster file is neither UTF-8 nor GB18030: byte " +
                                      hexByte(bytes[bad]) + " on this line cannot be decoded",
                                  "save the file as UTF-8: " + std::string(kSaveAsUtf8Hint)));
}

// ',' unless the first non-blank line has tabs and no commas (Excel "文本文件(制表符分隔)").
char pickDelimiter(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    if (!detail::trim(line).empty()) {
      const bool tabs = line.find('\t') != std::string_view::npos;
      return tabs && line.find(',') == std::string_view::npos ? '\t' : ',';
    }
    pos = end + 1;
  }
  return ',';
}

// RFC 4180 with the usual leniency: a quote opens a quoted field only at the start of a field;
// elsewhere it is an ordinary character. Line ends inside quotes become "\n".
Result<std::vector<RawRow>> parse(std::string_view text, char delim, const std::string& file) {
  std::vector<RawRow> rows;
  std::size_t line = 1;
  RawRow row{1, {}};
  std::string field;
  bool fieldStart = true;
  bool inQuotes = false;
  bool pending = false;  // anything read since the last record ended
  std::size_t quoteLine = 0;

  auto endField = [&] {
    row.cells.push_back(Cell{std::move(field), CellKind::Text, {}});
    field.clear();
    fieldStart = true;
  };
  // Consumes a line end at text[i] (CRLF, LF or CR) and returns the index after it.
  auto skipLineEnd = [&](std::size_t i) {
    ++line;
    return text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n' ? i + 2 : i + 1;
  };

  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    pending = true;
    if (inQuotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          i += 2;
        } else {
          inQuotes = false;
          ++i;
        }
      } else if (c == '\r' || c == '\n') {
        field += '\n';
        i = skipLineEnd(i);
      } else {
        field += c;
        ++i;
      }
      continue;
    }
    if (c == '"' && fieldStart) {
      inQuotes = true;
      fieldStart = false;
      quoteLine = line;
      ++i;
    } else if (c == delim) {
      endField();
      ++i;
    } else if (c == '\r' || c == '\n') {
      endField();
      i = skipLineEnd(i);
      rows.push_back(std::move(row));
      row = RawRow{line, {}};
      pending = false;
    } else {
      field += c;
      fieldStart = false;
      ++i;
    }
  }
  if (inQuotes) {
    return std::unexpected(
        csvError("ROSTER_QUOTE", file, quoteLine,
                 "quoted field that starts on this line is never closed (a \" is missing)",
                 "close the field with \"; a quote inside a quoted field is written twice (\"\"). "
                 "Saving the file again from Excel, WPS or LibreOffice writes correct quoting"));
  }
  if (pending) {
    endField();
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<RosterTable> readCsv(const std::filesystem::path& path, const std::string& display) {
  RosterTable table;
  table.file = display;
  auto bytes = readBytes(path, display);
  if (!bytes) return std::unexpected(std::move(bytes.error()));
  if (auto refused = notCsvText(*bytes, display)) return std::unexpected(std::move(*refused));

  auto text = decode(std::move(*bytes), table);
  if (!text) return std::unexpected(std::move(text.error()));

  const char delim = pickDelimiter(*text);
  if (delim == '\t') {
    table.notes.push_back(rosterFinding(
        Severity::Info, "ROSTER_TAB_SEPARATED", display, 0,
        "the header line has tabs and no commas: read the file as tab-separated text", {}));
  }
  auto rows = parse(*text, delim, display);
  if (!rows) return std::unexpected(std::move(rows.error()));
  if (!detail::assembleTable(table, std::move(*rows), false)) {
    return std::unexpected(csvError("ROSTER_EMPTY", display, 0,
                                    "roster file is empty: no header line found",
                                    "the first line must name the columns, e.g. 姓名,证件号码,…"));
  }
  return table;
}

}  // namespace

Result<RosterTable> CsvReader::read(const std::filesystem::path& path,
                                    const std::string& display) const {
  try {
    return readCsv(path, display);
  } catch (const std::exception& e) {  // out of memory and the like: never escapes
    return std::unexpected(csvError("ROSTER_READ", display, 0,
                                    std::string("cannot read roster file: ") + e.what(),
                                    "check that the file is a roster saved as CSV"));
  }
}

}  // namespace zzjb::roster
