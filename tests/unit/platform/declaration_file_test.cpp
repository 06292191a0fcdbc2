// The group-declaration xlsx writer: header row (any columns: the occupation and ability standard
// sheets, a type's own), cells and their kinds read back through the roster xlsx reader,
// byte-for-byte determinism and the bytes of the writer before sheets became columns, errors for
// data it must not write, 5,000 rows.
// LibreOffice compatibility was checked by hand (see the comment atop declaration_file.cpp).
#include "zzjb/platform/declaration_file.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string>

#include "test_support.hpp"
#include "zzjb/roster/readers.hpp"

namespace zzjb::platform {
namespace {

using Row = std::vector<std::string>;

// The 15 cells of the standard occupation sheet (plugin::standardSheet(Scope::Occupation)).
Row student(std::string index, std::string name, std::string id) {
  return {std::move(index), std::move(name), "居民身份证", std::move(id), "男",
          "2008-05-17", "13800138000", "中等职业教育", "应届毕业生", "计算机应用",
          "2024级1班", "2027", "计算机程序设计员", "4-04-05-01", "4"};
}

// The standard occupation sheet, then `extra` columns of the type's own (text).
DeclarationSheet occupationSheet(const std::vector<std::string>& extra = {}) {
  DeclarationSheet sheet;
  sheet.columns = plugin::standardSheet(plugin::Scope::Occupation);
  for (const std::string& header : extra) sheet.columns.push_back({header, "", false});
  return sheet;
}

// 序号, 毕业年份, 申报等级 in the standard occupation sheet.
constexpr std::size_t kNumericColumns[] = {0, 11, 14};

// The cell in a column of a read-back row; blank cells are not stored (rows are sparse).
Cell at(const RosterRecord& row, std::size_t column) {
  const Cell* c = row.at(column);
  return c != nullptr ? *c : Cell{};
}

RosterTable readBack(const std::string& bytes) {
  test::TempDir dir;
  const auto path = dir / "declaration.xlsx";
  test::writeFile(path, bytes);
  auto table = roster::XlsxReader{}.read(path, "declaration.xlsx");
  EXPECT_TRUE(table.has_value()) << (table ? "" : table.error().message);
  return table ? *table : RosterTable{};
}

TEST(DeclarationFile, HeaderRowIsExactlyTheTemplateThenTheExtraColumns) {
  DeclarationSheet sheet = occupationSheet({"评价机构", "备注"});
  sheet.rows.push_back(student("1", "张三", "110105194912310025"));
  const auto bytes = writeDeclarationXlsx(sheet);
  ASSERT_TRUE(bytes) << bytes.error().message;
  const RosterTable table = readBack(*bytes);
  const std::vector<std::string> expected = {
      "序号",     "姓名",     "证件类型", "证件号码", "性别",     "出生日期",
      "手机号码", "文化程度", "考生来源", "专业",     "班级",     "毕业年份",
      "职业名称", "职业编码", "申报等级", "评价机构", "备注"};
  EXPECT_EQ(table.header, expected);
  EXPECT_EQ(table.sheet, "Sheet1");
  EXPECT_TRUE(table.notes.empty());
}

TEST(DeclarationFile, RoundTripKeepsTextAndNumbersApart) {
  DeclarationSheet sheet = occupationSheet({"备注"});
  sheet.rows.push_back(student("1", "张三", "110105194912310025"));
  sheet.rows.push_back(student("2", "李四", "11010519491231002X"));
  sheet.rows.push_back(student("3", "O'Brien <&> \"Q\"", "000105194912310021"));
  sheet.rows[0].push_back("少数民族：维吾尔族");
  sheet.rows[2].push_back("a<b && c>d");
  const auto bytes = writeDeclarationXlsx(sheet);
  ASSERT_TRUE(bytes) << bytes.error().message;
  const RosterTable table = readBack(*bytes);
  ASSERT_EQ(table.records.size(), 3U);

  const auto& first = table.records[0];
  EXPECT_EQ(first.line, 2U);
  ASSERT_EQ(first.cells.size(), 16U);
  EXPECT_EQ(at(first, 3).text, "110105194912310025");
  EXPECT_EQ(at(first, 3).kind, CellKind::Text);
  EXPECT_EQ(at(first, 3).ref, "D2");
  EXPECT_EQ(at(first, 1).text, "张三");
  EXPECT_EQ(at(first, 6).text, "13800138000");
  EXPECT_EQ(at(first, 6).kind, CellKind::Text);
  EXPECT_EQ(at(first, 13).text, "4-04-05-01");
  EXPECT_EQ(at(first, 15).text, "少数民族：维吾尔族");
  for (std::size_t col : kNumericColumns) EXPECT_EQ(at(first, col).kind, CellKind::Number);
  EXPECT_EQ(at(first, 0).text, "1");
  EXPECT_EQ(at(first, 11).text, "2027");
  EXPECT_EQ(at(first, 14).text, "4");

  EXPECT_EQ(at(table.records[1], 3).text, "11010519491231002X");
  EXPECT_EQ(at(table.records[1], 3).kind, CellKind::Text);
  EXPECT_EQ(at(table.records[1], 15).text, "");  // a row shorter than the columns: blank
  EXPECT_EQ(at(table.records[2], 1).text, "O'Brien <&> \"Q\"");
  EXPECT_EQ(at(table.records[2], 3).text, "000105194912310021");  // leading zeros kept
  EXPECT_EQ(at(table.records[2], 15).text, "a<b && c>d");
}

TEST(DeclarationFile, WhitespaceControlsAndOoxmlEscapesSurvive) {
  DeclarationSheet sheet = occupationSheet();
  sheet.rows.push_back(student("1", " 王 五 ", "110105194912310025"));
  sheet.rows[0][9] = "line1\r\nline2\tend";
  sheet.rows[0][10] = "_x0041_ stays literal";
  sheet.rows[0][8] = std::string("bell\x07", 5);
  sheet.rows[0][6] = "";  // left out: read back blank
  const auto bytes = writeDeclarationXlsx(sheet);
  ASSERT_TRUE(bytes) << bytes.error().message;
  const RosterTable table = readBack(*bytes);
  ASSERT_EQ(table.records.size(), 1U);
  const auto& row = table.records[0];
  EXPECT_EQ(at(row, 1).text, " 王 五 ");
  EXPECT_EQ(at(row, 9).text, "line1\r\nline2\tend");
  EXPECT_EQ(at(row, 10).text, "_x0041_ stays literal");
  EXPECT_EQ(at(row, 8).text, std::string("bell\x07", 5));
  EXPECT_EQ(at(row, 6).text, "");
}

TEST(DeclarationFile, NumericColumnsAreCanonicalWholeNumbers) {
  DeclarationSheet sheet = occupationSheet();
  sheet.rows.push_back(student("007", "张三", "110105194912310025"));
  const auto bytes = writeDeclarationXlsx(sheet);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(at(readBack(*bytes).records.at(0), 0).text, "7");
}

TEST(DeclarationFile, RefusesWhatItMustNotWrite) {
  DeclarationSheet level = occupationSheet();
  level.rows.push_back(student("1", "张三", "110105194912310025"));
  level.rows[0][14] = "四级";
  auto r = writeDeclarationXlsx(level);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "DECLARATION_FILE");
  EXPECT_NE(r.error().message.find("O2"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("申报等级"), std::string::npos) << r.error().message;

  DeclarationSheet utf8 = occupationSheet();
  utf8.rows.push_back(student("1", std::string("\xC3\x28", 2), "110105194912310025"));
  r = writeDeclarationXlsx(utf8);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("UTF-8"), std::string::npos) << r.error().message;

