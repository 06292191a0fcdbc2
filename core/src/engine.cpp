// The engine's public face: target keys, names and texts for reports, the outcome's summary, and
// runSchoolPass, which runs one Pass (engine_pass.cpp, with one unit per step: engine_internal.hpp)
// and lets no exception out.
#include "zzjb/core/engine.hpp"

#include <exception>

#include "engine_internal.hpp"

namespace zzjb {

std::string targetKeyOf(const Target& target) {
  return target.occupationCode + "/" + std::to_string(target.level) + "/" +
         (target.evaluationOrg ? target.evaluationOrg->creditCode : std::string("-"));
}

ReasonText platformReasonText(std::string_view code) {
  if (code == "ID_INVALID") {
    return {"证件号码无效或证件类型不是居民身份证",
            "核对花名册中的证件号码与证件类型后，下一轮会重新申报"};
  }
  if (code == "LEVEL_NOT_ALLOWED") {
    return {"申报等级与学校层次不符（中职四级、高职三级）",
            "核对配置中该目标的等级与学校层次；改正后下一轮会重新申报"};
  }
  if (code == "NOT_GRADUATING") {
    return {"不在毕业学年，不能申报", "核对花名册中的毕业年份（只有毕业学年的学生可以申报）；改正后下一轮会重新申报"};
  }
  if (code == "DUPLICATE") {
    return {"已申报过该职业该等级", "无需处理：平台上已有该学生该职业该等级的申报"};
  }
  if (code == "FIELD_INVALID") {
    return {"申报表中有字段不符合要求", "核对该学生的姓名、性别、手机号码、专业、班级等信息；改正后下一轮会重新申报"};
  }
  return {"平台未接受该行（" + std::string(code) + "）",
          "在平台上查看该批次的详情；如有疑问请致电市职鉴中心 62748577-4112"};
}

const char* targetPhaseName(TargetPhase p) {
  switch (p) {
    case TargetPhase::NoEligibleStudents: return "NO_ELIGIBLE_STUDENTS";
    case TargetPhase::WaitingForAccount: return "WAITING_FOR_ACCOUNT";
    case TargetPhase::PermissionNotGranted: return "PERMISSION_NOT_GRANTED";
    case TargetPhase::PermissionUnderReview: return "PERMISSION_UNDER_REVIEW";
    case TargetPhase::PermissionRejected: return "PERMISSION_REJECTED";
    case TargetPhase::Declaring: return "DECLARING";
    case TargetPhase::UpToDate: return "UP_TO_DATE";
    case TargetPhase::Failed: return "FAILED";
  }
  return "FAILED";
}

std::string SchoolOutcome::summary() const {
  std::size_t sent = 0;
  std::size_t accepted = 0;
  std::size_t rejected = 0;
  std::size_t pending = 0;
  std::size_t done = 0;
  for (const auto& t : targets) {
    sent += t.sent;
    accepted += t.accepted;
    rejected += t.rejected;
    pending += t.pending;
    done += t.phase == TargetPhase::UpToDate ? 1 : 0;
  }
  std::string s = school + ": " + schoolOutcomeName(kind) + ", " +
                  std::to_string(targets.size()) + " targets (" + std::to_string(done) +
                  " up to date), " + std::to_string(sent) + " rows sent, " +
                  std::to_string(accepted) + " accepted, " + std::to_string(rejected) +
                  " rejected, " + std::to_string(pending) + " pending, " +
                  std::to_string(creatingRequests) + " creating requests";
  if (failure) {
    s += "; stopped: " + std::string(platformFailureKindName(failure->kind));
    if (!failure->code.empty()) s += " " + failure->code;
    if (!failure->endpoint.empty()) s += " on " + failure->endpoint;
  }
  if (!findings.empty()) {
    s += "; " + std::to_string(findings.size()) + " findings (first: " + findings.front().code +
         ")";
  }
  return s;
}

SchoolOutcome runSchoolPass(const SchoolInput& input, const EngineServices& services,
                            const EngineOptions& options) {
  SchoolOutcome failed;
  failed.school = input.school != nullptr ? input.school->id : std::string();
  failed.kind = SchoolOutcomeKind::Failed;
  bool missingService =
      !options.dryRun && (!services.sha256Hex || !services.writeXlsx);
  if (input.school == nullptr || input.evaluation == nullptr || services.store == nullptr ||
      services.clock == nullptr || missingService) {
    failed.findings.push_back(configFinding(
        "ENGINE_INPUT",
        "the engine needs a school, its evaluation, a state store, a clock, sha256Hex and writeXlsx",
        "this is a bug in zzjb: please report it"));
    return failed;
  }
  engine_detail::Pass pass(input, services, options);
  std::string what;
  try {
    return pass.run();
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown exception";
  }
  try {
    return pass.abandon(what);
  } catch (...) {
    failed.findings.push_back(configFinding("ENGINE_INTERNAL", "the pass stopped: " + what,
                                            "run again; if it happens again, please report it"));
    return failed;
  }
}

}  // namespace zzjb
