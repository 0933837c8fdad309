// The frame log: one record per painted frame, kept in a fixed ring, and the rule that
// names the cause of a slow frame.
//
// Recording must be cheap enough to be always on: FrameLog is a ring of plain records
// allocated once; record() copies one in. Everything that reads the log (attribution,
// JSON lines, the summary) works on copies and is never on the paint path.
//
// Stall attribution (attribute()): a frame is a stall when it was presented (or, without
// presentation feedback, committed) more than two refresh intervals after its content
// became dirty. Its cause is the single largest share of that delay, among:
//   - sync-output: the time a program held painting with DEC mode 2026;
//   - network: the age of the oldest remote data the visible panes waited for;
//   - compositor: the wait for the frame callback (dirty to callback arrival);
//   - pty-starved: the pty thread was behind (output waiting to be parsed at paint time);
//   - cpu:<phase>: the longest CPU phase of the paint (snapshot, glyphs, upload, draw);
//   - gpu/swap: eglSwapBuffers and presentation after it.
// The largest share wins because a stall has one dominant cause a user can act on; the
// record keeps every share, so the rest is not lost.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cadence::framelog {

enum class Phase : uint8_t { snapshot, glyphs, upload, draw, swap, count };
const char* phase_name(Phase p);

// Why the frame was painted (bits).
namespace reason {
inline constexpr uint32_t input = 1 << 0;
inline constexpr uint32_t pty_output = 1 << 1;
inline constexpr uint32_t remote_delta = 1 << 2;
inline constexpr uint32_t resize = 1 << 3;
inline constexpr uint32_t config_reload = 1 << 4;
inline constexpr uint32_t blink = 1 << 5;
inline constexpr uint32_t sync_end = 1 << 6;
}  // namespace reason

struct FrameRecord {
  uint64_t frame = 0;
  // CLOCK_MONOTONIC nanoseconds; 0 when it did not happen.
  uint64_t dirty_ns = 0;     // when the content first became dirty for this frame
  uint64_t callback_ns = 0;  // the frame callback this paint waited for arrived
  uint64_t paint_start_ns = 0;
  uint64_t commit_ns = 0;
  uint64_t presented_ns = 0;  // wp_presentation, when offered
  std::array<uint32_t, static_cast<size_t>(Phase::count)> phase_us{};
  uint32_t reasons = 0;
  uint32_t rows_uploaded = 0;
  uint32_t glyphs_rasterized = 0;
  uint64_t bytes_parsed = 0;     // pty output parsed since the previous frame
  uint64_t bytes_pending = 0;    // pty output read but not yet parsed when painting began
  uint32_t sync_held_us = 0;     // held by DEC mode 2026
  uint32_t network_wait_us = 0;  // age of the oldest remote data waited for
};

struct Attribution {
  bool stall = false;
  std::string cause;      // empty when not a stall
  uint64_t delay_us = 0;  // dirty to presented/committed
};

// refresh_ns: the output's refresh interval (16.67 ms at 60 Hz).
Attribution attribute(const FrameRecord& r, uint64_t refresh_ns);

class FrameLog {
 public:
  explicit FrameLog(size_t capacity = 4096);
  void record(const FrameRecord& r) {
    ring_[next_ % ring_.size()] = r;
    ++next_;
  }
  size_t size() const { return next_ < ring_.size() ? next_ : ring_.size(); }
  size_t capacity() const { return ring_.size(); }
  uint64_t total() const { return next_; }
  // Oldest first.
  std::vector<FrameRecord> records() const;

 private:
  std::vector<FrameRecord> ring_;
  uint64_t next_ = 0;
};

// One JSON object per line, stalls marked with their cause.
std::string to_json_line(const FrameRecord& r, uint64_t refresh_ns);

struct PhaseSummary {
  uint32_t p50 = 0, p90 = 0, p99 = 0, max = 0;
};
struct Summary {
  size_t frames = 0;
  std::array<PhaseSummary, static_cast<size_t>(Phase::count)> phases{};
  PhaseSummary frame_us;                                        // commit - paint start
  std::vector<std::pair<std::string, size_t>> stalls_by_cause;  // most first
};
Summary summarize(const std::vector<FrameRecord>& records, uint64_t refresh_ns);
// Nearest-rank percentile of unsorted values (p in 0..100); 0 for none.
uint32_t percentile(std::vector<uint32_t> values, double p);

}  // namespace cadence::framelog
