// The plugin host: finds certification-type plugins, loads them with Boost.DLL and registers the
// good ones in a TypeRegistry. Discovery never throws: a bad file is refused with its reason and
// the others still load.
//
// Per directory: it and every directory above it owned by root or by us and writable by nobody
// else (a sticky ancestor such as /tmp excepted), or every file in it is refused
// (PLUGIN_DIR_UNSAFE). Per file, in this order: a regular `*.so` file, not a symbolic link
// (PLUGIN_IS_LINK); not group- or world-writable (PLUGIN_WRITABLE) and owned by root or by us
// (PLUGIN_OWNER), checked on the open descriptor; loaded through that descriptor
// (/proc/self/fd/N, so the checked file is the loaded one; docs/plugins.md, "Loading plugins
// safely"); exports the `extern "C"` ABI number, equal to ours (read before anything in the plugin
// is called); exports the factory alias; the factory returns an object without throwing; init()
// succeeds; info() names a type not already registered (the first one found wins).
//
// Lifetime: the host owns every loaded library and the object made from it, and must outlive the
// registry and everything taken from it (keep it for the whole command or process).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "zzjb/core/cert_types.hpp"

namespace zzjb::plugin_host {

// A directory the host scans, and why.
struct SearchDir {
  std::filesystem::path path;
  std::string origin;  // "plugins.dir", "next to zzjb", "installed"
  bool exists = false;
  std::string refusalCode;  // PLUGIN_DIR_UNSAFE when scan() refused it, else empty
  std::string refusal;      // which directory, its owner or mode, and the fix

  [[nodiscard]] bool refused() const { return !refusalCode.empty(); }
};

// One plugin file found, and what became of it.
struct PluginFile {
  std::filesystem::path path;
  std::string dirOrigin;
  bool loaded = false;
  std::uint32_t abi = 0;       // 0 when it could not be read
  std::string typeId;          // empty when the plugin was refused before info()
  std::string matter;
  std::string node;
  std::string refusalCode;     // PLUGIN_WRITABLE, PLUGIN_OWNER, PLUGIN_IS_LINK, PLUGIN_DIR_UNSAFE,
                               // PLUGIN_NOT_LIBRARY, ...
  std::string refusal;         // why, lower-case, for a person
};

// The directories to scan, in order: the configuration's plugins.dir (when set),
// <exe dir>/../plugins (the build tree: build/<preset>/cli/zzjb → build/<preset>/plugins), then
// the installed directory <exe dir>/../lib/zzjb/plugins. The same directory is listed once.
[[nodiscard]] std::vector<SearchDir> searchDirs(const std::string& configPluginsDir);

class Host {
 public:
  Host();
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  // Scans the directories in order. Never throws.
  void scan(const std::vector<SearchDir>& dirs);
  // Loads one file (as scan does for each). Never throws.
  PluginFile load(const std::filesystem::path& file, const std::string& dirOrigin);

  [[nodiscard]] const std::vector<SearchDir>& dirs() const { return dirs_; }
  [[nodiscard]] const std::vector<PluginFile>& files() const { return files_; }
  [[nodiscard]] const TypeRegistry& registry() const { return registry_; }
  // A plugin file or a directory was refused.
  [[nodiscard]] bool anyRefused() const;

  // Test seam: called with the file's path after it has been opened and checked and before it
  // is loaded, where an attacker would swap it.
  void setBeforeLoadHook(std::function<void(const std::filesystem::path&)> hook);

 private:
  struct Loaded;
  std::vector<SearchDir> dirs_;
  std::vector<PluginFile> files_;
  std::vector<std::unique_ptr<Loaded>> loaded_;  // stable addresses; the registry points into them
  TypeRegistry registry_;
  std::function<void(const std::filesystem::path&)> beforeLoad_;
};

}  // namespace zzjb::plugin_host
