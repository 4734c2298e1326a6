#include "drivers/services/sip/registrar_detail.hpp"

#include "drivers/wire/sip_text.hpp"

#include <ctime>

namespace phonerig::services::sip::detail {

namespace ws = wire::sip;

Headers index_headers(const ws::Message& message) {
  Headers h;
  for (const ws::Header& header : message.headers) {
    const std::string_view name = header.canonical();
    auto first = [&](const ws::Header*& slot) {
      if (slot == nullptr) slot = &header;
    };
    if (name == "Via") {
      h.via.push_back(&header);
    } else if (name == "Contact") {
      h.contact.push_back(&header);
    } else if (name == "From") {
      first(h.from);
    } else if (name == "To") {
      first(h.to);
    } else if (name == "Call-ID") {
      first(h.call_id);
    } else if (name == "CSeq") {
      first(h.cseq);
    } else if (name == "Expires") {
      first(h.expires);
    } else if (name == "User-Agent") {
      first(h.user_agent);
    } else if (name == "Authorization") {
      first(h.authorization);
    } else if (name == "Require") {
      h.require.push_back(&header);
    }
  }
  return h;
}

std::string serialize(const ws::Message& response) {
  std::string out;
  out.reserve(512 + response.body.size());
  out.append(response.version.empty() ? "SIP/2.0" : response.version).append(" ");
  out.append(std::to_string(response.status_code)).append(" ").append(response.reason);
  out.append("\r\n");
  for (const ws::Header& h : response.headers) {
    out.append(h.name).append(": ").append(h.value).append("\r\n");
  }
  out.append("Content-Length: ").append(std::to_string(response.body.size())).append("\r\n\r\n");
  out.append(response.body);
  return out;
}

api::Event service_event(Instant now, std::string_view kind,
                         const std::optional<wire::Mac>& phone) {
  api::Event event;
  event.time_ns = now.wall_ns;
  event.source = api::EventSource::service;
  event.phone = phone;
  event.kind = std::string(kind);
  return event;
}

ws::Message response_head(int status, std::string_view reason, const std::vector<ws::Via>& vias,
                          const Peer& peer, std::string_view from, std::string_view to,
                          std::string_view to_tag, std::string_view call_id, std::string_view cseq,
                          std::string_view server) {
  ws::Message response = ws::Message::response(status, std::string(reason));
  response.headers.reserve(10);
  for (std::size_t i = 0; i < vias.size(); ++i) {
    if (i > 0) {
      response.add("Via", ws::to_string(vias[i]));
      continue;
    }
    // RFC 3261 section 18.2.1: received= when sent-by is not the source address;
    // RFC 3581 section 4: with rport, received= always and rport=<source port>.
    ws::Via top = vias[0];
    const std::string source = peer.address.to_string();
    if (top.has_rport()) {
      ws::set_param(top.params, "received", source);
      ws::set_param(top.params, "rport", std::to_string(peer.port));
    } else if (top.host != source) {
      ws::set_param(top.params, "received", source);
    }
    response.add("Via", ws::to_string(top));
  }
  response.add("From", std::string(from));
  std::string to_value(to);
  auto to_address = ws::parse_name_addr(to);
  if (!to_address || !to_address->tag()) to_value += ";tag=" + std::string(to_tag);
  response.add("To", std::move(to_value));
  response.add("Call-ID", std::string(call_id));
  response.add("CSeq", std::string(cseq));
  response.add("Server", std::string(server));
  return response;
}

std::uint16_t reply_port(const ws::Via& top, const Peer& peer) {
  if (top.has_rport()) return peer.port;
  return top.port.value_or(5060);
}

std::string_view reason_phrase(int status) {
  switch (status) {
  case 200: return "OK";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 416: return "Unsupported URI Scheme";
  case 420: return "Bad Extension";
  case 423: return "Interval Too Brief";
  case 500: return "Server Internal Error";
  case 501: return "Not Implemented";
  case 503: return "Service Unavailable";
  default: return "Unknown";
  }
}

std::string http_date(std::int64_t wall_ns) {
  std::time_t seconds = static_cast<std::time_t>(wall_ns / 1000000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return text;
}

} // namespace phonerig::services::sip::detail
