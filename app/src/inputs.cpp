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
  f.hint = f.hint.empty() ? msg::text("run.inputs.catalog_unread")
                          : msg::text("run.inputs.catalog_unread.after", {{"hint", f.hint}});
  in.findings.push_back(std::move(f));
  return in;
}

void loadPlugins(plugin_host::Host& host, const Config* config, std::vector<Finding>& findings) {
  host.scan(plugin_host::searchDirs(config == nullptr ? "" : config->pluginsDir));
  for (const auto& f : host.files()) {
    if (f.loaded) continue;
    Finding w = makeFinding(Severity::Warning, FindingKind::Config, f.refusalCode,
                            {f.path.string(), 0, "", ""},
                            {{"refusal", f.refusal},
                             {"config", config == nullptr ? std::string("CONFIG") : config->file}},
                            "PLUGIN_REFUSED.inputs");
    findings.push_back(std::move(w));
  }
  bool configuredDirMissing = config != nullptr && !config->pluginsDir.empty() &&
                              !host.dirs().empty() && !host.dirs().front().exists;
  if (host.registry().types().empty()) {
    std::string where;
    for (const auto& d : host.dirs()) {
      if (!where.empty()) where += msg::text("run.inputs.list_separator");
      where += d.exists ? d.path.string()
                        : msg::text("run.inputs.dir_missing", {{"path", d.path.string()}});
    }
    Finding w = makeFinding(Severity::Warning, FindingKind::Config, "PLUGINS_NONE",
                            {"", 0, "", configuredDirMissing ? "$.plugins.dir" : ""},
                            {{"dirs", where}}, "PLUGINS_NONE.inputs");
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
  auto push = [&](Severity sev, std::string code, std::string_view textCode, msg::Args args) {
    Finding f = makeFinding(sev, FindingKind::Config, std::move(code),
                            {school.identity.certificate, 0, "", ""}, std::move(args), textCode);
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
    push(Severity::Error, "KEYID_MISMATCH", "KEYID_MISMATCH.inputs", {{"keyId", cert->keyId}});
  }
  if (!cert->creditCode.empty() && cert->creditCode != school.creditCode) {
    push(Severity::Error, "CERT_OTHER_ENTITY", "CERT_OTHER_ENTITY.inputs",
         {{"certificate", cert->creditCode}, {"school", school.creditCode}});
  }
  if (cert->keyId.empty() && school.identity.keyId.empty()) {
    push(Severity::Warning, "KEYID_MISSING", "KEYID_MISSING.inputs", {});
  }
  if (facts.daysLeft < 0) {
    push(Severity::Warning, "CERT_EXPIRED", "CERT_EXPIRED.inputs",
         {{"date", identity::shanghaiDate(cert->notAfter)}});
  } else if (facts.daysLeft <= 30) {
    push(Severity::Warning, "CERT_EXPIRING", "CERT_EXPIRING.inputs",
         {{"days", facts.daysLeft}, {"date", identity::shanghaiDate(cert->notAfter)}});
  }
  return facts;
}

std::optional<Finding> checkCaBundle(const Config& config) {
  const std::string& path = config.platform.caBundle;
  if (path.empty()) return std::nullopt;
  const Location at{config.file, 0, "", "$.platform.caBundle"};
  // Read as every file is (docs/security.md, rule 3); its content is never shown (rule 4).
  const std::string what = msg::text("run.inputs.ca_bundle");
  auto bytes = files::readFile(path, {files::kMaxCertificateBytes, what});
  if (!bytes) {
    return makeFinding(Severity::Error, FindingKind::Config, "CA_BUNDLE_UNREADABLE", at,
                       {{"path", path}, {"error", bytes.error().message}},
                       "CA_BUNDLE_UNREADABLE.read");
  }
  if (identity::countPemCertificates(*bytes) == 0) {
    return makeFinding(Severity::Error, FindingKind::Config, "CA_BUNDLE_UNREADABLE", at,
                       {{"path", path}}, "CA_BUNDLE_UNREADABLE.empty");
  }
  return std::nullopt;
}

std::vector<RosterInput> readRosters(const School& school) {
  std::vector<RosterInput> out;
  for (std::size_t i = 0; i < school.rosters.size(); ++i) {
    const std::string& path = school.rosters[i];
    auto reader = roster::readerFor(path);
    if (!reader) {
      Finding f = makeFinding(Severity::Error, FindingKind::Config, "ROSTER_FORMAT",
                              {path, 0, "", ""}, {}, "ROSTER_FORMAT.inputs");
      out.push_back({path, std::unexpected(f)});
      continue;
    }
    // Only a path with nothing at it is "not found"; a link, a device or a FIFO is refused by the
    // reader with its own reason (files::readFile, docs/architecture.md "Rosters in bounded
    // memory"), without a byte of it read.
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
      Finding f = makeFinding(Severity::Error, FindingKind::Config, "ROSTER_MISSING",
                              {path, 0, "", school.jsonPath + ".rosters[" + std::to_string(i) + "]"},
                              {}, "ROSTER_MISSING.inputs");
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
    if (!d) error = msg::text("run.inputs.today", {{"value", *arg}});
    return d;
  }
  return SystemClock().today();
}

}  // namespace zzjb::app
