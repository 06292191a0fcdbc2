// `zzjb status --brief`: the row model, its ranking and its one-line form (status_brief.hpp).
#include "status_brief.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "zzjb/messages/catalog.hpp"

namespace zzjb::cli {

namespace {

constexpr std::array kAllStates = {BriefState::Failed,     BriefState::Quarantined,
                                   BriefState::KeyProbeFailed, BriefState::Action,
                                   BriefState::Waiting,    BriefState::NotStarted,
                                   BriefState::Paused,     BriefState::Good};

BriefState fromHealth(Health h) {
  switch (h) {
    case Health::Good: return BriefState::Good;
    case Health::NotStarted: return BriefState::NotStarted;
    case Health::Waiting: return BriefState::Waiting;
    case Health::Action: return BriefState::Action;
    case Health::Failed: return BriefState::Failed;
  }
  return BriefState::Failed;
}

// The length in bytes of the UTF-8 sequence starting with `c`.
std::size_t sequenceLength(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

// `s` in at most `width` columns: cut at a character, ending with "…" when cut.
std::string cutTo(const std::string& s, std::size_t width) {
  if (displayWidth(s) <= width) return s;
  if (width == 0) return "";
  std::string out;
  std::size_t used = 0;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = std::min(sequenceLength(static_cast<unsigned char>(s[i])), s.size() - i);
    const std::string ch = s.substr(i, len);
    const std::size_t w = displayWidth(ch);
    if (used + w + 1 > width) break;  // room for the ellipsis
    out += ch;
    used += w;
    i += len;
  }
  return out + "\u2026";
}

std::string padTo(const std::string& s, std::size_t width, bool right) {
  const std::string cut = cutTo(s, width);
  const std::size_t w = displayWidth(cut);
  const std::string pad(width > w ? width - w : 0, ' ');
  return right ? pad + cut : cut + pad;
}

// The PIN in a few words, from what the last opening of the key said.
std::string pinShort(const PinFact& pin) {
  const auto left = pin.retriesLeft();
  if (left && *left == 0) return msg::text("report.pin.locked");
  if (left && *left == 1) return msg::text("report.pin.finalTry");
  if (left) return msg::text("status.brief.pinLeft", {{"left", *left}});
  return pin.low() ? msg::text("report.pin.countLow") : msg::text("report.pin.ok");
}

// The last column: why a school is paused, else its key.
std::string noteOf(const BriefRow& r) {
  if (r.state == BriefState::Paused) {
    return msg::text("status.brief.paused", {{"reason", r.pausedReason.empty() ? "-" : r.pausedReason}});
  }
  if (r.state == BriefState::Quarantined && r.quarantine) {
    return msg::text("status.brief.quarantined", {{"code", r.quarantine->code}});
  }
  if (r.state == BriefState::KeyProbeFailed && r.probe) {
    return msg::text("status.brief.probeFailed", {{"code", r.probe->code}});
  }
  std::string note;
  if (r.certificateDaysLeft) {
    note = *r.certificateDaysLeft < 0
               ? msg::text("status.brief.certExpired")
               : msg::text("status.brief.cert", {{"days", *r.certificateDaysLeft}});
  }
  if (!r.pinText.empty()) {
    note += (note.empty() ? "" : " · ") + msg::text("status.brief.pin", {{"pin", r.pinText}});
  }
  return note.empty() ? "-" : note;
}

// Columns, in terminal columns: the id and the note have fixed room, the state and the to-do
// count as wide as their widest, the last pass at most kLastPass; the name takes what is left
// (kNameMin to kNameMax), the note the rest of the line.
constexpr std::size_t kId = 14;
constexpr std::size_t kNote = 26;
constexpr std::size_t kLastPass = 22;
constexpr std::size_t kNameMin = 8;
constexpr std::size_t kNameMax = 24;
constexpr std::size_t kGap = 2;
using Cells = std::array<std::string, 6>;  // id, name, state, to do, last pass, note

std::array<std::size_t, 5> columnWidths(const std::vector<Cells>& rows, std::size_t width) {
  std::array<std::size_t, 5> w = {kId, 0, 0, 0, 0};
  for (const BriefState s : kAllStates) w[2] = std::max(w[2], displayWidth(briefStateLabel(s)));
  for (const auto& r : rows) {
    w[2] = std::max(w[2], displayWidth(r[2]));
    w[3] = std::max(w[3], displayWidth(r[3]));
    w[4] = std::min(kLastPass, std::max(w[4], displayWidth(r[4])));
  }
  const std::size_t fixed = w[0] + w[2] + w[3] + w[4] + kNote + 5 * kGap;
  w[1] = std::clamp(width > fixed ? width - fixed : 0, kNameMin, kNameMax);
  return w;
}

std::string lineOf(const Cells& cells, const std::array<std::size_t, 5>& columns,
                   std::size_t width) {
  std::string line;
  std::size_t used = 0;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    line += padTo(cells[c], columns[c], c == 3) + std::string(kGap, ' ');
    used += columns[c] + kGap;
  }
  line += cutTo(cells[5], width > used ? width - used : 0);
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

}  // namespace

std::size_t displayWidth(std::string_view s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t len = sequenceLength(c);
    char32_t cp = len == 4 ? (c & 0x07) : len == 3 ? (c & 0x0F) : len == 2 ? (c & 0x1F) : c;
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

int briefRank(BriefState s) {
  switch (s) {
    case BriefState::Failed: return 0;
    case BriefState::Quarantined: return 1;
    case BriefState::KeyProbeFailed: return 2;
    case BriefState::Action: return 3;
    case BriefState::Waiting: return 4;
    case BriefState::NotStarted: return 5;
    case BriefState::Paused: return 6;  // no action needed, as up to date
    case BriefState::Good: return 7;
  }
  return 0;
}

const char* briefStateName(BriefState s) {
  switch (s) {
    case BriefState::Failed: return "FAILED";
    case BriefState::Quarantined: return "QUARANTINED";
    case BriefState::KeyProbeFailed: return "KEY_PROBE_FAILED";
    case BriefState::Action: return "ACTION";
    case BriefState::Waiting: return "WAITING";
    case BriefState::NotStarted: return "NOT_STARTED";
    case BriefState::Paused: return "PAUSED";
    case BriefState::Good: return "OK";
  }
  return "FAILED";
}

std::string briefStateLabel(BriefState s) {
  // The report's health labels where the state is one of its (正常, 失败 …); the brief view's
  // own otherwise.
  switch (s) {
    case BriefState::Paused: return msg::text("status.brief.state.PAUSED");
    case BriefState::Quarantined: return msg::text("status.brief.state.QUARANTINED");
    case BriefState::KeyProbeFailed: return msg::text("status.brief.state.KEY_PROBE_FAILED");
    default: break;
  }
  return msg::text(std::string("report.health.") + briefStateName(s));
}

BriefRow briefRow(const ReportSchool& s) {
  BriefRow r;
  r.id = s.id;
  r.name = s.name;
  r.quarantine = s.quarantine;
  r.probe = s.probe;
  // A pause outranks what the store last said: nothing is done for the school until resumed.
  if (s.paused) {
    r.state = BriefState::Paused;
    r.pausedReason = s.pausedReason;
  } else if (s.quarantine) {
    // Its failed pass is what quarantined it: the quarantine says more (and what to change).
    r.state = BriefState::Quarantined;
  } else if (s.health == Health::Failed) {
    r.state = BriefState::Failed;
  } else if (s.probe && !s.probe->ok) {
    r.state = BriefState::KeyProbeFailed;
  } else {
    r.state = fromHealth(s.health);
  }
  for (const auto& t : s.targets) r.todo += t.notYetDeclared + (s.storeRead ? t.pending : 0);
  if (s.lastPass) {
    r.lastPassAt = shanghaiTimeText(s.lastPass->finishedAt.empty() ? s.lastPass->startedAt
                                                                   : s.lastPass->finishedAt);
    r.lastPassOutcome = s.lastPass->outcome;
    r.lastPassOutcomeText = s.lastPass->outcomeName;
  }
  r.certificateDaysLeft = s.certificateDaysLeft;
  if (s.pin) {
    r.pinRetriesLeft = s.pin->retriesLeft();
    r.pinCode = s.pin->code;
    r.pinText = pinShort(*s.pin);
  }
  return r;
}

std::vector<BriefRow> briefRows(const Report& report) {
  std::vector<BriefRow> rows;
  rows.reserve(report.schools.size());
  for (const auto& s : report.schools) rows.push_back(briefRow(s));
  std::stable_sort(rows.begin(), rows.end(), [](const BriefRow& a, const BriefRow& b) {
    if (briefRank(a.state) != briefRank(b.state)) return briefRank(a.state) < briefRank(b.state);
    if (a.todo != b.todo) return a.todo > b.todo;
    return a.id < b.id;
  });
  return rows;
}

std::vector<std::string> briefLines(const std::vector<BriefRow>& rows, std::size_t width) {
  std::vector<Cells> cells;
  cells.reserve(rows.size() + 1);
  cells.push_back({msg::text("status.brief.col.school"), msg::text("status.brief.col.name"),
                   msg::text("status.brief.col.state"), msg::text("status.brief.col.todo"),
                   msg::text("status.brief.col.lastPass"), msg::text("status.brief.col.key")});
  std::map<BriefState, std::size_t> counts;
  for (const auto& r : rows) {
    ++counts[r.state];
    // "03-01 09:13 已是最新": the year is this one, or the pass is long ago anyway.
    const std::string last =
        r.lastPassAt ? r.lastPassAt->substr(std::min<std::size_t>(5, r.lastPassAt->size())) + " " +
                           r.lastPassOutcomeText
                     : msg::text("status.pass.none");
    cells.push_back({r.id, r.name, briefStateLabel(r.state), std::to_string(r.todo), last,
                     noteOf(r)});
  }
  const auto columns = columnWidths(cells, width);
  std::vector<std::string> lines;
  lines.reserve(rows.size() + 2);
  for (const auto& c : cells) lines.push_back(lineOf(c, columns, width));
  std::string parts;
  for (const BriefState s : kAllStates) {
    if (counts[s] == 0) continue;
    parts += (parts.empty() ? "" : " · ") +
             msg::text("status.brief.count", {{"state", briefStateLabel(s)}, {"count", counts[s]}});
  }
  lines.push_back(cutTo(msg::text("status.brief.summary", {{"count", rows.size()}, {"counts", parts}}),
                        width));
  return lines;
}

nlohmann::json briefJson(const std::vector<BriefRow>& rows) {
  nlohmann::json schools = nlohmann::json::array();
  nlohmann::json counts = nlohmann::json::object();
  for (const BriefState s : kAllStates) counts[briefStateName(s)] = 0;
  for (const auto& r : rows) {
    counts[briefStateName(r.state)] = counts[briefStateName(r.state)].get<std::size_t>() + 1;
    nlohmann::json j = {{"id", r.id}, {"name", r.name}, {"state", briefStateName(r.state)},
                        {"todo", r.todo}};
    // Keys are left out when there is nothing to say (as in the log lines).
    if (r.lastPassAt) j["lastPass"] = {{"at", *r.lastPassAt}, {"outcome", r.lastPassOutcome}};
    if (r.certificateDaysLeft) j["certificateDaysLeft"] = *r.certificateDaysLeft;
    if (!r.pinCode.empty()) {
      j["pin"] = {{"code", r.pinCode}};
      if (r.pinRetriesLeft) j["pin"]["retriesLeft"] = *r.pinRetriesLeft;
    }
    if (r.state == BriefState::Paused) j["pausedReason"] = r.pausedReason;
    if (r.quarantine) j["quarantine"] = {{"code", r.quarantine->code}, {"since", r.quarantine->since}};
    if (r.probe) j["probe"] = {{"ok", r.probe->ok}, {"code", r.probe->code}, {"at", r.probe->at}};
    schools.push_back(std::move(j));
  }
  return {{"schools", std::move(schools)}, {"counts", std::move(counts)}};
}

}  // namespace zzjb::cli
