// zzjb-mock: the command line (docs/platform-api.md, "The server (`zzjb-mock`)"), TLS material,
// the port file and the state file around serve(). No Beast here: it compiles in server.cpp.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "platform.hpp"
#include "server.hpp"
#include "tls.hpp"
#include "zzjb/files/files.hpp"

namespace fs = std::filesystem;

namespace {

constexpr int kExitUsage = 64;   // EX_USAGE
constexpr int kExitConfig = 78;  // EX_CONFIG
constexpr int kExitIo = 74;      // EX_IOERR

constexpr const char* kUsage =
    "usage: zzjb-mock --listen HOST:PORT [--port-file FILE]\n"
    "                 [--tls-cert PEM --tls-key PEM | --tls-out DIR] [--trust-ca PEM]...\n"
    "                 [--catalog FILE] [--state-file FILE] [--session-ttl SECONDS] [--seed N]\n"
    "                 [--threads N] [--journal-size N] [--max-connections N]\n"
    "                 [--request-timeout SECONDS]\n";

// A state file holds every upload's cells: larger than a configuration, still bounded
// (docs/platform-api.md, "State").
constexpr std::uint64_t kMaxStateFileBytes = 256u << 20;

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string portFile;
  std::string tlsCert;
  std::string tlsKey;
  std::string tlsOut;
  std::string stateFile;
  unsigned threads = std::max(2u, std::thread::hardware_concurrency());
  std::size_t journalSize = 10'000;
  std::size_t maxConnections = 256;
  std::optional<int> requestTimeout;  // seconds; both deadlines of zzjb::mock::ServerOptions
  zzjb::mock::PlatformOptions platform;
};

template <class T>
std::optional<T> parseNumber(std::string_view text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "127.0.0.1:0", "[::1]:8443", "localhost:0".
bool parseListen(std::string_view text, Options& out) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const auto port = parseNumber<std::uint16_t>(text.substr(colon + 1));
  if (host.empty() || !port) return false;
  out.host = std::string(host);
  out.port = *port;
  return true;
}

std::optional<Options> parseArgs(int argc, char** argv, std::string& error) {
  Options o;
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      error.clear();
      return std::nullopt;
    }
    if (i + 1 >= args.size()) {
      error = a + ": missing value";
      return std::nullopt;
    }
    const std::string& v = args[++i];
    bool ok = true;
    if (a == "--listen")
      ok = parseListen(v, o);
    else if (a == "--port-file")
      o.portFile = v;
    else if (a == "--tls-cert")
      o.tlsCert = v;
    else if (a == "--tls-key")
      o.tlsKey = v;
    else if (a == "--tls-out")
      o.tlsOut = v;
    else if (a == "--trust-ca")
      o.platform.trustCaFiles.push_back(v);
    else if (a == "--catalog")
      o.platform.catalogFile = v;
    else if (a == "--state-file")
      o.stateFile = v;
    else if (a == "--session-ttl") {
      // At most a year: expiry times stay far inside the range the mock clock keeps.
      const auto n = parseNumber<int>(v);
      ok = n && *n > 0 && *n <= 366 * 86400;
      if (ok) o.platform.sessionTtlSeconds = *n;
    } else if (a == "--seed") {
      const auto n = parseNumber<std::uint64_t>(v);
      ok = n.has_value();
      if (ok) o.platform.seed = *n;
    } else if (a == "--threads") {
      const auto n = parseNumber<unsigned>(v);
      ok = n && *n >= 1 && *n <= 256;
      if (ok) o.threads = *n;
    } else if (a == "--journal-size") {
      const auto n = parseNumber<std::size_t>(v);
      ok = n && *n >= 1;
      if (ok) o.journalSize = *n;
    } else if (a == "--max-connections") {
      const auto n = parseNumber<std::size_t>(v);
      ok = n && *n >= 1 && *n <= 100'000;
      if (ok) o.maxConnections = *n;
    } else if (a == "--request-timeout") {
      const auto n = parseNumber<int>(v);
      ok = n && *n >= 1 && *n <= 3600;
      if (ok) o.requestTimeout = *n;
    } else {
      error = a + ": unknown option";
      return std::nullopt;
    }
    if (!ok) {
      error = a + ": invalid value '" + v + "'";
      return std::nullopt;
    }
  }
  if (o.tlsCert.empty() != o.tlsKey.empty()) {
    error = "--tls-cert and --tls-key go together";
    return std::nullopt;
  }
  if (!o.tlsCert.empty() && !o.tlsOut.empty()) {
    error = "--tls-out writes the self-signed certificate; it does not go with --tls-cert";
    return std::nullopt;
  }
  return o;
}

// Files through zzjb::files: bounded, regular files only, written atomically with their mode
// from the start (docs/platform-api.md, "The server").
std::optional<std::string> readBounded(const fs::path& path, std::uint64_t maxBytes,
                                       std::string_view what, std::string& error) {
  auto text = zzjb::files::readFile(path, {maxBytes, what, /*followFinalLink=*/true});
  if (text) return std::move(*text);
  error = path.string() + ": " + text.error().message + " (" + text.error().code + ")";
  if (!text.error().hint.empty()) error += "; " + text.error().hint;
  return std::nullopt;
}

