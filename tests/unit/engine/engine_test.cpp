// The engine: one pass over one school against an in-memory platform and the real SQLite store.
// Each test names the behaviour it proves: declare once, nothing twice, recover after a crash by
// idempotency key, permissions by type, failures as outcomes, dry runs, no full ID numbers.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "fake_platform.hpp"
#include "language_check.hpp"
#include "test_support.hpp"
#include "zzjb/core/engine.hpp"
#include "zzjb/core/identifiers.hpp"
#include "zzjb/store/sqlite_store.hpp"

namespace zzjb::test {
namespace {

const Date kToday{2026, 11, 27};  // graduation year 2027
const std::string kSocialKey = "social-org:4-04-05-01/4/52310000MJ1A2B3C9Q";
const std::string kQualKey = "qualification:4-12-01-01/4/-";
const std::string kPermissionRequest = "请市职鉴中心开通汽车维修工四级团体申报权限";

// ---- certification types, in memory ----

plugin::TypeInfo typeInfo(std::string id, std::string matter, std::string node,
                          plugin::Permission permission, plugin::OrgKind org,
                          std::string request) {
  plugin::TypeInfo i;
  i.id = std::move(id);
  i.matter = std::move(matter);
  i.node = std::move(node);
  i.permission = permission;
  i.shape.org = org;
  i.description = "fake";
  i.permissionRequest = std::move(request);
  return i;
}

class SocialOrgType final : public plugin::Policy {
 public:
  plugin::TypeInfo info() const override {
    return typeInfo("social-org", "职业技能等级认定", "社会评价组织等级认定",
                    plugin::Permission::AppliedOnline, plugin::OrgKind::SocialOrg, "");
  }
  std::vector<plugin::Field> applicationFields(const plugin::TargetView& t,
                                               const plugin::Section& /*s*/) const override {
    return {{"evaluationOrgContact", t.orgName + " 联系人"}};
  }
  std::vector<plugin::SheetColumn> declarationSheet(const plugin::TargetView& t,
                                                    const plugin::Section& /*s*/) const override {
    auto cols = plugin::standardSheet(t.scope);
    cols.push_back({"评价组织", "", false});
    return cols;
  }
  std::vector<std::string> declarationValues(const plugin::StudentView& /*st*/,
                                             const plugin::TargetView& t,
                                             const plugin::Section& /*s*/) const override {
    return {t.orgName};
  }
  plugin::Explanation explainReview(std::string_view /*code*/,
                                    std::string_view text) const override {
    return {"插件解释：" + std::string(text), "插件建议：与评价组织核对备案信息"};
  }
};

class QualificationType final : public plugin::Policy {
 public:
  plugin::TypeInfo info() const override {
    return typeInfo("qualification", "职业资格鉴定", "", plugin::Permission::GrantedByCentre,
                    plugin::OrgKind::None, kPermissionRequest);
  }
};

// A matter that needs no permission (plugin::Permission::None): declared directly.
class NoPermissionType final : public plugin::Policy {
 public:
  plugin::TypeInfo info() const override {
    return typeInfo("no-permission", "免申请事项", "", plugin::Permission::None,
                    plugin::OrgKind::None, "");
  }
};

const TypeRegistry& types() {
  static plugin::Guarded<SocialOrgType> social;
  static plugin::Guarded<QualificationType> qualification;
  static plugin::Guarded<NoPermissionType> none;
  static const TypeRegistry registry = [] {
    TypeRegistry r;
    for (plugin::CertificationType* t :
         std::initializer_list<plugin::CertificationType*>{&social, &qualification, &none}) {
      (void)r.add(*t, t->info().value, "fake:" + t->info().value.id);
    }
    return r;
  }();
  return registry;
}

// ---- the school, its roster and the catalog ----

std::string idFor(int seq, bool male) {
  int s = seq;
  if ((s % 2 == 1) != male) ++s;
  std::string seq3 = std::to_string(100 + s % 900);
  std::string first17 = "310104" + std::string("20080512") + seq3;
  return first17 + residentIdCheckChar(first17).value();
}

Target target(const std::string& type, const std::string& code, const std::string& name,
              std::optional<EvaluationOrg> org, const std::string& path) {
  Target t;
  t.type = type;
  t.occupationCode = code;
  t.occupationName = name;
  t.level = 4;
  t.evaluationOrg = std::move(org);
  t.evaluation = {EvaluationStatus::Approved, "意见〔2026〕1号", Date{2026, 5, 12}};
  t.jsonPath = path;
  return t;
}

School makeSchool() {
  School s;
  s.id = "s1";
  s.name = "示范学校";
  s.creditCode = "12310104MB2F000081";
  s.level = SchoolLevel::Secondary;
  s.legalRepresentative = "王建国";
  s.district = "徐汇区";
  s.address = "示范路1号";
  s.leader = {"李明华", "13812340001"};
  s.contact = {"陈晓燕", "13912340002"};
  s.platformOperator = {"周志强", "310104198503121235"};
  s.jsonPath = "$.schools[0]";
  EvaluationOrg org{"信息评价中心", "52310000MJ1A2B3C9Q"};
  s.majors.push_back({"计算机应用", "", {target("social-org", "4-04-05-01", "计算机程序设计员",
                                                 org, "$.schools[0].majors[0].targets[0]")},
                      "$.schools[0].majors[0]"});
  s.majors.push_back({"软件技术", "", {target("social-org", "4-04-05-01", "计算机程序设计员", org,
                                               "$.schools[0].majors[1].targets[0]")},
                      "$.schools[0].majors[1]"});
  s.majors.push_back({"汽车运用", "", {target("qualification", "4-12-01-01", "汽车维修工",
                                               std::nullopt, "$.schools[0].majors[2].targets[0]")},
                      "$.schools[0].majors[2]"});
  return s;
}

struct RosterRow {
  std::string name;
  std::string id;
  std::string gender;
  std::string major;
};

// 7 + 3 students for 计算机程序设计员 (two majors, one target), 4 for 汽车维修工. One student of
// 计算机应用 is named 退…, which the fake platform rejects (NOT_GRADUATING).
std::vector<RosterRow> makeRows() {
  std::vector<RosterRow> rows;
  int seq = 1;
  auto add = [&](const std::string& major, int n) {
    for (int i = 0; i < n; ++i, ++seq) {
      bool male = seq % 2 == 1;
      std::string name = (major == "计算机应用" && i == 2) ? "退学生" : "学生" + std::to_string(seq);
      rows.push_back({name, idFor(seq * 2 + (male ? 1 : 0), male), male ? "男" : "女", major});
    }
  };
  add("计算机应用", 7);
  add("软件技术", 3);
  add("汽车运用", 4);
  return rows;
}

RosterTable tableOf(const std::vector<RosterRow>& rows) {
  RosterTable t;
  t.file = "roster.csv";
  t.encoding = "UTF-8";
  t.header = {"姓名", "证件类型", "证件号码", "性别", "手机号码", "专业", "班级", "毕业年份"};
  std::size_t line = 2;
  for (const auto& r : rows) {
    RosterRecord rec;
    rec.line = line++;
    for (const std::string& c : std::vector<std::string>{r.name, "居民身份证", r.id, r.gender,
                                                         "13812345678", r.major, "2401班", "2027"}) {
      rec.cells.push_back({c, CellKind::Text, ""});
    }
    t.records.push_back(rec);
  }
  return t;
}

Catalog makeCatalog() {
  Catalog c;
  c.version = "t";
  c.items.push_back({{"信息评价中心", "52310000MJ1A2B3C9Q"},
                     OrgType::SocialOrg,
                     {{"4-04-05-01", "计算机程序设计员", {3, 4, 5}}}});
  return c;
}

// The sheet as text: deterministic, so the same students give the same bytes.
std::string fakeXlsx(const DeclarationSheet& s) {
  std::string out = "FAKEXLSX\n";
  std::string header;
  for (const auto& c : s.columns) header += (header.empty() ? "" : "\t") + c.header;
  out += header + "\n";
  for (const auto& r : s.rows) {
    std::string line;
    for (std::size_t i = 0; i < s.columns.size(); ++i) {
      line += (i == 0 ? "" : "\t") + (i < r.size() ? r[i] : std::string());
    }
    out += line + "\n";
  }
  return out;
}

std::string fakeSha(std::string_view s) {
  static const char* hex = "0123456789abcdef";
  std::size_t h = std::hash<std::string_view>{}(s);
  std::string out;
  for (int i = 0; i < 16; ++i, h >>= 4) out += hex[h & 0xF];
  return out;
}

PermissionScope qualificationScope() {
  PermissionScope s;
  s.matter = "职业资格鉴定";
  s.occupationCode = "4-12-01-01";
  s.occupationName = "汽车维修工";
  s.level = 4;
  return s;
}

// The real store, counting the calls the engine makes: what an up-to-date pass costs.
class CountingStore final : public StateStore {
 public:
  explicit CountingStore(StateStore& s) : s_(s) {}
  std::map<std::string, int> calls;

