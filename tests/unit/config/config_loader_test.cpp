// The configuration loader: JSON paths in every message, relative paths, the schema in step;
// and hostile input (issue 11, docs/security.md): devices, pipes, huge files, deep nesting, 1e999,
// integers that would wrap, school ids that name other places, a platform URL that is not https.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "language_check.hpp"
#include "test_support.hpp"
#include "zzjb/config/loader.hpp"
#include "zzjb/messages/catalog.hpp"

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

// Issue 13: a configuration error names the field by the notices' term, its JSON path in
// brackets, in Chinese by default and in English when the language is English.
TEST(ConfigLoader, AnErrorNamesTheFieldByItsTermInChineseFirstAndInEnglishWhenAsked) {
  json s = kSchool;
  s["legalRepresentative"] = 42;
  s.erase("name");
  const std::string doc = json{{"schools", json::array({s})}}.dump();
  auto c = parseConfig(doc, ".", "zzjb.json");
  const Finding* type = find(c, "CONFIG_TYPE");
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(type->message, "法人代表（$.schools[0].legalRepresentative）应为字符串，实为数字");
  EXPECT_EQ(test::englishRuns(type->message, {"$.schools[0].legalRepresentative"}),
            std::vector<std::string>{})
      << type->message;
  const Finding* missing = find(c, "CONFIG_MISSING");
  ASSERT_NE(missing, nullptr);
  EXPECT_EQ(missing->message, "缺少学校名称（$.schools[0].name）");

  msg::setLanguage(msg::Lang::En);
  auto en = parseConfig(doc, ".", "zzjb.json");
  msg::setLanguage(msg::Lang::ZhCN);
  const Finding* typeEn = find(en, "CONFIG_TYPE");
  ASSERT_NE(typeEn, nullptr);
  EXPECT_EQ(typeEn->message,
            "the legal representative (法人代表) ($.schools[0].legalRepresentative) must be a "
            "string, found a number");
  EXPECT_EQ(test::chineseRuns(typeEn->message, test::noticeTerms()), std::vector<std::string>{})
      << typeEn->message;
  const Finding* missingEn = find(en, "CONFIG_MISSING");
  ASSERT_NE(missingEn, nullptr);
  EXPECT_EQ(missingEn->message, "the school's name ($.schools[0].name) is missing");
  EXPECT_EQ(missingEn->code, "CONFIG_MISSING");
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

// What `zzjb catalog` writes (docs/catalog.md): version, date and withdrawn read back as written,
// and the replaced file's other keys (its matters) kept.
TEST(Catalog, WrittenCatalogReadsBackAndKeepsTheReplacedFilesOtherKeys) {
  std::vector<Finding> warnings;
  const std::string example =
      test::readFile(std::string(ZZJB_SOURCE_DIR) + "/config/catalog.example.json");
  auto cat = parseCatalog(example, "example", warnings);
  ASSERT_TRUE(cat);
  cat->version = "2026-12";
  cat->date = Date{2026, 12, 1};
  cat->items.pop_back();
  cat->withdrawn.push_back({"52310000MJ9Q8Y7W2P", "上海示范财会技能评价中心", "", "", 0, Date{2026, 12, 1}});
  cat->withdrawn.push_back({"91310115MA1K9Q7D84", "上海示范汽车服务有限公司", "4-12-01-01", "汽车维修工", 2,
                            Date{2026, 11, 2}});
  const std::string text = renderCatalog(*cat, example);
  auto back = parseCatalog(text, "written", warnings);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->version, "2026-12");
  EXPECT_EQ(back->date, (Date{2026, 12, 1}));
  EXPECT_EQ(back->items.size(), 2U);
  ASSERT_EQ(back->withdrawn.size(), 2U);
  EXPECT_TRUE(back->withdrawn[0].occupationCode.empty());
  EXPECT_EQ(back->withdrawn[1].level, 2);
  EXPECT_EQ(back->withdrawn[1].since, (Date{2026, 11, 2}));
  const json doc = json::parse(text);
  EXPECT_EQ(doc["matters"], json::parse(example)["matters"]);
  EXPECT_TRUE(warnings.empty());
}

