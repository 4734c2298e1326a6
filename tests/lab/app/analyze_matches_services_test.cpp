// Issue 7, must-show 5: `phonerig analyze` on the pcap of a simulated boot finds the steps
// that our services logged. One cold-boot run on its own simulated lab instance; then, per
// phone, `phonerig analyze DIR/pcap/<id>.pcap --json` (the capture, decoded offline) is
// compared with DIR/events.jsonl (source "service": what the DHCP, TFTP, HTTP and SIP
// services did): the phone, its DHCP address, every file fetched, the registration.
// Also: analyze reads every capture under tests/vectors/ and says what it skipped.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/support/netns.hpp"
#include "tests/support/pcap_file.hpp"

namespace phonerig::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSource = PHONERIG_SOURCE_DIR;
const fs::path kPhonerig = fs::path(PHONERIG_BIN_DIR) / "phonerig";

// The capture and the services stamp with the same CLOCK_REALTIME: a packet's capture
// stamp and the service's event about it are this close at most.
constexpr std::int64_t kClockSlackNs = 1'000'000'000;

std::string strip_slash(std::string name) {
  while (!name.empty() && name.front() == '/') name.erase(0, 1);
  return name;
}

// "00:1e:4a:00:00:01" -> "SEP001E4A000001"
std::string sep_name(const std::string& mac) {
  std::string name = "SEP";
  for (char c : mac) {
    if (c != ':') name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

std::string attr_string(const json& event, const char* name) {
  const auto& attrs = event.at("attrs");
  if (!attrs.contains(name) || !attrs[name].is_string()) return {};
  return attrs[name].get<std::string>();
}

std::optional<std::int64_t> attr_int(const json& event, const char* name) {
  const auto& attrs = event.at("attrs");
  if (!attrs.contains(name) || !attrs[name].is_number_integer()) return std::nullopt;
  return attrs[name].get<std::int64_t>();
}

std::string phone_of(const json& event) {
  return event.contains("phone") && event["phone"].is_string() ? event["phone"].get<std::string>()
                                                               : std::string();
}

// The one cold-boot run the checks compare (it takes a lab instance up and down).
struct ColdBoot {
  std::string instance;
  fs::path folder;
  CommandResult command;
  json report;
  std::vector<json> events;  // events.jsonl
  std::string setup_error;   // why the run's outputs could not be read
};

ColdBoot* g_run = nullptr;

class AnalyzeMatchesServices : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_run = new ColdBoot;
    // [a-z0-9]{1,8}, unique per process, apart from run_scenarios_test's "t..." names.
    g_run->instance = "am" + std::to_string(getpid() % 100000);
    g_run->folder = fs::temp_directory_path() / ("phonerig-analyze-" + g_run->instance);
    fs::remove_all(g_run->folder);
    g_run->command = run_command({kPhonerig.string(), "run",
                                  (kSource / "scenarios" / "cold-boot-registration.yaml").string(),
                                  "--instance", g_run->instance, "--out", g_run->folder.string()});
    std::ifstream report(g_run->folder / "report.json");
    if (!report) {
      g_run->setup_error = "no report.json in " + g_run->folder.string();
      return;
    }
    g_run->report = json::parse(report, nullptr, false);
    std::ifstream events(g_run->folder / "events.jsonl");
    if (!events) {
      g_run->setup_error = "no events.jsonl in " + g_run->folder.string();
      return;
    }
    std::string line;
    std::size_t number = 0;
    while (std::getline(events, line)) {
      ++number;
      if (line.empty()) continue;
      json event = json::parse(line, nullptr, false);
      if (event.is_discarded() || !event.is_object() || !event.contains("attrs")) {
        g_run->setup_error = "events.jsonl line " + std::to_string(number) + " is not an event: " + line;
        return;
      }
      g_run->events.push_back(std::move(event));
    }
  }

  static void TearDownTestSuite() {
    if (g_run == nullptr) return;
    // The run takes down what it brought up; this only covers a run that crashed.
    run_command({kPhonerig.string(), "lab", "down", "--instance", g_run->instance});
    if (std::getenv("PHONERIG_KEEP_RUN") == nullptr) {
      std::error_code ignored;
      fs::remove_all(g_run->folder, ignored);
    }
    delete g_run;
    g_run = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(g_run, nullptr);
    ASSERT_EQ(g_run->command.status, 0) << g_run->command.out << g_run->command.err;
    ASSERT_TRUE(g_run->setup_error.empty()) << g_run->setup_error;
    ASSERT_EQ(g_run->report.value("result", ""), "passed") << g_run->report.dump(2);
    ASSERT_EQ(g_run->report["phones"].size(), 2u) << "lab/sim.yaml has two phones";
  }

  // The phone's `phonerig analyze --json` of its own pcap (cached per phone id).
  const json& analyze(const json& phone) {
    const std::string id = phone.value("id", "");
    auto found = analyzed_.find(id);
    if (found != analyzed_.end()) return found->second;
    const fs::path pcap = g_run->folder / "pcap" / (id + ".pcap");
    CommandResult result = run_command({kPhonerig.string(), "analyze", pcap.string(), "--json"});
    json doc = json::parse(result.out, nullptr, false);
    EXPECT_EQ(result.status, 0) << pcap << "\n" << result.out << result.err;
    EXPECT_FALSE(doc.is_discarded()) << "analyze --json printed no JSON:\n" << result.out;
    return analyzed_.emplace(id, std::move(doc)).first->second;
  }

  // The single phone analyze found in the phone's pcap, or null.
  const json* analyzed_phone(const json& phone) {
    const json& doc = analyze(phone);
    if (!doc.is_object() || !doc.contains("phones")) return nullptr;
    for (const auto& p : doc["phones"]) {
      if (p.value("phone", "") == phone.value("mac", "")) return &p;
    }
    return nullptr;
  }

  // The address the DHCP service bound to this MAC (the last "bound" lease).
  static std::string bound_address(const std::string& mac) {
    std::string address;
    for (const auto& e : g_run->events) {
      if (e.value("source", "") == "service" && e.value("kind", "") == "dhcp.lease" &&
          attr_string(e, "chaddr") == mac && attr_string(e, "state") == "bound") {
        address = attr_string(e, "yiaddr");
      }
    }
    return address;
  }

  // A service event about this phone: the service named it, or (a file of no phone such as
  // dialplan.xml) the client's address is the phone's bound address. `client` is the
  // attribute that holds the client: "src" for requests, "dst" for answers.
  static bool service_event_of(const json& e, const std::string& mac, const std::string& address,
                               const char* client) {
    if (e.value("source", "") != "service") return false;
    const std::string phone = phone_of(e);
    if (!phone.empty()) return phone == mac;
    return !address.empty() && attr_string(e, client) == address;
  }

  static const json* step(const json& analyzed, const std::string& id) {
    for (const auto& s : analyzed["steps"]) {
      if (s.value("step", "") == id) return &s;
    }
    return nullptr;
  }

  // The checks, each over both phones (one run serves them all: ctest runs each TEST in
  // a process of its own, so they are one TEST).
  void each_pcap_holds_exactly_its_phone_under_its_device_name();
  void the_dhcp_ack_analyze_finds_is_the_lease_the_service_bound();
  void every_file_analyze_finds_is_one_the_services_served_or_refused_and_vice_versa();
  void the_registration_analyze_finds_is_the_registrars_binding();
  void no_step_is_missing_in_a_cold_boot_that_passed();

  std::map<std::string, json> analyzed_;
};

