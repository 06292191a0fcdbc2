// The social-org plugin: 职业技能等级认定 through a 社会培训评价组织 (节点 社会评价组织等级认定).
// The permission is applied for online; the organisation must be a SOCIAL_ORG registered for the
// occupation and level (checked by the host against the catalog, from org = SocialOrg).
// Options: "evaluationPlanNo" (optional, the organisation's 评价计划编号, sent with the application).
#include "../common/helpers.hpp"
#include "zzjb/plugin/export.hpp"

namespace zzjb::plugins {
namespace {

using plugin::Severity;

class SocialOrgPolicy final : public plugin::Policy {
 public:
  // ABI 2 (docs/plugins.md "ABI 2"): an occupation at the school's level, a SOCIAL_ORG
  // organisation, 专业评估 and graduation year required, as the notices have it.
  plugin::TypeInfo info() const override {
    using plugin::tr;
    plugin::TypeInfo i;
    i.id = "social-org";
    i.matter = "职业技能等级认定";  // not-text: the platform's name
    i.node = "社会评价组织等级认定";  // not-text: the platform's name
    i.permission = plugin::Permission::AppliedOnline;
    i.shape.scope = plugin::Scope::Occupation;
    i.shape.level = plugin::LevelRule::SchoolLevel;
    i.shape.org = plugin::OrgKind::SocialOrg;
    i.shape.needsEvaluation = true;
    i.shape.needsGraduationYear = true;
    i.description = tr("由已备案的社会培训评价组织进行职业技能等级认定",
                       "skill-level recognition (职业技能等级认定) by a registered social training "
                       "evaluation organisation (社会培训评价组织)");
    i.options = {textOptionSpec("evaluationPlanNo", false,
                                tr("评价组织的评价计划编号，随权限申请提交",
                                   "the organisation's evaluation plan number (评价计划编号), sent "
                                   "with the permission application"),
                                "评价计划2026-07")};  // not-text: an example value
    // not-text: begin (an example configuration: the catalog's organisation and occupation)
    i.example.target =
        R"({"type": "social-org", "occupationCode": "4-04-05-01", )"
        R"("occupationName": "计算机程序设计员", "level": 4, "evaluationOrg": )"
        R"({"name": "上海示范信息技术技能评价中心", "creditCode": "52310000MJ1A2B3C9Q"}, )"
        R"("evaluation": {"status": "APPROVED", "opinionNo": "沪职鉴评〔2026〕017号", )"
        R"("date": "2026-05-12"}, "options": {"evaluationPlanNo": "评价计划2026-07"}})";
    // not-text: end
    return i;
  }

  std::vector<plugin::Issue> checkSection(const plugin::Section& s,
                                          const plugin::TargetView& t) const override {
    std::vector<plugin::Issue> out;
    textOption(s, "evaluationPlanNo", out);
    warnUnknown(s, {"evaluationPlanNo"}, "social-org", out);
    if (t.orgCreditCode.empty()) {
      out.push_back(issue(
          Severity::Error, "ORG_MISSING", t.jsonPath,
          plugin::tr("社会评价组织申报目标需要评价机构 \"evaluationOrg\" {name, creditCode}",
                     "a social-org target needs \"evaluationOrg\" {name, creditCode}"),
          plugin::tr("填写为学生评价的社会培训评价组织",
                     "add the social training evaluation organisation (社会培训评价组织) that "
                     "assesses the students")));
    }
    return out;
  }

  plugin::Verdict eligibility(const plugin::StudentView& /*student*/, const plugin::TargetView& t,
                              const plugin::Section& /*section*/) const override {
    if (t.orgCreditCode.empty()) {
      return plugin::Verdict::problem(
          "ORG_MISSING",
          plugin::tr("未指定社会培训评价组织",
                     "no social training evaluation organisation (社会培训评价组织) is given"),
          plugin::tr("在申报目标中填写 evaluationOrg", "add evaluationOrg to the target"));
    }
    return plugin::Verdict::yes();
  }

  std::vector<plugin::Field> applicationFields(const plugin::TargetView& t,
                                               const plugin::Section& s) const override {
    // not-text: begin (the platform's field names)
    std::vector<plugin::Field> f = {{"评价机构名称", t.orgName},
                                    {"评价机构统一社会信用代码", t.orgCreditCode}};
    if (auto plan = s.text("evaluationPlanNo"); !plan.empty()) f.push_back({"评价计划编号", plan});
    // not-text: end
    return f;
  }

  // The platform's template, then 评价机构 (as in ABI 1), filled with the organisation's name.
  std::vector<plugin::SheetColumn> declarationSheet(const plugin::TargetView& t,
                                                    const plugin::Section& /*section*/) const
      override {
    return sheetWith(t.scope, {"评价机构"});  // not-text: the platform's column name
  }
  std::vector<std::string> declarationValues(const plugin::StudentView& /*student*/,
                                             const plugin::TargetView& t,
                                             const plugin::Section& /*section*/) const override {
    return {t.orgName};
  }

  plugin::Explanation explainReview(std::string_view code, std::string_view text) const override {
    using plugin::tr;
    if (code == "ORG_NOT_REGISTERED") {
      return {tr("该社会培训评价组织未备案此职业（工种）和等级",
                 "the social training evaluation organisation (社会培训评价组织) is not registered "
                 "for this occupation and level"),
              tr("核对评价机构及评价职业工种信息公告，改选已备案的评价组织",
                 "check the published list of evaluation organisations and their occupations, "
                 "and choose a registered one")};
    }
    if (code == "PERMISSION_REQUIRED") {
      return {tr("尚未取得社会评价组织等级认定的申报权限",
                 "the school does not have the social organisation recognition "
                 "(社会评价组织等级认定) permission yet"),
              tr("先在 申报点审核点权限申请 中申请权限，审核通过后再申报",
                 "apply for the permission first (申报点审核点权限申请 on the platform) and "
                 "declare once it is granted")};
    }
    return commonExplanation(code, text);
  }
};

}  // namespace
}  // namespace zzjb::plugins

ZZJB_PLUGIN(zzjb::plugins::SocialOrgPolicy)
