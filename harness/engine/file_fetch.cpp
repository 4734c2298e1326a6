#include "harness/engine/file_fetch.hpp"

#include <algorithm>
#include <cctype>

namespace phonerig::engine {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}
bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}
bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

std::string strip_slash(std::string_view name) {
  while (!name.empty() && name.front() == '/') name.remove_prefix(1);
  return std::string(name);
}

// The name two attempts are compared by: lower case, no leading '/', no ".sgn".
std::string key_of(std::string_view name) {
  std::string key = lower(strip_slash(name));
  if (ends_with(key, ".sgn")) key.resize(key.size() - 4);
  return key;
}

}  // namespace

std::string_view to_string(FileRole role) {
  switch (role) {
    case FileRole::ctl: return "CTL";
    case FileRole::itl: return "ITL";
    case FileRole::device_config: return "device config";
    case FileRole::default_config: return "default config";
    case FileRole::firmware: return "firmware";
    case FileRole::dial_rules: return "dial rules";
    case FileRole::softkeys: return "softkeys";
    case FileRole::ringtones: return "ringtones";
    case FileRole::localization: return "localization";
    case FileRole::other: return "other";
  }
  return "other";
}

FileRole classify_file(std::string_view name, const wire::Mac& phone) {
  const std::string path = key_of(name);
  const std::string mac = lower(phone.to_cisco());
  std::string_view base = path;
  if (auto slash = base.rfind('/'); slash != std::string_view::npos) base.remove_prefix(slash + 1);
  // Reference section 6: the MAC in names is 12 hex digits, no separators.
  if (base == "ctlsep" + mac + ".tlv" || base == "ctlfile.tlv") return FileRole::ctl;
  if (base == "itlsep" + mac + ".tlv" || base == "itlfile.tlv") return FileRole::itl;
  if (base == "sep" + mac + ".cnf.xml") return FileRole::device_config;
  if (base == "xmldefault.cnf.xml") return FileRole::default_config;
  if (ends_with(base, ".loads") || ends_with(base, ".sbn") || ends_with(base, ".zz") ||
      ends_with(base, ".bin")) {
    return FileRole::firmware;
  }
  if (contains(base, "dial")) return FileRole::dial_rules;
  if (contains(base, "softkey") || (starts_with(base, "sk") && ends_with(base, ".xml"))) {
    return FileRole::softkeys;
  }
  if (contains(base, "ringlist") || ends_with(base, ".rwb") || ends_with(base, ".raw")) {
    return FileRole::ringtones;
  }
  if (ends_with(base, ".jar") || contains(path, "locale") || contains(path, "english_") ||
      contains(path, "united_states") || contains(base, "tones.xml") ||
      contains(base, "dictionary")) {
    return FileRole::localization;
  }
  return FileRole::other;
}

std::string FileFetch::outcome() const {
  std::string out;
  for (const auto& attempt : attempts) {
    if (!out.empty()) out += ", then ";
    out += attempt.transport == "http" ? "HTTP " : "TFTP ";
    out += attempt.result;
  }
  return out;
}

std::vector<api::Event> FileFetch::events() const {
  std::vector<api::Event> out;
  for (const auto& attempt : attempts) {
    out.insert(out.end(), attempt.events.begin(), attempt.events.end());
  }
  return out;
}

std::vector<FileFetch> collect_fetches(std::span<const api::Event> events, const wire::Mac& phone,
                                       std::int64_t window_ns) {
  struct Open {
    std::string key;
    std::string name;
    FileAttempt attempt;
  };
  std::vector<Open> attempts;
  // The oldest unanswered attempt over `transport` of `key` (any file when key is empty).
  auto find_open = [&](std::string_view transport, const std::string& key) -> Open* {
    for (auto& open : attempts) {
      if (!open.attempt.answered && open.attempt.transport == transport &&
          (key.empty() || open.key == key)) {
        return &open;
      }
    }
    return nullptr;
  };
  for (const api::Event& e : events) {
    if (e.kind == "http.get" || e.kind == "tftp.rrq") {
      std::string name = strip_slash(e.string_attr(e.kind == "http.get" ? "path" : "file").value_or(""));
      Open open{key_of(name), name, {}};
      open.attempt.transport = e.kind == "http.get" ? "http" : "tftp";
      open.attempt.start_ns = open.attempt.end_ns = e.time_ns;
      open.attempt.result = "no answer";
      open.attempt.events.push_back(e);
      attempts.push_back(std::move(open));
      continue;
    }
    const bool http = e.kind == "http.status";
    if (!http && e.kind != "tftp.done" && e.kind != "tftp.error") continue;
    auto name = e.string_attr(http ? "path" : "file");
    Open* open = find_open(http ? "http" : "tftp", name ? key_of(*name) : std::string());
    if (open == nullptr && name) open = find_open(http ? "http" : "tftp", std::string());
    if (open == nullptr) continue;
    FileAttempt& a = open->attempt;
    a.answered = true;
    a.end_ns = e.time_ns;
    a.events.push_back(e);
    if (http) {
      auto status = e.integer_attr("status").value_or(0);
      a.bytes = e.integer_attr("bytes").value_or(0);
      a.ok = status >= 200 && status < 300;
      a.result = std::to_string(status) + (a.ok ? " (" + std::to_string(a.bytes) + " B)" : "");
    } else if (e.kind == "tftp.done") {
      a.ok = true;
      a.bytes = e.integer_attr("bytes").value_or(0);
      a.result = "done (" + std::to_string(a.bytes) + " B)";
    } else {
      a.result = "error " + std::to_string(e.integer_attr("code").value_or(0));
      if (auto message = e.string_attr("message")) a.result += " " + *message;
    }
  }

  std::vector<FileFetch> fetches;
  for (auto& open : attempts) {
    FileFetch* into = nullptr;
    for (auto it = fetches.rbegin(); it != fetches.rend(); ++it) {
      if (key_of(it->name) == open.key && open.attempt.start_ns - it->last_ns <= window_ns) {
        into = &*it;
        break;
      }
    }
    if (into == nullptr) {
      FileFetch fetch;
      fetch.name = open.name;
      fetch.role = classify_file(open.name, phone);
      fetch.first_ns = open.attempt.start_ns;
      fetches.push_back(std::move(fetch));
      into = &fetches.back();
    }
    into->last_ns = std::max(into->last_ns, open.attempt.end_ns);
    into->ok = into->ok || open.attempt.ok;
    into->attempts.push_back(std::move(open.attempt));
  }
  return fetches;
}

}  // namespace phonerig::engine
