// The CA-key commands as IT staff use them: `zzjb keyid`, `zzjb sign` (checked with the openssl
// command line) and `zzjb identity check`, with key files, SoftHSM2 and the mock SKF token.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "test_support.hpp"

namespace zzjb::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kBin = ZZJB_BIN;
const fs::path kSource = ZZJB_SOURCE_DIR;

void sh(const std::string& cmd) {
  auto r = run(cmd);
  ASSERT_EQ(r.exitCode, 0) << cmd << "\n" << r.out << r.err;
}

// A CA and a school certificate carrying the SHECA extensions, made with the openssl CLI.
struct Pki {
  fs::path dir;
  std::string alg;  // sm2, rsa, ec

  std::string genKey(const std::string& name) const {
    std::string out = (dir / (name + ".key")).string();
    if (alg == "sm2") {
      sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + out);
    } else if (alg == "rsa") {
      sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + out);
    } else {
      sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + out);
    }
    return out;
  }
  std::string signOpts() const {
    return alg == "sm2" ? " -sm3 -sigopt distid:1234567812345678" : " -sha256";
  }
  std::string vfyOpts() const { return alg == "sm2" ? " -vfyopt distid:1234567812345678" : ""; }

  // Makes ca.pem and NAME.pem; `ext` lines go into the leaf's extensions.
  void make(const std::string& name, const std::string& keyId, const std::string& creditCode,
            int days = 365, const std::string& caName = "ca") const {
    std::string ca = (dir / caName).string();
    if (!fs::exists(ca + ".pem")) {
      genKey(caName);
      sh("openssl req -x509 -new -key " + ca + ".key -subj '/CN=Test CA " + caName + "' -days 3650" +
         signOpts() + " -out " + ca + ".pem");
    }
    std::string leaf = (dir / name).string();
    genKey(name);
    std::string ext = leaf + ".ext";
    std::string lines = "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n";
    if (!keyId.empty()) lines += "1.2.156.112570.11.205=ASN1:UTF8String:" + keyId + "\n";
    if (!creditCode.empty()) lines += "1.2.156.112570.11.210=ASN1:UTF8String:" + creditCode + "\n";
    writeFile(ext, lines);
    sh("openssl req -new -key " + leaf + ".key -utf8 -subj '/CN=上海市示范职业技术学校/C=CN'" +
       signOpts() + " -out " + leaf + ".csr");
    sh("openssl x509 -req -in " + leaf + ".csr -CA " + ca + ".pem -CAkey " + ca +
       ".key -CAcreateserial -days " + std::to_string(days) + " -extfile " + ext + signOpts() +
       vfyOpts() + " -out " + leaf + ".pem");
    sh("openssl pkey -in " + leaf + ".key -pubout -out " + leaf + ".pub");
  }
};

std::string verifyCmd(const std::string& alg, const fs::path& pub, const fs::path& sig,
                      const fs::path& data) {
  std::string digest = alg == "sm2" ? "-sm3 -sigopt distid:1234567812345678" : "-sha256";
  return "openssl dgst " + digest + " -verify " + pub.string() + " -signature " + sig.string() + " " +
         data.string();
}

class KeyFiles : public ::testing::TestWithParam<std::string> {};

TEST_P(KeyFiles, KeyidPrintsKeyIdAndCreditCodeOfOpensslCertificates) {
  TempDir tmp;
  Pki pki{tmp.path(), GetParam()};
  pki.make("school", "SHECA-T-0001", "12310104MB2F000081");
  auto r = run(kBin + " keyid --cert " + (tmp / "school.pem").string());
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "keyID             SHECA-T-0001")) << r.out;
  EXPECT_TRUE(contains(r.out, "统一社会信用代码  12310104MB2F000081"));
  EXPECT_TRUE(contains(r.out, "CN=上海市示范职业技术学校"));
  EXPECT_TRUE(contains(r.out, "天）"));
  std::string expected = GetParam() == "sm2" ? "SM2-SM3" : GetParam() == "rsa" ? "RSA-SHA256" : "ECDSA-SHA256";
  EXPECT_TRUE(contains(r.out, expected)) << r.out;
  auto j = json::parse(run(kBin + " keyid --json --cert " + (tmp / "school.pem").string()).out);
  EXPECT_EQ(j["keyId"], "SHECA-T-0001");
  EXPECT_EQ(j["creditCode"], "12310104MB2F000081");
}

