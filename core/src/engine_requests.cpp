// What the engine sends, built from the configuration and the evaluation: targets grouped by key,
// the account and application requests with their canonical content (for idempotency keys),
// and the group-declaration sheet. No I/O here.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "engine_internal.hpp"
#include "zzjb/core/eligibility.hpp"
#include "zzjb/core/identifiers.hpp"

namespace zzjb::engine_detail {

std::string trim(std::string_view s) {
  auto isSpace = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::string normalizeIdNumber(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) continue;
    out += c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

std::string targetLabel(const Target& t) {
  std::string s = targetTitle(t) + " · " + t.type;
  if (t.evaluationOrg) s += " · " + t.evaluationOrg->name;
  return s;
}

PermissionScope scopeFor(const Target& t, const CertType* type) {
  PermissionScope s;
  if (type != nullptr) {
    s.matter = type->info.matter;
    s.node = type->info.node;
  }
  if (type != nullptr && type->ability()) {
    s.abilityCode = t.abilityCode;
    s.abilityName = t.abilityName;
  } else {
    s.occupationCode = t.occupationCode;
    s.occupationName = t.occupationName;
    s.level = t.level;
  }
  // Only a type that needs an organisation names one (a stray evaluationOrg is ORG_IGNORED).
  if (type == nullptr || type->orgType()) s.org = t.evaluationOrg;
  return s;
}

std::vector<TargetWork> buildTargets(const SchoolResult& eval, const TypeRegistry* types,
                                     const Date& today) {
  std::vector<TargetWork> out;
  // Per target: student index → the TargetResult that made the student eligible (the first).
  std::vector<std::map<std::size_t, const TargetResult*>> members;
  for (const TargetResult& tr : eval.targets) {
    std::string key = targetKeyOf(tr.target);
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const TargetWork& w) { return w.key == key; });
    std::size_t index = static_cast<std::size_t>(it - out.begin());
    if (it == out.end()) {
      TargetWork w;
      w.key = key;
      w.target = &tr.target;
      w.type = types != nullptr ? types->find(tr.target.type) : nullptr;
      w.scope = scopeFor(tr.target, w.type);
      w.out.targetKey = key;
      w.out.label = targetLabel(tr.target);
      out.push_back(std::move(w));
      members.emplace_back();
    }
    for (std::size_t s : tr.eligible) members[index].emplace(s, &tr);
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::set<std::string> seen;
    for (const auto& [s, from] : members[i]) {
      if (s >= eval.students.size()) continue;
      const Student& st = eval.students[s];
      const IdCheck check = studentIdentity(st, today).id;
      std::string id = check.ok ? check.normalized : normalizeIdNumber(st.idNumber);
      if (!seen.insert(id).second) continue;
      out[i].eligible.push_back({&st, id, from});
    }
    out[i].out.eligible = out[i].eligible.size();
  }
  return out;
}

AccountRequest accountRequestFor(const School& s, const std::string& keyId) {
  AccountRequest r;
  r.schoolName = s.name;
  r.creditCode = s.creditCode;
  r.schoolLevel = s.level;
  r.legalRepresentative = s.legalRepresentative;
  r.district = s.district;
  r.leader = s.leader;
  r.contact = s.contact;
  r.operatorName = s.platformOperator.name;
  r.operatorIdNumber = normalizeIdNumber(s.platformOperator.idNumber);
  r.operatorKeyId = keyId;
  r.dualCertificateProgram = s.dualCertificateProgram.value_or(false);
  return r;
}

std::string accountContent(const AccountRequest& r) {
  std::vector<std::string> parts = {r.schoolName,
                                    r.creditCode,
                                    schoolLevelConfigName(r.schoolLevel),
                                    r.legalRepresentative,
                                    r.district,
                                    r.leader.name,
                                    r.leader.mobile,
                                    r.contact.name,
                                    r.contact.mobile,
                                    r.operatorName,
                                    r.operatorIdNumber,
                                    r.operatorKeyId,
                                    r.dualCertificateProgram ? "true" : "false"};
  std::string s;
  for (const auto& p : parts) s += p + "\n";
  return s;
}

