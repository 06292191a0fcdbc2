// CsvReader on small files written by each test: quoting, line ends, encodings, line numbers,
// blank and ragged records, and the errors a teacher's file can produce.
#include <gtest/gtest.h>

#include "language_check.hpp"
#include "test_support.hpp"
#include "zzjb/roster/readers.hpp"

namespace zzjb::roster {
namespace {

using test::contains;

const std::string kDisplay = "rosters/2027.csv";

class CsvReaderTest : public ::testing::Test {
 protected:
  Result<RosterTable> readBytes(const std::string& bytes) {
    const auto path = dir_ / "roster.csv";
    test::writeFile(path, bytes);
    return CsvReader().read(path, kDisplay);
  }
  RosterTable readOk(const std::string& bytes) {
    auto table = readBytes(bytes);
    EXPECT_TRUE(table.has_value()) << (table ? "" : table.error().message);
    return table ? *table : RosterTable{};
  }
  Finding readError(const std::string& bytes) {
    auto table = readBytes(bytes);
    EXPECT_FALSE(table.has_value());
    if (table) return {};
    EXPECT_EQ(table.error().where.file, kDisplay);
    EXPECT_EQ(table.error().severity, Severity::Error);
    return table.error();
  }
  test::TempDir dir_;
};

// The stored (non-blank) cells' texts, in column order.
std::vector<std::string> texts(const RosterRecord& r) {
  std::vector<std::string> v;
  for (const auto& c : r.cells) v.push_back(c.text);
  return v;
}

const Finding* findNote(const RosterTable& t, const std::string& code) {
  for (const auto& n : t.notes) {
    if (n.code == code) return &n;
  }
  return nullptr;
}

TEST_F(CsvReaderTest, ReadsQuotedFieldWithCommaAndNewline) {
  auto t = readOk("姓名,实习单位\r\n张三明,\"上海某某,浦东\r\n分公司\"\r\n李四芳,x\r\n");
  EXPECT_EQ(t.header, (std::vector<std::string>{"姓名", "实习单位"}));
  ASSERT_EQ(t.records.size(), 2U);
  EXPECT_EQ(texts(t.records[0]), (std::vector<std::string>{"张三明", "上海某某,浦东\n分公司"}));
  EXPECT_EQ(t.records[0].line, 2U);
  EXPECT_EQ(t.records[1].line, 4U);  // the quoted newline used up line 3
  EXPECT_EQ(t.records[0].cells[0].kind, CellKind::Text);
  EXPECT_TRUE(t.records[0].cells[0].ref.empty());
}

TEST_F(CsvReaderTest, UnescapesDoubledQuotes) {
  auto t = readOk("a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n");
  ASSERT_EQ(t.records.size(), 1U);
  EXPECT_EQ(texts(t.records[0]), (std::vector<std::string>{"say \"hi\"", "\""}));
}

TEST_F(CsvReaderTest, TreatsQuoteInsideUnquotedFieldAsText) {
  auto t = readOk("a,b\n5\"7,x\n");
  ASSERT_EQ(t.records.size(), 1U);
  EXPECT_EQ(t.records[0].cells[0].text, "5\"7");
}

TEST_F(CsvReaderTest, ReadsLfLineEndsAndLastLineWithoutNewline) {
  auto t = readOk("a,b\n1,2\n3,4");
  ASSERT_EQ(t.records.size(), 2U);
  EXPECT_EQ(texts(t.records[1]), (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(t.records[1].line, 3U);
}

TEST_F(CsvReaderTest, KeepsCellTextUntrimmedAndEmptyFieldsBlank) {
  auto t = readOk("a,b,c\r\n 1 ,\"\",\r\n");
  ASSERT_EQ(t.records.size(), 1U);
  EXPECT_EQ(texts(t.records[0]), (std::vector<std::string>{" 1 "}));
  EXPECT_EQ(t.records[0].at(1), nullptr);
  EXPECT_EQ(t.records[0].at(2), nullptr);
}

TEST_F(CsvReaderTest, ReadsPlainUtf8WithoutNotes) {
  auto t = readOk("姓名\n张三明\n");
  EXPECT_EQ(t.encoding, "UTF-8");
  EXPECT_TRUE(t.notes.empty());
  EXPECT_EQ(t.file, kDisplay);
  EXPECT_TRUE(t.sheet.empty());
}

TEST_F(CsvReaderTest, StripsUtf8ByteOrderMark) {
  auto t = readOk("\xEF\xBB\xBF姓名,班级\r\n张三明,计算机2401班\r\n");
  EXPECT_EQ(t.encoding, "UTF-8 with BOM");
  ASSERT_EQ(t.header.size(), 2U);
  EXPECT_EQ(t.header[0], "姓名");
}

TEST_F(CsvReaderTest, DecodesGb18030) {
  // "姓名,班级\r\n刘䶮,计算机2401班\r\n𠀀é,x\r\n" in GB18030 (䶮 2 bytes, 𠀀 4 bytes).
  const std::string gb =
      "\xD0\xD5\xC3\xFB,\xB0\xE0\xBC\xB6\r\n"
      "\xC1\xF5\xFE\x9F,\xBC\xC6\xCB\xE3\xBB\xFA"
      "2401\xB0\xE0\r\n"
      "\x95\x32\x82\x36\xA8\xA6,x\r\n";
  auto t = readOk(gb);
  EXPECT_EQ(t.encoding, "GB18030");
  EXPECT_EQ(t.header, (std::vector<std::string>{"姓名", "班级"}));
  ASSERT_EQ(t.records.size(), 2U);
  EXPECT_EQ(texts(t.records[0]), (std::vector<std::string>{"刘䶮", "计算机2401班"}));
  EXPECT_EQ(t.records[1].cells[0].text, "𠀀é");
  const Finding* note = findNote(t, "ROSTER_ENCODING_CONVERTED");
  ASSERT_NE(note, nullptr);
  EXPECT_EQ(note->severity, Severity::Info);
  EXPECT_TRUE(contains(note->message, "GB18030"));
}

TEST_F(CsvReaderTest, LeavesOutRowWithUndecodableCellAndKeepsTheOthers) {
  auto t = readOk("姓名,班级\r\n张三明,1\r\n李四芳,\x80\r\n王五,3\r\n");
  EXPECT_EQ(t.encoding, "UTF-8");
  ASSERT_EQ(t.records.size(), 2U);
  EXPECT_EQ(t.records[0].line, 2U);
  EXPECT_EQ(t.records[1].line, 4U);
  EXPECT_EQ(t.rejectedLines, (std::vector<std::size_t>{3}));
  const Finding* f = findNote(t, "ROSTER_CELL_NOT_UTF8");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::Error);
  EXPECT_EQ(f->kind, FindingKind::Data);
  EXPECT_EQ(f->where.line, 3U);
  EXPECT_TRUE(contains(f->message, "第 2 列（班级）")) << f->message;
  EXPECT_TRUE(contains(f->message, "0x80"));
  EXPECT_TRUE(contains(f->message, "该行不读取"));
  EXPECT_TRUE(contains(f->hint, "CSV UTF-8"));
}

// Issue 13: a roster error reads in Chinese by default, naming the column by the header the
// file gives it; in English when the language is English, with no Chinese but that header.
TEST_F(CsvReaderTest, ACellErrorReadsInChineseFirstAndInEnglishWhenAsked) {
  const std::string bytes = "姓名,证件号码\r\n张三明,\x80\r\n";
  auto zh = readOk(bytes);
  const Finding* f = findNote(zh, "ROSTER_CELL_NOT_UTF8");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(
      f->message,
      "第 2 列（证件号码）：单元格不是有效的 UTF-8 文字（单元格第 0 字节处为 0x80）；该行不读取");
  EXPECT_EQ(test::englishRuns(f->message + "\n" + f->hint, {"Excel", "WPS", "LibreOffice"}),
            std::vector<std::string>{})
      << f->message << "\n"
      << f->hint;

  msg::setLanguage(msg::Lang::En);
  auto en = readOk(bytes);
  msg::setLanguage(msg::Lang::ZhCN);
  const Finding* e = findNote(en, "ROSTER_CELL_NOT_UTF8");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->message,
            "column 2 (证件号码): the cell is not valid UTF-8 text (byte 0x80 at offset 0 of the "
            "cell); the row is not read");
  EXPECT_EQ(test::chineseRuns(e->message + "\n" + e->hint, test::noticeTerms()),
            std::vector<std::string>{})
      << e->message << "\n"
      << e->hint;
}

TEST_F(CsvReaderTest, CountsLoneCarriageReturnsInCellLines) {
  auto t = readOk("a,b\r1,2\r3,\x80\r");
  EXPECT_EQ(t.rejectedLines, (std::vector<std::size_t>{3}));
  ASSERT_NE(findNote(t, "ROSTER_CELL_NOT_UTF8"), nullptr);
  EXPECT_EQ(findNote(t, "ROSTER_CELL_NOT_UTF8")->where.line, 3U);
}

TEST_F(CsvReaderTest, TreatsOverlongAndSurrogateSequencesAsNotUtf8) {
  // C0 AF is an overlong "/" in UTF-8 but a valid GB18030 character.
  EXPECT_EQ(readOk("a\n\xC0\xAF\n").encoding, "GB18030");
  EXPECT_EQ(readOk("a\n\xE0\x9F\xBF\xE0\x9F\xBF\n").encoding, "GB18030");  // overlong
  // ED A0 80 encodes a UTF-16 surrogate; the lone 80 is not GB18030 either.
  auto t = readOk("a\n\xED\xA0\x80\n");
  EXPECT_TRUE(t.records.empty());
  ASSERT_NE(findNote(t, "ROSTER_CELL_ENCODING"), nullptr);
  EXPECT_EQ(findNote(t, "ROSTER_CELL_ENCODING")->where.line, 2U);
}

TEST_F(CsvReaderTest, ReadsOtherwiseGb18030FileCellByCell) {
  // "姓名\r\n张三\r\n李四\r\n" in GBK, then a stray 0x80: UTF-8 fails on line 1, GB18030 on 4.
  auto t = readOk("\xD0\xD5\xC3\xFB\r\n\xD5\xC5\xC8\xFD\r\n\xC0\xEE\xCB\xC4\r\n\x80\r\n");
  EXPECT_EQ(t.encoding, "GB18030");
  EXPECT_EQ(t.header, (std::vector<std::string>{"姓名"}));
  ASSERT_EQ(t.records.size(), 2U);
  EXPECT_EQ(t.records[1].cells[0].text, "李四");
  EXPECT_EQ(t.rejectedLines, (std::vector<std::size_t>{4}));
  ASSERT_NE(findNote(t, "ROSTER_CELL_ENCODING"), nullptr);
  EXPECT_EQ(findNote(t, "ROSTER_CELL_ENCODING")->where.line, 4U);
}

TEST_F(CsvReaderTest, LeavesOutRowWithInvalidUtf8AfterByteOrderMark) {
  auto t = readOk(
      "\xEF\xBB\xBF"
      "a,b\n1,\xC1\xF5\n2,ok\n");
  EXPECT_EQ(t.encoding, "UTF-8 with BOM");
  ASSERT_EQ(t.records.size(), 1U);
  EXPECT_EQ(t.records[0].line, 3U);
  ASSERT_NE(findNote(t, "ROSTER_CELL_NOT_UTF8"), nullptr);
  EXPECT_EQ(findNote(t, "ROSTER_CELL_NOT_UTF8")->where.line, 2U);
}

TEST_F(CsvReaderTest, RejectsUtf16WithHint) {
  for (const std::string bom : {"\xFF\xFE", "\xFE\xFF"}) {
    const Finding f = readError(bom + std::string("a\0,\0b\0", 6));
    EXPECT_EQ(f.code, "ROSTER_ENCODING");
    EXPECT_TRUE(contains(f.message, "UTF-16"));
    EXPECT_TRUE(contains(f.hint, "CSV UTF-8"));
  }
}

TEST_F(CsvReaderTest, RejectsNulBytesAsUtf16WithoutBom) {
  const Finding f = readError(std::string("a\0,\0b\0\n\0", 8));
  EXPECT_EQ(f.code, "ROSTER_ENCODING");
  EXPECT_TRUE(contains(f.message, "UTF-16"));
}

TEST_F(CsvReaderTest, RejectsWorkbookSavedUnderCsvName) {
  const Finding f = readError(std::string("PK\x03\x04\x14\0\0\0", 8));
  EXPECT_TRUE(contains(f.message, "xlsx"));
}

TEST_F(CsvReaderTest, ReportsLineOfUnterminatedQuote) {
  const Finding f = readError("a,b\r\n1,2\r\n3,\"open\r\n4,5\r\n6,7\r\n");
  EXPECT_EQ(f.code, "ROSTER_QUOTE");
  EXPECT_EQ(f.where.line, 3U);
  EXPECT_FALSE(f.hint.empty());
}

TEST_F(CsvReaderTest, ReadsTabSeparatedWhenHeaderHasTabsAndNoCommas) {
  auto t = readOk("姓名\t实习单位\r\n张三明\t上海某某,浦东\r\n");
  EXPECT_EQ(t.header, (std::vector<std::string>{"姓名", "实习单位"}));
  ASSERT_EQ(t.records.size(), 1U);
  EXPECT_EQ(t.records[0].cells[1].text, "上海某某,浦东");
  const Finding* note = findNote(t, "ROSTER_TAB_SEPARATED");
  ASSERT_NE(note, nullptr);
  EXPECT_EQ(note->severity, Severity::Info);
}

TEST_F(CsvReaderTest, StaysCommaSeparatedWhenHeaderHasCommas) {
  auto t = readOk("a\tb,c\n1\t2,3\n");
  EXPECT_EQ(t.header, (std::vector<std::string>{"a\tb", "c"}));
  EXPECT_EQ(findNote(t, "ROSTER_TAB_SEPARATED"), nullptr);
}

TEST_F(CsvReaderTest, TrimsHeaderNamesIncludingIdeographicSpace) {
  auto t = readOk(" 姓名\xE3\x80\x80,\xE3\x80\x80 班级\t\n 张三明 ,x\n");
  EXPECT_EQ(t.header, (std::vector<std::string>{"姓名", "班级"}));
  EXPECT_EQ(t.records[0].cells[0].text, " 张三明 ");  // cells stay as stored
}

TEST_F(CsvReaderTest, SkipsBlankRecordsButKeepsPhysicalLineNumbers) {
  auto t = readOk("a,b\r\n\r\n , \xE3\x80\x80\r\n,\r\n1,2\r\n");
  ASSERT_EQ(t.records.size(), 1U);
  EXPECT_EQ(t.records[0].line, 5U);
}

TEST_F(CsvReaderTest, TakesFirstNonBlankLineAsHeader) {
  auto t = readOk("\n,,\na,b\n1,2\n");
  EXPECT_EQ(t.headerLine, 3U);
  EXPECT_EQ(t.header, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(t.records.size(), 1U);
  EXPECT_EQ(t.records[0].line, 4U);
}

TEST_F(CsvReaderTest, CountsLoneCarriageReturnAsLineEnd) {
  auto t = readOk("a,b\r1,2\r3,4\r");
  ASSERT_EQ(t.records.size(), 2U);
  EXPECT_EQ(t.records[1].line, 3U);
}

TEST_F(CsvReaderTest, KeepsShortAndGappedRecordsSparse) {
  auto t = readOk("a,b,c\n1\n,,3\n");
  ASSERT_EQ(t.records.size(), 2U);
  EXPECT_EQ(texts(t.records[0]), (std::vector<std::string>{"1"}));
  EXPECT_EQ(t.records[0].at(1), nullptr);  // blank: not stored, not padded
  ASSERT_EQ(t.records[1].cells.size(), 1U);
  ASSERT_NE(t.records[1].at(2), nullptr);
  EXPECT_EQ(t.records[1].at(2)->text, "3");
  EXPECT_EQ(t.records[1].cells[0].column, 2U);
}

TEST_F(CsvReaderTest, ReportsExtraCellsWithWarningAndDropsThem) {
  auto t = readOk("a,b\n1,2\n3,4,5\n");
  ASSERT_EQ(t.records.size(), 2U);
  EXPECT_EQ(texts(t.records[1]), (std::vector<std::string>{"3", "4"}));
  ASSERT_EQ(t.notes.size(), 1U);
  EXPECT_EQ(t.notes[0].code, "ROSTER_EXTRA_CELLS");
  EXPECT_EQ(t.notes[0].severity, Severity::Warning);
  EXPECT_EQ(t.notes[0].where.line, 3U);
  EXPECT_EQ(t.notes[0].where.file, kDisplay);
}

TEST_F(CsvReaderTest, DropsBlankTrailingCellsSilently) {
  auto t = readOk("a,b,,\n1,2,,\n");  // Excel pads rows to the used range with commas
  EXPECT_EQ(t.header.size(), 2U);
  ASSERT_EQ(t.records.size(), 1U);
  EXPECT_EQ(t.records[0].cells.size(), 2U);
  EXPECT_TRUE(t.notes.empty());
}

TEST_F(CsvReaderTest, RejectsEmptyFile) {
  EXPECT_EQ(readError("").code, "ROSTER_EMPTY");
  EXPECT_EQ(readError("\r\n ,\xE3\x80\x80\r\n\r\n").code, "ROSTER_EMPTY");
  EXPECT_EQ(readError("\xEF\xBB\xBF").code, "ROSTER_EMPTY");
}

TEST_F(CsvReaderTest, ReadsHeaderOnlyFileAsNoRecords) {
  auto t = readOk("姓名,班级\r\n");
  EXPECT_EQ(t.header.size(), 2U);
  EXPECT_TRUE(t.records.empty());
}

TEST_F(CsvReaderTest, ReportsMissingFile) {
  auto r = CsvReader().read(dir_ / "nope.csv", kDisplay);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "FILE_NOT_FOUND");
  EXPECT_EQ(r.error().where.file, kDisplay);
}

TEST(ReaderFor, ChoosesReaderByExtensionCaseInsensitively) {
  EXPECT_NE(dynamic_cast<CsvReader*>(readerFor("a/b.CSV").get()), nullptr);
  EXPECT_NE(dynamic_cast<CsvReader*>(readerFor("b.Txt").get()), nullptr);
  EXPECT_NE(dynamic_cast<XlsxReader*>(readerFor("c.XlsX").get()), nullptr);
  EXPECT_EQ(readerFor("d.xls"), nullptr);
  EXPECT_EQ(readerFor("csv"), nullptr);
}

}  // namespace
}  // namespace zzjb::roster
