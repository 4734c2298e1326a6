#include "lab/sim/switch/tagging.hpp"

#include <algorithm>

namespace phonerig::sim::sw {

namespace {
constexpr std::size_t kTagOffset = 12;  // after dst and src MACs
constexpr std::size_t kTagSize = 4;

wire::Mac mac_at(const wire::ByteVector& bytes, std::size_t at) {
  return wire::Mac::from_bytes(wire::Bytes(bytes).subspan(at, 6));
}
}  // namespace

wire::Mac Frame::dst() const { return mac_at(bytes, 0); }
wire::Mac Frame::src() const { return mac_at(bytes, 6); }

std::optional<Frame> normalize(wire::Bytes bytes, std::optional<wire::VlanTag> aux) {
  if (bytes.size() < kEthernetHeader) return std::nullopt;
  Frame frame;
  if (aux) {
    frame.bytes.assign(bytes.begin(), bytes.end());
    frame.tag = aux;
    return frame;
  }
  std::uint16_t type = static_cast<std::uint16_t>(bytes[12] << 8 | bytes[13]);
  if (type != wire::ethertype::kVlan) {
    frame.bytes.assign(bytes.begin(), bytes.end());
    return frame;
  }
  // IEEE 802.1Q 9.6: TCI = PCP(3) | DEI(1) | VID(12), then the inner type/length.
  if (bytes.size() < kEthernetHeader + kTagSize) return std::nullopt;
  std::uint16_t tci = static_cast<std::uint16_t>(bytes[14] << 8 | bytes[15]);
  frame.tag = wire::VlanTag{wire::ethertype::kVlan, static_cast<std::uint8_t>(tci >> 13),
                            (tci & 0x1000) != 0, static_cast<std::uint16_t>(tci & 0x0fff)};
  frame.bytes.reserve(bytes.size() - kTagSize);
  frame.bytes.insert(frame.bytes.end(), bytes.begin(), bytes.begin() + kTagOffset);
  frame.bytes.insert(frame.bytes.end(), bytes.begin() + kTagOffset + kTagSize, bytes.end());
  return frame;
}

std::optional<Vlan> classify(const PortConfig& port, const std::optional<wire::VlanTag>& tag) {
  const bool untagged = !tag || tag->vid == 0;
  switch (port.kind) {
    case PortKind::access:
      if (untagged) return port.vlan;
      if (port.voice_vlan && tag->vid == *port.voice_vlan) return tag->vid;
      return std::nullopt;
    case PortKind::trunk:
      if (untagged) return port.native_vlan;
      if (carries(port, tag->vid)) return tag->vid;
      return std::nullopt;
    case PortKind::rig:
      if (untagged) return port.vlan;
      return std::nullopt;
    case PortKind::mirror:
      return std::nullopt;
  }
  return std::nullopt;
}

bool carries(const PortConfig& port, Vlan vlan) {
  if (vlan == 0 || vlan > kMaxVlan) return false;
  switch (port.kind) {
    case PortKind::access:
      return vlan == port.vlan || (port.voice_vlan && vlan == *port.voice_vlan);
    case PortKind::trunk:
      return port.allowed.empty() ||
             std::find(port.allowed.begin(), port.allowed.end(), vlan) != port.allowed.end() ||
             (port.native_vlan && vlan == *port.native_vlan);
    case PortKind::rig:
      return vlan == port.vlan;
    case PortKind::mirror:
      return false;
  }
  return false;
}

bool sends_tagged(const PortConfig& port, Vlan vlan) {
  switch (port.kind) {
    case PortKind::access:
      return port.voice_vlan && vlan == *port.voice_vlan && vlan != port.vlan;
    case PortKind::trunk:
      return !(port.native_vlan && vlan == *port.native_vlan);
    case PortKind::rig:
      return false;
    case PortKind::mirror:
      return true;
  }
  return false;
}

wire::ByteVector encode(const PortConfig& port, Vlan vlan, const Frame& frame) {
  wire::ByteVector out;
  if (sends_tagged(port, vlan)) {
    out.reserve(frame.bytes.size() + kTagSize);
    out.insert(out.end(), frame.bytes.begin(), frame.bytes.begin() + kTagOffset);
    const std::uint8_t pcp = frame.tag ? frame.tag->pcp : 0;
    const bool dei = frame.tag && frame.tag->dei;
    const std::uint16_t tci =
        static_cast<std::uint16_t>(pcp << 13 | (dei ? 0x1000 : 0) | (vlan & 0x0fff));
    out.push_back(0x81);
    out.push_back(0x00);
    out.push_back(static_cast<std::uint8_t>(tci >> 8));
    out.push_back(static_cast<std::uint8_t>(tci & 0xff));
    out.insert(out.end(), frame.bytes.begin() + kTagOffset, frame.bytes.end());
    return out;
  }
  out = frame.bytes;
  if (out.size() < wire::kMinFrameWithoutFcs) out.resize(wire::kMinFrameWithoutFcs, 0);
  return out;
}

}  // namespace phonerig::sim::sw
