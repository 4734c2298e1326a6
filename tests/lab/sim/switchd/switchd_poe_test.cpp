// phonerig-sim-switch hosting the PoE AgentX subagent under a real snmpd (AgentX master on
// a unix socket in a temporary folder, as tests/lab/power/poe_lab.hpp runs it): snmpset of
// pethPsePortAdminEnable (1.3.6.1.2.1.105.1.1.1.3.<group>.<port>) = 1 starts the port's
// phone in the phone's namespace and brings the link up, = 2 ends it and takes the link
// down; power over the control socket is what SNMP reads; a phone heard over CDP lands in
// the agent's CISCO-CDP-MIB cache; SIGTERM of the switch ends its phones.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include "drivers/wire/cdp.hpp"
#include "tests/lab/sim/switchd/switchd_lab.hpp"

namespace phonerig::testing::switchd {
namespace {

constexpr const char* kAdminEnable = "1.3.6.1.2.1.105.1.1.1.3.1.1";

bool alive(pid_t pid) { return ::kill(pid, 0) == 0; }

class SwitchdPoe : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!running_as_root()) GTEST_SKIP() << "needs root (network namespaces, snmpd)";
    lab_ = std::make_unique<SwitchdLab>("swp");
    phone_ = lab_->add_host("ph");
    rig_ = lab_->add_host("rd", "198.18.10.1/24");
    lab_->start_snmpd();
  }

  void start(std::vector<std::string> argv = {"/bin/sleep", "300"}) {
    json c = lab_->base_config();
    c["ports"] = json::array({
        json{{"name", phone_.switch_if}, {"number", 1}, {"kind", "access"}, {"vlan", 10},
             {"voice_vlan", 100}, {"poe_port", 1},
             {"phone", {{"netns", phone_.ns}, {"argv", argv},
                        {"log", (lab_->dir() / "phone.log").string()}}}},
        json{{"name", rig_.switch_if}, {"number", 50}, {"kind", "rig"}, {"vlan", 10}},
    });
    c["snmp"] = {{"agentx", lab_->agentx().string()},
                 {"persistent_dir", (lab_->dir() / "agent-state").string()},
                 {"profile", "cisco"},
                 {"ports", 48}};
    lab_->start(c);
    const bool registered = wait_until(
        [&] { return snmp_get(kAdminEnable).find("INTEGER") != std::string::npos; },
        std::chrono::seconds(15));
    ASSERT_TRUE(registered) << "the switch's PoE agent did not register with snmpd\n"
                            << tail_file(lab_->dir() / "snmpd.log") << tail_file(lab_->log());
  }

  std::string snmp_get(const std::string& oid) {
    return lab_->snmp_tool("snmpget", {"-v2c", "-c", "public", "127.0.0.1", oid}).out;
  }
  CommandResult snmp_set(const std::string& oid, int value) {
    return lab_->snmp_tool("snmpset", {"-v2c", "-c", "private", "127.0.0.1", oid, "i",
                                       std::to_string(value)});
  }
  bool carrier() {
    return lab_->lab()
               .exec(phone_.role, {"cat", "/sys/class/net/" + phone_.ifname + "/carrier"})
               .out.rfind("1", 0) == 0;
  }
  std::optional<pid_t> phone_pid() {
    const auto port = lab_->port_status("Gi1/0/1");
    if (port["phone_pid"].is_null()) return std::nullopt;
    return port["phone_pid"].get<pid_t>();
  }
  std::vector<std::string> port_events(const std::string& port_name) {
    std::vector<std::string> kinds;
    for (const auto& e : lab_->read_events()) {
      const auto attrs = e.value("attrs", json::object());
      if (attrs.value("port", "") == port_name || attrs.value("interface", "") == port_name) {
        kinds.push_back(e["kind"]);
      }
    }
    return kinds;
  }

  std::unique_ptr<SwitchdLab> lab_;
  Host phone_, rig_;
};

TEST_F(SwitchdPoe, SnmpSetOfAdminEnableStartsAndEndsThePhoneInItsNamespace) {
  start();
  EXPECT_FALSE(lab_->port_status("Gi1/0/1")["link_up"].get<bool>()) << "access ports start down";
  EXPECT_FALSE(carrier());

  const auto on = snmp_set(kAdminEnable, 1);
  ASSERT_EQ(on.status, 0) << on.out << on.err;
  ASSERT_TRUE(wait_until([&] { return phone_pid().has_value(); }, std::chrono::seconds(3)))
      << "no phone started; switch log:\n" << tail_file(lab_->log());
  const auto port = lab_->port_status("Gi1/0/1");
  EXPECT_TRUE(port["power"].get<bool>());
  EXPECT_TRUE(port["link_up"].get<bool>());
  const pid_t pid = *phone_pid();
  EXPECT_TRUE(alive(pid));
  EXPECT_EQ(::getpgid(pid), pid) << "the phone leads its own process group";

  // It runs in the phone's namespace: the same inode as /run/netns/<phone>.
  struct stat wanted {};
  ASSERT_EQ(::stat(("/run/netns/" + phone_.ns).c_str(), &wanted), 0);
  struct stat actual {};
  ASSERT_EQ(::stat(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), &actual), 0);
  EXPECT_EQ(actual.st_ino, wanted.st_ino) << "the phone is not in " << phone_.ns;
  std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
  std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  EXPECT_EQ(args, std::string("/bin/sleep") + '\0' + "300" + '\0');
  EXPECT_TRUE(wait_until([&] { return carrier(); }, std::chrono::seconds(1)))
      << "the phone side has no carrier with the port powered";
  EXPECT_NE(snmp_get(kAdminEnable).find("INTEGER: 1"), std::string::npos);

  const auto off = snmp_set(kAdminEnable, 2);
  ASSERT_EQ(off.status, 0) << off.out << off.err;
  EXPECT_TRUE(wait_until([&] { return !alive(pid); }, std::chrono::seconds(3)))
      << "the phone still runs after PoE off";
  EXPECT_TRUE(wait_until([&] { return !phone_pid().has_value(); }, std::chrono::seconds(1)));
  const auto after = lab_->port_status("Gi1/0/1");
  EXPECT_FALSE(after["power"].get<bool>());
  EXPECT_FALSE(after["link_up"].get<bool>());
  EXPECT_TRUE(wait_until([&] { return !carrier(); }, std::chrono::seconds(1)));

  EXPECT_EQ(port_events("GigabitEthernet1/0/1"),
            (std::vector<std::string>{"power.on", "link.up", "power.off", "link.down"}));
  for (const auto& e : lab_->read_events()) EXPECT_EQ(invalid_event(e), "") << e.dump();
}

