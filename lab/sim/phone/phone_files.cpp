// The file half of the emulated phone: each file over HTTP 6970, then TFTP (reference 6);
// configuration, firmware (manifest, parts, flash, reboot), the order-tolerant files.
#include <utility>

#include "lab/sim/phone/phone.hpp"

namespace phonerig::sim::phone {
namespace {

constexpr Millis kConfigRetryMs = 30000;  // no config file at all: try again
// A file the network lost (a timeout or a transfer error, not a "file not found") is asked
// for again, HTTP then TFTP, this many times in all, before the phone moves on as if it
// were missing: a phone does not fall back to XMLDefault because one TFTP exchange was lost.
constexpr int kFetchAttempts = 3;

}  // namespace

void Phone::start_fetch(Millis /*now*/, FetchPurpose purpose, std::string file,
                        std::vector<Action>& out) {
  if (purpose_ != purpose || fetching_ != file) fetch_attempt_ = 1;
  purpose_ = purpose;
  fetching_ = std::move(file);
  fetch_transport_ = config_.http ? Transport::http : Transport::tftp;
  Action a{Action::Kind::fetch};
  a.file = fetching_;
  a.transport = fetch_transport_;
  a.server = tftp_server_;
  a.port = config_.http ? 6970 : 69;
  out.push_back(std::move(a));
}

std::vector<Action> Phone::on_fetch(Millis now, const FetchResult& result) {
  std::vector<Action> out;
  if (state_ == State::off || fetching_.empty() || result.file != fetching_ ||
      result.transport != fetch_transport_) {
    return out;
  }
  if (result.outcome == FetchOutcome::ok) {
    fetching_.clear();
    fetch_done(now, true, result.bytes, out);
  } else if (fetch_transport_ == Transport::http) {  // reference 6: HTTP fails -> TFTP at once
    fetch_transport_ = Transport::tftp;
    Action a{Action::Kind::fetch};
    a.file = fetching_;
    a.transport = Transport::tftp;
    a.server = tftp_server_;
    a.port = 69;
    out.push_back(std::move(a));
  } else if (result.outcome != FetchOutcome::not_found && fetch_attempt_ < kFetchAttempts) {
    ++fetch_attempt_;
    out.push_back({Action::Kind::status});
    out.back().text = fetching_ + ": " + (result.outcome == FetchOutcome::timeout ? "timed out" : "failed") +
                      ", asking again (attempt " + std::to_string(fetch_attempt_) + " of " +
                      std::to_string(kFetchAttempts) + ")";
    std::string file = fetching_;
    start_fetch(now, purpose_, std::move(file), out);
  } else {
    fetching_.clear();
    fetch_done(now, false, {}, out);
  }
  return out;
}

void Phone::fetch_queued(Millis now, std::vector<Action>& out) {
  if (!queue_.empty()) {
    auto [purpose, file] = queue_.front();
    queue_.erase(queue_.begin());
    start_fetch(now, purpose, std::move(file), out);
    return;
  }
  if (!after_register_phase_) {
    member_ = 0;
    connect_member(now, out);
  } else {
    out.push_back({Action::Kind::status});
    out.back().text = "boot complete";
  }
}

void Phone::fetch_done(Millis now, bool ok, const wire::ByteVector& bytes, std::vector<Action>& out) {
  const std::string mac = config_.mac.to_cisco();
  auto status = [&](std::string text) {
    out.push_back({Action::Kind::status});
    out.back().text = std::move(text);
  };
  switch (purpose_) {
    case FetchPurpose::ctl:
    case FetchPurpose::itl:
      if (!queue_.empty()) {
        fetch_queued(now, out);
      } else {
        start_fetch(now, FetchPurpose::device_config, "SEP" + mac + ".cnf.xml", out);
      }
      return;
    case FetchPurpose::device_config:
    case FetchPurpose::default_config: {
      if (ok) {
        auto parsed = parse_device_config(wire::as_string_view(bytes), info_.model_enum);
        if (parsed.config) {
          device_ = std::move(parsed.config);
          after_config(now, out);
          return;
        }
        status("config " + std::string(purpose_ == FetchPurpose::device_config
                                           ? "SEP" + mac + ".cnf.xml" : "XMLDefault.cnf.xml") +
               ": " + parsed.error);
      }
      if (purpose_ == FetchPurpose::device_config) {
        start_fetch(now, FetchPurpose::default_config, "XMLDefault.cnf.xml", out);
      } else {
        status("no usable configuration file");
        config_retry_ = true;
        deadline_ = now + scaled(kConfigRetryMs);
      }
      return;
    }
    case FetchPurpose::manifest: {
      if (!ok) {
        status("load " + device_->load_information + ": no manifest, keeping " + config_.running_load);
        before_register_files(now, out);
        return;
      }
      auto parsed = parse_manifest(wire::as_string_view(bytes));
      if (!parsed.manifest || parsed.manifest->load != device_->load_information) {
        status("load " + device_->load_information + ": bad manifest (" +
               (parsed.manifest ? "names load " + parsed.manifest->load : parsed.error) +
               "), keeping " + config_.running_load);
        before_register_files(now, out);
        return;
      }
      manifest_ = std::move(parsed.manifest);
      manifest_bytes_ = bytes;
      part_index_ = 0;
      parts_.clear();
      next_part(now, out);
      return;
    }
    case FetchPurpose::load_part: {
      if (config_.crash_during_firmware) {
        Action crash{Action::Kind::crash};
        crash.text = "during the download of " + manifest_->parts[part_index_].name;
        out.push_back(std::move(crash));
        power_off();
        return;
      }
      const LoadPart& part = manifest_->parts[part_index_];
      std::string why = ok ? check_part(part, bytes) : part.name + ": not fetched";
      if (!why.empty()) {
        status("load " + manifest_->load + " rejected: " + why + "; keeping " + config_.running_load);
        manifest_.reset();
        parts_.clear();
        before_register_files(now, out);
        return;
      }
      parts_.emplace_back(part.name, bytes);
      ++part_index_;
      next_part(now, out);
      return;
    }
    case FetchPurpose::dial_rules:
    case FetchPurpose::softkeys:
    case FetchPurpose::user_locale:
    case FetchPurpose::network_locale:
    case FetchPurpose::ringlist:
      fetch_queued(now, out);  // order-tolerant files: a miss does not stop the phone
      return;
  }
}

void Phone::after_config(Millis now, std::vector<Action>& out) {
  const std::string& load = device_->load_information;
  if (!skipped(Step::firmware) && !load.empty() && load != config_.running_load) {
    start_fetch(now, FetchPurpose::manifest, load + ".loads", out);
    return;
  }
  before_register_files(now, out);
}

void Phone::next_part(Millis now, std::vector<Action>& out) {
  if (part_index_ < manifest_->parts.size()) {
    start_fetch(now, FetchPurpose::load_part, manifest_->parts[part_index_].name, out);
    return;
  }
  Action flash{Action::Kind::write_flash};
  flash.load = manifest_->load;
  flash.files.emplace_back(manifest_->load + ".loads", manifest_bytes_);
  for (auto& part : parts_) flash.files.push_back(std::move(part));
  out.push_back(std::move(flash));
  Action reboot{Action::Kind::reboot};
  reboot.load = manifest_->load;
  out.push_back(std::move(reboot));
  config_.inactive_load = config_.running_load;
  config_.running_load = manifest_->load;
  last_reset_ = "reset-restart";
  boot(now, out);
}

void Phone::before_register_files(Millis now, std::vector<Action>& out) {
  queue_.clear();
  if (!skipped(Step::dial_rules) && !device_->dial_template.empty()) {
    queue_.push_back({FetchPurpose::dial_rules, device_->dial_template});
  }
  if (!skipped(Step::softkeys) && !config_.softkeys_after_register && !device_->softkey_file.empty()) {
    queue_.push_back({FetchPurpose::softkeys, device_->softkey_file});
  }
  fetch_queued(now, out);
}

void Phone::after_register_files(Millis now, std::vector<Action>& out) {
  after_register_phase_ = true;
  after_register_done_ = true;
  queue_.clear();
  if (!skipped(Step::softkeys) && config_.softkeys_after_register && !device_->softkey_file.empty()) {
    queue_.push_back({FetchPurpose::softkeys, device_->softkey_file});
  }
  if (!skipped(Step::localization)) {
    if (!device_->user_locale.empty()) {
      queue_.push_back({FetchPurpose::user_locale, device_->user_locale + "/" + info_.locale_jar});
    }
    if (!device_->network_locale.empty()) {
      queue_.push_back({FetchPurpose::network_locale, device_->network_locale + "/g3-tones.xml"});
    }
  }
  if (!skipped(Step::ringlist)) queue_.push_back({FetchPurpose::ringlist, "Ringlist-wb.xml"});
  fetch_queued(now, out);
}

}  // namespace phonerig::sim::phone
