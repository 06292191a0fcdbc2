// `zzjb check` end to end: the example configuration, a broken copy of it, the same roster in
// three file formats, an xlsx whose IDs were stored as numbers, and configuration errors.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>

#include "language_check.hpp"
#include "test_support.hpp"

namespace zzjb::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSource = ZZJB_SOURCE_DIR;
const fs::path kFixtures = ZZJB_FIXTURES_DIR;
const std::string kToday = "--today 2026-11-27";

RunResult check(const fs::path& config, const std::string& extra = "") {
  return run(std::string(ZZJB_BIN) + " check -c " + shellQuote(config.string()) + " " + kToday +
             " " + extra);
}

// A copy of config/ (without the schools' keys) to break in a test. With `caBundle`, the
// platform's CA bundle keys/ca.pem is copied too (made by scripts/make-example-keys.sh): without
// it a check is a configuration error (78) before anything else.
fs::path copyExample(const TempDir& tmp, bool caBundle = true) {
  fs::path dst = tmp / "config";
  fs::create_directories(dst);
  for (const char* part : {"zzjb.example.json", "catalog.example.json", "rosters", "plans"}) {
    fs::copy(kSource / "config" / part, dst / part, fs::copy_options::recursive);
  }
  if (caBundle) {
    fs::create_directories(dst / "keys");
    fs::copy(kSource / "config/keys/ca.pem", dst / "keys/ca.pem");
  }
  return dst / "zzjb.example.json";
}

TEST(CheckCli, ExampleConfigIsCleanAndCountsEachTarget) {
  auto r = check(kSource / "config/zzjb.example.json");
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "xuhui-zz")) << r.out;
  EXPECT_TRUE(contains(r.out, "pudong-gz"));
  EXPECT_TRUE(contains(r.out, "计算机程序设计员 · 四级/中级工"));
  EXPECT_TRUE(contains(r.out, "汽车维修工 · 三级/高级工"));
  EXPECT_TRUE(std::regex_search(r.out, std::regex("可申报 [1-9][0-9]* 人 · 不申报 [0-9]+ 人")))
      << r.out;
  EXPECT_TRUE(contains(r.out, "0 个错误")) << r.out;

  auto j = json::parse(check(kSource / "config/zzjb.example.json", "--json").out);
  ASSERT_EQ(j["schools"].size(), 2U);
  for (const auto& s : j["schools"]) {
    for (const auto& t : s["targets"]) {
      EXPECT_EQ(t["eligibleCount"].get<std::size_t>() + t["excludedCount"].get<std::size_t>(),
                t["eligible"].size() + t["excluded"].size());
    }
  }
  // The 高职 school's 软件技术 target waits for its evaluation: nobody is declared for it.
  const auto& pudongSoftware = j["schools"][1]["targets"][1];
  EXPECT_EQ(pudongSoftware["eligibleCount"], 0);
  EXPECT_GT(pudongSoftware["excludedByReason"]["EVALUATION_NOT_APPROVED"].get<int>(), 0);
}

TEST(CheckCli, BrokenCopyExitsSixtyFiveAndNamesEachProblemWhereItIs) {
  TempDir tmp;
  fs::path config = copyExample(tmp);
  // 1. A bad check digit on roster line 5 of the 中职 school.
  fs::path roster = config.parent_path() / "rosters/xuhui-zz-2027.csv";
  auto rows = lines(readFile(roster));
  ASSERT_GT(rows.size(), 5U);
  std::string& line5 = rows[4];
  auto comma = line5.find(",居民身份证,");
  ASSERT_NE(comma, std::string::npos);
  std::size_t checkPos = comma + std::string(",居民身份证,").size() + 17;
  line5[checkPos] = line5[checkPos] == '0' ? '1' : '0';
  std::string fullId = line5.substr(checkPos - 17, 18);
  std::string text;
  for (const auto& l : rows) text += l + "\n";
  writeFile(roster, text);
  // 2. A 高职 target at level 4, 3. an invalid mobile of the 中职 school's contact.
  json cfg = json::parse(readFile(config));
  cfg["schools"][1]["majors"][0]["targets"][0]["level"] = 4;
  cfg["schools"][0]["contact"]["mobile"] = "1391234";
  writeFile(config, cfg.dump(2));

  auto r = check(config);
  EXPECT_EQ(r.exitCode, 65) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "rosters/xuhui-zz-2027.csv:5：证件号码")) << r.out;
  EXPECT_TRUE(contains(r.out, "校验位为")) << r.out;
  EXPECT_TRUE(contains(r.out, "$.schools[1].majors[0].targets[0].level")) << r.out;
  EXPECT_TRUE(contains(r.out, "LEVEL_NOT_ALLOWED"));
  EXPECT_TRUE(contains(r.out, "$.schools[0].contact.mobile")) << r.out;
  EXPECT_TRUE(contains(r.out, "MOBILE_INVALID"));
  EXPECT_FALSE(contains(r.out, fullId)) << "a full ID number was printed";
  EXPECT_FALSE(contains(r.out, "1391234 ")) << "a mobile was printed unmasked";

  // The rest still goes through: the 中职 computer target keeps its other students.
  auto j = json::parse(check(config, "--json").out);
  EXPECT_EQ(j["exitCode"], 65);
  EXPECT_GT(j["schools"][0]["targets"][0]["eligibleCount"].get<int>(), 0);
  EXPECT_GT(j["schools"][1]["targets"][1]["excludedCount"].get<int>(), 0);
}

