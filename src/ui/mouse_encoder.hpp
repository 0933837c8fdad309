// Mouse, focus and wheel events to the bytes a program in the terminal reads.
//
// What is reported depends on the tracking mode a program set (9 x10, 1000 normal, 1002
// button-event, 1003 any-event) and how on the encoding (default x10 bytes, 1005 UTF-8,
// 1006 SGR, 1015 urxvt, 1016 SGR pixels), all as xterm does them (ctlseqs, "Mouse
// Tracking"). Coordinates that an encoding cannot express are not sent at all: a wrong
// position is worse than a lost click.
#pragma once

#include <cstdint>
#include <string>

#include "vt/modes.hpp"

namespace cadence::ui {

struct MouseEvent {
  enum Kind { press, release, motion, wheel };
  Kind kind = press;
  // press/release/motion: 0 left, 1 middle, 2 right, 8..11 extra buttons; for motion the
  // button held (ignored when buttons_held is false). wheel: 4 up, 5 down, 6 left, 7 right.
  int button = 0;
  int col = 0, row = 0;    // 0-based cell
  int x_px = 0, y_px = 0;  // 0-based pixel within the text area (for 1016)
  uint32_t mods = 0;       // ui::mod bits: shift, alt, ctrl count; meta counts as alt
  bool buttons_held = false;
};

// Bytes for the event, or empty when tracking is off or this mode does not report it.
std::string encode_mouse(const MouseEvent& event, const vt::Modes& modes);

// CSI I (focus in) or CSI O (focus out), for a program that set mode 1004.
std::string encode_focus(bool focused);
// The same, but empty unless the program asked for focus events.
std::string encode_focus(bool focused, const vt::Modes& modes);

// Mode 1007: on the alternate screen without mouse tracking, the wheel sends cursor-up or
// cursor-down keys (SS3 form under DECCKM) so pagers and editors scroll; `lines` keys per
// notch. Empty when the mode does not apply, in which case the wheel scrolls history.
std::string encode_alternate_scroll(const MouseEvent& wheel, const vt::Modes& modes, int lines = 1);

}  // namespace cadence::ui
