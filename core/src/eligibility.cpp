// Eligibility, offline: the school's fields, each target against the school level and the catalog,
// each student's row, and then who goes to which target and who does not, with the reason.
#include "zzjb/core/eligibility.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>
#include <unordered_map>

#include "zzjb/core/identifiers.hpp"
#include "zzjb/core/majors.hpp"

namespace zzjb {

const char* exclusionCode(Exclusion e) {
  switch (e) {
    case Exclusion::InvalidData: return "INVALID_DATA";
    case Exclusion::IdTypeNotSupported: return "ID_TYPE";
    case Exclusion::NotGraduating: return "NOT_GRADUATING";
    case Exclusion::Duplicate: return "DUPLICATE";
    case Exclusion::EvaluationNotApproved: return "EVALUATION_NOT_APPROVED";
    case Exclusion::LevelNotAllowed: return "LEVEL_NOT_ALLOWED";
    case Exclusion::OrgNotRegistered: return "ORG_NOT_REGISTERED";
    case Exclusion::TargetInvalid: return "TARGET_INVALID";
    case Exclusion::TypeRule: return "TYPE_RULE";
  }
  return "?";
}

msg::Message exclusionMessage(Exclusion e, EvaluationStatus evaluation) {
  switch (e) {
    case Exclusion::InvalidData: return {"exclusion.INVALID_DATA", {}};
    case Exclusion::IdTypeNotSupported: return {"exclusion.ID_TYPE", {}};
    case Exclusion::NotGraduating: return {"exclusion.NOT_GRADUATING", {}};
    case Exclusion::Duplicate: return {"exclusion.DUPLICATE", {}};
    case Exclusion::EvaluationNotApproved:
      // Worded by the state: a SUBMITTED evaluation is waiting for the experts, not rejected.
      // One code per state (not the state's word as an argument), so that the message can be
      // shown later in either language.
      switch (evaluation) {
        case EvaluationStatus::Submitted: return {"exclusion.EVALUATION_NOT_APPROVED.SUBMITTED", {}};
        case EvaluationStatus::Rejected: return {"exclusion.EVALUATION_NOT_APPROVED.REJECTED", {}};
        case EvaluationStatus::NotApplied:
        case EvaluationStatus::Approved: break;
      }
      return {"exclusion.EVALUATION_NOT_APPROVED.NOT_APPLIED", {}};
    case Exclusion::LevelNotAllowed: return {"exclusion.LEVEL_NOT_ALLOWED", {}};
    case Exclusion::OrgNotRegistered: return {"exclusion.ORG_NOT_REGISTERED", {}};
    case Exclusion::TargetInvalid: return {"exclusion.TARGET_INVALID", {}};
    case Exclusion::TypeRule: return {"exclusion.TYPE_RULE", {}};
  }
  return {"exclusion.INVALID_DATA", {}};
}

std::string exclusionReason(Exclusion e, EvaluationStatus evaluation) {
  return exclusionMessage(e, evaluation).str();
}

std::string exclusionAdvice(Exclusion e, EvaluationStatus evaluation) {
  if (e == Exclusion::EvaluationNotApproved) return evaluationAdvice(evaluation);
  return {};
}

std::string ExcludedStudent::code() const {
  if (reason == Exclusion::TypeRule && !ruleCode.empty()) return ruleCode;
  return exclusionCode(reason);
}

std::string ExcludedStudent::text() const {
  if (reason == Exclusion::TypeRule && !ruleReason.empty()) return ruleReason;
  return exclusionReason(reason, evaluation);
}

std::vector<ReasonCount> TargetResult::excludedByReason() const {
  // By reason and wording: the 专业评估 of two majors of one target may be in different states.
  std::map<std::tuple<Exclusion, bool, std::string, std::string>, ReasonCount> m;
  for (const auto& x : excluded) {
    auto& rc = m[{x.reason, x.expected, x.code(), x.text()}];
    if (rc.count++ == 0) {
      rc.code = x.code();
      rc.text = x.text();
      rc.waiting = x.reason == Exclusion::EvaluationNotApproved &&
                   x.evaluation == EvaluationStatus::Submitted;
      rc.expected = x.expected;
    }
  }
  std::vector<ReasonCount> out;
  for (auto& [key, rc] : m) out.push_back(std::move(rc));
  return out;
}

namespace {

// A finding worded by the catalog (makeFinding), for `school`.
Finding found(Severity sev, FindingKind kind, std::string code, Location where, msg::Args args,
              const std::string& school, std::string_view textCode = {}) {
  Finding f = makeFinding(sev, kind, std::move(code), std::move(where), std::move(args), textCode);
  f.school = school;
  return f;
}

// A finding whose words come from a plugin (its own message and hint, already in its language).
Finding finding(Severity sev, FindingKind kind, std::string code, Location where,
                std::string message, std::string hint, const std::string& school) {
  Finding f;
  f.severity = sev;
  f.kind = kind;
  f.code = std::move(code);
  f.where = std::move(where);
  f.message = std::move(message);
  f.hint = std::move(hint);
  f.school = school;
  return f;
}

Location at(const std::string& jsonPath) { return {"", 0, "", jsonPath}; }

Location rowOf(const Student& st) { return {st.file, st.line, "", ""}; }

Severity severityOf(plugin::Severity s) {
  switch (s) {
    case plugin::Severity::Info: return Severity::Info;
    case plugin::Severity::Warning: return Severity::Warning;
    case plugin::Severity::Error: break;
  }
  return Severity::Error;
}

// A plugin that failed to answer (it threw, or ran out of memory): a configuration problem of
// that plugin, named with its file.
Finding pluginFailed(const CertType& type, const std::string& what, const std::string& error,
                     const std::string& jsonPath, const std::string& school) {
  return found(Severity::Error, FindingKind::Config, "PLUGIN_FAILED", at(jsonPath),
               {{"plugin", type.info.id}, {"file", type.origin}, {"step", what}, {"error", error}},
               school);
}

// The plugin's check of the target's configuration section. True when it has errors.
bool checkSection(const School& school, const Target& t, const CertType& type,
                  std::vector<Finding>& out) {
  auto reply = type.impl->checkSection(sectionFor(school, t), targetView(school, t, &type));
  if (!reply.ok()) {
    out.push_back(pluginFailed(type, "checkSection", reply.error, t.jsonPath, school.id));
    return true;
  }
  bool errors = false;
  for (const auto& issue : reply.value) {
    Severity sev = severityOf(issue.severity);
    errors = errors || sev == Severity::Error;
    out.push_back(finding(sev, FindingKind::Config, issue.code,
                          at(issue.jsonPath.empty() ? t.jsonPath + ".options" : issue.jsonPath),
                          issue.message, issue.hint, school.id));
  }
  return errors;
}

// The platform's rule for an ability code (docs/platform-api.md, "Matters"): 1–32 letters,
// digits, '-' or '.'.
bool isAbilityCode(std::string_view c) {
  return !c.empty() && c.size() <= 32 && std::all_of(c.begin(), c.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '-' || ch == '.';
  });
}

// The target's keys against its type's shape (plugin::TargetShape): what the scope needs, what the
// type does not take, its own fields. True when there are errors.
bool checkShape(const School& school, const Target& t, const CertType& type,
                std::vector<Finding>& out) {
  const plugin::TargetShape& shape = type.shape();
  const std::string& p = t.jsonPath;
  bool errors = false;
  // What the configuration gave (the loader leaves a key it did not take empty, or 0).
  const bool occupationGiven = !t.occupationCode.empty() || !t.occupationName.empty();
  const bool levelGiven = t.level != 0;
  const bool abilityGiven = !t.abilityCode.empty() || !t.abilityName.empty();
  auto missing = [&](const char* key) {
    out.push_back(found(Severity::Error, FindingKind::Config, "TARGET_FIELD_MISSING",
                        at(p + "." + key), {{"type", t.type}, {"field", key}}, school.id));
    errors = true;
  };
  auto notTaken = [&](const char* key) {
    out.push_back(found(Severity::Error, FindingKind::Config, "TARGET_FIELD_NOT_TAKEN",
                        at(p + "." + key), {{"type", t.type}, {"field", key}}, school.id));
    errors = true;
  };
  if (shape.scope == plugin::Scope::Occupation) {
    if (abilityGiven) notTaken(!t.abilityCode.empty() ? "abilityCode" : "abilityName");
    if (t.occupationCode.empty()) {
      missing("occupationCode");
    } else if (!isOccupationCode(t.occupationCode)) {
      out.push_back(found(Severity::Error, FindingKind::Data, "OCCUPATION_CODE",
                          at(p + ".occupationCode"), {{"code", t.occupationCode}}, school.id));
      errors = true;
    }
    if (t.occupationName.empty()) missing("occupationName");
    if (shape.level == plugin::LevelRule::None) {
      if (levelGiven) notTaken("level");
    } else if (!levelGiven) {
      missing("level");
    }
  } else {
    if (occupationGiven) notTaken(!t.occupationCode.empty() ? "occupationCode" : "occupationName");
    if (levelGiven) notTaken("level");
    if (t.abilityCode.empty()) {
      missing("abilityCode");
    } else if (!isAbilityCode(t.abilityCode)) {
      out.push_back(found(Severity::Error, FindingKind::Data, "ABILITY_CODE",
                          at(p + ".abilityCode"), {{"code", t.abilityCode}}, school.id));
      errors = true;
    }
    if (t.abilityName.empty()) {
      missing("abilityName");
    } else if (t.abilityName.size() > 128) {
      out.push_back(found(Severity::Error, FindingKind::Data, "ABILITY_NAME",
                          at(p + ".abilityName"), {}, school.id));
      errors = true;
    }
  }
  // The type's own fields: those it declares (required ones present), no others.
  auto topKey = [](const std::string& key) { return key.substr(0, key.find_first_of(".[")); };
  std::set<std::string> given;
  for (const plugin::Setting& f : t.fields) {
    std::string k = topKey(f.key);
    if (!given.insert(k).second) continue;
    const bool declared = std::any_of(shape.fields.begin(), shape.fields.end(),
                                      [&](const plugin::FieldSpec& fs) { return fs.name == k; });
    if (!declared) {
      const std::string where = p + "." + k;
      out.push_back(found(Severity::Warning, FindingKind::Config, "CONFIG_UNKNOWN_KEY", at(where),
                          {{"key", k}, {"path", where}}, school.id));
    }
  }
  for (const plugin::FieldSpec& fs : shape.fields) {
    if (fs.required && !given.contains(fs.name)) missing(fs.name.c_str());
  }
  return errors;
}

// The target's level against its type's rule (an occupation target with a valid code).
std::optional<Exclusion> checkLevel(const School& school, const Target& t, const CertType& type,
                                    std::vector<Finding>& out) {
  const plugin::TargetShape& shape = type.shape();
  const std::string& p = t.jsonPath;
  if (shape.level == plugin::LevelRule::None || t.level == 0) return std::nullopt;
  if (!isSkillLevel(t.level)) {
    out.push_back(found(Severity::Error, FindingKind::Data, "LEVEL_INVALID", at(p + ".level"),
                        {{"level", t.level}}, school.id));
    return Exclusion::TargetInvalid;
  }
  if (shape.level == plugin::LevelRule::AnyOf) {
    if (std::find(shape.levels.begin(), shape.levels.end(), t.level) != shape.levels.end()) {
      return std::nullopt;
    }
    std::string levels;
    for (int l : shape.levels) {
      levels += (levels.empty() ? "" : msg::text("check.list.separator")) + levelName(l);
    }
    out.push_back(found(Severity::Error, FindingKind::Data, "LEVEL_NOT_ALLOWED", at(p + ".level"),
                        {{"type", t.type}, {"levels", levels}, {"levelName", levelName(t.level)}},
                        school.id, "LEVEL_NOT_ALLOWED.type"));
    return Exclusion::LevelNotAllowed;
  }
  if (t.level != allowedLevel(school.level)) {
    int allowed = allowedLevel(school.level);
    out.push_back(found(Severity::Error, FindingKind::Data, "LEVEL_NOT_ALLOWED", at(p + ".level"),
                        {{"schoolLevel", schoolLevelName(school.level)},
                         {"allowedName", levelName(allowed)},
                         {"allowed", allowed},
                         {"levelName", levelName(t.level)},
                         {"level", t.level}},
                        school.id));
    return Exclusion::LevelNotAllowed;
  }
  return std::nullopt;
}

// When the catalog remembers that what a target relies on was withdrawn (docs/catalog.md,
// "Withdrawn"): a warning with the date, beside the ORG_NOT_REGISTERED error.
void noteWithdrawal(const Catalog& catalog, const School& school, const Target& t,
                    const EvaluationOrg& org, const std::string& creditCode,
                    const std::string& orgPath, std::vector<Finding>& out) {
  const CatalogWithdrawal* w = catalog.findWithdrawal(creditCode, t.occupationCode, t.level);
  if (w == nullptr) return;
  const char* textCode = w->occupationCode.empty() ? "ORG_WITHDRAWN"
                         : w->level == 0           ? "ORG_WITHDRAWN.occupation"
                                                   : "ORG_WITHDRAWN.level";
  out.push_back(found(Severity::Warning, FindingKind::Data, "ORG_WITHDRAWN", at(orgPath),
                      {{"org", org.name},
                       {"creditCode", creditCode},
                       {"occupationCode", w->occupationCode},
                       {"occupation", w->occupationName},
                       {"level", w->level == 0 ? std::string() : levelName(w->level)},
                       {"date", w->since.iso()}},
                      school.id, textCode));
}

// Checks one target against the school level and the catalog. Returns the exclusion that applies
// to all its students (nullopt when the target can be declared).
std::optional<Exclusion> checkTarget(const School& school, const Target& t,
                                     const EligibilityOptions& opt, std::vector<Finding>& out) {
  const std::string& p = t.jsonPath;
  std::optional<Exclusion> result;
  auto worst = [&result](Exclusion e) {
    // Configuration problems outrank a pending evaluation: they need fixing first.
    if (!result || *result == Exclusion::EvaluationNotApproved) result = e;
  };

  const CertType* type = opt.types == nullptr ? nullptr : opt.types->find(t.type);
  if (type == nullptr) {
    std::string loaded = opt.types == nullptr ? "" : opt.types->ids();
    out.push_back(found(Severity::Error, FindingKind::Config, "TARGET_TYPE", at(p + ".type"),
                        {{"type", t.type}, {"loaded", loaded}}, school.id,
                        loaded.empty() ? "TARGET_TYPE.none" : "TARGET_TYPE"));
    worst(Exclusion::TargetInvalid);
  } else if (checkSection(school, t, *type, out)) {
    worst(Exclusion::TargetInvalid);
  }
  if (type != nullptr && checkShape(school, t, *type, out)) worst(Exclusion::TargetInvalid);
  if (type != nullptr && type->shape().scope == plugin::Scope::Occupation &&
      isOccupationCode(t.occupationCode)) {
    if (auto e = checkLevel(school, t, *type, out)) worst(*e);
  }
  const bool needsEvaluation = type == nullptr || type->shape().needsEvaluation;
  if (!needsEvaluation && t.evaluationGiven) {
    out.push_back(found(Severity::Info, FindingKind::Config, "EVALUATION_NOT_NEEDED",
                        at(p + ".evaluation"), {{"type", t.type}}, school.id));
  }
  switch (needsEvaluation ? t.evaluation.status : EvaluationStatus::Approved) {
    case EvaluationStatus::Approved:
      if (!needsEvaluation) break;
      if (t.evaluation.opinionNo.empty() || !t.evaluation.date) {
        out.push_back(found(Severity::Warning, FindingKind::Data, "EVALUATION_RECORD",
                            at(p + ".evaluation"), {}, school.id));
      }
      break;
    case EvaluationStatus::Rejected:
      out.push_back(found(Severity::Warning, FindingKind::Data, "EVALUATION_REJECTED",
                          at(p + ".evaluation.status"),
                          {{"state", evaluationStatusName(t.evaluation.status)},
                           {"advice", evaluationAdvice(t.evaluation.status)}},
                          school.id));
      worst(Exclusion::EvaluationNotApproved);
      break;
    case EvaluationStatus::NotApplied:
    case EvaluationStatus::Submitted:
      // Worded by the state: 未申请 → submit 附件1; 已提交（评估中） → wait for the experts.
      out.push_back(found(Severity::Info, FindingKind::Data, "EVALUATION_PENDING",
                          at(p + ".evaluation.status"),
                          {{"state", evaluationStatusName(t.evaluation.status)},
                           {"advice", evaluationAdvice(t.evaluation.status)}},
                          school.id));
      worst(Exclusion::EvaluationNotApproved);
      break;
  }

  if (type == nullptr) return result;
  if (type->info.permission == plugin::Permission::GrantedByCentre) {
    Finding f = found(Severity::Info, FindingKind::Data, "PERMISSION_BY_CENTRE", at(p),
                      {{"matter", type->info.matter}, {"target", targetTitle(t)}}, school.id);
    // The plugin's own words for how to ask, when it has them in the chosen language.
    if (!type->info.permissionRequest.empty()) {
      f.hint = type->info.permissionRequest;
    }
    out.push_back(std::move(f));
  }
  const std::optional<OrgType> needed = type->orgType();
  if (!needed) {
    if (t.evaluationOrg) {
      out.push_back(found(Severity::Warning, FindingKind::Data, "ORG_IGNORED",
                          at(p + ".evaluationOrg"), {{"matter", type->info.matter}}, school.id));
    }
    return result;
  }
  if (!t.evaluationOrg) {
    out.push_back(found(Severity::Error, FindingKind::Config, "ORG_MISSING", at(p),
                        {{"type", t.type}}, school.id));
    worst(Exclusion::TargetInvalid);
    return result;
  }
  const EvaluationOrg& org = *t.evaluationOrg;
  auto cc = checkCreditCode(org.creditCode);
  if (!cc.ok) {
    out.push_back(found(Severity::Error, FindingKind::Data, "CREDIT_CODE",
                        at(p + ".evaluationOrg.creditCode"),
                        {{"org", org.name}, {"problem", cc.problem}}, school.id, "CREDIT_CODE.org"));
    worst(Exclusion::TargetInvalid);
    return result;
  }
  if (opt.catalog == nullptr) return result;  // reported once, where the catalog failed
  const CatalogItem* item = opt.catalog->findOrg(cc.normalized);
  const std::string orgPath = p + ".evaluationOrg";
  if (item == nullptr) {
    out.push_back(found(Severity::Error, FindingKind::Data, "ORG_NOT_REGISTERED", at(orgPath),
                        {{"org", org.name}, {"creditCode", cc.normalized}}, school.id));
    noteWithdrawal(*opt.catalog, school, t, org, cc.normalized, orgPath, out);
    worst(Exclusion::OrgNotRegistered);
    return result;
  }
  if (item->type != *needed) {
    const CertType* fitting = opt.types->findByOrg(item->type);
    Finding f = found(Severity::Error, FindingKind::Data, "ORG_TYPE_MISMATCH", at(orgPath),
                      {{"org", org.name},
                       {"registeredAs", orgTypeName(item->type)},
                       {"registeredCode", orgTypeConfigName(item->type)},
                       {"type", t.type},
                       {"needed", orgTypeName(*needed)}},
                      school.id);
    if (fitting != nullptr) f.hint = msg::text("ORG_TYPE_MISMATCH.use", {{"fitting", fitting->info.id}});
    out.push_back(std::move(f));
    worst(Exclusion::OrgNotRegistered);
    return result;
  }
  // The catalog registers organisations for occupations and levels; an ability is not checked
  // against it (docs/platform-api.md, "Catalog").
  if (type->ability()) return result;
  const CatalogOccupation* occ = opt.catalog->findOccupation(cc.normalized, t.occupationCode);
  if (occ == nullptr) {
    out.push_back(found(Severity::Error, FindingKind::Data, "ORG_NOT_REGISTERED", at(orgPath),
                        {{"org", org.name},
                         {"occupationCode", t.occupationCode},
                         {"occupation", t.occupationName}},
                        school.id, "ORG_NOT_REGISTERED.occupation"));
    noteWithdrawal(*opt.catalog, school, t, org, cc.normalized, orgPath, out);
    worst(Exclusion::OrgNotRegistered);
    return result;
  }
  if (std::find(occ->levels.begin(), occ->levels.end(), t.level) == occ->levels.end()) {
    std::string levels;
    for (int l : occ->levels) {
      levels += (levels.empty() ? "" : msg::text("check.list.separator")) + levelName(l);
    }
    out.push_back(found(Severity::Error, FindingKind::Data, "ORG_NOT_REGISTERED", at(orgPath),
                        {{"org", org.name},
                         {"occupation", t.occupationName},
                         {"levels", levels},
                         {"level", levelName(t.level)}},
                        school.id, "ORG_NOT_REGISTERED.level"));
    noteWithdrawal(*opt.catalog, school, t, org, cc.normalized, orgPath, out);
    worst(Exclusion::OrgNotRegistered);
    return result;
  }
  if (!t.occupationName.empty() && occ->name != t.occupationName) {
    out.push_back(found(Severity::Warning, FindingKind::Data, "OCCUPATION_NAME",
                        at(p + ".occupationName"),
                        {{"code", t.occupationCode},
                         {"catalogName", occ->name},
                         {"name", t.occupationName}},
                        school.id));
  }
  return result;
}

using plugin::Verdict;

plugin::Reply<Verdict> applyTypeRules(const CertType& type, const School& school, const Student& st,
                                      const Target& t, const plugin::Section& section,
                                      const Date& today) {
  return type.impl->eligibility(studentView(st, &type, today), targetView(school, t, &type),
                                section);
}

// 出生日期: a pass's or a passport's holder needs it in the roster (the number does not carry it);
// for an 18-digit number the roster's, when given, must be the number's. (The roster's cells come
// trimmed: studentsFromTable.)
template <typename Error>
void checkBirthDate(const Student& st, const StudentIdentity& ident, const std::string& idType,
                    const std::string& masked, const Date& today, Error& error) {
  const bool carries = idDocCarriesBirthAndGender(*ident.type);
  if (st.birthDate.empty()) {
    if (!carries) error("BIRTH_DATE_MISSING", {{"idType", idType}});
    return;
  }
  const std::optional<Date> given = parseRosterDate(st.birthDate);
  if (!given || *given > today || given->year < 1900) {
    error("BIRTH_DATE_INVALID", {{"value", st.birthDate}});
  } else if (carries && given != ident.birthDate) {
    error("BIRTH_DATE_MISMATCH", {{"value", given->iso()}, {"id", masked}});
  }
}

// Checks one student's row; returns the exclusion that applies to every target, if any.
std::optional<Exclusion> checkStudent(const Student& st, const Date& today, int graduationYear,
                                      const std::string& school, std::vector<Finding>& out) {
  std::optional<Exclusion> result;
  auto error = [&](std::string code, msg::Args args, std::string_view textCode = {}) {
    Location where = rowOf(st);
    if (code.rfind("ID_", 0) == 0) where.cell = st.idCell;
    out.push_back(found(Severity::Error, FindingKind::Data, std::move(code), std::move(where),
                        std::move(args), school, textCode));
    result = Exclusion::InvalidData;
  };

  if (st.name.empty()) error("NAME_MISSING", {});

  const StudentIdentity ident = studentIdentity(st, today);
  const bool carries = ident.type && idDocCarriesBirthAndGender(*ident.type);
  if (!st.idStoredAs.empty()) {
    // A pass's or a passport's digits may have come through whole; an 18-digit number's cannot.
    bool lossy = st.idStoredAs.find_first_of("Ee.") != std::string::npos ||
                 ((!ident.type || carries) && (st.idNumber.size() != 18 || !ident.id.ok));
    error("ID_STORED_AS_NUMBER", {{"stored", maskId(st.idStoredAs)}},
          lossy ? "ID_STORED_AS_NUMBER" : "ID_STORED_AS_NUMBER.rounded");
  } else if (ident.type) {
    const std::string idType = idDocTypeName(*ident.type);
    const std::string masked = maskId(ident.id.ok ? ident.id.normalized : st.idNumber);
    if (!ident.id.ok) {
      error("ID_INVALID", {{"id", masked}, {"problem", ident.id.problem}, {"idType", idType}},
            *ident.type == IdDocType::ResidentId ? "ID_INVALID" : "ID_INVALID.document");
    } else if (st.gender != "男" && st.gender != "女") {  // not-text: 性别 values in the roster
      error("GENDER_INVALID", {{"gender", st.gender}});
    } else if (carries && st.gender != ident.gender) {
      // Worded by the number's gender, so that English says "female", not "女".
      error("GENDER_MISMATCH", {{"gender", st.gender}, {"id", masked}},
            *ident.id.gender == Gender::Male ? "GENDER_MISMATCH.male" : "GENDER_MISMATCH.female");
    }
    if (ident.id.ok) checkBirthDate(st, ident, idType, masked, today, error);
    if (ident.id.ok && ident.assumed) {
      out.push_back(found(Severity::Info, FindingKind::Data, "ID_TYPE_ASSUMED", rowOf(st),
                          {{"id", masked}, {"idType", idType}}, school));
    }
  }

  auto mobile = checkMobile(st.mobile);
  if (!mobile.ok) {
    error("MOBILE_INVALID", {{"mobile", maskMobile(st.mobile)}, {"problem", mobile.problem}});
  }
  if (st.major.empty()) error("MAJOR_MISSING", {});
  int year = 0;
  bool yearOk = st.graduationYear.size() == 4 &&
                std::all_of(st.graduationYear.begin(), st.graduationYear.end(),
                            [](char c) { return c >= '0' && c <= '9'; });
  if (yearOk) year = std::stoi(st.graduationYear);
  if (!yearOk || year < 2000 || year > 2100) {
    error("GRADUATION_YEAR", {{"value", st.graduationYear}, {"example", graduationYear}});
  }
  if (st.className.empty()) {
    out.push_back(found(Severity::Warning, FindingKind::Data, "CLASS_MISSING", rowOf(st), {}, school));
  }
  if (result) return result;
  if (!ident.type) {
    out.push_back(found(Severity::Warning, FindingKind::Data, "ID_TYPE", rowOf(st),
                        {{"idType", st.idType}}, school,
                        st.idType.empty() ? "ID_TYPE.blank" : "ID_TYPE"));
    return Exclusion::IdTypeNotSupported;
  }
  if (year != graduationYear) return Exclusion::NotGraduating;
  return std::nullopt;
}

}  // namespace

