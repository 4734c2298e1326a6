#include "lab/sim/poe-agent/poe_agent.hpp"

// clang-format off
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
// clang-format on

#include <atomic>
#include <boost/asio/post.hpp>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace phonerig::sim::poe {

namespace {

std::atomic<bool> g_running{false};  // net-snmp's agent library: one per process

Oid to_oid(const netsnmp_variable_list* vb) {
  return Oid(vb->name, vb->name + vb->name_length);
}

void set_value(netsnmp_variable_list* vb, const Value& value) {
  switch (value.type) {
    case Value::Type::integer: {
      const long v = static_cast<long>(value.number);
      snmp_set_var_typed_value(vb, ASN_INTEGER, &v, sizeof v);
      break;
    }
    case Value::Type::counter32:
    case Value::Type::gauge32: {
      const u_long v = static_cast<u_long>(value.number);
      snmp_set_var_typed_value(vb, value.type == Value::Type::gauge32 ? ASN_GAUGE : ASN_COUNTER,
                               &v, sizeof v);
      break;
    }
    case Value::Type::octets:
      snmp_set_var_typed_value(vb, ASN_OCTET_STR, value.octets.data(), value.octets.size());
      break;
    case Value::Type::object_id: {
      std::vector<oid> o(value.object_id.begin(), value.object_id.end());
      snmp_set_var_typed_value(vb, ASN_OBJECT_ID, o.data(), o.size() * sizeof(oid));
      break;
    }
  }
}

Value from_varbind(const netsnmp_variable_list* vb) {
  if (vb->type == ASN_INTEGER && vb->val.integer != nullptr) return Value::integer(*vb->val.integer);
  if (vb->type == ASN_OCTET_STR) {
    return Value::string(std::string(reinterpret_cast<const char*>(vb->val.string), vb->val_len));
  }
  Value other = Value::gauge(0);  // any other type is wrongType for every writable column
  other.type = Value::Type::object_id;
  return other;
}

}  // namespace

struct Agent::Impl {
  boost::asio::any_io_executor executor;
  AgentConfig config;
  PowerHandler on_power_change;
  mutable std::mutex mutex;
  Model model;
  std::thread thread;
  std::atomic<bool> stop_requested{false};
  bool stopped = false;
  mutable std::mutex log_mutex;
  std::deque<std::string> log;

  Impl(boost::asio::any_io_executor ex, AgentConfig cfg, PowerHandler handler)
      : executor(std::move(ex)),
        config(std::move(cfg)),
        on_power_change(std::move(handler)),
        model(config.model) {}

  void report(const std::vector<PowerChange>& changes) {
    if (!on_power_change) return;
    for (const auto& change : changes) {
      boost::asio::post(executor, [handler = on_power_change, change] {
        handler(change.port, change.on);
      });
    }
  }

  static int on_log(int, int, void* server_arg, void* client_arg) {
    auto* self = static_cast<Impl*>(client_arg);
    const auto* message = static_cast<const snmp_log_message*>(server_arg);
    if (self == nullptr || message == nullptr || message->msg == nullptr) return 0;
    std::string line = message->msg;
    while (!line.empty() && line.back() == '\n') line.pop_back();
    std::lock_guard lock(self->log_mutex);
    self->log.push_back(std::move(line));
    if (self->log.size() > 1000) self->log.pop_front();
    return 0;
  }

  static void on_tick(unsigned int, void*) {}  // bounds agent_check_and_process's wait

  static int handle(netsnmp_mib_handler* handler, netsnmp_handler_registration* reg,
                    netsnmp_agent_request_info* reqinfo, netsnmp_request_info* requests) {
    auto* self = static_cast<Impl*>(handler->myvoid);
    std::lock_guard lock(self->mutex);
    const auto now = Model::Clock::now();
    const Oid root(reg->rootoid, reg->rootoid + reg->rootoid_len);
    switch (reqinfo->mode) {
      case MODE_GET: {
        const auto snap = self->model.snapshot(now);
        for (auto* r = requests; r != nullptr; r = r->next) {
          if (r->processed) continue;
          const Oid name = to_oid(r->requestvb);
          const auto it = snap.find(name);
          if (it != snap.end()) {
            set_value(r->requestvb, it->second);
          } else {
            netsnmp_set_request_error(reqinfo, r,
                                      self->model.is_known_column(name) ? SNMP_NOSUCHINSTANCE
                                                                        : SNMP_NOSUCHOBJECT);
          }
        }
        break;
      }
      case MODE_GETNEXT: {
        const auto snap = self->model.snapshot(now);
        for (auto* r = requests; r != nullptr; r = r->next) {
          if (r->processed) continue;
          const auto it = snap.upper_bound(to_oid(r->requestvb));
          if (it == snap.end() || it->first.size() < root.size() ||
              !std::equal(root.begin(), root.end(), it->first.begin())) {
            continue;  // past our subtree: the agent asks the next registration
          }
          std::vector<oid> next(it->first.begin(), it->first.end());
          snmp_set_var_objid(r->requestvb, next.data(), next.size());
          set_value(r->requestvb, it->second);
        }
        break;
      }
      case MODE_SET_RESERVE1:
        for (auto* r = requests; r != nullptr; r = r->next) {
          if (r->processed) continue;
          const SetError error =
              self->model.check_set(to_oid(r->requestvb), from_varbind(r->requestvb));
          if (error != SetError::none) {
            netsnmp_set_request_error(reqinfo, r, static_cast<int>(error));
          }
        }
        break;
      case MODE_SET_COMMIT:
        for (auto* r = requests; r != nullptr; r = r->next) {
          if (r->processed) continue;
          self->report(
              self->model.apply_set(to_oid(r->requestvb), from_varbind(r->requestvb), now));
        }
        break;
      default:  // RESERVE2, ACTION, FREE, UNDO: sets apply at COMMIT, checked at RESERVE1
        break;
    }
    return SNMP_ERR_NOERROR;
  }

