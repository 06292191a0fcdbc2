// In-memory certification types for core's unit tests: plugin::Policy classes wrapped in the SDK's
// trampoline (plugin::Guarded) and registered directly, the way the host registers loaded ones,
// without any library or dynamic loader.
#pragma once

#include <stdexcept>

#include "zzjb/core/cert_types.hpp"

namespace zzjb::test {

// A TypeInfo of an occupation type at the school's level (the notices' shape).
inline plugin::TypeInfo fakeInfo(std::string id, std::string matter, std::string node,
                                 plugin::Permission permission, plugin::OrgKind org,
                                 std::string request = "") {
  plugin::TypeInfo i;
  i.id = std::move(id);
  i.matter = std::move(matter);
  i.node = std::move(node);
  i.permission = permission;
  i.shape.org = org;
  i.description = "fake";
  i.permissionRequest = std::move(request);
  return i;
}

class FakeSocialOrg final : public plugin::Policy {
 public:
  plugin::TypeInfo info() const override {
    return fakeInfo("social-org", "职业技能等级认定", "社会评价组织等级认定",
                    plugin::Permission::AppliedOnline, plugin::OrgKind::SocialOrg);
  }
};

// Like the real employer plugin: needs options.agreementNo; students must work at the employer.
class FakeEmployer final : public plugin::Policy {
 public:
  plugin::TypeInfo info() const override {
    return fakeInfo("employer", "职业技能等级认定", "用人单位等级认定",
                    plugin::Permission::AppliedOnline, plugin::OrgKind::Employer);
  }
  std::vector<plugin::Issue> checkSection(const plugin::Section& s,
                                          const plugin::TargetView& /*t*/) const override {
    if (s.find("agreementNo") != nullptr) return {};
    return {{plugin::Severity::Error, "AGREEMENT_NO_MISSING", s.jsonPath + ".agreementNo",
             "agreement number missing", "add it"}};
  }
  plugin::Verdict eligibility(const plugin::StudentView& st, const plugin::TargetView& t,
                              const plugin::Section& /*s*/) const override {
    auto it = st.columns.find("实习单位");
    if (it != st.columns.end() && it->second == t.orgName) return {};
    return plugin::Verdict::problem("NOT_AT_EMPLOYER", "实习单位不是该用人单位", "核对实习单位");
  }
};

class FakeQualification final : public plugin::Policy {
 public:
  plugin::TypeInfo info() const override {
    return fakeInfo("qualification", "职业资格鉴定", "", plugin::Permission::GrantedByCentre,
                    plugin::OrgKind::None, "请市职鉴中心开通权限");
  }
};

// A plugin whose rules throw: the trampoline must turn that into an error reply.
class FakeThrowing final : public plugin::Policy {
 public:
  plugin::TypeInfo info() const override {
    return fakeInfo("throwing", "职业技能等级认定", "社会评价组织等级认定",
                    plugin::Permission::AppliedOnline, plugin::OrgKind::None);
  }
  plugin::Verdict eligibility(const plugin::StudentView& /*st*/, const plugin::TargetView& /*t*/,
                              const plugin::Section& /*s*/) const override {
    throw std::runtime_error("rules exploded");
  }
};

// Like the special-ability plugin: an ability (no occupation, no level), granted by the centre,
// no 专业评估; the roster column 专项能力 names each student's choice: another ability is
// expected, none a problem.
class FakeAbility final : public plugin::Policy {
 public:
  plugin::TypeInfo info() const override {
    plugin::TypeInfo i = fakeInfo("special-ability", "专项职业能力考核", "",
                                  plugin::Permission::GrantedByCentre, plugin::OrgKind::None,
                                  "请市职鉴中心开通专项职业能力考核");
    i.shape.scope = plugin::Scope::Ability;
    i.shape.level = plugin::LevelRule::None;
    i.shape.needsEvaluation = false;
    i.permissionWaiting = "等待市职鉴中心开通专项职业能力考核";
    return i;
  }
  plugin::Verdict eligibility(const plugin::StudentView& st, const plugin::TargetView& t,
                              const plugin::Section& /*s*/) const override {
    auto it = st.columns.find("专项能力");
    if (it == st.columns.end() || it->second.empty()) {
      return plugin::Verdict::problem("NO_ABILITY_CHOSEN", "未填写专项能力", "填写专项能力列");
    }
    if (it->second == t.abilityName || it->second == t.abilityCode) return {};
    return plugin::Verdict::expected("OTHER_ABILITY", "选择了其他专项能力");
  }
};

// The three types of the notices, as core sees them once the plugins are loaded, and an ability.
inline const TypeRegistry& fakeTypes() {
  static plugin::Guarded<FakeSocialOrg> social;
  static plugin::Guarded<FakeEmployer> employer;
  static plugin::Guarded<FakeQualification> qualification;
  static plugin::Guarded<FakeThrowing> throwing;
  static plugin::Guarded<FakeAbility> ability;
  static const TypeRegistry registry = [] {
    TypeRegistry r;
    for (plugin::CertificationType* t : std::initializer_list<plugin::CertificationType*>{
             &social, &employer, &qualification, &throwing, &ability}) {
      (void)r.add(*t, t->info().value, "fake:" + t->info().value.id);
    }
    return r;
  }();
  return registry;
}

}  // namespace zzjb::test
