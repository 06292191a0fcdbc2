// xlsx roster reader: the first worksheet of an OOXML workbook (libzip + pugixml), cells as
// stored — shared/inline strings, numbers exactly as written in <v>, booleans, formula strings.
// Bounded (docs/architecture.md, "Rosters in bounded memory"): each part is capped once
// uncompressed and before its DOM is built, shared strings are counted, rows stay sparse, and a
// cell that is not UTF-8 leaves only its row out.
#include <algorithm>
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
using detail::quotable;
using detail::TableBuilder;

constexpr std::size_t kMaxColumns = 16384;  // XFD, Excel's limit

// An error about the workbook, worded by the catalog: ROSTER_XLSX's texts are "ROSTER_XLSX.<what>".
Finding xlsxError(const std::string& file, std::string_view textCode, msg::Args args = {},
                  std::size_t line = 0, std::string cell = {}, std::string code = "ROSTER_XLSX") {
  Finding f = detail::rosterFinding(Severity::Error, std::move(code), file, line, std::move(args),
                                    textCode);
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

// What building a part's DOM may cost, counted on its bytes: each element ('<' not followed by
// '/') with the text node it may hold, and each attribute ('='). An over-estimate, never under.
std::size_t xmlNodeEstimate(std::string_view xml) {
  std::size_t nodes = 0;
  for (std::size_t i = 0; i < xml.size(); ++i) {
    if (xml[i] == '=') {
      ++nodes;
    } else if (xml[i] == '<' && (i + 1 >= xml.size() || xml[i + 1] != '/')) {
      nodes += 2;
    }
  }
  return nodes;
}

// A parsed part: pugixml parses in place, so the bytes live as long as the document.
struct XmlPart {
  std::string bytes;
  pugi::xml_document doc;
};

class Workbook {
 public:
  Workbook(detail::ZipArchive zip, std::string display, const RosterLimits& limits)
      : zip_(std::move(zip)), display_(std::move(display)), limits_(limits) {}

  // Parses a part; missing parts are an error only if `required`.
  std::optional<Finding> load(XmlPart& part, const std::string& name, bool required,
                              bool& found) const {
    found = zip_.contains(name);
    if (!found) {
      if (!required) return std::nullopt;
      return xlsxError(display_, "ROSTER_XLSX.noPart", {{"part", quotable(name)}});
    }
    auto bytes = zip_.read(name, limits_.maxPartBytes);
    if (!bytes) {
      return xlsxError(display_, "ROSTER_XLSX_PART_TOO_LARGE", {{"reason", bytes.error()}}, 0, {},
                       "ROSTER_XLSX_PART_TOO_LARGE");
    }
    if (xmlNodeEstimate(*bytes) > limits_.maxXmlNodes) {
      return xlsxError(display_, "ROSTER_XLSX_TOO_COMPLEX",
                       {{"part", quotable(name)}, {"limit", limits_.maxXmlNodes}}, 0, {},
                       "ROSTER_XLSX_TOO_COMPLEX");
    }
    part.bytes = std::move(*bytes);
    const auto parsed = part.doc.load_buffer_inplace(
        part.bytes.data(), part.bytes.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
    if (!parsed) {
      return xlsxError(display_, "ROSTER_XLSX.xml",
                       {{"part", quotable(name)},
                        {"reason", parsed.description()},
                        {"byte", static_cast<long long>(parsed.offset)}});
    }
    return std::nullopt;
  }

  // Target part of the relationship in `relsPart` with this id (or, if id is empty, the first
  // whose type ends with `typeSuffix`); empty if none.
  std::string target(const std::string& ownerPart, std::string_view id,
                     std::string_view typeSuffix) const {
    XmlPart rels;
    bool found = false;
    if (load(rels, relsOf(ownerPart), false, found) || !found) return {};
    std::string result;
    forEachChild(child(rels.doc, "Relationships"), "Relationship", [&](pugi::xml_node r) {
      if (!result.empty() || attr(r, "TargetMode") == "External") return;
      const bool match = id.empty() ? attr(r, "Type").ends_with(typeSuffix) : attr(r, "Id") == id;
      if (match) result = resolvePart(dirOf(ownerPart), attr(r, "Target"));
    });
    return result;
  }

  const std::string& display() const { return display_; }
  const RosterLimits& limits() const { return limits_; }

 private:
  detail::ZipArchive zip_;
  std::string display_;
  const RosterLimits& limits_;
};

Result<std::vector<std::string>> readSharedStrings(const Workbook& wb, const std::string& name) {
  std::vector<std::string> strings;
  XmlPart part;
  bool found = false;
  if (auto err = wb.load(part, name, false, found)) return std::unexpected(std::move(*err));
  if (!found) return strings;
  const RosterLimits& limits = wb.limits();
  std::size_t bytes = 0;
  std::optional<Finding> error;
  forEachChild(child(part.doc, "sst"), "si", [&](pugi::xml_node si) {
    if (error) return;
    if (strings.size() >= limits.maxSharedStrings) {
      error =
          xlsxError(wb.display(), "ROSTER_TOO_MANY_SHARED_STRINGS",
                    {{"limit", limits.maxSharedStrings}}, 0, {}, "ROSTER_TOO_MANY_SHARED_STRINGS");
      return;
    }
    strings.push_back(stringItemText(si));
    bytes += strings.back().size();
    if (bytes > limits.maxSharedStringBytes) {
      error = xlsxError(wb.display(), "ROSTER_SHARED_STRINGS_TOO_LARGE",
                        {{"limit", limits.maxSharedStringBytes}}, 0, {},
                        "ROSTER_SHARED_STRINGS_TOO_LARGE");
    }
  });
  if (error) return std::unexpected(std::move(*error));
  return strings;
}

// A shared string as cell text: one longer than a cell may be is cut just past the limit, so
// that the builder reports it without copying all of it for each cell that refers to it.
std::string cellText(std::string_view s, const RosterLimits& limits) {
  return std::string(s.substr(0, limits.maxCellBytes + 1));
}

Result<Cell> readCell(pugi::xml_node c, const std::string& ref,
                      const std::vector<std::string>& shared, const RosterTable& table,
                      std::size_t row, const RosterLimits& limits) {
  Cell cell;
  cell.ref = ref;
  const std::string_view type = attr(c, "t");
  const pugi::xml_node v = child(c, "v");
  const std::string_view value = v ? v.child_value() : "";
  if (type == "s") {
    const auto index = parseIndex(detail::trim(value));
    if (!index || *index >= shared.size()) {
      return std::unexpected(
          xlsxError(table.file, "ROSTER_XLSX.sharedString",
                    {{"cell", ref}, {"index", quotable(value, 20)}, {"count", shared.size()}}, row,
                    table.sheet + "!" + ref));
    }
    cell.text = cellText(shared[*index], limits);
  } else if (type == "inlineStr") {
    cell.text = cellText(stringItemText(child(c, "is")), limits);
  } else if (type == "str") {
    cell.text = cellText(decodeEscapes(value), limits);
    cell.kind = CellKind::Formula;
  } else if (type == "b") {
    cell.text = cellText(value, limits);
    cell.kind = CellKind::Bool;
  } else if (type.empty() || type == "n") {
    cell.text = cellText(value, limits);
    if (v) cell.kind = CellKind::Number;  // a styled but empty cell has no <v>: empty text
  } else {  // "e" (#N/A, #REF!, …), "d" (ISO date) and anything unknown: the text as stored
    cell.text = cellText(value, limits);
  }
  return cell;
}

std::optional<Finding> readSheet(pugi::xml_node sheetData, const std::vector<std::string>& shared,
                                 const RosterTable& table, TableBuilder& out) {
  std::size_t rowNumber = 0;
  std::optional<Finding> error;
  forEachChild(sheetData, "row", [&](pugi::xml_node r) {
    if (error || out.fatal) return;
    const auto given = parseIndex(attr(r, "r"));
    rowNumber = given && *given > 0 ? *given : rowNumber + 1;
    out.startRow(rowNumber);
    std::size_t nextColumn = 0;
    forEachChild(r, "c", [&](pugi::xml_node c) {
      if (error || out.fatal) return;
      const std::string_view givenRef = attr(c, "r");
      const auto col = givenRef.empty() ? std::optional(nextColumn) : columnOf(givenRef);
      if (!col || *col >= kMaxColumns) {
        error = xlsxError(table.file, "ROSTER_XLSX.cellRef",
                          {{"ref", quotable(givenRef, 20)}, {"row", rowNumber}}, rowNumber);
        return;
      }
      nextColumn = *col + 1;
      const std::string ref = columnName(*col) + std::to_string(rowNumber);
      auto cell = readCell(c, ref, shared, table, rowNumber, out.limits());
      if (!cell) {
        error = std::move(cell.error());
        return;
      }
      out.addCell(*col, std::move(*cell));
    });
    if (!error) out.endRow();
  });
  if (error) return error;
  return out.fatal;
}

Result<RosterTable> readXlsx(std::string_view bytes, const std::string& display,
                             const RosterLimits& limits) {
  RosterTable table;
  table.file = display;
  table.encoding = "xlsx";
  if (bytes.size() > limits.maxFileBytes) {
    return std::unexpected(xlsxError(display, "ROSTER_TOO_LARGE", {{"limit", limits.maxFileBytes}},
                                     0, {}, "ROSTER_TOO_LARGE"));
  }
  auto zip = detail::ZipArchive::openBuffer(bytes);
  if (!zip) {
    if (bytes.starts_with("\xD0\xCF\x11\xE0")) {
      return std::unexpected(xlsxError(display, "ROSTER_XLSX.xls"));
    }
    return std::unexpected(xlsxError(display, "ROSTER_XLSX.zip", {{"reason", zip.error()}}));
  }
  const Workbook wb(std::move(*zip), display, limits);

  std::string workbookPart = wb.target("", "", "/officeDocument");
  if (workbookPart.empty()) workbookPart = "xl/workbook.xml";
  XmlPart workbook;
  bool found = false;
  if (auto err = wb.load(workbook, workbookPart, true, found)) return std::unexpected(*err);

  const pugi::xml_node sheets = child(child(workbook.doc, "workbook"), "sheets");
  const pugi::xml_node first = child(sheets, "sheet");
  if (!first) {
    return std::unexpected(xlsxError(display, "ROSTER_XLSX.noSheet"));
  }
  // The name goes into every finding's cell: kept only as valid, printable UTF-8.
  table.sheet = quotable(attr(first, "name"), 100);
  std::size_t sheetCount = 0;
  forEachChild(sheets, "sheet", [&](pugi::xml_node) { ++sheetCount; });
  if (sheetCount > 1) {
    table.notes.push_back(detail::rosterFinding(Severity::Info, "ROSTER_FIRST_SHEET", display, 0,
                                                {{"count", sheetCount}, {"sheet", table.sheet}}));
  }
  const std::string_view sheetRelId = attr(first, "id");
  const std::string sheetPart = sheetRelId.empty() ? "" : wb.target(workbookPart, sheetRelId, "");
  if (sheetPart.empty()) {
    return std::unexpected(xlsxError(display, "ROSTER_XLSX.sheetPart", {{"sheet", table.sheet}}));
  }

  std::string sharedPart = wb.target(workbookPart, "", "/sharedStrings");
  if (sharedPart.empty()) sharedPart = dirOf(workbookPart) + "sharedStrings.xml";
  auto shared = readSharedStrings(wb, sharedPart);
  if (!shared) return std::unexpected(std::move(shared.error()));

  XmlPart sheet;
  if (auto err = wb.load(sheet, sheetPart, true, found)) return std::unexpected(*err);
  TableBuilder builder(table, limits, true);
  if (auto error =
          readSheet(child(child(sheet.doc, "worksheet"), "sheetData"), *shared, table, builder)) {
    return std::unexpected(std::move(*error));
  }
  if (!builder.finish()) {
    return std::unexpected(detail::rosterFinding(Severity::Error, "ROSTER_EMPTY", display, 0,
                                                 {{"sheet", table.sheet}}, "ROSTER_EMPTY.sheet"));
  }
  return table;
}

}  // namespace

Result<RosterTable> readXlsxBytes(std::string_view bytes, const std::string& display,
                                  const RosterLimits& limits) {
  try {
    return readXlsx(bytes, display, limits);
  } catch (const std::exception& e) {  // out of memory and the like: never escapes
    return std::unexpected(xlsxError(display, "ROSTER_XLSX.read", {{"reason", e.what()}}));
  }
}

Result<RosterTable> XlsxReader::read(const std::filesystem::path& path,
                                     const std::string& display) const {
  auto bytes = detail::readRosterFile(path, display, limits_);
  if (!bytes) return std::unexpected(std::move(bytes.error()));
  return readXlsxBytes(*bytes, display, limits_);
}

}  // namespace zzjb::roster
