// `zzjb plugins test PATH.so [--json]`: one plugin file through the conformance suite of the
// plugin test kit (docs/plugins.md, "Test kit"; issue 14). Every check goes through the real
// host (zzjb/plugin_host), the real configuration and roster readers and the real eligibility
// code, on a configuration synthesized in a private temporary directory from the plugin's own
// example (TypeInfo::example), so that what passes here is what `zzjb check` and `zzjb run` do.
//
// (A sheet's columns are checked here as the engine checks them before a declaration — no empty
// header, none twice, every standard key known (plugin::column::isStandard) — but every problem
// is listed, where the engine stops at the first.)
#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "args.hpp"
#include "commands.hpp"
#include "inputs.hpp"
#include "in_process.hpp"
#include "tls.hpp"
#include "zzjb/app/pass_runner.hpp"
#include "zzjb/core/cert_types.hpp"
#include "zzjb/core/clock.hpp"
#include "zzjb/core/identifiers.hpp"
#include "zzjb/core/eligibility.hpp"
#include "zzjb/messages/catalog.hpp"
#include "zzjb/plugin/abi.hpp"

namespace zzjb::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<OptionSpec>& testOptions() {
  static const std::vector<OptionSpec> kSpecs = {
      {"--json", "", false, "cli.opt.json"},
      {"--help", "-h", false, "cli.opt.help"},
  };
  return kSpecs;
}

enum class Outcome { Pass, Fail, Skipped };

// not-text: begin (the checks' names and results, the same in both languages: --json keys)
constexpr std::array<const char*, 7> kCheckNames = {
    "loads", "example-valid", "invalid-refused", "rules", "sheet", "no-exception", "rehearsal"};
// not-text: end
// Each check's title, in the order of kCheckNames.
constexpr std::array<const char*, 7> kCheckTitles = {
    "plugins.test.check.loads",           "plugins.test.check.example_valid",
    "plugins.test.check.invalid_refused", "plugins.test.check.rules",
    "plugins.test.check.sheet",           "plugins.test.check.no_exception",
    "plugins.test.check.rehearsal"};
std::string checkTitle(const std::string& name) {
  for (std::size_t i = 0; i < kCheckNames.size(); ++i) {
    if (name == kCheckNames[i]) return msg::text(kCheckTitles[i]);
  }
  return name;
}
// not-text: begin (the results' names, the same in both languages)
const char* outcomeName(Outcome o) {
  switch (o) {
    case Outcome::Pass:
      return "PASS";
    case Outcome::Fail:
      return "FAIL";
    case Outcome::Skipped:
      break;
  }
  return "SKIPPED";
}
// not-text: end

struct Check {
  std::string name;
  Outcome outcome = Outcome::Pass;
  std::vector<std::string> reasons;  // a failure's (or a skip's) reasons, for a person
  std::vector<std::string> notes;    // what a check did, for a person (the rehearsal's figures)

  void fail(std::string reason) {
    outcome = Outcome::Fail;
    reasons.push_back(std::move(reason));
  }
};

// A private directory (mkdtemp, mode 0700), removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "zzjb-plugin-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// A valid GB 11643 number (the check character by ISO 7064 MOD 11-2), as
// tests/integration/run/run_fixture.cpp makes them.
std::string digits(int value, std::size_t width) {
  std::string s = std::to_string(value);
  return s.size() >= width ? s : std::string(width - s.size(), '0') + s;
}

std::string residentId(int year, int month, int day, int seq, bool male) {
  int s3 = seq % 1000;
  if ((s3 % 2 == 1) != male) s3 = (s3 + 1) % 1000;
  const std::string body = "310104" + digits(year, 4) + digits(month, 2) +
                           digits(day, 2) +  // not-text: an area code
                           digits(s3, 3);
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                   3, 7, 9,  10, 5, 8, 4, 2};
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (body[i] - '0') * kWeights[i];
  return body + "10X98765432"[sum % 11];  // not-text: check characters
}

// One roster row: the required columns, then the type's extra ones.
struct Row {
  std::string name;
  std::string id;
  bool male = true;
  std::map<std::string, std::string> extra;
};

std::string csvCell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// not-text: begin (the synthesized configuration, catalog and roster: data the loaders read)
const char* kKitMajor = "示例专业";

void writeRoster(const fs::path& file, const std::vector<std::string>& extraColumns,
                 const std::vector<Row>& rows, int graduationYear) {
  std::ofstream out(file, std::ios::binary);
  out << "姓名,证件类型,证件号码,性别,手机号码,专业,班级,毕业年份";
  for (const auto& c : extraColumns) out << "," << csvCell(c);
  out << "\n";
  int n = 0;
  for (const Row& r : rows) {
    const std::string mobile = "1391234" + digits(++n % 10000, 4);
    out << csvCell(r.name) << ",居民身份证," << r.id << "," << (r.male ? "男" : "女") << ","
        << mobile << "," << kKitMajor << ",示例1班," << graduationYear;
    for (const auto& c : extraColumns) {
      auto it = r.extra.find(c);
      out << "," << csvCell(it == r.extra.end() ? "" : it->second);
    }
    out << "\n";
  }
}

