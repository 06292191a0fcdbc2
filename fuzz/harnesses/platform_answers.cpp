// Harness: the platform's answers as the client reads them (adapters/platform/wire decoders).
// Properties: never throws, never overflows the stack (issue 11: `{"items":[[[[…]]]]}` in the
// idempotency lookup); every text the decoders copy from an answer into a message is masked
// (no run of 11 digits: an ID number or a mobile). See docs/fuzzing.md.
#include <expected>
#include <nlohmann/json.hpp>
#include <string>

#include "fuzz_support.hpp"
#include "wire.hpp"
#include "zzjb/json/bounded.hpp"

namespace {

constexpr std::string_view kHarness = "platform_answers";
namespace wire = zzjb::platform::wire;

// The one place an answer's bytes become JSON: the bounded parser every reader must use. Switch
// it to the client's own answer entry point if adapters/platform gains one. TODO(issue 11).
std::expected<nlohmann::json, zzjb::json::ParseError> parseAnswer(std::string_view bytes) {
  return zzjb::json::parse(bytes);
}

void requireMasked(std::string_view text, std::string_view what) {
  if (zzjb::fuzz::hasDigitRun(text)) zzjb::fuzz::fail(kHarness, std::string(what) + " is not masked");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto doc = parseAnswer(zzjb::fuzz::asText(data, size));
  if (!doc) return 0;
  const nlohmann::json& j = *doc;
  (void)wire::decodeAccount(j);
  (void)wire::decodeCatalog(j);
  (void)wire::decodePermissions(j);
  (void)wire::decodeDeclarations(j);
  if (auto app = wire::decodeApplication(j)) requireMasked(app->reason, "an application's reason");
  if (auto batch = wire::decodeBatch(j)) {
    for (const auto& row : batch->rows) requireMasked(row.message, "a batch row's message");
  }
  // The client's idempotency lookup: {"items": [x]} → x, then x decoded as what was created.
  if (auto one = wire::decodeZeroOrOne(j); one && one->has_value()) {
    (void)wire::decodeApplication(**one);
    (void)wire::decodeBatch(**one);
  }
  if (auto error = wire::decodeError(j)) {
    requireMasked(error->message, "an error's message");
    for (const auto& field : error->fields) requireMasked(field.message, "a field error's message");
  }
  return 0;
}
