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

// What a plugin sees of a target and a student.
[[nodiscard]] plugin::TargetView targetView(const Target& t);
[[nodiscard]] plugin::StudentView studentView(const Student& s);

// The plugin section of one target: the school's "plugins.<type>" settings, then the target's
// "options" (which override). Its jsonPath is the target's "options".
[[nodiscard]] plugin::Section sectionFor(const School& school, const Target& t);

}  // namespace zzjb
