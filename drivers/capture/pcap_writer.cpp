#include "drivers/capture/pcap_writer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "drivers/capture/pcap_util.hpp"

namespace phonerig::capture {

api::Result<PcapWriter> PcapWriter::create(const std::string& path, wire::LinkType link_type,
                                           std::uint32_t snaplen) {
  PcapHandle dead(pcap_open_dead_with_tstamp_precision(detail::dlt_from_link_type(link_type),
                                                       static_cast<int>(snaplen),
                                                       PCAP_TSTAMP_PRECISION_NANO));
  if (!dead) {
    return api::fail(api::Fault::internal,
                     "pcap file " + path + ": pcap_open_dead refused link type " +
                         std::to_string(static_cast<std::uint32_t>(link_type)));
  }
  PcapDumperHandle dumper(pcap_dump_open(dead.get(), path.c_str()));
  if (!dumper) {
    return api::fail(api::Fault::rig,
                     "pcap file " + path + ": cannot create: " + pcap_geterr(dead.get()));
  }
  return PcapWriter(path, std::move(dead), std::move(dumper), snaplen);
}

PcapWriter::PcapWriter(std::string path, PcapHandle dead, PcapDumperHandle dumper,
                       std::uint32_t snaplen)
    : path_(std::move(path)), dead_(std::move(dead)), dumper_(std::move(dumper)),
      snaplen_(snaplen) {}

PcapWriter::~PcapWriter() = default;

void PcapWriter::write(const api::Frame& frame) {
  if (!dumper_) return;
  pcap_pkthdr header{};
  // The handle was opened with nanosecond precision: tv_usec carries nanoseconds.
  header.ts.tv_sec = static_cast<time_t>(frame.time_ns / 1'000'000'000);
  header.ts.tv_usec = static_cast<suseconds_t>(frame.time_ns % 1'000'000'000);
  const auto kept = std::min<std::size_t>(frame.bytes.size(), snaplen_);
  header.caplen = static_cast<bpf_u_int32>(kept);
  header.len = std::max<bpf_u_int32>(frame.wire_length, header.caplen);
  pcap_dump(reinterpret_cast<u_char*>(dumper_.get()), &header, frame.bytes.data());
  ++frames_;
}

api::Result<bool> PcapWriter::flush() {
  if (!dumper_) return true;
  if (pcap_dump_flush(dumper_.get()) != 0) {
    return api::fail(api::Fault::rig,
                     "pcap file " + path_ + ": cannot write: " + std::strerror(errno));
  }
  return true;
}

api::Result<bool> PcapWriter::close() {
  if (!dumper_) return true;
  auto flushed = flush();
  FILE* file = pcap_dump_file(dumper_.get());
  const bool failed = file != nullptr && std::ferror(file) != 0;
  dumper_.reset();
  dead_.reset();
  if (!flushed) return flushed;
  if (failed) return api::fail(api::Fault::rig, "pcap file " + path_ + ": write error");
  return true;
}

PhonePcapWriter::PhonePcapWriter(std::string directory, wire::LinkType link_type,
                                 std::uint32_t snaplen)
    : directory_(std::move(directory)), link_type_(link_type), snaplen_(snaplen) {}

namespace {
bool valid_stem(std::string_view phone) {
  if (phone.empty() || phone.size() > 128 || phone.front() == '.') return false;
  return std::all_of(phone.begin(), phone.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
  });
}
}  // namespace

std::string PhonePcapWriter::path_for(std::string_view phone) const {
  return directory_ + "/" + std::string(phone) + ".pcap";
}

api::Result<bool> PhonePcapWriter::write(std::string_view phone, const api::Frame& frame) {
  auto found = writers_.find(phone);
  if (found == writers_.end()) {
    if (!valid_stem(phone)) {
      return api::fail(api::Fault::config, "per-phone pcap: \"" + std::string(phone) +
                                               "\" is not usable as a file name");
    }
    auto created = PcapWriter::create(path_for(phone), link_type_, snaplen_);
    if (!created) return wire::unexpected(std::move(created).error());
    found = writers_.emplace(std::string(phone), std::move(created).value()).first;
  }
  found->second.write(frame);
  return true;
}

api::Result<bool> PhonePcapWriter::flush() {
  for (auto& [phone, writer] : writers_) {
    auto flushed = writer.flush();
    if (!flushed) return flushed;
  }
  return true;
}

api::Result<bool> PhonePcapWriter::close() {
  api::Result<bool> first = true;
  for (auto& [phone, writer] : writers_) {
    auto closed = writer.close();
    if (!closed && first) first = std::move(closed);
  }
  return first;
}

std::uint64_t PhonePcapWriter::frames_written(std::string_view phone) const {
  auto found = writers_.find(phone);
  return found == writers_.end() ? 0 : found->second.frames_written();
}

std::vector<std::string> PhonePcapWriter::phones() const {
  std::vector<std::string> out;
  for (const auto& [phone, writer] : writers_) out.push_back(phone);
  return out;
}

}  // namespace phonerig::capture
