// The frame log: one record per painted frame, kept in a fixed ring, and the rule that
// names the cause of a slow frame.
//
// Recording must be cheap enough to be always on: FrameLog is a ring of plain records
// allocated once; record() copies one in (no allocation, benchmarked in
// bench/bench_framelog.cpp). Everything that reads the log (attribution, JSON lines, the
// summary, the trace, the plot) works on copies and is never on the paint path.
//
// Stall attribution (attribute()): a frame is a stall when it was presented (or, without
// presentation feedback, committed) more than two refresh intervals after its content
// became dirty. Its cause is the single largest share of that delay, among:
//   - sync-output: the time a program held painting with DEC mode 2026;
//   - flood-paced: the time the window held a paint back because output was flooding
//     (more lines than the pane shows went by since the last paint; flood_frame_ms);
//   - network: the age of the oldest remote data the visible panes waited for;
//   - compositor: the wait for the frame callback (dirty to callback arrival), less the
//     part of it the window spent finishing its previous paint (busy_us: no callback can
//     come before that paint's commit), which counts as CPU time instead;
//   - pty-starved: the pty thread was behind (output waiting to be read or parsed at
//     paint time), charged with the wait before the paint that the compositor does not
//     explain;
//   - cpu:<phase>: the longest CPU phase of the paint (snapshot, tab_bar, layout, glyphs,
//     upload, draw);
//   - gpu/swap: eglSwapBuffers and presentation after it.
// The largest share wins because a stall has one dominant cause a user can act on; the
// record keeps every share, so the rest is not lost. Ties go to the earlier entry of the
// list above (the causes outside cadence's paint first).
//
// JSON keys (to_json_line, parse_json_line) are a stable interface: docs/framelog.md lists
// them. New keys may be added; none is renamed or removed. The parser ignores keys it does
// not know, so a newer cadence's log still loads.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace cadence::framelog {

// The phases of a paint, in pipeline order.
enum class Phase : uint8_t { snapshot, tab_bar, layout, glyphs, upload, draw, swap, count };
inline constexpr size_t kPhases = static_cast<size_t>(Phase::count);
const char* phase_name(Phase p);
// The phase named `name` ("draw"), or Phase::count for none.
Phase phase_from_name(std::string_view name);

// Why the frame was painted (bits).
namespace reason {
inline constexpr uint32_t input = 1 << 0;
inline constexpr uint32_t pty_output = 1 << 1;
inline constexpr uint32_t remote_delta = 1 << 2;
inline constexpr uint32_t resize = 1 << 3;
inline constexpr uint32_t config_reload = 1 << 4;
inline constexpr uint32_t blink = 1 << 5;
inline constexpr uint32_t sync_end = 1 << 6;
inline constexpr int kCount = 7;
}  // namespace reason
// "pty_output" for reason::pty_output; nullptr for a bit that names no reason.
const char* reason_name(uint32_t bit);

// The tab bar cache's answer for this frame (no tab bar: none).
enum class TabBar : uint8_t { none, hit, miss };

struct FrameRecord {
  uint64_t frame = 0;
  // CLOCK_MONOTONIC nanoseconds; 0 when it did not happen.
  uint64_t dirty_ns = 0;     // when the content first became dirty for this frame
  uint64_t callback_ns = 0;  // the frame callback this paint waited for arrived
  uint64_t paint_start_ns = 0;
  uint64_t commit_ns = 0;
  uint64_t presented_ns = 0;               // wp_presentation, when offered
  std::array<uint64_t, kPhases> end_ns{};  // when each phase ended; 0: not timed
  std::array<uint32_t, kPhases> phase_us{};

  // What the phases did.
  uint32_t rows_copied = 0;  // snapshot: rows copied from the terminal
  TabBar tab_bar = TabBar::none;
  uint32_t lua_calls = 0;  // tab bar: format-tab-title calls
  uint32_t glyphs_rasterized = 0;
  uint32_t rows_uploaded = 0;
  uint64_t bytes_uploaded = 0;  // cell rows and glyph tiles sent to the GPU

  // What led to it.
  uint32_t reasons = 0;
  uint64_t bytes_parsed = 0;   // pty output parsed since the previous frame
  uint64_t bytes_pending = 0;  // pty output not yet read or parsed when painting began
  uint32_t remote_deltas = 0;
  uint64_t remote_bytes = 0;
  uint64_t remote_seq = 0;  // the server's sequence number of the newest delta applied

  // What it waited on.
  bool callback_outstanding = false;  // a frame callback was in flight when it became dirty
  bool watchdog = false;              // that callback never came: the watchdog gave up on it
  uint32_t callback_wait_us = 0;      // dirty to callback (or watchdog)
  // Of that wait, the part spent finishing the previous paint (dirty to its commit): no
  // callback can come before a commit, so this is the window's own CPU time, not the
  // compositor's.
  uint32_t busy_us = 0;
  uint32_t sync_held_us = 0;     // held by DEC mode 2026
  uint32_t flood_held_us = 0;    // held back by flood pacing
  uint32_t network_wait_us = 0;  // age of the oldest remote answer this frame shows
  bool resize_pending = false;   // a resize awaited the server's answer
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
  static constexpr size_t kDefaultCapacity = 4096;
  explicit FrameLog(size_t capacity = kDefaultCapacity);
  void record(const FrameRecord& r) {
    ring_[next_ % ring_.size()] = r;
    ++next_;
  }
  size_t size() const { return next_ < ring_.size() ? next_ : ring_.size(); }
  size_t capacity() const { return ring_.size(); }
  uint64_t total() const { return next_; }
  // The record `back` frames before the newest (0: the newest); back < size().
  const FrameRecord& newest(size_t back = 0) const {
    return ring_[(next_ - 1 - back) % ring_.size()];
  }
  // The record of frame number `frame` while it is still in the ring, else nullptr.
  FrameRecord* find(uint64_t frame);
  // Oldest first.
  std::vector<FrameRecord> records() const;

 private:
  std::vector<FrameRecord> ring_;
  uint64_t next_ = 0;
};

// One JSON object on one line (no newline), stalls marked with their cause.
std::string to_json_line(const FrameRecord& r, uint64_t refresh_ns);
// Reads a line written by to_json_line (unknown keys ignored; derived keys such as
// "stall" recomputed, not read). A line that is not a flat JSON object is an error that
// says where.
Result<FrameRecord> parse_json_line(std::string_view line);

}  // namespace cadence::framelog
