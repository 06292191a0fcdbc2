// Loading certification-type plugins with Boost.DLL, refusing bad ones each with its own reason.
#include "zzjb/plugin_host/host.hpp"

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/dll/shared_library.hpp>
#include <fstream>
#include <system_error>

#include "zzjb/plugin/abi.hpp"

namespace zzjb::plugin_host {

namespace fs = std::filesystem;

#ifndef ZZJB_PLUGIN_INSTALL_RELDIR
#define ZZJB_PLUGIN_INSTALL_RELDIR "lib/zzjb/plugins"
#endif

struct Host::Loaded {
  boost::dll::shared_library library;  // declared first: destroyed after the object
  std::unique_ptr<plugin::CertificationType> object;
};

Host::Host() = default;
Host::~Host() = default;

namespace {

using Factory = std::unique_ptr<plugin::CertificationType>();

fs::path exeDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

void addDir(std::vector<SearchDir>& dirs, const fs::path& p, std::string origin) {
  std::error_code ec;
  fs::path norm = fs::weakly_canonical(p, ec);
  if (ec) norm = p.lexically_normal();
  for (const auto& d : dirs) {
    if (d.path == norm) return;
  }
  bool exists = fs::is_directory(norm, ec);
  dirs.push_back({norm, std::move(origin), exists && !ec});
}

// The reason the dynamic loader gives (Boost.DLL keeps only an error code).
std::string loaderReason(const fs::path& file) {
  void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle != nullptr) {
    ::dlclose(handle);
    return "the loader refused it";
  }
  const char* why = ::dlerror();
  return why == nullptr ? "the loader refused it" : why;
}

bool looksLikeElf(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in && magic[0] == '\x7f' && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

PluginFile refused(PluginFile f, std::string code, std::string why) {
  f.loaded = false;
  f.refusalCode = std::move(code);
  f.refusal = std::move(why);
  return f;
}

}  // namespace

std::vector<SearchDir> searchDirs(const std::string& configPluginsDir) {
  std::vector<SearchDir> dirs;
  if (!configPluginsDir.empty()) addDir(dirs, configPluginsDir, "plugins.dir");
  fs::path exe = exeDir();
  if (!exe.empty()) {
    addDir(dirs, exe / ".." / "plugins", "next to zzjb");
    addDir(dirs, exe / ".." / ZZJB_PLUGIN_INSTALL_RELDIR, "installed");
  }
  return dirs;
}

bool Host::anyRefused() const {
  return std::any_of(files_.begin(), files_.end(), [](const PluginFile& f) { return !f.loaded; });
}

void Host::scan(const std::vector<SearchDir>& dirs) {
  for (const auto& dir : dirs) {
    dirs_.push_back(dir);
    if (!dir.exists) continue;
    std::error_code ec;
    std::vector<fs::path> found;
    for (fs::directory_iterator it(dir.path, ec), end; !ec && it != end; it.increment(ec)) {
      const fs::path& p = it->path();
      if (p.extension() != ".so" || p.filename().string().starts_with(".")) continue;
      found.push_back(p);
    }
    std::sort(found.begin(), found.end());  // the same order on every machine
    for (const auto& p : found) files_.push_back(load(p, dir.origin));
  }
}

PluginFile Host::load(const fs::path& file, const std::string& dirOrigin) {
  PluginFile f;
  f.path = file;
  f.dirOrigin = dirOrigin;

  // 1. Who may have changed it: a plugin runs with our rights.
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    return refused(f, "PLUGIN_UNREADABLE", "cannot stat the file");
  }
  if (!S_ISREG(st.st_mode)) return refused(f, "PLUGIN_NOT_FILE", "not a regular file");
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return refused(f, "PLUGIN_WRITABLE",
                   std::string("the file is writable by ") +
                       ((st.st_mode & S_IWOTH) != 0 ? "everyone" : "its group") +
                       ": anyone who can change it could run code as zzjb; chmod go-w it");
  }
  if (st.st_uid != 0 && st.st_uid != ::geteuid()) {
    return refused(f, "PLUGIN_OWNER",
                   "the file belongs to user " + std::to_string(st.st_uid) +
                       ", neither root nor the user zzjb runs as (" +
                       std::to_string(::geteuid()) + "); chown it");
  }

  // 2. Load it, without letting anything throw.
  auto loaded = std::make_unique<Loaded>();
  std::error_code ec;
  loaded->library.load(file, ec, boost::dll::load_mode::rtld_now);
  if (ec || !loaded->library.is_loaded()) {
    std::string reason = loaderReason(file);
    if (!looksLikeElf(file)) reason = "not a shared library (no ELF header): " + reason;
    return refused(f, "PLUGIN_NOT_LIBRARY", "cannot be loaded: " + reason);
  }

  // 3. The ABI number, before anything in the plugin is called.
  if (!loaded->library.has(plugin::kAbiSymbol)) {
    return refused(f, "PLUGIN_NO_ABI",
                   std::string("no \"") + plugin::kAbiSymbol +
                       "\" symbol: not a zzjb plugin, or built without ZZJB_PLUGIN(...)");
  }
  f.abi = loaded->library.get<const std::uint32_t>(plugin::kAbiSymbol);
  if (f.abi != plugin::kAbiVersion) {
    return refused(f, "PLUGIN_ABI",
                   "plugin ABI " + std::to_string(f.abi) + ", but this zzjb has ABI " +
                       std::to_string(plugin::kAbiVersion) +
                       ": rebuild the plugin against this zzjb's SDK");
  }

  // 4. The factory, called inside a try: a plugin built without the trampoline may still throw.
  if (!loaded->library.has(plugin::kFactoryAlias)) {
    return refused(f, "PLUGIN_NO_FACTORY",
                   std::string("no factory \"") + plugin::kFactoryAlias +
                       "\": export one with ZZJB_PLUGIN(YourPolicy)");
  }
  try {
    auto& factory = loaded->library.get_alias<Factory>(plugin::kFactoryAlias);
    loaded->object = factory();
  } catch (const std::exception& e) {
    return refused(f, "PLUGIN_FACTORY_THREW", std::string("its factory threw: ") + e.what());
  } catch (...) {
    return refused(f, "PLUGIN_FACTORY_THREW", "its factory threw an unknown exception");
  }
  if (!loaded->object) return refused(f, "PLUGIN_FACTORY_FAILED", "its factory returned nothing");

  // 5. init(), then what it is.
  auto init = loaded->object->init();
  if (!init.ok()) return refused(f, "PLUGIN_INIT", "init failed: " + init.error);
  auto info = loaded->object->info();
  if (!info.ok()) return refused(f, "PLUGIN_INFO", "info failed: " + info.error);
  if (info.value.id.empty()) return refused(f, "PLUGIN_INFO", "it declares no type id");
  f.typeId = info.value.id;
  f.matter = info.value.matter;
  f.node = info.value.node;

  // 6. One plugin per type: the first one found wins.
  if (auto first = registry_.add(*loaded->object, info.value, file.string())) {
    return refused(f, "PLUGIN_DUPLICATE",
                   "type \"" + f.typeId + "\" is already provided by " + *first +
                       "; remove one of the two files");
  }
  f.loaded = true;
  loaded_.push_back(std::move(loaded));
  return f;
}

}  // namespace zzjb::plugin_host
