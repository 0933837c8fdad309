// CSI sequences: cursor movement, editing, modes, SGR and the queries a program may
// send. Replies use 7-bit introducers.
#include <algorithm>
#include <cstdio>
#include <string>

#include "vt/terminal.hpp"

namespace cadence::vt {
namespace {

std::string csi_reply(const char* fmt, int a = 0, int b = 0, int c = 0) {
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, fmt, a, b, c);
  return std::string("\x1b[") + std::string(buf, n > 0 ? static_cast<size_t>(n) : 0);
}

// Reads an extended colour (38/48/58) starting at params[i]; advances i past it.
bool extended_color(const Params& p, int& i, Color& out) {
  // Colon form: 38:5:n or 38:2:[cs]:r:g:b — the sub-parameters follow params[i].
  if (i + 1 < p.count && p.sub[i + 1]) {
    int j = i + 1;
    int kind = p.get(j, -1);
    int end = j;
    while (end + 1 < p.count && p.sub[end + 1]) ++end;
    i = end;
    if (kind == 5 && end >= j + 1) {
      out = Color::indexed(static_cast<uint8_t>(std::clamp(p.get(j + 1, 0), 0, 255)));
      return true;
    }
    if (kind == 2) {
      int n = end - j;                     // values after the kind
      int first = n >= 4 ? j + 2 : j + 1;  // with or without a colour-space id
      if (n < 3) return false;
      out = Color::rgb(static_cast<uint8_t>(std::clamp(p.get(first, 0), 0, 255)),
                       static_cast<uint8_t>(std::clamp(p.get(first + 1, 0), 0, 255)),
                       static_cast<uint8_t>(std::clamp(p.get(first + 2, 0), 0, 255)));
      return true;
    }
    return false;
  }
  // Semicolon form: 38;5;n or 38;2;r;g;b
  int kind = p.get(i + 1, -1);
  if (kind == 5 && i + 2 < p.count) {
    out = Color::indexed(static_cast<uint8_t>(std::clamp(p.get(i + 2, 0), 0, 255)));
    i += 2;
    return true;
  }
  if (kind == 2 && i + 4 < p.count) {
    out = Color::rgb(static_cast<uint8_t>(std::clamp(p.get(i + 2, 0), 0, 255)),
                     static_cast<uint8_t>(std::clamp(p.get(i + 3, 0), 0, 255)),
                     static_cast<uint8_t>(std::clamp(p.get(i + 4, 0), 0, 255)));
    i += 4;
    return true;
  }
  i = p.count;  // malformed: ignore the rest, as xterm does
  return false;
}

}  // namespace