  // A row with more cells than the sheet has columns (16 for 15), after a good one.
  DeclarationSheet extra = occupationSheet();
  extra.rows.push_back(student("1", "张三", "110105194912310025"));
  extra.rows.push_back(student("2", "李四", "11010519491231002X"));
  extra.rows[1].push_back("unexpected");
  r = writeDeclarationXlsx(extra);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "DECLARATION_FILE");
  EXPECT_NE(r.error().message.find("第 3 行有 16 个"), std::string::npos) << r.error().message;
  extra.rows[1].pop_back();
  EXPECT_TRUE(writeDeclarationXlsx(extra));  // 15 cells for 15 columns: written
}

TEST(DeclarationFile, SameSheetGivesTheSameBytesInAnyTimeZone) {
  DeclarationSheet sheet = occupationSheet();
  sheet.rows.push_back(student("1", "张三", "110105194912310025"));
  sheet.rows.push_back(student("2", "李四", "11010519491231002X"));
  const auto a = writeDeclarationXlsx(sheet);
  ASSERT_TRUE(a);
  const char* oldTz = std::getenv("TZ");
  const std::string saved = oldTz ? oldTz : "";
  ::setenv("TZ", "America/Los_Angeles", 1);
  ::tzset();
  const auto b = writeDeclarationXlsx(sheet);
  if (oldTz) ::setenv("TZ", saved.c_str(), 1); else ::unsetenv("TZ");
  ::tzset();
  ASSERT_TRUE(b);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(sha256Hex(*a), sha256Hex(*b));

  sheet.rows[1][1] = "李五";
  const auto c = writeDeclarationXlsx(sheet);
  ASSERT_TRUE(c);
  EXPECT_NE(sha256Hex(*a), sha256Hex(*c));
}

