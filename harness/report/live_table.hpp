// The live view of `phonerig run`: phones as rows, steps as columns, a symbol per state and
// the elapsed time. On a terminal the table is redrawn in place (ANSI cursor movement and
// colours); elsewhere (CI logs, a pipe) each change is one plain line, so a log reads as a
// story and no escape sequence lands in a file. Whether stdout is a terminal is the
// caller's decision (isatty(1) in the app); this class only produces text and writes none.
//
//   phonerig  cold-boot  12.4 s
//   phone    power  boot  vlan  dhcp  ctl  itl  config ...
//   phone1   ✓      ✓     ✓     …     ·    ·    ·          3.2 s
//   phone2   ✓      ✗     -     -     -    -    -          0.8 s
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace phonerig::report {

enum class CellState { pending, running, passed, failed, missing, not_reached, skipped };
std::string_view to_string(CellState state);
// One display column wide: "·" pending, "…" running, "✓" passed, "✗" failed, "?" missing,
// "-" not reached, "s" skipped.
std::string_view cell_symbol(CellState state);

struct LiveTableModel {
  std::string title;                // the scenario's name
  std::vector<std::string> phones;  // row labels
  std::vector<std::string> steps;   // column labels
  // cells[phone][step]
  std::vector<std::vector<CellState>> cells;
  // Per phone: ms since its power-on when its last cell changed (-1: not started).
  std::vector<std::int64_t> phone_elapsed_ms;
};

// The table as lines of text (no escape sequences when `colour` is false), each padded to
// its column widths; the first line is the title with the run's elapsed time.
std::vector<std::string> render_table(const LiveTableModel& model, std::int64_t elapsed_ms,
                                      bool colour);
// One line for one change: "[  12.345 s] phone1 DHCP: passed".
std::string render_change(const LiveTableModel& model, std::size_t phone, std::size_t step,
                          std::int64_t elapsed_ms);

class LiveTable {
 public:
  LiveTable(std::string title, std::vector<std::string> phones, std::vector<std::string> steps,
            bool tty);

  // Records a cell's new state; returns the text to write: the redrawn table on a TTY, one
  // line on anything else, nothing when the state did not change. `phone_elapsed_ms` is the
  // time since that phone's power-on, `elapsed_ms` since the run began.
  std::string update(std::size_t phone, std::size_t step, CellState state,
                     std::int64_t phone_elapsed_ms, std::int64_t elapsed_ms);
  // A periodic tick for the elapsed time: the redrawn table on a TTY, nothing otherwise.
  std::string tick(std::int64_t elapsed_ms);
  // The last frame: on a TTY the table once more; elsewhere the whole table as plain lines,
  // a summary for the log's end.
  std::string finish(std::int64_t elapsed_ms);

  const LiveTableModel& model() const { return model_; }

 private:
  std::string redraw(std::int64_t elapsed_ms);

  LiveTableModel model_;
  bool tty_;
  std::size_t lines_drawn_ = 0;  // how far up the next redraw moves the cursor
};

}  // namespace phonerig::report
