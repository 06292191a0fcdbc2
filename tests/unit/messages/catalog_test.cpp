// The message catalog (docs/messages.md): every code in both languages with the same
// placeholders, no code unused, and no sentence for a person written outside the catalog.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "source_scan.hpp"
#include "zzjb/messages/catalog.hpp"

namespace fs = std::filesystem;
using zzjb::msg::Lang;

namespace {

const fs::path kSource = ZZJB_SOURCE_DIR;

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// msgid → msgstr of a .po file (the header entry left out). Only what zzjb's catalogs use:
// comments, msgid, msgstr and continued "…" lines.
std::map<std::string, std::string> readPo(const fs::path& p) {
  std::map<std::string, std::string> out;
  std::istringstream in(readFile(p));
  std::string line;
  std::string id;
  std::string str;
  std::string* into = nullptr;
  auto unquote = [](const std::string& s) {
    const auto a = s.find('"');
    const auto b = s.rfind('"');
    std::string raw = s.substr(a + 1, b - a - 1);
    std::string v;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 1 < raw.size()) {
        ++i;
        v += raw[i] == 'n' ? '\n' : raw[i] == 't' ? '\t' : raw[i];
      } else {
        v += raw[i];
      }
    }
    return v;
  };
  auto flush = [&] {
    if (!id.empty()) out[id] = str;
    id.clear();
    str.clear();
    into = nullptr;
  };
  while (std::getline(in, line)) {
    if (line.starts_with("msgid ")) {
      flush();
      id = unquote(line);
      into = &id;
    } else if (line.starts_with("msgstr ")) {
      str = unquote(line);
      into = &str;
    } else if (line.starts_with("\"") && into != nullptr) {
      *into += unquote(line);
    }
  }
  flush();
  return out;
}

std::set<std::string> placeholders(const std::string& text) {
  static const std::regex kPlaceholder(R"(\{([A-Za-z0-9_]+)\})");
  std::set<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), kPlaceholder), end; it != end; ++it) {
    out.insert((*it)[1]);
  }
  return out;
}

