// Harness: zzjb-mock's request handling over bytes (mocks/platform RawServer: Beast's parser, the
// body limits, the journal, faults, /__admin/ and the platform) on raw HTTP/1.1, several requests
// pipelined, on a fresh platform and server per input. Properties: no request is answered 500
// INTERNAL (bad input gets a 4xx: issue 11 item 12, an invalid-UTF-8 path got 500), every JSON
// answer parses, the state can still be saved after any request (--state-file), and nothing
// overflows the stack (a deeply nested body). See docs/fuzzing.md and docs/platform-api.md.
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "fuzz_support.hpp"
#include "platform.hpp"
#include "server.hpp"
#include "zzjb/json/bounded.hpp"

namespace {

constexpr std::string_view kHarness = "mock_request";
constexpr std::size_t kMaxRequests = 16;

bool sameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

// Where each pipelined request ends, read leniently (the head up to a blank line, then a body of
// Content-Length bytes): the slices go to the server's own parser. Bytes that do not make a
// request end the input (a connection would wait for more).
std::vector<std::string_view> splitRequests(std::string_view in) {
  std::vector<std::string_view> out;
  while (!in.empty() && out.size() < kMaxRequests) {
    const std::string_view whole = in;
    auto end = in.find("\r\n\r\n");
    std::size_t sep = 4;
    if (auto lf = in.find("\n\n"); lf < end) {
      end = lf;
      sep = 2;
    }
    if (end == std::string_view::npos) break;
    std::string_view head = in.substr(0, end);
    in.remove_prefix(end + sep);
    std::size_t length = 0;
    while (!head.empty()) {
      const auto nl = head.find('\n');
      std::string_view line = head.substr(0, nl);
      head.remove_prefix(nl == std::string_view::npos ? head.size() : nl + 1);
      const auto colon = line.find(':');
      if (colon == std::string_view::npos || !sameName(line.substr(0, colon), "Content-Length"))
        continue;
      length = 0;
      for (char c : line.substr(colon + 1)) {
        if (c == ' ' || c == '\t' || c == '\r') continue;
        if (c < '0' || c > '9' || length > in.size()) {
          length = in.size() + 1;
          break;
        }
        length = length * 10 + static_cast<std::size_t>(c - '0');
      }
    }
    if (length > in.size()) length = in.size();  // the server's parser says what is wrong
    in.remove_prefix(length);
    out.push_back(whole.substr(0, whole.size() - in.size()));
  }
  return out;
}

// Each request through the server's byte-level entry point; after each, the state must still
// save (the server writes it with --state-file).
std::vector<std::string> serveRaw(zzjb::mock::Platform& platform, std::string_view bytes) {
  zzjb::mock::RawServer server(platform);
  std::vector<std::string> answers;
  for (const auto request : splitRequests(bytes)) {
    answers.push_back(server.handle(request));
    try {
      (void)platform.saveState();
    } catch (const std::exception&) {
      zzjb::fuzz::fail(kHarness, "after a request the state can no longer be saved");
    }
  }
  return answers;
}

// The head of an HTTP response, lower-cased, and its body.
std::pair<std::string, std::string_view> splitResponse(std::string_view response) {
  const auto end = response.find("\r\n\r\n");
  if (end == std::string_view::npos) return {std::string(response), {}};
  std::string head(response.substr(0, end));
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return {head, response.substr(end + 4)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  zzjb::mock::PlatformOptions options;
  options.seed = 1;
  zzjb::mock::Platform platform(options);
  for (const auto& answer : serveRaw(platform, zzjb::fuzz::asText(data, size))) {
    if (answer.empty()) continue;  // a reset fault
    const auto [head, body] = splitResponse(answer);
    // ZZJB_FUZZ_VERBOSE=1: each answer's status line, to check that seeds reach the platform.
    if (std::getenv("ZZJB_FUZZ_VERBOSE") != nullptr)
      std::fprintf(stderr, "  %s\n", head.substr(0, head.find('\r')).c_str());
    if (body.find("\"code\":\"INTERNAL\"") != std::string_view::npos)
      zzjb::fuzz::fail(kHarness, "answered 500 INTERNAL: " + std::string(body.substr(0, 200)));
    if (head.find("content-type: application/json") != std::string::npos && !body.empty() &&
        !zzjb::json::parse(body))
      zzjb::fuzz::fail(kHarness, "a JSON answer does not parse");
  }
  return 0;
}