  std::string studentKey(std::string_view id) const override { return s_.studentKey(id); }
  Result<IntentState> beginIntent(const Intent& i, const std::vector<StudentEntry>& r) override {
    ++calls["beginIntent"];
    return s_.beginIntent(i, r);
  }
  Result<void> recordResponse(std::string_view k, const IntentResponse& r) override {
    ++calls["recordResponse"];
    return s_.recordResponse(k, r);
  }
  Result<std::optional<IntentState>> intent(std::string_view k) override {
    ++calls["intent"];
    return s_.intent(k);
  }
  Result<std::vector<IntentState>> pendingIntents(std::string_view sc) override {
    ++calls["pendingIntents"];
    return s_.pendingIntents(sc);
  }
  Result<void> putApplication(const Application& a) override {
    ++calls["putApplication"];
    return s_.putApplication(a);
  }
  Result<std::optional<Application>> application(std::string_view sc,
                                                 std::string_view t) override {
    ++calls["application"];
    return s_.application(sc, t);
  }
  Result<void> putBatch(const Batch& b) override {
    ++calls["putBatch"];
    return s_.putBatch(b);
  }
  Result<std::size_t> keepOnlyStudents(std::string_view k,
                                       const std::vector<StudentEntry>& kept) override {
    ++calls["keepOnlyStudents"];
    return s_.keepOnlyStudents(k, kept);
  }
  Result<std::vector<Batch>> openBatches(std::string_view sc) override {
    ++calls["openBatches"];
    return s_.openBatches(sc);
  }
  Result<void> recordStudentResults(std::string_view sc, std::string_view t,
                                    const std::vector<StudentResult>& r) override {
    ++calls["recordStudentResults"];
    return s_.recordStudentResults(sc, t, r);
  }
  Result<ReconcileCounts> reconcileTarget(std::string_view sc, std::string_view t,
                                          const std::vector<PlatformBatchRef>& b,
                                          const std::vector<PlatformStudent>& st) override {
    ++calls["reconcileTarget"];
    return s_.reconcileTarget(sc, t, b, st);
  }
  Result<std::vector<std::string>> studentsNotYetDeclared(
      std::string_view sc, std::string_view t, const std::vector<StudentEntry>& c) override {
    ++calls["studentsNotYetDeclared"];
    return s_.studentsNotYetDeclared(sc, t, c);
  }
  Result<std::vector<StudentRecord>> students(std::string_view sc, std::string_view t) override {
    ++calls["students"];
    return s_.students(sc, t);
  }
  Result<void> recordPass(const PassRecord& p) override {
    ++calls["recordPass"];
    return s_.recordPass(p);
  }
  Result<std::optional<PassRecord>> lastPass(std::string_view sc) override {
    ++calls["lastPass"];
    return s_.lastPass(sc);
  }
  Result<std::optional<PassRecord>> lastSuccessfulPass(std::string_view sc) override {
    ++calls["lastSuccessfulPass"];
    return s_.lastSuccessfulPass(sc);
  }
  Result<void> putAccountStatus(std::string_view sc, AccountStatus a) override {
    ++calls["putAccountStatus"];
    return s_.putAccountStatus(sc, a);
  }
  Result<std::optional<AccountStatus>> accountStatus(std::string_view sc) override {
    ++calls["accountStatus"];
    return s_.accountStatus(sc);
  }
  Result<void> putFact(std::string_view sc, std::string_view n, std::string_view v) override {
    ++calls["putFact"];
    return s_.putFact(sc, n, v);
  }
  Result<std::optional<std::string>> fact(std::string_view sc, std::string_view n) override {
    ++calls["fact"];
    return s_.fact(sc, n);
  }
  Result<std::vector<Application>> applications(std::string_view sc) override {
    ++calls["applications"];
    return s_.applications(sc);
  }
  Result<std::size_t> purgeCohort(std::string_view sc, std::string_view y) override {
    ++calls["purgeCohort"];
    return s_.purgeCohort(sc, y);
  }
  Result<bool> renameTarget(std::string_view sc, std::string_view from,
                            std::string_view to) override {
    ++calls["renameTarget"];
    return s_.renameTarget(sc, from, to);
  }

 private:
  StateStore& s_;
};

class Engine : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::openSqliteStore(dir.path() / "state.db");
    ASSERT_TRUE(s.has_value()) << s.error().message;
    store = std::move(*s);
    school = makeSchool();
    rows = makeRows();
    evaluate();
    // A fresh school: no account yet; 职业资格鉴定 granted by the centre; applications approved
    // at the first poll; batches DONE at the first poll.
    platform.accountState = {false, AccountStatus::NotRegistered, ""};
    platform.granted.push_back({qualificationScope(), "t"});
  }

  void evaluate() {
    std::vector<RosterInput> in;
    in.push_back({"roster.csv", tableOf(rows)});
    eval = evaluateSchool(school, in, {kToday, &catalog, &types()});
  }

  SchoolOutcome pass(bool dryRun = false, PlatformClient* client = nullptr) {
    EngineServices svc;
    svc.store = storeOverride != nullptr ? storeOverride : store.get();
    svc.platform = client != nullptr ? client : &platform;
    if (dryRun && client == nullptr) svc.platform = nullptr;
    svc.types = &types();
    svc.writeXlsx = [this](const DeclarationSheet& s) -> Result<std::string> {
      written.push_back(fakeXlsx(s));
      return written.back();
    };
    svc.sha256Hex = fakeSha;
    svc.clock = &clock;
    svc.onEvent = [this](const EngineEvent& e) { events.push_back(e); };
    EngineOptions opt;
    opt.today = kToday;
    opt.dryRun = dryRun;
    opt.maxBatchRows = 4;
    opt.pollAttempts = 3;
    opt.pollIntervalMs = 10;
    opt.checkpoint = hook;
    if (tune) tune(opt);
    SchoolInput in{&school, &eval, "key-1"};
    return runSchoolPass(in, svc, opt);
  }

  static const TargetOutcome* targetOf(const SchoolOutcome& o, const std::string& key) {
    auto it = std::find_if(o.targets.begin(), o.targets.end(),
                           [&](const TargetOutcome& t) { return t.targetKey == key; });
    return it == o.targets.end() ? nullptr : &*it;
  }

  // How many times each ID number was sent to the platform, over every accepted submission.
  std::map<std::string, int> rowsSentPerId() const {
    std::map<std::string, int> n;
    for (const auto& s : platform.submissions) {
      auto sheet = parseFakeXlsx(s.body);
      for (std::size_t i = 1; i < sheet.size(); ++i) ++n[sheet[i].at(3)];
    }
    return n;
  }

  std::vector<std::string> idsOf(const std::string& major) const {
    std::vector<std::string> out;
    for (const auto& r : rows) {
      if (major.empty() || r.major == major) out.push_back(r.id);
    }
    return out;
  }

  std::size_t recordsWith(DeclarationResult r) {
    auto all = store->students("s1", "");
    EXPECT_TRUE(all.has_value());
    return static_cast<std::size_t>(std::count_if(
        all->begin(), all->end(), [&](const StudentRecord& s) { return s.result == r; }));
  }

  // The student's record for a target, if any.
  std::optional<StudentRecord> recordOf(const std::string& id, const std::string& target) {
    auto all = store->students("s1", target);
    EXPECT_TRUE(all.has_value());
    for (const auto& r : *all) {
      if (r.studentKey == store->studentKey(id)) return r;
    }
    return std::nullopt;
  }

  bool warned(const std::string& part) const {
    return std::any_of(events.begin(), events.end(), [&](const EngineEvent& e) {
      return e.kind == EngineEvent::Kind::Warning && e.message.find(part) != std::string::npos;
    });
  }

  // The first accepted submission for an occupation code.
  const FakePlatform::Submission* firstSubmissionFor(const std::string& code) const {
    auto it = std::find_if(platform.submissions.begin(), platform.submissions.end(),
                           [&](const auto& s) { return s.manifest.scope.occupationCode == code; });
    return it == platform.submissions.end() ? nullptr : &*it;
  }

  // Crashes the pass once, right after the first batch intent of the target is committed
  // (another target's batches may have gone before it: the order is the engine's).
  void crashAtFirstBatchOf(const std::string& targetKey) {
    hook = [this, targetKey, crashed = false](std::string_view point) mutable {
      if (crashed || point != "intent-committed:batch") return;
      auto pending = store->pendingIntents("s1");
      if (!pending) return;
      for (const auto& in : *pending) {
        if (in.intent.step == "batch" && in.intent.targetKey == targetKey) {
          crashed = true;
          throw std::runtime_error("simulated crash");
        }
      }
    };
  }

  bool sentFor(const std::string& code) const {
    return std::any_of(platform.submissions.begin(), platform.submissions.end(),
                       [&](const auto& s) { return s.manifest.scope.occupationCode == code; });
  }

  TempDir dir;
  std::unique_ptr<StateStore> store;
  FakePlatform platform;
  Catalog catalog = makeCatalog();
  School school;
  std::vector<RosterRow> rows;
  SchoolResult eval;
  std::vector<EngineEvent> events;
  std::vector<std::string> written;
  FakeClock clock{*parseIsoMoment("2026-11-27T01:00:00.000Z")};
  std::function<void(std::string_view)> hook;
  std::function<void(EngineOptions&)> tune;  // changes the options pass() gives
  StateStore* storeOverride = nullptr;        // another store for pass() (a CountingStore)
};

// ---- declaring -------------------------------------------------------------------------------

TEST_F(Engine, EvaluationOfTheFixtureHasNoErrors) {
  for (const auto& f : eval.findings) EXPECT_NE(f.severity, Severity::Error) << f.code << f.message;
  ASSERT_EQ(eval.targets.size(), 3U);
}

