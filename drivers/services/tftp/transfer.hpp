// The pure core of the TFTP server: one read transfer as a state machine. Given the request,
// the open file, each packet the client sends and the time, it answers the packets to send
// and when to be woken if nothing arrives. No sockets, no clock reads, no threads.
//
// RFC 1350 (lock-step DATA/ACK), RFC 2347 option negotiation (OACK, answered by ACK 0),
// RFC 2348 blksize, RFC 2349 timeout and tsize, RFC 7440 windowsize. Rules it keeps
// (protocols.md section 5):
// - DATA is sent again only on timeout, never because of a duplicate ACK (RFC 1123
//   section 4.2.3.1, the Sorcerer's Apprentice bug);
// - an ACK inside the window moves the window to the block after it (RFC 7440 section 4:
//   the receiver acknowledges the last block it got in order);
// - block numbers are 16 bits and wrap from 65535 to 0, as tftp-hpa, atftp and curl expect;
// - after `max_retransmits` timeouts in a row the transfer gives up with ERROR 0.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drivers/services/files/file_store.hpp"
#include "drivers/wire/tftp.hpp"

namespace phonerig::services::tftp {

using TimePoint = std::chrono::steady_clock::time_point;

struct TransferLimits {
  // Wait before sending again when the client asked for no timeout option (tftp-hpa: 1 s).
  std::chrono::milliseconds retransmit_timeout{1000};
  int max_retransmits = 5;            // timeouts in a row before the transfer gives up
  std::uint16_t max_blksize = 65464;  // RFC 2348 upper bound; a larger request gets this
  std::uint16_t max_windowsize = 64;  // RFC 7440; at most 4096 (block numbers stay unambiguous)
  bool honour_timeout_option = true;  // RFC 2349: use the client's timeout when it sends one
};

// What RFC 2347-2349/7440 options make of a request: the values the transfer uses and the
// OACK (empty when no option was accepted: the transfer starts with DATA 1).
struct Negotiation {
  std::size_t blksize = wire::tftp::kDefaultBlockSize;
  std::uint16_t windowsize = 1;
  std::chrono::milliseconds timeout{1000};
  wire::tftp::Options oack;
};

// Unknown options, and known ones with a value out of range or not a number, are left out
// of the OACK (RFC 2347: the server omits options it does not accept).
Negotiation negotiate(const wire::tftp::Options& requested, std::uint64_t file_size,
                      const TransferLimits& limits);

class Transfer {
 public:
  enum class State { awaiting_oack_ack, sending, done, failed };

  struct Step {
    std::vector<wire::ByteVector> send;  // to the client's TID, in order
    std::optional<TimePoint> deadline;   // call on_timeout() then; none when finished
    std::optional<wire::ParseError> malformed;        // a packet that did not parse (ignored)
    std::optional<wire::tftp::Error> error_sent;      // an ERROR among `send`
    std::optional<wire::tftp::Error> error_received;  // the client ended the transfer
  };

  struct Stats {
    std::uint64_t bytes = 0;        // payload bytes acknowledged
    std::uint64_t blocks = 0;       // DATA blocks acknowledged
    std::uint64_t retransmits = 0;  // DATA (and OACK) packets sent again
    std::chrono::milliseconds duration{0};
  };

  Transfer(files::File file, const wire::tftp::Request& request, const TransferLimits& limits,
           TimePoint now);

  Step start(TimePoint now);                          // the OACK, or the first window
  Step on_packet(wire::Bytes payload, TimePoint now);  // a datagram from the client's TID
  Step on_timeout(TimePoint now);

  State state() const { return state_; }
  bool finished() const { return state_ == State::done || state_ == State::failed; }
  const Negotiation& negotiation() const { return negotiation_; }
  const Stats& stats() const { return stats_; }
  const files::File& file() const { return file_; }
  std::uint64_t last_block() const { return last_block_; }  // index of the final DATA block

 private:
  Step send_window(std::uint64_t first, TimePoint now);
  Step fail_with(wire::tftp::ErrorCode code, std::string message, TimePoint now);
  void finish(TimePoint now);

  files::File file_;
  Negotiation negotiation_;
  TransferLimits limits_;
  TimePoint started_;
  State state_ = State::sending;
  std::uint64_t last_block_ = 1;  // blocks are counted from 1; the last is shorter than blksize
  std::uint64_t acked_ = 0;       // highest block index acknowledged
  std::uint64_t sent_ = 0;        // highest block index sent
  TimePoint deadline_{};
  int timeouts_in_a_row_ = 0;
  Stats stats_;
};

}  // namespace phonerig::services::tftp
