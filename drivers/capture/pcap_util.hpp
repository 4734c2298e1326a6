// libpcap details shared by the live and offline sources and the writer. Private to
// drivers/capture: it includes <pcap/pcap.h>.
#pragma once

#include <pcap/pcap.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "drivers/api/frame_source.hpp"
#include "drivers/api/result.hpp"
#include "drivers/wire/link.hpp"

namespace phonerig::capture::detail {

// A pcap record's stamp in nanoseconds since the epoch. `nano`: the handle was opened with
// PCAP_TSTAMP_PRECISION_NANO, so tv_usec holds nanoseconds.
inline std::int64_t stamp_ns(const timeval& ts, bool nano) {
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 +
         static_cast<std::int64_t>(ts.tv_usec) * (nano ? 1 : 1000);
}

// The pcap_dispatch() callback of both sources: appends each record to a batch.
struct DispatchTarget {
  api::FrameBatch* batch;
  bool nano;
};
void add_to_batch(u_char* user, const pcap_pkthdr* header, const u_char* bytes);

// pcap_datalink() answers with DLT_* values; our LinkType holds LINKTYPE_* values (the
// numbers in the file header). They differ only for raw IP (DLT_RAW is 12 on Linux,
// LINKTYPE_RAW is 101).
wire::LinkType link_type_from_dlt(int dlt);
int dlt_from_link_type(wire::LinkType link_type);

// Compiles `filter` (tcpdump syntax) and installs it on `handle`. An empty filter passes
// everything. Errors name `where` (the interface or file), the filter and libpcap's message.
api::Result<bool> install_filter(pcap_t* handle, const std::string& filter,
                                 std::string_view where, api::Fault fault);

}  // namespace phonerig::capture::detail
