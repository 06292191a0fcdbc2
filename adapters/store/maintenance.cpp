// The store kept safe: a consistent backup while a pass may be writing, and a read-only check of
// a store or a backup (docs/operations.md, "Backup, restore and rebuild").
#include <sys/stat.h>

#include <cerrno>
#include <string>

#include "db.hpp"
#include "secret_key.hpp"
#include "zzjb/files/files.hpp"
#include "zzjb/store/sqlite_store.hpp"

namespace zzjb::store {

using detail::storeFinding;

namespace {

// At most this many lines of integrity_check are shown: the first say enough.
constexpr int kIntegrityLines = 10;

// A connection opened read only (never created, never migrated); closed on destruction.
class ReadOnlyDb {
 public:
  ReadOnlyDb() = default;
  ~ReadOnlyDb() { sqlite3_close(db_); }
  ReadOnlyDb(const ReadOnlyDb&) = delete;
  ReadOnlyDb& operator=(const ReadOnlyDb&) = delete;

  Result<void> open(const std::filesystem::path& path) {
    path_ = path;
    int rc = sqlite3_open_v2(path.c_str(), &db_,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | detail::kOpenNoFollow,
                             nullptr);
    if (rc != SQLITE_OK) {
      std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      return std::unexpected(storeFinding("STORE_OPEN", path, {{"reason", why}}));
    }
    detail::hardenConnection(db_);
    sqlite3_busy_timeout(db_, 10000);
    return {};
  }
  [[nodiscard]] sqlite3* handle() const { return db_; }

  // Every row's first column; an error is STORE_CORRUPT (not a database) or STORE_SQL.
  Result<std::vector<std::string>> column(const char* sql, int maxRows) const {
    sqlite3_stmt* s = nullptr;
    std::vector<std::string> out;
    int rc = sqlite3_prepare_v2(db_, sql, -1, &s, nullptr);
    if (rc == SQLITE_OK) {
      while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (static_cast<int>(out.size()) < maxRows) {
          const unsigned char* t = sqlite3_column_text(s, 0);
          out.emplace_back(t == nullptr ? "" : reinterpret_cast<const char*>(t));
        }
      }
    }
    sqlite3_finalize(s);
    if (rc == SQLITE_DONE) return out;
    const int primary = sqlite3_errcode(db_) & 0xff;
    const msg::Args what{{"doing", msg::text("store.doing.verify")},
                         {"reason", sqlite3_errmsg(db_)}};
    if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
      return std::unexpected(storeFinding("STORE_CORRUPT", path_, what, "store.failed.corrupt"));
    }
    return std::unexpected(storeFinding("STORE_SQL", path_, what, "store.failed.sql"));
  }

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

// What is at `path` without following a final link: absent, a link, a regular file, other.
enum class Entry { Absent, Link, Regular, Other };
Entry entryAt(const std::filesystem::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return errno == ENOENT ? Entry::Absent : Entry::Other;
  if (S_ISLNK(st.st_mode)) return Entry::Link;
  return S_ISREG(st.st_mode) ? Entry::Regular : Entry::Other;
}

Finding note(Finding f, Severity severity) {
  f.severity = severity;
  return f;
}

// The key check recorded in `meta`, if any (a store zzjb never fully opened has none).
Result<std::optional<std::string>> recordedKeyCheck(const ReadOnlyDb& db) {
  auto hasMeta = db.column("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'", 1);
  if (!hasMeta) return std::unexpected(hasMeta.error());
  if (hasMeta->empty()) return std::optional<std::string>();
  auto v = db.column("SELECT value FROM meta WHERE name = 'key_check'", 1);
  if (!v) return std::unexpected(v.error());
  if (v->empty()) return std::optional<std::string>();
  return std::optional<std::string>(v->front());
}

// Whether `key` is the key the store's records were made with.
Result<bool> keyMatches(const ReadOnlyDb& db, std::string_view key) {
  auto recorded = recordedKeyCheck(db);
  if (!recorded) return std::unexpected(recorded.error());
  if (!recorded->has_value()) return true;  // nothing to compare with (said by verify)
  return **recorded == detail::hmacHex(key, detail::kKeyCheckMessage);
}

}  // namespace

bool VerifyResult::ok() const {
  for (const Finding& f : findings) {
    if (f.severity == Severity::Error) return false;
  }
  return found;
}

