// A plugin's texts in both of zzjb's languages: tr("中文", "English") is the one the host chose.
//
// zzjb speaks Chinese unless asked otherwise (--lang en, ZZJB_LANG, the locale: docs/messages.md).
// The host tells a plugin its language once, after loading it and before init(), through the
// optional symbol `zzjb_plugin_set_language` that ZZJB_PLUGIN defines (export.hpp); a plugin
// built without it speaks Chinese. Every text a plugin returns (an Issue's message and hint, a
// Verdict's reason and hint, an Explanation, the TypeInfo's description and permissionRequest)
// is written with tr(), both languages side by side, as literals: the message lint
// (tests/unit/messages) accepts a literal of a plugin only as such a pair.
//
// Placeholders: tr(zh, en, {{"key", value}}) fills {key} in the chosen text. The host then fills
// the contact placeholders of zzjb's catalog — {centrePhone}, {shecaPhone}, {shecaSite} — in
// every text a plugin returns, so that a phone number is written once, in zzjb (docs/plugins.md).
// A placeholder neither fills stays as written.
//
// C++17, header only, no state shared with the host: each plugin has its own language.
#pragma once

#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zzjb::plugin {

enum class Language { ZhCN, En };

namespace detail {
inline Language& languageSlot() noexcept {
  static Language lang = Language::ZhCN;  // set once before init(), before any thread
  return lang;
}
}  // namespace detail

// The language the host chose ("en…" is English; anything else, or nothing, Chinese).
[[nodiscard]] inline Language language() noexcept { return detail::languageSlot(); }
inline void setLanguage(const char* tag) noexcept {
  detail::languageSlot() =
      tag != nullptr && std::strncmp(tag, "en", 2) == 0 ? Language::En : Language::ZhCN;
}

// One named value for a placeholder: {"key", value}.
struct TextArg {
  std::string name;
  std::string value;
};

// Fills {name} placeholders of `pattern` from `args`; any other {…} stays as written.
[[nodiscard]] inline std::string fillText(std::string_view pattern,
                                          const std::vector<TextArg>& args) {
  std::string out;
  out.reserve(pattern.size());
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '{') {
      const std::size_t close = pattern.find('}', i + 1);
      if (close != std::string_view::npos) {
        const std::string_view name = pattern.substr(i + 1, close - i - 1);
        const TextArg* found = nullptr;
        for (const auto& a : args) {
          if (a.name == name) found = &a;
        }
        if (found != nullptr) {
          out += found->value;
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

// The text in the host's language: `zh` (Chinese, zzjb's default) or `en` (English).
[[nodiscard]] inline std::string tr(std::string_view zh, std::string_view en) {
  return std::string(language() == Language::En ? en : zh);
}
[[nodiscard]] inline std::string tr(std::string_view zh, std::string_view en,
                                    const std::vector<TextArg>& args) {
  return fillText(language() == Language::En ? en : zh, args);
}

}  // namespace zzjb::plugin
