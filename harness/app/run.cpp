#include "harness/app/run.hpp"

#include <signal.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cctype>
#include <chrono>
#include <ctime>
#include <fmt/core.h>
#include <map>
#include <set>
#include <thread>

#include "drivers/api/event_sink.hpp"
#include "drivers/capture/live_capture.hpp"
#include "drivers/power/snmp_poe_switch.hpp"
#include "drivers/wire/packet.hpp"
#include "harness/app/commands.hpp"
#include "harness/app/exit_codes.hpp"
#include "harness/app/lab_session.hpp"
#include "harness/app/power.hpp"
#include "harness/app/service_set.hpp"
#include "harness/engine/decoder.hpp"
#include "harness/engine/evaluator.hpp"
#include "harness/report/event_json.hpp"
#include "harness/report/live_table.hpp"
#include "harness/report/phone_pcap.hpp"
#include "harness/report/report_files.hpp"
#include "harness/report/run_report.hpp"
#include "harness/scenario/lab_file.hpp"
#include "harness/scenario/scenario.hpp"

namespace phonerig::app {

namespace {

namespace asio = boost::asio;
using Strand = asio::strand<asio::io_context::executor_type>;

std::int64_t ns_to_ms(std::int64_t ns) { return ns / 1'000'000; }

std::string utc_stamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
  return text;
}

// "a,b,c" -> a selector naming a, b and c; "all" -> every phone.
engine::PhoneSelector parse_selector(const std::string& text) {
  engine::PhoneSelector selector;
  if (text == "all" || text.empty()) return selector;
  selector.all = false;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const auto part = text.substr(start, comma == std::string::npos ? std::string::npos
                                                                     : comma - start);
    if (!part.empty()) selector.names.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return selector;
}

report::StepResult to_report(engine::Verdict verdict) {
  switch (verdict) {
    case engine::Verdict::passed: return report::StepResult::passed;
    case engine::Verdict::failed: return report::StepResult::failed;
    case engine::Verdict::missing: return report::StepResult::missing;
    case engine::Verdict::skipped: return report::StepResult::skipped;
    case engine::Verdict::not_reached: return report::StepResult::not_reached;
    case engine::Verdict::pending: return report::StepResult::missing;
  }
  return report::StepResult::missing;
}

report::CellState to_cell(engine::Verdict verdict, bool reached) {
  switch (verdict) {
    case engine::Verdict::passed: return report::CellState::passed;
    case engine::Verdict::failed: return report::CellState::failed;
    case engine::Verdict::missing: return report::CellState::missing;
    case engine::Verdict::skipped: return report::CellState::skipped;
    case engine::Verdict::not_reached: return report::CellState::not_reached;
    case engine::Verdict::pending:
      return reached ? report::CellState::running : report::CellState::pending;
  }
  return report::CellState::pending;
}

// Each phone's cycle to report: the first that failed, else the last.
const std::vector<engine::StepOutcome>* reported_cycle(const engine::PhoneResult& phone) {
  if (phone.cycles.empty()) return nullptr;
  for (const auto& cycle : phone.cycles) {
    for (const auto& step : cycle) {
      if (step.verdict == engine::Verdict::failed || step.verdict == engine::Verdict::missing) {
        return &cycle;
      }
    }
  }
  return &phone.cycles.back();
}

std::optional<std::int64_t> since(std::optional<std::int64_t> at,
                                  std::optional<std::int64_t> power_on) {
  if (!at || !power_on) return std::nullopt;
  return ns_to_ms(*at - *power_on);
}

// "Gi1/0/5" and "GigabitEthernet1/0/5" are one port: the key is what follows the letters.
std::string port_key(const std::string& name) {
  std::size_t at = 0;
  while (at < name.size() && std::isalpha(static_cast<unsigned char>(name[at]))) ++at;
  return name.substr(at);
}

// The power driver knows ports; the engine wants the phone on each power event.
class PortToPhoneSink final : public api::EventSink {
 public:
  PortToPhoneSink(api::EventSink& next, const std::map<std::string, wire::Mac>& phones)
      : next_(next) {
    for (const auto& [port, mac] : phones) phones_[port_key(port)] = mac;
  }
  void emit(api::Event event) override {
    if (!event.phone) {
      const auto port = event.attrs.find("port");
      if (port != event.attrs.end()) {
        if (const auto* name = std::get_if<std::string>(&port->second)) {
          const auto it = phones_.find(port_key(*name));
          if (it != phones_.end()) event.phone = it->second;
        }
      }
    }
    next_.emit(std::move(event));
  }

