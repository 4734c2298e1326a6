#include "tests/support/boot_capture.hpp"

#include <string>

#include "drivers/wire/cdp.hpp"
#include "drivers/wire/dhcp.hpp"
#include "drivers/wire/http.hpp"
#include "drivers/wire/ip.hpp"
#include "drivers/wire/lldp.hpp"
#include "drivers/wire/sip_message.hpp"
#include "drivers/wire/tftp.hpp"

namespace phonerig::testing {

namespace {

using namespace wire;

constexpr std::int64_t kMicro = 1'000;
constexpr std::int64_t kMilli = 1'000'000;
constexpr std::size_t kMss = 1448;

class Boot {
 public:
  explicit Boot(const BootParams& p) : p_(p), now_(p.start_ns) { out_.link_type = LinkType::ethernet; }

  void frame(ByteVector bytes, std::int64_t after_ns) {
    now_ += after_ns;
    PcapRecord record;
    record.time_ns = now_;
    record.wire_length = bytes.size();
    record.bytes = std::move(bytes);
    out_.records.push_back(std::move(record));
  }

  // On the mirror port the voice VLAN shows tagged, both ways (DESIGN.md, the switch).
  EthernetHeader from_phone(const Mac& dst) const {
    return {dst, p_.phone, {VlanTag{ethertype::kVlan, 5, false, p_.voice_vlan}}};
  }
  EthernetHeader to_phone(const Mac& dst) const {
    return {dst, p_.rig, {VlanTag{ethertype::kVlan, 5, false, p_.voice_vlan}}};
  }

  void cdp_and_lldp() {
    cdp::Packet sw;
    sw.add(cdp::DeviceId{"lab-sw1"})
        .add(cdp::PortId{"GigabitEthernet1/0/5"})
        .add(cdp::Capabilities{cdp::capability::kAccessSwitch})
        .add(cdp::Platform{"cisco WS-C3850-48P"})
        .add(cdp::NativeVlan{10})
        .add(cdp::Duplex{})
        .add(cdp::VoipVlanReply{0x01, p_.voice_vlan})
        .add(cdp::TrustBitmap{0})
        .add(cdp::UntrustedCos{0});
    frame(cdp::build_frame(p_.switch_port, sw), 800 * kMilli);

    cdp::Packet phone;
    phone.add(cdp::DeviceId{"SEP" + p_.phone.to_cisco()})
        .add(cdp::PortId{"Port 1"})
        .add(cdp::Capabilities{cdp::capability::kIpPhone})
        .add(cdp::SoftwareVersion{"sip88xx.14-2-1-0001-14"})
        .add(cdp::Platform{"Cisco IP Phone 8851"})
        .add(cdp::PowerRequested{19398, 0, {9791}})
        .add(cdp::Duplex{})
        .add(cdp::PowerConsumption{9791});
    frame(cdp::build_frame(p_.phone, phone), 1200 * kMilli);

    lldp::Packet med;
    med.chassis_id = {lldp::chassis_subtype::kMacAddress, ByteVector(p_.phone.octets.begin(), p_.phone.octets.end())};
    med.port_id = {lldp::port_subtype::kMacAddress, ByteVector(p_.phone.octets.begin(), p_.phone.octets.end())};
    med.ttl = 180;
    med.tlvs.push_back(lldp::SystemName{"SEP" + p_.phone.to_cisco()});
    med.tlvs.push_back(lldp::SystemCapabilities{lldp::capability::kBridge | lldp::capability::kTelephone,
                                                lldp::capability::kTelephone});
    med.tlvs.push_back(lldp::MedCapabilities{
        lldp::med_capability::kCapabilities | lldp::med_capability::kNetworkPolicy |
            lldp::med_capability::kExtendedPowerPd | lldp::med_capability::kInventory,
        lldp::med_device_type::kEndpointClass3});
    lldp::NetworkPolicy policy;
    policy.tagged = true;
    policy.vlan_id = p_.voice_vlan;
    policy.priority = 5;
    policy.dscp = 46;
    med.tlvs.push_back(policy);
    med.tlvs.push_back(lldp::Inventory{lldp::med_subtype::kSoftwareRevision, "sip88xx.14-2-1-0001-14"});
    med.tlvs.push_back(lldp::Inventory{lldp::med_subtype::kModel, "CP-8851"});
    frame(lldp::build_frame(p_.phone, med), 2 * kMilli);
  }

