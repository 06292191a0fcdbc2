// The platform client (zzjb::platform::makePlatformClient) against the real zzjb-mock binary on
// port 0 over TLS: login with an SM2 key file, every call of the port, and the retry policy
// (Retry-After, resets, malformed answers, timeouts, re-login) driven by the mock's seeded faults.
// Sleeps are recorded, not slept, so the suite stays fast.
#include <curl/curl.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "mock_process.hpp"
#include "test_support.hpp"
#include "zzjb/identity/signers.hpp"
#include "zzjb/platform/client.hpp"
#include "zzjb/platform/declaration_file.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;
using zzjb::AccountStatus;
using zzjb::ApplicationStatus;
using zzjb::BatchStatus;
using zzjb::PlatformFailureKind;
using zzjb::RowResult;
using zzjb::platform::ClientOptions;
using zzjb::platform::RequestEvent;
using zzjb::platform::RequestGovernor;
using zzjb::test::MockProcess;
using zzjb::test::readFile;
using zzjb::test::shellQuote;
using zzjb::test::TempDir;

constexpr const char* kCreditCode = "12310104MB2F000081";  // in xuhui-zz.pem (make-example-keys.sh)
constexpr const char* kKeyId = "SHECA-XZ-000123456789";
constexpr const char* kOrgCode = "52310000MJ1A2B3C9Q";  // config/catalog.example.json
constexpr const char* kOrgName = "上海示范信息技术技能评价中心";
constexpr const char* kOccupation = "4-04-05-01";
constexpr const char* kOccupationName = "计算机程序设计员";
constexpr const char* kMatter = "职业技能等级认定";
constexpr const char* kNode = "社会评价组织等级认定";
constexpr const char* kAbilityMatter = "专项职业能力考核";  // opened by the centre, scope ABILITY
constexpr const char* kAbilityCode = "ZX-0301";
constexpr const char* kAbilityName = "网店运营";

// A GB 11643 ID number: 6-digit area, birth date, 3-digit sequence, check character.
std::string idNumber(const std::string& birth, int sequence) {
  std::string s = "310104" + birth;
  const std::string seq = std::to_string(1000 + sequence % 1000);
  s += seq.substr(1);
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (s[i] - '0') * kWeights[i];
  s += "10X98765432"[sum % 11];
  return s;
}

// The admin API, spoken with libcurl directly (no client under test involved).
json admin(const MockProcess& mock, const std::string& method, const std::string& path,
           const json& body = nullptr) {
  CURL* h = curl_easy_init();
  std::string out;
  const std::string url = mock.base() + path;
  const std::string ca = mock.caFile().string();
  const std::string text = body.is_null() ? std::string() : body.dump();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_CAINFO, ca.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method != "GET") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, text.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(text.size()));
  }
  curl_easy_setopt(
      h, CURLOPT_WRITEFUNCTION, +[](char* d, std::size_t s, std::size_t n, void* o) -> std::size_t {
        static_cast<std::string*>(o)->append(d, s * n);
        return s * n;
      });
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &out);
  const CURLcode rc = curl_easy_perform(h);
  curl_slist_free_all(headers);
  curl_easy_cleanup(h);
  EXPECT_EQ(rc, CURLE_OK) << method << " " << path;
  return json::parse(out, nullptr, false);
}

class PlatformClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    dir_ = new TempDir();
    const auto keys =
        zzjb::test::run(std::string(ZZJB_SOURCE_DIR) + "/scripts/make-example-keys.sh " +
                        shellQuote((dir_->path() / "keys").string()));
    ASSERT_EQ(keys.exitCode, 0) << keys.err;
    // A CA the mock's certificate does not chain to, for the TLS test.
    const auto other = zzjb::test::run(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
        "-subj '/CN=not the mock' -keyout " +
        shellQuote((dir_->path() / "other-ca.key").string()) + " -out " +
        shellQuote((dir_->path() / "other-ca.pem").string()));
    ASSERT_EQ(other.exitCode, 0) << other.err;
    mock_ = new MockProcess(
        dir_->path(),
        {"--trust-ca", (dir_->path() / "keys" / "ca-sm2.pem").string(), "--catalog",
         std::string(ZZJB_SOURCE_DIR) + "/config/catalog.example.json", "--seed", "7"},
        ZZJB_MOCK_BIN);
    ASSERT_TRUE(mock_->running()) << readFile(dir_->path() / "stderr");
  }
  static void TearDownTestSuite() {
    delete mock_;
    mock_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(mock_, nullptr);
    ASSERT_TRUE(mock_->running());
    ASSERT_EQ(admin(*mock_, "POST", "/__admin/reset").value("status", ""), "ok");
    auto signer = zzjb::identity::openSigner(
        zzjb::identity::FileKeyUri{(dir_->path() / "keys" / "xuhui-zz.key").string()},
        []() -> zzjb::Result<zzjb::identity::Secret> {
          return std::unexpected(zzjb::configFinding("PIN_UNAVAILABLE", "no PIN in tests"));
        });
    ASSERT_TRUE(signer.has_value()) << signer.error().message;
    signer_ = std::move(*signer);
  }

  ClientOptions options() {
    ClientOptions o;
    o.baseUrl = mock_->base();
    o.caBundle = mock_->caFile().string();
    o.signer = signer_.get();
    o.certificatePem = readFile(dir_->path() / "keys" / "xuhui-zz.pem");
    o.keyId = kKeyId;
    o.timeoutSeconds = 10;
    o.jitterSeed = 99;
    o.sleep = [this](int ms) { sleeps_.push_back(ms); };
    o.onRequest = [this](const RequestEvent& e) { events_.push_back(e); };
    return o;
  }

  std::unique_ptr<zzjb::PlatformClient> client(ClientOptions o) {
    auto c = zzjb::platform::makePlatformClient(std::move(o));
    EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message);
    return c ? std::move(*c) : nullptr;
  }
  std::unique_ptr<zzjb::PlatformClient> client() { return client(options()); }

  static zzjb::AccountRequest accountRequest() {
    zzjb::AccountRequest a;
    a.schoolName = "上海市示范职业技术学校";
    a.creditCode = kCreditCode;
    a.schoolLevel = zzjb::SchoolLevel::Secondary;
    a.legalRepresentative = "王校长";
    a.district = "徐汇区";
    a.leader = {"李主任", "13912345678"};
    a.contact = {"张老师", "13812345678"};
    a.operatorName = "赵经办";
    a.operatorIdNumber = idNumber("19800101", 123);
    a.operatorKeyId = kKeyId;
    a.dualCertificateProgram = true;
    return a;
  }

  static zzjb::PermissionScope scope() {
    zzjb::PermissionScope s;
    s.matter = kMatter;
    s.node = kNode;
    s.occupationCode = kOccupation;
    s.occupationName = kOccupationName;
    s.level = 4;
    s.org = zzjb::EvaluationOrg{kOrgName, kOrgCode};
    return s;
  }

  // The centre's 专项职业能力考核 grant for one ability (no node, no organisation).
  static zzjb::PermissionScope abilityScope() {
    zzjb::PermissionScope s;
    s.matter = kAbilityMatter;
    s.abilityCode = kAbilityCode;
    s.abilityName = kAbilityName;
    return s;
  }

  void registerAccount(zzjb::PlatformClient& c) {
    auto a = c.putAccount(accountRequest(), "acct-1");
    ASSERT_TRUE(a.has_value()) << a.error().describe();
  }

  void setFaults(const json& rules, int seed) {
    const json answer =
        admin(*mock_, "POST", "/__admin/faults", {{"seed", seed}, {"rules", rules}});
    ASSERT_TRUE(answer.contains("rules")) << answer.dump();
  }

  json journal() { return admin(*mock_, "GET", "/__admin/journal?since=0")["items"]; }

  int journalCount(const std::string& method, const std::string& path) {
    int n = 0;
    for (const json& item : journal()) {
      if (item["method"] == method && item["path"] == path) ++n;
    }
    return n;
  }

  std::vector<RequestEvent> eventsFor(const std::string& endpoint) const {
    std::vector<RequestEvent> out;
    std::copy_if(events_.begin(), events_.end(), std::back_inserter(out),
                 [&](const RequestEvent& e) { return e.endpoint == endpoint; });
    return out;
  }

  static int retriedWith(const std::vector<RequestEvent>& events, const std::string& code) {
    return static_cast<int>(std::count_if(events.begin(), events.end(), [&](const RequestEvent& e) {
      return e.willRetry && e.code == code;
    }));
  }

  static inline TempDir* dir_ = nullptr;
  static inline MockProcess* mock_ = nullptr;
  std::unique_ptr<zzjb::Signer> signer_;
  std::vector<RequestEvent> events_;
  std::vector<int> sleeps_;
};