// The product's sources: what the lint reads (tests, mocks, benchmarks and fuzz harnesses are
// not shown to a school's clerk).
std::vector<fs::path> productSources() {
  std::vector<fs::path> out;
  for (const char* dir : {"core", "app", "cli", "adapters", "plugins", "sdk", "messages"}) {
    for (const auto& e : fs::recursive_directory_iterator(kSource / dir)) {
      const auto ext = e.path().extension();
      if (e.is_regular_file() && (ext == ".cpp" || ext == ".hpp" || ext == ".h") &&
          !e.path().stem().string().ends_with("_test")) {
        out.push_back(e.path());
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Every file of one language's catalog, merged; a code defined twice is a failure.
std::map<std::string, std::string> readCatalog(const std::string& lang) {
  std::map<std::string, std::string> all;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kSource / "messages/po" / lang)) {
    if (e.path().extension() == ".po") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    for (auto& [code, text] : readPo(f)) {
      if (all.contains(code)) ADD_FAILURE() << code << " is defined twice in the " << lang << " catalog";
      all[code] = text;
    }
  }
  return all;
}

const std::map<std::string, std::string>& catalog(Lang lang) {
  static const auto zh = readCatalog("zh_CN");
  static const auto en = readCatalog("en");
  return lang == Lang::En ? en : zh;
}

TEST(MessageCatalog, EveryCodeHasATextInBothLanguagesWithTheSamePlaceholders) {
  const auto& zh = catalog(Lang::ZhCN);
  const auto& en = catalog(Lang::En);
  ASSERT_GT(zh.size(), 0u);
  static const std::regex kCode(R"([A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*)");
  for (const auto& [code, text] : zh) {
    EXPECT_TRUE(std::regex_match(code, kCode)) << "code is not ASCII letters, digits, _ and .: " << code;
    EXPECT_FALSE(text.empty()) << code << " has no zh-CN text";
    auto other = en.find(code);
    if (other == en.end()) {
      ADD_FAILURE() << code << " is in the zh_CN catalog but not in the en one";
      continue;
    }
    EXPECT_FALSE(other->second.empty()) << code << " has no en text";
    EXPECT_EQ(placeholders(text), placeholders(other->second))
        << code << ": the two languages fill in different placeholders";
  }
  for (const auto& [code, text] : en) {
    EXPECT_TRUE(zh.contains(code)) << code << " is in the en catalog but not in the zh_CN one";
  }
}

TEST(MessageCatalog, TheBuiltInCatalogAnswersEveryCodeInBothLanguages) {
  // What the program looks up is what the .po files say: msgfmt compiled them into the build.
  for (Lang lang : {Lang::ZhCN, Lang::En}) {
    for (const auto& [code, text] : catalog(lang)) {
      EXPECT_EQ(zzjb::msg::text(lang, code), zzjb::msg::fill(text, {})) << code << " in " << zzjb::msg::tag(lang);
    }
  }
  EXPECT_EQ(zzjb::msg::text(Lang::ZhCN, "no.such.code"), "no.such.code");
  EXPECT_FALSE(zzjb::msg::has("no.such.code"));
  EXPECT_FALSE(zzjb::msg::has(""));  // not the catalog's header
  EXPECT_EQ(zzjb::msg::text(Lang::ZhCN, ""), "");
}

TEST(MessageCatalog, PlaceholdersAreFilledByNameAndUnknownOnesStayVisible) {
  EXPECT_EQ(zzjb::msg::fill("{a} 与 {b}，{c}", {{"b", "乙"}, {"a", 1}}), "1 与 乙，{c}");
  EXPECT_EQ(zzjb::msg::fill("{", {}), "{");
  EXPECT_EQ(zzjb::msg::fill("致电 {centrePhone}", {}), "致电 62748577-4112");
}

TEST(MessageCatalog, LanguageComesFromTheFlagThenZzjbLangThenTheLocaleAndIsChineseByDefault) {
  ::unsetenv("ZZJB_LANG");
  ::unsetenv("LC_ALL");
  ::unsetenv("LC_MESSAGES");
  ::setenv("LANG", "C.UTF-8", 1);
  EXPECT_EQ(zzjb::msg::chooseLang(std::nullopt).lang, Lang::ZhCN);
  ::setenv("LANG", "en_US.UTF-8", 1);
  EXPECT_EQ(zzjb::msg::chooseLang(std::nullopt).lang, Lang::En);
  ::setenv("LC_ALL", "zh_CN.UTF-8", 1);
  EXPECT_EQ(zzjb::msg::chooseLang(std::nullopt).lang, Lang::ZhCN);
  ::setenv("ZZJB_LANG", "en", 1);
  EXPECT_EQ(zzjb::msg::chooseLang(std::nullopt).lang, Lang::En);
  EXPECT_EQ(zzjb::msg::chooseLang("zh-CN").lang, Lang::ZhCN);
  const auto bad = zzjb::msg::chooseLang("fr");
  EXPECT_TRUE(bad.refused);
  EXPECT_EQ(bad.invalid, "fr");
  EXPECT_TRUE(zzjb::msg::chooseLang("").refused);  // --lang= names no language either
  EXPECT_FALSE(zzjb::msg::chooseLang("en").refused);
  ::setenv("ZZJB_LANG", "klingon", 1);
  EXPECT_EQ(zzjb::msg::chooseLang(std::nullopt).invalid, "klingon");
  ::unsetenv("ZZJB_LANG");
  ::unsetenv("LC_ALL");
  ::unsetenv("LANG");
}

TEST(MessageCatalog, EveryCodeIsUsedBySomeSource) {
  // A code is used when a product source writes it as a literal; "<code>.hint" and
  // "<code>.advice" are used with <code> (makeFinding and evaluationAdvice look them up).
  std::set<std::string> literals;
  for (const auto& file : productSources()) {
    for (const auto& lit : zzjb::test::stringLiterals(readFile(file))) literals.insert(lit.text);
  }
  for (const auto& [code, text] : catalog(Lang::ZhCN)) {
    std::string base = code;
    for (std::string_view suffix : {".hint", ".advice"}) {
      if (base.ends_with(suffix)) base.resize(base.size() - suffix.size());
    }
    EXPECT_TRUE(literals.contains(code) || literals.contains(base))
        << code << " is in the catalog but no source uses it: remove it";
  }
}

TEST(MessageLint, APluginTextIsAcceptedOnlyAsAWholePairChineseThenEnglish) {
  auto unpaired = [](const std::string& src) {
    const auto lits = zzjb::test::stringLiterals(src);
    const auto paired = zzjb::test::bilingualPairs(src, lits);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < lits.size(); ++i) {
      if (!paired[i] && zzjb::test::isUserText(lits[i].text)) out.push_back(lits[i].text);
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(unpaired(R"x(f(tr("为空", "is empty"));)x"), V{});
  EXPECT_EQ(unpaired("f(plugin::tr(\n  \"{c}为空\" \"，请填写\",\n  \"the column {c} is \"\n"
                     "  \"empty\", {{\"c\", c}}));"),
            V{});
  // A half alone, English first, Chinese on the English side, an expression, another function.
  EXPECT_EQ(unpaired(R"x(f(tr("为空"));)x"), V{"为空"});
  EXPECT_EQ(unpaired(R"x(f(tr("is empty", "为空"));)x"), (V{"is empty", "为空"}));
  EXPECT_EQ(unpaired(R"x(f(tr("为空", "is empty, 为空"));)x"), (V{"为空", "is empty, 为空"}));
  EXPECT_EQ(unpaired(R"x(f(tr("为空", "(为空)"));)x"), (V{"为空", "(为空)"}));
  // A notices' term may follow its English gloss in brackets.
  EXPECT_EQ(unpaired(R"x(f(tr("毕业学年", "the graduation year (毕业学年) is wrong"));)x"), V{});
  EXPECT_EQ(unpaired(R"x(f(tr("为空", "the column " + c + " is empty"));)x"),
            (V{"为空", "the column ", " is empty"}));
  EXPECT_EQ(unpaired(R"x(f(str("为空", "is empty"));)x"), (V{"为空", "is empty"}));
  EXPECT_EQ(unpaired(R"x(f(tr("为空", ""));)x"), V{"为空"});
  // A pair does not excuse what follows it.
  EXPECT_EQ(unpaired(R"x(f(tr("为空", "is empty"), "and then more words");)x"),
            V{"and then more words"});
}

// Files still holding sentences outside the catalog, and how many (the migration's remaining
// work, docs/messages.md). The lint fails on a file that gains one and on a count that is no
// longer true, so that the list only shrinks. ZZJB_UPDATE_TEXT_BASELINE=1 rewrites it.
TEST(MessageCatalog, NoSentenceForAPersonIsWrittenOutsideTheCatalog) {
  const fs::path baselineFile = kSource / "tests/unit/messages/text_baseline.txt";
  std::map<std::string, std::size_t> baseline;
  {
    std::istringstream in(readFile(baselineFile));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream fields(line);
      std::string path;
      std::size_t count = 0;
      fields >> path >> count;
      baseline[path] = count;
    }
  }
  std::map<std::string, std::vector<zzjb::test::Literal>> found;
  for (const auto& file : productSources()) {
    const std::string rel = fs::relative(file, kSource).generic_string();
    const std::string source = readFile(file);
    auto lits = zzjb::test::stringLiterals(source);
    // A plugin has no catalog: its texts are tr("中文", "English") pairs (the SDK, text.hpp).
    const bool pluginSide = rel.starts_with("plugins/") || rel.starts_with("sdk/");
    const std::vector<bool> paired = pluginSide ? zzjb::test::bilingualPairs(source, lits)
                                                : std::vector<bool>(lits.size(), false);
    for (std::size_t i = 0; i < lits.size(); ++i) {
      if (!lits[i].exempt && !paired[i] && zzjb::test::isUserText(lits[i].text)) {
        found[rel].push_back(std::move(lits[i]));
      }
    }
  }
  if (const char* update = std::getenv("ZZJB_UPDATE_TEXT_BASELINE"); update && *update == '1') {
    std::ofstream out(baselineFile);
    out << "# Sentences still written in these sources instead of the message catalog (path count).\n"
           "# tests/unit/messages/catalog_test.cpp keeps it exact; docs/messages.md.\n";
    for (const auto& [path, lits] : found) out << path << " " << lits.size() << "\n";
    std::cout << "baseline rewritten: " << baselineFile << "\n";
    return;
  }
  for (const auto& [path, lits] : found) {
    const std::size_t allowed = baseline.contains(path) ? baseline.at(path) : 0;
    if (lits.size() > allowed) {
      std::string list;
      for (const auto& l : lits) list += "\n  " + path + ":" + std::to_string(l.line) + ": \"" + l.text + "\"";
      ADD_FAILURE() << path << " writes " << lits.size() << " sentences outside the catalog, "
                    << allowed << " allowed: put them in messages/po (a plugin: write them as "
                    << "tr(\"中文\", \"English\") pairs), or mark a literal that is data, not "
                    << "text, with a // not-text comment" << list;
    }
  }
  for (const auto& [path, allowed] : baseline) {
    const std::size_t now = found.contains(path) ? found.at(path).size() : 0;
    EXPECT_GE(now, allowed) << path << " has " << now << " sentences outside the catalog, the "
                            << "baseline says " << allowed << ": lower it (ZZJB_UPDATE_TEXT_BASELINE=1)";
  }
}

}  // namespace
