// Helpers shared by the engine's tests: decode a whole capture, pick events by kind.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "drivers/api/event.hpp"
#include "harness/engine/decoder.hpp"
#include "tests/support/pcap_file.hpp"

namespace phonerig::engine::test {

struct DecodedCapture {
  std::vector<api::Event> events;
  DecoderStats stats;
  std::set<wire::Mac> phones;
  std::map<wire::Mac, std::int64_t> first_frames;

  std::vector<api::Event> of(std::string_view kind) const {
    std::vector<api::Event> out;
    for (const auto& e : events) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }
  std::size_t count(std::string_view kind) const { return of(kind).size(); }
};

inline DecodedCapture decode_all(const testing::PcapContents& capture,
                                 DecoderOptions options = {}) {
  Decoder decoder(std::move(options));
  DecodedCapture out;
  for (const auto& record : capture.records) {
    decoder.decode(capture.link_type, record.time_ns, record.bytes,
                   static_cast<std::uint32_t>(record.wire_length), out.events);
  }
  out.stats = decoder.stats();
  out.phones = decoder.phones();
  out.first_frames = decoder.first_frames();
  return out;
}

inline void expect_all_valid(const std::vector<api::Event>& events) {
  for (const auto& e : events) {
    auto valid = api::validate(e);
    EXPECT_TRUE(valid.has_value()) << api::to_string(e) << ": "
                                   << (valid ? "" : valid.error().message);
    EXPECT_EQ(e.source, api::EventSource::capture);
  }
}

inline wire::Mac mac(const char* text) { return *wire::Mac::parse(text); }
inline wire::Ipv4 ip(const char* text) { return *wire::Ipv4::parse(text); }

}  // namespace phonerig::engine::test
