// One pass: inputs → per school (evaluate offline → open the key → engine against the platform).
#include "run_pass.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <thread>

#include "args.hpp"
#include "inputs.hpp"
#include "zzjb/config/loader.hpp"
#include "zzjb/identity/key_uri.hpp"
#include "zzjb/identity/pin.hpp"
#include "zzjb/identity/signers.hpp"
#include "zzjb/identity/verify.hpp"
#include "zzjb/platform/declaration_file.hpp"
#include "zzjb/store/sqlite_store.hpp"

namespace zzjb::cli {
namespace {

std::string nowUtc() {
  using namespace std::chrono;
  auto now = system_clock::now();
  std::time_t t = system_clock::to_time_t(now);
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

// A finding that stops a whole school: anything but a roster row's own problem. A bad row only
// excludes its student (INVALID_DATA in the evaluation); the rest of the school still goes through.
bool blocksSchool(const Finding& f) {
  if (f.severity != Severity::Error) return false;
  if (f.kind == FindingKind::Config) return true;
  const bool rosterRow = !f.where.file.empty() && (f.where.line > 0 || !f.where.cell.empty()) &&
                         f.where.jsonPath.empty();
  return !rosterRow;
}

// The test hook ZZJB_TEST_KILL_AT="intent-committed:batch" or "…#2" (the second time): the
// process kills itself with SIGKILL there, exactly as a power cut or `kill -9` would stop it.
// For crash tests only; documented in docs/operations.md.
std::function<void(std::string_view)> killHook() {
  const char* spec = std::getenv("ZZJB_TEST_KILL_AT");
  if (spec == nullptr || *spec == '\0') return {};
  std::string point = spec;
  int nth = 1;
  if (auto hash = point.find('#'); hash != std::string::npos) {
    nth = std::max(1, std::atoi(point.c_str() + hash + 1));
    point.resize(hash);
  }
  auto seen = std::make_shared<int>(0);
  return [point, nth, seen](std::string_view at) {
    if (at != point) return;
    if (++*seen < nth) return;
    ::kill(::getpid(), SIGKILL);
  };
}

int exitCodeFor(const SchoolOutcome& o) {
  if (o.kind == SchoolOutcomeKind::Skipped) return kExitData;
  if (o.kind != SchoolOutcomeKind::Failed) return kExitOk;
  if (!o.failure) return kExitTempFail;  // the store: try again
  switch (o.failure->kind) {
    case PlatformFailureKind::Identity: return kExitNoPerm;
    case PlatformFailureKind::Unavailable: return kExitTempFail;
    case PlatformFailureKind::Protocol: return kExitUnavailable;
    case PlatformFailureKind::Final: return kExitData;
  }
  return kExitTempFail;
}

// Most severe first: configuration, identity, platform, data.
int worse(int a, int b) {
  auto rank = [](int c) {
    switch (c) {
      case kExitConfig: return 6;
      case kExitNoPerm: return 5;
      case kExitUnavailable: return 4;
      case kExitTempFail: return 3;
      case kExitData: return 2;
      case kExitOk: return 0;
      default: return 1;
    }
  };
  return rank(a) >= rank(b) ? a : b;
}

struct OpenedKey {
  std::unique_ptr<Signer> signer;
  std::string certificatePem;
};

Result<OpenedKey> openSchoolKey(const Config& cfg, const School& school) {
  auto pointAt = [&](Finding f, const std::string& field) {
    if (f.where.file.empty() && f.where.jsonPath.empty()) {
      f.where = {cfg.file, 0, "", school.jsonPath + field};
    }
    f.school = school.id;
    return f;
  };
  if (school.identity.key.empty()) {
    return std::unexpected(pointAt(configFinding("KEY_NOT_CONFIGURED", "no key is configured",
                                                 "set identity.key to file:…, pkcs11:… or skf:…"),
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
        configFinding("CERT_NOT_CONFIGURED",
                      "the key source holds no certificate and none is configured",
                      "set identity.certificate to the school's signing certificate"),
        ".identity.certificate"));
  }
  k.signer = std::move(*signer);
  return k;
}

}  // namespace

PassResult runPass(const Config& config, const PassOptions& options, PassObserver& observer) {
  PassResult result;
  std::string error;
  std::optional<Date> today = options.today ? options.today : todayFrom(std::nullopt, error);

  std::optional<Catalog> catalog;
  if (!config.catalogPath.empty()) {
    auto cat = config::loadCatalog(config.catalogPath, config.catalogDisplay.empty()
                                                           ? config.catalogPath
                                                           : config.catalogDisplay,
                                   result.findings);
    if (cat) catalog = std::move(*cat);
    else result.findings.push_back(cat.error());
  }
  plugin_host::Host plugins;
  loadPlugins(plugins, &config, result.findings);

  // The store. A dry run never writes to the real one: without it, it looks at an empty one.
  std::unique_ptr<StateStore> store;
  std::optional<std::filesystem::path> scratch;
  {
    std::filesystem::path path = config.statePath;
    std::error_code ec;
    if (options.dryRun && !std::filesystem::exists(path, ec)) {
      char tmpl[] = "/tmp/zzjb-dry-run-XXXXXX";
      if (char* dir = mkdtemp(tmpl); dir != nullptr) {
        scratch = dir;
        path = *scratch / "state.db";
      }
    }
    auto opened = store::openSqliteStore(path);
    if (!opened) {
      result.findings.push_back(opened.error());
      observer.log(Severity::Error, "", opened.error().message + " — " + opened.error().hint);
      result.exitCode = kExitConfig;
      return result;
    }
    store = std::move(*opened);
  }
  struct ScratchCleanup {
    std::optional<std::filesystem::path>& dir;
    ~ScratchCleanup() {
      std::error_code ec;
      if (dir) std::filesystem::remove_all(*dir, ec);
    }
  } cleanup{scratch};

  for (const auto& f : result.findings) {
    if (f.severity == Severity::Error) observer.log(f.severity, f.school, f.message);
  }

  EligibilityOptions eligibility{*today, catalog ? &*catalog : nullptr, &plugins.registry()};
  const auto oids = extensionOids(config);
  auto checkpoint = killHook();
  bool found = !options.school;
  for (const auto& school : config.schools) {
    if (options.school && school.id != *options.school) continue;
    found = true;
    if (options.stopRequested && options.stopRequested()) {
      result.stopped = true;
      break;
    }
    SchoolResult evaluation = evaluateSchool(school, readRosters(school), eligibility);
    CertificateFacts cert = readSchoolCertificate(school, *today, oids, evaluation.findings);
    std::size_t rowProblems = 0;
    SchoolResult forEngine = evaluation;
    forEngine.findings.clear();
    for (const auto& f : evaluation.findings) {
      if (blocksSchool(f)) {
        forEngine.findings.push_back(f);
        observer.log(Severity::Error, school.id, f.where.str() + ": " + f.message);
      } else if (f.severity == Severity::Error) {
        ++rowProblems;
      }
    }
    if (rowProblems > 0) {
      observer.log(Severity::Warning, school.id,
                   std::to_string(rowProblems) +
                       " roster rows have errors: those students are left out, the others go "
                       "through (zzjb check -c CONFIG lists them)");
    }

    SchoolInput input{&school, &forEngine, cert.keyId};
    EngineServices services;
    services.store = store.get();
    services.types = &plugins.registry();
    services.writeXlsx = [](const DeclarationSheet& s) { return platform::writeDeclarationXlsx(s); };
    services.sha256Hex = [](std::string_view b) { return platform::sha256Hex(b); };
    services.sleep = [](int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
    services.nowUtc = nowUtc;
    services.onEvent = [&observer](const EngineEvent& e) { observer.onEngineEvent(e); };
    EngineOptions engineOptions;
    engineOptions.today = *today;
    engineOptions.dryRun = options.dryRun;
    engineOptions.checkpoint = checkpoint;
    if (const char* rows = std::getenv("ZZJB_MAX_BATCH_ROWS"); rows != nullptr) {
      // Rehearsals and tests: smaller batches than the platform's 5,000.
      if (int n = std::atoi(rows); n > 0 && n <= 5000) engineOptions.maxBatchRows = static_cast<std::size_t>(n);
    }
    if (const char* ms = std::getenv("ZZJB_POLL_INTERVAL_MS"); ms != nullptr) {
      engineOptions.pollIntervalMs = std::max(0, std::atoi(ms));
    }

    std::optional<OpenedKey> key;
    std::unique_ptr<PlatformClient> client;
    const bool blocked = !forEngine.findings.empty();
    if (!options.dryRun && !blocked) {
      auto opened = openSchoolKey(config, school);
      if (!opened) {
        SchoolOutcome o;
        o.school = school.id;
        o.kind = SchoolOutcomeKind::Failed;
        PlatformFailure pf;
        pf.kind = PlatformFailureKind::Identity;
        pf.code = opened.error().code;
        pf.message = opened.error().message;
        o.failure = pf;
        o.findings.push_back(opened.error());
        observer.log(Severity::Error, school.id,
                     "cannot open the key: " + opened.error().message + " — " + opened.error().hint);
        static_cast<void>(store->recordPass(
            {school.id, nowUtc(), nowUtc(), "FAILED", o.summary(), 0}));
        observer.onSchoolDone(o);
        result.exitCode = worse(result.exitCode, kExitNoPerm);
        result.schools.push_back(std::move(o));
        continue;
      }
      key = std::move(*opened);
      platform::ClientOptions co;
      co.baseUrl = config.platform.baseUrl;
      co.caBundle = config.platform.caBundle;
      co.timeoutSeconds = config.platform.timeoutSeconds;
      co.signer = key->signer.get();
      co.certificatePem = key->certificatePem;
      co.keyId = cert.keyId;
      co.onRequest = [&observer, id = school.id](const platform::RequestEvent& e) {
        observer.onRequest(id, e);
      };
      auto made = platform::makePlatformClient(std::move(co));
      if (!made) {
        Finding f = made.error();
        f.school = school.id;
        observer.log(Severity::Error, school.id, f.message + " — " + f.hint);
        result.findings.push_back(f);
        result.exitCode = worse(result.exitCode, kExitConfig);
        continue;
      }
      client = std::move(*made);
    }
    services.platform = client.get();

    SchoolOutcome outcome = runSchoolPass(input, services, engineOptions);
    if (outcome.kind != SchoolOutcomeKind::Failed && rowProblems > 0) {
      result.exitCode = worse(result.exitCode, kExitData);
    }
    result.exitCode = worse(result.exitCode, exitCodeFor(outcome));
    observer.onSchoolDone(outcome);
    result.schools.push_back(std::move(outcome));
  }
  if (!found) {
    observer.log(Severity::Error, "", "no school with id \"" + *options.school + "\" in " + config.file);
    result.exitCode = kExitUsage;
  }
  for (const auto& f : result.findings) {
    if (f.severity == Severity::Error && f.kind == FindingKind::Config && f.school.empty()) {
      result.exitCode = worse(result.exitCode, kExitConfig);
    }
  }
  return result;
}

PassResult runPassFromFile(const std::string& configPath, const PassOptions& options,
                           PassObserver& observer) {
  auto loaded = config::loadConfig(configPath, configPath);
  bool errors = false;
  for (const auto& f : loaded.findings) {
    if (f.severity != Severity::Error) continue;
    errors = true;
    observer.log(Severity::Error, f.school,
                 (f.where.str().empty() ? configPath : f.where.str()) + ": " + f.message +
                     (f.hint.empty() ? "" : " — " + f.hint));
  }
  if (!loaded.config || (errors && loaded.config->schools.empty())) {
    PassResult r;
    r.exitCode = kExitConfig;
    r.findings = std::move(loaded.findings);
    return r;
  }
  PassResult r = runPass(*loaded.config, options, observer);
  if (errors) r.exitCode = worse(r.exitCode, kExitConfig);
  r.findings.insert(r.findings.begin(), loaded.findings.begin(), loaded.findings.end());
  return r;
}

}  // namespace zzjb::cli
