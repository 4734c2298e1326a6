// phonerig: the command line. Subcommands arrive with the issues that build them; the
// names and exit codes are a contract (harness/app/exit_codes.hpp).
#include <CLI/CLI.hpp>

#include "harness/app/commands.hpp"
#include "harness/app/doctor.hpp"
#include "harness/app/exit_codes.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "phonerig: hardware-in-the-loop test harness for SIP IP phones.\n"
      "Power-cycles phones over SNMP, serves them CDP, DHCP, TFTP/HTTP and SIP, captures\n"
      "the wire and asserts every registration step.",
      "phonerig"};
  app.set_version_flag("--version", "phonerig 0.1.0");
  app.require_subcommand(1);

  std::vector<std::string> files;
  auto* validate = app.add_subcommand(
      "validate", "Check lab files (the built-in lab/sim.yaml when none is given); errors "
                  "name file:line:column. Exit 2 on any error.");
  validate->add_option("FILE", files, "lab file(s)")->check(CLI::ExistingFile);

  auto* events = app.add_subcommand("events", "List the event kinds and their attributes.");

  phonerig::app::DoctorOptions doctor_options;
  std::string doctor_lab;
  auto* doctor = app.add_subcommand(
      "doctor", "Check what this host supports (privileges, namespaces, veth, TAP, 802.1Q, "
                "netem, AF_PACKET, tools) by trying each in a throwaway namespace, and the "
                "lab's interfaces. Exit 3 when phonerig cannot run here.");
  doctor->add_option("--lab", doctor_lab, "lab file (default: the built-in simulated lab)")
      ->check(CLI::ExistingFile);
  doctor->add_flag("--json", doctor_options.json, "print the checks as JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? phonerig::app::kExitOk : phonerig::app::kExitUsage;
  }
  if (*validate) return phonerig::app::validate(files);
  if (*events) return phonerig::app::list_events();
  if (*doctor) {
    if (!doctor_lab.empty()) doctor_options.lab_file = doctor_lab;
    return phonerig::app::doctor(doctor_options);
  }
  return phonerig::app::kExitUsage;
}
