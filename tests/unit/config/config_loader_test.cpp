// The configuration loader: JSON paths in every message, relative paths, the schema in step.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "test_support.hpp"
#include "zzjb/config/loader.hpp"

namespace zzjb::config {
namespace {

using nlohmann::json;
using test::TempDir;

const json kSchool = {
    {"id", "s1"}, {"name", "学校"}, {"creditCode", "12310104MB2F000081"}, {"level", "SECONDARY"},
    {"majors", json::array({{{"name", "计算机应用"},
                             {"targets", json::array({{{"type", "social-org"},
                                                       {"occupationCode", "4-04-05-01"},
                                                       {"occupationName", "计算机程序设计员"},
                                                       {"level", 4}}})}}})},
    {"rosters", json::array({"rosters/a.csv"})}};

LoadedConfig load(const TempDir& tmp, const json& doc) {
  auto path = tmp / "sub/zzjb.json";
  test::writeFile(path, doc.dump());
  return loadConfig(path, "zzjb.json");
}

const Finding* find(const LoadedConfig& c, const std::string& code) {
  auto it = std::find_if(c.findings.begin(), c.findings.end(),
                         [&](const Finding& f) { return f.code == code; });
  return it == c.findings.end() ? nullptr : &*it;
}

TEST(ConfigLoader, ResolvesPathsAgainstTheConfigFile) {
  TempDir tmp;
  auto c = load(tmp, {{"catalog", "cat.json"}, {"schools", json::array({kSchool})}});
  ASSERT_TRUE(c.config);
  ASSERT_EQ(c.config->schools.size(), 1U);
  EXPECT_EQ(c.config->schools[0].rosters[0], (tmp / "sub/rosters/a.csv").string());
  EXPECT_EQ(c.config->schools[0].rosterDisplay[0], "rosters/a.csv");
  EXPECT_EQ(c.config->catalogPath, (tmp / "sub/cat.json").string());
}

TEST(ConfigLoader, WrongTypeIsAConfigErrorAtItsPath) {
  TempDir tmp;
  json s = kSchool;
  s["majors"][0]["targets"][0]["level"] = "四级";
  auto c = load(tmp, {{"schools", json::array({s})}});
  const Finding* f = find(c, "CONFIG_TYPE");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->where.jsonPath, "$.schools[0].majors[0].targets[0].level");
  EXPECT_EQ(f->kind, FindingKind::Config);
  EXPECT_EQ(f->school, "s1");
}

TEST(ConfigLoader, UnknownKeyIsAWarningNamingIt) {
  TempDir tmp;
  json s = kSchool;
  s["legalRepresentitive"] = "王";
  auto c = load(tmp, {{"schools", json::array({s})}});
  const Finding* f = find(c, "CONFIG_UNKNOWN_KEY");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::Warning);
  EXPECT_EQ(f->where.jsonPath, "$.schools[0].legalRepresentitive");
}

TEST(ConfigLoader, RefusesAPinWrittenInTheConfiguration) {
  TempDir tmp;
  json s = kSchool;
  s["identity"] = {{"key", "file:k.pem"}, {"pinValue", "123456"}};
  auto c = load(tmp, {{"schools", json::array({s})}});
  const Finding* f = find(c, "CONFIG_PIN");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::Error);
  EXPECT_EQ(f->message.find("123456"), std::string::npos);
}

TEST(ConfigLoader, SchoolWithoutUsableLevelIsLeftOutAndOthersAreRead) {
  TempDir tmp;
  json bad = kSchool;
  bad["id"] = "bad";
  bad["level"] = "MIDDLE";
  auto c = load(tmp, {{"schools", json::array({bad, kSchool})}});
  ASSERT_TRUE(c.config);
  ASSERT_EQ(c.config->schools.size(), 1U);
  EXPECT_EQ(c.config->schools[0].id, "s1");
  const Finding* f = find(c, "CONFIG_ENUM");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->school, "bad");
}

TEST(ConfigLoader, SyntaxErrorGivesTheLine) {
  TempDir tmp;
  auto path = tmp / "zzjb.json";
  test::writeFile(path, "{\n  \"schools\": [\n    {\"id\": \"a\",,}\n  ]\n}\n");
  auto c = loadConfig(path, "zzjb.json");
  EXPECT_FALSE(c.config);
  ASSERT_EQ(c.findings.size(), 1U);
  EXPECT_EQ(c.findings[0].code, "CONFIG_SYNTAX");
  EXPECT_EQ(c.findings[0].where.line, 3U);
}

