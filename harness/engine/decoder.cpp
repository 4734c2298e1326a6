#include "harness/engine/decoder.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "drivers/wire/cdp.hpp"
#include "drivers/wire/dhcp.hpp"
#include "drivers/wire/lldp.hpp"
#include "drivers/wire/packet.hpp"
#include "drivers/wire/sip_message.hpp"
#include "harness/engine/packet_events.hpp"
#include "harness/engine/tcp_streams.hpp"
#include "harness/engine/tftp_tracker.hpp"

namespace phonerig::engine {

namespace {

constexpr std::size_t kMaxMacsRemembered = 65536;
constexpr std::uint16_t kSipPort = 5060;

// The MAC a Cisco file name spells: CTLSEP<MAC>.tlv, ITLSEP<MAC>.tlv, SEP<MAC>.cnf.xml
// (reference section 6: 12 hex digits after "SEP").
std::optional<wire::Mac> mac_in_file_name(std::string_view name) {
  for (std::size_t at = 0; at + 15 <= name.size(); ++at) {
    if (auto mac = mac_from_device_name(name.substr(at, 15))) return mac;
  }
  return std::nullopt;
}

// Which layer of wire::decode_packet refused the frame, from the error's field name.
std::string layer_of(const wire::ParseError& error) {
  const std::string& what = error.what;
  auto starts = [&](std::string_view prefix) { return what.rfind(prefix, 0) == 0; };
  if (starts("IPv4")) return "ipv4";
  if (starts("UDP")) return "udp";
  if (starts("TCP")) return "tcp";
  if (starts("802.1Q")) return "802.1q";
  if (starts("LLC") || starts("802.3")) return "llc";
  if (starts("SLL")) return "sll";
  if (starts("raw IP")) return "raw_ip";
  return "ethernet";
}

// A DHCP client that boots like a phone: it asks for a TFTP server (option 150, Cisco;
// 66, everyone) or its vendor class says it is a phone ("Cisco Systems, Inc. IP Phone
// CP-8851"). A PC's or a printer's DHCP does neither.
bool dhcp_client_is_phone_like(const wire::dhcp::Message& message) {
  if (auto list = message.options.parameter_request_list()) {
    for (std::uint8_t code : *list) {
      if (code == 150 || code == 66) return true;
    }
  }
  if (auto vendor = message.options.vendor_class(); vendor && *vendor) {
    std::string lower = **vendor;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.find("phone") != std::string::npos) return true;
  }
  return false;
}

bool is_dhcp(const wire::UdpDatagram& udp) {
  auto port = [](std::uint16_t p) {
    return p == wire::dhcp::kServerPort || p == wire::dhcp::kClientPort;
  };
  return port(udp.src_port) && port(udp.dst_port);
}

}  // namespace

bool is_supported(wire::LinkType link_type) {
  switch (link_type) {
    case wire::LinkType::ethernet:
    case wire::LinkType::raw:
    case wire::LinkType::linux_sll:
    case wire::LinkType::ipv4:
    case wire::LinkType::linux_sll2:
      return true;
  }
  return false;
}

Decoder::Decoder(DecoderOptions options)
    : options_(std::move(options)),
      tftp_(std::make_unique<TftpTracker>()),
      tcp_(std::make_unique<TcpStreams>()) {
  for (const auto& mac : options_.phones) phones_.insert(mac);
  for (const auto& [address, mac] : options_.addresses) addresses_[address] = mac;
}

Decoder::~Decoder() = default;

std::optional<wire::Mac> Decoder::phone_at(wire::Ipv4 address) const {
  auto it = addresses_.find(address);
  if (it == addresses_.end()) return std::nullopt;
  return it->second;
}

std::map<wire::Mac, std::int64_t> Decoder::first_frames() const {
  std::map<wire::Mac, std::int64_t> out;
  for (const auto& mac : phones_) {
    if (auto it = first_seen_.find(mac); it != first_seen_.end()) out[mac] = it->second;
  }
  return out;
}

void Decoder::learn_phone(const wire::Mac& mac) {
  if (!options_.learn_phones || mac.is_multicast() || mac == wire::Mac{}) return;
  phones_.insert(mac);
}

