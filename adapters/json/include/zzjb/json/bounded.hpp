// JSON parsed with bounds: nesting depth and size are limited before any recursive code (copy,
// dump, comparison) can see the document, and every nlohmann exception becomes a value.
// Used for every JSON zzjb reads: configuration, catalog, platform answers, zzjb-mock's bodies.
// See docs/security.md.
#pragma once

#include <cstddef>
#include <expected>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace zzjb::json {

inline constexpr int kMaxDepth = 64;                    // arrays and objects inside each other
inline constexpr std::size_t kMaxBytes = 64u << 20;     // a whole document

struct ParseLimits {
  int maxDepth = kMaxDepth;
  std::size_t maxBytes = kMaxBytes;
};

struct ParseError {
  enum class Kind { Syntax, TooDeep, TooLarge, NumberOutOfRange };
  Kind kind = Kind::Syntax;
  std::size_t byte = 0;     // where (0 when unknown)
  std::string message;      // from the catalog, safe to print (does not echo the input)
};

// Parses `text` as one JSON document. Never throws for any input.
[[nodiscard]] std::expected<nlohmann::json, ParseError> parse(std::string_view text,
                                                              const ParseLimits& limits = {});

// The deepest nesting of a parsed value, counted without recursion (1 for a scalar).
[[nodiscard]] int depthOf(const nlohmann::json& value);

}  // namespace zzjb::json
