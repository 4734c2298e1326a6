// phonerig: the command line. Subcommands arrive with the issues that build them; the
// names and exit codes are a contract (harness/app/exit_codes.hpp).
#include <CLI/CLI.hpp>

#include "harness/app/analyze.hpp"
#include "harness/app/commands.hpp"
#include "harness/app/doctor.hpp"
#include "harness/app/lab_command.hpp"
#include "harness/app/power.hpp"
#include "harness/app/run.hpp"
#include "harness/app/serve.hpp"
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
      "validate", "Check lab and scenario files (the built-in lab/sim.yaml when none is "
                  "given); errors name file:line:column. Exit 2 on any error.");
  validate->add_option("FILE", files, "lab or scenario file(s)")->check(CLI::ExistingFile);

  auto* events = app.add_subcommand("events", "List the event kinds and their attributes.");

  phonerig::app::RunOptions run_options;
  std::string run_lab, run_out, run_phones;
  int run_repeat = 0;
  auto* run = app.add_subcommand(
      "run", "Run scenarios: bring the lab up (the built-in simulated lab unless --lab or the "
             "scenario names one), capture, serve, power the phones and assert every step; "
             "reports (junit.xml, report.json, report.html, pcap/) in --out. Exit 0 all held, "
             "1 an assertion failed, 2 usage or YAML error, 3 the rig failed.");
  run->add_option("SCENARIO", run_options.scenarios, "scenario file(s)")
      ->required()
      ->check(CLI::ExistingFile);
  run->add_option("--lab", run_lab, "lab file (default: the scenario's, else the built-in "
                                    "simulated lab)")
      ->check(CLI::ExistingFile);
  run->add_option("--out", run_out, "report folder (default runs/<UTC timestamp>)");
  run->add_option("--phones", run_phones, "phones by id, model or tag, comma separated");
  run->add_option("--repeat", run_repeat, "cycles per scenario (overrides its repeat)")
      ->check(CLI::Range(1, 10000));
  run->add_option("--instance", run_options.instance, "simulated lab instance (default 0)");
  run->add_flag("--redact", run_options.redact,
                "mask line passwords (cnf.xml) in the per-phone pcaps");
  run->add_flag("-v,--verbose", run_options.verbose, "print every event as it happens");

  phonerig::app::ServeOptions serve_options;
  std::string serve_lab;
  std::string serve_events;
  std::string serve_write;
  auto* serve = app.add_subcommand(
      "serve", "Serve every service the lab declares (CDP/LLDP, DHCP, TFTP, HTTP 6970, SIP) "
               "on its interfaces until SIGINT/SIGTERM, entering rig.netns when named.");
  serve->add_option("--lab", serve_lab, "lab file (default: the built-in simulated lab)")
      ->check(CLI::ExistingFile);
  serve->add_option("--events", serve_events, "append every event to FILE as JSON lines");
  serve->add_option("--write-files", serve_write,
                    "write the generated per-phone files (cnf.xml, dial rules...) to DIR and "
                    "exit, for another TFTP server")
      ->check(CLI::ExistingDirectory);
  serve->add_flag("-v,--verbose", serve_options.verbose, "print every event as it happens");
  serve->add_option("--instance", serve_options.instance, "simulated lab instance (default 0)");

  phonerig::app::PowerOptions power_options;
  std::string power_lab;
  auto* power = app.add_subcommand(
      "power", "Power ports on or off, cycle them, or read their status, through the switch "
               "the lab file names (SNMP). Prints the state read back per port; exit 3 names "
               "the port and the reason when a port did not reach the state asked.");
  power->add_option("ACTION", power_options.action, "on, off, cycle or status")
      ->required()
      ->check(CLI::IsMember({"on", "off", "cycle", "status"}));
  power->add_option("TARGET", power_options.targets, "phone ids from the lab file, or port names")
      ->required();
  power->add_option("--lab", power_lab, "lab file (default: the built-in simulated lab)")
      ->check(CLI::ExistingFile);
  power->add_flag("--json", power_options.json, "print the ports as JSON");
  power->add_option("--instance", power_options.instance, "simulated lab instance (default 0)");

  phonerig::app::LabOptions lab_options;
  auto* lab = phonerig::app::add_lab_command(app, lab_options);

  phonerig::app::AnalyzeOptions analyze_options;
  auto* analyze = app.add_subcommand(
      "analyze", "Read a pcap/pcapng capture taken anywhere (SPAN port, a phone's own pcap, a "
                 "CUCM node) and print each phone's registration timeline, what is missing or "
                 "out of order, and what was skipped and why. Exit 0 when the capture was "
                 "read, 2 when it cannot be.");
  // No ExistingFile check: analyze names a missing file itself.
  analyze->add_option("CAPTURE", analyze_options.capture, "pcap or pcapng file")->required();
  analyze->add_flag("--json", analyze_options.json, "print the report as JSON");

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
  if (*run) {
    if (!run_lab.empty()) run_options.lab_file = run_lab;
    if (!run_out.empty()) run_options.out = run_out;
    if (!run_phones.empty()) run_options.phones = run_phones;
    if (run_repeat > 0) run_options.repeat = run_repeat;
    return phonerig::app::run(run_options);
  }
  if (*serve) {
    if (!serve_lab.empty()) serve_options.lab_file = serve_lab;
    if (!serve_events.empty()) serve_options.events_file = serve_events;
    if (!serve_write.empty()) serve_options.write_files = serve_write;
    return phonerig::app::serve(serve_options);
  }
  if (*analyze) return phonerig::app::analyze(analyze_options);
  if (*power) {
    if (!power_lab.empty()) power_options.lab_file = power_lab;
    return phonerig::app::power(power_options);
  }
  if (*lab) return phonerig::app::lab_command(lab_options);
  if (*doctor) {
    if (!doctor_lab.empty()) doctor_options.lab_file = doctor_lab;
    return phonerig::app::doctor(doctor_options);
  }
  return phonerig::app::kExitUsage;
}
