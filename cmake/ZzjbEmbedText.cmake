# cmake -DINPUT=/…/config/zzjb.schema.json -DLABEL=config/zzjb.schema.json -DOUTPUT=x.cpp
#       -DNAMESPACE=zzjb::cli -DFUNCTION=coreSchemaText -DHEADER=core_schema.hpp -P ZzjbEmbedText.cmake
# A text file built into the program as a raw string literal, returned by
# `std::string_view NAMESPACE::FUNCTION()`: the bytes are the file's (a test compares), and
# nothing is read from a path at run time that an installed or a build-tree zzjb may not have.
file(READ "${INPUT}" text)
set(delimiter "zzjb_embedded")
if(text MATCHES "\\)${delimiter}\"")
  message(FATAL_ERROR "${INPUT} contains the raw string's end )${delimiter}\": pick another delimiter")
endif()
if(text MATCHES "\r")
  message(FATAL_ERROR "${INPUT} has a carriage return, which a raw string literal does not keep")
endif()
string(LENGTH "${text}" length)
set(content "// Generated from ${LABEL} by cmake/ZzjbEmbedText.cmake: do not edit.
#include \"${HEADER}\"

namespace ${NAMESPACE} {

std::string_view ${FUNCTION}() {
  static constexpr std::string_view kText = R\"${delimiter}(${text})${delimiter}\";
  static_assert(kText.size() == ${length});
  return kText;
}

}  // namespace ${NAMESPACE}
")
# Written only when changed, so that an unchanged file does not recompile.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
  if(old STREQUAL content)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${content}")
