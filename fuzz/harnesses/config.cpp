// Harness: the configuration loader (adapters/config). Properties: never throws, never overflows
// the stack (issue 11: deep `options`/`schedule`, 1e999); every finding is well-formed; a config
// that loads has no school without an id. See docs/fuzzing.md.
#include "fuzz_support.hpp"
#include "zzjb/config/loader.hpp"

namespace {

constexpr std::string_view kHarness = "config";

// The one call to switch when adapters/config gains its byte-level entry point
// (zzjb::config::parseConfig(std::string_view, display)): until then the bytes go through a
// scratch file and the file API. TODO(issue 11): call parseConfig directly.
zzjb::config::LoadedConfig loadConfigBytes(std::string_view bytes) {
  static zzjb::fuzz::ScratchFile scratch("zzjb.json");
  return zzjb::config::loadConfig(scratch.write(bytes), "zzjb.json");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto loaded = loadConfigBytes(zzjb::fuzz::asText(data, size));
  for (const auto& f : loaded.findings) zzjb::fuzz::requireWellFormed(kHarness, f);
  if (loaded.config) {
    for (const auto& school : loaded.config->schools) {
      if (school.id.empty()) zzjb::fuzz::fail(kHarness, "a school without an id was kept");
    }
  }
  return 0;
}