TEST_P(KeyFiles, SignatureByZzjbSignVerifiesWithOpenssl) {
  TempDir tmp;
  Pki pki{tmp.path(), GetParam()};
  pki.make("school", "SHECA-T-0001", "12310104MB2F000081");
  writeFile(tmp / "data.bin", "challenge nonce bytes \x01\x02\x03");
  auto r = run(kBin + " sign --key file:" + (tmp / "school.key").string() + " --cert " +
               (tmp / "school.pem").string() + " --in " + (tmp / "data.bin").string() + " --out " +
               (tmp / "data.sig").string());
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "（已验证）")) << r.err;
  auto v = run(verifyCmd(GetParam(), tmp / "school.pub", tmp / "data.sig", tmp / "data.bin"));
  EXPECT_EQ(v.exitCode, 0) << v.out << v.err;
  EXPECT_TRUE(contains(v.out, "Verified OK"));
  // The same signature over other bytes does not verify: the check above can fail.
  writeFile(tmp / "other.bin", "another nonce");
  EXPECT_NE(run(verifyCmd(GetParam(), tmp / "school.pub", tmp / "data.sig", tmp / "other.bin")).exitCode,
            0);
}

TEST_P(KeyFiles, EncryptedKeyIsOpenedWithThePinFromAFile) {
  TempDir tmp;
  Pki pki{tmp.path(), GetParam()};
  pki.make("school", "SHECA-T-0001", "12310104MB2F000081");
  sh("openssl pkcs8 -topk8 -in " + (tmp / "school.key").string() + " -passout pass:753951 -out " +
     (tmp / "school.enc.key").string());
  writeFile(tmp / "pin", "753951\n");
  fs::permissions(tmp / "pin", fs::perms::owner_read | fs::perms::owner_write);
  writeFile(tmp / "data.bin", "nonce");
  std::string cmd = kBin + " sign --key file:" + (tmp / "school.enc.key").string() + " --pin-file " +
                    (tmp / "pin").string() + " --in " + (tmp / "data.bin").string() + " --out " +
                    (tmp / "data.sig").string();
  auto r = run(cmd);
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(run(verifyCmd(GetParam(), tmp / "school.pub", tmp / "data.sig", tmp / "data.bin")).exitCode,
            0);
  writeFile(tmp / "pin", "111111\n");
  auto wrong = run(cmd);
  EXPECT_EQ(wrong.exitCode, 77);
  EXPECT_TRUE(contains(wrong.err, "PIN_WRONG")) << wrong.err;
  EXPECT_FALSE(contains(wrong.out + wrong.err, "111111"));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, KeyFiles, ::testing::Values("sm2", "rsa", "ec"));