TEST(Catalog, ABadDateIsAnErrorWithItsPath) {
  std::vector<Finding> warnings;
  auto cat = parseCatalog(R"({"version": "v", "date": "2026-13-01", "items": []})", "c", warnings);
  ASSERT_FALSE(cat);
  EXPECT_EQ(cat.error().where.jsonPath, "$.date");
  auto gone = parseCatalog(
      R"({"version": "v", "items": [], "withdrawn": [{"creditCode": "x", "since": "soon"}]})", "c",
      warnings);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().where.jsonPath, "$.withdrawn[0].since");
}

// ---- Hostile input (issue 11) ----

std::string nested(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

// A configuration text with `raw` JSON put in as the first target's options.
std::string withOptions(const std::string& raw) {
  json s = kSchool;
  s["majors"][0]["targets"][0]["options"] = "@OPTIONS@";
  std::string text = json{{"schools", json::array({s})}}.dump();
  return text.replace(text.find("\"@OPTIONS@\""), 11, raw);
}

TEST(ConfigHostile, DeepNestingInOptionsIsRefusedWithItsLineNotAStackOverflow) {
  auto c = parseConfig("{\n\"x\": 1,\n" + withOptions("{\"a\": " + nested(100000) + "}").substr(1),
                       ".", "zzjb.json");
  EXPECT_FALSE(c.config);
  ASSERT_EQ(c.findings.size(), 1U);
  EXPECT_EQ(c.findings[0].code, "JSON_TOO_DEEP");
  EXPECT_EQ(c.findings[0].kind, FindingKind::Config);
  EXPECT_EQ(c.findings[0].where.line, 3U);
  EXPECT_NE(c.findings[0].message.find("64"), std::string::npos) << c.findings[0].message;
}

TEST(ConfigHostile, DeepNestingInScheduleIsRefusedAndSixtyFourLevelsAreNot) {
  auto deep = parseConfig("{\"schedule\": " + nested(65) + ", \"schools\": []}", ".", "z.json");
  ASSERT_EQ(deep.findings.size(), 1U);
  EXPECT_EQ(deep.findings[0].code, "JSON_TOO_DEEP");
  auto fine = parseConfig("{\"schedule\": " + nested(63) + ", \"schools\": []}", ".", "z.json");
  EXPECT_TRUE(fine.config);  // 63 arrays inside the top object: 64 levels
}

TEST(ConfigHostile, ANumberBeyondADoubleIsAFindingWithItsLine) {
  json s = kSchool;
  std::string text = json{{"schools", json::array({s})}}.dump(2);
  text.replace(text.find("\"level\": 4"), 10, "\"level\": 7e999");
  auto c = parseConfig(text, ".", "zzjb.json");
  EXPECT_FALSE(c.config);
  ASSERT_EQ(c.findings.size(), 1U);
  EXPECT_EQ(c.findings[0].code, "JSON_NUMBER_RANGE");
  const std::size_t line = static_cast<std::size_t>(
      std::count(text.begin(), text.begin() + static_cast<long>(text.find("7e999")), '\n') + 1);
  EXPECT_EQ(c.findings[0].where.line, line);
  EXPECT_EQ(c.findings[0].message.find("7e999"), std::string::npos) << "no echo of the input";
}

TEST(ConfigHostile, ALevelThatWouldWrapToFourIsRefusedNotReadAsFour) {
  for (const char* big :
       {"4294967300", "18446744073709551615", "-4294967292", "9223372036854775807"}) {
    json s = kSchool;
    std::string text = json{{"schools", json::array({s})}}.dump();
    text.replace(text.find("\"level\":4"), 9, std::string("\"level\":") + big);
    auto c = parseConfig(text, ".", "zzjb.json");
    ASSERT_TRUE(c.config) << big;
    const Finding* f = find(c, "CONFIG_RANGE");
    ASSERT_NE(f, nullptr) << big;
    EXPECT_EQ(f->where.jsonPath, "$.schools[0].majors[0].targets[0].level");
    EXPECT_EQ(f->severity, Severity::Error);
    ASSERT_EQ(c.config->schools.size(), 1U);
    EXPECT_TRUE(c.config->schools[0].majors[0].targets.empty()) << big << " was read as a level";
  }
}

TEST(ConfigHostile, AFractionalLevelIsNotTruncated) {
  json s = kSchool;
  s["majors"][0]["targets"][0]["level"] = 4.5;
  auto c = parseConfig(json{{"schools", json::array({s})}}.dump(), ".", "zzjb.json");
  ASSERT_NE(find(c, "CONFIG_TYPE"), nullptr);
  EXPECT_TRUE(c.config->schools[0].majors[0].targets.empty());
}

TEST(ConfigHostile, TimeoutAndCatalogLevelsAreRangeChecked) {
  auto c = parseConfig(R"({"platform": {"timeoutSeconds": 4294967326}, "schools": []})", ".", "z");
  const Finding* f = find(c, "CONFIG_RANGE");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->where.jsonPath, "$.platform.timeoutSeconds");
  EXPECT_EQ(c.config->platform.timeoutSeconds, 30);

  std::vector<Finding> warnings;
  auto cat =
      parseCatalog(R"({"items": [{"org": {"name": "x", "creditCode": "y", "type": "EMPLOYER"},
      "occupations": [{"code": "4-04-05-01", "name": "n", "levels": [3, 4294967300]}]}]})",
                   "cat.json", warnings);
  ASSERT_FALSE(cat);
  EXPECT_EQ(cat.error().code, "CONFIG_RANGE");
  EXPECT_EQ(cat.error().where.jsonPath, "$.items[0].occupations[0].levels[1]");
}

