// Identifier checks: 居民身份证号 (GB 11643-1999), 统一社会信用代码 (GB 32100-2015),
// mobile numbers and 职业编码. Each check says precisely what is wrong, never echoing a full ID.
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

// Masks for logs and reports: 310***********123X (first 3, last 4), 138****5678, 张*明.
[[nodiscard]] std::string maskId(std::string_view id);
[[nodiscard]] std::string maskMobile(std::string_view mobile);
[[nodiscard]] std::string maskName(std::string_view name);

[[nodiscard]] const char* genderName(Gender g);  // 男 / 女

}  // namespace zzjb