// Issue 11 item 4: `sign --in` and certificate files are read bounded and regular-only
// (docs/security.md): /dev/zero or a pipe is refused at once, a file over the limit names it.
TEST(SignAndKeyid, EndlessSpecialOrHugeInputsAreRefusedWithTheirLimit) {
  TempDir tmp;
  Pki pki{tmp.path(), "ec"};
  pki.make("school", "SHECA-T-0001", "12310104MB2F000081");
  ASSERT_EQ(::mkfifo((tmp / "fifo").c_str(), 0600), 0);
  const auto sign = [&](const fs::path& in) {
    return run("timeout 60 " + kBin + " sign --key file:" + (tmp / "school.key").string() +
               " --in " + in.string() + " --out " + (tmp / "data.sig").string());
  };
  for (const fs::path& special : {fs::path("/dev/zero"), tmp / "fifo"}) {
    auto r = sign(special);
    EXPECT_EQ(r.exitCode, 64) << special << r.err;
    EXPECT_TRUE(contains(r.err, "要签名的文件不是普通文件")) << r.err;
    EXPECT_TRUE(contains(r.err, "[FILE_NOT_REGULAR]")) << r.err;
    EXPECT_FALSE(fs::exists(tmp / "data.sig"));
  }
  { std::ofstream(tmp / "huge.bin").put('x'); }
  fs::resize_file(tmp / "huge.bin", (64u << 20) + 1);  // sparse: no disk used
  auto huge = sign(tmp / "huge.bin");
  EXPECT_EQ(huge.exitCode, 64) << huge.err;
  EXPECT_TRUE(contains(huge.err, "大于 67108864 字节")) << huge.err;
  EXPECT_TRUE(contains(huge.err, "[FILE_TOO_LARGE]")) << huge.err;
  EXPECT_FALSE(fs::exists(tmp / "data.sig"));

  for (const fs::path& special : {fs::path("/dev/zero"), tmp / "fifo"}) {
    auto k = run("timeout 60 " + kBin + " keyid --cert " + special.string());
    EXPECT_EQ(k.exitCode, 77) << special << k.err;
    EXPECT_TRUE(contains(k.err, "证书不是普通文件")) << k.err;
    EXPECT_TRUE(contains(k.err, "[CERT_UNREADABLE]")) << k.err;
  }
  // A PIN file that is a pipe or over 4 KiB: refused (77) at once, never waited on.
  writeFile(tmp / "data.bin", "nonce");
  sh("openssl pkcs8 -topk8 -in " + (tmp / "school.key").string() + " -passout pass:753951 -out " +
     (tmp / "school.enc.key").string());
  { std::ofstream(tmp / "pin.big").put('7'); }
  fs::resize_file(tmp / "pin.big", 4097);
  fs::permissions(tmp / "pin.big", fs::perms::owner_read | fs::perms::owner_write);
  fs::permissions(tmp / "fifo", fs::perms::owner_read | fs::perms::owner_write);
  for (const char* pinFile : {"fifo", "pin.big"}) {
    auto p = run("timeout 60 " + kBin + " sign --key file:" + (tmp / "school.enc.key").string() +
                 " --pin-file " + (tmp / pinFile).string() + " --in " +
                 (tmp / "data.bin").string() + " --out " + (tmp / "data.sig").string());
    EXPECT_EQ(p.exitCode, 77) << pinFile << p.err;
    EXPECT_TRUE(
        contains(p.err, pinFile == std::string("fifo") ? "不是普通文件" : "超过 4096 字节"))
        << p.err;
    EXPECT_FALSE(fs::exists(tmp / "data.sig"));
  }

  { std::ofstream(tmp / "huge.pem").put('x'); }
  fs::resize_file(tmp / "huge.pem", (1u << 20) + 1);
  auto big = run("timeout 60 " + kBin + " keyid --cert " + (tmp / "huge.pem").string());
  EXPECT_EQ(big.exitCode, 77) << big.err;
  EXPECT_TRUE(contains(big.err, "大于 1048576 字节")) << big.err;
}

TEST(Keyid, ExtensionOidsCanBeConfigured) {
  TempDir tmp;
  Pki pki{tmp.path(), "ec"};
  pki.make("school", "", "");
  // A certificate whose issuer put the keyID under another OID.
  writeFile(tmp / "moved.ext", "1.3.6.1.4.1.55555.1=ASN1:UTF8String:MOVED-KEYID-7\n");
  sh("openssl x509 -req -in " + (tmp / "school.csr").string() + " -CA " + (tmp / "ca.pem").string() +
     " -CAkey " + (tmp / "ca.key").string() + " -CAcreateserial -days 30 -extfile " +
     (tmp / "moved.ext").string() + " -sha256 -out " + (tmp / "moved.pem").string());
  auto plain = run(kBin + " keyid --cert " + (tmp / "moved.pem").string());
  EXPECT_EQ(plain.exitCode, 77) << "no keyID at the default OID";
  auto moved = run(kBin + " keyid --keyid-oid 1.3.6.1.4.1.55555.1 --cert " + (tmp / "moved.pem").string());
  EXPECT_EQ(moved.exitCode, 0) << moved.err;
  EXPECT_TRUE(contains(moved.out, "keyID             MOVED-KEYID-7")) << moved.out;
  // The same through the configuration, in zzjb check.
  json cfg = json::parse(readFile(kSource / "config/zzjb.example.json"));
  json school = cfg["schools"][0];
  school["identity"] = {{"certificate", (tmp / "moved.pem").string()}};
  cfg["schools"] = json::array({school});
  cfg["certificateExtensions"] = {{"keyId", "1.3.6.1.4.1.55555.1"}};
  cfg.erase("catalog");
  writeFile(tmp / "zzjb.json", cfg.dump());
  auto check = run(kBin + " check --json -c " + (tmp / "zzjb.json").string());
  auto j = json::parse(check.out);
  EXPECT_EQ(j["schools"][0]["certificate"]["keyId"], "MOVED-KEYID-7") << check.out;
}

