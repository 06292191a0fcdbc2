// zzjb-mock's fault rules: see faults.hpp and docs/platform-api.md.
#include "faults.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace zzjb::mock {
namespace {

using json = nlohmann::json;

std::bitset<256> byteSet(unsigned char c) {
  std::bitset<256> s;
  s.set(c);
  return s;
}

std::bitset<256> rangeSet(unsigned char lo, unsigned char hi) {
  std::bitset<256> s;
  for (unsigned c = lo; c <= hi; ++c) s.set(c);
  return s;
}

// \d \w \s and their negations; nullopt for any other letter.
std::optional<std::bitset<256>> classEscape(char c) {
  std::bitset<256> s;
  switch (c) {
    case 'd':
    case 'D':
      s = rangeSet('0', '9');
      break;
    case 'w':
    case 'W':
      s = rangeSet('0', '9') | rangeSet('a', 'z') | rangeSet('A', 'Z') | byteSet('_');
      break;
    case 's':
    case 'S':
      for (char w : {' ', '\t', '\n', '\r', '\v', '\f'}) s.set(static_cast<unsigned char>(w));
      break;
    default:
      return std::nullopt;
  }
  if (c == 'D' || c == 'W' || c == 'S') s.flip();
  return s;
}

bool isPunctuation(char c) {
  return c > 0x20 && c < 0x7F && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') &&
         !(c >= 'A' && c <= 'Z');
}

std::string atChar(std::size_t pos) {
  return " at character " + std::to_string(pos + 1);
}

// Reads one escape after '\' at p[i] (i is the letter): a byte set, or an error.
std::expected<std::bitset<256>, std::string> escape(std::string_view p, std::size_t i) {
  if (i >= p.size()) return std::unexpected("a pattern cannot end with \\");
  if (auto s = classEscape(p[i])) return *s;
  if (isPunctuation(p[i])) return byteSet(static_cast<unsigned char>(p[i]));
  return std::unexpected(std::string("\\") + p[i] + " is not supported" + atChar(i - 1) +
                         " (only \\d \\w \\s \\D \\W \\S and escaped punctuation)");
}

}  // namespace

std::expected<PathPattern, std::string> PathPattern::compile(std::string_view p) {
  if (p.size() > kMaxPatternBytes) {
    return std::unexpected("longer than " + std::to_string(kMaxPatternBytes) + " characters");
  }
  PathPattern pattern;
  Branch branch;
  std::size_t items = 0;
  const auto unsupported = [](std::string what, std::size_t pos) {
    return std::unexpected(what + atChar(pos) +
                           ": fault paths are regular expressions without groups, "
                           "backreferences or lookaround (docs/platform-api.md)");
  };
  for (std::size_t i = 0; i <= p.size();) {
    if (i == p.size() || p[i] == '|') {
      pattern.branches_.push_back(std::move(branch));
      branch = Branch{};
      ++i;
      continue;
    }
    const char c = p[i];
    if (c == '^') {
      if (branch.atStart || !branch.items.empty()) return unsupported("^ inside a pattern", i);
      branch.atStart = true;
      ++i;
      continue;
    }
    if (c == '$') {
      if (i + 1 != p.size() && p[i + 1] != '|') return unsupported("$ inside a pattern", i);
      branch.atEnd = true;
      ++i;
      continue;
    }
    if (branch.atEnd) return unsupported("text after $", i);
    Item item;
    if (c == '(' || c == ')') return unsupported("a group", i);
    if (c == '*' || c == '+' || c == '?' || c == '{')
      return unsupported("a quantifier without anything to repeat", i);
    if (c == '.') {
      item.bytes.set();
      item.bytes.reset('\n');
      item.bytes.reset('\r');
      ++i;
    } else if (c == '\\') {
      auto s = escape(p, i + 1);
      if (!s) return std::unexpected(s.error());
      item.bytes = *s;
      i += 2;
    } else if (c == '[') {
      std::size_t j = i + 1;
      bool negated = false;
      if (j < p.size() && p[j] == '^') {
        negated = true;
        ++j;
      }
      bool closed = false;
      while (j < p.size()) {
        if (p[j] == ']') {
          closed = true;
          ++j;
          break;
        }
        std::bitset<256> one;
        unsigned char lo = 0;
        bool single = true;
        if (p[j] == '\\') {
          auto s = escape(p, j + 1);
          if (!s) return std::unexpected(s.error());
          one = *s;
          single = s->count() == 1;
          if (single) lo = static_cast<unsigned char>(p[j + 1]);
          j += 2;
        } else {
          lo = static_cast<unsigned char>(p[j]);
          one = byteSet(lo);
          ++j;
        }
        // a-z: a range, when a single character follows '-' before ']'.
        if (single && j + 1 < p.size() && p[j] == '-' && p[j + 1] != ']' && p[j + 1] != '\\') {
          const auto hi = static_cast<unsigned char>(p[j + 1]);
          if (hi < lo) return unsupported("a range out of order", j);
          one = rangeSet(lo, hi);
          j += 2;
        }
        item.bytes |= one;
      }
      if (!closed) return unsupported("a [ without ]", i);
      if (negated) item.bytes.flip();
      i = j;
    } else {
      item.bytes = byteSet(static_cast<unsigned char>(c));
      ++i;
    }
    // The quantifier, if any; a lazy `?` after it changes nothing for a yes/no search.
    std::size_t min = 1;
    std::size_t max = 1;  // SIZE_MAX: unbounded
    if (i < p.size() && (p[i] == '*' || p[i] == '+' || p[i] == '?')) {
      min = p[i] == '+' ? 1 : 0;
      max = p[i] == '?' ? 1 : SIZE_MAX;
      ++i;
    } else if (i < p.size() && p[i] == '{') {
      std::size_t j = i + 1;
      auto number = [&]() -> std::optional<std::size_t> {
        std::size_t v = 0;
        const std::size_t start = j;
        while (j < p.size() && p[j] >= '0' && p[j] <= '9' && v <= kMaxRepeat) {
          v = v * 10 + static_cast<std::size_t>(p[j] - '0');
          ++j;
        }
        if (j == start || v > kMaxRepeat) return std::nullopt;
        return v;
      };
      auto lo = number();
      if (!lo)
        return unsupported("a {n,m} with n missing or above " + std::to_string(kMaxRepeat), i);
      min = max = *lo;
      if (j < p.size() && p[j] == ',') {
        ++j;
        max = SIZE_MAX;
        if (j < p.size() && p[j] != '}') {
          auto hi = number();
          if (!hi || *hi < *lo)
            return unsupported(
                "a {n,m} with m missing, below n or above " + std::to_string(kMaxRepeat), i);
          max = *hi;
        }
      }
      if (j >= p.size() || p[j] != '}') return unsupported("a { without }", i);
      i = j + 1;
    }
    if (i < p.size() && p[i] == '?' && (min != 1 || max != 1)) ++i;
    if (i < p.size() && (p[i] == '*' || p[i] == '+' || p[i] == '?' || p[i] == '{'))
      return unsupported("a quantifier on a quantifier", i);
    // Expanded: min required copies, then (max - min) optional ones or one repeating one.
    const std::size_t copies = max == SIZE_MAX ? min + 1 : max;
    items += copies;
    if (items > kMaxItems) {
      return std::unexpected("more than " + std::to_string(kMaxItems) +
                             " positions once repetitions are expanded");
    }
    for (std::size_t k = 0; k < min; ++k) branch.items.push_back(item);
    if (max == SIZE_MAX) {
      item.optional = true;
      item.repeat = true;
      branch.items.push_back(item);
    } else {
      item.optional = true;
      for (std::size_t k = min; k < max; ++k) branch.items.push_back(item);
    }
  }
  return pattern;
}

