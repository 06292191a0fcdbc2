// Harness: the CSV roster reader with its encoding detection (UTF-8, BOM, GB18030).
// Properties: see roster_check.hpp and docs/fuzzing.md.
#include "fuzz_support.hpp"
#include "roster_check.hpp"
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
  return 0;
}
