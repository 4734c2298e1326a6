#include "drivers/power/snmp_poe_switch.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cctype>
#include <map>
#include <optional>

#include "drivers/power/confirm.hpp"
#include "drivers/power/port_name.hpp"
#include "drivers/power/snmp_error.hpp"

namespace phonerig::power {

namespace {

using Clock = std::chrono::steady_clock;
using api::PoeDetection;
using api::PortStatus;

// A port as the operations use it: what was asked and where it lives.
struct Target {
  std::string asked;
  PethIndex index;
  std::string name;  // entPhysicalName when the table was read
  std::uint32_t if_index = 0;
  std::uint32_t lldp_port = 0;

  const std::string& label() const { return name.empty() ? asked : name; }
};

std::string printable(const std::string& bytes) {
  bool text = !bytes.empty();
  for (const unsigned char c : bytes) text = text && std::isprint(c);
  if (text) return bytes;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : bytes) {
    if (!out.empty()) out += ':';
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

std::string join_ports(const std::vector<Target>& targets) {
  std::string out;
  const std::size_t shown = std::min<std::size_t>(targets.size(), 4);
  for (std::size_t i = 0; i < shown; ++i) out += (i ? ", " : "") + targets[i].asked;
  if (targets.size() > shown) out += " (+" + std::to_string(targets.size() - shown) + " more)";
  return out;
}

api::Fault fault_of(const SnmpFailure& f) {
  const bool no_such_port = (f.kind == SnmpFailure::Kind::error_status && f.error_status == 11) ||
                            (f.kind == SnmpFailure::Kind::exception && f.exception == 0x81);
  return no_such_port ? api::Fault::config : api::Fault::rig;
}

}  // namespace

struct SnmpPoeSwitch::Impl : std::enable_shared_from_this<Impl> {
  template <class T>
  using Done = std::function<void(api::Result<T>)>;

  boost::asio::any_io_executor executor;
  Config config;
  api::EventSink& events;
  std::unique_ptr<Session> session;
  std::optional<PortTable> table;
  bool table_loading = false;
  // Each waiter with the ports it asked for: a failed shared walk names each caller's own.
  std::vector<std::pair<std::string, std::function<void(const api::Error*)>>> table_waiters;
  std::map<std::string, PoeDetection> last_detection;
  bool closed = false;

  Impl(boost::asio::any_io_executor ex, Config cfg, api::EventSink& sink)
      : executor(std::move(ex)), config(std::move(cfg)), events(sink) {}

  api::Error snmp_error(std::string_view port, const SnmpFailure& f) const {
    return api::Error{fault_of(f), error_message(config.name, port, f.oid,
                                                 describe(f, session->timeout_policy()))};
  }

  template <class T>
  void post_result(Done<T> done, api::Result<T> result) {
    boost::asio::post(executor, [done = std::move(done), r = std::move(result)]() mutable {
      done(std::move(r));
    });
  }

  // ---- port resolution ----

  void resolve(const std::vector<std::string>& ports, bool need_table,
               Done<std::vector<Target>> done) {
    std::vector<PortName> names;
    bool any_name = false;
    for (const auto& p : ports) {
      auto parsed = parse_port_name(p, config.profile);
      if (!parsed) {
        auto e = parsed.error();
        e.message = "switch " + config.name + ", " + e.message;
        return post_result<std::vector<Target>>(std::move(done), wire::Unexpected<api::Error>{e});
      }
      any_name = any_name || parsed->kind == PortName::Kind::name;
      names.push_back(std::move(*parsed));
    }
    if (ports.empty()) {
      return post_result<std::vector<Target>>(
          std::move(done), api::fail(api::Fault::config, "switch " + config.name + ": no port named"));
    }
    if (config.profile == Profile::apc_pdu || (!need_table && !any_name)) {
      std::vector<Target> targets;
      for (const auto& n : names) {
        Target t{n.text, n.index, {}, 0, 0};
        if (table) {
          if (const PortRecord* r = table->find(n.index)) {
            t.name = r->name;
            t.if_index = r->if_index;
            t.lldp_port = r->lldp_port;
          }
        }
        targets.push_back(std::move(t));
      }
      return post_result<std::vector<Target>>(std::move(done), std::move(targets));
    }
    auto self = shared_from_this();
    std::string label;
    for (const auto& n : names) label += (label.empty() ? "" : ", ") + n.text;
    load_table(label, [self, names, done = std::move(done)](const api::Error* error) mutable {
      if (error != nullptr) return done(wire::Unexpected<api::Error>{*error});
      std::vector<Target> targets;
      std::vector<std::string> problems;
      for (const auto& n : names) {
        auto r = self->table->resolve(n, self->config.name);
        if (!r) {
          problems.push_back(r.error().message);
          continue;
        }
        targets.push_back(Target{n.text, r->index, r->name, r->if_index, r->lldp_port});
      }
      if (!problems.empty()) {
        std::string text;
        for (const auto& p : problems) text += (text.empty() ? "" : "; ") + p;
        return done(api::fail(api::Fault::config, text));
      }
      done(std::move(targets));
    });
  }

