// The admin API (/__admin/, loopback only), the general errors (404, 405, 400), and saving and
// loading the state so that a restarted mock answers as before.
#include "mock_test_support.hpp"

namespace zzjb::mock::test {
namespace {

using MockAdmin = MockTest;

TEST_F(MockAdmin, AdminFromAnotherHostIsForbidden) {
  for (const char* path : {"/__admin/health", "/__admin/state", "/__admin/reset"}) {
    Parsed r = raw(std::string(path) == "/__admin/reset" ? "POST" : "GET", path, "", {}, false);
    EXPECT_EQ(r.status, 403) << path;
    EXPECT_EQ(r.body["code"], "FORBIDDEN");
  }
  EXPECT_EQ(admin("GET", "/__admin/health").body["status"], "ok");
  EXPECT_EQ(raw("POST", "/api/v1/auth/challenge", "", {}, false).status,
            200);  // the API is for all
}

TEST_F(MockAdmin, UnknownPathIsNotFoundAndWrongMethodIsNotAllowed) {
  Parsed missing = raw("GET", "/api/v1/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body["code"], "NOT_FOUND");
  EXPECT_EQ(raw("GET", "/__admin/journal").body["code"], "NOT_FOUND");  // the server's
  Parsed wrong = raw("DELETE", "/api/v1/account");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.body["code"], "METHOD_NOT_ALLOWED");
  bool allow = false;
  for (const auto& [name, value] : wrong.raw.headers)
    allow = allow || (name == "Allow" && value == "GET, PUT");
  EXPECT_TRUE(allow);
  EXPECT_EQ(raw("GET", "/api/v1/auth/login").status, 405);
  for (const auto& [name, value] : wrong.raw.headers) {
    if (name == "Content-Type") {
      EXPECT_EQ(value, "application/json; charset=utf-8");
    }
  }
}

TEST_F(MockAdmin, MalformedJsonIsBadRequest) {
  Parsed login = raw("POST", "/api/v1/auth/login", "{\"challengeId\":");
  EXPECT_EQ(login.status, 400);
  EXPECT_EQ(login.body["code"], "BAD_REQUEST");
  EXPECT_EQ(admin("POST", "/__admin/review-policy", nullptr).body["code"], "BAD_REQUEST");
  logIn(sm2School());
  EXPECT_EQ(submit("PUT", "/api/v1/account", "[not json", "k").body["code"], "BAD_REQUEST");
}

TEST_F(MockAdmin, PoliciesAndClockRejectBadValues) {
  EXPECT_EQ(admin("POST", "/__admin/review-policy", {{"mode", "sometimes"}}).status, 422);
  EXPECT_EQ(admin("POST", "/__admin/review-policy", {{"mode", "manual"}, {"afterPolls", 0}}).status,
            422);
  EXPECT_EQ(admin("POST", "/__admin/batch-policy", {{"doneAfterPolls", "2"}}).status, 422);
  EXPECT_EQ(admin("POST", "/__admin/account-policy", {{"mode", "never"}}).status, 422);
  EXPECT_EQ(admin("POST", "/__admin/clock", {{"now", "2027-13-01T00:00:00+08:00"}}).status, 422);
  Parsed fixed = admin("POST", "/__admin/clock", {{"now", "2027-04-01T09:00:00+08:00"}});
  EXPECT_EQ(fixed.body["now"], "2027-04-01T09:00:00+08:00");
  EXPECT_EQ(admin("POST", "/__admin/clock", {{"advanceSeconds", 60}}).body["now"],
            "2027-04-01T09:01:00+08:00");
  EXPECT_EQ(admin("POST", "/__admin/clock", {{"now", "2027-04-01T01:00:00Z"}}).body["now"],
            "2027-04-01T09:00:00+08:00");
  Parsed offset = admin("POST", "/__admin/clock", {{"offsetSeconds", 86400}});
  EXPECT_FALSE(offset.body["frozen"].get<bool>());
  EXPECT_NEAR(static_cast<double>(*parseTime(offset.body["now"].get<std::string>()) - start_),
              86400.0, 5.0);
}

TEST_F(MockAdmin, CatalogIsReplacedByTheAdminAndRestoredByReset) {
  json catalog{
      {"version", "v2"},
      {"items",
       {{{"org", {{"name", "X"}, {"creditCode", "C1"}, {"type", "EMPLOYER"}}},
         {"occupations", {{{"code", "6-22-01-01"}, {"name", "汽车装调工"}, {"levels", {4}}}}}}}}};
  EXPECT_EQ(admin("POST", "/__admin/catalog", catalog).status, 200);
  logIn(sm2School());
  EXPECT_EQ(get("/api/v1/skills/catalog").body["version"], "v2");
  json bad = catalog;
  bad["items"][0]["org"]["type"] = "SCHOOL";
  Parsed r = admin("POST", "/__admin/catalog", bad);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body["fields"][0]["field"], "items[0].org.type");
  EXPECT_EQ(admin("POST", "/__admin/reset").status, 200);
  ASSERT_EQ(admin("POST", "/__admin/clock", {{"now", formatTime(start_)}}).status, 200);
  logIn(sm2School());
  EXPECT_EQ(get("/api/v1/skills/catalog").body["version"], "2027-03");
}

TEST_F(MockAdmin, ResetForgetsEverything) {
  register_();
  EXPECT_EQ(admin("POST", "/__admin/reset").status, 200);
  EXPECT_EQ(get("/api/v1/account").body["code"], "UNAUTHORIZED");
  json st = admin("GET", "/__admin/state").body;
  EXPECT_TRUE(st["accounts"].empty());
  EXPECT_EQ(st["policies"]["review"]["mode"], "auto-approve");
}

TEST_F(MockAdmin, LoadRefusesABadDocumentAndKeepsTheState) {
  register_();
  std::string error;
  EXPECT_FALSE(platform_->loadState("{\"format\":\"zzjb-mock-state/1\"}", error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(platform_->loadState("not json", error));
  EXPECT_FALSE(platform_->loadState("{}", error));
  EXPECT_EQ(get("/api/v1/account").status, 200);
}

TEST_F(MockAdmin, BadTrustOrCatalogFileStopsTheConstructor) {
  PlatformOptions bad = options_;
  bad.trustCaFiles = {(tmp_ / "missing.pem").string()};
  EXPECT_THROW(Platform{bad}, std::runtime_error);
  bad = options_;
  zzjb::test::writeFile(tmp_ / "bad-catalog.json", "{\"items\": 3}");
  bad.catalogFile = (tmp_ / "bad-catalog.json").string();
  EXPECT_THROW(Platform{bad}, std::runtime_error);
}

}  // namespace
}  // namespace zzjb::mock::test
