// Loading certification-type plugins with Boost.DLL, refusing bad ones each with its own reason.
// Code is loaded only from trusted directories and through the very descriptor that was checked
// (docs/plugins.md, "Loading plugins safely").
#include "zzjb/plugin_host/host.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/dll/shared_library.hpp>
#include <cstring>
#include <iterator>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>
#include <utility>

#include "zzjb/files/files.hpp"
#include "zzjb/messages/catalog.hpp"
#include "zzjb/plugin/abi.hpp"

namespace zzjb::plugin_host {

namespace fs = std::filesystem;

#ifndef ZZJB_PLUGIN_INSTALL_RELDIR
#define ZZJB_PLUGIN_INSTALL_RELDIR "lib/zzjb/plugins"
#endif

struct Host::Loaded {
  files::LoadableFile file;            // the checked descriptor the library was loaded from
  boost::dll::shared_library library;  // declared before the object: destroyed after it
  std::unique_ptr<plugin::CertificationType> object;
  std::unique_ptr<plugin::CertificationType> filled;  // what the registry sees: FilledType
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
  dirs.push_back({norm, std::move(origin), exists && !ec, {}, {}});
}

// Every name the host has given the loader in this process. The loader keeps each name a library
// was opened by: the first as its name, and later ones — the same file opened again under
// another /proc/self/fd/N, by a second Host — as aliases, which dl_iterate_phdr does not list
// (so files::LoadableFile::freshLoadPath cannot see them). It answers any of them with that
// library, even once N belongs to another file: a name once given is never given again
// (docs/plugins.md, "Loading plugins safely").
std::mutex& namesMutex() {
  static std::mutex m;
  return m;
}
std::set<std::string>& usedNames() {
  static std::set<std::string> names;
  return names;
}

// A descriptor the host duplicated to get an unused name, closed when the load is done (the
// loader keeps its own mapping).
class AliasFd {
 public:
  AliasFd() = default;
  AliasFd(const AliasFd&) = delete;
  AliasFd& operator=(const AliasFd&) = delete;
  ~AliasFd() { reset(-1); }
  void reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_ = -1;
};

// The name to load `file` by: its fresh /proc/self/fd/N, or a duplicate's when the host gave
// that name before; recorded as given.
std::string unusedLoadName(files::LoadableFile& file, AliasFd& alias) {
  std::string name = file.freshLoadPath();
  std::lock_guard lock(namesMutex());
  for (int from = file.fd() + 1; usedNames().contains(name) && from < 4096; ++from) {
    alias.reset(::fcntl(file.fd(), F_DUPFD_CLOEXEC, from));
    if (alias.get() < 0) break;
    from = alias.get();
    name = "/proc/self/fd/" + std::to_string(from);
  }
  usedNames().insert(name);
  return name;
}

bool looksLikeElf(int fd) {
  static constexpr char kMagic[4] = {'\x7f', 'E', 'L', 'F'};
  char magic[4] = {};
  return ::pread(fd, magic, sizeof magic, 0) == 4 && std::memcmp(magic, kMagic, 4) == 0;
}

// The loader's message names the descriptor path; say the file's own path instead.
std::string loaderReason(const std::string& loadName, const fs::path& file) {
  const char* why = ::dlerror();
  std::string reason = why == nullptr ? msg::text("plugins.refusal.loader") : why;
  for (auto at = reason.find(loadName); at != std::string::npos; at = reason.find(loadName)) {
    reason.replace(at, loadName.size(), file.string());
  }
  return reason;
}

// A refusal of files::openForLoading as a plugin refusal: the plugin's own code for the file's
// faults, PLUGIN_DIR_UNSAFE for a directory up its path; the path named when it is not the file.
std::pair<std::string, std::string> fromFileFinding(const Finding& finding, const fs::path& file) {
  std::error_code ec;
  const bool aboutFile = finding.where.file.empty() || fs::path(finding.where.file) == file ||
                         fs::equivalent(finding.where.file, file, ec);
  std::string code = "PLUGIN_UNREADABLE";
  if (!aboutFile && (finding.code == "UNSAFE_OWNER" || finding.code == "UNSAFE_PERMISSIONS")) {
    code = "PLUGIN_DIR_UNSAFE";
  } else if (finding.code == "UNSAFE_PERMISSIONS") {
    code = "PLUGIN_WRITABLE";
  } else if (finding.code == "UNSAFE_OWNER") {
    code = "PLUGIN_OWNER";
  } else if (finding.code == "FILE_IS_LINK") {
    code = "PLUGIN_IS_LINK";
  } else if (finding.code == "FILE_NOT_REGULAR") {
    code = "PLUGIN_NOT_FILE";
  }
  return {code, msg::text(finding.hint.empty() ? "plugins.refusal.file" : "plugins.refusal.file_hint",
                         {{"where", aboutFile ? std::string() : finding.where.file + ": "},
                          {"message", finding.message},
                          {"hint", finding.hint}})};
}

// What core sees of a loaded plugin: the plugin itself, with the contact placeholders of the
// catalog ({centrePhone}, {shecaPhone}, {shecaSite}) filled in every text it returns, so that the
// numbers are written once, in messages/src/catalog.cpp (docs/plugins.md, "Texts"). A plugin
// built without zzjb_plugin_set_language writes Chinese only: in another language its
// explanations and its permission texts are left empty, and core says the catalog's instead.
// ABI 2 (docs/plugins.md "ABI 2"): also permissionWaiting and the descriptions of its options and
// own target fields; the sheet's headers and the application's fields are platform data, as
// written.
class FilledType final : public plugin::CertificationType {
 public:
  FilledType(const plugin::CertificationType& inner, bool speaksLanguage)
      : inner_(inner), speaksLanguage_(speaksLanguage || msg::language() == msg::Lang::ZhCN) {}

