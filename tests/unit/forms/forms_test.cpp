// Tests of renderEvaluationApplication (附件1) and renderAccountApplication (附件2): every label of
// the notices, values in the right cells, office and window, row padding, blanks, escaping.
#include "zzjb/core/forms.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace zzjb {
namespace {

Target target(std::string occupation, int level) {
  Target t;
  t.type = "social-org";
  t.occupationName = std::move(occupation);
  t.level = level;
  return t;
}

School secondarySchool() {
  School s;
  s.id = "fengjing-zz";
  s.name = "上海市枫泾示例职业学校";
  s.level = SchoolLevel::Secondary;
  s.legalRepresentative = "王建国";
  s.district = "金山区";
  s.address = "上海市金山区枫泾镇示例路100号";
  s.leader = {"李分管", "13800138000"};
  s.contact = {"张联系", "13900139000"};
  s.platformOperator = {"赵操作", "310104198503124620"};
  s.dualCertificateProgram = true;
  Major it{.name = "计算机应用", .trainingPlan = {}, .targets = {}, .jsonPath = {}};
  it.targets = {target("计算机程序设计员", 4), target("网络与信息安全管理员", 4)};
  Major shop{.name = "电子商务", .trainingPlan = {}, .targets = {}, .jsonPath = {}};
  shop.targets = {target("电子商务师", 4), target("计算机程序设计员", 4)};
  s.majors = {it, shop};
  return s;
}

School higherSchool() {
  School s = secondarySchool();
  s.name = "上海示例职业技术学院";
  s.level = SchoolLevel::Higher;
  for (Major& m : s.majors) {
    for (Target& t : m.targets) t.level = 3;
  }
  return s;
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size()))
    ++n;
  return n;
}

// The text inside the element carrying data-field="field"; nullopt when there is none.
std::optional<std::string> field(const std::string& html, const std::string& name) {
  const std::string key = "data-field=\"" + name + "\"";
  auto p = html.find(key);
  if (p == std::string::npos) return std::nullopt;
  EXPECT_EQ(html.find(key, p + 1), std::string::npos) << "field twice: " << name;
  auto open = html.find('>', p);
  auto close = html.find("</", open);
  return html.substr(open + 1, close - open - 1);
}

// Checks that every row of the table spans `columns` columns, rowspans included.
void expectGrid(const std::string& html, int columns) {
  std::vector<int> occupied(static_cast<std::size_t>(columns) + 8, 0);  // rows left per column
  std::size_t rows = 0;
  for (auto tr = html.find("<tr"); tr != std::string::npos; tr = html.find("<tr", tr + 1)) {
    auto end = html.find("</tr>", tr);
    ASSERT_NE(end, std::string::npos);
    const std::string row = html.substr(tr, end - tr);
    std::size_t col = 0;
    for (auto td = row.find("<td"); td != std::string::npos; td = row.find("<td", td + 1)) {
      const std::string tag = row.substr(td, row.find('>', td) - td);
      auto attr = [&tag](const std::string& name) {
        auto a = tag.find(name + "=\"");
        return a == std::string::npos ? 1 : std::stoi(tag.substr(a + name.size() + 2));
      };
      while (col < occupied.size() && occupied[col] > 0) ++col;
      for (int i = 0; i < attr("colspan") && col < occupied.size(); ++i)
        occupied[col++] = attr("rowspan");
    }
    std::size_t width = 0;
    for (int& left : occupied) {
      if (left > 0) ++width;
      if (left > 0) --left;
    }
    EXPECT_EQ(width, static_cast<std::size_t>(columns)) << "row " << rows << ": " << row;
    ++rows;
  }
  EXPECT_GT(rows, 0u);
  EXPECT_EQ(count(html, "<td"), count(html, "</td>"));
  EXPECT_EQ(count(html, "<tr"), count(html, "</tr>"));
}

const Date kNov27{2026, 11, 27};

