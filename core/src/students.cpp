// From a roster table to students: columns found by header name (with the aliases school offices
// actually use), numeric spreadsheet cells turned back into text where that loses nothing.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>

#include "zzjb/core/eligibility.hpp"

namespace zzjb {

namespace {

struct ColumnSpec {
  const char* name;
  std::vector<std::string> aliases;
  bool required = true;
};

const std::vector<ColumnSpec>& columnSpecs() {
  // not-text: begin (the roster's column headers and their aliases, matched against the file)
  static const std::vector<ColumnSpec> kSpecs = {
      {"姓名", {"学生姓名", "考生姓名"}},
      {"证件类型", {"证件种类"}},
      {"证件号码", {"身份证号", "身份证号码", "证件号", "公民身份号码"}},
      {"性别", {}},
      {"手机号码", {"手机", "手机号", "移动电话", "联系电话"}},
      {"专业", {"专业名称", "所学专业"}},
      {"班级", {"班级名称"}},
      {"毕业年份", {"毕业年度", "毕业年", "毕业时间"}},
      // Optional: a pass's or a passport's holder has no birth date in the number.
      {"出生日期", {"出生年月日", "出生日期（年月日）", "出生年月", "生日"}, false},
  };
  // not-text: end
  return kSpecs;
}

std::string trim(std::string_view s) {
  auto isSpace = [](std::string_view v, std::size_t i, std::size_t& len) {
    if (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n') {
      len = 1;
      return true;
    }
    if (v.substr(i, 3) == "\xE3\x80\x80") {  // U+3000, the full-width space
      len = 3;
      return true;
    }
    return false;
  };
  std::size_t b = 0;
  std::size_t len = 0;
  while (b < s.size() && isSpace(s, b, len)) b += len;
  std::size_t e = s.size();
  while (e > b) {
    if (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n') {
      --e;
    } else if (e - b >= 3 && s.substr(e - 3, 3) == "\xE3\x80\x80") {
      e -= 3;
    } else {
      break;
    }
  }
  return std::string(s.substr(b, e - b));
}

// A numeric spreadsheet cell written as the integer it is, when it is one that a double holds
// exactly ("2027", "13812345678" from "1.3812345678E10"); otherwise as stored.
std::string numericText(const std::string& stored) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(stored.data(), stored.data() + stored.size(), v);
  if (ec != std::errc() || ptr != stored.data() + stored.size()) return stored;
  if (v < 0 || v >= 1e15 || std::floor(v) != v) return stored;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

}  // namespace

const std::vector<std::string>& requiredRosterColumns() {
  static const std::vector<std::string> kCols = [] {
    std::vector<std::string> v;
    for (const auto& s : columnSpecs()) {
      if (s.required) v.emplace_back(s.name);
    }
    return v;
  }();
  return kCols;
}

std::vector<Student> studentsFromTable(const RosterTable& table, std::vector<Finding>& findings) {
  const auto& specs = columnSpecs();
  std::vector<std::optional<std::size_t>> index(specs.size());
  std::vector<bool> used(table.header.size(), false);
  for (std::size_t s = 0; s < specs.size(); ++s) {
    for (std::size_t h = 0; h < table.header.size() && !index[s]; ++h) {
      if (used[h]) continue;
      const std::string& name = table.header[h];
      bool match = name == specs[s].name ||
                   std::find(specs[s].aliases.begin(), specs[s].aliases.end(), name) !=
                       specs[s].aliases.end();
      if (match) {
        index[s] = h;
        used[h] = true;
      }
    }
  }
  const std::string separator = msg::text("check.list.separator");
  std::string missing;
  for (std::size_t s = 0; s < specs.size(); ++s) {
    if (!index[s] && specs[s].required) {
      missing += (missing.empty() ? "" : separator) + std::string(specs[s].name);
    }
  }
  if (!missing.empty()) {
    // The names read as the header of a file accepted as a roster; a few hundred bytes of them
    // are enough to see what went wrong (docs/architecture.md, "Rosters in bounded memory").
    std::string found;
    std::size_t shown = 0;
    for (const auto& h : table.header) {
      if (found.size() > 300) {
        found += msg::text("ROSTER_COLUMNS.more", {{"count", table.header.size() - shown}});
        break;
      }
      found += (found.empty() ? "" : separator) + h;
      ++shown;
    }
    std::string required;
    for (const auto& spec : specs) {
      if (spec.required) required += (required.empty() ? "" : separator) + spec.name;
    }
    findings.push_back(makeFinding(Severity::Error, FindingKind::Data, "ROSTER_COLUMNS",
                                   {table.file, table.headerLine, "", ""},
                                   {{"missing", missing}, {"found", found}, {"required", required}}));
    return {};
  }

  std::vector<Student> students;
  students.reserve(table.records.size());
  for (const auto& rec : table.records) {
    auto cell = [&](std::size_t spec) -> const Cell* {
      return index[spec] ? rec.at(*index[spec]) : nullptr;
    };
    auto text = [&](std::size_t spec) -> std::string {
      const Cell* c = cell(spec);
      if (c == nullptr) return "";
      return c->kind == CellKind::Number ? numericText(c->text) : trim(c->text);
    };
    Student st;
    st.name = text(0);
    st.idType = text(1);
    st.gender = text(3);
    st.mobile = text(4);
    st.major = text(5);
    st.className = text(6);
    st.graduationYear = text(7);
    st.birthDate = text(8);
    if (const Cell* id = cell(2); id != nullptr) {
      st.idNumber = trim(id->text);
      if (id->kind == CellKind::Number) st.idStoredAs = id->text;
      if (!id->ref.empty()) st.idCell = (table.sheet.empty() ? "" : table.sheet + "!") + id->ref;
    }
    for (std::size_t h = 0; h < table.header.size(); ++h) {
      const Cell* c = rec.at(h);
      if (used[h] || table.header[h].empty() || c == nullptr) continue;
      st.extra[table.header[h]] = c->kind == CellKind::Number ? numericText(c->text) : trim(c->text);
    }
    st.file = table.file;
    st.line = rec.line;
    students.push_back(std::move(st));
  }
  return students;
}

std::optional<Date> parseRosterDate(std::string_view text) {
  const std::string s = trim(text);
  const bool digitsOnly = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  if (digitsOnly && s.size() == 8) return Date::parseCompact(s);
  if (digitsOnly && s.size() <= 5) {
    // An Excel date serial: days since 1899-12-30 (the 1900 leap-year bug makes that the zero).
    const long serial = std::stol(s);
    if (serial < 1) return std::nullopt;
    return dateFromDaysSinceEpoch(serial - 25569);
  }
  // 2008-05-01, 2008/5/1, 2008.5.1: year, month and day between one kind of separator.
  int parts[3] = {0, 0, 0};
  std::size_t part = 0;
  std::size_t digits = 0;
  char sep = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      if (++digits > (part == 0 ? 4U : 2U)) return std::nullopt;
      parts[part] = parts[part] * 10 + (c - '0');
      continue;
    }
    if ((c != '-' && c != '/' && c != '.') || digits == 0 || part == 2) return std::nullopt;
    if (sep != 0 && c != sep) return std::nullopt;
    sep = c;
    ++part;
    digits = 0;
  }
  if (part != 2 || digits == 0) return std::nullopt;
  Date d{parts[0], parts[1], parts[2]};
  if (!d.valid()) return std::nullopt;
  return d;
}

StudentIdentity studentIdentity(const Student& st, const Date& today) {
  StudentIdentity r;
  r.type = parseIdDocType(st.idType);
  if (r.type) {
    r.id = checkIdDocument(*r.type, st.idNumber, today);
  } else {
    r.id = checkResidentId(st.idNumber, today);
    if (trim(st.idType).empty() && r.id.ok) {
      // A blank 证件类型 with a valid 18-digit number: the number says which card it is.
      const std::string_view area = std::string_view(r.id.normalized).substr(0, 6);
      r.type = area == "810000" || area == "820000" || area == "830000"
                   ? IdDocType::ResidencePermit
                   : IdDocType::ResidentId;
      r.id = checkIdDocument(*r.type, st.idNumber, today);
      r.assumed = true;
    }
  }
  if (r.type && idDocCarriesBirthAndGender(*r.type)) {
    r.birthDate = r.id.birthDate;
    r.gender = r.id.gender ? genderName(*r.id.gender) : trim(st.gender);
    return r;
  }
  r.birthDate = parseRosterDate(st.birthDate);
  r.gender = trim(st.gender);
  return r;
}

}  // namespace zzjb
