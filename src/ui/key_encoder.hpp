// Key events to the bytes a program in the terminal reads.
//
// Two encodings live here. The legacy one is xterm's (PC-style function keys, modifier
// parameter 1 + shift + 2·alt + 4·ctrl + 8·meta, SS3 forms under DECCKM and DECKPAM, C0
// bytes for Ctrl with the usual VT100 superset), which is what every program understands.
// The other is the kitty keyboard protocol, which a program opts into with CSI > flags u;
// the flags come from the terminal (Terminal::kitty_keyboard_flags) and select how much of
// it applies (sw.kovidgoyal.net/kitty/keyboard-protocol).
//
// The encoder is a pure function of the event and the modes: no xkb state, no window. The
// window resolves keysyms and text with xkbcommon and hands over a KeyEvent; this file
// needs only the keysym constants. Keysyms are mapped to code points here only for the
// Latin-1 and Unicode keysym ranges; the window may pass the exact code points (from
// xkb_keysym_to_utf32) in `unshifted_codepoint` / `base_layout_codepoint` for other
// layouts, which the kitty protocol uses as key numbers.
#pragma once

#include <cstdint>
#include <string>

namespace cadence::vt {
class Terminal;
}

namespace cadence::ui {

// Modifier bits, in the kitty protocol's order (its modifier field is 1 + these).
namespace mod {
constexpr uint32_t shift = 1, alt = 2, ctrl = 4, super = 8, hyper = 16, meta = 32, caps_lock = 64,
                   num_lock = 128;
}

enum class KeyAction : uint8_t { press, repeat, release };

struct KeyEvent {
  // The xkb keysym after modifiers (xkb_state_key_get_one_sym).
  uint32_t keysym = 0;
  // The keysym at shift level 0 of the same key: the kitty key number, and the fallback
  // for Ctrl combinations whose shifted symbol has no control code (Ctrl+Shift+2 on a
  // layout where Shift+2 is '"').
  uint32_t unshifted_keysym = 0;
  // mod:: bits. For a modifier key itself, the state including this event's effect
  // (pressing Control_L sets ctrl, releasing it clears it), as the kitty protocol asks.
  uint32_t mods = 0;
  // The UTF-8 text xkb produced, composed text included; may be empty.
  std::string text;
  KeyAction action = KeyAction::press;
  // Optional: the code point of unshifted_keysym, when the window knows it (any layout).
  // Zero: derived here from Latin-1 and Unicode keysyms.
  uint32_t unshifted_codepoint = 0;
  // Optional: the code point of this key in the US layout (kitty's base layout key).
  uint32_t base_layout_codepoint = 0;
};

struct KeyModes {
  bool cursor_keys_application = false;    // DECCKM
  bool keypad_application = false;         // DECKPAM / DECNKM
  bool backarrow_sends_backspace = false;  // DECBKM: BackSpace sends BS, not DEL
  int kitty_flags = 0;                     // kitty progressive enhancement flags (0..31)
  bool alt_sends_escape = true;            // Alt+key as ESC key (a setting, not a mode)
  bool newline = false;                    // LNM: Return sends CR LF
};

KeyModes key_modes_from(const vt::Terminal& terminal);

// The bytes to write to the pty; empty when nothing is sent (a release without kitty flag
// 2, a bare modifier without flag 8, a key with no meaning in the active encoding).
std::string encode_key(const KeyEvent& event, const KeyModes& modes);

}  // namespace cadence::ui
