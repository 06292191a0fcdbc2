// The SM2 helpers against OpenSSL's own SM2: Z and e computed here, signed raw, must verify with
// EVP_DigestVerify and the ID set (and the reverse), and r‖s ⇄ DER must round-trip and reject
// what is not one DER signature.
#include "sm2.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "skf_support.hpp"

namespace zzjb::identity {
namespace {

using test::skf::bytes;
using test::skf::KeyMaterial;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

PkeyPtr loadKey() {
  std::FILE* f = std::fopen(KeyMaterial::get().key().c_str(), "r");
  if (f == nullptr) return nullptr;
  PkeyPtr key(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  return key;
}

struct Point {
  Sm2Coordinate x{};
  Sm2Coordinate y{};
};

Point publicPoint(EVP_PKEY* key) {
  std::array<unsigned char, 65> point{};
  std::size_t len = 0;
  EXPECT_EQ(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(),
                                            point.size(), &len),
            1);
  EXPECT_EQ(len, 65U);
  Point p;
  std::copy_n(point.begin() + 1, 32, p.x.begin());
  std::copy_n(point.begin() + 33, 32, p.y.begin());
  return p;
}

// OpenSSL hashes Z‖M itself here, with the ID set on the context.
bool opensslVerify(EVP_PKEY* key, const std::vector<std::uint8_t>& der,
                   const std::vector<std::uint8_t>& msg, const std::string& id) {
  MdCtxPtr md(EVP_MD_CTX_new());
  PkeyCtxPtr pctx(EVP_PKEY_CTX_new(key, nullptr));
  if (!md || !pctx) return false;
  if (EVP_PKEY_CTX_set1_id(pctx.get(), id.data(), static_cast<int>(id.size())) != 1) return false;
  EVP_MD_CTX_set_pkey_ctx(md.get(), pctx.get());
  if (EVP_DigestVerifyInit(md.get(), nullptr, EVP_sm3(), nullptr, key) != 1) return false;
  return EVP_DigestVerify(md.get(), der.data(), der.size(), msg.data(), msg.size()) == 1;
}

std::vector<std::uint8_t> opensslSign(EVP_PKEY* key, const std::vector<std::uint8_t>& msg) {
  const std::string id = test::skf::kSm2Id;
  MdCtxPtr md(EVP_MD_CTX_new());
  PkeyCtxPtr pctx(EVP_PKEY_CTX_new(key, nullptr));
  std::vector<std::uint8_t> sig(80);
  std::size_t len = sig.size();
  EXPECT_EQ(EVP_PKEY_CTX_set1_id(pctx.get(), id.data(), static_cast<int>(id.size())), 1);
  EVP_MD_CTX_set_pkey_ctx(md.get(), pctx.get());
  EXPECT_EQ(EVP_DigestSignInit(md.get(), nullptr, EVP_sm3(), nullptr, key), 1);
  EXPECT_EQ(EVP_DigestSign(md.get(), sig.data(), &len, msg.data(), msg.size()), 1);
  sig.resize(len);
  return sig;
}

TEST(Sm2Test, DigestOfZSignedRawVerifiesWithOpensslAndTheId) {
  PkeyPtr key = loadKey();
  ASSERT_TRUE(key);
  const Point p = publicPoint(key.get());
  const auto msg = bytes("challenge 2027-06-01T08:00:00+08:00");
  auto z = sm2Z(p.x, p.y, test::skf::kSm2Id);
  ASSERT_TRUE(z);
  auto e = sm2Digest(*z, msg);
  ASSERT_TRUE(e);

  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
  ASSERT_EQ(EVP_PKEY_sign_init(ctx.get()), 1);
  std::vector<std::uint8_t> der(80);
  std::size_t len = der.size();
  ASSERT_EQ(EVP_PKEY_sign(ctx.get(), der.data(), &len, e->data(), e->size()), 1);
  der.resize(len);

  EXPECT_TRUE(opensslVerify(key.get(), der, msg, test::skf::kSm2Id));
  EXPECT_FALSE(opensslVerify(key.get(), der, msg, ""));  // OpenSSL 3.0's default ID
  EXPECT_FALSE(opensslVerify(key.get(), der, bytes("another challenge"), test::skf::kSm2Id));
}

TEST(Sm2Test, OpensslSignatureVerifiesRawAgainstOurDigest) {
  PkeyPtr key = loadKey();
  ASSERT_TRUE(key);
  const Point p = publicPoint(key.get());
  const auto msg = bytes("上海市示范职业技术学校");
  const auto der = opensslSign(key.get(), msg);
  auto e = sm2Digest(*sm2Z(p.x, p.y, test::skf::kSm2Id), msg);
  ASSERT_TRUE(e);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
  ASSERT_EQ(EVP_PKEY_verify_init(ctx.get()), 1);
  EXPECT_EQ(EVP_PKEY_verify(ctx.get(), der.data(), der.size(), e->data(), e->size()), 1);
  auto other = sm2Digest(*sm2Z(p.x, p.y, "ALICE123@YAHOO.COM"), msg);
  EXPECT_NE(EVP_PKEY_verify(ctx.get(), der.data(), der.size(), other->data(), other->size()), 1);
}

TEST(Sm2Test, Sm3MatchesTheStandardsExample) {
  // GB/T 32905-2016 appendix A, example 1: SM3("abc").
  auto d = sm3(bytes("abc"));
  ASSERT_TRUE(d);
  const Sm3Digest expected = {0x66, 0xc7, 0xf0, 0xf4, 0x62, 0xee, 0xed, 0xd9, 0xd1, 0xf2, 0xd4,
                              0x6b, 0xdc, 0x10, 0xe4, 0xe2, 0x41, 0x67, 0xc4, 0x87, 0x5c, 0xf2,
                              0xf7, 0xa2, 0x29, 0x7d, 0xa0, 0x2b, 0x8f, 0x4b, 0xa8, 0xe0};
  EXPECT_EQ(*d, expected);
}

TEST(Sm2Test, ZRejectsAnIdTooLongForEntl) {
  Sm2Coordinate x{};
  Sm2Coordinate y{};
  EXPECT_FALSE(sm2Z(x, y, std::string(8192, 'a')));
  EXPECT_TRUE(sm2Z(x, y, std::string(8191, 'a')));
}

TEST(Sm2Test, RsToDerEncodesMinimalIntegers) {
  Sm2Coordinate r{};
  Sm2Coordinate s{};
  r[31] = 0x01;
  s[31] = 0x02;
  auto der = rsToDer(r, s);
  ASSERT_TRUE(der);
  EXPECT_EQ(*der, (std::vector<std::uint8_t>{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02}));

  r.fill(0x80);  // high bit set: INTEGER needs a leading 0x00
  der = rsToDer(r, s);
  ASSERT_TRUE(der);
  ASSERT_EQ(der->size(), 2U + 35U + 3U);
  EXPECT_EQ((*der)[2], 0x02);
  EXPECT_EQ((*der)[3], 0x21);
  EXPECT_EQ((*der)[4], 0x00);
  EXPECT_EQ((*der)[5], 0x80);
}

TEST(Sm2Test, DerToRsRoundTripsAndRejectsOtherInput) {
  Sm2Coordinate r{};
  Sm2Coordinate s{};
  for (std::size_t i = 0; i < 32; ++i) {
    r[i] = static_cast<std::uint8_t>(0xf0 - i);
    s[i] = static_cast<std::uint8_t>(i);  // leading zero byte: shorter INTEGER
  }
  auto der = rsToDer(r, s);
  ASSERT_TRUE(der);
  auto back = derToRs(*der);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->r, r);
  EXPECT_EQ(back->s, s);

  auto trailing = *der;
  trailing.push_back(0x00);
  EXPECT_FALSE(derToRs(trailing));
  EXPECT_FALSE(derToRs(std::vector<std::uint8_t>{}));
  EXPECT_FALSE(derToRs(std::vector<std::uint8_t>(der->begin(), der->end() - 1)));
  // A 33-byte r (beyond 256 bits) does not fit.
  const std::vector<std::uint8_t> wide = {
      0x30, 0x26, 0x02, 0x21, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,    0,    0,    0,
      0,    0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x02, 0x01, 0x01};
  EXPECT_FALSE(derToRs(wide));
}

}  // namespace
}  // namespace zzjb::identity
