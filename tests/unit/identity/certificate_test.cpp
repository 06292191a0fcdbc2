// Tests for readCertificate: certificates made at test time with the openssl command line (EC
// P-256, RSA-2048, SM2; PEM and DER; with, without and with badly encoded SHECA extensions), the
// Findings for files that are not certificates, the date helpers, and the example keys script.
#include <gtest/gtest.h>
#include <ctime>
#include <filesystem>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "zzjb/core/identifiers.hpp"
#include "zzjb/identity/certificate.hpp"

namespace zzjb::identity {
namespace {

using test::contains;
using test::run;
using test::shellQuote;
using test::TempDir;

constexpr const char* kKeyIdOid = "1.2.156.112570.11.205";
constexpr const char* kCreditOid = "1.2.156.112570.11.210";
constexpr const char* kSm2Id = "1234567812345678";
constexpr const char* kSchool = "上海市示范职业技术学校";

enum class KeyAlg { Ec, Rsa, Sm2 };

// Runs a shell command; a failing openssl is a broken test, not a result.
void sh(const std::string& command) {
  auto r = run(command);
  if (r.exitCode != 0) throw std::runtime_error(command + " failed:\n" + r.err);
}

std::string makeKey(const TempDir& dir, KeyAlg alg, const std::string& name) {
  std::string key = (dir / (name + ".key")).string();
  std::string opts;
  switch (alg) {
    case KeyAlg::Ec: opts = "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"; break;
    case KeyAlg::Rsa: opts = "-algorithm RSA -pkeyopt rsa_keygen_bits:2048"; break;
    case KeyAlg::Sm2: opts = "-algorithm EC -pkeyopt ec_paramgen_curve:SM2"; break;
  }
  sh("openssl genpkey " + opts + " -out " + shellQuote(key));
  return key;
}

// A self-signed certificate, PEM, with each of `addext` as an -addext (OID=value).
std::filesystem::path makeCert(const TempDir& dir, KeyAlg alg, const std::string& name,
                               const std::vector<std::string>& addext, int days = 365) {
  std::string key = makeKey(dir, alg, name);
  auto cert = dir / (name + ".pem");
  std::string cmd = "openssl req -x509 -new -utf8 -key " + shellQuote(key);
  cmd += alg == KeyAlg::Sm2 ? std::string(" -sm3 -sigopt distid:") + kSm2Id : " -sha256";
  cmd += " -subj " + shellQuote(std::string("/C=CN/O=") + kSchool + "/CN=" + kSchool);
  cmd += " -days " + std::to_string(days);
  for (const auto& e : addext) cmd += " -addext " + shellQuote(e);
  cmd += " -out " + shellQuote(cert.string());
  sh(cmd);
  return cert;
}

std::filesystem::path toDer(const std::filesystem::path& pem) {
  auto der = pem;
  der.replace_extension(".der");
  sh("openssl x509 -in " + shellQuote(pem.string()) + " -outform DER -out " +
     shellQuote(der.string()));
  return der;
}

std::vector<std::string> shecaExtensions(const std::string& keyId, const std::string& credit) {
  return {std::string(kKeyIdOid) + "=ASN1:UTF8String:" + keyId,
          std::string(kCreditOid) + "=ASN1:UTF8String:" + credit};
}

// What `openssl x509 -noout <field>` says, after "name=".
std::string opensslField(const std::filesystem::path& cert, const std::string& option) {
  auto r = run("openssl x509 -noout " + option + " -in " + shellQuote(cert.string()));
  EXPECT_EQ(r.exitCode, 0) << r.err;
  auto eq = r.out.find('=');
  auto nl = r.out.find('\n');
  if (eq == std::string::npos) return {};
  return r.out.substr(eq + 1, nl == std::string::npos ? std::string::npos : nl - eq - 1);
}

// "2027-06-30 12:00:00Z" (openssl -dateopt iso_8601) as time_t.
std::time_t parseIsoUtc(const std::string& s) {
  std::tm tm{};
  EXPECT_NE(strptime(s.c_str(), "%Y-%m-%d %H:%M:%S", &tm), nullptr) << s;
  return timegm(&tm);
}

void expectValidityMatchesOpenssl(const std::filesystem::path& cert, const CertificateInfo& info) {
  EXPECT_EQ(info.notBefore,
            parseIsoUtc(opensslField(cert, "-dateopt iso_8601 -startdate")));
  EXPECT_EQ(info.notAfter, parseIsoUtc(opensslField(cert, "-dateopt iso_8601 -enddate")));
}

std::string expectedSubject() {
  return std::string("CN=") + kSchool + ",O=" + kSchool + ",C=CN";
}

struct AlgCase {
  KeyAlg alg;
  const char* name;
  const char* algorithm;
};

void PrintTo(const AlgCase& c, std::ostream* os) { *os << c.name; }

class CertificateByAlgorithm : public ::testing::TestWithParam<AlgCase> {};

TEST_P(CertificateByAlgorithm, ReadsAllFieldsFromPemAndDer) {
  TempDir dir;
  const AlgCase& c = GetParam();
  const std::time_t before = std::time(nullptr);
  auto pem = makeCert(dir, c.alg, c.name,
                      shecaExtensions("SHECA-T-000000000042", "91350100M000100Y43"), 400);
  const std::time_t after = std::time(nullptr);
  auto der = toDer(pem);

  for (const auto& file : {pem, der}) {
    SCOPED_TRACE(file.string());
    auto info = readCertificate(file, file.filename().string());
    ASSERT_TRUE(info.has_value()) << info.error().message;
    EXPECT_EQ(info->algorithm, c.algorithm);
    EXPECT_EQ(info->keyId, "SHECA-T-000000000042");
    EXPECT_EQ(info->creditCode, "91350100M000100Y43");
    EXPECT_EQ(info->subject, expectedSubject());
    EXPECT_EQ(info->issuer, expectedSubject());
    EXPECT_EQ(info->serial, opensslField(pem, "-serial"));
    EXPECT_GE(info->notBefore, before - 1);
    EXPECT_LE(info->notBefore, after + 1);
    EXPECT_EQ(info->notAfter - info->notBefore, 400 * 86400);
    expectValidityMatchesOpenssl(pem, *info);
    EXPECT_EQ(daysLeft(*info, info->notBefore), 400);
  }
}

INSTANTIATE_TEST_SUITE_P(Algorithms, CertificateByAlgorithm,
                         ::testing::Values(AlgCase{KeyAlg::Ec, "ec", "EC-P256"},
                                           AlgCase{KeyAlg::Rsa, "rsa", "RSA-2048"},
                                           AlgCase{KeyAlg::Sm2, "sm2", "SM2"}),
                         [](const auto& p) { return std::string(p.param.name); });

TEST(Certificate, WithoutExtensionsGivesEmptyValues) {
  TempDir dir;
  auto pem = makeCert(dir, KeyAlg::Ec, "plain", {});
  auto info = readCertificate(pem, "plain.pem");
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->keyId, "");
  EXPECT_EQ(info->creditCode, "");
  EXPECT_EQ(info->algorithm, "EC-P256");
}

TEST(Certificate, OnlyOneExtensionPresent) {
  TempDir dir;
  auto pem = makeCert(dir, KeyAlg::Ec, "half", {std::string(kCreditOid) + "=ASN1:UTF8String:X1"});
  auto info = readCertificate(pem, "half.pem");
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->keyId, "");
  EXPECT_EQ(info->creditCode, "X1");
}

