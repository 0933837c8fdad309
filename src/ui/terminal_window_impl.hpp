// TerminalWindow's class, shared by its implementation files: terminal_window.cpp (life
// cycle, configuration, frame pacing and painting), terminal_window_panes.cpp (tabs,
// panes, layout, Lua callbacks and the actions bindings carry out),
// terminal_window_input.cpp (keys, pointer, clipboard, input methods, decorations),
// terminal_window_remote.cpp (panes of a mux server) and terminal_window_diag.cpp (frame
// log, control socket, HUD, test hooks). Private to src/ui.
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
#include <map>
#include <memory>
#include <mutex>

#include "base/clock.hpp"
#include "base/control_socket.hpp"
#include "base/event_loop.hpp"
#include "base/log.hpp"
#include "config/action.hpp"
#include "config/config.hpp"
#include "config/config_watcher.hpp"
#include "framelog/frame_log.hpp"
#include "framelog/test_hooks.hpp"
#include "mux/client.hpp"
#include "mux/tab_set.hpp"
#include "pty/io_thread.hpp"
#include "pty/pty_pane.hpp"
#include "render/egl_context.hpp"
#include "render/grid_renderer.hpp"
#include "render/png.hpp"
#include "ui/bindings.hpp"
#include "ui/decorations.hpp"
#include "ui/key_encoder.hpp"
#include "ui/mouse_encoder.hpp"
#include "ui/paste.hpp"
#include "ui/remote_text.hpp"
#include "ui/selection.hpp"
#include "ui/shell_integration.hpp"
#include "ui/tab_bar.hpp"
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

