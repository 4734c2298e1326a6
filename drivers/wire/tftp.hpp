// TFTP packets (RFC 1350 section 5) with the option extension (RFC 2347) and the blksize
// (RFC 2348), timeout and tsize (RFC 2349) and windowsize (RFC 7440) options.
//
// Decisions where the RFCs leave room (each one tested in tftp_test.cpp):
// - An empty file name parses: RFC 1350 section 5 only says "a sequence of bytes terminated by
//   a zero byte"; refusing it (ERROR 1 or 2) is the server's business.
// - A mode other than netascii/octet/mail (any case, RFC 1350 section 5) is a parse error.
// - Every request/OACK field is NUL-terminated; an option name without its value field, or an
//   empty option name, is a parse error (RFC 2347 "Packet Formats": opt and value are each a
//   string followed by a zero byte; an empty name is no option).
// - A repeated option (names compared case-insensitively) is a parse error. RFC 2347 says
//   "the order of the options is not significant", which only holds if each option appears
//   once; it does not say which copy wins, so any choice would be a guess the peer may not
//   share.
// - The 512-octet request limit of RFC 2347 is checked by validate(), not by parse(): the RFC
//   states it as a fact of the format, not as a rule for the receiver, and servers such as
//   tftp-hpa read longer requests; a server decides whether to enforce it.
// - Option values are kept as text; the typed accessors check them (a server that meets an
//   out-of-range blksize drops the option from its OACK, RFC 2347 "Negotiation Protocol").
#pragma once

#include "drivers/wire/bytes.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace phonerig::wire::tftp {

inline constexpr std::uint16_t kPort = 69;            // RFC 1350 section 4
inline constexpr std::size_t kDefaultBlockSize = 512; // RFC 1350 section 2
inline constexpr std::size_t kMinBlockSize = 8;       // RFC 2348
inline constexpr std::size_t kMaxBlockSize = 65464;   // RFC 2348
inline constexpr std::size_t kMaxRequestSize = 512;   // RFC 2347 "Packet Formats"

// RFC 1350 section 5 (1-5), RFC 2347 (6).
enum class Opcode : std::uint16_t { rrq = 1, wrq = 2, data = 3, ack = 4, error = 5, oack = 6 };

// RFC 1350 section 5 transfer modes; "mail" is obsolete but still defined.
enum class Mode { netascii, octet, mail };
const char* to_string(Mode mode); // "netascii", "octet", "mail"

// RFC 1350 appendix (0-7), RFC 2347 (8).
enum class ErrorCode : std::uint16_t {
  not_defined = 0,
  file_not_found = 1,
  access_violation = 2,
  disk_full = 3,
  illegal_operation = 4,
  unknown_transfer_id = 5,
  file_exists = 6,
  no_such_user = 7,
  option_negotiation = 8,
};
// The RFC's meaning of a code: "File not found.", "Terminate transfer due to option
// negotiation." ...
const char* description(ErrorCode code);

// One option of an RRQ/WRQ/OACK, as sent: name and value keep their spelling.
struct Option {
  std::string name;
  std::string value;
  // Where the value was parsed (0 when built), so the typed accessors can point at it.
  // Not part of equality.
  std::size_t value_offset = 0;

  bool operator==(const Option& other) const { return name == other.name && value == other.value; }
};

// Options in wire order, with case-insensitive lookup (RFC 2347: names are case-insensitive).
struct Options {
  std::vector<Option> items;

  const Option* find(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name) != nullptr; }
  void add(std::string name, std::string value);

  // Typed values: nullopt when absent, an error naming the option and pointing at its value
  // when it is not a decimal number or out of range.
  ParseResult<std::optional<std::uint16_t>> blksize() const;    // RFC 2348: 8..65464
  ParseResult<std::optional<std::uint64_t>> tsize() const;      // RFC 2349: octets, >= 0
  ParseResult<std::optional<std::uint8_t>> timeout() const;     // RFC 2349: 1..255 s
  ParseResult<std::optional<std::uint16_t>> windowsize() const; // RFC 7440: 1..65535

  bool operator==(const Options&) const = default;
};

// RRQ (opcode 1) or WRQ (opcode 2): filename\0 mode\0 [opt\0 value\0]...
struct Request {
  bool write = false; // false: RRQ, true: WRQ
  std::string filename;
  Mode mode = Mode::octet;
  // The mode as spelled on the wire when it is not the lower-case name ("OCTET", "Octet"),
  // so captures round-trip; empty otherwise. build() ignores a spelling of another mode.
  std::string mode_spelling;
  Options options;
  bool operator==(const Request&) const = default;
};

// DATA (opcode 3): block number, then 0..blksize bytes; shorter than blksize ends the file.
struct Data {
  std::uint16_t block = 0;
  ByteVector payload;
  bool operator==(const Data&) const = default;
};

// ACK (opcode 4): the block number acknowledged (0 acknowledges a WRQ or an OACK).
struct Ack {
  std::uint16_t block = 0;
  bool operator==(const Ack&) const = default;
};

// ERROR (opcode 5): code, then a NUL-terminated message.
struct Error {
  ErrorCode code = ErrorCode::not_defined;
  std::string message;
  bool operator==(const Error&) const = default;
};

// OACK (opcode 6, RFC 2347): the options the server accepted, with the values it chose.
struct Oack {
  Options options;
  bool operator==(const Oack&) const = default;
};

using Packet = std::variant<Request, Data, Ack, Error, Oack>;

Opcode opcode_of(const Packet& packet);

// Parses one UDP payload. Errors name the field and carry its offset in `payload`.
ParseResult<Packet> parse(Bytes payload);
ByteVector build(const Packet& packet);

// The rules parse() leaves to the caller: the request fits kMaxRequestSize octets
// (RFC 2347). The error's offset is where the request passes the limit.
ParseResult<bool> validate(const Request& request);

// Shorthands for the packets a server and a client send.
Packet make_error(ErrorCode code, std::string message = {}); // empty: the RFC description
Packet make_data(std::uint16_t block, Bytes payload);

} // namespace phonerig::wire::tftp
