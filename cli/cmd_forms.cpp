// `zzjb forms -c CONFIG --school ID -o DIR`: 附件1 and 附件2 filled in, as A4 HTML to print.
#include <filesystem>
#include <iostream>

#include "args.hpp"
#include "commands.hpp"
#include "inputs.hpp"
#include "output_files.hpp"
#include "zzjb/core/domain.hpp"
#include "zzjb/core/forms.hpp"
#include "zzjb/files/directory.hpp"
#include "zzjb/files/files.hpp"
#include "zzjb/messages/catalog.hpp"

namespace zzjb::cli {

namespace {

constexpr const char* kFormsCommand = "zzjb forms";  // not-text: the command's name

const std::vector<OptionSpec>& formsOptions() {
  static const std::vector<OptionSpec> kSpecs = {
      {"--config", "-c", true, "status.option.config"},
      {"--school", "", true, "forms.option.school"},
      {"--output", "-o", true, "forms.option.output"},
      {"--today", "", true, "forms.option.today"},
      {"--help", "-h", false, "status.option.help"},
  };
  return kSpecs;
}

}  // namespace

int cmdForms(const std::vector<std::string>& argv) {
  std::string error;
  auto args = parseArgs(argv, formsOptions(), error);
  if (!args || args->has("--help")) {
    std::ostream& o = args ? std::cout : std::cerr;
    if (!args) o << kFormsCommand << ": " << error << "\n";
    o << msg::text("forms.usage") << "\n\n" << optionsHelp(formsOptions());
    return args ? kExitOk : kExitUsage;
  }
  auto configPath = args->get("--config");
  auto schoolId = args->get("--school");
  auto outDir = args->get("--output");
  if (!configPath || !schoolId || !outDir) {
    std::cerr << kFormsCommand << ": " << msg::text("forms.error.required") << "\n";
    return kExitUsage;
  }
  auto today = todayFrom(args->get("--today"), error);
  if (!today) {
    std::cerr << kFormsCommand << ": " << error << "\n";
    return kExitUsage;
  }
  Inputs in = loadInputs(*configPath);
  if (!in.config) {
    for (const auto& f : in.findings) {
      std::cerr << kFormsCommand << ": " << f.where.str() << ": " << f.message << "\n";
    }
    return kExitConfig;
  }
  const School* school = nullptr;
  std::string known;
  for (const auto& s : in.config->schools) {
    known += (known.empty() ? "" : ", ") + s.id;
    if (s.id == *schoolId) school = &s;
  }
  if (school == nullptr) {
    // A school the loader left out for its id (`../x`, `/abs`, empty) is a configuration error:
    // say why, with exit 78, rather than "no school" (docs/security.md).
    bool refusedId = false;
    for (const auto& f : in.findings) {
      if (f.code != "CONFIG_SCHOOL_ID") continue;
      refusedId = true;
      std::cerr << kFormsCommand << ": " << f.where.str() << ": " << f.message << " [" << f.code << "]"
                << (f.hint.empty() ? "" : "\n  → " + f.hint) << "\n";
    }
    if (refusedId) return kExitConfig;
    std::cerr << kFormsCommand << ": "
              << (known.empty() ? msg::text("forms.error.noSchools",
                                            {{"school", *schoolId}, {"file", *configPath}})
                                : msg::text("forms.error.noSchool", {{"school", *schoolId},
                                                                     {"file", *configPath},
                                                                     {"schools", known}}))
              << "\n";
    return kExitUsage;
  }

  std::vector<Finding> certFindings;
  CertificateFacts cert = readSchoolCertificate(*school, *today, extensionOids(*in.config), certFindings);
  for (const auto& f : certFindings) {
    // The forms are written anyway: the keyID is left blank for the pen.
    const msg::Args where = {{"where", f.where.str()}, {"message", f.message}};
    std::cerr << kFormsCommand << ": "
              << (f.severity == Severity::Error ? msg::text("forms.certificate.error", where)
                                                : msg::text("forms.certificate.warning", where))
              << (f.hint.empty() ? "" : "\n  → " + f.hint) << "\n";
  }

  // 附件2 carries the operator's full ID number: DIR is made private (0700) when missing, and
  // both files are new files of mode 0600 renamed into DIR, so a planted link or another
  // user's file there is replaced, never written through (docs/forms.md, docs/security.md).
  // The configuration loader checks school ids; a "/" would still put a form outside DIR, so it
  // is refused here too, whoever loaded the configuration.
  if (school->id.find('/') != std::string::npos) {
    std::cerr << kFormsCommand << ": "
              << msg::text("forms.error.schoolIdSlash",
                           {{"school", school->id}, {"file", *configPath}})
              << " [SCHOOL_ID_INVALID]\n  → " << msg::text("forms.error.schoolIdSlash.hint")
              << "\n";
    return kExitConfig;
  }
  const std::filesystem::path dir(*outDir);
  if (auto ok = files::prepareDirectory(dir, {.create = true, .othersMayWrite = true}); !ok) {
    printOutputError(std::cerr, kFormsCommand, ok.error());
    return kExitCantCreate;
  }
  // not-text: begin (the files' names: the forms' own titles)
  const auto form1 = dir / (school->id + "-附件1-职业技能评价专业评估申请表.html");
  const auto form2 = dir / (school->id + "-附件2-团体申报开户申请表.html");
  // not-text: end
  // The types say which of their targets the forms list (plugin::FormUse); a refused plugin is
  // reported by check, and its targets are listed.
  plugin_host::Host plugins;
  std::vector<Finding> pluginFindings;
  loadPlugins(plugins, &*in.config, pluginFindings);
  for (const auto& [path, content] :
       {std::pair{form1, renderEvaluationApplication(*school, *today, &plugins.registry())},
        std::pair{form2, renderAccountApplication(*school, cert.keyId, &plugins.registry())}}) {
    if (auto written = files::writeFileAtomic(path, content, {.mode = 0600, .what = "form"});
        !written) {
      printOutputError(std::cerr, kFormsCommand, written.error());
      return kExitCantCreate;
    }
  }
  auto window = nextEvaluationWindow(*today);
  auto office = evaluationOfficeFor(school->level);
  std::cout << msg::text("forms.done.evaluation", {{"path", form1.string()},
                                                   {"office", office.shortName},
                                                   {"officeFull", office.fullName},
                                                   {"window", evaluationWindowText(window)}})
            << "\n";
  // The 专业评估 of each major not yet approved: what 附件1 is for.
  for (const auto& major : school->majors) {
    for (const auto& t : major.targets) {
      const EvaluationStatus e = t.evaluation.status;
      if (e == EvaluationStatus::Approved) continue;
      std::cout << "      "
                << msg::text("status.evaluation", {{"major", major.name},
                                                   {"status", evaluationStatusName(e)},
                                                   {"advice", evaluationAdvice(e)}})
                << "\n";
      break;  // one line per major
    }
  }
  std::cout << msg::text(
                   "forms.done.account",
                   {{"path", form2.string()},
                    {"keyId", cert.keyId.empty() ? msg::text("forms.done.noKeyId") : cert.keyId}})
            << "\n"
            << msg::text("forms.done.private") << "\n";
  return kExitOk;
}

}  // namespace zzjb::cli
