// A gtest fixture for the capture lab tests: a fresh VethLab per test (removed in TearDown
// and by its destructor, also after a failed assertion), a sender on one end, a LiveCapture
// opened inside the namespace on the other, and an io_context run on the test's thread.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "drivers/capture/live_capture.hpp"
#include "tests/lab/capture/veth_lab.hpp"

namespace phonerig::capture::lab {

struct CopiedFrame {
  std::int64_t time_ns = 0;
  std::uint32_t wire_length = 0;
  wire::ByteVector bytes;
};

class CaptureLabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root for network namespaces";
    lab_ = std::make_unique<VethLab>("t");
    sender_ = std::make_unique<RawSender>(lab_->netns(), lab_->sender());
  }

  void TearDown() override {
    capture_.reset();
    sender_.reset();
    lab_.reset();
  }

  LiveCaptureOptions options(std::string filter) const {
    LiveCaptureOptions options;
    options.interface = lab_->receiver();
    options.filter = std::move(filter);
    return options;
  }

  // Opens inside the namespace; the handle keeps capturing there afterwards.
  api::Result<std::unique_ptr<LiveCapture>> try_open(LiveCaptureOptions options) {
    NetnsGuard inside(lab_->netns());
    return LiveCapture::open(io_.get_executor(), std::move(options));
  }

  // Opens and starts `capture_`, recording into ready_, frames_ and end_; `on_batch` runs
  // after each batch is recorded. Returns false (with a test failure) if it cannot open.
  bool start(LiveCaptureOptions options,
             std::function<void(const api::FrameBatch&)> on_batch = {}) {
    auto opened = try_open(std::move(options));
    EXPECT_TRUE(opened) << (opened ? "" : opened.error().message);
    if (!opened) return false;
    capture_ = std::move(opened).value();
    capture_->start({
        [this] { ready_ = true; },
        [this, on_batch](const api::FrameBatch& batch) {
          ++batches_;
          for (const api::Frame frame : batch) {
            frames_.push_back({frame.time_ns, frame.wire_length,
                               wire::ByteVector(frame.bytes.begin(), frame.bytes.end())});
          }
          if (on_batch) on_batch(batch);
        },
        [this](const api::Result<bool>& end) { end_ = end; },
    });
    return true;
  }

  // Runs the io_context until `done` holds or `timeout` passes; returns done().
  bool run_until(const std::function<bool()>& done,
                 std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    // The io_context stops whenever it runs out of work (a previous call's guard gone).
    if (io_.stopped()) io_.restart();
    auto guard = boost::asio::make_work_guard(io_);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.run_for(std::chrono::milliseconds(5));
    }
    return done();
  }

  // Stops the capture and runs the io_context until on_end has been delivered.
  void stop_and_finish() {
    capture_->stop();
    EXPECT_TRUE(run_until([this] { return end_.has_value(); })) << "on_end never ran";
  }

  boost::asio::io_context io_;
  std::unique_ptr<VethLab> lab_;
  std::unique_ptr<RawSender> sender_;
  std::unique_ptr<LiveCapture> capture_;
  bool ready_ = false;
  std::size_t batches_ = 0;
  std::vector<CopiedFrame> frames_;
  std::optional<api::Result<bool>> end_;
};

}  // namespace phonerig::capture::lab