// The same roster, as UTF-8 CSV, GB18030 CSV and xlsx (LibreOffice), gives the same result.
json checkWithRoster(const TempDir& tmp, const fs::path& roster) {
  json cfg = json::parse(readFile(kSource / "config/zzjb.example.json"));
  cfg["catalog"] = (kSource / "config/catalog.example.json").string();
  cfg["platform"]["caBundle"] = (kSource / "config/keys/ca.pem").string();
  json school = cfg["schools"][0];
  school["rosters"] = json::array({roster.string()});
  school.erase("identity");
  for (auto& m : school["majors"]) m.erase("trainingPlan");
  cfg["schools"] = json::array({school});
  fs::path config = tmp / (roster.filename().string() + ".json");
  writeFile(config, cfg.dump(2));
  auto r = check(config, "--json");
  EXPECT_TRUE(r.exitCode == 0 || r.exitCode == 65) << r.out << r.err;
  return json::parse(r.out);
}

// A result with what must differ between formats (file names, encoding notes) taken out.
json comparable(json j) {
  j.erase("config");
  for (auto& f : j["findings"]) f.erase("file");  // each variant has its own config file
  for (auto& s : j["schools"]) {
    for (auto& ro : s["rosters"]) {
      ro.erase("file");
      ro.erase("encoding");
    }
    json kept = json::array();
    for (auto& f : s["findings"]) {
      if (f["code"] == "ROSTER_ENCODING_CONVERTED" || f["severity"] == "info") continue;
      f.erase("file");
      f.erase("cell");
      kept.push_back(f);
    }
    s["findings"] = kept;
    for (auto& t : s["targets"]) {
      for (auto* list : {&t["eligible"], &t["excluded"]}) {
        for (auto& st : *list) st.erase("file");
      }
    }
  }
  return j;
}

TEST(CheckCli, SameRosterAsUtf8Gb18030AndXlsxGivesTheSameResult) {
  TempDir tmp;
  json utf8 = checkWithRoster(tmp, kFixtures / "rosters/students.utf8.csv");
  json gb = checkWithRoster(tmp, kFixtures / "rosters/students.gb18030.csv");
  json xlsx = checkWithRoster(tmp, kFixtures / "rosters/students.xlsx");
  ASSERT_GT(utf8["schools"][0]["rosters"][0]["students"].get<int>(), 5);
  EXPECT_EQ(gb["schools"][0]["rosters"][0]["encoding"], "GB18030");
  EXPECT_EQ(xlsx["schools"][0]["rosters"][0]["encoding"], "xlsx");
  EXPECT_EQ(comparable(utf8), comparable(gb));
  EXPECT_EQ(comparable(utf8), comparable(xlsx));
  // The fixture has one bad check digit and one bad mobile: the result is not trivially clean.
  EXPECT_EQ(utf8["exitCode"], 65);
}