TEST_F(Engine, FirstPassDeclaresEveryEligibleStudentOnceInChunksOfAtMostMaxBatchRows) {
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::Progressed) << o.summary();
  EXPECT_TRUE(o.loggedIn);
  ASSERT_EQ(o.targets.size(), 2U) << "two majors with the same target are one target";

  // Every eligible student exactly once.
  auto sent = rowsSentPerId();
  EXPECT_EQ(sent.size(), rows.size());
  for (const auto& id : idsOf("")) EXPECT_EQ(sent[id], 1) << maskId(id);
  for (const auto& s : platform.submissions) {
    EXPECT_LE(parseFakeXlsx(s.body).size() - 1, 4U);
    EXPECT_EQ(static_cast<std::size_t>(s.manifest.rowCount), parseFakeXlsx(s.body).size() - 1);
    EXPECT_EQ(s.manifest.sha256, fakeSha(s.body));
    const std::string& tk = s.manifest.scope.occupationCode == "4-04-05-01" ? kSocialKey : kQualKey;
    EXPECT_EQ(s.key, "zzjb1-" + fakeSha("batch\n12310104MB2F000081\n" + tk + "\n" +
                                        s.manifest.sha256))
        << "the key is derived from the step, school, target and the file's hash";
  }
  EXPECT_EQ(platform.submissions.size(), 4U);  // 10 → 4 + 4 + 2, and 4

  // Account registered once with the 附件2 data, permission applied for once.
  ASSERT_EQ(platform.accountPuts.size(), 1U);
  EXPECT_EQ(platform.accountPuts[0].schoolName, "示范学校");
  EXPECT_EQ(platform.accountPuts[0].operatorKeyId, "key-1");
  EXPECT_FALSE(platform.accountPuts[0].dualCertificateProgram);
  ASSERT_EQ(platform.applications.size(), 1U);
  EXPECT_EQ(platform.applications[0].scope.node, "社会评价组织等级认定");
  ASSERT_EQ(platform.applications[0].attachments.size(), 1U);
  EXPECT_EQ(platform.applications[0].attachments[0].key, "evaluationOrgContact");
  EXPECT_EQ(o.creatingRequests, 6U);

  const TargetOutcome* social = targetOf(o, kSocialKey);
  ASSERT_NE(social, nullptr);
  EXPECT_EQ(social->phase, TargetPhase::UpToDate) << social->detail;
  EXPECT_EQ(social->eligible, 10U);
  EXPECT_EQ(social->sent, 10U);
  EXPECT_EQ(social->accepted, 9U);
  EXPECT_EQ(social->rejected, 1U);
  EXPECT_EQ(social->pending, 0U);
  const TargetOutcome* qual = targetOf(o, kQualKey);
  ASSERT_NE(qual, nullptr);
  EXPECT_EQ(qual->phase, TargetPhase::UpToDate);
  EXPECT_EQ(qual->accepted, 4U);

  EXPECT_EQ(recordsWith(DeclarationResult::Accepted), 13U);
  EXPECT_EQ(recordsWith(DeclarationResult::Rejected), 1U);
  auto account = store->accountStatus("s1");
  ASSERT_TRUE(account && *account);
  EXPECT_EQ(**account, AccountStatus::Active);
  auto app = store->application("s1", kSocialKey);
  ASSERT_TRUE(app && *app);
  EXPECT_EQ((*app)->status, ApplicationStatus::Approved);
  auto last = store->lastPass("s1");
  ASSERT_TRUE(last && *last);
  EXPECT_EQ((*last)->outcome, SchoolOutcomeKind::Progressed);
  EXPECT_EQ((*last)->creatingRequests, 6U);
  EXPECT_GT(clock.slept().count(), 0) << "polls wait between attempts";
}

TEST_F(Engine, SheetHasTheFifteenStandardColumnsThenThePluginsColumns) {
  (void)pass();
  const FakePlatform::Submission* social = firstSubmissionFor("4-04-05-01");
  ASSERT_NE(social, nullptr);
  const auto& first = *social;
  auto sheet = parseFakeXlsx(first.body);
  ASSERT_GE(sheet.size(), 2U);
  const auto standard = plugin::standardSheet(plugin::Scope::Occupation);
  ASSERT_EQ(sheet[0].size(), standard.size() + 1);
  for (std::size_t i = 0; i < standard.size(); ++i) EXPECT_EQ(sheet[0][i], standard[i].header);
  EXPECT_EQ(sheet[0][15], "评价组织");
  const auto& row = sheet[1];
  EXPECT_EQ(row[0], "1");
  EXPECT_EQ(row[1], rows[0].name);
  EXPECT_EQ(row[2], "居民身份证");
  EXPECT_EQ(row[3], rows[0].id);
  EXPECT_EQ(row[4], rows[0].gender);
  EXPECT_EQ(row[5], "2008-05-12");
  EXPECT_EQ(row[6], "13812345678");
  EXPECT_EQ(row[7], "中专");
  EXPECT_EQ(row[8], "在校生");
  EXPECT_EQ(row[9], "计算机应用");
  EXPECT_EQ(row[10], "2401班");
  EXPECT_EQ(row[11], "2027");
  EXPECT_EQ(row[12], "计算机程序设计员");
  EXPECT_EQ(row[13], "4-04-05-01");
  EXPECT_EQ(row[14], "4");
  EXPECT_EQ(row[15], "信息评价中心");
  EXPECT_EQ(sheet[2][0], "2");
}

TEST_F(Engine, SecondPassIsUpToDateWithZeroPlatformCalls) {
  ASSERT_EQ(pass().kind, SchoolOutcomeKind::Progressed);
  platform.calls.clear();
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::UpToDate) << o.summary();
  EXPECT_EQ(platform.total(), 0) << "not even a login";
  EXPECT_FALSE(o.loggedIn);
  EXPECT_EQ(o.creatingRequests, 0U);
  for (const auto& t : o.targets) {
    EXPECT_EQ(t.phase, TargetPhase::UpToDate) << t.targetKey;
    EXPECT_EQ(t.sent, 0U);
  }
  EXPECT_EQ(targetOf(o, kSocialKey)->accepted, 9U);
  auto last = store->lastPass("s1");
  ASSERT_TRUE(last && *last);
  EXPECT_EQ((*last)->outcome, SchoolOutcomeKind::UpToDate);
}

// The up-to-date plan is cheap: the store is asked once for what is open and once per target for
// its records, and the end of the pass reuses that read (nothing was sent, nothing changed).
TEST_F(Engine, UpToDatePassReadsEachTargetsRecordsOnce) {
  ASSERT_EQ(pass().kind, SchoolOutcomeKind::Progressed);
  CountingStore counting(*store);
  storeOverride = &counting;
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::UpToDate) << o.summary();
  EXPECT_EQ(counting.calls["students"], 2) << "one read per target, no second read at the end";
  EXPECT_EQ(counting.calls["pendingIntents"], 1);
  EXPECT_EQ(counting.calls["openBatches"], 1);
  EXPECT_EQ(counting.calls["accountStatus"], 1);
  // The NOT_GRADUATING row (a reason the roster fixes) is checked for a correction; no other.
  EXPECT_EQ(counting.calls["studentsNotYetDeclared"], 1);
  EXPECT_EQ(counting.calls["recordPass"], 1);
  // Whether the records made before plugin ABI 2 were adopted already (they were, on the first
  // pass): one fact, no renaming.
  EXPECT_EQ(counting.calls["fact"], 1);
  EXPECT_EQ(counting.calls["renameTarget"], 0);
  int total = 0;
  for (const auto& [m, n] : counting.calls) total += n;
  EXPECT_EQ(total, 8) << "nothing else";
}

// Records made before plugin ABI 2 are under keys without the type ("4-04-05-01/4/…"): the first
// pass after the upgrade moves them to the typed key of the one target they belong to, so nothing
// is declared again; later passes do not look again.
TEST_F(Engine, RecordsUnderAKeyWithoutTheTypeAreAdoptedOnceAndNothingIsDeclaredAgain) {
  ASSERT_EQ(pass().kind, SchoolOutcomeKind::Progressed);
  const std::size_t sent = platform.submissions.size();
  ASSERT_GT(sent, 0U);
  // The store as the version before ABI 2 left it.
  for (const std::string& key : {kSocialKey, kQualKey}) {
    const std::string legacy = key.substr(key.find(':') + 1);
    auto moved = store->renameTarget("s1", key, legacy);
    ASSERT_TRUE(moved && *moved) << key;
  }
  ASSERT_TRUE(store->putFact("s1", "targetKeys", ""));
  auto before = store->students("s1", kSocialKey);
  ASSERT_TRUE(before);
  EXPECT_TRUE(before->empty());

  CountingStore counting(*store);
  storeOverride = &counting;
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::UpToDate) << o.summary();
  EXPECT_EQ(platform.submissions.size(), sent) << "nothing declared again";
  EXPECT_EQ(counting.calls["renameTarget"], 2);
  auto after = store->students("s1", kSocialKey);
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->empty());
  auto fact = store->fact("s1", "targetKeys");
  ASSERT_TRUE(fact && fact->has_value());
  EXPECT_EQ(**fact, "typed");

  counting.calls.clear();
  (void)pass();
  EXPECT_EQ(counting.calls["renameTarget"], 0) << "adopted once";
}

// ---- recovering after a crash ------------------------------------------------------------------

