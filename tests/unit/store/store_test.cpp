// The SQLite state store: schema and migrations, intents, applications, batches, student
// records, purging, and that no full ID number reaches the database files.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "store_helpers.hpp"
#include "test_support.hpp"
#include "zzjb/core/identifiers.hpp"
#include "zzjb/store/sqlite_store.hpp"

namespace zzjb::test {
namespace {

const std::vector<std::string> kIds = {"310101200501011234", "31010120050202567X",
                                       "310104200603039876", "310105200604041111"};

Intent batchIntent(const std::string& key, const std::string& target = "4-01-01-00/4") {
  return Intent{key, "s1", "batch", target, "batch of students"};
}

std::vector<StudentEntry> entries(const std::vector<std::string>& ids,
                                  const std::string& year = "2027") {
  std::vector<StudentEntry> v;
  for (const auto& id : ids) v.push_back({id, year});
  return v;
}

// Answers as the engine records them.
IntentResponse applicationAnswer(ApplicationStatus status, const std::string& id = "",
                                 const std::string& reason = "") {
  IntentResponse r;
  r.application = status;
  r.id = id;
  r.reason = reason;
  return r;
}
IntentResponse batchAnswer(BatchStatus status, const std::string& id) {
  IntentResponse r;
  r.batch = status;
  r.id = id;
  return r;
}
IntentResponse supersededAnswer(const std::string& why) {
  IntentResponse r;
  r.status = IntentStatus::Superseded;
  r.reason = why;
  return r;
}
Application app(const std::string& target, const std::string& id, ApplicationStatus status,
                const std::string& reason = "") {
  return Application{"s1", target, id, status, reason, ""};
}
Batch batch(const std::string& id, const std::string& intent, const std::string& target,
            BatchStatus status) {
  return Batch{id, intent, "s1", target, status, ""};
}

// Candidates with a fingerprint each (what the engine would declare for them now).
std::vector<StudentEntry> withFingerprint(const std::vector<std::string>& ids,
                                          const std::string& fingerprint) {
  std::vector<StudentEntry> v;
  for (const auto& id : ids) v.push_back({id, "2027", fingerprint});
  return v;
}

TEST(StoreSchema, CreatedFromEmptyAndReopened) {
  TempDir dir;
  auto db = dir / "state.db";
  {
    auto s = openOrFail(db);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->beginIntent({"k1", "s1", "account", "", "register"}));
  }
  EXPECT_EQ(rawQuery(db, "PRAGMA user_version"), std::to_string(store::kSchemaVersion));
  EXPECT_EQ(rawQuery(db, "PRAGMA journal_mode"), "wal");
  for (const char* table : {"meta", "intents", "applications", "batches", "students"}) {
    EXPECT_EQ(rawQuery(db, std::string("SELECT count(*) FROM sqlite_schema WHERE name = '") +
                               table + "'"),
              "1")
        << table;
  }
  struct stat st {};
  ASSERT_EQ(::stat(store::secretKeyPath(db).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);

  auto again = openOrFail(db);
  ASSERT_TRUE(again);
  auto found = again->intent("k1");
  ASSERT_TRUE(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->intent.step, "account");
  EXPECT_EQ(rawQuery(db, "PRAGMA integrity_check"), "ok");
}

TEST(StoreSchema, RefusesADatabaseFromTheFuture) {
  TempDir dir;
  auto db = dir / "state.db";
  { ASSERT_TRUE(openOrFail(db)); }
  rawQuery(db, "PRAGMA user_version = 99");
  ASSERT_EQ(rawQuery(db, "PRAGMA user_version"), "99");
  auto s = store::openSqliteStore(db);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "STORE_SCHEMA_TOO_NEW");
  EXPECT_EQ(s.error().where.file, db.string());
  EXPECT_TRUE(contains(s.error().message, "99"));
  EXPECT_FALSE(s.error().hint.empty());
  EXPECT_EQ(rawQuery(db, "PRAGMA user_version"), "99");  // left as it was
}

TEST(StoreSchema, RefusesAMissingOrExposedOrForeignKey) {
  TempDir dir;
  auto db = dir / "state.db";
  auto keyPath = store::secretKeyPath(db);
  { ASSERT_TRUE(openOrFail(db)); }
  std::string key = readFile(keyPath);

  std::filesystem::permissions(keyPath, std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  auto exposed = store::openSqliteStore(db);
  ASSERT_FALSE(exposed);
  EXPECT_EQ(exposed.error().code, "STORE_KEY_PERMISSIONS");

  std::filesystem::remove(keyPath);
  auto missing = store::openSqliteStore(db);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "STORE_KEY_MISSING");
  EXPECT_FALSE(std::filesystem::exists(keyPath));  // no new key made for an old store

  std::string other = key;
  other[0] = static_cast<char>(other[0] ^ 1);
  writeFile(keyPath, other);
  std::filesystem::permissions(keyPath, std::filesystem::perms::owner_read |
                                            std::filesystem::perms::owner_write);
  auto foreign = store::openSqliteStore(db);
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code, "STORE_KEY_MISMATCH");
}

