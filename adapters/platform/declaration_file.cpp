// Writes the group-declaration .xlsx: a minimal OOXML package (content types, relationships,
// workbook, one worksheet, styles) built with pugixml and zipped in memory with libzip, from the
// sheet's columns and rows (core/include/zzjb/core/declaration_sheet.hpp). Every cell carries the
// text number format (numFmtId 49, "@") and is an inline string, except in the columns marked
// `numeric` (序号, 毕业年份, 申报等级 in the standard sheets): whole numbers. Entry times are a
// constant local 2000-01-01 00:00, so the bytes depend only on the sheet (and the zlib build), not
// on when or where it was made.
//
// Checked once by hand (2026-11-27, LibreOffice 7.4 `soffice --headless --convert-to csv`): the
// file opens, the header and every cell come back as written — 18-digit IDs, leading zeros and a
// trailing X intact, Chinese text, <&>", edge spaces, line breaks and a literal "_x0041_"
// unchanged; only a control character (U+0007) is dropped by LibreOffice. Re-saved as .xlsx by
// LibreOffice, 证件号码 stays a string and 序号/毕业年份/申报等级 numbers. CI does not depend on
// LibreOffice.
#include "zzjb/platform/declaration_file.hpp"

#include <openssl/evp.h>
#include <zip.h>

#include <algorithm>
#include <ctime>
#include <deque>
#include <memory>
#include <optional>
#include <string_view>
#include <pugixml.hpp>

