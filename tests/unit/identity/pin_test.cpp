// Where the PIN comes from: environment, a private file, a systemd credential; never echoed.
#include "zzjb/identity/pin.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include "test_support.hpp"

namespace zzjb::identity {
namespace {

TEST(Pin, ReadsFromTheEnvironment) {
  ::setenv("ZZJB_TEST_PIN", "246810", 1);
  PinSource src;
  src.env = "ZZJB_TEST_PIN";
  auto pin = readPin(src, "s1");
  ASSERT_TRUE(pin);
  EXPECT_EQ(pin->view(), "246810");
  PinSource never;
  never.env = "ZZJB_TEST_PIN_NEVER_SET";
  ::unsetenv("ZZJB_TEST_PIN_NEVER_SET");
  auto missing = readPin(never, "s1");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "PIN_UNAVAILABLE");
  EXPECT_NE(missing.error().message.find("ZZJB_TEST_PIN_NEVER_SET"), std::string::npos);
}

// docs/identity.md, "The PIN in memory": the variable's bytes are overwritten where they are and
// the variable leaves the environment (no child inherits it, /proc/PID/environ no longer shows
// it), yet the same process can read the PIN again (a daemon's next pass, a second school).
TEST(Pin, APinFromTheEnvironmentIsWipedFromItAndStillReadableAgain) {
  // putenv: the environment points into this buffer, so the test can look at the very bytes.
  static char entry[] = "ZZJB_TEST_PIN_WIPED=73915";
  const std::size_t nameLen = std::strlen("ZZJB_TEST_PIN_WIPED=");
  ASSERT_EQ(::putenv(entry), 0);
  PinSource src;
  src.env = "ZZJB_TEST_PIN_WIPED";
  auto pin = readPin(src, "s1");
  ASSERT_TRUE(pin);
  EXPECT_EQ(pin->view(), "73915");
  EXPECT_EQ(std::getenv("ZZJB_TEST_PIN_WIPED"), nullptr);
  for (char** e = environ; *e != nullptr; ++e) {
    EXPECT_FALSE(std::string_view(*e).starts_with("ZZJB_TEST_PIN_WIPED=")) << "still in environ";
  }
  for (std::size_t i = nameLen; i < sizeof entry - 1; ++i) {
    EXPECT_EQ(entry[i], '\0') << "byte " << i - nameLen << " of the value survived";
  }
  auto again = readPin(src, "s2");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->view(), "73915");
  // A new value set later wins over the one taken before.
  ::setenv("ZZJB_TEST_PIN_WIPED", "55555", 1);
  auto changed = readPin(src, "s1");
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->view(), "55555");
  EXPECT_EQ(std::getenv("ZZJB_TEST_PIN_WIPED"), nullptr);
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

// docs/operations.md, section 3: one LoadCredential=zzjb-pin:/etc/zzjb/pins for every school.
// systemd 252 loads each file of the directory as the credential "zzjb-pin_<file>", read-only
// (0400) in a private $CREDENTIALS_DIRECTORY; laid out here as it does.
TEST(Pin, ReadsACredentialOfADirectoryLoadedAsSystemdLaysItOutAndSaysWhenOneCameAfterTheStart) {
  test::TempDir tmp;
  const auto creds = tmp / "credentials" / "zzjb.service";
  std::filesystem::create_directories(creds);
  test::writeFile(creds / "zzjb-pin_xuhui-zz", "246810");
  ::chmod((creds / "zzjb-pin_xuhui-zz").c_str(), 0400);
  ::chmod(creds.c_str(), 0500);
  ::setenv("CREDENTIALS_DIRECTORY", creds.c_str(), 1);
  PinSource src;
  src.credential = "zzjb-pin_xuhui-zz";
  auto pin = readPin(src, "xuhui-zz");
  // A school added (its PIN file put in /etc/zzjb/pins) after the service started.
  PinSource later;
  later.credential = "zzjb-pin_pudong-gz";
  auto missing = readPin(later, "pudong-gz");
  ::unsetenv("CREDENTIALS_DIRECTORY");
  ::chmod(creds.c_str(), 0700);
  ASSERT_TRUE(pin) << pin.error().message;
  EXPECT_EQ(pin->view(), "246810");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "PIN_UNAVAILABLE");
  EXPECT_NE(missing.error().message.find("zzjb-pin_pudong-gz"), std::string::npos)
      << missing.error().message;
  EXPECT_NE(missing.error().hint.find("systemctl restart zzjb-daemon"), std::string::npos)
      << missing.error().hint;
}