TEST(Certificate, ChineseUtf8ExtensionValue) {
  TempDir dir;
  auto pem = makeCert(dir, KeyAlg::Sm2, "cn",
                      {std::string(kKeyIdOid) + "=ASN1:FORMAT:UTF8,UTF8String:上海-001"});
  auto info = readCertificate(pem, "cn.pem");
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->keyId, "上海-001");
}

TEST(Certificate, PrintableAndIa5StringsAccepted) {
  TempDir dir;
  auto pem = makeCert(dir, KeyAlg::Ec, "strings",
                      {std::string(kKeyIdOid) + "=ASN1:PRINTABLESTRING:SHECA 1",
                       std::string(kCreditOid) + "=ASN1:IA5STRING:code-2"});
  auto info = readCertificate(pem, "strings.pem");
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->keyId, "SHECA 1");
  EXPECT_EQ(info->creditCode, "code-2");
}

void expectEncodingFinding(const std::string& extension, const std::string& what) {
  TempDir dir;
  auto pem = makeCert(dir, KeyAlg::Ec, "bad", {extension});
  auto info = readCertificate(pem, "keys/bad.pem");
  ASSERT_FALSE(info.has_value()) << "read keyId '" << info->keyId << "' credit '"
                                 << info->creditCode << "'";
  EXPECT_EQ(info.error().code, "CERT_EXTENSION_ENCODING");
  EXPECT_EQ(info.error().kind, FindingKind::Config);
  EXPECT_EQ(info.error().severity, Severity::Error);
  EXPECT_EQ(info.error().where.file, "keys/bad.pem");
  EXPECT_TRUE(contains(info.error().message, "keys/bad.pem")) << info.error().message;
  EXPECT_TRUE(contains(info.error().message, what)) << info.error().message;
  EXPECT_FALSE(info.error().hint.empty());
}

