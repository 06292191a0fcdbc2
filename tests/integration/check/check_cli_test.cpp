// `zzjb check` end to end: the example configuration, a broken copy of it, the same roster in
// three file formats, an xlsx whose IDs were stored as numbers, and configuration errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

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

// A copy of config/ (without keys) to break in a test.
fs::path copyExample(const TempDir& tmp) {
  fs::path dst = tmp / "config";
  fs::create_directories(dst);
  for (const char* part : {"zzjb.example.json", "catalog.example.json", "rosters", "plans"}) {
    fs::copy(kSource / "config" / part, dst / part, fs::copy_options::recursive);
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
  EXPECT_TRUE(std::regex_search(r.out, std::regex("eligible [1-9][0-9]* · excluded [0-9]+")));
  EXPECT_TRUE(contains(r.out, "0 error(s)"));

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
  EXPECT_TRUE(contains(r.out, "rosters/xuhui-zz-2027.csv:5: 证件号码")) << r.out;
  EXPECT_TRUE(contains(r.out, "check digit is")) << r.out;
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
  EXPECT_TRUE(contains(missing.out, "cannot read the configuration file"));
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
  EXPECT_TRUE(std::regex_search(r.out, std::regex("汽车维修工[^\\n]*\\n[^\\n]*eligible [1-9]")))
      << r.out;
}

TEST(CheckCli, AMissingKeyFileOrCaBundleIsWarnedAboutBeforeAPassFindsOut) {
  TempDir tmp;
  auto config = copyExample(tmp);  // without keys/: neither the keys nor the CA bundle
  auto r = check(config);
  EXPECT_TRUE(contains(r.out, "$.platform.caBundle")) << r.out;
  EXPECT_TRUE(contains(r.out, "[CA_BUNDLE_UNREADABLE]")) << r.out;
  EXPECT_TRUE(contains(r.out, "$.schools[0].identity.key")) << r.out;
  EXPECT_TRUE(contains(r.out, "[KEY_FILE_MISSING]")) << r.out;
  // The example itself (keys made by scripts/make-example-keys.sh) has neither warning.
  auto clean = check(kSource / "config/zzjb.example.json");
  EXPECT_FALSE(contains(clean.out, "CA_BUNDLE_UNREADABLE")) << clean.out;
  EXPECT_FALSE(contains(clean.out, "KEY_FILE_MISSING")) << clean.out;
}

TEST(CheckCli, UsageErrorsExitSixtyFour) {
  EXPECT_EQ(run(std::string(ZZJB_BIN) + " check").exitCode, 64);
  EXPECT_EQ(run(std::string(ZZJB_BIN) + " check -c x.json --bogus").exitCode, 64);
  EXPECT_EQ(run(std::string(ZZJB_BIN) + " frobnicate").exitCode, 64);
  auto help = run(std::string(ZZJB_BIN) + " check --help");
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_TRUE(contains(help.out, "usage: zzjb check"));
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

}  // namespace
}  // namespace zzjb::test
