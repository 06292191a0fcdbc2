// The employer plugin: 职业技能等级认定 by a 用人单位 (节点 用人单位等级认定). The permission is
// applied for online, with the school–enterprise cooperation agreement number; the organisation is
// an EMPLOYER, and a student qualifies only through that employer: the roster column 实习单位
// (or the one named by "rosterColumn") must name it.
// Options: "agreementNo" (required, 合作协议编号), "rosterColumn" (optional, default 实习单位).
#include "../common/helpers.hpp"
#include "zzjb/plugin/export.hpp"

namespace zzjb::plugins {
namespace {

using plugin::Severity;

const char* const kDefaultColumn = "实习单位";  // not-text: the roster column's name

std::string columnOf(const plugin::Section& s) {
  std::string c = s.text("rosterColumn");
  return c.empty() ? kDefaultColumn : c;
}

class EmployerPolicy final : public plugin::Policy {
 public:
  // ABI 2 (docs/plugins.md "ABI 2"): an occupation at the school's level, an EMPLOYER
  // organisation, 专业评估 and graduation year required, as the notices have it.
  plugin::TypeInfo info() const override {
    using plugin::tr;
    plugin::TypeInfo i;
    i.id = "employer";
    i.matter = "职业技能等级认定";  // not-text: the platform's name
    i.node = "用人单位等级认定";    // not-text: the platform's name
    i.permission = plugin::Permission::AppliedOnline;
    i.shape.scope = plugin::Scope::Occupation;
    i.shape.level = plugin::LevelRule::SchoolLevel;
    i.shape.org = plugin::OrgKind::Employer;
    i.shape.needsEvaluation = true;
    i.shape.needsGraduationYear = true;
    i.description = tr("由学生实习所在的用人单位进行职业技能等级认定",
                       "skill-level recognition (职业技能等级认定) by the employer the students are "
                       "placed with");
    i.options = {
        textOptionSpec("agreementNo", true,
                       tr("校企合作协议编号（合作协议编号），随权限申请提交",
                          "the school–enterprise cooperation agreement number (合作协议编号), sent "
                          "with the permission application"),
                       "沪校企合〔2026〕012号"),  // not-text: an example value
        rosterColumnSpec(kDefaultColumn, tr("学生实习单位", "the student's employer"))};
    // not-text: begin (an example configuration: the catalog's employer and occupation)
    i.example.target =
        R"({"type": "employer", "occupationCode": "4-12-01-01", "occupationName": "汽车维修工", )"
        R"("level": 4, "evaluationOrg": {"name": "上海示范汽车服务有限公司", )"
        R"("creditCode": "91310115MA1K9Q7D84"}, "evaluation": {"status": "APPROVED", )"
        R"("opinionNo": "沪教职评〔2026〕031号", "date": "2026-06-02"}, )"
        R"("options": {"agreementNo": "沪校企合〔2026〕012号"}})";
    i.example.eligibleColumns = {{kDefaultColumn, "上海示范汽车服务有限公司"}};
    // not-text: end
    return i;
  }

  std::vector<plugin::Issue> checkSection(const plugin::Section& s,
                                          const plugin::TargetView& t) const override {
    std::vector<plugin::Issue> out;
    if (s.find("agreementNo") == nullptr) {
      out.push_back(issue(
          Severity::Error, "AGREEMENT_NO_MISSING", s.jsonPath + ".agreementNo",
          plugin::tr("用人单位申报目标需要校企合作协议编号（合作协议编号）",
                     "an employer target needs the school–enterprise cooperation agreement number "
                     "(合作协议编号)"),
          plugin::tr("按协议上印的编号，在申报目标中加上 \"options\": {\"agreementNo\": \"…\"}"
                     "（或在学校中加上 \"plugins\": {\"employer\": {\"agreementNo\": …}}）",
                     "add \"options\": {\"agreementNo\": \"…\"} to the target (or "
                     "\"plugins\": {\"employer\": {\"agreementNo\": …}} to the school), as "
                     "printed on the agreement")));
    } else {
      textOption(s, "agreementNo", out);
    }
    textOption(s, "rosterColumn", out);
    warnUnknown(s, {"agreementNo", "rosterColumn"}, "employer", out);
    if (t.orgName.empty()) {
      out.push_back(issue(
          Severity::Error, "ORG_MISSING", t.jsonPath,
          plugin::tr("用人单位申报目标需要评价机构 \"evaluationOrg\" {name, creditCode}",
                     "an employer target needs \"evaluationOrg\" {name, creditCode}"),
          plugin::tr("填写为学生认定等级的用人单位",
                     "add the employer (用人单位) that recognises the students' levels")));
    }
    return out;
  }

