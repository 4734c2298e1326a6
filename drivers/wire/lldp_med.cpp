#include "drivers/wire/lldp_med.hpp"

#include <cstdio>
#include <iterator>
#include <stdexcept>

namespace phonerig::wire::lldp {

namespace {

constexpr std::size_t kOrgHeader = 4;  // OUI (3) + subtype (1), 802.1AB 8.6
constexpr std::size_t kDot3atPowerLength = 12;

std::string str(std::size_t n) { return std::to_string(n); }

bool is_inventory(std::uint8_t subtype) {
  return subtype >= med_subtype::kHardwareRevision && subtype <= med_subtype::kAssetId;
}

// True when parse_organizational decodes (oui, subtype) into a typed struct.
bool is_typed(std::uint32_t oui, std::uint8_t subtype) {
  switch (oui) {
    case oui::kTiaMed:
      return subtype >= med_subtype::kCapabilities && subtype <= med_subtype::kAssetId;
    case oui::kIeee8023:
      return subtype == dot3_subtype::kMacPhy || subtype == dot3_subtype::kPowerViaMdi;
    case oui::kIeee8021:
      return subtype == dot1_subtype::kPortVlanId;
    default:
      return false;
  }
}

class OrgParser {
 public:
  OrgParser(ByteReader value, std::size_t header_offset, std::uint32_t oui, std::uint8_t subtype)
      : value_(value),
        header_offset_(header_offset),
        length_(value.remaining() + kOrgHeader),
        oui_(oui),
        subtype_(subtype),
        name_(detail::organizational_name(oui, subtype)) {}

  ParseResult<OrgSpecific> parse() {
    if (!is_typed(oui_, subtype_)) {
      Bytes info = value_.rest();
      return OrgSpecific{OrgTlv{oui_, subtype_, ByteVector(info.begin(), info.end())}};
    }
    if (oui_ == oui::kTiaMed) return med();
    if (oui_ == oui::kIeee8023) return dot3();
    // IEEE 802.1 Port VLAN ID (802.1AB-2005 Annex F): u16.
    PHONERIG_CHECK(expect_length(6));
    PHONERIG_TRY(std::uint16_t vid, value_.u16(field("port VLAN ID")));
    return OrgSpecific{PortVlanId{vid}};
  }

 private:
  ParseResult<OrgSpecific> med() {
    switch (subtype_) {
      case med_subtype::kCapabilities: {  // TIA-1057 10.2.2
        PHONERIG_CHECK(expect_length(7));
        MedCapabilities caps;
        PHONERIG_TRY(caps.capabilities, value_.u16(field("capabilities")));
        PHONERIG_TRY(caps.device_type, value_.u8(field("device type")));
        return OrgSpecific{caps};
      }
      case med_subtype::kNetworkPolicy: {  // TIA-1057 10.2.3
        PHONERIG_CHECK(expect_length(8));
        PHONERIG_TRY(std::uint32_t word, value_.u32(field("policy")));
        return OrgSpecific{NetworkPolicy::from_word(word)};
      }
      case med_subtype::kLocation: {  // TIA-1057 10.2.4: format byte, then the data
        if (length_ < kOrgHeader + 1) return too_short(kOrgHeader + 1);
        Location location;
        PHONERIG_TRY(location.format, value_.u8(field("location format")));
        Bytes data = value_.rest();
        location.data.assign(data.begin(), data.end());
        return OrgSpecific{std::move(location)};
      }
      case med_subtype::kExtendedPower: {  // TIA-1057 10.2.5
        PHONERIG_CHECK(expect_length(7));
        ExtendedPower power;
        PHONERIG_TRY(std::uint8_t bits, value_.u8(field("power type, source, priority")));
        power.power_type = static_cast<std::uint8_t>(bits >> 6);
        power.source = static_cast<std::uint8_t>((bits >> 4) & 0x03);
        power.priority = static_cast<std::uint8_t>(bits & 0x0f);
        PHONERIG_TRY(power.power_tenths_watt, value_.u16(field("power value")));
        return OrgSpecific{power};
      }
      default:  // inventory, TIA-1057 10.2.6
        return OrgSpecific{Inventory{subtype_, std::string(as_string_view(value_.rest()))}};
    }
  }

