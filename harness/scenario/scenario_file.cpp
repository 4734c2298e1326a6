// Loading a scenario file: YAML in, a validated Scenario out, or every problem found as
// file:line:col: message. The top level: name, description, phones, repeat, lab, steps.
#include "harness/scenario/scenario.hpp"
#include "harness/scenario/scenario_steps.hpp"
#include "harness/scenario/yaml_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <yaml-cpp/yaml.h>

namespace phonerig::scenario {

namespace {

using detail::Checker;
using detail::Field;

std::filesystem::path absolute_folder(const std::filesystem::path& path) {
  const std::filesystem::path folder = path.empty() ? std::filesystem::path(".") : path;
  std::error_code ignored;
  auto absolute = std::filesystem::absolute(folder, ignored).lexically_normal();
  return absolute.empty() ? folder : absolute;
}

void read_scenario(Checker& checker, const YAML::Node& root, Scenario& scenario) {
  Field document = Field::document(root);
  if (!root.IsMap()) {
    checker.error(document, "a scenario file is a mapping of name, description, phones, repeat, "
                            "lab and steps; got " +
                                detail::describe(root));
    return;
  }
  auto map = detail::read_mapping(checker, document,
                                  {"name", "description", "phones", "repeat", "lab", "steps"});
  if (!map) return;
  if (auto f = map->get("name")) scenario.name = detail::read_string(checker, *f).value_or("");
  if (auto f = map->get("description")) {
    scenario.description = detail::read_string(checker, *f).value_or("");
  }
  if (auto f = map->get("phones")) {
    if (auto selector = detail::read_selector(checker, *f)) scenario.phones = *selector;
  }
  if (auto f = map->get("repeat")) {
    scenario.repeat = static_cast<int>(detail::read_integer(checker, *f, 1, 10'000).value_or(1));
  }
  if (auto f = map->get("lab")) {
    if (auto text = detail::read_string(checker, *f)) {
      std::filesystem::path path(*text);
      if (path.is_relative()) path = (checker.folder() / path).lexically_normal();
      std::error_code error;
      if (!std::filesystem::is_regular_file(path, error)) {
        checker.error(*f, "no lab file at " + path.string());
      } else {
        scenario.lab = path;
      }
    }
  }
  if (map->require(checker, "steps"))
    scenario.steps = detail::read_steps(checker, *map->get("steps"));
}

} // namespace

LoadResult<Scenario> load_scenario_text(std::string_view text, std::string name,
                                        std::filesystem::path folder) {
  if (folder.empty()) folder = absolute_folder(std::filesystem::path(name).parent_path());
  Checker checker(name, folder);
  Scenario scenario;
  scenario.file = name;
  scenario.folder = folder;
  scenario.name = std::filesystem::path(name).stem().string();
  try {
    std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
    if (documents.empty() || documents.front().IsNull()) {
      checker.error(Position{}, "the scenario file is empty; it needs at least steps:");
    } else {
      if (documents.size() > 1) {
        checker.error(detail::position_of(documents[1].Mark()),
                      "a scenario file holds one YAML document; a second one starts here");
      }
      read_scenario(checker, documents.front(), scenario);
    }
  } catch (const YAML::Exception& error) {
    checker.error(detail::position_of(error.mark), "YAML syntax: " + error.msg);
  }
  Diagnostics diagnostics = checker.take();
  if (!diagnostics.empty()) return wire::unexpected(std::move(diagnostics));
  return scenario;
}

namespace {

std::optional<std::string> read_all(const std::filesystem::path& path, std::string& why) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    why = "it is a directory";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

LoadResult<Scenario> load_scenario_file(const std::filesystem::path& path) {
  std::string why;
  auto text = read_all(path, why);
  if (!text) {
    return wire::unexpected(
        Diagnostics{Diagnostic{path.string(), Position{}, "cannot read: " + why}});
  }
  return load_scenario_text(*text, path.string(), absolute_folder(path).parent_path());
}

FileKind detect_text_kind(std::string_view text) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap()) return FileKind::unknown;
    if (root["steps"]) return FileKind::scenario;
    if (root["rig"]) return FileKind::lab;
  } catch (const YAML::Exception&) {
  }
  return FileKind::unknown;
}

FileKind detect_file_kind(const std::filesystem::path& path) {
  std::string why;
  auto text = read_all(path, why);
  return text ? detect_text_kind(*text) : FileKind::unknown;
}

std::vector<engine::PhoneFacts> phone_facts(const Lab& lab) {
  std::vector<engine::PhoneFacts> out;
  for (const Phone& phone : lab.phones) {
    engine::PhoneFacts facts;
    facts.id = phone.id;
    facts.mac = phone.mac;
    facts.model = phone.model;
    facts.port = phone.port;
    facts.load = phone.load;
    if (!facts.load) {
      for (const auto& [model, load] : lab.services.loads) {
        if (model == phone.model) facts.load = load;
      }
    }
    facts.tags = phone.tags;
    out.push_back(std::move(facts));
  }
  return out;
}

engine::LabFacts lab_facts(const Lab& lab) {
  engine::LabFacts facts;
  if (lab.switch_config && lab.switch_config->vlans) {
    facts.voice_vlan = lab.switch_config->vlans->voice;
    facts.data_vlan = lab.switch_config->vlans->data;
  }
  return facts;
}

} // namespace phonerig::scenario

