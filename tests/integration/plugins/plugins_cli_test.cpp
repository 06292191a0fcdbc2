// `zzjb plugins` as an integrator sees it: a zzjb in <prefix>/bin with its plugin directory
// <prefix>/lib/zzjb/plugins holding the four real plugins and test plugins that are each wrong
// in one way. Every bad one is refused with its own reason; the good ones still load.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core_schema.hpp"
#include "language_check.hpp"
#include "other_user_swapper.hpp"
#include "test_support.hpp"
#include "zzjb/plugin/abi.hpp"

namespace zzjb::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// <tmp>/bin/zzjb (a hard link, or a copy) and <tmp>/lib/zzjb/plugins: an installed zzjb.
fs::path fakePrefix(const TempDir& tmp) {
  fs::create_directories(tmp / "bin");
  fs::path bin = tmp / "bin/zzjb";
  std::error_code ec;
  fs::create_hard_link(ZZJB_BIN, bin, ec);
  if (ec) fs::copy_file(ZZJB_BIN, bin);
  fs::path dir = tmp / "lib/zzjb/plugins";
  fs::create_directories(dir);
  for (const char* name : {"zzjb-social-org.so", "zzjb-employer.so", "zzjb-qualification.so",
                           "zzjb-special-ability.so"}) {
    fs::copy_file(fs::path(ZZJB_PLUGIN_BUILD_DIR) / name, dir / name);
  }
  return bin;
}

void addBad(const TempDir& tmp, const std::string& from, const std::string& as) {
  fs::copy_file(fs::path(ZZJB_BAD_PLUGIN_DIR) / from, tmp / ("lib/zzjb/plugins/" + as));
}

json pluginsJson(const fs::path& bin, const std::string& extra = "") {
  auto r = run(shellQuote(bin.string()) + " plugins --json " + extra);
  EXPECT_EQ(r.exitCode, 78) << r.out << r.err;
  return json::parse(r.out);
}

const json* byFile(const json& j, const std::string& file) {
  for (const auto& p : j["plugins"]) {
    if (fs::path(p["path"].get<std::string>()).filename() == file) return &p;
  }
  return nullptr;
}

TEST(PluginsCli, TheBundledPluginsLoadFromTheBuildTree) {
  auto r = run(std::string(ZZJB_BIN) + " plugins");
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "已加载 4 个，已拒绝 0 个")) << r.out;
  EXPECT_TRUE(contains(r.out, "职业技能等级认定 / 用人单位等级认定")) << r.out;
  EXPECT_TRUE(contains(r.out, "由市职鉴中心授予")) << r.out;
  // Each type says what it is, in its plugin's own words, in the chosen language.
  EXPECT_TRUE(contains(r.out, "说明：由已备案的社会培训评价组织进行职业技能等级认定")) << r.out;
  EXPECT_TRUE(contains(r.out, "说明：由学生实习所在的用人单位进行职业技能等级认定")) << r.out;
  EXPECT_TRUE(contains(r.out, "说明：职业资格鉴定：由市职鉴中心开通申报权限")) << r.out;
  EXPECT_TRUE(contains(r.out, "说明：专项职业能力考核：按学生在花名册中选择的专项能力申报")) << r.out;
  // The type ids are names, not words.
  EXPECT_TRUE(englishRuns(r.out, {"zzjb", "employer", "qualification", "social-org", "special-ability"}).empty()) << r.out;
  auto en = run(std::string(ZZJB_BIN) + " plugins --lang en");
  EXPECT_EQ(en.exitCode, 0) << en.out << en.err;
  EXPECT_TRUE(contains(en.out, "4 loaded, 0 refused")) << en.out;
  EXPECT_TRUE(contains(en.out, "granted by the centre")) << en.out;
  EXPECT_TRUE(contains(en.out,
                       "description: skill-level recognition (职业技能等级认定) by the "
                       "employer the students are placed with"))
      << en.out;
  EXPECT_TRUE(contains(en.out,
                       "description: vocational qualification appraisal (职业资格鉴定): "
                       "the centre grants the permission itself"))
      << en.out;
  EXPECT_FALSE(contains(en.out, "由学生实习所在的用人单位")) << en.out;
  auto help = run(std::string(ZZJB_BIN) + " plugins --help");
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_TRUE(contains(help.out, "搜索顺序")) << help.out;
  auto helpEn = run(std::string(ZZJB_BIN) + " plugins --help --lang en");
  EXPECT_EQ(helpEn.exitCode, 0);
  EXPECT_TRUE(contains(helpEn.out, "search order")) << helpEn.out;
}