  ParseResult<OrgSpecific> dot3() {
    if (subtype_ == dot3_subtype::kMacPhy) {  // 802.1AB-2005 Annex G
      PHONERIG_CHECK(expect_length(9));
      MacPhy mac_phy;
      PHONERIG_TRY(mac_phy.autonegotiation, value_.u8(field("auto-negotiation")));
      PHONERIG_TRY(mac_phy.advertised, value_.u16(field("advertised capability")));
      PHONERIG_TRY(mac_phy.operational_mau, value_.u16(field("operational MAU type")));
      return OrgSpecific{mac_phy};
    }
    // Power via MDI (reference 2.4): 7 bytes, or 12 and more with the 802.3at fields.
    if (length_ != 7 && length_ < kDot3atPowerLength) {
      return parse_error(header_offset_, name_ + ": length " + str(length_) +
                                             ", expected 7 or at least 12");
    }
    PowerViaMdi power;
    PHONERIG_TRY(power.mdi_support, value_.u8(field("MDI power support")));
    PHONERIG_TRY(power.pse_power_pair, value_.u8(field("PSE power pair")));
    PHONERIG_TRY(power.power_class, value_.u8(field("power class")));
    if (length_ >= kDot3atPowerLength) {
      Dot3atPower at;
      PHONERIG_TRY(at.type_source_priority, value_.u8(field("power type, source, priority")));
      PHONERIG_TRY(at.pd_requested, value_.u16(field("PD requested power")));
      PHONERIG_TRY(at.pse_allocated, value_.u16(field("PSE allocated power")));
      power.dot3at = at;
      Bytes extension = value_.rest();
      power.extension.assign(extension.begin(), extension.end());
    }
    return OrgSpecific{std::move(power)};
  }

  ParseResult<bool> expect_length(std::size_t expected) {
    if (length_ == expected) return true;
    return parse_error(header_offset_,
                       name_ + ": length " + str(length_) + ", expected " + str(expected));
  }
  Unexpected<ParseError> too_short(std::size_t minimum) {
    return parse_error(header_offset_, name_ + ": length " + str(length_) +
                                           " is below the minimum " + str(minimum));
  }
  std::string field(std::string_view what) const { return name_ + " " + std::string(what); }

  ByteReader value_;
  std::size_t header_offset_;
  std::size_t length_;  // the TLV length, OUI and subtype included
  std::uint32_t oui_;
  std::uint8_t subtype_;
  std::string name_;
};

void check_width(std::uint32_t value, std::uint32_t max, const char* what) {
  if (value > max) {
    throw std::invalid_argument(std::string("lldp: ") + what + " " + str(value) + " exceeds " +
                                str(max));
  }
}

struct OrgWriter {
  ByteWriter& out;

  void header(std::uint32_t oui, std::uint8_t subtype) { out.u24(oui).u8(subtype); }

