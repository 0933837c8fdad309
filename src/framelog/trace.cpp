// Chrome trace-event export (see trace.hpp).
#include "framelog/trace.hpp"

#include <algorithm>
#include <cstdio>

#include "framelog/flat_json.hpp"

namespace cadence::framelog {
namespace {

// Track ids: the frame first, the phases in pipeline order, then waits and stalls.
constexpr int kFrameTrack = 1;
constexpr int kFirstPhaseTrack = 10;
constexpr int kCallbackTrack = 30;
constexpr int kSyncTrack = 31;
constexpr int kPresentTrack = 32;
constexpr int kFloodTrack = 33;
constexpr int kStallTrack = 40;

class Writer {
 public:
  explicit Writer(uint64_t origin_ns) : origin_ns_(origin_ns) {}

  void metadata(const char* what, int tid, const std::string& args) {
    begin();
    out_ += "{\"ph\":\"M\",\"pid\":1,\"tid\":" + std::to_string(tid) + ",\"name\":\"" + what +
            "\",\"args\":" + args + "}";
  }
  void slice(int tid, const std::string& name, const char* category, uint64_t from_ns,
             uint64_t to_ns, const std::string& args) {
    begin();
    char buf[160];
    std::snprintf(buf, sizeof buf, "{\"ph\":\"X\",\"pid\":1,\"tid\":%d,\"ts\":%s,\"dur\":%s,", tid,
                  us(from_ns).c_str(), duration(from_ns, to_ns).c_str());
    out_ += buf;
    out_ += "\"cat\":\"" + std::string(category) + "\",\"name\":" + json_quote(name);
    if (!args.empty()) out_ += ",\"args\":" + args;
    out_ += '}';
  }
  void instant(int tid, const std::string& name, uint64_t at_ns, const std::string& args) {
    begin();
    out_ += "{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":" + std::to_string(tid) +
            ",\"ts\":" + us(at_ns) + ",\"cat\":\"stall\",\"name\":" + json_quote(name) +
            ",\"args\":" + args + "}";
  }
  TraceOutput finish() {
    TraceOutput t;
    t.json = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n" + out_ + "\n]}\n";
    t.events = events_;
    return t;
  }

 private:
  void begin() {
    if (events_++) out_ += ",\n";
  }
  std::string us(uint64_t ns) const {
    char buf[32];
    const uint64_t rel = ns > origin_ns_ ? ns - origin_ns_ : 0;
    std::snprintf(buf, sizeof buf, "%llu.%03llu", static_cast<unsigned long long>(rel / 1000),
                  static_cast<unsigned long long>(rel % 1000));
    return buf;
  }
  static std::string duration(uint64_t from_ns, uint64_t to_ns) {
    const uint64_t d = to_ns > from_ns ? to_ns - from_ns : 0;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%llu.%03llu", static_cast<unsigned long long>(d / 1000),
                  static_cast<unsigned long long>(d % 1000));
    return buf;
  }

  uint64_t origin_ns_;
  std::string out_;
  size_t events_ = 0;
};

uint64_t earliest(const FrameRecord& r) {
  uint64_t t = UINT64_MAX;
  for (uint64_t v : {r.dirty_ns, r.callback_ns, r.paint_start_ns, r.commit_ns}) {
    if (v) t = std::min(t, v);
  }
  for (uint32_t held_us : {r.sync_held_us, r.flood_held_us}) {
    if (held_us && r.paint_start_ns > uint64_t{held_us} * 1000) {
      t = std::min(t, r.paint_start_ns - uint64_t{held_us} * 1000);
    }
  }
  return t;
}

std::string name_arg(const std::string& name) { return "{\"name\":" + json_quote(name) + "}"; }

}  // namespace

TraceOutput to_chrome_trace(const std::vector<FrameRecord>& records, uint64_t refresh_ns) {
  uint64_t origin = UINT64_MAX;
  for (const FrameRecord& r : records) origin = std::min(origin, earliest(r));
  if (origin == UINT64_MAX) origin = 0;
  Writer w(origin);
  w.metadata("process_name", 0, name_arg("cadence"));
  auto track = [&w](int tid, const std::string& name) {
    w.metadata("thread_name", tid, name_arg(name));
    w.metadata("thread_sort_index", tid, "{\"sort_index\":" + std::to_string(tid) + "}");
  };
  track(kFrameTrack, "GUI: frame");
  for (size_t i = 0; i < kPhases; ++i) {
    track(kFirstPhaseTrack + static_cast<int>(i),
          std::string("GUI: ") + phase_name(static_cast<Phase>(i)));
  }
  track(kCallbackTrack, "compositor: callback");
  track(kSyncTrack, "program: sync-output");
  track(kPresentTrack, "compositor: present");
  track(kFloodTrack, "GUI: flood-paced");
  track(kStallTrack, "stalls");

  for (const FrameRecord& r : records) {
    const std::string n = std::to_string(r.frame);
    if (r.paint_start_ns && r.commit_ns >= r.paint_start_ns) {
      std::string args = "{\"frame\":" + n + ",\"rows_copied\":" + std::to_string(r.rows_copied) +
                         ",\"rows_uploaded\":" + std::to_string(r.rows_uploaded) +
                         ",\"bytes_parsed\":" + std::to_string(r.bytes_parsed) + "}";
      w.slice(kFrameTrack, "frame " + n, "frame", r.paint_start_ns, r.commit_ns, args);
    }
    for (size_t i = 0; i < kPhases; ++i) {
      if (r.end_ns[i] == 0) continue;
      const uint64_t dur = uint64_t{r.phase_us[i]} * 1000;
      const uint64_t end = r.end_ns[i];
      w.slice(kFirstPhaseTrack + static_cast<int>(i), phase_name(static_cast<Phase>(i)), "phase",
              end > dur ? end - dur : 0, end, "{\"frame\":" + n + "}");
    }
    if (r.callback_ns > r.dirty_ns && r.dirty_ns) {
      w.slice(kCallbackTrack, r.watchdog ? "watchdog" : "frame callback", "wait", r.dirty_ns,
              r.callback_ns, "{\"frame\":" + n + "}");
    }
    if (r.sync_held_us && r.paint_start_ns) {
      const uint64_t held = uint64_t{r.sync_held_us} * 1000;
      w.slice(kSyncTrack, "sync-output", "wait",
              r.paint_start_ns > held ? r.paint_start_ns - held : 0, r.paint_start_ns,
              "{\"frame\":" + n + "}");
    }
    if (r.flood_held_us && r.paint_start_ns) {
      const uint64_t held = uint64_t{r.flood_held_us} * 1000;
      w.slice(kFloodTrack, "flood-paced", "wait",
              r.paint_start_ns > held ? r.paint_start_ns - held : 0, r.paint_start_ns,
              "{\"frame\":" + n + "}");
    }
    if (r.presented_ns > r.commit_ns && r.commit_ns) {
      w.slice(kPresentTrack, "present", "wait", r.commit_ns, r.presented_ns,
              "{\"frame\":" + n + "}");
    }
    const Attribution a = attribute(r, refresh_ns);
    if (a.stall) {
      const uint64_t at = r.presented_ns ? r.presented_ns : r.commit_ns;
      w.instant(kStallTrack, "stall: " + a.cause, at,
                "{\"frame\":" + n + ",\"cause\":" + json_quote(a.cause) +
                    ",\"delay_us\":" + std::to_string(a.delay_us) + "}");
    }
  }
  return w.finish();
}

}  // namespace cadence::framelog
