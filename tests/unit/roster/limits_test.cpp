// The roster readers over bytes against the amplifying and malformed inputs of issue 11 (classes 5
// and 6): wide rows reaching XFD, huge shared strings, a 1.5 MB CSV header, a zip bomb, invalid
// UTF-8 in each place a cell can come from, and the cap on findings. Each is a finding that
// names its limit or its cell; the other rows go on. See docs/architecture.md, "Rosters in
// bounded memory".
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "internal.hpp"
#include "test_support.hpp"
#include "xlsx_builder.hpp"
#include "zzjb/core/eligibility.hpp"
#include "zzjb/roster/readers.hpp"

namespace zzjb::roster {
namespace {

using test::contains;
using test::Parts;
using test::simpleXlsx;

const std::string kDisplay = "rosters/2027.xlsx";

std::string zipBytes(const Parts& parts) {
  test::TempDir dir;
  test::writeZip(dir / "r.xlsx", parts);
  return test::readFile(dir / "r.xlsx");
}

const Finding* findNote(const RosterTable& t, const std::string& code) {
  for (const auto& n : t.notes) {
    if (n.code == code) return &n;
  }
  return nullptr;
}

std::size_t countNotes(const RosterTable& t, const std::string& code) {
  std::size_t n = 0;
  for (const auto& f : t.notes) n += f.code == code ? 1U : 0U;
  return n;
}

// Every text a finding carries must be valid UTF-8: `check --json` dumps it.
void expectUtf8(const Finding& f) {
  for (const std::string* s : {&f.message, &f.hint, &f.where.file, &f.where.cell}) {
    EXPECT_EQ(detail::invalidUtf8At(*s), std::string::npos) << f.code << ": " << *s;
  }
}

void expectAllUtf8(const RosterTable& t) {
  EXPECT_EQ(detail::invalidUtf8At(t.sheet), std::string::npos);
  for (const auto& h : t.header) EXPECT_EQ(detail::invalidUtf8At(h), std::string::npos);
  for (const auto& r : t.records) {
    for (const auto& c : r.cells) EXPECT_EQ(detail::invalidUtf8At(c.text), std::string::npos);
  }
  for (const auto& f : t.notes) expectUtf8(f);
}

std::string inlineCell(const std::string& ref, const std::string& text) {
  return "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + text + "</t></is></c>";
}

const std::string kHeader = "<row r=\"1\">" + inlineCell("A1", "姓名") +
                            inlineCell("B1", "证件号码") + inlineCell("C1", "备注") + "</row>";

std::string row(std::size_t n, const std::string& cells) {
  return "<row r=\"" + std::to_string(n) + "\">" + cells + "</row>";
}

// ---- class 6: amplification ------------------------------------------------------------------

TEST(RosterLimits, XlsxRowsReachingXfdAreRefusedByTheColumnLimitNotPadded) {
  std::string rows = kHeader;
  for (std::size_t n = 2; n <= 1001; ++n) {
    const std::string r = std::to_string(n);
    rows += row(n, inlineCell("A" + r, "张三") + "<c r=\"XFD" + r + "\"><v>1</v></c>");
  }
  rows += row(1002, inlineCell("A1002", "李四") + "<c r=\"XFD1002\" s=\"1\"/>");  // empty: fine
  const std::string bytes = zipBytes(simpleXlsx(rows));
  ASSERT_LT(bytes.size(), 40'000U);
  auto t = readXlsxBytes(bytes, kDisplay);
  ASSERT_TRUE(t.has_value()) << t.error().message;
  EXPECT_EQ(t->header.size(), 3U);
  ASSERT_EQ(t->records.size(), 1U);  // the row whose XFD cell is empty
  EXPECT_EQ(t->records[0].line, 1002U);
  EXPECT_EQ(t->records[0].cells.size(), 1U);
  EXPECT_EQ(t->rejectedLines.size(), 1000U);
  const Finding* f = findNote(*t, "ROSTER_TOO_MANY_COLUMNS");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::Error);
  EXPECT_EQ(f->where.cell, "Sheet1!XFD2");
  EXPECT_EQ(f->where.line, 2U);
  EXPECT_TRUE(contains(f->message, "超出 1024 列的上限（maxColumns")) << f->message;
  EXPECT_TRUE(contains(f->message, "该行不读取"));
  expectAllUtf8(*t);
}

TEST(RosterLimits, XlsxCellAtXfdCostsOneCellWhenTheColumnLimitAllowsIt) {
  RosterLimits wide;
  wide.maxColumns = 16'384;
  const std::string rows = row(1, inlineCell("A1", "姓名") + inlineCell("XFD1", "备注")) +
                           row(2, inlineCell("A2", "张三") + inlineCell("XFD2", "x"));
  auto t = readXlsxBytes(zipBytes(simpleXlsx(rows)), kDisplay, wide);
  ASSERT_TRUE(t.has_value()) << t.error().message;
  EXPECT_EQ(t->header.size(), 16'384U);
  ASSERT_EQ(t->records.size(), 1U);
  ASSERT_EQ(t->records[0].cells.size(), 2U);  // not 16,384
  ASSERT_NE(t->records[0].at(16'383), nullptr);
  EXPECT_EQ(t->records[0].at(16'383)->text, "x");
  EXPECT_EQ(t->records[0].at(16'383)->ref, "XFD2");
  EXPECT_EQ(t->records[0].at(100), nullptr);
}

TEST(RosterLimits, HeaderCellBeyondTheColumnLimitIsNotedAndTheRestIsRead) {
  const std::string rows = row(1, inlineCell("A1", "姓名") + inlineCell("XFD1", "stray")) +
                           row(2, inlineCell("A2", "张三"));
  auto t = readXlsxBytes(zipBytes(simpleXlsx(rows)), kDisplay);
  ASSERT_TRUE(t.has_value()) << t.error().message;
  EXPECT_EQ(t->header, (std::vector<std::string>{"姓名"}));
  ASSERT_EQ(t->records.size(), 1U);
  const Finding* f = findNote(*t, "ROSTER_TOO_MANY_COLUMNS");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(contains(f->message, "该列不读取")) << f->message;
}

TEST(RosterLimits, HugeSharedStringIsATooLongCellAndNotCopiedIntoEachCell) {
  // 300 KB in one shared string, referred to by 16,000 cells (4.8 GB if each copied it).
  const std::string big(300'000, 'x');
  std::string rows = row(1, "<c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>");
  for (std::size_t n = 2; n <= 1001; ++n) {
    std::string cells;
    for (std::size_t c = 0; c < 16; ++c) {
      cells += "<c r=\"" + detail::columnName(c) + std::to_string(n) + "\" t=\"s\"><v>2</v></c>";
    }
    rows += row(n, cells);
  }
  rows += row(1002, "<c r=\"A1002\" t=\"s\"><v>1</v></c>");
  auto t =
      readXlsxBytes(zipBytes(simpleXlsx(rows, "<si><t>姓名</t></si><si><t>张三</t></si><si><t>" +
                                                  big + "</t></si>")),
                    kDisplay);
  ASSERT_TRUE(t.has_value()) << t.error().message;
  ASSERT_EQ(t->records.size(), 1U);
  EXPECT_EQ(t->records[0].line, 1002U);
  EXPECT_EQ(t->rejectedLines.size(), 1000U);
  const Finding* f = findNote(*t, "ROSTER_CELL_TOO_LONG");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->where.cell, "Sheet1!A2");
  EXPECT_TRUE(contains(f->message, "maxCellBytes")) << f->message;
  // One finding per row at most, and at most maxFindings of them, then a count.
  EXPECT_EQ(countNotes(*t, "ROSTER_CELL_TOO_LONG"), 100U);
  const Finding* more = findNote(*t, "ROSTER_MORE_FINDINGS");
  ASSERT_NE(more, nullptr);
  EXPECT_TRUE(contains(more->message, "还有 900 个问题未列出")) << more->message;
  EXPECT_EQ(more->severity, Severity::Error);
}

TEST(RosterLimits, SharedStringsRepeatedBeyondTheTextLimitRefuseTheFile) {
  const std::string big(100'000, 'y');  // under the cell limit, but 400 copies exceed 32 MB
  std::string rows = row(1, "<c r=\"A1\" t=\"s\"><v>0</v></c>");
  for (std::size_t n = 2; n <= 401; ++n) {
    rows += row(n, "<c r=\"A" + std::to_string(n) + "\" t=\"s\"><v>1</v></c>");
  }
  auto t = readXlsxBytes(
      zipBytes(simpleXlsx(rows, "<si><t>姓名</t></si><si><t>" + big + "</t></si>")), kDisplay);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, "ROSTER_TOO_MUCH_TEXT");
  EXPECT_TRUE(contains(t.error().message, "maxTextBytes"));
  EXPECT_EQ(t.error().kind, FindingKind::Data);
}

TEST(RosterLimits, SharedStringCountAndBytesAreCapped) {
  std::string items;
  for (int i = 0; i < 50; ++i) items += "<si><t>s" + std::to_string(i) + "</t></si>";
  const std::string bytes = zipBytes(simpleXlsx(row(1, "<c r=\"A1\" t=\"s\"><v>0</v></c>"), items));
  RosterLimits few;
  few.maxSharedStrings = 10;
  auto t = readXlsxBytes(bytes, kDisplay, few);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, "ROSTER_TOO_MANY_SHARED_STRINGS");
  EXPECT_TRUE(contains(t.error().message, "maxSharedStrings"));
  RosterLimits small;
  small.maxSharedStringBytes = 20;
  t = readXlsxBytes(bytes, kDisplay, small);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, "ROSTER_SHARED_STRINGS_TOO_LARGE");
  EXPECT_TRUE(contains(t.error().message, "maxSharedStringBytes"));
  EXPECT_TRUE(readXlsxBytes(bytes, kDisplay).has_value());
}

TEST(RosterLimits, CsvHeaderOfOneAndAHalfMegabytesIsRefusedByName) {
  std::string header;
  while (header.size() < 1'500'000) header += "a,";
  auto t = readCsvBytes(header + "\n1,2\n", "rosters/2027.csv");
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, "ROSTER_HEADER_TOO_LONG");
  EXPECT_EQ(t.error().where.line, 1U);
  EXPECT_TRUE(contains(t.error().message, "65536 字节（maxHeaderBytes）")) << t.error().message;
}

TEST(RosterLimits, CsvRowOfManyEmptyFieldsStoresNothing) {
  // Excel pads to the used range with commas: 750,000 of them cost no cells.
  auto t = readCsvBytes("a,b\n1," + std::string(750'000, ',') + "\n", "r.csv");
  ASSERT_TRUE(t.has_value()) << t.error().message;
  ASSERT_EQ(t->records.size(), 1U);
  EXPECT_EQ(t->records[0].cells.size(), 1U);
  EXPECT_TRUE(t->notes.empty());
}

TEST(RosterLimits, CsvRowsCellsTextAndCellBytesAreCapped) {
  const std::string csv = "a,b\n1,2\n3,4\n5,6\n";
  RosterLimits rows;
  rows.maxRows = 2;
  auto t = readCsvBytes(csv, "r.csv", rows);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, "ROSTER_TOO_MANY_ROWS");
  EXPECT_TRUE(contains(t.error().message, "maxRows"));
  RosterLimits cells;
  cells.maxCells = 5;
  t = readCsvBytes(csv, "r.csv", cells);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, "ROSTER_TOO_MANY_CELLS");
  EXPECT_TRUE(contains(t.error().message, "maxCells"));
  RosterLimits text;
  text.maxTextBytes = 5;
  t = readCsvBytes(csv, "r.csv", text);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, "ROSTER_TOO_MUCH_TEXT");
  RosterLimits file;
  file.maxFileBytes = 10;
  t = readCsvBytes(csv, "r.csv", file);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, "ROSTER_TOO_LARGE");
  EXPECT_TRUE(contains(t.error().message, "maxFileBytes"));

  RosterLimits cell;
  cell.maxCellBytes = 8;
  t = readCsvBytes("a,b\n1,123456789\n2,12345678\n", "r.csv", cell);
  ASSERT_TRUE(t.has_value()) << t.error().message;
  ASSERT_EQ(t->records.size(), 1U);
  EXPECT_EQ(t->records[0].line, 3U);
  const Finding* f = findNote(*t, "ROSTER_CELL_TOO_LONG");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->where.line, 2U);
  EXPECT_TRUE(contains(f->message, "第 2 列（b）")) << f->message;
}

TEST(RosterLimits, ZipBombPartIsRefusedByNameFromBytes) {
  test::TempDir dir;
  const auto zeros = dir / "zeros";
  test::writeFile(zeros, "");
  std::filesystem::resize_file(zeros, std::uintmax_t{64} * 1024 * 1024);
  Parts p = simpleXlsx(kHeader);
  p["xl/sharedStrings.xml"] = "@file:" + zeros.string();
  const std::string bytes = zipBytes(p);
  ASSERT_LT(bytes.size(), 1'000'000U);
  auto t = readXlsxBytes(bytes, kDisplay);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, "ROSTER_XLSX_PART_TOO_LARGE");
  EXPECT_TRUE(contains(t.error().message, "xl/sharedStrings.xml"));
  EXPECT_TRUE(contains(t.error().message, "maxPartBytes"));
}

TEST(RosterLimits, PartWithTooManyXmlNodesIsRefusedBeforeItsTreeIsBuilt) {
  std::string rows = kHeader;
  for (std::size_t n = 2; n < 500; ++n) rows += "<row/>";
  RosterLimits few;
  few.maxXmlNodes = 500;
  auto t = readXlsxBytes(zipBytes(simpleXlsx(rows)), kDisplay, few);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, "ROSTER_XLSX_TOO_COMPLEX");
  EXPECT_TRUE(contains(t.error().message, "maxXmlNodes"));
}

TEST(RosterLimits, FindingsPerFileAreCappedThenCounted) {
  std::string csv = "a,b\n";
  for (int i = 0; i < 300; ++i) csv += "x,\xFF\n";
  csv += "ok,1\n";
  RosterLimits limits;
  limits.maxFindings = 20;
  auto t = readCsvBytes(csv, "r.csv", limits);
  ASSERT_TRUE(t.has_value()) << t.error().message;
  EXPECT_EQ(t->records.size(), 1U);
  EXPECT_EQ(t->rejectedLines.size(), 300U);
  EXPECT_EQ(t->notes.size(), 21U);
  EXPECT_EQ(countNotes(*t, "ROSTER_CELL_NOT_UTF8"), 20U);
  ASSERT_EQ(t->notes.back().code, "ROSTER_MORE_FINDINGS");
  EXPECT_TRUE(contains(t->notes.back().message, "还有 280 个问题未列出"))
      << t->notes.back().message;
  EXPECT_TRUE(contains(t->notes.back().message, "maxFindings"));
  EXPECT_EQ(t->notes.back().severity, Severity::Error);
  // At the first row left unlisted, so that `zzjb run` treats it as rows' findings, not the file's.
  EXPECT_EQ(t->notes.back().where.line, 22U);
}

TEST(RosterLimits, XlsxCellsOutOfOrderOrTwiceAreFoundByColumn) {
  const std::string rows =
      kHeader + row(2, inlineCell("C2", "c") + inlineCell("A2", "a") + inlineCell("A2", "a2"));
  auto t = readXlsxBytes(zipBytes(simpleXlsx(rows)), kDisplay);
  ASSERT_TRUE(t.has_value()) << t.error().message;
  ASSERT_EQ(t->records.size(), 1U);
  ASSERT_EQ(t->records[0].cells.size(), 2U);
  ASSERT_NE(t->records[0].at(0), nullptr);
  EXPECT_EQ(t->records[0].at(0)->text, "a2");  // the later one wins
  ASSERT_NE(t->records[0].at(2), nullptr);
  EXPECT_EQ(t->records[0].at(2)->text, "c");
}

TEST(RosterLimits, OneColumnLimitFindingPerRowHowEverManyCellsAreBeyondIt) {
  std::string cells = inlineCell("A1", "姓名");
  for (std::size_t c = 2000; c < 2100; ++c) cells += inlineCell(detail::columnName(c) + "1", "x");
  auto t =
      readXlsxBytes(zipBytes(simpleXlsx(row(1, cells) + row(2, inlineCell("A2", "y")))), kDisplay);
  ASSERT_TRUE(t.has_value()) << t.error().message;
  EXPECT_EQ(countNotes(*t, "ROSTER_TOO_MANY_COLUMNS"), 1U);
  EXPECT_EQ(t->header, (std::vector<std::string>{"姓名"}));
}

// ---- class 5: invalid UTF-8 in a cell ---------------------------------------------------------

struct Utf8Case {
  const char* where;
  std::string cellXml;  // the bad cell, at B3
  std::string shared;   // shared strings (index 0 is the bad one when used)
};

TEST(RosterUtf8, InvalidUtf8InEachKindOfXlsxCellIsAFindingAtItsCell) {
  const std::string bad = "\xC3\x28\xFF";
  const std::vector<Utf8Case> cases = {
      {"shared string", R"(<c r="B3" t="s"><v>0</v></c>)", "<si><t>" + bad + "</t></si>"},
      {"rich shared string", R"(<c r="B3" t="s"><v>0</v></c>)",
       "<si><r><t>ok</t></r><r><t>" + bad + "</t></r></si>"},
      {"inline string", R"(<c r="B3" t="inlineStr"><is><t>)" + bad + "</t></is></c>", ""},
      {"number", R"(<c r="B3"><v>1)" + bad + "</v></c>", ""},
      {"formula string", R"(<c r="B3" t="str"><f>A1</f><v>)" + bad + "</v></c>", ""},
      {"error value", R"(<c r="B3" t="e"><v>)" + bad + "</v></c>", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.where);
    const std::string rows = kHeader + row(2, inlineCell("A2", "张三") + inlineCell("B2", "1")) +
                             row(3, inlineCell("A3", "李四") + c.cellXml) +
                             row(4, inlineCell("A4", "王五") + inlineCell("B4", "2"));
    auto t = readXlsxBytes(zipBytes(simpleXlsx(rows, c.shared)), kDisplay);
    ASSERT_TRUE(t.has_value()) << t.error().message;
    ASSERT_EQ(t->records.size(), 2U);
    EXPECT_EQ(t->records[0].line, 2U);
    EXPECT_EQ(t->records[1].line, 4U);
    EXPECT_EQ(t->rejectedLines, (std::vector<std::size_t>{3}));
    const Finding* f = findNote(*t, "ROSTER_CELL_NOT_UTF8");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->where.file, kDisplay);
    EXPECT_EQ(f->where.line, 3U);
    EXPECT_EQ(f->where.cell, "Sheet1!B3");
    EXPECT_EQ(f->kind, FindingKind::Data);
    EXPECT_EQ(f->severity, Severity::Error);
    expectAllUtf8(*t);
  }
}

