// The DHCP server's pure core: every client state of RFC 2131 section 4.3, the reply
// addressing of section 4.1, option order and content, relays, who is ignored, leases
// restored from the journal, malformed input.
#include "drivers/services/dhcp/core.hpp"
#include "drivers/services/dhcp/lease.hpp"
#include "drivers/services/dhcp/lease_journal.hpp"
#include "drivers/wire/dhcp.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <thread>
#include <unistd.h>

namespace {

namespace dhcp = phonerig::services::dhcp;
namespace d = phonerig::wire::dhcp;
namespace opt = phonerig::wire::dhcp::option;
using d::MessageType;
using dhcp::Delivery;
using dhcp::LeaseState;
using phonerig::api::Event;
using phonerig::wire::ByteVector;
using phonerig::wire::Ipv4;
using phonerig::wire::Mac;

Ipv4 ip(const char* text) {
  return *Ipv4::parse(text);
}
Mac mac(const char* text) {
  return *Mac::parse(text);
}

const Mac kPhone = mac("00:1b:53:48:9e:e0");
const Mac kPoolPhone = mac("02:00:00:00:00:07");
const Mac kStranger = mac("02:00:00:00:00:99");
constexpr std::int64_t kNow = 1'767'225'600LL * 1'000'000'000LL; // 2026-01-01
constexpr std::int64_t kSecond = 1'000'000'000LL;

dhcp::Config config() {
  dhcp::Config c;
  c.server_address = ip("198.18.0.1");
  c.subnet_mask = ip("255.255.255.0");
  c.routers = {ip("198.18.0.254")};
  c.dns_servers = {ip("198.18.0.53"), ip("198.18.0.54")};
  c.domain = "lab.example";
  c.lease_time_s = 3600;
  c.tftp_servers = {ip("198.18.0.10"), ip("198.18.0.11")};
  c.reservations = {{kPhone, ip("198.18.0.20"), "SEP001B53489EE0"}};
  c.pool = dhcp::Pool{ip("198.18.0.100"), ip("198.18.0.101")};
  c.allowed = {kPoolPhone, mac("02:00:00:00:00:08"), mac("02:00:00:00:00:09")};
  return c;
}

d::Message client(MessageType type, Mac from = kPhone, std::uint32_t xid = 0x1234) {
  d::Message m;
  m.xid = xid;
  m.set_mac(from);
  m.options.set_message_type(type);
  return m;
}

struct Sent {
  dhcp::Outcome out;
  d::Message reply; // when out.reply
};

Sent handle(dhcp::Core& core, const d::Message& m, std::int64_t now = kNow, Ipv4 source = Ipv4{}) {
  const ByteVector bytes = d::build(m);
  Sent s{core.handle({bytes, source, 68, now}), {}};
  for (const Event& e : s.out.events) {
    auto valid = phonerig::api::validate(e);
    EXPECT_TRUE(valid.has_value()) << phonerig::api::to_string(e);
  }
  if (s.out.reply) {
    auto parsed = d::parse(s.out.reply->payload);
    EXPECT_TRUE(parsed.has_value());
    if (parsed) s.reply = *parsed;
  }
  return s;
}

MessageType type_of(const d::Message& m) {
  return *m.options.message_type();
}

const Event* find(const dhcp::Outcome& out, const std::string& kind) {
  for (const Event& e : out.events) {
    if (e.kind == kind) return &e;
  }
  return nullptr;
}

d::Message request_selecting(Mac from, Ipv4 wanted, Ipv4 server = ip("198.18.0.1")) {
  d::Message m = client(MessageType::request, from);
  m.options.set_server_id(server);
  m.options.set_requested_ip(wanted);
  return m;
}

// Full DORA for `from`, returns the ACK.
d::Message bind(dhcp::Core& core, Mac from, std::int64_t now = kNow) {
  Sent offer = handle(core, client(MessageType::discover, from), now);
  EXPECT_TRUE(offer.out.reply);
  Sent ack = handle(core, request_selecting(from, offer.reply.yiaddr), now);
  EXPECT_TRUE(ack.out.reply);
  return ack.reply;
}

TEST(DhcpCore, OffersTheReservedAddressWithTheConfiguredOptions) {
  dhcp::Core core(config());
  Sent s = handle(core, client(MessageType::discover));
  ASSERT_TRUE(s.out.reply);
  EXPECT_EQ(type_of(s.reply), MessageType::offer);
  EXPECT_EQ(s.reply.op, d::Op::reply);
  EXPECT_EQ(s.reply.xid, 0x1234u);
  EXPECT_EQ(s.reply.yiaddr, ip("198.18.0.20"));
  EXPECT_EQ(s.reply.ciaddr, Ipv4{});
  EXPECT_EQ(s.reply.mac(), kPhone);
  const d::Options& o = s.reply.options;
  EXPECT_EQ(*o.server_id(), ip("198.18.0.1"));
  EXPECT_EQ(*o.lease_time(), 3600u);
  EXPECT_EQ(*o.renewal_time(), 1800u);
  EXPECT_EQ(*o.rebinding_time(), 3150u);
  EXPECT_EQ(*o.subnet_mask(), ip("255.255.255.0"));
  EXPECT_EQ(*o.routers(), std::vector<Ipv4>{ip("198.18.0.254")});
  EXPECT_EQ(o.dns_servers()->size(), 2u);
  EXPECT_EQ(*o.domain_name(), "lab.example");
  EXPECT_EQ(*o.host_name(), "SEP001B53489EE0");
  EXPECT_EQ(*o.tftp_server_addresses(), (std::vector<Ipv4>{ip("198.18.0.10"), ip("198.18.0.11")}));
  EXPECT_FALSE(o.has(opt::kTftpServerName)); // not configured
}

TEST(DhcpCore, SendsOption150And66EvenWhenNotRequested) {
  dhcp::Config c = config();
  c.tftp_server_name = "198.18.0.10";
  dhcp::Core core(c);
  d::Message m = client(MessageType::discover);
  const std::uint8_t prl[] = {1, 3};
  m.options.set_parameter_request_list(prl);
  Sent s = handle(core, m);
  EXPECT_EQ(s.reply.options.tftp_server_addresses()->size(), 2u);
  EXPECT_EQ(*s.reply.options.tftp_server_name(), "198.18.0.10");
}

TEST(DhcpCore, OrdersOptionsByTheParameterRequestList) {
  dhcp::Core core(config());
  d::Message m = client(MessageType::discover);
  const std::uint8_t prl[] = {150, 6, 3, 1};
  m.options.set_parameter_request_list(prl);
  Sent s = handle(core, m);
  std::vector<std::uint8_t> codes;
  for (const auto& item : s.reply.options.items())
    codes.push_back(item.code);
  ASSERT_GE(codes.size(), 5u);
  EXPECT_EQ(std::vector<std::uint8_t>(codes.begin(), codes.begin() + 5),
            (std::vector<std::uint8_t>{53, 150, 6, 3, 1}));
}

TEST(DhcpCore, SendsAnyConfiguredExtraOption) {
  dhcp::Config c = config();
  c.extra_options[42] = {198, 18, 0, 123};
  c.extra_options[1] = {255, 255, 0, 0}; // replaces the built-in mask
  dhcp::Core core(c);
  Sent s = handle(core, client(MessageType::discover));
  EXPECT_EQ(*s.reply.options.ntp_servers(), std::vector<Ipv4>{ip("198.18.0.123")});
  EXPECT_EQ(*s.reply.options.subnet_mask(), ip("255.255.0.0"));
}

TEST(DhcpCore, AcksTheOfferedAddressInSelectingState) {
  dhcp::Core core(config());
  d::Message ack = bind(core, kPhone);
  EXPECT_EQ(type_of(ack), MessageType::ack);
  EXPECT_EQ(ack.yiaddr, ip("198.18.0.20"));
  ASSERT_NE(core.lease_of(kPhone), nullptr);
  EXPECT_EQ(core.lease_of(kPhone)->state, LeaseState::bound);
  EXPECT_EQ(core.lease_of(kPhone)->expires_s, kNow / kSecond + 3600);
}

TEST(DhcpCore, EmitsPacketAndLeaseEventsWithThePhone) {
  dhcp::Core core(config());
  Sent offer = handle(core, client(MessageType::discover));
  const Event* discover = find(offer.out, "dhcp.discover");
  ASSERT_NE(discover, nullptr);
  EXPECT_EQ(discover->phone, kPhone);
  EXPECT_EQ(discover->source, phonerig::api::EventSource::service);
  const Event* sent = find(offer.out, "dhcp.offer");
  ASSERT_NE(sent, nullptr);
  EXPECT_EQ(phonerig::api::to_string(*sent->attr("yiaddr")), "198.18.0.20");
  EXPECT_EQ(phonerig::api::to_string(*sent->attr("tftp_servers")), "[198.18.0.10,198.18.0.11]");
  const Event* lease = find(offer.out, "dhcp.lease");
  ASSERT_NE(lease, nullptr);
  EXPECT_EQ(lease->string_attr("state"), "offered");
  EXPECT_EQ(lease->integer_attr("reserved"), 1);
  Sent ack = handle(core, request_selecting(kPhone, ip("198.18.0.20")));
  EXPECT_NE(find(ack.out, "dhcp.request"), nullptr);
  EXPECT_NE(find(ack.out, "dhcp.ack"), nullptr);
  EXPECT_EQ(find(ack.out, "dhcp.lease")->string_attr("state"), "bound");
  ASSERT_EQ(ack.out.journal.size(), 1u);
  EXPECT_EQ(ack.out.journal[0].state, LeaseState::bound);
}

TEST(DhcpCore, NaksARequestForAnotherAddress) {
  dhcp::Core core(config());
  handle(core, client(MessageType::discover));
  Sent s = handle(core, request_selecting(kPhone, ip("198.18.0.21")));
  ASSERT_TRUE(s.out.reply);
  EXPECT_EQ(type_of(s.reply), MessageType::nak);
  EXPECT_EQ(s.reply.yiaddr, Ipv4{});
  EXPECT_TRUE(s.reply.options.has(56));
  EXPECT_FALSE(s.reply.options.has(opt::kLeaseTime));
  EXPECT_EQ(s.out.reply->to.delivery, Delivery::broadcast); // NAK without relay
  EXPECT_NE(find(s.out, "dhcp.nak"), nullptr);
}

TEST(DhcpCore, FreesTheOfferWhenTheClientSelectsAnotherServer) {
  dhcp::Core core(config());
  handle(core, client(MessageType::discover, kPoolPhone));
  ASSERT_NE(core.lease_of(kPoolPhone), nullptr);
  Sent s = handle(core, request_selecting(kPoolPhone, ip("198.18.0.100"), ip("198.18.0.2")));
  EXPECT_FALSE(s.out.reply);
  EXPECT_NE(find(s.out, "dhcp.ignored"), nullptr);
  EXPECT_EQ(core.lease_of(kPoolPhone), nullptr);
}

TEST(DhcpCore, AcksInitRebootForTheClientsAddress) {
  dhcp::Core core(config());
  bind(core, kPoolPhone);
  d::Message m = client(MessageType::request, kPoolPhone);
  m.options.set_requested_ip(ip("198.18.0.100"));
  Sent s = handle(core, m, kNow + 10 * kSecond);
  ASSERT_TRUE(s.out.reply);
  EXPECT_EQ(type_of(s.reply), MessageType::ack);
  EXPECT_EQ(s.reply.yiaddr, ip("198.18.0.100"));
  EXPECT_EQ(find(s.out, "dhcp.lease")->string_attr("state"), "renewed");
}

TEST(DhcpCore, NaksInitRebootForAWrongAddress) {
  dhcp::Core core(config());
  d::Message m = client(MessageType::request);
  m.options.set_requested_ip(ip("198.18.0.30"));
  Sent s = handle(core, m);
  ASSERT_TRUE(s.out.reply);
  EXPECT_EQ(type_of(s.reply), MessageType::nak);
}

TEST(DhcpCore, NaksInitRebootOnTheWrongNetwork) {
  dhcp::Core core(config());
  d::Message m = client(MessageType::request);
  m.options.set_requested_ip(ip("10.1.2.3"));
  Sent s = handle(core, m);
  ASSERT_TRUE(s.out.reply);
  EXPECT_EQ(type_of(s.reply), MessageType::nak);
  EXPECT_NE(s.reply.options.get(56)->size(), 0u);
}

TEST(DhcpCore, StaysSilentOnInitRebootWithoutARecord) {
  dhcp::Core core(config());
  d::Message m = client(MessageType::request, kPoolPhone);
  m.options.set_requested_ip(ip("198.18.0.100"));
  Sent s = handle(core, m);
  EXPECT_FALSE(s.out.reply);
  EXPECT_NE(find(s.out, "dhcp.ignored"), nullptr);
}

TEST(DhcpCore, AcksRenewingToCiaddrByUnicast) {
  dhcp::Core core(config());
  bind(core, kPhone);
  d::Message m = client(MessageType::request);
  m.ciaddr = ip("198.18.0.20");
  Sent s = handle(core, m, kNow + 1800 * kSecond, ip("198.18.0.20"));
  ASSERT_TRUE(s.out.reply);
  EXPECT_EQ(type_of(s.reply), MessageType::ack);
  EXPECT_EQ(s.reply.ciaddr, ip("198.18.0.20"));
  EXPECT_EQ(s.reply.yiaddr, ip("198.18.0.20"));
  EXPECT_EQ(s.out.reply->to.delivery, Delivery::udp);
  EXPECT_EQ(s.out.reply->to.address, ip("198.18.0.20"));
  EXPECT_EQ(s.out.reply->to.port, 68);
  EXPECT_EQ(core.lease_of(kPhone)->expires_s, kNow / kSecond + 1800 + 3600);
}

TEST(DhcpCore, AcksRebindingOfAPoolLease) {
  dhcp::Core core(config());
  bind(core, kPoolPhone);
  d::Message m = client(MessageType::request, kPoolPhone);
  m.ciaddr = ip("198.18.0.100");
  m.set_broadcast(true);
  Sent s = handle(core, m, kNow + 3200 * kSecond);
  ASSERT_TRUE(s.out.reply);
  EXPECT_EQ(type_of(s.reply), MessageType::ack);
}

TEST(DhcpCore, NaksRenewingOfAnAddressThatIsNotTheClients) {
  dhcp::Core core(config());
  bind(core, kPoolPhone);
  d::Message m = client(MessageType::request, kPoolPhone);
  m.ciaddr = ip("198.18.0.101");
  Sent s = handle(core, m);
  ASSERT_TRUE(s.out.reply);
  EXPECT_EQ(type_of(s.reply), MessageType::nak);
}

TEST(DhcpCore, IgnoresAnUndeclaredMac) {
  dhcp::Core core(config());
  Sent s = handle(core, client(MessageType::discover, kStranger));
  EXPECT_FALSE(s.out.reply);
  const Event* ignored = find(s.out, "dhcp.ignored");
  ASSERT_NE(ignored, nullptr);
  EXPECT_EQ(ignored->phone, kStranger);
  EXPECT_NE(ignored->string_attr("reason")->find("not declared"), std::string::npos);
  EXPECT_NE(find(s.out, "dhcp.discover"), nullptr); // what arrived is still reported
}

TEST(DhcpCore, GivesPoolAddressesOnlyWhileFree) {
  dhcp::Core core(config());
  EXPECT_EQ(bind(core, kPoolPhone).yiaddr, ip("198.18.0.100"));
  EXPECT_EQ(bind(core, mac("02:00:00:00:00:08")).yiaddr, ip("198.18.0.101"));
  Sent s = handle(core, client(MessageType::discover, mac("02:00:00:00:00:09")));
  EXPECT_FALSE(s.out.reply);
  EXPECT_EQ(find(s.out, "dhcp.ignored")->string_attr("reason"), "pool exhausted");
}

TEST(DhcpCore, HonoursARequestedPoolAddressInDiscover) {
  dhcp::Core core(config());
  d::Message m = client(MessageType::discover, kPoolPhone);
  m.options.set_requested_ip(ip("198.18.0.101"));
  EXPECT_EQ(handle(core, m).reply.yiaddr, ip("198.18.0.101"));
}

TEST(DhcpCore, ReleaseFreesThePoolAddress) {
  dhcp::Core core(config());
  bind(core, kPoolPhone);
  d::Message m = client(MessageType::release, kPoolPhone);
  m.ciaddr = ip("198.18.0.100");
  m.options.set_server_id(ip("198.18.0.1"));
  Sent s = handle(core, m);
  EXPECT_FALSE(s.out.reply);
  EXPECT_EQ(find(s.out, "dhcp.lease")->string_attr("state"), "released");
  EXPECT_EQ(s.out.journal.at(0).state, LeaseState::released);
  d::Message other = client(MessageType::discover, mac("02:00:00:00:00:08"));
  other.options.set_requested_ip(ip("198.18.0.100"));
  EXPECT_EQ(handle(core, other).reply.yiaddr, ip("198.18.0.100"));
}

TEST(DhcpCore, DeclineMakesTheAddressUnavailable) {
  dhcp::Core core(config());
  bind(core, kPoolPhone);
  d::Message m = client(MessageType::decline, kPoolPhone);
  m.options.set_requested_ip(ip("198.18.0.100"));
  m.options.set_server_id(ip("198.18.0.1"));
  Sent s = handle(core, m);
  EXPECT_FALSE(s.out.reply);
  EXPECT_EQ(find(s.out, "dhcp.lease")->string_attr("state"), "declined");
  EXPECT_EQ(handle(core, client(MessageType::discover, kPoolPhone)).reply.yiaddr,
            ip("198.18.0.101"));
  // After decline_hold_s the address is offered again.
  EXPECT_EQ(
      handle(core, client(MessageType::discover, mac("02:00:00:00:00:08")), kNow + 601 * kSecond)
          .reply.yiaddr,
      ip("198.18.0.100"));
}

TEST(DhcpCore, ADeclinedReservationIsNotOffered) {
  dhcp::Core core(config());
  bind(core, kPhone);
  d::Message m = client(MessageType::decline);
  m.options.set_requested_ip(ip("198.18.0.20"));
  handle(core, m);
  Sent s = handle(core, client(MessageType::discover));
  EXPECT_FALSE(s.out.reply);
  EXPECT_NE(find(s.out, "dhcp.ignored")->string_attr("reason")->find("declined"),
            std::string::npos);
}

TEST(DhcpCore, AnswersInformWithoutLeaseTime) {
  dhcp::Core core(config());
  d::Message m = client(MessageType::inform);
  m.ciaddr = ip("198.18.0.20");
  Sent s = handle(core, m, kNow, ip("198.18.0.20"));
  ASSERT_TRUE(s.out.reply);
  EXPECT_EQ(type_of(s.reply), MessageType::ack);
  EXPECT_EQ(s.reply.yiaddr, Ipv4{});
  EXPECT_FALSE(s.reply.options.has(opt::kLeaseTime));
  EXPECT_FALSE(s.reply.options.has(opt::kRenewalTime));
  EXPECT_TRUE(s.reply.options.has(opt::kTftpServerAddress));
  EXPECT_EQ(s.out.reply->to.address, ip("198.18.0.20"));
  EXPECT_TRUE(s.out.journal.empty());
}

TEST(DhcpCore, RepliesToTheRelayAndEchoesOption82) {
  dhcp::Core core(config());
  d::Message m = client(MessageType::discover);
  m.giaddr = ip("198.18.5.1");
  m.hops = 1;
  const ByteVector info = {1, 4, 'G', 'i', '0', '5', 2, 2, 0xab, 0xcd};
  m.options.set(opt::kRelayAgentInfo, info);
  Sent s = handle(core, m, kNow, ip("198.18.5.1"));
  ASSERT_TRUE(s.out.reply);
  EXPECT_EQ(s.out.reply->to.delivery, Delivery::udp);
  EXPECT_EQ(s.out.reply->to.address, ip("198.18.5.1"));
  EXPECT_EQ(s.out.reply->to.port, 67);
  EXPECT_EQ(s.reply.giaddr, ip("198.18.5.1"));
  EXPECT_EQ(s.reply.hops, 0);
  EXPECT_EQ(*s.reply.options.get(opt::kRelayAgentInfo), info);
  // A NAK through a relay goes to the relay too.
  Sent nak = handle(core, [&] {
    d::Message r = request_selecting(kPhone, ip("198.18.0.99"));
    r.giaddr = ip("198.18.5.1");
    return r;
  }());
  EXPECT_EQ(type_of(nak.reply), MessageType::nak);
  EXPECT_EQ(nak.out.reply->to.address, ip("198.18.5.1"));
}

TEST(DhcpCore, EchoesTheClientIdentifier) {
  dhcp::Core core(config());
  d::Message m = client(MessageType::discover);
  m.options.set_client_id({1, {0x00, 0x1b, 0x53, 0x48, 0x9e, 0xe0}});
  EXPECT_EQ(handle(core, m).reply.options.client_id()->value().id.size(), 6u);
}

TEST(DhcpCore, AddressesRepliesAsRfc2131Section41Says) {
  dhcp::Core core(config());
  Sent unicast = handle(core, client(MessageType::discover));
  EXPECT_EQ(unicast.out.reply->to.delivery, Delivery::link_unicast);
  EXPECT_EQ(unicast.out.reply->to.mac, kPhone);
  EXPECT_EQ(unicast.out.reply->to.address, ip("198.18.0.20"));
  EXPECT_EQ(unicast.out.reply->to.port, 68);
  d::Message b = client(MessageType::discover);
  b.set_broadcast(true);
  Sent broadcast = handle(core, b);
  EXPECT_EQ(broadcast.out.reply->to.delivery, Delivery::broadcast);
  EXPECT_EQ(broadcast.out.reply->to.address, Ipv4::broadcast());
  EXPECT_TRUE(broadcast.reply.broadcast()); // flags copied
}

TEST(DhcpCore, ReportsMalformedDatagramsAndKeepsServing) {
  dhcp::Core core(config());
  const ByteVector junk = {1, 2, 3};
  dhcp::Outcome out = core.handle({junk, Ipv4{}, 68, kNow});
  EXPECT_FALSE(out.reply);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].kind, "request.malformed");
  EXPECT_EQ(out.events[0].string_attr("service"), "dhcp");
  EXPECT_TRUE(phonerig::api::validate(out.events[0]).has_value());
  // A bad option 50 in an otherwise good DISCOVER: malformed, with the phone known.
  d::Message m = client(MessageType::discover);
  m.options.set(opt::kRequestedIp, ByteVector{1, 2, 3});
  Sent bad = handle(core, m);
  EXPECT_FALSE(bad.out.reply);
  const Event* e = find(bad.out, "request.malformed");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->phone, kPhone);
  EXPECT_NE(e->string_attr("error")->find("option 50"), std::string::npos);
  EXPECT_TRUE(handle(core, client(MessageType::discover)).out.reply);
}

