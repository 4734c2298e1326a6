// phone.json (lab/sim/README.md, "phonerig-sim-phone"): the knobs of one emulated phone and
// where its program works (port interface, TAP, flash folder, events file). Read with
// nlohmann-json; an unknown key, a wrong type or a bad value is refused with its key named.
#pragma once

#include <filesystem>
#include <string>

#include "drivers/api/result.hpp"
#include "lab/sim/phone/phone.hpp"

namespace phonerig::sim::phoned {

struct PhoneFile {
  std::string id;                        // "cp8851-1": log prefix
  phone::Config phone;                   // the core's knobs
  std::string port_interface = "eth0";   // the phone's side of its switch port
  std::string tap = "voice0";            // the TAP the phone's kernel stack uses
  std::filesystem::path flash;           // empty: no flash (loads are not kept)
  std::filesystem::path events;          // empty: no events file
};

// Parses the text of a phone.json. Errors are Fault::config: "phone.json: key 'x': why".
api::Result<PhoneFile> parse_phone_file(const std::string& text);
// Reads and parses a file (Fault::config naming the path when it cannot be read).
api::Result<PhoneFile> load_phone_file(const std::filesystem::path& path);

// "CP-8851" / "CP-7821" (also "8851", "cp8851"...); nullopt for any other.
std::optional<phone::Model> parse_model(std::string_view text);
// "ctl", "itl", "firmware", "dial_rules", "softkeys", "localization", "ringlist".
std::optional<phone::Step> parse_step(std::string_view text);

}  // namespace phonerig::sim::phoned
