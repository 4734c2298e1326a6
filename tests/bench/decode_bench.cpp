// Decode rate over a capture of a full phone boot (synthesized with our encoders until the
// emulated phone records a real one), printed beside the rate of merely reading the same
// pcap with libpcap, as a ratio. Figures only: nothing here passes or fails on speed.
//
//   build/tests/bench/bench_decode [--benchmark_min_time=2]
#include <benchmark/benchmark.h>
#include <pcap/pcap.h>

#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "drivers/wire/cdp.hpp"
#include "drivers/wire/dhcp.hpp"
#include "drivers/wire/http.hpp"
#include "drivers/wire/lldp.hpp"
#include "drivers/wire/packet.hpp"
#include "drivers/wire/sip_message.hpp"
#include "drivers/wire/tftp.hpp"
#include "tests/support/boot_capture.hpp"

namespace {

using namespace phonerig;

struct PcapCloser {
  void operator()(pcap_t* p) const { pcap_close(p); }
};

std::string g_pcap;  // the synthesized boot, written once
std::size_t g_frames = 0;

std::unique_ptr<pcap_t, PcapCloser> open_capture() {
  char err[PCAP_ERRBUF_SIZE] = {};
  std::unique_ptr<pcap_t, PcapCloser> handle(
      pcap_open_offline_with_tstamp_precision(g_pcap.c_str(), PCAP_TSTAMP_PRECISION_NANO, err));
  if (!handle) throw std::runtime_error(err);
  return handle;
}

// What the engine's decoder will do per frame: link, IP, transport, then the protocol
// codec chosen by SNAP PID, EtherType or port. HTTP responses span TCP segments, so they
// go through the streaming parser.
std::size_t decode(const wire::Packet& packet, wire::http::ResponseParser& responses) {
  using namespace wire;
  const LinkFrame& link = packet.link;
  if (link.llc && link.llc->snap && link.llc->snap->pid == cdp::kSnap.pid) {
    return cdp::parse(link.payload).has_value();
  }
  if (link.ethertype == ethertype::kLldp) return lldp::parse(link.payload).has_value();
  if (packet.udp) {
    const UdpDatagram& udp = *packet.udp;
    if (udp.dst_port == dhcp::kServerPort || udp.dst_port == dhcp::kClientPort) {
      return dhcp::parse(udp.payload).has_value();
    }
    if (udp.dst_port == 5060 || udp.src_port == 5060) return sip::parse(udp.payload).has_value();
    return tftp::parse(udp.payload).has_value();
  }
  if (packet.tcp && !packet.tcp->payload.empty()) {
    const TcpSegment& tcp = *packet.tcp;
    if (tcp.dst_port == 5060 || tcp.src_port == 5060) {
      return sip::parse_stream(tcp.payload).complete();
    }
    if (tcp.dst_port == 6970) return http::parse_request(tcp.payload).has_value();
    if (tcp.src_port == 6970) {
      auto fed = responses.feed(tcp.payload);
      if (!fed.need_more()) responses.reset();
      return fed.complete();
    }
  }
  return 0;
}

void BM_LibpcapRead(benchmark::State& state) {
  std::size_t packets = 0;
  for (auto _ : state) {
    auto handle = open_capture();
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    while (pcap_next_ex(handle.get(), &header, &data) == 1) {
      benchmark::DoNotOptimize(data);
      ++packets;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(packets));
}
BENCHMARK(BM_LibpcapRead);

void BM_ReadAndDecode(benchmark::State& state) {
  std::size_t packets = 0;
  std::size_t decoded = 0;
  for (auto _ : state) {
    auto handle = open_capture();
    wire::LinkType link = static_cast<wire::LinkType>(pcap_datalink(handle.get()));
    wire::http::ResponseParser responses;
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    while (pcap_next_ex(handle.get(), &header, &data) == 1) {
      auto packet = wire::decode_packet(link, wire::Bytes(data, header->caplen), header->len);
      if (packet) decoded += decode(*packet, responses);
      ++packets;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(packets));
  state.counters["app_messages_per_pass"] =
      static_cast<double>(decoded) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ReadAndDecode);

// Keeps each benchmark's packets/s so the ratio can be printed after the run.
class RateReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      auto it = run.counters.find("items_per_second");
      if (it != run.counters.end()) rates[run.benchmark_name()] = it->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> rates;
};

}  // namespace

int main(int argc, char** argv) {
  testing::TempDir dir;
  g_pcap = dir.file("phone_boot.pcap");
  auto boot = testing::synthesize_phone_boot();
  g_frames = boot.records.size();
  testing::write_pcap(g_pcap, boot);

  benchmark::Initialize(&argc, argv);
  RateReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  double read = reporter.rates["BM_LibpcapRead"];
  double full = reporter.rates["BM_ReadAndDecode"];
  std::printf("\ncapture: synthesized phone boot, %zu frames\n", g_frames);
  if (read > 0 && full > 0) {
    std::printf("bench=decode libpcap_read_pps=%.0f read_and_decode_pps=%.0f ratio=%.2f\n", read,
                full, full / read);
  }
  return 0;
}
