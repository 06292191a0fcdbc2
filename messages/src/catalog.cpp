// The message catalog: the compiled gettext catalogs built into the program, read through
// Boost.Locale's gettext reader (docs/messages.md).
#include "zzjb/messages/catalog.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <locale>
#include <span>

#include <boost/locale/gnu_gettext.hpp>
#include <boost/locale/message.hpp>

namespace zzjb::msg {
namespace detail {
// Generated from messages/po/<lang>/*.po by messages/compile.cmake.
extern const unsigned char kzhCNCatalog[];
extern const std::size_t kzhCNCatalogSize;
extern const unsigned char kenCatalog[];
extern const std::size_t kenCatalogSize;
}  // namespace detail

namespace {

std::atomic<Lang> g_language{Lang::ZhCN};

// The contact details the notices give, written once: every message names them through these
// placeholders, which need no argument (docs/messages.md, "Contacts").
struct Contact {
  std::string_view name;
  std::string_view value;
};
constexpr Contact kContacts[] = {
    {"centrePhone", "62748577-4112"},   // 市职鉴中心, the notices' 附件2
    {"shecaPhone", "(021)962600"},      // 上海市数字证书认证中心 (法人一证通)
    {"shecaSite", "www.962600.com"},
};

using Facet = boost::locale::message_format<char>;

// A locale whose only purpose is to hold the messages facet of one language. The reader asks
// for "<path>/<lang>/LC_MESSAGES/zzjb.mo"; the callback answers from the built-in bytes and
// nothing is ever read from the file system.
std::locale catalogLocale(const char* language, const char* country,
                          std::span<const unsigned char> mo) {
  namespace gg = boost::locale::gnu_gettext;
  gg::messages_info info;
  info.language = language;
  info.country = country;
  info.encoding = "UTF-8";
  info.domains.emplace_back("zzjb");
  info.paths.emplace_back("zzjb:");
  info.callback = [mo](const std::string& file, const std::string& /*encoding*/) {
    std::vector<char> bytes;
    if (file.ends_with("/LC_MESSAGES/zzjb.mo")) {
      bytes.reserve(mo.size());
      for (unsigned char b : mo) bytes.push_back(static_cast<char>(b));
    }
    return bytes;
  };
  return {std::locale::classic(), gg::create_messages_facet<char>(info)};
}

const Facet& facet(Lang lang) {
  // Built once, on first use, and never changed: safe to read from every thread.
  static const std::locale zh = catalogLocale(
      "zh", "CN", {detail::kzhCNCatalog, detail::kzhCNCatalogSize});
  static const std::locale en = catalogLocale("en", "", {detail::kenCatalog, detail::kenCatalogSize});
  return std::use_facet<Facet>(lang == Lang::En ? en : zh);
}

// The catalog's text for `code`, or nullptr.
const char* lookup(Lang lang, std::string_view code) {
  if (code.empty()) return nullptr;  // gettext's empty id is the catalog's header, not a text
  const std::string id(code);
  return facet(lang).get(0, nullptr, id.c_str());
}

bool startsWithWord(std::string_view value, std::string_view word) {
  if (!value.starts_with(word)) return false;
  if (value.size() == word.size()) return true;
  const char next = value[word.size()];
  return next == '-' || next == '_' || next == '.' || next == '@';
}

}  // namespace

const char* tag(Lang lang) noexcept { return lang == Lang::En ? "en" : "zh-CN"; }

std::optional<Lang> parseLang(std::string_view value) {
  std::string lower;
  for (char c : value) lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (startsWithWord(lower, "zh")) return Lang::ZhCN;
  if (startsWithWord(lower, "en")) return Lang::En;
  return std::nullopt;
}

LangChoice chooseLang(std::optional<std::string_view> flag) {
  LangChoice choice;
  const char* env = std::getenv("ZZJB_LANG");
  std::optional<std::string_view> asked = flag;
  if (!asked && env != nullptr && *env != '\0') asked = env;
  if (asked) {
    if (auto lang = parseLang(*asked)) {
      choice.lang = *lang;
    } else {
      choice.refused = true;
      choice.invalid = std::string(*asked);
    }
    return choice;
  }
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') continue;
    choice.lang = parseLang(value).value_or(Lang::ZhCN);
    break;
  }
  return choice;
}

Lang language() noexcept { return g_language.load(std::memory_order_relaxed); }
void setLanguage(Lang lang) noexcept { g_language.store(lang, std::memory_order_relaxed); }

std::string fill(std::string_view pattern, const Args& args) {
  std::string out;
  out.reserve(pattern.size() + 16);
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '{') {
      const std::size_t close = pattern.find('}', i + 1);
      if (close != std::string_view::npos) {
        const std::string_view name = pattern.substr(i + 1, close - i - 1);
        const Arg* found = nullptr;
        for (const auto& a : args) {
          if (a.name == name) found = &a;
        }
        if (found != nullptr) {
          out += found->value;
          i = close + 1;
          continue;
        }
        const Contact* contact = nullptr;
        for (const auto& c : kContacts) {
          if (c.name == name) contact = &c;
        }
        if (contact != nullptr) {
          out += contact->value;
          i = close + 1;
          continue;
        }
      }
    }
    out += pattern[i];
    ++i;
  }
  return out;
}

std::string text(Lang lang, std::string_view code, const Args& args) {
  const char* pattern = lookup(lang, code);
  if (pattern == nullptr) return std::string(code);
  return fill(pattern, args);
}

std::string text(std::string_view code, const Args& args) { return text(language(), code, args); }

bool has(std::string_view code) { return lookup(Lang::ZhCN, code) != nullptr; }

}  // namespace zzjb::msg