  // `label`: the ports asked for, which an error names.
  void load_table(const std::string& label, std::function<void(const api::Error*)> done) {
    if (table) return done(nullptr);
    table_waiters.emplace_back(label, std::move(done));
    if (table_loading) return;
    table_loading = true;
    auto input = std::make_shared<PortTableInput>();
    struct Step {
      Oid root;
      std::function<void(PortTableInput&, const VarBind&, const Oid& index)> take;
    };
    auto steps = std::make_shared<std::vector<Step>>();
    steps->push_back({append(oids::kPethPsePortEntry, {oids::kAdminEnable}),
                      [](PortTableInput& in, const VarBind&, const Oid& i) {
                        if (i.size() == 2) in.peth_rows.push_back(PethIndex{i[0], i[1]});
                      }});
    steps->push_back({oids::kEntPhysicalName, [](PortTableInput& in, const VarBind& vb,
                                                 const Oid& i) {
                        if (i.size() == 1) in.ent_names[i[0]] = vb.octets;
                      }});
    if (config.profile == Profile::cisco) {
      steps->push_back({append(oids::kCpeExtPsePortEntry, {oids::kCpeEntPhyIndex}),
                        [](PortTableInput& in, const VarBind& vb, const Oid& i) {
                          if (i.size() == 2) {
                            in.cisco_ent.emplace_back(PethIndex{i[0], i[1]},
                                                      static_cast<std::uint32_t>(vb.number));
                          }
                        }});
    }
    steps->push_back({oids::kEntAliasMappingIdentifier,
                      [](PortTableInput& in, const VarBind& vb, const Oid& i) {
                        // RowPointer ifIndex.N (RFC 4133 entAliasMappingIdentifier).
                        if (i.size() == 2 && starts_with(vb.object_id, oids::kIfIndex) &&
                            vb.object_id.size() == oids::kIfIndex.size() + 1) {
                          in.ent_alias_if[i[0]] = vb.object_id.back();
                        }
                      }});
    for (const Oid& names : {oids::kIfName, oids::kIfDescr}) {
      steps->push_back({names, [](PortTableInput& in, const VarBind& vb, const Oid& i) {
                          if (i.size() == 1) in.if_names[i[0]].push_back(vb.octets);
                        }});
    }
    for (const std::uint32_t col : {3u, 4u}) {  // lldpLocPortId, lldpLocPortDesc
      steps->push_back({append(oids::kLldpLocPortEntry, {col}),
                        [](PortTableInput& in, const VarBind& vb, const Oid& i) {
                          if (i.size() == 1) in.lldp_ports[i[0]].push_back(vb.octets);
                        }});
    }
    auto self = shared_from_this();
    auto run = std::make_shared<std::function<void(std::size_t)>>();
    std::weak_ptr<std::function<void(std::size_t)>> weak_run = run;
    *run = [self, steps, input, weak_run](std::size_t at) {
      auto keep = weak_run.lock();
      if (at == steps->size()) {
        self->table.emplace(*input);
        self->finish_table(nullptr);
        *keep = nullptr;
        return;
      }
      const Oid root = (*steps)[at].root;
      self->session->walk(root, [self, steps, input, keep, at, root](SnmpResult r) {
        if (!r) {
          const auto& f = r.error();
          if (f.kind == SnmpFailure::Kind::timeout || f.kind == SnmpFailure::Kind::report ||
              f.kind == SnmpFailure::Kind::send_failed || f.kind == SnmpFailure::Kind::closed) {
            self->finish_table(&f);
            *keep = nullptr;
            return;
          }
        } else {
          for (const auto& vb : *r) {
            const Oid index(vb.oid.begin() + static_cast<long>(root.size()), vb.oid.end());
            (*steps)[at].take(*input, vb, index);
          }
        }
        (*keep)(at + 1);
      });
    };
    (*run)(0);
  }

