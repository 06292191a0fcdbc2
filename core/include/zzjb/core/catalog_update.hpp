// Keeping the evaluation-org catalog current (docs/catalog.md): the announcement's table
// (「关于本市职业技能等级认定评价机构及评价职业工种信息公告」, as read by a roster reader) turned into
// a Catalog, and what a new catalog has withdrawn compared with the one it replaces. No I/O here:
// the CLI reads the table and writes the file.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "zzjb/core/date.hpp"
#include "zzjb/core/domain.hpp"
#include "zzjb/core/finding.hpp"
#include "zzjb/core/roster.hpp"

namespace zzjb {

// Levels as people write them in the announcement: "三级/高级工、四级/中级工", "3、4、5", "四级",
// "3,4", "高级工", "三级至五级", "3-5". Sorted, without repeats; nullopt when any part is not a
// level (1 to 5) or there is none.
[[nodiscard]] std::optional<std::vector<int>> parseLevelList(std::string_view text);

// The announcement's words for an organisation's type: 社会培训评价组织 (社会评价组织 …) →
// SocialOrg; 用人单位 (企业 …) → Employer; SOCIAL_ORG / EMPLOYER as in the catalog file.
[[nodiscard]] std::optional<OrgType> parseOrgTypeWords(std::string_view text);

struct AnnouncementImport {
  Catalog catalog;                // version and date are the caller's to set
  std::vector<Finding> findings;  // the reader's notes, then each row left out (file, line)
  std::size_t rowsRead = 0;       // data rows taken into the catalog
  std::size_t rowsLeftOut = 0;    // data rows that could not be read (each has a finding)
  bool columnsFound = false;      // false: no header row with all six columns (nothing imported)
};

// The announcement's table: a header row (found among the first rows, below any title) naming
// the organisation, 统一社会信用代码, its type, the occupation, its code and the levels; then one
// row per organisation and occupation. A blank organisation name takes the row above's
// organisation (cells merged down in the published file). A row that cannot be read is left
// out with a finding at its line; the other rows are imported.
[[nodiscard]] AnnouncementImport catalogFromAnnouncement(const RosterTable& table);

// Fills `fresh.withdrawn`: what `previous` (the catalog being replaced; nullptr: none) had
// withdrawn and `fresh` still lacks, with its first date, and what `previous` lists and `fresh`
// does not, since `on`.
void recordWithdrawals(const Catalog* previous, Catalog& fresh, const Date& on);

// A catalog older than this many days (by its date) is reported as old by `zzjb check`: the
// announcement is renewed when organisations come and go, and half a year covers a 毕业学年's
// two declaration windows (docs/catalog.md, "Age").
inline constexpr long kCatalogOldAfterDays = 180;

}  // namespace zzjb
