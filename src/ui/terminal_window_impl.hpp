// TerminalWindow's class, shared by its two implementation files: terminal_window.cpp
// (life cycle, configuration, frame pacing and painting) and terminal_window_input.cpp
// (keys, pointer, clipboard, input methods, decorations). Private to src/ui.
#pragma once

#include "ui/terminal_window.hpp"

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <pwd.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <wayland-client.h>
#include <wayland-egl.h>
#include <xkbcommon/xkbcommon.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

#include "base/clock.hpp"
#include "base/event_loop.hpp"
#include "base/log.hpp"
#include "config/config.hpp"
#include "config/config_watcher.hpp"
#include "framelog/frame_log.hpp"
#include "pty/io_thread.hpp"
#include "pty/pty_pane.hpp"
#include "render/egl_context.hpp"
#include "render/grid_renderer.hpp"
#include "render/png.hpp"
#include "ui/decorations.hpp"
#include "ui/key_encoder.hpp"
#include "ui/mouse_encoder.hpp"
#include "ui/paste.hpp"
#include "ui/selection.hpp"
#include "vt/utf8.hpp"
#include "wayland/clipboard.hpp"
#include "wayland/display.hpp"
#include "wayland/seat.hpp"
#include "wayland/text_input.hpp"
#include "wayland/window.hpp"

