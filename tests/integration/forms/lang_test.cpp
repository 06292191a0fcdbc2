// `zzjb status`, `zzjb report --format html` and `zzjb forms` speak one language (issue 13,
// docs/messages.md): Chinese by default with no English sentence, English with --lang en with no
// Chinese but names, the notices' proper terms, the data and the forms' printed labels. And a
// major's 专业评估 shows in the catalog's words with its advice: 已提交（评估中） with the wait for
// the experts, 未通过 with the resubmission.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "language_check.hpp"
#include "test_support.hpp"
#include "zzjb/core/domain.hpp"
#include "zzjb/core/eligibility.hpp"
#include "zzjb/messages/catalog.hpp"

namespace zzjb::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kBin = ZZJB_CLI;
const fs::path kSource = ZZJB_SOURCE_DIR;
const std::string kToday = " --today 2027-03-10";  // 22 days before the April window

// The example configuration with pudong-gz's 软件技术 SUBMITTED (as shipped) and xuhui-zz's
// 机电技术应用 REJECTED by the experts.
struct World {
  TempDir tmp;
  fs::path config;
  json doc;
  World() {
    const fs::path dir = tmp / "config";
    fs::create_directories(dir);
    for (const char* part : {"zzjb.example.json", "catalog.example.json", "rosters", "plans"}) {
      if (fs::exists(kSource / "config" / part)) {
        fs::copy(kSource / "config" / part, dir / part, fs::copy_options::recursive);
      }
    }
    config = dir / "zzjb.example.json";
    doc = json::parse(readFile(config));
    for (auto& school : doc["schools"]) {
      for (auto& major : school["majors"]) {
        if (major["name"] != "机电技术应用") continue;
        for (auto& t : major["targets"]) t["evaluation"] = {{"status", "REJECTED"}};
      }
    }
    writeFile(config, doc.dump(2));
  }
  // Runs zzjb in `dir` with no language in the environment but `lang` ("" = the default).
  [[nodiscard]] RunResult zzjb(const std::string& args, const std::string& lang = "") const {
    return run("cd " + shellQuote(config.parent_path().string()) +
               " && env -u ZZJB_LANG -u LANG -u LC_MESSAGES LC_ALL=C.UTF-8 " + shellQuote(kBin) +
               (lang.empty() ? "" : " --lang " + lang) + " " + args);
  }
  [[nodiscard]] std::string cfg() const { return " -c " + shellQuote(config.string()); }

  // Every string value of the configuration: names, majors, occupations, addresses — the data.
  [[nodiscard]] std::vector<std::string> data() const {
    std::vector<std::string> out;
    std::vector<const json*> todo{&doc};
    while (!todo.empty()) {
      const json* j = todo.back();
      todo.pop_back();
      if (j->is_string()) out.push_back(j->get<std::string>());
      if (j->is_structured()) {
        for (const auto& v : *j) todo.push_back(&v);
      }
    }
    return out;
  }
};

// The text a reader sees in an HTML page: no CSS, no markup, no masked names (data).
std::string visibleText(std::string html) {
  html = std::regex_replace(html, std::regex("<style>[\\s\\S]*?</style>"), "\n");
  html = std::regex_replace(html, std::regex("<td class=\"name\">[^<]*</td>"), "\n");
  html = std::regex_replace(html, std::regex("<[^>]*>"), "\n");
  return html;
}

// Chinese that English output may keep: the notices' terms, the data, the offices' names, the
// levels, the forms' own titles and address, and — until the check part's catalog gives them in
// English — the eligibility's exclusion reasons (core/src/eligibility.cpp, not this part's).
std::vector<std::string> allowedChinese(const World& w) {
  std::vector<std::string> a = w.data();
  for (auto l : {SchoolLevel::Secondary, SchoolLevel::Higher}) {
    a.push_back(evaluationOfficeFor(l).fullName);
    a.push_back(evaluationOfficeFor(l).shortName);
    a.push_back(schoolLevelName(l));
  }
  for (int level = 1; level <= 5; ++level) a.push_back(levelName(level));
  for (auto e : {Exclusion::InvalidData, Exclusion::IdTypeNotSupported, Exclusion::NotGraduating,
                 Exclusion::Duplicate, Exclusion::EvaluationNotApproved, Exclusion::LevelNotAllowed,
                 Exclusion::OrgNotRegistered, Exclusion::TargetInvalid, Exclusion::TypeRule}) {
    a.push_back(exclusionReason(e));
  }
  for (const char* s :
       {"职业技能评价专业评估申请表", "团体申报开户申请表（学校）", "上海市职业技能鉴定中心",
        "天山路1800号4号楼1楼窗口", "天山路1800号4号楼1楼", "团体申报开户申请表", "人才培养方案",
        "社会评价组织等级认定", "用人单位等级认定", "职业技能等级认定",
        // The special-ability matter's name, and the other ability the example roster's
        // 专项能力 column names (data, shown as the roster has it).
        "专项职业能力考核", "短视频制作"}) {
    a.push_back(s);
  }
  const auto& terms = noticeTerms();
  a.insert(a.end(), terms.begin(), terms.end());
  // Longest first, so that a term inside a name does not split it.
  std::sort(a.begin(), a.end(), [](const auto& x, const auto& y) { return x.size() > y.size(); });
  return a;
}