void Terminal::csi_dispatch(const Params& p, uint8_t final) {
  char inter = p.intermediate();
  char prefix = p.prefix;
  if (final != 'm' && final != 'b') forget_last_cell();

  if (prefix == 0 && inter == 0) {
    switch (final) {
      case '@': insert_cells(p.count_at(0)); return;
      case 'A': cursor_up(p.count_at(0)); return;
      case 'B': cursor_down(p.count_at(0)); return;
      case 'C': cursor_right(p.count_at(0)); return;
      case 'D': cursor_left(p.count_at(0)); return;
      case 'E':
        cursor_down(p.count_at(0));
        carriage_return();
        return;
      case 'F':
        cursor_up(p.count_at(0));
        carriage_return();
        return;
      case 'G':
      case '`':
        move_to(cursor_.row, (cursor_.origin ? left_margin() : 0) + p.count_at(0) - 1);
        return;
      case 'H':
      case 'f': move_to_origin_relative(p.count_at(0) - 1, p.count_at(1) - 1); return;
      case 'I': tab_forward(p.count_at(0)); return;
      case 'J': erase_display(p.get(0, 0), false); return;
      case 'K': erase_line(p.get(0, 0), false); return;
      case 'L': insert_lines(p.count_at(0)); return;
      case 'M': delete_lines(p.count_at(0)); return;
      case 'P': delete_cells(p.count_at(0)); return;
      case 'S': scroll_up(scroll_top_, scroll_bottom_, p.count_at(0)); return;
      case 'T':
        if (p.count <= 1) scroll_down(scroll_top_, scroll_bottom_, p.count_at(0));
        return;
      case 'X': {
        cursor_.pending_wrap = false;
        erase_cells(cursor_.row, cursor_.col, cursor_.col + p.count_at(0));
        return;
      }
      case 'Z': tab_backward(p.count_at(0)); return;
      case 'a': cursor_right(p.count_at(0)); return;
      case 'b': repeat_last(p.count_at(0)); return;
      case 'c':
        if (p.get(0, 0) == 0) reply("\x1b[?62;22c");
        return;
      case 'd':
        move_to_origin_relative(p.count_at(0) - 1,
                                cursor_.col - (cursor_.origin ? left_margin() : 0));
        return;
      case 'e': cursor_down(p.count_at(0), false); return;
      case 'g':
        if (p.get(0, 0) == 0 && cursor_.col < cols_)
          tabs_[cursor_.col] = false;
        else if (p.get(0, 0) == 3)
          std::fill(tabs_.begin(), tabs_.end(), false);
        return;
      case 'h': set_mode(p, true); return;
      case 'j': cursor_left(p.count_at(0)); return;  // HPB: as CUB
      case 'k': cursor_up(p.count_at(0)); return;    // VPB: as CUU
      case 'l': set_mode(p, false); return;
      case 'm': select_graphic_rendition(p); return;
      case 'n': report_device_status(p); return;
      case 'r': {
        int top = p.count_at(0) - 1;
        int bottom = p.get(1, 0) == 0 ? rows_ - 1 : p.get(1, rows_) - 1;
        bottom = std::min(bottom, rows_ - 1);
        if (top < bottom) {
          scroll_top_ = top;
          scroll_bottom_ = bottom;
          move_to_origin_relative(0, 0);
        }
        return;
      }
      case 's':
        if (modes_.left_right_margins) {
          int left = p.count_at(0) - 1;
          int right = p.get(1, 0) == 0 ? cols_ - 1 : std::min(p.get(1, cols_) - 1, cols_ - 1);
          if (left < right) {
            margin_left_ = left;
            margin_right_ = right;
            move_to_origin_relative(0, 0);
          }
        } else {
          save_cursor();
        }
        return;
      case 't': window_ops(p); return;
      case 'u': restore_cursor(); return;
      default: return;
    }
  }

  if (prefix == '?' && inter == 0) {
    switch (final) {
      case 'h': set_mode(p, true); return;
      case 'l': set_mode(p, false); return;
      case 'J': erase_display(p.get(0, 0), true); return;
      case 'K': erase_line(p.get(0, 0), true); return;
      case 'n': report_device_status(p); return;
      case 'u': kitty_keyboard(p, final); return;
      default: return;
    }
  }
  if (prefix == '>' && inter == 0) {
    switch (final) {
      case 'c':  // DA2: a VT220-class terminal, firmware version, no options
        if (p.get(0, 0) == 0) reply("\x1b[>1;10;0c");
        return;
      case 'q':  // XTVERSION
        if (p.get(0, 0) == 0) reply("\x1bP>|cadence(" CADENCE_VT_VERSION ")\x1b\\");
        return;
      case 'u': kitty_keyboard(p, final); return;
      default: return;
    }
  }
  if (prefix == '=' && inter == 0) {
    if (final == 'c' && p.get(0, 0) == 0) reply("\x1bP!|00000000\x1b\\");  // DA3
    if (final == 'u') kitty_keyboard(p, final);
    return;
  }
  if (prefix == '<' && inter == 0 && final == 'u') {
    kitty_keyboard(p, final);
    return;
  }

  if (inter == ' ' && final == 'q' && prefix == 0) {  // DECSCUSR
    int style = p.get(0, 0);
    if (style > 6) return;
    if (style == 0) {  // back to the user's style
      cursor_shape_ = default_cursor_shape_;
      cursor_blink_style_ = default_cursor_blink_;
      cursor_style_from_program_ = false;
      return;
    }
    cursor_shape_ = style <= 2   ? CursorShape::block
                    : style <= 4 ? CursorShape::underline
                                 : CursorShape::bar;
    cursor_blink_style_ = style % 2 == 1;
    cursor_style_from_program_ = true;
    return;
  }
  if (inter == '!' && final == 'p') {  // DECSTR
    soft_reset();
    return;
  }
  if (inter == '"' && final == 'p') {  // DECSCL
    int level = p.get(0, 65);
    if (level >= 61 && level <= 65) conformance_level_ = level;
    return;
  }
  if (inter == '"' && final == 'q') {  // DECSCA
    int v = p.get(0, 0);
    if (v == 1)
      cursor_.pen.flags |= attr::protect;
    else if (v == 0 || v == 2)
      cursor_.pen.flags &= ~attr::protect;
    pen_id_valid_ = false;
    return;
  }
  if (inter == '$' && final == 'p') {  // DECRQM
    int mode = p.get(0, 0);
    int state = prefix == '?' ? dec_mode_state(mode) : ansi_mode_state(mode);
    reply(csi_reply(prefix == '?' ? "?%d;%d$y" : "%d;%d$y", mode, state));
    return;
  }
  if (inter == '*' && final == 'y' && prefix == 0) {
    request_checksum(p);
    return;
  }
}

