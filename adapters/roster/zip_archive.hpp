// A small read-only RAII wrapper over libzip: open an archive, read one entry into a string,
// refusing entries that would uncompress to more than a limit (zip bombs).
#pragma once

#include <cstddef>
#include <expected>
#include <filesystem>
#include <string>

#include "internal.hpp"

struct zip;

namespace zzjb::roster::detail {

class ZipArchive {
 public:
  // Error: a lower-case reason, e.g. "not a zip archive".
  [[nodiscard]] static std::expected<ZipArchive, std::string> open(
      const std::filesystem::path& path);

  ZipArchive(ZipArchive&& other) noexcept : zip_(other.zip_) { other.zip_ = nullptr; }
  ZipArchive& operator=(ZipArchive&& other) noexcept;
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;
  ~ZipArchive();

  // Entry names are matched case-insensitively (OOXML part names are).
  [[nodiscard]] bool contains(const std::string& name) const;
  // The entry's uncompressed bytes. Error: a lower-case reason naming the entry.
  [[nodiscard]] std::expected<std::string, std::string> read(const std::string& name,
                                                             std::size_t limit = kMaxBytes) const;

 private:
  explicit ZipArchive(zip* z) : zip_(z) {}
  zip* zip_ = nullptr;
};

}  // namespace zzjb::roster::detail
