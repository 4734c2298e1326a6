// A reference to a secret (SNMP community, SNMPv3 keys, SIP passwords), never the secret.
//
// Lab files name where a secret lives, `env:NAME` or `file:PATH`, and the harness reads
// it only when it needs it (DESIGN.md, "Safety rules": credentials never appear in logs
// or reports). Every printable form of a Credential is its reference; resolve() is the
// only way to the value, and its errors name the reference, never the value.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>

#include "drivers/api/result.hpp"

namespace phonerig::scenario {

class Credential {
 public:
  enum class Kind { env, file };

  // The largest credential file resolve() reads: a file holds one secret.
  static constexpr std::size_t kMaxFileSize = 64 * 1024;

  // `reference` is "env:NAME" (NAME as in POSIX: letters, digits and '_', not starting
  // with a digit) or "file:PATH"; a relative PATH is taken relative to `base_folder`
  // (the lab file's folder). Anything else is refused as an inline value, and the
  // error never repeats the text it was given: it may be the secret itself.
  static api::Result<Credential> parse(std::string_view reference,
                                       const std::filesystem::path& base_folder = {});

  Kind kind() const { return kind_; }
  // The variable name, or the path as written in the lab file.
  const std::string& name() const { return name_; }
  // Where resolve() reads a file credential: name() joined to the base folder.
  std::filesystem::path file_path() const;

  // "env:SNMP_COMMUNITY" or "file:secrets/community": the reference as written.
  std::string to_string() const;

  // Reads the secret now (no caching: the value lives no longer than the caller keeps it).
  // env: the variable must be set and not empty. file: a regular file of at most
  // kMaxFileSize bytes, not empty once one trailing newline ("\n" or "\r\n") is removed.
  // File permissions are not checked, on purpose: Docker and Kubernetes mount secrets
  // 0444/0644 in a private tmpfs, CI runners write file variables with their own modes,
  // and this loader has no warning channel; a refusal there would push users toward env:
  // or inline copies, which is worse. What keeps secrets out of the repository is that
  // the lab file can only hold references.
  api::Result<std::string> resolve() const;

  bool operator==(const Credential&) const = default;

 private:
  Credential(Kind kind, std::string name, std::filesystem::path base_folder)
      : kind_(kind), name_(std::move(name)), base_folder_(std::move(base_folder)) {}

  api::Result<std::string> resolve_env() const;
  api::Result<std::string> resolve_file() const;

  Kind kind_;
  std::string name_;
  std::filesystem::path base_folder_;
};

// Prints the reference only, like to_string(); GoogleTest and loggers use this too.
std::ostream& operator<<(std::ostream& out, const Credential& credential);

}  // namespace phonerig::scenario
