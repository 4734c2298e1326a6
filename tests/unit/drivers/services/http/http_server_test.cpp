// The HTTP shell over loopback (no root): keep-alive, pipelining, the 400 that closes a
// connection while the server goes on, the header limit and the idle timeout.
#include "drivers/services/http/server.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace phonerig::services::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class HttpServerTest : public ::testing::Test {
 protected:
  void start(Config config = {}) {
    store_ = *files::FileStore::open({});
    store_->set("SEP001E4A93748B.cnf.xml", files::make_content("<device/>"));
    config.address = *wire::Ipv4::parse("127.0.0.1");
    config.port = 0;
    config.store = store_;
    auto server = Server::start(io_.get_executor(), config, events_);
    ASSERT_TRUE(server) << server.error().message;
    server_ = std::move(*server);
    work_.emplace(io_.get_executor());
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (server_) server_->stop();
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
    for (const api::Event& e : events_.events()) {
      auto valid = api::validate(e);
      EXPECT_TRUE(valid) << api::to_string(e) << ": " << valid.error().message;
    }
  }

  tcp::socket connect() {
    tcp::socket socket(client_io_);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    return socket;
  }

  // Everything the server sends until it closes the connection (or `deadline`).
  static std::string read_all(tcp::socket& socket) {
    std::string out;
    boost::system::error_code ec;
    char buffer[4096];
    for (;;) {
      const std::size_t n = socket.read_some(asio::buffer(buffer), ec);
      if (ec) break;
      out.append(buffer, n);
    }
    return out;
  }

  static std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
      ++n;
    }
    return n;
  }

  asio::io_context io_;
  asio::io_context client_io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::thread thread_;
  api::CollectingSink events_;
  std::shared_ptr<files::FileStore> store_;
  std::unique_ptr<Server> server_;
};

TEST_F(HttpServerTest, AnnouncesWhereItListens) {
  start();
  ASSERT_EQ(events_.count("service.listening"), 1u);
  EXPECT_EQ(server_->where().at(0), "tcp 127.0.0.1:" + std::to_string(server_->port()));
}

TEST_F(HttpServerTest, AnswersPipelinedRequestsOnOneConnection) {
  start();
  tcp::socket socket = connect();
  const std::string requests =
      "GET /SEP001E4A93748B.cnf.xml HTTP/1.1\r\nHost: a\r\n\r\n"
      "HEAD /SEP001E4A93748B.cnf.xml HTTP/1.1\r\nHost: a\r\n\r\n"
      "GET /missing.xml HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
  asio::write(socket, asio::buffer(requests));
  const std::string replies = read_all(socket);
  EXPECT_EQ(count(replies, "HTTP/1.1 200 OK"), 2u);
  EXPECT_EQ(count(replies, "HTTP/1.1 404 Not Found"), 1u);
  EXPECT_EQ(count(replies, "<device/>"), 1u);  // HEAD has no body
  EXPECT_EQ(events_.count("http.get"), 2u);
  EXPECT_EQ(events_.count("http.status"), 3u);
  EXPECT_EQ(events_.count("file.missing"), 1u);
  for (const api::Event& e : events_.events()) {
    if (e.kind == "http.get") {
      EXPECT_EQ(e.phone, wire::Mac::parse("00:1e:4a:93:74:8b"));
      break;
    }
  }
}

TEST_F(HttpServerTest, AMalformedRequestGets400TheConnectionClosesAndTheServerGoesOn) {
  start();
  tcp::socket bad = connect();
  asio::write(bad, asio::buffer(std::string("GET / HTTP/1.1\nHost: a\n\n")));  // bare LF
  const std::string reply = read_all(bad);
  EXPECT_EQ(reply.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << reply;
  EXPECT_EQ(events_.count("request.malformed"), 1u);
  tcp::socket good = connect();
  asio::write(good, asio::buffer(std::string(
                        "GET /SEP001E4A93748B.cnf.xml HTTP/1.1\r\nConnection: close\r\n\r\n")));
  EXPECT_NE(read_all(good).find("<device/>"), std::string::npos);
}

TEST_F(HttpServerTest, AHeaderSectionOverTheLimitIs400) {
  Config config;
  config.max_header_bytes = 512;
  start(config);
  tcp::socket socket = connect();
  const std::string request =
      "GET /SEP001E4A93748B.cnf.xml HTTP/1.1\r\nX-Long: " + std::string(1000, 'a') + "\r\n\r\n";
  boost::system::error_code ec;
  asio::write(socket, asio::buffer(request), ec);
  EXPECT_EQ(read_all(socket).rfind("HTTP/1.1 400", 0), 0u);
}

TEST_F(HttpServerTest, AnIdleConnectionIsClosed) {
  Config config;
  config.idle_timeout = std::chrono::milliseconds(200);
  start(config);
  tcp::socket socket = connect();
  // read_all returns at the server's close; with no idle timeout it would block until
  // ctest's own timeout, so reaching the checks at all is the proof.
  EXPECT_EQ(read_all(socket), "");
  EXPECT_EQ(server_->connections(), 0u);
}

TEST_F(HttpServerTest, ServesALargeRootFileInChunks) {
  const std::string dir = ::testing::TempDir() + "phonerig-http-root-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  std::string big(3 * 1024 * 1024 + 17, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 + i / 977);
  {
    std::ofstream(dir + "/rootfs88xx.sbn", std::ios::binary) << big;
  }
  Config config;
  start(config);
  // start() made a virtual-only store; serve the folder through a second server.
  auto rooted = files::FileStore::open(dir);
  ASSERT_TRUE(rooted);
  config.store = *rooted;
  config.address = *wire::Ipv4::parse("127.0.0.1");
  config.port = 0;
  auto second = Server::start(io_.get_executor(), config, events_);
  ASSERT_TRUE(second);
  tcp::socket socket(client_io_);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), (*second)->port()));
  asio::write(socket,
              asio::buffer(std::string("GET /rootfs88xx.sbn HTTP/1.1\r\nConnection: close\r\n\r\n")));
  const std::string reply = read_all(socket);
  const std::size_t body = reply.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  EXPECT_NE(reply.find("Content-length: " + std::to_string(big.size())), std::string::npos);
  EXPECT_TRUE(reply.compare(body + 4, std::string::npos, big) == 0);
  (*second)->stop();
  std::filesystem::remove_all(dir);
}

TEST(HttpServerStart, RefusesAMissingStatusOtherThan404Or503) {
  asio::io_context io;
  api::NullSink sink;
  Config config;
  config.store = *files::FileStore::open({});
  config.missing_status = 500;
  auto server = Server::start(io.get_executor(), config, sink);
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().fault, api::Fault::config);
}

TEST(HttpServerStart, NamesTheAddressWhenItCannotListen) {
  asio::io_context io;
  api::NullSink sink;
  Config config;
  config.store = *files::FileStore::open({});
  config.address = *wire::Ipv4::parse("192.0.2.1");  // not ours
  config.port = 6970;
  auto server = Server::start(io.get_executor(), config, sink);
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().fault, api::Fault::rig);
  EXPECT_NE(server.error().message.find("192.0.2.1:6970"), std::string::npos)
      << server.error().message;
}

}  // namespace
}  // namespace phonerig::services::http
