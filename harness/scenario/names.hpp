// The spelling rules of names a lab file gives: Linux interface and namespace names,
// and the identifiers (logical interface names, phone ids, tags) scenarios refer to.
// Each check returns nullopt when the name is good, else why it is not.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace phonerig::scenario {

// The longest interface name Linux takes: IFNAMSIZ (16) less the terminating NUL.
inline constexpr std::size_t kMaxIfnameLength = 15;

// As the kernel's dev_valid_name() (net/core/dev.c): 1..15 bytes, not "." or "..", no
// '/', ':' or whitespace. Stricter in one way: printable ASCII only, since these names
// go into commands, ledgers and reports.
std::optional<std::string> ifname_problem(std::string_view name);

// A name `ip netns` accepts: a file name under /run/netns (no '/', not "." or "..").
std::optional<std::string> netns_problem(std::string_view name);

// Letters, digits, '_', '-' and '.', starting with a letter or digit, at most 64
// characters: safe in file names (per-phone pcaps, reports) and in scenario selectors.
std::optional<std::string> identifier_problem(std::string_view name);

}  // namespace phonerig::scenario