TEST(StoreIntents, BeginIsIdempotent) {
  TempDir dir;
  auto s = openOrFail(dir / "state.db");
  ASSERT_TRUE(s);
  Intent in{"key-1", "s1", "application", "4-01-01-00/4", "apply 等级认定"};
  auto first = s->beginIntent(in);
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->created);
  EXPECT_FALSE(first->hasResponse());
  EXPECT_FALSE(first->createdAt.empty());
  auto second = s->beginIntent(in);
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->created);
  EXPECT_FALSE(second->hasResponse());
  EXPECT_EQ(second->createdAt, first->createdAt);

  ASSERT_TRUE(s->recordResponse("key-1", applicationAnswer(ApplicationStatus::Submitted, "A1")));
  auto third = s->beginIntent(in);
  ASSERT_TRUE(third);
  EXPECT_FALSE(third->created);
  EXPECT_TRUE(third->hasResponse());
  EXPECT_EQ(third->status, IntentStatus::Answered);
  EXPECT_EQ(third->response.application, ApplicationStatus::Submitted);
  EXPECT_EQ(third->response.id, "A1");

  Intent other = in;
  other.school = "s2";
  auto conflict = s->beginIntent(other);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, "STORE_INTENT_CONFLICT");

  auto badStep = s->beginIntent({"key-2", "s1", "delete", "", ""});
  ASSERT_FALSE(badStep);
  EXPECT_EQ(badStep.error().code, "STORE_INVALID_INTENT");
}

TEST(StoreIntents, ResponsesAndPendingIntents) {
  TempDir dir;
  auto s = openOrFail(dir / "state.db");
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->beginIntent({"a", "s1", "account", "", "register"}));
  ASSERT_TRUE(s->beginIntent({"b", "s1", "application", "t1", "apply"}));
  ASSERT_TRUE(s->beginIntent({"c", "s2", "application", "t1", "apply"}));
  ASSERT_TRUE(s->beginIntent(batchIntent("d"), entries({kIds[0]})));

  auto unknown = s->recordResponse("nope", applicationAnswer(ApplicationStatus::Submitted));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "STORE_UNKNOWN_INTENT");

  ASSERT_TRUE(s->recordResponse("b", applicationAnswer(ApplicationStatus::Submitted, "A1")));
  auto pending = s->pendingIntents("s1");
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].intent.key, "a");
  EXPECT_EQ((*pending)[1].intent.key, "d");
  EXPECT_EQ((*pending)[1].intent.step, "batch");
  auto s2 = s->pendingIntents("s2");
  ASSERT_TRUE(s2);
  ASSERT_EQ(s2->size(), 1u);
  EXPECT_EQ((*s2)[0].intent.key, "c");

  // A later answer (e.g. found by a lookup after a crash) replaces the earlier one.
  ASSERT_TRUE(s->recordResponse("b", applicationAnswer(ApplicationStatus::Rejected, "A1", "材料不全")));
  auto b = s->intent("b");
  ASSERT_TRUE(b && b->has_value());
  EXPECT_EQ((*b)->response.application, ApplicationStatus::Rejected);
  EXPECT_EQ((*b)->response.reason, "材料不全");
  // An answer that names no state is refused.
  auto empty = s->recordResponse("a", IntentResponse{});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, "STORE_INVALID_INTENT");
  auto none = s->intent("zzz");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
}

TEST(StoreApplications, PutAndReplace) {
  TempDir dir;
  auto s = openOrFail(dir / "state.db");
  ASSERT_TRUE(s);
  auto absent = s->application("s1", "t1");
  ASSERT_TRUE(absent);
  EXPECT_FALSE(absent->has_value());
  ASSERT_TRUE(s->putApplication(app("t1", "A1", ApplicationStatus::UnderReview)));
  ASSERT_TRUE(s->putApplication(app("t1", "A1", ApplicationStatus::Rejected, "材料不全")));
  auto a = s->application("s1", "t1");
  ASSERT_TRUE(a && a->has_value());
  EXPECT_EQ((*a)->status, ApplicationStatus::Rejected);
  EXPECT_EQ((*a)->reason, "材料不全");
  EXPECT_FALSE((*a)->updatedAt.empty());
}

