// Internal to the decoder: TCP connections followed from the capture (RFC 9293). Every
// connection gives tcp.syn (the phone's SYN) and tcp.established (the handshake's third
// segment). Connections to HTTP (6970, 80) and SIP (5060) are reassembled per direction:
// segments are put in sequence order, retransmitted and overlapping bytes are delivered
// once, segments ahead of a gap wait (bounded) until the gap fills. The in-order bytes go
// to the streaming wire::http parsers and to wire::sip stream framing; each whole message
// becomes an event stamped with the segment that completed it.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "drivers/api/event.hpp"
#include "drivers/wire/ip.hpp"
#include "harness/engine/packet_events.hpp"

namespace phonerig::engine {

class TcpStreams {
 public:
  static constexpr std::size_t kMaxConnections = 4096;
  static constexpr std::size_t kMaxPendingBytes = 4 * 1024 * 1024;  // per direction

  TcpStreams();
  ~TcpStreams();
  TcpStreams(const TcpStreams&) = delete;
  TcpStreams& operator=(const TcpStreams&) = delete;

  void on_segment(const FrameInfo& frame, const wire::TcpSegment& segment,
                  std::vector<api::Event>& out);

  std::size_t active() const { return connections_.size(); }

  struct Connection;
  struct Direction;

 private:
  // client address, client port, server address, server port
  using Key = std::tuple<std::uint32_t, std::uint16_t, std::uint32_t, std::uint16_t>;

  Connection* find_or_create(const FrameInfo& frame, const wire::TcpSegment& segment,
                             bool& from_client, Key& key);

  std::map<Key, std::unique_ptr<Connection>> connections_;
  std::uint64_t sequence_ = 0;
};

}  // namespace phonerig::engine
