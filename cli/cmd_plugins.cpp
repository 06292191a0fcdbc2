// `zzjb plugins [-c CONFIG] [--json | --schema]`: every plugin file found, in search order, with
// its type, ABI and path, and whether it was loaded (with what the type is: its description, the
// shape of its targets, its permission flow and its options) or why it was refused. --json adds,
// per type, the JSON schema of a target of that type (docs/plugins.md, "ABI 2"). --schema prints
// the configuration's JSON schema: the core's with every loaded type's (docs/plugins.md, "The
// configuration's schema"). `zzjb plugins test PATH.so` runs the plugin test kit, the program
// zzjb-plugin-test beside zzjb (cmd_plugins_kit.cpp; docs/plugins.md, "Test kit").
#include <unistd.h>  // execv

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "args.hpp"
#include "commands.hpp"
#include "core_schema.hpp"
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
      {"--schema", "", false, "plugins.opt.schema"},
      {"--help", "-h", false, "cli.opt.help"},
  };
  return kSpecs;
}

std::string permissionName(plugin::Permission p) {
  switch (p) {
    case plugin::Permission::AppliedOnline: return msg::text("plugins.permission.applied_online");
    case plugin::Permission::GrantedByCentre: return msg::text("plugins.permission.granted");
    case plugin::Permission::None: break;
  }
  return msg::text("plugins.permission.none");
}

// not-text: begin (the names --json and the schema use)
const char* permissionCode(plugin::Permission p) {
  switch (p) {
    case plugin::Permission::AppliedOnline: return "APPLIED_ONLINE";
    case plugin::Permission::GrantedByCentre: return "GRANTED_BY_CENTRE";
    case plugin::Permission::None: break;
  }
  return "NONE";
}

const char* scopeCode(plugin::Scope s) {
  return s == plugin::Scope::Ability ? "ABILITY" : "OCCUPATION";
}

const char* levelRuleCode(plugin::LevelRule r) {
  switch (r) {
    case plugin::LevelRule::SchoolLevel: return "SCHOOL_LEVEL";
    case plugin::LevelRule::AnyOf: return "ANY_OF";
    case plugin::LevelRule::None: break;
  }
  return "NONE";
}

// A FieldSpec's kind as a JSON schema type.
const char* kindName(plugin::FieldSpec::Kind k) {
  switch (k) {
    case plugin::FieldSpec::Kind::Text: return "string";
    case plugin::FieldSpec::Kind::Number: return "number";
    case plugin::FieldSpec::Kind::Boolean: return "boolean";
  }
  return "string";
}
// not-text: end

std::string levelsList(const std::vector<int>& levels) {
  std::string out;
  for (int l : levels) out += (out.empty() ? "" : ", ") + std::to_string(l);
  return out;
}

std::string levelRuleName(const plugin::TargetShape& shape) {
  switch (shape.level) {
    case plugin::LevelRule::SchoolLevel: return msg::text("plugins.level.school");
    case plugin::LevelRule::AnyOf:
      return msg::text("plugins.level.any_of", {{"levels", levelsList(shape.levels)}});
    case plugin::LevelRule::None: break;
  }
  return msg::text("plugins.level.none");
}

nlohmann::json specJson(const plugin::FieldSpec& f) {
  nlohmann::json j = {{"name", f.name},
                      {"kind", kindName(f.kind)},
                      {"required", f.required},
                      {"description", f.description}};
  auto example = nlohmann::json::parse(f.example, nullptr, false);
  if (!f.example.empty()) j["example"] = example.is_discarded() ? nlohmann::json(f.example) : example;
  return j;
}

nlohmann::json specSchema(const plugin::FieldSpec& f) {
  nlohmann::json j = {{"type", kindName(f.kind)}};
  if (!f.description.empty()) j["description"] = f.description;
  auto example = nlohmann::json::parse(f.example, nullptr, false);
  if (!f.example.empty() && !example.is_discarded()) j["examples"] = nlohmann::json::array({example});
  return j;
}