 private:
  api::EventSink& next_;
  std::map<std::string, wire::Mac> phones_;
};

// One scenario's run: everything lives on one strand (the evaluator is not thread-safe);
// services and the capture thread post to it.
class ScenarioRun final : public engine::Actions, public api::EventSink {
 public:
  ScenarioRun(asio::io_context& io, const scenario::Lab& lab, const scenario::Scenario& scen,
              LabSession& session, const RunOptions& options, api::EventSink* record)
      : io_(io), strand_(asio::make_strand(io)), timer_(strand_), tick_(strand_), lab_(lab),
        scenario_(scen), session_(session), options_(options), record_(record) {}

  api::EventSink& sink() { return *this; }

  // api::EventSink: services and the switch, from their own strands or threads.
  void emit(api::Event event) override {
    asio::post(strand_, [this, event = std::move(event)]() mutable { take(std::move(event)); });
  }

  // engine::Actions
  api::Result<bool> power(const engine::PhoneFacts& phone, engine::PowerAction action) override {
    if (!poe_) return api::fail(api::Fault::rig, "no switch to power " + phone.id);
    if (!phone.port) return api::fail(api::Fault::config, phone.id + " has no switch port");
    const wire::Mac mac = phone.mac;
    auto failed = [this, mac](const api::Error& error) {
      evaluator_->power_failed(mac, error.message);
      advance();
    };
    std::vector<std::string> ports{*phone.port};
    if (action == engine::PowerAction::cycle) {
      poe_->cycle(ports, [failed](api::Result<api::CycleResult> result) {
        if (!result) failed(result.error());
      });
    } else {
      poe_->set_power(ports, action == engine::PowerAction::on,
                      [failed](api::Result<std::vector<api::PortStatus>> result) {
                        if (!result) failed(result.error());
                      });
    }
    return true;
  }
  api::Result<bool> service(const engine::ServiceAction& action) override {
    if (action.op == engine::ServiceOp::stop || action.op == engine::ServiceOp::start) {
      if (!services_) return api::fail(api::Fault::config, "the lab's services are external");
      for (const auto& name : action.services) {
        auto done = action.op == engine::ServiceOp::stop ? services_->stop(name)
                                                          : services_->start(name);
        if (!done) return done;
      }
      return true;
    }
    if (!action.address) return api::fail(api::Fault::config, "no address to drop or restore");
    return session_.set_address(*action.address, action.op == engine::ServiceOp::restore_address);
  }
  api::Result<bool> set_faults(const api::FaultScope& scope, const api::Faults& faults) override {
    PHONERIG_TRY(api::FaultInjector* injector, injector_or_error());
    // What the scope had before the run first changed it, put back at the end.
    const std::string key = scope.to_string();
    if (!faults_before_.count(key)) {
      if (auto before = injector->faults(scope)) faults_before_.emplace(key, std::pair{scope, *before});
    }
    return injector->set_faults(scope, faults);
  }
  // Whatever the engine reached (a failed phone never gets to the scenario's `clear`): each
  // scope the run impaired gets back the faults it had before, so a lab that was up before
  // the run is left as it was found.
  void restore_faults() {
    if (faults_before_.empty()) return;
    auto injector = session_.faults();
    for (const auto& [key, saved] : faults_before_) {
      if (!injector || *injector == nullptr) break;
      auto now = (*injector)->faults(saved.first);
      if (now && *now == saved.second) continue;
      auto restored = (*injector)->set_faults(saved.first, saved.second);
      if (!restored) {
        fmt::print(stderr, "phonerig run: cannot restore the faults of {}: {}\n", key,
                   restored.error().message);
      }
    }
    faults_before_.clear();
  }
  api::Result<bool> flap_link(const std::string& port, const api::LinkFlap& flap) override {
    PHONERIG_TRY(api::FaultInjector* injector, injector_or_error());
    return injector->flap_link(port, flap);
  }
  api::Result<api::FaultInjector*> injector_or_error() {
    PHONERIG_TRY(api::FaultInjector* injector, session_.faults());
    if (!injector) return api::fail(api::Fault::rig, "this lab has no fault injector");
    return injector;
  }

