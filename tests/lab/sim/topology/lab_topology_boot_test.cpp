// Issue 6, must-shows 1 and 4, end to end through the CLI:
// 1. `phonerig lab up`, `phonerig serve` in the rig namespace, snmpset of
//    pethPsePortAdminEnable (numeric OID) from the rig namespace boots the phone; tshark on
//    the mirror port shows its CDP, DHCP, HTTP/TFTP, TCP and SIP, in the sequence's order,
//    its IP frames tagged with the voice VLAN.
// 4. `phonerig lab attach` gives an idle phone namespace a TAP on the voice VLAN; udhcpc,
//    curl (HTTP 6970 and TFTP) and sipp work over it against the services.
// Needs root, the switch and phone programs, tshark, udhcpc, curl, sipp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/netns.hpp"

namespace phonerig::testing {
namespace {

namespace fs = std::filesystem;

const std::string kBin = PHONERIG_BIN_DIR;
const std::string kPhonerig = kBin + "/phonerig";

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

bool have(const std::string& program) { return run_command({"which", program}).status == 0; }

// An instance with `phonerig serve` running in its rig namespace; all removed at the end.
class ServedLab {
 public:
  // `lab_text`: a lab file's text (empty: the built-in lab).
  explicit ServedLab(std::string id, const std::string& lab_text = {}) : id_(std::move(id)) {
    run_command({kPhonerig, "lab", "down", "--instance", id_});
    char pattern[] = "/tmp/phrt-topo-XXXXXX";
    dir_ = mkdtemp(pattern);
    std::vector<std::string> lab_args;
    if (!lab_text.empty()) {
      std::ofstream(dir_ / "lab.yaml") << lab_text;
      lab_args = {"--lab", (dir_ / "lab.yaml").string()};
    }
    std::vector<std::string> up_argv = {kPhonerig, "lab", "up", "--instance", id_};
    up_argv.insert(up_argv.end(), lab_args.begin(), lab_args.end());
    const CommandResult up = run_command(up_argv);
    if (up.status != 0) throw std::runtime_error("lab up: " + up.out + up.err);
    std::vector<std::string> serve_argv = {kPhonerig, "serve", "--instance", id_};
    serve_argv.insert(serve_argv.end(), lab_args.begin(), lab_args.end());
    lab_args_ = lab_args;
    serve_ = std::make_unique<Process>("", serve_argv, dir_ / "serve.log");
    if (!wait_until([&] { return read_text(dir_ / "serve.log").find("ready") != std::string::npos; },
                    std::chrono::seconds(10))) {
      throw std::runtime_error("phonerig serve did not start: " + read_text(dir_ / "serve.log"));
    }
  }
  ~ServedLab() {
    serve_.reset();
    run_command({kPhonerig, "lab", "down", "--instance", id_});
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  std::string ns(const std::string& role) const { return "phr-" + id_ + "-" + role; }
  const fs::path& dir() const { return dir_; }
  const std::string& id() const { return id_; }
  fs::path state() const { return "/run/phonerig/lab-" + id_; }
  const std::vector<std::string>& lab_args() const { return lab_args_; }

 private:
  std::string id_;
  std::vector<std::string> lab_args_;
  fs::path dir_;
  std::unique_ptr<Process> serve_;
};

class LabTopologyBoot : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    for (const char* program : {"phonerig", "phonerig-sim-switch", "phonerig-sim-phone"}) {
      if (!fs::exists(kBin + "/" + program)) GTEST_SKIP() << program << " is not built";
    }
    if (run_command({kPhonerig, "serve", "--help"}).status != 0) {
      GTEST_SKIP() << "this phonerig has no serve command";
    }
    unsetenv("PHONERIG_SIM_SNMP_COMMUNITY");
  }
};

struct Row {
  int number = 0;
  std::string vlan, src, ip_src, protocols, info;
};

std::vector<Row> dissect(const fs::path& pcap) {
  const CommandResult r = run_command(
      {"tshark", "-r", pcap.string(), "-T", "fields", "-E", "separator=|", "-e", "frame.number",
       "-e", "vlan.id", "-e", "eth.src", "-e", "ip.src", "-e", "frame.protocols", "-e",
       "_ws.col.Info"});
  std::vector<Row> rows;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream fields(line);
    std::string one;
    while (std::getline(fields, one, '|')) f.push_back(one);
    f.resize(6);
    rows.push_back(Row{std::atoi(f[0].c_str()), f[1], f[2], f[3], f[4], f[5]});
  }
  return rows;
}