void checkSchoolFields(const School& school, const EligibilityOptions& options,
                       std::vector<Finding>& out) {
  const std::string& p = school.jsonPath;
  auto cc = checkCreditCode(school.creditCode);
  if (!cc.ok) {
    out.push_back(found(Severity::Error, FindingKind::Data, "CREDIT_CODE", at(p + ".creditCode"),
                        {{"problem", cc.problem}}, school.id));
  }
  auto checkPerson = [&](const Person& person, const std::string& key, const std::string& label) {
    if (person.name.empty()) {
      out.push_back(found(Severity::Warning, FindingKind::Data, "FIELD_MISSING",
                          at(p + "." + key + ".name"), {{"person", label}}, school.id,
                          "FIELD_MISSING.name"));
    }
    if (person.mobile.empty()) {
      out.push_back(found(Severity::Warning, FindingKind::Data, "FIELD_MISSING",
                          at(p + "." + key + ".mobile"), {{"person", label}}, school.id,
                          "FIELD_MISSING.mobile"));
      return;
    }
    auto m = checkMobile(person.mobile);
    if (!m.ok) {
      out.push_back(found(Severity::Error, FindingKind::Data, "MOBILE_INVALID",
                          at(p + "." + key + ".mobile"),
                          {{"person", label},
                           {"mobile", maskMobile(person.mobile)},
                           {"problem", m.problem}},
                          school.id, "MOBILE_INVALID.person"));
    }
  };
  checkPerson(school.leader, "leader", msg::text("check.person.leader"));
  checkPerson(school.contact, "contact", msg::text("check.person.contact"));
  if (!school.platformOperator.idNumber.empty()) {
    auto id = checkResidentId(school.platformOperator.idNumber, options.today);
    if (!id.ok) {
      out.push_back(found(Severity::Error, FindingKind::Data, "ID_INVALID",
                          at(p + ".operator.idNumber"),
                          {{"id", maskId(school.platformOperator.idNumber)}, {"problem", id.problem}},
                          school.id, "ID_INVALID.operator"));
    }
  } else {
    out.push_back(found(Severity::Warning, FindingKind::Data, "FIELD_MISSING",
                        at(p + ".operator.idNumber"), {}, school.id, "FIELD_MISSING.operator"));
  }
  // No 法人一证通 yet: nothing can be done on the platform, and 附件2's keyID stays blank. The
  // notices say where to get one (docs/forms.md, "Before the forms").
  if (school.identity.key.empty()) {
    out.push_back(found(Severity::Warning, FindingKind::Config, "KEY_NOT_CONFIGURED",
                        at(p + ".identity"), {}, school.id, "KEY_NOT_CONFIGURED.check"));
  }
  // 附件1 needs each major's 人才培养方案 when one of its targets still needs its 专业评估.
  for (const auto& major : school.majors) {
    if (!major.trainingPlan.empty()) continue;
    const bool needed = std::any_of(major.targets.begin(), major.targets.end(), [&](const Target& t) {
      const CertType* type = options.types == nullptr ? nullptr : options.types->find(t.type);
      return (type == nullptr || type->shape().needsEvaluation) &&
             t.evaluation.status != EvaluationStatus::Approved;
    });
    if (!needed) continue;
    out.push_back(found(Severity::Warning, FindingKind::Config, "TRAINING_PLAN_NOT_CONFIGURED",
                        at(major.jsonPath + ".trainingPlan"), {{"major", major.name}}, school.id));
  }
  struct SchoolField {
    const char* key;       // the JSON key under the school
    const char* textCode;  // how the finding names it
    const std::string& value;
  };
  for (const SchoolField& field :
       {SchoolField{"legalRepresentative", "FIELD_MISSING.legalRepresentative",
                    school.legalRepresentative},
        SchoolField{"district", "FIELD_MISSING.district", school.district},
        SchoolField{"address", "FIELD_MISSING.address", school.address}}) {
    if (field.value.empty()) {
      out.push_back(found(Severity::Warning, FindingKind::Data, "FIELD_MISSING",
                          at(p + "." + field.key), {}, school.id, field.textCode));
    }
  }
}

