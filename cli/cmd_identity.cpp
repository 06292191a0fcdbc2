// The CA-key commands: `zzjb keyid`, `zzjb sign` and `zzjb identity check`. They open the key the
// way a pass will, so that IT staff can test a key or token by hand before a pass needs it.
#include <openssl/rand.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "args.hpp"
#include "commands.hpp"
#include "inputs.hpp"
#include "output_files.hpp"
#include "zzjb/files/files.hpp"
#include "zzjb/identity/pin.hpp"
#include "zzjb/identity/signers.hpp"
#include "zzjb/identity/verify.hpp"
#include "zzjb/app/school_health.hpp"
#include "zzjb/core/clock.hpp"
#include "zzjb/store/sqlite_store.hpp"

namespace zzjb::cli {

namespace fs = std::filesystem;

namespace {

// The severity as a person reads it: "错误" / "error".
std::string severityText(Severity s) {
  switch (s) {
    case Severity::Info: return msg::text("identity.severity.info");
    case Severity::Warning: return msg::text("identity.severity.warning");
    case Severity::Error: break;
  }
  return msg::text("identity.severity.error");
}

void printFinding(std::ostream& out, const Finding& f, const char* indent) {
  out << indent
      << (f.where.file.empty()
              ? msg::text("identity.finding",
                          {{"severity", severityText(f.severity)}, {"message", f.message}, {"code", f.code}})
              : msg::text("identity.finding.at", {{"severity", severityText(f.severity)},
                                                  {"file", f.where.file},
                                                  {"message", f.message},
                                                  {"code", f.code}}))
      << "\n";
  if (!f.hint.empty()) out << indent << "  → " << f.hint << "\n";
}

// PIN options shared by keyid and sign: where the PIN comes from when a key needs one.
const std::vector<OptionSpec> kPinOptions = {
    {"--pin-env", "", true, "identity.opt.pin_env"},
    {"--pin-file", "", true, "identity.opt.pin_file"},
};

PinSource pinSourceFrom(const ParsedArgs& args, const identity::KeyUri& uri) {
  PinSource src;
  src.env = args.get("--pin-env").value_or("");
  src.file = args.get("--pin-file").value_or("");
  const auto* p11 = std::get_if<identity::Pkcs11KeyUri>(&uri);
  src = identity::effectivePinSource(src, p11 ? p11->pinSource : "");
  src.prompt = src.env.empty() && src.file.empty();
  return src;
}

std::vector<OptionSpec> withPin(std::vector<OptionSpec> specs) {
  specs.insert(specs.end(), kPinOptions.begin(), kPinOptions.end());
  specs.push_back({"--help", "-h", false, "cli.opt.help"});
  return specs;
}

std::string algorithmLabel(const identity::CertificateInfo& info) {
  auto alg = info.algorithm;
  if (alg == "SM2") return "SM2-SM3 (SM2)";
  if (alg == "EC-P256") return "ECDSA-SHA256 (EC P-256)";
  if (alg.starts_with("RSA")) return "RSA-SHA256 (" + alg + ")";
  return alg;
}

// The file to sign: a regular file of at most files::kMaxSignInputBytes (docs/security.md); a
// device such as /dev/zero or a pipe is refused instead of read without end.
Result<std::string> readFileBytes(const std::string& path) {
  return files::readFile(path, {files::kMaxSignInputBytes, msg::text("identity.what.sign_input")});
}

Result<identity::CertificateInfo> certificateFromPem(const std::string& pem, const std::string& display,
                                                     const identity::ExtensionOids& oids) {
  // readCertificate reads files: a token's certificate goes to a new file of mode 0600 in a new
  // directory of mode 0700 (mkdtemp: an unguessable name, made by us), removed right after.
  // No other user can plant or swap anything there (docs/security.md, "Writing files").
  const auto fail = [](std::string why) {
    return std::unexpected(
        configError("CERT_UNREADABLE", {{"reason", std::move(why)}}, "CERT_UNREADABLE.tempfile"));
  };
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string tmpl = (base / "zzjb-cert-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) return fail(std::strerror(errno));
  const fs::path dir = tmpl;
  Result<identity::CertificateInfo> info = std::unexpected(Finding{});
  if (auto written = files::writeFileAtomic(dir / "certificate.pem", pem,
                                            {.mode = 0600, .what = msg::text("identity.what.certificate")});
      !written) {
    info = std::unexpected(written.error());
  } else {
    info = identity::readCertificate(dir / "certificate.pem", display, oids);
  }
  fs::remove_all(dir, ec);
  return info;
}

void printCertificate(std::ostream& out, const identity::CertificateInfo& c, std::time_t now) {
  out << msg::text("identity.keyid.certificate",
                   {{"keyId", c.keyId.empty() ? msg::text("identity.keyid.no_keyid") : c.keyId},
                    {"creditCode", c.creditCode.empty() ? msg::text("identity.keyid.none") : c.creditCode},
                    {"subject", c.subject},
                    {"issuer", c.issuer},
                    {"algorithm", algorithmLabel(c)},
                    {"notBefore", identity::shanghaiDate(c.notBefore)},
                    {"notAfter", identity::shanghaiDate(c.notAfter)},
                    {"daysLeft", identity::daysLeft(c, now)}})
      << "\n";
}

nlohmann::json certificateJson(const identity::CertificateInfo& c, std::time_t now) {
  return {{"keyId", c.keyId},
          {"creditCode", c.creditCode},
          {"subject", c.subject},
          {"issuer", c.issuer},
          {"serial", c.serial},
          {"algorithm", c.algorithm},
          {"notBefore", identity::shanghaiDate(c.notBefore)},
          {"notAfter", identity::shanghaiDate(c.notAfter)},
          {"daysLeft", identity::daysLeft(c, now)}};
}

// Exit code for an identity failure: usage problems stay 64, everything else is 77.
int fail(const Finding& f, const char* cmd) {
  std::cerr << "zzjb " << cmd << ": ";  // not-text: the command's name
  printFinding(std::cerr, f, "");
  return kExitNoPerm;
}

}  // namespace

int cmdKeyid(const std::vector<std::string>& argv) {
  static const auto specs = withPin({{"--cert", "", true, "identity.opt.cert_file"},
                                     {"--key", "", true, "identity.opt.key"},
                                     {"--json", "", false, "cli.opt.json"},
                                     {"--keyid-oid", "", true, "identity.opt.keyid_oid"},
                                     {"--credit-code-oid", "", true, "identity.opt.credit_code_oid"}});
  std::string error;
  auto args = parseArgs(argv, specs, error);
  if (!args || args->has("--help") || args->has("--cert") == args->has("--key")) {
    std::ostream& o = (args && args->has("--help")) ? std::cout : std::cerr;
    if (!args) o << "zzjb keyid: " << error << "\n";  // not-text: the command's name
    o << msg::text("identity.keyid.usage") << "\n\n" << optionsHelp(specs);
    return (args && args->has("--help")) ? kExitOk : kExitUsage;
  }
  std::time_t now = std::time(nullptr);
  identity::ExtensionOids oids;
  oids.keyId = args->get("--keyid-oid").value_or(oids.keyId);
  oids.creditCode = args->get("--credit-code-oid").value_or(oids.creditCode);
  Result<identity::CertificateInfo> info = std::unexpected(Finding{});
  if (auto cert = args->get("--cert")) {
    info = identity::readCertificate(*cert, *cert, oids);
  } else {
    auto uri = identity::parseKeyUri(*args->get("--key"), fs::current_path());
    if (!uri) return fail(uri.error(), "keyid");
    PinSource src = pinSourceFrom(*args, *uri);
    auto signer = identity::openSigner(*uri, [&] { return identity::readPin(src, msg::text("identity.pin.this_key")); });
    if (!signer) return fail(signer.error(), "keyid");
    std::string pem = (*signer)->certificatePem();
    if (pem.empty()) {
      return fail(configError("CERT_NOT_ON_TOKEN"), "keyid");
    }
    info = certificateFromPem(pem, identity::describeKeyUri(*uri), oids);
  }
  if (!info) return fail(info.error(), "keyid");
  if (args->has("--json")) {
    std::cout << certificateJson(*info, now).dump(2) << "\n";
  } else {
    printCertificate(std::cout, *info, now);
  }
  return info->keyId.empty() ? kExitNoPerm : kExitOk;
}

int cmdSign(const std::vector<std::string>& argv) {
  static const auto specs = withPin({{"--key", "", true, "identity.opt.key"},
                                     {"--cert", "", true, "identity.opt.sign_cert"},
                                     {"--in", "", true, "identity.opt.in"},
                                     {"--out", "", true, "identity.opt.out"}});
  std::string error;
  auto args = parseArgs(argv, specs, error);
  if (!args || args->has("--help") || !args->has("--key") || !args->has("--in") ||
      !args->has("--out")) {
    std::ostream& o = (args && args->has("--help")) ? std::cout : std::cerr;
    if (!args) o << "zzjb sign: " << error << "\n";  // not-text: the command's name
    o << msg::text("identity.sign.usage") << "\n\n" << optionsHelp(specs);
    return (args && args->has("--help")) ? kExitOk : kExitUsage;
  }
  auto uri = identity::parseKeyUri(*args->get("--key"), fs::current_path());
  if (!uri) return fail(uri.error(), "sign");
  auto data = readFileBytes(*args->get("--in"));
  if (!data) {
    // Not a file to sign (a device, a pipe, a link, over the limit) is a usage error, as
    // docs/security.md has it; a file that cannot be read, a data error as before.
    std::cerr << "zzjb sign: ";  // not-text: the command's name
    printFinding(std::cerr, data.error(), "");
    const std::string& code = data.error().code;
    return code == "FILE_NOT_REGULAR" || code == "FILE_TOO_LARGE" || code == "FILE_IS_LINK"
               ? kExitUsage
               : kExitData;
  }
  PinSource src = pinSourceFrom(*args, *uri);
  auto signer = identity::openSigner(*uri, [&] { return identity::readPin(src, msg::text("identity.pin.this_key")); });
  if (!signer) return fail(signer.error(), "sign");
  std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(data->data()), data->size());
  auto sig = (*signer)->sign(bytes);
  if (!sig) return fail(sig.error(), "sign");
  std::string pem = (*signer)->certificatePem();
  if (auto cert = args->get("--cert")) {
    auto p = identity::readCertificatePem(*cert, *cert);
    if (!p) return fail(p.error(), "sign");
    pem = *p;
  }
  if (!pem.empty()) {
    auto ok = identity::verifySignature(pem, (*signer)->algorithm(), bytes, *sig);
    if (!ok) {
      Finding f = ok.error();
      f.message = msg::text("identity.sign.not_verified", {{"reason", f.message}});
      f.hint = msg::text("identity.key_cert_mismatch.hint");
      return fail(f, "sign");
    }
  }
  // A new file renamed over SIG: a planted link or another user's file is replaced, never
  // written through (docs/security.md, "Writing files"). A signature is not secret: 0644.
  if (auto written = writeOutputFile(
          *args->get("--out"),
          std::string_view(reinterpret_cast<const char*>(sig->data()), sig->size()), 0644,
          msg::text("identity.what.signature"));
      !written) {
    printOutputError(std::cerr, "zzjb sign", written.error());  // not-text: the command's name
    return kExitCantCreate;
  }
  std::cerr << "zzjb sign: "  // not-text: the command's name
            << msg::text(pem.empty() ? "identity.sign.written_unverified" : "identity.sign.written",
                         {{"algorithm", signatureAlgorithmName((*signer)->algorithm())},
                          {"bytes", data->size()},
                          {"file", *args->get("--out")}})
            << "\n";
  return kExitOk;
}

namespace {

// Keeps a probe's result in the state store (the facts "probe" and "pin"; a refused identity is
// quarantined, a success releases a quarantine) when the store exists already: a hand check never
// creates the store (run as root, it would leave a store the zzjb user cannot open).
void recordInStore(const Config& cfg, const School& school, const app::KeyProbe& probe) {
  std::error_code ec;
  if (cfg.statePath.empty() || !fs::exists(cfg.statePath, ec)) return;
  auto store = store::openSqliteStore(cfg.statePath);
  if (!store) {
    std::cerr << msg::text("identity.check.store_unrecorded", {{"message", store.error().message}}) << "\n";
    return;
  }
  SystemClock clock;
  auto effect = app::recordProbe(**store, cfg, school, probe, clock.nowUtc());
  if (!effect) {
    std::cerr << msg::text("identity.check.store_unrecorded", {{"message", effect.error().message}}) << "\n";
  } else if (*effect == app::ProbeEffect::Released) {
    std::cerr << msg::text("identity.check.released", {{"school", school.id}}) << "\n";
  } else if (*effect == app::ProbeEffect::Quarantined) {
    std::cerr << msg::text("identity.check.quarantined", {{"school", school.id}, {"code", probe.code()}}) << "\n";
  }
}

}  // namespace

int cmdIdentity(const std::vector<std::string>& argv) {
  static const std::vector<OptionSpec> specs = {
      {"--config", "-c", true, "cli.opt.config"},
      {"--school", "", true, "identity.opt.school"},
      {"--json", "", false, "cli.opt.json"},
      {"--help", "-h", false, "cli.opt.help"},
  };
  std::string error;
  std::vector<std::string> rest = argv;
  bool isCheck = !rest.empty() && rest.front() == "check";
  if (isCheck) rest.erase(rest.begin());
  auto args = parseArgs(rest, specs, error);
  if (!isCheck || !args || args->has("--help") || !args->has("--config")) {
    bool help = args && args->has("--help");
    std::ostream& o = help ? std::cout : std::cerr;
    if (!args) o << "zzjb identity: " << error << "\n";  // not-text: the command's name
    o << msg::text("identity.check.usage") << "\n\n" << optionsHelp(specs);
    return help ? kExitOk : kExitUsage;
  }
  Inputs in = loadInputs(*args->get("--config"));
  if (!in.config) {
    for (const auto& f : in.findings) printFinding(std::cerr, f, "");
    return kExitConfig;
  }
  std::time_t now = std::time(nullptr);
  auto filter = args->get("--school");
  nlohmann::json doc = nlohmann::json::array();
  bool anyFailed = false;
  bool found = false;
  for (const auto& school : in.config->schools) {
    if (filter && school.id != *filter) continue;
    found = true;
    SystemClock clock;
    const app::KeyProbe r = app::probeSchoolKey(*in.config, school, now, clock.nowUtc(), app::openSchoolKey);
    recordInStore(*in.config, school, r);
    anyFailed = anyFailed || !r.ok;
    if (args->has("--json")) {
      nlohmann::json fs = nlohmann::json::array();
      for (const auto& f : r.findings) {
        fs.push_back({{"severity", severityName(f.severity)}, {"code", f.code}, {"message", f.message},
                      {"hint", f.hint}});
      }
      doc.push_back({{"school", school.id}, {"ok", r.ok}, {"keyId", r.keyId}, {"algorithm", r.algorithm},
                     {"notAfter", r.notAfter}, {"daysLeft", r.daysLeft}, {"pin", r.pin},
                     {"findings", fs}});
      continue;
    }
    std::cout << school.id << "  " << school.name << "\n";
    if (!r.keyId.empty()) {
      std::cout << "  "
                << msg::text("identity.check.summary", {{"keyId", r.keyId},
                                                        {"algorithm", r.algorithm},
                                                        {"notAfter", r.notAfter},
                                                        {"days", r.daysLeft},
                                                        {"pin", r.pin}})
                << "\n";
    }
    for (const auto& f : r.findings) printFinding(std::cout, f, "  ");
    std::cout << "  " << msg::text(r.ok ? "identity.check.ok" : "identity.check.failed") << "\n";
  }
  if (!found) {
    std::cerr << "zzjb identity: " << msg::text("identity.check.no_school", {{"school", *filter}}) << "\n";  // not-text: the command's name
    return kExitUsage;
  }
  if (args->has("--json")) std::cout << doc.dump(2) << "\n";
  return anyFailed ? kExitNoPerm : kExitOk;
}

}  // namespace zzjb::cli
