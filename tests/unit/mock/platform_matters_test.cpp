// The catalog's matters (issue 14): which 事项 and 节点 exist, how each is opened (online or by the
// centre) and what a permission names (an occupation and a level, or an ability), checked for
// applications, admin grants and manifests; bad shapes refused at their JSON paths.
#include "mock_test_support.hpp"

namespace zzjb::mock::test {
namespace {

using MockMatters = MockTest;

// The limits docs/platform-api.md gives for the catalog's matters.
constexpr std::size_t kMaxMatters = 64;
constexpr std::size_t kMaxMatterNodes = 16;
constexpr std::size_t kMaxMatterNameBytes = 128;
constexpr std::size_t kMaxAbilityCodeBytes = 32;

json onlineAbilityMatters() {
  return json::parse(R"([
    {"name": "职业技能等级认定", "opening": "ONLINE", "scope": "OCCUPATION",
     "nodes": [{"name": "社会评价组织等级认定", "orgType": "SOCIAL_ORG"}]},
    {"name": "专项能力在线考核", "opening": "ONLINE", "scope": "ABILITY", "nodes": []}
  ])");
}

// The field of the first problem of a refused catalog (or "" when it was accepted).
std::string firstProblem(const Parsed& r) {
  if (r.status == 200) return "";
  EXPECT_EQ(r.status, 422) << r.raw.body;
  EXPECT_EQ(r.body["code"], "VALIDATION_FAILED");
  return r.body["fields"].empty() ? "?" : r.body["fields"][0]["field"].get<std::string>();
}

TEST_F(MockMatters, CentreGrantsAnAbilityMatterOfTheDefaultCatalogAndItIsListedWithItsAbility) {
  register_();  // the test catalog names no matters: the default ones apply
  ASSERT_EQ(admin("POST", "/__admin/permissions", abilityGrant()).status, 200);
  ASSERT_EQ(admin("POST", "/__admin/permissions", abilityGrant()).status, 200);  // not twice
  json items = get("/api/v1/skills/permissions").body["items"];
  ASSERT_EQ(items.size(), 1U) << items.dump();
  const json& p = items[0];
  EXPECT_EQ(p["matter"], "专项职业能力考核");
  EXPECT_TRUE(p["node"].is_null());
  EXPECT_EQ(p["abilityCode"], "ZX-0301");
  EXPECT_EQ(p["abilityName"], "网店运营");
  EXPECT_TRUE(p["occupationCode"].is_null());
  EXPECT_TRUE(p["occupationName"].is_null());
  EXPECT_TRUE(p["level"].is_null());
  EXPECT_TRUE(p["evaluationOrg"].is_null());
  EXPECT_TRUE(p["grantedAt"].is_string());
  json state = admin("GET", "/__admin/state").body["permissions"];
  ASSERT_EQ(state.size(), 1U);
  EXPECT_EQ(state[0]["creditCode"], kSm2School);
  EXPECT_EQ(state[0]["abilityCode"], "ZX-0301");
  // Another ability of the same matter is another permission.
  json other = abilityGrant();
  other["abilityCode"] = "ZX-0302";
  other["abilityName"] = "直播销售";
  ASSERT_EQ(admin("POST", "/__admin/permissions", other).status, 200);
  EXPECT_EQ(get("/api/v1/skills/permissions").body["items"].size(), 2U);
}

TEST_F(MockMatters, NoticeMatterPermissionsKeepTheirShapeWithoutAbilityFields) {
  permitted();
  json items = get("/api/v1/skills/permissions").body["items"];
  ASSERT_EQ(items.size(), 1U);
  EXPECT_FALSE(items[0].contains("abilityCode")) << items.dump();
  EXPECT_FALSE(items[0].contains("abilityName"));
  EXPECT_EQ(items[0]["occupationCode"], kOccupation);
  EXPECT_EQ(items[0]["level"], 4);
}

TEST_F(MockMatters, AbilityGrantNeedsItsAbilityAndNoOccupationLevelOrNode) {
  register_();
  auto refusedAt = [&](const json& body) {
    Parsed r = admin("POST", "/__admin/permissions", body);
    EXPECT_EQ(r.status, 422) << body.dump();
    EXPECT_EQ(r.body["code"], "VALIDATION_FAILED");
    return r.body["fields"].empty() ? std::string("?")
                                    : r.body["fields"][0]["field"].get<std::string>();
  };
  json noCode = abilityGrant();
  noCode.erase("abilityCode");
  EXPECT_EQ(refusedAt(noCode), "abilityCode");
  json badCode = abilityGrant();
  badCode["abilityCode"] = "ZX 0301";
  EXPECT_EQ(refusedAt(badCode), "abilityCode");
  json longCode = abilityGrant();
  longCode["abilityCode"] = std::string(kMaxAbilityCodeBytes + 1, 'A');
  EXPECT_EQ(refusedAt(longCode), "abilityCode");
  json noName = abilityGrant();
  noName["abilityName"] = "  ";
  EXPECT_EQ(refusedAt(noName), "abilityName");
  json withLevel = abilityGrant();
  withLevel["level"] = 4;
  EXPECT_EQ(refusedAt(withLevel), "level");
  json withOccupation = abilityGrant();
  withOccupation["occupationCode"] = kOccupation;
  EXPECT_EQ(refusedAt(withOccupation), "occupationCode");
  json withNode = abilityGrant();
  withNode["node"] = "社会评价组织等级认定";
  EXPECT_EQ(refusedAt(withNode), "node");
  json withOrg = abilityGrant();
  withOrg["evaluationOrg"] = {{"name", "上海市软件行业协会"}, {"creditCode", kSocialOrg}};
  EXPECT_EQ(refusedAt(withOrg), "evaluationOrg");
  EXPECT_TRUE(get("/api/v1/skills/permissions").body["items"].empty());
  // Nulls for the occupation's fields are accepted (an integrator may send the full shape).
  json nulls = abilityGrant();
  nulls["occupationCode"] = nullptr;
  nulls["level"] = nullptr;
  EXPECT_EQ(admin("POST", "/__admin/permissions", nulls).status, 200);
}

TEST_F(MockMatters, ApplicationForAMatterNotInTheCatalogIsUnprocessableAndNamesTheCatalog) {
  register_();
  json unknown = socialApplication();
  unknown["matter"] = "不存在的事项";
  Parsed r = submit("POST", "/api/v1/skills/permission-applications", unknown.dump(), "u");
  ASSERT_EQ(r.status, 422) << r.raw.body;
  EXPECT_EQ(r.body["code"], "VALIDATION_FAILED");
  ASSERT_FALSE(r.body["fields"].empty());
  EXPECT_EQ(r.body["fields"][0]["field"], "matter");
  const std::string message = r.body["fields"][0]["message"];
  EXPECT_NE(message.find("评价机构目录"), std::string::npos) << message;
  EXPECT_NE(message.find("只能在线申请「职业技能等级认定」权限"), std::string::npos) << message;
  // A matter the catalog knows but the centre opens: the message it always had.
  json ability = abilityGrant();
  ability.erase("creditCode");
  Parsed centre = submit("POST", "/api/v1/skills/permission-applications", ability.dump(), "c");
  ASSERT_EQ(centre.status, 422) << centre.raw.body;
  EXPECT_EQ(centre.body["fields"][0]["field"], "matter");
  EXPECT_EQ(centre.body["fields"][0]["message"], "只能在线申请「职业技能等级认定」权限");
  EXPECT_TRUE(admin("GET", "/__admin/state").body["applications"].empty());
}

TEST_F(MockMatters, CatalogMattersReplaceTheDefaultOnesForGrantsAndApplications) {
  register_();
  ASSERT_EQ(admin("POST", "/__admin/catalog", catalogWithMatters(onlineAbilityMatters())).status,
            200);
  // 专项职业能力考核 is not in this catalog; 职业技能等级认定 lost its employer node.
  Parsed gone = admin("POST", "/__admin/permissions", abilityGrant());
  ASSERT_EQ(gone.status, 422);
  EXPECT_EQ(gone.body["fields"][0]["field"], "matter");
  EXPECT_NE(gone.body["fields"][0]["message"].get<std::string>().find("「专项能力在线考核」"),
            std::string::npos)
      << gone.raw.body;
  json employer = socialApplication();
  employer["node"] = "用人单位等级认定";
  Parsed node = submit("POST", "/api/v1/skills/permission-applications", employer.dump(), "e");
  ASSERT_EQ(node.status, 422);
  EXPECT_EQ(node.body["fields"][0]["field"], "node");
  EXPECT_EQ(node.body["fields"][0]["message"], "节点名称须为「社会评价组织等级认定」");
  // An ONLINE ability matter is applied for, approved, and listed with its ability.
  ASSERT_EQ(
      admin("POST", "/__admin/review-policy", {{"mode", "auto-approve"}, {"afterPolls", 1}}).status,
      200);
  json apply{{"matter", "专项能力在线考核"},
             {"node", nullptr},
             {"abilityCode", "ZX-0301"},
             {"abilityName", "网店运营"},
             {"evaluationOrg", nullptr}};
  Parsed app = submit("POST", "/api/v1/skills/permission-applications", apply.dump(), "a");
  ASSERT_EQ(app.status, 202) << app.raw.body;
  Parsed done =
      get("/api/v1/skills/permission-applications/" + app.body["applicationId"].get<std::string>());
  EXPECT_EQ(done.body["status"], "APPROVED");
  EXPECT_EQ(done.body["abilityCode"], "ZX-0301");
  EXPECT_TRUE(done.body["level"].is_null());
  json items = get("/api/v1/skills/permissions").body["items"];
  ASSERT_EQ(items.size(), 1U);
  EXPECT_EQ(items[0]["matter"], "专项能力在线考核");
  EXPECT_EQ(items[0]["abilityName"], "网店运营");
  EXPECT_TRUE(items[0]["level"].is_null());
  // The catalog is served as it was set, matters included.
  EXPECT_EQ(get("/api/v1/skills/catalog").body["matters"], onlineAbilityMatters());
}

TEST_F(MockMatters, BadMattersAreRefusedAtTheirJsonPaths) {
  auto post = [&](const json& matters) {
    return firstProblem(admin("POST", "/__admin/catalog", catalogWithMatters(matters)));
  };
  const json good = onlineAbilityMatters();
  EXPECT_EQ(post(good), "");
  EXPECT_EQ(post(json::object()), "matters");
  EXPECT_EQ(post(json::array()), "matters");
  json many = json::array();
  for (std::size_t i = 0; i <= kMaxMatters; ++i) {
    many.push_back(
        {{"name", "事项" + std::to_string(i)}, {"opening", "CENTRE"}, {"scope", "ABILITY"}});
  }
  EXPECT_EQ(post(many), "matters");
  many.erase(many.size() - 1);
  EXPECT_EQ(post(many), "");  // exactly the limit
  auto with = [&](const std::function<void(json&)>& change) {
    json m = good;
    change(m);
    return post(m);
  };
  EXPECT_EQ(with([](json& m) { m[1] = "专项能力"; }), "matters[1]");
  EXPECT_EQ(with([](json& m) { m[1].erase("name"); }), "matters[1].name");
  EXPECT_EQ(with([](json& m) { m[1]["name"] = " "; }), "matters[1].name");
  EXPECT_EQ(with([](json& m) { m[1]["name"] = std::string(kMaxMatterNameBytes + 1, 'x'); }),
            "matters[1].name");
  EXPECT_EQ(with([](json& m) { m[1]["name"] = m[0]["name"]; }), "matters[1].name");
  EXPECT_EQ(with([](json& m) { m[1]["opening"] = "SOMETIMES"; }), "matters[1].opening");
  EXPECT_EQ(with([](json& m) { m[1].erase("opening"); }), "matters[1].opening");
  EXPECT_EQ(with([](json& m) { m[1]["scope"] = json::array({"abilityCode"}); }),
            "matters[1].scope");
  EXPECT_EQ(with([](json& m) { m[1]["levels"] = json::array({4}); }), "matters[1]");
  EXPECT_EQ(with([](json& m) { m[0]["nodes"] = "社会评价组织等级认定"; }), "matters[0].nodes");
  EXPECT_EQ(with([](json& m) { m[0]["nodes"][0] = "社会评价组织等级认定"; }),
            "matters[0].nodes[0]");
  EXPECT_EQ(with([](json& m) { m[0]["nodes"][0].erase("name"); }), "matters[0].nodes[0].name");
  EXPECT_EQ(with([](json& m) { m[0]["nodes"][0]["orgType"] = "SCHOOL"; }),
            "matters[0].nodes[0].orgType");
  EXPECT_EQ(with([](json& m) { m[0]["nodes"][0]["extra"] = 1; }), "matters[0].nodes[0]");
  EXPECT_EQ(with([](json& m) { m[0]["nodes"].push_back(m[0]["nodes"][0]); }),
            "matters[0].nodes[1].name");
  EXPECT_EQ(with([](json& m) {
              for (std::size_t i = 0; i < kMaxMatterNodes; ++i)
                m[0]["nodes"].push_back({{"name", "节点" + std::to_string(i)}});
            }),
            "matters[0].nodes");
  json noOrg = good;  // a node without an organisation
  noOrg[0]["nodes"][0]["orgType"] = nullptr;
  EXPECT_EQ(post(noOrg), "");
  // A refused catalog leaves the one in force.
  EXPECT_EQ(post(json::array()), "matters");
  logIn(sm2School());
  EXPECT_EQ(get("/api/v1/skills/catalog").body["matters"], noOrg);
}

TEST_F(MockMatters, CatalogFileWithBadMattersStopsTheConstructorNamingThePath) {
  PlatformOptions bad = options_;
  json catalog = catalogWithMatters(onlineAbilityMatters());
  catalog["matters"][1]["scope"] = "LEVEL";
  zzjb::test::writeFile(tmp_ / "bad-matters.json", catalog.dump());
  bad.catalogFile = (tmp_ / "bad-matters.json").string();
  try {
    Platform p{bad};
    ADD_FAILURE() << "a catalog with a bad matter was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("matters[1].scope"), std::string::npos) << e.what();
  }
}

TEST_F(MockMatters, ExampleCatalogDescribesTheThreeMattersAndIsAccepted) {
  PlatformOptions example = options_;
  example.catalogFile = std::string(ZZJB_SOURCE_DIR) + "/config/catalog.example.json";
  Platform p{example};  // throws if refused
  json catalog = json::parse(zzjb::test::readFile(example.catalogFile));
  std::map<std::string, json> byName;
  for (const auto& m : catalog["matters"]) byName[m["name"]] = m;
  ASSERT_EQ(byName.size(), 3U);
  EXPECT_EQ(byName["职业技能等级认定"]["opening"], "ONLINE");
  EXPECT_EQ(byName["职业技能等级认定"]["nodes"].size(), 2U);
  EXPECT_EQ(byName["职业资格鉴定"]["opening"], "CENTRE");
  EXPECT_EQ(byName["专项职业能力考核"]["opening"], "CENTRE");
  EXPECT_EQ(byName["专项职业能力考核"]["scope"], "ABILITY");
  EXPECT_TRUE(byName["专项职业能力考核"]["nodes"].empty());
}

TEST_F(MockMatters, AbilityPermissionSurvivesSaveAndLoadAndABadCatalogInAStateIsRefused) {
  register_();
  ASSERT_EQ(admin("POST", "/__admin/permissions", abilityGrant()).status, 200);
  ASSERT_EQ(admin("POST", "/__admin/permissions", qualificationGrant()).status, 200);
  const std::string saved = platform_->saveState();
  // An occupation's permission is saved as before issue 14 (no ability keys): old states load.
  EXPECT_FALSE(json::parse(saved)["permissions"][1].contains("abilityCode")) << saved;
  std::string error;
  ASSERT_EQ(admin("POST", "/__admin/reset").status, 200);
  ASSERT_TRUE(platform_->loadState(saved, error)) << error;
  json p = admin("GET", "/__admin/state").body["permissions"];
  ASSERT_EQ(p.size(), 2U);
  EXPECT_EQ(p[0]["abilityName"], "网店运营");
  EXPECT_EQ(p[1]["level"], 4);
  json doc = json::parse(saved);
  doc["catalog"]["matters"] = json::array({{{"name", "x"}}});
  EXPECT_FALSE(platform_->loadState(doc.dump(), error));
  EXPECT_NE(error.find("matters[0]"), std::string::npos) << error;
  doc = json::parse(saved);
  doc["permissions"][0]["abilityName"] = 7;
  EXPECT_FALSE(platform_->loadState(doc.dump(), error));
  EXPECT_EQ(admin("GET", "/__admin/state").body["permissions"].size(), 2U);  // kept
}

}  // namespace
}  // namespace zzjb::mock::test