json schoolJson(const std::string& id, bool higher, const json& target, const std::string& roster) {
  return {{"id", id},
          {"name", higher ? "示例职业技术学院" : "示例职业技术学校"},
          {"creditCode", higher ? "12310115MB2P00007G" : "12310104MB2F000081"},
          {"level", higher ? "HIGHER" : "SECONDARY"},
          {"legalRepresentative", "王建国"},
          {"district", "徐汇区"},
          {"address", "上海市徐汇区示范路100号"},
          {"leader", {{"name", "李明华"}, {"mobile", "13812340001"}}},
          {"contact", {{"name", "陈晓燕"}, {"mobile", "13912340002"}}},
          {"operator", {{"name", "周志强"}, {"idNumber", "310104198503121235"}}},
          {"majors", json::array({{{"name", kKitMajor}, {"targets", json::array({target})}}})},
          {"rosters", json::array({roster})}};
}

// A catalog that registers the target's organisation, when it names one, with the shape's kind
// and the target's occupation at `levels` (config/catalog.example.json is not installed
// everywhere).
json catalogJson(const plugin::TypeInfo& info, const json& target, const std::vector<int>& levels) {
  json items = json::array();
  if (target.is_object() && target.contains("evaluationOrg") &&
      target["evaluationOrg"].is_object()) {
    const json& org = target["evaluationOrg"];
    json occupations = json::array();
    if (target.contains("occupationCode")) {
      occupations.push_back({{"code", target.value("occupationCode", "")},
                             {"name", target.value("occupationName", "")},
                             {"levels", levels}});
    }
    items.push_back(
        {{"org",
          {{"name", org.value("name", "")},
           {"creditCode", org.value("creditCode", "")},
           {"type", info.shape.org == plugin::OrgKind::Employer ? "EMPLOYER" : "SOCIAL_ORG"}}},
         {"occupations", occupations}});
  }
  return {{"version", "plugin-test-kit"}, {"items", items}};
}
// not-text: end

// One configuration (schools from `schools`, each with its roster) written and read back with
// the real loaders, and each school evaluated with the real eligibility code.
struct Evaluated {
  bool loaded = false;
  std::vector<std::string> loadErrors;  // why the configuration or catalog could not be read
  std::optional<Config> config;
  std::optional<Catalog> catalog;
  std::vector<SchoolResult> results;
};

struct SchoolSpec {
  std::string id;
  bool higher = false;
  json target;
  std::vector<Row> rows;
};

class Kit {
 public:
  Kit(const fs::path& dir, const CertType& type, Date today)
      : dir_(dir), type_(type), today_(today), gradYear_(graduationYearOn(today)) {
    registry_.add(*type.impl, type.info, type.origin);
  }

  [[nodiscard]] int graduationYear() const { return gradYear_; }
  [[nodiscard]] const Date& today() const { return today_; }
  [[nodiscard]] const fs::path& dir() const { return dir_; }

  Row student(int seq, std::map<std::string, std::string> extra) const {
    // not-text: begin (students' names)
    static const std::array<const char*, 8> kNames = {"王子涵", "李雨桐", "张浩然", "刘欣怡",
                                                      "陈宇轩", "杨梓萱", "黄俊杰", "赵思远"};
    // not-text: end
    Row r;
    r.male = seq % 2 == 0;
    r.name =
        std::string(kNames[static_cast<std::size_t>(seq) % kNames.size()]) + std::to_string(seq);
    r.id = residentId(gradYear_ - 19, 1 + seq % 12, 1 + seq % 28, 100 + seq, r.male);
    r.extra = std::move(extra);
    return r;
  }

  // `tweak` changes the configuration before it is written (the rehearsal's platform and keys).
  Evaluated evaluate(const std::vector<SchoolSpec>& schools, const std::string& name,
                     const std::function<void(json&)>& tweak = {}) {
    Evaluated ev;
    const fs::path sub = dir_ / name;
    fs::create_directories(sub);
    std::vector<int> levels;
    json cfg = {{"catalog", "catalog.json"}, {"schools", json::array()}};  // not-text: keys
    std::vector<std::string> columns;
    for (const auto& [column, value] : type_.info.example.eligibleColumns)
      columns.push_back(column);
    for (const SchoolSpec& s : schools) {
      const std::string roster = s.id + ".csv";  // not-text: a file name
      writeRoster(sub / roster, columns, s.rows, gradYear_);
      cfg["schools"].push_back(schoolJson(s.id, s.higher, s.target, roster));
      if (s.target.is_object() && s.target.contains("level") &&
          s.target["level"].is_number_integer()) {
        levels.push_back(s.target["level"].get<int>());
      }
    }
    const json& first = schools.front().target;
    std::ofstream(sub / "catalog.json")
        << catalogJson(type_.info, first, levels).dump(2);  // not-text: a file name
    const fs::path file = sub / "zzjb.json";                // not-text: a file name
    if (tweak) tweak(cfg);
    std::ofstream(file) << cfg.dump(2);
    auto in = loadInputs(file.string());
    for (const auto& f : in.findings) {
      if (f.severity == Severity::Error) ev.loadErrors.push_back(where(f) + f.message);
    }
    if (!in.config || !in.catalog || !ev.loadErrors.empty()) return ev;
    ev.loaded = true;
    ev.config = std::move(in.config);
    ev.catalog = std::move(in.catalog);
    EligibilityOptions opt;
    opt.today = today_;
    opt.catalog = &*ev.catalog;
    opt.types = &registry_;
    for (const School& school : ev.config->schools) {
      ev.results.push_back(evaluateSchool(school, readRosters(school), opt));
    }
    return ev;
  }

