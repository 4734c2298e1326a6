// The exit codes are a contract with the scripts that call phonerig.
#pragma once

namespace phonerig::app {

inline constexpr int kExitOk = 0;          // every assertion held
inline constexpr int kExitAssertion = 1;   // an assertion about a phone failed
inline constexpr int kExitUsage = 2;       // bad command line, lab file or scenario
inline constexpr int kExitRig = 3;         // the rig itself failed

}  // namespace phonerig::app
