// `zzjb check` end to end on the rosters of issue 11: the amplifying ones of class 6 (rows to
// column XFD, a huge shared string behind thousands of cells, a 1.5 MB CSV header, a zip bomb
// part) run under RLIMIT_AS 512 MiB and still end in exit 65 with findings that name the
// limits; a cell that is not UTF-8 (class 5) is a finding at its cell while the other rows go on;
// a roster that is a symbolic link (class 9) is refused without a byte of it echoed.
// See docs/architecture.md, "Rosters in bounded memory".
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "xlsx_builder.hpp"

namespace zzjb::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSource = ZZJB_SOURCE_DIR;
constexpr rlim_t kAddressSpace = rlim_t{512} << 20;

struct Outcome {
  bool exited = false;
  int exitCode = -1;
  int signal = 0;
  std::string out;
  std::string err;
};

// Runs zzjb with these arguments in a child whose memory is limited. Built without ASan: its
// address space (RLIMIT_AS), set before exec. Under ASan, which reserves terabytes of address
// space for its shadow, its resident memory instead: the child's peak RSS (from wait4, exact) must
// stay under the limit, with ASan's quarantine of freed memory cut to 16 MiB so that what is
// measured is zzjb's memory, and ASan's hard_rss_limit_mb stopping a runaway child early.
Outcome runLimited(const TempDir& tmp, const std::vector<std::string>& args, rlim_t limit) {
  const fs::path outPath = tmp / "stdout";
  const fs::path errPath = tmp / "stderr";
  std::vector<std::string> argv{ZZJB_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  const bool asan = underAsan();
  const char* inherited = std::getenv("ASAN_OPTIONS");
  const std::string asanOptions = std::string(inherited != nullptr ? inherited : "") +
                                  ":quarantine_size_mb=16:hard_rss_limit_mb=" +
                                  std::to_string(limit / (1024 * 1024));
  const pid_t pid = fork();
  if (pid == 0) {
    const int out = open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const rlimit rl{limit, limit};
    const bool limited = asan ? setenv("ASAN_OPTIONS", asanOptions.c_str(), 1) == 0
                              : setrlimit(RLIMIT_AS, &rl) == 0;
    if (!limited || out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
      _exit(120);
    }
    execv(cargv[0], cargv.data());
    _exit(121);
  }
  Outcome o;
  int status = 0;
  rusage usage{};
  if (pid < 0 || wait4(pid, &status, 0, &usage) != pid) return o;
  o.exited = WIFEXITED(status);
  o.exitCode = o.exited ? WEXITSTATUS(status) : -1;
  o.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  o.out = readFile(outPath);
  o.err = readFile(errPath);
  if (asan) {
    // ru_maxrss is in KiB.
    EXPECT_LT(static_cast<rlim_t>(usage.ru_maxrss) * 1024, limit)
        << "peak resident memory " << usage.ru_maxrss / 1024 << " MiB";
  }
  return o;
}

// The example configuration with one school whose only roster is `roster`.
fs::path configWith(const TempDir& tmp, const fs::path& roster) {
  json cfg = json::parse(readFile(kSource / "config/zzjb.example.json"));
  cfg["catalog"] = (kSource / "config/catalog.example.json").string();
  // The platform's CA bundle as an absolute path: without one, check is a configuration error.
  cfg["platform"]["caBundle"] = (kSource / "config/keys/ca.pem").string();
  json school = cfg["schools"][0];
  school["rosters"] = json::array({roster.string()});
  school.erase("identity");
  for (auto& m : school["majors"]) m.erase("trainingPlan");
  cfg["schools"] = json::array({school});
  const fs::path config = tmp / (roster.filename().string() + ".json");
  writeFile(config, cfg.dump(2));
  return config;
}

Outcome check(const TempDir& tmp, const fs::path& roster, rlim_t limit = kAddressSpace) {
  return runLimited(
      tmp, {"check", "-c", configWith(tmp, roster).string(), "--today", "2026-11-27", "--json"},
      limit);
}

// The example roster's rows (8 required columns), as cells.
std::vector<std::vector<std::string>> exampleRows() {
  std::vector<std::vector<std::string>> rows;
  for (const auto& line : lines(readFile(kSource / "config/rosters/xuhui-zz-2027.csv"))) {
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::size_t pos = 0;
    for (;;) {
      const auto comma = line.find(',', pos);
      cells.push_back(line.substr(pos, comma == std::string::npos ? comma : comma - pos));
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    rows.push_back(std::move(cells));
  }
  return rows;
}

std::string inlineCell(std::size_t column, std::size_t row, const std::string& text) {
  return "<c r=\"" + std::string(1, static_cast<char>('A' + column)) + std::to_string(row) +
         "\" t=\"inlineStr\"><is><t>" + text + "</t></is></c>";
}

// Row r of the sheet: the example's cells, plus `extra` XML.
std::string sheetRow(const std::vector<std::string>& cells, std::size_t r,
                     const std::string& extra = {}) {
  std::string xml = "<row r=\"" + std::to_string(r) + "\">";
  for (std::size_t c = 0; c < cells.size(); ++c) xml += inlineCell(c, r, cells[c]);
  return xml + extra + "</row>";
}

std::vector<const json*> findingsWith(const json& j, const std::string& code) {
  std::vector<const json*> out;
  for (const auto& s : j["schools"]) {
    for (const auto& f : s["findings"]) {
      if (f["code"] == code) out.push_back(&f);
    }
  }
  for (const auto& f : j["findings"]) {
    if (f["code"] == code) out.push_back(&f);
  }
  return out;
}

void expectSixtyFiveWithoutSignal(const Outcome& o) {
  EXPECT_EQ(o.signal, 0) << o.err;
  ASSERT_TRUE(o.exited) << o.err;
  EXPECT_EQ(o.exitCode, 65) << o.out << o.err;
  EXPECT_FALSE(contains(o.out + o.err, "this is a bug"));
  EXPECT_FALSE(contains(o.out + o.err, "这是 zzjb 的缺陷"));
}

class RostersCli : public ::testing::Test {
 protected:
  TempDir tmp_;
};

// The memory bounds below choose between RLIMIT_AS and peak RSS by underAsan(): it must say yes
// exactly when ASan's runtime is in this process (the ASan build), and no in the dev build.
TEST(UnderAsan, IsTrueExactlyWhenTheAsanRuntimeIsLoaded) {
  const std::string maps = readFile("/proc/self/maps");
  EXPECT_EQ(underAsan(), maps.find("/libasan.so") != std::string::npos);
}

TEST_F(RostersCli, XlsxRowsReachingColumnXfdGiveFindingsUnder512MiB) {
  const auto rows = exampleRows();
  std::string xml = sheetRow(rows[0], 1);
  std::size_t r = 2;
  for (int copy = 0; copy < 40; ++copy) {  // ~1,000 rows, each with a value at XFD
    for (std::size_t i = 1; i < rows.size(); ++i, ++r) {
      xml += sheetRow(rows[i], r, "<c r=\"XFD" + std::to_string(r) + "\"><v>1</v></c>");
    }
  }
  xml += sheetRow(rows[1], r);  // one row without: it goes through
  const fs::path roster = tmp_ / "wide.xlsx";
  writeZip(roster, simpleXlsx(xml));
  const Outcome o = check(tmp_, roster);
  expectSixtyFiveWithoutSignal(o);
  const json j = json::parse(o.out);
  const auto wide = findingsWith(j, "ROSTER_TOO_MANY_COLUMNS");
  ASSERT_FALSE(wide.empty()) << o.out;
  EXPECT_TRUE(contains((*wide[0])["message"].get<std::string>(), "maxColumns"));
  EXPECT_EQ((*wide[0])["cell"], "Sheet1!XFD2");
  EXPECT_FALSE(findingsWith(j, "ROSTER_MORE_FINDINGS").empty());
  EXPECT_EQ(j["schools"][0]["rosters"][0]["students"], 1);
}

TEST_F(RostersCli, HugeSharedStringBehindThousandsOfCellsGivesFindingsUnder512MiB) {
  const auto rows = exampleRows();
  std::string shared;
  for (const auto& h : rows[0]) shared += "<si><t>" + h + "</t></si>";
  const std::size_t bigIndex = rows[0].size();
  shared += "<si><t>" + std::string(294'000, 'x') + "</t></si>";
  std::string xml;
  std::string header = "<row r=\"1\">";
  for (std::size_t c = 0; c < rows[0].size(); ++c) {
    header += "<c r=\"" + std::string(1, static_cast<char>('A' + c)) + "1\" t=\"s\"><v>" +
              std::to_string(c) + "</v></c>";
  }
  xml += header + "</row>";
  for (std::size_t r = 2; r < 2002; ++r) {  // 16,000 references: 4.7 GB if each were a copy
    std::string cells = "<row r=\"" + std::to_string(r) + "\">";
    for (std::size_t c = 0; c < 8; ++c) {
      cells += "<c r=\"" + std::string(1, static_cast<char>('A' + c)) + std::to_string(r) +
               "\" t=\"s\"><v>" + std::to_string(bigIndex) + "</v></c>";
    }
    xml += cells + "</row>";
  }
  const fs::path roster = tmp_ / "shared.xlsx";
  writeZip(roster, simpleXlsx(xml, shared));
  const Outcome o = check(tmp_, roster);
  expectSixtyFiveWithoutSignal(o);
  const json j = json::parse(o.out);
  const auto tooLong = findingsWith(j, "ROSTER_CELL_TOO_LONG");
  ASSERT_FALSE(tooLong.empty()) << o.out;
  EXPECT_TRUE(contains((*tooLong[0])["message"].get<std::string>(), "maxCellBytes"));
  EXPECT_LE(tooLong.size(), 100U);
  const auto more = findingsWith(j, "ROSTER_MORE_FINDINGS");
  ASSERT_EQ(more.size(), 1U);
  EXPECT_TRUE(contains((*more[0])["message"].get<std::string>(), "还有 1900 个问题未列出"));
}

TEST_F(RostersCli, CsvHeaderOfOneAndAHalfMegabytesGivesAFindingUnder512MiB) {
  std::string header = "姓名,证件类型,证件号码,性别,手机号码,专业,班级,毕业年份";
  while (header.size() < 1'500'000) header += ",备注";
  std::string text = header + "\n";
  for (std::size_t i = 0; i < 800; ++i) text += std::string(1'800, ',') + "\n";
  const fs::path roster = tmp_ / "header.csv";
  writeFile(roster, text);
  const Outcome o = check(tmp_, roster);
  expectSixtyFiveWithoutSignal(o);
  const json j = json::parse(o.out);
  const auto header1 = findingsWith(j, "ROSTER_HEADER_TOO_LONG");
  ASSERT_EQ(header1.size(), 1U) << o.out;
  EXPECT_TRUE(contains((*header1[0])["message"].get<std::string>(), "maxHeaderBytes"));
  EXPECT_EQ((*header1[0])["line"], 1);
}

TEST_F(RostersCli, ZipBombPartGivesAFindingUnder512MiB) {
  const fs::path zeros = tmp_ / "zeros";
  writeFile(zeros, "");
  fs::resize_file(zeros, std::uintmax_t{256} << 20);  // 256 MiB of zeros, sparse on disk
  Parts parts = simpleXlsx("");
  parts["xl/worksheets/sheet1.xml"] = "@file:" + zeros.string();
  const fs::path roster = tmp_ / "bomb.xlsx";
  writeZip(roster, parts);
  fs::remove(zeros);
  ASSERT_LT(fs::file_size(roster), std::uintmax_t{2} << 20);
  const Outcome o = check(tmp_, roster);
  expectSixtyFiveWithoutSignal(o);
  const json j = json::parse(o.out);
  const auto bomb = findingsWith(j, "ROSTER_XLSX_PART_TOO_LARGE");
  ASSERT_EQ(bomb.size(), 1U) << o.out;
  EXPECT_TRUE(contains((*bomb[0])["message"].get<std::string>(), "maxPartBytes"));
}

TEST_F(RostersCli, CellThatIsNotUtf8IsAFindingAtItsCellAndTheOtherRowsGoOn) {
  auto rows = exampleRows();
  rows[3][0] = "\xFF\xFE\xC3(";  // 姓名 of row 4
  std::string xml;
  for (std::size_t i = 0; i < rows.size(); ++i) xml += sheetRow(rows[i], i + 1);
  const fs::path xlsx = tmp_ / "bad-utf8.xlsx";
  writeZip(xlsx, simpleXlsx(xml));
  std::string csv;
  for (const auto& row : rows) {
    std::string line;
    for (const auto& c : row) line += (line.empty() ? "" : ",") + c;
    csv += line + "\n";
  }
  const fs::path csvPath = tmp_ / "bad-utf8.csv";
  writeFile(csvPath, csv);

  for (const fs::path& roster : {xlsx, csvPath}) {
    SCOPED_TRACE(roster.filename().string());
    const Outcome o = check(tmp_, roster);
    expectSixtyFiveWithoutSignal(o);
    const json j = json::parse(o.out);  // valid JSON: once an uncaught exception
    const auto bad = findingsWith(j, "ROSTER_CELL_NOT_UTF8");
    ASSERT_EQ(bad.size(), 1U) << o.out;
    EXPECT_EQ((*bad[0])["line"], 4);
    if (roster.extension() == ".xlsx") {
      EXPECT_EQ((*bad[0])["cell"], "Sheet1!A4");
    }
    EXPECT_EQ(j["schools"][0]["rosters"][0]["students"].get<std::size_t>(), rows.size() - 2);
    EXPECT_GT(j["schools"][0]["targets"][0]["eligibleCount"].get<int>(), 0);
  }
}

TEST_F(RostersCli, SymlinkedRosterIsRefusedWithoutEchoingItsTarget) {
  const fs::path secret = tmp_ / "shadow";
  writeFile(secret, "root:$6$SECRETHASH:19000:0:99999:7:::\n");
  const fs::path roster = tmp_ / "roster.csv";
  fs::create_symlink(secret, roster);
  const Outcome o = check(tmp_, roster);
  EXPECT_EQ(o.signal, 0);
  EXPECT_EQ(o.exitCode, 78) << o.out << o.err;
  EXPECT_FALSE(contains(o.out + o.err, "SECRETHASH")) << o.out;
  EXPECT_FALSE(contains(o.out, "the header has")) << o.out;
  EXPECT_FALSE(contains(o.out, "表头为")) << o.out;  // ROSTER_COLUMNS, in Chinese by default
  EXPECT_TRUE(findingsWith(json::parse(o.out), "ROSTER_EXTRA_CELLS").empty()) << o.out;
  EXPECT_FALSE(findingsWith(json::parse(o.out), "FILE_IS_LINK").empty()) << o.out;
}

TEST_F(RostersCli, FifoAsRosterIsRefusedAsNotARegularFileWithoutHanging) {
  const fs::path fifo = tmp_ / "roster.csv";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const Outcome o = check(tmp_, fifo);  // nobody ever writes: reading it would block forever
  EXPECT_EQ(o.signal, 0);
  EXPECT_EQ(o.exitCode, 78) << o.out << o.err;
  EXPECT_FALSE(findingsWith(json::parse(o.out), "FILE_NOT_REGULAR").empty()) << o.out;
}

}  // namespace
}  // namespace zzjb::test
