// `zzjb catalog sync`'s one call to the platform, with the key and client a pass uses
// (PassEnvironment::standard): docs/catalog.md.
#include "zzjb/app/catalog_sync.hpp"

#include "zzjb/app/inputs.hpp"
#include "zzjb/app/pass_runner.hpp"

namespace zzjb::app {
namespace {

// The standard environment wants an observer; sync logs nothing through it.
class QuietObserver final : public PassObserver {
 public:
  void onEngineEvent(const EngineEvent& /*event*/) override {}
  void onRequest(const std::string& /*school*/, const platform::RequestEvent& /*event*/) override {}
  void onSchoolDone(const SchoolOutcome& /*outcome*/) override {}
  void log(Severity /*severity*/, const std::string& /*school*/,
           const std::string& /*message*/) override {}
};

}  // namespace

std::expected<Catalog, CatalogFetchError> fetchPlatformCatalog(const Config& config,
                                                              const School& school,
                                                              const Date& today) {
  SystemClock clock;
  QuietObserver observer;
  PassEnvironment env = PassEnvironment::standard(clock, observer);
  auto key = env.openKey(config, school);
  if (!key) return std::unexpected(CatalogFetchError{key.error()});
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
    return std::unexpected(CatalogFetchError{std::move(f)});
  }
  if (auto session = (*client)->login(); !session) {
    return std::unexpected(CatalogFetchError{session.error()});
  }
  auto catalog = (*client)->catalog();
  client->reset();  // before the key it signs with
  if (!catalog) return std::unexpected(CatalogFetchError{catalog.error()});
  return std::move(*catalog);
}

}  // namespace zzjb::app
