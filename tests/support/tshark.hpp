// tshark as the reference decoder: the cross-check that what our encoders build is what
// Wireshark's dissectors read, with no malformed packet and no expert warning or error.
#pragma once

#include <string>
#include <vector>

#include "drivers/wire/bytes.hpp"
#include "drivers/wire/link.hpp"

namespace phonerig::testing {

bool tshark_available();

// One row per frame; row[j] is the value of fields[j], several occurrences joined with
// '|' (tshark -E occurrence=a -E aggregator='|'). `extra` is passed to tshark as is,
// e.g. {"-d", "udp.port==6969,tftp"}. Throws if tshark fails.
std::vector<std::vector<std::string>> tshark_fields(const std::vector<wire::ByteVector>& frames,
                                                    const std::vector<std::string>& fields,
                                                    const std::vector<std::string>& extra = {},
                                                    wire::LinkType link = wire::LinkType::ethernet);

// Every malformed-packet flag and every expert item of severity warning or error, as
// "frame N: <severity>: <message>". Empty means tshark found nothing wrong.
std::vector<std::string> tshark_problems(const std::vector<wire::ByteVector>& frames,
                                         const std::vector<std::string>& extra = {},
                                         wire::LinkType link = wire::LinkType::ethernet);

// The full `tshark -V` text of the frames, to print when an assertion fails.
std::string tshark_verbose(const std::vector<wire::ByteVector>& frames,
                           const std::vector<std::string>& extra = {},
                           wire::LinkType link = wire::LinkType::ethernet);

}  // namespace phonerig::testing
