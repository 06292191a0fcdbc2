// The registry of certification types, and the views of targets and students plugins receive.
#include "zzjb/core/cert_types.hpp"

#include <algorithm>

namespace zzjb {

std::optional<OrgType> CertType::orgType() const {
  switch (info.org) {
    case plugin::OrgKind::SocialOrg: return OrgType::SocialOrg;
    case plugin::OrgKind::Employer: return OrgType::Employer;
    case plugin::OrgKind::None: break;
  }
  return std::nullopt;
}

std::optional<std::string> TypeRegistry::add(const plugin::CertificationType& impl,
                                             plugin::TypeInfo info, std::string origin) {
  if (const CertType* existing = find(info.id)) return existing->origin;
  types_.push_back({std::move(info), &impl, std::move(origin)});
  return std::nullopt;
}

const CertType* TypeRegistry::find(std::string_view id) const {
  auto it = std::find_if(types_.begin(), types_.end(),
                         [id](const CertType& t) { return t.info.id == id; });
  return it == types_.end() ? nullptr : &*it;
}

const CertType* TypeRegistry::findByOrg(OrgType org) const {
  auto it = std::find_if(types_.begin(), types_.end(),
                         [org](const CertType& t) { return t.orgType() == org; });
  return it == types_.end() ? nullptr : &*it;
}

std::string TypeRegistry::ids() const {
  std::vector<std::string> ids;
  for (const auto& t : types_) ids.push_back(t.info.id);
  std::sort(ids.begin(), ids.end());
  std::string s;
  for (const auto& id : ids) s += (s.empty() ? "" : ", ") + id;
  return s;
}

plugin::TargetView targetView(const Target& t) {
  plugin::TargetView v;
  v.type = t.type;
  v.occupationCode = t.occupationCode;
  v.occupationName = t.occupationName;
  v.level = t.level;
  if (t.evaluationOrg) {
    v.orgName = t.evaluationOrg->name;
    v.orgCreditCode = t.evaluationOrg->creditCode;
  }
  v.jsonPath = t.jsonPath;
  return v;
}

plugin::StudentView studentView(const Student& s) {
  return {s.name, s.major, s.className, s.graduationYear, s.extra};
}

plugin::Section sectionFor(const School& school, const Target& t) {
  plugin::Section s;
  s.jsonPath = t.jsonPath + ".options";
  if (auto it = school.pluginSections.find(t.type); it != school.pluginSections.end()) {
    s.settings = it->second;
  }
  s.settings.insert(s.settings.end(), t.options.begin(), t.options.end());
  return s;
}

}  // namespace zzjb
