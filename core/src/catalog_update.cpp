// The announcement's table into a Catalog, and the withdrawals between two catalogs
// (docs/catalog.md).
#include "zzjb/core/catalog_update.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>

#include "zzjb/core/identifiers.hpp"

namespace zzjb {
namespace {

// Spaces (ASCII and the full-width U+3000) off both ends; names differ from students.cpp's
// because core is built as unity files.
std::string catalogTrim(std::string_view s) {
  constexpr std::string_view kWide = "\xE3\x80\x80";
  bool changed = true;
  while (changed && !s.empty()) {
    changed = false;
    if (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n') {
      s.remove_prefix(1);
      changed = true;
    } else if (s.starts_with(kWide)) {
      s.remove_prefix(kWide.size());
      changed = true;
    }
    if (s.empty()) break;
    if (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n') {
      s.remove_suffix(1);
      changed = true;
    } else if (s.ends_with(kWide)) {
      s.remove_suffix(kWide.size());
      changed = true;
    }
  }
  return std::string(s);
}

// Without any space, full-width brackets as ASCII ones: how header names are compared.
std::string squeezed(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
      ++i;
    } else if (s.substr(i, 3) == "\xE3\x80\x80") {
      i += 3;
    } else if (s.substr(i, 3) == "\xEF\xBC\x88") {  // （
      out += '(';
      i += 3;
    } else if (s.substr(i, 3) == "\xEF\xBC\x89") {  // ）
      out += ')';
      i += 3;
    } else {
      out += s[i++];
    }
  }
  return out;
}

bool has(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// One level word: 三级, 三, 3, 3级, 高级工 … → 3.
std::optional<int> levelWord(std::string_view w) {
  // not-text: begin (the announcement's level words, matched against the file)
  static const std::array<std::pair<std::string_view, int>, 25> kWords{{
      {"1", 1}, {"2", 2}, {"3", 3}, {"4", 4}, {"5", 5},
      {"一", 1}, {"二", 2}, {"三", 3}, {"四", 4}, {"五", 5},
      {"1级", 1}, {"2级", 2}, {"3级", 3}, {"4级", 4}, {"5级", 5},
      {"一级", 1}, {"二级", 2}, {"三级", 3}, {"四级", 4}, {"五级", 5},
      {"高级技师", 1}, {"技师", 2}, {"高级工", 3}, {"中级工", 4}, {"初级工", 5},
  }};
  // not-text: end
  for (const auto& [word, level] : kWords) {
    if (w == word) return level;
  }
  return std::nullopt;
}

// Splits at any of `separators`, dropping empty parts.
std::vector<std::string> splitAt(std::string_view text, std::initializer_list<std::string_view> separators) {
  std::vector<std::string> parts;
  std::string current;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t len = 0;
    for (std::string_view sep : separators) {
      if (text.substr(i).starts_with(sep)) {
        len = sep.size();
        break;
      }
    }
    if (len == 0) {
      current += text[i++];
      continue;
    }
    if (!catalogTrim(current).empty()) parts.push_back(catalogTrim(current));
    current.clear();
    i += len;
  }
  if (!catalogTrim(current).empty()) parts.push_back(catalogTrim(current));
  return parts;
}

enum Column : std::size_t { kOrg, kCredit, kType, kOccupation, kCode, kLevels, kColumns };

// Which of the six a header name is, by the words it holds: 统一社会信用代码, 机构类型, 职业编码,
// 等级, 职业（工种）名称, 评价机构名称 and the ways announcements vary them.
std::optional<Column> columnOf(std::string_view header) {
  const std::string h = squeezed(header);
  // not-text: begin (header words of the announcement, matched against the file)
  if (has(h, "信用代码")) return kCredit;
  if (has(h, "类型") || has(h, "类别")) return kType;
  if (has(h, "编码") || has(h, "代码")) return kCode;
  if (has(h, "等级") || has(h, "级别")) return kLevels;
  if (has(h, "职业") || has(h, "工种")) return kOccupation;
  if (has(h, "机构") || has(h, "单位") || has(h, "组织")) return kOrg;
  // not-text: end
  return std::nullopt;
}

using ColumnMap = std::array<std::optional<std::size_t>, kColumns>;

ColumnMap mapColumns(const std::vector<std::string>& names) {
  ColumnMap m;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (auto c = columnOf(names[i]); c && !m[*c]) m[*c] = i;
  }
  return m;
}

bool complete(const ColumnMap& m) {
  return std::ranges::all_of(m, [](const auto& c) { return c.has_value(); });
}

std::vector<std::string> namesOf(const RosterRecord& r) {
  std::vector<std::string> names;
  for (const Cell& c : r.cells) {
    if (c.column >= names.size()) names.resize(c.column + 1);
    names[c.column] = catalogTrim(c.text);
  }
  return names;
}

