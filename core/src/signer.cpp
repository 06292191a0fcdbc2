// Names for signature algorithms and PIN states.
#include "zzjb/core/signer.hpp"

#include "zzjb/messages/catalog.hpp"

namespace zzjb {

const char* signatureAlgorithmName(SignatureAlgorithm a) {
  switch (a) {
    case SignatureAlgorithm::Sm2Sm3: return "SM2-SM3";
    case SignatureAlgorithm::RsaSha256: return "RSA-SHA256";
    case SignatureAlgorithm::EcdsaSha256: return "ECDSA-SHA256";
  }
  return "?";
}

std::string PinStatus::describe() const {
  if (!required) return msg::text("pin.status.not_needed");
  if (locked) return msg::text("pin.status.locked");
  if (finalTry) return msg::text("pin.status.final_try");
  if (retriesLeft) return msg::text("pin.status.retries_left", {{"count", *retriesLeft}});
  if (countLow) return msg::text("pin.status.count_low");
  return msg::text("pin.status.ok");
}

}  // namespace zzjb
