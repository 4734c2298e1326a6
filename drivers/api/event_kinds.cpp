// The closed list of event kinds (DESIGN.md, "Events"). Add a kind here, with its
// attributes documented, in the issue that first emits it.
#include <array>

#include "drivers/api/event.hpp"

namespace phonerig::api {

namespace {

using T = AttrType;
constexpr bool kReq = true;
constexpr bool kOpt = false;

constexpr std::array kPacketAttrs = {
    AttrSpec{"src", T::address, kOpt, "IPv4 source"},
    AttrSpec{"dst", T::address, kOpt, "IPv4 destination"},
    AttrSpec{"src_port", T::integer, kOpt, "UDP/TCP source port"},
    AttrSpec{"dst_port", T::integer, kOpt, "UDP/TCP destination port"},
    AttrSpec{"src_mac", T::mac, kOpt, "Ethernet source"},
    AttrSpec{"dst_mac", T::mac, kOpt, "Ethernet destination"},
    AttrSpec{"vlan", T::integer, kOpt, "802.1Q VLAN id of the frame, absent when untagged"},
    AttrSpec{"pcp", T::integer, kOpt, "802.1p priority of the frame"},
    AttrSpec{"length", T::integer, kOpt, "frame length on the wire"},
};

constexpr std::array kMalformed = {
    AttrSpec{"layer", T::string, kReq, "codec that refused the frame: ethernet, ipv4, dhcp..."},
    AttrSpec{"error", T::string, kReq, "what was wrong"},
    AttrSpec{"offset", T::integer, kReq, "byte offset of the error within the frame"},
};

constexpr std::array kCdp = {
    AttrSpec{"device_id", T::string, kReq, "CDP TLV 0x0001; phones send SEP<MAC>"},
    AttrSpec{"port_id", T::string, kOpt, "TLV 0x0003"},
    AttrSpec{"platform", T::string, kOpt, "TLV 0x0006"},
    AttrSpec{"software_version", T::string, kOpt, "TLV 0x0005; a phone's running load"},
    AttrSpec{"capabilities", T::integer, kOpt, "TLV 0x0004 bits"},
    AttrSpec{"native_vlan", T::integer, kOpt, "TLV 0x000a"},
    AttrSpec{"voice_vlan", T::integer, kOpt, "TLV 0x000e VoIP VLAN Reply (switch to phone)"},
    AttrSpec{"voice_vlan_query", T::integer, kOpt, "TLV 0x000f VoIP VLAN Query (phone)"},
    AttrSpec{"power_requested_mw", T::integer, kOpt, "TLV 0x0019, first value"},
    AttrSpec{"power_available_mw", T::integer, kOpt, "TLV 0x001a, first value"},
    AttrSpec{"addresses", T::list, kOpt, "TLV 0x0002, dotted IPv4"},
    AttrSpec{"checksum_ok", T::integer, kOpt, "1 when the CDP checksum verified"},
};

constexpr std::array kLldp = {
    AttrSpec{"chassis_id", T::string, kReq, "LLDP TLV 1, printable"},
    AttrSpec{"port_id", T::string, kReq, "LLDP TLV 2, printable"},
    AttrSpec{"system_name", T::string, kOpt, "TLV 5"},
    AttrSpec{"system_description", T::string, kOpt, "TLV 6"},
    AttrSpec{"med_class", T::integer, kOpt, "LLDP-MED device type: 1-3 endpoint, 4 network"},
    AttrSpec{"voice_vlan", T::integer, kOpt, "LLDP-MED network policy, app type voice"},
    AttrSpec{"voice_priority", T::integer, kOpt, "its L2 priority"},
    AttrSpec{"voice_dscp", T::integer, kOpt, "its DSCP"},
    AttrSpec{"power_mw", T::integer, kOpt, "LLDP-MED extended power via MDI"},
    AttrSpec{"software_revision", T::string, kOpt, "LLDP-MED inventory"},
    AttrSpec{"model", T::string, kOpt, "LLDP-MED inventory model name"},
};

constexpr std::array kDhcp = {
    AttrSpec{"xid", T::integer, kReq, "transaction id"},
    AttrSpec{"chaddr", T::mac, kReq, "client hardware address"},
    AttrSpec{"ciaddr", T::address, kOpt, "client address (renewing, rebinding, inform)"},
    AttrSpec{"yiaddr", T::address, kOpt, "address offered or acknowledged"},
    AttrSpec{"giaddr", T::address, kOpt, "relay agent address"},
    AttrSpec{"server_id", T::address, kOpt, "option 54"},
    AttrSpec{"requested_ip", T::address, kOpt, "option 50"},
    AttrSpec{"lease_s", T::integer, kOpt, "option 51"},
    AttrSpec{"vendor_class", T::string, kOpt, "option 60, trailing NUL stripped"},
    AttrSpec{"parameter_request_list", T::list, kOpt, "option 55, option codes"},
    AttrSpec{"tftp_servers", T::list, kOpt, "option 150, dotted IPv4 in preference order"},
    AttrSpec{"tftp_server_name", T::string, kOpt, "option 66"},
    AttrSpec{"routers", T::list, kOpt, "option 3"},
    AttrSpec{"subnet_mask", T::address, kOpt, "option 1"},
    AttrSpec{"options", T::list, kOpt, "option codes present, in order"},
    AttrSpec{"message", T::string, kOpt, "option 56 text (NAK reason)"},
};

constexpr std::array kDhcpIgnored = {
    AttrSpec{"chaddr", T::mac, kReq, "client hardware address"},
    AttrSpec{"reason", T::string, kReq, "why the server did not answer"},
    AttrSpec{"xid", T::integer, kOpt, "transaction id"},
};

constexpr std::array kTftpRrq = {
    AttrSpec{"file", T::string, kReq, "requested file name"},
    AttrSpec{"mode", T::string, kOpt, "octet or netascii"},
    AttrSpec{"blksize", T::integer, kOpt, "RFC 2348 option as requested"},
    AttrSpec{"tsize", T::integer, kOpt, "RFC 2349 option as requested"},
    AttrSpec{"timeout", T::integer, kOpt, "RFC 2349 option as requested"},
    AttrSpec{"windowsize", T::integer, kOpt, "RFC 7440 option as requested"},
};

constexpr std::array kTftpError = {
    AttrSpec{"file", T::string, kOpt, "file of the transfer, when known"},
    AttrSpec{"code", T::integer, kReq, "RFC 1350 error code"},
    AttrSpec{"message", T::string, kOpt, "error text"},
};

constexpr std::array kTftpDone = {
    AttrSpec{"file", T::string, kReq, "file transferred"},
    AttrSpec{"bytes", T::integer, kReq, "bytes delivered"},
    AttrSpec{"blocks", T::integer, kOpt, "DATA blocks"},
    AttrSpec{"retransmits", T::integer, kOpt, "DATA blocks sent again"},
    AttrSpec{"duration_ms", T::integer, kOpt, "RRQ to final ACK"},
    AttrSpec{"ack_after_ms", T::integer, kOpt,
             "capture: the final ACK after the last DATA (the event is timed at that DATA)"},
};

constexpr std::array kHttpGet = {
    AttrSpec{"path", T::string, kReq, "request target, decoded"},
    AttrSpec{"host", T::string, kOpt, "Host header"},
    AttrSpec{"user_agent", T::string, kOpt, "User-Agent header"},
};

constexpr std::array kHttpStatus = {
    AttrSpec{"path", T::string, kOpt, "path of the request answered"},
    AttrSpec{"status", T::integer, kReq, "status code"},
    AttrSpec{"bytes", T::integer, kOpt, "body length"},
};

constexpr std::array kTcp = {
    AttrSpec{"seq", T::integer, kOpt, "sequence number"},
};

constexpr std::array kSipRequest = {
    AttrSpec{"method", T::string, kReq, "REGISTER, OPTIONS..."},
    AttrSpec{"call_id", T::string, kOpt, "Call-ID"},
    AttrSpec{"cseq", T::integer, kOpt, "CSeq number"},
    AttrSpec{"aor", T::string, kOpt, "To URI (address of record)"},
    AttrSpec{"contact", T::string, kOpt, "first Contact URI"},
    AttrSpec{"expires", T::integer, kOpt, "Expires header or contact parameter"},
    AttrSpec{"user_agent", T::string, kOpt, "User-Agent; a phone's load"},
    AttrSpec{"device_name", T::string, kOpt, "Contact +u.sip!devicename.ccm.cisco.com"},
    AttrSpec{"transport", T::string, kOpt, "udp, tcp or tls"},
    AttrSpec{"authorized", T::integer, kOpt, "1 when an Authorization header is present"},
};

constexpr std::array kSipResponse = {
    AttrSpec{"status", T::integer, kReq, "status code"},
    AttrSpec{"reason", T::string, kOpt, "reason phrase"},
    AttrSpec{"method", T::string, kOpt, "CSeq method answered"},
    AttrSpec{"call_id", T::string, kOpt, "Call-ID"},
    AttrSpec{"cseq", T::integer, kOpt, "CSeq number"},
    AttrSpec{"expires", T::integer, kOpt, "granted expiry"},
    AttrSpec{"transport", T::string, kOpt, "udp, tcp or tls"},
};

constexpr std::array kPower = {
    AttrSpec{"port", T::string, kReq, "switch port name (GigabitEthernet1/0/5) or outlet"},
    AttrSpec{"switch", T::string, kOpt, "switch address"},
};

constexpr std::array kSwitchNeighbour = {
    AttrSpec{"port", T::string, kReq, "switch port name, as asked"},
    AttrSpec{"protocol", T::string, kReq, "cdp (CISCO-CDP-MIB cdpCacheTable) or lldp (LLDP-MIB lldpRemTable)"},
    AttrSpec{"device_id", T::string, kOpt, "cdpCacheDeviceId (a phone's SEP<MAC>); lldpRemChassisId"},
    AttrSpec{"port_id", T::string, kOpt, "cdpCacheDevicePort; lldpRemPortId"},
    AttrSpec{"platform", T::string, kOpt, "cdpCachePlatform"},
    AttrSpec{"software_version", T::string, kOpt, "cdpCacheVersion: a phone's running load"},
    AttrSpec{"system_name", T::string, kOpt, "lldpRemSysName"},
    AttrSpec{"system_description", T::string, kOpt, "lldpRemSysDesc"},
};

constexpr std::array kPortDetection = {
    AttrSpec{"port", T::string, kReq, "switch port name"},
    AttrSpec{"status", T::string, kReq,
             "pethPsePortDetectionStatus: disabled, searching, deliveringPower, fault, test, "
             "otherFault"},
    AttrSpec{"power_class", T::integer, kOpt, "pethPsePortPowerClassifications, 0-4"},
    AttrSpec{"power_mw", T::integer, kOpt, "power drawn, where the switch reports it"},
};

constexpr std::array kLink = {
    AttrSpec{"interface", T::string, kReq, "interface or switch port"},
};


// ---- kinds the services add (issue 4) ----

constexpr std::array kDhcpLease = {
    AttrSpec{"chaddr", T::mac, kReq, "client hardware address"},
    AttrSpec{"yiaddr", T::address, kReq, "the leased address"},
    AttrSpec{"state", T::string, kReq,
             "offered, bound, renewed, released, declined, expired, restored (from the lease "
             "file at start)"},
    AttrSpec{"lease_s", T::integer, kOpt, "lease time granted"},
    AttrSpec{"reserved", T::integer, kOpt, "1 for a static reservation, 0 from the pool"},
    AttrSpec{"giaddr", T::address, kOpt, "relay the lease was given through"},
};

constexpr std::array kSipBinding = {
    AttrSpec{"aor", T::string, kReq, "address of record (To URI)"},
    AttrSpec{"action", T::string, kReq, "created, refreshed, removed, expired"},
    AttrSpec{"contact", T::string, kOpt, "the bound Contact URI"},
    AttrSpec{"expires", T::integer, kOpt, "granted expiry in seconds"},
    AttrSpec{"requested_expires", T::integer, kOpt, "expiry the phone asked for"},
    AttrSpec{"transport", T::string, kOpt, "udp or tcp"},
    AttrSpec{"user_agent", T::string, kOpt, "User-Agent; a phone's load"},
    AttrSpec{"device_name", T::string, kOpt, "+u.sip!devicename.ccm.cisco.com"},
    AttrSpec{"instance", T::string, kOpt, "+sip.instance"},
};

constexpr std::array kSipAuth = {
    AttrSpec{"aor", T::string, kReq, "address of record"},
    AttrSpec{"result", T::string, kReq,
             "challenged, accepted, stale, wrong_password, unknown_user, bad_request"},
    AttrSpec{"username", T::string, kOpt, "digest username"},
    AttrSpec{"algorithm", T::string, kOpt, "MD5 or SHA-256"},
};

constexpr std::array kRequestMalformed = {
    AttrSpec{"service", T::string, kReq, "dhcp, tftp, http, sip, cdp, lldp"},
    AttrSpec{"error", T::string, kReq, "what was wrong"},
    AttrSpec{"offset", T::integer, kOpt, "byte offset of the error"},
    AttrSpec{"answered", T::integer, kOpt, "1 when an error reply (400, TFTP ERROR) was sent"},
};

constexpr std::array kListening = {
    AttrSpec{"service", T::string, kReq, "cdp, lldp, dhcp, tftp, http, sip"},
    AttrSpec{"transport", T::string, kReq, "udp, tcp or raw"},
    AttrSpec{"address", T::address, kOpt, "bound address"},
    AttrSpec{"port", T::integer, kOpt, "bound port"},
    AttrSpec{"interface", T::string, kOpt, "bound interface"},
};

constexpr std::array kFileGenerated = {
    AttrSpec{"file", T::string, kReq, "file name as served"},
    AttrSpec{"bytes", T::integer, kReq, "size"},
};

constexpr std::array kFileMissing = {
    AttrSpec{"file", T::string, kReq, "file name asked for"},
    AttrSpec{"transport", T::string, kReq, "tftp or http"},
    AttrSpec{"reason", T::string, kOpt, "not found, outside the root, signed name not provided"},
};

constexpr std::array kKinds = {
    KindSpec{"frame.malformed", "a frame no codec could decode; the evidence is kept", true,
             kMalformed},
    KindSpec{"cdp.rx", "a CDP frame", true, kCdp},
    KindSpec{"lldp.rx", "an LLDP frame", true, kLldp},
    KindSpec{"dhcp.discover", "DHCPDISCOVER (RFC 2131)", true, kDhcp},
    KindSpec{"dhcp.offer", "DHCPOFFER", true, kDhcp},
    KindSpec{"dhcp.request", "DHCPREQUEST", true, kDhcp},
    KindSpec{"dhcp.decline", "DHCPDECLINE", true, kDhcp},
    KindSpec{"dhcp.ack", "DHCPACK", true, kDhcp},
    KindSpec{"dhcp.nak", "DHCPNAK", true, kDhcp},
    KindSpec{"dhcp.release", "DHCPRELEASE", true, kDhcp},
    KindSpec{"dhcp.inform", "DHCPINFORM", true, kDhcp},
    KindSpec{"dhcp.ignored", "the DHCP server chose not to answer (unknown MAC...)", false,
             kDhcpIgnored},
    KindSpec{"tftp.rrq", "TFTP read request", true, kTftpRrq},
    KindSpec{"tftp.error", "TFTP ERROR packet", true, kTftpError},
    KindSpec{"tftp.done", "a TFTP transfer completed (service: the final ACK received; capture: the last DATA, "
             "once its ACK is seen)", true, kTftpDone},
    KindSpec{"http.get", "HTTP GET (port 6970)", true, kHttpGet},
    KindSpec{"http.status", "HTTP response status", true, kHttpStatus},
    KindSpec{"tcp.syn", "TCP SYN: a connection attempt", true, kTcp},
    KindSpec{"tcp.established", "TCP handshake completed", true, kTcp},
    KindSpec{"sip.request", "a SIP request", true, kSipRequest},
    KindSpec{"sip.response", "a SIP response", true, kSipResponse},
    KindSpec{"power.on", "port power enabled (set acknowledged by the switch)", false, kPower},
    KindSpec{"power.off", "port power disabled", false, kPower},
    KindSpec{"port.detection", "PoE detection status read from the switch", false,
             kPortDetection},
    KindSpec{"switch.neighbour",
             "a neighbour the switch's tables show on a port, read over SNMP (each new or changed "
             "entry once)",
             false, kSwitchNeighbour},
    KindSpec{"link.up", "link came up", false, kLink},
    KindSpec{"link.down", "link went down", false, kLink},
    KindSpec{"cdp.tx", "a CDP frame the announcer sent", true, kCdp},
    KindSpec{"lldp.tx", "an LLDP frame the announcer sent", true, kLldp},
    KindSpec{"dhcp.lease", "the DHCP server's lease changed state", false, kDhcpLease},
    KindSpec{"sip.binding", "the registrar created, refreshed or removed a binding", false,
             kSipBinding},
    KindSpec{"sip.auth", "the registrar's digest authentication decision", false, kSipAuth},
    KindSpec{"request.malformed", "a service refused a request it could not parse, and went on",
             true, kRequestMalformed},
    KindSpec{"service.listening", "a service is bound and serving", false, kListening},
    KindSpec{"file.generated", "a per-phone file was generated (cnf.xml...)", false,
             kFileGenerated},
    KindSpec{"file.missing", "a file was asked for and not served", true, kFileMissing},
};

}  // namespace

std::span<const KindSpec> event_kinds() { return kKinds; }
std::span<const AttrSpec> packet_attrs() { return kPacketAttrs; }

}  // namespace phonerig::api
