// The ledger: one JSON object per line, a line for every object created ("op":"add") and one
// for every object removed ("op":"remove"), so that what a run leaves behind after SIGINT,
// a crash or SIGKILL is known to the next one (DESIGN.md, "The simulated lab": "a ledger
// lets the next run remove what a crashed run left"). Each line is one append-mode write,
// so parallel writers and a writer killed mid-run leave whole lines.
//
//   {"op":"add","kind":"link","netns":"nl4f2a-sw","name":"nl4f2a-p1","link_kind":"veth",
//    "peer":"nl4f2a-ph1","peer_netns":"nl4f2a-phone","pid":4242}
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/api/link_control.hpp"
#include "drivers/api/result.hpp"
#include "drivers/netlink/unique_fd.hpp"

namespace phonerig::netlink {

enum class ObjectKind { netns, link, address, route, qdisc };
std::string_view to_string(ObjectKind kind);

struct LedgerEntry {
  ObjectKind kind = ObjectKind::link;
  std::string netns;      // where it lives; empty: the namespace of whoever removes it
  std::string name;       // the namespace or link; for an address, route, qdisc: its link
  std::string link_kind;  // link: veth, tap, vlan
  std::string peer;       // veth: the other end, and where it is
  std::string peer_netns;
  std::optional<api::Ipv4Prefix> prefix;  // address: the address; route: the destination
  std::optional<wire::Ipv4> gateway;      // route
  std::uint32_t handle = 0;               // qdisc

  // What a lease calls it: the namespace or link name, "198.18.0.10/24",
  // "198.18.2.0/24 via 198.18.0.1", "netem 7072:".
  std::string label() const;
  // For errors: "veth link 'nl4f2a-p1' in netns 'nl4f2a-sw'".
  std::string describe() const;
  bool operator==(const LedgerEntry&) const = default;
};

enum class LedgerOp { add, remove };

std::string to_json_line(LedgerOp op, const LedgerEntry& entry);  // with its '\n'
api::Result<std::pair<LedgerOp, LedgerEntry>> parse_json_line(std::string_view line);

class Ledger {
 public:
  // Opens (creating) the file for appending.
  static api::Result<std::shared_ptr<Ledger>> open(std::filesystem::path path);

  api::Result<bool> added(const LedgerEntry& entry) { return append(LedgerOp::add, entry); }
  api::Result<bool> removed(const LedgerEntry& entry) { return append(LedgerOp::remove, entry); }
  const std::filesystem::path& path() const { return path_; }

  Ledger(std::filesystem::path path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}

 private:
  api::Result<bool> append(LedgerOp op, const LedgerEntry& entry);

  std::filesystem::path path_;
  UniqueFd fd_;
};

struct LedgerContents {
  std::vector<LedgerEntry> live;  // added and not removed, in the order they were added
  std::vector<std::string> unreadable;  // "line N: why", for lines that are not entries
};

// A missing file reads as empty.
api::Result<LedgerContents> read_ledger(const std::filesystem::path& path);

}  // namespace phonerig::netlink
