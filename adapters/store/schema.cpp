// The store's schema as numbered migrations (PRAGMA user_version), each in its own transaction.
// Append new migrations at the end and raise kSchemaVersion; never edit a released one.
#include <array>
#include <string>

#include "db.hpp"
#include "zzjb/store/sqlite_store.hpp"

namespace zzjb::store::detail {
namespace {

struct Migration {
  int version;
  const char* sql;
};

// Version 1: intents, applications, batches, one record per student per target.
constexpr const char* kV1 = R"SQL(
CREATE TABLE meta (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- One row per creating call, written and committed before the call is made.
CREATE TABLE intents (
  key             TEXT PRIMARY KEY,           -- the idempotency key sent to the platform
  school          TEXT NOT NULL,
  step            TEXT NOT NULL CHECK (step IN ('account', 'application', 'batch')),
  target_key      TEXT NOT NULL,
  request_summary TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  response_status TEXT,                       -- NULL: no answer recorded yet
  response_json   TEXT,
  responded_at    TEXT,
  CHECK ((response_status IS NULL) = (responded_at IS NULL))
) STRICT;
CREATE INDEX intents_pending ON intents (school, created_at) WHERE response_status IS NULL;

CREATE TABLE applications (
  school         TEXT NOT NULL,
  target_key     TEXT NOT NULL,
  application_id TEXT NOT NULL,
  status         TEXT NOT NULL,
  reason         TEXT NOT NULL DEFAULT '',
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (school, target_key)
) STRICT;

CREATE TABLE batches (
  batch_id   TEXT PRIMARY KEY,
  intent_key TEXT NOT NULL UNIQUE REFERENCES intents (key),
  school     TEXT NOT NULL,
  target_key TEXT NOT NULL,
  status     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX batches_open ON batches (school, created_at) WHERE status <> 'DONE';

-- No ID number in clear: student_key is HMAC-SHA256 under the store's secret key.
CREATE TABLE students (
  school          TEXT NOT NULL,
  target_key      TEXT NOT NULL,
  student_key     TEXT NOT NULL,
  masked_id       TEXT NOT NULL,
  graduation_year TEXT NOT NULL,
  result          TEXT NOT NULL CHECK (result IN ('PENDING', 'SENT', 'ACCEPTED', 'REJECTED')),
  reason          TEXT NOT NULL DEFAULT '',
  declaration_no  TEXT NOT NULL DEFAULT '',
  batch_id        TEXT REFERENCES batches (batch_id),
  intent_key      TEXT NOT NULL REFERENCES intents (key),
  updated_at      TEXT NOT NULL,
  PRIMARY KEY (school, target_key, student_key)
) STRICT;
CREATE INDEX students_cohort ON students (school, graduation_year);
CREATE INDEX students_intent ON students (intent_key);
CREATE INDEX students_batch ON students (batch_id);
)SQL";

// Version 2: passes (for status, reports and /healthz) and facts the engine observed.
constexpr const char* kV2 = R"SQL(
CREATE TABLE passes (
  id                INTEGER PRIMARY KEY,
  school            TEXT NOT NULL,
  started_at        TEXT NOT NULL,
  finished_at       TEXT NOT NULL,
  outcome           TEXT NOT NULL CHECK (outcome IN ('UP_TO_DATE', 'PROGRESSED', 'WAITING', 'FAILED', 'SKIPPED')),
  summary           TEXT NOT NULL,
  creating_requests INTEGER NOT NULL
) STRICT;
CREATE INDEX passes_school ON passes (school, id);

CREATE TABLE facts (
  school     TEXT NOT NULL,
  name       TEXT NOT NULL,
  value      TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (school, name)
) STRICT;
)SQL";

// Version 3: what was declared for each student (a keyed hash of the row's cells), so that a row
// REJECTED for a reason the roster can fix is declared again once it was corrected. '' for
// records made before: unknown, never re-declared on that ground. And the PENDING records of
// superseded intents (never sent: a lookup by key found nothing) are forgotten, as the engine
// now does, so that their students are declared anew.
constexpr const char* kV3 = R"SQL(
ALTER TABLE students ADD COLUMN row_fingerprint TEXT NOT NULL DEFAULT '';
DELETE FROM students WHERE result = 'PENDING' AND intent_key IN
  (SELECT key FROM intents WHERE step = 'batch' AND response_status = 'SUPERSEDED');
)SQL";

// Version 4: an intent's answer in typed columns instead of JSON the engine re-parsed: the state
// (response_status, as before: the state of what the step created, or SUPERSEDED), the id the
// call created (applicationId / batchId), the reviewer's reason (or why it was superseded) and
// the account's registeredAt, taken from the JSON the engine wrote before; response_json is kept
// for the rows that have it and no longer written. Applications recorded with a status no
// platform answer uses (PENDING_REVIEW, which only the report matched) read as UNDER_REVIEW.
constexpr const char* kV4 = R"SQL(
ALTER TABLE intents ADD COLUMN response_id TEXT NOT NULL DEFAULT '';
ALTER TABLE intents ADD COLUMN response_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE intents ADD COLUMN response_at TEXT NOT NULL DEFAULT '';
UPDATE intents SET
  response_id = COALESCE(json_extract(response_json, '$.applicationId'),
                         json_extract(response_json, '$.batchId'), ''),
  response_reason = COALESCE(json_extract(response_json, '$.reason'),
                             json_extract(response_json, '$.why'), ''),
  response_at = COALESCE(json_extract(response_json, '$.registeredAt'), '')
WHERE response_json IS NOT NULL AND json_valid(response_json);
UPDATE applications SET status = 'UNDER_REVIEW' WHERE status = 'PENDING_REVIEW';
)SQL";

constexpr std::array<Migration, 4> kMigrations{{{1, kV1}, {2, kV2}, {3, kV3}, {4, kV4}}};
static_assert(kMigrations.back().version == kSchemaVersion);

Result<int> userVersion(const Db& db) {
  auto v = db.queryText("PRAGMA user_version");
  if (!v) return std::unexpected(v.error());
  return v->has_value() ? std::stoi(**v) : 0;
}

Finding tooNew(const Db& db, int found) {
  return storeFinding("STORE_SCHEMA_TOO_NEW", db.path(),
                      {{"found", found}, {"known", kSchemaVersion}});
}

}  // namespace

Result<void> migrate(const Db& db) {
  auto current = userVersion(db);
  if (!current) return std::unexpected(current.error());
  if (*current > kSchemaVersion) return std::unexpected(tooNew(db, *current));
  for (const Migration& m : kMigrations) {
    if (m.version <= *current) continue;
    Transaction tx(db);
    if (auto r = tx.begin(); !r) return r;
    // Another process may have migrated since we looked: look again under the write lock.
    auto now = userVersion(db);
    if (!now) return std::unexpected(now.error());
    if (*now > kSchemaVersion) return std::unexpected(tooNew(db, *now));
    if (*now >= m.version) continue;
    if (sqlite3_exec(db.handle(), m.sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      Finding f = db.error("store.doing.migrate", {{"version", m.version}});
      f.code = "STORE_MIGRATION";
      f.hint = msg::text("STORE_MIGRATION.hint");
      return std::unexpected(f);
    }
    std::string setVersion = "PRAGMA user_version = " + std::to_string(m.version);
    if (auto r = db.exec(setVersion.c_str()); !r) return r;
    if (auto r = tx.commit(); !r) return r;
  }
  return {};
}

}  // namespace zzjb::store::detail
