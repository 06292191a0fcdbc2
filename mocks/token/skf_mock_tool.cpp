// zzjb-skf-mock: provisions and inspects the software SKF token's directory (see README.md).
//   zzjb-skf-mock init --dir D --pin P --key KEY.pem --cert CERT.pem [--retries 6] [--dev USBKey0]
//                      [--app SHECA] [--container SIGN]
//   zzjb-skf-mock status --dir D           prints device, application, container, retries
//   zzjb-skf-mock set-retries --dir D N    sets the tries left (0 locks), as a test fixture
// A test tool: the PIN on the command line is acceptable here and nowhere else.
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "token_store.hpp"

namespace {

namespace fs = std::filesystem;
using zzjb::mock::TokenConfig;

constexpr int kExitUsage = 64;
constexpr int kExitFailure = 1;
constexpr std::size_t kSaltBytes = 16;

template <auto FreeFn>
struct OsslFree {
  template <typename T>
  void operator()(T* p) const {
    FreeFn(p);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, OsslFree<EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, OsslFree<BIO_free>>;
using X509Ptr = std::unique_ptr<X509, OsslFree<X509_free>>;

constexpr std::string_view kUsage =
    "usage: zzjb-skf-mock init --dir D --pin P --key KEY.pem --cert CERT.pem [--retries N]\n"
    "                          [--dev NAME] [--app NAME] [--container NAME]\n"
    "       zzjb-skf-mock status --dir D\n"
    "       zzjb-skf-mock set-retries --dir D N\n";

int usage(std::string_view problem) {
  std::cerr << "zzjb-skf-mock: " << problem << "\n" << kUsage;
  return kExitUsage;
}

int fail(const std::string& problem) {
  std::cerr << "zzjb-skf-mock: " << problem << "\n";
  return kExitFailure;
}

// --name value pairs; positional arguments in `positional`. nullopt on a dangling --name.
std::optional<std::map<std::string, std::string>> parseOptions(
    const std::vector<std::string>& args, std::vector<std::string>& positional) {
  std::map<std::string, std::string> options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i].starts_with("--")) {
      if (i + 1 >= args.size()) return std::nullopt;
      options[args[i].substr(2)] = args[i + 1];
      ++i;
    } else {
      positional.push_back(args[i]);
    }
  }
  return options;
}

std::optional<unsigned> parseCount(std::string_view text) {
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

BioPtr openFile(const std::string& path) {
  return BioPtr(BIO_new_file(path.c_str(), "rb"));
}

bool isSm2(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "SM2")) return true;
  if (!EVP_PKEY_is_a(key, "EC")) return false;
  std::array<char, 64> group{};
  std::size_t len = 0;
  return EVP_PKEY_get_utf8_string_param(key, "group", group.data(), group.size(), &len) == 1 &&
         std::string_view(group.data(), len) == "SM2";
}

