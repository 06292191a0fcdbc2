// A PIN in memory: not copyable, wiped when it goes away, never printed.
#pragma once

#include <string>
#include <string_view>

namespace zzjb::identity {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  ~Secret() { wipe(); }
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      wipe();
      value_ = std::move(other.value_);
      other.wipe();
    }
    return *this;
  }

  [[nodiscard]] std::string_view view() const { return value_; }
  [[nodiscard]] bool empty() const { return value_.empty(); }
  void wipe();  // overwrites the bytes (in a way the optimiser keeps), then clears

 private:
  std::string value_;
};

}  // namespace zzjb::identity
