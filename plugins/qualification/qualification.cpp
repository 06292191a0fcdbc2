// The qualification plugin: 职业资格鉴定. There is no online application: 市职鉴中心 opens the
// group-declaration permission itself, so zzjb only waits for it and says what to ask for.
// Options: "requestedOn" (optional, YYYY-MM-DD: when the school asked the centre).
#include "../common/helpers.hpp"
#include "zzjb/plugin/export.hpp"

namespace zzjb::plugins {
namespace {

using plugin::Severity;

bool isIsoDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0U, 1U, 2U, 3U, 5U, 6U, 8U, 9U}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

class QualificationPolicy final : public plugin::Policy {
 public:
  // ABI 2 (docs/plugins.md "ABI 2"): an occupation at the school's level, no organisation,
  // 专业评估 and graduation year required; the centre grants the permission.
  plugin::TypeInfo info() const override {
    using plugin::tr;
    plugin::TypeInfo i;
    i.id = "qualification";
    i.matter = "职业资格鉴定";  // not-text: the platform's name
    i.permission = plugin::Permission::GrantedByCentre;
    i.shape.scope = plugin::Scope::Occupation;
    i.shape.level = plugin::LevelRule::SchoolLevel;
    i.shape.org = plugin::OrgKind::None;
    i.shape.needsEvaluation = true;
    i.shape.needsGraduationYear = true;
    i.description = tr("职业资格鉴定：由市职鉴中心开通申报权限",
                       "vocational qualification appraisal (职业资格鉴定): the centre grants the "
                       "permission itself");
    i.permissionRequest = tr(
        "请市职鉴中心（天山路1800号4号楼1楼窗口，{centrePhone}）为本校开通该职业（工种）和"
        "等级的职业资格鉴定团体申报权限；开通后 zzjb 自动申报",
        "ask the centre (市职鉴中心; its window on the ground floor of building 4, 1800 "
        "Tianshan Road; {centrePhone}) to open the group declaration (团体申报) permission of "
        "vocational qualification appraisal (职业资格鉴定) for this occupation and level; zzjb "
        "declares once it is open");
    i.permissionWaiting = tr("等待市职鉴中心开通职业资格鉴定团体申报权限",
                             "waiting for the centre (市职鉴中心) to open the group declaration "
                             "(团体申报) permission of vocational qualification appraisal "
                             "(职业资格鉴定)");
    i.options = {textOptionSpec("requestedOn", false,
                                tr("学校向市职鉴中心提出开通申请的日期（YYYY-MM-DD）",
                                   "the day the school asked the centre (市职鉴中心), YYYY-MM-DD"),
                                "2026-09-01")};
    // not-text: begin (an example configuration: an occupation of the catalog)
    i.example.target =
        R"({"type": "qualification", "occupationCode": "4-04-05-02", )"
        R"("occupationName": "计算机软件测试员", "level": 4, "evaluation": {"status": )"
        R"("APPROVED", "opinionNo": "沪职鉴评〔2026〕018号", "date": "2026-05-12"}, )"
        R"("options": {"requestedOn": "2026-09-01"}})";
    // not-text: end
    return i;
  }

  std::vector<plugin::Issue> checkSection(const plugin::Section& s,
                                          const plugin::TargetView& /*target*/) const override {
    std::vector<plugin::Issue> out;
    if (const plugin::Setting* d = textOption(s, "requestedOn", out); d && !isIsoDate(d->value)) {
      out.push_back(issue(
          Severity::Error, "PLUGIN_OPTION_INVALID", d->jsonPath,
          plugin::tr("requestedOn“{value}”不是日期", "requestedOn \"{value}\" is not a date",
                     {{"value", d->value}}),
          plugin::tr("按 YYYY-MM-DD 填写学校向市职鉴中心提出申请的日期",
                     "write the day the school asked the centre (市职鉴中心) as YYYY-MM-DD")));
    }
    warnUnknown(s, {"requestedOn"}, "qualification", out);
    return out;
  }

  // Every student who passed the common checks may be declared once the centre has granted the
  // permission: 职业资格鉴定 has no organisation and no placement rule.
  plugin::Verdict eligibility(const plugin::StudentView& /*student*/,
                              const plugin::TargetView& /*target*/,
                              const plugin::Section& /*section*/) const override {
    return plugin::Verdict::yes();
  }

  plugin::Explanation explainReview(std::string_view code, std::string_view text) const override {
    if (code == "PERMISSION_REQUIRED") {
      return {plugin::tr("市职鉴中心尚未为本校开通该职业资格鉴定的团体申报权限",
                         "the centre (市职鉴中心) has not opened the group declaration (团体申报) "
                         "permission of this vocational qualification appraisal (职业资格鉴定) "
                         "for the school yet"),
              plugin::tr("请市职鉴中心开通权限（天山路1800号4号楼1楼窗口，{centrePhone}）；"
                         "这类权限不能在线申请",
                         "ask the centre to open it (its window on the ground floor of building 4, "
                         "1800 Tianshan Road; {centrePhone}); this permission cannot be applied "
                         "for online")};
    }
    return commonExplanation(code, text);
  }
};

}  // namespace
}  // namespace zzjb::plugins

ZZJB_PLUGIN(zzjb::plugins::QualificationPolicy)
