// openPkcs11Signer against a real SoftHSM2 token (provisioned per test in a temporary directory,
// signatures verified with the openssl command line) and against a fake module whose token
// reports the PIN retry flags SoftHSM2 never sets.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "zzjb/identity/signers.hpp"

namespace zzjb::identity {
namespace {

namespace fs = std::filesystem;
using test::contains;
using test::readFile;
using test::run;
using test::shellQuote;
using test::TempDir;
using test::writeFile;

constexpr const char* kPin = "123456";
constexpr const char* kWrongPin = "987654";

// Counts how often the signer asks for the PIN.
class CountingPin {
 public:
  explicit CountingPin(std::string value) : value_(std::move(value)) {}
  [[nodiscard]] PinProvider provider() {
    return [this]() -> Result<Secret> {
      ++calls_;
      return Secret(value_);
    };
  }
  [[nodiscard]] int calls() const { return calls_; }

 private:
  std::string value_;
  int calls_ = 0;
};

void expectNoPin(const Finding& f) {
  for (const char* pin : {kPin, kWrongPin}) {
    EXPECT_FALSE(contains(f.message, pin)) << f.message;
    EXPECT_FALSE(contains(f.hint, pin)) << f.hint;
  }
}

std::vector<std::uint8_t> bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

fs::path softHsmModule() {
  for (const char* p :
       {"/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"}) {
    if (fs::exists(p)) return p;
  }
  auto listed = run("dpkg -L softhsm2 2>/dev/null | grep '/libsofthsm2\\.so$' | head -n 1");
  auto lines = test::lines(listed.out);
  if (!lines.empty() && fs::exists(lines.front())) return lines.front();
  return {};
}

class SoftHsmSignerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    module_ = softHsmModule();
    // scripts/deps.sh test installs softhsm2: without it these tests fail rather than pass empty.
    ASSERT_FALSE(module_.empty()) << "softhsm2 is not installed (scripts/deps.sh test installs it)";
    auto r = run(shellQuote(ZZJB_PKCS11_PROVISION) + " " + shellQuote(dir_.path().string()) + " " +
                 shellQuote(module_.string()));
    ASSERT_EQ(r.exitCode, 0) << "provisioning SoftHSM2 failed: " << r.err;
    ::setenv("SOFTHSM2_CONF", (dir_ / "softhsm2.conf").c_str(), 1);
  }
  void TearDown() override { ::unsetenv("SOFTHSM2_CONF"); }

  [[nodiscard]] Pkcs11KeyUri uri(const std::string& object) const {
    Pkcs11KeyUri u;
    u.modulePath = module_.string();
    u.token = "zzjb-test";
    u.object = object;
    return u;
  }

  // `openssl dgst -sha256 -verify` with DIR/<key>.pub.pem; true when it says "Verified OK".
  [[nodiscard]] bool opensslVerifies(const std::string& key, const std::string& message,
                                     const std::vector<std::uint8_t>& signature) const {
    writeFile(dir_ / "msg", message);
    writeFile(dir_ / "sig", std::string(signature.begin(), signature.end()));
    auto r = run("openssl dgst -sha256 -verify " +
                 shellQuote((dir_ / (key + ".pub.pem")).string()) + " -signature " +
                 shellQuote((dir_ / "sig").string()) + " " + shellQuote((dir_ / "msg").string()));
    return r.exitCode == 0 && contains(r.out, "Verified OK");
  }

  TempDir dir_;
  fs::path module_;
};

TEST_F(SoftHsmSignerTest, SignsWithRsaKeyOnSoftHsmAndOpensslVerifies) {
  CountingPin pin(kPin);
  auto signer = openPkcs11Signer(uri("school-rsa"), pin.provider());
  ASSERT_TRUE(signer) << signer.error().code << ": " << signer.error().message;
  EXPECT_EQ(pin.calls(), 1);
  EXPECT_EQ((*signer)->algorithm(), SignatureAlgorithm::RsaSha256);

  const std::string challenge = "nonce-3f9a 挑战";
  auto sig = (*signer)->sign(bytes(challenge));
  ASSERT_TRUE(sig) << sig.error().message;
  EXPECT_EQ(sig->size(), 256U);  // RSA-2048, PKCS#1 v1.5
  EXPECT_TRUE(opensslVerifies("school-rsa", challenge, *sig));
  EXPECT_FALSE(opensslVerifies("school-rsa", challenge + "x", *sig));
  EXPECT_FALSE(opensslVerifies("school-ec", challenge, *sig));
}