  // Runs to the end; returns the exit code and fills the report.
  int execute(std::vector<engine::PhonePlan> plans, int repeat, report::RunReport& out) {
    started_ns_ = api::realtime_ns();
    out.started_unix_ms = ns_to_ms(started_ns_);
    plans_ = plans;
    for (const auto& plan : plans_) {
      decoder_options_.phones.push_back(plan.phone.mac);
      if (plan.phone.port) ports_[*plan.phone.port] = plan.phone.mac;
      phone_ids_[plan.phone.mac] = plan.phone.id;
    }
    decoder_options_.learn_phones = true;
    decoder_ = std::make_unique<engine::Decoder>(decoder_options_);
    engine::EvaluatorOptions evaluator_options;
    evaluator_ = std::make_unique<engine::Evaluator>(std::move(plans), repeat, *this,
                                                     evaluator_options);
    if (options_.verbose) printing_ = true;

    // Live table: phones by the first phone's planned steps.
    std::vector<std::string> rows, columns;
    for (const auto& plan : plans_) rows.push_back(plan.phone.id);
    if (!plans_.empty()) {
      for (const auto& step : plans_.front().steps) columns.push_back(step.name);
    }
    table_ = std::make_unique<report::LiveTable>(scenario_.name, rows, columns, isatty(1) != 0);

    int code = kExitOk;
    asio::post(strand_, [this, &code] {
      if (auto started = begin(); !started) {
        rig_error_ = started.error().message;
        code = started.error().fault == api::Fault::config ? kExitUsage : kExitRig;
        finish();
      }
    });
    asio::signal_set signals(io_, SIGINT, SIGTERM);
    signals.async_wait([this](const boost::system::error_code& error, int) {
      if (error) return;
      asio::post(strand_, [this] {
        interrupted_ = true;
        if (evaluator_) evaluator_->stop(api::realtime_ns(), "interrupted");
        finish();
      });
    });
    std::thread helper([this] { io_.run(); });
    io_.run();
    helper.join();
    signals.cancel();

    out.duration_ms = ns_to_ms(api::realtime_ns() - started_ns_);
    if (code != kExitOk) {
      out.result = report::RunResult::rig_error;
      out.rig_error = rig_error_;
      out.exit_code = code;
      return code;
    }
    fill(out);
    return out.exit_code;
  }

  std::vector<report::PhoneCapture> take_pcaps() {
    std::vector<report::PhoneCapture> captures;
    for (auto& [mac, records] : frames_) {
      report::PhoneCapture capture;
      capture.phone = phone_ids_.count(mac) ? phone_ids_[mac] : mac.to_cisco();
      capture.link_type = link_type_;
      capture.records = std::move(records);
      captures.push_back(std::move(capture));
    }
    return captures;
  }

 private:
  api::Result<bool> begin() {
    // Services first (a phone asks as soon as it boots), then the capture, then power.
    if (session_.serves()) {
      auto started = ServiceSet::start(io_.get_executor(), lab_, session_.state_dir(), *this);
      if (!started) return wire::unexpected(started.error());
      services_ = std::move(*started);
    }
    if (session_.has_switch()) {
      auto config = session_.switch_config();
      if (!config) return wire::unexpected(config.error());
      port_sink_ = std::make_unique<PortToPhoneSink>(*this, ports_);
      auto opened = power::SnmpPoeSwitch::open(strand_, *config, *port_sink_);
      if (!opened) return wire::unexpected(opened.error());
      poe_ = std::move(*opened);
    }
    const auto interfaces = session_.capture_devices();
    if (interfaces.empty()) return api::fail(api::Fault::config, "the lab has no capture interface");
    for (const auto& device : interfaces) {
      capture::LiveCaptureOptions capture_options;
      capture_options.interface = device;
      auto opened = capture::LiveCapture::open(strand_, capture_options);
      if (!opened) return wire::unexpected(opened.error());
      link_type_ = (*opened)->link_type();
      captures_.push_back(std::move(*opened));
    }
    for (auto& source : captures_) {
      api::FrameHandlers handlers;
      handlers.on_ready = [this] {
        if (++ready_ == captures_.size()) {
          evaluator_->start(api::realtime_ns());
          advance();
          schedule_tick();
        }
      };
      handlers.on_frames = [this](const api::FrameBatch& batch) { frames(batch); };
      handlers.on_end = [this](const api::Result<bool>& ended) {
        if (!ended && !finished_) {
          rig_error_ = "capture ended: " + ended.error().message;
          evaluator_->stop(api::realtime_ns(), rig_error_);
          finish();
        }
      };
      source->start(std::move(handlers));
    }
    return true;
  }