  static std::string where(const Finding& f) {
    std::string w = f.where.str();
    return w.empty() ? std::string() : w + ": ";  // not-text: punctuation
  }

 private:
  fs::path dir_;
  const CertType& type_;
  Date today_;
  int gradYear_;
  TypeRegistry registry_;
};

bool isUpperSnake(const std::string& code) {
  return !code.empty() &&
         std::all_of(
             code.begin(), code.end(),
             [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }) &&
         code.front() >= 'A' && code.front() <= 'Z';
}

bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The error findings of an evaluation, and its PLUGIN_FAILED ones apart.
struct Errors {
  std::vector<std::string> errors;
  std::vector<std::string> pluginFailed;
  std::vector<const Finding*> all;
};

Errors errorsOf(const Evaluated& ev) {
  Errors e;
  for (const auto& r : ev.results) {
    for (const auto& f : r.findings) {
      if (f.code == "PLUGIN_FAILED") e.pluginFailed.push_back(f.message);  // not-text: a code
      if (f.severity != Severity::Error) continue;
      e.errors.push_back(Kit::where(f) + f.message + " [" + f.code + "]");  // not-text: punctuation
      e.all.push_back(&f);
    }
  }
  return e;
}

// What a rehearsal's passes say: their errors, for a failure's reason.
class RehearsalObserver final : public app::PassObserver {
 public:
  void onEngineEvent(const EngineEvent& /*event*/) override {}
  void onRequest(const std::string& /*school*/, const platform::RequestEvent& /*event*/) override {}
  void onSchoolDone(const SchoolOutcome& /*outcome*/) override {}
  void log(Severity severity, const std::string& /*school*/, const std::string& message) override {
    if (severity == Severity::Error) errors.push_back(message);
  }
  std::vector<std::string> errors;
};

// The suite. `checks` holds every check, in order, each PASS until a reason makes it FAIL.
class Suite {
 public:
  Suite(const CertType& type, const fs::path& dir, Date today)
      : type_(type), kit_(dir, type, today) {
    for (const char* n : kCheckNames) checks_.push_back({n, Outcome::Pass, {}, {}});
  }

  std::vector<Check> run() {
    Check& example = checks_[1];
    target_ = json::parse(type_.info.example.target, nullptr, false);
    if (type_.info.example.target.empty() || !target_.is_object()) {
      example.fail(msg::text("plugins.test.no_example"));
      for (std::size_t i = 2; i < 5; ++i) skip(checks_[i], "plugins.test.skipped_no_example");
    } else {
      exampleValid(example);
      invalidRefused(checks_[2]);
      rules(checks_[3]);
    }
    if (checks_[1].outcome == Outcome::Pass) {
      rehearsal(checks_[6]);
    } else if (target_.is_object()) {
      skip(checks_[6], "plugins.test.skipped_example_failed");
    } else {
      skip(checks_[6], "plugins.test.skipped_no_example");
    }
    noException(checks_[5]);
    return checks_;
  }

 private:
  static void skip(Check& c, const char* why) {
    if (c.outcome == Outcome::Fail) return;
    c.outcome = Outcome::Skipped;
    c.reasons.push_back(msg::text(why));
  }

  const plugin::TargetShape& shape() const { return type_.info.shape; }

  std::map<std::string, std::string> eligibleColumns() const {
    return type_.info.example.eligibleColumns;
  }

  std::vector<SchoolSpec> exampleSchools(const json& target) const {
    std::vector<SchoolSpec> schools = {
        {"kit-zz", false, target, {kit_.student(1, eligibleColumns())}}};  // not-text: a school id
    if (shape().level == plugin::LevelRule::SchoolLevel ||
        shape().level == plugin::LevelRule::None) {
      json higher = target;
      if (shape().level == plugin::LevelRule::SchoolLevel) higher["level"] = 3;  // 高职: 三级
      schools.push_back(
          {"kit-gz", true, higher, {kit_.student(2, eligibleColumns())}});  // not-text: a school id
    }
    return schools;
  }