Result<BackupResult> backupStore(const std::filesystem::path& dbPath,
                                 const std::filesystem::path& target, bool overwrite) {
  const std::filesystem::path targetKey = secretKeyPath(target);
  for (const auto& p : {target, targetKey}) {
    const Entry e = entryAt(p);
    if (e == Entry::Link) {
      return std::unexpected(storeFinding("STORE_BACKUP_LINK", p, {{"path", p.string()}}));
    }
    if (e != Entry::Absent && (!overwrite || e != Entry::Regular)) {
      return std::unexpected(storeFinding("STORE_BACKUP_EXISTS", p, {{"path", p.string()}}));
    }
  }
  if (entryAt(dbPath) != Entry::Regular) {
    return std::unexpected(
        storeFinding("STORE_BACKUP_NO_STORE", dbPath, {{"path", dbPath.string()}}));
  }
  auto key = detail::readSecretKey(secretKeyPath(dbPath));
  if (!key) return std::unexpected(key.error());
  ReadOnlyDb source;
  if (auto r = source.open(dbPath); !r) return std::unexpected(r.error());
  // A backup with a key that is not the store's could never be restored: refuse it now.
  auto matches = keyMatches(source, *key);
  if (!matches) return std::unexpected(matches.error());
  if (!*matches) {
    const std::string keyFile = secretKeyPath(dbPath).string();
    return std::unexpected(
        storeFinding("STORE_KEY_MISMATCH", keyFile, {{"keyFile", keyFile}}));
  }
  // Copied into memory in one step (-1): one read transaction, so the copy is the store as one
  // commit left it, whatever a pass writes meanwhile; then written by descriptor.
  sqlite3* copy = nullptr;
  if (sqlite3_open_v2(":memory:", &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    sqlite3_close(copy);
    return std::unexpected(storeFinding("STORE_OPEN", target, {{"reason", "memory"}}));
  }
  auto fail = [&](const char* doing) {
    Finding f = storeFinding("STORE_BACKUP_FAILED", dbPath,
                             {{"doing", msg::text(doing)}, {"reason", sqlite3_errmsg(copy)}});
    sqlite3_close(copy);
    return std::unexpected(std::move(f));
  };
  sqlite3_backup* b = sqlite3_backup_init(copy, "main", source.handle(), "main");
  if (b == nullptr) return fail("store.doing.backup");
  const int stepped = sqlite3_backup_step(b, -1);
  if (sqlite3_backup_finish(b) != SQLITE_OK || stepped != SQLITE_DONE) {
    return fail("store.doing.backup");
  }
  BackupResult result;
  {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(copy, "PRAGMA user_version", -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
      result.schemaVersion = sqlite3_column_int(s, 0);
    }
    sqlite3_finalize(s);
  }
  sqlite3_int64 size = 0;
  unsigned char* image = sqlite3_serialize(copy, "main", &size, 0);
  if (image == nullptr) return fail("store.doing.backup");
  const std::string bytes(reinterpret_cast<const char*>(image), static_cast<std::size_t>(size));
  sqlite3_free(image);
  sqlite3_close(copy);
  result.bytes = static_cast<std::uint64_t>(size);
  // The key first: a backup file never stands without its key.
  if (auto r = files::writeFileAtomic(targetKey, *key, {0600, "files.what.storeKey"}); !r) {
    return std::unexpected(r.error());
  }
  if (auto r = files::writeFileAtomic(target, bytes, {0600, "files.what.storeBackup"}); !r) {
    return std::unexpected(r.error());
  }
  return result;
}

VerifyResult verifyStore(const std::filesystem::path& dbPath) {
  VerifyResult v;
  const Entry e = entryAt(dbPath);
  if (e != Entry::Regular) {
    v.findings.push_back(storeFinding(e == Entry::Absent ? "STORE_VERIFY_MISSING"
                                                         : "STORE_VERIFY_NOT_REGULAR",
                                      dbPath, {{"path", dbPath.string()}}));
    return v;
  }
  v.found = true;
  ReadOnlyDb db;
  if (auto r = db.open(dbPath); !r) {
    v.findings.push_back(r.error());
    return v;
  }
  auto integrity = db.column("PRAGMA integrity_check", kIntegrityLines);
  if (!integrity) {
    v.findings.push_back(integrity.error());
    return v;  // not a database at all: nothing else can be read
  }
  v.integrityOk = integrity->size() == 1 && integrity->front() == "ok";
  if (!v.integrityOk) {
    std::string lines;
    for (const std::string& l : *integrity) lines += (lines.empty() ? "" : "; ") + l;
    v.findings.push_back(storeFinding("STORE_VERIFY_INTEGRITY", dbPath, {{"detail", lines}}));
  }
  auto version = db.column("PRAGMA user_version", 1);
  if (!version) {
    v.findings.push_back(version.error());
    return v;
  }
  v.schemaVersion = version->empty() ? 0 : std::stoi(version->front());
  if (v.schemaVersion == 0) {
    v.findings.push_back(storeFinding("STORE_VERIFY_NOT_A_STORE", dbPath));
    return v;
  }
  if (v.schemaVersion > kSchemaVersion) {
    v.findings.push_back(storeFinding("STORE_SCHEMA_TOO_NEW", dbPath,
                                      {{"found", v.schemaVersion}, {"known", kSchemaVersion}}));
  } else if (v.schemaVersion < kSchemaVersion) {
    v.findings.push_back(note(storeFinding("STORE_VERIFY_OLDER_SCHEMA", dbPath,
                                           {{"found", v.schemaVersion},
                                            {"known", kSchemaVersion}}),
                              Severity::Info));
  }
  const std::filesystem::path keyPath = secretKeyPath(dbPath);
  auto key = detail::readSecretKey(keyPath);
  if (!key) {
    v.findings.push_back(key.error());
    return v;
  }
  auto recorded = recordedKeyCheck(db);
  if (!recorded) {
    v.findings.push_back(recorded.error());
    return v;
  }
  if (!recorded->has_value()) {
    v.findings.push_back(note(storeFinding("STORE_VERIFY_NO_KEY_CHECK", keyPath,
                                           {{"keyFile", keyPath.string()}}),
                              Severity::Warning));
    return v;
  }
  v.keyMatches = **recorded == detail::hmacHex(*key, detail::kKeyCheckMessage);
  if (!v.keyMatches) {
    v.findings.push_back(
        storeFinding("STORE_KEY_MISMATCH", keyPath, {{"keyFile", keyPath.string()}}));
  }
  return v;
}

}  // namespace zzjb::store
