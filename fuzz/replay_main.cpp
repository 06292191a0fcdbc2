// The replay driver: with g++ (no libFuzzer) each harness becomes a program that runs
// LLVMFuzzerTestOneInput once on the empty input and once on every file of the directories and
// files it is given, so ctest replays the corpus and the regressions under the dev and the
// ASan/UBSan builds. A failing input is named on stderr just before it runs. See docs/fuzzing.md.
#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

#if defined(__SANITIZE_ADDRESS__)
#define ZZJB_REPLAY_ASAN 1
// libFuzzer's default RSS limit, so that an amplifying input fails here as it does in a campaign
// (ASan reserves address space: RLIMIT_AS cannot be used under it).
extern "C" const char* __asan_default_options() { return "hard_rss_limit_mb=2048"; }
#endif

namespace {

namespace fs = std::filesystem;

// Address space for the dev build: an input that amplifies memory fails with bad_alloc instead of
// taking the shared machine's memory. ZZJB_FUZZ_MEMORY_MB overrides (0: no limit).
void limitMemory() {
#if !defined(ZZJB_REPLAY_ASAN)
  unsigned long mb = 2048;
  if (const char* env = std::getenv("ZZJB_FUZZ_MEMORY_MB")) mb = std::strtoul(env, nullptr, 10);
  if (mb == 0) return;
  rlimit limit{};
  limit.rlim_cur = static_cast<rlim_t>(mb) << 20;
  limit.rlim_max = RLIM_INFINITY;
  if (getrlimit(RLIMIT_AS, &limit) == 0) {
    limit.rlim_cur = std::min<rlim_t>(static_cast<rlim_t>(mb) << 20, limit.rlim_max);
    setrlimit(RLIMIT_AS, &limit);
  }
#endif
}

bool collect(const fs::path& arg, std::vector<fs::path>& out) {
  std::error_code ec;
  if (fs::is_regular_file(arg, ec)) {
    out.push_back(arg);
    return true;
  }
  if (!fs::is_directory(arg, ec)) return false;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(arg, ec)) {
    // Dot files (.gitkeep) are not inputs.
    if (entry.is_regular_file() && !entry.path().filename().string().starts_with(".")) {
      files.push_back(entry.path());
    }
  }
  if (ec) return false;
  std::sort(files.begin(), files.end());
  out.insert(out.end(), files.begin(), files.end());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR_OR_FILE...\n  runs every input once (see docs/fuzzing.md)\n",
                 argv[0]);
    return 64;
  }
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    if (!collect(argv[i], inputs)) {
      std::fprintf(stderr, "%s: not a file or directory\n", argv[i]);
      return 66;
    }
  }
  limitMemory();
  std::fprintf(stderr, "replay: (empty input)\n");
  LLVMFuzzerTestOneInput(nullptr, 0);
  for (const auto& file : inputs) {
    std::ifstream in(file, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.eof() && in.fail()) {
      std::fprintf(stderr, "%s: cannot read\n", file.c_str());
      return 66;
    }
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", file.c_str(), bytes.size());
    std::fflush(stderr);
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("%zu inputs replayed, none failed\n", inputs.size() + 1);
  return 0;
}