// The header names a message shows for a missing column, in the catalog's words.
std::string missingColumns(const ColumnMap& m) {
  static const std::array<const char*, kColumns> kNames{
      "catalog.column.org",        "catalog.column.credit_code", "catalog.column.type",
      "catalog.column.occupation", "catalog.column.code",        "catalog.column.levels"};
  std::string out;
  for (std::size_t i = 0; i < kColumns; ++i) {
    if (m[i]) continue;
    if (!out.empty()) out += msg::text("check.list.separator");
    out += msg::text(kNames[i]);
  }
  return out;
}

struct RowOrg {
  std::string name;
  std::string creditCode;
  std::string type;
};

}  // namespace

std::optional<std::vector<int>> parseLevelList(std::string_view text) {
  // not-text: begin (separators people write between levels)
  const auto parts = splitAt(text, {"、", "，", ",", "；", ";", "/", "／", " ", "\xE3\x80\x80", "和",
                                    "及", "与", "|", "（", "）", "(", ")", "\n"});
  // not-text: end
  std::vector<int> levels;
  for (const std::string& part : parts) {
    if (auto l = levelWord(part)) {
      levels.push_back(*l);
      continue;
    }
    // not-text: begin (range words)
    const auto ends = splitAt(part, {"至", "到", "~", "～", "-", "—", "－"});
    // not-text: end
    if (ends.size() != 2) return std::nullopt;
    auto a = levelWord(ends[0]);
    auto b = levelWord(ends[1]);
    if (!a || !b) return std::nullopt;
    for (int l = std::min(*a, *b); l <= std::max(*a, *b); ++l) levels.push_back(l);
  }
  if (levels.empty()) return std::nullopt;
  std::ranges::sort(levels);
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  return levels;
}

std::optional<OrgType> parseOrgTypeWords(std::string_view text) {
  const std::string t = squeezed(text);
  if (auto exact = parseOrgType(t)) return exact;
  // not-text: begin (the announcement's type words)
  if (has(t, "社会")) return OrgType::SocialOrg;
  if (has(t, "用人单位") || has(t, "企业")) return OrgType::Employer;
  // not-text: end
  return std::nullopt;
}

