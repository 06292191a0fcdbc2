// A small read-only RAII wrapper over libzip: open an archive (a file or bytes in memory), read one
// entry into a string, refusing entries that would uncompress to more than a limit (zip bombs).
#pragma once

#include <cstddef>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

struct zip;

namespace zzjb::roster::detail {

class ZipArchive {
 public:
  // Error: a lower-case reason, e.g. "not a zip archive".
  [[nodiscard]] static std::expected<ZipArchive, std::string> open(
      const std::filesystem::path& path);
  // Over bytes that must outlive the archive (libzip's zip_source_buffer_create, not copied).
  [[nodiscard]] static std::expected<ZipArchive, std::string> openBuffer(std::string_view bytes);

  ZipArchive(ZipArchive&& other) noexcept : zip_(other.zip_) { other.zip_ = nullptr; }
  ZipArchive& operator=(ZipArchive&& other) noexcept;
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;
  ~ZipArchive();

  // Entry names are matched case-insensitively (OOXML part names are).
  [[nodiscard]] bool contains(const std::string& name) const;
  // The entry's uncompressed bytes, at most `limit` (counted as they come out: the size in the
  // directory may lie). Error: a lower-case reason naming the entry (quoted safely) and the limit.
  [[nodiscard]] std::expected<std::string, std::string> read(const std::string& name,
                                                             std::size_t limit) const;

 private:
  explicit ZipArchive(zip* z) : zip_(z) {}
  zip* zip_ = nullptr;
};

}  // namespace zzjb::roster::detail