// A configuration with one school whose certificate is `cert`, trusting `ca`.
fs::path schoolConfig(const TempDir& tmp, const std::string& key, const std::string& cert,
                      const std::string& ca, const json& pin = json::object()) {
  json cfg = json::parse(readFile(kSource / "config/zzjb.example.json"));
  json school = cfg["schools"][0];
  school["identity"] = {{"key", key}, {"certificate", cert}, {"pin", pin}};
  cfg["schools"] = json::array({school});
  cfg["trustedCAs"] = json::array({ca});
  cfg.erase("catalog");
  fs::path path = tmp / "zzjb.json";
  writeFile(path, cfg.dump(2));
  return path;
}

TEST(IdentityCheck, GoodKeyIsSignedAndVerified) {
  TempDir tmp;
  Pki pki{tmp.path(), "sm2"};
  pki.make("school", "SHECA-T-0001", "12310104MB2F000081");
  auto cfg = schoolConfig(tmp, "file:" + (tmp / "school.key").string(), (tmp / "school.pem").string(),
                          (tmp / "ca.pem").string());
  auto r = run(kBin + " identity check -c " + cfg.string());
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "keyID SHECA-T-0001 · SM2-SM3")) << r.out;
  EXPECT_TRUE(contains(r.out, "正常：测试数据已签名并验证通过")) << r.out;
  auto en = run(kBin + " identity check --lang en -c " + cfg.string());
  EXPECT_EQ(en.exitCode, 0) << en.out << en.err;
  EXPECT_TRUE(contains(en.out, "ok: test challenge signed and verified")) << en.out;
}

TEST(IdentityCheck, EachCertificateProblemHasItsOwnError) {
  TempDir tmp;
  Pki pki{tmp.path(), "ec"};
  pki.make("good", "SHECA-T-0001", "12310104MB2F000081");
  pki.make("nokeyid", "", "12310104MB2F000081");
  pki.make("expired", "SHECA-T-0002", "12310104MB2F000081", -1);
  pki.make("stranger", "SHECA-T-0003", "12310104MB2F000081", 365, "otherca");
  pki.make("otherschool", "SHECA-T-0004", "12310115MB2P00007G");
  auto expect = [&](const std::string& name, const std::string& code) {
    auto cfg = schoolConfig(tmp, "file:" + (tmp / (name + ".key")).string(),
                            (tmp / (name + ".pem")).string(), (tmp / "ca.pem").string());
    auto r = run(kBin + " identity check -c " + cfg.string());
    EXPECT_EQ(r.exitCode, 77) << name << "\n" << r.out << r.err;
    EXPECT_TRUE(contains(r.out, code)) << name << "\n" << r.out;
  };
  expect("nokeyid", "CERT_NO_KEYID");
  expect("expired", "CERT_EXPIRED");
  expect("stranger", "CERT_UNTRUSTED");
  expect("otherschool", "CERT_OTHER_ENTITY");
  // A key that does not belong to the certificate.
  auto cfg = schoolConfig(tmp, "file:" + (tmp / "nokeyid.key").string(), (tmp / "good.pem").string(),
                          (tmp / "ca.pem").string());
  auto r = run(kBin + " identity check -c " + cfg.string());
  EXPECT_EQ(r.exitCode, 77);
  EXPECT_TRUE(contains(r.out, "密钥和证书不是一对")) << r.out;
}

TEST(IdentityCheck, ExampleConfigurationKeysWork) {
  auto keys = kSource / "config/keys/xuhui-zz.pem";
  // scripts/test.sh makes them before any test runs, as the check tests expect too: missing keys
  // are a broken set-up, not a reason to prove nothing.
  ASSERT_TRUE(fs::exists(keys)) << keys << " is missing: run scripts/make-example-keys.sh config/keys";
  auto r = run(kBin + " identity check -c " + (kSource / "config/zzjb.example.json").string());
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "SHECA-XZ-000123456789"));
  EXPECT_TRUE(contains(r.out, "SHECA-PG-000987654321"));
}


// PKCS#11: a SoftHSM2 token provisioned by the PKCS#11 tests' script.
fs::path softHsmModule() {
  for (const char* p : {"/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"}) {
    if (fs::exists(p)) return p;
  }
  return {};
}

