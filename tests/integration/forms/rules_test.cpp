// `zzjb forms` follows the rules `zzjb check` does (issue 15, docs/forms.md "What each form
// lists"): a 中职 target at 三级, an organisation not registered for the occupation and a rejected
// 专业评估 are left off the paper with their finding and exit 65; --include-invalid prints them
// marked; by default 附件1 holds only what still needs its 专业评估 and 附件2 what can be asked for.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "test_support.hpp"

namespace zzjb::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kBin = ZZJB_CLI;
const fs::path kSource = ZZJB_SOURCE_DIR;

json occupationTarget(const std::string& name, int level, const std::string& status,
                      const std::string& orgCredit = "52310000MJ1A2B3C9Q") {
  json t = {{"type", "social-org"},
            {"occupationCode", "4-04-05-01"},
            {"occupationName", name},
            {"level", level},
            {"evaluationOrg", {{"name", "上海示范信息技术技能评价中心"}, {"creditCode", orgCredit}}},
            {"evaluation", {{"status", status}}}};
  if (status == "APPROVED") {
    t["evaluation"]["opinionNo"] = "沪职鉴评〔2026〕017号";
    t["evaluation"]["date"] = "2026-05-12";
  }
  return t;
}

// The example configuration with xuhui-zz's 计算机应用 given a target of each kind. The occupation
// names are made up so that each row can be found on the paper.
struct World {
  TempDir tmp;
  fs::path config;
  World() {
    const fs::path dir = tmp / "config";
    fs::create_directories(dir);
    for (const char* part : {"zzjb.example.json", "catalog.example.json", "rosters", "plans"}) {
      if (fs::exists(kSource / "config" / part)) {
        fs::copy(kSource / "config" / part, dir / part, fs::copy_options::recursive);
      }
    }
    config = dir / "zzjb.example.json";
    json doc = json::parse(readFile(config));
    for (auto& school : doc["schools"]) {
      if (school["id"] != "xuhui-zz") continue;
      json& targets = school["majors"][0]["targets"];
      targets = json::array({occupationTarget("已通过职业", 4, "APPROVED"),
                             occupationTarget("未申请职业", 4, "NOT_APPLIED"),
                             occupationTarget("评估中职业", 4, "SUBMITTED"),
                             occupationTarget("未通过职业", 4, "REJECTED"),
                             occupationTarget("三级职业", 3, "APPROVED"),
                             // a valid credit code the catalog does not have
                             occupationTarget("未登记职业", 4, "NOT_APPLIED", "91310000MA1FL8TQ6F")});
    }
    writeFile(config, doc.dump(2));
  }
  [[nodiscard]] RunResult forms(const std::string& out, const std::string& extra = "") const {
    return run("env -u ZZJB_LANG -u LANG -u LC_MESSAGES LC_ALL=C.UTF-8 " + shellQuote(kBin) +
               " forms -c " + shellQuote(config.string()) + " --school xuhui-zz --today 2026-11-27 -o " +
               shellQuote((tmp / out).string()) + " " + extra);
  }
  [[nodiscard]] std::string form(const std::string& out, const std::string& annex) const {
    for (const auto& e : fs::directory_iterator(tmp / out)) {
      if (e.path().filename().string().find(annex) != std::string::npos) return readFile(e.path());
    }
    ADD_FAILURE() << "no " << annex << " in " << out;
    return {};
  }
};

// The line of `out` that names `what`.
std::string lineWith(const std::string& out, const std::string& what) {
  for (const std::string& line : lines(out)) {
    if (contains(line, what)) return line;
  }
  return {};
}