// The engine's idempotency keys derive from the file's SHA-256: if the standard occupation sheet
// gave other bytes than before sheets became columns (issue 14), every open batch would be sent
// again. The two digests below were computed with the writer of commit a2e2cd4^ (a DeclarationRow
// of 15 standard cells plus extras) for the same cells: 15 standard and 2 extra columns, a full
// row, a row without its extras, a row with a short extra part, edge spaces, CR LF, a tab, a
// control character, a literal "_x0041_", <&>", a blank cell, a numeric "007"; and the template
// alone, with no row. They hold for this libzip/zlib build (deflate level 6), as CI's.
TEST(DeclarationFile, StandardOccupationSheetKeepsTheBytesOfTheWriterBeforeColumns) {
  DeclarationSheet sheet = occupationSheet({"评价机构", "备注"});
  sheet.rows.push_back(student("1", "张三", "110105194912310025"));
  sheet.rows.push_back(student("2", "李四", "11010519491231002X"));
  sheet.rows.push_back(student("007", " 王 五 ", "000105194912310021"));
  sheet.rows[0].push_back("少数民族：维吾尔族");
  sheet.rows[0].push_back("a<b && c>d");
  sheet.rows[2][6] = "";
  sheet.rows[2][8] = std::string("bell\x07", 5);
  sheet.rows[2][9] = "line1\r\nline2\tend";
  sheet.rows[2][10] = "_x0041_ stays literal";
  sheet.rows[2].push_back("O'Brien <&> \"Q\"");
  const auto bytes = writeDeclarationXlsx(sheet);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(bytes->size(), 2973U);
  EXPECT_EQ(sha256Hex(*bytes), "e3682a3fb3f94508ae9de272e80ec8d1f9ee5656b31c41cb8a6b3fa0f493266e");

  const auto empty = writeDeclarationXlsx(occupationSheet());
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_EQ(sha256Hex(*empty), "87f960f0c0b455d421e4802097653b0ee96e8fcad1bdd81d444b49f00413651c");
}

