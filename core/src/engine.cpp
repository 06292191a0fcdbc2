// The engine's public face: target keys, names and texts for reports, the outcome's summary, and
// runSchoolPass, which runs one Pass (engine_pass.cpp, with one unit per step: engine_internal.hpp)
// and lets no exception out.
#include "zzjb/core/engine.hpp"

#include <exception>
#include <utility>

#include "engine_internal.hpp"

namespace zzjb {

ReasonText platformReasonText(std::string_view code) {
  // One wording per reason the platform gives for a rejected row (explain.row.*), for the run,
  // the log and the report alike; a reason the catalog does not know is named as the platform sent it.
  static constexpr std::pair<std::string_view, std::string_view> kKnown[] = {
      {"ID_INVALID", "explain.row.ID_INVALID"},
      {"LEVEL_NOT_ALLOWED", "explain.row.LEVEL_NOT_ALLOWED"},
      {"NOT_GRADUATING", "explain.row.NOT_GRADUATING"},
      {"DUPLICATE", "explain.row.DUPLICATE"},
      {"FIELD_INVALID", "explain.row.FIELD_INVALID"},
  };
  for (const auto& [reason, textCode] : kKnown) {
    if (code == reason) {
      return {msg::text(textCode), msg::text(std::string(textCode) + ".hint")};
    }
  }
  return {msg::text("explain.row.other", {{"reason", code}}), msg::text("explain.row.other.hint")};
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

std::string targetPhaseText(TargetPhase p) {
  switch (p) {
    case TargetPhase::NoEligibleStudents: return msg::text("run.phase_name.NO_ELIGIBLE_STUDENTS");
    case TargetPhase::WaitingForAccount: return msg::text("run.phase_name.WAITING_FOR_ACCOUNT");
    case TargetPhase::PermissionNotGranted:
      return msg::text("run.phase_name.PERMISSION_NOT_GRANTED");
    case TargetPhase::PermissionUnderReview:
      return msg::text("run.phase_name.PERMISSION_UNDER_REVIEW");
    case TargetPhase::PermissionRejected: return msg::text("run.phase_name.PERMISSION_REJECTED");
    case TargetPhase::Declaring: return msg::text("run.phase_name.DECLARING");
    case TargetPhase::UpToDate: return msg::text("run.phase_name.UP_TO_DATE");
    case TargetPhase::Failed: break;
  }
  return msg::text("run.phase_name.FAILED");
}

std::string schoolOutcomeText(SchoolOutcomeKind k) {
  switch (k) {
    case SchoolOutcomeKind::UpToDate: return msg::text("run.outcome.UP_TO_DATE");
    case SchoolOutcomeKind::Progressed: return msg::text("run.outcome.PROGRESSED");
    case SchoolOutcomeKind::Waiting: return msg::text("run.outcome.WAITING");
    case SchoolOutcomeKind::Skipped: return msg::text("run.outcome.SKIPPED");
    case SchoolOutcomeKind::Failed: break;
  }
  return msg::text("run.outcome.FAILED");
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
  std::string s = msg::text("run.summary", {{"school", school},
                                            {"outcome", schoolOutcomeText(kind)},
                                            {"code", schoolOutcomeName(kind)},
                                            {"targets", targets.size()},
                                            {"upToDate", done},
                                            {"sent", sent},
                                            {"accepted", accepted},
                                            {"rejected", rejected},
                                            {"pending", pending},
                                            {"requests", creatingRequests}});
  if (failure) {
    std::string code = failure->code.empty() ? std::string("-") : failure->code;
    s += msg::text(failure->endpoint.empty() ? "run.summary.stopped" : "run.summary.stopped.on",
                   {{"kind", platformFailureKindName(failure->kind)},
                    {"failure", code},
                    {"endpoint", failure->endpoint}});
  }
  if (!findings.empty()) {
    s += msg::text("run.summary.findings",
                   {{"count", findings.size()}, {"first", findings.front().code}});
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
    failed.findings.push_back(configError("ENGINE_INPUT"));
    return failed;
  }
  engine_detail::Pass pass(input, services, options);
  std::string what;
  try {
    return pass.run();
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = msg::text("run.internal.unknown");
  }
  try {
    return pass.abandon(what);
  } catch (...) {
    failed.findings.push_back(configError("ENGINE_INTERNAL", {{"what", what}}));
    return failed;
  }
}

}  // namespace zzjb
