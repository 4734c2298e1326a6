// What the announcer sends and when (reference 1.6, 1.7, 2.1-2.3).
#include "drivers/services/discovery/discovery_core.hpp"

#include <algorithm>
#include <utility>

#include "drivers/wire/link.hpp"
#include "drivers/wire/lldp_med.hpp"

namespace phonerig::services::discovery {

namespace {

namespace cdp = wire::cdp;
namespace lldp = wire::lldp;

constexpr std::int64_t kFastStartGapNs = 1'000'000'000;  // 1 s (reference 2.1, lldpd)

std::int64_t interval_ns(const Config& config) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(config.interval).count();
  return std::max<std::int64_t>(ns, 1'000'000);  // never a busy loop
}

api::Event tx_event(std::string_view kind, const wire::Mac& src, const wire::Mac& dst,
                    std::size_t length, std::int64_t now_ns, std::optional<wire::Mac> phone) {
  api::Event e;
  e.time_ns = now_ns;
  e.source = api::EventSource::service;
  e.kind = std::string(kind);
  e.phone = phone;
  e.attrs["src_mac"] = src;
  e.attrs["dst_mac"] = dst;
  e.attrs["length"] = static_cast<std::int64_t>(length);
  return e;
}

}  // namespace

Core::Core(Config config, wire::Mac own_mac) : config_(std::move(config)), own_mac_(own_mac) {}

// Switch -> phone (reference 1.3, 1.6, worked frame 1.9): who we are, the VoIP VLAN Reply
// that puts the phone's voice on `voice_vlan`, and the power we grant, echoing the phone's
// request-id.
cdp::Packet Core::cdp_packet() const {
  cdp::Packet p;
  p.ttl = config_.holdtime_s;
  p.add(cdp::DeviceId{config_.device_id})
      .add(cdp::PortId{config_.port_id})
      .add(cdp::Capabilities{cdp::capability::kAccessSwitch})
      .add(cdp::SoftwareVersion{config_.software_version})
      .add(cdp::Platform{config_.platform})
      .add(cdp::NativeVlan{config_.native_vlan})
      .add(cdp::Duplex{cdp::Duplex::kFull})
      .add(cdp::VoipVlanReply{0x01, config_.voice_vlan})
      .add(cdp::PowerAvailable{power_request_id_, 1, {config_.power_available_mw}});
  return p;
}

// The same facts for LLDP-MED phones (reference 2.1-2.3): a network connectivity device with
// a voice policy, tagged on `voice_vlan`, and the PSE power on offer.
lldp::Packet Core::lldp_packet() const {
  lldp::Packet p;
  p.chassis_id = lldp::ChassisId::mac(own_mac_);
  p.port_id = lldp::PortId::interface_name(config_.port_id);
  p.ttl = config_.holdtime_s;
  p.tlvs.emplace_back(lldp::PortDescription{config_.port_id});
  p.tlvs.emplace_back(lldp::SystemName{config_.device_id});
  p.tlvs.emplace_back(lldp::SystemDescription{config_.software_version});
  p.tlvs.emplace_back(
      lldp::SystemCapabilities{lldp::capability::kBridge, lldp::capability::kBridge});
  p.tlvs.emplace_back(lldp::PortVlanId{config_.native_vlan});
  p.tlvs.emplace_back(lldp::MedCapabilities{
      static_cast<std::uint16_t>(lldp::med_capability::kCapabilities |
                                 lldp::med_capability::kNetworkPolicy |
                                 lldp::med_capability::kExtendedPowerPse),
      lldp::med_device_type::kNetworkConnectivity});
  lldp::NetworkPolicy policy;
  policy.app_type = lldp::app_type::kVoice;
  policy.tagged = true;
  policy.vlan_id = config_.voice_vlan;
  policy.priority = config_.voice_priority;
  policy.dscp = config_.voice_dscp;
  p.tlvs.emplace_back(policy);
  lldp::ExtendedPower power;
  power.power_type = lldp::power_type::kPse;
  power.source = lldp::power_source::kPsePrimary;
  power.priority = lldp::power_priority::kLow;
  power.power_tenths_watt =
      static_cast<std::uint16_t>(std::min<std::uint32_t>(config_.power_available_mw / 100, 0xffff));
  p.tlvs.emplace_back(power);
  return p;
}

Output Core::announce(std::int64_t now_ns, std::optional<wire::Mac> phone, bool send_cdp,
                      bool send_lldp) {
  Output out;
  if (config_.cdp && send_cdp) {
    const cdp::Packet p = cdp_packet();
    wire::ByteVector frame = cdp::build_frame(own_mac_, p);
    api::Event e = tx_event("cdp.tx", own_mac_, cdp::kMulticast, frame.size(), now_ns, phone);
    e.attrs["device_id"] = config_.device_id;
    e.attrs["port_id"] = config_.port_id;
    e.attrs["platform"] = config_.platform;
    e.attrs["software_version"] = config_.software_version;
    e.attrs["capabilities"] = static_cast<std::int64_t>(cdp::capability::kAccessSwitch);
    e.attrs["native_vlan"] = static_cast<std::int64_t>(config_.native_vlan);
    e.attrs["voice_vlan"] = static_cast<std::int64_t>(config_.voice_vlan);
    e.attrs["power_available_mw"] = static_cast<std::int64_t>(config_.power_available_mw);
    out.sends.push_back(Outgoing{std::move(frame), std::move(e)});
  }
  if (config_.lldp && send_lldp) {
    const lldp::Packet p = lldp_packet();
    wire::ByteVector frame = lldp::build_frame(own_mac_, p);
    api::Event e = tx_event("lldp.tx", own_mac_, lldp::kNearestBridge, frame.size(), now_ns, phone);
    e.attrs["chassis_id"] = printable(p.chassis_id);
    e.attrs["port_id"] = printable(p.port_id);
    e.attrs["system_name"] = config_.device_id;
    e.attrs["system_description"] = config_.software_version;
    e.attrs["med_class"] = static_cast<std::int64_t>(lldp::med_device_type::kNetworkConnectivity);
    e.attrs["voice_vlan"] = static_cast<std::int64_t>(config_.voice_vlan);
    e.attrs["voice_priority"] = static_cast<std::int64_t>(config_.voice_priority);
    e.attrs["voice_dscp"] = static_cast<std::int64_t>(config_.voice_dscp);
    e.attrs["power_mw"] = static_cast<std::int64_t>(config_.power_available_mw / 100 * 100);
    out.sends.push_back(Outgoing{std::move(frame), std::move(e)});
  }
  return out;
}