// Every property the schema documents is one the loader knows: no "unknown key" for any of them.
TEST(ConfigLoader, AcceptsEveryPropertyOfTheSchema) {
  json schema = json::parse(test::readFile(std::string(ZZJB_SOURCE_DIR) + "/config/zzjb.schema.json"));
  json school = kSchool;
  for (const auto& [k, v] : schema["$defs"]["school"]["properties"].items()) {
    if (!school.contains(k)) school[k] = nullptr;
  }
  json& target = school["majors"][0]["targets"][0];
  for (const auto& [k, v] : schema["$defs"]["target"]["properties"].items()) {
    if (!target.contains(k)) target[k] = nullptr;
  }
  json doc = {{"schools", json::array({school})}};
  for (const auto& [k, v] : schema["properties"].items()) {
    if (!doc.contains(k)) doc[k] = nullptr;
  }
  TempDir tmp;
  auto c = load(tmp, doc);
  EXPECT_EQ(find(c, "CONFIG_UNKNOWN_KEY"), nullptr) << find(c, "CONFIG_UNKNOWN_KEY")->where.jsonPath;
  EXPECT_EQ(schema["$defs"]["school"]["required"].size(), 5U);
}

TEST(ConfigLoader, FlattensPluginSectionsWithTheirJsonPaths) {
  json school = kSchool;
  school["plugins"] = {{"employer", {{"agreementNo", "协议1号"}, {"contact", {{"name", "王"}}}}},
                       {"bad", "not an object"}};
  school["majors"][0]["targets"][0]["options"] = {
      {"agreementNo", "协议2号"}, {"max", 5}, {"strict", true}, {"sites", json::array({"A"})}};
  TempDir tmp;
  auto c = load(tmp, {{"schools", json::array({school})}});
  ASSERT_TRUE(c.config);
  const School& s = c.config->schools[0];
  const auto& opts = s.majors[0].targets[0].options;
  ASSERT_EQ(opts.size(), 4U);
  auto byKey = [&](const std::string& key) {
    return *std::find_if(opts.begin(), opts.end(), [&](const auto& o) { return o.key == key; });
  };
  EXPECT_EQ(byKey("agreementNo").value, "协议2号");
  EXPECT_EQ(byKey("agreementNo").jsonPath, "$.schools[0].majors[0].targets[0].options.agreementNo");
  EXPECT_EQ(byKey("max").kind, plugin::Setting::Kind::Number);
  EXPECT_EQ(byKey("strict").value, "true");
  EXPECT_EQ(byKey("sites[0]").jsonPath, "$.schools[0].majors[0].targets[0].options.sites[0]");
  const auto& employer = s.pluginSections.at("employer");
  ASSERT_EQ(employer.size(), 2U);
  EXPECT_EQ(employer[1].key, "contact.name");
  EXPECT_EQ(employer[1].jsonPath, "$.schools[0].plugins.employer.contact.name");
  const Finding* f = find(c, "CONFIG_TYPE");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->where.jsonPath, "$.schools[0].plugins.bad");
}

TEST(Catalog, ReadsThePlatformShape) {
  std::vector<Finding> warnings;
  auto cat = loadCatalog(std::string(ZZJB_SOURCE_DIR) + "/config/catalog.example.json", "cat",
                         warnings);
  ASSERT_TRUE(cat) << cat.error().message;
  EXPECT_EQ(cat->items.size(), 3U);
  const CatalogOccupation* occ = cat->findOccupation("91310115MA1K9Q7D84", "4-12-01-01");
  ASSERT_NE(occ, nullptr);
  EXPECT_EQ(occ->name, "汽车维修工");
  EXPECT_EQ(cat->findOrg("91310115MA1K9Q7D84")->type, OrgType::Employer);
}

TEST(Catalog, WrongOrganisationTypeIsAnError) {
  TempDir tmp;
  test::writeFile(tmp / "c.json",
                  R"({"items": [{"org": {"name": "x", "creditCode": "y", "type": "SCHOOL"},
                                  "occupations": []}]})");
  std::vector<Finding> warnings;
  auto cat = loadCatalog(tmp / "c.json", "c.json", warnings);
  ASSERT_FALSE(cat);
  EXPECT_EQ(cat.error().where.jsonPath, "$.items[0].org.type");
}

}  // namespace
}  // namespace zzjb::config
