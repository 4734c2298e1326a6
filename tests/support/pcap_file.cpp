#include "tests/support/pcap_file.hpp"

#include <pcap/pcap.h>
#include <sys/time.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace phonerig::testing {

std::string vector_path(const std::string& name) {
  return std::string(PHONERIG_TEST_VECTORS_DIR) + "/" + name;
}

namespace {
struct PcapCloser {
  void operator()(pcap_t* p) const { pcap_close(p); }
};
struct DumperCloser {
  void operator()(pcap_dumper_t* d) const { pcap_dump_close(d); }
};
using PcapHandle = std::unique_ptr<pcap_t, PcapCloser>;
}  // namespace

PcapContents read_pcap(const std::string& path) {
  char err[PCAP_ERRBUF_SIZE] = {};
  PcapHandle handle(
      pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err));
  if (!handle) throw std::runtime_error("read_pcap " + path + ": " + err);
  PcapContents out;
  // pcap_datalink gives DLT_ values; they equal the LINKTYPE_ values of the file except
  // DLT_RAW (12 on Linux, 14 on some BSDs), which is LINKTYPE_RAW (101) in the file.
  int dlt = pcap_datalink(handle.get());
  out.link_type = dlt == DLT_RAW ? wire::LinkType::raw : static_cast<wire::LinkType>(dlt);
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  int rc = 0;
  while ((rc = pcap_next_ex(handle.get(), &header, &data)) == 1) {
    PcapRecord record;
    record.time_ns = static_cast<std::int64_t>(header->ts.tv_sec) * 1'000'000'000 +
                     static_cast<std::int64_t>(header->ts.tv_usec);
    record.wire_length = header->len;
    record.bytes.assign(data, data + header->caplen);
    out.records.push_back(std::move(record));
  }
  if (rc == PCAP_ERROR) {
    throw std::runtime_error("read_pcap " + path + ": " + pcap_geterr(handle.get()));
  }
  return out;
}

void write_pcap(const std::string& path, const std::vector<wire::ByteVector>& frames,
                wire::LinkType link_type) {
  PcapHandle dead(pcap_open_dead(static_cast<int>(link_type), 262144));
  if (!dead) throw std::runtime_error("write_pcap: pcap_open_dead failed");
  std::unique_ptr<pcap_dumper_t, DumperCloser> dumper(pcap_dump_open(dead.get(), path.c_str()));
  if (!dumper) throw std::runtime_error("write_pcap " + path + ": " + pcap_geterr(dead.get()));
  long usec = 0;
  for (const auto& frame : frames) {
    pcap_pkthdr header{};
    header.ts.tv_sec = 1'700'000'000 + usec / 1'000'000;
    header.ts.tv_usec = usec % 1'000'000;
    header.caplen = static_cast<bpf_u_int32>(frame.size());
    header.len = header.caplen;
    pcap_dump(reinterpret_cast<u_char*>(dumper.get()), &header, frame.data());
    usec += 1000;
  }
}

void write_pcap(const std::string& path, const PcapContents& contents) {
  PcapHandle dead(pcap_open_dead_with_tstamp_precision(static_cast<int>(contents.link_type),
                                                       262144, PCAP_TSTAMP_PRECISION_NANO));
  if (!dead) throw std::runtime_error("write_pcap: pcap_open_dead failed");
  std::unique_ptr<pcap_dumper_t, DumperCloser> dumper(pcap_dump_open(dead.get(), path.c_str()));
  if (!dumper) throw std::runtime_error("write_pcap " + path + ": " + pcap_geterr(dead.get()));
  for (const auto& record : contents.records) {
    pcap_pkthdr header{};
    header.ts.tv_sec = static_cast<time_t>(record.time_ns / 1'000'000'000);
    // With nanosecond precision libpcap stores nanoseconds in tv_usec.
    header.ts.tv_usec = static_cast<suseconds_t>(record.time_ns % 1'000'000'000);
    header.caplen = static_cast<bpf_u_int32>(record.bytes.size());
    header.len = static_cast<bpf_u_int32>(
        record.wire_length > record.bytes.size() ? record.wire_length : record.bytes.size());
    pcap_dump(reinterpret_cast<u_char*>(dumper.get()), &header, record.bytes.data());
  }
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/phonerig-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace phonerig::testing
