// Issue 13's must-shows for the command line and `zzjb identity check`: Chinese unless asked
// otherwise, English with --lang en, and a language zzjb does not speak is a usage error whose
// message is in Chinese (docs/messages.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "language_check.hpp"
#include "test_support.hpp"

namespace zzjb::test {
namespace {

namespace fs = std::filesystem;

// zzjb as a clerk's server runs it: no ZZJB_LANG, a locale that names no language.
const std::string kBin = "env -u ZZJB_LANG -u LC_MESSAGES -u LANG LC_ALL=C.UTF-8 " + std::string(ZZJB_BIN);
const fs::path kSource = ZZJB_SOURCE_DIR;

std::string joined(const std::vector<std::string>& runs) {
  std::string s;
  for (const auto& r : runs) s += r + "\n";
  return s;
}

// zzjb's command names and the product's name are names, not English.
const std::set<std::string> kNames = {"zzjb",   "check",   "forms", "keyid",  "sign",
                                      "identity", "plugins", "run",   "status", "report",
                                      "daemon", "catalog", "import", "sync",
                                      "store",  "backup",  "verify", "rebuild", "brief"};

TEST(CliLanguage, UsageIsChineseByDefaultAndEnglishWithLangEn) {
  auto zh = run(kBin + " --help");
  EXPECT_EQ(zh.exitCode, 0) << zh.err;
  EXPECT_TRUE(contains(zh.out, "用法：zzjb")) << zh.out;
  EXPECT_TRUE(contains(zh.out, "--lang")) << "--lang is listed in the usage\n" << zh.out;
  EXPECT_TRUE(contains(zh.out, "退出码")) << zh.out;
  EXPECT_EQ(joined(englishRuns(zh.out, kNames)), "") << zh.out;

  auto en = run(kBin + " --help --lang en");
  EXPECT_EQ(en.exitCode, 0) << en.err;
  EXPECT_TRUE(contains(en.out, "usage: zzjb COMMAND")) << en.out;
  EXPECT_TRUE(contains(en.out, "--lang")) << en.out;
  EXPECT_TRUE(contains(en.out, "exit codes:")) << en.out;
  EXPECT_EQ(joined(chineseRuns(en.out, noticeTerms())), "") << en.out;

  // Each command's --help, and a usage error, speak the same language.
  auto identityEn = run(kBin + " identity --help --lang en");
  EXPECT_EQ(identityEn.exitCode, 0);
  EXPECT_TRUE(contains(identityEn.out, "usage: zzjb identity check")) << identityEn.out;
  EXPECT_EQ(joined(chineseRuns(identityEn.out, noticeTerms())), "") << identityEn.out;
  auto identityZh = run(kBin + " identity check --no-such-option");
  EXPECT_EQ(identityZh.exitCode, 64);
  EXPECT_TRUE(contains(identityZh.err, "没有 --no-such-option 这个选项")) << identityZh.err;
  EXPECT_EQ(joined(englishRuns(identityZh.err, kNames)), "") << identityZh.err;

  auto unknown = run(kBin + " frobnicate");
  EXPECT_EQ(unknown.exitCode, 64);
  EXPECT_TRUE(contains(unknown.err, "没有“frobnicate”这个命令")) << unknown.err;
}

TEST(CliLanguage, ALanguageZzjbDoesNotSpeakIsAUsageErrorInChinese) {
  auto flag = run(kBin + " --lang fr --help");
  EXPECT_EQ(flag.exitCode, 64) << flag.out << flag.err;
  EXPECT_TRUE(contains(flag.err, "不认识的语言“fr”（--lang）")) << flag.err;
  EXPECT_EQ(flag.out, "");

  auto env = run("ZZJB_LANG=fr " + std::string(ZZJB_BIN) + " identity --help");
  EXPECT_EQ(env.exitCode, 64) << env.out << env.err;
  EXPECT_TRUE(contains(env.err, "不认识的语言“fr”（ZZJB_LANG）")) << env.err;

  auto missing = run(kBin + " --help --lang");
  EXPECT_EQ(missing.exitCode, 64) << missing.out << missing.err;
  EXPECT_TRUE(contains(missing.err, "不认识的语言")) << missing.err;
}

// `zzjb identity check` on the example configuration (its keys made by
// scripts/make-example-keys.sh, as the README says): no English sentence by default, and no
// Chinese with --lang en but the schools' names and the notices' terms.
TEST(CliLanguage, IdentityCheckOnTheExampleConfigurationSpeaksOneLanguage) {
  TempDir tmp;
  fs::copy(kSource / "config", tmp.path(), fs::copy_options::recursive);
  auto keys = run("bash " + shellQuote((kSource / "scripts/make-example-keys.sh").string()) + " " +
                  shellQuote((tmp / "keys").string()));
  ASSERT_EQ(keys.exitCode, 0) << keys.out << keys.err;
  const std::string cfg = shellQuote((tmp / "zzjb.example.json").string());

  auto zh = run(kBin + " identity check -c " + cfg);
  EXPECT_EQ(zh.exitCode, 0) << zh.out << zh.err;
  EXPECT_TRUE(contains(zh.out, "SHECA-XZ-000123456789")) << zh.out;
  EXPECT_TRUE(contains(zh.out, "正常：测试数据已签名并验证通过")) << zh.out;
  EXPECT_EQ(joined(englishRuns(zh.out + zh.err, kNames)), "") << zh.out << zh.err;

  auto en = run(kBin + " identity check --lang en -c " + cfg);
  EXPECT_EQ(en.exitCode, 0) << en.out << en.err;
  EXPECT_TRUE(contains(en.out, "ok: test challenge signed and verified")) << en.out;
  std::vector<std::string> allowed = noticeTerms();
  const auto example = nlohmann::json::parse(readFile(kSource / "config/zzjb.example.json"));
  for (const auto& school : example["schools"]) allowed.push_back(school["name"].get<std::string>());
  EXPECT_EQ(joined(chineseRuns(en.out + en.err, allowed)), "") << en.out << en.err;

  // Also with ZZJB_LANG instead of --lang.
  // (Not compared with the --lang run byte for byte: the days left may have changed meanwhile.)
  auto env = run("ZZJB_LANG=en " + std::string(ZZJB_BIN) + " identity check -c " + cfg);
  EXPECT_EQ(env.exitCode, 0) << env.out << env.err;
  EXPECT_TRUE(contains(env.out, "ok: test challenge signed and verified")) << env.out;
  EXPECT_EQ(joined(chineseRuns(env.out + env.err, allowed)), "") << env.out << env.err;
}

}  // namespace
}  // namespace zzjb::test
