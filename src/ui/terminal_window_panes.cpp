// TerminalWindow's tabs and panes: spawning and closing them, laying them out on the
// window's grid, the borders and tab bar between them, and the actions key bindings
// carry out. The model (order, activation, split trees, zoom) is mux::TabSet; this file
// owns the panes it names.
//
// Every tab's panes are sized whenever the layout changes, not only the visible tab's: a
// program in a background tab sees the same size it will be shown at, so switching tabs
// never resizes (and never makes a shell redraw its prompt).
#include <cerrno>

#include "ui/terminal_window_impl.hpp"

namespace cadence::ui::detail {
namespace {

const log::Tag kLog{"ui"};

std::string user_shell() {
  if (const char* s = std::getenv("SHELL"); s && *s) return s;
  if (passwd* pw = getpwuid(getuid()); pw && pw->pw_shell && *pw->pw_shell) return pw->pw_shell;
  return "/bin/sh";
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// OSC 7 says file://host/path (percent-encoded); a new pane starts in that path.
std::string path_from_osc7(const std::string& uri) {
  std::string_view rest = uri;
  if (rest.starts_with("file://")) {
    rest.remove_prefix(7);
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return {};
    rest.remove_prefix(slash);
  }
  if (!rest.starts_with("/")) return {};
  std::string path;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && hex_value(rest[i + 1]) >= 0 &&
        hex_value(rest[i + 2]) >= 0) {
      path += static_cast<char>(hex_value(rest[i + 1]) * 16 + hex_value(rest[i + 2]));
      i += 2;
    } else {
      path += rest[i];
    }
  }
  return path;
}

// Without OSC 7, the shell's own working directory.
std::string process_cwd(pid_t pid) {
  char buffer[4096];
  const std::string link = "/proc/" + std::to_string(pid) + "/cwd";
  const ssize_t n = readlink(link.c_str(), buffer, sizeof buffer - 1);
  if (n <= 0) return {};
  return std::string(buffer, static_cast<size_t>(n));
}

uint32_t mix(uint32_t a, uint32_t b, int a_parts, int b_parts) {
  uint32_t out = 0xff000000u;
  for (int shift : {0, 8, 16}) {
    const uint32_t ca = (a >> shift) & 0xff;
    const uint32_t cb = (b >> shift) & 0xff;
    out |= ((ca * a_parts + cb * b_parts) / (a_parts + b_parts)) << shift;
  }
  return out;
}

}  // namespace

void Pane::write(std::string_view bytes) {
  if (bytes.empty() || exited) return;
  if (pty) {
    pty->write(bytes);
  } else if (client) {
    client->write(remote, bytes);
  }
}

KeyModes Pane::key_modes() {
  if (pty) {
    std::lock_guard<std::mutex> guard(pty->mutex());
    return key_modes_from(pty->terminal());
  }
  const uint32_t m = screen ? screen->modes : 0;
  KeyModes k;
  k.cursor_keys_application = m & net::mode::cursor_keys;
  k.keypad_application = m & net::mode::keypad;
  k.backarrow_sends_backspace = m & net::mode::backarrow_key;
  k.newline = m & net::mode::newline;
  k.kitty_flags = static_cast<int>((m >> net::mode::kitty_shift) & 0xff);
  return k;
}

bool Pane::bracketed_paste() {
  if (pty) {
    std::lock_guard<std::mutex> guard(pty->mutex());
    return pty->terminal().modes().bracketed_paste;
  }
  return screen && (screen->modes & net::mode::bracketed_paste);
}

bool Pane::focus_reports() {
  if (pty) {
    std::lock_guard<std::mutex> guard(pty->mutex());
    return pty->terminal().modes().focus_events;
  }
  return screen && (screen->modes & net::mode::focus_reports);
}

Pane* TerminalWindow::find_pane(mux::PaneId id) {
  auto it = panes_.find(id);
  return it == panes_.end() ? nullptr : it->second.get();
}

Pane* TerminalWindow::active_pane() {
  if (tabs_.empty()) return nullptr;
  return find_pane(tabs_.active().active_pane);
}

Pane* TerminalWindow::pane_at(int col, int row) {
  for (auto& [id, pane] : panes_) {
    if (pane->visible && pane->rect.contains(col, row)) return pane.get();
  }
  return nullptr;
}

