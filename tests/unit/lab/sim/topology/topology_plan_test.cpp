// The simulated lab's plan (lab/sim/README.md, "Names"): every namespace, link, address,
// file and command line, as a pure function of the lab file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "harness/scenario/lab_file.hpp"
#include "lab/sim/topology/plan.hpp"

namespace phonerig::sim::topology {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

scenario::Lab load(const std::string& path) {
  auto lab = scenario::load_lab_file(path);
  if (!lab) throw std::runtime_error(scenario::to_string(lab.error()));
  return *lab;
}

scenario::Lab builtin() { return load(std::string(PHONERIG_SOURCE_DIR) + "/lab/sim.yaml"); }

scenario::Lab from_text(const std::string& text) {
  auto lab = scenario::load_lab_text(text, "lab.yaml");
  if (!lab) throw std::runtime_error(scenario::to_string(lab.error()));
  return *lab;
}

const std::string kRelayed = R"(rig:
  interfaces:
    - {name: data, role: service, device: rig-data, address: 198.18.1.10/24}
    - {name: span, role: capture, device: rig-span}
switch:
  address: 198.18.255.1
  snmp: {version: 2c, community: env:PHONERIG_SIM_SNMP_COMMUNITY}
  profile: cisco
  vlans: {voice: 100, data: 10}
phones:
  - {id: a, mac: 00:1e:4a:00:00:01, model: CP-7821, port: Gi1/0/3}
services:
  cdp: off
  dhcp: {mode: on, interface: data, routers: [198.18.0.1], pool: {first: 198.18.0.150, last: 198.18.0.199}}
sim:
  layout: relayed
  switch:
    announce: false
    faults: [{vlan: 100, loss_percent: 20}, {port: Gi1/0/3, delay_ms: 20}]
  phone_defaults: {short_timers: true}
  phones:
    a: {boot_delay_ms: 100, skip: [ctl], password_override: wrong}
)";

TEST(TopologyPlan, NamesEverythingAfterTheInstance) {
  auto plan = topology::plan(builtin(), "t1", "/opt/bin", "/run/phonerig");
  ASSERT_TRUE(plan.has_value()) << plan.error().message;
  EXPECT_EQ(plan->state_dir, "/run/phonerig/lab-t1");
  EXPECT_EQ(plan->switch_netns, "phr-t1-sw");
  EXPECT_EQ(plan->rig_netns, "phr-t1-rig");
  EXPECT_THAT(plan->namespaces, ElementsAre("phr-t1-sw", "phr-t1-rig", "phr-t1-p1", "phr-t1-p2"));
  ASSERT_EQ(plan->phones.size(), 2u);
  EXPECT_EQ(plan->phones[0].id, "cp8851-1");
  EXPECT_EQ(plan->phones[0].netns, "phr-t1-p1");
  EXPECT_EQ(plan->phones[0].switch_ifname, "gi1-0-1");
  EXPECT_EQ(plan->phones[0].ifname, "eth0");
  EXPECT_EQ(plan->phones[0].port, "Gi1/0/1");
  EXPECT_EQ(plan->phones[1].switch_ifname, "gi1-0-2");
  EXPECT_EQ(plan->phones[1].config_path, "/run/phonerig/lab-t1/phones/cp7821-1.json");
  EXPECT_EQ(plan->phones[1].flash_dir, "/run/phonerig/lab-t1/flash/cp7821-1");
  EXPECT_EQ(plan->control_socket, "/run/phonerig/lab-t1/switch.sock");
  EXPECT_EQ(plan->agentx_socket, "/run/phonerig/lab-t1/agentx.sock");
  EXPECT_EQ(plan->ledger_path, "/run/phonerig/lab-t1/ledger.json");
  // Every interface name fits IFNAMSIZ; nothing is created in the root namespace.
  for (const auto& veth : plan->veths) {
    EXPECT_LE(veth.a_name.size(), 15u);
    EXPECT_LE(veth.b_name.size(), 15u);
    EXPECT_FALSE(veth.a_netns.empty());
    EXPECT_FALSE(veth.b_netns.empty());
  }
}