// The JSON schema of a target of the type: the fields of its scope (and its level rule), its
// organisation, 专业评估 when it needs one, its own fields and its options (docs/plugins.md,
// "ABI 2"; the core's own checks are in config/zzjb.schema.json).
nlohmann::json targetSchema(const plugin::TypeInfo& info) {
  using nlohmann::json;
  const plugin::TargetShape& shape = info.shape;
  // not-text: begin (JSON schema keys and patterns)
  json props = {{"type", {{"const", info.id}}}};
  json required = json::array({"type"});
  if (shape.scope == plugin::Scope::Occupation) {
    props["occupationCode"] = {{"type", "string"}, {"pattern", "^[1-8]-[0-9]{2}-[0-9]{2}-[0-9]{2}$"}};
    props["occupationName"] = {{"type", "string"}, {"minLength", 1}};
    required.push_back("occupationCode");
    required.push_back("occupationName");
  } else {
    props["abilityCode"] = {{"type", "string"}, {"pattern", "^[A-Za-z0-9.-]{1,32}$"}};
    props["abilityName"] = {{"type", "string"}, {"minLength", 1}};
    required.push_back("abilityCode");
    required.push_back("abilityName");
  }
  if (shape.level == plugin::LevelRule::SchoolLevel) {
    props["level"] = {{"type", "integer"}, {"enum", {3, 4}},
                      {"description", "the school's level: SECONDARY 4, HIGHER 3"}};
    required.push_back("level");
  } else if (shape.level == plugin::LevelRule::AnyOf) {
    props["level"] = {{"type", "integer"}, {"enum", shape.levels}};
    required.push_back("level");
  }
  if (shape.org != plugin::OrgKind::None) {
    props["evaluationOrg"] = {{"type", "object"},
                              {"required", json::array({"name", "creditCode"})},
                              {"additionalProperties", false},
                              {"properties", {{"name", {{"type", "string"}}},
                                              {"creditCode", {{"type", "string"}}}}}};
    required.push_back("evaluationOrg");
  }
  if (shape.needsEvaluation) {
    props["evaluation"] = {
        {"type", "object"},
        {"required", json::array({"status"})},
        {"additionalProperties", false},
        {"properties", {{"status", {{"enum", {"NOT_APPLIED", "SUBMITTED", "APPROVED", "REJECTED"}}}},
                        {"opinionNo", {{"type", "string"}}},
                        {"date", {{"type", "string"}, {"format", "date"}}}}}};
  }
  for (const auto& f : shape.fields) {
    props[f.name] = specSchema(f);
    if (f.required) required.push_back(f.name);
  }
  json options = {{"type", "object"}, {"properties", json::object()}};
  json requiredOptions = json::array();
  for (const auto& o : info.options) {
    options["properties"][o.name] = specSchema(o);
    if (o.required) requiredOptions.push_back(o.name);
  }
  // A required option may also come from the school's "plugins.<type>" object.
  if (!requiredOptions.empty()) options["required"] = requiredOptions;
  props["options"] = options;
  return {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
          {"title", info.id},
          {"type", "object"},
          {"additionalProperties", false},
          {"required", required},
          {"properties", props}};
  // not-text: end
}

nlohmann::json typeJson(const plugin::TypeInfo& info) {
  using nlohmann::json;
  // not-text: begin (--json keys)
  json t = {{"scope", scopeCode(info.shape.scope)},
            {"levelRule", levelRuleCode(info.shape.level)},
            {"needsEvaluation", info.shape.needsEvaluation},
            {"needsGraduationYear", info.shape.needsGraduationYear},
            {"forms", {{"evaluationForm", info.forms.evaluationForm},
                       {"accountForm", info.forms.accountForm}}}};
  if (info.shape.level == plugin::LevelRule::AnyOf) t["levels"] = info.shape.levels;
  if (!info.permissionRequest.empty()) t["permissionRequest"] = info.permissionRequest;
  if (!info.permissionWaiting.empty()) t["permissionWaiting"] = info.permissionWaiting;
  t["options"] = json::array();
  for (const auto& o : info.options) t["options"].push_back(specJson(o));
  t["fields"] = json::array();
  for (const auto& f : info.shape.fields) t["fields"].push_back(specJson(f));
  if (!info.example.target.empty()) {
    auto target = json::parse(info.example.target, nullptr, false);
    t["example"] = {{"target", target.is_discarded() ? json(info.example.target) : target},
                    {"eligibleColumns", info.example.eligibleColumns}};
  }
  t["schema"] = targetSchema(info);
  // not-text: end
  return t;
}

