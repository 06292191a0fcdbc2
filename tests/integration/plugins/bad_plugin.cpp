// Test-only plugins, each wrong in one way (or right, as a control), chosen by a definition:
// ZZJB_BAD_ABI (built for ABI 1), ZZJB_NO_FACTORY (the ABI symbol only), ZZJB_THROWS (a
// factory that throws), ZZJB_DUPLICATE (a second "social-org"), ZZJB_GOOD (type "test-extra"),
// ZZJB_ATTACKER (the good one, plus a constructor that runs on load and appends a line to the file
// named by $ZZJB_TEST_ATTACKER_MARKER: the proof that an attacker's code ran), ZZJB_OLD_SDK (type
// "old-sdk", granted by the centre, exported by hand as an SDK before zzjb_plugin_set_language
// did: it writes Chinese only), ZZJB_ABILITY_LEVEL (type "ability-level": an Ability scope with a
// level rule), ZZJB_DUPLICATE_OPTION (type "duplicate-option": an option declared twice),
// ZZJB_NOT_UTF8 (type "not-utf8", good but for a description that is not UTF-8); for the test kit
// (`zzjb plugins test`, docs/plugins.md "Test kit"), three that load and pass their example but
// are wrong in one way: ZZJB_EMPTY_SECTION_THROWS (type "empty-section-throws": checkSection
// throws when the section has no settings), ZZJB_REPEATED_COLUMN (type "repeated-column": its
// sheet gives 姓名 twice) and ZZJB_SHEET_WITHOUT_ID (type "sheet-without-id": a well-formed sheet
// without 证件号码, which only the rehearsal against zzjb-mock finds).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "zzjb/plugin/export.hpp"

namespace {

class TestPolicy final : public zzjb::plugin::Policy {
 public:
  zzjb::plugin::TypeInfo info() const override {
#ifdef ZZJB_DUPLICATE
    const char* id = "social-org";
#elif defined(ZZJB_BAD_ABI)
    const char* id = "bad-abi";
#elif defined(ZZJB_OLD_SDK)
    const char* id = "old-sdk";
#elif defined(ZZJB_ABILITY_LEVEL)
    const char* id = "ability-level";
#elif defined(ZZJB_DUPLICATE_OPTION)
    const char* id = "duplicate-option";
#elif defined(ZZJB_NOT_UTF8)
    const char* id = "not-utf8";
#else
    const char* id = "test-extra";
#endif
    zzjb::plugin::TypeInfo i;
    i.id = id;
    i.description = "a test plugin";
#ifdef ZZJB_OLD_SDK
    i.matter = "职业资格鉴定";
    i.permission = zzjb::plugin::Permission::GrantedByCentre;
    i.permissionRequest = "请市职鉴中心开通权限";
    i.permissionWaiting = "等待市职鉴中心开通权限";
#else
    i.matter = "职业技能等级认定";
    i.node = "社会评价组织等级认定";
    i.shape.org = zzjb::plugin::OrgKind::SocialOrg;
#endif
#ifdef ZZJB_ABILITY_LEVEL
    i.shape.scope = zzjb::plugin::Scope::Ability;  // the level rule stays SchoolLevel: refused
#endif
#ifdef ZZJB_NOT_UTF8
    i.description = "a test plugin \xff\xfe";
#endif
#ifdef ZZJB_DUPLICATE_OPTION
    const zzjb::plugin::FieldSpec column{"rosterColumn", zzjb::plugin::FieldSpec::Kind::Text,
                                         false, "the roster column", "\"实习单位\""};
    i.options = {column, column};
#endif
    return i;
  }
};

#if defined(ZZJB_EMPTY_SECTION_THROWS) || defined(ZZJB_REPEATED_COLUMN) || \
    defined(ZZJB_SHEET_WITHOUT_ID)
// A type good enough to pass its own example (an occupation at the school's level, no
// organisation, no 专业评估, no permission) and wrong in one way only.
class KitPolicy final : public zzjb::plugin::Policy {
 public:
  zzjb::plugin::TypeInfo info() const override {
    zzjb::plugin::TypeInfo i;
#ifdef ZZJB_EMPTY_SECTION_THROWS
    i.id = "empty-section-throws";
#elif defined(ZZJB_REPEATED_COLUMN)
    i.id = "repeated-column";
#else
    i.id = "sheet-without-id";
#endif
    i.description = "a test plugin";
    i.matter = "职业资格鉴定";
    i.permission = zzjb::plugin::Permission::None;
    i.shape.org = zzjb::plugin::OrgKind::None;
    i.shape.needsEvaluation = false;
    i.options = {{"planNo", zzjb::plugin::FieldSpec::Kind::Text, false, "a plan number", "\"P-1\""}};
    i.example.target = std::string(R"({"type": ")") + i.id +
                       R"(", "occupationCode": "4-04-05-01", "occupationName": "计算机程序设计员", )"
                       R"("level": 4, "options": {"planNo": "P-1"}})";
    return i;
  }
  std::vector<zzjb::plugin::Issue> checkSection(const zzjb::plugin::Section& s,
                                                const zzjb::plugin::TargetView& /*t*/) const override {
#ifdef ZZJB_EMPTY_SECTION_THROWS
    // The fault: settings[0] taken for granted.
    if (s.settings.empty()) throw std::out_of_range("settings[0] of an empty section");
#endif
    (void)s;
    return {};
  }
#ifdef ZZJB_REPEATED_COLUMN
  std::vector<zzjb::plugin::SheetColumn> declarationSheet(
      const zzjb::plugin::TargetView& t, const zzjb::plugin::Section& /*s*/) const override {
    auto sheet = zzjb::plugin::standardSheet(t.scope);
    sheet.push_back({"姓名", "", false});  // the fault: a second 姓名
    return sheet;
  }
  std::vector<std::string> declarationValues(const zzjb::plugin::StudentView& st,
                                             const zzjb::plugin::TargetView& /*t*/,
                                             const zzjb::plugin::Section& /*s*/) const override {
    return {st.name};
  }
#endif
#ifdef ZZJB_SHEET_WITHOUT_ID
  // The fault: a well-formed sheet (no empty or repeated header, every standard key known) that
  // leaves out 证件号码, which the platform's template requires. Only a rehearsal finds it.
  std::vector<zzjb::plugin::SheetColumn> declarationSheet(
      const zzjb::plugin::TargetView& t, const zzjb::plugin::Section& /*s*/) const override {
    auto sheet = zzjb::plugin::standardSheet(t.scope);
    std::erase_if(sheet, [](const zzjb::plugin::SheetColumn& c) { return c.header == "证件号码"; });
    return sheet;
  }
#endif
};
#endif

}  // namespace

