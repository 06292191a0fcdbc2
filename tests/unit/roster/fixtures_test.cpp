// The committed roster fixtures (tests/fixtures/rosters, written by iconv and LibreOffice): the
// CSV, GB18030 and text-typed xlsx versions read identically; the numeric-id xlsx keeps what
// LibreOffice stored for 18-digit IDs — lossy numbers. README.md there lists every row.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "test_support.hpp"
#include "zzjb/roster/readers.hpp"

namespace zzjb::roster {
namespace {

const std::filesystem::path kDir = std::filesystem::path(ZZJB_FIXTURES_DIR) / "rosters";

RosterTable readFixture(const RosterReader& reader, const std::string& name) {
  auto t = reader.read(kDir / name, "rosters/" + name);
  EXPECT_TRUE(t.has_value()) << name << ": " << (t ? "" : t.error().message);
  return t ? *t : RosterTable{};
}

const std::vector<std::string> kHeader = {"姓名", "证件类型", "证件号码", "性别",    "手机号码",
                                          "专业", "班级",     "毕业年份", "实习单位"};
constexpr std::size_t kIdColumn = 2;

TEST(RosterFixtures, ReadsEachFixtureWithItsEncoding) {
  auto utf8 = readFixture(CsvReader(), "students.utf8.csv");
  EXPECT_EQ(utf8.encoding, "UTF-8");
  EXPECT_TRUE(utf8.notes.empty());
  auto gb = readFixture(CsvReader(), "students.gb18030.csv");
  EXPECT_EQ(gb.encoding, "GB18030");
  ASSERT_EQ(gb.notes.size(), 1U);
  EXPECT_EQ(gb.notes[0].code, "ROSTER_ENCODING_CONVERTED");
  for (const char* name : {"students.xlsx", "students.numeric-id.xlsx"}) {
    auto x = readFixture(XlsxReader(), name);
    EXPECT_EQ(x.encoding, "xlsx") << name;
    EXPECT_EQ(x.sheet, "students") << name;
    EXPECT_TRUE(x.notes.empty()) << name;
    EXPECT_EQ(x.header, kHeader) << name;
    EXPECT_EQ(x.records.size(), 12U) << name;
  }
}

TEST(RosterFixtures, TextTypedVersionsYieldIdenticalCells) {
  const auto utf8 = readFixture(CsvReader(), "students.utf8.csv");
  ASSERT_EQ(utf8.header, kHeader);
  ASSERT_EQ(utf8.records.size(), 12U);
  for (const auto& other : {readFixture(CsvReader(), "students.gb18030.csv"),
                            readFixture(XlsxReader(), "students.xlsx")}) {
    SCOPED_TRACE(other.file);
    EXPECT_EQ(other.header, utf8.header);
    EXPECT_EQ(other.headerLine, 1U);
    ASSERT_EQ(other.records.size(), utf8.records.size());
    for (std::size_t r = 0; r < utf8.records.size(); ++r) {
      const auto& want = utf8.records[r];
      const auto& got = other.records[r];
      EXPECT_EQ(got.line, want.line);
      ASSERT_EQ(got.cells.size(), want.cells.size()) << "line " << want.line;
      for (std::size_t c = 0; c < want.cells.size(); ++c) {
        EXPECT_EQ(got.cells[c].column, want.cells[c].column) << "line " << want.line;
        EXPECT_EQ(got.cells[c].text, want.cells[c].text) << "line " << want.line << " col " << c;
        EXPECT_EQ(got.cells[c].kind, CellKind::Text) << "line " << want.line << " col " << c;
      }
    }
  }
}

TEST(RosterFixtures, RowsAreWhatTheReadmeSays) {
  const auto t = readFixture(XlsxReader(), "students.xlsx");
  ASSERT_EQ(t.records.size(), 12U);
  for (std::size_t i = 0; i < t.records.size(); ++i) EXPECT_EQ(t.records[i].line, i + 2);
  auto cell = [&](std::size_t line, std::size_t col) {
    const Cell* c = t.records[line - 2].at(col);
    return c != nullptr ? *c : Cell{};
  };
  EXPECT_EQ(cell(4, kIdColumn).text, "31010520050708049X");       // ends in X
  EXPECT_EQ(cell(5, 8).text, "上海某某科技有限公司,浦东分公司");  // comma inside
  EXPECT_EQ(cell(5, 8).ref, "I5");
  EXPECT_EQ(cell(6, 7).text, "2028");
  EXPECT_EQ(cell(11, 7).text, "2028");
  EXPECT_EQ(cell(7, 4).text, "1234567");                     // invalid mobile
  EXPECT_EQ(cell(8, kIdColumn).text, "310110200605060494");  // wrong check digit
  EXPECT_EQ(t.records[13 - 2].at(8), nullptr);               // no 实习单位: blank, not stored
  EXPECT_EQ(cell(2, kIdColumn).ref, "C2");
}

TEST(RosterFixtures, NumericIdXlsxStoresLossyNumbers) {
  const auto csv = readFixture(CsvReader(), "students.utf8.csv");
  const auto x = readFixture(XlsxReader(), "students.numeric-id.xlsx");
  ASSERT_EQ(x.records.size(), csv.records.size());
  std::size_t numbers = 0;
  for (std::size_t r = 0; r < x.records.size(); ++r) {
    ASSERT_NE(csv.records[r].at(kIdColumn), nullptr);
    ASSERT_NE(x.records[r].at(kIdColumn), nullptr);
    const std::string& id = csv.records[r].at(kIdColumn)->text;
    const Cell& cell = *x.records[r].at(kIdColumn);
    SCOPED_TRACE("line " + std::to_string(x.records[r].line));
    if (id.ends_with('X')) {  // not a number: stays text, intact
      EXPECT_EQ(cell.kind, CellKind::Text);
      EXPECT_EQ(cell.text, id);
      continue;
    }
    ++numbers;
    EXPECT_EQ(cell.kind, CellKind::Number);
    EXPECT_NE(cell.text, id);
    // Rounded to 15 significant digits: close to the ID, yet not even the same double.
    const double stored = std::stod(cell.text);
    const double original = std::stod(id);
    EXPECT_NE(stored, original);
    EXPECT_LT(std::fabs(stored - original), 1000.0);
    // The other columns were imported as text and are untouched.
    EXPECT_EQ(x.records[r].at(4)->text, csv.records[r].at(4)->text);
  }
  EXPECT_EQ(numbers, 11U);
  // Exactly what LibreOffice 7.4 wrote into <v>.
  EXPECT_EQ(x.records[0].at(kIdColumn)->text, "3.1010120060315E+017");   // 310101200603150114
  EXPECT_EQ(x.records[6].at(kIdColumn)->text, "3.10110200605061E+017");  // 310110200605060494
}

}  // namespace
}  // namespace zzjb::roster
