// A harness that fails on purpose, for the tests of the replay driver itself (fuzz/CMakeLists.txt):
// the input "abort" aborts, "throw" throws out of LLVMFuzzerTestOneInput, anything else passes.
// A replay that skipped inputs or swallowed failures would let every real regression pass.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input == "abort") std::abort();
  if (input == "throw") throw std::runtime_error("selftest");
  return 0;
}
