// The policy of the "example" certification type: what differs from the other types, and
// nothing else (no I/O). Rename it, and change what it declares and decides.
#pragma once

#include <string>
#include <vector>

#include "zzjb/plugin/api.hpp"

namespace example {

class ExamplePolicy final : public zzjb::plugin::Policy {
 public:
  // What the type is (docs/plugins.md, "ABI 2"): its id (the target "type" in zzjb's
  // configuration), 事项名称 and 节点名称 (the platform's names, data: marked not-text for zzjb's
  // message lint), how the permission is obtained, the shape of its targets (here an occupation at
  // the school's level, through a SOCIAL_ORG), its options, and an example.
  //
  // Every text a person reads is written in both languages with tr("中文", "English"): the
  // plugin answers in the language zzjb was asked for (Chinese unless --lang en). Values go in
  // through placeholders, tr("{column}为空", "{column} is empty", {{"column", column}}), and
  // zzjb's contact placeholders ({centrePhone}, {shecaPhone}, {shecaSite}) are filled in by zzjb.
  zzjb::plugin::TypeInfo info() const override {
    using zzjb::plugin::tr;
    zzjb::plugin::TypeInfo i;
    i.id = "example";
    i.matter = "职业技能等级认定";  // not-text: the platform's name
    i.node = "社会评价组织等级认定";  // not-text: the platform's name
    i.permission = zzjb::plugin::Permission::AppliedOnline;
    i.shape.scope = zzjb::plugin::Scope::Occupation;
    i.shape.level = zzjb::plugin::LevelRule::SchoolLevel;
    i.shape.org = zzjb::plugin::OrgKind::SocialOrg;
    i.description = tr("示例类型：学生须在 options.requiredColumn 指定的花名册列中有值",
                       "an example type: students need a value in the roster column "
                       "options.requiredColumn");
    // Its options, for `zzjb plugins` and the configuration's schema: name, kind, required,
    // a description and a valid value as JSON text.
    i.options = {{"requiredColumn", zzjb::plugin::FieldSpec::Kind::Text, true,
                  tr("学生须有值的花名册列", "the roster column a student needs a value in"),
                  "\"实习单位\""}};  // not-text: an example value
    // A valid target of the type as a 中职 school writes it, and a student it declares.
    // not-text: begin (an example configuration)
    i.example.target =
        R"({"type": "example", "occupationCode": "4-04-05-01", "occupationName": "计算机程序设计员", )"
        R"("level": 4, "evaluationOrg": {"name": "上海示范信息技术技能评价中心", )"
        R"("creditCode": "52310000MJ1A2B3C9Q"}, "evaluation": {"status": "APPROVED", )"
        R"("opinionNo": "沪职鉴评〔2026〕017号", "date": "2026-05-12"}, )"
        R"("options": {"requiredColumn": "实习单位"}})";
    i.example.eligibleColumns = {{"实习单位", "上海示范信息技术有限公司"}};
    // not-text: end
    return i;
  }

  // The target's "options" (and the school's "plugins.example"), checked once. Findings carry the
  // JSON path of the value, a lower-case message and what to do.
  std::vector<zzjb::plugin::Issue> checkSection(const zzjb::plugin::Section& s,
                                                const zzjb::plugin::TargetView& /*t*/) const
      override {
    if (!s.text("requiredColumn").empty()) return {};
    return {{zzjb::plugin::Severity::Error, "REQUIRED_COLUMN_MISSING",
             s.jsonPath + ".requiredColumn",
             zzjb::plugin::tr("示例类型需要 options.requiredColumn",
                              "the example type needs options.requiredColumn"),
             zzjb::plugin::tr("在申报目标中加上 \"options\": {\"requiredColumn\": \"实习单位\"}",
                              "add \"options\": {\"requiredColumn\": \"…\"} to the target, "
                              "naming a roster column")}};
  }

  // One student, already checked by zzjb (ID, mobile, graduation year): eligible, or why not —
  // a Problem when someone should fix the data (the school is then 需处理), Expected when the
  // type is simply not for the student (listed, never a problem).
  zzjb::plugin::Verdict eligibility(const zzjb::plugin::StudentView& st,
                                    const zzjb::plugin::TargetView& /*t*/,
                                    const zzjb::plugin::Section& s) const override {
    const std::string column = s.text("requiredColumn");
    auto it = st.columns.find(column);
    if (it != st.columns.end() && !it->second.empty()) return zzjb::plugin::Verdict::yes();
    return zzjb::plugin::Verdict::problem(
        "COLUMN_EMPTY",
        zzjb::plugin::tr("{column}为空", "the roster column {column} is empty",
                         {{"column", column}}),
        zzjb::plugin::tr("在花名册的{column}列填写后重新检查",
                         "fill in the roster column {column} and check again",
                         {{"column", column}}));
  }

  // Extra fields of the permission application.
  std::vector<zzjb::plugin::Field> applicationFields(const zzjb::plugin::TargetView& t,
                                                     const zzjb::plugin::Section& /*s*/) const
      override {
    return {{"评价机构名称", t.orgName}};  // not-text: the platform's field name
  }

  // The declaration sheet is the platform's template of the scope (Policy::declarationSheet,
  // standardSheet()); override declarationSheet() and declarationValues() to add the type's own
  // columns (plugins/employer adds 实习单位; docs/plugins.md, "ABI 2").
};

}  // namespace example
