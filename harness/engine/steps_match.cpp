// Matching one phone's events against an expect/absent step (steps.hpp).
#include "harness/engine/steps.hpp"

#include <algorithm>
#include <cctype>

namespace phonerig::engine {

namespace {

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool equal_nocase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

bool ends_with_nocase(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         equal_nocase(text.substr(text.size() - suffix.size()), suffix);
}

bool is_kind(const api::Event& e, std::string_view kind) {
  return e.kind == kind;
}

// The kinds a match may be satisfied by (one for an api kind).
bool kind_ok(const EventMatch& m, const api::Event& e) {
  if (m.kind == kKindAny) return true;
  if (m.kind == kKindRequested) return is_kind(e, "tftp.rrq") || is_kind(e, "http.get");
  if (m.kind == kKindFetched) {
    if (is_kind(e, "tftp.done")) return true;
    if (is_kind(e, "http.status")) {
      auto status = e.integer_attr("status").value_or(0);
      return status >= 200 && status < 300;
    }
    return false;
  }
  if (m.kind == kKindSipConnect) {
    if (is_kind(e, "tcp.established")) {
      auto port = e.integer_attr("dst_port");
      return port == 5060 || port == 5061;
    }
    return is_kind(e, "sip.request") && e.string_attr("transport") == "udp";
  }
  return e.kind == m.kind;
}

// The same family: what an attempt at the match that failed looks like.
bool family_ok(const EventMatch& m, const api::Event& e) {
  if (kind_ok(m, e)) return true;
  if (m.kind == kKindFetched) {
    return is_kind(e, "tftp.error") || is_kind(e, "http.status") || is_kind(e, "file.missing");
  }
  if (m.kind == "tftp.done") return is_kind(e, "tftp.error");
  if (m.kind == kKindSipConnect) {
    auto port = e.integer_attr("dst_port");
    return is_kind(e, "tcp.syn") && (port == 5060 || port == 5061);
  }
  if (m.kind == "dhcp.ack") return is_kind(e, "dhcp.nak");
  return false;
}

std::optional<std::string> file_of(const api::Event& e) {
  if (auto path = e.string_attr("path")) return path;
  return e.string_attr("file");
}

bool file_ok(const EventMatch& m, const api::Event& e) {
  if (m.files.empty()) return true;
  auto name = file_of(e);
  if (!name) return false;
  std::string_view text = *name;
  while (!text.empty() && text.front() == '/')
    text.remove_prefix(1);
  std::string_view unsigned_name = text;
  if (ends_with_nocase(text, ".sgn")) unsigned_name.remove_suffix(4);
  for (const auto& pattern : m.files) {
    if (glob_match(pattern, text) || glob_match(pattern, unsigned_name)) return true;
  }
  return false;
}

bool method_ok(const EventMatch& m, const api::Event& e) {
  if (!m.method) return true;
  auto method = e.string_attr("method");
  return method && equal_nocase(*method, *m.method);
}

std::vector<std::string> list_of(const api::Event& e, std::string_view name) {
  if (const auto* v = e.attr(name)) {
    if (const auto* list = std::get_if<api::AttrList>(v)) return *list;
    return {api::to_string(*v)};
  }
  return {};
}

bool has_option(const api::Event& e, int code) {
  auto options = list_of(e, "options");
  return std::find(options.begin(), options.end(), std::to_string(code)) != options.end();
}

// DHCP option values the decoder keeps, as text (lists joined with ',').
std::optional<std::string> option_value(const api::Event& e, int code) {
  const char* attr = nullptr;
  switch (code) {
  case 1: attr = "subnet_mask"; break;
  case 3: attr = "routers"; break;
  case 50: attr = "requested_ip"; break;
  case 51: attr = "lease_s"; break;
  case 54: attr = "server_id"; break;
  case 56: attr = "message"; break;
  case 60: attr = "vendor_class"; break;
  case 66: attr = "tftp_server_name"; break;
  case 150: attr = "tftp_servers"; break;
  default: return std::nullopt;
  }
  auto values = list_of(e, attr);
  if (values.empty()) return std::nullopt;
  std::string out;
  for (const auto& v : values)
    out += (out.empty() ? "" : ",") + v;
  return out;
}

bool outcome_ok(const EventMatch& m, const api::Event& e, const wire::Mac& phone) {
  if (m.origin && e.source != *m.origin) return false;
  if (m.status && e.integer_attr("status") != *m.status) return false;
  if (m.from_phone) {
    const auto* v = e.attr("src_mac");
    const auto* mac = v ? std::get_if<wire::Mac>(v) : nullptr;
    if (mac == nullptr || *mac != phone) return false;
  }
  for (int code : m.option_present) {
    if (!has_option(e, code) && !option_value(e, code)) return false;
  }
  for (int code : m.option_absent) {
    if (has_option(e, code) || option_value(e, code)) return false;
  }
  for (const auto& [code, pattern] : m.option_equal) {
    auto value = option_value(e, code);
    if (!value || !glob_match(pattern, *value)) return false;
  }
  if (m.vlan) {
    auto vlan = e.integer_attr("vlan").value_or(0);
    if (*m.vlan == EventMatch::kAnyTag ? vlan == 0 : vlan != *m.vlan) return false;
  }
  auto ip_is = [&](std::string_view name, const wire::Ipv4& want) {
    const auto* v = e.attr(name);
    const auto* ip = v ? std::get_if<wire::Ipv4>(v) : nullptr;
    return ip != nullptr && *ip == want;
  };
  if (m.src && !ip_is("src", *m.src)) return false;
  if (m.dst && !ip_is("dst", *m.dst)) return false;
  for (const auto& [name, pattern] : m.attrs) {
    const auto* v = e.attr(name);
    if (v == nullptr || !glob_match(pattern, api::to_string(*v))) return false;
  }
  return true;
}

} // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative '*' matching with one backtrack point: linear enough for file names.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && lower(pattern[p]) == lower(text[t])) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

bool matches(const EventMatch& match, const api::Event& event, const wire::Mac& phone) {
  return kind_ok(match, event) && file_ok(match, event) && method_ok(match, event) &&
         outcome_ok(match, event, phone);
}

bool near_miss(const EventMatch& match, const api::Event& event, const wire::Mac& phone) {
  if (match.kind == kKindAny) return false;
  return family_ok(match, event) && file_ok(match, event) && method_ok(match, event) &&
         !matches(match, event, phone);
}

std::string describe(const EventMatch& m) {
  std::string out;
  auto add = [&](const std::string& part) { out += (out.empty() ? "" : " ") + part; };
  std::string files;
  for (const auto& f : m.files)
    files += (files.empty() ? "" : " or ") + f;
  if (m.kind == kKindFetched) {
    add((files.empty() ? std::string("a file") : files) + " fetched");
  } else if (m.kind == kKindRequested) {
    add((files.empty() ? std::string("a file") : files) + " requested");
  } else if (m.kind == kKindSipConnect) {
    add("a connection to a CallManager");
  } else if (m.kind == kKindAny) {
    add("a frame");
  } else {
    add(m.kind);
    if (!files.empty()) add(files);
  }
  if (m.status) add(std::to_string(*m.status));
  if (m.method) add((m.kind == "sip.response" ? "to " : "") + *m.method);
  if (m.from_phone) add("from the phone");
  for (int code : m.option_present)
    add("with option " + std::to_string(code));
  for (int code : m.option_absent)
    add("without option " + std::to_string(code));
  for (const auto& [code, value] : m.option_equal) {
    add("option " + std::to_string(code) + "=" + value);
  }
  if (m.vlan) {
    add(*m.vlan == EventMatch::kAnyTag ? std::string("tagged")
        : *m.vlan == 0                 ? std::string("untagged")
                                       : "on VLAN " + std::to_string(*m.vlan));
  }
  if (m.src) add("from " + m.src->to_string());
  if (m.dst) add("to " + m.dst->to_string());
  for (const auto& [name, value] : m.attrs)
    add(name + "=" + value);
  if (m.origin) add("(" + std::string(api::to_string(*m.origin)) + ")");
  return out;
}

std::string summarize(const api::Event& e) {
  std::string out = e.kind;
  if (auto file = file_of(e)) out += " " + *file;
  if (auto method = e.string_attr("method"); method && e.kind == "sip.request")
    out += " " + *method;
  if (auto status = e.integer_attr("status")) {
    out += " " + std::to_string(*status);
    if (auto reason = e.string_attr("reason")) out += " " + *reason;
  }
  if (auto code = e.integer_attr("code")) out += " error " + std::to_string(*code);
  if (auto message = e.string_attr("message")) out += " " + *message;
  if (auto vlan = e.integer_attr("vlan")) out += " VLAN " + std::to_string(*vlan);
  return out;
}

std::string_view to_string(PowerAction action) {
  switch (action) {
  case PowerAction::on: return "on";
  case PowerAction::off: return "off";
  case PowerAction::cycle: return "cycle";
  }
  return "cycle";
}

std::string_view to_string(ServiceOp op) {
  switch (op) {
  case ServiceOp::stop: return "stop";
  case ServiceOp::start: return "start";
  case ServiceOp::drop_address: return "drop_address";
  case ServiceOp::restore_address: return "restore_address";
  }
  return "stop";
}

} // namespace phonerig::engine
