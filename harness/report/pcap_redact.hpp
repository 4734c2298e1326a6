// `--redact`: masks the line passwords a phone's cnf.xml carries (Cisco SEP<MAC>.cnf.xml
// <sipLines><line><authPassword>, and <password> elements) in the frames of a capture:
// every byte of an element's content becomes '*', so lengths, sequence numbers and the
// rest of the evidence stay as they were, and the UDP/TCP checksums of the frames changed
// are updated (RFC 1624 incremental update, so a checksum that was good stays good and an
// offloaded sender's "bad" one stays as bad as it was; the IPv4 header is not touched).
//
// Where the bytes are searched:
// - TCP: each direction of each connection is put back together by sequence number, so an
//   element split across segments (or a retransmitted segment) is masked in every frame
//   carrying part of it. HTTP bodies on any port are covered this way.
// - UDP: TFTP DATA blocks (opcode 3) of each transfer, in block order (a retransmitted
//   block is masked the same way), so an element split across two blocks is masked too.
// Limits: IPv4 only; an IP-fragmented datagram, content compressed (HTTP gzip) or sent in
// HTTP chunked encoding with a chunk boundary inside the element are not recognised; a
// frame cut by the capture's snap length is masked within what was captured. An element
// whose closing tag is never seen is masked up to the next '<' or the stream's end.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "drivers/wire/bytes.hpp"
#include "drivers/wire/link.hpp"

namespace phonerig::report {

struct PcapRecord {
  std::int64_t time_ns = 0;         // CLOCK_REALTIME
  std::uint32_t wire_length = 0;    // pcap len; 0 means bytes.size()
  wire::ByteVector bytes;           // pcap caplen bytes
};

struct RedactOptions {
  // Element names whose content is masked; matched exactly (XML is case-sensitive).
  std::vector<std::string> elements = {"authPassword", "password"};
  char mask = '*';
};

struct RedactStats {
  std::size_t elements = 0;        // element contents found (each counted once per stream)
  std::size_t bytes_masked = 0;    // stream bytes masked (a retransmission counts once)
  std::size_t frames_changed = 0;
};

// Rewrites `records` in place.
RedactStats redact_passwords(wire::LinkType link_type, std::vector<PcapRecord>& records,
                             const RedactOptions& options = {});

// The masking of one reassembled stream: the [begin, end) ranges of element contents.
std::vector<std::pair<std::size_t, std::size_t>> password_ranges(wire::Bytes stream,
                                                                 const RedactOptions& options);

}  // namespace phonerig::report
