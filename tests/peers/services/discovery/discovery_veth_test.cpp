// The discovery service on a real veth pair in its own namespaces: the announcer runs on one
// end ("sw"), a raw AF_PACKET socket plays the phone on the other ("ph"). tshark decodes what
// the announcer sends as CDP with the VoIP VLAN TLV and as LLDP-MED with the voice network
// policy, and flags nothing; a phone's CDP or LLDP frame triggers an announcement at once and
// a cdp.rx / lldp.rx event; garbage gives request.malformed and the service goes on.
// Needs root (namespaces, AF_PACKET); skips otherwise.
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "drivers/api/event_sink.hpp"
#include "drivers/services/discovery/packet_socket.hpp"
#include "drivers/services/discovery/server.hpp"
#include "drivers/wire/cdp.hpp"
#include "drivers/wire/link.hpp"
#include "drivers/wire/lldp.hpp"
#include "tests/support/netns.hpp"
#include "tests/support/tshark.hpp"

namespace phonerig::services::discovery {
namespace {

namespace cdp = wire::cdp;
namespace lldp = wire::lldp;
using namespace std::chrono_literals;

const wire::Mac kPhoneMac{{0x00, 0x1b, 0x53, 0x48, 0x9e, 0xe0}};
const wire::Mac kPhone2Mac{{0xc8, 0x00, 0x84, 0xaa, 0x87, 0x43}};

bool is_root_notice(const std::string& text) {
  return text.find("Running as user \"root\"") != std::string::npos;
}

wire::ByteVector phone_cdp_frame(const wire::Mac& mac, std::optional<wire::VlanTag> tag = {}) {
  cdp::Packet p;
  p.add(cdp::DeviceId{"SEP" + mac.to_cisco()})
      .add(cdp::PortId{"Port 1"})
      .add(cdp::Capabilities{cdp::capability::kIpPhone})
      .add(cdp::SoftwareVersion{"sip88xx.14-2-1-0001-14"})
      .add(cdp::Platform{"Cisco IP Phone 8851"})
      .add(cdp::PowerRequested{19398, 0, {9791}})
      .add(cdp::Duplex{cdp::Duplex::kFull});
  return cdp::build_frame(mac, p, tag);
}

wire::ByteVector phone_lldp_frame(const wire::Mac& mac) {
  lldp::Packet p;
  p.chassis_id = lldp::ChassisId::network_address(*wire::Ipv4::parse("198.18.0.51"));
  p.port_id = lldp::PortId::mac(mac);
  p.tlvs.emplace_back(lldp::SystemName{"SEP" + mac.to_cisco()});
  p.tlvs.emplace_back(lldp::MedCapabilities{0x33, lldp::med_device_type::kEndpointClass3});
  p.tlvs.emplace_back(
      lldp::Inventory{lldp::med_subtype::kSoftwareRevision, "sip88xx.14-2-1-0001-14"});
  p.tlvs.emplace_back(lldp::Inventory{lldp::med_subtype::kModel, "CP-8851"});
  return lldp::build_frame(mac, p);
}

// Two namespaces cabled by one veth; the announcer on "sw", the phone's socket on "ph".
class DiscoveryVeth : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, AF_PACKET)";
    lab_ = std::make_unique<testing::NetnsLab>("dsc");
    lab_->add("sw");
    lab_->add("ph");
    cable_ = lab_->connect("sw", "ph");
    {
      testing::NetnsGuard in(lab_->ns("ph"));
      auto s = PacketSocket::open(cable_.b_if);
      ASSERT_TRUE(s) << s.error().message;
      phone_ = std::move(*s);
    }
    Config c;
    c.interface = cable_.a_if;
    c.device_id = "phonerig";
    c.port_id = "GigabitEthernet1/0/5";
    c.voice_vlan = 100;
    c.native_vlan = 10;
    c.power_available_mw = 15400;
    {
      testing::NetnsGuard in(lab_->ns("sw"));
      auto server = Server::start(io_.get_executor(), c, events_);
      ASSERT_TRUE(server) << server.error().message;
      server_ = std::move(*server);
    }
    switch_mac_ = *wire::Mac::parse(lab_->mac("sw", cable_.a_if));
    thread_ = std::thread([this] { io_.run(); });
    // The first announcement goes out at start.
    ASSERT_TRUE(wait_for_announcement(2s)) << "no first announcement";
  }

  void TearDown() override {
    if (server_) server_->stop();
    work_.reset();
    if (thread_.joinable()) {
      // stop() posts the close; run() returns once nothing is left.
      io_.stop();
      thread_.join();
    }
    server_.reset();
    phone_ = PacketSocket();
    lab_.reset();
  }

  // Frames the phone side received from the announcer, read until `deadline`.
  void read_phone(std::chrono::milliseconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      pollfd p{phone_.fd(), POLLIN, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (poll(&p, 1, static_cast<int>(std::max<long>(left.count(), 0))) <= 0) continue;
      while (auto r = PacketSocket::receive(phone_.fd())) {
        if (r->outgoing) continue;
        if (r->frame.size() >= 12 &&
            wire::Mac::from_bytes(wire::Bytes(r->frame).subspan(6, 6)) == switch_mac_) {
          received_.push_back(std::move(r->frame));
        }
      }
    }
  }

  std::size_t count_received(bool want_cdp) const {
    std::size_t n = 0;
    for (const auto& f : received_) {
      auto link = wire::parse_link(wire::LinkType::ethernet, f);
      if (!link) continue;
      if (want_cdp ? cdp::is_cdp(*link) : link->ethertype == wire::ethertype::kLldp) ++n;
    }
    return n;
  }

  // Reads until one CDP and one LLDP frame from the announcer have arrived.
  bool wait_for_announcement(std::chrono::milliseconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      read_phone(50ms);
      if (count_received(true) >= 1 && count_received(false) >= 1) return true;
    }
    return false;
  }

  void send_from_phone(const wire::ByteVector& frame) {
    ASSERT_TRUE(PacketSocket::send(phone_.fd(), frame)) << std::strerror(errno);
  }

  std::vector<api::Event> events_of(const std::string& kind) const {
    std::vector<api::Event> out;
    for (const auto& e : events_.events()) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }

  void expect_all_events_valid() const {
    for (const auto& e : events_.events()) {
      auto ok = api::validate(e);
      EXPECT_TRUE(ok) << api::to_string(e) << ": " << (ok ? "" : ok.error().message);
    }
  }

  std::unique_ptr<testing::NetnsLab> lab_;
  testing::NetnsLab::Cable cable_;
  PacketSocket phone_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      io_.get_executor()};
  api::CollectingSink events_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  wire::Mac switch_mac_;
  std::vector<wire::ByteVector> received_;
};

