// Shared fixtures for the online-pass benchmarks (declaration_bench.cpp, engine_bench.cpp): a
// school with one social-org target, an in-memory roster of N eligible students, the catalog, and
// an in-memory certification type (plugin::Guarded<Policy>, as in tests/unit/engine).
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include "zzjb/core/cert_types.hpp"
#include "zzjb/core/declaration_sheet.hpp"
#include "zzjb/core/domain.hpp"
#include "zzjb/core/eligibility.hpp"
#include "zzjb/core/identifiers.hpp"
#include "zzjb/core/platform.hpp"
#include "zzjb/core/roster.hpp"
#include "zzjb/plugin/api.hpp"

namespace zzjb::bench {

inline const Date kToday{2026, 11, 27};  // graduation year 2027

// A valid resident ID, unique for i < 504,000: the birth date runs through 1,008 dates
// (2006-2008, days 1-28), then the sequence through 500 odd values (so every student is male).
// (eligibility_bench.cpp's idNumber repeats from i = 10,500: its period is lcm(3, 12, 28, 500).)
inline std::string idNumber(int i) {
  const int date = i % 1008;
  const int seq = 2 * ((i / 1008) % 500) + 1;
  char first17[18];
  std::snprintf(first17, sizeof first17, "310104%04d%02d%02d%03d", 2006 + date / 336,
                1 + (date / 28) % 12, 1 + date % 28, seq);
  std::string s(first17);
  return s + *residentIdCheckChar(s);
}

// The social-org type of the engine tests: applied for online, one extra declaration column.
class SocialOrgPolicy final : public plugin::Policy {
 public:
  plugin::TypeInfo info() const override {
    plugin::TypeInfo i;
    i.id = "social-org";
    i.matter = "职业技能等级认定";
    i.node = "社会评价组织等级认定";
    i.shape.org = plugin::OrgKind::SocialOrg;
    i.description = "bench";
    return i;
  }
  // The platform's template of the target's scope, then the type's one column (makeSheet).
  std::vector<plugin::SheetColumn> declarationSheet(const plugin::TargetView& t,
                                                    const plugin::Section& /*s*/) const override {
    std::vector<plugin::SheetColumn> columns = plugin::standardSheet(t.scope);
    columns.push_back({"评价组织", "", false});
    return columns;
  }
  std::vector<std::string> declarationValues(const plugin::StudentView& /*st*/,
                                             const plugin::TargetView& t,
                                             const plugin::Section& /*s*/) const override {
    return {t.orgName};
  }
};

inline const TypeRegistry& types() {
  static plugin::Guarded<SocialOrgPolicy> social;
  static const TypeRegistry registry = [] {
    TypeRegistry r;
    (void)r.add(social, social.info().value, "bench:social-org");
    return r;
  }();
  return registry;
}

inline const EvaluationOrg kOrg{"信息评价中心", "52310000MJ1A2B3C9Q"};

inline School makeSchool() {
  School s;
  s.id = "bench";
  s.name = "示范学校";
  s.creditCode = "12310104MB2F000081";
  s.level = SchoolLevel::Secondary;
  s.legalRepresentative = "王建国";
  s.district = "徐汇区";
  s.address = "示范路1号";
  s.leader = {"李明华", "13812340001"};
  s.contact = {"陈晓燕", "13912340002"};
  s.platformOperator = {"周志强", "310104198503121235"};
  s.jsonPath = "$.schools[0]";
  Target t;
  t.type = "social-org";
  t.occupationCode = "4-04-05-01";
  t.occupationName = "计算机程序设计员";
  t.level = 4;
  t.evaluationOrg = kOrg;
  t.evaluation = {EvaluationStatus::Approved, "意见〔2026〕1号", Date{2026, 5, 12}};
  t.jsonPath = "$.schools[0].majors[0].targets[0]";
  s.majors.push_back({"计算机应用", "", {t}, "$.schools[0].majors[0]"});
  return s;
}

// The permission the platform grants for that target (what the engine's scopeFor builds).
inline PermissionScope grantedScope() {
  return {"职业技能等级认定", "社会评价组织等级认定", "4-04-05-01", "计算机程序设计员", 4, kOrg};
}

inline Catalog makeCatalog() {
  Catalog c;
  c.version = "bench";
  c.items.push_back({kOrg, OrgType::SocialOrg, {{"4-04-05-01", "计算机程序设计员", {3, 4, 5}}}});
  return c;
}

// N students of 计算机应用, all graduating in 2027, as a CSV reader would hand them over.
inline RosterTable makeTable(int students) {
  RosterTable t;
  t.file = "bench.csv";
  t.encoding = "UTF-8";
  t.header = {"姓名", "证件类型", "证件号码", "性别", "手机号码", "专业", "班级", "毕业年份"};
  t.records.reserve(static_cast<std::size_t>(students));
  for (int i = 0; i < students; ++i) {
    RosterRecord rec;
    rec.line = static_cast<std::size_t>(i) + 2;
    for (const std::string& c :
         {"学生" + std::to_string(i), std::string("居民身份证"), idNumber(i), std::string("男"),
          "138" + std::to_string(10000000 + i), std::string("计算机应用"),
          std::string("计算机2401班"), std::string("2027")}) {
      rec.cells.push_back({c, CellKind::Text, ""});
    }
    t.records.push_back(std::move(rec));
  }
  return t;
}

// A declaration sheet like the engine builds: the standard occupation sheet
// (plugin::standardSheet) and the type's one column.
inline DeclarationSheet makeSheet(int rows) {
  DeclarationSheet s;
  s.columns = plugin::standardSheet(plugin::Scope::Occupation);
  s.columns.push_back({"评价组织", "", false});
  s.rows.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    std::string id = idNumber(i);
    s.rows.push_back({std::to_string(i + 1),
                      "学生" + std::to_string(i),
                      "居民身份证",
                      id,
                      "男",
                      id.substr(6, 4) + "-" + id.substr(10, 2) + "-" + id.substr(12, 2),
                      "138" + std::to_string(10000000 + i),
                      "中等职业教育",
                      "在校学生",
                      "计算机应用",
                      "计算机2401班",
                      "2027",
                      "计算机程序设计员",
                      "4-04-05-01",
                      "4",
                      kOrg.name});
  }
  return s;
}

// A fresh scratch directory, removed on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "zzjb-bench-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = buf.data();
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Peak resident set of the process so far (getrusage ru_maxrss), in MiB.
inline double peakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux: KiB
}

// Current resident set (/proc/self/statm), in MiB.
inline double currentRssMiB() {
  std::ifstream in("/proc/self/statm");
  long pages = 0;
  long resident = 0;
  in >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) /
         (1024.0 * 1024.0);
}

}  // namespace zzjb::bench
