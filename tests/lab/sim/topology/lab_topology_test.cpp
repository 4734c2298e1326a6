// `phonerig lab up|status|down` (issue 6, "Lab commands"): a 2-phone simulated lab in its
// namespaces, snmpd answering from the rig namespace, status --json complete, and nothing
// left behind by `down`, also after a crash; two instances side by side. Needs root.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/netns.hpp"

namespace phonerig::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kBin = PHONERIG_BIN_DIR;
const std::string kPhonerig = kBin + "/phonerig";

bool switch_built() { return fs::exists(kBin + "/phonerig-sim-switch"); }

// A unique instance id per test and process.
std::string unique_instance(const char* tag) {
  return std::string(tag) + std::to_string(getpid() % 100000);
}

CommandResult phonerig(std::vector<std::string> args) {
  args.insert(args.begin(), kPhonerig);
  return run_command(args);
}

std::vector<std::string> namespaces_of(const std::string& instance) {
  std::vector<std::string> names;
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator("/run/netns", ignored)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("phr-" + instance + "-", 0) == 0) names.push_back(name);
  }
  return names;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

bool process_alive(pid_t pid) {
  if (pid <= 0) return false;
  if (kill(pid, 0) != 0) return false;
  const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = stat.rfind(')');
  return !(paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z');
}

// An instance brought up by the CLI and taken down at the end, also when a test fails.
class Instance {
 public:
  explicit Instance(std::string id, bool start = true) : id_(std::move(id)) {
    phonerig({"lab", "down", "--instance", id_});  // a crashed earlier run's
    if (start) up_result_ = up();
  }
  ~Instance() { phonerig({"lab", "down", "--instance", id_}); }

  CommandResult up() {
    std::vector<std::string> args = {"lab", "up", "--instance", id_};
    if (!switch_built()) args.push_back("--no-switch");
    return phonerig(args);
  }
  const std::string& id() const { return id_; }
  const CommandResult& up_result() const { return up_result_; }
  fs::path state() const { return "/run/phonerig/lab-" + id_; }
  std::string ns(const std::string& role) const { return "phr-" + id_ + "-" + role; }
  json ledger() const { return json::parse(read_text(state() / "ledger.json")); }
  std::vector<pid_t> pids() const {
    std::vector<pid_t> out;
    const json data = ledger();  // not ledger()[...] in the loop: the temporary would dangle
    for (const auto& p : data["processes"]) out.push_back(p["pid"].get<pid_t>());
    return out;
  }
  json status() const {
    const CommandResult r = phonerig({"lab", "status", "--json", "--instance", id_});
    if (r.status != 0) throw std::runtime_error("status failed: " + r.err);
    return json::parse(r.out);
  }
  CommandResult snmpget(const std::string& oid) const {
    return run_command({"ip", "netns", "exec", ns("rig"), "env", "MIBS=",
                        "SNMP_PERSISTENT_DIR=" + (state() / "snmp-tools").string(), "snmpget",
                        "-On", "-r", "2", "-t", "1", "-v2c", "-c",
                        read_text(state() / "snmp-community"), "198.18.255.1", oid});
  }

 private:
  std::string id_;
  CommandResult up_result_;
};

class LabTopology : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces)";
    if (!fs::exists(kPhonerig)) GTEST_SKIP() << "phonerig is not built";
    unsetenv("PHONERIG_SIM_SNMP_COMMUNITY");  // the generated community is tested
    if (!switch_built()) {
      std::cout << "phonerig-sim-switch is not built: lab up --no-switch (namespaces, links, "
                   "snmpd)\n";
    }
  }
};

