// The report's HTML: one self-contained page (no scripts, no external resources), a coloured
// status per school in the summary, every text escaped, no full ID number or mobile.
#include <gtest/gtest.h>

#include "report_fixture.hpp"
#include "zzjb/core/forms.hpp"

namespace zzjb::test {
namespace {

Report filledReport(ReportWorld& w) {
  EXPECT_TRUE(w.store().putAccountStatus("s1", AccountStatus::Active));
  EXPECT_TRUE(w.store().putApplication({"s1", w.key(0), "A1", ApplicationStatus::Approved, "", ""}));
  w.declare({0, 1}, {{w.ids_[0], DeclarationResult::Accepted, "", "D1"},
                     {w.ids_[1], DeclarationResult::Rejected, "ID_INVALID", ""}});
  w.pass(SchoolOutcomeKind::Progressed);
  return w.build(Date{2027, 3, 10}, true, 12);
}

TEST(ReportHtml, IsOneSelfContainedPrintablePage) {
  ReportWorld w;
  const std::string html = renderReportHtml(filledReport(w));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  for (const char* banned :
       {"<script", "<link", "src=", "http://", "https://", "@import", "url("}) {
    EXPECT_EQ(html.find(banned), std::string::npos) << banned;
  }
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(ReportHtml, SummaryShowsEachSchoolWithItsColouredStatus) {
  ReportWorld w;
  const std::string html = renderReportHtml(filledReport(w));
  const auto row = html.find("<tr class=\"row-ACTION\" data-school=\"s1\">");
  ASSERT_NE(row, std::string::npos);
  EXPECT_NE(html.find("data-health=\"ACTION\">需处理</span>", row), std::string::npos);
  EXPECT_NE(html.find("<section class=\"school\" id=\"school-s1\""), std::string::npos);
  EXPECT_NE(html.find("data-target=\"" + htmlEscape(w.key(0)) + "\""), std::string::npos);
  EXPECT_NE(html.find("data-reminder=\"EVALUATION_WINDOW\""), std::string::npos);
  EXPECT_NE(html.find("data-reminder=\"CERTIFICATE_EXPIRING\""), std::string::npos);
}

TEST(ReportHtml, ShowsThePinStateAndItsReminder) {
  ReportWorld w;
  EXPECT_TRUE(w.store().putFact("s1", "pin",
                                "required=1;retries=1;countLow=1;finalTry=1;locked=0;code=OK;"
                                "at=2027-03-09T02:00:00.000Z"));
  const std::string html = renderReportHtml(filledReport(w));
  EXPECT_NE(html.find("data-reminder=\"PIN_LOW\""), std::string::npos);
  EXPECT_NE(html.find("法人一证通 PIN 仅剩 1 次重试机会"), std::string::npos);
  EXPECT_NE(html.find("<dt>法人一证通</dt><dd>证书有效期至 2028-11-27（还剩 12 天），"
                      "PIN 剩余 1 次重试机会（2027-03-09 10:00）</dd>"),
            std::string::npos);
}

TEST(ReportHtml, ListsRejectedAndExcludedStudentsWithReasonAndWhatToDo) {
  ReportWorld w;
  const std::string html = renderReportHtml(filledReport(w));
  EXPECT_NE(html.find("被平台退回的学生（1）"), std::string::npos);
  EXPECT_NE(html.find(htmlEscape(platformReasonText("ID_INVALID").text)), std::string::npos);
  EXPECT_NE(html.find(htmlEscape(maskName("李四华"))), std::string::npos);
  EXPECT_NE(html.find("rosters/2027.csv:3"), std::string::npos);
  EXPECT_NE(html.find("未申报的学生"), std::string::npos);
  EXPECT_NE(html.find("不在毕业学年"), std::string::npos);
}

TEST(ReportHtml, NeverShowsAFullIdNumberOrMobile) {
  ReportWorld w;
  const std::string html = renderReportHtml(filledReport(w));
  for (const auto& id : w.ids_) EXPECT_EQ(html.find(id), std::string::npos);
  // Listed: 1 (rejected), 3 (bad row), 4 (not graduating) — masked.
  for (std::size_t i : {1u, 3u, 4u})
    EXPECT_NE(html.find(maskId(w.ids_[i])), std::string::npos) << i;
  EXPECT_EQ(html.find(w.school_.platformOperator.idNumber), std::string::npos);
  for (const auto& s : w.result_.students) EXPECT_EQ(html.find(s.mobile), std::string::npos);
  EXPECT_EQ(html.find("13812340001"), std::string::npos);
  EXPECT_EQ(html.find("张三明"), std::string::npos);
}

TEST(ReportHtml, EscapesEveryText) {
  ReportWorld w;
  w.school_.name = "<b>学校</b> & \"引号\"";
  w.result_.findings[0].message = "<script>alert(1)</script>";
  const std::string html = renderReportHtml(w.build(Date{2027, 1, 15}, false));
  EXPECT_EQ(html.find("<b>学校"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;学校&lt;/b&gt; &amp; &quot;引号&quot;"), std::string::npos);
}

TEST(ReportHtml, SaysNoPassYetWithoutAStore) {
  ReportWorld w;
  const std::string html = renderReportHtml(w.build(Date{2027, 1, 15}, false));
  EXPECT_NE(html.find("data-no-pass=\"1\""), std::string::npos);
  EXPECT_NE(html.find("尚未运行申报"), std::string::npos);
}

// Issue 13, must-show (a): on a store, one 专业评估 SUBMITTED and one REJECTED show in the
// catalog's words with their advice; the page's lang follows the language.
TEST(ReportHtml, ShowsEachEvaluationWithItsAdviceInTheLanguageOfTheProcess) {
  ReportWorld w;
  w.result_.targets[0].target.evaluation = {EvaluationStatus::Submitted, "", std::nullopt};
  w.result_.targets[1].target.evaluation = {EvaluationStatus::Rejected, "", std::nullopt};
  const Report r = filledReport(w);
  const std::string html = renderReportHtml(r);
  EXPECT_NE(html.find("<html lang=\"zh-CN\">"), std::string::npos);
  EXPECT_NE(html.find("已提交（评估中） <span class=\"hint\" data-evaluation=\"SUBMITTED\">→ " +
                      htmlEscape(evaluationAdvice(EvaluationStatus::Submitted))),
            std::string::npos);
  EXPECT_NE(html.find("未通过 <span class=\"hint\" data-evaluation=\"REJECTED\">→ " +
                      htmlEscape(evaluationAdvice(EvaluationStatus::Rejected))),
            std::string::npos);
  EXPECT_NE(evaluationAdvice(EvaluationStatus::Submitted).find("等待专家评估"), std::string::npos);
  EXPECT_NE(evaluationAdvice(EvaluationStatus::Rejected).find("重新提交"), std::string::npos);

  msg::setLanguage(msg::Lang::En);
  const std::string en = renderReportHtml(filledReport(w));
  msg::setLanguage(msg::Lang::ZhCN);
  EXPECT_NE(en.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(en.find(htmlEscape(msg::text(msg::Lang::En, "state.evaluation.REJECTED")) +
                    " <span class=\"hint\" data-evaluation=\"REJECTED\">"),
            std::string::npos);
  EXPECT_EQ(en.find("未通过"), std::string::npos);
}

}  // namespace
}  // namespace zzjb::test