void Terminal::repeat_last(int n) {
  if (!last_printed_ || !last_cell_valid_) return;
  n = std::min(n, kMaxRepeat);
  // Nothing written past the screen survives, so more than a screenful is wasted work.
  n = std::min(n, rows_ * cols_);
  char32_t cp = last_printed_;
  int width = last_printed_width_;
  for (int i = 0; i < n; ++i) {
    segmenter_.reset();
    put_char(cp, width);
  }
}

void Terminal::set_mode(const Params& p, bool on) {
  for (int i = 0; i < p.count; ++i) {
    if (p.sub[i]) continue;
    int mode = p.get(i, -1);
    if (mode < 0) continue;
    if (p.prefix == '?')
      set_dec_mode(mode, on);
    else
      set_ansi_mode(mode, on);
  }
}

void Terminal::set_ansi_mode(int mode, bool on) {
  switch (mode) {
    case 2: modes_.keyboard_locked = on; break;
    case 4: modes_.insert = on; break;
    case 12: modes_.send_receive = on; break;
    case 20: modes_.newline = on; break;
    default: break;
  }
}

void Terminal::set_dec_mode(int mode, bool on) {
  switch (mode) {
    case 1: modes_.cursor_keys_application = on; break;
    case 3:
      // DECCOLM changes nothing of the window size here (a window is the compositor's
      // to size); it clears the screen and resets margins as the VT100 did, only when
      // mode 40 allows it.
      if (modes_.allow_column_132) {
        modes_.column_132 = on;
        erase_display(2, false);
        scroll_top_ = 0;
        scroll_bottom_ = rows_ - 1;
        modes_.left_right_margins = false;
        move_to(0, 0);
      }
      break;
    case 4: modes_.smooth_scroll = on; break;
    case 5:
      if (modes_.reverse_video != on)
        for (int r = 0; r < rows_; ++r) touch(r);
      modes_.reverse_video = on;
      break;
    case 6:
      cursor_.origin = modes_.origin = on;
      move_to_origin_relative(0, 0);
      break;
    case 7: modes_.autowrap = on; break;
    case 8: modes_.autorepeat = on; break;
    case 9: modes_.mouse = on ? MouseTracking::x10 : MouseTracking::off; break;
    case 12: cursor_blink_style_ = modes_.cursor_blink = on; break;
    case 25: modes_.cursor_visible = on; break;
    case 40: modes_.allow_column_132 = on; break;
    case 45: modes_.reverse_wraparound = on; break;
    case 47: set_alt_screen(on, false, false); break;
    case 66: modes_.keypad_application = on; break;
    case 67: modes_.backarrow_sends_backspace = on; break;
    case 69:
      modes_.left_right_margins = on;
      if (!on) {
        margin_left_ = 0;
        margin_right_ = cols_ - 1;
      }
      break;
    case 1000: modes_.mouse = on ? MouseTracking::normal : MouseTracking::off; break;
    case 1002: modes_.mouse = on ? MouseTracking::button_event : MouseTracking::off; break;
    case 1003: modes_.mouse = on ? MouseTracking::any_event : MouseTracking::off; break;
    case 1004: modes_.focus_events = on; break;
    case 1005: modes_.mouse_encoding = on ? MouseEncoding::utf8 : MouseEncoding::x10; break;
    case 1006: modes_.mouse_encoding = on ? MouseEncoding::sgr : MouseEncoding::x10; break;
    case 1007: modes_.alternate_scroll = on; break;
    case 1015: modes_.mouse_encoding = on ? MouseEncoding::urxvt : MouseEncoding::x10; break;
    case 1016: modes_.mouse_encoding = on ? MouseEncoding::sgr_pixels : MouseEncoding::x10; break;
    case 1045: modes_.reverse_wraparound_extended = on; break;
    case 1047: set_alt_screen(on, !on, false); break;
    case 1048:
      if (on)
        save_cursor();
      else
        restore_cursor();
      break;
    case 1049:
      if (on) {
        save_cursor();
        set_alt_screen(true, true, false);
      } else {
        set_alt_screen(false, false, false);
        restore_cursor();
      }
      break;
    case 2004: modes_.bracketed_paste = on; break;
    case 2026: modes_.synchronized_output = on; break;
    case 2027: modes_.grapheme_clustering = on; break;
    default: break;
  }
}

