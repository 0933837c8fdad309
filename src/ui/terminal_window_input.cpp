// TerminalWindow's input side: keys and their bindings, the pointer (selection, mouse
// reports, wheel, links, client-side decorations), the clipboard and input methods. The
// class and the rest of it are in terminal_window_impl.hpp and terminal_window.cpp.
#include "ui/terminal_window_impl.hpp"

namespace cadence::ui::detail {
namespace {

const log::Tag kLog{"ui"};

}  // namespace

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
  if (!ssh_.empty() && answer_banner_prompt(bytes)) return;
  Pane* pane = active_pane();
  if (bytes.empty() || !pane || pane->exited) return;
  pane->write(bytes);
  // Whoever types into a flood sees the next frame at once, not after flood pacing.
  flooding_ = false;
  if (flood_timer_armed_) {
    disarm_timer(flood_fd_);
    flood_timer_armed_ = false;
    maybe_paint();
  }
  if (pane->view.scroll_offset() != 0) {
    pane->view.scroll_to_bottom();
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
  Pane* pane = find_pane(selection_pane_);
  if (!pane) return;
  std::string text;
  with_text(*pane, [&](const SelectionSource& source) { text = selection_.text(source); });
  if (!text.empty()) clipboard_->set(kind, std::move(text), seats_->last_serial());
}

void TerminalWindow::paste(wayland::SelectionKind kind) {
  clipboard_->paste(kind, [this](std::string text) {
    Pane* pane = active_pane();
    if (text.empty() || !pane || pane->exited) return;
    const bool bracketed = pane->bracketed_paste();
    send_to_program(prepare_paste(text, bracketed));
  });
}

bool TerminalWindow::binding(const wayland::KeyInput& key) {
  using namespace wayland::modifier;
  const uint32_t mods = key.mods & (shift | alt | ctrl | super);
  // Saving the frame is the window's own key, not an action a configuration rebinds.
  if (mods == (ctrl | shift) && xkb_keysym_to_lower(key.keysym) == XKB_KEY_s) {
    request_screenshot();
    return true;
  }
  const std::optional<config::Action> action = bindings_.lookup(key.keysym, mods);
  if (!action) return false;
  switch (action->kind) {
    // Bindings::lookup already moved the key-table stack.
    case config::ActionKind::activate_key_table:
    case config::ActionKind::pop_key_table:
    case config::ActionKind::clear_key_table_stack: return true;
    default: return run_action(*action);
  }
}

void TerminalWindow::on_key(const wayland::KeyInput& key) {
  Pane* pane = active_pane();
  if (!pane || !renderer_) return;  // input before the window is fully set up
  if (key.action != wayland::KeyInput::Action::release && binding(key)) return;
  pane = active_pane();
  if (!pane) return;
  KeyEvent e;
  e.keysym = key.keysym;
  e.unshifted_keysym = key.unshifted_keysym;
  e.unshifted_codepoint = xkb_keysym_to_utf32(key.unshifted_keysym);
  e.mods = key.mods;
  e.text = key.text;
  e.action = key.action == wayland::KeyInput::Action::press    ? KeyAction::press
             : key.action == wayland::KeyInput::Action::repeat ? KeyAction::repeat
                                                               : KeyAction::release;
  const KeyModes modes = pane->key_modes();
  std::string bytes = encode_key(e, modes);
  if (bytes.empty()) return;
  if (key.action != wayland::KeyInput::Action::release) {
    pending_keys_.push_back({key.received_ns, pane->id, pane->bytes_parsed()});
    if (pending_keys_.size() > 64) pending_keys_.erase(pending_keys_.begin());
  }
  if (selection_.active() && key.action == wayland::KeyInput::Action::press) {
    clear_selection();
    dirty_ = true;
  }
  frame_reasons_ |= framelog::reason::input;
  send_to_program(bytes);
}

void TerminalWindow::on_preedit(const std::string& text, int, int) {
  Pane* pane = active_pane();
  if (!pane) return;
  pane->view.set_preedit(vt::decode_utf8(text));
  mark_dirty();
}

void TerminalWindow::on_commit(const std::string& text) {
  Pane* pane = active_pane();
  if (!pane || !renderer_) return;  // input before the window is fully set up
  if (selection_.active()) clear_selection();
  pending_keys_.push_back({monotonic_ns(), pane->id, pane->bytes_parsed()});
  send_to_program(text);
}

void TerminalWindow::on_keyboard_focus(bool focused) {
  Pane* pane = active_pane();
  if (!pane || !renderer_) return;  // input before the window is fully set up
  focused_ = focused;
  if (pane->focus_reports()) send_to_program(encode_focus(focused));
  update_blink_timer();
  pane->view.invalidate();
  mark_dirty();
}

void TerminalWindow::clear_selection() {
  selection_.clear();
  if (Pane* pane = find_pane(selection_pane_)) pane->view.invalidate();
}

// Focus follows a click: the pane clicked becomes the active one. Keys go to it from
// now on, and the pane that had focus is told it lost it (mode 1004) as the new one is
// told it gained it.
void TerminalWindow::focus_pane(Pane& pane) {
  Pane* before = active_pane();
  if (before == &pane) return;
  auto report_focus = [this](Pane* p, bool in) {
    if (!p || p->exited || !focused_) return;
    if (p->focus_reports()) p->write(encode_focus(in));
  };
  report_focus(before, false);
  tabs_.activate_pane(pane.id);
  report_focus(&pane, true);
  if (before) before->view.invalidate();
  pane.view.invalidate();
  chrome_dirty_ = true;
  set_window_title();
  update_blink_timer();
  mark_dirty();
}

void TerminalWindow::on_pointer(const wayland::PointerInput& p) {
  if (panes_.empty() || !renderer_) return;  // input before the window is fully set up
  using Kind = wayland::PointerInput::Kind;
  if (p.kind == Kind::enter || p.kind == Kind::motion || p.kind == Kind::button ||
      p.kind == Kind::axis) {
    pointer_x_ = p.x;
    pointer_y_ = p.y;
  }
  if (p.kind == Kind::leave) {
    update_hover(nullptr, 0, 0);
    if (tab_bar_hover_ >= 0) {
      tab_bar_hover_ = -1;
      mark_dirty();
    }
    return;
  }
  if (csd_ && decoration_pointer(p)) return;
  if (p.kind == Kind::enter) return;
  const auto [grid_col, grid_row] = cell_at(pointer_x_, pointer_y_);
  // While a selection is being dragged it stays in its pane, whatever the pointer
  // crosses; otherwise the event goes to the pane under the pointer.
  Pane* pane = selecting_ ? find_pane(selection_pane_) : pane_at(grid_col, grid_row);
  // Hovering the tab bar restyles the tab under the pointer (drawn at the next paint).
  const int bar_hover = !pane && grid_row == tab_bar_row() ? grid_col : -1;
  if (bar_hover != tab_bar_hover_) {
    tab_bar_hover_ = bar_hover;
    mark_dirty();
  }
  if (!pane) {
    update_hover(nullptr, 0, 0);
    if (p.kind == Kind::button && p.pressed && grid_row == tab_bar_row()) {
      tab_bar_click(grid_col, p.button);
    }
    return;
  }
  const int col = std::clamp(grid_col - pane->rect.col, 0, pane->rect.cols - 1);
  const int row = std::clamp(grid_row - pane->rect.row, 0, pane->rect.rows - 1);
  if (p.kind == Kind::motion) update_hover(pane, col, row);
  if (p.kind == Kind::button && p.pressed && pane != active_pane()) focus_pane(*pane);
  // The configuration's mouse bindings come before selection and mouse reports.
  if (p.kind == Kind::button && p.button <= 2 && !selecting_) {
    const auto button = static_cast<config::MouseButton>(p.button);
    const int streak = p.pressed ? (last_click_cell_ == std::make_pair(grid_col, grid_row) &&
                                            p.time_ms - last_click_ms_ < kClickIntervalMs
                                        ? click_count_ % 3 + 1
                                        : 1)
                                 : std::max(1, click_count_);
    const uint32_t mods = p.mods & (wayland::modifier::shift | wayland::modifier::alt |
                                    wayland::modifier::ctrl | wayland::modifier::super);
    if (auto action = bindings_.lookup_mouse(button, streak, mods, !p.pressed)) {
      run_action(*action);
      return;
    }
  }
  const bool shift = p.mods & wayland::modifier::shift;
  vt::Modes modes;
  bool alt_screen = false;
  StableRow stable(0);
  if (pane->pty) {
    std::lock_guard<std::mutex> guard(pane->pty->mutex());
    modes = pane->pty->terminal().modes();
    alt_screen = pane->pty->terminal().is_alt_screen();
    stable = pane->view.stable_row_at(pane->pty->terminal(), row);
  } else {
    // A remote pane: the server encodes reports under the mode in force there; what
    // stays here is the view's own scrolling and the selection.
    const uint32_t remote_modes = pane->screen ? pane->screen->modes : 0;
    const bool tracking = remote_modes & net::mode::mouse_tracking;
    alt_screen = remote_modes & net::mode::alt_screen;
    if (!pane->screen || (tracking && !shift && !selecting_) ||
        (alt_screen && p.kind == Kind::axis)) {
      remote_pointer(*pane, p, col, row);
      return;
    }
    stable = pane->view.remote_row_at(row);
  }
  if (p.kind == Kind::button) {
    buttons_held_ += p.pressed ? 1 : -1;
    if (p.pressed) held_button_ = p.button;
  }
  buttons_held_ = std::max(0, buttons_held_);
  // Reports and wheel scrolling go to the pane under the pointer, focused or not.
  auto send = [pane](std::string_view bytes) { pane->write(bytes); };

  // Programs that track the mouse get it, unless Shift is held (then it selects).
  if (pane->pty && modes.mouse != vt::MouseTracking::off && !shift && !selecting_) {
    MouseEvent m;
    m.col = col;
    m.row = row;
    const double scale = window_->scale();
    const auto& metrics = renderer_->metrics();
    m.x_px = static_cast<int>(pointer_x_ * scale) - renderer_->geometry().origin_x -
             pane->rect.col * metrics.cell_width;
    m.y_px = static_cast<int>(pointer_y_ * scale) - renderer_->geometry().origin_y -
             pane->rect.row * metrics.cell_height;
    m.mods = p.mods;
    m.buttons_held = buttons_held_ > 0;
    if (p.kind == Kind::motion) {
      m.kind = MouseEvent::Kind::motion;
      m.button = held_button_;
      send(encode_mouse(m, modes));
      return;
    }
    if (p.kind == Kind::button) {
      m.kind = p.pressed ? MouseEvent::Kind::press : MouseEvent::Kind::release;
      m.button = p.button;
      if (p.button <= 2) send(encode_mouse(m, modes));
      return;
    }
    if (p.kind == Kind::axis && p.scroll_y != 0) {
      m.kind = MouseEvent::Kind::wheel;
      m.button = p.scroll_y < 0 ? 4 : 5;
      const int steps = std::max(1, static_cast<int>(std::lround(std::abs(p.scroll_y))));
      std::string bytes;
      for (int i = 0; i < steps; ++i) bytes += encode_mouse(m, modes);
      send(bytes);
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
      send(encode_alternate_scroll(wheel, modes, std::abs(steps)));
      return;
    }
    scroll_pane(*pane, -steps);
    return;
  }
  if (p.kind == Kind::button) {
    if (p.button == 1 && p.pressed) {
      paste(wayland::SelectionKind::primary);
      return;
    }
    if (p.button != 0) return;
    if (p.pressed) {
      const bool same_cell = last_click_cell_ == std::make_pair(grid_col, grid_row);
      click_count_ =
          same_cell && p.time_ms - last_click_ms_ < kClickIntervalMs ? click_count_ % 3 + 1 : 1;
      last_click_ms_ = p.time_ms;
      last_click_cell_ = {grid_col, grid_row};
      const Selection::Mode mode = click_count_ == 3   ? Selection::Mode::line
                                   : click_count_ == 2 ? Selection::Mode::word
                                                       : Selection::Mode::cell;
      const bool rectangular = p.mods & wayland::modifier::alt;
      if (selection_pane_ != pane->id) clear_selection();
      selection_pane_ = pane->id;
      with_text(*pane, [&](const SelectionSource& text) {
        selection_.begin(text, SelectionPoint{stable, Column(col)}, mode, rectangular);
      });
      selecting_ = true;
    } else if (selecting_) {
      selecting_ = false;
      if (selection_.active()) copy_selection(wayland::SelectionKind::primary);
    }
    pane->view.invalidate();
    mark_dirty();
    return;
  }
  if (p.kind == Kind::motion && selecting_) {
    with_text(*pane, [&](const SelectionSource& text) {
      selection_.extend(text, SelectionPoint{stable, Column(col)});
    });
    pane->view.invalidate();
    mark_dirty();
  }
}

void TerminalWindow::tab_bar_click(int col, int button) {
  if (!tab_bar_line_) return;
  config::Action a;
  if (tab_bar_line_->new_tab_at(col)) {
    if (button == 0) a.kind = config::ActionKind::spawn_tab;
  } else if (const int at = tab_bar_line_->tab_at(col); at >= 0) {
    const int index = tab_bar_line_->tabs[static_cast<size_t>(at)].index;
    if (button == 0) {
      a.kind = config::ActionKind::activate_tab;
      a.n = index;
    } else if (button == 1 && tabs_.activate(index)) {
      // Middle click closes a tab, as in a browser.
      a.kind = config::ActionKind::close_tab;
    }
  }
  if (a.kind != config::ActionKind::nop) run_action(a);
}

// ---- client-side decorations (geometry in ui/decorations.cpp)

int TerminalWindow::title_bar_px() const {
  if (!csd_ || !window_) return 0;
  return ui::title_bar_px(window_->scale());
}

DecorationFrame TerminalWindow::decoration_frame() const {
  DecorationFrame f;
  f.buffer_width = buffer_width_;
  f.buffer_height = buffer_height_;
  f.scale = window_->scale();
  f.maximized_or_fullscreen = window_->states().maximized || window_->states().fullscreen;
  return f;
}

bool TerminalWindow::decoration_pointer(const wayland::PointerInput& p) {
  using Kind = wayland::PointerInput::Kind;
  uint32_t edges = 0;
  const DecorationHit hit = hit_decoration(decoration_frame(), pointer_x_, pointer_y_, edges);
  if (p.kind == Kind::motion || p.kind == Kind::enter) {
    seats_->set_cursor_shape(decoration_cursor(hit, edges));
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

void TerminalWindow::update_hover(Pane* pane, int col, int row) {
  uint32_t link = 0;
  if (pane && pane->pty) {
    std::lock_guard<std::mutex> guard(pane->pty->mutex());
    const vt::Terminal& t = pane->pty->terminal();
    const int screen_row = row - pane->view.scroll_offset();
    if (screen_row >= 0 && screen_row < t.rows()) {
      const vt::Line& line = t.line(Row(screen_row));
      if (col < static_cast<int>(line.cells.size())) {
        link = t.style(line.cells[static_cast<size_t>(col)].style).link;
      }
    }
  }
  const mux::PaneId hovered = link && pane ? pane->id : 0;
  if (hovered == hover_pane_ && (!pane || pane->view.hover_link() == link)) return;
  Pane* before = find_pane(hover_pane_);
  if (before && before != pane) before->view.set_hover_link(0);
  hover_pane_ = hovered;
  if (pane) pane->view.set_hover_link(link);
  seats_->set_cursor_shape(link ? "pointer" : "text");
  mark_dirty();
}

}  // namespace cadence::ui::detail
