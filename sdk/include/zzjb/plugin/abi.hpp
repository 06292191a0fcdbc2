// The plugin ABI number and the names of the two symbols every plugin exports.
//
// Boost.DLL promises no ABI stability, and the types below cross the boundary as C++ objects
// (std::string, std::vector): a plugin works only with a host built from the same SDK by a
// compatible compiler. The host reads `zzjb_plugin_abi_version` (a plain `extern "C"` number)
// before it calls anything in the plugin and refuses a plugin whose number differs from its own.
// Raise ZZJB_PLUGIN_ABI_VERSION whenever anything in zzjb/plugin/*.hpp changes layout or meaning.
//
// A third symbol is optional (an addition, not a change: ABI 1 plugins without it still load):
// `zzjb_plugin_set_language` (extern "C" void(const char*)), which the host calls with the
// language tag ("zh-CN", "en") after loading and before init() (text.hpp).
#pragma once

#include <cstdint>

#define ZZJB_PLUGIN_ABI_VERSION 1U

namespace zzjb::plugin {

inline constexpr std::uint32_t kAbiVersion = ZZJB_PLUGIN_ABI_VERSION;
inline constexpr const char* kAbiSymbol = "zzjb_plugin_abi_version";  // extern "C" std::uint32_t
inline constexpr const char* kFactoryAlias = "zzjb_create_plugin";    // BOOST_DLL_ALIAS
inline constexpr const char* kLanguageSymbol = "zzjb_plugin_set_language";  // optional, extern "C"

}  // namespace zzjb::plugin
