// `phonerig power on|off|cycle|status` against snmpd + the PoE agent, as a lab engineer
// runs it: targets by phone id (the port from the lab file) or by port name, SNMPv3
// credentials by reference from the environment, the state read back printed per port,
// and exit codes that tell the switch's failure (3) from a bad target (2). The passphrases
// appear in no output.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/lab/power/poe_lab.hpp"

namespace phonerig::testing {
namespace {

const std::string kPhonerig = std::string(PHONERIG_BIN_DIR) + "/phonerig";

class PowerCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: namespaces, snmpd";
    PoeLabOptions options;
    options.tag = "pc";
    options.ports = 8;
    options.profile = "cisco";
    options.v3_auth = "cli-auth-Zq81x";
    options.v3_priv = "cli-priv-Wm52y";
    lab_ = std::make_unique<PoeLab>(options);
    lab_file_ = lab_->dir() / "lab.yaml";
    std::ofstream out(lab_file_);
    out << "rig:\n  interfaces: [{name: lan, role: both, device: lo, address: 198.18.30.1/24}]\n"
        << "switch:\n  address: 127.0.0.1\n"
        << "  snmp: {version: 3, user: rig, auth: env:PHONERIG_T_AUTH, priv: env:PHONERIG_T_PRIV, "
           "auth_protocol: SHA, priv_protocol: AES, timeout_ms: 300, retries: 1}\n"
        << "  profile: cisco\n  min_off_ms: 300\n  confirm_timeout_ms: 5000\n"
        << "phones:\n  - {id: desk, mac: 00:1e:4a:00:30:01, model: CP-8851, port: Gi1/0/3}\n";
  }

  CommandResult power(std::vector<std::string> args) const {
    std::vector<std::string> argv = {"ip", "netns", "exec", lab_->ns(), "env", "MIBS=",
                                     "PHONERIG_T_AUTH=" + lab_->options().v3_auth,
                                     "PHONERIG_T_PRIV=" + lab_->options().v3_priv, kPhonerig,
                                     "power"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--lab");
    argv.push_back(lab_file_.string());
    CommandResult result = run_command(argv);
    for (const std::string& secret : {lab_->options().v3_auth, lab_->options().v3_priv}) {
      EXPECT_EQ((result.out + result.err).find(secret), std::string::npos)
          << "a passphrase in the output of phonerig power";
    }
    return result;
  }

  std::unique_ptr<PoeLab> lab_;
  std::filesystem::path lab_file_;
};

TEST_F(PowerCli, OnByPhoneIdThenStatusOffAndCycleByPortName) {
  CommandResult on = power({"on", "desk"});
  ASSERT_EQ(on.status, 0) << on.out << on.err;
  EXPECT_NE(on.out.find("Gi1/0/3        admin on  deliveringPower"), std::string::npos) << on.out;

  CommandResult status = power({"status", "Gi1/0/3", "Gi1/0/4", "--json"});
  ASSERT_EQ(status.status, 0) << status.err;
  const auto json = nlohmann::json::parse(status.out);
  ASSERT_EQ(json["ports"].size(), 2u);
  EXPECT_EQ(json["ports"][0]["detection"], "deliveringPower");
  EXPECT_EQ(json["ports"][0]["admin_on"], true);
  EXPECT_EQ(json["ports"][1]["detection"], "disabled");

  // The net-snmp tools see what the CLI did: pethPsePortAdminEnable.1.3 = true(1).
  const CommandResult get = lab_->tool("snmpget", {"-v2c", "-c", "public", "127.0.0.1",
                                                   "1.3.6.1.2.1.105.1.1.1.3.1.3"});
  EXPECT_NE(get.out.find("INTEGER: 1"), std::string::npos) << get.out << get.err;

  CommandResult cycle = power({"cycle", "GigabitEthernet1/0/3"});
  ASSERT_EQ(cycle.status, 0) << cycle.out << cycle.err;
  const auto at = cycle.out.find("power was off for ");
  ASSERT_NE(at, std::string::npos) << cycle.out;
  EXPECT_GE(std::stoi(cycle.out.substr(at + 18)), 300) << cycle.out;

  CommandResult off = power({"off", "desk"});
  ASSERT_EQ(off.status, 0) << off.err;
  EXPECT_NE(off.out.find("admin off disabled"), std::string::npos) << off.out;
}

TEST_F(PowerCli, APortTheSwitchDoesNotHaveIsNamedAndExits2) {
  CommandResult result = power({"on", "Gi1/0/99"});
  EXPECT_EQ(result.status, 2) << result.out << result.err;
  EXPECT_NE(result.err.find("Gi1/0/99"), std::string::npos) << result.err;
}

TEST_F(PowerCli, ADeadSwitchIsTheRigsFailureAndExits3) {
  lab_->stop_snmpd();
  CommandResult result = power({"status", "desk"});
  EXPECT_EQ(result.status, 3) << result.out << result.err;
  EXPECT_NE(result.err.find("127.0.0.1"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("timeout"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace phonerig::testing
