// Text encodings of roster files: UTF-8 validation, GB18030 → UTF-8 through iconv, line
// numbers of byte offsets, and trimming that knows the ideographic space.
#include <iconv.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>

#include "internal.hpp"

namespace zzjb::roster::detail {

namespace {

std::uint8_t byteAt(std::string_view s, std::size_t i) {
  return static_cast<std::uint8_t>(s[i]);
}

bool isContinuation(std::uint8_t b) {
  return (b & 0xC0U) == 0x80U;
}

// RAII for an iconv descriptor.
class IconvHandle {
 public:
  IconvHandle(const char* to, const char* from) : cd_(iconv_open(to, from)) {}
  ~IconvHandle() {
    if (ok()) iconv_close(cd_);
  }
  IconvHandle(const IconvHandle&) = delete;
  IconvHandle& operator=(const IconvHandle&) = delete;
  [[nodiscard]] bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }
  [[nodiscard]] iconv_t get() const { return cd_; }

 private:
  iconv_t cd_;
};

}  // namespace

std::size_t invalidUtf8At(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::uint8_t b = byteAt(s, i);
    if (b < 0x80U) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint8_t lo = 0x80U;  // allowed range of the second byte (no overlongs, no surrogates)
    std::uint8_t hi = 0xBFU;
    if (b >= 0xC2U && b <= 0xDFU) {
      len = 2;
    } else if (b >= 0xE0U && b <= 0xEFU) {
      len = 3;
      if (b == 0xE0U) lo = 0xA0U;
      if (b == 0xEDU) hi = 0x9FU;
    } else if (b >= 0xF0U && b <= 0xF4U) {
      len = 4;
      if (b == 0xF0U) lo = 0x90U;
      if (b == 0xF4U) hi = 0x8FU;
    } else {
      return i;
    }
    if (i + len > s.size()) return i;
    const std::uint8_t second = byteAt(s, i + 1);
    if (second < lo || second > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if (!isContinuation(byteAt(s, i + k))) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

std::expected<std::string, std::size_t> gb18030ToUtf8(std::string_view in) {
  IconvHandle cd("UTF-8", "GB18030");
  if (!cd.ok()) return std::unexpected(std::size_t{0});
  // iconv's input is `char**` for historical reasons only: it never writes through it, so the
  // bytes are not copied (a roster may be tens of MB).
  char* src = const_cast<char*>(in.data());  // NOLINT(cppcoreguidelines-pro-type-const-cast)
  std::size_t srcLeft = in.size();
  // GB18030 → UTF-8 grows at most by half (2 bytes → 3).
  std::string out(in.size() + in.size() / 2 + 16, '\0');
  std::size_t produced = 0;
  while (srcLeft > 0) {
    char* dst = out.data() + produced;
    std::size_t dstLeft = out.size() - produced;
    const std::size_t rc = iconv(cd.get(), &src, &srcLeft, &dst, &dstLeft);
    produced = out.size() - dstLeft;
    if (rc != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    // EILSEQ (invalid sequence) or EINVAL (truncated at the end): `src` points at it.
    return std::unexpected(static_cast<std::size_t>(src - in.data()));
  }
  out.resize(produced);
  out.shrink_to_fit();
  return out;
}

std::size_t lineAt(std::string_view s, std::size_t offset) {
  std::size_t line = 1;
  const std::size_t end = offset < s.size() ? offset : s.size();
  for (std::size_t i = 0; i < end; ++i) {
    if (s[i] == '\n')
      ++line;
    else if (s[i] == '\r' && (i + 1 >= s.size() || s[i + 1] != '\n'))
      ++line;
  }
  return line;
}

std::string trim(std::string_view s) {
  static constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  auto isSpace = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
  };
  for (;;) {
    if (!s.empty() && isSpace(s.front()))
      s.remove_prefix(1);
    else if (s.starts_with(kIdeographicSpace))
      s.remove_prefix(kIdeographicSpace.size());
    else
      break;
  }
  for (;;) {
    if (!s.empty() && isSpace(s.back()))
      s.remove_suffix(1);
    else if (s.ends_with(kIdeographicSpace))
      s.remove_suffix(kIdeographicSpace.size());
    else
      break;
  }
  return std::string(s);
}

std::string quotable(std::string_view s, std::size_t max) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (out.size() >= max) {
      out += "…";
      break;
    }
    const std::uint8_t b = byteAt(s, i);
    if (b >= 0x20U && b < 0x7FU) {
      out += static_cast<char>(b);
      ++i;
      continue;
    }
    if (b >= 0x80U) {
      // One well-formed UTF-8 sequence is kept as it is.
      std::size_t len = b >= 0xF0U ? 4 : b >= 0xE0U ? 3 : 2;
      if (i + len <= s.size() && invalidUtf8At(s.substr(i, len)) == std::string_view::npos) {
        out.append(s.substr(i, len));
        i += len;
        continue;
      }
    }
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(b));
    out += buf;
    ++i;
  }
  return out;
}

}  // namespace zzjb::roster::detail
