// The real environment of a pass: the SQLite store, the school's key through zzjb/identity and
// the libcurl platform client (docs/architecture.md, "The application layer").
#include <variant>

#include "zzjb/app/inputs.hpp"
#include "zzjb/app/pass_runner.hpp"
#include "zzjb/app/school_health.hpp"
#include "zzjb/identity/key_uri.hpp"
#include "zzjb/identity/pin.hpp"
#include "zzjb/identity/signers.hpp"
#include "zzjb/identity/verify.hpp"
#include "zzjb/platform/declaration_file.hpp"
#include "zzjb/store/sqlite_store.hpp"

namespace zzjb::app {

Result<OpenedKey> openSchoolKey(const Config& cfg, const School& school) {
  auto pointAt = [&](Finding f, const std::string& field) {
    if (f.where.file.empty() && f.where.jsonPath.empty()) {
      f.where = {cfg.file, 0, "", school.jsonPath + field};
    }
    f.school = school.id;
    return f;
  };
  if (school.identity.key.empty()) {
    return std::unexpected(pointAt(configError("KEY_NOT_CONFIGURED", {}, "KEY_NOT_CONFIGURED.pass"),
                                   ".identity.key"));
  }
  auto uri = identity::parseKeyUri(school.identity.key, cfg.dir);
  if (!uri) return std::unexpected(pointAt(uri.error(), ".identity.key"));
  const auto* p11 = std::get_if<identity::Pkcs11KeyUri>(&*uri);
  PinSource pinSource =
      identity::effectivePinSource(school.identity.pin, p11 != nullptr ? p11->pinSource : "");
  auto signer =
      identity::openSigner(*uri, [&] { return identity::readPin(pinSource, school.id); });
  if (!signer) return std::unexpected(pointAt(signer.error(), ".identity.key"));
  OpenedKey k;
  k.certificatePem = (*signer)->certificatePem();
  if (!school.identity.certificate.empty()) {
    auto pem =
        identity::readCertificatePem(school.identity.certificate, school.identity.certificate);
    if (!pem) return std::unexpected(pointAt(pem.error(), ".identity.certificate"));
    k.certificatePem = *pem;
  }
  if (k.certificatePem.empty()) {
    return std::unexpected(pointAt(
        configError("CERT_NOT_CONFIGURED", {}, "CERT_NOT_CONFIGURED.pass"),
        ".identity.certificate"));
  }
  k.signer = std::move(*signer);
  return k;
}

namespace {

Result<std::unique_ptr<PlatformClient>> makeCurlClient(const ClientRequest& r) {
  platform::ClientOptions co;
  co.baseUrl = r.config->platform.baseUrl;
  co.caBundle = r.config->platform.caBundle;
  co.pinnedPublicKey = r.config->platform.pinnedPublicKey;
  co.timeoutSeconds = r.config->platform.timeoutSeconds;
  co.signer = r.signer;
  co.certificatePem = r.certificatePem;
  co.keyId = r.keyId;
  co.onRequest = r.onRequest;
  co.cancelled = r.cancelled;
  co.governor = r.governor;
  return platform::makePlatformClient(std::move(co));
}

}  // namespace

std::expected<ConnectedSchool, ConnectFailure> connectSchool(const PassEnvironment& env,
                                                             const Config& config,
                                                             const School& school,
                                                             const Date& today) {
  auto key = env.openKey(config, school);
  if (!key) return std::unexpected(ConnectFailure{key.error(), true});
  std::vector<Finding> ignored;  // the certificate's own findings are `zzjb check`'s to report
  const CertificateFacts cert = readSchoolCertificate(school, today, extensionOids(config), ignored);
  ClientRequest request;
  request.config = &config;
  request.school = &school;
  request.signer = key->signer.get();
  request.certificatePem = key->certificatePem;
  request.keyId = cert.keyId;
  auto client = env.makeClient(request);
  if (!client) {
    Finding f = client.error();
    if (f.where.jsonPath.empty()) f.where = {config.file, 0, "", "$.platform"};
    return std::unexpected(ConnectFailure{std::move(f), false});
  }
  ConnectedSchool connected{std::move(*key), std::move(*client)};
  return connected;
}

PassEnvironment PassEnvironment::standard(Clock& clock, PassObserver& observer) {
  PassEnvironment env;
  env.clock = &clock;
  env.observer = &observer;
  env.openStore = [](const std::filesystem::path& path) { return store::openSqliteStore(path); };
  env.openKey = openSchoolKey;
  env.makeClient = makeCurlClient;
  env.writeDeclarationFile = [](const DeclarationSheet& s) {
    return platform::writeDeclarationXlsx(s);
  };
  return env;
}

}  // namespace zzjb::app