TEST(StoreApplications, APollThatChangesNothingKeepsTheTimeOfTheLastChange) {
  TempDir dir;
  auto s = openOrFail(dir / "state.db");
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->putApplication(app("t1", "A1", ApplicationStatus::UnderReview)));
  // Backdate it, as if the review had started long ago.
  rawQuery(dir / "state.db", "UPDATE applications SET updated_at = '2026-01-01T00:00:00.000Z'");
  ASSERT_TRUE(s->putApplication(app("t1", "A1", ApplicationStatus::UnderReview)));
  EXPECT_EQ((*s->application("s1", "t1"))->updatedAt, "2026-01-01T00:00:00.000Z");
  ASSERT_TRUE(s->putApplication(app("t1", "A1", ApplicationStatus::Approved)));
  EXPECT_NE((*s->application("s1", "t1"))->updatedAt, "2026-01-01T00:00:00.000Z");
  ASSERT_TRUE(s->putApplication(app("t0", "", ApplicationStatus::NotGranted)));
  auto all = s->applications("s1");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].targetKey, "t0");  // by target key
  EXPECT_EQ((*all)[1].status, ApplicationStatus::Approved);
  EXPECT_TRUE(s->applications("s2")->empty());
}

TEST(StorePasses, LastPassAndLastSuccessfulPassPerSchool) {
  TempDir dir;
  auto s = openOrFail(dir / "state.db");
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->lastPass("s1")->has_value());
  ASSERT_TRUE(s->recordPass({"s1", "2027-03-01T01:00:00.000Z", "2027-03-01T01:00:05.000Z",
                             SchoolOutcomeKind::Progressed, "3 batches sent", 3}));
  ASSERT_TRUE(s->recordPass({"s1", "2027-03-02T01:00:00.000Z", "2027-03-02T01:00:01.000Z",
                             SchoolOutcomeKind::Failed, "platform unavailable", 0}));
  ASSERT_TRUE(s->recordPass({"s2", "2027-03-02T01:00:00.000Z", "2027-03-02T01:00:01.000Z",
                             SchoolOutcomeKind::UpToDate, "", 0}));
  auto last = s->lastPass("s1");
  ASSERT_TRUE(last && last->has_value());
  EXPECT_EQ((*last)->outcome, SchoolOutcomeKind::Failed);
  auto good = s->lastSuccessfulPass("s1");
  ASSERT_TRUE(good && good->has_value());
  EXPECT_EQ((*good)->outcome, SchoolOutcomeKind::Progressed);
  EXPECT_EQ((*good)->creatingRequests, 3u);
  EXPECT_EQ((*good)->summary, "3 batches sent");
  EXPECT_EQ((*s->lastPass("s2"))->outcome, SchoolOutcomeKind::UpToDate);
}

TEST(StoreFacts, ReplaceAndReadPerSchool) {
  TempDir dir;
  auto s = openOrFail(dir / "state.db");
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->fact("s1", "account")->has_value());
  ASSERT_TRUE(s->putFact("s1", "account", "PENDING_CENTRE"));
  ASSERT_TRUE(s->putFact("s1", "account", "ACTIVE"));
  EXPECT_EQ(**s->fact("s1", "account"), "ACTIVE");
  EXPECT_FALSE(s->fact("s2", "account")->has_value());
}

TEST(StoreFacts, AccountStatusIsReadIntoItsEnumAndAnUnknownOneIsRefused) {
  TempDir dir;
  auto s = openOrFail(dir / "state.db");
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->accountStatus("s1")->has_value());
  ASSERT_TRUE(s->putAccountStatus("s1", AccountStatus::PendingCentre));
  EXPECT_EQ(**s->accountStatus("s1"), AccountStatus::PendingCentre);
  EXPECT_EQ(**s->fact("s1", "account"), "PENDING_CENTRE") << "the fact it always was";
  ASSERT_TRUE(s->putFact("s2", "account", "OPEN"));
  auto odd = s->accountStatus("s2");
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().code, "STORE_CORRUPT");
}

TEST(StoreOpen, MakesAMissingStateDirectoryPrivate) {
  TempDir dir;
  const auto db = dir / "var" / "lib" / "zzjb" / "state.db";
  auto s = openOrFail(db);
  ASSERT_TRUE(s);
  auto perms = std::filesystem::status(db.parent_path()).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all, std::filesystem::perms::owner_all);
}