inline void arm_timer_ns(int fd, uint64_t ns) {
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(ns / 1000000000u);
  spec.it_value.tv_nsec = static_cast<long>(ns % 1000000000u);
  if (ns == 0) spec.it_value.tv_nsec = 1;
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

// One pane of the window: its program, what it shows and where. A local pane has a pty;
// a remote one lives in a mux server and shows the screens its client publishes.
struct Pane {
  mux::PaneId id = 0;
  std::unique_ptr<pty::PtyPane> pty;  // null for a remote pane
  mux::RemotePaneId remote = 0;
  mux::MuxClient* client = nullptr;
  std::shared_ptr<const mux::RemoteScreen> screen;  // taken at the frame's start
  uint64_t screen_drawn = 0;                        // the screen version last copied
  bool history_missing = false;                     // scrolled back over rows still on their way
  TerminalView view;
  std::string title;  // from the program (OSC 0/2)
  mux::Rect rect;     // in the window's grid of cells
  bool visible = false;
  bool exited = false;
  // OSC 9;4 from the program: state 0 none, 1 normal, 2 error, 3 indeterminate, 4
  // paused; value 0..100. Shown on the pane's tab (terminal_window_shell.cpp).
  int progress_state = 0;
  int progress_value = 0;
  uint64_t sync_started_ns = 0;        // since when the program holds its output (DEC 2026)
  uint64_t painted_history_total = 0;  // its terminal's history_total() at the last paint

  explicit Pane(const ColorScheme& colors) : view(colors) {}

  bool local() const { return pty != nullptr; }
  // Bytes for the program, wherever it runs.
  void write(std::string_view bytes);
  // The terminal state input encoding needs, from the local terminal (under its lock)
  // or the remote screen's mode bits.
  KeyModes key_modes();
  bool bracketed_paste();
  bool focus_reports();
  uint64_t bytes_parsed() const { return pty ? pty->bytes_parsed() : 0; }
};

// The directory a pane's program is in: its OSC 7 report, else /proc (local panes).
std::string active_cwd(Pane* pane);

class TerminalWindow final : public wayland::WindowListener,
                             public wayland::SeatListener,
                             public wayland::TextInputListener,
                             public config::LuaHost,
                             public SelectionQuery {
 public:
  explicit TerminalWindow(const WindowConfig& config)
      : config_(config),
        colors_(config.colors),
        bindings_(config.file),
        start_ns_(monotonic_ns()) {}
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
  // config::LuaHost: what Lua callbacks see of the window. Actions they ask for wait
  // until the callback has returned (run_lua_deferred), since one may replace the
  // configuration whose Lua state is running.
  void perform(const config::Action& action) override { lua_actions_.push_back(action); }
  std::string active_tab_title() override;
  std::string active_pane_title() override;
  uint64_t active_pane_id() override;
  void send_text(std::string_view text) override { send_to_program(text); }
  void set_left_status(std::string text) override;
  void set_right_status(std::string text) override;
  // SelectionQuery (handed to the snapshot of the pane holding the selection only)
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
  // Takes what the panes have for us (dirt, titles, bells, clipboard, exits) and paints
  // if it may; called when woken and at each frame callback or pacing timer.
  void poll_panes();
  void poll_pane(Pane& pane);
  void on_watchdog();
  void on_sync_timer();
  void on_flood_timer();
  void on_signal();
  void on_blink();
  void update_blink_timer();
  bool binding(const wayland::KeyInput& key);
  void change_font_size(double delta_pt, bool reset);
  void copy_selection(wayland::SelectionKind kind);
  void paste(wayland::SelectionKind kind);
  void send_to_program(std::string_view bytes);
  // The window's grid cell under a surface position (clamped to the grid).
  std::pair<int, int> cell_at(double x, double y) const;

  // ---- tabs and panes (terminal_window_panes.cpp)
  Pane* active_pane();
  Pane* find_pane(mux::PaneId id);
  // The visible pane containing a window cell; null on a border or the tab bar.
  Pane* pane_at(int col, int row);
  Result<std::unique_ptr<Pane>> spawn_pane(const std::vector<std::string>& command, int rows,
                                           int cols, const std::string& cwd);
  // A new tab or split runs the default program in the active pane's directory.
  void new_tab();
  void split(mux::SplitAxis axis);
  // Ends a pane's program and forgets it; the window closes with its last pane.
  void close_pane(mux::PaneId id);
  void close_tab();
  bool tab_bar_shown() const;
  int tab_bar_row() const;  // -1: no tab bar
  mux::Rect pane_area() const;
  // Places every tab's panes (resizing their ptys) and marks what must be drawn again.
  void relayout();
  // Borders and the tab bar, into the renderer's grid where panes are not.
  void draw_chrome();
  void draw_tab_bar();
  // Carries out what a binding asked for; false when it had nothing to act on.
  bool run_action(const config::Action& action);
  // Lua: an event to the configuration's handlers, and the actions callbacks asked for.
  void emit_lua(std::string_view event);
  void run_lua_deferred();
  void on_status_timer();
  void update_status_timer();
  void scroll_active(int lines);
  void scroll_pane(Pane& pane, int lines);  // positive: back into the scrollback
  // Runs f with the pane's text as the selection reads it: the local terminal under its
  // lock, or the remote screen and the client's history cache.
  template <typename F>
  void with_text(Pane& pane, F&& f) {
    if (pane.pty) {
      std::lock_guard<std::mutex> guard(pane.pty->mutex());
      f(TerminalText(pane.pty->terminal()));
    } else if (pane.screen) {
      f(RemoteText(pane.screen, client_.get(), pane.remote));
    }
  }
  void set_window_title();
  // The configured default colours and palette, into a pane's terminal.
  void apply_terminal_colors(Pane& pane);
  void forget_pane(mux::PaneId id);
  // ---- remote panes (terminal_window_remote.cpp)
  Result<void> connect_remote();
  // Follows the server's tabs and panes: new ones appear, gone ones close.
  void sync_remote();
  Pane* remote_pane(mux::RemotePaneId id);

  // SSH (terminal_window_ssh.cpp). A session is one ssh::Link and the pane it shows in:
  // first a console (a stream pane on a socketpair whose other end this thread writes
  // the link's progress and prompts to and reads the answers typed from), then, in pty
  // mode, the remote shell itself. In mux mode the window has one session, whose streams
  // the mux client runs on (adopted, then resumed after each reconnection).
  struct SshSession {
    std::unique_ptr<ssh::Link> link;
    mux::PaneId pane = 0;  // the console or the shell; 0 once the console is gone (mux)
    int console_fd = -1;   // this end of the console's socketpair; -1 once gone
    std::optional<ssh::Prompt> prompt;
    std::string typed;   // the answer so far
    bool shell = false;  // pty mode: the pane runs the remote shell now
  };
  Result<std::unique_ptr<Pane>> open_ssh_pane(int rows, int cols);
  // A new tab's or split's pane: a local program, or a remote shell in a pty-mode window.
  Result<std::unique_ptr<Pane>> new_pane(int rows, int cols, const std::string& cwd);
  void poll_ssh();
  void on_console_input(SshSession& session);
  void console_write(SshSession& session, std::string_view text);
  void drop_console(SshSession& session);
  // Typed bytes for a prompt shown in the banner (mux mode, after the console is gone);
  // false when no prompt is waiting there.
  bool answer_banner_prompt(std::string_view bytes);
  void prompt_input(SshSession& session, std::string_view bytes, bool in_console);
  void set_banner(std::string text);
  // The domain this window is on: an SSH domain's name, else "" (local or a unix socket).
  std::string domain_name() const { return config_.connect_ssh ? config_.connect_ssh->name : ""; }
  // `cadence connect NAME` as a process of its own, for SpawnTab { DomainName = NAME }.
  void open_domain_window(const std::string& name);
  void forget_ssh(mux::PaneId pane);
  bool ssh_mux() const {
    return config_.connect_ssh &&
           config_.connect_ssh->multiplexing == config::SshMultiplexing::cadence;
  }
  // Pointer events over a remote pane: reported to the server when its program tracks
  // the mouse (the server encodes them for the program's modes).
  void remote_pointer(Pane& pane, const wayland::PointerInput& p, int col, int row);
  // The frame log's remote fields: what the visible remote panes waited for.
  void note_remote_waits(uint64_t now);
  void clear_selection();
  void focus_pane(Pane& pane);
  // A press on the tab bar: activates the tab under it, or opens one (the + button).
  void tab_bar_click(int col, int button);
  // Client-side decorations: the title bar's height in buffer pixels (0 without), the
  // window as the decoration geometry sees it, and a pointer event on them.
  int title_bar_px() const;
  DecorationFrame decoration_frame() const;
  bool decoration_pointer(const wayland::PointerInput& p);
  // The pointer moved over a pane's cell (pane-relative): hyperlink hover.
  void update_hover(Pane* pane, int col, int row);
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
  std::unique_ptr<pty::IoThread> io_;
  std::map<mux::PaneId, std::unique_ptr<Pane>> panes_;
  mux::TabSet tabs_;
  uint64_t next_id_ = 1;
  mux::PaneId selection_pane_ = 0;  // the pane the selection belongs to
  mux::PaneId hover_pane_ = 0;      // the pane whose link is under the pointer
  bool layout_dirty_ = true;
  bool chrome_dirty_ = true;
  // The tab bar: its cache, the tabs as it last saw them (rebuilt only when the tab
  // set's version moves), and what the renderer last got (to redraw only on change).
  TabBar tab_bar_;
  std::vector<TabInfo> tab_infos_;
  uint64_t tab_infos_version_ = 0;
  const TabBarLine* tab_bar_line_ = nullptr;
  uint64_t tab_bar_misses_ = ~0ull;
  int tab_bar_cols_ = -1;  // -1: draw again whatever the cache says
  int tab_bar_drawn_row_ = -2;
  int tab_bar_hover_ = -1;  // the column under the pointer on the tab bar, or -1
  int tab_bar_drawn_hover_ = -1;
  int exit_status_ = 0;
  // Attached to a mux server (cadence connect): its panes are remote, and the window's
  // tabs follow the server's.
  std::unique_ptr<mux::MuxClient> client_;
  std::vector<std::unique_ptr<SshSession>> ssh_;
  uint64_t topology_seen_ = 0;
  bool remote_spawned_ = false;               // asked an empty server for a first tab
  mux::RemoteWindowId remote_window_ = 0;     // the server window new tabs open in
  mux::RemotePaneId remote_active_told_ = 0;  // the active pane the server was told of
  uint64_t remote_tab_versions_ = 0;          // tab versions handed out across rebuilds
  std::vector<config::Action> lua_actions_;   // asked for by a callback, run after it
  int status_fd_ = -1;                        // update-status, armed only with a handler
  bool status_armed_ = false;
  wl_egl_window* egl_window_ = nullptr;
  EGLSurface egl_surface_ = EGL_NO_SURFACE;
  int watchdog_fd_ = -1;
  int sync_fd_ = -1;
  int flood_fd_ = -1;
  int blink_fd_ = -1;
  int signal_fd_ = -1;

  ColorScheme colors_;
  Bindings bindings_;
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
  bool blink_on_ = true;
  bool sync_timer_armed_ = false;
  // Flood pacing: the last paint showed more output than a screenful, so the next one
  // waits until flood_frame_ms after it (the flood timer).
  bool flooding_ = false;
  bool flood_timer_armed_ = false;
  uint64_t last_paint_ns_ = 0;
  uint64_t flood_due_ns_ = 0;  // frame log: when the paint pacing held back may go
  int watchdog_streak_ = 0;    // watchdog fires since the last frame callback

  uint64_t sync_started_ns_ = 0;
  bool screenshot_pending_ = false;
  uint64_t frame_id_ = 0;
  // Frame log: when the content now waiting to be painted first became dirty, when the
  // compositor last let us paint (a frame callback, or the watchdog giving up on one),
  // and what led to the next frame.
  uint64_t dirty_since_ns_ = 0;
  uint64_t callback_ns_ = 0;
  uint64_t last_commit_ns_ = 0;  // the previous paint's commit
  uint32_t frame_reasons_ = 0;
  uint64_t sync_hold_started_ns_ = 0;
  framelog::FrameLog frame_log_;
  std::FILE* frame_log_file_ = nullptr;
  uint64_t last_bytes_parsed_ = 0;
  uint64_t bytes_parsed_total() const;

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
    mux::PaneId pane;
    uint64_t bytes_parsed;
  };
  std::vector<PendingKey> pending_keys_;

  uint64_t start_ns_;
  FrameStats stats_;

  // Frame-log diagnostics (terminal_window_diag.cpp): test hooks, the control socket, the
  // record of the frame being painted, presentation times, the --frame-log stream and the
  // HUD.
 private:
  Result<void> init_diagnostics();
  void add_diagnostics_env(std::vector<std::string>& env) const;
  // Ends phase `p` of the paint now (after a slow_phase hook's sleep) and returns the time.
  uint64_t phase_end(framelog::Phase p);
  // The renderer's upload of changed rows, timed as its own phase.
  void upload_rows();
  void record_frame(uint64_t t0, uint64_t t1, int rows_copied, uint64_t parsed);
  void note_presented(uint64_t frame_id, uint64_t presented_ns, uint32_t refresh_ns);
  // Writes the records not yet in the --frame-log file up to `through` (every one for 0).
  void stream_frame_log(uint64_t through) const;
  void toggle_hud();
  void add_hud(std::vector<render::Overlay>& overlays, std::vector<render::OverlayGlyph>& text);
  ControlReply on_control(std::string_view request);

  // ---- control-socket commands (terminal_window_control.cpp): `cadence cli` list,
  // spawn, split-pane, send-text, get-text, activate-pane, set-tab-title, kill-pane,
  // reload-config, get-marks. A request is one flat JSON object.
  ControlReply on_control_command(std::string_view request);
  // A new tab (or a split of `from`) running `command` (empty: the default program) in
  // `cwd` (empty: the active pane's); the new pane's id.
  Result<mux::PaneId> control_spawn(const std::vector<std::string>& command, std::string cwd,
                                    Pane* from, mux::SplitAxis axis);
  // Paste text arriving in parts (`send-text` of more than one request), per pane.
  std::map<mux::PaneId, std::string> control_paste_;

  // ---- what the shell and the programs tell the window (terminal_window_shell.cpp):
  // progress, notifications, prompt marks.
  void set_progress(Pane& pane, int state, int value);
  void notify(std::string title, std::string body);
  void on_notifier_exit(int pidfd);
  bool scroll_to_prompt(int direction);
  bool select_last_output();
  struct NotifyState {
    double tokens = 0;  // the rate limit's bucket
    uint64_t refilled_ns = 0;
    uint64_t sent = 0;     // handed to notify-send
    uint64_t bells = 0;    // shown as a bell: no notification daemon, or notify-send failed
    uint64_t dropped = 0;  // over the rate limit
    int running = 0;       // notify-send processes not yet exited
  } notify_;

  framelog::TestHooks test_hooks_;
  std::unique_ptr<ControlServer> control_;
  framelog::FrameRecord frame_rec_;  // the paint in progress: phase end times
  uint64_t refresh_ns_ = 16666667;   // 60 Hz until presentation feedback tells
  uint64_t watchdog_fires_seen_ = 0;
  uint64_t glyphs_seen_ = 0;
  uint64_t rows_uploaded_seen_ = 0;
  uint64_t bytes_uploaded_seen_ = 0;
  mutable uint64_t frame_log_streamed_ = 0;  // the newest frame written to --frame-log
  // What the previous frame showed, to tell what changed since: the reasons no event
  // handler reports itself (resize, configuration, blink, focus).
  struct ShownState {
    int buffer_width = 0, buffer_height = 0;
    uint64_t config_generation = 0;
    bool blink_on = true;
    bool focused = false;
  } shown_;
  bool hud_ = false;
  std::vector<framelog::FrameRecord> hud_records_;
};

}  // namespace cadence::ui::detail
