// From the lab file's model to the services' own configurations: the one place that knows
// both (harness/app names concrete drivers; the scenario model never does).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drivers/api/result.hpp"
#include "drivers/services/config/phone_config.hpp"
#include "drivers/services/dhcp/config.hpp"
#include "drivers/services/discovery/discovery_core.hpp"
#include "drivers/services/http/server.hpp"
#include "drivers/services/sip/server.hpp"
#include "drivers/services/tftp/server.hpp"
#include "harness/scenario/lab.hpp"

namespace phonerig::app {

// Where a service binds: the rig interface's real device and its address.
struct Binding {
  std::string logical;  // the lab file's name
  std::string device;   // the kernel's interface name
  wire::Ipv4 address;
  int prefix_length = 24;
};

// The serving interface a service names (or the first that serves); Fault::config when the
// interface has no address (a service answers on an address).
api::Result<Binding> binding_for(const scenario::Lab& lab, const scenario::ServiceCommon& service);

// The CUCM model name and enum of a phone model ("CP-8851" -> "Cisco 8851", 684); the enum
// is 0 when unknown (the generated XMLDefault then skips that model's load element).
struct ModelName {
  std::string name;
  int model_id = 0;
};
ModelName cisco_model(const std::string& product);

// Every service's configuration, secrets resolved (line passwords).
struct ServicesPlan {
  std::optional<Binding> dhcp_at, tftp_at, http_at, sip_at, cdp_at;
  services::config::Config files;
  services::dhcp::Config dhcp;
  services::sip::Config sip;
  services::discovery::Config cdp;
  int http_missing_status = 404;
  std::optional<std::filesystem::path> tftp_root;
};

// Fault::config naming the phone, line and reference when a password cannot be resolved.
api::Result<ServicesPlan> plan_services(const scenario::Lab& lab,
                                        const std::filesystem::path& state_dir);

}  // namespace phonerig::app
