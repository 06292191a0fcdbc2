// The group-declaration file (团体申报导入模板) as the platform takes it: an .xlsx whose first
// sheet has the 15 standard columns, then any type-specific ones, one student per row from row 2.
// The bytes are deterministic — the same sheet always gives the same file and SHA-256 — because
// the engine derives idempotency keys from the content.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "zzjb/core/finding.hpp"

namespace zzjb::platform {

inline constexpr std::size_t kStandardColumns = 15;

// Row 1 of the template, exactly (PLATFORM-CONTRACT.md, "Group declaration").
inline constexpr std::array<std::string_view, kStandardColumns> kDeclarationHeader = {
    "序号",     "姓名",   "证件类型", "证件号码", "性别",     "出生日期", "手机号码", "文化程度",
    "考生来源", "专业",   "班级",     "毕业年份", "职业名称", "职业编码", "申报等级"};

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

// The .xlsx bytes. Errors (code DECLARATION_FILE): text that is not valid UTF-8, a numeric
// column that is not a whole number, a row with more extra values than extra columns, or
// libzip failing. Empty cells are left out.
[[nodiscard]] Result<std::string> writeDeclarationXlsx(const DeclarationSheet& sheet);

// Lower-case hex SHA-256 of `bytes` (the manifest's "sha256").
[[nodiscard]] std::string sha256Hex(std::string_view bytes);

}  // namespace zzjb::platform
