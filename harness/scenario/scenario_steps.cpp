// The steps of a scenario file (scenarios/README.md is the reference): each item of
// `steps:` is `registration`, or a mapping with exactly one step key (expect, absent,
// power, wait, service, fault, any_order, registration) and optionally `name` and `phones`.
#include "harness/scenario/scenario_steps.hpp"

#include "harness/scenario/names.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <span>
#include <string>

namespace phonerig::scenario::detail {

namespace {

using engine::After;
using engine::EventMatch;
using engine::Millis;
using engine::StepSpec;

#define PHONERIG_STEP_KEYS                                                                         \
  "expect", "absent", "power", "wait", "service", "fault", "any_order", "registration"
#define PHONERIG_MATCH_KEYS                                                                        \
  "kind", "origin", "file", "method", "status", "from_phone", "options", "no_options",             \
      "option_values", "vlan", "src", "dst", "attrs", "within", "after", "optional"
#define PHONERIG_SERVICES "cdp", "lldp", "dhcp", "tftp", "http", "sip"

constexpr std::array<std::string_view, 8> kStepKeys = {PHONERIG_STEP_KEYS};
constexpr std::array<std::string_view, 6> kServices = {PHONERIG_SERVICES};

std::optional<bool> read_flag(Checker& checker, const Field& field) {
  auto choice = read_choice(checker, field, {"true", "false"});
  if (!choice) return std::nullopt;
  return *choice == 0;
}

// A plain decimal number in min..max: "5", "2.5".
std::optional<double> read_number(Checker& checker, const Field& field, double min, double max) {
  std::string expected = "expected a number " + std::to_string(static_cast<int>(min)) + ".." +
                         std::to_string(static_cast<int>(max));
  if (!field.node.IsScalar()) {
    checker.error(field, expected + ", got " + describe(field.node));
    return std::nullopt;
  }
  const std::string& text = field.node.Scalar();
  std::size_t used = 0;
  double value = 0;
  bool ok = !text.empty() && text.find_first_not_of("0123456789.") == std::string::npos;
  if (ok) {
    try {
      value = std::stod(text, &used);
    } catch (...) {
      ok = false;
    }
  }
  if (!ok || used != text.size() || !(value >= min && value <= max)) {
    checker.error(field, expected + ", got '" + text + "'");
    return std::nullopt;
  }
  return value;
}

std::optional<wire::Ipv4> read_address(Checker& checker, const Field& field) {
  auto text = read_string(checker, field);
  if (!text) return std::nullopt;
  auto ip = wire::Ipv4::parse(*text);
  if (!ip) checker.error(field, "'" + *text + "' is not an IPv4 address (A.B.C.D)");
  return ip;
}

// A string or a list of strings.
std::vector<std::string> read_strings(Checker& checker, const Field& field) {
  std::vector<std::string> out;
  if (field.node.IsSequence()) {
    auto items = read_sequence(checker, field);
    if (!items) return out;
    if (items->empty()) checker.error(field, "expected at least one item");
    for (const auto& item : *items) {
      if (auto text = read_string(checker, item)) out.push_back(*text);
    }
    return out;
  }
  if (auto text = read_string(checker, field)) out.push_back(*text);
  return out;
}

std::vector<int> read_codes(Checker& checker, const Field& field) {
  std::vector<int> out;
  auto one = [&](const Field& f) {
    if (auto code = read_integer(checker, f, 1, 254)) out.push_back(static_cast<int>(*code));
  };
  if (field.node.IsSequence()) {
    if (auto items = read_sequence(checker, field)) {
      for (const auto& item : *items)
        one(item);
    }
  } else {
    one(field);
  }
  return out;
}

// Where a pattern may use {mac}, {device} and {load}: no other braces.
void check_placeholders(Checker& checker, const Field& field, const std::string& text) {
  std::string rest = text;
  for (std::string_view known : {"{mac}", "{device}", "{load}"}) {
    for (auto at = rest.find(known); at != std::string::npos; at = rest.find(known)) {
      rest.erase(at, known.size());
    }
  }
  if (rest.find_first_of("{}") != std::string::npos) {
    checker.error(field, "'" + text + "': the placeholders are {mac}, {device} and {load}");
  }
}

bool kind_has_attr(const api::KindSpec& kind, std::string_view name) {
  auto in = [&](std::span<const api::AttrSpec> attrs) {
    return std::any_of(attrs.begin(), attrs.end(), [&](const auto& a) { return a.name == name; });
  };
  return in(kind.attrs) || (kind.packet && in(api::packet_attrs()));
}

bool any_kind_has_attr(std::string_view name) {
  for (const auto& kind : api::event_kinds()) {
    if (kind_has_attr(kind, name)) return true;
  }
  return false;
}

struct MatchRead {
  EventMatch match;
  std::optional<Millis> within;
  After after = After::previous;
  bool optional = false;
};

MatchRead read_match(Checker& checker, const Field& field, bool expect) {
  MatchRead out;
  auto map = read_mapping(checker, field, {PHONERIG_MATCH_KEYS});
  if (!map) return out;
  EventMatch& m = out.match;
  const api::KindSpec* kind = nullptr;
  if (map->require(checker, "kind")) {
    Field f = *map->get("kind");
    if (auto text = read_string(checker, f)) {
      m.kind = *text;
      kind = api::find_kind(*text);
      const bool pseudo = *text == engine::kKindRequested || *text == engine::kKindFetched ||
                          *text == engine::kKindSipConnect || *text == engine::kKindAny;
      if (kind == nullptr && !pseudo) {
        checker.error(f, "unknown event kind '" + *text +
                             "' (`phonerig events` lists them; "
                             "also requested, fetched, sip.connect and *)");
      }
    }
  }
  const bool file_kind =
      m.kind == engine::kKindRequested || m.kind == engine::kKindFetched ||
      (kind != nullptr && (kind_has_attr(*kind, "file") || kind_has_attr(*kind, "path")));
  if (auto f = map->get("origin")) {
    if (auto i = read_choice(checker, *f, {"capture", "service", "switch", "link"})) {
      m.origin = static_cast<api::EventSource>(*i);
    }
  }
  if (auto f = map->get("file")) {
    if (!m.kind.empty() && !file_kind) {
      checker.error(*f, "'" + m.kind +
                            "' events name no file (use tftp.*, http.*, requested "
                            "or fetched)");
    }
    m.files = read_strings(checker, *f);
    for (const auto& pattern : m.files)
      check_placeholders(checker, *f, pattern);
  }
  if (auto f = map->get("method")) {
    if (auto text = read_string(checker, *f)) m.method = *text;
  }
  if (auto f = map->get("status")) {
    if (auto code = read_integer(checker, *f, 100, 699)) m.status = static_cast<int>(*code);
  }
  if (auto f = map->get("from_phone")) m.from_phone = read_flag(checker, *f).value_or(false);
  if (auto f = map->get("options")) m.option_present = read_codes(checker, *f);
  if (auto f = map->get("no_options")) m.option_absent = read_codes(checker, *f);
  if (auto f = map->get("option_values")) {
    if (auto values =
            read_mapping(checker, *f, {"1", "3", "50", "51", "54", "56", "60", "66", "150"})) {
      for (auto it = f->node.begin(); it != f->node.end(); ++it) {
        const std::string key = it->first.Scalar();
        auto value_field = values->get(key);
        if (!value_field) continue;
        if (auto value = read_string(checker, *value_field)) {
          check_placeholders(checker, *value_field, *value);
          m.option_equal.emplace_back(std::stoi(key), *value);
        }
      }
    }
  }
  if (auto f = map->get("vlan")) {
    if (f->node.IsScalar() && (f->node.Scalar() == "voice" || f->node.Scalar() == "data")) {
      m.vlan_role = f->node.Scalar();
    } else if (f->node.IsScalar() && f->node.Scalar() == "tagged") {
      m.vlan = EventMatch::kAnyTag;
    } else if (f->node.IsScalar() && f->node.Scalar() == "untagged") {
      m.vlan = 0;
    } else if (auto id = read_integer(checker, *f, 1, 4094)) {
      m.vlan = static_cast<int>(*id);
    }
  }
  if (auto f = map->get("src")) m.src = read_address(checker, *f);
  if (auto f = map->get("dst")) m.dst = read_address(checker, *f);
  if (auto f = map->get("attrs")) {
    if (f->node.IsMap()) {
      for (auto it = f->node.begin(); it != f->node.end(); ++it) {
        Field key{it->first, it->first.Mark(), it->first.Mark(), f->path};
        Field value{it->second, it->second.Mark(), it->first.Mark(),
                    f->path + "." + it->first.Scalar()};
        auto name = read_string(checker, key);
        auto pattern = read_string(checker, value);
        if (!name || !pattern) continue;
        if (std::any_of(m.attrs.begin(), m.attrs.end(),
                        [&](const auto& a) { return a.first == *name; })) {
          checker.error(key, "duplicate key '" + *name + "'");
          continue;
        }
        bool known = kind != nullptr ? kind_has_attr(*kind, *name) : any_kind_has_attr(*name);
        if (!known) {
          checker.error(key, "'" + *name + "' is no attribute of " +
                                 (m.kind.empty() ? std::string("any kind") : m.kind) +
                                 " (`phonerig events` lists them)");
          continue;
        }
        check_placeholders(checker, value, *pattern);
        m.attrs.emplace_back(*name, *pattern);
      }
    } else {
      checker.error(*f, "expected a mapping of attribute: pattern, got " + describe(f->node));
    }
  }
  if (auto f = map->get("within")) out.within = read_duration(checker, *f);
  if (auto f = map->get("after")) {
    if (auto i = read_choice(checker, *f, {"previous", "power_on"})) {
      out.after = *i == 0 ? After::previous : After::power_on;
    }
  }
  if (auto f = map->get("optional")) {
    if (!expect) {
      checker.error_at_owner(*f, "an absent step cannot be optional");
    } else {
      out.optional = read_flag(checker, *f).value_or(false);
    }
  }
  return out;
}

std::optional<engine::PowerAction> read_power_action(Checker& checker, const Field& field) {
  auto i = read_choice(checker, field, {"on", "off", "cycle"});
  if (!i) return std::nullopt;
  return static_cast<engine::PowerAction>(*i);
}

std::optional<engine::Power> read_power(Checker& checker, const Field& field) {
  engine::Power power;
  if (field.node.IsScalar()) {
    auto action = read_power_action(checker, field);
    if (!action) return std::nullopt;
    power.action = *action;
    return power;
  }
  auto map = read_mapping(checker, field, {"action", "confirm_within"});
  if (!map) return std::nullopt;
  if (map->require(checker, "action")) {
    if (auto action = read_power_action(checker, *map->get("action"))) power.action = *action;
  }
  if (auto f = map->get("confirm_within")) {
    if (auto d = read_duration(checker, *f)) power.confirm_within = *d;
  }
  return power;
}

std::optional<engine::ServiceAction> read_service(Checker& checker, const Field& field) {
  auto map = read_mapping(checker, field, {"stop", "start", "drop_address", "restore_address"});
  if (!map) return std::nullopt;
  engine::ServiceAction action;
  int count = 0;
  for (auto [key, op] :
       {std::pair{"stop", engine::ServiceOp::stop}, std::pair{"start", engine::ServiceOp::start}}) {
    if (auto f = map->get(key)) {
      ++count;
      action.op = op;
      for (const auto& name : read_strings(checker, *f)) {
        if (std::find(kServices.begin(), kServices.end(), name) == kServices.end()) {
          checker.error(*f, "unknown service '" + name + "' (" + join({PHONERIG_SERVICES}) + ")");
        } else {
          action.services.push_back(name);
        }
      }
    }
  }
  for (auto [key, op] : {std::pair{"drop_address", engine::ServiceOp::drop_address},
                         std::pair{"restore_address", engine::ServiceOp::restore_address}}) {
    if (auto f = map->get(key)) {
      ++count;
      action.op = op;
      action.address = read_address(checker, *f);
    }
  }
  if (count != 1) {
    checker.error(field, "a service step says exactly one of stop, start, drop_address, "
                         "restore_address");
    return std::nullopt;
  }
  return action;
}

std::optional<engine::FaultAction> read_fault(Checker& checker, const Field& field) {
  auto map =
      read_mapping(checker, field,
                   {"port", "vlan", "loss_percent", "delay_ms", "duplicate_percent",
                    "corrupt_percent", "reorder_percent", "reorder_gap_ms", "flap", "clear"});
  if (!map) return std::nullopt;
  engine::FaultAction fault;
  if (auto f = map->get("port")) fault.port = read_string(checker, *f);
  if (auto f = map->get("vlan")) {
    if (f->node.IsScalar() && (f->node.Scalar() == "voice" || f->node.Scalar() == "data")) {
      fault.vlan_role = f->node.Scalar();
    } else if (auto id = read_integer(checker, *f, 1, 4094)) {
      fault.vlan = static_cast<int>(*id);
    }
  }
  if (map->has("port") == map->has("vlan")) {
    checker.error(field, "a fault names exactly one of port or vlan");
  }
  auto percent = [&](const char* key, double& into) {
    if (auto f = map->get(key)) into = read_number(checker, *f, 0, 100).value_or(0);
  };
  percent("loss_percent", fault.faults.loss_percent);
  percent("duplicate_percent", fault.faults.duplicate_percent);
  percent("corrupt_percent", fault.faults.corrupt_percent);
  percent("reorder_percent", fault.faults.reorder_percent);
  if (auto f = map->get("delay_ms")) {
    fault.faults.delay = Millis(read_integer(checker, *f, 0, 60'000).value_or(0));
  }
  if (auto f = map->get("reorder_gap_ms")) {
    fault.faults.reorder_gap = Millis(read_integer(checker, *f, 0, 60'000).value_or(10));
  }
  if (auto f = map->get("flap")) {
    if (!map->has("port")) checker.error(*f, "a link flap needs a port");
    if (auto flap = read_mapping(checker, *f, {"down_ms", "period_ms", "count"})) {
      api::LinkFlap lf;
      if (auto g = flap->get("down_ms"))
        lf.down_for = Millis(read_integer(checker, *g, 1, 600'000).value_or(1000));
      if (auto g = flap->get("period_ms"))
        lf.period = Millis(read_integer(checker, *g, 0, 3'600'000).value_or(0));
      if (auto g = flap->get("count"))
        lf.count = static_cast<int>(read_integer(checker, *g, 1, 10'000).value_or(1));
      if (lf.period.count() != 0 && lf.period < lf.down_for) {
        checker.error(*f, "flap: period_ms must be at least down_ms");
      }
      fault.flap = lf;
    }
  }
  if (auto f = map->get("clear")) {
    fault.clear = read_flag(checker, *f).value_or(false);
    if (fault.clear && (fault.faults.any() || fault.flap)) {
      checker.error(*f, "clear takes no impairments or flap with it");
    }
  }
  if (!fault.clear && !fault.flap && !fault.faults.any()) {
    checker.error(field, "a fault sets an impairment (loss_percent, delay_ms, duplicate_percent, "
                         "corrupt_percent, reorder_percent), a flap, or clear: true");
  }
  return fault;
}

std::optional<engine::Registration> read_registration(Checker& checker, const Field& field) {
  engine::Registration r;
  if (field.node.IsNull()) return r;
  auto map = read_mapping(checker, field,
                          {"power", "skip", "expect_firmware_upgrade", "expect_default_config"});
  if (!map) return std::nullopt;
  if (auto f = map->get("power")) {
    if (auto i = read_choice(checker, *f, {"cycle", "on", "none"})) {
      r.power = *i == 0   ? std::optional(engine::PowerAction::cycle)
                : *i == 1 ? std::optional(engine::PowerAction::on)
                          : std::nullopt;
    }
  }
  if (auto f = map->get("skip")) {
    for (const auto& id : read_strings(checker, *f)) {
      auto& ids = engine::kRegistrationStepIds;
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
        std::string all;
        for (auto one : ids)
          all += (all.empty() ? "" : ", ") + std::string(one);
        checker.error(*f, "unknown registration step '" + id + "' (" + all + ")");
      } else {
        r.skip.push_back(id);
      }
    }
  }
  if (auto f = map->get("expect_firmware_upgrade")) {
    r.expect_firmware_upgrade = read_flag(checker, *f).value_or(false);
  }
  if (auto f = map->get("expect_default_config")) {
    r.expect_default_config = read_flag(checker, *f).value_or(false);
  }
  return r;
}

std::optional<StepSpec> read_step(Checker& checker, const Field& item, bool in_group);

std::optional<engine::AnyOrder> read_any_order(Checker& checker, const Field& field) {
  auto items = read_sequence(checker, field);
  if (!items) return std::nullopt;
  engine::AnyOrder group;
  if (items->size() < 2) checker.error(field, "any_order holds two steps or more");
  for (const auto& item : *items) {
    if (auto step = read_step(checker, item, true)) group.members.push_back(std::move(*step));
  }
  return group;
}

std::optional<StepSpec> read_step(Checker& checker, const Field& item, bool in_group) {
  StepSpec spec;
  spec.line = position_of(item.mark).line;
  spec.column = position_of(item.mark).column;
  if (item.node.IsScalar() && item.node.Scalar() == "registration" && !in_group) {
    spec.what = engine::Registration{};
    return spec;
  }
  auto map = read_mapping(checker, item, {PHONERIG_STEP_KEYS, "name", "phones"});
  if (!map) return std::nullopt;
  std::optional<Field> step;
  std::string key;
  for (auto k : kStepKeys) {
    if (auto f = map->get(k)) {
      if (step) {
        checker.error(*f, "one step per item: '" + key + "' and '" + std::string(k) +
                              "' (write two items)");
        return std::nullopt;
      }
      step = f;
      key = k;
    }
  }
  if (!step) {
    checker.error(item, "a step needs one of " + join({PHONERIG_STEP_KEYS}));
    return std::nullopt;
  }
  if (auto f = map->get("name")) spec.name = read_string(checker, *f).value_or("");
  if (auto f = map->get("phones")) {
    if (key == "service" || key == "fault") {
      checker.error(*f, "a " + key + " step acts on the whole lab: it takes no phones");
    } else {
      spec.phones = read_selector(checker, *f);
    }
  }
  if (in_group && key != "expect" && key != "absent") {
    checker.error(*step, "any_order holds expect and absent steps only, not " + key);
    return std::nullopt;
  }
  if (key == "expect" || key == "absent") {
    MatchRead read = read_match(checker, *step, key == "expect");
    if (key == "expect") {
      engine::Expect e;
      e.match = std::move(read.match);
      if (read.within) e.within = *read.within;
      e.after = read.after;
      e.optional = read.optional;
      spec.what = std::move(e);
    } else {
      engine::Absent a;
      a.match = std::move(read.match);
      a.within = read.within;
      a.after = read.after;
      spec.what = std::move(a);
    }
  } else if (key == "power") {
    auto power = read_power(checker, *step);
    if (!power) return std::nullopt;
    spec.what = *power;
  } else if (key == "wait") {
    auto d = read_duration(checker, *step);
    if (!d) return std::nullopt;
    spec.what = engine::Wait{*d};
  } else if (key == "service") {
    auto s = read_service(checker, *step);
    if (!s) return std::nullopt;
    spec.what = std::move(*s);
  } else if (key == "fault") {
    auto f = read_fault(checker, *step);
    if (!f) return std::nullopt;
    spec.what = std::move(*f);
  } else if (key == "any_order") {
    auto g = read_any_order(checker, *step);
    if (!g) return std::nullopt;
    spec.what = std::move(*g);
  } else {
    auto r = read_registration(checker, *step);
    if (!r) return std::nullopt;
    spec.what = std::move(*r);
  }
  return spec;
}

} // namespace

std::optional<engine::Millis> read_duration(Checker& checker, const Field& field) {
  const std::string expected = "expected a duration such as 500ms, 30s, 1.5s, 2m or 1h";
  if (!field.node.IsScalar()) {
    checker.error(field, expected + ", got " + describe(field.node));
    return std::nullopt;
  }
  const std::string& text = field.node.Scalar();
  std::size_t digits = text.find_first_not_of("0123456789.");
  std::string number = text.substr(0, digits);
  std::string unit = digits == std::string::npos ? "" : text.substr(digits);
  double scale = unit == "ms"  ? 1
                 : unit == "s" ? 1e3
                 : unit == "m" ? 60e3
                 : unit == "h" ? 3600e3
                               : 0;
  double value = 0;
  bool ok = scale != 0 && !number.empty() && std::count(number.begin(), number.end(), '.') <= 1 &&
            number.front() != '.' && number.back() != '.';
  if (ok) value = std::stod(number) * scale;
  if (!ok || value < 1 || value > 24 * 3600e3) {
    checker.error(field, expected + ", got '" + text + "'" +
                             (ok           ? " (1ms..24h)"
                              : scale == 0 ? " (units: ms, s, m, h)"
                                           : ""));
    return std::nullopt;
  }
  return engine::Millis(static_cast<std::int64_t>(std::llround(value)));
}

std::optional<engine::PhoneSelector> read_selector(Checker& checker, const Field& field) {
  engine::PhoneSelector selector;
  selector.line = position_of(field.mark).line;
  selector.column = position_of(field.mark).column;
  if (field.node.IsScalar() && field.node.Scalar() == "all") return selector;
  selector.all = false;
  selector.names = read_strings(checker, field);
  for (const auto& name : selector.names) {
    if (auto problem = identifier_problem(name)) {
      checker.error(field, "phones: '" + name + "': " + *problem);
    }
  }
  if (selector.names.empty()) return std::nullopt;
  return selector;
}

std::vector<StepSpec> read_steps(Checker& checker, const Field& field) {
  std::vector<StepSpec> steps;
  auto items = read_sequence(checker, field);
  if (!items) return steps;
  if (items->empty()) checker.error(field, "a scenario needs at least one step");
  for (const auto& item : *items) {
    if (auto step = read_step(checker, item, false)) steps.push_back(std::move(*step));
  }
  return steps;
}

} // namespace phonerig::scenario::detail

#undef PHONERIG_STEP_KEYS
#undef PHONERIG_MATCH_KEYS
#undef PHONERIG_SERVICES
