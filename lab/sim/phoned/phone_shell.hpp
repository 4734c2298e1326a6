// The emulated phone's program: the pure core (lab/sim/phone) driven by real devices and
// sockets. The TAP carries the phone's kernel-stack traffic (HTTP, TFTP, SIP, ARP) through
// the tagger; CDP/LLDP and DHCP are built by the core and sent raw on the port; a steady
// timer follows next_deadline(). Every action is one log line ("<id> <action>") and, where a
// kind fits, an event (source service, phone = the MAC).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "drivers/api/event_sink.hpp"
#include "drivers/api/result.hpp"
#include "lab/sim/phone/phone.hpp"
#include "lab/sim/phoned/phone_file.hpp"
#include "lab/sim/phoned/tagger.hpp"
#include "lab/sim/phoned/transfers.hpp"

namespace phonerig::sim::phoned {

// One log line "HH:MM:SS.mmm <id> <text>" to `out`, flushed.
void log_line(std::ostream& out, const std::string& id, const std::string& text);

// The running load the flash folder holds (`running_load`, one line), if any.
std::optional<std::string> flash_running_load(const std::filesystem::path& flash);
// Stores files and `running_load` in the flash folder (created when missing); each file
// written whole (temporary name, then rename). Names with '/' or ".." are refused.
api::Result<bool> write_flash(const std::filesystem::path& flash, const std::string& load,
                              const std::vector<std::pair<std::string, wire::ByteVector>>& files);

class PhoneShell {
 public:
  // Reads the flash, opens the TAP and the port, powers the core on.
  static api::Result<std::unique_ptr<PhoneShell>> start(boost::asio::io_context& io, PhoneFile file,
                                                        api::EventSink& events, std::ostream& log);
  ~PhoneShell();
  void stop();

  const phone::Phone& core() const { return core_; }

 private:
  PhoneShell(boost::asio::io_context& io, PhoneFile file, api::EventSink& events, std::ostream& log);
  phone::Millis now() const;
  void run(std::vector<phone::Action> actions);
  void act(phone::Action& action);
  void schedule();
  bool on_port_frame(const wire::ByteVector& frame);
  void drop_connections();
  void log(const std::string& text) const;
  void emit(api::Event event) const;
  std::chrono::milliseconds scaled(std::chrono::milliseconds ms) const;

  boost::asio::io_context& io_;
  PhoneFile file_;
  api::EventSink& events_;
  std::ostream& log_;
  phone::Phone core_;
  std::unique_ptr<Tagger> tagger_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer link_timer_;  // the link back up after a reboot's drop
  std::chrono::steady_clock::time_point epoch_;
  std::shared_ptr<HttpFetch> http_;
  std::shared_ptr<TftpFetch> tftp_;
  std::shared_ptr<SipLink> sip_;
  std::uint64_t generation_ = 0;  // bumped on reboot/crash: late completions are dropped
  bool crashed_ = false;
  bool stopped_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace phonerig::sim::phoned
