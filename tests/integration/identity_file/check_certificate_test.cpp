// Tests for checkCertificate against CAs made at test time with the openssl command line (RSA, EC
// P-256 and SM2; SM2 certificates signed with the distinguishing ID): good chains, with and
// without an intermediate; and each failure with its own code: not yet valid, expired, untrusted
// (another CA; SM2 signed with the empty ID), no keyID, unreadable CA file.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <ostream>
#include <string>

#include "openssl_cli.hpp"
#include "test_support.hpp"
#include "zzjb/identity/certificate.hpp"
#include "zzjb/identity/verify.hpp"

namespace zzjb::identity {
namespace {

using test::contains;
using testkeys::Alg;
using testkeys::algName;
using testkeys::Issued;
using testkeys::q;
using testkeys::Workshop;

std::string pemOf(const std::filesystem::path& cert) {
  auto pem = readCertificatePem(cert, "");
  EXPECT_TRUE(pem.has_value()) << pem.error().message;
  return pem.value_or("");
}

ChainCheck trusting(const std::filesystem::path& caFile, std::time_t now = std::time(nullptr)) {
  ChainCheck check;
  check.caFiles = {caFile};
  check.now = now;
  return check;
}

Issued caOf(Alg a) {
  return Workshop::instance().ca(std::string("ca-") + algName(a), a);
}

// A school certificate of a key of `leafAlg`, issued by the CA of `caAlg`.
Issued schoolOf(Alg caAlg, Alg leafAlg, Workshop::IssueOptions opts = {}) {
  std::string name = std::string("school-") + algName(leafAlg) + "-by-" + algName(caAlg);
  if (!opts.keyId) name += "-nokeyid";
  if (!opts.sm2IdWhenSigning) name += "-emptyid";
  return Workshop::instance().issue(name, leafAlg, caOf(caAlg), caAlg, opts);
}

struct ChainCase {
  Alg ca;
  Alg leaf;
};

void PrintTo(const ChainCase& c, std::ostream* os) {
  *os << algName(c.leaf) << "-by-" << algName(c.ca);
}

class CheckCertificateByAlgorithm : public ::testing::TestWithParam<ChainCase> {};

TEST_P(CheckCertificateByAlgorithm, AcceptsCertificateIssuedByConfiguredCa) {
  const auto& c = GetParam();
  const Issued school = schoolOf(c.ca, c.leaf);
  const std::string name = school.cert.filename().string();
  auto info = checkCertificate(pemOf(school.cert), "certs/" + name, trusting(caOf(c.ca).cert));
  ASSERT_TRUE(info.has_value()) << info.error().code << ": " << info.error().message;
  EXPECT_EQ(info->keyId, "KEYID-" + school.cert.stem().string());
  EXPECT_TRUE(contains(info->subject, school.cert.stem().string())) << info->subject;
  EXPECT_TRUE(contains(info->issuer, std::string("ca-") + algName(c.ca))) << info->issuer;
}

// An ID on a certificate that is not SM2-signed would make OpenSSL reject it, and an SM2-signed
// one needs it: the mixed cases check that each certificate gets what its signature needs.
INSTANTIATE_TEST_SUITE_P(Chains, CheckCertificateByAlgorithm,
                         ::testing::Values(ChainCase{Alg::Rsa, Alg::Rsa},
                                           ChainCase{Alg::P256, Alg::P256},
                                           ChainCase{Alg::Sm2, Alg::Sm2},
                                           ChainCase{Alg::Rsa, Alg::Sm2},
                                           ChainCase{Alg::Sm2, Alg::P256}),
                         [](const auto& p) {
                           return std::string(algName(p.param.leaf)) + "_by_" + algName(p.param.ca);
                         });

TEST(CheckCertificate, AcceptsSm2ChainThroughIntermediate) {
  auto& w = Workshop::instance();
  const Issued root = caOf(Alg::Sm2);
  const Issued intermediate =
      w.issue("sm2-intermediate", Alg::Sm2, root, Alg::Sm2, {.isCa = true, .keyId = false});
  const Issued school = w.issue("school-sm2-by-intermediate", Alg::Sm2, intermediate, Alg::Sm2, {});
  const std::string pem = pemOf(school.cert);

  // Both CAs in the trust list.
  const auto bundle = w.path("sm2-bundle.pem");
  test::writeFile(bundle, test::readFile(root.cert) + test::readFile(intermediate.cert));
  auto fromBundle = checkCertificate(pem, "school.pem", trusting(bundle));
  EXPECT_TRUE(fromBundle.has_value()) << fromBundle.error().message;

  // The intermediate sent along with the certificate, only the root trusted.
  auto sentAlong =
      checkCertificate(pem + pemOf(intermediate.cert), "school.pem", trusting(root.cert));
  EXPECT_TRUE(sentAlong.has_value()) << sentAlong.error().message;

  // Without the intermediate the chain is broken.
  auto broken = checkCertificate(pem, "school.pem", trusting(root.cert));
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().code, "CERT_UNTRUSTED");
  EXPECT_TRUE(contains(broken.error().message, "sm2-intermediate")) << broken.error().message;
}

TEST(CheckCertificate, RejectsSm2CertificateSignedWithEmptyDistinguishingId) {
  const Issued school = schoolOf(Alg::Sm2, Alg::Sm2, {.sm2IdWhenSigning = false});
  // The openssl command line accepts it with OpenSSL's empty default ID, not with the real one.
  const std::string verify = "openssl verify -CAfile " + q(caOf(Alg::Sm2).cert);
  EXPECT_EQ(test::run(verify + " " + q(school.cert)).exitCode, 0);
  EXPECT_NE(
      test::run(verify + " -vfyopt distid:" + testkeys::kSm2Id + " " + q(school.cert)).exitCode, 0);

  auto r = checkCertificate(pemOf(school.cert), "school.pem", trusting(caOf(Alg::Sm2).cert));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "CERT_UNTRUSTED");
}

