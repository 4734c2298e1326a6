#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"phonerig: hardware-in-the-loop test harness for SIP IP phones"};
  app.require_subcommand(0, 1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
