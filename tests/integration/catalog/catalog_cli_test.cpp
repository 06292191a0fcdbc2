// The catalog kept current (docs/catalog.md), as a user runs it: `zzjb catalog import` on the
// announcement as LibreOffice saves it and on a CSV with bad rows, `zzjb catalog sync` against the
// real zzjb-mock over TLS on port 0, and `zzjb check` on what they wrote — including the warning
// for the targets whose organisation the platform withdrew.
#include <gtest/gtest.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mock_process.hpp"
#include "run_fixture.hpp"
#include "test_support.hpp"

namespace {

using json = nlohmann::json;
using zzjb::test::MockProcess;
using zzjb::test::RunResult;
using zzjb::test::RunWorld;
using zzjb::test::shellQuote;
using zzjb::test::TempDir;
namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(ZZJB_SOURCE_DIR) / "tests" / "fixtures" / "catalog";
const fs::path kExample = fs::path(ZZJB_SOURCE_DIR) / "config" / "catalog.example.json";

int currentGraduationYear() {
  std::time_t now = std::time(nullptr) + 8 * 3600;  // Asia/Shanghai
  std::tm tm{};
  gmtime_r(&now, &tm);
  const int year = tm.tm_year + 1900;
  return tm.tm_mon + 1 >= 9 ? year + 1 : year;
}

class CatalogCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    keys_ = new TempDir();
    auto made = zzjb::test::run("bash " +
                                shellQuote(std::string(ZZJB_SOURCE_DIR) + "/scripts/make-example-keys.sh") +
                                " " + shellQuote((keys_->path() / "keys").string()));
    ASSERT_EQ(made.exitCode, 0) << made.err;
  }
  static void TearDownTestSuite() {
    delete keys_;
    keys_ = nullptr;
  }

  void SetUp() override {
    const fs::path keys = keys_->path() / "keys";
    mock_.emplace(tmp_.path() / "mock",
                  std::vector<std::string>{"--trust-ca", (keys / "ca.pem").string(), "--trust-ca",
                                           (keys / "ca-sm2.pem").string(), "--catalog",
                                           kExample.string(), "--seed", "7"},
                  ZZJB_MOCK_BIN);
    ASSERT_TRUE(mock_->running()) << zzjb::test::readFile(tmp_.path() / "mock" / "stderr");
  }

  void TearDown() override {
    if (mock_) {
      EXPECT_EQ(mock_->stop(), 0);
    }
  }

  // Two schools: xuhui-zz relies on the social organisation (计算机程序设计员 四级), pudong-gz on
  // it (三级) and on the employer (汽车维修工 三级). Their catalog is catalog_ (not made here).
  RunWorld makeWorld() {
    zzjb::test::RunWorldOptions o;
    o.studentsPerMajor = 3;
    o.graduationYear = currentGraduationYear();
    o.baseUrl = mock_->base();
    o.caBundle = mock_->caFile();
    o.keysDir = keys_->path() / "keys";
    o.catalog = catalog_;
    return zzjb::test::makeRunWorld(tmp_.path() / "world", o);
  }

  json admin(const std::string& method, const std::string& path, const std::string& body = "") {
    std::string cmd = "curl -sS --max-time 30 --cacert " + shellQuote(mock_->caFile().string()) +
                      " -X " + method + " ";
    if (!body.empty()) {
      cmd += "-H 'Content-Type: application/json' --data-binary " + shellQuote(body) + " ";
    }
    auto r = zzjb::test::run(cmd + shellQuote(mock_->base() + path));
    EXPECT_EQ(r.exitCode, 0) << r.err;
    try {
      return json::parse(r.out);
    } catch (const std::exception&) {
      ADD_FAILURE() << "admin " << path << " answered: " << r.out;
      return json();
    }
  }

  RunResult zzjb(const std::string& args) {
    return zzjb::test::run("env ZZJB_LANG=en " + shellQuote(ZZJB_BIN) + " " + args);
  }

  json check(const RunWorld& w, const std::string& extra = "") {
    auto r = zzjb("check --json -c " + shellQuote(w.config.string()) + " " + extra);
    try {
      return json::parse(r.out);
    } catch (const std::exception&) {
      ADD_FAILURE() << "check printed: " << r.out << r.err;
      return json();
    }
  }

  // Every finding of `check` with this code: "school|jsonPath" (school empty for global ones).
  static std::vector<std::string> findings(const json& doc, const std::string& code) {
    std::vector<std::string> out;
    auto scan = [&](const json& fs, const std::string& school) {
      for (const auto& f : fs) {
        if (f.value("code", "") == code) out.push_back(school + "|" + f.value("jsonPath", ""));
      }
    };
    scan(doc.value("findings", json::array()), "");
    for (const auto& s : doc.value("schools", json::array())) {
      scan(s.value("findings", json::array()), s.value("school", ""));
    }
    return out;
  }

  json catalogFile() { return json::parse(zzjb::test::readFile(catalog_)); }

  static TempDir* keys_;
  TempDir tmp_;
  fs::path catalog_ = tmp_.path() / "catalog.json";
  std::optional<MockProcess> mock_;
};