TEST_F(SoftHsmSignerTest, SignsWithEcP256KeyOnSoftHsmAndOpensslVerifies) {
  CountingPin pin(kPin);
  auto signer = openPkcs11Signer(uri("school-ec"), pin.provider());
  ASSERT_TRUE(signer) << signer.error().code << ": " << signer.error().message;
  EXPECT_EQ((*signer)->algorithm(), SignatureAlgorithm::EcdsaSha256);

  for (const std::string challenge : {"first nonce", "second nonce", ""}) {
    auto sig = (*signer)->sign(bytes(challenge));
    ASSERT_TRUE(sig) << sig.error().message;
    EXPECT_EQ(sig->front(), 0x30);  // DER SEQUENCE, not raw r‖s
    EXPECT_TRUE(opensslVerifies("school-ec", challenge, *sig)) << "challenge: " << challenge;
    EXPECT_FALSE(opensslVerifies("school-ec", challenge + "x", *sig));
  }
}

TEST_F(SoftHsmSignerTest, ReturnsTheCertificateStoredUnderTheKeyLabel) {
  CountingPin pin(kPin);
  auto signer = openPkcs11Signer(uri("school-rsa"), pin.provider());
  ASSERT_TRUE(signer) << signer.error().message;
  EXPECT_EQ((*signer)->certificatePem(), readFile(dir_ / "school-rsa.crt.pem"));
}

TEST_F(SoftHsmSignerTest, FindsTheCertificateByKeyIdWhenItsLabelDiffers) {
  CountingPin pin(kPin);
  auto signer = openPkcs11Signer(uri("school-ec"), pin.provider());
  ASSERT_TRUE(signer) << signer.error().message;
  EXPECT_EQ((*signer)->certificatePem(), readFile(dir_ / "school-ec.crt.pem"));
}

TEST_F(SoftHsmSignerTest, SelectsTheKeyByTheIdInTheUri) {
  CountingPin pin(kPin);
  auto withId = uri("school-rsa");
  withId.id = std::string(1, '\x01');
  auto signer = openPkcs11Signer(withId, pin.provider());
  ASSERT_TRUE(signer) << signer.error().message;
  EXPECT_EQ((*signer)->algorithm(), SignatureAlgorithm::RsaSha256);

  withId.id = std::string(1, '\x02');  // the EC key's id under the RSA key's label
  auto none = openPkcs11Signer(withId, pin.provider());
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, "KEY_OBJECT_NOT_FOUND");
}

TEST_F(SoftHsmSignerTest, ReportsUnknownTokenLabelWithTheLabelsSeen) {
  CountingPin pin(kPin);
  auto other = uri("school-rsa");
  other.token = "no-such-token";
  auto signer = openPkcs11Signer(other, pin.provider());
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "KEY_TOKEN_NOT_FOUND");
  EXPECT_TRUE(contains(signer.error().message, "no-such-token")) << signer.error().message;
  EXPECT_TRUE(contains(signer.error().message, "\"zzjb-test\"")) << signer.error().message;
  EXPECT_EQ(pin.calls(), 0);
}

TEST_F(SoftHsmSignerTest, ReportsUnknownObjectLabel) {
  CountingPin pin(kPin);
  auto signer = openPkcs11Signer(uri("no-such-key"), pin.provider());
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "KEY_OBJECT_NOT_FOUND");
  EXPECT_TRUE(contains(signer.error().message, "no-such-key")) << signer.error().message;
  expectNoPin(signer.error());
}

TEST_F(SoftHsmSignerTest, RefusesEcKeyOnACurveOtherThanP256) {
  CountingPin pin(kPin);
  auto signer = openPkcs11Signer(uri("school-p384"), pin.provider());
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "SIGN_ALGORITHM");
  EXPECT_TRUE(contains(signer.error().message, "P-256")) << signer.error().message;
}

// SoftHSM2 2.6 sets CKF_USER_PIN_COUNT_LOW after a wrong PIN, clears it on a good login, and
// never sets FINAL_TRY or LOCKED however many wrong PINs it gets: the fake module below tests
// the refusals.
TEST_F(SoftHsmSignerTest, ReportsWrongPinWithTheCountLowFlagSoftHsmSets) {
  CountingPin wrong(kWrongPin);
  for (int attempt = 0; attempt < 4; ++attempt) {
    auto signer = openPkcs11Signer(uri("school-rsa"), wrong.provider());
    ASSERT_FALSE(signer);
    EXPECT_EQ(signer.error().code, "PIN_WRONG") << signer.error().message;
    EXPECT_TRUE(contains(signer.error().message, "CKR_PIN_INCORRECT")) << signer.error().message;
    EXPECT_TRUE(contains(signer.error().message, "CKF_USER_PIN_COUNT_LOW"))
        << signer.error().message;
    expectNoPin(signer.error());
  }
  EXPECT_EQ(wrong.calls(), 4);

  CountingPin right(kPin);
  auto signer = openPkcs11Signer(uri("school-rsa"), right.provider());
  ASSERT_TRUE(signer) << signer.error().message;
  EXPECT_EQ(right.calls(), 1);
  EXPECT_FALSE((*signer)->pinStatus().countLow);  // the good login reset it
  EXPECT_TRUE((*signer)->pinStatus().required);
}

