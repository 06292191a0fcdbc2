// Wiping a PIN from memory in a way the optimiser cannot drop (docs/identity.md, "The PIN in
// memory").
#include "zzjb/identity/secret.hpp"

#include <openssl/crypto.h>

#include <utility>

namespace zzjb::identity {

void wipeString(std::string& s) noexcept {
  // resize() within the capacity neither allocates nor throws, and makes every byte the string
  // owns part of its size, so that the cleanse below stays inside the object's own storage.
  s.resize(s.capacity());
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
  s.shrink_to_fit();  // a heap buffer, already cleansed, goes back; the string is small again
}

Secret::Secret(std::string&& value) {
  value_.reserve(value.size());
  value_.assign(value.data(), value.size());
  wipeString(value);
}

Secret::Secret(std::string_view value) {
  value_.reserve(value.size());
  value_.assign(value.data(), value.size());
}

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)) {
  // A long PIN's heap buffer has moved over; a short one was copied and its bytes are still in
  // `other`'s small-string buffer.
  wipeString(other.value_);
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    wipe();
    value_ = std::move(other.value_);
    wipeString(other.value_);
  }
  return *this;
}

void Secret::wipe() noexcept {
  wipeString(value_);
}

}  // namespace zzjb::identity
