// The four bundled plugins, loaded by the host from the build tree as zzjb loads them: each with
// what it declares (ABI 2: its shape, options and example), a valid and an invalid configuration
// section, its eligibility rules and their verdicts' kinds, its application fields and declaration
// sheet, and how it explains a review reason.
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
  plugin::TargetView t;
  t.type = type;
  t.occupationCode = "4-12-01-01";
  t.occupationName = "汽车维修工";
  t.level = 3;
  t.orgName = org;
  t.orgCreditCode = org.empty() ? "" : "91310115MA1K9Q7D84";
  t.schoolId = "minhang-gz";
  t.schoolLevel = "HIGHER";
  t.schoolSkillLevel = 3;
  t.jsonPath = "$.schools[0].majors[0].targets[0]";
  return t;
}

plugin::TargetView abilityTarget() {
  plugin::TargetView t;
  t.type = "special-ability";
  t.scope = plugin::Scope::Ability;
  t.abilityCode = "ZX-0301";
  t.abilityName = "网店运营";
  t.schoolId = "xuhui-zz";
  t.schoolLevel = "SECONDARY";
  t.schoolSkillLevel = 4;
  t.jsonPath = "$.schools[0].majors[0].targets[0]";
  return t;
}

plugin::StudentView student(const std::string& placedAt) {
  plugin::StudentView s;
  s.name = "张伟";
  s.major = "汽车检测与维修技术";
  s.className = "汽修2401";
  s.graduationYear = "2027";
  s.maskedId = "310***********123X";
  if (!placedAt.empty()) s.columns["实习单位"] = placedAt;
  return s;
}

plugin::StudentView choosing(const std::string& column, const std::string& ability) {
  plugin::StudentView s = student("");
  s.columns[column] = ability;
  return s;
}

std::vector<std::string> headers(const std::vector<plugin::SheetColumn>& sheet) {
  std::vector<std::string> out;
  for (const auto& c : sheet) out.push_back(c.header);
  return out;
}

// The platform's template of the scope, then the type's own headers.
std::vector<std::string> standardThen(plugin::Scope scope, std::vector<std::string> own) {
  auto out = headers(plugin::standardSheet(scope));
  out.insert(out.end(), own.begin(), own.end());
  return out;
}

// The options a type declares, by name.
std::vector<std::string> optionNames(const plugin::TypeInfo& info) {
  std::vector<std::string> out;
  for (const auto& o : info.options) out.push_back(o.name);
  return out;
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
  EXPECT_EQ(info.shape.org, plugin::OrgKind::SocialOrg);
  EXPECT_EQ(info.shape.scope, plugin::Scope::Occupation);
  EXPECT_EQ(info.shape.level, plugin::LevelRule::SchoolLevel);
  EXPECT_TRUE(info.shape.needsEvaluation);
  EXPECT_TRUE(info.shape.needsGraduationYear);
  EXPECT_EQ(info.permission, plugin::Permission::AppliedOnline);
  EXPECT_EQ(optionNames(info), std::vector<std::string>{"evaluationPlanNo"});
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
  EXPECT_TRUE(p.eligibility(student(""), target("social-org"), section({})).value.eligible());
  auto noOrg = p.eligibility(student(""), target("social-org", ""), section({})).value;
  EXPECT_EQ(noOrg.kind, plugin::Verdict::Kind::Problem);
  EXPECT_EQ(noOrg.code, "ORG_MISSING");
  EXPECT_EQ(headers(p.declarationSheet(target("social-org"), section({})).value),
            standardThen(plugin::Scope::Occupation, {"评价机构"}));
  EXPECT_EQ(p.declarationValues(student(""), target("social-org"), section({})).value,
            std::vector<std::string>{"上海示范汽车服务有限公司"});
}

// --- employer -----------------------------------------------------------------------------

