// What every harness shares: the input as text, a scratch file for parsers that still read a
// path, and the properties checked on every answer (a broken one aborts with a message, which
// libFuzzer and the replay both report as a crash). See docs/fuzzing.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "zzjb/core/finding.hpp"

namespace zzjb::fuzz {

[[nodiscard]] inline std::string_view asText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Prints "fuzz property broken: <what>" and aborts: the input is kept as a crash.
[[noreturn]] void fail(std::string_view harness, std::string_view what);

// A regular file in a private directory (/dev/shm when there is one, else the temp directory),
// rewritten for every input and removed at exit. For the parsers that have no byte-level entry
// point yet: a memfd would be reached through /proc/self/fd/N, a link that O_NOFOLLOW refuses.
class ScratchFile {
 public:
  explicit ScratchFile(std::string name);
  ~ScratchFile();
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  // Replaces the file's content; aborts when it cannot (the harness would test nothing).
  const std::filesystem::path& write(std::string_view bytes);
  // The file's path, for a harness that has a library write it (libzip).
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path dir_;
  std::filesystem::path path_;
};

[[nodiscard]] bool validUtf8(std::string_view s);
// True when `s` holds `n` or more ASCII digits in a row: an ID number or a mobile, unmasked.
[[nodiscard]] bool hasDigitRun(std::string_view s, std::size_t n = 11);

// A finding as the project promises it (docs/architecture.md): a non-empty UPPER_SNAKE code,
// a message, message and hint in UTF-8.
void requireWellFormed(std::string_view harness, const Finding& finding);

}  // namespace zzjb::fuzz
