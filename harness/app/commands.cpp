#include "harness/app/commands.hpp"

#include <fmt/core.h>

#include "drivers/api/event.hpp"
#include "harness/app/exit_codes.hpp"
#include "harness/scenario/lab_file.hpp"
#include "harness/scenario/scenario.hpp"
#include "lab/embedded_sim_lab.hpp"

namespace phonerig::app {

int validate(const std::vector<std::string>& files) {
  int status = kExitOk;
  auto report = [&](const std::string& name, const auto& result) {
    if (result) {
      fmt::print("{}: ok\n", name);
    } else {
      fmt::print(stderr, "{}", scenario::to_string(result.error()));
      status = kExitUsage;
    }
  };
  if (files.empty()) {
    std::string name(lab::kDefaultLabName);
    report(name, scenario::load_lab_text(lab::default_lab_yaml(), name, "."));
  }
  for (const auto& file : files) {
    // A scenario has `steps:`, a lab `rig:`; anything else is reported as a lab file.
    if (scenario::detect_file_kind(std::filesystem::path(file)) == scenario::FileKind::scenario) {
      auto loaded = scenario::load_scenario_file(file);
      if (loaded) {
        // Also against the lab it runs on by default: its own `lab:`, else the built-in one.
        auto lab = loaded->lab ? scenario::load_lab_file(*loaded->lab)
                               : scenario::load_lab_text(lab::default_lab_yaml(),
                                                         std::string(lab::kDefaultLabName), ".");
        auto problems = lab ? scenario::check_against_lab(*loaded, *lab) : lab.error();
        if (!problems.empty()) {
          report(file, scenario::LoadResult<bool>(wire::unexpected(std::move(problems))));
          continue;
        }
      }
      report(file, loaded);
    } else {
      report(file, scenario::load_lab_file(file));
    }
  }
  return status;
}

std::optional<scenario::Lab> load_lab_or_report(const std::optional<std::string>& file) {
  auto lab = file ? scenario::load_lab_file(*file)
                  : scenario::load_lab_text(lab::default_lab_yaml(),
                                            std::string(lab::kDefaultLabName), ".");
  if (!lab) {
    fmt::print(stderr, "{}", scenario::to_string(lab.error()));
    return std::nullopt;
  }
  return std::move(*lab);
}

int list_events() {
  for (const api::KindSpec& kind : api::event_kinds()) {
    fmt::print("{:<16} {}\n", kind.kind, kind.doc);
    for (const api::AttrSpec& attr : kind.attrs) {
      fmt::print("    {:<24} {:<8} {}{}\n", attr.name, api::to_string(attr.type),
                 attr.required ? "required; " : "", attr.doc);
    }
  }
  fmt::print("\nevery packet kind may also carry:\n");
  for (const api::AttrSpec& attr : api::packet_attrs()) {
    fmt::print("    {:<24} {:<8} {}\n", attr.name, api::to_string(attr.type), attr.doc);
  }
  return kExitOk;
}

}  // namespace phonerig::app