TEST_F(DiscoveryVeth, TsharkDecodesTheAnnouncementAsCdpVoiceVlanAndLldpMedPolicy) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  std::vector<wire::ByteVector> cdp_frames;
  std::vector<wire::ByteVector> lldp_frames;
  for (const auto& f : received_) {
    auto link = wire::parse_link(wire::LinkType::ethernet, f);
    ASSERT_TRUE(link);
    (cdp::is_cdp(*link) ? cdp_frames : lldp_frames).push_back(f);
  }
  ASSERT_FALSE(cdp_frames.empty());
  ASSERT_FALSE(lldp_frames.empty());

  auto cdp_rows = testing::tshark_fields(
      cdp_frames, {"cdp.version", "cdp.ttl", "cdp.checksum.status", "cdp.deviceid", "cdp.portid",
                   "cdp.capabilities", "cdp.platform", "cdp.software_version", "cdp.native_vlan",
                   "cdp.duplex", "cdp.voice_vlan", "cdp.power_available"});
  std::erase_if(cdp_rows, [](const auto& r) { return !r.empty() && is_root_notice(r[0]); });
  ASSERT_EQ(cdp_rows.size(), cdp_frames.size()) << testing::tshark_verbose(cdp_frames);
  EXPECT_EQ(cdp_rows[0],
            (std::vector<std::string>{"2", "180", "1", "phonerig", "GigabitEthernet1/0/5",
                                      "0x00000028", "phonerig", "phonerig discovery announcer",
                                      "10", "1", "100", "15400"}))
      << testing::tshark_verbose({cdp_frames[0]});

  auto lldp_rows = testing::tshark_fields(
      lldp_frames, {"lldp.chassis.id.mac", "lldp.port.id", "lldp.time_to_live",
                    "lldp.tlv.system.name", "lldp.media.subtype.class", "lldp.media.app_type",
                    "lldp.media.policy_flag", "lldp.media.tag_flag", "lldp.media.vlan_id",
                    "lldp.media.l2_prio", "lldp.media.dscp", "lldp.media.power.type",
                    "lldp.media.power.value"});
  std::erase_if(lldp_rows, [](const auto& r) { return !r.empty() && is_root_notice(r[0]); });
  ASSERT_EQ(lldp_rows.size(), lldp_frames.size()) << testing::tshark_verbose(lldp_frames);
  EXPECT_EQ(lldp_rows[0], (std::vector<std::string>{switch_mac_.to_string(),
                                                    "GigabitEthernet1/0/5", "180", "phonerig",
                                                    "4", "1", "0", "1", "100", "5", "46", "0",
                                                    "154"}))
      << testing::tshark_verbose({lldp_frames[0]});

  std::vector<wire::ByteVector> all = cdp_frames;
  all.insert(all.end(), lldp_frames.begin(), lldp_frames.end());
  auto problems = testing::tshark_problems(all);
  std::erase_if(problems, is_root_notice);
  EXPECT_TRUE(problems.empty()) << problems.front() << "\n" << testing::tshark_verbose(all);

  const auto tx = events_of("cdp.tx");
  ASSERT_FALSE(tx.empty());
  EXPECT_EQ(tx[0].integer_attr("voice_vlan"), 100);
  EXPECT_FALSE(events_of("lldp.tx").empty());
  EXPECT_EQ(events_of("service.listening").size(), 2u);
  ASSERT_EQ(server_->where().size(), 1u);
  EXPECT_NE(server_->where()[0].find("raw cdp+lldp on " + cable_.a_if), std::string::npos)
      << server_->where()[0];
  expect_all_events_valid();
}

