// The special-ability plugin: 专项职业能力考核 (issue 14; docs/plugins.md, "ABI 2"). A target names
// a 专项职业能力 (abilityCode, abilityName: Scope::Ability, checked by the core), not an occupation
// and a level; 市职鉴中心 grants the permission itself (matter 专项职业能力考核, no node), so zzjb
// waits for it and says what to ask for. There is no organisation, and no 专业评估: that is
// about a major's 等级认定, and an ability is not a level. A student is declared for the ability
// they chose in the roster column 专项能力 (or the one named by "rosterColumn"); one who chose
// another ability is excluded as expected, one who chose none is a problem to fix.
// Options: "rosterColumn" (optional, default 专项能力).
#include "../common/helpers.hpp"
#include "zzjb/plugin/export.hpp"

namespace zzjb::plugins {
namespace {

const char* const kDefaultColumn = "专项能力";  // not-text: the roster column's name

std::string columnOf(const plugin::Section& s) {
  std::string c = s.text("rosterColumn");
  return c.empty() ? kDefaultColumn : c;
}

class SpecialAbilityPolicy final : public plugin::Policy {
 public:
  plugin::TypeInfo info() const override {
    using plugin::tr;
    plugin::TypeInfo i;
    i.id = "special-ability";
    i.matter = "专项职业能力考核";  // not-text: the platform's name
    i.permission = plugin::Permission::GrantedByCentre;
    i.shape.scope = plugin::Scope::Ability;
    i.shape.level = plugin::LevelRule::None;
    i.shape.org = plugin::OrgKind::None;
    i.shape.needsEvaluation = false;  // 专业评估 is about 等级认定; an ability has no level
    i.shape.needsGraduationYear = true;
    i.description = tr("专项职业能力考核：按学生在花名册中选择的专项能力申报，由市职鉴中心开通权限",
                       "special vocational ability assessment (专项职业能力考核): students are "
                       "declared for the ability they chose in the roster; the centre grants the "
                       "permission itself");
    // The texts cannot know the target: they stay general (docs/plugins.md, "ABI 2").
    i.permissionRequest = tr(
        "请市职鉴中心（天山路1800号4号楼1楼窗口，{centrePhone}）为本校开通该专项职业能力的"
        "专项职业能力考核团体申报权限；开通后 zzjb 自动申报",
        "ask the centre (市职鉴中心; its window on the ground floor of building 4, 1800 "
        "Tianshan Road; {centrePhone}) to open the group declaration (团体申报) permission of the "
        "special vocational ability assessment (专项职业能力考核) for this ability; zzjb declares "
        "once it is open");
    i.permissionWaiting = tr("等待市职鉴中心开通专项职业能力考核团体申报权限",
                             "waiting for the centre (市职鉴中心) to open the group declaration "
                             "(团体申报) permission of the special vocational ability assessment "
                             "(专项职业能力考核)");
    i.forms.evaluationForm = false;  // 附件1 is the 专业评估 form: no evaluation, no row
    i.forms.accountForm = true;
    i.options = {rosterColumnSpec(kDefaultColumn,
                                  tr("学生选择的专项能力", "the ability the student chose"))};
    // not-text: begin (an example configuration: the catalog's kind of ability)
    i.example.target =
        R"({"type": "special-ability", "abilityCode": "ZX-0301", "abilityName": "网店运营"})";
    i.example.eligibleColumns = {{kDefaultColumn, "网店运营"}};
    // not-text: end
    return i;
  }

  // abilityCode and abilityName are the core's to check (Scope::Ability); the section is ours.
  std::vector<plugin::Issue> checkSection(const plugin::Section& s,
                                          const plugin::TargetView& /*target*/) const override {
    std::vector<plugin::Issue> out;
    textOption(s, "rosterColumn", out);
    warnUnknown(s, {"rosterColumn"}, "special-ability", out);
    return out;
  }

  plugin::Verdict eligibility(const plugin::StudentView& st, const plugin::TargetView& t,
                              const plugin::Section& s) const override {
    using plugin::tr;
    const std::string column = columnOf(s);
    auto it = st.columns.find(column);
    const std::string chosen = it == st.columns.end() ? "" : normalName(it->second);
    if (chosen.empty()) {
      return plugin::Verdict::problem(
          "NO_ABILITY_CHOSEN",
          tr("{column}为空", "the roster column {column} is empty", {{"column", column}}),
          tr("在花名册的{column}列填写该学生选择的专项能力（名称或编码），例如 {ability}",
             "write the ability the student chose (its name or code) in the roster column "
             "{column}, e.g. {ability}",
             {{"column", column}, {"ability", t.abilityName}}));
    }
    if (chosen == normalName(t.abilityName) || chosen == normalName(t.abilityCode)) {
      return plugin::Verdict::yes();
    }
    return plugin::Verdict::expected(
        "OTHER_ABILITY", tr("选择了其他专项能力（{chosen}）", "chose another ability ({chosen})",
                            {{"chosen", it->second}}));
  }

  std::vector<plugin::SheetColumn> declarationSheet(const plugin::TargetView& t,
                                                    const plugin::Section& /*section*/) const
      override {
    return plugin::standardSheet(t.scope);  // 专项能力名称 专项能力编码 instead of the occupation's
  }

  plugin::Explanation explainReview(std::string_view code, std::string_view text) const override {
    using plugin::tr;
    if (code == "PERMISSION_REQUIRED") {
      return {tr("市职鉴中心尚未为本校开通该专项职业能力考核的团体申报权限",
                 "the centre (市职鉴中心) has not opened the group declaration (团体申报) "
                 "permission of this special vocational ability assessment (专项职业能力考核) for "
                 "the school yet"),
              tr("请市职鉴中心开通权限（天山路1800号4号楼1楼窗口，{centrePhone}）；"
                 "这类权限不能在线申请",
                 "ask the centre to open it (its window on the ground floor of building 4, 1800 "
                 "Tianshan Road; {centrePhone}); this permission cannot be applied for online")};
    }
    if (code == "DUPLICATE") {
      return {tr("该学生已申报过同一专项职业能力",
                 "the student has already been declared for the same special ability"),
              tr("无需再次申报；zzjb status 可查看已有申报",
                 "there is no need to declare again; `zzjb status` shows the existing "
                 "declaration")};
    }
    return commonExplanation(code, text);
  }
};

}  // namespace
}  // namespace zzjb::plugins

ZZJB_PLUGIN(zzjb::plugins::SpecialAbilityPolicy)