bool PathPattern::search(std::string_view path) const {
  return std::any_of(branches_.begin(), branches_.end(),
                     [&](const Branch& b) { return searchBranch(b, path); });
}

bool PathPattern::searchBranch(const Branch& branch, std::string_view path) {
  const std::size_t k = branch.items.size();
  // cur[i]: some start position has matched items[0, i) and ends here. Never more than k + 1
  // states, so a step costs O(k) and the whole search O(k × path length).
  std::vector<char> cur(k + 1, 0);
  std::vector<char> next(k + 1, 0);
  for (std::size_t pos = 0;; ++pos) {
    if (pos == 0 || !branch.atStart) cur[0] = 1;
    for (std::size_t i = 0; i < k; ++i) {  // skip what may be skipped
      if (cur[i] && branch.items[i].optional) cur[i + 1] = 1;
    }
    if (cur[k] && (!branch.atEnd || pos == path.size())) return true;
    if (pos == path.size()) return false;
    const auto c = static_cast<unsigned char>(path[pos]);
    std::fill(next.begin(), next.end(), 0);
    bool any = false;
    for (std::size_t i = 0; i < k; ++i) {
      if (!cur[i] || !branch.items[i].bytes.test(c)) continue;
      next[branch.items[i].repeat ? i : i + 1] = 1;
      any = true;
    }
    cur.swap(next);
    if (!any && branch.atStart) return false;  // nothing alive and no new start possible
  }
}

// ---- the rules ----------------------------------------------------------------------------------

namespace {

const std::pair<const char*, FaultKind> kFaultKinds[] = {
    {"status", FaultKind::Status},
    {"delay", FaultKind::Delay},
    {"reset", FaultKind::Reset},
    {"malformed", FaultKind::Malformed},
    {"session-expire", FaultKind::SessionExpire}};

}  // namespace

const char* kindName(FaultKind kind) {
  for (const auto& [name, k] : kFaultKinds)
    if (k == kind) return name;
  return "?";
}