TEST_F(DiscoveryVeth, PhoneCdpFrameTriggersAnImmediateAnnouncementAndCdpRx) {
  received_.clear();
  const auto sent_at = std::chrono::steady_clock::now();
  send_from_phone(phone_cdp_frame(kPhoneMac));
  // The interval is 60 s, so an announcement within 10 s is the answer, not a tick.
  ASSERT_TRUE(wait_for_announcement(10s)) << "no announcement after the phone's CDP";
  EXPECT_LT(std::chrono::steady_clock::now() - sent_at, 10s) << "interval is 60 s: not a tick";
  ASSERT_TRUE(testing::wait_until([&] { return !events_of("cdp.rx").empty(); }, 2s));
  const api::Event rx = events_of("cdp.rx").front();
  EXPECT_EQ(rx.source, api::EventSource::service);
  EXPECT_EQ(rx.phone, kPhoneMac);
  EXPECT_EQ(rx.string_attr("device_id"), "SEP001B53489EE0");
  EXPECT_EQ(rx.string_attr("software_version"), "sip88xx.14-2-1-0001-14");
  EXPECT_EQ(rx.string_attr("platform"), "Cisco IP Phone 8851");
  EXPECT_EQ(rx.integer_attr("power_requested_mw"), 9791);
  EXPECT_EQ(rx.integer_attr("checksum_ok"), 1);
  EXPECT_FALSE(rx.attr("vlan"));
  bool triggered = false;
  for (const auto& e : events_of("cdp.tx")) triggered = triggered || e.phone == kPhoneMac;
  EXPECT_TRUE(triggered) << "the triggered cdp.tx names the phone";
  expect_all_events_valid();
}

TEST_F(DiscoveryVeth, TaggedPhoneFrameGetsItsVlanBackFromAuxData) {
  wire::VlanTag tag;
  tag.vid = 100;
  tag.pcp = 5;
  send_from_phone(phone_cdp_frame(kPhone2Mac, tag));
  ASSERT_TRUE(testing::wait_until([&] { return !events_of("cdp.rx").empty(); }, 2s));
  const api::Event rx = events_of("cdp.rx").front();
  EXPECT_EQ(rx.phone, kPhone2Mac);
  EXPECT_EQ(rx.integer_attr("vlan"), 100);
  EXPECT_EQ(rx.integer_attr("pcp"), 5);
  EXPECT_EQ(rx.string_attr("device_id"), "SEPC80084AA8743");
}

