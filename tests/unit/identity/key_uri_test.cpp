// Parsing identity.key URIs: file:, pkcs11: (RFC 7512) and skf:.
#include <gtest/gtest.h>

#include "zzjb/identity/key_uri.hpp"

namespace zzjb::identity {
namespace {

TEST(KeyUri, FileIsResolvedAgainstTheConfigDirectory) {
  auto u = parseKeyUri("file:keys/school.key", "/etc/zzjb");
  ASSERT_TRUE(u);
  EXPECT_EQ(std::get<FileKeyUri>(*u).path, "/etc/zzjb/keys/school.key");
  auto abs = parseKeyUri("file:///var/lib/zzjb/k.pem", "/etc/zzjb");
  ASSERT_TRUE(abs);
  EXPECT_EQ(std::get<FileKeyUri>(*abs).path, "/var/lib/zzjb/k.pem");
}

TEST(KeyUri, Pkcs11PathAndQueryAttributesArePercentDecoded) {
  auto u = parseKeyUri(
      "pkcs11:token=SHECA%20Key;object=sign;id=%01%02?module-path=/usr/lib/softhsm/libsofthsm2.so"
      "&pin-source=file:/run/pin",
      "/etc/zzjb");
  ASSERT_TRUE(u) << u.error().message;
  const auto& p = std::get<Pkcs11KeyUri>(*u);
  EXPECT_EQ(p.token, "SHECA Key");
  EXPECT_EQ(p.object, "sign");
  EXPECT_EQ(p.id, std::string("\x01\x02"));
  EXPECT_EQ(p.modulePath, "/usr/lib/softhsm/libsofthsm2.so");
  EXPECT_EQ(p.pinSource, "file:/run/pin");
}

TEST(KeyUri, Pkcs11RefusesAPinValue) {
  auto u = parseKeyUri("pkcs11:token=t;object=o?module-path=/m.so&pin-value=123456", "/");
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().code, "KEY_URI");
  EXPECT_EQ(u.error().message.find("123456"), std::string::npos);
}

TEST(KeyUri, Pkcs11NeedsModuleTokenAndObject) {
  EXPECT_FALSE(parseKeyUri("pkcs11:token=t;object=o", "/"));
  EXPECT_FALSE(parseKeyUri("pkcs11:object=o?module-path=/m.so", "/"));
  EXPECT_FALSE(parseKeyUri("pkcs11:token=t;object=o%2?module-path=/m.so", "/"));
  EXPECT_FALSE(parseKeyUri("pkcs11:token=t;token=u;object=o?module-path=/m.so", "/"));
}

TEST(KeyUri, SkfTakesLibDevAppContainer) {
  auto u = parseKeyUri("skf:lib=lib/libskf.so;dev=USBKey0;app=SHECA;container=SIGN", "/opt/zzjb");
  ASSERT_TRUE(u);
  const auto& s = std::get<SkfKeyUri>(*u);
  EXPECT_EQ(s.lib, "/opt/zzjb/lib/libskf.so");
  EXPECT_EQ(s.dev, "USBKey0");
  EXPECT_EQ(s.app, "SHECA");
  EXPECT_EQ(s.container, "SIGN");
  EXPECT_FALSE(parseKeyUri("skf:dev=USBKey0", "/"));
  EXPECT_FALSE(parseKeyUri("skf:lib=/x.so;pin=1", "/"));
}

TEST(KeyUri, UnknownSchemeIsAnError) {
  auto u = parseKeyUri("usb:whatever", "/");
  ASSERT_FALSE(u);
  EXPECT_NE(u.error().message.find("usb"), std::string::npos);
}

TEST(KeyUri, DescriptionCarriesNoSecret) {
  auto u = parseKeyUri("pkcs11:token=t;object=o?module-path=/m.so&pin-source=file:/run/pin", "/");
  ASSERT_TRUE(u);
  EXPECT_EQ(describeKeyUri(*u), "pkcs11 token t object o (/m.so)");
}

bool printableAscii(const std::string& s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return true;
}

// docs/security.md, rule 4; the regression fuzz/regressions/key_uri/invalid-utf8-echoed-in-refusal.
TEST(KeyUri, ARefusalQuotesAtMostFortyPrintableCharactersOfTheUri) {
  for (const std::string& uri : {std::string("\xff\xfe:x"), std::string("skf:lib=/l.so;\xc3(=1"),
                          std::string("pkcs11:") + std::string(500, 'a') + "?module-path=/m.so",
                          std::string("skf:lib=/l.so;") + std::string(300, 'k') + "=v"}) {
    auto u = parseKeyUri(uri, "/");
    ASSERT_FALSE(u.has_value()) << uri;
    EXPECT_EQ(u.error().code, "KEY_URI");
    const std::string& m = u.error().message;
    EXPECT_LT(m.size(), 140u) << m;
    // The quoted part of the URI (between “ and ”, in the catalog's text) is at most forty
    // printable ASCII characters, and an ellipsis when cut.
    const auto open = m.find("“");
    const auto close = m.rfind("”");
    ASSERT_TRUE(open != std::string::npos && close != std::string::npos && close > open) << m;
    std::string ascii = m.substr(open + std::string("“").size(), close - open - std::string("“").size());
    if (auto at = ascii.find("…"); at != std::string::npos) ascii.erase(at, std::string("…").size());
    EXPECT_LE(ascii.size(), 40u) << m;
    EXPECT_TRUE(printableAscii(ascii)) << m;
  }
}

}  // namespace
}  // namespace zzjb::identity
