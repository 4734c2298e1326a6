#include "drivers/wire/tftp.hpp"

#include <limits>

namespace phonerig::wire::tftp {
namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// A field quoted for an error message: printable ASCII as is, other bytes as \xNN, long
// values cut, so a fuzzed name never floods a log line.
std::string quoted(std::string_view text) {
  static constexpr std::size_t kMax = 40;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    }
  }
  if (text.size() > kMax) out += "...";
  return out + "\"";
}

// RFC 2347: opt1\0 value1\0 ... up to the end of the packet.
ParseResult<Options> parse_options(ByteReader& reader) {
  Options options;
  while (!reader.empty()) {
    std::size_t index = options.items.size() + 1;
    std::size_t name_offset = reader.offset();
    PHONERIG_TRY(std::string name, reader.cstring("option " + std::to_string(index) + " name"));
    if (name.empty()) {
      return parse_error(name_offset, "option " + std::to_string(index) + ": empty name");
    }
    if (const Option* earlier = options.find(name)) {
      return parse_error(name_offset, "option " + quoted(name) + ": repeats option " +
                                          quoted(earlier->name) +
                                          " (RFC 2347 gives a repeated option no meaning)");
    }
    std::size_t value_offset = reader.offset();
    PHONERIG_TRY(std::string value, reader.cstring("option " + quoted(name) + " value"));
    options.items.push_back(Option{std::move(name), std::move(value), value_offset});
  }
  return options;
}

ParseResult<Packet> parse_request(ByteReader& reader, bool write) {
  Request request;
  request.write = write;
  PHONERIG_TRY(request.filename, reader.cstring("filename"));
  std::size_t mode_offset = reader.offset();
  PHONERIG_TRY(std::string mode, reader.cstring("mode"));
  bool known = false;
  for (Mode m : {Mode::netascii, Mode::octet, Mode::mail}) {
    if (iequals(mode, to_string(m))) {
      request.mode = m;
      known = true;
    }
  }
  if (!known) {
    return parse_error(mode_offset, "mode: unknown transfer mode " + quoted(mode) +
                                        " (netascii, octet or mail)");
  }
  if (mode != to_string(request.mode)) request.mode_spelling = std::move(mode);
  PHONERIG_TRY(request.options, parse_options(reader));
  return Packet{std::move(request)};
}

ParseResult<bool> expect_end(const ByteReader& reader, std::string_view after) {
  if (reader.empty()) return true;
  return parse_error(reader.offset(),
                     std::to_string(reader.remaining()) + " bytes after the " + std::string(after));
}

// A decimal option value within [min, max] (RFC 2348/2349/7440 values are decimal ASCII).
ParseResult<std::optional<std::uint64_t>> numeric(const Options& options, std::string_view name,
                                                  std::uint64_t min, std::uint64_t max) {
  const Option* option = options.find(name);
  if (option == nullptr) return std::optional<std::uint64_t>{};
  const std::string& text = option->value;
  std::string label = "option " + std::string(name) + ": ";
  if (text.empty()) return parse_error(option->value_offset, label + "empty value");
  std::uint64_t value = 0;
  bool overflow = false;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return parse_error(option->value_offset, label + quoted(text) + " is not a decimal number");
    }
    auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) overflow = true;
    value = overflow ? value : value * 10 + digit;
  }
  if (overflow || value < min || value > max) {
    return parse_error(option->value_offset, label + quoted(text) + " is out of range " +
                                                 std::to_string(min) + ".." + std::to_string(max));
  }
  return std::optional<std::uint64_t>{value};
}

template <class T>
ParseResult<std::optional<T>> narrow(ParseResult<std::optional<std::uint64_t>> wide) {
  PHONERIG_TRY(std::optional<std::uint64_t> value, std::move(wide));
  if (!value) return std::optional<T>{};
  return std::optional<T>{static_cast<T>(*value)};
}

void write_options(ByteWriter& writer, const Options& options) {
  for (const Option& option : options.items) {
    writer.bytes(option.name).u8(0).bytes(option.value).u8(0);
  }
}

} // namespace

const char* to_string(Mode mode) {
  switch (mode) {
  case Mode::netascii: return "netascii";
  case Mode::octet: return "octet";
  case Mode::mail: return "mail";
  }
  return "octet";
}

const char* description(ErrorCode code) {
  switch (code) {
  case ErrorCode::not_defined: return "Not defined, see error message (if any).";
  case ErrorCode::file_not_found: return "File not found.";
  case ErrorCode::access_violation: return "Access violation.";
  case ErrorCode::disk_full: return "Disk full or allocation exceeded.";
  case ErrorCode::illegal_operation: return "Illegal TFTP operation.";
  case ErrorCode::unknown_transfer_id: return "Unknown transfer ID.";
  case ErrorCode::file_exists: return "File already exists.";
  case ErrorCode::no_such_user: return "No such user.";
  case ErrorCode::option_negotiation: return "Terminate transfer due to option negotiation.";
  }
  return "Not defined, see error message (if any).";
}

const Option* Options::find(std::string_view name) const {
  for (const Option& option : items) {
    if (iequals(option.name, name)) return &option;
  }
  return nullptr;
}

void Options::add(std::string name, std::string value) {
  items.push_back(Option{std::move(name), std::move(value), 0});
}