TEST(StoreStudents, BatchLifecycleAndNotYetDeclared) {
  TempDir dir;
  auto s = openOrFail(dir / "state.db");
  ASSERT_TRUE(s);
  const std::string t = "4-01-01-00/4";
  auto todo = s->studentsNotYetDeclared("s1", t, entries(kIds));
  ASSERT_TRUE(todo);
  EXPECT_EQ(*todo, kIds);

  auto begun = s->beginIntent(batchIntent("batch-1"), entries({kIds[0], kIds[1]}));
  ASSERT_TRUE(begun);
  EXPECT_TRUE(begun->created);
  // Repeating the intent (after a crash) adds no rows and is no error.
  ASSERT_TRUE(s->beginIntent(batchIntent("batch-1"), entries({kIds[0], kIds[1]})));
  todo = s->studentsNotYetDeclared("s1", t, entries(kIds));
  ASSERT_TRUE(todo);
  EXPECT_EQ(*todo, (std::vector<std::string>{kIds[2], kIds[3]}));
  // Another target is independent.
  auto otherTarget = s->studentsNotYetDeclared("s1", "other", entries({kIds[0]}));
  ASSERT_TRUE(otherTarget);
  EXPECT_EQ(otherTarget->size(), 1u);

  auto recs = s->students("s1", t);
  ASSERT_TRUE(recs);
  ASSERT_EQ(recs->size(), 2u);
  EXPECT_EQ((*recs)[0].result, DeclarationResult::Pending);
  EXPECT_EQ((*recs)[0].maskedId, maskId(kIds[0]));
  EXPECT_EQ((*recs)[0].studentKey, s->studentKey(kIds[0]));
  EXPECT_EQ((*recs)[0].intentKey, "batch-1");

  // A row already recorded makes the whole intent fail, recording nothing.
  auto dup = s->beginIntent(batchIntent("batch-2"), entries({kIds[2], kIds[1]}));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "STORE_STUDENT_ALREADY_RECORDED");
  EXPECT_FALSE(contains(dup.error().message, kIds[1]));
  auto batch2 = s->intent("batch-2");
  ASSERT_TRUE(batch2);
  EXPECT_FALSE(batch2->has_value());
  todo = s->studentsNotYetDeclared("s1", t, entries(kIds));
  ASSERT_TRUE(todo);
  EXPECT_EQ(todo->size(), 2u);

  ASSERT_TRUE(s->recordResponse("batch-1", batchAnswer(BatchStatus::Received, "B1")));
  ASSERT_TRUE(s->putBatch(batch("B1", "batch-1", t, BatchStatus::Processing)));
  auto open = s->openBatches("s1");
  ASSERT_TRUE(open);
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].batchId, "B1");
  recs = s->students("s1", t);
  ASSERT_TRUE(recs);
  for (const auto& r : *recs) {
    EXPECT_EQ(r.result, DeclarationResult::Sent);
    EXPECT_EQ(r.batchId, "B1");
  }
  auto wrongIntent = s->putBatch(batch("B1", "a-different-intent", t, BatchStatus::Done));
  ASSERT_FALSE(wrongIntent);

  // Results: an unknown student fails the whole call.
  auto unknown = s->recordStudentResults(
      "s1", t, {{kIds[0], DeclarationResult::Accepted, "", "D-1"},
                {kIds[3], DeclarationResult::Accepted, "", "D-4"}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "STORE_UNKNOWN_STUDENT");
  recs = s->students("s1", t);
  ASSERT_TRUE(recs);
  EXPECT_EQ((*recs)[0].result, DeclarationResult::Sent);

  ASSERT_TRUE(s->recordStudentResults(
      "s1", t, {{kIds[0], DeclarationResult::Accepted, "", "D-1"},
                {kIds[1], DeclarationResult::Rejected, "证件号码与姓名不符", ""}}));
  ASSERT_TRUE(s->putBatch(batch("B1", "batch-1", t, BatchStatus::Done)));
  open = s->openBatches("s1");
  ASSERT_TRUE(open);
  EXPECT_TRUE(open->empty());
  recs = s->students("s1", "");
  ASSERT_TRUE(recs);
  ASSERT_EQ(recs->size(), 2u);
  EXPECT_EQ((*recs)[0].result, DeclarationResult::Accepted);
  EXPECT_EQ((*recs)[0].declarationNo, "D-1");
  EXPECT_EQ((*recs)[1].result, DeclarationResult::Rejected);
  EXPECT_EQ((*recs)[1].reason, "证件号码与姓名不符");
  // Rejected is final: not offered again.
  todo = s->studentsNotYetDeclared("s1", t, entries({kIds[1]}));
  ASSERT_TRUE(todo);
  EXPECT_TRUE(todo->empty());
}

