#include "harness/scenario/credential.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ostream>

namespace phonerig::scenario {

namespace {

constexpr std::string_view kEnvPrefix = "env:";
constexpr std::string_view kFilePrefix = "file:";

bool is_env_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_';
    if (!ok) return false;
  }
  return true;
}

// The one owner of a file descriptor opened here.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

api::Result<Credential> Credential::parse(std::string_view reference,
                                          const std::filesystem::path& base_folder) {
  if (reference.starts_with(kEnvPrefix)) {
    std::string_view name = reference.substr(kEnvPrefix.size());
    if (!is_env_name(name)) {
      return api::fail(api::Fault::config,
                       "env: reference needs a variable name of letters, digits and '_', "
                       "not starting with a digit");
    }
    return Credential{Kind::env, std::string(name), {}};
  }
  if (reference.starts_with(kFilePrefix)) {
    std::string_view path = reference.substr(kFilePrefix.size());
    if (path.empty()) return api::fail(api::Fault::config, "file: reference needs a path");
    if (path.find('\0') != std::string_view::npos) {
      return api::fail(api::Fault::config, "file: reference path contains a NUL character");
    }
    return Credential{Kind::file, std::string(path), base_folder};
  }
  return api::fail(api::Fault::config,
                   "credentials must be references (env:NAME or file:PATH), not inline values");
}

std::filesystem::path Credential::file_path() const {
  std::filesystem::path path(name_);
  if (path.is_absolute() || base_folder_.empty()) return path;
  return base_folder_ / path;
}

std::string Credential::to_string() const {
  return std::string(kind_ == Kind::env ? kEnvPrefix : kFilePrefix) + name_;
}

api::Result<std::string> Credential::resolve() const {
  return kind_ == Kind::env ? resolve_env() : resolve_file();
}

api::Result<std::string> Credential::resolve_env() const {
  const char* value = std::getenv(name_.c_str());
  if (value == nullptr) {
    return api::fail(api::Fault::config,
                     "credential " + to_string() + ": environment variable " + name_ +
                         " is not set");
  }
  if (*value == '\0') {
    return api::fail(api::Fault::config,
                     "credential " + to_string() + ": environment variable " + name_ +
                         " is empty");
  }
  return std::string(value);
}

api::Result<std::string> Credential::resolve_file() const {
  const std::string path = file_path().string();
  auto failure = [&](const std::string& why) {
    return api::fail(api::Fault::config, "credential " + to_string() + ": " + path + ": " + why);
  };
  // O_NONBLOCK: a FIFO named by mistake must not hang the harness before fstat refuses it.
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) return failure(std::strerror(errno));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return failure(std::strerror(errno));
  if (!S_ISREG(info.st_mode)) return failure("not a regular file");
  if (static_cast<std::size_t>(info.st_size) > kMaxFileSize) {
    return failure("larger than " + std::to_string(kMaxFileSize / 1024) +
                   " KiB; a credential file holds one secret");
  }
  std::string value;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failure(std::strerror(errno));
    if (n == 0) break;
    value.append(buffer, static_cast<std::size_t>(n));
    if (value.size() > kMaxFileSize) return failure("grew past the size limit while read");
  }
  // One trailing newline is what `echo secret > file` and editors leave; anything else
  // (inner newlines, spaces) is part of the secret.
  if (value.ends_with('\n')) {
    value.pop_back();
    if (value.ends_with('\r')) value.pop_back();
  }
  if (value.empty()) return failure("the file is empty");
  return value;
}

std::ostream& operator<<(std::ostream& out, const Credential& credential) {
  return out << credential.to_string();
}

}  // namespace phonerig::scenario
