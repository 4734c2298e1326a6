// Lexical building blocks of SIP header values (RFC 3261 section 25.1): tokens,
// quoted-strings, generic parameters and top-level comma lists, read through one
// bounds-checked text scanner whose errors carry absolute offsets.
#pragma once

#include "drivers/wire/bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phonerig::wire::sip {

// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
bool is_token_char(char c);
bool is_token(std::string_view text);
// ASCII case-insensitive comparison (header names, parameter names, schemes).
bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view text);
// Strips SP and HTAB at both ends.
std::string_view trim(std::string_view text);
// quoted-string with '"' and '\' escaped as quoted-pair (RFC 3261 section 25.1).
std::string quote(std::string_view text);
// A decimal number of at most `max`, digits only: nullopt when empty, non-digit or larger.
std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t max);

// Walks one header value. Every access is bounds-checked; errors read
// "<context>: <what>" at base + position.
class TextScanner {
public:
  TextScanner(std::string_view text, std::size_t base, std::string_view context)
      : text_(text), base_(base), context_(context) {}

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  std::size_t position() const { return pos_; }
  std::size_t offset() const { return base_ + pos_; }
  std::string_view rest() const { return at_end() ? std::string_view{} : text_.substr(pos_); }
  std::string_view context() const { return context_; }

  // Consumes `c` when it is next.
  bool consume(char c);
  // SP and HTAB (the value is already unfolded, so this is LWS).
  void skip_ws();
  // Consumes characters while `pred` holds; returns them.
  template <class Pred> std::string_view take_while(Pred pred) {
    std::size_t start = pos_;
    while (!at_end() && pred(text_[pos_]))
      ++pos_;
    return text_.substr(start, pos_ - start);
  }
  // Consumes everything left.
  std::string_view take_rest();

  // A token; error "<what>: expected a token" when none is next.
  ParseResult<std::string_view> token(std::string_view what);
  // A quoted-string starting at '"': the text without quotes, quoted-pairs resolved.
  ParseResult<std::string> quoted_string(std::string_view what);
  // Consumes `c` or fails with "expected '<c>' <what>".
  ParseResult<bool> expect(char c, std::string_view what);

  Unexpected<ParseError> error(std::string_view what) const { return error_at(pos_, what); }
  Unexpected<ParseError> error_at(std::size_t position, std::string_view what) const;

private:
  std::string_view text_;
  std::size_t base_ = 0;
  std::size_t pos_ = 0;
  std::string_view context_;
};

// generic-param = token [ EQUAL gen-value ], gen-value = token / host / quoted-string
// (RFC 3261 section 25.1). Names keep their case and order, so a header comes back as sent.
struct Param {
  std::string name;
  std::optional<std::string> value; // without quotes, quoted-pairs resolved
  bool quoted = false;              // value was (or is to be) written as a quoted-string
  bool operator==(const Param&) const = default;
};
using Params = std::vector<Param>;

// First parameter of that name (case-insensitive), or nullptr.
const Param* find_param(const Params& params, std::string_view name);
bool has_param(const Params& params, std::string_view name);
// Its value ("" for a flag parameter such as `lr`); nullopt when absent.
std::optional<std::string> param_value(const Params& params, std::string_view name);
// Replaces the value of the first parameter of that name, or appends one.
void set_param(Params& params, std::string_view name, std::optional<std::string> value,
               bool quoted = false);
void remove_param(Params& params, std::string_view name);

// *( SEMI generic-param ): stops at the end of the text or at the first character after
// a parameter that is not ';' (the caller decides whether that is an error).
ParseResult<Params> parse_params(TextScanner& scanner);
// ";name=value" for each, quoting values marked `quoted`.
void append_params(std::string& out, const Params& params);

// One element of a comma-separated header value, trimmed, with the absolute offset of
// its first character.
struct ListItem {
  std::string_view text;
  std::size_t offset = 0;
};
// Splits at commas outside quoted-strings and <...> (RFC 3261 section 7.3.1). Errors:
// an unterminated quoted-string or '<', an empty element.
ParseResult<std::vector<ListItem>> split_list(std::string_view value, std::size_t base,
                                              std::string_view context);

} // namespace phonerig::wire::sip
