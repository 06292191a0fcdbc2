// In-memory certification types for core's unit tests: plugin::Policy classes wrapped in the SDK's
// trampoline (plugin::Guarded) and registered directly, the way the host registers loaded ones,
// without any library or dynamic loader.
#pragma once

#include <stdexcept>

#include "zzjb/core/cert_types.hpp"

namespace zzjb::test {

class FakeSocialOrg final : public plugin::Policy {
 public:
  plugin::TypeInfo info() const override {
    return {"social-org", "职业技能等级认定", "社会评价组织等级认定",
            plugin::Permission::AppliedOnline, plugin::OrgKind::SocialOrg, "fake", ""};
  }
};

// Like the real employer plugin: needs options.agreementNo; students must work at the employer.
class FakeEmployer final : public plugin::Policy {
 public:
  plugin::TypeInfo info() const override {
    return {"employer", "职业技能等级认定", "用人单位等级认定", plugin::Permission::AppliedOnline,
            plugin::OrgKind::Employer, "fake", ""};
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
    return {false, "NOT_AT_EMPLOYER", "实习单位不是该用人单位", "核对实习单位"};
  }
};

class FakeQualification final : public plugin::Policy {
 public:
  plugin::TypeInfo info() const override {
    return {"qualification", "职业资格鉴定", "", plugin::Permission::GrantedByCentre,
            plugin::OrgKind::None, "fake", "请市职鉴中心开通权限"};
  }
};

// A plugin whose rules throw: the trampoline must turn that into an error reply.
class FakeThrowing final : public plugin::Policy {
 public:
  plugin::TypeInfo info() const override {
    return {"throwing", "职业技能等级认定", "社会评价组织等级认定",
            plugin::Permission::AppliedOnline, plugin::OrgKind::None, "fake", ""};
  }
  plugin::Verdict eligibility(const plugin::StudentView& /*st*/, const plugin::TargetView& /*t*/,
                              const plugin::Section& /*s*/) const override {
    throw std::runtime_error("rules exploded");
  }
};

// The three types of the notices, as core sees them once the plugins are loaded.
inline const TypeRegistry& fakeTypes() {
  static plugin::Guarded<FakeSocialOrg> social;
  static plugin::Guarded<FakeEmployer> employer;
  static plugin::Guarded<FakeQualification> qualification;
  static plugin::Guarded<FakeThrowing> throwing;
  static const TypeRegistry registry = [] {
    TypeRegistry r;
    for (plugin::CertificationType* t : std::initializer_list<plugin::CertificationType*>{
             &social, &employer, &qualification, &throwing}) {
      (void)r.add(*t, t->info().value, "fake:" + t->info().value.id);
    }
    return r;
  }();
  return registry;
}

}  // namespace zzjb::test
