// TerminalWindow: one window, one local pane (see terminal_window.hpp).
//
// Frame pacing. Painting is decided in one place, maybe_paint(), by one rule: paint when
// something is dirty and no frame callback is outstanding. Every paint asks for the next
// callback with its commit, so at most one is ever in flight and the compositor sets the
// pace: output arriving faster than the display refreshes is coalesced into the next
// frame instead of becoming extra commits. When the callback arrives and nothing is
// dirty, nothing is painted and no new callback is asked for: an idle terminal has no
// callback, no timer and no wake-up. Input that arrives while idle paints at once (no
// callback is outstanding), which is what keeps key-to-echo latency under a refresh.
//
// Two timers exist, each armed only while it has a job: the watchdog, while a callback is
// outstanding (a hidden window may never get one; after watchdog_ms the callback is
// abandoned, the event logged and painting resumes), and the synchronized-output timer,
// while a program holds DEC mode 2026. Key repeat has its own timer in the seat.
//
// Threads: the pty I/O thread parses output into the pane and pokes a Waker; this (GUI)
// thread takes the pane lock only to copy rows (TerminalView::snapshot) and to read the
// modes a key or mouse encoding needs.
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
#include "pty/io_thread.hpp"
#include "pty/pty_pane.hpp"
#include "render/egl_context.hpp"
#include "render/grid_renderer.hpp"
#include "render/png.hpp"
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

