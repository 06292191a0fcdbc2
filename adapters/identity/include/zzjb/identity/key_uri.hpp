// The school's `identity.key`: which key source, and where in it. Parsed once, at the edge.
//   file:keys/school.key                       PEM (plain or encrypted with the PIN) or PKCS#12
//   pkcs11:token=zzjb;object=school?module-path=/usr/lib/softhsm/libsofthsm2.so   (RFC 7512)
//   skf:lib=/opt/key/libskf.so;dev=USBKey0;app=SHECA;container=SIGN       (GM/T 0016)
#pragma once

#include <filesystem>
#include <string>
#include <variant>

#include "zzjb/core/finding.hpp"

namespace zzjb::identity {

struct FileKeyUri {
  std::string path;  // resolved against the config directory
};

struct Pkcs11KeyUri {
  std::string modulePath;  // query attribute module-path (required here)
  std::string token;       // path attribute token (label)
  std::string object;      // path attribute object (CKA_LABEL)
  std::string id;          // path attribute id, percent-decoded bytes (CKA_ID), optional
  std::string pinSource;   // query attribute pin-source (file: URI or path), optional
};

struct SkfKeyUri {
  std::string lib;        // the vendor's SKF library
  std::string dev;        // device name; empty: the first one
  std::string app;        // application name; empty: the first one
  std::string container;  // container name; empty: the first one
};

using KeyUri = std::variant<FileKeyUri, Pkcs11KeyUri, SkfKeyUri>;

// Errors: unknown scheme, missing attribute, pin-value (a PIN must never be in the URI).
// Relative paths (file:, module-path, lib) are resolved against `baseDir`.
[[nodiscard]] Result<KeyUri> parseKeyUri(const std::string& uri, const std::filesystem::path& baseDir);

// The URI without anything secret, for messages.
[[nodiscard]] std::string describeKeyUri(const KeyUri& uri);

}  // namespace zzjb::identity
