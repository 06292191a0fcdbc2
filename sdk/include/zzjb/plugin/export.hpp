// Exports a Policy as a zzjb plugin: ZZJB_PLUGIN(MyPolicy) once, in one source file of the plugin.
//
// It defines the two symbols the host looks for: `zzjb_plugin_abi_version` (extern "C", read
// before anything is called) and the factory under the stable alias `zzjb_create_plugin`
// (BOOST_DLL_ALIAS); and the optional `zzjb_plugin_set_language` (extern "C"), through which the
// host gives the plugin its language before init() (tr(), text.hpp). The factory catches everything and returns nullptr on failure, so that no
// exception leaves the plugin; the policy's constructor should not fail anyway.
#pragma once

#include <boost/dll/alias.hpp>
#include <cstdint>
#include <memory>

#include "zzjb/plugin/abi.hpp"
#include "zzjb/plugin/api.hpp"
#include "zzjb/plugin/text.hpp"

#define ZZJB_PLUGIN(PolicyClass)                                                               \
  extern "C" BOOST_SYMBOL_EXPORT const std::uint32_t zzjb_plugin_abi_version;                  \
  extern "C" BOOST_SYMBOL_EXPORT const std::uint32_t zzjb_plugin_abi_version =                 \
      ZZJB_PLUGIN_ABI_VERSION;                                                                 \
  extern "C" BOOST_SYMBOL_EXPORT void zzjb_plugin_set_language(const char* tag) noexcept;      \
  extern "C" BOOST_SYMBOL_EXPORT void zzjb_plugin_set_language(const char* tag) noexcept {     \
    ::zzjb::plugin::setLanguage(tag);                                                          \
  }                                                                                            \
  namespace zzjb_plugin_export {                                                               \
  inline std::unique_ptr<::zzjb::plugin::CertificationType> create() {                         \
    try {                                                                                      \
      return std::make_unique<::zzjb::plugin::Guarded<PolicyClass>>();                         \
    } catch (...) {                                                                            \
      return nullptr;                                                                          \
    }                                                                                          \
  }                                                                                            \
  }                                                                                            \
  BOOST_DLL_ALIAS(zzjb_plugin_export::create, zzjb_create_plugin)