TEST_F(SoftHsmSignerTest, DescribesTokenObjectAndModule) {
  CountingPin pin(kPin);
  auto signer = openPkcs11Signer(uri("school-ec"), pin.provider());
  ASSERT_TRUE(signer) << signer.error().message;
  EXPECT_EQ((*signer)->describe(),
            "pkcs11 令牌 zzjb-test 对象 school-ec（" + module_.string() + "）");
}

// Two signers share one loaded module: closing one must not finalise it under the other.
TEST_F(SoftHsmSignerTest, KeepsSigningAfterAnotherSignerOnTheSameModuleIsClosed) {
  CountingPin pin(kPin);
  auto ec = openPkcs11Signer(uri("school-ec"), pin.provider());
  ASSERT_TRUE(ec) << ec.error().message;
  {
    auto rsa = openPkcs11Signer(uri("school-rsa"), pin.provider());
    ASSERT_TRUE(rsa) << rsa.error().message;
    auto sig = (*rsa)->sign(bytes("rsa"));
    ASSERT_TRUE(sig) << sig.error().message;
  }
  auto sig = (*ec)->sign(bytes("after"));
  ASSERT_TRUE(sig) << sig.error().message;
  EXPECT_TRUE(opensslVerifies("school-ec", "after", *sig));
}

TEST(Pkcs11ModuleTest, ReportsMissingModuleAsKeyModule) {
  CountingPin pin(kPin);
  Pkcs11KeyUri u{"/nonexistent/libnope-pkcs11.so", "zzjb-test", "school", "", ""};
  auto signer = openPkcs11Signer(u, pin.provider());
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "KEY_MODULE");
  EXPECT_TRUE(contains(signer.error().message, "/nonexistent/libnope-pkcs11.so"));
  EXPECT_TRUE(contains(signer.error().message, "No such file")) << signer.error().message;
  EXPECT_EQ(pin.calls(), 0);
}

TEST(Pkcs11ModuleTest, ReportsAFileThatIsNotALibraryAsKeyModule) {
  TempDir dir;
  writeFile(dir / "libfake.so", "not an ELF file\n");
  CountingPin pin(kPin);
  Pkcs11KeyUri u{(dir / "libfake.so").string(), "zzjb-test", "school", "", ""};
  auto signer = openPkcs11Signer(u, pin.provider());
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "KEY_MODULE");
  EXPECT_TRUE(contains(signer.error().message, "libfake.so")) << signer.error().message;
}

TEST(Pkcs11ModuleTest, ReportsLibraryWithoutGetFunctionListAsKeyModule) {
  CountingPin pin(kPin);
  Pkcs11KeyUri u{ZZJB_LIBCRYPTO_PATH, "zzjb-test", "school", "", ""};
  auto signer = openPkcs11Signer(u, pin.provider());
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "KEY_MODULE");
  EXPECT_TRUE(contains(signer.error().message, "C_GetFunctionList")) << signer.error().message;
}

// docs/identity.md, "Token libraries are code": module-path is code zzjb runs; a module in a
// directory others can write to, or writable by its group, is refused before it is loaded, as an
// identity problem.
TEST(Pkcs11ModuleTest, RefusesAModuleOthersCouldChangeWithItsPathModeAndFix) {
  TempDir dir;
  ::chmod(dir.path().c_str(), 0755);
  fs::create_directories(dir / "shared");
  ::chmod((dir / "shared").c_str(), 0777);
  fs::copy_file(ZZJB_FAKE_PKCS11_MODULE, dir / "shared/libfake-pkcs11.so");
  CountingPin pin(kPin);
  Pkcs11KeyUri u{(dir / "shared/libfake-pkcs11.so").string(), "zzjb-test", "school", "", ""};
  auto signer = openPkcs11Signer(u, pin.provider());
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "KEY_MODULE_UNSAFE");
  EXPECT_TRUE(contains(signer.error().message, (dir / "shared").string()))
      << signer.error().message;
  EXPECT_TRUE(contains(signer.error().message, "权限 0777")) << signer.error().message;
  EXPECT_TRUE(contains(signer.error().hint, "chmod go-w")) << signer.error().hint;
  EXPECT_EQ(pin.calls(), 0);

  ::chmod((dir / "shared").c_str(), 0755);
  ::chmod((dir / "shared/libfake-pkcs11.so").c_str(), 0775);
  auto groupWritable = openPkcs11Signer(u, pin.provider());
  ASSERT_FALSE(groupWritable);
  EXPECT_EQ(groupWritable.error().code, "KEY_MODULE_UNSAFE");
  EXPECT_TRUE(contains(groupWritable.error().message, "可被同组用户写入"))
      << groupWritable.error().message;
}

