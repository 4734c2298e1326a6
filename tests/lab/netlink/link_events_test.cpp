// Link changes as events link.up / link.down, delivered on the io_context.
#include <algorithm>

#include "tests/lab/netlink/netlink_lab.hpp"

namespace phonerig::netlink::lab {
namespace {

class NetlinkLinkEvents : public NetlinkLab {
 protected:
  std::vector<std::string> seen() const {
    std::vector<std::string> lines;
    for (const api::Event& event : events_) {
      lines.push_back(event.kind + " " + event.string_attr("interface").value_or("?"));
    }
    return lines;
  }
  bool saw(const std::string& line) const {
    auto all = seen();
    return std::find(all.begin(), all.end(), line) != all.end();
  }
  api::LinkControl::EventHandler collect() {
    return [this](api::Event event) { events_.push_back(std::move(event)); };
  }

  std::vector<api::Event> events_;
};

TEST_F(NetlinkLinkEvents, VethEndsGoingUpAndDownAreReportedAsValidEvents) {
  api::Lease netns = make_namespace("ev");
  auto control = control_in(netns);
  auto watch = control->watch_links(collect());
  ASSERT_TRUE(watch) << watch.error().message;
  auto veth = control->add_veth("e0", "e1", "");
  ASSERT_TRUE(veth) << veth.error().message;
  const std::string e0 = prefix_ + "e0";
  const std::string e1 = prefix_ + "e1";

  ASSERT_TRUE(control->set_link_up(e0, true));
  ASSERT_TRUE(control->set_link_up(e1, true));
  EXPECT_TRUE(run_until([&] { return saw("link.up " + e0) && saw("link.up " + e1); }))
      << ::testing::PrintToString(seen());

  ASSERT_TRUE(control->set_link_up(e0, false));
  EXPECT_TRUE(run_until([&] { return saw("link.down " + e0) && saw("link.down " + e1); }))
      << ::testing::PrintToString(seen());

  for (const api::Event& event : events_) {
    auto valid = api::validate(event);
    EXPECT_TRUE(valid) << valid.error().message;
    EXPECT_EQ(event.source, api::EventSource::link);
    EXPECT_GT(event.time_ns, 1'700'000'000'000'000'000);
  }
  // Creating the pair (both ends down) is no change of state, and an end set up while its
  // peer is down has no carrier yet: exactly two ups (both ends get carrier at once), then
  // two downs.
  auto all = seen();
  ASSERT_EQ(all.size(), 4u) << ::testing::PrintToString(all);
  std::sort(all.begin(), all.begin() + 2);
  std::sort(all.begin() + 2, all.end());
  EXPECT_EQ(all, (std::vector<std::string>{"link.up " + e0, "link.up " + e1, "link.down " + e0,
                                           "link.down " + e1}));
}

TEST_F(NetlinkLinkEvents, LinksAlreadyUpWhenTheWatchStartsGiveNoEvents) {
  api::Lease netns = make_namespace("evq");
  auto control = control_in(netns);
  auto veth = control->add_veth("q0", "q1", "");
  ASSERT_TRUE(veth) << veth.error().message;
  ASSERT_TRUE(control->set_link_up(prefix_ + "q0", true));
  ASSERT_TRUE(control->set_link_up(prefix_ + "q1", true));
  ASSERT_TRUE(wait_state_up(netns, prefix_ + "q0") && wait_state_up(netns, prefix_ + "q1"));
  auto watch = control->watch_links(collect());
  ASSERT_TRUE(watch) << watch.error().message;
  run_until([] { return false; }, std::chrono::milliseconds(200));
  EXPECT_EQ(seen(), std::vector<std::string>{});
}

TEST_F(NetlinkLinkEvents, ALinkThatGoesAwayWhileUpIsReportedDown) {
  api::Lease netns = make_namespace("evd");
  auto control = control_in(netns);
  auto veth = control->add_veth("d0", "d1", "");
  ASSERT_TRUE(veth) << veth.error().message;
  ASSERT_TRUE(control->set_link_up(prefix_ + "d0", true));
  ASSERT_TRUE(control->set_link_up(prefix_ + "d1", true));
  ASSERT_TRUE(wait_state_up(netns, prefix_ + "d0") && wait_state_up(netns, prefix_ + "d1"));
  auto watch = control->watch_links(collect());
  ASSERT_TRUE(watch);
  ASSERT_TRUE(veth->release());
  EXPECT_TRUE(run_until([&] {
    return saw("link.down " + prefix_ + "d0") && saw("link.down " + prefix_ + "d1");
  })) << ::testing::PrintToString(seen());
}

TEST_F(NetlinkLinkEvents, NoEventsArriveAfterTheWatchIsReleased) {
  api::Lease netns = make_namespace("evs");
  auto control = control_in(netns);
  auto veth = control->add_veth("s0", "s1", "");
  ASSERT_TRUE(veth) << veth.error().message;
  auto watch = control->watch_links(collect());
  ASSERT_TRUE(watch);
  ASSERT_TRUE(watch->release());
  ASSERT_TRUE(control->set_link_up(prefix_ + "s0", true));
  ASSERT_TRUE(control->set_link_up(prefix_ + "s1", true));
  run_until([] { return false; }, std::chrono::milliseconds(200));
  EXPECT_EQ(seen(), std::vector<std::string>{});
}

TEST_F(NetlinkLinkEvents, AHandlerMayReleaseItsOwnWatch) {
  api::Lease netns = make_namespace("evh");
  auto control = control_in(netns);
  auto veth = control->add_veth("h0", "h1", "");
  ASSERT_TRUE(veth) << veth.error().message;
  api::Lease watch;
  int calls = 0;
  auto started = control->watch_links([&](api::Event) {
    ++calls;
    (void)watch.release();
  });
  ASSERT_TRUE(started);
  watch = std::move(*started);
  ASSERT_TRUE(control->set_link_up(prefix_ + "h0", true));
  ASSERT_TRUE(control->set_link_up(prefix_ + "h1", true));  // two link.up events are due
  run_until([] { return false; }, std::chrono::milliseconds(200));
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace phonerig::netlink::lab
