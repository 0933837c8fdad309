// TerminalWindow's diagnostics: the frame log's record of each paint, presentation times,
// the --frame-log stream, the control socket `cadence cli` talks to, the HUD and the test
// hooks. The class is in terminal_window_impl.hpp; paint() calls in here at its phase
// boundaries and once at its end.
//
// Decisions:
// - Each phase ends with phase_end(), which is also where a test's slow_phase hook sleeps,
//   so an injected delay lands inside the phase it names and nowhere else. Hooks come
//   from CADENCE_TEST_HOOKS, read once in init_diagnostics().
// - A phase lasts from the previous phase's end (in the order they ran) to its own, so
//   the phases of one paint add up to its paint time with nothing counted twice.
// - Presentation feedback arrives after the record is in the ring: note_presented()
//   finds the record by frame number and completes it. The --frame-log file gets a
//   record once it is complete (its feedback came, or the next frame was painted
//   without it), so the streamed line carries the presentation time too.
// - The control socket's reply is built on this thread from the ring: 4,096 records are
//   a few megabytes of JSON and a few milliseconds, paid only when someone asks.
// - The HUD is drawn from the ring with the chart layout `cadence cli frame-log --plot`
//   uses. It is refreshed only by paints that happen anyway (and one on toggle): it
//   never marks the window dirty itself, so an idle window stays idle with the HUD on.
#include <time.h>

#include "framelog/flat_json.hpp"
#include "framelog/plot.hpp"
#include "ui/terminal_window_impl.hpp"

namespace cadence::ui::detail {
namespace {

const log::Tag kLog{"framelog"};

// Frames the HUD shows at most.
constexpr size_t kHudFrames = 300;

void sleep_ms(uint32_t ms) {
  timespec ts{};
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = static_cast<long>(ms % 1000) * 1000000L;
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
  }
}

}  // namespace

Result<void> TerminalWindow::init_diagnostics() {
  if (const char* hooks = std::getenv("CADENCE_TEST_HOOKS"); hooks && *hooks) {
    Result<framelog::TestHooks> parsed = framelog::parse_test_hooks(hooks);
    if (!parsed) return make_error("CADENCE_TEST_HOOKS: " + parsed.error().message);
    test_hooks_ = parsed.value();
    // Only the phases this window times can be slowed; the tab bar does not exist yet.
    if (test_hooks_.slow_phase == framelog::Phase::tab_bar) {
      return make_error("CADENCE_TEST_HOOKS: the tab_bar phase is not timed by this window");
    }
    LOG_INFO(kLog, "test hook: every paint sleeps ", test_hooks_.slow_ms, " ms in ",
             framelog::phase_name(test_hooks_.slow_phase));
  }
  // Without a control socket cadence still runs; only `cadence cli` cannot reach it.
  const std::string dir = control_dir();
  if (dir.empty()) {
    LOG_INFO(kLog, "XDG_RUNTIME_DIR is not set: no control socket");
    return {};
  }
  if (Result<void> r = prepare_control_dir(dir); !r) {
    LOG_WARN(kLog, "no control socket: ", r.error().message);
    return {};
  }
  ControlLimits limits;
  limits.max_request = framelog::kMaxFlatJsonLine;  // a command is one flat JSON line
  auto server = ControlServer::listen(
      *loop_, control_socket_path(dir, getpid()),
      [this](std::string_view request) { return on_control(request); }, limits);
  if (!server) {
    LOG_WARN(kLog, "no control socket: ", server.error().message);
    return {};
  }
  control_ = std::move(server.value());
  LOG_DEBUG(kLog, "control socket ", control_->path());
  return {};
}

void TerminalWindow::add_diagnostics_env(std::vector<std::string>& env) const {
  // `cadence cli` run inside this window finds this window, not the newest one.
  if (control_) env.push_back("CADENCE_SOCKET=" + control_->path());
}

ControlReply TerminalWindow::on_control(std::string_view request) {
  // Everything but the frame log is a JSON command (terminal_window_control.cpp).
  if (request.starts_with("{")) return on_control_command(request);
  if (request != "frame-log") {
    std::string shown(request.substr(0, 40));
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
    }
    return {
        control_error_line("unknown request '" + shown + "' (known: frame-log, or a JSON command)"),
        true};
  }
  std::string out = "{\"ok\":true,\"pid\":" + std::to_string(getpid()) +
                    ",\"refresh_ns\":" + std::to_string(refresh_ns_) +
                    ",\"now_ns\":" + std::to_string(monotonic_ns()) +
                    ",\"capacity\":" + std::to_string(frame_log_.capacity()) +
                    ",\"total\":" + std::to_string(frame_log_.total()) +
                    ",\"records\":" + std::to_string(frame_log_.size()) + "}\n";
  out.reserve(out.size() + frame_log_.size() * 1400);
  for (size_t back = frame_log_.size(); back-- > 0;) {
    out += framelog::to_json_line(frame_log_.newest(back), refresh_ns_);
    out += '\n';
  }
  return {std::move(out), false};
}