TEST(CheckCli, XlsxWithIdsStoredAsNumbersIsReportedCellByCell) {
  TempDir tmp;
  json j = checkWithRoster(tmp, kFixtures / "rosters/students.numeric-id.xlsx");
  EXPECT_EQ(j["exitCode"], 65);
  int numeric = 0;
  for (const auto& f : j["schools"][0]["findings"]) {
    if (f["code"] != "ID_STORED_AS_NUMBER") continue;
    ++numeric;
    EXPECT_TRUE(f.contains("line"));
    EXPECT_TRUE(std::regex_match(f["cell"].get<std::string>(), std::regex(".+![A-Z]+[0-9]+")))
        << f.dump();
    EXPECT_TRUE(contains(f["hint"].get<std::string>(), "文本"));
  }
  EXPECT_GT(numeric, 3);
}

TEST(CheckCli, ConfigurationErrorsExitSeventyEightWithLineOrPath) {
  TempDir tmp;
  fs::path config = copyExample(tmp);
  std::string text = readFile(config);
  writeFile(config, text.substr(0, text.size() / 2));  // cut in half: not JSON any more
  auto r = check(config);
  EXPECT_EQ(r.exitCode, 78) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("zzjb\\.example\\.json:[0-9]+")) ) << r.out;
  EXPECT_TRUE(contains(r.out, "CONFIG_SYNTAX"));

  auto missing = run(std::string(ZZJB_BIN) + " check -c /nonexistent/zzjb.json");
  EXPECT_EQ(missing.exitCode, 78);
  EXPECT_TRUE(contains(missing.out, "无法读取配置文件"));
}

TEST(CheckCli, ABrokenSchoolDoesNotHideTheOthers) {
  TempDir tmp;
  fs::path config = copyExample(tmp);
  json cfg = json::parse(readFile(config));
  cfg["schools"][0]["level"] = "MIDDLE";  // cannot be checked at all
  writeFile(config, cfg.dump(2));
  auto r = check(config);
  EXPECT_EQ(r.exitCode, 78) << r.out;
  EXPECT_TRUE(contains(r.out, "$.schools[0].level")) << r.out;
  EXPECT_TRUE(contains(r.out, "pudong-gz  上海示范职业技术学院")) << r.out;
  EXPECT_TRUE(contains(r.out, "汽车维修工"));
}

TEST(CheckCli, MissingRosterIsAConfigurationErrorAndOtherSchoolsGoOn) {
  TempDir tmp;
  fs::path config = copyExample(tmp);
  fs::remove(config.parent_path() / "rosters/xuhui-zz-2027.csv");
  auto r = check(config);
  EXPECT_EQ(r.exitCode, 78);
  EXPECT_TRUE(contains(r.out, "ROSTER_MISSING"));
  EXPECT_TRUE(std::regex_search(r.out, std::regex("汽车维修工[^\\n]*\\n[^\\n]*可申报 [1-9]")))
      << r.out;
}

// Issue 11 item 9: a CA bundle that is missing is a configuration error (78) found by check, not
// a refusal in the middle of a pass; a missing key file is a warning.
TEST(CheckCli, AMissingCaBundleIsAConfigurationErrorAndAMissingKeyFileAWarning) {
  TempDir tmp;
  auto config = copyExample(tmp, /*caBundle=*/false);  // neither the keys nor the CA bundle
  auto r = check(config);
  EXPECT_EQ(r.exitCode, 78) << r.out;
  EXPECT_TRUE(contains(r.out, "$.platform.caBundle")) << r.out;
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex("错误 +[^\\n]*不存在[^\\n]*\\[CA_BUNDLE_UNREADABLE\\]")))
      << r.out;
  EXPECT_TRUE(contains(r.out, "--tls-out")) << r.out;  // what to do
  EXPECT_TRUE(contains(r.out, "$.schools[0].identity.key")) << r.out;
  EXPECT_TRUE(contains(r.out, "[KEY_FILE_MISSING]")) << r.out;
  // The example itself (keys made by scripts/make-example-keys.sh) has neither warning.
  auto clean = check(kSource / "config/zzjb.example.json");
  EXPECT_FALSE(contains(clean.out, "CA_BUNDLE_UNREADABLE")) << clean.out;
  EXPECT_FALSE(contains(clean.out, "KEY_FILE_MISSING")) << clean.out;
}

// Every string of the example's configuration and catalog that holds Chinese: the data's names
// (schools, majors, occupations, organisations, people), which English output keeps as they are.
void collectChinese(const json& j, std::vector<std::string>& out) {
  if (j.is_string()) {
    const auto& v = j.get_ref<const std::string&>();
    if (!chineseRuns(v).empty()) out.push_back(v);
  } else if (j.is_structured()) {
    for (const auto& item : j) collectChinese(item, out);
  }
}

