// Harness: the configuration loader (adapters/config). Properties: never throws, never overflows
// the stack (issue 11: deep `options`/`schedule`, 1e999); every finding is well-formed; a config
// that loads keeps no school whose id is not a plain name (the id names files: docs/security.md).
// See docs/fuzzing.md.
#include "fuzz_support.hpp"
#include "zzjb/config/loader.hpp"

namespace {

constexpr std::string_view kHarness = "config";

// The loader's byte-level entry point (loadConfig adds only files::readFile before it).
zzjb::config::LoadedConfig loadConfigBytes(std::string_view bytes) {
  return zzjb::config::parseConfig(bytes, "/etc/zzjb", "zzjb.json");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto loaded = loadConfigBytes(zzjb::fuzz::asText(data, size));
  for (const auto& f : loaded.findings) zzjb::fuzz::requireWellFormed(kHarness, f);
  if (loaded.config) {
    for (const auto& school : loaded.config->schools) {
      if (!zzjb::config::isValidSchoolId(school.id))
        zzjb::fuzz::fail(kHarness, "a school whose id is not a plain name was kept");
    }
  }
  return 0;
}