TEST(RosterUtf8, InvalidUtf8InAHeaderCellLeavesThatColumnUnnamed) {
  const std::string rows = row(1, inlineCell("A1", "姓名") + inlineCell("B1", "\xFF\xFE")) +
                           row(2, inlineCell("A2", "张三"));
  auto t = readXlsxBytes(zipBytes(simpleXlsx(rows)), kDisplay);
  ASSERT_TRUE(t.has_value()) << t.error().message;
  EXPECT_EQ(t->header, (std::vector<std::string>{"姓名"}));
  ASSERT_EQ(t->records.size(), 1U);
  const Finding* f = findNote(*t, "ROSTER_CELL_NOT_UTF8");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->where.cell, "Sheet1!B1");
  EXPECT_TRUE(contains(f->message, "该列不读取"));
}

TEST(RosterUtf8, SheetNamesAndQuotedValuesInMessagesStayValidUtf8) {
  Parts p = simpleXlsx(kHeader + row(2, R"(<c r="A2" t="s"><v>9)"
                                        "\xFF"
                                        "</v></c>)"),
                       "<si><t>x</t></si>");
  p["xl/workbook.xml"] =
      test::workbookXml("<sheet name=\"S\xFF\xFE\" sheetId=\"1\" r:id=\"rId1\"/>");
  auto t = readXlsxBytes(zipBytes(p), kDisplay);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, "ROSTER_XLSX");
  EXPECT_TRUE(contains(t.error().message, "\\xFF")) << t.error().message;
  EXPECT_EQ(t.error().where.cell, "S\\xFF\\xFE!A2");
  expectUtf8(t.error());

  // A cell reference that is not one, quoted: escaped and cut short.
  const std::string longRef = std::string(5'000, 'Z') + "\xFF";
  t = readXlsxBytes(
      zipBytes(simpleXlsx("<row r=\"1\"><c r=\"" + longRef + "\"><v>1</v></c></row>")), kDisplay);
  ASSERT_FALSE(t.has_value());
  EXPECT_LT(t.error().message.size(), 200U);
  expectUtf8(t.error());
}

