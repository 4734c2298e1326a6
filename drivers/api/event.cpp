#include <cstdio>

#include "drivers/api/event.hpp"

namespace phonerig::api {

std::string_view to_string(EventSource source) {
  switch (source) {
    case EventSource::capture: return "capture";
    case EventSource::service: return "service";
    case EventSource::switch_port: return "switch";
    case EventSource::link: return "link";
  }
  return "?";
}

std::string_view to_string(AttrType type) {
  switch (type) {
    case AttrType::string: return "string";
    case AttrType::integer: return "integer";
    case AttrType::address: return "address";
    case AttrType::mac: return "mac";
    case AttrType::list: return "list";
  }
  return "?";
}

AttrType type_of(const AttrValue& value) {
  return static_cast<AttrType>(value.index());  // variant order matches AttrType
}

std::string to_string(const AttrValue& value) {
  switch (type_of(value)) {
    case AttrType::string: return std::get<std::string>(value);
    case AttrType::integer: return std::to_string(std::get<std::int64_t>(value));
    case AttrType::address: return std::get<wire::Ipv4>(value).to_string();
    case AttrType::mac: return std::get<wire::Mac>(value).to_string();
    case AttrType::list: {
      std::string out = "[";
      for (const auto& item : std::get<AttrList>(value)) {
        if (out.size() > 1) out += ",";
        out += item;
      }
      return out + "]";
    }
  }
  return "?";
}

const KindSpec* find_kind(std::string_view kind) {
  for (const KindSpec& spec : event_kinds()) {
    if (spec.kind == kind) return &spec;
  }
  return nullptr;
}

const AttrValue* Event::attr(std::string_view name) const {
  auto it = attrs.find(name);
  return it == attrs.end() ? nullptr : &it->second;
}

std::optional<std::string> Event::string_attr(std::string_view name) const {
  const AttrValue* v = attr(name);
  if (v == nullptr || type_of(*v) != AttrType::string) return std::nullopt;
  return std::get<std::string>(*v);
}

std::optional<std::int64_t> Event::integer_attr(std::string_view name) const {
  const AttrValue* v = attr(name);
  if (v == nullptr || type_of(*v) != AttrType::integer) return std::nullopt;
  return std::get<std::int64_t>(*v);
}

namespace {
const AttrSpec* find_attr(std::span<const AttrSpec> specs, std::string_view name) {
  for (const AttrSpec& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}
}  // namespace

Result<bool> validate(const Event& event) {
  const KindSpec* kind = find_kind(event.kind);
  if (kind == nullptr) return fail(Fault::internal, "event kind '" + event.kind + "' is not declared");
  for (const auto& [name, value] : event.attrs) {
    const AttrSpec* spec = find_attr(kind->attrs, name);
    if (spec == nullptr && kind->packet) spec = find_attr(packet_attrs(), name);
    if (spec == nullptr) {
      return fail(Fault::internal,
                  "event " + event.kind + ": attribute '" + name + "' is not declared");
    }
    if (spec->type != type_of(value)) {
      return fail(Fault::internal, "event " + event.kind + ": attribute '" + name + "' is " +
                                       std::string(to_string(type_of(value))) + ", declared " +
                                       std::string(to_string(spec->type)));
    }
  }
  for (const AttrSpec& spec : kind->attrs) {
    if (spec.required && event.attr(spec.name) == nullptr) {
      return fail(Fault::internal, "event " + event.kind + ": required attribute '" +
                                       std::string(spec.name) + "' is missing");
    }
  }
  return true;
}

std::string to_string(const Event& event) {
  char stamp[40];
  std::snprintf(stamp, sizeof stamp, "%lld.%09lld",
                static_cast<long long>(event.time_ns / 1'000'000'000),
                static_cast<long long>(event.time_ns % 1'000'000'000));
  std::string out = stamp;
  out += " ";
  out += to_string(event.source);
  out += " ";
  out += event.phone ? event.phone->to_string() : std::string("-");
  out += " ";
  out += event.kind;
  for (const auto& [name, value] : event.attrs) {
    out += " " + name + "=" + to_string(value);
  }
  return out;
}

}  // namespace phonerig::api