TEST(Certificate, IntegerExtensionIsEncodingError) {
  expectEncodingFinding(std::string(kKeyIdOid) + "=ASN1:INTEGER:42", "INTEGER");
}

TEST(Certificate, OctetStringExtensionIsEncodingError) {
  expectEncodingFinding(std::string(kCreditOid) + "=ASN1:FORMAT:HEX,OCTETSTRING:DEADBEEF",
                        "OCTET STRING");
}

TEST(Certificate, RawBytesExtensionIsEncodingError) {
  // Plain ASCII without a DER header: the bytes are shown so they can be compared.
  expectEncodingFinding(std::string(kKeyIdOid) + "=DER:5348454341", "53 48 45 43 41");
}

TEST(Certificate, StrayBytesAfterValueIsEncodingError) {
  expectEncodingFinding(std::string(kKeyIdOid) + "=DER:0C0141FF", "多出 1 个字节");
}

TEST(Certificate, NulInsideValueIsEncodingError) {
  expectEncodingFinding(std::string(kKeyIdOid) + "=DER:0C03410042", "NUL");
}

TEST(Certificate, DuplicatedExtensionIsEncodingError) {
  // The command line refuses two extensions with one OID, so rename .206 to .205 in the DER.
  TempDir dir;
  auto pem = makeCert(dir, KeyAlg::Ec, "dup",
                      {std::string(kKeyIdOid) + "=ASN1:UTF8String:A",
                       "1.2.156.112570.11.206=ASN1:UTF8String:B"});
  auto der = toDer(pem);
  std::string bytes = test::readFile(der);
  const std::string oid206 = "\x2a\x81\x1c\x86\xef\x3a\x0b\x81\x4e";
  auto at = bytes.find(oid206);
  ASSERT_NE(at, std::string::npos);
  bytes[at + oid206.size() - 1] = '\x4d';
  test::writeFile(der, bytes);
  auto info = readCertificate(der, "dup.der");
  ASSERT_FALSE(info.has_value());
  EXPECT_EQ(info.error().code, "CERT_EXTENSION_ENCODING");
  EXPECT_TRUE(contains(info.error().message, "出现了不止一次")) << info.error().message;
}

