// The TFTP shell over loopback (no root): a new TID per transfer, ERROR 5 to a stranger,
// garbage on port 69 and inside a transfer, refusals, retransmission on a real timer.
#include "drivers/services/tftp/server.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include <functional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

namespace phonerig::services::tftp {
namespace {

namespace asio = boost::asio;
namespace wt = wire::tftp;
using udp = asio::ip::udp;
using namespace std::chrono_literals;

struct Received {
  wt::Packet packet;
  udp::endpoint from;
};

class Client {
 public:
  explicit Client(asio::io_context& io) : socket_(io, udp::endpoint(udp::v4(), 0)) {}
  void send(const wt::Packet& packet, const udp::endpoint& to) { send_raw(wt::build(packet), to); }
  void send_raw(const wire::ByteVector& bytes, const udp::endpoint& to) {
    socket_.send_to(asio::buffer(bytes), to);
  }
  std::optional<Received> receive(std::chrono::milliseconds wait = 2000ms) {
    pollfd fd{socket_.native_handle(), POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(wait.count())) <= 0) return std::nullopt;
    std::vector<std::uint8_t> buffer(65536);
    Received received;
    const std::size_t n = socket_.receive_from(asio::buffer(buffer), received.from);
    buffer.resize(n);
    auto parsed = wt::parse(buffer);
    if (!parsed) return std::nullopt;
    received.packet = *parsed;
    return received;
  }

 private:
  udp::socket socket_;
};

class TftpServerTest : public ::testing::Test {
 protected:
  void start(Config config = {}) {
    store_ = *files::FileStore::open({});
    std::vector<std::uint8_t> bytes(1300);
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i);
    content_ = bytes;
    store_->set("SEP001E4A93748B.cnf.xml", files::make_content(bytes));
    config.address = *wire::Ipv4::parse("127.0.0.1");
    config.port = 0;
    config.store = store_;
    auto server = Server::start(io_.get_executor(), config, events_);
    ASSERT_TRUE(server) << server.error().message;
    server_ = std::move(*server);
    work_.emplace(io_.get_executor());
    thread_ = std::thread([this] { io_.run(); });
    port69_ = udp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port());
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

  static wt::Request rrq(std::string file) {
    wt::Request request;
    request.filename = std::move(file);
    return request;
  }

  // Reads the whole file lock-step; the bytes, and the TID the server sent from.
  // Blocks before `first` (retransmissions) are acknowledged again and skipped.
  std::pair<std::vector<std::uint8_t>, udp::endpoint> download(Client& client,
                                                               std::uint16_t first = 1) {
    std::vector<std::uint8_t> out;
    udp::endpoint tid;
    std::uint16_t expected = first;
    for (;;) {
      auto got = client.receive();
      if (!got || !std::holds_alternative<wt::Data>(got->packet)) break;
      const auto& data = std::get<wt::Data>(got->packet);
      tid = got->from;
      if (data.block != expected) {
        client.send(wt::Ack{data.block}, got->from);
        continue;
      }
      ++expected;
      out.insert(out.end(), data.payload.begin(), data.payload.end());
      client.send(wt::Ack{data.block}, got->from);
      if (data.payload.size() < 512) break;
    }
    return {out, tid};
  }

  static bool until(const std::function<bool()>& ready) {
    for (int i = 0; i < 150; ++i) {
      if (ready()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return ready();
  }
  bool wait_for_done() {
    return until([&] { return events_.count("tftp.done") == 1; });
  }

  std::optional<wt::Error> error_of(const std::optional<Received>& got) {
    if (!got || !std::holds_alternative<wt::Error>(got->packet)) return std::nullopt;
    return std::get<wt::Error>(got->packet);
  }

  asio::io_context io_;
  asio::io_context client_io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::thread thread_;
  api::CollectingSink events_;
  std::shared_ptr<files::FileStore> store_;
  std::vector<std::uint8_t> content_;
  std::unique_ptr<Server> server_;
  udp::endpoint port69_;
};

TEST_F(TftpServerTest, ServesAFileFromANewTransferId) {
  start();
  Client client(client_io_);
  client.send(rrq("SEP001E4A93748B.cnf.xml"), port69_);
  auto [bytes, tid] = download(client);
  EXPECT_EQ(bytes, content_);
  EXPECT_NE(tid.port(), port69_.port());  // RFC 1350 section 4
  ASSERT_TRUE(wait_for_done());
  EXPECT_EQ(events_.count("tftp.rrq"), 1u);
  EXPECT_EQ(server_->active_transfers(), 0u);
}

TEST_F(TftpServerTest, AStrangerOnTheTransferPortGetsError5AndTheTransferGoesOn) {
  start();
  Client client(client_io_);
  Client stranger(client_io_);
  client.send(rrq("SEP001E4A93748B.cnf.xml"), port69_);
  auto first = client.receive();
  ASSERT_TRUE(first);
  stranger.send(wt::Ack{1}, first->from);
  auto error = error_of(stranger.receive());
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, wt::ErrorCode::unknown_transfer_id);
  client.send(wt::Ack{1}, first->from);
  auto second = client.receive();
  ASSERT_TRUE(second);
  ASSERT_TRUE(std::holds_alternative<wt::Data>(second->packet));
  EXPECT_EQ(std::get<wt::Data>(second->packet).block, 2);
}

TEST_F(TftpServerTest, GarbageOnPort69IsAnsweredWithError4AndServingGoesOn) {
  start();
  Client client(client_io_);
  client.send_raw({0x00, 0x01, 'a', 'b'}, port69_);  // RRQ cut short
  auto error = error_of(client.receive());
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, wt::ErrorCode::illegal_operation);
  client.send_raw({0xff}, port69_);
  client.receive();
  EXPECT_EQ(events_.count("request.malformed"), 2u);
  client.send(rrq("SEP001E4A93748B.cnf.xml"), port69_);
  EXPECT_EQ(download(client).first, content_);
}