  void finish_table(const SnmpFailure* failure) {
    table_loading = false;
    auto waiters = std::move(table_waiters);
    table_waiters.clear();
    for (auto& [label, waiter] : waiters) {
      if (failure == nullptr) {
        waiter(nullptr);
      } else {
        const api::Error e = snmp_error(label, *failure);
        waiter(&e);
      }
    }
  }

  // ---- reads ----

  enum class Field { admin, detection, power_class, power_mw, link };
  struct Ask {
    std::size_t target;
    Field field;
    Oid oid;
  };

  // GETs in PDUs of at most max_varbinds objects, one after the other.
  void get_all(std::shared_ptr<std::vector<Ask>> asks, Done<std::vector<VarBind>> done) {
    auto got = std::make_shared<std::vector<VarBind>>();
    auto self = shared_from_this();
    auto run = std::make_shared<std::function<void(std::size_t)>>();
    std::weak_ptr<std::function<void(std::size_t)>> weak_run = run;
    const auto chunk = static_cast<std::size_t>(std::max(1, config.max_varbinds));
    *run = [self, asks, got, done, chunk, weak_run](std::size_t at) {
      auto keep = weak_run.lock();
      if (at >= asks->size()) {
        done(std::move(*got));
        *keep = nullptr;
        return;
      }
      std::vector<Oid> oids;
      for (std::size_t i = at; i < std::min(asks->size(), at + chunk); ++i) {
        oids.push_back((*asks)[i].oid);
      }
      self->session->get(oids, [self, asks, got, done, keep, at, chunk](SnmpResult r) {
        if (!r) {
          done(wire::Unexpected<api::Error>{self->snmp_error(
              self->port_of_oid(*asks, r.error().oid, at, chunk), r.error())});
          *keep = nullptr;
          return;
        }
        got->insert(got->end(), r->begin(), r->end());
        (*keep)(at + chunk);
      });
    };
    (*run)(0);
  }

  std::vector<Target> current_targets;  // for port_of_oid's labels (set per read)

  std::string port_of_oid(const std::vector<Ask>& asks, const Oid& oid, std::size_t at,
                          std::size_t chunk) const {
    std::vector<Target> in_chunk;
    for (std::size_t i = at; i < std::min(asks.size(), at + chunk); ++i) {
      if (asks[i].oid == oid && asks[i].target < current_targets.size()) {
        return current_targets[asks[i].target].asked;
      }
      if (asks[i].target < current_targets.size() &&
          (in_chunk.empty() || in_chunk.back().asked != current_targets[asks[i].target].asked)) {
        in_chunk.push_back(current_targets[asks[i].target]);
      }
    }
    return join_ports(in_chunk);
  }

