// Cisco Discovery Protocol v2 (and v1, same layout): the PDU after the LLC/SNAP header
// (OUI 00-00-0c, PID 0x2000), its odd-byte Cisco checksum, and whole 802.3 frames to
// 01:00:0c:cc:cc:cc. Reference section 1; Wireshark packet-cdp.c; lldpd cdp.c, frame.c.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"
#include "drivers/wire/cdp_tlv.hpp"
#include "drivers/wire/link.hpp"

namespace phonerig::wire::cdp {

inline constexpr Mac kMulticast{{0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc}};
inline constexpr Snap kSnap{0x00000c, 0x2000};  // reference 1.1: Cisco OUI, PID CDP
inline constexpr std::size_t kHeaderSize = 4;    // version, TTL, checksum
inline constexpr std::uint8_t kDefaultHoldtime = 180;  // `cdp holdtime` default (reference 1.7)

// One CDP PDU: header fields and the TLVs in the order they were sent.
struct Packet {
  std::uint8_t version = 2;                  // 1 or 2
  std::uint8_t ttl = kDefaultHoldtime;       // holdtime, seconds
  std::vector<Tlv> tlvs;

  template <class T>
  Packet& add(T tlv) {
    tlvs.emplace_back(std::move(tlv));
    return *this;
  }
  // The first TLV of type T (DeviceId, VoipVlanReply, ...), copied out.
  template <class T>
  std::optional<T> find() const {
    for (const auto& tlv : tlvs) {
      if (const T* v = std::get_if<T>(&tlv)) return *v;
    }
    return std::nullopt;
  }
  // Every TLV of type T, in order.
  template <class T>
  std::vector<T> find_all() const {
    std::vector<T> out;
    for (const auto& tlv : tlvs) {
      if (const T* v = std::get_if<T>(&tlv)) out.push_back(*v);
    }
    return out;
  }
  const RawTlv* find_raw(std::uint16_t type) const;

  std::optional<std::string> device_id() const;
  std::optional<std::string> port_id() const;
  std::optional<std::string> software_version() const;
  std::optional<std::string> platform() const;
  std::optional<std::string> vtp_domain() const;
  std::optional<std::string> system_name() const;
  std::optional<std::uint32_t> capabilities() const;
  std::vector<Ipv4> addresses() const;             // IPv4 records of the Addresses TLV
  std::vector<Ipv4> management_addresses() const;  // IPv4 records of TLV 0x0016
  std::optional<std::uint16_t> native_vlan() const;
  std::optional<std::uint16_t> voice_vlan() const;  // VoIP VLAN Reply 0x000e
  std::optional<bool> full_duplex() const;
  std::optional<std::uint16_t> power_consumption_mw() const;

  bool operator==(const Packet&) const = default;
};

// What parse() returns: the packet and its checksum, which is reported, never fatal
// (captures hold frames edited after capture, e.g. cdp_8021q_cisco2970.pcap).
struct Decoded {
  Packet packet;
  std::uint16_t checksum = 0;          // as stored in the PDU
  std::uint16_t correct_checksum = 0;  // what build() would store
  // Receiver check as Wireshark does it: the complemented Cisco sum over the PDU with the
  // stored checksum in place is 0 (so a stored 0xffff is also good when 0x0000 is correct).
  bool checksum_good = false;
};

// Parses a CDP PDU, from the version byte to the end given by the 802.3 length (padding
// excluded). `base` is the offset of pdu[0] in the caller's buffer, for error offsets.
// Errors: bad version, a TLV header cut short, a TLV length under 4 or past the PDU end,
// a fixed-size TLV of the wrong length, an address count beyond the data, ...
ParseResult<Decoded> parse(Bytes pdu, std::size_t base = 0);

// The PDU bytes with the checksum filled in. Throws std::invalid_argument for values that
// cannot be encoded (cdp_tlv.hpp write_tlv).
ByteVector build(const Packet& packet);

// The whole IEEE 802.3 frame to 01:00:0c:cc:cc:cc: LLC/SNAP header, PDU, zero padding to
// 60 bytes; `vlan` inserts an 802.1Q tag after the source MAC.
ByteVector build_frame(const Mac& src, const Packet& packet,
                       std::optional<VlanTag> vlan = std::nullopt);

// True when a decoded link frame carries CDP (LLC/SNAP with OUI 00-00-0c, PID 0x2000);
// its payload is then the PDU, at payload_offset.
bool is_cdp(const LinkFrame& link);

// The checksum build() stores for `pdu`: bytes 2-3 (the checksum field) count as zero.
// RFC 1071 sum, except an odd last byte v adds v if v < 0x80, else 0xff00 + v - 1
// (reference 1.2; lldpd frame.c frame_checksum(), Wireshark packet-cdp.c dissect_cdp()).
// Precondition: pdu.size() >= 4.
std::uint16_t compute_checksum(Bytes pdu);
// Receiver check over a PDU with its checksum in place (Decoded::checksum_good).
bool checksum_valid(Bytes pdu);

}  // namespace phonerig::wire::cdp
