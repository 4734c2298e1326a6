// Per-phone pcaps of a run: `pcap/<phone>.pcap` in the report folder, the frames the
// engine attributed to each phone (by MAC, DHCP chaddr, then address), written as classic
// nanosecond pcap (magic 0xa1b23c4d, tcpdump.org pcap format) so the kernel's stamps
// survive and Wireshark, tshark and tcpdump read them. Written 0600 (report_files.hpp):
// they hold line passwords inside cnf.xml unless `--redact` masked them (pcap_redact.hpp).
// Our own writer rather than libpcap's pcap_dump: harness/report knows no concrete driver,
// and the bytes are a pure function the tests can check.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/api/result.hpp"
#include "harness/report/pcap_redact.hpp"

namespace phonerig::report {

inline constexpr std::uint32_t kPcapSnaplen = 262144;

// A whole pcap file: the 24-byte global header, then one record per frame. A record's
// original length is max(wire_length, captured bytes).
wire::ByteVector pcap_file_bytes(wire::LinkType link_type, std::span<const PcapRecord> records,
                                 std::uint32_t snaplen = kPcapSnaplen);

// Whether `phone` can be a file stem: letters, digits, '.', '_', '-', not starting with '.'.
bool valid_pcap_stem(std::string_view phone);

struct PhoneCapture {
  std::string phone;  // the lab file's phone id: the file stem
  wire::LinkType link_type = wire::LinkType::ethernet;
  std::vector<PcapRecord> records;
};

struct PcapWriteOptions {
  bool redact = false;  // `--redact`
  RedactOptions redaction;
};

struct WrittenPcap {
  std::string phone;
  std::filesystem::path path;  // <folder>/pcap/<phone>.pcap
  std::size_t frames = 0;
  RedactStats redacted;        // all zero unless options.redact
};

// Writes one file per capture under `<folder>/pcap/` (created 0700 when missing). Errors:
// Fault::config for a phone id that is no file stem, Fault::rig for the disk.
api::Result<std::vector<WrittenPcap>> write_phone_pcaps(const std::filesystem::path& folder,
                                                        std::vector<PhoneCapture> captures,
                                                        const PcapWriteOptions& options = {});

}  // namespace phonerig::report