// An exception out of a step is the pass's one stop reason (internal), not a store error.
TEST_F(Engine, AnExceptionInAStepFailsTheSchoolAndSaysItWasInternal) {
  hook = [](std::string_view point) {
    if (point == "intent-committed:account") throw std::runtime_error("simulated bug");
  };
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::Failed);
  ASSERT_FALSE(o.findings.empty());
  EXPECT_EQ(o.findings.back().code, "ENGINE_INTERNAL");
  for (const auto& t : o.targets) {
    EXPECT_EQ(t.phase, TargetPhase::Failed) << t.targetKey;
    EXPECT_NE(t.detail.find("内部错误"), std::string::npos) << t.detail;
  }
  hook = nullptr;
  EXPECT_EQ(pass().kind, SchoolOutcomeKind::Progressed) << "the next pass completes";
  for (const auto& [id, n] : rowsSentPerId()) EXPECT_EQ(n, 1) << maskId(id);
}

TEST_F(Engine, PendingBatchFoundByItsKeyIsRecordedWithoutResending) {
  bool crashed = false;
  hook = [&](std::string_view point) {
    if (point == "response-received:batch" && !crashed) {
      crashed = true;
      throw std::runtime_error("simulated crash");
    }
  };
  SchoolOutcome first = pass();
  EXPECT_EQ(first.kind, SchoolOutcomeKind::Failed);
  ASSERT_EQ(platform.submissions.size(), 1U) << "the platform got the batch before the crash";
  auto pending = store->pendingIntents("s1");
  ASSERT_TRUE(pending.has_value());
  ASSERT_EQ(pending->size(), 1U);
  const std::string key = (*pending)[0].intent.key;
  EXPECT_EQ(key, platform.submissions[0].key);

  hook = nullptr;
  SchoolOutcome second = pass();
  EXPECT_EQ(second.kind, SchoolOutcomeKind::Progressed) << second.summary();
  EXPECT_EQ(platform.count("findBatch"), 1);
  long withKey = std::count_if(platform.submissions.begin(), platform.submissions.end(),
                               [&](const auto& s) { return s.key == key; });
  EXPECT_EQ(withKey, 1) << "found by key: not sent again";
  EXPECT_EQ(platform.count("submitDeclarations"), 4);
  for (const auto& [id, n] : rowsSentPerId()) EXPECT_EQ(n, 1) << maskId(id);
  EXPECT_EQ(recordsWith(DeclarationResult::Accepted) + recordsWith(DeclarationResult::Rejected),
            rows.size());
  auto still = store->pendingIntents("s1");
  ASSERT_TRUE(still.has_value());
  EXPECT_TRUE(still->empty());
}

TEST_F(Engine, PendingBatchNotFoundIsResentWithTheSameKeyAndTheSameBytes) {
  bool crashed = false;
  std::string bytesAtCrash;
  hook = [&](std::string_view point) {
    if (point == "intent-committed:batch" && !crashed) {
      crashed = true;
      bytesAtCrash = written.back();
      throw std::runtime_error("simulated crash");
    }
  };
  EXPECT_EQ(pass().kind, SchoolOutcomeKind::Failed);
  EXPECT_TRUE(platform.submissions.empty()) << "the crash came before the request";
  auto pending = store->pendingIntents("s1");
  ASSERT_TRUE(pending.has_value());
  ASSERT_EQ(pending->size(), 1U);
  const std::string key = (*pending)[0].intent.key;
  EXPECT_EQ((*pending)[0].intent.requestSummary.find(rows[0].id), std::string::npos);

  hook = nullptr;
  SchoolOutcome second = pass();
  EXPECT_EQ(second.kind, SchoolOutcomeKind::Progressed) << second.summary();
  EXPECT_EQ(platform.count("findBatch"), 1);
  ASSERT_FALSE(platform.submissions.empty());
  EXPECT_EQ(platform.submissions[0].key, key) << "re-sent under its original key";
  EXPECT_EQ(platform.submissions[0].body, bytesAtCrash) << "the same bytes";
  EXPECT_EQ(platform.submissions[0].manifest.sha256, fakeSha(bytesAtCrash));
  for (const auto& [id, n] : rowsSentPerId()) EXPECT_EQ(n, 1) << maskId(id);
  EXPECT_EQ(rowsSentPerId().size(), rows.size());
}

TEST_F(Engine, PendingBatchWithStudentsNoLongerEligibleSendsTheRestUnderItsKeyWithAWarning) {
  crashAtFirstBatchOf(kSocialKey);
  EXPECT_EQ(pass().kind, SchoolOutcomeKind::Failed);
  auto pending = store->pendingIntents("s1");
  ASSERT_EQ(pending->size(), 1U);
  const std::string key = (*pending)[0].intent.key;
  const std::string gone = rows[0].id;
  rows.erase(rows.begin());  // left the school: no longer in the roster
  evaluate();

  hook = nullptr;
  events.clear();
  (void)pass();
  const FakePlatform::Submission* resent = firstSubmissionFor("4-04-05-01");
  ASSERT_NE(resent, nullptr);
  EXPECT_EQ(resent->key, key);
  EXPECT_EQ(parseFakeXlsx(resent->body).size() - 1, 3U) << "the other three";
  EXPECT_EQ(rowsSentPerId().count(gone), 0U);
  bool warned = std::any_of(events.begin(), events.end(), [](const EngineEvent& e) {
    return e.kind == EngineEvent::Kind::Warning &&
           e.message.find("已不再符合申报条件") != std::string::npos;
  });
  EXPECT_TRUE(warned);
  for (const auto& [id, n] : rowsSentPerId()) EXPECT_EQ(n, 1) << maskId(id);
}

TEST_F(Engine, StudentLeftOutOfAReSentBatchIsForgottenAndDeclaredWhenBackInTheRoster) {
  crashAtFirstBatchOf(kSocialKey);
  EXPECT_EQ(pass().kind, SchoolOutcomeKind::Failed);
  const RosterRow gone = rows[0];
  ASSERT_TRUE(recordOf(gone.id, kSocialKey).has_value()) << "PENDING in the unanswered batch";
  rows.erase(rows.begin());  // left out of the roster for a while
  evaluate();
  hook = nullptr;
  (void)pass();
  const FakePlatform::Submission* resent = firstSubmissionFor("4-04-05-01");
  ASSERT_NE(resent, nullptr);
  EXPECT_EQ(parseFakeXlsx(resent->body).size() - 1, 3U);
  EXPECT_EQ(rowsSentPerId().count(gone.id), 0U);
  EXPECT_FALSE(recordOf(gone.id, kSocialKey).has_value())
      << "not SENT with a batch that never carried it";
  EXPECT_EQ(recordsWith(DeclarationResult::Pending) + recordsWith(DeclarationResult::Sent), 0U);

  rows.insert(rows.begin(), gone);  // back in the roster
  evaluate();
  SchoolOutcome back = pass();
  EXPECT_EQ(back.kind, SchoolOutcomeKind::Progressed) << back.summary();
  EXPECT_EQ(rowsSentPerId()[gone.id], 1);
  auto rec = recordOf(gone.id, kSocialKey);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->result, DeclarationResult::Accepted);
  EXPECT_EQ(targetOf(back, kSocialKey)->phase, TargetPhase::UpToDate);
  for (const auto& [id, n] : rowsSentPerId()) EXPECT_EQ(n, 1) << maskId(id);
}

TEST_F(Engine, SupersededBatchForgetsItsPendingStudentsSoNothingStaysPendingForever) {
  crashAtFirstBatchOf(kSocialKey);
  EXPECT_EQ(pass().kind, SchoolOutcomeKind::Failed);
  ASSERT_EQ(recordsWith(DeclarationResult::Pending), 4U);
  const std::vector<RosterRow> all = rows;
  rows.erase(rows.begin(), rows.begin() + 4);  // none of the batch's students is eligible
  evaluate();
  hook = nullptr;
  events.clear();
  (void)pass();
  EXPECT_TRUE(warned("不再重发"));
  EXPECT_EQ(recordsWith(DeclarationResult::Pending), 0U) << "nothing PENDING forever";
  EXPECT_TRUE(store->pendingIntents("s1")->empty());
  for (std::size_t i = 0; i < 4; ++i) EXPECT_FALSE(recordOf(all[i].id, kSocialKey).has_value());

  rows = all;
  evaluate();
  SchoolOutcome back = pass();
  EXPECT_EQ(targetOf(back, kSocialKey)->phase, TargetPhase::UpToDate) << back.summary();
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(rowsSentPerId()[all[i].id], 1);
  EXPECT_EQ(recordsWith(DeclarationResult::Accepted) + recordsWith(DeclarationResult::Rejected),
            rows.size());
}

TEST_F(Engine, PendingApplicationFoundByItsKeyIsNotAppliedForAgain) {
  bool crashed = false;
  hook = [&](std::string_view point) {
    if (point == "response-received:application" && !crashed) {
      crashed = true;
      throw std::runtime_error("simulated crash");
    }
  };
  EXPECT_EQ(pass().kind, SchoolOutcomeKind::Failed);
  hook = nullptr;
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::Progressed) << o.summary();
  EXPECT_EQ(platform.count("findApplication"), 1);
  EXPECT_EQ(platform.count("applyForPermission"), 1) << "applied for once, ever";
  EXPECT_EQ(targetOf(o, kSocialKey)->phase, TargetPhase::UpToDate);
}