  void dhcp() {
    const std::uint32_t xid = 0x5e1f00d1;
    const std::uint8_t prl[] = {1, 3, 6, 15, 35, 66, 150};
    const Ipv4 tftp[] = {p_.rig_ip};
    const Ipv4 router[] = {*Ipv4::parse("198.18.1.1")};
    auto message = [&](dhcp::MessageType type) {
      dhcp::Message m;
      m.op = (type == dhcp::MessageType::offer || type == dhcp::MessageType::ack) ? dhcp::Op::reply
                                                                                 : dhcp::Op::request;
      m.xid = xid;
      m.set_mac(p_.phone);
      m.options.set_message_type(type);
      return m;
    };
    auto client = [&](const dhcp::Message& m, std::int64_t after) {
      frame(build_udp_frame(from_phone(Mac::broadcast()), {Ipv4::any(), Ipv4::broadcast()},
                            dhcp::kClientPort, dhcp::kServerPort, dhcp::build(m)),
            after);
    };
    auto server = [&](dhcp::Message m, std::int64_t after) {
      m.yiaddr = p_.phone_ip;
      m.options.set_server_id(p_.rig_ip);
      m.options.set_lease_time(86400);
      m.options.set_subnet_mask(*Ipv4::parse("255.255.255.0"));
      m.options.set_routers(router);
      m.options.set_tftp_server_addresses(tftp);
      m.options.set_tftp_server_name(p_.rig_ip.to_string());
      m.options.order_options(prl);
      frame(build_udp_frame(to_phone(p_.phone), {p_.rig_ip, p_.phone_ip}, dhcp::kServerPort,
                            dhcp::kClientPort, dhcp::build(m)),
            after);
    };
    dhcp::Message discover = message(dhcp::MessageType::discover);
    discover.options.set_vendor_class(std::string("Cisco Systems, Inc. IP Phone CP-8851") + '\0');
    discover.options.set_parameter_request_list(prl);
    client(discover, 3 * kMilli);
    server(message(dhcp::MessageType::offer), 400 * kMicro);
    dhcp::Message request = message(dhcp::MessageType::request);
    request.options.set_requested_ip(p_.phone_ip);
    request.options.set_server_id(p_.rig_ip);
    request.options.set_parameter_request_list(prl);
    client(request, 2 * kMilli);
    server(message(dhcp::MessageType::ack), 300 * kMicro);
  }

  // One TCP connection from the phone: handshake, request, response, close.
  class Flow {
   public:
    Flow(Boot& boot, std::uint16_t client_port, std::uint16_t server_port)
        : b_(boot), cport_(client_port), sport_(server_port) {
      send(true, tcp_flag::kSyn, {}, 0);
      ++cseq_;
      send(false, tcp_flag::kSyn | tcp_flag::kAck, {}, 0);
      ++sseq_;
      send(true, tcp_flag::kAck, {}, 0);
    }
    void client(Bytes data) { stream(true, data); }
    void server(Bytes data) { stream(false, data); }
    void close() {
      send(true, tcp_flag::kFin | tcp_flag::kAck, {}, 0);
      ++cseq_;
      send(false, tcp_flag::kFin | tcp_flag::kAck, {}, 0);
      ++sseq_;
      send(true, tcp_flag::kAck, {}, 0);
    }

