// curl against our HTTP 6970 server across a veth pair between two namespaces: a virtual
// SEP<MAC>.cnf.xml comes back byte for byte and parses with pugixml, a root file of 8 MiB
// byte-identical, 404 for a missing file (503 from a server configured as CUCM), 403 for a
// traversal, keep-alive reuse, and a malformed request answered 400 while serving goes on.
// Needs root and curl; skips otherwise.
#include "drivers/services/http/server.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <pugixml.hpp>

#include "tests/support/netns.hpp"

namespace phonerig::services::http {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using phonerig::testing::NetnsGuard;
using phonerig::testing::NetnsLab;
using phonerig::testing::run_command;

constexpr const char* kServer = "198.18.41.1";
constexpr const char* kClient = "198.18.41.2";
constexpr const char* kCnf =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<device xsi:type=\"axl:XIPPhone\" ctiid=\"94\" uuid=\"{5cb1ad8f-0e21-4a3c-a4b4-bf2d1a0a7b34}\">\n"
    "  <fullConfig>true</fullConfig>\n"
    "  <deviceProtocol>SIP</deviceProtocol>\n"
    "  <devicePool>\n"
    "    <callManagerGroup>\n"
    "      <members>\n"
    "        <member priority=\"0\"><callManager><processNodeName>198.18.41.1</processNodeName>"
    "<ports><sipPort>5060</sipPort></ports></callManager></member>\n"
    "      </members>\n"
    "    </callManagerGroup>\n"
    "  </devicePool>\n"
    "  <loadInformation>sip88xx.12-0-1MN-113</loadInformation>\n"
    "</device>\n";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class HttpCurl : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) {
      skip_ = "needs root";
      return;
    }
    if (run_command({"sh", "-c", "command -v curl"}).status != 0) {
      skip_ = "curl not installed";
      return;
    }
    dir_ = fs::path("/dev/shm") / ("phonerig-http-peers-" + std::to_string(getpid()));
    fs::create_directories(dir_ / "root");
    fs::create_directories(dir_ / "out");
    {
      std::mt19937 random(6970);
      std::string big(8u << 20, '\0');
      for (char& c : big) c = static_cast<char>(random());
      std::ofstream(dir_ / "root" / "rootfs88xx.12-0-1MN-113.sbn", std::ios::binary) << big;
    }
    lab_ = new NetnsLab("htpc");
    lab_->add("srv");
    lab_->add("cli");
    const auto cable = lab_->connect("srv", "cli", std::string(kServer) + "/24",
                                     std::string(kClient) + "/24");
    store_ = new std::shared_ptr<files::FileStore>(*files::FileStore::open(dir_ / "root"));
    (*store_)->set("SEP001E4A93748B.cnf.xml", files::make_content(kCnf));
    io_ = new asio::io_context;
    NetnsGuard guard(lab_->ns("srv"));
    Config config;
    config.address = *wire::Ipv4::parse(kServer);
    config.interface = cable.a_if;
    config.store = *store_;
    auto server = Server::start(io_->get_executor(), config, events_);
    config.port = 6971;
    config.missing_status = 503;
    auto cucm = Server::start(io_->get_executor(), config, events_);
    if (!server || !cucm) {
      skip_ = "server did not start: " + (server ? cucm.error() : server.error()).message;
      return;
    }
    server_ = server->release();
    cucm_ = cucm->release();
    work_ = new asio::executor_work_guard<asio::io_context::executor_type>(io_->get_executor());
    thread_ = new std::thread([] { io_->run(); });
  }

  static void TearDownTestSuite() {
    if (server_ != nullptr) server_->stop();
    if (cucm_ != nullptr) cucm_->stop();
    delete work_;
    if (io_ != nullptr) io_->stop();
    if (thread_ != nullptr) {
      thread_->join();
      delete thread_;
    }
    delete server_;
    delete cucm_;
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

  static phonerig::testing::CommandResult curl(std::vector<std::string> args) {
    std::vector<std::string> argv{"curl", "-sS", "--max-time", "20"};
    argv.insert(argv.end(), args.begin(), args.end());
    return lab_->exec("cli", argv);
  }
  static std::string url(const std::string& path, int port = 6970) {
    return std::string("http://") + kServer + ":" + std::to_string(port) + path;
  }
  static std::string status_of(const std::string& path, int port = 6970) {
    auto r = curl({"--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", url(path, port)});
    return r.out;
  }

  static inline std::string skip_;
  static inline fs::path dir_;
  static inline NetnsLab* lab_ = nullptr;
  static inline std::shared_ptr<files::FileStore>* store_ = nullptr;
  static inline asio::io_context* io_ = nullptr;
  static inline asio::executor_work_guard<asio::io_context::executor_type>* work_ = nullptr;
  static inline std::thread* thread_ = nullptr;
  static inline Server* server_ = nullptr;
  static inline Server* cucm_ = nullptr;
  static inline api::CollectingSink events_;
};