  // 2. The example, in a 中职 school (and a 高职 one when the level rule allows): loads, has no
  // error, and its student is eligible.
  void exampleValid(Check& c) {
    Evaluated ev = kit_.evaluate(exampleSchools(target_), "example");  // not-text: a directory
    for (const auto& e : ev.loadErrors)
      c.fail(msg::text("plugins.test.config_unread", {{"reason", e}}));
    if (!ev.loaded) return;
    noteFailures(ev);
    for (const auto& e : errorsOf(ev).errors)
      c.fail(msg::text("plugins.test.example_error", {{"finding", e}}));
    for (std::size_t i = 0; i < ev.results.size(); ++i) {
      const SchoolResult& r = ev.results[i];
      const bool eligible = !r.targets.empty() && !r.targets.front().eligible.empty();
      if (eligible) continue;
      std::string why;
      if (!r.targets.empty() && !r.targets.front().excluded.empty()) {
        const ExcludedStudent& x = r.targets.front().excluded.front();
        why = x.text() + " [" + x.code() + "]";  // not-text: punctuation
      }
      c.fail(msg::text(
          "plugins.test.example_not_eligible",
          {{"school", msg::text(r.level == SchoolLevel::Higher ? "plugins.test.higher"
                                                               : "plugins.test.secondary")},
           {"why", why}}));
    }
    if (c.outcome == Outcome::Pass)
      sheet(checks_[4], ev);
    else
      skip(checks_[4], "plugins.test.skipped_example_failed");
  }

  // 3. A required option or own field removed: an error at its JSON path; an empty section or
  // none at all: no exception.
  void invalidRefused(Check& c) {
    auto errorAt = [&](const json& target, const std::string& tail, const std::string& what) {
      Evaluated ev =
          kit_.evaluate({{"kit-zz",
                          false,
                          target,
                          {kit_.student(1, eligibleColumns())}}},  // not-text: a school id
                        "invalid-" + std::to_string(++variant_));  // not-text: a directory
      if (!ev.loaded) {
        // The loader refused it: that is where the path must be.
        for (const auto& e : ev.loadErrors) {
          if (e.find(tail) != std::string::npos) return;
        }
        c.fail(msg::text("plugins.test.not_refused", {{"what", what}, {"path", tail}}));
        return;
      }
      noteFailures(ev);
      Errors e = errorsOf(ev);
      for (const Finding* f : e.all) {
        if (endsWith(f->where.jsonPath, tail)) return;
      }
      std::string got;
      for (const auto& s : e.errors) got += (got.empty() ? "" : "; ") + s;  // not-text: a separator
      c.fail(msg::text(got.empty() ? "plugins.test.not_refused" : "plugins.test.refused_elsewhere",
                       {{"what", what}, {"path", tail}, {"got", got}}));
    };
    for (const auto& o : type_.info.options) {
      if (!o.required) continue;
      json t = target_;
      if (t.contains("options") && t["options"].is_object()) t["options"].erase(o.name);
      errorAt(t, ".options." + o.name, "options." + o.name);  // not-text: JSON paths
    }
    for (const auto& f : shape().fields) {
      if (!f.required) continue;
      json t = target_;
      t.erase(f.name);
      errorAt(t, "." + f.name, f.name);  // not-text: a JSON path
    }
    json empty = target_;
    empty["options"] = json::object();
    json none = target_;
    none.erase("options");
    for (const json* t : {&empty, &none}) {
      Evaluated ev = kit_.evaluate(
          {{"kit-zz", false, *t, {kit_.student(1, eligibleColumns())}}},  // not-text: a school id
          "invalid-" + std::to_string(++variant_));                       // not-text: a directory
      if (!ev.loaded) continue;
      noteFailures(ev);
      for (const auto& m : errorsOf(ev).pluginFailed) {
        c.fail(msg::text(t == &empty ? "plugins.test.throws_empty" : "plugins.test.throws_none",
                         {{"message", m}}));
      }
    }
  }

  // 4. About 40 students, some with the example's columns, some with them empty, some with
  // other values: no failure, every Problem with a code, reason and hint, every Expected with a
  // code and reason, and the example student eligible.
  void rules(Check& c) {
    Evaluated ev = kit_.evaluate({{"kit-zz", false, target_, rulesRows()}},
                                 "rules");  // not-text: a school id, a directory
    for (const auto& e : ev.loadErrors)
      c.fail(msg::text("plugins.test.config_unread", {{"reason", e}}));
    if (!ev.loaded || ev.results.empty()) return;
    noteFailures(ev);
    for (const auto& m : errorsOf(ev).pluginFailed)
      c.fail(msg::text("plugins.test.failed", {{"message", m}}));
    const SchoolResult& r = ev.results.front();
    if (r.targets.empty()) return;
    const TargetResult& t = r.targets.front();
    std::set<std::string> reported;
    for (const ExcludedStudent& x : t.excluded) {
      if (x.reason != Exclusion::TypeRule) continue;
      const char* problem = nullptr;
      if (!isUpperSnake(x.ruleCode)) {
        problem = "plugins.test.verdict_code";
      } else if (x.ruleReason.empty()) {
        problem = "plugins.test.verdict_reason";
      } else if (!x.expected && x.ruleHint.empty()) {
        problem = "plugins.test.verdict_hint";
      }
      if (problem == nullptr || !reported.insert(problem).second) continue;
      c.fail(msg::text(problem, {{"kind", msg::text(x.expected ? "plugins.test.expected"
                                                               : "plugins.test.problem")},
                                 {"code", x.ruleCode}}));
    }
    // The first student has the example's columns.
    if (std::find(t.eligible.begin(), t.eligible.end(), std::size_t{0}) == t.eligible.end()) {
      c.fail(msg::text("plugins.test.rules_not_eligible"));
    }
  }

