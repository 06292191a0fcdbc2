// The replay driver: with g++ (no libFuzzer) each harness becomes a program that runs
// LLVMFuzzerTestOneInput on the empty input and on every file of the directories and files it
// is given, so ctest replays the corpus and the regressions under the dev and the ASan/UBSan
// builds. Each input runs in its own process (this program again, ZZJB_FUZZ_REPLAY_CHILD=1), so
// one crash does not hide the next: the run ends with every failing input named, and fails if
// there is one. ZZJB_FUZZ_REPLAY_INPROCESS=1 runs everything in this process (for a debugger).
// See docs/fuzzing.md.
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern char** environ;

#if defined(__SANITIZE_ADDRESS__)
#define ZZJB_REPLAY_ASAN 1
// libFuzzer's default RSS limit, so that an amplifying input fails here as it does in a campaign
// (ASan reserves address space: RLIMIT_AS cannot be used under it).
extern "C" const char* __asan_default_options() { return "hard_rss_limit_mb=2048"; }
#endif

namespace {

namespace fs = std::filesystem;
constexpr const char* kChildVar = "ZZJB_FUZZ_REPLAY_CHILD";

// Address space for the dev build: an input that amplifies memory fails with bad_alloc instead of
// taking the shared machine's memory. ZZJB_FUZZ_MEMORY_MB overrides (0: no limit).
void limitMemory() {
#if !defined(ZZJB_REPLAY_ASAN)
  unsigned long mb = 2048;
  if (const char* env = std::getenv("ZZJB_FUZZ_MEMORY_MB")) mb = std::strtoul(env, nullptr, 10);
  if (mb == 0) return;
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) != 0) return;
  limit.rlim_cur = std::min<rlim_t>(static_cast<rlim_t>(mb) << 20, limit.rlim_max);
  setrlimit(RLIMIT_AS, &limit);
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

bool runOne(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.eof() && in.fail()) {
    std::fprintf(stderr, "%s: cannot read\n", file.c_str());
    return false;
  }
  std::fprintf(stderr, "replay: %s (%zu bytes)\n", file.c_str(), bytes.size());
  std::fflush(stderr);
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  return true;
}

// In this process: the empty input when `inputs` is empty, else each input.
int runHere(const std::vector<fs::path>& inputs, bool withEmpty) {
  limitMemory();
  if (withEmpty) LLVMFuzzerTestOneInput(nullptr, 0);
  for (const auto& file : inputs) {
    if (!runOne(file)) return 66;
  }
  return 0;
}

// This program again on one input (none: the empty input). The outcome as text, empty if it passed.
std::string runChild(const char* self, const fs::path* input) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  env.push_back(std::string(kChildVar) + "=1");
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string arg0 = self;
  std::string arg1 = input != nullptr ? input->string() : std::string();
  std::vector<char*> argv{arg0.data()};
  if (input != nullptr) argv.push_back(arg1.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (int rc = posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), envp.data()); rc != 0)
    return std::string("cannot start: ") + std::strerror(rc);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return "lost the child process";
  }
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = sigdescr_np(sig);
    return "signal " + std::to_string(sig) + " (" + (name != nullptr ? name : "?") + ")";
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    return "exit status " + std::to_string(WEXITSTATUS(status));
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 && std::getenv(kChildVar) == nullptr) {
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
  if (std::getenv(kChildVar) != nullptr) return runHere(inputs, inputs.empty());
  if (std::getenv("ZZJB_FUZZ_REPLAY_INPROCESS") != nullptr) {
    const int rc = runHere(inputs, true);
    if (rc == 0) std::printf("%zu inputs replayed, none failed\n", inputs.size() + 1);
    return rc;
  }
  std::vector<std::string> failed;
  if (auto outcome = runChild(argv[0], nullptr); !outcome.empty())
    failed.push_back("(empty input): " + outcome);
  for (const auto& file : inputs) {
    if (auto outcome = runChild(argv[0], &file); !outcome.empty()) {
      std::fprintf(stderr, "FAILED: %s: %s\n", file.c_str(), outcome.c_str());
      failed.push_back(file.string() + ": " + outcome);
    }
  }
  std::printf("%zu inputs replayed, %zu failed\n", inputs.size() + 1, failed.size());
  for (const auto& f : failed) std::printf("  FAILED %s\n", f.c_str());
  return failed.empty() ? 0 : 1;
}