TEST(DhcpCore, IgnoresServerMessages) {
  dhcp::Core core(config());
  d::Message m = client(MessageType::offer);
  m.op = d::Op::reply;
  Sent s = handle(core, m);
  EXPECT_FALSE(s.out.reply);
  EXPECT_NE(find(s.out, "dhcp.ignored"), nullptr);
}

TEST(DhcpCore, RestoresRunningLeasesAndDropsExpiredOnes) {
  dhcp::Core core(config());
  const std::int64_t now_s = kNow / kSecond;
  std::vector<dhcp::Lease> saved = {
      {kPoolPhone, ip("198.18.0.100"), LeaseState::bound, now_s + 100, false, Ipv4{}},
      {mac("02:00:00:00:00:08"), ip("198.18.0.101"), LeaseState::bound, now_s - 1, false, Ipv4{}},
      {kStranger, ip("198.18.0.101"), LeaseState::bound, now_s + 100, false, Ipv4{}},
  };
  dhcp::Outcome out = core.restore(saved, kNow);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].string_attr("state"), "restored");
  EXPECT_EQ(out.events[0].phone, kPoolPhone);
  ASSERT_NE(core.lease_of(kPoolPhone), nullptr);
  EXPECT_EQ(core.lease_of(mac("02:00:00:00:00:08")), nullptr);
  EXPECT_EQ(core.lease_of(kStranger), nullptr);
  EXPECT_EQ(core.records().size(), 1u);
}

