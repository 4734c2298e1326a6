// `phonerig analyze CAPTURE`: a capture taken anywhere (a SPAN port, a phone's own pcap, a
// CUCM node), read offline, decoded by the engine's decoder exactly as `run` decodes a live
// capture, and reported per phone: the registration timeline of DESIGN.md, what is missing
// or out of order, and what was skipped and why. The analysis is a report, not an
// assertion: exit 0 whenever the capture could be read.
#pragma once

#include <string>

namespace phonerig::app {

struct AnalyzeOptions {
  std::string capture;  // pcap or pcapng
  bool json = false;    // the same report as one JSON document
};

// 0 when the capture was read (also when a file is damaged after some frames: the frames
// before the damage are reported, with a warning), 2 when it is missing or unreadable.
int analyze(const AnalyzeOptions& options);

}  // namespace phonerig::app
