// `zzjb forms -c CONFIG --school ID -o DIR`: 附件1 and 附件2 filled in, as A4 HTML to print.
#include <filesystem>
#include <iostream>

#include "args.hpp"
#include "commands.hpp"
#include "inputs.hpp"
#include "output_files.hpp"
#include "zzjb/core/forms.hpp"
#include "zzjb/files/files.hpp"
#include "zzjb/files/directory.hpp"

namespace zzjb::cli {

namespace {

const std::vector<OptionSpec>& formsOptions() {
  static const std::vector<OptionSpec> kSpecs = {
      {"--config", "-c", true, "the configuration file (JSON)"},
      {"--school", "", true, "the school's id in the configuration"},
      {"--output", "-o", true, "the directory to write the forms to (created if missing)"},
      {"--today", "", true, "pretend today is YYYY-MM-DD (the April/October window counts from it)"},
      {"--help", "-h", false, "this help"},
  };
  return kSpecs;
}

}  // namespace

int cmdForms(const std::vector<std::string>& argv) {
  std::string error;
  auto args = parseArgs(argv, formsOptions(), error);
  if (!args || args->has("--help")) {
    std::ostream& o = args ? std::cout : std::cerr;
    if (!args) o << "zzjb forms: " << error << "\n";
    o << "usage: zzjb forms -c CONFIG --school ID -o DIR [--today YYYY-MM-DD]\n\n"
         "Writes the two paper forms of the notices, filled from the configuration, as A4 HTML:\n"
         "  附件1 职业技能评价专业评估申请表 (to 市教委教研室 for 中职, 市教委职教处 for 高职)\n"
         "  附件2 团体申报开户申请表（学校） (to 市职鉴中心, 天山路1800号4号楼1楼窗口)\n"
         "Fields the configuration does not have stay blank for the pen.\n\n"
      << optionsHelp(formsOptions());
    return args ? kExitOk : kExitUsage;
  }
  auto configPath = args->get("--config");
  auto schoolId = args->get("--school");
  auto outDir = args->get("--output");
  if (!configPath || !schoolId || !outDir) {
    std::cerr << "zzjb forms: -c CONFIG, --school ID and -o DIR are all required\n";
    return kExitUsage;
  }
  auto today = todayFrom(args->get("--today"), error);
  if (!today) {
    std::cerr << "zzjb forms: " << error << "\n";
    return kExitUsage;
  }
  Inputs in = loadInputs(*configPath);
  if (!in.config) {
    for (const auto& f : in.findings) {
      std::cerr << "zzjb forms: " << f.where.str() << ": " << f.message << "\n";
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
      std::cerr << "zzjb forms: " << f.where.str() << ": " << f.message << " [" << f.code << "]"
                << (f.hint.empty() ? "" : "\n  → " + f.hint) << "\n";
    }
    if (refusedId) return kExitConfig;
    std::cerr << "zzjb forms: no school \"" << *schoolId << "\" in " << *configPath
              << " (schools: " << (known.empty() ? "none" : known) << ")\n";
    return kExitUsage;
  }

  std::vector<Finding> certFindings;
  CertificateFacts cert = readSchoolCertificate(*school, *today, extensionOids(*in.config), certFindings);
  for (const auto& f : certFindings) {
    std::cerr << "zzjb forms: " << severityName(f.severity) << ": " << f.where.str() << ": "
              << f.message << (f.hint.empty() ? "" : " (" + f.hint + ")") << "\n";
  }

  // 附件2 carries the operator's full ID number: DIR is made private (0700) when missing, and
  // both files are new files of mode 0600 renamed into DIR, so a planted link or another
  // user's file there is replaced, never written through (docs/forms.md, docs/security.md).
  // The configuration loader checks school ids; a "/" would still put a form outside DIR, so it
  // is refused here too, whoever loaded the configuration.
  if (school->id.find('/') != std::string::npos) {
    std::cerr << "zzjb forms: the school id \"" << school->id << "\" in " << *configPath
              << " holds a \"/\" and cannot name a file [SCHOOL_ID_INVALID]\n"
              << "  → use only letters, digits, '.', '_' and '-' in schools[].id (the pattern in "
                 "config/zzjb.schema.json)\n";
    return kExitConfig;
  }
  const std::filesystem::path dir(*outDir);
  if (auto ok = files::prepareDirectory(dir, {.create = true, .othersMayWrite = true,
                                              .what = "output directory"});
      !ok) {
    printOutputError(std::cerr, "zzjb forms", ok.error());
    return kExitCantCreate;
  }
  const auto form1 = dir / (school->id + "-附件1-职业技能评价专业评估申请表.html");
  const auto form2 = dir / (school->id + "-附件2-团体申报开户申请表.html");
  for (const auto& [path, content] :
       {std::pair{form1, renderEvaluationApplication(*school, *today)},
        std::pair{form2, renderAccountApplication(*school, cert.keyId)}}) {
    if (auto written = files::writeFileAtomic(path, content, {.mode = 0600, .what = "form"});
        !written) {
      printOutputError(std::cerr, "zzjb forms", written.error());
      return kExitCantCreate;
    }
  }
  auto window = nextEvaluationWindow(*today);
  auto office = evaluationOfficeFor(school->level);
  std::cout << "附件1 " << form1.string() << "\n"
            << "      to " << office.fullName << " (" << office.shortName << "), "
            << (window.openNow ? "accepted this month" : "next accepted in")
            << " " << window.year << "-" << (window.month < 10 ? "0" : "") << window.month
            << "; three copies with the school seal, plus each major's 人才培养方案\n"
            << "附件2 " << form2.string() << "\n"
            << "      keyID " << (cert.keyId.empty() ? "(blank: no certificate or keyID configured)" : cert.keyId)
            << "; sign, seal, and hand the original to 天山路1800号4号楼1楼窗口 (62748577-4112)\n"
            << "both files hold personal data (the operator's ID number): they are readable by you "
               "only\n";
  return kExitOk;
}

}  // namespace zzjb::cli
