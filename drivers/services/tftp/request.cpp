#include "drivers/services/tftp/request.hpp"

namespace phonerig::services::tftp {

namespace tftp = wire::tftp;

std::variant<Transfer, Refusal> decide(const tftp::Request& request,
                                       const files::FileStore& store,
                                       const TransferLimits& limits, TimePoint now) {
  if (request.write) {
    return Refusal{tftp::Error{tftp::ErrorCode::access_violation, "read-only server"}, {}};
  }
  if (request.mode == tftp::Mode::mail) {
    return Refusal{tftp::Error{tftp::ErrorCode::illegal_operation, "mail mode is write-only"},
                   {}};
  }
  files::Lookup found = store.lookup(request.filename);
  if (!found) {
    const files::Refused& refused = found.error();
    tftp::ErrorCode code = tftp::ErrorCode::file_not_found;
    if (refused.refusal == files::Refusal::outside_root ||
        refused.refusal == files::Refusal::unreadable) {
      code = tftp::ErrorCode::access_violation;
    }
    return Refusal{tftp::Error{code, tftp::description(code)}, refused};
  }
  return Transfer(std::move(*found), request, limits, now);
}

}  // namespace phonerig::services::tftp
