// The plugin host loads code only from trusted places, and exactly the file it checked (issue 11
// item 1, must-show 1; docs/plugins.md, "Loading plugins safely"). The attacker's plugin is a good
// plugin whose constructor appends to $ZZJB_TEST_ATTACKER_MARKER as soon as it is loaded.
#include <dlfcn.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "other_user_swapper.hpp"
#include "test_support.hpp"
#include "zzjb/messages/catalog.hpp"
#include "zzjb/plugin_host/host.hpp"

namespace zzjb::test {
namespace {

namespace fs = std::filesystem;

const fs::path kBad = ZZJB_BAD_PLUGIN_DIR;
const fs::path kGood = kBad / "zzjb-test-good.so";
const fs::path kAttacker = kBad / "zzjb-test-attacker.so";

class PluginLoading : public ::testing::Test {
 protected:
  void SetUp() override {
    // The temporary directory itself is 0700; others must reach inside for the swap tests.
    ::chmod(tmp_.path().c_str(), 0755);
    marker_ = tmp_ / "attacker-ran";
    ::setenv("ZZJB_TEST_ATTACKER_MARKER", marker_.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("ZZJB_TEST_ATTACKER_MARKER");
  }

  // A directory with the given mode, holding a copy of the good plugin as `name`.
  fs::path pluginDir(const std::string& dirName, mode_t mode, const std::string& name) {
    fs::path dir = tmp_ / dirName;
    fs::create_directories(dir);
    EXPECT_EQ(::chmod(dir.c_str(), mode), 0);
    fs::copy_file(kGood, dir / name);
    EXPECT_EQ(::chmod((dir / name).c_str(), 0644), 0);
    return dir;
  }
  [[nodiscard]] bool attackerRan() const { return fs::exists(marker_); }

  TempDir tmp_;
  fs::path marker_;
};

std::vector<plugin_host::SearchDir> only(const fs::path& dir) {
  return {{dir, "plugins.dir", true, {}, {}}};
}

// Issue 13: a plugin built before the SDK had zzjb_plugin_set_language still loads (ABI 1). It
// writes Chinese only, so in English zzjb leaves its explanations and its request to the centre
// empty (core then says the catalog's); in Chinese they are the plugin's, placeholders filled.
TEST_F(PluginLoading, APluginWithoutTheLanguageSymbolLoadsAndItsChineseIsNotShownInEnglish) {
  const fs::path dir = tmp_ / "old";
  fs::create_directories(dir);
  ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
  fs::copy_file(kBad / "zzjb-test-old-sdk.so", dir / "zzjb-test-old-sdk.so");
  ASSERT_EQ(::chmod((dir / "zzjb-test-old-sdk.so").c_str(), 0644), 0);
  ASSERT_EQ(::dlopen((dir / "zzjb-test-old-sdk.so").c_str(), RTLD_NOW | RTLD_NOLOAD), nullptr);
  void* probe = ::dlopen((kBad / "zzjb-test-old-sdk.so").c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(::dlsym(probe, "zzjb_plugin_set_language"), nullptr) << "not an old plugin";
  ::dlclose(probe);

  for (msg::Lang lang : {msg::Lang::En, msg::Lang::ZhCN}) {
    msg::setLanguage(lang);
    plugin_host::Host host;
    auto f = host.load(dir / "zzjb-test-old-sdk.so", "plugins.dir");
    ASSERT_TRUE(f.loaded) << f.refusal;
    const CertType* t = host.registry().find("old-sdk");
    ASSERT_NE(t, nullptr);
    auto e = t->impl->explainReview("SOMETHING", "材料不全");
    ASSERT_TRUE(e.ok()) << e.error;
    if (lang == msg::Lang::En) {
      EXPECT_TRUE(e.value.sentence.empty()) << e.value.sentence;
      EXPECT_TRUE(t->info.permissionRequest.empty()) << t->info.permissionRequest;
      EXPECT_TRUE(t->info.permissionWaiting.empty()) << t->info.permissionWaiting;
    } else {
      EXPECT_NE(e.value.sentence.find("材料不全"), std::string::npos) << e.value.sentence;
      EXPECT_NE(e.value.hint.find(msg::fill("{centrePhone}", {})), std::string::npos)
          << e.value.hint;
      EXPECT_EQ(t->info.permissionRequest, "请市职鉴中心开通权限");
      EXPECT_EQ(t->info.permissionWaiting, "等待市职鉴中心开通权限");
    }
  }
}

// ABI 2 (docs/plugins.md "ABI 2"): a plugin built for ABI 1 is refused before anything in it is
// called, the message naming the file and both ABIs, in the language asked for.
TEST_F(PluginLoading, RefusesAnAbi1PluginNamingTheFileAndBothAbis) {
  fs::path dir = pluginDir("plugins", 0755, "zzjb-test-good.so");
  fs::copy_file(kBad / "zzjb-test-bad-abi.so", dir / "zzjb-old.so");
  ASSERT_EQ(::chmod((dir / "zzjb-old.so").c_str(), 0644), 0);
  for (msg::Lang lang : {msg::Lang::En, msg::Lang::ZhCN}) {
    msg::setLanguage(lang);
    plugin_host::Host host;
    auto f = host.load(dir / "zzjb-old.so", "plugins.dir");
    EXPECT_FALSE(f.loaded);
    EXPECT_EQ(f.refusalCode, "PLUGIN_ABI");
    EXPECT_EQ(f.abi, 1U);
    EXPECT_TRUE(f.typeId.empty()) << "info() was called";
    const std::string expected =
        lang == msg::Lang::En
            ? "plugin zzjb-old.so was built for plugin ABI 1; this zzjb takes ABI 2: rebuild it "
              "with this zzjb's SDK"
            : "插件 zzjb-old.so 是按插件接口 ABI 1 构建的，本 zzjb 需要 ABI 2：请用本 zzjb 的 SDK "
              "重新构建";
    EXPECT_EQ(f.refusal, expected);
  }
}

// A TypeInfo the core could not act on refuses the plugin after init(), with the reason.
TEST_F(PluginLoading, RefusesATypeWhoseShapeOrOptionsCannotBeUsed) {
  msg::setLanguage(msg::Lang::En);
  fs::path dir = pluginDir("plugins", 0755, "zzjb-test-good.so");
  for (const char* name : {"zzjb-test-ability-level.so", "zzjb-test-duplicate-option.so"}) {
    fs::copy_file(kBad / name, dir / name);
    ASSERT_EQ(::chmod((dir / name).c_str(), 0644), 0);
  }
  plugin_host::Host host;
  auto level = host.load(dir / "zzjb-test-ability-level.so", "plugins.dir");
  EXPECT_FALSE(level.loaded);
  EXPECT_EQ(level.refusalCode, "PLUGIN_INFO");
  EXPECT_NE(level.refusal.find("scope Ability has no level"), std::string::npos) << level.refusal;
  auto option = host.load(dir / "zzjb-test-duplicate-option.so", "plugins.dir");
  EXPECT_FALSE(option.loaded);
  EXPECT_EQ(option.refusalCode, "PLUGIN_INFO");
  EXPECT_NE(option.refusal.find("option \"rosterColumn\" is declared twice"), std::string::npos)
      << option.refusal;
  EXPECT_EQ(host.registry().find("ability-level"), nullptr);
  EXPECT_EQ(host.registry().find("duplicate-option"), nullptr);
  // The good one beside them still loads.
  EXPECT_TRUE(host.load(dir / "zzjb-test-good.so", "plugins.dir").loaded);
  msg::setLanguage(msg::Lang::ZhCN);
}

// The probe works: loading the attacker's plugin does leave the marker.
TEST_F(PluginLoading, TheAttackersConstructorLeavesItsMarkerWhenLoaded) {
  fs::path dir = pluginDir("plugins", 0755, "zzjb-test-good.so");
  fs::copy_file(kAttacker, dir / "zzjb-attacker.so");
  ::chmod((dir / "zzjb-attacker.so").c_str(), 0644);
  plugin_host::Host host;
  auto f = host.load(dir / "zzjb-attacker.so", "plugins.dir");
  EXPECT_TRUE(f.loaded) << f.refusal;
  EXPECT_TRUE(attackerRan());
}

// The file is checked on its open descriptor and loaded through /proc/self/fd/N: a file renamed
// over the name between the check and the load is not what gets loaded.
TEST_F(PluginLoading, LoadsTheCheckedFileEvenWhenAnotherIsRenamedOverItBeforeTheLoad) {
  fs::path dir = pluginDir("plugins", 0755, "zzjb-test-good.so");
  fs::copy_file(kAttacker, tmp_ / "attacker.so");
  int swaps = 0;
  plugin_host::Host host;
  host.setBeforeLoadHook([&](const fs::path& file) {
    fs::rename(tmp_ / "attacker.so", file);
    ++swaps;
  });
  host.scan(only(dir));
  ASSERT_EQ(swaps, 1);
  ASSERT_EQ(host.files().size(), 1U);
  EXPECT_TRUE(host.files()[0].loaded) << host.files()[0].refusal;
  EXPECT_EQ(host.files()[0].typeId, "test-extra");
  EXPECT_FALSE(attackerRan()) << "the file swapped in after the check was loaded";
}

// The loader answers dlopen of a name it already knows with that library: a library loaded as
// /proc/self/fd/N that is still mapped keeps that name after N is closed and handed out again.
// Each plugin must still be loaded as itself.
TEST_F(PluginLoading, EachFileIsLoadedAsItselfWhenItsDescriptorNumberWasUsedBefore) {
  fs::path dir = pluginDir("plugins", 0755, "zzjb-test-good.so");
  fs::create_directories(tmp_ / "other");
  fs::copy_file(kBad / "zzjb-test-bad-abi.so", tmp_ / "other/bad-abi.so");
  int fd = ::open((tmp_ / "other/bad-abi.so").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  const std::string name = "/proc/self/fd/" + std::to_string(fd);
  void* earlier = ::dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(earlier, nullptr) << ::dlerror();
  ::close(fd);  // the next open gets the same number

  plugin_host::Host host;
  host.scan(only(dir));
  ASSERT_EQ(host.files().size(), 1U);
  EXPECT_TRUE(host.files()[0].loaded) << host.files()[0].refusal;
  EXPECT_EQ(host.files()[0].typeId, "test-extra");
  EXPECT_EQ(host.files()[0].abi, plugin::kAbiVersion);  // the good one's, not the ABI 1 one's
  ::dlclose(earlier);
}

// The same file loaded by a second host gets a second name in the loader (an alias it keeps
// after that host is gone, and that dl_iterate_phdr does not list); the next file opened under
// that descriptor number must still be loaded as itself, not answered with the first library.
TEST_F(PluginLoading, AnotherFileIsLoadedAsItselfAfterASecondHostLoadedTheSameFileAgain) {
  fs::path dir = pluginDir("plugins", 0755, "zzjb-test-good.so");
  fs::copy_file(kBad / "zzjb-test-old-sdk.so", dir / "zzjb-test-old-sdk.so");
  ASSERT_EQ(::chmod((dir / "zzjb-test-old-sdk.so").c_str(), 0644), 0);
  plugin_host::Host first;
  ASSERT_TRUE(first.load(dir / "zzjb-test-good.so", "plugins.dir").loaded);
  {
    plugin_host::Host second;  // the same library again, under the next free descriptor's name
    ASSERT_TRUE(second.load(dir / "zzjb-test-good.so", "plugins.dir").loaded);
  }
  plugin_host::Host third;  // its file gets that descriptor number again
  auto f = third.load(dir / "zzjb-test-old-sdk.so", "plugins.dir");
  EXPECT_TRUE(f.loaded) << f.refusal;
  EXPECT_EQ(f.typeId, "old-sdk");
}

TEST_F(PluginLoading, RefusesASymbolicLinkInASafeDirectory) {
  fs::path dir = pluginDir("plugins", 0755, "zzjb-test-good.so");
  fs::create_directories(tmp_ / "elsewhere");
  fs::copy_file(kGood, tmp_ / "elsewhere/other.so");
  fs::create_symlink(tmp_ / "elsewhere/other.so", dir / "zzjb-linked.so");
  plugin_host::Host host;
  host.scan(only(dir));
  EXPECT_FALSE(host.dirs()[0].refused()) << host.dirs()[0].refusal;
  ASSERT_EQ(host.files().size(), 2U);
  const auto& link = host.files()[0];  // sorted: zzjb-linked.so, zzjb-test-good.so
  EXPECT_EQ(link.path.filename(), "zzjb-linked.so");
  EXPECT_FALSE(link.loaded);
  EXPECT_EQ(link.refusalCode, "PLUGIN_IS_LINK");
  EXPECT_TRUE(contains(link.refusal, "符号链接")) << link.refusal;
  EXPECT_TRUE(host.files()[1].loaded) << host.files()[1].refusal;
}

TEST_F(PluginLoading, RefusesAFileOwnedByAnotherUserInASafeDirectory) {
  if (::geteuid() != 0) GTEST_SKIP() << "giving a file to another user needs root";
  fs::path dir = pluginDir("plugins", 0755, "zzjb-test-good.so");
  ASSERT_EQ(::chown((dir / "zzjb-test-good.so").c_str(), kOtherUser, kOtherUser), 0);
  plugin_host::Host host;
  host.scan(only(dir));
  ASSERT_EQ(host.files().size(), 1U);
  const auto& f = host.files()[0];
  EXPECT_FALSE(f.loaded);
  EXPECT_EQ(f.refusalCode, "PLUGIN_OWNER");
  EXPECT_TRUE(contains(f.refusal, "uid 65534")) << f.refusal;
  EXPECT_TRUE(contains(f.refusal, "chown")) << f.refusal;
}

TEST_F(PluginLoading, RefusesADirectoryOthersCanWriteWithItsPathModeAndFix) {
  for (mode_t mode : {0777U, 01777U, 0775U}) {
    SCOPED_TRACE(mode);
    fs::path dir = pluginDir("plugins-" + std::to_string(mode), mode, "zzjb-test-good.so");
    plugin_host::Host host;
    host.scan(only(dir));
    ASSERT_EQ(host.dirs().size(), 1U);
    const auto& d = host.dirs()[0];
    EXPECT_EQ(d.refusalCode, "PLUGIN_DIR_UNSAFE");
    EXPECT_TRUE(contains(d.refusal, dir.string())) << d.refusal;
    EXPECT_TRUE(
        contains(d.refusal, mode == 0775 ? "可被同组用户写入" : "可被所有用户写入"))
        << d.refusal;
    EXPECT_TRUE(contains(d.refusal, "chmod go-w")) << d.refusal;
    ASSERT_EQ(host.files().size(), 1U);
    EXPECT_FALSE(host.files()[0].loaded);
    EXPECT_EQ(host.files()[0].refusalCode, "PLUGIN_DIR_UNSAFE");
    EXPECT_TRUE(host.anyRefused());
    EXPECT_TRUE(host.registry().types().empty());

    // Loading the file by itself checks the directories up its path too.
    plugin_host::Host direct;
    auto f = direct.load(dir / "zzjb-test-good.so", "plugins.dir");
    EXPECT_FALSE(f.loaded);
    EXPECT_EQ(f.refusalCode, "PLUGIN_DIR_UNSAFE");
    EXPECT_TRUE(contains(f.refusal, dir.string())) << f.refusal;
  }
  EXPECT_FALSE(attackerRan());
}

// Must-show 1: uid 65534 keeps exchanging the root-made plugin with its own in a directory it can
// write to, while the host loads it 200 times (by scanning, and by loading the file directly; each
// time in a fresh process, as each zzjb run is).
// The attacker's constructor never runs, and every load is refused for the directory.
TEST_F(PluginLoading, AnotherUserSwappingThePluginDuring200LoadsNeverRunsTheirCode) {
  if (::geteuid() != 0) GTEST_SKIP() << "playing another user (uid 65534) needs root";
  fs::path dir = pluginDir("shared", 0777, "zzjb-swapped.so");
  OtherUserSwapper attacker(dir, "zzjb-swapped.so", readFile(kAttacker));
  ASSERT_TRUE(attacker.started()) << "the other user could not plant its plugin";
  int refusedForTheDirectory = 0;
  for (int i = 0; i < 200; ++i) {
    const bool refused = inFreshProcess([&] {
      plugin_host::Host scanned;
      scanned.scan(only(dir));
      bool ok = scanned.dirs()[0].refused() &&
                contains(scanned.dirs()[0].refusal, "可被所有用户写入");
      for (const auto& f : scanned.files()) ok = ok && !f.loaded;
      plugin_host::Host direct;
      auto f = direct.load(dir / "zzjb-swapped.so", "plugins.dir");
      return ok && !f.loaded && f.refusalCode == "PLUGIN_DIR_UNSAFE";
    });
    if (refused) ++refusedForTheDirectory;
  }
  attacker.stop();
  EXPECT_GT(attacker.swaps(), 200) << "the race hardly ran";
  std::cout << "the other user swapped the plugin " << attacker.swaps() << " times\n";
  EXPECT_EQ(refusedForTheDirectory, 200);
  EXPECT_FALSE(attackerRan()) << readFile(marker_);
}

}  // namespace
}  // namespace zzjb::test
