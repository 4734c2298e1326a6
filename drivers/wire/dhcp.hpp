// DHCP/BOOTP messages (RFC 2131 section 2, RFC 951): the fixed 236-byte header, the magic
// cookie and the options (dhcp_options.hpp), with option 52 overloading (RFC 2132
// section 9.3) and long options split over several instances (RFC 3396).
//
// What parse() accepts, and why:
// - A header shorter than 236 bytes, an op other than 1/2, hlen above 16, or a missing or
//   wrong magic cookie are errors (RFC 2131 section 3 puts the cookie first in the options).
// - An option whose length runs past its field is an error.
// - A missing End option is tolerated in the options field and remembered (end_option =
//   false): ISC dhcpd and Kea both read options to the end of the buffer when End is
//   missing, and Wireshark only flags it. In an overloaded file/sname field a missing End
//   is an error: RFC 2131 section 4.1 says those options MUST be terminated by End.
// - Option 53 must be present, one byte, 1 to 8: every DHCP message carries it (RFC 2131
//   section 3, RFC 2132 section 9.6). Plain BOOTP (no option 53) is rejected; the rig
//   serves DHCP only. Option 52, when present, must be one byte, 1 to 3, in the options
//   field only.
// - Other options are checked by their typed accessors, not here.
//
// Round trips: build(parse(b)) == b for every message parse() accepts (Pad options, unknown
// options, split options and the bytes after End are all kept), and parse(build(m)) == m
// for a message whose option instances are in aggregate order (options field, file,
// sname) and whose padding is nullopt or not the plain zero fill to 300 bytes.
#pragma once

#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"
#include "drivers/wire/dhcp_options.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace phonerig::wire::dhcp {

inline constexpr std::uint16_t kServerPort = 67; // RFC 2131 section 4.1
inline constexpr std::uint16_t kClientPort = 68;
inline constexpr std::size_t kHeaderSize = 236;           // op .. file
inline constexpr std::uint32_t kMagicCookie = 0x63825363; // 99.130.83.99, RFC 2131 section 3
// RFC 1542 section 2.1: a BOOTP message is at least 300 bytes. Some relays and old clients
// drop shorter ones, so ISC dhcpd (BOOTP_MIN_LEN) and dhclient pad to it; build() does too.
inline constexpr std::size_t kBootpMinimumSize = 300;
inline constexpr std::uint16_t kBroadcastFlag = 0x8000; // RFC 2131 section 2, figure 2

enum class Op : std::uint8_t { request = 1, reply = 2 }; // BOOTREQUEST, BOOTREPLY

// RFC 2131 section 2, table 1; offsets are from the start of the UDP payload.
struct Message {
  Op op = Op::request;                   // 0
  std::uint8_t htype = 1;                // 1: ARP hardware type, 1 = Ethernet
  std::uint8_t hlen = 6;                 // 2: bytes of chaddr in use, at most 16
  std::uint8_t hops = 0;                 // 3: incremented by relays
  std::uint32_t xid = 0;                 // 4: transaction id chosen by the client
  std::uint16_t secs = 0;                // 8: seconds since the client began
  std::uint16_t flags = 0;               // 10: kBroadcastFlag; other bits kept as received
  Ipv4 ciaddr;                           // 12: client address (BOUND, RENEW, REBIND, INFORM)
  Ipv4 yiaddr;                           // 16: "your" address, offered/assigned
  Ipv4 siaddr;                           // 20: next server (TFTP) address
  Ipv4 giaddr;                           // 24: relay agent address
  std::array<std::uint8_t, 16> chaddr{}; // 28: client hardware address, raw
  // 44 and 108, raw. When option 52 overloads a field it holds options instead: the array
  // then keeps only what followed their End option (zeros where the options were), and
  // the options themselves are in `options` with Area::sname / Area::file.
  std::array<std::uint8_t, 64> sname{};
  std::array<std::uint8_t, 128> file{};
  Options options;        // 240, after the magic cookie
  bool end_option = true; // false: the options field ended without End (tolerated)
  // What followed End in the options field, exactly. nullopt (a message we build): zero
  // bytes up to kBootpMinimumSize. parse() gives nullopt when the bytes are exactly that.
  std::optional<ByteVector> padding;

  bool broadcast() const { return (flags & kBroadcastFlag) != 0; }
  void set_broadcast(bool on);
  // The client MAC when htype is 1 (Ethernet) and hlen 6.
  std::optional<Mac> mac() const;
  // htype 1, hlen 6, chaddr = mac and ten zero bytes.
  void set_mac(const Mac& mac);
  // sname / file up to their first NUL; empty when overloaded by option 52.
  std::string server_name() const;
  std::string boot_file() const;
  // Zero-filled; throw std::length_error when the text does not fit with its NUL
  // (63 / 127 characters).
  void set_server_name(std::string_view name);
  void set_boot_file(std::string_view name);

  bool operator==(const Message&) const = default;
};

// `udp_payload` is the UDP data of a datagram to or from port 67/68.
ParseResult<Message> parse(Bytes udp_payload);
// Header, cookie, options field (instances in list order, End unless end_option is false,
// then padding), with overloaded sname/file laid out from their Area's instances. A message
// whose instances cannot be written (a value over 255 bytes, End as an instance, overloaded
// options not fitting their field, an instance in a field option 52 does not give over) is
// a programmer error: std::invalid_argument or std::length_error.
ByteVector build(const Message& message);

} // namespace phonerig::wire::dhcp