TEST(PluginsCli, RefusesEachBadPluginWithItsOwnReasonAndLoadsTheGoodOnes) {
  TempDir tmp;
  fs::path bin = fakePrefix(tmp);
  addBad(tmp, "zzjb-test-bad-abi.so", "zzjb-test-bad-abi.so");
  addBad(tmp, "zzjb-test-no-factory.so", "zzjb-test-no-factory.so");
  addBad(tmp, "zzjb-test-throws.so", "zzjb-test-throws.so");
  // Sorted after zzjb-social-org.so, so the real one is found first and kept.
  addBad(tmp, "zzjb-test-duplicate.so", "zzjb-tt-duplicate-social-org.so");
  addBad(tmp, "zzjb-test-good.so", "zzjb-test-writable.so");
  fs::permissions(tmp / "lib/zzjb/plugins/zzjb-test-writable.so", fs::perms::group_write,
                  fs::perm_options::add);
  writeFile(tmp / "lib/zzjb/plugins/zzjb-not-a-library.so", "#!/bin/sh\necho not ELF\n");

  json j = pluginsJson(bin);
  auto expectRefused = [&](const std::string& file, const std::string& code,
                           const std::string& words) {
    const json* p = byFile(j, file);
    ASSERT_NE(p, nullptr) << file << "\n" << j.dump(2);
    EXPECT_FALSE((*p)["loaded"].get<bool>()) << file;
    EXPECT_EQ((*p)["code"], code) << file;
    EXPECT_TRUE(contains((*p)["reason"].get<std::string>(), words)) << (*p)["reason"];
  };
  expectRefused("zzjb-test-bad-abi.so", "PLUGIN_ABI",
                "插件 zzjb-test-bad-abi.so 是按插件接口 ABI 1 构建的，本 zzjb 需要 ABI 2");
  expectRefused("zzjb-test-no-factory.so", "PLUGIN_NO_FACTORY", "zzjb_create_plugin");
  expectRefused("zzjb-test-throws.so", "PLUGIN_FACTORY_THREW", "licence file missing");
  expectRefused("zzjb-tt-duplicate-social-org.so", "PLUGIN_DUPLICATE", "zzjb-social-org.so");
  expectRefused("zzjb-test-writable.so", "PLUGIN_WRITABLE", "可被同组用户写入");
  expectRefused("zzjb-not-a-library.so", "PLUGIN_NOT_LIBRARY", "不是共享库");
  EXPECT_EQ(j["loaded"], "employer, qualification, social-org, special-ability");
  for (const char* good : {"zzjb-social-org.so", "zzjb-employer.so", "zzjb-qualification.so",
                           "zzjb-special-ability.so"}) {
    const json* p = byFile(j, good);
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE((*p)["loaded"].get<bool>()) << good;
    EXPECT_EQ((*p)["abi"], plugin::kAbiVersion);
  }
  // --json carries each loaded type's description, in the chosen language (Chinese by default).
  EXPECT_EQ(byFile(j, "zzjb-qualification.so")->value("description", ""),
            "职业资格鉴定：由市职鉴中心开通申报权限");
  const json* refused = byFile(j, "zzjb-test-bad-abi.so");
  ASSERT_NE(refused, nullptr);
  EXPECT_FALSE(refused->contains("description")) << *refused;
  json en = pluginsJson(bin, "--lang en");
  ASSERT_NE(byFile(en, "zzjb-employer.so"), nullptr);
  EXPECT_EQ(
      byFile(en, "zzjb-employer.so")->value("description", ""),
      "skill-level recognition (职业技能等级认定) by the employer the students are placed with");

  // The text form says the same, one line per file, and check still works with the good ones.
  auto text = run(shellQuote(bin.string()) + " plugins");
  EXPECT_EQ(text.exitCode, 78);
  EXPECT_TRUE(contains(text.out, "已加载 4 个，已拒绝 6 个")) << text.out;
  EXPECT_TRUE(contains(text.out, "[PLUGIN_ABI]"));
}

