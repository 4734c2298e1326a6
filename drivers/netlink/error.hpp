// Errors of the netlink driver: each names the operation, the object and the reason, with
// errno's text and name and, when the kernel gave one, its extended-ack message, so a log
// line alone says what failed: "create vlan link 'nl4f2a-v100' on 'nl4f2a-a' (id 100):
// Operation not supported [EOPNOTSUPP]; kernel: Unknown device type".
#pragma once

#include <string>
#include <string_view>

#include "drivers/api/result.hpp"

namespace phonerig::netlink {

// "EOPNOTSUPP" for EOPNOTSUPP; "errno 1234" for a number with no name.
std::string errno_name(int error_number);

// A failure of the host (Fault::rig): the kernel or the C library said no.
api::Error os_error(std::string_view operation, std::string_view object, int error_number,
                    std::string_view kernel_message = {});

// A failure of the host with no errno: what the kernel did differs from what was asked.
api::Error rig_error(std::string_view operation, std::string_view object, std::string_view why);

// A failure inside libnl with no errno from the kernel (Fault::rig).
api::Error libnl_error(std::string_view operation, std::string_view object, int nl_error);

// A bad argument from the caller: a name too long, a VLAN id out of range (Fault::config).
api::Error config_error(std::string_view operation, std::string_view object,
                        std::string_view why);

// Whether `error` came from errno `error_number` (the "[ENAME]" os_error writes).
bool failed_with(const api::Error& error, int error_number);

}  // namespace phonerig::netlink
