// Reading a school's PIN from where the configuration says it is. The PIN never appears in a
// message; a PIN file that others can read is refused. Every buffer that held the PIN is wiped on
// every path, and a PIN taken from the environment leaves it (docs/identity.md, "The PIN in
// memory").
#include "zzjb/identity/pin.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>

#include "zzjb/files/files.hpp"
#include "zzjb/messages/catalog.hpp"

namespace zzjb::identity {

namespace {

// A PIN that cannot be had: the finding `code`, worded by the catalog's `textCode` (and its
// ".hint" when there is one).
Finding pinError(std::string code, std::string_view textCode, msg::Args args, const std::string& school) {
  Finding f = configError(std::move(code), std::move(args), textCode);
  f.school = school;
  return f;
}

// Reads a whole small file through a descriptor (no stream buffers keep copies).
// `what` is the catalog's code for what the file is (a PIN file, a systemd credential).
Result<Secret> readSecretFile(const std::string& path, std::string_view whatCode,
                              const std::string& school, bool checkMode) {
  const std::string what = msg::text(whatCode);
  // O_NONBLOCK: a pipe in the PIN file's place must not hang the open (docs/security.md).
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    return std::unexpected(pinError("PIN_UNAVAILABLE", "PIN_UNAVAILABLE.cannot_open",
                                    {{"what", what}, {"path", path}}, school));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return std::unexpected(pinError("PIN_UNAVAILABLE", "PIN_UNAVAILABLE.not_file",
                                    {{"what", what}, {"path", path}}, school));
  }
  if (checkMode && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return std::unexpected(pinError("PIN_FILE_MODE", "PIN_FILE_MODE.pin",
                                    {{"what", what}, {"path", path}, {"mode", mode}}, school));
  }
  if (static_cast<std::uint64_t>(st.st_size) > files::kMaxPinFileBytes) {
    ::close(fd);
    return std::unexpected(pinError("PIN_UNAVAILABLE", "PIN_UNAVAILABLE.too_large",
                                    {{"what", what}, {"path", path}, {"limit", files::kMaxPinFileBytes}},
                                    school));
  }
  // One read into a buffer sized once (nothing reallocated, so no stray copy), wiped below on
  // every path: the Secret copies what it needs.
  std::string buf(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 256), '\0');
  ssize_t n = ::read(fd, buf.data(), buf.size());
  ::close(fd);
  if (n < 0) {
    wipeString(buf);
    return std::unexpected(pinError("PIN_UNAVAILABLE", "PIN_UNAVAILABLE.cannot_read",
                                    {{"what", what}, {"path", path}}, school));
  }
  std::string_view pin(buf.data(), static_cast<std::size_t>(n));
  while (!pin.empty() && (pin.back() == '\n' || pin.back() == '\r')) pin.remove_suffix(1);
  Secret s(pin);
  wipeString(buf);
  if (s.empty()) {
    return std::unexpected(pinError("PIN_UNAVAILABLE", "PIN_UNAVAILABLE.empty",
                                    {{"what", what}, {"path", path}}, school));
  }
  return s;
}

Result<Secret> prompt(const std::string& school) {
  int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty < 0 || !::isatty(tty)) {
    if (tty >= 0) ::close(tty);
    return std::unexpected(pinError("PIN_UNAVAILABLE", "PIN_UNAVAILABLE.no_terminal", {}, school));
  }
  std::string question = msg::text("identity.pin.prompt", {{"school", school}});
  (void)!::write(tty, question.data(), question.size());
  termios old{};
  ::tcgetattr(tty, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(tty, TCSAFLUSH, &quiet);
  // Reserved once: appending never reallocates, so no copy of the PIN is left in freed memory.
  constexpr std::size_t kMaxPin = 256;
  std::string pin;
  pin.reserve(kMaxPin);
  char c = 0;
  while (::read(tty, &c, 1) == 1 && c != '\n' && c != '\r' && pin.size() < kMaxPin) pin += c;
  OPENSSL_cleanse(&c, sizeof c);
  ::tcsetattr(tty, TCSAFLUSH, &old);
  (void)!::write(tty, "\n", 1);
  ::close(tty);
  Secret s(std::move(pin));  // wipes `pin`
  if (s.empty()) return std::unexpected(pinError("PIN_UNAVAILABLE", "PIN_UNAVAILABLE.none_entered", {}, school));
  return s;
}

}  // namespace