// Issue 14 (SDK ergonomics): each type's shape, permission and options are printed, in the
// chosen language, so an integrator need not read the plugin's sources.
TEST(PluginsCli, PrintsEachTypesShapeAndOptions) {
  auto r = run(std::string(ZZJB_BIN) + " plugins");
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "申报目标：职业（occupationCode、occupationName） · 等级：学校的等级"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "申报目标：专项职业能力（abilityCode、abilityName），无职业 · 等级：无"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "需要专业评估：否 · 仅毕业学年的学生：是")) << r.out;
  EXPECT_TRUE(contains(r.out, "agreementNo（string，必填）：校企合作协议编号")) << r.out;
  EXPECT_TRUE(contains(r.out, "rosterColumn（string）：花名册中写学生选择的专项能力的列，默认“专项能力”"))
      << r.out;
  auto en = run(std::string(ZZJB_BIN) + " plugins --lang en");
  EXPECT_EQ(en.exitCode, 0) << en.out << en.err;
  EXPECT_TRUE(contains(en.out, "target: a special ability (abilityCode, abilityName), no "
                               "occupation · level none"))
      << en.out;
  EXPECT_TRUE(contains(en.out, "agreementNo (string, required): the school–enterprise cooperation "
                               "agreement number"))
      << en.out;
  EXPECT_TRUE(contains(en.out, "rosterColumn (string): the roster column that gives the ability "
                               "the student chose; default \"专项能力\""))
      << en.out;
}

// --json: the same facts, and per type the JSON schema of a target of that type; the type's own
// example target is valid against the parts of it this test can check without a validator.
TEST(PluginsCli, JsonGivesEachTypeATargetSchemaThatItsExampleFits) {
  auto r = run(std::string(ZZJB_BIN) + " plugins --json");
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  json j = json::parse(r.out);
  const json* ability = byFile(j, "zzjb-special-ability.so");
  ASSERT_NE(ability, nullptr) << j.dump(1);
  EXPECT_EQ((*ability)["scope"], "ABILITY");
  EXPECT_EQ((*ability)["levelRule"], "NONE");
  EXPECT_EQ((*ability)["permission"], "GRANTED_BY_CENTRE");
  EXPECT_EQ((*ability)["needsEvaluation"], false);
  const json& schema = (*ability)["schema"];
  EXPECT_EQ(schema["required"], json::array({"type", "abilityCode", "abilityName"}));
  EXPECT_FALSE(schema["properties"].contains("level"));
  EXPECT_FALSE(schema["properties"].contains("occupationCode"));
  EXPECT_TRUE(schema["properties"]["options"]["properties"].contains("rosterColumn"));

  const json* employer = byFile(j, "zzjb-employer.so");
  ASSERT_NE(employer, nullptr);
  EXPECT_EQ((*employer)["options"][0]["name"], "agreementNo");
  EXPECT_EQ((*employer)["options"][0]["required"], true);
  const json& es = (*employer)["schema"];
  EXPECT_EQ(es["properties"]["options"]["required"], json::array({"agreementNo"}));
  EXPECT_TRUE(contains(es["required"].dump(), "\"evaluationOrg\"")) << es.dump();
  EXPECT_TRUE(contains(es["required"].dump(), "\"level\"")) << es.dump();

  // Every type's example target has each required key and no key its schema does not know.
  for (const auto& p : j["plugins"]) {
    if (!p.value("loaded", false)) continue;
    ASSERT_TRUE(p.contains("example")) << p.dump(1);
    const json& target = p["example"]["target"];
    ASSERT_TRUE(target.is_object()) << p["type"] << ": " << target.dump();
    for (const auto& key : p["schema"]["required"]) {
      EXPECT_TRUE(target.contains(key.get<std::string>())) << p["type"] << " lacks " << key;
    }
    for (const auto& [key, value] : target.items()) {
      EXPECT_TRUE(p["schema"]["properties"].contains(key)) << p["type"] << ": " << key;
    }
    EXPECT_EQ(target["type"], p["type"]);
  }
}

// A plugin's texts are its own: one that is not UTF-8 does not stop --json (it is replaced).
TEST(PluginsCli, JsonStillPrintsAPluginWhoseDescriptionIsNotUtf8) {
  TempDir tmp;
  fs::path bin = fakePrefix(tmp);
  addBad(tmp, "zzjb-test-not-utf8.so", "zzjb-test-not-utf8.so");
  auto r = run(shellQuote(bin.string()) + " plugins --json");
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  json j = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out << r.err;
  const json* p = byFile(j, "zzjb-test-not-utf8.so");
  ASSERT_NE(p, nullptr) << j.dump(1);
  EXPECT_TRUE(contains((*p)["description"].get<std::string>(), "a test plugin \uFFFD"))
      << (*p)["description"];
  // Nor --schema.
  auto schema = run(shellQuote(bin.string()) + " plugins --schema");
  EXPECT_EQ(schema.exitCode, 0) << schema.err;
  json s = json::parse(schema.out, nullptr, false);
  ASSERT_FALSE(s.is_discarded()) << schema.out << schema.err;
  EXPECT_TRUE(s["$defs"].contains("targetType_not-utf8")) << schema.out;
}