std::int64_t Core::next_due_ns() const {
  if (fast_start_left_ > 0) return std::min(next_due_ns_, next_fast_start_ns_);
  return next_due_ns_;
}

Output Core::start(std::int64_t now_ns) {
  started_ = true;
  next_due_ns_ = now_ns + interval_ns(config_);
  return announce(now_ns, std::nullopt, true, true);
}

Output Core::on_tick(std::int64_t now_ns) {
  if (!started_) return start(now_ns);
  const bool periodic = now_ns >= next_due_ns_;
  const bool fast = fast_start_left_ > 0 && now_ns >= next_fast_start_ns_;
  if (fast) {
    // A periodic announcement due at the same time carries the LLDP frame of this repeat.
    --fast_start_left_;
    next_fast_start_ns_ += kFastStartGapNs;
    if (next_fast_start_ns_ <= now_ns) next_fast_start_ns_ = now_ns + kFastStartGapNs;
  }
  if (periodic) {
    // Keep the rhythm of the interval; after a long stall, restart it from now.
    next_due_ns_ += interval_ns(config_);
    if (next_due_ns_ <= now_ns) next_due_ns_ = now_ns + interval_ns(config_);
    return announce(now_ns, std::nullopt, true, true);
  }
  if (fast) return announce(now_ns, fast_start_phone_, false, true);
  return {};
}

// A phone appeared: CDP and LLDP at once, then the LLDP-MED fast-start repeats.
Output Core::phone_announcement(std::int64_t now_ns, const wire::Mac& phone) {
  if (config_.lldp && config_.lldp_fast_start > 1) {
    fast_start_left_ = config_.lldp_fast_start - 1;
    next_fast_start_ns_ = now_ns + kFastStartGapNs;
    fast_start_phone_ = phone;
  }
  return announce(now_ns, phone, true, true);
}

Output Core::phone_appeared(const wire::Mac& phone, std::int64_t now_ns) {
  neighbours_.erase(phone);
  return phone_announcement(now_ns, phone);
}

void Core::neighbour_seen(const wire::Mac& src, std::int64_t time_ns, Output& out) {
  if (!neighbours_.insert(src).second) return;
  Output now = phone_announcement(time_ns, src);
  for (auto& s : now.sends) out.sends.push_back(std::move(s));
}

Output Core::on_frame(wire::Bytes frame, std::int64_t time_ns) {
  Output out;
  // Frames too short for the two addresses are nobody's: AF_PACKET never hands one over.
  if (frame.size() < 14) return out;
  const wire::Mac dst = wire::Mac::from_bytes(frame.subspan(0, 6));
  const wire::Mac src = wire::Mac::from_bytes(frame.subspan(6, 6));
  if (src == own_mac_) return out;  // our own announcement, looped back

  auto link = wire::parse_link(wire::LinkType::ethernet, frame);
  if (!link) {
    // Only frames addressed to a discovery group are ours to call malformed.
    if (dst == cdp::kMulticast) {
      out.events.push_back(malformed_event("cdp", link.error(), src, frame.size(), time_ns));
    } else if (dst == lldp::kNearestBridge) {
      out.events.push_back(malformed_event("lldp", link.error(), src, frame.size(), time_ns));
    }
    return out;
  }
  if (link->ethertype == wire::ethertype::kLldp) {
    auto packet = lldp::parse(link->payload);
    if (!packet) {
      const wire::ParseError error = packet.error().within("lldp", link->payload_offset);
      out.events.push_back(malformed_event("lldp", error, src, frame.size(), time_ns));
      return out;
    }
    out.events.push_back(lldp_rx_event(*packet, *link, frame.size(), time_ns));
    neighbour_seen(src, time_ns, out);
    return out;
  }
  if (dst == cdp::kMulticast && cdp::is_cdp(*link)) {
    auto decoded = cdp::parse(link->payload, link->payload_offset);
    if (!decoded) {
      const wire::ParseError error = decoded.error().within("cdp");
      out.events.push_back(malformed_event("cdp", error, src, frame.size(), time_ns));
      return out;
    }
    if (auto requested = decoded->packet.find<cdp::PowerRequested>()) {
      power_request_id_ = requested->request_id;
    }
    out.events.push_back(cdp_rx_event(*decoded, *link, frame.size(), time_ns));
    neighbour_seen(src, time_ns, out);
    return out;
  }
  return out;  // VTP, DTP, other traffic: not ours
}

}  // namespace phonerig::services::discovery