// The options or own target fields of a type, one per line, after a heading.
void printSpecs(const std::vector<plugin::FieldSpec>& specs, const char* heading) {
  if (specs.empty()) return;
  std::cout << "           " << msg::text(heading) << "\n";
  for (const auto& o : specs) {
    std::cout << "             "
              << msg::text(o.required ? "plugins.list.spec_required" : "plugins.list.spec",
                           {{"name", o.name},
                            {"kind", kindName(o.kind)},
                            {"description", o.description}})
              << "\n";
  }
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
      p["permission"] = permissionCode(t->info.permission);
      p["org"] = orgName(t->info.shape.org);
      p["description"] = t->info.description;
      p.update(typeJson(t->info));
    }
    if (!f.loaded) {
      p["code"] = f.refusalCode;
      p["reason"] = f.refusal;
    }
    j["plugins"].push_back(p);
  }
  j["loaded"] = host.registry().ids();
  // A plugin's texts are its own: a byte that is not UTF-8 is replaced, not thrown on.
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

// The configuration's JSON schema: config/zzjb.schema.json (built in) with $defs.target extended
// so that a target of a loaded type must also fit that type's schema ($defs.targetType_<id>, as
// --json gives it but for the options a target must have) and a target of any other type is
// refused. The core's other parts are left as they are (docs/plugins.md).
nlohmann::ordered_json mergedSchema(const plugin_host::Host& host) {
  using nlohmann::ordered_json;
  ordered_json schema = ordered_json::parse(coreSchemaText());
  std::vector<const CertType*> types;
  for (const auto& t : host.registry().types()) types.push_back(&t);
  std::ranges::sort(types, {}, [](const CertType* t) -> const std::string& { return t->info.id; });
  // not-text: begin (JSON schema keys)
  ordered_json ids = ordered_json::array();
  ordered_json allOf = ordered_json::array();
  for (const CertType* t : types) {
    const std::string& id = t->info.id;
    ids.push_back(id);
    // A plugin's texts are its own: a byte that is not UTF-8 is replaced, not thrown on.
    ordered_json own = ordered_json::parse(
        targetSchema(t->info).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    own.erase("$schema");  // a subschema: the document's $schema applies
    // A required option may come from the school's "plugins.<type>" object instead of the
    // target's options, which a target's schema cannot see: zzjb check checks it (docs/plugins.md).
    own["properties"]["options"].erase("required");
    schema["$defs"]["targetType_" + id] = own;
    allOf.push_back({{"if",
                      {{"properties", {{"type", {{"const", id}}}}},
                       {"required", ordered_json::array({"type"})}}},
                     {"then", {{"$ref", "#/$defs/targetType_" + id}}}});
  }
  // Only now: an ordered_json object is a vector, which adding the types' $defs moved.
  ordered_json& target = schema["$defs"]["target"];
  target["properties"]["type"]["enum"] = ids;
  target["allOf"] = allOf;
  // not-text: end
  return schema;
}

// --schema: the schema on stdout; on stderr, one line per plugin file that was not loaded, which
// names its type when the file said it and no other file provides it (a duplicate's type is in).
void printSchema(const plugin_host::Host& host) {
  for (const auto& f : host.files()) {
    if (f.loaded) continue;
    const bool typeLeftOut = !f.typeId.empty() && host.registry().find(f.typeId) == nullptr;
    std::cerr << "zzjb plugins: "  // not-text: the command's name
              << msg::text(typeLeftOut ? "plugins.schema.type_left_out" : "plugins.schema.left_out",
                           {{"type", f.typeId},
                            {"path", f.path.string()},
                            {"reason", f.refusal},
                            {"code", f.refusalCode}})
              << "\n";
  }
  // A plugin's texts are its own: a byte that is not UTF-8 is replaced, not thrown on.
  std::cout << mergedSchema(host).dump(2, ' ', false,
                                       nlohmann::ordered_json::error_handler_t::replace)
            << "\n";
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
      const plugin::TargetShape& shape = t->info.shape;
      std::cout << "           "
                << msg::text("plugins.list.shape",
                             {{"scope", msg::text(shape.scope == plugin::Scope::Ability
                                                      ? "plugins.scope.ability"
                                                      : "plugins.scope.occupation")},
                              {"level", levelRuleName(shape)}})
                << "\n           "
                << msg::text("plugins.list.needs",
                             {{"evaluation", msg::text(shape.needsEvaluation ? "plugins.flag.yes"
                                                                             : "plugins.flag.no")},
                              {"graduation", msg::text(shape.needsGraduationYear
                                                           ? "plugins.flag.yes"
                                                           : "plugins.flag.no")}})
                << "\n";
      if (t->info.options.empty()) {
        std::cout << "           " << msg::text("plugins.list.no_options") << "\n";
      }
      printSpecs(t->info.options, "plugins.list.options");
      printSpecs(shape.fields, "plugins.list.fields");
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

// `zzjb plugins test PATH.so`: the plugin test kit is a program of its own, zzjb-plugin-test
// beside zzjb (cli/plugin_test_main.cpp, cmd_plugins_kit.cpp), so that the zzjb-mock its
// rehearsal serves is never linked into zzjb: it replaces this process, with the same arguments
// in the same language. Returns only when it cannot be run.
int runTestKit(const std::vector<std::string>& argv) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);  // not-text: a path
  const fs::path kit = (ec ? fs::path() : exe.parent_path()) / "zzjb-plugin-test";  // not-text
  std::vector<std::string> args = {kit.string(), "--lang", msg::tag(msg::language())};
  args.insert(args.end(), argv.begin(), argv.end());
  std::vector<char*> raw;
  for (auto& a : args) raw.push_back(a.data());
  raw.push_back(nullptr);
  std::cout.flush();
  ::execv(kit.c_str(), raw.data());
  const int error = errno;
  std::cerr << "zzjb plugins test: "  // not-text: the command's name
            << msg::text("plugins.test.kit_missing",
                         {{"path", kit.string()}, {"reason", std::strerror(error)}})
            << "\n";
  return kExitUnavailable;
}

