// The values a certification-type plugin sees and returns: plain structs, no callbacks, no
// exceptions. The host builds them from the configuration and the rosters; a plugin never reads a
// file or JSON itself.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace zzjb::plugin {

enum class Severity { Info, Warning, Error };

// Which evaluation organisation a type needs, as the platform's catalog calls it.
enum class OrgKind { None, SocialOrg, Employer };  // none / SOCIAL_ORG / EMPLOYER

// How the school gets the 团体申报 permission for a target of this type.
enum class Permission {
  AppliedOnline,    // 申报点审核点权限申请 on the platform, then the centre reviews it
  GrantedByCentre,  // 市职鉴中心 opens it itself; the school can only ask and wait
};

// What a plugin says about itself. Read once by the host after init().
struct TypeInfo {
  std::string id;           // the target "type" in the configuration: "employer"
  std::string matter;       // 事项名称: 职业技能等级认定
  std::string node;         // 节点名称: 用人单位等级认定 (empty when not applied for online)
  Permission permission = Permission::AppliedOnline;
  OrgKind org = OrgKind::None;
  std::string description;  // one line, for `zzjb plugins`
  // GrantedByCentre: what the school asks the centre for, e.g. 请市职鉴中心开通….
  // description and permissionRequest, like every text below, in the host's language (tr()).
  std::string permissionRequest;
};

// One value of a plugin's configuration section, flattened: nested objects become dotted keys
// ("contact.name"), arrays indexed keys ("sites[0]"). `jsonPath` says where it was written, so a
// finding can point at it; later sources (the target's "options") override earlier ones (the
// school's "plugins.<type>").
struct Setting {
  enum class Kind { Text, Number, Boolean };
  std::string key;
  std::string value;  // text as written; numbers in JSON notation; booleans "true"/"false"
  Kind kind = Kind::Text;
  std::string jsonPath;
};

// A plugin's configuration for one target: the school's "plugins.<type>" object merged with the
// target's "options" object. Validated once by checkSection() before anything else uses it.
struct Section {
  std::string jsonPath;  // where a missing key belongs: the target's "options"
  std::vector<Setting> settings;

  [[nodiscard]] const Setting* find(std::string_view key) const {
    for (auto it = settings.rbegin(); it != settings.rend(); ++it) {
      if (it->key == key) return &*it;
    }
    return nullptr;
  }
  [[nodiscard]] std::string text(std::string_view key) const {
    const Setting* s = find(key);
    return s == nullptr ? std::string() : s->value;
  }
};

// A finding from a plugin. Lower-case message, a JSON path or roster row, and what to do.
struct Issue {
  Severity severity = Severity::Error;
  std::string code;      // UPPER_SNAKE, stable
  std::string jsonPath;  // "$.schools[1].majors[0].targets[0].options.agreementNo"
  std::string message;
  std::string hint;
};

// The target a decision is about.
struct TargetView {
  std::string type;
  std::string occupationCode;
  std::string occupationName;
  int level = 0;
  std::string orgName;        // empty when the target has no evaluation organisation
  std::string orgCreditCode;
  std::string jsonPath;
};

// A student's row, already checked by the host (identity, mobile, graduation year). `columns`
// holds the columns beyond the required ones, by header name: 实习单位, 备注, ….
struct StudentView {
  std::string name;
  std::string major;
  std::string className;
  std::string graduationYear;
  std::map<std::string, std::string> columns;
};

// A plugin's eligibility decision for one student and one target.
struct Verdict {
  bool eligible = true;
  std::string code;    // when not eligible: UPPER_SNAKE, e.g. NOT_AT_EMPLOYER
  std::string reason;  // short: 实习单位不是该用人单位 (tr(), like every text a plugin returns)
  std::string hint;    // what to do
};

// An extra field of the permission application (申报点审核点权限申请).
struct Field {
  std::string key;
  std::string value;
};

// A platform review reason, as a person reads it.
struct Explanation {
  std::string sentence;  // in the host's language (tr())
  std::string hint;      // what to do
};

}  // namespace zzjb::plugin
