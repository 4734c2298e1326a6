#include "harness/report/pcap_redact.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>

#include "drivers/wire/checksum.hpp"
#include "drivers/wire/packet.hpp"

namespace phonerig::report {
namespace {

constexpr std::uint16_t kTftpData = 3;  // RFC 1350 section 5: DATA opcode
// A segment this far beyond what a stream has seen is another connection on the same
// addresses and ports whose SYN was not captured: it starts a stream of its own rather
// than a gap the buffer below would have to hold.
constexpr std::size_t kMaxTcpGap = 16u << 20;

// A piece of a stream carried by one frame.
struct Piece {
  std::size_t record = 0;
  std::size_t frame_offset = 0;   // of the piece's first byte in the frame
  std::size_t length = 0;
  std::size_t stream_offset = 0;  // of the piece's first byte in the stream
};

struct Stream {
  std::vector<Piece> pieces;
  // TCP: the sequence number of stream offset 0, once known.
  std::optional<std::uint32_t> base_seq;
  // TFTP: block number -> stream offset, and where the next new block goes.
  std::map<std::uint16_t, std::size_t> blocks;
  std::optional<std::uint16_t> last_block;
  std::size_t next_offset = 0;
  std::size_t extent = 0;  // the end of the furthest piece
};

// Where a frame's transport header is, to update its checksum.
struct L4 {
  std::size_t offset = 0;  // of the UDP/TCP header in the frame
  bool tcp = false;
};

using FlowKey = std::tuple<std::uint32_t, std::uint16_t, std::uint32_t, std::uint16_t, bool>;

std::uint32_t ipv4_value(const wire::Ipv4& address) { return address.value; }

std::uint16_t fold(std::uint32_t sum) {
  return static_cast<std::uint16_t>(~wire::ones_complement_finish(sum));
}

// RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), over the 16-bit words that changed.
void update_checksum(wire::ByteVector& frame, const wire::ByteVector& old_frame, const L4& l4) {
  const std::size_t field = l4.offset + (l4.tcp ? 16 : 6);
  if (field + 2 > frame.size()) return;
  const std::uint16_t old_checksum = static_cast<std::uint16_t>(frame[field] << 8 | frame[field + 1]);
  if (!l4.tcp && old_checksum == 0) return;  // RFC 768: no checksum computed; none to fix
  std::size_t first = frame.size(), last = 0;
  for (std::size_t i = l4.offset; i < frame.size(); ++i) {
    if (frame[i] != old_frame[i]) {
      first = std::min(first, i);
      last = i;
    }
  }
  if (first == frame.size()) return;
  // Word-align to the transport header (the pseudo-header is an even 12 bytes).
  const std::size_t begin = l4.offset + (first - l4.offset) / 2 * 2;
  const std::size_t end = l4.offset + (last + 1 - l4.offset + 1) / 2 * 2;
  wire::ByteVector before(end - begin, 0), after(end - begin, 0);
  for (std::size_t i = begin; i < end && i < frame.size(); ++i) {
    before[i - begin] = old_frame[i];
    after[i - begin] = frame[i];
  }
  std::uint32_t sum = static_cast<std::uint16_t>(~old_checksum);
  sum += static_cast<std::uint16_t>(~fold(wire::ones_complement_add(before)));
  sum += fold(wire::ones_complement_add(after));
  std::uint16_t checksum = static_cast<std::uint16_t>(~fold(sum));
  if (!l4.tcp && checksum == 0) checksum = 0xffff;  // RFC 768: 0 is sent as all ones
  frame[field] = static_cast<std::uint8_t>(checksum >> 8);
  frame[field + 1] = static_cast<std::uint8_t>(checksum);
}

bool name_ends(std::string_view text, std::size_t at) {
  return at >= text.size() || text[at] == '>' || text[at] == '/' || text[at] == ' ' ||
         text[at] == '\t' || text[at] == '\r' || text[at] == '\n';
}

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> password_ranges(wire::Bytes stream,
                                                                 const RedactOptions& options) {
  const std::string_view text = wire::as_string_view(stream);
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  for (const auto& name : options.elements) {
    const std::string open = "<" + name;
    const std::string close = "</" + name;
    std::size_t at = 0;
    while ((at = text.find(open, at)) != std::string_view::npos) {
      const std::size_t after_name = at + open.size();
      at = after_name;
      if (!name_ends(text, after_name)) continue;  // <passwordHint>: another element
      const std::size_t tag_end = text.find('>', after_name);
      if (tag_end == std::string_view::npos) break;
      if (text[tag_end - 1] == '/') continue;  // <password/>: empty
      const std::size_t begin = tag_end + 1;
      std::size_t end = begin;
      for (std::size_t search = begin;;) {
        end = text.find(close, search);
        if (end == std::string_view::npos || name_ends(text, end + close.size())) break;
        search = end + close.size();
      }
      if (end == std::string_view::npos) {
        end = text.find('<', begin);
        if (end == std::string_view::npos) end = text.size();
      }
      if (end > begin) ranges.emplace_back(begin, end);
      at = end;
    }
  }
  std::sort(ranges.begin(), ranges.end());
  return ranges;
}

RedactStats redact_passwords(wire::LinkType link_type, std::vector<PcapRecord>& records,
                             const RedactOptions& options) {
  std::vector<Stream> streams;
  std::map<FlowKey, std::size_t> current;  // the stream a flow's next bytes belong to
  std::map<std::size_t, L4> transport;     // record -> its transport header

  for (std::size_t i = 0; i < records.size(); ++i) {
    const wire::ByteVector& bytes = records[i].bytes;
    const std::size_t wire_length = records[i].wire_length ? records[i].wire_length : bytes.size();
    auto decoded = wire::decode_packet(link_type, bytes, wire_length);
    if (!decoded || !decoded->ipv4) continue;
    const wire::Packet& packet = *decoded;
    const auto offset_of = [&](wire::Bytes part) {
      return static_cast<std::size_t>(part.data() - bytes.data());
    };
    const std::size_t l4_offset = offset_of(packet.ipv4->payload);
    if (packet.tcp) {
      const auto& tcp = *packet.tcp;
      const FlowKey key{ipv4_value(packet.ipv4->header.src), tcp.src_port,
                        ipv4_value(packet.ipv4->header.dst), tcp.dst_port, true};
      auto found = current.find(key);
      if (tcp.has(wire::tcp_flag::kSyn)) {
        // A new connection on the same addresses and ports starts a new stream.
        if (found == current.end() || !streams[found->second].pieces.empty()) {
          streams.emplace_back();
          found = current.insert_or_assign(key, streams.size() - 1).first;
        }
        streams[found->second].base_seq = tcp.seq + 1;  // RFC 9293: SYN takes one number
      }
      if (tcp.payload.empty()) continue;
      if (found == current.end()) {
        streams.emplace_back();
        found = current.emplace(key, streams.size() - 1).first;
      }
      if (streams[found->second].base_seq) {
        const std::uint32_t relative = tcp.seq - *streams[found->second].base_seq;
        if (relative <= 0x7fffffffu && relative > streams[found->second].extent + kMaxTcpGap) {
          streams.emplace_back();
          found->second = streams.size() - 1;
        }
      }
      Stream& stream = streams[found->second];
      if (!stream.base_seq) stream.base_seq = tcp.seq;
      const std::uint32_t relative = tcp.seq - *stream.base_seq;
      if (relative > 0x7fffffffu) continue;  // before the stream's start: nothing to mask
      stream.pieces.push_back({i, offset_of(tcp.payload), tcp.payload.size(), relative});
      stream.extent = std::max<std::size_t>(stream.extent, relative + tcp.payload.size());
      transport[i] = {l4_offset, true};
    } else if (packet.udp && packet.udp->payload.size() >= 4) {
      const wire::Bytes payload = packet.udp->payload;
      const auto opcode = static_cast<std::uint16_t>(payload[0] << 8 | payload[1]);
      if (opcode != kTftpData) continue;
      const auto block = static_cast<std::uint16_t>(payload[2] << 8 | payload[3]);
      const FlowKey key{ipv4_value(packet.ipv4->header.src), packet.udp->src_port,
                        ipv4_value(packet.ipv4->header.dst), packet.udp->dst_port, false};
      auto found = current.find(key);
      if (found == current.end()) {
        streams.emplace_back();
        found = current.emplace(key, streams.size() - 1).first;
      }
      Stream& stream = streams[found->second];
      std::size_t stream_offset = 0;
      // RFC 1350: blocks count up by one; the same number again is a retransmission.
      // Numbers wrap after 65535 on long transfers (RFC 7440 implementations roll over).
      const bool next = !stream.last_block || block == static_cast<std::uint16_t>(*stream.last_block + 1);
      auto seen = stream.blocks.find(block);
      if (!next && seen != stream.blocks.end()) {
        stream_offset = seen->second;
      } else {
        stream_offset = stream.next_offset;
        stream.blocks[block] = stream_offset;
        stream.next_offset += payload.size() - 4;
        stream.last_block = block;
      }
      stream.pieces.push_back({i, offset_of(payload) + 4, payload.size() - 4, stream_offset});
      transport[i] = {l4_offset, false};
    }
  }

  RedactStats stats;
  std::map<std::size_t, wire::ByteVector> originals;  // record -> bytes before masking
  for (const Stream& stream : streams) {
    std::size_t size = 0;
    for (const auto& piece : stream.pieces) size = std::max(size, piece.stream_offset + piece.length);
    // The stream as first sent: a retransmission does not overwrite what came first.
    wire::ByteVector bytes(size, 0);
    std::vector<bool> filled(size, false);
    for (const auto& piece : stream.pieces) {
      const auto& frame = records[piece.record].bytes;
      for (std::size_t k = 0; k < piece.length; ++k) {
        if (filled[piece.stream_offset + k]) continue;
        bytes[piece.stream_offset + k] = frame[piece.frame_offset + k];
        filled[piece.stream_offset + k] = true;
      }
    }
    const auto ranges = password_ranges(bytes, options);
    if (ranges.empty()) continue;
    stats.elements += ranges.size();
    for (const auto& [begin, end] : ranges) stats.bytes_masked += end - begin;
    for (const auto& piece : stream.pieces) {
      auto& frame = records[piece.record].bytes;
      for (const auto& [begin, end] : ranges) {
        const std::size_t from = std::max(begin, piece.stream_offset);
        const std::size_t to = std::min(end, piece.stream_offset + piece.length);
        if (from >= to) continue;
        originals.try_emplace(piece.record, frame);
        for (std::size_t s = from; s < to; ++s) {
          frame[piece.frame_offset + (s - piece.stream_offset)] = static_cast<std::uint8_t>(options.mask);
        }
      }
    }
  }
  for (const auto& [record, original] : originals) {
    if (original == records[record].bytes) continue;  // already masked bytes: unchanged
    update_checksum(records[record].bytes, original, transport[record]);
    ++stats.frames_changed;
  }
  return stats;
}

}  // namespace phonerig::report