TEST(TopologyPlan, CablesTheRigTheMirrorAndTheManagementLink) {
  auto plan = topology::plan(builtin(), "0", "/opt/bin");
  ASSERT_TRUE(plan.has_value()) << plan.error().message;
  ASSERT_EQ(plan->rig_ports.size(), 3u);
  EXPECT_EQ(plan->rig_ports[0].device, "rig-voice");
  EXPECT_EQ(plan->rig_ports[0].vlan, 100);
  EXPECT_EQ(plan->rig_ports[0].switch_ifname, "rig100");
  EXPECT_EQ(plan->rig_ports[0].number, 49);
  EXPECT_EQ(plan->rig_ports[0].address, "198.18.0.10/24");
  EXPECT_EQ(plan->rig_ports[1].device, "rig-data");
  EXPECT_EQ(plan->rig_ports[1].switch_ifname, "rig10");
  EXPECT_EQ(plan->rig_ports[1].number, 50);
  EXPECT_EQ(plan->rig_ports[2].device, "rig-span");
  EXPECT_EQ(plan->rig_ports[2].vlan, 0);
  EXPECT_EQ(plan->rig_ports[2].switch_ifname, "span");
  EXPECT_EQ(plan->rig_ports[2].number, 52);
  const Veth& mgmt = plan->veths.front();
  EXPECT_EQ(mgmt.a_netns, "phr-0-sw");
  EXPECT_EQ(mgmt.a_name, "mgmt0");
  EXPECT_EQ(mgmt.a_address, "198.18.255.1/30");
  EXPECT_EQ(mgmt.b_netns, "phr-0-rig");
  EXPECT_EQ(mgmt.b_name, "sw-mgmt");
  EXPECT_EQ(mgmt.b_address, "198.18.255.2/30");
  EXPECT_EQ(plan->mgmt_subnet, "198.18.255.0/30");
  // Access ports start down on the switch side; the phone side is up.
  const Veth& port1 = plan->veths.back();
  EXPECT_EQ(port1.a_name, "gi1-0-2");
  EXPECT_FALSE(port1.a_up);
  EXPECT_TRUE(port1.b_up);
  EXPECT_FALSE(plan->gateway.has_value());
  EXPECT_TRUE(plan->routes.empty());
}

TEST(TopologyPlan, WritesTheSwitchConfigOfTheContract) {
  auto plan = topology::plan(builtin(), "0", "/opt/bin");
  ASSERT_TRUE(plan.has_value()) << plan.error().message;
  const json sw = json::parse(plan->switch_json);
  EXPECT_EQ(sw["identity"]["device_id"], "phr-0-sw");
  EXPECT_EQ(sw["identity"]["address"], "198.18.255.1");
  EXPECT_EQ(sw["announce"], true);
  EXPECT_EQ(sw["cdp_interval_s"], 60);
  EXPECT_EQ(sw["lldp_interval_s"], 30);
  EXPECT_EQ(sw["seed"], 1);
  ASSERT_EQ(sw["ports"].size(), 5u);
  const json& access = sw["ports"][0];
  EXPECT_EQ(access["name"], "gi1-0-1");
  EXPECT_EQ(access["number"], 1);
  EXPECT_EQ(access["kind"], "access");
  EXPECT_EQ(access["vlan"], 10);
  EXPECT_EQ(access["voice_vlan"], 100);
  EXPECT_EQ(access["mirrored"], true);
  EXPECT_EQ(access["poe_port"], 1);
  EXPECT_EQ(access["phone"]["netns"], "phr-0-p1");
  EXPECT_EQ(access["phone"]["argv"],
            json::array({"/opt/bin/phonerig-sim-phone", "--config",
                         "/run/phonerig/lab-0/phones/cp8851-1.json"}));
  EXPECT_EQ(access["phone"]["log"], "/run/phonerig/lab-0/phones/cp8851-1.log");
  EXPECT_EQ(sw["ports"][2], json({{"name", "rig100"}, {"number", 49}, {"kind", "rig"}, {"vlan", 100}}));
  EXPECT_EQ(sw["ports"][3], json({{"name", "rig10"}, {"number", 50}, {"kind", "rig"}, {"vlan", 10}}));
  EXPECT_EQ(sw["ports"][4], json({{"name", "span"}, {"number", 52}, {"kind", "mirror"}}));
  EXPECT_EQ(sw["faults"], json::array());
  EXPECT_EQ(sw["snmp"]["agentx"], "/run/phonerig/lab-0/agentx.sock");
  EXPECT_EQ(sw["snmp"]["profile"], "cisco");
  EXPECT_EQ(sw["snmp"]["ports"], 48);
  EXPECT_EQ(sw["control"], "/run/phonerig/lab-0/switch.sock");
  EXPECT_EQ(sw["events"], "/run/phonerig/lab-0/switch-events.jsonl");
  EXPECT_EQ(plan->switch_argv, (std::vector<std::string>{"/opt/bin/phonerig-sim-switch", "--config",
                                                         "/run/phonerig/lab-0/switch.json"}));
}

