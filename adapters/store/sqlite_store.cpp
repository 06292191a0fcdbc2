// StateStore on SQLite: WAL, synchronous=FULL, foreign keys, every write in one transaction.
#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "db.hpp"
#include "secret_key.hpp"
#include "zzjb/core/identifiers.hpp"
#include "zzjb/files/directory.hpp"
#include "zzjb/store/sqlite_store.hpp"

namespace zzjb::store {
namespace {

using detail::Db;
using detail::Stmt;
using detail::storeFinding;
using detail::Transaction;

constexpr const char* kNow = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
using detail::kKeyCheckMessage;
// The response the engine records for an unanswered intent it gives up (not found, not re-sent).
constexpr std::string_view kSuperseded = "SUPERSEDED";

std::string sqlNow(std::string sql) {
  std::string out;
  const std::string marker = "$NOW";
  std::size_t pos = 0;
  for (std::size_t at; (at = sql.find(marker, pos)) != std::string::npos; pos = at + marker.size()) {
    out += sql.substr(pos, at - pos);
    out += kNow;
  }
  out += sql.substr(pos);
  return out;
}

// A value in a typed column that this zzjb does not know: the store was written by something else.
// `what` is the catalog code of the kind of value (store.value.*).
Finding unknownValue(const Db& db, std::string_view what, const std::string& value,
                     msg::Args whatArgs = {}) {
  return storeFinding("STORE_CORRUPT", db.path(),
                      {{"what", msg::text(what, whatArgs)}, {"value", value}},
                      "STORE_CORRUPT.unknownValue");
}

// not-text: begin (SQL)
constexpr const char* kIntentColumns =
    "key, school, step, target_key, request_summary, created_at, response_status, "
    "response_id, response_reason, response_at, responded_at";
// not-text: end

// The intent's answer in its typed columns: response_status is the state of what the step
// created (by the step) or SUPERSEDED; NULL while unanswered.
Result<IntentState> readIntent(const Db& db, const Stmt& s) {
  IntentState st;
  st.intent.key = s.text(0);
  st.intent.school = s.text(1);
  st.intent.step = s.text(2);
  st.intent.targetKey = s.text(3);
  st.intent.requestSummary = s.text(4);
  st.createdAt = s.text(5);
  st.respondedAt = s.text(10);
  if (s.isNull(6)) return st;
  const std::string status = s.text(6);
  IntentResponse& r = st.response;
  r.id = s.text(7);
  r.reason = s.text(8);
  r.at = s.text(9);
  bool known = true;
  if (status == kSuperseded) {
    r.status = IntentStatus::Superseded;
  } else if (st.intent.step == "account") {
    r.account = parseAccountStatus(status);
    known = r.account.has_value();
  } else if (st.intent.step == "application") {
    r.application = parseApplicationStatus(status);
    known = r.application.has_value();
  } else {
    r.batch = parseBatchStatus(status);
    known = r.batch.has_value();
  }
  if (!known)
    return std::unexpected(
        unknownValue(db, "store.value.answer", status, {{"step", st.intent.step}}));
  st.status = r.status;
  return st;
}

// What response_status holds for an answer; "" when the answer names no state.
std::string responseStatusText(const IntentResponse& r) {
  if (r.status == IntentStatus::Superseded) return std::string(kSuperseded);
  if (r.account) return accountStatusName(*r.account);
  if (r.application) return applicationStatusName(*r.application);
  if (r.batch) return batchStatusName(*r.batch);
  return {};
}

// not-text: begin (SQL)
constexpr const char* kStudentColumns =
    "school, target_key, student_key, masked_id, graduation_year, result, reason, "
    "declaration_no, batch_id, intent_key, updated_at";
// not-text: end

StudentRecord readStudent(const Stmt& s) {
  StudentRecord r;
  r.school = s.text(0);
  r.targetKey = s.text(1);
  r.studentKey = s.text(2);
  r.maskedId = s.text(3);
  r.graduationYear = s.text(4);
  r.result = parseDeclarationResult(s.text(5)).value_or(DeclarationResult::Pending);
  r.reason = s.text(6);
  r.declarationNo = s.text(7);
  r.batchId = s.text(8);
  r.intentKey = s.text(9);
  r.updatedAt = s.text(10);
  return r;
}

Result<Batch> readBatch(const Db& db, const Stmt& s) {
  Batch b;
  b.batchId = s.text(0);
  b.intentKey = s.text(1);
  b.school = s.text(2);
  b.targetKey = s.text(3);
  auto status = parseBatchStatus(s.text(4));
  if (!status) return std::unexpected(unknownValue(db, "store.value.batchStatus", s.text(4)));
  b.status = *status;
  b.updatedAt = s.text(5);
  return b;
}

Result<Application> readApplication(const Db& db, const Stmt& s) {
  auto status = parseApplicationStatus(s.text(3));
  if (!status) return std::unexpected(unknownValue(db, "store.value.applicationStatus", s.text(3)));
  return Application{s.text(0), s.text(1), s.text(2), *status, s.text(4), s.text(5)};
}

// ID numbers as the store hashes them: no surrounding spaces, check letter upper-case.
std::string normalizeId(std::string_view id) {
  std::string s;
  for (char c : id) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) continue;
    s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return s;
}

class SqliteStateStore final : public StateStore {
 public:
  explicit SqliteStateStore(std::string secretKey)
      : hasher_(secretKey) {
    std::fill(secretKey.begin(), secretKey.end(), '\0');  // the hasher keeps only its pads
  }
  SqliteStateStore(const SqliteStateStore&) = delete;
  SqliteStateStore& operator=(const SqliteStateStore&) = delete;

  Db& db() { return db_; }

  [[nodiscard]] std::string studentKey(std::string_view idNumber) const override {
    return hasher_.hex(normalizeId(idNumber));
  }

