// Harness: the bounded JSON parser (adapters/json), the one parse every JSON zzjb reads goes
// through. Properties: it never throws; a value it returns is no deeper than the limit and
// survives dump() and a second parse unchanged; an error message is printable ASCII (it never
// carries the input). See docs/fuzzing.md.
#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "zzjb/json/bounded.hpp"

namespace {

constexpr std::string_view kHarness = "json_bounded";

void check(std::string_view text, const zzjb::json::ParseLimits& limits) {
  auto parsed = zzjb::json::parse(text, limits);
  if (!parsed) {
    // The message comes from the catalog (Chinese by default): printable, no control character.
    for (char c : parsed.error().message) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7F)
        zzjb::fuzz::fail(kHarness, "an error message that is not printable");
    }
    if (parsed.error().message.empty()) zzjb::fuzz::fail(kHarness, "an error without a message");
    if (parsed.error().kind == zzjb::json::ParseError::Kind::TooLarge && text.size() <= limits.maxBytes)
      zzjb::fuzz::fail(kHarness, "TooLarge for a document within the size limit");
    return;
  }
  if (text.size() > limits.maxBytes) zzjb::fuzz::fail(kHarness, "a document over the size limit was accepted");
  if (zzjb::json::depthOf(*parsed) > limits.maxDepth)
    zzjb::fuzz::fail(kHarness, "a value deeper than the limit was accepted");
  const std::string again = parsed->dump();
  auto reparsed = zzjb::json::parse(again, {limits.maxDepth, zzjb::json::kMaxBytes});
  if (!reparsed) zzjb::fuzz::fail(kHarness, "dump() of an accepted value does not parse: " + reparsed.error().message);
  if (*reparsed != *parsed) zzjb::fuzz::fail(kHarness, "dump() and parse do not round-trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = zzjb::fuzz::asText(data, size);
  check(text, {});                                           // the defaults every reader uses
  check(text, {.maxDepth = 4, .maxBytes = 4096});            // tight limits: their edges
  return 0;
}