TEST(StoreStudents, CorrectedRejectedRowIsOfferedAgainAndReplacedOnlyWhenItsFingerprintChanged) {
  TempDir dir;
  auto db = dir / "state.db";
  auto s = openOrFail(db);
  ASSERT_TRUE(s);
  const std::string t = "4-01-01-00/4";
  ASSERT_TRUE(s->beginIntent(batchIntent("b1"), withFingerprint(kIds, "fp-1")));
  ASSERT_TRUE(s->putBatch(batch("B1", "b1", t, BatchStatus::Done)));
  ASSERT_TRUE(s->recordStudentResults(
      "s1", t, {{kIds[0], DeclarationResult::Rejected, "NOT_GRADUATING", ""},
                {kIds[1], DeclarationResult::Rejected, "DUPLICATE", ""},
                {kIds[2], DeclarationResult::Rejected, "ID_INVALID", ""},
                {kIds[3], DeclarationResult::Accepted, "", "D-4"}}));
  // The store keeps a keyed hash of the fingerprint, not the engine's value.
  std::string stored = rawQuery(db, "SELECT row_fingerprint FROM students LIMIT 1");
  EXPECT_FALSE(stored.empty());
  EXPECT_NE(stored, "fp-1");

  // Unchanged rows: nothing to declare (no loop on a rejection).
  auto todo = s->studentsNotYetDeclared("s1", t, withFingerprint(kIds, "fp-1"));
  ASSERT_TRUE(todo);
  EXPECT_TRUE(todo->empty());
  // Unknown fingerprint: never a reason to declare again.
  todo = s->studentsNotYetDeclared("s1", t, withFingerprint(kIds, ""));
  ASSERT_TRUE(todo);
  EXPECT_TRUE(todo->empty());
  // Corrected rows: only the correctable reason is offered; DUPLICATE, ID_INVALID and ACCEPTED
  // stay final.
  todo = s->studentsNotYetDeclared("s1", t, withFingerprint(kIds, "fp-2"));
  ASSERT_TRUE(todo);
  EXPECT_EQ(*todo, (std::vector<std::string>{kIds[0]}));

  // An unchanged row cannot replace its record; a final one cannot either.
  auto same = s->beginIntent(batchIntent("b-same"), withFingerprint({kIds[0]}, "fp-1"));
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().code, "STORE_STUDENT_ALREADY_RECORDED");
  auto dup = s->beginIntent(batchIntent("b-dup"), withFingerprint({kIds[0], kIds[1]}, "fp-2"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "STORE_STUDENT_ALREADY_RECORDED");
  auto none = s->intent("b-dup");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value()) << "nothing of the failed intent was recorded";

  // The corrected row replaces the REJECTED record with a PENDING one of the new intent.
  auto again = s->beginIntent(batchIntent("b2"), withFingerprint({kIds[0]}, "fp-2"));
  ASSERT_TRUE(again) << again.error().message;
  auto recs = s->students("s1", t);
  ASSERT_TRUE(recs);
  ASSERT_EQ(recs->size(), 4u);
  const StudentRecord& r = (*recs)[0];
  EXPECT_EQ(r.studentKey, s->studentKey(kIds[0]));
  EXPECT_EQ(r.result, DeclarationResult::Pending);
  EXPECT_EQ(r.intentKey, "b2");
  EXPECT_TRUE(r.reason.empty());
  EXPECT_TRUE(r.batchId.empty());
  todo = s->studentsNotYetDeclared("s1", t, withFingerprint(kIds, "fp-2"));
  ASSERT_TRUE(todo);
  EXPECT_TRUE(todo->empty()) << "PENDING in an intent: not offered";

  // Rejected again with the corrected row: final until the row changes once more.
  ASSERT_TRUE(s->putBatch(batch("B2", "b2", t, BatchStatus::Done)));
  ASSERT_TRUE(s->recordStudentResults(
      "s1", t, {{kIds[0], DeclarationResult::Rejected, "NOT_GRADUATING", ""}}));
  todo = s->studentsNotYetDeclared("s1", t, withFingerprint({kIds[0]}, "fp-2"));
  ASSERT_TRUE(todo);
  EXPECT_TRUE(todo->empty());
  todo = s->studentsNotYetDeclared("s1", t, withFingerprint({kIds[0]}, "fp-3"));
  ASSERT_TRUE(todo);
  EXPECT_EQ(todo->size(), 1u);
}

