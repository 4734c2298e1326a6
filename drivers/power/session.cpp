#include "drivers/power/session.hpp"

// clang-format off
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
// clang-format on

#include <sys/select.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>

namespace phonerig::power {

namespace {

int discard_log(int, int, void*, void*) { return 0; }

// net-snmp's library state is per process: initialise it once, reading no snmp.conf, loading
// and saving no persistent state, and logging nothing (library code prints nothing; errors
// come back as values).
void init_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_ERRORS, 0);
    netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
    // Whatever net-snmp still wants to write goes under /tmp, never /var/lib/snmp.
    std::error_code ec;
    const auto dir = std::filesystem::temp_directory_path(ec) /
                     ("phonerig-netsnmp-" + std::to_string(getuid()));
    std::filesystem::create_directories(dir, ec);
    netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_PERSISTENT_DIR, dir.c_str());
    snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, &discard_log, nullptr);
    snmp_enable_calllog();
    init_snmp("phonerig");
  });
}

std::vector<oid> to_net(const Oid& o) { return std::vector<oid>(o.begin(), o.end()); }

VarBind from_net(const netsnmp_variable_list* vb) {
  VarBind out;
  out.oid = Oid(vb->name, vb->name + vb->name_length);
  switch (vb->type) {
    case ASN_INTEGER:
    case ASN_COUNTER:
    case ASN_GAUGE:
    case ASN_TIMETICKS:
    case ASN_UINTEGER:
      out.type = VarBind::Type::integer;
      out.number = vb->val.integer != nullptr ? *vb->val.integer : 0;
      break;
    case ASN_OCTET_STR:
    case ASN_IPADDRESS:
    case ASN_OPAQUE:
      out.type = VarBind::Type::octets;
      out.octets.assign(reinterpret_cast<const char*>(vb->val.string), vb->val_len);
      break;
    case ASN_OBJECT_ID:
      out.type = VarBind::Type::object_id;
      out.object_id = Oid(vb->val.objid, vb->val.objid + vb->val_len / sizeof(oid));
      break;
    case SNMP_NOSUCHOBJECT:
    case SNMP_NOSUCHINSTANCE:
    case SNMP_ENDOFMIBVIEW:
      out.type = VarBind::Type::exception;
      out.exception = vb->type;
      break;
    default:
      out.type = VarBind::Type::null;
      break;
  }
  return out;
}

std::string session_error(void* handle) {
  int liberr = 0;
  int syserr = 0;
  char* text = nullptr;
  snmp_sess_error(handle, &liberr, &syserr, &text);
  std::string out = text != nullptr ? text : "unknown net-snmp error";
  free(text);  // NOLINT: net-snmp allocates it with malloc
  return out;
}

}  // namespace

struct Session::Impl : std::enable_shared_from_this<Impl> {
  struct Channel {
    void* handle = nullptr;
    netsnmp_transport* transport = nullptr;  // until a session owns it
    std::unique_ptr<boost::asio::posix::stream_descriptor> descriptor;
    std::unique_ptr<boost::asio::steady_timer> timer;
    bool reading = false;
  };
  struct Pending {
    SnmpHandler handler;
    bool probe = false;
    Oid first_oid;
  };
  enum class V3State { unprobed, probing, ready };

  boost::asio::any_io_executor executor;
  SessionConfig config;
  Channel probe;
  Channel main;
  V3State v3_state = V3State::unprobed;
  std::vector<std::function<void(const SnmpFailure*)>> waiting;  // for the engine ID
  std::map<std::uintptr_t, Pending> pending;
  std::uintptr_t next_id = 1;
  bool closed = false;

  Impl(boost::asio::any_io_executor ex, SessionConfig cfg)
      : executor(std::move(ex)), config(std::move(cfg)) {}

  std::string peer() const {
    return "udp:" + config.host + ":" + std::to_string(config.port);
  }

