// Shared by the netlink lab tests (label lab: run as root). Each test gets its own prefix
// and ledger; everything it creates lives in namespaces it creates, and TearDown runs the
// ledger cleanup and then checks that neither `ip netns list` nor the host's `ip -o link`
// shows anything with the prefix.
//
// The one Control in the host namespace (host_) only creates namespaces: nothing of a test
// changes the host's own namespace otherwise. Addresses come from 198.18.0.0/15.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "drivers/netlink/cleanup.hpp"
#include "drivers/netlink/control.hpp"
#include "drivers/netlink/error.hpp"
#include "drivers/netlink/ledger.hpp"

namespace phonerig::netlink::lab {

// Runs a shell command we start and wait for; its stdout and stderr.
inline std::string run(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return "popen failed for: " + command;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  ::pclose(pipe);
  return output;
}

inline std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> found;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(needle) != std::string::npos) found.push_back(line);
  }
  return found;
}

inline api::Ipv4Prefix prefix(const char* address, int length) {
  return api::Ipv4Prefix{*wire::Ipv4::parse(address), length};
}

class NetlinkLab : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: network namespaces and netlink changes";
    prefix_ = Naming::random_prefix("nl");
    ledger_ = std::filesystem::temp_directory_path() / ("phonerig-" + prefix_ + "ledger.jsonl");
    auto host = Control::open(io_.get_executor(), ControlOptions{"", prefix_, ledger_});
    ASSERT_TRUE(host) << host.error().message;
    host_ = std::move(*host);
  }

  void TearDown() override {
    if (prefix_.empty()) return;
    host_.reset();
    auto report = cleanup_ledger(ledger_);
    EXPECT_TRUE(report) << report.error().message;
    EXPECT_EQ(leftovers(), std::vector<std::string>{}) << "left behind by " << prefix_;
    EXPECT_FALSE(std::filesystem::exists(ledger_)) << ledger_;
  }

  // `ip netns list` lines and the host's `ip -o link` lines carrying this test's prefix.
  std::vector<std::string> leftovers() const {
    std::vector<std::string> found = lines_with(run("ip netns list"), prefix_);
    for (std::string& line : lines_with(run("ip -o link"), prefix_)) found.push_back(line);
    return found;
  }

  // A namespace of this test, and a Control acting in it.
  api::Lease make_namespace(const std::string& logical) {
    auto lease = host_->add_namespace(logical);
    EXPECT_TRUE(lease) << lease.error().message;
    return lease ? std::move(*lease) : api::Lease();
  }
  std::unique_ptr<Control> control_in(const api::Lease& netns) {
    auto control = Control::open(io_.get_executor(), ControlOptions{netns.name(), prefix_, ledger_});
    EXPECT_TRUE(control) << control.error().message;
    return control ? std::move(*control) : nullptr;
  }

  // A command run inside a namespace, as `ip netns exec NAME ...`.
  static std::string in(const api::Lease& netns, const std::string& command) {
    return run("ip netns exec " + netns.name() + " " + command);
  }

  // Runs the io_context until `done` holds or `limit` passes.
  bool run_until(const std::function<bool()>& done,
                 std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(10));
    }
    return done();
  }

  // Waits until `ip link show` in `netns` says the link's operational state is UP: the
  // kernel settles it (linkwatch) a little after the carrier changes.
  bool wait_state_up(const api::Lease& netns, const std::string& link) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (std::chrono::steady_clock::now() < deadline) {
      if (in(netns, "ip link show " + link).find("state UP") != std::string::npos) return true;
      ::usleep(20'000);
    }
    return false;
  }

  std::string live_ledger_entries() const {
    auto contents = read_ledger(ledger_);
    if (!contents) return contents.error().message;
    std::string text;
    for (const LedgerEntry& entry : contents->live) text += entry.describe() + "; ";
    return text;
  }

  boost::asio::io_context io_;
  std::string prefix_;
  std::filesystem::path ledger_;
  std::unique_ptr<Control> host_;  // only for add_namespace
};

}  // namespace phonerig::netlink::lab
