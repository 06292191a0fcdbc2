// The store survives kill -9 at any instant: a child writes intents, batch rows and responses in
// a loop and reports each commit through a pipe; the parent SIGKILLs it at random (seeded)
// moments, reopens the store and checks that every reported commit is there, nothing
// half-written is visible, and SQLite's integrity check passes.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "store_helpers.hpp"
#include "test_support.hpp"
#include "zzjb/store/sqlite_store.hpp"

namespace zzjb::test {
namespace {

// What intent number n of a round is: a batch of 3 students every third intent.
std::string keyOf(int round, int n) { return "r" + std::to_string(round) + "-i" + std::to_string(n); }
std::string summaryOf(int round, int n) { return "summary " + keyOf(round, n); }
std::string responseOf(int round, int n) {
  return R"({"echo":")" + keyOf(round, n) + R"(","pad":")" + std::string(200, 'x') + "\"}";
}
bool isBatch(int n) { return n % 3 == 0; }
IntentResponse answerOf(int round, int n) {
  IntentResponse r;
  if (n % 3 == 0) {
    r.batch = BatchStatus::Received;
  } else {
    r.application = ApplicationStatus::Submitted;
  }
  r.id = responseOf(round, n);
  return r;
}
std::vector<StudentEntry> rowsOf(int round, int n) {
  std::vector<StudentEntry> rows;
  if (!isBatch(n)) return rows;
  for (int j = 0; j < 3; ++j) {
    char id[32];
    std::snprintf(id, sizeof id, "3101012005%02d%02d%04d", round % 100, j, n % 10000);
    rows.push_back({id, "2027"});
  }
  return rows;
}
Intent intentOf(int round, int n) {
  return Intent{keyOf(round, n), "s1", isBatch(n) ? "batch" : "application",
                "t-" + std::to_string(round) + "-" + std::to_string(n), summaryOf(round, n)};
}

void report(int fd, char what, int n) {
  std::string line = std::string(1, what) + std::to_string(n) + "\n";
  if (::write(fd, line.data(), line.size()) < 0) _exit(3);
}

// The child: writes until killed. 'I' n = intent n committed; 'R' n = its response committed.
[[noreturn]] void writer(const std::filesystem::path& db, int round, int fd) {
  auto opened = store::openSqliteStore(db);
  if (!opened) _exit(2);
  auto& s = **opened;
  report(fd, 'O', 0);
  for (int n = 0;; ++n) {
    if (!s.beginIntent(intentOf(round, n), rowsOf(round, n))) _exit(4);
    report(fd, 'I', n);
    // Repeating an intent, as a pass does after a crash, must be harmless.
    if (n % 5 == 0 && !s.beginIntent(intentOf(round, n), rowsOf(round, n))) _exit(5);
    if (!s.recordResponse(keyOf(round, n), answerOf(round, n))) _exit(6);
    report(fd, 'R', n);
    // A batch's rows move from PENDING to SENT in the same transaction as the batch row.
    if (isBatch(n) && !s.putBatch({"B-" + keyOf(round, n), keyOf(round, n), "s1",
                                   intentOf(round, n).targetKey, BatchStatus::Processing, ""})) {
      _exit(7);
    }
  }
}

struct Reported {
  int lastIntent = -1;
  int lastResponse = -1;
  bool opened = false;
};

// Reads what the child reported until `until` passes.
void readReports(int fd, Reported& r, std::string& buf,
                 std::chrono::steady_clock::time_point until) {
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return;
    char chunk[4096];
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) return;
    buf.append(chunk, static_cast<std::size_t>(n));
    for (std::size_t nl; (nl = buf.find('\n')) != std::string::npos; buf.erase(0, nl + 1)) {
      int v = std::stoi(buf.substr(1, nl - 1));
      if (buf[0] == 'O') r.opened = true;
      if (buf[0] == 'I') r.lastIntent = v;
      if (buf[0] == 'R') r.lastResponse = v;
    }
  }
}

