// What the lab/app tests that bring a simulated lab up themselves share: the instance,
// taken down (with the test's output folder) whatever the test's outcome, and one request
// on the simulated switch's control socket (lab/sim/README.md).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/netns.hpp"

namespace phonerig::testing {

class SimLabInstance {
 public:
  // `letter` keeps the instance id apart from other tests' (ids carry the test's PID).
  SimLabInstance(char letter, const std::string& out_stem)
      : id_(letter + std::to_string(getpid() % 1000000)),
        out_(std::filesystem::temp_directory_path() / (out_stem + id_)) {}
  ~SimLabInstance() {
    run_command({phonerig().string(), "lab", "down", "--instance", id_});
    std::error_code ignored;
    std::filesystem::remove_all(out_, ignored);
  }
  SimLabInstance(const SimLabInstance&) = delete;
  SimLabInstance& operator=(const SimLabInstance&) = delete;

  static std::filesystem::path phonerig() {
    return std::filesystem::path(PHONERIG_BIN_DIR) / "phonerig";
  }
  const std::string& id() const { return id_; }
  const std::filesystem::path& out() const { return out_; }
  std::filesystem::path switch_socket() const {
    return "/run/phonerig/lab-" + id_ + "/switch.sock";
  }

  // One JSON request on the switch's control socket and its answer; null when none came.
  nlohmann::json ask_switch(const std::string& request) const {
    const auto answer = run_command(
        {"python3", "-c",
         "import socket,sys\n"
         "s=socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(sys.argv[1])\n"
         "s.sendall(sys.argv[2].encode()+b'\\n'); data=b''\n"
         "while not data.endswith(b'\\n'): data+=s.recv(65536)\n"
         "print(data.decode())",
         switch_socket().string(), request});
    if (answer.status != 0) return nlohmann::json();
    return nlohmann::json::parse(answer.out, nullptr, false);
  }

 private:
  std::string id_;
  std::filesystem::path out_;
};

}  // namespace phonerig::testing