// The ability sheet (docs/platform-api.md): 12 common columns, then 专项能力名称 专项能力编码, then
// the type's own; a row shorter than the columns leaves the rest blank.
TEST(DeclarationFile, AbilitySheetWritesItsOwnColumnsAndBlanksWhatARowLacks) {
  DeclarationSheet sheet;
  sheet.columns = plugin::standardSheet(plugin::Scope::Ability);
  sheet.columns.push_back({"实习单位", "", false});
  Row full = student("1", "张三", "11010519491231002X");
  full.resize(12);
  full.insert(full.end(), {"网店运营", "ZX-0301", "某某电商"});
  Row shorter(full.begin(), full.begin() + 13);  // no 专项能力编码, no 实习单位
  sheet.rows = {full, shorter};
  const auto bytes = writeDeclarationXlsx(sheet);
  ASSERT_TRUE(bytes) << bytes.error().message;
  const RosterTable table = readBack(*bytes);
  const std::vector<std::string> expected = {
      "序号",     "姓名",     "证件类型", "证件号码",     "性别",         "出生日期",
      "手机号码", "文化程度", "考生来源", "专业",         "班级",         "毕业年份",
      "专项能力名称",         "专项能力编码", "实习单位"};
  EXPECT_EQ(table.header, expected);
  ASSERT_EQ(table.records.size(), 2U);
  EXPECT_EQ(at(table.records[0], 12).text, "网店运营");
  EXPECT_EQ(at(table.records[0], 13).text, "ZX-0301");
  EXPECT_EQ(at(table.records[0], 13).kind, CellKind::Text);
  EXPECT_EQ(at(table.records[0], 14).text, "某某电商");
  EXPECT_EQ(at(table.records[0], 11).kind, CellKind::Number);  // 毕业年份
  EXPECT_EQ(at(table.records[1], 12).text, "网店运营");
  EXPECT_EQ(at(table.records[1], 13).text, "");
  EXPECT_EQ(at(table.records[1], 14).text, "");
}

// Which cells are numbers is the column's `numeric`, wherever the column is: a type may replace
// and reorder the standard columns.
TEST(DeclarationFile, ColumnsNumericFlagDecidesNumbersWhereverTheColumnIs) {
  DeclarationSheet sheet;
  sheet.columns = {{"证件号码", plugin::column::kIdNumber, false},
                   {"序号", "", false},
                   {"学分", "", true}};
  sheet.rows.push_back({"000105194912310021", "007", "012"});
  const auto bytes = writeDeclarationXlsx(sheet);
  ASSERT_TRUE(bytes) << bytes.error().message;
  const RosterTable table = readBack(*bytes);
  EXPECT_EQ(table.header, (std::vector<std::string>{"证件号码", "序号", "学分"}));
  ASSERT_EQ(table.records.size(), 1U);
  EXPECT_EQ(at(table.records[0], 0).text, "000105194912310021");
  EXPECT_EQ(at(table.records[0], 1).text, "007");
  EXPECT_EQ(at(table.records[0], 1).kind, CellKind::Text);
  EXPECT_EQ(at(table.records[0], 2).text, "12");
  EXPECT_EQ(at(table.records[0], 2).kind, CellKind::Number);

  sheet.rows[0][2] = "1.5";
  auto r = writeDeclarationXlsx(sheet);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("C2"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("学分"), std::string::npos) << r.error().message;
}

TEST(DeclarationFile, Sha256HexIsLowerCaseHex) {
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(DeclarationFile, FiveThousandRows) {
  DeclarationSheet sheet = occupationSheet({"备注"});
  for (int i = 0; i < 5000; ++i) {
    std::string id = "1101051949" + std::to_string(10000000 + i);
    sheet.rows.push_back(student(std::to_string(i + 1), "学生" + std::to_string(i), id));
    sheet.rows.back().push_back("第" + std::to_string(i) + "行");
  }
  const auto start = std::chrono::steady_clock::now();
  const auto bytes = writeDeclarationXlsx(sheet);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_LT(elapsed, std::chrono::seconds(30));  // loose: sanitizer builds are slow
  const RosterTable table = readBack(*bytes);
  ASSERT_EQ(table.records.size(), 5000U);
  EXPECT_EQ(table.records.back().line, 5001U);
  EXPECT_EQ(at(table.records.back(), 3).text, "110105194910004999");
  EXPECT_EQ(at(table.records.back(), 0).text, "5000");
  EXPECT_EQ(at(table.records.back(), 15).text, "第4999行");
}

}  // namespace
}  // namespace zzjb::platform