TEST(DhcpCore, ExpiresBoundLeases) {
  dhcp::Core core(config());
  bind(core, kPoolPhone);
  EXPECT_TRUE(core.expire(kNow + 3599 * kSecond).events.empty());
  dhcp::Outcome out = core.expire(kNow + 3600 * kSecond);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].string_attr("state"), "expired");
  EXPECT_EQ(core.lease_of(kPoolPhone), nullptr);
}

TEST(DhcpCore, RejectsABadConfig) {
  dhcp::Config c = config();
  EXPECT_FALSE(dhcp::check_config(c));
  c.reservations.push_back({mac("02:00:00:00:00:01"), ip("198.18.0.20"), ""});
  EXPECT_TRUE(dhcp::check_config(c));
  c = config();
  c.server_address = Ipv4{};
  EXPECT_TRUE(dhcp::check_config(c));
  c = config();
  c.extra_options[53] = {1};
  EXPECT_TRUE(dhcp::check_config(c));
}

TEST(DhcpLeaseJournal, LinesRoundTripAndTornLinesAreSkipped) {
  const dhcp::Lease lease{kPhone, ip("198.18.0.20"), LeaseState::bound, 1767229200,
                          true,   ip("198.18.5.1")};
  EXPECT_EQ(dhcp::to_journal_line(lease),
            "bound 00:1b:53:48:9e:e0 198.18.0.20 1767229200 r 198.18.5.1");
  EXPECT_EQ(dhcp::from_journal_line(dhcp::to_journal_line(lease)), lease);
  EXPECT_FALSE(dhcp::from_journal_line("bound 00:1b:53:48:9e:e0 198.18.0.20 17672"));
  EXPECT_FALSE(dhcp::from_journal_line("gone 00:1b:53:48:9e:e0 198.18.0.20 1 r 0.0.0.0"));
}