// Issue 13, must-show (a): `zzjb check` speaks Chinese by default and English with --lang en.
TEST(CheckCli, TheExampleSpeaksChineseByDefaultAndEnglishWithLangEn) {
  auto zh = check(kSource / "config/zzjb.example.json");
  EXPECT_EQ(zh.exitCode, 0) << zh.out << zh.err;
  EXPECT_TRUE(contains(zh.out, "汇总：")) << zh.out;
  const auto english = englishRuns(zh.out, {"zzjb"});
  EXPECT_TRUE(english.empty()) << "English in the default output:\n"
                               << [&] {
                                    std::string all;
                                    for (const auto& e : english) all += e + "\n";
                                    return all;
                                  }();

  auto en = check(kSource / "config/zzjb.example.json", "--lang en");
  EXPECT_EQ(en.exitCode, 0) << en.out << en.err;
  EXPECT_TRUE(contains(en.out, "summary: 2 school(s)")) << en.out;
  std::vector<std::string> allowed;
  collectChinese(json::parse(readFile(kSource / "config/zzjb.example.json")), allowed);
  collectChinese(json::parse(readFile(kSource / "config/catalog.example.json")), allowed);
  // And the roster's cells (a major with no target is named as the roster writes it).
  for (const auto& row : lines(readFile(kSource / "config/rosters/xuhui-zz-2027.csv"))) {
    std::size_t start = 0;
    while (start <= row.size()) {
      const std::size_t comma = std::min(row.find(',', start), row.size());
      std::string cell = row.substr(start, comma - start);
      if (!cell.empty() && cell.back() == '\r') cell.pop_back();  // the file's lines end in CRLF
      if (!chineseRuns(cell).empty()) allowed.push_back(cell);
      start = comma + 1;
    }
  }
  // Longer names first, so that a name is not cut by a shorter term inside it.
  for (const auto& t : noticeTerms()) allowed.push_back(t);
  // The skill levels' names (四级/中级工) and the notices' words kept after an English gloss.
  for (const char* t : {"一级", "二级", "五级", "高级技师", "技师", "初级工", "意见表",
                        "职业编码", "人才培养方案", "专家组评估意见表"}) {
    allowed.push_back(t);
  }
  std::sort(allowed.begin(), allowed.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  const auto chinese = chineseRuns(en.out, allowed);
  EXPECT_TRUE(chinese.empty()) << "Chinese in the English output:\n" << [&] {
    std::string all;
    for (const auto& c : chinese) all += c + "\n";
    return all;
  }();

  auto j = json::parse(check(kSource / "config/zzjb.example.json", "--json").out);
  EXPECT_EQ(j["lang"], "zh-CN");
  auto jEn = json::parse(check(kSource / "config/zzjb.example.json", "--json --lang en").out);
  EXPECT_EQ(jEn["lang"], "en");
}

// Issue 13, must-show (b): the exclusion and the note say the evaluation's actual state.
TEST(CheckCli, ASubmittedEvaluationWaitsForTheExpertsAndARejectedOneIsResubmitted) {
  // The example's 高职 软件技术 target is SUBMITTED.
  auto r = check(kSource / "config/zzjb.example.json");
  EXPECT_TRUE(contains(r.out, "专业评估已提交（评估中） · 可申报 0 人")) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("(（|，)专业评估已提交（评估中） [1-9][0-9]*）")))
      << "the exclusion's reason: " << r.out;
  EXPECT_TRUE(contains(r.out, "等待专家评估")) << "the wait-for-experts advice: " << r.out;
  EXPECT_FALSE(contains(r.out, "未通过")) << r.out;
  EXPECT_FALSE(contains(r.out, "重新提交附件1")) << r.out;

  TempDir tmp;
  fs::path config = copyExample(tmp);
  json cfg = json::parse(readFile(config));
  cfg["schools"][1]["majors"][1]["targets"][0]["evaluation"] = {{"status", "REJECTED"}};
  writeFile(config, cfg.dump(2));
  auto rejected = check(config);
  EXPECT_TRUE(contains(rejected.out, "专业评估未通过 · 可申报 0 人")) << rejected.out;
  EXPECT_TRUE(std::regex_search(rejected.out, std::regex("(（|，)专业评估未通过 [1-9][0-9]*）")))
      << rejected.out;
  EXPECT_TRUE(contains(rejected.out, "重新提交附件1")) << "the resubmit advice: " << rejected.out;
  EXPECT_TRUE(contains(rejected.out, "[EVALUATION_REJECTED]")) << rejected.out;
  EXPECT_FALSE(contains(rejected.out, "已提交（评估中）")) << rejected.out;

  // The exclusion's code stays the same in --json, its text and advice follow the state.
  auto j = json::parse(check(config, "--json").out);
  const auto& t = j["schools"][1]["targets"][1];
  EXPECT_GT(t["excludedByReason"]["EVALUATION_NOT_APPROVED"].get<int>(), 0) << t.dump();
  int byEvaluation = 0;
  for (const auto& x : t["excluded"]) {
    if (x["reason"] != "EVALUATION_NOT_APPROVED") continue;
    ++byEvaluation;
    EXPECT_EQ(x["reasonText"], "专业评估未通过") << x.dump();
    EXPECT_TRUE(contains(x.value("hint", ""), "重新提交附件1")) << x.dump();
  }
  EXPECT_GT(byEvaluation, 0) << t.dump();
}