namespace {

Result<Secret> readPinFrom(const PinSource& source, const std::string& school);

// PINs taken out of the environment, by variable, so that a daemon that opens the key again on a
// later pass, or a second school naming the same variable, still finds it. Only this process's
// memory holds them: not /proc/PID/environ, not a child's environment.
struct TakenPins {
  std::mutex mutex;
  std::map<std::string, Secret, std::less<>> byVariable;
};

TakenPins& takenPins() {
  static TakenPins* pins = new TakenPins;  // never destroyed: readPin may run during exit
  return *pins;
}

// The PIN in environment variable `name`, which is then overwritten in place and removed from
// the environment; or the one taken from it before. Nothing when neither is there.
std::optional<Secret> takeFromEnvironment(const std::string& name) {
  TakenPins& taken = takenPins();
  const std::lock_guard lock(taken.mutex);
  if (char* v = std::getenv(name.c_str()); v != nullptr && *v != '\0') {
    Secret pin{std::string_view(v)};
    // The bytes live in the environment block (or the caller's putenv string): overwrite them
    // where they are, then drop the variable so that no child process inherits it.
    OPENSSL_cleanse(v, std::strlen(v));
    ::unsetenv(name.c_str());
    auto [it, added] = taken.byVariable.try_emplace(name);
    it->second = Secret(pin.view());
    return pin;
  }
  auto it = taken.byVariable.find(name);
  if (it == taken.byVariable.end()) return std::nullopt;
  return Secret(it->second.view());
}

}  // namespace

Result<Secret> readPin(const PinSource& source, const std::string& school) {
  auto pin = readPinFrom(source, school);
  // A process that holds a PIN writes no core dump.
  if (pin) {
    rlimit none{0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
  }
  return pin;
}

namespace {

Result<Secret> readPinFrom(const PinSource& source, const std::string& school) {
  if (!source.env.empty()) {
    if (auto pin = takeFromEnvironment(source.env)) return std::move(*pin);
    return std::unexpected(
        pinError("PIN_UNAVAILABLE", "PIN_UNAVAILABLE.env_unset", {{"variable", source.env}}, school));
  }
  if (!source.file.empty()) return readSecretFile(source.file, "identity.pin.what.file", school, true);
  if (!source.credential.empty()) {
    const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
    if (dir == nullptr || *dir == '\0') {
      return std::unexpected(pinError("PIN_UNAVAILABLE", "PIN_UNAVAILABLE.no_credentials_directory",
                                      {{"credential", source.credential}}, school));
    }
    // systemd hands a service its credentials when it starts (docs/operations.md, "3. PINs
    // through systemd credentials"): one added since is not there until the service restarts.
    const auto file = std::filesystem::path(dir) / source.credential;
    struct stat st {};
    if (::lstat(file.c_str(), &st) != 0 && errno == ENOENT) {
      return std::unexpected(pinError("PIN_UNAVAILABLE", "PIN_UNAVAILABLE.credential_missing",
                                      {{"credential", source.credential}, {"directory", dir}},
                                      school));
    }
    // systemd makes the directory and the file private to the service: no mode check needed.
    return readSecretFile(file.string(),
                          "identity.pin.what.credential", school, false);
  }
  if (source.prompt) return prompt(school);
  return std::unexpected(pinError("PIN_NOT_CONFIGURED", "PIN_NOT_CONFIGURED.pin", {}, school));
}

}  // namespace

}  // namespace zzjb::identity

namespace zzjb::identity {

PinSource effectivePinSource(const PinSource& configured, const std::string& pkcs11PinSource) {
  bool any = !configured.env.empty() || !configured.file.empty() || !configured.credential.empty() ||
             configured.prompt;
  if (any || pkcs11PinSource.empty()) return configured;
  PinSource s;
  s.file = pkcs11PinSource.starts_with("file:") ? pkcs11PinSource.substr(5) : pkcs11PinSource;
  if (s.file.starts_with("//")) s.file.erase(0, 2);
  return s;
}

}  // namespace zzjb::identity
