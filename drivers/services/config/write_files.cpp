// `phonerig serve --write-files DIR`: the generated files on disk, for a look or for a
// third-party TFTP server. Names come from the lab file (dial template, soft-key file), so
// each is checked to be a plain file name before anything is written.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "drivers/services/config/phone_config.hpp"

namespace phonerig::services::config {

namespace {

bool plain_name(const std::string& name) {
  return !name.empty() && name != "." && name.find('/') == std::string::npos &&
         name.find("..") == std::string::npos && name.find('\0') == std::string::npos;
}

}  // namespace

api::Result<std::vector<std::filesystem::path>> write_files(const FileMap& files,
                                                            const std::filesystem::path& dir) {
  for (const auto& [name, bytes] : files) {
    if (!plain_name(name)) {
      return api::fail(api::Fault::config, "write files: refusing the file name '" + name +
                                               "': it must be a plain name, without '/' or '..'");
    }
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return api::fail(api::Fault::rig, "write files: " + dir.string() + " is not a directory");
  }
  std::vector<std::filesystem::path> written;
  for (const auto& [name, bytes] : files) {
    const std::filesystem::path path = dir / name;
    std::FILE* out = std::fopen(path.c_str(), "wb");
    if (out == nullptr) {
      return api::fail(api::Fault::rig,
                       "write files: cannot open " + path.string() + ": " + std::strerror(errno));
    }
    const std::size_t n = bytes.empty() ? 0 : std::fwrite(bytes.data(), 1, bytes.size(), out);
    const int saved = errno;
    const bool closed = std::fclose(out) == 0;
    if (n != bytes.size() || !closed) {
      return api::fail(api::Fault::rig, "write files: cannot write " + path.string() + ": " +
                                            std::strerror(n != bytes.size() ? saved : errno));
    }
    written.push_back(path);
  }
  return written;
}

}  // namespace phonerig::services::config
