// The plugin ABI number and the names of the two symbols every plugin exports.
//
// Boost.DLL promises no ABI stability, and the types below cross the boundary as C++ objects
// (std::string, std::vector): a plugin works only with a host built from the same SDK by a
// compatible compiler. The host reads `zzjb_plugin_abi_version` (a plain `extern "C"` number)
// before it calls anything in the plugin and refuses a plugin whose number differs from its own.
// Raise ZZJB_PLUGIN_ABI_VERSION whenever anything in zzjb/plugin/*.hpp changes layout or meaning.
//
// A third symbol is optional: `zzjb_plugin_set_language` (extern "C" void(const char*)), which the
// host calls with the language tag ("zh-CN", "en") after loading and before init() (text.hpp).
//
// ABI 2 (issue 14, docs/plugins.md "ABI 2"): a type owns its target's shape (TargetShape), its
// permission flow and texts, its declaration sheet (SheetColumn) and how it appears on the forms;
// verdicts have a kind (Expected exclusions are not problems); plugins see more of a student and
// of the school. ABI 1 plugins are refused with a message naming both numbers.
#pragma once

#include <cstdint>

#define ZZJB_PLUGIN_ABI_VERSION 2U

namespace zzjb::plugin {

inline constexpr std::uint32_t kAbiVersion = ZZJB_PLUGIN_ABI_VERSION;
inline constexpr const char* kAbiSymbol = "zzjb_plugin_abi_version";  // extern "C" std::uint32_t
inline constexpr const char* kFactoryAlias = "zzjb_create_plugin";    // BOOST_DLL_ALIAS
inline constexpr const char* kLanguageSymbol = "zzjb_plugin_set_language";  // optional, extern "C"

}  // namespace zzjb::plugin
