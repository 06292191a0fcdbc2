// The group-declaration sheet (团体申报导入模板) as data: the 15 standard columns, then any
// type-specific ones, one student per row from row 2. Core builds it; adapters/platform writes it
// as .xlsx bytes (declaration_file.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace zzjb {

inline constexpr std::size_t kStandardColumns = 15;

// Row 1 of the template, exactly (docs/platform-api.md, "Group declarations").
// not-text: begin (the platform template's column headers, which the platform matches)
inline constexpr std::array<std::string_view, kStandardColumns> kDeclarationHeader = {
    "序号",     "姓名",   "证件类型", "证件号码", "性别",     "出生日期", "手机号码", "文化程度",
    "考生来源", "专业",   "班级",     "毕业年份", "职业名称", "职业编码", "申报等级"};
// not-text: end

// Columns written as numbers (序号, 毕业年份, 申报等级); every other cell is an inline string,
// so 证件号码 keeps all 18 digits and a trailing X.
inline constexpr std::array<std::size_t, 3> kNumericColumns = {0, 11, 14};

struct DeclarationRow {
  std::array<std::string, kStandardColumns> standard;  // UTF-8 text, in header order
  std::vector<std::string> extra;  // one per DeclarationSheet::extraColumns (fewer: blank)
};

struct DeclarationSheet {
  std::vector<std::string> extraColumns;  // type-specific column names after the 15
  std::vector<DeclarationRow> rows;
};

}  // namespace zzjb
