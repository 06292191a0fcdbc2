// Harness: the CSV roster reader with its encoding detection (UTF-8, BOM, GB18030).
// Properties: see roster_check.hpp and docs/fuzzing.md.
#include "fuzz_support.hpp"
#include "roster_check.hpp"
#include "zzjb/roster/readers.hpp"

namespace {

// The one call to switch when adapters/roster gains its byte-level entry point
// (zzjb::roster::readCsvBytes(std::string_view, display, limits)). TODO(issue 11).
zzjb::Result<zzjb::RosterTable> readCsvBytes(std::string_view bytes) {
  static zzjb::fuzz::ScratchFile scratch("roster.csv");
  return zzjb::roster::CsvReader().read(scratch.write(bytes), "roster.csv");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto table = readCsvBytes(zzjb::fuzz::asText(data, size));
  // A CSV cell costs at least one byte of input (its separator) and a Cell is about 72 bytes:
  // 128 bytes of table per input byte holds for any sparse table, not for padded rows.
  zzjb::fuzz::checkRosterTable("roster_csv", table, size, 128);
  return 0;
}
