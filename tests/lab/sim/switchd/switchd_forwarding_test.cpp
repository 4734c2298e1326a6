// phonerig-sim-switch forwarding real frames between namespaces (issue 6, "The switch"):
// rig ports of one VLAN reach each other and nothing else, an access port splits the voice
// VLAN (tagged) from the data VLAN (untagged), and the mirror port gets tagged copies that
// tshark reads without a malformed frame.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "tests/lab/sim/switchd/switchd_lab.hpp"
#include "tests/support/tshark.hpp"

namespace phonerig::testing::switchd {
namespace {

class SwitchdForwarding : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!running_as_root()) GTEST_SKIP() << "needs root (network namespaces)";
    lab_ = std::make_unique<SwitchdLab>("swf");
    phone_ = lab_->add_host("ph");
    rig10a_ = lab_->add_host("ra", "198.18.10.1/24");
    rig10b_ = lab_->add_host("rb", "198.18.10.2/24");
    rig20_ = lab_->add_host("rc", "198.18.10.3/24");  // same subnet, other VLAN
    rig100_ = lab_->add_host("rv", "198.18.100.1/24");
    span_ = lab_->add_host("sp");
    json config = lab_->base_config();
    config["ports"] = json::array({
        json{{"name", phone_.switch_if}, {"number", 1}, {"kind", "access"}, {"vlan", 10},
             {"voice_vlan", 100}, {"mirrored", true}},
        json{{"name", rig10a_.switch_if}, {"number", 49}, {"kind", "rig"}, {"vlan", 10}},
        json{{"name", rig10b_.switch_if}, {"number", 50}, {"kind", "rig"}, {"vlan", 10}},
        json{{"name", rig20_.switch_if}, {"number", 51}, {"kind", "rig"}, {"vlan", 20}},
        json{{"name", rig100_.switch_if}, {"number", 52}, {"kind", "rig"}, {"vlan", 100}},
        json{{"name", span_.switch_if}, {"number", 53}, {"kind", "mirror"}},
    });
    lab_->start(config);
  }

  bool ping(const Host& from, const std::string& to, int count = 3) {
    return lab_->ping(from.role, to, count);
  }

  // The phone's access port up (as `lab attach` does: link only), and the phone side's
  // carrier with it.
  void phone_link_up() {
    ASSERT_TRUE(lab_->client().link("Gi1/0/1", true).has_value());
    ASSERT_TRUE(wait_until([&] {
      return lab_->lab().exec(phone_.role, {"cat", "/sys/class/net/" + phone_.ifname + "/carrier"})
                 .out.rfind("1", 0) == 0;
    }));
  }

  std::unique_ptr<SwitchdLab> lab_;
  Host phone_, rig10a_, rig10b_, rig20_, rig100_, span_;
};

TEST_F(SwitchdForwarding, RigPortsOfOneVlanPingEachOtherThroughTheSwitch) {
  EXPECT_TRUE(ping(rig10a_, "198.18.10.2")) << tail_file(lab_->log());
  EXPECT_TRUE(ping(rig10b_, "198.18.10.1"));
}

TEST_F(SwitchdForwarding, ARigPortOnAnotherVlanSeesNothingOfIt) {
  RawSocket other(rig20_.ns, rig20_.ifname);
  EXPECT_FALSE(ping(rig10a_, "198.18.10.3", 2)) << "VLAN 20 answered a VLAN 10 ping";
  EXPECT_TRUE(ping(rig10a_, "198.18.10.2", 2));
  const auto frames = other.receive_for(std::chrono::milliseconds(300));
  for (const auto& frame : frames) {
    EXPECT_NE(source_of(frame), rig10a_.mac) << "a VLAN 10 frame left a VLAN 20 port";
    EXPECT_NE(source_of(frame), rig10b_.mac) << "a VLAN 10 frame left a VLAN 20 port";
  }
}

TEST_F(SwitchdForwarding, AnAccessPortSendsVoiceTaggedFramesToTheVoiceRigPortUntagged) {
  phone_link_up();
  RawSocket phone(phone_.ns, phone_.ifname);
  RawSocket voice(rig100_.ns, rig100_.ifname);
  RawSocket data(rig10a_.ns, rig10a_.ifname);
  phone.send(marker_frame(phone_.mac, "phrt-voice-frame", 100));
  const auto at_voice = voice.receive_for(std::chrono::milliseconds(500));
  const auto at_data = data.receive_for(std::chrono::milliseconds(100));
  const auto found = std::find_if(at_voice.begin(), at_voice.end(), [](const auto& f) {
    return contains(f, "phrt-voice-frame");
  });
  ASSERT_NE(found, at_voice.end()) << "the voice frame did not reach the voice rig port";
  EXPECT_FALSE(vid_of(*found).has_value()) << "a rig port must send its VLAN untagged";
  EXPECT_EQ(source_of(*found), phone_.mac);
  for (const auto& f : at_data) EXPECT_FALSE(contains(f, "phrt-voice-frame")) << "voice leaked to data";
}

