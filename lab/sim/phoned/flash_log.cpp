// The flash folder (running_load and the load's files) and the phone's log lines (declared
// in phone_shell.hpp).
#include <ctime>
#include <fstream>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "lab/sim/phoned/phone_shell.hpp"

namespace phonerig::sim::phoned {
namespace fs = std::filesystem;
using std::chrono::milliseconds;

void log_line(std::ostream& out, const std::string& id, const std::string& text) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::ostringstream line;
  line << std::put_time(&tm, "%H:%M:%S") << '.' << std::setw(3) << std::setfill('0') << ms << ' '
       << id << ' ' << text << '\n';
  out << line.str() << std::flush;
}

std::optional<std::string> flash_running_load(const fs::path& flash) {
  if (flash.empty()) return std::nullopt;
  std::ifstream in(flash / "running_load");
  std::string load;
  if (!in || !std::getline(in, load)) return std::nullopt;
  while (!load.empty() && (load.back() == '\r' || load.back() == ' ' || load.back() == '\t')) load.pop_back();
  if (load.empty()) return std::nullopt;
  return load;
}

api::Result<bool> write_flash(const fs::path& flash, const std::string& load,
                              const std::vector<std::pair<std::string, wire::ByteVector>>& files) {
  std::error_code ec;
  fs::create_directories(flash, ec);
  if (ec) return api::fail(api::Fault::rig, "flash " + flash.string() + ": " + ec.message());
  auto write_whole = [&](const std::string& name, wire::Bytes bytes) -> api::Result<bool> {
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
      return api::fail(api::Fault::phone, "flash: refused file name '" + name + "'");
    }
    const fs::path tmp = flash / (name + ".tmp");
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
      if (!out) return api::fail(api::Fault::rig, "flash: cannot write " + tmp.string());
    }
    fs::rename(tmp, flash / name, ec);
    if (ec) return api::fail(api::Fault::rig, "flash: rename " + tmp.string() + ": " + ec.message());
    return true;
  };
  for (const auto& [name, bytes] : files) {
    auto ok = write_whole(name, bytes);
    if (!ok) return ok;
  }
  const std::string line = load + "\n";
  return write_whole("running_load", wire::as_bytes(line));
}

}  // namespace phonerig::sim::phoned
