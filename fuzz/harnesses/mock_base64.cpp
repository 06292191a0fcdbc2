// Harness: zzjb-mock's base64 (mocks/platform/platform_util), which says it is strict (padding
// required, no whitespace). Properties: decode(encode(x)) == x; whatever decode accepts is the
// canonical encoding of what it returns, so non-zero padding bits (issue 11 item 12) are refused.
// See docs/fuzzing.md.
#include <string>

#include "fuzz_support.hpp"
#include "platform_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = zzjb::fuzz::asText(data, size);
  const std::string encoded = zzjb::mock::base64Encode(input);
  const auto back = zzjb::mock::base64Decode(encoded);
  if (!back || *back != input) zzjb::fuzz::fail("mock_base64", "decode(encode(x)) is not x");
  if (const auto decoded = zzjb::mock::base64Decode(input)) {
    if (zzjb::mock::base64Encode(*decoded) != input)
      zzjb::fuzz::fail("mock_base64", "a non-canonical encoding was accepted (padding bits or length)");
  }
  return 0;
}