  void read_status(const std::vector<Target>& targets, Done<std::vector<PortStatus>> done) {
    auto asks = std::make_shared<std::vector<Ask>>();
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const StatusOids s = status_oids(config.profile, targets[i].index);
      asks->push_back({i, Field::admin, s.admin});
      if (s.detection) asks->push_back({i, Field::detection, *s.detection});
      if (s.power_class) asks->push_back({i, Field::power_class, *s.power_class});
      if (s.power_mw) asks->push_back({i, Field::power_mw, *s.power_mw});
      if (targets[i].if_index != 0) {
        asks->push_back({i, Field::link, append(oids::kIfOperStatus, {targets[i].if_index})});
      }
    }
    current_targets = targets;
    auto self = shared_from_this();
    get_all(asks, [self, asks, targets, done = std::move(done)](api::Result<std::vector<VarBind>> r) {
      if (!r) return done(wire::Unexpected<api::Error>{r.error()});
      std::vector<PortStatus> out(targets.size());
      for (std::size_t i = 0; i < targets.size(); ++i) {
        out[i].port = targets[i].asked;
        out[i].name = targets[i].name;
      }
      std::vector<std::optional<long long>> classes(targets.size());
      for (std::size_t k = 0; k < asks->size() && k < r->size(); ++k) {
        const Ask& a = (*asks)[k];
        const VarBind& vb = (*r)[k];
        PortStatus& s = out[a.target];
        const bool value = vb.type == VarBind::Type::integer;
        if (!value && (a.field == Field::admin || a.field == Field::detection)) {
          SnmpFailure f;
          f.kind = SnmpFailure::Kind::exception;
          f.exception = vb.exception;
          f.oid = a.oid;
          return done(wire::Unexpected<api::Error>{self->snmp_error(targets[a.target].asked, f)});
        }
        if (!value) continue;  // class, power, link: absent where the switch has none
        switch (a.field) {
          case Field::admin:
            if (self->config.profile == Profile::cisco) {
              s.admin_on = vb.number >= 1 && vb.number <= 3;  // auto, static, limit
            } else {
              s.admin_on = vb.number == 1;  // true(1); outletStatusOn(1)
            }
            if (self->config.profile == Profile::apc_pdu) {
              s.detection = s.admin_on ? PoeDetection::delivering_power : PoeDetection::disabled;
            }
            break;
          case Field::detection:
            if (vb.number >= 1 && vb.number <= 6) s.detection = static_cast<PoeDetection>(vb.number);
            break;
          case Field::power_class:
            classes[a.target] = vb.number;
            break;
          case Field::power_mw:
            s.power_mw = vb.number;
            break;
          case Field::link:
            s.link_up = vb.number == 1;  // ifOperStatus up(1)
            break;
        }
      }
      for (std::size_t i = 0; i < out.size(); ++i) {
        // pethPsePortPowerClassifications class0(1)..class4(5), valid while delivering.
        if (classes[i] && *classes[i] >= 1 && *classes[i] <= 5 &&
            out[i].detection == PoeDetection::delivering_power) {
          out[i].power_class = static_cast<int>(*classes[i] - 1);
        }
        self->report_detection(targets[i], out[i]);
      }
      done(std::move(out));
    });
  }

  void report_detection(const Target& target, const PortStatus& s) {
    const auto it = last_detection.find(target.asked);
    if (it != last_detection.end() && it->second == s.detection) return;
    last_detection[target.asked] = s.detection;
    auto e = api::make_event(api::EventSource::switch_port, "port.detection");
    e.attrs["port"] = target.label();
    e.attrs["status"] = std::string(api::to_string(s.detection));
    if (s.power_class) e.attrs["power_class"] = static_cast<std::int64_t>(*s.power_class);
    if (s.power_mw) e.attrs["power_mw"] = static_cast<std::int64_t>(*s.power_mw);
    events.emit(std::move(e));
  }

  // ---- writes ----