TEST_F(PlatformClientTest, LogsInWithSm2KeyFileAndKeepsOneConnectionAlive) {
  auto c = client();
  auto session = c->login();
  ASSERT_TRUE(session.has_value()) << session.error().describe();
  EXPECT_EQ(session->keyId, kKeyId);
  EXPECT_NE(session->subject.find("上海市示范职业技术学校"), std::string::npos) << session->subject;
  EXPECT_FALSE(session->expiresAt.empty());
  ASSERT_TRUE(c->catalog().has_value());
  ASSERT_TRUE(c->permissions().has_value());
  ASSERT_EQ(events_.size(), 4u);
  EXPECT_EQ(events_[0].endpoint, "POST /api/v1/auth/challenge");
  EXPECT_TRUE(events_[0].newConnection);
  for (std::size_t i = 1; i < events_.size(); ++i) {
    EXPECT_FALSE(events_[i].newConnection) << events_[i].endpoint;
    EXPECT_EQ(events_[i].status, 200);
    EXPECT_EQ(events_[i].code, "");
    EXPECT_FALSE(events_[i].requestId.empty());
  }
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(PlatformClientTest, FirstCallLogsInByItselfAndMapsTheCatalog) {
  auto c = client();
  auto catalog = c->catalog();
  ASSERT_TRUE(catalog.has_value()) << catalog.error().describe();
  EXPECT_EQ(catalog->version, "2026-11-example");
  const zzjb::CatalogItem* org = catalog->findOrg("91310115MA1K9Q7D84");
  ASSERT_NE(org, nullptr);
  EXPECT_EQ(org->type, zzjb::OrgType::Employer);
  const zzjb::CatalogOccupation* occ = catalog->findOccupation(kOrgCode, kOccupation);
  ASSERT_NE(occ, nullptr);
  EXPECT_EQ(occ->levels, (std::vector<int>{3, 4, 5}));
  EXPECT_EQ(journalCount("POST", "/api/v1/auth/login"), 1);
}

TEST_F(PlatformClientTest, RegistersAccountWithSignedIdempotentPutThenReadsIt) {
  auto c = client();
  auto before = c->account();
  ASSERT_TRUE(before.has_value()) << before.error().describe();
  EXPECT_FALSE(before->registered);

  auto put = c->putAccount(accountRequest(), "acct-1");
  ASSERT_TRUE(put.has_value()) << put.error().describe();
  EXPECT_TRUE(put->registered);
  EXPECT_EQ(put->status, AccountStatus::Active);
  EXPECT_FALSE(put->registeredAt.empty());

  auto after = c->account();
  ASSERT_TRUE(after.has_value()) << after.error().describe();
  EXPECT_TRUE(after->registered);
  EXPECT_EQ(after->status, AccountStatus::Active);
  EXPECT_EQ(after->registeredAt, put->registeredAt);

  bool sawKey = false;
  for (const json& item : journal()) {
    if (item["method"] == "PUT") sawKey = item["idempotencyKey"] == "acct-1";
  }
  EXPECT_TRUE(sawKey);
}

TEST_F(PlatformClientTest, AppliesForPermissionAndSeesItApprovedUnderTheReviewPolicy) {
  admin(*mock_, "POST", "/__admin/review-policy", {{"mode", "auto-approve"}, {"afterPolls", 2}});
  auto c = client();
  registerAccount(*c);

  zzjb::ApplicationRequest request;
  request.scope = scope();
  request.attachments = {{"agreementNo", "XY-2026-001"}, {"contactName", "张老师"}};
  auto applied = c->applyForPermission(request, "app-1");
  ASSERT_TRUE(applied.has_value()) << applied.error().describe();
  EXPECT_EQ(applied->status, ApplicationStatus::Submitted);
  ASSERT_FALSE(applied->applicationId.empty());

  auto found = c->findApplication("app-1");
  ASSERT_TRUE(found.has_value()) << found.error().describe();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->applicationId, applied->applicationId);
  auto missing = c->findApplication("no-such-key");
  ASSERT_TRUE(missing.has_value()) << missing.error().describe();
  EXPECT_FALSE(missing->has_value());

  ApplicationStatus status = ApplicationStatus::Submitted;
  for (int poll = 0; poll < 5 && status != ApplicationStatus::Approved; ++poll) {
    auto state = c->application(applied->applicationId);
    ASSERT_TRUE(state.has_value()) << state.error().describe();
    status = state->status;
  }
  EXPECT_EQ(status, ApplicationStatus::Approved);

  auto granted = c->permissions();
  ASSERT_TRUE(granted.has_value()) << granted.error().describe();
  ASSERT_EQ(granted->size(), 1u);
  EXPECT_TRUE((*granted)[0].scope.sameAs(scope()));
  EXPECT_FALSE((*granted)[0].grantedAt.empty());

  // The same key again: the platform answers with the original application.
  auto again = c->applyForPermission(request, "app-1");
  ASSERT_TRUE(again.has_value()) << again.error().describe();
  EXPECT_EQ(again->applicationId, applied->applicationId);
}

TEST_F(PlatformClientTest, UploadsDeclarationPolledToDoneWithRowResultsAndReplaysBySameKey) {
  auto c = client();
  registerAccount(*c);
  json grant = {{"creditCode", kCreditCode},
                {"matter", kMatter},
                {"node", kNode},
                {"occupationCode", kOccupation},
                {"occupationName", kOccupationName},
                {"level", 4},
                {"evaluationOrg", {{"name", kOrgName}, {"creditCode", kOrgCode}}}};
  ASSERT_EQ(admin(*mock_, "POST", "/__admin/permissions", grant).value("status", ""), "ok");

  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  const int graduation = tm.tm_year + 1900 + (tm.tm_mon + 1 > 8 ? 1 : 0);
  zzjb::DeclarationSheet sheet;
  sheet.columns = zzjb::plugin::standardSheet(zzjb::plugin::Scope::Occupation);
  const auto row = [&](int n, const std::string& name, const std::string& id) {
    return std::vector<std::string>{std::to_string(n),
                                    name,
                                    "居民身份证",
                                    id,
                                    "男",
                                    "",
                                    "13812345678",
                                    "中专",
                                    "应届毕业生",
                                    "软件与信息服务",
                                    "软件2401",
                                    std::to_string(graduation),
                                    kOccupationName,
                                    kOccupation,
                                    "4"};
  };
  const std::string good1 = idNumber("20080315", 11);  // 11, 13: odd → 男
  const std::string good2 = idNumber("20080420", 13);
  std::string bad = idNumber("20080501", 15);
  bad.back() = bad.back() == '0' ? '1' : '0';  // a wrong check character
  sheet.rows = {row(1, "学生甲", good1), row(2, "学生乙", good2), row(3, "学生丙", bad)};
  auto xlsx = zzjb::platform::writeDeclarationXlsx(sheet);
  ASSERT_TRUE(xlsx.has_value()) << xlsx.error().message;

  zzjb::DeclarationManifest manifest;
  manifest.scope = scope();
  manifest.rowCount = 3;
  manifest.sha256 = zzjb::platform::sha256Hex(*xlsx);
  auto submitted = c->submitDeclarations(manifest, *xlsx, "batch-1");
  ASSERT_TRUE(submitted.has_value()) << submitted.error().describe();
  EXPECT_EQ(submitted->status, BatchStatus::Received);
  ASSERT_FALSE(submitted->batchId.empty());

  zzjb::BatchState state;
  for (int poll = 0; poll < 5 && state.status != BatchStatus::Done; ++poll) {
    auto b = c->batch(submitted->batchId);
    ASSERT_TRUE(b.has_value()) << b.error().describe();
    state = *b;
  }
  ASSERT_EQ(state.status, BatchStatus::Done);
  ASSERT_EQ(state.rows.size(), 3u);
  EXPECT_EQ(state.rows[0].row, 2);
  EXPECT_EQ(state.rows[0].result, RowResult::Accepted);
  EXPECT_FALSE(state.rows[0].declarationNo.empty());
  EXPECT_EQ(state.rows[1].result, RowResult::Accepted);
  EXPECT_EQ(state.rows[2].row, 4);
  EXPECT_EQ(state.rows[2].result, RowResult::Rejected);
  EXPECT_EQ(state.rows[2].reason, "ID_INVALID");
  EXPECT_FALSE(state.rows[2].message.empty());
  EXPECT_TRUE(state.rows[2].declarationNo.empty());

  auto found = c->findBatch("batch-1");
  ASSERT_TRUE(found.has_value()) << found.error().describe();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->batchId, submitted->batchId);
  auto none = c->findBatch("batch-unknown");
  ASSERT_TRUE(none.has_value()) << none.error().describe();
  EXPECT_FALSE(none->has_value());

  // A replay with the same key (new boundary, new nonce) is the same submission.
  auto replay = c->submitDeclarations(manifest, *xlsx, "batch-1");
  ASSERT_TRUE(replay.has_value()) << replay.error().describe();
  EXPECT_EQ(replay->batchId, submitted->batchId);
  EXPECT_EQ(admin(*mock_, "GET", "/__admin/state")["batches"].size(), 1u);

  auto declared = c->declarations(kOccupation, 4);
  ASSERT_TRUE(declared.has_value()) << declared.error().describe();
  ASSERT_EQ(declared->size(), 2u);
  EXPECT_EQ((*declared)[0].batchId, submitted->batchId);
  EXPECT_EQ((*declared)[0].level, 4);
}

