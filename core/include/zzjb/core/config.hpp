// The configuration, typed: what the JSON file says once it has been checked at the edge.
#pragma once

#include <string>
#include <vector>

#include "zzjb/core/domain.hpp"

namespace zzjb {

struct Config {
  std::string file;        // the config file as named on the command line
  std::string dir;         // its directory: relative paths in it are resolved against this
  PlatformConfig platform;
  std::string statePath;
  std::string pluginsDir;
  std::string catalogPath;     // resolved; empty when not configured
  std::string catalogDisplay;  // as written
  std::string schedule;
  // PEM files of the CAs that issue schools' certificates (SHECA's roots): the chain every
  // certificate must reach, as the platform checks it.
  std::vector<std::string> trustedCAs;
  // Where the keyID and the 统一社会信用代码 live in a school certificate (SHECA's private
  // extensions, UTF8String); configurable in case the issuer moves them.
  std::string keyIdOid = "1.2.156.112570.11.205";
  std::string creditCodeOid = "1.2.156.112570.11.210";
  std::vector<School> schools;  // the schools that could be read; broken ones are findings
};

}  // namespace zzjb