TEST(StoreStudents, KeepOnlyStudentsForgetsThePendingRecordsLeftOutOfAReSentBatch) {
  TempDir dir;
  auto s = openOrFail(dir / "state.db");
  ASSERT_TRUE(s);
  const std::string t = "4-01-01-00/4";
  ASSERT_TRUE(s->beginIntent(batchIntent("b1"), withFingerprint({kIds[0], kIds[1], kIds[2]},
                                                                "fp-old")));
  // Re-sent with kIds[0] only, its row as re-sent now.
  auto forgotten = s->keepOnlyStudents("b1", withFingerprint({kIds[0]}, "fp-new"));
  ASSERT_TRUE(forgotten) << forgotten.error().message;
  EXPECT_EQ(*forgotten, 2u);
  auto recs = s->students("s1", t);
  ASSERT_TRUE(recs);
  ASSERT_EQ(recs->size(), 1u);
  EXPECT_EQ((*recs)[0].studentKey, s->studentKey(kIds[0]));
  // The others have no record: declared normally by a later pass.
  auto todo = s->studentsNotYetDeclared("s1", t, entries(kIds));
  ASSERT_TRUE(todo);
  EXPECT_EQ(*todo, (std::vector<std::string>{kIds[1], kIds[2], kIds[3]}));
  // The batch marks only the kept one SENT.
  ASSERT_TRUE(s->putBatch(batch("B1", "b1", t, BatchStatus::Processing)));
  recs = s->students("s1", t);
  ASSERT_TRUE(recs);
  ASSERT_EQ(recs->size(), 1u);
  EXPECT_EQ((*recs)[0].result, DeclarationResult::Sent);
  // Records that are not PENDING any more are left alone.
  forgotten = s->keepOnlyStudents("b1", {});
  ASSERT_TRUE(forgotten);
  EXPECT_EQ(*forgotten, 0u);
  EXPECT_EQ(s->students("s1", t)->size(), 1u);
  // The kept row's fingerprint is what was re-sent.
  ASSERT_TRUE(s->recordStudentResults(
      "s1", t, {{kIds[0], DeclarationResult::Rejected, "FIELD_INVALID", ""}}));
  todo = s->studentsNotYetDeclared("s1", t, withFingerprint({kIds[0]}, "fp-new"));
  ASSERT_TRUE(todo);
  EXPECT_TRUE(todo->empty());
  todo = s->studentsNotYetDeclared("s1", t, withFingerprint({kIds[0]}, "fp-old"));
  ASSERT_TRUE(todo);
  EXPECT_EQ(todo->size(), 1u);

  // With nothing kept (the intent is superseded), every PENDING record of it is forgotten.
  ASSERT_TRUE(s->beginIntent(batchIntent("b3"), entries({kIds[3]})));
  forgotten = s->keepOnlyStudents("b3", {});
  ASSERT_TRUE(forgotten);
  EXPECT_EQ(*forgotten, 1u);
  EXPECT_EQ(s->students("s1", t)->size(), 1u);
  ASSERT_TRUE(s->recordResponse("b3", supersededAnswer("not found")));
  EXPECT_TRUE(s->pendingIntents("s1")->size() == 1u) << "b1 only";

  // The same content wanted again later: the superseded intent (never sent) is begun anew.
  auto anew = s->beginIntent(batchIntent("b3"), entries({kIds[3]}));
  ASSERT_TRUE(anew) << anew.error().message;
  EXPECT_TRUE(anew->created);
  EXPECT_FALSE(anew->hasResponse());
  auto rec3 = s->students("s1", t);
  ASSERT_TRUE(rec3);
  ASSERT_EQ(rec3->size(), 2u);
  EXPECT_EQ((*rec3)[1].studentKey, s->studentKey(kIds[3]));
  EXPECT_EQ((*rec3)[1].result, DeclarationResult::Pending);
  EXPECT_EQ((*rec3)[1].intentKey, "b3");
  auto pending = s->pendingIntents("s1");
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->size(), 2u);
  // Any other answer stands: begun again, nothing changes.
  ASSERT_TRUE(s->recordResponse("b3", batchAnswer(BatchStatus::Received, "B3")));
  auto kept = s->beginIntent(batchIntent("b3"), entries({kIds[3]}));
  ASSERT_TRUE(kept);
  EXPECT_FALSE(kept->created);
  EXPECT_EQ(kept->response.batch, BatchStatus::Received);
  EXPECT_EQ(kept->response.id, "B3");
}

TEST(StoreSchema, VersionTwoStoreGainsTheRowFingerprintWithItsRecordsKept) {
  TempDir dir;
  auto db = dir / "state.db";
  {
    auto s = openOrFail(db);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->beginIntent(batchIntent("b1"), entries({kIds[0]})));
    ASSERT_TRUE(s->putBatch(batch("B1", "b1", "4-01-01-00/4", BatchStatus::Done)));
    ASSERT_TRUE(s->recordStudentResults(
        "s1", "4-01-01-00/4", {{kIds[0], DeclarationResult::Rejected, "NOT_GRADUATING", ""}}));
  }
  {
    // A batch given up before version 3 left its students PENDING.
    auto s = openOrFail(db);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->beginIntent(batchIntent("b-old"), entries({kIds[1]})));
    ASSERT_TRUE(s->recordResponse("b-old", supersededAnswer("not found")));
  }
  // Back to what version 2 wrote.
  rawQuery(db, "ALTER TABLE students DROP COLUMN row_fingerprint");
  for (const char* c : {"response_id", "response_reason", "response_at"}) {
    rawQuery(db, std::string("ALTER TABLE intents DROP COLUMN ") + c);
  }
  rawQuery(db, "PRAGMA user_version = 2");
  ASSERT_EQ(rawQuery(db, "SELECT count(*) FROM pragma_table_info('students') "
                         "WHERE name = 'row_fingerprint'"),
            "0");
  auto s = openOrFail(db);
  ASSERT_TRUE(s);
  EXPECT_EQ(rawQuery(db, "PRAGMA user_version"), std::to_string(store::kSchemaVersion));
  EXPECT_EQ(rawQuery(db, "SELECT row_fingerprint FROM students"), "");
  auto recs = s->students("s1", "");
  ASSERT_TRUE(recs);
  ASSERT_EQ(recs->size(), 1u);
  EXPECT_EQ((*recs)[0].result, DeclarationResult::Rejected) << "the superseded one is forgotten";
  // What was sent before the upgrade is unknown: not a reason to declare again.
  auto todo = s->studentsNotYetDeclared("s1", "4-01-01-00/4", withFingerprint({kIds[0]}, "fp"));
  ASSERT_TRUE(todo);
  EXPECT_TRUE(todo->empty());
  EXPECT_EQ(rawQuery(db, "PRAGMA integrity_check"), "ok");
}

