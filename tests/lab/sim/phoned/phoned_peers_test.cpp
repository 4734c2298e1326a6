// Issue 6, must-show 2: the same emulated phone against third-party servers instead of ours.
// dnsmasq serves DHCP (option 150) and, over its own TFTP, the files our config generator
// wrote; kamailio is the registrar (digest with the line's password). Nothing of ours runs
// in the server namespace. Needs root, dnsmasq and kamailio.
#include "tests/lab/sim/phoned/phoned_lab.hpp"

namespace phonerig::testing::phoned {
namespace {

bool have(const char* tool) { return run_command({"sh", "-c", std::string("command -v ") + tool}).status == 0; }

class PhonedPeers : public PhonedTest {
 protected:
  std::string tag() const override { return "pdp"; }

  void start_dnsmasq() {
    const fs::path root = dir_->file("tftp");
    fs::create_directories(root);
    services::config::Config c;
    c.call_managers.push_back({"kamailio", kServer, 5060, 5061, 0});
    c.loads.push_back({"Cisco 8851", 684, kRunningLoad});
    services::config::Phone p;
    p.mac = *wire::Mac::parse(kPhoneMac);
    p.model = "Cisco 8851";
    services::config::Line line;
    line.directory_number = kLine;
    line.auth_name = kLine;
    line.password = kPassword;
    p.lines.push_back(line);
    c.phones.push_back(p);
    auto files = services::config::generate(c);
    ASSERT_TRUE(files) << files.error().message;
    auto written = services::config::write_files(*files, root);
    ASSERT_TRUE(written) << written.error().message;
    std::ofstream(dir_->file("dnsmasq.conf"))
        << "port=0\n"
        << "interface=" << cable_.a_if << "\n"
        << "bind-interfaces\n"
        << "dhcp-range=198.18.61.100,198.18.61.120,255.255.255.0,1h\n"
        << "dhcp-option=150," << kServer << "\n"
        << "dhcp-authoritative\n"
        << "dhcp-leasefile=" << dir_->file("dnsmasq.leases") << "\n"
        << "pid-file=" << dir_->file("dnsmasq.pid") << "\n"
        << "enable-tftp\n"
        << "tftp-root=" << root.string() << "\n"
        << "user=root\n"
        << "log-dhcp\n";
    extra_.push_back(std::make_unique<Process>(
        lab_->ns("srv"),
        std::vector<std::string>{"dnsmasq", "--keep-in-foreground", "--no-hosts", "--no-resolv",
                                 "--conf-file=" + dir_->file("dnsmasq.conf"), "--log-facility=-"},
        dir_->file("dnsmasq.log")));
  }

  void start_kamailio() {
    fs::create_directories(dir_->file("kamrun"));
    std::ofstream(dir_->file("kamailio.cfg"))
        << "#!KAMAILIO\n"
        << "debug=2\nlog_stderror=yes\nchildren=1\ntcp_children=1\nauto_aliases=no\n"
        << "listen=udp:" << kServer << ":5060\n"
        << "listen=tcp:" << kServer << ":5060\n"
        << "mpath=\"/usr/lib/x86_64-linux-gnu/kamailio/modules/\"\n"
        << "loadmodule \"tm.so\"\nloadmodule \"sl.so\"\nloadmodule \"pv.so\"\n"
        << "loadmodule \"xlog.so\"\nloadmodule \"usrloc.so\"\nloadmodule \"registrar.so\"\n"
        << "loadmodule \"auth.so\"\n"
        << "modparam(\"usrloc\", \"db_mode\", 0)\n"
        << "request_route {\n"
        << "  if (method != \"REGISTER\") { sl_send_reply(\"404\", \"Not here\"); exit; }\n"
        << "  if (!pv_www_authenticate(\"$td\", \"" << kPassword << "\", \"0\")) {\n"
        << "    xlog(\"L_NOTICE\", \"CHALLENGE $tu\\n\");\n"
        << "    www_challenge(\"$td\", \"0\");\n"
        << "    exit;\n"
        << "  }\n"
        << "  if (!save(\"location\")) { sl_reply_error(); exit; }\n"
        << "  xlog(\"L_NOTICE\", \"REGISTERED $tu proto=$pr ua=$ua\\n\");\n"
        << "}\n";
    extra_.push_back(std::make_unique<Process>(
        lab_->ns("srv"),
        std::vector<std::string>{"kamailio", "-DD", "-E", "-f", dir_->file("kamailio.cfg"), "-P",
                                 dir_->file("kamailio.pid"), "-Y", dir_->file("kamrun"), "-w",
                                 dir_->file("kamrun")},
        dir_->file("kamailio.log")));
  }
};

TEST_F(PhonedPeers, RegistersWithKamailioAfterDnsmasqDhcpAndTftp) {
  if (!have("dnsmasq") || !have("kamailio")) GTEST_SKIP() << "needs dnsmasq and kamailio";
  start_dnsmasq();
  start_kamailio();
  ASSERT_TRUE(wait_until([&] { return read_text(dir_->file("kamailio.log")).find("Listening on") != std::string::npos; }, 10s))
      << read_text(dir_->file("kamailio.log"));
  start_phone();
  const std::string expected = "REGISTERED sip:" + kLine + "@" + kServer;
  const bool registered = wait_until(
      [&] { return read_text(dir_->file("kamailio.log")).find(expected) != std::string::npos; }, 30s);
  EXPECT_TRUE(registered) << "kamailio log:\n" << read_text(dir_->file("kamailio.log"))
                          << "\ndnsmasq log:\n" << read_text(dir_->file("dnsmasq.log"));
  const std::string kam = read_text(dir_->file("kamailio.log"));
  EXPECT_NE(kam.find("CHALLENGE sip:" + kLine + "@" + kServer), std::string::npos) << kam;
  EXPECT_NE(kam.find(expected + " proto=tcp ua=Cisco-CP8851/" + kRunningLoad), std::string::npos) << kam;
  // dnsmasq leased to the phone's MAC and served the device file over TFTP.
  EXPECT_NE(read_text(dir_->file("dnsmasq.leases")).find(kPhoneMac), std::string::npos);
  const std::string dns = read_text(dir_->file("dnsmasq.log"));
  EXPECT_NE(dns.find("SEP001E4A000051.cnf.xml"), std::string::npos) << dns;
  // The phone: HTTP 6970 refused (dnsmasq has no HTTP), TFTP at once, 200 from kamailio.
  ASSERT_TRUE(wait_until([&] { return phone_log().find("status registered") != std::string::npos; }, 5s))
      << phone_log();
  const std::string log = phone_log();
  EXPECT_NE(log.find("fetch SEP001E4A000051.cnf.xml http: failed"), std::string::npos) << log;
  EXPECT_NE(log.find("fetch SEP001E4A000051.cnf.xml tftp: ok"), std::string::npos) << log;
  bool ok200 = false;
  for (auto& e : phone_events("sip.response")) ok200 = ok200 || e["attrs"]["status"] == 200;
  EXPECT_TRUE(ok200);
  expect_phone_events_declared();
}

}  // namespace
}  // namespace phonerig::testing::phoned
