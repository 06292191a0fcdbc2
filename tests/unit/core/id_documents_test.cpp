// Every student a school has: each 证件类型 group declaration takes (居民身份证, 港澳台居民居住证,
// 港澳居民来往内地通行证, 台湾居民来往大陆通行证, 护照) through check, one advice for what remains,
// a blank 证件类型 read from a valid 18-digit number, duplicates by type and number, and what a
// plugin and the declaration sheet see of a pass's or a passport's holder.
#include <gtest/gtest.h>

#include <algorithm>

#include "fake_types.hpp"
#include "zzjb/core/cert_types.hpp"
#include "zzjb/core/eligibility.hpp"
#include "zzjb/core/identifiers.hpp"
#include "zzjb/messages/catalog.hpp"

namespace zzjb {
namespace {

const Date kToday{2026, 11, 27};  // graduation year 2027

std::string withCheck(const std::string& first17) {
  return first17 + residentIdCheckChar(first17).value();
}

const std::string kCard = withCheck("31010420070512011");    // 居民身份证, male
const std::string kPermit = withCheck("83000020080301022");  // 港澳台居民居住证 (台湾), female

School school() {
  School s;
  s.id = "s1";
  s.name = "示范学校";
  s.creditCode = "12310104MB2F000081";
  s.level = SchoolLevel::Secondary;
  s.legalRepresentative = "王建国";
  s.district = "徐汇区";
  s.address = "示范路1号";
  s.leader = {"李明华", "13812340001"};
  s.contact = {"陈晓燕", "13912340002"};
  s.platformOperator = {"周志强", "310104198503121235"};
  s.jsonPath = "$.schools[0]";
  Major m;
  m.name = "计算机应用";
  Target t;
  t.type = "social-org";
  t.occupationCode = "4-04-05-01";
  t.occupationName = "计算机程序设计员";
  t.level = 4;
  t.evaluationOrg = EvaluationOrg{"信息评价中心", "52310000MJ1A2B3C9Q"};
  t.evaluation = {EvaluationStatus::Approved, "意见〔2026〕1号", Date{2026, 5, 12}};
  t.jsonPath = "$.schools[0].majors[0].targets[0]";
  m.targets.push_back(t);
  s.majors.push_back(m);
  return s;
}

struct Row {
  std::string name;
  std::string idType;
  std::string id;
  std::string gender;
  std::string birth;  // 出生日期
};

RosterTable table(const std::vector<Row>& rows, bool birthColumn = true) {
  RosterTable t;
  t.file = "roster.csv";
  t.encoding = "UTF-8";
  t.header = {"姓名", "证件类型", "证件号码", "性别", "手机号码", "专业", "班级", "毕业年份"};
  if (birthColumn) t.header.push_back("出生日期");
  std::size_t line = 2;
  for (const Row& r : rows) {
    RosterRecord rec;
    rec.line = line++;
    for (const std::string& c : {r.name, r.idType, r.id, r.gender, std::string("13812345678"),
                                 std::string("计算机应用"), std::string("计算机2401班"),
                                 std::string("2027")}) {
      rec.cells.push_back({c, CellKind::Text, ""});
    }
    if (birthColumn) rec.cells.push_back({r.birth, CellKind::Text, ""});
    t.records.push_back(rec);
  }
  return t;
}

SchoolResult evaluate(RosterTable t) {
  Catalog cat;
  cat.version = "t";
  cat.items.push_back({{"信息评价中心", "52310000MJ1A2B3C9Q"},
                       OrgType::SocialOrg,
                       {{"4-04-05-01", "计算机程序设计员", {3, 4, 5}}}});
  std::vector<RosterInput> in;
  in.push_back({t.file, std::move(t)});
  return evaluateSchool(school(), in, {kToday, &cat, &test::fakeTypes()});
}

std::vector<const Finding*> findingsOf(const SchoolResult& r, const std::string& code) {
  std::vector<const Finding*> out;
  for (const Finding& f : r.findings) {
    if (f.code == code) out.push_back(&f);
  }
  return out;
}

bool eligible(const SchoolResult& r, std::size_t student) {
  const auto& e = r.targets.at(0).eligible;
  return std::find(e.begin(), e.end(), student) != e.end();
}

const ExcludedStudent* excluded(const SchoolResult& r, std::size_t student) {
  for (const auto& x : r.targets.at(0).excluded) {
    if (x.student == student) return &x;
  }
  return nullptr;
}

TEST(IdDocuments, EachTypeTheTemplateTakesIsDeclaredWithValidNumbers) {
  auto r = evaluate(table({{"张三明", "居民身份证", kCard, "男", ""},
                           {"陈美玲", "港澳台居民居住证", kPermit, "女", ""},
                           {"何家豪", "港澳居民来往内地通行证", "H12345678", "男", "2008-06-01"},
                           {"林志玲", "台湾居民来往大陆通行证", "12345678", "女", "2008/7/2"},
                           {"John Smith", "护照", "E12345678", "男", "20080803"}}));
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_TRUE(eligible(r, i)) << i << (excluded(r, i) ? ": " + excluded(r, i)->code() : "");
  }
  for (const Finding& f : r.findings) {
    EXPECT_NE(f.severity, Severity::Error) << f.code << " " << f.message;
  }
}

TEST(IdDocuments, InvalidNumbersAreErrorsWordedByTheirType) {
  std::string badPermit = withCheck("11010520080301022");  // a resident ID card's area
  auto r = evaluate(table({{"陈美玲", "港澳台居民居住证", badPermit, "女", ""},
                           {"何家豪", "港澳居民来往内地通行证", "A12345678", "男", "2008-06-01"},
                           {"林志玲", "台湾居民来往大陆通行证", "1234567", "女", "2008-07-02"},
                           {"John Smith", "护照", "E1-2345678", "男", "2008-08-03"},
                           {"张三明", "居民身份证", "H12345678", "男", ""}}));
  auto invalid = findingsOf(r, "ID_INVALID");
  ASSERT_EQ(invalid.size(), 5U);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_FALSE(eligible(r, i)) << i;
    ASSERT_NE(excluded(r, i), nullptr);
    EXPECT_EQ(excluded(r, i)->reason, Exclusion::InvalidData);
    EXPECT_EQ(invalid[i]->where.line, i + 2);
  }
  EXPECT_NE(invalid[0]->message.find("港澳台居民居住证号码"), std::string::npos) << invalid[0]->message;
  EXPECT_NE(invalid[0]->message.find("830000（台湾）"), std::string::npos) << invalid[0]->message;
  EXPECT_NE(invalid[1]->message.find("H 或 M 加 8 位数字"), std::string::npos) << invalid[1]->message;
  EXPECT_NE(invalid[2]->message.find("8 位数字"), std::string::npos) << invalid[2]->message;
  EXPECT_NE(invalid[3]->message.find("护照号码"), std::string::npos) << invalid[3]->message;
  EXPECT_EQ(invalid[1]->message.find("A12345678"), std::string::npos) << "masked";
  EXPECT_NE(invalid[1]->message.find("A******78"), std::string::npos) << invalid[1]->message;
  EXPECT_EQ(invalid[4]->message.find("港澳"), std::string::npos) << "a card's own wording";
}

