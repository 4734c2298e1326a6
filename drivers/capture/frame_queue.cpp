#include "drivers/capture/frame_queue.hpp"

#include <utility>

namespace phonerig::capture {

FrameQueue::FrameQueue(std::size_t capacity_frames) : capacity_(capacity_frames) {}

std::size_t FrameQueue::push(api::FrameBatch batch) {
  std::size_t dropped = 0;
  {
    std::lock_guard lock(mutex_);
    const std::size_t room = capacity_ - queued_;
    if (batch.size() > room) {
      dropped = batch.size() - room;
      batch.truncate(room);
    }
    if (!batch.empty()) {
      queued_ += batch.size();
      batches_.push_back(std::move(batch));
    }
  }
  if (dropped != 0) dropped_.fetch_add(dropped, std::memory_order_relaxed);
  return dropped;
}

std::vector<api::FrameBatch> FrameQueue::take_all() {
  std::vector<api::FrameBatch> out;
  std::lock_guard lock(mutex_);
  out.swap(batches_);
  queued_ = 0;
  return out;
}

std::size_t FrameQueue::queued_frames() const {
  std::lock_guard lock(mutex_);
  return queued_;
}

}  // namespace phonerig::capture
