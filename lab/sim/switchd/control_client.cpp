#include "lab/sim/switchd/control_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lab/sim/switchd/config.hpp"

namespace phonerig::sim::switchd {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

api::Result<std::unique_ptr<ControlClient>> ControlClient::connect(
    const std::filesystem::path& path, std::chrono::milliseconds timeout) {
  const std::string where = "switch control socket " + path.string();
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.string().size() >= sizeof address.sun_path) {
    return api::fail(api::Fault::config, where + ": path too long");
  }
  std::memcpy(address.sun_path, path.c_str(), path.string().size());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return api::fail(api::Fault::rig, where + ": socket: " + std::strerror(errno));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    const int err = errno;
    ::close(fd);
    return api::fail(api::Fault::rig, where + ": connect: " + std::strerror(err));
  }
  return std::unique_ptr<ControlClient>(new ControlClient(fd, path, timeout));
}

ControlClient::~ControlClient() {
  if (fd_ >= 0) ::close(fd_);
}

api::Result<json> ControlClient::call(const json& request) const {
  const std::string where = "switch control socket " + path_.string();
  if (fd_ < 0) return api::fail(api::Fault::rig, where + ": not connected");
  const auto until = Clock::now() + timeout_;
  auto remaining_ms = [&]() {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    return static_cast<int>(std::max<std::int64_t>(0, left.count()));
  };
  const std::string line = request.dump() + "\n";
  std::size_t sent = 0;
  while (sent < line.size()) {
    pollfd p{fd_, POLLOUT, 0};
    const int ready = ::poll(&p, 1, remaining_ms());
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return api::fail(api::Fault::rig, where + ": timed out sending");
    const ssize_t n = ::send(fd_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return api::fail(api::Fault::rig, where + ": send: " + std::strerror(errno));
    }
    sent += static_cast<std::size_t>(n);
  }
  std::size_t newline;
  while ((newline = buffered_.find('\n')) == std::string::npos) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, remaining_ms());
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      return api::fail(api::Fault::rig, where + ": no answer within " +
                                            std::to_string(timeout_.count()) + " ms");
    }
    char chunk[8192];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return api::fail(api::Fault::rig, where + ": recv: " + std::strerror(errno));
    }
    if (n == 0) return api::fail(api::Fault::rig, where + ": the switch closed the connection");
    buffered_.append(chunk, static_cast<std::size_t>(n));
  }
  const std::string answer_text = buffered_.substr(0, newline);
  buffered_.erase(0, newline + 1);
  json answer;
  try {
    answer = json::parse(answer_text);
  } catch (const json::parse_error& e) {
    return api::fail(api::Fault::rig, where + ": answer is not JSON: " + e.what());
  }
  if (!answer.is_object() || !answer.contains("ok") || !answer["ok"].is_boolean()) {
    return api::fail(api::Fault::rig, where + ": answer without \"ok\": " + answer_text);
  }
  if (!answer["ok"].get<bool>()) {
    const std::string why = answer.contains("error") && answer["error"].is_string()
                                ? answer["error"].get<std::string>()
                                : answer_text;
    return api::fail(api::Fault::config, "switch refused " + request.value("op", "?") + ": " + why);
  }
  return answer;
}

api::Result<bool> ControlClient::set_faults(const api::FaultScope& scope,
                                            const api::Faults& faults) {
  PHONERIG_CHECK(call(json{{"op", "set_faults"},
                           {"scope", scope_to_json(scope)},
                           {"faults", faults_to_json(faults)}}));
  return true;
}

api::Result<api::Faults> ControlClient::faults(const api::FaultScope& scope) const {
  PHONERIG_TRY(json answer, call(json{{"op", "get_faults"}, {"scope", scope_to_json(scope)}}));
  if (!answer.contains("faults")) {
    return api::fail(api::Fault::rig, "switch control socket: get_faults answer has no faults");
  }
  auto faults = faults_from_json(answer["faults"], "faults");
  if (!faults) return api::fail(api::Fault::rig, faults.error().message);
  return *faults;
}

api::Result<bool> ControlClient::flap_link(const std::string& port, const api::LinkFlap& flap) {
  PHONERIG_CHECK(call(json{{"op", "flap"},
                           {"port", port},
                           {"down_ms", flap.down_for.count()},
                           {"period_ms", flap.period.count()},
                           {"count", flap.count}}));
  return true;
}

api::Result<bool> ControlClient::link(const std::string& port, bool up) {
  PHONERIG_CHECK(call(json{{"op", "link"}, {"port", port}, {"up", up}}));
  return true;
}

api::Result<bool> ControlClient::power(const std::string& port, bool on) {
  PHONERIG_CHECK(call(json{{"op", "power"}, {"port", port}, {"on", on}}));
  return true;
}

api::Result<bool> ControlClient::announce(bool on) {
  PHONERIG_CHECK(call(json{{"op", "announce"}, {"on", on}}));
  return true;
}

api::Result<json> ControlClient::status() { return call(json{{"op", "status"}}); }

}  // namespace phonerig::sim::switchd
