// Must-show 4 of issue 7: report.html opened in headless Chromium renders the waterfall.
// The page for a sample two-phone run with a failure is written as `phonerig run` writes
// it, Chromium takes a 1280x900 screenshot, and the PNG's pixels are read back (python3's
// zlib, a minimal PNG decoder): the red of the failed step's bar and the grey of the
// missing step's bar must cover the areas the SVG gives them, and the page must not be one
// colour. Skipped, with the reason, where chromium or python3 is not installed
// (scripts/setup.sh installs chromium).
#include <gtest/gtest.h>

#include <sstream>

#include "harness/report/report_files.hpp"
#include "tests/support/netns.hpp"
#include "tests/support/pcap_file.hpp"
#include "tests/unit/harness/report/report_samples.hpp"

namespace phonerig::report {
namespace {

// Reads an 8-bit RGB/RGBA non-interlaced PNG (what Chromium writes) and prints:
// width height distinct_colours failed_red_pixels missing_grey_pixels
constexpr const char* kPngStats = R"py(
import sys, zlib, struct
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat, w = 8, b'', 0
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
        assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
        bpp = 4 if ctype == 6 else 3
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours, red, grey = set(), 0, 0
i = 0
for y in range(h):
    f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        r, g, bl = line[x], line[x + 1], line[x + 2]
        colours.add((r, g, bl))
        if abs(r - 0xe5) < 8 and abs(g - 0x39) < 8 and abs(bl - 0x35) < 8: red += 1
        if abs(r - 0x9e) < 6 and abs(g - 0x9e) < 6 and abs(bl - 0x9e) < 6: grey += 1
    prev = line
print(w, h, len(colours), red, grey)
)py";

struct PngStats {
  int width = 0, height = 0;
  long colours = 0, red = 0, grey = 0;
};

bool have(const char* program) {
  return phonerig::testing::run_command({"sh", "-c", std::string("command -v ") + program}).status == 0;
}

TEST(ReportHtmlChromium, RendersTheWaterfallOfATwoPhoneRunWithAFailure) {
  if (!have("chromium")) GTEST_SKIP() << "chromium is not installed (apt-get install chromium)";
  if (!have("python3")) GTEST_SKIP() << "python3 is not installed: cannot read the PNG";

  phonerig::testing::TempDir dir;
  const std::filesystem::path folder = std::filesystem::path(dir.path()) / "run";
  auto paths = write_reports(folder, testing::sample_report());
  ASSERT_TRUE(paths) << paths.error().message;
  const std::string png = dir.file("report.png");
  // A private profile: nothing is written to the user's ~/.config/chromium.
  const auto shot = phonerig::testing::run_command(
      {"timeout", "120", "chromium", "--headless", "--no-sandbox", "--disable-gpu",
       "--user-data-dir=" + dir.file("profile"), "--screenshot=" + png, "--window-size=1280,900",
       // Under load a headless screenshot can be taken before every layer is painted (a
       // CI run once got the legend without the bars): paint all before the capture.
       "--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000",
       "file://" + paths->html.string()});
  ASSERT_EQ(shot.status, 0) << shot.err;
  ASSERT_TRUE(std::filesystem::exists(png)) << shot.err;
  EXPECT_GT(std::filesystem::file_size(png), 20'000u) << "a screenshot this small shows next to nothing";

  const auto read = phonerig::testing::run_command({"python3", "-c", kPngStats, png});
  ASSERT_EQ(read.status, 0) << read.err;
  PngStats stats;
  std::istringstream(read.out) >> stats.width >> stats.height >> stats.colours >> stats.red >>
      stats.grey;
  EXPECT_EQ(stats.width, 1280);
  EXPECT_EQ(stats.height, 900);
  EXPECT_GT(stats.colours, 50) << "the page is (nearly) one colour";
  // The bars' colours are their own (report_html.cpp: bar-failed #e53935, bar-missing
  // #9e9e9e; the badges use others) and the legend shows each in 12 x 12 px. phone2's
  // failed REGISTER bar spans 6 s to 36 s of a 60 s axis over 760 px (380 x 14 px); its
  // missing dial-rules bar the whole axis (760 x 14 px).
  EXPECT_GT(stats.red, 4000) << read.out;
  EXPECT_GT(stats.grey, 8000) << read.out;
}

TEST(ReportHtmlChromium, APageWithoutPhonesHasNoWaterfallColours) {
  if (!have("chromium")) GTEST_SKIP() << "chromium is not installed (apt-get install chromium)";
  if (!have("python3")) GTEST_SKIP() << "python3 is not installed: cannot read the PNG";
  // The control: the same measurement on a run without phones finds no bar, so the
  // assertions above can fail.
  phonerig::testing::TempDir dir;
  RunReport empty;
  empty.scenario_name = "empty";
  empty.result = RunResult::passed;
  auto paths = write_reports(std::filesystem::path(dir.path()) / "run", empty);
  ASSERT_TRUE(paths) << paths.error().message;
  const std::string png = dir.file("empty.png");
  const auto shot = phonerig::testing::run_command(
      {"timeout", "120", "chromium", "--headless", "--no-sandbox", "--disable-gpu",
       "--user-data-dir=" + dir.file("profile"), "--screenshot=" + png, "--window-size=1280,900",
       // Under load a headless screenshot can be taken before every layer is painted (a
       // CI run once got the legend without the bars): paint all before the capture.
       "--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000",
       "file://" + paths->html.string()});
  ASSERT_EQ(shot.status, 0) << shot.err;
  const auto read = phonerig::testing::run_command({"python3", "-c", kPngStats, png});
  ASSERT_EQ(read.status, 0) << read.err;
  PngStats stats;
  std::istringstream(read.out) >> stats.width >> stats.height >> stats.colours >> stats.red >>
      stats.grey;
  EXPECT_LT(stats.red, 500) << read.out;
  EXPECT_LT(stats.grey, 500) << read.out;
}

}  // namespace
}  // namespace phonerig::report
