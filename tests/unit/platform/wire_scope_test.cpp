// What a permission, an application, a declaration batch and a declaration name on the wire
// (adapters/platform/wire): an occupation (occupationCode, occupationName, level) or an ability
// (abilityCode, abilityName, the occupation's fields null) — docs/platform-api.md "Matters",
// "Permissions", "Group declarations"; issue 14. Answers are read through the byte-level entry
// point the client uses (decodeAnswer) and the typed decoders; requests are pinned as bytes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wire.hpp"

namespace zzjb::platform::wire::scope_test {
namespace {

// The two items of docs/platform-api.md "Permissions": 职业技能等级认定 through a social
// organisation, and the centre's 专项职业能力考核 grant.
constexpr const char* kOccupationItem =
    R"({"matter":"职业技能等级认定","node":"社会评价组织等级认定","occupationCode":"4-04-05-01",)"
    R"("occupationName":"计算机程序设计员","level":4,)"
    R"("evaluationOrg":{"name":"上海某评价组织","creditCode":"52310000MJ0000001X"},)"
    R"("grantedAt":"2027-03-01T10:00:00+08:00"})";
constexpr const char* kAbilityItem =
    R"({"matter":"专项职业能力考核","node":null,"occupationCode":null,"occupationName":null,)"
    R"("level":null,"abilityCode":"ZX-0301","abilityName":"网店运营","evaluationOrg":null,)"
    R"("grantedAt":"2027-03-01T10:00:00+08:00"})";

std::string listing(const std::string& items) { return R"({"items":[)" + items + "]}"; }

// The problem decodeAnswer finds in a permission listing, or "" when it reads.
std::string permissionsProblem(const std::string& item) {
  auto r = decodeAnswer(AnswerKind::Permissions, listing(item));
  return r ? std::string() : r.error();
}

PermissionScope abilityScope() {
  PermissionScope s;
  s.matter = "专项职业能力考核";
  s.abilityCode = "ZX-0301";
  s.abilityName = "网店运营";
  return s;
}

PermissionScope occupationScope() {
  PermissionScope s;
  s.matter = "职业技能等级认定";
  s.node = "社会评价组织等级认定";
  s.occupationCode = "4-04-05-01";
  s.occupationName = "计算机程序设计员";
  s.level = 4;
  s.org = EvaluationOrg{"上海某评价组织", "52310000MJ0000001X"};
  return s;
}

// Before issue 14's client piece the listing with the centre's ability grant was refused as a
// protocol error (level null is not an integer), so a school could never see the grant.
TEST(WireScope, PermissionListingWithAnAbilityItemIsRead) {
  auto j = parseAnswer(listing(std::string(kOccupationItem) + "," + kAbilityItem));
  ASSERT_TRUE(j) << j.error();
  auto granted = decodePermissions(*j);
  ASSERT_TRUE(granted) << granted.error();
  ASSERT_EQ(granted->size(), 2U);

  const PermissionScope& occupation = (*granted)[0].scope;
  EXPECT_FALSE(occupation.ability());
  EXPECT_EQ(occupation.occupationCode, "4-04-05-01");
  EXPECT_EQ(occupation.level, 4);
  EXPECT_EQ(occupation.abilityCode, "");
  EXPECT_EQ(occupation.abilityName, "");
  ASSERT_TRUE(occupation.org);
  EXPECT_EQ(occupation.org->creditCode, "52310000MJ0000001X");

  const PermissionScope& ability = (*granted)[1].scope;
  EXPECT_TRUE(ability.ability());
  EXPECT_EQ(ability.matter, "专项职业能力考核");
  EXPECT_EQ(ability.node, "");
  EXPECT_EQ(ability.abilityCode, "ZX-0301");
  EXPECT_EQ(ability.abilityName, "网店运营");
  EXPECT_EQ(ability.occupationCode, "");
  EXPECT_EQ(ability.occupationName, "");
  EXPECT_EQ(ability.level, 0);
  EXPECT_FALSE(ability.org);
  EXPECT_EQ((*granted)[1].grantedAt, "2027-03-01T10:00:00+08:00");
  EXPECT_TRUE(ability.sameAs(abilityScope()));
  EXPECT_FALSE(ability.sameAs(occupation));
}

// "No occupation, name or level (absent or null)": an ability item without the occupation's keys
// reads the same.
TEST(WireScope, AbilityItemWithoutTheOccupationKeysIsRead) {
  EXPECT_EQ(permissionsProblem(R"({"matter":"专项职业能力考核","node":null,)"
                               R"("abilityCode":"ZX-0301","abilityName":"网店运营"})"),
            "");
}

// An item names an occupation or an ability, never both nor neither; anything else is a
// contract error (the client's Protocol failure) naming the first field that does not fit.
TEST(WireScope, ItemNamingBothOrNeitherIsAContractErrorAtTheField) {
  const std::string both =
      R"({"matter":"m","node":null,"occupationCode":"4-04-05-01","occupationName":"n",)"
      R"("level":4,"abilityCode":"ZX-0301","abilityName":"网店运营","evaluationOrg":null})";
  EXPECT_EQ(permissionsProblem(both), "items[0].occupationCode 不是 null 之一");

  const std::string abilityWithLevel =
      R"({"matter":"m","node":null,"occupationCode":null,"occupationName":null,"level":4,)"
      R"("abilityCode":"ZX-0301","abilityName":"网店运营","evaluationOrg":null})";
  EXPECT_EQ(permissionsProblem(abilityWithLevel), "items[0].level 不是 null 之一");

  const std::string abilityWithName =
      R"({"matter":"m","node":null,"occupationCode":null,"occupationName":"网店运营","level":null,)"
      R"("abilityCode":"ZX-0301","abilityName":"网店运营","evaluationOrg":null})";
  EXPECT_EQ(permissionsProblem(abilityWithName), "items[0].occupationName 不是 null 之一");

  const std::string occupationWithAbilityName =
      R"({"matter":"m","node":null,"occupationCode":"4-04-05-01","occupationName":"n","level":4,)"
      R"("abilityCode":null,"abilityName":"网店运营","evaluationOrg":null})";
  EXPECT_EQ(permissionsProblem(occupationWithAbilityName), "items[0].abilityName 不是 null 之一");

  const std::string neither =
      R"({"matter":"m","node":null,"occupationCode":null,"occupationName":null,"level":null,)"
      R"("abilityCode":null,"abilityName":null,"evaluationOrg":null})";
  EXPECT_EQ(permissionsProblem(neither), "缺少 items[0].occupationCode");

  const std::string noAbilityName =
      R"({"matter":"m","node":null,"occupationCode":null,"occupationName":null,"level":null,)"
      R"("abilityCode":"ZX-0301","abilityName":null,"evaluationOrg":null})";
  EXPECT_EQ(permissionsProblem(noAbilityName), "缺少 items[0].abilityName");

  const std::string emptyAbilityCode =
      R"({"matter":"m","node":null,"abilityCode":"","abilityName":"网店运营"})";
  EXPECT_EQ(permissionsProblem(emptyAbilityCode), "缺少 items[0].abilityCode");

  const std::string numericAbilityCode =
      R"({"matter":"m","node":null,"abilityCode":301,"abilityName":"网店运营"})";
  EXPECT_EQ(permissionsProblem(numericAbilityCode), "items[0].abilityCode 不是字符串");

  const std::string occupationWithoutLevel =
      R"({"matter":"m","node":null,"occupationCode":"4-04-05-01","occupationName":"n",)"
      R"("level":null,"evaluationOrg":null})";
  EXPECT_EQ(permissionsProblem(occupationWithoutLevel), "items[0].level 不是整数");

  // The second item is the bad one: the path says so.
  EXPECT_EQ(permissionsProblem(std::string(kAbilityItem) + "," + both),
            "items[1].occupationCode 不是 null 之一");
}

// An occupation's request bodies are byte for byte those before abilities existed (their
// SHA-256 is signed, and a retried or repeated submission must send the same bytes).
TEST(WireScope, OccupationRequestsKeepTheirBytes) {
  ApplicationRequest app;
  app.scope = occupationScope();
  app.attachments = {{"note", "附件"}};
  EXPECT_EQ(applicationJson(app).dump(),
            R"({"attachments":{"note":"附件"},)"
            R"("evaluationOrg":{"creditCode":"52310000MJ0000001X","name":"上海某评价组织"},)"
            R"("level":4,"matter":"职业技能等级认定","node":"社会评价组织等级认定",)"
            R"("occupationCode":"4-04-05-01","occupationName":"计算机程序设计员"})");

  DeclarationManifest manifest;
  manifest.scope = occupationScope();
  manifest.scope.node.clear();
  manifest.scope.org.reset();
  manifest.scope.matter = "职业资格鉴定";
  manifest.rowCount = 3;
  manifest.sha256 = std::string(64, 'a');
  EXPECT_EQ(manifestJson(manifest).dump(),
            R"({"evaluationOrg":null,"level":4,"matter":"职业资格鉴定","node":null,)"
            R"("occupationCode":"4-04-05-01","occupationName":"计算机程序设计员","rowCount":3,)"
            R"("sha256":")" + std::string(64, 'a') + R"("})");
}

// An ability's application and manifest send abilityCode and abilityName, and the occupation's
// three fields as JSON null (the wire zzjb-mock takes).
TEST(WireScope, AbilityRequestsSendTheAbilityAndNullOccupationFields) {
  ApplicationRequest app;
  app.scope = abilityScope();
  EXPECT_EQ(applicationJson(app).dump(),
            R"({"abilityCode":"ZX-0301","abilityName":"网店运营","attachments":{},)"
            R"("evaluationOrg":null,"level":null,"matter":"专项职业能力考核","node":null,)"
            R"("occupationCode":null,"occupationName":null})");

  DeclarationManifest manifest;
  manifest.scope = abilityScope();
  manifest.rowCount = 2;
  manifest.sha256 = std::string(64, 'b');
  EXPECT_EQ(manifestJson(manifest).dump(),
            R"({"abilityCode":"ZX-0301","abilityName":"网店运营","evaluationOrg":null,)"
            R"("level":null,"matter":"专项职业能力考核","node":null,"occupationCode":null,)"
            R"("occupationName":null,"rowCount":2,"sha256":")" + std::string(64, 'b') + R"("})");
}

// Application answers and lookups, batch answers and lookups of an ability carry null occupation
// fields (and abilityCode): they read as any other.
TEST(WireScope, AbilityApplicationsAndBatchesWithNullOccupationFieldsAreRead) {
  const std::string application =
      R"({"applicationId":"a1","status":"APPROVED","reason":null,)"
      R"("updatedAt":"2027-03-01T10:00:00+08:00","submittedAt":"2027-03-01T09:00:00+08:00",)"
      R"("matter":"专项职业能力考核","node":null,"occupationCode":null,"occupationName":null,)"
      R"("level":null,"abilityCode":"ZX-0301","abilityName":"网店运营","evaluationOrg":null})";
  EXPECT_TRUE(decodeAnswer(AnswerKind::Application, application));
  EXPECT_TRUE(decodeAnswer(AnswerKind::ZeroOrOneApplication, listing(application)));

  const std::string batch =
      R"({"batchId":"b1","status":"DONE","occupationCode":null,"level":null,)"
      R"("abilityCode":"ZX-0301","rowCount":1,"receivedAt":"2027-03-02T10:00:00+08:00",)"
      R"("updatedAt":"2027-03-02T10:01:00+08:00","rows":[{"row":2,"idNumber":"11010519491231002X",)"
      R"("result":"ACCEPTED","reason":null,"message":null,"declarationNo":"ZJ2027000001"}]})";
  EXPECT_TRUE(decodeAnswer(AnswerKind::Batch, batch));
  EXPECT_TRUE(decodeAnswer(AnswerKind::ZeroOrOneBatch, listing(batch)));
  auto j = parseAnswer(batch);
  ASSERT_TRUE(j);
  auto b = decodeBatch(*j);
  ASSERT_TRUE(b) << b.error();
  ASSERT_EQ(b->rows.size(), 1U);
  EXPECT_EQ(b->rows[0].declarationNo, "ZJ2027000001");
}

// Declarations: an ability's carries abilityCode (the occupation's code and level null); an
// occupation's without abilityCode (the shape before issue 14) or with it null reads it empty.
TEST(WireScope, DeclarationsReadTheAbilityCodeOrLeaveItEmpty) {
  const std::string body = listing(
      R"({"idNumber":"11010519491231002X","name":"张三","occupationCode":null,"level":null,)"
      R"("abilityCode":"ZX-0301","abilityName":"网店运营","declarationNo":"ZJ2027000001",)"
      R"("batchId":"b1","declaredAt":"2027-03-02T10:01:00+08:00"},)"
      R"({"idNumber":"110105194912310025","name":"李四","occupationCode":"4-04-05-01","level":4,)"
      R"("declarationNo":"ZJ2027000002","batchId":"b2","declaredAt":"2027-03-02T10:01:00+08:00"},)"
      R"({"idNumber":"110105194912310033","occupationCode":"4-04-05-01","level":3,)"
      R"("abilityCode":null,"abilityName":null,"declarationNo":"ZJ2027000003"})");
  auto j = parseAnswer(body);
  ASSERT_TRUE(j) << j.error();
  auto d = decodeDeclarations(*j);
  ASSERT_TRUE(d) << d.error();
  ASSERT_EQ(d->size(), 3U);
  EXPECT_EQ((*d)[0].abilityCode, "ZX-0301");
  EXPECT_EQ((*d)[0].occupationCode, "");
  EXPECT_EQ((*d)[0].level, 0);
  EXPECT_EQ((*d)[0].declarationNo, "ZJ2027000001");
  EXPECT_EQ((*d)[1].abilityCode, "");
  EXPECT_EQ((*d)[1].occupationCode, "4-04-05-01");
  EXPECT_EQ((*d)[1].level, 4);
  EXPECT_EQ((*d)[2].abilityCode, "");
  EXPECT_EQ((*d)[2].level, 3);

  auto both = decodeAnswer(
      AnswerKind::Declarations,
      listing(R"({"idNumber":"x","occupationCode":null,"level":4,"abilityCode":"ZX-0301",)"
              R"("abilityName":"网店运营","declarationNo":"d"})"));
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error(), "items[0].level 不是 null 之一");
  auto neither = decodeAnswer(
      AnswerKind::Declarations,
      listing(R"({"idNumber":"x","occupationCode":null,"level":null,"declarationNo":"d"})"));
  ASSERT_FALSE(neither);
  EXPECT_EQ(neither.error(), "缺少 items[0].occupationCode");
}

}  // namespace
}  // namespace zzjb::platform::wire::scope_test
