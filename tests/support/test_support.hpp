// Helpers for tests: run a program and capture what it printed, make a scratch directory,
// read and write files. Header-only; tests only.
#pragma once

#include <dlfcn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace zzjb::test {

struct RunResult {
  int exitCode = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// A path of this build (a program, a plugin, a folder of the build tree) that the test's CMake
// file named with zzjb_test_paths (tests/CMakeLists.txt); its macros (ZZJB_BIN, …) call this.
const char* builtPath(const char* name);

// Whether this program runs under AddressSanitizer, asked of the loaded program rather than of the
// compiler: the ASan build compiles the tests' own code without instrumentation, exactly as the
// dev build does (so that one compiled object serves both: cmake/ZzjbOptions.cmake), and links it
// with ASan's runtime, whose entry point this finds.
inline bool underAsan() { return dlsym(RTLD_DEFAULT, "__asan_init") != nullptr; }

inline std::string shellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

inline std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void writeFile(const std::filesystem::path& p, const std::string& content) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + p.string());
  out << content;
}

// A fresh directory under $ZZJB_TEST_TMP (or the system temp dir), removed on destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("ZZJB_TEST_TMP");
    std::filesystem::path root = base ? base : std::filesystem::temp_directory_path();
    std::filesystem::create_directories(root);
    std::string tmpl = (root / "zzjb-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    if (std::getenv("ZZJB_KEEP_TMP") == nullptr) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

// Runs `command` through /bin/sh, stdout and stderr captured separately.
inline RunResult run(const std::string& command) {
  static int counter = 0;
  TempDir scratch;
  auto outPath = scratch / ("out" + std::to_string(counter));
  auto errPath = scratch / ("err" + std::to_string(counter++));
  std::string full = command + " >" + shellQuote(outPath.string()) + " 2>" +
                     shellQuote(errPath.string()) + " </dev/null";
  int status = std::system(full.c_str());
  RunResult r;
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = readFile(outPath);
  r.err = readFile(errPath);
  return r;
}

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}

inline bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

}  // namespace zzjb::test