TEST(Certificate, ConfigurableOids) {
  TempDir dir;
  auto pem = makeCert(dir, KeyAlg::Ec, "custom",
                      {"1.3.6.1.4.1.55555.7.1=ASN1:UTF8String:CUSTOM-KEY",
                       "1.3.6.1.4.1.55555.7.2=ASN1:UTF8String:CUSTOM-CODE",
                       std::string(kKeyIdOid) + "=ASN1:UTF8String:DEFAULT-KEY"});
  ExtensionOids oids;
  oids.keyId = "1.3.6.1.4.1.55555.7.1";
  oids.creditCode = "1.3.6.1.4.1.55555.7.2";
  auto custom = readCertificate(pem, "custom.pem", oids);
  ASSERT_TRUE(custom.has_value()) << custom.error().message;
  EXPECT_EQ(custom->keyId, "CUSTOM-KEY");
  EXPECT_EQ(custom->creditCode, "CUSTOM-CODE");

  auto byDefault = readCertificate(pem, "custom.pem");
  ASSERT_TRUE(byDefault.has_value()) << byDefault.error().message;
  EXPECT_EQ(byDefault->keyId, "DEFAULT-KEY");
  EXPECT_EQ(byDefault->creditCode, "");

  // An OID configured for one value is read as that value, whichever it is.
  ExtensionOids swapped;
  swapped.keyId = "1.3.6.1.4.1.55555.7.2";
  swapped.creditCode = "";  // not configured: not read
  auto other = readCertificate(pem, "custom.pem", swapped);
  ASSERT_TRUE(other.has_value()) << other.error().message;
  EXPECT_EQ(other->keyId, "CUSTOM-CODE");
  EXPECT_EQ(other->creditCode, "");
}

TEST(Certificate, MalformedOidIsConfigFinding) {
  TempDir dir;
  auto pem = makeCert(dir, KeyAlg::Ec, "oid", {std::string("2.5.4.3=ASN1:UTF8String:x")});
  // Only dotted numbers: "CN" would name an OpenSSL object, which is not what the config means.
  for (const char* bad : {"1.2.156.x", "CN", "commonName", "1..2", "1.2.", "1.02", "3.1", " 1.2"}) {
    SCOPED_TRACE(bad);
    ExtensionOids oids;
    oids.creditCode = bad;
    auto info = readCertificate(pem, "oid.pem", oids);
    ASSERT_FALSE(info.has_value());
    EXPECT_EQ(info.error().code, "CERT_EXTENSION_OID");
    EXPECT_EQ(info.error().kind, FindingKind::Config);
    EXPECT_TRUE(contains(info.error().message, bad)) << info.error().message;
    EXPECT_TRUE(contains(info.error().message, "统一社会信用代码")) << info.error().message;
  }
}

TEST(Certificate, NotACertificate) {
  TempDir dir;
  test::writeFile(dir / "notes.txt", "this is not a certificate\n");
  test::writeFile(dir / "empty.pem", "");
  test::writeFile(dir / "garbage.der", std::string("\x30\x82\x01\x00\x01\x02\x03", 7));
  std::string key = makeKey(dir, KeyAlg::Ec, "only");  // a private key is not a certificate
  for (const auto& name : {std::string("notes.txt"), std::string("empty.pem"),
                           std::string("garbage.der"), std::string("only.key")}) {
    SCOPED_TRACE(name);
    auto info = readCertificate(dir / name, "cfg/" + name);
    ASSERT_FALSE(info.has_value());
    EXPECT_EQ(info.error().code, "CERT_INVALID");
    EXPECT_EQ(info.error().kind, FindingKind::Config);
    EXPECT_EQ(info.error().where.file, "cfg/" + name);
    EXPECT_TRUE(contains(info.error().message, "cfg/" + name)) << info.error().message;
    EXPECT_FALSE(info.error().hint.empty());
  }
}

TEST(Certificate, PemWithKeyBeforeCertificateIsRead) {
  TempDir dir;
  auto pem = makeCert(dir, KeyAlg::Ec, "both", shecaExtensions("K", "C"));
  test::writeFile(dir / "bundle.pem",
                  test::readFile(dir / "both.key") + test::readFile(pem));
  auto info = readCertificate(dir / "bundle.pem", "bundle.pem");
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->keyId, "K");
}