// DECRQM answers: 0 not recognised, 1 set, 2 reset, 3 permanently set, 4 permanently reset.
int Terminal::ansi_mode_state(int mode) const {
  switch (mode) {
    case 2: return modes_.keyboard_locked ? 1 : 2;
    case 4: return modes_.insert ? 1 : 2;
    case 12: return modes_.send_receive ? 1 : 2;
    case 20: return modes_.newline ? 1 : 2;
    default: return 0;
  }
}

int Terminal::dec_mode_state(int mode) const {
  auto s = [](bool b) { return b ? 1 : 2; };
  switch (mode) {
    case 1: return s(modes_.cursor_keys_application);
    case 2: return s(modes_.ansi);
    case 3: return s(modes_.column_132);
    case 4: return s(modes_.smooth_scroll);
    case 5: return s(modes_.reverse_video);
    case 6: return s(cursor_.origin);
    case 7: return s(modes_.autowrap);
    case 8: return s(modes_.autorepeat);
    case 9: return s(modes_.mouse == MouseTracking::x10);
    case 12: return s(cursor_blink_style_);
    case 25: return s(modes_.cursor_visible);
    case 40: return s(modes_.allow_column_132);
    case 45: return s(modes_.reverse_wraparound);
    case 47: return s(is_alt_screen());
    case 66: return s(modes_.keypad_application);
    case 67: return s(modes_.backarrow_sends_backspace);
    case 69: return s(modes_.left_right_margins);
    case 1000: return s(modes_.mouse == MouseTracking::normal);
    case 1002: return s(modes_.mouse == MouseTracking::button_event);
    case 1003: return s(modes_.mouse == MouseTracking::any_event);
    case 1004: return s(modes_.focus_events);
    case 1005: return s(modes_.mouse_encoding == MouseEncoding::utf8);
    case 1006: return s(modes_.mouse_encoding == MouseEncoding::sgr);
    case 1007: return s(modes_.alternate_scroll);
    case 1015: return s(modes_.mouse_encoding == MouseEncoding::urxvt);
    case 1016: return s(modes_.mouse_encoding == MouseEncoding::sgr_pixels);
    case 1045: return s(modes_.reverse_wraparound_extended);
    case 1047: return s(is_alt_screen());
    case 1048: return 2;
    case 1049: return s(is_alt_screen());
    case 2004: return s(modes_.bracketed_paste);
    case 2026: return s(modes_.synchronized_output);
    case 2027: return s(modes_.grapheme_clustering);
    default: return 0;
  }
}

