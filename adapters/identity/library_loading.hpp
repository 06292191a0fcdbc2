// Loading a token vendor's library (a PKCS#11 module, an SKF library) as code, like a plugin:
// only from a trusted place, and exactly the file that was checked (docs/identity.md,
// "Token libraries are code"). Private to adapters/identity.
#pragma once

#include <boost/dll/shared_library.hpp>
#include <string>

#include "zzjb/core/finding.hpp"

namespace zzjb::identity::detail {

// Loads `path` (RTLD_NOW | RTLD_LOCAL) after checking, with files::openForLoading, the file and
// every directory up its path: owned by root or by the running user, writable by nobody else.
// The file is loaded through its checked descriptor (/proc/self/fd/N). A symbolic link (vendors
// install their modules behind one, e.g. /usr/lib/softhsm/libsofthsm2.so) is followed only when
// the link itself is owned by root or by us and its directory passes the same check, hop by hop.
//
// Refusals (configuration findings; an identity problem, exit 77, for the commands that open a
// key): KEY_MODULE_UNSAFE — someone else could change the code (the path, its owner or mode, and
// the chown/chmod to run); KEY_MODULE — missing, not a regular file, or the loader refused it
// (its reason, then `notLibraryHint`). `what` names the library in messages ("pkcs11 module").
[[nodiscard]] Result<boost::dll::shared_library> loadTokenLibrary(
    const std::string& path, const std::string& what, const std::string& notLibraryHint);

}  // namespace zzjb::identity::detail