TempDir* CatalogCli::keys_ = nullptr;

constexpr const char* kEmployerTarget = "pudong-gz|$.schools[1].majors[0].targets[0].evaluationOrg";

TEST_F(CatalogCli, ImportedLibreOfficeAnnouncementIsTheCatalogCheckUses) {
  const RunWorld w = makeWorld();
  auto r = zzjb("catalog import " + shellQuote((kFixtures / "announcement.xlsx").string()) +
                " -c " + shellQuote(w.config.string()) + " --version 2026-11-announcement --date 2026-11-20");
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  const json cat = catalogFile();
  EXPECT_EQ(cat["version"], "2026-11-announcement");
  EXPECT_EQ(cat["date"], "2026-11-20");
  ASSERT_EQ(cat["items"].size(), 3U);
  // 三级/高级工、四级/中级工、五级/初级工; the merged-down row is the same organisation's.
  EXPECT_EQ(cat["items"][0]["occupations"][0]["levels"], json::parse("[3, 4, 5]"));
  EXPECT_EQ(cat["items"][0]["occupations"][1]["code"], "4-04-05-02");
  EXPECT_EQ(cat["items"][1]["org"]["type"], "EMPLOYER");

  const json doc = check(w);
  EXPECT_EQ(doc["catalog"]["version"], "2026-11-announcement");
  EXPECT_EQ(doc["catalog"]["date"], "2026-11-20");
  EXPECT_EQ(doc["catalog"]["organisations"], 3);
  EXPECT_TRUE(findings(doc, "ORG_NOT_REGISTERED").empty()) << doc.dump(1);
  EXPECT_TRUE(findings(doc, "ORG_TYPE_MISMATCH").empty());
  EXPECT_TRUE(findings(doc, "CATALOG_OLD").empty());
  // Half a year on, the catalog is old.
  const json later = check(w, "--today 2027-06-30");
  EXPECT_EQ(findings(later, "CATALOG_OLD").size(), 1U) << later["findings"].dump(1);
}

