#include "harness/report/report_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "harness/report/junit.hpp"
#include "harness/report/report_html.hpp"
#include "harness/report/report_json.hpp"

namespace phonerig::report {

api::Result<bool> write_private_file(const std::filesystem::path& path, std::string_view contents) {
  const std::filesystem::path temporary = path.string() + ".partial";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return api::fail(api::Fault::rig, "cannot create " + temporary.string() + ": " + std::strerror(errno));
  }
  // An existing file keeps its mode through O_CREAT: force owner-only.
  bool ok = ::fchmod(fd, 0600) == 0;
  std::size_t done = 0;
  while (ok && done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  const int saved = errno;
  if (::close(fd) != 0 && ok) ok = false;
  if (!ok) {
    const std::string reason = std::strerror(saved != 0 ? saved : errno);
    ::unlink(temporary.c_str());
    return api::fail(api::Fault::rig, "cannot write " + path.string() + ": " + reason);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temporary.c_str());
    return api::fail(api::Fault::rig, "cannot write " + path.string() + ": " + reason);
  }
  return true;
}

api::Result<bool> make_report_folder(const std::filesystem::path& folder) {
  std::error_code error;
  if (std::filesystem::is_directory(folder, error)) return true;
  std::filesystem::path built;
  for (const auto& part : folder) {
    built /= part;
    if (std::filesystem::is_directory(built, error)) continue;
    if (::mkdir(built.c_str(), 0700) != 0 && errno != EEXIST) {
      return api::fail(api::Fault::rig,
                       "cannot create folder " + built.string() + ": " + std::strerror(errno));
    }
  }
  return true;
}

api::Result<ReportPaths> write_reports(const std::filesystem::path& folder, const RunReport& report) {
  auto made = make_report_folder(folder);
  if (!made) return wire::unexpected(std::move(made).error());
  ReportPaths paths{folder / "junit.xml", folder / "report.json", folder / "report.html"};
  for (const auto& [path, contents] :
       {std::pair{paths.junit, junit_xml(report)}, std::pair{paths.json, report_json(report)},
        std::pair{paths.html, report_html(report)}}) {
    auto written = write_private_file(path, contents);
    if (!written) return wire::unexpected(std::move(written).error());
  }
  return paths;
}

}  // namespace phonerig::report