TEST(ConfigLoader, ThePaceOfAPassIsReadFromPlatformWithItsDefaults) {
  auto defaults = parseConfig(R"({"schools": []})", ".", "z");
  ASSERT_TRUE(defaults.config);
  EXPECT_EQ(defaults.config->platform.maxConcurrentSchools, 8);
  EXPECT_EQ(defaults.config->platform.maxRequestsPerSecond, 0);
  EXPECT_EQ(defaults.config->platform.maxBatchRows, 5000);
  EXPECT_EQ(defaults.config->platform.pollIntervalMs, 250);
  auto c = parseConfig(R"({"platform": {"maxConcurrentSchools": 3, "maxRequestsPerSecond": 2.5,
                           "maxBatchRows": 20, "pollIntervalMs": 0}, "schools": []})",
                       ".", "z");
  ASSERT_TRUE(c.config);
  for (const auto& f : c.findings) EXPECT_FALSE(f.where.jsonPath.starts_with("$.platform")) << f.code;
  EXPECT_EQ(c.config->platform.maxConcurrentSchools, 3);
  EXPECT_EQ(c.config->platform.maxRequestsPerSecond, 2.5);
  EXPECT_EQ(c.config->platform.maxBatchRows, 20);
  EXPECT_EQ(c.config->platform.pollIntervalMs, 0);
}

TEST(ConfigHostile, ThePaceOfAPassIsRangeCheckedAndKeepsItsDefaults) {
  for (const auto& [member, value] : std::vector<std::pair<std::string, std::string>>{
           {"maxConcurrentSchools", "0"}, {"maxConcurrentSchools", "65"},
           {"maxConcurrentSchools", "4294967304"}, {"maxBatchRows", "0"},
           {"maxBatchRows", "5001"}, {"pollIntervalMs", "-1"}, {"maxRequestsPerSecond", "-0.5"},
           {"maxRequestsPerSecond", "1e6"}}) {
    auto c = parseConfig(R"({"platform": {")" + member + "\": " + value + R"(}, "schools": []})",
                         ".", "z");
    const Finding* f = find(c, "CONFIG_RANGE");
    ASSERT_NE(f, nullptr) << member << " " << value;
    EXPECT_EQ(f->where.jsonPath, "$.platform." + member);
    ASSERT_TRUE(c.config);
    EXPECT_EQ(c.config->platform.maxConcurrentSchools, 8);
    EXPECT_EQ(c.config->platform.maxBatchRows, 5000);
    EXPECT_EQ(c.config->platform.pollIntervalMs, 250);
    EXPECT_EQ(c.config->platform.maxRequestsPerSecond, 0);
  }
  auto wrong = parseConfig(R"({"platform": {"maxRequestsPerSecond": "10"}, "schools": []})", ".", "z");
  EXPECT_NE(find(wrong, "CONFIG_TYPE"), nullptr);
  auto fraction = parseConfig(R"({"platform": {"maxConcurrentSchools": 2.5}, "schools": []})", ".", "z");
  EXPECT_NE(find(fraction, "CONFIG_TYPE"), nullptr);
}

