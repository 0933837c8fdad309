// The frame log (see frame_log.hpp).
#include "framelog/frame_log.hpp"

#include <algorithm>
#include <charconv>

#include "framelog/flat_json.hpp"

namespace cadence::framelog {
namespace {

// The record's plain fields and their JSON keys: one table read by the writer and the
// parser, so the two cannot drift apart.
struct U64Field {
  const char* key;
  uint64_t FrameRecord::*member;
};
struct U32Field {
  const char* key;
  uint32_t FrameRecord::*member;
};
struct BoolField {
  const char* key;
  bool FrameRecord::*member;
};

constexpr U64Field kTimes[] = {
    {"frame", &FrameRecord::frame},
    {"dirty_ns", &FrameRecord::dirty_ns},
    {"callback_ns", &FrameRecord::callback_ns},
    {"paint_start_ns", &FrameRecord::paint_start_ns},
    {"commit_ns", &FrameRecord::commit_ns},
    {"presented_ns", &FrameRecord::presented_ns},
};
constexpr U32Field kWork32[] = {
    {"rows_copied", &FrameRecord::rows_copied},
    {"lua_calls", &FrameRecord::lua_calls},
    {"glyphs_rasterized", &FrameRecord::glyphs_rasterized},
    {"rows_uploaded", &FrameRecord::rows_uploaded},
    {"reasons", &FrameRecord::reasons},
    {"remote_deltas", &FrameRecord::remote_deltas},
    {"callback_wait_us", &FrameRecord::callback_wait_us},
    {"busy_us", &FrameRecord::busy_us},
    {"sync_held_us", &FrameRecord::sync_held_us},
    {"flood_held_us", &FrameRecord::flood_held_us},
    {"network_wait_us", &FrameRecord::network_wait_us},
};
constexpr U64Field kWork64[] = {
    {"bytes_uploaded", &FrameRecord::bytes_uploaded}, {"bytes_parsed", &FrameRecord::bytes_parsed},
    {"bytes_pending", &FrameRecord::bytes_pending},   {"remote_bytes", &FrameRecord::remote_bytes},
    {"remote_seq", &FrameRecord::remote_seq},
};
constexpr BoolField kFlags[] = {
    {"callback_outstanding", &FrameRecord::callback_outstanding},
    {"watchdog", &FrameRecord::watchdog},
    {"resize_pending", &FrameRecord::resize_pending},
};

constexpr const char* kReasonNames[reason::kCount] = {
    "input", "pty_output", "remote_delta", "resize", "config_reload", "blink", "sync_end"};

const char* tab_bar_name(TabBar t) {
  switch (t) {
    case TabBar::hit: return "hit";
    case TabBar::miss: return "miss";
    case TabBar::none: break;
  }
  return "none";
}

void append_uint(std::string& out, uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, end);
}

void append_key(std::string& out, std::string_view key) {
  out += ",\"";
  out += key;
  out += "\":";
}

uint64_t us_between(uint64_t from_ns, uint64_t to_ns) {
  return to_ns > from_ns ? (to_ns - from_ns) / 1000 : 0;
}

}  // namespace

const char* phase_name(Phase p) {
  switch (p) {
    case Phase::snapshot: return "snapshot";
    case Phase::tab_bar: return "tab_bar";
    case Phase::layout: return "layout";
    case Phase::glyphs: return "glyphs";
    case Phase::upload: return "upload";
    case Phase::draw: return "draw";
    case Phase::swap: return "swap";
    case Phase::count: break;
  }
  return "?";
}

Phase phase_from_name(std::string_view name) {
  for (size_t i = 0; i < kPhases; ++i) {
    if (name == phase_name(static_cast<Phase>(i))) return static_cast<Phase>(i);
  }
  return Phase::count;
}

const char* reason_name(uint32_t bit) {
  for (int i = 0; i < reason::kCount; ++i) {
    if (bit == (1u << i)) return kReasonNames[i];
  }
  return nullptr;
}