  Result<IntentState> beginIntent(const Intent& intent,
                                  const std::vector<StudentEntry>& rows) override {
    static constexpr std::array<std::string_view, 3> kSteps{"account", "application", "batch"};
    if (intent.key.empty() ||
        std::find(kSteps.begin(), kSteps.end(), intent.step) == kSteps.end() ||
        (!rows.empty() && intent.step != "batch")) {
      return std::unexpected(storeFinding("STORE_INVALID_INTENT", db_.path(),
                                          {{"step", intent.step}}, "STORE_INVALID_INTENT.step"));
    }
    Transaction tx(db_);
    if (auto r = tx.begin(); !r) return std::unexpected(r.error());
    auto existing = findIntent(intent.key);
    if (!existing) return std::unexpected(existing.error());
    if (existing->has_value()) {
      const Intent& old = (*existing)->intent;
      if (old.school != intent.school || old.step != intent.step ||
          old.targetKey != intent.targetKey) {
        return std::unexpected(storeFinding("STORE_INTENT_CONFLICT", db_.path(),
                                            {{"key", intent.key},
                                             {"school", old.school},
                                             {"step", old.step},
                                             {"target", old.targetKey}}));
      }
      if ((*existing)->status != IntentStatus::Superseded) return **existing;
    }
    if (existing->has_value()) {
      // Superseded: the platform never had it (a lookup by its key found nothing) and its PENDING
      // students were forgotten; the same content wanted again is begun anew under its key.
      auto reopen = db_.prepare(
          "UPDATE intents SET request_summary = ?2, response_status = NULL, "
          "response_json = NULL, response_id = '', response_reason = '', response_at = '', "
          "responded_at = NULL WHERE key = ?1");
      if (!reopen) return std::unexpected(reopen.error());
      reopen->bind(1, intent.key);
      reopen->bind(2, intent.requestSummary);
      if (auto r = db_.run(*reopen, "store.doing.reopenIntent"); !r) {
        return std::unexpected(r.error());
      }
      auto forget = db_.prepare(
          "DELETE FROM students WHERE intent_key = ?1 AND result = 'PENDING'");
      if (!forget) return std::unexpected(forget.error());
      forget->bind(1, intent.key);
      if (auto r = db_.run(*forget, "store.doing.reopenIntent"); !r) {
        return std::unexpected(r.error());
      }
    } else {
      auto ins = db_.prepare(sqlNow(
          "INSERT INTO intents (key, school, step, target_key, request_summary, created_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, $NOW)"));
      if (!ins) return std::unexpected(ins.error());
      ins->bind(1, intent.key);
      ins->bind(2, intent.school);
      ins->bind(3, intent.step);
      ins->bind(4, intent.targetKey);
      ins->bind(5, intent.requestSummary);
      if (auto r = db_.run(*ins, "store.doing.recordIntent"); !r) return std::unexpected(r.error());
    }
    if (!rows.empty()) {
      auto st = db_.prepare(sqlNow(
          "INSERT INTO students (school, target_key, student_key, masked_id, graduation_year, "
          "result, intent_key, row_fingerprint, updated_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, 'PENDING', ?6, ?7, $NOW)"));
      if (!st) return std::unexpected(st.error());
      // A corrected row replaces its REJECTED record (studentsNotYetDeclared returned it).
      auto replace = db_.prepare(sqlNow(
          "UPDATE students SET masked_id = ?4, graduation_year = ?5, result = 'PENDING', "
          "reason = '', declaration_no = '', batch_id = NULL, intent_key = ?6, "
          "row_fingerprint = ?7, updated_at = $NOW "
          "WHERE school = ?1 AND target_key = ?2 AND student_key = ?3 AND result = 'REJECTED'"));
      if (!replace) return std::unexpected(replace.error());
      for (const StudentEntry& row : rows) {
        const std::string key = studentKey(row.idNumber);
        const std::string masked = maskId(normalizeId(row.idNumber));
        const std::string fingerprint = keyedFingerprint(row.fingerprint);
        auto bindRow = [&](Stmt& q) {
          q.reset();
          q.bind(1, intent.school);
          q.bind(2, intent.targetKey);
          q.bind(3, key);
          q.bind(4, masked);
          q.bind(5, row.graduationYear);
          q.bind(6, intent.key);
          q.bind(7, fingerprint);
        };
        bindRow(*st);
        if (st->step() == SQLITE_DONE) continue;
        if (sqlite3_extended_errcode(db_.handle()) != SQLITE_CONSTRAINT_PRIMARYKEY) {
          return std::unexpected(db_.error("store.doing.recordBatchStudents"));
        }
        st->reset();
        auto again = redeclarable(intent.school, intent.targetKey, key, fingerprint);
        if (!again) return std::unexpected(again.error());
        if (!*again) {
          return std::unexpected(storeFinding(
              "STORE_STUDENT_ALREADY_RECORDED", db_.path(),
              {{"student", masked}, {"target", intent.targetKey}, {"school", intent.school}}));
        }
        bindRow(*replace);
        if (auto r = db_.run(*replace, "store.doing.replaceRejected"); !r) {
          return std::unexpected(r.error());
        }
      }
    }
    auto stored = findIntent(intent.key);
    if (!stored) return std::unexpected(stored.error());
    if (auto r = tx.commit(); !r) return std::unexpected(r.error());
    IntentState state = stored->value_or(IntentState{});
    state.created = true;
    return state;
  }