  api::Result<bool> make_transport(Channel& channel) {
    channel.transport = netsnmp_tdomain_transport(peer().c_str(), 0, "udp");
    if (channel.transport == nullptr) {
      return api::fail(api::Fault::rig, "switch " + config.host + ":" +
                                            std::to_string(config.port) +
                                            ": cannot open a UDP socket to it");
    }
    return true;
  }

  void fill_common(netsnmp_session& s) {
    s.timeout = static_cast<long>(config.timeout.count()) * 1000;
    s.retries = config.retries;
    s.callback = &Impl::on_pdu;
    s.callback_magic = this;
  }

  api::Result<bool> attach(Channel& channel, netsnmp_session& s) {
    channel.handle = snmp_sess_add(&s, channel.transport, nullptr, nullptr);
    channel.transport = nullptr;  // the session owns it now (or freed it on failure)
    if (channel.handle == nullptr) {
      return api::fail(api::Fault::rig, "switch " + config.host + ":" +
                                            std::to_string(config.port) +
                                            ": net-snmp could not open a session");
    }
    // snmp_sess_add clears DONT_PROBE after opening; without it a send would discover the
    // engine ID with a blocking request.
    snmp_sess_session(channel.handle)->flags |= SNMP_FLAGS_DONT_PROBE;
    const int fd = snmp_sess_transport(channel.handle)->sock;
    channel.descriptor = std::make_unique<boost::asio::posix::stream_descriptor>(executor, fd);
    channel.timer = std::make_unique<boost::asio::steady_timer>(executor);
    arm(channel);
    return true;
  }

  api::Result<bool> open_v2c() {
    PHONERIG_TRY(auto made, make_transport(main));
    (void)made;
    netsnmp_session s;
    snmp_sess_init(&s);
    s.version = SNMP_VERSION_2c;
    s.community = reinterpret_cast<u_char*>(config.community.data());
    s.community_len = config.community.size();
    fill_common(s);
    return attach(main, s);
  }

  api::Result<bool> open_probe() {
    netsnmp_session s;
    snmp_sess_init(&s);
    s.version = SNMP_VERSION_3;
    s.securityModel = SNMP_SEC_MODEL_USM;
    s.securityLevel = SNMP_SEC_LEVEL_NOAUTH;
    fill_common(s);
    return attach(probe, s);
  }

  // The authPriv session, once the engine ID is known.
  api::Result<bool> open_v3(const std::string& engine_id) {
    netsnmp_session s;
    snmp_sess_init(&s);
    s.version = SNMP_VERSION_3;
    s.securityModel = SNMP_SEC_MODEL_USM;
    s.securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
    s.securityName = config.user.name.data();
    s.securityNameLen = config.user.name.size();
    const bool sha = config.user.auth == AuthProtocol::sha;
    s.securityAuthProto = sha ? usmHMACSHA1AuthProtocol : usmHMACMD5AuthProtocol;
    s.securityAuthProtoLen = sha ? USM_AUTH_PROTO_SHA_LEN : USM_AUTH_PROTO_MD5_LEN;
    const bool aes = config.user.priv == PrivProtocol::aes;
    s.securityPrivProto = aes ? usmAESPrivProtocol : usmDESPrivProtocol;
    s.securityPrivProtoLen = aes ? USM_PRIV_PROTO_AES_LEN : USM_PRIV_PROTO_DES_LEN;
    s.securityAuthKeyLen = USM_AUTH_KU_LEN;
    s.securityPrivKeyLen = USM_PRIV_KU_LEN;
    auto& auth = config.user.auth_passphrase;
    auto& priv = config.user.priv_passphrase;
    const bool keys_ok =
        generate_Ku(s.securityAuthProto, static_cast<u_int>(s.securityAuthProtoLen),
                    reinterpret_cast<const u_char*>(auth.data()), auth.size(),
                    s.securityAuthKey, &s.securityAuthKeyLen) == SNMPERR_SUCCESS &&
        generate_Ku(s.securityAuthProto, static_cast<u_int>(s.securityAuthProtoLen),
                    reinterpret_cast<const u_char*>(priv.data()), priv.size(),
                    s.securityPrivKey, &s.securityPrivKeyLen) == SNMPERR_SUCCESS;
    std::vector<u_char> engine(engine_id.begin(), engine_id.end());
    s.securityEngineID = engine.data();
    s.securityEngineIDLen = engine.size();
    fill_common(s);
    api::Result<bool> result = true;
    if (!keys_ok) {
      result = api::fail(api::Fault::config,
                         "switch " + config.host + ":" + std::to_string(config.port) + ", user " +
                             config.user.name +
                             ": cannot derive SNMPv3 keys (passphrases need 8 characters)");
    } else {
      // USM users are global to the process, keyed by engine ID and name: a user left from
      // an earlier session (other passphrases) would be used instead of ours.
      if (usmUser* old = usm_get_user(engine.data(), engine.size(), s.securityName)) {
        usm_remove_user(old);
        usm_free_user(old);
      }
      // The socket was made in open(), in the caller's namespace; only a session whose
      // first attach failed makes another, here.
      if (main.transport == nullptr) result = make_transport(main);
      if (result) result = attach(main, s);
    }
    std::memset(s.securityAuthKey, 0, sizeof s.securityAuthKey);
    std::memset(s.securityPrivKey, 0, sizeof s.securityPrivKey);
    return result;
  }