void TerminalWindow::apply_terminal_colors(Pane& pane) {
  if (!pane.pty) {
    // A remote pane's program has its own terminal on the server; here only the colours
    // its rows are drawn with are ours.
    std::array<uint32_t, vt::kPaletteSize> palette{};
    for (int i = 0; i < 256; ++i) {
      const auto& custom = i < 16 ? config_.palette[static_cast<size_t>(i)] : std::nullopt;
      palette[static_cast<size_t>(i)] = custom.value_or(vt::default_palette(i));
    }
    palette[vt::kPaletteForeground] = colors_.foreground & 0xffffff;
    palette[vt::kPaletteBackground] = colors_.background & 0xffffff;
    palette[vt::kPaletteCursor] = colors_.cursor & 0xffffff;
    pane.view.set_remote_palette(palette);
    return;
  }
  std::lock_guard<std::mutex> guard(pane.pty->mutex());
  vt::Terminal& t = pane.pty->terminal();
  t.set_default_colors(colors_.foreground & 0xffffff, colors_.background & 0xffffff,
                       colors_.cursor & 0xffffff);
  for (size_t i = 0; i < config_.palette.size(); ++i) {
    const int index = static_cast<int>(i);
    t.set_default_palette(index, config_.palette[i].value_or(vt::default_palette(index)));
  }
  using config::CursorStyle;
  const CursorStyle style = config_.file.cursor_style;
  const vt::CursorShape shape =
      style == CursorStyle::steady_bar || style == CursorStyle::blinking_bar ? vt::CursorShape::bar
      : style == CursorStyle::steady_underline || style == CursorStyle::blinking_underline
          ? vt::CursorShape::underline
          : vt::CursorShape::block;
  const bool blinking = style == CursorStyle::blinking_block ||
                        style == CursorStyle::blinking_bar ||
                        style == CursorStyle::blinking_underline;
  t.set_default_cursor(shape, blinking);
}

Result<std::unique_ptr<Pane>> TerminalWindow::spawn_pane(const std::vector<std::string>& command,
                                                         int rows, int cols,
                                                         const std::string& cwd) {
  rows = std::max(1, rows);
  cols = std::max(1, cols);
  const auto& m = renderer_->metrics();
  pty::PtyPane::Options po;
  // The id is known before the program starts, so it can find its own pane
  // (CADENCE_PANE, what `cadence cli` defaults to).
  const mux::PaneId id = next_id_++;
  po.spawn.env = {"TERM=" + config_.term, "COLORTERM=truecolor", "TERM_PROGRAM=cadence",
                  "TERM_PROGRAM_VERSION=" CADENCE_VERSION, "CADENCE_PANE=" + std::to_string(id)};
  po.spawn.env.insert(po.spawn.env.end(), config_.env.begin(), config_.env.end());
  po.spawn.argv =
      with_shell_integration(command.empty() ? std::vector<std::string>{user_shell()} : command,
                             config_.shell_integration_dir, po.spawn.env);
  add_diagnostics_env(po.spawn.env);
  for (const auto& [name, value] : config_.file.set_environment_variables) {
    po.spawn.env.push_back(name + "=" + value);
  }
  po.spawn.cwd = cwd;
  po.spawn.size = pty::WindowSize{rows, cols, cols * m.cell_width, rows * m.cell_height};
  po.terminal.rows = rows;
  po.terminal.cols = cols;
  po.terminal.scrollback_lines = config_.scrollback_lines;
  po.terminal.term_name = config_.term;
  auto pty = pty::PtyPane::spawn(po);
  if (!pty) return pty.error();
  auto pane = std::make_unique<Pane>(colors_);
  pane->id = id;
  pane->pty = std::move(pty.value());
  pane->rect = mux::Rect{0, 0, cols, rows};
  apply_terminal_colors(*pane);
  return pane;
}

// The directory a new tab or split starts in: the active pane's.
std::string active_cwd(Pane* pane) {
  if (!pane) return {};
  if (!pane->pty) return pane->screen ? path_from_osc7(pane->screen->cwd) : std::string();
  std::string reported;
  {
    std::lock_guard<std::mutex> guard(pane->pty->mutex());
    reported = pane->pty->terminal().cwd();
  }
  std::string path = path_from_osc7(reported);
  if (path.empty() && !pane->exited) path = process_cwd(pane->pty->pid());
  return path;
}

