// The platform answers' decoders (adapters/platform/wire) over hostile bytes, through the
// byte-level entry points (parseAnswer, decodeAnswer) the client and the fuzzers use: issue 11
// item 12 (a deeply nested answer overflowed the stack in the idempotency lookup) and the bounded
// reading of docs/platform-client.md, "Answers".
#include "wire.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using zzjb::platform::wire::AnswerKind;
using zzjb::platform::wire::decodeAnswer;
using zzjb::platform::wire::json;
using zzjb::platform::wire::parseAnswer;

const std::vector<AnswerKind> kKinds = {AnswerKind::Account,
                                        AnswerKind::Catalog,
                                        AnswerKind::Permissions,
                                        AnswerKind::Application,
                                        AnswerKind::Batch,
                                        AnswerKind::Declarations,
                                        AnswerKind::ZeroOrOneApplication,
                                        AnswerKind::ZeroOrOneBatch,
                                        AnswerKind::Error};

std::string nested(std::size_t depth) {
  return R"({"items":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The fuzzing campaign's case: {"items":[[[[…]]]]} a hundred thousand deep. Before, the
// idempotency lookup copied items[0] recursively and the process died of a stack overflow.
TEST(PlatformAnswers, DeeplyNestedAnswerIsMalformedForEveryDecoder) {
  const std::string deep = nested(100'000);
  for (AnswerKind kind : kKinds) {
    auto r = decodeAnswer(kind, deep);
    ASSERT_FALSE(r) << static_cast<int>(kind);
    EXPECT_TRUE(contains(r.error(), "嵌套超过 64 层")) << r.error();
  }
}

// Nesting within the limit is read, and the decoder says what is wrong where.
TEST(PlatformAnswers, NestingWithinTheLimitIsDecodedToAContractError) {
  auto r = decodeAnswer(AnswerKind::ZeroOrOneBatch, nested(60));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "items[0]：$ 不是 JSON 对象");
  EXPECT_TRUE(parseAnswer(nested(63)));
  EXPECT_FALSE(parseAnswer(nested(64)));  // 64 arrays inside the object: 65 levels
}

// The idempotency lookup points into the answer; it does not copy the item.
TEST(PlatformAnswers, ZeroOrOneReturnsTheItemInPlaceOrNothing) {
  const json one = json::parse(R"({"items":[{"batchId":"b1","status":"DONE"}]})");
  auto item = zzjb::platform::wire::decodeZeroOrOne(one);
  ASSERT_TRUE(item);
  EXPECT_EQ(*item, &one["items"][0]);
  auto none = zzjb::platform::wire::decodeZeroOrOne(json::parse(R"({"items":[]})"));
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, nullptr);
  EXPECT_FALSE(zzjb::platform::wire::decodeZeroOrOne(json::parse(R"({"items":[1,2]})")));
}

// A number no double holds threw nlohmann's out_of_range before; now it is a malformed answer.
TEST(PlatformAnswers, NumberTooLargeForADoubleIsMalformed) {
  for (AnswerKind kind : kKinds) {
    auto r = decodeAnswer(kind, R"({"items":[{"level":1e999}],"status":1e999})");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), "应答中有大到无法读取的数字（如 1e999）");
  }
}

// Invalid UTF-8 in a string is refused by the parser with the byte offset; the message does not
// carry the answer's bytes (which may hold an ID number).
TEST(PlatformAnswers, InvalidUtf8IsMalformedWithItsOffsetAndNoEcho) {
  const std::string body = "{\"status\":\"310104198001011234\xff\"}";
  for (AnswerKind kind : kKinds) {
    auto r = decodeAnswer(kind, body);
    ASSERT_FALSE(r);
    EXPECT_TRUE(contains(r.error(), "不是有效的 UTF-8 JSON（在第 ")) << r.error();
    EXPECT_FALSE(contains(r.error(), "310104")) << r.error();
  }
}

// Integers outside int are refused, never wrapped: 4294967300 is not level 4.
TEST(PlatformAnswers, IntegersOutsideIntAreOutOfRangeNotWrapped) {
  auto r = decodeAnswer(
      AnswerKind::Declarations,
      R"({"items":[{"idNumber":"x","occupationCode":"4-04-05-01","level":4294967300,"declarationNo":"d"}]})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "items[0].level 超出范围");
  auto c = decodeAnswer(
      AnswerKind::Catalog,
      R"({"version":"1","items":[{"org":{"name":"a","creditCode":"b","type":"EMPLOYER"},
          "occupations":[{"code":"c","name":"n","levels":[-4294967292]}]}]})");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error(),
            "items[0].occupations[0].levels 中有不是有效整数的值");
  EXPECT_TRUE(decodeAnswer(
      AnswerKind::Declarations,
      R"({"items":[{"idNumber":"x","occupationCode":"c","level":2147483647,"declarationNo":"d"}]})"));
}

