// `zzjb forms -c CONFIG --school ID -o DIR`: 附件1 and 附件2 filled in, as A4 HTML to print.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "args.hpp"
#include "commands.hpp"
#include "inputs.hpp"
#include "output_files.hpp"
#include "zzjb/core/domain.hpp"
#include "zzjb/core/eligibility.hpp"
#include "zzjb/core/cert_types.hpp"
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
      {"--all", "", false, "forms.option.all"},
      {"--include-invalid", "", false, "forms.option.includeInvalid"},
      {"--help", "-h", false, "status.option.help"},
  };
  return kSpecs;
}

// What a form lists, and what it leaves off and why: on screen, under the form's line.
void printListed(std::ostream& o, const std::vector<FormRow>& rows, const std::vector<LeftOff>& left) {
  o << "      "
    << (rows.empty() ? msg::text("forms.listed.none")
                     : msg::text("forms.listed", {{"count", rows.size()}}))
    << "\n";
  for (const FormRow& r : rows) {
    if (r.mark.empty()) continue;
    o << "        " << msg::text("forms.listed.marked", {{"major", r.major->name},
                                                       {"target", targetTitle(*r.target)},
                                                       {"codes", r.mark}})
      << "\n";
  }
  if (left.empty()) return;
  o << "      " << msg::text("forms.leftOff", {{"count", left.size()}}) << "\n";
  for (const LeftOff& l : left) {
    o << "        "
      << msg::text(l.problem ? "forms.leftOff.problem" : "forms.leftOff.item",
                   {{"major", l.major->name},
                    {"target", targetTitle(*l.target)},
                    {"reason", l.reason},
                    {"code", l.code}})
      << "\n";
  }
}

// The 人才培养方案 to hand in with 附件1: one per major it lists.
void printTrainingPlans(std::ostream& o, const std::vector<FormRow>& rows) {
  std::vector<const Major*> majors;
  for (const FormRow& r : rows) {
    if (std::find(majors.begin(), majors.end(), r.major) == majors.end()) majors.push_back(r.major);
  }
  if (majors.empty()) return;
  o << "      " << msg::text("forms.plans") << "\n";
  for (const Major* m : majors) {
    std::error_code ec;
    const bool exists = !m->trainingPlan.empty() && std::filesystem::exists(m->trainingPlan, ec);
    o << "        "
      << (m->trainingPlan.empty()
              ? msg::text("forms.plans.none", {{"major", m->name}, {"path", m->jsonPath + ".trainingPlan"}})
          : exists ? msg::text("forms.plans.file", {{"major", m->name}, {"file", m->trainingPlan}})
                   : msg::text("forms.plans.missing", {{"major", m->name}, {"file", m->trainingPlan}}))
      << "\n";
  }
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
  // The same checks as `zzjb check` (without the rosters) decide what the forms list: a target
  // that breaks a rule is left off with its finding, and each form lists what it is for now
  // (docs/forms.md, "What each form lists"). The types say which of their targets each form
  // takes (plugin::FormUse); a refused plugin is reported by check, and its targets are listed.
  plugin_host::Host plugins;
  std::vector<Finding> pluginFindings;
  loadPlugins(plugins, &*in.config, pluginFindings);
  const EligibilityOptions checks{*today, in.catalog ? &*in.catalog : nullptr, &plugins.registry()};
  const SchoolResult checked = evaluateSchool(*school, {}, checks);
  const FormPlan plan = planForms(*school, checked, &plugins.registry(),
                                  {.includeInvalid = args->has("--include-invalid"),
                                   .all = args->has("--all")});
  for (const auto& [path, content] :
       {std::pair{form1, renderEvaluationApplication(*school, *today, plan.evaluation)},
        std::pair{form2, renderAccountApplication(*school, cert.keyId, plan.account)}}) {
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
  printListed(std::cout, plan.evaluation, plan.evaluationLeftOff);
  printTrainingPlans(std::cout, plan.evaluation);
  std::cout << msg::text(
                   "forms.done.account",
                   {{"path", form2.string()},
                    {"keyId", cert.keyId.empty() ? msg::text("forms.done.noKeyId") : cert.keyId}})
            << "\n";
  printListed(std::cout, plan.account, plan.accountLeftOff);
  // No CA key at all: where the school gets one (the notices' 上海市数字证书认证中心).
  for (const Finding& f : checked.findings) {
    if (f.code != "KEY_NOT_CONFIGURED") continue;
    std::cout << "      " << msg::text("forms.warning", {{"message", f.message}})
              << (f.hint.empty() ? "" : "\n        → " + f.hint) << "\n";
  }
  std::cout << msg::text("forms.done.private") << "\n";
  if (plan.problems()) {
    std::cerr << kFormsCommand << ": "
              << msg::text(args->has("--include-invalid") ? "forms.problems.marked"
                                                          : "forms.problems.leftOff")
              << "\n";
    return kExitData;
  }
  return kExitOk;
}

}  // namespace zzjb::cli
