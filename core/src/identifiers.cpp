// Identifier checks (GB 11643-1999 ID numbers and residence permits, passes and passports,
// GB 32100-2015 credit codes, mobiles, 职业编码)
// and the masks used wherever personal data could reach a log or a report.
#include "zzjb/core/identifiers.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "zzjb/messages/catalog.hpp"

namespace zzjb {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

std::string trimAscii(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
  return std::string(s.substr(b, e - b));
}

// Number of UTF-8 code points (masks work on characters, not bytes).
std::vector<std::string> utf8Chars(std::string_view s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    if (i + n > s.size()) n = s.size() - i;
    out.emplace_back(s.substr(i, n));
    i += n;
  }
  return out;
}

constexpr std::array<int, 17> kIdWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kIdCheck = "10X98765432";

constexpr std::string_view kCreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kCreditWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                                29, 25, 13, 8,  24, 10, 30, 28};

}  // namespace

std::optional<char> residentIdCheckChar(std::string_view first17) {
  if (first17.size() != 17) return std::nullopt;
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    if (!isDigit(first17[i])) return std::nullopt;
    sum += (first17[i] - '0') * kIdWeights[i];
  }
  return kIdCheck[static_cast<std::size_t>(sum % 11)];
}

IdCheck checkResidentId(std::string_view id, const Date& today) {
  IdCheck r;
  std::string s = trimAscii(id);
  if (!s.empty() && s.back() == 'x') s.back() = 'X';
  r.normalized = s;
  if (s.empty()) {
    r.problem = msg::text("identifier.problem.empty");
    return r;
  }
  if (s.size() != 18) {
    r.problem = msg::text("identifier.problem.length", {{"length", s.size()}, {"expected", 18}});
    return r;
  }
  for (std::size_t i = 0; i < 17; ++i) {
    if (!isDigit(s[i])) {
      r.problem = msg::text("identifier.problem.non_digit", {{"position", i + 1}});
      return r;
    }
  }
  if (!isDigit(s[17]) && s[17] != 'X') {
    r.problem = msg::text("identifier.problem.last_char");
    return r;
  }
  auto birth = Date::parseCompact(std::string_view(s).substr(6, 8));
  if (!birth) {
    r.problem = msg::text("identifier.problem.birth_date");
    return r;
  }
  if (*birth > today || birth->year < 1900) {
    r.problem = msg::text("identifier.problem.birth_range");
    return r;
  }
  char expected = *residentIdCheckChar(std::string_view(s).substr(0, 17));
  if (expected != s[17]) {
    r.problem = msg::text("identifier.problem.check_digit",
                          {{"found", std::string(1, s[17])}, {"expected", std::string(1, expected)}});
    return r;
  }
  r.ok = true;
  r.birthDate = birth;
  r.gender = ((s[16] - '0') % 2 == 1) ? Gender::Male : Gender::Female;
  return r;
}

const char* idDocTypeName(IdDocType t) {
  // not-text: begin (the 证件类型 values of the platform's template)
  switch (t) {
    case IdDocType::ResidentId: return "居民身份证";
    case IdDocType::ResidencePermit: return "港澳台居民居住证";
    case IdDocType::HkMacaoPass: return "港澳居民来往内地通行证";
    case IdDocType::TaiwanPass: return "台湾居民来往大陆通行证";
    case IdDocType::Passport: return "护照";
  }
  return "居民身份证";
  // not-text: end
}

std::optional<IdDocType> parseIdDocType(std::string_view idType) {
  struct Name {
    std::string_view text;
    IdDocType type;
  };
  // not-text: begin (证件类型 values as rosters write them)
  static constexpr std::array<Name, 16> kNames = {{
      {"居民身份证", IdDocType::ResidentId},
      {"身份证", IdDocType::ResidentId},
      {"中华人民共和国居民身份证", IdDocType::ResidentId},
      {"港澳台居民居住证", IdDocType::ResidencePermit},
      {"港澳居民居住证", IdDocType::ResidencePermit},
      {"台湾居民居住证", IdDocType::ResidencePermit},
      {"居住证（港澳台）", IdDocType::ResidencePermit},
      {"港澳居民来往内地通行证", IdDocType::HkMacaoPass},
      {"港澳通行证（回乡证）", IdDocType::HkMacaoPass},
      {"回乡证", IdDocType::HkMacaoPass},
      {"台湾居民来往大陆通行证", IdDocType::TaiwanPass},
      {"台胞证", IdDocType::TaiwanPass},
      {"护照", IdDocType::Passport},
      {"外国护照", IdDocType::Passport},
      {"中国护照", IdDocType::Passport},
      {"外国人护照", IdDocType::Passport},
  }};
  // not-text: end
  const std::string s = trimAscii(idType);
  for (const Name& n : kNames) {
    if (s == n.text) return n.type;
  }
  return std::nullopt;
}

