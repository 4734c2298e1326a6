// Live capture on one rig interface with libpcap: a BPF filter, kernel timestamps in
// nanoseconds, read on its own thread and handed to the executor in batches through a
// bounded queue (DESIGN.md, data flow 3), with the kernel's and our own drop counters.
//
// "Confirmed ready" (FrameHandlers::on_ready) means: the handle is activated, so its
// packet socket is bound to the interface and its ring keeps every frame from then on; the
// filter is installed in the kernel; and the capture thread is running and has completed
// its first read of the ring (a non-blocking pcap_dispatch) without error. It does not wait
// for traffic. A frame that reaches the interface after on_ready is captured (the lab test
// sends one from inside on_ready to show it). There is no self-sent probe frame: on a real
// rig the capture port is a switch's mirror (SPAN) port, where the harness must not
// transmit, and the filter may not match any probe we could send.
//
// The handle is non-blocking and the thread waits in its own poll() on the handle and an
// eventfd, so stop() wakes it at once and the kernel's counters are read at least every
// few hundred milliseconds even when no frame arrives (libpcap 1.10's own wait on Linux
// returns only with frames).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "drivers/api/frame_source.hpp"
#include "drivers/api/result.hpp"

namespace phonerig::capture {

// Who stamps a frame. `host`: the kernel, at receipt (CLOCK_REALTIME). `adapter`: the NIC's
// clock synchronised with the system clock, where the NIC and driver offer it.
enum class TimestampSource { host, adapter };
const char* to_string(TimestampSource source);

struct LiveCaptureOptions {
  std::string interface;
  std::string filter;  // BPF in tcpdump syntax; empty captures everything
  // A slot of the kernel ring is about min(snaplen, largest frame) bytes. libpcap sizes the
  // largest frame from the MTU when offloads are off, but as 65535 when GRO/GSO are on, so
  // at its default snaplen (262144) a 4 MiB ring on an offloading NIC holds ~60 frames and
  // drops (DESIGN.md). 2048 bounds the slot whatever the NIC's settings.
  int snaplen = 2048;
  // The kernel ring (pcap_set_buffer_size). 4 MiB holds ~1800 frames at snaplen 2048;
  // twice that rides out a busy host's scheduling hiccups.
  int buffer_bytes = 8 * 1024 * 1024;
  // A SPAN port carries frames not addressed to us. On Linux libpcap reads ps_ifdrop only
  // in promiscuous mode, from /sys/class/net/<interface>/statistics: the sysfs of the
  // process's mount namespace, so a process that entered a lab's network namespace with
  // setns() (without remounting /sys) reads 0 there.
  bool promiscuous = true;
  // `adapter` falls back to `host` where the interface has no hardware stamps; see
  // LiveCapture::timestamp_note().
  TimestampSource timestamps = TimestampSource::host;
  // The queue to the executor; what does not fit is counted in queue_dropped.
  std::size_t queue_frames = 65536;
  // At most this many frames per pcap_dispatch(), so one batch.
  int batch_frames = 1024;
  // The longest the thread waits for frames before it looks at the kernel's counters.
  std::chrono::milliseconds poll_interval{50};
};

class LiveCapture final : public api::FrameSource {
 public:
  // Creates, configures and activates the handle and installs the filter; the thread
  // starts with start(). Errors (Fault::rig, Fault::config for a filter that does not
  // compile) name the interface and carry libpcap's message.
  static api::Result<std::unique_ptr<LiveCapture>> open(boost::asio::any_io_executor executor,
                                                        LiveCaptureOptions options);

  // Stops and joins the capture thread; no handler runs after this. Destroy it on the
  // executor's thread (or while the executor is not running).
  ~LiveCapture() override;
  LiveCapture(const LiveCapture&) = delete;
  LiveCapture& operator=(const LiveCapture&) = delete;

  const std::string& name() const override;
  wire::LinkType link_type() const override;
  std::uint32_t snaplen() const override;
  void start(api::FrameHandlers handlers) override;
  // Joins the capture thread and closes the handle; frames already read are delivered,
  // then on_end with a value.
  void stop() override;
  api::CaptureStats stats() const override;

  const LiveCaptureOptions& options() const;
  TimestampSource timestamp_source() const;  // what the handle uses
  bool nanosecond_timestamps() const;        // PCAP_TSTAMP_PRECISION_NANO was granted
  // Why the handle does not use what was asked (adapter stamps unavailable), else empty.
  const std::string& timestamp_note() const;

  struct State;  // shared with the capture thread and the handlers posted to the executor

 private:
  explicit LiveCapture(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace phonerig::capture
