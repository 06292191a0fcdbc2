// The state store on SQLite: one database file, its WAL, and a secret key file next to it.
#pragma once

#include <filesystem>
#include <cstdint>
#include <memory>
#include <vector>

#include "zzjb/core/finding.hpp"
#include "zzjb/core/state_store.hpp"

namespace zzjb::store {

// The schema version this build writes and understands (PRAGMA user_version).
inline constexpr int kSchemaVersion = 4;

// Opens (creating if absent) the store at `dbPath`, migrating its schema to kSchemaVersion.
// The secret key for student keys is `<dbPath>.key` (32 random bytes, mode 0600), created with
// the database; losing it makes existing records unmatchable (STORE_KEY_MISMATCH on open).
// Errors: STORE_OPEN, STORE_SCHEMA_TOO_NEW, STORE_MIGRATION, STORE_KEY_*.
[[nodiscard]] Result<std::unique_ptr<StateStore>> openSqliteStore(
    const std::filesystem::path& dbPath);

// `zzjb store backup` (docs/operations.md, "Backup, restore and rebuild"): a consistent copy
// of the store at `dbPath` — SQLite's online backup API, in one read transaction, so a pass
// writing at the same time (WAL) neither waits nor shows half — written to `target` and its key
// to secretKeyPath(target), each atomically (files::writeFileAtomic: a new file, mode 0600, then
// renamed). Refuses a target (or its key file) that is a symbolic link, and one that exists
// unless `overwrite`. Codes STORE_BACKUP_*, STORE_KEY_*, FILE_*, STORE_OPEN, STORE_*.
struct BackupResult {
  std::uint64_t bytes = 0;   // of the copy
  int schemaVersion = 0;     // of the copy
};
[[nodiscard]] Result<BackupResult> backupStore(const std::filesystem::path& dbPath,
                                               const std::filesystem::path& target,
                                               bool overwrite);

// `zzjb store verify`: a store (or a backup) read only, never migrated. Each problem is a
// Finding; `ok` when there is none of severity Error.
struct VerifyResult {
  bool found = false;          // the file exists and is a regular file
  bool integrityOk = false;    // PRAGMA integrity_check said "ok"
  int schemaVersion = 0;       // PRAGMA user_version
  bool keyMatches = false;     // the key file opens and its check value is the recorded one
  std::vector<Finding> findings;  // errors, then notes (e.g. an older schema, migrated on open)
  [[nodiscard]] bool ok() const;
};
[[nodiscard]] VerifyResult verifyStore(const std::filesystem::path& dbPath);

// Where the secret key of a store lives.
[[nodiscard]] std::filesystem::path secretKeyPath(const std::filesystem::path& dbPath);

}  // namespace zzjb::store