TEST(HtmlEscape, EscapesTheFiveCharacters) {
  EXPECT_EQ(htmlEscape(R"(<a href="x">'&'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(htmlEscape("计算机程序设计员"), "计算机程序设计员");
  EXPECT_EQ(htmlEscape(""), "");
}

TEST(EvaluationApplication, IsSelfContainedPrintableA4) {
  const std::string html = renderEvaluationApplication(secondarySchool(), kNov27);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html.find("@page { size: A4; margin: 15mm; }"), std::string::npos);
  EXPECT_NE(html.find("\"Noto Sans CJK SC\", \"WenQuanYi Zen Hei\", \"Source Han Sans SC\", "
                      "\"Microsoft YaHei\",\n    \"SimSun\", sans-serif"),
            std::string::npos);
  EXPECT_NE(html.find("border: 1px solid #000"), std::string::npos);
  for (const char* bad : {"<script", "http:", "https:", " src=", "<link", "@import", "url("})
    EXPECT_EQ(html.find(bad), std::string::npos) << bad;
  EXPECT_NE(html.find("<title>上海市枫泾示例职业学校 — 职业技能评价专业评估申请表</title>"),
            std::string::npos);
  expectGrid(html, 4);
}

TEST(EvaluationApplication, HasEveryLabelOfTheNotice) {
  const std::string html = renderEvaluationApplication(secondarySchool(), kNov27);
  for (const char* label :
       {"<h1>职业技能评价专业评估申请表</h1>",
        ">申请学校名称<",
        ">法人代表<",
        ">负责人<br>(分管领导)<",
        ">联系方式<",
        ">联系人<",
        ">联系地址<",
        ">申请专业及申报职业(工种)<",
        ">序号<",
        ">申请专业名称<",
        ">申报职业(工种)名称<",
        ">等级<",
        ">申请学校意见<",
        ">盖章:<br>日期:<",
        "说明:",
        "附件1",
        "申请材料包括职业技能评价专业评估申请表及各申请专业的人才培养方案等佐证材料。",
        "申请专业按需可申报多个职业(工种)及等级。",
        "可申报职业(工种)名称及等级参照上海市人力资源和社会保障局官网“关于本市职业技能等级认定"
        "评价机构及评价职业工种信息公告”相关内容填写。",
        "申请材料一式三份并加盖学校公章。"})
    EXPECT_NE(html.find(label), std::string::npos) << label;
  EXPECT_EQ(count(html, ">联系方式<"), 2u);
  EXPECT_EQ(count(html, "<li>"), 4u);
  // The 高职 notice writes the seal label without colons.
  EXPECT_NE(renderEvaluationApplication(higherSchool(), kNov27).find(">盖章<br>日期<"),
            std::string::npos);
}

TEST(EvaluationApplication, PutsValuesInTheirCells) {
  const std::string html = renderEvaluationApplication(secondarySchool(), kNov27);
  EXPECT_EQ(field(html, "name"), "上海市枫泾示例职业学校");
  EXPECT_EQ(field(html, "legalRepresentative"), "王建国");
  EXPECT_EQ(field(html, "leader"), "李分管");
  EXPECT_EQ(field(html, "leader-mobile"), "13800138000");
  EXPECT_EQ(field(html, "contact"), "张联系");
  EXPECT_EQ(field(html, "contact-mobile"), "13900139000");
  EXPECT_EQ(field(html, "address"), "上海市金山区枫泾镇示例路100号");
  // One row per (major, target), in config order; 计算机程序设计员 appears under both majors.
  const std::vector<std::vector<std::string>> rows = {
      {"1", "计算机应用", "计算机程序设计员", "四级/中级工"},
      {"2", "计算机应用", "网络与信息安全管理员", "四级/中级工"},
      {"3", "电子商务", "电子商务师", "四级/中级工"},
      {"4", "电子商务", "计算机程序设计员", "四级/中级工"}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    EXPECT_EQ(field(html, "row-" + n + "-no"), rows[i][0]);
    EXPECT_EQ(field(html, "row-" + n + "-major"), rows[i][1]);
    EXPECT_EQ(field(html, "row-" + n + "-occupation"), rows[i][2]);
    EXPECT_EQ(field(html, "row-" + n + "-level"), rows[i][3]);
  }
  // Label and value stand side by side, as on the paper.
  EXPECT_NE(html.find(">法人代表</td><td class=\"v\" data-field=\"legalRepresentative\">王建国<"),
            std::string::npos);
  EXPECT_EQ(field(html, "opinion"), "");
  EXPECT_EQ(field(html, "seal"), "");
  // 附件1 carries no personal ID number and no keyID.
  EXPECT_EQ(html.find("310104198503124620"), std::string::npos);
}

TEST(EvaluationApplication, SecondaryGoesToTheResearchOfficeOnEightRows) {
  const std::string html = renderEvaluationApplication(secondarySchool(), kNov27);
  EXPECT_EQ(field(html, "office"), "市教委教研室");
  EXPECT_EQ(field(html, "office-full"), "上海市教育委员会教学研究室");
  EXPECT_EQ(html.find("职教处"), std::string::npos);
  EXPECT_NE(html.find("一式三份，加盖学校公章"), std::string::npos);
  EXPECT_EQ(count(html, "<tr class=\"row\">"), 8u);
  EXPECT_TRUE(field(html, "row-8-major").has_value());
  EXPECT_FALSE(field(html, "row-9-major").has_value());
  for (int i = 5; i <= 8; ++i) {
    const std::string n = std::to_string(i);
    EXPECT_EQ(field(html, "row-" + n + "-no"), "") << i;
    EXPECT_EQ(field(html, "row-" + n + "-major"), "") << i;
    EXPECT_EQ(field(html, "row-" + n + "-occupation"), "") << i;
    EXPECT_EQ(field(html, "row-" + n + "-level"), "") << i;
  }
}

TEST(EvaluationApplication, HigherGoesToTheVocationalDivisionOnTenRows) {
  const std::string html = renderEvaluationApplication(higherSchool(), kNov27);
  EXPECT_EQ(field(html, "office"), "市教委职教处");
  EXPECT_EQ(field(html, "office-full"), "上海市教育委员会职业教育处");
  EXPECT_EQ(html.find("教研室"), std::string::npos);
  EXPECT_EQ(count(html, "<tr class=\"row\">"), 10u);
  EXPECT_EQ(field(html, "row-1-level"), "三级/高级工");
  EXPECT_EQ(field(html, "row-10-major"), "");
  expectGrid(html, 4);
}

TEST(EvaluationApplication, GrowsBeyondThePaperRowsWhenThereAreMoreTargets) {
  School s = secondarySchool();
  s.majors[0].targets.clear();
  for (int i = 0; i < 11; ++i) s.majors[0].targets.push_back(target("职业" + std::to_string(i), 4));
  const std::string html = renderEvaluationApplication(s, kNov27);
  EXPECT_EQ(count(html, "<tr class=\"row\">"), 13u);
  EXPECT_EQ(field(html, "row-13-no"), "13");
  EXPECT_EQ(field(html, "row-13-occupation"), "计算机程序设计员");
  EXPECT_EQ(field(html, "row-11-occupation"), "职业10");
  // The notice's 8 rows on the first page, the other 5 on a second page that repeats the title and
  // the column headers; the opinion, seal and notes once, after the last row.
  const std::size_t second = html.find("<section class=\"page\">", html.find("<section class=\"page\">") + 1);
  ASSERT_NE(second, std::string::npos);
  const std::string first = html.substr(0, second), rest = html.substr(second);
  EXPECT_EQ(count(first, "<tr class=\"row\">"), 8u);
  EXPECT_EQ(count(rest, "<tr class=\"row\">"), 5u);
  EXPECT_EQ(count(html, "<section class=\"page\">"), 2u);
  EXPECT_NE(rest.find("<h1>职业技能评价专业评估申请表（续表）</h1>"), std::string::npos);
  EXPECT_NE(rest.find(">序号</td><td class=\"l\">申请专业名称</td>"), std::string::npos);
  EXPECT_NE(first.find("（续表见下页）"), std::string::npos);
  for (const char* once : {"data-field=\"opinion\"", "data-field=\"seal\"", "说明:"}) {
    EXPECT_EQ(count(first, once), 0u) << once;
    EXPECT_EQ(count(rest, once), 1u) << once;
    EXPECT_GT(rest.find(once), rest.find("data-field=\"row-13-no\"")) << once;
  }
  EXPECT_EQ(count(rest, "data-field=\"name\""), 0u) << "the school's fields are on the first page only";
}

TEST(EvaluationApplication, NamesTheNextWindow) {
  const School s = secondarySchool();
  EXPECT_EQ(field(renderEvaluationApplication(s, kNov27), "window"), "2027年4月受理");
  EXPECT_EQ(field(renderEvaluationApplication(s, {2027, 4, 10}), "window"),
            "本月受理（2027年4月）");
  EXPECT_EQ(field(renderEvaluationApplication(s, {2027, 5, 1}), "window"), "2027年10月受理");
  EXPECT_EQ(field(renderEvaluationApplication(s, {2027, 10, 31}), "window"),
            "本月受理（2027年10月）");
  EXPECT_EQ(field(renderEvaluationApplication(s, {2027, 1, 15}), "window"), "2027年4月受理");
}

TEST(EvaluationApplication, LeavesMissingFieldsBlank) {
  School s;
  s.name = "上海市空白职业学校";
  const std::string html = renderEvaluationApplication(s, kNov27);
  for (const char* f :
       {"legalRepresentative", "leader", "leader-mobile", "contact", "contact-mobile", "address",
        "row-1-no", "row-1-major", "row-1-occupation", "row-1-level"})
    EXPECT_EQ(field(html, f), "") << f;
  EXPECT_EQ(count(html, "<tr class=\"row\">"), 8u);
  EXPECT_NE(html.find(">法人代表</td><td class=\"v\" data-field=\"legalRepresentative\"></td>"),
            std::string::npos);
  for (const char* invented :
       {"N/A", "n/a", "null", "undefined", "未填", "待填", "无", "TODO", "XXX", "0000"})
    EXPECT_EQ(html.find(invented), std::string::npos) << invented;

  // A target without a valid level leaves the level blank, not "0".
  s.majors = {Major{
      .name = "烹饪", .trainingPlan = {}, .targets = {target("中式烹调师", 0)}, .jsonPath = {}}};
  const std::string one = renderEvaluationApplication(s, kNov27);
  EXPECT_EQ(field(one, "row-1-occupation"), "中式烹调师");
  EXPECT_EQ(field(one, "row-1-level"), "");
}

TEST(EvaluationApplication, EscapesEverything) {
  School s = secondarySchool();
  s.name = "<script>alert(1)</script>学校";
  s.address = "A & B \"路\" 'x'";
  s.majors[0].name = "<b>专业</b>";
  s.majors[0].targets[0].occupationName = "<img src=x onerror=alert(1)>";
  const std::string html = renderEvaluationApplication(s, kNov27);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>专业"), std::string::npos);
  EXPECT_EQ(field(html, "name"), "&lt;script&gt;alert(1)&lt;/script&gt;学校");
  EXPECT_EQ(field(html, "address"), "A &amp; B &quot;路&quot; &#39;x&#39;");
  EXPECT_EQ(field(html, "row-1-major"), "&lt;b&gt;专业&lt;/b&gt;");
  EXPECT_NE(html.find("<title>&lt;script&gt;alert(1)&lt;/script&gt;学校 — "), std::string::npos);
}

TEST(Forms, WriteValidMobilesAsElevenDigitsAndOthersAsWritten) {
  School s = secondarySchool();
  s.leader.mobile = "+86 137-2222-0004";
  s.contact.mobile = "021-6474 1234";  // not a mobile: printed as the config has it
  for (const std::string& html :
       {renderEvaluationApplication(s, kNov27), renderAccountApplication(s, "K")}) {
    EXPECT_EQ(field(html, "leader-mobile"), "13722220004");
    EXPECT_EQ(field(html, "contact-mobile"), "021-6474 1234");
  }
}

TEST(AccountApplication, IsSelfContainedPrintableA4) {
  const std::string html = renderAccountApplication(secondarySchool(), "KEY-1");
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html.find("@page { size: A4; margin: 15mm; }"), std::string::npos);
  for (const char* bad : {"<script", "http:", "https:", " src=", "<link", "@import", "url("})
    EXPECT_EQ(html.find(bad), std::string::npos) << bad;
  EXPECT_NE(html.find("<title>上海市枫泾示例职业学校 — 上海市人力资源和社会保障自助经办平台职业技能"
                      "评价团体申报开户申请表（学校）</title>"),
            std::string::npos);
  expectGrid(html, 6);
}

