// zzjb::json::parse: bounded depth and size, every nlohmann exception a value (docs/security.md).
#include "zzjb/json/bounded.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace {

using zzjb::json::ParseError;

std::string nestedArrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST(BoundedJson, NestingUpToTheLimitIsReadAndOneMoreIsRefused) {
  auto ok = zzjb::json::parse(nestedArrays(64));
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  auto deep = zzjb::json::parse(nestedArrays(65));
  ASSERT_FALSE(deep.has_value());
  EXPECT_EQ(deep.error().kind, ParseError::Kind::TooDeep);
  EXPECT_NE(deep.error().message.find("64"), std::string::npos) << deep.error().message;
}

TEST(BoundedJson, AHundredThousandLevelsOfObjectsAndArraysEndWithAnErrorNotACrash) {
  std::string text;
  for (int i = 0; i < 50000; ++i) text += "{\"a\":[";
  auto r = zzjb::json::parse(text);  // unterminated too: the depth is what stops it
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ParseError::Kind::TooDeep);
}

TEST(BoundedJson, ANumberTooLargeForADoubleIsAnErrorNotAnException) {
  auto r = zzjb::json::parse(R"({"level": 1e999})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ParseError::Kind::NumberOutOfRange);
}

TEST(BoundedJson, InvalidUtf8IsASyntaxErrorThatDoesNotEchoTheInput) {
  auto r = zzjb::json::parse("{\"name\": \"secret\xff\"}");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ParseError::Kind::Syntax);
  EXPECT_EQ(r.error().message.find("secret"), std::string::npos) << r.error().message;
  EXPECT_GT(r.error().byte, 0u);
}

TEST(BoundedJson, ADocumentOverTheSizeLimitIsRefusedBeforeParsing) {
  auto r = zzjb::json::parse(std::string(100, ' ') + "{}", {.maxDepth = 64, .maxBytes = 50});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ParseError::Kind::TooLarge);
}

TEST(BoundedJson, AnOrdinaryDocumentIsReadAsNlohmannWouldReadIt) {
  const char* text = R"({"schools":[{"id":"xuhui-zz","level":4,"ok":true,"x":null}]})";
  auto r = zzjb::json::parse(text);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, nlohmann::json::parse(text));
  EXPECT_EQ(zzjb::json::depthOf(*r), 4);  // object → array → object → scalar
}

TEST(BoundedJson, DepthOfADeepValueIsCountedWithoutRecursion) {
  nlohmann::json v = 1;
  for (int i = 0; i < 100000; ++i) {
    nlohmann::json wrap = nlohmann::json::array();
    wrap.push_back(std::move(v));
    v = std::move(wrap);
  }
  EXPECT_EQ(zzjb::json::depthOf(v), 100001);
}

}  // namespace
