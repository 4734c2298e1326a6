#include "drivers/wire/dhcp.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace phonerig::wire::dhcp {

namespace {

constexpr std::size_t kSnameOffset = 44; // RFC 2131 section 2, table 1
constexpr std::size_t kFileOffset = 108;

const char* field_name(Area area) {
  switch (area) {
  case Area::options: return "options field";
  case Area::file: return "file field";
  case Area::sname: return "sname field";
  }
  return "field";
}

bool overloads(Overload overload, Area area) {
  if (area == Area::file) return overload == Overload::file || overload == Overload::both;
  if (area == Area::sname) return overload == Overload::sname || overload == Overload::both;
  return true;
}

struct FieldEnd {
  bool found = false;    // an End option closed the field
  std::size_t after = 0; // position just after End (or the field size)
};

// RFC 2132 section 2: Pad (0) and End (255) are one byte; every other option is code,
// length, value. Appends each instance, Pad included, to `out`.
ParseResult<FieldEnd> parse_field(Bytes field, std::size_t base, Area area,
                                  std::vector<Option>& out) {
  ByteReader reader(field, base);
  while (!reader.empty()) {
    const std::size_t at = reader.offset();
    PHONERIG_TRY(std::uint8_t code, reader.u8("option code"));
    if (code == option::kPad) {
      out.push_back(Option{code, {}, area, at});
      continue;
    }
    if (code == option::kEnd) return FieldEnd{true, reader.position()};
    const std::string name = "option " + std::to_string(code);
    if (reader.empty()) {
      return parse_error(at, name + ": no length byte before the end of the " + field_name(area));
    }
    PHONERIG_TRY(std::uint8_t length, reader.u8("option length"));
    if (length > reader.remaining()) {
      return parse_error(at, name + ": length " + std::to_string(length) +
                                 " runs past the end of the " + field_name(area) + ", " +
                                 std::to_string(reader.remaining()) + " bytes left");
    }
    PHONERIG_TRY(Bytes data, reader.bytes(length, name));
    out.push_back(Option{code, ByteVector(data.begin(), data.end()), area, at});
  }
  return FieldEnd{false, field.size()};
}

// A header field given over to options by option 52: they MUST begin at its first byte and
// end with End (RFC 2131 section 4.1). The array keeps only what followed End.
template <std::size_t N>
ParseResult<bool> parse_overloaded(std::array<std::uint8_t, N>& field, std::size_t base, Area area,
                                   std::vector<Option>& out) {
  PHONERIG_TRY(FieldEnd end, parse_field(field, base, area, out));
  if (!end.found) {
    return parse_error(base,
                       std::string(field_name(area)) + " (overloaded by option 52): no End option");
  }
  std::fill_n(field.begin(), end.after, std::uint8_t{0});
  return true;
}

void write_option(ByteWriter& writer, const Option& item) {
  if (item.code == option::kPad && item.data.empty()) {
    writer.u8(option::kPad);
    return;
  }
  if (item.code == option::kPad || item.code == option::kEnd) {
    throw std::invalid_argument("dhcp::build: option " + std::to_string(item.code) +
                                " cannot be an instance with a value");
  }
  if (item.data.size() > 255) {
    throw std::length_error("dhcp::build: an instance of option " + std::to_string(item.code) +
                            " has " + std::to_string(item.data.size()) +
                            " bytes; split it (Options::set does, RFC 3396)");
  }
  writer.u8(item.code).u8(static_cast<std::uint8_t>(item.data.size())).bytes(item.data);
}

// The sname or file field: raw, or, when overloaded, its options and End over the bytes
// that followed End when the message was parsed.
template <std::size_t N>
std::array<std::uint8_t, N> lay_out(const std::array<std::uint8_t, N>& raw, const Options& options,
                                    Area area, bool overloaded) {
  if (!overloaded) return raw;
  ByteWriter writer;
  for (const auto& item : options.items()) {
    if (item.area == area) write_option(writer, item);
  }
  writer.u8(option::kEnd);
  if (writer.size() > N) {
    throw std::length_error(std::string("dhcp::build: the options of the ") + field_name(area) +
                            " take " + std::to_string(writer.size()) + " bytes, " +
                            std::to_string(N) + " fit");
  }
  auto out = raw;
  std::copy(writer.view().begin(), writer.view().end(), out.begin());
  return out;
}

template <std::size_t N> std::string up_to_nul(const std::array<std::uint8_t, N>& field) {
  auto end = std::find(field.begin(), field.end(), std::uint8_t{0});
  return std::string(field.begin(), end);
}

template <std::size_t N>
void put_text(std::array<std::uint8_t, N>& field, std::string_view text, const char* name) {
  if (text.size() >= N) {
    throw std::length_error(std::string("dhcp: ") + name + " of " + std::to_string(text.size()) +
                            " characters does not fit " + std::to_string(N) +
                            " bytes with its NUL");
  }
  field.fill(0);
  std::copy(text.begin(), text.end(), field.begin());
}

bool is_overloaded(const Options& options, Area area) {
  auto overload = options.overload();
  return overload && overloads(*overload, area);
}

} // namespace

