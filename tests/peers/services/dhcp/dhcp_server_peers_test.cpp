// Our DHCP server against real clients in network namespaces: ISC dhclient and busybox
// udhcpc get their reserved address and option 150, directly and through ISC dhcrelay;
// an undeclared MAC gets nothing; a pool lease survives a server restart (dhclient's
// INIT-REBOOT is ACKed from the lease file); malformed datagrams do not stop service.
#include "drivers/api/event_sink.hpp"
#include "drivers/services/dhcp/server.hpp"
#include "tests/support/netns.hpp"

#include <arpa/inet.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sstream>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
namespace dhcp = phonerig::services::dhcp;
using phonerig::api::CollectingSink;
using phonerig::api::Event;
using phonerig::testing::NetnsGuard;
using phonerig::testing::NetnsLab;
using phonerig::testing::Process;
using phonerig::testing::wait_until;
using phonerig::wire::Ipv4;
using phonerig::wire::Mac;

Ipv4 ip(const char* text) {
  return *Ipv4::parse(text);
}
Mac mac(const char* text) {
  return *Mac::parse(text);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_script(const fs::path& path, const std::string& body) {
  std::ofstream(path) << "#!/bin/sh\n" << body;
  fs::permissions(path, fs::perms::owner_all);
}

// Our server on its own io_context thread, its sockets made inside a namespace.
class Served {
public:
  Served(const std::string& netns, dhcp::Config config) {
    NetnsGuard guard(netns);
    auto started = dhcp::Server::start(io_.get_executor(), std::move(config), events);
    if (!started) throw std::runtime_error(started.error().message);
    server_ = std::move(*started);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Served() { stop(); }
  void stop() {
    if (!server_) return;
    boost::asio::post(io_, [this] { server_->stop(); });
    thread_.join();
    server_.reset();
  }
  std::vector<Event> of(const std::string& kind) const {
    std::vector<Event> out;
    for (auto& e : events.events()) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }
  void expect_all_valid() const {
    for (const auto& e : events.events()) {
      auto valid = phonerig::api::validate(e);
      EXPECT_TRUE(valid.has_value())
          << phonerig::api::to_string(e) << ": " << (valid ? "" : valid.error().message);
    }
  }
  CollectingSink events;

private:
  boost::asio::io_context io_;
  std::unique_ptr<dhcp::Server> server_;
  std::thread thread_;
};

class DhcpPeers : public ::testing::Test {
protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces)";
    for (const char* tool : {"dhclient", "udhcpc", "dhcrelay"}) {
      if (phonerig::testing::run_command({"which", tool}).status != 0) {
        GTEST_SKIP() << tool << " not installed";
      }
    }
    dir_ = fs::temp_directory_path() /
           ("phrt-dhcp-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // Each call leaves the environment it got in <tool>.<reason>, written whole (mv).
    const std::string d = dir_.string();
    write_script(dir_ / "dhclient-script", "env | sort > " + d + "/env.$$; mv " + d + "/env.$$ " +
                                               d + "/dhclient.$reason\nexit 0\n");
    write_script(dir_ / "udhcpc-script", "env | sort > " + d + "/env.$$; mv " + d + "/env.$$ " + d +
                                             "/udhcpc.$1\nexit 0\n");
    std::ofstream(dir_ / "dhclient.conf")
        << "option tftp-servers code 150 = array of ip-address;\n"
           "request subnet-mask, routers, domain-name-servers, tftp-servers;\n"
           "timeout 12;\nretry 1;\n";
  }
  void TearDown() override {
    std::error_code ignored;
    if (!dir_.empty() && !HasFailure()) fs::remove_all(dir_, ignored);
  }

  // Direct layout: srv (198.18.40.1/24) -- cli (no address, MAC set by the test).
  void direct(const std::string& tag, const char* client_mac) {
    lab_ = std::make_unique<NetnsLab>(tag);
    lab_->add("srv");
    lab_->add("cli");
    auto cable = lab_->connect("srv", "cli", "198.18.40.1/24");
    srv_if_ = cable.a_if;
    cli_if_ = cable.b_if;
    set_mac(cli_if_, client_mac);
  }

  // Relayed layout: srv (198.18.41.1/24) -- relay (198.18.41.2/24 | 198.18.42.1/24) -- cli.
  void relayed(const std::string& tag, const char* client_mac) {
    lab_ = std::make_unique<NetnsLab>(tag);
    lab_->add("srv");
    lab_->add("relay");
    lab_->add("cli");
    auto up = lab_->connect("srv", "relay", "198.18.41.1/24", "198.18.41.2/24");
    auto down = lab_->connect("relay", "cli", "198.18.42.1/24");
    srv_if_ = up.a_if;
    cli_if_ = down.b_if;
    lab_->must_exec("srv", {"ip", "route", "add", "198.18.42.0/24", "via", "198.18.41.2"});
    lab_->must_exec("relay", {"sysctl", "-qw", "net.ipv4.ip_forward=1"});
    set_mac(cli_if_, client_mac);
    relay_ = std::make_unique<Process>(
        lab_->ns("relay"),
        std::vector<std::string>{"dhcrelay", "-d", "-4", "-pf", (dir_ / "dhcrelay.pid").string(),
                                 "-id", down.a_if, "-iu", up.b_if, "198.18.41.1"},
        dir_ / "dhcrelay.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }

  void set_mac(const std::string& ifname, const char* address) {
    lab_->must_exec("cli", {"ip", "link", "set", "dev", ifname, "down"});
    lab_->must_exec("cli", {"ip", "link", "set", "dev", ifname, "address", address});
    lab_->must_exec("cli", {"ip", "link", "set", "dev", ifname, "up"});
  }

  dhcp::Config config(bool relay) {
    dhcp::Config c;
    c.interface = srv_if_;
    c.server_address = ip(relay ? "198.18.41.1" : "198.18.40.1");
    c.subnet_mask = ip("255.255.255.0");
    c.routers = {ip(relay ? "198.18.42.1" : "198.18.40.1")};
    c.dns_servers = {ip("198.18.40.53")};
    c.domain = "lab.example";
    c.lease_time_s = 600;
    c.tftp_servers = {ip("198.18.40.5"), ip("198.18.40.6")};
    c.reservations = {
        {mac("02:00:00:40:00:01"), ip(relay ? "198.18.42.10" : "198.18.40.10"), "SEP020000400001"}};
    return c;
  }

  std::unique_ptr<Process> dhclient(const std::string& lease_file = {}) {
    return std::make_unique<Process>(
        lab_->ns("cli"),
        std::vector<std::string>{
            "dhclient", "-d", "-1", "-v", "-cf", (dir_ / "dhclient.conf").string(), "-sf",
            (dir_ / "dhclient-script").string(), "-lf",
            lease_file.empty() ? (dir_ / "dhclient.leases").string() : lease_file, "-pf",
            (dir_ / "dhclient.pid").string(), cli_if_},
        dir_ / "dhclient.log");
  }

  std::unique_ptr<Process> udhcpc() {
    return std::make_unique<Process>(
        lab_->ns("cli"),
        std::vector<std::string>{"udhcpc", "-f", "-q", "-n", "-t", "4", "-T", "2", "-i", cli_if_,
                                 "-s", (dir_ / "udhcpc-script").string(), "-O", "150"},
        dir_ / "udhcpc.log");
  }

  bool called(const std::string& file) { return fs::exists(dir_ / file); }

  fs::path dir_;
  std::unique_ptr<NetnsLab> lab_;
  std::unique_ptr<Process> relay_;
  std::string srv_if_;
  std::string cli_if_;
};

TEST_F(DhcpPeers, DhclientGetsItsReservationAndOption150Directly) {
  direct("dcd", "02:00:00:40:00:01");
  Served server(lab_->ns("srv"), config(false));
  auto client = dhclient();
  ASSERT_TRUE(wait_until([&] { return called("dhclient.BOUND"); }, std::chrono::seconds(20)))
      << read_text(dir_ / "dhclient.log");
  client->stop();
  const std::string env = read_text(dir_ / "dhclient.BOUND");
  EXPECT_NE(env.find("new_ip_address=198.18.40.10\n"), std::string::npos) << env;
  EXPECT_NE(env.find("new_tftp_servers=198.18.40.5 198.18.40.6\n"), std::string::npos) << env;
  EXPECT_NE(env.find("new_subnet_mask=255.255.255.0\n"), std::string::npos) << env;
  EXPECT_NE(env.find("new_routers=198.18.40.1\n"), std::string::npos) << env;
  EXPECT_NE(env.find("new_dhcp_server_identifier=198.18.40.1\n"), std::string::npos) << env;
  EXPECT_NE(env.find("new_host_name=SEP020000400001\n"), std::string::npos) << env;
  EXPECT_GE(server.of("dhcp.offer").size(), 1u);
  ASSERT_GE(server.of("dhcp.ack").size(), 1u);
  const Event ack = server.of("dhcp.ack").front();
  EXPECT_EQ(ack.phone, mac("02:00:00:40:00:01"));
  // dhclient asks for unicast: the ACK went out as a link-layer frame to chaddr.
  EXPECT_NE(ack.attr("dst_mac"), nullptr) << phonerig::api::to_string(ack);
  EXPECT_GE(server.of("service.listening").size(), 1u);
  EXPECT_GE(server.of("dhcp.lease").size(), 2u); // offered, bound
  server.stop();
  server.expect_all_valid();
}

TEST_F(DhcpPeers, UdhcpcGetsItsReservationAndOption150AfterMalformedDatagrams) {
  direct("udd", "02:00:00:40:00:01");
  Served server(lab_->ns("srv"), config(false));
  {
    // Garbage from the client side first: a short datagram, a BOOTREQUEST without the
    // magic cookie, one whose option 53 runs past the end.
    NetnsGuard guard(lab_->ns("cli"));
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(fd, 0);
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on);
    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, cli_if_.c_str(),
               static_cast<socklen_t>(cli_if_.size()));
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(67);
    to.sin_addr.s_addr = htonl(INADDR_BROADCAST);
    std::vector<std::vector<std::uint8_t>> bad = {{1, 2, 3, 4, 5},
                                                  std::vector<std::uint8_t>(300, 0)};
    bad[1][0] = 1;
    bad[1][1] = 1;
    bad[1][2] = 6;
    std::vector<std::uint8_t> overrun(244, 0);
    overrun[0] = 1;
    overrun[1] = 1;
    overrun[2] = 6;
    overrun[236] = 0x63;
    overrun[237] = 0x82;
    overrun[238] = 0x53;
    overrun[239] = 0x63;
    overrun[240] = 53;
    overrun[241] = 9;
    bad.push_back(overrun);
    for (const auto& b : bad) {
      ASSERT_EQ(sendto(fd, b.data(), b.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
                static_cast<ssize_t>(b.size()))
          << std::strerror(errno);
    }
    close(fd);
  }
  ASSERT_TRUE(wait_until([&] { return server.of("request.malformed").size() >= 3; }));
  auto client = udhcpc();
  ASSERT_TRUE(wait_until([&] { return called("udhcpc.bound"); }, std::chrono::seconds(20)))
      << read_text(dir_ / "udhcpc.log");
  const std::string env = read_text(dir_ / "udhcpc.bound");
  EXPECT_NE(env.find("ip=198.18.40.10\n"), std::string::npos) << env;
  EXPECT_NE(env.find("subnet=255.255.255.0\n"), std::string::npos) << env;
  EXPECT_NE(env.find("router=198.18.40.1\n"), std::string::npos) << env;
  // busybox passes options it has no name for as hex: 198.18.40.5, 198.18.40.6.
  EXPECT_NE(env.find("opt150=c6122805c6122806\n"), std::string::npos) << env;
  EXPECT_EQ(client->wait_for(std::chrono::seconds(5)), 0);
  for (const auto& e : server.of("request.malformed")) {
    EXPECT_EQ(e.string_attr("service"), "dhcp");
  }
  server.stop();
  server.expect_all_valid();
}

TEST_F(DhcpPeers, DhclientGetsItsReservationThroughDhcrelay) {
  relayed("dcr", "02:00:00:40:00:01");
  Served server(lab_->ns("srv"), config(true));
  auto client = dhclient();
  ASSERT_TRUE(wait_until([&] { return called("dhclient.BOUND"); }, std::chrono::seconds(20)))
      << read_text(dir_ / "dhclient.log") << read_text(dir_ / "dhcrelay.log");
  client->stop();
  const std::string env = read_text(dir_ / "dhclient.BOUND");
  EXPECT_NE(env.find("new_ip_address=198.18.42.10\n"), std::string::npos) << env;
  EXPECT_NE(env.find("new_tftp_servers=198.18.40.5 198.18.40.6\n"), std::string::npos) << env;
  EXPECT_NE(env.find("new_routers=198.18.42.1\n"), std::string::npos) << env;
  ASSERT_GE(server.of("dhcp.ack").size(), 1u);
  const Event ack = server.of("dhcp.ack").front();
  EXPECT_EQ(ack.attr("giaddr") ? phonerig::api::to_string(*ack.attr("giaddr")) : "", "198.18.42.1");
  EXPECT_EQ(ack.integer_attr("dst_port"), 67);
  server.stop();
  server.expect_all_valid();
}

TEST_F(DhcpPeers, UdhcpcGetsItsReservationThroughDhcrelay) {
  relayed("udr", "02:00:00:40:00:01");
  Served server(lab_->ns("srv"), config(true));
  auto client = udhcpc();
  ASSERT_TRUE(wait_until([&] { return called("udhcpc.bound"); }, std::chrono::seconds(20)))
      << read_text(dir_ / "udhcpc.log") << read_text(dir_ / "dhcrelay.log");
  const std::string env = read_text(dir_ / "udhcpc.bound");
  EXPECT_NE(env.find("ip=198.18.42.10\n"), std::string::npos) << env;
  EXPECT_NE(env.find("opt150=c6122805c6122806\n"), std::string::npos) << env;
  EXPECT_NE(env.find("serverid=198.18.41.1\n"), std::string::npos) << env;
  server.stop();
  server.expect_all_valid();
}

TEST_F(DhcpPeers, AnUndeclaredMacGetsNothing) {
  direct("und", "02:00:00:40:00:99");
  Served server(lab_->ns("srv"), config(false));
  auto client = udhcpc();
  ASSERT_TRUE(
      wait_until([&] { return server.of("dhcp.ignored").size() >= 2; }, std::chrono::seconds(10)));
  client->wait_for(std::chrono::seconds(12));
  EXPECT_FALSE(called("udhcpc.bound")) << read_text(dir_ / "udhcpc.bound");
  EXPECT_NE(client->wait_for(std::chrono::seconds(1)), 0); // -n: exits 1 without a lease
  EXPECT_TRUE(server.of("dhcp.offer").empty());
  EXPECT_TRUE(server.of("dhcp.ack").empty());
  const Event ignored = server.of("dhcp.ignored").front();
  EXPECT_EQ(ignored.phone, mac("02:00:00:40:00:99"));
  EXPECT_NE(ignored.string_attr("reason").value_or("").find("not declared"), std::string::npos);
  server.stop();
  server.expect_all_valid();
}

TEST_F(DhcpPeers, APoolLeaseSurvivesAServerRestart) {
  direct("rst", "02:00:00:40:00:77");
  dhcp::Config c = config(false);
  c.allowed = {mac("02:00:00:40:00:77")};
  c.pool = dhcp::Pool{ip("198.18.40.100"), ip("198.18.40.120")};
  c.lease_file = dir_ / "leases";
  const std::string client_leases = (dir_ / "dhclient.leases").string();
  {
    Served first(lab_->ns("srv"), c);
    auto client = dhclient(client_leases);
    ASSERT_TRUE(wait_until([&] { return called("dhclient.BOUND"); }, std::chrono::seconds(20)))
        << read_text(dir_ / "dhclient.log");
    // dhclient writes its lease file after running the BOUND script.
    EXPECT_TRUE(wait_until([&] {
      return read_text(client_leases).find("fixed-address 198.18.40.100;") != std::string::npos;
    }));
    client->stop();
    first.stop();
    first.expect_all_valid();
  }
  EXPECT_NE(read_text(dir_ / "dhclient.BOUND").find("new_ip_address=198.18.40.100\n"),
            std::string::npos);
  EXPECT_NE(read_text(dir_ / "leases").find("bound 02:00:00:40:00:77 198.18.40.100"),
            std::string::npos)
      << read_text(dir_ / "leases");
  fs::remove(dir_ / "dhclient.BOUND");

  Served second(lab_->ns("srv"), c);
  ASSERT_EQ(second.of("dhcp.lease").size(), 1u);
  const Event restored = second.of("dhcp.lease").front();
  EXPECT_EQ(restored.string_attr("state"), "restored");
  EXPECT_EQ(phonerig::api::to_string(*restored.attr("yiaddr")), "198.18.40.100");
  // dhclient starts from its lease file: INIT-REBOOT, a REQUEST for its old address
  // without server id. Without our lease file the server would stay silent.
  auto client = dhclient(client_leases);
  ASSERT_TRUE(wait_until([&] { return called("dhclient.REBOOT"); }, std::chrono::seconds(20)))
      << read_text(dir_ / "dhclient.log");
  client->stop();
  EXPECT_NE(read_text(dir_ / "dhclient.REBOOT").find("new_ip_address=198.18.40.100\n"),
            std::string::npos);
  EXPECT_TRUE(second.of("dhcp.discover").empty());
  ASSERT_GE(second.of("dhcp.request").size(), 1u);
  const Event request = second.of("dhcp.request").front();
  EXPECT_EQ(request.attr("server_id"), nullptr);
  EXPECT_NE(request.attr("requested_ip"), nullptr);
  EXPECT_GE(second.of("dhcp.ack").size(), 1u);
  second.stop();
  second.expect_all_valid();
}

} // namespace