TEST(RosterUtf8, GarbageBytesNeverThrowAndNeverYieldInvalidUtf8) {
  // Not a fuzzer, but each of these once went through a path that could throw or leak bytes.
  const std::vector<std::string> inputs = {std::string("PK\x03\x04garbage", 11),
                                           "\xFF\xFF\xFF",
                                           std::string(1, '\0'),
                                           "\"",
                                           "a\r\n\"\xFF",
                                           zipBytes({{"xl/workbook.xml", "\xFF<"}})};
  for (const auto& in : inputs) {
    for (auto result : {readCsvBytes(in, "r.csv"), readXlsxBytes(in, kDisplay)}) {
      if (result) {
        expectAllUtf8(*result);
      } else {
        expectUtf8(result.error());
      }
    }
  }
}

// ---- class 9: no echo of a file that was not accepted ----------------------------------------

TEST(RosterFiles, SymlinkedRosterIsRefusedWithoutReadingOrQuotingIt) {
  test::TempDir dir;
  test::writeFile(dir / "secret", "root:SECRET-HASH:19000:0:99999:7:::\n");
  std::filesystem::create_symlink(dir / "secret", dir / "roster.csv");
  auto t = CsvReader().read(dir / "roster.csv", "rosters/roster.csv");
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, "FILE_IS_LINK");
  EXPECT_EQ(t.error().where.file, "rosters/roster.csv");
  EXPECT_FALSE(contains(t.error().message + t.error().hint, "SECRET")) << t.error().message;
  std::filesystem::create_symlink(dir / "secret", dir / "roster.xlsx");
  auto x = XlsxReader().read(dir / "roster.xlsx", "rosters/roster.xlsx");
  ASSERT_FALSE(x.has_value());
  EXPECT_EQ(x.error().code, "FILE_IS_LINK");
}