void AnalyzeMatchesServices::each_pcap_holds_exactly_its_phone_under_its_device_name() {
  for (const auto& phone : g_run->report["phones"]) {
    const std::string mac = phone.value("mac", "");
    const json& doc = analyze(phone);
    ASSERT_TRUE(doc.is_object() && doc.contains("phones")) << doc.dump(2);
    ASSERT_EQ(doc["phones"].size(), 1u) << phone.value("id", "") << ": " << doc.dump(2);
    const json& found = doc["phones"][0];
    EXPECT_EQ(found.value("phone", ""), mac);
    EXPECT_EQ(found.value("device_name", ""), sep_name(mac));
    // Per-phone pcaps hold only that phone's frames.
    EXPECT_EQ(doc["skipped"]["not_attributed"], 0) << phone.value("id", "");
    EXPECT_EQ(doc["skipped"]["malformed"], 0) << phone.value("id", "");
    EXPECT_EQ(doc["skipped"]["truncated"], 0) << phone.value("id", "");
    EXPECT_EQ(doc["skipped"]["unsupported_link_type"], 0) << phone.value("id", "");
  }
}

void AnalyzeMatchesServices::the_dhcp_ack_analyze_finds_is_the_lease_the_service_bound() {
  for (const auto& phone : g_run->report["phones"]) {
    const std::string mac = phone.value("mac", "");
    const json* found = analyzed_phone(phone);
    ASSERT_NE(found, nullptr) << phone.value("id", "");
    const json* dhcp = step(*found, "dhcp");
    ASSERT_NE(dhcp, nullptr);
    EXPECT_EQ(dhcp->value("status", ""), "passed") << dhcp->dump(2);
    const json* wire_ack = nullptr;
    for (const auto& e : (*dhcp)["events"]) {
      if (e.value("kind", "") == "dhcp.ack") wire_ack = &e;
    }
    ASSERT_NE(wire_ack, nullptr) << "no dhcp.ack among the DHCP step's events: " << dhcp->dump(2);
    EXPECT_EQ(wire_ack->value("source", ""), "capture");
    EXPECT_EQ(attr_string(*wire_ack, "chaddr"), mac);

    const std::string bound = bound_address(mac);
    ASSERT_FALSE(bound.empty()) << "the DHCP service logged no bound lease for " << mac;
    EXPECT_EQ(attr_string(*wire_ack, "yiaddr"), bound) << "analyze and dhcp.lease disagree";

    // The service's own DHCPACK to this MAC: same transaction, same address, and the
    // capture saw it right after the service sent it.
    const json* sent_ack = nullptr;
    for (const auto& e : g_run->events) {
      if (e.value("source", "") == "service" && e.value("kind", "") == "dhcp.ack" &&
          attr_string(e, "chaddr") == mac) {
        sent_ack = &e;
      }
    }
    ASSERT_NE(sent_ack, nullptr) << "the DHCP service logged no dhcp.ack for " << mac;
    EXPECT_EQ(attr_string(*sent_ack, "yiaddr"), attr_string(*wire_ack, "yiaddr"));
    EXPECT_EQ(attr_int(*sent_ack, "xid"), attr_int(*wire_ack, "xid"));
    EXPECT_EQ(sent_ack->at("attrs").value("tftp_servers", json::array()),
              wire_ack->at("attrs").value("tftp_servers", json::array()));
    EXPECT_LE(std::llabs(wire_ack->value("time_ns", std::int64_t{0}) -
                         sent_ack->value("time_ns", std::int64_t{0})),
              kClockSlackNs);
  }
}

