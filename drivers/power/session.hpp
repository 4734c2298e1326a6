// One SNMP agent, reached asynchronously through net-snmp's single-session API on an Asio
// executor: the session's UDP socket is watched with a posix::stream_descriptor
// (async_wait read -> snmp_sess_read) and its retransmissions with a steady_timer
// (snmp_sess_select_info -> snmp_sess_timeout). No thread ever blocks on a request.
//
// SNMPv3: net-snmp discovers the agent's engine ID with a blocking request unless a session
// has SNMP_FLAGS_DONT_PROBE (DESIGN.md), so this class sends the discovery probe itself
// (RFC 3414 section 4: an unauthenticated request answered by a usmStatsUnknownEngineIDs
// report carrying the engine ID) on a first socket, then opens the authPriv session with
// that engine ID on a second; the notInTimeWindow report of the first authenticated
// request is retried by net-snmp itself. Both sockets are made in open(), so a caller in a
// network namespace (setns on its thread) gets sockets in that namespace.
//
// Every handler runs on the executor, posted (never inside net-snmp's callback). One
// Session is used from one thread (the executor's). Credentials go into net-snmp's session
// and USM key derivation only; nothing here formats them.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "drivers/api/result.hpp"
#include "drivers/power/oids.hpp"
#include "drivers/power/snmp_error.hpp"
#include "drivers/wire/expected.hpp"

namespace phonerig::power {

enum class SnmpVersion { v2c, v3 };
enum class AuthProtocol { md5, sha };
enum class PrivProtocol { des, aes };

struct V3User {
  std::string name;
  AuthProtocol auth = AuthProtocol::sha;
  std::string auth_passphrase;  // resolved already; at least 8 characters (RFC 3414)
  PrivProtocol priv = PrivProtocol::aes;
  std::string priv_passphrase;
};

struct SessionConfig {
  std::string host;  // IPv4 address or name
  std::uint16_t port = 161;
  SnmpVersion version = SnmpVersion::v2c;
  std::string community;  // v2c; resolved already
  V3User user;            // v3 (authPriv)
  std::chrono::milliseconds timeout{1000};
  int retries = 2;
};

struct VarBind {
  enum class Type { integer, octets, object_id, null, exception };
  Oid oid;
  Type type = Type::null;
  long long number = 0;  // INTEGER, Counter32, Gauge32, TimeTicks, Unsigned32
  std::string octets;
  Oid object_id;
  int exception = 0;     // 0x80 noSuchObject, 0x81 noSuchInstance, 0x82 endOfMibView
};

struct SetBind {
  Oid oid;
  long value = 0;  // INTEGER
};

using SnmpResult = wire::Expected<std::vector<VarBind>, SnmpFailure>;
using SnmpHandler = std::function<void(SnmpResult)>;

class Session {
 public:
  // Makes the socket(s) now; Fault::rig naming the address when it cannot.
  static api::Result<std::unique_ptr<Session>> open(boost::asio::any_io_executor executor,
                                                    SessionConfig config);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // One PDU each. An error-status fails the whole request (SnmpFailure::error_status with
  // its index); varbind exceptions come back as VarBind::Type::exception.
  void get(std::vector<Oid> oids, SnmpHandler handler);
  void set(std::vector<SetBind> binds, SnmpHandler handler);
  void get_bulk(std::vector<Oid> oids, int max_repetitions, SnmpHandler handler);
  // Every object under `root`, in GETBULK rounds; empty when the agent has none.
  void walk(Oid root, SnmpHandler handler);

  // Fails what is in flight with SnmpFailure::closed and closes the sockets. Idempotent.
  void close();

  const SessionConfig& config() const;
  TimeoutPolicy timeout_policy() const;

  struct Impl;

 private:
  explicit Session(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace phonerig::power
