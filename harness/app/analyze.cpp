#include "harness/app/analyze.hpp"

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "drivers/api/event.hpp"
#include "drivers/capture/offline_capture.hpp"
#include "harness/app/exit_codes.hpp"
#include "harness/engine/decoder.hpp"
#include "harness/engine/timeline.hpp"
#include "harness/report/event_json.hpp"

namespace phonerig::app {

namespace {

using engine::PhoneTimeline;
using engine::Step;
using engine::StepResult;
using engine::StepStatus;

struct Pass {
  wire::LinkType link_type = wire::LinkType::ethernet;
  std::vector<api::Event> events;
  std::optional<std::string> damage;  // the file ended in an error after these frames
};

// Reads the whole file through the capture driver into `decoder`.
api::Result<Pass> read_capture(const std::string& path, engine::Decoder& decoder) {
  boost::asio::io_context io;
  capture::OfflineCaptureOptions options;
  options.path = path;
  auto source = capture::OfflineCapture::open(io.get_executor(), options);
  if (!source) return wire::unexpected(source.error());
  Pass pass;
  pass.link_type = (*source)->link_type();
  api::FrameHandlers handlers;
  handlers.on_frames = [&](const api::FrameBatch& batch) {
    for (const api::Frame& frame : batch) decoder.decode(pass.link_type, frame, pass.events);
  };
  handlers.on_end = [&](const api::Result<bool>& end) {
    if (!end) pass.damage = end.error().message;
  };
  (*source)->start(std::move(handlers));
  io.run();
  source->reset();
  return pass;
}

std::string link_name(wire::LinkType type) {
  switch (type) {
    case wire::LinkType::ethernet: return "Ethernet";
    case wire::LinkType::raw: return "raw IP";
    case wire::LinkType::linux_sll: return "Linux cooked (SLL)";
    case wire::LinkType::ipv4: return "raw IPv4";
    case wire::LinkType::linux_sll2: return "Linux cooked v2 (SLL2)";
  }
  return "link type " + std::to_string(static_cast<std::uint32_t>(type));
}

std::optional<double> since(const PhoneTimeline& t, std::optional<std::int64_t> at) {
  if (!at || !t.first_frame_ns) return std::nullopt;
  return static_cast<double>(*at - *t.first_frame_ns) / 1e6;  // ms
}

std::string seconds(double ms) { return fmt::format("{:+.3f} s", ms / 1000.0); }

// The phone's own name for itself: CDP Device ID or the SIP device name.
std::string device_name(const PhoneTimeline& t) {
  for (const auto& s : t.steps) {
    for (const auto& e : s.events) {
      if (e.phone != t.phone) continue;
      if (auto name = e.string_attr("device_id"); name && name->rfind("SEP", 0) == 0) return *name;
      if (auto name = e.string_attr("device_name")) return *name;
    }
  }
  return "SEP" + t.phone.to_cisco();
}

struct Skipped {
  const engine::DecoderStats& stats;
  std::vector<const api::Event*> malformed;
};

void print_text(const std::string& path, const Pass& pass,
                const std::map<wire::Mac, PhoneTimeline>& timelines, const Skipped& skipped) {
  const auto& st = skipped.stats;
  fmt::print("capture {}: {}, {} frames, {} events\n", path, link_name(pass.link_type), st.frames,
             st.events);
  if (pass.damage) fmt::print("warning: the file is damaged after the frames read: {}\n", *pass.damage);
  if (timelines.empty()) fmt::print("\nno phone found in this capture\n");
  for (const auto& [mac, t] : timelines) {
    fmt::print("\nphone {} ({}): first frame {}, {}\n", mac.to_string(), device_name(t),
               t.first_frame_ns ? report::iso8601_utc(*t.first_frame_ns) : "not seen",
               t.complete() ? "registration sequence complete" : "registration sequence incomplete");
    fmt::print("  {:<6} {:<19} {:<13} {:>10}  {}\n", "#", "step", "status", "time", "evidence");
    for (const StepResult& s : t.steps) {
      std::string when;
      if (auto ms = since(t, s.first_ns)) when = seconds(*ms);
      std::string what = s.evidence;
      if (!s.note.empty()) what += (what.empty() ? "" : " -- ") + s.note;
      std::string status(engine::to_string(s.status));
      if (s.out_of_order) status += ", order";
      fmt::print("  {:<6} {:<19} {:<13} {:>10}  {}\n", engine::step_number(s.step),
                 engine::step_name(s.step), status, when, what);
    }
    if (!t.files.empty()) {
      fmt::print("  files:\n");
      for (const auto& f : t.files) {
        auto ms = since(t, f.first_ns);
        fmt::print("    {:>10}  {} [{}]: {}\n", ms ? seconds(*ms) : "", f.name,
                   engine::to_string(f.role), f.outcome());
      }
    }
    if (t.problems.empty()) {
      fmt::print("  missing or out of order: nothing\n");
    } else {
      fmt::print("  missing or out of order:\n");
      for (const auto& p : t.problems) fmt::print("    - {}\n", p);
    }
  }
  fmt::print("\nskipped:\n");
  fmt::print("  {} frames of a link type the decoder does not read", st.unsupported_link);
  for (const auto& [type, count] : st.skipped_link_types) {
    fmt::print(" (LINKTYPE {}: {})", type, count);
  }
  fmt::print("\n  {} frames of no phone (switches, servers, other hosts)\n", st.not_attributed);
  fmt::print("  {} frames with nothing the engine follows (ARP, TCP acknowledgements, other "
             "ports...)\n", st.no_event);
  fmt::print("  {} frames malformed (reported as frame.malformed)\n", st.malformed);
  for (std::size_t i = 0; i < skipped.malformed.size() && i < 10; ++i) {
    const api::Event& e = *skipped.malformed[i];
    fmt::print("    {} {}: {} at offset {}\n", report::iso8601_utc(e.time_ns),
               e.string_attr("layer").value_or("?"), e.string_attr("error").value_or("?"),
               e.integer_attr("offset").value_or(0));
  }
  fmt::print("  {} frames cut by the capture's snap length inside a payload\n", st.truncated);
  fmt::print("  {} IPv4 fragments (not reassembled)\n", st.fragments);
}

nlohmann::json to_json(const std::string& path, const Pass& pass,
                       const std::map<wire::Mac, PhoneTimeline>& timelines,
                       const Skipped& skipped) {
  const auto& st = skipped.stats;
  nlohmann::json doc;
  doc["capture"] = path;
  doc["link_type"] = static_cast<std::uint32_t>(pass.link_type);
  doc["frames"] = st.frames;
  doc["events"] = st.events;
  if (pass.damage) doc["damaged"] = *pass.damage;
  auto ms_or_null = [](std::optional<double> ms) {
    return ms ? nlohmann::json(*ms) : nlohmann::json(nullptr);
  };
  nlohmann::json phones = nlohmann::json::array();
  for (const auto& [mac, t] : timelines) {
    nlohmann::json phone;
    phone["phone"] = mac.to_string();
    phone["device_name"] = device_name(t);
    phone["first_frame"] = t.first_frame_ns ? nlohmann::json(report::iso8601_utc(*t.first_frame_ns))
                                            : nlohmann::json(nullptr);
    phone["complete"] = t.complete();
    nlohmann::json steps = nlohmann::json::array();
    for (const StepResult& s : t.steps) {
      nlohmann::json step;
      step["number"] = std::string(engine::step_number(s.step));
      step["step"] = std::string(engine::step_id(s.step));
      step["name"] = std::string(engine::step_name(s.step));
      step["status"] = std::string(engine::to_string(s.status));
      step["since_first_frame_ms"] = ms_or_null(since(t, s.first_ns));
      step["duration_ms"] = (s.first_ns && s.last_ns)
                                ? nlohmann::json(static_cast<double>(*s.last_ns - *s.first_ns) / 1e6)
                                : nlohmann::json(nullptr);
      step["evidence"] = s.evidence;
      step["note"] = s.note;
      step["out_of_order"] = s.out_of_order;
      nlohmann::json events = nlohmann::json::array();
      for (const auto& e : s.events) events.push_back(report::to_json(e));
      step["events"] = events;
      steps.push_back(step);
    }
    phone["steps"] = steps;
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : t.files) {
      files.push_back({{"name", f.name},
                       {"role", std::string(engine::to_string(f.role))},
                       {"ok", f.ok},
                       {"outcome", f.outcome()},
                       {"since_first_frame_ms", ms_or_null(since(t, f.first_ns))}});
    }
    phone["files"] = files;
    phone["problems"] = t.problems;
    phones.push_back(phone);
  }
  doc["phones"] = phones;
  nlohmann::json link_types = nlohmann::json::object();
  for (const auto& [type, count] : st.skipped_link_types) link_types[std::to_string(type)] = count;
  nlohmann::json malformed = nlohmann::json::array();
  for (const api::Event* e : skipped.malformed) malformed.push_back(report::to_json(*e));
  doc["skipped"] = {{"unsupported_link_type", st.unsupported_link},
                    {"unsupported_link_types", link_types},
                    {"not_attributed", st.not_attributed},
                    {"no_event", st.no_event},
                    {"malformed", st.malformed},
                    {"truncated", st.truncated},
                    {"fragments", st.fragments},
                    {"malformed_frames", malformed}};
  return doc;
}

}  // namespace