// Anything else that is not JSON: empty, truncated, trailing bytes, NUL, huge strings of
// brackets without end. Each is an error value, never an exception.
TEST(PlatformAnswers, GarbageOfEveryShapeIsAnErrorValue) {
  const std::vector<std::string> bodies = {"",
                                           " ",
                                           "{",
                                           "[",
                                           "{\"items\":",
                                           std::string("{\"a\":1}\0x", 9),
                                           "{\"a\":1} x",
                                           std::string(1 << 20, '['),
                                           std::string(1 << 20, '{'),
                                           "\"\\ud800\"",
                                           "nul",
                                           "-",
                                           "{\"items\":[{}]}garbage"};
  for (const std::string& body : bodies) {
    for (AnswerKind kind : kKinds) {
      EXPECT_NO_THROW({
        auto r = decodeAnswer(kind, body);
        EXPECT_FALSE(r) << body.substr(0, 20);
      });
    }
  }
}

// The well-formed answers still decode (the bounds take nothing away).
TEST(PlatformAnswers, WellFormedAnswersStillDecode) {
  EXPECT_TRUE(decodeAnswer(AnswerKind::Account, R"({"status":"ACTIVE","registeredAt":null})"));
  EXPECT_TRUE(decodeAnswer(AnswerKind::ZeroOrOneApplication, R"({"items":[]})"));
  EXPECT_TRUE(decodeAnswer(AnswerKind::ZeroOrOneApplication,
                           R"({"items":[{"applicationId":"a1","status":"UNDER_REVIEW"}]})"));
  EXPECT_TRUE(decodeAnswer(AnswerKind::Error, R"({"code":"REPLAY","message":"seen"})"));
}

// States are parsed once, here (docs/platform-api.md): a state the contract does not have is a
// contract error (the client's Protocol failure), never a string for the engine to guess about —
// nor one of the engine's own (GRANTED, RECORDING), which no answer holds.
TEST(PlatformAnswers, AStateTheContractDoesNotHaveIsAContractError) {
  auto account = decodeAnswer(AnswerKind::Account, R"({"status":"OPEN"})");
  ASSERT_FALSE(account);
  EXPECT_EQ(account.error(), "status 不是 PENDING_CENTRE, ACTIVE 之一");
  EXPECT_FALSE(decodeAnswer(AnswerKind::Account, R"({"status":"NOT_REGISTERED"})"));
  auto app = decodeAnswer(AnswerKind::Application,
                          R"({"applicationId":"a1","status":"PENDING_REVIEW"})");
  ASSERT_FALSE(app);
  EXPECT_TRUE(contains(app.error(), "status 不是 SUBMITTED")) << app.error();
  EXPECT_FALSE(decodeAnswer(AnswerKind::Application, R"({"applicationId":"a1","status":"GRANTED"})"));
  EXPECT_FALSE(decodeAnswer(AnswerKind::Batch, R"({"batchId":"b1","status":"RECORDING"})"));
  EXPECT_FALSE(decodeAnswer(AnswerKind::ZeroOrOneBatch,
                            R"({"items":[{"batchId":"b1","status":"QUEUED"}]})"));
  auto row = decodeAnswer(AnswerKind::Batch, R"({"batchId":"b1","status":"DONE","rows":[)"
                                             R"({"row":2,"result":"QUEUED"}]})");
  ASSERT_FALSE(row);
  EXPECT_EQ(row.error(), "rows[0].result 不是 ACCEPTED, REJECTED 之一");
  for (const char* ok : {"SUBMITTED", "UNDER_REVIEW", "APPROVED", "REJECTED"}) {
    EXPECT_TRUE(decodeAnswer(AnswerKind::Application, std::string(R"({"applicationId":"a1","status":")") + ok + "\"}")) << ok;
  }
  for (const char* ok : {"RECEIVED", "PROCESSING", "DONE"}) {
    EXPECT_TRUE(decodeAnswer(AnswerKind::Batch, std::string(R"({"batchId":"b1","status":")") + ok + "\"}")) << ok;
  }
}

}  // namespace
