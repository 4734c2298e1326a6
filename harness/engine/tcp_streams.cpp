#include "harness/engine/tcp_streams.hpp"

#include <optional>

#include "drivers/wire/http.hpp"
#include "drivers/wire/sip_message.hpp"

namespace phonerig::engine {

namespace http = wire::http;
namespace sip = wire::sip;

namespace {

enum class App { none, http, sip };

// The server ports whose streams are parsed: CUCM's TFTP service over HTTP (6970), plain
// HTTP, and SIP over TCP (RFC 3261 section 18.2; 5061 is TLS, which a capture cannot read).
App app_for_port(std::uint16_t port) {
  if (port == http::kCiscoTftpHttpPort || port == 80 || port == 8080) return App::http;
  if (port == 5060) return App::sip;
  return App::none;
}

// Sequence-space difference a - b (RFC 9293 section 3.4: arithmetic modulo 2^32).
std::int64_t seq_diff(std::uint32_t a, std::uint32_t b) {
  return static_cast<std::int32_t>(a - b);
}

http::Limits http_limits() {
  http::Limits limits;
  limits.max_body = 512u * 1024 * 1024;  // firmware images go over HTTP 6970 too
  return limits;
}

}  // namespace

struct TcpStreams::Direction {
  bool synced = false;
  std::uint32_t next = 0;  // the next in-order sequence number
  std::map<std::uint32_t, wire::ByteVector> pending;  // ahead of a gap, by sequence number
  std::size_t pending_bytes = 0;
  std::optional<std::uint32_t> fin_seq;
  bool fin_done = false;
  bool dead = false;  // the parser failed: the rest of this stream is not parsed
  http::RequestParser request{http_limits()};
  http::ResponseParser response{http_limits()};
  bool response_fresh = true;
  wire::ByteVector sip_buffer;
};

struct TcpStreams::Connection {
  App app = App::none;
  std::uint64_t sequence = 0;
  bool syn_seen = false;
  bool synack_seen = false;
  bool established = false;
  std::uint32_t client_isn = 0;
  std::uint32_t server_isn = 0;
  Direction client;
  Direction server;
  struct Pending {
    std::optional<std::string> path;
    bool head = false;
  };
  std::deque<Pending> requests;  // HTTP requests waiting for their response
};

TcpStreams::TcpStreams() = default;
TcpStreams::~TcpStreams() = default;

namespace {

using Connection = TcpStreams::Connection;
using Direction = TcpStreams::Direction;

void on_http_request(const FrameInfo& frame, Connection& c, http::Request request,
                     std::vector<api::Event>& out) {
  auto path = http::decode_target(request.target);
  c.requests.push_back({path ? std::optional<std::string>(*path) : request.target,
                        request.method == "HEAD"});
  if (request.method != "GET") return;
  api::Event event = packet_event(frame, "http.get");
  event.attrs["path"] = path ? *path : request.target;
  if (const auto* host = request.headers.find("Host")) event.attrs["host"] = *host;
  if (const auto* agent = request.headers.find("User-Agent")) event.attrs["user_agent"] = *agent;
  out.push_back(std::move(event));
}

void on_http_response(const FrameInfo& frame, Connection& c, const http::Response& response,
                      std::vector<api::Event>& out) {
  if (response.status < 200) return;  // 1xx interim: the final answer follows
  api::Event event = packet_event(frame, "http.status");
  if (!c.requests.empty()) {
    if (c.requests.front().path) event.attrs["path"] = *c.requests.front().path;
    c.requests.pop_front();
  }
  event.attrs["status"] = std::int64_t{response.status};
  event.attrs["bytes"] = static_cast<std::int64_t>(response.body.size());
  out.push_back(std::move(event));
}

void feed_http(const FrameInfo& frame, Connection& c, Direction& d, bool from_client,
               wire::Bytes data, std::vector<api::Event>& out) {
  while (!data.empty() && !d.dead) {
    http::FeedResult r;
    if (from_client) {
      r = d.request.feed(data);
    } else {
      if (d.response_fresh) {
        if (!c.requests.empty() && c.requests.front().head) d.response.expect_no_body();
        d.response_fresh = false;
      }
      r = d.response.feed(data);
    }
    if (r.failed()) {
      d.dead = true;
      out.push_back(malformed_event(frame, "http", r.error));
      return;
    }
    if (r.need_more()) return;
    if (from_client) {
      on_http_request(frame, c, d.request.take(), out);
      d.request.reset();
    } else {
      on_http_response(frame, c, d.response.response(), out);
      d.response.reset();
      d.response_fresh = true;
    }
    if (r.consumed == 0) return;  // no progress: never loop on the same bytes
    data = data.subspan(std::min(r.consumed, data.size()));
  }
}

void feed_sip(const FrameInfo& frame, Direction& d, wire::Bytes data,
              std::vector<api::Event>& out) {
  if (d.dead) return;
  d.sip_buffer.insert(d.sip_buffer.end(), data.begin(), data.end());
  while (!d.sip_buffer.empty()) {
    sip::StreamFrame f = sip::parse_stream(d.sip_buffer);
    if (f.status == sip::StreamFrame::Status::error) {
      d.dead = true;
      d.sip_buffer.clear();
      out.push_back(malformed_event(frame, "sip", f.error));
      return;
    }
    d.sip_buffer.erase(d.sip_buffer.begin(),
                       d.sip_buffer.begin() + static_cast<std::ptrdiff_t>(
                                                  std::min(f.consumed, d.sip_buffer.size())));
    if (!f.complete()) return;
    out.push_back(sip_event(frame, f.message, "tcp"));
  }
}

void deliver(const FrameInfo& frame, Connection& c, Direction& d, bool from_client,
             wire::Bytes data, std::vector<api::Event>& out) {
  if (c.app == App::http) feed_http(frame, c, d, from_client, data, out);
  if (c.app == App::sip) feed_sip(frame, d, data, out);
}

// Puts a segment's bytes in order and delivers whatever became contiguous.
void accept(const FrameInfo& frame, Connection& c, Direction& d, bool from_client,
            std::uint32_t seq, wire::Bytes payload, std::vector<api::Event>& out) {
  if (!d.synced) {  // the capture began inside the connection
    d.synced = true;
    d.next = seq;
  }
  std::int64_t diff = seq_diff(seq, d.next);
  if (diff > 0) {
    if (d.pending_bytes + payload.size() > TcpStreams::kMaxPendingBytes) return;
    auto& slot = d.pending[seq];
    if (slot.size() < payload.size()) {
      d.pending_bytes += payload.size() - slot.size();
      slot.assign(payload.begin(), payload.end());
    }
    return;
  }
  auto skip = static_cast<std::size_t>(-diff);
  if (skip >= payload.size()) return;  // a retransmission of bytes already delivered
  payload = payload.subspan(skip);
  d.next += static_cast<std::uint32_t>(payload.size());
  deliver(frame, c, d, from_client, payload, out);
  // Segments that waited for this one.
  for (bool progress = true; progress;) {
    progress = false;
    for (auto it = d.pending.begin(); it != d.pending.end(); ++it) {
      std::int64_t ahead = seq_diff(it->first, d.next);
      if (ahead > 0) continue;
      wire::ByteVector bytes = std::move(it->second);
      d.pending_bytes -= bytes.size();
      d.pending.erase(it);
      auto cut = static_cast<std::size_t>(-ahead);
      if (cut < bytes.size()) {
        wire::Bytes rest = wire::Bytes(bytes).subspan(cut);
        d.next += static_cast<std::uint32_t>(rest.size());
        deliver(frame, c, d, from_client, rest, out);
      }
      progress = true;
      break;
    }
  }
}

// The stream reached its FIN: a close-delimited HTTP response completes.
void check_fin(const FrameInfo& frame, Connection& c, Direction& d, bool from_client,
               std::vector<api::Event>& out) {
  if (d.fin_done || !d.fin_seq || seq_diff(*d.fin_seq, d.next) > 0) return;
  d.fin_done = true;
  if (c.app == App::http && !from_client && !d.dead && !d.response_fresh) {
    http::FeedResult r = d.response.finish();
    if (r.complete()) on_http_response(frame, c, d.response.response(), out);
  }
}

}  // namespace

TcpStreams::Connection* TcpStreams::find_or_create(const FrameInfo& frame,
                                                   const wire::TcpSegment& s, bool& from_client,
                                                   Key& key) {
  const std::uint32_t src = frame.src_ip->value;
  const std::uint32_t dst = frame.dst_ip->value;
  Key forward{src, s.src_port, dst, s.dst_port};
  Key backward{dst, s.dst_port, src, s.src_port};
  const bool syn = s.has(wire::tcp_flag::kSyn);
  const bool ack = s.has(wire::tcp_flag::kAck);

  if (syn && !ack) {  // a new connection from this sender (RFC 9293 section 3.5)
    auto it = connections_.find(forward);
    if (it != connections_.end() && it->second->syn_seen && it->second->client_isn == s.seq) {
      from_client = true;  // a retransmitted SYN: the same initial sequence number
      key = forward;
      return it->second.get();
    }
    connections_.erase(forward);
    from_client = true;
    key = forward;
  } else if (auto it = connections_.find(forward); it != connections_.end()) {
    from_client = true;
    key = forward;
    return it->second.get();
  } else if (auto back = connections_.find(backward); back != connections_.end()) {
    from_client = false;
    key = backward;
    return back->second.get();
  } else if (syn && ack) {
    from_client = false;
    key = backward;
  } else if (app_for_port(s.dst_port) != App::none) {
    from_client = true;  // joined mid-connection: the well-known port is the server's
    key = forward;
  } else if (app_for_port(s.src_port) != App::none) {
    from_client = false;
    key = backward;
  } else {
    return nullptr;
  }
  if (connections_.size() >= kMaxConnections) {
    auto oldest = connections_.begin();
    for (auto it = connections_.begin(); it != connections_.end(); ++it) {
      if (it->second->sequence < oldest->second->sequence) oldest = it;
    }
    connections_.erase(oldest);
  }
  auto connection = std::make_unique<Connection>();
  connection->app = app_for_port(std::get<3>(key));
  connection->sequence = ++sequence_;
  Connection* raw = connection.get();
  connections_[key] = std::move(connection);
  return raw;
}

void TcpStreams::on_segment(const FrameInfo& frame, const wire::TcpSegment& s,
                            std::vector<api::Event>& out) {
  if (!frame.src_ip || !frame.dst_ip) return;
  bool from_client = true;
  Key key;
  Connection* c = find_or_create(frame, s, from_client, key);
  if (c == nullptr) return;
  Direction& d = from_client ? c->client : c->server;
  const bool syn = s.has(wire::tcp_flag::kSyn);
  const bool ack = s.has(wire::tcp_flag::kAck);

  if (syn) {
    d.synced = true;
    d.next = s.seq + 1;  // SYN occupies one sequence number
    if (!ack && c->syn_seen && c->client_isn == s.seq) {
      // Retransmitted: the same attempt, already reported.
    } else if (!ack) {
      c->syn_seen = true;
      c->client_isn = s.seq;
      api::Event event = packet_event(frame, "tcp.syn");
      event.attrs["seq"] = std::int64_t{s.seq};
      out.push_back(std::move(event));
    } else {
      c->synack_seen = true;
      c->server_isn = s.seq;
    }
  } else if (from_client && ack && c->syn_seen && c->synack_seen && !c->established &&
             s.ack == c->server_isn + 1) {
    c->established = true;
    api::Event event = packet_event(frame, "tcp.established");
    event.attrs["seq"] = std::int64_t{s.seq};
    out.push_back(std::move(event));
  }

  if (c->app != App::none && !s.payload.empty()) {
    accept(frame, *c, d, from_client, syn ? s.seq + 1 : s.seq, s.payload, out);
  }
  if (s.has(wire::tcp_flag::kFin)) {
    d.fin_seq = (syn ? s.seq + 1 : s.seq) + static_cast<std::uint32_t>(s.payload.size());
  }
  check_fin(frame, *c, d, from_client, out);

  if (s.has(wire::tcp_flag::kRst) || (c->client.fin_done && c->server.fin_done)) {
    connections_.erase(key);
  }
}

}  // namespace phonerig::engine