namespace phonerig::scenario {

namespace {

bool uses_load(const engine::EventMatch& m) {
  auto has = [](const std::string& text) { return text.find("{load}") != std::string::npos; };
  return std::any_of(m.files.begin(), m.files.end(), has) ||
         std::any_of(m.attrs.begin(), m.attrs.end(),
                     [&](const auto& a) { return has(a.second); }) ||
         std::any_of(m.option_equal.begin(), m.option_equal.end(),
                     [&](const auto& o) { return has(o.second); });
}

struct LabChecker {
  const Scenario& scenario;
  const Lab& lab;
  std::vector<engine::PhoneFacts> phones;
  Diagnostics out;

  void error(int line, int column, std::string message) {
    out.push_back(Diagnostic{scenario.file, Position{line, column}, std::move(message)});
  }

  void selector(const engine::PhoneSelector& s) {
    for (const auto& name : s.names) {
      engine::PhoneSelector one{false, {name}, s.line, s.column};
      if (std::none_of(phones.begin(), phones.end(),
                       [&](const auto& p) { return engine::selects(one, p); })) {
        error(s.line, s.column,
              "phones: '" + name + "' is no phone id, model or tag of " + lab.file);
      }
    }
  }

  // The phones a step applies to: the scenario's, narrowed by the step's own selector.
  std::vector<const engine::PhoneFacts*> applies_to(const engine::StepSpec& step) {
    std::vector<const engine::PhoneFacts*> out;
    for (const auto& p : phones) {
      if (engine::selects(scenario.phones, p) &&
          (!step.phones || engine::selects(*step.phones, p))) {
        out.push_back(&p);
      }
    }
    return out;
  }

  void needs_load(const engine::StepSpec& step) {
    for (const auto* p : applies_to(step)) {
      if (!p->load) {
        error(step.line, step.column,
              "{load} needs the expected load of phone '" + p->id +
                  "' (phones[].load, or services.loads for " + p->model + ") in " + lab.file);
      }
    }
  }

  void needs_vlan(const engine::StepSpec& step, const std::optional<std::string>& role) {
    if (role && !(lab.switch_config && lab.switch_config->vlans)) {
      error(step.line, step.column, "vlan: " + *role + " needs switch.vlans in " + lab.file);
    }
  }

  // Only what phonerig serves can be stopped and started: not an `external` CUCM's, not
  // a service the lab turned off.
  void served(const engine::StepSpec& step, const std::string& name) {
    const ServiceCommon* service = &lab.services.cdp;  // cdp, lldp
    if (name == "dhcp") service = &lab.services.dhcp;
    if (name == "tftp") service = &lab.services.tftp;
    if (name == "http") service = &lab.services.http;
    if (name == "sip") service = &lab.services.sip;
    if (!service->served()) {
      error(step.line, step.column,
            "service " + name + ": services." + (name == "lldp" ? "cdp" : name) + " is " +
                std::string(to_string(service->mode)) + " in " + lab.file +
                "; a scenario can stop and start only what phonerig serves");
    }
  }

  void step(const engine::StepSpec& step) {
    if (step.phones) selector(*step.phones);
    if (const auto* e = std::get_if<engine::Expect>(&step.what)) {
      if (uses_load(e->match)) needs_load(step);
      needs_vlan(step, e->match.vlan_role);
    } else if (const auto* a = std::get_if<engine::Absent>(&step.what)) {
      if (uses_load(a->match)) needs_load(step);
      needs_vlan(step, a->match.vlan_role);
    } else if (const auto* r = std::get_if<engine::Registration>(&step.what)) {
      if (r->expect_firmware_upgrade) needs_load(step);
    } else if (const auto* f = std::get_if<engine::FaultAction>(&step.what)) {
      needs_vlan(step, f->vlan_role);
    } else if (const auto* a = std::get_if<engine::ServiceAction>(&step.what)) {
      for (const auto& name : a->services)
        served(step, name);
    } else if (const auto* g = std::get_if<engine::AnyOrder>(&step.what)) {
      for (const auto& member : g->members)
        this->step(member);
    }
  }
};

} // namespace

Diagnostics check_against_lab(const Scenario& scenario, const Lab& lab) {
  LabChecker checker{scenario, lab, phone_facts(lab), {}};
  checker.selector(scenario.phones);
  for (const auto& step : scenario.steps)
    checker.step(step);
  std::stable_sort(checker.out.begin(), checker.out.end(), [](const auto& a, const auto& b) {
    return a.at.line != b.at.line ? a.at.line < b.at.line : a.at.column < b.at.column;
  });
  return checker.out;
}

} // namespace phonerig::scenario
