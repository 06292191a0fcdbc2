// `zzjb catalog sync`'s one call to the platform, with the key and client a pass uses
// (PassEnvironment::standard): docs/catalog.md.
#include "zzjb/app/catalog_sync.hpp"

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
  auto connected = connectSchool(env, config, school, today);
  if (!connected) return std::unexpected(CatalogFetchError{std::move(connected.error().finding)});
  auto& client = connected->client;
  if (auto session = client->login(); !session) {
    return std::unexpected(CatalogFetchError{session.error()});
  }
  auto catalog = client->catalog();
  if (!catalog) return std::unexpected(CatalogFetchError{catalog.error()});
  return std::move(*catalog);
}

}  // namespace zzjb::app
