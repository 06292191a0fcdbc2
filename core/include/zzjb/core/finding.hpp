// What zzjb found wrong (or worth saying) about its inputs, and where: the currency of `zzjb check`.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <vector>

#include "zzjb/messages/catalog.hpp"

namespace zzjb {

enum class Severity { Info, Warning, Error };

// Which exit code an error maps to: configuration that cannot be used at all (78) or data
// that is readable but wrong (65).
enum class FindingKind { Data, Config };

// Where a finding points: a file and line (rosters, CSV), a cell (xlsx), or a JSON path
// (configuration, catalog). Empty parts are left out when printed.
struct Location {
  std::string file;       // as the user wrote it or relative to the working directory
  std::size_t line = 0;   // 1-based; 0 = no line
  std::string cell;       // xlsx: "Sheet1!C5"
  std::string jsonPath;   // "$.schools[1].majors[0].targets[0].level"

  // "rosters/2027.csv:14", "rosters/2027.xlsx:14 (Sheet1!C14)", "zzjb.json: $.schools[0].name"
  [[nodiscard]] std::string str() const;
};

struct Finding {
  Severity severity = Severity::Error;
  FindingKind kind = FindingKind::Data;
  std::string code;     // stable, UPPER_SNAKE: ID_CHECK_DIGIT, LEVEL_NOT_ALLOWED, ...
  Location where;
  std::string message;  // from the catalog, in the process's language; never a full ID number or PIN
  std::string hint;     // what to do about it (from the catalog; may be empty)
  std::string school;   // school id, when the finding belongs to one
  msg::Args args;       // the message's parameters, for --json (already masked)
};

// A finding whose message is the catalog's text for `code` and whose hint is the text of
// "<code>.hint" when the catalog has one (docs/messages.md). `textCode` names another message
// when one finding code is worded differently in different cases.
[[nodiscard]] Finding makeFinding(Severity severity, FindingKind kind, std::string code,
                                  Location where, msg::Args args = {},
                                  std::string_view textCode = {});

// An expected failure carried as a value. Exceptions are not used for bad input.
template <typename T>
using Result = std::expected<T, Finding>;

[[nodiscard]] const char* severityName(Severity s);

// An error about configuration or the environment (a key, a token, a file), not about data.
[[nodiscard]] inline Finding configFinding(std::string code, std::string message,
                                           std::string hint = {}) {
  Finding f;
  f.severity = Severity::Error;
  f.kind = FindingKind::Config;
  f.code = std::move(code);
  f.message = std::move(message);
  f.hint = std::move(hint);
  return f;
}

// A configuration or environment error worded by the catalog (makeFinding, FindingKind::Config).
[[nodiscard]] Finding configError(std::string code, msg::Args args = {},
                                  std::string_view textCode = {});

// Collects findings while a component goes on working: a bad row never stops the good ones.
class Findings {
 public:
  void add(Finding f) { items_.push_back(std::move(f)); }
  void append(const std::vector<Finding>& more) { items_.insert(items_.end(), more.begin(), more.end()); }
  [[nodiscard]] const std::vector<Finding>& items() const { return items_; }
  [[nodiscard]] std::vector<Finding>& items() { return items_; }
  [[nodiscard]] std::size_t count(Severity s) const;
  [[nodiscard]] bool hasErrors(FindingKind k) const;

 private:
  std::vector<Finding> items_;
};

}  // namespace zzjb