void AnalyzeMatchesServices::every_file_analyze_finds_is_one_the_services_served_or_refused_and_vice_versa() {
  for (const auto& phone : g_run->report["phones"]) {
    const std::string id = phone.value("id", "");
    const std::string mac = phone.value("mac", "");
    const std::string sep = sep_name(mac);
    const std::string address = bound_address(mac);
    ASSERT_FALSE(address.empty()) << id;
    const json* found = analyzed_phone(phone);
    ASSERT_NE(found, nullptr) << id;

    // What the TFTP and HTTP services logged for this phone.
    std::set<std::string> requested;                // http.get path, tftp.rrq file
    std::map<std::string, std::int64_t> served;     // http.status 200 / tftp.done -> bytes
    for (const auto& e : g_run->events) {
      const std::string kind = e.value("kind", "");
      if (kind == "http.get" || kind == "tftp.rrq") {
        if (!service_event_of(e, mac, address, "src")) continue;
        std::string name = strip_slash(attr_string(e, kind == "http.get" ? "path" : "file"));
        requested.insert(name);
        // A file named for this phone: the service itself attributes it to the phone.
        if (name.find(sep) != std::string::npos) {
          EXPECT_EQ(phone_of(e), mac) << e.dump();
        }
      } else if (kind == "http.status" || kind == "tftp.done") {
        if (!service_event_of(e, mac, address, "dst")) continue;
        if (kind == "http.status" && attr_int(e, "status") != 200) continue;
        std::string name = strip_slash(attr_string(e, kind == "http.status" ? "path" : "file"));
        served[name] = attr_int(e, "bytes").value_or(-1);
      }
    }
    ASSERT_FALSE(requested.empty()) << id << ": the services logged no request from " << address;

    std::set<std::string> analyzed_names;
    for (const auto& f : (*found)["files"]) {
      const std::string name = f.value("name", "");
      const std::string outcome = f.value("outcome", "");
      analyzed_names.insert(name);
      EXPECT_TRUE(requested.count(name))
          << id << ": analyze says the phone asked for " << name << " (" << outcome
          << "), the services logged no such request";
      auto it = served.find(name);
      if (f.value("ok", false)) {
        if (it == served.end()) {
          ADD_FAILURE() << id << ": analyze says " << name << " was fetched (" << outcome
                        << "); the services did not serve it";
          continue;
        }
        EXPECT_NE(outcome.find("(" + std::to_string(it->second) + " B)"), std::string::npos)
            << id << " " << name << ": analyze '" << outcome << "', service " << it->second << " B";
      } else {
        EXPECT_TRUE(it == served.end()) << id << ": the services served " << name
                                        << " but analyze says it was not fetched (" << outcome << ")";
      }
    }
    for (const auto& name : requested) {
      EXPECT_TRUE(analyzed_names.count(name))
          << id << ": the services logged a request for " << name << ", analyze did not see it";
    }
    for (const auto& [name, bytes] : served) {
      EXPECT_TRUE(analyzed_names.count(name))
          << id << ": the services served " << name << " (" << bytes << " B), analyze did not see it";
    }
    // The per-phone files of a cold boot (DESIGN.md): the device config is served; the CTL and
    // ITL are asked for (this lab has no security: refused, which is not a failure).
    EXPECT_TRUE(served.count(sep + ".cnf.xml")) << id;
    EXPECT_TRUE(requested.count("CTL" + sep + ".tlv")) << id;
    EXPECT_TRUE(requested.count("ITL" + sep + ".tlv")) << id;
  }
}

