// Events as JSON: one object per event, one line per object (JSON Lines), the format of
// `phonerig serve --events FILE` and of the timeline in report.json.
//
//   {"time":"2026-11-25T20:01:02.123456789Z","time_ns":1795...,"source":"service",
//    "phone":"00:1e:4a:00:00:01","kind":"dhcp.offer","attrs":{"yiaddr":"198.18.0.101",...}}
//
// Integers stay numbers, lists stay arrays, addresses and MACs are strings.
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "drivers/api/event_sink.hpp"

namespace phonerig::report {

nlohmann::json to_json(const api::Event& event);
std::string to_json_line(const api::Event& event);  // no trailing newline

// "2026-11-25T20:01:02.123456789Z"
std::string iso8601_utc(std::int64_t time_ns);

// Appends each event as one line to a file (created 0600: events may name users), flushed
// per line so that a crash loses nothing already emitted. Thread-safe.
class JsonLinesSink final : public api::EventSink {
 public:
  static api::Result<std::unique_ptr<JsonLinesSink>> open(const std::filesystem::path& path);
  ~JsonLinesSink() override;
  void emit(api::Event event) override;
  std::size_t written() const;

 private:
  explicit JsonLinesSink(std::FILE* file) : file_(file) {}
  mutable std::mutex mutex_;
  std::FILE* file_;
  std::size_t written_ = 0;
};

// Sends every event to each of several sinks, in order.
class FanOutSink final : public api::EventSink {
 public:
  void add(api::EventSink& sink) { sinks_.push_back(&sink); }
  void emit(api::Event event) override;

 private:
  std::vector<api::EventSink*> sinks_;
};

}  // namespace phonerig::report
