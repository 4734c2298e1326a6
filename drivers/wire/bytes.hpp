// The one bounds-checked reader every parser goes through, the writer every builder
// uses, and the precise parse error (what, at which offset) they return.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/wire/expected.hpp"

namespace phonerig::wire {

using Bytes = std::span<const std::uint8_t>;
using ByteVector = std::vector<std::uint8_t>;

// What was wrong and where. `offset` counts from the start of the buffer handed to the
// outermost parser (readers carry a base offset, so nested parsers report absolute
// offsets); `what` names the field: "option 150: length 9 runs past the end".
struct ParseError {
  std::size_t offset = 0;
  std::string what;

  // "what at offset N"
  std::string to_string() const;
  // The same error seen from an enclosing layer: "dhcp: <what>", offset + base.
  ParseError within(std::string_view layer, std::size_t base = 0) const;
  bool operator==(const ParseError&) const = default;
};

// For test failure messages and logs: "what at offset N".
std::ostream& operator<<(std::ostream& out, const ParseError& error);

template <class T>
using ParseResult = Expected<T, ParseError>;

inline Unexpected<ParseError> parse_error(std::size_t offset, std::string what) {
  return Unexpected<ParseError>{ParseError{offset, std::move(what)}};
}

inline Bytes as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}
inline std::string_view as_string_view(Bytes bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

class ByteReader {
 public:
  // `base` is the absolute offset of data[0], used only for error offsets.
  explicit ByteReader(Bytes data, std::size_t base = 0) : data_(data), base_(base) {}

  std::size_t offset() const { return base_ + pos_; }   // absolute, for errors
  std::size_t position() const { return pos_; }         // relative to this reader
  std::size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return pos_ == data_.size(); }
  Bytes data() const { return data_; }

  // Each read names its field so a short buffer reports "field: needs 2 bytes, 1 left".
  ParseResult<std::uint8_t> u8(std::string_view field);
  ParseResult<std::uint16_t> u16(std::string_view field);   // big endian
  ParseResult<std::uint32_t> u24(std::string_view field);   // big endian
  ParseResult<std::uint32_t> u32(std::string_view field);   // big endian
  ParseResult<Bytes> bytes(std::size_t count, std::string_view field);
  ParseResult<std::string> string(std::size_t count, std::string_view field);
  // A sub-reader over the next `count` bytes, whose errors keep absolute offsets.
  ParseResult<ByteReader> sub(std::size_t count, std::string_view field);
  ParseResult<bool> skip(std::size_t count, std::string_view field);
  // Bytes up to (not including) the next NUL; the NUL is consumed. No NUL: error.
  ParseResult<std::string> cstring(std::string_view field);
  Bytes rest();  // consumes everything left
  Bytes peek_rest() const { return data_.subspan(pos_); }

 private:
  ParseResult<bool> need(std::size_t count, std::string_view field) const;

  Bytes data_;
  std::size_t base_ = 0;
  std::size_t pos_ = 0;
};

class ByteWriter {
 public:
  ByteWriter() = default;
  explicit ByteWriter(std::size_t reserve) { out_.reserve(reserve); }

  ByteWriter& u8(std::uint8_t v);
  ByteWriter& u16(std::uint16_t v);
  ByteWriter& u24(std::uint32_t v);
  ByteWriter& u32(std::uint32_t v);
  ByteWriter& bytes(Bytes v);
  ByteWriter& bytes(std::string_view v);
  ByteWriter& zeros(std::size_t count);
  // Back-patch a field written earlier (a length, a checksum).
  void put_u16_at(std::size_t pos, std::uint16_t v);
  void put_u32_at(std::size_t pos, std::uint32_t v);

  std::size_t size() const { return out_.size(); }
  const ByteVector& view() const { return out_; }
  ByteVector take() { return std::move(out_); }

 private:
  ByteVector out_;
};

// Lower-case hex of bytes, no separators ("0a1b").
std::string to_hex(Bytes bytes);
// Parses hex with optional whitespace and ':' separators; nullopt-like error on bad digits.
ParseResult<ByteVector> from_hex(std::string_view hex);

}  // namespace phonerig::wire
