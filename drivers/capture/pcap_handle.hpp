// One move-only owner per libpcap handle (STYLE.md 9): the capture or file handle and the
// dump file. The types are declared here without <pcap/pcap.h>, so users of the capture
// library need no libpcap headers.
#pragma once

#include <memory>

struct pcap;         // pcap_t
struct pcap_dumper;  // pcap_dumper_t

namespace phonerig::capture {

struct PcapCloser {
  void operator()(pcap* handle) const;  // pcap_close
};
struct PcapDumperCloser {
  void operator()(pcap_dumper* dumper) const;  // pcap_dump_close
};

using PcapHandle = std::unique_ptr<pcap, PcapCloser>;
using PcapDumperHandle = std::unique_ptr<pcap_dumper, PcapDumperCloser>;

}  // namespace phonerig::capture
