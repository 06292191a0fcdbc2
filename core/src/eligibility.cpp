// Eligibility, offline: the school's fields, each target against the school level and the catalog,
// each student's row, and then who goes to which target and who does not, with the reason.
#include "zzjb/core/eligibility.hpp"

#include <algorithm>
#include <set>
#include <tuple>
#include <unordered_map>

#include "zzjb/core/identifiers.hpp"

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

const char* exclusionReason(Exclusion e) {
  switch (e) {
    case Exclusion::InvalidData: return "信息有误";
    case Exclusion::IdTypeNotSupported: return "证件类型不是居民身份证";
    case Exclusion::NotGraduating: return "不在毕业学年";
    case Exclusion::Duplicate: return "重复";
    case Exclusion::EvaluationNotApproved: return "专业评估未通过";
    case Exclusion::LevelNotAllowed: return "等级与培养层次不符";
    case Exclusion::OrgNotRegistered: return "评价机构未备案该职业等级";
    case Exclusion::TargetInvalid: return "申报目标配置有误";
    case Exclusion::TypeRule: return "不符合该认定类型的条件";
  }
  return "?";
}

std::string ExcludedStudent::code() const {
  if (reason == Exclusion::TypeRule && !ruleCode.empty()) return ruleCode;
  return exclusionCode(reason);
}

std::string ExcludedStudent::text() const {
  if (reason == Exclusion::TypeRule && !ruleReason.empty()) return ruleReason;
  return exclusionReason(reason);
}

std::vector<ReasonCount> TargetResult::excludedByReason() const {
  std::map<std::pair<Exclusion, std::string>, ReasonCount> m;
  for (const auto& x : excluded) {
    auto& rc = m[{x.reason, x.code()}];
    if (rc.count++ == 0) {
      rc.code = x.code();
      rc.text = x.text();
    }
  }
  std::vector<ReasonCount> out;
  for (auto& [key, rc] : m) out.push_back(std::move(rc));
  return out;
}

namespace {

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
  return finding(Severity::Error, FindingKind::Config, "PLUGIN_FAILED", at(jsonPath),
                 "the " + type.info.id + " plugin (" + type.origin + ") failed in " + what + ": " +
                     error,
                 "report it to the plugin's author; `zzjb plugins` shows which file it is",
                 school);
}

