// Harness: zzjb-mock's request handling (mocks/platform Platform::handle) on raw HTTP/1.1 bytes,
// several requests pipelined, on a fresh platform per input. Properties: no request is answered
// 500 (bad input gets a 4xx: issue 11 item 12, an invalid-UTF-8 path got 500), every JSON answer
// parses, the state can still be saved after any request (--state-file), and nothing overflows
// the stack (a deeply nested body). See docs/fuzzing.md.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "platform.hpp"
#include "zzjb/json/bounded.hpp"

namespace {

constexpr std::string_view kHarness = "mock_request";
constexpr std::size_t kMaxRequests = 16;
using zzjb::mock::Request;

bool isTokenChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7F && std::string_view("()<>@,;:\\\"/[]?={}").find(c) == std::string_view::npos;
}

// HTTP/1.1 as the server's parser (Boost.Beast) lets it through: request line, headers, a body
// of Content-Length bytes, then the next request. Bytes that do not make a request end the input.
std::vector<Request> splitRequests(std::string_view in) {
  std::vector<Request> out;
  while (!in.empty() && out.size() < kMaxRequests) {
    auto end = in.find("\r\n\r\n");
    std::size_t sep = 4;
    if (auto lf = in.find("\n\n"); lf < end) {
      end = lf;
      sep = 2;
    }
    if (end == std::string_view::npos) break;
    std::string_view head = in.substr(0, end);
    in.remove_prefix(end + sep);
    std::vector<std::string_view> lines;
    while (!head.empty()) {
      auto nl = head.find('\n');
      std::string_view line = head.substr(0, nl);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      lines.push_back(line);
      head.remove_prefix(nl == std::string_view::npos ? head.size() : nl + 1);
    }
    if (lines.empty()) break;
    Request r;
    const std::string_view first = lines[0];
    const auto sp1 = first.find(' ');
    if (sp1 == 0 || sp1 == std::string_view::npos) break;
    const auto sp2 = first.find(' ', sp1 + 1);
    r.method = std::string(first.substr(0, sp1));
    r.target = std::string(first.substr(sp1 + 1, sp2 == std::string_view::npos ? std::string_view::npos : sp2 - sp1 - 1));
    bool ok = !r.target.empty();
    for (char c : r.method) ok = ok && isTokenChar(c);
    for (char c : r.target) ok = ok && static_cast<unsigned char>(c) > 0x20 && c != 0x7F;
    if (!ok) break;
    std::size_t length = 0;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const auto colon = lines[i].find(':');
      if (colon == std::string_view::npos || colon == 0) continue;
      std::string_view value = lines[i].substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
      std::string name(lines[i].substr(0, colon));
      if (zzjb::mock::CaseInsensitiveLess{}(name, "Content-Length") == false &&
          zzjb::mock::CaseInsensitiveLess{}("Content-Length", name) == false) {
        length = 0;
        for (char c : value) {
          if (c < '0' || c > '9' || length > in.size()) {
            length = in.size() + 1;
            break;
          }
          length = length * 10 + static_cast<std::size_t>(c - '0');
        }
      }
      r.headers[name] = std::string(value);
    }
    if (length > in.size()) break;
    r.body = std::string(in.substr(0, length));
    in.remove_prefix(length);
    out.push_back(std::move(r));
  }
  return out;
}

// The one call to switch when zzjb-mock gains its raw-request seam (bytes → the server's own
// parsing, the platform, the journal). TODO(issue 11).
std::vector<zzjb::mock::Response> serveRaw(zzjb::mock::Platform& platform, std::string_view bytes) {
  std::vector<zzjb::mock::Response> answers;
  for (const auto& request : splitRequests(bytes)) {
    answers.push_back(platform.handle(request, "FUZZ-REQUEST"));
    auto& answer = answers.back();
    if (answer.mutated) {
      try {
        (void)platform.saveState();
      } catch (const std::exception&) {
        zzjb::fuzz::fail(kHarness, "after " + request.method + " the state can no longer be saved");
      }
    }
  }
  return answers;
}

bool isJson(const zzjb::mock::Response& r) {
  for (const auto& [name, value] : r.headers) {
    if (name == "Content-Type" && value.find("json") != std::string::npos) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  zzjb::mock::PlatformOptions options;
  options.seed = 1;
  zzjb::mock::Platform platform(options);
  for (const auto& answer : serveRaw(platform, zzjb::fuzz::asText(data, size))) {
    if (answer.status >= 500) {
      zzjb::fuzz::fail(kHarness, "answered " + std::to_string(answer.status) + ": " +
                                     answer.body.substr(0, 200));
    }
    if (isJson(answer) && !answer.body.empty() && !zzjb::json::parse(answer.body))
      zzjb::fuzz::fail(kHarness, "a JSON answer does not parse");
  }
  return 0;
}