TEST(ConfigHostile, AnEmptySchoolIdIsAnErrorNotASilentlyDroppedSchool) {
  json s = kSchool;
  s["id"] = "";
  auto c = parseConfig(json{{"schools", json::array({s})}}.dump(), ".", "zzjb.json");
  ASSERT_TRUE(c.config);
  EXPECT_TRUE(c.config->schools.empty());
  const Finding* f = find(c, "CONFIG_SCHOOL_ID");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::Error);
  EXPECT_EQ(f->kind, FindingKind::Config);
  EXPECT_EQ(f->where.jsonPath, "$.schools[0].id");
  EXPECT_NE(f->message.find("学校标识（$.schools[0].id）为空"), std::string::npos) << f->message;
}

TEST(ConfigHostile, SchoolIdsThatNameOtherPlacesAreRefusedAndTheSchoolLeftOut) {
  for (const char* id :
       {"../x", "/abs/path", "..", ".", ".hidden", "a/b", "a\\b", "x y", "-rf", "学校"}) {
    json bad = kSchool;
    bad["id"] = id;
    json good = kSchool;
    good["id"] = "xuhui-zz";
    auto c = parseConfig(json{{"schools", json::array({bad, good})}}.dump(), ".", "zzjb.json");
    ASSERT_TRUE(c.config) << id;
    ASSERT_EQ(c.config->schools.size(), 1U) << id;
    EXPECT_EQ(c.config->schools[0].id, "xuhui-zz");
    const Finding* f = find(c, "CONFIG_SCHOOL_ID");
    ASSERT_NE(f, nullptr) << id;
    EXPECT_EQ(f->where.jsonPath, "$.schools[0].id");
  }
  EXPECT_FALSE(isValidSchoolId(std::string(65, 'a')));
  for (const char* id : {"xuhui-zz", "s1", "A_b.c", "0"}) EXPECT_TRUE(isValidSchoolId(id)) << id;
}

TEST(ConfigHostile, BaseUrlMustBeHttpsWithAHost) {
  for (const char* url :
       {"http://127.0.0.1:8443", "ftp://x", "https://", "https:///path", "https://host?x=1",
        "https://host#f", "https://user:pw@host", "https://host:0", "https://host:99999",
        "https://host:", "https://ho st", "platform.example.cn"}) {
    auto c = parseConfig(json{{"platform", {{"baseUrl", url}}}, {"schools", json::array()}}.dump(),
                         ".", "zzjb.json");
    const Finding* f = find(c, "CONFIG_BASE_URL");
    ASSERT_NE(f, nullptr) << url;
    EXPECT_EQ(f->kind, FindingKind::Config);
    EXPECT_EQ(f->where.jsonPath, "$.platform.baseUrl");
    EXPECT_NE(f->hint.find("https://"), std::string::npos);
  }
  for (const char* url : {"https://127.0.0.1:8443", "https://zzjb.rsj.sh.gov.cn/api/",
                          "HTTPS://[::1]:9000", "https://localhost"}) {
    EXPECT_FALSE(baseUrlProblem(url)) << url << ": " << *baseUrlProblem(url);
  }
}

TEST(ConfigHostile, LongOrControlValuesAreNotEchoedAtLength) {
  json s = kSchool;
  s["level"] = std::string(5000, 'X') + "\x1b[31m";
  auto c = parseConfig(json{{"schools", json::array({s})}}.dump(), ".", "zzjb.json");
  const Finding* f = find(c, "CONFIG_ENUM");
  ASSERT_NE(f, nullptr);
  EXPECT_LT(f->message.size(), 120U) << f->message;
  EXPECT_EQ(f->message.find('\x1b'), std::string::npos);
}

TEST(ConfigHostile, DevZeroAsConfigurationOrCatalogIsRefusedAsNotARegularFile) {
  auto c = loadConfig("/dev/zero", "/dev/zero");
  EXPECT_FALSE(c.config);
  ASSERT_EQ(c.findings.size(), 1U);
  EXPECT_EQ(c.findings[0].code, "FILE_NOT_REGULAR");
  EXPECT_EQ(c.findings[0].kind, FindingKind::Config);
  EXPECT_NE(c.findings[0].message.find("配置文件"), std::string::npos) << c.findings[0].message;
  std::vector<Finding> warnings;
  auto cat = loadCatalog("/dev/zero", "/dev/zero", warnings);
  ASSERT_FALSE(cat);
  EXPECT_EQ(cat.error().code, "FILE_NOT_REGULAR");
  EXPECT_EQ(cat.error().kind, FindingKind::Config);
}

