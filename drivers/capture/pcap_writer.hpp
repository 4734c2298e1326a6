// pcap files that Wireshark opens: the run's evidence, one file per phone (DESIGN.md, data
// flow 6). Nanosecond pcap (magic a1b23c4d) so the kernel's stamps survive; the link type
// is the capture handle's.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/api/frame_source.hpp"
#include "drivers/api/result.hpp"
#include "drivers/capture/pcap_handle.hpp"
#include "drivers/wire/link.hpp"

namespace phonerig::capture {

// One pcap file, written through pcap_dump. Move-only; the file is complete once close()
// has returned (or the writer is destroyed, which cannot report a failure).
class PcapWriter {
 public:
  // Creates or truncates `path`. Errors (Fault::rig: the rig host's disk) name the file.
  static api::Result<PcapWriter> create(const std::string& path, wire::LinkType link_type,
                                        std::uint32_t snaplen);

  PcapWriter(PcapWriter&&) noexcept = default;
  PcapWriter& operator=(PcapWriter&&) noexcept = default;
  ~PcapWriter();

  // Records at most `snaplen` bytes of the frame; the record keeps the wire length.
  void write(const api::Frame& frame);
  api::Result<bool> flush();
  // Flushes and closes; further writes are ignored. Idempotent.
  api::Result<bool> close();

  const std::string& path() const { return path_; }
  std::uint64_t frames_written() const { return frames_; }

 private:
  PcapWriter(std::string path, PcapHandle dead, PcapDumperHandle dumper, std::uint32_t snaplen);

  std::string path_;
  PcapHandle dead_;  // pcap_open_dead: carries the link type, snaplen and stamp precision
  PcapDumperHandle dumper_;
  std::uint32_t snaplen_ = 0;
  std::uint64_t frames_ = 0;
};

// Routes frames to one pcap file per phone: `<directory>/<phone>.pcap`, created on the
// phone's first frame. Which phone a frame belongs to is the caller's decision (the engine
// attributes frames by MAC, DHCP chaddr, then address); a frame of several phones is
// written once to each.
class PhonePcapWriter {
 public:
  PhonePcapWriter(std::string directory, wire::LinkType link_type, std::uint32_t snaplen);

  // `phone` is a file-name stem: letters, digits, '.', '_', '-', not starting with '.'
  // (a lab file's phone id, or SEP<MAC>). Errors: Fault::config for a bad name,
  // Fault::rig when the file cannot be created.
  api::Result<bool> write(std::string_view phone, const api::Frame& frame);
  api::Result<bool> flush();
  // Closes every file; the first error is returned, every file is closed regardless.
  api::Result<bool> close();

  std::string path_for(std::string_view phone) const;
  std::uint64_t frames_written(std::string_view phone) const;
  std::vector<std::string> phones() const;

 private:
  std::string directory_;
  wire::LinkType link_type_;
  std::uint32_t snaplen_;
  std::map<std::string, PcapWriter, std::less<>> writers_;
};

}  // namespace phonerig::capture
