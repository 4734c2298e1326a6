#include "harness/scenario/lab_file.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "harness/scenario/lab_sections.hpp"
#include "harness/scenario/yaml_reader.hpp"

namespace phonerig::scenario {

namespace {

using detail::Checker;
using detail::Field;

// An empty folder (a bare file name) is the current one, fixed now.
std::filesystem::path absolute_or_same(const std::filesystem::path& path) {
  const std::filesystem::path folder = path.empty() ? std::filesystem::path(".") : path;
  std::error_code ignored;
  auto absolute = std::filesystem::absolute(folder, ignored).lexically_normal();
  return absolute.empty() ? folder : absolute;
}

bool in_subnet(const InterfaceAddress& net, wire::Ipv4 address) {
  const std::uint32_t mask =
      net.prefix_length == 0 ? 0 : ~std::uint32_t{0} << (32 - net.prefix_length);
  return (net.address.value & mask) == (address.value & mask);
}

// What no single section can check alone: services name rig interfaces that serve, DHCP
// has an address for every phone, digest has a password for every line.
void check_across_sections(Checker& checker, const Lab& lab) {
  if (checker.error_count() > 0) return;  // only across sections that are valid themselves
  const ServiceCommon* services[] = {&lab.services.cdp, &lab.services.dhcp, &lab.services.tftp,
                                     &lab.services.http, &lab.services.sip};
  const char* names[] = {"cdp", "dhcp", "tftp", "http", "sip"};
  for (std::size_t i = 0; i < std::size(services); ++i) {
    const ServiceCommon& service = *services[i];
    if (!service.interface || !service.served()) continue;
    const RigInterface* rig_interface = lab.rig.find_interface(*service.interface);
    if (rig_interface == nullptr) {
      checker.error(service.at, std::string("services.") + names[i] + ".interface: no rig "
                                "interface is named '" + *service.interface + "'");
    } else if (!rig_interface->serves()) {
      checker.error(service.at, std::string("services.") + names[i] + ".interface: '" +
                                    *service.interface + "' only captures; a service needs "
                                    "an interface with role service or both");
    }
  }
  const DhcpService& dhcp = lab.services.dhcp;
  if (dhcp.served() && dhcp.declared) {
    const RigInterface* where = nullptr;
    if (dhcp.interface) {
      where = lab.rig.find_interface(*dhcp.interface);
    } else {
      for (const auto& one : lab.rig.interfaces) {
        if (one.serves()) {
          where = &one;
          break;
        }
      }
    }
    for (std::size_t i = 0; i < lab.phones.size(); ++i) {
      const Phone& phone = lab.phones[i];
      if (!phone.address && !dhcp.pool) {
        checker.error(phone.at, "phones[" + std::to_string(i) + "]: '" + phone.id +
                                    "' has no address and services.dhcp has no pool");
      }
      // A relayed lab serves other subnets: only check when the server is on a subnet
      // holding the reservation's gateway, i.e. when no router points elsewhere.
      if (phone.address && where && where->address && dhcp.routers.empty() &&
          !in_subnet(*where->address, *phone.address)) {
        checker.error(phone.at, "phones[" + std::to_string(i) + "].address: " +
                                    phone.address->to_string() + " is outside " +
                                    where->address->to_string() + " of the DHCP interface '" +
                                    where->name + "' and services.dhcp names no router");
      }
      for (std::size_t j = 0; j < i; ++j) {
        if (phone.address && lab.phones[j].address == phone.address) {
          checker.error(phone.at, "phones[" + std::to_string(i) + "].address: " +
                                      phone.address->to_string() + " is already phone '" +
                                      lab.phones[j].id + "'");
        }
      }
    }
  }
  if (lab.services.sip.served() && lab.services.sip.digest) {
    for (const Phone& phone : lab.phones) {
      for (const Line& line : phone.lines) {
        if (!line.password) {
          checker.error(line.at, "phone '" + phone.id + "' line " + line.dn +
                                     ": services.sip.digest is on, so the line needs a "
                                     "password reference");
        }
      }
    }
  }
}

void read_lab(Checker& checker, const YAML::Node& root, Lab& lab) {
  Field document = Field::document(root);
  if (!root.IsMap()) {
    checker.error(document, "a lab file is a mapping of rig, switch, phones, services and sim; "
                            "got " + detail::describe(root));
    return;
  }
  auto map = detail::read_mapping(checker, document,
                                  {"rig", "switch", "phones", "services", "sim"});
  if (!map) return;
  if (map->require(checker, "rig")) lab.rig = detail::read_rig(checker, *map->get("rig"));
  if (auto section = map->get("switch")) lab.switch_config = detail::read_switch(checker, *section);
  if (auto section = map->get("phones")) lab.phones = detail::read_phones(checker, *section);
  if (auto section = map->get("services")) lab.services = detail::read_services(checker, *section);
  if (auto section = map->get("sim")) lab.sim = detail::read_sim(checker, *section);
  check_across_sections(checker, lab);
  if (lab.sim && checker.error_count() == 0) detail::check_sim(checker, lab);
}

void parse_and_read(Checker& checker, std::string_view text, Lab& lab) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& error) {
    // yaml-cpp's own message ("illegal map value", "end of map not found"...) at its mark.
    checker.error(detail::position_of(error.mark), "YAML syntax: " + error.msg);
    return;
  }
  if (documents.empty() || documents.front().IsNull()) {
    checker.error(Position{}, "the lab file is empty; it needs at least a rig: section");
    return;
  }
  if (documents.size() > 1) {
    checker.error(detail::position_of(documents[1].Mark()),
                  "a lab file holds one YAML document; a second one starts here");
  }
  read_lab(checker, documents.front(), lab);
}

}  // namespace

LoadResult<Lab> load_lab_text(std::string_view text, std::string name,
                              std::filesystem::path folder) {
  if (folder.empty()) folder = absolute_or_same(std::filesystem::path(name).parent_path());
  Checker checker(name, folder);
  Lab lab;
  lab.file = name;
  lab.folder = folder;
  try {
    parse_and_read(checker, text, lab);
  } catch (const YAML::Exception& error) {
    // A node access the readers did not expect to fail: still a diagnostic, not a throw.
    checker.error(detail::position_of(error.mark), "unexpected YAML structure: " + error.msg);
  }
  Diagnostics diagnostics = checker.take();
  if (!diagnostics.empty()) return wire::unexpected(std::move(diagnostics));
  return lab;
}

LoadResult<Lab> load_lab_file(const std::filesystem::path& path) {
  std::string name = path.string();
  auto cannot_read = [&](std::string why) -> LoadResult<Lab> {
    return wire::unexpected(Diagnostics{Diagnostic{name, Position{}, "cannot read: " + why}});
  };
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) return cannot_read("it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return cannot_read(std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return cannot_read(std::strerror(errno));
  return load_lab_text(text.str(), name, absolute_or_same(path).parent_path());
}

}  // namespace phonerig::scenario