  void operator()(const MedCapabilities& tlv) {
    header(oui::kTiaMed, med_subtype::kCapabilities);
    out.u16(tlv.capabilities).u8(tlv.device_type);
  }
  void operator()(const NetworkPolicy& tlv) {
    check_width(tlv.vlan_id, 0x0fff, "LLDP-MED network policy VLAN ID");
    check_width(tlv.priority, 7, "LLDP-MED network policy L2 priority");
    check_width(tlv.dscp, 63, "LLDP-MED network policy DSCP");
    header(oui::kTiaMed, med_subtype::kNetworkPolicy);
    out.u32(tlv.word());
  }
  void operator()(const Location& tlv) {
    header(oui::kTiaMed, med_subtype::kLocation);
    out.u8(tlv.format).bytes(tlv.data);
  }
  void operator()(const ExtendedPower& tlv) {
    check_width(tlv.power_type, 3, "LLDP-MED extended power type");
    check_width(tlv.source, 3, "LLDP-MED extended power source");
    check_width(tlv.priority, 15, "LLDP-MED extended power priority");
    header(oui::kTiaMed, med_subtype::kExtendedPower);
    out.u8(static_cast<std::uint8_t>((tlv.power_type << 6) | (tlv.source << 4) | tlv.priority))
        .u16(tlv.power_tenths_watt);
  }
  void operator()(const Inventory& tlv) {
    if (!is_inventory(tlv.subtype)) {
      throw std::invalid_argument("lldp: LLDP-MED inventory subtype " + str(tlv.subtype) +
                                  " is outside 5..11");
    }
    header(oui::kTiaMed, tlv.subtype);
    out.bytes(tlv.value);
  }
  void operator()(const MacPhy& tlv) {
    header(oui::kIeee8023, dot3_subtype::kMacPhy);
    out.u8(tlv.autonegotiation).u16(tlv.advertised).u16(tlv.operational_mau);
  }
  void operator()(const PowerViaMdi& tlv) {
    if (!tlv.dot3at && !tlv.extension.empty()) {
      throw std::invalid_argument(
          "lldp: IEEE 802.3 power via MDI extension without 802.3at fields");
    }
    header(oui::kIeee8023, dot3_subtype::kPowerViaMdi);
    out.u8(tlv.mdi_support).u8(tlv.pse_power_pair).u8(tlv.power_class);
    if (tlv.dot3at) {
      out.u8(tlv.dot3at->type_source_priority)
          .u16(tlv.dot3at->pd_requested)
          .u16(tlv.dot3at->pse_allocated)
          .bytes(tlv.extension);
    }
  }
  void operator()(const PortVlanId& tlv) {
    header(oui::kIeee8021, dot1_subtype::kPortVlanId);
    out.u16(tlv.vlan_id);
  }
  void operator()(const OrgTlv& tlv) {
    check_width(tlv.oui, 0xffffff, "OUI");
    if (is_typed(tlv.oui, tlv.subtype)) {
      throw std::invalid_argument("lldp: raw " + detail::organizational_name(tlv.oui, tlv.subtype) +
                                  " would not decode as raw; use its typed struct");
    }
    header(tlv.oui, tlv.subtype);
    out.bytes(tlv.info);
  }
};

}  // namespace

std::uint32_t NetworkPolicy::word() const {
  return (std::uint32_t{app_type} << 24) | (std::uint32_t{unknown} << 23) |
         (std::uint32_t{tagged} << 22) | (std::uint32_t{reserved} << 21) |
         (std::uint32_t{vlan_id} << 9) | (std::uint32_t{priority} << 6) | std::uint32_t{dscp};
}

NetworkPolicy NetworkPolicy::from_word(std::uint32_t word) {
  NetworkPolicy policy;
  policy.app_type = static_cast<std::uint8_t>(word >> 24);
  policy.unknown = ((word >> 23) & 1u) != 0;
  policy.tagged = ((word >> 22) & 1u) != 0;
  policy.reserved = ((word >> 21) & 1u) != 0;
  policy.vlan_id = static_cast<std::uint16_t>((word >> 9) & 0x0fffu);
  policy.priority = static_cast<std::uint8_t>((word >> 6) & 0x07u);
  policy.dscp = static_cast<std::uint8_t>(word & 0x3fu);
  return policy;
}

namespace detail {

std::string organizational_name(std::uint32_t oui, std::uint8_t subtype) {
  // Indexed by LLDP-MED subtype (reference 2.2).
  static constexpr const char* kMed[] = {nullptr,
                                         "Capabilities",
                                         "Network Policy",
                                         "Location",
                                         "Extended Power via MDI",
                                         "Hardware Revision",
                                         "Firmware Revision",
                                         "Software Revision",
                                         "Serial Number",
                                         "Manufacturer",
                                         "Model",
                                         "Asset ID"};
  std::string name = "TLV 127 ";
  switch (oui) {
    case oui::kTiaMed:
      if (subtype >= 1 && subtype < std::size(kMed)) return name + "LLDP-MED " + kMed[subtype];
      return name + "LLDP-MED subtype " + str(subtype);
    case oui::kIeee8023:
      if (subtype == dot3_subtype::kMacPhy) return name + "IEEE 802.3 MAC/PHY";
      if (subtype == dot3_subtype::kPowerViaMdi) return name + "IEEE 802.3 Power via MDI";
      return name + "IEEE 802.3 subtype " + str(subtype);
    case oui::kIeee8021:
      if (subtype == dot1_subtype::kPortVlanId) return name + "IEEE 802.1 Port VLAN ID";
      return name + "IEEE 802.1 subtype " + str(subtype);
    default: {
      char text[9];
      std::snprintf(text, sizeof text, "%02x-%02x-%02x", (oui >> 16) & 0xffu, (oui >> 8) & 0xffu,
                    oui & 0xffu);
      return name + "OUI " + text + " subtype " + str(subtype);
    }
  }
}

ParseResult<OrgSpecific> parse_organizational(ByteReader value, std::size_t header_offset) {
  if (value.remaining() < kOrgHeader) {
    return parse_error(header_offset, "TLV 127 Organizationally Specific: length " +
                                          str(value.remaining()) + " is below the minimum 4");
  }
  PHONERIG_TRY(std::uint32_t oui, value.u24("OUI"));
  PHONERIG_TRY(std::uint8_t subtype, value.u8("subtype"));
  return OrgParser(value, header_offset, oui, subtype).parse();
}

ByteVector organizational_value(const OrgSpecific& tlv) {
  ByteWriter out;
  std::visit(OrgWriter{out}, tlv);
  return out.take();
}

}  // namespace detail

}  // namespace phonerig::wire::lldp