  plugin::Verdict eligibility(const plugin::StudentView& st, const plugin::TargetView& t,
                              const plugin::Section& s) const override {
    const std::string column = columnOf(s);
    auto it = st.columns.find(column);
    std::string placed = it == st.columns.end() ? "" : normalName(it->second);
    using plugin::tr;
    if (placed.empty()) {
      return plugin::Verdict::problem(
          "NO_EMPLOYER", tr("{column}为空", "the roster column {column} is empty", {{"column", column}}),
              tr("在花名册的{column}列填写该学生的实习单位；只有在 {org} 实习的学生才能经它认定",
                 "write the student's employer in the roster column {column}; only students "
                 "placed with {org} can be recognised by it",
                 {{"column", column}, {"org", t.orgName}}));
    }
    if (placed != normalName(t.orgName) && placed != t.orgCreditCode) {
      return plugin::Verdict::problem(
          "NOT_AT_EMPLOYER", tr("{column}不是该用人单位", "the roster column {column} names another employer",
                 {{"column", column}}),
              tr("该学生的{column}是 {placed}，不是 {org}：核对花名册，或为其选择其他申报目标",
                 "the student's {column} is {placed}, not {org}: check the roster, or choose "
                 "another declaration target for the student",
                 {{"column", column}, {"placed", it->second}, {"org", t.orgName}}));
    }
    return plugin::Verdict::yes();
  }

  std::vector<plugin::Field> applicationFields(const plugin::TargetView& t,
                                               const plugin::Section& s) const override {
    return {{"用人单位名称", t.orgName},  // not-text: begin (the platform's field names)
            {"用人单位统一社会信用代码", t.orgCreditCode},
            {"合作协议编号", s.text("agreementNo")}};  // not-text: end
  }

  // The platform's template, then 实习单位 (as in ABI 1), filled from the roster column.
  std::vector<plugin::SheetColumn> declarationSheet(const plugin::TargetView& t,
                                                    const plugin::Section& /*section*/) const
      override {
    return sheetWith(t.scope, {"实习单位"});  // not-text: the platform's column name
  }
  std::vector<std::string> declarationValues(const plugin::StudentView& st,
                                             const plugin::TargetView& /*target*/,
                                             const plugin::Section& s) const override {
    auto it = st.columns.find(columnOf(s));
    return {it == st.columns.end() ? "" : it->second};
  }

  plugin::Explanation explainReview(std::string_view code, std::string_view text) const override {
    using plugin::tr;
    if (code == "AGREEMENT_INVALID") {
      return {tr("合作协议编号有误或协议已过期，用人单位等级认定权限未获批准",
                 "the cooperation agreement number (合作协议编号) is wrong or the agreement has "
                 "expired: the employer recognition (用人单位等级认定) permission was not granted"),
              tr("核对与企业签订的合作协议，更正申报目标的 options.agreementNo 后重新申请",
                 "check the cooperation agreement signed with the employer, correct the target's "
                 "options.agreementNo and apply again")};
    }
    if (code == "ORG_NOT_REGISTERED") {
      return {tr("该用人单位未备案此职业（工种）和等级的等级认定",
                 "the employer is not registered to recognise this occupation and level"),
              tr("请企业确认其备案范围，或改选已备案的评价机构",
                 "ask the employer what it is registered for, or choose a registered evaluation "
                 "organisation (评价机构)")};
    }
    if (code == "PERMISSION_REQUIRED") {
      return {tr("尚未取得用人单位等级认定的申报权限",
                 "the school does not have the employer recognition (用人单位等级认定) permission "
                 "yet"),
              tr("先在 申报点审核点权限申请 中申请权限，审核通过后再申报",
                 "apply for the permission first (申报点审核点权限申请 on the platform) and "
                 "declare once it is granted")};
    }
    return commonExplanation(code, text);
  }
};

}  // namespace
}  // namespace zzjb::plugins

ZZJB_PLUGIN(zzjb::plugins::EmployerPolicy)
