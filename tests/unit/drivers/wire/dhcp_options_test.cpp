// DHCP option values: typed accessors and setters (RFC 2132), option 82 sub-options
// (RFC 3046), option 150 (RFC 5859), long options split over instances (RFC 3396), reply
// ordering by the parameter request list, and the exact error of each malformed value.
#include "drivers/wire/dhcp.hpp"
#include "drivers/wire/dhcp_options.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <stdexcept>
#include <string>
#include <vector>

namespace phonerig::wire {
namespace {

ByteVector hex(std::string_view text) {
  auto bytes = from_hex(text);
  if (!bytes) throw std::invalid_argument("bad hex in test: " + bytes.error().to_string());
  return *bytes;
}

Ipv4 ip(std::string_view dotted) {
  return *Ipv4::parse(dotted);
}

// A BOOTREQUEST with the magic cookie, then `options`; options begin at offset 240.
dhcp::Options parsed_options(std::string_view options_hex) {
  ByteVector bytes(dhcp::kHeaderSize, 0);
  bytes[0] = 1;
  bytes[1] = 1;
  bytes[2] = 6;
  ByteVector tail = hex("63 82 53 63 " + std::string(options_hex));
  bytes.insert(bytes.end(), tail.begin(), tail.end());
  auto parsed = dhcp::parse(bytes);
  if (!parsed) {
    ADD_FAILURE() << parsed.error().to_string();
    return {};
  }
  return parsed->options;
}

template <class T> ParseError error_of(const ParseResult<T>& result) {
  if (result) {
    ADD_FAILURE() << "accessor accepted a malformed value";
    return {};
  }
  return result.error();
}

std::vector<std::uint8_t> codes_of(const dhcp::Options& options) {
  std::vector<std::uint8_t> codes;
  for (const auto& item : options.items())
    codes.push_back(item.code);
  return codes;
}

// The offer of reference section 4.2 [tool-checked]: 150 as two addresses, 66 as text.
dhcp::Message reference_offer() {
  dhcp::Message message;
  message.op = dhcp::Op::reply;
  message.xid = 0x1234abcd;
  message.set_mac(*Mac::parse("00:1b:53:48:9e:e0"));
  message.yiaddr = ip("198.18.0.21");
  message.options.set_message_type(dhcp::MessageType::offer);
  const Ipv4 tftp[] = {ip("198.18.0.10"), ip("198.18.0.11")};
  message.options.set_tftp_server_addresses(tftp);
  message.options.set_tftp_server_name("198.18.0.10");
  return message;
}

bool contains(const ByteVector& haystack, const ByteVector& needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

// ---------------------------------------------------------------------------------------
// Reference and RFC examples

TEST(DhcpOptions, EncodeOption150AndOption66AsTheToolCheckedReferenceOffer) {
  ByteVector bytes = dhcp::build(reference_offer());
  EXPECT_TRUE(contains(bytes, hex("96 08 c6 12 00 0a c6 12 00 0b")));
  EXPECT_TRUE(contains(bytes, hex("42 0b 31 39 38 2e 31 38 2e 30 2e 31 30")));
  EXPECT_EQ(to_hex(Bytes(bytes).subspan(240, 3)), "350102");
}

TEST(DhcpOptions, StripTheTrailingNulOfA79xxVendorClass) {
  dhcp::Options options;
  options.set_vendor_class(std::string_view("Cisco Systems, Inc. IP Phone CP-7941G\0", 38));
  EXPECT_EQ(options.get(dhcp::option::kVendorClass)->size(), 38u); // sent with its NUL
  EXPECT_EQ(options.vendor_class().value(), "Cisco Systems, Inc. IP Phone CP-7941G");
}

TEST(DhcpOptions, ReadBackEveryTypedSetterAfterBuildAndParse) {
  dhcp::Message message = reference_offer();
  auto& o = message.options;
  const Ipv4 routers[] = {ip("198.18.0.1")};
  const Ipv4 dns[] = {ip("198.18.0.2"), ip("198.18.0.3")};
  const Ipv4 ntp[] = {ip("198.18.0.4")};
  const std::uint8_t prl[] = {1, 3, 6, 15, 66, 150};
  o.set_subnet_mask(ip("255.255.255.0"));
  o.set_routers(routers);
  o.set_dns_servers(dns);
  o.set_ntp_servers(ntp);
  o.set_host_name("SEP001B53489EE0");
  o.set_domain_name("lab.example");
  o.set_vendor_class("Cisco Systems, Inc. IP Phone CP-8841");
  o.set_bootfile_name("SEP001B53489EE0.cnf.xml");
  o.set_vendor_specific(hex("01 02 03"));
  o.set_requested_ip(ip("198.18.0.21"));
  o.set_server_id(ip("198.18.0.10"));
  o.set_lease_time(86400);
  o.set_renewal_time(43200);
  o.set_rebinding_time(75600);
  o.set_parameter_request_list(prl);
  o.set_max_message_size(1500);
  o.set_client_id({1, hex("00 1b 53 48 9e e0")});
  dhcp::RelayAgentInfo relay;
  relay.set(dhcp::relay_sub_option::kCircuitId, hex("00 04 00 64 00 01"));
  relay.set(dhcp::relay_sub_option::kRemoteId, as_bytes("ASW1"));
  o.set_relay_agent_info(relay);

  auto parsed = dhcp::parse(dhcp::build(message));
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(*parsed, message);
  const auto& p = parsed->options;
  EXPECT_EQ(p.message_type().value(), dhcp::MessageType::offer);
  EXPECT_EQ(p.subnet_mask().value(), ip("255.255.255.0"));
  EXPECT_EQ(p.routers().value(), std::vector<Ipv4>(std::begin(routers), std::end(routers)));
  EXPECT_EQ(p.dns_servers().value(), std::vector<Ipv4>(std::begin(dns), std::end(dns)));
  EXPECT_EQ(p.ntp_servers().value(), std::vector<Ipv4>(std::begin(ntp), std::end(ntp)));
  EXPECT_EQ(p.tftp_server_addresses().value(),
            (std::vector<Ipv4>{ip("198.18.0.10"), ip("198.18.0.11")}));
  EXPECT_EQ(p.tftp_server_name().value(), "198.18.0.10");
  EXPECT_EQ(p.host_name().value(), "SEP001B53489EE0");
  EXPECT_EQ(p.domain_name().value(), "lab.example");
  EXPECT_EQ(p.vendor_class().value(), "Cisco Systems, Inc. IP Phone CP-8841");
  EXPECT_EQ(p.bootfile_name().value(), "SEP001B53489EE0.cnf.xml");
  EXPECT_EQ(p.vendor_specific(), hex("01 02 03"));
  EXPECT_EQ(p.requested_ip().value(), ip("198.18.0.21"));
  EXPECT_EQ(p.server_id().value(), ip("198.18.0.10"));
  EXPECT_EQ(p.lease_time().value(), 86400u);
  EXPECT_EQ(p.renewal_time().value(), 43200u);
  EXPECT_EQ(p.rebinding_time().value(), 75600u);
  EXPECT_EQ(p.parameter_request_list().value(),
            std::vector<std::uint8_t>(std::begin(prl), std::end(prl)));
  EXPECT_EQ(p.max_message_size().value(), 1500u);
  EXPECT_EQ(p.client_id().value(), (dhcp::ClientId{1, hex("00 1b 53 48 9e e0")}));
  auto info = p.relay_agent_info().value();
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->circuit_id(), hex("00 04 00 64 00 01"));
  EXPECT_EQ(info->remote_id(), ByteVector({'A', 'S', 'W', '1'}));
  EXPECT_EQ(p.overload().value(), dhcp::Overload::none);
}

TEST(DhcpOptions, ReportAbsentOptionsAsNulloptOrEmpty) {
  dhcp::Options options = parsed_options("35 01 01 ff");
  EXPECT_FALSE(options.subnet_mask().value().has_value());
  EXPECT_TRUE(options.tftp_server_addresses().value().empty());
  EXPECT_FALSE(options.tftp_server_name().value().has_value());
  EXPECT_FALSE(options.relay_agent_info().value().has_value());
  EXPECT_FALSE(options.vendor_specific().has_value());
  EXPECT_TRUE(options.parameter_request_list().value().empty());
}

TEST(DhcpOptions, NameEveryMessageType) {
  EXPECT_STREQ(dhcp::to_string(dhcp::MessageType::discover), "DISCOVER");
  EXPECT_STREQ(dhcp::to_string(dhcp::MessageType::ack), "ACK");
  EXPECT_STREQ(dhcp::to_string(dhcp::MessageType::inform), "INFORM");
}

// ---------------------------------------------------------------------------------------
// RFC 3396 long options

TEST(DhcpOptions, SplitAValueLongerThan255BytesIntoInstances) {
  dhcp::Message message = reference_offer();
  ByteVector big(300);
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<std::uint8_t>(i);
  message.options.set_vendor_specific(big);
  std::size_t instances = 0;
  for (const auto& item : message.options.items()) {
    if (item.code == dhcp::option::kVendorSpecific) {
      EXPECT_EQ(item.data.size(), instances == 0 ? 255u : 45u);
      ++instances;
    }
  }
  EXPECT_EQ(instances, 2u);
  auto parsed = dhcp::parse(dhcp::build(message));
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(parsed->options.vendor_specific(), big);
  EXPECT_EQ(*parsed, message);
}

TEST(DhcpOptions, ConcatenateInstancesOfOneOption) {
  dhcp::Options options = parsed_options("35 01 02 96 04 c6 12 00 0a 03 04 0a 00 00 01 "
                                         "96 04 c6 12 00 0b ff");
  EXPECT_EQ(options.tftp_server_addresses().value(),
            (std::vector<Ipv4>{ip("198.18.0.10"), ip("198.18.0.11")}));
}

TEST(DhcpOptions, SetReplacesEveryInstanceWhereTheFirstWas) {
  dhcp::Options options = parsed_options("35 01 02 96 04 c6 12 00 0a 03 04 0a 00 00 01 "
                                         "96 04 c6 12 00 0b ff");
  const Ipv4 one[] = {ip("198.18.0.12")};
  options.set_tftp_server_addresses(one);
  EXPECT_EQ(codes_of(options), (std::vector<std::uint8_t>{53, 150, 3}));
  EXPECT_EQ(options.tftp_server_addresses().value(), std::vector<Ipv4>{ip("198.18.0.12")});
  options.remove(150);
  EXPECT_EQ(codes_of(options), (std::vector<std::uint8_t>{53, 3}));
}

TEST(DhcpOptions, SetAppendsNewOptionsAtTheEndOfTheOptionsField) {
  dhcp::Options options;
  options.set_message_type(dhcp::MessageType::ack);
  options.items().push_back(dhcp::Option{67, hex("61"), dhcp::Area::file});
  options.set_lease_time(60);
  EXPECT_EQ(codes_of(options), (std::vector<std::uint8_t>{53, 51, 67}));
  EXPECT_EQ(options.items()[1].area, dhcp::Area::options);
}

// ---------------------------------------------------------------------------------------
// Reply ordering, RFC 2132 section 9.8

TEST(DhcpOptions, OrderPutsMessageTypeFirstThenRequestedThenTheRest) {
  dhcp::Options options;
  options.set_lease_time(86400);
  options.set_server_id(ip("198.18.0.10"));
  options.set_renewal_time(43200);
  options.set_rebinding_time(75600);
  const Ipv4 tftp[] = {ip("198.18.0.10"), ip("198.18.0.11")};
  options.set_tftp_server_addresses(tftp);
  options.set_tftp_server_name("198.18.0.10");
  options.set_domain_name("lab");
  const Ipv4 one[] = {ip("198.18.0.1")};
  options.set_dns_servers(one);
  options.set_routers(one);
  options.set_subnet_mask(ip("255.255.255.0"));
  options.set_message_type(dhcp::MessageType::ack);
  options.items().insert(options.items().begin(), dhcp::Option{dhcp::option::kPad, {}});
  const std::uint8_t prl[] = {1, 3, 6, 15, 66, 150};
  options.order_options(prl);
  EXPECT_EQ(codes_of(options),
            (std::vector<std::uint8_t>{53, 1, 3, 6, 15, 66, 150, 51, 54, 58, 59}));
  dhcp::Message message;
  message.options = options;
  ByteVector bytes = dhcp::build(message);
  EXPECT_EQ(to_hex(Bytes(bytes).subspan(240, 9)), "350105"
                                                  "0104ffffff00");
}

TEST(DhcpOptions, OrderKeepsEachFieldsInstancesInTheirField) {
  dhcp::Options options;
  options.items().push_back(dhcp::Option{67, hex("61"), dhcp::Area::file});
  options.set_message_type(dhcp::MessageType::ack);
  options.set_overload(dhcp::Overload::file);
  options.items().push_back(dhcp::Option{66, hex("62"), dhcp::Area::file});
  const std::uint8_t prl[] = {66, 67};
  options.order_options(prl);
  EXPECT_EQ(codes_of(options), (std::vector<std::uint8_t>{53, 52, 66, 67}));
  EXPECT_EQ(options.items()[2].area, dhcp::Area::file);
}

// ---------------------------------------------------------------------------------------
// Option 82, RFC 3046

TEST(DhcpRelayAgentInfo, ParsesCircuitIdRemoteIdAndKeepsOtherSubOptions) {
  dhcp::Options options = parsed_options("35 01 03 52 12 01 06 00 04 00 64 00 01 "
                                         "02 04 41 53 57 31 05 02 aa bb ff");
  auto info = options.relay_agent_info().value();
  ASSERT_TRUE(info.has_value());
  ASSERT_EQ(info->sub_options.size(), 3u);
  EXPECT_EQ(info->circuit_id(), hex("00 04 00 64 00 01"));
  EXPECT_EQ(info->remote_id(), hex("41 53 57 31"));
  EXPECT_EQ(info->find(5), hex("aa bb"));
  EXPECT_EQ(dhcp::build_relay_agent_info(*info), *options.get(82));
}

TEST(DhcpRelayAgentInfo, RejectsASubOptionRunningPastTheOption) {
  // 82 at 243, its value at 245; sub-option 2 at 253 claims 9 bytes, 2 are left.
  dhcp::Options options = parsed_options("35 01 03 52 0c 01 06 00 04 00 64 00 01 02 09 41 53 ff");
  EXPECT_EQ(error_of(options.relay_agent_info()),
            (ParseError{253, "option 82: sub-option 2: length 9 runs past the end of the "
                             "option, 2 bytes left"}));
}

TEST(DhcpRelayAgentInfo, RejectsASubOptionWithoutLength) {
  dhcp::Options options = parsed_options("35 01 03 52 03 01 00 02 ff");
  EXPECT_EQ(error_of(options.relay_agent_info()),
            (ParseError{247, "option 82: sub-option 2: no length byte before the end"}));
}

TEST(DhcpRelayAgentInfo, ReportsErrorsInASplitOptionAtTheInstanceThatHoldsThem) {
  // 82 split: first instance 243 (value 245..248), second 249 (value 251..252).
  dhcp::Options options = parsed_options("35 01 03 52 04 01 02 aa bb 52 02 02 05 ff");
  EXPECT_EQ(error_of(options.relay_agent_info()),
            (ParseError{251, "option 82: sub-option 2: length 5 runs past the end of the "
                             "option, 0 bytes left"}));
}

TEST(DhcpRelayAgentInfo, BuildRejectsASubOptionOver255Bytes) {
  dhcp::RelayAgentInfo info;
  info.set(1, ByteVector(256, 0));
  EXPECT_THROW(dhcp::build_relay_agent_info(info), std::length_error);
}

// ---------------------------------------------------------------------------------------
// Malformed values: the exact error of each, at the offset of the option

TEST(DhcpOptions, RejectOption150WhoseLengthIsNotAMultipleOf4) {
  dhcp::Options options = parsed_options("35 01 02 96 09 c6 12 00 0a c6 12 00 0b 00 ff");
  EXPECT_EQ(error_of(options.tftp_server_addresses()),
            (ParseError{243, "option 150: length 9 is not a multiple of 4"}));
}

TEST(DhcpOptions, RejectASplitOption150WhoseTotalIsNotAMultipleOf4) {
  dhcp::Options options = parsed_options("35 01 02 96 05 c6 12 00 0a c6 96 04 12 00 0b 00 ff");
  EXPECT_EQ(error_of(options.tftp_server_addresses()),
            (ParseError{243, "option 150: length 9 is not a multiple of 4"}));
}

TEST(DhcpOptions, RejectAnEmptyOption150) {
  dhcp::Options options = parsed_options("35 01 02 96 00 ff");
  EXPECT_EQ(error_of(options.tftp_server_addresses()),
            (ParseError{243, "option 150: length 0, needs at least one address"}));
}

TEST(DhcpOptions, RejectARouterListOfSixBytes) {
  dhcp::Options options = parsed_options("35 01 02 03 06 0a 00 00 01 0a 00 ff");
  EXPECT_EQ(error_of(options.routers()),
            (ParseError{243, "option 3: length 6 is not a multiple of 4"}));
}

TEST(DhcpOptions, RejectASubnetMaskOfThreeBytes) {
  dhcp::Options options = parsed_options("35 01 02 01 03 ff ff ff ff");
  EXPECT_EQ(error_of(options.subnet_mask()), (ParseError{243, "option 1: length 3, must be 4"}));
}

TEST(DhcpOptions, RejectALeaseTimeOfTwoBytes) {
  dhcp::Options options = parsed_options("35 01 02 33 02 0e 10 ff");
  EXPECT_EQ(error_of(options.lease_time()), (ParseError{243, "option 51: length 2, must be 4"}));
}

TEST(DhcpOptions, RejectAMaxMessageSizeBelow576) {
  dhcp::Options options = parsed_options("35 01 01 39 02 01 f4 ff");
  EXPECT_EQ(error_of(options.max_message_size()),
            (ParseError{243, "option 57: 500 is below the minimum of 576"}));
}

TEST(DhcpOptions, RejectAClientIdWithoutIdentifier) {
  dhcp::Options options = parsed_options("35 01 01 3d 01 01 ff");
  EXPECT_EQ(error_of(options.client_id()),
            (ParseError{243, "option 61: length 1, needs at least 2 (type and identifier)"}));
}

TEST(DhcpOptions, RejectAnEmptyParameterRequestList) {
  dhcp::Options options = parsed_options("35 01 01 37 00 ff");
  EXPECT_EQ(error_of(options.parameter_request_list()),
            (ParseError{243, "option 55: length 0, needs at least 1"}));
}

TEST(DhcpOptions, RejectAnEmptyTftpServerName) {
  dhcp::Options options = parsed_options("35 01 02 42 00 ff");
  EXPECT_EQ(error_of(options.tftp_server_name()),
            (ParseError{243, "option 66: length 0, needs at least 1"}));
}

TEST(DhcpOptions, ReportAMissingMessageTypeWhereOptionsBegin) {
  dhcp::Options options;
  EXPECT_EQ(error_of(options.message_type()),
            (ParseError{240, "option 53 (DHCP message type): missing"}));
}

TEST(DhcpOptions, SettersRejectValuesTheAccessorsWouldReject) {
  dhcp::Options options;
  EXPECT_THROW(options.set_tftp_server_addresses({}), std::invalid_argument);
  EXPECT_THROW(options.set_tftp_server_name(""), std::invalid_argument);
  EXPECT_THROW(options.set_max_message_size(575), std::invalid_argument);
  EXPECT_THROW(options.set_client_id({1, {}}), std::invalid_argument);
  EXPECT_THROW(options.set(dhcp::option::kPad, hex("00")), std::invalid_argument);
  EXPECT_THROW(options.set(dhcp::option::kEnd, hex("00")), std::invalid_argument);
  EXPECT_TRUE(options.items().empty());
}

} // namespace
} // namespace phonerig::wire
