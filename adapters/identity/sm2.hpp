// SM2 helpers the SKF signer needs because a USB key signs a digest, not a message: Z (the
// hash of the signer's identity and public key, GM/T 0003.2 §5.5), e = SM3(Z‖M), and the
// conversion between the key's raw r‖s and the DER SEQUENCE{r, s} everyone else expects.
// Private to adapters/identity; usable by any signer or verifier there.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace zzjb::identity {

using Sm3Digest = std::array<std::uint8_t, 32>;
using Sm2Coordinate = std::array<std::uint8_t, 32>;  // big-endian, left-padded with zeros

// Z = SM3(ENTL‖ID‖a‖b‖xG‖yG‖xA‖yA) on the SM2 curve (GM/T 0003.5), ENTL the ID's length in
// bits as two big-endian bytes. nullopt when the ID is 8192 bytes or longer or SM3 is missing.
[[nodiscard]] std::optional<Sm3Digest> sm2Z(std::span<const std::uint8_t, 32> x,
                                            std::span<const std::uint8_t, 32> y,
                                            std::string_view id);

// e = SM3(Z‖message): what an SM2 key signs.
[[nodiscard]] std::optional<Sm3Digest> sm2Digest(std::span<const std::uint8_t, 32> z,
                                                 std::span<const std::uint8_t> message);

// SM3 of `data`; nullopt when the OpenSSL in use has no SM3.
[[nodiscard]] std::optional<Sm3Digest> sm3(std::span<const std::uint8_t> data);

// DER ECDSA-Sig-Value (SEQUENCE { r INTEGER, s INTEGER }) from 32-byte big-endian r and s.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> rsToDer(std::span<const std::uint8_t, 32> r,
                                                               std::span<const std::uint8_t, 32> s);

struct Sm2RawSignature {
  Sm2Coordinate r{};
  Sm2Coordinate s{};
};

// The reverse: nullopt for anything but one DER SEQUENCE of two non-negative INTEGERs of at most
// 32 bytes each, with nothing after it.
[[nodiscard]] std::optional<Sm2RawSignature> derToRs(std::span<const std::uint8_t> der);

}  // namespace zzjb::identity
