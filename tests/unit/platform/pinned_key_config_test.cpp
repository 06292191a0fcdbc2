// platform.pinnedPublicKey as the configuration loader reads it: libcurl's "sha256//BASE64" pin
// (docs/platform-client.md, "Connection"), refused at its JSON path when malformed (a
// configuration error: `zzjb check` and `zzjb run` exit 78).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "test_support.hpp"
#include "zzjb/config/loader.hpp"

namespace {

using nlohmann::json;
using zzjb::test::TempDir;

constexpr const char* kPin = "sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=";

const json kSchool = {
    {"id", "s1"},
    {"name", "学校"},
    {"creditCode", "12310104MB2F000081"},
    {"level", "SECONDARY"},
    {"majors", json::array({{{"name", "计算机应用"},
                             {"targets", json::array({{{"type", "social-org"},
                                                       {"occupationCode", "4-04-05-01"},
                                                       {"occupationName", "计算机程序设计员"},
                                                       {"level", 4}}})}}})},
    {"rosters", json::array({"rosters/a.csv"})}};

zzjb::config::LoadedConfig loadWithPin(const json& pin) {
  TempDir tmp;
  const json doc = {{"platform", {{"baseUrl", "https://127.0.0.1:8443"}, {"pinnedPublicKey", pin}}},
                    {"schools", json::array({kSchool})}};
  zzjb::test::writeFile(tmp / "zzjb.json", doc.dump());
  return zzjb::config::loadConfig(tmp / "zzjb.json", "zzjb.json");
}

const zzjb::Finding* find(const zzjb::config::LoadedConfig& c, const std::string& code) {
  auto it = std::find_if(c.findings.begin(), c.findings.end(),
                         [&](const zzjb::Finding& f) { return f.code == code; });
  return it == c.findings.end() ? nullptr : &*it;
}

TEST(PinnedPublicKeyConfig, AWellFormedPinAndAListOfPinsAreRead) {
  auto one = loadWithPin(kPin);
  ASSERT_TRUE(one.config);
  EXPECT_EQ(one.config->platform.pinnedPublicKey, kPin);
  EXPECT_EQ(find(one, "CONFIG_PINNED_KEY"), nullptr);
  EXPECT_EQ(find(one, "CONFIG_UNKNOWN_KEY"), nullptr);
  const std::string two = std::string(kPin) + ";" + kPin;
  auto both = loadWithPin(two);
  ASSERT_TRUE(both.config);
  EXPECT_EQ(both.config->platform.pinnedPublicKey, two);
}

TEST(PinnedPublicKeyConfig, AMalformedPinIsAConfigErrorAtItsPathWithTheFix) {
  const std::string body = std::string(kPin).substr(8);
  for (const std::string& bad :
       {std::string(""), body, "sha1//" + body, "sha256//" + body.substr(1),
        std::string(kPin) + "A", std::string(kPin) + ";", "sha256//" + std::string(43, '*') + "=",
        std::string("/etc/zzjb/server.pem")}) {
    auto c = loadWithPin(bad);
    const zzjb::Finding* f = find(c, "CONFIG_PINNED_KEY");
    ASSERT_NE(f, nullptr) << bad;
    EXPECT_EQ(f->severity, zzjb::Severity::Error);
    EXPECT_EQ(f->kind, zzjb::FindingKind::Config);
    EXPECT_EQ(f->where.jsonPath, "$.platform.pinnedPublicKey");
    EXPECT_NE(f->hint.find("openssl dgst -sha256"), std::string::npos) << f->hint;
  }
  auto number = loadWithPin(42);
  EXPECT_NE(find(number, "CONFIG_TYPE"), nullptr);
}

}  // namespace