  // About 40 students, a quarter each with the example's columns, with them empty, with other
  // values, and with the example's again.
  std::vector<Row> rulesRows() const {
    std::vector<Row> rows;
    for (int i = 0; i < 40; ++i) {
      std::map<std::string, std::string> extra;
      for (const auto& [column, value] : eligibleColumns()) {
        switch (i % 4) {
          case 0:
          case 3:
            extra[column] = value;
            break;
          case 1:
            extra[column] = "";
            break;
          default:
            extra[column] = msg::text("plugins.test.other_value", {{"value", value}});
            break;
        }
      }
      rows.push_back(kit_.student(i + 1, std::move(extra)));
    }
    return rows;
  }

  // 5. The sheet for the example target, and the eligible student's values.
  void sheet(Check& c, const Evaluated& ev) {
    const School& school = ev.config->schools.front();
    const Target& target = school.majors.front().targets.front();
    const plugin::TargetView view = targetView(school, target, &type_);
    const plugin::Section section = sectionFor(school, target);
    auto cols = type_.impl->declarationSheet(view, section);
    if (!cols.ok()) {
      escaped("declarationSheet", cols.error);
      c.fail(msg::text(
          "plugins.test.call_failed",
          {{"entry", "declarationSheet"}, {"message", cols.error}}));  // not-text: an entry point
      return;
    }
    if (cols.value.empty()) c.fail(msg::text("plugins.test.sheet_empty"));
    std::set<std::string> seen;
    std::size_t own = 0;
    for (std::size_t i = 0; i < cols.value.size(); ++i) {
      const plugin::SheetColumn& col = cols.value[i];
      if (col.header.empty()) {
        c.fail(msg::text("plugins.test.sheet_empty_header", {{"n", i + 1}}));
      } else if (!seen.insert(col.header).second) {
        c.fail(msg::text("plugins.test.sheet_repeats", {{"column", col.header}}));
      }
      if (col.standard.empty()) {
        ++own;
      } else if (!plugin::column::isStandard(col.standard)) {
        c.fail(msg::text("plugins.test.sheet_unknown_standard",
                         {{"column", col.header}, {"standard", col.standard}}));
      }
    }
    const SchoolResult& r = ev.results.front();
    const std::size_t index = r.targets.front().eligible.front();
    auto values = type_.impl->declarationValues(
        studentView(r.students[index], &type_, kit_.today()), view, section);
    if (!values.ok()) {
      escaped("declarationValues", values.error);
      c.fail(msg::text("plugins.test.call_failed",
                       {{"entry", "declarationValues"},
                        {"message", values.error}}));  // not-text: an entry point
      return;
    }
    if (values.value.size() != own) {
      c.fail(
          msg::text("plugins.test.sheet_values", {{"values", values.value.size()}, {"own", own}}));
    }
    // The other entry points, for check 6.
    auto fields = type_.impl->applicationFields(view, section);
    if (!fields.ok()) escaped("applicationFields", fields.error);       // not-text: an entry point
    auto explained = type_.impl->explainReview("TEST_REASON", "test");  // not-text: a sample review
    if (!explained.ok()) escaped("explainReview", explained.error);     // not-text: an entry point
  }

