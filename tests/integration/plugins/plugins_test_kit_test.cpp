// `zzjb plugins test PATH.so`, the plugin test kit (docs/plugins.md, "Test kit"; issue 14,
// must-show 3), run as an integrator runs it: the real zzjb on real built plugin files. The four
// bundled plugins pass it; four deliberately bad ones (bad_plugin.cpp) fail it, each with its
// reason.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace zzjb::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

RunResult kit(const fs::path& plugin, const std::string& extra = "") {
  return run(shellQuote(ZZJB_BIN) + " plugins test " + shellQuote(plugin.string()) + " " + extra);
}

fs::path bundled(const std::string& name) {
  return fs::path(ZZJB_PLUGIN_BUILD_DIR) / name;
}
fs::path bad(const std::string& name) {
  return fs::path(ZZJB_BAD_PLUGIN_DIR) / name;
}

const json* check(const json& j, const std::string& name) {
  for (const auto& c : j["checks"]) {
    if (c["name"] == name) return &c;
  }
  return nullptr;
}

// Every check passes, the rehearsal included: a full pass against zzjb-mock in the kit's process
// declares exactly the eligible students of the kit's 40-student roster (all 40 when the type reads
// no column of its own; 20 when half the students lack the example's column value), and a later
// pass sends nothing.
TEST(PluginTestKit, TheFourBundledPluginsPassEveryCheckAndTheirRehearsalDeclaresTheEligible) {
  const std::vector<std::pair<const char*, int>> plugins = {{"zzjb-social-org.so", 40},
                                                            {"zzjb-employer.so", 20},
                                                            {"zzjb-qualification.so", 40},
                                                            {"zzjb-special-ability.so", 20}};
  for (const auto& [name, eligible] : plugins) {
    SCOPED_TRACE(name);
    auto r = kit(bundled(name), "--json --lang en");
    EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
    json j = json::parse(r.out);
    EXPECT_TRUE(j["passed"].get<bool>()) << r.out;
    ASSERT_EQ(j["checks"].size(), 7U) << r.out;
    for (const auto& c : j["checks"]) EXPECT_EQ(c["result"], "PASS") << c.dump() << "\n" << r.out;
    const json* rehearsal = check(j, "rehearsal");
    ASSERT_NE(rehearsal, nullptr);
    const auto notes = (*rehearsal)["notes"].get<std::vector<std::string>>();
    ASSERT_EQ(notes.size(), 2U) << rehearsal->dump();
    EXPECT_TRUE(contains(notes[0], "the last sending nothing; " + std::to_string(eligible) +
                                       " eligible students"))
        << notes[0];
    EXPECT_EQ(notes[1], "the platform holds " + std::to_string(eligible) +
                            " declarations of the school");
    // The same in text, in Chinese by default.
    auto text = kit(bundled(name));
    EXPECT_EQ(text.exitCode, 0) << text.out << text.err;
    EXPECT_TRUE(contains(text.out, "通过 7 项，未通过 0 项，跳过 0 项")) << text.out;
    EXPECT_TRUE(contains(text.out, "PASS    对 zzjb-mock 的完整演练")) << text.out;
    EXPECT_TRUE(contains(text.out, "平台保存该校的申报 " + std::to_string(eligible) + " 条"))
        << text.out;
  }
}

// A sheet that every offline check accepts but the platform's template does not (no 证件号码):
// only the rehearsal finds it, with the platform's own refusal and no student declared.
TEST(PluginTestKit, ASheetWithoutTheIdColumnPassesOfflineAndFailsTheRehearsal) {
  auto r = kit(bad("zzjb-test-sheet-without-id.so"), "--lang en");
  EXPECT_EQ(r.exitCode, 65) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "PASS    the declaration sheet's columns")) << r.out;
  EXPECT_TRUE(contains(r.out, "PASS    rules over a generated roster")) << r.out;
  EXPECT_TRUE(contains(r.out, "FAIL    a full pass against zzjb-mock")) << r.out;
  EXPECT_TRUE(contains(r.out, "40 of 40 eligible students were never declared")) << r.out;
  EXPECT_TRUE(contains(r.out, "表头与团体申报导入模板不一致")) << r.out;
  EXPECT_TRUE(contains(r.out, "the platform holds 0 declarations of the school")) << r.out;
  EXPECT_TRUE(contains(r.out, "6 passed, 1 failed, 0 skipped")) << r.out;
}