TEST(TopologyPlan, WritesEachPhoneConfigWithItsKnobs) {
  auto plan = topology::plan(builtin(), "0", "/opt/bin");
  ASSERT_TRUE(plan.has_value()) << plan.error().message;
  const json phone = json::parse(plan->phones[1].config_json);
  EXPECT_EQ(phone["id"], "cp7821-1");
  EXPECT_EQ(phone["mac"], "00:1e:4a:00:00:02");
  EXPECT_EQ(phone["model"], "CP-7821");
  // The lab's load for the model: by default the phone already runs what it will be given.
  EXPECT_EQ(phone["running_load"], "sip78xx.14-2-1-0001-14");
  EXPECT_EQ(phone["inactive_load"], "sip78xx.12-8-1-0001-1");
  EXPECT_EQ(phone["boot_delay_ms"], 3000);
  EXPECT_EQ(phone["skip"], json::array());
  EXPECT_EQ(phone["http"], true);
  EXPECT_EQ(phone["password_override"], nullptr);
  EXPECT_EQ(phone["seed"], 2);
  EXPECT_EQ(phone["port_interface"], "eth0");
  EXPECT_EQ(phone["tap"], "voice0");
  EXPECT_EQ(phone["flash"], "/run/phonerig/lab-0/flash/cp7821-1");
  EXPECT_EQ(phone["events"], "/run/phonerig/lab-0/phones/cp7821-1.events.jsonl");
  std::set<std::string> keys;
  for (const auto& [key, value] : phone.items()) keys.insert(key);
  EXPECT_EQ(keys, (std::set<std::string>{"id", "mac", "model", "running_load", "inactive_load",
                                         "boot_delay_ms", "skip", "http", "ignore_option_150",
                                         "voip_vlan_query", "password_override", "udp_transport",
                                         "crash_during_firmware", "cdp",
                                         "softkeys_after_register", "short_timers", "seed",
                                         "port_interface", "tap", "flash", "events"}));
}

