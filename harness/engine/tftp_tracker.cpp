#include "harness/engine/tftp_tracker.hpp"

#include <variant>

#include "drivers/wire/tftp.hpp"

namespace phonerig::engine {

namespace tftp = wire::tftp;

namespace {

api::Event error_event(const FrameInfo& frame, const std::string& file, const tftp::Error& e) {
  api::Event event = packet_event(frame, "tftp.error");
  if (!file.empty()) event.attrs["file"] = file;
  event.attrs["code"] = std::int64_t{static_cast<std::uint16_t>(e.code)};
  if (!e.message.empty()) event.attrs["message"] = e.message;
  return event;
}

template <class Accessor>
void add_option(api::Event& event, const char* name, const Accessor& value) {
  if (value && *value) event.attrs[name] = static_cast<std::int64_t>(**value);
}

}  // namespace

bool TftpTracker::on_datagram(const FrameInfo& frame, wire::Bytes payload,
                              std::size_t payload_offset, std::vector<api::Event>& out) {
  if (!frame.src_ip || !frame.dst_ip || !frame.src_port || !frame.dst_port) return false;
  const std::uint32_t src = frame.src_ip->value;
  const std::uint32_t dst = frame.dst_ip->value;

  // A packet of a followed transfer: from the server (to the phone's port), or from the
  // phone to the server's TID.
  if (auto it = transfers_.find(Key{dst, *frame.dst_port, src}); it != transfers_.end()) {
    Transfer& t = it->second;
    if (t.server_port == 0 || t.server_port == *frame.src_port) {
      t.server_port = *frame.src_port;
      on_server_packet(frame, t, payload, payload_offset, it->first, out);
      return true;
    }
  }
  if (auto it = transfers_.find(Key{src, *frame.src_port, dst});
      it != transfers_.end() && it->second.server_port != 0 &&
      it->second.server_port == *frame.dst_port) {
    on_client_packet(frame, it->second, payload, payload_offset, it->first, out);
    return true;
  }
  if (*frame.dst_port != tftp::kPort) return false;

  auto packet = tftp::parse(payload);
  if (!packet) {
    out.push_back(malformed_event(frame, "tftp", packet.error(), payload_offset));
    return true;
  }
  const auto* request = std::get_if<tftp::Request>(&*packet);
  if (request == nullptr || request->write) return true;  // WRQ, stray packets: not followed

  api::Event event = packet_event(frame, "tftp.rrq");
  event.attrs["file"] = request->filename;
  event.attrs["mode"] = std::string(tftp::to_string(request->mode));
  add_option(event, "blksize", request->options.blksize());
  add_option(event, "tsize", request->options.tsize());
  add_option(event, "timeout", request->options.timeout());
  add_option(event, "windowsize", request->options.windowsize());
  out.push_back(std::move(event));

  // A new RRQ from the same port (a retransmission, or a new file) replaces the transfer.
  if (transfers_.size() >= kMaxTransfers) {
    auto oldest = transfers_.begin();
    for (auto it = transfers_.begin(); it != transfers_.end(); ++it) {
      if (it->second.sequence < oldest->second.sequence) oldest = it;
    }
    transfers_.erase(oldest);
  }
  Transfer t;
  t.file = request->filename;
  t.started_ns = frame.time_ns;
  t.sequence = ++sequence_;
  t.options_requested = !request->options.items.empty();
  Key key{src, *frame.src_port, dst};
  auto existing = transfers_.find(key);
  // The same request again before any answer: a retransmitted RRQ, not a new transfer.
  if (existing != transfers_.end() && existing->second.file == t.file &&
      existing->second.server_port == 0) {
    return true;
  }
  transfers_[key] = std::move(t);
  return true;
}

void TftpTracker::on_server_packet(const FrameInfo& frame, Transfer& t, wire::Bytes payload,
                                   std::size_t payload_offset, const Key& key,
                                   std::vector<api::Event>& out) {
  auto packet = tftp::parse(payload);
  if (!packet) {
    out.push_back(malformed_event(frame, "tftp", packet.error(), payload_offset));
    return;
  }
  if (const auto* oack = std::get_if<tftp::Oack>(&*packet)) {
    if (auto size = oack->options.blksize(); size && *size) t.block_size = **size;
    return;
  }
  if (const auto* data = std::get_if<tftp::Data>(&*packet)) {
    // Block numbers wrap at 65535 (to 0, as most servers roll over; RFC 1350 is silent).
    if (data->block != t.next_block || t.last_seen) {
      ++t.retransmits;
      return;
    }
    t.bytes += data->payload.size();
    ++t.blocks;
    t.next_block = static_cast<std::uint16_t>(data->block + 1);
    if (data->payload.size() < t.block_size) {
      t.last_seen = true;
      t.last_block = data->block;
      t.last_ns = frame.time_ns;
    }
    return;
  }
  if (const auto* error = std::get_if<tftp::Error>(&*packet)) {
    out.push_back(error_event(frame, t.file, *error));
    transfers_.erase(key);
  }
}

void TftpTracker::on_client_packet(const FrameInfo& frame, Transfer& t, wire::Bytes payload,
                                   std::size_t payload_offset, const Key& key,
                                   std::vector<api::Event>& out) {
  auto packet = tftp::parse(payload);
  if (!packet) {
    out.push_back(malformed_event(frame, "tftp", packet.error(), payload_offset));
    return;
  }
  if (const auto* error = std::get_if<tftp::Error>(&*packet)) {
    // The phone ended the transfer (e.g. option negotiation refused, RFC 2347 code 8).
    out.push_back(error_event(frame, t.file, *error));
    transfers_.erase(key);
    return;
  }
  const auto* ack = std::get_if<tftp::Ack>(&*packet);
  if (ack == nullptr || !t.last_seen || ack->block != t.last_block) return;
  api::Event event = packet_event(frame, "tftp.done");
  event.time_ns = t.last_ns;
  event.attrs["file"] = t.file;
  event.attrs["bytes"] = static_cast<std::int64_t>(t.bytes);
  event.attrs["blocks"] = static_cast<std::int64_t>(t.blocks);
  event.attrs["retransmits"] = static_cast<std::int64_t>(t.retransmits);
  event.attrs["duration_ms"] = (frame.time_ns - t.started_ns) / 1'000'000;
  event.attrs["ack_after_ms"] = (frame.time_ns - t.last_ns) / 1'000'000;
  out.push_back(std::move(event));
  transfers_.erase(key);
}

}  // namespace phonerig::engine
