// CSV roster reader (RFC 4180): UTF-8 with or without BOM, GB18030 as Excel on Chinese Windows
// saves it, comma- or tab-separated; quoted fields may hold commas, doubled quotes and newlines.
// Bounded (docs/architecture.md, "Rosters in bounded memory"): the header line, each field and
// the table are capped as they are read, and a cell that cannot be decoded leaves only its row
// out.
#include <algorithm>
#include <cstdio>
#include <optional>

#include "internal.hpp"
#include "zzjb/files/files.hpp"
#include "zzjb/roster/readers.hpp"

namespace zzjb::roster {

namespace {

using detail::rosterFinding;
using detail::TableBuilder;

// not-text: begin (programming error)
static_assert(RosterLimits{}.maxFileBytes == files::kMaxRosterBytes,
              "a roster file is read with the one limit files:: states for it");
// not-text: end

Finding csvError(std::string code, const std::string& file, std::size_t line, msg::Args args = {},
                 std::string_view textCode = {}) {
  return rosterFinding(Severity::Error, std::move(code), file, line, std::move(args), textCode);
}

// Rejects what is certainly not a CSV text: UTF-16, NUL bytes, zip (xlsx) and OLE2 (xls).
std::optional<Finding> notCsvText(std::string_view b, const std::string& display) {
  if (b.starts_with("\xFF\xFE") || b.starts_with("\xFE\xFF")) {
    return csvError("ROSTER_ENCODING", display, 1, {}, "ROSTER_ENCODING.utf16");
  }
  if (b.starts_with("PK\x03\x04")) {
    return csvError("ROSTER_ENCODING", display, 0, {}, "ROSTER_ENCODING.zip");
  }
  if (b.starts_with("\xD0\xCF\x11\xE0")) {
    return csvError("ROSTER_ENCODING", display, 0, {}, "ROSTER_ENCODING.xls");
  }
  if (const auto nul = b.find('\0'); nul != std::string_view::npos) {
    return csvError("ROSTER_ENCODING", display, detail::lineAt(b, nul), {}, "ROSTER_ENCODING.nul");
  }
  return std::nullopt;
}

// How the fields' bytes become UTF-8: as they are (checked cell by cell), or each field through
// GB18030 when the file is mostly GB18030 with some bytes that are not.
enum class FieldCoding { Utf8, Gb18030 };

struct Decoded {
  std::string converted;  // the whole file as UTF-8, when it was converted at once
  bool useConverted = false;
  std::size_t skip = 0;  // a byte-order mark
  FieldCoding coding = FieldCoding::Utf8;
};

// Chooses the encoding, setting table.encoding and, for GB18030, a note. A file that is neither
// UTF-8 nor GB18030 throughout is read in the one that fits better; the cells that do not fit are
// findings at their cells (TableBuilder), so one bad cell costs one row.
Decoded decode(std::string_view bytes, RosterTable& table) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  Decoded d;
  if (bytes.starts_with(kBom)) {
    d.skip = kBom.size();
    table.encoding = "UTF-8 with BOM";  // not-text: the encoding's name, shown as it is
    return d;
  }
  const auto badUtf8 = detail::invalidUtf8At(bytes);
  if (badUtf8 == std::string_view::npos) {
    table.encoding = "UTF-8";
    return d;
  }
  auto converted = detail::gb18030ToUtf8(bytes);
  if (converted) {
    table.encoding = "GB18030";
    table.notes.push_back(
        rosterFinding(Severity::Info, "ROSTER_ENCODING_CONVERTED", table.file, 0));
    d.converted = std::move(*converted);
    d.useConverted = true;
    return d;
  }
  if (converted.error() > badUtf8) {
    table.encoding = "GB18030";
    d.coding = FieldCoding::Gb18030;
  } else {
    table.encoding = "UTF-8";
  }
  return d;
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

bool isAscii(std::string_view s) {
  return std::ranges::all_of(s, [](char c) { return static_cast<unsigned char>(c) < 0x80U; });
}

// RFC 4180 with the usual leniency: a quote opens a quoted field only at the start of a field;
// elsewhere it is an ordinary character. Line ends inside quotes become "\n". A field keeps at
// most maxCellBytes + 1 bytes (enough for the builder to say it is too long).
std::optional<Finding> parse(std::string_view text, char delim, FieldCoding coding,
                             TableBuilder& out, const std::string& file) {
  const RosterLimits& limits = out.limits();
  std::size_t line = 1;
  std::size_t column = 0;
  std::size_t recordStart = 0;
  std::string field;
  bool fieldStart = true;
  bool inQuotes = false;
  bool pending = false;  // anything read since the last record ended
  std::size_t quoteLine = 0;

  auto append = [&](char c) {
    if (field.size() <= limits.maxCellBytes) field += c;
  };
  auto endField = [&] {
    if (coding == FieldCoding::Gb18030 && !isAscii(field)) {
      auto utf8 = detail::gb18030ToUtf8(field);
      if (!utf8) {
        out.badCell(column, {}, "ROSTER_CELL_ENCODING", {{"offset", utf8.error()}});
        field.clear();
      } else {
        field = std::move(*utf8);
      }
    }
    out.addCell(column, Cell{std::move(field), CellKind::Text, {}});
    field.clear();
    fieldStart = true;
    ++column;
  };
  // Consumes a line end at text[i] (CRLF, LF or CR) and returns the index after it.
  auto skipLineEnd = [&](std::size_t i) {
    ++line;
    return text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n' ? i + 2 : i + 1;
  };
  auto headerTooLong = [&](std::size_t i) {
    return !out.haveHeader() && i - recordStart > limits.maxHeaderBytes;
  };

  out.startRow(1);
  std::size_t i = 0;
  while (i < text.size()) {
    if (out.fatal) return out.fatal;
    if (headerTooLong(i)) {
      return out.limitFinding("ROSTER_HEADER_TOO_LONG", line, {{"limit", limits.maxHeaderBytes}});
    }
    const char c = text[i];
    pending = true;
    if (inQuotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          append('"');
          i += 2;
        } else {
          inQuotes = false;
          ++i;
        }
      } else if (c == '\r' || c == '\n') {
        append('\n');
        i = skipLineEnd(i);
      } else {
        append(c);
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
      if (!out.endRow()) return out.fatal;
      out.startRow(line);
      column = 0;
      recordStart = i;
      pending = false;
    } else {
      append(c);
      fieldStart = false;
      ++i;
    }
  }
  if (inQuotes) {
    return csvError("ROSTER_QUOTE", file, quoteLine);
  }
  if (pending) {
    endField();
    if (!out.endRow()) return out.fatal;
  }
  return out.fatal;
}

Result<RosterTable> readCsv(std::string_view bytes, const std::string& display,
                            const RosterLimits& limits) {
  RosterTable table;
  table.file = display;
  if (bytes.size() > limits.maxFileBytes) {
    return std::unexpected(
        csvError("ROSTER_TOO_LARGE", display, 0, {{"limit", limits.maxFileBytes}}));
  }
  if (auto refused = notCsvText(bytes, display)) return std::unexpected(std::move(*refused));

  Decoded decoded = decode(bytes, table);
  const std::string_view text =
      decoded.useConverted ? std::string_view(decoded.converted) : bytes.substr(decoded.skip);

  const char delim = pickDelimiter(text);
  if (delim == '\t') {
    table.notes.push_back(rosterFinding(Severity::Info, "ROSTER_TAB_SEPARATED", display, 0));
  }
  TableBuilder builder(table, limits, false);
  if (auto error = parse(text, delim, decoded.coding, builder, display)) {
    return std::unexpected(std::move(*error));
  }
  if (!builder.finish()) {
    return std::unexpected(csvError("ROSTER_EMPTY", display, 0));
  }
  return table;
}

}  // namespace

Result<RosterTable> readCsvBytes(std::string_view bytes, const std::string& display,
                                 const RosterLimits& limits) {
  try {
    return readCsv(bytes, display, limits);
  } catch (const std::exception& e) {  // out of memory and the like: never escapes
    return std::unexpected(csvError("ROSTER_READ", display, 0, {{"reason", e.what()}}));
  }
}

Result<RosterTable> CsvReader::read(const std::filesystem::path& path,
                                    const std::string& display) const {
  auto bytes = detail::readRosterFile(path, display, limits_);
  if (!bytes) return std::unexpected(std::move(bytes.error()));
  return readCsvBytes(*bytes, display, limits_);
}

}  // namespace zzjb::roster
