#include "drivers/capture/live_capture.hpp"

#include <boost/asio/post.hpp>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

#include "drivers/capture/frame_queue.hpp"
#include "drivers/capture/pcap_handle.hpp"
#include "drivers/capture/pcap_util.hpp"

namespace phonerig::capture {

const char* to_string(TimestampSource source) {
  return source == TimestampSource::adapter ? "adapter" : "host";
}

namespace {
// The capture thread's wake-up for stop(): the one owner of an eventfd.
class EventFd {
 public:
  EventFd() : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~EventFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  EventFd(const EventFd&) = delete;
  EventFd& operator=(const EventFd&) = delete;

  int fd() const { return fd_; }
  void signal() const {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto ignored = ::write(fd_, &one, sizeof one);
  }
  void clear() const {
    std::uint64_t value = 0;
    [[maybe_unused]] const auto ignored = ::read(fd_, &value, sizeof value);
  }

 private:
  int fd_;
};
}  // namespace

// Everything the capture thread and the posted handlers touch outlives both: each holds a
// shared_ptr. Fields marked "executor" are touched only on the executor; "thread" only by
// the capture thread until it is joined.
struct LiveCapture::State {
  State(boost::asio::any_io_executor executor_in, LiveCaptureOptions options_in)
      : executor(std::move(executor_in)),
        options(std::move(options_in)),
        queue(options.queue_frames) {}

  boost::asio::any_io_executor executor;
  const LiveCaptureOptions options;
  PcapHandle handle;  // reset by stop() once the thread is joined
  wire::LinkType link_type = wire::LinkType::ethernet;
  std::uint32_t snaplen = 0;
  bool nano = false;
  TimestampSource timestamp_source = TimestampSource::host;
  std::string timestamp_note;

  FrameQueue queue;
  EventFd wake;  // stop() -> capture thread
  std::thread thread;
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> drain_posted{false};
  std::atomic<bool> closed{false};  // the owner is gone: no handler runs any more

  api::FrameHandlers handlers;  // executor
  bool ended = false;           // executor

  std::atomic<std::uint64_t> captured{0};
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> kernel_received{0};
  std::atomic<std::uint64_t> kernel_dropped{0};
  std::atomic<std::uint64_t> interface_dropped{0};