Attribution attribute(const FrameRecord& r, uint64_t refresh_ns) {
  Attribution a;
  const uint64_t end = r.presented_ns ? r.presented_ns : r.commit_ns;
  if (r.dirty_ns == 0 || end <= r.dirty_ns) return a;
  a.delay_us = (end - r.dirty_ns) / 1000;
  if (end - r.dirty_ns <= 2 * refresh_ns) return a;
  a.stall = true;
  // Each candidate's share of the delay, in µs, in the order ties are settled; the
  // largest names the stall. Fixed storage: attribution runs per line of a 4,096-frame
  // export and allocates only the name it returns.
  struct Share {
    uint64_t us;
    const char* cause;
    Phase phase;
  };
  Share shares[7];
  size_t n = 0;
  shares[n++] = {r.sync_held_us, "sync-output", Phase::count};
  shares[n++] = {r.flood_held_us, "flood-paced", Phase::count};
  shares[n++] = {r.network_wait_us, "network", Phase::count};
  const uint64_t waited = r.callback_ns > r.dirty_ns ? us_between(r.dirty_ns, r.callback_ns) : 0;
  const uint64_t compositor = waited > r.busy_us ? waited - r.busy_us : 0;
  shares[n++] = {compositor, "compositor", Phase::count};
  // A pty thread that had output waiting it had not read or parsed by paint time: the
  // delay went into reading and parsing, which no paint phase shows. Charged with the
  // wait before the paint that the compositor does not explain.
  if (r.bytes_pending > 0 && r.paint_start_ns > r.dirty_ns) {
    const uint64_t wait = us_between(r.dirty_ns, r.paint_start_ns);
    shares[n++] = {wait > compositor ? wait - compositor : 0, "pty-starved", Phase::count};
  }
  size_t longest = 0;
  for (size_t i = 0; i < static_cast<size_t>(Phase::swap); ++i) {
    if (r.phase_us[i] > r.phase_us[longest]) longest = i;
  }
  // Time spent finishing the previous paint is CPU time too, charged to this frame's
  // longest phase (a slow phase is usually slow in every frame).
  shares[n++] = {r.phase_us[longest] + uint64_t{r.busy_us}, nullptr, static_cast<Phase>(longest)};
  const uint64_t after_commit = r.commit_ns ? us_between(r.commit_ns, r.presented_ns) : 0;
  shares[n++] = {r.phase_us[static_cast<size_t>(Phase::swap)] + after_commit, "gpu/swap",
                 Phase::count};
  const Share* best = &shares[0];
  for (size_t i = 1; i < n; ++i) {
    if (shares[i].us > best->us) best = &shares[i];
  }
  a.cause = best->cause ? best->cause : std::string("cpu:") + phase_name(best->phase);
  return a;
}

FrameLog::FrameLog(size_t capacity) : ring_(std::max<size_t>(capacity, 1)) {}

FrameRecord* FrameLog::find(uint64_t frame) {
  const size_t n = size();
  // Frame numbers only grow, so the wanted record is near the newest: look backwards.
  for (size_t back = 0; back < n; ++back) {
    FrameRecord& r = ring_[(next_ - 1 - back) % ring_.size()];
    if (r.frame == frame) return &r;
    if (r.frame < frame) break;
  }
  return nullptr;
}

std::vector<FrameRecord> FrameLog::records() const {
  std::vector<FrameRecord> out;
  const size_t n = size();
  out.reserve(n);
  const uint64_t first = next_ - n;
  for (uint64_t i = first; i < next_; ++i) out.push_back(ring_[i % ring_.size()]);
  return out;
}

