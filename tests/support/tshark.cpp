#include "tests/support/tshark.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/pcap_file.hpp"

namespace phonerig::testing {

namespace {

struct CommandOutput {
  int status = -1;
  std::string out;
};

// Runs argv without a shell; stdout is returned, stderr (tshark's "Running as user root"
// note, its error messages) kept apart in `err_file`.
CommandOutput run(const std::vector<std::string>& argv, const std::string& err_file = "/dev/null") {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(fds[1], 1);
    int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (err >= 0) dup2(err, 2);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  CommandOutput result;
  char buf[4096];
  ssize_t n = 0;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) result.out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, sep)) out.push_back(item);
  return out;
}

CommandOutput run_tshark(const std::vector<wire::ByteVector>& frames,
                         const std::vector<std::string>& extra, wire::LinkType link,
                         const std::vector<std::string>& args) {
  TempDir dir;
  std::string pcap = dir.file("frames.pcap");
  write_pcap(pcap, frames, link);
  // -o: decode every frame alone (no reassembly across the test's unrelated frames).
  std::vector<std::string> argv = {"tshark", "-n", "-r", pcap};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.insert(argv.end(), args.begin(), args.end());
  CommandOutput result = run(argv, dir.file("stderr"));
  if (result.status != 0) {
    throw std::runtime_error("tshark exited " + std::to_string(result.status) + ": " +
                             read_file(dir.file("stderr")));
  }
  return result;
}

}  // namespace

bool tshark_available() { return run({"tshark", "--version"}).status == 0; }

std::vector<std::vector<std::string>> tshark_fields(const std::vector<wire::ByteVector>& frames,
                                                    const std::vector<std::string>& fields,
                                                    const std::vector<std::string>& extra,
                                                    wire::LinkType link) {
  std::vector<std::string> args = {"-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
                                   "-E", "aggregator=|"};
  for (const auto& f : fields) {
    args.push_back("-e");
    args.push_back(f);
  }
  CommandOutput result = run_tshark(frames, extra, link, args);
  std::vector<std::vector<std::string>> rows;
  for (const auto& line : split(result.out, '\n')) {
    if (line.empty()) continue;
    auto cells = split(line, '\t');
    cells.resize(fields.size());
    rows.push_back(std::move(cells));
  }
  return rows;
}

std::vector<std::string> tshark_problems(const std::vector<wire::ByteVector>& frames,
                                         const std::vector<std::string>& extra,
                                         wire::LinkType link) {
  // epan/proto.h: PI_WARN 0x00600000, PI_ERROR 0x00800000; group PI_RESPONSE_CODE
  // 0x03000000 marks a protocol's own error answer (TFTP ERROR "File not found" for the CTL
  // of a non-secure cluster, an HTTP 503): the protocol working, not a defect of the frame.
  constexpr long kWarn = 0x00600000;
  constexpr long kResponseCode = 0x03000000;
  const std::string agg = "\x1e";
  std::vector<std::string> args = {
      "-Y", "_ws.malformed || _ws.expert", "-T", "fields", "-E", "separator=\t",
      "-E", "occurrence=a", "-E", "aggregator=" + agg,
      "-e", "frame.number", "-e", "_ws.expert.severity", "-e", "_ws.expert.group",
      "-e", "_ws.expert.message", "-e", "_ws.malformed"};
  CommandOutput result = run_tshark(frames, extra, link, args);
  std::vector<std::string> problems;
  for (const auto& line : split(result.out, '\n')) {
    if (line.empty()) continue;
    auto cells = split(line, '\t');
    cells.resize(5);
    if (!cells[4].empty()) problems.push_back("frame " + cells[0] + ": malformed");
    auto severities = split(cells[1], '\x1e');
    auto groups = split(cells[2], '\x1e');
    auto messages = split(cells[3], '\x1e');
    for (std::size_t i = 0; i < severities.size(); ++i) {
      long severity = std::strtol(severities[i].c_str(), nullptr, 0);
      long group = i < groups.size() ? std::strtol(groups[i].c_str(), nullptr, 0) : 0;
      if (severity < kWarn || group == kResponseCode) continue;
      problems.push_back("frame " + cells[0] + ": severity " + severities[i] + ": " +
                         (i < messages.size() ? messages[i] : std::string()));
    }
  }
  return problems;
}

std::string tshark_verbose(const std::vector<wire::ByteVector>& frames,
                           const std::vector<std::string>& extra, wire::LinkType link) {
  return run_tshark(frames, extra, link, {"-V"}).out;
}

}  // namespace phonerig::testing
