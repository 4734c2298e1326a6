// Where events go: services, drivers and the capture decoder emit into an EventSink; the
// engine, `phonerig serve --events` and tests read them out. emit() may be called from
// any thread: every sink here is thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <vector>

#include "drivers/api/event.hpp"

namespace phonerig::api {

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void emit(Event event) = 0;
};

// CLOCK_REALTIME now, in nanoseconds: the time of a service, switch or link event.
std::int64_t realtime_ns();

// Builds an event stamped now with the given source and kind; attributes are added by
// the caller: `auto e = make_event(EventSource::service, "dhcp.offer"); e.attrs[..] = ..`.
Event make_event(EventSource source, std::string_view kind);

// "service.listening", stamped now, as every service says it once it is up: its name
// ("dhcp"), the transport ("udp", "tcp", "raw"), the bound address and port when it has
// them, and the interface when its configuration names one (empty: not named).
Event listening_event(std::string_view service, std::string_view transport,
                      std::optional<wire::Ipv4> address, std::optional<std::uint16_t> port,
                      std::string_view interface);

// Drops everything.
class NullSink final : public EventSink {
 public:
  void emit(Event) override {}
};

// Keeps every event, in arrival order (tests, and the engine's inbox).
class CollectingSink final : public EventSink {
 public:
  void emit(Event event) override;
  std::vector<Event> events() const;  // a copy, safe against concurrent emit()
  std::size_t count(std::string_view kind) const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::vector<Event> events_;
};

}  // namespace phonerig::api
