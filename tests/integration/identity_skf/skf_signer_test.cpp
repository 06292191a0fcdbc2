// The SKF signer against the software token: signatures verified by the openssl command line
// with the SM2 ID, the certificate read from the key, and the PIN retry rules (count down,
// persist, refuse at one try left, locked at zero, reset by a correct PIN, never a PIN in a
// message). The token is provisioned per test with zzjb-skf-mock.
#include <gtest/gtest.h>

#include <boost/dll/shared_library.hpp>
#include <cstdlib>
#include <string>
#include <vector>

#include "skf.h"
#include "skf_support.hpp"
#include "test_support.hpp"
#include "zzjb/identity/signers.hpp"

namespace zzjb::identity {
namespace {

using test::contains;
using test::readFile;
using test::run;
using test::shellQuote;
using test::TempDir;
using test::writeFile;
using test::skf::bytes;
using test::skf::KeyMaterial;

constexpr const char* kPin = "pin-4711-secret";
constexpr const char* kWrongPin = "wrong-0815-secret";

class SkfSignerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    provision(6);
    ::setenv("ZZJB_SKF_MOCK_DIR", token_.c_str(), 1);
  }
  void TearDown() override { ::unsetenv("ZZJB_SKF_MOCK_DIR"); }

  void provision(unsigned retries, const std::string& extra = {}) {
    const auto& km = KeyMaterial::get();
    auto r =
        run(std::string(ZZJB_SKF_MOCK_TOOL) + " init --dir " + shellQuote(token_.string()) +
            " --pin " + shellQuote(kPin) + " --key " + shellQuote(km.key().string()) + " --cert " +
            shellQuote(km.cert().string()) + " --retries " + std::to_string(retries) + extra);
    ASSERT_EQ(r.exitCode, 0) << r.err;
  }

  [[nodiscard]] int retriesLeft() const {
    auto r = run(std::string(ZZJB_SKF_MOCK_TOOL) + " status --dir " + shellQuote(token_.string()));
    EXPECT_EQ(r.exitCode, 0) << r.err;
    for (const auto& line : test::lines(r.out)) {
      if (line.starts_with("retries-left=")) return std::stoi(line.substr(13));
    }
    ADD_FAILURE() << "no retries-left in: " << r.out;
    return -1;
  }

  void setRetries(int n) const {
    auto r = run(std::string(ZZJB_SKF_MOCK_TOOL) + " set-retries --dir " +
                 shellQuote(token_.string()) + " " + std::to_string(n));
    ASSERT_EQ(r.exitCode, 0) << r.err;
  }

  [[nodiscard]] static SkfKeyUri uri() {
    SkfKeyUri u;
    u.lib = ZZJB_SKF_MOCK_LIB;
    u.container = "SIGN";
    return u;
  }

  // A PinProvider that hands out `pin` and counts how often it was asked.
  PinProvider pinProvider(std::string pin) {
    return [this, pin = std::move(pin)]() -> Result<Secret> {
      ++pinCalls_;
      return Secret(pin);
    };
  }

  static void expectNoPin(const Finding& f) {
    for (const char* pin : {kPin, kWrongPin}) {
      EXPECT_FALSE(contains(f.message, pin)) << f.message;
      EXPECT_FALSE(contains(f.hint, pin)) << f.hint;
      EXPECT_FALSE(contains(f.where.str(), pin));
    }
  }

  TempDir dir_;
  std::filesystem::path token_ = dir_ / "token";
  int pinCalls_ = 0;
};

TEST_F(SkfSignerTest, SignatureVerifiesWithOpensslDgstAndTheSm2Id) {
  auto signer = openSkfSigner(uri(), pinProvider(kPin));
  ASSERT_TRUE(signer) << signer.error().message;
  EXPECT_EQ((*signer)->algorithm(), SignatureAlgorithm::Sm2Sm3);

  const std::string message = "{\"nonce\":\"7f3a1c\",\"school\":\"xuhui-zz\"}";
  auto sig = (*signer)->sign(bytes(message));
  ASSERT_TRUE(sig) << sig.error().message;
  writeFile(dir_ / "msg", message);
  writeFile(dir_ / "sig", test::skf::text(*sig));
  writeFile(dir_ / "other", message + " ");

  const std::string verify = "openssl dgst -sm3 -verify " +
                             shellQuote(KeyMaterial::get().pub().string()) + " -signature " +
                             shellQuote((dir_ / "sig").string());
  const std::string withId = verify + " -sigopt distid:1234567812345678 ";
  auto ok = run(withId + shellQuote((dir_ / "msg").string()));
  EXPECT_EQ(ok.exitCode, 0) << ok.out << ok.err;
  EXPECT_TRUE(contains(ok.out, "Verified OK")) << ok.out;
  // The same check must be able to fail: another message, or OpenSSL's default (empty) ID.
  EXPECT_NE(run(withId + shellQuote((dir_ / "other").string())).exitCode, 0);
  EXPECT_NE(run(verify + " " + shellQuote((dir_ / "msg").string())).exitCode, 0);
}