void TerminalWindow::new_tab() {
  const mux::Rect area = pane_area();
  if (client_) {
    // The server opens it; the tab appears here with its next pane list.
    client_->spawn(remote_window_, std::max(1, area.rows), std::max(1, area.cols),
                   active_cwd(active_pane()));
    return;
  }
  if (ssh_mux()) return;  // the server opens tabs, once it is reached
  auto pane = new_pane(area.rows, area.cols, active_cwd(active_pane()));
  if (!pane) {
    LOG_WARN(kLog, "new tab: ", pane.error().message);
    show_message("cadence: cannot open a tab: " + pane.error().message);
    return;
  }
  const mux::PaneId id = pane.value()->id;
  io_->add(pane.value()->pty.get());
  panes_.emplace(id, std::move(pane.value()));
  tabs_.add(next_id_++, id);
  layout_dirty_ = true;
  set_window_title();
  mark_dirty();
}

void TerminalWindow::split(mux::SplitAxis axis) {
  Pane* from = active_pane();
  if (!from) return;
  if (from->remote && client_) {
    client_->split(
        from->remote,
        axis == mux::SplitAxis::horizontal ? net::SplitAxis::horizontal : net::SplitAxis::vertical,
        500, active_cwd(from));
    return;
  }
  // Roughly the size it will get; relayout() sets the exact one before the program has
  // had time to draw much.
  const bool side = axis == mux::SplitAxis::horizontal;
  const int rows = side ? from->rect.rows : std::max(1, (from->rect.rows - 1) / 2);
  const int cols = side ? std::max(1, (from->rect.cols - 1) / 2) : from->rect.cols;
  if (ssh_mux()) return;  // the server splits, once it is reached
  auto pane = new_pane(rows, cols, active_cwd(from));
  if (!pane) {
    LOG_WARN(kLog, "split: ", pane.error().message);
    show_message("cadence: cannot split: " + pane.error().message);
    return;
  }
  const mux::PaneId id = pane.value()->id;
  io_->add(pane.value()->pty.get());
  panes_.emplace(id, std::move(pane.value()));
  tabs_.split_active(id, axis);
  layout_dirty_ = true;
  set_window_title();
  mark_dirty();
}

void TerminalWindow::forget_pane(mux::PaneId id) {
  Pane* pane = find_pane(id);
  if (!pane) return;
  if (selection_pane_ == id) {
    selection_.clear();
    selection_pane_ = 0;
    selecting_ = false;
  }
  if (hover_pane_ == id) hover_pane_ = 0;
  std::erase_if(pending_keys_, [id](const PendingKey& k) { return k.pane == id; });
  if (pane->pty) {
    if (pane->exited) exit_status_ = pane->pty->exit_status();
    last_bytes_parsed_ -= std::min(last_bytes_parsed_, pane->pty->bytes_parsed());
    io_->remove(pane->pty.get());
  }
  panes_.erase(id);
  forget_ssh(id);
}

void TerminalWindow::close_pane(mux::PaneId id) {
  if (!find_pane(id)) return;
  tabs_.remove_pane(id);
  forget_pane(id);
  if (tabs_.empty()) {
    closing_ = true;
    loop_->quit();
    return;
  }
  layout_dirty_ = true;
  set_window_title();
  mark_dirty();
}

void TerminalWindow::close_tab() {
  for (mux::PaneId id : tabs_.close_active()) forget_pane(id);
  if (tabs_.empty()) {
    closing_ = true;
    loop_->quit();
    return;
  }
  layout_dirty_ = true;
  set_window_title();
  mark_dirty();
}

bool TerminalWindow::tab_bar_shown() const {
  if (rows_ < 2) return false;
  if (!tab_bar_.banner().empty()) return true;  // a dropped connection must be seen
  if (!config_.file.enable_tab_bar) return false;
  return !(config_.file.hide_tab_bar_if_only_one_tab && tabs_.size() <= 1);
}

int TerminalWindow::tab_bar_row() const {
  if (!tab_bar_shown()) return -1;
  return config_.file.tab_bar_at_bottom ? rows_ - 1 : 0;
}

