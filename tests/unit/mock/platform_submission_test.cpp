// Signed submissions (X-Zzjb-Timestamp, -Nonce, -Signature) and Idempotency-Key on creating calls:
// every rejection, and the original response replayed for a retried key.
#include "mock_test_support.hpp"

namespace zzjb::mock::test {
namespace {

using MockSubmission = MockTest;

TEST_F(MockSubmission, UnsignedSubmissionIsRejected) {
  logIn(sm2School());
  Signing unsigned_;
  unsigned_.sign = false;
  Parsed r = submit("PUT", "/api/v1/account",
                    accountBody(kSm2School, "SECONDARY", "SHECA-T-0001").dump(), "k1", unsigned_);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body["code"], "SIGNATURE_INVALID");
}

TEST_F(MockSubmission, SignatureByAnotherKeyOrOverAnotherBodyIsInvalid) {
  logIn(sm2School());
  const std::string body = accountBody(kSm2School, "SECONDARY", "SHECA-T-0001").dump();
  Signing otherKey;
  otherKey.keyFile = Pki::get().path("school-ec.key");
  Parsed r = submit("PUT", "/api/v1/account", body, "k1", otherKey);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body["code"], "SIGNATURE_INVALID");

  // Signed over one body, sent with another.
  const std::string ts = formatTime(mockNow());
  const std::string nonce = "tampered-nonce-0001";
  const std::string payload = "PUT\n/api/v1/account\n" + ts + "\n" + nonce + "\n" + sha256Hex(body);
  Parsed tampered =
      raw("PUT", "/api/v1/account", body + " ",
          {{"Authorization", "Bearer " + token_},
           {"Idempotency-Key", "k1"},
           {"X-Zzjb-Timestamp", ts},
           {"X-Zzjb-Nonce", nonce},
           {"X-Zzjb-Signature", base64Encode(signWithKey(identity_.keyFile(), payload))}});
  EXPECT_EQ(tampered.body["code"], "SIGNATURE_INVALID");

  Signing shortNonce;
  shortNonce.nonce = "short";
  EXPECT_EQ(submit("PUT", "/api/v1/account", body, "k1", shortNonce).body["code"],
            "SIGNATURE_INVALID");
  EXPECT_EQ(get("/api/v1/account").body["code"], "NOT_REGISTERED");  // nothing was stored
}

TEST_F(MockSubmission, TimestampMoreThanFiveMinutesOffIsSkew) {
  logIn(rsaSchool());
  const std::string body = accountBody(kRsaSchool, "HIGHER", "SHECA-T-0002").dump();
  Signing late;
  late.timestamp = formatTime(mockNow() - 301);
  Parsed r = submit("PUT", "/api/v1/account", body, "k1", late);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["code"], "TIMESTAMP_SKEW");
  Signing early;
  early.timestamp = formatTime(mockNow() + 301);
  EXPECT_EQ(submit("PUT", "/api/v1/account", body, "k1", early).body["code"], "TIMESTAMP_SKEW");
  Signing garbled;
  garbled.timestamp = "yesterday";
  EXPECT_EQ(submit("PUT", "/api/v1/account", body, "k1", garbled).body["code"], "TIMESTAMP_SKEW");
  Signing utc;  // 300 s off, in UTC notation, is still accepted
  utc.timestamp = std::string(formatTime(mockNow() - 300 - 8 * 3600)).substr(0, 19) + "Z";
  EXPECT_EQ(submit("PUT", "/api/v1/account", body, "k1", utc).status, 201);
}

TEST_F(MockSubmission, NonceSeenInTheLastTenMinutesIsReplay) {
  register_();
  Signing same;
  same.nonce = "fixed-nonce-0123456789";
  const std::string body = socialApplication().dump();
  EXPECT_EQ(submit("POST", "/api/v1/skills/permission-applications", body, "a1", same).status, 202);
  Parsed r = submit("POST", "/api/v1/skills/permission-applications", body, "a1", same);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body["code"], "REPLAY");
  advance(601);  // the window has passed: the nonce is forgotten (the key replays the original)
  EXPECT_EQ(submit("POST", "/api/v1/skills/permission-applications", body, "a1", same).status, 202);
}