TEST(PluginsCli, RefusesAWorldWritablePluginAndOneOwnedByAnotherUser) {
  TempDir tmp;
  fs::path bin = fakePrefix(tmp);
  addBad(tmp, "zzjb-test-good.so", "zzjb-test-good.so");
  auto ok = run(shellQuote(bin.string()) + " plugins --json");
  EXPECT_EQ(ok.exitCode, 0) << ok.out;
  EXPECT_TRUE(contains(json::parse(ok.out)["loaded"].get<std::string>(), "test-extra"));

  fs::path file = tmp / "lib/zzjb/plugins/zzjb-test-good.so";
  fs::permissions(file, fs::perms::others_write, fs::perm_options::add);
  json j = pluginsJson(bin);
  EXPECT_EQ((*byFile(j, "zzjb-test-good.so"))["code"], "PLUGIN_WRITABLE");
  EXPECT_TRUE(contains((*byFile(j, "zzjb-test-good.so"))["reason"].get<std::string>(),
                       "可被所有用户写入"));
  fs::permissions(file, fs::perms::others_write, fs::perm_options::remove);

  if (::geteuid() != 0) GTEST_SKIP() << "changing a file's owner needs root";
  ASSERT_EQ(::chown(file.c_str(), 65534, 65534), 0);
  j = pluginsJson(bin);
  EXPECT_EQ((*byFile(j, "zzjb-test-good.so"))["code"], "PLUGIN_OWNER");
  EXPECT_TRUE(contains((*byFile(j, "zzjb-test-good.so"))["reason"].get<std::string>(),
                       "属于 uid 65534"));
}

// The owner rule as a non-root user sees it: zzjb run as uid 65534 loads the plugins it owns and
// refuses one owned by a third user (uid 1234), which could swap it. (The test above is the same
// rule as root.) Setting up files owned by two other users needs root; CI runs as root.
TEST(PluginsCli, AsANonRootUserAPluginOwnedByAThirdUserIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "making files owned by two other users needs root";
  TempDir tmp;
  fs::path bin = fakePrefix(tmp);
  addBad(tmp, "zzjb-test-good.so", "zzjb-test-good.so");
  // The prefix (not the binary: it is a hard link to the build's) belongs to uid 65534.
  fs::permissions(tmp.path(), fs::perms::owner_all | fs::perms::group_read |
                                  fs::perms::group_exec | fs::perms::others_read |
                                  fs::perms::others_exec);
  for (const fs::path& p : {tmp / "lib", tmp / "lib/zzjb", tmp / "lib/zzjb/plugins"}) {
    ASSERT_EQ(::chown(p.c_str(), 65534, 65534), 0) << p;
  }
  for (const auto& e : fs::directory_iterator(tmp / "lib/zzjb/plugins")) {
    ASSERT_EQ(::chown(e.path().c_str(), 65534, 65534), 0) << e.path();
  }
  const fs::path third = tmp / "lib/zzjb/plugins/zzjb-test-good.so";
  ASSERT_EQ(::chown(third.c_str(), 1234, 1234), 0);
  auto r = run("setpriv --reuid=65534 --regid=65534 --clear-groups " + shellQuote(bin.string()) +
               " plugins --json");
  json j = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out << r.err;
  const json* refused = byFile(j, "zzjb-test-good.so");
  ASSERT_NE(refused, nullptr) << j.dump(1);
  EXPECT_EQ((*refused)["code"], "PLUGIN_OWNER") << j.dump(1);
  EXPECT_FALSE((*refused)["loaded"].get<bool>());
  EXPECT_TRUE(contains((*refused)["reason"].get<std::string>(), "1234")) << refused->dump();
  EXPECT_FALSE(contains(j["loaded"].get<std::string>(), "test-extra"));
  // Positive control: the plugins uid 65534 owns itself are loaded.
  const json* own = byFile(j, "zzjb-social-org.so");
  ASSERT_NE(own, nullptr) << j.dump(1);
  EXPECT_TRUE((*own)["loaded"].get<bool>()) << own->dump();
}

