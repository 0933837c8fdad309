// Mouse reports (xterm's ctlseqs, "Mouse Tracking").
//
// The button byte is built once: 0..2 for the buttons, 3 for "released" in the encodings
// that cannot say which button was let go, +64 for wheel notches, +128 for buttons 8..11,
// +32 for motion, and +4/+8/+16 for Shift/Meta/Ctrl. The encodings differ only in how
// they write that byte and the 1-based coordinates.
#include "ui/mouse_encoder.hpp"

#include "ui/key_encoder.hpp"
#include "vt/utf8.hpp"

namespace cadence::ui {

namespace {

// The button's number in the report, without motion or modifier bits; -1 if none.
int button_code(int button, bool wheel) {
  if (wheel) return button >= 4 && button <= 7 ? 64 + (button - 4) : -1;
  if (button >= 0 && button <= 2) return button;
  if (button >= 8 && button <= 11) return 128 + (button - 8);
  return -1;
}

void append_sgr(std::string& out, int cb, int x, int y, bool release) {
  out += "\x1b[<";
  out += std::to_string(cb);
  out += ';';
  out += std::to_string(x);
  out += ';';
  out += std::to_string(y);
  out += release ? 'm' : 'M';
}

}  // namespace

std::string encode_mouse(const MouseEvent& e, const vt::Modes& modes) {
  using vt::MouseEncoding;
  using vt::MouseTracking;
  const MouseTracking tracking = modes.mouse;
  if (tracking == MouseTracking::off) return {};
  const bool x10_mode = tracking == MouseTracking::x10;

  switch (e.kind) {
    case MouseEvent::press:
    case MouseEvent::wheel: break;
    case MouseEvent::release:
      if (x10_mode) return {};
      break;
    case MouseEvent::motion:
      if (tracking == MouseTracking::any_event) break;
      if (tracking == MouseTracking::button_event && e.buttons_held) break;
      return {};
  }

  const bool sgr = modes.mouse_encoding == MouseEncoding::sgr ||
                   modes.mouse_encoding == MouseEncoding::sgr_pixels;
  int cb;
  if (e.kind == MouseEvent::motion) {
    int held = e.buttons_held ? button_code(e.button, false) : -1;
    cb = (held < 0 ? 3 : held) + 32;
  } else {
    cb = button_code(e.button, e.kind == MouseEvent::wheel);
    if (cb < 0) return {};
    // Only SGR says which button was released; the others send "released" (3).
    if (e.kind == MouseEvent::release && !sgr) cb = 3;
  }
  // X10 compatibility mode reports no modifiers.
  if (!x10_mode) {
    if (e.mods & mod::shift) cb += 4;
    if (e.mods & (mod::alt | mod::meta)) cb += 8;
    if (e.mods & mod::ctrl) cb += 16;
  }

  const int x = e.col + 1, y = e.row + 1;
  if (x < 1 || y < 1) return {};
  std::string out;
  switch (modes.mouse_encoding) {
    case MouseEncoding::x10: {
      // One byte each, offset by 32: columns and rows past 223 cannot be sent.
      if (cb + 32 > 255 || x + 32 > 255 || y + 32 > 255) return {};
      out = "\x1b[M";
      out.push_back(static_cast<char>(cb + 32));
      out.push_back(static_cast<char>(x + 32));
      out.push_back(static_cast<char>(y + 32));
      return out;
    }
    case MouseEncoding::utf8: {
      // The same values as UTF-8 characters, which reach 2047 (2015 cells).
      if (cb + 32 >= 0x800 || x + 32 >= 0x800 || y + 32 >= 0x800) return {};
      out = "\x1b[M";
      vt::append_utf8(out, static_cast<char32_t>(cb + 32));
      vt::append_utf8(out, static_cast<char32_t>(x + 32));
      vt::append_utf8(out, static_cast<char32_t>(y + 32));
      return out;
    }
    case MouseEncoding::sgr: append_sgr(out, cb, x, y, e.kind == MouseEvent::release); return out;
    case MouseEncoding::sgr_pixels:
      if (e.x_px < 0 || e.y_px < 0) return {};
      append_sgr(out, cb, e.x_px + 1, e.y_px + 1, e.kind == MouseEvent::release);
      return out;
    case MouseEncoding::urxvt:
      out = "\x1b[" + std::to_string(cb + 32) + ";" + std::to_string(x) + ";" + std::to_string(y) +
            "M";
      return out;
  }
  return {};
}

std::string encode_focus(bool focused) { return focused ? "\x1b[I" : "\x1b[O"; }

std::string encode_focus(bool focused, const vt::Modes& modes) {
  return modes.focus_events ? encode_focus(focused) : std::string();
}

std::string encode_alternate_scroll(const MouseEvent& wheel, const vt::Modes& modes, int lines) {
  if (wheel.kind != MouseEvent::wheel || !modes.alternate_scroll || !modes.alt_screen ||
      modes.mouse != vt::MouseTracking::off)
    return {};
  char final;
  if (wheel.button == 4)
    final = 'A';
  else if (wheel.button == 5)
    final = 'B';
  else
    return {};
  std::string key = modes.cursor_keys_application ? "\x1bO" : "\x1b[";
  key.push_back(final);
  std::string out;
  for (int i = 0; i < lines; ++i) out += key;
  return out;
}

}  // namespace cadence::ui