TEST(CheckCli, UsageErrorsExitSixtyFour) {
  EXPECT_EQ(run(std::string(ZZJB_BIN) + " check").exitCode, 64);
  EXPECT_EQ(run(std::string(ZZJB_BIN) + " check -c x.json --bogus").exitCode, 64);
  EXPECT_EQ(run(std::string(ZZJB_BIN) + " frobnicate").exitCode, 64);
  auto help = run(std::string(ZZJB_BIN) + " check --help");
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_TRUE(contains(help.out, "用法：zzjb check")) << help.out;
  auto helpEn = run(std::string(ZZJB_BIN) + " check --help --lang en");
  EXPECT_EQ(helpEn.exitCode, 0);
  EXPECT_TRUE(contains(helpEn.out, "usage: zzjb check")) << helpEn.out;
}

TEST(CheckCli, NoFullIdNumberOrMobileReachesTheOutput) {
  auto r = check(kSource / "config/zzjb.example.json", "--json");
  std::string roster = readFile(kSource / "config/rosters/xuhui-zz-2027.csv");
  std::smatch m;
  std::string rest = roster;
  int ids = 0;
  while (std::regex_search(rest, m, std::regex("[0-9]{17}[0-9X]"))) {
    EXPECT_FALSE(contains(r.out, m.str())) << m.str();
    ++ids;
    rest = m.suffix();
  }
  EXPECT_GT(ids, 10);
  EXPECT_FALSE(contains(r.out, "310104198503121235"));  // the operator's
}

// ---- Issue 11: hostile input to check (classes 3, 4, 9, 12's 1e999; must-shows 2 and 3) ----
// Each gives a finding with its code, where it is and what to do, and exit 78 — never a signal,
// never a hang (every run is under `timeout`, whose 124 would fail the exit code).

// In English: these tests name the configuration's, the files' and the bundle's own words, which
// their parts word (check's own words are asserted in Chinese above).
RunResult checkWithin(const fs::path& config, const std::string& extra = "") {
  return run("timeout 60 " + std::string(ZZJB_BIN) + " check -c " +
             shellQuote(config.string()) + " " + kToday + " " + extra);
}

// The example copy with `change` applied to its JSON.
fs::path changedExample(const TempDir& tmp, const std::function<void(json&)>& change) {
  fs::path config = copyExample(tmp);
  json cfg = json::parse(readFile(config));
  change(cfg);
  writeFile(config, cfg.dump(2));
  return config;
}

// `text` with the first occurrence of `placeholder` (a JSON string) replaced by raw JSON.
std::string replaced(std::string text, const std::string& placeholder, const std::string& raw) {
  const std::string quoted = "\"" + placeholder + "\"";
  return text.replace(text.find(quoted), quoted.size(), raw);
}

std::size_t lineOf(const std::string& text, const std::string& needle) {
  return static_cast<std::size_t>(
      std::count(text.begin(), text.begin() + static_cast<long>(text.find(needle)), '\n') + 1);
}