uint64_t TerminalWindow::phase_end(framelog::Phase p) {
  if (p == test_hooks_.slow_phase) sleep_ms(test_hooks_.slow_ms);
  const uint64_t now = monotonic_ns();
  frame_rec_.end_ns[static_cast<size_t>(p)] = now;
  // Right after the snapshot is as close to the paint's start as the pty can be asked
  // what it still holds.
  if (p == framelog::Phase::snapshot) {
    uint64_t unread = 0;
    for (const auto& [id, pane] : panes_) {
      if (pane->pty) unread += pane->pty->bytes_unread();
    }
    frame_rec_.bytes_pending = unread;
  }
  return now;
}

void TerminalWindow::upload_rows() {
  renderer_->upload();
  phase_end(framelog::Phase::upload);
}

void TerminalWindow::record_frame(uint64_t t0, uint64_t t1, int rows_copied, uint64_t parsed) {
  framelog::FrameRecord& rec = frame_rec_;
  rec.frame = frame_id_;
  rec.dirty_ns = dirty_since_ns_ ? dirty_since_ns_ : t0;
  rec.paint_start_ns = t0;
  rec.commit_ns = t1;
  // The callback (or the watchdog giving up on it) that came after the content changed
  // is the one this frame waited for: it was asked for by the previous paint.
  if (callback_ns_ > rec.dirty_ns) {
    rec.callback_ns = callback_ns_;
    rec.callback_outstanding = true;
    rec.callback_wait_us = static_cast<uint32_t>((callback_ns_ - rec.dirty_ns) / 1000);
    if (last_commit_ns_ > rec.dirty_ns) {
      rec.busy_us =
          static_cast<uint32_t>((std::min(last_commit_ns_, callback_ns_) - rec.dirty_ns) / 1000);
    }
    rec.watchdog = stats_.watchdog_fires != watchdog_fires_seen_;
  }
  watchdog_fires_seen_ = stats_.watchdog_fires;
  last_commit_ns_ = t1;
  // Durations from the phase ends, in the order the phases ran.
  std::array<size_t, framelog::kPhases> order{};
  size_t timed = 0;
  for (size_t i = 0; i < framelog::kPhases; ++i) {
    if (rec.end_ns[i] >= t0) {
      order[timed++] = i;
    } else {
      rec.end_ns[i] = 0;
    }
  }
  std::stable_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(timed),
                   [&rec](size_t a, size_t b) { return rec.end_ns[a] < rec.end_ns[b]; });
  uint64_t previous = t0;
  for (size_t k = 0; k < timed; ++k) {
    const size_t i = order[k];
    rec.phase_us[i] = static_cast<uint32_t>((rec.end_ns[i] - previous) / 1000);
    previous = rec.end_ns[i];
  }
  rec.rows_copied = static_cast<uint32_t>(rows_copied);
  const render::RendererStats& rs = renderer_->stats();
  rec.glyphs_rasterized = static_cast<uint32_t>(rs.glyphs_rasterized - glyphs_seen_);
  rec.rows_uploaded = static_cast<uint32_t>(rs.rows_uploaded - rows_uploaded_seen_);
  rec.bytes_uploaded = rs.bytes_uploaded - bytes_uploaded_seen_;
  glyphs_seen_ = rs.glyphs_rasterized;
  rows_uploaded_seen_ = rs.rows_uploaded;
  bytes_uploaded_seen_ = rs.bytes_uploaded;
  rec.bytes_parsed = parsed - last_bytes_parsed_;
  rec.reasons = frame_reasons_ | (rec.bytes_parsed ? framelog::reason::pty_output : 0u);
  // The reasons the event handlers do not note, read off what changed since the last
  // frame (so the handlers need no frame-log calls of their own).
  if (shown_.buffer_width != buffer_width_ || shown_.buffer_height != buffer_height_) {
    rec.reasons |= framelog::reason::resize;
  }
  if (shown_.config_generation != config_generation_ && shown_.config_generation != 0) {
    rec.reasons |= framelog::reason::config_reload;
  }
  if (shown_.blink_on != blink_on_) rec.reasons |= framelog::reason::blink;
  if (shown_.focused != focused_) rec.reasons |= framelog::reason::input;
  shown_ = {buffer_width_, buffer_height_, config_generation_, blink_on_, focused_};
  if (sync_hold_started_ns_) {
    rec.sync_held_us = static_cast<uint32_t>((t0 - sync_hold_started_ns_) / 1000);
    rec.reasons |= framelog::reason::sync_end;
  }
  if (flood_due_ns_) {
    // Held from the later of the content's change and the previous paint until the
    // pacing let this one go (or input ended the wait early: until this paint).
    const uint64_t interval =
        uint64_t{1000000} * static_cast<uint64_t>(config_.file.flood_frame_interval_ms);
    const uint64_t until = std::min(flood_due_ns_, t0);
    const uint64_t from =
        std::max(rec.dirty_ns, flood_due_ns_ > interval ? flood_due_ns_ - interval : 0);
    rec.flood_held_us = static_cast<uint32_t>(until > from ? (until - from) / 1000 : 0);
    flood_due_ns_ = 0;
  }
  frame_log_.record(rec);
  // The frames before this one had their chance at presentation feedback.
  if (frame_log_file_ && rec.frame > 1) stream_frame_log(rec.frame - 1);
  rec = framelog::FrameRecord{};
  dirty_since_ns_ = 0;
  frame_reasons_ = 0;
  sync_hold_started_ns_ = 0;
  last_bytes_parsed_ = parsed;
}

