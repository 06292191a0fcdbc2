// `zzjb plugins [-c CONFIG] [--json]`: every plugin file found, in search order, with its type,
// ABI and path, and whether it was loaded or why it was refused.
#include <iostream>
#include <nlohmann/json.hpp>

#include "args.hpp"
#include "commands.hpp"
#include "inputs.hpp"
#include "zzjb/config/loader.hpp"
#include "zzjb/plugin/abi.hpp"

namespace zzjb::cli {

namespace {

const std::vector<OptionSpec>& pluginOptions() {
  static const std::vector<OptionSpec> kSpecs = {
      {"--config", "-c", true, "the configuration file (its plugins.dir is searched first)"},
      {"--json", "", false, "print the result as JSON"},
      {"--help", "-h", false, "this help"},
  };
  return kSpecs;
}

const char* permissionName(plugin::Permission p) {
  return p == plugin::Permission::AppliedOnline ? "applied for online" : "granted by the centre";
}

const char* orgName(plugin::OrgKind k) {
  switch (k) {
    case plugin::OrgKind::SocialOrg: return "SOCIAL_ORG";
    case plugin::OrgKind::Employer: return "EMPLOYER";
    case plugin::OrgKind::None: break;
  }
  return "none";
}

void printJson(const plugin_host::Host& host) {
  nlohmann::json j;
  j["abi"] = plugin::kAbiVersion;
  j["dirs"] = nlohmann::json::array();
  for (const auto& d : host.dirs()) {
    nlohmann::json dir = {{"path", d.path.string()}, {"origin", d.origin}, {"exists", d.exists}};
    if (d.refused()) {
      dir["code"] = d.refusalCode;
      dir["reason"] = d.refusal;
    }
    j["dirs"].push_back(dir);
  }
  j["plugins"] = nlohmann::json::array();
  for (const auto& f : host.files()) {
    nlohmann::json p = {{"path", f.path.string()}, {"dir", f.dirOrigin}, {"loaded", f.loaded},
                        {"abi", f.abi}, {"type", f.typeId}};
    if (const CertType* t = f.loaded ? host.registry().find(f.typeId) : nullptr) {
      p["matter"] = t->info.matter;
      p["node"] = t->info.node;
      p["permission"] = t->appliedOnline() ? "APPLIED_ONLINE" : "GRANTED_BY_CENTRE";
      p["org"] = orgName(t->info.org);
    }
    if (!f.loaded) {
      p["code"] = f.refusalCode;
      p["reason"] = f.refusal;
    }
    j["plugins"].push_back(p);
  }
  j["loaded"] = host.registry().ids();
  std::cout << j.dump(2) << "\n";
}

void printText(const plugin_host::Host& host) {
  std::cout << "plugin directories, in search order (this zzjb has plugin ABI "
            << plugin::kAbiVersion << ")\n";
  for (const auto& d : host.dirs()) {
    std::cout << "  " << d.path.string() << "  (" << d.origin << (d.exists ? "" : ", not there")
              << ")\n";
    if (d.refused()) std::cout << "    refused: " << d.refusal << " [" << d.refusalCode << "]\n";
  }
  std::size_t loaded = 0;
  std::cout << "plugins\n";
  if (host.files().empty()) std::cout << "  none found\n";
  for (const auto& f : host.files()) {
    std::string abi = f.abi == 0 ? "ABI ?" : "ABI " + std::to_string(f.abi);
    if (f.loaded) {
      ++loaded;
      const CertType* t = host.registry().find(f.typeId);
      std::cout << "  loaded   " << f.typeId << "  " << abi << "  " << f.path.string() << "\n"
                << "           " << t->info.matter
                << (t->info.node.empty() ? "" : " / " + t->info.node) << " · permission "
                << permissionName(t->info.permission) << " · organisation "
                << orgName(t->info.org) << "\n";
      continue;
    }
    std::cout << "  refused  " << (f.typeId.empty() ? "-" : f.typeId) << "  " << abi << "  "
              << f.path.string() << "\n"
              << "           " << f.refusal << " [" << f.refusalCode << "]\n";
  }
  std::cout << loaded << " loaded, " << host.files().size() - loaded << " refused"
            << (host.registry().ids().empty() ? "" : " · types: " + host.registry().ids())
            << "\n";
}

}  // namespace

int cmdPlugins(const std::vector<std::string>& argv) {
  std::string error;
  auto args = parseArgs(argv, pluginOptions(), error);
  if (!args || args->has("--help")) {
    std::ostream& o = args ? std::cout : std::cerr;
    if (!args) o << "zzjb plugins: " << error << "\n";
    o << "usage: zzjb plugins [-c CONFIG] [--json]\n\n"
         "Lists every certification-type plugin file found, in search order: the configuration's\n"
         "plugins.dir, then <zzjb's directory>/../plugins (a build tree), then the installed\n"
         "<prefix>/lib/zzjb/plugins. Each is loaded or refused, and why.\n"
         "Exit: 0 all loaded; 78 a plugin was refused, none was found, or the configuration\n"
         "cannot be read.\n\n"
      << optionsHelp(pluginOptions());
    return args ? kExitOk : kExitUsage;
  }
  std::optional<Config> config;
  if (auto path = args->get("--config")) {
    auto loaded = config::loadConfig(*path, *path);
    if (!loaded.config) {
      for (const auto& f : loaded.findings) {
        std::cerr << "zzjb plugins: " << f.where.str() << ": " << f.message << "\n";
      }
      return kExitConfig;
    }
    config = std::move(loaded.config);
  }
  plugin_host::Host host;
  std::vector<Finding> ignored;  // the same facts are printed below, file by file
  loadPlugins(host, config ? &*config : nullptr, ignored);
  if (args->has("--json")) {
    printJson(host);
  } else {
    printText(host);
  }
  return host.anyRefused() || host.files().empty() ? kExitConfig : kExitOk;
}

}  // namespace zzjb::cli
