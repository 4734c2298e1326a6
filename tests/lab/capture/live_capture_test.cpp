// Live capture across a veth pair in a namespace of the test's own: the filter, the
// kernel's nanosecond stamps, the ready signal, 802.1Q tags, and the rig's errors.
#include "tests/lab/capture/capture_fixture.hpp"

namespace phonerig::capture::lab {
namespace {

using LiveCaptureLab = CaptureLabTest;

constexpr std::uint16_t kSip = 5060;
constexpr std::uint16_t kOther = 9;

TEST_F(LiveCaptureLab, CapturesTheFramesThatMatchTheFilterAndNoOthers) {
  ASSERT_TRUE(start(options("udp dst port 5060")));
  ASSERT_TRUE(run_until([this] { return ready_; }));

  std::vector<wire::ByteVector> matching;
  for (std::uint32_t i = 0; i < 300; ++i) {
    const wire::ByteVector frame = test_frame(i, i % 3 == 0 ? kSip : kOther);
    ASSERT_TRUE(sender_->send(frame));
    if (i % 3 == 0) matching.push_back(frame);
  }
  EXPECT_TRUE(run_until([&] { return frames_.size() >= matching.size(); }));
  stop_and_finish();

  ASSERT_EQ(frames_.size(), matching.size());
  for (std::size_t i = 0; i < frames_.size(); ++i) {
    EXPECT_EQ(frames_[i].bytes, matching[i]) << "frame " << i;
    EXPECT_EQ(frames_[i].wire_length, matching[i].size());
  }
  EXPECT_EQ(capture_->link_type(), wire::LinkType::ethernet);
  EXPECT_EQ(capture_->snaplen(), 2048u);
  ASSERT_TRUE(end_.has_value());
  EXPECT_TRUE(*end_);
  const api::CaptureStats stats = capture_->stats();
  EXPECT_EQ(stats.captured, matching.size()) << api::to_string(stats);
  EXPECT_EQ(stats.delivered, matching.size());
  EXPECT_EQ(stats.kernel_received, matching.size()) << "the kernel filter passed only these";
  EXPECT_TRUE(stats.lost_nothing()) << api::to_string(stats);
}

TEST_F(LiveCaptureLab, StampsFramesWithMonotonicKernelTimesInNanoseconds) {
  ASSERT_TRUE(start(options("udp dst port 5060")));
  ASSERT_TRUE(capture_->nanosecond_timestamps());
  EXPECT_EQ(capture_->timestamp_source(), TimestampSource::host);
  ASSERT_TRUE(run_until([this] { return ready_; }));

  const std::int64_t before = realtime_ns();
  constexpr std::size_t kFrames = 500;
  EXPECT_EQ(send_paced(*sender_, kFrames, 20'000, [](std::size_t i) {
              return test_frame(static_cast<std::uint32_t>(i), kSip);
            }),
            0u);
  const std::int64_t after = realtime_ns();
  EXPECT_TRUE(run_until([&] { return frames_.size() >= kFrames; }));
  stop_and_finish();

  ASSERT_EQ(frames_.size(), kFrames);
  std::size_t sub_microsecond = 0;
  for (std::size_t i = 0; i < frames_.size(); ++i) {
    // CLOCK_REALTIME, taken by the kernel while we were sending.
    EXPECT_GE(frames_[i].time_ns, before) << "frame " << i;
    EXPECT_LE(frames_[i].time_ns, after) << "frame " << i;
    if (i > 0) {
      EXPECT_GE(frames_[i].time_ns, frames_[i - 1].time_ns) << "frame " << i;
    }
    if (frames_[i].time_ns % 1000 != 0) ++sub_microsecond;
    EXPECT_EQ(sequence_of(frames_[i].bytes), i);
  }
  // Microsecond stamps scaled up would all end in 000.
  EXPECT_GT(sub_microsecond, kFrames / 2);
  // 20k frames/s: the stamps span about 25 ms, not one instant.
  EXPECT_GT(frames_.back().time_ns - frames_.front().time_ns, 10'000'000);
}

TEST_F(LiveCaptureLab, FallsBackToKernelStampsWhereTheInterfaceHasNoAdapterClock) {
  LiveCaptureOptions adapter = options("udp dst port 5060");
  adapter.timestamps = TimestampSource::adapter;  // a veth has no hardware clock
  ASSERT_TRUE(start(adapter));
  EXPECT_EQ(capture_->timestamp_source(), TimestampSource::host);
  EXPECT_NE(capture_->timestamp_note().find(lab_->receiver()), std::string::npos)
      << capture_->timestamp_note();
  ASSERT_TRUE(run_until([this] { return ready_; }));
  const std::int64_t before = realtime_ns();
  ASSERT_TRUE(sender_->send(test_frame(1, kSip)));
  EXPECT_TRUE(run_until([this] { return !frames_.empty(); }));
  stop_and_finish();
  ASSERT_EQ(frames_.size(), 1u);
  EXPECT_GE(frames_[0].time_ns, before);
  EXPECT_LE(frames_[0].time_ns, realtime_ns());
}

TEST_F(LiveCaptureLab, CapturesAFrameSentTheMomentItSignalsReady) {
  // The engine powers a phone inside on_ready; the phone's first frame must not be lost.
  auto opened = try_open(options("udp dst port 5060"));
  ASSERT_TRUE(opened) << opened.error().message;
  capture_ = std::move(opened).value();
  std::int64_t ready_at = 0;
  capture_->start({
      [&] {
        ready_ = true;
        ready_at = realtime_ns();
        sender_->send(test_frame(1, kSip));
      },
      [&](const api::FrameBatch& batch) {
        for (const api::Frame frame : batch) {
          frames_.push_back({frame.time_ns, frame.wire_length, {}});
        }
      },
      [&](const api::Result<bool>& end) { end_ = end; },
  });
  EXPECT_TRUE(run_until([this] { return !frames_.empty(); }, std::chrono::seconds(2)));
  stop_and_finish();
  ASSERT_TRUE(ready_);
  ASSERT_EQ(frames_.size(), 1u);
  EXPECT_GE(frames_[0].time_ns, ready_at);
}

TEST_F(LiveCaptureLab, PutsBackThe8021QTagTheVethMovedIntoAuxData) {
  ASSERT_TRUE(start(options("vlan 100 and udp dst port 5060")));
  ASSERT_TRUE(run_until([this] { return ready_; }));
  const wire::ByteVector tagged =
      test_frame(7, kSip, kPhoneA, 64, {wire::VlanTag{wire::ethertype::kVlan, 5, false, 100}});
  ASSERT_TRUE(sender_->send(tagged));
  ASSERT_TRUE(sender_->send(test_frame(8, kSip)));  // untagged: not VLAN 100
  EXPECT_TRUE(run_until([this] { return !frames_.empty(); }));
  stop_and_finish();
  ASSERT_EQ(frames_.size(), 1u);
  EXPECT_EQ(frames_[0].bytes, tagged);
  auto link = wire::parse_link(wire::LinkType::ethernet, frames_[0].bytes);
  ASSERT_TRUE(link);
  ASSERT_EQ(link->vlans.size(), 1u);
  EXPECT_EQ(link->vlans[0].vid, 100);
  EXPECT_EQ(link->vlans[0].pcp, 5);
}

TEST_F(LiveCaptureLab, NamesTheInterfaceAndLibpcapsMessageWhenTheInterfaceIsMissing) {
  LiveCaptureOptions missing = options("");
  missing.interface = lab_->receiver() + "x";
  auto opened = try_open(missing);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().fault, api::Fault::rig);
  const std::string& message = opened.error().message;
  EXPECT_NE(message.find("capture on " + missing.interface), std::string::npos) << message;
  EXPECT_NE(message.find("No such device"), std::string::npos) << message;
}

