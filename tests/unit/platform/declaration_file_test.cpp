// The group-declaration xlsx writer: header row, cells and their kinds read back through the
// roster xlsx reader, byte-for-byte determinism, errors for data it must not write, 5,000 rows.
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

DeclarationRow student(std::string index, std::string name, std::string id) {
  DeclarationRow row;
  row.standard = {std::move(index), std::move(name), "居民身份证", std::move(id), "男",
                  "2008-05-17", "13800138000", "中等职业教育", "应届毕业生", "计算机应用",
                  "2024级1班", "2027", "计算机程序设计员", "4-04-05-01", "4"};
  return row;
}

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
  DeclarationSheet sheet;
  sheet.extraColumns = {"评价机构", "备注"};
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
  DeclarationSheet sheet;
  sheet.extraColumns = {"备注"};
  sheet.rows.push_back(student("1", "张三", "110105194912310025"));
  sheet.rows.push_back(student("2", "李四", "11010519491231002X"));
  sheet.rows.push_back(student("3", "O'Brien <&> \"Q\"", "000105194912310021"));
  sheet.rows[0].extra = {"少数民族：维吾尔族"};
  sheet.rows[2].extra = {"a<b && c>d"};
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
  EXPECT_EQ(at(table.records[1], 15).text, "");  // no extra value: blank
  EXPECT_EQ(at(table.records[2], 1).text, "O'Brien <&> \"Q\"");
  EXPECT_EQ(at(table.records[2], 3).text, "000105194912310021");  // leading zeros kept
  EXPECT_EQ(at(table.records[2], 15).text, "a<b && c>d");
}

TEST(DeclarationFile, WhitespaceControlsAndOoxmlEscapesSurvive) {
  DeclarationSheet sheet;
  sheet.rows.push_back(student("1", " 王 五 ", "110105194912310025"));
  sheet.rows[0].standard[9] = "line1\r\nline2\tend";
  sheet.rows[0].standard[10] = "_x0041_ stays literal";
  sheet.rows[0].standard[8] = std::string("bell\x07", 5);
  sheet.rows[0].standard[6] = "";  // left out: read back blank
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
  DeclarationSheet sheet;
  sheet.rows.push_back(student("007", "张三", "110105194912310025"));
  const auto bytes = writeDeclarationXlsx(sheet);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(at(readBack(*bytes).records.at(0), 0).text, "7");
}

TEST(DeclarationFile, RefusesWhatItMustNotWrite) {
  DeclarationSheet level;
  level.rows.push_back(student("1", "张三", "110105194912310025"));
  level.rows[0].standard[14] = "四级";
  auto r = writeDeclarationXlsx(level);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "DECLARATION_FILE");
  EXPECT_NE(r.error().message.find("O2"), std::string::npos) << r.error().message;

  DeclarationSheet utf8;
  utf8.rows.push_back(student("1", std::string("\xC3\x28", 2), "110105194912310025"));
  r = writeDeclarationXlsx(utf8);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("UTF-8"), std::string::npos) << r.error().message;

  DeclarationSheet extra;
  extra.rows.push_back(student("1", "张三", "110105194912310025"));
  extra.rows[0].extra = {"unexpected"};
  r = writeDeclarationXlsx(extra);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("附加值"), std::string::npos) << r.error().message;
}

TEST(DeclarationFile, SameSheetGivesTheSameBytesInAnyTimeZone) {
  DeclarationSheet sheet;
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

  sheet.rows[1].standard[1] = "李五";
  const auto c = writeDeclarationXlsx(sheet);
  ASSERT_TRUE(c);
  EXPECT_NE(sha256Hex(*a), sha256Hex(*c));
}

TEST(DeclarationFile, Sha256HexIsLowerCaseHex) {
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(DeclarationFile, FiveThousandRows) {
  DeclarationSheet sheet;
  sheet.extraColumns = {"备注"};
  for (int i = 0; i < 5000; ++i) {
    std::string id = "1101051949" + std::to_string(10000000 + i);
    sheet.rows.push_back(student(std::to_string(i + 1), "学生" + std::to_string(i), id));
    sheet.rows.back().extra = {"第" + std::to_string(i) + "行"};
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
