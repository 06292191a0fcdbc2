// XlsxReader on small workbooks zipped by each test: cell types, sparse rows and columns,
// relationships, prefixed names, and broken or hostile files.
#include <gtest/gtest.h>

#include "test_support.hpp"
#include "xlsx_builder.hpp"
#include "zip_archive.hpp"
#include "zzjb/roster/readers.hpp"

namespace zzjb::roster {
namespace {

using test::contains;
using test::Parts;
using test::simpleXlsx;

const std::string kDisplay = "rosters/2027.xlsx";

class XlsxReaderTest : public ::testing::Test {
 protected:
  Result<RosterTable> readParts(const Parts& parts) {
    const auto path = dir_ / "roster.xlsx";
    test::writeZip(path, parts);
    return XlsxReader().read(path, kDisplay);
  }
  RosterTable readOk(const Parts& parts) {
    auto table = readParts(parts);
    EXPECT_TRUE(table.has_value()) << (table ? "" : table.error().message);
    return table ? *table : RosterTable{};
  }
  Finding readError(const Parts& parts) {
    auto table = readParts(parts);
    EXPECT_FALSE(table.has_value());
    if (table) return {};
    EXPECT_EQ(table.error().where.file, kDisplay);
    EXPECT_EQ(table.error().severity, Severity::Error);
    return table.error();
  }
  test::TempDir dir_;
};

const std::string kHeaderRow = R"(<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>)"
                               R"(<c r="B1" t="inlineStr"><is><t>证件号码</t></is></c>)"
                               R"(<c r="C1" t="inlineStr"><is><t>备注</t></is></c></row>)";

TEST_F(XlsxReaderTest, ReadsSharedAndInlineStrings) {
  const std::string shared =
      "<si><t>姓名</t></si><si><t xml:space=\"preserve\"> 张三明 </t></si>"
      "<si><r><t>上海</t></r><r><rPr><b/></rPr><t>某某</t></r><rPh sb=\"0\" eb=\"2\"><t>シャ"
      "ンハイ</t></rPh></si>";
  auto t = readOk(simpleXlsx(
      R"(<row r="1"><c r="A1" t="s"><v>0</v></c>)"
      R"(<c r="B1" t="inlineStr"><is><t>单位</t></is></c></row>)"
      R"(<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c></row>)"
      R"(<row r="3"><c r="A3" t="inlineStr"><is><r><t>李</t></r><r><t>四芳</t></r></is></c></row>)",
      shared));
  EXPECT_EQ(t.encoding, "xlsx");
  EXPECT_EQ(t.sheet, "Sheet1");
  EXPECT_EQ(t.header, (std::vector<std::string>{"姓名", "单位"}));
  ASSERT_EQ(t.records.size(), 2U);
  EXPECT_EQ(t.records[0].cells[0].text, " 张三明 ");
  EXPECT_EQ(t.records[0].cells[1].text, "上海某某");  // runs joined, phonetic guide left out
  EXPECT_EQ(t.records[0].cells[1].kind, CellKind::Text);
  EXPECT_EQ(t.records[1].cells[0].text, "李四芳");
  EXPECT_EQ(t.records[1].cells[0].ref, "A3");
}

TEST_F(XlsxReaderTest, KeepsNumericIdCellAsStoredNumber) {
  auto t = readOk(simpleXlsx(kHeaderRow +
                             R"(<row r="2"><c r="B2" s="3"><v>1.10105194912310E+17</v></c></row>)"
                             R"(<row r="3"><c r="B3" t="n"><v>110105194912310000</v></c></row>)"));
  ASSERT_EQ(t.records.size(), 2U);
  ASSERT_NE(t.records[0].at(1), nullptr);
  EXPECT_EQ(t.records[0].at(1)->kind, CellKind::Number);
  EXPECT_EQ(t.records[0].at(1)->text, "1.10105194912310E+17");
  ASSERT_NE(t.records[1].at(1), nullptr);
  EXPECT_EQ(t.records[1].at(1)->kind, CellKind::Number);
  EXPECT_EQ(t.records[1].at(1)->text, "110105194912310000");
}

TEST_F(XlsxReaderTest, ReadsBoolFormulaErrorAndEmptyStyledCells) {
  auto t = readOk(simpleXlsx(
      kHeaderRow + R"(<row r="2"><c r="A2" t="str"><f>CONCAT("张","三")</f><v>张三</v></c>)"
                   R"(<c r="B2" t="e"><f>VLOOKUP(1,X:X,2,0)</f><v>#N/A</v></c>)"
                   R"(<c r="C2" t="b"><v>1</v></c></row>)"
                   R"(<row r="3"><c r="A3" s="2"/><c r="B3"><f>1+1</f><v>2</v></c></row>)"));
  ASSERT_EQ(t.records.size(), 2U);
  const auto& r2 = t.records[0].cells;
  EXPECT_EQ(r2[0].kind, CellKind::Formula);
  EXPECT_EQ(r2[0].text, "张三");
  EXPECT_EQ(r2[1].kind, CellKind::Text);
  EXPECT_EQ(r2[1].text, "#N/A");
  EXPECT_EQ(r2[2].kind, CellKind::Bool);
  EXPECT_EQ(r2[2].text, "1");
  const auto& r3 = t.records[1];
  EXPECT_EQ(r3.at(0), nullptr);  // styled but empty: blank, not stored
  ASSERT_NE(r3.at(1), nullptr);
  EXPECT_EQ(r3.at(1)->kind, CellKind::Number);
  EXPECT_EQ(r3.at(1)->text, "2");
}

TEST_F(XlsxReaderTest, PlacesSparseCellsByReference) {
  auto t = readOk(simpleXlsx(kHeaderRow +
                             R"(<row r="5"><c r="C5" t="inlineStr"><is><t>x</t></is></c></row>)"
                             R"(<row r="9"><c r="A9" t="inlineStr"><is><t>y</t></is></c></row>)"));
  ASSERT_EQ(t.records.size(), 2U);
  EXPECT_EQ(t.records[0].line, 5U);
  ASSERT_EQ(t.records[0].cells.size(), 1U);  // sparse: not padded before C5
  EXPECT_EQ(t.records[0].at(0), nullptr);
  ASSERT_NE(t.records[0].at(2), nullptr);
  EXPECT_EQ(t.records[0].at(2)->text, "x");
  EXPECT_EQ(t.records[0].at(2)->ref, "C5");
  EXPECT_EQ(t.records[0].cells[0].column, 2U);
  EXPECT_EQ(t.records[1].line, 9U);
  ASSERT_EQ(t.records[1].cells.size(), 1U);  // nor after A9 to the header's width
  EXPECT_EQ(t.records[1].at(2), nullptr);
}

TEST_F(XlsxReaderTest, ReadsWideColumnReferences) {
  auto t = readOk(simpleXlsx(R"(<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c>)"
                             R"(<c r="AB1" t="inlineStr"><is><t>b</t></is></c></row>)"
                             R"(<row r="2"><c r="AB2"><v>7</v></c></row>)"));
  ASSERT_EQ(t.header.size(), 28U);
  EXPECT_EQ(t.header[27], "b");
  ASSERT_EQ(t.records[0].cells.size(), 1U);
  ASSERT_NE(t.records[0].at(27), nullptr);
  EXPECT_EQ(t.records[0].at(27)->text, "7");
  EXPECT_EQ(t.records[0].at(27)->ref, "AB2");
}

TEST_F(XlsxReaderTest, PositionsCellsWithoutReferences) {
  auto t = readOk(simpleXlsx(
      R"(<row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row>)"
      R"(<row><c><v>1</v></c><c><v>2</v></c></row>)"
      R"(<row r="7"><c r="B7"><v>3</v></c><c><v>4</v></c></row>)"));
  EXPECT_EQ(t.header, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(t.records.size(), 2U);
  EXPECT_EQ(t.records[0].line, 2U);
  EXPECT_EQ(t.records[0].cells[1].text, "2");
  EXPECT_EQ(t.records[0].cells[1].ref, "B2");
  EXPECT_EQ(t.records[1].line, 7U);
  ASSERT_EQ(t.records[1].cells.size(), 1U);  // C7 follows B7: an extra cell, reported, dropped
  EXPECT_EQ(t.records[1].cells[0].ref, "B7");
  ASSERT_EQ(t.notes.size(), 1U);
  EXPECT_EQ(t.notes[0].code, "ROSTER_EXTRA_CELLS");
  EXPECT_EQ(t.notes[0].where.line, 7U);
  EXPECT_EQ(t.notes[0].where.cell, "Sheet1!C7");
}

TEST_F(XlsxReaderTest, UsesFirstNonEmptyRowAsHeaderAndSkipsBlankRows) {
  auto t = readOk(simpleXlsx(
      R"(<row r="1"><c r="A1" s="1"/><c r="B1" t="inlineStr"><is><t>　 </t></is></c></row>)"
      R"(<row r="2"><c r="A2" t="inlineStr"><is><t> 姓名　</t></is></c></row>)"
      R"(<row r="3"><c r="A3" s="1"/></row><row r="4"><c r="A4"><v>5</v></c></row>)"));
  EXPECT_EQ(t.headerLine, 2U);
  EXPECT_EQ(t.header, (std::vector<std::string>{"姓名"}));
  ASSERT_EQ(t.records.size(), 1U);
  EXPECT_EQ(t.records[0].line, 4U);
}

TEST_F(XlsxReaderTest, MatchesPrefixedElementNames) {
  const std::string ns = std::string("xmlns:x=\"") + test::kMainNs + "\"";
  Parts p = simpleXlsx("");
  p["xl/workbook.xml"] = "<x:workbook " + ns + " xmlns:r=\"" + test::kRelNs +
                         "\"><x:sheets><x:sheet name=\"名单\" sheetId=\"1\" r:id=\"rId1\"/>"
                         "</x:sheets></x:workbook>";
  p["xl/sharedStrings.xml"] = "<x:sst " + ns + "><x:si><x:t>姓名</x:t></x:si></x:sst>";
  p["xl/worksheets/sheet1.xml"] =
      "<x:worksheet " + ns +
      "><x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0</x:v>"
      "</x:c></x:row><x:row r=\"2\"><x:c r=\"A2\" t=\"inlineStr\"><x:is><x:t>张三明</x:t></x:is>"
      "</x:c></x:row></x:sheetData></x:worksheet>";
  auto t = readOk(p);
  EXPECT_EQ(t.sheet, "名单");
  EXPECT_EQ(t.header, (std::vector<std::string>{"姓名"}));
  ASSERT_EQ(t.records.size(), 1U);
  EXPECT_EQ(t.records[0].cells[0].text, "张三明");
}

TEST_F(XlsxReaderTest, FollowsAbsoluteRelationshipTargets) {
  Parts p;
  p["_rels/.rels"] = test::relsXml(test::rel("rId1", "officeDocument", "/book/main.xml"));
  p["book/main.xml"] = test::workbookXml("<sheet name=\"A\" sheetId=\"1\" r:id=\"rId7\"/>");
  p["book/_rels/main.xml.rels"] =
      test::relsXml(test::rel("rId7", "worksheet", "/data/roster.xml") +
                    test::rel("rId8", "sharedStrings", "../strings/sst.xml"));
  p["strings/sst.xml"] = test::sharedXml("<si><t>姓名</t></si>");
  p["data/roster.xml"] = test::sheetXml(R"(<row r="1"><c r="A1" t="s"><v>0</v></c></row>)");
  auto t = readOk(p);
  EXPECT_EQ(t.sheet, "A");
  EXPECT_EQ(t.header, (std::vector<std::string>{"姓名"}));
}

TEST_F(XlsxReaderTest, ReadsFirstSheetAndNotesTheOthers) {
  Parts p = simpleXlsx("");
  p["xl/workbook.xml"] = test::workbookXml(
      "<sheet name=\"学生\" sheetId=\"2\" r:id=\"rId2\"/><sheet name=\"说明\" sheetId=\"1\" "
      "r:id=\"rId1\"/>");
  p["xl/_rels/workbook.xml.rels"] =
      test::relsXml(test::rel("rId1", "worksheet", "worksheets/sheet1.xml") +
                    test::rel("rId2", "worksheet", "worksheets/sheet2.xml"));
  p["xl/worksheets/sheet1.xml"] =
      test::sheetXml(R"(<row r="1"><c r="A1" t="inlineStr"><is><t>说明</t></is></c></row>)");
  p["xl/worksheets/sheet2.xml"] =
      test::sheetXml(R"(<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>)");
  auto t = readOk(p);
  EXPECT_EQ(t.sheet, "学生");
  EXPECT_EQ(t.header, (std::vector<std::string>{"姓名"}));
  ASSERT_EQ(t.notes.size(), 1U);
  EXPECT_EQ(t.notes[0].code, "ROSTER_FIRST_SHEET");
  EXPECT_EQ(t.notes[0].severity, Severity::Info);
}

TEST_F(XlsxReaderTest, DecodesEscapedCharactersInStrings) {
  auto t = readOk(simpleXlsx(
      R"(<row r="1"><c r="A1" t="inlineStr"><is><t>a_x000D_b_x005F_x0041_</t></is></c></row>)"));
  ASSERT_EQ(t.header.size(), 1U);
  EXPECT_EQ(t.header[0], "a\rb_x0041_");
}

TEST_F(XlsxReaderTest, RejectsFileThatIsNotZipWithResaveHint) {
  const auto path = dir_ / "roster.xlsx";
  test::writeFile(path, "姓名,班级\n张三明,计算机2401班\n");
  auto r = XlsxReader().read(path, kDisplay);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "ROSTER_XLSX");
  EXPECT_EQ(r.error().where.file, kDisplay);
  EXPECT_TRUE(contains(r.error().message, "不是有效的 .xlsx 工作簿"));
  EXPECT_TRUE(contains(r.error().hint, ".xlsx"));
  EXPECT_TRUE(contains(r.error().hint, "LibreOffice"));
}

TEST_F(XlsxReaderTest, RecognisesOldXlsSavedUnderXlsxName) {
  const auto path = dir_ / "roster.xlsx";
  test::writeFile(path,
                  std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(504, '\0'));
  auto r = XlsxReader().read(path, kDisplay);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "ROSTER_XLSX");
  EXPECT_TRUE(contains(r.error().message, ".xls"));
}

TEST_F(XlsxReaderTest, RejectsZipWithoutWorkbook) {
  const Finding f = readError({{"hello.txt", "hi"}});
  EXPECT_EQ(f.code, "ROSTER_XLSX");
  EXPECT_TRUE(contains(f.message, "xl/workbook.xml"));
}

TEST_F(XlsxReaderTest, RejectsMissingSheetPart) {
  Parts p = simpleXlsx("");
  p.erase("xl/worksheets/sheet1.xml");
  const Finding f = readError(p);
  EXPECT_EQ(f.code, "ROSTER_XLSX");
  EXPECT_TRUE(contains(f.message, "xl/worksheets/sheet1.xml"));
}

TEST_F(XlsxReaderTest, RejectsSheetWithoutRelationship) {
  Parts p = simpleXlsx("");
  p["xl/_rels/workbook.xml.rels"] = test::relsXml("");
  const Finding f = readError(p);
  EXPECT_EQ(f.code, "ROSTER_XLSX");
  EXPECT_TRUE(contains(f.message, "Sheet1"));
}

TEST_F(XlsxReaderTest, RejectsMalformedXml) {
  Parts p = simpleXlsx("");
  p["xl/worksheets/sheet1.xml"] = "<worksheet><sheetData><row></sheetData>";
  const Finding f = readError(p);
  EXPECT_EQ(f.code, "ROSTER_XLSX");
  EXPECT_TRUE(contains(f.message, "不是格式正确的 XML"));
}

TEST_F(XlsxReaderTest, RejectsSharedStringIndexOutOfRange) {
  const Finding f = readError(simpleXlsx(R"(<row r="1"><c r="A1" t="s"><v>0</v></c></row>)"
                                         R"(<row r="2"><c r="A2" t="s"><v>9</v></c></row>)",
                                         "<si><t>姓名</t></si>"));
  EXPECT_EQ(f.code, "ROSTER_XLSX");
  EXPECT_EQ(f.where.line, 2U);
  EXPECT_EQ(f.where.cell, "Sheet1!A2");
}

TEST_F(XlsxReaderTest, RejectsEmptySheet) {
  EXPECT_EQ(readError(simpleXlsx(R"(<row r="1"><c r="A1" s="1"/></row>)")).code, "ROSTER_EMPTY");
}

TEST_F(XlsxReaderTest, ReportsMissingFile) {
  auto r = XlsxReader().read(dir_ / "nope.xlsx", kDisplay);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "FILE_NOT_FOUND");
  EXPECT_EQ(r.error().where.file, kDisplay);
}