TEST_F(LabTopology, UpStatusAndDownLeaveNothingBehind) {
  Instance lab(unique_instance("tu"));
  ASSERT_EQ(lab.up_result().status, 0) << lab.up_result().out << lab.up_result().err;

  // Namespaces and links, all inside the lab's namespaces.
  EXPECT_THAT(namespaces_of(lab.id()),
              ::testing::UnorderedElementsAre(lab.ns("sw"), lab.ns("rig"), lab.ns("p1"),
                                              lab.ns("p2")));
  const std::string rig_links = must_run({"ip", "-n", lab.ns("rig"), "-o", "link"}).out;
  for (const char* name : {"rig-voice@", "rig-data@", "rig-span@", "sw-mgmt@"}) {
    EXPECT_THAT(rig_links, ::testing::HasSubstr(name));
  }
  const std::string sw_links = must_run({"ip", "-n", lab.ns("sw"), "-o", "link"}).out;
  for (const char* name : {"gi1-0-1@", "gi1-0-2@", "rig100@", "rig10@", "span@", "mgmt0@"}) {
    EXPECT_THAT(sw_links, ::testing::HasSubstr(name));
  }
  EXPECT_THAT(must_run({"ip", "-n", lab.ns("p1"), "-o", "link"}).out, ::testing::HasSubstr("eth0@"));
  const std::string root_links = must_run({"ip", "-o", "link"}).out;
  EXPECT_THAT(root_links, ::testing::Not(::testing::HasSubstr("gi1-0-1")));
  EXPECT_THAT(root_links, ::testing::Not(::testing::HasSubstr("rig-voice")));
  EXPECT_THAT(must_run({"ip", "-n", lab.ns("rig"), "-o", "addr"}).out,
              ::testing::HasSubstr("198.18.0.10/24"));
  // Offloads are off on the lab's veths.
  const std::string features =
      must_run({"ip", "netns", "exec", lab.ns("sw"), "ethtool", "-k", "gi1-0-1"}).out;
  EXPECT_THAT(features, ::testing::HasSubstr("tcp-segmentation-offload: off"));
  EXPECT_THAT(features, ::testing::HasSubstr("generic-receive-offload: off"));
  EXPECT_THAT(features, ::testing::HasSubstr("rx-vlan-offload: off"));

  // The state folder is private; the community file too.
  struct stat st {};
  ASSERT_EQ(::stat(lab.state().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((lab.state() / "snmp-community").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // snmpd answers sysDescr from the rig namespace, with the community `up` generated.
  const CommandResult descr = lab.snmpget("1.3.6.1.2.1.1.1.0");
  EXPECT_EQ(descr.status, 0) << descr.err;
  EXPECT_THAT(descr.out, ::testing::HasSubstr("phonerig simulated switch"));
  // ... and not with another community.
  const CommandResult wrong = run_command(
      {"ip", "netns", "exec", lab.ns("rig"), "env", "MIBS=", "snmpget", "-On", "-r", "0", "-t",
       "1", "-v2c", "-c", "public", "198.18.255.1", "1.3.6.1.2.1.1.1.0"});
  EXPECT_NE(wrong.status, 0);

  // status --json has every field the issue lists.
  const json s = lab.status();
  EXPECT_EQ(s["instance"], lab.id());
  EXPECT_EQ(s["vlans"]["voice"], 100);
  EXPECT_EQ(s["vlans"]["data"], 10);
  EXPECT_EQ(s["rig"]["netns"], lab.ns("rig"));
  ASSERT_EQ(s["rig"]["interfaces"].size(), 3u);
  EXPECT_EQ(s["rig"]["interfaces"][0]["device"], "rig-voice");
  EXPECT_EQ(s["rig"]["interfaces"][0]["vlan"], 100);
  EXPECT_EQ(s["rig"]["interfaces"][1]["device"], "rig-data");
  EXPECT_EQ(s["rig"]["interfaces"][1]["vlan"], 10);
  EXPECT_EQ(s["switch"]["snmp"], "198.18.255.1:161");
  ASSERT_FALSE(s["services"].empty());
  for (const auto& service : s["services"]) {
    for (const char* key : {"name", "address", "port"}) EXPECT_TRUE(service.contains(key)) << key;
  }
  ASSERT_EQ(s["phones"].size(), 2u);
  EXPECT_EQ(s["phones"][0]["id"], "cp8851-1");
  EXPECT_EQ(s["phones"][0]["mac"], "00:1e:4a:00:00:01");
  EXPECT_EQ(s["phones"][0]["model"], "CP-8851");
  EXPECT_EQ(s["phones"][0]["netns"], lab.ns("p1"));
  EXPECT_EQ(s["phones"][0]["interface"], "eth0");
  EXPECT_EQ(s["phones"][0]["port"], "Gi1/0/1");
  EXPECT_TRUE(s["phones"][0].contains("power"));
  if (switch_built()) {
    EXPECT_EQ(s["switch"]["running"], true);
    EXPECT_EQ(s["phones"][0]["power"], "off");
  }
  for (const auto& process : s["processes"]) {
    EXPECT_EQ(process["running"], true) << process.dump();
  }

  // A second `up` of the same instance is refused (exit 3), the lab stays.
  const CommandResult again = lab.up();
  EXPECT_EQ(again.status, 3);
  EXPECT_THAT(again.err, ::testing::HasSubstr("already up"));

  const std::vector<pid_t> pids = lab.pids();
  ASSERT_EQ(pids.size(), switch_built() ? 2u : 1u);  // snmpd and the switch
  for (pid_t pid : pids) EXPECT_TRUE(process_alive(pid)) << pid;
  const CommandResult down = phonerig({"lab", "down", "--instance", lab.id()});
  EXPECT_EQ(down.status, 0) << down.err;
  EXPECT_TRUE(namespaces_of(lab.id()).empty());
  EXPECT_FALSE(fs::exists(lab.state()));
  for (pid_t pid : pids) EXPECT_FALSE(process_alive(pid)) << pid;
  // Down again: nothing to do, still fine; status says it is not up.
  EXPECT_EQ(phonerig({"lab", "down", "--instance", lab.id()}).status, 0);
  EXPECT_EQ(phonerig({"lab", "status", "--instance", lab.id()}).status, 3);
}

TEST_F(LabTopology, DownCleansUpAfterACrash) {
  Instance lab(unique_instance("tc"));
  ASSERT_EQ(lab.up_result().status, 0) << lab.up_result().err;
  const std::vector<pid_t> pids = lab.pids();
  ASSERT_FALSE(pids.empty());
  // The crash: the switch (or snmpd) killed outright, leaving the rest as it was.
  const pid_t victim = pids.back();
  ASSERT_EQ(kill(victim, SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] { return !process_alive(victim); }));
  // A stray process left in a phone namespace (as a phone a killed switch started).
  Process stray(lab.ns("p2"), {"sleep", "300"});
  ASSERT_TRUE(wait_until([&] { return process_alive(stray.pid()); }));

  const CommandResult down = phonerig({"lab", "down", "--instance", lab.id()});
  EXPECT_EQ(down.status, 0) << down.out << down.err;
  EXPECT_TRUE(namespaces_of(lab.id()).empty());
  EXPECT_FALSE(fs::exists(lab.state()));
  for (pid_t pid : pids) EXPECT_FALSE(process_alive(pid)) << pid;
  EXPECT_TRUE(wait_until([&] { return !stray.running(); }));
}

TEST_F(LabTopology, DownRemovesNamespacesWithoutALedger) {
  const std::string id = unique_instance("tl");
  Instance lab(id, false);
  must_run({"ip", "netns", "add", "phr-" + id + "-p9"});
  const CommandResult down = phonerig({"lab", "down", "--instance", id});
  EXPECT_EQ(down.status, 0) << down.err;
  EXPECT_TRUE(namespaces_of(id).empty());
}

TEST_F(LabTopology, TwoInstancesCoexist) {
  Instance a(unique_instance("ta"));
  Instance b(unique_instance("tb"));
  ASSERT_EQ(a.up_result().status, 0) << a.up_result().err;
  ASSERT_EQ(b.up_result().status, 0) << b.up_result().err;
  EXPECT_NE(read_text(a.state() / "snmp-community"), read_text(b.state() / "snmp-community"));
  EXPECT_EQ(a.snmpget("1.3.6.1.2.1.1.1.0").status, 0);
  EXPECT_EQ(b.snmpget("1.3.6.1.2.1.1.1.0").status, 0);
  ASSERT_EQ(phonerig({"lab", "down", "--instance", a.id()}).status, 0);
  EXPECT_TRUE(namespaces_of(a.id()).empty());
  EXPECT_EQ(namespaces_of(b.id()).size(), 4u);
  const CommandResult still = b.snmpget("1.3.6.1.2.1.1.1.0");
  EXPECT_EQ(still.status, 0) << still.err;
  EXPECT_EQ(b.status()["instance"], b.id());
}

TEST_F(LabTopology, RefusesABadInstanceId) {
  const CommandResult r = phonerig({"lab", "up", "--instance", "Bad-Id"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("an instance id is 1-8 lower-case letters or digits"));
}

}  // namespace
}  // namespace phonerig::testing