  void frames(const api::FrameBatch& batch) {
    std::vector<api::Event> events;
    for (const api::Frame frame : batch) {
      events.clear();
      decoder_->decode(link_type_, frame, events);
      std::set<wire::Mac> owners;
      for (const auto& event : events) {
        if (event.phone) owners.insert(*event.phone);
      }
      attribute(frame, owners);
      for (auto& event : events) take(std::move(event), false);
    }
    advance();
  }

  // Which phones a frame belongs to, for the per-phone pcaps: the phones its events name,
  // its MACs, then its addresses.
  void attribute(const api::Frame& frame, std::set<wire::Mac>& owners) {
    if (frame.bytes.size() >= 12) {
      const wire::Mac dst = wire::Mac::from_bytes(frame.bytes.subspan(0, 6));
      const wire::Mac src = wire::Mac::from_bytes(frame.bytes.subspan(6, 6));
      if (decoder_->is_phone(src)) owners.insert(src);
      if (decoder_->is_phone(dst)) owners.insert(dst);
    }
    if (owners.empty()) {
      auto packet = wire::decode_packet(link_type_, frame.bytes);
      if (packet && packet->ipv4) {
        if (auto mac = decoder_->phone_at(packet->ipv4->header.src)) owners.insert(*mac);
        if (auto mac = decoder_->phone_at(packet->ipv4->header.dst)) owners.insert(*mac);
      }
    }
    for (const auto& mac : owners) {
      if (!phone_ids_.count(mac)) continue;
      report::PcapRecord record;
      record.time_ns = frame.time_ns;
      record.wire_length = frame.wire_length;
      record.bytes.assign(frame.bytes.begin(), frame.bytes.end());
      frames_[mac].push_back(std::move(record));
    }
  }

  void take(api::Event event, bool then_advance = true) {
    if (finished_) return;
    if (printing_) fmt::print("{}\n", api::to_string(event));
    if (record_) record_->emit(event);
    evaluator_->on_event(event);
    if (then_advance) advance();
  }

  void advance() {
    if (finished_ || ready_ < captures_.size()) return;
    evaluator_->advance(api::realtime_ns());
    if (evaluator_->done()) {
      // One last read of the switch's neighbour tables before the end, so that what the
      // switch learned at the end of a short run is in the record too (3 s at most).
      if (poe_ && !final_neighbours_) {
        final_neighbours_ = true;
        read_neighbours(true);
        timer_.expires_after(std::chrono::seconds(3));
        timer_.async_wait([this](const boost::system::error_code& error) {
          if (!error) finish();
        });
      } else if (!poe_) {
        finish();
      }
      return;
    }
    if (const auto next = evaluator_->next_deadline()) {
      const auto wait = std::chrono::nanoseconds(std::max<std::int64_t>(0, *next - api::realtime_ns()));
      timer_.expires_after(wait + std::chrono::milliseconds(1));
      timer_.async_wait([this](const boost::system::error_code& error) {
        if (!error) advance();
      });
    }
  }

  void schedule_tick() {
    tick_.expires_after(std::chrono::milliseconds(250));
    tick_.async_wait([this](const boost::system::error_code& error) {
      if (error || finished_) return;
      refresh_table();
      read_neighbours();
      advance();
      schedule_tick();
    });
  }

  // The switch's CDP and LLDP tables for the phones' ports, every 5 s while the run goes
  // on: each new or changed entry once, as a switch.neighbour event of its port's phone
  // (the switch's view, next to the capture's). A failed read is left to the power steps,
  // which report a switch that does not answer.
  // `last`: the read at the end (advance()), which then ends the run.
  void read_neighbours(bool last = false) {
    const std::int64_t now = api::realtime_ns();
    if (!last && (neighbours_in_flight_ || now < next_neighbours_ns_ || final_neighbours_)) return;
    if (!poe_ || !port_sink_ || ports_.empty()) {
      if (last) finish();
      return;
    }
    next_neighbours_ns_ = now + 5'000'000'000;
    neighbours_in_flight_ = true;
    std::vector<std::string> ports;
    for (const auto& [port, mac] : ports_) ports.push_back(port);
    poe_->neighbours(ports, [this, last](api::Result<std::vector<api::Neighbour>> result) {
      neighbours_in_flight_ = false;
      if (result && !finished_) emit_neighbours(*result);
      // Posted after the events emit_neighbours() posted: they are taken, then the run ends.
      if (last) asio::post(strand_, [this] { finish(); });
    });
  }