TEST(CheckHostile, DevZeroAPipeALinkOrAHugeFileAsConfigurationIsRefusedWithExitSeventyEight) {
  auto zero =
      run("timeout 60 " + std::string(ZZJB_BIN) + " check -c /dev/zero " + kToday);
  EXPECT_EQ(zero.exitCode, 78) << zero.out << zero.err;
  EXPECT_TRUE(contains(zero.out, "不是普通文件（是设备） [FILE_NOT_REGULAR]")) << zero.out;

  TempDir tmp;
  fs::path fifo = tmp / "zzjb.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto pipe = checkWithin(fifo);
  EXPECT_EQ(pipe.exitCode, 78) << pipe.out << pipe.err;
  EXPECT_TRUE(contains(pipe.out, "不是普通文件（是管道） [FILE_NOT_REGULAR]")) << pipe.out;

  fs::create_symlink("/dev/zero", tmp / "link.json");  // never through a link (docs/security.md)
  auto link = checkWithin(tmp / "link.json");
  EXPECT_EQ(link.exitCode, 78) << link.out << link.err;
  EXPECT_TRUE(contains(link.out, "[FILE_IS_LINK]")) << link.out;

  fs::path huge = tmp / "huge.json";
  writeFile(huge, "{\"schools\": [" + std::string((4u << 20) + 1, ' ') + "]}");
  auto big = checkWithin(huge);
  EXPECT_EQ(big.exitCode, 78) << big.out;
  EXPECT_TRUE(contains(big.out, "[FILE_TOO_LARGE]")) << big.out;
  EXPECT_TRUE(contains(big.out, std::to_string(4u << 20) + " 字节"))
      << "names the limit: " << big.out;
}

TEST(CheckHostile, ACatalogThatIsADeviceOrAPipeIsAConfigurationError) {
  TempDir fifoDir;
  fs::path fifo = fifoDir / "catalog.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& catalog : {std::string("/dev/zero"), fifo.string()}) {
    TempDir tmp;
    auto config = changedExample(tmp, [&](json& c) { c["catalog"] = catalog; });
    auto r = checkWithin(config);
    EXPECT_EQ(r.exitCode, 78) << catalog << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "无法读取评价机构目录文件")) << r.out;
    EXPECT_TRUE(contains(r.out, "[FILE_NOT_REGULAR]")) << r.out;
    // The schools are still checked, without the catalog.
    EXPECT_TRUE(contains(r.out, "汽车维修工")) << r.out;
  }
}

TEST(CheckHostile, DeepNestingInOptionsOrScheduleIsAFindingWithItsLineNotACrash) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  for (const char* where : {"options", "schedule"}) {
    TempDir tmp;
    auto config = changedExample(tmp, [&](json& c) {
      if (std::string(where) == "schedule")
        c["schedule"] = "@DEEP@";
      else
        c["schools"][0]["majors"][0]["targets"][0]["options"] = {{"x", "@DEEP@"}};
    });
    std::string text = replaced(readFile(config), "@DEEP@", deep);
    writeFile(config, text);
    auto r = checkWithin(config);
    EXPECT_EQ(r.exitCode, 78) << where << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "嵌套超过 64 层")) << r.out;
    EXPECT_TRUE(contains(r.out, "[JSON_TOO_DEEP]")) << r.out;
    EXPECT_TRUE(contains(r.out, "zzjb.example.json:" + std::to_string(lineOf(text, "[[[["))))
        << r.out;
  }
}

TEST(CheckHostile, ANumberLike1e999IsAFindingWithItsLineInTheConfigurationAndTheCatalog) {
  TempDir tmp;
  auto config = changedExample(
      tmp, [](json& c) { c["schools"][0]["majors"][0]["targets"][0]["level"] = "@N@"; });
  std::string text = replaced(readFile(config), "@N@", "1e999");
  writeFile(config, text);
  auto r = checkWithin(config);
  EXPECT_EQ(r.exitCode, 78) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "[JSON_NUMBER_RANGE]")) << r.out;
  EXPECT_TRUE(contains(r.out, "zzjb.example.json:" + std::to_string(lineOf(text, "1e999"))))
      << r.out;

  TempDir tmp2;
  auto withCatalog = copyExample(tmp2);
  fs::path catalog = withCatalog.parent_path() / "catalog.example.json";
  json cat = json::parse(readFile(catalog));
  cat["version"] = "@N@";
  const std::string catText = replaced(cat.dump(2), "@N@", "-1e999");
  writeFile(catalog, catText);
  auto c = checkWithin(withCatalog);
  EXPECT_EQ(c.exitCode, 78) << c.out << c.err;
  EXPECT_TRUE(contains(c.out, "catalog.example.json:" + std::to_string(lineOf(catText, "-1e999"))))
      << c.out;
  EXPECT_TRUE(contains(c.out, "[JSON_NUMBER_RANGE]")) << c.out;
}

