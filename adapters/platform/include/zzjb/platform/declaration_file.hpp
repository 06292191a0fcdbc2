// The group-declaration file (团体申报导入模板) as the platform takes it: an .xlsx whose first
// sheet has the sheet's columns in row 1 (plugin::standardSheet of the target's scope, then the
// type's own), one student per row from row 2. The bytes are deterministic — the same sheet
// always gives the same file and SHA-256 — because the engine derives idempotency keys from the
// content (docs/platform-client.md, "The declaration file").
#pragma once

#include <string>
#include <string_view>

#include "zzjb/core/declaration_sheet.hpp"
#include "zzjb/core/finding.hpp"

namespace zzjb::platform {

using zzjb::DeclarationSheet;

// The .xlsx bytes. Errors (code DECLARATION_FILE): text that is not valid UTF-8, a cell of a
// `numeric` column that is not a whole number, a row with more cells than the sheet has columns,
// or libzip failing. Empty cells (and the cells a shorter row lacks) are left out.
[[nodiscard]] Result<std::string> writeDeclarationXlsx(const DeclarationSheet& sheet);

// Lower-case hex SHA-256 of `bytes` (the manifest's "sha256").
[[nodiscard]] std::string sha256Hex(std::string_view bytes);

}  // namespace zzjb::platform