TEST(CheckCertificate, RejectsExpiredCertificate) {
  const Issued school = schoolOf(Alg::Sm2, Alg::Sm2);
  auto info = readCertificate(school.cert, "");
  ASSERT_TRUE(info.has_value());
  auto r = checkCertificate(pemOf(school.cert), "certs/school.pem",
                            trusting(caOf(Alg::Sm2).cert, info->notAfter + 86400));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "CERT_EXPIRED");
  EXPECT_EQ(r.error().kind, FindingKind::Config);
  EXPECT_EQ(r.error().where.file, "certs/school.pem");
  EXPECT_TRUE(contains(r.error().message, "已于 " + shanghaiDate(info->notAfter) + " 过期"))
      << r.error().message;
  // SHECA's number comes from the catalog's contacts ({shecaPhone}).
  EXPECT_TRUE(contains(r.error().hint, "(021)962600")) << r.error().hint;
}

TEST(CheckCertificate, AcceptsCertificateOnItsLastDay) {
  const Issued school = schoolOf(Alg::Sm2, Alg::Sm2);
  auto info = readCertificate(school.cert, "");
  ASSERT_TRUE(info.has_value());
  auto r = checkCertificate(pemOf(school.cert), "school.pem",
                            trusting(caOf(Alg::Sm2).cert, info->notAfter - 60));
  EXPECT_TRUE(r.has_value()) << r.error().message;
}

TEST(CheckCertificate, RejectsNotYetValidCertificate) {
  const Issued school = schoolOf(Alg::P256, Alg::P256);
  auto info = readCertificate(school.cert, "");
  ASSERT_TRUE(info.has_value());
  auto r = checkCertificate(pemOf(school.cert), "school.pem",
                            trusting(caOf(Alg::P256).cert, info->notBefore - 86400));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "CERT_NOT_YET_VALID");
  EXPECT_TRUE(contains(r.error().message, shanghaiDate(info->notBefore))) << r.error().message;
}

