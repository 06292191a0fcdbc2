// Where the PIN comes from: environment, a private file, a systemd credential; never echoed.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>

#include "test_support.hpp"
#include "zzjb/identity/pin.hpp"

namespace zzjb::identity {
namespace {

TEST(Pin, ReadsFromTheEnvironment) {
  ::setenv("ZZJB_TEST_PIN", "246810", 1);
  PinSource src;
  src.env = "ZZJB_TEST_PIN";
  auto pin = readPin(src, "s1");
  ASSERT_TRUE(pin);
  EXPECT_EQ(pin->view(), "246810");
  ::unsetenv("ZZJB_TEST_PIN");
  auto missing = readPin(src, "s1");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "PIN_UNAVAILABLE");
  EXPECT_NE(missing.error().message.find("ZZJB_TEST_PIN"), std::string::npos);
}

TEST(Pin, ReadsAPrivateFileWithoutItsNewline) {
  test::TempDir tmp;
  auto path = tmp / "pin";
  test::writeFile(path, "135790\n");
  ::chmod(path.c_str(), 0600);
  PinSource src;
  src.file = path.string();
  auto pin = readPin(src, "s1");
  ASSERT_TRUE(pin);
  EXPECT_EQ(pin->view(), "135790");
}

TEST(Pin, RefusesAFileOthersCanRead) {
  test::TempDir tmp;
  auto path = tmp / "pin";
  test::writeFile(path, "135790\n");
  ::chmod(path.c_str(), 0644);
  PinSource src;
  src.file = path.string();
  auto pin = readPin(src, "s1");
  ASSERT_FALSE(pin);
  EXPECT_EQ(pin.error().code, "PIN_FILE_MODE");
  EXPECT_NE(pin.error().hint.find("chmod 600"), std::string::npos);
  EXPECT_EQ(pin.error().message.find("135790"), std::string::npos);
}

TEST(Pin, ReadsASystemdCredential) {
  test::TempDir tmp;
  test::writeFile(tmp / "zzjb-pin", "112233");
  ::setenv("CREDENTIALS_DIRECTORY", tmp.path().c_str(), 1);
  PinSource src;
  src.credential = "zzjb-pin";
  auto pin = readPin(src, "s1");
  ::unsetenv("CREDENTIALS_DIRECTORY");
  ASSERT_TRUE(pin);
  EXPECT_EQ(pin->view(), "112233");
  auto none = readPin(src, "s1");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().hint.find("LoadCredential"), std::string::npos);
}

TEST(Pin, NothingConfiguredSaysWhatToConfigure) {
  auto pin = readPin(PinSource{}, "s1");
  ASSERT_FALSE(pin);
  EXPECT_EQ(pin.error().code, "PIN_NOT_CONFIGURED");
  EXPECT_EQ(pin.error().school, "s1");
}

TEST(Secret, MovesAndWipes) {
  Secret a(std::string("999888"));
  Secret b(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is defined empty
  EXPECT_EQ(b.view(), "999888");
  b.wipe();
  EXPECT_TRUE(b.empty());
}

}  // namespace
}  // namespace zzjb::identity
