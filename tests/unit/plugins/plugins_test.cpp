// The three bundled plugins, loaded by the host from the build tree as zzjb loads them: each with
// a valid and an invalid configuration section, its eligibility rules, its application fields and
// declaration columns, and how it explains a review reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "test_support.hpp"
#include "zzjb/messages/catalog.hpp"
#include "zzjb/plugin_host/host.hpp"

namespace zzjb {
namespace {

namespace fs = std::filesystem;
using plugin::Setting;

// One host for the whole test program: the plugins stay loaded while anything uses them.
const plugin::CertificationType& loadType(const std::string& id) {
  static plugin_host::Host host;
  if (const CertType* t = host.registry().find(id)) return *t->impl;
  auto f = host.load(fs::path(ZZJB_PLUGIN_BUILD_DIR) / ("zzjb-" + id + ".so"), "test");
  EXPECT_TRUE(f.loaded) << f.refusal;
  const CertType* t = host.registry().find(id);
  if (t == nullptr) throw std::runtime_error("plugin " + id + " not loaded: " + f.refusal);
  return *t->impl;
}

plugin::Section section(std::vector<Setting> settings) {
  return {"$.schools[0].majors[0].targets[0].options", std::move(settings)};
}

Setting text(std::string key, std::string value) {
  return {key, std::move(value), Setting::Kind::Text,
          "$.schools[0].majors[0].targets[0].options." + key};
}

plugin::TargetView target(const std::string& type, const std::string& org = "上海示范汽车服务有限公司") {
  return {type, "4-12-01-01", "汽车维修工", 3, org, org.empty() ? "" : "91310115MA1K9Q7D84",
          "$.schools[0].majors[0].targets[0]"};
}

plugin::StudentView student(const std::string& placedAt) {
  plugin::StudentView s{"张伟", "汽车检测与维修技术", "汽修2401", "2027", {}};
  if (!placedAt.empty()) s.columns["实习单位"] = placedAt;
  return s;
}

bool hasError(const std::vector<plugin::Issue>& issues, const std::string& code) {
  return std::any_of(issues.begin(), issues.end(), [&](const plugin::Issue& i) {
    return i.code == code && i.severity == plugin::Severity::Error;
  });
}

// --- social-org ---------------------------------------------------------------------------

TEST(SocialOrgPlugin, DeclaresItsTypeAndAcceptsAValidSection) {
  const auto& p = loadType("social-org");
  auto info = p.info().value;
  EXPECT_EQ(info.matter, "职业技能等级认定");
  EXPECT_EQ(info.node, "社会评价组织等级认定");
  EXPECT_EQ(info.org, plugin::OrgKind::SocialOrg);
  EXPECT_EQ(info.permission, plugin::Permission::AppliedOnline);
  auto issues = p.checkSection(section({text("evaluationPlanNo", "评价计划2026-07")}),
                               target("social-org"));
  ASSERT_TRUE(issues.ok());
  EXPECT_TRUE(issues.value.empty());
  auto fields = p.applicationFields(target("social-org"),
                                    section({text("evaluationPlanNo", "评价计划2026-07")}));
  ASSERT_EQ(fields.value.size(), 3U);
  EXPECT_EQ(fields.value[2].key, "评价计划编号");
}

TEST(SocialOrgPlugin, RejectsAnInvalidSectionWithItsJsonPath) {
  const auto& p = loadType("social-org");
  Setting number{"evaluationPlanNo", "17", Setting::Kind::Number,
                 "$.schools[0].majors[0].targets[0].options.evaluationPlanNo"};
  auto issues = p.checkSection(section({number, text("evalPlan", "x")}), target("social-org", ""))
                    .value;
  ASSERT_TRUE(hasError(issues, "PLUGIN_OPTION_INVALID"));
  EXPECT_EQ(issues[0].jsonPath, "$.schools[0].majors[0].targets[0].options.evaluationPlanNo");
  EXPECT_TRUE(hasError(issues, "ORG_MISSING"));
  EXPECT_TRUE(std::any_of(issues.begin(), issues.end(), [](const plugin::Issue& i) {
    return i.code == "PLUGIN_OPTION_UNKNOWN" && i.severity == plugin::Severity::Warning;
  }));
}

TEST(SocialOrgPlugin, EveryCheckedStudentQualifiesThroughARegisteredOrganisation) {
  const auto& p = loadType("social-org");
  EXPECT_TRUE(p.eligibility(student(""), target("social-org"), section({})).value.eligible);
  auto noOrg = p.eligibility(student(""), target("social-org", ""), section({})).value;
  EXPECT_FALSE(noOrg.eligible);
  EXPECT_EQ(noOrg.code, "ORG_MISSING");
  EXPECT_EQ(p.declarationColumns().value, std::vector<std::string>{"评价机构"});
}

// --- employer -----------------------------------------------------------------------------

TEST(EmployerPlugin, ValidSectionCarriesTheAgreementNumberIntoTheApplication) {
  const auto& p = loadType("employer");
  EXPECT_EQ(p.info().value.node, "用人单位等级认定");
  EXPECT_EQ(p.info().value.org, plugin::OrgKind::Employer);
  auto s = section({text("agreementNo", "沪校企合〔2026〕012号")});
  EXPECT_TRUE(p.checkSection(s, target("employer")).value.empty());
  auto fields = p.applicationFields(target("employer"), s).value;
  auto it = std::find_if(fields.begin(), fields.end(),
                         [](const plugin::Field& f) { return f.key == "合作协议编号"; });
  ASSERT_NE(it, fields.end());
  EXPECT_EQ(it->value, "沪校企合〔2026〕012号");
}

TEST(EmployerPlugin, MissingOrEmptyAgreementNumberIsAnErrorAtItsPath) {
  const auto& p = loadType("employer");
  auto missing = p.checkSection(section({}), target("employer")).value;
  ASSERT_TRUE(hasError(missing, "AGREEMENT_NO_MISSING"));
  EXPECT_EQ(missing[0].jsonPath, "$.schools[0].majors[0].targets[0].options.agreementNo");
  EXPECT_TRUE(hasError(p.checkSection(section({text("agreementNo", " ")}), target("employer"))
                           .value,
                       "PLUGIN_OPTION_INVALID"));
}

TEST(EmployerPlugin, AStudentQualifiesOnlyThroughTheEmployerTheyArePlacedWith) {
  const auto& p = loadType("employer");
  auto s = section({text("agreementNo", "1")});
  EXPECT_TRUE(p.eligibility(student("上海示范汽车服务有限公司"), target("employer"), s)
                  .value.eligible);
  // Spaces and full-width brackets typed by hand still match; so does the credit code.
  EXPECT_TRUE(p.eligibility(student(" 上海示范汽车服务有限公司 "), target("employer"), s)
                  .value.eligible);
  EXPECT_TRUE(p.eligibility(student("91310115MA1K9Q7D84"), target("employer"), s).value.eligible);
  auto elsewhere = p.eligibility(student("上海另一家汽车修理厂"), target("employer"), s).value;
  EXPECT_FALSE(elsewhere.eligible);
  EXPECT_EQ(elsewhere.code, "NOT_AT_EMPLOYER");
  EXPECT_NE(elsewhere.hint.find("上海另一家汽车修理厂"), std::string::npos);
  auto empty = p.eligibility(student(""), target("employer"), s).value;
  EXPECT_EQ(empty.code, "NO_EMPLOYER");
  // Another column can be named in the section.
  plugin::StudentView other = student("");
  other.columns["合作企业"] = "上海示范汽车服务有限公司";
  EXPECT_TRUE(p.eligibility(other, target("employer"),
                            section({text("agreementNo", "1"), text("rosterColumn", "合作企业")}))
                  .value.eligible);
  EXPECT_EQ(p.declarationColumns().value, std::vector<std::string>{"实习单位"});
  EXPECT_EQ(p.declarationValues(student("上海示范汽车服务有限公司"), target("employer"), s).value,
            std::vector<std::string>{"上海示范汽车服务有限公司"});
}

TEST(EmployerPlugin, ExplainsAReviewReasonInChineseWithWhatToDo) {
  auto e = loadType("employer").explainReview("AGREEMENT_INVALID", "协议编号不存在").value;
  EXPECT_NE(e.sentence.find("合作协议"), std::string::npos);
  EXPECT_NE(e.hint.find("agreementNo"), std::string::npos);
  auto generic = loadType("employer").explainReview("SOMETHING_NEW", "材料不全").value;
  EXPECT_NE(generic.sentence.find("材料不全"), std::string::npos);
}

// --- qualification ------------------------------------------------------------------------

TEST(QualificationPlugin, IsGrantedByTheCentreAndSaysWhatToAskFor) {
  const auto& p = loadType("qualification");
  auto info = p.info().value;
  EXPECT_EQ(info.matter, "职业资格鉴定");
  EXPECT_TRUE(info.node.empty());
  EXPECT_EQ(info.permission, plugin::Permission::GrantedByCentre);
  EXPECT_EQ(info.org, plugin::OrgKind::None);
  EXPECT_NE(info.permissionRequest.find("市职鉴中心"), std::string::npos);
  EXPECT_TRUE(p.applicationFields(target("qualification", ""), section({})).value.empty());
  auto e = p.explainReview("PERMISSION_REQUIRED", "").value;
  EXPECT_NE(e.hint.find("不能在线申请"), std::string::npos);
}

// The plugin's texts in the language the host gives it when loading; the host fills the
// catalog's contact placeholders, so the centre's number is the catalog's in both languages.
// (One process loads a library once: a second host switches the same plugin's language, and the
// test switches it back.)
TEST(QualificationPlugin, ExplainsAMissingPermissionWithTheCatalogsPhoneNumberInBothLanguages) {
  const std::string phone = msg::fill("{centrePhone}", {});
  ASSERT_NE(phone, "{centrePhone}");
  auto explainIn = [](msg::Lang lang) {
    msg::setLanguage(lang);
    plugin_host::Host host;
    auto f = host.load(fs::path(ZZJB_PLUGIN_BUILD_DIR) / "zzjb-qualification.so", "test");
    EXPECT_TRUE(f.loaded) << f.refusal;
    const CertType* t = host.registry().find("qualification");
    if (t == nullptr) return std::pair<plugin::Explanation, plugin::TypeInfo>{};
    return std::pair{t->impl->explainReview("PERMISSION_REQUIRED", "").value, t->info};
  };
  auto [en, enInfo] = explainIn(msg::Lang::En);
  auto [zh, zhInfo] = explainIn(msg::Lang::ZhCN);  // back to the default for the other tests

  EXPECT_NE(zh.sentence.find("市职鉴中心尚未为本校开通"), std::string::npos) << zh.sentence;
  EXPECT_NE(zh.hint.find("不能在线申请"), std::string::npos) << zh.hint;
  EXPECT_NE(zh.hint.find(phone), std::string::npos) << zh.hint;
  EXPECT_NE(zhInfo.permissionRequest.find(phone), std::string::npos) << zhInfo.permissionRequest;

  EXPECT_NE(en.sentence.find("has not opened the group declaration"), std::string::npos)
      << en.sentence;
  EXPECT_NE(en.hint.find("cannot be applied for online"), std::string::npos) << en.hint;
  EXPECT_NE(en.hint.find(phone), std::string::npos) << en.hint;
  EXPECT_NE(enInfo.permissionRequest.find(phone), std::string::npos) << enInfo.permissionRequest;
  EXPECT_EQ(enInfo.matter, "职业资格鉴定");  // the platform's name, in either language
  for (const auto* text : {&zh.hint, &en.hint, &zhInfo.permissionRequest,
                           &enInfo.permissionRequest}) {
    EXPECT_EQ(text->find("{centrePhone}"), std::string::npos) << *text;
  }
}

TEST(QualificationPlugin, ValidAndInvalidSections) {
  const auto& p = loadType("qualification");
  EXPECT_TRUE(p.checkSection(section({text("requestedOn", "2026-09-01")}),
                             target("qualification", ""))
                  .value.empty());
  auto bad = p.checkSection(section({text("requestedOn", "last week")}),
                            target("qualification", ""))
                 .value;
  ASSERT_TRUE(hasError(bad, "PLUGIN_OPTION_INVALID"));
  EXPECT_EQ(bad[0].jsonPath, "$.schools[0].majors[0].targets[0].options.requestedOn");
}

TEST(QualificationPlugin, HasNoPlacementRule) {
  const auto& p = loadType("qualification");
  EXPECT_TRUE(p.eligibility(student(""), target("qualification", ""), section({})).value.eligible);
  EXPECT_TRUE(p.eligibility(student("某公司"), target("qualification", ""), section({}))
                  .value.eligible);
}

}  // namespace
}  // namespace zzjb
