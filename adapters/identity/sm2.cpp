// SM2 helpers over OpenSSL 3.0: SM3 through EVP_MD "SM3", the signature conversion through
// ECDSA_SIG. Every OpenSSL object is owned by a unique_ptr.
#include "sm2.hpp"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <limits>
#include <memory>

namespace zzjb::identity {
namespace {

template <auto FreeFn>
struct OsslFree {
  template <typename T>
  void operator()(T* p) const {
    FreeFn(p);
  }
};

void freeOsslBytes(unsigned char* p) {
  OPENSSL_free(p);
}

using MdPtr = std::unique_ptr<EVP_MD, OsslFree<EVP_MD_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OsslFree<EVP_MD_CTX_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OsslFree<BN_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OsslFree<ECDSA_SIG_free>>;
using OsslBytesPtr = std::unique_ptr<unsigned char, OsslFree<freeOsslBytes>>;

// The SM2 curve's a, b, xG, yG (GM/T 0003.5-2012 §2), big-endian, as they enter Z.
// clang-format off
constexpr std::array<std::uint8_t, 128> kCurveABG = {
    // a
    0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFC,
    // b
    0x28, 0xE9, 0xFA, 0x9E, 0x9D, 0x9F, 0x5E, 0x34, 0x4D, 0x5A, 0x9E, 0x4B, 0xCF, 0x65, 0x09, 0xA7,
    0xF3, 0x97, 0x89, 0xF5, 0x15, 0xAB, 0x8F, 0x92, 0xDD, 0xBC, 0xBD, 0x41, 0x4D, 0x94, 0x0E, 0x93,
    // xG
    0x32, 0xC4, 0xAE, 0x2C, 0x1F, 0x19, 0x81, 0x19, 0x5F, 0x99, 0x04, 0x46, 0x6A, 0x39, 0xC9, 0x94,
    0x8F, 0xE3, 0x0B, 0xBF, 0xF2, 0x66, 0x0B, 0xE1, 0x71, 0x5A, 0x45, 0x89, 0x33, 0x4C, 0x74, 0xC7,
    // yG
    0xBC, 0x37, 0x36, 0xA2, 0xF4, 0xF6, 0x77, 0x9C, 0x59, 0xBD, 0xCE, 0xE3, 0x6B, 0x69, 0x21, 0x53,
    0xD0, 0xA9, 0x87, 0x7C, 0xC6, 0x2A, 0x47, 0x40, 0x02, 0xDF, 0x32, 0xE5, 0x21, 0x39, 0xF0, 0xA0,
};
// clang-format on

// ENTL is two bytes of bit length: IDs of 8192 bytes or more do not fit.
constexpr std::size_t kMaxIdBytes = 8191;

// SM3 over the concatenation of `parts`.
std::optional<Sm3Digest> sm3Of(std::initializer_list<std::span<const std::uint8_t>> parts) {
  MdPtr md(EVP_MD_fetch(nullptr, "SM3", nullptr));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!md || !ctx || EVP_DigestInit_ex(ctx.get(), md.get(), nullptr) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  for (auto part : parts) {
    if (!part.empty() && EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) {
      ERR_clear_error();
      return std::nullopt;
    }
  }
  Sm3Digest out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != out.size()) {
    ERR_clear_error();
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::optional<Sm3Digest> sm3(std::span<const std::uint8_t> data) {
  return sm3Of({data});
}

std::optional<Sm3Digest> sm2Z(std::span<const std::uint8_t, 32> x,
                              std::span<const std::uint8_t, 32> y, std::string_view id) {
  if (id.size() > kMaxIdBytes) return std::nullopt;
  const std::size_t bits = id.size() * 8;
  const std::array<std::uint8_t, 2> entl = {static_cast<std::uint8_t>(bits >> 8U),
                                            static_cast<std::uint8_t>(bits & 0xFFU)};
  const std::span<const std::uint8_t> idBytes(reinterpret_cast<const std::uint8_t*>(id.data()),
                                              id.size());
  return sm3Of({entl, idBytes, kCurveABG, x, y});
}

std::optional<Sm3Digest> sm2Digest(std::span<const std::uint8_t, 32> z,
                                   std::span<const std::uint8_t> message) {
  return sm3Of({z, message});
}

std::optional<std::vector<std::uint8_t>> rsToDer(std::span<const std::uint8_t, 32> r,
                                                 std::span<const std::uint8_t, 32> s) {
  BignumPtr bnR(BN_bin2bn(r.data(), static_cast<int>(r.size()), nullptr));
  BignumPtr bnS(BN_bin2bn(s.data(), static_cast<int>(s.size()), nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!bnR || !bnS || !sig || ECDSA_SIG_set0(sig.get(), bnR.get(), bnS.get()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  // ECDSA_SIG owns them now.
  (void)bnR.release();
  (void)bnS.release();
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  OsslBytesPtr owned(der);
  if (len <= 0 || der == nullptr) {
    ERR_clear_error();
    return std::nullopt;
  }
  return std::vector<std::uint8_t>(der, der + len);
}

std::optional<Sm2RawSignature> derToRs(std::span<const std::uint8_t> der) {
  if (der.empty() || der.size() > static_cast<std::size_t>(std::numeric_limits<long>::max())) {
    return std::nullopt;
  }
  const unsigned char* p = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig || p != der.data() + der.size()) {
    ERR_clear_error();
    return std::nullopt;
  }
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  Sm2RawSignature out;
  if (r == nullptr || s == nullptr || BN_is_negative(r) != 0 || BN_is_negative(s) != 0 ||
      BN_bn2binpad(r, out.r.data(), static_cast<int>(out.r.size())) < 0 ||
      BN_bn2binpad(s, out.s.data(), static_cast<int>(out.s.size())) < 0) {
    ERR_clear_error();
    return std::nullopt;
  }
  return out;
}

}  // namespace zzjb::identity
