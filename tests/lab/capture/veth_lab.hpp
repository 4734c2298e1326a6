// The capture lab tests' own little network: one namespace this process creates, holding a
// veth pair with offloads off. Frames sent on one end (an AF_PACKET socket in the
// namespace) arrive on the other, where the capture listens. Nothing touches the host's
// interfaces; every name carries the prefix "phrcap-<pid>" / "pc<pid>", and everything is
// removed when the VethLab is destroyed, also when a test fails midway (and namespaces a
// crashed run of these tests left behind are removed at the next start). Addresses in the
// frames come from 198.18.0.0/15 only.
//
// Header-only so the benchmark (tests/bench/capture_bench.cpp) uses the same lab. Needs
// root (CAP_NET_ADMIN, CAP_SYS_ADMIN for setns) and iproute2 + ethtool.
#pragma once

#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "drivers/wire/ip.hpp"
#include "tests/support/netns.hpp"

namespace phonerig::capture::lab {

// Running commands and entering namespaces: the shared test support.
using testing::CommandResult;
using testing::join;
using testing::must_run;
using testing::NetnsGuard;
using testing::run_command;

inline constexpr const char* kNetnsPrefix = "phrcap-";

// Namespaces "phrcap-<pid>-..." whose process is gone: a crashed earlier run's.
inline void remove_stale_namespaces() {
  std::error_code ignored;
  if (!std::filesystem::exists("/run/netns", ignored)) return;
  const std::regex ours(R"(^phrcap-(\d+)-[a-z0-9]+$)");
  for (const auto& entry : std::filesystem::directory_iterator("/run/netns", ignored)) {
    const std::string name = entry.path().filename().string();
    std::smatch match;
    if (!std::regex_match(name, match, ours)) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(match[1]));
    if (pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH) continue;
    run_command({"ip", "netns", "del", name});
  }
}

class VethLab {
 public:
  // `tag`: 1-3 lowercase letters or digits, unique among the labs alive at once in a process.
  explicit VethLab(const std::string& tag) {
    const std::string pid = std::to_string(getpid());
    netns_ = kNetnsPrefix + pid + "-" + tag;
    sender_ = "pc" + pid + tag + "s";    // at most 2 + 7 + 3 + 1 = 13 characters
    receiver_ = "pc" + pid + tag + "r";
    remove_stale_namespaces();
    try {
      if (std::filesystem::exists("/run/netns/" + netns_)) teardown();
      must_run({"ip", "netns", "add", netns_});
      created_ = true;
      // Both ends are created inside the namespace: nothing appears on the host, even briefly.
      must_run({"ip", "-n", netns_, "link", "add", sender_, "type", "veth", "peer", "name",
                receiver_});
      for (const std::string& dev : {std::string("lo"), sender_, receiver_}) {
        must_run({"ip", "-n", netns_, "link", "set", dev, "up"});
      }
      // veth offloads: GSO super-frames and unfilled checksums (DESIGN.md, machines).
      for (const std::string& dev : {sender_, receiver_}) {
        must_run({"ip", "netns", "exec", netns_, "ethtool", "-K", dev, "rx", "off", "tx", "off",
                  "sg", "off", "tso", "off", "gso", "off", "gro", "off"});
      }
    } catch (...) {
      teardown();
      throw;
    }
  }

  ~VethLab() { teardown(); }
  VethLab(const VethLab&) = delete;
  VethLab& operator=(const VethLab&) = delete;

  const std::string& netns() const { return netns_; }
  const std::string& sender() const { return sender_; }
  const std::string& receiver() const { return receiver_; }

  // Deleting the link first frees the pair at once, even while a socket still holds the
  // namespace; then the namespace goes.
  void teardown() {
    if (!created_ && !std::filesystem::exists("/run/netns/" + netns_)) return;
    run_command({"ip", "-n", netns_, "link", "del", sender_});
    const CommandResult removed = run_command({"ip", "netns", "del", netns_});
    if (removed.status != 0) {
      std::cerr << "could not remove namespace " << netns_ << ": " << removed.err << "\n";
    }
    created_ = false;
  }

 private:
  std::string netns_;
  std::string sender_;
  std::string receiver_;
  bool created_ = false;
};

// An AF_PACKET socket in the lab's namespace that transmits whole Ethernet frames on one
// interface. Protocol 0: it receives nothing.
class RawSender {
 public:
  RawSender(const std::string& netns, const std::string& interface) {
    NetnsGuard inside(netns);
    fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("AF_PACKET socket: " + std::string(std::strerror(errno)));
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_ifindex = static_cast<int>(if_nametoindex(interface.c_str()));
    if (address.sll_ifindex == 0 ||
        bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
      const std::string why = std::strerror(errno);
      close(fd_);
      throw std::runtime_error("bind to " + interface + ": " + why);
    }
  }
  ~RawSender() { close(fd_); }
  RawSender(const RawSender&) = delete;
  RawSender& operator=(const RawSender&) = delete;

