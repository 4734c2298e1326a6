#include "harness/report/phone_pcap.hpp"

#include <algorithm>

#include "harness/report/report_files.hpp"

namespace phonerig::report {
namespace {

// The pcap format is written in the writer's byte order; readers detect it from the magic.
// We write little endian explicitly so the file does not depend on the host.
void put_u32(wire::ByteVector& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}
void put_u16(wire::ByteVector& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value));
  out.push_back(static_cast<std::uint8_t>(value >> 8));
}

constexpr std::uint32_t kMagicNanoseconds = 0xa1b23c4d;

}  // namespace

wire::ByteVector pcap_file_bytes(wire::LinkType link_type, std::span<const PcapRecord> records,
                                 std::uint32_t snaplen) {
  wire::ByteVector out;
  std::size_t total = 24;
  for (const auto& record : records) total += 16 + std::min<std::size_t>(record.bytes.size(), snaplen);
  out.reserve(total);
  put_u32(out, kMagicNanoseconds);
  put_u16(out, 2);  // version 2.4
  put_u16(out, 4);
  put_u32(out, 0);  // thiszone
  put_u32(out, 0);  // sigfigs
  put_u32(out, snaplen);
  put_u32(out, static_cast<std::uint32_t>(link_type));
  for (const auto& record : records) {
    const std::int64_t time_ns = std::max<std::int64_t>(record.time_ns, 0);
    const auto kept = static_cast<std::uint32_t>(std::min<std::size_t>(record.bytes.size(), snaplen));
    put_u32(out, static_cast<std::uint32_t>(time_ns / 1'000'000'000));
    put_u32(out, static_cast<std::uint32_t>(time_ns % 1'000'000'000));
    put_u32(out, kept);
    put_u32(out, std::max<std::uint32_t>(record.wire_length,
                                         static_cast<std::uint32_t>(record.bytes.size())));
    out.insert(out.end(), record.bytes.begin(), record.bytes.begin() + kept);
  }
  return out;
}

bool valid_pcap_stem(std::string_view phone) {
  if (phone.empty() || phone.size() > 128 || phone.front() == '.') return false;
  return std::all_of(phone.begin(), phone.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
  });
}

api::Result<std::vector<WrittenPcap>> write_phone_pcaps(const std::filesystem::path& folder,
                                                        std::vector<PhoneCapture> captures,
                                                        const PcapWriteOptions& options) {
  for (const auto& capture : captures) {
    if (!valid_pcap_stem(capture.phone)) {
      return api::fail(api::Fault::config, "per-phone pcap: \"" + capture.phone +
                                               "\" is not usable as a file name");
    }
  }
  const std::filesystem::path directory = folder / "pcap";
  auto made = make_report_folder(directory);
  if (!made) return wire::unexpected(std::move(made).error());
  std::vector<WrittenPcap> written;
  for (auto& capture : captures) {
    WrittenPcap out;
    out.phone = capture.phone;
    out.path = directory / (capture.phone + ".pcap");
    out.frames = capture.records.size();
    if (options.redact) {
      out.redacted = redact_passwords(capture.link_type, capture.records, options.redaction);
    }
    const wire::ByteVector bytes = pcap_file_bytes(capture.link_type, capture.records);
    auto done = write_private_file(out.path, wire::as_string_view(bytes));
    if (!done) return wire::unexpected(std::move(done).error());
    written.push_back(std::move(out));
  }
  return written;
}

}  // namespace phonerig::report