  void write_power(const std::vector<Target>& targets, bool on, Done<Clock::time_point> done) {
    std::vector<SetBind> all;
    for (const auto& t : targets) {
      const PowerSet p = power_set(config.profile, t.index, on);
      all.push_back(SetBind{p.oid, p.value});
    }
    auto binds = std::make_shared<std::vector<SetBind>>(std::move(all));
    auto self = shared_from_this();
    auto run = std::make_shared<std::function<void(std::size_t)>>();
    std::weak_ptr<std::function<void(std::size_t)>> weak_run = run;
    const auto chunk = static_cast<std::size_t>(std::max(1, config.max_varbinds));
    *run = [self, binds, targets, on, done, chunk, weak_run](std::size_t at) {
      auto keep = weak_run.lock();
      if (at >= binds->size()) {
        const auto acked = Clock::now();
        for (const auto& t : targets) {
          auto e = api::make_event(api::EventSource::switch_port, on ? "power.on" : "power.off");
          e.attrs["port"] = t.label();
          e.attrs["switch"] = self->config.name;
          self->events.emit(std::move(e));
        }
        done(acked);
        *keep = nullptr;
        return;
      }
      const std::size_t end = std::min(binds->size(), at + chunk);
      std::vector<SetBind> part(binds->begin() + static_cast<long>(at),
                                binds->begin() + static_cast<long>(end));
      self->session->set(part, [self, binds, targets, done, keep, at, end, chunk](SnmpResult r) {
        if (!r) {
          std::string port;
          for (std::size_t i = at; i < end; ++i) {
            if ((*binds)[i].oid == r.error().oid) port = targets[i].asked;
          }
          if (port.empty()) {
            port = join_ports(std::vector<Target>(targets.begin() + static_cast<long>(at),
                                                  targets.begin() + static_cast<long>(end)));
          }
          done(wire::Unexpected<api::Error>{self->snmp_error(port, r.error())});
          *keep = nullptr;
          return;
        }
        (*keep)(at + chunk);
      });
    };
    (*run)(0);
  }

  // ---- confirm ----