TEST(FormsRules, TargetsBreakingARuleAreLeftOffWithTheirFindingAndExit65) {
  World w;
  const RunResult r = w.forms("out");
  EXPECT_EQ(r.exitCode, 65) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "不符合规定")) << r.err;
  const std::string form1 = w.form("out", "附件1"), form2 = w.form("out", "附件2");
  for (const char* bad : {"三级职业", "未登记职业"}) {
    EXPECT_FALSE(contains(form1, bad)) << bad << " on 附件1";
    EXPECT_FALSE(contains(form2, bad)) << bad << " on 附件2";
  }
  // 附件1 section and 附件2 section of the output each name the finding.
  const std::string out1 = r.out.substr(0, r.out.find("附件2 "));
  const std::string out2 = r.out.substr(r.out.find("附件2 "));
  for (const std::string& part : {out1, out2}) {
    const std::string level = lineWith(part, "三级职业");
    EXPECT_TRUE(contains(level, "[LEVEL_NOT_ALLOWED]")) << part;
    EXPECT_TRUE(contains(level, "错误")) << level;
    EXPECT_TRUE(contains(lineWith(part, "未登记职业"), "[ORG_NOT_REGISTERED]")) << part;
  }
  // A rejected 专业评估: on 附件1 to apply again, off 附件2 with what to do.
  EXPECT_TRUE(contains(form1, "未通过职业"));
  EXPECT_FALSE(contains(form2, "未通过职业"));
  const std::string rejected = lineWith(out2, "未通过职业");
  EXPECT_TRUE(contains(rejected, "[EVALUATION_REJECTED]")) << out2;
  EXPECT_TRUE(contains(rejected, "按专家组评估意见")) << rejected;
}

TEST(FormsRules, By_default附件1HoldsOnlyWhatStillNeedsItsEvaluation) {
  World w;
  const RunResult r = w.forms("out");
  const std::string form1 = w.form("out", "附件1"), form2 = w.form("out", "附件2");
  EXPECT_TRUE(contains(form1, "未申请职业"));
  EXPECT_TRUE(contains(form1, "未通过职业"));
  EXPECT_FALSE(contains(form1, "已通过职业"));
  EXPECT_FALSE(contains(form1, "评估中职业"));
  EXPECT_TRUE(contains(lineWith(r.out, "已通过职业"), "[EVALUATION_APPROVED]")) << r.out;
  // 附件2: the approved one only (the others wait for their 专业评估).
  EXPECT_TRUE(contains(form2, "已通过职业"));
  EXPECT_FALSE(contains(form2, "未申请职业"));
  EXPECT_TRUE(contains(r.out, "[EVALUATION_NOT_APPROVED]")) << r.out;
  // The 人才培养方案 to attach to 附件1.
  EXPECT_TRUE(contains(r.out, "随附件1 递交的人才培养方案")) << r.out;
  EXPECT_TRUE(contains(r.out, "xuhui-zz-计算机应用.txt")) << r.out;
}

TEST(FormsRules, IncludeInvalidPrintsThemMarkedAndAllListsEveryLawfulTarget) {
  World w;
  const RunResult marked = w.forms("marked", "--include-invalid");
  EXPECT_EQ(marked.exitCode, 65) << marked.out << marked.err;
  const std::string form1 = w.form("marked", "附件1");
  EXPECT_TRUE(contains(form1, "三级职业<br>【不符合规定，勿递交：LEVEL_NOT_ALLOWED】")) << form1;
  EXPECT_TRUE(contains(w.form("marked", "附件2"), "【不符合规定，勿递交：EVALUATION_REJECTED】"));

  const RunResult all = w.forms("all", "--all");
  EXPECT_EQ(all.exitCode, 65) << "the rule-breaking targets are still left off";
  const std::string allForm1 = w.form("all", "附件1");
  for (const char* each : {"已通过职业", "未申请职业", "评估中职业", "未通过职业"})
    EXPECT_TRUE(contains(allForm1, each)) << each;
  EXPECT_FALSE(contains(allForm1, "三级职业"));
}

TEST(FormsRules, ASchoolWithNothingWrongExitsZero) {
  World w;
  const RunResult r = run("env -u ZZJB_LANG LC_ALL=C.UTF-8 " + shellQuote(kBin) + " forms -c " +
                          shellQuote((kSource / "config" / "zzjb.example.json").string()) +
                          " --school pudong-gz --today 2026-11-27 -o " +
                          shellQuote((w.tmp / "fine").string()));
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
}

}  // namespace
}  // namespace zzjb::test
