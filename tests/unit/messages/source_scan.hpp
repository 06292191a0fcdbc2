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
};

// Every string literal in a C++ source (comments, character literals and #include lines skipped;
// raw strings included).
std::vector<Literal> stringLiterals(const std::string& source);

// Whether a literal reads as a sentence for a person: any Chinese character, or two or more
// English words (lower-case or capitalised letters; ALL-CAPS codes and SQL do not count).
bool isUserText(const std::string& literal);

}  // namespace zzjb::test
