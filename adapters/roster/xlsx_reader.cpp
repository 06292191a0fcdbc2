// xlsx roster reader: the first worksheet of an OOXML workbook (libzip + pugixml), cells as
// stored — shared/inline strings, numbers exactly as written in <v>, booleans, formula strings.
#include <charconv>
#include <optional>
#include <pugixml.hpp>
#include <string_view>
#include <vector>

#include "internal.hpp"
#include "zip_archive.hpp"
#include "zzjb/roster/readers.hpp"

namespace zzjb::roster {

namespace {

using detail::columnName;
using detail::RawRow;

constexpr std::size_t kMaxColumns = 16384;  // XFD, Excel's limit

constexpr const char* kResaveHint =
    "open it in Excel, WPS or LibreOffice and save it again as an Excel workbook (.xlsx)";

Finding xlsxError(const std::string& file, std::string message, std::size_t line = 0,
                  std::string cell = {}) {
  Finding f = detail::rosterFinding(Severity::Error, "ROSTER_XLSX", file, line, std::move(message),
                                    kResaveHint);
  f.where.cell = std::move(cell);
  return f;
}

// Element and attribute names compared without their prefix ("x:row" is "row").
std::string_view localName(const char* name) {
  const std::string_view n(name);
  const auto colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

pugi::xml_node child(pugi::xml_node parent, std::string_view local) {
  for (pugi::xml_node n = parent.first_child(); n; n = n.next_sibling()) {
    if (n.type() == pugi::node_element && localName(n.name()) == local) return n;
  }
  return {};
}

template <typename F>
void forEachChild(pugi::xml_node parent, std::string_view local, F&& f) {
  for (pugi::xml_node n = parent.first_child(); n; n = n.next_sibling()) {
    if (n.type() == pugi::node_element && localName(n.name()) == local) f(n);
  }
}

std::string_view attr(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    if (localName(a.name()) == local) return a.value();
  }
  return {};
}

std::optional<std::size_t> parseIndex(std::string_view s) {
  std::size_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// 0-based column of a cell reference ("AB12" → 27); nullopt if it has no valid letters.
std::optional<std::size_t> columnOf(std::string_view ref) {
  std::size_t col = 0;
  std::size_t letters = 0;
  for (char c : ref) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') break;
    col = col * 26 + static_cast<std::size_t>(c - 'A' + 1);
    if (++letters > 3) return std::nullopt;
  }
  if (letters == 0 || col > kMaxColumns) return std::nullopt;
  return col - 1;
}

void appendUtf8(std::string& out, unsigned cp) {
  if (cp < 0x80U) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800U) {
    out += static_cast<char>(0xC0U | (cp >> 6));
    out += static_cast<char>(0x80U | (cp & 0x3FU));
  } else {
    out += static_cast<char>(0xE0U | (cp >> 12));
    out += static_cast<char>(0x80U | ((cp >> 6) & 0x3FU));
    out += static_cast<char>(0x80U | (cp & 0x3FU));
  }
}

// OOXML strings escape characters XML cannot hold as _xHHHH_ (Excel writes "_x000D_" for CR).
std::string decodeEscapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned cp = 0;
    if (s.substr(i, 2) == "_x" && i + 7 <= s.size() && s[i + 6] == '_') {
      const std::string_view hex = s.substr(i + 2, 4);
      const auto [end, ec] = std::from_chars(hex.data(), hex.data() + 4, cp, 16);
      if (ec == std::errc{} && end == hex.data() + 4 && (cp < 0xD800U || cp > 0xDFFFU)) {
        appendUtf8(out, cp);
        i += 7;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

// Text of an <si> or <is>: its <t>, or the <t> of each rich-text run <r>; <rPh> (phonetic
// guides) is left out.
std::string stringItemText(pugi::xml_node item) {
  std::string text;
  for (pugi::xml_node n = item.first_child(); n; n = n.next_sibling()) {
    if (n.type() != pugi::node_element) continue;
    const auto name = localName(n.name());
    if (name == "t")
      text += n.child_value();
    else if (name == "r")
      forEachChild(n, "t", [&](pugi::xml_node t) { text += t.child_value(); });
  }
  return decodeEscapes(text);
}

// "xl/" + "worksheets/sheet1.xml", or an absolute "/xl/…"; "." and ".." resolved.
std::string resolvePart(std::string_view baseDir, std::string_view target) {
  std::string joined = target.starts_with('/') ? std::string(target.substr(1))
                                               : std::string(baseDir) + std::string(target);
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (pos <= joined.size()) {
    std::size_t end = joined.find('/', pos);
    if (end == std::string::npos) end = joined.size();
    const std::string seg = joined.substr(pos, end - pos);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    pos = end + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

std::string dirOf(const std::string& part) {
  const auto slash = part.rfind('/');
  return slash == std::string::npos ? std::string() : part.substr(0, slash + 1);
}

std::string relsOf(const std::string& part) {
  const auto slash = part.rfind('/');
  const std::string file = slash == std::string::npos ? part : part.substr(slash + 1);
  return dirOf(part) + "_rels/" + file + ".rels";
}

class Workbook {
 public:
  Workbook(detail::ZipArchive zip, std::string display)
      : zip_(std::move(zip)), display_(std::move(display)) {}

  // Parses a part; missing parts are an error only if `required`.
  std::optional<Finding> load(pugi::xml_document& doc, const std::string& part, bool required,
                              bool& found) const {
    found = zip_.contains(part);
    if (!found) {
      if (!required) return std::nullopt;
      return xlsxError(display_,
                       "roster file is not a usable .xlsx workbook: it has no part " + part);
    }
    auto bytes = zip_.read(part);
    if (!bytes) return xlsxError(display_, "roster workbook cannot be read: " + bytes.error());
    const auto parsed = doc.load_buffer(bytes->data(), bytes->size(),
                                        pugi::parse_default | pugi::parse_ws_pcdata_single);
    if (!parsed) {
      return xlsxError(display_, "roster workbook part " + part + " is not well-formed XML (" +
                                     parsed.description() + " at byte " +
                                     std::to_string(parsed.offset) + ")");
    }
    return std::nullopt;
  }

  // Target part of the relationship in `relsPart` with this id (or, if id is empty, the first
  // whose type ends with `typeSuffix`); empty if none.
  std::string target(const std::string& ownerPart, std::string_view id,
                     std::string_view typeSuffix) const {
    pugi::xml_document rels;
    bool found = false;
    if (load(rels, relsOf(ownerPart), false, found) || !found) return {};
    std::string result;
    forEachChild(child(rels, "Relationships"), "Relationship", [&](pugi::xml_node r) {
      if (!result.empty() || attr(r, "TargetMode") == "External") return;
      const bool match = id.empty() ? attr(r, "Type").ends_with(typeSuffix) : attr(r, "Id") == id;
      if (match) result = resolvePart(dirOf(ownerPart), attr(r, "Target"));
    });
    return result;
  }

  const std::string& display() const { return display_; }

 private:
  detail::ZipArchive zip_;
  std::string display_;
};

Result<std::vector<std::string>> readSharedStrings(const Workbook& wb, const std::string& part) {
  std::vector<std::string> strings;
  pugi::xml_document doc;
  bool found = false;
  if (auto err = wb.load(doc, part, false, found)) return std::unexpected(std::move(*err));
  if (found) {
    forEachChild(child(doc, "sst"), "si",
                 [&](pugi::xml_node si) { strings.push_back(stringItemText(si)); });
  }
  return strings;
}

Result<Cell> readCell(pugi::xml_node c, const std::string& ref,
                      const std::vector<std::string>& shared, const RosterTable& table,
                      std::size_t row) {
  Cell cell;
  cell.ref = ref;
  const std::string_view type = attr(c, "t");
  const pugi::xml_node v = child(c, "v");
  const std::string value = v ? v.child_value() : "";
  if (type == "s") {
    const auto index = parseIndex(detail::trim(value));
    if (!index || *index >= shared.size()) {
      return std::unexpected(xlsxError(table.file,
                                       "cell " + ref + " refers to shared string \"" + value +
                                           "\" but the workbook has " +
                                           std::to_string(shared.size()),
                                       row, table.sheet + "!" + ref));
    }
    cell.text = shared[*index];
  } else if (type == "inlineStr") {
    cell.text = stringItemText(child(c, "is"));
  } else if (type == "str") {
    cell.text = decodeEscapes(value);
    cell.kind = CellKind::Formula;
  } else if (type == "b") {
    cell.text = value;
    cell.kind = CellKind::Bool;
  } else if (type.empty() || type == "n") {
    cell.text = value;
    if (v) cell.kind = CellKind::Number;  // a styled but empty cell has no <v>: empty text
  } else {  // "e" (#N/A, #REF!, …), "d" (ISO date) and anything unknown: the text as stored
    cell.text = value;
  }
  return cell;
}

Result<std::vector<RawRow>> readSheet(pugi::xml_node sheetData,
                                      const std::vector<std::string>& shared,
                                      const RosterTable& table) {
  std::vector<RawRow> rows;
  std::size_t rowNumber = 0;
  std::optional<Finding> error;
  forEachChild(sheetData, "row", [&](pugi::xml_node r) {
    if (error) return;
    const auto given = parseIndex(attr(r, "r"));
    rowNumber = given && *given > 0 ? *given : rowNumber + 1;
    RawRow raw{rowNumber, {}};
    std::size_t nextColumn = 0;
    forEachChild(r, "c", [&](pugi::xml_node c) {
      if (error) return;
      const std::string_view givenRef = attr(c, "r");
      const auto col = givenRef.empty() ? std::optional(nextColumn) : columnOf(givenRef);
      if (!col || *col >= kMaxColumns) {
        error = xlsxError(table.file,
                          "cell reference \"" + std::string(givenRef) + "\" in row " +
                              std::to_string(rowNumber) + " is not valid",
                          rowNumber);
        return;
      }
      nextColumn = *col + 1;
      const std::string ref = columnName(*col) + std::to_string(rowNumber);
      auto cell = readCell(c, ref, shared, table, rowNumber);
      if (!cell) {
        error = std::move(cell.error());
        return;
      }
      for (std::size_t i = raw.cells.size(); i <= *col; ++i) {
        raw.cells.push_back(Cell{{}, CellKind::Text, columnName(i) + std::to_string(rowNumber)});
      }
      raw.cells[*col] = std::move(*cell);
    });
    rows.push_back(std::move(raw));
  });
  if (error) return std::unexpected(std::move(*error));
  return rows;
}

bool startsWithOle2Magic(const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  unsigned char magic[4] = {};
  const bool ole = std::fread(magic, 1, 4, f) == 4 && magic[0] == 0xD0 && magic[1] == 0xCF &&
                   magic[2] == 0x11 && magic[3] == 0xE0;
  std::fclose(f);
  return ole;
}

Result<RosterTable> readXlsx(const std::filesystem::path& path, const std::string& display) {
  RosterTable table;
  table.file = display;
  table.encoding = "xlsx";

  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return std::unexpected(detail::rosterFinding(
        Severity::Error, "ROSTER_READ", display, 0,
        "cannot read roster file: " + (ec ? ec.message() : std::string("no such file")),
        "check the file name and path in the configuration"));
  }
  auto zip = detail::ZipArchive::open(path);
  if (!zip) {
    if (startsWithOle2Magic(path)) {
      return std::unexpected(
          xlsxError(display, "roster file is an old binary Excel workbook (.xls) named .xlsx"));
    }
    return std::unexpected(
        xlsxError(display, "roster file is not a valid .xlsx workbook: " + zip.error()));
  }
  const Workbook wb(std::move(*zip), display);

  std::string workbookPart = wb.target("", "", "/officeDocument");
  if (workbookPart.empty()) workbookPart = "xl/workbook.xml";
  pugi::xml_document workbook;
  bool found = false;
  if (auto err = wb.load(workbook, workbookPart, true, found)) return std::unexpected(*err);

  const pugi::xml_node sheets = child(child(workbook, "workbook"), "sheets");
  const pugi::xml_node first = child(sheets, "sheet");
  if (!first) {
    return std::unexpected(xlsxError(display, "roster workbook lists no worksheet"));
  }
  table.sheet = std::string(attr(first, "name"));
  std::size_t sheetCount = 0;
  forEachChild(sheets, "sheet", [&](pugi::xml_node) { ++sheetCount; });
  if (sheetCount > 1) {
    table.notes.push_back(detail::rosterFinding(Severity::Info, "ROSTER_FIRST_SHEET", display, 0,
                                                "workbook has " + std::to_string(sheetCount) +
                                                    " sheets; only the first, \"" + table.sheet +
                                                    "\", is read",
                                                "put the roster on the first sheet"));
  }
  const std::string_view sheetRelId = attr(first, "id");
  const std::string sheetPart = sheetRelId.empty() ? "" : wb.target(workbookPart, sheetRelId, "");
  if (sheetPart.empty()) {
    return std::unexpected(xlsxError(
        display, "roster workbook does not say where sheet \"" + table.sheet + "\" is stored"));
  }

  std::string sharedPart = wb.target(workbookPart, "", "/sharedStrings");
  if (sharedPart.empty()) sharedPart = dirOf(workbookPart) + "sharedStrings.xml";
  auto shared = readSharedStrings(wb, sharedPart);
  if (!shared) return std::unexpected(std::move(shared.error()));

  pugi::xml_document sheet;
  if (auto err = wb.load(sheet, sheetPart, true, found)) return std::unexpected(*err);
  auto rows = readSheet(child(child(sheet, "worksheet"), "sheetData"), *shared, table);
  if (!rows) return std::unexpected(std::move(rows.error()));
  if (!detail::assembleTable(table, std::move(*rows), true)) {
    return std::unexpected(detail::rosterFinding(
        Severity::Error, "ROSTER_EMPTY", display, 0,
        "roster sheet \"" + table.sheet + "\" is empty: no header row found",
        "the first row of the first sheet must name the columns, e.g. 姓名, 证件号码, …"));
  }
  return table;
}

}  // namespace

Result<RosterTable> XlsxReader::read(const std::filesystem::path& path,
                                     const std::string& display) const {
  try {
    return readXlsx(path, display);
  } catch (const std::exception& e) {  // out of memory and the like: never escapes
    return std::unexpected(
        xlsxError(display, std::string("roster workbook cannot be read: ") + e.what()));
  }
}

}  // namespace zzjb::roster
