// libFuzzer target for the LLDPDU parser (drivers/wire/lldp.hpp). Whatever parses must
// rebuild to the input's bytes up to and including End (what follows End is padding the
// parser ignores) and parse back to the same packet; errors stay inside the input.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "drivers/wire/lldp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace phonerig::wire;
  Bytes input(data, size);
  auto decoded = lldp::parse(input);
  if (!decoded) {
    if (decoded.error().offset > size || decoded.error().what.empty()) __builtin_trap();
    return 0;
  }
  ByteVector rebuilt = lldp::build(*decoded);  // throws (and so aborts) if it cannot encode
  if (rebuilt.size() > size) __builtin_trap();
  if (!rebuilt.empty() && std::memcmp(rebuilt.data(), data, rebuilt.size()) != 0) __builtin_trap();
  if (!decoded->end_tlv && rebuilt.size() != size) __builtin_trap();
  auto again = lldp::parse(rebuilt);
  if (!again || !(*again == *decoded)) __builtin_trap();
  return 0;
}
