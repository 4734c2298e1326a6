// Internal to the decoder: TFTP transfers followed across ports (RFC 1350 section 4). The
// phone's RRQ goes to UDP 69; the server answers from a new port (its TID) to the phone's
// port, and the transfer goes on between those two ports: OACK (RFC 2347) with the block
// size granted (RFC 2348), DATA blocks, the phone's ACKs. The transfer is done when the
// phone ACKs the last block, the first one shorter than the block size; tftp.done is then
// timed at that last block's first DATA, when the phone had the file. Its ACK may come a
// server timeout or more later (a lost ACK, a repeated last DATA), after the phone went on
// to the next step: timing the event at the ACK would put the fetch after what followed it.
// The event goes out at the ACK, so it reaches its consumers late by `ack_after_ms`.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "drivers/api/event.hpp"
#include "drivers/wire/bytes.hpp"
#include "harness/engine/packet_events.hpp"

namespace phonerig::engine {

class TftpTracker {
 public:
  // Transfers followed at once; the oldest is forgotten beyond this.
  static constexpr std::size_t kMaxTransfers = 4096;

  // A UDP datagram with its source/destination in `frame`. Returns false when it is not
  // TFTP (not to port 69, not of a followed transfer); else appends tftp.rrq, tftp.error,
  // tftp.done or frame.malformed to `out` as the packet warrants.
  bool on_datagram(const FrameInfo& frame, wire::Bytes payload, std::size_t payload_offset,
                   std::vector<api::Event>& out);

  std::size_t active() const { return transfers_.size(); }

 private:
  struct Transfer {
    std::string file;
    std::int64_t started_ns = 0;
    std::uint64_t sequence = 0;      // for forgetting the oldest
    std::uint16_t server_port = 0;   // the server's TID, 0 until its first packet
    std::size_t block_size = 512;    // RFC 1350; the OACK may change it
    bool options_requested = false;  // the RRQ had options: an OACK may come
    std::uint16_t next_block = 1;
    std::uint64_t bytes = 0;
    std::uint64_t blocks = 0;
    std::uint64_t retransmits = 0;
    bool last_seen = false;  // the short block arrived
    std::uint16_t last_block = 0;
    std::int64_t last_ns = 0;  // its first DATA
  };
  // client address, client port, server address
  using Key = std::tuple<std::uint32_t, std::uint16_t, std::uint32_t>;

  void on_server_packet(const FrameInfo& frame, Transfer& transfer, wire::Bytes payload,
                        std::size_t payload_offset, const Key& key, std::vector<api::Event>& out);
  void on_client_packet(const FrameInfo& frame, Transfer& transfer, wire::Bytes payload,
                        std::size_t payload_offset, const Key& key, std::vector<api::Event>& out);

  std::map<Key, Transfer> transfers_;
  std::uint64_t sequence_ = 0;
};

}  // namespace phonerig::engine