TEST_F(SkfSignerTest, SignsManyTimesWithOneLogin) {
  auto signer = openSkfSigner(uri(), pinProvider(kPin));
  ASSERT_TRUE(signer) << signer.error().message;
  for (int i = 0; i < 3; ++i) {
    auto sig = (*signer)->sign(bytes("challenge " + std::to_string(i)));
    ASSERT_TRUE(sig) << sig.error().message;
    EXPECT_EQ(sig->front(), 0x30);  // DER SEQUENCE
  }
  EXPECT_EQ(pinCalls_, 1);
}

TEST_F(SkfSignerTest, CertificatePemEqualsTheProvisionedCertificate) {
  auto signer = openSkfSigner(uri(), pinProvider(kPin));
  ASSERT_TRUE(signer) << signer.error().message;
  EXPECT_EQ((*signer)->certificatePem(), readFile(KeyMaterial::get().cert()));
}

TEST_F(SkfSignerTest, PicksTheFirstDeviceApplicationAndContainerWhenUnnamed) {
  SkfKeyUri u;
  u.lib = ZZJB_SKF_MOCK_LIB;
  auto signer = openSkfSigner(u, pinProvider(kPin));
  ASSERT_TRUE(signer) << signer.error().message;
  EXPECT_TRUE((*signer)->sign(bytes("x")));
}

TEST_F(SkfSignerTest, DescribeNamesTheContainerButNotThePin) {
  auto signer = openSkfSigner(uri(), pinProvider(kPin));
  ASSERT_TRUE(signer) << signer.error().message;
  const std::string d = (*signer)->describe();
  EXPECT_TRUE(contains(d, "skf")) << d;
  EXPECT_TRUE(contains(d, "SIGN")) << d;
  EXPECT_FALSE(contains(d, kPin)) << d;
}

TEST_F(SkfSignerTest, ClosesContainerApplicationAndDeviceInOrder) {
  // Held here so that the mock's counters outlive the signers' own loads of it.
  boost::dll::shared_library mock(std::filesystem::path(ZZJB_SKF_MOCK_LIB));
  auto& openHandles = mock.get<ULONG(ULONG*)>("ZZJB_SKF_MockOpenHandles");
  ULONG outOfOrder = 0;
  ASSERT_EQ(openHandles(&outOfOrder), 0U);
  {
    auto signer = openSkfSigner(uri(), pinProvider(kPin));
    ASSERT_TRUE(signer) << signer.error().message;
    EXPECT_TRUE((*signer)->sign(bytes("x")));
    EXPECT_EQ(openHandles(nullptr), 3U);  // device, application, container
  }
  EXPECT_EQ(openHandles(&outOfOrder), 0U);
  EXPECT_EQ(outOfOrder, 0U);

  // Also when opening stops half-way (the application was open when the PIN was refused).
  auto wrong = openSkfSigner(uri(), pinProvider(kWrongPin));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(openHandles(&outOfOrder), 0U);
  EXPECT_EQ(outOfOrder, 0U);
}

TEST_F(SkfSignerTest, WrongPinCountsDownByOneAndPersistsAcrossSignersAndTheTool) {
  auto first = openSkfSigner(uri(), pinProvider(kWrongPin));
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, "PIN_WRONG");
  EXPECT_EQ(first.error().kind, FindingKind::Config);
  EXPECT_TRUE(contains(first.error().message, "还可重试 5 次")) << first.error().message;
  expectNoPin(first.error());
  EXPECT_EQ(retriesLeft(), 5);

  // A new signer (the library loaded again) reads the count the last one left.
  auto second = openSkfSigner(uri(), pinProvider(kWrongPin));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, "PIN_WRONG");
  EXPECT_TRUE(contains(second.error().message, "还可重试 4 次")) << second.error().message;
  EXPECT_EQ(retriesLeft(), 4);
  EXPECT_EQ(pinCalls_, 2);
}