  // Runs on the agent thread: every net-snmp call of the agent happens here.
  void run(std::promise<std::string> started) {
    if (config.log_to_stderr) {
      snmp_enable_stderrlog();
    } else {
      snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, &Impl::on_log, this);
      snmp_enable_calllog();
    }
    netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
    netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET,
                          config.agentx_socket.c_str());
    netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
                       static_cast<int>(std::max<long>(1, config.agentx_ping.count() / 1000)));
    netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_PERSISTENT_DIR,
                          config.persistent_dir.c_str());
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    if (init_agent(config.app_name.c_str()) != 0) {
      started.set_value("init_agent failed");
      return;
    }
    for (const Oid& r : model.roots()) {
      std::vector<oid> o(r.begin(), r.end());
      const std::string name = config.app_name + "-" + to_string(r);
      netsnmp_mib_handler* handler = netsnmp_create_handler(name.c_str(), &Impl::handle);
      handler->myvoid = this;
      netsnmp_handler_registration* reg = netsnmp_handler_registration_create(
          name.c_str(), handler, o.data(), o.size(), HANDLER_CAN_RWRITE);
      if (netsnmp_register_handler(reg) != MIB_REGISTERED_OK) {
        started.set_value("cannot register " + to_string(r));
        snmp_shutdown(config.app_name.c_str());
        return;
      }
    }
    init_snmp(config.app_name.c_str());
    snmp_alarm_register_hr(timeval{0, 100000}, SA_REPEAT, &Impl::on_tick, nullptr);
    started.set_value("");
    while (!stop_requested.load()) agent_check_and_process(1);
    snmp_shutdown(config.app_name.c_str());
    shutdown_agent();
  }
};

api::Result<std::unique_ptr<Agent>> Agent::start(boost::asio::any_io_executor executor,
                                                 AgentConfig config,
                                                 PowerHandler on_power_change) {
  if (config.model.ports < 1) {
    return api::fail(api::Fault::config, "poe-agent: --ports must be at least 1");
  }
  std::error_code ec;
  std::filesystem::create_directories(config.persistent_dir, ec);
  if (ec) {
    return api::fail(api::Fault::rig, "poe-agent: cannot create persistent dir " +
                                          config.persistent_dir.string() + ": " + ec.message());
  }
  bool expected = false;
  if (!g_running.compare_exchange_strong(expected, true)) {
    return api::fail(api::Fault::internal,
                     "poe-agent: net-snmp's agent library allows one agent per process");
  }
  auto impl = std::make_unique<Impl>(std::move(executor), std::move(config),
                                     std::move(on_power_change));
  std::promise<std::string> started;
  auto result = started.get_future();
  impl->thread = std::thread([raw = impl.get(), p = std::move(started)]() mutable {
    raw->run(std::move(p));
  });
  const std::string error = result.get();
  if (!error.empty()) {
    impl->thread.join();
    g_running = false;
    return api::fail(api::Fault::rig, "poe-agent on AgentX socket " +
                                          impl->config.agentx_socket.string() + ": " + error);
  }
  return std::unique_ptr<Agent>(new Agent(std::move(impl)));
}

Agent::Agent(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Agent::~Agent() { stop(); }

void Agent::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->stop_requested = true;
  if (impl_->thread.joinable()) impl_->thread.join();
  g_running = false;
}

void Agent::set_power(int port, bool on) {
  std::lock_guard lock(impl_->mutex);
  impl_->model.set_power(port, on, Model::Clock::now());
}
bool Agent::power(int port) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->model.power(port);
}
Detection Agent::detection(int port) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->model.detection(port, Model::Clock::now());
}
void Agent::set_pd_present(int port, bool present) {
  std::lock_guard lock(impl_->mutex);
  impl_->model.set_pd_present(port, present);
}
void Agent::set_forced_detection(int port, std::optional<Detection> detection) {
  std::lock_guard lock(impl_->mutex);
  impl_->model.set_forced_detection(port, detection);
}
void Agent::set_if_index(int port, std::uint32_t if_index) {
  std::lock_guard lock(impl_->mutex);
  impl_->model.set_if_index(port, if_index);
}
void Agent::set_cdp_neighbour(int port, std::optional<CdpNeighbour> neighbour) {
  std::lock_guard lock(impl_->mutex);
  impl_->model.set_cdp_neighbour(port, std::move(neighbour));
}
void Agent::set_lldp_neighbour(int port, std::optional<LldpNeighbour> neighbour) {
  std::lock_guard lock(impl_->mutex);
  impl_->model.set_lldp_neighbour(port, std::move(neighbour));
}
std::vector<std::string> Agent::log_lines() const {
  std::lock_guard lock(impl_->log_mutex);
  return {impl_->log.begin(), impl_->log.end()};
}

}  // namespace phonerig::sim::poe
