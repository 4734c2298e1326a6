// The read-only file store that TFTP and HTTP 6970 share (DESIGN.md, "Safety rules": TFTP
// serves read-only from its root; no path escapes it).
//
// Two sources, looked up in this order:
// - virtual files: per-phone content generated at run time (SEP<MAC>.cnf.xml...), set,
//   replaced and removed from any thread; the bytes are shared, never copied, with the
//   transfers that are reading them (a replacement does not disturb a transfer under way);
// - the root folder: regular files beneath it, opened read-only.
//
// A requested name is refused precisely:
// - outside_root: a ".." component, an absolute path (after the one leading '/' that HTTP
//   targets carry is stripped), a backslash, a NUL or another control character, or a
//   symbolic link whose target resolves outside the root;
// - signed_not_provided: "*.sgn" when no such file exists (phonerig does not sign: a phone
//   that asks for SEP<MAC>.cnf.xml.sgn falls back to the unsigned name, as with a
//   non-secure CUCM);
// - not_found: anything else that is not there (or is not a regular file).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/api/result.hpp"
#include "drivers/wire/address.hpp"
#include "drivers/wire/expected.hpp"

namespace phonerig::services::files {

// Bytes of a virtual file, shared between the store and every reader.
using Content = std::shared_ptr<const std::vector<std::uint8_t>>;

Content make_content(std::string_view text);
Content make_content(std::vector<std::uint8_t> bytes);

enum class Refusal { not_found, outside_root, signed_not_provided, unreadable };
// "not found", "outside the root", "signed name not provided", "unreadable": the `reason`
// of a file.missing event.
std::string_view to_string(Refusal refusal);

struct Refused {
  Refusal refusal = Refusal::not_found;
  std::string detail;  // which rule, or the errno text
};

// An open file: a descriptor of a root file (read with pread, so a large firmware file is
// never held in memory) or a virtual file's shared bytes. Cheap to copy; the descriptor
// closes with the last copy.
class File {
 public:
  File() = default;
  static File from_content(std::string name, Content content);
  static File from_descriptor(std::string name, int fd, std::uint64_t size);  // takes the fd

  const std::string& name() const { return name_; }  // normalized: "dir/SEP...cnf.xml"
  std::uint64_t size() const { return size_; }
  bool is_virtual() const { return content_ != nullptr; }
  // The whole content of a virtual file; empty for a root file.
  std::span<const std::uint8_t> bytes() const;

  // Copies up to out.size() bytes from `offset`; the count copied (short only at the end of
  // the file), or an error text when the read fails or the file shrank under us.
  wire::Expected<std::size_t, std::string> read(std::uint64_t offset,
                                                std::span<std::uint8_t> out) const;

 private:
  struct Descriptor {
    int fd = -1;
    ~Descriptor();
  };
  std::string name_;
  std::uint64_t size_ = 0;
  Content content_;
  std::shared_ptr<const Descriptor> descriptor_;
};

using Lookup = wire::Expected<File, Refused>;

// The relative path a request names, checked and normalized (one leading '/' stripped,
// empty and "." components dropped), or why it is refused. Pure: no file system access.
wire::Expected<std::string, Refused> normalize(std::string_view requested);

// The phone a Cisco file name is for: SEP<MAC>..., CTLSEP<MAC>.tlv, ITLSEP<MAC>.tlv (twelve
// hex digits, protocols.md section 6), any directory ignored.
std::optional<wire::Mac> phone_of(std::string_view name);

class FileStore {
 public:
  // `root` must be an existing folder; an empty path gives a store of virtual files only.
  // Errors: Fault::config, naming the folder and the errno text.
  static api::Result<std::shared_ptr<FileStore>> open(const std::filesystem::path& root);

  const std::filesystem::path& root() const { return root_; }  // canonical; empty if none

  // Adds or replaces a virtual file; false (and nothing stored) when the name is refused
  // by normalize().
  bool set(std::string_view name, Content content);
  bool remove(std::string_view name);  // false when there was none
  std::vector<std::string> virtual_names() const;

  Lookup lookup(std::string_view requested) const;

 private:
  explicit FileStore(std::filesystem::path root) : root_(std::move(root)) {}
  Lookup lookup_root(const std::string& relative) const;

  std::filesystem::path root_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, Content, std::less<>> virtual_;
};

}  // namespace phonerig::services::files