   private:
    void stream(bool from_client, Bytes data) {
      for (std::size_t at = 0; at < data.size(); at += kMss) {
        Bytes piece = data.subspan(at, std::min(kMss, data.size() - at));
        send(from_client, tcp_flag::kPsh | tcp_flag::kAck, piece, 40);
        (from_client ? cseq_ : sseq_) += static_cast<std::uint32_t>(piece.size());
      }
      send(!from_client, tcp_flag::kAck, {}, 30);  // the other side acknowledges
    }
    void send(bool from_client, std::uint16_t flags, Bytes payload, std::int64_t after_us) {
      const BootParams& p = b_.p_;
      TcpBuild tcp;
      tcp.flags = flags;
      tcp.window = 29200;
      if (from_client) {
        tcp.src_port = cport_;
        tcp.dst_port = sport_;
        tcp.seq = cseq_;
        tcp.ack = (flags & tcp_flag::kAck) ? sseq_ : 0;
        b_.frame(build_tcp_frame(b_.from_phone(p.rig), {p.phone_ip, p.rig_ip, 0, 64, 24}, tcp,
                                 payload),
                 (after_us + 60) * kMicro);
      } else {
        tcp.src_port = sport_;
        tcp.dst_port = cport_;
        tcp.seq = sseq_;
        tcp.ack = cseq_;
        b_.frame(build_tcp_frame(b_.to_phone(p.phone), {p.rig_ip, p.phone_ip}, tcp, payload),
                 (after_us + 60) * kMicro);
      }
    }

    Boot& b_;
    std::uint16_t cport_;
    std::uint16_t sport_;
    std::uint32_t cseq_ = 0x10000000;
    std::uint32_t sseq_ = 0x70000000;
  };

  void http_get(std::uint16_t client_port, const std::string& file, int status,
                std::size_t size) {
    Flow flow(*this, client_port, 6970);
    http::Request get;
    get.target = "/" + file;
    get.headers.add("Host", p_.rig_ip.to_string() + ":6970");
    flow.client(http::build_request(get));
    http::Response response;
    response.status = status;
    response.reason = status == 200 ? "OK" : "Service Unavailable";
    response.headers.add("Cache-Control", "no-store");
    response.headers.add("Content-type", "*/*");
    response.body.assign(status == 200 ? size : 0, 'x');
    flow.server(http::build_response(response));
    flow.close();
  }

  void tftp_get(std::uint16_t client_port, std::uint16_t server_port, const std::string& file,
                std::size_t size) {
    auto client = [&](const tftp::Packet& packet, std::uint16_t dst_port, std::int64_t after) {
      frame(build_udp_frame(from_phone(p_.rig), {p_.phone_ip, p_.rig_ip}, client_port, dst_port,
                            tftp::build(packet)),
            after);
    };
    auto server = [&](const tftp::Packet& packet, std::int64_t after) {
      frame(build_udp_frame(to_phone(p_.phone), {p_.rig_ip, p_.phone_ip}, server_port,
                            client_port, tftp::build(packet)),
            after);
    };
    tftp::Request rrq;
    rrq.filename = file;
    rrq.mode_spelling = "octet";
    if (size == 0) {
      client(rrq, tftp::kPort, 16 * kMilli);
      server(tftp::Error{tftp::ErrorCode::file_not_found, "File not found"}, 300 * kMicro);
      return;
    }
    const std::size_t block = 1428;
    rrq.options.add("blksize", std::to_string(block));
    rrq.options.add("tsize", "0");
    rrq.options.add("windowsize", "4");
    client(rrq, tftp::kPort, 2 * kMilli);
    tftp::Oack oack;
    oack.options.add("blksize", std::to_string(block));
    oack.options.add("tsize", std::to_string(size));
    oack.options.add("windowsize", "4");
    server(oack, 300 * kMicro);
    client(tftp::Ack{0}, server_port, 100 * kMicro);
    std::uint16_t n = 0;
    for (std::size_t at = 0; at <= size; at += block) {
      tftp::Data data;
      data.block = ++n;
      data.payload.assign(std::min(block, size - at), 'd');
      server(data, 50 * kMicro);
      bool last = size - at < block;
      if (n % 4 == 0 || last) client(tftp::Ack{n}, server_port, 60 * kMicro);
      if (last) break;
    }
  }

