// A token vendor's library is code: loaded only from trusted places and through the descriptor
// that was checked, like a plugin (issue 11 item 1, must-show 1; docs/identity.md, "Token
// libraries are code"). The SKF library stands for both kinds of token library (the PKCS#11 module
// goes through the same loader; see pkcs11_signer_test.cpp). Refusals are identity problems:
// exit 77.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "other_user_swapper.hpp"
#include "skf_support.hpp"
#include "test_support.hpp"
#include "zzjb/identity/signers.hpp"
#include "zzjb/messages/catalog.hpp"

namespace zzjb::identity {
namespace {

namespace fs = std::filesystem;
using test::contains;
using test::kOtherUser;
using test::readFile;
using test::run;
using test::shellQuote;
using test::TempDir;

constexpr const char* kPin = "pin-4711-secret";

class SkfLibraryLoading : public ::testing::Test {
 protected:
  void SetUp() override {
    ::chmod(tmp_.path().c_str(), 0755);  // others must reach inside for the swap test
    marker_ = tmp_ / "attacker-ran";
    ::setenv("ZZJB_TEST_ATTACKER_MARKER", marker_.c_str(), 1);
    const auto& km = test::skf::KeyMaterial::get();
    auto r = run(std::string(ZZJB_SKF_MOCK_TOOL) + " init --dir " + shellQuote(token_.string()) +
                 " --pin " + shellQuote(kPin) + " --key " + shellQuote(km.key().string()) +
                 " --cert " + shellQuote(km.cert().string()));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    ::setenv("ZZJB_SKF_MOCK_DIR", token_.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("ZZJB_TEST_ATTACKER_MARKER");
    ::unsetenv("ZZJB_SKF_MOCK_DIR");
  }

  // A directory of the given mode holding a copy of the software token's SKF library.
  fs::path libraryIn(const std::string& dirName, mode_t mode, const std::string& name) {
    fs::path dir = tmp_ / dirName;
    fs::create_directories(dir);
    EXPECT_EQ(::chmod(dir.c_str(), mode), 0);
    fs::copy_file(ZZJB_SKF_MOCK_LIB, dir / name);
    EXPECT_EQ(::chmod((dir / name).c_str(), 0755), 0);
    return dir / name;
  }
  PinProvider pin() {
    return [this]() -> Result<Secret> {
      ++pinCalls_;
      return Secret(kPin);
    };
  }
  [[nodiscard]] static SkfKeyUri uri(const fs::path& lib) {
    SkfKeyUri u;
    u.lib = lib.string();
    u.container = "SIGN";
    return u;
  }
  [[nodiscard]] bool attackerRan() const { return fs::exists(marker_); }

  TempDir tmp_;
  fs::path token_ = tmp_ / "token";
  fs::path marker_;
  int pinCalls_ = 0;
};

TEST_F(SkfLibraryLoading, ACopyInASafeDirectoryOpensTheKey) {
  auto signer = openSkfSigner(uri(libraryIn("lib", 0755, "libskf.so")), pin());
  ASSERT_TRUE(signer) << signer.error().code << " " << signer.error().message;
  EXPECT_EQ(pinCalls_, 1);
}

TEST_F(SkfLibraryLoading, RefusesALibraryInADirectoryOthersCanWriteNamingItsModeAndFix) {
  fs::path lib = libraryIn("shared", 0777, "libskf.so");
  auto signer = openSkfSigner(uri(lib), pin());
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "KEY_MODULE_UNSAFE");
  EXPECT_TRUE(contains(signer.error().message, lib.string())) << signer.error().message;
  EXPECT_TRUE(contains(signer.error().message, "可被所有用户写入（权限 0777）"))
      << signer.error().message;
  EXPECT_TRUE(contains(signer.error().hint, "chmod go-w")) << signer.error().hint;
  EXPECT_EQ(pinCalls_, 0);
}

TEST_F(SkfLibraryLoading, RefusesAGroupWritableLibrary) {
  fs::path lib = libraryIn("lib", 0755, "libskf.so");
  ASSERT_EQ(::chmod(lib.c_str(), 0775), 0);
  auto signer = openSkfSigner(uri(lib), pin());
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "KEY_MODULE_UNSAFE");
  EXPECT_TRUE(contains(signer.error().message, "可被同组用户写入")) << signer.error().message;
}

TEST_F(SkfLibraryLoading, RefusesALibraryOwnedByAnotherUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "giving a file to another user needs root";
  fs::path lib = libraryIn("lib", 0755, "libskf.so");
  ASSERT_EQ(::chown(lib.c_str(), kOtherUser, kOtherUser), 0);
  auto signer = openSkfSigner(uri(lib), pin());
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "KEY_MODULE_UNSAFE");
  EXPECT_TRUE(contains(signer.error().message, "属于 uid 65534")) << signer.error().message;
  EXPECT_TRUE(contains(signer.error().hint, "chown")) << signer.error().hint;
}

