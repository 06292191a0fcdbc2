// Harness: the xlsx roster reader's XML side. Input: a worksheet's XML, optionally followed by
// "\n--sst--\n" and the shared strings' XML; the harness zips them with a fixed workbook and
// reads the result. Mutating an xlsx directly mostly breaks its deflate stream or CRC, so the
// reader's sheet and shared-strings code is reached here instead (wide rows, bad cell
// references, invalid UTF-8, huge row numbers). Properties: see roster_check.hpp and
// docs/fuzzing.md.
#include <zip.h>

#include <array>
#include <fstream>
#include <iterator>
#include <string>

#include "fuzz_support.hpp"
#include "roster_check.hpp"
#include "zzjb/roster/readers.hpp"

namespace {

constexpr std::string_view kHarness = "roster_xlsx_sheet";
constexpr std::string_view kSstMark = "\n--sst--\n";

constexpr std::string_view kContentTypes =
    R"(<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
    R"(<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>)"
    R"(<Default Extension="xml" ContentType="application/xml"/>)"
    R"(<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>)"
    R"(<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>)"
    R"(</Types>)";
constexpr std::string_view kRootRels =
    R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>)"
    R"(</Relationships>)";
constexpr std::string_view kWorkbook =
    R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" )"
    R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)"
    R"(<sheets><sheet name="students" sheetId="1" r:id="rId1"/></sheets></workbook>)";
constexpr std::string_view kWorkbookRels =
    R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>)"
    R"(<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>)"
    R"(</Relationships>)";

// Writes the xlsx to `path` (stored, not deflated: the harness's time goes to the reader).
void writeXlsx(const std::filesystem::path& path, std::string_view sheet, std::string_view sst) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (zip == nullptr) zzjb::fuzz::fail(kHarness, "cannot create the scratch xlsx");
  const std::array<std::pair<const char*, std::string_view>, 6> parts{{
      {"[Content_Types].xml", kContentTypes},
      {"_rels/.rels", kRootRels},
      {"xl/workbook.xml", kWorkbook},
      {"xl/_rels/workbook.xml.rels", kWorkbookRels},
      {"xl/worksheets/sheet1.xml", sheet},
      {"xl/sharedStrings.xml", sst},
  }};
  for (const auto& [name, bytes] : parts) {
    zip_source_t* source = zip_source_buffer(zip, bytes.data(), bytes.size(), 0);
    if (source == nullptr) zzjb::fuzz::fail(kHarness, "zip_source_buffer failed");
    const zip_int64_t index = zip_file_add(zip, name, source, ZIP_FL_OVERWRITE);
    if (index < 0) {
      zip_source_free(source);
      zzjb::fuzz::fail(kHarness, "zip_file_add failed");
    }
    zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
  }
  if (zip_close(zip) != 0) zzjb::fuzz::fail(kHarness, "cannot write the scratch xlsx");
}

// libzip writes the archive to a scratch file; its bytes go to the reader's byte-level entry.
zzjb::Result<zzjb::RosterTable> readSheet(std::string_view sheet, std::string_view sst) {
  static zzjb::fuzz::ScratchFile scratch("roster.xlsx");
  writeXlsx(scratch.path(), sheet, sst);
  std::ifstream in(scratch.path(), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.eof() && in.fail()) zzjb::fuzz::fail(kHarness, "cannot read the scratch xlsx back");
  return zzjb::roster::readXlsxBytes(bytes, "roster.xlsx");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = zzjb::fuzz::asText(data, size);
  const auto mark = input.find(kSstMark);
  const std::string_view sheet = input.substr(0, mark);
  const std::string_view sst = mark == std::string_view::npos
                                   ? std::string_view("<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"/>")
                                   : input.substr(mark + kSstMark.size());
  const auto table = readSheet(sheet, sst);
  // The XML is given as it is (stored, not deflated). A cell costs ~11 bytes of XML and ~72 of
  // table, but a long shared string may be referenced by many cells: 1 KiB of table per input
  // byte allows that, and still refuses issue 11's rows padded to column XFD (~23,000x).
  zzjb::fuzz::checkRosterTable(kHarness, table, size, 1024);
  return 0;
}
