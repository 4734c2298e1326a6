#include "drivers/wire/sip_headers.hpp"

namespace phonerig::wire::sip {

namespace {

std::string shown(char c) {
  if (static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f) {
    return std::string("'") + c + "'";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  auto byte = static_cast<unsigned char>(c);
  return std::string("0x") + kHex[byte >> 4] + kHex[byte & 0x0f];
}

ParseResult<bool> expect_end(TextScanner& s) {
  s.skip_ws();
  if (s.at_end()) return true;
  return s.error("unexpected " + shown(s.peek()));
}

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) (section 20.10)
std::optional<std::uint16_t> parse_qvalue(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return std::nullopt;
  std::uint16_t millis = text[0] == '1' ? 1000 : 0;
  if (text.size() == 1) return millis;
  if (text[1] != '.' || text.size() > 5) return std::nullopt;
  std::uint16_t scale = 100;
  for (char c : text.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    millis = static_cast<std::uint16_t>(millis + (c - '0') * scale);
    scale = static_cast<std::uint16_t>(scale / 10);
  }
  return millis <= 1000 ? std::optional<std::uint16_t>(millis) : std::nullopt;
}

std::optional<std::uint32_t> numeric_param(const Params& params, std::string_view name,
                                           std::uint32_t max) {
  auto text = param_value(params, name);
  if (!text) return std::nullopt;
  auto value = parse_decimal(*text, max);
  if (!value) return std::nullopt;
  return static_cast<std::uint32_t>(*value);
}

// The value of a quoted Contact feature parameter (RFC 3840 section 9).
std::optional<std::string> quoted_param(const Params& params, std::string_view name) {
  const Param* p = find_param(params, name);
  if (p == nullptr || !p->value) return std::nullopt;
  return *p->value;
}

ParseResult<bool> check_contact_params(const NameAddr& contact, std::string_view item,
                                       std::size_t base) {
  TextScanner s(item, base, "Contact");
  for (const Param& p : contact.params) {
    const std::string value = p.value.value_or("");
    if (iequals(p.name, "expires") && !parse_decimal(value, 0xffffffffu)) {
      return s.error_at(0, "expires '" + value + "' is not a 32-bit number");
    }
    if (iequals(p.name, "q") && !parse_qvalue(value)) {
      return s.error_at(0, "q '" + value + "' is not a qvalue");
    }
    if (iequals(p.name, kRegIdParam)) {
      auto id = parse_decimal(value, 0x7fffffffu);
      if (!id || *id == 0) return s.error_at(0, "reg-id '" + value + "' is not in 1..2^31-1");
    }
    if (iequals(p.name, kInstanceParam) &&
        (!p.quoted || value.size() < 2 || value.front() != '<' || value.back() != '>')) {
      return s.error_at(0, "+sip.instance is not a quoted \"<URN>\"");
    }
  }
  return true;
}

template <class T, class Parse>
ParseResult<T> required(const Message& message, std::string_view name, Parse parse) {
  const Header* h = message.find(name);
  if (h == nullptr) return parse_error(0, std::string(name) + ": missing");
  return parse(h->value, h->value_offset);
}

ParseResult<std::optional<std::uint32_t>>
optional_number(const Message& message, std::string_view name, std::uint32_t max) {
  const Header* h = message.find(name);
  if (h == nullptr) return std::optional<std::uint32_t>();
  PHONERIG_TRY(std::uint32_t value, parse_number(h->value, h->value_offset, name, max));
  return std::optional<std::uint32_t>(value);
}

} // namespace

std::optional<std::uint16_t> Via::rport() const {
  auto value = numeric_param(params, "rport", 65535);
  if (!value) return std::nullopt;
  return static_cast<std::uint16_t>(*value);
}

std::string Via::sent_by() const {
  return port ? host + ":" + std::to_string(*port) : host;
}

ParseResult<Via> parse_via(std::string_view value, std::size_t base) {
  TextScanner s(value, base, "Via");
  Via via;
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport, SLASH = SWS "/" SWS
  s.skip_ws();
  PHONERIG_TRY(std::string_view name, s.token("protocol name"));
  s.skip_ws();
  PHONERIG_CHECK(s.expect('/', "after the protocol name"));
  s.skip_ws();
  PHONERIG_TRY(std::string_view version, s.token("protocol version"));
  s.skip_ws();
  PHONERIG_CHECK(s.expect('/', "after the protocol version"));
  s.skip_ws();
  PHONERIG_TRY(std::string_view transport, s.token("transport"));
  via.protocol = std::string(name) + "/" + std::string(version);
  via.transport = std::string(transport);
  if (s.peek() != ' ' && s.peek() != '\t') {
    return s.error(s.at_end()
                       ? std::string("no sent-by after the transport")
                       : "expected whitespace after the transport, found " + shown(s.peek()));
  }
  s.skip_ws();
  PHONERIG_CHECK(parse_host_port(s, via.host, via.port));
  PHONERIG_TRY(via.params, parse_params(s));
  if (auto rport = param_value(via.params, "rport");
      rport && !rport->empty() && !parse_decimal(*rport, 65535)) {
    return s.error_at(0, "rport '" + *rport + "' is not a port");
  }
  PHONERIG_CHECK(expect_end(s));
  return via;
}

ParseResult<std::vector<Via>> parse_via_list(std::string_view value, std::size_t base) {
  PHONERIG_TRY(std::vector<ListItem> items, split_list(value, base, "Via"));
  if (items.empty()) return parse_error(base, "Via: empty");
  std::vector<Via> out;
  for (const ListItem& item : items) {
    PHONERIG_TRY(Via via, parse_via(item.text, item.offset));
    out.push_back(std::move(via));
  }
  return out;
}

std::string to_string(const Via& via) {
  std::string out = via.protocol + "/" + via.transport + " " + via.sent_by();
  append_params(out, via.params);
  return out;
}

std::optional<std::uint32_t> NameAddr::expires() const {
  return numeric_param(params, "expires", 0xffffffffu);
}

std::optional<std::uint16_t> NameAddr::q_millis() const {
  auto text = param_value(params, "q");
  return text ? parse_qvalue(*text) : std::nullopt;
}

std::optional<std::string> NameAddr::instance_id() const {
  auto value = quoted_param(params, kInstanceParam);
  if (!value || value->size() < 2 || value->front() != '<' || value->back() != '>') {
    return std::nullopt;
  }
  return value->substr(1, value->size() - 2);
}

std::optional<std::uint32_t> NameAddr::reg_id() const {
  return numeric_param(params, kRegIdParam, 0x7fffffffu);
}

std::optional<std::string> NameAddr::cisco_device_name() const {
  return quoted_param(params, kCiscoDeviceNameParam);
}

std::optional<std::string> NameAddr::cisco_model() const {
  return quoted_param(params, kCiscoModelParam);
}

ParseResult<NameAddr> parse_name_addr(std::string_view value, std::size_t base) {
  TextScanner s(value, base, "");
  NameAddr address;
  s.skip_ws();
  // name-addr = [ display-name ] LAQUOT addr-spec RAQUOT,
  // display-name = *(token LWS) / quoted-string
  std::string_view rest = s.rest();
  std::size_t first_other = 0;
  while (first_other < rest.size() && (is_token_char(rest[first_other]) ||
                                       rest[first_other] == ' ' || rest[first_other] == '\t')) {
    ++first_other;
  }
  bool angle = first_other < rest.size() && rest[first_other] == '<';
  if (s.peek() == '"') {
    PHONERIG_TRY(address.display_name, s.quoted_string("display name"));
    address.display_quoted = true;
    s.skip_ws();
    angle = true;
  } else if (angle) {
    std::string_view display = trim(s.take_while([](char c) { return c != '<'; }));
    if (!display.empty()) address.display_name = std::string(display);
  }
  std::size_t uri_at = 0;
  std::string_view uri_text;
  if (angle) {
    PHONERIG_CHECK(s.expect('<', "before the URI"));
    uri_at = s.offset();
    uri_text = s.take_while([](char c) { return c != '>'; });
    PHONERIG_CHECK(s.expect('>', "after the URI"));
  } else {
    // addr-spec: its own parameters cannot be told from the header's, so every ';'
    // starts a header parameter (section 20.10).
    address.angle_brackets = false;
    uri_at = s.offset();
    uri_text = s.take_while([](char c) { return c != ';' && c != ' ' && c != '\t'; });
  }
  PHONERIG_TRY(address.uri, parse_uri(uri_text, uri_at));
  if (!angle && !address.uri.headers.empty()) {
    // Section 20.10: a URI with '?' (or ',' or ';') must be enclosed in angle brackets.
    return s.error_at(uri_at - base, "URI with headers ('?') outside angle brackets");
  }
  PHONERIG_TRY(address.params, parse_params(s));
  PHONERIG_CHECK(expect_end(s));
  return address;
}

std::string to_string(const NameAddr& address) {
  std::string out;
  if (address.display_name) {
    out += address.display_quoted ? quote(*address.display_name) : *address.display_name;
    out += ' ';
  }
  bool brackets = address.angle_brackets || address.display_name || !address.uri.params.empty() ||
                  !address.uri.headers.empty();
  std::string uri = to_string(address.uri);
  out += brackets ? "<" + uri + ">" : uri;
  append_params(out, address.params);
  return out;
}

ParseResult<ContactList> parse_contact(std::string_view value, std::size_t base) {
  ContactList list;
  PHONERIG_TRY(std::vector<ListItem> items, split_list(value, base, "Contact"));
  if (items.empty()) return parse_error(base, "Contact: empty");
  for (const ListItem& item : items) {
    if (item.text == "*") {
      list.wildcard = true;
      continue;
    }
    auto parsed = parse_name_addr(item.text, item.offset);
    if (!parsed) {
      ParseError e = std::move(parsed).error();
      return Unexpected<ParseError>{ParseError{e.offset, "Contact: " + e.what}};
    }
    PHONERIG_CHECK(check_contact_params(*parsed, item.text, item.offset));
    list.contacts.push_back(std::move(*parsed));
  }
  return list;
}

std::string to_string(const ContactList& list) {
  std::string out = list.wildcard ? "*" : "";
  for (const NameAddr& contact : list.contacts) {
    if (!out.empty()) out += ", ";
    out += to_string(contact);
  }
  return out;
}

ParseResult<CSeq> parse_cseq(std::string_view value, std::size_t base) {
  TextScanner s(value, base, "CSeq");
  s.skip_ws();
  std::size_t number_at = s.position();
  std::string_view digits = s.take_while([](char c) { return c != ' ' && c != '\t'; });
  auto number = parse_decimal(digits, 0xffffffffu);
  if (!number) {
    bool numeric =
        !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
    return s.error_at(number_at,
                      numeric ? "sequence number " + std::string(digits) + " does not fit 32 bits"
                              : "sequence number '" + std::string(digits) + "' is not a number");
  }
  s.skip_ws();
  PHONERIG_TRY(std::string_view method, s.token("method"));
  PHONERIG_CHECK(expect_end(s));
  return CSeq{static_cast<std::uint32_t>(*number), std::string(method)};
}

std::string to_string(const CSeq& cseq) {
  return std::to_string(cseq.number) + " " + cseq.method;
}

ParseResult<std::string> parse_call_id(std::string_view value, std::size_t base) {
  TextScanner s(value, base, "Call-ID");
  std::string_view id = trim(value);
  if (id.empty()) return s.error_at(0, "empty");
  for (std::size_t i = 0; i < id.size(); ++i) {
    auto byte = static_cast<unsigned char>(id[i]);
    if (byte <= 0x20 || byte >= 0x7f) {
      return s.error_at(static_cast<std::size_t>(id.data() - value.data()) + i,
                        "invalid character " + shown(id[i]));
    }
  }
  return std::string(id);
}

ParseResult<std::uint32_t> parse_number(std::string_view value, std::size_t base,
                                        std::string_view name, std::uint32_t max) {
  TextScanner s(value, base, name);
  std::string_view text = trim(value);
  auto number = parse_decimal(text, max);
  if (!number) {
    bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
    if (digits) return s.error_at(0, std::string(text) + " exceeds " + std::to_string(max));
    return s.error_at(0, "'" + std::string(text) + "' is not a number");
  }
  return static_cast<std::uint32_t>(*number);
}

ParseResult<std::vector<Via>> vias(const Message& message) {
  std::vector<Via> out;
  for (const Header& h : message.headers) {
    if (h.canonical() != "Via") continue;
    PHONERIG_TRY(std::vector<Via> list, parse_via_list(h.value, h.value_offset));
    out.insert(out.end(), list.begin(), list.end());
  }
  if (out.empty()) return parse_error(0, "Via: missing");
  return out;
}

ParseResult<NameAddr> from(const Message& message) {
  return required<NameAddr>(message, "From", [](std::string_view v, std::size_t at) {
    auto parsed = parse_name_addr(v, at);
    if (parsed) return parsed;
    ParseError e = std::move(parsed).error();
    return ParseResult<NameAddr>(Unexpected<ParseError>{ParseError{e.offset, "From: " + e.what}});
  });
}

ParseResult<NameAddr> to(const Message& message) {
  return required<NameAddr>(message, "To", [](std::string_view v, std::size_t at) {
    auto parsed = parse_name_addr(v, at);
    if (parsed) return parsed;
    ParseError e = std::move(parsed).error();
    return ParseResult<NameAddr>(Unexpected<ParseError>{ParseError{e.offset, "To: " + e.what}});
  });
}

ParseResult<CSeq> cseq(const Message& message) {
  return required<CSeq>(message, "CSeq",
                        [](std::string_view v, std::size_t at) { return parse_cseq(v, at); });
}

ParseResult<std::string> call_id(const Message& message) {
  return required<std::string>(
      message, "Call-ID", [](std::string_view v, std::size_t at) { return parse_call_id(v, at); });
}

ParseResult<ContactList> contacts(const Message& message) {
  ContactList out;
  for (const Header& h : message.headers) {
    if (h.canonical() != "Contact") continue;
    PHONERIG_TRY(ContactList list, parse_contact(h.value, h.value_offset));
    out.wildcard = out.wildcard || list.wildcard;
    out.contacts.insert(out.contacts.end(), list.contacts.begin(), list.contacts.end());
  }
  return out;
}

ParseResult<std::optional<std::uint32_t>> expires(const Message& message) {
  return optional_number(message, "Expires", 0xffffffffu);
}

ParseResult<std::optional<std::uint32_t>> min_expires(const Message& message) {
  return optional_number(message, "Min-Expires", 0xffffffffu);
}

ParseResult<std::optional<std::uint32_t>> max_forwards(const Message& message) {
  return optional_number(message, "Max-Forwards", 255);
}

std::optional<std::string_view> user_agent(const Message& message) {
  return message.get("User-Agent");
}

std::optional<std::string_view> server(const Message& message) {
  return message.get("Server");
}

} // namespace phonerig::wire::sip