TEST(Pin, WithoutCredentialsDirectoryTheRefusalNamesTheRecipe) {
  ::unsetenv("CREDENTIALS_DIRECTORY");
  PinSource src;
  src.credential = "zzjb-pin_xuhui-zz";
  auto pin = readPin(src, "xuhui-zz");
  ASSERT_FALSE(pin);
  EXPECT_NE(pin.error().message.find("$CREDENTIALS_DIRECTORY"), std::string::npos);
  EXPECT_NE(pin.error().hint.find("systemd-run --pipe --wait -p User=zzjb -p "
                                  "LoadCredential=zzjb-pin:/etc/zzjb/pins"),
            std::string::npos)
      << pin.error().hint;
  EXPECT_NE(pin.error().hint.find("systemctl start zzjb.service"), std::string::npos);
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

// True when any 3 consecutive bytes of `pin` appear in the object's own bytes (for a short PIN
// that is where std::string keeps it: the small-string buffer inside the object).
bool objectHoldsPinBytes(const Secret& s, std::string_view pin) {
  const auto* raw = reinterpret_cast<const char*>(&s);
  const std::string_view bytes(raw, sizeof(Secret));
  for (std::size_t i = 0; i + 3 <= pin.size(); ++i) {
    if (bytes.find(pin.substr(i, 3)) != std::string_view::npos) return true;
  }
  return false;
}

// Issue 11 item 10 / must-show 6: std::string's own move leaves a short string's bytes (all but
// the first) in the moved-from small-string buffer; Secret's move must not.
TEST(Secret, AMovedFromSecretHoldsNoByteOfAShortPin) {
  constexpr std::string_view kPin = "Q7#kZ9";  // short: kept inside the object, not on the heap
  auto a = std::make_unique<Secret>(std::string(kPin));
  ASSERT_TRUE(objectHoldsPinBytes(*a, kPin)) << "the probe must see a PIN where it is";
  Secret b(std::move(*a));
  EXPECT_EQ(b.view(), kPin);
  EXPECT_FALSE(objectHoldsPinBytes(*a, kPin));

  Secret c;
  c = std::move(b);
  EXPECT_EQ(c.view(), kPin);
  EXPECT_FALSE(objectHoldsPinBytes(b, kPin));  // NOLINT(bugprone-use-after-move)
  c.wipe();
  EXPECT_FALSE(objectHoldsPinBytes(c, kPin));
}

// The string a Secret is made from is wiped too: short (in its own buffer) or long (on the heap).
TEST(Secret, TheStringItIsMadeFromIsWiped) {
  std::string shortPin = "246813";
  const char* shortBuf = shortPin.data();
  const std::size_t shortCap = shortPin.capacity();
  Secret s(std::move(shortPin));
  EXPECT_EQ(s.view(), "246813");
  EXPECT_EQ(shortPin.size(), 0U);  // NOLINT(bugprone-use-after-move)
  // The small-string buffer is part of `shortPin` and still valid storage.
  for (std::size_t i = 0; i < shortCap; ++i) EXPECT_EQ(shortBuf[i], '\0') << "byte " << i;

  std::string longPin(40, 'x');
  Secret l(std::move(longPin));
  EXPECT_EQ(l.view(), std::string(40, 'x'));
  EXPECT_TRUE(longPin.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(longPin.find('x'), std::string::npos);
}

}  // namespace
}  // namespace zzjb::identity