TEST(CheckHostile, ALevelOf4294967300IsRefusedNotReadAsFour) {
  TempDir tmp;
  auto config = changedExample(
      tmp, [](json& c) { c["schools"][0]["majors"][0]["targets"][0]["level"] = 4294967300ULL; });
  auto r = checkWithin(config, "--json");
  EXPECT_EQ(r.exitCode, 78) << r.out << r.err;
  json j = json::parse(r.out);
  bool found = false;
  for (const auto& s : j["schools"]) {
    for (const auto& f : s["findings"]) {
      if (f["code"] == "CONFIG_RANGE") {
        found = true;
        EXPECT_EQ(f["jsonPath"], "$.schools[0].majors[0].targets[0].level") << f.dump();
      }
    }
    for (const auto& t : s["targets"]) {
      EXPECT_NE(t["jsonPath"], "$.schools[0].majors[0].targets[0]")
          << "read with a level: " << t.dump();
    }
  }
  EXPECT_TRUE(found) << r.out;
}

TEST(CheckHostile, AnEmptySchoolIdIsAConfigurationErrorAndTheOtherSchoolIsStillChecked) {
  TempDir tmp;
  auto config = changedExample(tmp, [](json& c) { c["schools"][0]["id"] = ""; });
  auto r = checkWithin(config);
  EXPECT_EQ(r.exitCode, 78) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "$.schools[0].id：学校标识（$.schools[0].id）为空 [CONFIG_SCHOOL_ID]"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "pudong-gz  上海示范职业技术学院")) << r.out;
}

// Must-show 2, check's part: a school id that names another place is refused (78), and so
// `zzjb forms` for it writes nothing anywhere.
TEST(CheckHostile, APathLikeSchoolIdIsRefusedAndFormsWritesNothingForIt) {
  for (const std::string& id : {std::string("../x"), std::string("/abs/x"), std::string("..")}) {
    TempDir tmp;
    auto config = changedExample(tmp, [&](json& c) { c["schools"][0]["id"] = id; });
    auto r = checkWithin(config);
    EXPECT_EQ(r.exitCode, 78) << id << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "$.schools[0].id")) << r.out;
    EXPECT_TRUE(contains(r.out, "[CONFIG_SCHOOL_ID]")) << r.out;

    fs::create_directories(tmp / "out");
    auto before = std::distance(fs::recursive_directory_iterator(tmp.path()),
                                fs::recursive_directory_iterator());
    auto forms = run("timeout 60 " + std::string(ZZJB_BIN) + " forms -c " +
                     shellQuote(config.string()) + " --school " + shellQuote(id) + " -o " +
                     shellQuote((tmp / "out").string()) + " " + kToday);
    EXPECT_NE(forms.exitCode, 0) << forms.out << forms.err;
    EXPECT_LT(forms.exitCode, 128) << "no signal";
    EXPECT_EQ(std::distance(fs::recursive_directory_iterator(tmp.path()),
                            fs::recursive_directory_iterator()),
              before);
    EXPECT_FALSE(fs::exists("/abs/x"));
  }
}

TEST(CheckHostile, ABaseUrlThatIsNotHttpsWithAHostIsAConfigurationError) {
  for (const char* url : {"http://127.0.0.1:8443", "https://", "https://host:8443?x=1"}) {
    TempDir tmp;
    auto config = changedExample(tmp, [&](json& c) { c["platform"]["baseUrl"] = url; });
    auto r = checkWithin(config);
    EXPECT_EQ(r.exitCode, 78) << url << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "$.platform.baseUrl：平台地址（$.platform.baseUrl）")) << r.out;
    EXPECT_TRUE(contains(r.out, "[CONFIG_BASE_URL]")) << r.out;
    EXPECT_TRUE(contains(r.out, "https://主机[:端口][/路径]")) << r.out;
  }
}