TEST(EmployerPlugin, ValidSectionCarriesTheAgreementNumberIntoTheApplication) {
  const auto& p = loadType("employer");
  auto info = p.info().value;
  EXPECT_EQ(info.node, "用人单位等级认定");
  EXPECT_EQ(info.shape.org, plugin::OrgKind::Employer);
  EXPECT_EQ(info.shape.level, plugin::LevelRule::SchoolLevel);
  EXPECT_EQ(optionNames(info), (std::vector<std::string>{"agreementNo", "rosterColumn"}));
  EXPECT_TRUE(info.options[0].required);
  EXPECT_FALSE(info.options[1].required);
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
                  .value.eligible());
  // Spaces and full-width brackets typed by hand still match; so does the credit code.
  EXPECT_TRUE(p.eligibility(student(" 上海示范汽车服务有限公司 "), target("employer"), s)
                  .value.eligible());
  EXPECT_TRUE(
      p.eligibility(student("91310115MA1K9Q7D84"), target("employer"), s).value.eligible());
  auto elsewhere = p.eligibility(student("上海另一家汽车修理厂"), target("employer"), s).value;
  EXPECT_EQ(elsewhere.kind, plugin::Verdict::Kind::Problem);  // as in ABI 1: someone should look
  EXPECT_EQ(elsewhere.code, "NOT_AT_EMPLOYER");
  EXPECT_NE(elsewhere.hint.find("上海另一家汽车修理厂"), std::string::npos);
  auto empty = p.eligibility(student(""), target("employer"), s).value;
  EXPECT_EQ(empty.kind, plugin::Verdict::Kind::Problem);
  EXPECT_EQ(empty.code, "NO_EMPLOYER");
  // Another column can be named in the section.
  plugin::StudentView other = student("");
  other.columns["合作企业"] = "上海示范汽车服务有限公司";
  EXPECT_TRUE(p.eligibility(other, target("employer"),
                            section({text("agreementNo", "1"), text("rosterColumn", "合作企业")}))
                  .value.eligible());
  EXPECT_EQ(headers(p.declarationSheet(target("employer"), s).value),
            standardThen(plugin::Scope::Occupation, {"实习单位"}));
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
  EXPECT_EQ(info.shape.org, plugin::OrgKind::None);
  EXPECT_EQ(info.shape.level, plugin::LevelRule::SchoolLevel);
  EXPECT_NE(info.permissionRequest.find("市职鉴中心"), std::string::npos);
  EXPECT_NE(info.permissionWaiting.find("等待市职鉴中心"), std::string::npos);
  EXPECT_EQ(optionNames(info), std::vector<std::string>{"requestedOn"});
  EXPECT_EQ(headers(p.declarationSheet(target("qualification", ""), section({})).value),
            standardThen(plugin::Scope::Occupation, {}));
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
  EXPECT_NE(enInfo.permissionWaiting.find("waiting for the centre"), std::string::npos)
      << enInfo.permissionWaiting;
  EXPECT_NE(zhInfo.permissionWaiting.find("等待市职鉴中心"), std::string::npos)
      << zhInfo.permissionWaiting;
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
  EXPECT_TRUE(
      p.eligibility(student(""), target("qualification", ""), section({})).value.eligible());
  EXPECT_TRUE(p.eligibility(student("某公司"), target("qualification", ""), section({}))
                  .value.eligible());
}

// --- special-ability (issue 14) -------------------------------------------------------------

TEST(SpecialAbilityPlugin, DeclaresAnAbilityWithoutLevelOrEvaluationGrantedByTheCentre) {
  const auto& p = loadType("special-ability");
  auto info = p.info().value;
  EXPECT_EQ(info.matter, "专项职业能力考核");
  EXPECT_TRUE(info.node.empty());
  EXPECT_EQ(info.permission, plugin::Permission::GrantedByCentre);
  EXPECT_EQ(info.shape.scope, plugin::Scope::Ability);
  EXPECT_EQ(info.shape.level, plugin::LevelRule::None);
  EXPECT_EQ(info.shape.org, plugin::OrgKind::None);
  EXPECT_FALSE(info.shape.needsEvaluation);
  EXPECT_TRUE(info.shape.needsGraduationYear);
  EXPECT_FALSE(info.forms.evaluationForm);
  EXPECT_EQ(optionNames(info), std::vector<std::string>{"rosterColumn"});
  EXPECT_NE(info.permissionRequest.find("专项职业能力考核"), std::string::npos);
  EXPECT_NE(info.permissionRequest.find(msg::fill("{centrePhone}", {})), std::string::npos)
      << info.permissionRequest;
  EXPECT_NE(info.permissionWaiting.find("等待市职鉴中心"), std::string::npos);
  EXPECT_TRUE(p.applicationFields(abilityTarget(), section({})).value.empty());
}

