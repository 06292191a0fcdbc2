// Harness: zzjb-mock's multipart/form-data parsing (mocks/platform/platform_util:
// multipartBoundary, parseMultipart). Input: the Content-Type value, a newline, the body.
// Properties: never throws; the parts hold no more bytes than the body. See docs/fuzzing.md.
#include "fuzz_support.hpp"
#include "platform_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = zzjb::fuzz::asText(data, size);
  const auto newline = input.find('\n');
  const std::string_view contentType = input.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  const auto boundary = zzjb::mock::multipartBoundary(contentType);
  if (!boundary) return 0;
  const auto parts = zzjb::mock::parseMultipart(body, *boundary);
  if (!parts) return 0;
  std::size_t total = 0;
  for (const auto& part : *parts) total += part.data.size() + part.name.size();
  if (total > body.size()) zzjb::fuzz::fail("mock_multipart", "the parts hold more bytes than the body");
  return 0;
}
