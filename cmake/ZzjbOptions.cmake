# Warnings and sanitizers as INTERFACE targets, linked PRIVATE by every zzjb target.
add_library(zzjb_warnings INTERFACE)
add_library(zzjb::warnings ALIAS zzjb_warnings)
target_compile_options(zzjb_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wconversion -Wsign-conversion -Wnull-dereference
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough -Wmisleading-indentation)
if(ZZJB_WARNINGS_AS_ERRORS)
  target_compile_options(zzjb_warnings INTERFACE -Werror)
endif()

add_library(zzjb_sanitizers INTERFACE)
add_library(zzjb::sanitizers ALIAS zzjb_sanitizers)
if(ZZJB_SANITIZE)
  list(JOIN ZZJB_SANITIZE "," _zzjb_san)
  target_compile_options(zzjb_sanitizers INTERFACE -fsanitize=${_zzjb_san} -fno-omit-frame-pointer
                         -fno-sanitize-recover=all)
  target_link_options(zzjb_sanitizers INTERFACE -fsanitize=${_zzjb_san})
endif()

# zzjb_component(name): what every zzjb library target gets.
function(zzjb_defaults target)
  target_link_libraries(${target} PRIVATE zzjb::warnings zzjb::sanitizers)
endfunction()
