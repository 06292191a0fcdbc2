// Identifier checks: 居民身份证号 (GB 11643-1999), the other 证件 a school's students hold
// (港澳台居民居住证, 港澳居民来往内地通行证, 台湾居民来往大陆通行证, 护照), 统一社会信用代码
// (GB 32100-2015), mobile numbers and 职业编码. Each check says precisely what is wrong, never echoing a full ID.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "zzjb/core/date.hpp"

namespace zzjb {

enum class Gender { Male, Female };

struct IdCheck {
  bool ok = false;
  std::string problem;  // empty when ok; says what is wrong without repeating the number
  std::string normalized;  // upper-cased 'x', trimmed
  std::optional<Date> birthDate;
  std::optional<Gender> gender;
};

// `today` bounds the birth date (a future date is invalid).
[[nodiscard]] IdCheck checkResidentId(std::string_view id, const Date& today);
// The check character for the first 17 digits ('0'..'9' or 'X'); nullopt if they are not digits.
[[nodiscard]] std::optional<char> residentIdCheckChar(std::string_view first17);

// The 证件类型 a school's group declaration carries (docs/platform-api.md, "Group declarations").
enum class IdDocType {
  ResidentId,       // 居民身份证: GB 11643, 18 characters
  ResidencePermit,  // 港澳台居民居住证: GB 11643 with area 810000 / 820000 / 830000
  HkMacaoPass,      // 港澳居民来往内地通行证: H or M and 8 digits (older booklets: 10 digits)
  TaiwanPass,       // 台湾居民来往大陆通行证: 8 digits (older: 10 digits, optionally "(X)")
  Passport,         // 护照: 5–17 letters and digits, at least one digit (E12345678, EA1234567)
};
// The 证件类型 exactly as the platform's template takes it: 居民身份证, 港澳台居民居住证,
// 港澳居民来往内地通行证, 台湾居民来往大陆通行证, 护照.
[[nodiscard]] const char* idDocTypeName(IdDocType t);
// A roster's 证件类型: the template's names and the variants school offices write (身份证,
// 回乡证, 台胞证, 港澳居民居住证, 外国护照, …). nullopt for a blank cell and for any other type.
[[nodiscard]] std::optional<IdDocType> parseIdDocType(std::string_view idType);
// Whether the number itself carries the birth date and gender (the 18-digit ones).
[[nodiscard]] bool idDocCarriesBirthAndGender(IdDocType t);
// The number checked by its type's own format. ResidentId is checkResidentId; ResidencePermit is
// the same with its own area codes; the others are normalised (trimmed, letters upper-cased) and
// have no birthDate or gender.
[[nodiscard]] IdCheck checkIdDocument(IdDocType t, std::string_view number, const Date& today);

struct CreditCodeCheck {
  bool ok = false;
  std::string problem;
  std::string normalized;
};
[[nodiscard]] CreditCodeCheck checkCreditCode(std::string_view code);
// The 18th character for the first 17 characters, nullopt when one is outside the alphabet.
[[nodiscard]] std::optional<char> creditCodeCheckChar(std::string_view first17);

struct MobileCheck {
  bool ok = false;
  std::string problem;
  std::string normalized;  // 11 digits
};
// Strips spaces, '-', a leading +86 / 0086, then requires ^1[3-9]\d{9}$.
[[nodiscard]] MobileCheck checkMobile(std::string_view mobile);

// ^[1-8]-\d{2}-\d{2}-\d{2}$ (职业分类大典 2022).
[[nodiscard]] bool isOccupationCode(std::string_view code);

// Masks for logs and reports: 310***********123X (first 3, last 4), 138****5678, 张*明. A
// shorter number (a pass or a passport, 8–14 characters) keeps only its first character and last
// two (H******78): its last four would be half of it.
[[nodiscard]] std::string maskId(std::string_view id);
[[nodiscard]] std::string maskMobile(std::string_view mobile);
[[nodiscard]] std::string maskName(std::string_view name);

[[nodiscard]] const char* genderName(Gender g);  // 男 / 女

}  // namespace zzjb