// Issue 14: the centre grants 专项职业能力考核 for an ability through the admin API
// (docs/platform-api.md, "Admin API"); the listing then holds an item whose occupation fields are
// null — refused before as a protocol error — beside an occupation's. The client reads both.
TEST_F(PlatformClientTest, ReadsTheCentresAbilityGrantBesideAnOccupationPermission) {
  auto c = client();
  registerAccount(*c);
  const json occupation = {{"creditCode", kCreditCode},
                           {"matter", kMatter},
                           {"node", kNode},
                           {"occupationCode", kOccupation},
                           {"occupationName", kOccupationName},
                           {"level", 4},
                           {"evaluationOrg", {{"name", kOrgName}, {"creditCode", kOrgCode}}}};
  ASSERT_EQ(admin(*mock_, "POST", "/__admin/permissions", occupation).value("status", ""), "ok");
  const json ability = {{"creditCode", kCreditCode},
                        {"matter", kAbilityMatter},
                        {"node", nullptr},
                        {"abilityCode", kAbilityCode},
                        {"abilityName", kAbilityName}};
  const json answer = admin(*mock_, "POST", "/__admin/permissions", ability);
  ASSERT_EQ(answer.value("status", ""), "ok") << answer.dump();

  auto granted = c->permissions();
  ASSERT_TRUE(granted.has_value()) << granted.error().describe();
  ASSERT_EQ(granted->size(), 2u);
  const auto isAbility = [](const zzjb::GrantedPermission& g) { return g.scope.ability(); };
  ASSERT_EQ(std::count_if(granted->begin(), granted->end(), isAbility), 1);
  const auto it = std::find_if(granted->begin(), granted->end(), isAbility);
  const zzjb::PermissionScope& got = it->scope;
  EXPECT_EQ(got.matter, kAbilityMatter);
  EXPECT_EQ(got.node, "");
  EXPECT_EQ(got.abilityCode, kAbilityCode);
  EXPECT_EQ(got.abilityName, kAbilityName);
  EXPECT_EQ(got.occupationCode, "");
  EXPECT_EQ(got.occupationName, "");
  EXPECT_EQ(got.level, 0);
  EXPECT_FALSE(got.org.has_value());
  EXPECT_FALSE(it->grantedAt.empty());
  EXPECT_TRUE(got.sameAs(abilityScope()));
  const auto other = std::find_if_not(granted->begin(), granted->end(), isAbility);
  EXPECT_TRUE(other->scope.sameAs(scope()));
  EXPECT_FALSE(other->scope.sameAs(got));
}

// Issue 14, the ability's whole round through the client against zzjb-mock: the centre's grant,
// the ability sheet (standardSheet(Ability) and a column of the type's own) written by
// writeDeclarationXlsx, the manifest with abilityCode/abilityName and null occupation fields, the
// batch (abilityCode, null occupationCode and level) polled to DONE, and the declarations read
// back with their abilityCode.
TEST_F(PlatformClientTest, DeclaresForAnAbilityAndReadsTheDeclarationsBack) {
  auto c = client();
  registerAccount(*c);
  const json grant = {{"creditCode", kCreditCode},
                      {"matter", kAbilityMatter},
                      {"node", nullptr},
                      {"abilityCode", kAbilityCode},
                      {"abilityName", kAbilityName}};
  ASSERT_EQ(admin(*mock_, "POST", "/__admin/permissions", grant).value("status", ""), "ok");

  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  const int graduation = tm.tm_year + 1900 + (tm.tm_mon + 1 > 8 ? 1 : 0);
  zzjb::DeclarationSheet sheet;
  sheet.columns = zzjb::plugin::standardSheet(zzjb::plugin::Scope::Ability);
  sheet.columns.push_back({"实习单位", "", false});
  const auto row = [&](int n, const std::string& name, const std::string& id,
                       const std::string& code) {
    return std::vector<std::string>{std::to_string(n),
                                    name,
                                    "居民身份证",
                                    id,
                                    "男",
                                    "",
                                    "13812345678",
                                    "中专",
                                    "应届毕业生",
                                    "电子商务",
                                    "电商2401",
                                    std::to_string(graduation),
                                    kAbilityName,
                                    code,
                                    "某某电商"};
  };
  const std::string good = idNumber("20080315", 21);
  const std::string other = idNumber("20080420", 23);
  sheet.rows = {row(1, "学生甲", good, kAbilityCode), row(2, "学生乙", other, "ZX-9999")};
  auto xlsx = zzjb::platform::writeDeclarationXlsx(sheet);
  ASSERT_TRUE(xlsx.has_value()) << xlsx.error().message;

  zzjb::DeclarationManifest manifest;
  manifest.scope = abilityScope();
  manifest.rowCount = 2;
  manifest.sha256 = zzjb::platform::sha256Hex(*xlsx);
  auto submitted = c->submitDeclarations(manifest, *xlsx, "ability-batch-1");
  ASSERT_TRUE(submitted.has_value()) << submitted.error().describe();
  EXPECT_EQ(submitted->status, BatchStatus::Received);

  zzjb::BatchState state;
  for (int poll = 0; poll < 5 && state.status != BatchStatus::Done; ++poll) {
    auto b = c->batch(submitted->batchId);
    ASSERT_TRUE(b.has_value()) << b.error().describe();
    state = *b;
  }
  ASSERT_EQ(state.status, BatchStatus::Done);
  ASSERT_EQ(state.rows.size(), 2u);
  EXPECT_EQ(state.rows[0].result, RowResult::Accepted) << state.rows[0].message;
  EXPECT_FALSE(state.rows[0].declarationNo.empty());
  EXPECT_EQ(state.rows[1].result, RowResult::Rejected);  // 专项能力编码 not the manifest's
  EXPECT_EQ(state.rows[1].reason, "FIELD_INVALID");
  auto found = c->findBatch("ability-batch-1");
  ASSERT_TRUE(found.has_value()) << found.error().describe();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->batchId, submitted->batchId);

  auto declared = c->declarations("", 0);
  ASSERT_TRUE(declared.has_value()) << declared.error().describe();
  ASSERT_EQ(declared->size(), 1u);
  EXPECT_EQ((*declared)[0].idNumber, good);
  EXPECT_EQ((*declared)[0].abilityCode, kAbilityCode);
  EXPECT_EQ((*declared)[0].occupationCode, "");
  EXPECT_EQ((*declared)[0].level, 0);
  EXPECT_EQ((*declared)[0].batchId, submitted->batchId);
  EXPECT_EQ((*declared)[0].declarationNo, state.rows[0].declarationNo);
}

