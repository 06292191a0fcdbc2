// Group declarations of an ability (专项职业能力考核, issue 14): the ability's manifest, its
// 14-column sheet, its rows (no 申报等级; DUPLICATE per ability), the batches and declarations that
// carry abilityCode, the abilityCode filter, matters that need no permission (opening NONE) and
// the state file, driven through Platform::handle.
#include "mock_test_support.hpp"

namespace zzjb::mock::test {
namespace {

class MockAbility : public MockTest {
 protected:
  void SetUp() override {
    MockTest::SetUp();
    // One poll processes a batch.
    ASSERT_EQ(admin("POST", "/__admin/batch-policy", {{"doneAfterPolls", 1}}).status, 200);
  }
  void grantAbility(const std::string& code = kAbility, const std::string& school = kSm2School) {
    json g = abilityGrant();
    g["abilityCode"] = code;
    g["creditCode"] = school;
    ASSERT_EQ(admin("POST", "/__admin/permissions", g).status, 200);
  }
  std::string sheet(const std::vector<std::string>& header,
                    const std::vector<std::vector<std::string>>& students) {
    std::vector<std::vector<std::string>> rows{header};
    rows.insert(rows.end(), students.begin(), students.end());
    return xlsxBytes(tmp_, rows);
  }
  Parsed declareAbility(const std::vector<std::vector<std::string>>& students,
                        const std::string& key, const std::string& code = kAbility) {
    const std::string file = sheet(abilityTemplateHeader(), students);
    return upload(abilityManifestFor(file, students.size(), code), file, key);
  }
  Parsed declareOccupation(const std::vector<std::vector<std::string>>& students,
                           const std::string& key) {
    const std::string file = sheet(templateHeader(), students);
    return upload(manifestFor(file, students.size()), file, key);
  }
  // Polls the accepted batch once (it is then DONE) and returns it.
  json done(const Parsed& accepted) {
    EXPECT_EQ(accepted.status, 202) << accepted.raw.body;
    if (accepted.status != 202) return json::object();
    Parsed r =
        get("/api/v1/skills/group-declarations/" + accepted.body["batchId"].get<std::string>());
    EXPECT_EQ(r.body["status"], "DONE") << r.raw.body;
    return r.body;
  }
  // The row results' reasons ("ACCEPTED" for an accepted row).
  static std::vector<std::string> reasons(const json& batch) {
    std::vector<std::string> out;
    for (const auto& row : batch.value("rows", json::array())) {
      out.push_back(row["reason"].is_null() ? "ACCEPTED" : row["reason"].get<std::string>());
    }
    return out;
  }
  std::string id(int seq) { return studentId("20090315", seq, true); }
  static std::string firstField(const Parsed& r) {
    return r.body.contains("fields") && !r.body["fields"].empty()
               ? r.body["fields"][0]["field"].get<std::string>()
               : std::string("?");
  }
};

using Rows = std::vector<std::string>;

TEST_F(MockAbility, AbilityBatchAfterACentreGrantIsAcceptedAndItsDeclarationsCarryTheAbility) {
  register_();
  grantAbility();
  const int year = gradYear();
  Parsed r = declareAbility({abilityStudentRow(1, id(1), year), abilityStudentRow(2, id(2), year)},
                            "ability-1");
  ASSERT_EQ(r.status, 202) << r.raw.body;
  EXPECT_EQ(r.body["status"], "RECEIVED");
  const json batch = done(r);
  EXPECT_EQ(reasons(batch), (Rows{"ACCEPTED", "ACCEPTED"}));
  EXPECT_EQ(batch["abilityCode"], kAbility);
  EXPECT_TRUE(batch["occupationCode"].is_null()) << batch.dump();
  EXPECT_TRUE(batch["level"].is_null());
  EXPECT_EQ(batch["rowCount"], 2);
  EXPECT_TRUE(batch["rows"][0]["declarationNo"].is_string());
  // The idempotency-key lookup shows the same batch.
  json found = get("/api/v1/skills/group-declarations?idempotencyKey=ability-1").body["items"];
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0]["abilityCode"], kAbility);
  EXPECT_TRUE(found[0]["level"].is_null());