// ---- permissions -------------------------------------------------------------------------------

TEST_F(Engine, RejectedApplicationIsExplainedByThePluginAndNeverAppliedForAgain) {
  platform.rejectApplications = true;
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::Waiting) << o.summary();
  const TargetOutcome* social = targetOf(o, kSocialKey);
  ASSERT_NE(social, nullptr);
  EXPECT_EQ(social->phase, TargetPhase::PermissionRejected);
  EXPECT_EQ(social->detail, "插件解释：评价组织未备案该职业");
  EXPECT_EQ(social->hint, "插件建议：与评价组织核对备案信息");
  EXPECT_FALSE(sentFor("4-04-05-01")) << "its students are never sent";
  EXPECT_EQ(targetOf(o, kQualKey)->phase, TargetPhase::UpToDate) << "the other target goes on";

  SchoolOutcome again = pass();
  EXPECT_EQ(platform.count("applyForPermission"), 1) << "never re-applied";
  EXPECT_EQ(targetOf(again, kSocialKey)->phase, TargetPhase::PermissionRejected);
  EXPECT_EQ(targetOf(again, kSocialKey)->detail, "插件解释：评价组织未备案该职业");
  EXPECT_FALSE(sentFor("4-04-05-01"));
  auto app = store->application("s1", kSocialKey);
  ASSERT_TRUE(app && *app);
  EXPECT_EQ((*app)->status, ApplicationStatus::Rejected);
}

TEST_F(Engine, ApplicationStillUnderReviewIsPolledAndWaitedFor) {
  platform.reviewAfterPolls = 100;
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::Waiting);
  EXPECT_EQ(targetOf(o, kSocialKey)->phase, TargetPhase::PermissionUnderReview);
  EXPECT_EQ(platform.count("application"), 3) << "pollAttempts";
  platform.reviewAfterPolls = 4;
  SchoolOutcome next = pass();
  EXPECT_EQ(platform.count("applyForPermission"), 1);
  EXPECT_EQ(targetOf(next, kSocialKey)->phase, TargetPhase::UpToDate);
}

// ---- waiting together ---------------------------------------------------------------------------

// Against the mock's default policies (an application decided at its 2nd poll, a batch DONE at
// its 2nd), at a 250 ms first wait: the application is polled at 250 and 750 ms (approved), its
// target's three batches go at once and are polled with the other target's at 1000 and 1500 ms.
TEST_F(Engine, FreshSchoolWaitsForEverythingTogetherWithBackoff) {
  platform.reviewAfterPolls = 2;
  platform.batchDoneAfterPolls = 2;
  tune = [](EngineOptions& o) {
    o.pollAttempts = 8;
    o.pollIntervalMs = 250;
    o.pollMaxIntervalMs = 4000;
    o.pollBudgetMs = 15000;
  };
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::Progressed) << o.summary();
  for (const auto& t : o.targets) EXPECT_EQ(t.phase, TargetPhase::UpToDate) << t.targetKey;
  EXPECT_EQ(clock.slept(), std::chrono::milliseconds(250 + 500 + 250 + 500));
  EXPECT_EQ(platform.count("application"), 2);
  EXPECT_EQ(platform.count("batch"), 2 * 4) << "each of the 4 batches polled twice";
}

// What the platform is still processing when the budget is spent is left to the next pass:
// WAITING, not FAILED, and nothing is sent again.
TEST_F(Engine, BatchesStillProcessingWhenTheBudgetIsSpentAreLeftToTheNextPass) {
  platform.batchDoneAfterPolls = 100;
  tune = [](EngineOptions& o) {
    o.pollAttempts = 50;
    o.pollIntervalMs = 100;
    o.pollMaxIntervalMs = 400;
    o.pollBudgetMs = 2000;
  };
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::Waiting) << o.summary();
  EXPECT_FALSE(o.failure.has_value());
  for (const auto& t : o.targets) EXPECT_EQ(t.phase, TargetPhase::Declaring) << t.targetKey;
  EXPECT_LE(clock.slept(), std::chrono::milliseconds(2000));
  EXPECT_GE(clock.slept(), std::chrono::milliseconds(1500));
  // Waits 100, 200, 400, 400 …: never more than the cap between two polls of one batch.
  EXPECT_EQ(store->openBatches("s1")->size(), 4U);
  EXPECT_EQ(recordsWith(DeclarationResult::Sent), rows.size());

  platform.batchDoneAfterPolls = 1;
  const auto before = clock.slept();
  SchoolOutcome next = pass();
  EXPECT_EQ(next.kind, SchoolOutcomeKind::Progressed) << next.summary();
  EXPECT_EQ(clock.slept(), before) << "batches open from before are polled at once";
  EXPECT_TRUE(store->openBatches("s1")->empty());
  for (const auto& [id, n] : rowsSentPerId()) EXPECT_EQ(n, 1) << maskId(id);
}

TEST_F(Engine, ApplicationUnderReviewIsWaitedForWithinTheBudgetOnly) {
  platform.reviewAfterPolls = 1000;
  tune = [](EngineOptions& o) {
    o.pollAttempts = 1000;
    o.pollIntervalMs = 250;
    o.pollMaxIntervalMs = 1000;
    o.pollBudgetMs = 5000;
  };
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::Waiting) << o.summary();
  EXPECT_EQ(targetOf(o, kSocialKey)->phase, TargetPhase::PermissionUnderReview);
  EXPECT_EQ(targetOf(o, kQualKey)->phase, TargetPhase::UpToDate) << "the other target went on";
  // Polls at 250, 750, 1750, 2750, 3750, 4750; the next would be at 5750.
  EXPECT_EQ(platform.count("application"), 6);
  EXPECT_EQ(clock.slept(), std::chrono::milliseconds(4750));
}

TEST_F(Engine, GrantedByCentreNotGrantedWaitsWithThePluginsRequest) {
  platform.granted.clear();
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::Waiting) << o.summary();
  const TargetOutcome* qual = targetOf(o, kQualKey);
  ASSERT_NE(qual, nullptr);
  EXPECT_EQ(qual->phase, TargetPhase::PermissionNotGranted);
  EXPECT_EQ(qual->detail, kPermissionRequest);
  EXPECT_FALSE(sentFor("4-12-01-01"));
  EXPECT_EQ(platform.applications.size(), 1U) << "only the social-org target is applied for";
  auto app = store->application("s1", kQualKey);
  ASSERT_TRUE(app && *app);
  EXPECT_EQ((*app)->status, ApplicationStatus::NotGranted);

  platform.granted.push_back({qualificationScope(), "t"});
  SchoolOutcome next = pass();
  EXPECT_EQ(targetOf(next, kQualKey)->phase, TargetPhase::UpToDate);
  EXPECT_EQ(targetOf(next, kQualKey)->accepted, 4U);
  app = store->application("s1", kQualKey);
  EXPECT_EQ((*app)->status, ApplicationStatus::Granted);
}

// A type whose matter needs no permission is declared without asking for one: no application,
// no wait for the centre, no permission listing needed for it.
TEST_F(Engine, ATypeWithoutAPermissionIsDeclaredDirectly) {
  school.majors[2].targets[0].type = "no-permission";
  evaluate();
  platform.granted.clear();
  platform.mattersWithoutPermission = {"免申请事项"};
  SchoolOutcome o = pass();
  const TargetOutcome* t = targetOf(o, "no-permission:4-12-01-01/4/-");
  ASSERT_NE(t, nullptr) << o.summary();
  EXPECT_EQ(t->phase, TargetPhase::UpToDate) << o.summary();
  EXPECT_EQ(t->accepted, 4U);
  EXPECT_TRUE(sentFor("4-12-01-01"));
  EXPECT_EQ(platform.applications.size(), 1U) << "only the social-org target is applied for";
  auto app = store->application("s1", "no-permission:4-12-01-01/4/-");
  ASSERT_TRUE(app);
  EXPECT_FALSE(app->has_value()) << "nothing recorded as an application";
}

TEST_F(Engine, AccountPendingAtTheCentreLeavesEveryTargetWaiting) {
  platform.statusAfterPut = AccountStatus::PendingCentre;
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::Waiting);
  for (const auto& t : o.targets) {
    EXPECT_EQ(t.phase, TargetPhase::WaitingForAccount);
    EXPECT_EQ(t.detail, "开户申请待市职鉴中心受理，请将附件2盖章后递交");
  }
  EXPECT_EQ(platform.count("permissions"), 0);
  EXPECT_TRUE(platform.submissions.empty());
  auto account = store->accountStatus("s1");
  EXPECT_EQ(**account, AccountStatus::PendingCentre);
  (void)pass();
  EXPECT_EQ(platform.count("putAccount"), 1) << "registered once";
}

// ---- failures ----------------------------------------------------------------------------------

