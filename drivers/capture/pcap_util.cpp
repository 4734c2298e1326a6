#include "drivers/capture/pcap_handle.hpp"

#include "drivers/capture/pcap_util.hpp"

namespace phonerig::capture {

void PcapCloser::operator()(pcap* handle) const { pcap_close(handle); }
void PcapDumperCloser::operator()(pcap_dumper* dumper) const { pcap_dump_close(dumper); }

namespace detail {

void add_to_batch(u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
  auto* target = reinterpret_cast<DispatchTarget*>(user);
  target->batch->add(stamp_ns(header->ts, target->nano), header->len,
                     wire::Bytes(bytes, header->caplen));
}

wire::LinkType link_type_from_dlt(int dlt) {
  if (dlt == DLT_RAW) return wire::LinkType::raw;
  return static_cast<wire::LinkType>(dlt);
}

int dlt_from_link_type(wire::LinkType link_type) {
  if (link_type == wire::LinkType::raw) return DLT_RAW;
  return static_cast<int>(link_type);
}

namespace {
// pcap_freecode is the only way to release a compiled program.
class BpfProgram {
 public:
  BpfProgram() = default;
  ~BpfProgram() {
    if (compiled_) pcap_freecode(&program_);
  }
  BpfProgram(const BpfProgram&) = delete;
  BpfProgram& operator=(const BpfProgram&) = delete;

  bool compile(pcap_t* handle, const std::string& filter) {
    compiled_ = pcap_compile(handle, &program_, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0;
    return compiled_;
  }
  bpf_program* get() { return &program_; }

 private:
  bpf_program program_{};
  bool compiled_ = false;
};
}  // namespace

api::Result<bool> install_filter(pcap_t* handle, const std::string& filter,
                                 std::string_view where, api::Fault fault) {
  if (filter.empty()) return true;
  BpfProgram program;
  if (!program.compile(handle, filter)) {
    return api::fail(api::Fault::config, std::string(where) + ": BPF filter \"" + filter +
                                             "\" does not compile: " + pcap_geterr(handle));
  }
  if (pcap_setfilter(handle, program.get()) != 0) {
    return api::fail(fault, std::string(where) + ": cannot install BPF filter \"" + filter +
                                "\": " + pcap_geterr(handle));
  }
  return true;
}

}  // namespace detail
}  // namespace phonerig::capture
