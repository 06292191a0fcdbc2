#include "source_scan.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>
#include <string_view>

namespace zzjb::test {

namespace {

bool identChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// The code points of a UTF-8 string (invalid bytes skipped).
std::vector<char32_t> codePoints(const std::string& s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
      ++i;
      continue;
    }
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1Fu) : len == 3 ? (b & 0x0Fu) : (b & 0x07u);
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    out.push_back(cp);
    i += len;
  }
  return out;
}

bool sqlKeyword(std::string_view w) {
  static constexpr std::array<std::string_view, 30> kWords = {
      "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "PRAGMA", "BEGIN", "COMMIT",
      "ROLLBACK", "WITH", "ALTER", "DROP", "REPLACE", "FROM", "WHERE", "AND",
      "OR", "ORDER", "GROUP", "VALUES", "ON", "SET", "JOIN", "LEFT",
      "LIMIT", "UNION", "CASE", "WHEN", "SAVEPOINT", "RELEASE"};
  for (auto k : kWords) {
    if (w == k) return true;
  }
  return false;
}

bool englishWord(std::string_view tok) {
  while (!tok.empty() && std::string_view(",.:;!?)'\"").find(tok.back()) != std::string_view::npos) {
    tok.remove_suffix(1);
  }
  while (!tok.empty() && (tok.front() == '(' || tok.front() == '\'' || tok.front() == '"')) {
    tok.remove_prefix(1);
  }
  if (tok.size() < 2) return false;
  if (std::isalpha(static_cast<unsigned char>(tok[0])) == 0) return false;
  for (std::size_t i = 1; i < tok.size(); ++i) {
    if (std::islower(static_cast<unsigned char>(tok[i])) == 0) return false;
  }
  return true;
}

}  // namespace

