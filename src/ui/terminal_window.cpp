// TerminalWindow: one window, its tabs of local panes (see terminal_window.hpp).
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
// Four timers exist, each armed only while it has a job: the watchdog, while a callback
// is outstanding (a hidden window may never get one; after watchdog_ms the callback is
// abandoned, the event logged and painting resumes); the synchronized-output timer, while
// a program holds DEC mode 2026; the flood timer, while a paint waits out flood pacing
// (after a paint that showed more scrolled-by lines than a pane's height, the next waits
// until flood_frame_interval after it: those frames cannot be read, and without a GPU
// each costs the CPU the parser needs); the cursor blink, only with --cursor-blink while
// focused and asked for. Key repeat has its own timer in the seat, armed while a key is held.
//
// Threads: the pty I/O thread parses output into the panes and pokes a Waker; this (GUI)
// thread takes a pane's lock only to copy rows (TerminalView::snapshot) and to read the
// modes a key or mouse encoding needs.
#include "ui/terminal_window_impl.hpp"

namespace cadence::ui::detail {
namespace {

const log::Tag kLog{"ui"};

}  // namespace

TerminalWindow::~TerminalWindow() {
  write_stats();
  if (frame_log_file_) std::fclose(frame_log_file_);
  // The client's network thread pokes waker_: it stops first.
  client_.reset();
  if (io_) {
    for (auto& [id, pane] : panes_) {
      if (pane->pty) io_->remove(pane->pty.get());
    }
  }
  io_.reset();
  panes_.clear();
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
  for (int fd : {watchdog_fd_, sync_fd_, flood_fd_, blink_fd_, signal_fd_, status_fd_}) {
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

  if (!config_.frame_log_path.empty()) {
    frame_log_file_ = std::fopen(config_.frame_log_path.c_str(), "w");
    if (!frame_log_file_) {
      return make_error("cannot write the frame log " + config_.frame_log_path + ": " +
                        std::strerror(errno));
    }
  }
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
  wo.client_side_decorations = config_.client_side_decorations;
  auto window = wayland::Window::create(*display_, *this, wo);
  if (!window) return window.error();
  window_ = std::move(window.value());
  // A compositor with fractional scale says the preferred scale during Window::create's
  // roundtrip, before on_scale_changed can act on it: the fonts loaded above are for
  // scale 1 and would be drawn that small into a buffer sized for the real scale.
  if (window_->scale() != 1.0) {
    if (Result<void> r = load_fonts(); !r) return r;
  }
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

  for (int* fd : {&watchdog_fd_, &sync_fd_, &flood_fd_, &blink_fd_, &status_fd_}) {
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
  if (auto r = add(flood_fd_, EPOLLIN, [this](uint32_t) { on_flood_timer(); }); !r) return r;
  if (auto r = add(blink_fd_, EPOLLIN, [this](uint32_t) { on_blink(); }); !r) return r;
  if (auto r = add(status_fd_, EPOLLIN, [this](uint32_t) { on_status_timer(); }); !r) return r;
  if (signal_fd_ >= 0) {
    if (auto r = add(signal_fd_, EPOLLIN, [this](uint32_t) { on_signal(); }); !r) return r;
  }
  wl_display* wl = display_->native();
  loop_->set_before_sleep([wl] {
    wl_display_dispatch_pending(wl);
    wl_display_flush(wl);
  });

  if (Result<void> r = init_diagnostics(); !r) return r;
  // The program starts at the size the window will most likely get; the first
  // configure corrects it before it has printed much.
  auto io = pty::IoThread::start(*waker_);
  if (!io) return io.error();
  io_ = std::move(io.value());
  if (!config_.connect_socket.empty()) {
    // Attached to a mux server: the panes come from it (sync_remote, once it answers).
    if (Result<void> r = connect_remote(); !r) return r;
  } else if (config_.connect_ssh) {
    // An SSH domain: a console pane shows the connection until there is something
    // remote to show (terminal_window_ssh.cpp).
    auto first = open_ssh_pane(24, 80);
    if (!first) return first.error();
    io_->add(first.value()->pty.get());
    tabs_.add(next_id_++, first.value()->id);
    panes_.emplace(first.value()->id, std::move(first.value()));
  } else {
    auto first = spawn_pane(config_.command, 24, 80, {});
    if (!first) return first.error();
    Pane& pane = *first.value();
    if (!config_.startup_message.empty()) {
      std::string text;
      for (char ch : config_.startup_message) {
        if (ch == '\n') text += '\r';
        text += ch;
      }
      std::lock_guard<std::mutex> guard(pane.pty->mutex());
      pane.pty->terminal().feed("\x1b[1;31m" + text + "\x1b[0m\r\n");
    }
    io_->add(pane.pty.get());
    tabs_.add(next_id_++, pane.id);
    panes_.emplace(pane.id, std::move(first.value()));
  }
  title_ = config_.title;
  csd_ = config_.client_side_decorations || window_->client_side_decorations();
  if (!config_.config_path.empty()) {
    auto watcher = config_.file.loaded_files.empty()
                       ? config::ConfigWatcher::create(*loop_, config_.config_path,
                                                       [this] { reload_config(); })
                       : config::ConfigWatcher::create(*loop_, config_.file.loaded_files,
                                                       [this] { reload_config(); });
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
  if (!window_ || !io_) return;  // init() replays what came before it finished
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
    LOG_DEBUG(kLog, "grid ", cols, "x", rows, " in ", bw, "x", bh, " px");
  }
  render::GridGeometry g;
  g.rows = rows;
  g.cols = cols;
  g.origin_x = pad;
  g.origin_y = pad + bar;
  renderer_->set_geometry(g);
  // The renderer's grid is blank now: panes, borders and the tab bar all go again (the
  // panes' pty sizes change only if their cells did).
  relayout();
}

void TerminalWindow::on_close() {
  closing_ = true;
  loop_->quit();
}

void TerminalWindow::on_scale_changed(double) {
  if (!window_ || !io_) return;  // init() replays what came before it finished
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
  callback_ns_ = monotonic_ns();
  watchdog_streak_ = 0;
  disarm_timer(watchdog_fd_);
  poll_panes();
}

void TerminalWindow::on_presented(uint64_t frame_id, uint64_t presented_ns, uint32_t refresh_ns) {
  if (presented_ns) ++stats_.presented;
  note_presented(frame_id, presented_ns, refresh_ns);
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
  callback_ns_ = monotonic_ns();  // the compositor wait ended here, without a callback
  poll_panes();
}

void TerminalWindow::on_sync_timer() {
  drain_timer(sync_fd_);
  sync_timer_armed_ = false;
  poll_panes();
}

void TerminalWindow::on_flood_timer() {
  drain_timer(flood_fd_);
  flood_timer_armed_ = false;
  poll_panes();
}

void TerminalWindow::on_blink() {
  drain_timer(blink_fd_);
  blink_on_ = !blink_on_;
  dirty_ = true;
  if (Pane* pane = active_pane()) pane->view.invalidate();
  maybe_paint();
}

void TerminalWindow::update_blink_timer() {
  bool want = false;
  Pane* pane = active_pane();
  if (config_.cursor_blink && focused_ && pane && pane->pty) {
    std::lock_guard<std::mutex> guard(pane->pty->mutex());
    const vt::Terminal& t = pane->pty->terminal();
    want = t.cursor_blinking() || t.modes().cursor_blink;
  } else if (config_.cursor_blink && focused_ && pane && pane->screen) {
    want = pane->screen->cursor.blinking;
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
  if (Pane* pane = active_pane(); pane && pane->pty) {
    std::lock_guard<std::mutex> guard(pane->pty->mutex());
    pane->pty->terminal().feed("\r\n\x1b[1;31m" + lines + "\x1b[0m\r\n");
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
  config_.file = std::move(loaded.value());
  apply_config(config_.file);
  bindings_ = Bindings(config_.file);
  // The file may require other modules now (or no longer): watch what this load read.
  if (config_watcher_ && !config_.file.loaded_files.empty()) {
    if (Result<void> r = config_watcher_->watch(config_.file.loaded_files); !r) {
      LOG_WARN(kLog, "configuration modules will not be watched: ", r.error().message);
    }
  }
  // The next tab bar build decides the timer from the new configuration's handlers.
  disarm_timer(status_fd_);
  status_armed_ = false;
  // Tab bar options may have changed: where the panes go, and the bar itself.
  layout_dirty_ = true;
  tab_bar_cols_ = -1;
  mark_dirty();
  LOG_INFO(kLog, "configuration ", config_.config_path, " reloaded (generation ",
           config_generation_, ")");
  emit_lua("window-config-reloaded");
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
  colors_ = colors;
  for (auto& [id, pane] : panes_) {
    pane->view.set_colors(colors);
    apply_terminal_colors(*pane);
  }
  chrome_dirty_ = true;
  tab_bar_cols_ = -1;
  config_.cursor_blink = config_.blink_from_command_line || c.cursor_blink;
  update_blink_timer();
  bool relayout = c.window_padding != config_.padding;
  config_.padding = c.window_padding;
  std::vector<render::font::FontFeature> features;
  if (auto parsed = render::font::parse_font_features(c.font_features); parsed) {
    features = std::move(parsed.value());
  }
  const bool features_changed = features != config_.font.features;
  if (features_changed ||
      (!config_.font_from_command_line &&
       (c.font != config_.font.family || c.font_size != config_.font.size_pt))) {
    config_.font.features = std::move(features);
    if (!config_.font_from_command_line) {
      config_.font.family = c.font;
      config_.font.size_pt = c.font_size;
      font_pt_ = c.font_size;
    }
    if (Result<void> r = load_fonts(); !r) {
      show_message("cadence: font " + c.font + ": " + r.error().message);
    }
    relayout = true;
  }
  if (relayout && window_->configured() && egl_window_) resize_grid();
  for (auto& [id, pane] : panes_) pane->view.invalidate();
  mark_dirty();
}

void TerminalWindow::request_screenshot() {
  screenshot_pending_ = true;
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
  poll_panes();
}

void TerminalWindow::poll_panes() {
  // A pane can close while polling (its program exited): walk a copy of the ids.
  std::vector<mux::PaneId> ids;
  ids.reserve(panes_.size());
  for (auto& [id, pane] : panes_) ids.push_back(id);
  for (mux::PaneId id : ids) {
    if (closing_) return;
    Pane* pane = find_pane(id);
    if (pane && pane->pty) poll_pane(*pane);
  }
  if (!ssh_.empty()) poll_ssh();
  if (client_) sync_remote();
  if (closing_) return;
  maybe_paint();
  // Idle again (no callback or flood timer to wait for, nothing held): the next output
  // must wake us.
  if (!window_->frame_pending() && !flood_timer_armed_) {
    for (auto& [id, pane] : panes_) {
      if (!pane->pty) continue;
      pane->pty->want_wake(true);
      const uint64_t later = pane->pty->dirty_since_ns();
      if (pane->pty->take_dirty() && pane->visible) {
        dirty_ = true;
        note_dirty(framelog::reason::pty_output, later);
      }
    }
    maybe_paint();
  }
}

void TerminalWindow::poll_pane(Pane& pane) {
  pty::PtyPane& pty = *pane.pty;
  const uint64_t since = pty.dirty_since_ns();
  if (pty.take_dirty()) {
    if (pane.visible) {
      dirty_ = true;
      note_dirty(framelog::reason::pty_output, since);
    } else if (mux::Tab* tab = tabs_.tab_of(pane.id);
               tab && !tab->unseen_output && tab != &tabs_.active()) {
      // Output in a background tab: its tab says so until it is looked at.
      tab->unseen_output = true;
      tabs_.touch(*tab);
      dirty_ = true;
    }
  }
  pty::PaneEvents events;
  std::string title;
  {
    std::lock_guard<std::mutex> guard(pty.mutex());
    events = pty.take_events();
    if (events.title_changed) title = pty.terminal().title();
  }
  if (events.title_changed && title != pane.title) {
    pane.title = title;
    if (mux::Tab* tab = tabs_.tab_of(pane.id); tab && tab->active_pane == pane.id) {
      tabs_.touch(*tab);
      dirty_ = dirty_ || tab_bar_shown();
    }
    set_window_title();
  }
  if (events.bells > 0) {
    if (!focused_) window_->request_attention();
    emit_lua("bell");
  }
  if (events.progress) set_progress(pane, events.progress->first, events.progress->second);
  for (auto& [summary, body] : events.notifications) notify(std::move(summary), std::move(body));
  for (auto& [targets, text] : events.clipboard) {
    const bool primary =
        targets.find('p') != std::string::npos || targets.find('s') != std::string::npos;
    const bool clip = targets.empty() || targets.find('c') != std::string::npos;
    if (clip) clipboard_->set(wayland::SelectionKind::clipboard, text, seats_->last_serial());
    if (primary) clipboard_->set(wayland::SelectionKind::primary, text, seats_->last_serial());
  }
  if (pty.exited() && !pane.exited) {
    pane.exited = true;
    exit_status_ = pty.exit_status();
    LOG_DEBUG(kLog, "pane ", pane.id, ": the program exited with status ", exit_status_);
    // --hold keeps the window's last pane (and what it printed) on screen.
    if (!config_.hold || panes_.size() > 1) close_pane(pane.id);
  }
}

void TerminalWindow::maybe_paint() {
  if (!dirty_ || closing_ || !window_ || !window_->configured() || !egl_window_) return;
  if (window_->frame_pending() || flood_timer_armed_) return;
  if (flooding_ && config_.file.flood_frame_interval_ms > 0) {
    const uint64_t now = monotonic_ns();
    const uint64_t due = last_paint_ns_ + uint64_t{1000000} * config_.file.flood_frame_interval_ms;
    if (now < due) {
      flood_due_ns_ = due;
      arm_timer_ns(flood_fd_, due - now);
      flood_timer_armed_ = true;
      return;
    }
  }
  paint();
}

void TerminalWindow::paint() {
  const uint64_t t0 = monotonic_ns();
  if (layout_dirty_) relayout();
  Pane* active = active_pane();
  if (client_ && active && active->remote && active->remote != remote_active_told_) {
    // The server keeps which tab and pane are active, for the next attach.
    client_->activate(active->remote);
    remote_active_told_ = active->remote;
  }
  bool held = false;
  bool flood = false;
  int copied = 0;
  for (auto& [id, pane] : panes_) {
    if (!pane->visible) continue;
    pane->view.set_dim(pane.get() == active ? 0.0 : config_.file.inactive_pane_dim);
    if (!pane->pty) {
      // A remote pane: the latest screen its client published; no lock, no wait.
      pane->screen = client_ ? client_->screen(pane->remote) : nullptr;
      if (pane->screen) {
        const mux::RemoteScreen& s = *pane->screen;
        if (selection_pane_ == id &&
            selection_.invalidated_by(RemoteText(pane->screen, client_.get(), pane->remote)))
          clear_selection();
        // Scrolled back: the rows above the screen, from the client's history cache.
        const int64_t top = pane->view.remote_top(s);
        mux::HistoryRows history;
        pane->history_missing = false;
        if (top < s.top_stable_row) {
          history = client_->history(pane->remote, top,
                                     static_cast<int>(std::min<int64_t>(
                                         s.top_stable_row - top, static_cast<int64_t>(s.rows))));
          for (const auto& line : history.lines) pane->history_missing |= line == nullptr;
        }
        const SelectionQuery* selection = selection_pane_ == id ? this : nullptr;
        copied += pane->view.snapshot_remote(s, &history, selection,
                                             focused_ && pane.get() == active, blink_on_);
        pane->screen_drawn = s.version;
      }
      continue;
    }
    std::lock_guard<std::mutex> guard(pane->pty->mutex());
    vt::Terminal& t = pane->pty->terminal();
    // DEC mode 2026: the program is drawing a frame of its own; its pane keeps showing
    // the last whole one. Held at most sync_timeout_ms, then drawn anyway so a program
    // that forgets to end it cannot freeze its pane.
    if (t.modes().synchronized_output) {
      if (pane->sync_started_ns == 0) pane->sync_started_ns = t0;
      const uint64_t held_ms = (t0 - pane->sync_started_ns) / 1000000;
      if (held_ms < static_cast<uint64_t>(config_.sync_timeout_ms)) {
        held = true;
        if (!sync_timer_armed_) {
          arm_timer(sync_fd_, config_.sync_timeout_ms - static_cast<int>(held_ms));
          sync_timer_armed_ = true;
        }
        continue;
      }
    } else {
      pane->sync_started_ns = 0;
    }
    if (selection_pane_ == id && selection_.invalidated_by(t)) clear_selection();
    const SelectionQuery* selection = selection_pane_ == id ? this : nullptr;
    copied += pane->view.snapshot(t, selection, focused_ && pane.get() == active, blink_on_);
    // More lines went into history since the last paint than the pane shows: a flood.
    // (A count that went down, the history cleared, is no flood.)
    const uint64_t history = t.history_total();
    flood |= history > pane->painted_history_total &&
             history - pane->painted_history_total >= static_cast<uint64_t>(t.rows());
    pane->painted_history_total = history;
  }
  if (held && copied == 0 && !chrome_dirty_ && !screenshot_pending_) {
    // Nothing but held output to show: no frame until the hold ends (output or timer).
    ++stats_.sync_holds;
    if (sync_hold_started_ns_ == 0) sync_hold_started_ns_ = t0;
    return;
  }
  if (!held && sync_timer_armed_) {
    disarm_timer(sync_fd_);
    sync_timer_armed_ = false;
  }
  // A held pane still has a frame to show later: the next chance looks again.
  dirty_ = held;
  flooding_ = flood;
  last_paint_ns_ = t0;
  stats_.rows_copied += static_cast<uint64_t>(copied);
  const uint64_t t_snapshot = phase_end(framelog::Phase::snapshot);
  stats_.snapshot_us += (t_snapshot - t0) / 1000;

  for (auto& [id, pane] : panes_) {
    if (pane->visible) pane->view.apply(*renderer_, pane->rect.row, pane->rect.col);
  }
  if (renderer_->take_atlas_reset()) {
    for (auto& [id, pane] : panes_) {
      if (pane->visible) pane->view.apply_all(*renderer_, pane->rect.row, pane->rect.col);
    }
    chrome_dirty_ = true;
    tab_bar_cols_ = -1;
  }
  phase_end(framelog::Phase::glyphs);
  // Borders and the tab bar (its cache, and Lua on a miss).
  const TabBarStats bar_before = tab_bar_.stats();
  draw_chrome();
  frame_rec_.tab_bar = tab_bar_.stats().misses != bar_before.misses ? framelog::TabBar::miss
                       : tab_bar_.stats().hits != bar_before.hits   ? framelog::TabBar::hit
                                                                    : framelog::TabBar::none;
  frame_rec_.lua_calls = static_cast<uint32_t>(tab_bar_.stats().lua_calls - bar_before.lua_calls);
  phase_end(framelog::Phase::tab_bar);

  // Cursor shapes other than the focused block are drawn over the grid; an inactive
  // pane's cursor is a hollow box.
  std::vector<render::Overlay> overlays;
  const auto& m = renderer_->metrics();
  const int origin_x = renderer_->geometry().origin_x;
  const int origin_y = renderer_->geometry().origin_y;
  if (text_input_ && text_input_->enabled() && active) {
    const CursorView& c = active->view.cursor();
    const double scale = window_->scale();
    text_input_->set_cursor_rectangle(
        static_cast<int>((origin_x + (active->rect.col + c.col) * m.cell_width) / scale),
        static_cast<int>((origin_y + (active->rect.row + c.row) * m.cell_height) / scale),
        static_cast<int>(m.cell_width / scale), static_cast<int>(m.cell_height / scale));
  }
  for (auto& [id, pane] : panes_) {
    const CursorView& c = pane->view.cursor();
    if (!pane->visible || !c.visible) continue;
    const float x = static_cast<float>(origin_x + (pane->rect.col + c.col) * m.cell_width);
    const float y = static_cast<float>(origin_y + (pane->rect.row + c.row) * m.cell_height);
    const float w = static_cast<float>(m.cell_width * c.width);
    const float h = static_cast<float>(m.cell_height);
    const float thick = static_cast<float>(std::max(1, m.cell_width / 8));
    const uint32_t color = pane->view.colors().cursor;
    if (!c.focused) {
      overlays.push_back({x, y, w, h, color, render::Overlay::Style::hollow});
    } else if (c.shape == vt::CursorShape::bar) {
      overlays.push_back({x, y, thick, h, color, render::Overlay::Style::solid});
    } else if (c.shape == vt::CursorShape::underline) {
      overlays.push_back({x, y + h - thick, w, thick, color, render::Overlay::Style::solid});
    }
  }
  std::vector<render::OverlayGlyph> text;
  if (csd_) draw_decorations(decoration_frame(), title_, renderer_->metrics(), overlays, text);
  add_hud(overlays, text);
  renderer_->set_overlays(std::move(overlays));
  renderer_->set_overlay_text(std::move(text));

  if (!eglMakeCurrent(egl_->display(), egl_surface_, egl_surface_, egl_->context())) {
    LOG_ERROR(kLog, "eglMakeCurrent: ", render::egl_error_name(eglGetError()));
  }
  const uint64_t t_prepared = phase_end(framelog::Phase::layout);
  stats_.prepare_us += (t_prepared - t_snapshot) / 1000;
  upload_rows();
  renderer_->draw(buffer_width_, buffer_height_,
                  active ? active->view.background() : colors_.background);
  if (renderer_->take_atlas_reset()) {
    // The title bar's glyphs emptied the atlas while drawing: rows go again next frame.
    for (auto& [id, pane] : panes_) {
      if (pane->visible) pane->view.apply_all(*renderer_, pane->rect.row, pane->rect.col);
    }
    chrome_dirty_ = true;
    tab_bar_cols_ = -1;
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
  // Until that callback, output needs no wake-up: the callback looks at the panes anyway.
  for (auto& [id, pane] : panes_) {
    if (pane->pty) pane->pty->want_wake(false);
  }
  window_->request_presentation_feedback(++frame_id_);
  window_->prepare_commit();
  arm_timer(watchdog_fd_, config_.watchdog_ms);
  const uint64_t t_drawn = phase_end(framelog::Phase::draw);
  stats_.draw_us += (t_drawn - t_prepared) / 1000;
  if (!eglSwapBuffers(egl_->display(), egl_surface_)) {
    LOG_ERROR(kLog, "eglSwapBuffers: ", render::egl_error_name(eglGetError()));
  }
  const uint64_t t1 = phase_end(framelog::Phase::swap);
  stats_.swap_us += (t1 - t_drawn) / 1000;
  ++stats_.paints;
  if (stats_.paints == 1) stats_.first_frame_us = (t1 - start_ns_) / 1000;
  // Keys whose echo this frame shows: output was parsed after they were sent.
  const uint64_t parsed = bytes_parsed_total();
  if (!pending_keys_.empty()) {
    std::erase_if(pending_keys_, [&](const PendingKey& k) {
      const Pane* pane = find_pane(k.pane);
      if (!pane || pane->bytes_parsed() <= k.bytes_parsed) return false;
      stats_.key_to_commit_us.push_back((t1 - k.received_ns) / 1000);
      return true;
    });
  }
  if (client_) {
    note_remote_waits(t1);
    client_->presented();  // credit: the server may send the next deltas
  }
  record_frame(t0, t1, copied, parsed);
}

uint64_t TerminalWindow::bytes_parsed_total() const {
  uint64_t total = 0;
  for (const auto& [id, pane] : panes_) total += pane->bytes_parsed();
  return total;
}

void TerminalWindow::write_stats() const {
  stream_frame_log(0);
  if (frame_log_file_) std::fflush(frame_log_file_);
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
  field("seats", seats_ ? seats_->count() : 0);
  field("bytes_parsed", bytes_parsed_total());
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
  Pane* active = const_cast<TerminalWindow*>(this)->active_pane();
  field("scroll_offset", active ? active->view.scroll_offset() : 0);
  // The active pane's rows as last drawn (printable ASCII; anything else as '?'): the
  // first alone, and all of them joined by \n.
  auto row_text = [&](int r) {
    std::string text;
    for (const render::GridCell& c : active->view.cells(r)) {
      if (c.width == 0) continue;
      text += c.cp == 0                                                   ? ' '
              : c.cp < 0x20 || c.cp > 0x7e || c.cp == '"' || c.cp == '\\' ? '?'
                                                                          : static_cast<char>(c.cp);
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
  };
  std::string top, all;
  for (int r = 0; active && r < active->view.rows(); ++r) {
    if (r == 0) top = row_text(0);
    all += (r ? "\\n" : "") + row_text(r);
  }
  field("view_top", "\"" + top + "\"");
  std::string banner;
  for (char ch : tab_bar_.banner()) banner += ch == '"' || ch == '\\' ? '?' : ch;
  field("banner", "\"" + banner + "\"");
  field("view_text", "\"" + all + "\"");
  field("hover_link", active ? active->view.hover_link() : 0);
  field("preedit_chars", active ? active->view.preedit().size() : 0);
  // Tabs and panes: every pane's place in the grid and its terminal's size.
  field("tabs", tabs_.size());
  field("active_tab", tabs_.empty() ? 0 : tabs_.active_index());
  field("tab_bar_row", tab_bar_row());
  std::string panes = "[";
  for (size_t i = 0; i < tabs_.tabs().size(); ++i) {
    const mux::Tab& tab = tabs_.tabs()[i];
    for (mux::PaneId id : tab.layout.panes()) {
      auto it = panes_.find(id);
      if (it == panes_.end()) continue;
      const Pane& p = *it->second;
      if (panes.size() > 1) panes += ", ";
      panes +=
          log::concat("{\"id\": ", id, ", \"tab\": ", i, ", \"col\": ", p.rect.col,
                      ", \"row\": ", p.rect.row, ", \"cols\": ", p.rect.cols,
                      ", \"rows\": ", p.rect.rows, ", \"visible\": ", p.visible ? "true" : "false",
                      ", \"active\": ", active == &p ? "true" : "false", "}");
    }
  }
  field("panes", panes + "]");
  // The tab bar as drawn: [first column, end column, tab index] per tab, -1 for "+".
  std::string spans = "[";
  if (tab_bar_line_) {
    for (const TabSpan& span : tab_bar_line_->tabs) {
      if (spans.size() > 1) spans += ", ";
      spans += log::concat("[", span.first_col, ", ", span.end_col, ", ", span.index, "]");
    }
    if (tab_bar_line_->new_tab_first >= 0) {
      if (spans.size() > 1) spans += ", ";
      spans +=
          log::concat("[", tab_bar_line_->new_tab_first, ", ", tab_bar_line_->new_tab_end, ", -1]");
    }
  }
  field("tab_spans", spans + "]");
  const TabBarStats& bar = tab_bar_.stats();
  field("tab_bar_hits", bar.hits);
  field("tab_bar_misses", bar.misses);
  field("tab_bar_lua_calls", bar.lua_calls);
  field("text_input", text_input_ && text_input_->enabled() ? "true" : "false");
  field("csd", csd_ ? "true" : "false");
  field("maximized", window_ && window_->states().maximized ? "true" : "false");
  field("fullscreen", window_ && window_->states().fullscreen ? "true" : "false");
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
  return exit_status_;
}

}  // namespace cadence::ui::detail

namespace cadence::ui {

int run_terminal_window(const WindowConfig& config) {
  detail::TerminalWindow window(config);
  if (Result<void> r = window.init(); !r) {
    std::fprintf(stderr, "cadence: %s\n", r.error().message.c_str());
    return 1;
  }
  return window.run();
}

}  // namespace cadence::ui
