// The emulated phone (phonerig-sim-phone, started by PID in its own namespace) boots against
// our services in the server namespace: no voice VLAN offered, so after its three
// announcements it takes a lease on the native VLAN (option 150), fetches its files over
// HTTP 6970 (TFTP when HTTP has no such file), and registers with digest; and, when the
// announcer offers voice VLAN 100, its DHCPDISCOVER leaves tagged with VLAN 100.
#include "tests/lab/sim/phoned/phoned_lab.hpp"
#include "tests/support/tshark.hpp"

namespace phonerig::testing::phoned {
namespace {

class PhonedBoot : public PhonedTest {
 protected:
  std::string tag() const override { return "pdb"; }
};

TEST_F(PhonedBoot, RegistersWithDigestAgainstOurServicesOnTheNativeVlan) {
  start_services();
  start_phone();
  ASSERT_TRUE(wait_registered(20s)) << "no sip.binding for " << kLine;
  const auto elapsed = std::chrono::steady_clock::now() - started_at_;
  EXPECT_LT(elapsed, 10s);

  // The lease: the phone's MAC bound from the pool, option 150 given.
  bool bound = false;
  for (auto& e : services_->of("dhcp.lease")) {
    if (e.string_attr("state") == std::optional<std::string>("bound")) bound = true;
  }
  EXPECT_TRUE(bound);
  // Digest: challenged, then accepted.
  std::vector<std::string> auth;
  for (auto& e : services_->of("sip.auth")) auth.push_back(*e.string_attr("result"));
  ASSERT_GE(auth.size(), 2u);
  EXPECT_EQ(auth.front(), "challenged");
  EXPECT_EQ(auth.back(), "accepted");
  // The binding carries the phone's load and device name.
  for (auto& e : services_->of("sip.binding")) {
    EXPECT_EQ(e.string_attr("user_agent"), "Cisco-CP8851/" + kRunningLoad);
    EXPECT_EQ(e.string_attr("device_name"), "SEP001E4A000051");
    EXPECT_EQ(e.string_attr("transport"), "tcp");
  }
  // Files in the registration order: CTL, ITL, the device config, then dial rules and soft
  // keys before REGISTER.
  auto files = services_->requested();
  auto index = [&](const std::string& name) {
    for (std::size_t i = 0; i < files.size(); ++i) {
      if (files[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  EXPECT_EQ(index("CTLSEP001E4A000051.tlv"), 0);
  EXPECT_GT(index("ITLSEP001E4A000051.tlv"), index("CTLSEP001E4A000051.tlv"));
  EXPECT_GT(index("SEP001E4A000051.cnf.xml"), index("ITLSEP001E4A000051.tlv"));
  EXPECT_GT(index("dialplan.xml"), index("SEP001E4A000051.cnf.xml"));
  EXPECT_GT(index("softkeys.xml"), index("SEP001E4A000051.cnf.xml"));
  // CTL is not served: HTTP 404, then the same file over TFTP at once (reference 6).
  int ctl_http = 0, ctl_tftp = 0;
  for (auto& e : services_->events.events()) {
    if (e.kind == "http.get" && e.string_attr("path") == "/CTLSEP001E4A000051.tlv") ++ctl_http;
    if (e.kind == "tftp.rrq" && e.string_attr("file") == "CTLSEP001E4A000051.tlv") ++ctl_tftp;
  }
  EXPECT_EQ(ctl_http, 1);
  EXPECT_EQ(ctl_tftp, 1);
  // After registration: the localization and ring list files follow.
  EXPECT_TRUE(wait_until(
      [&] {
        files = services_->requested();
        return index("Ringlist-wb.xml") >= 0;
      },
      5s));

  services_->expect_all_valid();
  expect_phone_events_declared();
  // The tagger switched the port's VLAN offloads off (the tag stays in user space's hands).
  const auto features = lab_->exec("ph", {"ethtool", "-k", cable_.b_if}).out;
  EXPECT_NE(features.find("rx-vlan-offload: off"), std::string::npos) << features;
  EXPECT_NE(features.find("tx-vlan-offload: off"), std::string::npos) << features;
  // The phone's own view: untagged DHCP, the config over HTTP with status 200, REGISTER twice.
  auto discovers = phone_events("dhcp.discover");
  ASSERT_FALSE(discovers.empty());
  EXPECT_FALSE(discovers.front()["attrs"].contains("vlan"));
  bool config_ok = false;
  for (auto& e : phone_events("http.status")) {
    if (e["attrs"]["path"] == "/SEP001E4A000051.cnf.xml" && e["attrs"]["status"] == 200) config_ok = true;
  }
  EXPECT_TRUE(config_ok);
  EXPECT_GE(phone_events("sip.request").size(), 2u);
  EXPECT_FALSE(phone_events("cdp.tx").empty());
  EXPECT_FALSE(phone_events("lldp.tx").empty());
  // One log line per action, prefixed with the phone id.
  const std::string log = phone_log();
  EXPECT_NE(log.find("cp8851-t fetch SEP001E4A000051.cnf.xml http " + kServer + ":6970"), std::string::npos) << log;
  EXPECT_NE(log.find("cp8851-t status no voice VLAN heard"), std::string::npos) << log;
  EXPECT_NE(log.find("cp8851-t configure_ip 198.18.61.1"), std::string::npos) << log;
  EXPECT_NE(log.find("cp8851-t status registered"), std::string::npos) << log;

  // SIGTERM ends it by itself (status 0, not the SIGKILL after the grace), and its TAP
  // goes with it.
  EXPECT_EQ(phone_->stop(std::chrono::milliseconds(5000)), 0);
  EXPECT_NE(lab_->exec("ph", {"ip", "link", "show", "voice0"}).status, 0);
}

TEST_F(PhonedBoot, TakesTheVoiceVlanFromTheAnnouncerAndTagsItsDhcpDiscover) {
  if (!tshark_available()) GTEST_SKIP() << "tshark not installed";
  ServiceOptions options;
  options.discovery = true;  // CDP VoIP VLAN Reply 100, LLDP-MED voice policy 100
  options.files = false;
  options.sip = false;
  start_services(options);
  start_phone();
  // The DISCOVER reaches the server namespace tagged (our untagged DHCP server cannot see it).
  auto tagged_discover = [&] {
    for (auto& [rec, p] : capture_->from(kPhoneMac)) {
      if (!p.udp || p.udp->dst_port != 67) continue;
      if (!p.link.vlans.empty() && p.link.vlans.front().vid == 100) return true;
    }
    return false;
  };
  ASSERT_TRUE(wait_until(tagged_discover, 10s)) << "no DHCPDISCOVER tagged with VLAN 100";
  phone_->stop();
  const std::string pcap = capture_->write(dir_->file("tagged.pcap"));
  auto r = run_command({"tshark", "-r", pcap, "-Y", "dhcp.option.dhcp == 1", "-T", "fields", "-E", "occurrence=f",
                        "-e", "vlan.id", "-e", "eth.src", "-e", "dhcp.hw.mac_addr"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  int discovers = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    ++discovers;
    EXPECT_EQ(line, "100\t" + kPhoneMac + "\t" + kPhoneMac);
  }
  EXPECT_GE(discovers, 1);
  // No untagged DHCP from the phone: it heard the VLAN before its first DISCOVER.
  for (auto& [rec, p] : capture_->from(kPhoneMac)) {
    if (p.udp && p.udp->dst_port == 67) {
      EXPECT_FALSE(p.link.vlans.empty());
    }
  }
  auto discovers_seen = phone_events("dhcp.discover");
  ASSERT_FALSE(discovers_seen.empty());
  EXPECT_EQ(discovers_seen.front()["attrs"]["vlan"], 100);
  EXPECT_FALSE(phone_events("cdp.rx").empty());
  EXPECT_NE(phone_log().find("use_voice_vlan 100"), std::string::npos);
}

}  // namespace
}  // namespace phonerig::testing::phoned