  void arm(Channel& channel) {
    if (closed || channel.handle == nullptr) return;
    std::weak_ptr<Impl> weak = weak_from_this();
    Channel* ch = &channel;
    if (!channel.reading) {
      channel.reading = true;
      channel.descriptor->async_wait(
          boost::asio::posix::stream_descriptor::wait_read,
          [weak, ch](const boost::system::error_code& ec) {
            auto self = weak.lock();
            if (!self) return;
            ch->reading = false;
            if (ec || self->closed || ch->handle == nullptr) return;
            fd_set fds;
            FD_ZERO(&fds);
            FD_SET(snmp_sess_transport(ch->handle)->sock, &fds);
            snmp_sess_read(ch->handle, &fds);
            self->arm(*ch);
          });
    }
    int numfds = 0;
    fd_set fds;
    FD_ZERO(&fds);
    timeval tv{};
    int block = 1;
    snmp_sess_select_info(channel.handle, &numfds, &fds, &tv, &block);
    if (block != 0) {
      channel.timer->cancel();
      return;
    }
    channel.timer->expires_after(std::chrono::seconds(tv.tv_sec) +
                                 std::chrono::microseconds(tv.tv_usec));
    channel.timer->async_wait([weak, ch](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (!self || ec || self->closed || ch->handle == nullptr) return;
      snmp_sess_timeout(ch->handle);
      self->arm(*ch);
    });
  }

  void finish(std::uintptr_t id, SnmpResult result) {
    const auto it = pending.find(id);
    if (it == pending.end()) return;
    SnmpHandler handler = std::move(it->second.handler);
    pending.erase(it);
    boost::asio::post(executor, [handler = std::move(handler), r = std::move(result)]() mutable {
      handler(std::move(r));
    });
  }

  static SnmpFailure report_failure(netsnmp_pdu* pdu) {
    SnmpFailure f;
    f.kind = SnmpFailure::Kind::report;
    f.report = pdu != nullptr && pdu->variables != nullptr
                   ? report_name(Oid(pdu->variables->name,
                                     pdu->variables->name + pdu->variables->name_length))
                   : "security error";
    return f;
  }

