// A value or an error: the one result shape of the codecs (ParseResult) and of the
// driver API (api::Result). GCC 12 in C++20 has no std::expected, so this is the small
// subset the project uses, on top of std::variant.
#pragma once

#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace phonerig::wire {

template <class E>
struct Unexpected {
  E error;
};

template <class E>
Unexpected<std::decay_t<E>> unexpected(E&& error) {
  return Unexpected<std::decay_t<E>>{std::forward<E>(error)};
}

template <class T, class E>
class Expected {
 public:
  using value_type = T;
  using error_type = E;

  Expected(const T& value) : state_(std::in_place_index<0>, value) {}  // NOLINT: implicit by design
  Expected(T&& value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  template <class G>
  Expected(Unexpected<G> error)  // NOLINT: implicit by design
      : state_(std::in_place_index<1>, std::move(error.error)) {}

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  // Reading the value of an error (or the error of a value) is a programmer error.
  T& value() & { return std::get<0>(checked(true)); }
  const T& value() const& { return std::get<0>(checked(true)); }
  T&& value() && { return std::get<0>(std::move(checked(true))); }
  E& error() & { return std::get<1>(checked(false)); }
  const E& error() const& { return std::get<1>(checked(false)); }
  E&& error() && { return std::get<1>(std::move(checked(false))); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(state_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, E>& checked(bool want_value) {
    if (has_value() != want_value) {
      throw std::logic_error(want_value ? "Expected: value() read on an error"
                                        : "Expected: error() read on a value");
    }
    return state_;
  }
  const std::variant<T, E>& checked(bool want_value) const {
    return const_cast<Expected*>(this)->checked(want_value);
  }

  std::variant<T, E> state_;
};

}  // namespace phonerig::wire

#define PHONERIG_CONCAT_INNER(a, b) a##b
#define PHONERIG_CONCAT(a, b) PHONERIG_CONCAT_INNER(a, b)

// PHONERIG_TRY(auto x, reader.u16("field")); declares x from the value of an Expected,
// or returns its error from the enclosing function (whose result has the same error type).
#define PHONERIG_TRY(decl, expr) \
  PHONERIG_TRY_IMPL(decl, expr, PHONERIG_CONCAT(phonerig_try_, __LINE__))
#define PHONERIG_TRY_IMPL(decl, expr, tmp)                                      \
  auto tmp = (expr);                                                            \
  if (!tmp.has_value()) return ::phonerig::wire::unexpected(std::move(tmp).error()); \
  decl = std::move(tmp).value()

// PHONERIG_CHECK(expr); returns the error of an Expected, discards its value.
#define PHONERIG_CHECK(expr) PHONERIG_CHECK_IMPL(expr, PHONERIG_CONCAT(phonerig_chk_, __LINE__))
#define PHONERIG_CHECK_IMPL(expr, tmp) \
  do {                                 \
    auto tmp = (expr);                 \
    if (!tmp.has_value()) return ::phonerig::wire::unexpected(std::move(tmp).error()); \
  } while (false)
