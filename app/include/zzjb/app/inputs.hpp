// What every offline command reads first: the configuration, the catalog, each school's
// certificate, and "today" (Asia/Shanghai, or --today for rehearsals and tests).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "zzjb/core/config.hpp"
#include "zzjb/core/date.hpp"
#include "zzjb/core/domain.hpp"
#include "zzjb/core/eligibility.hpp"
#include "zzjb/core/finding.hpp"
#include "zzjb/identity/certificate.hpp"
#include "zzjb/plugin_host/host.hpp"

namespace zzjb::app {

struct Inputs {
  std::optional<Config> config;
  std::optional<Catalog> catalog;
  std::vector<Finding> findings;  // from the config and the catalog
};

[[nodiscard]] Inputs loadInputs(const std::string& configPath);

struct CertificateFacts {
  bool configured = false;
  std::optional<identity::CertificateInfo> info;  // when it could be read
  std::string keyId;                              // the one to use: pinned, else the certificate's
  long daysLeft = 0;
};

// Reads the school's certificate if one is configured; problems become findings.
[[nodiscard]] identity::ExtensionOids extensionOids(const Config& config);

[[nodiscard]] CertificateFacts readSchoolCertificate(const School& school, const Date& today,
                                                     const identity::ExtensionOids& oids,
                                                     std::vector<Finding>& findings);

// platform.caBundle, when configured, read as a pass will need it: a regular file of at most
// files::kMaxCertificateBytes holding at least one PEM certificate. Otherwise a configuration
// error CA_BUNDLE_UNREADABLE at $.platform.caBundle that says why and what to do
// (docs/security.md).
[[nodiscard]] std::optional<Finding> checkCaBundle(const Config& config);

// The school's rosters, each read by the reader its extension calls for.
[[nodiscard]] std::vector<RosterInput> readRosters(const School& school);

// Loads the certification-type plugins for a configuration (nullptr: none read): its plugins.dir,
// then next to zzjb, then the installed directory. Refused plugins become warnings in `findings`.
void loadPlugins(plugin_host::Host& host, const Config* config, std::vector<Finding>& findings);

// --today YYYY-MM-DD, else today's date in Asia/Shanghai. nullopt (with `error`) if malformed.
[[nodiscard]] std::optional<Date> todayFrom(const std::optional<std::string>& arg, std::string& error);

}  // namespace zzjb::app