TEST_F(SkfSignerTest, RefusesWithFinalTryWithoutAskingForThePin) {
  setRetries(2);
  auto wrong = openSkfSigner(uri(), pinProvider(kWrongPin));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, "PIN_WRONG");
  EXPECT_TRUE(contains(wrong.error().message, "还可重试 1 次，zzjb 将拒绝再试")) << wrong.error().message;
  EXPECT_EQ(pinCalls_, 1);

  auto refused = openSkfSigner(uri(), pinProvider(kPin));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "PIN_FINAL_TRY");
  EXPECT_TRUE(contains(refused.error().hint, "只剩一次机会：zzjb 不冒锁定密钥的风险"))
      << refused.error().hint;
  expectNoPin(refused.error());
  EXPECT_EQ(pinCalls_, 1);  // not asked again
  EXPECT_EQ(retriesLeft(), 1);
}

TEST_F(SkfSignerTest, LockedKeyIsPinLockedWithoutAskingForThePin) {
  setRetries(0);
  auto signer = openSkfSigner(uri(), pinProvider(kPin));
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "PIN_LOCKED");
  expectNoPin(signer.error());
  EXPECT_EQ(pinCalls_, 0);
  EXPECT_EQ(retriesLeft(), 0);
}

TEST_F(SkfSignerTest, CorrectPinResetsTheRetryCount) {
  setRetries(3);
  auto signer = openSkfSigner(uri(), pinProvider(kPin));
  ASSERT_TRUE(signer) << signer.error().message;
  EXPECT_EQ(retriesLeft(), 6);
  const PinStatus st = (*signer)->pinStatus();
  EXPECT_TRUE(st.required);
  ASSERT_TRUE(st.retriesLeft.has_value());
  EXPECT_EQ(*st.retriesLeft, 6);
  EXPECT_FALSE(st.finalTry);
  EXPECT_FALSE(st.locked);
}

TEST_F(SkfSignerTest, PinStatusReportsTheRetriesLeft) {
  auto signer = openSkfSigner(uri(), pinProvider(kPin));
  ASSERT_TRUE(signer) << signer.error().message;
  setRetries(1);  // as if another process had tried a wrong PIN meanwhile
  const PinStatus st = (*signer)->pinStatus();
  ASSERT_TRUE(st.retriesLeft.has_value());
  EXPECT_EQ(*st.retriesLeft, 1);
  EXPECT_TRUE(st.finalTry);
  EXPECT_EQ(st.describe(), "只剩最后一次");
}

TEST_F(SkfSignerTest, PinProviderErrorIsReturnedAndCostsNoTry) {
  PinProvider unavailable = [this]() -> Result<Secret> {
    ++pinCalls_;
    Finding f;
    f.kind = FindingKind::Config;
    f.code = "PIN_UNAVAILABLE";
    f.message = "ZZJB_PIN is not set";
    return std::unexpected(f);
  };
  auto signer = openSkfSigner(uri(), unavailable);
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "PIN_UNAVAILABLE");
  EXPECT_EQ(pinCalls_, 1);
  EXPECT_EQ(retriesLeft(), 6);
}

TEST_F(SkfSignerTest, NoFindingCarriesAPin) {
  std::vector<Finding> findings;
  for (int i = 0; i < 6; ++i) {
    auto r = openSkfSigner(uri(), pinProvider(kWrongPin));
    ASSERT_FALSE(r);
    findings.push_back(r.error());
  }
  setRetries(0);
  auto locked = openSkfSigner(uri(), pinProvider(kPin));
  ASSERT_FALSE(locked);
  findings.push_back(locked.error());
  EXPECT_EQ(findings.front().code, "PIN_WRONG");
  EXPECT_EQ(findings[4].code, "PIN_WRONG");
  EXPECT_EQ(findings[5].code, "PIN_FINAL_TRY");
  EXPECT_EQ(findings.back().code, "PIN_LOCKED");
  for (const auto& f : findings) expectNoPin(f);
}