TEST_F(XlsxReaderTest, RefusesPartThatUncompressesBeyondLimit) {
  // 100 MB of zeros compress to about 100 KB: a small zip bomb. Sparse, so no disk is used.
  const auto zeros = dir_ / "zeros";
  test::writeFile(zeros, "");
  std::filesystem::resize_file(zeros, std::uintmax_t{100} * 1024 * 1024);
  Parts p = simpleXlsx("");
  p["xl/worksheets/sheet1.xml"] = "@file:" + zeros.string();
  const Finding f = readError(p);
  EXPECT_EQ(f.code, "ROSTER_XLSX_PART_TOO_LARGE");
  EXPECT_TRUE(contains(f.message, "zip 炸弹"));
  EXPECT_TRUE(contains(f.message, "maxPartBytes"));
  EXPECT_TRUE(contains(f.message, "xl/worksheets/sheet1.xml"));
}

TEST(ZipArchive, ReadsEntryWithinLimitAndRefusesLargerOne) {
  test::TempDir dir;
  const auto path = dir / "a.zip";
  test::writeZip(path, {{"Dir/Part.xml", std::string(2000, 'x')}});
  auto zip = detail::ZipArchive::open(path);
  ASSERT_TRUE(zip.has_value()) << zip.error();
  EXPECT_TRUE(zip->contains("dir/part.xml"));  // part names are case-insensitive
  EXPECT_FALSE(zip->contains("dir/other.xml"));
  auto ok = zip->read("Dir/Part.xml", 2000);
  ASSERT_TRUE(ok.has_value()) << ok.error();
  EXPECT_EQ(ok->size(), 2000U);
  auto refused = zip->read("Dir/Part.xml", 1999);
  ASSERT_FALSE(refused.has_value());
  EXPECT_TRUE(contains(refused.error(), "zip 炸弹"));
  EXPECT_FALSE(detail::ZipArchive::open(dir / "missing.zip").has_value());
}

}  // namespace
}  // namespace zzjb::roster