  json items = get("/api/v1/skills/declarations").body["items"];
  ASSERT_EQ(items.size(), 2U) << items.dump();
  EXPECT_EQ(items[0]["idNumber"], id(1));
  EXPECT_EQ(items[0]["name"], "学生1");
  EXPECT_EQ(items[0]["abilityCode"], kAbility);
  EXPECT_EQ(items[0]["abilityName"], "网店运营");
  EXPECT_TRUE(items[0]["occupationCode"].is_null());
  EXPECT_TRUE(items[0]["level"].is_null());
  EXPECT_EQ(items[0]["batchId"], r.body["batchId"]);
  EXPECT_EQ(items[0]["declarationNo"], batch["rows"][0]["declarationNo"]);

  const json st = admin("GET", "/__admin/state").body;
  ASSERT_EQ(st["batches"].size(), 1U);
  EXPECT_EQ(st["batches"][0]["abilityCode"], kAbility);
  EXPECT_TRUE(st["batches"][0]["occupationCode"].is_null());
  EXPECT_TRUE(st["batches"][0]["level"].is_null());
  ASSERT_EQ(st["declarations"].size(), 2U);
  EXPECT_EQ(st["declarations"][1]["abilityCode"], kAbility);
  EXPECT_TRUE(st["declarations"][1]["occupationCode"].is_null());
}

TEST_F(MockAbility, OccupationBatchesAndDeclarationsShowANullAbilityCode) {
  permitted();
  const json batch = done(declareOccupation({studentRow(1, id(1), gradYear())}, "occ"));
  EXPECT_EQ(reasons(batch), (Rows{"ACCEPTED"}));
  EXPECT_TRUE(batch.contains("abilityCode"));
  EXPECT_TRUE(batch["abilityCode"].is_null());
  EXPECT_EQ(batch["occupationCode"], kOccupation);
  EXPECT_EQ(batch["level"], 4);
  json items = get("/api/v1/skills/declarations").body["items"];
  ASSERT_EQ(items.size(), 1U);
  EXPECT_TRUE(items[0].contains("abilityCode"));
  EXPECT_TRUE(items[0]["abilityCode"].is_null());
  EXPECT_TRUE(items[0]["abilityName"].is_null());
  EXPECT_EQ(items[0]["level"], 4);
  const json st = admin("GET", "/__admin/state").body;
  EXPECT_TRUE(st["batches"][0]["abilityCode"].is_null());
  EXPECT_TRUE(st["declarations"][0]["abilityCode"].is_null());
  EXPECT_EQ(st["declarations"][0]["level"], 4);
}

TEST_F(MockAbility, AbilityBatchWithoutAGrantOfThatAbilityIsPermissionRequired) {
  register_();
  const auto row = abilityStudentRow(1, id(1), gradYear());
  Parsed none = declareAbility({row}, "a");
  ASSERT_EQ(none.status, 403) << none.raw.body;
  EXPECT_EQ(none.body["code"], "PERMISSION_REQUIRED");
  grantAbility("ZX-0302");  // another ability of the same matter
  ASSERT_EQ(admin("POST", "/__admin/permissions", qualificationGrant()).status, 200);
  Parsed other = declareAbility({row}, "b");
  EXPECT_EQ(other.body["code"], "PERMISSION_REQUIRED");
  grantAbility();
  EXPECT_EQ(declareAbility({row}, "c").status, 202);
  EXPECT_EQ(admin("GET", "/__admin/state").body["batches"].size(), 1U);
}

