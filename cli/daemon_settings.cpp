// The daemon's configuration keys and the next pass time.
#include "daemon_settings.hpp"

#include <nlohmann/json.hpp>

#include "metrics_server.hpp"
#include "zzjb/json/bounded.hpp"

namespace zzjb::cli {

namespace {

using json = nlohmann::json;

Finding settingFinding(const std::string& file, const std::string& path, std::string code,
                       std::string message, std::string hint) {
  Finding f = configFinding(std::move(code), std::move(message), std::move(hint));
  f.where.file = file;
  f.where.jsonPath = path;
  return f;
}

void parseSchedule(const json& s, const std::string& file, DaemonSchedule& out,
                   std::vector<Finding>& errors) {
  const std::string hint =
      "write \"schedule\": {\"cron\": [\"30 8 * * 1-6\"], \"randomDelaySeconds\": 1800}";
  const json* cron = &s;
  std::string cronPath = "$.schedule";
  if (s.is_object()) {
    for (const auto& [key, value] : s.items()) {
      if (key != "cron" && key != "randomDelaySeconds") {
        errors.push_back(settingFinding(file, "$.schedule." + key, "CONFIG_UNKNOWN_KEY",
                                        "unknown key \"" + key + "\" in schedule", hint));
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
                                        "randomDelaySeconds must be an integer from 0 to 86400",
                                        hint));
      } else {
        out.randomDelaySeconds = d->get<int>();
      }
    }
    auto c = s.find("cron");
    if (c == s.end()) {
      errors.push_back(settingFinding(file, "$.schedule", "CONFIG_SCHEDULE",
                                      "schedule has no \"cron\"", hint));
      return;
    }
    cron = &*c;
    cronPath = "$.schedule.cron";
  } else if (!s.is_string()) {
    errors.push_back(settingFinding(file, "$.schedule", "CONFIG_TYPE",
                                    "schedule must be a cron string or an object", hint));
    return;
  }
  std::vector<std::pair<std::string, const json*>> items;
  if (cron->is_array()) {
    for (std::size_t i = 0; i < cron->size(); ++i) {
      items.emplace_back(cronPath + "[" + std::to_string(i) + "]", &(*cron)[i]);
    }
    if (cron->empty()) {
      errors.push_back(settingFinding(file, cronPath, "CONFIG_SCHEDULE",
                                      "the cron list is empty", hint));
    }
  } else {
    items.emplace_back(cronPath, cron);
  }
  for (const auto& [path, item] : items) {
    if (!item->is_string()) {
      errors.push_back(settingFinding(file, path, "CONFIG_TYPE",
                                      "a cron expression must be a string", hint));
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
    out.crons.push_back(std::move(*parsed));
  }
}

}  // namespace

std::string DaemonSchedule::describe() const {
  if (everySeconds) return "every " + std::to_string(*everySeconds) + " s";
  std::string s = "cron ";
  for (std::size_t i = 0; i < crons.size(); ++i) s += (i > 0 ? ", " : "") + crons[i].text;
  if (randomDelaySeconds > 0) s += " + up to " + std::to_string(randomDelaySeconds) + " s";
  return s;
}

std::expected<DaemonSettings, std::vector<Finding>> parseDaemonSettings(
    const std::string& jsonText, const std::string& file, std::optional<int> everySeconds) {
  std::vector<Finding> errors;
  DaemonSettings out;
  out.schedule.everySeconds = everySeconds;
  // Bounded like every JSON zzjb reads (docs/security.md): never throws, never recurses deep.
  auto parsed = zzjb::json::parse(jsonText);
  json doc = parsed ? std::move(*parsed) : json();
  if (!parsed || !doc.is_object()) {
    errors.push_back(settingFinding(file, "$", "CONFIG_JSON", "the configuration is not a JSON object",
                                    "run zzjb check -c " + file));
    return std::unexpected(errors);
  }
  if (auto s = doc.find("schedule"); s != doc.end() && !s->is_null()) {
    parseSchedule(*s, file, out.schedule, errors);
  } else if (!everySeconds) {
    errors.push_back(settingFinding(
        file, "$.schedule", "CONFIG_SCHEDULE", "no schedule for the daemon",
        "add \"schedule\": {\"cron\": [\"30 8 * * 1-6\"], \"randomDelaySeconds\": 1800}, or "
        "give --every SECONDS"));
  }
  if (auto l = doc.find("logging"); l != doc.end() && l->is_object()) {
    for (const auto& [key, value] : l->items()) {
      if (key != "format") {
        errors.push_back(settingFinding(file, "$.logging." + key, "CONFIG_UNKNOWN_KEY",
                                        "unknown key \"" + key + "\" in logging",
                                        "logging has only \"format\""));
      }
    }
    if (auto f = l->find("format"); f != l->end()) {
      auto format = f->is_string() ? parseLogFormat(f->get<std::string>()) : std::nullopt;
      if (!format) {
        errors.push_back(settingFinding(file, "$.logging.format", "CONFIG_ENUM",
                                        "logging.format is \"text\" or \"json\"", ""));
      }
      out.logFormat = format;
    }
  } else if (l != doc.end() && !l->is_null()) {
    errors.push_back(settingFinding(file, "$.logging", "CONFIG_TYPE",
                                    "logging must be an object", "{\"format\": \"json\"}"));
  }
  if (auto m = doc.find("metrics"); m != doc.end() && m->is_object()) {
    for (const auto& [key, value] : m->items()) {
      if (key != "listen") {
        errors.push_back(settingFinding(file, "$.metrics." + key, "CONFIG_UNKNOWN_KEY",
                                        "unknown key \"" + key + "\" in metrics",
                                        "metrics has only \"listen\""));
      }
    }
    if (auto a = m->find("listen"); a != m->end()) {
      if (!a->is_string()) {
        errors.push_back(settingFinding(file, "$.metrics.listen", "CONFIG_TYPE",
                                        "metrics.listen must be a string HOST:PORT",
                                        "\"127.0.0.1:9464\""));
      } else if (auto addr = parseListenAddress(a->get<std::string>()); !addr) {
        errors.push_back(settingFinding(file, "$.metrics.listen", "CONFIG_LISTEN", addr.error(),
                                        "use a loopback address such as \"127.0.0.1:9464\""));
      } else {
        out.metricsListen = a->get<std::string>();
      }
    }
  } else if (m != doc.end() && !m->is_null()) {
    errors.push_back(settingFinding(file, "$.metrics", "CONFIG_TYPE", "metrics must be an object",
                                    "{\"listen\": \"127.0.0.1:9464\"}"));
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
