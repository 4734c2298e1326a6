// The simulated load manifest `<load>.loads` (this project's format; real .loads files are
// signed Cisco binaries whose layout is unverified, reference 6). A text file, one record
// per line, '#' starts a comment, fields separated by blanks:
//
//   load sip88xx.14-2-1-0002-1
//   part kern88xx.14-2-1-0002-1.sbn 4096 <64 hex digits: SHA-256 of the part>
//   part rootfs88xx.14-2-1-0002-1.sbn 65536 <sha256>
//
// Exactly one `load` line (the load id, without ".loads"), at least one `part` line.
// Part names are plain file names (no '/', no "..").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/wire/bytes.hpp"

namespace phonerig::sim::phone {

struct LoadPart {
  std::string name;
  std::uint64_t size = 0;
  std::string sha256;  // lower-case hex
};

struct LoadManifest {
  std::string load;
  std::vector<LoadPart> parts;
};

struct ManifestResult {
  std::optional<LoadManifest> manifest;
  std::string error;  // "line 3: size is not a number"
};
ManifestResult parse_manifest(std::string_view text);
std::string build_manifest(const LoadManifest& manifest);

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(wire::Bytes data);

// Empty when the part matches its size and hash, else why not.
std::string check_part(const LoadPart& part, wire::Bytes data);

}  // namespace phonerig::sim::phone