  // 7. A full pass, as `zzjb run` makes it (app::PassRunner with the real store, keys and
  // client), against zzjb-mock served in this process over TLS on loopback, for the school of
  // check 4: the centre grants the permission when the type's is granted by it; passes go on
  // (at most kMaxPasses) until one sends nothing. Then the platform must hold exactly the eligible
  // students, each once, in sheets with the type's own columns.
  void rehearsal(Check& c) {
    static constexpr int kMaxPasses = 6;
    const plugin::TypeInfo& info = type_.info;
    // not-text: begin (the rehearsal's school, files, platform requests and JSON keys)
    const std::string credit = "12310104MB2F000081";  // kit-zz's (schoolJson)
    const fs::path dir = kit_.dir() / "rehearsal";
    std::error_code ec;
    fs::create_directories(dir / "keys", ec);
    auto pki = mock::makeSchoolIdentity("KIT-REHEARSAL-0001", credit);
    if (!pki) {
      c.fail(msg::text("plugins.test.rehearsal_setup", {{"reason", pki.error()}}));
      return;
    }
    auto write = [&](const fs::path& file, const std::string& text) {
      std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
    };
    write(dir / "keys" / "ca.pem", pki->caCertificatePem);
    write(dir / "keys" / "school.pem", pki->certificatePem);
    write(dir / "keys" / "school.key", pki->privateKeyPem);

    std::vector<int> levels;
    if (target_.contains("level") && target_["level"].is_number_integer())
      levels.push_back(target_["level"].get<int>());
    if (levels.empty() && shape().scope == plugin::Scope::Occupation) levels = {3, 4, 5};
    json catalog = catalogJson(info, target_, levels);
    const bool employer = shape().org == plugin::OrgKind::Employer;
    json matter = {
        {"name", info.matter},
        {"opening", info.permission == plugin::Permission::AppliedOnline   ? "ONLINE"
                    : info.permission == plugin::Permission::GrantedByCentre ? "CENTRE"
                                                                             : "NONE"},
        {"scope", shape().scope == plugin::Scope::Ability ? "ABILITY" : "OCCUPATION"},
        {"nodes", json::array()}};
    if (!info.node.empty())
      matter["nodes"].push_back(
          {{"name", info.node}, {"orgType", employer ? "EMPLOYER" : "SOCIAL_ORG"}});
    catalog["matters"] = json::array({matter});
    write(dir / "platform-catalog.json", catalog.dump(2));

    mock::PlatformOptions po;
    po.trustCaFiles = {(dir / "keys" / "ca.pem").string()};
    po.catalogFile = (dir / "platform-catalog.json").string();
    po.seed = 14;
    auto platform = mock::InProcessPlatform::start(po);
    if (!platform) {
      c.fail(msg::text("plugins.test.rehearsal_setup", {{"reason", platform.error()}}));
      return;
    }
    mock::InProcessPlatform& mockPlatform = **platform;
    write(dir / "platform.pem", mockPlatform.certificatePem());
    mockPlatform.call("POST", "/__admin/review-policy",
                      R"({"mode": "auto-approve", "afterPolls": 1})");
    mockPlatform.call("POST", "/__admin/batch-policy", R"({"doneAfterPolls": 1})");

    const std::string base = mockPlatform.baseUrl();
    Evaluated ev = kit_.evaluate(
        {{"kit-zz", false, target_, rulesRows()}}, "rehearsal", [&](json& cfg) {
          cfg["platform"] = {{"baseUrl", base},
                             {"caBundle", "platform.pem"},
                             {"pollIntervalMs", 20}};
          cfg["state"] = {{"path", "state.sqlite"}};
          cfg["trustedCAs"] = json::array({"keys/ca.pem"});
          cfg["schools"][0]["identity"] = {{"key", "file:keys/school.key"},
                                           {"certificate", "keys/school.pem"}};
        });
    for (const auto& e : ev.loadErrors)
      c.fail(msg::text("plugins.test.config_unread", {{"reason", e}}));
    if (!ev.loaded || ev.results.empty() || ev.results.front().targets.empty()) return;
    noteFailures(ev);
    const SchoolResult& evaluated = ev.results.front();
    std::multiset<std::string> expected;
    for (std::size_t i : evaluated.targets.front().eligible)
      expected.insert(evaluated.students[i].idNumber);

    json grant = {{"creditCode", credit},
                  {"matter", info.matter},
                  {"node", info.node.empty() ? json(nullptr) : json(info.node)}};
    if (shape().scope == plugin::Scope::Ability) {
      grant["abilityCode"] = target_.value("abilityCode", "");
      grant["abilityName"] = target_.value("abilityName", "");
    } else {
      grant["occupationCode"] = target_.value("occupationCode", "");
      grant["occupationName"] = target_.value("occupationName", "");
      grant["level"] = levels.empty() ? 4 : levels.front();
      grant["evaluationOrg"] = target_.contains("evaluationOrg") ? target_["evaluationOrg"]
                                                                 : json(nullptr);
    }
    // not-text: end

    SystemClock clock;
    RehearsalObserver observer;
    app::PassEnvironment environment = app::PassEnvironment::standard(clock, observer);
    // The pass takes the plugin under test, and no other, from its file.
    environment.loadPlugins = [this](plugin_host::Host& host, const Config& /*config*/,
                                     std::vector<Finding>& findings) {
      const plugin_host::PluginFile f = host.load(fs::path(type_.origin), "plugins test");  // not-text
      if (!f.loaded) findings.push_back(makeFinding(Severity::Error, FindingKind::Config,
                                                    f.refusalCode, {f.path.string(), 0, "", ""},
                                                    {{"refusal", f.refusal}}, "PLUGIN_REFUSED.inputs"));
    };
    app::PassRunner runner(std::move(environment));
    bool granted = info.permission != plugin::Permission::GrantedByCentre;
    std::string grantRefusal;
    bool quiet = false;
    std::string last;
    int passes = 0;
    for (; passes < kMaxPasses && !quiet; ++passes) {
      const app::PassResult result = runner.run(*ev.config, {});
      std::size_t creating = 0;
      for (const SchoolOutcome& o : result.schools) {
        creating += o.creatingRequests;
        last = o.summary();
        for (const Finding& f : o.findings) {
          if (f.severity == Severity::Error) observer.errors.push_back(f.message);
        }
      }
      for (const Finding& f : result.findings) {
        if (f.severity == Severity::Error) observer.errors.push_back(f.message);
      }
      if (!granted) {
        const mock::Response r = mockPlatform.call("POST", "/__admin/permissions", grant.dump());
        granted = r.status == 200;
        if (!granted) grantRefusal = r.body;
        continue;
      }
      quiet = creating == 0 && !result.schools.empty();
    }
    if (quiet) {
      c.notes.push_back(msg::text("plugins.test.rehearsal_done",
                                  {{"passes", passes}, {"eligible", expected.size()}}));
    }
    if (!granted) {
      c.fail(msg::text("plugins.test.rehearsal_grant", {{"reason", grantRefusal}}));
      return;
    }
    // The first distinct errors of the passes (a finding repeats in every pass).
    std::string errors;
    std::set<std::string> said;
    for (const auto& e : observer.errors) {
      if (said.size() == 3 || !said.insert(e).second) continue;
      errors += (errors.empty() ? "" : "; ") + e;  // not-text: a separator
    }
    if (!quiet) {
      c.fail(msg::text("plugins.test.rehearsal_not_quiet",
                       {{"passes", kMaxPasses}, {"last", last}, {"errors", errors}}));
    }

    // What the platform holds.
    const json state = json::parse(mockPlatform.call("GET", "/__admin/state").body, nullptr, false);
    std::multiset<std::string> declared;
    // not-text: begin (the mock's state keys)
    if (state.is_object() && state.contains("declarations") && state["declarations"].is_array()) {
      for (const auto& d : state["declarations"]) {
        if (d.value("creditCode", "") == credit) declared.insert(d.value("idNumber", ""));
      }
    }
    // not-text: end
    std::vector<std::string> missing, extra, twice;
    for (const auto& id : expected) {
      if (!declared.contains(id)) missing.push_back(maskId(id));
    }
    for (const auto& id : declared) {
      if (!expected.contains(id)) {
        extra.push_back(maskId(id));
      } else if (declared.count(id) > 1 && (twice.empty() || twice.back() != maskId(id))) {
        twice.push_back(maskId(id));
      }
    }
    auto some = [](const std::vector<std::string>& ids) {
      std::string out;
      for (std::size_t i = 0; i < ids.size() && i < 3; ++i)
        out += (out.empty() ? "" : ", ") + ids[i];  // not-text: a separator
      return out;
    };
    c.notes.push_back(msg::text("plugins.test.rehearsal_declared", {{"declared", declared.size()}}));
    if (!missing.empty()) {
      c.fail(msg::text("plugins.test.rehearsal_missing", {{"count", missing.size()},
                                                          {"expected", expected.size()},
                                                          {"ids", some(missing)},
                                                          {"last", last},
                                                          {"errors", errors}}));
    }
    if (!extra.empty()) {
      c.fail(msg::text("plugins.test.rehearsal_extra",
                       {{"count", extra.size()}, {"ids", some(extra)}}));
    }
    if (!twice.empty()) {
      c.fail(msg::text("plugins.test.rehearsal_twice",
                       {{"count", twice.size()}, {"ids", some(twice)}}));
    }

    // Every sheet the platform took has the type's columns, as declarationSheet gives them.
    const School& school = ev.config->schools.front();
    const Target& target = school.majors.front().targets.front();
    auto cols = type_.impl->declarationSheet(targetView(school, target, &type_),
                                             sectionFor(school, target));
    if (!cols.ok()) return;  // check 5 says why
    std::vector<std::string> headers;
    for (const auto& col : cols.value) headers.push_back(col.header);
    // not-text: begin (the mock's state keys)
    if (state.is_object() && state.contains("batches") && state["batches"].is_array()) {
      for (const auto& b : state["batches"]) {
        if (b.value("creditCode", "") != credit || !b.contains("header")) continue;
        const auto header = b["header"];
        // not-text: end
        if (header != json(headers)) {
          std::string got;
          for (const auto& h : header) {
            got += (got.empty() ? "" : ", ") +  // not-text: a separator
                   (h.is_string() ? h.get<std::string>() : h.dump());
          }
          c.fail(msg::text("plugins.test.rehearsal_header", {{"got", got}}));
          break;
        }
      }
    }
  }

