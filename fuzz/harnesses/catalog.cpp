// Harness: the evaluation-org catalog file (adapters/config loadCatalog). Properties: never
// throws (issue 11: 1e999 ended in std::terminate), never overflows the stack; every finding
// and warning is well-formed. See docs/fuzzing.md.
#include <vector>

#include "fuzz_support.hpp"
#include "zzjb/config/loader.hpp"

namespace {

constexpr std::string_view kHarness = "catalog";

// The catalog's byte-level entry point (loadCatalog adds only files::readFile before it).
zzjb::Result<zzjb::Catalog> loadCatalogBytes(std::string_view bytes,
                                             std::vector<zzjb::Finding>& warnings) {
  return zzjb::config::parseCatalog(bytes, "catalog.json", warnings);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<zzjb::Finding> warnings;
  const auto catalog = loadCatalogBytes(zzjb::fuzz::asText(data, size), warnings);
  if (!catalog) zzjb::fuzz::requireWellFormed(kHarness, catalog.error());
  for (const auto& w : warnings) zzjb::fuzz::requireWellFormed(kHarness, w);
  return 0;
}