mux::Rect TerminalWindow::pane_area() const {
  mux::Rect area{0, 0, cols_, rows_};
  if (tab_bar_shown()) {
    --area.rows;
    if (!config_.file.tab_bar_at_bottom) area.row = 1;
  }
  return area;
}

void TerminalWindow::relayout() {
  const mux::Rect area = pane_area();
  const auto& m = renderer_->metrics();
  for (auto& [id, pane] : panes_) pane->visible = false;
  const auto& tabs = tabs_.tabs();
  for (size_t i = 0; i < tabs.size(); ++i) {
    const mux::Tab& tab = tabs[i];
    const bool active = i == tabs_.active_index();
    for (const mux::PanePlacement& placed : tab.layout.place(area)) {
      Pane* pane = find_pane(placed.pane);
      if (!pane) continue;
      const bool zoomed = tab.zoomed == placed.pane;
      const mux::Rect rect = zoomed ? area : placed.rect;
      const bool resized = rect.rows != pane->rect.rows || rect.cols != pane->rect.cols;
      pane->rect = rect;
      if (resized && rect.rows > 0 && rect.cols > 0) {
        const pty::WindowSize size{rect.rows, rect.cols, rect.cols * m.cell_width,
                                   rect.rows * m.cell_height};
        if (!pane->pty) {
          // At most one resize per pane in flight; the client keeps only the newest.
          if (client_)
            client_->resize(pane->remote, size.rows, size.cols, size.width_px, size.height_px);
        } else if (Result<void> r = pane->pty->resize(size); !r) {
          LOG_WARN(kLog, "resizing pane ", pane->id, ": ", r.error().message);
        }
      }
      pane->visible = active && (!tab.zoomed || zoomed) && rect.rows > 0 && rect.cols > 0;
      if (pane->visible) pane->view.invalidate();
    }
  }
  layout_dirty_ = false;
  chrome_dirty_ = true;
  tab_bar_cols_ = -1;
  dirty_ = true;
}

void TerminalWindow::draw_chrome() {
  if (chrome_dirty_) {
    chrome_dirty_ = false;
    // Borders as box-drawing cells: each border cell connects to the border cells next
    // to it, which gives the junctions (├ ┤ ┬ ┴ ┼) where borders meet.
    const mux::Rect area = pane_area();
    const std::vector<mux::Border> borders = tabs_.visible_borders(area);
    std::vector<uint8_t> mask(static_cast<size_t>(std::max(0, rows_ * cols_)), 0);
    auto at = [&](int c, int r) -> uint8_t& { return mask[static_cast<size_t>(r * cols_ + c)]; };
    auto inside = [&](int c, int r) { return c >= 0 && c < cols_ && r >= 0 && r < rows_; };
    for (const mux::Border& b : borders) {
      for (int i = 0; i < b.length; ++i) {
        const int c = b.vertical ? b.col : b.col + i;
        const int r = b.vertical ? b.row + i : b.row;
        if (inside(c, r)) at(c, r) = b.vertical ? 1 : 2;
      }
    }
    const uint32_t color = mix(colors_.foreground, colors_.background, 1, 2);
    const Pane* active = active_pane();
    const uint32_t active_color = mix(colors_.foreground, colors_.background, 3, 1);
    for (int r = 0; r < rows_; ++r) {
      for (int c = 0; c < cols_; ++c) {
        if (!at(c, r)) continue;
        const bool up = inside(c, r - 1) && at(c, r - 1);
        const bool down = inside(c, r + 1) && at(c, r + 1);
        const bool left = inside(c - 1, r) && at(c - 1, r);
        const bool right = inside(c + 1, r) && at(c + 1, r);
        char32_t cp = at(c, r) == 1 ? U'│' : U'─';
        if (up && down && left && right) {
          cp = U'┼';
        } else if (up && down && right) {
          cp = U'├';
        } else if (up && down && left) {
          cp = U'┤';
        } else if (left && right && down) {
          cp = U'┬';
        } else if (left && right && up) {
          cp = U'┴';
        }
        // The active pane's edges are drawn brighter, so focus is visible at a glance.
        bool edge = false;
        if (active && active->visible) {
          const mux::Rect& a = active->rect;
          edge = ((c == a.col - 1 || c == a.col + a.cols) && r >= a.row && r < a.row + a.rows) ||
                 ((r == a.row - 1 || r == a.row + a.rows) && c >= a.col && c < a.col + a.cols);
        }
        render::GridCell cell;
        cell.cp = cp;
        cell.fg = edge ? active_color : color;
        renderer_->set_cells(r, c, 1, std::span<const render::GridCell>(&cell, 1));
      }
    }
  }
  draw_tab_bar();
}