void TerminalWindow::note_presented(uint64_t frame_id, uint64_t presented_ns, uint32_t refresh_ns) {
  if (refresh_ns > 0) refresh_ns_ = refresh_ns;
  if (framelog::FrameRecord* r = frame_log_.find(frame_id)) {
    // The compositor's clock is CLOCK_MONOTONIC on every compositor we know; a time that
    // does not fit after the commit is from another clock and is not recorded.
    if (presented_ns >= r->commit_ns && presented_ns - r->commit_ns < 10'000'000'000ull) {
      r->presented_ns = presented_ns;
    }
  }
  if (frame_log_file_) stream_frame_log(frame_id);
}

void TerminalWindow::stream_frame_log(uint64_t through) const {
  if (!frame_log_file_ || frame_log_.size() == 0) return;
  if (through == 0 || through > frame_log_.newest().frame) through = frame_log_.newest().frame;
  // Oldest unwritten first; records pushed out of the ring unwritten are lost, which
  // only a file that blocks for 4,096 frames could cause.
  size_t back = 0;
  while (back + 1 < frame_log_.size() && frame_log_.newest(back + 1).frame > frame_log_streamed_) {
    ++back;
  }
  for (;; --back) {
    const framelog::FrameRecord& r = frame_log_.newest(back);
    if (r.frame > through) break;
    if (r.frame > frame_log_streamed_) {
      const std::string line = framelog::to_json_line(r, refresh_ns_);
      std::fwrite(line.data(), 1, line.size(), frame_log_file_);
      std::fputc('\n', frame_log_file_);
      frame_log_streamed_ = r.frame;
    }
    if (back == 0) break;
  }
}

void TerminalWindow::toggle_hud() {
  hud_ = !hud_;
  hud_records_.reserve(kHudFrames);
  // The one paint a toggle makes: the HUD appears, or the frame without it replaces it.
  note_dirty(framelog::reason::input);
  mark_dirty();
}

void TerminalWindow::add_hud(std::vector<render::Overlay>& overlays,
                             std::vector<render::OverlayGlyph>& text) {
  if (!hud_) return;
  const auto& m = renderer_->metrics();
  const double scale = window_->scale();
  const int margin = static_cast<int>(std::lround(6 * scale));
  const int width =
      std::min(buffer_width_ - 2 * margin, static_cast<int>(std::lround(320 * scale)));
  const int height = std::min(buffer_height_ - 2 * margin - renderer_->geometry().origin_y,
                              static_cast<int>(std::lround(72 * scale)) + m.cell_height);
  if (width < 32 || height < m.cell_height + 8) return;
  const size_t n = std::min({frame_log_.size(), kHudFrames, static_cast<size_t>(width)});
  hud_records_.clear();
  for (size_t back = n; back-- > 0;) hud_records_.push_back(frame_log_.newest(back));
  framelog::PlotOptions o;
  o.width = width;
  o.height = height;
  o.char_width = static_cast<float>(m.cell_width);
  o.line_height = static_cast<float>(m.cell_height);
  o.compact = true;
  const framelog::PlotScene scene = framelog::plot_scene(hud_records_, refresh_ns_, o);
  const float x0 = static_cast<float>(buffer_width_ - margin - width);
  const float y0 = static_cast<float>(renderer_->geometry().origin_y + margin);
  overlays.push_back({x0, y0, static_cast<float>(width), static_cast<float>(height),
                      scene.background, render::Overlay::Style::solid});
  for (const framelog::PlotRect& r : scene.rects) {
    overlays.push_back({x0 + r.x, y0 + r.y, r.w, r.h, r.argb, render::Overlay::Style::solid});
  }
  for (const framelog::PlotText& t : scene.texts) {
    float x = x0 + t.x;
    for (char c : t.text) {
      if (x + static_cast<float>(m.cell_width) > x0 + static_cast<float>(width)) break;
      text.push_back(
          {x, y0 + t.y, static_cast<char32_t>(static_cast<unsigned char>(c)), t.argb, 0});
      x += static_cast<float>(m.cell_width);
    }
  }
}

}  // namespace cadence::ui::detail
