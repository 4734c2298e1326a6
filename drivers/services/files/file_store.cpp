#include "drivers/services/files/file_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace phonerig::services::files {

namespace {

wire::Unexpected<Refused> refuse(Refusal refusal, std::string detail) {
  return wire::Unexpected<Refused>{Refused{refusal, std::move(detail)}};
}

bool ends_with_sgn(std::string_view name) {
  if (name.size() < 4) return false;
  std::string_view tail = name.substr(name.size() - 4);
  return tail[0] == '.' && (tail[1] | 0x20) == 's' && (tail[2] | 0x20) == 'g' &&
         (tail[3] | 0x20) == 'n';
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

}  // namespace

Content make_content(std::string_view text) {
  return std::make_shared<const std::vector<std::uint8_t>>(text.begin(), text.end());
}

Content make_content(std::vector<std::uint8_t> bytes) {
  return std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes));
}

std::string_view to_string(Refusal refusal) {
  switch (refusal) {
    case Refusal::not_found: return "not found";
    case Refusal::outside_root: return "outside the root";
    case Refusal::signed_not_provided: return "signed name not provided";
    case Refusal::unreadable: return "unreadable";
  }
  return "not found";
}

File::Descriptor::~Descriptor() {
  if (fd >= 0) ::close(fd);
}

File File::from_content(std::string name, Content content) {
  File file;
  file.name_ = std::move(name);
  file.size_ = content ? content->size() : 0;
  file.content_ = content ? std::move(content) : make_content(std::string_view{});
  return file;
}

File File::from_descriptor(std::string name, int fd, std::uint64_t size) {
  File file;
  file.name_ = std::move(name);
  file.size_ = size;
  auto descriptor = std::make_shared<Descriptor>();
  descriptor->fd = fd;
  file.descriptor_ = std::move(descriptor);
  return file;
}

std::span<const std::uint8_t> File::bytes() const {
  if (!content_) return {};
  return {content_->data(), content_->size()};
}

wire::Expected<std::size_t, std::string> File::read(std::uint64_t offset,
                                                    std::span<std::uint8_t> out) const {
  if (offset >= size_) return std::size_t{0};
  const std::size_t want =
      static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), size_ - offset));
  if (content_) {
    std::memcpy(out.data(), content_->data() + offset, want);
    return want;
  }
  if (!descriptor_) return wire::unexpected(std::string("file not open"));
  std::size_t done = 0;
  while (done < want) {
    const ssize_t n = ::pread(descriptor_->fd, out.data() + done, want - done,
                              static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return wire::unexpected("read " + name_ + ": " + std::strerror(errno));
    }
    if (n == 0) {
      return wire::unexpected("read " + name_ + ": file shrank to " +
                              std::to_string(offset + done) + " bytes while served");
    }
    done += static_cast<std::size_t>(n);
  }
  return want;
}

wire::Expected<std::string, Refused> normalize(std::string_view requested) {
  std::string_view rest = requested;
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);  // "/SEP...": HTTP target
  if (!rest.empty() && rest.front() == '/') {
    return refuse(Refusal::outside_root, "absolute path");
  }
  for (char c : rest) {
    if (c == '\0') return refuse(Refusal::outside_root, "NUL in name");
    if (c == '\\') return refuse(Refusal::outside_root, "backslash in name");
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return refuse(Refusal::outside_root, "control character in name");
    }
  }
  std::string out;
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") return refuse(Refusal::outside_root, "\"..\" component");
    if (!out.empty()) out += '/';
    out += part;
  }
  if (out.empty()) return refuse(Refusal::not_found, "empty name");
  return out;
}

std::optional<wire::Mac> phone_of(std::string_view name) {
  const std::size_t slash = name.rfind('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::size_t at = std::string_view::npos;
  if (name.starts_with("SEP")) {
    at = 3;
  } else if (name.starts_with("CTLSEP") || name.starts_with("ITLSEP")) {
    at = 6;
  }
  if (at == std::string_view::npos || name.size() < at + 12) return std::nullopt;
  const std::string_view hex = name.substr(at, 12);
  for (char c : hex) {
    if (!is_hex(c)) return std::nullopt;
  }
  if (name.size() > at + 12 && is_hex(name[at + 12])) return std::nullopt;
  return wire::Mac::parse(hex);
}

api::Result<std::shared_ptr<FileStore>> FileStore::open(const std::filesystem::path& root) {
  if (root.empty()) return std::shared_ptr<FileStore>(new FileStore({}));
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::canonical(root, ec);
  if (ec) {
    return api::fail(api::Fault::config, "file store root " + root.string() + ": " + ec.message());
  }
  if (!std::filesystem::is_directory(canonical, ec)) {
    return api::fail(api::Fault::config,
                     "file store root " + root.string() + " is not a folder");
  }
  return std::shared_ptr<FileStore>(new FileStore(std::move(canonical)));
}

bool FileStore::set(std::string_view name, Content content) {
  auto normalized = normalize(name);
  if (!normalized) return false;
  if (!content) content = make_content(std::string_view{});
  std::unique_lock lock(mutex_);
  virtual_[std::move(*normalized)] = std::move(content);
  return true;
}

bool FileStore::remove(std::string_view name) {
  auto normalized = normalize(name);
  if (!normalized) return false;
  std::unique_lock lock(mutex_);
  return virtual_.erase(*normalized) > 0;
}

std::vector<std::string> FileStore::virtual_names() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> names;
  names.reserve(virtual_.size());
  for (const auto& [name, content] : virtual_) names.push_back(name);
  return names;
}

Lookup FileStore::lookup(std::string_view requested) const {
  auto normalized = normalize(requested);
  if (!normalized) return wire::Unexpected<Refused>{std::move(normalized).error()};
  {
    std::shared_lock lock(mutex_);
    auto found = virtual_.find(*normalized);
    if (found != virtual_.end()) return File::from_content(*normalized, found->second);
  }
  Lookup found = lookup_root(*normalized);
  if (!found && found.error().refusal == Refusal::not_found && ends_with_sgn(*normalized)) {
    return refuse(Refusal::signed_not_provided, "phonerig serves unsigned files only");
  }
  return found;
}

Lookup FileStore::lookup_root(const std::string& relative) const {
  if (root_.empty()) return refuse(Refusal::not_found, "no root folder");
  // Resolve every symbolic link, then check the result is still beneath the root.
  std::error_code ec;
  const std::filesystem::path resolved = std::filesystem::canonical(root_ / relative, ec);
  if (ec) return refuse(Refusal::not_found, ec.message());
  const std::string& base = root_.native();
  const std::string& path = resolved.native();
  const bool beneath = path.size() > base.size() && path.compare(0, base.size(), base) == 0 &&
                       (base.back() == '/' || path[base.size()] == '/');
  if (!beneath) return refuse(Refusal::outside_root, "resolves outside the root");
  // O_NOFOLLOW: a link swapped in after the check is refused, not followed.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ELOOP) return refuse(Refusal::not_found, std::strerror(err));
    return refuse(Refusal::unreadable, std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return refuse(Refusal::not_found, "not a regular file");
  }
  return File::from_descriptor(relative, fd, static_cast<std::uint64_t>(st.st_size));
}

}  // namespace phonerig::services::files