AnnouncementImport catalogFromAnnouncement(const RosterTable& table) {
  AnnouncementImport out;
  out.findings = table.notes;
  out.rowsLeftOut = table.rejectedLines.size();
  // The header: the reader's first row, or one of the next few below a title.
  constexpr std::size_t kHeaderSearchRows = 10;
  ColumnMap columns = mapColumns(table.header);
  std::size_t firstData = 0;
  std::vector<std::string> headerNames = table.header;
  for (std::size_t i = 0; !complete(columns) && i < table.records.size() && i < kHeaderSearchRows;
       ++i) {
    ColumnMap m = mapColumns(namesOf(table.records[i]));
    if (complete(m)) {
      columns = m;
      firstData = i + 1;
      headerNames = namesOf(table.records[i]);
    }
  }
  if (!complete(columns)) {
    out.findings.push_back(makeFinding(Severity::Error, FindingKind::Data, "CATALOG_COLUMNS",
                                       {table.file, table.headerLine, "", ""},
                                       {{"missing", missingColumns(mapColumns(table.header))}}));
    return out;
  }
  out.columnsFound = true;

  std::map<std::string, std::size_t> itemOf;  // credit code → index in items
  RowOrg above;
  for (std::size_t i = firstData; i < table.records.size(); ++i) {
    const RosterRecord& r = table.records[i];
    auto text = [&](Column c) {
      const Cell* cell = r.at(*columns[c]);
      return cell == nullptr ? std::string() : catalogTrim(cell->text);
    };
    auto where = [&](Column c) {
      const Cell* cell = r.at(*columns[c]);
      std::string ref = cell == nullptr || cell->ref.empty()
                            ? std::string()
                            : (table.sheet.empty() ? "" : table.sheet + "!") + cell->ref;
      return Location{table.file, r.line, ref, ""};
    };
    auto leaveOut = [&](Column c, std::string_view textCode, msg::Args args) {
      out.findings.push_back(makeFinding(Severity::Error, FindingKind::Data, "CATALOG_ROW", where(c),
                                         std::move(args), textCode));
      ++out.rowsLeftOut;
    };
    RowOrg org{text(kOrg), text(kCredit), text(kType)};
    if (org.name.empty()) {  // merged down from the row above
      if (org.creditCode.empty()) org.creditCode = above.creditCode;
      if (org.type.empty()) org.type = above.type;
      org.name = above.name;
    }
    const std::string occName = text(kOccupation);
    const std::string code = text(kCode);
    const std::string levelsText = text(kLevels);
    if (occName.empty() && code.empty() && levelsText.empty()) {
      // An organisation's row without an occupation (or a note line): nothing to import.
      if (!text(kOrg).empty()) above = org;
      continue;
    }
    above = org;
    const std::array<std::pair<Column, const std::string*>, kColumns> needed{
        {{kOrg, &org.name},
         {kCredit, &org.creditCode},
         {kType, &org.type},
         {kOccupation, &occName},
         {kCode, &code},
         {kLevels, &levelsText}}};
    const auto blank = std::ranges::find_if(needed, [](const auto& n) { return n.second->empty(); });
    if (blank != needed.end()) {
      const std::size_t col = *columns[blank->first];
      leaveOut(blank->first, "CATALOG_ROW.blank", {{"column", headerNames[col]}});
      continue;
    }
    auto cc = checkCreditCode(org.creditCode);
    if (!cc.ok) {
      leaveOut(kCredit, "CATALOG_ROW.credit_code", {{"org", org.name}, {"problem", cc.problem}});
      continue;
    }
    auto type = parseOrgTypeWords(org.type);
    if (!type) {
      leaveOut(kType, "CATALOG_ROW.type", {{"value", org.type}});
      continue;
    }
    if (!isOccupationCode(code)) {
      leaveOut(kCode, "CATALOG_ROW.code", {{"value", code}});
      continue;
    }
    auto levels = parseLevelList(levelsText);
    if (!levels) {
      leaveOut(kLevels, "CATALOG_ROW.levels", {{"value", levelsText}});
      continue;
    }
    auto [it, fresh] = itemOf.try_emplace(cc.normalized, out.catalog.items.size());
    if (fresh) {
      CatalogItem item;
      item.org = {org.name, cc.normalized};
      item.type = *type;
      out.catalog.items.push_back(std::move(item));
    }
    CatalogItem& item = out.catalog.items[it->second];
    if (item.type != *type) {
      leaveOut(kType, "CATALOG_ROW.type_conflict",
               {{"org", item.org.name}, {"type", orgTypeName(item.type)}, {"value", org.type}});
      continue;
    }
    auto occ = std::ranges::find_if(item.occupations,
                                    [&](const CatalogOccupation& o) { return o.code == code; });
    if (occ == item.occupations.end()) {
      item.occupations.push_back({code, occName, *levels});
    } else {  // the same occupation on two rows: the levels of both
      occ->levels.insert(occ->levels.end(), levels->begin(), levels->end());
      std::ranges::sort(occ->levels);
      occ->levels.erase(std::unique(occ->levels.begin(), occ->levels.end()), occ->levels.end());
    }
    ++out.rowsRead;
  }
  return out;
}

void recordWithdrawals(const Catalog* previous, Catalog& fresh, const Date& on) {
  fresh.withdrawn.clear();
  if (previous == nullptr) return;
  auto stillGone = [&](const CatalogWithdrawal& w) {
    const CatalogItem* item = fresh.findOrg(w.creditCode);
    if (item == nullptr) return true;
    if (w.occupationCode.empty()) return false;  // the organisation is back
    const CatalogOccupation* occ = fresh.findOccupation(w.creditCode, w.occupationCode);
    if (occ == nullptr) return true;
    return w.level != 0 && std::ranges::find(occ->levels, w.level) == occ->levels.end();
  };
  auto known = [&](const CatalogWithdrawal& w) {
    return std::ranges::any_of(fresh.withdrawn, [&](const CatalogWithdrawal& k) {
      return k.creditCode == w.creditCode && k.occupationCode == w.occupationCode &&
             k.level == w.level;
    });
  };
  for (const auto& w : previous->withdrawn) {
    if (stillGone(w) && !known(w)) fresh.withdrawn.push_back(w);
  }
  auto add = [&](CatalogWithdrawal w) {
    if (!known(w)) fresh.withdrawn.push_back(std::move(w));
  };
  for (const auto& item : previous->items) {
    const CatalogItem* now = fresh.findOrg(item.org.creditCode);
    if (now == nullptr) {
      add({item.org.creditCode, item.org.name, "", "", 0, on});
      continue;
    }
    for (const auto& occ : item.occupations) {
      const CatalogOccupation* nowOcc = fresh.findOccupation(item.org.creditCode, occ.code);
      if (nowOcc == nullptr) {
        add({item.org.creditCode, item.org.name, occ.code, occ.name, 0, on});
        continue;
      }
      for (int level : occ.levels) {
        if (std::ranges::find(nowOcc->levels, level) != nowOcc->levels.end()) continue;
        add({item.org.creditCode, item.org.name, occ.code, occ.name, level, on});
      }
    }
  }
}

}  // namespace zzjb
