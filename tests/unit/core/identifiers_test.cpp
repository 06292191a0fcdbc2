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

// A residence permit's number with a correct check character, for a given area and birth.
std::string permit(const std::string& area, const std::string& rest11) {
  const std::string first17 = area + rest11;
  return first17 + *residentIdCheckChar(first17);
}

TEST(IdDocType, TakesTheTemplatesNamesAndTheOfficesVariants) {
  EXPECT_EQ(parseIdDocType("居民身份证"), IdDocType::ResidentId);
  EXPECT_EQ(parseIdDocType(" 身份证 "), IdDocType::ResidentId);
  EXPECT_EQ(parseIdDocType("港澳台居民居住证"), IdDocType::ResidencePermit);
  EXPECT_EQ(parseIdDocType("台湾居民居住证"), IdDocType::ResidencePermit);
  EXPECT_EQ(parseIdDocType("港澳居民来往内地通行证"), IdDocType::HkMacaoPass);
  EXPECT_EQ(parseIdDocType("回乡证"), IdDocType::HkMacaoPass);
  EXPECT_EQ(parseIdDocType("台湾居民来往大陆通行证"), IdDocType::TaiwanPass);
  EXPECT_EQ(parseIdDocType("台胞证"), IdDocType::TaiwanPass);
  EXPECT_EQ(parseIdDocType("护照"), IdDocType::Passport);
  EXPECT_EQ(parseIdDocType("外国护照"), IdDocType::Passport);
  EXPECT_EQ(parseIdDocType(""), std::nullopt);
  EXPECT_EQ(parseIdDocType("军官证"), std::nullopt);
  EXPECT_EQ(parseIdDocType("外国人永久居留身份证"), std::nullopt);
  for (IdDocType t : {IdDocType::ResidentId, IdDocType::ResidencePermit, IdDocType::HkMacaoPass,
                      IdDocType::TaiwanPass, IdDocType::Passport}) {
    EXPECT_EQ(parseIdDocType(idDocTypeName(t)), t) << idDocTypeName(t);
  }
  EXPECT_TRUE(idDocCarriesBirthAndGender(IdDocType::ResidencePermit));
  EXPECT_FALSE(idDocCarriesBirthAndGender(IdDocType::Passport));
}

TEST(ResidencePermit, ValidatedLikeAnIdCardWithItsOwnAreas) {
  for (const char* area : {"810000", "820000", "830000"}) {
    auto r = checkIdDocument(IdDocType::ResidencePermit, permit(area, "20080501002"), kToday);
    EXPECT_TRUE(r.ok) << area << ": " << r.problem;
    EXPECT_EQ(r.birthDate, (Date{2008, 5, 1}));
    EXPECT_EQ(r.gender, Gender::Female);
  }
  // A resident ID card's area is not a permit's.
  auto card = checkIdDocument(IdDocType::ResidencePermit, "11010519491231002X", kToday);
  EXPECT_FALSE(card.ok);
  EXPECT_EQ(card.problem, "前6位不是 810000（香港）、820000（澳门）或 830000（台湾）");
  // The check character and the birth date are checked as for an ID card.
  std::string wrong = permit("830000", "20080501002");
  wrong.back() = wrong.back() == '1' ? '2' : '1';
  EXPECT_FALSE(checkIdDocument(IdDocType::ResidencePermit, wrong, kToday).ok);
  EXPECT_FALSE(
      checkIdDocument(IdDocType::ResidencePermit, permit("810000", "20080230002"), kToday).ok);
  EXPECT_FALSE(checkIdDocument(IdDocType::ResidencePermit, "81000020080501", kToday).ok);
}

TEST(HkMacaoPass, HOrMAndEightOrTenDigits) {
  for (const char* ok : {"H12345678", "M87654321", "h12345678", "H1234567801", " M1234567890 "}) {
    auto r = checkIdDocument(IdDocType::HkMacaoPass, ok, kToday);
    EXPECT_TRUE(r.ok) << ok << ": " << r.problem;
    EXPECT_FALSE(r.birthDate);
    EXPECT_FALSE(r.gender);
  }
  EXPECT_EQ(checkIdDocument(IdDocType::HkMacaoPass, "h12345678", kToday).normalized, "H12345678");
  for (const char* bad : {"A12345678", "H1234567", "H123456789", "H12345678X", "12345678", "",
                          "H1234 5678", "M123456789012"}) {
    EXPECT_FALSE(checkIdDocument(IdDocType::HkMacaoPass, bad, kToday).ok) << bad;
  }
  EXPECT_EQ(checkIdDocument(IdDocType::HkMacaoPass, "H1234567", kToday).problem,
            "有 8 位，应为 H 或 M 加 8 位数字（旧证为 10 位数字）");
}

TEST(TaiwanPass, EightDigitsOrAnOlderTen) {
  for (const char* ok : {"12345678", "0561682001", "0561682001(D)", "0561682001(b)"}) {
    EXPECT_TRUE(checkIdDocument(IdDocType::TaiwanPass, ok, kToday).ok) << ok;
  }
  for (const char* bad : {"1234567", "123456789", "T1234567", "0561682001(DD)", "0561682001D",
                          "12345678901", ""}) {
    EXPECT_FALSE(checkIdDocument(IdDocType::TaiwanPass, bad, kToday).ok) << bad;
  }
}

TEST(Passport, ChineseAndForeignLettersAndDigits) {
  for (const char* ok : {"E12345678", "EA1234567", "G12345678", "123456789", "X1234567",
                         "ab12345", "P1234567890123456"}) {
    auto r = checkIdDocument(IdDocType::Passport, ok, kToday);
    EXPECT_TRUE(r.ok) << ok << ": " << r.problem;
  }
  EXPECT_EQ(checkIdDocument(IdDocType::Passport, "ea1234567", kToday).normalized, "EA1234567");
  for (const char* bad : {"E123", "ABCDEFGH", "E1234-5678", "P12345678901234567", "护照12345", ""}) {
    EXPECT_FALSE(checkIdDocument(IdDocType::Passport, bad, kToday).ok) << bad;
  }
}

TEST(IdDocument, ResidentIdIsCheckedAsBefore) {
  EXPECT_TRUE(checkIdDocument(IdDocType::ResidentId, "11010519491231002X", kToday).ok);
  EXPECT_FALSE(checkIdDocument(IdDocType::ResidentId, "110105194912310021", kToday).ok);
  EXPECT_FALSE(checkIdDocument(IdDocType::ResidentId, "H12345678", kToday).ok);
}

TEST(Masks, APassOrAPassportKeepsOnlyItsFirstCharacterAndLastTwo) {
  EXPECT_EQ(maskId("H12345678"), "H******78");
  EXPECT_EQ(maskId("12345678"), "1*****78");
  EXPECT_EQ(maskId("0561682001(D)"), "0**********D)");
  EXPECT_EQ(maskId("1234567"), "*******");
  EXPECT_EQ(maskId(permit("830000", "20080501002")).substr(0, 3), "830");
}

}  // namespace
}  // namespace zzjb
