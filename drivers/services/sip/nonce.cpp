#include "drivers/services/sip/nonce.hpp"

#include <cstdio>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace phonerig::services::sip {

namespace {

constexpr std::size_t kStampDigits = 16;
constexpr std::size_t kMacDigits = 32; // the first 16 bytes of the HMAC

bool is_lower_hex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

} // namespace

std::string NonceMint::mac(std::string_view stamp) const {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(stamp.data()), stamp.size(), out, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(kMacDigits);
  for (std::size_t i = 0; i < kMacDigits / 2 && i < length; ++i) {
    text.push_back(kHex[out[i] >> 4]);
    text.push_back(kHex[out[i] & 0x0f]);
  }
  return text;
}

std::string NonceMint::make(std::int64_t now_ms) const {
  char stamp[kStampDigits + 1];
  std::snprintf(stamp, sizeof stamp, "%016llx", static_cast<unsigned long long>(now_ms));
  std::string nonce(stamp, kStampDigits);
  nonce += mac(nonce);
  return nonce;
}

NonceMint::Check NonceMint::check(std::string_view nonce, std::int64_t now_ms) const {
  if (nonce.size() != kStampDigits + kMacDigits || !is_lower_hex(nonce)) return Check::invalid;
  std::string_view stamp = nonce.substr(0, kStampDigits);
  if (mac(stamp) != nonce.substr(kStampDigits)) return Check::invalid;
  const auto issued = static_cast<std::int64_t>(std::stoull(std::string(stamp), nullptr, 16));
  if (issued > now_ms) return Check::invalid;
  return now_ms - issued > lifetime_ms_ ? Check::stale : Check::valid;
}

} // namespace phonerig::services::sip
