// How long writing one declaration batch takes: the 团体申报导入模板 as .xlsx bytes
// (pugixml + libzip, in memory) and its SHA-256, for 1,000 and 5,000 rows (the platform's
// largest batch). The engine does this once per batch, plus one SHA-256 per row (fingerprint).
// Run: build/<dir>/bench/zzjb_pass_bench --benchmark_filter=BM_WriteDeclarationXlsx
#include <benchmark/benchmark.h>

#include <string>

#include "bench_support.hpp"
#include "zzjb/platform/declaration_file.hpp"

namespace {

using namespace zzjb;

void BM_WriteDeclarationXlsx(benchmark::State& state) {
  const DeclarationSheet sheet = bench::makeSheet(static_cast<int>(state.range(0)));
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto xlsx = platform::writeDeclarationXlsx(sheet);
    if (!xlsx) {
      state.SkipWithError(xlsx.error().message.c_str());
      return;
    }
    std::string sha = platform::sha256Hex(*xlsx);
    benchmark::DoNotOptimize(sha);
    bytes = xlsx->size();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
  state.counters["xlsx_KiB"] = static_cast<double>(bytes) / 1024.0;
}
BENCHMARK(BM_WriteDeclarationXlsx)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond);

// SHA-256 alone over the same bytes, to split the figure above.
void BM_Sha256OfDeclarationXlsx(benchmark::State& state) {
  auto xlsx = platform::writeDeclarationXlsx(bench::makeSheet(static_cast<int>(state.range(0))));
  if (!xlsx) {
    state.SkipWithError(xlsx.error().message.c_str());
    return;
  }
  for (auto _ : state) {
    std::string sha = platform::sha256Hex(*xlsx);
    benchmark::DoNotOptimize(sha);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(xlsx->size()));
}
BENCHMARK(BM_Sha256OfDeclarationXlsx)->Arg(5000)->Unit(benchmark::kMicrosecond);

}  // namespace
