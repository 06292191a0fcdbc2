// Roster readers: CSV (UTF-8 with or without BOM, or GB18030/GBK as Excel on Chinese Windows
// writes it) and xlsx (libzip + pugixml). They return cells; core maps and checks them.
#pragma once

#include <filesystem>
#include <memory>

#include "zzjb/core/roster.hpp"

namespace zzjb::roster {

class CsvReader final : public RosterReader {
 public:
  [[nodiscard]] Result<RosterTable> read(const std::filesystem::path& path,
                                         const std::string& display) const override;
};

class XlsxReader final : public RosterReader {
 public:
  [[nodiscard]] Result<RosterTable> read(const std::filesystem::path& path,
                                         const std::string& display) const override;
};

// By extension, case-insensitive: .csv/.txt → CsvReader, .xlsx → XlsxReader; nullptr otherwise
// (.xls, the old binary format, is not read: the caller says to save as .xlsx or CSV UTF-8).
[[nodiscard]] std::unique_ptr<RosterReader> readerFor(const std::filesystem::path& path);

}  // namespace zzjb::roster
