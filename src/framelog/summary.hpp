// What `cadence cli frame-log --summary` prints: percentiles per phase, stalls by cause
// and the frame rate, over the whole ring or its last seconds.
//
// Percentiles are nearest-rank (the smallest value with at least p% of the values at or
// below it), so every figure printed is a time some frame really took; with a few
// hundred frames an interpolated p99 would be a number no frame had.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "framelog/frame_log.hpp"

namespace cadence::framelog {

struct PhaseSummary {
  uint32_t p50 = 0, p90 = 0, p99 = 0, max = 0;
};

struct Summary {
  size_t frames = 0;
  double seconds = 0;  // first to last commit
  double fps = 0;      // frames per second over that span; 0 below two frames
  std::array<PhaseSummary, kPhases> phases{};
  PhaseSummary frame_us;  // paint start to commit
  PhaseSummary delay_us;  // dirty to presented (or committed)
  size_t stalls = 0;
  std::vector<std::pair<std::string, size_t>> stalls_by_cause;  // most first, then by name
};

Summary summarize(const std::vector<FrameRecord>& records, uint64_t refresh_ns);
// Nearest-rank percentile of unsorted values (p in 0..100); 0 for none.
uint32_t percentile(std::vector<uint32_t> values, double p);

// The records committed in the `seconds` before `now_ns` (all of them for seconds <= 0).
std::vector<FrameRecord> last_seconds(const std::vector<FrameRecord>& records, uint64_t now_ns,
                                      double seconds);

// A table for people.
std::string format_summary(const Summary& s, uint64_t refresh_ns);
// The same figures as one JSON object (keys: frames, seconds, fps, refresh_us, stalls,
// stalls_by_cause, and <phase>_p50_us .. <phase>_max_us for each phase, frame and delay).
std::string summary_json(const Summary& s, uint64_t refresh_ns);

}  // namespace cadence::framelog
