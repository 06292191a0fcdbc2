// `zzjb check` output: a readable text report for people and a JSON document for scripts.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "inputs.hpp"
#include "zzjb/core/eligibility.hpp"

namespace zzjb::cli {

struct SchoolCheck {
  SchoolResult result;
  CertificateFacts certificate;
};

struct CheckReport {
  std::string configFile;
  Date today;
  int graduationYear = 0;
  std::string catalogVersion;
  std::size_t catalogOrgs = 0;
  bool catalogRead = false;
  std::optional<Date> catalogDate;  // when `zzjb catalog` wrote it (docs/catalog.md)
  long catalogAgeDays = 0;          // today − catalogDate
  std::vector<Finding> findings;  // not tied to one school
  std::vector<SchoolCheck> schools;
  int exitCode = 0;
};

// 78 when any configuration error, else 65 when any data error, else 0.
[[nodiscard]] int checkExitCode(const CheckReport& report);

void printCheckText(std::ostream& out, const CheckReport& report, bool color);
void printCheckJson(std::ostream& out, const CheckReport& report);

}  // namespace zzjb::cli