// The fake module's token state comes from ZZJB_FAKE_TOKEN_* variables, read at C_Initialize.
class FakeTokenSignerTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* v : {"ZZJB_FAKE_TOKEN_FLAGS", "ZZJB_FAKE_TOKEN_FLAGS_AFTER_WRONG_PIN",
                          "ZZJB_FAKE_TOKEN_LOGIN"}) {
      ::unsetenv(v);
    }
  }
  static void set(const char* name, const char* value) { ::setenv(name, value, 1); }
  static Pkcs11KeyUri uri() { return {ZZJB_FAKE_PKCS11_MODULE, "fake-token", "school", "", ""}; }
};

TEST_F(FakeTokenSignerTest, RefusesWhenTokenReportsFinalTry) {
  set("ZZJB_FAKE_TOKEN_FLAGS", "final-try");
  CountingPin pin(kPin);
  auto signer = openPkcs11Signer(uri(), pin.provider());
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "PIN_FINAL_TRY");
  EXPECT_EQ(signer.error().kind, FindingKind::Config);
  EXPECT_TRUE(contains(signer.error().hint, "只剩一次机会")) << signer.error().hint;
  EXPECT_EQ(pin.calls(), 0);
}

TEST_F(FakeTokenSignerTest, RefusesWhenTokenReportsLocked) {
  set("ZZJB_FAKE_TOKEN_FLAGS", "locked");
  CountingPin pin(kPin);
  auto signer = openPkcs11Signer(uri(), pin.provider());
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "PIN_LOCKED");
  EXPECT_EQ(pin.calls(), 0);
}

TEST_F(FakeTokenSignerTest, GoesOnWhenTokenReportsCountLowAndSaysSo) {
  set("ZZJB_FAKE_TOKEN_FLAGS", "count-low");
  CountingPin pin(kPin);
  auto signer = openPkcs11Signer(uri(), pin.provider());
  ASSERT_TRUE(signer) << signer.error().code << ": " << signer.error().message;
  EXPECT_EQ(pin.calls(), 1);
  EXPECT_TRUE((*signer)->pinStatus().countLow);
  EXPECT_FALSE((*signer)->pinStatus().finalTry);
  EXPECT_EQ((*signer)->certificatePem(), "");  // the fake token holds no certificate
  auto sig = (*signer)->sign(bytes("data"));
  ASSERT_TRUE(sig) << sig.error().message;
  EXPECT_EQ(*sig, bytes("fake"));
}

TEST_F(FakeTokenSignerTest, SaysWhenAWrongPinLeftTheTokenOnItsFinalTry) {
  set("ZZJB_FAKE_TOKEN_FLAGS_AFTER_WRONG_PIN", "count-low,final-try");
  CountingPin wrong(kWrongPin);
  auto signer = openPkcs11Signer(uri(), wrong.provider());
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "PIN_WRONG");
  EXPECT_TRUE(contains(signer.error().message, "CKF_USER_PIN_FINAL_TRY")) << signer.error().message;
  EXPECT_EQ(wrong.calls(), 1);
  expectNoPin(signer.error());
}

TEST_F(FakeTokenSignerTest, ReportsPinLockedWhenLoginSaysLocked) {
  set("ZZJB_FAKE_TOKEN_LOGIN", "locked");
  CountingPin pin(kPin);
  auto signer = openPkcs11Signer(uri(), pin.provider());
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "PIN_LOCKED");
  EXPECT_TRUE(contains(signer.error().message, "CKR_PIN_LOCKED")) << signer.error().message;
  expectNoPin(signer.error());
}

TEST_F(FakeTokenSignerTest, AsksNoPinWhenTheTokenNeedsNoLogin) {
  set("ZZJB_FAKE_TOKEN_FLAGS", "no-login");
  CountingPin pin(kPin);
  auto signer = openPkcs11Signer(uri(), pin.provider());
  ASSERT_TRUE(signer) << signer.error().code << ": " << signer.error().message;
  EXPECT_EQ(pin.calls(), 0);
  EXPECT_FALSE((*signer)->pinStatus().required);
}

TEST_F(FakeTokenSignerTest, PassesThePinProvidersFindingThrough) {
  PinProvider unavailable = []() -> Result<Secret> {
    Finding f;
    f.kind = FindingKind::Config;
    f.code = "PIN_UNAVAILABLE";
    f.message = "ZZJB_PIN is not set";
    return std::unexpected(f);
  };
  auto signer = openPkcs11Signer(uri(), unavailable);
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code, "PIN_UNAVAILABLE");
}

}  // namespace
}  // namespace zzjb::identity
