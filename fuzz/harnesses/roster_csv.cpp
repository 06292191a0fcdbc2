// Harness: the CSV roster reader with its encoding detection (UTF-8, BOM, GB18030), then the
// roster's students and their 证件 (studentIdentity: 证件类型, number by its type, 出生日期).
// Properties: see roster_check.hpp and docs/fuzzing.md.
#include <algorithm>

#include "fuzz_support.hpp"
#include "roster_check.hpp"
#include "zzjb/core/eligibility.hpp"
#include "zzjb/roster/readers.hpp"

namespace {

// The reader's byte-level entry point (the file reader adds only files::readFile before it).
zzjb::Result<zzjb::RosterTable> readBytes(std::string_view bytes) {
  return zzjb::roster::readCsvBytes(bytes, "roster.csv");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto table = readBytes(zzjb::fuzz::asText(data, size));
  // A CSV cell costs at least one byte of input (its separator) and a Cell is about 72 bytes:
  // 128 bytes of table per input byte holds for any sparse table, not for padded rows.
  zzjb::fuzz::checkRosterTable("roster_csv", table, size, 128);
  if (!table) return 0;
  std::vector<zzjb::Finding> findings;
  const zzjb::Date today{2026, 11, 27};
  for (const zzjb::Student& st : zzjb::studentsFromTable(*table, findings)) {
    const zzjb::StudentIdentity ident = zzjb::studentIdentity(st, today);
    const std::string& number = ident.id.normalized;
    // A mask never shows the middle of a number of 8 letters and digits or more.
    const std::string masked = zzjb::maskId(number);
    const bool alnum = std::all_of(number.begin(), number.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    });
    if (alnum && number.size() >= 8 &&
        masked.find(number.substr(1, number.size() - 3)) != std::string::npos) {
      zzjb::fuzz::fail("roster_csv", "maskId shows the middle of a number");
    }
    if (ident.id.ok && !ident.id.problem.empty()) zzjb::fuzz::fail("roster_csv", "ok with a problem");
    if (ident.id.ok && ident.type && !zzjb::idDocCarriesBirthAndGender(*ident.type) &&
        (number.size() < 5 || number.size() > 17)) {
      zzjb::fuzz::fail("roster_csv", "a pass or passport number of the wrong length was accepted");
    }
    if (ident.birthDate && !ident.birthDate->valid()) {
      zzjb::fuzz::fail("roster_csv", "a 出生日期 that is not a date was accepted");
    }
  }
  for (const auto& f : findings) zzjb::fuzz::requireWellFormed("roster_csv", f);
  return 0;
}