TEST(AccountApplication, HasEveryLabelOfTheNotice) {
  const std::string html = renderAccountApplication(secondarySchool(), "KEY-1");
  for (const char* label :
       {"上海市人力资源和社会保障自助经办平台职业技能评价",
        "团体申报开户申请表（学校）",
        ">学校名称<",
        ">法人代表<",
        ">所属区<",
        ">负责人<br>(分管领导)<",
        ">联系方式<",
        ">(手机)<",
        ">联系人<",
        ">平台操作人员姓名<",
        ">平台操作人员<br>身份证号<",
        ">对应的经办人 keyID<",
        ">是否<br>双证融通项目<",
        ">申请的职业<br>(工种)及等级<",
        ">职业(工种)名称<",
        ">等级<",
        ">申报单位<br>意见<",
        "经办人:",
        "申报单位(盖章):",
        "日期:",
        "说明:",
        "附件2",
        "此表签字盖章后原件交至天山路1800号4号楼1楼窗口，联系电话62748577-4112。",
        "“对应的经办人 keyID”，请填写“通过协卡助手——证书管理——签名证书——通用实体唯一标识号”"
        "下的完整字符。"})
    EXPECT_NE(html.find(label), std::string::npos) << label;
  EXPECT_EQ(count(html, ">联系方式<"), 2u);
  EXPECT_EQ(count(html, ">(手机)<"), 2u);
  EXPECT_EQ(count(html, "日期:"), 2u);
  EXPECT_EQ(count(html, "<li>"), 2u);
}

