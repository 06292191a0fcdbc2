// The group-declaration sheet (团体申报导入模板) as data: the columns the target's type gives
// (plugin::standardSheet of its scope, then the type's own), one student per row from row 2. Core
// builds it; adapters/platform writes it as .xlsx bytes (declaration_file.hpp).
#pragma once

#include <string>
#include <vector>

#include "zzjb/plugin/types.hpp"

namespace zzjb {

struct DeclarationSheet {
  // Row 1, in order; `numeric` columns are written as numbers (序号, 毕业年份, 申报等级), every
  // other cell as an inline string, so 证件号码 keeps all 18 digits and a trailing X.
  std::vector<plugin::SheetColumn> columns;
  // One row per student; a row has one cell per column (fewer: the rest are blank), UTF-8 text.
  std::vector<std::vector<std::string>> rows;
};

}  // namespace zzjb
