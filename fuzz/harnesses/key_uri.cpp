// Harness: identity.key URIs (adapters/identity key_uri: file:, pkcs11: RFC 7512, skf:).
// Properties: never throws; a refusal is a well-formed finding; a pin-value is never echoed
// (docs/identity.md: a PIN never appears in a URI, a message or a log).
#include <string>

#include "fuzz_support.hpp"
#include "zzjb/identity/key_uri.hpp"

namespace {

constexpr std::string_view kHarness = "key_uri";

// The value of a pkcs11: URI's pin-value query attribute (RFC 7512: after '?', at an attribute
// boundary) when it is at least 6 letters or digits long and appears nowhere else in the URI, so that
// finding it in a message can only mean the PIN was echoed. Elsewhere "pin-value=" is just text
// (a file: path may hold it).
std::string pinValueOf(std::string_view uri) {
  if (!uri.starts_with("pkcs11:")) return {};
  const auto query = uri.find('?');
  if (query == std::string_view::npos) return {};
  std::size_t at = std::string_view::npos;
  for (auto i = uri.find("pin-value=", query); i != std::string_view::npos;
       i = uri.find("pin-value=", i + 1)) {
    // The query starts at the first '?' only: a '?' later is part of a value (a module-path
    // may hold "?pin-value=…" as text; found by the first ten-minute campaign).
    if (i - 1 == query || uri[i - 1] == '&') {
      at = i;
      break;
    }
  }
  if (at == std::string_view::npos) return {};
  std::string_view rest = uri.substr(at + 10);
  rest = rest.substr(0, rest.find_first_of("&#"));
  if (rest.size() < 6 || uri.find(rest) != at + 10 || uri.find(rest, at + 11) != std::string_view::npos)
    return {};
  // Letters and digits only, as PINs are: a value of punctuation can be built by the message's
  // own quoting and the '?' that stands for a byte it will not print (found by the second
  // ten-minute campaign: `11?Io" ` was "echoed" by `…1111111\270Io" has no value`).
  for (char c : rest) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return {};
  }
  return std::string(rest);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string uri(zzjb::fuzz::asText(data, size));
  auto parsed = zzjb::identity::parseKeyUri(uri, "/etc/zzjb");
  const std::string pin = pinValueOf(uri);
  if (!parsed) {
    zzjb::fuzz::requireWellFormed(kHarness, parsed.error());
    if (!pin.empty() && (parsed.error().message.find(pin) != std::string::npos ||
                         parsed.error().hint.find(pin) != std::string::npos)) {
      zzjb::fuzz::fail(kHarness, "a refusal echoes the pin-value");
    }
    return 0;
  }
  const std::string described = zzjb::identity::describeKeyUri(*parsed);
  if (!pin.empty() && described.find(pin) != std::string::npos)
    zzjb::fuzz::fail(kHarness, "describeKeyUri shows the pin-value");
  return 0;
}
