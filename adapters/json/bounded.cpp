// Bounded JSON parsing: see bounded.hpp.
#include "zzjb/json/bounded.hpp"

#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "zzjb/messages/catalog.hpp"

namespace zzjb::json {
namespace {

struct TooDeep {
  std::size_t depth;
};

}  // namespace

std::expected<nlohmann::json, ParseError> parse(std::string_view text, const ParseLimits& limits) {
  if (text.size() > limits.maxBytes) {
    return std::unexpected(ParseError{
        ParseError::Kind::TooLarge, 0,
        msg::text("json.parse.tooLarge", {{"bytes", text.size()}, {"limit", limits.maxBytes}})});
  }
  // nlohmann's parser is iterative; the callback sees each value's depth as it opens, so a
  // document too deep is abandoned before it is built.
  const auto maxDepth = static_cast<std::size_t>(limits.maxDepth);
  nlohmann::json::parser_callback_t guard = [maxDepth](int depth, nlohmann::json::parse_event_t event,
                                                       nlohmann::json&) {
    if ((event == nlohmann::json::parse_event_t::object_start ||
         event == nlohmann::json::parse_event_t::array_start) &&
        static_cast<std::size_t>(depth) >= maxDepth) {
      throw TooDeep{static_cast<std::size_t>(depth) + 1};
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), guard, /*allow_exceptions=*/true,
                                 /*ignore_comments=*/false);
  } catch (const TooDeep& deep) {
    return std::unexpected(ParseError{
        ParseError::Kind::TooDeep, 0,
        msg::text("json.parse.tooDeep", {{"limit", limits.maxDepth}, {"depth", deep.depth}})});
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() quotes the last token read: say where instead, never what.
    return std::unexpected(ParseError{ParseError::Kind::Syntax, e.byte,
                                      msg::text("json.parse.syntax.byte", {{"byte", e.byte}})});
  } catch (const nlohmann::json::out_of_range&) {
    return std::unexpected(
        ParseError{ParseError::Kind::NumberOutOfRange, 0, msg::text("json.parse.numberRange")});
  } catch (const nlohmann::json::exception&) {
    return std::unexpected(ParseError{ParseError::Kind::Syntax, 0, msg::text("json.parse.syntax")});
  } catch (const std::bad_alloc&) {
    return std::unexpected(
        ParseError{ParseError::Kind::TooLarge, 0, msg::text("json.parse.tooLargeToRead")});
  }
}

int depthOf(const nlohmann::json& value) {
  int deepest = 0;
  std::vector<std::pair<const nlohmann::json*, int>> stack{{&value, 1}};
  while (!stack.empty()) {
    auto [v, d] = stack.back();
    stack.pop_back();
    if (d > deepest) deepest = d;
    if (v->is_structured()) {
      for (const auto& child : *v) stack.emplace_back(&child, d + 1);
    }
  }
  return deepest;
}

}  // namespace zzjb::json
