// Reading the JSON configuration and the catalog file, checked at the edge: every problem is a
// Finding with its JSON path, and one broken school never hides the others.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "zzjb/core/config.hpp"
#include "zzjb/core/domain.hpp"
#include "zzjb/core/finding.hpp"

namespace zzjb::config {

struct LoadedConfig {
  std::optional<Config> config;  // nullopt: the file cannot be used at all (see findings)
  std::vector<Finding> findings;
};

// `display` names the file in messages (usually the path as given on the command line).
// Paths inside are resolved against the file's directory.
[[nodiscard]] LoadedConfig loadConfig(const std::filesystem::path& file, const std::string& display);

// A catalog file in the platform's shape: {"version", "items": [{"org": {...}, "occupations": [...]}]}.
[[nodiscard]] Result<Catalog> loadCatalog(const std::filesystem::path& file,
                                          const std::string& display, std::vector<Finding>& warnings);

}  // namespace zzjb::config
