// Load upgrade: manifest, parts with sizes and hashes, flash, reboot into the new load; the
// simulated manifest format; the device file parser.
#include <gtest/gtest.h>

#include "drivers/wire/cdp.hpp"
#include "drivers/wire/link.hpp"
#include "lab/sim/phone/device_config.hpp"
#include "lab/sim/phone/load_manifest.hpp"
#include "tests/unit/lab/sim/phone/sim_phone_world.hpp"

namespace phonerig::sim::phone {
namespace {

using testing::to_bytes;
using testing::World;
const std::string kMac = "001B53489EE0";
const std::string kOld = "sip88xx.14-2-1-0001-14";
const std::string kNew = "sip88xx.14-3-1-0001-5";

// A world whose config names kNew, serving its manifest and two parts.
void serve_new_load(World& w, bool corrupt_second = false) {
  w.files["SEP" + kMac + ".cnf.xml"] =
      to_bytes(testing::device_xml({{0, "198.18.0.10"}}, kNew));
  const auto kern = to_bytes(std::string(3000, 'k'));
  const auto rootfs = to_bytes(std::string(70000, 'r'));
  LoadManifest m{kNew, {{"kern88xx.14-3-1-0001-5.sbn", kern.size(), sha256_hex(kern)},
                        {"rootfs88xx.14-3-1-0001-5.sbn", rootfs.size(), sha256_hex(rootfs)}}};
  w.files[kNew + ".loads"] = to_bytes(build_manifest(m));
  w.files["kern88xx.14-3-1-0001-5.sbn"] = kern;
  auto served = rootfs;
  if (corrupt_second) served[100] ^= 0x01;  // same size, other hash
  w.files["rootfs88xx.14-3-1-0001-5.sbn"] = served;
}

std::vector<std::string> cdp_versions(const World& world) {
  std::vector<std::string> out;
  for (const auto& a : world.actions) {
    if (a.kind != Action::Kind::send_frame || a.text != "cdp") continue;
    auto link = wire::parse_link(wire::LinkType::ethernet, a.bytes);
    out.push_back(*wire::cdp::parse(link->payload, link->payload_offset)->packet.software_version());
  }
  return out;
}

TEST(SimPhoneFirmware, LoadMismatchFetchesManifestAndPartsWritesFlashAndReboots) {
  World world{Config{}};
  serve_new_load(world);
  world.boot();
  world.run_until(5999);  // first pass up to the reboot at 3 s, then 3 s of boot delay
  const auto manifest = world.index_of("fetch " + kNew + ".loads http");
  const auto kern = world.index_of("fetch kern88xx.14-3-1-0001-5.sbn http");
  const auto rootfs = world.index_of("fetch rootfs88xx.14-3-1-0001-5.sbn http");
  const auto flash = world.index_of("write_flash " + kNew);
  const auto reboot = world.index_of("reboot " + kNew);
  ASSERT_NE(manifest, std::string::npos);
  EXPECT_GT(manifest, world.index_of("fetch SEP" + kMac + ".cnf.xml"));
  EXPECT_LT(manifest, kern);
  EXPECT_LT(kern, rootfs);
  EXPECT_LT(rootfs, flash);
  EXPECT_EQ(flash + 1, reboot);
  EXPECT_EQ(world.index_of("connect"), std::string::npos) << "no REGISTER on the old load";
  const Action* written = world.first(Action::Kind::write_flash);
  ASSERT_NE(written, nullptr);
  ASSERT_EQ(written->files.size(), 3u);
  EXPECT_EQ(written->files[0].first, kNew + ".loads");
  EXPECT_EQ(written->files[2].second.size(), 70000u);
  EXPECT_EQ(world.phone.running_load(), kNew);

  world.run_until(20000);  // second pass: the same steps, no firmware, REGISTER
  EXPECT_EQ(world.count("fetch " + kNew + ".loads"), 1u);
  EXPECT_EQ(world.count("fetch SEP" + kMac + ".cnf.xml http"), 2u);
  EXPECT_TRUE(world.phone.registered());
  EXPECT_EQ(cdp_versions(world).front(), kOld);
  EXPECT_EQ(cdp_versions(world).back(), kNew);
  auto first = wire::sip::parse(world.registers.at(0));
  EXPECT_EQ(wire::sip::user_agent(*first), "Cisco-CP8851/" + kNew);
  EXPECT_NE(first->get("Reason")->find("ActiveLoad=" + kNew + ".loads InactiveLoad=" + kOld +
                                       ".loads Last=reset-restart"),
            std::string::npos);
}

TEST(SimPhoneFirmware, HashMismatchRejectsTheLoadAndKeepsTheRunningOne) {
  World world{Config{}};
  serve_new_load(world, /*corrupt_second=*/true);
  world.boot();
  world.run_until(20000);
  EXPECT_EQ(world.count("write_flash"), 0u);
  EXPECT_EQ(world.count("reboot"), 0u);
  EXPECT_NE(world.index_of("status load " + kNew +
                           " rejected: rootfs88xx.14-3-1-0001-5.sbn: SHA-256 differs"),
            std::string::npos);
  EXPECT_EQ(world.phone.running_load(), kOld);
  EXPECT_TRUE(world.phone.registered());
  EXPECT_EQ(wire::sip::user_agent(*wire::sip::parse(world.registers.at(0))), "Cisco-CP8851/" + kOld);
}

TEST(SimPhoneFirmware, SizeMismatchRejectsTheLoad) {
  World world{Config{}};
  serve_new_load(world);
  world.files["kern88xx.14-3-1-0001-5.sbn"].push_back('x');
  world.boot();
  world.run_until(20000);
  EXPECT_NE(world.index_of("status load " + kNew + " rejected: kern88xx.14-3-1-0001-5.sbn: size 3001"),
            std::string::npos);
  EXPECT_EQ(world.count("fetch rootfs"), 0u);
  EXPECT_EQ(world.phone.running_load(), kOld);
}

TEST(SimPhoneFirmware, MissingManifestKeepsTheRunningLoad) {
  World world{Config{}};
  serve_new_load(world);
  world.files.erase(kNew + ".loads");
  world.boot();
  world.run_until(20000);
  EXPECT_EQ(world.count("fetch " + kNew + ".loads tftp"), 1u);
  EXPECT_NE(world.index_of("status load " + kNew + ": no manifest"), std::string::npos);
  EXPECT_TRUE(world.phone.registered());
}

TEST(SimPhoneFirmware, CrashDuringTheDownloadStopsThePhoneWithTheOldLoad) {
  Config config;
  config.crash_during_firmware = true;
  World world{config};
  serve_new_load(world);
  world.boot();
  world.run_until(60000);
  ASSERT_NE(world.index_of("crash during the download of kern88xx"), std::string::npos);
  EXPECT_EQ(world.log.back().rfind("crash", 0), 0u) << "nothing after the crash";
  EXPECT_TRUE(world.phone.crashed());
  EXPECT_FALSE(world.phone.next_deadline().has_value());
  EXPECT_EQ(world.count("write_flash"), 0u);
  EXPECT_EQ(world.phone.running_load(), kOld);
}

TEST(SimPhoneFirmware, SkipFirmwareStepRegistersWithTheRunningLoad) {
  Config config;
  config.skip = {Step::firmware};
  World world{config};
  serve_new_load(world);
  world.boot();
  world.run_until(20000);
  EXPECT_EQ(world.count("fetch " + kNew), 0u);
  EXPECT_TRUE(world.phone.registered());
}

TEST(SimPhoneManifest, RoundTripsAndChecksParts) {
  const auto data = to_bytes("part bytes");
  LoadManifest m{"sip88xx.1", {{"a.sbn", data.size(), sha256_hex(data)}}};
  auto parsed = parse_manifest(build_manifest(m));
  ASSERT_TRUE(parsed.manifest.has_value()) << parsed.error;
  EXPECT_EQ(parsed.manifest->load, "sip88xx.1");
  ASSERT_EQ(parsed.manifest->parts.size(), 1u);
  EXPECT_EQ(parsed.manifest->parts[0].sha256, sha256_hex(data));
  EXPECT_EQ(check_part(parsed.manifest->parts[0], data), "");
  EXPECT_EQ(sha256_hex(to_bytes("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // FIPS 180-2
}

TEST(SimPhoneManifest, RejectsMalformedManifestsWithTheLine) {
  const std::string h(64, 'a');
  EXPECT_EQ(parse_manifest("").error, "line 0: no load line");
  EXPECT_EQ(parse_manifest("load x\n").error, "line 0: no part line");
  EXPECT_EQ(parse_manifest("load x\nload y\n").error, "line 2: a second load line");
  EXPECT_EQ(parse_manifest("load x\npart a 12x " + h).error, "line 2: size is not a number");
  EXPECT_EQ(parse_manifest("load x\npart a 12 abc").error, "line 2: sha256 is not 64 hex digits");
  EXPECT_EQ(parse_manifest("load x\npart ../etc 1 " + h).error,
            "line 2: part name '../etc' is not a plain file name");
  EXPECT_EQ(parse_manifest("# c\nload x\nfile a 1 " + h).error, "line 3: unknown record 'file'");
  EXPECT_EQ(parse_manifest("load x\npart a 1").error, "line 2: part takes name, size, sha256");
  EXPECT_TRUE(parse_manifest("load x # comment\n\npart a 1 " + h + "\n").manifest.has_value());
}

TEST(SimPhoneDeviceConfig, ReadsTheReferenceExampleFields) {
  auto parsed = parse_device_config(
      testing::device_xml({{1, "198.18.0.11"}, {0, "198.18.0.10"}}, "sip88xx.x"), 684);
  ASSERT_TRUE(parsed.config.has_value()) << parsed.error;
  const auto& c = *parsed.config;
  ASSERT_EQ(c.call_managers.size(), 2u);
  EXPECT_EQ(c.call_managers[0].host, "198.18.0.10");
  EXPECT_EQ(c.call_managers[0].sip_port, 5060);
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_EQ(c.lines[0].auth_password, "s3cr3t");
  EXPECT_EQ(c.load_information, "sip88xx.x");
  EXPECT_EQ(c.dial_template, "dialplan.xml");
  EXPECT_EQ(c.softkey_file, "softkeys.xml");
  EXPECT_EQ(c.user_locale, "English_United_States");
  EXPECT_EQ(c.network_locale, "United_States");
  EXPECT_EQ(c.register_expires, 3600u);
  EXPECT_EQ(c.transport, 1);
}

TEST(SimPhoneDeviceConfig, RejectsNonXmlAndFilesWithoutMembers) {
  EXPECT_FALSE(parse_device_config("not xml <", 684).config.has_value());
  auto none = parse_device_config("<device><loadInformation>x</loadInformation></device>", 684);
  EXPECT_FALSE(none.config.has_value());
  EXPECT_EQ(none.error, "no callManagerGroup member");
  EXPECT_EQ(parse_device_config("<other/>", 684).error, "no <device> or <Default> element");
}

}  // namespace
}  // namespace phonerig::sim::phone