TEST_F(PlatformClientTest, RetriesMaintenanceAndWaitsAtLeastRetryAfter) {
  setFaults({{{"method", "GET"},
              {"path", "^/api/v1/skills/catalog$"},
              {"probability", 0.5},
              {"kind", "status"},
              {"status", 503},
              {"retryAfter", 2}}},
            11);
  auto c = client();
  for (int i = 0; i < 6; ++i) {
    auto catalog = c->catalog();
    ASSERT_TRUE(catalog.has_value()) << catalog.error().describe();
  }
  const auto events = eventsFor("GET /api/v1/skills/catalog");
  const int retried = retriedWith(events, "MAINTENANCE");
  EXPECT_GE(retried, 1);
  EXPECT_EQ(static_cast<int>(sleeps_.size()), retried);
  for (int ms : sleeps_) EXPECT_GE(ms, 2000);
  for (const RequestEvent& e : events) {
    if (e.willRetry) {
      EXPECT_EQ(e.status, 503);
      EXPECT_GE(e.delayMs, 2000);
    }
  }
  EXPECT_EQ(journalCount("GET", "/api/v1/skills/catalog"), static_cast<int>(events.size()));
}

TEST_F(PlatformClientTest, GivesUpAsUnavailableAfterMaxAttemptsWithCappedBackoff) {
  setFaults({{{"method", "GET"},
              {"path", "^/api/v1/skills/permissions$"},
              {"probability", 1},
              {"kind", "status"},
              {"status", 502}}},
            3);
  ClientOptions o = options();
  o.maxAttempts = 4;
  o.baseDelayMs = 100;
  o.maxDelayMs = 250;
  auto c = client(o);
  auto r = c->permissions();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, PlatformFailureKind::Unavailable);
  EXPECT_EQ(r.error().httpStatus, 502);
  EXPECT_EQ(r.error().attempts, 4);
  ASSERT_EQ(sleeps_.size(), 3u);
  EXPECT_LE(sleeps_[0], 100);
  EXPECT_LE(sleeps_[1], 200);
  EXPECT_LE(sleeps_[2], 250);
  EXPECT_EQ(journalCount("GET", "/api/v1/skills/permissions"), 4);
}

TEST_F(PlatformClientTest, RetryAfterAboveTheLimitIsUnavailableAtOnce) {
  setFaults({{{"method", "GET"},
              {"path", "^/api/v1/skills/catalog$"},
              {"probability", 1},
              {"kind", "status"},
              {"status", 429},
              {"retryAfter", 600}}},
            3);
  auto c = client();
  auto r = c->catalog();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, PlatformFailureKind::Unavailable);
  EXPECT_EQ(r.error().code, "RATE_LIMITED");
  EXPECT_EQ(r.error().attempts, 1);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(PlatformClientTest, AStopRequestEndsRetryingWithoutSendingMore) {
  auto c0 = client();
  ASSERT_TRUE(c0->login().has_value());
  setFaults({{{"method", "GET"},
              {"path", "^/api/v1/skills/catalog$"},
              {"probability", 1},
              {"kind", "status"},
              {"status", 503},
              {"retryAfter", 1}}},
            3);
  bool stop = false;
  ClientOptions o = options();
  o.sleep = [&](int ms) {  // the first wait is where SIGTERM arrives
    sleeps_.push_back(ms);
    stop = true;
  };
  o.cancelled = [&] { return stop; };
  auto c = client(std::move(o));
  auto r = c->catalog();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "CANCELLED");
  EXPECT_EQ(r.error().kind, PlatformFailureKind::Unavailable);
  EXPECT_EQ(sleeps_.size(), 1u);
  // One login (challenge + login) and one catalog attempt: nothing after the stop.
  EXPECT_EQ(journalCount("GET", "/api/v1/skills/catalog"), 1);
  EXPECT_EQ(journalCount("POST", "/api/v1/auth/login"), 2);  // c0's and c's
}

TEST_F(PlatformClientTest, ConvergesThroughConnectionResets) {
  setFaults({{{"method", "GET"},
              {"path", "^/api/v1/skills/catalog$"},
              {"probability", 0.5},
              {"kind", "reset"}}},
            5);
  auto c = client();
  for (int i = 0; i < 6; ++i) {
    auto catalog = c->catalog();
    ASSERT_TRUE(catalog.has_value()) << catalog.error().describe();
  }
  EXPECT_GE(retriedWith(eventsFor("GET /api/v1/skills/catalog"), "CONNECTION"), 1);
}

TEST_F(PlatformClientTest, RetriesMalformedAnswersOnGetsAndOnCreatingCallsByKey) {
  auto c = client();
  registerAccount(*c);
  setFaults({{{"method", "GET"},
              {"path", "^/api/v1/skills/catalog$"},
              {"probability", 0.5},
              {"kind", "malformed"}},
             {{"method", "POST"},
              {"path", "^/api/v1/skills/permission-applications$"},
              {"probability", 0.6},
              {"kind", "malformed"}}},
            21);
  for (int i = 0; i < 4; ++i) {
    auto catalog = c->catalog();
    ASSERT_TRUE(catalog.has_value()) << catalog.error().describe();
  }
  zzjb::ApplicationRequest request;
  request.scope = scope();
  std::string firstId;
  for (int i = 0; i < 3; ++i) {
    auto applied = c->applyForPermission(request, "app-malformed");
    ASSERT_TRUE(applied.has_value()) << applied.error().describe();
    if (firstId.empty()) firstId = applied->applicationId;
    EXPECT_EQ(applied->applicationId, firstId);
  }
  EXPECT_GE(retriedWith(eventsFor("GET /api/v1/skills/catalog"), "MALFORMED"), 1);
  EXPECT_GE(retriedWith(eventsFor("POST /api/v1/skills/permission-applications"), "MALFORMED"), 1);
  EXPECT_EQ(admin(*mock_, "GET", "/__admin/state")["applications"].size(), 1u);
}

TEST_F(PlatformClientTest, RetriedCreatingCallKeepsItsIdempotencyKeyAndCreatesOnce) {
  auto c = client();
  registerAccount(*c);
  setFaults({{{"method", "POST"},
              {"path", "^/api/v1/skills/permission-applications$"},
              {"probability", 0.6},
              {"kind", "status"},
              {"status", 504}}},
            8);
  zzjb::ApplicationRequest request;
  request.scope = scope();
  auto applied = c->applyForPermission(request, "app-retried");
  ASSERT_TRUE(applied.has_value()) << applied.error().describe();
  int posts = 0;
  for (const json& item : journal()) {
    if (item["path"] != "/api/v1/skills/permission-applications") continue;
    ++posts;
    EXPECT_EQ(item["idempotencyKey"], "app-retried");
  }
  EXPECT_GE(posts, 2);
  const auto events = eventsFor("POST /api/v1/skills/permission-applications");
  EXPECT_EQ(static_cast<int>(events.size()), posts);
  EXPECT_GE(std::count_if(events.begin(), events.end(),
                          [](const RequestEvent& e) { return e.willRetry; }),
            1);
  EXPECT_EQ(admin(*mock_, "GET", "/__admin/state")["applications"].size(), 1u);
}

TEST_F(PlatformClientTest, LogsInAgainWhenTheSessionExpiresAndRepeatsTheCall) {
  auto c = client();
  ASSERT_TRUE(c->login().has_value());
  admin(*mock_, "POST", "/__admin/clock", {{"advanceSeconds", 3600}});
  events_.clear();
  auto catalog = c->catalog();
  ASSERT_TRUE(catalog.has_value()) << catalog.error().describe();
  ASSERT_EQ(events_.size(), 4u);
  EXPECT_EQ(events_[0].endpoint, "GET /api/v1/skills/catalog");
  EXPECT_EQ(events_[0].status, 401);
  EXPECT_EQ(events_[0].code, "SESSION_EXPIRED");
  EXPECT_TRUE(events_[0].willRetry);
  EXPECT_EQ(events_[1].endpoint, "POST /api/v1/auth/challenge");
  EXPECT_EQ(events_[2].endpoint, "POST /api/v1/auth/login");
  EXPECT_EQ(events_[3].endpoint, "GET /api/v1/skills/catalog");
  EXPECT_EQ(events_[3].status, 200);
  EXPECT_TRUE(sleeps_.empty());
  EXPECT_EQ(journalCount("POST", "/api/v1/auth/login"), 2);
}

