// The decoder of DESIGN.md ("Events"): captured frames become api::Events, in one place for
// `phonerig run` (live capture) and `phonerig analyze` (a pcap file).
//
// Per frame: wire::decode_packet for link/IPv4/UDP/TCP, then the protocol codecs: CDP, LLDP,
// DHCP (UDP 67/68), TFTP (UDP 69 and the transfer's new TID port, tftp_tracker.hpp), SIP
// (UDP 5060 datagrams, TCP 5060 stream framing) and HTTP (TCP 6970/80, reassembled per
// connection, tcp_streams.hpp). A frame no codec can read gives frame.malformed, and
// decoding goes on with the next frame.
//
// Attribution to phones (DESIGN.md, "Data flow" 3): a frame belongs to a phone by its
// source MAC (then its destination MAC) when that MAC is a known phone, by the DHCP chaddr,
// then by the IPv4 address the phone was given (source, then destination): a relayed lab
// or a CUCM-side capture shows only the gateway's MAC. Phones are the MACs given in the
// options plus, when learning, any MAC that sent CDP with Device ID SEP<MAC> (and the MAC
// that name spells) and the chaddr of a DHCP client that acts as a phone (asks for a TFTP
// server, option 150 or 66, or calls itself a phone in option 60: a PC on the same
// segment is not a phone). Addresses are learned from DHCP ACK yiaddr
// (and, for a capture that only shows the servers' side, from a SIP REGISTER's Cisco device
// name or a request for a SEP<MAC> file). A frame seen before its phone was learned stays
// unattributed: offline, decode twice, the second time with phones() and addresses().
//
// Every event has source = capture, time = the frame's stamp, and passes api::validate().
// Not thread-safe: one decoder per capture thread or strand.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "drivers/api/event.hpp"
#include "drivers/api/event_sink.hpp"
#include "drivers/api/frame_source.hpp"
#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"
#include "drivers/wire/link.hpp"

namespace phonerig::engine {

struct DecoderOptions {
  std::vector<wire::Mac> phones;  // the lab's phones, known from the start
  // Also phones that name themselves: CDP Device ID / LLDP system name SEP<MAC>, the chaddr
  // of a DHCP client asking for a TFTP server (150, 66) or with "phone" in its vendor class
  // (60), a SIP REGISTER's Cisco device name, a request for a SEP<MAC> file.
  bool learn_phones = true;
  // Addresses known to be a phone's from the start (a first pass over a file, a lab file).
  std::map<wire::Ipv4, wire::Mac> addresses;
};

// What the decoder saw and what it skipped, and why: `phonerig analyze` prints it.
struct DecoderStats {
  std::uint64_t frames = 0;
  std::uint64_t events = 0;
  std::uint64_t malformed = 0;         // frames that gave frame.malformed
  std::uint64_t unsupported_link = 0;  // frames of a link type the decoder does not read
  std::uint64_t truncated = 0;         // cut by the capture inside a protocol payload
  std::uint64_t attributed = 0;        // frames attributed to a phone
  std::uint64_t not_attributed = 0;    // frames of no known phone (switch, servers, PCs)
  std::uint64_t no_event = 0;          // decoded, but nothing the engine follows (ARP...)
  std::uint64_t fragments = 0;         // IPv4 fragments (not reassembled)
  std::map<std::uint32_t, std::uint64_t> skipped_link_types;  // LINKTYPE value -> frames
};

bool is_supported(wire::LinkType link_type);

class TftpTracker;
class TcpStreams;
struct FrameInfo;

class Decoder {
 public:
  explicit Decoder(DecoderOptions options = {});
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Decodes one frame; its events are appended to `out` in the order they happened.
  void decode(wire::LinkType link_type, std::int64_t time_ns, wire::Bytes bytes,
              std::uint32_t wire_length, std::vector<api::Event>& out);
  void decode(wire::LinkType link_type, const api::Frame& frame, std::vector<api::Event>& out);
  void decode(wire::LinkType link_type, const api::Frame& frame, api::EventSink& sink);

  const DecoderStats& stats() const { return stats_; }
  // Every phone known so far: given and learned.
  const std::set<wire::Mac>& phones() const { return phones_; }
  bool is_phone(const wire::Mac& mac) const { return phones_.count(mac) != 0; }
  // The phone that was given `address` (DHCP ACK), if any.
  std::optional<wire::Mac> phone_at(wire::Ipv4 address) const;
  const std::map<wire::Ipv4, wire::Mac>& addresses() const { return addresses_; }
  // When each phone first sent a frame (by source MAC): the boot step's evidence even when
  // that frame (ARP, IPv6) carries no event.
  std::map<wire::Mac, std::int64_t> first_frames() const;

 private:
  void learn_phone(const wire::Mac& mac);
  void decode_frame(wire::LinkType link_type, std::int64_t time_ns, wire::Bytes bytes,
                    std::uint32_t wire_length, std::vector<api::Event>& out);

  DecoderOptions options_;
  DecoderStats stats_;
  std::set<wire::Mac> phones_;
  std::map<wire::Ipv4, wire::Mac> addresses_;
  std::map<wire::Mac, std::int64_t> first_seen_;  // by source MAC, every MAC (bounded)
  std::unique_ptr<TftpTracker> tftp_;
  std::unique_ptr<TcpStreams> tcp_;
};

}  // namespace phonerig::engine