  Result<void> recordResponse(std::string_view key, const IntentResponse& response) override {
    const std::string status = responseStatusText(response);
    if (status.empty()) {
      return std::unexpected(storeFinding("STORE_INVALID_INTENT", db_.path(), {{"key", key}},
                                          "STORE_INVALID_INTENT.noState"));
    }
    Transaction tx(db_);
    if (auto r = tx.begin(); !r) return r;
    // response_json is no longer written: the typed columns hold the answer (schema version 4).
    auto up = db_.prepare(sqlNow(
        "UPDATE intents SET response_status = ?2, response_json = NULL, response_id = ?3, "
        "response_reason = ?4, response_at = ?5, responded_at = $NOW WHERE key = ?1"));
    if (!up) return std::unexpected(up.error());
    up->bind(1, key);
    up->bind(2, status);
    up->bind(3, response.id);
    up->bind(4, response.reason);
    up->bind(5, response.at);
    if (auto r = db_.run(*up, "store.doing.recordResponse"); !r) return r;
    if (sqlite3_changes(db_.handle()) == 0) return std::unexpected(unknownIntent(key));
    return tx.commit();
  }

  Result<std::optional<IntentState>> intent(std::string_view key) override {
    return findIntent(key);
  }

  Result<std::vector<IntentState>> pendingIntents(std::string_view school) override {
    auto s = db_.prepare(std::string("SELECT ") + kIntentColumns +
                         " FROM intents WHERE school = ?1 AND response_status IS NULL"
                         " ORDER BY created_at, rowid");
    if (!s) return std::unexpected(s.error());
    s->bind(1, school);
    std::vector<IntentState> out;
    int rc;
    while ((rc = s->step()) == SQLITE_ROW) {
      auto in = readIntent(db_, *s);
      if (!in) return std::unexpected(in.error());
      out.push_back(std::move(*in));
    }
    if (rc != SQLITE_DONE) return std::unexpected(db_.error("store.doing.listPendingIntents"));
    return out;
  }

  Result<void> putApplication(const Application& a) override {
    Transaction tx(db_);
    if (auto r = tx.begin(); !r) return r;
    // not-text: begin (SQL)
    auto s = db_.prepare(sqlNow(
        "INSERT INTO applications (school, target_key, application_id, status, reason, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, $NOW) ON CONFLICT (school, target_key) DO "
        "UPDATE SET updated_at = CASE WHEN application_id = ?3 AND status = ?4 AND reason = ?5 "
        "THEN updated_at ELSE $NOW END, application_id = ?3, status = ?4, reason = ?5"));
    // not-text: end
    if (!s) return std::unexpected(s.error());
    s->bind(1, a.school);
    s->bind(2, a.targetKey);
    s->bind(3, a.applicationId);
    s->bind(4, applicationStatusName(a.status));
    s->bind(5, a.reason);
    if (auto r = db_.run(*s, "store.doing.recordApplication"); !r) return r;
    return tx.commit();
  }

  Result<std::optional<Application>> application(std::string_view school,
                                                 std::string_view targetKey) override {
    auto s = db_.prepare(
        "SELECT school, target_key, application_id, status, reason, updated_at "
        "FROM applications WHERE school = ?1 AND target_key = ?2");
    if (!s) return std::unexpected(s.error());
    s->bind(1, school);
    s->bind(2, targetKey);
    int rc = s->step();
    if (rc == SQLITE_DONE) return std::optional<Application>();
    if (rc != SQLITE_ROW) return std::unexpected(db_.error("store.doing.readApplication"));
    auto a = readApplication(db_, *s);
    if (!a) return std::unexpected(a.error());
    return std::optional<Application>(std::move(*a));
  }

  Result<std::vector<Application>> applications(std::string_view school) override {
    auto s = db_.prepare(
        "SELECT school, target_key, application_id, status, reason, updated_at "
        "FROM applications WHERE school = ?1 ORDER BY target_key");
    if (!s) return std::unexpected(s.error());
    s->bind(1, school);
    std::vector<Application> out;
    int rc;
    while ((rc = s->step()) == SQLITE_ROW) {
      auto a = readApplication(db_, *s);
      if (!a) return std::unexpected(a.error());
      out.push_back(std::move(*a));
    }
    if (rc != SQLITE_DONE) return std::unexpected(db_.error("store.doing.listApplications"));
    return out;
  }