int analyze(const AnalyzeOptions& options) {
  // Two passes: the first learns the phones and their addresses, so that the second
  // attributes also the frames a phone sent before it named itself (a CUCM-side capture
  // shows TCP handshakes before the REGISTER that carries the device name).
  engine::Decoder learner;
  auto first = read_capture(options.capture, learner);
  if (!first) {
    fmt::print(stderr, "phonerig analyze: {}\n", first.error().message);
    return kExitUsage;
  }
  engine::DecoderOptions decoder_options;
  decoder_options.phones.assign(learner.phones().begin(), learner.phones().end());
  decoder_options.addresses = learner.addresses();
  engine::Decoder decoder(decoder_options);
  auto pass = read_capture(options.capture, decoder);
  if (!pass) {
    fmt::print(stderr, "phonerig analyze: {}\n", pass.error().message);
    return kExitUsage;
  }

  engine::TimelineOptions timeline_options;
  timeline_options.first_frames = decoder.first_frames();
  auto timelines = engine::build_timelines(pass->events, timeline_options);
  Skipped skipped{decoder.stats(), {}};
  for (const auto& e : pass->events) {
    if (e.kind == "frame.malformed") skipped.malformed.push_back(&e);
  }
  if (options.json) {
    fmt::print("{}\n", to_json(options.capture, *pass, timelines, skipped).dump(2));
  } else {
    print_text(options.capture, *pass, timelines, skipped);
  }
  return kExitOk;
}

}  // namespace phonerig::app
