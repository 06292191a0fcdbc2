// Login with the CA key (法人一证通登录) and sessions: every 401 of the contract's login, on SM2,
// RSA and ECDSA certificates made by the openssl command line.
#include "mock_test_support.hpp"

namespace zzjb::mock::test {
namespace {

using MockLogin = MockTest;

TEST_F(MockLogin, LogsInWithSm2RsaAndEcdsaCertificates) {
  for (const Identity& id : {sm2School(), rsaSchool(), ecSchool()}) {
    Parsed r = login(id);
    ASSERT_EQ(r.status, 200) << id.name << ": " << r.raw.body;
    EXPECT_EQ(r.body["keyId"], id.keyId);
    EXPECT_NE(r.body["subject"].get<std::string>().find("上海市示范职业技术学校"),
              std::string::npos);
    EXPECT_EQ(*parseTime(r.body["expiresAt"].get<std::string>()), mockNow() + 1800);
    token_ = r.body["sessionToken"];
    Parsed account = get("/api/v1/account");  // the session works: the school is not registered
    EXPECT_EQ(account.status, 404);
    EXPECT_EQ(account.body["code"], "NOT_REGISTERED");
  }
}

TEST_F(MockLogin, ChallengeIsBase64Of32BytesValidFor120Seconds) {
  Parsed ch = challenge();
  ASSERT_EQ(ch.status, 200);
  EXPECT_EQ(base64Decode(ch.body["nonce"].get<std::string>())->size(), 32U);
  EXPECT_EQ(*parseTime(ch.body["expiresAt"].get<std::string>()), mockNow() + 120);
  EXPECT_NE(challenge().body["nonce"], ch.body["nonce"]);
}

TEST_F(MockLogin, UnknownExpiredAndReusedChallengesAreInvalid) {
  Parsed unknown = login(sm2School(), [](json& b) { b["challengeId"] = "CH-not-issued"; });
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.body["code"], "CHALLENGE_INVALID");
  EXPECT_EQ(unknown.body["requestId"], "req-" + std::to_string(requests_));

  // Expired: sign a challenge, then let 121 s pass.
  Parsed ch = challenge();
  const Identity id = sm2School();
  json body{{"challengeId", ch.body["challengeId"]},
            {"keyId", id.keyId},
            {"certificate", id.cert()},
            {"algorithm", id.algorithm},
            {"signature", base64Encode(signWithKey(
                              id.keyFile(), *base64Decode(ch.body["nonce"].get<std::string>())))}};
  advance(121);
  Parsed expired = raw("POST", "/api/v1/auth/login", body.dump());
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.body["code"], "CHALLENGE_INVALID");

  // Reused: the first login succeeds, the same body again does not.
  Parsed again = challenge();
  body["challengeId"] = again.body["challengeId"];
  body["signature"] = base64Encode(
      signWithKey(id.keyFile(), *base64Decode(again.body["nonce"].get<std::string>())));
  EXPECT_EQ(raw("POST", "/api/v1/auth/login", body.dump()).status, 200);
  Parsed reused = raw("POST", "/api/v1/auth/login", body.dump());
  EXPECT_EQ(reused.status, 401);
  EXPECT_EQ(reused.body["code"], "CHALLENGE_INVALID");
}

TEST_F(MockLogin, FailedAttemptUsesUpTheChallenge) {
  Parsed ch = challenge();
  const Identity id = sm2School();
  const std::string nonce = *base64Decode(ch.body["nonce"].get<std::string>());
  json body{{"challengeId", ch.body["challengeId"]},
            {"keyId", "SHECA-WRONG"},
            {"certificate", id.cert()},
            {"algorithm", id.algorithm},
            {"signature", base64Encode(signWithKey(id.keyFile(), nonce))}};
  EXPECT_EQ(raw("POST", "/api/v1/auth/login", body.dump()).body["code"], "KEYID_MISMATCH");
  body["keyId"] = id.keyId;
  EXPECT_EQ(raw("POST", "/api/v1/auth/login", body.dump()).body["code"], "CHALLENGE_INVALID");
}

TEST_F(MockLogin, CertificateFromAnotherCaIsUntrusted) {
  Parsed r = login({"stranger", "ECDSA-SHA256", "SHECA-T-0004"});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body["code"], "CERT_UNTRUSTED");
  Parsed garbage =
      login(sm2School(), [](json& b) { b["certificate"] = "-----BEGIN CERTIFICATE-----\nAAAA\n"; });
  EXPECT_EQ(garbage.body["code"], "CERT_UNTRUSTED");
}

TEST_F(MockLogin, CertificateOutsideItsValidityOnTheMockClockIsExpired) {
  const Identity shortLived{"short", "ECDSA-SHA256", "SHECA-T-0005"};
  EXPECT_EQ(login(shortLived).status, 200);
  advance(3 * 86400);
  Parsed r = login(shortLived);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body["code"], "CERT_EXPIRED");
  ASSERT_EQ(admin("POST", "/__admin/clock", {{"now", formatTime(start_ - 3 * 86400)}}).status, 200);
  EXPECT_EQ(login(shortLived).body["code"], "CERT_EXPIRED");  // not yet valid
}