class SoftHsm : public ::testing::Test {
 protected:
  void SetUp() override {
    module_ = softHsmModule();
    // scripts/deps.sh test installs softhsm2: without it these tests fail rather than pass empty.
    ASSERT_FALSE(module_.empty()) << "softhsm2 is not installed (scripts/deps.sh test installs it)";
    sh(std::string("sh ") + ZZJB_PKCS11_PROVISION + " " + tmp_.path().string() + " " + module_.string());
    env_ = "SOFTHSM2_CONF=" + (tmp_ / "softhsm2.conf").string() + " ";
  }
  std::string uri(const std::string& object) const {
    return "'pkcs11:token=zzjb-test;object=" + object + "?module-path=" + module_.string() + "'";
  }
  TempDir tmp_;
  fs::path module_;
  std::string env_;
};

TEST_F(SoftHsm, SignatureByZzjbSignVerifiesWithOpensslForRsaAndEc) {
  writeFile(tmp_ / "data.bin", "nonce from the platform");
  for (const char* object : {"school-rsa", "school-ec"}) {
    auto r = run(env_ + "ZZJB_T_PIN=123456 " + kBin + " sign --key " + uri(object) +
                 " --pin-env ZZJB_T_PIN --in " + (tmp_ / "data.bin").string() + " --out " +
                 (tmp_ / "data.sig").string());
    ASSERT_EQ(r.exitCode, 0) << object << ": " << r.err;
    auto v = run(verifyCmd("rsa", tmp_ / (std::string(object) + ".pub.pem"), tmp_ / "data.sig",
                           tmp_ / "data.bin"));
    EXPECT_EQ(v.exitCode, 0) << object << ": " << v.out << v.err;
  }
}

TEST_F(SoftHsm, KeyidReadsTheCertificateFromTheToken) {
  auto r = run(env_ + "ZZJB_T_PIN=123456 " + kBin + " keyid --key " + uri("school-rsa") +
               " --pin-env ZZJB_T_PIN");
  // The provisioning script's certificates carry no keyID extension: the command says so, exit 77.
  EXPECT_EQ(r.exitCode, 77) << r.err;
  EXPECT_TRUE(contains(r.out, "CN=school-rsa")) << r.out;
  EXPECT_TRUE(contains(r.out, "（无：证书没有 keyID 扩展）")) << r.out;
}

// keyid reads a token's certificate through a file: it is made in a new private directory under
// $TMPDIR and removed before zzjb ends (docs/security.md, "Writing files").
TEST_F(SoftHsm, KeyidLeavesNoCopyOfTheTokensCertificateInTmpdir) {
  fs::create_directories(tmp_ / "tmpdir");
  auto r = run(env_ + "TMPDIR=" + (tmp_ / "tmpdir").string() + " ZZJB_T_PIN=123456 " + kBin +
               " keyid --key " + uri("school-rsa") + " --pin-env ZZJB_T_PIN");
  EXPECT_TRUE(contains(r.out, "CN=school-rsa")) << r.out << r.err;
  EXPECT_TRUE(fs::is_empty(tmp_ / "tmpdir")) << "a copy of the certificate was left behind";
}

TEST_F(SoftHsm, WrongPinIsRefusedWithoutEchoingIt) {
  auto r = run(env_ + "ZZJB_T_PIN=999000 " + kBin + " sign --key " + uri("school-ec") +
               " --pin-env ZZJB_T_PIN --in /etc/hostname --out " + (tmp_ / "x.sig").string());
  EXPECT_EQ(r.exitCode, 77);
  EXPECT_TRUE(contains(r.err, "PIN_WRONG")) << r.err;
  EXPECT_FALSE(contains(r.out + r.err, "999000"));
}

TEST(Pkcs11Refusal, IdentityCheckRefusesATokenOnItsFinalTry) {
  TempDir tmp;
  Pki pki{tmp.path(), "ec"};
  pki.make("school", "SHECA-T-0001", "12310104MB2F000081");
  auto cfg = schoolConfig(tmp, std::string("pkcs11:token=fake-token;object=school?module-path=") +
                                   ZZJB_FAKE_PKCS11_MODULE,
                          (tmp / "school.pem").string(), (tmp / "ca.pem").string(),
                          {{"env", "ZZJB_T_PIN"}});
  auto r = run("ZZJB_FAKE_TOKEN_FLAGS=final-try ZZJB_T_PIN=424242 " + kBin + " identity check -c " +
               cfg.string());
  EXPECT_EQ(r.exitCode, 77) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "PIN_FINAL_TRY")) << r.out;
  EXPECT_TRUE(contains(r.out, "只剩一次机会")) << r.out;
  EXPECT_FALSE(contains(r.out + r.err, "424242"));
}