#ifdef ZZJB_ATTACKER
namespace {
__attribute__((constructor)) void attackerRuns() {
  const char* marker = std::getenv("ZZJB_TEST_ATTACKER_MARKER");
  if (marker == nullptr) return;
  int fd = ::open(marker, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  static const char kLine[] = "the attacker's constructor ran\n";
  (void)!::write(fd, kLine, sizeof kLine - 1);
  ::close(fd);
}
}  // namespace
#endif

#if defined(ZZJB_GOOD) || defined(ZZJB_DUPLICATE) || defined(ZZJB_ATTACKER) || \
    defined(ZZJB_ABILITY_LEVEL) || defined(ZZJB_DUPLICATE_OPTION) || defined(ZZJB_NOT_UTF8)
ZZJB_PLUGIN(TestPolicy)
#elif defined(ZZJB_EMPTY_SECTION_THROWS) || defined(ZZJB_REPEATED_COLUMN) || \
    defined(ZZJB_SHEET_WITHOUT_ID)
ZZJB_PLUGIN(KitPolicy)
#else
#ifdef ZZJB_BAD_ABI
extern "C" BOOST_SYMBOL_EXPORT const std::uint32_t zzjb_plugin_abi_version;
extern "C" BOOST_SYMBOL_EXPORT const std::uint32_t zzjb_plugin_abi_version = 1;  // ABI 1
#else
extern "C" BOOST_SYMBOL_EXPORT const std::uint32_t zzjb_plugin_abi_version;
extern "C" BOOST_SYMBOL_EXPORT const std::uint32_t zzjb_plugin_abi_version =
    ZZJB_PLUGIN_ABI_VERSION;
#endif
namespace test_export {
#ifdef ZZJB_THROWS
std::unique_ptr<zzjb::plugin::CertificationType> create() {
  throw std::runtime_error("cannot start: licence file missing");
}
BOOST_DLL_ALIAS(test_export::create, zzjb_create_plugin)
#elif defined(ZZJB_BAD_ABI) || defined(ZZJB_OLD_SDK)
std::unique_ptr<zzjb::plugin::CertificationType> create() {
  return std::make_unique<zzjb::plugin::Guarded<TestPolicy>>();
}
BOOST_DLL_ALIAS(test_export::create, zzjb_create_plugin)
#endif
}  // namespace test_export
#endif
