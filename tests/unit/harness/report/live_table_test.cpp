#include "harness/report/live_table.hpp"

#include <gtest/gtest.h>

namespace phonerig::report {
namespace {

LiveTable table(bool tty) {
  return LiveTable("cold-boot", {"phone1", "phone-two"}, {"power", "boot", "DHCP"}, tty);
}

TEST(LiveTable, RendersPhonesAsRowsAndStepsAsColumns) {
  LiveTable t = table(false);
  t.update(0, 0, CellState::passed, 0, 100);
  t.update(0, 1, CellState::running, 1500, 1600);
  t.update(1, 0, CellState::failed, 200, 300);
  const auto lines = render_table(t.model(), 2500, false);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "phonerig  cold-boot  2.5 s");
  EXPECT_EQ(lines[1], "phone      power  boot  DHCP");
  EXPECT_EQ(lines[2], "phone1     \u2713      \u2026     \u00b7     1.5 s");
  EXPECT_EQ(lines[3], "phone-two  \u2717      \u00b7     \u00b7     0.2 s");
}

TEST(LiveTable, WritesOnePlainLinePerChangeWhenNotATerminal) {
  LiveTable t = table(false);
  EXPECT_EQ(t.update(1, 2, CellState::passed, 3560, 5000),
            "[    5.000 s] phone-two DHCP: passed (3.6 s after power-on)\n");
  EXPECT_EQ(t.update(1, 2, CellState::passed, 3600, 5100), "");  // no change, no line
  EXPECT_EQ(t.tick(6000), "");
  const std::string last = t.finish(7000);
  EXPECT_EQ(last.find('\x1b'), std::string::npos);
  EXPECT_NE(last.find("phone-two"), std::string::npos);
}

TEST(LiveTable, RedrawsInPlaceOnATerminal) {
  LiveTable t = table(true);
  const std::string first = t.update(0, 0, CellState::passed, 0, 100);
  EXPECT_EQ(first.find("\x1b[4A"), std::string::npos);  // nothing to move over yet
  EXPECT_NE(first.find("\x1b[32m\u2713"), std::string::npos);
  const std::string second = t.tick(1100);
  EXPECT_EQ(second.rfind("\x1b[4A", 0), 0u);  // back over the 4 lines drawn
  EXPECT_NE(second.find("1.1 s"), std::string::npos);
  std::size_t clears = 0;
  for (auto at = second.find("\x1b[2K"); at != std::string::npos; at = second.find("\x1b[2K", at + 1)) ++clears;
  EXPECT_EQ(clears, 4u);
}

TEST(LiveTable, IgnoresCellsOutsideTheTable) {
  LiveTable t = table(false);
  EXPECT_EQ(t.update(5, 0, CellState::passed, 0, 0), "");
  EXPECT_EQ(t.update(0, 9, CellState::passed, 0, 0), "");
}

TEST(LiveTable, EverySymbolIsOneColumnWide) {
  for (auto state : {CellState::pending, CellState::running, CellState::passed, CellState::failed,
                     CellState::missing, CellState::not_reached, CellState::skipped}) {
    std::size_t code_points = 0;
    for (char c : cell_symbol(state)) code_points += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
    EXPECT_EQ(code_points, 1u) << to_string(state);
  }
}

}  // namespace
}  // namespace phonerig::report