TEST_F(SkfSignerTest, MissingLibraryIsKeyModule) {
  SkfKeyUri u = uri();
  u.lib = (dir_ / "no-such-libskf.so").string();
  auto signer = openSkfSigner(u, pinProvider(kPin));
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "KEY_MODULE");
  EXPECT_TRUE(contains(signer.error().message, "no-such-libskf.so")) << signer.error().message;
  EXPECT_EQ(pinCalls_, 0);
}

TEST_F(SkfSignerTest, LibraryWithoutSkfFunctionsIsKeyModuleNamingTheFunction) {
  SkfKeyUri u = uri();
  u.lib = ZZJB_NOT_SKF_LIB;
  auto signer = openSkfSigner(u, pinProvider(kPin));
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "KEY_MODULE");
  EXPECT_TRUE(contains(signer.error().message, "SKF_EnumDev")) << signer.error().message;
}

TEST_F(SkfSignerTest, UnknownContainerIsKeyContainerNotFound) {
  SkfKeyUri u = uri();
  u.container = "ENCRYPT";
  auto signer = openSkfSigner(u, pinProvider(kPin));
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "KEY_CONTAINER_NOT_FOUND");
  EXPECT_TRUE(contains(signer.error().message, "ENCRYPT")) << signer.error().message;
  EXPECT_TRUE(contains(signer.error().message, "SIGN")) << signer.error().message;
}

TEST_F(SkfSignerTest, UnknownApplicationIsKeyAppNotFound) {
  SkfKeyUri u = uri();
  u.app = "OTHER";
  auto signer = openSkfSigner(u, pinProvider(kPin));
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "KEY_APP_NOT_FOUND");
  EXPECT_EQ(pinCalls_, 0);
}

TEST_F(SkfSignerTest, UnknownOrAbsentDeviceIsKeyTokenNotFound) {
  SkfKeyUri u = uri();
  u.dev = "USBKey9";
  auto named = openSkfSigner(u, pinProvider(kPin));
  ASSERT_FALSE(named);
  EXPECT_EQ(named.error().code, "KEY_TOKEN_NOT_FOUND");
  EXPECT_TRUE(contains(named.error().message, "USBKey0")) << named.error().message;

  ::setenv("ZZJB_SKF_MOCK_DIR", (dir_ / "empty").c_str(), 1);  // no key plugged in
  auto none = openSkfSigner(uri(), pinProvider(kPin));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, "KEY_TOKEN_NOT_FOUND");
  EXPECT_EQ(pinCalls_, 0);
}

TEST_F(SkfSignerTest, ProvisionedNamesAreUsed) {
  provision(6, " --dev ShecaKey1 --app APP2 --container SIGN2");
  SkfKeyUri u;
  u.lib = ZZJB_SKF_MOCK_LIB;
  u.dev = "ShecaKey1";
  u.app = "APP2";
  u.container = "SIGN2";
  auto signer = openSkfSigner(u, pinProvider(kPin));
  ASSERT_TRUE(signer) << signer.error().message;
}

// The mock itself, called directly: what a real key does that the signer relies on.
class SkfMockTest : public SkfSignerTest {
 protected:
  void SetUp() override {
    SkfSignerTest::SetUp();
    std::error_code ec;
    lib_.load(ZZJB_SKF_MOCK_LIB, ec);
    ASSERT_FALSE(ec) << ec.message();
    char dev[] = "USBKey0";
    char app[] = "SHECA";
    char container[] = "SIGN";
    ASSERT_EQ(fn<PFN_SKF_ConnectDev>("SKF_ConnectDev")(dev, &dev_), SAR_OK);
    ASSERT_EQ(fn<PFN_SKF_OpenApplication>("SKF_OpenApplication")(dev_, app, &app_), SAR_OK);
    ASSERT_EQ(fn<PFN_SKF_OpenContainer>("SKF_OpenContainer")(app_, container, &container_), SAR_OK);
  }
  void TearDown() override {
    if (container_ != nullptr) fn<PFN_SKF_CloseContainer>("SKF_CloseContainer")(container_);
    if (app_ != nullptr) fn<PFN_SKF_CloseApplication>("SKF_CloseApplication")(app_);
    if (dev_ != nullptr) fn<PFN_SKF_DisConnectDev>("SKF_DisConnectDev")(dev_);
    SkfSignerTest::TearDown();
  }
  template <typename Fn>
  Fn fn(const char* name) {
    return &lib_.get<std::remove_pointer_t<Fn>>(name);
  }
  ULONG verify(const char* pin, ULONG& retries) {
    std::string p = pin;
    return fn<PFN_SKF_VerifyPIN>("SKF_VerifyPIN")(app_, USER_TYPE, p.data(), &retries);
  }

