// Thin RAII over the SQLite C API: opening with the store's settings, statements, errors.
#include "db.hpp"

#include <string>

namespace zzjb::store::detail {

Result<void> Db::open(const std::filesystem::path& path) {
  path_ = path;
  int rc = sqlite3_open_v2(path.c_str(), &db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    return std::unexpected(storeFinding("STORE_OPEN", path, "cannot open the state store: " + msg,
                                        "check that the directory exists and is writable"));
  }
  sqlite3_extended_result_codes(db_, 1);
  // Another zzjb process may hold the write lock for a moment.
  sqlite3_busy_timeout(db_, 10000);
  return {};
}

Finding Db::error(std::string_view what) const {
  int rc = sqlite3_extended_errcode(db_);
  std::string msg = std::string(what) + ": " + sqlite3_errmsg(db_);
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return storeFinding("STORE_BUSY", path_, msg,
                        "another zzjb process is using the state store; run one pass at a time");
  }
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    return storeFinding("STORE_CORRUPT", path_, msg,
                        "the state store is damaged or not a zzjb store: restore it from backup");
  }
  if (primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN ||
      primary == SQLITE_READONLY) {
    return storeFinding("STORE_IO", path_, msg,
                        "check free space and permissions of the store's directory");
  }
  return storeFinding("STORE_SQL", path_, msg, "this is a bug in zzjb: please report it");
}

Result<Stmt> Db::prepare(std::string_view sql) const {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &s, nullptr) !=
      SQLITE_OK) {
    return std::unexpected(error("preparing a statement"));
  }
  return Stmt(s);
}

Result<void> Db::exec(const char* sql) const {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return std::unexpected(error(std::string("running ") + sql));
  }
  return {};
}

Result<std::optional<std::string>> Db::queryText(std::string_view sql) const {
  auto stmt = prepare(sql);
  if (!stmt) return std::unexpected(stmt.error());
  int rc = stmt->step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(stmt->text(0));
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  return std::unexpected(error(std::string("running ") + std::string(sql)));
}

Result<void> Db::run(Stmt& stmt, std::string_view what) const {
  int rc = stmt.step();
  while (rc == SQLITE_ROW) rc = stmt.step();
  if (rc != SQLITE_DONE) return std::unexpected(error(what));
  return {};
}

}  // namespace zzjb::store::detail