// Version 3 kept an intent's answer as JSON the engine wrote (and re-parsed); version 4 reads the
// same answers from typed columns, filled from that JSON, with every record kept.
TEST(StoreSchema, VersionThreeStoreGainsTypedAnswersFromItsJsonWithEveryRecordKept) {
  TempDir dir;
  auto db = dir / "state.db";
  {
    auto s = openOrFail(db);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->beginIntent({"acc", "s1", "account", "", "register"}));
    ASSERT_TRUE(s->beginIntent({"app", "s1", "application", "t1", "apply"}));
    ASSERT_TRUE(s->beginIntent(batchIntent("b1"), entries({kIds[0], kIds[1]})));
    ASSERT_TRUE(s->beginIntent(batchIntent("b2"), entries({kIds[2]})));
    ASSERT_TRUE(s->beginIntent(batchIntent("b3"), entries({kIds[3]})));
    ASSERT_TRUE(s->putBatch(batch("B1", "b1", "4-01-01-00/4", BatchStatus::Processing)));
    ASSERT_TRUE(s->putApplication(app("t1", "A-7", ApplicationStatus::UnderReview)));
    ASSERT_TRUE(s->putAccountStatus("s1", AccountStatus::Active));
  }
  // Back to what version 3 wrote: the answers as JSON, no typed columns.
  rawQuery(db, R"(UPDATE intents SET responded_at = '2026-11-27T01:00:00.000Z', response_status = 'ACTIVE', response_json = '{"registered":true,"status":"ACTIVE","registeredAt":"2026-09-01T09:00:00+08:00"}' WHERE key = 'acc')");
  rawQuery(db, R"(UPDATE intents SET responded_at = '2026-11-27T01:00:00.000Z', response_status = 'REJECTED', response_json = '{"applicationId":"A-7","status":"REJECTED","reason":"材料不全：附件2 \u672a\u76d6\u7ae0"}' WHERE key = 'app')");
  rawQuery(db, R"(UPDATE intents SET responded_at = '2026-11-27T01:00:00.000Z', response_status = 'RECEIVED', response_json = '{"batchId":"B1","status":"RECEIVED","rows":0}' WHERE key = 'b1')");
  rawQuery(db, R"(UPDATE intents SET responded_at = '2026-11-27T01:00:00.000Z', response_status = 'SUPERSEDED', response_json = '{"superseded":true,"why":"its target is gone"}' WHERE key = 'b2')");
  for (const char* c : {"response_id", "response_reason", "response_at"}) {
    rawQuery(db, std::string("ALTER TABLE intents DROP COLUMN ") + c);
  }
  // A status no platform answer uses, which version 3 could hold and only its report matched.
  rawQuery(db, "UPDATE applications SET status = 'PENDING_REVIEW'");
  rawQuery(db, "PRAGMA user_version = 3");

  auto s = openOrFail(db);
  ASSERT_TRUE(s);
  EXPECT_EQ(rawQuery(db, "PRAGMA user_version"), "4");
  auto acc = s->intent("acc");
  ASSERT_TRUE(acc && *acc);
  EXPECT_EQ((*acc)->status, IntentStatus::Answered);
  EXPECT_EQ((*acc)->response.account, AccountStatus::Active);
  EXPECT_EQ((*acc)->response.at, "2026-09-01T09:00:00+08:00");
  auto ap = s->intent("app");
  ASSERT_TRUE(ap && *ap);
  EXPECT_EQ((*ap)->response.application, ApplicationStatus::Rejected);
  EXPECT_EQ((*ap)->response.id, "A-7");
  EXPECT_EQ((*ap)->response.reason, "材料不全：附件2 未盖章") << "JSON escapes decoded";
  auto b1 = s->intent("b1");
  ASSERT_TRUE(b1 && *b1);
  EXPECT_EQ((*b1)->response.batch, BatchStatus::Received);
  EXPECT_EQ((*b1)->response.id, "B1");
  auto b2 = s->intent("b2");
  ASSERT_TRUE(b2 && *b2);
  EXPECT_EQ((*b2)->status, IntentStatus::Superseded);
  EXPECT_EQ((*b2)->response.reason, "its target is gone");
  auto pending = s->pendingIntents("s1");
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].intent.key, "b3");
  EXPECT_EQ(s->students("s1", "")->size(), 4u) << "every record kept";
  EXPECT_EQ(s->openBatches("s1")->size(), 1u);
  EXPECT_EQ((*s->application("s1", "t1"))->status, ApplicationStatus::UnderReview);
  EXPECT_EQ(**s->accountStatus("s1"), AccountStatus::Active);
  EXPECT_EQ(rawQuery(db, "PRAGMA integrity_check"), "ok");
}