bool idDocCarriesBirthAndGender(IdDocType t) {
  return t == IdDocType::ResidentId || t == IdDocType::ResidencePermit;
}

namespace {

bool allDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return isDigit(c); });
}

bool isUpperOrDigit(char c) { return isDigit(c) || (c >= 'A' && c <= 'Z'); }

// A pass or passport number: trimmed, letters upper-cased.
std::string normalizedDocument(std::string_view number) {
  std::string s = trimAscii(number);
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

// H12345678, M1234567890.
bool isHkMacaoPass(std::string_view s) {
  return (s.size() == 9 || s.size() == 11) && (s[0] == 'H' || s[0] == 'M') && allDigits(s.substr(1));
}

// 12345678; older cards 1234567801, 1234567801(B).
bool isTaiwanPass(std::string_view s) {
  if (s.size() == 8 || s.size() == 10) return allDigits(s);
  return s.size() == 13 && allDigits(s.substr(0, 10)) && s[10] == '(' && isUpperOrDigit(s[11]) &&
         s[12] == ')';
}

// Chinese (E12345678, EA1234567, G12345678) and foreign passports: 5–17 letters and digits, at
// least one digit.
bool isPassport(std::string_view s) {
  return s.size() >= 5 && s.size() <= 17 && std::all_of(s.begin(), s.end(), isUpperOrDigit) &&
         std::any_of(s.begin(), s.end(), [](char c) { return isDigit(c); });
}

}  // namespace

IdCheck checkIdDocument(IdDocType t, std::string_view number, const Date& today) {
  if (t == IdDocType::ResidentId) return checkResidentId(number, today);
  if (t == IdDocType::ResidencePermit) {
    IdCheck r = checkResidentId(number, today);
    const std::string_view area = std::string_view(r.normalized).substr(0, 6);
    if (r.normalized.size() == 18 && area != "810000" && area != "820000" && area != "830000") {
      r = IdCheck{false, msg::text("identifier.problem.permit_area"), r.normalized, {}, {}};
    }
    return r;
  }
  IdCheck r;
  r.normalized = normalizedDocument(number);
  const std::string& s = r.normalized;
  if (s.empty()) {
    r.problem = msg::text("identifier.problem.empty");
    return r;
  }
  bool ok = t == IdDocType::HkMacaoPass  ? isHkMacaoPass(s)
            : t == IdDocType::TaiwanPass ? isTaiwanPass(s)
                                         : isPassport(s);
  if (!ok) {
    r.problem = msg::text(t == IdDocType::HkMacaoPass  ? "identifier.problem.hk_macao_pass"
                          : t == IdDocType::TaiwanPass ? "identifier.problem.taiwan_pass"
                                                       : "identifier.problem.passport",
                          {{"length", s.size()}});
    return r;
  }
  r.ok = true;
  return r;
}

std::optional<char> creditCodeCheckChar(std::string_view first17) {
  if (first17.size() != 17) return std::nullopt;
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    auto pos = kCreditAlphabet.find(first17[i]);
    if (pos == std::string_view::npos) return std::nullopt;
    sum += static_cast<int>(pos) * kCreditWeights[i];
  }
  return kCreditAlphabet[static_cast<std::size_t>((31 - sum % 31) % 31)];
}

