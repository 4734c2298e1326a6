// DHCP messages built by our encoder, in whole frames, read back by tshark: a Cisco phone's
// DISCOVER, the OFFER and ACK the rig serves (options 66 and 150), and a REQUEST relayed
// with giaddr and option 82. Same field values, no malformed packet, no expert warning.
#include "drivers/wire/dhcp.hpp"
#include "drivers/wire/ip.hpp"
#include "tests/support/tshark.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace phonerig::wire {
namespace {

Ipv4 ip(std::string_view dotted) {
  return *Ipv4::parse(dotted);
}

const Mac kPhone = *Mac::parse("00:1b:53:48:9e:e0");
const Mac kServer = *Mac::parse("02:00:c6:12:00:0a");
const Mac kRelay = *Mac::parse("02:00:c6:12:01:01");
const std::uint8_t kRequested[] = {1, 3, 6, 15, 66, 150};
constexpr std::string_view kVendorClass = "Cisco Systems, Inc. IP Phone CP-8841";
constexpr std::uint32_t kXid = 0x8841abcd;

dhcp::Message phone_message(dhcp::MessageType type) {
  dhcp::Message message;
  message.op = dhcp::Op::request;
  message.xid = kXid;
  message.set_mac(kPhone);
  message.options.set_message_type(type);
  message.options.set_client_id({1, ByteVector(kPhone.octets.begin(), kPhone.octets.end())});
  message.options.set_vendor_class(kVendorClass);
  message.options.set_parameter_request_list(kRequested);
  return message;
}

dhcp::Message server_reply(dhcp::MessageType type) {
  dhcp::Message message;
  message.op = dhcp::Op::reply;
  message.xid = kXid;
  message.set_mac(kPhone);
  message.yiaddr = ip("198.18.0.21");
  message.siaddr = ip("198.18.0.10");
  auto& o = message.options;
  o.set_message_type(type);
  o.set_server_id(ip("198.18.0.10"));
  o.set_lease_time(86400);
  o.set_renewal_time(43200);
  o.set_rebinding_time(75600);
  o.set_subnet_mask(ip("255.255.255.0"));
  const Ipv4 router[] = {ip("198.18.0.1")};
  const Ipv4 dns[] = {ip("198.18.0.2")};
  const Ipv4 tftp[] = {ip("198.18.0.10"), ip("198.18.0.11")};
  o.set_routers(router);
  o.set_dns_servers(dns);
  o.set_domain_name("lab.example");
  o.set_tftp_server_name("198.18.0.10");
  o.set_tftp_server_addresses(tftp);
  o.order_options(kRequested);
  return message;
}

dhcp::RelayAgentInfo relay_info() {
  dhcp::RelayAgentInfo info;
  const std::uint8_t circuit[] = {0x00, 0x04, 0x00, 0x64, 0x00, 0x01}; // VLAN 100, port 1
  info.set(dhcp::relay_sub_option::kCircuitId, circuit);
  info.set(dhcp::relay_sub_option::kRemoteId, as_bytes("ASW1"));
  return info;
}

std::vector<ByteVector> frames() {
  std::vector<ByteVector> out;
  // 1: DISCOVER, broadcast from 0.0.0.0 (RFC 2131 section 4.1).
  dhcp::Message discover = phone_message(dhcp::MessageType::discover);
  discover.set_broadcast(true);
  out.push_back(build_udp_frame({Mac::broadcast(), kPhone, {}}, {Ipv4::any(), Ipv4::broadcast()},
                                dhcp::kClientPort, dhcp::kServerPort, dhcp::build(discover)));
  // 2: OFFER, broadcast because the client asked for it.
  dhcp::Message offer = server_reply(dhcp::MessageType::offer);
  offer.set_broadcast(true);
  out.push_back(build_udp_frame({Mac::broadcast(), kServer, {}},
                                {ip("198.18.0.10"), Ipv4::broadcast()}, dhcp::kServerPort,
                                dhcp::kClientPort, dhcp::build(offer)));
  // 3: REQUEST relayed: giaddr, hops 1, option 82 last (RFC 3046 section 2.1).
  dhcp::Message request = phone_message(dhcp::MessageType::request);
  request.hops = 1;
  request.giaddr = ip("198.18.1.1");
  request.options.set_requested_ip(ip("198.18.0.21"));
  request.options.set_server_id(ip("198.18.0.10"));
  request.options.set_relay_agent_info(relay_info());
  out.push_back(build_udp_frame({kServer, kRelay, {}}, {ip("198.18.1.1"), ip("198.18.0.10")},
                                dhcp::kServerPort, dhcp::kServerPort, dhcp::build(request)));
  // 4: ACK back to the relay, echoing option 82 (RFC 3046 section 2.2).
  dhcp::Message ack = server_reply(dhcp::MessageType::ack);
  ack.hops = 1;
  ack.giaddr = ip("198.18.1.1");
  ack.options.set_relay_agent_info(relay_info());
  out.push_back(build_udp_frame({kRelay, kServer, {}}, {ip("198.18.0.10"), ip("198.18.1.1")},
                                dhcp::kServerPort, dhcp::kServerPort, dhcp::build(ack)));
  return out;
}

// tests/support/tshark.cpp reads tshark's stderr with its stdout, so when the tests run as
// root tshark's 'Running as user "root"' notice comes back as one more row or "problem".
bool is_root_notice(const std::string& text) {
  return text.find("Running as user \"root\"") != std::string::npos;
}

std::vector<std::vector<std::string>> field_rows(const std::vector<ByteVector>& built,
                                                 const std::vector<std::string>& fields) {
  std::vector<std::vector<std::string>> rows;
  for (auto& row : testing::tshark_fields(built, fields)) {
    if (!row.empty() && is_root_notice(row[0])) continue;
    rows.push_back(std::move(row));
  }
  return rows;
}

TEST(DhcpTshark, ReadsTheSameFieldsAsWeWrote) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  const auto built = frames();
  const std::vector<std::string> fields = {
      "dhcp.option.dhcp",
      "dhcp.id",
      "dhcp.hw.mac_addr",
      "dhcp.flags.bc",
      "dhcp.ip.your",
      "dhcp.ip.relay",
      "dhcp.hops",
      "dhcp.option.vendor_class_id",
      "dhcp.option.request_list_item",
      "dhcp.hw.type", // header, and option 61's type when it is 1 (Ethernet)
      "dhcp.option.tftp_server_address",
      "dhcp.option.tftp_server_name",
      "dhcp.option.subnet_mask",
      "dhcp.option.router",
      "dhcp.option.domain_name_server",
      "dhcp.option.domain_name",
      "dhcp.option.ip_address_lease_time",
      "dhcp.option.renewal_time_value",
      "dhcp.option.rebinding_time_value",
      "dhcp.option.dhcp_server_id",
      "dhcp.option.requested_ip_address",
      "dhcp.option.agent_information_option.agent_circuit_id",
      "dhcp.option.agent_information_option.agent_remote_id",
      "dhcp.option.type", // tshark 4.0 prints End as 0 here
      "dhcp.option.end",
  };
  const auto rows = field_rows(built, fields);
  ASSERT_EQ(rows.size(), 4u) << testing::tshark_verbose(built);
  const std::string prl = "1|3|6|15|66|150";
  const std::string mac = "00:1b:53:48:9e:e0";
  const std::string vendor(kVendorClass);
  const std::string tftp = "198.18.0.10|198.18.0.11";
  // OFFER/ACK options in parameter request list order after 53, then the rest.
  const std::string reply_codes = "53|1|3|6|15|66|150|54|51|58|59";
  using Row = std::vector<std::string>;
  // clang-format off
  const std::string both = "0x01|0x01";  // header htype and option 61 type
  const std::string relay = "198.18.1.1";
  const std::string circuit = "000400640001";
  const std::string remote = "41535731";  // "ASW1"
  const std::vector<Row> expected = {
      {"1", "0x8841abcd", mac + "|" + mac, "1", "0.0.0.0", "0.0.0.0", "0", vendor, prl, both,
       "", "", "", "", "", "", "", "", "", "", "", "", "",
       "53|61|60|55|0", "255"},
      {"2", "0x8841abcd", mac, "1", "198.18.0.21", "0.0.0.0", "0", "", "", "0x01",
       tftp, "198.18.0.10", "255.255.255.0", "198.18.0.1", "198.18.0.2", "lab.example",
       "86400", "43200", "75600", "198.18.0.10", "", "", "",
       reply_codes + "|0", "255"},
      {"3", "0x8841abcd", mac + "|" + mac, "0", "0.0.0.0", relay, "1", vendor, prl, both,
       "", "", "", "", "", "", "", "", "", "198.18.0.10", "198.18.0.21", circuit, remote,
       "53|61|60|55|50|54|82|0", "255"},
      {"5", "0x8841abcd", mac, "0", "198.18.0.21", relay, "1", "", "", "0x01",
       tftp, "198.18.0.10", "255.255.255.0", "198.18.0.1", "198.18.0.2", "lab.example",
       "86400", "43200", "75600", "198.18.0.10", "", circuit, remote,
       reply_codes + "|82|0", "255"},
  };
  // clang-format on
  for (std::size_t frame = 0; frame < rows.size(); ++frame) {
    ASSERT_EQ(rows[frame].size(), fields.size());
    for (std::size_t f = 0; f < fields.size(); ++f) {
      EXPECT_EQ(rows[frame][f], expected[frame][f])
          << "frame " << frame + 1 << " field " << fields[f];
    }
  }
}

TEST(DhcpTshark, FindsNoProblemInOurFrames) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  const auto built = frames();
  std::vector<std::string> problems;
  for (auto& problem : testing::tshark_problems(built)) {
    if (!is_root_notice(problem)) problems.push_back(std::move(problem));
  }
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems) << "\n"
                                << testing::tshark_verbose(built);
}

} // namespace
} // namespace phonerig::wire