TEST(PluginsCli, ConfigPluginsDirIsSearchedFirst) {
  TempDir tmp;
  fs::path bin = fakePrefix(tmp);
  fs::create_directories(tmp / "mine");
  fs::copy_file(fs::path(ZZJB_BAD_PLUGIN_DIR) / "zzjb-test-duplicate.so",
                tmp / "mine/zzjb-my-social-org.so");
  writeFile(tmp / "zzjb.json", R"({"plugins": {"dir": "mine"}, "schools": []})");
  json j = pluginsJson(bin, "-c " + shellQuote((tmp / "zzjb.json").string()));
  EXPECT_EQ(j["dirs"][0]["origin"], "plugins.dir");
  EXPECT_TRUE((*byFile(j, "zzjb-my-social-org.so"))["loaded"].get<bool>());
  EXPECT_EQ((*byFile(j, "zzjb-social-org.so"))["code"], "PLUGIN_DUPLICATE");
}

// docs/plugins.md, "Loading plugins safely": a plugins.dir others can write to is refused as a
// whole, with the directory, its mode and the fix, and nothing in it is loaded.
TEST(PluginsCli, RefusesAPluginsDirOthersCanWriteTo) {
  TempDir tmp;
  fs::path bin = fakePrefix(tmp);
  fs::create_directories(tmp / "mine");
  fs::copy_file(fs::path(ZZJB_BAD_PLUGIN_DIR) / "zzjb-test-good.so", tmp / "mine/zzjb-mine.so");
  fs::permissions(tmp / "mine", fs::perms::all, fs::perm_options::replace);
  writeFile(tmp / "zzjb.json", R"({"plugins": {"dir": "mine"}, "schools": []})");
  const std::string config = "-c " + shellQuote((tmp / "zzjb.json").string());
  json j = pluginsJson(bin, config);
  EXPECT_EQ(j["dirs"][0]["origin"], "plugins.dir");
  EXPECT_EQ(j["dirs"][0]["code"], "PLUGIN_DIR_UNSAFE");
  const std::string reason = j["dirs"][0]["reason"].get<std::string>();
  EXPECT_TRUE(contains(reason, (tmp / "mine").string())) << reason;
  EXPECT_TRUE(contains(reason, "权限 0777")) << reason;
  EXPECT_TRUE(contains(reason, "chmod go-w")) << reason;
  EXPECT_EQ((*byFile(j, "zzjb-mine.so"))["code"], "PLUGIN_DIR_UNSAFE");
  EXPECT_FALSE((*byFile(j, "zzjb-mine.so"))["loaded"].get<bool>());
  EXPECT_FALSE(contains(j["loaded"].get<std::string>(), "test-extra"));

  auto text = run(shellQuote(bin.string()) + " plugins " + config);
  EXPECT_EQ(text.exitCode, 78);
  EXPECT_TRUE(contains(text.out, "已拒绝：" + (tmp / "mine").string())) << text.out;
  EXPECT_TRUE(contains(text.out, "[PLUGIN_DIR_UNSAFE]")) << text.out;
}

// Must-show 1 through the real binary: uid 65534 keeps exchanging a root-made plugin with its own
// in the configured plugins.dir, which it can write to, while `zzjb plugins` runs 200 times. Every
// run refuses the directory with its reason, and the attacker's constructor never runs.
TEST(PluginsCli, AnotherUserSwappingAPluginDuring200RunsNeverRunsTheirCode) {
  if (::geteuid() != 0) GTEST_SKIP() << "playing another user (uid 65534) needs root";
  TempDir tmp;
  fs::permissions(tmp.path(), fs::perms::owner_all | fs::perms::group_read |
                                  fs::perms::group_exec | fs::perms::others_read |
                                  fs::perms::others_exec);
  fs::path dir = tmp / "shared";
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::all, fs::perm_options::replace);
  fs::copy_file(fs::path(ZZJB_BAD_PLUGIN_DIR) / "zzjb-test-good.so", dir / "zzjb-swapped.so");
  const fs::path marker = tmp / "attacker-ran";
  ::setenv("ZZJB_TEST_ATTACKER_MARKER", marker.c_str(), 1);
  writeFile(tmp / "zzjb.json", R"({"plugins": {"dir": "shared"}, "schools": []})");
  const std::string command = std::string(ZZJB_BIN) + " plugins --json -c " +
                              shellQuote((tmp / "zzjb.json").string());
  OtherUserSwapper attacker(dir, "zzjb-swapped.so",
                            readFile(fs::path(ZZJB_BAD_PLUGIN_DIR) / "zzjb-test-attacker.so"));
  ASSERT_TRUE(attacker.started()) << "the other user could not plant its plugin";
  int refused = 0;
  for (int i = 0; i < 200; ++i) {
    auto r = run(command);
    EXPECT_EQ(r.exitCode, 78) << r.err;
    json j = json::parse(r.out, nullptr, false);
    if (!j.is_discarded() && j["dirs"][0]["code"] == "PLUGIN_DIR_UNSAFE" &&
        contains(j["dirs"][0].value("reason", ""), "可被所有用户写入")) {
      ++refused;
    }
  }
  attacker.stop();
  ::unsetenv("ZZJB_TEST_ATTACKER_MARKER");
  EXPECT_GT(attacker.swaps(), 200) << "the race hardly ran";
  EXPECT_EQ(refused, 200);
  EXPECT_FALSE(fs::exists(marker)) << readFile(marker);
}