void TerminalWindow::draw_tab_bar() {
  const int row = tab_bar_row();
  if (row < 0) {
    tab_bar_line_ = nullptr;
    tab_bar_drawn_row_ = -1;
    if (status_armed_) update_status_timer();
    return;
  }
  // What the tab bar is told about the tabs changes only with the tab set's version, so
  // a frame that changed no tab builds nothing here and the bar's cache answers.
  if (tab_infos_version_ != tabs_.version()) {
    tab_infos_version_ = tabs_.version();
    const auto& tabs = tabs_.tabs();
    tab_infos_.resize(tabs.size());
    for (size_t i = 0; i < tabs.size(); ++i) {
      const mux::Tab& tab = tabs[i];
      TabInfo& info = tab_infos_[i];
      const Pane* pane = find_pane(tab.active_pane);
      info.id = tab.id;
      info.version = tab.version;
      info.index = static_cast<int>(i);
      info.active = i == tabs_.active_index();
      info.active_pane_title = pane ? pane->title : std::string();
      info.title = tab.user_title.empty() ? info.active_pane_title : tab.user_title;
      if (info.title.empty()) info.title = config_.title;
      info.pane_count = static_cast<int>(tab.layout.size());
      info.has_unseen_output = tab.unseen_output;
      // The active pane's progress, else the first pane of the tab that reports one.
      const Pane* reporting = pane && pane->progress_state ? pane : nullptr;
      for (mux::PaneId id : tab.layout.panes()) {
        if (reporting) break;
        const Pane* p = find_pane(id);
        if (p && p->progress_state) reporting = p;
      }
      info.progress_state = reporting ? reporting->progress_state : 0;
      info.progress = reporting ? reporting->progress_value : -1;
    }
  }
  const TabBarLine& line = tab_bar_.build(tabs_.version(), tab_infos_, config_.file, cols_);
  const bool rebuilt = tab_bar_.stats().misses != tab_bar_misses_;
  tab_bar_misses_ = tab_bar_.stats().misses;
  tab_bar_line_ = &line;
  if (!rebuilt && cols_ == tab_bar_cols_ && row == tab_bar_drawn_row_ &&
      tab_bar_hover_ == tab_bar_drawn_hover_) {
    return;
  }
  // Whether update-status needs its timer changes only with the configuration or the
  // bar appearing, and both redraw the bar: a steady frame does not ask again.
  if (!status_armed_) update_status_timer();
  tab_bar_cols_ = cols_;
  tab_bar_drawn_row_ = row;
  tab_bar_drawn_hover_ = tab_bar_hover_;
  // Hover is a style on a copy, after the cache: pointer motion never rebuilds the line.
  std::vector<TabBarCell> hovered;
  const std::vector<TabBarCell>* cells = &line.cells;
  if (tab_bar_hover_ >= 0) {
    hovered = with_hover(line, tab_bar_hover_, config_.file);
    cells = &hovered;
  }
  std::vector<render::GridCell> out(cells->size());
  for (size_t i = 0; i < cells->size(); ++i) {
    const TabBarCell& c = (*cells)[i];
    render::GridCell& g = out[i];
    g.cp = c.cp;
    g.fg = 0xff000000u | c.fg;
    g.bg = 0xff000000u | c.bg;
    g.width = c.width;
    if (c.bold) g.flags |= render::cell_flag::bold;
    if (c.italic) g.flags |= render::cell_flag::italic;
    if (c.underline) g.underline = render::Underline::single;
  }
  renderer_->set_cells(row, 0, cols_, out);
}