TEST_F(MockSubmission, CreatingCallWithoutIdempotencyKeyIsRefused) {
  register_();
  const std::string body = socialApplication().dump();
  Parsed none = submit("POST", "/api/v1/skills/permission-applications", body);
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(none.body["code"], "IDEMPOTENCY_KEY_REQUIRED");
  Parsed tooLong =
      submit("POST", "/api/v1/skills/permission-applications", body, std::string(129, 'k'));
  EXPECT_EQ(tooLong.body["code"], "IDEMPOTENCY_KEY_REQUIRED");
  Parsed notAscii = submit("POST", "/api/v1/skills/permission-applications", body, "键");
  EXPECT_EQ(notAscii.body["code"], "IDEMPOTENCY_KEY_REQUIRED");
  EXPECT_EQ(
      submit("PUT", "/api/v1/account", accountBody(kSm2School, "SECONDARY", "SHECA-T-0001").dump())
          .body["code"],
      "IDEMPOTENCY_KEY_REQUIRED");
  EXPECT_EQ(
      submit("POST", "/api/v1/skills/permission-applications", body, std::string(128, 'k')).status,
      202);
}

TEST_F(MockSubmission, SameKeyAndBodyReplaysTheOriginalResponse) {
  register_();
  const std::string body = socialApplication().dump();
  Parsed first = submit("POST", "/api/v1/skills/permission-applications", body, "retry-me");
  ASSERT_EQ(first.status, 202);
  EXPECT_EQ(first.raw.idempotencyKey, "retry-me");
  EXPECT_EQ(first.raw.creditCode, kSm2School);
  EXPECT_TRUE(first.raw.mutated);
  // The same body with other spacing and key order is the same body.
  Parsed again = submit("POST", "/api/v1/skills/permission-applications", json::parse(body).dump(2),
                        "retry-me");
  EXPECT_EQ(again.status, 202);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(admin("GET", "/__admin/state").body["applications"].size(), 1U);

  // The account PUT replays its 201, not a 200 "updated".
  Parsed put =
      submit("PUT", "/api/v1/account", accountBody(kSm2School, "SECONDARY", "SHECA-T-0001").dump(),
             "acct-" + std::string(kSm2School));
  EXPECT_EQ(put.status, 201);
}

TEST_F(MockSubmission, SameKeyWithAnotherBodyIsMismatch) {
  register_();
  ASSERT_EQ(
      submit("POST", "/api/v1/skills/permission-applications", socialApplication().dump(), "k")
          .status,
      202);
  Parsed r =
      submit("POST", "/api/v1/skills/permission-applications", socialApplication(3).dump(), "k");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body["code"], "IDEMPOTENCY_MISMATCH");
  EXPECT_EQ(r.raw.idempotencyKey, "k");
}

TEST_F(MockSubmission, FailedCreatingCallMayBeRetriedWithTheSameKey) {
  logIn(sm2School());
  json body = accountBody(kSm2School, "SECONDARY", "SHECA-T-0001");
  ASSERT_EQ(admin("POST", "/__admin/account-policy", {{"mode", "manual"}}).status, 200);
  ASSERT_EQ(submit("PUT", "/api/v1/account", body.dump(), "acct").status, 201);
  const std::string app = socialApplication().dump();
  EXPECT_EQ(submit("POST", "/api/v1/skills/permission-applications", app, "a").body["code"],
            "ACCOUNT_NOT_ACTIVE");
  ASSERT_EQ(admin("POST", "/__admin/accounts/" + std::string(kSm2School) + "/activate").status,
            200);
  EXPECT_EQ(submit("POST", "/api/v1/skills/permission-applications", app, "a").status, 202);
}

TEST_F(MockSubmission, GetNeedsNoSignature) {
  register_();
  EXPECT_EQ(get("/api/v1/account").status, 200);
  EXPECT_EQ(get("/api/v1/skills/permissions").status, 200);
}

}  // namespace
}  // namespace zzjb::mock::test
