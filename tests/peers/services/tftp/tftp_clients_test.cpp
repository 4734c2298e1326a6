// Real TFTP clients against our server, across a veth pair between two namespaces: curl
// (blksize 1428), tftp-hpa (512-byte blocks, so 40 MiB passes the 65535 block wrap) and
// atftp (windowsize 16) download a 40 MiB random file byte-identical; traversal names and a
// missing CTL file get ERRORs; garbage sent to port 69 mid-transfer stops nothing.
// Needs root and curl, tftp (tftp-hpa), atftp, sha256sum; skips otherwise.
#include "drivers/services/tftp/server.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "tests/support/netns.hpp"

namespace phonerig::services::tftp {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using phonerig::testing::NetnsGuard;
using phonerig::testing::NetnsLab;
using phonerig::testing::run_command;

constexpr const char* kServer = "198.18.40.1";
constexpr const char* kClient = "198.18.40.2";
constexpr const char* kBig = "blob40m";
constexpr std::size_t kBigSize = 40u << 20;

bool have(const std::string& tool) {
  return run_command({"sh", "-c", "command -v " + tool}).status == 0;
}

std::string sha256(const fs::path& path) {
  auto r = run_command({"sha256sum", path.string()});
  return r.out.substr(0, r.out.find(' '));
}

class TftpClients : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) {
      skip_ = "needs root";
      return;
    }
    for (const char* tool : {"curl", "tftp", "atftp", "sha256sum"}) {
      if (!have(tool)) {
        skip_ = std::string(tool) + " not installed";
        return;
      }
    }
    dir_ = fs::path("/dev/shm") / ("phonerig-tftp-peers-" + std::to_string(getpid()));
    fs::create_directories(dir_ / "root");
    fs::create_directories(dir_ / "out");
    lab_ = new NetnsLab("tftc");
    lab_->add("srv");
    lab_->add("cli");
    const auto cable = lab_->connect("srv", "cli", std::string(kServer) + "/24",
                                     std::string(kClient) + "/24");
    store_ = new std::shared_ptr<files::FileStore>(*files::FileStore::open(dir_ / "root"));
    (*store_)->set("SEP001E4A93748B.cnf.xml", files::make_content("<device/>"));
    Config config;
    config.address = *wire::Ipv4::parse(kServer);
    config.interface = cable.a_if;  // SO_BINDTODEVICE
    config.store = *store_;
    io_ = new asio::io_context;
    {
      // Transfer sockets are opened on the io thread: it must live in the server namespace.
      NetnsGuard guard(lab_->ns("srv"));
      auto server = Server::start(io_->get_executor(), config, events_);
      if (!server) {
        skip_ = "server did not start: " + server.error().message;
        return;
      }
      server_ = server->release();
      work_ = new asio::executor_work_guard<asio::io_context::executor_type>(io_->get_executor());
      thread_ = new std::thread([] { io_->run(); });
    }
  }

  static void TearDownTestSuite() {
    if (server_ != nullptr) server_->stop();
    delete work_;
    if (io_ != nullptr) io_->stop();
    if (thread_ != nullptr) {
      thread_->join();
      delete thread_;
    }
    delete server_;
    delete io_;
    delete store_;
    delete lab_;
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
  }

  void TearDown() override {
    for (const api::Event& e : events_.events()) {
      auto valid = api::validate(e);
      EXPECT_TRUE(valid) << api::to_string(e) << ": " << valid.error().message;
    }
  }

  // The 40 MiB file, made by the first test that needs it (ctest runs each test alone).
  static void make_big_file() {
    if (!big_hash_.empty()) return;
    std::mt19937_64 random(20261125);
    std::vector<std::uint64_t> words(kBigSize / 8);
    for (auto& word : words) word = random();
    std::ofstream(dir_ / "root" / kBig, std::ios::binary)
        .write(reinterpret_cast<const char*>(words.data()), static_cast<std::streamsize>(kBigSize));
    big_hash_ = sha256(dir_ / "root" / kBig);
  }

  static phonerig::testing::CommandResult client(std::vector<std::string> argv) {
    return lab_->exec("cli", argv);
  }

  fs::path out(const std::string& name) {
    const fs::path path = dir_ / "out" / name;
    fs::remove(path);
    return path;
  }

  // The tftp.done of `file` since `mark` events.
  std::optional<api::Event> done_after(std::size_t mark, const std::string& file) {
    phonerig::testing::wait_until([&] {
      auto all = events_.events();
      for (std::size_t i = mark; i < all.size(); ++i) {
        if (all[i].kind == "tftp.done" && all[i].string_attr("file") == file) return true;
      }
      return false;
    });
    auto all = events_.events();
    for (std::size_t i = mark; i < all.size(); ++i) {
      if (all[i].kind == "tftp.done" && all[i].string_attr("file") == file) return all[i];
    }
    return std::nullopt;
  }

  static inline std::string skip_;
  static inline fs::path dir_;
  static inline std::string big_hash_;
  static inline NetnsLab* lab_ = nullptr;
  static inline std::shared_ptr<files::FileStore>* store_ = nullptr;
  static inline asio::io_context* io_ = nullptr;
  static inline asio::executor_work_guard<asio::io_context::executor_type>* work_ = nullptr;
  static inline std::thread* thread_ = nullptr;
  static inline Server* server_ = nullptr;
  static inline api::CollectingSink events_;
};

