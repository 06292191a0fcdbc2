# Precompiled headers (g++ only): the standard library headers most sources include and
# nlohmann/json are parsed once per build, not once per translation unit; the tests' header adds
# gtest. One object library per header builds it (zzjb_pch, zzjb_test_pch) and the targets
# REUSE_FROM it, so a build makes two .gch files, not one per target. g++ refuses a .gch built
# with other -f/-O/sanitizer settings (-fPIC included), so only targets with the host's flags
# reuse it: zzjb_precompile() below (a third host builds it -fPIC for the position-independent
# targets). Off with -DZZJB_PCH=OFF (e.g. to check that every source includes what it uses).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set(_zzjb_pch_default ON)
else()
  set(_zzjb_pch_default OFF)
endif()
option(ZZJB_PCH "Precompile the common headers (g++)" ${_zzjb_pch_default})

set(ZZJB_PCH_HEADERS
  <algorithm> <array> <chrono> <cstddef> <cstdint> <cstdio> <cstdlib> <cstring> <expected>
  <filesystem> <functional> <map> <memory> <optional> <span> <string> <string_view>
  <system_error> <utility> <vector>
  <nlohmann/json.hpp>)

# _zzjb_pch_host(name headers...): an object library compiling one empty source, whose only
# product is the precompiled header.
function(_zzjb_pch_host name)
  cmake_parse_arguments(A "TEST" "" "" ${ARGN})
  add_library(${name} OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch.cpp)
  target_precompile_headers(${name} PRIVATE ${A_UNPARSED_ARGUMENTS})
  if(A_TEST)
    zzjb_test_defaults(${name})  # compiled as the tests are (ZzjbOptions.cmake)
  else()
    zzjb_defaults(${name})
  endif()
  # ccache (ZzjbOptions.cmake) caches a source compiled with a .gch when g++ names the .gch in
  # its preprocessed output.
  target_compile_options(${name} PUBLIC -fpch-preprocess)
endfunction()

if(ZZJB_PCH)
  _zzjb_pch_host(zzjb_pch ${ZZJB_PCH_HEADERS})
  target_link_libraries(zzjb_pch PRIVATE nlohmann_json::nlohmann_json)
  # The same header built -fPIC, for the position-independent targets (zzjb_core).
  _zzjb_pch_host(zzjb_pch_pic ${ZZJB_PCH_HEADERS})
  target_link_libraries(zzjb_pch_pic PRIVATE nlohmann_json::nlohmann_json)
  set_target_properties(zzjb_pch_pic PROPERTIES POSITION_INDEPENDENT_CODE ON)
endif()

# zzjb_precompile(target [TEST]): the target's sources start with the shared precompiled header
# (TEST: the one with gtest too, compiled as the tests are: zzjb_test_defaults). A target with POSITION_INDEPENDENT_CODE gets the -fPIC one
# (not with TEST: no test is position independent).
function(zzjb_precompile target)
  if(NOT ZZJB_PCH)
    return()
  endif()
  cmake_parse_arguments(A "TEST" "" "" ${ARGN})
  get_target_property(pic ${target} POSITION_INDEPENDENT_CODE)
  if(A_TEST)
    set(host zzjb_test_pch)
  elseif(pic)
    set(host zzjb_pch_pic)
  else()
    set(host zzjb_pch)
  endif()
  target_precompile_headers(${target} REUSE_FROM ${host})
  target_compile_options(${target} PRIVATE -fpch-preprocess)
endfunction()

# Called once GTest is found (tests/CMakeLists.txt).
function(zzjb_test_pch_host)
  if(ZZJB_PCH)
    _zzjb_pch_host(zzjb_test_pch TEST ${ZZJB_PCH_HEADERS} <gtest/gtest.h>)
    target_link_libraries(zzjb_test_pch PRIVATE nlohmann_json::nlohmann_json GTest::gtest)
  endif()
endfunction()