TEST(IdDocuments, APassOrPassportNeedsTheRostersBirthDateAndGender) {
  auto r = evaluate(table({{"何家豪", "港澳居民来往内地通行证", "H12345678", "男", ""},
                           {"林志玲", "台湾居民来往大陆通行证", "12345678", "女", "2008-02-30"},
                           {"John Smith", "护照", "E12345678", "", "2008-08-03"},
                           {"Jane Doe", "护照", "E87654321", "女", "2030-01-01"}}));
  auto missing = findingsOf(r, "BIRTH_DATE_MISSING");
  ASSERT_EQ(missing.size(), 1U);
  EXPECT_EQ(missing[0]->where.line, 2U);
  EXPECT_NE(missing[0]->message.find("港澳居民来往内地通行证号码不含出生日期"), std::string::npos)
      << missing[0]->message;
  EXPECT_NE(missing[0]->hint.find("出生日期"), std::string::npos) << missing[0]->hint;
  auto invalid = findingsOf(r, "BIRTH_DATE_INVALID");
  ASSERT_EQ(invalid.size(), 2U);
  EXPECT_EQ(invalid[0]->where.line, 3U);
  EXPECT_EQ(invalid[1]->where.line, 5U);
  ASSERT_EQ(findingsOf(r, "GENDER_INVALID").size(), 1U);
  EXPECT_EQ(findingsOf(r, "GENDER_INVALID")[0]->where.line, 4U);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_FALSE(eligible(r, i)) << i;
  // Without the column at all, a pass's holder is told to add it.
  auto noColumn = evaluate(table({{"何家豪", "港澳居民来往内地通行证", "H12345678", "男", ""},
                                  {"张三明", "居民身份证", kCard, "男", ""}},
                                 false));
  EXPECT_EQ(findingsOf(noColumn, "BIRTH_DATE_MISSING").size(), 1U);
  EXPECT_TRUE(findingsOf(noColumn, "ROSTER_COLUMNS").empty()) << "出生日期 is optional";
  EXPECT_TRUE(eligible(noColumn, 1));
}

