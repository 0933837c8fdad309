// The frame log (see frame_log.hpp).
#include "framelog/frame_log.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

namespace cadence::framelog {

const char* phase_name(Phase p) {
  switch (p) {
    case Phase::snapshot: return "snapshot";
    case Phase::glyphs: return "glyphs";
    case Phase::upload: return "upload";
    case Phase::draw: return "draw";
    case Phase::swap: return "swap";
    case Phase::count: break;
  }
  return "?";
}

Attribution attribute(const FrameRecord& r, uint64_t refresh_ns) {
  Attribution a;
  const uint64_t end = r.presented_ns ? r.presented_ns : r.commit_ns;
  if (r.dirty_ns == 0 || end <= r.dirty_ns) return a;
  a.delay_us = (end - r.dirty_ns) / 1000;
  if (end - r.dirty_ns <= 2 * refresh_ns) return a;
  a.stall = true;
  // Each candidate's share of the delay, in µs; the largest names the stall.
  std::vector<std::pair<uint64_t, std::string>> shares;
  shares.emplace_back(r.sync_held_us, "sync-output");
  shares.emplace_back(r.network_wait_us, "network");
  if (r.callback_ns > r.dirty_ns)
    shares.emplace_back((r.callback_ns - r.dirty_ns) / 1000, "compositor");
  size_t longest = 0;
  for (size_t i = 0; i < static_cast<size_t>(Phase::swap); ++i) {
    if (r.phase_us[i] > r.phase_us[longest]) longest = i;
  }
  shares.emplace_back(r.phase_us[longest],
                      std::string("cpu:") + phase_name(static_cast<Phase>(longest)));
  uint64_t after_commit = 0;
  if (r.presented_ns > r.commit_ns && r.commit_ns)
    after_commit = (r.presented_ns - r.commit_ns) / 1000;
  shares.emplace_back(r.phase_us[static_cast<size_t>(Phase::swap)] + after_commit, "gpu/swap");
  // A pty thread that had output waiting it had not parsed by paint time: the delay went
  // into parsing, which no paint phase shows. Charged by the paint-start wait.
  if (r.bytes_pending > 0 && r.paint_start_ns > r.dirty_ns) {
    const uint64_t wait = (r.paint_start_ns - r.dirty_ns) / 1000;
    const uint64_t compositor =
        r.callback_ns > r.dirty_ns ? (r.callback_ns - r.dirty_ns) / 1000 : 0;
    shares.emplace_back(wait > compositor ? wait - compositor : 0, "pty-starved");
  }
  const auto best = std::max_element(
      shares.begin(), shares.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  a.cause = best->second;
  return a;
}

FrameLog::FrameLog(size_t capacity) : ring_(std::max<size_t>(capacity, 1)) {}

std::vector<FrameRecord> FrameLog::records() const {
  std::vector<FrameRecord> out;
  const size_t n = size();
  out.reserve(n);
  const uint64_t first = next_ - n;
  for (uint64_t i = first; i < next_; ++i) out.push_back(ring_[i % ring_.size()]);
  return out;
}

std::string to_json_line(const FrameRecord& r, uint64_t refresh_ns) {
  std::ostringstream o;
  o << "{\"frame\":" << r.frame << ",\"dirty_ns\":" << r.dirty_ns
    << ",\"callback_ns\":" << r.callback_ns << ",\"paint_start_ns\":" << r.paint_start_ns
    << ",\"commit_ns\":" << r.commit_ns << ",\"presented_ns\":" << r.presented_ns;
  for (size_t i = 0; i < r.phase_us.size(); ++i) {
    o << ",\"" << phase_name(static_cast<Phase>(i)) << "_us\":" << r.phase_us[i];
  }
  o << ",\"reasons\":" << r.reasons << ",\"rows_uploaded\":" << r.rows_uploaded
    << ",\"glyphs_rasterized\":" << r.glyphs_rasterized << ",\"bytes_parsed\":" << r.bytes_parsed
    << ",\"bytes_pending\":" << r.bytes_pending << ",\"sync_held_us\":" << r.sync_held_us
    << ",\"network_wait_us\":" << r.network_wait_us;
  const Attribution a = attribute(r, refresh_ns);
  o << ",\"delay_us\":" << a.delay_us << ",\"stall\":" << (a.stall ? "true" : "false");
  if (a.stall) o << ",\"cause\":\"" << a.cause << "\"";
  o << "}";
  return o.str();
}

uint32_t percentile(std::vector<uint32_t> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t rank =
      static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

Summary summarize(const std::vector<FrameRecord>& records, uint64_t refresh_ns) {
  Summary s;
  s.frames = records.size();
  auto summary_of = [](const std::vector<uint32_t>& v) {
    PhaseSummary p;
    p.p50 = percentile(v, 50);
    p.p90 = percentile(v, 90);
    p.p99 = percentile(v, 99);
    p.max = v.empty() ? 0 : *std::max_element(v.begin(), v.end());
    return p;
  };
  for (size_t i = 0; i < s.phases.size(); ++i) {
    std::vector<uint32_t> v;
    for (const FrameRecord& r : records) v.push_back(r.phase_us[i]);
    s.phases[i] = summary_of(v);
  }
  std::vector<uint32_t> frame;
  std::map<std::string, size_t> stalls;
  for (const FrameRecord& r : records) {
    if (r.commit_ns > r.paint_start_ns && r.paint_start_ns) {
      frame.push_back(static_cast<uint32_t>((r.commit_ns - r.paint_start_ns) / 1000));
    }
    const Attribution a = attribute(r, refresh_ns);
    if (a.stall) ++stalls[a.cause];
  }
  s.frame_us = summary_of(frame);
  s.stalls_by_cause.assign(stalls.begin(), stalls.end());
  std::stable_sort(s.stalls_by_cause.begin(), s.stalls_by_cause.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return s;
}

}  // namespace cadence::framelog
