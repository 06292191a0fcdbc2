// Test-only plugins, each wrong in one way (or right, as a control), chosen by a definition:
// ZZJB_BAD_ABI (built for ABI 1), ZZJB_NO_FACTORY (the ABI symbol only), ZZJB_THROWS (a
// factory that throws), ZZJB_DUPLICATE (a second "social-org"), ZZJB_GOOD (type "test-extra"),
// ZZJB_ATTACKER (the good one, plus a constructor that runs on load and appends a line to the file
// named by $ZZJB_TEST_ATTACKER_MARKER: the proof that an attacker's code ran), ZZJB_OLD_SDK (type
// "old-sdk", granted by the centre, exported by hand as an SDK before zzjb_plugin_set_language
// did: it writes Chinese only), ZZJB_ABILITY_LEVEL (type "ability-level": an Ability scope with a
// level rule), ZZJB_DUPLICATE_OPTION (type "duplicate-option": an option declared twice),
// ZZJB_NOT_UTF8 (type "not-utf8", good but for a description that is not UTF-8).
#include <fcntl.h>
#include <unistd.h>

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
