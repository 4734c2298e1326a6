// Result<T>: a value or an Error, the return shape of every driver and service call.
#pragma once

#include <string>

#include "drivers/wire/expected.hpp"

namespace phonerig::api {

// Who failed decides the exit code: the rig (switch unreachable, interface missing,
// capture drops) is never reported as the phone's failure.
enum class Fault {
  rig,       // the lab's own equipment or host
  phone,     // the device under test
  config,    // the lab file or scenario
  internal,  // a bug of ours
};

struct Error {
  Fault fault = Fault::rig;
  std::string message;  // with context: switch, port, OID, errno...
};

template <class T>
using Result = wire::Expected<T, Error>;

inline wire::Unexpected<Error> fail(Fault fault, std::string message) {
  return wire::Unexpected<Error>{Error{fault, std::move(message)}};
}

}  // namespace phonerig::api
