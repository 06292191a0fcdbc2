// Dates, the academic year, levels, offices and the April/October window.
#include <gtest/gtest.h>

#include "zzjb/core/domain.hpp"

namespace zzjb {
namespace {

TEST(Date, ParsesRealDatesOnly) {
  EXPECT_EQ(Date::parseIso("2024-02-29"), (Date{2024, 2, 29}));
  EXPECT_EQ(Date::parseIso("2023-02-29"), std::nullopt);
  EXPECT_EQ(Date::parseIso("2026/05/12"), (Date{2026, 5, 12}));
  EXPECT_EQ(Date::parseIso("2026-5-12"), std::nullopt);
  EXPECT_EQ(Date::parseCompact("19000229"), std::nullopt);  // 1900 is not a leap year
  EXPECT_EQ(Date::parseCompact("20000229"), (Date{2000, 2, 29}));
}

TEST(GraduationYear, AcademicYearEndsOnThirtyFirstAugust) {
  EXPECT_EQ(graduationYearOn({2026, 11, 27}), 2027);
  EXPECT_EQ(graduationYearOn({2027, 8, 31}), 2027);
  EXPECT_EQ(graduationYearOn({2027, 9, 1}), 2028);
  EXPECT_EQ(graduationYearOn({2027, 1, 1}), 2027);
}

TEST(Levels, HaveBothNames) {
  EXPECT_EQ(levelName(4), "四级/中级工");
  EXPECT_EQ(levelName(3), "三级/高级工");
  EXPECT_EQ(levelName(1), "一级/高级技师");
  EXPECT_EQ(levelName(5), "五级/初级工");
  EXPECT_FALSE(isSkillLevel(6));
}

TEST(SchoolLevel, DecidesTheLevelAndTheOffice) {
  EXPECT_EQ(allowedLevel(SchoolLevel::Secondary), 4);
  EXPECT_EQ(allowedLevel(SchoolLevel::Higher), 3);
  EXPECT_EQ(evaluationOfficeFor(SchoolLevel::Secondary).shortName, "市教委教研室");
  EXPECT_EQ(evaluationOfficeFor(SchoolLevel::Higher).shortName, "市教委职教处");
}

TEST(EvaluationWindow, IsTheNextAprilOrOctober) {
  auto w = nextEvaluationWindow({2026, 11, 27});
  EXPECT_EQ(w.year, 2027);
  EXPECT_EQ(w.month, 4);
  EXPECT_FALSE(w.openNow);
  EXPECT_TRUE(nextEvaluationWindow({2027, 4, 30}).openNow);
  EXPECT_EQ(nextEvaluationWindow({2027, 5, 1}).month, 10);
  EXPECT_EQ(nextEvaluationWindow({2027, 1, 3}).month, 4);
}

}  // namespace
}  // namespace zzjb