TEST(TopologyPlan, RelayedLayoutAddsAGatewayAndTheLabsFaultsAndKnobs) {
  auto plan = topology::plan(from_text(kRelayed), "r", "/opt/bin");
  ASSERT_TRUE(plan.has_value()) << plan.error().message;
  ASSERT_TRUE(plan->gateway.has_value());
  EXPECT_EQ(plan->gateway->netns, "phr-r-gw");
  EXPECT_EQ(plan->gateway->voice_address, "198.18.0.1/24");
  EXPECT_EQ(plan->gateway->data_address, "198.18.1.1/24");
  EXPECT_THAT(plan->gateway->relay_argv,
              ElementsAre("/usr/sbin/dhcrelay", "-4", "-d", "-q", "-pf",
                          "/run/phonerig/lab-r/dhcrelay.pid", "-id", "gw-voice", "-iu", "gw-data",
                          "198.18.1.10"));
  EXPECT_THAT(plan->namespaces, ElementsAre("phr-r-sw", "phr-r-rig", "phr-r-gw", "phr-r-p1"));
  ASSERT_EQ(plan->routes.size(), 1u);
  EXPECT_EQ(plan->routes[0].netns, "phr-r-rig");
  EXPECT_EQ(plan->routes[0].destination, "198.18.0.0/24");
  EXPECT_EQ(plan->routes[0].via, "198.18.1.1");

  const json sw = json::parse(plan->switch_json);
  EXPECT_EQ(sw["announce"], false);
  std::vector<std::string> names;
  for (const auto& port : sw["ports"]) names.push_back(port["name"]);
  EXPECT_THAT(names, ElementsAre("gi1-0-3", "rig10", "gw100", "gw10", "span"));
  EXPECT_EQ(sw["faults"], json::parse(R"([{"scope":{"vlan":100},"loss_percent":20.0},
                                          {"scope":{"port":"Gi1/0/3"},"delay_ms":20}])"));

  const json phone = json::parse(plan->phones[0].config_json);
  EXPECT_EQ(phone["boot_delay_ms"], 100);
  EXPECT_EQ(phone["skip"], json::array({"ctl"}));
  EXPECT_EQ(phone["short_timers"], true);
  EXPECT_EQ(phone["password_override"], "wrong");
  EXPECT_EQ(phone["running_load"], "sip78xx.14-2-1-0001-14");

  const json summary = json::parse(summary_json(*plan));
  EXPECT_EQ(summary["layout"], "relayed");
  EXPECT_EQ(summary["gateway"]["netns"], "phr-r-gw");
}

TEST(TopologyPlan, SnmpdConfListensOnTheSwitchAddressForTheManagementSubnetOnly) {
  auto plan = topology::plan(builtin(), "0", "/opt/bin");
  ASSERT_TRUE(plan.has_value());
  const std::string conf = snmpd_conf(*plan, "s3cret");
  EXPECT_THAT(conf, HasSubstr("agentaddress udp:198.18.255.1:161\n"));
  EXPECT_THAT(conf, HasSubstr("master agentx\n"));
  EXPECT_THAT(conf, HasSubstr("agentXSocket /run/phonerig/lab-0/agentx.sock\n"));
  EXPECT_THAT(conf, ::testing::Not(HasSubstr("rocommunity ")));  // it would win over rw
  EXPECT_THAT(conf, HasSubstr("rwcommunity s3cret 198.18.255.0/30\n"));
  EXPECT_EQ(plan->switch_json.find("s3cret"), std::string::npos);
  EXPECT_THAT(plan->snmpd_argv,
              ElementsAre("/usr/sbin/snmpd", "-f", "-C", "-c", "/run/phonerig/lab-0/snmpd.conf",
                          "-Lf", "/run/phonerig/lab-0/snmpd.log", "-p",
                          "/run/phonerig/lab-0/snmpd.pid"));
}

TEST(TopologyPlan, SummaryHasWhatStatusPrints) {
  auto plan = topology::plan(builtin(), "0", "/opt/bin");
  ASSERT_TRUE(plan.has_value());
  const json s = json::parse(summary_json(*plan));
  EXPECT_EQ(s["vlans"], json({{"voice", 100}, {"data", 10}}));
  EXPECT_EQ(s["rig"]["netns"], "phr-0-rig");
  EXPECT_EQ(s["rig"]["interfaces"][0]["device"], "rig-voice");
  EXPECT_EQ(s["rig"]["interfaces"][0]["vlan"], 100);
  EXPECT_EQ(s["rig"]["interfaces"][2]["mirror"], true);
  EXPECT_EQ(s["switch"]["snmp"], "198.18.255.1:161");
  ASSERT_EQ(s["phones"].size(), 2u);
  for (const char* key : {"id", "mac", "model", "netns", "interface", "port"}) {
    EXPECT_TRUE(s["phones"][0].contains(key)) << key;
  }
  std::vector<std::string> services;
  for (const auto& one : s["services"]) {
    services.push_back(one["name"].get<std::string>() + " " + one["address"].get<std::string>() +
                       ":" + std::to_string(one["port"].get<int>()));
  }
  EXPECT_THAT(services, ElementsAre("dhcp 198.18.0.10:67", "tftp 198.18.0.10:69",
                                    "http 198.18.0.10:6970", "sip 198.18.0.10:5060"));
}