TEST_F(SwitchdPoe, PowerOverTheControlSocketIsWhatSnmpReads) {
  start();
  ASSERT_TRUE(lab_->client().power("Gi1/0/1", true).has_value());
  EXPECT_NE(snmp_get(kAdminEnable).find("INTEGER: 1"), std::string::npos);
  ASSERT_TRUE(phone_pid().has_value());
  const pid_t pid = *phone_pid();
  EXPECT_TRUE(alive(pid));
  ASSERT_TRUE(lab_->client().power("Gi1/0/1", false).has_value());
  EXPECT_NE(snmp_get(kAdminEnable).find("INTEGER: 2"), std::string::npos);
  EXPECT_TRUE(wait_until([&] { return !alive(pid); }, std::chrono::seconds(3)));
}

TEST_F(SwitchdPoe, APhoneIgnoringSigtermIsKilledASecondLater) {
  start({"/bin/sh", "-c", "trap '' TERM; /bin/sleep 300"});
  ASSERT_TRUE(lab_->client().power("Gi1/0/1", true).has_value());
  const pid_t pid = *phone_pid();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the trap is set
  const auto off_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(lab_->client().power("Gi1/0/1", false).has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(alive(pid)) << "the phone ignoring SIGTERM ended before the grace period";
  EXPECT_TRUE(wait_until([&] { return !alive(pid); }, std::chrono::seconds(3)))
      << "no SIGKILL after the grace period";
  EXPECT_GE(std::chrono::steady_clock::now() - off_at, std::chrono::milliseconds(900));
}

TEST_F(SwitchdPoe, APhoneHeardOverCdpIsInTheAgentsCdpCache) {
  start();
  ASSERT_TRUE(lab_->client().power("Gi1/0/1", true).has_value());
  ASSERT_TRUE(wait_until([&] { return carrier(); }, std::chrono::seconds(1)));
  wire::cdp::Packet packet;
  packet.add(wire::cdp::DeviceId{"SEP001E4A000001"})
      .add(wire::cdp::PortId{"Port 1"})
      .add(wire::cdp::SoftwareVersion{"sip88xx.14-2-1-0001-14"})
      .add(wire::cdp::Platform{"Cisco IP Phone 8851"});
  const auto mac = *wire::Mac::parse("00:1e:4a:00:00:01");
  RawSocket phone(phone_.ns, phone_.ifname);
  phone.send(wire::cdp::build_frame(mac, packet));
  ASSERT_TRUE(wait_until([&] { return !lab_->port_status("Gi1/0/1")["neighbours"].empty(); },
                         std::chrono::seconds(2)));
  const auto neighbour = lab_->port_status("Gi1/0/1")["neighbours"][0];
  EXPECT_EQ(neighbour["device_id"], "SEP001E4A000001");
  EXPECT_EQ(neighbour["src"], "00:1e:4a:00:00:01");
  // cdpCacheDeviceId (CISCO-CDP-MIB 1.3.6.1.4.1.9.9.23.1.2.1.1.6) under the port's ifIndex.
  const auto walk = lab_->snmp_tool("snmpwalk", {"-v2c", "-c", "public", "127.0.0.1",
                                                 "1.3.6.1.4.1.9.9.23.1.2.1.1.6"});
  EXPECT_NE(walk.out.find("SEP001E4A000001"), std::string::npos) << walk.out << walk.err;
  bool event = false;
  for (const auto& e : lab_->read_events()) {
    event = event || (e["kind"] == "cdp.rx" && e["attrs"].value("device_id", "") == "SEP001E4A000001" &&
                      e.value("phone", "") == "00:1e:4a:00:00:01");
  }
  EXPECT_TRUE(event) << "no cdp.rx event for the phone";
  for (const auto& e : lab_->read_events()) EXPECT_EQ(invalid_event(e), "") << e.dump();
}

TEST_F(SwitchdPoe, SigtermOfTheSwitchEndsItsPhones) {
  start();
  ASSERT_TRUE(lab_->client().power("Gi1/0/1", true).has_value());
  const pid_t pid = *phone_pid();
  EXPECT_TRUE(alive(pid));
  EXPECT_EQ(lab_->program().stop(), 0);
  EXPECT_FALSE(alive(pid));
  EXPECT_FALSE(std::filesystem::exists(lab_->control()));
}

}  // namespace
}  // namespace phonerig::testing::switchd
