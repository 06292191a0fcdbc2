// The status report for `zzjb status` and `zzjb report`: gathering it from the configuration,
// the rosters, the certificates and the state store (cmd_report.cpp), and its JSON form
// (report_json.cpp).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "zzjb/core/date.hpp"
#include "zzjb/core/report.hpp"

namespace zzjb::cli {

// The report as one JSON document: the model's fields, camelCase, codes as strings, IDs masked.
[[nodiscard]] nlohmann::json reportJson(const Report& report);

struct CollectedReport {
  int exitCode = 0;  // non-zero: nothing to show, the reason is printed to stderr
  Report report;
};

// Reads everything the report needs and builds it. `command` prefixes messages ("zzjb status").
// Exit codes: 64 unknown school, 78 configuration unusable or the store cannot be opened,
// 75 the store is busy or unreadable for now.
[[nodiscard]] CollectedReport collectReport(const std::string& command,
                                            const std::string& configPath,
                                            const std::optional<std::string>& schoolFilter,
                                            const Date& today);

}  // namespace zzjb::cli
