// Reading the JSON configuration and the catalog file, checked at the edge: every problem is a
// Finding with its JSON path, and one broken school never hides the others.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
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
// The file is read as files::readFile does (a regular file, at most files::kMaxConfigBytes, not
// through a final link; a device or pipe is refused: FILE_*), then parsed by parseConfig.
[[nodiscard]] LoadedConfig loadConfig(const std::filesystem::path& file, const std::string& display);

// The configuration from its bytes, as if read from a file in `dir` (relative paths inside are
// resolved against it); opens no file. For tests and the fuzzer. Never throws for any input:
// JSON nested deeper than zzjb::json::kMaxDepth is JSON_TOO_DEEP, a number beyond a double
// (1e999) JSON_NUMBER_RANGE, both with the line; integers outside their range CONFIG_RANGE,
// a school id that is not a plain name CONFIG_SCHOOL_ID (the school is left out), a platform
// URL that is not https://HOST… CONFIG_BASE_URL. See docs/security.md.
[[nodiscard]] LoadedConfig parseConfig(std::string_view bytes, const std::filesystem::path& dir,
                                       const std::string& display);

// A catalog file in the platform's shape:
//   {"version", "items": [{"org": {...}, "occupations": [...]}]}
// and, when `zzjb catalog` wrote it, "date" (YYYY-MM-DD) and "withdrawn" (docs/catalog.md).
// Read at most files::kMaxCatalogBytes, a regular file only, then parsed by parseCatalog.
[[nodiscard]] Result<Catalog> loadCatalog(const std::filesystem::path& file,
                                          const std::string& display, std::vector<Finding>& warnings);

// The catalog from its bytes (tests, the fuzzer); opens no file; never throws. Levels are
// integers from 1 to 5 (CONFIG_RANGE otherwise).
[[nodiscard]] Result<Catalog> parseCatalog(std::string_view bytes, const std::string& display,
                                           std::vector<Finding>& warnings);

// The catalog file's text for `catalog` (docs/catalog.md): version, date, items and withdrawn,
// over the top-level keys of `previous` (the file being replaced; empty or unreadable: none), so
// that its `matters` and notes are kept. Never throws.
[[nodiscard]] std::string renderCatalog(const Catalog& catalog, std::string_view previous);

// A school id as config/zzjb.schema.json has it: 1 to 64 of [A-Za-z0-9._-], the first a letter
// or digit. So never empty, ".", "..", hidden, or holding a '/': an id names files and
// directories (forms, credentials).
[[nodiscard]] bool isValidSchoolId(std::string_view id);

// What is wrong with a platform base URL (nullopt: nothing): it must be https:// with a host,
// an optional port 1-65535 and path, and no user, query, fragment, space or control character.
// The problem comes as the catalog code of its text (CONFIG_BASE_URL.scheme, …).
[[nodiscard]] std::optional<std::string> baseUrlProblem(std::string_view url);

}  // namespace zzjb::config
