// Reading the platform's catalog for `zzjb catalog sync` (docs/catalog.md): GET
// /api/v1/skills/catalog needs a session (docs/platform-api.md, "Sessions"), so one school's key
// is opened and that school logs in, through the same key opening and client as a pass.
#pragma once

#include <expected>
#include <variant>

#include "zzjb/core/config.hpp"
#include "zzjb/core/date.hpp"
#include "zzjb/core/domain.hpp"
#include "zzjb/core/finding.hpp"
#include "zzjb/core/platform.hpp"

namespace zzjb::app {

// Why the catalog could not be read: the school's key or the platform settings (a Finding), or
// the platform's answer (a PlatformFailure, with the endpoint).
using CatalogFetchError = std::variant<Finding, PlatformFailure>;

// Logs in as `school` and reads the platform's catalog. Never throws.
[[nodiscard]] std::expected<Catalog, CatalogFetchError> fetchPlatformCatalog(const Config& config,
                                                                            const School& school,
                                                                            const Date& today);

}  // namespace zzjb::app
