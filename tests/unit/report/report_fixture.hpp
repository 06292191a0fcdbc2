// A small world for the report tests: one 中职 school with two targets, a hand-made offline
// evaluation (students, eligible, excluded), and a real SQLite store in a scratch directory that
// the tests fill through the StateStore API, the way the engine does.
#pragma once

#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "zzjb/core/engine.hpp"
#include "zzjb/core/identifiers.hpp"
#include "zzjb/core/report.hpp"
#include "zzjb/store/sqlite_store.hpp"

namespace zzjb::test {

// A valid 居民身份证号 from its first 17 digits.
inline std::string validId(const std::string& first17) {
  return first17 + residentIdCheckChar(first17).value();
}

// Today in Asia/Shanghai by the real clock: the store stamps times with it.
inline Date realToday() {
  std::time_t now = std::time(nullptr) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&now, &tm);
  return Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

inline Date plusDays(const Date& d, long days) {
  // Walk by whole days: simple and obviously right for the few days tests need.
  Date r = d;
  for (long i = 0; i < days; ++i) {
    if (++r.day > daysInMonth(r.year, r.month)) {
      r.day = 1;
      if (++r.month > 12) {
        r.month = 1;
        ++r.year;
      }
    }
  }
  return r;
}

class ReportWorld {
 public:
  ReportWorld() {
    school_.id = "s1";
    school_.name = "示范职业学校";
    school_.creditCode = "12310104MB2F000081";
    school_.level = SchoolLevel::Secondary;
    school_.leader = {"李明华", "13812340001"};
    school_.contact = {"陈晓燕", "13912340002"};
    school_.platformOperator = {"周志强", validId("31010419850312123")};
    Major m;
    m.name = "计算机应用";
    m.targets.push_back(target("social-org", "4-04-05-01", "计算机程序设计员",
                               EvaluationOrg{"信息评价中心", "52310000MJ1A2B3C9Q"}));
    m.targets.push_back(target("qualification", "4-12-01-01", "汽车维修工", std::nullopt));
    school_.majors.push_back(m);

    ids_ = {validId("31010120090101123"), validId("31010120090202234"),
            validId("31010120090303345"), validId("31010120090404456"),
            validId("31010120080505567")};
    const std::vector<std::string> names = {"张三明", "李四华", "王五强", "赵六军", "钱七"};
    for (std::size_t i = 0; i < ids_.size(); ++i) {
      Student s;
      s.name = names[i];
      s.idType = "居民身份证";
      s.idNumber = ids_[i];
      s.gender = "男";
      s.mobile = "1380000000" + std::to_string(i);
      s.major = "计算机应用";
      s.graduationYear = i == 4 ? "2028" : "2027";
      s.file = "rosters/2027.csv";
      s.line = i + 2;
      result_.students.push_back(s);
    }
    result_.id = school_.id;
    result_.name = school_.name;
    result_.level = school_.level;
    // Target 0: students 0..3 eligible, 4 not graduating. Target 1: nobody (permission from the
    // centre), student 3 with a bad row.
    TargetResult t0;
    t0.target = school_.majors[0].targets[0];
    t0.major = "计算机应用";
    t0.eligible = {0, 1, 2, 3};
    t0.excluded.push_back({4, Exclusion::NotGraduating, "", "", ""});
    TargetResult t1;
    t1.target = school_.majors[0].targets[1];
    t1.major = "计算机应用";
    t1.eligible = {0, 1, 2};
    t1.excluded.push_back({3, Exclusion::InvalidData, "", "", ""});
    t1.excluded.push_back({4, Exclusion::NotGraduating, "", "", ""});
    result_.targets = {t0, t1};
    Finding f;
    f.code = "MOBILE_INVALID";
    f.where = {"rosters/2027.csv", 5, "", ""};
    f.message = "手机号码 is not a mobile number";
    f.hint = "correct it";
    f.school = "s1";
    result_.findings.push_back(f);

    config_.file = "zzjb.json";
    config_.statePath = (dir_ / "state.db").string();
  }

  static Target target(const std::string& type, const std::string& code, const std::string& name,
                       std::optional<EvaluationOrg> org) {
    Target t;
    t.type = type;
    t.occupationCode = code;
    t.occupationName = name;
    t.level = 4;
    t.evaluationOrg = std::move(org);
    t.evaluation = {EvaluationStatus::Approved, "意见〔2026〕1号", Date{2026, 5, 12}};
    return t;
  }

  StateStore& store() {
    if (!store_) {
      auto s = store::openSqliteStore(dir_ / "state.db");
      EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
      store_ = std::move(*s);
    }
    return *store_;
  }

  [[nodiscard]] std::string key(std::size_t target) const {
    return targetKeyOf(school_.majors[0].targets[target]);
  }

  // Declares students `rows` for target 0 in one batch; the platform answers `results`.
  void declare(const std::vector<std::size_t>& rows, const std::vector<StudentResult>& results,
               const std::string& batchId = "B1") {
    std::vector<StudentEntry> entries;
    for (std::size_t i : rows) entries.push_back({ids_[i], "2027"});
    Intent intent{"intent-" + batchId, "s1", "batch", key(0), "batch"};
    ASSERT_TRUE(store().beginIntent(intent, entries));
    IntentResponse received;
    received.batch = BatchStatus::Received;
    received.id = batchId;
    ASSERT_TRUE(store().recordResponse(intent.key, received));
    ASSERT_TRUE(store().putBatch({batchId, intent.key, "s1", key(0), BatchStatus::Processing, ""}));
    if (results.empty()) return;
    ASSERT_TRUE(store().recordStudentResults("s1", key(0), results));
    ASSERT_TRUE(store().putBatch({batchId, intent.key, "s1", key(0), BatchStatus::Done, ""}));
  }

  void pass(SchoolOutcomeKind outcome, const std::string& summary = "one pass") {
    ASSERT_TRUE(store().recordPass(
        {"s1", "2027-03-01T01:00:00.000Z", "2027-03-01T01:02:00.000Z", outcome, summary, 1}));
  }

  Report build(const Date& today, bool withStore = true, std::optional<long> certDays = 400,
               long waitDays = kApplicationWaitDays) {
    ReportInputs in;
    in.config = &config_;
    in.schools.push_back({&school_, &result_, certDays, "2028-11-27"});
    in.store = withStore ? &store() : nullptr;
    ReportOptions opt;
    opt.today = today;
    opt.generatedAt = "2027-03-01 09:00";
    opt.applicationWaitDays = waitDays;
    return buildReport(in, opt);
  }

  School school_;
  SchoolResult result_;
  Config config_;
  std::vector<std::string> ids_;

 private:
  TempDir dir_;
  std::unique_ptr<StateStore> store_;
};

// A date away from the April/October windows: no window reminder.
inline const Date kQuietDay{2027, 1, 15};

}  // namespace zzjb::test
