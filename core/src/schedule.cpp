// Cron expressions and next fire times in Asia/Shanghai (fixed UTC+8, see schedule.hpp).
#include "zzjb/core/schedule.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <expected>
#include <vector>

#include "zzjb/messages/catalog.hpp"

namespace zzjb {

namespace {

struct FieldSpec {
  const char* name;  // the catalog code of the field's name: "cron.field.day_of_week"
  int min;
  int max;
  const std::array<const char*, 13>* names;  // names[i] is the value min+i… (see lookupName)
};

constexpr std::array<const char*, 13> kMonthNames = {"",    "JAN", "FEB", "MAR", "APR",
                                                     "MAY", "JUN", "JUL", "AUG", "SEP",
                                                     "OCT", "NOV", "DEC"};
constexpr std::array<const char*, 13> kDayNames = {"SUN", "MON", "TUE", "WED", "THU",
                                                   "FRI", "SAT", "",    "",    "",
                                                   "",    "",    ""};

const FieldSpec kFields[5] = {
    {"cron.field.minute", 0, 59, nullptr},
    {"cron.field.hour", 0, 23, nullptr},
    {"cron.field.day_of_month", 1, 31, nullptr},
    {"cron.field.month", 1, 12, &kMonthNames},
    {"cron.field.day_of_week", 0, 7, &kDayNames},
};

// A parse error at a 0-based offset of the original expression.
struct CronError {
  std::size_t offset;
  std::string message;  // from the catalog
};

std::string fieldName(const FieldSpec& spec) { return msg::text(spec.name); }

std::optional<int> lookupName(const FieldSpec& spec, std::string_view word) {
  if (spec.names == nullptr || word.size() != 3) return std::nullopt;
  std::string upper;
  for (char c : word) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (std::size_t i = 0; i < spec.names->size(); ++i) {
    if (upper == (*spec.names)[i]) return static_cast<int>(i);
  }
  return std::nullopt;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// Reads a number or a name at `s[i]`, advancing i. `where` is the offset of s in the expression.
std::expected<int, CronError> readValue(const FieldSpec& spec, std::string_view s, std::size_t& i,
                                        std::size_t where) {
  const std::size_t start = i;
  if (i < s.size() && isDigit(s[i])) {
    long v = 0;
    while (i < s.size() && isDigit(s[i])) {
      v = v * 10 + (s[i] - '0');
      if (v > 1000) v = 1000;  // anything this large is out of range anyway
      ++i;
    }
    if (v < spec.min || v > spec.max) {
      return std::unexpected(
          CronError{where + start, msg::text("cron.out_of_range",
                                             {{"field", fieldName(spec)},
                                              {"value", s.substr(start, i - start)},
                                              {"min", spec.min},
                                              {"max", spec.max}})});
    }
    return static_cast<int>(v);
  }
  if (i < s.size() && isAlpha(s[i])) {
    while (i < s.size() && isAlpha(s[i])) ++i;
    std::string_view word = s.substr(start, i - start);
    if (auto v = lookupName(spec, word)) return *v;
    std::string range = spec.names == &kMonthNames ? msg::text("cron.range.month")
                        : spec.names == &kDayNames ? msg::text("cron.range.day_of_week")
                                                   : std::to_string(spec.min) + "-" +
                                                         std::to_string(spec.max);
    return std::unexpected(CronError{
        where + start,
        msg::text("cron.bad_name", {{"word", word}, {"field", fieldName(spec)}, {"range", range}})});
  }
  if (i >= s.size()) {
    return std::unexpected(
        CronError{where + i, msg::text("cron.missing", {{"field", fieldName(spec)}})});
  }
  return std::unexpected(CronError{
      where + i, msg::text("cron.unexpected",
                           {{"char", std::string(1, s[i])}, {"field", fieldName(spec)}})});
}

// One comma-separated item: `*`, `v`, `a-b`, each optionally followed by `/step`.
std::expected<std::uint64_t, CronError> parseItem(const FieldSpec& spec, std::string_view item,
                                                  std::size_t where) {
  if (item.empty()) {
    return std::unexpected(
        CronError{where, msg::text("cron.empty_item", {{"field", fieldName(spec)}})});
  }
  std::size_t i = 0;
  int lo = spec.min;
  int hi = spec.max;
  bool single = false;
  if (item[0] == '*') {
    i = 1;
  } else {
    auto a = readValue(spec, item, i, where);
    if (!a) return std::unexpected(a.error());
    lo = hi = *a;
    single = true;
    if (i < item.size() && item[i] == '-') {
      const std::size_t dash = i++;
      auto b = readValue(spec, item, i, where);
      if (!b) return std::unexpected(b.error());
      if (*b < *a) {
        return std::unexpected(CronError{
            where + dash, msg::text("cron.backwards", {{"field", fieldName(spec)},
                                                       {"range", item.substr(0, i)}})});
      }
      hi = *b;
      single = false;
    }
  }
  int step = 1;
  if (i < item.size() && item[i] == '/') {
    const std::size_t slash = ++i;
    long n = 0;
    while (i < item.size() && isDigit(item[i])) {
      n = std::min(1000L, n * 10 + (item[i] - '0'));
      ++i;
    }
    if (i == slash || n == 0 || n > spec.max - spec.min + 1) {
      return std::unexpected(CronError{
          where + slash, msg::text("cron.step", {{"max", spec.max - spec.min + 1}})});
    }
    step = static_cast<int>(n);
    if (single) hi = spec.max;  // "a/n": from a to the end of the field
  }
  if (i < item.size()) {
    return std::unexpected(CronError{
        where + i, msg::text("cron.unexpected",
                             {{"char", std::string(1, item[i])}, {"field", fieldName(spec)}})});
  }
  std::uint64_t bits = 0;
  for (int v = lo; v <= hi; v += step) bits |= std::uint64_t{1} << v;
  return bits;
}

std::expected<std::uint64_t, CronError> parseField(const FieldSpec& spec, std::string_view field,
                                                   std::size_t where) {
  std::uint64_t bits = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = field.find(',', start);
    std::string_view item =
        field.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    auto b = parseItem(spec, item, where + start);
    if (!b) return b;
    bits |= *b;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return bits;
}

Finding cronFinding(std::string_view expr, const CronError& e) {
  return configError("CRON_SYNTAX",
                     {{"expression", expr}, {"position", e.offset + 1}, {"problem", e.message}});
}

std::optional<std::string_view> macro(std::string_view word) {
  static constexpr std::pair<std::string_view, std::string_view> kMacros[] = {
      {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
      {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
      {"@hourly", "0 * * * *"},
  };
  for (auto [name, expansion] : kMacros) {
    if (word == name) return expansion;
  }
  return std::nullopt;
}

bool isSpace(char c) { return c == ' ' || c == '\t'; }

}  // namespace

Result<CronSchedule> parseCron(std::string_view expression) {
  std::size_t b = 0;
  std::size_t e = expression.size();
  while (b < e && isSpace(expression[b])) ++b;
  while (e > b && isSpace(expression[e - 1])) --e;
  const std::string_view trimmed = expression.substr(b, e - b);
  if (trimmed.empty()) {
    return std::unexpected(cronFinding(expression, CronError{0, msg::text("cron.empty")}));
  }
  if (trimmed.front() == '@') {
    auto expansion = macro(trimmed);
    if (!expansion) {
      return std::unexpected(cronFinding(
          expression, CronError{b, msg::text("cron.unknown_macro", {{"word", trimmed}})}));
    }
    auto parsed = parseCron(*expansion);
    if (parsed) parsed->text = std::string(trimmed);
    return parsed;
  }

  // Split into fields, remembering where each starts in the original expression.
  std::vector<std::pair<std::size_t, std::string_view>> fields;
  for (std::size_t i = b; i < e;) {
    if (isSpace(expression[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < e && !isSpace(expression[i])) ++i;
    fields.emplace_back(start, expression.substr(start, i - start));
  }
  if (fields.size() != 5) {
    const std::size_t at = fields.size() > 5 ? fields[5].first : e;
    return std::unexpected(cronFinding(
        expression,
        CronError{at, msg::text("cron.field_count", {{"count", fields.size()}})}));
  }

  CronSchedule s;
  s.text = std::string(trimmed);
  std::uint64_t bits[5] = {};
  for (std::size_t f = 0; f < 5; ++f) {
    auto parsed = parseField(kFields[f], fields[f].second, fields[f].first);
    if (!parsed) return std::unexpected(cronFinding(expression, parsed.error()));
    bits[f] = *parsed;
  }
  s.minutes = std::bitset<60>(bits[0]);
  s.hours = std::bitset<24>(bits[1]);
  s.daysOfMonth = std::bitset<32>(bits[2]);
  s.months = std::bitset<13>(bits[3]);
  std::uint64_t dow = bits[4];
  if ((dow & (std::uint64_t{1} << 7)) != 0) dow |= 1;  // 7 is Sunday too
  s.daysOfWeek = std::bitset<7>(dow & 0x7f);
  // Vixie cron: a field that starts with '*' (also "*/2") leaves the other day field in charge.
  s.anyDayOfMonth = fields[2].second.front() == '*';
  s.anyDayOfWeek = fields[4].second.front() == '*';
  return s;
}

std::optional<std::int64_t> nextFireTime(const CronSchedule& s, std::int64_t afterUnixSeconds) {
  using namespace std::chrono;
  // Walk Shanghai's calendar from the first whole minute strictly after the moment.
  const CivilTime start = shanghaiTime((floorDiv(afterUnixSeconds, 60) + 1) * 60'000);
  long day = daysSinceEpoch(start.date);
  int minuteOfDay = start.hour * 60 + start.minute;
  constexpr int kMaxDays = 366 * 10;
  for (int n = 0; n < kMaxDays; ++n, ++day, minuteOfDay = 0) {
    const Date date = dateFromDaysSinceEpoch(day);
    const sys_days sd{days{day}};
    const auto month = static_cast<unsigned>(date.month);
    const auto dom = static_cast<unsigned>(date.day);
    const unsigned dow = weekday{sd}.c_encoding();
    if (!s.months.test(month)) continue;
    const bool domMatch = s.daysOfMonth.test(dom);
    const bool dowMatch = s.daysOfWeek.test(dow);
    bool dayMatch = false;
    if (s.anyDayOfMonth && s.anyDayOfWeek) dayMatch = true;
    else if (s.anyDayOfMonth) dayMatch = dowMatch;
    else if (s.anyDayOfWeek) dayMatch = domMatch;
    else dayMatch = domMatch || dowMatch;
    if (!dayMatch) continue;
    for (int m = minuteOfDay; m < 1440; ++m) {
      if (s.hours.test(static_cast<std::size_t>(m / 60)) &&
          s.minutes.test(static_cast<std::size_t>(m % 60))) {
        return fromShanghaiTime(CivilTime{date, m / 60, m % 60, 0, 0}) / 1000;
      }
    }
  }
  return std::nullopt;
}

std::string shanghaiIsoTime(std::int64_t unixSeconds) { return isoShanghai(unixSeconds * 1000); }

}  // namespace zzjb