void TerminalWindow::set_window_title() {
  std::string title;
  if (!tabs_.empty()) title = tabs_.active().user_title;
  if (title.empty()) {
    if (Pane* p = active_pane()) title = p->title;
  }
  if (title.empty()) title = config_.title;
  if (title == title_) return;
  title_ = title;
  window_->set_title(title_);
  if (csd_) dirty_ = true;
}

void TerminalWindow::scroll_active(int lines) {
  if (Pane* pane = active_pane()) scroll_pane(*pane, lines);
}

void TerminalWindow::scroll_pane(Pane& pane, int lines) {
  if (pane.pty) {
    std::lock_guard<std::mutex> guard(pane.pty->mutex());
    pane.view.scroll_by(pane.pty->terminal(), lines);
  } else if (pane.screen) {
    // Rows come from the client's history cache; missing ones are fetched, and the
    // wake their arrival brings draws them.
    pane.view.scroll_remote(*pane.screen, lines);
    pane.view.invalidate();
  }
  mark_dirty();
}

bool TerminalWindow::run_action(const config::Action& action) {
  using config::ActionKind;
  auto direction = [](config::Direction d) {
    switch (d) {
      case config::Direction::left: return mux::Direction::left;
      case config::Direction::right: return mux::Direction::right;
      case config::Direction::up: return mux::Direction::up;
      case config::Direction::down: return mux::Direction::down;
    }
    return mux::Direction::left;
  };
  auto changed_layout = [this] {
    layout_dirty_ = true;
    set_window_title();
    mark_dirty();
  };
  Pane* pane = active_pane();
  const int page = std::max(1, (pane ? pane->rect.rows : rows_) - 1);
  switch (action.kind) {
    case ActionKind::nop: return true;
    case ActionKind::spawn_tab:
      if (!action.text.empty() && action.text != domain_name()) {
        open_domain_window(action.text);
      } else {
        new_tab();
      }
      return true;
    case ActionKind::close_tab:
      if (client_) {
        // The server closes them; the tab goes with its next pane list.
        for (mux::PaneId id : tabs_.active().layout.panes()) {
          if (Pane* p = find_pane(id); p && p->remote) client_->close_pane(p->remote);
        }
        return true;
      }
      close_tab();
      return true;
    case ActionKind::activate_tab:
      if (!tabs_.activate(action.n)) return true;
      changed_layout();
      return true;
    case ActionKind::activate_tab_relative:
      tabs_.activate_relative(action.n);
      changed_layout();
      return true;
    case ActionKind::move_tab:
      tabs_.move_active(action.n);
      changed_layout();
      return true;
    case ActionKind::move_tab_relative:
      tabs_.move_active_relative(action.n);
      changed_layout();
      return true;
    case ActionKind::rename_tab:
      tabs_.rename_active(action.text);
      if (client_ && !tabs_.empty()) client_->rename_tab(tabs_.active().id, action.text);
      set_window_title();
      mark_dirty();
      return true;
    case ActionKind::split_horizontal: split(mux::SplitAxis::horizontal); return true;
    case ActionKind::split_vertical: split(mux::SplitAxis::vertical); return true;
    case ActionKind::close_pane:
      if (pane && pane->remote && client_) {
        client_->close_pane(pane->remote);
      } else if (pane) {
        close_pane(pane->id);
      }
      return true;
    case ActionKind::activate_pane_direction:
      if (tabs_.focus(direction(action.direction), pane_area())) {
        chrome_dirty_ = true;
        changed_layout();
      }
      return true;
    case ActionKind::adjust_pane_size:
      if (tabs_.resize_active(direction(action.direction), static_cast<int>(action.n),
                              pane_area())) {
        changed_layout();
      }
      return true;
    case ActionKind::toggle_pane_zoom:
      tabs_.toggle_zoom();
      changed_layout();
      return true;
    case ActionKind::copy_to_clipboard:
      copy_selection(wayland::SelectionKind::clipboard);
      return true;
    case ActionKind::copy_to_primary: copy_selection(wayland::SelectionKind::primary); return true;
    case ActionKind::copy_to_clipboard_and_primary:
      copy_selection(wayland::SelectionKind::clipboard);
      copy_selection(wayland::SelectionKind::primary);
      return true;
    case ActionKind::paste_from_clipboard: paste(wayland::SelectionKind::clipboard); return true;
    case ActionKind::paste_from_primary: paste(wayland::SelectionKind::primary); return true;
    case ActionKind::increase_font_size: change_font_size(1.0, false); return true;
    case ActionKind::decrease_font_size: change_font_size(-1.0, false); return true;
    case ActionKind::reset_font_size: change_font_size(0, true); return true;
    case ActionKind::reload_configuration:
      if (config_.config_path.empty()) return false;
      reload_config();
      return true;
    case ActionKind::scroll_by_page: scroll_active(static_cast<int>(-action.n) * page); return true;
    case ActionKind::scroll_by_line: scroll_active(static_cast<int>(-action.n)); return true;
    case ActionKind::scroll_to_top: scroll_active(std::numeric_limits<int>::max() / 2); return true;
    case ActionKind::scroll_to_bottom:
      if (pane) {
        pane->view.scroll_to_bottom();
        mark_dirty();
      }
      return true;
    case ActionKind::send_string: send_to_program(action.text); return true;
    case ActionKind::activate_key_table:
    case ActionKind::pop_key_table:
    case ActionKind::clear_key_table_stack: return bindings_.apply(action);
    case ActionKind::toggle_frame_log_hud: toggle_hud(); return true;
    case ActionKind::scroll_to_prompt: return scroll_to_prompt(static_cast<int>(action.n));
    case ActionKind::select_last_output: return select_last_output();
    case ActionKind::callback: {
      // Keep the runtime alive through the call: an action it performs may reload.
      const std::shared_ptr<config::LuaRuntime> lua = config_.file.lua;
      if (!lua) return false;
      lua->run_callback(action, *this);
      run_lua_deferred();
      return true;
    }
  }
  return false;
}