TEST(IdDocuments, AnEighteenDigitNumbersBirthDateAndGenderAreCheckedAgainstTheRoster) {
  auto r = evaluate(table({{"陈美玲", "港澳台居民居住证", kPermit, "男", ""},
                           {"张三明", "居民身份证", kCard, "男", "2007-05-13"},
                           {"李小红", "居民身份证", withCheck("31010420080301022"),
                            "女", "2008-03-01"}}));
  ASSERT_EQ(findingsOf(r, "GENDER_MISMATCH").size(), 1U);
  EXPECT_EQ(findingsOf(r, "GENDER_MISMATCH")[0]->where.line, 2U);
  ASSERT_EQ(findingsOf(r, "BIRTH_DATE_MISMATCH").size(), 1U);
  EXPECT_EQ(findingsOf(r, "BIRTH_DATE_MISMATCH")[0]->where.line, 3U);
  EXPECT_FALSE(eligible(r, 0));
  EXPECT_FALSE(eligible(r, 1));
  EXPECT_TRUE(eligible(r, 2));
}

TEST(IdDocuments, ABlankTypeWithAValidEighteenDigitNumberIsTakenFromTheNumberWithANote) {
  auto r = evaluate(table({{"张三明", "", kCard, "男", ""},
                           {"陈美玲", " ", kPermit, "女", ""},
                           {"何家豪", "", "H12345678", "男", "2008-06-01"}}));
  EXPECT_TRUE(eligible(r, 0));
  EXPECT_TRUE(eligible(r, 1));
  auto notes = findingsOf(r, "ID_TYPE_ASSUMED");
  ASSERT_EQ(notes.size(), 2U);
  EXPECT_EQ(notes[0]->severity, Severity::Info);
  EXPECT_NE(notes[0]->message.find("按居民身份证申报"), std::string::npos) << notes[0]->message;
  EXPECT_NE(notes[1]->message.find("按港澳台居民居住证申报"), std::string::npos) << notes[1]->message;
  EXPECT_EQ(notes[0]->message.find(kCard), std::string::npos) << "masked";
  // A blank type with anything else is not guessed.
  ASSERT_NE(excluded(r, 2), nullptr);
  EXPECT_EQ(excluded(r, 2)->reason, Exclusion::IdTypeNotSupported);
  ASSERT_EQ(findingsOf(r, "ID_TYPE").size(), 1U);
  EXPECT_NE(findingsOf(r, "ID_TYPE")[0]->message.find("证件类型为空"), std::string::npos);
}