// Vendors install their library behind a link (/usr/lib/softhsm/libsofthsm2.so is one): a link
// of ours in a safe directory is followed to a trusted file; a link someone else owns, or one
// pointing at someone else's file, is refused.
TEST_F(SkfLibraryLoading, FollowsOnlyATrustedLinkToATrustedFile) {
  fs::path real = libraryIn("vendor", 0755, "libskf.so.1");
  fs::create_directories(tmp_ / "lib");
  fs::create_symlink("../vendor/libskf.so.1", tmp_ / "lib/libskf.so");
  auto followed = openSkfSigner(uri(tmp_ / "lib/libskf.so"), pin());
  ASSERT_TRUE(followed) << followed.error().code << " " << followed.error().message;
  followed->reset();

  if (::geteuid() != 0) GTEST_SKIP() << "giving a file to another user needs root";
  ASSERT_EQ(::lchown((tmp_ / "lib/libskf.so").c_str(), kOtherUser, kOtherUser), 0);
  auto foreignLink = openSkfSigner(uri(tmp_ / "lib/libskf.so"), pin());
  ASSERT_FALSE(foreignLink);
  EXPECT_EQ(foreignLink.error().code, "KEY_MODULE_UNSAFE");
  EXPECT_TRUE(contains(foreignLink.error().message, "符号链接"))
      << foreignLink.error().message;

  ASSERT_EQ(::lchown((tmp_ / "lib/libskf.so").c_str(), 0, 0), 0);
  ASSERT_EQ(::chown(real.c_str(), kOtherUser, kOtherUser), 0);
  auto foreignFile = openSkfSigner(uri(tmp_ / "lib/libskf.so"), pin());
  ASSERT_FALSE(foreignFile);
  EXPECT_EQ(foreignFile.error().code, "KEY_MODULE_UNSAFE");
  EXPECT_TRUE(contains(foreignFile.error().message, "uid 65534")) << foreignFile.error().message;
}

// Must-show 1, token library: uid 65534 keeps exchanging the root-made SKF library with its own
// in a directory it can write to, while the key is opened 200 times. Its constructor never runs.
TEST_F(SkfLibraryLoading, AnotherUserSwappingTheLibraryDuring200OpensNeverRunsTheirCode) {
  if (::geteuid() != 0) GTEST_SKIP() << "playing another user (uid 65534) needs root";
  fs::path lib = libraryIn("shared", 0777, "libskf.so");
  test::OtherUserSwapper attacker(lib.parent_path(), "libskf.so", readFile(ZZJB_ATTACKER_LIB));
  ASSERT_TRUE(attacker.started()) << "the other user could not plant its library";
  int unsafe = 0;
  for (int i = 0; i < 200; ++i) {
    // Each open in a fresh process, as each zzjb run is (see test::inFreshProcess).
    const bool refused = test::inFreshProcess([&] {
      auto signer = openSkfSigner(uri(lib), pin());
      return !signer && signer.error().code == "KEY_MODULE_UNSAFE" && pinCalls_ == 0;
    });
    if (refused) ++unsafe;
  }
  attacker.stop();
  EXPECT_GT(attacker.swaps(), 200) << "the race hardly ran";
  std::cout << "the other user swapped the library " << attacker.swaps() << " times\n";
  EXPECT_EQ(unsafe, 200);
  EXPECT_FALSE(attackerRan()) << readFile(marker_);
}

// The command line says it as an identity problem: exit 77, the code, the path.
TEST_F(SkfLibraryLoading, TheCommandLineRefusesAnUnsafeLibraryWithExit77) {
  fs::path lib = libraryIn("shared", 0777, "libskf.so");
  ::setenv("ZZJB_TEST_SKF_PIN", kPin, 1);
  auto r = run(std::string(ZZJB_BIN) + " keyid --key " + shellQuote("skf:lib=" + lib.string()) +
               " --pin-env ZZJB_TEST_SKF_PIN");
  ::unsetenv("ZZJB_TEST_SKF_PIN");
  EXPECT_EQ(r.exitCode, 77) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "KEY_MODULE_UNSAFE")) << r.err;
  EXPECT_TRUE(contains(r.err, lib.string())) << r.err;
  EXPECT_FALSE(contains(r.out + r.err, kPin));
}

}  // namespace
}  // namespace zzjb::identity