TEST(RosterFiles, FileBeyondItsLimitIsADataFindingNamingTheLimit) {
  test::TempDir dir;
  test::writeFile(dir / "big.csv", "姓名\n" + std::string(100, 'x') + "\n");
  RosterLimits small;
  small.maxFileBytes = 50;
  auto t = CsvReader(small).read(dir / "big.csv", "rosters/big.csv");
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, "FILE_TOO_LARGE");
  EXPECT_EQ(t.error().kind, FindingKind::Data);
  EXPECT_EQ(t.error().where.file, "rosters/big.csv");
  EXPECT_TRUE(contains(t.error().message, "50")) << t.error().message;
  auto x = XlsxReader(small).read(dir / "big.csv", "rosters/big.xlsx");
  ASSERT_FALSE(x.has_value());
  EXPECT_EQ(x.error().kind, FindingKind::Data);
}

TEST(RosterFiles, DeviceAndFifoAreRefusedWithoutHanging) {
  auto t = CsvReader().read("/dev/zero", "zero.csv");
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, "FILE_NOT_REGULAR");
  auto x = XlsxReader().read("/dev/zero", "zero.xlsx");
  ASSERT_FALSE(x.has_value());
  EXPECT_EQ(x.error().code, "FILE_NOT_REGULAR");
}

