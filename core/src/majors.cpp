// Majors as people write them (docs/rosters.md, "Majors").
#include "zzjb/core/majors.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace zzjb {

namespace {

// UTF-8 ⇄ code points. The readers hand over valid UTF-8; a stray byte is kept as itself.
std::u32string majorCodePoints(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) {
      out += static_cast<char32_t>(b);
      ++i;
      continue;
    }
    char32_t cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out += cp;
    i += n;
  }
  return out;
}

std::string majorUtf8(std::u32string_view s) {
  std::string out;
  for (char32_t c : s) {
    const auto cp = static_cast<std::uint32_t>(c);
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

bool endsWith(std::u32string_view s, std::u32string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// A bracketed trailing 学制: "(三年制)", "(五年一贯制)", "(3+2)"-free forms such as "(中高职贯通)".
bool isSchoolingSuffix(std::u32string_view inside) {
  // not-text: begin (the words of a 学制, matched against roster data)
  for (std::u32string_view word : {std::u32string_view(U"年制"), std::u32string_view(U"学制"),
                                   std::u32string_view(U"贯通"), std::u32string_view(U"一贯制")}) {
    // not-text: end
    if (inside.find(word) != std::u32string_view::npos) return true;
  }
  return false;
}

// The normalised code points of a name.
std::u32string majorKeyPoints(std::string_view name) {
  std::u32string s;
  for (char32_t c : majorCodePoints(name)) {
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // full-width ASCII → ASCII
    if (c == 0x3000 || c == 0x00A0 || c == U' ' || c == U'\t' || c == U'\r' || c == U'\n') continue;
    if (c == U'【' || c == U'〔') c = U'(';
    if (c == U'】' || c == U'〕') c = U')';
    if (c >= U'A' && c <= U'Z') c = c - U'A' + U'a';
    s += c;
  }
  // Trailing 学制 in brackets, then a trailing 专业, as often as they come ("…专业(三年制)").
  for (bool changed = true; changed;) {
    changed = false;
    if (endsWith(s, U")")) {
      const std::size_t open = s.rfind(U'(');
      if (open != std::u32string::npos && open > 0 &&
          isSchoolingSuffix(std::u32string_view(s).substr(open + 1, s.size() - open - 2))) {
        s.erase(open);
        changed = true;
      }
    }
    if (endsWith(s, U"专业") && s.size() > 2) {  // not-text: matched against roster data
      s.erase(s.size() - 2);
      changed = true;
    }
  }
  return s;
}

// Levenshtein distance over code points, stopping early beyond `bound`.
std::size_t editDistance(std::u32string_view a, std::u32string_view b, std::size_t bound) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > bound) return bound + 1;
  std::vector<std::size_t> row(a.size() + 1);
  for (std::size_t i = 0; i <= a.size(); ++i) row[i] = i;
  for (std::size_t j = 1; j <= b.size(); ++j) {
    std::size_t diagonal = row[0];
    row[0] = j;
    std::size_t best = row[0];
    for (std::size_t i = 1; i <= a.size(); ++i) {
      const std::size_t up = row[i];
      row[i] = std::min({row[i] + 1, row[i - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
      best = std::min(best, row[i]);
    }
    if (best > bound) return bound + 1;
  }
  return row[a.size()];
}

}  // namespace

std::string majorKey(std::string_view name) { return majorUtf8(majorKeyPoints(name)); }

std::vector<std::string> nearestMajors(std::string_view written,
                                       const std::vector<std::string>& configured,
                                       std::size_t limit) {
  const std::u32string w = majorKeyPoints(written);
  if (w.empty()) return {};
  // Roster cells are bounded (docs/security.md); a name this long is nobody's major.
  constexpr std::size_t kLongest = 64;
  if (w.size() > kLongest) return {};
  std::vector<std::pair<std::size_t, std::string>> found;  // (distance, name)
  for (const std::string& name : configured) {
    const std::u32string c = majorKeyPoints(name);
    if (c.empty() || c.size() > kLongest) continue;
    const std::size_t shorter = std::min(c.size(), w.size());
    // One character in three may differ: a typo in 计算机应用, never 会计 for 统计.
    const std::size_t bound = shorter / 3;
    const std::size_t d = editDistance(w, c, bound);
    const bool contains = shorter >= 2 && (c.find(w) != std::u32string::npos ||
                                           w.find(c) != std::u32string::npos);
    // Containing the other, the distance is the difference in length.
    const std::size_t lengthDifference = c.size() > w.size() ? c.size() - w.size() : w.size() - c.size();
    if (d <= bound) {
      found.emplace_back(d, name);
    } else if (contains) {
      found.emplace_back(lengthDifference, name);
    }
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& [d, name] : found) {
    if (out.size() == limit) break;
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
  }
  return out;
}

}  // namespace zzjb
