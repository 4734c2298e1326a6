// The waterfall of one phone's steps: an inline SVG, one row per step, time since power-on
// confirmed along x.
#include <algorithm>
#include <cstdio>
#include <string>

#include "harness/report/report_html.hpp"

namespace phonerig::report {
namespace {

constexpr int kLabelWidth = 220;
constexpr int kPlotWidth = 760;
constexpr int kRowHeight = 20;
constexpr int kAxisHeight = 28;
constexpr int kBarHeight = 14;

// A tick's label: "0", "500 ms", "10 s", "1.5 s".
std::string tick_label(std::int64_t ms) {
  if (ms == 0) return "0";
  char text[32];
  if (ms % 1000 == 0) {
    std::snprintf(text, sizeof text, "%lld s", static_cast<long long>(ms / 1000));
  } else if (ms >= 1000) {
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms) / 1000.0);
  } else {
    std::snprintf(text, sizeof text, "%lld ms", static_cast<long long>(ms));
  }
  return text;
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

// The axis end: the last time any step shows, rounded up to a tick.
std::int64_t axis_end_ms(const PhoneReport& phone, std::int64_t& tick_ms) {
  std::int64_t end = 0;
  for (const auto& step : phone.steps) {
    for (const auto& t : {step.started_ms, step.ended_ms, step.deadline_ms}) {
      if (t) end = std::max(end, *t);
    }
  }
  if (end <= 0) end = 1000;
  // Ticks of 1, 2 or 5 x 10^n ms, about ten across the plot.
  static constexpr std::int64_t kTicks[] = {1,     2,     5,      10,     20,     50,
                                            100,   200,   500,    1000,   2000,   5000,
                                            10000, 20000, 50000,  100000, 200000, 500000,
                                            1000000, 2000000, 5000000, 10000000};
  tick_ms = kTicks[sizeof kTicks / sizeof kTicks[0] - 1];
  for (std::int64_t t : kTicks) {
    if (end / t <= 10) {
      tick_ms = t;
      break;
    }
  }
  return (end + tick_ms - 1) / tick_ms * tick_ms;
}

const char* bar_class(StepResult result) {
  switch (result) {
    case StepResult::passed: return "bar-passed";
    case StepResult::failed: return "bar-failed";
    case StepResult::missing: return "bar-missing";
    case StepResult::not_reached: return "bar-not_reached";
    case StepResult::skipped: return "bar-skipped";
  }
  return "bar-missing";
}

std::string tooltip(const StepReport& step) {
  std::string text = step.name + ": " + std::string(to_string(step.result));
  if (step.started_ms) text += "\nstarted " + format_ms(step.started_ms);
  if (step.ended_ms) text += "\nended " + format_ms(step.ended_ms);
  if (auto d = step.duration_ms()) text += "\nduration " + format_ms(d);
  if (step.deadline_ms) text += "\ndeadline " + format_ms(step.deadline_ms);
  if (!step.reason.empty()) text += "\n" + step.reason;
  return text;
}

}  // namespace

std::string waterfall_svg(const PhoneReport& phone) {
  std::int64_t tick_ms = 1000;
  const std::int64_t end_ms = axis_end_ms(phone, tick_ms);
  const double scale = static_cast<double>(kPlotWidth) / static_cast<double>(end_ms);
  auto x_of = [&](std::int64_t ms) {
    return kLabelWidth + static_cast<double>(std::clamp<std::int64_t>(ms, 0, end_ms)) * scale;
  };
  const int width = kLabelWidth + kPlotWidth + 40;  // room for the last tick's label
  const int height = kAxisHeight + kRowHeight * static_cast<int>(phone.steps.size()) + 8;

  std::string svg = "<svg class=\"waterfall\" width=\"" +
                    std::to_string(width) + "\" height=\"" + std::to_string(height) +
                    "\" viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(height) +
                    "\" role=\"img\" aria-label=\"" + html_escape("steps of " + phone.id) +
                    "\">\n";
  // The time axis: a grid line and a label per tick.
  for (std::int64_t t = 0; t <= end_ms; t += tick_ms) {
    const std::string x = number(x_of(t));
    svg += "<line class=\"grid\" x1=\"" + x + "\" y1=\"" + std::to_string(kAxisHeight - 6) +
           "\" x2=\"" + x + "\" y2=\"" + std::to_string(height - 4) + "\"/>";
    svg += "<text class=\"tick\" x=\"" + x + "\" y=\"" + std::to_string(kAxisHeight - 10) +
           "\" text-anchor=\"middle\">" + html_escape(tick_label(t)) + "</text>\n";
  }
  int row = 0;
  for (const auto& step : phone.steps) {
    const int top = kAxisHeight + row * kRowHeight;
    const int bar_top = top + (kRowHeight - kBarHeight) / 2;
    if (row % 2 == 1) {
      svg += "<rect class=\"stripe\" x=\"0\" y=\"" + std::to_string(top) + "\" width=\"" +
             std::to_string(width) + "\" height=\"" + std::to_string(kRowHeight) + "\"/>";
    }
    svg += "<g class=\"step\"><title>" + html_escape(tooltip(step)) + "</title>";
    svg += "<text class=\"label\" x=\"" + std::to_string(kLabelWidth - 8) + "\" y=\"" +
           std::to_string(top + kRowHeight - 7) + "\" text-anchor=\"end\">" +
           html_escape(step.name) + "</text>";
    // A bar from start to end; a step with a start only (still running when the run
    // stopped) up to its deadline; missing: a grey bar across the window it was awaited in.
    std::optional<std::int64_t> from = step.started_ms;
    std::optional<std::int64_t> to = step.ended_ms ? step.ended_ms : step.deadline_ms;
    if (!from && step.result == StepResult::missing && step.deadline_ms) from = std::int64_t{0};
    if (from && !to) to = from;
    if (from && to) {
      const double x1 = x_of(*from);
      const double w = std::max(3.0, x_of(*to) - x1);
      svg += "<rect class=\"bar " + std::string(bar_class(step.result)) + "\" x=\"" + number(x1) +
             "\" y=\"" + std::to_string(bar_top) + "\" width=\"" + number(w) + "\" height=\"" +
             std::to_string(kBarHeight) + "\" rx=\"2\"/>";
    } else {
      // Nothing to place on the axis: a marker beside the label says what happened.
      svg += "<circle class=\"" + std::string(bar_class(step.result)) + "\" cx=\"" +
             std::to_string(kLabelWidth + 6) + "\" cy=\"" + std::to_string(top + kRowHeight / 2) +
             "\" r=\"4\"/>";
    }
    if (step.deadline_ms) {
      const std::string x = number(x_of(*step.deadline_ms));
      svg += "<line class=\"deadline\" x1=\"" + x + "\" y1=\"" + std::to_string(top + 2) +
             "\" x2=\"" + x + "\" y2=\"" + std::to_string(top + kRowHeight - 2) + "\"/>";
    }
    svg += "</g>\n";
    ++row;
  }
  svg += "</svg>";
  return svg;
}

}  // namespace phonerig::report
