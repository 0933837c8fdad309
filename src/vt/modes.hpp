// Terminal modes the core tracks, ANSI (SM/RM) and DEC private (DECSET/DECRST).
#pragma once

#include <cstdint>

namespace cadence::vt {

enum class MouseTracking : uint8_t { off, x10, normal, button_event, any_event };
enum class MouseEncoding : uint8_t { x10, utf8, sgr, urxvt, sgr_pixels };
enum class CursorShape : uint8_t { block, underline, bar };

struct Modes {
  // ANSI
  bool keyboard_locked = false;  // KAM 2
  bool insert = false;           // IRM 4
  bool send_receive = true;      // SRM 12 (set = no local echo)
  bool newline = false;          // LNM 20
  // DEC private
  bool cursor_keys_application = false;  // DECCKM 1
  bool ansi = true;                      // DECANM 2
  bool column_132 = false;               // DECCOLM 3
  bool smooth_scroll = false;            // DECSCLM 4
  bool reverse_video = false;            // DECSCNM 5
  bool origin = false;                   // DECOM 6
  bool autowrap = true;                  // DECAWM 7
  bool autorepeat = true;                // DECARM 8
  bool cursor_blink = false;             // 12 (att610)
  bool cursor_visible = true;            // DECTCEM 25
  bool allow_column_132 = false;         // 40
  bool reverse_wraparound = false;       // 45: BS/CUB onto the soft-wrapped row above
  // 1045: BS/CUB onto any row above, and from the top margin on to the bottom one
  bool reverse_wraparound_extended = false;
  bool left_right_margins = false;         // DECLRMM 69
  bool keypad_application = false;         // DECNKM 66 / DECKPAM
  bool backarrow_sends_backspace = false;  // DECBKM 67
  bool alt_screen = false;                 // 47 / 1047 / 1049
  bool focus_events = false;               // 1004
  bool alternate_scroll = false;           // 1007
  bool bracketed_paste = false;            // 2004
  bool synchronized_output = false;        // 2026
  bool grapheme_clustering = true;         // 2027
  MouseTracking mouse = MouseTracking::off;
  MouseEncoding mouse_encoding = MouseEncoding::x10;
};

}  // namespace cadence::vt
