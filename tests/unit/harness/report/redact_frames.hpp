// Frames for the redaction tests: a phone fetching its cnf.xml over HTTP (TCP 6970) and
// over TFTP, with the line password split across two segments or two blocks.
#pragma once

#include <string>
#include <vector>

#include "drivers/wire/ip.hpp"
#include "harness/report/pcap_redact.hpp"

namespace phonerig::report::testing {

inline const wire::Mac kPhoneMac{{0x00, 0x1e, 0x4a, 0x00, 0x00, 0x01}};
inline const wire::Mac kServerMac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x10}};
inline const wire::Ipv4 kPhoneIp{0xc6120065};   // 198.18.0.101
inline const wire::Ipv4 kServerIp{0xc612000a};  // 198.18.0.10

inline constexpr std::string_view kSecret = "s3cr3t-Line-Pw";
inline constexpr std::string_view kSecondSecret = "pinNumber42";

inline std::string config_body() {
  std::string body =
      "<device><deviceProtocol>SIP</deviceProtocol><sipProfile><sipLines><line button=\"1\">"
      "<featureID>9</featureID><name>1001</name><authName>1001</authName><authPassword>";
  body += kSecret;
  body += "</authPassword><contact>1001</contact></line></sipLines></sipProfile>"
          "<phonePersonalization><password>";
  body += kSecondSecret;
  body += "</password></phonePersonalization><passwordHint>keep me</passwordHint>"
          "<loadInformation>sip88xx.14-1-1-0001-136</loadInformation></device>\n";
  return body;
}

inline PcapRecord record(wire::ByteVector bytes, std::int64_t ms) {
  PcapRecord r;
  r.time_ns = 1'795'000'000'000'000'000 + ms * 1'000'000;
  r.wire_length = static_cast<std::uint32_t>(bytes.size());
  r.bytes = std::move(bytes);
  return r;
}

inline wire::ByteVector tcp_frame(bool from_phone, std::uint32_t seq, std::uint32_t ack,
                                  std::uint16_t flags, std::string_view payload,
                                  std::vector<wire::VlanTag> vlans = {}) {
  wire::EthernetHeader eth{from_phone ? kServerMac : kPhoneMac, from_phone ? kPhoneMac : kServerMac,
                           std::move(vlans)};
  wire::Ipv4Build ip{from_phone ? kPhoneIp : kServerIp, from_phone ? kServerIp : kPhoneIp,
                     wire::ip_protocol::kTcp};
  wire::TcpBuild tcp{static_cast<std::uint16_t>(from_phone ? 51234 : 6970),
                     static_cast<std::uint16_t>(from_phone ? 6970 : 51234), seq, ack, flags, 65535};
  return wire::build_tcp_frame(eth, ip, tcp, wire::as_bytes(payload));
}

// An HTTP GET and its 200 answer, the answer cut into segments at `cuts` (offsets into the
// response bytes). Returns the frames in capture order.
inline std::vector<PcapRecord> http_fetch(std::vector<std::size_t> cuts,
                                          std::vector<wire::VlanTag> vlans = {},
                                          std::uint32_t phone_isn = 1000,
                                          std::uint32_t server_isn = 700000) {
  using namespace wire::tcp_flag;
  const std::string body = config_body();
  const std::string request =
      "GET /SEP001E4A000001.cnf.xml HTTP/1.1\r\nHost: 198.18.0.10:6970\r\n\r\n";
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\n\r\n" + body;
  std::vector<PcapRecord> out;
  std::int64_t ms = 0;
  out.push_back(record(tcp_frame(true, phone_isn, 0, kSyn, {}, vlans), ms++));
  out.push_back(record(tcp_frame(false, server_isn, phone_isn + 1, kSyn | kAck, {}, vlans), ms++));
  out.push_back(record(tcp_frame(true, phone_isn + 1, server_isn + 1, kAck, {}, vlans), ms++));
  out.push_back(record(tcp_frame(true, phone_isn + 1, server_isn + 1, kAck | kPsh, request, vlans), ms++));
  cuts.push_back(response.size());
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    out.push_back(record(tcp_frame(false, server_isn + 1 + static_cast<std::uint32_t>(from),
                                   phone_isn + 1 + static_cast<std::uint32_t>(request.size()),
                                   kAck | kPsh, std::string_view(response).substr(from, cut - from),
                                   vlans),
                         ms++));
    from = cut;
  }
  return out;
}

inline wire::ByteVector tftp_data_frame(std::uint16_t block, std::string_view data) {
  wire::ByteVector payload = {0, 3, static_cast<std::uint8_t>(block >> 8),
                              static_cast<std::uint8_t>(block)};
  payload.insert(payload.end(), data.begin(), data.end());
  wire::EthernetHeader eth{kPhoneMac, kServerMac, {}};
  wire::Ipv4Build ip{kServerIp, kPhoneIp, wire::ip_protocol::kUdp};
  return wire::build_udp_frame(eth, ip, 40001, 50002, payload);
}

inline wire::ByteVector tftp_ack_frame(std::uint16_t block) {
  const wire::ByteVector payload = {0, 4, static_cast<std::uint8_t>(block >> 8),
                                    static_cast<std::uint8_t>(block)};
  wire::EthernetHeader eth{kServerMac, kPhoneMac, {}};
  wire::Ipv4Build ip{kPhoneIp, kServerIp, wire::ip_protocol::kUdp};
  return wire::build_udp_frame(eth, ip, 50002, 40001, payload);
}

// The cnf.xml over TFTP in blocks of `block_size` bytes (the last one shorter), each
// acknowledged; block `repeat` sent twice (a retransmission).
inline std::vector<PcapRecord> tftp_fetch(std::size_t block_size, std::uint16_t repeat = 0) {
  const std::string body = config_body();
  std::vector<PcapRecord> out;
  std::int64_t ms = 0;
  std::uint16_t block = 1;
  for (std::size_t from = 0; from <= body.size(); from += block_size, ++block) {
    const std::string_view data = std::string_view(body).substr(from, block_size);
    out.push_back(record(tftp_data_frame(block, data), ms++));
    if (block == repeat) out.push_back(record(tftp_data_frame(block, data), ms++));
    out.push_back(record(tftp_ack_frame(block), ms++));
    if (data.size() < block_size) break;
  }
  return out;
}

inline std::string all_bytes(const std::vector<PcapRecord>& records) {
  std::string out;
  for (const auto& r : records) out.append(r.bytes.begin(), r.bytes.end());
  return out;
}

}  // namespace phonerig::report::testing
