// Reading zzjb's own sources the way the message lint needs: every string literal with its line,
// and whether a "not-text" comment exempts it (docs/messages.md).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace zzjb::test {

struct Literal {
  std::size_t line = 0;
  std::string text;     // the literal's characters as written (escapes not decoded)
  bool exempt = false;  // "not-text" on its line, or inside "not-text: begin" … "not-text: end"
  std::size_t begin = 0;  // where it starts in the source (its opening quote, or R of R"…")
  std::size_t end = 0;    // one past its closing quote
};

// Every string literal in a C++ source (comments, character literals and #include lines skipped;
// raw strings included).
std::vector<Literal> stringLiterals(const std::string& source);

// Which literals (by index into `literals`, from stringLiterals(source)) are one half of a
// bilingual pair of the plugin SDK: tr("中文", "English") or tr("中文", "English", args), each
// argument one literal or adjacent ones ("…" "…"), the first with Chinese, the second English
// with Chinese only in brackets, a notices' term after its gloss: "the graduation year (毕业学年)"
// (docs/plugins.md). Anything else in a tr() call (a half alone, an expression, English first,
// Chinese outside brackets in the English half) is not a pair.
std::vector<bool> bilingualPairs(const std::string& source, const std::vector<Literal>& literals);

// Whether a literal has a Chinese character (CJK, or a full-width form).
bool hasChinese(const std::string& literal);

// Whether a literal reads as a sentence for a person: any Chinese character, or two or more
// English words (lower-case or capitalised letters; ALL-CAPS codes and SQL do not count).
bool isUserText(const std::string& literal);

}  // namespace zzjb::test
