// The drop counters a run reads to say it lost nothing: zero at a steady 10k frames/s, and
// our own queue's drops counted (without stalling the capture thread) when a handler falls
// behind. Rates here are loads, not timed pass/fail figures: tests/bench measures those.
#include <atomic>
#include <thread>

#include "tests/lab/capture/capture_fixture.hpp"

namespace phonerig::capture::lab {
namespace {

using CaptureDropsLab = CaptureLabTest;

constexpr std::uint16_t kSip = 5060;

TEST_F(CaptureDropsLab, ReadsZeroDropsAtASteadyTenThousandFramesPerSecond) {
  ASSERT_TRUE(start(options("udp dst port 5060")));
  ASSERT_TRUE(run_until([this] { return ready_; }));

  constexpr std::size_t kFrames = 30'000;  // 3 s at 10k/s
  std::size_t refused = 0;
  std::int64_t sending_ns = 0;
  std::thread sending([&] {
    const std::int64_t begin = monotonic_ns();
    refused = send_paced(*sender_, kFrames, 10'000, [](std::size_t i) {
      return test_frame(static_cast<std::uint32_t>(i), kSip, kPhoneA, 200);
    });
    sending_ns = monotonic_ns() - begin;
  });
  run_until([this] { return frames_.size() >= kFrames; }, std::chrono::seconds(10));
  sending.join();
  run_until([this] { return frames_.size() >= kFrames; }, std::chrono::seconds(1));
  stop_and_finish();

  const api::CaptureStats stats = capture_->stats();
  std::cout << "sent " << kFrames << " frames in " << static_cast<double>(sending_ns) / 1e9
            << " s (" << static_cast<double>(kFrames) * 1e9 / static_cast<double>(sending_ns)
            << " frames/s), snaplen " << capture_->snaplen() << ", buffer "
            << capture_->options().buffer_bytes << " bytes; " << api::to_string(stats) << "\n";
  EXPECT_EQ(refused, 0u) << "the sender's veth refused frames";
  EXPECT_GT(sending_ns, 2'900'000'000) << "not a steady 10k/s";
  EXPECT_EQ(stats.kernel_dropped, 0u);
  EXPECT_EQ(stats.interface_dropped, 0u);
  EXPECT_EQ(stats.queue_dropped, 0u);
  EXPECT_TRUE(stats.lost_nothing()) << api::to_string(stats);
  EXPECT_EQ(stats.captured, kFrames);
  EXPECT_EQ(stats.delivered, kFrames);
  EXPECT_EQ(stats.kernel_received, kFrames);
  ASSERT_EQ(frames_.size(), kFrames);
  for (std::size_t i = 0; i < frames_.size(); ++i) {
    ASSERT_EQ(sequence_of(frames_[i].bytes), i) << "frames reordered or lost";
    if (i > 0) {
      ASSERT_GE(frames_[i].time_ns, frames_[i - 1].time_ns) << "frame " << i;
    }
  }
}

TEST_F(CaptureDropsLab, CountsQueueDropsWithoutStallingTheCaptureWhenTheHandlerFallsBehind) {
  LiveCaptureOptions slow = options("udp dst port 5060");
  slow.queue_frames = 100;
  // Each batch holds the executor 20 ms: far slower than the 50k frames/s arriving.
  ASSERT_TRUE(start(slow, [](const api::FrameBatch&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }));
  ASSERT_TRUE(run_until([this] { return ready_; }));

  constexpr std::size_t kFrames = 5'000;
  std::size_t refused = 0;
  std::atomic<bool> sent{false};
  std::thread sending([&] {
    refused = send_paced(*sender_, kFrames, 50'000, [](std::size_t i) {
      return test_frame(static_cast<std::uint32_t>(i), kSip);
    });
    sent = true;
  });
  run_until([&] { return sent.load(); }, std::chrono::seconds(5));
  sending.join();
  run_until([this] { return capture_->stats().captured >= kFrames; }, std::chrono::seconds(3));
  stop_and_finish();

  const api::CaptureStats stats = capture_->stats();
  std::cout << api::to_string(stats) << "\n";
  EXPECT_EQ(refused, 0u);
  // The capture thread kept reading: the kernel lost nothing, our queue counted the rest.
  EXPECT_EQ(stats.kernel_dropped, 0u) << api::to_string(stats);
  EXPECT_EQ(stats.captured, kFrames) << api::to_string(stats);
  EXPECT_GT(stats.queue_dropped, 0u);
  EXPECT_EQ(stats.delivered + stats.queue_dropped, stats.captured);
  EXPECT_EQ(frames_.size(), stats.delivered);
  EXPECT_FALSE(stats.lost_nothing());
  // What was delivered is still in capture order.
  for (std::size_t i = 1; i < frames_.size(); ++i) {
    ASSERT_GT(sequence_of(frames_[i].bytes), sequence_of(frames_[i - 1].bytes));
  }
}

}  // namespace
}  // namespace phonerig::capture::lab
