// `zzjb check` applies the plugins' rules: an employer target declares only the students whose
// 实习单位 names the employer, and needs the cooperation agreement number in its options.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_support.hpp"
#include "zzjb/core/identifiers.hpp"

namespace zzjb::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSource = ZZJB_SOURCE_DIR;

std::string validId(int seq) {
  std::string first17 = "31011520080512" + std::to_string(101 + seq * 2);  // odd: male
  return first17 + residentIdCheckChar(first17).value();
}

// The example's 高职 school alone, with a CSV roster of three 汽车检测与维修技术 students.
fs::path employerConfig(const TempDir& tmp, const json& options) {
  json cfg = json::parse(readFile(kSource / "config/zzjb.example.json"));
  cfg["catalog"] = (kSource / "config/catalog.example.json").string();
  cfg["platform"]["caBundle"] = (kSource / "config/keys/ca.pem").string();  // check needs it
  cfg.erase("plugins");  // the bundled plugins, next to zzjb in the build tree
  json school = cfg["schools"][1];
  school.erase("identity");
  json major = school["majors"][0];
  major.erase("trainingPlan");
  major["targets"][0].erase("options");
  if (!options.is_null()) major["targets"][0]["options"] = options;
  school["majors"] = json::array({major});
  school["rosters"] = json::array({"roster.csv"});
  cfg["schools"] = json::array({school});
  writeFile(tmp / "roster.csv",
            "姓名,证件类型,证件号码,性别,手机号码,专业,班级,毕业年份,实习单位\n"
            "张伟,居民身份证," + validId(1) + ",男,13812340011,汽车检测与维修技术,汽修2401,2027,"
            "上海示范汽车服务有限公司\n"
            "王强,居民身份证," + validId(2) + ",男,13812340012,汽车检测与维修技术,汽修2401,2027,"
            "上海另一家汽车修理厂\n"
            "赵磊,居民身份证," + validId(3) + ",男,13812340013,汽车检测与维修技术,汽修2401,2027,\n");
  fs::path config = tmp / "zzjb.json";
  writeFile(config, cfg.dump(2));
  return config;
}

json checkJson(const fs::path& config, int expectedExit, const std::string& flags = "") {
  auto r = run(std::string(ZZJB_BIN) + " check --json --today 2026-11-27 " + flags + " -c " +
               shellQuote(config.string()));
  EXPECT_EQ(r.exitCode, expectedExit) << r.out << r.err;
  return json::parse(r.out);
}

TEST(CheckWithPlugins, EmployerTargetExcludesAStudentPlacedElsewhereWithThePluginsReason) {
  TempDir tmp;
  json j = checkJson(employerConfig(tmp, {{"agreementNo", "沪校企合〔2026〕012号"}}), 0);
  const json& t = j["schools"][0]["targets"][0];
  EXPECT_EQ(t["type"], "employer");
  EXPECT_EQ(t["eligibleCount"], 1);
  ASSERT_EQ(t["excluded"].size(), 2U);
  EXPECT_EQ(t["excluded"][0]["reason"], "NOT_AT_EMPLOYER");
  EXPECT_EQ(t["excluded"][0]["reasonText"], "实习单位不是该用人单位");
  EXPECT_TRUE(contains(t["excluded"][0]["hint"].get<std::string>(), "上海另一家汽车修理厂"));
  EXPECT_EQ(t["excluded"][1]["reason"], "NO_EMPLOYER");
  EXPECT_EQ(t["excludedByReason"]["NOT_AT_EMPLOYER"], 1);
  bool rowFinding = false;
  for (const auto& f : j["schools"][0]["findings"]) {
    if (f["code"] == "NOT_AT_EMPLOYER") rowFinding = f["line"] == 3;
  }
  EXPECT_TRUE(rowFinding) << j["schools"][0]["findings"].dump(2);
}