TEST(Certificate, MissingFileAndDirectory) {
  TempDir dir;
  auto missing = readCertificate(dir / "nope.pem", "config/keys/nope.pem");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, "CERT_UNREADABLE");
  EXPECT_EQ(missing.error().kind, FindingKind::Config);
  EXPECT_EQ(missing.error().where.file, "config/keys/nope.pem");
  EXPECT_TRUE(contains(missing.error().message, "config/keys/nope.pem"));
  EXPECT_TRUE(contains(missing.error().message, "不存在")) << missing.error().message;
  EXPECT_FALSE(missing.error().hint.empty());

  auto directory = readCertificate(dir.path(), "config/keys");
  ASSERT_FALSE(directory.has_value());
  EXPECT_EQ(directory.error().code, "CERT_UNREADABLE");
  EXPECT_TRUE(contains(directory.error().message, "config/keys"));
}

TEST(Certificate, EmptyDisplayFallsBackToPath) {
  TempDir dir;
  auto missing = readCertificate(dir / "nope.pem", "");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().where.file, (dir / "nope.pem").string());
}

TEST(CertificateDates, DaysLeftFloors) {
  CertificateInfo c;
  const std::time_t now = 1'800'000'000;
  c.notAfter = now + 10 * 86400;
  EXPECT_EQ(daysLeft(c, now), 10);
  c.notAfter = now + 10 * 86400 - 1;
  EXPECT_EQ(daysLeft(c, now), 9);
  c.notAfter = now + 86399;
  EXPECT_EQ(daysLeft(c, now), 0);
  c.notAfter = now;
  EXPECT_EQ(daysLeft(c, now), 0);
  c.notAfter = now - 1;
  EXPECT_EQ(daysLeft(c, now), -1);
  c.notAfter = now - 86400;
  EXPECT_EQ(daysLeft(c, now), -1);
  c.notAfter = now - 86401;
  EXPECT_EQ(daysLeft(c, now), -2);
}

