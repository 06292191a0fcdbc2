// The state store on SQLite: one database file, its WAL, and a secret key file next to it.
#pragma once

#include <filesystem>
#include <memory>

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

// Where the secret key of a store lives.
[[nodiscard]] std::filesystem::path secretKeyPath(const std::filesystem::path& dbPath);

}  // namespace zzjb::store
