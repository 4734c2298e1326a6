// Nothing is left behind: not when a step throws, not when a test fails midway (its leases
// go out of scope, its fixture's TearDown runs the ledger cleanup), and not when a run is
// killed outright (the next run's cleanup_ledger removes what the ledger lists).
//
// The failing and the killed runs are real runs of this binary: DISABLED_ tests started
// with --gtest_also_run_disabled_tests, given this test's prefix and ledger through the
// environment, waited for by PID.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "tests/lab/netlink/netlink_lab.hpp"

extern char** environ;

namespace phonerig::netlink::lab {
namespace {

constexpr const char* kPrefixVariable = "PHONERIG_NETLINK_CHILD_PREFIX";
constexpr const char* kLedgerVariable = "PHONERIG_NETLINK_CHILD_LEDGER";

class NetlinkTeardown : public NetlinkLab {
 protected:
  struct ChildRun {
    int status = 0;
    std::string output;
  };

  // Runs one DISABLED_ test of this binary with our prefix and ledger; waits for its PID.
  ChildRun run_child(const std::string& test) {
    ChildRun run;
    const std::string exe = std::filesystem::read_symlink("/proc/self/exe").string();
    const std::string log =
        (std::filesystem::temp_directory_path() / ("phonerig-" + prefix_ + "child.log")).string();
    std::vector<std::string> args = {exe, "--gtest_filter=" + test,
                                     "--gtest_also_run_disabled_tests"};
    std::vector<std::string> env;
    for (char** variable = environ; *variable != nullptr; ++variable) env.emplace_back(*variable);
    env.push_back(std::string(kPrefixVariable) + "=" + prefix_);
    env.push_back(std::string(kLedgerVariable) + "=" + ledger_.string());
    std::vector<char*> argv, envp;
    for (auto& arg : args) argv.push_back(arg.data());
    for (auto& variable : env) envp.push_back(variable.data());
    argv.push_back(nullptr);
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = 0;
    int spawned = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
      run.output = "posix_spawn failed: " + errno_name(spawned);
      run.status = -1;
      return run;
    }
    ::waitpid(pid, &run.status, 0);
    std::ifstream file(log);
    run.output.assign(std::istreambuf_iterator<char>(file), {});
    std::filesystem::remove(log);
    return run;
  }
};

// The children: only meaningful when started by the tests above them.
class NetlinkTeardownChild : public NetlinkLab {
 protected:
  void SetUp() override {
    const char* prefix = std::getenv(kPrefixVariable);
    const char* ledger = std::getenv(kLedgerVariable);
    if (prefix == nullptr || ledger == nullptr) GTEST_SKIP() << "started by NetlinkTeardown only";
    prefix_ = prefix;
    ledger_ = ledger;
    auto host = Control::open(io_.get_executor(), ControlOptions{"", prefix_, ledger_});
    ASSERT_TRUE(host) << host.error().message;
    host_ = std::move(*host);
  }

  // Creates what a rig run creates; the namespaces and the veth stay in members (outliving
  // the test body, so only TearDown's ledger cleanup removes them before they go).
  void create_rig(std::vector<api::Lease>& locals) {
    rig_ = make_namespace("rig");
    phone_ = make_namespace("phone");
    control_ = control_in(rig_);
    ASSERT_TRUE(control_);
    auto veth = control_->add_veth("r0", "p0", phone_.name());
    ASSERT_TRUE(veth) << veth.error().message;
    veth_ = std::move(*veth);
    ASSERT_TRUE(control_->set_link_up(prefix_ + "r0", true));
    auto address = control_->add_address(prefix_ + "r0", prefix("198.18.0.1", 24));
    ASSERT_TRUE(address) << address.error().message;
    locals.push_back(std::move(*address));
    auto route = control_->add_route(prefix("198.18.7.0", 24), std::nullopt, prefix_ + "r0");
    ASSERT_TRUE(route) << route.error().message;
    locals.push_back(std::move(*route));
    auto tap = control_->add_tap("voice");
    ASSERT_TRUE(tap) << tap.error().message;
    locals.push_back(std::move(*tap));
  }

  api::Lease rig_, phone_, veth_;
  std::unique_ptr<Control> control_;
};

TEST_F(NetlinkTeardownChild, DISABLED_FailsMidwayAfterCreatingThings) {
  std::vector<api::Lease> locals;
  create_rig(locals);
  ASSERT_EQ(leftovers().size(), 2u);  // the two namespaces
  FAIL() << "failing on purpose, midway";
}

TEST_F(NetlinkTeardownChild, DISABLED_IsKilledAfterCreatingThings) {
  std::vector<api::Lease> locals;
  create_rig(locals);
  std::printf("created, now killed by SIGKILL\n");
  std::fflush(stdout);
  std::raise(SIGKILL);  // no destructor, no TearDown: only the ledger knows
}

TEST_F(NetlinkTeardown, AStepThatThrowsMidwayLeavesNothing) {
  bool thrown = false;
  try {
    api::Lease rig = make_namespace("rig");
    auto control = control_in(rig);
    auto veth = control->add_veth("a", "b", "");
    auto address = control->add_address(prefix_ + "a", prefix("198.18.0.1", 24));
    ASSERT_TRUE(veth && address);
    throw std::runtime_error("a step failed midway");
  } catch (const std::runtime_error&) {
    thrown = true;
  }
  EXPECT_TRUE(thrown);
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
  EXPECT_EQ(live_ledger_entries(), "");
}

TEST_F(NetlinkTeardown, ATestThatFailsMidwayLeavesNothing) {
  ChildRun child = run_child("NetlinkTeardownChild.DISABLED_FailsMidwayAfterCreatingThings");
  ASSERT_TRUE(WIFEXITED(child.status)) << child.output;
  EXPECT_NE(WEXITSTATUS(child.status), 0) << child.output;
  EXPECT_NE(child.output.find("failing on purpose, midway"), std::string::npos) << child.output;
  EXPECT_NE(child.output.find("[  FAILED  ] NetlinkTeardownChild."), std::string::npos)
      << child.output;
  EXPECT_EQ(leftovers(), std::vector<std::string>{}) << child.output;
  EXPECT_EQ(live_ledger_entries(), "");
}

TEST_F(NetlinkTeardown, TheLedgerRemovesWhatAKilledRunLeft) {
  ChildRun child = run_child("NetlinkTeardownChild.DISABLED_IsKilledAfterCreatingThings");
  ASSERT_TRUE(WIFSIGNALED(child.status) && WTERMSIG(child.status) == SIGKILL) << child.output;
  ASSERT_NE(child.output.find("created, now killed by SIGKILL"), std::string::npos)
      << child.output;
  EXPECT_EQ(leftovers().size(), 2u) << "the killed run's namespaces are still there";
  auto contents = read_ledger(ledger_);
  ASSERT_TRUE(contents) << contents.error().message;
  EXPECT_EQ(contents->live.size(), 6u) << live_ledger_entries();

  auto report = cleanup_ledger(ledger_);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->removed, 6u);
  EXPECT_EQ(report->already_gone, 0u);
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
  EXPECT_FALSE(std::filesystem::exists(ledger_));
}

}  // namespace
}  // namespace phonerig::netlink::lab