// --schema (issue 14): the configuration's JSON schema, the core's (config/zzjb.schema.json) with
// every loaded type's. docs/plugins.md, "The configuration's schema".
json coreSchemaFile() {
  return json::parse(readFile(fs::path(ZZJB_SOURCE_DIR) / "config/zzjb.schema.json"));
}

json schemaOf(const std::string& command) {
  auto r = run(command);
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  json j = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
  return j;
}

TEST(PluginsCli, SchemaIsTheCoresWithEveryLoadedTypesTargetSchema) {
  auto r = run(std::string(ZZJB_BIN) + " plugins --schema");
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");  // every plugin loaded: nothing left out
  json merged = json::parse(r.out);
  const json core = coreSchemaFile();
  // The core's parts, unchanged: every top-level key and every $defs entry but the target.
  for (const auto& [key, value] : core.items()) {
    if (key == "$defs") continue;
    EXPECT_EQ(merged[key], value) << key;
  }
  for (const auto& [key, value] : core["$defs"].items()) {
    if (key == "target") continue;
    EXPECT_EQ(merged["$defs"][key], value) << "$defs." << key;
  }
  // The target: the core's own rules, with its type one of the loaded ones … (not const: a key
  // that is missing reads as null, and the test fails rather than stops)
  json& target = merged["$defs"]["target"];
  for (const auto& [key, value] : core["$defs"]["target"].items()) {
    if (key == "properties") continue;
    EXPECT_EQ(target[key], value) << "$defs.target." << key;
  }
  for (const auto& [key, value] : core["$defs"]["target"]["properties"].items()) {
    if (key == "type") continue;
    EXPECT_EQ(target["properties"][key], value) << "$defs.target.properties." << key;
  }
  const std::vector<std::string> types = {"employer", "qualification", "social-org",
                                          "special-ability"};
  EXPECT_EQ(target["properties"]["type"]["enum"], json(types));
  EXPECT_EQ(target["properties"]["type"]["pattern"],
            core["$defs"]["target"]["properties"]["type"]["pattern"]);
  // … and, per type, its own schema: the one --json gives, without its $schema and without the
  // options a target must have (they may come from the school's plugins.<type>).
  json listed = json::parse(run(std::string(ZZJB_BIN) + " plugins --json").out);
  ASSERT_TRUE(target["allOf"].is_array()) << target.dump(1);
  ASSERT_EQ(target["allOf"].size(), types.size()) << target.dump(1);
  for (std::size_t i = 0; i < types.size(); ++i) {
    const std::string& id = types[i];
    json rule = target["allOf"][i];
    EXPECT_EQ(rule["if"]["properties"]["type"]["const"], id) << rule.dump();
    EXPECT_EQ(rule["if"]["required"], json::array({"type"})) << rule.dump();
    EXPECT_EQ(rule["then"]["$ref"], "#/$defs/targetType_" + id) << rule.dump();
    ASSERT_TRUE(merged["$defs"].contains("targetType_" + id)) << id;
    json& own = merged["$defs"]["targetType_" + id];
    EXPECT_FALSE(own.contains("$schema")) << id;
    const json* plugin = byFile(listed, "zzjb-" + id + ".so");
    ASSERT_NE(plugin, nullptr) << id;
    json expected = plugin->value("schema", json::object());
    expected.erase("$schema");
    expected["properties"]["options"].erase("required");
    EXPECT_EQ(own, expected) << id;
  }
  // Nothing else was added.
  EXPECT_EQ(merged["$defs"].size(), core["$defs"].size() + types.size());
  EXPECT_EQ(merged.size(), core.size());
}

