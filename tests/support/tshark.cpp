#include "tests/support/tshark.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>
#include <stdexcept>

#include "tests/support/pcap_file.hpp"

namespace phonerig::testing {

namespace {

struct CommandOutput {
  int status = -1;
  std::string out;
};

// Runs argv without a shell; stdout and stderr are read together.
CommandOutput run(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
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
  CommandOutput result = run(argv);
  if (result.status != 0) {
    throw std::runtime_error("tshark exited " + std::to_string(result.status) + ": " + result.out);
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
  // Severity values of epan/proto.h: PI_WARN 0x00600000, PI_ERROR 0x00800000.
  std::vector<std::string> args = {
      "-Y", "_ws.malformed || _ws.expert.severity >= 0x00600000",
      "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=|",
      "-e", "frame.number", "-e", "_ws.expert.severity", "-e", "_ws.expert.message",
      "-e", "_ws.malformed"};
  CommandOutput result = run_tshark(frames, extra, link, args);
  std::vector<std::string> problems;
  for (const auto& line : split(result.out, '\n')) {
    if (line.empty()) continue;
    auto cells = split(line, '\t');
    cells.resize(4);
    problems.push_back("frame " + cells[0] + ": severity " + cells[1] + ": " + cells[2] +
                       (cells[3].empty() ? "" : " [malformed]"));
  }
  return problems;
}

std::string tshark_verbose(const std::vector<wire::ByteVector>& frames,
                           const std::vector<std::string>& extra, wire::LinkType link) {
  return run_tshark(frames, extra, link, {"-V"}).out;
}

}  // namespace phonerig::testing
