// The store kept safe: backups (consistent during a write, with the key, 0600, never through a
// link), verify (integrity, schema version, key) and reconcileTarget (zzjb store rebuild), on
// real database files.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "store_helpers.hpp"
#include "test_support.hpp"
#include "zzjb/store/sqlite_store.hpp"

namespace zzjb::test::store_maintenance {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kIds = {"310101200501011234", "31010120050202567X",
                                       "310104200603039876", "310105200604041111"};
constexpr const char* kTarget = "social-org:4-01-02-02/4/91310000";

// A store with one answered batch of the first two students, ACCEPTED and REJECTED.
void fill(StateStore& s) {
  Intent in{"k-batch", "s1", "batch", kTarget, "batch"};
  ASSERT_TRUE(s.beginIntent(in, {{kIds[0], "2027"}, {kIds[1], "2027"}}));
  IntentResponse r;
  r.batch = BatchStatus::Received;
  r.id = "B-1";
  ASSERT_TRUE(s.recordResponse("k-batch", r));
  ASSERT_TRUE(s.putBatch({"B-1", "k-batch", "s1", kTarget, BatchStatus::Done, ""}));
  ASSERT_TRUE(s.recordStudentResults(
      "s1", kTarget,
      {{kIds[0], DeclarationResult::Accepted, "", "ZJ2027000001"},
       {kIds[1], DeclarationResult::Rejected, "NOT_GRADUATING", ""}}));
}

unsigned modeOf(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

void rawExec(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(h);
  sqlite3_close(h);
}

bool hasCode(const store::VerifyResult& v, const std::string& code) {
  for (const Finding& f : v.findings) {
    if (f.code == code) return true;
  }
  return false;
}

std::string codes(const store::VerifyResult& v) {
  std::string s;
  for (const Finding& f : v.findings) s += f.code + ": " + f.message + "\n";
  return s;
}

TEST(StoreBackup, IsTheStoreWithItsKeyReadableByItsOwnerOnly) {
  TempDir dir;
  const fs::path db = dir / "state.db";
  std::string keyOfFirst;
  {
    auto s = openOrFail(db);
    ASSERT_TRUE(s);
    fill(*s);
    keyOfFirst = s->studentKey(kIds[0]);
    // Taken while the store is open, as during a pass.
    auto b = store::backupStore(db, dir / "copy.db", false);
    ASSERT_TRUE(b) << b.error().code << ": " << b.error().message;
    EXPECT_EQ(b->schemaVersion, store::kSchemaVersion);
    EXPECT_GT(b->bytes, 0u);
  }
  EXPECT_EQ(modeOf(dir / "copy.db"), 0600u);
  EXPECT_EQ(modeOf(dir / "copy.db.key"), 0600u);
  const auto v = store::verifyStore(dir / "copy.db");
  EXPECT_TRUE(v.ok()) << codes(v);
  auto copy = openOrFail(dir / "copy.db");
  ASSERT_TRUE(copy);
  EXPECT_EQ(copy->studentKey(kIds[0]), keyOfFirst) << "the key came along";
  auto students = copy->students("s1", "");
  ASSERT_TRUE(students);
  ASSERT_EQ(students->size(), 2u);
  EXPECT_EQ(students->at(0).declarationNo, "ZJ2027000001");
}

TEST(StoreBackup, TakenDuringAWriteHoldsOnlyWhatWasCommitted) {
  TempDir dir;
  const fs::path db = dir / "state.db";
  auto s = openOrFail(db);
  ASSERT_TRUE(s);
  fill(*s);
  // Another connection in the middle of a write transaction, as a pass between two statements.
  sqlite3* writer = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db.c_str(), &writer, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(writer,
                         "BEGIN IMMEDIATE; INSERT INTO facts (school, name, value, updated_at) "
                         "VALUES ('s1', 'half', 'written', 'now')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  auto b = store::backupStore(db, dir / "copy.db", false);
  ASSERT_TRUE(b) << b.error().code << ": " << b.error().message;
  ASSERT_EQ(sqlite3_exec(writer, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(writer);
  EXPECT_EQ(rawQuery(dir / "copy.db", "SELECT value FROM facts WHERE name = 'half'"), "<none>");
  EXPECT_EQ(rawQuery(dir / "copy.db", "SELECT count(*) FROM students"), "2");
  EXPECT_EQ(rawQuery(db, "SELECT value FROM facts WHERE name = 'half'"), "written");
}

TEST(StoreBackup, RefusesALinkAndAnExistingFileUnlessAskedToReplaceIt) {
  TempDir dir;
  const fs::path db = dir / "state.db";
  {
    auto s = openOrFail(db);
    ASSERT_TRUE(s);
    fill(*s);
  }
  {
    std::ofstream(dir / "victim") << "keep me";
  }
  fs::create_symlink(dir / "victim", dir / "link.db");
  for (bool overwrite : {false, true}) {
    auto b = store::backupStore(db, dir / "link.db", overwrite);
    ASSERT_FALSE(b);
    EXPECT_EQ(b.error().code, "STORE_BACKUP_LINK");
  }
  // A link planted as the key file is refused the same way.
  fs::create_symlink(dir / "victim", dir / "other.db.key");
  auto viaKey = store::backupStore(db, dir / "other.db", true);
  ASSERT_FALSE(viaKey);
  EXPECT_EQ(viaKey.error().code, "STORE_BACKUP_LINK");
  EXPECT_EQ(readFile(dir / "victim"), "keep me");
  EXPECT_FALSE(fs::exists(dir / "other.db"));

  ASSERT_TRUE(store::backupStore(db, dir / "copy.db", false));
  auto again = store::backupStore(db, dir / "copy.db", false);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "STORE_BACKUP_EXISTS");
  EXPECT_TRUE(store::backupStore(db, dir / "copy.db", true));
}

TEST(StoreVerify, ASoundStorePassesAndAMissingOneIsNotFound) {
  TempDir dir;
  {
    auto s = openOrFail(dir / "state.db");
    ASSERT_TRUE(s);
    fill(*s);
    const auto open = store::verifyStore(dir / "state.db");  // while open (WAL)
    EXPECT_TRUE(open.ok()) << codes(open);
  }
  const auto v = store::verifyStore(dir / "state.db");
  EXPECT_TRUE(v.ok()) << codes(v);
  EXPECT_TRUE(v.integrityOk);
  EXPECT_TRUE(v.keyMatches);
  EXPECT_EQ(v.schemaVersion, store::kSchemaVersion);
  const auto none = store::verifyStore(dir / "absent.db");
  EXPECT_FALSE(none.found);
  EXPECT_FALSE(none.ok());
  EXPECT_TRUE(hasCode(none, "STORE_VERIFY_MISSING"));
}

// A store file that is a symbolic link is neither opened nor verified: a link planted where the
// store or a backup is expected cannot send zzjb to another file. (The checks before opening
// refuse it; SQLITE_OPEN_NOFOLLOW refuses one planted between that check and the open, which
// this test cannot time.)
TEST(StoreVerify, AStoreThatIsALinkIsNeitherOpenedNorVerified) {
  TempDir dir;
  {
    auto s = openOrFail(dir / "real.db");
    ASSERT_TRUE(s);
    fill(*s);
  }
  fs::create_symlink(dir / "real.db", dir / "link.db");
  fs::create_symlink(dir / "real.db.key", dir / "link.db.key");
  const auto v = store::verifyStore(dir / "link.db");
  EXPECT_FALSE(v.ok()) << codes(v);
  auto opened = store::openSqliteStore(dir / "link.db");
  EXPECT_FALSE(opened.has_value());
}

TEST(StoreVerify, FindsADamagedFile) {
  TempDir dir;
  const fs::path db = dir / "state.db";
  {
    auto s = openOrFail(db);
    ASSERT_TRUE(s);
    fill(*s);
  }
  ASSERT_FALSE(fs::exists(dir / "state.db-wal") && fs::file_size(dir / "state.db-wal") > 0);
  // Garbage over every page after the first: the tables' b-trees no longer read.
  const auto size = fs::file_size(db);
  ASSERT_GT(size, 8192u);
  {
    std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);
    const std::string junk(static_cast<std::size_t>(size - 4096), '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  const auto v = store::verifyStore(db);
  EXPECT_FALSE(v.ok());
  EXPECT_FALSE(v.integrityOk);
  EXPECT_TRUE(hasCode(v, "STORE_VERIFY_INTEGRITY") || hasCode(v, "STORE_CORRUPT")) << codes(v);

  // Not a database at all.
  {
    std::ofstream(dir / "text.db") << std::string(8192, 'x');
  }
  ASSERT_TRUE(fs::copy_file(dir / "state.db.key", dir / "text.db.key"));
  const auto text = store::verifyStore(dir / "text.db");
  EXPECT_FALSE(text.ok());
  EXPECT_TRUE(hasCode(text, "STORE_CORRUPT")) << codes(text);
}

TEST(StoreVerify, FindsAKeyThatIsNotTheStoresOwn) {
  TempDir dir;
  {
    auto s = openOrFail(dir / "state.db");
    ASSERT_TRUE(s);
    fill(*s);
    auto other = openOrFail(dir / "other.db");  // a store of its own, with another key
    ASSERT_TRUE(other);
  }
  fs::copy_file(dir / "other.db.key", dir / "state.db.key", fs::copy_options::overwrite_existing);
  ::chmod((dir / "state.db.key").c_str(), 0600);
  const auto v = store::verifyStore(dir / "state.db");
  EXPECT_FALSE(v.ok());
  EXPECT_FALSE(v.keyMatches);
  EXPECT_TRUE(hasCode(v, "STORE_KEY_MISMATCH")) << codes(v);
  EXPECT_TRUE(v.integrityOk) << "the database itself is sound";
  // A backup is refused as well: it could never be restored.
  auto b = store::backupStore(dir / "state.db", dir / "copy.db", false);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, "STORE_KEY_MISMATCH");
}

TEST(StoreVerify, AFutureSchemaIsAnErrorAnOlderOneANote) {
  TempDir dir;
  {
    auto s = openOrFail(dir / "state.db");
    ASSERT_TRUE(s);
  }
  rawExec(dir / "state.db", "PRAGMA user_version = " + std::to_string(store::kSchemaVersion + 1));
  const auto future = store::verifyStore(dir / "state.db");
  EXPECT_FALSE(future.ok());
  EXPECT_TRUE(hasCode(future, "STORE_SCHEMA_TOO_NEW")) << codes(future);
  rawExec(dir / "state.db", "PRAGMA user_version = " + std::to_string(store::kSchemaVersion - 1));
  const auto older = store::verifyStore(dir / "state.db");
  EXPECT_TRUE(older.ok()) << codes(older);
  EXPECT_TRUE(hasCode(older, "STORE_VERIFY_OLDER_SCHEMA")) << codes(older);
  EXPECT_EQ(rawQuery(dir / "state.db", "PRAGMA user_version"),
            std::to_string(store::kSchemaVersion - 1))
      << "verify never migrates";
}

// ---- reconcileTarget ------------------------------------------------------------------------

PlatformStudent held(const std::string& id, DeclarationResult r, const std::string& batch,
                     const std::string& reason = "", const std::string& number = "") {
  PlatformStudent p;
  p.idNumber = id;
  p.result = r;
  p.batchId = batch;
  p.reason = reason;
  p.declarationNo = number;
  return p;
}

TEST(StoreReconcile, AnEmptyStoreTakesThePlatformsResultsAndASecondRunChangesNothing) {
  TempDir dir;
  auto s = openOrFail(dir / "state.db");
  ASSERT_TRUE(s);
  const std::vector<PlatformBatchRef> batches{{"B-7", BatchStatus::Done}};
  const std::vector<PlatformStudent> students{
      held(kIds[0], DeclarationResult::Accepted, "B-7", "", "ZJ2027000007"),
      held(kIds[1], DeclarationResult::Rejected, "B-7", "NOT_GRADUATING")};
  auto first = s->reconcileTarget("s1", kTarget, batches, students);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->added, 2u);
  EXPECT_EQ(first->batchesAdded, 1u);
  auto recs = s->students("s1", kTarget);
  ASSERT_TRUE(recs);
  ASSERT_EQ(recs->size(), 2u);
  EXPECT_EQ(recs->at(0).result, DeclarationResult::Accepted);
  EXPECT_EQ(recs->at(0).declarationNo, "ZJ2027000007");
  EXPECT_EQ(recs->at(0).batchId, "B-7");
  EXPECT_EQ(recs->at(1).result, DeclarationResult::Rejected);
  EXPECT_EQ(recs->at(1).reason, "NOT_GRADUATING");
  // Neither is declared again, and nothing is left open for a pass to poll.
  auto todo = s->studentsNotYetDeclared("s1", kTarget, {{kIds[0], "2027"}, {kIds[1], "2027"}});
  ASSERT_TRUE(todo);
  EXPECT_TRUE(todo->empty());
  auto open = s->openBatches("s1");
  ASSERT_TRUE(open);
  EXPECT_TRUE(open->empty());
  auto pending = s->pendingIntents("s1");
  ASSERT_TRUE(pending);
  EXPECT_TRUE(pending->empty());

  auto second = s->reconcileTarget("s1", kTarget, batches, students);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->added + second->changed + second->removed + second->batchesAdded, 0u);
  EXPECT_EQ(second->unchanged, 2u);
}

TEST(StoreReconcile, ARestoredStoreLosesWhatThePlatformDoesNotHoldAndKeepsWhatAPassOwes) {
  TempDir dir;
  auto s = openOrFail(dir / "state.db");
  ASSERT_TRUE(s);
  fill(*s);  // B-1: ids 0 ACCEPTED, 1 REJECTED
  // An unanswered batch intent with id 2 PENDING: the pass looks it up by its key.
  ASSERT_TRUE(s->beginIntent({"k-open", "s1", "batch", kTarget, "batch"}, {{kIds[2], "2027"}}));
  // The platform holds id 0 (accepted in B-1), id 1 now ACCEPTED in B-2 (after the record was
  // taken), and B-3 with id 2 — the batch of the unanswered intent — and id 3.
  const std::vector<PlatformBatchRef> batches{
      {"B-1", BatchStatus::Done}, {"B-2", BatchStatus::Done}, {"B-3", BatchStatus::Done}};
  const std::vector<PlatformStudent> students{
      held(kIds[0], DeclarationResult::Accepted, "B-1", "", "ZJ2027000001"),
      held(kIds[1], DeclarationResult::Accepted, "B-2", "", "ZJ2027000002"),
      held(kIds[2], DeclarationResult::Accepted, "B-3", "", "ZJ2027000003"),
      held(kIds[3], DeclarationResult::Accepted, "B-3", "", "ZJ2027000004")};
  auto c = s->reconcileTarget("s1", kTarget, batches, students);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->unchanged, 1u);
  EXPECT_EQ(c->changed, 1u);
  EXPECT_EQ(c->leftToPass, 2u) << "B-3 is the unanswered intent's batch";
  EXPECT_EQ(c->added, 0u);
  EXPECT_EQ(c->batchesAdded, 1u);  // B-2
  auto one = s->students("s1", kTarget);
  ASSERT_TRUE(one);
  ASSERT_EQ(one->size(), 3u);
  EXPECT_EQ(one->at(1).result, DeclarationResult::Accepted);
  EXPECT_EQ(one->at(1).batchId, "B-2");
  EXPECT_EQ(one->at(2).result, DeclarationResult::Pending);

  // The platform lost nothing, but holds no row of id 0 for this target any more (a store
  // restored from another world): its record goes, so the next pass declares it; the PENDING
  // one stays.
  auto d = s->reconcileTarget("s1", kTarget, {{"B-2", BatchStatus::Done}},
                              {held(kIds[1], DeclarationResult::Accepted, "B-2", "",
                                    "ZJ2027000002")});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->removed, 1u);
  EXPECT_EQ(d->leftToPass, 1u);
  auto todo = s->studentsNotYetDeclared("s1", kTarget, {{kIds[0], "2027"}, {kIds[2], "2027"}});
  ASSERT_TRUE(todo);
  EXPECT_EQ(*todo, std::vector<std::string>{kIds[0]});
}

}  // namespace
}  // namespace zzjb::test::store_maintenance