TEST_F(MockAbility, AbilityManifestFieldsAreCheckedAndTheOccupationsMustBeNull) {
  register_();
  grantAbility();
  const std::string file =
      sheet(abilityTemplateHeader(), {abilityStudentRow(1, id(1), gradYear())});
  auto refusedAt = [&](const std::function<void(json&)>& change) {
    json m = abilityManifestFor(file, 1);
    change(m);
    static int n = 0;
    Parsed r = upload(m, file, "bad-" + std::to_string(++n));
    EXPECT_EQ(r.status, 422) << m.dump();
    EXPECT_EQ(r.body["code"], "VALIDATION_FAILED");
    return firstField(r);
  };
  EXPECT_EQ(refusedAt([](json& m) { m.erase("abilityCode"); }), "abilityCode");
  EXPECT_EQ(refusedAt([](json& m) { m["abilityCode"] = "ZX 0301"; }), "abilityCode");
  EXPECT_EQ(refusedAt([](json& m) { m["abilityCode"] = std::string(33, 'A'); }), "abilityCode");
  EXPECT_EQ(refusedAt([](json& m) { m["abilityName"] = ""; }), "abilityName");
  EXPECT_EQ(refusedAt([](json& m) { m["abilityName"] = std::string(129, 'x'); }), "abilityName");
  EXPECT_EQ(refusedAt([](json& m) { m["occupationCode"] = kOccupation; }), "occupationCode");
  EXPECT_EQ(refusedAt([](json& m) { m["occupationName"] = "计算机程序设计员"; }), "occupationName");
  EXPECT_EQ(refusedAt([](json& m) { m["level"] = 4; }), "level");
  EXPECT_EQ(refusedAt([](json& m) { m["node"] = "社会评价组织等级认定"; }), "node");
  EXPECT_TRUE(admin("GET", "/__admin/state").body["batches"].empty());
  // The occupation's fields present as null are the same as absent.
  json nulls = abilityManifestFor(file, 1);
  nulls["occupationCode"] = nullptr;
  nulls["occupationName"] = nullptr;
  nulls["level"] = nullptr;
  nulls["abilityName"] = " 网店运营 ";  // kept trimmed, as a permission's
  EXPECT_EQ(reasons(done(upload(nulls, file, "nulls"))), (Rows{"ACCEPTED"}));
  EXPECT_EQ(get("/api/v1/skills/declarations").body["items"][0]["abilityName"], "网店运营");
}

TEST_F(MockAbility, OccupationSheetIsRefusedForAnAbilityMatterAndViceVersaNamingTheColumn) {
  permitted();
  grantAbility();
  const int year = gradYear();
  const std::string occupationSheet = sheet(templateHeader(), {studentRow(1, id(1), year)});
  Parsed a = upload(abilityManifestFor(occupationSheet, 1), occupationSheet, "a");
  ASSERT_EQ(a.status, 422) << a.raw.body;
  EXPECT_EQ(firstField(a), "file");
  EXPECT_EQ(a.body["fields"][0]["message"], "第 13 列表头应为「专项能力名称」");

  const std::string abilitySheet =
      sheet(abilityTemplateHeader(), {abilityStudentRow(1, id(1), year)});
  Parsed o = upload(manifestFor(abilitySheet, 1), abilitySheet, "o");
  ASSERT_EQ(o.status, 422) << o.raw.body;
  EXPECT_EQ(firstField(o), "file");
  EXPECT_EQ(o.body["fields"][0]["message"], "第 13 列表头应为「职业名称」");

  // A short ability header names its first missing column; extra columns after it are allowed.
  auto header = abilityTemplateHeader();
  header.pop_back();
  const std::string shortSheet = sheet(header, {abilityStudentRow(1, id(1), year)});
  Parsed s = upload(abilityManifestFor(shortSheet, 1), shortSheet, "s");
  ASSERT_EQ(s.status, 422);
  EXPECT_EQ(s.body["fields"][0]["message"], "第 14 列表头应为「专项能力编码」");
  header = abilityTemplateHeader();
  header.push_back("备注");
  auto row = abilityStudentRow(1, id(1), year);
  row.push_back("周末班");
  const std::string wide = sheet(header, {row});
  const json batch = done(upload(abilityManifestFor(wide, 1), wide, "w"));
  EXPECT_EQ(reasons(batch), (Rows{"ACCEPTED"}));
  EXPECT_EQ(admin("GET", "/__admin/state").body["batches"].size(), 1U);
}

