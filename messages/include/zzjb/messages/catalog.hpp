// The message catalog: every sentence zzjb shows a person, looked up by a stable ASCII code in
// the language of the process (Chinese unless asked otherwise). The texts live in GNU gettext
// catalogs (messages/po/<lang>/*.po), checked by msgfmt when zzjb is built and
// compiled into it; docs/messages.md says how to add or change one.
#pragma once

#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zzjb::msg {

enum class Lang { ZhCN, En };

// "zh-CN" or "en": the tag --json output and the HTML report's lang attribute carry.
[[nodiscard]] const char* tag(Lang lang) noexcept;

// "zh", "zh-CN", "zh_CN.UTF-8", "en", "en-US", "en_GB.UTF-8" …; nothing for anything else.
[[nodiscard]] std::optional<Lang> parseLang(std::string_view value);

// Which language a command speaks: --lang when given, else ZZJB_LANG, else the locale's
// (LC_ALL, LC_MESSAGES, LANG: the first that is set) when it is English or Chinese, else Chinese.
// `flag` and ZZJB_LANG must name a language (nothing when they do not); a locale that names
// neither (C, POSIX, de_DE) means Chinese.
struct LangChoice {
  Lang lang = Lang::ZhCN;
  bool refused = false;  // --lang or ZZJB_LANG names no language (an empty value included)
  std::string invalid;   // that value
};
[[nodiscard]] LangChoice chooseLang(std::optional<std::string_view> flag);

// The language of this process: set once by the command line before any thread starts.
[[nodiscard]] Lang language() noexcept;
void setLanguage(Lang lang) noexcept;

// One named value for a placeholder: {school}, {count} …
struct Arg {
  std::string name;
  std::string value;
  Arg(std::string n, std::string v) : name(std::move(n)), value(std::move(v)) {}
  Arg(std::string n, std::string_view v) : name(std::move(n)), value(v) {}
  Arg(std::string n, const char* v) : name(std::move(n)), value(v) {}
  template <std::integral T>
  Arg(std::string n, T v) : name(std::move(n)), value(std::to_string(v)) {}
};
using Args = std::vector<Arg>;

// The text of `code` with its placeholders filled in, in `lang` (or the process's language).
// A code the catalog does not have comes back as itself, so that it shows (and the catalog
// test names it) rather than vanishing.
[[nodiscard]] std::string text(Lang lang, std::string_view code, const Args& args = {});
[[nodiscard]] std::string text(std::string_view code, const Args& args = {});

// Whether the catalog has `code` (in both languages: the build refuses a catalog that does not).
[[nodiscard]] bool has(std::string_view code);

// A code with its arguments, for texts that are written now and shown later (stored reasons,
// report lines) or shown in more than one language.
struct Message {
  std::string code;
  Args args;
  [[nodiscard]] bool empty() const { return code.empty(); }
  [[nodiscard]] std::string str() const { return text(code, args); }
  [[nodiscard]] std::string str(Lang lang) const { return text(lang, code, args); }
};

// Fills {name} placeholders in `pattern` from `args`, and the contact placeholders
// ({centrePhone}, {shecaPhone}, {shecaSite}) with the notices' numbers; unknown ones are left as
// written.
[[nodiscard]] std::string fill(std::string_view pattern, const Args& args);

}  // namespace zzjb::msg