TEST_F(TftpServerTest, GarbageInsideATransferIsIgnored) {
  start();
  Client client(client_io_);
  client.send(rrq("SEP001E4A93748B.cnf.xml"), port69_);
  auto first = client.receive();
  ASSERT_TRUE(first);
  client.send_raw({0x00, 0x04, 0x00}, first->from);
  client.send_raw({}, first->from);
  client.send(wt::Ack{1}, first->from);
  auto second = client.receive();
  ASSERT_TRUE(second);
  ASSERT_TRUE(std::holds_alternative<wt::Data>(second->packet));
  EXPECT_EQ(std::get<wt::Data>(second->packet).block, 2);
}

TEST_F(TftpServerTest, AMissingFileIsError1WithFileMissingEvent) {
  start();
  Client client(client_io_);
  client.send(rrq("CTLSEP001E4A93748B.tlv"), port69_);
  auto error = error_of(client.receive());
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, wt::ErrorCode::file_not_found);
  ASSERT_TRUE(until([&] { return events_.count("file.missing") == 1; }));
  for (const api::Event& e : events_.events()) {
    if (e.kind != "file.missing") continue;
    EXPECT_EQ(e.string_attr("reason"), "not found");
    EXPECT_EQ(e.string_attr("transport"), "tftp");
    EXPECT_EQ(e.phone, wire::Mac::parse("00:1e:4a:93:74:8b"));
  }
}

TEST_F(TftpServerTest, AWriteRequestIsRefused) {
  start();
  Client client(client_io_);
  wt::Request wrq = rrq("upload.bin");
  wrq.write = true;
  client.send(wrq, port69_);
  auto error = error_of(client.receive());
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, wt::ErrorCode::access_violation);
}

TEST_F(TftpServerTest, ALostAckIsRecoveredByRetransmission) {
  Config config;
  config.limits.retransmit_timeout = 100ms;
  start(config);
  Client client(client_io_);
  client.send(rrq("SEP001E4A93748B.cnf.xml"), port69_);
  auto first = client.receive();
  ASSERT_TRUE(first);
  auto again = client.receive(1000ms);  // we did not ACK: DATA 1 comes again
  ASSERT_TRUE(again);
  ASSERT_TRUE(std::holds_alternative<wt::Data>(again->packet));
  EXPECT_EQ(std::get<wt::Data>(again->packet).block, 1);
  client.send(wt::Ack{1}, again->from);
  client.send(wt::Ack{1}, again->from);  // a duplicate: no DATA 2 twice
  auto rest = download(client, 2);
  EXPECT_EQ(rest.first.size(), 1300u - 512u);
  ASSERT_TRUE(wait_for_done());
  for (const api::Event& e : events_.events()) {
    if (e.kind == "tftp.done") {
      EXPECT_GE(e.integer_attr("retransmits").value_or(0), 1);
      EXPECT_EQ(e.integer_attr("bytes"), 1300);
      EXPECT_EQ(e.integer_attr("blocks"), 3);
    }
  }
}

TEST_F(TftpServerTest, ASilentClientIsGivenUpOn) {
  Config config;
  config.limits.retransmit_timeout = 50ms;
  config.limits.max_retransmits = 2;
  start(config);
  Client client(client_io_);
  client.send(rrq("SEP001E4A93748B.cnf.xml"), port69_);
  ASSERT_TRUE(until([&] { return events_.count("tftp.error") == 1; }));
  EXPECT_EQ(server_->active_transfers(), 0u);
}

TEST(TftpServerStart, NamesTheAddressWhenItCannotBind) {
  asio::io_context io;
  api::NullSink sink;
  Config config;
  config.store = *files::FileStore::open({});
  config.address = *wire::Ipv4::parse("192.0.2.1");
  config.port = 69;
  auto server = Server::start(io.get_executor(), config, sink);
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().fault, api::Fault::rig);
  EXPECT_NE(server.error().message.find("192.0.2.1:69"), std::string::npos)
      << server.error().message;
}

}  // namespace
}  // namespace phonerig::services::tftp