TEST_F(SwitchdForwarding, AnAccessPortSendsUntaggedFramesToTheDataRigPort) {
  phone_link_up();
  RawSocket phone(phone_.ns, phone_.ifname);
  RawSocket voice(rig100_.ns, rig100_.ifname);
  RawSocket data(rig10a_.ns, rig10a_.ifname);
  phone.send(marker_frame(phone_.mac, "phrt-data-frame"));
  const auto at_data = data.receive_for(std::chrono::milliseconds(500));
  const auto at_voice = voice.receive_for(std::chrono::milliseconds(100));
  const auto found = std::find_if(at_data.begin(), at_data.end(), [](const auto& f) {
    return contains(f, "phrt-data-frame");
  });
  ASSERT_NE(found, at_data.end()) << "the data frame did not reach the data rig port";
  EXPECT_FALSE(vid_of(*found).has_value());
  for (const auto& f : at_voice) EXPECT_FALSE(contains(f, "phrt-data-frame")) << "data leaked to voice";
}

TEST_F(SwitchdForwarding, TheAccessPortGetsVoiceFramesTaggedAndDataFramesUntagged) {
  phone_link_up();
  RawSocket phone(phone_.ns, phone_.ifname);
  RawSocket voice(rig100_.ns, rig100_.ifname);
  RawSocket data(rig10a_.ns, rig10a_.ifname);
  voice.send(marker_frame(rig100_.mac, "phrt-to-phone-voice"));
  data.send(marker_frame(rig10a_.mac, "phrt-to-phone-data"));
  const auto at_phone = phone.receive_for(std::chrono::milliseconds(500));
  std::optional<std::optional<std::uint16_t>> voice_tag, data_tag;
  for (const auto& f : at_phone) {
    if (contains(f, "phrt-to-phone-voice")) voice_tag = vid_of(f);
    if (contains(f, "phrt-to-phone-data")) data_tag = vid_of(f);
  }
  ASSERT_TRUE(voice_tag.has_value()) << "no voice frame reached the phone";
  ASSERT_TRUE(data_tag.has_value()) << "no data frame reached the phone";
  EXPECT_EQ(*voice_tag, std::optional<std::uint16_t>(100));
  EXPECT_EQ(*data_tag, std::nullopt);
}

TEST_F(SwitchdForwarding, TheMirrorPortGetsTaggedCopiesThatTsharkReads) {
  if (!tshark_available()) GTEST_SKIP() << "tshark is not installed";
  RawSocket span(span_.ns, span_.ifname);
  phone_link_up();  // the switch's own CDP and LLDP out of the mirrored port are copied too
  RawSocket phone(phone_.ns, phone_.ifname);
  phone.send(marker_frame(phone_.mac, "phrt-span-voice", 100));
  phone.send(marker_frame(phone_.mac, "phrt-span-data"));
  const auto copies = span.receive_for(std::chrono::milliseconds(700));
  ASSERT_FALSE(copies.empty()) << "the mirror port received nothing";
  bool voice = false;
  bool data = false;
  for (const auto& f : copies) {
    ASSERT_TRUE(vid_of(f).has_value()) << "a SPAN copy without a tag:\n"
                                        << tshark_verbose({f});
    voice = voice || (contains(f, "phrt-span-voice") && vid_of(f) == 100);
    data = data || (contains(f, "phrt-span-data") && vid_of(f) == 10);
  }
  EXPECT_TRUE(voice) << "no copy of the voice frame tagged 100";
  EXPECT_TRUE(data) << "no copy of the data frame tagged 10";

  const auto rows = tshark_fields(copies, {"vlan.id", "eth.src"});
  ASSERT_EQ(rows.size(), copies.size());
  std::vector<std::string> vids;
  for (const auto& row : rows) vids.push_back(row[0]);
  EXPECT_NE(std::find(vids.begin(), vids.end(), "100"), vids.end());
  EXPECT_NE(std::find(vids.begin(), vids.end(), "10"), vids.end());
  for (const auto& vid : vids) EXPECT_FALSE(vid.empty()) << "tshark sees an untagged copy";
  const auto problems = tshark_problems(copies);
  EXPECT_TRUE(problems.empty()) << problems.front() << "\n" << tshark_verbose(copies);
}

TEST_F(SwitchdForwarding, APhoneComingUpAfterItsPortIsHeardCdpAndLldpAtOnce) {
  // The phone's side is down while the switch enables the port (a phone still booting).
  lab_->lab().must_exec(phone_.role, {"ip", "link", "set", phone_.ifname, "down"});
  ASSERT_TRUE(lab_->client().link("Gi1/0/1", true).has_value());
  RawSocket phone(phone_.ns, phone_.ifname);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  lab_->lab().must_exec(phone_.role, {"ip", "link", "set", phone_.ifname, "up"});
  const auto frames = phone.receive_for(std::chrono::milliseconds(1000));
  bool cdp = false;
  bool lldp = false;
  for (const auto& f : frames) {
    cdp = cdp || (f.size() > 6 && f[0] == 0x01 && f[1] == 0x00 && f[2] == 0x0c && f[3] == 0xcc &&
                  f[4] == 0xcc && f[5] == 0xcc);
    lldp = lldp || (f.size() > 14 && f[12] == 0x88 && f[13] == 0xcc);
  }
  EXPECT_TRUE(cdp) << "no CDP within a second of the carrier coming up; " << frames.size()
                   << " frames; " << lab_->client().status()->dump();
  EXPECT_TRUE(lldp) << "no LLDP within a second of the carrier coming up";
}

}  // namespace
}  // namespace phonerig::testing::switchd
