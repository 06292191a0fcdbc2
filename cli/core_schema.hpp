// The core's JSON schema of the configuration file, config/zzjb.schema.json, byte for byte as
// built into zzjb (cmake/ZzjbEmbedText.cmake): `zzjb plugins --schema` extends it with the loaded
// types' target schemas (docs/plugins.md).
#pragma once

#include <string_view>

namespace zzjb::cli {

[[nodiscard]] std::string_view coreSchemaText();

}  // namespace zzjb::cli
