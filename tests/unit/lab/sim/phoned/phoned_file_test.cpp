// phone.json (lab/sim/README.md) as the emulated phone's program reads it, the flash folder,
// and the tagger's 802.1Q helpers. No root, no network.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "lab/sim/phoned/netdev.hpp"
#include "lab/sim/phoned/phone_file.hpp"
#include "lab/sim/phoned/phone_shell.hpp"
#include "tests/support/pcap_file.hpp"

namespace phonerig::sim::phoned {
namespace {

const char* kContractExample = R"({"id": "cp8851-1", "mac": "00:1e:4a:00:00:01", "model": "CP-8851",
 "running_load": "sip88xx.14-2-1-0001-14", "inactive_load": "sip88xx.12-8-1-0001-1",
 "boot_delay_ms": 3000, "skip": [], "http": true, "ignore_option_150": false,
 "voip_vlan_query": false, "password_override": null, "udp_transport": false,
 "crash_during_firmware": false, "cdp": true, "softkeys_after_register": false,
 "short_timers": false, "seed": 1,
 "port_interface": "eth0", "tap": "voice0",
 "flash": "/run/phonerig/lab-0/flash/cp8851-1",
 "events": "/run/phonerig/lab-0/phones/cp8851-1.events.jsonl"})";

TEST(PhonedFile, ReadsTheContractsExample) {
  auto f = parse_phone_file(kContractExample);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->id, "cp8851-1");
  EXPECT_EQ(f->phone.mac, *wire::Mac::parse("00:1e:4a:00:00:01"));
  EXPECT_EQ(f->phone.model, phone::Model::cp8851);
  EXPECT_EQ(f->phone.running_load, "sip88xx.14-2-1-0001-14");
  EXPECT_EQ(f->phone.inactive_load, "sip88xx.12-8-1-0001-1");
  EXPECT_EQ(f->phone.boot_delay_ms, 3000);
  EXPECT_TRUE(f->phone.skip.empty());
  EXPECT_FALSE(f->phone.password_override);
  EXPECT_EQ(f->port_interface, "eth0");
  EXPECT_EQ(f->tap, "voice0");
  EXPECT_EQ(f->flash, "/run/phonerig/lab-0/flash/cp8851-1");
  EXPECT_EQ(f->events, "/run/phonerig/lab-0/phones/cp8851-1.events.jsonl");
}

TEST(PhonedFile, ReadsEveryKnob) {
  auto f = parse_phone_file(R"({"id":"p","mac":"001b.5348.9ee0","model":"CP-7821","skip":["ctl","ringlist"],
    "http":false,"ignore_option_150":true,"voip_vlan_query":true,"password_override":"x",
    "udp_transport":true,"crash_during_firmware":true,"cdp":false,"softkeys_after_register":true,
    "short_timers":true,"seed":42})");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->phone.model, phone::Model::cp7821);
  EXPECT_EQ(f->phone.skip, (std::set<phone::Step>{phone::Step::ctl, phone::Step::ringlist}));
  EXPECT_FALSE(f->phone.http);
  EXPECT_TRUE(f->phone.ignore_option_150);
  EXPECT_TRUE(f->phone.voip_vlan_query);
  EXPECT_EQ(f->phone.password_override, std::optional<std::string>("x"));
  EXPECT_TRUE(f->phone.udp_transport);
  EXPECT_TRUE(f->phone.crash_during_firmware);
  EXPECT_FALSE(f->phone.cdp);
  EXPECT_TRUE(f->phone.softkeys_after_register);
  EXPECT_TRUE(f->phone.short_timers);
  EXPECT_EQ(f->phone.seed, 42u);
  EXPECT_TRUE(f->flash.empty());
  EXPECT_TRUE(f->events.empty());
}

TEST(PhonedFile, RefusesAnUnknownKey) {
  auto f = parse_phone_file(R"({"id":"p","mac":"00:1e:4a:00:00:01","boot_delay":5})");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().fault, api::Fault::config);
  EXPECT_EQ(f.error().message, "phone.json: key 'boot_delay': unknown key");
}