const std::set<std::string> kNames = {"zzjb", "identity"};

std::string joinRuns(const std::vector<std::string>& runs) {
  std::string s;
  for (const auto& r : runs) s += "\n  " + r;
  return s;
}

TEST(OneVoice, StatusShowsTheEvaluationsInTheCatalogsWordsWithTheirAdvice) {
  World w;
  auto r = w.zzjb("status" + w.cfg() + kToday);
  ASSERT_EQ(r.exitCode, 0) << r.err;
  for (auto s : {EvaluationStatus::Submitted, EvaluationStatus::Rejected}) {
    const std::string name = msg::text(
        msg::Lang::ZhCN, std::string("state.evaluation.") + evaluationStatusConfigName(s));
    const std::string advice =
        msg::text(msg::Lang::ZhCN,
                  std::string("state.evaluation.") + evaluationStatusConfigName(s) + ".advice");
    EXPECT_NE(r.out.find(name + " → " + advice), std::string::npos) << name << "\n" << r.out;
  }
  EXPECT_NE(r.out.find("已提交（评估中） → 等待专家评估"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("未通过 → 按专家组评估意见修改后"), std::string::npos) << r.out;
  EXPECT_EQ(englishRuns(r.out, kNames), std::vector<std::string>{})
      << joinRuns(englishRuns(r.out, kNames));

  auto en = w.zzjb("status" + w.cfg() + kToday, "en");
  ASSERT_EQ(en.exitCode, 0) << en.err;
  EXPECT_NE(en.out.find("submitted"), std::string::npos) << en.out;
  const auto chinese = chineseRuns(en.out, allowedChinese(w));
  EXPECT_TRUE(chinese.empty()) << joinRuns(chinese);
}

TEST(OneVoice, TheHtmlReportShowsTheEvaluationsAndFollowsTheLanguage) {
  World w;
  auto r = w.zzjb("report" + w.cfg() + kToday + " --format html -o -");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("<html lang=\"zh-CN\">"), std::string::npos);
  EXPECT_NE(
      r.out.find(
          "已提交（评估中） <span class=\"hint\" data-evaluation=\"SUBMITTED\">→ 等待专家评估"),
      std::string::npos);
  EXPECT_NE(
      r.out.find(
          "未通过 <span class=\"hint\" data-evaluation=\"REJECTED\">→ 按专家组评估意见修改后"),
      std::string::npos);
  const std::string text = visibleText(r.out);
  EXPECT_TRUE(englishRuns(text, kNames).empty()) << joinRuns(englishRuns(text, kNames));

  auto en = w.zzjb("report" + w.cfg() + kToday + " --format html -o -", "en");
  ASSERT_EQ(en.exitCode, 0) << en.err;
  EXPECT_NE(en.out.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(en.out.find("data-evaluation=\"REJECTED\""), std::string::npos);
  const auto chinese = chineseRuns(visibleText(en.out), allowedChinese(w));
  EXPECT_TRUE(chinese.empty()) << joinRuns(chinese);
}

TEST(OneVoice, FormsKeepTheirChineseLabelsAndSpeakTheLanguageAroundThem) {
  World w;
  const fs::path out = w.tmp / "forms";
  auto r = w.zzjb("forms" + w.cfg() + kToday + " --school xuhui-zz -o " + shellQuote(out.string()));
  // 机电技术应用's rejected 专业评估 keeps its target off 附件2 (no permission to ask for): 65.
  ASSERT_EQ(r.exitCode, 65) << r.out << r.err;
  EXPECT_NE(r.out.find("2027年4月受理"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("不能申请开通 → 按专家组评估意见修改后"), std::string::npos) << r.out;
  EXPECT_TRUE(englishRuns(r.out, kNames).empty()) << joinRuns(englishRuns(r.out, kNames));

  const fs::path outEn = w.tmp / "forms-en";
  auto en = w.zzjb(
      "forms" + w.cfg() + kToday + " --school xuhui-zz -o " + shellQuote(outEn.string()), "en");
  ASSERT_EQ(en.exitCode, 65) << en.out << en.err;
  EXPECT_NE(en.out.find("accepted in April 2027"), std::string::npos) << en.out;
  auto chinese = chineseRuns(en.out, allowedChinese(w));
  EXPECT_TRUE(chinese.empty()) << joinRuns(chinese);
  // The forms are the notices' Chinese paper in both languages; only the note above them speaks
  // the chosen language.
  for (const auto& entry : fs::directory_iterator(outEn)) {
    const std::string html = readFile(entry.path());
    EXPECT_NE(html.find("<html lang=\"zh-CN\">"), std::string::npos);
    const std::regex note(
        "<div class=\"note\" data-note=\"submit\" lang=\"en\">([\\s\\S]*?)</div>");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(html, m, note)) << entry.path();
    chinese = chineseRuns(visibleText(m[1].str()), allowedChinese(w));
    EXPECT_TRUE(chinese.empty()) << entry.path() << joinRuns(chinese);
    const std::string zh = readFile(out / entry.path().filename());
    EXPECT_NE(zh.find("lang=\"zh-CN\"><b>送交（提示，不属于表格内容）：</b>"), std::string::npos);
  }
}

}  // namespace
}  // namespace zzjb::test