void AnalyzeMatchesServices::the_registration_analyze_finds_is_the_registrars_binding() {
  for (const auto& phone : g_run->report["phones"]) {
    const std::string id = phone.value("id", "");
    const std::string mac = phone.value("mac", "");
    const json* found = analyzed_phone(phone);
    ASSERT_NE(found, nullptr) << id;
    const json* reg = step(*found, "register");
    ASSERT_NE(reg, nullptr);
    EXPECT_EQ(reg->value("status", ""), "passed") << reg->dump(2);
    // The REGISTER that the 200 answered, on the wire.
    const json* ok = nullptr;
    for (const auto& e : (*reg)["events"]) {
      if (e.value("kind", "") == "sip.response" && attr_int(e, "status") == 200) ok = &e;
    }
    ASSERT_NE(ok, nullptr) << id << ": no 200 among the register step's events: " << reg->dump(2);
    const json* request = nullptr;
    for (const auto& e : (*reg)["events"]) {
      if (e.value("kind", "") == "sip.request" && attr_string(e, "method") == "REGISTER" &&
          attr_string(e, "call_id") == attr_string(*ok, "call_id") &&
          attr_int(e, "cseq") == attr_int(*ok, "cseq")) {
        request = &e;
      }
    }
    ASSERT_NE(request, nullptr) << id << ": no REGISTER for the 200: " << reg->dump(2);

    // The registrar's binding for this phone.
    const json* binding = nullptr;
    for (const auto& e : g_run->events) {
      if (e.value("source", "") == "service" && e.value("kind", "") == "sip.binding" &&
          phone_of(e) == mac && attr_string(e, "action") == "created") {
        binding = &e;
      }
    }
    ASSERT_NE(binding, nullptr) << id << ": the registrar logged no binding for " << mac;
    EXPECT_EQ(attr_string(*binding, "aor"), attr_string(*request, "aor")) << id;
    EXPECT_FALSE(attr_string(*binding, "aor").empty());
    EXPECT_EQ(attr_int(*binding, "expires"), attr_int(*ok, "expires")) << id;
    EXPECT_EQ(attr_int(*binding, "requested_expires"), attr_int(*request, "expires")) << id;
    EXPECT_EQ(attr_string(*binding, "device_name"), attr_string(*request, "device_name")) << id;
    EXPECT_EQ(attr_string(*binding, "device_name"), found->value("device_name", "")) << id;
    EXPECT_EQ(attr_string(*binding, "transport"), attr_string(*request, "transport")) << id;
    EXPECT_EQ(attr_string(*binding, "user_agent"), attr_string(*request, "user_agent")) << id;
    // The binding's contact is the Contact header value (with its parameters); the wire
    // event carries the first Contact URI: the URI must be in it.
    const std::string uri = attr_string(*request, "contact");
    ASSERT_FALSE(uri.empty()) << request->dump();
    EXPECT_NE(attr_string(*binding, "contact").find(uri), std::string::npos)
        << id << ": binding " << attr_string(*binding, "contact") << ", wire " << uri;
    EXPECT_LE(std::llabs(ok->value("time_ns", std::int64_t{0}) -
                         binding->value("time_ns", std::int64_t{0})),
              kClockSlackNs);
  }
}

