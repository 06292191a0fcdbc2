// Identity fingerprints, quarantine and the key probe (zzjb/app/school_health.hpp;
// docs/operations.md, "Thirty schools and more").
#include "zzjb/app/school_health.hpp"

#include <openssl/rand.h>
#include <sys/stat.h>

#include <cstdint>
#include <variant>

#include "zzjb/app/inputs.hpp"
#include "zzjb/identity/key_uri.hpp"
#include "zzjb/identity/verify.hpp"
#include "zzjb/platform/declaration_file.hpp"

namespace zzjb::app {
namespace {

// Which file is at `path` now, never what it holds: "dev:ino:size:mtime_ns", or "-" when absent.
std::string fileIdentity(const std::string& path) {
  if (path.empty()) return "";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "-";
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" +
         std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

}  // namespace

std::string identityFingerprint(const Config& config, const School& school) {
  const IdentityConfig& id = school.identity;
  std::string text;
  auto add = [&](std::string_view name, std::string_view value) {
    text.append(name).append("=").append(std::to_string(value.size())).append(":").append(value);
    text.push_back('\n');
  };
  add("platform", config.platform.baseUrl);
  add("school", school.id);
  add("creditCode", school.creditCode);
  add("key", id.key);
  add("certificate", id.certificate);
  add("keyId", id.keyId);
  add("pin.env", id.pin.env);
  add("pin.file", id.pin.file);
  add("pin.credential", id.pin.credential);
  add("pin.prompt", id.pin.prompt ? "1" : "0");
  if (!id.certificate.empty()) {
    auto pem = identity::readCertificatePem(id.certificate, id.certificate);
    add("certificate.bytes", pem ? platform::sha256Hex(*pem) : "unreadable:" + pem.error().code);
  }
  if (auto uri = identity::parseKeyUri(id.key, config.dir)) {
    if (const auto* f = std::get_if<identity::FileKeyUri>(&*uri)) add("key.file", fileIdentity(f->path));
    if (const auto* p = std::get_if<identity::Pkcs11KeyUri>(&*uri)) {
      add("key.pinSource", fileIdentity(p->pinSource.starts_with("file:") ? p->pinSource.substr(5)
                                                                         : p->pinSource));
    }
  }
  add("pin.file.at", fileIdentity(id.pin.file));
  // Not a systemd credential's file: systemd copies it afresh at every start of the unit, so
  // under the timer each pass would see a "new" one and try a refused PIN again. A PIN given by
  // credential or environment is released by a successful `zzjb identity check` instead.
  return platform::sha256Hex(text);
}

Result<std::optional<QuarantineFact>> heldQuarantine(StateStore& store, const Config& config,
                                                     const School& school, bool& released) {
  released = false;
  auto text = store.fact(school.id, "quarantine");
  if (!text) return std::unexpected(text.error());
  if (!*text) return std::optional<QuarantineFact>();
  auto q = parseQuarantineFact(**text);
  if (!q) return std::optional<QuarantineFact>();  // "" (released) or unreadable: none
  if (q->fingerprint == identityFingerprint(config, school)) return q;
  if (auto cleared = store.putFact(school.id, "quarantine", ""); !cleared) {
    return std::unexpected(cleared.error());
  }
  released = true;
  return std::optional<QuarantineFact>();
}

Result<QuarantineFact> quarantine(StateStore& store, const Config& config, const School& school,
                                  std::string_view code, std::string_view at) {
  QuarantineFact q{std::string(code), std::string(at), identityFingerprint(config, school)};
  if (auto put = store.putFact(school.id, "quarantine", quarantineFactText(q)); !put) {
    return std::unexpected(put.error());
  }
  return q;
}

std::string KeyProbe::code() const {
  for (const auto& f : findings) {
    if (f.severity == Severity::Error) return f.code;
  }
  return ok ? "OK" : "PROBE_FAILED";
}

KeyProbe probeSchoolKey(const Config& cfg, const School& school, std::time_t now,
                        std::string_view at,
                        const std::function<Result<OpenedKey>(const Config&, const School&)>& openKey) {
  KeyProbe r;
  r.school = school.id;
  auto add = [&](Finding f) {
    f.school = school.id;
    r.findings.push_back(std::move(f));
  };
  if (school.identity.key.empty()) {
    add(makeFinding(Severity::Error, FindingKind::Data, "KEY_NOT_CONFIGURED",
                    {cfg.file, 0, "", school.jsonPath + ".identity.key"},
                    {{"path", school.jsonPath + ".identity.key"}}, "KEY_NOT_CONFIGURED.identity_check"));
    return r;
  }
  auto opened = openKey(cfg, school);
  if (!opened) {
    r.pinFact = pinFactFromFinding(opened.error(), at);
    add(opened.error());
    return r;
  }
  Signer& signer = *opened->signer;
  r.pin = signer.pinStatus().describe();
  r.pinFact = PinFact{signer.pinStatus(), "OK", std::string(at)};
  const std::string& pem = opened->certificatePem;
  const std::string display =
      school.identity.certificate.empty() ? school.identity.key : school.identity.certificate;
  identity::ChainCheck chain;
  for (const auto& ca : cfg.trustedCAs) chain.caFiles.emplace_back(ca);
  chain.now = now;
  chain.oids = extensionOids(cfg);
  if (chain.caFiles.empty()) {
    add(makeFinding(Severity::Warning, FindingKind::Data, "TRUST_NOT_CONFIGURED",
                    {cfg.file, 0, "", "$.trustedCAs"}));
  }
  auto cert = identity::checkCertificate(pem, display, chain);
  if (!cert) {
    add(cert.error());
    return r;
  }
  r.keyId = school.identity.keyId.empty() ? cert->keyId : school.identity.keyId;
  r.notAfter = identity::shanghaiDate(cert->notAfter);
  r.daysLeft = identity::daysLeft(*cert, now);
  r.algorithm = signatureAlgorithmName(signer.algorithm());
  if (!cert->creditCode.empty() && cert->creditCode != school.creditCode) {
    Location where;
    where.file = display;
    add(makeFinding(Severity::Error, FindingKind::Data, "CERT_OTHER_ENTITY", where,
                    {{"creditCode", cert->creditCode}}, "CERT_OTHER_ENTITY.identity_check"));
    return r;
  }
  // A test challenge, as a login would sign it, verified with the certificate.
  std::vector<std::uint8_t> challenge(32);
  RAND_bytes(challenge.data(), static_cast<int>(challenge.size()));
  auto sig = signer.sign(challenge);
  if (!sig) {
    add(sig.error());
    return r;
  }
  auto verified = identity::verifySignature(pem, signer.algorithm(), challenge, *sig);
  if (!verified) {
    Finding f = verified.error();
    f.message = msg::text("identity.check.not_verified", {{"reason", f.message}});
    f.hint = msg::text("identity.key_cert_mismatch.hint");
    add(f);
    return r;
  }
  if (r.daysLeft <= 30) {
    Location where;
    where.file = display;
    add(makeFinding(Severity::Warning, FindingKind::Data, "CERT_EXPIRING", where,
                    {{"days", r.daysLeft}, {"date", r.notAfter}}, "CERT_EXPIRING.identity_check"));
  }
  r.ok = true;
  return r;
}

Result<ProbeEffect> recordProbe(StateStore& store, const Config& config, const School& school,
                                const KeyProbe& probe, std::string_view at) {
  const ProbeFact fact{probe.ok, probe.code(), std::string(at)};
  if (auto put = store.putFact(school.id, "probe", probeFactText(fact)); !put) {
    return std::unexpected(put.error());
  }
  if (probe.pinFact) {
    if (auto put = store.putFact(school.id, "pin", pinFactText(*probe.pinFact)); !put) {
      return std::unexpected(put.error());
    }
  }
  if (probe.ok) {
    auto existing = store.fact(school.id, "quarantine");
    if (!existing) return std::unexpected(existing.error());
    if (*existing && parseQuarantineFact(**existing)) {
      if (auto put = store.putFact(school.id, "quarantine", ""); !put) {
        return std::unexpected(put.error());
      }
      return ProbeEffect::Released;
    }
    return ProbeEffect::None;
  }
  if (!quarantinesIdentity(fact.code)) return ProbeEffect::None;
  auto q = quarantine(store, config, school, fact.code, at);
  if (!q) return std::unexpected(q.error());
  return ProbeEffect::Quarantined;
}

std::vector<KeyProbe> runKeyProbes(
    const Config& config, StateStore& store, const Clock& clock, PassObserver& observer,
    const std::function<Result<OpenedKey>(const Config&, const School&)>& openKey) {
  std::vector<KeyProbe> out;
  for (const auto& school : config.schools) {
    if (!school.enabled || school.identity.key.empty()) continue;
    bool released = false;
    auto held = heldQuarantine(store, config, school, released);
    if (!held) {
      observer.log(Severity::Warning, school.id,
                   msg::text("run.log.quarantine_unread", {{"message", held.error().message}}));
    } else if (*held) {
      continue;  // said when it was quarantined; its status and gauge keep saying it
    }
    if (released) observer.log(Severity::Info, school.id, msg::text("run.log.quarantine_released"));
    const std::string at = clock.nowUtc();
    KeyProbe probe = probeSchoolKey(config, school, static_cast<std::time_t>(clock.now() / 1000),
                                    at, openKey);
    if (probe.ok) {
      observer.log(Severity::Info, school.id,
                   msg::text("probe.log.ok", {{"keyId", probe.keyId},
                                              {"notAfter", probe.notAfter},
                                              {"days", probe.daysLeft},
                                              {"pin", probe.pin}}));
    } else {
      for (const auto& f : probe.findings) {
        if (f.severity != Severity::Error) continue;
        observer.log(Severity::Error, school.id,
                     msg::text(f.hint.empty() ? "probe.log.failed" : "probe.log.failed_hint",
                               {{"message", f.message}, {"code", f.code}, {"hint", f.hint}}));
      }
    }
    auto effect = recordProbe(store, config, school, probe, at);
    if (!effect) {
      observer.log(Severity::Warning, school.id,
                   msg::text("probe.log.unrecorded", {{"message", effect.error().message}}));
    } else if (*effect == ProbeEffect::Quarantined) {
      observer.log(Severity::Error, school.id,
                   msg::text("run.log.quarantined",
                             {{"code", probe.code()}, {"school", school.id}, {"config", config.file}}));
    } else if (*effect == ProbeEffect::Released) {
      observer.log(Severity::Info, school.id, msg::text("run.log.quarantine_released"));
    }
    out.push_back(std::move(probe));
  }
  return out;
}

}  // namespace zzjb::app
