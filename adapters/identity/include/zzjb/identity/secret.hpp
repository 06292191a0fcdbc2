// A PIN in memory: not copyable, wiped when it goes away, never printed (docs/identity.md,
// "The PIN in memory").
//
// Every way a Secret gives up its bytes leaves none behind: a move copies the bytes and then
// overwrites the source's whole buffer — for a short PIN that is the small-string buffer inside
// the object itself, which std::string's own move leaves holding the PIN — and the string a
// Secret is made from is wiped the same way.
#pragma once

#include <string>
#include <string_view>

namespace zzjb::identity {

class Secret {
 public:
  Secret() = default;
  // Takes the bytes of `value` and wipes `value` (its whole buffer, not only its size).
  explicit Secret(std::string&& value);
  // Copies the bytes; the caller wipes its own buffer.
  explicit Secret(std::string_view value);
  explicit Secret(const char* value) : Secret(std::string_view(value)) {}
  ~Secret() { wipe(); }
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;

  [[nodiscard]] std::string_view view() const { return value_; }
  [[nodiscard]] bool empty() const { return value_.empty(); }
  void wipe() noexcept;  // overwrites the whole buffer (in a way the optimiser keeps), then clears

 private:
  std::string value_;
};

// Overwrites every byte `s` owns — up to its capacity, which covers the small-string buffer and
// whatever an earlier, longer value left there — then empties it and gives back its heap buffer.
void wipeString(std::string& s) noexcept;

}  // namespace zzjb::identity