  void emit_neighbours(const std::vector<api::Neighbour>& neighbours) {
    for (const auto& n : neighbours) {
      const std::string key = n.port + '\n' + n.protocol + '\n' + n.device_id + '\n' +
                              n.port_id + '\n' + n.platform + '\n' + n.software_version +
                              '\n' + n.system_name + '\n' + n.system_description;
      if (!neighbours_seen_.insert(key).second) continue;
      api::Event e = api::make_event(api::EventSource::switch_port, "switch.neighbour");
      e.attrs["port"] = n.port;
      e.attrs["protocol"] = n.protocol;
      const std::pair<const char*, const std::string*> optional[] = {
          {"device_id", &n.device_id},     {"port_id", &n.port_id},
          {"platform", &n.platform},       {"software_version", &n.software_version},
          {"system_name", &n.system_name}, {"system_description", &n.system_description}};
      for (const auto& [name, value] : optional) {
        if (!value->empty()) e.attrs[name] = *value;
      }
      port_sink_->emit(std::move(e));
    }
  }

  void refresh_table() {
    const std::int64_t now = api::realtime_ns();
    const auto results = evaluator_->results();
    for (std::size_t p = 0; p < results.size() && p < plans_.size(); ++p) {
      const auto& cycles = results[p].cycles;
      if (cycles.empty()) continue;
      const auto& steps = cycles.back();
      bool reached = true;
      for (std::size_t s = 0; s < steps.size() && s < table_->model().steps.size(); ++s) {
        const auto& step = steps[s];
        const auto state = to_cell(step.verdict, reached && step.reference_ns.has_value());
        if (step.verdict == engine::Verdict::pending) reached = false;
        const std::int64_t phone_elapsed =
            step.power_on_ns ? ns_to_ms(now - *step.power_on_ns) : -1;
        const auto text = table_->update(p, s, state, phone_elapsed, ns_to_ms(now - started_ns_));
        if (!text.empty()) {
          fmt::print("{}", text);
          std::fflush(stdout);
        }
      }
    }
    const auto text = table_->tick(ns_to_ms(now - started_ns_));
    if (!text.empty()) {
      fmt::print("{}", text);
      std::fflush(stdout);
    }
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    tick_.cancel();
    if (evaluator_ && ready_ >= captures_.size() && !captures_.empty()) refresh_table();
    for (auto& source : captures_) {
      source->stop();
      dropped_ += source->stats().dropped();
    }
    if (poe_) poe_->close();
    restore_faults();
    if (services_) services_->stop_all();
    if (table_) {
      fmt::print("{}", table_->finish(ns_to_ms(api::realtime_ns() - started_ns_)));
      std::fflush(stdout);
    }
    // Let the stops posted to the services' strands run, then end.
    asio::post(io_, [this] { io_.stop(); });
  }