TEST(IdDocuments, WhatRemainsHasOneAdviceInCheckAndInTheReport) {
  auto r = evaluate(table({{"王五", "军官证", "12345678", "男", "2008-01-01"}}));
  ASSERT_NE(excluded(r, 0), nullptr);
  EXPECT_EQ(excluded(r, 0)->reason, Exclusion::IdTypeNotSupported);
  auto f = findingsOf(r, "ID_TYPE");
  ASSERT_EQ(f.size(), 1U);
  EXPECT_NE(f[0]->message.find("军官证"), std::string::npos);
  // The hint names every type taken and where to ask; never "apply in person".
  for (const char* name : {"居民身份证", "港澳台居民居住证", "港澳居民来往内地通行证",
                           "台湾居民来往大陆通行证", "护照", "市职鉴中心"}) {
    EXPECT_NE(f[0]->hint.find(name), std::string::npos) << name << ": " << f[0]->hint;
  }
  EXPECT_EQ(f[0]->hint.find("本人申报"), std::string::npos) << f[0]->hint;
  EXPECT_EQ(msg::text(msg::Lang::En, "ID_TYPE.hint").find("in person"), std::string::npos);
}

TEST(IdDocuments, DuplicatesAreKeyedByTypeAndNumber) {
  auto r = evaluate(table({{"林志玲", "台湾居民来往大陆通行证", "12345678", "女", "2008-07-02"},
                           {"Anna Berg", "护照", "12345678", "女", "2008-09-04"},
                           {"John Smith", "护照", "e12345678", "男", "2008-08-03"},
                           {"John Smith", "外国护照", "E12345678 ", "男", "2008-08-03"}}));
  EXPECT_TRUE(eligible(r, 0));
  EXPECT_TRUE(eligible(r, 1)) << "the same digits on another 证件类型 are another student";
  EXPECT_TRUE(eligible(r, 2));
  ASSERT_NE(excluded(r, 3), nullptr);
  EXPECT_EQ(excluded(r, 3)->reason, Exclusion::Duplicate);
  ASSERT_EQ(findingsOf(r, "DUPLICATE").size(), 1U);
  EXPECT_EQ(findingsOf(r, "DUPLICATE")[0]->message.find("12345678"), std::string::npos) << "masked";
}

TEST(IdDocuments, APluginSeesTheTypeTheRostersGenderAndBirthDate) {
  Student st;
  st.idType = "回乡证";
  st.idNumber = "m12345678";
  st.gender = "女";
  st.birthDate = "39600";  // an Excel date serial: 2008-06-01
  auto v = studentView(st, nullptr, kToday);
  EXPECT_EQ(v.idType, "港澳居民来往内地通行证");
  EXPECT_EQ(v.gender, "女");
  EXPECT_EQ(v.birthDate, "2008-06-01");
  EXPECT_EQ(v.maskedId, "M******78");
  Student blank;
  blank.idNumber = kPermit;
  blank.gender = "男";  // the number's gender wins, as for an ID card
  auto b = studentView(blank, nullptr, kToday);
  EXPECT_EQ(b.idType, "港澳台居民居住证");
  EXPECT_EQ(b.gender, "女");
  EXPECT_EQ(b.birthDate, "2008-03-01");
}

TEST(RosterDate, TheFormsSchoolOfficesWrite) {
  EXPECT_EQ(parseRosterDate("2008-05-01"), (Date{2008, 5, 1}));
  EXPECT_EQ(parseRosterDate("2008/5/1"), (Date{2008, 5, 1}));
  EXPECT_EQ(parseRosterDate("2008.05.01"), (Date{2008, 5, 1}));
  EXPECT_EQ(parseRosterDate("20080501"), (Date{2008, 5, 1}));
  EXPECT_EQ(parseRosterDate("39569"), (Date{2008, 5, 1}));
  EXPECT_EQ(parseRosterDate("2008-02-30"), std::nullopt);
  EXPECT_EQ(parseRosterDate("2008-05/01"), std::nullopt);
  EXPECT_EQ(parseRosterDate("200805"), std::nullopt);
  EXPECT_EQ(parseRosterDate("2008-05-01x"), std::nullopt);
  EXPECT_EQ(parseRosterDate(""), std::nullopt);
  EXPECT_EQ(parseRosterDate("0"), std::nullopt);
}

}  // namespace
}  // namespace zzjb
