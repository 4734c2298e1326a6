// Offloads through the ethtool ioctl (SIOCETHTOOL; include/uapi/linux/ethtool.h), which
// libnl 3.7 has no API for (DESIGN.md, "What the machines here have"). Done as `ethtool -K`
// does it: the device's feature names (ETHTOOL_GSTRINGS, ETH_SS_FEATURES), their state
// (ETHTOOL_GFEATURES), one change of all at once (ETHTOOL_SFEATURES). Each offload is the
// group of features `ethtool -k` shows under one name, matched by its pattern (ethtool's
// off_flag_def): tx-checksumming "tx-checksum-*", rx-checksumming "rx-checksum",
// tcp-segmentation-offload "tx-tcp*-segmentation", generic-segmentation-offload
// "tx-generic-segmentation", generic-receive-offload "rx-gro". A group is on when any of its
// features is on, as `ethtool -k` shows it. The legacy per-group commands (ETHTOOL_STSO...)
// are not enough: on Linux 6.18 ETHTOOL_STSO leaves tx-tcp-accecn-segmentation on.
#pragma once

#include <array>
#include <span>
#include <string_view>

#include "drivers/api/link_control.hpp"
#include "drivers/api/result.hpp"

namespace phonerig::netlink {

struct OffloadState {
  bool tx_checksum = false;
  bool rx_checksum = false;
  bool tso = false;
  bool gso = false;
  bool gro = false;
  bool operator==(const OffloadState&) const = default;
};

// `socket_fd` is an AF_INET socket in the link's namespace; `where` ends error objects.
api::Result<OffloadState> read_offloads(int socket_fd, std::string_view link,
                                        std::string_view where);

// Sets the groups `wanted` names in one request (the kernel then settles dependencies: TSO
// needs transmit checksumming), reads them back, and fails naming a group the kernel kept
// otherwise (a fixed feature, or one whose dependency is off).
api::Result<OffloadState> write_offloads(int socket_fd, std::string_view link,
                                         const api::Offloads& wanted, std::string_view where);

// Turns off every changeable feature whose name matches one of `patterns` (fnmatch, as
// kOffPatterns below) in one request, without reading back: for a lab's own links, where
// what cannot change (a fixed feature, one the device lacks) is left as it is. Also the VLAN
// offloads write_offloads() does not cover ("rx-vlan-hw-parse", "tx-vlan-hw-insert").
api::Result<bool> features_off(int socket_fd, std::string_view link,
                               std::span<const char* const> patterns, std::string_view where);

// ethtool's groups for every offload that hides frames as they are on the wire from an
// AF_PACKET socket: checksums, TSO, GSO, GRO and the VLAN tag offloads.
inline constexpr std::array<const char*, 7> kOffPatterns = {
    "rx-checksum",          "tx-checksum-*",     "tx-tcp*-segmentation", "tx-generic-segmentation",
    "rx-gro",               "rx-vlan-hw-parse",  "tx-vlan-hw-insert"};

}  // namespace phonerig::netlink
