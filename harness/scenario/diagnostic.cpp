#include "harness/scenario/diagnostic.hpp"

#include <ostream>

namespace phonerig::scenario {

std::string Diagnostic::to_string() const {
  std::string text = file;
  if (at.line > 0) {
    text += ':' + std::to_string(at.line) + ':' + std::to_string(at.column);
  }
  text += ": ";
  text += message;
  return text;
}

std::ostream& operator<<(std::ostream& out, const Diagnostic& diagnostic) {
  return out << diagnostic.to_string();
}

std::string to_string(const Diagnostics& diagnostics) {
  std::string text;
  for (const auto& diagnostic : diagnostics) {
    text += diagnostic.to_string();
    text += '\n';
  }
  return text;
}

api::Error to_error(const Diagnostics& diagnostics) {
  std::string message = to_string(diagnostics);
  if (!message.empty()) message.pop_back();  // no trailing newline inside one message
  return api::Error{api::Fault::config, std::move(message)};
}

}  // namespace phonerig::scenario