void Decoder::decode(wire::LinkType link_type, const api::Frame& frame,
                     std::vector<api::Event>& out) {
  decode(link_type, frame.time_ns, frame.bytes, frame.wire_length, out);
}

void Decoder::decode(wire::LinkType link_type, const api::Frame& frame, api::EventSink& sink) {
  std::vector<api::Event> events;
  decode(link_type, frame, events);
  for (auto& event : events) sink.emit(std::move(event));
}

void Decoder::decode(wire::LinkType link_type, std::int64_t time_ns, wire::Bytes bytes,
                     std::uint32_t wire_length, std::vector<api::Event>& out) {
  ++stats_.frames;
  if (!is_supported(link_type)) {
    ++stats_.unsupported_link;
    ++stats_.skipped_link_types[static_cast<std::uint32_t>(link_type)];
    return;
  }
  const std::size_t first = out.size();
  decode_frame(link_type, time_ns, bytes, wire_length, out);
  stats_.events += out.size() - first;
  if (out.size() == first) ++stats_.no_event;
  for (std::size_t i = first; i < out.size(); ++i) {
    if (out[i].kind == "frame.malformed") {
      ++stats_.malformed;
      break;
    }
  }
}

void Decoder::decode_frame(wire::LinkType link_type, std::int64_t time_ns, wire::Bytes bytes,
                           std::uint32_t wire_length, std::vector<api::Event>& out) {
  FrameInfo info;
  info.time_ns = time_ns;
  info.length = std::max<std::uint32_t>(wire_length, static_cast<std::uint32_t>(bytes.size()));
  const std::size_t first = out.size();

  auto packet = wire::decode_packet(link_type, bytes, wire_length);
  if (!packet) {
    // What the link layer shows is still evidence: the MACs, when they are there.
    if (auto link = wire::parse_link(link_type, bytes)) {
      info.src_mac = link->src;
      info.dst_mac = link->dst;
      if (!link->vlans.empty()) info.vlan = link->vlans.back().vid;
    }
    out.push_back(malformed_event(info, layer_of(packet.error()), packet.error()));
  } else {
    const wire::LinkFrame& link = packet->link;
    info.src_mac = link.src;
    info.dst_mac = link.dst;
    if (!link.vlans.empty()) {
      info.vlan = link.vlans.back().vid;
      info.pcp = link.vlans.back().pcp;
    }
    if (packet->ipv4) {
      info.src_ip = packet->ipv4->header.src;
      info.dst_ip = packet->ipv4->header.dst;
      if (packet->ipv4->header.is_fragment()) ++stats_.fragments;
    }
    if (link.src && first_seen_.size() < kMaxMacsRemembered) {
      first_seen_.emplace(*link.src, time_ns);
    }

    if (wire::cdp::is_cdp(link)) {
      auto cdp = wire::cdp::parse(link.payload, link.payload_offset);
      if (!cdp) {
        out.push_back(malformed_event(info, "cdp", cdp.error()));
      } else {
        // A phone names itself SEP<MAC> (reference 1.3): the sender is a phone.
        if (auto id = cdp->packet.device_id()) {
          if (auto named = mac_from_device_name(*id)) {
            learn_phone(*named);
            if (link.src) learn_phone(*link.src);
          }
        }
        out.push_back(cdp_event(info, *cdp));
      }
    } else if (!link.llc && link.ethertype == wire::ethertype::kLldp) {
      auto lldp = wire::lldp::parse(link.payload);
      if (!lldp) {
        out.push_back(malformed_event(info, "lldp", lldp.error(), link.payload_offset));
      } else {
        // A Cisco phone's LLDP system name is SEP<MAC>, sometimes with its domain.
        if (const auto* name = wire::lldp::find<wire::lldp::SystemName>(*lldp)) {
          std::string_view text = name->text;
          if (text.size() >= 15 && (text.size() == 15 || text[15] == '.')) {
            if (auto named = mac_from_device_name(text.substr(0, 15))) {
              learn_phone(*named);
              if (link.src) learn_phone(*link.src);
            }
          }
        }
        out.push_back(lldp_event(info, *lldp));
      }
    } else if (packet->udp) {
      const wire::UdpDatagram& udp = *packet->udp;
      info.src_port = udp.src_port;
      info.dst_port = udp.dst_port;
      const std::size_t at = udp.payload_offset;
      if (is_dhcp(udp)) {
        auto message = wire::dhcp::parse(udp.payload);
        auto type = message ? message->options.message_type()
                            : wire::ParseResult<wire::dhcp::MessageType>(
                                  wire::unexpected(message.error()));
        if (udp.truncated && !message) {
          ++stats_.truncated;
        } else if (!message || !type) {
          out.push_back(malformed_event(info, "dhcp", message ? type.error() : message.error(),
                                        at));
        } else {
          if (auto mac = message->mac()) {
            if (message->op == wire::dhcp::Op::request && dhcp_client_is_phone_like(*message)) {
              learn_phone(*mac);
            }
            if (*type == wire::dhcp::MessageType::ack && !message->yiaddr.is_zero() &&
                is_phone(*mac)) {
              addresses_[message->yiaddr] = *mac;
            }
          }
          out.push_back(dhcp_event(info, *message, *type));
        }
      } else if (tftp_->on_datagram(info, udp.payload, at, out)) {
      } else if (udp.src_port == kSipPort || udp.dst_port == kSipPort) {
        // RFC 5626 section 4.4.1: a CRLF keep-alive on UDP is not a message.
        bool keepalive = udp.payload.size() <= 4 &&
                         std::all_of(udp.payload.begin(), udp.payload.end(),
                                     [](std::uint8_t b) { return b == '\r' || b == '\n'; });
        if (udp.truncated) {
          ++stats_.truncated;
        } else if (!keepalive) {
          auto message = wire::sip::parse(udp.payload);
          if (!message) {
            out.push_back(malformed_event(info, "sip", message.error(), at));
          } else {
            out.push_back(sip_event(info, *message, "udp"));
          }
        }
      }
    } else if (packet->tcp) {
      info.src_port = packet->tcp->src_port;
      info.dst_port = packet->tcp->dst_port;
      tcp_->on_segment(info, *packet->tcp, out);
    }
  }

  // Where only the server side is captured (a CUCM node), the phone names itself in what it
  // asks for: SIP REGISTER's +u.sip!devicename (reference 8.1) and the SEP<MAC> files.
  for (std::size_t i = first; i < out.size() && info.src_ip; ++i) {
    const api::Event& event = out[i];
    std::optional<wire::Mac> named;
    if (event.kind == "sip.request") {
      if (auto name = event.string_attr("device_name")) named = mac_from_device_name(*name);
    } else if (event.kind == "http.get" || event.kind == "tftp.rrq") {
      if (auto file = event.string_attr(event.kind == "http.get" ? "path" : "file")) {
        named = mac_in_file_name(*file);
      }
    }
    if (!named || !options_.learn_phones) continue;
    learn_phone(*named);
    if (addresses_.count(*info.src_ip) == 0 && !info.src_ip->is_zero()) {
      addresses_[*info.src_ip] = *named;
    }
  }

  // Attribution (DESIGN.md, data flow 3): source MAC, destination MAC, DHCP chaddr (set by
  // dhcp_event), then the phone's address.
  std::optional<wire::Mac> phone;
  if (info.src_mac && is_phone(*info.src_mac)) {
    phone = info.src_mac;
  } else if (info.dst_mac && is_phone(*info.dst_mac)) {
    phone = info.dst_mac;
  } else if (info.src_ip && addresses_.count(*info.src_ip) != 0) {
    phone = addresses_.at(*info.src_ip);
  } else if (info.dst_ip && addresses_.count(*info.dst_ip) != 0) {
    phone = addresses_.at(*info.dst_ip);
  }
  bool attributed = phone.has_value();
  for (std::size_t i = first; i < out.size(); ++i) {
    api::Event& event = out[i];
    if (event.phone && event.kind.rfind("dhcp.", 0) == 0) {
      // The chaddr decides a DHCP message, when it names a phone.
      if (is_phone(*event.phone)) {
        attributed = true;
        continue;
      }
      event.phone.reset();
    }
    if (phone) event.phone = phone;
  }
  ++(attributed ? stats_.attributed : stats_.not_attributed);
}

}  // namespace phonerig::engine
