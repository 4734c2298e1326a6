// Test vectors as pcap files, read and written through libpcap (pcap and pcapng).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "drivers/wire/bytes.hpp"
#include "drivers/wire/link.hpp"

namespace phonerig::testing {

struct PcapRecord {
  std::int64_t time_ns = 0;
  std::size_t wire_length = 0;  // pcap len: the frame's length on the wire
  wire::ByteVector bytes;
};

struct PcapContents {
  wire::LinkType link_type = wire::LinkType::ethernet;
  std::vector<PcapRecord> records;
};

// Absolute path of a file in tests/vectors/.
std::string vector_path(const std::string& name);
// Reads a pcap or pcapng file; throws std::runtime_error with libpcap's message.
PcapContents read_pcap(const std::string& path);
// Writes frames to a pcap file (microsecond stamps 1 ms apart); throws on failure.
void write_pcap(const std::string& path, const std::vector<wire::ByteVector>& frames,
                wire::LinkType link_type = wire::LinkType::ethernet);
// Writes records with their own stamps to a nanosecond pcap file; throws on failure.
void write_pcap(const std::string& path, const PcapContents& contents);

// A fresh folder under $TMPDIR (or /tmp), removed with its contents when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace phonerig::testing
