// The bounded hand-over from a capture thread to the executor (DESIGN.md, data flow 3).
// The capture thread must never wait on a slow handler: while the kernel ring fills, the
// kernel drops. So a push never blocks beyond a short critical section; frames that do not
// fit are dropped here and counted, and a run then reports them as the rig's loss.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "drivers/api/frame_source.hpp"

namespace phonerig::capture {

class FrameQueue {
 public:
  // `capacity_frames` bounds memory at about capacity_frames x snaplen bytes.
  explicit FrameQueue(std::size_t capacity_frames);

  FrameQueue(const FrameQueue&) = delete;
  FrameQueue& operator=(const FrameQueue&) = delete;

  // Queues as much of `batch` as fits, keeping capture order; returns the frames dropped.
  std::size_t push(api::FrameBatch batch);
  // Everything queued, oldest first; the queue is empty afterwards.
  std::vector<api::FrameBatch> take_all();

  std::size_t capacity() const { return capacity_; }
  std::size_t queued_frames() const;
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<api::FrameBatch> batches_;
  std::size_t queued_ = 0;
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace phonerig::capture
