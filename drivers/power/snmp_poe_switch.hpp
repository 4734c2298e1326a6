// PoeSwitch over SNMP (net-snmp, asynchronous on the harness's io_context): POWER-ETHERNET-MIB
// (RFC 3621), the Cisco PoE extension MIB, or APC PowerNet-MIB outlets, per Config::profile.
//
//   power::Config config;
//   config.host = "10.20.0.2";                 // the switch's SNMP agent, port 161
//   config.version = power::SnmpVersion::v3;   // or v2c with config.community
//   config.user = {"rig", power::AuthProtocol::sha, auth, power::PrivProtocol::aes, priv};
//   config.profile = power::Profile::cisco;
//   auto sw = power::SnmpPoeSwitch::open(io.get_executor(), config, events);
//   (*sw)->set_power({"Gi1/0/5"}, true, [](api::Result<std::vector<api::PortStatus>> r) {..});
//
// Open the switch on the thread (network namespace) its sockets must live in; use it from the
// executor's thread. Batches go in one PDU (up to Config::max_varbinds objects, then several
// PDUs in sequence). Port names are resolved once, from tables walked with GETBULK and kept
// (PortTable). Emits power.on / power.off when the switch acknowledged a set and
// port.detection when a port's detection status read differs from the last one read.
// Credentials are never part of an error, an event or anything logged.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "drivers/api/event_sink.hpp"
#include "drivers/api/poe_switch.hpp"
#include "drivers/power/oids.hpp"
#include "drivers/power/session.hpp"

namespace phonerig::power {

struct Config {
  std::string host;            // address or name of the switch's SNMP agent
  std::uint16_t port = 161;
  SnmpVersion version = SnmpVersion::v2c;
  std::string community;       // v2c: the write community, resolved already
  V3User user;                 // v3 (authPriv): name, protocols, passphrases resolved already
  Profile profile = Profile::rfc3621;
  std::string name;            // for messages and events; default "<host>:<port>"

  std::chrono::milliseconds timeout{1000};  // per try
  int retries = 2;
  std::chrono::milliseconds confirm_timeout{15000};  // set -> state read back
  std::chrono::milliseconds poll_interval{250};
  std::chrono::milliseconds min_off_time{5000};      // cycle: a phone really loses power
  // On: accept `searching` (nothing plugged in) as well as deliveringPower.
  bool accept_searching = false;
  int max_varbinds = 48;  // per PDU; a 48-port switch is one PDU per operation
};

class SnmpPoeSwitch final : public api::PoeSwitch {
 public:
  static api::Result<std::unique_ptr<SnmpPoeSwitch>> open(boost::asio::any_io_executor executor,
                                                          Config config,
                                                          api::EventSink& events);
  ~SnmpPoeSwitch() override;

  void set_power(std::vector<std::string> ports, bool on,
                 Handler<std::vector<api::PortStatus>> handler) override;
  void cycle(std::vector<std::string> ports, Handler<api::CycleResult> handler) override;
  void status(std::vector<std::string> ports,
              Handler<std::vector<api::PortStatus>> handler) override;
  void wait_for(std::vector<std::string> ports, api::PoeDetection wanted,
                std::chrono::milliseconds deadline,
                Handler<std::vector<api::PortStatus>> handler) override;
  void neighbours(std::vector<std::string> ports,
                  Handler<std::vector<api::Neighbour>> handler) override;
  void close() override;

  const Config& config() const;

  struct Impl;

 private:
  explicit SnmpPoeSwitch(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace phonerig::power
