// Test keys and certificates made with the openssl command line, once per test process, in a
// scratch directory removed at exit: plain, traditional, encrypted and PKCS#12 key files, CAs
// and the certificates they issue (with the SHECA keyID extension). SM2 always with the
// distinguishing ID 1234567812345678 unless a test asks otherwise.
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace zzjb::identity::testkeys {

using test::shellQuote;

inline constexpr const char* kSm2Id = "1234567812345678";
inline constexpr const char* kKeyIdOid = "1.2.156.112570.11.205";

enum class Alg { Sm2, Rsa, P256, P384, Ed25519 };

inline const char* algName(Alg a) {
  switch (a) {
    case Alg::Sm2:
      return "sm2";
    case Alg::Rsa:
      return "rsa";
    case Alg::P256:
      return "p256";
    case Alg::P384:
      return "p384";
    case Alg::Ed25519:
      return "ed25519";
  }
  return "?";
}

inline void PrintTo(Alg a, std::ostream* os) {
  *os << algName(a);
}

// Quoted for the shell.
inline std::string q(const std::filesystem::path& p) {
  return shellQuote(p.string());
}
inline std::string q(const std::string& s) {
  return shellQuote(s);
}

// Runs a shell command; a failing openssl is a broken test, not a result.
inline std::string sh(const std::string& command) {
  auto r = test::run(command);
  if (r.exitCode != 0) throw std::runtime_error(command + " failed:\n" + r.err);
  return r.out;
}

// Options that sign with a key of that algorithm (SM3 and the SM2 ID for SM2).
inline std::string signOpts(Alg a, bool withSm2Id = true) {
  if (a == Alg::Sm2) return withSm2Id ? std::string("-sm3 -sigopt distid:") + kSm2Id : "-sm3";
  if (a == Alg::Ed25519) return "";
  return "-sha256";
}

// `openssl dgst` options that verify a signature of a key of that algorithm.
inline std::string dgstVerifyOpts(Alg a) {
  return a == Alg::Sm2 ? std::string("-sm3 -sigopt distid:") + kSm2Id : "-sha256";
}

inline std::vector<std::uint8_t> randomBytes(std::size_t n) {
  std::random_device rd;
  std::vector<std::uint8_t> out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rd() & 0xFFU);
  return out;
}

inline void writeBytes(const std::filesystem::path& p, const std::vector<std::uint8_t>& bytes) {
  test::writeFile(p, std::string(bytes.begin(), bytes.end()));
}

struct Issued {
  std::filesystem::path cert;
  std::filesystem::path key;
};

// Everything is made on first use and kept for the rest of the process.
class Workshop {
 public:
  static Workshop& instance() {
    static Workshop w;
    return w;
  }

  [[nodiscard]] const std::filesystem::path& dir() const { return dir_.path(); }
  [[nodiscard]] std::filesystem::path path(const std::string& name) const { return dir_ / name; }

  // A plain PKCS#8 PEM key ("BEGIN PRIVATE KEY").
  std::filesystem::path key(Alg a, const std::string& name = "") {
    const std::string base = name.empty() ? algName(a) : name;
    return once(base + ".key", [&](const std::filesystem::path& out) {
      std::string opts;
      switch (a) {
        case Alg::Sm2:
          opts = "-algorithm EC -pkeyopt ec_paramgen_curve:SM2";
          break;
        case Alg::Rsa:
          opts = "-algorithm RSA -pkeyopt rsa_keygen_bits:2048";
          break;
        case Alg::P256:
          opts = "-algorithm EC -pkeyopt ec_paramgen_curve:P-256";
          break;
        case Alg::P384:
          opts = "-algorithm EC -pkeyopt ec_paramgen_curve:P-384";
          break;
        case Alg::Ed25519:
          opts = "-algorithm ED25519";
          break;
      }
      sh("openssl genpkey " + opts + " -out " + q(out));
    });
  }

  std::filesystem::path publicKey(Alg a) {
    return once(std::string(algName(a)) + ".pub", [&](const std::filesystem::path& out) {
      sh("openssl pkey -in " + q(key(a)) + " -pubout -out " + q(out));
    });
  }

  // SEC1 ("BEGIN EC PRIVATE KEY", "BEGIN SM2 PRIVATE KEY") or PKCS#1 ("BEGIN RSA PRIVATE KEY").
  std::filesystem::path traditionalKey(Alg a) {
    return once(std::string(algName(a)) + "-traditional.key", [&](const std::filesystem::path& o) {
      sh(std::string("openssl ") + (a == Alg::Rsa ? "rsa -traditional" : "ec") + " -in " +
         q(key(a)) + " -out " + q(o));
    });
  }

