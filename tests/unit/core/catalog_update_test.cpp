// The catalog kept current (docs/catalog.md): levels as people write them, the announcement's
// table into a catalog with its bad rows left out by line, the withdrawals between two catalogs,
// and the warning `check` gives for a target whose organisation was withdrawn.
#include <gtest/gtest.h>

#include <algorithm>

#include "fake_types.hpp"
#include "zzjb/core/catalog_update.hpp"
#include "zzjb/core/eligibility.hpp"

namespace zzjb {
namespace {

using Levels = std::vector<int>;

TEST(CatalogLevels, AcceptsTheFormsPeopleWrite) {
  EXPECT_EQ(parseLevelList("三级/高级工、四级/中级工"), Levels({3, 4}));
  EXPECT_EQ(parseLevelList("3、4、5"), Levels({3, 4, 5}));
  EXPECT_EQ(parseLevelList("四级"), Levels({4}));
  EXPECT_EQ(parseLevelList("5,3"), Levels({3, 5}));
  EXPECT_EQ(parseLevelList("高级技师；技师"), Levels({1, 2}));
  EXPECT_EQ(parseLevelList("三级至五级"), Levels({3, 4, 5}));
  EXPECT_EQ(parseLevelList("3-4"), Levels({3, 4}));
  EXPECT_EQ(parseLevelList(" 四级（中级工） "), Levels({4}));
}

TEST(CatalogLevels, RefusesWhatIsNotALevel) {
  EXPECT_FALSE(parseLevelList(""));
  EXPECT_FALSE(parseLevelList("六级"));
  EXPECT_FALSE(parseLevelList("三级/特级工"));
  EXPECT_FALSE(parseLevelList("0"));
  EXPECT_FALSE(parseLevelList("三级至"));
}

TEST(CatalogOrgType, ReadsTheAnnouncementsWords) {
  EXPECT_EQ(parseOrgTypeWords("社会培训评价组织"), OrgType::SocialOrg);
  EXPECT_EQ(parseOrgTypeWords("用人单位"), OrgType::Employer);
  EXPECT_EQ(parseOrgTypeWords("EMPLOYER"), OrgType::Employer);
  EXPECT_FALSE(parseOrgTypeWords("行业协会"));
}

RosterRecord record(std::size_t line, const std::vector<std::string>& cells) {
  RosterRecord r;
  r.line = line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (!cells[i].empty()) r.cells.push_back({cells[i], CellKind::Text, "", i});
  }
  return r;
}

// As a reader gives the announcement: a title as the first row, the header below it.
RosterTable announcement() {
  RosterTable t;
  t.file = "公告.csv";
  t.header = {"关于本市职业技能等级认定评价机构及评价职业工种信息公告"};
  t.records = {
      record(2, {"序号", "评价机构名称", "统一社会信用代码", "机构类型", "职业（工种）名称", "职业编码",
                 "评价等级"}),
      record(3, {"1", "上海示范信息技术技能评价中心", "52310000MJ1A2B3C9Q", "社会培训评价组织",
                 "计算机程序设计员", "4-04-05-01", "三级/高级工、四级/中级工"}),
      // The organisation's cells merged down: blank below its first row.
      record(4, {"", "", "", "", "计算机软件测试员", "4-04-05-02", "3、4"}),
      record(5, {"2", "上海示范坏代码评价中心", "52310000MJ1A2B3C9X", "社会培训评价组织",
                 "计算机程序设计员", "4-04-05-01", "四级"}),
      record(6, {"3", "上海示范汽车服务有限公司", "91310115MA1K9Q7D84", "用人单位", "汽车维修工",
                 "4-12-01-01", "六级"}),
      record(7, {"4", "上海示范汽车服务有限公司", "91310115MA1K9Q7D84", "用人单位", "汽车维修工",
                 "4-12-01-01", "2、3、4、5"}),
      record(8, {"5", "上海示范财会技能评价中心", "52310000MJ9Q8Y7W2P", "行业协会",
                 "会计专业技术人员", "4-05-01-01", "四级"}),
      record(9, {"", "", "", "", "", "4-04-05-03", "四级"}),
      record(10, {"注：以上以本公告为准"}),
  };
  return t;
}

std::vector<std::size_t> rowLines(const AnnouncementImport& in) {
  std::vector<std::size_t> lines;
  for (const auto& f : in.findings) {
    if (f.code == "CATALOG_ROW") lines.push_back(f.where.line);
  }
  return lines;
}

TEST(CatalogAnnouncement, ImportsTheReadableRowsAndNamesEachOtherByLine) {
  const AnnouncementImport in = catalogFromAnnouncement(announcement());
  ASSERT_TRUE(in.columnsFound);
  EXPECT_EQ(in.rowsRead, 3U);
  EXPECT_EQ(in.rowsLeftOut, 4U);
  EXPECT_EQ(rowLines(in), (std::vector<std::size_t>{5, 6, 8, 9}));
  ASSERT_EQ(in.catalog.items.size(), 2U);
  const CatalogItem& social = in.catalog.items[0];
  EXPECT_EQ(social.org.creditCode, "52310000MJ1A2B3C9Q");
  EXPECT_EQ(social.type, OrgType::SocialOrg);
  ASSERT_EQ(social.occupations.size(), 2U);
  EXPECT_EQ(social.occupations[0].levels, Levels({3, 4}));
  EXPECT_EQ(social.occupations[1].code, "4-04-05-02");  // from the merged-down row
  EXPECT_EQ(social.occupations[1].levels, Levels({3, 4}));
  const CatalogItem& employer = in.catalog.items[1];
  EXPECT_EQ(employer.type, OrgType::Employer);
  EXPECT_EQ(employer.occupations.at(0).levels, Levels({2, 3, 4, 5}));
  // What each left-out row says is wrong.
  auto textOf = [&](std::size_t line) {
    for (const auto& f : in.findings) {
      if (f.where.line == line) return f.message;
    }
    return std::string();
  };
  EXPECT_NE(textOf(6).find("六级"), std::string::npos);
  EXPECT_NE(textOf(8).find("行业协会"), std::string::npos);
}

TEST(CatalogAnnouncement, WithoutTheSixColumnsNothingIsImported) {
  RosterTable t;
  t.file = "x.csv";
  t.header = {"评价机构名称", "统一社会信用代码", "职业名称"};
  t.records = {record(2, {"上海示范汽车服务有限公司", "91310115MA1K9Q7D84", "汽车维修工"})};
  const AnnouncementImport in = catalogFromAnnouncement(t);
  EXPECT_FALSE(in.columnsFound);
  EXPECT_TRUE(in.catalog.items.empty());
  ASSERT_EQ(in.findings.size(), 1U);
  EXPECT_EQ(in.findings[0].code, "CATALOG_COLUMNS");
}

Catalog twoOrgs() {
  Catalog c;
  c.version = "old";
  c.date = Date{2026, 6, 1};
  c.items.push_back({{"信息评价中心", "52310000MJ1A2B3C9Q"},
                     OrgType::SocialOrg,
                     {{"4-04-05-01", "计算机程序设计员", {3, 4, 5}},
                      {"4-04-05-02", "计算机软件测试员", {3, 4}}}});
  c.items.push_back({{"汽车服务公司", "91310115MA1K9Q7D84"},
                     OrgType::Employer,
                     {{"4-12-01-01", "汽车维修工", {3, 4}}}});
  return c;
}

TEST(CatalogWithdrawals, RecordsWhatTheNewCatalogNoLongerHas) {
  const Catalog old = twoOrgs();
  Catalog fresh = twoOrgs();
  fresh.items.pop_back();                                // the employer is gone
  fresh.items[0].occupations.pop_back();                 // 软件测试员 is gone
  fresh.items[0].occupations[0].levels = {3, 4};         // 五级 is gone
  const Date on{2026, 12, 1};
  recordWithdrawals(&old, fresh, on);
  ASSERT_EQ(fresh.withdrawn.size(), 3U);
  const CatalogWithdrawal* org = fresh.findWithdrawal("91310115MA1K9Q7D84", "4-12-01-01", 3);
  ASSERT_NE(org, nullptr);
  EXPECT_TRUE(org->occupationCode.empty());
  EXPECT_EQ(org->since, on);
  const CatalogWithdrawal* occ = fresh.findWithdrawal("52310000MJ1A2B3C9Q", "4-04-05-02", 4);
  ASSERT_NE(occ, nullptr);
  EXPECT_EQ(occ->level, 0);
  const CatalogWithdrawal* level = fresh.findWithdrawal("52310000MJ1A2B3C9Q", "4-04-05-01", 5);
  ASSERT_NE(level, nullptr);
  EXPECT_EQ(level->level, 5);
  EXPECT_EQ(fresh.findWithdrawal("52310000MJ1A2B3C9Q", "4-04-05-01", 4), nullptr);
}

TEST(CatalogWithdrawals, KeepTheirFirstDateAndEndWhenTheOrganisationComesBack) {
  const Catalog first = twoOrgs();
  Catalog second = twoOrgs();
  second.items.pop_back();
  recordWithdrawals(&first, second, Date{2026, 12, 1});
  Catalog third = second;  // still without the employer, a month later
  recordWithdrawals(&second, third, Date{2027, 1, 5});
  ASSERT_EQ(third.withdrawn.size(), 1U);
  EXPECT_EQ(third.withdrawn[0].since, (Date{2026, 12, 1}));
  Catalog fourth = twoOrgs();  // the employer is back
  recordWithdrawals(&third, fourth, Date{2027, 2, 1});
  EXPECT_TRUE(fourth.withdrawn.empty());
  Catalog none = twoOrgs();
  recordWithdrawals(nullptr, none, Date{2027, 2, 1});
  EXPECT_TRUE(none.withdrawn.empty());
}

// A 中职 whose one target relies on the employer's 汽车维修工 四级.
School employerSchool() {
  School s;
  s.id = "s1";
  s.name = "示范学校";
  s.creditCode = "12310104MB2F000081";
  s.level = SchoolLevel::Secondary;
  s.jsonPath = "$.schools[0]";
  Major m;
  m.name = "汽车运用与维修";
  m.jsonPath = "$.schools[0].majors[0]";
  Target t;
  t.type = "employer";
  t.occupationCode = "4-12-01-01";
  t.occupationName = "汽车维修工";
  t.level = 4;
  t.evaluationOrg = EvaluationOrg{"汽车服务公司", "91310115MA1K9Q7D84"};
  t.evaluation = {EvaluationStatus::Approved, "意见〔2026〕1号", Date{2026, 5, 12}};
  t.jsonPath = "$.schools[0].majors[0].targets[0]";
  m.targets.push_back(t);
  s.majors.push_back(m);
  return s;
}

std::vector<Finding> targetFindings(const Catalog& cat) {
  std::vector<Finding> out;
  SchoolResult r = evaluateSchool(employerSchool(), {}, {Date{2026, 12, 7}, &cat, &test::fakeTypes()});
  for (auto& f : r.findings) {
    if (f.where.jsonPath.starts_with("$.schools[0].majors[0].targets[0]")) out.push_back(f);
  }
  return out;
}

const Finding* withCode(const std::vector<Finding>& fs, const std::string& code) {
  auto it = std::ranges::find_if(fs, [&](const Finding& f) { return f.code == code; });
  return it == fs.end() ? nullptr : &*it;
}

TEST(CatalogWithdrawals, CheckWarnsWithTheDateForATargetWhoseOrganisationWasWithdrawn) {
  const Catalog old = twoOrgs();
  Catalog fresh = twoOrgs();
  fresh.items.pop_back();
  recordWithdrawals(&old, fresh, Date{2026, 12, 1});
  const auto findings = targetFindings(fresh);
  ASSERT_NE(withCode(findings, "ORG_NOT_REGISTERED"), nullptr);
  const Finding* w = withCode(findings, "ORG_WITHDRAWN");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->severity, Severity::Warning);
  EXPECT_EQ(w->where.jsonPath, "$.schools[0].majors[0].targets[0].evaluationOrg");
  EXPECT_NE(w->message.find("2026-12-01"), std::string::npos);

  // The level only: 四级 withdrawn, 三级 kept.
  Catalog lessLevels = twoOrgs();
  lessLevels.items[1].occupations[0].levels = {3};
  recordWithdrawals(&old, lessLevels, Date{2026, 12, 2});
  const auto levelFindings = targetFindings(lessLevels);
  const Finding* lw = withCode(levelFindings, "ORG_WITHDRAWN");
  ASSERT_NE(lw, nullptr);
  EXPECT_NE(lw->message.find("2026-12-02"), std::string::npos);

  // Never in any catalog: not registered, and nothing was withdrawn.
  Catalog never = twoOrgs();
  never.items.pop_back();
  EXPECT_EQ(withCode(targetFindings(never), "ORG_WITHDRAWN"), nullptr);
  EXPECT_NE(withCode(targetFindings(never), "ORG_NOT_REGISTERED"), nullptr);
}

}  // namespace
}  // namespace zzjb
