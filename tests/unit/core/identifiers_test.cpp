// Identifier checks on known-good and known-bad vectors.
#include <gtest/gtest.h>

#include "zzjb/core/identifiers.hpp"
#include "zzjb/messages/catalog.hpp"

namespace zzjb {
namespace {

const Date kToday{2026, 11, 27};

TEST(ResidentId, AcceptsKnownGoodNumberWithXCheckDigit) {
  auto r = checkResidentId("11010519491231002X", kToday);
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.birthDate, (Date{1949, 12, 31}));
  EXPECT_EQ(r.gender, Gender::Female);  // 17th digit 2 is even
}

TEST(ResidentId, AcceptsLowerCaseXAndNormalisesIt) {
  auto r = checkResidentId(" 11010519491231002x ", kToday);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.normalized, "11010519491231002X");
}

TEST(ResidentId, ComputesCheckCharacter) {
  EXPECT_EQ(residentIdCheckChar("11010519491231002"), 'X');
  EXPECT_EQ(residentIdCheckChar("31010419850312123"), '5');
  EXPECT_EQ(residentIdCheckChar("1101051949123100"), std::nullopt);
}

TEST(ResidentId, NamesWrongCheckDigitAndTheExpectedOne) {
  auto r = checkResidentId("110105194912310021", kToday);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.problem, "校验位为 1，应为 X");
}

TEST(ResidentId, NamesTheProblemInEnglishWhenAsked) {
  msg::setLanguage(msg::Lang::En);
  auto r = checkResidentId("110105194912310021", kToday);
  auto m = checkMobile("1234567");
  msg::setLanguage(msg::Lang::ZhCN);
  EXPECT_EQ(r.problem, "check digit is 1, expected X");
  EXPECT_EQ(m.problem, "it has 7 digits, expected 11");
}

TEST(ResidentId, RejectsImpossibleAndFutureBirthDates) {
  // 1949-02-30 does not exist; the check digit is made right so only the date is wrong.
  std::string first17 = "11010519490230002";
  auto bad = checkResidentId(first17 + *residentIdCheckChar(first17), kToday);
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.problem.find("不是有效日期"), std::string::npos) << bad.problem;
  std::string future = "11010520301231002";
  auto fut = checkResidentId(future + *residentIdCheckChar(future), kToday);
  EXPECT_FALSE(fut.ok);
  EXPECT_NE(fut.problem.find("超出合理范围"), std::string::npos) << fut.problem;
}

TEST(ResidentId, RejectsWrongLengthAndLetters) {
  EXPECT_EQ(checkResidentId("1101051949123100", kToday).problem, "有 16 位，应为 18 位");
  EXPECT_FALSE(checkResidentId("11010519491231A02X", kToday).ok);
  EXPECT_FALSE(checkResidentId("", kToday).ok);
}

TEST(ResidentId, ProblemNeverRepeatsTheNumber) {
  auto r = checkResidentId("110105194912310021", kToday);
  EXPECT_EQ(r.problem.find("110105"), std::string::npos);
}

TEST(CreditCode, AcceptsKnownGood) {
  auto r = checkCreditCode("91350100M000100Y43");
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_TRUE(checkCreditCode("91350100m000100y43").ok);  // normalised to upper case
}

TEST(CreditCode, ComputesFinalCheckCharacter) {
  EXPECT_EQ(creditCodeCheckChar("91350100M000100Y4"), '3');
  EXPECT_EQ(creditCodeCheckChar("91350100M000100I4"), std::nullopt);  // I is not in the alphabet
}

TEST(CreditCode, RejectsWrongFinalCheckCharacter) {
  auto r = checkCreditCode("91350100M000100Y44");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.problem, "校验位为 4，应为 3");
}

TEST(CreditCode, RejectsWrongOrganisationCodeCheckCharacter) {
  // 17th character changed from 4 to 5, 18th recomputed so that only the inner check fails.
  std::string first17 = "91350100M000100Y5";
  auto r = checkCreditCode(first17 + *creditCodeCheckChar(first17));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.problem, "组织机构代码校验位（第17位）为 5，应为 4");
}

TEST(CreditCode, RejectsLettersOutsideTheAlphabetAndWrongLength) {
  auto r = checkCreditCode("91350100O000100Y43");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("“O”"), std::string::npos) << r.problem;
  EXPECT_EQ(checkCreditCode("91350100M000100Y4").problem, "有 17 位，应为 18 位");
}

TEST(Mobile, StripsSeparatorsAndCountryCode) {
  EXPECT_EQ(checkMobile("+86 138-1234-5678").normalized, "13812345678");
  EXPECT_TRUE(checkMobile("0086 13812345678").ok);
  EXPECT_TRUE(checkMobile("19912345678").ok);
}

TEST(Mobile, RejectsShortAndWrongPrefix) {
  EXPECT_EQ(checkMobile("1234567").problem, "有 7 位数字，应为 11 位");
  EXPECT_EQ(checkMobile("12812345678").problem, "不是以 13–19 开头");
  EXPECT_FALSE(checkMobile("1381234567a").ok);
  EXPECT_FALSE(checkMobile("").ok);
}

TEST(OccupationCode, AcceptsTheFormOfTheClassification) {
  EXPECT_TRUE(isOccupationCode("4-04-05-01"));
  EXPECT_TRUE(isOccupationCode("6-31-01-03"));
  EXPECT_FALSE(isOccupationCode("9-04-05-01"));
  EXPECT_FALSE(isOccupationCode("4-4-05-01"));
  EXPECT_FALSE(isOccupationCode("4-04-05-011"));
  EXPECT_FALSE(isOccupationCode("4-04-0a-01"));
}

TEST(Masks, HideAllButTheEnds) {
  EXPECT_EQ(maskId("31010419850312123X"), "310***********123X");
  EXPECT_EQ(maskMobile("13812345678"), "138****5678");
  EXPECT_EQ(maskName("张三明"), "张*明");
  EXPECT_EQ(maskName("李明"), "李*");
  EXPECT_EQ(maskId("123"), "***");
}

}  // namespace
}  // namespace zzjb