  // PKCS#8 encrypted with `pin` ("BEGIN ENCRYPTED PRIVATE KEY").
  std::filesystem::path encryptedKey(Alg a, const std::string& pin) {
    return once(std::string(algName(a)) + "-enc.key", [&](const std::filesystem::path& out) {
      sh("openssl pkcs8 -topk8 -v2 aes-256-cbc -in " + q(key(a)) + " -passout " + q("pass:" + pin) +
         " -out " + q(out));
    });
  }

  // The traditional form encrypted with `pin` ("Proc-Type: 4,ENCRYPTED").
  std::filesystem::path legacyEncryptedKey(Alg a, const std::string& pin) {
    return once(std::string(algName(a)) + "-legacy-enc.key", [&](const std::filesystem::path& o) {
      sh(std::string("openssl ") + (a == Alg::Rsa ? "rsa -traditional" : "ec") + " -in " +
         q(key(a)) + " -aes256 -passout " + q("pass:" + pin) + " -out " + q(o));
    });
  }

  // A self-signed certificate of key(a) with a keyID extension.
  std::filesystem::path selfSigned(Alg a) {
    return once(std::string(algName(a)) + "-self.pem", [&](const std::filesystem::path& out) {
      sh("openssl req -x509 -new -utf8 -key " + q(key(a)) + " " + signOpts(a) + " -subj " +
         q(std::string("/C=CN/O=zzjb test/CN=self ") + algName(a)) + " -days 30 -addext " +
         q(std::string(kKeyIdOid) + "=ASN1:UTF8String:SELF-" + algName(a)) + " -out " + q(out));
    });
  }

  // PKCS#12 of key(a) and selfSigned(a); `options` e.g. "-legacy".
  std::filesystem::path pkcs12(Alg a, const std::string& password, const std::string& name,
                               const std::string& options = "") {
    return once(name, [&](const std::filesystem::path& out) {
      sh("openssl pkcs12 -export " + options + " -inkey " + q(key(a)) + " -in " + q(selfSigned(a)) +
         " -passout " + q("pass:" + password) + " -out " + q(out));
    });
  }

  // A self-signed CA ("NAME.pem", key "NAME.key").
  Issued ca(const std::string& name, Alg a, int days = 3650) {
    Issued ca{path(name + ".pem"), key(a, name)};
    once(name + ".pem", [&](const std::filesystem::path& out) {
      sh("openssl req -x509 -new -utf8 -key " + q(ca.key) + " " + signOpts(a) + " -subj " +
         q("/C=CN/O=zzjb test/CN=" + name) + " -days " + std::to_string(days) +
         " -addext basicConstraints=critical,CA:TRUE"
         " -addext keyUsage=critical,keyCertSign,cRLSign -out " +
         q(out));
    });
    return ca;
  }

  struct IssueOptions {
    bool isCa = false;             // an intermediate CA
    bool keyId = true;             // with the keyID extension
    bool sm2IdWhenSigning = true;  // false: an SM2 CA signs with OpenSSL's empty default ID
    int days = 365;
  };

  // A certificate NAME for a new key of `a`, issued by `issuer` (a key of `issuerAlg`).
  Issued issue(const std::string& name, Alg a, const Issued& issuer, Alg issuerAlg,
               IssueOptions opts) {
    Issued out{path(name + ".pem"), key(a, name)};
    once(name + ".pem", [&](const std::filesystem::path& cert) {
      std::string ext = opts.isCa ? "basicConstraints=critical,CA:TRUE\n"
                                    "keyUsage=critical,keyCertSign,cRLSign\n"
                                  : "basicConstraints=critical,CA:FALSE\n"
                                    "keyUsage=critical,digitalSignature,nonRepudiation\n";
      ext += "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n";
      if (opts.keyId) ext += std::string(kKeyIdOid) + "=ASN1:UTF8String:KEYID-" + name + "\n";
      const auto extFile = path(name + ".ext");
      const auto csr = path(name + ".csr");
      test::writeFile(extFile, ext);
      sh("openssl req -new -utf8 -key " + q(out.key) + " " + signOpts(a) + " -subj " +
         q("/C=CN/O=zzjb test/CN=" + name) + " -out " + q(csr));
      const std::string csrCheck =
          a == Alg::Sm2 ? std::string(" -vfyopt distid:") + kSm2Id : std::string();
      sh("openssl x509 -req -in " + q(csr) + csrCheck + " -CA " + q(issuer.cert) + " -CAkey " +
         q(issuer.key) + " -set_serial " + std::to_string(++serial_) + " " +
         signOpts(issuerAlg, opts.sm2IdWhenSigning) + " -days " + std::to_string(opts.days) +
         " -extfile " + q(extFile) + " -out " + q(cert));
    });
    return out;
  }

 private:
  Workshop() = default;

  template <typename Make>
  std::filesystem::path once(const std::string& name, Make&& make) {
    auto p = path(name);
    if (!std::filesystem::exists(p)) make(p);
    return p;
  }

  test::TempDir dir_;
  int serial_ = 4096;
};

}  // namespace zzjb::identity::testkeys