TEST(ConfigHostile, AFifoIsRefusedWithoutWaitingForAWriter) {
  TempDir tmp;
  auto fifo = tmp / "zzjb.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto start = std::chrono::steady_clock::now();
  auto c = loadConfig(fifo, "zzjb.json");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_EQ(c.findings.size(), 1U);
  EXPECT_EQ(c.findings[0].code, "FILE_NOT_REGULAR");
}

TEST(ConfigHostile, AConfigurationOverItsLimitIsRefusedNamingTheLimit) {
  TempDir tmp;
  auto path = tmp / "zzjb.json";
  test::writeFile(path, "{\"schools\": []," + std::string(4u << 20, ' ') + "}");
  auto c = loadConfig(path, "zzjb.json");
  ASSERT_EQ(c.findings.size(), 1U);
  EXPECT_EQ(c.findings[0].code, "FILE_TOO_LARGE");
  EXPECT_NE(c.findings[0].message.find(std::to_string(4u << 20)), std::string::npos)
      << c.findings[0].message;
}

// docs/security.md, rule 3: never through a final symbolic link (a planted link to /dev/zero or to
// a file of someone else's is refused by name).
TEST(ConfigHostile, ALinkAsConfigurationIsRefusedByName) {
  TempDir tmp;
  test::writeFile(tmp / "real.json", json{{"schools", json::array({kSchool})}}.dump());
  std::filesystem::create_symlink(tmp / "real.json", tmp / "zzjb.json");
  auto c = loadConfig(tmp / "zzjb.json", "zzjb.json");
  EXPECT_FALSE(c.config);
  ASSERT_EQ(c.findings.size(), 1U);
  EXPECT_EQ(c.findings[0].code, "FILE_IS_LINK");
  EXPECT_EQ(c.findings[0].kind, FindingKind::Config);
  EXPECT_NE(c.findings[0].hint.find("而不是指向它的链接"), std::string::npos) << c.findings[0].hint;
}

// What the fuzzer will try first: every input is a value (findings), never an exception.
TEST(ConfigHostile, ParseConfigAndParseCatalogNeverThrowOnHostileBytes) {
  const std::vector<std::string> inputs = {
      "",
      "\xEF\xBB\xBF",
      std::string("{\"schools\": [\0]}", 15),
      "{\"schools\": [{\"id\": \"\xC3\x28\"}]}",
      "{\"\xFF\": 1}",
      "-",
      "1e999",
      "[1e999]",
      "{\"schools\": {}}",
      "{\"schools\": [1, \"x\", null]}",
      R"({"schools": [{"id": "a", "level": "SECONDARY", "majors": [{"targets": [{"level": -1e308}]}]}]})",
      R"({"platform": {"baseUrl": 5, "timeoutSeconds": -9223372036854775808}, "schools": []})",
      R"({"catalog": 1, "trustedCAs": "x", "certificateExtensions": [], "schools": []})",
      std::string(70, '{'),
      std::string(100000, '[')};
  for (const auto& in : inputs) {
    EXPECT_NO_THROW({
      auto c = parseConfig(in, ".", "z.json");
      for (const auto& f : c.findings) static_cast<void>(json(f.message).dump());
    }) << in.substr(0, 40);
    std::vector<Finding> warnings;
    EXPECT_NO_THROW(static_cast<void>(parseCatalog(in, "c.json", warnings))) << in.substr(0, 40);
  }
}

TEST(ConfigHostile, ParseCatalogRefusesDeepNestingAndHugeNumbers) {
  std::vector<Finding> warnings;
  auto deep = parseCatalog("{\"items\": " + nested(100000) + "}", "cat.json", warnings);
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().code, "JSON_TOO_DEEP");
  auto huge = parseCatalog("{\"version\": 1e999, \"items\": []}", "cat.json", warnings);
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().code, "JSON_NUMBER_RANGE");
  EXPECT_EQ(huge.error().where.line, 1U);
}

}  // namespace
}  // namespace zzjb::config
