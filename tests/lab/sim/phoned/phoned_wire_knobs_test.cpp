// The emulated phone's knobs change what crosses the wire (issue 6, "Knobs per phone"): each
// case boots the real program against our services and checks the server side (service
// events, an AF_PACKET capture in the server namespace, tshark on the capture file).
#include "tests/lab/sim/phoned/phoned_lab.hpp"
#include "tests/support/tshark.hpp"

namespace phonerig::testing::phoned {
namespace {

class PhonedWireKnobs : public PhonedTest {
 protected:
  std::string tag() const override { return "pdw"; }

  // Frames from the phone's MAC: TCP SYNs to `port`.
  int syns_to(std::uint16_t port) const {
    int n = 0;
    for (auto& [rec, p] : capture_->from(kPhoneMac)) {
      if (p.tcp && p.tcp->dst_port == port && p.tcp->has(wire::tcp_flag::kSyn) &&
          !p.tcp->has(wire::tcp_flag::kAck)) {
        ++n;
      }
    }
    return n;
  }
  int frames_to(const wire::Mac& dst) const {
    int n = 0;
    for (auto& [rec, p] : capture_->from(kPhoneMac)) {
      if (p.link.dst && *p.link.dst == dst) ++n;
    }
    return n;
  }
};

TEST_F(PhonedWireKnobs, IgnoreOption150FetchesFromOption66sServer) {
  ServiceOptions o;
  o.option150 = {kServer};       // nothing serves files here
  o.option66 = kServer2;         // the file services listen here only
  o.files_address = kServer2;
  start_services(o);
  start_phone({{"ignore_option_150", true}});
  ASSERT_TRUE(wait_registered());
  int to_66 = 0;
  for (const char* kind : {"http.get", "tftp.rrq"}) {
    for (auto& e : phone_events(kind)) {
      EXPECT_EQ(e["attrs"]["dst"], kServer2) << e.dump();
      ++to_66;
    }
  }
  EXPECT_GT(to_66, 3);
  EXPECT_FALSE(services_->requested().empty());
  EXPECT_NE(phone_log().find("fetch CTLSEP001E4A000051.tlv http " + kServer2 + ":6970"), std::string::npos);
}

TEST_F(PhonedWireKnobs, WithoutTheKnobOption150Wins) {
  ServiceOptions o;
  o.option150 = {kServer2};
  o.option66 = kServer;
  o.files_address = kServer2;
  start_services(o);
  start_phone();
  ASSERT_TRUE(wait_registered());
  for (auto& e : phone_events("http.get")) EXPECT_EQ(e["attrs"]["dst"], kServer2) << e.dump();
}

TEST_F(PhonedWireKnobs, HttpOffSendsNoSynTo6970AndFetchesOverTftp) {
  start_services();
  start_phone({{"http", false}});
  ASSERT_TRUE(wait_registered());
  EXPECT_EQ(syns_to(6970), 0);
  EXPECT_TRUE(services_->of("http.get").empty());
  bool config_over_tftp = false;
  for (auto& e : services_->of("tftp.rrq")) {
    config_over_tftp = config_over_tftp || e.string_attr("file") == "SEP001E4A000051.cnf.xml";
  }
  EXPECT_TRUE(config_over_tftp);
  EXPECT_TRUE(phone_events("http.get").empty());
}

TEST_F(PhonedWireKnobs, HttpOnSendsSynsTo6970) {  // the contrast of the case above
  start_services();
  start_phone();
  ASSERT_TRUE(wait_registered());
  EXPECT_GT(syns_to(6970), 0);
}

TEST_F(PhonedWireKnobs, UdpTransportRegistersOverUdp) {
  start_services();
  start_phone({{"udp_transport", true}});
  ASSERT_TRUE(wait_registered());
  for (auto& e : services_->of("sip.binding")) EXPECT_EQ(e.string_attr("transport"), "udp");
  EXPECT_EQ(syns_to(5060), 0);
  int udp_registers = 0;
  for (auto& [rec, p] : capture_->from(kPhoneMac)) {
    if (p.udp && p.udp->dst_port == 5060) ++udp_registers;
  }
  EXPECT_GE(udp_registers, 2);  // REGISTER, then with credentials
}

TEST_F(PhonedWireKnobs, PasswordOverrideIsRefusedByTheRegistrar) {
  start_services();
  start_phone({{"password_override", "not-the-password"}});
  ASSERT_TRUE(wait_until(
      [&] {
        for (auto& e : services_->of("sip.auth")) {
          if (e.string_attr("result") == "wrong_password") return true;
        }
        return false;
      },
      20s));
  ASSERT_TRUE(wait_until([&] { return phone_log().find("status register failed") != std::string::npos; }, 5s))
      << phone_log();
  EXPECT_TRUE(services_->of("sip.binding").empty());
  int refused = 0;
  for (auto& e : phone_events("sip.response")) {
    if (e["attrs"]["status"] == 403) ++refused;
  }
  EXPECT_EQ(refused, 1);
  EXPECT_NE(phone_log().find("status register failed: 403"), std::string::npos) << phone_log();
}

TEST_F(PhonedWireKnobs, VoipVlanQueryPutsTlv000fIntoCdp) {
  if (!tshark_available()) GTEST_SKIP() << "tshark not installed";
  start_phone({{"voip_vlan_query", true}});
  ASSERT_TRUE(wait_until([&] { return frames_to(wire::cdp::kMulticast) >= 1; }, 5s));
  phone_->stop();
  const std::string pcap = capture_->write(dir_->file("cdp.pcap"));
  auto r = run_command({"tshark", "-r", pcap, "-Y", "cdp && eth.src == " + kPhoneMac, "-T", "fields",
                        "-e", "cdp.tlv.type", "-e", "cdp.deviceid"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("0x000f"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SEP001E4A000051"), std::string::npos) << r.out;
}

TEST_F(PhonedWireKnobs, NoVoipVlanQueryByDefault) {
  if (!tshark_available()) GTEST_SKIP() << "tshark not installed";
  start_phone();
  ASSERT_TRUE(wait_until([&] { return frames_to(wire::cdp::kMulticast) >= 1; }, 5s));
  phone_->stop();
  const std::string pcap = capture_->write(dir_->file("cdp.pcap"));
  auto r = run_command({"tshark", "-r", pcap, "-Y", "cdp && eth.src == " + kPhoneMac, "-T", "fields",
                        "-e", "cdp.tlv.type"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(r.out.empty());
  EXPECT_EQ(r.out.find("0x000f"), std::string::npos) << r.out;
}

TEST_F(PhonedWireKnobs, CdpOffSendsLldpOnly) {
  start_phone({{"cdp", false}});
  ASSERT_TRUE(wait_until([&] { return frames_to(wire::lldp::kNearestBridge) >= 3; }, 5s));
  EXPECT_EQ(frames_to(wire::cdp::kMulticast), 0);
  EXPECT_TRUE(phone_events("cdp.tx").empty());
  EXPECT_GE(phone_events("lldp.tx").size(), 3u);
}

}  // namespace
}  // namespace phonerig::testing::phoned