  void poll(std::vector<Target> targets, PoeDetection wanted, bool accept_searching,
            Clock::time_point deadline, std::chrono::milliseconds budget,
            Done<std::vector<PortStatus>> done) {
    auto self = shared_from_this();
    read_status(targets, [self, targets, wanted, accept_searching, deadline, budget,
                          done](api::Result<std::vector<PortStatus>> r) mutable {
      if (!r) return done(std::move(r));
      switch (confirm_step(*r, wanted, accept_searching, Clock::now(), deadline)) {
        case ConfirmStep::done:
          return done(std::move(r));
        case ConfirmStep::timed_out: {
          std::string text;
          for (std::size_t i = 0; i < r->size(); ++i) {
            const PortStatus& s = (*r)[i];
            if (satisfies(s, wanted, accept_searching)) continue;
            const StatusOids oids = status_oids(self->config.profile, targets[i].index);
            const Oid& oid = oids.detection ? *oids.detection : oids.admin;
            text += (text.empty() ? "" : "; ") +
                    error_message(self->config.name, s.port, oid,
                                  "did not reach " + std::string(api::to_string(wanted)) +
                                      " within " + std::to_string(budget.count()) +
                                      " ms (read " + std::string(api::to_string(s.detection)) +
                                      (s.admin_on ? ", admin on)" : ", admin off)"));
          }
          return done(api::fail(api::Fault::rig, text));
        }
        case ConfirmStep::poll_again: {
          if (self->closed) return done(api::fail(api::Fault::rig, "switch " + self->config.name + ": closed"));
          auto timer = std::make_shared<boost::asio::steady_timer>(self->executor);
          timer->expires_after(self->config.poll_interval);
          timer->async_wait([self, timer, targets, wanted, accept_searching, deadline, budget,
                             done](const boost::system::error_code&) mutable {
            self->poll(std::move(targets), wanted, accept_searching, deadline, budget,
                       std::move(done));
          });
          return;
        }
      }
    });
  }
};

api::Result<std::unique_ptr<SnmpPoeSwitch>> SnmpPoeSwitch::open(
    boost::asio::any_io_executor executor, Config config, api::EventSink& events) {
  if (config.name.empty()) config.name = config.host + ":" + std::to_string(config.port);
  if (config.host.empty()) {
    return api::fail(api::Fault::config, "switch: no address given");
  }
  if (config.version == SnmpVersion::v3 && config.user.name.empty()) {
    return api::fail(api::Fault::config, "switch " + config.name + ": SNMPv3 needs a user name");
  }
  SessionConfig sc;
  sc.host = config.host;
  sc.port = config.port;
  sc.version = config.version;
  sc.community = config.community;
  sc.user = config.user;
  sc.timeout = config.timeout;
  sc.retries = config.retries;
  auto impl = std::make_shared<Impl>(executor, std::move(config), events);
  PHONERIG_TRY(auto session, Session::open(std::move(executor), std::move(sc)));
  impl->session = std::move(session);
  return std::unique_ptr<SnmpPoeSwitch>(new SnmpPoeSwitch(std::move(impl)));
}

SnmpPoeSwitch::SnmpPoeSwitch(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
SnmpPoeSwitch::~SnmpPoeSwitch() { close(); }
const Config& SnmpPoeSwitch::config() const { return impl_->config; }

void SnmpPoeSwitch::close() {
  if (impl_->closed) return;
  impl_->closed = true;
  impl_->session->close();
}

void SnmpPoeSwitch::set_power(std::vector<std::string> ports, bool on,
                              Handler<std::vector<api::PortStatus>> handler) {
  auto self = impl_;
  self->resolve(ports, false, [self, on, handler](api::Result<std::vector<Target>> targets) {
    if (!targets) return handler(wire::Unexpected<api::Error>{targets.error()});
    self->write_power(*targets, on, [self, on, handler, t = *targets](api::Result<Clock::time_point> acked) {
      if (!acked) return handler(wire::Unexpected<api::Error>{acked.error()});
      self->poll(t, wanted_after(on), self->config.accept_searching,
                 Clock::now() + self->config.confirm_timeout, self->config.confirm_timeout,
                 handler);
    });
  });
}

void SnmpPoeSwitch::cycle(std::vector<std::string> ports, Handler<api::CycleResult> handler) {
  auto self = impl_;
  self->resolve(ports, false, [self, handler](api::Result<std::vector<Target>> targets) {
    if (!targets) return handler(wire::Unexpected<api::Error>{targets.error()});
    const auto t = *targets;
    self->write_power(t, false, [self, handler, t](api::Result<Clock::time_point> off_acked) {
      if (!off_acked) return handler(wire::Unexpected<api::Error>{off_acked.error()});
      const auto acked = *off_acked;
      self->poll(t, PoeDetection::disabled, false, Clock::now() + self->config.confirm_timeout,
                 self->config.confirm_timeout,
                 [self, handler, t, acked](api::Result<std::vector<PortStatus>> off) {
        if (!off) return handler(wire::Unexpected<api::Error>{off.error()});
        auto timer = std::make_shared<boost::asio::steady_timer>(self->executor);
        timer->expires_after(hold_remaining(acked, Clock::now(), self->config.min_off_time));
        timer->async_wait([self, handler, t, acked, timer](const boost::system::error_code&) {
          const auto on_sent = Clock::now();
          const auto off_time = std::chrono::duration_cast<std::chrono::milliseconds>(on_sent - acked);
          self->write_power(t, true, [self, handler, t, off_time](api::Result<Clock::time_point> on_acked) {
            if (!on_acked) return handler(wire::Unexpected<api::Error>{on_acked.error()});
            self->poll(t, PoeDetection::delivering_power, self->config.accept_searching,
                       Clock::now() + self->config.confirm_timeout, self->config.confirm_timeout,
                       [handler, off_time](api::Result<std::vector<PortStatus>> on) {
              if (!on) return handler(wire::Unexpected<api::Error>{on.error()});
              handler(api::CycleResult{std::move(*on), off_time});
            });
          });
        });
      });
    });
  });
}

void SnmpPoeSwitch::status(std::vector<std::string> ports,
                           Handler<std::vector<api::PortStatus>> handler) {
  auto self = impl_;
  // Status reads the table (names, ifIndex for the link state) once it is cheap to have.
  const bool need_table = impl_->config.profile != Profile::apc_pdu;
  self->resolve(ports, need_table, [self, handler](api::Result<std::vector<Target>> targets) {
    if (!targets) return handler(wire::Unexpected<api::Error>{targets.error()});
    self->read_status(*targets, handler);
  });
}

void SnmpPoeSwitch::wait_for(std::vector<std::string> ports, api::PoeDetection wanted,
                             std::chrono::milliseconds deadline,
                             Handler<std::vector<api::PortStatus>> handler) {
  auto self = impl_;
  self->resolve(ports, false, [self, wanted, deadline, handler](api::Result<std::vector<Target>> targets) {
    if (!targets) return handler(wire::Unexpected<api::Error>{targets.error()});
    self->poll(*targets, wanted, false, Clock::now() + deadline, deadline, handler);
  });
}

void SnmpPoeSwitch::neighbours(std::vector<std::string> ports,
                               Handler<std::vector<api::Neighbour>> handler) {
  auto self = impl_;
  if (self->config.profile == Profile::apc_pdu) {
    return self->post_result<std::vector<api::Neighbour>>(handler, std::vector<api::Neighbour>{});
  }
  self->resolve(ports, true, [self, handler](api::Result<std::vector<Target>> targets) {
    if (!targets) return handler(wire::Unexpected<api::Error>{targets.error()});
    // cdpCacheTable columns: Version(5), DeviceId(6), DevicePort(7), Platform(8).
    // lldpRemTable columns: ChassisId(5), PortId(7), SysName(9), SysDesc(10).
    struct Walked {
      std::map<std::pair<std::uint32_t, std::uint32_t>, std::map<std::uint32_t, std::string>> cdp;
      std::map<std::pair<std::uint32_t, std::uint32_t>, std::map<std::uint32_t, std::string>> lldp;
    };
    auto walked = std::make_shared<Walked>();
    std::vector<std::pair<bool, std::uint32_t>> columns = {
        {true, 5}, {true, 6}, {true, 7}, {true, 8}, {false, 5}, {false, 7}, {false, 9}, {false, 10}};
    auto run = std::make_shared<std::function<void(std::size_t)>>();
    std::weak_ptr<std::function<void(std::size_t)>> weak_run = run;
    const auto t = *targets;
    *run = [self, handler, walked, columns, t, weak_run](std::size_t at) {
      auto keep = weak_run.lock();
      if (at == columns.size()) {
        std::vector<api::Neighbour> out;
        for (const auto& target : t) {
          for (const auto& [key, f] : walked->cdp) {
            if (target.if_index == 0 || key.first != target.if_index) continue;
            auto get = [&](std::uint32_t c) { auto it = f.find(c); return it == f.end() ? std::string() : it->second; };
            out.push_back(api::Neighbour{target.asked, "cdp", get(6), get(7), get(8), get(5), {}, {}});
          }
          for (const auto& [key, f] : walked->lldp) {
            if (target.lldp_port == 0 || key.first != target.lldp_port) continue;
            auto get = [&](std::uint32_t c) { auto it = f.find(c); return it == f.end() ? std::string() : it->second; };
            out.push_back(api::Neighbour{target.asked, "lldp", printable(get(5)), printable(get(7)),
                                         {}, {}, get(9), get(10)});
          }
        }
        handler(std::move(out));
        *keep = nullptr;
        return;
      }
      const auto [cdp, col] = columns[at];
      const Oid root = append(cdp ? oids::kCdpCacheEntry : oids::kLldpRemEntry, {col});
      self->session->walk(root, [self, handler, walked, keep, at, root, t, cdp = cdp, col = col](SnmpResult r) {
        if (!r) {
          const auto& f = r.error();
          if (f.kind != SnmpFailure::Kind::exception && f.kind != SnmpFailure::Kind::error_status) {
            handler(wire::Unexpected<api::Error>{self->snmp_error(join_ports(t), f)});
            *keep = nullptr;
            return;
          }
        } else {
          for (const auto& vb : *r) {
            const Oid index(vb.oid.begin() + static_cast<long>(root.size()), vb.oid.end());
            if (cdp && index.size() == 2) walked->cdp[{index[0], index[1]}][col] = vb.octets;
            if (!cdp && index.size() == 3) walked->lldp[{index[1], index[2]}][col] = vb.octets;
          }
        }
        (*keep)(at + 1);
      });
    };
    (*run)(0);
  });
}

}  // namespace phonerig::power
