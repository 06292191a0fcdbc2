// The daemon's configuration keys and the next pass time.
#include "daemon_settings.hpp"

#include <nlohmann/json.hpp>

#include "metrics_server.hpp"
#include "zzjb/json/bounded.hpp"
#include "zzjb/messages/catalog.hpp"

namespace zzjb::cli {

namespace {

using json = nlohmann::json;

// A daemon setting that cannot be used: the finding `code` (shared with the other configuration
// checks), worded by the catalog's `textCode`; the hint is `hintCode`'s text when given, else
// "<textCode>.hint"'s.
Finding settingFinding(const std::string& file, const std::string& path, std::string code,
                       std::string_view textCode, msg::Args args = {}, std::string_view hintCode = {}) {
  args.emplace_back("path", path);
  Finding f = configError(std::move(code), args, textCode);
  if (!hintCode.empty()) f.hint = msg::text(hintCode, args);
  f.where.file = file;
  f.where.jsonPath = path;
  f.args = std::move(args);
  return f;
}

constexpr std::string_view kScheduleHint = "daemon.schedule.hint";

// Each (JSON path, item) as a cron expression into `crons`; an item that is not a string is
// CONFIG_TYPE worded by `notStringText`, one that does not parse its CRON_* finding at its path.
void parseCrons(const std::vector<std::pair<std::string, const json*>>& items,
                const std::string& file, std::string_view notStringText,
                std::vector<CronSchedule>& crons, std::vector<Finding>& errors) {
  for (const auto& [path, item] : items) {
    if (!item->is_string()) {
      errors.push_back(settingFinding(file, path, "CONFIG_TYPE", notStringText, {}, kScheduleHint));
      continue;
    }
    auto parsed = parseCron(item->get<std::string>());
    if (!parsed) {
      Finding f = parsed.error();
      f.where.file = file;
      f.where.jsonPath = path;
      errors.push_back(std::move(f));
      continue;
    }
    crons.push_back(std::move(*parsed));
  }
}

void parseSchedule(const json& s, const std::string& file, DaemonSchedule& out,
                   std::vector<Finding>& errors) {
  const json* cron = &s;
  std::string cronPath = "$.schedule";
  if (s.is_object()) {
    for (const auto& [key, value] : s.items()) {
      if (key != "cron" && key != "randomDelaySeconds" && key != "identityProbe") {
        errors.push_back(settingFinding(file, "$.schedule." + key, "CONFIG_UNKNOWN_KEY",
                                        "CONFIG_UNKNOWN_KEY.daemon_schedule", {{"key", key}}, kScheduleHint));
      }
    }
    if (auto d = s.find("randomDelaySeconds"); d != s.end()) {
      // Unsigned first: a huge unsigned number read as long long would wrap (docs/security.md).
      const bool inRange = d->is_number_unsigned() ? d->get<unsigned long long>() <= 86400
                           : d->is_number_integer()
                               ? d->get<long long>() >= 0 && d->get<long long>() <= 86400
                               : false;
      if (!inRange) {
        errors.push_back(settingFinding(file, "$.schedule.randomDelaySeconds", "CONFIG_RANGE",
                                        "CONFIG_RANGE.daemon_delay", {}, kScheduleHint));
      } else {
        out.randomDelaySeconds = d->get<int>();
      }
    }
    auto c = s.find("cron");
    if (c == s.end()) {
      errors.push_back(settingFinding(file, "$.schedule", "CONFIG_SCHEDULE",
                                      "CONFIG_SCHEDULE.daemon_no_cron", {}, kScheduleHint));
      return;
    }
    cron = &*c;
    cronPath = "$.schedule.cron";
  } else if (!s.is_string()) {
    errors.push_back(settingFinding(file, "$.schedule", "CONFIG_TYPE", "CONFIG_TYPE.daemon_schedule",
                                    {}, kScheduleHint));
    return;
  }
  std::vector<std::pair<std::string, const json*>> items;
  if (cron->is_array()) {
    for (std::size_t i = 0; i < cron->size(); ++i) {
      items.emplace_back(cronPath + "[" + std::to_string(i) + "]", &(*cron)[i]);
    }
    if (cron->empty()) {
      errors.push_back(settingFinding(file, cronPath, "CONFIG_SCHEDULE",
                                      "CONFIG_SCHEDULE.daemon_empty", {}, kScheduleHint));
    }
  } else {
    items.emplace_back(cronPath, cron);
  }
  parseCrons(items, file, "CONFIG_TYPE.daemon_cron", out.crons, errors);
}

// "identityProbe": a cron expression, a list of them, or false.
void parseProbe(const json& s, const std::string& file, ProbeSchedule& out,
                std::vector<Finding>& errors) {
  const std::string path = "$.schedule.identityProbe";
  if (s.is_boolean()) {
    if (s.get<bool>()) {
      errors.push_back(settingFinding(file, path, "CONFIG_TYPE", "CONFIG_TYPE.daemon_probe", {},
                                      kScheduleHint));
    } else {
      out.off = true;
    }
    return;
  }
  std::vector<std::pair<std::string, const json*>> items;
  if (s.is_array() && !s.empty() && s.size() <= 64) {
    for (std::size_t i = 0; i < s.size(); ++i) items.emplace_back(path + "[" + std::to_string(i) + "]", &s[i]);
  } else if (s.is_string()) {
    items.emplace_back(path, &s);
  } else {
    errors.push_back(settingFinding(file, path, "CONFIG_TYPE", "CONFIG_TYPE.daemon_probe", {},
                                    kScheduleHint));
    return;
  }
  out.crons.clear();
  parseCrons(items, file, "CONFIG_TYPE.daemon_probe", out.crons, errors);
}

}  // namespace

std::string ProbeSchedule::describe() const {
  if (off) return msg::text("daemon.probe.off");
  if (everySeconds) return msg::text("daemon.schedule.every", {{"seconds", *everySeconds}});
  std::string list;
  for (std::size_t i = 0; i < crons.size(); ++i) list += (i > 0 ? ", " : "") + crons[i].text;
  return msg::text("daemon.schedule.cron", {{"cron", list}});
}

std::string DaemonSchedule::describe() const {
  if (everySeconds) return msg::text("daemon.schedule.every", {{"seconds", *everySeconds}});
  std::string list;
  for (std::size_t i = 0; i < crons.size(); ++i) list += (i > 0 ? ", " : "") + crons[i].text;
  if (randomDelaySeconds > 0) {
    return msg::text("daemon.schedule.cron_delay", {{"cron", list}, {"seconds", randomDelaySeconds}});
  }
  return msg::text("daemon.schedule.cron", {{"cron", list}});
}

std::expected<DaemonSettings, std::vector<Finding>> parseDaemonSettings(
    const std::string& jsonText, const std::string& file, std::optional<int> everySeconds,
    std::optional<int> probeEverySeconds) {
  std::vector<Finding> errors;
  DaemonSettings out;
  out.schedule.everySeconds = everySeconds;
  out.probe.everySeconds = probeEverySeconds;
  if (auto daily = parseCron("0 7 * * *")) out.probe.crons.push_back(std::move(*daily));
  // Bounded like every JSON zzjb reads (docs/security.md): never throws, never recurses deep.
  auto parsed = zzjb::json::parse(jsonText);
  json doc = parsed ? std::move(*parsed) : json();
  if (!parsed || !doc.is_object()) {
    errors.push_back(settingFinding(file, "$", "CONFIG_JSON", "CONFIG_JSON.daemon", {{"file", file}}));
    return std::unexpected(errors);
  }
  if (auto s = doc.find("schedule"); s != doc.end() && !s->is_null()) {
    parseSchedule(*s, file, out.schedule, errors);
    if (s->is_object()) {
      if (auto p = s->find("identityProbe"); p != s->end()) parseProbe(*p, file, out.probe, errors);
    }
  } else if (!everySeconds) {
    errors.push_back(settingFinding(file, "$.schedule", "CONFIG_SCHEDULE", "CONFIG_SCHEDULE.daemon_none"));
  }
  if (auto l = doc.find("logging"); l != doc.end() && l->is_object()) {
    for (const auto& [key, value] : l->items()) {
      if (key != "format") {
        errors.push_back(settingFinding(file, "$.logging." + key, "CONFIG_UNKNOWN_KEY",
                                        "CONFIG_UNKNOWN_KEY.daemon_logging", {{"key", key}}));
      }
    }
    if (auto f = l->find("format"); f != l->end()) {
      auto format = f->is_string() ? parseLogFormat(f->get<std::string>()) : std::nullopt;
      if (!format) {
        errors.push_back(settingFinding(file, "$.logging.format", "CONFIG_ENUM", "CONFIG_ENUM.daemon_log_format"));
      }
      out.logFormat = format;
    }
  } else if (l != doc.end() && !l->is_null()) {
    errors.push_back(settingFinding(file, "$.logging", "CONFIG_TYPE", "CONFIG_TYPE.daemon_logging"));
  }
  if (auto m = doc.find("metrics"); m != doc.end() && m->is_object()) {
    for (const auto& [key, value] : m->items()) {
      if (key != "listen") {
        errors.push_back(settingFinding(file, "$.metrics." + key, "CONFIG_UNKNOWN_KEY",
                                        "CONFIG_UNKNOWN_KEY.daemon_metrics", {{"key", key}}));
      }
    }
    if (auto a = m->find("listen"); a != m->end()) {
      if (!a->is_string()) {
        errors.push_back(settingFinding(file, "$.metrics.listen", "CONFIG_TYPE", "CONFIG_TYPE.daemon_listen"));
      } else if (auto addr = parseListenAddress(a->get<std::string>()); !addr) {
        errors.push_back(settingFinding(file, "$.metrics.listen", "CONFIG_LISTEN", "CONFIG_LISTEN.daemon",
                                        {{"reason", addr.error()}}));
      } else {
        out.metricsListen = a->get<std::string>();
      }
    }
  } else if (m != doc.end() && !m->is_null()) {
    errors.push_back(settingFinding(file, "$.metrics", "CONFIG_TYPE", "CONFIG_TYPE.daemon_metrics"));
  }
  if (!errors.empty()) return std::unexpected(errors);
  return out;
}

std::optional<std::int64_t> nextPassTime(const DaemonSchedule& schedule, std::int64_t now,
                                         std::optional<std::int64_t> lastPassStart,
                                         std::mt19937_64& rng) {
  if (schedule.everySeconds) {
    if (!lastPassStart) return now;
    return std::max(now, *lastPassStart + *schedule.everySeconds);
  }
  std::optional<std::int64_t> best;
  for (const auto& c : schedule.crons) {
    auto t = nextFireTime(c, now);
    if (t && (!best || *t < *best)) best = t;
  }
  if (!best) return std::nullopt;
  if (schedule.randomDelaySeconds > 0) {
    std::uniform_int_distribution<int> delay(0, schedule.randomDelaySeconds);
    *best += delay(rng);
  }
  return best;
}

}  // namespace zzjb::cli

namespace zzjb::cli {

std::optional<std::int64_t> nextProbeTime(const ProbeSchedule& schedule, std::int64_t now,
                                          std::optional<std::int64_t> lastProbe) {
  if (schedule.off) return std::nullopt;
  if (!lastProbe) return now;
  if (schedule.everySeconds) return std::max(now, *lastProbe + *schedule.everySeconds);
  std::optional<std::int64_t> best;
  for (const auto& c : schedule.crons) {
    auto t = nextFireTime(c, *lastProbe);
    if (t && (!best || *t < *best)) best = t;
  }
  if (!best) return std::nullopt;
  return std::max(now, *best);  // one missed since the last probe: now
}

}  // namespace zzjb::cli