TEST(StoreCrash, SurvivesKillNineAtAnyInstant) {
  TempDir dir;
  auto db = dir / "state.db";
  // Seeded for repeatable runs; ZZJB_STORE_CRASH_SEED explores other kill moments.
  const char* seedEnv = std::getenv("ZZJB_STORE_CRASH_SEED");
  std::mt19937 rng(seedEnv ? static_cast<unsigned>(std::stoul(seedEnv)) : 20261127u);
  std::uniform_int_distribution<int> delayMs(0, 150);
  // 16 rounds, and more (up to 64) while the kills have not yet let enough work commit: a loaded
  // machine (stress -c 2 beside an ASan run) may be slow to start each writer, so that 16 kills
  // at random times all land early (issue 17's stress run saw 15 commits in 16 rounds).
  const int rounds = 16;
  const int maxRounds = 64;
  int totalCommitted = 0;
  for (int round = 0; round < rounds || (totalCommitted <= rounds && round < maxRounds); ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      writer(db, round, fds[1]);
    }
    ::close(fds[1]);
    Reported rep;
    std::string buf;
    // Round 0 may be killed while the store is being created; later ones mid-write.
    auto start = std::chrono::steady_clock::now();
    int delay = round == 0 ? delayMs(rng) / 10 : delayMs(rng);
    readReports(fds[0], rep, buf, start + std::chrono::milliseconds(delay));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself: exit "
                                     << (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    // Reports written before the kill are still in the pipe.
    readReports(fds[0], rep, buf, std::chrono::steady_clock::now() + std::chrono::milliseconds(50));
    ::close(fds[0]);

    auto s = openOrFail(db);
    ASSERT_TRUE(s) << "round " << round;
    EXPECT_EQ(rawQuery(db, "PRAGMA integrity_check"), "ok") << "round " << round;
    EXPECT_EQ(rawQuery(db, "PRAGMA foreign_key_check"), "<none>") << "round " << round;
    // Every reported commit is there, exactly as written.
    for (int n = 0; n <= rep.lastIntent; ++n) {
      auto in = s->intent(keyOf(round, n));
      ASSERT_TRUE(in && in->has_value()) << keyOf(round, n);
      EXPECT_EQ((*in)->intent.requestSummary, summaryOf(round, n));
      if (n <= rep.lastResponse) {
        EXPECT_TRUE((*in)->hasResponse()) << keyOf(round, n);
      }
    }
    // Nothing half-written: every intent of the round that exists is whole, with all its
    // rows, and a response is either absent or complete.
    int present = 0;
    for (int n = 0; n <= rep.lastIntent + 1; ++n) {
      auto in = s->intent(keyOf(round, n));
      ASSERT_TRUE(in);
      if (!in->has_value()) {
        EXPECT_EQ(n, rep.lastIntent + 1) << "a gap at " << keyOf(round, n);
        continue;
      }
      ++present;
      EXPECT_EQ((*in)->intent.targetKey, intentOf(round, n).targetKey);
      if ((*in)->hasResponse()) {
        EXPECT_EQ((*in)->response.id, responseOf(round, n));
        EXPECT_EQ((*in)->status, IntentStatus::Answered);
      }
      auto recs = s->students("s1", intentOf(round, n).targetKey);
      ASSERT_TRUE(recs);
      EXPECT_EQ(recs->size(), rowsOf(round, n).size()) << keyOf(round, n);
      bool batched = rawQuery(db, "SELECT count(*) FROM batches WHERE intent_key = '" +
                                      keyOf(round, n) + "'") == "1";
      for (const auto& r : *recs) {
        EXPECT_EQ(r.result, batched ? DeclarationResult::Sent : DeclarationResult::Pending);
        EXPECT_EQ(r.batchId, batched ? "B-" + keyOf(round, n) : "");
      }
    }
    EXPECT_EQ(rawQuery(db, "SELECT count(*) FROM intents WHERE key LIKE 'r" +
                               std::to_string(round) + "-%'"),
              std::to_string(present));
    auto pending = s->pendingIntents("s1");
    ASSERT_TRUE(pending);
    EXPECT_LE(pending->size(), static_cast<std::size_t>(round + 1));
    totalCommitted += present;
    std::printf("round %d: killed after %d ms, %d intents committed, %d answered\n", round,
                delay, present, rep.lastResponse + 1);
  }
  // The rounds together did commit work (the kills did not all land before the first write).
  EXPECT_GT(totalCommitted, rounds);
}

}  // namespace
}  // namespace zzjb::test
