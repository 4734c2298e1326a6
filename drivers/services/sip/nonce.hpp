// Stateless digest nonces (RFC 2617 section 3.2.1 leaves the format to the server): the
// time of issue and an HMAC-SHA-256 of it under a per-run secret, so any nonce we gave
// out can be checked, and its age read, without remembering it. A replayed nonce is
// accepted within its lifetime (no nonce-count tracking).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace phonerig::services::sip {

class NonceMint {
public:
  enum class Check { valid, stale, invalid };

  NonceMint(std::string secret, std::uint32_t lifetime_s)
      : secret_(std::move(secret)), lifetime_ms_(std::int64_t{lifetime_s} * 1000) {}

  // 16 hex digits of the issue time (steady ms), then 32 hex digits of the HMAC.
  std::string make(std::int64_t now_ms) const;
  // invalid: not one of ours (bad form or HMAC, issued in the future); stale: ours but
  // older than the lifetime.
  Check check(std::string_view nonce, std::int64_t now_ms) const;

private:
  std::string mac(std::string_view stamp) const;

  std::string secret_;
  std::int64_t lifetime_ms_;
};

} // namespace phonerig::services::sip