TEST_F(HttpCurl, ServesAVirtualCnfXmlByteForByteAndItParses) {
  const fs::path local = dir_ / "out" / "cnf.xml";
  auto r = curl({"-o", local.string(), url("/SEP001E4A93748B.cnf.xml")});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string body = read_file(local);
  EXPECT_EQ(body, kCnf);
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_buffer(body.data(), body.size());
  ASSERT_TRUE(parsed) << parsed.description();
  EXPECT_STREQ(doc.child("device").child_value("loadInformation"), "sip88xx.12-0-1MN-113");
  bool seen = false;
  for (const api::Event& e : events_.events()) {
    if (e.kind == "http.get" && e.string_attr("path") == "/SEP001E4A93748B.cnf.xml") {
      seen = true;
      EXPECT_EQ(e.phone, wire::Mac::parse("00:1e:4a:93:74:8b"));
    }
  }
  EXPECT_TRUE(seen);
}

TEST_F(HttpCurl, ServesAnEightMiBRootFileByteIdentical) {
  const fs::path local = dir_ / "out" / "rootfs.sbn";
  auto r = curl({"-o", local.string(), url("/rootfs88xx.12-0-1MN-113.sbn")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(read_file(local) == read_file(dir_ / "root" / "rootfs88xx.12-0-1MN-113.sbn"));
}

TEST_F(HttpCurl, AMissingFileIs404) {
  EXPECT_EQ(status_of("/CTLSEP001E4A93748B.tlv"), "404");
  EXPECT_EQ(status_of("/SEP001E4A93748B.cnf.xml.sgn"), "404");
}

TEST_F(HttpCurl, AMissingFileIs503WhenConfiguredAsCucm) {
  EXPECT_EQ(status_of("/CTLSEP001E4A93748B.tlv", 6971), "503");
  EXPECT_EQ(status_of("/SEP001E4A93748B.cnf.xml", 6971), "200");
}

TEST_F(HttpCurl, ATraversalIsRefused) {
  EXPECT_EQ(status_of("/../etc/passwd"), "403");
  EXPECT_EQ(status_of("/%2e%2e/%2e%2e/etc/passwd"), "403");
  EXPECT_EQ(status_of("/etc/passwd"), "404");
}

TEST_F(HttpCurl, HeadGivesTheLength) {
  auto r = curl({"-I", url("/SEP001E4A93748B.cnf.xml")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Content-length: " + std::to_string(std::string(kCnf).size())),
            std::string::npos)
      << r.out;
}

TEST_F(HttpCurl, KeepAliveServesTwoFilesOnOneConnection) {
  auto r = curl({"-v", "-o", "/dev/null", "-o", "/dev/null", url("/SEP001E4A93748B.cnf.xml"),
                 url("/SEP001E4A93748B.cnf.xml")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("Re-using existing connection"), std::string::npos) << r.err;
}

TEST_F(HttpCurl, AMalformedRequestGets400AndServingGoesOn) {
  const std::size_t before = events_.count("request.malformed");
  std::string reply;
  {
    asio::io_context io;
    std::optional<asio::ip::tcp::socket> socket;
    {
      NetnsGuard guard(lab_->ns("cli"));
      socket.emplace(io);
      socket->connect(asio::ip::tcp::endpoint(asio::ip::make_address(kServer), 6970));
    }
    asio::write(*socket, asio::buffer(std::string("GARBAGE\x01 / HTTP/9\r\n\r\n")));
    boost::system::error_code ec;
    char buffer[1024];
    for (;;) {
      const std::size_t n = socket->read_some(asio::buffer(buffer), ec);
      if (ec) break;
      reply.append(buffer, n);
    }
  }
  EXPECT_EQ(reply.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << reply;
  EXPECT_EQ(events_.count("request.malformed"), before + 1);
  EXPECT_EQ(status_of("/SEP001E4A93748B.cnf.xml"), "200");
}

}  // namespace
}  // namespace phonerig::services::http