TEST_F(LabTopologyBoot, SnmpSetBootsThePhoneAndTheMirrorShowsTheSequence) {
  if (!have("tshark")) GTEST_SKIP() << "no tshark";
  ServedLab lab("tq" + std::to_string(getpid() % 100000));
  const fs::path pcap = lab.dir() / "span.pcap";
  Process capture(lab.ns("rig"), {"tshark", "-i", "rig-span", "-w", pcap.string(), "-q"},
                  lab.dir() / "tshark.log");
  ASSERT_TRUE(wait_until([&] { return fs::exists(pcap); }, std::chrono::seconds(15)));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  const std::string community = read_text(lab.state() / "snmp-community");
  const CommandResult set = run_command(
      {"ip", "netns", "exec", lab.ns("rig"), "env", "MIBS=",
       "SNMP_PERSISTENT_DIR=" + (lab.dir() / "snmp").string(), "snmpset", "-On", "-v2c", "-c",
       community, "198.18.255.1", "1.3.6.1.2.1.105.1.1.1.3.1.1", "i", "1"});
  ASSERT_EQ(set.status, 0) << set.out << set.err;

  const bool registered = wait_until(
      [&] {
        return run_command({"tshark", "-r", pcap.string(), "-Y", "sip.Status-Code == 200"})
                   .out.find("200") != std::string::npos;
      },
      std::chrono::seconds(45));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  capture.stop();
  ASSERT_TRUE(registered) << "no SIP 200 on the mirror; phone log:\n"
                          << read_text(lab.state() / "phones" / "cp8851-1.log");

  const std::string mac = "00:1e:4a:00:00:01";
  const std::vector<Row> rows = dissect(pcap);
  auto first = [&](const std::function<bool(const Row&)>& match) {
    for (const auto& row : rows) {
      if (match(row)) return row.number;
    }
    return 0;
  };
  auto from_phone = [&](const Row& r) { return r.src == mac; };
  const int cdp = first([&](const Row& r) { return from_phone(r) && r.protocols.find(":cdp") != std::string::npos; });
  const int discover = first([&](const Row& r) { return from_phone(r) && r.info.find("DHCP Discover") != std::string::npos; });
  const int ack = first([&](const Row& r) { return r.info.find("DHCP ACK") != std::string::npos; });
  const int file = first([&](const Row& r) {
    return from_phone(r) && (r.info.find("GET /") != std::string::npos ||
                             r.info.find("Read Request") != std::string::npos);
  });
  const int syn = first([&](const Row& r) { return from_phone(r) && r.info.find("5060 [SYN]") != std::string::npos; });
  const int reg = first([&](const Row& r) { return from_phone(r) && r.info.find("REGISTER") != std::string::npos; });
  const int ok = first([&](const Row& r) { return !from_phone(r) && r.info.find("200 OK") != std::string::npos && r.protocols.find("sip") != std::string::npos; });
  EXPECT_GT(cdp, 0);
  EXPECT_GT(discover, cdp);
  EXPECT_GT(ack, discover);
  EXPECT_GT(file, ack);
  EXPECT_GT(syn, file);
  EXPECT_GT(reg, syn);
  EXPECT_GT(ok, reg);
  // Every IP frame of the phone is tagged with the voice VLAN on the mirror.
  int ip_frames = 0;
  for (const auto& row : rows) {
    if (!from_phone(row) || row.protocols.find(":ip:") == std::string::npos) continue;
    ++ip_frames;
    EXPECT_EQ(row.vlan, "100") << "frame " << row.number << " " << row.info;
  }
  EXPECT_GT(ip_frames, 10);
}

