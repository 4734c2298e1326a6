#include "drivers/capture/frame_queue.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace phonerig::capture {
namespace {

api::FrameBatch batch_of(std::size_t count, std::int64_t first_time = 0) {
  api::FrameBatch batch;
  for (std::size_t i = 0; i < count; ++i) {
    const wire::ByteVector bytes(10 + i, static_cast<std::uint8_t>(i));
    batch.add(first_time + static_cast<std::int64_t>(i), static_cast<std::uint32_t>(60 + i),
              bytes);
  }
  return batch;
}

TEST(FrameBatch, KeepsEachFramesBytesStampAndWireLength) {
  api::FrameBatch batch = batch_of(3, 100);
  ASSERT_EQ(batch.size(), 3u);
  const api::Frame second = batch[1];
  EXPECT_EQ(second.time_ns, 101);
  EXPECT_EQ(second.wire_length, 61u);
  ASSERT_EQ(second.bytes.size(), 11u);
  EXPECT_EQ(second.bytes[0], 1);
  EXPECT_TRUE(second.truncated());
  std::size_t seen = 0;
  for (const api::Frame frame : batch) EXPECT_EQ(frame.time_ns, 100 + static_cast<int>(seen++));
  EXPECT_EQ(seen, 3u);
}

TEST(FrameBatch, TruncateKeepsTheFirstFramesIntact) {
  api::FrameBatch batch = batch_of(5);
  batch.truncate(2);
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch[1].bytes.size(), 11u);
  EXPECT_THROW(batch[2], std::out_of_range);
}

TEST(FrameQueue, HandsOverBatchesInCaptureOrder) {
  FrameQueue queue(100);
  EXPECT_EQ(queue.push(batch_of(3, 0)), 0u);
  EXPECT_EQ(queue.push(batch_of(2, 10)), 0u);
  EXPECT_EQ(queue.queued_frames(), 5u);
  auto batches = queue.take_all();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0][0].time_ns, 0);
  EXPECT_EQ(batches[1][0].time_ns, 10);
  EXPECT_EQ(queue.queued_frames(), 0u);
  EXPECT_EQ(queue.dropped(), 0u);
}

TEST(FrameQueue, CountsWhatDoesNotFitAsDroppedInsteadOfWaiting) {
  FrameQueue queue(4);
  EXPECT_EQ(queue.push(batch_of(3)), 0u);
  EXPECT_EQ(queue.push(batch_of(3, 10)), 2u);  // one fits
  EXPECT_EQ(queue.push(batch_of(1, 20)), 1u);  // full
  EXPECT_EQ(queue.dropped(), 3u);
  auto batches = queue.take_all();
  ASSERT_EQ(batches.size(), 2u);
  ASSERT_EQ(batches[1].size(), 1u);
  EXPECT_EQ(batches[1][0].time_ns, 10);
  EXPECT_EQ(queue.push(batch_of(4)), 0u);  // room again once taken
}

TEST(FrameQueue, LosesNoFrameBetweenAProducerThreadAndAConsumer) {
  FrameQueue queue(1'000'000);
  constexpr int kBatches = 2000;
  std::thread producer([&] {
    for (int i = 0; i < kBatches; ++i) queue.push(batch_of(5, i * 5));
  });
  std::int64_t expected = 0;
  while (expected < kBatches * 5) {
    for (const auto& batch : queue.take_all()) {
      for (const api::Frame frame : batch) ASSERT_EQ(frame.time_ns, expected++);
    }
  }
  producer.join();
  EXPECT_EQ(queue.dropped(), 0u);
}

}  // namespace
}  // namespace phonerig::capture
