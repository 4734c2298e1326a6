// Our registrar against SIPp (Debian sip-tester): the registrar in one namespace, SIPp in
// another, 1000 distinct users from an injection CSV read SEQUENTIAL, over UDP (-t u1)
// and TCP (-t t1), without and with digest, a wrong password, and a burst of garbage
// datagrams plus half-open TCP connections in the middle of a run. Needs root and sipp.
#include "drivers/api/event_sink.hpp"
#include "drivers/services/sip/server.hpp"
#include "tests/support/netns.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <netinet/in.h>
#include <random>
#include <sstream>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace phonerig::services::sip {
namespace {

namespace fs = std::filesystem;
using phonerig::testing::NetnsGuard;
using phonerig::testing::NetnsLab;
using phonerig::testing::Process;

constexpr int kUsers = 1000;
const std::string kServerIp = "198.18.7.1";
const std::string kClientIp = "198.18.7.2";

std::string user_name(int i) {
  return std::to_string(20000 + i);
}
std::string password(int i) {
  return "pw-" + std::to_string(i * 7919 % 10007);
}

bool have_root_and_sipp() {
  return geteuid() == 0 &&
         phonerig::testing::run_command({"sh", "-c", "command -v sipp"}).status == 0;
}

// The registrar on its own io_context thread, its sockets made inside the server namespace.
class RunningRegistrar {
public:
  RunningRegistrar(const std::string& netns, Config config) {
    {
      NetnsGuard inside(netns);
      auto started = Server::start(io_.get_executor(), std::move(config), events_);
      if (!started) throw std::runtime_error(started.error().message);
      server_ = std::move(*started);
    }
    thread_ = std::thread([this] { io_.run(); });
  }
  ~RunningRegistrar() {
    server_->stop();
    work_.reset();
    io_.stop();
    thread_.join();
  }
  api::CollectingSink& events() { return events_; }

private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  api::CollectingSink events_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

// SIPp's statistics file: the last line's value of each column.
std::map<std::string, std::string> read_stats(const fs::path& file) {
  std::ifstream in(file);
  std::string header, line, last;
  std::getline(in, header);
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  std::map<std::string, std::string> stats;
  std::stringstream names(header), values(last);
  std::string name, value;
  while (std::getline(names, name, ';') && std::getline(values, value, ';'))
    stats[name] = value;
  return stats;
}

class SippRegister : public ::testing::Test {
protected:
  void SetUp() override {
    if (!have_root_and_sipp()) GTEST_SKIP() << "needs root and sipp (Debian sip-tester)";
    lab_ = std::make_unique<NetnsLab>("sip");
    lab_->add("srv");
    lab_->add("cli");
    lab_->connect("srv", "cli", kServerIp + "/24", kClientIp + "/24");
    dir_ = fs::temp_directory_path() / ("phrt-sipp-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    std::ofstream plain(dir_ / "users.csv"), auth(dir_ / "users-auth.csv"),
        wrong(dir_ / "users-wrong.csv");
    plain << "SEQUENTIAL\n";
    auth << "SEQUENTIAL\n";
    wrong << "SEQUENTIAL\n";
    for (int i = 0; i < kUsers; ++i) {
      plain << user_name(i) << ";" << password(i) << "\n";
      auth << user_name(i) << ";[authentication username=" << user_name(i)
           << " password=" << password(i) << "]\n";
      wrong << user_name(i) << ";[authentication username=" << user_name(i) << " password=not-"
            << password(i) << "]\n";
    }
  }
  void TearDown() override {
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
  }

  Config config(bool auth) const {
    Config c;
    c.address = *wire::Ipv4::parse(kServerIp);
    c.port = 5060;
    c.registrar.auth = auth;
    c.registrar.realm = "phonerig-test";
    for (int i = 0; i < kUsers; ++i)
      c.registrar.users[user_name(i)] = password(i);
    return c;
  }

  // SIPp in the client namespace: `calls` registrations at `rate`/s; its exit status.
  std::unique_ptr<Process> start_sipp(const std::string& scenario, const std::string& csv,
                                      const std::string& transport, int calls, int rate,
                                      const std::string& tag) {
    const fs::path scenarios = fs::path(PHONERIG_SOURCE_DIR) / "tests/peers/services/sip/scenarios";
    stats_ = dir_ / (tag + "-stat.csv");
    return std::make_unique<Process>(lab_->ns("cli"),
                                     std::vector<std::string>{"sipp",
                                                              "-sf",
                                                              (scenarios / scenario).string(),
                                                              "-inf",
                                                              (dir_ / csv).string(),
                                                              "-i",
                                                              kClientIp,
                                                              "-p",
                                                              "5070",
                                                              "-t",
                                                              transport,
                                                              "-r",
                                                              std::to_string(rate),
                                                              "-m",
                                                              std::to_string(calls),
                                                              "-l",
                                                              std::to_string(calls),
                                                              "-nostdin",
                                                              "-nd",
                                                              "-timeout",
                                                              "40s",
                                                              "-trace_stat",
                                                              "-stf",
                                                              stats_.string(),
                                                              "-fd",
                                                              "1",
                                                              kServerIp + ":5060"},
                                     dir_ / (tag + "-sipp.log"));
  }

  void expect_all_succeeded(Process& sipp, int calls, const std::string& tag) {
    auto status = sipp.wait_for(std::chrono::seconds(45));
    ASSERT_TRUE(status.has_value()) << "sipp did not finish";
    std::ifstream log(dir_ / (tag + "-sipp.log"));
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    EXPECT_EQ(*status, 0) << text.substr(0, 2000);
    auto stats = read_stats(stats_);
    EXPECT_EQ(stats["SuccessfulCall(C)"], std::to_string(calls));
    EXPECT_EQ(stats["FailedCall(C)"], "0");
  }

  static void expect_valid_events(const api::CollectingSink& sink) {
    int invalid = 0;
    for (const api::Event& e : sink.events()) {
      auto valid = api::validate(e);
      if (!valid && ++invalid < 5)
        ADD_FAILURE() << valid.error().message << ": " << api::to_string(e);
    }
    EXPECT_EQ(invalid, 0);
  }

  static std::size_t count(const api::CollectingSink& sink, std::string_view kind,
                           std::string_view attr, std::string_view value) {
    std::size_t n = 0;
    for (const api::Event& e : sink.events()) {
      if (e.kind == kind && e.string_attr(attr) == std::string(value)) ++n;
    }
    return n;
  }

  std::unique_ptr<NetnsLab> lab_;
  fs::path dir_;
  fs::path stats_;
};

TEST_F(SippRegister, ThousandUsersRegisterOverUdp) {
  RunningRegistrar registrar(lab_->ns("srv"), config(false));
  auto sipp = start_sipp("register.xml", "users.csv", "u1", kUsers, 1000, "udp");
  expect_all_succeeded(*sipp, kUsers, "udp");
  EXPECT_EQ(count(registrar.events(), "sip.binding", "action", "created"), std::size_t{kUsers});
  EXPECT_EQ(count(registrar.events(), "sip.response", "transport", "udp"), std::size_t{kUsers});
  expect_valid_events(registrar.events());
}

TEST_F(SippRegister, ThousandUsersRegisterOverTcp) {
  RunningRegistrar registrar(lab_->ns("srv"), config(false));
  auto sipp = start_sipp("register.xml", "users.csv", "t1", kUsers, 1000, "tcp");
  expect_all_succeeded(*sipp, kUsers, "tcp");
  EXPECT_EQ(count(registrar.events(), "sip.binding", "action", "created"), std::size_t{kUsers});
  EXPECT_EQ(count(registrar.events(), "sip.binding", "transport", "tcp"), std::size_t{kUsers});
  expect_valid_events(registrar.events());
}

TEST_F(SippRegister, DigestChallengesThenAcceptsEveryUserOverUdpAndTcp) {
  RunningRegistrar registrar(lab_->ns("srv"), config(true));
  for (const std::string transport : {"u1", "t1"}) {
    auto sipp = start_sipp("register-auth.xml", "users-auth.csv", transport, kUsers, 1000,
                           "auth-" + transport);
    expect_all_succeeded(*sipp, kUsers, "auth-" + transport);
  }
  EXPECT_EQ(count(registrar.events(), "sip.auth", "result", "challenged"), 2u * kUsers);
  EXPECT_EQ(count(registrar.events(), "sip.auth", "result", "accepted"), 2u * kUsers);
  // The TCP run's Contacts say transport=TCP: other URIs (RFC 3261 section 19.1.4), so
  // each user ends with two bindings.
  EXPECT_EQ(count(registrar.events(), "sip.binding", "action", "created"), 2u * kUsers);
  expect_valid_events(registrar.events());
}

TEST_F(SippRegister, WrongPasswordIsChallengedThenForbidden) {
  RunningRegistrar registrar(lab_->ns("srv"), config(true));
  auto sipp = start_sipp("register-wrong-password.xml", "users-wrong.csv", "u1", 200, 400, "wrong");
  expect_all_succeeded(*sipp, 200, "wrong");
  EXPECT_EQ(count(registrar.events(), "sip.auth", "result", "wrong_password"), 200u);
  EXPECT_EQ(count(registrar.events(), "sip.binding", "action", "created"), 0u);
  expect_valid_events(registrar.events());
}

// Garbage datagrams, garbage TCP and half-open TCP connections (half a request, kept
// open) sent from the client namespace while SIPp registers.
class Abuser {
public:
  explicit Abuser(std::string netns) : netns_(std::move(netns)) {
    thread_ = std::thread([this] { run(); });
  }
  ~Abuser() {
    stop_ = true;
    thread_.join();
    for (int fd : held_)
      close(fd);
  }
  int datagrams() const { return datagrams_; }
  int half_open() const { return static_cast<int>(held_.size()); }

private:
  void run() {
    NetnsGuard inside(netns_);
    sockaddr_in server{};
    server.sin_family = AF_INET;
    server.sin_port = htons(5060);
    inet_pton(AF_INET, kServerIp.c_str(), &server.sin_addr);
    auto* to = reinterpret_cast<sockaddr*>(&server);
    std::mt19937 random(7);
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // into the run
    const std::string half = "REGISTER sip:198.18.7.1 SIP/2.0\r\nVia: SIP/2.0/TCP 198.18.7.2:1;bra";
    const std::string broken =
        "REGISTER sip:198.18.7.1 SIP/2.0\r\nVia: SIP/2.0/UDP 198.18.7.2:5999;branch=z9hG4bKx\r\n"
        "From: <sip:1@x>;tag=1\r\nTo: <sip:1@x>\r\nCall-ID: g@x\r\nCSeq: 1 INVITE\r\n\r\n";
    for (int round = 0; round < 50 && !stop_; ++round) {
      for (int i = 0; i < 20; ++i) {
        std::string junk(1 + random() % 1400, '\0');
        for (char& c : junk)
          c = static_cast<char>(random());
        sendto(udp, junk.data(), junk.size(), 0, to, sizeof server);
        sendto(udp, broken.data(), broken.size(), 0, to, sizeof server);
        datagrams_ += 2;
      }
      int tcp = socket(AF_INET, SOCK_STREAM, 0);
      if (connect(tcp, to, sizeof server) == 0) {
        if (round % 2 == 0) {
          (void)!write(tcp, half.data(), half.size()); // half a request, then silence
        } else {
          std::string junk(4000, '\x07');
          (void)!write(tcp, junk.data(), junk.size()); // garbage: the server closes it
        }
        held_.push_back(tcp);
      } else {
        close(tcp);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    close(udp);
  }

  std::string netns_;
  std::atomic<bool> stop_{false};
  std::atomic<int> datagrams_{0};
  std::vector<int> held_;
  std::thread thread_;
};

TEST_F(SippRegister, GarbageAndHalfOpenConnectionsStopNoRegistration) {
  for (const std::string transport : {"u1", "t1"}) {
    RunningRegistrar registrar(lab_->ns("srv"), config(true));
    auto sipp = start_sipp("register-auth.xml", "users-auth.csv", transport, kUsers, 400,
                           "abuse-" + transport);
    {
      Abuser abuser(lab_->ns("cli"));
      expect_all_succeeded(*sipp, kUsers, "abuse-" + transport);
      EXPECT_EQ(abuser.datagrams(), 2000);
      EXPECT_EQ(abuser.half_open(), 50);
    }
    EXPECT_EQ(count(registrar.events(), "sip.auth", "result", "accepted"), std::size_t{kUsers});
    EXPECT_GE(registrar.events().count("request.malformed"), 1000u);
    EXPECT_GE(count(registrar.events(), "request.malformed", "service", "sip"), 1000u);
    expect_valid_events(registrar.events());
  }
}

TEST_F(SippRegister, IdleTcpConnectionsAreClosed) {
  Config c = config(false);
  c.tcp_idle_timeout = std::chrono::milliseconds(500);
  RunningRegistrar registrar(lab_->ns("srv"), c);
  NetnsGuard inside(lab_->ns("cli"));
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(5060);
  inet_pton(AF_INET, kServerIp.c_str(), &server.sin_addr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server), 0);
  const std::string half = "REGISTER sip:198.18.7.1 SIP/2.0\r\n";
  ASSERT_EQ(write(fd, half.data(), half.size()), static_cast<ssize_t>(half.size()));
  timeval wait{3, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  char byte;
  // 0 is the server's close; the 3 s receive timeout would give -1 (EAGAIN) instead.
  EXPECT_EQ(read(fd, &byte, 1), 0);
  close(fd);
}

} // namespace
} // namespace phonerig::services::sip
