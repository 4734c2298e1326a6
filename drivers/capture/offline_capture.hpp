// pcap and pcapng files through the same FrameSource as a live capture, so `phonerig
// analyze` feeds the decoder and the engine exactly as `phonerig run` does. The file is read
// on the executor in batches, one posted step per batch, so a long file never holds the
// io_context for long; a file never drops, it only ends.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "drivers/api/frame_source.hpp"
#include "drivers/api/result.hpp"

namespace phonerig::capture {

struct OfflineCaptureOptions {
  std::string path;    // pcap or pcapng (libpcap reads both)
  std::string filter;  // BPF in tcpdump syntax, applied as it would be live; empty: all
  int batch_frames = 1024;
};

class OfflineCapture final : public api::FrameSource {
 public:
  // Opens the file with nanosecond stamps (microsecond files are scaled) and installs the
  // filter. Errors (Fault::config: the file was named by the user) name the file and carry
  // libpcap's message.
  static api::Result<std::unique_ptr<OfflineCapture>> open(
      boost::asio::any_io_executor executor, OfflineCaptureOptions options);

  // No handler runs after this. Destroy it on the executor's thread.
  ~OfflineCapture() override;
  OfflineCapture(const OfflineCapture&) = delete;
  OfflineCapture& operator=(const OfflineCapture&) = delete;

  const std::string& name() const override;
  wire::LinkType link_type() const override;
  std::uint32_t snaplen() const override;
  // on_ready at once, then the file's frames batch by batch, then on_end: a value at the end
  // of the file, an error when it is damaged (after the frames read before the damage).
  void start(api::FrameHandlers handlers) override;
  // Ends the reading after the batch in progress.
  void stop() override;
  api::CaptureStats stats() const override;

  struct State;

 private:
  explicit OfflineCapture(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace phonerig::capture