// The plugin's check of the target's configuration section. True when it has errors.
bool checkSection(const School& school, const Target& t, const CertType& type,
                  std::vector<Finding>& out) {
  auto reply = type.impl->checkSection(sectionFor(school, t), targetView(t));
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
    out.push_back(finding(
        Severity::Error, FindingKind::Config, "TARGET_TYPE", at(p + ".type"),
        "no plugin for target type \"" + t.type + "\" is loaded (loaded: " +
            (loaded.empty() ? "none" : loaded) + ")",
        loaded.empty() ? "install the certification-type plugins; `zzjb plugins -c CONFIG` shows "
                         "where zzjb looked and why a plugin was refused"
                       : "use one of: " + loaded + ", or add the plugin for \"" + t.type +
                             "\" (see `zzjb plugins -c CONFIG`)",
        school.id));
    worst(Exclusion::TargetInvalid);
  } else if (checkSection(school, t, *type, out)) {
    worst(Exclusion::TargetInvalid);
  }
  if (!isOccupationCode(t.occupationCode)) {
    out.push_back(finding(Severity::Error, FindingKind::Data, "OCCUPATION_CODE",
                          at(p + ".occupationCode"),
                          "职业编码 \"" + t.occupationCode + "\" is not of the form 4-04-05-01",
                          "copy the code from 职业分类大典 (2022) or the platform's catalog",
                          school.id));
    worst(Exclusion::TargetInvalid);
  }
  if (!isSkillLevel(t.level)) {
    out.push_back(finding(Severity::Error, FindingKind::Data, "LEVEL_INVALID", at(p + ".level"),
                          "level " + std::to_string(t.level) + " is not a skill level",
                          "use 1 (一级/高级技师) to 5 (五级/初级工)", school.id));
    worst(Exclusion::TargetInvalid);
  } else if (t.level != allowedLevel(school.level)) {
    int allowed = allowedLevel(school.level);
    out.push_back(finding(
        Severity::Error, FindingKind::Data, "LEVEL_NOT_ALLOWED", at(p + ".level"),
        std::string(schoolLevelName(school.level)) + " students declare " + levelName(allowed) +
            " (" + std::to_string(allowed) + "), but this target is at " + levelName(t.level) +
            " (" + std::to_string(t.level) + ")",
        "set \"level\": " + std::to_string(allowed) +
            ", or remove the target (沪人社职〔2021〕401号: 中职 → 四级, 高职 → 三级)",
        school.id));
    worst(Exclusion::LevelNotAllowed);
  }

  switch (t.evaluation.status) {
    case EvaluationStatus::Approved:
      if (t.evaluation.opinionNo.empty() || !t.evaluation.date) {
        out.push_back(finding(Severity::Warning, FindingKind::Data, "EVALUATION_RECORD",
                              at(p + ".evaluation"),
                              "evaluation is APPROVED but its opinion number or date is missing",
                              "enter the number and date of the 专家组评估意见表", school.id));
      }
      break;
    case EvaluationStatus::Rejected:
      out.push_back(finding(Severity::Warning, FindingKind::Data, "EVALUATION_REJECTED",
                            at(p + ".evaluation.status"),
                            "the 专业评估 for this target was not approved: its students are not declared",
                            "apply again in the next April/October window (zzjb forms prints 附件1)",
                            school.id));
      worst(Exclusion::EvaluationNotApproved);
      break;
    case EvaluationStatus::NotApplied:
    case EvaluationStatus::Submitted:
      out.push_back(finding(
          Severity::Info, FindingKind::Data, "EVALUATION_PENDING", at(p + ".evaluation.status"),
          std::string("the 专业评估 is ") + evaluationStatusConfigName(t.evaluation.status) +
              ": students are declared once it is APPROVED",
          "when the stamped 专家组评估意见表 arrives, set status APPROVED with its number and date",
          school.id));
      worst(Exclusion::EvaluationNotApproved);
      break;
  }

  if (type == nullptr) return result;
  if (!type->appliedOnline()) {
    out.push_back(finding(Severity::Info, FindingKind::Data, "PERMISSION_BY_CENTRE", at(p),
                          type->info.matter + " permission for " + t.occupationName + " " +
                              levelName(t.level) + " is granted by 市职鉴中心, not applied for "
                              "online: zzjb waits for it",
                          type->info.permissionRequest.empty() ? "ask 市职鉴中心 to open it"
                                                               : type->info.permissionRequest,
                          school.id));
  }
  const std::optional<OrgType> needed = type->orgType();
  if (!needed) {
    if (t.evaluationOrg) {
      out.push_back(finding(Severity::Warning, FindingKind::Data, "ORG_IGNORED",
                            at(p + ".evaluationOrg"),
                            type->info.matter + " has no evaluation organisation; this one is "
                                                "ignored",
                            "remove \"evaluationOrg\" from the target", school.id));
    }
    return result;
  }
  if (!t.evaluationOrg) {
    out.push_back(finding(Severity::Error, FindingKind::Config, "ORG_MISSING", at(p),
                          "a " + t.type + " target needs \"evaluationOrg\" {name, creditCode}",
                          "add the evaluation organisation the students are assessed by",
                          school.id));
    worst(Exclusion::TargetInvalid);
    return result;
  }
  const EvaluationOrg& org = *t.evaluationOrg;
  auto cc = checkCreditCode(org.creditCode);
  if (!cc.ok) {
    out.push_back(finding(Severity::Error, FindingKind::Data, "CREDIT_CODE",
                          at(p + ".evaluationOrg.creditCode"),
                          "统一社会信用代码 of " + org.name + " " + cc.problem,
                          "copy it from the organisation's 营业执照/登记证书 or the catalog",
                          school.id));
    worst(Exclusion::TargetInvalid);
    return result;
  }
  if (opt.catalog == nullptr) return result;  // reported once, where the catalog failed
  const CatalogItem* item = opt.catalog->findOrg(cc.normalized);
  const std::string orgPath = p + ".evaluationOrg";
  if (item == nullptr) {
    out.push_back(finding(Severity::Error, FindingKind::Data, "ORG_NOT_REGISTERED", at(orgPath),
                          "evaluation organisation " + org.name + " (" + cc.normalized +
                              ") is not in the catalog of registered organisations",
                          "check the credit code against 评价机构及评价职业工种信息公告, or refresh "
                          "the catalog",
                          school.id));
    worst(Exclusion::OrgNotRegistered);
    return result;
  }
  if (item->type != *needed) {
    const CertType* fitting = opt.types->findByOrg(item->type);
    out.push_back(finding(Severity::Error, FindingKind::Data, "ORG_TYPE_MISMATCH", at(orgPath),
                          org.name + " is registered as " + orgTypeName(item->type) + " (" +
                              orgTypeConfigName(item->type) + "), but a " + t.type +
                              " target needs " + orgTypeName(*needed),
                          fitting == nullptr
                              ? std::string("choose another organisation")
                              : "use type \"" + fitting->info.id +
                                    "\" for this organisation, or choose another organisation",
                          school.id));
    worst(Exclusion::OrgNotRegistered);
    return result;
  }
  const CatalogOccupation* occ = opt.catalog->findOccupation(cc.normalized, t.occupationCode);
  if (occ == nullptr) {
    out.push_back(finding(Severity::Error, FindingKind::Data, "ORG_NOT_REGISTERED", at(orgPath),
                          org.name + " is not registered for occupation " + t.occupationCode +
                              " " + t.occupationName,
                          "choose an organisation registered for this occupation", school.id));
    worst(Exclusion::OrgNotRegistered);
    return result;
  }
  if (std::find(occ->levels.begin(), occ->levels.end(), t.level) == occ->levels.end()) {
    std::string levels;
    for (int l : occ->levels) levels += (levels.empty() ? "" : ", ") + levelName(l);
    out.push_back(finding(Severity::Error, FindingKind::Data, "ORG_NOT_REGISTERED", at(orgPath),
                          org.name + " is registered for " + t.occupationName + " at " + levels +
                              ", not at " + levelName(t.level),
                          "choose an organisation registered for this level", school.id));
    worst(Exclusion::OrgNotRegistered);
    return result;
  }
  if (!t.occupationName.empty() && occ->name != t.occupationName) {
    out.push_back(finding(Severity::Warning, FindingKind::Data, "OCCUPATION_NAME",
                          at(p + ".occupationName"),
                          "occupation " + t.occupationCode + " is called \"" + occ->name +
                              "\" in the catalog, not \"" + t.occupationName + "\"",
                          "use the catalog's name: the platform shows that one", school.id));
  }
  return result;
}