  // thread: pcap_stats() totals are 32-bit and wrap; we add up their differences.
  pcap_stat last_raw{};
};

namespace {

using State = LiveCapture::State;

std::string where(const State& state) { return "capture on " + state.options.interface; }

// thread
void refresh_kernel_counters(State& state) {
  pcap_stat raw{};
  if (pcap_stats(state.handle.get(), &raw) != 0) return;
  // Unsigned differences survive one wrap of libpcap's 32-bit totals between two reads.
  state.kernel_received += static_cast<u_int>(raw.ps_recv - state.last_raw.ps_recv);
  state.kernel_dropped += static_cast<u_int>(raw.ps_drop - state.last_raw.ps_drop);
  state.interface_dropped += static_cast<u_int>(raw.ps_ifdrop - state.last_raw.ps_ifdrop);
  state.last_raw = raw;
}

// executor
void drain(const std::shared_ptr<State>& state) {
  state->drain_posted.store(false);
  std::vector<api::FrameBatch> batches = state->queue.take_all();
  if (state->closed || state->ended) return;
  for (const api::FrameBatch& batch : batches) {
    state->delivered += batch.size();
    if (state->handlers.on_frames) state->handlers.on_frames(batch);
    if (state->closed) return;  // a handler destroyed the capture
  }
}

// executor: the last batches, then on_end, once.
void finish(const std::shared_ptr<State>& state, const api::Result<bool>& result) {
  drain(state);
  if (state->ended) return;
  state->ended = true;
  if (!state->closed && state->handlers.on_end) state->handlers.on_end(result);
}

// Waits until the handle has frames, stop() signals, or `poll_interval` passes. The handle
// is non-blocking: libpcap 1.10's own wait on Linux returns only with frames or an error,
// which would leave the counters stale and the first read waiting for traffic.
void wait_for_frames(State& state) {
  int timeout_ms = static_cast<int>(state.options.poll_interval.count());
  // While an interface is down libpcap must look again soon to tell "down" from "gone".
  if (const timeval* required = pcap_get_required_select_timeout(state.handle.get())) {
    const auto required_ms =
        static_cast<int>(required->tv_sec * 1000 + required->tv_usec / 1000);
    timeout_ms = std::min(timeout_ms, std::max(required_ms, 1));
  }
  pollfd fds[2] = {{pcap_get_selectable_fd(state.handle.get()), POLLIN, 0},
                   {state.wake.fd(), POLLIN, 0}};
  if (poll(fds, 2, timeout_ms) > 0 && fds[1].revents != 0) state.wake.clear();
}

void capture_loop(const std::shared_ptr<State>& state) {
  using Clock = std::chrono::steady_clock;
  constexpr auto kCountersEvery = std::chrono::milliseconds(200);
  auto counters_due = Clock::now() + kCountersEvery;
  bool first = true;
  api::Result<bool> result = true;

  while (!state->stop_requested.load()) {
    api::FrameBatch batch;
    detail::DispatchTarget target{&batch, state->nano};
    const int rc = pcap_dispatch(state->handle.get(), state->options.batch_frames,
                                 detail::add_to_batch, reinterpret_cast<u_char*>(&target));
    if (rc == PCAP_ERROR_BREAK) continue;  // only pcap_breakloop(), which we never call
    if (rc < 0) {
      result = api::fail(api::Fault::rig,
                         where(*state) + ": reading failed: " + pcap_geterr(state->handle.get()));
      break;
    }
    if (first) {
      // The socket has been bound since activation and the read path works: confirmed.
      first = false;
      boost::asio::post(state->executor, [state] {
        if (!state->closed && !state->ended && state->handlers.on_ready) state->handlers.on_ready();
      });
    }
    if (!batch.empty()) {
      state->captured += batch.size();
      state->queue.push(std::move(batch));
      if (!state->drain_posted.exchange(true)) {
        boost::asio::post(state->executor, [state] { drain(state); });
      }
    }
    if (Clock::now() >= counters_due) {
      refresh_kernel_counters(*state);
      counters_due = Clock::now() + kCountersEvery;
    }
    // A full batch means the ring may hold more: read on before waiting.
    if (rc < state->options.batch_frames) wait_for_frames(*state);
  }
  refresh_kernel_counters(*state);
  boost::asio::post(state->executor, [state, result] { finish(state, result); });
}

std::string status_message(pcap_t* handle, int status) {
  std::string message = pcap_statustostr(status);
  const std::string detail = pcap_geterr(handle);
  if (!detail.empty()) message += ": " + detail;
  return message;
}

// Asks for the stamp source wanted; records why not when the interface lacks it.
void choose_timestamp_type(State& state) {
  pcap_t* handle = state.handle.get();
  if (state.options.timestamps == TimestampSource::host) {
    // The kernel's receive stamp; on Linux, offered for every interface.
    pcap_set_tstamp_type(handle, PCAP_TSTAMP_HOST);
    return;
  }
  int* types = nullptr;
  const int count = pcap_list_tstamp_types(handle, &types);
  bool adapter = false;
  for (int i = 0; i < count; ++i) adapter = adapter || types[i] == PCAP_TSTAMP_ADAPTER;
  if (types != nullptr) pcap_free_tstamp_types(types);
  if (adapter && pcap_set_tstamp_type(handle, PCAP_TSTAMP_ADAPTER) == 0) {
    state.timestamp_source = TimestampSource::adapter;
  } else {
    pcap_set_tstamp_type(handle, PCAP_TSTAMP_HOST);
    state.timestamp_note = state.options.interface +
                           " offers no adapter time stamps synchronised with the system "
                           "clock; using the kernel's";
  }
}

}  // namespace

api::Result<std::unique_ptr<LiveCapture>> LiveCapture::open(boost::asio::any_io_executor executor,
                                                            LiveCaptureOptions options) {
  auto state = std::make_shared<State>(std::move(executor), std::move(options));
  const LiveCaptureOptions& opt = state->options;
  if (opt.interface.empty()) return api::fail(api::Fault::config, "capture: no interface named");
  if (opt.queue_frames == 0 || opt.batch_frames <= 0 || opt.snaplen <= 0) {
    return api::fail(api::Fault::config,
                     where(*state) + ": queue_frames, batch_frames and snaplen must be positive");
  }

  char errbuf[PCAP_ERRBUF_SIZE] = {};
  state->handle.reset(pcap_create(opt.interface.c_str(), errbuf));
  if (!state->handle) return api::fail(api::Fault::rig, where(*state) + ": " + errbuf);
  pcap_t* handle = state->handle.get();

  if (pcap_set_snaplen(handle, opt.snaplen) != 0 ||
      pcap_set_promisc(handle, opt.promiscuous ? 1 : 0) != 0 ||
      pcap_set_buffer_size(handle, opt.buffer_bytes) != 0 ||
      // Without immediate mode libpcap uses TPACKET_V3, whose frames wait in the ring until
      // a block fills or times out.
      pcap_set_immediate_mode(handle, 1) != 0) {
    return api::fail(api::Fault::rig, where(*state) + ": cannot configure the handle: " +
                                          pcap_geterr(handle));
  }
  state->nano = pcap_set_tstamp_precision(handle, PCAP_TSTAMP_PRECISION_NANO) == 0;
  choose_timestamp_type(*state);

  const int status = pcap_activate(handle);
  if (status < 0) {
    return api::fail(api::Fault::rig,
                     where(*state) + ": cannot activate: " + status_message(handle, status));
  }
  if (status == PCAP_WARNING_TSTAMP_TYPE_NOTSUP) {
    state->timestamp_source = TimestampSource::host;
    state->timestamp_note = opt.interface + ": the time stamp type asked for is not supported";
  }
  state->nano = pcap_get_tstamp_precision(handle) == PCAP_TSTAMP_PRECISION_NANO;
  state->link_type = detail::link_type_from_dlt(pcap_datalink(handle));
  state->snaplen = static_cast<std::uint32_t>(pcap_snapshot(handle));

  auto filtered = detail::install_filter(handle, opt.filter, where(*state), api::Fault::rig);
  if (!filtered) return wire::unexpected(std::move(filtered).error());
  if (state->wake.fd() < 0) {
    return api::fail(api::Fault::rig, where(*state) + ": eventfd: " + std::strerror(errno));
  }
  if (pcap_setnonblock(handle, 1, errbuf) != 0 || pcap_get_selectable_fd(handle) < 0) {
    return api::fail(api::Fault::rig, where(*state) + ": cannot poll the handle: " + errbuf);
  }

  return std::unique_ptr<LiveCapture>(new LiveCapture(std::move(state)));
}

LiveCapture::LiveCapture(std::shared_ptr<State> state) : state_(std::move(state)) {}

LiveCapture::~LiveCapture() {
  state_->closed = true;
  stop();
}

const std::string& LiveCapture::name() const { return state_->options.interface; }
wire::LinkType LiveCapture::link_type() const { return state_->link_type; }
std::uint32_t LiveCapture::snaplen() const { return state_->snaplen; }
const LiveCaptureOptions& LiveCapture::options() const { return state_->options; }
TimestampSource LiveCapture::timestamp_source() const { return state_->timestamp_source; }
bool LiveCapture::nanosecond_timestamps() const { return state_->nano; }
const std::string& LiveCapture::timestamp_note() const { return state_->timestamp_note; }

void LiveCapture::start(api::FrameHandlers handlers) {
  if (state_->thread.joinable() || !state_->handle) return;  // started, or stopped
  state_->handlers = std::move(handlers);
  state_->thread = std::thread([state = state_] { capture_loop(state); });
}

void LiveCapture::stop() {
  state_->stop_requested = true;
  if (state_->thread.joinable()) {
    state_->wake.signal();
    state_->thread.join();
  }
  state_->handle.reset();  // releases the socket now, not when the last handler has run
}

api::CaptureStats LiveCapture::stats() const {
  api::CaptureStats stats;
  stats.captured = state_->captured;
  stats.delivered = state_->delivered;
  stats.kernel_received = state_->kernel_received;
  stats.kernel_dropped = state_->kernel_dropped;
  stats.interface_dropped = state_->interface_dropped;
  stats.queue_dropped = state_->queue.dropped();
  return stats;
}

}  // namespace phonerig::capture