// SKF: the mock USB key. A wrong PIN costs one try each time; zzjb stops before the last one.
class SkfToken : public ::testing::Test {
 protected:
  void SetUp() override {
    Pki pki{tmp_.path(), "sm2"};
    pki.make("school", "SHECA-T-0001", "12310104MB2F000081");
    sh(std::string(ZZJB_SKF_MOCK_TOOL) + " init --dir " + (tmp_ / "token").string() +
       " --pin 314159 --retries 4 --key " + (tmp_ / "school.key").string() + " --cert " +
       (tmp_ / "school.pem").string());
    env_ = "ZZJB_SKF_MOCK_DIR=" + (tmp_ / "token").string() + " ";
    pinFile_ = tmp_ / "pin";
    cfg_ = schoolConfig(tmp_, std::string("skf:lib=") + ZZJB_SKF_MOCK_LIB + ";container=SIGN", "",
                        (tmp_ / "ca.pem").string(), {{"file", pinFile_.string()}});
  }
  void setPin(const std::string& pin) {
    writeFile(pinFile_, pin + "\n");
    fs::permissions(pinFile_, fs::perms::owner_read | fs::perms::owner_write);
  }
  std::string retriesLeft() {
    auto r = run(std::string(ZZJB_SKF_MOCK_TOOL) + " status --dir " + (tmp_ / "token").string());
    std::smatch m;
    if (std::regex_search(r.out, m, std::regex("retries-left=([0-9]+)"))) return m[1];
    return "?";
  }
  RunResult check() { return run(env_ + kBin + " identity check -c " + cfg_.string()); }

  TempDir tmp_;
  std::string env_;
  fs::path pinFile_;
  fs::path cfg_;
};

TEST_F(SkfToken, SignatureByZzjbSignVerifiesWithOpenssl) {
  setPin("314159");
  writeFile(tmp_ / "data.bin", "nonce");
  auto r = run(env_ + kBin + " sign --key 'skf:lib=" + ZZJB_SKF_MOCK_LIB + "' --pin-file " +
               pinFile_.string() + " --in " + (tmp_ / "data.bin").string() + " --out " +
               (tmp_ / "data.sig").string());
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "SM2-SM3")) << r.err;
  auto v = run(verifyCmd("sm2", tmp_ / "school.pub", tmp_ / "data.sig", tmp_ / "data.bin"));
  EXPECT_EQ(v.exitCode, 0) << v.out << v.err;
}

TEST_F(SkfToken, IdentityCheckReadsTheCertificateFromTheKey) {
  setPin("314159");
  auto r = check();
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "keyID SHECA-T-0001 · SM2-SM3")) << r.out;
  EXPECT_TRUE(contains(r.out, "PIN 还可重试 4 次")) << r.out;
}

TEST_F(SkfToken, WrongPinCountsDownAndZzjbStopsBeforeTheLastTry) {
  setPin("271828");
  std::string all;
  for (const char* left : {"3", "2", "1"}) {
    auto r = check();
    all += r.out + r.err;
    EXPECT_EQ(r.exitCode, 77) << r.out;
    EXPECT_TRUE(contains(r.out, "PIN_WRONG")) << r.out;
    EXPECT_EQ(retriesLeft(), left);
  }
  // One try left: zzjb refuses to try, and the key is not locked.
  auto r = check();
  all += r.out + r.err;
  EXPECT_EQ(r.exitCode, 77);
  EXPECT_TRUE(contains(r.out, "PIN_FINAL_TRY")) << r.out;
  EXPECT_TRUE(contains(r.out, "只剩一次机会")) << r.out;
  EXPECT_EQ(retriesLeft(), "1");
  // No PIN, and no full ID number of the configuration, in anything zzjb printed.
  EXPECT_FALSE(contains(all, "271828"));
  EXPECT_FALSE(contains(all, "314159"));
  EXPECT_FALSE(contains(all, "310104198503121235"));
}

}  // namespace
}  // namespace zzjb::test