TEST(CertificateDates, ShanghaiDateIsUtcPlus8) {
  EXPECT_EQ(shanghaiDate(0), "1970-01-01");
  EXPECT_EQ(shanghaiDate(16 * 3600 - 1), "1970-01-01");
  EXPECT_EQ(shanghaiDate(16 * 3600), "1970-01-02");
  // 2027-06-30 15:59:59Z is 23:59:59 in Shanghai; a second later it is July.
  EXPECT_EQ(shanghaiDate(1'814'371'199), "2027-06-30");
  EXPECT_EQ(shanghaiDate(1'814'371'200), "2027-07-01");
  // 2027-12-31 16:00:00Z is New Year in Shanghai.
  EXPECT_EQ(shanghaiDate(1'830'268'800), "2028-01-01");
}

// The script that makes config/keys for the example configuration.
std::filesystem::perms permsOf(const std::filesystem::path& p) {
  return std::filesystem::status(p).permissions() & std::filesystem::perms::mask;
}

TEST(ExampleKeys, ScriptMakesReadableCertificatesAndIsIdempotent) {
  TempDir dir;
  const auto keys = dir / "keys";
  const std::string script = std::string(ZZJB_SOURCE_DIR) + "/scripts/make-example-keys.sh";
  // From another working directory, to a relative DIR.
  auto first = run("cd " + shellQuote(dir.path().string()) + " && " + shellQuote(script) +
                   " keys");
  ASSERT_EQ(first.exitCode, 0) << first.err;
  EXPECT_EQ(first.err, "");
  const std::vector<std::string> names = {"ca.key",       "ca.pem",       "ca-sm2.key",
                                          "ca-sm2.pem",   "xuhui-zz.key", "xuhui-zz.pem",
                                          "pudong-gz.key", "pudong-gz.pem"};
  auto printed = test::lines(first.out);
  ASSERT_EQ(printed.size(), names.size()) << first.out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(printed[i], (keys / names[i]).string());
    EXPECT_TRUE(std::filesystem::exists(keys / names[i])) << names[i];
  }
  for (const char* key : {"ca.key", "ca-sm2.key", "xuhui-zz.key", "pudong-gz.key"}) {
    EXPECT_EQ(permsOf(keys / key),
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)
        << key;
  }

  const std::time_t now = std::time(nullptr);
  auto xuhui = readCertificate(keys / "xuhui-zz.pem", "keys/xuhui-zz.pem");
  ASSERT_TRUE(xuhui.has_value()) << xuhui.error().message;
  EXPECT_EQ(xuhui->algorithm, "SM2");
  EXPECT_EQ(xuhui->keyId, "SHECA-XZ-000123456789");
  EXPECT_EQ(xuhui->creditCode, "12310104MB2F000081");
  EXPECT_EQ(xuhui->subject, expectedSubject());
  EXPECT_TRUE(contains(xuhui->issuer, "SM2 CA")) << xuhui->issuer;
  EXPECT_GE(daysLeft(*xuhui, now), 729);
  EXPECT_LE(daysLeft(*xuhui, now), 730);

  auto pudong = readCertificate(keys / "pudong-gz.pem", "keys/pudong-gz.pem");
  ASSERT_TRUE(pudong.has_value()) << pudong.error().message;
  EXPECT_EQ(pudong->algorithm, "EC-P256");
  EXPECT_EQ(pudong->keyId, "SHECA-PG-000987654321");
  EXPECT_EQ(pudong->creditCode, "12310115MB2P00007G");
  EXPECT_EQ(pudong->subject, "CN=上海示范职业技术学院,O=上海示范职业技术学院,C=CN");
  EXPECT_GE(daysLeft(*pudong, now), 729);

  for (const auto& code : {xuhui->creditCode, pudong->creditCode}) {
    auto check = checkCreditCode(code);
    EXPECT_TRUE(check.ok) << code << ": " << check.problem;
  }

  // The chains verify (SM2 only with the SM2 ID: OpenSSL 3.0 defaults to an empty one).
  auto sm2Chain = run("openssl verify -CAfile " + shellQuote((keys / "ca-sm2.pem").string()) +
                      " -vfyopt distid:" + kSm2Id + " " +
                      shellQuote((keys / "xuhui-zz.pem").string()));
  EXPECT_EQ(sm2Chain.exitCode, 0) << sm2Chain.out << sm2Chain.err;
  auto ecChain = run("openssl verify -CAfile " + shellQuote((keys / "ca.pem").string()) + " " +
                     shellQuote((keys / "pudong-gz.pem").string()));
  EXPECT_EQ(ecChain.exitCode, 0) << ecChain.out << ecChain.err;

  // Second run: nothing made, nothing changed.
  std::vector<std::string> before;
  for (const auto& n : names) before.push_back(test::readFile(keys / n));
  auto second = run(shellQuote(script) + " " + shellQuote(keys.string()));
  ASSERT_EQ(second.exitCode, 0) << second.err;
  EXPECT_EQ(second.out, "");
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(test::readFile(keys / names[i]), before[i]) << names[i];
  }

  // A lost certificate is made again, from the key that is still there.
  std::filesystem::remove(keys / "pudong-gz.pem");
  auto third = run(shellQuote(script) + " " + shellQuote(keys.string()));
  ASSERT_EQ(third.exitCode, 0) << third.err;
  EXPECT_EQ(third.out, (keys / "pudong-gz.pem").string() + "\n");
  EXPECT_EQ(test::readFile(keys / "pudong-gz.key"), before[6]);
}

TEST(ExampleKeys, ScriptNeedsDir) {
  const std::string script = std::string(ZZJB_SOURCE_DIR) + "/scripts/make-example-keys.sh";
  auto r = run(shellQuote(script));
  EXPECT_EQ(r.exitCode, 64);
  EXPECT_TRUE(contains(r.err, "usage")) << r.err;
}

}  // namespace
}  // namespace zzjb::identity
