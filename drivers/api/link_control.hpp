// LinkControl: what the harness asks of the rig host's network (DESIGN.md, "Data flow" step 2
// and "The simulated lab"): namespaces, veth pairs, TAP devices, 802.1Q interfaces on a
// trunk NIC, link state, MTU, offloads, IPv4 addresses and routes, netem, and link events.
//
// Everything an implementation creates is held by a Lease: a move-only owner whose
// destruction removes what it holds, so a failed step or an exception leaves nothing behind.
// Implementations also keep a ledger, so what a crashed run created is removed by the next.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "drivers/api/event.hpp"
#include "drivers/api/result.hpp"
#include "drivers/wire/address.hpp"

namespace phonerig::api {

// An IPv4 address or network with its prefix length: "198.18.0.10/24".
struct Ipv4Prefix {
  wire::Ipv4 address;
  int length = 32;

  std::string to_string() const;
  bool operator==(const Ipv4Prefix&) const = default;
};

// Offloads to set; an unset one is left as the kernel has it. Lab veths want them all off:
// with them on, captures show GSO frames far above the MTU and unfilled UDP checksums
// (DESIGN.md, "What the machines here have").
struct Offloads {
  std::optional<bool> tx_checksum;
  std::optional<bool> rx_checksum;
  std::optional<bool> tso;  // TCP segmentation offload
  std::optional<bool> gso;  // generic segmentation offload
  std::optional<bool> gro;  // generic receive offload

  static Offloads all_off();
};

// A netem qdisc's impairments, as tc-netem(8) takes them. Percentages are 0 to 100.
struct Netem {
  double loss_percent = 0.0;
  std::chrono::microseconds delay{0};
  std::chrono::microseconds jitter{0};  // needs a delay
  double duplicate_percent = 0.0;
  double corrupt_percent = 0.0;
  std::uint32_t limit = 1000;  // packets queued; the kernel's and tc's default
};

// A move-only owner of one thing a LinkControl created (a namespace, a link, an address, a
// route, a qdisc, a link watch). Destroying it removes the thing; an error then is lost to
// the caller but the implementation's ledger keeps the entry, so cleanup retries it. Call
// release() to remove it and see the error.
class Lease {
 public:
  // What an implementation puts in a lease.
  class Held {
   public:
    virtual ~Held() = default;
    // The real name: a namespace or link, or what identifies the object on its link.
    virtual const std::string& name() const = 0;
    // For errors and logs: "veth link 'nl4f2a-port1' in netns 'nl4f2a-sw'".
    virtual std::string describe() const = 0;
    // Removes it. Something already gone counts as removed.
    virtual Result<bool> release() = 0;
  };

  Lease() = default;
  explicit Lease(std::unique_ptr<Held> held) : held_(std::move(held)) {}
  Lease(Lease&&) noexcept = default;
  Lease& operator=(Lease&& other) noexcept;  // releases what this one held first
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease();

  Result<bool> release();  // removes it now; afterwards the lease is empty
  bool holds() const { return held_ != nullptr; }
  const std::string& name() const;  // precondition: holds()
  std::string describe() const;
  Held* get() const { return held_.get(); }  // for the implementation that made it

 private:
  std::unique_ptr<Held> held_;
};

// One network namespace's links, driven by the harness. Calls are synchronous (each is one
// netlink request and its acknowledgement), except watch_links, whose events arrive on the
// executor the implementation was given. An implementation is used from one thread.
//
// The `name` of an add_* call is logical: the implementation gives it the run's prefix and
// the lease carries the real name. Every other name argument is a real one (a lease's
// name(), or a NIC the lab file declares). Errors name the object, the operation and the
// reason (errno text and the kernel's message); the rig's failures are Fault::rig, bad
// arguments Fault::config.
class LinkControl {
 public:
  using EventHandler = std::function<void(Event)>;

  virtual ~LinkControl() = default;

  // A network namespace, named as `ip netns` names them.
  virtual Result<Lease> add_namespace(std::string_view name) = 0;
  // A veth pair: `name` here, `peer` in `peer_netns` (a real namespace name; empty: here).
  virtual Result<Lease> add_veth(std::string_view name, std::string_view peer,
                                 std::string_view peer_netns) = 0;
  // A TAP device that persists until its lease is released.
  virtual Result<Lease> add_tap(std::string_view name) = 0;
  // An 802.1Q interface for `vlan_id` (1-4094) on the trunk link `parent`.
  virtual Result<Lease> add_vlan(std::string_view name, std::string_view parent,
                                 std::uint16_t vlan_id) = 0;
  // Moves a link this implementation created into another namespace; the lease follows it.
  virtual Result<bool> move_link(Lease& link, std::string_view netns) = 0;

  virtual Result<bool> set_link_up(std::string_view link, bool up) = 0;
  virtual Result<bool> set_mtu(std::string_view link, std::uint32_t mtu) = 0;
  virtual Result<bool> set_offloads(std::string_view link, const Offloads& offloads) = 0;

  virtual Result<Lease> add_address(std::string_view link, Ipv4Prefix address) = 0;
  // A route in the main table; without a gateway the destination is on-link.
  virtual Result<Lease> add_route(Ipv4Prefix destination, std::optional<wire::Ipv4> gateway,
                                  std::string_view link) = 0;
  // netem as the root qdisc of `link`; releasing the lease restores the default qdisc.
  virtual Result<Lease> add_netem(std::string_view link, const Netem& netem) = 0;

  // Reports links of this namespace going up and down as events of kind link.up and
  // link.down (source link, attribute `interface`) until the lease is released. "Up" is
  // administratively up with the operational state up (IFF_UP and IFF_RUNNING).
  virtual Result<Lease> watch_links(EventHandler on_event) = 0;
};

}  // namespace phonerig::api