void AnalyzeMatchesServices::no_step_is_missing_in_a_cold_boot_that_passed() {
  for (const auto& phone : g_run->report["phones"]) {
    const std::string id = phone.value("id", "");
    const json* found = analyzed_phone(phone);
    ASSERT_NE(found, nullptr) << id;
    EXPECT_TRUE(found->value("complete", false)) << id << ": " << (*found)["problems"].dump(2);
    EXPECT_TRUE((*found)["problems"].empty()) << id << ": " << (*found)["problems"].dump(2);
    ASSERT_EQ((*found)["steps"].size(), 12u);
    for (const auto& s : (*found)["steps"]) {
      const std::string status = s.value("status", "");
      EXPECT_NE(status, "missing") << id << " " << s.dump(2);
      EXPECT_NE(status, "failed") << id << " " << s.dump(2);
      EXPECT_FALSE(s.value("out_of_order", false)) << id << " " << s.dump(2);
    }
    // A capture does not show PoE: step 1 is "not observed" by analyze (timeline.hpp) while
    // the switch logged the power-on for this phone's port in the run.
    const json* power = step(*found, "power");
    ASSERT_NE(power, nullptr);
    EXPECT_EQ(power->value("status", ""), "not observed");
    bool powered = false;
    for (const auto& e : g_run->events) {
      powered = powered || (e.value("source", "") == "switch" && e.value("kind", "") == "power.on" &&
                            phone_of(e) == phone.value("mac", ""));
    }
    EXPECT_TRUE(powered) << id << ": no power.on from the switch in events.jsonl";
    // Firmware: the configured load is running (and, by the file check, no load was served).
    const json* firmware = step(*found, "firmware");
    ASSERT_NE(firmware, nullptr);
    EXPECT_EQ(firmware->value("status", ""), "not needed");
  }
}