TEST_F(MockLogin, KeyIdOtherThanTheCertificatesIsMismatch) {
  Parsed r = login(sm2School(), [](json& b) { b["keyId"] = "SHECA-T-9999"; });
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body["code"], "KEYID_MISMATCH");
}

TEST_F(MockLogin, SignatureOverOtherBytesOrWithWrongAlgorithmIsInvalid) {
  const Identity id = sm2School();
  Parsed other = login(
      id, [&](json& b) { b["signature"] = base64Encode(signWithKey(id.keyFile(), "other")); });
  EXPECT_EQ(other.status, 401);
  EXPECT_EQ(other.body["code"], "SIGNATURE_INVALID");
  Parsed algorithm = login(id, [](json& b) { b["algorithm"] = "ECDSA-SHA256"; });
  EXPECT_EQ(algorithm.body["code"], "SIGNATURE_INVALID");
  Parsed rsa = login(rsaSchool(), [](json& b) { b["algorithm"] = "SM2-SM3"; });
  EXPECT_EQ(rsa.body["code"], "SIGNATURE_INVALID");
  Parsed notBase64 = login(id, [](json& b) { b["signature"] = "***"; });
  EXPECT_EQ(notBase64.body["code"], "SIGNATURE_INVALID");
  Parsed unknown = login(id, [](json& b) { b["algorithm"] = "DSA"; });
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.body["code"], "BAD_REQUEST");
}

TEST_F(MockLogin, Sm2SignatureWithTheEmptyDefaultIdIsInvalid) {
  const Identity id = sm2School();
  Parsed ch = challenge();
  const std::string nonce = *base64Decode(ch.body["nonce"].get<std::string>());
  json body{{"challengeId", ch.body["challengeId"]},
            {"keyId", id.keyId},
            {"certificate", id.cert()},
            {"algorithm", id.algorithm},
            {"signature", base64Encode(signWithKey(id.keyFile(), nonce, false))}};
  Parsed r = raw("POST", "/api/v1/auth/login", body.dump());
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body["code"], "SIGNATURE_INVALID");
}

TEST_F(MockLogin, MissingOrUnknownTokenIsUnauthorized) {
  Parsed none = raw("GET", "/api/v1/account");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.body["code"], "UNAUTHORIZED");
  token_ = "0123456789abcdef";
  EXPECT_EQ(get("/api/v1/skills/catalog").body["code"], "UNAUTHORIZED");
  Parsed basic = raw("GET", "/api/v1/account", "", {{"Authorization", "Basic abc"}});
  EXPECT_EQ(basic.body["code"], "UNAUTHORIZED");
}

TEST_F(MockLogin, SessionExpiresAfterTheTtlOnTheMockClock) {
  logIn(sm2School());
  advance(1799);
  EXPECT_EQ(get("/api/v1/skills/catalog").status, 200);
  advance(1);
  Parsed r = get("/api/v1/skills/catalog");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body["code"], "SESSION_EXPIRED");
  logIn(sm2School());  // log in again and repeat the call
  EXPECT_EQ(get("/api/v1/skills/catalog").status, 200);
}

TEST_F(MockLogin, ExpireSessionOfEndsOnlyThatSession) {
  logIn(rsaSchool());
  const std::string other = token_;
  logIn(sm2School());
  Request request;
  request.method = "GET";
  request.target = "/api/v1/account";
  request.headers["authorization"] = "Bearer " + token_;
  platform_->expireSessionOf(request);
  EXPECT_EQ(get("/api/v1/account").body["code"], "SESSION_EXPIRED");
  token_ = other;
  EXPECT_EQ(get("/api/v1/account").body["code"], "NOT_REGISTERED");
}

TEST_F(MockLogin, SessionTtlComesFromTheOptions) {
  options_.sessionTtlSeconds = 60;
  platform_ = std::make_unique<Platform>(options_);
  ASSERT_EQ(admin("POST", "/__admin/clock", {{"now", formatTime(start_)}}).status, 200);
  logIn(sm2School());
  advance(60);
  EXPECT_EQ(get("/api/v1/account").body["code"], "SESSION_EXPIRED");
}

TEST_F(MockLogin, SameSeedGivesTheSameTokens) {
  logIn(sm2School());
  const std::string first = token_;
  platform_ = std::make_unique<Platform>(options_);
  ASSERT_EQ(admin("POST", "/__admin/clock", {{"now", formatTime(start_)}}).status, 200);
  logIn(sm2School());
  EXPECT_EQ(token_, first);
}

}  // namespace
}  // namespace zzjb::mock::test
