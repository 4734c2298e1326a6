#include "drivers/wire/bytes.hpp"

#include <array>
#include <ostream>

namespace phonerig::wire {

std::string ParseError::to_string() const {
  return what + " at offset " + std::to_string(offset);
}

std::ostream& operator<<(std::ostream& out, const ParseError& error) {
  return out << error.to_string();
}

ParseError ParseError::within(std::string_view layer, std::size_t base) const {
  std::string prefixed;
  prefixed.reserve(layer.size() + 2 + what.size());
  prefixed.append(layer).append(": ").append(what);
  return ParseError{offset + base, std::move(prefixed)};
}

ParseResult<bool> ByteReader::need(std::size_t count, std::string_view field) const {
  if (count <= remaining()) return true;
  return parse_error(offset(), std::string(field) + ": needs " + std::to_string(count) +
                                   " bytes, " + std::to_string(remaining()) + " left");
}

ParseResult<std::uint8_t> ByteReader::u8(std::string_view field) {
  PHONERIG_CHECK(need(1, field));
  return data_[pos_++];
}

ParseResult<std::uint16_t> ByteReader::u16(std::string_view field) {
  PHONERIG_CHECK(need(2, field));
  auto v = static_cast<std::uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
  pos_ += 2;
  return v;
}

ParseResult<std::uint32_t> ByteReader::u24(std::string_view field) {
  PHONERIG_CHECK(need(3, field));
  std::uint32_t v = (std::uint32_t{data_[pos_]} << 16) | (std::uint32_t{data_[pos_ + 1]} << 8) |
                    std::uint32_t{data_[pos_ + 2]};
  pos_ += 3;
  return v;
}

ParseResult<std::uint32_t> ByteReader::u32(std::string_view field) {
  PHONERIG_CHECK(need(4, field));
  std::uint32_t v = (std::uint32_t{data_[pos_]} << 24) | (std::uint32_t{data_[pos_ + 1]} << 16) |
                    (std::uint32_t{data_[pos_ + 2]} << 8) | std::uint32_t{data_[pos_ + 3]};
  pos_ += 4;
  return v;
}

ParseResult<Bytes> ByteReader::bytes(std::size_t count, std::string_view field) {
  PHONERIG_CHECK(need(count, field));
  Bytes out = data_.subspan(pos_, count);
  pos_ += count;
  return out;
}

ParseResult<std::string> ByteReader::string(std::size_t count, std::string_view field) {
  PHONERIG_TRY(Bytes raw, bytes(count, field));
  return std::string(as_string_view(raw));
}

ParseResult<ByteReader> ByteReader::sub(std::size_t count, std::string_view field) {
  std::size_t start = offset();
  PHONERIG_TRY(Bytes raw, bytes(count, field));
  return ByteReader(raw, start);
}

ParseResult<bool> ByteReader::skip(std::size_t count, std::string_view field) {
  PHONERIG_CHECK(need(count, field));
  pos_ += count;
  return true;
}

ParseResult<std::string> ByteReader::cstring(std::string_view field) {
  for (std::size_t i = pos_; i < data_.size(); ++i) {
    if (data_[i] == 0) {
      std::string out(as_string_view(data_.subspan(pos_, i - pos_)));
      pos_ = i + 1;
      return out;
    }
  }
  return parse_error(offset(), std::string(field) + ": no terminating NUL before the end");
}

Bytes ByteReader::rest() {
  Bytes out = data_.subspan(pos_);
  pos_ = data_.size();
  return out;
}

ByteWriter& ByteWriter::u8(std::uint8_t v) {
  out_.push_back(v);
  return *this;
}

ByteWriter& ByteWriter::u16(std::uint16_t v) {
  out_.push_back(static_cast<std::uint8_t>(v >> 8));
  out_.push_back(static_cast<std::uint8_t>(v));
  return *this;
}

ByteWriter& ByteWriter::u24(std::uint32_t v) {
  out_.push_back(static_cast<std::uint8_t>(v >> 16));
  out_.push_back(static_cast<std::uint8_t>(v >> 8));
  out_.push_back(static_cast<std::uint8_t>(v));
  return *this;
}

ByteWriter& ByteWriter::u32(std::uint32_t v) {
  out_.push_back(static_cast<std::uint8_t>(v >> 24));
  out_.push_back(static_cast<std::uint8_t>(v >> 16));
  out_.push_back(static_cast<std::uint8_t>(v >> 8));
  out_.push_back(static_cast<std::uint8_t>(v));
  return *this;
}

ByteWriter& ByteWriter::bytes(Bytes v) {
  out_.insert(out_.end(), v.begin(), v.end());
  return *this;
}

ByteWriter& ByteWriter::bytes(std::string_view v) { return bytes(as_bytes(v)); }

ByteWriter& ByteWriter::zeros(std::size_t count) {
  out_.insert(out_.end(), count, 0);
  return *this;
}

void ByteWriter::put_u16_at(std::size_t pos, std::uint16_t v) {
  out_.at(pos) = static_cast<std::uint8_t>(v >> 8);
  out_.at(pos + 1) = static_cast<std::uint8_t>(v);
}

void ByteWriter::put_u32_at(std::size_t pos, std::uint32_t v) {
  put_u16_at(pos, static_cast<std::uint16_t>(v >> 16));
  put_u16_at(pos + 2, static_cast<std::uint16_t>(v));
}

std::string to_hex(Bytes bytes) {
  static constexpr std::array<char, 16> kDigits = {'0', '1', '2', '3', '4', '5', '6', '7',
                                                   '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

ParseResult<ByteVector> from_hex(std::string_view hex) {
  ByteVector out;
  int high = -1;
  for (std::size_t i = 0; i < hex.size(); ++i) {
    char c = hex[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == ':') {
      if (high >= 0) return parse_error(i, "hex: odd digit before separator");
      continue;
    }
    int v = hex_value(c);
    if (v < 0) return parse_error(i, std::string("hex: not a hex digit '") + c + "'");
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>((high << 4) | v));
      high = -1;
    }
  }
  if (high >= 0) return parse_error(hex.size(), "hex: odd number of digits");
  return out;
}

}  // namespace phonerig::wire