void Terminal::select_graphic_rendition(const Params& p) {
  Style& s = cursor_.pen;
  pen_id_valid_ = false;
  if (p.count == 0) {
    s = Style{};
    return;
  }
  for (int i = 0; i < p.count; ++i) {
    if (p.sub[i]) continue;  // a sub-parameter nobody claimed
    int v = p.get(i, 0);
    switch (v) {
      case 0: s = Style{}; break;
      case 1: s.flags |= attr::bold; break;
      case 2: s.flags |= attr::faint; break;
      case 3: s.flags |= attr::italic; break;
      case 4:
        if (i + 1 < p.count && p.sub[i + 1]) {
          int u = p.get(i + 1, 1);
          s.underline = u >= 0 && u <= 5 ? static_cast<UnderlineStyle>(u) : UnderlineStyle::single;
          ++i;
          while (i + 1 < p.count && p.sub[i + 1]) ++i;
        } else {
          s.underline = UnderlineStyle::single;
        }
        break;
      case 5: s.flags |= attr::blink; break;
      case 6: s.flags |= attr::rapid_blink; break;
      case 7: s.flags |= attr::inverse; break;
      case 8: s.flags |= attr::invisible; break;
      case 9: s.flags |= attr::strikethrough; break;
      case 10:
      case 11:
      case 12:
      case 13:
      case 14:
      case 15:
      case 16:
      case 17:
      case 18:
      case 19:
        s.flags =
            static_cast<uint16_t>((s.flags & ~attr::font_mask) | ((v - 10) << attr::font_shift));
        break;
      case 21: s.underline = UnderlineStyle::double_; break;
      case 22: s.flags &= ~(attr::bold | attr::faint); break;
      case 23: s.flags &= ~attr::italic; break;
      case 24: s.underline = UnderlineStyle::none; break;
      case 25: s.flags &= ~(attr::blink | attr::rapid_blink); break;
      case 27: s.flags &= ~attr::inverse; break;
      case 28: s.flags &= ~attr::invisible; break;
      case 29: s.flags &= ~attr::strikethrough; break;
      case 38: extended_color(p, i, s.fg); break;
      case 39: s.fg = Color{}; break;
      case 48: extended_color(p, i, s.bg); break;
      case 49: s.bg = Color{}; break;
      case 53: s.flags |= attr::overline; break;
      case 55: s.flags &= ~attr::overline; break;
      case 58: extended_color(p, i, s.underline_color); break;
      case 59: s.underline_color = Color{}; break;
      default:
        if (v >= 30 && v <= 37)
          s.fg = Color::indexed(static_cast<uint8_t>(v - 30));
        else if (v >= 40 && v <= 47)
          s.bg = Color::indexed(static_cast<uint8_t>(v - 40));
        else if (v >= 90 && v <= 97)
          s.fg = Color::indexed(static_cast<uint8_t>(v - 90 + 8));
        else if (v >= 100 && v <= 107)
          s.bg = Color::indexed(static_cast<uint8_t>(v - 100 + 8));
        break;
    }
  }
}

void Terminal::report_device_status(const Params& p) {
  int what = p.get(0, 0);
  int row = cursor_.row + 1 - (cursor_.origin ? scroll_top_ : 0);
  int col = cursor_.col + 1 - (cursor_.origin ? left_margin() : 0);
  if (p.prefix == '?') {
    if (what == 6)
      reply(csi_reply("?%d;%d;1R", row, col));
    else if (what == 15)
      reply("\x1b[?13n");  // no printer
    else if (what == 26)
      reply("\x1b[?27;1;0;0n");  // keyboard: North American
    return;
  }
  if (what == 5)
    reply("\x1b[0n");
  else if (what == 6)
    reply(csi_reply("%d;%dR", row, col));
}

