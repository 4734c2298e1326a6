#include "drivers/services/tftp/transfer.hpp"

#include <algorithm>
#include <cctype>

namespace phonerig::services::tftp {

namespace tftp = wire::tftp;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

constexpr std::uint16_t kMaxWindow = 4096;

}  // namespace

Negotiation negotiate(const tftp::Options& requested, std::uint64_t file_size,
                      const TransferLimits& limits) {
  Negotiation out;
  out.timeout = limits.retransmit_timeout;
  const std::size_t max_blksize =
      std::clamp<std::size_t>(limits.max_blksize, tftp::kMinBlockSize, tftp::kMaxBlockSize);
  const std::uint16_t max_window = std::clamp<std::uint16_t>(limits.max_windowsize, 1, kMaxWindow);
  // In the client's order and spelling; each option appears once (the codec refuses repeats).
  for (const tftp::Option& option : requested.items) {
    if (iequals(option.name, "blksize")) {
      auto value = requested.blksize();
      if (!value || !value->has_value()) continue;
      out.blksize = std::min<std::size_t>(**value, max_blksize);  // RFC 2348: never more
      out.oack.add(option.name, std::to_string(out.blksize));
    } else if (iequals(option.name, "tsize")) {
      auto value = requested.tsize();
      if (!value || !value->has_value()) continue;
      out.oack.add(option.name, std::to_string(file_size));  // RFC 2349: RRQ asks with 0
    } else if (iequals(option.name, "timeout")) {
      auto value = requested.timeout();
      if (!value || !value->has_value() || !limits.honour_timeout_option) continue;
      out.timeout = std::chrono::seconds(**value);
      out.oack.add(option.name, std::to_string(**value));  // RFC 2349: echoed as sent
    } else if (iequals(option.name, "windowsize")) {
      auto value = requested.windowsize();
      if (!value || !value->has_value()) continue;
      out.windowsize = std::min<std::uint16_t>(**value, max_window);
      out.oack.add(option.name, std::to_string(out.windowsize));
    }
  }
  return out;
}

Transfer::Transfer(files::File file, const tftp::Request& request, const TransferLimits& limits,
                   TimePoint now)
    : file_(std::move(file)), limits_(limits), started_(now) {
  negotiation_ = negotiate(request.options, file_.size(), limits_);
  // A file of an exact multiple of blksize ends with an empty DATA (RFC 1350 section 6).
  last_block_ = file_.size() / negotiation_.blksize + 1;
  state_ = negotiation_.oack.items.empty() ? State::sending : State::awaiting_oack_ack;
}

Transfer::Step Transfer::start(TimePoint now) {
  if (state_ == State::awaiting_oack_ack) {
    Step step;
    step.send.push_back(tftp::build(tftp::Oack{negotiation_.oack}));
    deadline_ = now + negotiation_.timeout;
    step.deadline = deadline_;
    return step;
  }
  return send_window(1, now);
}

Transfer::Step Transfer::send_window(std::uint64_t first, TimePoint now) {
  Step step;
  const std::size_t blksize = negotiation_.blksize;
  const std::uint64_t last = std::min<std::uint64_t>(first + negotiation_.windowsize - 1,
                                                     last_block_);
  for (std::uint64_t index = first; index <= last; ++index) {
    const std::uint64_t offset = (index - 1) * blksize;
    const std::size_t length =
        static_cast<std::size_t>(std::min<std::uint64_t>(blksize, file_.size() - offset));
    wire::ByteVector packet(4 + length);
    packet[0] = 0;
    packet[1] = static_cast<std::uint8_t>(tftp::Opcode::data);
    // RFC 1350 section 5: 16-bit block number; wraps from 65535 to 0 past 32 MiB at 512.
    const auto block = static_cast<std::uint16_t>(index & 0xffff);
    packet[2] = static_cast<std::uint8_t>(block >> 8);
    packet[3] = static_cast<std::uint8_t>(block & 0xff);
    auto read = file_.read(offset, std::span<std::uint8_t>(packet).subspan(4));
    if (!read || *read != length) {
      return fail_with(tftp::ErrorCode::not_defined,
                       read ? "short read of " + file_.name() : read.error(), now);
    }
    if (index <= sent_) ++stats_.retransmits;
    step.send.push_back(std::move(packet));
  }
  sent_ = std::max(sent_, last);
  deadline_ = now + negotiation_.timeout;
  step.deadline = deadline_;
  return step;
}

Transfer::Step Transfer::fail_with(tftp::ErrorCode code, std::string message, TimePoint now) {
  Step step;
  tftp::Error error{code, std::move(message)};
  step.send.push_back(tftp::build(error));
  step.error_sent = std::move(error);
  state_ = State::failed;
  finish(now);
  return step;
}

void Transfer::finish(TimePoint now) {
  stats_.blocks = acked_;
  stats_.bytes = std::min<std::uint64_t>(acked_ * negotiation_.blksize, file_.size());
  stats_.duration = std::chrono::duration_cast<std::chrono::milliseconds>(now - started_);
}

Transfer::Step Transfer::on_packet(wire::Bytes payload, TimePoint now) {
  Step waiting;
  if (finished()) return waiting;
  waiting.deadline = deadline_;
  auto parsed = tftp::parse(payload);
  if (!parsed) {
    waiting.malformed = parsed.error();  // garbage does not end a transfer
    return waiting;
  }
  if (auto* error = std::get_if<tftp::Error>(&*parsed)) {
    // The client ends it: ERROR 8 refuses our OACK, ERROR 3 a tsize too large (RFC 2347/2349).
    Step step;
    step.error_received = *error;
    state_ = State::failed;
    finish(now);
    return step;
  }
  const auto* ack = std::get_if<tftp::Ack>(&*parsed);
  if (ack == nullptr) {
    return fail_with(tftp::ErrorCode::illegal_operation,
                     "only ACK or ERROR expected during a read transfer", now);
  }
  if (state_ == State::awaiting_oack_ack) {
    if (ack->block != 0) return waiting;  // not the answer to our OACK: wait, resend on timeout
    state_ = State::sending;
    timeouts_in_a_row_ = 0;
    return send_window(1, now);
  }
  // Which block is acknowledged: the one among those in flight whose low 16 bits match.
  const std::uint64_t distance =
      static_cast<std::uint16_t>(ack->block - static_cast<std::uint16_t>(acked_ & 0xffff));
  if (distance == 0 || distance > sent_ - acked_) {
    return waiting;  // duplicate or stale ACK: never resend for it (Sorcerer's Apprentice)
  }
  acked_ += distance;
  timeouts_in_a_row_ = 0;
  if (acked_ == last_block_) {
    state_ = State::done;
    finish(now);
    return Step{};
  }
  return send_window(acked_ + 1, now);
}

Transfer::Step Transfer::on_timeout(TimePoint now) {
  if (finished()) return Step{};
  if (now < deadline_) {
    Step step;
    step.deadline = deadline_;
    return step;
  }
  if (++timeouts_in_a_row_ > limits_.max_retransmits) {
    return fail_with(tftp::ErrorCode::not_defined,
                     "timed out after " + std::to_string(limits_.max_retransmits) +
                         " retransmissions",
                     now);
  }
  if (state_ == State::awaiting_oack_ack) {
    Step step;
    step.send.push_back(tftp::build(tftp::Oack{negotiation_.oack}));
    ++stats_.retransmits;
    deadline_ = now + negotiation_.timeout;
    step.deadline = deadline_;
    return step;
  }
  return send_window(acked_ + 1, now);
}

}  // namespace phonerig::services::tftp