  Result<void> recordPass(const PassRecord& p) override {
    Transaction tx(db_);
    if (auto r = tx.begin(); !r) return r;
    auto s = db_.prepare(
        "INSERT INTO passes (school, started_at, finished_at, outcome, summary, "
        "creating_requests) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!s) return std::unexpected(s.error());
    s->bind(1, p.school);
    s->bind(2, p.startedAt);
    s->bind(3, p.finishedAt);
    s->bind(4, schoolOutcomeName(p.outcome));
    s->bind(5, p.summary);
    s->bind(6, std::to_string(p.creatingRequests));
    if (auto r = db_.run(*s, "store.doing.recordPass"); !r) return r;
    return tx.commit();
  }

  Result<std::optional<PassRecord>> lastPass(std::string_view school) override {
    return readPass(school, false);
  }
  Result<std::optional<PassRecord>> lastSuccessfulPass(std::string_view school) override {
    return readPass(school, true);
  }

  Result<void> putFact(std::string_view school, std::string_view name,
                       std::string_view value) override {
    Transaction tx(db_);
    if (auto r = tx.begin(); !r) return r;
    auto s = db_.prepare(sqlNow(
        "INSERT INTO facts (school, name, value, updated_at) VALUES (?1, ?2, ?3, $NOW) "
        "ON CONFLICT (school, name) DO UPDATE SET value = ?3, updated_at = $NOW"));
    if (!s) return std::unexpected(s.error());
    s->bind(1, school);
    s->bind(2, name);
    s->bind(3, value);
    if (auto r = db_.run(*s, "store.doing.recordFact"); !r) return r;
    return tx.commit();
  }

  Result<std::optional<std::string>> fact(std::string_view school,
                                          std::string_view name) override {
    auto s = db_.prepare("SELECT value FROM facts WHERE school = ?1 AND name = ?2");
    if (!s) return std::unexpected(s.error());
    s->bind(1, school);
    s->bind(2, name);
    int rc = s->step();
    if (rc == SQLITE_DONE) return std::optional<std::string>();
    if (rc != SQLITE_ROW) return std::unexpected(db_.error("store.doing.readFact"));
    return std::optional<std::string>(s->text(0));
  }

  Result<void> putAccountStatus(std::string_view school, AccountStatus status) override {
    return putFact(school, "account", accountStatusName(status));
  }

  Result<std::optional<AccountStatus>> accountStatus(std::string_view school) override {
    auto v = fact(school, "account");
    if (!v) return std::unexpected(v.error());
    if (!*v) return std::optional<AccountStatus>();
    auto status = parseAccountStatus(**v);
    if (!status) return std::unexpected(unknownValue(db_, "store.value.accountStatus", **v));
    return std::optional<AccountStatus>(*status);
  }

  Result<void> putBatch(const Batch& b) override {
    Transaction tx(db_);
    if (auto r = tx.begin(); !r) return r;
    auto owner = findIntent(b.intentKey);
    if (!owner) return std::unexpected(owner.error());
    if (!owner->has_value()) return std::unexpected(unknownIntent(b.intentKey));
    auto old = db_.prepare("SELECT intent_key FROM batches WHERE batch_id = ?1");
    if (!old) return std::unexpected(old.error());
    old->bind(1, b.batchId);
    int rc = old->step();
    if (rc == SQLITE_ROW && old->text(0) != b.intentKey) {
      return std::unexpected(storeFinding(
          "STORE_BATCH_CONFLICT", db_.path(),
          {{"batch", b.batchId}, {"recorded", old->text(0)}, {"intent", b.intentKey}}));
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      return std::unexpected(db_.error("store.doing.readBatch"));
    auto s = db_.prepare(sqlNow(
        "INSERT INTO batches (batch_id, intent_key, school, target_key, status, created_at, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, $NOW, $NOW) ON CONFLICT (batch_id) DO UPDATE "
        "SET status = ?5, updated_at = $NOW"));
    if (!s) return std::unexpected(s.error());
    s->bind(1, b.batchId);
    s->bind(2, b.intentKey);
    s->bind(3, b.school);
    s->bind(4, b.targetKey);
    s->bind(5, batchStatusName(b.status));
    if (auto r = db_.run(*s, "store.doing.recordBatch"); !r) return r;
    auto sent = db_.prepare(sqlNow(
        "UPDATE students SET result = 'SENT', batch_id = ?1, updated_at = $NOW "
        "WHERE intent_key = ?2 AND result = 'PENDING'"));
    if (!sent) return std::unexpected(sent.error());
    sent->bind(1, b.batchId);
    sent->bind(2, b.intentKey);
    if (auto r = db_.run(*sent, "store.doing.markSent"); !r) return r;
    return tx.commit();
  }

  Result<std::size_t> keepOnlyStudents(std::string_view intentKey,
                                       const std::vector<StudentEntry>& kept) override {
    std::map<std::string, std::string> keep;  // student key → keyed fingerprint
    for (const StudentEntry& e : kept) keep[studentKey(e.idNumber)] = keyedFingerprint(e.fingerprint);
    Transaction tx(db_);
    if (auto r = tx.begin(); !r) return std::unexpected(r.error());
    auto sel = db_.prepare(
        "SELECT school, target_key, student_key FROM students "
        "WHERE intent_key = ?1 AND result = 'PENDING' ORDER BY rowid");
    if (!sel) return std::unexpected(sel.error());
    sel->bind(1, intentKey);
    std::vector<std::array<std::string, 3>> pending;
    int rc;
    while ((rc = sel->step()) == SQLITE_ROW) {
      pending.push_back({sel->text(0), sel->text(1), sel->text(2)});
    }
    if (rc != SQLITE_DONE) return std::unexpected(db_.error("store.doing.listIntentStudents"));
    sel->reset();
    auto del = db_.prepare(
        "DELETE FROM students WHERE school = ?1 AND target_key = ?2 AND student_key = ?3 "
        "AND result = 'PENDING'");
    if (!del) return std::unexpected(del.error());
    auto fp = db_.prepare(sqlNow(
        "UPDATE students SET row_fingerprint = ?4, updated_at = $NOW WHERE school = ?1 AND "
        "target_key = ?2 AND student_key = ?3 AND result = 'PENDING' AND row_fingerprint <> ?4"));
    if (!fp) return std::unexpected(fp.error());
    std::size_t forgotten = 0;
    for (const auto& [school, target, key] : pending) {
      auto it = keep.find(key);
      if (it != keep.end() && it->second.empty()) continue;  // unknown: leave what is recorded
      Stmt& q = it == keep.end() ? *del : *fp;
      q.reset();
      q.bind(1, school);
      q.bind(2, target);
      q.bind(3, key);
      if (it != keep.end()) q.bind(4, it->second);
      if (auto r = db_.run(q, "store.doing.forgetStudent"); !r) {
        return std::unexpected(r.error());
      }
      if (it == keep.end()) forgotten += static_cast<std::size_t>(sqlite3_changes(db_.handle()));
    }
    if (auto r = tx.commit(); !r) return std::unexpected(r.error());
    return forgotten;
  }

  Result<std::vector<Batch>> openBatches(std::string_view school) override {
    auto s = db_.prepare(
        "SELECT batch_id, intent_key, school, target_key, status, updated_at FROM batches "
        "WHERE school = ?1 AND status <> 'DONE' ORDER BY created_at, rowid");
    if (!s) return std::unexpected(s.error());
    s->bind(1, school);
    std::vector<Batch> out;
    int rc;
    while ((rc = s->step()) == SQLITE_ROW) {
      auto b = readBatch(db_, *s);
      if (!b) return std::unexpected(b.error());
      out.push_back(std::move(*b));
    }
    if (rc != SQLITE_DONE) return std::unexpected(db_.error("store.doing.listOpenBatches"));
    return out;
  }

  Result<void> recordStudentResults(std::string_view school, std::string_view targetKey,
                                    const std::vector<StudentResult>& results) override {
    Transaction tx(db_);
    if (auto r = tx.begin(); !r) return r;
    auto s = db_.prepare(sqlNow(
        "UPDATE students SET result = ?4, reason = ?5, declaration_no = ?6, updated_at = $NOW "
        "WHERE school = ?1 AND target_key = ?2 AND student_key = ?3"));
    if (!s) return std::unexpected(s.error());
    for (const StudentResult& r : results) {
      s->reset();
      s->bind(1, school);
      s->bind(2, targetKey);
      s->bind(3, studentKey(r.idNumber));
      s->bind(4, declarationResultName(r.result));
      s->bind(5, r.reason);
      s->bind(6, r.declarationNo);
      if (auto done = db_.run(*s, "store.doing.recordResult"); !done) return done;
      if (sqlite3_changes(db_.handle()) == 0) {
        return std::unexpected(storeFinding("STORE_UNKNOWN_STUDENT", db_.path(),
                                            {{"student", maskId(normalizeId(r.idNumber))},
                                             {"target", targetKey},
                                             {"school", school}}));
      }
    }
    return tx.commit();
  }

  Result<std::vector<std::string>> studentsNotYetDeclared(
      std::string_view school, std::string_view targetKey,
      const std::vector<StudentEntry>& candidates) override {
    // One read transaction: a consistent snapshot of all candidates.
    if (auto r = db_.exec("BEGIN"); !r) return std::unexpected(r.error());
    auto s = db_.prepare(
        "SELECT result, reason, row_fingerprint FROM students "
        "WHERE school = ?1 AND target_key = ?2 AND student_key = ?3");
    if (!s) {
      static_cast<void>(db_.exec("ROLLBACK"));
      return std::unexpected(s.error());
    }
    std::vector<std::string> out;
    for (const StudentEntry& candidate : candidates) {
      s->reset();
      s->bind(1, school);
      s->bind(2, targetKey);
      s->bind(3, studentKey(candidate.idNumber));
      int rc = s->step();
      if (rc == SQLITE_DONE) {
        out.push_back(candidate.idNumber);
      } else if (rc == SQLITE_ROW) {
        if (correctedRejection(s->text(0), s->text(1), s->text(2),
                               keyedFingerprint(candidate.fingerprint))) {
          out.push_back(candidate.idNumber);
        }
      } else {
        Finding f = db_.error("store.doing.lookUpStudents");
        s->reset();
        static_cast<void>(db_.exec("ROLLBACK"));
        return std::unexpected(f);
      }
    }
    s->reset();
    if (auto r = db_.exec("COMMIT"); !r) return std::unexpected(r.error());
    return out;
  }

  Result<std::vector<StudentRecord>> students(std::string_view school,
                                              std::string_view targetKey) override {
    auto s = db_.prepare(std::string("SELECT ") + kStudentColumns +
                         " FROM students WHERE school = ?1 AND (?2 = '' OR target_key = ?2)"
                         " ORDER BY target_key, rowid");
    if (!s) return std::unexpected(s.error());
    s->bind(1, school);
    s->bind(2, targetKey);
    std::vector<StudentRecord> out;
    int rc;
    while ((rc = s->step()) == SQLITE_ROW) out.push_back(readStudent(*s));
    if (rc != SQLITE_DONE) return std::unexpected(db_.error("store.doing.listStudents"));
    return out;
  }

  Result<std::size_t> purgeCohort(std::string_view school,
                                  std::string_view graduationYear) override {
    std::size_t purged = 0;
    {
      Transaction tx(db_);
      if (auto r = tx.begin(); !r) return std::unexpected(r.error());
      auto open = db_.prepare(
          "SELECT count(*) FROM students WHERE school = ?1 AND graduation_year = ?2 "
          "AND result IN ('PENDING', 'SENT')");
      if (!open) return std::unexpected(open.error());
      open->bind(1, school);
      open->bind(2, graduationYear);
      if (open->step() != SQLITE_ROW) return std::unexpected(db_.error("store.doing.countCohort"));
      if (std::int64_t unfinished = open->int64(0); unfinished > 0) {
        return std::unexpected(
            storeFinding("STORE_PURGE_UNFINISHED", db_.path(),
                         {{"count", unfinished}, {"year", graduationYear}, {"school", school}}));
      }
      auto del = db_.prepare("DELETE FROM students WHERE school = ?1 AND graduation_year = ?2");
      if (!del) return std::unexpected(del.error());
      del->bind(1, school);
      del->bind(2, graduationYear);
      if (auto r = db_.run(*del, "store.doing.purgeCohort"); !r) return std::unexpected(r.error());
      purged = static_cast<std::size_t>(sqlite3_changes(db_.handle()));
      if (auto r = tx.commit(); !r) return std::unexpected(r.error());
    }
    // secure_delete zeroes the freed pages; the checkpoint moves them out of the WAL too.
    static_cast<void>(db_.exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    return purged;
  }

  Result<bool> renameTarget(std::string_view school, std::string_view from,
                            std::string_view to) override {
    Transaction tx(db_);
    if (auto r = tx.begin(); !r) return std::unexpected(r.error());
    static constexpr const char* kTables[] = {"intents", "applications", "batches", "students"};
    auto count = [&](std::string_view key) -> Result<std::int64_t> {
      std::int64_t n = 0;
      for (const char* table : kTables) {
        auto q = db_.prepare(std::string("SELECT count(*) FROM ") + table +
                             " WHERE school = ?1 AND target_key = ?2");
        if (!q) return std::unexpected(q.error());
        q->bind(1, school);
        q->bind(2, key);
        if (q->step() != SQLITE_ROW) return std::unexpected(db_.error("store.doing.renameTarget"));
        n += q->int64(0);
      }
      return n;
    };
    auto there = count(to);
    if (!there) return std::unexpected(there.error());
    if (*there > 0) return false;
    auto here = count(from);
    if (!here) return std::unexpected(here.error());
    if (*here == 0) return false;
    for (const char* table : kTables) {
      auto u = db_.prepare(std::string("UPDATE ") + table +
                           " SET target_key = ?3 WHERE school = ?1 AND target_key = ?2");
      if (!u) return std::unexpected(u.error());
      u->bind(1, school);
      u->bind(2, from);
      u->bind(3, to);
      if (auto r = db_.run(*u, "store.doing.renameTarget"); !r) return std::unexpected(r.error());
    }
    if (auto r = tx.commit(); !r) return std::unexpected(r.error());
    return true;
  }

  Result<ReconcileCounts> reconcileTarget(std::string_view school, std::string_view targetKey,
                                          const std::vector<PlatformBatchRef>& platformBatches,
                                          const std::vector<PlatformStudent>& platformStudents)
      override {
    ReconcileCounts counts;
    Transaction tx(db_);
    if (auto r = tx.begin(); !r) return std::unexpected(r.error());
    struct Recorded {
      std::string result, reason, declarationNo, batchId;
    };
    std::map<std::string, Recorded> recorded;  // student key → record of this target
    {
      auto q = db_.prepare(
          "SELECT student_key, result, reason, declaration_no, COALESCE(batch_id, '') "
          "FROM students WHERE school = ?1 AND target_key = ?2");
      if (!q) return std::unexpected(q.error());
      q->bind(1, school);
      q->bind(2, targetKey);
      int rc;
      while ((rc = q->step()) == SQLITE_ROW) {
        recorded[q->text(0)] = {q->text(1), q->text(2), q->text(3), q->text(4)};
      }
      if (rc != SQLITE_DONE) return std::unexpected(db_.error("store.doing.listStudents"));
    }
    // The batches the store knows: id → its intent, and whether it is still open here.
    auto knownBatch = db_.prepare("SELECT intent_key, status FROM batches WHERE batch_id = ?1");
    if (!knownBatch) return std::unexpected(knownBatch.error());
    std::map<std::string, std::string> intentOf;  // batch id → intent key (DONE batches)
    std::set<std::string> held;                   // batches whose rows the next pass records
    for (const PlatformBatchRef& b : platformBatches) {
      if (b.status != BatchStatus::Done) held.insert(b.batchId);
      knownBatch->reset();
      knownBatch->bind(1, b.batchId);
      int rc = knownBatch->step();
      if (rc == SQLITE_ROW) {
        if (knownBatch->text(1) != batchStatusName(BatchStatus::Done)) held.insert(b.batchId);
        intentOf[b.batchId] = knownBatch->text(0);
      } else if (rc != SQLITE_DONE) {
        return std::unexpected(db_.error("store.doing.readBatch"));
      }
    }
    knownBatch->reset();
    const std::string pending = declarationResultName(DeclarationResult::Pending);
    const std::string sent = declarationResultName(DeclarationResult::Sent);
    std::vector<std::string> keys;  // of platformStudents, in order
    keys.reserve(platformStudents.size());
    for (const PlatformStudent& p : platformStudents) {
      keys.push_back(studentKey(p.idNumber));
      auto it = recorded.find(keys.back());
      // Its rows are PENDING here: the batch of an unanswered intent, which the pass looks up.
      if (it != recorded.end() && it->second.result == pending) held.insert(p.batchId);
    }
    auto addIntent = db_.prepare(sqlNow(
        "INSERT INTO intents (key, school, step, target_key, request_summary, created_at, "
        "response_status, response_id, responded_at) "
        "VALUES (?1, ?2, 'batch', ?3, ?4, $NOW, 'DONE', ?5, $NOW)"));
    if (!addIntent) return std::unexpected(addIntent.error());
    auto addBatch = db_.prepare(sqlNow(
        "INSERT INTO batches (batch_id, intent_key, school, target_key, status, created_at, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, 'DONE', $NOW, $NOW)"));
    if (!addBatch) return std::unexpected(addBatch.error());
    for (const PlatformBatchRef& b : platformBatches) {
      if (held.contains(b.batchId) || intentOf.contains(b.batchId)) continue;
      const std::string key = "zzjb-rebuild-" + b.batchId;  // not-text: an intent key
      addIntent->reset();
      addIntent->bind(1, key);
      addIntent->bind(2, school);
      addIntent->bind(3, targetKey);
      addIntent->bind(4, "rebuild: batch " + b.batchId);  // not-text: a summary for lookups
      addIntent->bind(5, b.batchId);
      // INSERT OR: a rebuild intent left by an earlier run whose batch row is gone is reused.
      if (auto r = db_.run(*addIntent, "store.doing.recordIntent"); !r) {
        if (sqlite3_extended_errcode(db_.handle()) != SQLITE_CONSTRAINT_PRIMARYKEY) {
          return std::unexpected(r.error());
        }
        addIntent->reset();
      }
      addBatch->reset();
      addBatch->bind(1, b.batchId);
      addBatch->bind(2, key);
      addBatch->bind(3, school);
      addBatch->bind(4, targetKey);
      if (auto r = db_.run(*addBatch, "store.doing.recordBatch"); !r) {
        return std::unexpected(r.error());
      }
      intentOf[b.batchId] = key;
      ++counts.batchesAdded;
    }
    // not-text: begin (SQL)
    auto add = db_.prepare(sqlNow(
        "INSERT INTO students (school, target_key, student_key, masked_id, graduation_year, "
        "result, reason, declaration_no, batch_id, intent_key, row_fingerprint, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, '', $NOW)"));
    // not-text: end
    if (!add) return std::unexpected(add.error());
    auto set = db_.prepare(sqlNow(
        "UPDATE students SET result = ?4, reason = ?5, declaration_no = ?6, batch_id = ?7, "
        "intent_key = ?8, updated_at = $NOW "
        "WHERE school = ?1 AND target_key = ?2 AND student_key = ?3"));
    if (!set) return std::unexpected(set.error());
    std::set<std::string> onPlatform;
    for (std::size_t i = 0; i < platformStudents.size(); ++i) {
      const PlatformStudent& p = platformStudents[i];
      const std::string& key = keys[i];
      onPlatform.insert(key);
      auto intentKey = intentOf.find(p.batchId);
      if (held.contains(p.batchId) || intentKey == intentOf.end()) {
        ++counts.leftToPass;
        continue;
      }
      const std::string result = declarationResultName(p.result);
      auto it = recorded.find(key);
      if (it == recorded.end()) {
        add->reset();
        add->bind(1, school);
        add->bind(2, targetKey);
        add->bind(3, key);
        add->bind(4, maskId(normalizeId(p.idNumber)));
        add->bind(5, p.graduationYear);
        add->bind(6, result);
        add->bind(7, p.reason);
        add->bind(8, p.declarationNo);
        add->bind(9, p.batchId);
        add->bind(10, intentKey->second);
        if (auto r = db_.run(*add, "store.doing.recordResult"); !r) {
          return std::unexpected(r.error());
        }
        ++counts.added;
        continue;
      }
      const Recorded& old = it->second;
      if (old.result == result && old.reason == p.reason &&
          old.declarationNo == p.declarationNo && old.batchId == p.batchId) {
        ++counts.unchanged;
        continue;
      }
      set->reset();
      set->bind(1, school);
      set->bind(2, targetKey);
      set->bind(3, key);
      set->bind(4, result);
      set->bind(5, p.reason);
      set->bind(6, p.declarationNo);
      set->bind(7, p.batchId);
      set->bind(8, intentKey->second);
      if (auto r = db_.run(*set, "store.doing.recordResult"); !r) return std::unexpected(r.error());
      ++counts.changed;
    }
    // Recorded here, held nowhere on the platform: no result it does not have.
    auto batchOpen = db_.prepare(
        "SELECT 1 FROM batches WHERE batch_id = ?1 AND status <> 'DONE'");
    if (!batchOpen) return std::unexpected(batchOpen.error());
    auto drop = db_.prepare(
        "DELETE FROM students WHERE school = ?1 AND target_key = ?2 AND student_key = ?3");
    if (!drop) return std::unexpected(drop.error());
    for (const auto& [key, rec] : recorded) {
      if (onPlatform.contains(key)) continue;
      bool keep = rec.result == pending;
      if (!keep && rec.result == sent) {
        batchOpen->reset();
        batchOpen->bind(1, rec.batchId);
        int rc = batchOpen->step();
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
          return std::unexpected(db_.error("store.doing.readBatch"));
        }
        keep = rc == SQLITE_ROW || held.contains(rec.batchId);
      }
      if (keep) {
        ++counts.leftToPass;
        continue;
      }
      drop->reset();
      drop->bind(1, school);
      drop->bind(2, targetKey);
      drop->bind(3, key);
      if (auto r = db_.run(*drop, "store.doing.forgetStudent"); !r) {
        return std::unexpected(r.error());
      }
      ++counts.removed;
    }
    batchOpen->reset();
    if (auto r = tx.commit(); !r) return std::unexpected(r.error());
    return counts;
  }

  // Settings, schema and the check that the secret key is the one the records were made with.
  Result<void> setUp(const std::filesystem::path& keyPath, bool keyExisted) {
    auto mode = db_.queryText("PRAGMA journal_mode = WAL");
    if (!mode) return std::unexpected(mode.error());
    if (mode->value_or("") != "wal") {
      return std::unexpected(storeFinding("STORE_OPEN", db_.path(), {}, "STORE_OPEN.wal"));
    }
    for (const char* pragma : {"PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON",
                               "PRAGMA secure_delete = ON"}) {
      if (auto r = db_.exec(pragma); !r) return r;
    }
    if (auto r = detail::migrate(db_); !r) return r;
    std::string check = hasher_.hex(kKeyCheckMessage);
    auto stored = db_.queryText("SELECT value FROM meta WHERE name = 'key_check'");
    if (!stored) return std::unexpected(stored.error());
    if (stored->has_value()) {
      if (**stored == check) return {};
      return std::unexpected(
          storeFinding("STORE_KEY_MISMATCH", keyPath, {{"keyFile", keyPath.string()}},
                       keyExisted ? "STORE_KEY_MISMATCH" : "STORE_KEY_MISMATCH.missing"));
    }
    Transaction tx(db_);
    if (auto r = tx.begin(); !r) return r;
    auto ins = db_.prepare("INSERT OR IGNORE INTO meta (name, value) VALUES ('key_check', ?1)");
    if (!ins) return std::unexpected(ins.error());
    ins->bind(1, check);
    if (auto r = db_.run(*ins, "store.doing.recordKeyCheck"); !r) return r;
    return tx.commit();
  }

 private:
  // The store keeps a keyed hash of a row's fingerprint (the fingerprint is a plain SHA-256 of
  // cells that include the ID number); "" stays "" (unknown).
  [[nodiscard]] std::string keyedFingerprint(std::string_view fingerprint) const {
    if (fingerprint.empty()) return {};
    return hasher_.hex("zzjb-row-v1\n" + std::string(fingerprint));
  }

  // A record that may be replaced by a new declaration of its student: REJECTED for a reason the
  // roster fixes, and what would be sent now (keyed) differs from what was sent.
  [[nodiscard]] static bool correctedRejection(std::string_view result, std::string_view reason,
                                               std::string_view stored, std::string_view now) {
    return result == declarationResultName(DeclarationResult::Rejected) &&
           isCorrectableRejection(reason) && !stored.empty() && !now.empty() && stored != now;
  }

  // Whether the existing record of a student may be replaced (inside the caller's transaction).
  Result<bool> redeclarable(std::string_view school, std::string_view targetKey,
                            std::string_view key, std::string_view keyedNow) const {
    auto s = db_.prepare(
        "SELECT result, reason, row_fingerprint FROM students "
        "WHERE school = ?1 AND target_key = ?2 AND student_key = ?3");
    if (!s) return std::unexpected(s.error());
    s->bind(1, school);
    s->bind(2, targetKey);
    s->bind(3, key);
    int rc = s->step();
    if (rc == SQLITE_DONE) return false;
    if (rc != SQLITE_ROW) return std::unexpected(db_.error("store.doing.readStudent"));
    return correctedRejection(s->text(0), s->text(1), s->text(2), keyedNow);
  }

  Result<std::optional<PassRecord>> readPass(std::string_view school, bool successfulOnly) {
    std::string sql =
        "SELECT school, started_at, finished_at, outcome, summary, creating_requests "
        "FROM passes WHERE school = ?1";
    if (successfulOnly) sql += " AND outcome <> 'FAILED'";
    sql += " ORDER BY id DESC LIMIT 1";
    auto s = db_.prepare(sql);
    if (!s) return std::unexpected(s.error());
    s->bind(1, school);
    int rc = s->step();
    if (rc == SQLITE_DONE) return std::optional<PassRecord>();
    if (rc != SQLITE_ROW) return std::unexpected(db_.error("store.doing.readPass"));
    auto outcome = parseSchoolOutcome(s->text(3));
    if (!outcome) return std::unexpected(unknownValue(db_, "store.value.passOutcome", s->text(3)));
    PassRecord p{s->text(0), s->text(1), s->text(2), *outcome, s->text(4),
                 static_cast<std::size_t>(s->int64(5))};
    return std::optional<PassRecord>(std::move(p));
  }

  Result<std::optional<IntentState>> findIntent(std::string_view key) const {
    auto s = db_.prepare(std::string("SELECT ") + kIntentColumns + " FROM intents WHERE key = ?1");
    if (!s) return std::unexpected(s.error());
    s->bind(1, key);
    int rc = s->step();
    if (rc == SQLITE_DONE) return std::optional<IntentState>();
    if (rc != SQLITE_ROW) return std::unexpected(db_.error("store.doing.readIntent"));
    auto in = readIntent(db_, *s);
    if (!in) return std::unexpected(in.error());
    return std::optional<IntentState>(std::move(*in));
  }

  Finding unknownIntent(std::string_view key) const {
    return storeFinding("STORE_UNKNOWN_INTENT", db_.path(), {{"key", key}});
  }

  Db db_;
  detail::KeyedHasher hasher_;
};

}  // namespace

std::filesystem::path secretKeyPath(const std::filesystem::path& dbPath) {
  std::filesystem::path p = dbPath;
  p += ".key";
  return p;
}

Result<std::unique_ptr<StateStore>> openSqliteStore(const std::filesystem::path& dbPath) {
  std::filesystem::path keyPath = secretKeyPath(dbPath);
  std::error_code ec;
  // A first run makes the state directory, private (0700), as `StateDirectoryMode=` would; an
  // existing one must be ours and closed to others (docs/security.md, "Writing files").
  const auto dir = dbPath.parent_path();
  if (auto ok = files::prepareDirectory(
          dir.empty() ? std::filesystem::path(".") : dir,
          {.create = true, .othersMayWrite = false, .what = "files.what.stateDirectory"});
      !ok) {
    Finding f = ok.error();
    f.hint = msg::text("store.directory.hint", {{"hint", f.hint}, {"path", dbPath.string()}});
    return std::unexpected(std::move(f));
  }
  bool keyExisted = std::filesystem::exists(keyPath, ec);
  bool dbExisted = std::filesystem::exists(dbPath, ec);
  if (dbExisted && !keyExisted) {
    // Do not make a new key for an existing store: it could not match the recorded students.
    auto store = std::make_unique<SqliteStateStore>(std::string(detail::kSecretKeySize, '\0'));
    if (auto r = store->db().open(dbPath); !r) return std::unexpected(r.error());
    auto check = store->db().queryText(
        "SELECT 1 FROM sqlite_schema WHERE name = 'meta' AND "
        "EXISTS (SELECT 1 FROM meta WHERE name = 'key_check')");  // not-text: SQL
    if (check && check->has_value()) {
      return std::unexpected(storeFinding("STORE_KEY_MISSING", keyPath));
    }
  }
  auto key = detail::loadOrCreateSecretKey(keyPath);
  if (!key) return std::unexpected(key.error());
  auto store = std::make_unique<SqliteStateStore>(std::move(*key));
  if (auto r = store->db().open(dbPath); !r) return std::unexpected(r.error());
  if (auto r = store->setUp(keyPath, keyExisted); !r) return std::unexpected(r.error());
  return std::unique_ptr<StateStore>(std::move(store));
}

}  // namespace zzjb::store