  void fill(report::RunReport& out) {
    out.capture_dropped = dropped_;
    const auto results = evaluator_->results();
    const auto statistics = evaluator_->statistics();
    bool failed = false;
    for (std::size_t p = 0; p < results.size(); ++p) {
      const auto& result = results[p];
      report::PhoneReport phone;
      phone.id = result.phone.id;
      phone.mac = result.phone.mac;
      phone.model = result.phone.model;
      phone.port = result.phone.port.value_or("");
      phone.result = result.passed() ? report::RunResult::passed : report::RunResult::failed;
      if (!result.passed()) failed = true;
      if (const auto* cycle = reported_cycle(result)) {
        for (const auto& step : *cycle) {
          report::StepReport line;
          line.name = step.name;
          line.kind = "step";
          line.result = to_report(step.verdict);
          line.started_ms = since(step.reference_ns, step.power_on_ns);
          line.ended_ms = since(step.at_ns, step.power_on_ns);
          line.deadline_ms = since(step.deadline_ns, step.power_on_ns);
          line.reason = step.reason;
          line.evidence = step.evidence;
          if (step.rig) phone.result = report::RunResult::rig_error;
          if (results[p].cycles.size() > 1 && p < statistics.size()) {
            for (const auto& stat : statistics[p]) {
              if (stat.index != step.index || !stat.since_power_on_p50_ns) continue;
              report::StepStats stats;
              stats.p50_ms = ns_to_ms(*stat.since_power_on_p50_ns);
              stats.p95_ms = ns_to_ms(stat.since_power_on_p95_ns.value_or(0));
              stats.max_ms = ns_to_ms(stat.since_power_on_max_ns.value_or(0));
              stats.count = static_cast<std::size_t>(stat.passed);
              line.stats = stats;
            }
          }
          phone.steps.push_back(std::move(line));
        }
      }
      out.phones.push_back(std::move(phone));
    }
    if (evaluator_->rig_failed() || dropped_ > 0) {
      out.result = report::RunResult::rig_error;
      out.exit_code = kExitRig;
      if (dropped_ > 0) out.rig_error = fmt::format("the capture dropped {} frames", dropped_);
      else out.rig_error = "an action of the rig failed (power, service or fault)";
    } else if (failed || interrupted_) {
      out.result = report::RunResult::failed;
      out.exit_code = kExitAssertion;
    } else {
      out.result = report::RunResult::passed;
      out.exit_code = kExitOk;
    }
  }

  asio::io_context& io_;
  Strand strand_;
  asio::steady_timer timer_;
  asio::steady_timer tick_;
  bool neighbours_in_flight_ = false;
  std::int64_t next_neighbours_ns_ = 0;
  std::set<std::string> neighbours_seen_;  // switch.neighbour entries already emitted
  bool final_neighbours_ = false;          // the last read has started: the run is ending
  const scenario::Lab& lab_;
  const scenario::Scenario& scenario_;
  LabSession& session_;
  const RunOptions& options_;
  std::map<std::string, std::pair<api::FaultScope, api::Faults>> faults_before_;  // by scope
  api::EventSink* record_;  // events.jsonl: every event of the run, as it was taken

  std::vector<engine::PhonePlan> plans_;
  engine::DecoderOptions decoder_options_;
  std::unique_ptr<engine::Decoder> decoder_;
  std::unique_ptr<engine::Evaluator> evaluator_;
  std::unique_ptr<ServiceSet> services_;
  std::unique_ptr<PortToPhoneSink> port_sink_;
  std::unique_ptr<power::SnmpPoeSwitch> poe_;
  std::vector<std::unique_ptr<capture::LiveCapture>> captures_;
  std::unique_ptr<report::LiveTable> table_;
  std::map<std::string, wire::Mac> ports_;
  std::map<wire::Mac, std::string> phone_ids_;
  std::map<wire::Mac, std::vector<report::PcapRecord>> frames_;
  wire::LinkType link_type_ = wire::LinkType::ethernet;
  std::size_t ready_ = 0;
  std::uint64_t dropped_ = 0;
  std::int64_t started_ns_ = 0;
  bool finished_ = false;
  bool interrupted_ = false;
  bool printing_ = false;
  std::string rig_error_;
};

int worse(int a, int b) {
  auto rank = [](int code) { return code == kExitRig ? 3 : code == kExitUsage ? 2 : code; };
  return rank(a) >= rank(b) ? a : b;
}

void print_summary(const report::RunReport& report, const report::ReportPaths* paths,
                   const std::filesystem::path& folder) {
  fmt::print("\n{}: {}\n", report.scenario_name, report::to_string(report.result));
  fmt::print("  {:<16} {:<8} {:<8} {:>6} {:>6} {:>8}  {}\n", "phone", "model", "result",
             "passed", "failed", "missing", "first failure");
  for (const auto& phone : report.phones) {
    const auto counts = report::count_steps(phone);
    std::string first;
    if (const auto* step = report::first_failure(phone)) first = step->name + ": " + step->reason;
    fmt::print("  {:<16} {:<8} {:<8} {:>6} {:>6} {:>8}  {}\n", phone.id, phone.model,
               report::to_string(phone.result), counts.passed, counts.failed, counts.missing,
               first);
  }
  if (!report.rig_error.empty()) fmt::print("  rig: {}\n", report.rig_error);
  if (paths) {
    fmt::print("  reports: {}\n           {}\n           {}\n           {}\n           {}\n",
               paths->junit.string(), paths->json.string(), paths->html.string(),
               (folder / "pcap").string(), (folder / "events.jsonl").string());
  }
  std::fflush(stdout);
}

}  // namespace