std::string TerminalWindow::active_tab_title() {
  if (tabs_.empty()) return {};
  if (!tabs_.active().user_title.empty()) return tabs_.active().user_title;
  return active_pane_title();
}

std::string TerminalWindow::active_pane_title() {
  Pane* pane = active_pane();
  return pane ? pane->title : std::string();
}

uint64_t TerminalWindow::active_pane_id() {
  Pane* pane = active_pane();
  return pane ? pane->id : 0;
}

void TerminalWindow::set_left_status(std::string text) {
  if (tab_bar_.set_left_status(std::move(text))) mark_dirty();
}

void TerminalWindow::set_right_status(std::string text) {
  if (tab_bar_.set_right_status(std::move(text))) mark_dirty();
}

void TerminalWindow::emit_lua(std::string_view event) {
  const std::shared_ptr<config::LuaRuntime> lua = config_.file.lua;
  if (!lua || !lua->has_handler(event)) return;
  lua->emit(event, *this);
  run_lua_deferred();
}

void TerminalWindow::run_lua_deferred() {
  // An action may run another callback that asks for more; each batch runs after the
  // call that asked for it, so nothing is ever performed under a running callback.
  for (int round = 0; round < 8 && !lua_actions_.empty(); ++round) {
    std::vector<config::Action> actions = std::move(lua_actions_);
    lua_actions_.clear();
    for (const config::Action& a : actions) {
      if (closing_) return;
      run_action(a);
    }
  }
  lua_actions_.clear();
}

// update-status runs on a timer only while the tab bar is shown and a handler exists:
// without one, an idle window still has no timer at all.
void TerminalWindow::update_status_timer() {
  const bool want = tab_bar_line_ != nullptr && tab_bar_.wants_status_updates();
  if (want == status_armed_) return;
  status_armed_ = want;
  if (!want) {
    disarm_timer(status_fd_);
    return;
  }
  const int ms = std::max(50, config_.file.status_update_interval_ms);
  itimerspec spec{};
  spec.it_value.tv_sec = 0;
  spec.it_value.tv_nsec = 1;  // the first one at once
  spec.it_interval.tv_sec = ms / 1000;
  spec.it_interval.tv_nsec = static_cast<long>(ms % 1000) * 1000000L;
  timerfd_settime(status_fd_, 0, &spec, nullptr);
}

void TerminalWindow::on_status_timer() {
  drain_timer(status_fd_);
  if (tab_bar_.update_status(*this)) mark_dirty();
  run_lua_deferred();
}

}  // namespace cadence::ui::detail