CreditCodeCheck checkCreditCode(std::string_view code) {
  CreditCodeCheck r;
  std::string s = trimAscii(code);
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  r.normalized = s;
  if (s.empty()) {
    r.problem = msg::text("identifier.problem.empty");
    return r;
  }
  if (s.size() != 18) {
    r.problem = msg::text("identifier.problem.length", {{"length", s.size()}, {"expected", 18}});
    return r;
  }
  for (std::size_t i = 0; i < 18; ++i) {
    if (kCreditAlphabet.find(s[i]) == std::string_view::npos) {
      r.problem = msg::text("identifier.problem.credit_char",
                            {{"position", i + 1}, {"char", std::string(1, s[i])}});
      return r;
    }
  }
  // The 9th to 17th characters embed the organisation code, with its own check character (the
  // 17th): GB 11714 weights over the 8 before it.
  static constexpr std::array<int, 8> kOrgWeights = {3, 7, 9, 10, 5, 8, 4, 2};
  int orgSum = 0;
  bool orgNumeric = true;
  for (std::size_t i = 0; i < 8; ++i) {
    char c = s[8 + i];
    int v = 0;
    if (isDigit(c)) {
      v = c - '0';
    } else if (c >= 'A' && c <= 'Z') {
      v = c - 'A' + 10;
    } else {
      orgNumeric = false;
    }
    orgSum += v * kOrgWeights[i];
  }
  if (orgNumeric) {
    int m = 11 - orgSum % 11;
    char orgCheck = m == 10 ? 'X' : m == 11 ? '0' : static_cast<char>('0' + m);
    if (s[16] != orgCheck) {
      r.problem = msg::text("identifier.problem.org_check",
                            {{"found", std::string(1, s[16])}, {"expected", std::string(1, orgCheck)}});
      return r;
    }
  }
  char expected = *creditCodeCheckChar(std::string_view(s).substr(0, 17));
  if (expected != s[17]) {
    r.problem = msg::text("identifier.problem.check_char",
                          {{"found", std::string(1, s[17])}, {"expected", std::string(1, expected)}});
    return r;
  }
  r.ok = true;
  return r;
}

MobileCheck checkMobile(std::string_view mobile) {
  MobileCheck r;
  std::string s;
  for (char c : mobile) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    s += c;
  }
  if (s.rfind("+86", 0) == 0) {
    s.erase(0, 3);
  } else if (s.rfind("0086", 0) == 0) {
    s.erase(0, 4);
  }
  r.normalized = s;
  if (s.empty()) {
    r.problem = msg::text("identifier.problem.empty");
    return r;
  }
  if (s.size() != 11) {
    r.problem = msg::text("identifier.problem.mobile_length", {{"length", s.size()}});
    return r;
  }
  for (char c : s) {
    if (!isDigit(c)) {
      r.problem = msg::text("identifier.problem.mobile_char");
      return r;
    }
  }
  if (s[0] != '1' || s[1] < '3' || s[1] > '9') {
    r.problem = msg::text("identifier.problem.mobile_prefix");
    return r;
  }
  r.ok = true;
  return r;
}

bool isOccupationCode(std::string_view c) {
  if (c.size() != 10) return false;
  if (c[0] < '1' || c[0] > '8') return false;
  for (std::size_t i : {1U, 4U, 7U}) {
    if (c[i] != '-') return false;
  }
  for (std::size_t i : {2U, 3U, 5U, 6U, 8U, 9U}) {
    if (!isDigit(c[i])) return false;
  }
  return true;
}

namespace {
// Keeps the first 3 and last 4 characters; anything of 7 or fewer is masked whole.
std::string maskMiddle(std::string_view s) {
  auto chars = utf8Chars(trimAscii(s));
  if (chars.size() <= 7) return std::string(chars.size(), '*');
  std::string out;
  for (std::size_t i = 0; i < chars.size(); ++i) {
    out += (i < 3 || i + 4 >= chars.size()) ? chars[i] : "*";
  }
  return out;
}
}  // namespace

std::string maskId(std::string_view id) {
  auto chars = utf8Chars(trimAscii(id));
  if (chars.size() >= 15 || chars.size() < 8) return maskMiddle(id);
  std::string out = chars.front();
  for (std::size_t i = 1; i + 2 < chars.size(); ++i) out += "*";
  return out + chars[chars.size() - 2] + chars.back();
}

std::string maskMobile(std::string_view mobile) { return maskMiddle(mobile); }

std::string maskName(std::string_view name) {
  auto chars = utf8Chars(trimAscii(name));
  if (chars.empty()) return "";
  if (chars.size() == 1) return "*";
  std::string out = chars.front();
  for (std::size_t i = 1; i + 1 < chars.size(); ++i) out += "*";
  out += chars.size() == 2 ? "*" : chars.back();
  return out;
}

const char* genderName(Gender g) { return g == Gender::Male ? "男" : "女"; }  // not-text: 性别 values (roster, platform)

}  // namespace zzjb