TEST_F(PlatformClientTest, SessionThatEndsAfterEveryLoginIsUnavailableAfterThreeRelogins) {
  auto c = client();
  ASSERT_TRUE(c->login().has_value());
  setFaults({{{"method", "GET"},
              {"path", "^/api/v1/skills/catalog$"},
              {"probability", 1},
              {"kind", "session-expire"}}},
            4);
  auto r = c->catalog();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "SESSION_EXPIRED");
  EXPECT_EQ(r.error().kind, PlatformFailureKind::Unavailable);
  EXPECT_EQ(r.error().attempts, 4);
  EXPECT_EQ(journalCount("POST", "/api/v1/auth/login"), 4);  // the first, then three anew
  EXPECT_EQ(journalCount("GET", "/api/v1/skills/catalog"), 4);
}

TEST_F(PlatformClientTest, FinalValidationFailureIsNotRetriedAndLeaksNoPersonalData) {
  auto c = client();
  zzjb::AccountRequest bad = accountRequest();
  bad.leader.mobile = "12345";
  bad.operatorIdNumber = idNumber("19800101", 124);
  bad.operatorIdNumber.back() = bad.operatorIdNumber.back() == '1' ? '2' : '1';
  auto r = c->putAccount(bad, "acct-bad");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, PlatformFailureKind::Final);
  EXPECT_EQ(r.error().httpStatus, 422);
  EXPECT_EQ(r.error().code, "VALIDATION_FAILED");
  EXPECT_EQ(r.error().attempts, 1);
  EXPECT_FALSE(r.error().requestId.empty());
  std::vector<std::string> fields;
  for (const auto& f : r.error().fields) fields.push_back(f.field);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "leader.mobile"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "operator.idNumber"), fields.end());
  const std::string line = r.error().describe();
  EXPECT_EQ(line.find(bad.operatorIdNumber), std::string::npos) << line;
  EXPECT_NE(line.find("PUT /api/v1/account: 422 VALIDATION_FAILED"), std::string::npos) << line;
  EXPECT_EQ(journalCount("PUT", "/api/v1/account"), 1);
  EXPECT_TRUE(sleeps_.empty());
  EXPECT_EQ(eventsFor("PUT /api/v1/account").size(), 1u);
  EXPECT_FALSE(eventsFor("PUT /api/v1/account")[0].willRetry);
}

TEST_F(PlatformClientTest, ForbiddenSubmissionWithoutPermissionIsFinal) {
  auto c = client();
  registerAccount(*c);
  zzjb::DeclarationManifest manifest;
  manifest.scope = scope();
  manifest.rowCount = 1;
  manifest.sha256 = zzjb::platform::sha256Hex("x");
  auto r = c->submitDeclarations(manifest, "x", "batch-forbidden");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, PlatformFailureKind::Final);
  EXPECT_EQ(r.error().httpStatus, 403);
  EXPECT_EQ(r.error().code, "PERMISSION_REQUIRED");
  EXPECT_EQ(r.error().attempts, 1);
}

TEST_F(PlatformClientTest, WrongCaBundleFailsWithTlsUnavailableWithoutRetrying) {
  ClientOptions o = options();
  o.caBundle = (dir_->path() / "other-ca.pem").string();
  auto c = client(o);
  auto r = c->catalog();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, PlatformFailureKind::Unavailable);
  EXPECT_EQ(r.error().code, "TLS");
  EXPECT_EQ(r.error().httpStatus, 0);
  EXPECT_EQ(r.error().attempts, 1);
  EXPECT_EQ(r.error().endpoint, "POST /api/v1/auth/challenge");
  EXPECT_TRUE(sleeps_.empty());
  EXPECT_TRUE(journal().empty());
}

// ---- TLS trust: caBundle alone, and the pinned public key (issue 11 item 8) -------------------

// Writes `text` to `path` (an already open descriptor's worth of error handling: tests only).
bool writeAll(const char* path, const std::string& text) {
  const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

// Runs `body` in a child process that sees `store` as the system's CA store: a user and mount
// namespace of its own where libcurl's default CA path and CA file (CURLINFO_CAPATH/CAINFO,
// /etc/ssl/certs on Debian) are bind-mounted over by `store`. The machine's store is untouched.
// Returns what `body` returned, or nullopt when this machine gives no user namespaces.
std::optional<std::string> withSystemStore(const fs::path& store,
                                           const std::function<std::string()>& body) {
  CURL* probe = curl_easy_init();
  char* capath = nullptr;
  char* cainfo = nullptr;
  curl_easy_getinfo(probe, CURLINFO_CAPATH, &capath);
  curl_easy_getinfo(probe, CURLINFO_CAINFO, &cainfo);
  const std::string defaultPath = capath != nullptr ? capath : "";
  const std::string defaultFile = cainfo != nullptr ? cainfo : "";
  curl_easy_cleanup(probe);
  if (defaultPath.empty() || !fs::is_directory(defaultPath)) return std::nullopt;
  const std::string storeDir = store.string();
  const std::string storeFile = (store / "ca-certificates.crt").string();
  const bool fileInPath = defaultFile.empty() || defaultFile.starts_with(defaultPath + "/") ||
                          !fs::exists(defaultFile);
  const uid_t uid = ::getuid();
  const gid_t gid = ::getgid();
  int out[2];
  if (::pipe(out) != 0) return std::nullopt;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(out[0]);
    // One thread after fork, as unshare(CLONE_NEWUSER) wants.
    const bool isolated =
        ::unshare(CLONE_NEWUSER | CLONE_NEWNS) == 0 && writeAll("/proc/self/setgroups", "deny") &&
        writeAll("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") &&
        writeAll("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1") &&
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
        ::mount(storeDir.c_str(), defaultPath.c_str(), nullptr, MS_BIND, nullptr) == 0 &&
        (fileInPath ||
         ::mount(storeFile.c_str(), defaultFile.c_str(), nullptr, MS_BIND, nullptr) == 0);
    if (!isolated) _exit(3);
    const std::string result = body();
    const bool written =
        ::write(out[1], result.data(), result.size()) == static_cast<ssize_t>(result.size());
    _exit(written ? 0 : 4);
  }
  ::close(out[1]);
  std::string result;
  char buf[512];
  ssize_t n = 0;
  while ((n = ::read(out[0], buf, sizeof buf)) > 0) result.append(buf, static_cast<std::size_t>(n));
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 3) return std::nullopt;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  return result;
}

// A plain libcurl GET of `url`, verifying the peer; `cainfo` set when not empty, nothing else.
// What the client did before: CURLOPT_CAINFO, with libcurl's default CA path left beside it.
CURLcode plainGet(const std::string& url, const std::string& cainfo) {
  CURL* h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!cainfo.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, cainfo.c_str());
  const CURLcode rc = curl_easy_perform(h);
  curl_easy_cleanup(h);
  return rc;
}

// The "sha256//BASE64" pin of the public key in the certificate `pem`.
std::string pinOf(const fs::path& pem) {
  // In a subshell: run() redirects the last command's stdin, which would cut the pipe.
  const auto r = zzjb::test::run("(openssl x509 -in " + shellQuote(pem.string()) +
                                 " -pubkey -noout | openssl pkey -pubin -outform der | "
                                 "openssl dgst -sha256 -binary | openssl base64 -A)");
  EXPECT_EQ(r.exitCode, 0) << r.err;
  std::string digest = r.out;
  while (!digest.empty() && (digest.back() == '\n' || digest.back() == '\r')) digest.pop_back();
  EXPECT_EQ(digest.size(), 44u) << r.out << r.err;
  return "sha256//" + digest;
}

