#include "harness/report/live_table.hpp"

#include <algorithm>
#include <cstdio>

namespace phonerig::report {
namespace {

constexpr std::string_view kReset = "\x1b[0m";

std::string_view colour_of(CellState state) {
  switch (state) {
    case CellState::passed: return "\x1b[32m";       // green
    case CellState::failed: return "\x1b[1;31m";     // bold red
    case CellState::missing: return "\x1b[33m";      // yellow
    case CellState::running: return "\x1b[36m";      // cyan
    case CellState::pending:
    case CellState::not_reached:
    case CellState::skipped: return "\x1b[2m";       // dim
  }
  return "";
}

// Display width of UTF-8 text: code points, which is right for the symbols and labels here.
std::size_t width_of(std::string_view text) {
  std::size_t width = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++width;
  }
  return width;
}

std::string pad(std::string_view text, std::size_t width) {
  std::string out(text);
  const std::size_t have = width_of(text);
  if (have < width) out.append(width - have, ' ');
  return out;
}

std::string seconds(std::int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms) / 1000.0);
  return text;
}

}  // namespace

std::string_view to_string(CellState state) {
  switch (state) {
    case CellState::pending: return "pending";
    case CellState::running: return "running";
    case CellState::passed: return "passed";
    case CellState::failed: return "failed";
    case CellState::missing: return "missing";
    case CellState::not_reached: return "not_reached";
    case CellState::skipped: return "skipped";
  }
  return "?";
}

std::string_view cell_symbol(CellState state) {
  switch (state) {
    case CellState::pending: return "\u00b7";
    case CellState::running: return "\u2026";
    case CellState::passed: return "\u2713";
    case CellState::failed: return "\u2717";
    case CellState::missing: return "?";
    case CellState::not_reached: return "-";
    case CellState::skipped: return "s";
  }
  return "?";
}

std::vector<std::string> render_table(const LiveTableModel& model, std::int64_t elapsed_ms,
                                      bool colour) {
  std::vector<std::string> lines;
  lines.push_back("phonerig  " + model.title + "  " + seconds(elapsed_ms));
  std::size_t label_width = width_of("phone");
  for (const auto& phone : model.phones) label_width = std::max(label_width, width_of(phone));
  std::vector<std::size_t> widths;
  for (const auto& step : model.steps) widths.push_back(std::max<std::size_t>(width_of(step), 1));

  std::string header = pad("phone", label_width);
  for (std::size_t s = 0; s < model.steps.size(); ++s) header += "  " + pad(model.steps[s], widths[s]);
  lines.push_back(header);
  for (std::size_t p = 0; p < model.phones.size(); ++p) {
    std::string line = pad(model.phones[p], label_width);
    for (std::size_t s = 0; s < model.steps.size(); ++s) {
      const CellState state =
          p < model.cells.size() && s < model.cells[p].size() ? model.cells[p][s] : CellState::pending;
      const std::string symbol = pad(cell_symbol(state), widths[s]);
      line += "  ";
      line += colour ? std::string(colour_of(state)) + symbol + std::string(kReset) : symbol;
    }
    const std::int64_t phone_ms = p < model.phone_elapsed_ms.size() ? model.phone_elapsed_ms[p] : -1;
    line += "  " + (phone_ms < 0 ? std::string("-") : seconds(phone_ms));
    lines.push_back(line);
  }
  return lines;
}

std::string render_change(const LiveTableModel& model, std::size_t phone, std::size_t step,
                          std::int64_t elapsed_ms) {
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "[%9.3f s] ", static_cast<double>(elapsed_ms) / 1000.0);
  const CellState state = model.cells.at(phone).at(step);
  std::string line = stamp + model.phones.at(phone) + " " + model.steps.at(step) + ": " +
                     std::string(to_string(state));
  const std::int64_t phone_ms = model.phone_elapsed_ms.at(phone);
  if (phone_ms >= 0) line += " (" + seconds(phone_ms) + " after power-on)";
  return line;
}

LiveTable::LiveTable(std::string title, std::vector<std::string> phones,
                     std::vector<std::string> steps, bool tty)
    : tty_(tty) {
  model_.title = std::move(title);
  model_.cells.assign(phones.size(), std::vector<CellState>(steps.size(), CellState::pending));
  model_.phone_elapsed_ms.assign(phones.size(), -1);
  model_.phones = std::move(phones);
  model_.steps = std::move(steps);
}

std::string LiveTable::update(std::size_t phone, std::size_t step, CellState state,
                              std::int64_t phone_elapsed_ms, std::int64_t elapsed_ms) {
  if (phone >= model_.phones.size() || step >= model_.steps.size()) return {};
  if (model_.cells[phone][step] == state) return {};
  model_.cells[phone][step] = state;
  model_.phone_elapsed_ms[phone] = phone_elapsed_ms;
  if (tty_) return redraw(elapsed_ms);
  return render_change(model_, phone, step, elapsed_ms) + "\n";
}

std::string LiveTable::tick(std::int64_t elapsed_ms) { return tty_ ? redraw(elapsed_ms) : ""; }

std::string LiveTable::finish(std::int64_t elapsed_ms) {
  if (tty_) return redraw(elapsed_ms);
  std::string out;
  for (const auto& line : render_table(model_, elapsed_ms, false)) out += line + "\n";
  return out;
}

std::string LiveTable::redraw(std::int64_t elapsed_ms) {
  std::string out;
  // Back to the first line of the previous drawing; each line is cleared before it is
  // written, so a shorter line leaves nothing of the longer one behind.
  if (lines_drawn_ > 0) out += "\x1b[" + std::to_string(lines_drawn_) + "A";
  const auto lines = render_table(model_, elapsed_ms, true);
  for (const auto& line : lines) out += "\r\x1b[2K" + line + "\n";
  lines_drawn_ = lines.size();
  return out;
}

}  // namespace phonerig::report