TEST(SpecialAbilityPlugin, ItsExampleStudentQualifiesForItsExampleTarget) {
  const auto& p = loadType("special-ability");
  auto info = p.info().value;
  EXPECT_NE(info.example.target.find("\"abilityCode\": \"ZX-0301\""), std::string::npos);
  EXPECT_NE(info.example.target.find("\"abilityName\": \"网店运营\""), std::string::npos);
  plugin::StudentView s = student("");
  s.columns = info.example.eligibleColumns;
  EXPECT_TRUE(p.eligibility(s, abilityTarget(), section({})).value.eligible());
}

TEST(SpecialAbilityPlugin, ValidAndInvalidSections) {
  const auto& p = loadType("special-ability");
  EXPECT_TRUE(p.checkSection(section({}), abilityTarget()).value.empty());
  EXPECT_TRUE(
      p.checkSection(section({text("rosterColumn", "考核项目")}), abilityTarget()).value.empty());
  auto empty = p.checkSection(section({text("rosterColumn", " ")}), abilityTarget()).value;
  ASSERT_TRUE(hasError(empty, "PLUGIN_OPTION_INVALID"));
  EXPECT_EQ(empty[0].jsonPath, "$.schools[0].majors[0].targets[0].options.rosterColumn");
  Setting number{"rosterColumn", "3", Setting::Kind::Number,
                 "$.schools[0].majors[0].targets[0].options.rosterColumn"};
  EXPECT_TRUE(hasError(p.checkSection(section({number}), abilityTarget()).value,
                       "PLUGIN_OPTION_INVALID"));
  auto unknown = p.checkSection(section({text("abilityColumn", "专项能力")}), abilityTarget()).value;
  ASSERT_EQ(unknown.size(), 1U);
  EXPECT_EQ(unknown[0].code, "PLUGIN_OPTION_UNKNOWN");
  EXPECT_EQ(unknown[0].severity, plugin::Severity::Warning);
  EXPECT_EQ(unknown[0].jsonPath, "$.schools[0].majors[0].targets[0].options.abilityColumn");
}

TEST(SpecialAbilityPlugin, AStudentIsDeclaredForTheAbilityTheyChoseByNameOrCode) {
  const auto& p = loadType("special-ability");
  EXPECT_TRUE(p.eligibility(choosing("专项能力", "网店运营"), abilityTarget(), section({}))
                  .value.eligible());
  // Spaces typed by hand, and the code instead of the name, still match.
  EXPECT_TRUE(p.eligibility(choosing("专项能力", " 网店运营　"), abilityTarget(), section({}))
                  .value.eligible());
  EXPECT_TRUE(p.eligibility(choosing("专项能力", "ZX-0301"), abilityTarget(), section({}))
                  .value.eligible());
  // Another column, named in the section.
  EXPECT_TRUE(p.eligibility(choosing("考核项目", "网店运营"), abilityTarget(),
                            section({text("rosterColumn", "考核项目")}))
                  .value.eligible());
}

TEST(SpecialAbilityPlugin, AStudentWhoChoseAnotherAbilityIsExpectedNotAProblem) {
  const auto& p = loadType("special-ability");
  auto other = p.eligibility(choosing("专项能力", "短视频制作"), abilityTarget(), section({})).value;
  EXPECT_EQ(other.kind, plugin::Verdict::Kind::Expected);
  EXPECT_EQ(other.code, "OTHER_ABILITY");
  EXPECT_EQ(other.reason, "选择了其他专项能力（短视频制作）");
  EXPECT_TRUE(other.hint.empty());
}

