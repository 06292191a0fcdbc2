// Step 6 of a pass (engine.hpp): the students of permitted targets not yet declared, in batches
// of at most maxBatchRows — intent (with its rows) committed, POST, batch recorded — and what the
// platform answers about a batch, recorded row by row.
#include <algorithm>
#include <map>
#include <set>

#include "engine_internal.hpp"
#include "zzjb/core/identifiers.hpp"

namespace zzjb::engine_detail {

namespace {

constexpr std::string_view kBatchEndpoint = "POST /api/v1/skills/group-declarations";

// Only the batch's identity and state: its rows carry ID numbers, which stay out of the store.
IntentResponse batchResponse(const BatchState& b) {
  IntentResponse r;
  r.batch = b.status;
  r.id = b.batchId;
  return r;
}

}  // namespace

void DeclarationStep::resolve(const IntentState& in) {
  TargetWork* t = cx_.findTarget(in.intent.targetKey);
  auto found = cx_.platform->findBatch(in.intent.key);
  if (!found) {
    cx_.platformFailed(found.error(), t, false);
    return;
  }
  if (found->has_value()) {
    absorb(in.intent.targetKey, in.intent.key, **found, /*fromLookup=*/true);
    if (cx_.stopped()) return;
    if (auto r = cx_.store.recordResponse(in.intent.key, batchResponse(**found)); !r) {
      cx_.storeFailed(r.error());
    }
    return;
  }
  if (t == nullptr) {
    // Nothing stays PENDING forever: should the target come back, they are declared anew.
    if (!keepOnly(in.intent.key, {}, nullptr)) return;
    cx_.supersede(in, msg::text("run.superseded.batch_target_gone"));
    return;
  }
  if (!cx_.refreshRecords(*t)) return;
  cx_.ensureStudentKeys(*t);
  std::size_t expected = 0;
  for (const auto& [k, rec] : t->records) {
    if (rec.intentKey == in.intent.key) ++expected;
  }
  std::vector<const StudentRef*> members;
  for (std::size_t i = 0; i < t->eligible.size(); ++i) {
    auto it = t->records.find(t->studentKeys[i]);
    if (it != t->records.end() && it->second.intentKey == in.intent.key) {
      members.push_back(&t->eligible[i]);
    }
  }
  if (members.empty()) {
    // Forgotten, not PENDING forever: should they become eligible again, they are declared anew.
    if (!keepOnly(in.intent.key, {}, nullptr)) return;
    cx_.supersede(in, msg::text("run.superseded.batch_none_eligible", {{"count", expected}}));
    return;
  }
  if (members.size() < expected) {
    cx_.warn(t->key, msg::text("run.warn.batch_partly_eligible",
                               {{"gone", expected - members.size()},
                                {"count", expected},
                                {"resent", members.size()}}));
  }
  auto sheet = buildSheet(cx_.school, *t, members, cx_.opt.today);
  if (!sheet) {
    cx_.failTarget(*t, msg::text("run.phase.sheet_failed"), sheet.error().hint, sheet.error());
    return;
  }
  auto xlsx = cx_.svc.writeXlsx(*sheet);
  if (!xlsx) {
    cx_.failTarget(*t, msg::text("run.phase.sheet_failed"), xlsx.error().hint, xlsx.error());
    return;
  }
  std::string sha = cx_.svc.sha256Hex(*xlsx);
  if (members.size() == expected && cx_.keyFor("batch", t->key, sha) != in.intent.key) {
    cx_.warn(t->key, msg::text("run.warn.batch_file_changed"));
  }
  // Before sending: the students left out must not be marked SENT by this batch (putBatch).
  if (!keepOnly(in.intent.key, members, &*sheet)) return;
  DeclarationManifest m{t->scope, static_cast<int>(members.size()), sha};
  static_cast<void>(send(*t, *xlsx, m, in.intent.key, members.size()));
}

bool DeclarationStep::keepOnly(const std::string& intentKey,
                               const std::vector<const StudentRef*>& members,
                               const DeclarationSheet* sheet) {
  std::vector<StudentEntry> kept;
  for (std::size_t i = 0; i < members.size(); ++i) {
    std::string fingerprint;
    if (sheet != nullptr && i < sheet->rows.size()) {
      fingerprint = rowFingerprint(cx_.svc, *sheet, i);
    }
    kept.push_back(
        {members[i]->id, trim(members[i]->student->graduationYear), std::move(fingerprint)});
  }
  auto forgotten = cx_.store.keepOnlyStudents(intentKey, kept);
  if (!forgotten) {
    cx_.storeFailed(forgotten.error());
    return false;
  }
  if (*forgotten > 0) cx_.progressed = true;
  return true;
}

bool DeclarationStep::takeOwnDeclarations(std::string_view targetKey,
                                          std::vector<StudentResult>& results) {
  auto isDuplicate = [](const StudentResult& r) {
    return r.result == DeclarationResult::Rejected && r.reason == "DUPLICATE";
  };
  if (std::none_of(results.begin(), results.end(), isDuplicate)) return true;
  TargetWork* t = cx_.findTarget(targetKey);
  if (t == nullptr) return true;
  const PermissionScope& scope = t->scope;
  // An ability's declarations are listed with the school's others (no filter by ability here).
  auto held = cx_.platform->declarations(scope.occupationCode, scope.level);
  if (!held) {
    cx_.platformFailed(held.error(), t, false);
    return false;
  }
  std::map<std::string, std::string> ours;  // ID number → declarationNo, of this target
  for (const DeclarationInfo& d : *held) {
    if (d.occupationCode != scope.occupationCode || d.level != scope.level ||
        d.abilityCode != scope.abilityCode) {
      continue;
    }
    ours[normalizeIdNumber(d.idNumber)] = d.declarationNo;
  }
  for (StudentResult& r : results) {
    if (!isDuplicate(r)) continue;
    auto it = ours.find(r.idNumber);
    if (it == ours.end()) continue;  // another school's: the refusal stands
    r.result = DeclarationResult::Accepted;
    r.reason.clear();
    r.declarationNo = it->second;
  }
  return true;
}

void DeclarationStep::absorb(std::string_view targetKey, const std::string& intentKey,
                             const BatchState& state, bool fromLookup) {
  Batch b{state.batchId, intentKey, cx_.school.id, std::string(targetKey), state.status, {}};
  if (state.status != BatchStatus::Done) {
    if (auto f = cx_.store.putBatch(b); !f) cx_.storeFailed(f.error());
    cx_.progressed = true;
    return;
  }
  // Open until every row is recorded: a crash in between polls it again next pass.
  b.status = BatchStatus::Recording;
  if (auto f = cx_.store.putBatch(b); !f) {
    cx_.storeFailed(f.error());
    return;
  }
  auto known = cx_.store.students(cx_.school.id, targetKey);
  if (!known) {
    cx_.storeFailed(known.error());
    return;
  }
  std::set<std::string> keys;
  std::set<std::string> sent;  // the batch's students still waiting for their result
  for (const auto& rec : *known) {
    keys.insert(rec.studentKey);
    if (rec.batchId == state.batchId && rec.result == DeclarationResult::Sent) {
      sent.insert(rec.studentKey);
    }
  }
  std::vector<StudentResult> results;
  std::vector<std::string> problems;  // warnings, given once the answer is the one to record
  std::set<std::string> answered;
  for (const BatchRow& row : state.rows) {
    std::string id = normalizeIdNumber(row.idNumber);
    std::string key = cx_.store.studentKey(id);
    if (keys.count(key) == 0) {
      problems.push_back(msg::text("run.warn.batch_row_unknown", {{"batch", state.batchId},
                                                                  {"row", row.row},
                                                                  {"student", maskId(id)}}));
      continue;
    }
    const DeclarationResult result = row.result == RowResult::Accepted
                                         ? DeclarationResult::Accepted
                                         : DeclarationResult::Rejected;
    answered.insert(key);
    results.push_back({id, result, row.reason, row.declarationNo});
  }
  std::size_t unanswered = 0;
  for (const std::string& k : sent)
    if (answered.count(k) == 0) ++unanswered;
  if (unanswered > 0 && fromLookup) {
    // A lookup by idempotency key may answer without the rows: ask for the batch itself.
    auto full = cx_.platform->batch(state.batchId);
    if (!full) {
      cx_.platformFailed(full.error(), cx_.findTarget(targetKey), false);
      return;  // the batch stays open (RECORDING): polled next pass
    }
    absorb(targetKey, intentKey, *full, false);
    return;
  }
  if (!takeOwnDeclarations(targetKey, results)) return;  // the batch stays open (RECORDING)
  for (const std::string& p : problems) cx_.warn(targetKey, p);
  if (auto f = cx_.store.recordStudentResults(cx_.school.id, targetKey, results); !f) {
    cx_.storeFailed(f.error());
    return;
  }
  if (!results.empty()) cx_.progressed = true;
  if (unanswered > 0) {
    cx_.warn(targetKey, msg::text("run.warn.batch_incomplete", {{"batch", state.batchId},
                                                                {"unanswered", unanswered},
                                                                {"sent", sent.size()},
                                                                {"recorded", results.size()}}));
  } else {
    b.status = BatchStatus::Done;
    if (auto f = cx_.store.putBatch(b); !f) {
      cx_.storeFailed(f.error());
      return;
    }
    cx_.progressed = true;
  }
  // Progress: the target's eligible students with a final result, of all its eligible students.
  // From the records read above plus what was just recorded: no second read of the target.
  std::size_t finals = 0;
  std::size_t total = 0;
  std::set<std::string> finalKeys;
  for (const auto& rec : *known) {
    if (isFinal(rec.result)) finalKeys.insert(rec.studentKey);
  }
  for (const auto& k : answered) finalKeys.insert(k);
  if (TargetWork* t = cx_.findTarget(targetKey); t != nullptr) {
    cx_.ensureStudentKeys(*t);
    std::set<std::string> eligible(t->studentKeys.begin(), t->studentKeys.end());
    total = eligible.size();
    for (const auto& k : eligible) finals += finalKeys.count(k);
  } else {
    total = known->size();
    finals = finalKeys.size();
  }
  cx_.emit(EngineEvent::Kind::RowsRecorded, targetKey,
           msg::text("run.event.rows_recorded",
                     {{"batch", state.batchId}, {"count", results.size()}}),
           finals, total);
}

void DeclarationStep::declareAll() {
  if (cx_.stopped()) return;
  for (TargetWork& t : cx_.targets) {
    if (cx_.stopped()) return;
    declareTarget(t);
  }
}

void DeclarationStep::declareTarget(TargetWork& t) {
  if (!t.permitted || t.failed || t.notYet.empty()) return;
  cx_.emit(EngineEvent::Kind::Step, t.key, msg::text("run.step.declaring"), t.notYet.size());
  declare(t);
}

void DeclarationStep::declare(TargetWork& t) {
  std::set<std::string> wanted(t.notYet.begin(), t.notYet.end());
  std::vector<const StudentRef*> todo;
  for (const StudentRef& s : t.eligible) {
    if (wanted.count(s.id) != 0) todo.push_back(&s);
  }
  const std::size_t chunk = std::max<std::size_t>(1, cx_.opt.maxBatchRows);
  for (std::size_t from = 0; from < todo.size() && !cx_.stopped(); from += chunk) {
    std::vector<const StudentRef*> part(
        todo.begin() + static_cast<std::ptrdiff_t>(from),
        todo.begin() + static_cast<std::ptrdiff_t>(std::min(todo.size(), from + chunk)));
    auto sheet = buildSheet(cx_.school, t, part, cx_.opt.today);
    if (!sheet) {
      cx_.failTarget(t, msg::text("run.phase.sheet_failed"), sheet.error().hint, sheet.error());
      return;
    }
    auto xlsx = cx_.svc.writeXlsx(*sheet);
    if (!xlsx) {
      cx_.failTarget(t, msg::text("run.phase.sheet_failed"), xlsx.error().hint, xlsx.error());
      return;
    }
    std::string sha = cx_.svc.sha256Hex(*xlsx);
    std::string key = cx_.keyFor("batch", t.key, sha);
    std::vector<StudentEntry> rows;
    for (std::size_t i = 0; i < part.size(); ++i) {
      rows.push_back({part[i]->id, trim(part[i]->student->graduationYear),
                      rowFingerprint(cx_.svc, *sheet, i)});
    }
    Intent intent{key, cx_.school.id, "batch", t.key,
                  msg::text("run.intent.batch", {{"rows", part.size()}, {"target", t.out.label}})};
    auto st = cx_.store.beginIntent(intent, rows);
    if (!st) {
      if (st.error().code == "STORE_STUDENT_ALREADY_RECORDED") {
        cx_.failTarget(t, msg::text("run.phase.already_recorded"), st.error().hint, st.error());
        return;
      }
      cx_.storeFailed(st.error());
      return;
    }
    DeclarationManifest m{t.scope, static_cast<int>(part.size()), sha};
    const bool answered = st->status == IntentStatus::Answered && st->response.batch;
    const std::string storedBatch = answered ? st->response.id : std::string();
    if (!st->created && answered && !storedBatch.empty()) {
      // Sent before (same content): the stored answer stands; poll the batch it created.
      const BatchStatus status =
          *st->response.batch == BatchStatus::Done ? BatchStatus::Processing : *st->response.batch;
      absorb(t.key, key, BatchState{storedBatch, status, {}, "", 0, ""});
      if (!cx_.stopped())
        polling_.pollBatch(Batch{storedBatch, key, cx_.school.id, t.key, status, {}}, true);
      continue;
    }
    if (!send(t, *xlsx, m, key, part.size())) return;
  }
}

bool DeclarationStep::send(TargetWork& t, const std::string& xlsx,
                           const DeclarationManifest& manifest, const std::string& key,
                           std::size_t rows) {
  cx_.checkpoint("intent-committed:batch");
  ++cx_.out.creatingRequests;
  auto r = cx_.platform->submitDeclarations(manifest, xlsx, key);
  if (!r) {
    cx_.platformFailed(r.error(), &t, false);
    return false;
  }
  cx_.checkpoint("response-received:batch");
  t.out.sent += rows;
  cx_.emit(EngineEvent::Kind::RequestSent, t.key, std::string(kBatchEndpoint), rows);
  if (r->batchId.empty()) {
    PlatformFailure f;
    f.kind = PlatformFailureKind::Protocol;
    f.code = "MALFORMED";
    f.message = msg::text("run.protocol.no_batch_id");
    f.endpoint = std::string(kBatchEndpoint);
    cx_.platformFailed(f, &t, true);
    return false;
  }
  absorb(t.key, key, *r);
  if (cx_.stopped()) return false;
  if (auto f = cx_.store.recordResponse(key, batchResponse(*r)); !f) {
    cx_.storeFailed(f.error());
    return false;
  }
  if (r->status != BatchStatus::Done)
    polling_.pollBatch(Batch{r->batchId, key, cx_.school.id, t.key, r->status, {}}, false);
  return !cx_.stopped();
}

}  // namespace zzjb::engine_detail