namespace zzjb::platform {

namespace {

constexpr const char* kMainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr const char* kRelNs =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr const char* kPackageRelNs =
    "http://schemas.openxmlformats.org/package/2006/relationships";
constexpr const char* kTextStyle = "1";  // cellXfs index of the "@" format

// Code DECLARATION_FILE, worded by `textCode` (DECLARATION_FILE.*), with the one hint.
Finding fileError(std::string_view textCode, msg::Args args = {}) {
  Finding f = makeFinding(Severity::Error, FindingKind::Data, "DECLARATION_FILE", {},
                          std::move(args), textCode);
  f.hint = msg::text("DECLARATION_FILE.hint");
  return f;
}

// "A", …, "Z", "AA", … for a 0-based column.
std::string columnName(std::size_t col) {
  std::string name;
  ++col;
  while (col > 0) {
    const std::size_t rem = (col - 1) % 26;
    name.insert(name.begin(), static_cast<char>('A' + static_cast<int>(rem)));
    col = (col - 1) / 26;
  }
  return name;
}

bool isHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

void appendEscape(std::string& out, unsigned cp) {
  constexpr const char* kDigits = "0123456789ABCDEF";
  out += "_x";
  for (int shift = 12; shift >= 0; shift -= 4) out += kDigits[(cp >> shift) & 0xFU];
  out += '_';
}

// Validates UTF-8 and applies OOXML's own escaping: characters XML 1.0 cannot hold (controls
// other than tab and LF, U+FFFE/U+FFFF) and CR (XML would turn it into LF) become _xHHHH_, and a
// literal "_xHHHH_" keeps its meaning by escaping its underscore as _x005F_. nullopt: bad UTF-8.
std::optional<std::string> ooxmlText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 1;
    unsigned cp = b0;
    if (b0 >= 0x80U) {
      if (b0 >= 0xC2U && b0 <= 0xDFU) {
        len = 2;
        cp = b0 & 0x1FU;
      } else if (b0 >= 0xE0U && b0 <= 0xEFU) {
        len = 3;
        cp = b0 & 0x0FU;
      } else if (b0 >= 0xF0U && b0 <= 0xF4U) {
        len = 4;
        cp = b0 & 0x07U;
      } else {
        return std::nullopt;
      }
      if (i + len > s.size()) return std::nullopt;
      for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0U) != 0x80U) return std::nullopt;
        cp = (cp << 6) | (b & 0x3FU);
      }
      const unsigned minimum = len == 2 ? 0x80U : len == 3 ? 0x800U : 0x10000U;
      if (cp < minimum || cp > 0x10FFFFU || (cp >= 0xD800U && cp <= 0xDFFFU)) return std::nullopt;
    }
    const bool xmlIllegal =
        (cp < 0x20U && cp != 0x09U && cp != 0x0AU) || cp == 0xFFFEU || cp == 0xFFFFU;
    if (xmlIllegal) {
      appendEscape(out, cp);
    } else if (cp == '_' && i + 7 <= s.size() && s[i + 1] == 'x' && s[i + 6] == '_' &&
               std::all_of(s.begin() + static_cast<std::ptrdiff_t>(i + 2),
                           s.begin() + static_cast<std::ptrdiff_t>(i + 6), isHex)) {
      out += "_x005F_";
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

// A whole number for a numeric column, without leading zeros; nullopt if not one.
std::optional<std::string> wholeNumber(std::string_view s) {
  if (s.empty() || s.size() > 15 ||
      !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const auto first = s.find_first_not_of('0');
  return std::string(first == std::string_view::npos ? "0" : s.substr(first));
}

struct StringWriter final : pugi::xml_writer {
  std::string out;
  void write(const void* data, std::size_t size) override {
    out.append(static_cast<const char*>(data), size);
  }
};

pugi::xml_node startDocument(pugi::xml_document& doc, const char* root, const char* ns) {
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  decl.append_attribute("standalone") = "yes";
  pugi::xml_node node = doc.append_child(root);
  node.append_attribute("xmlns") = ns;
  return node;
}

std::string serialise(const pugi::xml_document& doc) {
  StringWriter writer;
  doc.save(writer, "", pugi::format_raw, pugi::encoding_utf8);
  return std::move(writer.out);
}

void addRelationship(pugi::xml_node rels, const char* id, const char* type, const char* target) {
  pugi::xml_node r = rels.append_child("Relationship");
  r.append_attribute("Id") = id;
  r.append_attribute("Type") = type;
  r.append_attribute("Target") = target;
}

std::string contentTypesXml() {
  pugi::xml_document doc;
  pugi::xml_node types = startDocument(
      doc, "Types", "http://schemas.openxmlformats.org/package/2006/content-types");
  const auto addDefault = [&](const char* ext, const char* type) {
    pugi::xml_node d = types.append_child("Default");
    d.append_attribute("Extension") = ext;
    d.append_attribute("ContentType") = type;
  };
  const auto addOverride = [&](const char* part, const char* type) {
    pugi::xml_node o = types.append_child("Override");
    o.append_attribute("PartName") = part;
    o.append_attribute("ContentType") = type;
  };
  addDefault("rels", "application/vnd.openxmlformats-package.relationships+xml");
  addDefault("xml", "application/xml");
  addOverride("/xl/workbook.xml",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml");
  addOverride("/xl/worksheets/sheet1.xml",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml");
  addOverride("/xl/styles.xml",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml");
  return serialise(doc);
}

std::string packageRelsXml() {
  pugi::xml_document doc;
  pugi::xml_node rels = startDocument(doc, "Relationships", kPackageRelNs);
  addRelationship(rels, "rId1",
                  "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                  "officeDocument",
                  "xl/workbook.xml");
  return serialise(doc);
}

std::string workbookXml() {
  pugi::xml_document doc;
  pugi::xml_node wb = startDocument(doc, "workbook", kMainNs);
  wb.append_attribute("xmlns:r") = kRelNs;
  pugi::xml_node sheet = wb.append_child("sheets").append_child("sheet");
  sheet.append_attribute("name") = "Sheet1";
  sheet.append_attribute("sheetId") = "1";
  sheet.append_attribute("r:id") = "rId1";
  return serialise(doc);
}

std::string workbookRelsXml() {
  pugi::xml_document doc;
  pugi::xml_node rels = startDocument(doc, "Relationships", kPackageRelNs);
  addRelationship(rels, "rId1",
                  "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet",
                  "worksheets/sheet1.xml");
  addRelationship(rels, "rId2",
                  "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles",
                  "styles.xml");
  return serialise(doc);
}

std::string stylesXml() {
  pugi::xml_document doc;
  pugi::xml_node ss = startDocument(doc, "styleSheet", kMainNs);
  pugi::xml_node fonts = ss.append_child("fonts");
  fonts.append_attribute("count") = "1";
  pugi::xml_node font = fonts.append_child("font");
  font.append_child("sz").append_attribute("val") = "11";
  font.append_child("name").append_attribute("val") = "Calibri";
  font.append_child("family").append_attribute("val") = "2";
  pugi::xml_node fills = ss.append_child("fills");
  fills.append_attribute("count") = "2";
  for (const char* pattern : {"none", "gray125"}) {
    fills.append_child("fill").append_child("patternFill").append_attribute("patternType") =
        pattern;
  }
  pugi::xml_node borders = ss.append_child("borders");
  borders.append_attribute("count") = "1";
  pugi::xml_node border = borders.append_child("border");
  for (const char* side : {"left", "right", "top", "bottom", "diagonal"}) {
    border.append_child(side);
  }
  const auto addXf = [](pugi::xml_node parent, const char* numFmt, bool inCellXfs) {
    pugi::xml_node xf = parent.append_child("xf");
    xf.append_attribute("numFmtId") = numFmt;
    xf.append_attribute("fontId") = "0";
    xf.append_attribute("fillId") = "0";
    xf.append_attribute("borderId") = "0";
    if (inCellXfs) xf.append_attribute("xfId") = "0";
    return xf;
  };
  pugi::xml_node styleXfs = ss.append_child("cellStyleXfs");
  styleXfs.append_attribute("count") = "1";
  addXf(styleXfs, "0", false);
  pugi::xml_node cellXfs = ss.append_child("cellXfs");
  cellXfs.append_attribute("count") = "2";
  addXf(cellXfs, "0", true);
  addXf(cellXfs, "49", true).append_attribute("applyNumberFormat") = "1";  // "@": text
  pugi::xml_node cellStyles = ss.append_child("cellStyles");
  cellStyles.append_attribute("count") = "1";
  pugi::xml_node normal = cellStyles.append_child("cellStyle");
  normal.append_attribute("name") = "Normal";
  normal.append_attribute("xfId") = "0";
  normal.append_attribute("builtinId") = "0";
  return serialise(doc);
}

void addCell(pugi::xml_node row, const std::string& ref, const std::string& text, bool number) {
  pugi::xml_node c = row.append_child("c");
  c.append_attribute("r") = ref.c_str();
  c.append_attribute("s") = kTextStyle;
  if (number) {
    c.append_child("v").text() = text.c_str();
    return;
  }
  c.append_attribute("t") = "inlineStr";
  pugi::xml_node t = c.append_child("is").append_child("t");
  const bool edgeSpace = text.find_first_of(" \t\n") == 0 ||
                         text.find_last_of(" \t\n") == text.size() - 1;
  if (edgeSpace) t.append_attribute("xml:space") = "preserve";
  t.text() = text.c_str();
}

// Width of a column: 22 for 证件号码 (18 digits visible), else 14 — as the writer always made
// them, so the standard occupation sheet's bytes (and SHA-256, hence the engine's idempotency
// keys) did not change when the sheet became columns (docs/platform-client.md, "The declaration
// file").
const char* columnWidth(const plugin::SheetColumn& column) {
  return column.standard == plugin::column::kIdNumber ? "22" : "14";
}

Result<std::string> worksheetXml(const DeclarationSheet& sheet) {
  const std::size_t columns = sheet.columns.size();
  pugi::xml_document doc;
  pugi::xml_node ws = startDocument(doc, "worksheet", kMainNs);
  ws.append_attribute("xmlns:r") = kRelNs;
  const std::string lastRef =
      columns == 0 ? std::string("A1")
                   : columnName(columns - 1) + std::to_string(sheet.rows.size() + 1);
  ws.append_child("dimension").append_attribute("ref") = ("A1:" + lastRef).c_str();
  pugi::xml_node cols = ws.append_child("cols");
  for (std::size_t i = 0; i < columns; ++i) {
    pugi::xml_node col = cols.append_child("col");
    const std::string index = std::to_string(i + 1);
    col.append_attribute("min") = index.c_str();
    col.append_attribute("max") = index.c_str();
    col.append_attribute("width") = columnWidth(sheet.columns[i]);
    col.append_attribute("style") = kTextStyle;  // cells typed in later are text too
    col.append_attribute("customWidth") = "1";
  }
  pugi::xml_node data = ws.append_child("sheetData");

  const auto addRow = [&](std::size_t number, const auto& valueAt) -> std::optional<Finding> {
    pugi::xml_node row = data.append_child("row");
    const std::string rowText = std::to_string(number);
    row.append_attribute("r") = rowText.c_str();
    for (std::size_t col = 0; col < columns; ++col) {
      const std::string_view value = valueAt(col);
      if (value.empty()) continue;
      const std::string ref = columnName(col) + rowText;
      if (number > 1 && sheet.columns[col].numeric) {
        auto n = wholeNumber(value);
        if (!n) {
          const std::string& header = sheet.columns[col].header;
          return fileError("DECLARATION_FILE.not_number",
                           {{"cell", ref}, {"column", header}, {"value", value}});
        }
        addCell(row, ref, *n, true);
        continue;
      }
      auto text = ooxmlText(value);
      if (!text) return fileError("DECLARATION_FILE.not_utf8", {{"cell", ref}});
      addCell(row, ref, *text, false);
    }
    return std::nullopt;
  };

  const auto headerAt = [&](std::size_t col) -> std::string_view {
    return sheet.columns[col].header;
  };
  if (auto err = addRow(1, headerAt)) return std::unexpected(std::move(*err));
  for (std::size_t r = 0; r < sheet.rows.size(); ++r) {
    const std::vector<std::string>& cells = sheet.rows[r];
    if (cells.size() > columns) {
      return std::unexpected(fileError(
          "DECLARATION_FILE.extra_values",
          {{"row", r + 2}, {"values", cells.size()}, {"columns", columns}}));
    }
    const auto valueAt = [&](std::size_t col) -> std::string_view {
      return col < cells.size() ? std::string_view(cells[col]) : std::string_view();
    };
    if (auto err = addRow(r + 2, valueAt)) return std::unexpected(std::move(*err));
  }
  return serialise(doc);
}

// Local 2000-01-01 00:00:00: libzip stores DOS times in local time, so a fixed time_t would give
// different bytes in different time zones; a fixed local time does not.
std::time_t fixedEntryTime() {
  std::tm tm{};
  tm.tm_year = 100;
  tm.tm_mon = 0;
  tm.tm_mday = 1;
  tm.tm_isdst = -1;
  return std::mktime(&tm);
}

struct SourceReleaser {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};

std::string zipErrorText(zip_error_t* error) {
  std::string text = zip_error_strerror(error);
  zip_error_fini(error);
  return text;
}

struct Part {
  const char* name;
  std::string bytes;
};

Result<std::string> zipParts(const std::deque<Part>& parts) {
  zip_error_t error;
  zip_error_init(&error);
  std::unique_ptr<zip_source_t, SourceReleaser> buffer(
      zip_source_buffer_create(nullptr, 0, 0, &error));
  if (!buffer) {
    return std::unexpected(fileError("DECLARATION_FILE.zip_create", {{"error", zipErrorText(&error)}}));
  }
  zip_t* za = zip_open_from_source(buffer.get(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (za == nullptr) {
    return std::unexpected(fileError("DECLARATION_FILE.zip_open", {{"error", zipErrorText(&error)}}));
  }
  zip_error_fini(&error);
  zip_source_keep(buffer.get());  // zip_close releases the archive's reference, not ours

  const std::time_t mtime = fixedEntryTime();
  for (const Part& part : parts) {
    zip_source_t* src = zip_source_buffer(za, part.bytes.data(), part.bytes.size(), 0);
    const zip_int64_t index =
        src == nullptr ? -1 : zip_file_add(za, part.name, src, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      if (src != nullptr) zip_source_free(src);
      const std::string why = zip_strerror(za);
      zip_discard(za);
      return std::unexpected(fileError("DECLARATION_FILE.zip_add", {{"part", part.name}, {"error", why}}));
    }
    const auto u = static_cast<zip_uint64_t>(index);
    if (zip_file_set_mtime(za, u, mtime, 0) != 0 ||
        zip_set_file_compression(za, u, ZIP_CM_DEFLATE, 6) != 0 ||
        zip_file_set_external_attributes(za, u, 0, ZIP_OPSYS_UNIX, 0100644U << 16) != 0) {
      const std::string why = zip_strerror(za);
      zip_discard(za);
      return std::unexpected(fileError("DECLARATION_FILE.zip_setup", {{"part", part.name}, {"error", why}}));
    }
  }
  if (zip_close(za) != 0) {
    const std::string why = zip_strerror(za);
    zip_discard(za);
    return std::unexpected(fileError("DECLARATION_FILE.zip_write", {{"error", why}}));
  }

  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_source_stat(buffer.get(), &st) != 0 || (st.valid & ZIP_STAT_SIZE) == 0 ||
      zip_source_open(buffer.get()) != 0) {
    return std::unexpected(fileError("DECLARATION_FILE.zip_read_back"));
  }
  std::string bytes(static_cast<std::size_t>(st.size), '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const zip_int64_t n = zip_source_read(buffer.get(), bytes.data() + done, bytes.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  zip_source_close(buffer.get());
  if (done != bytes.size()) return std::unexpected(fileError("DECLARATION_FILE.zip_short"));
  return bytes;
}

}  // namespace

Result<std::string> writeDeclarationXlsx(const DeclarationSheet& sheet) {
  try {
    auto worksheet = worksheetXml(sheet);
    if (!worksheet) return std::unexpected(std::move(worksheet.error()));
    std::deque<Part> parts;  // the buffers must stay put until zip_close
    parts.push_back({"[Content_Types].xml", contentTypesXml()});
    parts.push_back({"_rels/.rels", packageRelsXml()});
    parts.push_back({"xl/workbook.xml", workbookXml()});
    parts.push_back({"xl/_rels/workbook.xml.rels", workbookRelsXml()});
    parts.push_back({"xl/styles.xml", stylesXml()});
    parts.push_back({"xl/worksheets/sheet1.xml", std::move(*worksheet)});
    return zipParts(parts);
  } catch (const std::exception& e) {  // out of memory: never escapes
    return std::unexpected(
        fileError("DECLARATION_FILE.write", {{"error", e.what()}}));
  }
}

std::string sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  constexpr const char* kDigits = "0123456789abcdef";
  std::string hex;
  hex.reserve(std::size_t{length} * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kDigits[digest[i] >> 4];
    hex += kDigits[digest[i] & 0xFU];
  }
  return hex;
}

}  // namespace zzjb::platform
