// The services section and the phones' lines and reservations (issue 4), and the checks
// that span sections: services on serving interfaces, an address for every phone,
// a password for every line when the registrar checks digest.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/scenario/lab_file.hpp"

namespace phonerig::scenario {
namespace {

using ::testing::ElementsAre;

// Lines 1-4 of every lab below.
const std::string kRig =
    "rig:\n"
    "  interfaces:\n"
    "    - {name: voice, role: service, device: eth1, address: 198.18.0.10/24}\n"
    "    - {name: span, role: capture, device: eth2}\n";

LoadResult<Lab> load(const std::string& sections) {
  return load_lab_text(kRig + sections, "lab.yaml");
}

std::vector<std::string> errors_of(const std::string& sections) {
  auto lab = load(sections);
  std::vector<std::string> lines;
  if (lab.has_value()) return lines;
  for (const auto& diagnostic : lab.error()) lines.push_back(diagnostic.to_string());
  return lines;
}

TEST(LabServicesSettings, DefaultsServeEverythingButTheAnnouncer) {
  auto lab = load("services: {}\n");
  ASSERT_TRUE(lab.has_value()) << to_string(lab.error());
  EXPECT_EQ(lab->services.cdp.mode, ServiceMode::off);
  EXPECT_TRUE(lab->services.dhcp.served());
  EXPECT_EQ(lab->services.tftp.port, 69);
  EXPECT_EQ(lab->services.http.port, 6970);
  EXPECT_EQ(lab->services.http.missing_status, 404);
  EXPECT_EQ(lab->services.sip.port, 5060);
  EXPECT_TRUE(lab->services.sip.udp);
  EXPECT_TRUE(lab->services.sip.tcp);
  EXPECT_FALSE(lab->services.sip.digest);
  EXPECT_TRUE(lab->services.dhcp.send_option150);
}

TEST(LabServicesSettings, ReadsEverySetting) {
  auto lab = load(R"(services:
  cdp: {mode: on, interface: voice, device_id: rig-sw, port_id: Gi0/1, interval_s: 30, lldp: false, power_available_mw: 30000}
  dhcp:
    mode: on
    interface: voice
    lease_s: 600
    routers: [198.18.0.1]
    dns: [198.18.0.53, 198.18.0.54]
    domain: lab.test
    pool: {first: 198.18.0.100, last: 198.18.0.120}
    tftp_servers: [198.18.0.10, 198.18.0.11]
    option66: tftp.lab.test
    lease_file: state/leases
  tftp: {mode: on, root: /srv/tftp, port: 1069}
  http: {mode: on, port: 8080, missing_status: 503}
  sip: {mode: on, port: 5070, transports: [tcp], digest: true, realm: lab, granted_expires: 120, min_expires: 30, max_expires: 3600}
  callmanager_group:
    - {name: b, address: 198.18.0.11, priority: 1}
    - {name: a, address: 198.18.0.10, sip_port: 5070}
  loads: {CP-8851: sip88xx.14-2-1-0001-14, CP-7821: sip78xx.14-2-1-0001-14}
)");
  ASSERT_TRUE(lab.has_value()) << to_string(lab.error());
  const Services& s = lab->services;
  EXPECT_EQ(s.cdp.mode, ServiceMode::on);
  EXPECT_EQ(s.cdp.interface, "voice");
  EXPECT_EQ(s.cdp.device_id, "rig-sw");
  EXPECT_EQ(s.cdp.port_id, "Gi0/1");
  EXPECT_EQ(s.cdp.interval_s, 30);
  EXPECT_FALSE(s.cdp.lldp);
  EXPECT_EQ(s.cdp.power_available_mw, 30000u);
  EXPECT_EQ(s.dhcp.lease_s, 600u);
  ASSERT_EQ(s.dhcp.routers.size(), 1u);
  EXPECT_EQ(s.dhcp.routers[0].to_string(), "198.18.0.1");
  EXPECT_EQ(s.dhcp.dns.size(), 2u);
  EXPECT_EQ(s.dhcp.domain, "lab.test");
  ASSERT_TRUE(s.dhcp.pool);
  EXPECT_EQ(s.dhcp.pool->last.to_string(), "198.18.0.120");
  ASSERT_EQ(s.dhcp.tftp_servers.size(), 2u);
  EXPECT_EQ(s.dhcp.tftp_servers[1].to_string(), "198.18.0.11");
  EXPECT_EQ(s.dhcp.option66, "tftp.lab.test");
  ASSERT_TRUE(s.dhcp.lease_file);
  EXPECT_TRUE(s.dhcp.lease_file->is_absolute());  // relative to the lab file's folder
  EXPECT_EQ(s.tftp.root, std::filesystem::path("/srv/tftp"));
  EXPECT_EQ(s.tftp.port, 1069);
  EXPECT_EQ(s.http.port, 8080);
  EXPECT_EQ(s.http.missing_status, 503);
  EXPECT_EQ(s.sip.port, 5070);
  EXPECT_FALSE(s.sip.udp);
  EXPECT_TRUE(s.sip.tcp);
  EXPECT_TRUE(s.sip.digest);
  EXPECT_EQ(s.sip.realm, "lab");
  EXPECT_EQ(s.sip.granted_expires, 120);
  EXPECT_EQ(s.sip.min_expires, 30);
  EXPECT_EQ(s.sip.max_expires, 3600);
  ASSERT_EQ(s.callmanager_group.size(), 2u);
  EXPECT_EQ(s.callmanager_group[0].name, "b");
  EXPECT_EQ(s.callmanager_group[0].priority, 1);
  EXPECT_EQ(s.callmanager_group[1].sip_port, 5070);
  ASSERT_EQ(s.loads.size(), 2u);
  EXPECT_EQ(s.loads[1].first, "CP-7821");
  EXPECT_EQ(s.loads[1].second, "sip78xx.14-2-1-0001-14");
}

TEST(LabServicesSettings, RejectsBadValuesWithTheirPositions) {
  EXPECT_THAT(errors_of(R"(services:
  cdp: {mode: on, interval_s: 300}
  dhcp: {mode: on, pool: {first: 198.18.0.20, last: 198.18.0.10}, routers: [1.2.3]}
  http: {mode: on, missing_status: 500}
  sip: {mode: on, transports: [udp, sctp], min_expires: 600, max_expires: 60}
  callmanager_group: []
)"),
              ElementsAre(
                  "lab.yaml:6:31: services.cdp.interval_s: expected an integer 5..254, got 300",
                  "lab.yaml:7:53: services.dhcp.pool.last: the pool's last address comes "
                  "before its first",
                  "lab.yaml:7:77: services.dhcp.routers[0]: '1.2.3' is not an IPv4 address "
                  "(A.B.C.D)",
                  "lab.yaml:8:36: services.http.missing_status: expected one of 404, 503, got "
                  "'500'",
                  "lab.yaml:9:8: services.sip: min_expires (600) is above max_expires (60)",
                  "lab.yaml:9:37: services.sip.transports[1]: expected one of udp, tcp, got "
                  "'sctp'",
                  "lab.yaml:10:22: services.callmanager_group: the CallManager group needs at "
                  "least one member"));
}

TEST(LabServicesSettings, Option66OnlyNeedsOption66) {
  EXPECT_THAT(errors_of("services:\n  dhcp: {mode: on, option150: false}\n"),
              ElementsAre("lab.yaml:6:9: services.dhcp: with option150: false, option66 must "
                          "name the TFTP server"));
  auto lab = load("services:\n  dhcp: {mode: on, option150: false, option66: 198.18.0.10}\n");
  ASSERT_TRUE(lab.has_value()) << to_string(lab.error());
  EXPECT_FALSE(lab->services.dhcp.send_option150);
}

TEST(LabPhoneLines, ReadsLinesReservationsAndTheDeviceName) {
  auto lab = load(R"(phones:
  - id: desk
    mac: 00:1e:4a:3c:12:0a
    model: CP-8851
    address: 198.18.0.101
    lines:
      - {dn: "1001", auth_name: desk, password: env:DESK_PASSWORD, display_name: Desk}
      - {dn: "1002"}
)");
  ASSERT_TRUE(lab.has_value()) << to_string(lab.error());
  const Phone& phone = lab->phones[0];
  EXPECT_EQ(phone.device_name(), "SEP001E4A3C120A");
  ASSERT_TRUE(phone.address);
  EXPECT_EQ(phone.address->to_string(), "198.18.0.101");
  ASSERT_EQ(phone.lines.size(), 2u);
  EXPECT_EQ(phone.lines[0].user(), "desk");
  EXPECT_EQ(phone.lines[1].user(), "1002");  // the DN when no auth name
  ASSERT_TRUE(phone.lines[0].password);
  EXPECT_EQ(phone.lines[0].password->to_string(), "env:DESK_PASSWORD");
  EXPECT_EQ(phone.lines[0].display_name, "Desk");
}

TEST(LabPhoneLines, RefusesAnInlinePasswordWithoutRepeatingIt) {
  const auto errors = errors_of(R"(phones:
  - id: desk
    mac: 00:1e:4a:3c:12:0a
    model: CP-8851
    lines: [{dn: "1001", password: hunter2secret}]
)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].find("hunter2secret"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("lines[0].password"), std::string::npos) << errors[0];
}

TEST(LabPhoneLines, RejectsDuplicateAndMalformedDirectoryNumbers) {
  EXPECT_THAT(errors_of(R"(phones:
  - id: desk
    mac: 00:1e:4a:3c:12:0a
    model: CP-8851
    lines: [{dn: "1001"}, {dn: "1001"}, {dn: "10 01"}]
)"),
              ElementsAre("lab.yaml:9:32: phones[0].lines[1].dn: duplicate line 1001",
                          "lab.yaml:9:46: phones[0].lines[2].dn: a directory number is "
                          "digits, letters or + - _ . * #"));
}

TEST(LabAcrossSections, ServicesMustBindToAnInterfaceThatServes) {
  EXPECT_THAT(errors_of("services:\n  tftp: {mode: on, interface: span}\n"
                        "  sip: {mode: on, interface: nowhere}\n"),
              ElementsAre("lab.yaml:6:9: services.tftp.interface: 'span' only captures; a "
                          "service needs an interface with role service or both",
                          "lab.yaml:7:8: services.sip.interface: no rig interface is named "
                          "'nowhere'"));
}

TEST(LabAcrossSections, DhcpNeedsAnAddressForEveryPhone) {
  const std::string phones = R"(phones:
  - {id: a, mac: 00:1e:4a:00:00:01, model: CP-8851}
  - {id: b, mac: 00:1e:4a:00:00:02, model: CP-8851, address: 198.18.7.5}
  - {id: c, mac: 00:1e:4a:00:00:03, model: CP-8851, address: 198.18.7.5}
)";
  EXPECT_THAT(errors_of(phones + "services:\n  dhcp: {mode: on, interface: voice}\n"),
              ElementsAre("lab.yaml:6:5: phones[0]: 'a' has no address and services.dhcp has "
                          "no pool",
                          "lab.yaml:7:5: phones[1].address: 198.18.7.5 is outside "
                          "198.18.0.10/24 of the DHCP interface 'voice' and services.dhcp "
                          "names no router",
                          "lab.yaml:8:5: phones[2].address: 198.18.7.5 is outside "
                          "198.18.0.10/24 of the DHCP interface 'voice' and services.dhcp "
                          "names no router",
                          "lab.yaml:8:5: phones[2].address: 198.18.7.5 is already phone 'b'"));
  // A relayed lab: the reservations live on the far side of the gateway.
  auto lab = load(phones.substr(0, phones.find("  - {id: c")) +
                  "services:\n  dhcp: {mode: on, routers: [198.18.7.1], pool: {first: "
                  "198.18.7.100, last: 198.18.7.110}}\n");
  EXPECT_TRUE(lab.has_value()) << to_string(lab.error());
}

TEST(LabAcrossSections, DigestNeedsAPasswordOnEveryLine) {
  EXPECT_THAT(errors_of(R"(phones:
  - id: a
    mac: 00:1e:4a:00:00:01
    model: CP-8851
    address: 198.18.0.101
    lines: [{dn: "1001", password: env:A_PASSWORD}, {dn: "1002"}]
services:
  sip: {mode: on, digest: true}
)"),
              ElementsAre("lab.yaml:10:53: phone 'a' line 1002: services.sip.digest is on, so "
                          "the line needs a password reference"));
}

}  // namespace
}  // namespace phonerig::scenario
