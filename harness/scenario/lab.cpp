#include "harness/scenario/lab.hpp"

#include <algorithm>

namespace phonerig::scenario {

std::string_view to_string(InterfaceRole role) {
  switch (role) {
    case InterfaceRole::service: return "service";
    case InterfaceRole::capture: return "capture";
    case InterfaceRole::both: return "both";
  }
  return "?";
}

std::string_view to_string(SnmpVersion version) {
  return version == SnmpVersion::v2c ? "2c" : "3";
}

std::string_view to_string(PoeProfile profile) {
  switch (profile) {
    case PoeProfile::rfc3621: return "rfc3621";
    case PoeProfile::cisco: return "cisco";
    case PoeProfile::apc_pdu: return "apc-pdu";
  }
  return "?";
}

std::string_view to_string(ServiceMode mode) {
  switch (mode) {
    case ServiceMode::on: return "on";
    case ServiceMode::off: return "off";
    case ServiceMode::external: return "external";
  }
  return "?";
}

api::Result<InterfaceAddress> InterfaceAddress::parse(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return api::fail(api::Fault::config,
                     "expected an address with its prefix length, A.B.C.D/N, got '" +
                         std::string(text) + "'");
  }
  auto address = wire::Ipv4::parse(text.substr(0, slash));
  if (!address) {
    return api::fail(api::Fault::config,
                     "'" + std::string(text.substr(0, slash)) + "' is not an IPv4 address");
  }
  std::string_view digits = text.substr(slash + 1);
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  bool numeric = !digits.empty() && digits.size() <= 2 &&
                 std::all_of(digits.begin(), digits.end(), is_digit) &&
                 !(digits.size() == 2 && digits[0] == '0');
  int prefix = numeric ? std::stoi(std::string(digits)) : -1;
  if (prefix < 0 || prefix > 32) {
    return api::fail(api::Fault::config, "prefix length '" + std::string(digits) +
                                             "' is not an integer 0..32");
  }
  InterfaceAddress result{*address, prefix};
  if (prefix < 31) {
    std::uint32_t host_mask = prefix == 0 ? 0xffffffffu : (0xffffffffu >> prefix);
    std::uint32_t host = address->value & host_mask;
    if (host == 0) {
      return api::fail(api::Fault::config,
                       result.to_string() + " is the network address of its subnet, not a host");
    }
    if (host == host_mask) {
      return api::fail(api::Fault::config,
                       result.to_string() + " is the broadcast address of its subnet, not a host");
    }
  }
  return result;
}

std::string InterfaceAddress::to_string() const {
  return address.to_string() + '/' + std::to_string(prefix_length);
}

const RigInterface* Rig::find_interface(std::string_view name) const {
  for (const auto& interface : interfaces) {
    if (interface.name == name) return &interface;
  }
  return nullptr;
}

const Phone* Lab::find_phone(std::string_view id) const {
  for (const auto& phone : phones) {
    if (phone.id == id) return &phone;
  }
  return nullptr;
}

std::map<std::uint16_t, std::string> Lab::rig_interfaces_by_vlan() const {
  std::map<std::uint16_t, std::string> out;
  const SwitchVlans* vlans =
      switch_config && switch_config->vlans ? &*switch_config->vlans : nullptr;
  for (const auto& interface : rig.interfaces) {
    if (!interface.serves()) continue;
    if (const auto* trunk = std::get_if<VlanOnParent>(&interface.link)) {
      out.emplace(trunk->vlan, trunk->device());
    } else if (vlans != nullptr) {
      const auto& device = std::get<ExistingDevice>(interface.link).ifname;
      if (interface.name == "voice" && vlans->voice != 0) out.emplace(vlans->voice, device);
      if (interface.name == "data" && vlans->data != 0) out.emplace(vlans->data, device);
    }
  }
  return out;
}

const Phone* Lab::find_phone(const wire::Mac& mac) const {
  for (const auto& phone : phones) {
    if (phone.mac == mac) return &phone;
  }
  return nullptr;
}

}  // namespace phonerig::scenario

namespace phonerig::scenario {

std::string Phone::device_name() const {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string name = "SEP";
  for (std::uint8_t octet : mac.octets) {
    name += kHex[octet >> 4];
    name += kHex[octet & 0x0f];
  }
  return name;
}

}  // namespace phonerig::scenario
