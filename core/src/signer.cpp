// Names for signature algorithms and PIN states.
#include "zzjb/core/signer.hpp"

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
  if (!required) return "not needed";
  if (locked) return "locked";
  if (finalTry) return "final try";
  if (retriesLeft) return std::to_string(*retriesLeft) + " tries left";
  if (countLow) return "a wrong PIN was entered before";
  return "ok";
}

}  // namespace zzjb