TEST_F(MockAbility, AbilityRowsAreJudgedWithoutALevelAndAnotherAbilityCodeIsFieldInvalid) {
  register_();
  grantAbility();
  const int year = gradYear();
  auto other = abilityStudentRow(2, id(2), year, "ZX-0302");
  auto lastYear = abilityStudentRow(3, id(3), year - 1);
  auto badMobile = abilityStudentRow(4, id(4), year);
  badMobile[6] = "1234";
  auto badId = abilityStudentRow(5, id(5), year);
  badId[3].back() = badId[3].back() == '0' ? '1' : '0';
  const json batch = done(
      declareAbility({abilityStudentRow(1, id(1), year), other, lastYear, badMobile, badId}, "r"));
  EXPECT_EQ(reasons(batch),
            (Rows{"ACCEPTED", "FIELD_INVALID", "NOT_GRADUATING", "FIELD_INVALID", "ID_INVALID"}));
  EXPECT_EQ(batch["rows"][1]["message"], "专项能力编码与申报清单不一致");
  // The row of a 高职 school is judged the same: no level to be allowed or not.
  register_(rsaSchool(), kRsaSchool, "HIGHER");
  grantAbility(kAbility, kRsaSchool);
  const json higher = done(declareAbility({abilityStudentRow(1, id(11), year)}, "h"));
  EXPECT_EQ(reasons(higher), (Rows{"ACCEPTED"}));
}

TEST_F(MockAbility, DuplicateIsPerAbilityAndNeverAcrossAnOccupation) {
  permitted();  // the SM2 school may declare kOccupation at level 4
  grantAbility();
  grantAbility("ZX-0302");
  const int year = gradYear();
  // Student 1 first for the occupation, student 2 first for the ability.
  EXPECT_EQ(reasons(done(declareOccupation({studentRow(1, id(1), year)}, "o1"))),
            (Rows{"ACCEPTED"}));
  EXPECT_EQ(reasons(done(declareAbility(
                {abilityStudentRow(1, id(1), year), abilityStudentRow(2, id(2), year),
                 abilityStudentRow(3, id(2), year)},
                "a1"))),
            (Rows{"ACCEPTED", "ACCEPTED", "DUPLICATE"}));  // earlier in this batch
  EXPECT_EQ(reasons(done(declareOccupation({studentRow(1, id(2), year)}, "o2"))),
            (Rows{"ACCEPTED"}));
  // An earlier batch of the same ability; another ability of the same matter is no duplicate.
  EXPECT_EQ(reasons(done(declareAbility({abilityStudentRow(1, id(1), year)}, "a2"))),
            (Rows{"DUPLICATE"}));
  EXPECT_EQ(reasons(done(
                declareAbility({abilityStudentRow(1, id(1), year, "ZX-0302")}, "a3", "ZX-0302"))),
            (Rows{"ACCEPTED"}));
  // Another school's earlier declaration of the same ability.
  register_(rsaSchool(), kRsaSchool, "HIGHER");
  grantAbility(kAbility, kRsaSchool);
  EXPECT_EQ(reasons(done(declareAbility(
                {abilityStudentRow(1, id(2), year), abilityStudentRow(2, id(3), year)}, "r1"))),
            (Rows{"DUPLICATE", "ACCEPTED"}));
}

TEST_F(MockAbility, DeclarationsAreFilteredByAbilityCodeCombinedWithTheOtherFilters) {
  permitted();
  grantAbility();
  grantAbility("ZX-0302");
  const int year = gradYear();
  done(declareOccupation({studentRow(1, id(1), year)}, "o"));
  done(declareAbility({abilityStudentRow(1, id(2), year), abilityStudentRow(2, id(3), year)}, "a"));
  done(declareAbility({abilityStudentRow(1, id(4), year, "ZX-0302")}, "b", "ZX-0302"));
  auto count = [&](const std::string& query) {
    Parsed r = get("/api/v1/skills/declarations" + query);
    EXPECT_EQ(r.status, 200) << query << " " << r.raw.body;
    return r.body["items"].size();
  };
  EXPECT_EQ(count(""), 4U);
  EXPECT_EQ(count("?abilityCode=ZX-0301"), 2U);
  EXPECT_EQ(count("?abilityCode=ZX-0302"), 1U);
  EXPECT_EQ(count("?abilityCode=ZX-9999"), 0U);
  EXPECT_EQ(count("?abilityCode="), 4U);  // empty: no filter, as for the others
  EXPECT_EQ(count("?occupationCode=4-04-05-01"), 1U);
  EXPECT_EQ(count("?level=4"), 1U);
  EXPECT_EQ(count("?abilityCode=ZX-0301&level=4"), 0U);
  EXPECT_EQ(count("?abilityCode=ZX-0301&occupationCode=4-04-05-01"), 0U);
  json items = get("/api/v1/skills/declarations?abilityCode=ZX-0302").body["items"];
  ASSERT_EQ(items.size(), 1U);
  EXPECT_EQ(items[0]["idNumber"], id(4));
  EXPECT_EQ(get("/api/v1/skills/declarations?abilityCode=ZX-0301&level=x").body["code"],
            "BAD_REQUEST");
}

