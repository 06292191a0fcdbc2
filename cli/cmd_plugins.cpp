// `zzjb plugins [-c CONFIG] [--json]`: every plugin file found, in search order, with its type,
// ABI and path, and whether it was loaded (with what the type is: its description) or why it was
// refused.
#include <iostream>
#include <nlohmann/json.hpp>

#include "args.hpp"
#include "commands.hpp"
#include "inputs.hpp"
#include "zzjb/config/loader.hpp"
#include "zzjb/messages/catalog.hpp"
#include "zzjb/plugin/abi.hpp"

namespace zzjb::cli {

namespace {

const std::vector<OptionSpec>& pluginOptions() {
  static const std::vector<OptionSpec> kSpecs = {
      {"--config", "-c", true, "plugins.opt.config"},
      {"--json", "", false, "cli.opt.json"},
      {"--help", "-h", false, "cli.opt.help"},
  };
  return kSpecs;
}

std::string permissionName(plugin::Permission p) {
  return msg::text(p == plugin::Permission::AppliedOnline ? "plugins.permission.applied_online"
                                                          : "plugins.permission.granted");
}

// Where a directory comes from, as a person reads it (--json keeps the origin's own name).
std::string originName(const std::string& origin) {
  if (origin == "plugins.dir") return msg::text("plugins.origin.config");
  if (origin == "next to zzjb") return msg::text("plugins.origin.next_to_zzjb");  // not-text: the origin's name
  if (origin == "installed") return msg::text("plugins.origin.installed");
  return origin;
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
      p["org"] = orgName(t->info.shape.org);
      p["description"] = t->info.description;
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
  std::cout << msg::text("plugins.list.dirs", {{"abi", plugin::kAbiVersion}}) << "\n";
  for (const auto& d : host.dirs()) {
    std::cout << "  "
              << msg::text(d.exists ? "plugins.list.dir" : "plugins.list.dir_missing",
                           {{"path", d.path.string()}, {"origin", originName(d.origin)}})
              << "\n";
    if (d.refused()) {
      std::cout << "    "
                << msg::text("plugins.list.dir_refused", {{"reason", d.refusal}, {"code", d.refusalCode}})
                << "\n";
    }
  }
  std::size_t loaded = 0;
  std::cout << msg::text("plugins.list.plugins") << "\n";
  if (host.files().empty()) std::cout << "  " << msg::text("plugins.list.none") << "\n";
  for (const auto& f : host.files()) {
    const std::string abi = f.abi == 0 ? "?" : std::to_string(f.abi);
    if (f.loaded) {
      ++loaded;
      const CertType* t = host.registry().find(f.typeId);
      std::cout << "  "
                << msg::text("plugins.list.loaded",
                             {{"type", f.typeId}, {"abi", abi}, {"path", f.path.string()}})
                << "\n           "
                << msg::text(t->info.node.empty() ? "plugins.list.type" : "plugins.list.type_node",
                             {{"matter", t->info.matter},
                              {"node", t->info.node},
                              {"permission", permissionName(t->info.permission)},
                              {"org", t->info.shape.org == plugin::OrgKind::None
                                          ? msg::text("plugins.org.none")
                                          : std::string(orgName(t->info.shape.org))}})
                << "\n";
      // What the type is, in the plugin's own words (already in the chosen language).
      if (!t->info.description.empty()) {
        std::cout << "           "
                  << msg::text("plugins.list.description", {{"description", t->info.description}})
                  << "\n";
      }
      continue;
    }
    std::cout << "  "
              << msg::text("plugins.list.refused", {{"type", f.typeId.empty() ? "-" : f.typeId},
                                                     {"abi", abi},
                                                     {"path", f.path.string()}})
              << "\n           " << f.refusal << " [" << f.refusalCode << "]\n";
  }
  const msg::Args counts = {{"loaded", loaded},
                       {"refused", host.files().size() - loaded},
                       {"types", host.registry().ids()}};
  std::cout << msg::text(host.registry().ids().empty() ? "plugins.list.total" : "plugins.list.total_types",
                         counts)
            << "\n";
}

}  // namespace

int cmdPlugins(const std::vector<std::string>& argv) {
  std::string error;
  auto args = parseArgs(argv, pluginOptions(), error);
  if (!args || args->has("--help")) {
    std::ostream& o = args ? std::cout : std::cerr;
    if (!args) o << "zzjb plugins: " << error << "\n";  // not-text: the command's name
    o << msg::text("plugins.usage") << "\n\n" << optionsHelp(pluginOptions());
    return args ? kExitOk : kExitUsage;
  }
  std::optional<Config> config;
  if (auto path = args->get("--config")) {
    auto loaded = config::loadConfig(*path, *path);
    if (!loaded.config) {
      for (const auto& f : loaded.findings) {
        std::cerr << "zzjb plugins: "  // not-text: the command's name
                  << msg::text("plugins.config_error", {{"where", f.where.str()}, {"message", f.message}})
                  << "\n";
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
