// How every generated XML file is serialised: an XML declaration with UTF-8, two-space
// indentation, pugixml's escaping of text and attributes.
#pragma once

#include <pugixml.hpp>

#include "drivers/services/config/phone_config.hpp"

namespace phonerig::services::config::detail {

// Adds <?xml version="1.0" encoding="UTF-8"?> in front of the root and returns the bytes.
FileBytes to_bytes(pugi::xml_document& doc);

// The load a phone is told to run: its own, else its model's from Config::loads; empty
// when neither is known.
std::string load_for(const Config& config, const Phone& phone);

}  // namespace phonerig::services::config::detail
