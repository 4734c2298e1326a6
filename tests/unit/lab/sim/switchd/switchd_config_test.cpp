// switch.json as lab/sim/README.md gives it: the contract's example parses to what it says,
// and unknown keys and bad values are refused with the key's path in the message.
#include "lab/sim/switchd/config.hpp"

#include <gtest/gtest.h>

namespace phonerig::sim::switchd {
namespace {

using nlohmann::json;

// The example of lab/sim/README.md, verbatim.
const char* kContractExample = R"({
  "identity": {"device_id": "phr-0-sw", "platform": "cisco WS-C3850-48P",
               "software": "Cisco IOS Software, phonerig simulated switch",
               "mac": "02:00:5e:00:53:01", "address": "198.18.255.1"},
  "announce": true, "cdp_interval_s": 60, "lldp_interval_s": 30, "seed": 1,
  "ports": [
    {"name": "gi1-0-1", "number": 1, "kind": "access", "vlan": 10, "voice_vlan": 100,
     "mirrored": true, "poe_port": 1,
     "phone": {"netns": "phr-0-p1", "argv": ["/abs/phonerig-sim-phone", "--config", "/run/phonerig/lab-0/phones/cp8851-1.json"],
               "log": "/run/phonerig/lab-0/phones/cp8851-1.log"}},
    {"name": "rig100", "number": 49, "kind": "rig", "vlan": 100},
    {"name": "rig10", "number": 50, "kind": "rig", "vlan": 10},
    {"name": "span", "number": 52, "kind": "mirror"}
  ],
  "faults": [{"scope": {"vlan": 100}, "loss_percent": 20}],
  "snmp": {"agentx": "/run/phonerig/lab-0/agentx.sock", "persistent_dir": "/run/phonerig/lab-0/snmp",
           "profile": "cisco", "ports": 48},
  "control": "/run/phonerig/lab-0/switch.sock",
  "events": "/run/phonerig/lab-0/switch-events.jsonl"
})";

std::string refusal(const json& config) {
  auto parsed = parse_config(config.dump());
  if (parsed) return "";
  EXPECT_EQ(parsed.error().fault, api::Fault::config);
  return parsed.error().message;
}

json example() { return json::parse(kContractExample); }

TEST(SwitchdConfigParse, TheContractsExampleParsesToWhatItSays) {
  auto parsed = parse_config(kContractExample);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  const Config& c = *parsed;
  EXPECT_EQ(c.identity.device_id, "phr-0-sw");
  EXPECT_EQ(c.identity.software_version, "Cisco IOS Software, phonerig simulated switch");
  EXPECT_EQ(c.identity.mac.to_string(), "02:00:5e:00:53:01");
  ASSERT_TRUE(c.address.has_value());
  EXPECT_EQ(c.address->to_string(), "198.18.255.1");
  EXPECT_TRUE(c.announce);
  EXPECT_EQ(c.cdp_interval, std::chrono::seconds(60));
  EXPECT_EQ(c.lldp_interval, std::chrono::seconds(30));
  ASSERT_EQ(c.ports.size(), 4u);
  const auto& access = c.ports[0];
  EXPECT_EQ(access.port.kind, sw::PortKind::access);
  EXPECT_EQ(access.port.vlan, 10);
  EXPECT_EQ(access.port.voice_vlan, std::optional<sw::Vlan>(100));
  EXPECT_TRUE(access.port.mirrored);
  EXPECT_FALSE(access.port.link_up) << "access ports start with the link down";
  EXPECT_EQ(access.poe_port, std::optional<int>(1));
  ASSERT_TRUE(access.phone.has_value());
  EXPECT_EQ(access.phone->netns, "phr-0-p1");
  EXPECT_EQ(access.phone->argv.size(), 3u);
  EXPECT_EQ(access.phone->log, "/run/phonerig/lab-0/phones/cp8851-1.log");
  EXPECT_EQ(c.ports[1].port.kind, sw::PortKind::rig);
  EXPECT_TRUE(c.ports[1].port.link_up);
  EXPECT_EQ(c.ports[3].port.kind, sw::PortKind::mirror);
  ASSERT_EQ(c.faults.size(), 1u);
  EXPECT_EQ(c.faults[0].scope, api::FaultScope::of_vlan(100));
  EXPECT_EQ(c.faults[0].faults.loss_percent, 20.0);
  ASSERT_TRUE(c.snmp.has_value());
  EXPECT_EQ(c.snmp->profile, poe::Profile::cisco);
  EXPECT_EQ(c.snmp->ports, 48);
  EXPECT_EQ(c.control, "/run/phonerig/lab-0/switch.sock");
  EXPECT_EQ(c.events, "/run/phonerig/lab-0/switch-events.jsonl");
}

TEST(SwitchdConfigParse, RefusesUnknownKeysNamingWhere) {
  auto c = example();
  c["colour"] = "red";
  EXPECT_NE(refusal(c).find("top level: unknown key 'colour'"), std::string::npos);
  c = example();
  c["ports"][1]["speed"] = 1000;
  EXPECT_NE(refusal(c).find("ports[1]: unknown key 'speed'"), std::string::npos);
  c = example();
  c["ports"][0]["phone"]["env"] = json::array();
  EXPECT_NE(refusal(c).find("ports[0].phone: unknown key 'env'"), std::string::npos);
  c = example();
  c["snmp"]["community"] = "private";
  EXPECT_NE(refusal(c).find("snmp: unknown key 'community'"), std::string::npos);
  c = example();
  c["faults"][0]["jitter_ms"] = 5;
  EXPECT_NE(refusal(c).find("faults[0]: unknown key 'jitter_ms'"), std::string::npos);
  c = example();
  c["identity"]["serial"] = "x";
  EXPECT_NE(refusal(c).find("identity: unknown key 'serial'"), std::string::npos);
}