// Issue 11 must-show 5: the mock's CA is trusted by the system (it is in the default CA store the
// child sees), but not in caBundle: the client refuses the server. The same store accepts the
// server when there is no caBundle, and a plain libcurl handle set up as the client was before
// (CURLOPT_CAINFO = the other CA, the default CA path beside it) accepts it too: the hole that was.
TEST_F(PlatformClientTest, ServerTrustedBySystemButNotByCaBundleIsRefused) {
  const fs::path store = dir_->path() / "system-store";
  fs::create_directories(store);
  fs::copy_file(mock_->caFile(), store / "ca-certificates.crt",
                fs::copy_options::overwrite_existing);
  const auto hashed = zzjb::test::run(
      "cd " + shellQuote(store.string()) +
      " && ln -sf ca-certificates.crt \"$(openssl x509 -hash -noout -in ca-certificates.crt).0\"");
  ASSERT_EQ(hashed.exitCode, 0) << hashed.err;
  const std::string other = (dir_->path() / "other-ca.pem").string();
  // Outside the namespace the mock's CA is in no store: the plain default handle refuses it.
  ASSERT_EQ(plainGet(mock_->base() + "/api/v1/account", ""), CURLE_PEER_FAILED_VERIFICATION);

  const auto seen = withSystemStore(store, [&] {
    std::string out;
    out += "system=" + std::to_string(plainGet(mock_->base() + "/api/v1/account", ""));
    out += " before=" + std::to_string(plainGet(mock_->base() + "/api/v1/account", other));
    ClientOptions system = options();
    system.caBundle.clear();
    auto viaSystem = zzjb::platform::makePlatformClient(system);
    if (!viaSystem) return out + " make failed: " + viaSystem.error().message;
    auto in = (*viaSystem)->login();
    out += " nobundle=" + (in ? std::string("ok") : in.error().code);
    ClientOptions pinned = options();
    pinned.caBundle = other;
    auto viaBundle = zzjb::platform::makePlatformClient(pinned);
    if (!viaBundle) return out + " make failed: " + viaBundle.error().message;
    auto refused = (*viaBundle)->login();
    out += " bundle=" + (refused ? std::string("ok") : refused.error().code);
    if (!refused) out += " (" + refused.error().message + ")";
    return out;
  });
  if (!seen) GTEST_SKIP() << "no user namespaces here: cannot stand in for the system CA store";
  EXPECT_TRUE(seen->starts_with("system=0 before=0 nobundle=ok bundle=TLS (")) << *seen;
  EXPECT_NE(seen->find("（平台 CA 证书文件 " + other + "）"), std::string::npos) << *seen;
}

// platform.pinnedPublicKey: the server's own key passes, another key is refused (TLS, not
// retried, nothing sent), a malformed pin is refused before any connection.
TEST_F(PlatformClientTest, PinnedPublicKeyAcceptsTheServersKeyAndRefusesAnother) {
  ClientOptions right = options();
  right.pinnedPublicKey = pinOf(mock_->caFile());
  auto good = client(right);
  ASSERT_NE(good, nullptr);
  auto in = good->login();
  EXPECT_TRUE(in.has_value()) << in.error().describe();
  // A list of pins passes when one of them matches.
  ClientOptions listed = options();
  listed.pinnedPublicKey = pinOf(dir_->path() / "other-ca.pem") + ";" + pinOf(mock_->caFile());
  auto alsoGood = client(listed);
  ASSERT_NE(alsoGood, nullptr);
  EXPECT_TRUE(alsoGood->login().has_value());

  ClientOptions wrong = options();
  wrong.pinnedPublicKey = pinOf(dir_->path() / "other-ca.pem");
  auto bad = client(wrong);
  ASSERT_NE(bad, nullptr);
  auto r = bad->login();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "TLS");
  EXPECT_EQ(r.error().kind, PlatformFailureKind::Unavailable);
  EXPECT_EQ(r.error().attempts, 1);
  EXPECT_NE(r.error().message.find("固定的公钥 platform.pinnedPublicKey（" +
                                   wrong.pinnedPublicKey + "）"),
            std::string::npos)
      << r.error().message;
  EXPECT_TRUE(sleeps_.empty());

  ClientOptions malformed = options();
  malformed.pinnedPublicKey = "sha256//not-a-pin";
  auto refused = zzjb::platform::makePlatformClient(malformed);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, "PLATFORM_CLIENT");
  EXPECT_EQ(refused.error().message, zzjb::msg::text("PLATFORM_CLIENT.pin_format"));
  EXPECT_NE(refused.error().message.find("platform.pinnedPublicKey"), std::string::npos);
}

// The CA bundle is read as a certificate file: regular files only, bounded.
TEST_F(PlatformClientTest, CaBundleThatIsNotARegularFileIsRefusedWithTheReason) {
  ClientOptions device = options();
  device.caBundle = "/dev/zero";
  auto r = zzjb::platform::makePlatformClient(device);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "PLATFORM_CLIENT");
  EXPECT_NE(r.error().message.find("无法读取平台 CA 证书文件 /dev/zero："), std::string::npos)
      << r.error().message;
}

TEST_F(PlatformClientTest, SlowAnswerTimesOutAndIsRetried) {
  auto c = client([&] {
    ClientOptions o = options();
    o.timeoutSeconds = 1;
    o.maxAttempts = 2;
    return o;
  }());
  ASSERT_TRUE(c->login().has_value());
  setFaults({{{"method", "GET"},
              {"path", "^/api/v1/skills/catalog$"},
              {"probability", 1},
              {"kind", "delay"},
              {"delayMs", 8000}}},
            2);
  const auto started = std::chrono::steady_clock::now();
  auto r = c->catalog();
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, PlatformFailureKind::Unavailable);
  EXPECT_EQ(r.error().code, "TIMEOUT");
  EXPECT_EQ(r.error().attempts, 2);
  // Two 1 s timeouts and a backoff take about 2.5 s; two answers waited for would take 16 s. The
  // bound sits far from both, so a loaded machine does not fail it and a client without the
  // timeout cannot pass it.
  EXPECT_LT(took, 8.0);
  const auto events = eventsFor("GET /api/v1/skills/catalog");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(events[0].willRetry);
  EXPECT_GE(events[0].seconds, 0.9);
  // The connection given up on is replaced: the next call works.
  admin(*mock_, "DELETE", "/__admin/faults");
  auto ok = c->catalog();
  EXPECT_TRUE(ok.has_value()) << ok.error().describe();
}

TEST_F(PlatformClientTest, LoginRefusedForKeyIdIsIdentity) {
  ClientOptions o = options();
  o.keyId = "SHECA-XZ-WRONG";
  auto c = client(o);
  auto r = c->login();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, PlatformFailureKind::Identity);
  EXPECT_EQ(r.error().code, "KEYID_MISMATCH");
  EXPECT_EQ(r.error().httpStatus, 401);
  EXPECT_EQ(r.error().attempts, 1);
  EXPECT_STREQ(zzjb::platformFailureKindName(r.error().kind), "identity");
}

TEST_F(PlatformClientTest, LoginWithUntrustedCertificateIsIdentity) {
  ClientOptions o = options();
  // pudong-gz is issued by the P-256 test CA, which this mock does not trust.
  auto p256 = zzjb::identity::openSigner(
      zzjb::identity::FileKeyUri{(dir_->path() / "keys" / "pudong-gz.key").string()},
      []() -> zzjb::Result<zzjb::identity::Secret> {
        return std::unexpected(zzjb::configFinding("PIN_UNAVAILABLE", "no PIN in tests"));
      });
  ASSERT_TRUE(p256.has_value());
  o.signer = p256->get();
  o.certificatePem = readFile(dir_->path() / "keys" / "pudong-gz.pem");
  o.keyId = "SHECA-PG-000987654321";
  auto c = client(o);
  auto r = c->catalog();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, PlatformFailureKind::Identity);
  EXPECT_EQ(r.error().code, "CERT_UNTRUSTED");
  EXPECT_EQ(r.error().endpoint, "POST /api/v1/auth/login");
}

