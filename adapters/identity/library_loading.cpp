// Token libraries loaded only from trusted places and through the checked descriptor: see
// library_loading.hpp and docs/identity.md, "Token libraries are code".
#include "library_loading.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "zzjb/files/files.hpp"
#include "zzjb/messages/catalog.hpp"

namespace zzjb::identity::detail {
namespace {

namespace fs = std::filesystem;

Finding unsafe(const std::string& what, const std::string& path, const Finding& why) {
  const bool aboutPath = why.where.file.empty() || why.where.file == path;
  Finding f = configError("KEY_MODULE_UNSAFE",
                          {{"what", what}, {"path", path}, {"file", why.where.file}, {"reason", why.message}},
                          aboutPath ? "KEY_MODULE_UNSAFE.refused" : "KEY_MODULE_UNSAFE.refused_at");
  f.hint = why.hint;
  f.where.file = why.where.file.empty() ? path : why.where.file;
  return f;
}

Finding cannotLoad(const std::string& what, const std::string& path, const std::string& reason,
                   const std::string& hint) {
  Finding f = configError("KEY_MODULE", {{"what", what}, {"path", path}, {"reason", reason}},
                          "KEY_MODULE.cannot_load");
  f.hint = hint;
  f.where.file = path;
  return f;
}

// Follows `path` while it is a symbolic link, each link owned by root or by us and in a safe
// directory; the file it ends at, or a refusal.
Result<fs::path> resolveTrustedLinks(const std::string& what, const std::string& path,
                                     const std::string& hint) {
  fs::path at = path;
  for (int hops = 0;; ++hops) {
    struct stat st {};
    if (::lstat(at.c_str(), &st) != 0) {
      return std::unexpected(cannotLoad(what, path, std::strerror(errno), hint));
    }
    if (!S_ISLNK(st.st_mode)) return at;
    if (hops == 8) {
      return std::unexpected(cannotLoad(what, path, msg::text("identity.library.too_many_links"), hint));
    }
    const fs::path parent = at.has_parent_path() ? at.parent_path() : fs::path(".");
    if (auto dirOk = files::checkSafeDirectory(parent, msg::text("identity.library.link_directory", {{"what", what}}));
        !dirOk) {
      return std::unexpected(unsafe(what, path, dirOk.error()));
    }
    if (st.st_uid != 0 && st.st_uid != ::geteuid()) {
      Finding why = configError("UNSAFE_OWNER",
                                {{"link", at.string()}, {"uid", st.st_uid}, {"euid", ::geteuid()}},
                                "UNSAFE_OWNER.token_link");
      return std::unexpected(unsafe(what, path, why));
    }
    std::error_code ec;
    fs::path target = fs::read_symlink(at, ec);
    if (ec) return std::unexpected(cannotLoad(what, path, ec.message(), hint));
    at = target.is_absolute() ? target : parent / target;
  }
}

}  // namespace

Result<boost::dll::shared_library> loadTokenLibrary(const std::string& path,
                                                    const std::string& what,
                                                    const std::string& notLibraryHint) {
  auto resolved = resolveTrustedLinks(what, path, notLibraryHint);
  if (!resolved) return std::unexpected(resolved.error());
  auto file = files::openForLoading(*resolved, what);
  if (!file) {
    const Finding& why = file.error();
    if (why.code == "UNSAFE_OWNER" || why.code == "UNSAFE_PERMISSIONS" ||
        why.code == "FILE_IS_LINK") {
      return std::unexpected(unsafe(what, path, why));
    }
    return std::unexpected(cannotLoad(what, path, why.message, notLibraryHint));
  }
  const std::string loadName = file->freshLoadPath();
  // dlopen first for the loader's own reason (Boost.DLL keeps only an error code); Boost.DLL
  // then takes the same library by the same name, and ours is let go.
  void* handle = ::dlopen(loadName.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* loader = ::dlerror();
    std::string reason = loader != nullptr ? loader : msg::text("identity.library.loader_refused");
    for (auto p = reason.find(loadName); p != std::string::npos; p = reason.find(loadName)) {
      reason.replace(p, loadName.size(), resolved->string());
    }
    return std::unexpected(cannotLoad(what, path, reason, notLibraryHint));
  }
  std::error_code ec;
  boost::dll::shared_library library(
      loadName, ec, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  ::dlclose(handle);
  if (ec || !library.is_loaded()) {
    return std::unexpected(cannotLoad(what, path, ec.message(), notLibraryHint));
  }
  return library;
}

}  // namespace zzjb::identity::detail
