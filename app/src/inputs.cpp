// Reading the offline inputs for the commands.
#include "zzjb/app/inputs.hpp"

#include <ctime>
#include <filesystem>

#include "zzjb/config/loader.hpp"
#include "zzjb/core/clock.hpp"
#include "zzjb/files/files.hpp"
#include "zzjb/identity/verify.hpp"
#include "zzjb/roster/readers.hpp"

namespace zzjb::app {

Inputs loadInputs(const std::string& configPath) {
  Inputs in;
  auto loaded = config::loadConfig(configPath, configPath);
  in.findings = std::move(loaded.findings);
  in.config = std::move(loaded.config);
  if (!in.config || in.config->catalogPath.empty()) return in;
  auto cat = config::loadCatalog(in.config->catalogPath, in.config->catalogPath, in.findings);
  if (cat) {
    in.catalog = std::move(*cat);
    return in;
  }
  Finding f = cat.error();
  f.where.jsonPath = f.where.jsonPath.empty() ? "" : f.where.jsonPath;
  f.hint += (f.hint.empty() ? "" : "; ") +
            std::string("evaluation organisations are not checked until the catalog can be read");
  in.findings.push_back(std::move(f));
  return in;
}

void loadPlugins(plugin_host::Host& host, const Config* config, std::vector<Finding>& findings) {
  host.scan(plugin_host::searchDirs(config == nullptr ? "" : config->pluginsDir));
  for (const auto& f : host.files()) {
    if (f.loaded) continue;
    Finding w;
    w.severity = Severity::Warning;
    w.kind = FindingKind::Config;
    w.code = f.refusalCode;
    w.where.file = f.path.string();
    w.message = "plugin refused: " + f.refusal;
    w.hint = "`zzjb plugins -c CONFIG` lists every plugin file and what became of it";
    findings.push_back(std::move(w));
  }
  bool configuredDirMissing = config != nullptr && !config->pluginsDir.empty() &&
                              !host.dirs().empty() && !host.dirs().front().exists;
  if (host.registry().types().empty()) {
    Finding w;
    w.severity = Severity::Warning;
    w.kind = FindingKind::Config;
    w.code = "PLUGINS_NONE";
    w.where.jsonPath = configuredDirMissing ? "$.plugins.dir" : "";
    std::string where;
    for (const auto& d : host.dirs()) {
      where += (where.empty() ? "" : ", ") + d.path.string() + (d.exists ? "" : " (not there)");
    }
    w.message = "no certification-type plugin was loaded (looked in " + where + ")";
    w.hint = "build or install the plugins, or set \"plugins\": {\"dir\": …} to where they are";
    findings.push_back(std::move(w));
  }
}

identity::ExtensionOids extensionOids(const Config& config) {
  return {config.keyIdOid, config.creditCodeOid};
}

CertificateFacts readSchoolCertificate(const School& school, const Date& today,
                                       const identity::ExtensionOids& oids,
                                       std::vector<Finding>& findings) {
  CertificateFacts facts;
  facts.keyId = school.identity.keyId;
  if (school.identity.certificate.empty()) return facts;
  facts.configured = true;
  auto cert = identity::readCertificate(school.identity.certificate, school.identity.certificate,
                                        oids);
  auto push = [&](Severity sev, std::string code, std::string message, std::string hint) {
    Finding f;
    f.severity = sev;
    f.kind = FindingKind::Config;
    f.code = std::move(code);
    f.where = {school.identity.certificate, 0, "", ""};
    f.message = std::move(message);
    f.hint = std::move(hint);
    f.school = school.id;
    findings.push_back(std::move(f));
  };
  if (!cert) {
    Finding f = cert.error();
    f.school = school.id;
    f.severity = Severity::Warning;  // offline work goes on; the online pass needs it
    findings.push_back(std::move(f));
    return facts;
  }
  facts.info = *cert;
  std::tm tm{};
  tm.tm_year = today.year - 1900;
  tm.tm_mon = today.month - 1;
  tm.tm_mday = today.day;
  tm.tm_hour = 12;
  facts.daysLeft = identity::daysLeft(*cert, timegm(&tm));
  if (facts.keyId.empty()) {
    facts.keyId = cert->keyId;
  } else if (!cert->keyId.empty() && cert->keyId != facts.keyId) {
    push(Severity::Error, "KEYID_MISMATCH",
         "the keyID pinned in the configuration differs from the certificate's (" + cert->keyId + ")",
         "remove \"keyId\" from the configuration or correct it: the platform refuses a mismatch");
  }
  if (!cert->creditCode.empty() && cert->creditCode != school.creditCode) {
    push(Severity::Error, "CERT_OTHER_ENTITY",
         "the certificate is issued to 统一社会信用代码 " + cert->creditCode + ", not to this school (" +
             school.creditCode + ")",
         "configure this school's own 法人一证通 certificate, or correct \"creditCode\"");
  }
  if (cert->keyId.empty() && school.identity.keyId.empty()) {
    push(Severity::Warning, "KEYID_MISSING", "the certificate has no keyID extension",
         "check it is the signing certificate of the school's 法人一证通 (协卡助手 → 证书管理)");
  }
  if (facts.daysLeft < 0) {
    push(Severity::Warning, "CERT_EXPIRED", "the certificate expired on " +
                                                identity::shanghaiDate(cert->notAfter),
         "renew the 法人一证通 at SHECA (021-962600) before the next pass");
  } else if (facts.daysLeft <= 30) {
    push(Severity::Warning, "CERT_EXPIRING",
         "the certificate expires in " + std::to_string(facts.daysLeft) + " days (" +
             identity::shanghaiDate(cert->notAfter) + ")",
         "renew the 法人一证通 at SHECA (021-962600) in time");
  }
  return facts;
}

std::optional<Finding> checkCaBundle(const Config& config) {
  const std::string& path = config.platform.caBundle;
  if (path.empty()) return std::nullopt;
  Finding f = configFinding(
      "CA_BUNDLE_UNREADABLE", "",
      "point platform.caBundle at the PEM file of the CAs the platform's certificate chains to "
      "(for zzjb-mock: the cert.pem it writes with --tls-out), readable by the zzjb user");
  f.where = {config.file, 0, "", "$.platform.caBundle"};
  // Read as every file is (docs/security.md, rule 3); its content is never shown (rule 4).
  auto bytes = files::readFile(path, {files::kMaxCertificateBytes, "CA bundle"});
  if (!bytes) {
    f.message = path + ": " + bytes.error().message +
                ": zzjb run cannot verify the platform's TLS certificate";
    return f;
  }
  if (identity::countPemCertificates(*bytes) == 0) {
    f.message = path +
                " holds no PEM certificate: zzjb run cannot verify the platform's TLS "
                "certificate";
    return f;
  }
  return std::nullopt;
}

std::vector<RosterInput> readRosters(const School& school) {
  std::vector<RosterInput> out;
  for (std::size_t i = 0; i < school.rosters.size(); ++i) {
    const std::string& path = school.rosters[i];
    auto reader = roster::readerFor(path);
    if (!reader) {
      Finding f;
      f.kind = FindingKind::Config;
      f.code = "ROSTER_FORMAT";
      f.where.file = path;
      f.message = "not a roster format zzjb reads (.csv or .xlsx)";
      f.hint = "save it from Excel or WPS as .xlsx, or as \"CSV UTF-8(逗号分隔)\"";
      out.push_back({path, std::unexpected(f)});
      continue;
    }
    // Only a path with nothing at it is "not found"; a link, a device or a FIFO is refused by the
    // reader with its own reason (files::readFile, docs/architecture.md "Rosters in bounded
    // memory"), without a byte of it read.
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
      Finding f;
      f.kind = FindingKind::Config;
      f.code = "ROSTER_MISSING";
      f.where.file = path;
      f.where.jsonPath = school.jsonPath + ".rosters[" + std::to_string(i) + "]";
      f.message = "roster file not found";
      f.hint = "check the path; it is relative to the configuration file";
      out.push_back({path, std::unexpected(f)});
      continue;
    }
    out.push_back({path, reader->read(path, path)});
  }
  return out;
}

std::optional<Date> todayFrom(const std::optional<std::string>& arg, std::string& error) {
  if (arg) {
    auto d = Date::parseIso(*arg);
    if (!d) error = "--today wants a date as YYYY-MM-DD, got \"" + *arg + "\"";
    return d;
  }
  return SystemClock().today();
}

}  // namespace zzjb::app
