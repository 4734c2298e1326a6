// libFuzzer target for the TFTP packet parser (drivers/wire/tftp.hpp). The parse is lossless
// (mode spelling, option order and spelling kept), so whatever parses must rebuild to the
// same bytes and parse back to the same packet; errors stay inside the input; the typed
// option accessors and validate() never crash.
#include "drivers/wire/tftp.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {
void touch_options(const phonerig::wire::tftp::Options& options) {
  (void)options.blksize();
  (void)options.tsize();
  (void)options.timeout();
  (void)options.windowsize();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace phonerig::wire;
  auto decoded = tftp::parse(Bytes(data, size));
  if (!decoded) {
    if (decoded.error().offset > size) __builtin_trap();
    return 0;
  }
  ByteVector rebuilt = tftp::build(*decoded);
  if (rebuilt.size() != size || (size > 0 && std::memcmp(rebuilt.data(), data, size) != 0)) {
    __builtin_trap();
  }
  auto again = tftp::parse(rebuilt);
  if (!again || !(*again == *decoded)) __builtin_trap();
  if (const auto* request = std::get_if<tftp::Request>(&*decoded)) {
    touch_options(request->options);
    auto valid = tftp::validate(*request);
    if (valid.has_value() != (size <= tftp::kMaxRequestSize)) __builtin_trap();
  } else if (const auto* oack = std::get_if<tftp::Oack>(&*decoded)) {
    touch_options(oack->options);
  }
  return 0;
}
