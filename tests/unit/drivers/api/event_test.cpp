#include "drivers/api/event.hpp"

#include <gtest/gtest.h>

#include <set>

namespace phonerig::api {
namespace {

Event offer() {
  Event e;
  e.time_ns = 1'700'000'000'123'456'789;
  e.source = EventSource::capture;
  e.phone = wire::Mac::parse("00:1e:4a:00:00:01");
  e.kind = "dhcp.offer";
  e.attrs["xid"] = std::int64_t{0xde549277};
  e.attrs["chaddr"] = *wire::Mac::parse("00:1e:4a:00:00:01");
  e.attrs["yiaddr"] = *wire::Ipv4::parse("198.18.1.20");
  e.attrs["tftp_servers"] = AttrList{"198.18.0.10", "198.18.0.11"};
  e.attrs["vlan"] = std::int64_t{100};
  return e;
}

TEST(Event, ValidOfferPassesValidation) {
  auto ok = validate(offer());
  EXPECT_TRUE(ok) << ok.error().message;
}

TEST(Event, RejectsUndeclaredKind) {
  Event e = offer();
  e.kind = "dhcp.offered";
  auto bad = validate(e);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "event kind 'dhcp.offered' is not declared");
  EXPECT_EQ(bad.error().fault, Fault::internal);
}

TEST(Event, RejectsUndeclaredAttribute) {
  Event e = offer();
  e.attrs["colour"] = std::string("blue");
  EXPECT_EQ(validate(e).error().message, "event dhcp.offer: attribute 'colour' is not declared");
}

TEST(Event, RejectsAttributeOfWrongType) {
  Event e = offer();
  e.attrs["yiaddr"] = std::string("198.18.1.20");
  EXPECT_EQ(validate(e).error().message,
            "event dhcp.offer: attribute 'yiaddr' is string, declared address");
}

TEST(Event, RejectsMissingRequiredAttribute) {
  Event e = offer();
  e.attrs.erase("xid");
  EXPECT_EQ(validate(e).error().message, "event dhcp.offer: required attribute 'xid' is missing");
}

TEST(Event, PacketAttributesOnlyOnPacketKinds) {
  Event e;
  e.kind = "power.on";
  e.source = EventSource::switch_port;
  e.attrs["port"] = std::string("GigabitEthernet1/0/5");
  EXPECT_TRUE(validate(e));
  e.attrs["vlan"] = std::int64_t{100};
  EXPECT_EQ(validate(e).error().message, "event power.on: attribute 'vlan' is not declared");
}

TEST(Event, PrintsOneStructuredLine) {
  EXPECT_EQ(to_string(offer()),
            "1700000000.123456789 capture 00:1e:4a:00:00:01 dhcp.offer chaddr=00:1e:4a:00:00:01 "
            "tftp_servers=[198.18.0.10,198.18.0.11] vlan=100 xid=3730084471 yiaddr=198.18.1.20");
}

TEST(EventKinds, AreUniqueDottedAndDocumented) {
  std::set<std::string_view> seen;
  for (const KindSpec& kind : event_kinds()) {
    EXPECT_TRUE(seen.insert(kind.kind).second) << kind.kind;
    EXPECT_NE(kind.kind.find('.'), std::string_view::npos) << kind.kind;
    EXPECT_FALSE(kind.doc.empty()) << kind.kind;
    std::set<std::string_view> attrs;
    for (const AttrSpec& attr : kind.attrs) {
      EXPECT_TRUE(attrs.insert(attr.name).second) << kind.kind << "." << attr.name;
      EXPECT_FALSE(attr.doc.empty()) << kind.kind << "." << attr.name;
    }
  }
  // The kinds DESIGN.md names are all there.
  for (std::string_view k : {"cdp.rx", "lldp.rx", "dhcp.discover", "dhcp.offer", "dhcp.request",
                             "dhcp.ack", "tftp.rrq", "tftp.error", "tftp.done", "http.get",
                             "http.status", "tcp.syn", "tcp.established", "sip.request",
                             "sip.response", "power.on", "power.off", "port.detection",
                             "link.up", "link.down", "dhcp.ignored"}) {
    EXPECT_NE(find_kind(k), nullptr) << k;
  }
}

TEST(Result, CarriesFaultAndMessage) {
  Result<int> ok = 3;
  EXPECT_EQ(*ok, 3);
  Result<int> bad = fail(Fault::rig, "switch 198.18.255.1: timeout");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().fault, Fault::rig);
  EXPECT_THROW((void)bad.value(), std::logic_error);
}

}  // namespace
}  // namespace phonerig::api
