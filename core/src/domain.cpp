// Names and rules of the domain: school levels, skill levels, offices, windows, organisation types.
#include "zzjb/core/domain.hpp"

#include <algorithm>
#include <array>

#include "zzjb/messages/catalog.hpp"

namespace zzjb {

// not-text: begin (the notices' proper terms and the configuration's values, the same in every
// language: English texts keep them after a gloss, docs/messages.md "Terms")
const char* schoolLevelName(SchoolLevel l) { return l == SchoolLevel::Secondary ? "中职" : "高职"; }

const char* schoolLevelConfigName(SchoolLevel l) {
  return l == SchoolLevel::Secondary ? "SECONDARY" : "HIGHER";
}

std::optional<SchoolLevel> parseSchoolLevel(std::string_view s) {
  if (s == "SECONDARY" || s == "中职") return SchoolLevel::Secondary;
  if (s == "HIGHER" || s == "高职") return SchoolLevel::Higher;
  return std::nullopt;
}
// not-text: end

int allowedLevel(SchoolLevel l) { return l == SchoolLevel::Secondary ? 4 : 3; }

bool isSkillLevel(int level) { return level >= 1 && level <= 5; }

namespace {
// not-text: begin (the skill levels' names in the notices and on the platform)
constexpr std::array<const char*, 5> kShort = {"一级", "二级", "三级", "四级", "五级"};
constexpr std::array<const char*, 5> kWorker = {"高级技师", "技师", "高级工", "中级工", "初级工"};
// not-text: end
}  // namespace

std::string levelShortName(int level) {
  return isSkillLevel(level) ? kShort[static_cast<std::size_t>(level - 1)] : std::to_string(level);
}

std::string levelWorkerName(int level) {
  return isSkillLevel(level) ? kWorker[static_cast<std::size_t>(level - 1)] : "";
}

std::string levelName(int level) {
  if (!isSkillLevel(level)) return std::to_string(level);
  return levelShortName(level) + "/" + levelWorkerName(level);
}

EvaluationOffice evaluationOfficeFor(SchoolLevel l) {
  // not-text: begin (the offices' names, proper names printed on the forms)
  if (l == SchoolLevel::Secondary) return {"市教委教研室", "上海市教育委员会教学研究室"};
  return {"市教委职教处", "上海市教育委员会职业教育处"};
  // not-text: end
}

ApplicationWindow nextEvaluationWindow(const Date& today) {
  if (today.month == 4 || today.month == 10) return {today.year, today.month, true};
  if (today.month < 4) return {today.year, 4, false};
  if (today.month < 10) return {today.year, 10, false};
  return {today.year + 1, 4, false};
}

const char* orgTypeConfigName(OrgType t) {
  return t == OrgType::SocialOrg ? "SOCIAL_ORG" : "EMPLOYER";
}

const char* orgTypeName(OrgType t) {
  return t == OrgType::SocialOrg ? "社会培训评价组织" : "用人单位";  // not-text: the notices' terms
}

std::optional<OrgType> parseOrgType(std::string_view s) {
  if (s == "SOCIAL_ORG") return OrgType::SocialOrg;
  if (s == "EMPLOYER") return OrgType::Employer;
  return std::nullopt;
}

const char* evaluationStatusConfigName(EvaluationStatus s) {
  switch (s) {
    case EvaluationStatus::NotApplied: return "NOT_APPLIED";
    case EvaluationStatus::Submitted: return "SUBMITTED";
    case EvaluationStatus::Approved: return "APPROVED";
    case EvaluationStatus::Rejected: return "REJECTED";
  }
  return "?";
}

namespace {
// The catalog code of each state (written out, so that the catalog test sees every one used).
const char* evaluationCode(EvaluationStatus s) {
  switch (s) {
    case EvaluationStatus::NotApplied: return "state.evaluation.NOT_APPLIED";
    case EvaluationStatus::Submitted: return "state.evaluation.SUBMITTED";
    case EvaluationStatus::Approved: return "state.evaluation.APPROVED";
    case EvaluationStatus::Rejected: return "state.evaluation.REJECTED";
  }
  return "state.evaluation.NOT_APPLIED";
}
}  // namespace

std::string evaluationStatusName(EvaluationStatus s) { return msg::text(evaluationCode(s)); }

std::string evaluationAdvice(EvaluationStatus s) {
  return msg::text(std::string(evaluationCode(s)) + ".advice");
}

std::optional<EvaluationStatus> parseEvaluationStatus(std::string_view s) {
  for (auto st : {EvaluationStatus::NotApplied, EvaluationStatus::Submitted,
                  EvaluationStatus::Approved, EvaluationStatus::Rejected}) {
    if (s == evaluationStatusConfigName(st)) return st;
  }
  return std::nullopt;
}

const CatalogItem* Catalog::findOrg(std::string_view creditCode) const {
  auto it = std::find_if(items.begin(), items.end(),
                         [creditCode](const CatalogItem& i) { return i.org.creditCode == creditCode; });
  return it == items.end() ? nullptr : &*it;
}

const CatalogOccupation* Catalog::findOccupation(std::string_view creditCode,
                                                 std::string_view occupationCode) const {
  const CatalogItem* item = findOrg(creditCode);
  if (item == nullptr) return nullptr;
  auto it = std::find_if(item->occupations.begin(), item->occupations.end(),
                         [occupationCode](const CatalogOccupation& o) { return o.code == occupationCode; });
  return it == item->occupations.end() ? nullptr : &*it;
}

const CatalogWithdrawal* Catalog::findWithdrawal(std::string_view creditCode,
                                                 std::string_view occupationCode, int level) const {
  const CatalogWithdrawal* best = nullptr;
  auto width = [](const CatalogWithdrawal& w) {
    return w.occupationCode.empty() ? 0 : (w.level == 0 ? 1 : 2);
  };
  for (const auto& w : withdrawn) {
    if (w.creditCode != creditCode) continue;
    const bool covers = w.occupationCode.empty() ||
                        (w.occupationCode == occupationCode && (w.level == 0 || w.level == level));
    if (covers && (best == nullptr || width(w) < width(*best))) best = &w;
  }
  return best;
}

}  // namespace zzjb
