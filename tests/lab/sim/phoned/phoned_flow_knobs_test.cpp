// The emulated phone's knobs that change the order and extent of its boot (issue 6): soft
// keys after REGISTER, a skipped step, a crash during the firmware download, a firmware
// upgrade kept in the flash folder, the boot delay. The real program against our services.
#include "lab/sim/phone/load_manifest.hpp"
#include "tests/lab/sim/phoned/phoned_lab.hpp"

namespace phonerig::testing::phoned {
namespace {

const std::string kNewLoad = "sip88xx.14-3-1-0001-5";

class PhonedFlowKnobs : public PhonedTest {
 protected:
  std::string tag() const override { return "pdf"; }

  // Position of the first service event matching, or -1.
  int first(const std::function<bool(const api::Event&)>& match) const {
    auto events = services_->events.events();
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (match(events[i])) return static_cast<int>(i);
    }
    return -1;
  }
  static std::function<bool(const api::Event&)> asked_for(const std::string& file) {
    return [file](const api::Event& e) {
      return (e.kind == "http.get" && e.string_attr("path") == "/" + file) ||
             (e.kind == "tftp.rrq" && e.string_attr("file") == file);
    };
  }
  static bool binding(const api::Event& e) { return e.kind == "sip.binding"; }
  bool asked(const std::string& file) const { return first(asked_for(file)) >= 0; }

  // The new load's manifest and two parts, as served files.
  static std::map<std::string, wire::ByteVector> firmware() {
    std::map<std::string, wire::ByteVector> files;
    sim::phone::LoadManifest m;
    m.load = kNewLoad;
    for (auto [name, size] : {std::pair<std::string, std::size_t>{"kern88xx.14-3-1-0001-5.sbn", 3000},
                              {"rootfs88xx.14-3-1-0001-5.sbn", 20000}}) {
      wire::ByteVector bytes(size);
      for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(i * 7 + size);
      m.parts.push_back({name, size, sim::phone::sha256_hex(bytes)});
      files[name] = std::move(bytes);
    }
    const std::string text = sim::phone::build_manifest(m);
    files[kNewLoad + ".loads"] = wire::ByteVector(text.begin(), text.end());
    return files;
  }
};

TEST_F(PhonedFlowKnobs, SoftkeysBeforeRegisterByDefault) {
  start_services();
  start_phone();
  ASSERT_TRUE(wait_registered());
  ASSERT_TRUE(asked("softkeys.xml"));
  EXPECT_LT(first(asked_for("softkeys.xml")), first(binding));
}

TEST_F(PhonedFlowKnobs, SoftkeysAfterRegisterWithTheKnob) {
  start_services();
  start_phone({{"softkeys_after_register", true}});
  ASSERT_TRUE(wait_registered());
  ASSERT_TRUE(wait_until([&] { return asked("softkeys.xml"); }, 5s));
  EXPECT_GT(first(asked_for("softkeys.xml")), first(binding));
  EXPECT_LT(first(asked_for("dialplan.xml")), first(binding));
}

TEST_F(PhonedFlowKnobs, SkippedStepsFileIsNeverFetched) {
  start_services();
  start_phone({{"skip", {"dial_rules", "ringlist"}}});
  ASSERT_TRUE(wait_registered());
  // Boot complete: the localization files after REGISTER were asked for.
  ASSERT_TRUE(wait_until([&] { return phone_log().find("status boot complete") != std::string::npos; }, 5s))
      << phone_log();
  EXPECT_FALSE(asked("dialplan.xml"));
  EXPECT_FALSE(asked("Ringlist-wb.xml"));
  EXPECT_TRUE(asked("softkeys.xml"));
  EXPECT_TRUE(asked("SEP001E4A000051.cnf.xml"));
}

TEST_F(PhonedFlowKnobs, CrashDuringFirmwareStopsAfterTheFirstPart) {
  ServiceOptions o;
  o.config_load = kNewLoad;
  o.extra_files = firmware();
  start_services(o);
  start_phone({{"crash_during_firmware", true}});
  ASSERT_TRUE(wait_until([&] { return asked("kern88xx.14-3-1-0001-5.sbn"); }, 15s));
  ASSERT_TRUE(wait_until([&] { return phone_log().find("crashed") != std::string::npos; }, 3s)) << phone_log();
  const auto frames_at_crash = capture_->from(kPhoneMac).size();
  std::this_thread::sleep_for(2s);  // well past the short CDP period (6 s / 10) and Timer F
  EXPECT_TRUE(phone_->running());   // silent, not gone: only power removes it
  EXPECT_FALSE(asked("rootfs88xx.14-3-1-0001-5.sbn"));
  EXPECT_TRUE(services_->of("sip.auth").empty());
  EXPECT_TRUE(services_->of("sip.binding").empty());
  EXPECT_EQ(capture_->from(kPhoneMac).size(), frames_at_crash);  // not one frame more
  EXPECT_FALSE(fs::exists(flash_dir() / "running_load"));
}

TEST_F(PhonedFlowKnobs, FirmwareUpgradeIsFlashedAndTheNewLoadRegisters) {
  ServiceOptions o;
  o.config_load = kNewLoad;
  o.extra_files = firmware();
  start_services(o);
  start_phone();
  ASSERT_TRUE(wait_registered(25s)) << phone_log();
  EXPECT_EQ(read_text(flash_dir() / "running_load"), kNewLoad + "\n");
  EXPECT_TRUE(fs::exists(flash_dir() / (kNewLoad + ".loads")));
  EXPECT_EQ(fs::file_size(flash_dir() / "rootfs88xx.14-3-1-0001-5.sbn"), 20000u);
  for (auto& e : services_->of("sip.binding")) EXPECT_EQ(e.string_attr("user_agent"), "Cisco-CP8851/" + kNewLoad);
  const std::string log = phone_log();
  EXPECT_NE(log.find("reboot " + kNewLoad), std::string::npos) << log;
  // After the reboot the phone leased again (a second DISCOVER) and ran the files again.
  EXPECT_GE(phone_events("dhcp.discover").size(), 2u);

  // Power cycle: the flash's load overrides phone.json's running_load; no second download.
  phone_->stop();
  const auto manifests_before = services_->requested().size();
  start_phone();
  ASSERT_TRUE(wait_until([&] { return phone_log().find("status registered") != std::string::npos; }, 20s))
      << phone_log();
  EXPECT_NE(phone_log().find("running " + kNewLoad), std::string::npos);
  auto files = services_->requested();
  for (std::size_t i = manifests_before; i < files.size(); ++i) EXPECT_NE(files[i], kNewLoad + ".loads");
}

TEST_F(PhonedFlowKnobs, BootDelayHoldsTheFirstFrame) {
  start_phone({{"boot_delay_ms", 1500}});
  ASSERT_TRUE(wait_until([&] { return !capture_->from(kPhoneMac).empty(); }, 5s));
  const auto first_ns = capture_->from(kPhoneMac).front().first.time_ns;
  EXPECT_GE(first_ns - started_ns_, 1500'000'000LL);
  EXPECT_LT(first_ns - started_ns_, 2500'000'000LL);
}

TEST_F(PhonedFlowKnobs, ShortBootDelaySendsEarly) {
  start_phone({{"boot_delay_ms", 0}});
  ASSERT_TRUE(wait_until([&] { return !capture_->from(kPhoneMac).empty(); }, 5s));
  const auto first_ns = capture_->from(kPhoneMac).front().first.time_ns;
  EXPECT_LT(first_ns - started_ns_, 1000'000'000LL);
}

}  // namespace
}  // namespace phonerig::testing::phoned