TEST(PhonedFile, RefusesBadValuesNamingTheKey) {
  struct Case {
    const char* json;
    const char* message;
  };
  for (const Case& c : {
           Case{R"({"mac":"00:1e:4a:00:00:01"})", "phone.json: key 'id': missing"},
           Case{R"({"id":"p","mac":"nope"})", "phone.json: key 'mac': not a MAC address: 'nope'"},
           Case{R"({"id":"p","mac":"01:00:0c:cc:cc:cc"})", "phone.json: key 'mac': a multicast MAC"},
           Case{R"({"id":"p","mac":"00:1e:4a:00:00:01","model":"CP-9999"})",
                "phone.json: key 'model': 'CP-9999' is not CP-8851 or CP-7821"},
           Case{R"({"id":"p","mac":"00:1e:4a:00:00:01","http":"yes"})",
                "phone.json: key 'http': must be true or false"},
           Case{R"({"id":"p","mac":"00:1e:4a:00:00:01","boot_delay_ms":-1})",
                "phone.json: key 'boot_delay_ms': must be an integer 0..3600000"},
           Case{R"({"id":"p","mac":"00:1e:4a:00:00:01","skip":["bios"]})",
                "phone.json: key 'skip': unknown step 'bios' (ctl, itl, firmware, dial_rules, "
                "softkeys, localization, ringlist)"},
           Case{R"({"id":"p","mac":"00:1e:4a:00:00:01","password_override":5})",
                "phone.json: key 'password_override': must be a string or null"},
           Case{R"({"id":"p","mac":"00:1e:4a:00:00:01","tap":"eth0"})",
                "phone.json: key 'tap': same name as port_interface"},
           Case{R"({"id":"p","mac":"00:1e:4a:00:00:01","tap":"a-name-far-too-long"})",
                "phone.json: key 'tap': not an interface name: 'a-name-far-too-long'"},
           Case{R"([1,2])", "phone.json: not a JSON object"},
           Case{R"({"id":)", "phone.json: not valid JSON"},
       }) {
    auto f = parse_phone_file(c.json);
    ASSERT_FALSE(f) << c.json;
    EXPECT_EQ(f.error().message, c.message) << c.json;
  }
}

TEST(PhonedFlash, KeepsTheLoadAndItsFilesAndRefusesPathNames) {
  testing::TempDir dir;
  const std::filesystem::path flash = dir.file("flash");
  EXPECT_FALSE(flash_running_load(flash));
  auto ok = write_flash(flash, "sip88xx.14-3-1-0001-5",
                        {{"sip88xx.14-3-1-0001-5.loads", {'a'}}, {"kern.sbn", {1, 2, 3}}});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(flash_running_load(flash), std::optional<std::string>("sip88xx.14-3-1-0001-5"));
  EXPECT_EQ(std::filesystem::file_size(flash / "kern.sbn"), 3u);
  EXPECT_FALSE(std::filesystem::exists(flash / "kern.sbn.tmp"));
  auto bad = write_flash(flash, "x", {{"../escape", {1}}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "flash: refused file name '../escape'");
  EXPECT_FALSE(std::filesystem::exists(dir.file("escape")));
  std::ofstream(flash / "running_load") << "  \n";
  EXPECT_FALSE(flash_running_load(flash));  // blank: the config's load stands
}

TEST(PhonedTags, AddsReadsAndStripsAnIeee8021QTag) {
  wire::EthernetHeader h{wire::Mac::broadcast(), *wire::Mac::parse("00:1e:4a:00:00:01"), {}};
  const auto plain = wire::build_ethernet(h, 0x0800, wire::ByteVector(46, 0xab));
  EXPECT_FALSE(vlan_of(plain));
  const auto tagged = add_tag(plain, 100, 5);
  ASSERT_EQ(tagged.size(), plain.size() + 4);
  EXPECT_EQ(tagged[12], 0x81);
  EXPECT_EQ(tagged[13], 0x00);
  EXPECT_EQ(tagged[14], 0xa0);  // PCP 5, DEI 0, VID 100 = 0xa064
  EXPECT_EQ(tagged[15], 0x64);
  EXPECT_EQ(vlan_of(tagged), std::optional<std::uint16_t>(100));
  EXPECT_EQ(strip_tag(tagged), plain);
  h.vlans.push_back(wire::VlanTag{wire::ethertype::kVlan, 0, false, 4094});
  EXPECT_EQ(vlan_of(wire::build_ethernet(h, 0x0800, wire::ByteVector(46, 0))),
            std::optional<std::uint16_t>(4094));
}

}  // namespace
}  // namespace phonerig::sim::phoned