// CSI t. Only size reports are answered: reports of titles or window positions leak
// data to whatever is running (a `cat` of a hostile file can read them back), so
// they are never sent.
void Terminal::window_ops(const Params& p) {
  switch (p.get(0, 0)) {
    case 18: reply(csi_reply("8;%d;%dt", rows_, cols_)); break;
    case 19: reply(csi_reply("9;%d;%dt", rows_, cols_)); break;
    case 14: reply(csi_reply("4;%d;%dt", rows_ * cell_height_px_, cols_ * cell_width_px_)); break;
    case 16: reply(csi_reply("6;%d;%dt", cell_height_px_, cell_width_px_)); break;
    case 22:
      if (title_stack_.size() >= static_cast<size_t>(kMaxTitleStack))
        title_stack_.erase(title_stack_.begin());
      title_stack_.emplace_back(title_, icon_title_);
      break;
    case 23:
      if (!title_stack_.empty()) {
        auto [title, icon] = title_stack_.back();
        title_stack_.pop_back();
        icon_title_ = icon;
        set_title(title, true, false);
      }
      break;
    default: break;
  }
}

// DECRQCRA: a checksum of a rectangle, computed as xterm does (the negated 16-bit sum of
// the cells' code points plus attribute bits), so test suites written against xterm agree.
void Terminal::request_checksum(const Params& p) {
  int id = p.get(0, 0);
  int top = p.count_at(2) - 1;
  int left = p.count_at(3) - 1;
  int bottom = p.get(4, 0) > 0 ? p.get(4, 0) - 1 : rows_ - 1;
  int right = p.get(5, 0) > 0 ? p.get(5, 0) - 1 : cols_ - 1;
  if (cursor_.origin) {
    top += scroll_top_;
    bottom += scroll_top_;
    left += left_margin();
    right += left_margin();
  }
  top = std::clamp(top, 0, rows_ - 1);
  bottom = std::clamp(bottom, 0, rows_ - 1);
  left = std::clamp(left, 0, cols_ - 1);
  right = std::clamp(right, 0, cols_ - 1);
  uint32_t sum = 0;
  for (int r = top; r <= bottom; ++r) {
    const Line& line = active().row(r);
    for (int c = left; c <= right; ++c) {
      const Cell& cell = line.cells[c];
      if (cell.is_wide_tail()) continue;
      char32_t cp = cell.cp == 0 ? U' ' : cell.is_cluster() ? clusters_.get(cell.cp)[0] : cell.cp;
      const Style& s = styles_.get(cell.style);
      sum += cp;
      if (s.has(attr::protect)) sum += 0x04;
      if (s.has(attr::invisible)) sum += 0x08;
      if (s.underline != UnderlineStyle::none) sum += 0x10;
      if (s.has(attr::inverse)) sum += 0x20;
      if (s.has(attr::blink)) sum += 0x40;
      if (s.has(attr::bold)) sum += 0x80;
    }
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "\x1bP%d!~%04X\x1b\\", id, (0u - sum) & 0xffff);
  reply(buf);
}

// The kitty keyboard protocol's flag stack: CSI > flags u pushes, CSI < n u pops,
// CSI = flags ; mode u modifies the top, CSI ? u reports it. Each screen has its own.
void Terminal::kitty_keyboard(const Params& p, uint8_t) {
  std::vector<int>& stack = is_alt_screen() ? kitty_flags_alt_ : kitty_flags_primary_;
  constexpr size_t kMaxDepth = 16;
  switch (p.prefix) {
    case '?': reply(csi_reply("?%du", stack.empty() ? 0 : stack.back())); break;
    case '>':
      if (stack.size() == kMaxDepth) stack.erase(stack.begin());
      stack.push_back(p.get(0, 0) & 0x1f);
      break;
    case '<': {
      size_t n = static_cast<size_t>(p.count_at(0));
      stack.resize(stack.size() > n ? stack.size() - n : 0);
      break;
    }
    case '=': {
      int flags = p.get(0, 0) & 0x1f;
      int mode = p.get(1, 1);
      if (stack.empty()) stack.push_back(0);
      int& top = stack.back();
      if (mode == 1)
        top = flags;
      else if (mode == 2)
        top |= flags;
      else if (mode == 3)
        top &= ~flags;
      break;
    }
    default: break;
  }
}

}  // namespace cadence::vt
