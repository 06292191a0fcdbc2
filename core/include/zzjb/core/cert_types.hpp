// The certification types core knows: the loaded plugins' declarations, looked up by the target's
// "type". Core sees only the plugin API (zzjb/plugin/api.hpp), never a library: the host
// (zzjb/plugin_host) loads plugins and registers them here, and unit tests register in-memory
// ones (plugin::Guarded<SomePolicy>) the same way.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zzjb/core/domain.hpp"
#include "zzjb/plugin/api.hpp"

namespace zzjb {

struct CertType {
  plugin::TypeInfo info;
  const plugin::CertificationType* impl = nullptr;  // not owned: outlives the registry
  std::string origin;                                // the plugin file, or a name in tests

  // The organisation type its targets need; nullopt: none (职业资格鉴定).
  [[nodiscard]] std::optional<OrgType> orgType() const;
  [[nodiscard]] bool appliedOnline() const {
    return info.permission == plugin::Permission::AppliedOnline;
  }
  [[nodiscard]] const plugin::TargetShape& shape() const { return info.shape; }
  [[nodiscard]] bool ability() const { return info.shape.scope == plugin::Scope::Ability; }
};

class TypeRegistry {
 public:
  // Registers `impl` under info.id. Returns the origin of the type already registered under that
  // id (the new one is then not added), or nullopt when added.
  std::optional<std::string> add(const plugin::CertificationType& impl, plugin::TypeInfo info,
                                 std::string origin);
  [[nodiscard]] const CertType* find(std::string_view id) const;
  // The first type whose organisation kind is `org`, or nullptr.
  [[nodiscard]] const CertType* findByOrg(OrgType org) const;
  [[nodiscard]] std::string ids() const;  // "employer, qualification, social-org"; "" when empty
  [[nodiscard]] const std::vector<CertType>& types() const { return types_; }

 private:
  std::vector<CertType> types_;
};

// What a plugin sees of a target (with its school) and of a student: gender and birth date from
// the ID number (checked against `today`), the full number only when the type's shape asks for it.
[[nodiscard]] plugin::TargetView targetView(const School& school, const Target& t,
                                            const CertType* type);
[[nodiscard]] plugin::StudentView studentView(const Student& s, const CertType* type,
                                              const Date& today);

// How a person reads a target, the same in check, status, report and the forms: the occupation
// and its level (网店运营 · 四级/中级工), or the ability (专项能力 网店运营), never an invented level.
[[nodiscard]] std::string targetTitle(const Target& t);
// The store's key of a target: its type and the type's own key — the occupation, level and
// organisation, or the ability's code — so that two types never share one
// ("social-org:4-01-02-02/4/91310000…", "special-ability:ZX-0301").
[[nodiscard]] std::string targetKeyOf(const Target& t);
// The key zzjb used before plugin ABI 2 ("4-01-02-02/4/-"), for records made then: empty for a
// target of an ability (there were none).
[[nodiscard]] std::string legacyTargetKeyOf(const Target& t);

// The plugin section of one target: the school's "plugins.<type>" settings, then the target's
// "options" (which override). Its jsonPath is the target's "options".
[[nodiscard]] plugin::Section sectionFor(const School& school, const Target& t);

}  // namespace zzjb
