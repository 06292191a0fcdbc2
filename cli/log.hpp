// Log lines for `zzjb run` and `zzjb daemon`, on stderr (the journal under systemd): text for
// people or JSON lines for a log pipeline, each with the school and the target it is about. As a
// last line of defence, anything that looks like a resident ID or a mobile number is masked
// before it is written, whatever the caller passed in.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pass.hpp"
#include "zzjb/core/finding.hpp"

namespace zzjb::cli {

enum class LogFormat { Text, Json };

// "text" | "json"; nullopt otherwise.
[[nodiscard]] std::optional<LogFormat> parseLogFormat(std::string_view name);

// Masks, in free text, every token that looks like a resident ID (17 digits and a digit or X →
// 310***********123X) or a mainland mobile number (1 and 10 more digits, also written +86…,
// 139-1234-5678 or 139 1234 5678 → 139****5678). A token is a maximal run of ASCII letters and
// digits, so a credit code (91310000MA1FL0001X) or a longer number is left alone.
[[nodiscard]] std::string maskPersonalData(std::string_view text);

using LogFields = std::vector<std::pair<std::string, std::string>>;

// Thread-safe: the metrics server's thread may log too. Each record is written as one line with
// one write, so lines never interleave.
class Logger {
 public:
  // `out` must outlive the logger; `now` returns UTC seconds (tests pass a fixed clock).
  explicit Logger(LogFormat format, std::ostream& out,
                  std::function<std::int64_t()> now = {});

  void setFormat(LogFormat format);
  [[nodiscard]] LogFormat format() const;

  // text:  2027-03-01T09:00:01+08:00 info xuhui-zz 4-04-05-01/4/… message key=value …
  //        (an empty school or target is written as "-")
  // json:  {"time":…,"level":…,"school":…,"target":…,"message":…,"key":"value",…}
  //        (school and target are left out when empty)
  void log(Severity level, std::string_view school, std::string_view target,
           std::string_view message, const LogFields& fields = {});

  void info(std::string_view message, const LogFields& fields = {}) {
    log(Severity::Info, {}, {}, message, fields);
  }
  void warning(std::string_view message, const LogFields& fields = {}) {
    log(Severity::Warning, {}, {}, message, fields);
  }
  void error(std::string_view message, const LogFields& fields = {}) {
    log(Severity::Error, {}, {}, message, fields);
  }
  // A finding as one line: its severity, school, code, location, message and hint.
  void finding(const Finding& f);

 private:
  mutable std::mutex mu_;
  LogFormat format_;
  std::ostream& out_;
  std::function<std::int64_t()> now_;
};

// The reminders after a pass (PassResult::reminders), each as one warning line with its school
// (and target), the reminder's text as the message and kind, days, due and hint as fields:
//   text: 2027-03-15T09:00:01+08:00 warning xuhui-zz - 提醒：… reminder=EVALUATION_WINDOW days=17 …
//   json: {"time":…,"level":"warning","school":"xuhui-zz","message":"提醒：…","reminder":…}
void logReminders(Logger& logger, const PassResult& result);

// What a pass does, as log lines: engine steps and events, failed and retried requests (each
// successful request too when `logRequests`), and each school's outcome with its targets.
class LogObserver : public PassObserver {
 public:
  explicit LogObserver(Logger& logger, bool logRequests = true)
      : logger_(logger), logRequests_(logRequests) {}

  void onEngineEvent(const EngineEvent& event) override;
  void onRequest(const std::string& school, const platform::RequestEvent& event) override;
  void onSchoolDone(const SchoolOutcome& outcome) override;
  void log(Severity severity, const std::string& school, const std::string& message) override;

 private:
  Logger& logger_;
  bool logRequests_;
};

// Passes every call to each observer in turn (log lines and metrics, progress display …).
class TeeObserver : public PassObserver {
 public:
  explicit TeeObserver(std::vector<PassObserver*> observers) : observers_(std::move(observers)) {}
  void onEngineEvent(const EngineEvent& event) override;
  void onRequest(const std::string& school, const platform::RequestEvent& event) override;
  void onSchoolDone(const SchoolOutcome& outcome) override;
  void log(Severity severity, const std::string& school, const std::string& message) override;
  void onProgress(const PassProgress& progress) override;

 private:
  std::vector<PassObserver*> observers_;
};

}  // namespace zzjb::cli