// A catalog whose matters include two that need no permission (opening NONE).
json noPermissionMatters() {
  return json::parse(R"([
    {"name": "职业技能等级认定", "opening": "ONLINE", "scope": "OCCUPATION",
     "nodes": [{"name": "社会评价组织等级认定", "orgType": "SOCIAL_ORG"}]},
    {"name": "专项职业能力考核", "opening": "NONE", "scope": "ABILITY", "nodes": []},
    {"name": "职业资格鉴定", "opening": "NONE", "scope": "OCCUPATION"}
  ])");
}

TEST_F(MockAbility, MatterThatNeedsNoPermissionDeclaresWithoutOneAndCannotBeAppliedForOrGranted) {
  register_();
  ASSERT_EQ(admin("POST", "/__admin/catalog", catalogWithMatters(noPermissionMatters())).status,
            200);
  // Declared without any permission: an ability and an occupation.
  const int year = gradYear();
  EXPECT_EQ(reasons(done(declareAbility({abilityStudentRow(1, id(1), year)}, "a"))),
            (Rows{"ACCEPTED"}));
  const std::string file = sheet(templateHeader(), {studentRow(1, id(1), year)});
  json q = manifestFor(file, 1);
  q["matter"] = "职业资格鉴定";
  q["node"] = nullptr;
  q["evaluationOrg"] = nullptr;
  EXPECT_EQ(reasons(done(upload(q, file, "q"))), (Rows{"ACCEPTED"}));
  EXPECT_TRUE(get("/api/v1/skills/permissions").body["items"].empty());
  // Its manifest is still checked.
  json noCode = abilityManifestFor(file, 1);
  noCode.erase("abilityCode");
  EXPECT_EQ(firstField(upload(noCode, file, "n")), "abilityCode");

  // Neither applied for nor granted.
  json apply = abilityGrant();
  apply.erase("creditCode");
  apply["evaluationOrg"] = nullptr;
  Parsed app = submit("POST", "/api/v1/skills/permission-applications", apply.dump(), "app");
  ASSERT_EQ(app.status, 422) << app.raw.body;
  EXPECT_EQ(firstField(app), "matter");
  const std::string message = app.body["fields"][0]["message"];
  EXPECT_NE(message.find("无需权限"), std::string::npos) << message;
  EXPECT_TRUE(admin("GET", "/__admin/state").body["applications"].empty());
  Parsed grant = admin("POST", "/__admin/permissions", abilityGrant());
  ASSERT_EQ(grant.status, 422) << grant.raw.body;
  EXPECT_EQ(firstField(grant), "matter");
  Parsed qualification = admin("POST", "/__admin/permissions", qualificationGrant());
  ASSERT_EQ(qualification.status, 422) << qualification.raw.body;
  EXPECT_EQ(firstField(qualification), "matter");
  EXPECT_TRUE(admin("GET", "/__admin/state").body["permissions"].empty());
}

