#include "drivers/capture/offline_capture.hpp"

#include <boost/asio/post.hpp>

#include <atomic>
#include <utility>

#include "drivers/capture/pcap_handle.hpp"
#include "drivers/capture/pcap_util.hpp"

namespace phonerig::capture {

// Touched only on the executor, except the counters, which stats() reads from anywhere.
struct OfflineCapture::State {
  State(boost::asio::any_io_executor executor_in, OfflineCaptureOptions options_in)
      : executor(std::move(executor_in)), options(std::move(options_in)) {}

  boost::asio::any_io_executor executor;
  const OfflineCaptureOptions options;
  PcapHandle handle;  // closed at the end
  wire::LinkType link_type = wire::LinkType::ethernet;
  std::uint32_t snaplen = 0;
  api::FrameHandlers handlers;
  bool started = false;
  std::atomic<bool> stop_requested{false};
  bool closed = false;  // the owner is gone
  bool ended = false;
  std::atomic<std::uint64_t> captured{0};
  std::atomic<std::uint64_t> delivered{0};
};

namespace {

using State = OfflineCapture::State;

std::string where(const State& state) { return "pcap file " + state.options.path; }

void finish(const std::shared_ptr<State>& state, const api::Result<bool>& result) {
  if (state->ended) return;
  state->ended = true;
  state->handle.reset();
  if (!state->closed && state->handlers.on_end) state->handlers.on_end(result);
}

void read_step(const std::shared_ptr<State>& state) {
  if (state->ended || state->closed) return;
  if (state->stop_requested) return finish(state, true);

  api::FrameBatch batch;
  detail::DispatchTarget target{&batch, true};
  // Offline, pcap_dispatch() returns 0 only at the end of the file: it reads on past
  // records the filter rejects until `batch_frames` pass.
  const int rc = pcap_dispatch(state->handle.get(), state->options.batch_frames,
                               detail::add_to_batch, reinterpret_cast<u_char*>(&target));
  if (!batch.empty()) {
    state->captured += batch.size();
    state->delivered += batch.size();
    if (state->handlers.on_frames) state->handlers.on_frames(batch);
    if (state->closed) return;
  }
  if (rc < 0 && rc != PCAP_ERROR_BREAK) {
    return finish(state, api::fail(api::Fault::config,
                                   where(*state) + ": " + pcap_geterr(state->handle.get())));
  }
  if (rc == 0) return finish(state, true);
  boost::asio::post(state->executor, [state] { read_step(state); });
}

}  // namespace

api::Result<std::unique_ptr<OfflineCapture>> OfflineCapture::open(
    boost::asio::any_io_executor executor, OfflineCaptureOptions options) {
  auto state = std::make_shared<State>(std::move(executor), std::move(options));
  if (state->options.batch_frames <= 0) {
    return api::fail(api::Fault::config, where(*state) + ": batch_frames must be positive");
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  state->handle.reset(pcap_open_offline_with_tstamp_precision(
      state->options.path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf));
  if (!state->handle) return api::fail(api::Fault::config, where(*state) + ": " + errbuf);
  state->link_type = detail::link_type_from_dlt(pcap_datalink(state->handle.get()));
  state->snaplen = static_cast<std::uint32_t>(pcap_snapshot(state->handle.get()));
  auto filtered = detail::install_filter(state->handle.get(), state->options.filter,
                                         where(*state), api::Fault::config);
  if (!filtered) return wire::unexpected(std::move(filtered).error());
  return std::unique_ptr<OfflineCapture>(new OfflineCapture(std::move(state)));
}

OfflineCapture::OfflineCapture(std::shared_ptr<State> state) : state_(std::move(state)) {}

OfflineCapture::~OfflineCapture() {
  state_->closed = true;
  state_->handle.reset();
}

const std::string& OfflineCapture::name() const { return state_->options.path; }
wire::LinkType OfflineCapture::link_type() const { return state_->link_type; }
std::uint32_t OfflineCapture::snaplen() const { return state_->snaplen; }

void OfflineCapture::start(api::FrameHandlers handlers) {
  if (state_->started) return;
  state_->started = true;
  state_->handlers = std::move(handlers);
  boost::asio::post(state_->executor, [state = state_] {
    if (state->closed || state->ended) return;
    if (state->handlers.on_ready) state->handlers.on_ready();
    read_step(state);
  });
}

void OfflineCapture::stop() {
  if (!state_->started) {
    state_->handle.reset();
    state_->ended = true;
    return;
  }
  state_->stop_requested = true;
}

api::CaptureStats OfflineCapture::stats() const {
  api::CaptureStats stats;
  stats.captured = state_->captured;
  stats.delivered = state_->delivered;
  return stats;
}

}  // namespace phonerig::capture