void Message::set_broadcast(bool on) {
  flags = static_cast<std::uint16_t>(on ? (flags | kBroadcastFlag) : (flags & ~kBroadcastFlag));
}

std::optional<Mac> Message::mac() const {
  if (htype != 1 || hlen != 6) return std::nullopt;
  return Mac::from_bytes(Bytes(chaddr).first(6));
}

void Message::set_mac(const Mac& mac) {
  htype = 1;
  hlen = 6;
  chaddr.fill(0);
  std::copy(mac.octets.begin(), mac.octets.end(), chaddr.begin());
}

std::string Message::server_name() const {
  return is_overloaded(options, Area::sname) ? std::string() : up_to_nul(sname);
}

std::string Message::boot_file() const {
  return is_overloaded(options, Area::file) ? std::string() : up_to_nul(file);
}

void Message::set_server_name(std::string_view name) {
  put_text(sname, name, "sname");
}
void Message::set_boot_file(std::string_view name) {
  put_text(file, name, "file");
}

ParseResult<Message> parse(Bytes payload) {
  if (payload.size() < kHeaderSize) {
    return parse_error(0, "bootp header: needs 236 bytes, " + std::to_string(payload.size()) +
                              " left");
  }
  ByteReader reader(payload);
  Message message;
  PHONERIG_TRY(std::uint8_t op, reader.u8("op"));
  if (op != 1 && op != 2) {
    return parse_error(0, "op: " + std::to_string(op) +
                              " is neither 1 (BOOTREQUEST) nor 2 (BOOTREPLY)");
  }
  message.op = static_cast<Op>(op);
  PHONERIG_TRY(message.htype, reader.u8("htype"));
  PHONERIG_TRY(message.hlen, reader.u8("hlen"));
  if (message.hlen > message.chaddr.size()) {
    return parse_error(2, "hlen: " + std::to_string(message.hlen) +
                              " is more than the 16 bytes of chaddr");
  }
  PHONERIG_TRY(message.hops, reader.u8("hops"));
  PHONERIG_TRY(message.xid, reader.u32("xid"));
  PHONERIG_TRY(message.secs, reader.u16("secs"));
  PHONERIG_TRY(message.flags, reader.u16("flags"));
  PHONERIG_TRY(message.ciaddr, read_ipv4(reader, "ciaddr"));
  PHONERIG_TRY(message.yiaddr, read_ipv4(reader, "yiaddr"));
  PHONERIG_TRY(message.siaddr, read_ipv4(reader, "siaddr"));
  PHONERIG_TRY(message.giaddr, read_ipv4(reader, "giaddr"));
  PHONERIG_TRY(Bytes chaddr, reader.bytes(message.chaddr.size(), "chaddr"));
  std::copy(chaddr.begin(), chaddr.end(), message.chaddr.begin());
  PHONERIG_TRY(Bytes sname, reader.bytes(message.sname.size(), "sname"));
  std::copy(sname.begin(), sname.end(), message.sname.begin());
  PHONERIG_TRY(Bytes file, reader.bytes(message.file.size(), "file"));
  std::copy(file.begin(), file.end(), message.file.begin());

  PHONERIG_TRY(std::uint32_t cookie, reader.u32("magic cookie"));
  if (cookie != kMagicCookie) {
    char text[64];
    std::snprintf(text, sizeof text, "magic cookie: 0x%08x is not 0x63825363",
                  static_cast<unsigned>(cookie));
    return parse_error(kHeaderSize, text);
  }

  auto& items = message.options.items();
  const Bytes field = reader.rest();
  PHONERIG_TRY(FieldEnd end, parse_field(field, kOptionsOffset, Area::options, items));
  // RFC 2132 section 9.3: after the options field, file (1, 3) then sname (2, 3); RFC 3396
  // concatenates split options in that same order.
  PHONERIG_TRY(Overload overload, message.options.overload());
  if (overloads(overload, Area::file)) {
    PHONERIG_CHECK(parse_overloaded(message.file, kFileOffset, Area::file, items));
  }
  if (overloads(overload, Area::sname)) {
    PHONERIG_CHECK(parse_overloaded(message.sname, kSnameOffset, Area::sname, items));
  }
  for (const auto& item : items) {
    if (item.code == option::kOverload && item.area != Area::options) {
      return parse_error(item.offset, std::string("option 52: found in the ") +
                                          field_name(item.area) +
                                          "; only the options field may overload");
    }
  }
  PHONERIG_CHECK(message.options.message_type());

  if (!end.found) {
    message.end_option = false;
    message.padding = ByteVector{};
  } else {
    const Bytes tail = field.subspan(end.after);
    const std::size_t content = kOptionsOffset + end.after;
    const bool zeros = std::all_of(tail.begin(), tail.end(), [](std::uint8_t b) { return b == 0; });
    if (!zeros || payload.size() != std::max(kBootpMinimumSize, content)) {
      message.padding = ByteVector(tail.begin(), tail.end());
    }
  }
  return message;
}