  void sip_register() {
    Flow flow(*this, 51778, 5060);
    const std::string aor = "sip:1003@" + p_.rig_ip.to_string();
    const std::string mac = p_.phone.to_cisco();
    auto reg = [&](int cseq, bool with_auth) {
      sip::Message m = sip::Message::request("REGISTER", "sip:" + p_.rig_ip.to_string());
      m.add("Via", "SIP/2.0/TCP " + p_.phone_ip.to_string() + ":51778;branch=z9hG4bK66da98a" +
                       std::to_string(cseq));
      m.add("From", "<" + aor + ">;tag=001e4a000001001411d7279b-7ecf20ad");
      m.add("To", "<" + aor + ">");
      m.add("Call-ID", "001e4a00-00010003-255b99f4-783a63d4@" + p_.phone_ip.to_string());
      m.add("Max-Forwards", "70");
      m.add("CSeq", std::to_string(cseq) + " REGISTER");
      m.add("User-Agent", "Cisco-CP8851/14.2.1");
      m.add("Contact", "<sip:04984998-fe29-08c0-6d47-5593bf4ce606@" + p_.phone_ip.to_string() +
                           ":51778;transport=tcp>;+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-" +
                           p_.phone.to_cisco() + ">\";+u.sip!devicename.ccm.cisco.com=\"SEP" + mac +
                           "\";+u.sip!model.ccm.cisco.com=\"684\"");
      if (with_auth) {
        m.add("Authorization",
              "Digest username=\"1003\",realm=\"ccmsipline\",nonce=\"ABCDEF0123456789\",uri=\"sip:" +
                  p_.rig_ip.to_string() + "\",response=\"1115bf280ab3a977f7cf809b43189195\",algorithm=MD5");
      }
      m.add("Expires", "3600");
      return sip::build(m);
    };
    auto answer = [&](int status, const std::string& reason, int cseq) {
      sip::Message m = sip::Message::response(status, reason);
      m.add("Via", "SIP/2.0/TCP " + p_.phone_ip.to_string() + ":51778;branch=z9hG4bK66da98a" +
                       std::to_string(cseq));
      m.add("From", "<" + aor + ">;tag=001e4a000001001411d7279b-7ecf20ad");
      m.add("To", "<" + aor + ">;tag=2121423204");
      m.add("Call-ID", "001e4a00-00010003-255b99f4-783a63d4@" + p_.phone_ip.to_string());
      m.add("CSeq", std::to_string(cseq) + " REGISTER");
      if (status == 401) {
        m.add("WWW-Authenticate",
              "Digest realm=\"ccmsipline\", nonce=\"ABCDEF0123456789\", algorithm=MD5");
      } else {
        m.add("Expires", "120");
        m.add("Contact", "<sip:04984998-fe29-08c0-6d47-5593bf4ce606@" + p_.phone_ip.to_string() +
                             ":51778;transport=tcp>;x-cisco-newreg");
      }
      return sip::build(m);
    };
    flow.client(reg(113, false));
    flow.server(answer(401, "Unauthorized", 113));
    flow.client(reg(114, true));
    flow.server(answer(200, "OK", 114));
  }

  PcapContents run() {
    const std::string mac = p_.phone.to_cisco();
    cdp_and_lldp();
    dhcp();
    http_get(40001, "CTLSEP" + mac + ".tlv", 503, 0);
    tftp_get(40002, 50001, "CTLSEP" + mac + ".tlv", 0);
    http_get(40003, "ITLSEP" + mac + ".tlv", 200, p_.itl_bytes);
    http_get(40004, "SEP" + mac + ".cnf.xml.sgn", 200, p_.config_bytes);
    tftp_get(40005, 50002, "dialplan.xml", p_.dialplan_bytes);
    http_get(40006, "softkeys.xml", 200, 3000);
    sip_register();
    return std::move(out_);
  }

 private:
  const BootParams& p_;
  std::int64_t now_;
  PcapContents out_;
};

}  // namespace

PcapContents synthesize_phone_boot(const BootParams& params) { return Boot(params).run(); }

}  // namespace phonerig::testing