int cmdPlugins(const std::vector<std::string>& argv) {
  if (!argv.empty() && argv.front() == "test") {  // not-text: the subcommand's name
    return runTestKit({argv.begin() + 1, argv.end()});
  }
  std::string error;
  auto args = parseArgs(argv, pluginOptions(), error);
  if (!args || args->has("--help")) {
    std::ostream& o = args ? std::cout : std::cerr;
    if (!args) o << "zzjb plugins: " << error << "\n";  // not-text: the command's name
    o << msg::text("plugins.usage") << "\n\n" << optionsHelp(pluginOptions());
    return args ? kExitOk : kExitUsage;
  }
  if (args->has("--json") && args->has("--schema")) {
    std::cerr << "zzjb plugins: "  // not-text: the command's name
              << msg::text("plugins.json_or_schema") << "\n\n"
              << msg::text("plugins.usage") << "\n\n"
              << optionsHelp(pluginOptions());
    return kExitUsage;
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
  if (args->has("--schema")) {
    // The schema is printed whatever was refused: a type left out is said on stderr.
    printSchema(host);
    return kExitOk;
  }
  if (args->has("--json")) {
    printJson(host);
  } else {
    printText(host);
  }
  return host.anyRefused() || host.files().empty() ? kExitConfig : kExitOk;
}

}  // namespace zzjb::cli