  boost::dll::shared_library lib_;
  DEVHANDLE dev_ = nullptr;
  HAPPLICATION app_ = nullptr;
  HCONTAINER container_ = nullptr;
};

TEST_F(SkfMockTest, SignRequiresVerifiedPinAndRightAlignsRAndS) {
  std::vector<BYTE> e(32, 0x5a);
  ECCSIGNATUREBLOB blob{};
  auto sign = fn<PFN_SKF_ECCSignData>("SKF_ECCSignData");
  EXPECT_EQ(sign(container_, e.data(), 32, &blob), SAR_USER_NOT_LOGGED_IN);
  ULONG retries = 0;
  ASSERT_EQ(verify(kPin, retries), SAR_OK);
  EXPECT_EQ(retries, 6U);
  ASSERT_EQ(sign(container_, e.data(), 32, &blob), SAR_OK);
  EXPECT_EQ(std::vector<BYTE>(blob.r, blob.r + 32), std::vector<BYTE>(32, 0));
  EXPECT_EQ(std::vector<BYTE>(blob.s, blob.s + 32), std::vector<BYTE>(32, 0));
  EXPECT_NE(std::vector<BYTE>(blob.r + 32, blob.r + 64), std::vector<BYTE>(32, 0));
  EXPECT_EQ(sign(container_, e.data(), 20, &blob), SAR_INDATALENERR);
  ASSERT_EQ(fn<PFN_SKF_ClearSecureState>("SKF_ClearSecureState")(app_), SAR_OK);
  EXPECT_EQ(sign(container_, e.data(), 32, &blob), SAR_USER_NOT_LOGGED_IN);
}

TEST_F(SkfMockTest, ListsUseTheDoubleNulConventionAndSizeQuery) {
  auto enumContainer = fn<PFN_SKF_EnumContainer>("SKF_EnumContainer");
  ULONG size = 0;
  ASSERT_EQ(enumContainer(app_, nullptr, &size), SAR_OK);
  EXPECT_EQ(size, 6U);  // "SIGN\0\0"
  std::vector<char> small(3);
  ULONG smallSize = 3;
  EXPECT_EQ(enumContainer(app_, small.data(), &smallSize), SAR_BUFFER_TOO_SMALL);
  EXPECT_EQ(smallSize, 6U);
  std::vector<char> buffer(size);
  ASSERT_EQ(enumContainer(app_, buffer.data(), &size), SAR_OK);
  EXPECT_EQ(std::string(buffer.data(), buffer.size()), std::string("SIGN\0\0", 6));
}

TEST_F(SkfMockTest, LockedPinStaysLockedEvenForTheCorrectPin) {
  setRetries(1);
  ULONG retries = 99;
  EXPECT_EQ(verify(kWrongPin, retries), SAR_PIN_LOCKED);
  EXPECT_EQ(retries, 0U);
  EXPECT_EQ(verify(kPin, retries), SAR_PIN_LOCKED);
  EXPECT_EQ(retriesLeft(), 0);
  ULONG maxRetries = 0;
  ULONG remaining = 99;
  BOOL defaultPin = TRUE;
  ASSERT_EQ(fn<PFN_SKF_GetPINInfo>("SKF_GetPINInfo")(app_, USER_TYPE, &maxRetries, &remaining,
                                                     &defaultPin),
            SAR_OK);
  EXPECT_EQ(maxRetries, 6U);
  EXPECT_EQ(remaining, 0U);
}

TEST_F(SkfMockTest, TokenDirectoryHoldsNoPinInClearAndAPrivateKeyFile) {
  for (const auto& entry : std::filesystem::directory_iterator(token_)) {
    EXPECT_FALSE(contains(readFile(entry.path()), kPin)) << entry.path();
  }
  const auto perms = std::filesystem::status(token_ / "key.pem").permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
}

}  // namespace
}  // namespace zzjb::identity