// ---- core over sparse rows --------------------------------------------------------------------

const std::string kRequired = "姓名,证件类型,证件号码,性别,手机号码,专业,班级,毕业年份";

TEST(RosterCore, StudentsAreReadFromSparseRowsWithBlankColumnsLeftOut) {
  auto t = readCsvBytes(kRequired +
                            ",实习单位,备注\n张三,居民身份证,110105194912310025,男,,计算机应用,"
                            "一班,2027,,x\n",
                        "r.csv");
  ASSERT_TRUE(t.has_value()) << t.error().message;
  std::vector<Finding> findings;
  const auto students = studentsFromTable(*t, findings);
  ASSERT_EQ(students.size(), 1U);
  EXPECT_EQ(students[0].name, "张三");
  EXPECT_EQ(students[0].mobile, "");
  EXPECT_EQ(students[0].graduationYear, "2027");
  EXPECT_EQ(students[0].extra.count("实习单位"), 0U);  // blank: absent, as plugins expect
  EXPECT_EQ(students[0].extra.at("备注"), "x");
}

TEST(RosterCore, MissingColumnsFindingQuotesOnlyAFewHundredBytesOfTheHeader) {
  std::string header = "姓名";
  for (int i = 0; i < 1000; ++i) header += ",备注" + std::to_string(i);
  auto t = readCsvBytes(header + "\n张三\n", "r.csv");
  ASSERT_TRUE(t.has_value()) << t.error().message;
  std::vector<Finding> findings;
  EXPECT_TRUE(studentsFromTable(*t, findings).empty());
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].code, "ROSTER_COLUMNS");
  EXPECT_LT(findings[0].message.size(), 700U) << findings[0].message;
  EXPECT_TRUE(contains(findings[0].message, "另有")) << findings[0].message;  // "… (N more)"
}

}  // namespace
}  // namespace zzjb::roster