TEST(PluginTestKit, APluginThatThrowsOnAnEmptySectionFailsWithThePluginsMessage) {
  auto r = kit(bad("zzjb-test-empty-section-throws.so"), "--lang en");
  EXPECT_EQ(r.exitCode, 65) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "PASS    the example configuration is valid")) << r.out;
  EXPECT_TRUE(
      contains(r.out, "FAIL    an invalid configuration is refused at the right JSON paths"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "throws on an empty section (\"options\": {})")) << r.out;
  EXPECT_TRUE(contains(r.out, "settings[0] of an empty section")) << r.out;
  EXPECT_TRUE(contains(r.out, "FAIL    no exception escapes the plugin")) << r.out;
  auto zh = kit(bad("zzjb-test-empty-section-throws.so"));
  EXPECT_EQ(zh.exitCode, 65) << zh.out << zh.err;
  EXPECT_TRUE(contains(zh.out, "遇到空配置段时抛出异常")) << zh.out;
}

TEST(PluginTestKit, ASheetThatRepeatsAColumnFailsNamingTheColumn) {
  auto r = kit(bad("zzjb-test-repeated-column.so"), "--lang en");
  EXPECT_EQ(r.exitCode, 65) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "FAIL    the declaration sheet's columns")) << r.out;
  EXPECT_TRUE(contains(r.out, "the declaration sheet repeats column 姓名")) << r.out;
  // Its other checks pass: the failure is the sheet's alone.
  EXPECT_TRUE(contains(r.out, "PASS    rules over a generated roster")) << r.out;
  auto zh = kit(bad("zzjb-test-repeated-column.so"));
  EXPECT_TRUE(contains(zh.out, "申报表的列重复：姓名")) << zh.out;
}

TEST(PluginTestKit, AnAbi1PluginIsRefusedWithTheHostsReasonNamingBothAbis) {
  auto r = kit(bad("zzjb-test-bad-abi.so"), "--lang en");
  EXPECT_EQ(r.exitCode, 78) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "FAIL    loads")) << r.out;
  EXPECT_TRUE(contains(r.out,
                       "was built for plugin ABI 1; this zzjb takes ABI 2: rebuild it with this "
                       "zzjb's SDK [PLUGIN_ABI]"))
      << r.out;
  // Nothing else is said to pass.
  EXPECT_FALSE(contains(r.out, "PASS")) << r.out;
  auto j = json::parse(kit(bad("zzjb-test-bad-abi.so"), "--json").out);
  EXPECT_FALSE(j["passed"].get<bool>());
  EXPECT_EQ((*check(j, "loads"))["result"], "FAIL");
  EXPECT_EQ((*check(j, "example-valid"))["result"], "SKIPPED");
}

TEST(PluginTestKit, JsonGivesEveryCheckInOrderWithNameResultAndReason) {
  auto r = kit(bad("zzjb-test-repeated-column.so"), "--json");
  EXPECT_EQ(r.exitCode, 65) << r.out << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["type"], "repeated-column");
  EXPECT_FALSE(j["passed"].get<bool>());
  std::vector<std::string> names;
  for (const auto& c : j["checks"]) {
    names.push_back(c["name"].get<std::string>());
    ASSERT_TRUE(c.contains("result")) << c.dump();
    ASSERT_TRUE(c.contains("reason")) << c.dump();
    // A reason exactly when the check did not pass.
    EXPECT_EQ(c["reason"].is_null(), c["result"] == "PASS") << c.dump();
  }
  EXPECT_EQ(names, (std::vector<std::string>{"loads", "example-valid", "invalid-refused", "rules",
                                             "sheet", "no-exception", "rehearsal"}));
  const json* sheet = check(j, "sheet");
  ASSERT_NE(sheet, nullptr);
  EXPECT_EQ((*sheet)["result"], "FAIL");
  EXPECT_TRUE(contains((*sheet)["reason"].get<std::string>(), "姓名")) << sheet->dump();
}

TEST(PluginTestKit, WithoutAPluginFileItIsAUsageError) {
  auto r = run(shellQuote(ZZJB_BIN) + " plugins test");
  EXPECT_EQ(r.exitCode, 64) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "zzjb plugins test PATH.so")) << r.err;
}

}  // namespace
}  // namespace zzjb::test