TEST(PluginsCli, SchemaLeavesOutATypeThatDidNotLoadAndSaysSo) {
  TempDir tmp;
  fs::path bin = fakePrefix(tmp);
  addBad(tmp, "zzjb-test-ability-level.so", "zzjb-test-ability-level.so");  // its info() is refused
  addBad(tmp, "zzjb-test-good.so", "zzjb-test-writable.so");  // refused before it is opened
  fs::permissions(tmp / "lib/zzjb/plugins/zzjb-test-writable.so", fs::perms::group_write,
                  fs::perm_options::add);
  // Sorted after zzjb-social-org.so: refused, but its type is in, from the file found first.
  addBad(tmp, "zzjb-test-duplicate.so", "zzjb-tt-duplicate-social-org.so");
  auto r = run(shellQuote(bin.string()) + " plugins --schema");
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  json merged = json::parse(r.out);
  EXPECT_EQ(merged["$defs"]["target"]["properties"]["type"]["enum"],
            json::array({"employer", "qualification", "social-org", "special-ability"}));
  EXPECT_FALSE(merged["$defs"].contains("targetType_test-extra"));
  EXPECT_FALSE(merged["$defs"].contains("targetType_ability-level"));
  // One line per plugin file left out, with its reason; the type when the file named one that is
  // not in the schema.
  auto err = lines(r.err);
  ASSERT_EQ(err.size(), 3u) << r.err;
  EXPECT_TRUE(contains(err[0], "类型 ability-level 未计入 schema：")) << r.err;
  EXPECT_TRUE(contains(err[0], "zzjb-test-ability-level.so 未加载：")) << r.err;
  EXPECT_TRUE(contains(err[0], "[PLUGIN_INFO]")) << r.err;
  EXPECT_TRUE(contains(err[1], "未计入 schema：")) << r.err;
  EXPECT_TRUE(contains(err[1], "zzjb-test-writable.so 未加载：")) << r.err;
  EXPECT_TRUE(contains(err[1], "[PLUGIN_WRITABLE]")) << r.err;
  EXPECT_FALSE(contains(err[2], "类型 social-org")) << r.err;
  EXPECT_TRUE(contains(err[2], "[PLUGIN_DUPLICATE]")) << r.err;
  auto en = run(shellQuote(bin.string()) + " plugins --schema --lang en");
  EXPECT_EQ(en.exitCode, 0);
  EXPECT_TRUE(contains(en.err, "type ability-level left out of the schema: ")) << en.err;
  EXPECT_TRUE(contains(en.err, "zzjb-test-writable.so was not loaded: ")) << en.err;

  // Found as `zzjb plugins` finds them: the configuration's plugins.dir first.
  fs::create_directories(tmp / "mine");
  fs::copy_file(fs::path(ZZJB_BAD_PLUGIN_DIR) / "zzjb-test-good.so", tmp / "mine/zzjb-mine.so");
  writeFile(tmp / "zzjb.json", R"({"plugins": {"dir": "mine"}, "schools": []})");
  json mine = schemaOf(shellQuote(bin.string()) + " plugins --schema -c " +
                       shellQuote((tmp / "zzjb.json").string()));
  EXPECT_TRUE(
      contains(mine["$defs"]["target"]["properties"]["type"]["enum"].dump(), "\"test-extra\""))
      << mine["$defs"]["target"].dump(1);
  EXPECT_TRUE(mine["$defs"].contains("targetType_test-extra"));

  // A configuration that cannot be read is an error, as for zzjb plugins; --json with --schema
  // is a usage error.
  writeFile(tmp / "broken.json", "{");
  auto broken = run(shellQuote(bin.string()) + " plugins --schema -c " +
                    shellQuote((tmp / "broken.json").string()));
  EXPECT_EQ(broken.exitCode, 78) << broken.out << broken.err;
  EXPECT_EQ(broken.out, "");
  auto both = run(std::string(ZZJB_BIN) + " plugins --schema --json");
  EXPECT_EQ(both.exitCode, 64);
  EXPECT_TRUE(contains(both.err, "--json 与 --schema 不能同时使用")) << both.err;
  auto help = run(std::string(ZZJB_BIN) + " plugins --help");
  EXPECT_TRUE(contains(help.out, "[--json | --schema]")) << help.out;
  EXPECT_TRUE(contains(help.out, "--schema 输出配置文件的 JSON schema")) << help.out;
}