int run(const RunOptions& options) {
  // Everything is read and checked before anything is powered: a YAML error is exit 2.
  std::vector<scenario::Scenario> scenarios;
  bool bad = false;
  for (const auto& file : options.scenarios) {
    auto loaded = scenario::load_scenario_file(file);
    if (!loaded) {
      fmt::print(stderr, "{}", scenario::to_string(loaded.error()));
      bad = true;
      continue;
    }
    scenarios.push_back(std::move(*loaded));
  }
  if (bad) return kExitUsage;

  const std::filesystem::path base =
      options.out.value_or(std::filesystem::path("runs") / utc_stamp());
  int code = kExitOk;
  for (auto& scen : scenarios) {
    if (options.repeat) scen.repeat = *options.repeat;
    if (options.phones) scen.phones = parse_selector(*options.phones);
    std::optional<std::string> lab_file = options.lab_file;
    if (!lab_file && scen.lab) lab_file = scen.lab->string();
    auto lab = load_lab_or_report(lab_file);
    if (!lab) return kExitUsage;
    auto plans = engine::plan(scen.steps, scen.phones, scenario::phone_facts(*lab),
                              scenario::lab_facts(*lab));
    if (!plans) {
      fmt::print(stderr, "{}: {}\n", scen.file, plans.error().message);
      return kExitUsage;
    }
    const std::filesystem::path folder =
        scenarios.size() == 1 ? base : base / std::filesystem::path(scen.file).stem();

    report::RunReport report;
    report.scenario_name = scen.name;
    report.scenario_file = scen.file;
    report.lab = lab->file;
    report.repeat = static_cast<unsigned>(scen.repeat);

    fmt::print("phonerig run: {} on {} ({} phones, repeat {})\n", scen.name, lab->file,
               plans->size(), scen.repeat);
    std::fflush(stdout);
    // The folder first: events.jsonl records every event (capture, services, switch) as
    // the engine took it, the record `phonerig analyze` can be checked against.
    auto made = report::make_report_folder(folder);
    if (!made) {
      fmt::print(stderr, "phonerig run: {}\n", made.error().message);
      return kExitRig;
    }
    auto record = report::JsonLinesSink::open(folder / "events.jsonl");
    if (!record) {
      fmt::print(stderr, "phonerig run: {}\n", record.error().message);
      return kExitRig;
    }
    auto session = LabSession::open(*lab, options.instance);
    int scenario_code = kExitOk;
    std::vector<report::PhoneCapture> pcaps;
    if (!session) {
      report.result = report::RunResult::rig_error;
      report.rig_error = session.error().message;
      scenario_code = session.error().fault == api::Fault::config ? kExitUsage : kExitRig;
      report.exit_code = scenario_code;
      fmt::print(stderr, "phonerig run: {}\n", session.error().message);
    } else {
      boost::asio::io_context io;
      ScenarioRun runner(io, *lab, scen, **session, options, record->get());
      scenario_code = runner.execute(std::move(*plans), scen.repeat, report);
      pcaps = runner.take_pcaps();
      (*session)->close();
    }
    record->reset();
    // The pcaps first, so each phone's report names its own.
    report::PcapWriteOptions pcap_options;
    pcap_options.redact = options.redact;
    auto dumped = report::write_phone_pcaps(folder, std::move(pcaps), pcap_options);
    if (!dumped) {
      fmt::print(stderr, "phonerig run: {}\n", dumped.error().message);
    } else {
      for (const auto& pcap : *dumped) {
        for (auto& phone : report.phones) {
          if (phone.id == pcap.phone) phone.pcap = "pcap/" + pcap.path.filename().string();
        }
      }
    }
    std::optional<report::ReportPaths> paths;
    auto written = report::write_reports(folder, report);
    if (written) paths = *written;
    else fmt::print(stderr, "phonerig run: {}\n", written.error().message);
    print_summary(report, paths ? &*paths : nullptr, folder);
    code = worse(code, scenario_code);
  }
  return code;
}

}  // namespace phonerig::app