  static int on_pdu(int operation, netsnmp_session* sp, int, netsnmp_pdu* pdu, void* magic) {
    auto* self = static_cast<Impl*>(sp->callback_magic);
    const auto id = reinterpret_cast<std::uintptr_t>(magic);
    if (self == nullptr || self->pending.count(id) == 0) return 1;
    const Pending& p = self->pending.at(id);
    SnmpFailure failure;
    switch (operation) {
      case NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE:
        if (pdu->command == SNMP_MSG_REPORT) {
          if (snmpv3_get_report_type(pdu) == SNMPERR_NOT_IN_TIME_WINDOW && !p.probe) {
            return 1;  // net-snmp resends with the agent's boots and time
          }
          if (p.probe && pdu->securityEngineIDLen > 0) {
            VarBind engine;
            engine.type = VarBind::Type::octets;
            engine.octets.assign(reinterpret_cast<const char*>(pdu->securityEngineID),
                                 pdu->securityEngineIDLen);
            self->finish(id, std::vector<VarBind>{engine});
            return 1;
          }
          self->finish(id, wire::Unexpected<SnmpFailure>{report_failure(pdu)});
          return 1;
        }
        if (pdu->errstat != SNMP_ERR_NOERROR) {
          failure.kind = SnmpFailure::Kind::error_status;
          failure.error_status = pdu->errstat;
          failure.error_index = pdu->errindex;
          long i = 1;
          for (auto* vb = pdu->variables; vb != nullptr; vb = vb->next_variable, ++i) {
            if (i == pdu->errindex) failure.oid = Oid(vb->name, vb->name + vb->name_length);
          }
          self->finish(id, wire::Unexpected<SnmpFailure>{failure});
          return 1;
        }
        {
          std::vector<VarBind> vbs;
          for (auto* vb = pdu->variables; vb != nullptr; vb = vb->next_variable) {
            vbs.push_back(from_net(vb));
          }
          self->finish(id, std::move(vbs));
        }
        return 1;
      case NETSNMP_CALLBACK_OP_TIMED_OUT:
        failure.kind = SnmpFailure::Kind::timeout;
        break;
      case NETSNMP_CALLBACK_OP_RESEND:   // a retry went out: still waiting
      case NETSNMP_CALLBACK_OP_CONNECT:
        return 1;
      case NETSNMP_CALLBACK_OP_SEC_ERROR:
        // net-snmp 5.9.3 hands a Report PDU here (not as a received message): the
        // probe's usmStatsUnknownEngineIDs report carries the engine ID we asked for.
        if (p.probe && pdu != nullptr && pdu->securityEngineIDLen > 0) {
          VarBind engine;
          engine.type = VarBind::Type::octets;
          engine.octets.assign(reinterpret_cast<const char*>(pdu->securityEngineID),
                               pdu->securityEngineIDLen);
          self->finish(id, std::vector<VarBind>{engine});
          return 1;
        }
        failure = report_failure(pdu);
        break;
      default:
        failure.kind = SnmpFailure::Kind::send_failed;
        failure.detail = snmp_api_errstring(sp->s_snmp_errno);
        break;
    }
    failure.oid = p.first_oid;
    self->finish(id, wire::Unexpected<SnmpFailure>{failure});
    return 1;
  }

  void send(Channel& channel, netsnmp_pdu* pdu, bool is_probe, Oid first, SnmpHandler handler) {
    if (closed || channel.handle == nullptr) {
      snmp_free_pdu(pdu);
      SnmpFailure f;
      f.kind = SnmpFailure::Kind::closed;
      boost::asio::post(executor, [handler = std::move(handler), f] {
        handler(wire::Unexpected<SnmpFailure>{f});
      });
      return;
    }
    const std::uintptr_t id = next_id++;
    pending[id] = Pending{std::move(handler), is_probe, std::move(first)};
    if (snmp_sess_async_send(channel.handle, pdu, &Impl::on_pdu,
                             reinterpret_cast<void*>(id)) == 0) {
      snmp_free_pdu(pdu);
      SnmpFailure f;
      f.kind = SnmpFailure::Kind::send_failed;
      f.detail = session_error(channel.handle);
      finish(id, wire::Unexpected<SnmpFailure>{f});
      return;
    }
    arm(channel);
  }

