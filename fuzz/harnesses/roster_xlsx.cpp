// Harness: the xlsx roster reader (libzip + pugixml). Properties: see roster_check.hpp and
// docs/fuzzing.md.
#include "fuzz_support.hpp"
#include "roster_check.hpp"
#include "zzjb/roster/readers.hpp"

namespace {

// The reader's byte-level entry point (the file reader adds only files::readFile before it).
zzjb::Result<zzjb::RosterTable> readBytes(std::string_view bytes) {
  return zzjb::roster::readXlsxBytes(bytes, "roster.xlsx");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto table = readBytes(zzjb::fuzz::asText(data, size));
  // Deflate multiplies by up to ~1000 and each <c> becomes a Cell: 16 KiB of table per byte of
  // input still refuses issue 11's 10 KB xlsx reaching column XFD (1.2 GB).
  zzjb::fuzz::checkRosterTable("roster_xlsx", table, size, 16 * 1024);
  return 0;
}
