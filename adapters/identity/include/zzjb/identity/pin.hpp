// Where a school's PIN comes from: an environment variable, a file (mode 0600 or stricter), a
// systemd credential ($CREDENTIALS_DIRECTORY/NAME), or a prompt on the terminal. Never the config.
#pragma once

#include <string>

#include "zzjb/core/domain.hpp"
#include "zzjb/core/finding.hpp"
#include "zzjb/identity/secret.hpp"

namespace zzjb::identity {

// Reads the PIN. Errors (kind Config, codes PIN_*): nothing configured, the variable unset or
// empty, a file others can read (PIN_FILE_MODE, with the chmod to run), no credential directory,
// a prompt without a terminal. `school` names the school in messages.
[[nodiscard]] Result<Secret> readPin(const PinSource& source, const std::string& school);

}  // namespace zzjb::identity

namespace zzjb::identity {

// The PIN source to use for a key: the configured one, else a PKCS#11 URI's pin-source
// (a file: URI or a path, with the same mode check as pin.file).
[[nodiscard]] PinSource effectivePinSource(const PinSource& configured, const std::string& pkcs11PinSource);

}  // namespace zzjb::identity