json Faults::configure(const json& doc) {
  json errors = json::array();
  auto fail = [&errors](std::string field, std::string message) {
    errors.push_back({{"field", std::move(field)}, {"message", std::move(message)}});
  };
  if (!doc.is_object()) {
    fail("", "expected an object {\"seed\", \"rules\"}");
    return errors;
  }
  std::uint64_t seed = 0;
  if (auto it = doc.find("seed"); it != doc.end()) {
    if (it->is_number_unsigned())
      seed = it->get<std::uint64_t>();
    else if (it->is_number_integer() && it->get<std::int64_t>() >= 0)
      seed = static_cast<std::uint64_t>(it->get<std::int64_t>());
    else
      fail("seed", "must be a non-negative integer");
  }
  std::vector<Rule> rules;
  const auto rulesIt = doc.find("rules");
  if (rulesIt == doc.end() || !rulesIt->is_array()) {
    fail("rules", "must be an array");
    return errors;
  }
  if (rulesIt->size() > kMaxRules) {
    fail("rules", "at most " + std::to_string(kMaxRules) + " rules");
    return errors;
  }
  for (std::size_t i = 0; i < rulesIt->size(); ++i) {
    const json& r = (*rulesIt)[i];
    const std::string at = "rules[" + std::to_string(i) + "].";
    if (!r.is_object()) {
      fail(at.substr(0, at.size() - 1), "must be an object");
      continue;
    }
    Rule rule;
    auto optionalInt = [&](const char* key, int lo, int hi) -> std::optional<int> {
      auto it = r.find(key);
      if (it == r.end() || it->is_null()) return std::nullopt;
      if (!it->is_number_integer() || it->get<std::int64_t>() < lo ||
          it->get<std::int64_t>() > hi) {
        fail(at + key,
             "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
        return std::nullopt;
      }
      return static_cast<int>(it->get<std::int64_t>());
    };
    if (auto it = r.find("method"); it != r.end() && !it->is_null()) {
      if (it->is_string())
        rule.method = it->get<std::string>();
      else
        fail(at + "method", "must be a string");
    }
    if (auto it = r.find("path"); it != r.end() && !it->is_null() && !it->is_string()) {
      fail(at + "path", "must be a string");
    } else {
      // Absent or null: every path.
      rule.pathSource = it == r.end() || it->is_null() ? std::string() : it->get<std::string>();
      auto compiled = PathPattern::compile(rule.pathSource);
      if (compiled)
        rule.path = std::move(*compiled);
      else
        fail(at + "path", "not a supported regular expression: " + compiled.error());
    }
    if (auto it = r.find("probability");
        it == r.end() || !it->is_number() || it->get<double>() < 0 || it->get<double>() > 1)
      fail(at + "probability", "must be a number from 0 to 1");
    else
      rule.probability = it->get<double>();
    const json kindValue = r.value("kind", json());
    const std::string kind = kindValue.is_string() ? kindValue.get<std::string>() : "";
    const auto* found = std::find_if(std::begin(kFaultKinds), std::end(kFaultKinds),
                                     [&kind](const auto& k) { return kind == k.first; });
    if (found == std::end(kFaultKinds))
      fail(at + "kind", "must be status, delay, reset, malformed or session-expire");
    else
      rule.fault.kind = found->second;
    rule.fault.status = optionalInt("status", 100, 599).value_or(503);
    rule.fault.delayMs = optionalInt("delayMs", 0, kMaxDelayMs).value_or(0);
    rule.fault.retryAfter = optionalInt("retryAfter", 0, 86'400);
    rule.limit = optionalInt("limit", 1, 1'000'000);
    // The contract: 429 and 503 always carry Retry-After.
    if (rule.fault.kind == FaultKind::Status && !rule.fault.retryAfter &&
        (rule.fault.status == 429 || rule.fault.status == 503))
      rule.fault.retryAfter = 1;
    rules.push_back(std::move(rule));
  }
  if (!errors.empty()) return errors;
  std::lock_guard lock(mutex_);
  rules_ = std::move(rules);
  seed_ = seed;
  rng_.seed(seed);
  return errors;
}

void Faults::clear() {
  std::lock_guard lock(mutex_);
  rules_.clear();
}

std::optional<Fault> Faults::decide(std::string_view method, std::string_view path) {
  std::lock_guard lock(mutex_);
  std::optional<Fault> chosen;
  for (Rule& rule : rules_) {
    if (!rule.method.empty() && rule.method != method) continue;
    if (!rule.path.search(path)) continue;
    const double draw = static_cast<double>(rng_() >> 11) * 0x1.0p-53;  // [0, 1)
    if (!chosen && draw < rule.probability && (!rule.limit || rule.fired < *rule.limit)) {
      chosen = rule.fault;
      ++rule.fired;
    }
  }
  return chosen;
}

json Faults::describe() const {
  std::lock_guard lock(mutex_);
  json rules = json::array();
  for (const Rule& r : rules_) {
    json j = {{"method", r.method},
              {"path", r.pathSource},
              {"probability", r.probability},
              {"kind", kindName(r.fault.kind)}};
    if (r.fault.kind == FaultKind::Status) j["status"] = r.fault.status;
    if (r.fault.kind == FaultKind::Delay) j["delayMs"] = r.fault.delayMs;
    if (r.fault.retryAfter) j["retryAfter"] = *r.fault.retryAfter;
    if (r.limit) {
      j["limit"] = *r.limit;
      j["fired"] = r.fired;
    }
    rules.push_back(std::move(j));
  }
  return {{"seed", seed_}, {"rules", std::move(rules)}};
}

}  // namespace zzjb::mock