TEST_F(Engine, UnavailableMidPassFailsTheSchoolAndTheNextPassCompletesWithoutDuplicates) {
  platform.failOn["submitDeclarations"][2] =
      failure(PlatformFailureKind::Unavailable, 503, "MAINTENANCE", "系统维护中");
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::Failed);
  ASSERT_TRUE(o.failure.has_value());
  EXPECT_EQ(o.failure->kind, PlatformFailureKind::Unavailable);
  EXPECT_EQ(platform.submissions.size(), 1U);
  // Batches are polled once everything that can go has gone: the one accepted is still open.
  EXPECT_EQ(recordsWith(DeclarationResult::Sent), 4U) << "the accepted batch's rows, still open";
  EXPECT_EQ(store->openBatches("s1")->size(), 1U);
  EXPECT_EQ(recordsWith(DeclarationResult::Pending), 4U) << "the unanswered batch's rows";
  auto last = store->lastPass("s1");
  EXPECT_EQ((*last)->outcome, SchoolOutcomeKind::Failed);

  SchoolOutcome next = pass();
  EXPECT_EQ(next.kind, SchoolOutcomeKind::Progressed) << next.summary();
  EXPECT_FALSE(next.failure.has_value());
  auto sent = rowsSentPerId();
  EXPECT_EQ(sent.size(), rows.size());
  for (const auto& [id, n] : sent) EXPECT_EQ(n, 1) << maskId(id);
  for (const auto& [id, b] : platform.batches) {
    for (const auto& r : b.state.rows) EXPECT_NE(r.reason, "DUPLICATE");
  }
  EXPECT_EQ(recordsWith(DeclarationResult::Accepted), 13U);
  EXPECT_EQ(recordsWith(DeclarationResult::Pending) + recordsWith(DeclarationResult::Sent), 0U);
}

TEST_F(Engine, FinalRefusalOnOneTargetDoesNotStopTheOther) {
  platform.refuseSubmit = [](const DeclarationManifest& m) -> std::optional<PlatformFailure> {
    if (m.scope.occupationCode != "4-04-05-01") return std::nullopt;
    PlatformFailure f = failure(PlatformFailureKind::Final, 403, "PERMISSION_REQUIRED",
                                "没有该职业等级的团体申报权限");
    f.endpoint = "POST /api/v1/skills/group-declarations";
    return f;
  };
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::Failed);
  EXPECT_FALSE(o.failure.has_value()) << "the school was not stopped";
  const TargetOutcome* social = targetOf(o, kSocialKey);
  EXPECT_EQ(social->phase, TargetPhase::Failed);
  EXPECT_NE(social->detail.find("没有该职业等级的团体申报权限"), std::string::npos);
  EXPECT_FALSE(social->hint.empty());
  const TargetOutcome* qual = targetOf(o, kQualKey);
  EXPECT_EQ(qual->phase, TargetPhase::UpToDate);
  EXPECT_EQ(qual->accepted, 4U);
  EXPECT_FALSE(o.findings.empty());
  EXPECT_EQ(o.findings[0].code, "PLATFORM_PERMISSION_REQUIRED");

  platform.refuseSubmit = nullptr;
  SchoolOutcome next = pass();
  EXPECT_EQ(targetOf(next, kSocialKey)->phase, TargetPhase::UpToDate) << next.summary();
  for (const auto& [id, n] : rowsSentPerId()) EXPECT_EQ(n, 1) << maskId(id);
}

TEST_F(Engine, IdentityFailureAtLoginStopsTheSchoolBeforeAnyRequest) {
  platform.failOn["login"][1] =
      failure(PlatformFailureKind::Identity, 401, "KEYID_MISMATCH", "keyID 不符");
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::Failed);
  ASSERT_TRUE(o.failure.has_value());
  EXPECT_EQ(o.failure->code, "KEYID_MISMATCH");
  EXPECT_EQ(platform.total(), 1);
  EXPECT_FALSE(o.loggedIn);
}

TEST_F(Engine, UnknownRowsOfADoneBatchAreWarnedAboutAndSkipped) {
  platform.extraRowId = idFor(700, true);
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::Progressed) << o.summary();
  bool warned = std::any_of(events.begin(), events.end(), [&](const EngineEvent& e) {
    return e.kind == EngineEvent::Kind::Warning &&
           e.message.find(maskId(platform.extraRowId)) != std::string::npos &&
           e.message.find("状态库中没有学生") != std::string::npos;
  });
  EXPECT_TRUE(warned);
  EXPECT_EQ(recordsWith(DeclarationResult::Accepted), 13U);
}

TEST_F(Engine, DoneBatchMissingRowsStaysOpenAndIsPolledAgainUntilEveryRowIsRecorded) {
  bool altered = false;
  platform.alterDoneAnswer = [&](BatchState& b) {
    if (altered || b.rows.size() < 2) return;
    altered = true;
    b.rows.pop_back();  // two rows missing from the answer
    b.rows.pop_back();
  };
  SchoolOutcome o = pass();
  EXPECT_TRUE(altered);
  EXPECT_EQ(recordsWith(DeclarationResult::Sent), 2U) << "the two rows without a result";
  EXPECT_TRUE(warned("该批次保留"));
  auto open = store->openBatches("s1");
  ASSERT_TRUE(open.has_value());
  ASSERT_EQ(open->size(), 1U) << "not DONE: polled again";
  ASSERT_NE(targetOf(o, (*open)[0].targetKey), nullptr);
  EXPECT_NE(targetOf(o, (*open)[0].targetKey)->phase, TargetPhase::UpToDate);

  SchoolOutcome next = pass();
  EXPECT_EQ(next.kind, SchoolOutcomeKind::Progressed) << next.summary();
  EXPECT_EQ(recordsWith(DeclarationResult::Pending) + recordsWith(DeclarationResult::Sent), 0U);
  EXPECT_EQ(recordsWith(DeclarationResult::Accepted) + recordsWith(DeclarationResult::Rejected),
            rows.size());
  EXPECT_TRUE(store->openBatches("s1")->empty());
  for (const auto& [id, n] : rowsSentPerId()) EXPECT_EQ(n, 1) << maskId(id) << " not re-sent";

  platform.calls.clear();
  EXPECT_EQ(pass().kind, SchoolOutcomeKind::UpToDate);
  EXPECT_EQ(platform.total(), 0);
}

TEST_F(Engine, LookupByKeyAnsweringDoneWithoutRowsFetchesTheBatchBeforeRecording) {
  bool crashed = false;
  hook = [&](std::string_view point) {
    if (point == "response-received:batch" && !crashed) {
      crashed = true;
      throw std::runtime_error("simulated crash");
    }
  };
  EXPECT_EQ(pass().kind, SchoolOutcomeKind::Failed);
  ASSERT_EQ(platform.submissions.size(), 1U);
  hook = nullptr;
  platform.lookupDoneWithoutRows = true;
  events.clear();
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::Progressed) << o.summary();
  EXPECT_EQ(platform.count("findBatch"), 1);
  EXPECT_GE(platform.count("batch"), 1) << "the batch itself was read for its rows";
  EXPECT_FALSE(warned("stays open"));
  EXPECT_EQ(recordsWith(DeclarationResult::Pending) + recordsWith(DeclarationResult::Sent), 0U);
  EXPECT_EQ(recordsWith(DeclarationResult::Accepted) + recordsWith(DeclarationResult::Rejected),
            rows.size());
  EXPECT_TRUE(store->openBatches("s1")->empty());
  for (const auto& [id, n] : rowsSentPerId()) EXPECT_EQ(n, 1) << maskId(id);
}

TEST_F(Engine, RowsRecordedCountsFinalRowsOfTheTargetsEligibleStudents) {
  (void)pass();
  std::vector<std::pair<std::size_t, std::size_t>> social;
  for (const auto& e : events) {
    if (e.kind == EngineEvent::Kind::RowsRecorded && e.targetKey == kSocialKey) {
      social.emplace_back(e.count, e.total);
    }
  }
  ASSERT_EQ(social.size(), 3U);  // 4 + 4 + 2
  EXPECT_EQ(social[0], (std::pair<std::size_t, std::size_t>{4, 10}));
  EXPECT_EQ(social[1], (std::pair<std::size_t, std::size_t>{8, 10}));
  EXPECT_EQ(social[2], (std::pair<std::size_t, std::size_t>{10, 10}));
}

// ---- corrected roster rows ---------------------------------------------------------------------

TEST_F(Engine, RowRejectedForWhatTheRosterFixesIsDeclaredAgainOnceCorrected) {
  ASSERT_EQ(pass().kind, SchoolOutcomeKind::Progressed);
  const std::string id = rows[2].id;  // 退学生: NOT_GRADUATING
  auto rec = recordOf(id, kSocialKey);
  ASSERT_TRUE(rec.has_value());
  ASSERT_EQ(rec->result, DeclarationResult::Rejected);
  ASSERT_EQ(rec->reason, "NOT_GRADUATING");

  // The same roster again: nothing is sent, not even a login (no loop on a rejection).
  platform.calls.clear();
  EXPECT_EQ(pass().kind, SchoolOutcomeKind::UpToDate);
  EXPECT_EQ(platform.total(), 0);

  // The row corrected (the ID number stays the same): declared again, this row only.
  rows[2].name = "学生三";
  evaluate();
  const std::size_t before = platform.submissions.size();
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::Progressed) << o.summary();
  ASSERT_EQ(platform.submissions.size(), before + 1);
  auto sheet = parseFakeXlsx(platform.submissions.back().body);
  ASSERT_EQ(sheet.size(), 2U);
  EXPECT_EQ(sheet[1].at(3), id);
  EXPECT_EQ(sheet[1].at(1), "学生三");
  rec = recordOf(id, kSocialKey);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->result, DeclarationResult::Accepted);
  EXPECT_EQ(targetOf(o, kSocialKey)->accepted, 10U);
  EXPECT_EQ(targetOf(o, kSocialKey)->rejected, 0U);
  EXPECT_EQ(targetOf(o, kSocialKey)->phase, TargetPhase::UpToDate);

  platform.calls.clear();
  EXPECT_EQ(pass().kind, SchoolOutcomeKind::UpToDate);
  EXPECT_EQ(platform.total(), 0);
}