int init(const std::map<std::string, std::string>& options) {
  for (const char* required : {"dir", "pin", "key", "cert"}) {
    if (!options.contains(required)) return usage(std::string("init needs --") + required);
  }
  TokenConfig config;
  if (options.contains("dev")) config.device = options.at("dev");
  if (options.contains("app")) config.application = options.at("app");
  if (options.contains("container")) config.container = options.at("container");
  if (options.contains("retries")) {
    auto n = parseCount(options.at("retries"));
    if (!n || *n == 0 || *n > 255) return usage("--retries must be 1 to 255");
    config.maxRetries = *n;
  }
  const std::string& pin = options.at("pin");
  if (pin.empty()) return usage("--pin must not be empty");

  BioPtr keyIn = openFile(options.at("key"));
  PkeyPtr key(keyIn ? PEM_read_bio_PrivateKey(keyIn.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) return fail(options.at("key") + " is not a readable unencrypted PEM private key");
  if (!isSm2(key.get())) return fail(options.at("key") + " is not an SM2 key");
  BioPtr certIn = openFile(options.at("cert"));
  X509Ptr cert(certIn ? PEM_read_bio_X509(certIn.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) return fail(options.at("cert") + " is not a readable PEM certificate");
  if (EVP_PKEY_eq(X509_get0_pubkey(cert.get()), key.get()) != 1) {
    return fail(options.at("cert") + " does not belong to " + options.at("key"));
  }

  const fs::path dir = options.at("dir");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, ec);

  config.pinSaltHex = zzjb::mock::randomHex(kSaltBytes);
  config.pinSha256Hex = zzjb::mock::hashPin(config.pinSaltHex, pin);
  if (config.pinSha256Hex.empty()) return fail("cannot hash the PIN");

  BioPtr keyOut(BIO_new(BIO_s_mem()));
  if (!keyOut || PEM_write_bio_PrivateKey(keyOut.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                          nullptr) != 1) {
    return fail("cannot encode the key");
  }
  char* keyData = nullptr;
  const long keyLen = BIO_get_mem_data(keyOut.get(), &keyData);
  unsigned char* certDer = nullptr;
  const int certLen = i2d_X509(cert.get(), &certDer);
  std::string certBytes;
  if (certLen > 0 && certDer != nullptr) {
    certBytes.assign(reinterpret_cast<const char*>(certDer), static_cast<std::size_t>(certLen));
  }
  OPENSSL_free(certDer);
  if (certBytes.empty() || keyData == nullptr || keyLen <= 0) return fail("cannot encode");

  using fs::perms;
  std::string error;
  if (!zzjb::mock::writeFileAtomic(dir / zzjb::mock::kKeyFile,
                                   std::string_view(keyData, static_cast<std::size_t>(keyLen)),
                                   perms::owner_read | perms::owner_write) ||
      !zzjb::mock::writeFileAtomic(
          dir / zzjb::mock::kCertFile, certBytes,
          perms::owner_read | perms::owner_write | perms::group_read | perms::others_read) ||
      !zzjb::mock::saveConfig(dir, config, error) ||
      !zzjb::mock::saveRemaining(dir, config.maxRetries)) {
    return fail("cannot write the token into " + dir.string() + (error.empty() ? "" : ": ") +
                error);
  }
  std::cout << "token " << config.device << "/" << config.application << "/" << config.container
            << " in " << dir.string() << ", " << config.maxRetries << " tries\n";
  return 0;
}

int status(const std::map<std::string, std::string>& options) {
  if (!options.contains("dir")) return usage("status needs --dir");
  const fs::path dir = options.at("dir");
  std::string error;
  auto config = zzjb::mock::loadConfig(dir, error);
  if (!config) return fail(error);
  auto remaining = zzjb::mock::loadRemaining(dir);
  if (!remaining) return fail((dir / zzjb::mock::kRetriesFile).string() + " cannot be read");
  std::cout << "device=" << config->device << "\n"
            << "application=" << config->application << "\n"
            << "container=" << config->container << "\n"
            << "retries-left=" << *remaining << "\n"
            << "max-retries=" << config->maxRetries << "\n"
            << "locked=" << (*remaining == 0 ? "yes" : "no") << "\n";
  return 0;
}

int setRetries(const std::map<std::string, std::string>& options,
               const std::vector<std::string>& positional) {
  if (!options.contains("dir") || positional.size() != 1) return usage("set-retries --dir D N");
  const fs::path dir = options.at("dir");
  std::string error;
  auto config = zzjb::mock::loadConfig(dir, error);
  if (!config) return fail(error);
  auto n = parseCount(positional[0]);
  if (!n || *n > config->maxRetries) {
    return usage("N must be 0 to " + std::to_string(config->maxRetries));
  }
  if (!zzjb::mock::saveRemaining(dir, *n)) return fail("cannot write the retry counter");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return usage("no command");
    const std::string command = args.front();
    args.erase(args.begin());
    std::vector<std::string> positional;
    auto options = parseOptions(args, positional);
    if (!options) return usage("an option without a value");
    if (command == "init" && positional.empty()) return init(*options);
    if (command == "status" && positional.empty()) return status(*options);
    if (command == "set-retries") return setRetries(*options, positional);
    return usage("unknown command or stray argument");
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}