std::string to_json_line(const FrameRecord& r, uint64_t refresh_ns) {
  std::string o;
  o.reserve(1400);
  o += "{\"frame\":";
  append_uint(o, r.frame);
  for (const U64Field& f : kTimes) {
    if (f.member == &FrameRecord::frame) continue;
    append_key(o, f.key);
    append_uint(o, r.*f.member);
  }
  for (size_t i = 0; i < kPhases; ++i) {
    append_key(o, std::string(phase_name(static_cast<Phase>(i))) + "_us");
    append_uint(o, r.phase_us[i]);
  }
  for (size_t i = 0; i < kPhases; ++i) {
    append_key(o, std::string(phase_name(static_cast<Phase>(i))) + "_end_ns");
    append_uint(o, r.end_ns[i]);
  }
  for (const U32Field& f : kWork32) {
    append_key(o, f.key);
    append_uint(o, r.*f.member);
  }
  for (const U64Field& f : kWork64) {
    append_key(o, f.key);
    append_uint(o, r.*f.member);
  }
  for (const BoolField& f : kFlags) {
    append_key(o, f.key);
    o += r.*f.member ? "true" : "false";
  }
  append_key(o, "tab_bar");
  o += json_quote(tab_bar_name(r.tab_bar));
  append_key(o, "why");
  o += '[';
  bool first = true;
  for (int i = 0; i < reason::kCount; ++i) {
    if (!(r.reasons & (1u << i))) continue;
    if (!first) o += ',';
    first = false;
    o += json_quote(kReasonNames[i]);
  }
  o += ']';
  const Attribution a = attribute(r, refresh_ns);
  append_key(o, "delay_us");
  append_uint(o, a.delay_us);
  append_key(o, "stall");
  o += a.stall ? "true" : "false";
  if (a.stall) {
    append_key(o, "cause");
    o += json_quote(a.cause);
  }
  o += '}';
  return o;
}

Result<FrameRecord> parse_json_line(std::string_view line) {
  Result<FlatObject> parsed = parse_flat_json(line);
  if (!parsed) return parsed.error();
  FrameRecord r;
  auto integer = [](const std::string& key, const FlatValue& v, uint64_t max) -> Result<uint64_t> {
    if (v.kind != FlatValue::Kind::number || !v.is_integer || v.integer > max) {
      return make_error("\"" + key + "\" is not an integer between 0 and " + std::to_string(max));
    }
    return v.integer;
  };
  bool has_frame = false;
  for (const auto& [key, value] : parsed.value()) {
    bool known = false;
    for (const U64Field& f : kTimes) {
      if (key != f.key) continue;
      Result<uint64_t> v = integer(key, value, UINT64_MAX);
      if (!v) return v.error();
      r.*f.member = v.value();
      has_frame = has_frame || f.member == &FrameRecord::frame;
      known = true;
    }
    for (const U64Field& f : kWork64) {
      if (key != f.key) continue;
      Result<uint64_t> v = integer(key, value, UINT64_MAX);
      if (!v) return v.error();
      r.*f.member = v.value();
      known = true;
    }
    for (const U32Field& f : kWork32) {
      if (key != f.key) continue;
      Result<uint64_t> v = integer(key, value, UINT32_MAX);
      if (!v) return v.error();
      r.*f.member = static_cast<uint32_t>(v.value());
      known = true;
    }
    for (const BoolField& f : kFlags) {
      if (key != f.key) continue;
      if (value.kind != FlatValue::Kind::boolean) {
        return make_error("\"" + key + "\" is not true or false");
      }
      r.*f.member = value.boolean;
      known = true;
    }
    if (known) continue;
    if (key == "tab_bar") {
      if (value.string == "hit") {
        r.tab_bar = TabBar::hit;
      } else if (value.string == "miss") {
        r.tab_bar = TabBar::miss;
      } else if (value.string == "none") {
        r.tab_bar = TabBar::none;
      } else {
        return make_error("\"tab_bar\" is not \"none\", \"hit\" or \"miss\"");
      }
      continue;
    }
    const bool us = key.ends_with("_us");
    const bool end = key.ends_with("_end_ns");
    if (us || end) {
      const std::string_view name = std::string_view(key).substr(0, key.size() - (us ? 3 : 7));
      const Phase p = phase_from_name(name);
      if (p == Phase::count) continue;  // delay_us and keys of a newer cadence
      Result<uint64_t> v = integer(key, value, us ? UINT32_MAX : UINT64_MAX);
      if (!v) return v.error();
      if (us) {
        r.phase_us[static_cast<size_t>(p)] = static_cast<uint32_t>(v.value());
      } else {
        r.end_ns[static_cast<size_t>(p)] = v.value();
      }
    }
  }
  if (!has_frame) return make_error("no \"frame\" key: not a frame-log line");
  return r;
}

}  // namespace cadence::framelog