namespace cadence::ui::detail {

inline void arm_timer(int fd, int ms) {
  itimerspec spec{};
  spec.it_value.tv_sec = ms / 1000;
  spec.it_value.tv_nsec = static_cast<long>(ms % 1000) * 1000000L;
  if (ms <= 0) spec.it_value.tv_nsec = 1;
  timerfd_settime(fd, 0, &spec, nullptr);
}

inline void disarm_timer(int fd) {
  itimerspec spec{};
  timerfd_settime(fd, 0, &spec, nullptr);
}

inline void drain_timer(int fd) {
  uint64_t expirations = 0;
  ssize_t n = read(fd, &expirations, sizeof expirations);
  (void)n;
}

inline constexpr double kMinFontPt = 4.0;
inline constexpr double kMaxFontPt = 200.0;
inline constexpr int kClickIntervalMs = 400;

// Counters a test or benchmark reads (--frame-stats): what the frame loop did.
struct FrameStats {
  uint64_t paints = 0;
  uint64_t frame_callbacks = 0;
  uint64_t watchdog_fires = 0;
  uint64_t sync_holds = 0;
  uint64_t rows_copied = 0;
  uint64_t presented = 0;
  uint64_t first_frame_us = 0;
  // Time spent in each phase of paint(), summed over all paints.
  uint64_t snapshot_us = 0;
  uint64_t prepare_us = 0;  // handing rows to the renderer (rasterizing new glyphs)
  uint64_t draw_us = 0;     // GL calls up to the swap
  uint64_t swap_us = 0;
  std::vector<uint64_t> key_to_commit_us;
};

class TerminalWindow final : public wayland::WindowListener,
                             public wayland::SeatListener,
                             public wayland::TextInputListener,
                             public SelectionQuery {
 public:
  explicit TerminalWindow(const WindowConfig& config)
      : config_(config), view_(config.colors), start_ns_(monotonic_ns()) {}
  ~TerminalWindow() override;

  Result<void> init();
  int run();

 private:
  // wayland::WindowListener
  void on_configure(int width, int height, const wayland::WindowStates& states) override;
  void on_close() override;
  void on_frame_done(uint32_t time_ms) override;
  void on_scale_changed(double scale) override;
  void on_presented(uint64_t frame_id, uint64_t presented_ns, uint32_t refresh_ns) override;
  // wayland::SeatListener
  void on_key(const wayland::KeyInput& key) override;
  void on_keyboard_focus(bool focused) override;
  void on_pointer(const wayland::PointerInput& pointer) override;
  // wayland::TextInputListener
  void on_preedit(const std::string& text, int cursor_begin, int cursor_end) override;
  void on_commit(const std::string& text) override;
  // SelectionQuery
  bool empty() const override { return !selection_.active(); }
  bool contains(StableRow row, int col) const override {
    return selection_.contains(row, Column(col));
  }

  Result<void> load_fonts();
  Result<void> create_surface();
  void resize_grid();
  void note_dirty(uint32_t why, uint64_t since_ns = 0) {
    frame_reasons_ |= why;
    const uint64_t t = since_ns ? since_ns : monotonic_ns();
    if (dirty_since_ns_ == 0 || t < dirty_since_ns_) dirty_since_ns_ = t;
  }
  void mark_dirty() {
    note_dirty(0);
    dirty_ = true;
    maybe_paint();
  }
  void maybe_paint();
  void paint();
  void on_wayland(uint32_t events);
  void on_pane();
  // Takes what the pane has for us (dirt, title, bell, clipboard, exit) and paints if it
  // may; called when woken and at each frame callback or pacing timer.
  void poll_pane();
  void on_watchdog();
  void on_sync_timer();
  void on_signal();
  void on_blink();
  void update_blink_timer();
  bool binding(const wayland::KeyInput& key);
  void change_font_size(double delta_pt, bool reset);
  void copy_selection(wayland::SelectionKind kind);
  void paste(wayland::SelectionKind kind);
  void send_to_program(std::string_view bytes);
  std::pair<int, int> cell_at(double x, double y) const;
  // Client-side decorations: the title bar's height in buffer pixels (0 without), the
  // window as the decoration geometry sees it, and a pointer event on them.
  int title_bar_px() const;
  DecorationFrame decoration_frame() const;
  bool decoration_pointer(const wayland::PointerInput& p);
  void update_hover(int col, int row);
  void write_stats() const;
  void request_screenshot();
  void reload_config();
  void apply_config(const config::Config& c);
  void show_message(const std::string& text);

  WindowConfig config_;
  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<Waker> waker_;
  std::unique_ptr<wayland::Display> display_;
  std::unique_ptr<render::EglContext> egl_;
  std::unique_ptr<wayland::Window> window_;
  std::unique_ptr<wayland::Seats> seats_;
  std::unique_ptr<wayland::Clipboard> clipboard_;
  std::unique_ptr<wayland::TextInput> text_input_;
  std::unique_ptr<config::ConfigWatcher> config_watcher_;
  uint64_t config_generation_ = 1;
  int seats_listener_ = 0;
  std::unique_ptr<render::GridRenderer> renderer_;
  std::unique_ptr<pty::PtyPane> pane_;
  std::unique_ptr<pty::IoThread> io_;
  wl_egl_window* egl_window_ = nullptr;
  EGLSurface egl_surface_ = EGL_NO_SURFACE;
  int watchdog_fd_ = -1;
  int sync_fd_ = -1;
  int blink_fd_ = -1;
  int signal_fd_ = -1;

  TerminalView view_;
  Selection selection_;
  std::string title_;
  bool csd_ = false;
  double font_pt_ = 0;
  int buffer_width_ = 0;
  int buffer_height_ = 0;
  int rows_ = 0;
  int cols_ = 0;
  int min_width_ = 0;  // logical, as last told to the compositor
  int min_height_ = 0;
  bool dirty_ = true;
  bool focused_ = false;
  bool closing_ = false;
  bool exited_ = false;
  bool blink_on_ = true;
  bool sync_timer_armed_ = false;
  int watchdog_streak_ = 0;  // watchdog fires since the last frame callback

  uint64_t sync_started_ns_ = 0;
  bool screenshot_pending_ = false;
  uint64_t frame_id_ = 0;
  // Frame log: when the content now waiting to be painted first became dirty, when the
  // compositor last let us paint (a frame callback, or the watchdog giving up on one),
  // and what led to the next frame.
  uint64_t dirty_since_ns_ = 0;
  uint64_t callback_ns_ = 0;
  uint32_t frame_reasons_ = 0;
  uint64_t sync_hold_started_ns_ = 0;
  framelog::FrameLog frame_log_;
  std::FILE* frame_log_file_ = nullptr;
  uint64_t last_bytes_parsed_ = 0;

  // Pointer state.
  double pointer_x_ = 0;
  double pointer_y_ = 0;
  bool selecting_ = false;
  int buttons_held_ = 0;
  int held_button_ = 0;  // the last button pressed, for motion reports
  int click_count_ = 0;
  uint32_t last_click_ms_ = 0;
  std::pair<int, int> last_click_cell_{-1, -1};

  // Keys waiting for their echo: when they were received, and the pane's parsed-byte
  // count at that moment (output after it is the echo).
  struct PendingKey {
    uint64_t received_ns;
    uint64_t bytes_parsed;
  };
  std::vector<PendingKey> pending_keys_;

  uint64_t start_ns_;
  FrameStats stats_;
};

}  // namespace cadence::ui::detail