TEST(AccountApplication, PutsValuesInTheirCells) {
  const std::string html = renderAccountApplication(secondarySchool(), "SHECA-0042-ABCDEF");
  EXPECT_EQ(field(html, "name"), "上海市枫泾示例职业学校");
  EXPECT_EQ(field(html, "legalRepresentative"), "王建国");
  EXPECT_EQ(field(html, "district"), "金山区");
  EXPECT_EQ(field(html, "leader"), "李分管");
  EXPECT_EQ(field(html, "leader-phone"), "");
  EXPECT_EQ(field(html, "leader-mobile"), "13800138000");
  EXPECT_EQ(field(html, "contact"), "张联系");
  EXPECT_EQ(field(html, "contact-mobile"), "13900139000");
  EXPECT_EQ(field(html, "operator"), "赵操作");
  EXPECT_EQ(field(html, "operator-id"), "310104198503124620");  // in full: the centre needs it
  EXPECT_EQ(field(html, "keyId"), "SHECA-0042-ABCDEF");
  EXPECT_EQ(field(html, "dualCertificateProgram"), "是");
  EXPECT_NE(html.find(">(手机)</td><td class=\"v\" data-field=\"leader-mobile\">13800138000<"),
            std::string::npos);
}

TEST(AccountApplication, ListsEachOccupationAndLevelOnce) {
  School s = secondarySchool();
  s.majors[1].targets.push_back(target("电子商务师", 3));  // same occupation, other level: kept
  const std::string html = renderAccountApplication(s, "");
  EXPECT_EQ(field(html, "row-1-occupation"), "计算机程序设计员");
  EXPECT_EQ(field(html, "row-1-level"), "四级/中级工");
  EXPECT_EQ(field(html, "row-2-occupation"), "网络与信息安全管理员");
  EXPECT_EQ(field(html, "row-3-occupation"), "电子商务师");
  EXPECT_EQ(field(html, "row-3-level"), "四级/中级工");
  EXPECT_EQ(field(html, "row-4-occupation"), "电子商务师");
  EXPECT_EQ(field(html, "row-4-level"), "三级/高级工");
  EXPECT_EQ(field(html, "row-5-occupation"), "");
  EXPECT_EQ(count(html, ">计算机程序设计员<"), 1u);
  EXPECT_EQ(count(html, "<tr class=\"row\">"), 9u);
  EXPECT_NE(html.find("rowspan=\"10\">申请的职业<br>(工种)及等级<"), std::string::npos);
  EXPECT_FALSE(field(html, "row-10-occupation").has_value());
}