TEST(SwitchdConfigParse, RefusesBadValues) {
  auto c = example();
  c["ports"][1]["vlan"] = 4095;
  EXPECT_NE(refusal(c).find("ports[1].vlan: 4095 outside 1..4094"), std::string::npos);
  c = example();
  c["ports"][0]["voice_vlan"] = 10;
  EXPECT_NE(refusal(c).find("ports[0].voice_vlan: equal to the data VLAN"), std::string::npos);
  c = example();
  c["ports"][1]["kind"] = "hub";
  EXPECT_NE(refusal(c).find("ports[1].kind: 'hub'"), std::string::npos);
  c = example();
  c["ports"][2]["name"] = "rig100";
  EXPECT_NE(refusal(c).find("ports[2].name: 'rig100' used twice"), std::string::npos);
  c = example();
  c["ports"][2]["number"] = 49;
  EXPECT_NE(refusal(c).find("ports[2].number: 49 used twice"), std::string::npos);
  c = example();
  c["ports"][1]["name"] = "a-name-longer-than-15";
  EXPECT_NE(refusal(c).find("ports[1].name"), std::string::npos);
  c = example();
  c["ports"][0]["phone"]["argv"] = json::array({"phonerig-sim-phone"});
  EXPECT_NE(refusal(c).find("ports[0].phone.argv[0]: 'phonerig-sim-phone' is not an absolute path"),
            std::string::npos);
  c = example();
  c["ports"][0]["phone"]["netns"] = "../etc";
  EXPECT_NE(refusal(c).find("ports[0].phone.netns"), std::string::npos);
  c = example();
  c["ports"][1]["poe_port"] = 2;
  EXPECT_NE(refusal(c).find("ports[1].poe_port: only access ports are powered"), std::string::npos);
  c = example();
  c["ports"][0]["poe_port"] = 49;
  EXPECT_NE(refusal(c).find("ports[0].poe_port: 49 outside 1..48 (snmp.ports)"), std::string::npos);
  c = example();
  c["ports"][3]["mirrored"] = true;
  EXPECT_NE(refusal(c).find("ports[3].mirrored"), std::string::npos);
  c = example();
  c["faults"][0]["loss_percent"] = 120;
  EXPECT_NE(refusal(c).find("faults[0].loss_percent: 120 outside 0..100"), std::string::npos);
  c = example();
  c["faults"][0]["scope"] = {{"port", "Gi1/0/9"}};
  EXPECT_NE(refusal(c).find("faults[0].scope.port: no port 'Gi1/0/9'"), std::string::npos);
  c = example();
  c["faults"][0]["scope"] = json::object();
  EXPECT_NE(refusal(c).find("faults[0].scope: give exactly one"), std::string::npos);
  c = example();
  c["snmp"]["profile"] = "juniper";
  EXPECT_NE(refusal(c).find("snmp.profile: 'juniper'"), std::string::npos);
  c = example();
  c["announce"] = "yes";
  EXPECT_NE(refusal(c).find("announce: expected true or false"), std::string::npos);
  c = example();
  c["identity"]["mac"] = "01:00:0c:cc:cc:cc";
  EXPECT_NE(refusal(c).find("identity.mac"), std::string::npos);
  c = example();
  c.erase("control");
  EXPECT_NE(refusal(c).find("control: missing"), std::string::npos);
  EXPECT_NE(parse_config("{").error().message.find("not JSON"), std::string::npos);
}

TEST(SwitchdConfigParse, SnmpFaultsAndEventsAreOptional) {
  auto c = example();
  c.erase("snmp");
  c.erase("faults");
  c.erase("events");
  c["ports"][0].erase("poe_port");
  auto parsed = parse_config(c.dump());
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_FALSE(parsed->snmp.has_value());
  EXPECT_TRUE(parsed->faults.empty());
  EXPECT_TRUE(parsed->events.empty());
}

TEST(SwitchdConfigParse, FaultsRoundTripThroughTheControlSocketsJson) {
  api::Faults f;
  f.loss_percent = 12.5;
  f.delay = std::chrono::milliseconds(20);
  f.duplicate_percent = 1;
  f.corrupt_percent = 2;
  f.reorder_percent = 3;
  f.reorder_gap = std::chrono::milliseconds(7);
  auto back = faults_from_json(faults_to_json(f), "faults");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, f);
  auto scope = scope_from_json(scope_to_json(api::FaultScope::of_port("Gi1/0/3")), "scope");
  ASSERT_TRUE(scope.has_value());
  EXPECT_EQ(*scope, api::FaultScope::of_port("Gi1/0/3"));
  EXPECT_FALSE(faults_from_json(json{{"delay_ms", -1}}, "faults").has_value());
  EXPECT_FALSE(faults_from_json(json{{"delay_ms", 1.5}}, "faults").has_value());
}

}  // namespace
}  // namespace phonerig::sim::switchd
