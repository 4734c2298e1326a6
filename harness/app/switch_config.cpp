#include "harness/app/switch_config.hpp"

#include <fmt/core.h>

namespace phonerig::app {

// The driver's configuration from the lab file; secrets resolved here, never printed.
api::Result<power::Config> switch_config(const scenario::SwitchConfig& sw,
                                         const std::optional<std::string>& fallback_community) {
  power::Config config;
  config.host = sw.address.to_string();
  config.port = sw.snmp.port;
  config.timeout = std::chrono::milliseconds(sw.snmp.timeout_ms);
  config.retries = sw.snmp.retries;
  config.min_off_time = std::chrono::milliseconds(sw.min_off_ms);
  config.confirm_timeout = std::chrono::milliseconds(sw.confirm_timeout_ms);
  switch (sw.profile) {
    case scenario::PoeProfile::rfc3621: config.profile = power::Profile::rfc3621; break;
    case scenario::PoeProfile::cisco: config.profile = power::Profile::cisco; break;
    case scenario::PoeProfile::apc_pdu: config.profile = power::Profile::apc_pdu; break;
  }
  auto resolve = [](const std::optional<scenario::Credential>& credential,
                    const char* what) -> api::Result<std::string> {
    if (!credential) return std::string();
    auto value = credential->resolve();
    if (!value) {
      return api::fail(api::Fault::config, fmt::format("switch.snmp.{}: {}", what,
                                                       value.error().message));
    }
    return std::move(*value);
  };
  if (sw.snmp.version == scenario::SnmpVersion::v2c) {
    config.version = power::SnmpVersion::v2c;
    auto community = resolve(sw.snmp.community, "community");
    if (!community && fallback_community) community = *fallback_community;
    PHONERIG_TRY(config.community, std::move(community));
  } else {
    config.version = power::SnmpVersion::v3;
    config.user.name = sw.snmp.user.value_or("");
    config.user.auth = sw.snmp.auth_protocol == scenario::SnmpAuthProtocol::sha
                           ? power::AuthProtocol::sha
                           : power::AuthProtocol::md5;
    config.user.priv = sw.snmp.priv_protocol == scenario::SnmpPrivProtocol::aes
                           ? power::PrivProtocol::aes
                           : power::PrivProtocol::des;
    PHONERIG_TRY(config.user.auth_passphrase, resolve(sw.snmp.auth, "auth"));
    PHONERIG_TRY(config.user.priv_passphrase, resolve(sw.snmp.priv, "priv"));
  }
  return config;
}

}  // namespace phonerig::app
