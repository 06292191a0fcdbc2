// The registry of certification types, and the views of targets and students plugins receive.
#include "zzjb/core/cert_types.hpp"

#include <algorithm>

#include "zzjb/core/eligibility.hpp"
#include "zzjb/core/identifiers.hpp"
#include "zzjb/messages/catalog.hpp"

namespace zzjb {

std::optional<OrgType> CertType::orgType() const {
  switch (info.shape.org) {
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

plugin::TargetView targetView(const School& school, const Target& t, const CertType* type) {
  plugin::TargetView v;
  v.type = t.type;
  v.scope = type != nullptr ? type->info.shape.scope : plugin::Scope::Occupation;
  v.occupationCode = t.occupationCode;
  v.occupationName = t.occupationName;
  v.level = t.level;
  v.abilityCode = t.abilityCode;
  v.abilityName = t.abilityName;
  if (t.evaluationOrg) {
    v.orgName = t.evaluationOrg->name;
    v.orgCreditCode = t.evaluationOrg->creditCode;
  }
  v.fields = t.fields;
  v.schoolId = school.id;
  v.schoolLevel = schoolLevelConfigName(school.level);
  v.schoolSkillLevel = allowedLevel(school.level);
  v.jsonPath = t.jsonPath;
  return v;
}

plugin::StudentView studentView(const Student& s, const CertType* type, const Date& today) {
  plugin::StudentView v;
  v.name = s.name;
  v.major = s.major;
  v.className = s.className;
  v.graduationYear = s.graduationYear;
  v.idType = s.idType;
  v.columns = s.extra;
  const StudentIdentity ident = studentIdentity(s, today);
  const IdCheck& id = ident.id;
  v.idType = ident.type ? idDocTypeName(*ident.type) : s.idType;
  v.gender = ident.gender;
  if (ident.birthDate) v.birthDate = ident.birthDate->iso();
  v.maskedId = maskId(id.ok ? id.normalized : s.idNumber);
  if (type != nullptr && type->info.shape.needsIdNumber) {
    v.idNumber = id.ok ? id.normalized : s.idNumber;
  }
  return v;
}

std::string targetTitle(const Target& t) {
  if (!t.abilityCode.empty() || !t.abilityName.empty()) {
    return msg::text("target.title.ability", {{"name", t.abilityName}, {"code", t.abilityCode}});
  }
  if (t.level == 0) {
    return msg::text("target.title.occupationNoLevel",
                     {{"code", t.occupationCode}, {"name", t.occupationName}});
  }
  return msg::text("target.title.occupation", {{"code", t.occupationCode},
                                               {"name", t.occupationName},
                                               {"level", levelName(t.level)}});
}

std::string legacyTargetKeyOf(const Target& t) {
  if (!t.abilityCode.empty()) return {};
  return t.occupationCode + "/" + std::to_string(t.level) + "/" +
         (t.evaluationOrg ? t.evaluationOrg->creditCode : std::string("-"));
}

std::string targetKeyOf(const Target& t) {
  if (!t.abilityCode.empty()) return t.type + ":" + t.abilityCode;
  return t.type + ":" + legacyTargetKeyOf(t);
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