std::string applicationContent(const ApplicationRequest& r) {
  std::string s = r.scope.matter + "\n" + r.scope.node + "\n" + r.scope.occupationCode + "\n" +
                  r.scope.occupationName + "\n" + std::to_string(r.scope.level) + "\n";
  // An ability's code and name after the level (an occupation's content stays as it was, so
  // that its idempotency keys do not change).
  if (r.scope.ability()) s += "ability\n" + r.scope.abilityCode + "\n" + r.scope.abilityName + "\n";
  s += r.scope.org ? r.scope.org->name + "\n" + r.scope.org->creditCode + "\n" : "-\n-\n";
  for (const auto& f : r.attachments) s += f.key + "=" + f.value + "\n";
  return s;
}

namespace {

// The 学历 column's values, as the platform's sheet takes them.
std::string educationFor(SchoolLevel l) {
  return l == SchoolLevel::Secondary ? "中专" : "大专";  // not-text: values the platform's sheet takes
}

}  // namespace

namespace {

// The host's value of a standard column (plugin::column) for one student.
std::string standardCell(std::string_view key, std::size_t n, const School& school,
                         const Target& target, const Student& st, const StudentRef& ref,
                         const StudentIdentity& ident, const MobileCheck& mobile) {
  namespace col = plugin::column;
  // not-text: begin (values the platform's sheet takes)
  if (key == col::kSeq) return std::to_string(n);
  if (key == col::kName) return trim(st.name);
  if (key == col::kIdType) return ident.type ? idDocTypeName(*ident.type) : trim(st.idType);
  if (key == col::kIdNumber) return ref.id;
  if (key == col::kGender) return ident.gender;
  if (key == col::kBirthDate) return ident.birthDate ? ident.birthDate->iso() : std::string();
  if (key == col::kMobile) return mobile.ok ? mobile.normalized : trim(st.mobile);
  if (key == col::kEducation) return educationFor(school.level);
  if (key == col::kSource) return "在校生";
  // not-text: end
  if (key == col::kMajor) return trim(st.major);
  if (key == col::kClass) return trim(st.className);
  if (key == col::kGraduationYear) return trim(st.graduationYear);
  if (key == col::kOccupationName) return target.occupationName;
  if (key == col::kOccupationCode) return target.occupationCode;
  if (key == col::kLevel) return target.level == 0 ? std::string() : std::to_string(target.level);
  if (key == col::kAbilityName) return target.abilityName;
  if (key == col::kAbilityCode) return target.abilityCode;
  return {};
}

}  // namespace

Result<std::vector<plugin::SheetColumn>> sheetColumns(const School& school, const TargetWork& t) {
  const plugin::CertificationType* impl = t.type != nullptr ? t.type->impl : nullptr;
  const Target& target = *t.target;
  if (impl == nullptr) return plugin::standardSheet(plugin::Scope::Occupation);
  auto cols = impl->declarationSheet(targetView(school, target, t.type), sectionFor(school, target));
  if (!cols.ok()) {
    return std::unexpected(configError(
        "PLUGIN_FAILED", {{"type", target.type}, {"error", cols.error}}, "PLUGIN_FAILED.columns"));
  }
  // A sheet the platform could not take is the plugin's mistake, said before anything is sent.
  std::set<std::string> headers;
  for (const plugin::SheetColumn& c : cols.value) {
    std::string problem;
    if (c.header.empty()) {
      problem = msg::text("plugin.sheet.emptyHeader");
    } else if (!headers.insert(c.header).second) {
      problem = msg::text("plugin.sheet.repeatedHeader", {{"header", c.header}});
    } else if (!c.standard.empty() && !plugin::column::isStandard(c.standard)) {
      problem = msg::text("plugin.sheet.unknownStandard", {{"column", c.standard}});
    }
    if (!problem.empty()) {
      return std::unexpected(configError("PLUGIN_FAILED",
                                         {{"type", target.type}, {"error", problem}},
                                         "PLUGIN_FAILED.columns"));
    }
  }
  if (cols.value.empty()) {
    return std::unexpected(configError("PLUGIN_FAILED",
                                       {{"type", target.type}, {"error", msg::text("plugin.sheet.noColumns")}},
                                       "PLUGIN_FAILED.columns"));
  }
  return std::move(cols.value);
}

