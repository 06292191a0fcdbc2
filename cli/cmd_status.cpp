// `zzjb status -c CONFIG [--school ID] [--json] [--today YYYY-MM-DD]`: where each school and
// target stands, as a compact table for a terminal (or the report's JSON with --json).
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "args.hpp"
#include "commands.hpp"
#include "inputs.hpp"
#include "report_json.hpp"

namespace zzjb::cli {

namespace {

const std::vector<OptionSpec>& statusOptions() {
  static const std::vector<OptionSpec> kSpecs = {
      {"--config", "-c", true, "the configuration file (JSON)"},
      {"--school", "", true, "only this school (its id)"},
      {"--json", "", false, "print the report as JSON (as zzjb report --format json)"},
      {"--today", "", true, "pretend today is YYYY-MM-DD (rehearsals, tests)"},
      {"--help", "-h", false, "this help"},
  };
  return kSpecs;
}

// Columns a terminal gives a UTF-8 string: East Asian wide characters take two.
std::size_t displayWidth(std::string_view s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    char32_t cp = c;
    std::size_t len = 1;
    if (c >= 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else if (c >= 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xC0) {
      len = 2;
      cp = c & 0x1F;
    }
    for (std::size_t k = 1; k < len && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    i += len;
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
    w += wide ? 2 : 1;
  }
  return w;
}

std::string padRight(const std::string& s, std::size_t width) {
  const std::size_t w = displayWidth(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string padLeft(const std::string& s, std::size_t width) {
  const std::size_t w = displayWidth(s);
  return w >= width ? s : std::string(width - w, ' ') + s;
}

struct Style {
  bool on = false;
  [[nodiscard]] std::string health(Health h) const {
    const std::string label = std::string(healthLabel(h)) + " " + healthName(h);
    if (!on) return "[" + label + "]";
    const char* code = "0";
    switch (h) {
      case Health::Good:
        code = "1;32";
        break;
      case Health::Waiting:
        code = "1;34";
        break;
      case Health::Action:
        code = "1;33";
        break;
      case Health::Failed:
        code = "1;31";
        break;
      case Health::NotStarted:
        code = "2";
        break;
    }
    return std::string("\033[") + code + "m[" + label + "]\033[0m";
  }
  [[nodiscard]] std::string bold(const std::string& s) const {
    return on ? "\033[1m" + s + "\033[0m" : s;
  }
};

std::string passLine(const std::optional<ReportPass>& p) {
  if (!p) return "none yet";
  std::string s =
      shanghaiTimeText(p->finishedAt.empty() ? p->startedAt : p->finishedAt) + " " + p->outcomeName;
  if (!p->summary.empty()) s += " (" + p->summary + ")";
  return s;
}

void printSchool(std::ostream& out, const ReportSchool& s, const Style& st) {
  out << "\n"
      << st.bold(s.id + "  " + s.name) << " · " << s.levelName << "  " << st.health(s.health)
      << "\n";
  out << "  account " << s.accountName << " · last pass " << passLine(s.lastPass);
  if (s.pendingIntents > 0) out << " · unanswered requests " << s.pendingIntents;
  if (s.openBatches > 0) out << " · open batches " << s.openBatches;
  out << "\n";
  if (s.certificateDaysLeft || s.pin) {
    out << "  key";
    if (s.certificateDaysLeft) {
      out << " certificate valid to " << s.certificateNotAfter << " ("
          << (*s.certificateDaysLeft < 0 ? "expired"
                                         : std::to_string(*s.certificateDaysLeft) + " days left")
          << ")";
    }
    if (s.pin) {
      out << (s.certificateDaysLeft ? " ·" : "") << " PIN " << s.pin->status.describe()
          << " (seen " << shanghaiTimeText(s.pin->at) << ")";
    }
    out << "\n";
  }

  const std::vector<std::string> head = {"target",     "evaluation", "eligible", "excluded",
                                         "permission", "declared",   "accepted", "rejected",
                                         "pending",    "to send"};
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : s.targets) {
    std::size_t excluded = 0;
    for (const auto& rc : t.excludedByReason) excluded += rc.count;
    std::string eval;
    for (const auto& e : t.evaluations) eval += (eval.empty() ? "" : "/") + e.statusName;
    const bool known = s.storeRead;
    rows.push_back(
        {t.title, eval.empty() ? "-" : eval, std::to_string(t.eligible), std::to_string(excluded),
         permissionStateLabel(t.permission.state), known ? std::to_string(t.declared) : "-",
         known ? std::to_string(t.accepted) : "-", known ? std::to_string(t.rejected) : "-",
         known ? std::to_string(t.pending) : "-", std::to_string(t.notYetDeclared)});
  }
  std::vector<std::size_t> width(head.size(), 0);
  for (std::size_t c = 0; c < head.size(); ++c) {
    width[c] = displayWidth(head[c]);
    for (const auto& r : rows) width[c] = std::max(width[c], displayWidth(r[c]));
  }
  auto printRow = [&](const std::vector<std::string>& r) {
    out << "  ";
    for (std::size_t c = 0; c < r.size(); ++c) {
      const bool numeric = c >= 2 && c != 4;
      out << (numeric ? padLeft(r[c], width[c]) : padRight(r[c], width[c]))
          << (c + 1 < r.size() ? "  " : "");
    }
    out << "\n";
  };
  if (!rows.empty()) {
    printRow(head);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      printRow(rows[i]);
      const auto& t = s.targets[i];
      out << "      " << st.health(t.health) << " " << t.statusText << "\n";
    }
  } else {
    out << "  (no targets configured)\n";
  }
  for (const auto& p : s.problems) out << "  problem   " << p << "\n";
  if (!s.actions.empty()) {
    out << "  to do\n";
    for (const auto& a : s.actions) out << "    - " << a << "\n";
  }
  if (!s.reminders.empty()) {
    out << "  reminders\n";
    for (const auto& r : s.reminders) out << "    - " << r.text << "\n      → " << r.hint << "\n";
  }
}

}  // namespace

int cmdStatus(const std::vector<std::string>& argv) {
  std::string error;
  auto args = parseArgs(argv, statusOptions(), error);
  if (!args || args->has("--help")) {
    std::ostream& o = args ? std::cout : std::cerr;
    if (!args) o << "zzjb status: " << error << "\n";
    o << "usage: zzjb status -c CONFIG [--school ID] [--json] [--today YYYY-MM-DD]\n\n"
         "Where each school and target stands: eligible and excluded students, the permission,\n"
         "declared / accepted / rejected, the last pass, what to do and the reminders. Reads the\n"
         "configuration, the rosters and the state store; sends nothing, writes nothing.\n"
         "`zzjb report` gives the same with every student named (masked), as HTML or JSON.\n"
         "Exit: 0 shown, 64 usage, 75 store busy, 78 configuration or store unusable.\n\n"
      << optionsHelp(statusOptions());
    return args ? kExitOk : kExitUsage;
  }
  auto configPath = args->get("--config");
  if (!configPath) {
    std::cerr << "zzjb status: -c CONFIG is required\n";
    return kExitUsage;
  }
  auto today = todayFrom(args->get("--today"), error);
  if (!today) {
    std::cerr << "zzjb status: " << error << "\n";
    return kExitUsage;
  }
  CollectedReport collected =
      collectReport("zzjb status", *configPath, args->get("--school"), *today);
  if (collected.exitCode != 0) return collected.exitCode;
  const Report& r = collected.report;
  if (args->has("--json")) {
    std::cout << reportJson(r).dump(2) << "\n";
    return kExitOk;
  }
  Style st{isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr};
  std::cout << st.bold("zzjb status") << "  " << r.configFile << "  " << st.health(r.health)
            << "\n";
  std::cout << "today " << r.today.iso() << " · graduation year " << r.graduationYear << " · state "
            << (r.statePath.empty() ? "(not configured)" : r.statePath)
            << (r.storeExists ? "" : " (no pass yet: nothing recorded)") << "\n";
  for (const auto& n : r.notes) std::cout << "problem  " << n << "\n";
  for (const auto& s : r.schools) printSchool(std::cout, s, st);
  return kExitOk;
}

}  // namespace zzjb::cli
