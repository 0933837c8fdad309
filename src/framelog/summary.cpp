// The frame-log summary (see summary.hpp).
#include "framelog/summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "framelog/flat_json.hpp"

namespace cadence::framelog {
namespace {

PhaseSummary summary_of(const std::vector<uint32_t>& v) {
  PhaseSummary p;
  p.p50 = percentile(v, 50);
  p.p90 = percentile(v, 90);
  p.p99 = percentile(v, 99);
  p.max = v.empty() ? 0 : *std::max_element(v.begin(), v.end());
  return p;
}

std::string ms(uint32_t us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", us / 1000.0);
  return buf;
}

}  // namespace

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
  for (size_t i = 0; i < kPhases; ++i) {
    std::vector<uint32_t> v;
    v.reserve(records.size());
    for (const FrameRecord& r : records) v.push_back(r.phase_us[i]);
    s.phases[i] = summary_of(v);
  }
  std::vector<uint32_t> frame;
  std::vector<uint32_t> delay;
  std::map<std::string, size_t> stalls;
  uint64_t first_commit = 0, last_commit = 0;
  for (const FrameRecord& r : records) {
    if (r.commit_ns > r.paint_start_ns && r.paint_start_ns) {
      frame.push_back(static_cast<uint32_t>((r.commit_ns - r.paint_start_ns) / 1000));
    }
    const Attribution a = attribute(r, refresh_ns);
    if (r.dirty_ns)
      delay.push_back(static_cast<uint32_t>(std::min<uint64_t>(a.delay_us, UINT32_MAX)));
    if (a.stall) {
      ++stalls[a.cause];
      ++s.stalls;
    }
    if (r.commit_ns) {
      if (first_commit == 0 || r.commit_ns < first_commit) first_commit = r.commit_ns;
      last_commit = std::max(last_commit, r.commit_ns);
    }
  }
  s.frame_us = summary_of(frame);
  s.delay_us = summary_of(delay);
  if (last_commit > first_commit) {
    s.seconds = static_cast<double>(last_commit - first_commit) / 1e9;
    // n frames committed over the span between the first and the last: n - 1 intervals.
    s.fps = static_cast<double>(records.size() - 1) / s.seconds;
  }
  s.stalls_by_cause.assign(stalls.begin(), stalls.end());
  std::stable_sort(s.stalls_by_cause.begin(), s.stalls_by_cause.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return s;
}

std::vector<FrameRecord> last_seconds(const std::vector<FrameRecord>& records, uint64_t now_ns,
                                      double seconds) {
  if (seconds <= 0) return records;
  const double span_ns = seconds * 1e9;
  const uint64_t from =
      span_ns >= static_cast<double>(now_ns) ? 0 : now_ns - static_cast<uint64_t>(span_ns);
  std::vector<FrameRecord> out;
  for (const FrameRecord& r : records) {
    if (r.commit_ns >= from) out.push_back(r);
  }
  return out;
}

std::string format_summary(const Summary& s, uint64_t refresh_ns) {
  std::string out;
  char line[160];
  std::snprintf(line, sizeof line,
                "%zu frames over %.2f s: %.1f frames/s; refresh interval %.2f ms\n", s.frames,
                s.seconds, s.fps, static_cast<double>(refresh_ns) / 1e6);
  out += line;
  std::snprintf(line, sizeof line, "\n%-22s %9s %9s %9s %9s\n", "ms", "p50", "p90", "p99", "max");
  out += line;
  auto row = [&](const std::string& name, const PhaseSummary& p) {
    std::snprintf(line, sizeof line, "%-22s %9s %9s %9s %9s\n", name.c_str(), ms(p.p50).c_str(),
                  ms(p.p90).c_str(), ms(p.p99).c_str(), ms(p.max).c_str());
    out += line;
  };
  for (size_t i = 0; i < kPhases; ++i) row(phase_name(static_cast<Phase>(i)), s.phases[i]);
  row("paint (start-commit)", s.frame_us);
  row("delay (dirty-shown)", s.delay_us);
  std::snprintf(line, sizeof line, "\nstalls (shown > 2 refresh intervals after dirty): %zu\n",
                s.stalls);
  out += line;
  for (const auto& [cause, count] : s.stalls_by_cause) {
    std::snprintf(line, sizeof line, "  %-20s %zu\n", cause.c_str(), count);
    out += line;
  }
  return out;
}

std::string summary_json(const Summary& s, uint64_t refresh_ns) {
  std::string out;
  char buf[96];
  std::snprintf(buf, sizeof buf,
                "{\"frames\":%zu,\"seconds\":%.6f,\"fps\":%.3f,\"refresh_us\":%.3f", s.frames,
                s.seconds, s.fps, static_cast<double>(refresh_ns) / 1e3);
  out += buf;
  auto put = [&](const std::string& name, const PhaseSummary& p) {
    std::snprintf(buf, sizeof buf, ",\"%s_p50_us\":%u,\"%s_p90_us\":%u", name.c_str(), p.p50,
                  name.c_str(), p.p90);
    out += buf;
    std::snprintf(buf, sizeof buf, ",\"%s_p99_us\":%u,\"%s_max_us\":%u", name.c_str(), p.p99,
                  name.c_str(), p.max);
    out += buf;
  };
  for (size_t i = 0; i < kPhases; ++i) put(phase_name(static_cast<Phase>(i)), s.phases[i]);
  put("frame", s.frame_us);
  put("delay", s.delay_us);
  out += ",\"stalls\":" + std::to_string(s.stalls) + ",\"stalls_by_cause\":[";
  for (size_t i = 0; i < s.stalls_by_cause.size(); ++i) {
    if (i) out += ',';
    out +=
        json_quote(s.stalls_by_cause[i].first + "=" + std::to_string(s.stalls_by_cause[i].second));
  }
  out += "]}";
  return out;
}

}  // namespace cadence::framelog