  // False when the kernel refused the frame (the peer's backlog was full: ENOBUFS).
  bool send(wire::Bytes frame) {
    return ::send(fd_, frame.data(), frame.size(), 0) == static_cast<ssize_t>(frame.size());
  }

  // Sends the frames with as few system calls as sendmmsg() allows; returns how many the
  // kernel refused (each refusal is skipped, the rest still sent).
  std::size_t send_all(const std::vector<wire::ByteVector>& frames) {
    std::vector<iovec> iov(frames.size());
    std::vector<mmsghdr> messages(frames.size());
    for (std::size_t i = 0; i < frames.size(); ++i) {
      iov[i] = {const_cast<std::uint8_t*>(frames[i].data()), frames[i].size()};
      messages[i] = {};
      messages[i].msg_hdr.msg_iov = &iov[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    std::size_t refused = 0;
    std::size_t at = 0;
    while (at < frames.size()) {
      const int sent =
          sendmmsg(fd_, messages.data() + at, static_cast<unsigned>(frames.size() - at), 0);
      if (sent <= 0) {
        ++refused;  // this one failed; go on with the next
        ++at;
      } else {
        at += static_cast<std::size_t>(sent);
      }
    }
    return refused;
  }

 private:
  int fd_ = -1;
};

inline const wire::Mac kPhoneA{{0x00, 0x1b, 0x53, 0x48, 0x9e, 0xe0}};
inline const wire::Mac kPhoneB{{0x00, 0x12, 0xda, 0xdb, 0xd3, 0x4e}};
inline const wire::Mac kRig{{0x02, 0x00, 0x5e, 0x00, 0x00, 0x01}};

// A UDP frame 198.18.0.<src> -> 198.18.1.1 whose payload starts with `sequence`
// (big endian), padded to `payload_size`.
inline wire::ByteVector test_frame(std::uint32_t sequence, std::uint16_t dst_port,
                                   const wire::Mac& src = kPhoneA, std::size_t payload_size = 64,
                                   std::vector<wire::VlanTag> vlans = {}) {
  wire::ByteVector payload(payload_size, 0x5a);
  for (int i = 0; i < 4; ++i) payload[i] = static_cast<std::uint8_t>(sequence >> (24 - 8 * i));
  wire::EthernetHeader eth{kRig, src, std::move(vlans)};
  wire::Ipv4Build ip{wire::Ipv4{0xc6120000u | src.octets[5]}, wire::Ipv4{0xc6120101u}};
  return wire::build_udp_frame(eth, ip, 40000, dst_port, payload);
}

// The sequence number test_frame() put in an untagged frame (offset 14 + 20 + 8).
inline std::uint32_t sequence_of(wire::Bytes frame, std::size_t link_header = 14) {
  const std::size_t at = link_header + 20 + 8;
  if (frame.size() < at + 4) return UINT32_MAX;
  return static_cast<std::uint32_t>(frame[at]) << 24 | frame[at + 1] << 16 | frame[at + 2] << 8 |
         frame[at + 3];
}

inline std::int64_t realtime_ns() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

inline std::int64_t monotonic_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// Sends `count` frames from make(i) at `rate` frames per second on an absolute schedule, so
// a late wake-up is caught up rather than stretching the run: the frames already due go
// out together in one sendmmsg() (at most 64). Returns the frames the kernel refused.
template <class MakeFrame>
std::size_t send_paced(RawSender& sender, std::size_t count, double rate, MakeFrame make) {
  constexpr std::size_t kMaxBurst = 64;
  const std::int64_t start = monotonic_ns();
  std::size_t refused = 0;
  std::vector<wire::ByteVector> burst;
  std::size_t next = 0;
  while (next < count) {
    const auto due = start + static_cast<std::int64_t>(static_cast<double>(next) * 1e9 / rate);
    std::int64_t now = monotonic_ns();
    if (now < due) {
      const timespec at{static_cast<time_t>(due / 1'000'000'000), due % 1'000'000'000};
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr);
      now = std::max(due, monotonic_ns());
    }
    const auto due_by_now =
        static_cast<std::size_t>(static_cast<double>(now - start) * rate / 1e9) + 1;
    const std::size_t take = std::min({count, due_by_now, next + kMaxBurst}) - next;
    burst.clear();
    for (std::size_t i = 0; i < std::max<std::size_t>(take, 1); ++i) {
      burst.push_back(make(next + i));
    }
    refused += sender.send_all(burst);
    next += burst.size();
  }
  return refused;
}

}  // namespace phonerig::capture::lab
