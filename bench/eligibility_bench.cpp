// How long `zzjb check` spends per student: reading a roster CSV, and deciding eligibility.
// Run: cmake --preset release && cmake --build --preset release --target zzjb_bench
//      build/release/bench/zzjb_bench
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "zzjb/core/eligibility.hpp"
#include "zzjb/core/identifiers.hpp"
#include "zzjb/roster/readers.hpp"

namespace {

using namespace zzjb;

std::string idNumber(int i) {
  char first17[18];
  std::snprintf(first17, sizeof first17, "310104%04d%02d%02d%03d", 2006 + i % 3, 1 + i % 12,
                1 + i % 28, (i * 2 + 1) % 1000);
  std::string s(first17);
  return s + *residentIdCheckChar(s);
}

std::filesystem::path makeCsv(int students) {
  auto path = std::filesystem::temp_directory_path() /
              ("zzjb-bench-" + std::to_string(students) + ".csv");
  std::ofstream out(path, std::ios::trunc);
  out << "姓名,证件类型,证件号码,性别,手机号码,专业,班级,毕业年份\r\n";
  for (int i = 0; i < students; ++i) {
    out << "学生" << i << ",居民身份证," << idNumber(i) << ",男,138" << 10000000 + i
        << ",计算机应用,计算机2401班,2027\r\n";
  }
  return path;
}

School school() {
  School s;
  s.id = "bench";
  s.creditCode = "12310104MB2F000081";
  s.level = SchoolLevel::Secondary;
  Major m;
  m.name = "计算机应用";
  Target t;
  t.type = "social-org";
  t.occupationCode = "4-04-05-01";
  t.occupationName = "计算机程序设计员";
  t.level = 4;
  t.evaluationOrg = EvaluationOrg{"评价中心", "52310000MJ1A2B3C9Q"};
  t.evaluation = {EvaluationStatus::Approved, "1", Date{2026, 5, 12}};
  m.targets.push_back(t);
  s.majors.push_back(m);
  return s;
}

void BM_ReadCsvRoster(benchmark::State& state) {
  auto path = makeCsv(static_cast<int>(state.range(0)));
  roster::CsvReader reader;
  for (auto _ : state) {
    auto table = reader.read(path, "bench.csv");
    benchmark::DoNotOptimize(table);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  std::filesystem::remove(path);
}
BENCHMARK(BM_ReadCsvRoster)->Arg(1000)->Arg(5000)->Arg(50000)->Unit(benchmark::kMillisecond);

void BM_EvaluateSchool(benchmark::State& state) {
  auto path = makeCsv(static_cast<int>(state.range(0)));
  auto table = roster::CsvReader().read(path, "bench.csv");
  Catalog cat;
  cat.items.push_back({{"评价中心", "52310000MJ1A2B3C9Q"},
                       OrgType::SocialOrg,
                       {{"4-04-05-01", "计算机程序设计员", {3, 4, 5}}}});
  School s = school();
  for (auto _ : state) {
    std::vector<RosterInput> in;
    in.push_back({"bench.csv", table});
    auto r = evaluateSchool(s, in, {{2026, 11, 27}, &cat});
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  std::filesystem::remove(path);
}
BENCHMARK(BM_EvaluateSchool)->Arg(1000)->Arg(5000)->Arg(50000)->Unit(benchmark::kMillisecond);

}  // namespace
