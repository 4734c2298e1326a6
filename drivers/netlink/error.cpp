#include "drivers/netlink/error.hpp"

#include <netlink/errno.h>

#include <cstring>

namespace phonerig::netlink {

std::string errno_name(int error_number) {
  const char* name = strerrorname_np(error_number);  // glibc 2.32
  return name != nullptr ? name : "errno " + std::to_string(error_number);
}

namespace {

std::string head(std::string_view operation, std::string_view object) {
  std::string text(operation);
  if (!object.empty()) text.append(" ").append(object);
  return text;
}

}  // namespace

api::Error os_error(std::string_view operation, std::string_view object, int error_number,
                    std::string_view kernel_message) {
  std::string text = head(operation, object) + ": " + std::strerror(error_number) + " [" +
                     errno_name(error_number) + "]";
  if (!kernel_message.empty()) text.append("; kernel: ").append(kernel_message);
  return api::Error{api::Fault::rig, std::move(text)};
}

api::Error libnl_error(std::string_view operation, std::string_view object, int nl_error) {
  return api::Error{api::Fault::rig, head(operation, object) + ": " + nl_geterror(nl_error) +
                                         " [libnl " + std::to_string(nl_error) + "]"};
}

api::Error rig_error(std::string_view operation, std::string_view object, std::string_view why) {
  return api::Error{api::Fault::rig, head(operation, object) + ": " + std::string(why)};
}

api::Error config_error(std::string_view operation, std::string_view object,
                        std::string_view why) {
  return api::Error{api::Fault::config, head(operation, object) + ": " + std::string(why)};
}

bool failed_with(const api::Error& error, int error_number) {
  return error.message.find("[" + errno_name(error_number) + "]") != std::string::npos;
}

}  // namespace phonerig::netlink