TEST(DhcpLeaseJournal, WritesBatchesWithoutWaitingForStop) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("phonerig-dhcp-batch-" + std::to_string(::getpid()));
  std::filesystem::remove(path);
  auto journal = dhcp::LeaseJournal::create(path, {}, std::chrono::milliseconds(10));
  ASSERT_TRUE(journal);
  const dhcp::Lease lease{kPoolPhone, ip("198.18.0.100"), LeaseState::bound, 100, false, {}};
  (*journal)->append(lease);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::string text;
  while (text.empty() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::ifstream in(path);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  EXPECT_EQ(text, dhcp::to_journal_line(lease) + "\n");
  EXPECT_EQ((*journal)->last_error(), "");
  std::string error;
  EXPECT_TRUE((*journal)->close(error)) << error;
  std::filesystem::remove(path);
}

TEST(DhcpLeaseJournal, KeepsTheLastRecordPerMacAndCompacts) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("phonerig-dhcp-journal-" + std::to_string(::getpid()));
  std::filesystem::remove(path);
  const dhcp::Lease first{kPoolPhone, ip("198.18.0.100"), LeaseState::bound, 100, false, {}};
  dhcp::Lease second = first;
  second.expires_s = 200;
  {
    auto journal = dhcp::LeaseJournal::create(path, {first});
    ASSERT_TRUE(journal);
    (*journal)->append(second);
    std::string error;
    ASSERT_TRUE((*journal)->close(error)) << error;
  }
  {
    std::ofstream torn(path, std::ios::app);
    torn << "bound 02:00:00:00:00:07 198.18";
  }
  auto loaded = dhcp::load_journal(path);
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ(loaded->front(), second);
  auto compacted = dhcp::LeaseJournal::create(path, *loaded);
  ASSERT_TRUE(compacted);
  compacted->reset();
  std::ifstream in(path);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all, dhcp::to_journal_line(second) + "\n");
  std::filesystem::remove(path);
}

} // namespace