TEST(CheckCertificate, RejectsCertificateFromAnotherCa) {
  const Issued school = schoolOf(Alg::Sm2, Alg::Sm2);
  auto r = checkCertificate(pemOf(school.cert), "school.pem", trusting(caOf(Alg::Rsa).cert));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "CERT_UNTRUSTED");
  EXPECT_TRUE(contains(r.error().message, "CN=ca-sm2")) << r.error().message;
  EXPECT_TRUE(contains(r.error().hint, "caBundle")) << r.error().hint;
}

TEST(CheckCertificate, ChecksValidityBeforeTrust) {
  const Issued school = schoolOf(Alg::Sm2, Alg::Sm2);
  auto info = readCertificate(school.cert, "");
  ASSERT_TRUE(info.has_value());
  auto r = checkCertificate(pemOf(school.cert), "school.pem",
                            trusting(caOf(Alg::Rsa).cert, info->notAfter + 86400));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "CERT_EXPIRED");
}

// The chain is checked at ChainCheck::now too, not at the current time.
TEST(CheckCertificate, RejectsChainWhoseCaExpiredAtCheckTime) {
  auto& w = Workshop::instance();
  const Issued shortCa = w.ca("ca-short", Alg::P256, 30);
  const Issued school = w.issue("school-by-short-ca", Alg::P256, shortCa, Alg::P256, {});
  auto caInfo = readCertificate(shortCa.cert, "");
  ASSERT_TRUE(caInfo.has_value());
  const std::string pem = pemOf(school.cert);
  EXPECT_TRUE(checkCertificate(pem, "school.pem", trusting(shortCa.cert)).has_value());
  auto r = checkCertificate(pem, "school.pem", trusting(shortCa.cert, caInfo->notAfter + 86400));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "CERT_UNTRUSTED");
  EXPECT_TRUE(contains(r.error().message, "expired")) << r.error().message;
}

TEST(CheckCertificate, RejectsCertificateWithoutKeyId) {
  const Issued school = schoolOf(Alg::Rsa, Alg::Rsa, {.keyId = false});
  auto r = checkCertificate(pemOf(school.cert), "school.pem", trusting(caOf(Alg::Rsa).cert));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "CERT_NO_KEYID");
  EXPECT_TRUE(contains(r.error().message, testkeys::kKeyIdOid)) << r.error().message;
}

TEST(CheckCertificate, ReadsKeyIdFromConfiguredOid) {
  const Issued school = schoolOf(Alg::P256, Alg::P256);
  ChainCheck check = trusting(caOf(Alg::P256).cert);
  check.oids.keyId = "1.2.156.112570.11.299";  // not in the certificate
  auto r = checkCertificate(pemOf(school.cert), "school.pem", check);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "CERT_NO_KEYID");
}

TEST(CheckCertificate, NamesMissingCaFile) {
  const Issued school = schoolOf(Alg::P256, Alg::P256);
  ChainCheck check = trusting(caOf(Alg::P256).cert);
  const auto missing = Workshop::instance().path("ca-missing.pem");
  check.caFiles.push_back(missing);
  auto r = checkCertificate(pemOf(school.cert), "school.pem", check);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "CERT_CA_UNREADABLE");
  EXPECT_TRUE(contains(r.error().message, missing.string())) << r.error().message;
}

TEST(CheckCertificate, RejectsCaFileWithoutCertificates) {
  const Issued school = schoolOf(Alg::P256, Alg::P256);
  const auto empty = Workshop::instance().path("ca-empty.pem");
  test::writeFile(empty, "nothing here\n");
  auto r = checkCertificate(pemOf(school.cert), "school.pem", trusting(empty));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "CERT_CA_UNREADABLE");
}

TEST(CheckCertificate, RejectsTextThatIsNotACertificate) {
  auto r = checkCertificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                            "school.pem", trusting(caOf(Alg::P256).cert));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "CERT_INVALID");
  EXPECT_EQ(r.error().where.file, "school.pem");
}

}  // namespace
}  // namespace zzjb::identity
