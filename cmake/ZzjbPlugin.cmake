# zzjb_add_plugin(NAME sources...): a certification-type plugin, as zzjb loads it: a MODULE
# library `zzjb-NAME.so` with hidden visibility, built against zzjb::plugin_sdk, installed to
# lib/zzjb/plugins (the directory an installed zzjb scans). Used in the zzjb tree and, installed
# with the SDK, by out-of-tree plugins after find_package(zzjb).
set(ZZJB_PLUGIN_INSTALL_DIR "lib/zzjb/plugins" CACHE STRING
    "Where plugins are installed, relative to the prefix (zzjb scans <prefix>/lib/zzjb/plugins)")

function(zzjb_add_plugin name)
  set(target zzjb-${name})
  add_library(${target} MODULE ${ARGN})
  target_link_libraries(${target} PRIVATE zzjb::plugin_sdk)
  target_compile_features(${target} PRIVATE cxx_std_17)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "zzjb-${name}"
    CXX_EXTENSIONS OFF
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  install(TARGETS ${target} LIBRARY DESTINATION ${ZZJB_PLUGIN_INSTALL_DIR})
endfunction()
