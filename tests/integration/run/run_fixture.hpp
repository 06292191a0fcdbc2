// A rehearsal world for `zzjb run`: two schools (中职 and 高职), the three certification types,
// rosters of synthetic students with ineligible ones among them, the schools' keys, and the
// configuration pointing at a zzjb-mock. The generator knows who must end up declared and why
// every other student must not, so that tests compare the mock's state with it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace zzjb::test {

struct ExpectedStudent {
  std::string school;  // school id
  std::string id;      // the ID number as written in the roster
  // The 证件类型 a declaration of the student carries (the roster's, or 居民身份证 for a blank one
  // with a valid ID number): every type the platform's template takes appears among the students.
  std::string idType = "居民身份证";
  std::string occupationCode;  // empty for an ability
  int level = 0;
  std::string abilityCode;     // a special-ability target's (ZX-0301), else empty
  bool eligible = false;
  std::string reason;  // the exclusion code when not eligible: NOT_GRADUATING, INVALID_DATA, …
};

struct RunWorld {
  std::filesystem::path dir;     // config, rosters, keys, state
  std::filesystem::path config;  // dir / "zzjb.json"
  std::vector<ExpectedStudent> students;

  // "creditCode|idNumber|occupationCode|level" of every student that must be declared
  // ("creditCode|idNumber|abilityCode|ability" for an ability).
  [[nodiscard]] std::set<std::string> expectedDeclarations() const;
  // Exclusion code → how many students (each excluded student once per target).
  [[nodiscard]] std::map<std::string, std::size_t> expectedExclusions() const;
};

struct RunWorldOptions {
  std::size_t studentsPerMajor = 250;  // 4 majors: 1,000 students
  int graduationYear = 0;              // the current one (required)
  std::string baseUrl;                 // the mock
  std::filesystem::path caBundle;      // the mock's TLS certificate
  std::filesystem::path keysDir;       // made by scripts/make-example-keys.sh (shared by tests)
  std::filesystem::path catalog;       // config/catalog.example.json
  // platform.*: both schools at once by default (docs/architecture.md, "Schools in parallel"),
  // fast polls, the platform's batch size unless a test wants several batches.
  int maxConcurrentSchools = 4;
  int maxBatchRows = 5000;
  int pollIntervalMs = 20;
  // More 高职 like pudong-gz (pudong-gz-2, pudong-gz-3, …: other credit codes, their own keys made
  // by makeExtraSchoolKeys in keysDir), so that a pass has more schools than two.
  std::size_t extraSchools = 0;
  // A fifth major at xuhui-zz, 电子商务, declared for the special ability 网店运营 (ZX-0301,
  // type special-ability, granted by the centre): every fifth of its students chose another
  // ability (短视频制作) in the roster's 专项能力 column and is excluded as expected.
  bool specialAbility = false;
  // The same major at pudong-gz (高职) too, before extra schools are copied from it.
  bool specialAbilityAtHigher = false;
};

inline constexpr const char* kAbilityCode = "ZX-0301";
inline constexpr const char* kAbilityName = "网店运营";

inline constexpr const char* kSecondaryCredit = "12310104MB2F000081";  // xuhui-zz
inline constexpr const char* kHigherCredit = "12310115MB2P00007G";     // pudong-gz

// The id and credit code of the n-th extra school (n from 2).
[[nodiscard]] std::string extraSchoolId(std::size_t n);
[[nodiscard]] std::string extraSchoolCredit(std::size_t n);

// Makes the keys and certificates of extra schools 2 … count+1 in `keysDir` (where
// scripts/make-example-keys.sh made ca.pem/ca.key): P-256, signed by the test CA, with the
// keyID and credit-code extensions. Throws if openssl fails.
void makeExtraSchoolKeys(const std::filesystem::path& keysDir, std::size_t count);

// Writes the world into `dir` (config, rosters; keys are referenced, not copied).
[[nodiscard]] RunWorld makeRunWorld(const std::filesystem::path& dir, const RunWorldOptions& options);

}  // namespace zzjb::test
