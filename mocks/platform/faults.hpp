// zzjb-mock's seeded fault rules (/__admin/faults), apart from the server so that they can be
// tested without a network: the rules, their path patterns and the draw that decides a fault.
// See docs/platform-api.md, "The server (zzjb-mock)".
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace zzjb::mock {

// A fault rule's `path`: the part of ECMAScript regular expressions that needs no backtracking
// — literals, `.`, classes `[a-z]`/`[^/]`, `\d \w \s \D \W \S`, escaped punctuation, the
// quantifiers `* + ? {n} {n,} {n,m}` (lazy forms too), `^` at the start and `$` at the end of an
// alternative, and `|` between alternatives. No groups, backreferences or lookaround. Searched
// (like std::regex_search) by simulating all states at once: time linear in the path, memory
// bounded by the pattern, no recursion, whatever the path's length.
class PathPattern {
 public:
  static constexpr std::size_t kMaxPatternBytes = 256;
  static constexpr std::size_t kMaxItems = 512;  // after expanding {n,m}
  static constexpr std::size_t kMaxRepeat = 64;  // the largest n or m of {n,m}

  // nullopt-like error: English, says which construct is refused and where.
  [[nodiscard]] static std::expected<PathPattern, std::string> compile(std::string_view pattern);
  [[nodiscard]] bool search(std::string_view path) const;

 private:
  struct Item {
    std::bitset<256> bytes;  // the bytes this position accepts
    bool optional = false;   // `?` or `*`: may be skipped
    bool repeat = false;     // `*`: may take more bytes
  };
  struct Branch {
    bool atStart = false;  // ^
    bool atEnd = false;    // $
    std::vector<Item> items;
  };
  [[nodiscard]] static bool searchBranch(const Branch& branch, std::string_view path);
  std::vector<Branch> branches_;
};

enum class FaultKind { Status, Delay, Reset, Malformed, SessionExpire };

// The kind's name in the fault rules and the journal: "status", "delay", "reset", …
[[nodiscard]] const char* kindName(FaultKind kind);

struct Fault {
  FaultKind kind = FaultKind::Status;
  int status = 503;
  int delayMs = 0;
  std::optional<int> retryAfter;
};

// The rules of /__admin/faults: seeded, one mt19937_64 draw per matching rule per request in
// rule order (so that the same seed and requests give the same faults); the first that fires
// wins. Thread-safe.
class Faults {
 public:
  static constexpr int kMaxDelayMs = 60'000;
  static constexpr std::size_t kMaxRules = 64;

  // Replaces the rules and reseeds. Returns the field errors (an empty array when accepted; the
  // rules are unchanged otherwise).
  nlohmann::json configure(const nlohmann::json& doc);
  void clear();
  std::optional<Fault> decide(std::string_view method, std::string_view path);
  [[nodiscard]] nlohmann::json describe() const;

 private:
  struct Rule {
    std::string method;  // empty: any
    std::string pathSource;
    PathPattern path;
    double probability = 0;
    Fault fault;
    std::optional<int> limit;  // fires at most this many times (its draws go on: same sequence)
    int fired = 0;
  };
  mutable std::mutex mutex_;
  std::vector<Rule> rules_;
  std::uint64_t seed_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace zzjb::mock