  // 6. Every call above answered: a Reply with an error (an exception Guarded caught) is named
  // with its entry point.
  void noException(Check& c) {
    for (const auto& e : escapes_) c.fail(e);
  }

  void escaped(const char* entry, const std::string& message) {
    escapes_.push_back(msg::text("plugins.test.escaped", {{"entry", entry}, {"message", message}}));
  }

  void noteFailures(const Evaluated& ev) {
    for (const auto& m : errorsOf(ev).pluginFailed) {
      const std::string line = msg::text("plugins.test.escaped_finding", {{"message", m}});
      if (std::find(escapes_.begin(), escapes_.end(), line) == escapes_.end())
        escapes_.push_back(line);
    }
  }

  const CertType& type_;
  Kit kit_;
  json target_;
  std::vector<Check> checks_;
  std::vector<std::string> escapes_;
  int variant_ = 0;
};

std::string reasonText(const Check& c) {
  std::string out;
  for (const auto& r : c.reasons) out += (out.empty() ? "" : "\n") + r;
  return out;
}

void printChecks(const std::string& file, const std::string& typeId,
                 const std::vector<Check>& checks, bool asJson) {
  std::size_t pass = 0, fail = 0, skipped = 0;
  for (const auto& c : checks) {
    (c.outcome == Outcome::Pass ? pass : c.outcome == Outcome::Fail ? fail : skipped) += 1;
  }
  if (asJson) {
    // not-text: begin (--json keys)
    json j = {{"plugin", file},
              {"type", typeId},
              {"abi", plugin::kAbiVersion},
              {"passed", fail == 0},
              {"checks", json::array()}};
    for (const auto& c : checks) {
      json one = {
          {"name", c.name}, {"result", outcomeName(c.outcome)}, {"title", checkTitle(c.name)}};
      one["reason"] = c.reasons.empty() ? json(nullptr) : json(reasonText(c));
      one["reasons"] = c.reasons;
      one["notes"] = c.notes;
      j["checks"].push_back(one);
    }
    // not-text: end
    std::cout << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return;
  }
  std::cout << msg::text("plugins.test.heading",
                         {{"path", file}, {"type", typeId.empty() ? "-" : typeId}})
            << "\n";
  for (const auto& c : checks) {
    std::string result = outcomeName(c.outcome);
    result.resize(8, ' ');
    std::cout << "  " << result << checkTitle(c.name) << "\n";
    for (const auto& r : c.reasons) std::cout << "          " << r << "\n";
    for (const auto& n : c.notes) std::cout << "          " << n << "\n";
  }
  std::cout << msg::text("plugins.test.total",
                         {{"pass", pass}, {"fail", fail}, {"skipped", skipped}})
            << "\n";
}

}  // namespace

