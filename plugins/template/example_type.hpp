// The policy of the "example" certification type: what differs from the other types, and
// nothing else (no I/O). Rename it, and change what it declares and decides.
#pragma once

#include <string>
#include <vector>

#include "zzjb/plugin/api.hpp"

namespace example {

class ExamplePolicy final : public zzjb::plugin::Policy {
 public:
  // What the type is: its id (the target "type" in zzjb's configuration), 事项名称 and 节点名称
  // (the platform's names, data: marked not-text for zzjb's message lint), how the permission is
  // obtained, which kind of evaluation organisation it needs, and a description.
  //
  // Every text a person reads is written in both languages with tr("中文", "English"): the
  // plugin answers in the language zzjb was asked for (Chinese unless --lang en). Values go in
  // through placeholders, tr("{column}为空", "{column} is empty", {{"column", column}}), and
  // zzjb's contact placeholders ({centrePhone}, {shecaPhone}, {shecaSite}) are filled in by zzjb.
  zzjb::plugin::TypeInfo info() const override {
    return {"example", "职业技能等级认定", "社会评价组织等级认定",  // not-text: platform's names
            zzjb::plugin::Permission::AppliedOnline, zzjb::plugin::OrgKind::SocialOrg,
            zzjb::plugin::tr("示例类型：学生须在 options.requiredColumn 指定的花名册列中有值",
                             "an example type: students need a value in the roster column "
                             "options.requiredColumn"),
            ""};
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

  // One student, already checked by zzjb (ID, mobile, graduation year): eligible, or why not.
  zzjb::plugin::Verdict eligibility(const zzjb::plugin::StudentView& st,
                                    const zzjb::plugin::TargetView& /*t*/,
                                    const zzjb::plugin::Section& s) const override {
    const std::string column = s.text("requiredColumn");
    auto it = st.columns.find(column);
    if (it != st.columns.end() && !it->second.empty()) return {};
    return {false, "COLUMN_EMPTY",
            zzjb::plugin::tr("{column}为空", "the roster column {column} is empty",
                             {{"column", column}}),
            zzjb::plugin::tr("在花名册的{column}列填写后重新检查",
                             "fill in the roster column {column} and check again",
                             {{"column", column}})};
  }

  // Extra fields of the permission application and extra declaration columns.
  std::vector<zzjb::plugin::Field> applicationFields(const zzjb::plugin::TargetView& t,
                                                     const zzjb::plugin::Section& /*s*/) const
      override {
    return {{"评价机构名称", t.orgName}};  // not-text: the platform's field name
  }
};

}  // namespace example
