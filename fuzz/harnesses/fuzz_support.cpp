// See fuzz_support.hpp.
#include "fuzz_support.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <system_error>
#include <vector>

namespace zzjb::fuzz {

void fail(std::string_view harness, std::string_view what) {
  std::fprintf(stderr, "fuzz property broken (%.*s): %.*s\n", static_cast<int>(harness.size()),
               harness.data(), static_cast<int>(what.size()), what.data());
  std::fflush(stderr);
  std::abort();
}

ScratchFile::ScratchFile(std::string name) {
  std::error_code ec;
  std::filesystem::path base = "/dev/shm";
  if (!std::filesystem::is_directory(base, ec)) base = std::filesystem::temp_directory_path();
  std::string pattern = (base / "zzjb-fuzz-XXXXXX").string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) fail("scratch", "cannot create a scratch directory");
  dir_ = buf.data();
  path_ = dir_ / name;
}

ScratchFile::~ScratchFile() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

const std::filesystem::path& ScratchFile::write(std::string_view bytes) {
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) fail("scratch", "cannot open the scratch file");
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ::close(fd);
      fail("scratch", "cannot write the scratch file");
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return path_;
}

bool validUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
                          (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

bool hasDigitRun(std::string_view s, std::size_t n) {
  std::size_t run = 0;
  for (char c : s) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run >= n) return true;
  }
  return false;
}

void requireWellFormed(std::string_view harness, const Finding& finding) {
  if (finding.code.empty()) fail(harness, "a finding without a code");
  for (char c : finding.code) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) fail(harness, "a finding code is not UPPER_SNAKE: " + finding.code);
  }
  if (finding.message.empty()) fail(harness, "finding " + finding.code + " has no message");
  if (!validUtf8(finding.message) || !validUtf8(finding.hint) || !validUtf8(finding.where.cell) ||
      !validUtf8(finding.where.jsonPath)) {
    fail(harness, "finding " + finding.code + " carries invalid UTF-8 (it cannot be printed as JSON)");
  }
}

}  // namespace zzjb::fuzz