TEST_F(MockAbility, DefaultMattersHaveNoMatterThatNeedsNoPermission) {
  register_();  // the tests' catalog names no matters: the three default ones apply
  // 专项职业能力考核 is CENTRE by default: declaring it needs the centre's grant.
  EXPECT_EQ(declareAbility({abilityStudentRow(1, id(1), gradYear())}, "a").body["code"],
            "PERMISSION_REQUIRED");
  const json example = json::parse(
      zzjb::test::readFile(std::string(ZZJB_SOURCE_DIR) + "/config/catalog.example.json"));
  for (const auto& m : example["matters"]) EXPECT_NE(m["opening"], "NONE") << m.dump();
}

TEST_F(MockAbility, AbilityBatchAndDeclarationsSurviveSaveAndLoad) {
  register_();
  grantAbility();
  const int year = gradYear();
  const json batch = done(declareAbility({abilityStudentRow(1, id(1), year)}, "a"));
  // A batch still waiting is saved with its ability's manifest too.
  Parsed waiting = declareAbility({abilityStudentRow(1, id(2), year)}, "b");
  ASSERT_EQ(waiting.status, 202);
  const std::string saved = platform_->saveState();
  const json doc = json::parse(saved);
  ASSERT_EQ(doc["declarations"].size(), 1U);
  EXPECT_EQ(doc["declarations"][0]["abilityCode"], kAbility);
  EXPECT_EQ(doc["declarations"][0]["abilityName"], "网店运营");

  platform_ = std::make_unique<Platform>(options_);
  std::string error;
  ASSERT_TRUE(platform_->loadState(saved, error)) << error;
  EXPECT_EQ(platform_->saveState(), saved);
  json items = get("/api/v1/skills/declarations?abilityCode=ZX-0301").body["items"];
  ASSERT_EQ(items.size(), 1U);
  EXPECT_EQ(items[0]["abilityName"], "网店运营");
  EXPECT_TRUE(items[0]["level"].is_null());
  EXPECT_EQ(get("/api/v1/skills/group-declarations/" + batch["batchId"].get<std::string>())
                .body["abilityCode"],
            kAbility);
  // The reloaded mock still knows who was declared for the ability, and processes the waiting
  // batch as an ability's.
  const json later = done(waiting);
  EXPECT_EQ(reasons(later), (Rows{"ACCEPTED"}));
  EXPECT_TRUE(later["level"].is_null());
  EXPECT_EQ(reasons(done(declareAbility({abilityStudentRow(1, id(1), year)}, "c"))),
            (Rows{"DUPLICATE"}));
}

TEST_F(MockAbility, StateSavedBeforeAbilityDeclarationsLoadsAndABadAbilityCodeIsRefused) {
  permitted();
  done(declareOccupation({studentRow(1, id(1), gradYear())}, "o"));
  json doc = json::parse(platform_->saveState());
  // What a state saved before ability declarations existed holds: no ability keys at all.
  ASSERT_EQ(doc["declarations"].size(), 1U);
  for (const char* key : {"abilityCode", "abilityName"}) {
    EXPECT_FALSE(doc["declarations"][0].contains(key)) << doc["declarations"][0].dump();
    EXPECT_FALSE(doc["batches"][0]["manifest"].contains(key));
  }
  const std::string old = doc.dump();
  platform_ = std::make_unique<Platform>(options_);
  std::string error;
  ASSERT_TRUE(platform_->loadState(old, error)) << error;
  json items = get("/api/v1/skills/declarations").body["items"];
  ASSERT_EQ(items.size(), 1U);
  EXPECT_TRUE(items[0]["abilityCode"].is_null());
  EXPECT_EQ(items[0]["occupationCode"], kOccupation);
  EXPECT_EQ(reasons(done(declareOccupation({studentRow(1, id(1), gradYear())}, "o2"))),
            (Rows{"DUPLICATE"}));

  json bad = json::parse(old);
  bad["declarations"][0]["abilityCode"] = 7;
  EXPECT_FALSE(platform_->loadState(bad.dump(), error));
  EXPECT_NE(error.find("abilityCode"), std::string::npos) << error;
  bad["declarations"][0]["abilityCode"] = kAbility;  // without its name
  EXPECT_FALSE(platform_->loadState(bad.dump(), error));
  EXPECT_EQ(get("/api/v1/skills/declarations").body["items"].size(), 1U);  // kept
}

}  // namespace
}  // namespace zzjb::mock::test