TEST_F(TftpClients, CurlDownloads40MiBWithBlksize1428) {
  make_big_file();
  const std::size_t mark = events_.events().size();
  const fs::path local = out("curl.bin");
  auto r = client({"curl", "-sS", "--max-time", "60", "--tftp-blksize", "1428", "-o",
                   local.string(), std::string("tftp://") + kServer + "/" + kBig});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(sha256(local), big_hash_);
  auto done = done_after(mark, kBig);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->integer_attr("bytes"), static_cast<std::int64_t>(kBigSize));
  EXPECT_EQ(done->integer_attr("blocks"), static_cast<std::int64_t>(kBigSize / 1428 + 1));
}

TEST_F(TftpClients, TftpHpaDownloads40MiBIn512ByteBlocksPastTheWrapWhileGarbageArrives) {
  make_big_file();
  const std::size_t mark = events_.events().size();
  const std::size_t malformed_before = events_.count("request.malformed");
  // Garbage to port 69 from the client namespace for as long as the download runs.
  std::atomic<bool> running{true};
  std::atomic<int> sent{0};
  std::thread sprayer([&] {
    asio::io_context io;
    std::optional<asio::ip::udp::socket> socket;
    {
      NetnsGuard guard(lab_->ns("cli"));
      socket.emplace(io, asio::ip::udp::endpoint(asio::ip::udp::v4(), 0));
    }
    const asio::ip::udp::endpoint to(asio::ip::make_address(kServer), 69);
    const std::vector<std::vector<std::uint8_t>> garbage = {
        {0x00, 0x01, 'b', 'l', 'o', 'b'},  // RRQ without its NULs
        {0xde, 0xad, 0xbe, 0xef},
        {0x00},
        {0x00, 0x04, 0x00, 0x01},  // an ACK to the request port
    };
    while (running) {
      boost::system::error_code ec;
      socket->send_to(asio::buffer(garbage[sent % garbage.size()]), to, 0, ec);
      ++sent;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  const fs::path local = out("tftp-hpa.bin");
  auto r = client({"timeout", "90", "tftp", "-m", "binary", kServer, "-c", "get", kBig,
                   local.string()});
  running = false;
  sprayer.join();
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(sha256(local), big_hash_);
  auto done = done_after(mark, kBig);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->integer_attr("blocks"), static_cast<std::int64_t>(kBigSize / 512 + 1));
  EXPECT_GT(sent.load(), 0);
  phonerig::testing::wait_until([&] {
    return events_.count("request.malformed") >= malformed_before + sent.load();
  });
  EXPECT_EQ(events_.count("request.malformed"), malformed_before + sent.load());
}

TEST_F(TftpClients, AtftpDownloads40MiBWithWindowsize16) {
  make_big_file();
  const std::size_t mark = events_.events().size();
  const fs::path local = out("atftp-ws16.bin");
  auto r = client({"timeout", "60", "atftp", "--get", "-r", kBig, "-l", local.string(),
                   "--option", "windowsize 16", "--option", "blksize 1428", kServer});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(sha256(local), big_hash_);
  auto done = done_after(mark, kBig);
  ASSERT_TRUE(done);
  // The request carried the window, and no block had to be sent twice.
  for (const api::Event& e : events_.events()) {
    if (e.kind == "tftp.rrq" && e.integer_attr("windowsize")) {
      EXPECT_EQ(e.integer_attr("windowsize"), 16);
    }
  }
}

TEST_F(TftpClients, AtftpDownloadsASmallFileWithDefaultOptions) {
  const fs::path local = out("atftp-small.bin");
  auto r = client({"timeout", "20", "atftp", "--get", "-r", "SEP001E4A93748B.cnf.xml", "-l",
                   local.string(), kServer});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  std::ifstream in(local, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "<device/>");
}

TEST_F(TftpClients, TraversalNamesGetAnError) {
  // curl: 69 is CURLE_TFTP_PERM (ERROR 2), 68 CURLE_TFTP_NOTFOUND (ERROR 1).
  auto dotdot = client({"curl", "-sS", "--path-as-is", "--max-time", "10", "-o",
                        out("x1").string(), std::string("tftp://") + kServer + "/../etc/passwd"});
  EXPECT_EQ(dotdot.status, 69) << dotdot.err;
  // A leading '/' names the root's etc/passwd, which is not there.
  auto absolute = client({"curl", "-sS", "--max-time", "10", "-o", out("x2").string(),
                          std::string("tftp://") + kServer + "//etc/passwd"});
  EXPECT_TRUE(absolute.status == 68 || absolute.status == 69) << absolute.status << absolute.err;
  auto hpa = client({"timeout", "10", "tftp", "-m", "binary", kServer, "-c", "get",
                     "../etc/passwd", out("x3").string()});
  EXPECT_NE((hpa.out + hpa.err).find("Error code 2"), std::string::npos) << hpa.out << hpa.err;
  auto hpa_abs = client({"timeout", "10", "tftp", "-m", "binary", kServer, "-c", "get",
                         "/etc/passwd", out("x4").string()});
  EXPECT_NE((hpa_abs.out + hpa_abs.err).find("Error code"), std::string::npos)
      << hpa_abs.out << hpa_abs.err;
  for (const char* name : {"x1", "x2", "x3", "x4"}) {
    std::error_code ec;
    EXPECT_EQ(fs::file_size(dir_ / "out" / name, ec) > 0 && !ec, false) << name;
  }
}

TEST_F(TftpClients, AMissingCtlFileIsFileNotFound) {
  const std::size_t missing_before = events_.count("file.missing");
  auto r = client({"curl", "-sS", "--max-time", "10", "-o", out("ctl").string(),
                   std::string("tftp://") + kServer + "/CTLSEP001E4A93748B.tlv"});
  EXPECT_EQ(r.status, 68) << r.err;  // CURLE_TFTP_NOTFOUND: ERROR 1
  auto hpa = client({"timeout", "10", "tftp", "-m", "binary", kServer, "-c", "get",
                     "CTLSEP001E4A93748B.tlv", out("ctl2").string()});
  EXPECT_NE((hpa.out + hpa.err).find("Error code 1: File not found"), std::string::npos)
      << hpa.out << hpa.err;
  ASSERT_TRUE(phonerig::testing::wait_until(
      [&] { return events_.count("file.missing") >= missing_before + 2; }));
  bool seen = false;
  for (const api::Event& e : events_.events()) {
    if (e.kind != "file.missing" || e.string_attr("file") != "CTLSEP001E4A93748B.tlv") continue;
    seen = true;
    EXPECT_EQ(e.string_attr("file"), "CTLSEP001E4A93748B.tlv");
    EXPECT_EQ(e.string_attr("reason"), "not found");
    EXPECT_EQ(e.phone, wire::Mac::parse("00:1e:4a:93:74:8b"));
  }
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace phonerig::services::tftp