TEST_F(PlatformClientTest, RefusesBadOptionsWithPlatformClientFinding) {
  const auto code = [](ClientOptions o) {
    auto c = zzjb::platform::makePlatformClient(std::move(o));
    return c ? std::string("ok") : c.error().code;
  };
  ClientOptions o = options();
  EXPECT_EQ(code(o), "ok");
  ClientOptions http = o;
  http.baseUrl = "http://127.0.0.1:1";
  EXPECT_EQ(code(http), "PLATFORM_CLIENT");
  ClientOptions noSigner = o;
  noSigner.signer = nullptr;
  EXPECT_EQ(code(noSigner), "PLATFORM_CLIENT");
  ClientOptions noCa = o;
  noCa.caBundle = (dir_->path() / "missing.pem").string();
  EXPECT_EQ(code(noCa), "PLATFORM_CLIENT");
  ClientOptions noAttempts = o;
  noAttempts.maxAttempts = 0;
  EXPECT_EQ(code(noAttempts), "PLATFORM_CLIENT");
  ClientOptions noKeyId = o;
  noKeyId.keyId.clear();
  EXPECT_EQ(code(noKeyId), "PLATFORM_CLIENT");
}

// A signer that signs the login but fails later (a token pulled out, a PIN locked): the signed
// submission is not sent and fails as Identity with the signer's code, not retried.
class SignerThatFailsAfter final : public zzjb::Signer {
 public:
  SignerThatFailsAfter(zzjb::Signer& inner, int good) : inner_(inner), good_(good) {}
  zzjb::SignatureAlgorithm algorithm() const override { return inner_.algorithm(); }
  zzjb::Result<std::vector<std::uint8_t>> sign(std::span<const std::uint8_t> data) override {
    if (good_-- > 0) return inner_.sign(data);
    return std::unexpected(zzjb::configFinding("PIN_LOCKED", "the token's PIN is locked"));
  }
  std::string certificatePem() const override { return inner_.certificatePem(); }
  zzjb::PinStatus pinStatus() const override { return inner_.pinStatus(); }
  std::string describe() const override { return "failing " + inner_.describe(); }

 private:
  zzjb::Signer& inner_;
  int good_;
};

TEST_F(PlatformClientTest, SignerFailureOnASignedSubmissionIsIdentityAndNothingIsSent) {
  SignerThatFailsAfter failing(*signer_, 1);  // the login's signature only
  ClientOptions o = options();
  o.signer = &failing;
  auto c = client(o);
  auto r = c->putAccount(accountRequest(), "acct-1");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, PlatformFailureKind::Identity);
  EXPECT_EQ(r.error().code, "PIN_LOCKED");
  EXPECT_EQ(r.error().endpoint, "PUT /api/v1/account");
  EXPECT_TRUE(sleeps_.empty());
  EXPECT_TRUE(eventsFor("PUT /api/v1/account").empty());
  EXPECT_EQ(journalCount("PUT", "/api/v1/account"), 0);
}

TEST_F(PlatformClientTest, InvalidIdempotencyKeyIsRefusedBeforeSending) {
  auto c = client();
  auto r = c->putAccount(accountRequest(), std::string(129, 'k'));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, PlatformFailureKind::Final);
  EXPECT_EQ(r.error().attempts, 0);
  EXPECT_EQ(journalCount("PUT", "/api/v1/account"), 0);
}

TEST(PlatformFailureTest, DescribeIsOneLineWithFieldsAttemptsAndRequestId) {
  zzjb::PlatformFailure f;
  f.httpStatus = 422;
  f.code = "VALIDATION_FAILED";
  f.message = "字段校验失败";
  f.endpoint = "PUT /api/v1/account";
  f.fields = {{"leader.mobile", "手机号码无效"}};
  f.requestId = "abc";
  f.attempts = 2;
  EXPECT_EQ(f.describe(),
            "PUT /api/v1/account: 422 VALIDATION_FAILED 字段校验失败 (leader.mobile: 手机号码无效) "
            "共尝试 2 次 [req abc]");
  zzjb::msg::setLanguage(zzjb::msg::Lang::En);
  EXPECT_EQ(f.describe(),
            "PUT /api/v1/account: 422 VALIDATION_FAILED 字段校验失败 (leader.mobile: 手机号码无效) "
            "after 2 attempts [req abc]");
  zzjb::msg::setLanguage(zzjb::msg::Lang::ZhCN);
}

TEST(PermissionScopeTest, SameAsComparesMatterNodeCodeLevelAbilityCodeAndOrgCreditCode) {
  zzjb::PermissionScope a;
  a.matter = kMatter;
  a.node = kNode;
  a.occupationCode = kOccupation;
  a.occupationName = "名称不比较";
  a.level = 4;
  a.org = zzjb::EvaluationOrg{"甲", kOrgCode};
  // Names are not compared: the platform may spell them differently.
  zzjb::PermissionScope b = a;
  b.occupationName = "另一个名称";
  b.org->name = "乙";
  b.abilityName = "能力名称也不比较";
  EXPECT_TRUE(a.sameAs(b));
  EXPECT_TRUE(b.sameAs(a));
  // Each compared field on its own makes another scope (the engine matches granted permissions
  // with sameAs: a field it ignored would count a permission for the wrong target).
  const std::vector<std::pair<const char*, std::function<void(zzjb::PermissionScope&)>>> changes = {
      {"matter", [](zzjb::PermissionScope& s) { s.matter = "职业资格鉴定"; }},
      {"node", [](zzjb::PermissionScope& s) { s.node = "另一个节点"; }},
      {"occupationCode", [](zzjb::PermissionScope& s) { s.occupationCode = "4-04-05-02"; }},
      {"level", [](zzjb::PermissionScope& s) { s.level = 3; }},
      {"abilityCode", [](zzjb::PermissionScope& s) { s.abilityCode = kAbilityCode; }},
      {"org.creditCode", [](zzjb::PermissionScope& s) { s.org->creditCode = "52310000MJ0000002X"; }},
      {"org absent", [](zzjb::PermissionScope& s) { s.org.reset(); }},
  };
  for (const auto& [field, change] : changes) {
    zzjb::PermissionScope c = a;
    change(c);
    EXPECT_FALSE(a.sameAs(c)) << field << " changed, still the same scope";
    EXPECT_FALSE(c.sameAs(a)) << field << " changed, still the same scope (reversed)";
  }
}

// Issue 12 must-show 3: a 429 with Retry-After on one school's call delays the other workers'
// next calls. Two schools (xuhui-zz, SM2; pudong-gz, P-256), each with its own client in its own
// thread, against the real zzjb-mock over TLS; the mock trusts both schools' CAs. The fault is
// aimed at school A by path: only A asks for its permissions, and every
// GET /api/v1/skills/permissions is answered 429 with Retry-After: 2; B only reads the catalog.
// Once A has had its 429, B makes its next call: with one governor shared, B's request leaves no
// earlier than the end of A's pause (a little slack below, no upper bound); without one (the
// control), B is not held.
class SharedGovernorTest : public ::testing::Test {
 protected:
  using Clock = std::chrono::steady_clock;