  // Runs `go` once the session can send: at once for v2c; after engine-ID discovery for v3.
  void when_ready(std::function<void(const SnmpFailure*)> go) {
    if (config.version == SnmpVersion::v2c || v3_state == V3State::ready) {
      go(nullptr);
      return;
    }
    waiting.push_back(std::move(go));
    if (v3_state == V3State::probing) return;
    v3_state = V3State::probing;
    netsnmp_pdu* pdu = snmp_pdu_create(SNMP_MSG_GET);
    pdu->version = SNMP_VERSION_3;
    pdu->securityModel = SNMP_SEC_MODEL_USM;
    pdu->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
    pdu->securityName = strdup("");
    pdu->securityNameLen = 0;
    std::weak_ptr<Impl> weak = weak_from_this();
    send(probe, pdu, true, {}, [weak](SnmpResult result) {
      auto self = weak.lock();
      if (!self) return;
      SnmpFailure failure;
      bool ok = false;
      if (result && !result->empty() && !result->front().octets.empty()) {
        const auto opened = self->open_v3(result->front().octets);
        ok = opened.has_value();
        if (!ok) {
          failure.kind = SnmpFailure::Kind::send_failed;
          failure.detail = opened.error().message;
        }
      } else if (!result) {
        failure = result.error();
      } else {
        failure.kind = SnmpFailure::Kind::send_failed;
        failure.detail = "engine ID discovery got a response without an engine ID";
      }
      self->v3_state = ok ? V3State::ready : V3State::unprobed;
      auto queued = std::move(self->waiting);
      self->waiting.clear();
      if (ok) self->close_channel(self->probe);
      for (auto& go : queued) go(ok ? nullptr : &failure);
    });
  }

  void request(netsnmp_pdu* pdu, Oid first, SnmpHandler handler) {
    std::weak_ptr<Impl> weak = weak_from_this();
    when_ready([weak, pdu, first = std::move(first),
                handler = std::move(handler)](const SnmpFailure* failure) mutable {
      auto self = weak.lock();
      if (!self) {
        snmp_free_pdu(pdu);
        return;
      }
      if (failure != nullptr) {
        snmp_free_pdu(pdu);
        SnmpFailure f = *failure;
        if (f.oid.empty()) f.oid = first;
        boost::asio::post(self->executor, [handler = std::move(handler), f] {
          handler(wire::Unexpected<SnmpFailure>{f});
        });
        return;
      }
      if (self->config.version == SnmpVersion::v3) {
        pdu->version = SNMP_VERSION_3;
      }
      self->send(self->main, pdu, false, std::move(first), std::move(handler));
    });
  }

  netsnmp_pdu* make_pdu(int command) {
    netsnmp_pdu* pdu = snmp_pdu_create(command);
    pdu->version = config.version == SnmpVersion::v3 ? SNMP_VERSION_3 : SNMP_VERSION_2c;
    return pdu;
  }

  void close_channel(Channel& channel) {
    if (channel.descriptor) {
      boost::system::error_code ignored;
      channel.descriptor->cancel(ignored);
      channel.descriptor->release();  // the fd belongs to net-snmp's transport
    }
    if (channel.timer) channel.timer->cancel();
    if (channel.handle != nullptr) snmp_sess_close(channel.handle);
    channel.handle = nullptr;
    if (channel.transport != nullptr) {
      channel.transport->f_close(channel.transport);
      netsnmp_transport_free(channel.transport);
      channel.transport = nullptr;
    }
  }

  void close() {
    if (closed) return;
    closed = true;
    close_channel(probe);
    close_channel(main);
    auto queued = std::move(waiting);
    waiting.clear();
    SnmpFailure f;
    f.kind = SnmpFailure::Kind::closed;
    for (auto& go : queued) go(&f);
    std::vector<std::uintptr_t> ids;
    for (const auto& [id, p] : pending) ids.push_back(id);
    for (const auto id : ids) finish(id, wire::Unexpected<SnmpFailure>{f});
  }
};