TEST_F(LiveCaptureLab, RejectsAFilterThatDoesNotCompileNamingInterfaceAndFilter) {
  auto opened = try_open(options("udp dst port 5060 and"));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().fault, api::Fault::config);
  const std::string& message = opened.error().message;
  EXPECT_NE(message.find(lab_->receiver()), std::string::npos) << message;
  EXPECT_NE(message.find("\"udp dst port 5060 and\""), std::string::npos) << message;
  EXPECT_NE(message.find("syntax error"), std::string::npos) << message;
}

TEST_F(LiveCaptureLab, EndsWithTheRigsErrorNamingTheInterfaceWhenItDisappears) {
  ASSERT_TRUE(start(options("")));
  ASSERT_TRUE(run_until([this] { return ready_; }));
  must_run({"ip", "-n", lab_->netns(), "link", "del", lab_->sender()});
  EXPECT_TRUE(run_until([this] { return end_.has_value(); }, std::chrono::seconds(3)));
  ASSERT_TRUE(end_.has_value());
  ASSERT_FALSE(*end_);
  EXPECT_EQ(end_->error().fault, api::Fault::rig);
  EXPECT_NE(end_->error().message.find("capture on " + lab_->receiver()), std::string::npos)
      << end_->error().message;
  EXPECT_NE(end_->error().message.find("disappeared"), std::string::npos)
      << end_->error().message;
  capture_->stop();  // joins the thread that already ended; harmless
}

TEST_F(LiveCaptureLab, KeepsCapturingWhileTheLinkGoesDownAndUp) {
  // A phone's port powered off takes the link down on the simulated switch; a capture on
  // that segment must survive it.
  ASSERT_TRUE(start(options("udp dst port 5060")));
  ASSERT_TRUE(run_until([this] { return ready_; }));
  ASSERT_TRUE(sender_->send(test_frame(1, kSip)));
  EXPECT_TRUE(run_until([this] { return frames_.size() == 1; }));
  must_run({"ip", "-n", lab_->netns(), "link", "set", lab_->receiver(), "down"});
  run_until([] { return false; }, std::chrono::milliseconds(100));
  must_run({"ip", "-n", lab_->netns(), "link", "set", lab_->receiver(), "up"});
  // veth carrier returns once both ends are up again.
  ASSERT_TRUE(run_until(
      [&] {
        return run_command({"ip", "-n", lab_->netns(), "-o", "link", "show", lab_->sender()})
                   .out.find("LOWER_UP") != std::string::npos;
      },
      std::chrono::seconds(3)));
  ASSERT_TRUE(sender_->send(test_frame(2, kSip)));
  EXPECT_TRUE(run_until([this] { return frames_.size() == 2; }));
  EXPECT_FALSE(end_.has_value()) << (end_ && !*end_ ? end_->error().message : "");
  stop_and_finish();
  ASSERT_EQ(frames_.size(), 2u);
  EXPECT_EQ(sequence_of(frames_[1].bytes), 2u);
}

}  // namespace
}  // namespace phonerig::capture::lab
