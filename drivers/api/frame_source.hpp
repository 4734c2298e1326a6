// FrameSource: where the frames the engine decodes come from (DESIGN.md, "Data flow" item 3).
// A live capture on a rig interface and a pcap/pcapng file read by `phonerig analyze` are
// the same interface, so the decoder and the engine never know which one they are fed by.
//
// Completions (ready, frames, end) run on the executor the implementation was given, in
// that order. Give a strand when the io_context runs on more than one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/api/result.hpp"
#include "drivers/wire/bytes.hpp"
#include "drivers/wire/link.hpp"

namespace phonerig::api {

// One captured frame. `bytes` points into the FrameBatch that delivered it and is valid
// only while the batch handler runs: copy what must outlive it.
struct Frame {
  std::int64_t time_ns = 0;       // CLOCK_REALTIME; the kernel's capture stamp when live
  std::uint32_t wire_length = 0;  // the frame's length on the wire (pcap len)
  wire::Bytes bytes;              // what was captured (pcap caplen <= wire_length)

  bool truncated() const { return bytes.size() < wire_length; }
};

// Frames handed over together: one allocation for the bytes of many frames, so the
// capture thread does not allocate per packet.
class FrameBatch {
 public:
  FrameBatch() = default;
  // Reserves room for about `frames` frames of `bytes_per_frame` bytes.
  FrameBatch(std::size_t frames, std::size_t bytes_per_frame);

  void add(std::int64_t time_ns, std::uint32_t wire_length, wire::Bytes bytes);
  // Keeps the first `count` frames (the queue cuts a batch that does not fit).
  void truncate(std::size_t count);

  std::size_t size() const { return records_.size(); }
  bool empty() const { return records_.empty(); }
  Frame operator[](std::size_t index) const;

  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Frame;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Frame;

    Iterator(const FrameBatch* batch, std::size_t index) : batch_(batch), index_(index) {}
    Frame operator*() const { return (*batch_)[index_]; }
    Iterator& operator++() {
      ++index_;
      return *this;
    }
    Iterator operator++(int) {
      Iterator before = *this;
      ++index_;
      return before;
    }
    bool operator==(const Iterator& other) const { return index_ == other.index_; }

   private:
    const FrameBatch* batch_;
    std::size_t index_;
  };
  Iterator begin() const { return {this, 0}; }
  Iterator end() const { return {this, records_.size()}; }

 private:
  struct Record {
    std::int64_t time_ns;
    std::uint32_t wire_length;
    std::uint32_t length;
    std::size_t offset;
  };
  wire::ByteVector data_;
  std::vector<Record> records_;
};

// What a source saw and lost. A run that says "lost nothing" checks lost_nothing() after
// the source has ended: every drop is the rig's failure, never the phone's.
struct CaptureStats {
  std::uint64_t captured = 0;   // frames read from the kernel (or the file), after the filter
  std::uint64_t delivered = 0;  // frames handed to the batch handler
  std::uint64_t kernel_received = 0;    // pcap_stats ps_recv: passed the filter in the kernel
  std::uint64_t kernel_dropped = 0;     // pcap_stats ps_drop: no room in the kernel's ring
  std::uint64_t interface_dropped = 0;  // pcap_stats ps_ifdrop: dropped by the NIC or driver
  std::uint64_t queue_dropped = 0;      // ours: the queue to the executor was full

  std::uint64_t dropped() const { return kernel_dropped + interface_dropped + queue_dropped; }
  bool lost_nothing() const { return dropped() == 0; }
};

// "captured 30000, delivered 30000, dropped 0 (kernel 0, interface 0, queue 0)"
std::string to_string(const CaptureStats& stats);

struct FrameHandlers {
  // Once, when the source is confirmed receiving: from then on no frame that reaches the
  // interface is missed. The engine powers nothing before this (DESIGN.md, data flow 3).
  std::function<void()> on_ready;
  // Zero or more times, in capture order.
  std::function<void(const FrameBatch&)> on_frames;
  // Once, after the last batch: a value when stopped or at the end of a file, an error
  // when the source failed (the interface went away, a file is truncated).
  std::function<void(const Result<bool>&)> on_end;
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;

  // The interface or file, as errors and reports name it.
  virtual const std::string& name() const = 0;
  virtual wire::LinkType link_type() const = 0;
  virtual std::uint32_t snaplen() const = 0;

  // Starts delivering to `handlers`; call once. Handlers not set are not called.
  virtual void start(FrameHandlers handlers) = 0;
  // Stops reading; frames already read are still delivered, then on_end. Idempotent.
  virtual void stop() = 0;
  // Safe from any thread. Final once on_end has run.
  virtual CaptureStats stats() const = 0;
};

}  // namespace phonerig::api
