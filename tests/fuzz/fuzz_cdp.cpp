// libFuzzer target for the CDP PDU parser (drivers/wire/cdp.hpp). Whatever parses must
// rebuild to the same bytes (only the checksum field may differ, and then it must be the
// correct one) and parse back to the same packet.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "drivers/wire/cdp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace phonerig::wire;
  Bytes input(data, size);
  auto decoded = cdp::parse(input);
  if (!decoded) {
    if (decoded.error().offset > size) __builtin_trap();
    return 0;
  }
  ByteVector rebuilt = cdp::build(decoded->packet);
  if (rebuilt.size() != size || size < cdp::kHeaderSize) __builtin_trap();
  if (std::memcmp(rebuilt.data(), data, 2) != 0) __builtin_trap();
  if (std::memcmp(rebuilt.data() + 4, data + 4, size - 4) != 0) __builtin_trap();
  std::uint16_t stored = static_cast<std::uint16_t>((rebuilt[2] << 8) | rebuilt[3]);
  if (stored != decoded->correct_checksum) __builtin_trap();
  auto again = cdp::parse(rebuilt);
  if (!again || !again->checksum_good || !(again->packet == decoded->packet)) __builtin_trap();
  return 0;
}
