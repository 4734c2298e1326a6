#include "drivers/netlink/ledger.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "drivers/netlink/error.hpp"

namespace phonerig::netlink {

namespace {

using nlohmann::json;

constexpr std::array kKindNames = {"netns", "link", "address", "route", "qdisc"};

std::optional<ObjectKind> kind_from(std::string_view text) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (text == kKindNames[i]) return static_cast<ObjectKind>(i);
  }
  return std::nullopt;
}

std::optional<api::Ipv4Prefix> prefix_from(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto address = wire::Ipv4::parse(text.substr(0, slash));
  std::string_view digits = text.substr(slash + 1);
  if (!address || digits.empty() || digits.size() > 2) return std::nullopt;
  int length = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    length = length * 10 + (c - '0');
  }
  if (length > 32) return std::nullopt;
  return api::Ipv4Prefix{*address, length};
}

std::string handle_text(std::uint32_t handle) {
  char text[16];
  std::snprintf(text, sizeof text, "%x:", handle >> 16);
  return text;
}

}  // namespace

std::string_view to_string(ObjectKind kind) { return kKindNames[static_cast<std::size_t>(kind)]; }

std::string LedgerEntry::label() const {
  switch (kind) {
    case ObjectKind::netns:
    case ObjectKind::link: return name;
    case ObjectKind::address: return prefix ? prefix->to_string() : "?";
    case ObjectKind::route: {
      std::string text = prefix ? prefix->to_string() : "?";
      return gateway ? text + " via " + gateway->to_string() : text;
    }
    case ObjectKind::qdisc: return "netem " + handle_text(handle);
  }
  return "?";
}

std::string LedgerEntry::describe() const {
  std::string where = netns.empty() ? "" : " in netns '" + netns + "'";
  switch (kind) {
    case ObjectKind::netns: return "netns '" + name + "'";
    case ObjectKind::link: return link_kind + " link '" + name + "'" + where;
    case ObjectKind::address: return "address " + label() + " on '" + name + "'" + where;
    case ObjectKind::route: return "route " + label() + " dev '" + name + "'" + where;
    case ObjectKind::qdisc: return "qdisc " + label() + " on '" + name + "'" + where;
  }
  return "?";
}

std::string to_json_line(LedgerOp op, const LedgerEntry& entry) {
  json line = {{"op", op == LedgerOp::add ? "add" : "remove"},
               {"kind", std::string(to_string(entry.kind))},
               {"netns", entry.netns},
               {"name", entry.name}};
  if (!entry.link_kind.empty()) line["link_kind"] = entry.link_kind;
  if (!entry.peer.empty()) line["peer"] = entry.peer;
  if (!entry.peer_netns.empty()) line["peer_netns"] = entry.peer_netns;
  if (entry.prefix) line["prefix"] = entry.prefix->to_string();
  if (entry.gateway) line["gateway"] = entry.gateway->to_string();
  if (entry.kind == ObjectKind::qdisc) line["handle"] = entry.handle;
  line["pid"] = ::getpid();  // for whoever reads the file: which run wrote the line
  return line.dump() + "\n";
}

api::Result<std::pair<LedgerOp, LedgerEntry>> parse_json_line(std::string_view text) {
  auto bad = [](std::string why) { return api::fail(api::Fault::rig, std::move(why)); };
  json line = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!line.is_object()) return bad("not a JSON object");
  auto string_field = [&](const char* key) -> std::string {
    auto it = line.find(key);
    return it != line.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  LedgerOp op = LedgerOp::add;
  std::string op_text = string_field("op");
  if (op_text == "add") {
    op = LedgerOp::add;
  } else if (op_text == "remove") {
    op = LedgerOp::remove;
  } else {
    return bad("\"op\" is neither \"add\" nor \"remove\"");
  }
  LedgerEntry entry;
  auto kind = kind_from(string_field("kind"));
  if (!kind) return bad("unknown \"kind\" '" + string_field("kind") + "'");
  entry.kind = *kind;
  entry.netns = string_field("netns");
  entry.name = string_field("name");
  if (entry.name.empty()) return bad("no \"name\"");
  entry.link_kind = string_field("link_kind");
  entry.peer = string_field("peer");
  entry.peer_netns = string_field("peer_netns");
  if (line.contains("prefix")) {
    entry.prefix = prefix_from(string_field("prefix"));
    if (!entry.prefix) return bad("\"prefix\" is not an IPv4 prefix");
  }
  if (line.contains("gateway")) {
    entry.gateway = wire::Ipv4::parse(string_field("gateway"));
    if (!entry.gateway) return bad("\"gateway\" is not an IPv4 address");
  }
  if (entry.kind == ObjectKind::qdisc) {
    auto it = line.find("handle");
    if (it == line.end() || !it->is_number_unsigned()) return bad("a qdisc has no \"handle\"");
    entry.handle = it->get<std::uint32_t>();
  }
  bool needs_prefix = entry.kind == ObjectKind::address || entry.kind == ObjectKind::route;
  if (needs_prefix && !entry.prefix) return bad("an address or route has no \"prefix\"");
  return std::pair{op, std::move(entry)};
}

api::Result<std::shared_ptr<Ledger>> Ledger::open(std::filesystem::path path) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.valid()) return wire::unexpected(os_error("open", "ledger " + path.string(), errno));
  return std::make_shared<Ledger>(std::move(path), std::move(fd));
}

api::Result<bool> Ledger::append(LedgerOp op, const LedgerEntry& entry) {
  const std::string line = to_json_line(op, entry);
  ssize_t written = ::write(fd_.get(), line.data(), line.size());
  if (written != static_cast<ssize_t>(line.size())) {
    int error = written < 0 ? errno : EIO;
    return wire::unexpected(os_error("record", entry.describe() + " in ledger " + path_.string(),
                                     error));
  }
  return true;
}

api::Result<LedgerContents> read_ledger(const std::filesystem::path& path) {
  LedgerContents contents;
  std::error_code missing;
  if (!std::filesystem::exists(path, missing)) return contents;
  std::ifstream file(path);
  if (!file) {
    return wire::unexpected(os_error("read", "ledger " + path.string(), errno));
  }
  std::string text;
  for (std::size_t number = 1; std::getline(file, text); ++number) {
    if (text.empty()) continue;
    auto line = parse_json_line(text);
    if (!line) {
      contents.unreadable.push_back("line " + std::to_string(number) + ": " +
                                    line.error().message);
      continue;
    }
    auto& [op, entry] = *line;
    if (op == LedgerOp::add) {
      contents.live.push_back(std::move(entry));
      continue;
    }
    // A removal cancels the latest matching addition (the same object may come and go).
    for (auto it = contents.live.rbegin(); it != contents.live.rend(); ++it) {
      if (*it == entry) {
        contents.live.erase(std::next(it).base());
        break;
      }
    }
  }
  return contents;
}

}  // namespace phonerig::netlink