TEST_F(DiscoveryVeth, PhoneLldpMedFrameTriggersAnImmediateAnnouncementAndLldpRx) {
  received_.clear();
  send_from_phone(phone_lldp_frame(kPhoneMac));
  ASSERT_TRUE(wait_for_announcement(1500ms)) << "no announcement after the phone's LLDP";
  ASSERT_TRUE(testing::wait_until([&] { return !events_of("lldp.rx").empty(); }, 2s));
  const api::Event rx = events_of("lldp.rx").front();
  EXPECT_EQ(rx.phone, kPhoneMac);
  EXPECT_EQ(rx.string_attr("system_name"), "SEP001B53489EE0");
  EXPECT_EQ(rx.string_attr("software_revision"), "sip88xx.14-2-1-0001-14");
  EXPECT_EQ(rx.string_attr("model"), "CP-8851");
  EXPECT_EQ(rx.integer_attr("med_class"), 3);
  // LLDP-MED fast start: the immediate frame and three more, 1 s apart; CDP only once.
  read_phone(3500ms);
  EXPECT_EQ(count_received(false), 4u);
  EXPECT_EQ(count_received(true), 1u);
  expect_all_events_valid();
}

TEST_F(DiscoveryVeth, PhoneAppearedAnnouncesAtOnce) {
  received_.clear();
  server_->phone_appeared(kPhoneMac);
  ASSERT_TRUE(wait_for_announcement(1500ms));
  ASSERT_TRUE(testing::wait_until(
      [&] {
        for (const auto& e : events_of("lldp.tx")) {
          if (e.phone == kPhoneMac) return true;
        }
        return false;
      },
      2s));
}

TEST_F(DiscoveryVeth, GarbageFramesGiveRequestMalformedAndTheServiceGoesOn) {
  wire::ByteVector bad_cdp = phone_cdp_frame(kPhoneMac);
  bad_cdp[22] = 0x09;  // CDP version
  send_from_phone(bad_cdp);
  wire::EthernetHeader h{lldp::kNearestBridge, kPhoneMac, {}};
  send_from_phone(wire::build_ethernet(h, wire::ethertype::kLldp,
                                       wire::ByteVector{0xff, 0xff, 0xff, 0x00, 0x01}));
  wire::EthernetHeader c{cdp::kMulticast, kPhoneMac, {}};
  send_from_phone(wire::build_llc_snap(c, cdp::kSnap, wire::ByteVector{0x02}));  // cut header
  ASSERT_TRUE(testing::wait_until([&] { return events_of("request.malformed").size() >= 3; }, 2s))
      << events_of("request.malformed").size() << " malformed events";
  const auto malformed = events_of("request.malformed");
  EXPECT_EQ(malformed[0].string_attr("service"), "cdp");
  EXPECT_EQ(malformed[1].string_attr("service"), "lldp");
  EXPECT_EQ(malformed[2].string_attr("service"), "cdp");
  for (const auto& e : malformed) EXPECT_EQ(e.phone, kPhoneMac);
  EXPECT_TRUE(events_of("cdp.rx").empty());

  received_.clear();
  send_from_phone(phone_cdp_frame(kPhoneMac));
  ASSERT_TRUE(testing::wait_until([&] { return !events_of("cdp.rx").empty(); }, 2s))
      << "the service stopped after garbage";
  EXPECT_TRUE(wait_for_announcement(1500ms));
  expect_all_events_valid();
}

TEST(DiscoveryVethStart, MissingInterfaceIsTheRigsErrorNamingIt) {
  boost::asio::io_context io;
  api::CollectingSink sink;
  Config c;
  c.interface = "phrt-nonexist0";
  auto server = Server::start(io.get_executor(), c, sink);
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().fault, api::Fault::rig);
  EXPECT_NE(server.error().message.find("phrt-nonexist0"), std::string::npos)
      << server.error().message;
  EXPECT_EQ(sink.count("service.listening"), 0u);
}

}  // namespace
}  // namespace phonerig::services::discovery
