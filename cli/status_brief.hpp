// `zzjb status --brief`: one line per school, what needs action first (docs/report.md,
// "Many schools at a glance"). The row model and the ranking live here, in one place, so that a
// new state (quarantined, key probe failed …) is one enumerator, one rank and one label.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "zzjb/core/report.hpp"

namespace zzjb::cli {

// A school's state in the brief view, in the order of what needs a person first. To add a state:
// add it here, give it a rank in briefRank, a code in briefStateName and a label
// "status.brief.state.<CODE>" in the catalog (briefStateLabel), a note in noteOf if it has one,
// and decide it in briefRow from what the report (its store facts) says.
enum class BriefState {
  Failed,          // FAILED: the last pass failed, or the store could not be read
  Quarantined,     // QUARANTINED: its identity was refused; not tried until it changes
  KeyProbeFailed,  // KEY_PROBE_FAILED: the last key probe could not open or sign with the key
  Action,          // ACTION: people must do something (a rejected permission, bad data …)
  Waiting,     // WAITING: on the centre or the platform
  NotStarted,  // NOT_STARTED: no pass yet
  Paused,      // PAUSED: "enabled": false in the configuration; nothing to do until resumed
  Good,        // OK: up to date
};

// Smaller is shown first: failed, quarantined, key probe failed, waiting on people, waiting on
// others, not started, then what needs no action (paused, up to date).
[[nodiscard]] int briefRank(BriefState s);
[[nodiscard]] const char* briefStateName(BriefState s);  // "FAILED", … (not-text: codes)
[[nodiscard]] std::string briefStateLabel(BriefState s);  // the catalog's, in the language

struct BriefRow {
  std::string id;
  std::string name;
  BriefState state = BriefState::NotStarted;
  std::size_t todo = 0;  // students still to declare (eligible, no record) or waiting (pending)
  std::optional<std::string> lastPassAt;  // Asia/Shanghai, "2027-03-01 09:13"; nullopt: none
  std::string lastPassOutcome;            // UP_TO_DATE … (code); empty when none
  std::string lastPassOutcomeText;        // 已是最新 …
  std::optional<long> certificateDaysLeft;  // negative: expired; nullopt: not readable
  std::optional<int> pinRetriesLeft;        // as the last opening of the key told
  std::string pinCode;                      // the PinFact's code (OK, PIN_WRONG …); empty: none
  std::string pinText;                      // the PIN's state in short, in the language
  std::string pausedReason;                 // PAUSED only
  std::optional<QuarantineFact> quarantine;  // the store's fact, when quarantined
  std::optional<ProbeFact> probe;            // the last key probe's, when one ran
};

// One school's row.
[[nodiscard]] BriefRow briefRow(const ReportSchool& s);
// Every school of the report, ranked (briefRank, then more to do first, then id).
[[nodiscard]] std::vector<BriefRow> briefRows(const Report& r);

// The lines to print: a header, one line per row, then the counts per state. No line is wider
// than `width` terminal columns (ids, names and notes are cut with "…").
[[nodiscard]] std::vector<std::string> briefLines(const std::vector<BriefRow>& rows,
                                                  std::size_t width = 99);
// The same rows as JSON: {"schools": [...], "counts": {"FAILED": n, …}}.
[[nodiscard]] nlohmann::json briefJson(const std::vector<BriefRow>& rows);

// Columns a terminal gives a UTF-8 string (East Asian wide characters take two).
[[nodiscard]] std::size_t displayWidth(std::string_view s);

}  // namespace zzjb::cli
