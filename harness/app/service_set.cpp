#include "harness/app/service_set.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "drivers/services/config/phone_config.hpp"
#include "drivers/services/dhcp/server.hpp"
#include "drivers/services/discovery/server.hpp"
#include "drivers/services/files/file_store.hpp"
#include "drivers/services/http/server.hpp"
#include "drivers/services/sip/server.hpp"
#include "drivers/services/tftp/server.hpp"
#include "harness/app/lab_services.hpp"
#include "lab/sim/phone/load_manifest.hpp"

namespace phonerig::app {

namespace {

// The simulated lab's firmware (lab/sim/phone/README.md, "The simulated .loads manifest"):
// for a load id, its manifest and two parts whose bytes follow from the id, so every run
// serves the same files and the emulated phone can check their sizes and SHA-256.
std::vector<std::pair<std::string, std::vector<std::uint8_t>>> simulated_load_files(
    const std::string& load) {
  std::vector<std::pair<std::string, std::vector<std::uint8_t>>> files;
  sim::phone::LoadManifest manifest;
  manifest.load = load;
  const std::pair<const char*, std::size_t> parts[] = {{"kern", 4096}, {"rootfs", 65536}};
  std::uint32_t state = 2166136261u;  // FNV-1a of the id seeds the bytes
  for (const char c : load) state = (state ^ static_cast<std::uint8_t>(c)) * 16777619u;
  for (const auto& [kind, size] : parts) {
    std::vector<std::uint8_t> bytes(size);
    for (auto& byte : bytes) {
      state = state * 1664525u + 1013904223u;
      byte = static_cast<std::uint8_t>(state >> 24);
    }
    const std::string name = std::string(kind) + "-" + load + ".sbn";
    manifest.parts.push_back({name, size, sim::phone::sha256_hex(bytes)});
    files.emplace_back(name, std::move(bytes));
  }
  const std::string text = sim::phone::build_manifest(manifest);
  files.emplace_back(load + ".loads", std::vector<std::uint8_t>(text.begin(), text.end()));
  return files;
}

}  // namespace

struct ServiceSet::Impl {
  boost::asio::any_io_executor executor;
  scenario::Lab lab;
  ServicesPlan plan;
  api::EventSink* events = nullptr;
  std::size_t generated = 0;
  std::shared_ptr<services::files::FileStore> store;
  std::unique_ptr<services::dhcp::Server> dhcp;
  std::unique_ptr<services::tftp::Server> tftp;
  std::unique_ptr<services::http::Server> http;
  std::unique_ptr<services::sip::Server> sip;
  std::unique_ptr<services::discovery::Server> cdp;

  bool served(const std::string& name) const {
    if (name == "dhcp") return plan.dhcp_at.has_value();
    if (name == "tftp") return plan.tftp_at.has_value();
    if (name == "http") return plan.http_at.has_value();
    if (name == "sip") return plan.sip_at.has_value();
    if (name == "cdp") return plan.cdp_at.has_value();
    return false;
  }

  template <typename Server, typename Started>
  static api::Result<bool> keep(std::unique_ptr<Server>& slot, Started started) {
    if (!started) return wire::unexpected(started.error());
    slot = std::move(*started);
    return true;
  }

  api::Result<bool> start(const std::string& name) {
    if (name == "dhcp") {
      if (dhcp) return true;
      return keep(dhcp, services::dhcp::Server::start(executor, plan.dhcp, *events));
    }
    if (name == "tftp") {
      if (tftp) return true;
      services::tftp::Config config;
      config.address = plan.tftp_at->address;
      config.port = lab.services.tftp.port;
      config.interface = plan.tftp_at->device;
      config.store = store;
      return keep(tftp, services::tftp::Server::start(executor, config, *events));
    }
    if (name == "http") {
      if (http) return true;
      services::http::Config config;
      config.address = plan.http_at->address;
      config.port = lab.services.http.port;
      config.interface = plan.http_at->device;
      config.store = store;
      config.missing_status = plan.http_missing_status;
      return keep(http, services::http::Server::start(executor, config, *events));
    }
    if (name == "sip") {
      if (sip) return true;
      return keep(sip, services::sip::Server::start(executor, plan.sip, *events));
    }
    if (cdp) return true;
    return keep(cdp, services::discovery::Server::start(executor, plan.cdp, *events));
  }

  template <typename Server>
  static void end(std::unique_ptr<Server>& slot) {
    if (!slot) return;
    slot->stop();
    slot.reset();
  }

  void stop(const std::string& name) {
    if (name == "dhcp") end(dhcp);
    if (name == "tftp") end(tftp);
    if (name == "http") end(http);
    if (name == "sip") end(sip);
    if (name == "cdp") end(cdp);
  }

