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

namespace zzjb {

namespace {

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

std::string esc(std::string_view s) {
  return htmlEscape(s);
}

std::string badge(Health h) {
  return std::string("<span class=\"badge h-") + healthName(h) + "\" data-health=\"" +
         healthName(h) + "\">" + healthLabel(h) + "</span>";
}

std::string num(std::size_t n) {
  return std::to_string(n);
}

std::string passText(const std::optional<ReportPass>& p) {
  if (!p) return "<span class=\"muted\">尚无</span>";
  std::string s = esc(shanghaiTimeText(p->finishedAt.empty() ? p->startedAt : p->finishedAt)) +
                  " · " + esc(p->outcomeName);
  if (!p->summary.empty()) s += " <span class=\"muted\">" + esc(p->summary) + "</span>";
  return s;
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

void appendReminders(std::string& out, const std::vector<Reminder>& reminders, bool withSchool,
                     const Report& r) {
  if (reminders.empty()) return;
  out += "<div class=\"box remind\"><h4>提醒</h4><ul>";
  for (const auto& m : reminders) {
    out += std::string("<li data-reminder=\"") + reminderKindName(m.kind) + "\">";
    if (withSchool) {
      std::string name = m.school;
      for (const auto& s : r.schools) {
        if (s.id == m.school) name = s.name;
      }
      out += "<b>" + esc(name) + "</b>：";
    }
    out += esc(m.text) + " <span class=\"hint\">→ " + esc(m.hint) + "</span></li>";
  }
  out += "</ul></div>\n";
}

void appendSummary(std::string& out, const Report& r) {
  out += "<h2>概览</h2>" + badge(r.health) + "\n";
  out +=
      "<table class=\"summary\"><thead><tr><th>学校</th><th>状态</th><th>上一轮</th>"
      "<th class=\"n\">可申报</th><th class=\"n\">已申报</th><th class=\"n\">已受理</th>"
      "<th class=\"n\">被退回</th><th>需要处理</th></tr></thead><tbody>\n";
  for (const auto& s : r.schools) {
    const Totals t = totalsOf(s);
    out += std::string("<tr class=\"row-") + healthName(s.health) + "\" data-school=\"" +
           esc(s.id) + "\"><td class=\"status\"><a href=\"#school-" + esc(s.id) + "\">" +
           esc(s.name) + "</a><br><span class=\"muted\">" + esc(s.id) + " · " + esc(s.levelName) +
           "</span></td>";
    out += "<td>" + badge(s.health) + "</td><td>" + passText(s.lastPass) + "</td>";
    out += "<td class=\"n\">" + num(t.eligible) + "</td><td class=\"n\">" + num(t.declared) +
           "</td><td class=\"n\">" + num(t.accepted) + "</td><td class=\"n\">" + num(t.rejected) +
           "</td><td>";
    if (s.actions.empty()) {
      out += "<span class=\"muted\">—</span>";
    } else {
      out += esc(s.actions.front());
      if (s.actions.size() > 1)
        out += " <span class=\"muted\">等 " + num(s.actions.size()) + " 项</span>";
    }
    out += "</td></tr>\n";
  }
  out += "</tbody></table>\n";
  out +=
      "<p class=\"muted\">状态：<span class=\"badge h-OK\">正常</span> 已全部申报并受理 "
      "<span class=\"badge h-WAITING\">等待中</span> 等待审核、开户或平台处理 "
      "<span class=\"badge h-ACTION\">需处理</span> 需要学校处理 "
      "<span class=\"badge h-FAILED\">失败</span> 运行或读取失败 "
      "<span class=\"badge h-NOT_STARTED\">尚未运行</span> 还没有运行过申报</p>\n";
}

void appendStudents(std::string& out, const std::vector<ReportStudent>& students, bool platform) {
  out +=
      "<table class=\"students\"><thead><tr><th>证件号码</th><th>姓名</th><th>花名册位置</th>"
      "<th>原因</th><th>怎么办</th></tr></thead><tbody>\n";
  for (const auto& s : students) {
    out +=
        "<tr data-code=\"" + esc(s.code) + "\"><td class=\"id\">" + esc(s.maskedId) +
        "</td><td class=\"name\">" +
        (s.name.empty() ? "<span class=\"muted\">—</span>" : esc(s.name)) +
        "</td><td class=\"where\">" +
        (s.where.empty() ? std::string(platform ? "<span class=\"muted\">已不在花名册</span>" : "")
                         : esc(s.where)) +
        "</td><td>" + esc(s.reason) + " <span class=\"muted\">" + esc(s.code) + "</span>";
    if (!s.detail.empty()) out += "<br><span class=\"muted\">" + esc(s.detail) + "</span>";
    out += "</td><td class=\"hint\">" + esc(s.hint) + "</td></tr>\n";
  }
  out += "</tbody></table>\n";
}

std::string permissionText(const ReportPermission& p) {
  std::string s = esc(permissionStateLabel(p.state));
  if (p.state == PermissionState::Unknown) {
    s = "<span class=\"muted\">" + s +
        (p.status.empty() ? "（尚未查询）" : "（" + esc(p.status) + "）") + "</span>";
  }
  if (!p.applicationId.empty())
    s += " <span class=\"muted\">申请号 " + esc(p.applicationId) + "</span>";
  if (p.waitingDays >= 0) s += "，已等待 " + std::to_string(p.waitingDays) + " 天";
  if (!p.reason.empty()) s += "<br>" + esc(p.reason);
  if (!p.hint.empty()) s += "<br><span class=\"hint\">→ " + esc(p.hint) + "</span>";
  return s;
}

void appendTarget(std::string& out, const ReportTarget& t, bool storeRead) {
  out += "<section class=\"target\" data-target=\"" + esc(t.key) + "\">\n<h3>" + esc(t.title) +
         "</h3>" + badge(t.health) + "\n<p class=\"status-line\">" + esc(t.statusText) + "</p>\n";
  out += "<dl class=\"facts\">";
  out += "<dt>认定类型</dt><dd>" + esc(t.typeName.empty() ? t.type : t.typeName) + "</dd>";
  if (!t.orgName.empty()) out += "<dt>评价机构</dt><dd>" + esc(t.orgName) + "</dd>";
  out += "<dt>专业评估</dt><dd>";
  for (std::size_t i = 0; i < t.evaluations.size(); ++i) {
    const auto& e = t.evaluations[i];
    out += (i == 0 ? "" : "；") + esc(e.major) + " " + esc(e.statusName);
    if (!e.opinionNo.empty()) out += " <span class=\"muted\">" + esc(e.opinionNo) + "</span>";
  }
  if (t.evaluations.empty()) out += "<span class=\"muted\">—</span>";
  out += "</dd><dt>权限</dt><dd>" + permissionText(t.permission) + "</dd>";
  out += "<dt>目标编号</dt><dd class=\"muted\">" + esc(t.key) + "</dd></dl>\n";

  std::size_t excluded = 0;
  for (const auto& rc : t.excludedByReason) excluded += rc.count;
  out +=
      "<table class=\"counts\"><thead><tr><th class=\"n\">可申报</th><th "
      "class=\"n\">未申报（排除）</th>"
      "<th class=\"n\">已申报</th><th class=\"n\">已受理</th><th class=\"n\">被退回</th>"
      "<th class=\"n\">平台处理中</th><th class=\"n\">待申报</th></tr></thead><tbody><tr>";
  out += "<td class=\"n\">" + num(t.eligible) + "</td><td class=\"n\">" + num(excluded) + "</td>";
  if (storeRead) {
    out += "<td class=\"n\">" + num(t.declared) + "</td><td class=\"n\">" + num(t.accepted) +
           "</td><td class=\"n\">" + num(t.rejected) + "</td><td class=\"n\">" + num(t.pending) +
           "</td>";
  } else {
    out += "<td class=\"n muted\" colspan=\"4\">尚无记录</td>";
  }
  out += "<td class=\"n\">" + num(t.notYetDeclared) + "</td></tr></tbody></table>\n";

  if (!t.excluded.empty()) {
    std::string byReason;
    for (const auto& rc : t.excludedByReason) {
      byReason += (byReason.empty() ? "" : "，") + rc.text + " " + num(rc.count);
    }
    out += "<h4>未申报的学生（" + num(t.excluded.size()) + "）<span class=\"muted\"> " +
           esc(byReason) + "</span></h4>\n";
    appendStudents(out, t.excluded, false);
  }
  if (!t.rejectedStudents.empty()) {
    out += "<h4>被平台退回的学生（" + num(t.rejectedStudents.size()) + "）</h4>\n";
    appendStudents(out, t.rejectedStudents, true);
  }
  out += "</section>\n";
}

// The PIN as the last pass saw it: "剩余 2 次（2026-11-28 03:09）".
std::string pinText(const PinFact& p) {
  std::string t;
  const auto left = p.retriesLeft();
  if (!p.status.required) {
    t = "无需输入";
  } else if (p.status.locked) {
    t = "已锁定";
  } else if (left) {
    t = "剩余 " + std::to_string(*left) + " 次重试机会";
  } else if (p.status.finalTry) {
    t = "仅剩最后一次";
  } else if (p.status.countLow) {
    t = "曾输错";
  } else {
    t = "正常";
  }
  if (!p.at.empty()) t += "（" + shanghaiTimeText(p.at) + "）";
  return t;
}

void appendSchool(std::string& out, const ReportSchool& s) {
  out += "<section class=\"school\" id=\"school-" + esc(s.id) + "\" data-school=\"" + esc(s.id) +
         "\">\n<h2>" + esc(s.name) + "</h2>" + badge(s.health) + "\n";
  out += "<dl class=\"facts\">";
  out += "<dt>学校</dt><dd>" + esc(s.id) + " · " + esc(s.levelName) + "，申报" +
         esc(levelName(s.allowedLevel)) + "</dd>";
  out += "<dt>花名册</dt><dd>" + num(s.students) + " 名学生";
  if (s.findings.errors + s.findings.warnings > 0) {
    out += "，" + num(s.findings.errors) + " 个错误、" + num(s.findings.warnings) + " 个警告";
  }
  out += "</dd><dt>平台账户</dt><dd>" + esc(s.accountName) + "</dd>";
  if (s.certificateDaysLeft) {
    out +=
        "<dt>法人一证通</dt><dd>证书有效期至 " + esc(s.certificateNotAfter) +
        (*s.certificateDaysLeft < 0 ? "（已过期）"
                                    : "（还剩 " + std::to_string(*s.certificateDaysLeft) + " 天）");
    if (s.pin) out += "，PIN " + esc(pinText(*s.pin));
    out += "</dd>";
  } else if (s.pin) {
    out += "<dt>法人一证通</dt><dd>PIN " + esc(pinText(*s.pin)) + "</dd>";
  }
  out += "<dt>上一轮</dt><dd>" + passText(s.lastPass) + "</dd>";
  if (s.lastPass && s.lastPass->kind == SchoolOutcomeKind::Failed) {
    out += "<dt>上一次成功</dt><dd>" + passText(s.lastSuccessfulPass) + "</dd>";
  }
  if (s.pendingIntents > 0) {
    out += "<dt>未答复的请求</dt><dd>" + num(s.pendingIntents) +
           "（下一轮先向平台查询，不会重复提交）</dd>";
  }
  if (s.openBatches > 0) out += "<dt>处理中的批次</dt><dd>" + num(s.openBatches) + "</dd>";
  out += "</dl>\n";
  if (!s.problems.empty()) {
    out += "<div class=\"box fail\"><h4>问题</h4>";
    appendList(out, s.problems);
    out += "</div>\n";
  }
  if (!s.actions.empty()) {
    out += "<div class=\"box action\"><h4>需要处理</h4>";
    appendList(out, s.actions);
    out += "</div>\n";
  }
  if (!s.findingLines.empty()) {
    out += "<div class=\"box fail\"><h4>资料错误（zzjb check 有改正方法）</h4>";
    appendList(out, s.findingLines);
    out += "</div>\n";
  }
  if (!s.reminders.empty()) {
    out += "<div class=\"box remind\"><h4>提醒</h4><ul>";
    for (const auto& m : s.reminders) {
      out += std::string("<li data-reminder=\"") + reminderKindName(m.kind) + "\">" + esc(m.text) +
             " <span class=\"hint\">→ " + esc(m.hint) + "</span></li>";
    }
    out += "</ul></div>\n";
  }
  for (const auto& t : s.targets) appendTarget(out, t, s.storeRead);
  out += "</section>\n";
}

}  // namespace

std::string renderReportHtml(const Report& r) {
  std::string out;
  out.reserve(16384);
  out +=
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>zzjb 申报状态报告 " +
      esc(r.today.iso()) + "</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n";
  out += "<h1>职业技能等级团体申报 · 状态报告</h1>\n<p class=\"meta\">";
  out += "<span>日期 " + esc(r.today.iso()) + "</span>";
  out += "<span>毕业学年 " + std::to_string(r.graduationYear) + "</span>";
  if (!r.generatedAt.empty()) out += "<span>生成于 " + esc(r.generatedAt) + "</span>";
  if (!r.configFile.empty()) out += "<span>配置 " + esc(r.configFile) + "</span>";
  out += "</p>\n";
  if (!r.storeExists) {
    out +=
        "<div class=\"box remind\" data-no-pass=\"1\"><h4>尚未运行申报</h4>还没有任何一轮申报的记录"
        "（状态库 " +
        esc(r.statePath.empty() ? "未配置" : r.statePath) +
        " 不存在）：下面只有离线检查的结果。运行 zzjb run 后再生成报告。</div>\n";
  }
  if (!r.notes.empty()) {
    out += "<div class=\"box fail\"><h4>问题</h4>";
    appendList(out, r.notes);
    out += "</div>\n";
  }
  appendSummary(out, r);
  appendReminders(out, r.reminders, true, r);
  for (const auto& s : r.schools) appendSchool(out, s);
  out +=
      "<footer>证件号码和姓名已脱敏；报告不含手机号码和 PIN。由 zzjb 生成，"
      "数据来自配置、花名册和状态库。</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace zzjb