api::Result<std::unique_ptr<Session>> Session::open(boost::asio::any_io_executor executor,
                                                    SessionConfig config) {
  init_library();
  auto impl = std::make_shared<Impl>(std::move(executor), std::move(config));
  if (impl->config.version == SnmpVersion::v2c) {
    PHONERIG_TRY(auto ok, impl->open_v2c());
    (void)ok;
  } else {
    // Both sockets now, in the caller's network namespace.
    PHONERIG_TRY(auto probe_transport, impl->make_transport(impl->probe));
    (void)probe_transport;
    PHONERIG_TRY(auto probe_ok, impl->open_probe());
    (void)probe_ok;
    PHONERIG_TRY(auto main_transport, impl->make_transport(impl->main));
    (void)main_transport;
  }
  return std::unique_ptr<Session>(new Session(std::move(impl)));
}

Session::Session(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::~Session() { impl_->close(); }

void Session::get(std::vector<Oid> oids, SnmpHandler handler) {
  netsnmp_pdu* pdu = impl_->make_pdu(SNMP_MSG_GET);
  for (const auto& o : oids) {
    const auto n = to_net(o);
    snmp_add_null_var(pdu, n.data(), n.size());
  }
  impl_->request(pdu, oids.empty() ? Oid{} : oids.front(), std::move(handler));
}

void Session::set(std::vector<SetBind> binds, SnmpHandler handler) {
  netsnmp_pdu* pdu = impl_->make_pdu(SNMP_MSG_SET);
  for (const auto& b : binds) {
    const auto n = to_net(b.oid);
    const long value = b.value;
    snmp_pdu_add_variable(pdu, n.data(), n.size(), ASN_INTEGER, &value, sizeof value);
  }
  impl_->request(pdu, binds.empty() ? Oid{} : binds.front().oid, std::move(handler));
}

void Session::get_bulk(std::vector<Oid> oids, int max_repetitions, SnmpHandler handler) {
  netsnmp_pdu* pdu = impl_->make_pdu(SNMP_MSG_GETBULK);
  pdu->non_repeaters = 0;
  pdu->max_repetitions = max_repetitions;
  for (const auto& o : oids) {
    const auto n = to_net(o);
    snmp_add_null_var(pdu, n.data(), n.size());
  }
  impl_->request(pdu, oids.empty() ? Oid{} : oids.front(), std::move(handler));
}

void Session::walk(Oid root, SnmpHandler handler) {
  struct Walk {
    Oid root;
    std::vector<VarBind> found;
    SnmpHandler done;
  };
  auto state = std::make_shared<Walk>(Walk{root, {}, std::move(handler)});
  auto step = std::make_shared<std::function<void(Oid)>>();
  std::weak_ptr<std::function<void(Oid)>> weak_step = step;
  *step = [this, state, weak_step](Oid from) {
    auto keep = weak_step.lock();
    get_bulk({from}, 32, [state, keep, from](SnmpResult result) {
      if (!result) {
        state->done(wire::Unexpected<SnmpFailure>{result.error()});
        *keep = nullptr;
        return;
      }
      bool more = !result->empty();
      Oid last = from;
      for (const auto& vb : *result) {
        if (vb.type == VarBind::Type::exception || !starts_with(vb.oid, state->root) ||
            vb.oid <= last) {
          more = false;
          break;
        }
        state->found.push_back(vb);
        last = vb.oid;
      }
      if (more) {
        (*keep)(last);
        return;
      }
      state->done(std::move(state->found));
      *keep = nullptr;
    });
  };
  (*step)(std::move(root));
}

void Session::close() { impl_->close(); }
const SessionConfig& Session::config() const { return impl_->config; }
TimeoutPolicy Session::timeout_policy() const {
  return TimeoutPolicy{impl_->config.timeout, impl_->config.retries,
                       impl_->config.version == SnmpVersion::v2c};
}

}  // namespace phonerig::power
