// Helpers for the store tests: open a store or fail the test, raw SQLite queries on its file.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>

#include "zzjb/store/sqlite_store.hpp"

namespace zzjb::test {

inline std::unique_ptr<StateStore> openOrFail(const std::filesystem::path& db) {
  auto s = store::openSqliteStore(db);
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().code + ": " + s.error().message);
  return s ? std::move(*s) : nullptr;
}

// The first column of the first row of `sql` on a separate read-only connection.
inline std::string rawQuery(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  std::string out = "<error>";
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(h, sql.c_str(), -1, &s, nullptr) == SQLITE_OK) {
      int rc = sqlite3_step(s);
      if (rc == SQLITE_ROW) {
        const unsigned char* t = sqlite3_column_text(s, 0);
        out = t ? reinterpret_cast<const char*>(t) : "";
      } else if (rc == SQLITE_DONE) {
        out = "<none>";
      }
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(h);
  return out;
}

}  // namespace zzjb::test