TEST(TopologyPlan, ManyPhonesGetMorePortsAndTheRigPortsMoveUp) {
  std::string text = R"(rig:
  interfaces:
    - {name: voice, role: service, device: rig-voice, address: 198.18.0.10/24}
    - {name: span, role: capture, device: rig-span}
switch:
  address: 198.18.255.1
  snmp: {version: 2c, community: env:X}
  profile: cisco
  vlans: {voice: 100, data: 10}
phones:
)";
  for (int i = 1; i <= 200; ++i) {
    text += fmt::format("  - {{id: p{}, mac: '02:00:00:00:{:02x}:{:02x}', model: CP-8851, port: Gi1/0/{}}}\n",
                        i, i / 256, i % 256, i);
  }
  text += "services: {dhcp: {mode: on, pool: {first: 198.18.0.20, last: 198.18.0.250}}}\nsim: {}\n";
  auto plan = topology::plan(from_text(text), "big", "/b");
  ASSERT_TRUE(plan.has_value()) << plan.error().message;
  EXPECT_EQ(plan->snmp_ports, 240);
  EXPECT_EQ(plan->rig_ports[0].number, 241);
  EXPECT_EQ(plan->rig_ports.back().number, 244);
  EXPECT_EQ(plan->phones.back().netns, "phr-big-p200");
  EXPECT_EQ(plan->phones.back().switch_ifname, "gi1-0-200");
  EXPECT_EQ(plan->namespaces.size(), 202u);
}

TEST(TopologyPlan, RefusesWhatTheSimulatedLabCannotBuild) {
  EXPECT_THAT(topology::plan(builtin(), "Bad_1", "/b").error().message,
              HasSubstr("an instance id is 1-8 lower-case letters or digits"));
  EXPECT_THAT(topology::plan(builtin(), "123456789", "/b").error().message,
              HasSubstr("an instance id"));
  std::string real = R"(rig:
  interfaces: [{name: lan, role: both, device: eth0, address: 198.18.0.10/24}]
)";
  EXPECT_THAT(topology::plan(from_text(real), "0", "/b").error().message,
              HasSubstr("is not a simulated lab"));
  std::string relayed_without_router = kRelayed;
  relayed_without_router.replace(relayed_without_router.find("routers: [198.18.0.1], "), 23, "");
  EXPECT_THAT(topology::plan(from_text(relayed_without_router), "0", "/b").error().message,
              HasSubstr("the relayed layout needs services.dhcp.routers"));
  std::string oddly_named = kRelayed;
  oddly_named.replace(oddly_named.find("{name: data,"), 12, "{name: lan, ");
  oddly_named.replace(oddly_named.find("interface: data"), 15, "interface: lan ");
  EXPECT_THAT(topology::plan(from_text(oddly_named), "0", "/b").error().message,
              HasSubstr("a serving interface is named voice or data"));
}

TEST(TopologyPlan, InstanceIds) {
  EXPECT_FALSE(instance_problem("0"));
  EXPECT_FALSE(instance_problem("abc12345"));
  EXPECT_TRUE(instance_problem(""));
  EXPECT_TRUE(instance_problem("a-b"));
  EXPECT_TRUE(instance_problem("ABC"));
  EXPECT_EQ(namespace_prefix("7"), "phr-7-");
}

}  // namespace
}  // namespace phonerig::sim::topology