  bool running(const std::string& name) const {
    if (name == "dhcp") return dhcp != nullptr;
    if (name == "tftp") return tftp != nullptr;
    if (name == "http") return http != nullptr;
    if (name == "sip") return sip != nullptr;
    if (name == "cdp") return cdp != nullptr;
    return false;
  }
};

ServiceSet::ServiceSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ServiceSet::~ServiceSet() { stop_all(); }

const std::vector<std::string>& ServiceSet::names() {
  static const std::vector<std::string> all{"dhcp", "tftp", "http", "sip", "cdp"};
  return all;
}

api::Result<std::unique_ptr<ServiceSet>> ServiceSet::start(boost::asio::any_io_executor executor,
                                                           const scenario::Lab& lab,
                                                           const std::filesystem::path& state_dir,
                                                           api::EventSink& events) {
  auto impl = std::make_unique<Impl>();
  impl->executor = executor;
  impl->lab = lab;
  impl->events = &events;
  auto plan = plan_services(lab, state_dir);
  if (!plan) return wire::unexpected(plan.error());
  impl->plan = std::move(*plan);
  auto generated = services::config::generate(impl->plan.files);
  if (!generated) return wire::unexpected(generated.error());
  impl->generated = generated->size();
  // Every generated file, for the record (and for the engine's evidence).
  for (const auto& [name, bytes] : *generated) {
    api::Event event = api::make_event(api::EventSource::service, "file.generated");
    event.attrs["file"] = name;
    event.attrs["bytes"] = static_cast<std::int64_t>(bytes.size());
    if (auto mac = services::files::phone_of(name)) event.phone = *mac;
    events.emit(std::move(event));
  }
  if (impl->plan.dhcp_at) {
    std::error_code ignored;
    std::filesystem::create_directories(impl->plan.dhcp.lease_file.parent_path(), ignored);
  }
  if (impl->plan.tftp_at || impl->plan.http_at) {
    auto opened = services::files::FileStore::open(impl->plan.tftp_root.value_or(""));
    if (!opened) return wire::unexpected(opened.error());
    impl->store = *opened;
    for (auto& [name, bytes] : *generated) {
      impl->store->set(name, services::files::make_content(std::move(bytes)));
    }
    // A simulated lab also serves the loads its configs name, as a real TFTP server holds
    // the firmware files; the emulated phones upgrade from them.
    if (lab.simulated()) {
      for (const auto& [model, load] : lab.services.loads) {
        for (auto& [name, bytes] : simulated_load_files(load)) {
          api::Event event = api::make_event(api::EventSource::service, "file.generated");
          event.attrs["file"] = name;
          event.attrs["bytes"] = static_cast<std::int64_t>(bytes.size());
          events.emit(std::move(event));
          impl->store->set(name, services::files::make_content(std::move(bytes)));
        }
      }
    }
  }
  std::unique_ptr<ServiceSet> set(new ServiceSet(std::move(impl)));
  for (const auto& name : names()) {
    if (!set->impl_->served(name)) continue;
    auto started = set->impl_->start(name);
    if (!started) return wire::unexpected(started.error());
  }
  return set;
}

std::vector<std::string> ServiceSet::where() const {
  std::vector<std::string> lines;
  auto add = [&lines](const auto& server) {
    if (!server) return;
    for (auto& line : server->where()) lines.push_back(std::move(line));
  };
  add(impl_->dhcp);
  add(impl_->tftp);
  add(impl_->http);
  add(impl_->sip);
  add(impl_->cdp);
  return lines;
}

std::size_t ServiceSet::generated_files() const { return impl_->generated; }

api::Result<bool> ServiceSet::stop(const std::string& name) {
  if (!impl_->served(name)) {
    return api::fail(api::Fault::config, "service " + name + " is not served by this lab");
  }
  impl_->stop(name);
  return true;
}

api::Result<bool> ServiceSet::start(const std::string& name) {
  if (!impl_->served(name)) {
    return api::fail(api::Fault::config, "service " + name + " is not served by this lab");
  }
  return impl_->start(name);
}

bool ServiceSet::running(const std::string& name) const { return impl_->running(name); }

void ServiceSet::stop_all() {
  if (!impl_) return;
  for (const auto& name : names()) impl_->stop(name);
}

api::Result<bool> enter_netns(const std::string& name) {
  const std::string path = "/run/netns/" + name;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return api::fail(api::Fault::rig, "cannot open network namespace " + path + ": " +
                                          std::strerror(errno));
  }
  const int entered = ::setns(fd, CLONE_NEWNET);
  const int saved = errno;
  ::close(fd);
  if (entered != 0) {
    return api::fail(api::Fault::rig,
                     "cannot enter network namespace " + name + ": " + std::strerror(saved));
  }
  return true;
}

}  // namespace phonerig::app