TEST_F(LabTopologyBoot, AnAttachedPortIsAnOrdinaryHostOnTheVoiceVlan) {
  for (const char* program : {"udhcpc", "curl", "sipp"}) {
    if (!have(program)) GTEST_SKIP() << "no " << program;
  }
  ServedLab lab("tw" + std::to_string(getpid() % 100000));
  const CommandResult attached =
      run_command({kPhonerig, "lab", "attach", "cp7821-1", "--instance", lab.id()});
  ASSERT_EQ(attached.status, 0) << attached.err;
  EXPECT_EQ(attached.out, "voice\n");
  const std::string ns = lab.ns("p2");
  // PoE stayed off; the port's link is up.
  const CommandResult status = run_command({kPhonerig, "lab", "status", "--instance", lab.id()});
  EXPECT_THAT(status.out, ::testing::HasSubstr("Gi1/0/2    phr-" + lab.id() + "-p2 eth0 power off attached:voice"));

  // udhcpc with a private script that only sets the address.
  const fs::path script = lab.dir() / "udhcpc.sh";
  {
    std::ofstream out(script);
    out << "#!/bin/sh\n[ \"$1\" = bound ] && ip addr add \"$ip/$mask\" dev \"$interface\"\nexit 0\n";
  }
  fs::permissions(script, fs::perms::owner_all);
  const CommandResult dhcp = run_command({"ip", "netns", "exec", ns, "udhcpc", "-i", "voice", "-n",
                                          "-q", "-f", "-t", "5", "-T", "1", "-s", script.string()});
  ASSERT_EQ(dhcp.status, 0) << dhcp.out << dhcp.err;
  EXPECT_THAT(run_command({"ip", "-n", ns, "-o", "addr", "show", "dev", "voice"}).out,
              ::testing::HasSubstr("198.18.0.102/24"));

  const CommandResult http = run_command(
      {"ip", "netns", "exec", ns, "curl", "-sS", "-f", "--max-time", "5",
       "http://198.18.0.10:6970/SEP001E4A000002.cnf.xml"});
  EXPECT_EQ(http.status, 0) << http.err;
  EXPECT_THAT(http.out, ::testing::HasSubstr("<device"));
  const CommandResult tftp = run_command({"ip", "netns", "exec", ns, "curl", "-sS", "--max-time",
                                          "5", "tftp://198.18.0.10/SEP001E4A000002.cnf.xml"});
  EXPECT_EQ(tftp.status, 0) << tftp.err;
  EXPECT_EQ(tftp.out, http.out);

  // sipp: one REGISTER for the phone's line, answered 200 (no digest in the built-in lab).
  const fs::path scenario = lab.dir() / "register.xml";
  {
    std::ofstream out(scenario);
    out << R"(<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="register">
  <send retrans="500"><![CDATA[
REGISTER sip:[remote_ip] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:1002@[remote_ip]>;tag=[call_number]
To: <sip:1002@[remote_ip]>
Call-ID: [call_id]
CSeq: 1 REGISTER
Contact: <sip:1002@[local_ip]:[local_port]>
Max-Forwards: 70
Expires: 120
Content-Length: 0

]]></send>
  <recv response="200"/>
</scenario>
)";
  }
  const CommandResult sipp_fg = run_command(
      {"ip", "netns", "exec", ns, "sipp", "198.18.0.10:5060", "-sf", scenario.string(), "-m", "1",
       "-i", "198.18.0.102", "-timeout", "10", "-nostdin", "-trace_err",
       "-error_file", (lab.dir() / "sipp2.err").string()});
  EXPECT_EQ(sipp_fg.status, 0) << sipp_fg.out.substr(0, 2000) << read_text(lab.dir() / "sipp2.err");

  ASSERT_EQ(run_command({kPhonerig, "lab", "detach", "cp7821-1", "--instance", lab.id()}).status, 0);
  EXPECT_NE(run_command({"ip", "-n", ns, "link", "show", "dev", "voice"}).status, 0);
}

TEST_F(LabTopologyBoot, RelayedLayoutRegistersThroughTheGateway) {
  if (!have("dhcrelay")) GTEST_SKIP() << "no dhcrelay";
  const std::string lab_text = R"(rig:
  interfaces:
    - {name: data, role: service, device: rig-data, address: 198.18.1.10/24}
    - {name: span, role: capture, device: rig-span}
switch:
  address: 198.18.255.1
  snmp: {version: 2c, community: env:PHONERIG_SIM_SNMP_COMMUNITY}
  profile: cisco
  vlans: {voice: 100, data: 10}
phones:
  - {id: a, mac: 00:1e:4a:00:00:01, model: CP-8851, port: Gi1/0/1, lines: [{dn: "1001"}]}
services:
  cdp: off
  dhcp: {mode: on, interface: data, routers: [198.18.0.1], pool: {first: 198.18.0.150, last: 198.18.0.199}}
  tftp: {mode: on, interface: data}
  http: {mode: on, interface: data}
  sip: {mode: on, interface: data}
  loads: {CP-8851: sip88xx.14-2-1-0001-14}
sim:
  layout: relayed
  phone_defaults: {boot_delay_ms: 200}
)";
  ServedLab lab("tr" + std::to_string(getpid() % 100000), lab_text);
  std::vector<std::string> power = {kPhonerig, "power", "on", "a", "--instance", lab.id()};
  power.insert(power.end(), lab.lab_args().begin(), lab.lab_args().end());
  const CommandResult on = run_command(power);  // no community variable: the stored one
  ASSERT_EQ(on.status, 0) << on.out << on.err;
  const fs::path log = lab.state() / "phones" / "a.log";
  EXPECT_TRUE(wait_until(
      [&] { return read_text(log).find("registered") != std::string::npos; },
      std::chrono::seconds(40)))
      << read_text(log);
  // Through the relay: an address on the voice subnet, the registrar on the data one.
  EXPECT_THAT(read_text(log), ::testing::HasSubstr("configure_ip 198.18.0.15"));
  EXPECT_THAT(read_text(log), ::testing::HasSubstr("with 198.18.1.10"));
}

}  // namespace
}  // namespace phonerig::testing
