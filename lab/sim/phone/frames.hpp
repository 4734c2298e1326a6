// The bytes the emulated phone sends: CDP and LLDP-MED announcements, DHCP client
// messages, SIP REGISTER. Built with drivers/wire.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"
#include "lab/sim/phone/phone.hpp"

namespace phonerig::sim::phone {

// CDPv2 as a 78xx/88xx sends it (reference 1.8): Device ID SEP<MAC>, Addresses (when the
// phone has one), Port ID "Port 1", capabilities 0x490, software version = running load,
// platform, Power Requested, duplex full, power consumption; VoIP VLAN Query if asked.
wire::ByteVector build_cdp_frame(const Config& config, const ModelInfo& info, wire::Ipv4 ip);

// LLDP-MED: chassis = MAC, port = MAC, TTL 180, system name SEP<MAC>, capabilities
// telephone+bridge, MED capabilities (class III), voice network policy, extended power PD,
// inventory (software revision = running load, manufacturer, model). The policy is
// "unknown" (U set, as a phone asks) until the phone has a voice VLAN; then it is the one
// it uses, tagged with that VLAN, priority 5, DSCP 46 (EF), as a CP-88xx reports it.
wire::ByteVector build_lldp_frame(const Config& config, const ModelInfo& info,
                                  std::optional<std::uint16_t> voice_vlan = std::nullopt);

// DHCP DISCOVER / REQUEST: broadcast flag, option 60 vendor class, 55 list with 150 and 66,
// 61 client id; REQUEST with 50 requested IP and 54 server id.
wire::ByteVector build_dhcp(const Config& config, const ModelInfo& info, bool request,
                            std::uint32_t xid, wire::Ipv4 requested, wire::Ipv4 server_id);

// The parameter request list the phone sends (reference 4.2 fingerprint + 150, 66).
const std::vector<std::uint8_t>& parameter_request_list();

}  // namespace phonerig::sim::phone
