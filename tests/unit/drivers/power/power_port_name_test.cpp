// Port names as labs write them, resolved against a switch's tables (fake tables here).
#include <gtest/gtest.h>

#include "drivers/power/port_name.hpp"

namespace phonerig::power {
namespace {

TEST(PowerPortName, ShortAndLongIosNamesNormalizeAlike) {
  EXPECT_EQ(normalize_port_name("Gi1/0/5"), "gigabitethernet1/0/5");
  EXPECT_EQ(normalize_port_name("GigabitEthernet1/0/5"), "gigabitethernet1/0/5");
  EXPECT_EQ(normalize_port_name("gi 1/0/5"), "gigabitethernet1/0/5");
  EXPECT_EQ(normalize_port_name("Fa0/1"), "fastethernet0/1");
  EXPECT_EQ(normalize_port_name("Te1/1/1"), "tengigabitethernet1/1/1");
  EXPECT_EQ(normalize_port_name("Gig1/0/5"), "gigabitethernet1/0/5");
  EXPECT_EQ(normalize_port_name("eth0"), "ethernet0");
  EXPECT_EQ(normalize_port_name("1/5"), "");
  EXPECT_EQ(normalize_port_name("Gi1/x/5"), "");
  EXPECT_EQ(normalize_port_name("Gi"), "");
}

TEST(PowerPortName, GroupSlashPortIsTheMibIndex) {
  auto p = parse_port_name("1/5", Profile::rfc3621);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, PortName::Kind::index);
  EXPECT_EQ(p->index, (PethIndex{1, 5}));
  auto named = parse_port_name("Gi1/0/5", Profile::cisco);
  ASSERT_TRUE(named);
  EXPECT_EQ(named->kind, PortName::Kind::name);
}

TEST(PowerPortName, PduOutletsAreNumbers) {
  auto p = parse_port_name("7", Profile::apc_pdu);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, PortName::Kind::outlet);
  EXPECT_EQ(p->index.port, 7u);
  EXPECT_EQ(parse_port_name("Outlet 12", Profile::apc_pdu)->index.port, 12u);
  auto bad = parse_port_name("Gi1/0/5", Profile::apc_pdu);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().fault, api::Fault::config);
  EXPECT_EQ(bad.error().message, "port 'Gi1/0/5': a PDU outlet is a number (7 or 'outlet 7')");
}

TEST(PowerPortName, RejectsWhatIsNoPortName) {
  auto bad = parse_port_name("uplink", Profile::rfc3621);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "port 'uplink': not a port name (Gi1/0/5, GigabitEthernet1/0/5, or group/port 1/5)");
  EXPECT_FALSE(parse_port_name("1/0", Profile::rfc3621) &&
               parse_port_name("1/0", Profile::rfc3621)->kind == PortName::Kind::index);
}

TEST(PowerPortName, NameNumbersGiveGroupAndPort) {
  EXPECT_EQ(index_from_name_numbers("gigabitethernet2/0/17"), (PethIndex{2, 17}));
  EXPECT_EQ(index_from_name_numbers("fastethernet0/3"), (PethIndex{1, 3}));
  EXPECT_FALSE(index_from_name_numbers("ethernet7"));
}

PortTableInput catalyst_stack() {
  PortTableInput in;
  for (std::uint32_t g = 1; g <= 2; ++g) {
    for (std::uint32_t p = 1; p <= 4; ++p) {
      in.peth_rows.push_back({g, p});
      const std::uint32_t ent = 1000 * g + 100 + p;  // not derivable from the index
      in.ent_names[ent] = "GigabitEthernet" + std::to_string(g) + "/0/" + std::to_string(p);
      in.cisco_ent.push_back({{g, p}, ent});
      in.ent_alias_if[ent] = 10000 * g + 100 + p;
      in.if_names[10000 * g + 100 + p] = {"Gi" + std::to_string(g) + "/0/" + std::to_string(p)};
      in.lldp_ports[10 * g + p] = {"Gi" + std::to_string(g) + "/0/" + std::to_string(p)};
    }
  }
  return in;
}

TEST(PowerPortTable, ResolvesNamesThroughTheCiscoEntPhyIndex) {
  const PortTable table(catalyst_stack());
  auto r = table.resolve(*parse_port_name("Gi2/0/3", Profile::cisco), "sw1");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->index, (PethIndex{2, 3}));
  EXPECT_EQ(r->name, "GigabitEthernet2/0/3");
  EXPECT_EQ(r->ent_index, 2103u);
  EXPECT_EQ(r->if_index, 20103u);
  EXPECT_EQ(r->lldp_port, 23u);
  auto by_index = table.resolve(*parse_port_name("1/4", Profile::cisco), "sw1");
  ASSERT_TRUE(by_index);
  EXPECT_EQ(by_index->name, "GigabitEthernet1/0/4");
}

TEST(PowerPortTable, Rfc3621UsesTheNameNumbersAndIfNameForTheIfIndex) {
  PortTableInput in;
  in.peth_rows = {{1, 1}, {1, 2}};
  in.ent_names = {{5001, "Gi1/0/1"}, {5002, "Gi1/0/2"}, {9, "Chassis"}};
  in.if_names = {{11, {"Gi1/0/1", "GigabitEthernet1/0/1"}}, {12, {"Gi1/0/2"}}};
  const PortTable table(in);
  auto r = table.resolve(*parse_port_name("GigabitEthernet1/0/2", Profile::rfc3621), "sw1");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->index, (PethIndex{1, 2}));
  EXPECT_EQ(r->if_index, 12u);
  EXPECT_EQ(r->ent_index, 5002u);
}

TEST(PowerPortTable, UnknownPortsAreConfigErrorsNamingTheSwitch) {
  const PortTable table(catalyst_stack());
  auto r = table.resolve(*parse_port_name("Gi3/0/1", Profile::cisco), "sw1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().fault, api::Fault::config);
  EXPECT_EQ(r.error().message,
            "switch sw1, port Gi3/0/1: no such port (no entPhysicalName, ifName or ifDescr of a "
            "pethPsePortTable row matches; the switch has 8 PoE ports: GigabitEthernet1/0/1 .. "
            "GigabitEthernet2/0/4)");
  auto i = table.resolve(*parse_port_name("1/9", Profile::cisco), "sw1");
  ASSERT_FALSE(i);
  EXPECT_EQ(i.error().message,
            "switch sw1, port 1/9: no such port (pethPsePortTable has no row 1.9)");
}

}  // namespace
}  // namespace phonerig::power