std::vector<Literal> stringLiterals(const std::string& src) {
  std::vector<Literal> out;
  std::size_t line = 1;
  bool inBlock = false;  // inside "not-text: begin" … "not-text: end"
  // Lines whose comments say not-text.
  std::vector<bool> exemptLine(1, false);
  {
    std::istringstream in(src);
    std::string l;
    while (std::getline(in, l)) {
      const auto c = l.find("//");
      const std::string comment = c == std::string::npos ? std::string() : l.substr(c);
      if (comment.find("not-text: begin") != std::string::npos) inBlock = true;
      const bool exempt = inBlock || comment.find("not-text") != std::string::npos;
      if (comment.find("not-text: end") != std::string::npos) inBlock = false;
      exemptLine.push_back(exempt);
    }
    exemptLine.push_back(false);
  }
  auto exemptAt = [&](std::size_t ln) { return ln < exemptLine.size() && exemptLine[ln]; };

  const std::size_t n = src.size();
  std::size_t i = 0;
  bool lineStart = true;
  while (i < n) {
    const char c = src[i];
    if (c == '\n') {
      ++line;
      ++i;
      lineStart = true;
      continue;
    }
    if (lineStart && c == '#') {
      // Preprocessor line: #include "…" is a file name, not a text. Other directives are read on.
      std::size_t j = i + 1;
      while (j < n && (src[j] == ' ' || src[j] == '\t')) ++j;
      if (src.compare(j, 7, "include") == 0) {
        while (i < n && src[i] != '\n') ++i;
        continue;
      }
    }
    if (c != ' ' && c != '\t') lineStart = false;
    if (c == '/' && i + 1 < n && src[i + 1] == '/') {
      while (i < n && src[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && src[i + 1] == '*') {
      i += 2;
      while (i + 1 < n && !(src[i] == '*' && src[i + 1] == '/')) {
        if (src[i] == '\n') ++line;
        ++i;
      }
      i += 2;
      continue;
    }
    if (c == '\'') {
      // A character literal, unless it is a digit separator (1'000).
      if (i > 0 && std::isxdigit(static_cast<unsigned char>(src[i - 1])) != 0 && i + 1 < n &&
          std::isxdigit(static_cast<unsigned char>(src[i + 1])) != 0) {
        ++i;
        continue;
      }
      ++i;
      while (i < n && src[i] != '\'' && src[i] != '\n') i += src[i] == '\\' ? 2u : 1u;
      ++i;
      continue;
    }
    if (c == 'R' && i + 1 < n && src[i + 1] == '"' && (i == 0 || !identChar(src[i - 1]) ||
                                                        src.compare(i - 2, 2, "u8") == 0 ||
                                                        src[i - 1] == 'L' || src[i - 1] == 'u' ||
                                                        src[i - 1] == 'U')) {
      const std::size_t open = src.find('(', i + 2);
      if (open == std::string::npos) break;
      const std::string delim = ")" + src.substr(i + 2, open - i - 2) + "\"";
      const std::size_t close = src.find(delim, open + 1);
      if (close == std::string::npos) break;
      Literal lit{line, src.substr(open + 1, close - open - 1), exemptAt(line), i,
                  close + delim.size()};
      for (std::size_t k = i; k < close; ++k) line += src[k] == '\n';
      out.push_back(std::move(lit));
      i = close + delim.size();
      continue;
    }
    if (c == '"') {
      std::size_t j = i + 1;
      std::string text;
      while (j < n && src[j] != '"' && src[j] != '\n') {
        if (src[j] == '\\' && j + 1 < n) {
          text += src[j];
          text += src[j + 1];
          j += 2;
          continue;
        }
        text += src[j];
        ++j;
      }
      out.push_back({line, std::move(text), exemptAt(line), i, j + 1});
      i = j + 1;
      continue;
    }
    ++i;
  }
  return out;
}

bool hasChinese(const std::string& literal) {
  for (char32_t cp : codePoints(literal)) {
    if ((cp >= 0x3000 && cp <= 0x9FFF) || (cp >= 0xFF00 && cp <= 0xFFEF)) return true;
  }
  return false;
}

// The English half of a pair: English, with a notices' term in Chinese only in brackets after
// its English gloss ("the graduation year (毕业学年)", as messages/po/en does).
bool englishHalf(const std::string& en) {
  std::string outside;
  int depth = 0;
  for (char c : en) {
    if (c == '(') {
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      outside += c;
    }
  }
  const bool letters = std::any_of(outside.begin(), outside.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
  });
  return letters && !hasChinese(outside);
}

std::vector<bool> bilingualPairs(const std::string& src, const std::vector<Literal>& lits) {
  std::vector<bool> paired(lits.size(), false);
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  auto skipForward = [&](std::size_t p) {
    while (p < src.size() && space(src[p])) ++p;
    return p;
  };
  // Whether the source just before `p` (spaces skipped) is "tr(": the call's first argument.
  auto afterTrParen = [&](std::size_t p) {
    while (p > 0 && space(src[p - 1])) --p;
    if (p == 0 || src[p - 1] != '(') return false;
    --p;
    while (p > 0 && space(src[p - 1])) --p;
    if (p < 2 || src.compare(p - 2, 2, "tr") != 0) return false;
    return p == 2 || !identChar(src[p - 3]);
  };
  // The literals from `k` on that are one argument ("…" "…"): the index past the last, and their
  // text joined.
  auto argument = [&](std::size_t k, std::string& text) {
    text = lits[k].text;
    std::size_t next = k + 1;
    while (next < lits.size() && skipForward(lits[next - 1].end) == lits[next].begin) {
      text += lits[next].text;
      ++next;
    }
    return next;
  };
  for (std::size_t k = 0; k < lits.size(); ++k) {
    if (!afterTrParen(lits[k].begin)) continue;
    std::string zh;
    std::string en;
    const std::size_t second = argument(k, zh);
    const std::size_t comma = skipForward(lits[second - 1].end);
    if (second >= lits.size() || comma >= src.size() || src[comma] != ',' ||
        skipForward(comma + 1) != lits[second].begin) {
      continue;
    }
    const std::size_t past = argument(second, en);
    const std::size_t after = skipForward(lits[past - 1].end);
    if (after >= src.size() || (src[after] != ',' && src[after] != ')')) continue;
    if (!hasChinese(zh) || !englishHalf(en)) continue;
    for (std::size_t i = k; i < past; ++i) paired[i] = true;
    k = past - 1;
  }
  return paired;
}

bool isUserText(const std::string& literal) {
  if (hasChinese(literal)) return true;
  std::string spaced;
  for (std::size_t i = 0; i < literal.size(); ++i) {
    if (literal[i] == '\\' && i + 1 < literal.size()) {
      spaced += ' ';  // \n, \t, \" …: a separator
      ++i;
      continue;
    }
    spaced += literal[i];
  }
  std::istringstream in(spaced);
  std::string tok;
  bool first = true;
  int words = 0;
  while (in >> tok) {
    if (first && sqlKeyword(tok)) return false;
    first = false;
    words += englishWord(tok) ? 1 : 0;
  }
  return words >= 2;
}

}  // namespace zzjb::test
