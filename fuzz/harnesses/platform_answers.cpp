// Harness: the platform's answers as the client reads them (adapters/platform/wire): the
// byte-level entry point `decodeAnswer` for every kind of answer, then `parseAnswer` and each
// decoder directly. Properties: never throws, never overflows the stack (issue 11: a deep
// `{"items":[[[[…]]]]}` in the idempotency lookup); a problem is said without a run of 11
// digits, and every text the decoders copy from an answer into a message is masked (no ID number
// or mobile). See docs/fuzzing.md and docs/platform-client.md.
#include <array>
#include <nlohmann/json.hpp>
#include <string>

#include "fuzz_support.hpp"
#include "wire.hpp"

namespace {

constexpr std::string_view kHarness = "platform_answers";
namespace wire = zzjb::platform::wire;

void requireMasked(std::string_view text, std::string_view what) {
  if (zzjb::fuzz::hasDigitRun(text)) zzjb::fuzz::fail(kHarness, std::string(what) + " is not masked");
  if (!zzjb::fuzz::validUtf8(text)) zzjb::fuzz::fail(kHarness, std::string(what) + " is not UTF-8");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = zzjb::fuzz::asText(data, size);
  using Kind = wire::AnswerKind;
  for (Kind kind : std::array{Kind::Account, Kind::Catalog, Kind::Permissions, Kind::Application,
                              Kind::Batch, Kind::Declarations, Kind::ZeroOrOneApplication,
                              Kind::ZeroOrOneBatch, Kind::Error}) {
    if (auto decoded = wire::decodeAnswer(kind, body); !decoded)
      requireMasked(decoded.error(), "a decoding problem");
  }

  const auto doc = wire::parseAnswer(body);
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
  if (auto one = wire::decodeZeroOrOne(j); one && *one != nullptr) {
    (void)wire::decodeApplication(**one);
    (void)wire::decodeBatch(**one);
  }
  if (auto error = wire::decodeError(j)) {
    requireMasked(error->message, "an error's message");
    for (const auto& field : error->fields) requireMasked(field.message, "a field error's message");
  }
  return 0;
}