TEST_F(AnalyzeMatchesServices, AnalyzeOfEachPhonesPcapFindsWhatTheServicesLogged) {
  {
    SCOPED_TRACE("each pcap holds exactly its phone under its device name");
    each_pcap_holds_exactly_its_phone_under_its_device_name();
  }
  {
    SCOPED_TRACE("the dhcp ack analyze finds is the lease the service bound");
    the_dhcp_ack_analyze_finds_is_the_lease_the_service_bound();
  }
  {
    SCOPED_TRACE("every file analyze finds is one the services served or refused and vice versa");
    every_file_analyze_finds_is_one_the_services_served_or_refused_and_vice_versa();
  }
  {
    SCOPED_TRACE("the registration analyze finds is the registrars binding");
    the_registration_analyze_finds_is_the_registrars_binding();
  }
  {
    SCOPED_TRACE("no step is missing in a cold boot that passed");
    no_step_is_missing_in_a_cold_boot_that_passed();
  }
}

// Every capture under tests/vectors/ (analyze_cli_test checks the content of four of them):
// analyze exits 0, prints a timeline or says that it found no phone, reads every frame of
// the file, and accounts in "skipped" for each frame no phone explains.
TEST(AnalyzeVectors, EveryVectorIsReadAndWhatIsSkippedIsSaid) {
  std::vector<fs::path> captures;
  for (const auto& entry : fs::directory_iterator(PHONERIG_VECTORS_DIR)) {
    const auto ext = entry.path().extension();
    if (ext == ".pcap" || ext == ".pcapng") captures.push_back(entry.path());
  }
  std::sort(captures.begin(), captures.end());
  ASSERT_GE(captures.size(), 18u);
  for (const auto& path : captures) {
    SCOPED_TRACE(path.filename().string());
    const std::size_t records = read_pcap(path.string()).records.size();

    CommandResult text = run_command({kPhonerig.string(), "analyze", path.string()});
    ASSERT_EQ(text.status, 0) << text.out << text.err;
    EXPECT_EQ(text.out.rfind("capture " + path.string() + ": ", 0), 0u) << text.out;
    const bool timeline = text.out.find("\nphone ") != std::string::npos;
    const bool none = text.out.find("\nno phone found in this capture\n") != std::string::npos;
    EXPECT_NE(timeline, none) << text.out;
    EXPECT_NE(text.out.find("\nskipped:\n"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find(", " + std::to_string(records) + " frames, "), std::string::npos)
        << text.out;

    CommandResult doc_run = run_command({kPhonerig.string(), "analyze", path.string(), "--json"});
    ASSERT_EQ(doc_run.status, 0) << doc_run.out << doc_run.err;
    json doc = json::parse(doc_run.out, nullptr, false);
    ASSERT_TRUE(doc.is_object()) << doc_run.out;
    EXPECT_EQ(doc.value("frames", 0u), records);
    EXPECT_FALSE(doc.contains("damaged")) << doc["damaged"];
    const json& skipped = doc["skipped"];
    ASSERT_TRUE(skipped.is_object()) << doc_run.out;
    EXPECT_EQ(skipped["malformed_frames"].size(), skipped.value("malformed", 0u));
    EXPECT_EQ(doc["phones"].empty(), none);
    if (doc["phones"].empty()) {
      // No phone: every frame is accounted as of no phone or of an unread link type.
      EXPECT_EQ(skipped.value("not_attributed", 0u) + skipped.value("unsupported_link_type", 0u),
                records)
          << skipped.dump(2);
    }
    for (const auto& phone : doc["phones"]) {
      const std::string mac = phone.value("phone", "");
      EXPECT_NE(text.out.find("\nphone " + mac + " ("), std::string::npos) << text.out;
      EXPECT_EQ(phone["steps"].size(), 12u);
      // Incomplete iff analyze says what is missing or out of order.
      EXPECT_EQ(phone.value("complete", true), phone["problems"].empty()) << phone.dump(2);
    }
  }
}

}  // namespace
}  // namespace phonerig::testing