  plugin::Reply<bool> init() noexcept override { return {true, {}}; }  // done by Host::load
  plugin::Reply<plugin::TypeInfo> info() const noexcept override {
    auto r = inner_.info();
    return guard(std::move(r), [this](plugin::TypeInfo& i) {
      i.description = fill(i.description);
      i.permissionRequest = speaksLanguage_ ? fill(i.permissionRequest) : std::string();
      i.permissionWaiting = speaksLanguage_ ? fill(i.permissionWaiting) : std::string();
      for (auto& o : i.options) o.description = fill(o.description);
      for (auto& f : i.shape.fields) f.description = fill(f.description);
    });
  }
  plugin::Reply<std::vector<plugin::Issue>> checkSection(
      const plugin::Section& s, const plugin::TargetView& t) const noexcept override {
    return guard(inner_.checkSection(s, t), [](std::vector<plugin::Issue>& issues) {
      for (auto& i : issues) {
        i.message = fill(i.message);
        i.hint = fill(i.hint);
      }
    });
  }
  plugin::Reply<plugin::Verdict> eligibility(const plugin::StudentView& st,
                                             const plugin::TargetView& t,
                                             const plugin::Section& s) const noexcept override {
    return guard(inner_.eligibility(st, t, s), [](plugin::Verdict& v) {
      v.reason = fill(v.reason);
      v.hint = fill(v.hint);
    });
  }
  plugin::Reply<std::vector<plugin::Field>> applicationFields(
      const plugin::TargetView& t, const plugin::Section& s) const noexcept override {
    return inner_.applicationFields(t, s);  // platform data, sent as written
  }
  plugin::Reply<std::vector<plugin::SheetColumn>> declarationSheet(
      const plugin::TargetView& t, const plugin::Section& s) const noexcept override {
    return inner_.declarationSheet(t, s);  // the platform's column headers, sent as written
  }
  plugin::Reply<std::vector<std::string>> declarationValues(
      const plugin::StudentView& st, const plugin::TargetView& t,
      const plugin::Section& s) const noexcept override {
    return inner_.declarationValues(st, t, s);
  }
  plugin::Reply<plugin::Explanation> explainReview(std::string_view code,
                                                   std::string_view text) const noexcept override {
    if (!speaksLanguage_) return {};  // empty: core explains it with the catalog's words
    return guard(inner_.explainReview(code, text), [](plugin::Explanation& e) {
      e.sentence = fill(e.sentence);
      e.hint = fill(e.hint);
    });
  }

 private:
  static std::string fill(const std::string& text) { return msg::fill(text, {}); }

  // Fills a value the plugin made; filling allocates, and nothing may leave a noexcept function:
  // out of memory, the plugin's text stays as it wrote it.
  template <typename T, typename F>
  static plugin::Reply<T> guard(plugin::Reply<T> r, F&& filler) noexcept {
    if (!r.ok()) return r;
    try {
      filler(r.value);
    } catch (...) {  // NOLINT(bugprone-empty-catch): the unfilled text is still a text
    }
    return r;
  }