TEST(AccountApplication, GrowsBeyondNineRows) {
  School s = secondarySchool();
  for (int i = 0; i < 12; ++i) s.majors[1].targets.push_back(target("职业" + std::to_string(i), 4));
  const std::string html = renderAccountApplication(s, "K");
  EXPECT_EQ(count(html, "<tr class=\"row\">"), 15u);
  EXPECT_EQ(field(html, "row-15-occupation"), "职业11");
  // The notice's 9 rows on the first page, 6 on the next under the title and headers again; the
  // 申报单位意见 and signatures once, after the last row.
  EXPECT_EQ(count(html, "<section class=\"page\">"), 2u);
  EXPECT_NE(html.find("rowspan=\"10\">申请的职业<br>(工种)及等级<"), std::string::npos);
  EXPECT_NE(html.find("rowspan=\"7\">申请的职业<br>(工种)及等级<"), std::string::npos);
  EXPECT_NE(html.find("团体申报开户申请表（学校）（续表）"), std::string::npos);
  EXPECT_EQ(count(html, "data-field=\"opinion\""), 1u);
  EXPECT_GT(html.find("data-field=\"opinion\""), html.find("data-field=\"row-15-occupation\""));
  EXPECT_GT(html.find("data-field=\"row-10-occupation\""), html.find("（续表见下页）"));
  expectGrid(html, 6);
}

