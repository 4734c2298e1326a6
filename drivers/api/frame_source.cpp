#include "drivers/api/frame_source.hpp"

#include <stdexcept>

namespace phonerig::api {

FrameBatch::FrameBatch(std::size_t frames, std::size_t bytes_per_frame) {
  records_.reserve(frames);
  data_.reserve(frames * bytes_per_frame);
}

void FrameBatch::add(std::int64_t time_ns, std::uint32_t wire_length, wire::Bytes bytes) {
  records_.push_back(
      Record{time_ns, wire_length, static_cast<std::uint32_t>(bytes.size()), data_.size()});
  data_.insert(data_.end(), bytes.begin(), bytes.end());
}

void FrameBatch::truncate(std::size_t count) {
  if (count >= records_.size()) return;
  data_.resize(records_[count].offset);
  records_.resize(count);
}

Frame FrameBatch::operator[](std::size_t index) const {
  if (index >= records_.size()) throw std::out_of_range("FrameBatch: frame index out of range");
  const Record& record = records_[index];
  return Frame{record.time_ns, record.wire_length,
               wire::Bytes(data_.data() + record.offset, record.length)};
}

std::string to_string(const CaptureStats& stats) {
  return "captured " + std::to_string(stats.captured) + ", delivered " +
         std::to_string(stats.delivered) + ", dropped " + std::to_string(stats.dropped()) +
         " (kernel " + std::to_string(stats.kernel_dropped) + ", interface " +
         std::to_string(stats.interface_dropped) + ", queue " +
         std::to_string(stats.queue_dropped) + ")";
}

}  // namespace phonerig::api
