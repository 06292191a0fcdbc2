// zzjb-mock: the command line (PLATFORM-CONTRACT.md, "The mock's own surface"), TLS material,
// the port file and the state file around serve(). No Beast here: it compiles in server.cpp.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "platform.hpp"
#include "server.hpp"
#include "tls.hpp"

namespace fs = std::filesystem;

namespace {

constexpr int kExitUsage = 64;   // EX_USAGE
constexpr int kExitConfig = 78;  // EX_CONFIG
constexpr int kExitIo = 74;      // EX_IOERR

constexpr const char* kUsage =
    "usage: zzjb-mock --listen HOST:PORT [--port-file FILE]\n"
    "                 [--tls-cert PEM --tls-key PEM | --tls-out DIR] [--trust-ca PEM]...\n"
    "                 [--catalog FILE] [--state-file FILE] [--session-ttl SECONDS] [--seed N]\n"
    "                 [--threads N] [--journal-size N]\n";

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
      const auto n = parseNumber<int>(v);
      ok = n && *n > 0;
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

std::optional<std::string> readWhole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return s.str();
}

// Writes `content` to a temporary file beside `path`, fsyncs it and renames it over `path`, so
// that readers see the old file or the new one, never a part.
bool writeAtomically(const fs::path& path, const std::string& content, mode_t mode,
                     std::string& error) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::string tmpl = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  const int fd = mkstemp(tmpl.data());
  if (fd < 0) {
    error = "cannot create a temporary file in " + dir.string();
    return false;
  }
  bool ok = fchmod(fd, mode) == 0;
  for (std::size_t done = 0; ok && done < content.size();) {
    const ssize_t n = write(fd, content.data() + done, content.size() - done);
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && fsync(fd) == 0;
  ok = (close(fd) == 0) && ok;
  if (ok && std::rename(tmpl.c_str(), path.c_str()) == 0) return true;
  error = "cannot write " + path.string();
  std::remove(tmpl.c_str());
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
    if (writeAtomically(path_, platform_.saveState(), 0600, error)) return true;
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
    if (fs::exists(options.stateFile, ec)) {
      const auto text = readWhole(options.stateFile);
      std::string error;
      if (!text) {
        std::cerr << "zzjb-mock: " << options.stateFile << ": cannot read\n";
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
  if (!options.tlsCert.empty()) {
    const auto cert = readWhole(options.tlsCert);
    const auto key = readWhole(options.tlsKey);
    if (!cert || !key) {
      std::cerr << "zzjb-mock: cannot read " << (cert ? options.tlsKey : options.tlsCert) << '\n';
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
                           error) ||
          !writeAtomically(fs::path(options.tlsOut) / "key.pem", server.privateKeyPem, 0600,
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
    if (!writeAtomically(options.portFile, std::to_string(port) + "\n", 0644, error)) {
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
