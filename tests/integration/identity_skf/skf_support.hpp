// Shared by the SKF tests: an SM2 key and certificate made once with the openssl command line,
// and small byte helpers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace zzjb::test::skf {

inline constexpr const char* kSm2Id = "1234567812345678";

// school.key, school.pem (SM2-with-SM3, ID 1234567812345678) and pub.pem, made on first use,
// shared by every test in the process.
class KeyMaterial {
 public:
  static const KeyMaterial& get() {
    static const KeyMaterial material;
    return material;
  }
  [[nodiscard]] std::filesystem::path key() const { return dir_ / "school.key"; }
  [[nodiscard]] std::filesystem::path cert() const { return dir_ / "school.pem"; }
  [[nodiscard]] std::filesystem::path pub() const { return dir_ / "pub.pem"; }

 private:
  KeyMaterial() {
    const std::string d = shellQuote(dir_.path().string());
    const std::string script =
        "set -e; cd " + d +
        "; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out school.key"
        "; openssl req -x509 -new -utf8 -key school.key -sm3 -sigopt distid:" +
        std::string(kSm2Id) +
        " -subj '/C=CN/O=上海市示范职业技术学校/CN=上海市示范职业技术学校' -days 30"
        " -out school.pem"
        "; openssl x509 -in school.pem -noout -pubkey > pub.pem";
    auto r = run("sh -c " + shellQuote(script));
    if (r.exitCode != 0) throw std::runtime_error("openssl failed: " + r.err);
  }
  TempDir dir_;
};

inline std::vector<std::uint8_t> bytes(const std::string& s) {
  return std::vector<std::uint8_t>(s.begin(), s.end());
}

inline std::string text(const std::vector<std::uint8_t>& b) {
  return std::string(b.begin(), b.end());
}

}  // namespace zzjb::test::skf
