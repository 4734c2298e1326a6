#include "harness/report/report_json.hpp"

#include "harness/report/event_json.hpp"

namespace phonerig::report {
namespace {

using nlohmann::json;

json optional_ms(const std::optional<std::int64_t>& value) {
  return value ? json(*value) : json();
}

json step_json(const StepReport& step) {
  json evidence = json::array();
  for (const auto& event : step.evidence) evidence.push_back(to_json(event));
  json stats;
  if (step.stats) {
    stats = {{"p50_ms", step.stats->p50_ms},
             {"p95_ms", step.stats->p95_ms},
             {"max_ms", step.stats->max_ms},
             {"count", step.stats->count}};
  }
  return {{"name", step.name},
          {"kind", step.kind},
          {"result", std::string(to_string(step.result))},
          {"started_ms", optional_ms(step.started_ms)},
          {"ended_ms", optional_ms(step.ended_ms)},
          {"duration_ms", optional_ms(step.duration_ms())},
          {"deadline_ms", optional_ms(step.deadline_ms)},
          {"reason", step.reason},
          {"stats", std::move(stats)},
          {"evidence", std::move(evidence)}};
}

json phone_json(const PhoneReport& phone) {
  json steps = json::array();
  for (const auto& step : phone.steps) steps.push_back(step_json(step));
  const StepReport* first = first_failure(phone);
  return {{"id", phone.id},
          {"mac", phone.mac ? json(phone.mac->to_string()) : json()},
          {"model", phone.model},
          {"port", phone.port},
          {"result", std::string(to_string(phone.result))},
          {"pcap", phone.pcap.empty() ? json() : json(phone.pcap)},
          // Derived from the steps (first_failure()): the step that went wrong first in time.
          {"first_failure", first ? json(first->name) : json()},
          {"steps", std::move(steps)}};
}

// Reading back: each getter names the field it failed on.
struct Reader {
  std::string error;

