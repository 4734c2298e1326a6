#include "drivers/wire/sip_text.hpp"

#include <string>

namespace phonerig::wire::sip {

namespace {

bool is_ws(char c) {
  return c == ' ' || c == '\t';
}

// Unquoted gen-value: a token or a host, including an IPv6 reference "[...]".
bool is_gen_value_char(char c) {
  return is_token_char(c) || c == '[' || c == ']' || c == ':';
}

std::string describe(char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x21 && byte < 0x7f) return std::string("'") + c + "'";
  return std::string("0x") + kHex[byte >> 4] + kHex[byte & 0x0f];
}

} // namespace

bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
  case '-':
  case '.':
  case '!':
  case '%':
  case '*':
  case '_':
  case '+':
  case '`':
  case '\'':
  case '~': return true;
  default: return false;
  }
}

bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_ws(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_ws(text.back()))
    text.remove_suffix(1);
  return text;
}

std::string quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t max) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (max - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

bool TextScanner::consume(char c) {
  if (at_end() || text_[pos_] != c) return false;
  ++pos_;
  return true;
}

void TextScanner::skip_ws() {
  while (!at_end() && is_ws(text_[pos_]))
    ++pos_;
}

std::string_view TextScanner::take_rest() {
  std::string_view out = rest();
  pos_ = text_.size();
  return out;
}

ParseResult<std::string_view> TextScanner::token(std::string_view what) {
  std::string_view out = take_while(is_token_char);
  if (out.empty()) {
    if (at_end()) return error(std::string(what) + ": expected a token, found the end");
    return error(std::string(what) + ": expected a token, found " + describe(peek()));
  }
  return out;
}

ParseResult<std::string> TextScanner::quoted_string(std::string_view what) {
  std::size_t open = pos_;
  PHONERIG_CHECK(expect('"', what));
  std::string out;
  while (!at_end()) {
    char c = text_[pos_++];
    if (c == '"') return out;
    if (c == '\\') {
      // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
      if (at_end()) break;
      char escaped = text_[pos_++];
      if (escaped == '\r' || escaped == '\n' || static_cast<unsigned char>(escaped) > 0x7f) {
        return error_at(pos_ - 1, std::string(what) + ": invalid quoted-pair " + describe(escaped));
      }
      out.push_back(escaped);
      continue;
    }
    out.push_back(c);
  }
  return error_at(open, std::string(what) + ": unterminated quoted string");
}

ParseResult<bool> TextScanner::expect(char c, std::string_view what) {
  if (consume(c)) return true;
  std::string found = at_end() ? std::string("the end") : describe(peek());
  return error(std::string("expected '") + c + "' " + std::string(what) + ", found " + found);
}

Unexpected<ParseError> TextScanner::error_at(std::size_t position, std::string_view what) const {
  std::string message(context_);
  if (!message.empty()) message += ": ";
  message += what;
  return parse_error(base_ + position, std::move(message));
}

const Param* find_param(const Params& params, std::string_view name) {
  for (const Param& p : params) {
    if (iequals(p.name, name)) return &p;
  }
  return nullptr;
}

bool has_param(const Params& params, std::string_view name) {
  return find_param(params, name) != nullptr;
}

std::optional<std::string> param_value(const Params& params, std::string_view name) {
  const Param* p = find_param(params, name);
  if (p == nullptr) return std::nullopt;
  return p->value.value_or(std::string());
}

void set_param(Params& params, std::string_view name, std::optional<std::string> value,
               bool quoted) {
  for (Param& p : params) {
    if (iequals(p.name, name)) {
      p.value = std::move(value);
      p.quoted = quoted && p.value.has_value();
      return;
    }
  }
  bool is_quoted = quoted && value.has_value();
  params.push_back(Param{std::string(name), std::move(value), is_quoted});
}

void remove_param(Params& params, std::string_view name) {
  std::erase_if(params, [&](const Param& p) { return iequals(p.name, name); });
}

ParseResult<Params> parse_params(TextScanner& scanner) {
  Params params;
  for (;;) {
    scanner.skip_ws();
    if (!scanner.consume(';')) return params;
    scanner.skip_ws();
    PHONERIG_TRY(std::string_view name, scanner.token("parameter name"));
    Param param{std::string(name), std::nullopt, false};
    scanner.skip_ws();
    if (scanner.consume('=')) {
      scanner.skip_ws();
      std::string what = "parameter " + param.name;
      if (scanner.peek() == '"') {
        PHONERIG_TRY(param.value, scanner.quoted_string(what));
        param.quoted = true;
      } else {
        std::string_view value = scanner.take_while(is_gen_value_char);
        if (value.empty()) {
          std::string found = scanner.at_end() ? "the end" : describe(scanner.peek());
          return scanner.error(what + ": expected a value, found " + found);
        }
        param.value = std::string(value);
      }
    }
    params.push_back(std::move(param));
  }
}

void append_params(std::string& out, const Params& params) {
  for (const Param& p : params) {
    out += ';';
    out += p.name;
    if (!p.value) continue;
    out += '=';
    out += p.quoted ? quote(*p.value) : *p.value;
  }
}

ParseResult<std::vector<ListItem>> split_list(std::string_view value, std::size_t base,
                                              std::string_view context) {
  std::vector<ListItem> items;
  TextScanner scanner(value, base, context);
  if (trim(value).empty()) return items;
  std::size_t start = 0;
  auto finish = [&](std::size_t end) -> ParseResult<bool> {
    std::string_view raw = value.substr(start, end - start);
    std::string_view item = trim(raw);
    if (item.empty()) return scanner.error_at(start, "empty element in the list");
    std::size_t lead = static_cast<std::size_t>(item.data() - raw.data());
    items.push_back(ListItem{item, base + start + lead});
    return true;
  };
  std::size_t i = 0;
  while (i < value.size()) {
    char c = value[i];
    if (c == '"') {
      std::size_t open = i++;
      while (i < value.size() && value[i] != '"')
        i += (value[i] == '\\') ? 2 : 1;
      if (i >= value.size()) return scanner.error_at(open, "unterminated quoted string");
      ++i;
    } else if (c == '<') {
      std::size_t open = i;
      while (i < value.size() && value[i] != '>')
        ++i;
      if (i >= value.size()) return scanner.error_at(open, "unterminated '<'");
      ++i;
    } else if (c == ',') {
      PHONERIG_CHECK(finish(i));
      start = ++i;
    } else {
      ++i;
    }
  }
  PHONERIG_CHECK(finish(value.size()));
  return items;
}

} // namespace phonerig::wire::sip
