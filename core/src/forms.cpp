// The two paper forms of the 2021 notices as self-contained, print-ready A4 HTML (no scripts, no
// external resources): 附件1 职业技能评价专业评估申请表 and 附件2 团体申报开户申请表（学校）.
// Labels are the notices' own; values come from the School. A missing value is an empty cell.
// Every value cell carries data-field="…" so tests and tools can find it.
#include "zzjb/core/forms.hpp"

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "zzjb/core/identifiers.hpp"
#include "zzjb/messages/catalog.hpp"

namespace zzjb {

std::string htmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

constexpr std::size_t kSecondaryRows = 8;  // 中职 附件1 has 8 blank rows
constexpr std::size_t kHigherRows = 10;    // 高职 附件1 has 10
constexpr std::size_t kAccountRows = 9;    // 附件2 has 9

// The forms' titles, labels and printed notes are the notices' own Chinese in every language: they
// are the paper the centre and the offices accept. Only the program's notes around them (the
// data-note box) come from the catalog in the chosen language.
// not-text: begin (the notices' form titles, and the CSS)
constexpr std::string_view kEvaluationTitle = "职业技能评价专业评估申请表";
constexpr std::string_view kAccountTitle1 = "上海市人力资源和社会保障自助经办平台职业技能评价";
constexpr std::string_view kAccountTitle2 = "团体申报开户申请表（学校）";

constexpr std::string_view kStyle = R"(
@page { size: A4; margin: 15mm; }
* { box-sizing: border-box; }
html { background: #fff; }
body {
  margin: 0 auto; padding: 0; max-width: 180mm; color: #000; background: #fff;
  font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Source Han Sans SC", "Microsoft YaHei",
    "SimSun", sans-serif;
  font-size: 10.5pt; line-height: 1.35;
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
}
@media screen { body { padding: 15mm 0; } }
.annex { font-size: 12pt; margin: 0 0 2mm; }
h1 { font-size: 18pt; font-weight: bold; text-align: center; margin: 0 0 4mm; line-height: 1.35; }
h1 span { display: block; }
.note {
  border: 1px dashed #666; background: #f2f2f2; color: #333; font-size: 9.5pt;
  padding: 1.5mm 3mm; margin: 0 0 4mm;
}
.note b { color: #000; }
table { width: calc(100% - 2px); margin: 0 1px; border-collapse: collapse; table-layout: fixed; }
td { border: 1px solid #000; padding: 0.8mm 1mm; height: 10mm; vertical-align: middle; }
td.v { overflow-wrap: anywhere; }
td.key { font-size: 9pt; }  /* keyIDs are long: keep them on one line where they fit */
td.l { text-align: center; }
td.c { text-align: center; }
td.head { text-align: left; font-weight: bold; }
tr.row td { height: 8.5mm; }
td.opinion { height: 30mm; vertical-align: top; }
td.seal { height: 15mm; }
.sign { margin-top: 10mm; text-align: right; line-height: 2; }
.sign span { display: inline-block; min-width: 32mm; text-align: left; }
.sign span.date { min-width: 30mm; }
.notes { margin: 3mm 0 0; font-size: 10pt; }
.notes ol { margin: 1mm 0 0; padding-left: 6mm; }
.notes li { margin: 0.5mm 0; }
tr { break-inside: avoid; page-break-inside: avoid; }
section.page + section.page { break-before: page; page-break-before: always; }
@media screen { section.page + section.page { margin-top: 15mm; border-top: 1px dashed #999; padding-top: 10mm; } }
.cont { text-align: right; margin: 1.5mm 0 0; font-size: 10pt; }
.final { break-inside: avoid; page-break-inside: avoid; }
.final > table { margin-top: -1px; }
.pending { color: #444; font-size: 8.5pt; }
@media print { .note { display: none; } }
)";
// not-text: end

// One table cell. Its text is escaped; a '\n' becomes a line break (labels break like the paper).
struct Cell {
  std::string_view text;
  std::string_view cls = "l";   // l: label, v: value, c: centred value, others: see kStyle
  std::string_view field = {};  // data-field of a value cell
  int colspan = 1;
  int rowspan = 1;
};

void appendText(std::string& out, std::string_view text) {
  std::size_t start = 0;
  while (true) {
    std::size_t nl = text.find('\n', start);
    out += htmlEscape(text.substr(start, nl - start));
    if (nl == std::string_view::npos) break;
    out += "<br>";
    start = nl + 1;
  }
}

void appendCell(std::string& out, const Cell& cell) {
  out += "<td class=\"";
  out += cell.cls;
  out += '"';
  if (!cell.field.empty()) {
    out += " data-field=\"";
    out += htmlEscape(cell.field);
    out += '"';
  }
  if (cell.colspan > 1) out += " colspan=\"" + std::to_string(cell.colspan) + '"';
  if (cell.rowspan > 1) out += " rowspan=\"" + std::to_string(cell.rowspan) + '"';
  out += '>';
  appendText(out, cell.text);
  out += "</td>";
}

void appendRow(std::string& out, std::initializer_list<Cell> cells, std::string_view cls = {}) {
  out += cls.empty() ? std::string("<tr>") : "<tr class=\"" + std::string(cls) + "\">";
  for (const Cell& c : cells) appendCell(out, c);
  out += "</tr>\n";
}

// <col> widths in per cent, so that table-layout: fixed keeps the paper's proportions.
void appendColumns(std::string& out, std::initializer_list<int> widths) {
  out += "<colgroup>";
  for (int w : widths) out += "<col style=\"width:" + std::to_string(w) + "%\">";
  out += "</colgroup>\n";
}

void appendHead(std::string& out, const School& school, std::string_view formName) {
  // The page is the Chinese form; a note in another language says so with its own lang.
  out += "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  if (!school.name.empty()) out += htmlEscape(school.name) + " — ";
  out += htmlEscape(formName);
  out += "</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n";
}

void appendNotes(std::string& out, std::initializer_list<std::string_view> items) {
  out += "<div class=\"notes\">说明:<ol>";  // not-text: the form's printed label
  for (std::string_view item : items) {
    out += "<li>";
    appendText(out, item);
    out += "</li>";
  }
  out += "</ol></div>\n";
}

// A valid mobile as its 11 digits ("+86 137-2222-0004" → 13722220004); anything else as written.
std::string mobileText(std::string_view mobile) {
  MobileCheck c = checkMobile(mobile);
  return c.ok ? c.normalized : std::string(mobile);
}

std::string levelText(int level) {
  return isSkillLevel(level) ? levelName(level) : std::string();
}

std::string rowField(std::size_t row, std::string_view what) {
  return "row-" + std::to_string(row + 1) + "-" + std::string(what);
}

// The program's note above a form: not part of the form, in the chosen language.
std::string noteOpen() {
  return std::string("<div class=\"note\" data-note=\"submit\" lang=\"") +  // not-text: markup
         msg::tag(msg::language()) + "\"><b>" + htmlEscape(msg::text("forms.note.label")) + "</b>";
}

}  // namespace

std::string evaluationWindowText(const ApplicationWindow& w) {
  const msg::Args args = {{"year", w.year}};
  if (w.month == 4) {
    return w.openNow ? msg::text("forms.window.april.open", args)
                     : msg::text("forms.window.april", args);
  }
  return w.openNow ? msg::text("forms.window.october.open", args)
                   : msg::text("forms.window.october", args);
}

namespace {

// Whether a target is listed on 附件1 (evaluation) or 附件2 (account), by its type's FormUse.
bool onForm(const Target& t, const TypeRegistry* types, bool evaluation) {
  const CertType* type = types == nullptr ? nullptr : types->find(t.type);
  if (type == nullptr) return true;
  return evaluation ? type->info.forms.evaluationForm : type->info.forms.accountForm;
}

// The name a form's row gives: the occupation, or the ability.
std::string_view rowName(const Target& t) {
  return t.abilityName.empty() ? std::string_view(t.occupationName)
                               : std::string_view(t.abilityName);
}

// A row printed although it breaks a rule says so after its name, on screen and on paper.
std::string markedName(const FormRow& row) {
  std::string name(rowName(*row.target));
  if (!row.mark.empty()) name += "\n" + msg::text("forms.row.invalid", {{"codes", row.mark}});
  return name;
}

// How a form's rows fall on pages (docs/forms.md, "Long forms"): the first page has the notice's
// rows; the rest follow on pages of at most `perPage` rows, the last of which, holding the
// opinion and signature block and the notes, at most `onLast`. Measured with Chromium on A4 with
// 15 mm margins, with room to spare for other fonts.
std::vector<std::size_t> pageSizes(std::size_t rows, std::size_t first, std::size_t perPage,
                                   std::size_t onLast) {
  if (rows <= first) return {first};
  std::vector<std::size_t> pages{first};
  std::size_t rest = rows - first;
  std::size_t more = 1;  // pages after the first
  while ((more - 1) * perPage + onLast < rest) ++more;
  // Evenly, the last page taking no more than it can beside the closing block.
  const std::size_t last = std::min(onLast, (rest + more - 1) / more);
  rest -= last;
  for (std::size_t k = 0; k + 1 < more; ++k) {
    const std::size_t n = (rest + (more - 2 - k)) / (more - 1 - k);
    pages.push_back(n);
    rest -= n;
  }
  pages.push_back(last);
  return pages;
}

constexpr std::size_t kEvaluationPerPage = 22;  // 附件1, a following page
constexpr std::size_t kEvaluationOnLast = 12;   // … the last, with 意见, 盖章 and the 说明
constexpr std::size_t kAccountPerPage = 22;     // 附件2, a following page
constexpr std::size_t kAccountOnLast = 16;      // … the last, with 申报单位意见 and the 说明

// "（续表见下页）" at the foot of a page that continues.
void appendContinued(std::string& out) {
  out += "<p class=\"cont\">";
  out += htmlEscape("（续表见下页）");  // not-text: printed on the form, like its labels
  out += "</p>\n";
}

}  // namespace

std::vector<FormRow> formRows(const School& school, const TypeRegistry* types, bool evaluationForm) {
  std::vector<FormRow> rows;
  for (const Major& major : school.majors) {
    for (const Target& t : major.targets) {
      if (onForm(t, types, evaluationForm)) rows.push_back({&major, &t, {}});
    }
  }
  return rows;
}

bool FormPlan::problems() const {
  auto marked = [](const std::vector<FormRow>& rows) {
    return std::any_of(rows.begin(), rows.end(), [](const FormRow& r) { return !r.mark.empty(); });
  };
  auto left = [](const std::vector<LeftOff>& v) {
    return std::any_of(v.begin(), v.end(), [](const LeftOff& l) { return l.problem; });
  };
  return marked(evaluation) || marked(account) || left(evaluationLeftOff) || left(accountLeftOff);
}

FormPlan planForms(const School& school, const SchoolResult& checked, const TypeRegistry* types,
                   FormChoice choice) {
  FormPlan plan;
  // evaluateSchool gives one TargetResult per target, majors and targets in order.
  std::size_t index = 0;
  for (const Major& major : school.majors) {
    for (const Target& t : major.targets) {
      const TargetResult* tr = index < checked.targets.size() ? &checked.targets[index] : nullptr;
      ++index;
      const CertType* type = types == nullptr ? nullptr : types->find(t.type);
      const bool needsEvaluation = type == nullptr || type->shape().needsEvaluation;
      const EvaluationStatus e = needsEvaluation ? t.evaluation.status : EvaluationStatus::Approved;
      // What check said against the target: its errors' codes and the first one's message.
      auto said = [&] {
        std::pair<std::string, std::string> codesAndReason;
        auto& [codes, reason] = codesAndReason;
        for (const Finding& f : checked.findings) {
          const std::string& path = f.where.jsonPath;
          const bool about = !t.jsonPath.empty() &&
                             (path == t.jsonPath || path.starts_with(t.jsonPath + "."));
          if (!about || f.severity != Severity::Error || codes.find(f.code) != std::string::npos) {
            continue;
          }
          codes += (codes.empty() ? "" : ",") + f.code;
          if (reason.empty()) reason = f.message;
        }
        return codesAndReason;
      };
      const bool breaks = tr != nullptr && tr->ruled && *tr->ruled != Exclusion::EvaluationNotApproved;
      auto problem = [&](std::vector<FormRow>& rows, std::vector<LeftOff>& leftOff, bool rejected) {
        std::string codes, reason;
        if (rejected) {
          // What check says is about the students; here it is about the permission.
          codes = "EVALUATION_REJECTED";
          reason = msg::text("forms.left.rejected",
                             {{"advice", evaluationAdvice(EvaluationStatus::Rejected)}});
        } else {
          std::tie(codes, reason) = said();
          if (codes.empty()) {
            codes = exclusionCode(*tr->ruled);
            reason = exclusionReason(*tr->ruled, t.evaluation.status);
          }
        }
        if (choice.includeInvalid) {
          rows.push_back({&major, &t, codes});
        } else {
          leftOff.push_back({&major, &t, codes, reason, true});
        }
      };
      if (onForm(t, types, true)) {
        if (breaks) {
          problem(plan.evaluation, plan.evaluationLeftOff, false);
        } else if (!choice.all && (e == EvaluationStatus::Approved || e == EvaluationStatus::Submitted)) {
          const bool approved = e == EvaluationStatus::Approved;
          plan.evaluationLeftOff.push_back(
              {&major, &t, approved ? "EVALUATION_APPROVED" : "EVALUATION_SUBMITTED",
               msg::text(approved ? "forms.left.approved" : "forms.left.submitted"), false});
        } else {
          plan.evaluation.push_back({&major, &t, {}});
        }
      }
      if (onForm(t, types, false)) {
        if (breaks || e == EvaluationStatus::Rejected) {
          problem(plan.account, plan.accountLeftOff, !breaks);
        } else if (!choice.all && e != EvaluationStatus::Approved) {
          plan.accountLeftOff.push_back(
              {&major, &t, "EVALUATION_NOT_APPROVED",
               msg::text("forms.left.notApproved", {{"state", evaluationStatusName(e)}}), false});
        } else {
          plan.account.push_back({&major, &t, {}});
        }
      }
    }
  }
  return plan;
}

std::string renderEvaluationApplication(const School& school, const Date& today,
                                        const TypeRegistry* types) {
  return renderEvaluationApplication(school, today, formRows(school, types, true));
}

std::string renderAccountApplication(const School& school, std::string_view keyId,
                                     const TypeRegistry* types) {
  return renderAccountApplication(school, keyId, formRows(school, types, false));
}

std::string renderEvaluationApplication(const School& school, const Date& today,
                                        const std::vector<FormRow>& formRowsIn) {
  struct Row {
    std::string_view major;
    std::string occupation;
    std::string level;
  };
  std::vector<Row> rows;
  for (const FormRow& r : formRowsIn) {
    rows.push_back({r.major->name, markedName(r), levelText(r.target->level)});
  }
  const bool higher = school.level == SchoolLevel::Higher;
  const std::size_t paperRows = higher ? kHigherRows : kSecondaryRows;
  const std::vector<std::size_t> pages =
      pageSizes(rows.size(), paperRows, kEvaluationPerPage, kEvaluationOnLast);

  const std::string leaderMobile = mobileText(school.leader.mobile);
  const std::string contactMobile = mobileText(school.contact.mobile);
  std::string out;
  appendHead(out, school, kEvaluationTitle);
  const EvaluationOffice office = evaluationOfficeFor(school.level);
  const ApplicationWindow window = nextEvaluationWindow(today);
  // The catalog's sentence (trusted, compiled in) around the escaped, data-field-tagged values.
  out += noteOpen() +
         msg::text(
             "forms.note.evaluation",
             {{"office", "<span data-field=\"office\">" + htmlEscape(office.shortName) + "</span>"},
              {"officeFull",
               "<span data-field=\"office-full\">" + htmlEscape(office.fullName) + "</span>"},
              {"window", "<span data-field=\"window\">" + htmlEscape(evaluationWindowText(window)) +
                             "</span>"}}) +
         "</div>\n";

  // not-text: begin (附件1 as the notice prints it)
  std::size_t next = 0;  // the next row to print
  for (std::size_t page = 0; page < pages.size(); ++page) {
    const bool first = page == 0;
    const bool last = page + 1 == pages.size();
    out += "<section class=\"page\">\n<p class=\"annex\">附件1:</p>\n<h1>";
    out += htmlEscape(kEvaluationTitle);
    if (!first) out += "（续表）";
    out += "</h1>\n<table>\n";
    appendColumns(out, {18, 32, 26, 24});
    if (first) {
      appendRow(out, {{"申请学校名称"},
                      {school.name, "v", "name"},
                      {"法人代表"},
                      {school.legalRepresentative, "v", "legalRepresentative"}});
      appendRow(out, {{"负责人\n(分管领导)"},
                      {school.leader.name, "v", "leader"},
                      {"联系方式"},
                      {leaderMobile, "v", "leader-mobile"}});
      appendRow(out, {{"联系人"},
                      {school.contact.name, "v", "contact"},
                      {"联系方式"},
                      {contactMobile, "v", "contact-mobile"}});
      appendRow(out, {{"联系地址"}, {school.address, "v", "address", 3}});
    }
    appendRow(out, {{"申请专业及申报职业(工种)", "head", {}, 4}});
    appendRow(out, {{"序号"}, {"申请专业名称"}, {"申报职业(工种)名称"}, {"等级"}});
    for (std::size_t k = 0; k < pages[page]; ++k, ++next) {
      const bool filled = next < rows.size();
      const std::string number = filled ? std::to_string(next + 1) : std::string();
      const std::string fNo = rowField(next, "no"), fMajor = rowField(next, "major");
      const std::string fOcc = rowField(next, "occupation"), fLevel = rowField(next, "level");
      appendRow(out,
                {{number, "c", fNo},
                 {filled ? rows[next].major : std::string_view(), "v", fMajor},
                 {filled ? std::string_view(rows[next].occupation) : std::string_view(), "v", fOcc},
                 {filled ? std::string_view(rows[next].level) : std::string_view(), "c", fLevel}},
                "row");
    }
    if (!last) {
      out += "</table>\n";
      appendContinued(out);
      out += "</section>\n";
      continue;
    }
    out += "</table>\n<div class=\"final\"><table>\n";
    appendColumns(out, {18, 32, 26, 24});
    appendRow(out, {{"申请学校意见"}, {"", "v opinion", "opinion", 3}});
    // The 中职 notice writes "盖章:/日期:", the 高职 one "盖章/日期".
    appendRow(out, {{higher ? "盖章\n日期" : "盖章:\n日期:"}, {"", "v seal", "seal", 3}});
    out += "</table>\n";
    appendNotes(out, {"申请材料包括职业技能评价专业评估申请表及各申请专业的人才培养方案等佐证材料。",
                      "申请专业按需可申报多个职业(工种)及等级。",
                      "可申报职业(工种)名称及等级参照上海市人力资源和社会保障局官网“关于本市职业技能"
                      "等级认定评价机构及评价职业工种信息公告”相关内容填写。",
                      "申请材料一式三份并加盖学校公章。"});
    out += "</div>\n</section>\n";
  }
  // not-text: end
  out += "</body>\n</html>\n";
  return out;
}

std::string renderAccountApplication(const School& school, std::string_view keyId,
                                     const std::vector<FormRow>& formRowsIn) {
  // Distinct (occupation, level) across all majors, first seen first.
  struct Pair {
    std::string name;  // with its mark, when printed although it breaks a rule
    std::string_view key;
    int level = 0;
  };
  std::vector<Pair> pairs;
  for (const FormRow& r : formRowsIn) {
    const std::string_view key = rowName(*r.target);
    const int level = r.target->level;
    if (std::any_of(pairs.begin(), pairs.end(),
                    [&](const Pair& p) { return p.key == key && p.level == level; })) {
      continue;
    }
    pairs.push_back({markedName(r), key, level});
  }
  const std::vector<std::size_t> pages =
      pageSizes(pairs.size(), kAccountRows, kAccountPerPage, kAccountOnLast);
  std::string_view dual;
  if (school.dualCertificateProgram) {
    dual = *school.dualCertificateProgram ? "是" : "否";  // not-text: the form's printed answer
  }

  const std::string leaderMobile = mobileText(school.leader.mobile);
  const std::string contactMobile = mobileText(school.contact.mobile);
  std::string out;
  std::string formName = std::string(kAccountTitle1) + std::string(kAccountTitle2);
  appendHead(out, school, formName);
  out += noteOpen() + htmlEscape(msg::text("forms.note.account")) + "</div>\n";

  // not-text: begin (附件2 as the notice prints it; its phone is the catalog's {centrePhone})
  std::size_t next = 0;
  for (std::size_t page = 0; page < pages.size(); ++page) {
    const bool first = page == 0;
    const bool last = page + 1 == pages.size();
    out += "<section class=\"page\">\n<p class=\"annex\">附件2:</p>\n<h1><span>";
    out += htmlEscape(kAccountTitle1);
    out += "</span><span>";
    out += htmlEscape(kAccountTitle2);
    if (!first) out += "（续表）";
    out += "</span></h1>\n<table>\n";
    appendColumns(out, {19, 26, 15, 13, 10, 17});
    if (first) {
      appendRow(out, {{"学校名称"},
                      {school.name, "v", "name"},
                      {"法人代表"},
                      {school.legalRepresentative, "v", "legalRepresentative"},
                      {"所属区"},
                      {school.district, "v", "district"}});
      // 联系方式 is left for a landline; the mobile goes after "(手机)".
      appendRow(out, {{"负责人\n(分管领导)"},
                      {school.leader.name, "v", "leader"},
                      {"联系方式"},
                      {"", "v", "leader-phone"},
                      {"(手机)"},
                      {leaderMobile, "v", "leader-mobile"}});
      appendRow(out, {{"联系人"},
                      {school.contact.name, "v", "contact"},
                      {"联系方式"},
                      {"", "v", "contact-phone"},
                      {"(手机)"},
                      {contactMobile, "v", "contact-mobile"}});
      appendRow(out, {{"平台操作人员姓名"},
                      {school.platformOperator.name, "v", "operator"},
                      {"平台操作人员\n身份证号"},
                      {school.platformOperator.idNumber, "v", "operator-id", 3}});
      out += "<tr>";
      appendCell(out, {"对应的经办人 keyID"});
      if (keyId.empty() && school.identity.key.empty()) {
        // No CA key yet: a blank for the pen, marked so that nobody hands it in empty
        // (docs/forms.md). The mark is the program's, in the chosen language.
        out += "<td class=\"v key\" data-field=\"keyId\"><span class=\"pending\" data-note=\"keyId\" lang=\"";
        out += msg::tag(msg::language());
        out += "\">" + htmlEscape(msg::text("forms.keyId.pending")) + "</span></td>";
      } else {
        appendCell(out, {keyId, "v key", "keyId"});
      }
      appendCell(out, {"是否\n双证融通项目"});
      appendCell(out, {dual, "v", "dualCertificateProgram", 3});
      out += "</tr>\n";
    }
    out += "<tr>";
    appendCell(out, {"申请的职业\n(工种)及等级", "l", {}, 1, static_cast<int>(pages[page]) + 1});
    appendCell(out, {"职业(工种)名称", "l", {}, 3});
    appendCell(out, {"等级", "l", {}, 2});
    out += "</tr>\n";
    for (std::size_t k = 0; k < pages[page]; ++k, ++next) {
      const bool filled = next < pairs.size();
      const std::string level = filled ? levelText(pairs[next].level) : std::string();
      const std::string fOcc = rowField(next, "occupation"), fLevel = rowField(next, "level");
      appendRow(out,
                {{filled ? std::string_view(pairs[next].name) : std::string_view(), "v", fOcc, 3},
                 {level, "c", fLevel, 2}},
                "row");
    }
    if (!last) {
      out += "</table>\n";
      appendContinued(out);
      out += "</section>\n";
      continue;
    }
    out += "</table>\n<div class=\"final\"><table>\n";
    appendColumns(out, {19, 26, 15, 13, 10, 17});
    out += "<tr>";
    appendCell(out, {"申报单位\n意见"});
    out += "<td class=\"v opinion\" data-field=\"opinion\" colspan=\"5\"><div class=\"sign\">";
    out += "<span>经办人:</span><span class=\"date\">日期:</span><br>";
    out += "<span>申报单位(盖章):</span><span class=\"date\">日期:</span></div></td></tr>\n";
    out += "</table>\n";
    const std::string handIn =
        msg::fill("此表签字盖章后原件交至天山路1800号4号楼1楼窗口，联系电话{centrePhone}。", {});
    appendNotes(out, {handIn,
                      "“对应的经办人 keyID”，请填写“通过协卡助手——证书管理——签名证书——"
                      "通用实体唯一标识号”下的完整字符。"});
    out += "</div>\n</section>\n";
  }
  // not-text: end
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace zzjb