// Item 9: the same settings stop `zzjb run` before any school, as a configuration error (78)
// that says what to fix — not a "platform refused" per target found only once online.
TEST(CheckHostile, RunWithABadBaseUrlOrAnEmptyCaBundleStopsBeforeAnySchoolWithSeventyEight) {
  TempDir tmp;
  auto url = changedExample(tmp, [](json& c) { c["platform"]["baseUrl"] = "http://127.0.0.1:1"; });
  auto r = run("timeout 60 " + std::string(ZZJB_BIN) + " run -c " +
               shellQuote(url.string()) + " --log-format text");
  EXPECT_EQ(r.exitCode, 78) << r.out << r.err;
  EXPECT_TRUE(contains(r.out + r.err, "platform.baseUrl")) << r.out << r.err;
  EXPECT_FALSE(contains(r.out + r.err, "平台拒绝了请求")) << r.out << r.err;

  TempDir tmp2;
  auto empty = changedExample(tmp2, [](json& c) { c["platform"]["caBundle"] = "keys/empty.pem"; });
  writeFile(empty.parent_path() / "keys/empty.pem", "no certificate here\n");
  auto e = run("timeout 60 " + std::string(ZZJB_BIN) + " run -c " +
               shellQuote(empty.string()) + " --log-format text");
  EXPECT_EQ(e.exitCode, 78) << e.out << e.err;
  EXPECT_TRUE(contains(e.out + e.err, "中没有 PEM 证书")) << e.out << e.err;
  EXPECT_FALSE(contains(e.out + e.err, "平台拒绝了请求")) << e.out << e.err;
}

TEST(CheckHostile, ACaBundleThatIsADeviceOrHoldsNoCertificateIsAConfigurationError) {
  TempDir tmp;
  auto zero = changedExample(tmp, [](json& c) { c["platform"]["caBundle"] = "/dev/zero"; });
  auto r = checkWithin(zero);
  EXPECT_EQ(r.exitCode, 78) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "不是普通文件（是设备）")) << r.out;
  EXPECT_TRUE(contains(r.out, "/dev/zero：")) << r.out;
  EXPECT_TRUE(contains(r.out, "；zzjb run 无法验证平台的 TLS 证书")) << r.out;

  TempDir tmp2;
  auto empty = changedExample(tmp2, [](json& c) { c["platform"]["caBundle"] = "keys/empty.pem"; });
  writeFile(empty.parent_path() / "keys/empty.pem",
            "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
  auto e = checkWithin(empty);
  EXPECT_EQ(e.exitCode, 78) << e.out;
  EXPECT_TRUE(contains(e.out, "中没有 PEM 证书")) << e.out;
  EXPECT_TRUE(contains(e.out, "[CA_BUNDLE_UNREADABLE]")) << e.out;
}

TEST(CheckHostile, ACertificateOrCaFileThatIsAPipeDoesNotHangTheCheck) {
  TempDir tmp;
  fs::path fifo = tmp / "cert.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto config = changedExample(tmp, [&](json& c) {
    c["schools"][0]["identity"]["certificate"] = fifo.string();
    c["trustedCAs"] = json::array({fifo.string()});
  });
  auto r = checkWithin(config);
  EXPECT_EQ(r.exitCode, 0) << "a certificate problem is a warning offline: " << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "证书不是普通文件（是管道）"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "[CERT_UNREADABLE]")) << r.out;
}

// Item 5 of the brief: nothing of a file that is not a roster is quoted back.
TEST(CheckHostile, NothingOfABrokenConfigurationCatalogOrBundleIsEchoed) {
  const std::string secret = "TOP-SECRET-7f3a9c";
  TempDir tmp;
  fs::path config = copyExample(tmp);
  fs::path dir = config.parent_path();
  writeFile(dir / "catalog.example.json", "{\"items\": [" + secret + "]}");
  writeFile(dir / "keys/ca.pem", secret + "\n");
  auto r = checkWithin(config, "--json");
  EXPECT_EQ(r.exitCode, 78) << r.out;
  EXPECT_FALSE(contains(r.out + r.err, secret)) << r.out << r.err;
  writeFile(config, secret + " {\n");
  auto c = checkWithin(config);
  EXPECT_EQ(c.exitCode, 78) << c.out;
  EXPECT_TRUE(contains(c.out, "[CONFIG_SYNTAX]")) << c.out;
  EXPECT_FALSE(contains(c.out + c.err, secret)) << c.out << c.err;
}

}  // namespace
}  // namespace zzjb::test