TEST(AccountApplication, DualCertificateIsYesNoOrBlank) {
  School s = secondarySchool();
  s.dualCertificateProgram = true;
  EXPECT_EQ(field(renderAccountApplication(s, "K"), "dualCertificateProgram"), "是");
  s.dualCertificateProgram = false;
  EXPECT_EQ(field(renderAccountApplication(s, "K"), "dualCertificateProgram"), "否");
  s.dualCertificateProgram.reset();
  const std::string html = renderAccountApplication(s, "K");
  EXPECT_EQ(field(html, "dualCertificateProgram"), "");
  EXPECT_EQ(html.find(">否<"), std::string::npos);
  EXPECT_EQ(html.find(">是<"), std::string::npos);
}

TEST(AccountApplication, LeavesMissingFieldsBlank) {
  School s;
  s.identity.key = "file:keys/s.key";  // a key, but no certificate read: the keyID for the pen
  const std::string html = renderAccountApplication(s, "");
  for (const char* f : {"name", "legalRepresentative", "district", "leader", "leader-mobile",
                        "contact", "contact-mobile", "operator", "operator-id", "keyId",
                        "dualCertificateProgram", "row-1-occupation", "row-1-level"})
    EXPECT_EQ(field(html, f), "") << f;
  EXPECT_NE(html.find("<title>上海市人力资源和社会保障自助经办平台"), std::string::npos);
  EXPECT_EQ(count(html, "<tr class=\"row\">"), 9u);
  for (const char* invented : {"N/A", "n/a", "null", "undefined", "未填", "待填", "TODO", "XXX"})
    EXPECT_EQ(html.find(invented), std::string::npos) << invented;
}

TEST(AccountApplication, EscapesEverything) {
  School s = secondarySchool();
  s.name = "<script>alert(1)</script>";
  s.district = "\"><i>";
  const std::string html = renderAccountApplication(s, "<k&y>");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
  EXPECT_EQ(field(html, "name"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(field(html, "district"), "&quot;&gt;&lt;i&gt;");
  EXPECT_EQ(field(html, "keyId"), "&lt;k&amp;y&gt;");
}

}  // namespace
}  // namespace zzjb

namespace zzjb {
namespace {

TEST(AccountApplication, MarksTheKeyIdBlankOfASchoolWithoutACaKey) {
  School s = secondarySchool();
  const std::string html = renderAccountApplication(s, "");
  const auto cell = field(html, "keyId");
  ASSERT_TRUE(cell.has_value());
  EXPECT_NE(cell->find("data-note=\"keyId\""), std::string::npos) << *cell;
  EXPECT_NE(cell->find("法人一证通"), std::string::npos) << *cell;
  s.identity.key = "pkcs11:token=x";
  EXPECT_EQ(field(renderAccountApplication(s, ""), "keyId"), "");
  EXPECT_EQ(field(renderAccountApplication(s, "SHECA-1"), "keyId"), "SHECA-1");
}

TEST(Forms, TheProgramsBoxIsForTheScreenOnly) {
  for (const std::string& html : {renderEvaluationApplication(secondarySchool(), kNov27),
                                  renderAccountApplication(secondarySchool(), "K")}) {
    EXPECT_NE(html.find("data-note=\"submit\""), std::string::npos);
    EXPECT_NE(html.find("@media print { .note { display: none; } }"), std::string::npos);
  }
}

}  // namespace
}  // namespace zzjb
