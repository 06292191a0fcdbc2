// Internal to the store: thin RAII over the SQLite C API and the store's Findings.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "zzjb/core/finding.hpp"

namespace zzjb::store::detail {

// A STORE_* finding about the database at `path`.
// A finding about the store at `path`, worded by the catalog (makeFinding: the text of
// `textCode` or `code`, its hint "<…>.hint").
[[nodiscard]] inline Finding storeFinding(std::string code, const std::filesystem::path& path,
                                          msg::Args args = {}, std::string_view textCode = {}) {
  Location where;
  where.file = path.string();
  return makeFinding(Severity::Error, FindingKind::Config, std::move(code), std::move(where),
                     std::move(args), textCode);
}

// Opening flags and settings for every connection, the store's or a file being verified: the
// file itself is never a symbolic link (SQLITE_OPEN_NOFOLLOW), and the connection is defensive —
// no writes to the schema by SQL, no functions with side effects called from the schema — so
// that a planted or damaged file can do no more than fail (docs/security.md).
inline constexpr int kOpenNoFollow = SQLITE_OPEN_NOFOLLOW;
inline void hardenConnection(sqlite3* db) {
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
}

// One prepared statement; finalized on destruction.
class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* s) : stmt_(s) {}
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& o) noexcept : stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept {
    if (this != &o) {
      sqlite3_finalize(stmt_);
      stmt_ = o.stmt_;
      o.stmt_ = nullptr;
    }
    return *this;
  }

  // Binds text to the 1-based parameter `i`; the text is copied.
  void bind(int i, std::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void bindNull(int i) { sqlite3_bind_null(stmt_, i); }
  void bindOptional(int i, std::string_view text) {
    if (text.empty()) bindNull(i);
    else bind(i, text);
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(stmt_); }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  [[nodiscard]] std::string text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    if (p == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(p),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
  }
  [[nodiscard]] bool isNull(int col) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
  }
  [[nodiscard]] std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// One connection; closed on destruction.
class Db {
 public:
  Db() = default;
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  [[nodiscard]] Result<void> open(const std::filesystem::path& path);
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] sqlite3* handle() const { return db_; }

  // A finding for the last error of this connection; `doing` is the catalog code of what was
  // being done ("store.doing.listPendingIntents"), with its arguments.
  [[nodiscard]] Finding error(std::string_view doing, const msg::Args& args = {}) const;
  [[nodiscard]] Result<Stmt> prepare(std::string_view sql) const;
  // Runs one or more statements without results.
  [[nodiscard]] Result<void> exec(const char* sql) const;
  // The first column of the first row as text, nullopt without a row.
  [[nodiscard]] Result<std::optional<std::string>> queryText(std::string_view sql) const;
  // A statement run to its end (no rows expected).
  [[nodiscard]] Result<void> run(Stmt& stmt, std::string_view doing) const;

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless committed.
class Transaction {
 public:
  explicit Transaction(const Db& db) : db_(db) {}
  ~Transaction() {
    if (open_) static_cast<void>(db_.exec("ROLLBACK"));
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  [[nodiscard]] Result<void> begin() {
    auto r = db_.exec("BEGIN IMMEDIATE");
    if (r) open_ = true;
    return r;
  }
  [[nodiscard]] Result<void> commit() {
    auto r = db_.exec("COMMIT");
    if (r) open_ = false;
    return r;
  }

 private:
  const Db& db_;
  bool open_ = false;
};

// Schema migrations (schema.cpp): brings the database to kSchemaVersion.
[[nodiscard]] Result<void> migrate(const Db& db);

}  // namespace zzjb::store::detail
