// Files a phone fetched, from its http.get/http.status and tftp.rrq/tftp.done/tftp.error
// events. A file counts as fetched over either transport: a phone tries HTTP on 6970 first
// and falls back to TFTP within milliseconds (DESIGN.md, the registration sequence; the
// CP-7821 log of the reference), and that pair is one fetch, as is a retried request.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/api/event.hpp"
#include "drivers/wire/address.hpp"

namespace phonerig::engine {

// Which step of the registration sequence a file name belongs to.
enum class FileRole {
  ctl,            // CTLSEP<MAC>.tlv (CTLFile.tlv)
  itl,            // ITLSEP<MAC>.tlv, ITLFile.tlv
  device_config,  // SEP<MAC>.cnf.xml
  default_config, // XMLDefault.cnf.xml: an unprovisioned phone's device config
  firmware,       // <load>.loads and the .sbn/.zz/.bin parts it lists
  dial_rules,     // the dial template named in the config (dialplan.xml...)
  softkeys,       // SK<uuid>.xml, softkeys.xml
  ringtones,      // Ringlist-wb.xml, Ringlist.xml, .rwb/.raw
  localization,   // locale jars and folders, g3-tones.xml
  other,
};
std::string_view to_string(FileRole role);

// `name` as requested (a leading '/' and a signed ".sgn" suffix are ignored, case too);
// `phone` decides whether a SEP<MAC> name is this phone's.
FileRole classify_file(std::string_view name, const wire::Mac& phone);

struct FileAttempt {
  std::string transport;  // "http" or "tftp"
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  bool answered = false;
  bool ok = false;
  std::int64_t bytes = 0;
  std::string result;  // "200 (7879 B)", "503", "error 1 File not found", "no answer"
  std::vector<api::Event> events;
};

struct FileFetch {
  std::string name;  // as first requested, without a leading '/'
  FileRole role = FileRole::other;
  std::int64_t first_ns = 0;
  std::int64_t last_ns = 0;
  bool ok = false;  // delivered over one of the transports
  std::vector<FileAttempt> attempts;

  // "HTTP 503, then TFTP error 1 File not found"
  std::string outcome() const;
  std::vector<api::Event> events() const;
};

// The phone's fetches in the order they began. `events` are that phone's, in time order;
// attempts of the same file (any case, .sgn or not) starting within `window_ns` of the
// previous attempt's end are one fetch.
std::vector<FileFetch> collect_fetches(std::span<const api::Event> events, const wire::Mac& phone,
                                       std::int64_t window_ns);

}  // namespace phonerig::engine
