// Tests for openFileSigner and verifySignature: for SM2, RSA-2048 and EC P-256 keys as plain,
// traditional, encrypted (PKCS#8 and Proc-Type) PEM and as PKCS#12, signatures are checked by
// the openssl command line (SM2 with the distinguishing ID) and by verifySignature; signatures
// of the openssl command line verify with verifySignature; wrong PINs, unusable keys and files
// give their own codes, never the PIN.
#include <gtest/gtest.h>

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "openssl_cli.hpp"
#include "test_support.hpp"
#include "zzjb/identity/signers.hpp"
#include "zzjb/identity/verify.hpp"

namespace zzjb::identity {
namespace {

using test::contains;
using test::run;
using testkeys::Alg;
using testkeys::algName;
using testkeys::q;
using testkeys::Workshop;

const std::string kPin = "Pin-7391-qz";
const std::string kWrongPin = "Wrong-5512-xk";

// A PinProvider that counts its calls and answers `pin`.
struct PinSpy {
  std::string pin;
  int calls = 0;
  PinProvider provider() {
    return [this]() -> Result<Secret> {
      ++calls;
      return Secret(pin);
    };
  }
};

std::unique_ptr<Signer> open(const std::filesystem::path& file, PinSpy& pin) {
  auto signer = openFileSigner(FileKeyUri{file.string()}, pin.provider());
  if (!signer) {
    ADD_FAILURE() << signer.error().code << ": " << signer.error().message;
    return nullptr;
  }
  return std::move(*signer);
}

SignatureAlgorithm expectedAlgorithm(Alg a) {
  switch (a) {
    case Alg::Sm2:
      return SignatureAlgorithm::Sm2Sm3;
    case Alg::Rsa:
      return SignatureAlgorithm::RsaSha256;
    default:
      return SignatureAlgorithm::EcdsaSha256;
  }
}

std::string certificateOf(Alg a) {
  auto pem = readCertificatePem(Workshop::instance().selfSigned(a), "");
  EXPECT_TRUE(pem.has_value()) << pem.error().message;
  return pem.value_or("");
}

// Signs a random message; the openssl command line and verifySignature accept the signature, and
// neither accepts it for a changed message. SM2: the command line without the ID rejects it.
void expectSignsAndVerifies(Signer& signer, Alg a, const std::string& certificatePem) {
  auto& w = Workshop::instance();
  ASSERT_EQ(signer.algorithm(), expectedAlgorithm(a));
  const auto message = testkeys::randomBytes(48);
  auto signature = signer.sign(message);
  ASSERT_TRUE(signature.has_value()) << signature.error().message;
  ASSERT_FALSE(signature->empty());

  test::TempDir scratch;
  const auto msgFile = scratch / "msg";
  const auto sigFile = scratch / "sig";
  testkeys::writeBytes(msgFile, message);
  testkeys::writeBytes(sigFile, *signature);
  const std::string tail =
      " -verify " + q(w.publicKey(a)) + " -signature " + q(sigFile) + " " + q(msgFile);
  auto cli = run("openssl dgst " + testkeys::dgstVerifyOpts(a) + tail);
  EXPECT_EQ(cli.exitCode, 0) << cli.out << cli.err;
  EXPECT_TRUE(contains(cli.out, "Verified OK")) << cli.out;
  if (a == Alg::Sm2) {
    auto emptyId = run("openssl dgst -sm3" + tail);
    EXPECT_NE(emptyId.exitCode, 0)
        << "signed with OpenSSL's empty default ID, not with " << testkeys::kSm2Id;
  }

  auto verified = verifySignature(certificatePem, signer.algorithm(), message, *signature);
  EXPECT_TRUE(verified.has_value()) << verified.error().message;

  auto tampered = message;
  tampered[7] ^= 0x01U;
  auto rejected = verifySignature(certificatePem, signer.algorithm(), tampered, *signature);
  ASSERT_FALSE(rejected.has_value());
  EXPECT_EQ(rejected.error().code, "SIGNATURE_INVALID");
}

void expectNoPinIn(const Finding& f) {
  for (const auto& pin : {kPin, kWrongPin}) {
    EXPECT_FALSE(contains(f.message, pin)) << f.message;
    EXPECT_FALSE(contains(f.hint, pin)) << f.hint;
    EXPECT_FALSE(contains(f.where.file, pin));
    EXPECT_FALSE(contains(f.code, pin));
  }
}

class FileSignerByAlgorithm : public ::testing::TestWithParam<Alg> {};

TEST_P(FileSignerByAlgorithm, SignsWithPlainPemKeyAndOpensslVerifies) {
  const Alg a = GetParam();
  const auto file = Workshop::instance().key(a);
  PinSpy pin{kPin};
  auto signer = open(file, pin);
  ASSERT_TRUE(signer);
  EXPECT_EQ(pin.calls, 0);
  EXPECT_FALSE(signer->pinStatus().required);
  EXPECT_TRUE(signer->certificatePem().empty());
  EXPECT_EQ(signer->describe(), "file " + file.string());
  expectSignsAndVerifies(*signer, a, certificateOf(a));
}

TEST_P(FileSignerByAlgorithm, SignsWithTraditionalPemKeyAndOpensslVerifies) {
  const Alg a = GetParam();
  PinSpy pin{kPin};
  auto signer = open(Workshop::instance().traditionalKey(a), pin);
  ASSERT_TRUE(signer);
  EXPECT_EQ(pin.calls, 0);
  expectSignsAndVerifies(*signer, a, certificateOf(a));
}

TEST_P(FileSignerByAlgorithm, SignsWithEncryptedPemKeyAndOpensslVerifies) {
  const Alg a = GetParam();
  const auto file = Workshop::instance().encryptedKey(a, kPin);
  ASSERT_TRUE(contains(test::readFile(file), "BEGIN ENCRYPTED PRIVATE KEY"));
  PinSpy pin{kPin};
  auto signer = open(file, pin);
  ASSERT_TRUE(signer);
  EXPECT_EQ(pin.calls, 1);
  EXPECT_TRUE(signer->pinStatus().required);
  EXPECT_FALSE(signer->pinStatus().retriesLeft.has_value());
  expectSignsAndVerifies(*signer, a, certificateOf(a));
}

TEST_P(FileSignerByAlgorithm, SignsWithLegacyEncryptedPemKeyAndOpensslVerifies) {
  const Alg a = GetParam();
  const auto file = Workshop::instance().legacyEncryptedKey(a, kPin);
  ASSERT_TRUE(contains(test::readFile(file), "Proc-Type: 4,ENCRYPTED"));
  PinSpy pin{kPin};
  auto signer = open(file, pin);
  ASSERT_TRUE(signer);
  EXPECT_EQ(pin.calls, 1);
  EXPECT_TRUE(signer->pinStatus().required);
  expectSignsAndVerifies(*signer, a, certificateOf(a));
}

// OpenSSL 3.0 makes and reads SM2 PKCS#12 files too (AES-256-CBC, PBKDF2), so no case is skipped.
TEST_P(FileSignerByAlgorithm, SignsWithPkcs12AndOpensslVerifies) {
  const Alg a = GetParam();
  const auto file = Workshop::instance().pkcs12(a, kPin, std::string(algName(a)) + ".p12");
  PinSpy pin{kPin};
  auto signer = open(file, pin);
  ASSERT_TRUE(signer);
  EXPECT_EQ(pin.calls, 1);
  EXPECT_TRUE(signer->pinStatus().required);
  EXPECT_EQ(signer->certificatePem(), certificateOf(a));
  expectSignsAndVerifies(*signer, a, signer->certificatePem());
}

TEST_P(FileSignerByAlgorithm, VerifiesSignatureMadeByOpensslCli) {
  const Alg a = GetParam();
  auto& w = Workshop::instance();
  test::TempDir scratch;
  const auto message = testkeys::randomBytes(32);
  testkeys::writeBytes(scratch / "msg", message);
  testkeys::sh("openssl dgst " + testkeys::signOpts(a) + " -sign " + q(w.key(a)) + " -out " +
               q(scratch / "sig") + " " + q(scratch / "msg"));
  const std::string sig = test::readFile(scratch / "sig");
  const std::vector<std::uint8_t> signature(sig.begin(), sig.end());
  auto verified = verifySignature(certificateOf(a), expectedAlgorithm(a), message, signature);
  EXPECT_TRUE(verified.has_value()) << verified.error().message;

  auto changed = signature;
  changed[changed.size() / 2] ^= 0x10U;
  auto rejected = verifySignature(certificateOf(a), expectedAlgorithm(a), message, changed);
  ASSERT_FALSE(rejected.has_value());
  EXPECT_EQ(rejected.error().code, "SIGNATURE_INVALID");
}

TEST_P(FileSignerByAlgorithm, RejectsWrongPinForEncryptedPemWithoutShowingIt) {
  const Alg a = GetParam();
  PinSpy pin{kWrongPin};
  auto signer = openFileSigner(FileKeyUri{Workshop::instance().encryptedKey(a, kPin).string()},
                               pin.provider());
  ASSERT_FALSE(signer.has_value());
  EXPECT_EQ(signer.error().code, "PIN_WRONG");
  EXPECT_EQ(signer.error().kind, FindingKind::Config);
  EXPECT_TRUE(contains(signer.error().message, "PIN 无法解密密钥文件")) << signer.error().message;
  expectNoPinIn(signer.error());
}

TEST_P(FileSignerByAlgorithm, RejectsWrongPasswordForPkcs12WithoutShowingIt) {
  const Alg a = GetParam();
  PinSpy pin{kWrongPin};
  auto file = Workshop::instance().pkcs12(a, kPin, std::string(algName(a)) + ".p12");
  auto signer = openFileSigner(FileKeyUri{file.string()}, pin.provider());
  ASSERT_FALSE(signer.has_value());
  EXPECT_EQ(signer.error().code, "PIN_WRONG");
  EXPECT_EQ(pin.calls, 1);
  expectNoPinIn(signer.error());
}

TEST_P(FileSignerByAlgorithm, NamesAlgorithmOfCertificate) {
  const Alg a = GetParam();
  auto algorithm = algorithmForCertificate(certificateOf(a));
  ASSERT_TRUE(algorithm.has_value()) << algorithm.error().message;
  EXPECT_EQ(*algorithm, expectedAlgorithm(a));
}

INSTANTIATE_TEST_SUITE_P(Keys, FileSignerByAlgorithm,
                         ::testing::Values(Alg::Sm2, Alg::Rsa, Alg::P256),
                         [](const auto& p) { return std::string(algName(p.param)); });

TEST(FileSigner, OpensPkcs12WithEmptyPasswordWithoutAskingForPin) {
  PinSpy pin{kPin};
  auto signer = open(Workshop::instance().pkcs12(Alg::P256, "", "empty.p12"), pin);
  ASSERT_TRUE(signer);
  EXPECT_EQ(pin.calls, 0);
  EXPECT_FALSE(signer->pinStatus().required);
  expectSignsAndVerifies(*signer, Alg::P256, signer->certificatePem());
}

TEST(FileSigner, RecognisesPkcs12ByContent) {
  auto& w = Workshop::instance();
  const auto renamed = w.path("school-p12.key");
  std::filesystem::copy_file(w.pkcs12(Alg::Sm2, kPin, "sm2.p12"), renamed,
                             std::filesystem::copy_options::overwrite_existing);
  PinSpy pin{kPin};
  auto signer = open(renamed, pin);
  ASSERT_TRUE(signer);
  EXPECT_EQ(signer->algorithm(), SignatureAlgorithm::Sm2Sm3);
  EXPECT_FALSE(signer->certificatePem().empty());
}

TEST(FileSigner, ReturnsCertificateStoredInPemKeyFile) {
  auto& w = Workshop::instance();
  const auto both = w.path("sm2-with-cert.pem");
  test::writeFile(both, test::readFile(w.selfSigned(Alg::Sm2)) +
                            test::readFile(w.encryptedKey(Alg::Sm2, kPin)));
  PinSpy pin{kPin};
  auto signer = open(both, pin);
  ASSERT_TRUE(signer);
  EXPECT_EQ(pin.calls, 1);
  EXPECT_EQ(signer->certificatePem(), certificateOf(Alg::Sm2));
  expectSignsAndVerifies(*signer, Alg::Sm2, signer->certificatePem());
}

TEST(FileSigner, RejectsPemFileWhoseCertificateBelongsToAnotherKey) {
  auto& w = Workshop::instance();
  const auto mixed = w.path("mixed.pem");
  test::writeFile(mixed, test::readFile(w.key(Alg::P256)) + test::readFile(w.selfSigned(Alg::Sm2)));
  PinSpy pin{kPin};
  auto signer = openFileSigner(FileKeyUri{mixed.string()}, pin.provider());
  ASSERT_FALSE(signer.has_value());
  EXPECT_EQ(signer.error().code, "KEY_CERT_MISMATCH");
}

TEST(FileSigner, RejectsP384KeyWithSignAlgorithm) {
  PinSpy pin{kPin};
  const auto file = Workshop::instance().key(Alg::P384);
  auto signer = openFileSigner(FileKeyUri{file.string()}, pin.provider());
  ASSERT_FALSE(signer.has_value());
  EXPECT_EQ(signer.error().code, "SIGN_ALGORITHM");
  EXPECT_EQ(signer.error().where.file, file.string());
  EXPECT_TRUE(contains(signer.error().message, "EC-P384")) << signer.error().message;
}

TEST(FileSigner, RejectsEd25519KeyWithSignAlgorithm) {
  PinSpy pin{kPin};
  auto signer =
      openFileSigner(FileKeyUri{Workshop::instance().key(Alg::Ed25519).string()}, pin.provider());
  ASSERT_FALSE(signer.has_value());
  EXPECT_EQ(signer.error().code, "SIGN_ALGORITHM");
}

TEST(FileSigner, MissingFileIsKeyUnreadable) {
  PinSpy pin{kPin};
  const auto file = Workshop::instance().path("no-such.key");
  auto signer = openFileSigner(FileKeyUri{file.string()}, pin.provider());
  ASSERT_FALSE(signer.has_value());
  EXPECT_EQ(signer.error().code, "KEY_UNREADABLE");
  EXPECT_EQ(signer.error().kind, FindingKind::Config);
  EXPECT_EQ(pin.calls, 0);
}

TEST(FileSigner, CertificateOrTextIsKeyInvalid) {
  auto& w = Workshop::instance();
  const auto text = w.path("notes.key");
  test::writeFile(text, "this is not a key\n");
  for (const auto& file : {w.selfSigned(Alg::P256), text}) {
    SCOPED_TRACE(file.string());
    PinSpy pin{kPin};
    auto signer = openFileSigner(FileKeyUri{file.string()}, pin.provider());
    ASSERT_FALSE(signer.has_value());
    EXPECT_EQ(signer.error().code, "KEY_INVALID");
    EXPECT_EQ(pin.calls, 0);
  }
}

TEST(FileSigner, PassesOnPinProviderFinding) {
  PinProvider unavailable = []() -> Result<Secret> {
    Finding f;
    f.kind = FindingKind::Config;
    f.code = "PIN_UNAVAILABLE";
    return std::unexpected(f);
  };
  auto signer = openFileSigner(
      FileKeyUri{Workshop::instance().encryptedKey(Alg::P256, kPin).string()}, unavailable);
  ASSERT_FALSE(signer.has_value());
  EXPECT_EQ(signer.error().code, "PIN_UNAVAILABLE");
}

// RC2-40 (openssl pkcs12 -legacy, old Windows exports) needs OpenSSL 3.0's legacy provider.
TEST(FileSigner, ExplainsLegacyPkcs12) {
  PinSpy pin{kPin};
  auto file = Workshop::instance().pkcs12(Alg::P256, kPin, "legacy.p12", "-legacy");
  auto signer = openFileSigner(FileKeyUri{file.string()}, pin.provider());
  if (signer.has_value()) GTEST_SKIP() << "this OpenSSL reads RC2 PKCS#12 files";
  EXPECT_EQ(signer.error().code, "KEY_INVALID");
  EXPECT_TRUE(contains(signer.error().hint, "-legacy")) << signer.error().hint;
  expectNoPinIn(signer.error());
}

TEST(FileSigner, ExplainsLegacyPkcs12WithEmptyPasswordWithoutAskingForPin) {
  PinSpy pin{kPin};
  auto file = Workshop::instance().pkcs12(Alg::P256, "", "legacy-empty.p12", "-legacy");
  auto signer = openFileSigner(FileKeyUri{file.string()}, pin.provider());
  if (signer.has_value()) GTEST_SKIP() << "this OpenSSL reads RC2 PKCS#12 files";
  EXPECT_EQ(signer.error().code, "KEY_INVALID");
  EXPECT_EQ(pin.calls, 0);
}

TEST(VerifySignature, RejectsSm2SignatureWithoutDistinguishingId) {
  auto& w = Workshop::instance();
  test::TempDir scratch;
  const auto message = testkeys::randomBytes(32);
  testkeys::writeBytes(scratch / "msg", message);
  testkeys::sh("openssl dgst -sm3 -sign " + q(w.key(Alg::Sm2)) + " -out " + q(scratch / "sig") +
               " " + q(scratch / "msg"));  // OpenSSL 3.0's default: an empty ID
  const std::string sig = test::readFile(scratch / "sig");
  auto rejected = verifySignature(certificateOf(Alg::Sm2), SignatureAlgorithm::Sm2Sm3, message,
                                  std::vector<std::uint8_t>(sig.begin(), sig.end()));
  ASSERT_FALSE(rejected.has_value());
  EXPECT_EQ(rejected.error().code, "SIGNATURE_INVALID");
}

TEST(VerifySignature, RejectsAlgorithmThatDoesNotFitTheKey) {
  const auto message = testkeys::randomBytes(16);
  const std::vector<std::uint8_t> signature(70, 0x30);
  auto sm2AsEcdsa =
      verifySignature(certificateOf(Alg::Sm2), SignatureAlgorithm::EcdsaSha256, message, signature);
  ASSERT_FALSE(sm2AsEcdsa.has_value());
  EXPECT_EQ(sm2AsEcdsa.error().code, "SIGN_ALGORITHM");
  auto rsaAsSm2 =
      verifySignature(certificateOf(Alg::Rsa), SignatureAlgorithm::Sm2Sm3, message, signature);
  ASSERT_FALSE(rsaAsSm2.has_value());
  EXPECT_EQ(rsaAsSm2.error().code, "SIGN_ALGORITHM");
}

TEST(VerifySignature, RejectsTextThatIsNotACertificate) {
  const std::vector<std::uint8_t> bytes(16, 1);
  auto r = verifySignature("not a certificate", SignatureAlgorithm::Sm2Sm3, bytes, bytes);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "CERT_INVALID");
}

TEST(AlgorithmForCertificate, RejectsP384Certificate) {
  auto& w = Workshop::instance();
  const auto cert = w.path("p384-self.pem");
  testkeys::sh("openssl req -x509 -new -key " + q(w.key(Alg::P384)) +
               " -sha256 -subj /CN=p384 -days 30 -out " + q(cert));
  auto pem = readCertificatePem(cert, "p384-self.pem");
  ASSERT_TRUE(pem.has_value()) << pem.error().message;
  auto algorithm = algorithmForCertificate(*pem);
  ASSERT_FALSE(algorithm.has_value());
  EXPECT_EQ(algorithm.error().code, "SIGN_ALGORITHM");
}

TEST(ReadCertificatePem, ReadsDerAsPem) {
  auto& w = Workshop::instance();
  const auto der = w.path("p256-self.der");
  testkeys::sh("openssl x509 -in " + q(w.selfSigned(Alg::P256)) + " -outform DER -out " + q(der));
  auto pem = readCertificatePem(der, "school.cer");
  ASSERT_TRUE(pem.has_value()) << pem.error().message;
  EXPECT_EQ(*pem, test::readFile(w.selfSigned(Alg::P256)));
}

TEST(ReadCertificatePem, MissingFileIsCertUnreadable) {
  auto pem = readCertificatePem(Workshop::instance().path("none.pem"), "certs/school.pem");
  ASSERT_FALSE(pem.has_value());
  EXPECT_EQ(pem.error().code, "CERT_UNREADABLE");
  EXPECT_EQ(pem.error().where.file, "certs/school.pem");
}

}  // namespace
}  // namespace zzjb::identity