TEST(SpecialAbilityPlugin, AStudentWhoChoseNoAbilityIsAProblemWithWhatToFill) {
  const auto& p = loadType("special-ability");
  for (const auto& s : {student(""), choosing("专项能力", "  ")}) {
    auto none = p.eligibility(s, abilityTarget(), section({})).value;
    EXPECT_EQ(none.kind, plugin::Verdict::Kind::Problem);
    EXPECT_EQ(none.code, "NO_ABILITY_CHOSEN");
    EXPECT_NE(none.hint.find("专项能力"), std::string::npos) << none.hint;
  }
}

TEST(SpecialAbilityPlugin, ItsSheetIsTheAbilityTemplateWithoutOccupationOrLevel) {
  const auto& p = loadType("special-ability");
  auto sheet = p.declarationSheet(abilityTarget(), section({})).value;
  EXPECT_EQ(headers(sheet), standardThen(plugin::Scope::Ability, {}));
  auto h = headers(sheet);
  EXPECT_NE(std::find(h.begin(), h.end(), "专项能力编码"), h.end());
  EXPECT_NE(std::find(h.begin(), h.end(), "专项能力名称"), h.end());
  EXPECT_EQ(std::find(h.begin(), h.end(), "申报等级"), h.end());
  EXPECT_EQ(std::find(h.begin(), h.end(), "职业编码"), h.end());
  EXPECT_TRUE(p.declarationValues(student(""), abilityTarget(), section({})).value.empty());
}

TEST(SpecialAbilityPlugin, ExplainsAMissingPermissionAsTheCentresToOpen) {
  auto e = loadType("special-ability").explainReview("PERMISSION_REQUIRED", "").value;
  EXPECT_NE(e.sentence.find("专项职业能力考核"), std::string::npos) << e.sentence;
  EXPECT_NE(e.hint.find("不能在线申请"), std::string::npos) << e.hint;
  EXPECT_EQ(e.hint.find("{centrePhone}"), std::string::npos) << e.hint;
  auto generic = loadType("special-ability").explainReview("SOMETHING_NEW", "材料不全").value;
  EXPECT_NE(generic.sentence.find("材料不全"), std::string::npos);
}

// Every bundled type: a valid TypeInfo (the host checked it on loading), its example section
// free of errors, the example's student eligible, and a sheet with no header twice.
TEST(BundledPlugins, EachExampleIsValidAndEachSheetHasNoRepeatedColumn) {
  for (const char* id : {"social-org", "employer", "qualification", "special-ability"}) {
    const auto& p = loadType(id);
    auto info = p.info().value;
    EXPECT_EQ(info.id, id);
    EXPECT_FALSE(info.example.target.empty()) << id;
    EXPECT_NE(info.example.target.find(std::string("\"type\": \"") + id + "\""),
              std::string::npos)
        << id;
    for (const auto& o : info.options) {
      EXPECT_FALSE(o.description.empty()) << id << " " << o.name;
      EXPECT_FALSE(o.example.empty()) << id << " " << o.name;
    }
    plugin::TargetView t =
        info.shape.scope == plugin::Scope::Ability ? abilityTarget() : target(id);
    t.type = id;
    if (info.shape.org == plugin::OrgKind::None) {
      t.orgName.clear();
      t.orgCreditCode.clear();
    }
    // The example's options, as the host would flatten them (all of the bundled ones are text).
    std::vector<Setting> settings;
    for (const auto& o : info.options) {
      if (!o.required) continue;
      settings.push_back(text(o.name, "沪校企合〔2026〕012号"));
    }
    for (const auto& issue : p.checkSection(section(settings), t).value) {
      EXPECT_NE(issue.severity, plugin::Severity::Error) << id << ": " << issue.code;
    }
    plugin::StudentView s = student("");
    s.columns = info.example.eligibleColumns;
    EXPECT_TRUE(p.eligibility(s, t, section(settings)).value.eligible()) << id;
    auto h = headers(p.declarationSheet(t, section(settings)).value);
    std::sort(h.begin(), h.end());
    EXPECT_EQ(std::adjacent_find(h.begin(), h.end()), h.end()) << id;
  }
}

}  // namespace
}  // namespace zzjb