using plugin::Verdict;

plugin::Reply<Verdict> applyTypeRules(const CertType& type, const Student& st, const Target& t,
                                      const plugin::Section& section) {
  return type.impl->eligibility(studentView(st), targetView(t), section);
}

// Checks one student's row; returns the exclusion that applies to every target, if any.
std::optional<Exclusion> checkStudent(const Student& st, const Date& today, int graduationYear,
                                      const std::string& school, std::vector<Finding>& out) {
  std::optional<Exclusion> result;
  auto error = [&](std::string code, std::string message, std::string hint) {
    Location where = rowOf(st);
    if (code.rfind("ID_", 0) == 0) where.cell = st.idCell;
    out.push_back(finding(Severity::Error, FindingKind::Data, std::move(code), std::move(where),
                          std::move(message), std::move(hint), school));
    result = Exclusion::InvalidData;
  };

  if (st.name.empty()) error("NAME_MISSING", "姓名 is empty", "fill in the student's name");

  bool idTypeOk = st.idType == "居民身份证" || st.idType == "身份证";
  if (!st.idStoredAs.empty()) {
    bool lossy = st.idStoredAs.find_first_of("Ee.") != std::string::npos || st.idNumber.size() != 18 ||
                 !checkResidentId(st.idNumber, today).ok;
    error("ID_STORED_AS_NUMBER",
          "证件号码 was stored as a number (" + maskId(st.idStoredAs) + ")" +
              (lossy ? ": a spreadsheet keeps only 15 significant digits, so its last digits are "
                       "lost"
                     : ", which a spreadsheet may round"),
          "format the 证件号码 column as 文本 (Text), type the numbers again from the source (the "
          "lost digits cannot be recovered from this file), and save");
  } else if (idTypeOk) {
    auto id = checkResidentId(st.idNumber, today);
    if (!id.ok) {
      error("ID_INVALID", "证件号码 " + maskId(st.idNumber) + " " + id.problem,
            "correct the number from the student's ID card");
    } else if (st.gender != "男" && st.gender != "女") {
      error("GENDER_INVALID", "性别 \"" + st.gender + "\" is not 男 or 女", "write 男 or 女");
    } else if (st.gender != genderName(*id.gender)) {
      error("GENDER_MISMATCH",
            "性别 is " + st.gender + " but 证件号码 " + maskId(st.idNumber) + " is that of a " +
                genderName(*id.gender) + " student",
            "check both the 性别 and the 证件号码 against the ID card");
    }
  }

  auto mobile = checkMobile(st.mobile);
  if (!mobile.ok) {
    error("MOBILE_INVALID", "手机号码 " + maskMobile(st.mobile) + " " + mobile.problem,
          "enter the student's 11-digit mobile number");
  }
  if (st.major.empty()) error("MAJOR_MISSING", "专业 is empty", "fill in the student's 专业");
  int year = 0;
  bool yearOk = st.graduationYear.size() == 4 &&
                std::all_of(st.graduationYear.begin(), st.graduationYear.end(),
                            [](char c) { return c >= '0' && c <= '9'; });
  if (yearOk) year = std::stoi(st.graduationYear);
  if (!yearOk || year < 2000 || year > 2100) {
    error("GRADUATION_YEAR", "毕业年份 \"" + st.graduationYear + "\" is not a year",
          "write the year of graduation as four digits, e.g. " + std::to_string(graduationYear));
  }
  if (st.className.empty()) {
    out.push_back(finding(Severity::Warning, FindingKind::Data, "CLASS_MISSING", rowOf(st),
                          "班级 is empty", "fill in the class; the platform's template has it",
                          school));
  }
  if (result) return result;
  if (!idTypeOk) {
    out.push_back(finding(Severity::Warning, FindingKind::Data, "ID_TYPE", rowOf(st),
                          "证件类型 \"" + st.idType + "\" cannot be declared by group declaration",
                          "only 居民身份证 holders can be declared by the school; others apply in "
                          "person",
                          school));
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
    out.push_back(finding(Severity::Error, FindingKind::Data, "CREDIT_CODE", at(p + ".creditCode"),
                          "统一社会信用代码 " + cc.problem,
                          "copy it from the school's 事业单位法人证书 or 登记证书", school.id));
  }
  auto checkPerson = [&](const Person& person, const std::string& key, const char* label) {
    if (person.name.empty()) {
      out.push_back(finding(Severity::Warning, FindingKind::Data, "FIELD_MISSING",
                            at(p + "." + key + ".name"), std::string(label) + " name is empty",
                            "fill it in: 附件1 and 附件2 need it", school.id));
    }
    if (person.mobile.empty()) {
      out.push_back(finding(Severity::Warning, FindingKind::Data, "FIELD_MISSING",
                            at(p + "." + key + ".mobile"), std::string(label) + " mobile is empty",
                            "fill it in: 附件1 and 附件2 need it", school.id));
      return;
    }
    auto m = checkMobile(person.mobile);
    if (!m.ok) {
      out.push_back(finding(Severity::Error, FindingKind::Data, "MOBILE_INVALID",
                            at(p + "." + key + ".mobile"),
                            std::string(label) + " mobile " + maskMobile(person.mobile) + " " +
                                m.problem,
                            "enter an 11-digit mainland mobile number", school.id));
    }
  };
  checkPerson(school.leader, "leader", "负责人(分管领导)");
  checkPerson(school.contact, "contact", "联系人");
  if (!school.platformOperator.idNumber.empty()) {
    auto id = checkResidentId(school.platformOperator.idNumber, options.today);
    if (!id.ok) {
      out.push_back(finding(Severity::Error, FindingKind::Data, "ID_INVALID",
                            at(p + ".operator.idNumber"),
                            "平台操作人员身份证号 " + maskId(school.platformOperator.idNumber) + " " +
                                id.problem,
                            "correct it from the operator's ID card", school.id));
    }
  } else {
    out.push_back(finding(Severity::Warning, FindingKind::Data, "FIELD_MISSING",
                          at(p + ".operator.idNumber"), "平台操作人员身份证号 is empty",
                          "附件2 needs it", school.id));
  }
  for (const char* what : {"legalRepresentative", "district", "address"}) {
    const std::string& v = std::string_view(what) == "legalRepresentative" ? school.legalRepresentative
                           : std::string_view(what) == "district"          ? school.district
                                                                           : school.address;
    if (v.empty()) {
      out.push_back(finding(Severity::Warning, FindingKind::Data, "FIELD_MISSING",
                            at(p + "." + what), std::string(what) + " is empty",
                            "fill it in: the forms leave it blank otherwise", school.id));
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

  // Per-student checks, then duplicates (by normalised ID, first occurrence wins).
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
    std::string key = checkResidentId(st.idNumber, options.today).normalized;
    auto [it, inserted] = firstById.emplace(key, i);
    if (inserted) continue;
    const Student& first = r.students[it->second];
    std::string firstAt = first.file + ":" + std::to_string(first.line);
    if (first.name == st.name) {
      r.findings.push_back(finding(Severity::Warning, FindingKind::Data, "DUPLICATE", rowOf(st),
                                   "the same student (" + maskId(key) + ") is already listed at " +
                                       firstAt + "; declared once",
                                   "remove the repeated row", school.id));
      studentExclusion[i] = Exclusion::Duplicate;
      continue;
    }
    r.findings.push_back(finding(Severity::Error, FindingKind::Data, "DUPLICATE_CONFLICT", rowOf(st),
                                 "证件号码 " + maskId(key) + " is also listed at " + firstAt +
                                     " under another name; neither row is declared",
                                 "find out which student the number belongs to and correct the other",
                                 school.id));
    studentExclusion[i] = Exclusion::InvalidData;
    conflicted.insert(it->second);
  }
  for (std::size_t i : conflicted) studentExclusion[i] = Exclusion::InvalidData;

  // Targets, major by major.
  std::set<std::string> configuredMajors;
  for (const auto& major : school.majors) configuredMajors.insert(major.name);
  std::set<std::tuple<std::string, std::string, int, std::string>> seenTargets;
  for (const auto& major : school.majors) {
    for (const auto& t : major.targets) {
      auto targetExclusion = checkTarget(school, t, options, r.findings);
      auto key = std::make_tuple(t.type, t.occupationCode, t.level,
                                 t.evaluationOrg ? t.evaluationOrg->creditCode : "");
      if (!seenTargets.insert(key).second) {
        r.findings.push_back(finding(Severity::Warning, FindingKind::Data, "TARGET_REPEATED",
                                     at(t.jsonPath),
                                     "the same occupation, level and organisation is listed for "
                                     "another major too; each student is declared once per target",
                                     "nothing to do if both majors are evaluated for it", school.id));
      }
      TargetResult tr;
      tr.target = t;
      tr.major = major.name;
      const CertType* type = options.types == nullptr ? nullptr : options.types->find(t.type);
      const plugin::Section section = sectionFor(school, t);
      bool pluginFailedOnce = false;
      for (std::size_t i = 0; i < r.students.size(); ++i) {
        if (r.students[i].major != major.name) continue;
        if (studentExclusion[i]) {
          tr.excluded.push_back({i, *studentExclusion[i], {}, {}, {}});
          continue;
        }
        if (targetExclusion) {
          tr.excluded.push_back({i, *targetExclusion, {}, {}, {}});
          continue;
        }
        auto verdict = applyTypeRules(*type, r.students[i], t, section);
        if (!verdict.ok()) {
          if (!pluginFailedOnce) {
            r.findings.push_back(
                pluginFailed(*type, "eligibility", verdict.error, t.jsonPath, school.id));
          }
          pluginFailedOnce = true;
          tr.excluded.push_back({i, Exclusion::TargetInvalid, {}, {}, {}});
          continue;
        }
        if (verdict.value.eligible) {
          tr.eligible.push_back(i);
          continue;
        }
        const Verdict& v = verdict.value;
        r.findings.push_back(finding(Severity::Warning, FindingKind::Data,
                                     v.code.empty() ? "TYPE_RULE" : v.code, rowOf(r.students[i]),
                                     "not declared for " + t.occupationName + " (" + t.type +
                                         "): " + v.reason,
                                     v.hint, school.id));
        tr.excluded.push_back({i, Exclusion::TypeRule, v.code, v.reason, v.hint});
      }
      r.targets.push_back(std::move(tr));
    }
  }
  for (const auto& [type, settings] : school.pluginSections) {
    if (options.types != nullptr && options.types->find(type) != nullptr) continue;
    r.findings.push_back(finding(Severity::Warning, FindingKind::Config, "PLUGIN_SECTION_UNUSED",
                                 at(school.jsonPath + ".plugins." + type),
                                 "no plugin for type \"" + type + "\" is loaded: its section is "
                                 "ignored",
                                 "check the type's spelling, or install its plugin", school.id));
  }
  for (const auto& st : r.students) {
    if (!st.major.empty() && !configuredMajors.contains(st.major)) ++r.unconfiguredMajors[st.major];
  }
  for (const auto& [major, n] : r.unconfiguredMajors) {
    r.findings.push_back(finding(Severity::Info, FindingKind::Data, "MAJOR_NOT_CONFIGURED",
                                 at(school.jsonPath + ".majors"),
                                 std::to_string(n) + " student(s) of 专业 " + major +
                                     ", which has no target in the configuration, are not declared",
                                 "add the major with its targets once its 专业评估 is approved",
                                 school.id));
  }
  return r;
}

}  // namespace zzjb