  static void SetUpTestSuite() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    dir_ = new TempDir();
    const auto keys =
        zzjb::test::run(std::string(ZZJB_SOURCE_DIR) + "/scripts/make-example-keys.sh " +
                        shellQuote((dir_->path() / "keys").string()));
    ASSERT_EQ(keys.exitCode, 0) << keys.err;
    mock_ = new MockProcess(
        dir_->path(),
        {"--trust-ca", (dir_->path() / "keys" / "ca-sm2.pem").string(), "--trust-ca",
         (dir_->path() / "keys" / "ca.pem").string(), "--catalog",
         std::string(ZZJB_SOURCE_DIR) + "/config/catalog.example.json", "--seed", "7"},
        ZZJB_MOCK_BIN);
    ASSERT_TRUE(mock_->running()) << readFile(dir_->path() / "stderr");
  }
  static void TearDownTestSuite() {
    delete mock_;
    mock_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(mock_, nullptr);
    ASSERT_TRUE(mock_->running());
    ASSERT_EQ(admin(*mock_, "POST", "/__admin/reset").value("status", ""), "ok");
  }

  struct School {
    std::unique_ptr<zzjb::Signer> signer;
    std::string certificatePem;
    std::string keyId;
  };

  static School school(const std::string& name, const std::string& keyId) {
    auto signer = zzjb::identity::openSigner(
        zzjb::identity::FileKeyUri{(dir_->path() / "keys" / (name + ".key")).string()},
        []() -> zzjb::Result<zzjb::identity::Secret> {
          return std::unexpected(zzjb::configFinding("PIN_UNAVAILABLE", "no PIN in tests"));
        });
    EXPECT_TRUE(signer.has_value()) << (signer ? "" : signer.error().message);
    return School{signer ? std::move(*signer) : nullptr,
                  readFile(dir_->path() / "keys" / (name + ".pem")), keyId};
  }

  static ClientOptions options(const School& s, std::shared_ptr<RequestGovernor> governor) {
    ClientOptions o;
    o.baseUrl = mock_->base();
    o.caBundle = mock_->caFile().string();
    o.signer = s.signer.get();
    o.certificatePem = s.certificatePem;
    o.keyId = s.keyId;
    o.timeoutSeconds = 10;
    o.jitterSeed = 99;
    o.governor = std::move(governor);
    return o;
  }

  struct Observed {
    Clock::time_point aGot429{};    // A's onRequest for its 429 (after the answer was read)
    Clock::time_point bNextSent{};  // when B's next request went on the wire
    bool aFailedUnavailable = false;
    bool bSucceeded = false;
    std::string bFailure;
  };

  // A: log in, ask for its permissions (429, Retry-After: 2; one attempt, so A itself does not
  // wait). B: log in, wait until A has had its 429, then read the catalog.
  static Observed run(const std::shared_ptr<RequestGovernor>& governor) {
    School a = school("xuhui-zz", "SHECA-XZ-000123456789");
    School b = school("pudong-gz", "SHECA-PG-000987654321");
    Observed seen;
    std::mutex m;
    std::promise<void> aHad429;
    std::promise<void> bLoggedIn;

    ClientOptions oa = options(a, governor);
    oa.maxAttempts = 1;
    oa.onRequest = [&](const RequestEvent& e) {
      if (e.endpoint == "GET /api/v1/skills/permissions" && e.status == 429) {
        std::lock_guard lock(m);
        seen.aGot429 = Clock::now();
      }
    };
    ClientOptions ob = options(b, governor);
    ob.onRequest = [&](const RequestEvent& e) {
      if (e.endpoint == "GET /api/v1/skills/catalog") {
        std::lock_guard lock(m);
        seen.bNextSent = Clock::now() - std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(e.seconds));
      }
    };
    auto ca = zzjb::platform::makePlatformClient(std::move(oa));
    auto cb = zzjb::platform::makePlatformClient(std::move(ob));
    EXPECT_TRUE(ca.has_value() && cb.has_value());
    if (!ca || !cb) return seen;

    std::thread workerB([&] {
      auto session = (*cb)->login();
      EXPECT_TRUE(session.has_value()) << session.error().describe();
      bLoggedIn.set_value();
      aHad429.get_future().wait();
      auto catalog = (*cb)->catalog();
      std::lock_guard lock(m);
      seen.bSucceeded = catalog.has_value();
      if (!catalog) seen.bFailure = catalog.error().describe();
    });
    std::thread workerA([&] {
      auto session = (*ca)->login();
      EXPECT_TRUE(session.has_value()) << session.error().describe();
      bLoggedIn.get_future().wait();  // both sessions open before the 429
      auto permissions = (*ca)->permissions();
      aHad429.set_value();  // after A's only attempt, whatever it was: B never waits forever
      std::lock_guard lock(m);
      seen.aFailedUnavailable = !permissions.has_value() &&
                                permissions.error().kind == PlatformFailureKind::Unavailable &&
                                permissions.error().code == "RATE_LIMITED";
    });
    workerA.join();
    workerB.join();
    return seen;
  }

  void aimA429AtSchoolA() {
    const json answer = admin(*mock_, "POST", "/__admin/faults",
                              {{"seed", 1},
                               {"rules",
                                {{{"method", "GET"},
                                  {"path", "^/api/v1/skills/permissions$"},
                                  {"probability", 1},
                                  {"kind", "status"},
                                  {"status", 429},
                                  {"retryAfter", 2}}}}});
    ASSERT_TRUE(answer.contains("rules")) << answer.dump();
  }

  static constexpr auto kPause = std::chrono::milliseconds(2000);
  // Below the pause's end, for A's 429 being timed a moment after the governor was paused.
  static constexpr auto kSlack = std::chrono::milliseconds(300);

  static inline TempDir* dir_ = nullptr;
  static inline MockProcess* mock_ = nullptr;
};

TEST_F(SharedGovernorTest, A429WithRetryAfterOnOneSchoolDelaysTheOtherWorkersNextCall) {
  aimA429AtSchoolA();
  auto governor = std::make_shared<RequestGovernor>(RequestGovernor::Limits{4, 0});
  const Observed seen = run(governor);
  EXPECT_TRUE(seen.aFailedUnavailable);
  EXPECT_TRUE(seen.bSucceeded) << seen.bFailure;
  ASSERT_NE(seen.aGot429, Clock::time_point{});
  ASSERT_NE(seen.bNextSent, Clock::time_point{});
  const auto after =
      std::chrono::duration_cast<std::chrono::milliseconds>(seen.bNextSent - seen.aGot429);
  EXPECT_GE(after, kPause - kSlack)
      << "B's next request left " << after.count() << " ms after A's 429 with Retry-After: 2";
  const auto c = governor->counters();
  EXPECT_EQ(c.pauses, 1u);
  EXPECT_GE(c.waitedMs, static_cast<std::uint64_t>((kPause - kSlack).count()));
  // Two logins (challenge + login each), A's permissions, B's catalog.
  EXPECT_EQ(c.requestsStarted, 6u);
  EXPECT_EQ(c.inFlight, 0);
}

// The control: the same two workers and the same 429, each client on its own. B is not held.
TEST_F(SharedGovernorTest, WithoutASharedGovernorTheOtherWorkerIsNotDelayed) {
  aimA429AtSchoolA();
  const Observed seen = run(nullptr);
  EXPECT_TRUE(seen.aFailedUnavailable);
  EXPECT_TRUE(seen.bSucceeded) << seen.bFailure;
  ASSERT_NE(seen.aGot429, Clock::time_point{});
  ASSERT_NE(seen.bNextSent, Clock::time_point{});
  const auto after =
      std::chrono::duration_cast<std::chrono::milliseconds>(seen.bNextSent - seen.aGot429);
  EXPECT_LT(after, kPause - kSlack)
      << "B's next request left " << after.count() << " ms after A's 429 without a shared governor";
}

// A stop request (the daemon's SIGTERM) ends a wait for the governor promptly, and nothing is
// sent: a client held by another's long pause gives up with CANCELLED.
TEST_F(SharedGovernorTest, AStopRequestEndsTheWaitForAPauseWithoutSending) {
  School a = school("xuhui-zz", "SHECA-XZ-000123456789");
  auto governor = std::make_shared<RequestGovernor>(RequestGovernor::Limits{4, 0});
  std::atomic<bool> stop{false};
  ClientOptions o = options(a, governor);
  o.cancelled = [&] { return stop.load(); };
  auto c = zzjb::platform::makePlatformClient(std::move(o));
  ASSERT_TRUE(c.has_value());
  ASSERT_TRUE((*c)->login().has_value());
  governor->pauseFor(std::chrono::minutes(5));  // as if another school had had Retry-After: 300
  std::thread stopper([&] {
    std::this_thread::sleep_for(200ms);
    stop = true;
  });
  const auto asked = std::chrono::steady_clock::now();
  auto r = (*c)->catalog();
  const auto took = std::chrono::steady_clock::now() - asked;
  stopper.join();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "CANCELLED");
  EXPECT_EQ(r.error().kind, PlatformFailureKind::Unavailable);
  EXPECT_LT(took, 60s);  // generous: the wait looks every 100 ms
  int catalogs = 0;
  const json journal = admin(*mock_, "GET", "/__admin/journal?since=0");
  for (const json& item : journal["items"])
    if (item["path"] == "/api/v1/skills/catalog") ++catalogs;
  EXPECT_EQ(catalogs, 0);
}

}  // namespace