TEST_F(Engine, ChangedRowRejectedAgainIsNotResentUntilItChangesAgain) {
  (void)pass();
  const std::string id = rows[2].id;
  rows[2].name = "退学生乙";  // changed, still rejected
  evaluate();
  (void)pass();
  EXPECT_EQ(rowsSentPerId()[id], 2);
  EXPECT_EQ(recordOf(id, kSocialKey)->result, DeclarationResult::Rejected);
  platform.calls.clear();
  EXPECT_EQ(pass().kind, SchoolOutcomeKind::UpToDate);
  EXPECT_EQ(platform.total(), 0) << "the same rejected row is never sent twice";
  EXPECT_EQ(rowsSentPerId()[id], 2);
}

TEST_F(Engine, DuplicateRejectionStaysFinalEvenWhenTheRowChanges) {
  const std::string id = rows[0].id;
  platform.declaredIds["4-04-05-01/4"].push_back(id);  // declared before, elsewhere
  (void)pass();
  auto rec = recordOf(id, kSocialKey);
  ASSERT_TRUE(rec.has_value());
  ASSERT_EQ(rec->reason, "DUPLICATE");
  rows[0].name = "学生改名";
  evaluate();
  platform.calls.clear();
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::UpToDate) << o.summary();
  EXPECT_EQ(platform.total(), 0);
  EXPECT_EQ(rowsSentPerId()[id], 1);
}

// Issue 16: after a lost store the repeat of an accepted student is refused as DUPLICATE; the
// school's own declaration on the platform is the student's result, not the refusal.
TEST_F(Engine, AfterALostStoreARepeatRefusedAsDuplicateIsRecordedWithThePlatformsResult) {
  const std::string id = rows[0].id;
  (void)pass();
  auto first = recordOf(id, kSocialKey);
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->result, DeclarationResult::Accepted);
  // The store is lost; the roster row changed meanwhile, so its batch is not a repeat of the
  // earlier request (another idempotency key): the platform judges it again.
  auto fresh = store::openSqliteStore(dir.path() / "new.db");
  ASSERT_TRUE(fresh.has_value());
  store = std::move(*fresh);
  rows[0].name = "学生改名";
  evaluate();
  SchoolOutcome o = pass();
  EXPECT_NE(o.kind, SchoolOutcomeKind::Failed) << o.summary();
  bool refused = false;
  for (const auto& [batchId, b] : platform.batches) {
    for (const auto& r : b.state.rows) refused = refused || (r.idNumber == id && r.reason == "DUPLICATE");
  }
  ASSERT_TRUE(refused) << "the platform refused the repeat";
  auto again = recordOf(id, kSocialKey);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->result, DeclarationResult::Accepted);
  EXPECT_EQ(again->reason, "");
  EXPECT_EQ(again->declarationNo, first->declarationNo);
  EXPECT_GE(platform.calls["declarations"], 1);
}

TEST_F(Engine, DryRunShowsTheCorrectedRowItWouldDeclare) {
  (void)pass();
  rows[2].name = "学生三";
  evaluate();
  platform.calls.clear();
  SchoolOutcome o = pass(/*dryRun=*/true);
  EXPECT_EQ(platform.total(), 0);
  const TargetOutcome* social = targetOf(o, kSocialKey);
  ASSERT_NE(social, nullptr);
  ASSERT_EQ(social->wouldSend.size(), 1U);
  EXPECT_NE(social->wouldSend[0].find("，1 人（"), std::string::npos) << social->wouldSend[0];
}

TEST_F(Engine, SchoolWithDataErrorsIsSkippedWithoutAnyRequest) {
  rows[1].id.back() = rows[1].id.back() == '0' ? '1' : '0';
  evaluate();
  SchoolOutcome o = pass();
  EXPECT_EQ(o.kind, SchoolOutcomeKind::Skipped);
  EXPECT_EQ(platform.total(), 0);
  auto last = store->lastPass("s1");
  ASSERT_TRUE(last && *last);
  EXPECT_EQ((*last)->outcome, SchoolOutcomeKind::Skipped);
}

// ---- dry run -----------------------------------------------------------------------------------

TEST_F(Engine, DryRunSendsNothingAndWritesNothing) {
  SchoolOutcome o = pass(/*dryRun=*/true);
  EXPECT_EQ(platform.total(), 0);
  EXPECT_EQ(o.creatingRequests, 0U);
  auto pending = store->pendingIntents("s1");
  EXPECT_TRUE(pending->empty());
  EXPECT_FALSE(store->lastPass("s1")->has_value());
  EXPECT_FALSE(store->accountStatus("s1")->has_value());
  EXPECT_TRUE(store->students("s1", "")->empty());
  EXPECT_TRUE(store->applications("s1")->empty());

  ASSERT_EQ(o.wouldSend.size(), 1U);
  EXPECT_NE(o.wouldSend[0].find("PUT /api/v1/account"), std::string::npos);
  const TargetOutcome* social = targetOf(o, kSocialKey);
  ASSERT_NE(social, nullptr);
  ASSERT_EQ(social->wouldSend.size(), 4U);  // application + 4 + 4 + 2
  EXPECT_NE(social->wouldSend[0].find("POST /api/v1/skills/permission-applications"),
            std::string::npos);
  EXPECT_EQ(social->wouldSend[1],
            msg::text("run.dry.batch.after_permission", {{"rows", 4}, {"target", kSocialKey}}));
  EXPECT_NE(social->wouldSend[1].find("POST /api/v1/skills/group-declarations"),
            std::string::npos);
  EXPECT_NE(social->wouldSend[3].find("，2 人（"), std::string::npos);
  EXPECT_EQ(targetOf(o, kQualKey)->wouldSend.size(), 1U);

  // With the platform client present, still nothing.
  SchoolOutcome again = pass(true, &platform);
  EXPECT_EQ(platform.total(), 0);
  (void)again;

  // After a real pass, a dry run is UP_TO_DATE with nothing to send.
  (void)pass();
  platform.calls.clear();
  SchoolOutcome after = pass(true);
  EXPECT_EQ(after.kind, SchoolOutcomeKind::UpToDate);
  EXPECT_TRUE(after.wouldSend.empty());
  for (const auto& t : after.targets) EXPECT_TRUE(t.wouldSend.empty());
}

// ---- personal data -----------------------------------------------------------------------------

TEST_F(Engine, NoFullIdNumberInEventsSummariesOrTheStoreFiles) {
  platform.extraRowId = idFor(700, true);
  platform.failOn["submitDeclarations"][2] =
      failure(PlatformFailureKind::Unavailable, 503, "MAINTENANCE", "系统维护中");
  (void)pass();
  SchoolOutcome o = pass();
  std::vector<std::string> ids = idsOf("");
  ids.push_back(school.platformOperator.idNumber);
  ids.push_back(platform.extraRowId);
  std::vector<std::string> texts = {o.summary()};
  for (const auto& e : events) texts.push_back(e.message);
  for (const auto& t : o.targets) {
    texts.push_back(t.detail);
    texts.push_back(t.hint);
  }
  for (const auto& f : o.findings) texts.push_back(f.message);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    texts.push_back(readFile(entry.path()));
  }
  ASSERT_FALSE(events.empty());
  for (const auto& text : texts) {
    for (const auto& id : ids) {
      EXPECT_EQ(text.find(id), std::string::npos) << "full ID " << maskId(id) << " found";
    }
  }
}

// ---- names and texts ---------------------------------------------------------------------------

TEST(EngineTexts, TargetKeysNamesAndPlatformReasons) {
  // A target's key is its type and the type's own key, so that two types never share records;
  // the key before plugin ABI 2 had no type (records under it are adopted: legacyTargetKeyOf).
  Target t;
  t.type = "qualification";
  t.occupationCode = "4-04-05-01";
  t.level = 4;
  EXPECT_EQ(targetKeyOf(t), "qualification:4-04-05-01/4/-");
  EXPECT_EQ(legacyTargetKeyOf(t), "4-04-05-01/4/-");
  t.type = "social-org";
  t.evaluationOrg = EvaluationOrg{"某某评价组织", "91310000MA1FL0001X"};
  EXPECT_EQ(targetKeyOf(t), "social-org:4-04-05-01/4/91310000MA1FL0001X");
  Target ability;
  ability.type = "special-ability";
  ability.abilityCode = "ZX-0301";
  ability.abilityName = "网店运营";
  EXPECT_EQ(targetKeyOf(ability), "special-ability:ZX-0301");
  EXPECT_EQ(legacyTargetKeyOf(ability), "") << "no ability was declared before ABI 2";
  EXPECT_EQ(targetTitle(ability), "ZX-0301 网店运营（专项能力）");
  EXPECT_EQ(platformReasonText("DUPLICATE").text, "已申报过该职业该等级");
  EXPECT_NE(platformReasonText("ID_INVALID").text.find("证件号码无效"), std::string::npos);
  for (auto code : {"ID_INVALID", "LEVEL_NOT_ALLOWED", "NOT_GRADUATING", "FIELD_INVALID", "X"}) {
    EXPECT_FALSE(platformReasonText(code).hint.empty()) << code;
  }
  EXPECT_NE(platformReasonText("SOMETHING_NEW").text.find("SOMETHING_NEW"), std::string::npos);
  EXPECT_STREQ(targetPhaseName(TargetPhase::UpToDate), "UP_TO_DATE");
  EXPECT_STREQ(targetPhaseName(TargetPhase::PermissionRejected), "PERMISSION_REJECTED");
  EXPECT_STREQ(schoolOutcomeName(SchoolOutcomeKind::Progressed), "PROGRESSED");
  EXPECT_STREQ(schoolOutcomeName(SchoolOutcomeKind::Skipped), "SKIPPED");
}