  const plugin::CertificationType& inner_;
  bool speaksLanguage_;
};

// The keys of a target every type shares or its scope owns: a type's own field may not reuse one
// (docs/plugins.md, "ABI 2").
bool reservedTargetKey(const std::string& name) {
  // not-text: begin (configuration keys)
  static const char* const kKeys[] = {"type",          "occupationCode", "occupationName",
                                      "level",         "abilityCode",    "abilityName",
                                      "evaluationOrg", "evaluation",     "options"};
  // not-text: end
  return std::any_of(std::begin(kKeys), std::end(kKeys),
                     [&](const char* k) { return name == k; });
}

// The first name given twice (or empty) in a list of specs, as a refusal; nullopt when none.
std::optional<std::string> badNames(const std::vector<plugin::FieldSpec>& specs,
                                    const std::string& what) {
  std::set<std::string> seen;
  for (const auto& spec : specs) {
    if (spec.name.empty()) return msg::text("plugins.refusal.empty_name", {{"what", what}});
    if (!seen.insert(spec.name).second) {
      return msg::text("plugins.refusal.duplicate_name", {{"what", what}, {"name", spec.name}});
    }
  }
  return std::nullopt;
}

// What a type says about itself, checked once after init(): a TypeInfo the core could not act on
// refuses the plugin with the reason, rather than failing later on every target (docs/plugins.md,
// "ABI 2").
std::optional<std::string> invalidInfo(const plugin::TypeInfo& i) {
  if (i.id.empty()) return msg::text("plugins.refusal.no_type_id");
  if (i.matter.empty()) return msg::text("plugins.refusal.no_matter");
  const plugin::TargetShape& shape = i.shape;
  if (shape.scope == plugin::Scope::Ability && shape.level != plugin::LevelRule::None) {
    return msg::text("plugins.refusal.ability_level");
  }
  if (shape.level == plugin::LevelRule::AnyOf) {
    if (shape.levels.empty()) return msg::text("plugins.refusal.no_levels");
    for (int level : shape.levels) {
      if (level < 1 || level > 5) {
        return msg::text("plugins.refusal.level_range", {{"level", level}});
      }
    }
  }
  if (auto bad = badNames(shape.fields, msg::text("plugins.what.field"))) return bad;
  if (auto bad = badNames(i.options, msg::text("plugins.what.option"))) return bad;
  for (const auto& f : shape.fields) {
    if (reservedTargetKey(f.name)) {
      return msg::text("plugins.refusal.reserved_field", {{"name", f.name}});
    }
  }
  return std::nullopt;
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
    addDir(dirs, exe / ".." / "plugins", "next to zzjb");  // not-text: an origin's name, in --json
    addDir(dirs, exe / ".." / ZZJB_PLUGIN_INSTALL_RELDIR, "installed");
  }
  return dirs;
}

bool Host::anyRefused() const {
  return std::any_of(files_.begin(), files_.end(), [](const PluginFile& f) { return !f.loaded; }) ||
         std::any_of(dirs_.begin(), dirs_.end(), [](const SearchDir& d) { return d.refused(); });
}

void Host::setBeforeLoadHook(std::function<void(const fs::path&)> hook) {
  beforeLoad_ = std::move(hook);
}

void Host::scan(const std::vector<SearchDir>& dirs) {
  for (const auto& searched : dirs) {
    SearchDir dir = searched;
    if (!dir.exists) {
      dirs_.push_back(dir);
      continue;
    }
    // A directory others can write to is refused as a whole: they could put a file there, or
    // swap one, between any check and the load (docs/plugins.md, "Loading plugins safely").
    if (auto safe = files::checkSafeDirectory(dir.path, msg::text("plugins.what.directory")); !safe) {
      dir.refusalCode = "PLUGIN_DIR_UNSAFE";
      const Finding& why = safe.error();
      dir.refusal = msg::text(why.hint.empty() ? "plugins.refusal.file" : "plugins.refusal.file_hint",
                              {{"where", why.where.file + ": "}, {"message", why.message}, {"hint", why.hint}});
    }
    dirs_.push_back(dir);
    std::error_code ec;
    std::vector<fs::path> found;
    for (fs::directory_iterator it(dir.path, ec), end; !ec && it != end; it.increment(ec)) {
      const fs::path& p = it->path();
      if (p.extension() != ".so" || p.filename().string().starts_with(".")) continue;
      found.push_back(p);
    }
    std::sort(found.begin(), found.end());  // the same order on every machine
    for (const auto& p : found) {
      if (dir.refused()) {
        PluginFile f;
        f.path = p;
        f.dirOrigin = dir.origin;
        files_.push_back(
            refused(std::move(f), dir.refusalCode,
                    msg::text("plugins.refusal.dir_unsafe", {{"reason", dir.refusal}})));
        continue;
      }
      files_.push_back(load(p, dir.origin));
    }
  }
}

