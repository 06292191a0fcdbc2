// RAII over libzip for the xlsx reader: open read-only, read an entry with a size limit.
#include "zip_archive.hpp"

#include <zip.h>

#include <memory>

#include "internal.hpp"

namespace zzjb::roster::detail {

namespace {

std::string zipErrorText(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

std::string lowerFirst(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

}  // namespace

std::expected<ZipArchive, std::string> ZipArchive::open(const std::filesystem::path& path) {
  int code = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &code);
  if (z == nullptr) return std::unexpected(lowerFirst(zipErrorText(code)));
  return ZipArchive(z);
}

std::expected<ZipArchive, std::string> ZipArchive::openBuffer(std::string_view bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (src == nullptr) {
    std::string text = lowerFirst(zip_error_strerror(&error));
    zip_error_fini(&error);
    return std::unexpected(text);
  }
  zip_t* z = zip_open_from_source(src, ZIP_RDONLY, &error);
  if (z == nullptr) {
    zip_source_free(src);
    std::string text = lowerFirst(zip_error_strerror(&error));
    zip_error_fini(&error);
    return std::unexpected(text);
  }
  zip_error_fini(&error);
  return ZipArchive(z);
}

ZipArchive& ZipArchive::operator=(ZipArchive&& other) noexcept {
  if (this != &other) {
    if (zip_ != nullptr) zip_discard(zip_);
    zip_ = other.zip_;
    other.zip_ = nullptr;
  }
  return *this;
}

ZipArchive::~ZipArchive() {
  if (zip_ != nullptr) zip_discard(zip_);  // read-only: nothing to write back
}

bool ZipArchive::contains(const std::string& name) const {
  return zip_ != nullptr && zip_name_locate(zip_, name.c_str(), ZIP_FL_NOCASE) >= 0;
}

std::expected<std::string, std::string> ZipArchive::read(const std::string& name,
                                                         std::size_t limit) const {
  const zip_int64_t index =
      zip_ != nullptr ? zip_name_locate(zip_, name.c_str(), ZIP_FL_NOCASE) : -1;
  if (index < 0) return std::unexpected(msg::text("roster.zip.noPart", {{"part", quotable(name)}}));
  const auto uindex = static_cast<zip_uint64_t>(index);
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(zip_, uindex, 0, &st) != 0) {
    return std::unexpected(msg::text(
        "roster.zip.read", {{"part", quotable(name)}, {"reason", lowerFirst(zip_strerror(zip_))}}));
  }
  const std::string tooLarge =
      msg::text("roster.zip.tooLarge", {{"part", quotable(name)}, {"limit", limit}});
  if ((st.valid & ZIP_STAT_SIZE) != 0 && st.size > limit) return std::unexpected(tooLarge);

  std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(zip_, uindex, 0));
  if (!file) {
    return std::unexpected(msg::text(
        "roster.zip.open", {{"part", quotable(name)}, {"reason", lowerFirst(zip_strerror(zip_))}}));
  }
  std::string out;
  if ((st.valid & ZIP_STAT_SIZE) != 0) out.reserve(static_cast<std::size_t>(st.size));
  char buf[64 * 1024];
  for (;;) {
    const zip_int64_t n = zip_fread(file.get(), buf, sizeof buf);
    if (n < 0) {
      return std::unexpected(msg::text(
          "roster.zip.read",
          {{"part", quotable(name)}, {"reason", lowerFirst(zip_file_strerror(file.get()))}}));
    }
    if (n == 0) break;
    // The size in the directory may lie: count what actually comes out.
    if (out.size() + static_cast<std::size_t>(n) > limit) return std::unexpected(tooLarge);
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace zzjb::roster::detail
