// Chrome trace-event JSON of frame records: `cadence cli frame-log --trace out.json`, which
// opens in Perfetto (ui.perfetto.dev) and chrome://tracing.
//
// Layout: one process ("cadence"), one track (a trace "thread") per kind of time, each
// named after the thread that spends it:
//   GUI: frame            paint start to commit, one slice per frame ("frame N")
//   GUI: <phase>          one track per paint phase, slices from each phase's end time back
//                         by its duration
//   compositor: callback  dirty to frame-callback arrival, when a callback was awaited
//   program: sync-output  the time DEC mode 2026 held the frame
//   compositor: present   commit to presentation, when feedback came
//   GUI: flood-paced      the time flood pacing held the paint back
//   stalls                an instant event per stall, named "stall: <cause>"
// Tracks are ordered by thread_sort_index metadata so they read top to bottom in pipeline
// order. Timestamps are microseconds from the earliest time in the records, so a trace
// starts at 0 whatever the machine's uptime.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "framelog/frame_log.hpp"

namespace cadence::framelog {

struct TraceOutput {
  std::string json;
  size_t events = 0;  // entries of traceEvents, metadata included
};

TraceOutput to_chrome_trace(const std::vector<FrameRecord>& records, uint64_t refresh_ns);

}  // namespace cadence::framelog