namespace cadence::ui {
namespace {

const log::Tag kLog{"ui"};

std::string user_shell() {
  if (const char* s = std::getenv("SHELL"); s && *s) return s;
  if (passwd* pw = getpwuid(getuid()); pw && pw->pw_shell && *pw->pw_shell) return pw->pw_shell;
  return "/bin/sh";
}

void arm_timer(int fd, int ms) {
  itimerspec spec{};
  spec.it_value.tv_sec = ms / 1000;
  spec.it_value.tv_nsec = static_cast<long>(ms % 1000) * 1000000L;
  if (ms <= 0) spec.it_value.tv_nsec = 1;
  timerfd_settime(fd, 0, &spec, nullptr);
}

void disarm_timer(int fd) {
  itimerspec spec{};
  timerfd_settime(fd, 0, &spec, nullptr);
}

void drain_timer(int fd) {
  uint64_t expirations = 0;
  ssize_t n = read(fd, &expirations, sizeof expirations);
  (void)n;
}

constexpr double kMinFontPt = 4.0;
constexpr double kMaxFontPt = 200.0;
constexpr int kClickIntervalMs = 400;

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
  void mark_dirty() {
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
  // Client-side decorations: the title bar's height in buffer pixels (0 without), its
  // overlays, and what a press at a logical position does.
  int title_bar_px() const;
  void draw_decorations(std::vector<render::Overlay>& overlays,
                        std::vector<render::OverlayGlyph>& text) const;
  enum class DecorationHit { none, move, close, maximize, minimize, resize };
  DecorationHit hit_decoration(double x, double y, uint32_t& edges) const;
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

TerminalWindow::~TerminalWindow() {
  write_stats();
  if (io_ && pane_) io_->remove(pane_.get());
  io_.reset();
  renderer_.reset();
  if (egl_ && egl_surface_ != EGL_NO_SURFACE) {
    eglMakeCurrent(egl_->display(), EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    eglDestroySurface(egl_->display(), egl_surface_);
  }
  if (egl_window_) wl_egl_window_destroy(egl_window_);
  text_input_.reset();
  clipboard_.reset();
  if (display_ && seats_listener_) display_->remove_global_listener(seats_listener_);
  seats_.reset();
  window_.reset();
  egl_.reset();
  for (int fd : {watchdog_fd_, sync_fd_, blink_fd_, signal_fd_}) {
    if (fd >= 0) close(fd);
  }
}

Result<void> TerminalWindow::init() {
  // Signals become events on a signalfd, read by the loop like any other descriptor. They
  // are blocked before any thread starts so every thread inherits the mask (the child
  // process gets a clean mask in PtyProcess::spawn).
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : {SIGUSR1, SIGUSR2, SIGTERM, SIGINT, SIGHUP}) sigaddset(&mask, s);
  pthread_sigmask(SIG_BLOCK, &mask, nullptr);
  signal(SIGPIPE, SIG_IGN);
  signal_fd_ = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

  auto loop = EventLoop::create();
  if (!loop) return loop.error();
  loop_ = std::move(loop.value());
  auto waker = Waker::create();
  if (!waker) return waker.error();
  waker_ = std::move(waker.value());
  auto display = wayland::Display::connect();
  if (!display) return display.error();
  display_ = std::move(display.value());
  auto egl = render::EglContext::create(display_->native());
  if (!egl) return egl.error();
  egl_ = std::move(egl.value());

  font_pt_ = config_.font.size_pt;
  if (Result<void> r = load_fonts(); !r) return r;

  wayland::WindowOptions wo;
  wo.title = config_.title;
  wo.app_id = config_.app_id;
  auto window = wayland::Window::create(*display_, *this, wo);
  if (!window) return window.error();
  window_ = std::move(window.value());
  auto seats = wayland::Seats::create(*display_, *loop_, *this);
  if (!seats) return seats.error();
  seats_ = std::move(seats.value());
  auto clipboard = wayland::Clipboard::create(*display_, *loop_, *seats_);
  if (!clipboard) return clipboard.error();
  clipboard_ = std::move(clipboard.value());
  // The seats' capabilities arrive with the next roundtrip; input methods need a seat.
  if (Result<void> r = display_->roundtrip(); !r) return r;
  text_input_ =
      wayland::TextInput::create(*display_, seats_->active_seat(), window_->surface(), *this);
  // Window already listens for outputs; seats come and go too.
  seats_listener_ = display_->add_global_listener(
      [this](const wayland::Global& g, bool added) { seats_->on_global(g, added); });

  for (int* fd : {&watchdog_fd_, &sync_fd_, &blink_fd_}) {
    *fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (*fd < 0) return make_error(std::string("timerfd_create: ") + std::strerror(errno));
  }
  auto add = [this](int fd, uint32_t events, EventLoop::Callback cb) {
    return loop_->add(fd, events, std::move(cb));
  };
  if (auto r = add(wl_display_get_fd(display_->native()), EPOLLIN,
                   [this](uint32_t e) { on_wayland(e); });
      !r)
    return r;
  if (auto r = add(waker_->fd(), EPOLLIN, [this](uint32_t) { on_pane(); }); !r) return r;
  if (auto r = add(watchdog_fd_, EPOLLIN, [this](uint32_t) { on_watchdog(); }); !r) return r;
  if (auto r = add(sync_fd_, EPOLLIN, [this](uint32_t) { on_sync_timer(); }); !r) return r;
  if (auto r = add(blink_fd_, EPOLLIN, [this](uint32_t) { on_blink(); }); !r) return r;
  if (signal_fd_ >= 0) {
    if (auto r = add(signal_fd_, EPOLLIN, [this](uint32_t) { on_signal(); }); !r) return r;
  }
  wl_display* wl = display_->native();
  loop_->set_before_sleep([wl] {
    wl_display_dispatch_pending(wl);
    wl_display_flush(wl);
  });

  // The program starts at the size the window will most likely get; the first
  // configure corrects it before it has printed much.
  pty::PtyPane::Options po;
  po.spawn.argv =
      config_.command.empty() ? std::vector<std::string>{user_shell()} : config_.command;
  po.spawn.env = {"TERM=" + config_.term, "COLORTERM=truecolor", "TERM_PROGRAM=cadence",
                  "TERM_PROGRAM_VERSION=" CADENCE_VERSION};
  po.spawn.size = pty::WindowSize{24, 80, 0, 0};
  po.terminal.rows = 24;
  po.terminal.cols = 80;
  po.terminal.scrollback_lines = config_.scrollback_lines;
  auto pane = pty::PtyPane::spawn(po);
  if (!pane) return pane.error();
  pane_ = std::move(pane.value());
  {
    std::lock_guard<std::mutex> guard(pane_->mutex());
    vt::Terminal& t = pane_->terminal();
    t.set_default_colors(config_.colors.foreground & 0xffffff, config_.colors.background & 0xffffff,
                         config_.colors.cursor & 0xffffff);
    for (size_t i = 0; i < config_.palette.size(); ++i) {
      if (config_.palette[i]) t.set_default_palette(static_cast<int>(i), *config_.palette[i]);
    }
    if (!config_.startup_message.empty()) {
      std::string text;
      for (char ch : config_.startup_message) {
        if (ch == '\n') text += '\r';
        text += ch;
      }
      t.feed("\x1b[1;31m" + text + "\x1b[0m\r\n");
    }
  }
  auto io = pty::IoThread::start(*waker_);
  if (!io) return io.error();
  io_ = std::move(io.value());
  io_->add(pane_.get());
  title_ = config_.title;
  csd_ = config_.client_side_decorations || window_->client_side_decorations();
  if (!config_.config_path.empty()) {
    auto watcher =
        config::ConfigWatcher::create(*loop_, config_.config_path, [this] { reload_config(); });
    if (watcher) {
      config_watcher_ = std::move(watcher.value());
    } else {
      LOG_WARN(kLog, "configuration changes will not be noticed: ", watcher.error().message);
    }
  }
  // The first configure may have arrived during Window::create's roundtrip.
  if (window_->configured()) on_configure(window_->width(), window_->height(), window_->states());
  return {};
}

Result<void> TerminalWindow::load_fonts() {
  render::font::FontSpec spec = config_.font;
  spec.size_pt = font_pt_;
  const double scale = window_ ? window_->scale() : 1.0;
  auto fonts = render::font::FontSet::open(spec, scale);
  if (!fonts) return fonts.error();
  if (!renderer_) {
    auto renderer = render::GridRenderer::create(std::move(fonts.value()));
    if (!renderer) return renderer.error();
    renderer_ = std::move(renderer.value());
  } else {
    renderer_->set_fonts(std::move(fonts.value()));
  }
  const auto& m = renderer_->metrics();
  LOG_DEBUG(kLog, "font ", renderer_->fonts().primary_family(), " ", font_pt_, "pt at scale ",
            scale, ": cell ", m.cell_width, "x", m.cell_height);
  return {};
}

Result<void> TerminalWindow::create_surface() {
  egl_window_ = wl_egl_window_create(window_->surface(), buffer_width_, buffer_height_);
  if (!egl_window_) return make_error("wl_egl_window_create failed");
  egl_surface_ = eglCreateWindowSurface(
      egl_->display(), egl_->config(), reinterpret_cast<EGLNativeWindowType>(egl_window_), nullptr);
  if (egl_surface_ == EGL_NO_SURFACE) {
    return make_error("eglCreateWindowSurface failed: " + render::egl_error_name(eglGetError()));
  }
  if (!eglMakeCurrent(egl_->display(), egl_surface_, egl_surface_, egl_->context())) {
    return make_error("eglMakeCurrent failed: " + render::egl_error_name(eglGetError()));
  }
  // Swaps must never wait for the compositor: pacing comes from frame callbacks alone.
  eglSwapInterval(egl_->display(), 0);
  return {};
}

void TerminalWindow::on_configure(int width, int height, const wayland::WindowStates& states) {
  // The first configure can arrive while the window is still being created; init()
  // replays it once everything exists.
  if (!window_ || !pane_) return;
  const auto& m = renderer_->metrics();
  const double scale = window_->scale();
  if (width <= 0 || height <= 0) {
    // Our choice: 80x24 cells.
    const int pad = static_cast<int>(std::lround(config_.padding * scale));
    width = static_cast<int>(std::ceil((80 * m.cell_width + 2 * pad) / scale));
    height = static_cast<int>(std::ceil((24 * m.cell_height + 2 * pad + title_bar_px()) / scale));
    window_->set_size(width, height);
  }
  (void)states;
  resize_grid();
  mark_dirty();
}

void TerminalWindow::resize_grid() {
  const int bw = std::max(1, window_->buffer_width());
  const int bh = std::max(1, window_->buffer_height());
  const auto& m = renderer_->metrics();
  const int pad = static_cast<int>(std::lround(config_.padding * window_->scale()));
  const int cols = std::max(2, (bw - 2 * pad) / std::max(1, m.cell_width));
  const int bar = title_bar_px();
  const int rows = std::max(1, (bh - 2 * pad - bar) / std::max(1, m.cell_height));
  if (bw != buffer_width_ || bh != buffer_height_) {
    buffer_width_ = bw;
    buffer_height_ = bh;
    if (egl_window_) {
      wl_egl_window_resize(egl_window_, bw, bh, 0, 0);
    } else if (Result<void> r = create_surface(); !r) {
      LOG_ERROR(kLog, r.error().message);
      closing_ = true;
      loop_->quit();
      return;
    }
  }
  // The smallest window that still shows a 2x1 grid, so the grid never collapses.
  const double scale = window_->scale();
  const int min_w = static_cast<int>(std::ceil((2 * m.cell_width + 2 * pad) / scale));
  const int min_h = static_cast<int>(std::ceil((m.cell_height + 2 * pad + bar) / scale));
  if (min_w != min_width_ || min_h != min_height_) {
    min_width_ = min_w;
    min_height_ = min_h;
    window_->set_min_size(min_w, min_h);
  }
  if (rows != rows_ || cols != cols_) {
    rows_ = rows;
    cols_ = cols;
    if (Result<void> r =
            pane_->resize(pty::WindowSize{rows, cols, cols * m.cell_width, rows * m.cell_height});
        !r) {
      LOG_WARN(kLog, "resizing the pty: ", r.error().message);
    }
    LOG_DEBUG(kLog, "grid ", cols, "x", rows, " in ", bw, "x", bh, " px");
  }
  render::GridGeometry g;
  g.rows = rows;
  g.cols = cols;
  g.origin_x = pad;
  g.origin_y = pad + bar;
  renderer_->set_geometry(g);
  view_.invalidate();
}

void TerminalWindow::on_close() {
  closing_ = true;
  loop_->quit();
}

void TerminalWindow::on_scale_changed(double) {
  if (!window_ || !pane_) return;
  if (Result<void> r = load_fonts(); !r) {
    LOG_ERROR(kLog, "fonts at the new scale: ", r.error().message);
    return;
  }
  if (window_->configured()) {
    resize_grid();
    mark_dirty();
  }
}

void TerminalWindow::on_frame_done(uint32_t) {
  ++stats_.frame_callbacks;
  watchdog_streak_ = 0;
  disarm_timer(watchdog_fd_);
  poll_pane();
}

void TerminalWindow::on_presented(uint64_t, uint64_t presented_ns, uint32_t) {
  if (presented_ns) ++stats_.presented;
}

void TerminalWindow::on_watchdog() {
  drain_timer(watchdog_fd_);
  if (!window_->frame_pending()) return;
  ++stats_.watchdog_fires;
  // Said once per stretch without callbacks (a hidden window fires this every interval).
  if (watchdog_streak_++ == 0) {
    LOG_INFO(kLog, "no frame callback after ", config_.watchdog_ms,
             " ms (hidden window?); painting resumes without it");
  }
  window_->abandon_frame_callback();
  poll_pane();
}

void TerminalWindow::on_sync_timer() {
  drain_timer(sync_fd_);
  sync_timer_armed_ = false;
  poll_pane();
}

void TerminalWindow::on_blink() {
  drain_timer(blink_fd_);
  blink_on_ = !blink_on_;
  dirty_ = true;
  view_.invalidate();
  maybe_paint();
}

void TerminalWindow::update_blink_timer() {
  bool want = false;
  if (config_.cursor_blink && focused_ && pane_) {
    std::lock_guard<std::mutex> guard(pane_->mutex());
    want = pane_->terminal().cursor_blinking() || pane_->terminal().modes().cursor_blink;
  }
  if (want) {
    itimerspec spec{};
    spec.it_value.tv_nsec = 500000000L;
    spec.it_interval.tv_nsec = 500000000L;
    timerfd_settime(blink_fd_, 0, &spec, nullptr);
  } else {
    disarm_timer(blink_fd_);
    blink_on_ = true;
  }
}

void TerminalWindow::on_signal() {
  signalfd_siginfo info{};
  while (read(signal_fd_, &info, sizeof info) == sizeof info) {
    switch (info.ssi_signo) {
      case SIGUSR1: request_screenshot(); break;
      case SIGUSR2: write_stats(); break;
      default:
        closing_ = true;
        loop_->quit();
        break;
    }
  }
}

void TerminalWindow::show_message(const std::string& text) {
  std::string lines;
  for (char ch : text) {
    if (ch == '\n') lines += '\r';
    lines += ch;
  }
  {
    std::lock_guard<std::mutex> guard(pane_->mutex());
    pane_->terminal().feed("\r\n\x1b[1;31m" + lines + "\x1b[0m\r\n");
  }
  mark_dirty();
}

// A reload that fails keeps the configuration in use: the error is logged and shown in
// the window, and fixing the file (or Ctrl+Shift+R) tries again.
void TerminalWindow::reload_config() {
  Result<config::Config> loaded = config::load_file(config_.config_path, config_generation_ + 1);
  if (!loaded) {
    LOG_WARN(kLog, "configuration not reloaded: ", loaded.error().message);
    show_message("cadence: configuration not reloaded: " + loaded.error().message +
                 "\ncadence: keeping the configuration in use");
    return;
  }
  config_generation_ = loaded->generation;
  apply_config(loaded.value());
  LOG_INFO(kLog, "configuration ", config_.config_path, " reloaded (generation ",
           config_generation_, ")");
}

void TerminalWindow::apply_config(const config::Config& c) {
  const uint32_t opaque = 0xff000000u;
  ColorScheme colors;
  colors.foreground = opaque | c.colors.foreground;
  colors.background = opaque | c.colors.background;
  colors.cursor = opaque | c.colors.cursor;
  colors.selection_foreground = opaque | c.colors.selection_foreground;
  colors.selection_background = opaque | c.colors.selection_background;
  config_.colors = colors;
  config_.palette = c.colors.palette;
  view_.set_colors(colors);
  {
    std::lock_guard<std::mutex> guard(pane_->mutex());
    vt::Terminal& t = pane_->terminal();
    t.set_default_colors(c.colors.foreground, c.colors.background, c.colors.cursor);
    for (size_t i = 0; i < c.colors.palette.size(); ++i) {
      const int index = static_cast<int>(i);
      t.set_default_palette(index, c.colors.palette[i].value_or(vt::default_palette(index)));
    }
  }
  config_.cursor_blink = config_.blink_from_command_line || c.cursor_blink;
  update_blink_timer();
  bool relayout = c.window_padding != config_.padding;
  config_.padding = c.window_padding;
  if (!config_.font_from_command_line &&
      (c.font != config_.font.family || c.font_size != config_.font.size_pt)) {
    config_.font.family = c.font;
    config_.font.size_pt = c.font_size;
    font_pt_ = c.font_size;
    if (Result<void> r = load_fonts(); !r) {
      show_message("cadence: font " + c.font + ": " + r.error().message);
    }
    relayout = true;
  }
  if (relayout && window_->configured() && egl_window_) resize_grid();
  view_.invalidate();
  mark_dirty();
}

void TerminalWindow::request_screenshot() {
  screenshot_pending_ = true;
  view_.invalidate();
  mark_dirty();
}

void TerminalWindow::on_wayland(uint32_t events) {
  if (events & (EPOLLERR | EPOLLHUP)) {
    LOG_ERROR(kLog, display_->connection_error("reading events").message);
    closing_ = true;
    loop_->quit();
    return;
  }
  if (wl_display_dispatch(display_->native()) < 0) {
    LOG_ERROR(kLog, display_->connection_error("dispatching events").message);
    closing_ = true;
    loop_->quit();
  }
}

void TerminalWindow::on_pane() {
  waker_->acknowledge();
  poll_pane();
}

void TerminalWindow::poll_pane() {
  if (pane_->take_dirty()) dirty_ = true;
  pty::PaneEvents events;
  std::string title;
  {
    std::lock_guard<std::mutex> guard(pane_->mutex());
    events = pane_->take_events();
    if (events.title_changed) title = pane_->terminal().title();
  }
  if (events.title_changed) {
    title_ = title.empty() ? config_.title : title;
    window_->set_title(title_);
    if (csd_) dirty_ = true;
  }
  if (events.bells > 0 && !focused_) window_->request_attention();
  for (auto& [targets, text] : events.clipboard) {
    const bool primary =
        targets.find('p') != std::string::npos || targets.find('s') != std::string::npos;
    const bool clip = targets.empty() || targets.find('c') != std::string::npos;
    if (clip) clipboard_->set(wayland::SelectionKind::clipboard, text, seats_->last_serial());
    if (primary) clipboard_->set(wayland::SelectionKind::primary, text, seats_->last_serial());
  }
  if (pane_->exited() && !exited_) {
    exited_ = true;
    LOG_DEBUG(kLog, "the program exited with status ", pane_->exit_status());
    if (!config_.hold) {
      closing_ = true;
      loop_->quit();
      return;
    }
  }
  maybe_paint();
  // Idle again (no callback to wait for, nothing held): the next output must wake us.
  if (!window_->frame_pending()) {
    pane_->want_wake(true);
    if (pane_->take_dirty()) {
      dirty_ = true;
      maybe_paint();
    }
  }
}

void TerminalWindow::maybe_paint() {
  if (!dirty_ || closing_ || !window_ || !window_->configured() || !egl_window_) return;
  if (window_->frame_pending()) return;
  paint();
}

void TerminalWindow::paint() {
  const uint64_t t0 = monotonic_ns();
  bool held = false;
  int copied = 0;
  {
    std::lock_guard<std::mutex> guard(pane_->mutex());
    vt::Terminal& t = pane_->terminal();
    // DEC mode 2026: the program is drawing a frame of its own; show it whole. Held at
    // most sync_timeout_ms, then drawn anyway so a program that forgets to end it cannot
    // freeze the window.
    if (t.modes().synchronized_output) {
      if (sync_started_ns_ == 0) sync_started_ns_ = t0;
      const uint64_t held_ms = (t0 - sync_started_ns_) / 1000000;
      if (held_ms < static_cast<uint64_t>(config_.sync_timeout_ms)) {
        held = true;
        if (!sync_timer_armed_) {
          arm_timer(sync_fd_, config_.sync_timeout_ms - static_cast<int>(held_ms));
          sync_timer_armed_ = true;
        }
      }
    } else {
      sync_started_ns_ = 0;
    }
    if (!held) copied = view_.snapshot(t, this, focused_, blink_on_);
  }
  if (held) {
    ++stats_.sync_holds;
    return;
  }
  if (sync_timer_armed_) {
    disarm_timer(sync_fd_);
    sync_timer_armed_ = false;
  }
  dirty_ = false;
  stats_.rows_copied += static_cast<uint64_t>(copied);
  const uint64_t t_snapshot = monotonic_ns();
  stats_.snapshot_us += (t_snapshot - t0) / 1000;

  view_.apply(*renderer_);
  if (renderer_->take_atlas_reset()) view_.apply_all(*renderer_);

  // Cursor shapes other than the focused block are drawn over the grid.
  std::vector<render::Overlay> overlays;
  const CursorView& c = view_.cursor();
  if (text_input_ && text_input_->enabled()) {
    const auto& m = renderer_->metrics();
    const double scale = window_->scale();
    text_input_->set_cursor_rectangle(
        static_cast<int>((renderer_->geometry().origin_x + c.col * m.cell_width) / scale),
        static_cast<int>((renderer_->geometry().origin_y + c.row * m.cell_height) / scale),
        static_cast<int>(m.cell_width / scale), static_cast<int>(m.cell_height / scale));
  }
  if (c.visible) {
    const auto& m = renderer_->metrics();
    const float x = static_cast<float>(renderer_->geometry().origin_x + c.col * m.cell_width);
    const float y = static_cast<float>(renderer_->geometry().origin_y + c.row * m.cell_height);
    const float w = static_cast<float>(m.cell_width * c.width);
    const float h = static_cast<float>(m.cell_height);
    const float thick = static_cast<float>(std::max(1, m.cell_width / 8));
    const uint32_t color = view_.colors().cursor;
    if (!c.focused) {
      overlays.push_back({x, y, w, h, color, render::Overlay::Style::hollow});
    } else if (c.shape == vt::CursorShape::bar) {
      overlays.push_back({x, y, thick, h, color, render::Overlay::Style::solid});
    } else if (c.shape == vt::CursorShape::underline) {
      overlays.push_back({x, y + h - thick, w, thick, color, render::Overlay::Style::solid});
    }
  }
  std::vector<render::OverlayGlyph> text;
  if (csd_) draw_decorations(overlays, text);
  renderer_->set_overlays(std::move(overlays));
  renderer_->set_overlay_text(std::move(text));

  if (!eglMakeCurrent(egl_->display(), egl_surface_, egl_surface_, egl_->context())) {
    LOG_ERROR(kLog, "eglMakeCurrent: ", render::egl_error_name(eglGetError()));
  }
  const uint64_t t_prepared = monotonic_ns();
  stats_.prepare_us += (t_prepared - t_snapshot) / 1000;
  renderer_->draw(buffer_width_, buffer_height_, view_.background());
  if (renderer_->take_atlas_reset()) {
    // The title bar's glyphs emptied the atlas while drawing: rows go again next frame.
    view_.apply_all(*renderer_);
    dirty_ = true;
  }
  if (screenshot_pending_) {
    screenshot_pending_ = false;
    std::vector<uint8_t> pixels = renderer_->read_pixels(buffer_width_, buffer_height_);
    const std::string path = config_.screenshot_path.empty()
                                 ? "cadence-" + std::to_string(getpid()) + ".png"
                                 : config_.screenshot_path;
    if (Result<void> r = render::write_png(path, buffer_width_, buffer_height_, pixels); !r) {
      LOG_ERROR(kLog, "screenshot: ", r.error().message);
    } else {
      LOG_INFO(kLog, "frame saved to ", path);
    }
  }

  window_->request_frame_callback();
  // Until that callback, output needs no wake-up: the callback looks at the pane anyway.
  pane_->want_wake(false);
  window_->request_presentation_feedback(++frame_id_);
  window_->prepare_commit();
  arm_timer(watchdog_fd_, config_.watchdog_ms);
  const uint64_t t_drawn = monotonic_ns();
  stats_.draw_us += (t_drawn - t_prepared) / 1000;
  if (!eglSwapBuffers(egl_->display(), egl_surface_)) {
    LOG_ERROR(kLog, "eglSwapBuffers: ", render::egl_error_name(eglGetError()));
  }
  const uint64_t t1 = monotonic_ns();
  stats_.swap_us += (t1 - t_drawn) / 1000;
  ++stats_.paints;
  if (stats_.paints == 1) stats_.first_frame_us = (t1 - start_ns_) / 1000;
  // Keys whose echo this frame shows: output was parsed after they were sent.
  const uint64_t parsed = pane_->bytes_parsed();
  if (!pending_keys_.empty()) {
    std::erase_if(pending_keys_, [&](const PendingKey& k) {
      if (parsed <= k.bytes_parsed) return false;
      stats_.key_to_commit_us.push_back((t1 - k.received_ns) / 1000);
      return true;
    });
  }
  last_bytes_parsed_ = parsed;
}

std::pair<int, int> TerminalWindow::cell_at(double x, double y) const {
  const auto& m = renderer_->metrics();
  const double scale = window_->scale();
  const double px = x * scale - renderer_->geometry().origin_x;
  const double py = y * scale - renderer_->geometry().origin_y;
  const int col = std::clamp(static_cast<int>(std::floor(px / m.cell_width)), 0, cols_ - 1);
  const int row = std::clamp(static_cast<int>(std::floor(py / m.cell_height)), 0, rows_ - 1);
  return {col, row};
}

void TerminalWindow::send_to_program(std::string_view bytes) {
  if (bytes.empty() || exited_) return;
  pane_->write(bytes);
  if (view_.scroll_offset() != 0) {
    view_.scroll_to_bottom();
    mark_dirty();
  }
}

void TerminalWindow::change_font_size(double delta_pt, bool reset) {
  const double before = font_pt_;
  font_pt_ = reset ? config_.font.size_pt : std::clamp(font_pt_ + delta_pt, kMinFontPt, kMaxFontPt);
  if (font_pt_ == before) return;
  if (Result<void> r = load_fonts(); !r) {
    LOG_ERROR(kLog, "font size ", font_pt_, ": ", r.error().message);
    font_pt_ = before;
    return;
  }
  resize_grid();
  mark_dirty();
}

void TerminalWindow::copy_selection(wayland::SelectionKind kind) {
  std::string text;
  {
    std::lock_guard<std::mutex> guard(pane_->mutex());
    text = selection_.text(pane_->terminal());
  }
  if (!text.empty()) clipboard_->set(kind, std::move(text), seats_->last_serial());
}

void TerminalWindow::paste(wayland::SelectionKind kind) {
  clipboard_->paste(kind, [this](std::string text) {
    if (text.empty() || exited_) return;
    bool bracketed = false;
    {
      std::lock_guard<std::mutex> guard(pane_->mutex());
      bracketed = pane_->terminal().modes().bracketed_paste;
    }
    send_to_program(prepare_paste(text, bracketed));
  });
}

bool TerminalWindow::binding(const wayland::KeyInput& key) {
  using namespace wayland::modifier;
  const uint32_t mods = key.mods & (shift | alt | ctrl | super);
  const uint32_t sym = xkb_keysym_to_lower(key.keysym);
  if (mods == (ctrl | shift)) {
    switch (sym) {
      case XKB_KEY_c: copy_selection(wayland::SelectionKind::clipboard); return true;
      case XKB_KEY_v: paste(wayland::SelectionKind::clipboard); return true;
      case XKB_KEY_s: request_screenshot(); return true;
      case XKB_KEY_r:
        if (config_.config_path.empty()) return false;
        reload_config();
        return true;
      default: break;
    }
  }
  if (mods == shift) {
    const int page = std::max(1, rows_ - 1);
    switch (key.keysym) {
      case XKB_KEY_Prior: {
        std::lock_guard<std::mutex> guard(pane_->mutex());
        view_.scroll_by(pane_->terminal(), page);
      }
        mark_dirty();
        return true;
      case XKB_KEY_Next: {
        std::lock_guard<std::mutex> guard(pane_->mutex());
        view_.scroll_by(pane_->terminal(), -page);
      }
        mark_dirty();
        return true;
      case XKB_KEY_Insert: paste(wayland::SelectionKind::primary); return true;
      default: break;
    }
  }
  if (mods == ctrl || mods == (ctrl | shift)) {
    switch (key.keysym) {
      case XKB_KEY_equal:
      case XKB_KEY_plus:
      case XKB_KEY_KP_Add: change_font_size(1.0, false); return true;
      case XKB_KEY_minus:
      case XKB_KEY_KP_Subtract: change_font_size(-1.0, false); return true;
      case XKB_KEY_0:
      case XKB_KEY_KP_0: change_font_size(0, true); return true;
      default: break;
    }
  }
  return false;
}

void TerminalWindow::on_key(const wayland::KeyInput& key) {
  if (key.action != wayland::KeyInput::Action::release && binding(key)) return;
  KeyEvent e;
  e.keysym = key.keysym;
  e.unshifted_keysym = key.unshifted_keysym;
  e.unshifted_codepoint = xkb_keysym_to_utf32(key.unshifted_keysym);
  e.mods = key.mods;
  e.text = key.text;
  e.action = key.action == wayland::KeyInput::Action::press    ? KeyAction::press
             : key.action == wayland::KeyInput::Action::repeat ? KeyAction::repeat
                                                               : KeyAction::release;
  KeyModes modes;
  {
    std::lock_guard<std::mutex> guard(pane_->mutex());
    modes = key_modes_from(pane_->terminal());
  }
  std::string bytes = encode_key(e, modes);
  if (bytes.empty()) return;
  if (key.action != wayland::KeyInput::Action::release) {
    pending_keys_.push_back({key.received_ns, pane_->bytes_parsed()});
    if (pending_keys_.size() > 64) pending_keys_.erase(pending_keys_.begin());
  }
  if (selection_.active() && key.action == wayland::KeyInput::Action::press) {
    selection_.clear();
    view_.invalidate();
    dirty_ = true;
  }
  send_to_program(bytes);
}

void TerminalWindow::on_preedit(const std::string& text, int, int) {
  view_.set_preedit(vt::decode_utf8(text));
  mark_dirty();
}

void TerminalWindow::on_commit(const std::string& text) {
  if (selection_.active()) {
    selection_.clear();
    view_.invalidate();
  }
  pending_keys_.push_back({monotonic_ns(), pane_->bytes_parsed()});
  send_to_program(text);
}

void TerminalWindow::on_keyboard_focus(bool focused) {
  focused_ = focused;
  bool report = false;
  {
    std::lock_guard<std::mutex> guard(pane_->mutex());
    report = pane_->terminal().modes().focus_events;
  }
  if (report) send_to_program(encode_focus(focused));
  update_blink_timer();
  view_.invalidate();
  mark_dirty();
}

void TerminalWindow::on_pointer(const wayland::PointerInput& p) {
  using Kind = wayland::PointerInput::Kind;
  if (p.kind == Kind::enter || p.kind == Kind::motion || p.kind == Kind::button ||
      p.kind == Kind::axis) {
    pointer_x_ = p.x;
    pointer_y_ = p.y;
  }
  if (p.kind == Kind::leave) {
    if (view_.hover_link() != 0) {
      view_.set_hover_link(0);
      mark_dirty();
    }
    return;
  }
  if (csd_ && decoration_pointer(p)) return;
  if (p.kind == Kind::enter) return;
  const auto [col, row] = cell_at(pointer_x_, pointer_y_);
  if (p.kind == Kind::motion) update_hover(col, row);
  vt::Modes modes;
  bool alt_screen = false;
  StableRow stable(0);
  {
    std::lock_guard<std::mutex> guard(pane_->mutex());
    modes = pane_->terminal().modes();
    alt_screen = pane_->terminal().is_alt_screen();
    stable = view_.stable_row_at(pane_->terminal(), row);
  }
  if (p.kind == Kind::button) {
    buttons_held_ += p.pressed ? 1 : -1;
    if (p.pressed) held_button_ = p.button;
  }
  buttons_held_ = std::max(0, buttons_held_);

  // Programs that track the mouse get it, unless Shift is held (then it selects).
  const bool shift = p.mods & wayland::modifier::shift;
  if (modes.mouse != vt::MouseTracking::off && !shift && !selecting_) {
    MouseEvent m;
    m.col = col;
    m.row = row;
    const double scale = window_->scale();
    m.x_px = static_cast<int>(pointer_x_ * scale) - renderer_->geometry().origin_x;
    m.y_px = static_cast<int>(pointer_y_ * scale) - renderer_->geometry().origin_y;
    m.mods = p.mods;
    m.buttons_held = buttons_held_ > 0;
    if (p.kind == Kind::motion) {
      m.kind = MouseEvent::Kind::motion;
      m.button = held_button_;
      send_to_program(encode_mouse(m, modes));
      return;
    }
    if (p.kind == Kind::button) {
      m.kind = p.pressed ? MouseEvent::Kind::press : MouseEvent::Kind::release;
      m.button = p.button;
      if (p.button <= 2) send_to_program(encode_mouse(m, modes));
      return;
    }
    if (p.kind == Kind::axis && p.scroll_y != 0) {
      m.kind = MouseEvent::Kind::wheel;
      m.button = p.scroll_y < 0 ? 4 : 5;
      const int steps = std::max(1, static_cast<int>(std::lround(std::abs(p.scroll_y))));
      std::string bytes;
      for (int i = 0; i < steps; ++i) bytes += encode_mouse(m, modes);
      send_to_program(bytes);
      return;
    }
    return;
  }

  if (p.kind == Kind::axis) {
    if (p.scroll_y == 0) return;
    const int steps = static_cast<int>(std::lround(p.scroll_y * 3));
    if (alt_screen) {
      MouseEvent wheel;
      wheel.kind = MouseEvent::Kind::wheel;
      wheel.button = steps < 0 ? 4 : 5;
      send_to_program(encode_alternate_scroll(wheel, modes, std::abs(steps)));
      return;
    }
    {
      std::lock_guard<std::mutex> guard(pane_->mutex());
      view_.scroll_by(pane_->terminal(), -steps);
    }
    mark_dirty();
    return;
  }
  if (p.kind == Kind::button) {
    if (p.button == 1 && p.pressed) {
      paste(wayland::SelectionKind::primary);
      return;
    }
    if (p.button != 0) return;
    if (p.pressed) {
      const bool same_cell = last_click_cell_ == std::make_pair(col, row);
      click_count_ =
          same_cell && p.time_ms - last_click_ms_ < kClickIntervalMs ? click_count_ % 3 + 1 : 1;
      last_click_ms_ = p.time_ms;
      last_click_cell_ = {col, row};
      const Selection::Mode mode = click_count_ == 3   ? Selection::Mode::line
                                   : click_count_ == 2 ? Selection::Mode::word
                                                       : Selection::Mode::cell;
      const bool rectangular = p.mods & wayland::modifier::alt;
      {
        std::lock_guard<std::mutex> guard(pane_->mutex());
        selection_.begin(pane_->terminal(), SelectionPoint{stable, Column(col)}, mode, rectangular);
      }
      selecting_ = true;
    } else if (selecting_) {
      selecting_ = false;
      if (selection_.active()) copy_selection(wayland::SelectionKind::primary);
    }
    view_.invalidate();
    mark_dirty();
    return;
  }
  if (p.kind == Kind::motion && selecting_) {
    {
      std::lock_guard<std::mutex> guard(pane_->mutex());
      selection_.extend(pane_->terminal(), SelectionPoint{stable, Column(col)});
    }
    view_.invalidate();
    mark_dirty();
  }
}

// ---- client-side decorations

constexpr int kTitleBarLogical = 24;
constexpr int kResizeEdgeLogical = 6;
constexpr uint32_t kTitleBarColor = 0xff2e2e2e;
constexpr uint32_t kTitleTextColor = 0xffe0e0e0;
constexpr uint32_t kCloseColor = 0xffc0392b;

int TerminalWindow::title_bar_px() const {
  if (!csd_ || !window_) return 0;
  return static_cast<int>(std::lround(kTitleBarLogical * window_->scale()));
}

void TerminalWindow::draw_decorations(std::vector<render::Overlay>& overlays,
                                      std::vector<render::OverlayGlyph>& text) const {
  using Style = render::Overlay::Style;
  const float bar = static_cast<float>(title_bar_px());
  const float w = static_cast<float>(buffer_width_);
  const float h = static_cast<float>(buffer_height_);
  const float line = std::max(1.0f, static_cast<float>(std::lround(window_->scale())));
  overlays.push_back({0, 0, w, bar, kTitleBarColor, Style::solid});
  // A one-pixel frame, so the window's edge shows where the resize handles are.
  overlays.push_back({0, 0, w, h, kTitleBarColor, Style::hollow});
  // Buttons from the right: close, maximize, minimize; icons drawn as rectangles.
  const float icon = std::round(bar * 0.4f);
  const float inset = std::round((bar - icon) / 2);
  overlays.push_back({w - bar, 0, bar, bar, kCloseColor, Style::solid});
  const float cx = w - bar + inset, cy = inset;
  overlays.push_back({cx, cy + icon / 2 - line / 2, icon, line, kTitleTextColor, Style::solid});
  overlays.push_back({cx + icon / 2 - line / 2, cy, line, icon, kTitleTextColor, Style::solid});
  overlays.push_back({w - 2 * bar + inset, inset, icon, icon, kTitleTextColor, Style::hollow});
  overlays.push_back(
      {w - 3 * bar + inset, inset + icon - line, icon, line, kTitleTextColor, Style::solid});
  // The title, as far as it fits before the buttons.
  const auto& m = renderer_->metrics();
  const float y = std::max(0.0f, std::round((bar - static_cast<float>(m.cell_height)) / 2));
  float x = std::round(bar / 3);
  const float limit = w - 3 * bar - static_cast<float>(m.cell_width);
  const std::u32string title = vt::decode_utf8(title_);
  for (char32_t cp : title) {
    if (x > limit) break;
    text.push_back({x, y, cp, kTitleTextColor, 0});
    x += static_cast<float>(m.cell_width);
  }
}

TerminalWindow::DecorationHit TerminalWindow::hit_decoration(double lx, double ly,
                                                             uint32_t& edges) const {
  const double scale = window_->scale();
  const double x = lx * scale, y = ly * scale;
  const double edge = kResizeEdgeLogical * scale;
  edges = 0;
  if (!window_->states().maximized && !window_->states().fullscreen) {
    if (y < edge) edges |= 1;  // top
    if (y >= buffer_height_ - edge) edges |= 2;
    if (x < edge) edges |= 4;  // left
    if (x >= buffer_width_ - edge) edges |= 8;
    if (edges) return DecorationHit::resize;
  }
  const double bar = title_bar_px();
  if (y >= bar) return DecorationHit::none;
  if (x >= buffer_width_ - bar) return DecorationHit::close;
  if (x >= buffer_width_ - 2 * bar) return DecorationHit::maximize;
  if (x >= buffer_width_ - 3 * bar) return DecorationHit::minimize;
  return DecorationHit::move;
}

bool TerminalWindow::decoration_pointer(const wayland::PointerInput& p) {
  using Kind = wayland::PointerInput::Kind;
  uint32_t edges = 0;
  const DecorationHit hit = hit_decoration(pointer_x_, pointer_y_, edges);
  if (p.kind == Kind::motion || p.kind == Kind::enter) {
    static const char* const kEdgeCursors[16] = {
        "text",       "top_side",         "bottom_side",        nullptr,
        "left_side",  "top_left_corner",  "bottom_left_corner", nullptr,
        "right_side", "top_right_corner", "bottom_right_corner"};
    const char* shape = hit == DecorationHit::none     ? "text"
                        : hit == DecorationHit::resize ? kEdgeCursors[edges & 15]
                                                       : "default";
    seats_->set_cursor_shape(shape ? shape : "default");
    return hit != DecorationHit::none && !selecting_;
  }
  if (p.kind != Kind::button || hit == DecorationHit::none) return false;
  if (!p.pressed) return true;
  if (p.button != 0) return true;
  switch (hit) {
    case DecorationHit::close: on_close(); break;
    case DecorationHit::maximize: window_->set_maximized(!window_->states().maximized); break;
    case DecorationHit::minimize: window_->set_minimized(); break;
    case DecorationHit::move: window_->begin_move(seats_->active_seat(), p.serial); break;
    case DecorationHit::resize:
      window_->begin_resize(seats_->active_seat(), p.serial, edges);
      break;
    case DecorationHit::none: break;
  }
  return true;
}

void TerminalWindow::update_hover(int col, int row) {
  uint32_t link = 0;
  {
    std::lock_guard<std::mutex> guard(pane_->mutex());
    const vt::Terminal& t = pane_->terminal();
    const int screen_row = row - view_.scroll_offset();
    if (screen_row >= 0 && screen_row < t.rows()) {
      const vt::Line& line = t.line(Row(screen_row));
      if (col < static_cast<int>(line.cells.size())) {
        link = t.style(line.cells[static_cast<size_t>(col)].style).link;
      }
    }
  }
  if (link == view_.hover_link()) return;
  view_.set_hover_link(link);
  seats_->set_cursor_shape(link ? "pointer" : "text");
  mark_dirty();
}

void TerminalWindow::write_stats() const {
  if (config_.stats_path.empty()) return;
  std::string json = "{";
  auto field = [&json](const char* name, auto value) {
    if (json.size() > 1) json += ", ";
    json += log::concat("\"", name, "\": ", value);
  };
  field("paints", stats_.paints);
  field("commits", stats_.paints);  // every paint is one commit (eglSwapBuffers)
  field("frame_callbacks", stats_.frame_callbacks);
  field("watchdog_fires", stats_.watchdog_fires);
  field("sync_holds", stats_.sync_holds);
  field("rows_copied", stats_.rows_copied);
  field("presented", stats_.presented);
  field("wakeups", loop_ ? loop_->wakeups() : 0);
  field("first_frame_us", stats_.first_frame_us);
  field("snapshot_us", stats_.snapshot_us);
  field("prepare_us", stats_.prepare_us);
  field("draw_us", stats_.draw_us);
  field("swap_us", stats_.swap_us);
  field("focused", focused_ ? "true" : "false");
  field("repeat_armed", seats_ && seats_->repeat_armed() ? "true" : "false");
  field("bytes_parsed", pane_ ? pane_->bytes_parsed() : 0);
  if (renderer_) {
    const auto& m = renderer_->metrics();
    field("rows_uploaded", renderer_->stats().rows_uploaded);
    field("glyphs_rasterized", renderer_->stats().glyphs_rasterized);
    field("cell_width", m.cell_width);
    field("cell_height", m.cell_height);
    field("origin_x", renderer_->geometry().origin_x);
    field("origin_y", renderer_->geometry().origin_y);
  }
  field("config_generation", config_generation_);
  field("scroll_offset", view_.scroll_offset());
  field("hover_link", view_.hover_link());
  field("preedit_chars", view_.preedit().size());
  field("text_input", text_input_ && text_input_->enabled() ? "true" : "false");
  field("csd", csd_ ? "true" : "false");
  field("cols", cols_);
  field("rows", rows_);
  field("buffer_width", buffer_width_);
  field("buffer_height", buffer_height_);
  field("scale", window_ ? window_->scale() : 1.0);
  std::string keys = "[";
  for (size_t i = 0; i < stats_.key_to_commit_us.size(); ++i) {
    if (i) keys += ", ";
    keys += std::to_string(stats_.key_to_commit_us[i]);
  }
  field("key_to_commit_us", keys + "]");
  json += "}\n";

  // Written aside and renamed, so a reader never sees half a file.
  const std::string tmp = config_.stats_path + ".part";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) {
    LOG_WARN(kLog, "cannot write ", tmp, ": ", std::strerror(errno));
    return;
  }
  std::fwrite(json.data(), 1, json.size(), f);
  std::fclose(f);
  std::rename(tmp.c_str(), config_.stats_path.c_str());
}

int TerminalWindow::run() {
  while (!loop_->quitting()) {
    Result<int> r = loop_->dispatch(-1);
    if (!r) {
      LOG_ERROR(kLog, r.error().message);
      return 1;
    }
  }
  return exited_ ? pane_->exit_status() : 0;
}

}  // namespace

int run_terminal_window(const WindowConfig& config) {
  TerminalWindow window(config);
  if (Result<void> r = window.init(); !r) {
    std::fprintf(stderr, "cadence: %s\n", r.error().message.c_str());
    return 1;
  }
  return window.run();
}

}  // namespace cadence::ui