int cmdPluginsTest(const std::vector<std::string>& argv) {
  std::string error;
  auto args = parseArgs(argv, testOptions(), error);
  if (args && !args->has("--help") && args->positional.size() != 1) {
    error = msg::text("plugins.test.one_file");
    args.reset();
  }
  if (!args || args->has("--help")) {
    std::ostream& o = args ? std::cout : std::cerr;
    if (!args) o << "zzjb plugins test: " << error << "\n";  // not-text: the command's name
    o << msg::text("plugins.test.usage") << "\n\n" << optionsHelp(testOptions());
    return args ? kExitOk : kExitUsage;
  }
  const bool asJson = args->has("--json");
  const fs::path file = fs::absolute(args->positional.front());
  std::vector<Check> checks;
  for (const char* n : kCheckNames) checks.push_back({n, Outcome::Skipped, {}, {}});

  // 1. Loaded by the host as `zzjb` loads it: the file's checks, the ABI first, init(), info().
  plugin_host::Host host;
  const plugin_host::PluginFile loaded = host.load(file, "plugins test");  // not-text: an origin
  if (!loaded.loaded) {
    checks[0].fail(loaded.refusal + " [" + loaded.refusalCode + "]");  // not-text: punctuation
    for (std::size_t i = 1; i < checks.size(); ++i) {
      checks[i].reasons.push_back(msg::text("plugins.test.skipped_not_loaded"));
    }
    printChecks(file.string(), loaded.typeId, checks, asJson);
    return kExitConfig;
  }
  const CertType* type = host.registry().find(loaded.typeId);
  TempDir dir;
  if (type == nullptr || dir.path().empty()) {
    std::cerr << "zzjb plugins test: "  // not-text: the command's name
              << msg::text("plugins.test.no_temp") << "\n";
    return kExitCantCreate;
  }
  std::optional<Date> today = todayFrom(std::nullopt, error);
  Suite suite(*type, dir.path(), *today);
  std::vector<Check> ran = suite.run();
  ran[0] = {kCheckNames[0], Outcome::Pass, {}, {}};
  const bool failed = std::any_of(ran.begin(), ran.end(),
                                  [](const Check& c) { return c.outcome == Outcome::Fail; });
  printChecks(file.string(), loaded.typeId, ran, asJson);
  return failed ? kExitData : kExitOk;
}

}  // namespace zzjb::cli
