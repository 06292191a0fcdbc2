// Hostile input to the mock platform (issue 11, items 11 and 12): bodies nested far deeper than
// any parser's stack, paths and methods that are not UTF-8, clock values at the ends of int64,
// base64 with stray padding bits, and state documents that would break the clock. Each is
// refused with a JSON answer (400 or 422), never a crash, a 500 or an echo of the raw bytes.
#include <limits>

#include "mock_test_support.hpp"

namespace zzjb::mock::test {
namespace {

using MockHardening = MockTest;

std::string nested(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

std::string nestedObject(std::size_t depth) {
  std::string s;
  for (std::size_t i = 0; i < depth; ++i) s += "{\"a\":";
  s += "1";
  s += std::string(depth, '}');
  return s;
}

TEST(MockBase64, RefusesNonZeroPaddingBits) {
  EXPECT_EQ(base64Decode("QQ=="), std::optional<std::string>("A"));
  EXPECT_EQ(base64Decode("QUI="), std::optional<std::string>("AB"));
  // The same bytes with left-over bits set: not the canonical form, refused.
  EXPECT_FALSE(base64Decode("QR=="));
  EXPECT_FALSE(base64Decode("QX=="));
  EXPECT_FALSE(base64Decode("QUJ="));
  EXPECT_FALSE(base64Decode("QUL="));
  // Every encoding the mock makes still decodes to what was encoded.
  for (int n = 0; n < 64; ++n) {
    std::string bytes;
    for (int i = 0; i < n; ++i) bytes += static_cast<char>(i * 37 + n);
    EXPECT_EQ(base64Decode(base64Encode(bytes)), std::optional<std::string>(bytes)) << n;
  }
}

TEST(MockUtf8, SanitizeReplacesInvalidBytesAndCuts) {
  EXPECT_TRUE(isValidUtf8("/api/v1/接口"));
  EXPECT_FALSE(isValidUtf8("/api/\xff"));
  EXPECT_FALSE(isValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(isValidUtf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(isValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(isValidUtf8("\xe6\x8e"));          // cut short
  EXPECT_EQ(sanitizeUtf8("/a\xff"), "/a\xEF\xBF\xBD");
  const std::string cut = sanitizeUtf8(std::string(1000, 'x'), 16);
  EXPECT_EQ(cut, std::string(16, 'x') + "\xE2\x80\xA6");
  EXPECT_TRUE(isValidUtf8(sanitizeUtf8("接口接口", 4)));  // never cuts a character in two
}

TEST_F(MockHardening, DeeplyNestedBodiesAreBadRequestNotACrash) {
  const std::string deep = nested(100'000);
  const std::string deepObject = nestedObject(100'000);
  // Unauthenticated, admin, and signed-and-idempotent routes alike (the fingerprint's dump()
  // and the catalog's validation copy were the stack overflows).
  for (const std::string& body : {deep, deepObject}) {
    Parsed login = raw("POST", "/api/v1/auth/login", body);
    EXPECT_EQ(login.status, 400);
    EXPECT_EQ(login.body["code"], "BAD_REQUEST");
    Parsed catalog = raw("POST", "/__admin/catalog", body);
    EXPECT_EQ(catalog.status, 400);
    EXPECT_EQ(catalog.body["code"], "BAD_REQUEST");
    EXPECT_TRUE(catalog.body["message"].get<std::string>().find("64") != std::string::npos)
        << catalog.body.dump();
  }
  register_();
  Parsed account = submit("PUT", "/api/v1/account", deep, "deep-1");
  EXPECT_EQ(account.status, 400) << account.raw.body;
  EXPECT_EQ(account.body["code"], "BAD_REQUEST");
  Parsed application =
      submit("POST", "/api/v1/skills/permission-applications", deepObject, "deep-2");
  EXPECT_EQ(application.status, 400) << application.raw.body;
  // 64 levels are still a document (the limit is the bounded parser's, docs/platform-api.md).
  Parsed shallow = submit("POST", "/api/v1/skills/permission-applications", nested(64), "deep-3");
  EXPECT_EQ(shallow.status, 400) << shallow.raw.body;  // not an object: the handler's answer
  EXPECT_EQ(shallow.body["message"].get<std::string>().find("嵌套"), std::string::npos);
}

TEST_F(MockHardening, DeeplyNestedManifestIsBadRequest) {
  register_();
  const std::string b = kBoundary;
  const std::string body = "--" + b +
                           "\r\nContent-Disposition: form-data; name=\"manifest\"\r\n"
                           "Content-Type: application/json\r\n\r\n" +
                           nestedObject(50'000) + "\r\n--" + b +
                           "\r\nContent-Disposition: form-data; name=\"file\"; "
                           "filename=\"s.xlsx\"\r\n\r\nxx\r\n--" +
                           b + "--\r\n";
  Signing s;
  s.contentType = std::string("multipart/form-data; boundary=") + kBoundary;
  Parsed r = submit("POST", "/api/v1/skills/group-declarations", body, "deep-manifest", s);
  EXPECT_EQ(r.status, 400) << r.raw.body;
  EXPECT_EQ(r.body["code"], "BAD_REQUEST");
}

TEST_F(MockHardening, CatalogOfTheWrongTypesIsValidationFailedNotInternal) {
  json catalog = json::parse(catalogJson());
  catalog["items"][0]["org"]["type"] = 7;
  Parsed r = admin("POST", "/__admin/catalog", catalog);
  EXPECT_EQ(r.status, 422) << r.raw.body;
  EXPECT_EQ(r.body["fields"][0]["field"], "items[0].org.type");
}

TEST_F(MockHardening, NumberOutOfRangeIsBadRequest) {
  Parsed r = raw("POST", "/__admin/review-policy", R"({"mode": "manual", "afterPolls": 1e999})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["code"], "BAD_REQUEST");
}

TEST_F(MockHardening, PathOrMethodWithInvalidUtf8IsBadRequestWithoutEcho) {
  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/api/v1/\xff\xfe"},
                                                        {"GET", "/__admin/\xc0\xaf"},
                                                        {"G\xff", "/api/v1/account"},
                                                        {"POST", "/api/v1/auth/\xed\xa0\x80"}}) {
    Parsed r = raw(method, target);
    EXPECT_EQ(r.status, 400) << r.raw.body;
    ASSERT_FALSE(r.body.is_discarded()) << r.raw.body;
    EXPECT_EQ(r.body["code"], "BAD_REQUEST");
    EXPECT_TRUE(isValidUtf8(r.raw.body));
    EXPECT_EQ(r.raw.body.find('\xff'), std::string::npos);
  }
  // A valid but very long unknown path is echoed cut short, not whole.
  Parsed longPath = raw("GET", "/api/" + std::string(100'000, 'a'));
  EXPECT_EQ(longPath.status, 404);
  EXPECT_LT(longPath.raw.body.size(), 1000u);
}

TEST_F(MockHardening, ClockRefusesValuesThatWouldOverflow) {
  const std::string before = admin("GET", "/__admin/clock").body["now"];
  const auto max = std::numeric_limits<std::int64_t>::max();
  const auto min = std::numeric_limits<std::int64_t>::min();
  const auto umax = std::numeric_limits<std::uint64_t>::max();
  for (const json& body :
       {json{{"offsetSeconds", max}}, json{{"offsetSeconds", min}}, json{{"offsetSeconds", umax}},
        json{{"advanceSeconds", max}}, json{{"advanceSeconds", min}},
        json{{"advanceSeconds", umax}}, json{{"offsetSeconds", kMaxClockStep}},
        json{{"now", "0000-01-01T00:00:00Z"}}}) {
    Parsed r = admin("POST", "/__admin/clock", body);
    EXPECT_EQ(r.status, 422) << body.dump() << " → " << r.raw.body;
    EXPECT_EQ(r.body["code"], "VALIDATION_FAILED");
  }
  // Refusals leave the clock as it was (frozen at start_).
  EXPECT_EQ(admin("GET", "/__admin/clock").body["now"], before);
  // Steps that add up: each is in range, their sum would leave year 9999.
  ASSERT_EQ(admin("POST", "/__admin/clock", {{"now", "9999-12-31T00:00:00+08:00"}}).status, 200);
  EXPECT_EQ(admin("POST", "/__admin/clock", {{"advanceSeconds", 86400}}).status, 422);
  EXPECT_EQ(admin("POST", "/__admin/clock", {{"advanceSeconds", 3600}}).body["now"],
            "9999-12-31T01:00:00+08:00");
  // A hundred years either way is fine, ticking.
  Parsed ahead = admin("POST", "/__admin/clock", {{"offsetSeconds", 100LL * 365 * 86400}});
  EXPECT_EQ(ahead.status, 200) << ahead.raw.body;
  EXPECT_FALSE(ahead.body["frozen"].get<bool>());
  EXPECT_EQ(admin("POST", "/__admin/clock", {{"advanceSeconds", -200LL * 365 * 86400}}).status,
            200);
  EXPECT_EQ(admin("GET", "/__admin/health").status, 200);
}

TEST_F(MockHardening, LoadStateRefusesAClockOutOfRange) {
  json doc = json::parse(platform_->saveState());
  std::string error;
  json bad = doc;
  bad["clock"]["offset"] = std::numeric_limits<std::int64_t>::max();
  EXPECT_FALSE(platform_->loadState(bad.dump(), error));
  EXPECT_NE(error.find("clock"), std::string::npos) << error;
  bad = doc;
  bad["clock"]["fixedNow"] = std::numeric_limits<std::int64_t>::min();
  EXPECT_FALSE(platform_->loadState(bad.dump(), error));
  EXPECT_FALSE(platform_->loadState(nested(100'000), error));
  EXPECT_NE(error.find("嵌套超过"), std::string::npos) << error;  // the bounded reader's depth limit
  EXPECT_TRUE(platform_->loadState(doc.dump(), error)) << error;
}

TEST_F(MockHardening, TimesAtTheEndsOfInt64InAStateAreWrittenClamped) {
  register_();
  json doc = json::parse(platform_->saveState());
  doc["accounts"][kSm2School]["registeredAt"] = std::numeric_limits<std::int64_t>::max();
  doc["accounts"][kSm2School]["updatedAt"] = std::numeric_limits<std::int64_t>::min();
  std::string error;
  ASSERT_TRUE(platform_->loadState(doc.dump(), error)) << error;
  Parsed account = get("/api/v1/account");
  ASSERT_EQ(account.status, 200) << account.raw.body;
  EXPECT_EQ(account.body["registeredAt"], "9999-12-31T23:59:59+08:00");
  EXPECT_EQ(account.body["updatedAt"], "0001-01-01T08:00:00+08:00");
  EXPECT_EQ(admin("GET", "/__admin/state").status, 200);
}

}  // namespace
}  // namespace zzjb::mock::test
