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
  if (!pane_ || !renderer_) return;  // input before the window is fully set up
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
  frame_reasons_ |= framelog::reason::input;
  send_to_program(bytes);
}

void TerminalWindow::on_preedit(const std::string& text, int, int) {
  view_.set_preedit(vt::decode_utf8(text));
  mark_dirty();
}

void TerminalWindow::on_commit(const std::string& text) {
  if (!pane_ || !renderer_) return;  // input before the window is fully set up
  if (selection_.active()) {
    selection_.clear();
    view_.invalidate();
  }
  pending_keys_.push_back({monotonic_ns(), pane_->bytes_parsed()});
  send_to_program(text);
}

void TerminalWindow::on_keyboard_focus(bool focused) {
  if (!pane_ || !renderer_) return;  // input before the window is fully set up
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
  if (!pane_ || !renderer_) return;  // input before the window is fully set up
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

}  // namespace cadence::ui::detail