  const json* field(const json& object, const char* name, const std::string& where) {
    if (!object.is_object() || !object.contains(name)) {
      if (error.empty()) error = where + "." + name + ": missing";
      return nullptr;
    }
    return &object.at(name);
  }
  std::string string(const json& object, const char* name, const std::string& where) {
    const json* value = field(object, name, where);
    if (value == nullptr) return {};
    if (!value->is_string()) {
      if (error.empty()) error = where + "." + name + ": not a string";
      return {};
    }
    return value->get<std::string>();
  }
  std::int64_t integer(const json& object, const char* name, const std::string& where) {
    const json* value = field(object, name, where);
    if (value == nullptr) return 0;
    if (!value->is_number_integer()) {
      if (error.empty()) error = where + "." + name + ": not an integer";
      return 0;
    }
    return value->get<std::int64_t>();
  }
  std::optional<std::int64_t> optional_integer(const json& object, const char* name,
                                               const std::string& where) {
    const json* value = field(object, name, where);
    if (value == nullptr || value->is_null()) return std::nullopt;
    if (!value->is_number_integer()) {
      if (error.empty()) error = where + "." + name + ": not an integer or null";
      return std::nullopt;
    }
    return value->get<std::int64_t>();
  }
};

}  // namespace

json to_json(const RunReport& report) {
  json phones = json::array();
  for (const auto& phone : report.phones) phones.push_back(phone_json(phone));
  const ResultCounts counts = count_steps(report);
  return {{"schema", kReportSchema},
          {"schema_version", kReportSchemaVersion},
          {"scenario", {{"name", report.scenario_name}, {"file", report.scenario_file}}},
          {"started", iso8601_utc(report.started_unix_ms * 1'000'000)},
          {"started_unix_ms", report.started_unix_ms},
          {"duration_ms", report.duration_ms},
          {"result", std::string(to_string(report.result))},
          {"exit_code", report.exit_code},
          {"lab", report.lab},
          {"rig_error", report.rig_error},
          {"capture", {{"dropped", report.capture_dropped}}},
          {"repeat", report.repeat},
          {"summary",
           {{"phones", report.phones.size()},
            {"steps", counts.total()},
            {"passed", counts.passed},
            {"failed", counts.failed},
            {"missing", counts.missing},
            {"not_reached", counts.not_reached},
            {"skipped", counts.skipped}}},
          {"phones", std::move(phones)}};
}

std::string report_json(const RunReport& report) {
  return to_json(report).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

api::Result<api::Event> event_from_json(const json& value) {
  Reader r;
  api::Event event;
  event.time_ns = r.integer(value, "time_ns", "event");
  const std::string source = r.string(value, "source", "event");
  event.kind = r.string(value, "kind", "event");
  if (!r.error.empty()) return api::fail(api::Fault::config, r.error);
  bool known_source = false;
  for (auto s : {api::EventSource::capture, api::EventSource::service,
                 api::EventSource::switch_port, api::EventSource::link}) {
    if (api::to_string(s) == source) {
      event.source = s;
      known_source = true;
    }
  }
  if (!known_source) return api::fail(api::Fault::config, "event.source: unknown \"" + source + "\"");
  if (value.contains("phone") && value["phone"].is_string()) {
    event.phone = wire::Mac::parse(value["phone"].get<std::string>());
    if (!event.phone) return api::fail(api::Fault::config, "event.phone: not a MAC");
  }
  const api::KindSpec* kind = api::find_kind(event.kind);
  auto declared_type = [&](const std::string& name) -> std::optional<api::AttrType> {
    if (kind == nullptr) return std::nullopt;
    for (const auto& spec : kind->attrs) {
      if (spec.name == name) return spec.type;
    }
    if (kind->packet) {
      for (const auto& spec : api::packet_attrs()) {
        if (spec.name == name) return spec.type;
      }
    }
    return std::nullopt;
  };
  if (value.contains("attrs") && value["attrs"].is_object()) {
    for (const auto& [name, attr] : value["attrs"].items()) {
      if (attr.is_number_integer()) {
        event.attrs[name] = attr.get<std::int64_t>();
      } else if (attr.is_array()) {
        api::AttrList list;
        for (const auto& item : attr) {
          if (!item.is_string()) {
            return api::fail(api::Fault::config, "event.attrs." + name + ": not a list of strings");
          }
          list.push_back(item.get<std::string>());
        }
        event.attrs[name] = std::move(list);
      } else if (attr.is_string()) {
        const std::string text = attr.get<std::string>();
        const auto type = declared_type(name);
        if (type == api::AttrType::address) {
          if (auto address = wire::Ipv4::parse(text)) {
            event.attrs[name] = *address;
            continue;
          }
        } else if (type == api::AttrType::mac) {
          if (auto mac = wire::Mac::parse(text)) {
            event.attrs[name] = *mac;
            continue;
          }
        }
        event.attrs[name] = text;
      } else {
        return api::fail(api::Fault::config, "event.attrs." + name + ": unsupported JSON type");
      }
    }
  }
  return event;
}

api::Result<RunReport> parse_report_json(std::string_view text) {
  const json document = json::parse(text, nullptr, false);
  if (document.is_discarded()) return api::fail(api::Fault::config, "report.json: not JSON");
  Reader r;
  if (r.string(document, "schema", "report") != kReportSchema ||
      r.integer(document, "schema_version", "report") != kReportSchemaVersion) {
    return api::fail(api::Fault::config,
                     r.error.empty() ? "report: not a phonerig.report version " +
                                           std::to_string(kReportSchemaVersion)
                                     : r.error);
  }
  RunReport report;
  if (const json* scenario = r.field(document, "scenario", "report")) {
    report.scenario_name = r.string(*scenario, "name", "scenario");
    report.scenario_file = r.string(*scenario, "file", "scenario");
  }
  report.started_unix_ms = r.integer(document, "started_unix_ms", "report");
  report.duration_ms = r.integer(document, "duration_ms", "report");
  const std::string result = r.string(document, "result", "report");
  report.exit_code = static_cast<int>(r.integer(document, "exit_code", "report"));
  report.lab = r.string(document, "lab", "report");
  report.rig_error = r.string(document, "rig_error", "report");
  if (const json* capture = r.field(document, "capture", "report")) {
    report.capture_dropped = static_cast<std::uint64_t>(r.integer(*capture, "dropped", "capture"));
  }
  report.repeat = static_cast<unsigned>(r.integer(document, "repeat", "report"));
  if (!r.error.empty()) return api::fail(api::Fault::config, r.error);
  if (auto parsed = parse_run_result(result)) {
    report.result = *parsed;
  } else {
    return api::fail(api::Fault::config, "report.result: unknown \"" + result + "\"");
  }

  const json* phones = r.field(document, "phones", "report");
  if (phones == nullptr || !phones->is_array()) {
    return api::fail(api::Fault::config, "report.phones: not an array");
  }
  for (std::size_t i = 0; i < phones->size(); ++i) {
    const json& p = (*phones)[i];
    const std::string where = "phones[" + std::to_string(i) + "]";
    PhoneReport phone;
    phone.id = r.string(p, "id", where);
    if (p.contains("mac") && p["mac"].is_string()) phone.mac = wire::Mac::parse(p["mac"].get<std::string>());
    phone.model = r.string(p, "model", where);
    phone.port = r.string(p, "port", where);
    const std::string phone_result = r.string(p, "result", where);
    if (p.contains("pcap") && p["pcap"].is_string()) phone.pcap = p["pcap"].get<std::string>();
    if (!r.error.empty()) return api::fail(api::Fault::config, r.error);
    if (auto parsed = parse_run_result(phone_result)) {
      phone.result = *parsed;
    } else {
      return api::fail(api::Fault::config, where + ".result: unknown \"" + phone_result + "\"");
    }
    const json* steps = r.field(p, "steps", where);
    if (steps == nullptr || !steps->is_array()) {
      return api::fail(api::Fault::config, where + ".steps: not an array");
    }
    for (std::size_t j = 0; j < steps->size(); ++j) {
      const json& s = (*steps)[j];
      const std::string at = where + ".steps[" + std::to_string(j) + "]";
      StepReport step;
      step.name = r.string(s, "name", at);
      step.kind = r.string(s, "kind", at);
      const std::string step_result = r.string(s, "result", at);
      step.started_ms = r.optional_integer(s, "started_ms", at);
      step.ended_ms = r.optional_integer(s, "ended_ms", at);
      step.deadline_ms = r.optional_integer(s, "deadline_ms", at);
      step.reason = r.string(s, "reason", at);
      if (s.contains("stats") && s["stats"].is_object()) {
        const json& st = s["stats"];
        StepStats stats;
        stats.p50_ms = r.integer(st, "p50_ms", at + ".stats");
        stats.p95_ms = r.integer(st, "p95_ms", at + ".stats");
        stats.max_ms = r.integer(st, "max_ms", at + ".stats");
        stats.count = static_cast<std::size_t>(r.integer(st, "count", at + ".stats"));
        step.stats = stats;
      }
      if (!r.error.empty()) return api::fail(api::Fault::config, r.error);
      if (auto parsed = parse_step_result(step_result)) {
        step.result = *parsed;
      } else {
        return api::fail(api::Fault::config, at + ".result: unknown \"" + step_result + "\"");
      }
      if (s.contains("evidence") && s["evidence"].is_array()) {
        for (const auto& e : s["evidence"]) {
          auto event = event_from_json(e);
          if (!event) {
            return api::fail(api::Fault::config, at + ".evidence: " + event.error().message);
          }
          step.evidence.push_back(std::move(event).value());
        }
      }
      phone.steps.push_back(std::move(step));
    }
    report.phones.push_back(std::move(phone));
  }
  return report;
}

}  // namespace phonerig::report