TEST(CheckWithPlugins, EmployerTargetWithoutAgreementNumberIsAConfigurationError) {
  TempDir tmp;
  json j = checkJson(employerConfig(tmp, nullptr), 78);
  bool found = false;
  for (const auto& f : j["schools"][0]["findings"]) {
    if (f["code"] != "AGREEMENT_NO_MISSING") continue;
    found = true;
    EXPECT_EQ(f["jsonPath"], "$.schools[0].majors[0].targets[0].options.agreementNo");
    EXPECT_TRUE(contains(f["hint"].get<std::string>(), "agreementNo"));
  }
  EXPECT_TRUE(found) << j.dump(2);
  EXPECT_EQ(j["schools"][0]["targets"][0]["eligibleCount"], 0);
}

// Issue 13: a plugin's own finding speaks the chosen language — Chinese by default, English with
// --lang en — in the text output and in --json.
TEST(CheckWithPlugins, APluginsFindingIsInChineseByDefaultAndInEnglishWithLangEn) {
  TempDir tmp;
  const fs::path config = employerConfig(tmp, {{"agreementNo", "1"}, {"agreementNumber", "2"}});
  const std::string cmd =
      std::string(ZZJB_BIN) + " check --today 2026-11-27 -c " + shellQuote(config.string());
  const std::string zhText = "选项“agreementNumber”不是 employer 插件的选项，已忽略";
  const std::string enText =
      "option \"agreementNumber\" is not known to the employer plugin and is ignored";

  auto zh = run(cmd);
  EXPECT_EQ(zh.exitCode, 0) << zh.out << zh.err;
  EXPECT_TRUE(contains(zh.out, zhText + " [PLUGIN_OPTION_UNKNOWN]")) << zh.out;
  EXPECT_TRUE(contains(zh.out, "检查拼写；zzjb plugins 和 docs/plugins.md 列出了各插件的选项")) << zh.out;
  EXPECT_FALSE(contains(zh.out, "is not known")) << zh.out;

  auto en = run(std::string(ZZJB_BIN) + " check --lang en --today 2026-11-27 -c " +
                shellQuote(config.string()));
  EXPECT_EQ(en.exitCode, 0) << en.out << en.err;
  EXPECT_TRUE(contains(en.out, enText + " [PLUGIN_OPTION_UNKNOWN]")) << en.out;
  EXPECT_TRUE(contains(en.out, "check the spelling; `zzjb plugins` and docs/plugins.md list the "
                               "options"))
      << en.out;
  EXPECT_FALSE(contains(en.out, "不是 employer 插件的选项")) << en.out;

  for (const auto& [lang, text] : {std::pair{std::string("zh-CN"), zhText},
                                   std::pair{std::string("en"), enText}}) {
    json j = checkJson(config, 0, "--lang " + lang);
    bool found = false;
    for (const auto& f : j["schools"][0]["findings"]) {
      if (f["code"] != "PLUGIN_OPTION_UNKNOWN") continue;
      found = true;
      EXPECT_EQ(f["message"], text) << lang;
      EXPECT_EQ(f["jsonPath"], "$.schools[0].majors[0].targets[0].options.agreementNumber");
    }
    EXPECT_TRUE(found) << lang << ": " << j.dump(2);
  }
}

TEST(CheckWithPlugins, AnUnknownTypeNamesTheLoadedOnes) {
  TempDir tmp;
  fs::path config = employerConfig(tmp, {{"agreementNo", "1"}});
  json cfg = json::parse(readFile(config));
  cfg["schools"][0]["majors"][0]["targets"][0]["type"] = "apprenticeship";
  writeFile(config, cfg.dump(2));
  auto r = run(std::string(ZZJB_BIN) + " check --today 2026-11-27 -c " +
               shellQuote(config.string()));
  EXPECT_EQ(r.exitCode, 78);
  EXPECT_TRUE(contains(r.out, "未加载认定类型“apprenticeship”的插件（已加载：employer, qualification, "
                              "social-org, special-ability）"))
      << r.out;
  auto en = run(std::string(ZZJB_BIN) + " check --lang en --today 2026-11-27 -c " +
                shellQuote(config.string()));
  EXPECT_TRUE(contains(en.out, "no plugin for the target type \"apprenticeship\" is loaded (loaded: "
                               "employer, qualification, social-org, special-ability)"))
      << en.out;
}

}  // namespace
}  // namespace zzjb::test