TEST(StoreSchema, AStatusThisZzjbDoesNotKnowIsAFindingNotAGuess) {
  TempDir dir;
  auto db = dir / "state.db";
  auto s = openOrFail(db);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->beginIntent(batchIntent("b1"), entries({kIds[0]})));
  ASSERT_TRUE(s->putBatch(batch("B1", "b1", "4-01-01-00/4", BatchStatus::Processing)));
  ASSERT_TRUE(s->putApplication(app("t1", "A1", ApplicationStatus::Submitted)));
  rawQuery(db, "UPDATE batches SET status = 'QUEUED'");
  rawQuery(db, "UPDATE applications SET status = 'PENDING_REVIEW'");
  auto open = s->openBatches("s1");
  ASSERT_FALSE(open);
  EXPECT_EQ(open.error().code, "STORE_CORRUPT");
  auto a = s->application("s1", "t1");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, "STORE_CORRUPT");
}

TEST(StoreStudents, PurgeCohortOnlyWhenFinished) {
  TempDir dir;
  auto db = dir / "state.db";
  auto s = openOrFail(db);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->beginIntent(batchIntent("b27"), entries({kIds[0], kIds[1]}, "2027")));
  ASSERT_TRUE(s->beginIntent(batchIntent("b28"), entries({kIds[2]}, "2028")));
  auto early = s->purgeCohort("s1", "2027");
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, "STORE_PURGE_UNFINISHED");

  ASSERT_TRUE(s->putBatch(batch("B27", "b27", "4-01-01-00/4", BatchStatus::Done)));
  ASSERT_TRUE(s->recordStudentResults(
      "s1", "4-01-01-00/4", {{kIds[0], DeclarationResult::Accepted, "", "D1"},
                             {kIds[1], DeclarationResult::Rejected, "重复申报", ""}}));
  auto purged = s->purgeCohort("s1", "2027");
  ASSERT_TRUE(purged) << purged.error().message;
  EXPECT_EQ(*purged, 2u);
  auto left = s->students("s1", "");
  ASSERT_TRUE(left);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ(left->front().graduationYear, "2028");
  auto again = s->purgeCohort("s1", "2027");
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0u);
  EXPECT_EQ(rawQuery(db, "PRAGMA integrity_check"), "ok");
}

TEST(StorePrivacy, NoFullIdNumberInTheDatabaseFiles) {
  TempDir dir;
  auto db = dir / "state.db";
  auto scan = [&](const char* when) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::path f = db;
      f += suffix;
      if (!std::filesystem::exists(f)) continue;
      std::string bytes = readFile(f);
      for (const auto& id : kIds) {
        EXPECT_FALSE(contains(bytes, id)) << id << " in " << f << " " << when;
        EXPECT_FALSE(contains(bytes, id.substr(3, 11))) << f << " " << when;
      }
    }
  };
  {
    auto s = openOrFail(db);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->beginIntent(batchIntent("b"), entries(kIds)));
    ASSERT_TRUE(s->putBatch(batch("B", "b", "4-01-01-00/4", BatchStatus::Done)));
    std::vector<StudentResult> results;
    for (const auto& id : kIds) results.push_back({id, DeclarationResult::Accepted, "", "D"});
    ASSERT_TRUE(s->recordStudentResults("s1", "4-01-01-00/4", results));
    scan("while open");
    auto recs = s->students("s1", "");
    ASSERT_TRUE(recs);
    ASSERT_EQ(recs->size(), kIds.size());
    EXPECT_EQ(recs->front().maskedId.size(), kIds.front().size());
  }
  scan("after close");
  EXPECT_TRUE(contains(readFile(db), maskId(kIds[0])));
}

}  // namespace
}  // namespace zzjb::test