ParseResult<std::optional<std::uint16_t>> Options::blksize() const {
  return narrow<std::uint16_t>(numeric(*this, "blksize", kMinBlockSize, kMaxBlockSize));
}

ParseResult<std::optional<std::uint64_t>> Options::tsize() const {
  return numeric(*this, "tsize", 0, std::numeric_limits<std::uint64_t>::max());
}

ParseResult<std::optional<std::uint8_t>> Options::timeout() const {
  return narrow<std::uint8_t>(numeric(*this, "timeout", 1, 255));
}

ParseResult<std::optional<std::uint16_t>> Options::windowsize() const {
  return narrow<std::uint16_t>(numeric(*this, "windowsize", 1, 65535));
}

Opcode opcode_of(const Packet& packet) {
  struct Visitor {
    Opcode operator()(const Request& r) const { return r.write ? Opcode::wrq : Opcode::rrq; }
    Opcode operator()(const Data&) const { return Opcode::data; }
    Opcode operator()(const Ack&) const { return Opcode::ack; }
    Opcode operator()(const Error&) const { return Opcode::error; }
    Opcode operator()(const Oack&) const { return Opcode::oack; }
  };
  return std::visit(Visitor{}, packet);
}

ParseResult<Packet> parse(Bytes payload) {
  ByteReader reader(payload);
  PHONERIG_TRY(std::uint16_t opcode, reader.u16("opcode"));
  switch (opcode) {
  case static_cast<std::uint16_t>(Opcode::rrq):
  case static_cast<std::uint16_t>(Opcode::wrq):
    return parse_request(reader, opcode == static_cast<std::uint16_t>(Opcode::wrq));
  case static_cast<std::uint16_t>(Opcode::data): {
    Data data;
    PHONERIG_TRY(data.block, reader.u16("data: block number"));
    // RFC 2348 caps the block size, so no valid DATA carries more than 65464 bytes.
    if (reader.remaining() > kMaxBlockSize) {
      return parse_error(reader.offset(), "data: " + std::to_string(reader.remaining()) +
                                              " bytes exceed the largest block size " +
                                              std::to_string(kMaxBlockSize));
    }
    Bytes rest = reader.rest();
    data.payload.assign(rest.begin(), rest.end());
    return Packet{std::move(data)};
  }
  case static_cast<std::uint16_t>(Opcode::ack): {
    Ack ack;
    PHONERIG_TRY(ack.block, reader.u16("ack: block number"));
    PHONERIG_CHECK(expect_end(reader, "ack's block number"));
    return Packet{ack};
  }
  case static_cast<std::uint16_t>(Opcode::error): {
    Error error;
    std::size_t code_offset = reader.offset();
    PHONERIG_TRY(std::uint16_t code, reader.u16("error: code"));
    if (code > static_cast<std::uint16_t>(ErrorCode::option_negotiation)) {
      return parse_error(code_offset,
                         "error: code " + std::to_string(code) + " is not defined (0..8)");
    }
    error.code = static_cast<ErrorCode>(code);
    PHONERIG_TRY(error.message, reader.cstring("error: message"));
    PHONERIG_CHECK(expect_end(reader, "error message's NUL"));
    return Packet{std::move(error)};
  }
  case static_cast<std::uint16_t>(Opcode::oack): {
    Oack oack;
    PHONERIG_TRY(oack.options, parse_options(reader));
    return Packet{std::move(oack)};
  }
  default:
    return parse_error(0, "opcode: " + std::to_string(opcode) + " is not a TFTP opcode (1..6)");
  }
}

ByteVector build(const Packet& packet) {
  ByteWriter writer;
  writer.u16(static_cast<std::uint16_t>(opcode_of(packet)));
  if (const auto* request = std::get_if<Request>(&packet)) {
    const char* mode = to_string(request->mode);
    bool spelled = !request->mode_spelling.empty() && iequals(request->mode_spelling, mode);
    writer.bytes(request->filename).u8(0);
    writer.bytes(spelled ? std::string_view(request->mode_spelling) : std::string_view(mode)).u8(0);
    write_options(writer, request->options);
  } else if (const auto* data = std::get_if<Data>(&packet)) {
    writer.u16(data->block).bytes(Bytes(data->payload));
  } else if (const auto* ack = std::get_if<Ack>(&packet)) {
    writer.u16(ack->block);
  } else if (const auto* error = std::get_if<Error>(&packet)) {
    writer.u16(static_cast<std::uint16_t>(error->code)).bytes(error->message).u8(0);
  } else if (const auto* oack = std::get_if<Oack>(&packet)) {
    write_options(writer, oack->options);
  }
  return writer.take();
}

ParseResult<bool> validate(const Request& request) {
  std::size_t size = build(Packet{request}).size();
  if (size > kMaxRequestSize) {
    return parse_error(kMaxRequestSize, "request: " + std::to_string(size) +
                                            " octets exceed the 512-octet limit of RFC 2347");
  }
  return true;
}

Packet make_error(ErrorCode code, std::string message) {
  if (message.empty()) message = description(code);
  return Error{code, std::move(message)};
}

Packet make_data(std::uint16_t block, Bytes payload) {
  return Data{block, ByteVector(payload.begin(), payload.end())};
}

} // namespace phonerig::wire::tftp
