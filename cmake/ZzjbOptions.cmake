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

# Test code in an address/undefined-behaviour sanitizer build: compiled without instrumentation,
# linked with the sanitizer runtime. The sanitizers are there to check zzjb (its libraries and
# binaries, which the tests link or run, are instrumented); instrumenting the tests' own fixtures
# and gtest's assertion templates doubled the ASan build's compile time (tests/README.md). A
# ThreadSanitizer build instruments everything: locks taken in uninstrumented code would make
# it report races that are not there.
add_library(zzjb_test_sanitizers INTERFACE)
if(ZZJB_SANITIZE)
  if("thread" IN_LIST ZZJB_SANITIZE)
    target_link_libraries(zzjb_test_sanitizers INTERFACE zzjb_sanitizers)
  else()
    # Link options only: the tests' code compiles exactly as in the dev build, so ccache compiles
    # it once for both builds (tests/README.md, "CI"). A test that must know whether it runs under ASan asks
    # the loaded program (zzjb::test::underAsan, tests/support/test_support.hpp), and the paths
    # of this build reach tests through zzjb_test_paths (tests/CMakeLists.txt), not -D.
    target_link_options(zzjb_test_sanitizers INTERFACE -fsanitize=${_zzjb_san})
  endif()
endif()

# zzjb_test_defaults(target): what every test program and test fixture gets.
function(zzjb_test_defaults target)
  target_link_libraries(${target} PRIVATE zzjb::warnings zzjb_test_sanitizers)
endfunction()

# Debug information in Debug builds: "full" (-g, the default: variables and types for a
# debugger) or "lines" (-g1: line tables only, enough for backtraces, gdb's stepping by line and
# sanitizer reports). scripts/test.sh under CI takes "lines": a fifth less compile time for every
# source, and smaller objects to link.
set(ZZJB_DEBUG_INFO "full" CACHE STRING "Debug information in Debug builds: full (-g) or lines (-g1)")
set_property(CACHE ZZJB_DEBUG_INFO PROPERTY STRINGS full lines)
if(ZZJB_DEBUG_INFO STREQUAL "lines")
  string(REGEX REPLACE "(^| )-g( |$)" "\\1-g1\\2" CMAKE_CXX_FLAGS_DEBUG "${CMAKE_CXX_FLAGS_DEBUG}")
elseif(NOT ZZJB_DEBUG_INFO STREQUAL "full")
  message(FATAL_ERROR "ZZJB_DEBUG_INFO is full or lines, not '${ZZJB_DEBUG_INFO}'")
endif()

# zzjb_component(name): what every zzjb library target gets.
function(zzjb_defaults target)
  target_link_libraries(${target} PRIVATE zzjb::warnings zzjb::sanitizers)
endfunction()

# Compile through ccache when it is installed (scripts/deps.sh installs it): a second build of the
# same sources — the asan run after the dev run shares nothing, but a rebuild or another clone of
# the same commit does — costs seconds. Paths are made relative to the source tree so that clones
# in different folders share the cache.
option(ZZJB_CCACHE "Compile through ccache when it is installed" ON)
if(ZZJB_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(ZZJB_CCACHE_PROGRAM ccache)
  if(ZZJB_CCACHE_PROGRAM)
    # pch_defines,time_macros: what ccache needs to cache sources compiled with a precompiled
    # header (cmake/ZzjbPch.cmake; g++ also gets -fpch-preprocess there).
    set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}
        CCACHE_NOHASHDIR=true CCACHE_SLOPPINESS=pch_defines,time_macros ${ZZJB_CCACHE_PROGRAM})
  endif()
endif()

# Link with a faster linker than GNU ld when the compiler takes it (scripts/deps.sh installs
# lld): about thirty test programs link the static libraries with their debug information, and
# GNU ld spends seconds on each. ZZJB_LINKER= (empty) keeps the compiler's default.
set(ZZJB_LINKER "lld" CACHE STRING "Linker passed as -fuse-ld= (lld, mold, gold; empty: default)")
if(ZZJB_LINKER)
  include(CheckLinkerFlag)
  check_linker_flag(CXX -fuse-ld=${ZZJB_LINKER} ZZJB_HAVE_LINKER_${ZZJB_LINKER})
  if(ZZJB_HAVE_LINKER_${ZZJB_LINKER})
    add_link_options(-fuse-ld=${ZZJB_LINKER})
  else()
    message(STATUS "-fuse-ld=${ZZJB_LINKER} does not link here: the compiler's default linker")
  endif()
endif()

# zzjb_unity(target): the target's sources compiled as unity builds (a few sources per
# translation unit), so that the headers and the nlohmann/json and gtest templates they
# instantiate are compiled once per batch, not once per source. Only for targets whose sources
# share no file-local names (an anonymous-namespace helper defined in two sources breaks it, or
# worse, two overloads of one name silently pick each other's: rename the helper, or list one of
# the two sources after APART, compiled on its own). -DZZJB_UNITY=OFF builds every source on its
# own. zzjb_unity(target [APART sources...]), called in the target's directory.
option(ZZJB_UNITY "Unity builds for the targets marked with zzjb_unity()" ON)
function(zzjb_unity target)
  cmake_parse_arguments(A "" "" "APART" ${ARGN})
  if(ZZJB_UNITY)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
    if(A_APART)
      set_source_files_properties(${A_APART} PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
    endif()
  endif()
endfunction()