// The schema is built into zzjb (an installed zzjb and a build tree have no common path to it):
// the very bytes of config/zzjb.schema.json.
TEST(PluginsCli, TheBuiltInCoreSchemaIsTheFileByteForByte) {
  const std::string file = readFile(fs::path(ZZJB_SOURCE_DIR) / "config/zzjb.schema.json");
  const std::string_view built = zzjb::cli::coreSchemaText();
  EXPECT_EQ(built.size(), file.size());
  EXPECT_TRUE(built == file) << "config/zzjb.schema.json changed after the build?";
}

// A real validator (python3-jsonschema, draft 2020-12) against the merged schema: the example
// configuration fits; targets that only a type's own schema refuses do not.
struct Validation {
  int exitCode;
  std::string out;
};

Validation validate(const fs::path& schema, const json& config, const TempDir& tmp,
                    const std::string& name) {
  const fs::path file = tmp / (name + ".json");
  writeFile(file, config.dump(2));
  auto r = run(
      "python3 " +
      shellQuote(
          (fs::path(ZZJB_SOURCE_DIR) / "tests/integration/plugins/validate_config.py").string()) +
      " " + shellQuote(schema.string()) + " " + shellQuote(file.string()));
  EXPECT_TRUE(r.exitCode == 0 || r.exitCode == 1)
      << name << ": the validator did not run (exit " << r.exitCode << ")\n"
      << r.out << r.err;
  return {r.exitCode, r.out + r.err};
}

// The first target of `type` in the configuration.
json& targetOf(json& config, const std::string& type) {
  for (auto& school : config["schools"]) {
    for (auto& major : school["majors"]) {
      for (auto& target : major["targets"]) {
        if (target["type"] == type) return target;
      }
    }
  }
  throw std::runtime_error("no " + type + " target in the example");
}

TEST(PluginsCli, TheExampleFitsTheMergedSchemaAndTargetsATypeRefusesDoNot) {
  TempDir tmp;
  const fs::path schema = tmp / "zzjb.schema.json";
  auto r = run(std::string(ZZJB_BIN) + " plugins --schema");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  writeFile(schema, r.out);
  const json example =
      json::parse(readFile(fs::path(ZZJB_SOURCE_DIR) / "config/zzjb.example.json"));

  auto ok = validate(schema, example, tmp, "example");
  EXPECT_EQ(ok.exitCode, 0) << ok.out;

  // Each of these fits the core's loose target; only the type's own schema refuses it.
  json withLevel = example;
  targetOf(withLevel, "special-ability")["level"] = 4;  // an ability has no level
  auto v = validate(schema, withLevel, tmp, "ability-with-level");
  EXPECT_EQ(v.exitCode, 1) << v.out;
  EXPECT_TRUE(contains(v.out, "level")) << v.out;

  json noCode = example;
  targetOf(noCode, "special-ability").erase("abilityCode");
  v = validate(schema, noCode, tmp, "ability-without-code");
  EXPECT_EQ(v.exitCode, 1) << v.out;
  EXPECT_TRUE(contains(v.out, "abilityCode")) << v.out;

  json noOrg = example;
  targetOf(noOrg, "employer").erase("evaluationOrg");  // an employer's target names the employer
  v = validate(schema, noOrg, tmp, "employer-without-org");
  EXPECT_EQ(v.exitCode, 1) << v.out;
  EXPECT_TRUE(contains(v.out, "evaluationOrg")) << v.out;

  json unknown = example;
  targetOf(unknown, "qualification")["type"] = "no-such-type";  // no plugin of that type
  v = validate(schema, unknown, tmp, "unknown-type");
  EXPECT_EQ(v.exitCode, 1) << v.out;
  EXPECT_TRUE(contains(v.out, "no-such-type")) << v.out;

  // A required option given in the school's plugins.<type> instead of the target's options: the
  // schema cannot see that, so it does not require it of the target (zzjb check does).
  json fromSchool = example;
  for (auto& school : fromSchool["schools"]) {
    if (school["id"] != "pudong-gz") continue;
    school["plugins"] = {{"employer", {{"agreementNo", "沪校企合〔2026〕012号"}}}};
  }
  targetOf(fromSchool, "employer")["options"] = json::object();
  v = validate(schema, fromSchool, tmp, "option-from-school");
  EXPECT_EQ(v.exitCode, 0) << v.out;
}

}  // namespace
}  // namespace zzjb::test