TEST_F(CatalogCli, CsvWithBadRowsImportsTheRestAndNamesEachLeftOutLine) {
  const fs::path csv = kFixtures / "announcement-bad-rows.csv";
  auto r = zzjb("catalog import " + shellQuote(csv.string()) + " -o " + shellQuote(catalog_.string()));
  EXPECT_EQ(r.exitCode, 65) << r.out << r.err;
  for (int line : {3, 4, 5, 6}) {
    EXPECT_NE(r.err.find(csv.string() + ":" + std::to_string(line)), std::string::npos)
        << line << "\n" << r.err;
  }
  EXPECT_EQ(r.err.find(csv.string() + ":2"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(csv.string() + ":7"), std::string::npos) << r.err;
  const json cat = catalogFile();
  EXPECT_EQ(cat["version"], "announcement-bad-rows");
  ASSERT_EQ(cat["items"].size(), 2U);
  EXPECT_EQ(cat["items"][1]["occupations"][0]["levels"], json::parse("[3, 4, 5]"));

  // A dry run of the same writes nothing.
  fs::remove(catalog_);
  r = zzjb("catalog import " + shellQuote(csv.string()) + " -o " + shellQuote(catalog_.string()) +
           " --dry-run");
  EXPECT_EQ(r.exitCode, 65);
  EXPECT_FALSE(fs::exists(catalog_));
}

TEST_F(CatalogCli, SyncWritesThePlatformsCatalogAndCheckWarnsWhenAnOrganisationIsWithdrawn) {
  fs::copy_file(kExample, catalog_);  // the hand-kept file, with its matters
  const RunWorld w = makeWorld();
  auto r = zzjb("catalog sync -c " + shellQuote(w.config.string()) + " --date 2026-11-30");
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  json cat = catalogFile();
  EXPECT_EQ(cat["version"], "2026-11-example");
  EXPECT_EQ(cat["date"], "2026-11-30");
  EXPECT_EQ(cat["items"].size(), 3U);
  EXPECT_EQ(cat["matters"], json::parse(zzjb::test::readFile(kExample))["matters"]);
  EXPECT_FALSE(cat.contains("withdrawn"));
  json doc = check(w);
  EXPECT_EQ(doc["catalog"]["date"], "2026-11-30");
  EXPECT_TRUE(findings(doc, "ORG_WITHDRAWN").empty());
  EXPECT_TRUE(findings(doc, "ORG_NOT_REGISTERED").empty()) << doc.dump(1);

  // The platform withdraws the employer (上海示范汽车服务有限公司).
  json next = json::parse(zzjb::test::readFile(kExample));
  next["version"] = "2026-12";
  json kept = json::array();
  for (const auto& item : next["items"]) {
    if (item["org"]["creditCode"] != "91310115MA1K9Q7D84") kept.push_back(item);
  }
  next["items"] = kept;
  ASSERT_EQ(admin("POST", "/__admin/catalog", next.dump()).value("status", ""), "ok");
  r = zzjb("catalog sync -c " + shellQuote(w.config.string()) + " --date 2026-12-01");
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("91310115MA1K9Q7D84"), std::string::npos) << r.out;
  cat = catalogFile();
  EXPECT_EQ(cat["version"], "2026-12");
  ASSERT_EQ(cat["withdrawn"].size(), 1U) << cat.dump(1);
  EXPECT_EQ(cat["withdrawn"][0]["creditCode"], "91310115MA1K9Q7D84");
  EXPECT_EQ(cat["withdrawn"][0]["since"], "2026-12-01");

  doc = check(w);
  // Only the target that needs the employer, and nobody else.
  EXPECT_EQ(findings(doc, "ORG_WITHDRAWN"), std::vector<std::string>{kEmployerTarget}) << doc.dump(1);
  EXPECT_EQ(findings(doc, "ORG_NOT_REGISTERED"), std::vector<std::string>{kEmployerTarget});
  for (const auto& s : doc["schools"]) {
    for (const auto& f : s["findings"]) {
      if (f["code"] != "ORG_WITHDRAWN") continue;
      EXPECT_EQ(f["severity"], "warning");
      EXPECT_NE(f["message"].get<std::string>().find("2026-12-01"), std::string::npos);
    }
  }

  // A later sync keeps the first date; the organisation's return ends the warning.
  r = zzjb("catalog sync -c " + shellQuote(w.config.string()) + " --date 2026-12-05");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(catalogFile()["withdrawn"][0]["since"], "2026-12-01");
  ASSERT_EQ(admin("POST", "/__admin/catalog", zzjb::test::readFile(kExample)).value("status", ""), "ok");
  r = zzjb("catalog sync -c " + shellQuote(w.config.string()) + " --date 2026-12-06");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_TRUE(findings(check(w), "ORG_WITHDRAWN").empty());
}

TEST_F(CatalogCli, SyncRefusesAnEmptyPlatformCatalogAndKeepsTheFile) {
  fs::copy_file(kExample, catalog_);
  const RunWorld w = makeWorld();
  ASSERT_EQ(admin("POST", "/__admin/catalog", R"({"version": "empty", "items": []})").value("status", ""),
            "ok");
  auto r = zzjb("catalog sync -c " + shellQuote(w.config.string()));
  EXPECT_EQ(r.exitCode, 65) << r.out << r.err;
  EXPECT_NE(r.err.find("CATALOG_EMPTY"), std::string::npos) << r.err;
  EXPECT_EQ(zzjb::test::readFile(catalog_), zzjb::test::readFile(kExample));
}

}  // namespace
