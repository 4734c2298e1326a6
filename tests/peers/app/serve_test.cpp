// `phonerig serve` end to end, as a lab engineer runs it: a lab file whose rig namespace
// and interface the test creates, the real binary serving in that namespace, and real
// clients on the phone's side of a veth: udhcpc gets the phone's reservation with option
// 150, curl fetches the generated SEP<MAC>.cnf.xml over HTTP 6970 and TFTP and it parses,
// sipp registers the phone's line with digest. Then SIGTERM stops it cleanly, and the
// events file holds one valid JSON line per event, phone attributed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <set>
#include <sstream>

#include "tests/support/netns.hpp"

namespace phonerig::testing {
namespace {

const std::string kPhonerig = std::string(PHONERIG_BIN_DIR) + "/phonerig";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class ServeLab : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: namespaces";
    dir_ = std::filesystem::temp_directory_path() / ("phonerig-serve-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    lab_ = std::make_unique<NetnsLab>("srv");
    lab_->add("rig");
    lab_->add("phone");
    cable_ = lab_->connect("rig", "phone", "198.18.20.1/24", "");
    lab_->must_exec("phone", {"ip", "link", "set", "dev", cable_.b_if, "address",
                              "00:1e:4a:00:20:01"});
  }
  void TearDown() override {
    serve_.reset();
    lab_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::filesystem::path write_lab(const std::string& services) {
    const auto path = dir_ / "lab.yaml";
    std::ofstream out(path);
    out << "rig:\n  netns: " << lab_->ns("rig") << "\n  interfaces:\n"
        << "    - {name: voice, role: both, device: " << cable_.a_if
        << ", address: 198.18.20.1/24}\n"
        << "phones:\n"
        << "  - id: desk\n    mac: 00:1e:4a:00:20:01\n    model: CP-8851\n"
        << "    address: 198.18.20.101\n    load: sip88xx.14-2-1-0001-14\n"
        << "    lines: [{dn: \"2001\", auth_name: desk, password: env:PHONERIG_TEST_LINE, "
           "display_name: Desk}]\n"
        << "services:\n" << services
        << "  dhcp: {mode: on, lease_s: 600, lease_file: " << (dir_ / "leases").string() << "}\n";
    return path;
  }

  void start_serve(const std::filesystem::path& lab_file) {
    ::setenv("PHONERIG_TEST_LINE", "s3cret&<line>", 1);
    serve_ = std::make_unique<Process>(
        "", std::vector<std::string>{kPhonerig, "serve", "--lab", lab_file.string(), "--events",
                                     (dir_ / "events.jsonl").string()},
        dir_ / "serve.log");
    ASSERT_TRUE(wait_until([&] { return read_file(dir_ / "serve.log").find("ready") !=
                                        std::string::npos || !serve_->running(); },
                           std::chrono::seconds(10)))
        << read_file(dir_ / "serve.log");
    ASSERT_TRUE(serve_->running()) << read_file(dir_ / "serve.log");
  }

  std::filesystem::path dir_;
  std::unique_ptr<NetnsLab> lab_;
  NetnsLab::Cable cable_;
  std::unique_ptr<Process> serve_;
};

TEST_F(ServeLab, RealClientsGetAddressConfigAndRegistrationThenItStopsCleanly) {
  start_serve(write_lab("  sip: {mode: on, digest: true, realm: rig}\n"));
  const std::string log = read_file(dir_ / "serve.log");
  EXPECT_NE(log.find("udp 0.0.0.0:67 on " + cable_.a_if + " (server id 198.18.20.1)"), std::string::npos) << log;
  EXPECT_NE(log.find("tcp 198.18.20.1:6970"), std::string::npos) << log;

  // DHCP: udhcpc with option 150 asked for; its script prints the environment it got.
  const auto script = dir_ / "udhcpc.sh";
  {
    std::ofstream out(script);
    out << "#!/bin/sh\n[ \"$1\" = bound ] && env > " << (dir_ / "lease.env").string() << "\n"
        << "exit 0\n";
  }
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  const CommandResult dhcp = lab_->exec("phone", {"udhcpc", "-f", "-q", "-n", "-t", "4", "-T",
                                                  "1", "-i", cable_.b_if, "-s", script.string(),
                                                  "-O", "150"});
  ASSERT_EQ(dhcp.status, 0) << dhcp.out << dhcp.err;
  const std::string env = read_file(dir_ / "lease.env");
  EXPECT_NE(env.find("ip=198.18.20.101"), std::string::npos) << env;
  EXPECT_NE(env.find("198.18.20.1"), std::string::npos) << env;  // option 150 / server id
  lab_->must_exec("phone", {"ip", "addr", "add", "198.18.20.101/24", "dev", cable_.b_if});

  // The generated config over HTTP 6970 and over TFTP: the same bytes, and it parses.
  const std::string url = "198.18.20.1";
  const CommandResult http = lab_->exec(
      "phone", {"curl", "-sS", "--max-time", "5", "http://" + url + ":6970/SEP001E4A002001.cnf.xml"});
  ASSERT_EQ(http.status, 0) << http.err;
  const CommandResult tftp = lab_->exec(
      "phone", {"curl", "-sS", "--max-time", "5", "tftp://" + url + "/SEP001E4A002001.cnf.xml"});
  ASSERT_EQ(tftp.status, 0) << tftp.err;
  EXPECT_EQ(http.out, tftp.out);
  pugi::xml_document config;
  ASSERT_TRUE(config.load_string(http.out.c_str())) << http.out;
  EXPECT_STREQ(config.select_node("//processNodeName").node().text().get(), "198.18.20.1");
  EXPECT_STREQ(config.select_node("//line[@button='1']/authName").node().text().get(), "desk");
  EXPECT_STREQ(config.select_node("//line[@button='1']/authPassword").node().text().get(),
               "s3cret&<line>");
  EXPECT_STREQ(config.select_node("//loadInformation").node().text().get(),
               "sip88xx.14-2-1-0001-14");
  const CommandResult ctl = lab_->exec(
      "phone", {"curl", "-sS", "--max-time", "5", "tftp://" + url + "/CTLSEP001E4A002001.tlv"});
  EXPECT_NE(ctl.status, 0);  // a non-secure cluster has no CTL: TFTP "file not found"

  // SIP: sipp registers line 2001 as user desk with digest.
  {
    std::ofstream users(dir_ / "users.csv");
    users << "SEQUENTIAL\n2001;[authentication username=desk password=s3cret&<line>]\n";
  }
  const CommandResult sip = lab_->exec(
      "phone", {"sipp", "-sf", std::string(PHONERIG_SOURCE_DIR) + "/tests/bench/peers/sip/register-auth.xml",
                "-inf", (dir_ / "users.csv").string(), "-m", "1", "-t", "u1", "-i",
                "198.18.20.101", "-timeout", "10", "-timeout_error", "-nostdin", url + ":5060"});
  EXPECT_EQ(sip.status, 0) << "sipp: 0 means every call succeeded\n" << sip.out << sip.err;
  ASSERT_TRUE(wait_until(
      [&] { return read_file(dir_ / "events.jsonl").find("\"sip.binding\"") != std::string::npos; },
      std::chrono::seconds(10)))
      << read_file(dir_ / "events.jsonl");

  EXPECT_EQ(serve_->stop(std::chrono::milliseconds(5000)), 0) << read_file(dir_ / "serve.log");
  EXPECT_NE(read_file(dir_ / "serve.log").find("SIGTERM received, stopping"), std::string::npos);

  std::set<std::string> kinds;
  std::istringstream lines(read_file(dir_ / "events.jsonl"));
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    const auto event = nlohmann::json::parse(line);
    kinds.insert(event["kind"].get<std::string>());
    EXPECT_EQ(line.find("s3cret"), std::string::npos) << "a password in the events: " << line;
  }
  EXPECT_GT(count, 5);
  for (const char* kind : {"service.listening", "file.generated", "dhcp.discover", "dhcp.offer",
                           "dhcp.ack", "http.get", "http.status", "tftp.rrq", "file.missing",
                           "sip.auth", "sip.binding"}) {
    EXPECT_TRUE(kinds.count(kind)) << kind;
  }
}

TEST_F(ServeLab, AnInterfaceThatIsNotThereIsTheRigsFailure) {
  const auto path = dir_ / "bad.yaml";
  {
    std::ofstream out(path);
    out << "rig:\n  netns: " << lab_->ns("rig") << "\n  interfaces:\n"
        << "    - {name: voice, role: both, device: nosuchif0, address: 198.18.20.1/24}\n"
        << "services: {dhcp: {mode: on, pool: {first: 198.18.20.100, last: 198.18.20.110}, "
           "lease_file: " << (dir_ / "leases").string() << "}}\n";
  }
  const CommandResult result = run_command({kPhonerig, "serve", "--lab", path.string()});
  EXPECT_EQ(result.status, 3) << result.out << result.err;
  EXPECT_NE(result.err.find("nosuchif0"), std::string::npos) << result.err;
}

TEST(ServeWriteFiles, WritesTheGeneratedFilesForAnotherTftpServer) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("phonerig-write-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "out");
  {
    std::ofstream out(dir / "lab.yaml");
    out << "rig:\n  interfaces: [{name: voice, role: both, device: eth9, address: "
           "198.18.20.1/24}]\n"
           "phones:\n  - {id: a, mac: 00:1e:4a:00:20:01, model: CP-7821, address: "
           "198.18.20.101, load: sip78xx.14-2-1-0001-14, lines: [{dn: \"2001\"}]}\n"
           "  - {id: b, mac: 00:1e:4a:00:20:02, model: CP-7821, address: 198.18.20.102}\n";
  }
  const CommandResult result = run_command(
      {kPhonerig, "serve", "--lab", (dir / "lab.yaml").string(), "--write-files", (dir / "out").string()});
  ASSERT_EQ(result.status, 0) << result.out << result.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "SEP001E4A002001.cnf.xml"));
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "XMLDefault.cnf.xml"));
  // Phone b has no line: unprovisioned, it gets XMLDefault.cnf.xml and no file of its own.
  EXPECT_FALSE(std::filesystem::exists(dir / "out" / "SEP001E4A002002.cnf.xml"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace phonerig::testing
