#include "drivers/api/event_sink.hpp"

#include <time.h>

#include <algorithm>
#include <string>

namespace phonerig::api {

std::int64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

Event make_event(EventSource source, std::string_view kind) {
  Event event;
  event.time_ns = realtime_ns();
  event.source = source;
  event.kind = std::string(kind);
  return event;
}

Event listening_event(std::string_view service, std::string_view transport,
                      std::optional<wire::Ipv4> address, std::optional<std::uint16_t> port,
                      std::string_view interface) {
  Event e = make_event(EventSource::service, "service.listening");
  e.attrs["service"] = std::string(service);
  e.attrs["transport"] = std::string(transport);
  if (address) e.attrs["address"] = *address;
  if (port) e.attrs["port"] = static_cast<std::int64_t>(*port);
  if (!interface.empty()) e.attrs["interface"] = std::string(interface);
  return e;
}

void CollectingSink::emit(Event event) {
  std::lock_guard lock(mutex_);
  events_.push_back(std::move(event));
}

std::vector<Event> CollectingSink::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

std::size_t CollectingSink::count(std::string_view kind) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(
      events_.begin(), events_.end(), [&](const Event& e) { return e.kind == kind; }));
}

void CollectingSink::clear() {
  std::lock_guard lock(mutex_);
  events_.clear();
}

}  // namespace phonerig::api
