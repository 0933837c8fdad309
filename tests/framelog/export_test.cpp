// What the frame log's readers make of a ring: the summary's figures, the time window,
// the Chrome trace's events and the chart's shapes, each checked against values worked
// out from the records by hand.
#include <gtest/gtest.h>

#include <algorithm>

#include "framelog/flat_json.hpp"
#include "framelog/frame_log.hpp"
#include "framelog/plot.hpp"
#include "framelog/summary.hpp"
#include "framelog/trace.hpp"

namespace cadence::framelog {
namespace {

constexpr uint64_t kMs = 1000000;
constexpr uint64_t kRefresh = 16666667;

// Frame i of a steady 60 Hz run: dirty at i*16.67 ms, painted 1 ms later for `draw_us`.
FrameRecord steady(uint64_t i, uint32_t draw_us) {
  FrameRecord r;
  r.frame = i;
  r.dirty_ns = 1000 * kMs + i * kRefresh;
  r.callback_ns = r.dirty_ns + kMs;
  r.paint_start_ns = r.callback_ns;
  r.phase_us[static_cast<size_t>(Phase::snapshot)] = 100;
  r.end_ns[static_cast<size_t>(Phase::snapshot)] = r.paint_start_ns + 100000;
  r.phase_us[static_cast<size_t>(Phase::draw)] = draw_us;
  r.end_ns[static_cast<size_t>(Phase::draw)] = r.paint_start_ns + 100000 + draw_us * 1000ull;
  r.commit_ns = r.end_ns[static_cast<size_t>(Phase::draw)];
  return r;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(Summary, PercentilesMatchAReference) {
  std::vector<FrameRecord> rs;
  for (uint32_t i = 1; i <= 100; ++i) {
    FrameRecord r = steady(i, i);  // draw 1..100 us
    rs.push_back(r);
  }
  rs[10].callback_ns = rs[10].dirty_ns + 90 * kMs;  // one compositor stall
  rs[10].paint_start_ns = rs[10].callback_ns;
  rs[10].commit_ns = rs[10].paint_start_ns + 2 * kMs;
  const Summary s = summarize(rs, kRefresh);
  EXPECT_EQ(s.frames, 100u);
  const PhaseSummary& d = s.phases[static_cast<size_t>(Phase::draw)];
  // Nearest rank over 1..100: the p-th smallest.
  EXPECT_EQ(d.p50, 50u);
  EXPECT_EQ(d.p90, 90u);
  EXPECT_EQ(d.p99, 99u);
  EXPECT_EQ(d.max, 100u);
  EXPECT_EQ(s.stalls, 1u);
  ASSERT_EQ(s.stalls_by_cause.size(), 1u);
  EXPECT_EQ(s.stalls_by_cause[0].first, "compositor");
  EXPECT_EQ(percentile({5, 1, 3, 2, 4}, 50), 3u);
  EXPECT_EQ(percentile({}, 99), 0u);
}

TEST(Summary, FramesPerSecondOverTheCommits) {
  std::vector<FrameRecord> rs;
  for (uint64_t i = 0; i < 61; ++i) rs.push_back(steady(i, 500));
  const Summary s = summarize(rs, kRefresh);
  EXPECT_NEAR(s.seconds, 1.0, 1e-6);
  EXPECT_NEAR(s.fps, 60.0, 1e-3);
  EXPECT_EQ(summarize({}, kRefresh).fps, 0.0);
  EXPECT_EQ(summarize({steady(1, 5)}, kRefresh).fps, 0.0);
}

TEST(Summary, LastSecondsKeepsOnlyRecentCommits) {
  std::vector<FrameRecord> rs;
  for (uint64_t i = 0; i < 120; ++i) rs.push_back(steady(i, 500));
  const uint64_t now = rs.back().commit_ns;
  const std::vector<FrameRecord> last = last_seconds(rs, now, 0.5);
  // Commits 16.67 ms apart: those within 500 ms of the last, the last included.
  ASSERT_EQ(last.size(), 30u);
  EXPECT_EQ(last.front().frame, 90u);
  EXPECT_EQ(last_seconds(rs, now, 0).size(), 120u);
  EXPECT_EQ(last_seconds(rs, now, 1e9).size(), 120u);
}

TEST(Summary, TextAndJsonCarryTheFigures) {
  std::vector<FrameRecord> rs;
  for (uint64_t i = 0; i < 10; ++i) rs.push_back(steady(i, 2000));
  const Summary s = summarize(rs, kRefresh);
  const std::string text = format_summary(s, kRefresh);
  EXPECT_NE(text.find("10 frames"), std::string::npos) << text;
  EXPECT_NE(text.find("draw"), std::string::npos);
  EXPECT_NE(text.find("2.00"), std::string::npos);
  Result<FlatObject> json = parse_flat_json(summary_json(s, kRefresh));
  ASSERT_TRUE(json) << json.error().message;
  ASSERT_NE(find_key(json.value(), "draw_p99_us"), nullptr);
  EXPECT_EQ(find_key(json.value(), "draw_p99_us")->integer, 2000u);
  EXPECT_EQ(find_key(json.value(), "frames")->integer, 10u);
}

TEST(Trace, OneSlicePerTimedPhaseAndAnInstantPerStall) {
  std::vector<FrameRecord> rs;
  for (uint64_t i = 0; i < 5; ++i) rs.push_back(steady(i, 1000));
  rs[2].phase_us[static_cast<size_t>(Phase::draw)] = 60000;  // a cpu:draw stall
  rs[2].end_ns[static_cast<size_t>(Phase::draw)] = rs[2].paint_start_ns + 60100 * 1000ull;
  rs[2].commit_ns = rs[2].end_ns[static_cast<size_t>(Phase::draw)];
  rs[3].sync_held_us = 5000;
  rs[4].flood_held_us = 20000;
  const TraceOutput t = to_chrome_trace(rs, kRefresh);
  // Metadata: process name + (name, sort index) for 1 frame + 7 phase + 4 wait + 1 stall
  // tracks. Per frame: the frame slice, two phase slices and the callback wait; one sync
  // hold; one flood-pacing hold; one stall.
  const size_t metadata = 1 + 2 * (1 + kPhases + 4 + 1);
  EXPECT_EQ(t.events, metadata + 5 * 4 + 1 + 1 + 1);
  EXPECT_EQ(count(t.json, "\"ph\":"), t.events);
  EXPECT_EQ(count(t.json, "\"ph\":\"X\""), 5u * 4 + 1 + 1);
  EXPECT_NE(t.json.find("\"name\":\"flood-paced\""), std::string::npos);
  EXPECT_EQ(count(t.json, "\"ph\":\"i\""), 1u);
  EXPECT_NE(t.json.find("\"name\":\"stall: cpu:draw\""), std::string::npos);
  EXPECT_NE(t.json.find("\"name\":\"GUI: draw\""), std::string::npos);
  EXPECT_EQ(t.json.rfind("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[", 0), 0u);
  // Time starts at 0 at the earliest timestamp, in microseconds.
  EXPECT_NE(t.json.find("\"ts\":0.000"), std::string::npos);
}

TEST(Plot, BarsStackThePhasesAndStallsTakeTheirCauseColour) {
  std::vector<FrameRecord> rs;
  for (uint64_t i = 0; i < 4; ++i) rs.push_back(steady(i, 1000));
  rs[1].callback_ns = rs[1].dirty_ns + 80 * kMs;  // compositor stall
  rs[1].paint_start_ns = rs[1].callback_ns;
  rs[1].commit_ns = rs[1].paint_start_ns + 2 * kMs;
  PlotOptions o;
  o.width = 400;
  o.height = 200;
  const PlotScene s = plot_scene(rs, kRefresh, o);
  auto with_color = [&](uint32_t argb) {
    return std::count_if(s.rects.begin(), s.rects.end(),
                         [&](const PlotRect& r) { return r.argb == argb; });
  };
  EXPECT_EQ(with_color(phase_color(Phase::draw)), 4 + 1);  // bars + legend box
  EXPECT_EQ(with_color(phase_color(Phase::snapshot)), 4 + 1);
  EXPECT_EQ(with_color(cause_color("compositor")), 1 + 1);  // strip + legend box
  // Draw sits on snapshot: the draw rectangle ends where the snapshot one begins.
  const auto bar_of = [&](Phase p) {
    return *std::find_if(s.rects.begin(), s.rects.end(),
                         [&](const PlotRect& r) { return r.argb == phase_color(p); });
  };
  EXPECT_NEAR(bar_of(Phase::draw).y + bar_of(Phase::draw).h, bar_of(Phase::snapshot).y, 0.01);
  EXPECT_GT(bar_of(Phase::draw).h, bar_of(Phase::snapshot).h);
  const std::string svg = plot_svg(s);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_EQ(count(svg, "<rect "), s.rects.size() + 1);
  EXPECT_NE(svg.find("compositor 1"), std::string::npos);
  EXPECT_NE(svg.find("refresh 16.7 ms"), std::string::npos);
}

TEST(Plot, RasterHasTheSceneColours) {
  std::vector<FrameRecord> rs;
  for (uint64_t i = 0; i < 4; ++i) rs.push_back(steady(i, 30000));
  PlotOptions o;
  o.width = 200;
  o.height = 120;
  const PlotScene s = plot_scene(rs, kRefresh, o);
  const RgbaImage img = rasterize(s);
  ASSERT_EQ(img.pixels.size(), 200u * 120u * 4u);
  const uint32_t draw = phase_color(Phase::draw);
  const PlotRect bar = *std::find_if(s.rects.begin(), s.rects.end(),
                                     [&](const PlotRect& r) { return r.argb == draw; });
  const int x = static_cast<int>(bar.x + bar.w / 2), y = static_cast<int>(bar.y + bar.h / 2);
  const uint8_t* p = &img.pixels[(static_cast<size_t>(y) * 200 + static_cast<size_t>(x)) * 4];
  EXPECT_EQ(p[0], (draw >> 16) & 0xff);
  EXPECT_EQ(p[1], (draw >> 8) & 0xff);
  EXPECT_EQ(p[2], draw & 0xff);
  EXPECT_EQ(p[3], 0xff);
}

TEST(Plot, CompactFormNamesTheLastStall) {
  std::vector<FrameRecord> rs;
  for (uint64_t i = 0; i < 3; ++i) rs.push_back(steady(i, 1000));
  PlotOptions o;
  o.compact = true;
  o.width = 300;
  o.height = 80;
  EXPECT_EQ(plot_scene(rs, kRefresh, o).texts.at(0).text, "no stall");
  rs[2].phase_us[static_cast<size_t>(Phase::draw)] = 60000;
  rs[2].commit_ns = rs[2].paint_start_ns + 60100 * 1000ull;
  EXPECT_EQ(plot_scene(rs, kRefresh, o).texts.at(0).text, "last stall: cpu:draw 61.1 ms");
}

TEST(FlatJson, ReadsTheShapesTheLogWrites) {
  Result<FlatObject> o = parse_flat_json(
      R"({"a":1,"b":-2.5,"c":"x\"y\u0041","d":[],"e":["p","q"],"f":true,"g":null})");
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(find_key(o.value(), "a")->integer, 1u);
  EXPECT_FALSE(find_key(o.value(), "b")->is_integer);
  EXPECT_EQ(find_key(o.value(), "b")->number, -2.5);
  EXPECT_EQ(find_key(o.value(), "c")->string, "x\"yA");
  EXPECT_TRUE(find_key(o.value(), "d")->strings.empty());
  EXPECT_EQ(find_key(o.value(), "e")->strings.size(), 2u);
  EXPECT_TRUE(find_key(o.value(), "f")->boolean);
  EXPECT_EQ(find_key(o.value(), "g")->kind, FlatValue::Kind::null);
  EXPECT_EQ(json_quote("a\"\n\x01"), "\"a\\\"\\n\\u0001\"");
  // Back again, at any length (get-text lines are not bounded like log lines).
  const std::string long_text(kMaxFlatJsonLine * 2, 'x');
  EXPECT_EQ(json_unquote(json_quote(long_text)).value(), long_text);
  EXPECT_EQ(json_unquote(json_quote("a\"\n\x01")).value(), "a\"\n\x01");
  EXPECT_FALSE(json_unquote("\"a\" b"));
  EXPECT_FALSE(json_unquote("a"));
  EXPECT_FALSE(parse_flat_json(std::string(kMaxFlatJsonLine + 1, ' ')));
  EXPECT_FALSE(parse_flat_json("{} x"));
  EXPECT_FALSE(parse_flat_json("{\"a\":[1]}"));
  EXPECT_FALSE(parse_flat_json("{\"a\":\"unterminated}"));
}

}  // namespace
}  // namespace cadence::framelog
