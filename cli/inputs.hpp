// What every offline command reads first (the configuration, the catalog, each school's
// certificate, "today"): the application layer's inputs (zzjb/app/inputs.hpp), named here for
// the commands.
#pragma once

#include "zzjb/app/inputs.hpp"

namespace zzjb::cli {

using app::CertificateFacts;
using app::checkCaBundle;
using app::extensionOids;
using app::Inputs;
using app::loadInputs;
using app::loadPlugins;
using app::readRosters;
using app::readSchoolCertificate;
using app::todayFrom;

}  // namespace zzjb::cli
