#include "harness/report/event_json.hpp"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <variant>

namespace phonerig::report {

std::string iso8601_utc(std::int64_t time_ns) {
  const time_t seconds = static_cast<time_t>(time_ns / 1'000'000'000);
  const long nanos = static_cast<long>(time_ns % 1'000'000'000);
  tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + n, sizeof text - n, ".%09ldZ", nanos);
  return text;
}

nlohmann::json to_json(const api::Event& event) {
  nlohmann::json attrs = nlohmann::json::object();
  for (const auto& [name, value] : event.attrs) {
    std::visit(
        [&, &name = name](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::string> || std::is_same_v<V, std::int64_t>) {
            attrs[name] = v;
          } else if constexpr (std::is_same_v<V, api::AttrList>) {
            attrs[name] = nlohmann::json(v);
          } else {
            attrs[name] = v.to_string();
          }
        },
        value);
  }
  nlohmann::json out = {{"time", iso8601_utc(event.time_ns)},
                        {"time_ns", event.time_ns},
                        {"source", std::string(api::to_string(event.source))},
                        {"kind", event.kind},
                        {"attrs", std::move(attrs)}};
  out["phone"] = event.phone ? nlohmann::json(event.phone->to_string()) : nlohmann::json();
  return out;
}

std::string to_json_line(const api::Event& event) {
  // Invalid UTF-8 from the wire (a device name, a User-Agent) is replaced, never fatal.
  return to_json(event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

api::Result<std::unique_ptr<JsonLinesSink>> JsonLinesSink::open(
    const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return api::fail(api::Fault::config,
                     "cannot open events file " + path.string() + ": " + std::strerror(errno));
  }
  std::FILE* file = fdopen(fd, "a");
  if (file == nullptr) {
    ::close(fd);
    return api::fail(api::Fault::internal, "fdopen " + path.string() + ": " + std::strerror(errno));
  }
  return std::unique_ptr<JsonLinesSink>(new JsonLinesSink(file));
}

JsonLinesSink::~JsonLinesSink() { std::fclose(file_); }

void JsonLinesSink::emit(api::Event event) {
  const std::string line = to_json_line(event);
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fputc('\n', file_);
  std::fflush(file_);
  ++written_;
}

std::size_t JsonLinesSink::written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

void FanOutSink::emit(api::Event event) {
  for (std::size_t i = 0; i + 1 < sinks_.size(); ++i) sinks_[i]->emit(event);
  if (!sinks_.empty()) sinks_.back()->emit(std::move(event));
}

}  // namespace phonerig::report
