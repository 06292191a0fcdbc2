// The status report as one self-contained HTML page: inline CSS, no scripts, no external
// resources, printable on A4. A summary with a coloured status per school on top, the reminders,
// then one section per school and target with its tables. Every text is escaped (htmlEscape).
// Elements that tests and tools look for carry data-* attributes (data-school, data-target,
// data-health, data-reminder).
#include <string>
#include <string_view>

#include "zzjb/core/domain.hpp"
#include "zzjb/core/forms.hpp"
#include "zzjb/core/report.hpp"
#include "zzjb/messages/catalog.hpp"

namespace zzjb {

namespace {

// not-text: begin (the page's CSS)
constexpr std::string_view kStyle = R"(
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body {
  margin: 0 auto; padding: 16px 20px 40px; max-width: 1100px; color: #1b1b1b; background: #fff;
  font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Source Han Sans SC", "Microsoft YaHei",
    "PingFang SC", sans-serif;
  font-size: 14px; line-height: 1.5;
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
}
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 0; display: inline; }
h3 { font-size: 16px; margin: 0; display: inline; }
.meta { color: #555; margin: 0 0 16px; }
.meta span { margin-right: 18px; white-space: nowrap; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border: 1px solid #c8c8c8; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f1f3f5; font-weight: 600; white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.id { font-family: "DejaVu Sans Mono", Consolas, monospace; white-space: nowrap; }
td.name { white-space: nowrap; }
table.summary td.status { min-width: 13em; }
td.where { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 12px; }
.badge {
  display: inline-block; padding: 1px 10px; border-radius: 10px; color: #fff; font-size: 13px;
  font-weight: 600; white-space: nowrap; vertical-align: 2px; margin-left: 8px;
}
.h-OK { background: #2e7d32; }
.h-WAITING { background: #1565c0; }
.h-ACTION { background: #c77800; }
.h-FAILED { background: #c62828; }
.h-NOT_STARTED { background: #757575; }
tr.row-OK td.status { border-left: 6px solid #2e7d32; }
tr.row-WAITING td.status { border-left: 6px solid #1565c0; }
tr.row-ACTION td.status { border-left: 6px solid #c77800; }
tr.row-FAILED td.status { border-left: 6px solid #c62828; }
tr.row-NOT_STARTED td.status { border-left: 6px solid #757575; }
section.school { border-top: 3px solid #333; margin-top: 28px; padding-top: 10px; }
section.target { border: 1px solid #d6d6d6; border-radius: 4px; margin: 14px 0; padding: 10px 12px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0; }
.facts dt { color: #555; }
.facts dd { margin: 0; }
.box { border-left: 5px solid; padding: 6px 12px; margin: 10px 0; background: #fafafa; }
.box.action { border-color: #c77800; background: #fff8e6; }
.box.remind { border-color: #1565c0; background: #eef4fc; }
.box.fail { border-color: #c62828; background: #fdecea; }
.box ul { margin: 4px 0; padding-left: 20px; }
.box h4 { margin: 0; font-size: 14px; }
.hint { color: #444; }
.muted { color: #757575; }
.status-line { margin: 4px 0 0; }
footer { margin-top: 30px; color: #757575; font-size: 12px; }
@media print {
  body { padding: 0; font-size: 11px; max-width: none; }
  section.school { break-before: page; }
  section.target, tr, .box { break-inside: avoid; }
}
)";
// not-text: end

std::string esc(std::string_view s) {
  return htmlEscape(s);
}

// A catalog text, escaped (its arguments are filled in before escaping).
std::string t(std::string_view code, const msg::Args& args = {}) {
  return htmlEscape(msg::text(code, args));
}

std::string badge(Health h) {
  return std::string("<span class=\"badge h-") + healthName(h) + "\" data-health=\"" +
         healthName(h) + "\">" + esc(healthLabel(h)) + "</span>";
}

std::string num(std::size_t n) {
  return std::to_string(n);
}

std::string muted(const std::string& html) {
  return "<span class=\"muted\">" + html + "</span>";
}

// When the last pass ended and how. The pass's stored summary is the engine's own line (not from
// the catalog): the JSON report carries it for scripts.
std::string passText(const std::optional<ReportPass>& p) {
  if (!p) return muted(t("report.html.none"));
  return esc(shanghaiTimeText(p->finishedAt.empty() ? p->startedAt : p->finishedAt)) + " · " +
         esc(p->outcomeName);
}

struct Totals {
  std::size_t eligible = 0;
  std::size_t declared = 0;
  std::size_t accepted = 0;
  std::size_t rejected = 0;
  std::size_t pending = 0;
};
Totals totalsOf(const ReportSchool& s) {
  Totals t;
  for (const auto& x : s.targets) {
    t.eligible += x.eligible;
    t.declared += x.declared;
    t.accepted += x.accepted;
    t.rejected += x.rejected;
    t.pending += x.pending;
  }
  return t;
}

void appendList(std::string& out, const std::vector<std::string>& items) {
  out += "<ul>";
  for (const auto& i : items) out += "<li>" + esc(i) + "</li>";
  out += "</ul>\n";
}

std::string th(std::string_view code, bool numeric = false) {
  return std::string(numeric ? "<th class=\"n\">" : "<th>") + t(code) + "</th>";
}

void appendReminders(std::string& out, const std::vector<Reminder>& reminders, bool withSchool,
                     const Report& r) {
  if (reminders.empty()) return;
  out += "<div class=\"box remind\"><h4>" + t("report.html.reminders") + "</h4><ul>";  // not-text: markup
  for (const auto& m : reminders) {
    out += std::string("<li data-reminder=\"") + reminderKindName(m.kind) + "\">";
    if (withSchool) {
      std::string name = m.school;
      for (const auto& s : r.schools) {
        if (s.id == m.school) name = s.name;
      }
      // The catalog's text (trusted) around escaped values.
      out += msg::text("report.html.reminder.school",
                       {{"school", "<b>" + esc(name) + "</b>"}, {"text", esc(m.text)}});
    } else {
      out += esc(m.text);
    }
    out += " <span class=\"hint\">→ " + esc(m.hint) + "</span></li>";
  }
  out += "</ul></div>\n";
}

void appendSummary(std::string& out, const Report& r) {
  out += "<h2>" + t("report.html.summary") + "</h2>" + badge(r.health) + "\n";
  out += "<table class=\"summary\"><thead><tr>" + th("report.html.col.school") +
         th("report.html.col.health") + th("report.html.col.lastPass") +
         th("report.html.col.eligible", true) + th("report.html.col.declared", true) +
         th("report.html.col.accepted", true) + th("report.html.col.rejected", true) +
         th("report.html.col.todo") + "</tr></thead><tbody>\n";
  for (const auto& s : r.schools) {
    const Totals n = totalsOf(s);
    out += std::string("<tr class=\"row-") + healthName(s.health) + "\" data-school=\"" +
           esc(s.id) + "\"><td class=\"status\"><a href=\"#school-" + esc(s.id) + "\">" +
           esc(s.name) + "</a><br>" + muted(esc(s.id) + " · " + esc(s.levelName)) + "</td>";
    out += "<td>" + badge(s.health) + "</td><td>" + passText(s.lastPass) + "</td>";
    out += "<td class=\"n\">" + num(n.eligible) + "</td><td class=\"n\">" + num(n.declared) +
           "</td><td class=\"n\">" + num(n.accepted) + "</td><td class=\"n\">" + num(n.rejected) +
           "</td><td>";
    if (s.actions.empty()) {
      out += muted("—");
    } else {
      out += esc(s.actions.front());
      if (s.actions.size() > 1)
        out += " " + muted(t("report.html.more", {{"count", s.actions.size()}}));
    }
    out += "</td></tr>\n";
  }
  out += "</tbody></table>\n";
  out += "<p class=\"muted\">" + t("report.html.legend");
  for (Health h :
       {Health::Good, Health::Waiting, Health::Action, Health::Failed, Health::NotStarted}) {
    out += std::string("<span class=\"badge h-") + healthName(h) + "\">" + esc(healthLabel(h)) +
           "</span> ";
    switch (h) {
      case Health::Good:
        out += t("report.html.legend.OK");
        break;
      case Health::Waiting:
        out += t("report.html.legend.WAITING");
        break;
      case Health::Action:
        out += t("report.html.legend.ACTION");
        break;
      case Health::Failed:
        out += t("report.html.legend.FAILED");
        break;
      case Health::NotStarted:
        out += t("report.html.legend.NOT_STARTED");
        break;
    }
    out += " ";
  }
  out += "</p>\n";
}

void appendStudents(std::string& out, const std::vector<ReportStudent>& students, bool platform) {
  out += "<table class=\"students\"><thead><tr>" + th("report.html.col.idNumber") +
         th("report.html.col.name") + th("report.html.col.where") + th("report.html.col.reason") +
         th("report.html.col.hint") + "</tr></thead><tbody>\n";
  for (const auto& s : students) {
    out += "<tr data-code=\"" + esc(s.code) + "\"><td class=\"id\">" + esc(s.maskedId) +
           "</td><td class=\"name\">" + (s.name.empty() ? muted("—") : esc(s.name)) +
           "</td><td class=\"where\">" +
           (s.where.empty() ? (platform ? muted(t("report.html.notInRoster")) : std::string())
                            : esc(s.where)) +
           "</td><td>" + esc(s.reason) + " " + muted(esc(s.code));
    if (!s.detail.empty()) out += "<br>" + muted(esc(s.detail));
    out += "</td><td class=\"hint\">" + esc(s.hint) + "</td></tr>\n";
  }
  out += "</tbody></table>\n";
}

std::string permissionText(const ReportPermission& p) {
  std::string s = esc(permissionStateLabel(p.state));
  if (p.state == PermissionState::Unknown) {
    s = muted(
        p.status.empty()
            ? t("report.html.permission.notQueried", {{"state", permissionStateLabel(p.state)}})
            : t("report.html.permission.status",
                {{"state", permissionStateLabel(p.state)}, {"status", p.status}}));
  }
  if (!p.applicationId.empty())
    s += " " + muted(t("report.html.applicationId", {{"id", p.applicationId}}));
  if (p.waitingDays >= 0) s += " " + t("report.html.permission.waiting", {{"days", p.waitingDays}});
  if (!p.reason.empty()) s += "<br>" + esc(p.reason);
  if (!p.hint.empty()) s += "<br><span class=\"hint\">→ " + esc(p.hint) + "</span>";
  return s;
}

std::string fact(std::string_view code, const std::string& html) {
  return "<dt>" + t(code) + "</dt><dd>" + html + "</dd>";
}

void appendTarget(std::string& out, const ReportTarget& tg, bool storeRead) {
  out += "<section class=\"target\" data-target=\"" + esc(tg.key) + "\">\n<h3>" + esc(tg.title) +
         "</h3>" + badge(tg.health) + "\n<p class=\"status-line\">" + esc(tg.statusText) + "</p>\n";
  out += "<dl class=\"facts\">";
  out += fact("report.html.fact.type", esc(tg.typeName.empty() ? tg.type : tg.typeName));
  if (!tg.orgName.empty()) out += fact("report.html.fact.org", esc(tg.orgName));
  std::string evals;
  for (std::size_t i = 0; i < tg.evaluations.size(); ++i) {
    const auto& e = tg.evaluations[i];
    evals += (i == 0 ? std::string() : "<br>") + esc(e.major) + " " + esc(e.statusName);
    if (!e.opinionNo.empty()) evals += " " + muted(esc(e.opinionNo));
    if (e.state != EvaluationStatus::Approved) {
      evals += " <span class=\"hint\" data-evaluation=\"" +
               std::string(evaluationStatusConfigName(e.state)) + "\">→ " +
               esc(evaluationAdvice(e.state)) + "</span>";
    }
  }
  if (tg.evaluations.empty()) evals = muted("—");
  out += fact("report.html.fact.evaluation", evals);
  out += fact("report.html.fact.permission", permissionText(tg.permission));
  out += "<dt>" + t("report.html.fact.key") + "</dt><dd class=\"muted\">" + esc(tg.key) +
         "</dd></dl>\n";

  std::size_t excluded = 0;
  for (const auto& rc : tg.excludedByReason) excluded += rc.count;
  out += "<table class=\"counts\"><thead><tr>" + th("report.html.col.eligible", true) +
         th("report.html.col.excluded", true) + th("report.html.col.declared", true) +
         th("report.html.col.accepted", true) + th("report.html.col.rejected", true) +
         th("report.html.col.pending", true) + th("report.html.col.toSend", true) +
         "</tr></thead><tbody><tr>";
  out += "<td class=\"n\">" + num(tg.eligible) + "</td><td class=\"n\">" + num(excluded) + "</td>";
  if (storeRead) {
    out += "<td class=\"n\">" + num(tg.declared) + "</td><td class=\"n\">" + num(tg.accepted) +
           "</td><td class=\"n\">" + num(tg.rejected) + "</td><td class=\"n\">" + num(tg.pending) +
           "</td>";
  } else {
    out += "<td class=\"n muted\" colspan=\"4\">" + t("report.html.noRecords") + "</td>";
  }
  out += "<td class=\"n\">" + num(tg.notYetDeclared) + "</td></tr></tbody></table>\n";

  if (!tg.excluded.empty()) {
    std::string byReason;
    for (const auto& rc : tg.excludedByReason) {
      byReason += (byReason.empty() ? "" : msg::text("report.join.list")) +
                  msg::text(rc.expected ? "report.reasonCount.expected" : "report.reasonCount",
                            {{"reason", rc.text}, {"count", rc.count}});
    }
    out += "<h4>" + t("report.html.excluded", {{"count", tg.excluded.size()}}) + " " +
           muted(esc(byReason)) + "</h4>\n";
    appendStudents(out, tg.excluded, false);
  }
  if (!tg.rejectedStudents.empty()) {
    out += "<h4>" + t("report.html.rejected", {{"count", tg.rejectedStudents.size()}}) + "</h4>\n";
    appendStudents(out, tg.rejectedStudents, true);
  }
  out += "</section>\n";
}

void appendBox(std::string& out, const char* cls, std::string_view title,
               const std::vector<std::string>& items) {
  if (items.empty()) return;
  out += std::string("<div class=\"box ") + cls + "\"><h4>" + t(title) + "</h4>";
  appendList(out, items);
  out += "</div>\n";
}

void appendSchool(std::string& out, const ReportSchool& s) {
  out += "<section class=\"school\" id=\"school-" + esc(s.id) + "\" data-school=\"" + esc(s.id) +
         "\">\n<h2>" + esc(s.name) + "</h2>" + badge(s.health) + "\n";
  out += "<dl class=\"facts\">";
  out += fact("report.html.fact.school",
              t("report.html.school.level",
                {{"id", s.id}, {"level", s.levelName}, {"allowed", levelName(s.allowedLevel)}}));
  out += fact("report.html.fact.roster",
              s.findings.errors + s.findings.warnings > 0
                  ? t("report.html.roster.findings", {{"count", s.students},
                                                      {"errors", s.findings.errors},
                                                      {"warnings", s.findings.warnings}})
                  : t("report.html.roster", {{"count", s.students}}));
  out += fact("report.html.fact.account", esc(s.accountName));
  if (s.certificateDaysLeft) {
    const std::string cert =
        *s.certificateDaysLeft < 0
            ? msg::text("report.html.certificate.expired", {{"date", s.certificateNotAfter}})
            : msg::text("report.html.certificate.valid",
                        {{"date", s.certificateNotAfter}, {"days", *s.certificateDaysLeft}});
    out += fact("report.html.fact.certificate",
                s.pin ? t("report.html.certificate.pin",
                          {{"certificate", cert}, {"pin", pinStateText(*s.pin)}})
                      : esc(cert));
  } else if (s.pin) {
    out +=
        fact("report.html.fact.certificate", t("report.html.pin", {{"pin", pinStateText(*s.pin)}}));
  }
  out += fact("report.html.fact.lastPass", passText(s.lastPass));
  if (s.lastPass && s.lastPass->kind == SchoolOutcomeKind::Failed) {
    out += fact("report.html.fact.lastSuccess", passText(s.lastSuccessfulPass));
  }
  if (s.pendingIntents > 0) {
    out += fact("report.html.fact.unanswered",
                t("report.html.unanswered", {{"count", s.pendingIntents}}));
  }
  if (s.openBatches > 0) out += fact("report.html.fact.openBatches", num(s.openBatches));
  out += "</dl>\n";
  appendBox(out, "fail", "report.html.problems", s.problems);
  appendBox(out, "action", "report.html.todo", s.actions);
  appendBox(out, "fail", "report.html.findings", s.findingLines);
  if (!s.reminders.empty()) {
    out += "<div class=\"box remind\"><h4>" + t("report.html.reminders") + "</h4><ul>";  // not-text: markup
    for (const auto& m : s.reminders) {
      out += std::string("<li data-reminder=\"") + reminderKindName(m.kind) + "\">" + esc(m.text) +
             " <span class=\"hint\">→ " + esc(m.hint) + "</span></li>";
    }
    out += "</ul></div>\n";
  }
  for (const auto& tg : s.targets) appendTarget(out, tg, s.storeRead);
  out += "</section>\n";
}

}  // namespace

std::string renderReportHtml(const Report& r) {
  std::string out;
  out.reserve(16384);
  out += std::string("<!DOCTYPE html>\n<html lang=\"") + msg::tag(msg::language()) +
         "\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         t("report.html.title", {{"date", r.today.iso()}}) + "</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n";
  out += "<h1>" + t("report.html.heading") + "</h1>\n<p class=\"meta\">";
  out += "<span>" + t("report.html.meta.date", {{"date", r.today.iso()}}) + "</span>";
  out += "<span>" + t("report.html.meta.graduationYear", {{"year", r.graduationYear}}) + "</span>";
  if (!r.generatedAt.empty())
    out += "<span>" + t("report.html.meta.generatedAt", {{"time", r.generatedAt}}) + "</span>";
  if (!r.configFile.empty())
    out += "<span>" + t("report.html.meta.config", {{"file", r.configFile}}) + "</span>";
  out += "</p>\n";
  if (!r.storeExists) {
    out += "<div class=\"box remind\" data-no-pass=\"1\"><h4>" + t("report.html.noPass") + "</h4>" +  // not-text: markup
           (r.statePath.empty() ? t("report.html.noPass.noStore")
                                : t("report.html.noPass.text", {{"path", r.statePath}})) +
           "</div>\n";
  }
  appendBox(out, "fail", "report.html.problems", r.notes);
  appendSummary(out, r);
  appendReminders(out, r.reminders, true, r);
  for (const auto& s : r.schools) appendSchool(out, s);
  out += "<footer>" + t("report.html.footer") + "</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace zzjb
