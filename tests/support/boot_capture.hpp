// A full boot of one Cisco phone, synthesized with our encoders, as a capture on the
// rig's mirror port would show it: until the emulated phone can record a real one, this
// is the capture the decode benchmark and the decoder tests read.
//
// The order follows DESIGN.md's registration sequence and the CP-7821 log of the
// reference: switch CDP (voice VLAN), phone CDP + LLDP-MED, DHCP DORA on the voice VLAN
// with option 150, HTTP 6970 first for CTL (503), TFTP fallback (file not found), ITL and
// SEP<MAC>.cnf.xml over HTTP, dial plan over TFTP with blksize/tsize/windowsize, softkeys
// over HTTP, then TCP to the CallManager, REGISTER, 401, REGISTER with digest, 200 OK.
#pragma once

#include <cstdint>

#include "drivers/wire/address.hpp"
#include "tests/support/pcap_file.hpp"

namespace phonerig::testing {

struct BootParams {
  wire::Mac phone = *wire::Mac::parse("00:1e:4a:00:00:01");
  wire::Mac rig = *wire::Mac::parse("02:00:c6:12:00:0a");
  wire::Mac switch_port = *wire::Mac::parse("00:00:5e:00:53:05");
  wire::Ipv4 phone_ip = *wire::Ipv4::parse("198.18.1.20");
  wire::Ipv4 rig_ip = *wire::Ipv4::parse("198.18.1.10");  // TFTP, HTTP 6970, SIP
  std::uint16_t voice_vlan = 100;
  std::int64_t start_ns = 1'764'000'000'000'000'000;
  std::size_t config_bytes = 12277;  // SEP<MAC>.cnf.xml as CUCM served it (reference 6)
  std::size_t itl_bytes = 7879;
  std::size_t dialplan_bytes = 20000;
};

// Every frame of the boot, Ethernet link type, stamps increasing.
PcapContents synthesize_phone_boot(const BootParams& params = {});

}  // namespace phonerig::testing