Result<DeclarationSheet> buildSheet(const School& school, const TargetWork& t,
                                    const std::vector<const StudentRef*>& students,
                                    const Date& today) {
  DeclarationSheet sheet;
  auto columns = sheetColumns(school, t);
  if (!columns) return std::unexpected(columns.error());
  sheet.columns = std::move(*columns);
  const plugin::CertificationType* impl = t.type != nullptr ? t.type->impl : nullptr;
  const std::size_t own = static_cast<std::size_t>(
      std::count_if(sheet.columns.begin(), sheet.columns.end(),
                    [](const plugin::SheetColumn& c) { return c.standard.empty(); }));
  const Target& target = *t.target;
  std::size_t n = 0;
  for (const StudentRef* ref : students) {
    const Student& st = *ref->student;
    const StudentIdentity ident = studentIdentity(st, today);
    MobileCheck mobile = checkMobile(st.mobile);
    ++n;
    std::vector<std::string> values;
    if (impl != nullptr && own > 0) {
      const Target& mine = ref->from != nullptr ? ref->from->target : target;
      auto reply = impl->declarationValues(studentView(st, t.type, today),
                                           targetView(school, mine, t.type),
                                           sectionFor(school, mine));
      if (!reply.ok()) {
        return std::unexpected(configError(
            "PLUGIN_FAILED",
            {{"type", target.type}, {"student", maskId(ref->id)}, {"error", reply.error}},
            "PLUGIN_FAILED.values"));
      }
      values = std::move(reply.value);
    }
    std::vector<std::string> row;
    row.reserve(sheet.columns.size());
    std::size_t nextOwn = 0;
    for (const plugin::SheetColumn& c : sheet.columns) {
      if (!c.standard.empty()) {
        row.push_back(standardCell(c.standard, n, school, target, st, *ref, ident, mobile));
      } else {
        row.push_back(nextOwn < values.size() ? values[nextOwn] : std::string());
        ++nextOwn;
      }
    }
    sheet.rows.push_back(std::move(row));
  }
  return sheet;
}

std::string rowFingerprint(const EngineServices& svc, const DeclarationSheet& sheet,
                           std::size_t row) {
  if (!svc.sha256Hex || row >= sheet.rows.size()) return {};
  // Every cell but 序号, unit separators between cells; a record separator before the type's own
  // columns (at the end when it has none), so that a sheet of the standard columns and the
  // type's after them gives the fingerprint it gave before plugin ABI 2.
  const std::vector<std::string>& cells = sheet.rows[row];
  std::string text = "zzjb-row-v1";
  bool ownStarted = false;
  for (std::size_t i = 0; i < sheet.columns.size(); ++i) {
    const plugin::SheetColumn& c = sheet.columns[i];
    if (c.standard == plugin::column::kSeq) continue;
    if (c.standard.empty() && !ownStarted) {
      text += "\x1e";
      ownStarted = true;
    }
    text += "\x1f" + (i < cells.size() ? cells[i] : std::string());
  }
  if (!ownStarted) text += "\x1e";
  return svc.sha256Hex(text);
}

std::string idempotencyKey(const EngineServices& svc, std::string_view step,
                           std::string_view creditCode, std::string_view targetKey,
                           std::string_view content) {
  std::string text = std::string(step) + "\n" + std::string(creditCode) + "\n" +
                     std::string(targetKey) + "\n" + std::string(content);
  return "zzjb1-" + svc.sha256Hex(text);
}

bool isFinal(DeclarationResult r) {
  return r == DeclarationResult::Accepted || r == DeclarationResult::Rejected;
}

bool isWaitingPhase(TargetPhase p) {
  switch (p) {
    case TargetPhase::WaitingForAccount:
    case TargetPhase::PermissionNotGranted:
    case TargetPhase::PermissionUnderReview:
    case TargetPhase::PermissionRejected:
    case TargetPhase::Declaring: return true;
    case TargetPhase::NoEligibleStudents:
    case TargetPhase::UpToDate:
    case TargetPhase::Failed: return false;
  }
  return false;
}

}  // namespace zzjb::engine_detail
