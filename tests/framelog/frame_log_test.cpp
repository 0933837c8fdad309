// The frame log: the ring keeps the newest frames, and each kind of stall is named by
// the rule in frame_log.hpp.
#include "framelog/frame_log.hpp"

#include <gtest/gtest.h>

namespace cadence::framelog {
namespace {

constexpr uint64_t kMs = 1000000;
constexpr uint64_t kRefresh = 16666667;

// A frame dirty at 0 that was called back, painted and committed at the given times (ms).
FrameRecord frame(uint64_t callback_ms, uint64_t start_ms, uint64_t commit_ms) {
  FrameRecord r;
  r.dirty_ns = 1000 * kMs;
  r.callback_ns = r.dirty_ns + callback_ms * kMs;
  r.paint_start_ns = r.dirty_ns + start_ms * kMs;
  r.commit_ns = r.dirty_ns + commit_ms * kMs;
  return r;
}

TEST(FrameLog, RingKeepsTheNewestFramesOldestFirst) {
  FrameLog log(4);
  for (uint64_t i = 1; i <= 6; ++i) {
    FrameRecord r;
    r.frame = i;
    log.record(r);
  }
  EXPECT_EQ(log.size(), 4u);
  EXPECT_EQ(log.total(), 6u);
  std::vector<FrameRecord> rs = log.records();
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_EQ(rs.front().frame, 3u);
  EXPECT_EQ(rs.back().frame, 6u);
}

TEST(Attribution, FastFrameIsNoStall) {
  FrameRecord r = frame(5, 5, 10);
  r.phase_us[static_cast<size_t>(Phase::draw)] = 3000;
  const Attribution a = attribute(r, kRefresh);
  EXPECT_FALSE(a.stall);
  EXPECT_EQ(a.delay_us, 10000u);
}

TEST(Attribution, LateCallbackIsTheCompositor) {
  FrameRecord r = frame(80, 80, 84);
  r.phase_us[static_cast<size_t>(Phase::draw)] = 3000;
  const Attribution a = attribute(r, kRefresh);
  EXPECT_TRUE(a.stall);
  EXPECT_EQ(a.cause, "compositor");
}

TEST(Attribution, SlowPhaseIsNamed) {
  FrameRecord r = frame(2, 2, 60);
  r.phase_us[static_cast<size_t>(Phase::glyphs)] = 50000;
  r.phase_us[static_cast<size_t>(Phase::draw)] = 4000;
  EXPECT_EQ(attribute(r, kRefresh).cause, "cpu:glyphs");
}

TEST(Attribution, SlowSwapAndPresentationIsGpu) {
  FrameRecord r = frame(2, 2, 50);
  r.phase_us[static_cast<size_t>(Phase::swap)] = 45000;
  r.presented_ns = r.commit_ns + 10 * kMs;
  EXPECT_EQ(attribute(r, kRefresh).cause, "gpu/swap");
}

TEST(Attribution, WaitingForRemoteDataIsTheNetworkNotTheGpu) {
  // The failure the frame log exists to avoid: a remote wait reported as a GPU stall.
  FrameRecord r = frame(2, 300, 304);
  r.network_wait_us = 298000;
  r.phase_us[static_cast<size_t>(Phase::swap)] = 2000;
  const Attribution a = attribute(r, kRefresh);
  EXPECT_EQ(a.cause, "network");
  EXPECT_EQ(a.delay_us, 304000u);
}

TEST(Attribution, SynchronizedOutputHold) {
  FrameRecord r = frame(2, 152, 155);
  r.sync_held_us = 150000;
  EXPECT_EQ(attribute(r, kRefresh).cause, "sync-output");
}

TEST(Attribution, PtyThreadBehind) {
  FrameRecord r = frame(3, 90, 93);
  r.bytes_pending = 1 << 20;
  EXPECT_EQ(attribute(r, kRefresh).cause, "pty-starved");
}

TEST(FrameLog, JsonLineMarksStalls) {
  FrameRecord r = frame(80, 80, 84);
  r.frame = 7;
  const std::string line = to_json_line(r, kRefresh);
  EXPECT_NE(line.find("\"frame\":7"), std::string::npos);
  EXPECT_NE(line.find("\"stall\":true"), std::string::npos);
  EXPECT_NE(line.find("\"cause\":\"compositor\""), std::string::npos);
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(FrameLog, SummaryPercentilesMatchAReference) {
  std::vector<FrameRecord> rs;
  for (uint32_t i = 1; i <= 100; ++i) {
    FrameRecord r = frame(1, 1, 2);
    r.phase_us[static_cast<size_t>(Phase::draw)] = i;  // 1..100
    rs.push_back(r);
  }
  rs[10] = frame(90, 90, 92);  // one compositor stall
  const Summary s = summarize(rs, kRefresh);
  EXPECT_EQ(s.frames, 100u);
  const PhaseSummary& d = s.phases[static_cast<size_t>(Phase::draw)];
  // Reference by hand: the values are 0 (the stall frame), 1..10 and 12..100; the 50th
  // smallest (nearest rank) is 50, the 99th is 99.
  EXPECT_EQ(d.p50, 50u);
  EXPECT_EQ(d.p99, 99u);
  EXPECT_EQ(d.max, 100u);
  ASSERT_EQ(s.stalls_by_cause.size(), 1u);
  EXPECT_EQ(s.stalls_by_cause[0].first, "compositor");
  EXPECT_EQ(percentile({5, 1, 3, 2, 4}, 50), 3u);
  EXPECT_EQ(percentile({}, 99), 0u);
}

}  // namespace
}  // namespace cadence::framelog