PluginFile Host::load(const fs::path& file, const std::string& dirOrigin) {
  PluginFile f;
  f.path = file;
  f.dirOrigin = dirOrigin;

  // 1. Who may have changed it: a plugin runs with our rights. The file and every directory up
  // its path are checked, and the open descriptor is what gets loaded: nothing can be swapped in
  // between (docs/plugins.md, "Loading plugins safely").
  auto opened = files::openForLoading(file, msg::text("plugins.what.plugin"));
  if (!opened) {
    auto [code, why] = fromFileFinding(opened.error(), file);
    return refused(f, std::move(code), std::move(why));
  }
  if (beforeLoad_) beforeLoad_(file);

  // 2. Load it, without letting anything throw.
  auto loaded = std::make_unique<Loaded>();
  loaded->file = std::move(*opened);
  AliasFd alias;
  const std::string loadName = unusedLoadName(loaded->file, alias);
  // dlopen first for the loader's own reason (Boost.DLL keeps only an error code); Boost.DLL
  // then takes the same library by the same name, and ours is let go.
  void* handle = ::dlopen(loadName.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    std::string reason = loaderReason(loadName, file);
    const bool elf = looksLikeElf(loaded->file.fd());
    return refused(f, "PLUGIN_NOT_LIBRARY",
                   msg::text(elf ? "plugins.refusal.not_loadable" : "plugins.refusal.not_elf",
                             {{"reason", reason}}));
  }
  std::error_code ec;
  loaded->library.load(loadName, ec, boost::dll::load_mode::rtld_now);
  ::dlclose(handle);
  if (ec || !loaded->library.is_loaded()) {
    return refused(f, "PLUGIN_NOT_LIBRARY",
                   msg::text("plugins.refusal.not_loadable", {{"reason", ec.message()}}));
  }

  // 3. The ABI number, before anything in the plugin is called.
  if (!loaded->library.has(plugin::kAbiSymbol)) {
    return refused(f, "PLUGIN_NO_ABI",
                   msg::text("plugins.refusal.no_abi", {{"symbol", plugin::kAbiSymbol}}));
  }
  f.abi = loaded->library.get<const std::uint32_t>(plugin::kAbiSymbol);
  if (f.abi != plugin::kAbiVersion) {
    return refused(f, "PLUGIN_ABI",
                   msg::text("plugins.refusal.abi", {{"name", file.filename().string()},
                                                     {"abi", f.abi},
                                                     {"expected", plugin::kAbiVersion}}));
  }

  // 4. The factory, called inside a try: a plugin built without the trampoline may still throw.
  if (!loaded->library.has(plugin::kFactoryAlias)) {
    return refused(f, "PLUGIN_NO_FACTORY",
                   msg::text("plugins.refusal.no_factory", {{"symbol", plugin::kFactoryAlias}}));
  }
  try {
    auto& factory = loaded->library.get_alias<Factory>(plugin::kFactoryAlias);
    loaded->object = factory();
  } catch (const std::exception& e) {
    return refused(f, "PLUGIN_FACTORY_THREW",
                   msg::text("plugins.refusal.factory_threw", {{"reason", e.what()}}));
  } catch (...) {
    return refused(f, "PLUGIN_FACTORY_THREW", msg::text("plugins.refusal.factory_threw_unknown"));
  }
  if (!loaded->object) {
    return refused(f, "PLUGIN_FACTORY_FAILED", msg::text("plugins.refusal.factory_nothing"));
  }

  // 5. Its language (an optional symbol: a plugin built without it writes Chinese), then init(),
  // then what it is.
  const bool speaksLanguage = loaded->library.has(plugin::kLanguageSymbol);
  if (speaksLanguage) {
    using SetLanguage = void(const char*);
    loaded->library.get<SetLanguage>(plugin::kLanguageSymbol)(msg::tag(msg::language()));
  }
  loaded->filled = std::make_unique<FilledType>(*loaded->object, speaksLanguage);
  auto init = loaded->object->init();
  if (!init.ok()) {
    return refused(f, "PLUGIN_INIT", msg::text("plugins.refusal.init", {{"reason", init.error}}));
  }
  auto info = loaded->filled->info();
  if (!info.ok()) {
    return refused(f, "PLUGIN_INFO", msg::text("plugins.refusal.info", {{"reason", info.error}}));
  }
  f.typeId = info.value.id;
  f.matter = info.value.matter;
  f.node = info.value.node;
  if (auto why = invalidInfo(info.value)) {
    return refused(f, "PLUGIN_INFO", msg::text("plugins.refusal.info_invalid", {{"reason", *why}}));
  }

  // 6. One plugin per type: the first one found wins.
  if (auto first = registry_.add(*loaded->filled, info.value, file.string())) {
    return refused(f, "PLUGIN_DUPLICATE",
                   msg::text("plugins.refusal.duplicate", {{"type", f.typeId}, {"first", *first}}));
  }
  f.loaded = true;
  loaded_.push_back(std::move(loaded));
  return f;
}

}  // namespace zzjb::plugin_host
