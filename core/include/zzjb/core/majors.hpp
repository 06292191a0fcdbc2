// Majors as people write them: a roster's 专业 matched with the configuration's majors after
// normalising the ways registers differ (docs/rosters.md, "Majors").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace zzjb {

// The form a major's name is compared in: full-width letters, digits and brackets as half-width,
// ASCII letters in lower case, no spaces (half- or full-width), and without a trailing 学制 in
// brackets ("(三年制)", "（五年一贯制）", "(中高职贯通)") or a trailing "专业".
// "计算机应用专业（三年制）" → "计算机应用".
[[nodiscard]] std::string majorKey(std::string_view name);

// The configured names a roster's major that matched none of them was probably meant to be, nearest
// first, at most `limit`: those whose normalised form differs by few characters (at most one in
// three, "计箅机应用" → 计算机应用), or contains it or is contained in it.
[[nodiscard]] std::vector<std::string> nearestMajors(std::string_view written,
                                                     const std::vector<std::string>& configured,
                                                     std::size_t limit = 3);

}  // namespace zzjb