ByteVector build(const Message& message) {
  auto overload = message.options.overload();
  if (!overload) throw std::invalid_argument("dhcp::build: " + overload.error().what);
  ByteWriter writer(kBootpMinimumSize);
  writer.u8(static_cast<std::uint8_t>(message.op)).u8(message.htype).u8(message.hlen);
  writer.u8(message.hops).u32(message.xid).u16(message.secs).u16(message.flags);
  write_ipv4(writer, message.ciaddr);
  write_ipv4(writer, message.yiaddr);
  write_ipv4(writer, message.siaddr);
  write_ipv4(writer, message.giaddr);
  writer.bytes(message.chaddr);
  const bool sname_overloaded = overloads(*overload, Area::sname);
  const bool file_overloaded = overloads(*overload, Area::file);
  writer.bytes(lay_out(message.sname, message.options, Area::sname, sname_overloaded));
  writer.bytes(lay_out(message.file, message.options, Area::file, file_overloaded));
  writer.u32(kMagicCookie);
  for (const auto& item : message.options.items()) {
    if (item.area == Area::options) {
      write_option(writer, item);
    } else if (!(item.area == Area::file ? file_overloaded : sname_overloaded)) {
      throw std::invalid_argument("dhcp::build: option " + std::to_string(item.code) +
                                  " is in the " + field_name(item.area) +
                                  ", which option 52 does not overload");
    }
  }
  if (message.end_option) writer.u8(option::kEnd);
  if (message.padding) {
    writer.bytes(*message.padding);
  } else if (writer.size() < kBootpMinimumSize) {
    writer.zeros(kBootpMinimumSize - writer.size());
  }
  return writer.take();
}

} // namespace phonerig::wire::dhcp