// One wording per platform failure, per rejected row and per review outcome (explain.*): Chinese
// by default, English when asked, each with what to do; the platform's own message shown as sent.
TEST(EngineTexts, PlatformFailuresRowsAndReviewsAreExplainedInEitherLanguage) {
  auto failure = [](PlatformFailureKind kind, std::string code, int status = 0) {
    PlatformFailure f;
    f.kind = kind;
    f.code = std::move(code);
    f.httpStatus = status;
    f.message = status != 0 ? "手机号码无效" : "";
    f.requestId = status != 0 ? "req-1" : "";
    return f;
  };
  const std::vector<PlatformFailure> failures = {
      failure(PlatformFailureKind::Unavailable, "CANCELLED"),
      failure(PlatformFailureKind::Unavailable, "TLS"),
      failure(PlatformFailureKind::Unavailable, "TIMEOUT"),
      failure(PlatformFailureKind::Identity, "TIMESTAMP_SKEW", 401),
      failure(PlatformFailureKind::Identity, "CERT_EXPIRED", 401),
      failure(PlatformFailureKind::Identity, "KEYID_MISMATCH", 401),
      failure(PlatformFailureKind::Identity, "PIN_LOCKED"),
      failure(PlatformFailureKind::Protocol, "MALFORMED", 200),
      failure(PlatformFailureKind::Final, "VALIDATION_FAILED", 422),
      failure(PlatformFailureKind::Final, "PERMISSION_REQUIRED", 403),
      failure(PlatformFailureKind::Final, "BATCH_TOO_LARGE", 413),
      failure(PlatformFailureKind::Final, "SOMETHING_NEW", 409),
      failure(PlatformFailureKind::Final, "SOMETHING_NEW"),
  };
  const std::set<std::string> commands = {"zzjb", "identity", "check"};
  std::vector<std::string> allowed = noticeTerms();
  allowed.insert(allowed.end(), {"手机号码无效", "上海市数字证书认证中心", "天山路1800号4号楼1楼"});
  for (const PlatformFailure& f : failures) {
    msg::setLanguage(msg::Lang::ZhCN);
    const FailureText zh = explainPlatformFailure(f);
    msg::setLanguage(msg::Lang::En);
    const FailureText en = explainPlatformFailure(f);
    msg::setLanguage(msg::Lang::ZhCN);
    EXPECT_FALSE(zh.text.empty() || zh.hint.empty()) << f.code;
    EXPECT_FALSE(en.text.empty() || en.hint.empty()) << f.code;
    EXPECT_NE(zh.text, en.text) << f.code;
    EXPECT_EQ(englishRuns(zh.text + "\n" + zh.hint, commands), std::vector<std::string>{}) << f.code;
    EXPECT_EQ(chineseRuns(en.text + "\n" + en.hint, allowed), std::vector<std::string>{}) << f.code;
    if (f.kind == PlatformFailureKind::Final && !f.message.empty()) {
      EXPECT_NE(zh.text.find(f.message), std::string::npos) << "the platform's words, as sent";
      EXPECT_NE(en.text.find(f.message), std::string::npos) << "the platform's words, as sent";
    }
  }
  // By what stopped it: an expired certificate does not read like a network outage.
  EXPECT_NE(explainPlatformFailure(failures[4]).text, explainPlatformFailure(failures[2]).text);
  EXPECT_NE(explainPlatformFailure(failures[4]).text.find("法人一证通"), std::string::npos);
  for (auto code : {"ID_INVALID", "LEVEL_NOT_ALLOWED", "NOT_GRADUATING", "DUPLICATE",
                    "FIELD_INVALID", "SOMETHING_NEW"}) {
    msg::setLanguage(msg::Lang::En);
    const ReasonText en = platformReasonText(code);
    msg::setLanguage(msg::Lang::ZhCN);
    const ReasonText zh = platformReasonText(code);
    EXPECT_EQ(englishRuns(zh.text + "\n" + zh.hint, commands), std::vector<std::string>{}) << code;
    EXPECT_EQ(chineseRuns(en.text + "\n" + en.hint, allowed), std::vector<std::string>{}) << code;
  }
  EXPECT_EQ(targetPhaseText(TargetPhase::UpToDate), "已完成");
  EXPECT_EQ(schoolOutcomeText(SchoolOutcomeKind::Waiting), "等待中");
}

// Every state crossing the ports has one name, parsed back to itself; anything else is nullopt.
// Issue 16: a hint that names a command names it with the real configuration file and school,
// never with placeholders (`zzjb identity check -c CONFIG --school ID` printed literally).
TEST(EngineTexts, HintsNameTheRealConfigurationAndSchool) {
  const FailureContext where{"/etc/zzjb/zzjb.json", "xuhui-zz"};
  const std::string command = "zzjb identity check -c /etc/zzjb/zzjb.json --school xuhui-zz";
  for (const auto& [kind, code] : {std::pair{PlatformFailureKind::Identity, "KEY_LOCKED"},
                                   std::pair{PlatformFailureKind::Identity, "CERT_UNTRUSTED"},
                                   std::pair{PlatformFailureKind::Final, "KEYID_MISMATCH"}}) {
    PlatformFailure f;
    f.kind = kind;
    f.code = code;
    for (const auto lang : {msg::Lang::ZhCN, msg::Lang::En}) {
      msg::setLanguage(lang);
      const std::string hint = explainPlatformFailure(f, where).hint;
      EXPECT_NE(hint.find(command), std::string::npos) << code << ": " << hint;
      for (const char* placeholder : {"CONFIG", "配置文件", " ID"}) {
        EXPECT_EQ(hint.find(placeholder), std::string::npos) << code << ": " << hint;
      }
    }
  }
  msg::setLanguage(msg::Lang::ZhCN);
  EXPECT_EQ(identityCheckCommand({}), "zzjb identity check");
}

TEST(EngineTexts, StatesHaveOneNameEachAndParseBack) {
  for (auto s : {AccountStatus::NotRegistered, AccountStatus::PendingCentre, AccountStatus::Active}) {
    EXPECT_EQ(parseAccountStatus(accountStatusName(s)), s);
  }
  for (auto s : {ApplicationStatus::Submitted, ApplicationStatus::UnderReview,
                 ApplicationStatus::Approved, ApplicationStatus::Rejected,
                 ApplicationStatus::Granted, ApplicationStatus::NotGranted}) {
    EXPECT_EQ(parseApplicationStatus(applicationStatusName(s)), s);
  }
  for (auto s : {BatchStatus::Received, BatchStatus::Processing, BatchStatus::Done,
                 BatchStatus::Recording}) {
    EXPECT_EQ(parseBatchStatus(batchStatusName(s)), s);
  }
  for (auto r : {RowResult::Accepted, RowResult::Rejected}) {
    EXPECT_EQ(parseRowResult(rowResultName(r)), r);
  }
  for (auto s : {IntentStatus::Unanswered, IntentStatus::Answered, IntentStatus::Superseded}) {
    EXPECT_EQ(parseIntentStatus(intentStatusName(s)), s);
  }
  for (auto k : {SchoolOutcomeKind::UpToDate, SchoolOutcomeKind::Progressed,
                 SchoolOutcomeKind::Waiting, SchoolOutcomeKind::Failed,
                 SchoolOutcomeKind::Skipped}) {
    EXPECT_EQ(parseSchoolOutcome(schoolOutcomeName(k)), k);
  }
  EXPECT_FALSE(parseApplicationStatus("PENDING_REVIEW")) << "no platform answer uses it";
  EXPECT_FALSE(parseBatchStatus("done"));
  EXPECT_FALSE(parseAccountStatus(""));
  EXPECT_FALSE(parseRowResult("QUEUED"));
  EXPECT_TRUE(isGranted(ApplicationStatus::Granted));
  EXPECT_TRUE(isGranted(ApplicationStatus::Approved));
  EXPECT_FALSE(isGranted(ApplicationStatus::UnderReview));
  EXPECT_FALSE(isPlatformApplicationStatus(ApplicationStatus::NotGranted));
  EXPECT_FALSE(isPlatformBatchStatus(BatchStatus::Recording));
}

TEST(EngineTexts, MissingCollaboratorsAreAFailedOutcomeNotACrash) {
  School s;
  s.id = "s1";
  SchoolResult r;
  EngineServices svc;
  EngineOptions opt;
  SchoolOutcome o = runSchoolPass({&s, &r, ""}, svc, opt);
  EXPECT_EQ(o.kind, SchoolOutcomeKind::Failed);
  ASSERT_EQ(o.findings.size(), 1U);
  EXPECT_EQ(o.findings[0].code, "ENGINE_INPUT");
}

}  // namespace
}  // namespace zzjb::test