SchoolResult evaluateSchool(const School& school, const std::vector<RosterInput>& rosters,
                            const EligibilityOptions& options) {
  SchoolResult r;
  r.id = school.id;
  r.name = school.name;
  r.level = school.level;
  checkSchoolFields(school, options, r.findings);

  // Rosters → students.
  for (const auto& in : rosters) {
    RosterSummary sum;
    sum.file = in.display;
    if (!in.table) {
      Finding f = in.table.error();
      f.school = school.id;
      r.findings.push_back(std::move(f));
      r.rosters.push_back(sum);
      continue;
    }
    for (Finding f : in.table->notes) {
      f.school = school.id;
      r.findings.push_back(std::move(f));
    }
    std::vector<Finding> fs;
    auto students = studentsFromTable(*in.table, fs);
    for (auto& f : fs) {
      f.school = school.id;
      r.findings.push_back(std::move(f));
    }
    sum.encoding = in.table->encoding;
    sum.rows = students.size();
    sum.read = fs.empty() || !students.empty();
    r.rosters.push_back(sum);
    for (auto& s : students) r.students.push_back(std::move(s));
  }

  // Per-student checks, then duplicates (by 证件类型 and normalised number, first occurrence wins).
  const int gradYear = graduationYearOn(options.today);
  std::vector<std::optional<Exclusion>> studentExclusion(r.students.size());
  for (std::size_t i = 0; i < r.students.size(); ++i) {
    studentExclusion[i] = checkStudent(r.students[i], options.today, gradYear, school.id, r.findings);
  }
  std::unordered_map<std::string, std::size_t> firstById;
  std::set<std::size_t> conflicted;
  for (std::size_t i = 0; i < r.students.size(); ++i) {
    const Student& st = r.students[i];
    if (studentExclusion[i] == Exclusion::InvalidData || st.idNumber.empty()) continue;
    // By 证件类型 and number: a passport and a pass may share digits, never a student.
    const StudentIdentity ident = studentIdentity(st, options.today);
    const std::string key = ident.id.normalized;
    const std::string typeKey = ident.type ? idDocTypeName(*ident.type) : st.idType;
    auto [it, inserted] = firstById.emplace(typeKey + '\n' + key, i);
    if (inserted) continue;
    const Student& first = r.students[it->second];
    std::string firstAt = first.file + ":" + std::to_string(first.line);
    if (first.name == st.name) {
      r.findings.push_back(found(Severity::Warning, FindingKind::Data, "DUPLICATE", rowOf(st),
                                 {{"id", maskId(key)}, {"first", firstAt}}, school.id));
      studentExclusion[i] = Exclusion::Duplicate;
      continue;
    }
    r.findings.push_back(found(Severity::Error, FindingKind::Data, "DUPLICATE_CONFLICT", rowOf(st),
                               {{"id", maskId(key)}, {"first", firstAt}}, school.id));
    studentExclusion[i] = Exclusion::InvalidData;
    conflicted.insert(it->second);
  }
  for (std::size_t i : conflicted) studentExclusion[i] = Exclusion::InvalidData;

  // Majors as people write them: a roster's 专业 that is a configured major once normalised
  // (full-width, spaces, a trailing 专业 or 学制) is that major, with a note (docs/rosters.md).
  std::set<std::string> configuredMajors;
  std::vector<std::string> configuredNames;
  std::map<std::string, std::vector<std::string>> byKey;  // normalised → configured names
  for (const auto& major : school.majors) {
    if (!configuredMajors.insert(major.name).second) continue;
    configuredNames.push_back(major.name);
    byKey[majorKey(major.name)].push_back(major.name);
  }
  std::map<std::pair<std::string, std::string>, std::size_t> matchedAs;  // (written, configured)
  std::map<std::string, std::string> firstRowOf;                         // written → file:line
  for (auto& st : r.students) {
    if (st.major.empty() || configuredMajors.contains(st.major)) continue;
    auto it = byKey.find(majorKey(st.major));
    if (it == byKey.end() || it->second.size() != 1) continue;  // none, or ambiguous
    if (++matchedAs[{st.major, it->second.front()}] == 1) {
      firstRowOf[st.major] = st.file + ":" + std::to_string(st.line);
    }
    st.major = it->second.front();
  }
  for (const auto& [names, n] : matchedAs) {
    r.findings.push_back(found(Severity::Info, FindingKind::Data, "MAJOR_MATCHED",
                               at(school.jsonPath + ".majors"),
                               {{"written", names.first},
                                {"major", names.second},
                                {"count", n},
                                {"first", firstRowOf[names.first]}},
                               school.id));
  }

  // Targets, major by major.
  std::set<std::string> seenTargets;
  for (const auto& major : school.majors) {
    for (const auto& t : major.targets) {
      auto targetExclusion = checkTarget(school, t, options, r.findings);
      if (!seenTargets.insert(targetKeyOf(t)).second) {
        r.findings.push_back(found(Severity::Warning, FindingKind::Data, "TARGET_REPEATED",
                                   at(t.jsonPath), {}, school.id));
      }
      TargetResult tr;
      tr.target = t;
      tr.major = major.name;
      tr.ruled = targetExclusion;
      const CertType* type = options.types == nullptr ? nullptr : options.types->find(t.type);
      tr.evaluationNeeded = type == nullptr || type->shape().needsEvaluation;
      const plugin::Section section = sectionFor(school, t);
      bool pluginFailedOnce = false;
      for (std::size_t i = 0; i < r.students.size(); ++i) {
        if (r.students[i].major != major.name) continue;
        // A type that does not need this year's graduates takes the others too.
        const bool graduationWaived = type != nullptr && !type->shape().needsGraduationYear &&
                                      studentExclusion[i] == Exclusion::NotGraduating;
        if (studentExclusion[i] && !graduationWaived) {
          tr.excluded.push_back({i, *studentExclusion[i], {}, {}, {}, t.evaluation.status});
          continue;
        }
        if (targetExclusion) {
          tr.excluded.push_back({i, *targetExclusion, {}, {}, {}, t.evaluation.status});
          continue;
        }
        auto verdict = applyTypeRules(*type, school, r.students[i], t, section, options.today);
        if (!verdict.ok()) {
          if (!pluginFailedOnce) {
            r.findings.push_back(
                pluginFailed(*type, "eligibility", verdict.error, t.jsonPath, school.id));
          }
          pluginFailedOnce = true;
          tr.excluded.push_back({i, Exclusion::TargetInvalid, {}, {}, {}, t.evaluation.status});
          continue;
        }
        const Verdict& v = verdict.value;
        if (v.eligible()) {
          tr.eligible.push_back(i);
          continue;
        }
        if (v.kind == Verdict::Kind::Expected) {
          // Listed with its reason (report, status), never a finding to fix.
          ExcludedStudent x{i, Exclusion::TypeRule, v.code, v.reason, {}, t.evaluation.status};
          x.expected = true;
          tr.excluded.push_back(std::move(x));
          continue;
        }
        Finding f = found(Severity::Warning, FindingKind::Data,
                          v.code.empty() ? "TYPE_RULE" : v.code, rowOf(r.students[i]),
                          {{"target", targetTitle(t)}, {"type", t.type}, {"reason", v.reason}},
                          school.id, "check.type_rule");
        f.hint = v.hint;  // the plugin's own advice
        r.findings.push_back(std::move(f));
        tr.excluded.push_back({i, Exclusion::TypeRule, v.code, v.reason, v.hint, t.evaluation.status});
      }
      r.targets.push_back(std::move(tr));
    }
  }
  for (const auto& [type, settings] : school.pluginSections) {
    if (options.types != nullptr && options.types->find(type) != nullptr) continue;
    r.findings.push_back(found(Severity::Warning, FindingKind::Config, "PLUGIN_SECTION_UNUSED",
                               at(school.jsonPath + ".plugins." + type), {{"type", type}},
                               school.id));
  }
  for (const auto& st : r.students) {
    if (!st.major.empty() && !configuredMajors.contains(st.major)) ++r.unconfiguredMajors[st.major];
  }
  for (const auto& [major, n] : r.unconfiguredMajors) {
    // A name close to a configured one is probably a typo: its students would be lost silently.
    const std::vector<std::string> near = nearestMajors(major, configuredNames);
    if (near.empty()) {
      r.findings.push_back(found(Severity::Info, FindingKind::Data, "MAJOR_NOT_CONFIGURED",
                                 at(school.jsonPath + ".majors"), {{"count", n}, {"major", major}},
                                 school.id));
      continue;
    }
    std::string names;
    for (const auto& name : near) {
      names += (names.empty() ? "" : msg::text("check.list.separator")) +
               msg::text("check.quoted", {{"text", name}});
    }
    r.findings.push_back(found(Severity::Warning, FindingKind::Data, "MAJOR_NOT_CONFIGURED",
                               at(school.jsonPath + ".majors"),
                               {{"count", n}, {"major", major}, {"suggestions", names}}, school.id,
                               "MAJOR_NOT_CONFIGURED.near"));
  }
  return r;
}

}  // namespace zzjb
