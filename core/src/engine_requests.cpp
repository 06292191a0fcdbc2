// What the engine sends, built from the configuration and the evaluation: targets grouped by key,
// the account and application requests with their canonical content (for idempotency keys),
// and the group-declaration sheet. No I/O here.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "engine_internal.hpp"
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
    out += c == 'x' ? 'X' : c;
  }
  return out;
}

std::string targetLabel(const Target& t) {
  std::string s = t.occupationCode + " " + t.occupationName + " " + levelShortName(t.level) +
                  " · " + t.type;
  if (t.evaluationOrg) s += " · " + t.evaluationOrg->name;
  return s;
}

PermissionScope scopeFor(const Target& t, const CertType* type) {
  PermissionScope s;
  if (type != nullptr) {
    s.matter = type->info.matter;
    s.node = type->info.node;
  }
  s.occupationCode = t.occupationCode;
  s.occupationName = t.occupationName;
  s.level = t.level;
  s.org = t.evaluationOrg;
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
      IdCheck check = checkResidentId(st.idNumber, today);
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

Result<DeclarationSheet> buildSheet(const School& school, const TargetWork& t,
                                    const std::vector<const StudentRef*>& students,
                                    const Date& today) {
  DeclarationSheet sheet;
  const plugin::CertificationType* impl = t.type != nullptr ? t.type->impl : nullptr;
  if (impl != nullptr) {
    auto cols = impl->declarationColumns();
    if (!cols.ok()) {
      return std::unexpected(configError("PLUGIN_FAILED",
                                         {{"type", t.target->type}, {"error", cols.error}},
                                         "PLUGIN_FAILED.columns"));
    }
    sheet.extraColumns = cols.value;
  }
  const Target& target = *t.target;
  std::size_t n = 0;
  for (const StudentRef* ref : students) {
    const Student& st = *ref->student;
    IdCheck id = checkResidentId(ref->id, today);
    MobileCheck mobile = checkMobile(st.mobile);
    DeclarationRow row;
    row.standard = {std::to_string(++n),
                    trim(st.name),
                    "居民身份证",  // not-text: the 证件类型 value the platform takes
                    ref->id,
                    id.gender ? genderName(*id.gender) : trim(st.gender),
                    id.birthDate ? id.birthDate->iso() : std::string(),
                    mobile.ok ? mobile.normalized : trim(st.mobile),
                    educationFor(school.level),
                    "在校生",  // not-text: the 学生类别 value the platform takes
                    trim(st.major),
                    trim(st.className),
                    trim(st.graduationYear),
                    target.occupationName,
                    target.occupationCode,
                    std::to_string(target.level)};
    if (impl != nullptr && !sheet.extraColumns.empty()) {
      const Target& own = ref->from != nullptr ? ref->from->target : target;
      auto values = impl->declarationValues(studentView(st), targetView(own),
                                            sectionFor(school, own));
      if (!values.ok()) {
        return std::unexpected(configError(
            "PLUGIN_FAILED",
            {{"type", target.type}, {"student", maskId(ref->id)}, {"error", values.error}},
            "PLUGIN_FAILED.values"));
      }
      row.extra = std::move(values.value);
    }
    sheet.rows.push_back(std::move(row));
  }
  return sheet;
}

std::string rowFingerprint(const EngineServices& svc, const DeclarationRow& row) {
  if (!svc.sha256Hex) return {};
  // Unit separator between cells, record separator before the type's own columns.
  std::string text = "zzjb-row-v1";
  for (std::size_t i = 1; i < row.standard.size(); ++i) text += "\x1f" + row.standard[i];
  text += "\x1e";
  for (const std::string& cell : row.extra) text += "\x1f" + cell;
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