bool writeAtomically(const fs::path& path, const std::string& content, unsigned mode,
                     std::string_view what, std::string& error) {
  auto written = zzjb::files::writeFileAtomic(path, content, {mode, what});
  if (written) return true;
  error = path.string() + ": " + written.error().message + " (" + written.error().code + ")";
  return false;
}

// The state file: rewritten after every mutating request and at exit. A failed write is reported
// and the mock goes on (the next mutation writes again).
class StateFile {
 public:
  StateFile(zzjb::mock::Platform& platform, fs::path path)
      : platform_(platform), path_(std::move(path)) {}

  bool save() {
    std::lock_guard lock(mutex_);
    std::string error;
    if (writeAtomically(path_, platform_.saveState(), 0600, "state file", error)) return true;
    std::cerr << "zzjb-mock: state file: " << error << '\n';
    return false;
  }

 private:
  zzjb::mock::Platform& platform_;
  const fs::path path_;
  std::mutex mutex_;
};

int run(const Options& options) {
  std::optional<zzjb::mock::Platform> platform;
  try {
    platform.emplace(options.platform);
  } catch (const std::exception& e) {
    std::cerr << "zzjb-mock: " << e.what() << '\n';
    return kExitConfig;
  }

  std::optional<StateFile> stateFile;
  if (!options.stateFile.empty()) {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(options.stateFile, ec))) {
      std::string error;
      const auto text = readBounded(options.stateFile, kMaxStateFileBytes, "state file", error);
      if (!text) {
        std::cerr << "zzjb-mock: " << error << '\n';
        return kExitConfig;
      }
      if (!platform->loadState(*text, error)) {
        std::cerr << "zzjb-mock: " << options.stateFile << ": " << error << '\n';
        return kExitConfig;
      }
    }
    stateFile.emplace(*platform, options.stateFile);
  }

  zzjb::mock::ServerOptions server;
  server.host = options.host;
  server.port = options.port;
  server.threads = options.threads;
  server.journalCapacity = options.journalSize;
  server.maxConnections = options.maxConnections;
  if (options.requestTimeout) {
    server.headerTimeout = std::chrono::seconds(*options.requestTimeout);
    server.bodyTimeout = std::chrono::seconds(*options.requestTimeout);
  }
  if (!options.tlsCert.empty()) {
    std::string error;
    const auto cert =
        readBounded(options.tlsCert, zzjb::files::kMaxCertificateBytes, "certificate", error);
    const auto key =
        cert ? readBounded(options.tlsKey, zzjb::files::kMaxCertificateBytes, "key", error)
             : std::nullopt;
    if (!cert || !key) {
      std::cerr << "zzjb-mock: " << error << '\n';
      return kExitConfig;
    }
    server.certificatePem = *cert;
    server.privateKeyPem = *key;
  } else {
    auto made = zzjb::mock::makeSelfSignedCertificate(30);
    if (!made) {
      std::cerr << "zzjb-mock: " << made.error() << '\n';
      return kExitConfig;
    }
    server.certificatePem = std::move(made->certificatePem);
    server.privateKeyPem = std::move(made->privateKeyPem);
    if (!options.tlsOut.empty()) {
      std::error_code ec;
      fs::create_directories(options.tlsOut, ec);
      std::string error;
      if (!writeAtomically(fs::path(options.tlsOut) / "cert.pem", server.certificatePem, 0644,
                           "certificate", error) ||
          !writeAtomically(fs::path(options.tlsOut) / "key.pem", server.privateKeyPem, 0600, "key",
                           error)) {
        std::cerr << "zzjb-mock: --tls-out: " << error << '\n';
        return kExitIo;
      }
    }
  }

  bool portFileFailed = false;
  server.onListening = [&](std::uint16_t port) {
    const bool v6 = options.host.find(':') != std::string::npos;
    std::cout << "listening on https://" << (v6 ? "[" + options.host + "]" : options.host) << ':'
              << port << std::endl;
    if (options.portFile.empty()) return;
    std::string error;
    if (!writeAtomically(options.portFile, std::to_string(port) + "\n", 0644, "port file", error)) {
      std::cerr << "zzjb-mock: --port-file: " << error << '\n';
      portFileFailed = true;
      std::raise(SIGTERM);  // nobody can find us: stop as if asked to
    }
  };
  if (stateFile) server.onMutated = [&stateFile] { stateFile->save(); };

  const auto served = zzjb::mock::serve(*platform, server);
  if (!served) {
    std::cerr << "zzjb-mock: " << served.error().message << '\n';
    return served.error().exitCode;
  }
  if (stateFile && !stateFile->save()) return kExitIo;
  return portFileFailed ? kExitIo : 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string error;
  const auto options = parseArgs(argc, argv, error);
  if (!options) {
    if (!error.empty()) std::cerr << "zzjb-mock: " << error << '\n';
    std::cerr << kUsage;
    return error.empty() ? 0 : kExitUsage;
  }
  return run(*options);
}
