// Thin RAII over the SQLite C API: opening with the store's settings, statements, errors.
#include "db.hpp"

#include <string>

namespace zzjb::store::detail {

Result<void> Db::open(const std::filesystem::path& path) {
  path_ = path;
  int rc = sqlite3_open_v2(path.c_str(), &db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                               kOpenNoFollow,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    return std::unexpected(storeFinding("STORE_OPEN", path, {{"reason", msg}}));
  }
  sqlite3_extended_result_codes(db_, 1);
  hardenConnection(db_);
  // Another zzjb process may hold the write lock for a moment.
  sqlite3_busy_timeout(db_, 10000);
  return {};
}

Finding Db::error(std::string_view doing, const msg::Args& args) const {
  int rc = sqlite3_extended_errcode(db_);
  // SQLite's own words for the error stay as it says them (they name its codes).
  const msg::Args what{{"doing", msg::text(doing, args)}, {"reason", sqlite3_errmsg(db_)}};
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return storeFinding("STORE_BUSY", path_, what, "store.failed.busy");
  }
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    return storeFinding("STORE_CORRUPT", path_, what, "store.failed.corrupt");
  }
  if (primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN ||
      primary == SQLITE_READONLY) {
    return storeFinding("STORE_IO", path_, what, "store.failed.io");
  }
  return storeFinding("STORE_SQL", path_, what, "store.failed.sql");
}

Result<Stmt> Db::prepare(std::string_view sql) const {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &s, nullptr) !=
      SQLITE_OK) {
    return std::unexpected(error("store.doing.prepare"));
  }
  return Stmt(s);
}

Result<void> Db::exec(const char* sql) const {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return std::unexpected(error("store.doing.sql", {{"sql", sql}}));
  }
  return {};
}

Result<std::optional<std::string>> Db::queryText(std::string_view sql) const {
  auto stmt = prepare(sql);
  if (!stmt) return std::unexpected(stmt.error());
  int rc = stmt->step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(stmt->text(0));
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  return std::unexpected(error("store.doing.sql", {{"sql", sql}}));
}

Result<void> Db::run(Stmt& stmt, std::string_view doing) const {
  int rc = stmt.step();
  while (rc == SQLITE_ROW) rc = stmt.step();
  if (rc != SQLITE_DONE) return std::unexpected(error(doing));
  return {};
}

}  // namespace zzjb::store::detail
