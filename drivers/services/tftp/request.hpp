// The pure decision on a request that reached port 69: start a read transfer, or answer it
// with an ERROR. No sockets; the file store lookup is the only outside access.
#pragma once

#include <optional>
#include <variant>

#include "drivers/services/files/file_store.hpp"
#include "drivers/services/tftp/transfer.hpp"
#include "drivers/wire/tftp.hpp"

namespace phonerig::services::tftp {

struct Refusal {
  wire::tftp::Error error;               // the ERROR to send back
  std::optional<files::Refused> missing;  // set when the file could not be served
};

// - WRQ: ERROR 2 (access violation): the server is read-only, and RFC 1350 gives code 2 to
//   a write the server does not permit;
// - mode "mail": ERROR 4 (illegal operation), mail is for writing only (RFC 1350 section 1);
// - not found, or a signed name phonerig does not provide: ERROR 1 (file not found), the
//   answer a non-secure CUCM gives to CTLSEP<MAC>.tlv (protocols.md section 6);
// - outside the root or unreadable: ERROR 2 (access violation);
// - otherwise a Transfer, not yet started.
// netascii is served as the file's bytes unconverted (phones ask for octet).
std::variant<Transfer, Refusal> decide(const wire::tftp::Request& request,
                                       const files::FileStore& store,
                                       const TransferLimits& limits, TimePoint now);

}  // namespace phonerig::services::tftp
