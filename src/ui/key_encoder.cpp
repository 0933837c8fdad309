// Key encoding: xterm's legacy forms and the kitty keyboard protocol.
//
// The kitty path decides, per event, between three outcomes the spec allows: the text
// itself (a text key without modifiers other than Shift, unless flag 8 asks for every key
// as an escape code), the legacy bytes (Enter, Tab and Backspace without modifiers stay
// legacy under flag 1 so a user can still type `reset` after a program died in that
// mode), and the escape code. Flags 4 and 16 only add fields to an event that is
// already an escape code; flag 2 adds the releases (a text key's included, since only an
// escape code can say "released") and marks repeats of keys that were escape codes
// anyway. Flags 2, 4 or 16 without flags 1 or 8 would be odd, but are well defined here:
// presses stay legacy and only the repeat and release events, which legacy cannot
// express, become escape codes.
#include "ui/key_encoder.hpp"

#include <xkbcommon/xkbcommon-keysyms.h>

#include <array>

#include "vt/terminal.hpp"
#include "vt/utf8.hpp"

namespace cadence::ui {

KeyModes key_modes_from(const vt::Terminal& terminal) {
  const vt::Modes& m = terminal.modes();
  KeyModes k;
  k.cursor_keys_application = m.cursor_keys_application;
  k.keypad_application = m.keypad_application;
  k.backarrow_sends_backspace = m.backarrow_sends_backspace;
  k.kitty_flags = terminal.kitty_keyboard_flags();
  k.newline = m.newline;
  return k;
}

namespace {

constexpr std::string_view kCsi = "\x1b[";
constexpr std::string_view kSs3 = "\x1bO";
constexpr uint32_t kLocks = mod::caps_lock | mod::num_lock;

namespace kitty {
constexpr int disambiguate = 1, report_events = 2, report_alternates = 4, report_all = 8,
              report_text = 16;
}

// How a functional key is written under the kitty protocol: `CSI number u`,
// `CSI number ~`, or `CSI 1 letter` (the number omitted without modifiers).
struct KittyKey {
  uint32_t number = 0;
  char final = 0;  // 'u', '~' or a letter; 0 = not a functional key
  bool modifier = false;
};

KittyKey kitty_functional(uint32_t ks) {
  switch (ks) {
    case XKB_KEY_Escape: return {27, 'u'};
    case XKB_KEY_Return: return {13, 'u'};
    case XKB_KEY_Tab:
    case XKB_KEY_ISO_Left_Tab:
    case XKB_KEY_KP_Tab: return {9, 'u'};
    case XKB_KEY_BackSpace: return {127, 'u'};
    case XKB_KEY_Insert: return {2, '~'};
    case XKB_KEY_Delete: return {3, '~'};
    case XKB_KEY_Left: return {1, 'D'};
    case XKB_KEY_Right: return {1, 'C'};
    case XKB_KEY_Up: return {1, 'A'};
    case XKB_KEY_Down: return {1, 'B'};
    case XKB_KEY_Page_Up: return {5, '~'};
    case XKB_KEY_Page_Down: return {6, '~'};
    case XKB_KEY_Home: return {1, 'H'};
    case XKB_KEY_End: return {1, 'F'};
    case XKB_KEY_Caps_Lock: return {57358, 'u', true};
    case XKB_KEY_Scroll_Lock: return {57359, 'u', true};
    case XKB_KEY_Num_Lock: return {57360, 'u', true};
    case XKB_KEY_Print: return {57361, 'u'};
    case XKB_KEY_Pause: return {57362, 'u'};
    case XKB_KEY_Menu: return {57363, 'u'};
    case XKB_KEY_F1:
    case XKB_KEY_KP_F1: return {1, 'P'};
    case XKB_KEY_F2:
    case XKB_KEY_KP_F2: return {1, 'Q'};
    // The spec dropped CSI 1;m R for F3: it is a cursor position report.
    case XKB_KEY_F3:
    case XKB_KEY_KP_F3: return {13, '~'};
    case XKB_KEY_F4:
    case XKB_KEY_KP_F4: return {1, 'S'};
    case XKB_KEY_F5: return {15, '~'};
    case XKB_KEY_F6: return {17, '~'};
    case XKB_KEY_F7: return {18, '~'};
    case XKB_KEY_F8: return {19, '~'};
    case XKB_KEY_F9: return {20, '~'};
    case XKB_KEY_F10: return {21, '~'};
    case XKB_KEY_F11: return {23, '~'};
    case XKB_KEY_F12: return {24, '~'};
    case XKB_KEY_KP_Decimal: return {57409, 'u'};
    case XKB_KEY_KP_Divide: return {57410, 'u'};
    case XKB_KEY_KP_Multiply: return {57411, 'u'};
    case XKB_KEY_KP_Subtract: return {57412, 'u'};
    case XKB_KEY_KP_Add: return {57413, 'u'};
    case XKB_KEY_KP_Enter: return {57414, 'u'};
    case XKB_KEY_KP_Equal: return {57415, 'u'};
    case XKB_KEY_KP_Separator: return {57416, 'u'};
    case XKB_KEY_KP_Left: return {57417, 'u'};
    case XKB_KEY_KP_Right: return {57418, 'u'};
    case XKB_KEY_KP_Up: return {57419, 'u'};
    case XKB_KEY_KP_Down: return {57420, 'u'};
    case XKB_KEY_KP_Page_Up: return {57421, 'u'};
    case XKB_KEY_KP_Page_Down: return {57422, 'u'};
    case XKB_KEY_KP_Home: return {57423, 'u'};
    case XKB_KEY_KP_End: return {57424, 'u'};
    case XKB_KEY_KP_Insert: return {57425, 'u'};
    case XKB_KEY_KP_Delete: return {57426, 'u'};
    case XKB_KEY_Begin:
    case XKB_KEY_KP_Begin: return {1, 'E'};
    case XKB_KEY_XF86AudioPlay: return {57428, 'u'};
    case XKB_KEY_XF86AudioPause: return {57429, 'u'};
    case XKB_KEY_XF86AudioStop: return {57432, 'u'};
    case XKB_KEY_XF86AudioForward: return {57433, 'u'};
    case XKB_KEY_XF86AudioRewind: return {57434, 'u'};
    case XKB_KEY_XF86AudioNext: return {57435, 'u'};
    case XKB_KEY_XF86AudioPrev: return {57436, 'u'};
    case XKB_KEY_XF86AudioRecord: return {57437, 'u'};
    case XKB_KEY_XF86AudioLowerVolume: return {57438, 'u'};
    case XKB_KEY_XF86AudioRaiseVolume: return {57439, 'u'};
    case XKB_KEY_XF86AudioMute: return {57440, 'u'};
    case XKB_KEY_Shift_L: return {57441, 'u', true};
    case XKB_KEY_Control_L: return {57442, 'u', true};
    case XKB_KEY_Alt_L: return {57443, 'u', true};
    case XKB_KEY_Super_L: return {57444, 'u', true};
    case XKB_KEY_Hyper_L: return {57445, 'u', true};
    case XKB_KEY_Meta_L: return {57446, 'u', true};
    case XKB_KEY_Shift_R: return {57447, 'u', true};
    case XKB_KEY_Control_R: return {57448, 'u', true};
    case XKB_KEY_Alt_R: return {57449, 'u', true};
    case XKB_KEY_Super_R: return {57450, 'u', true};
    case XKB_KEY_Hyper_R: return {57451, 'u', true};
    case XKB_KEY_Meta_R: return {57452, 'u', true};
    case XKB_KEY_ISO_Level3_Shift: return {57453, 'u', true};
    case XKB_KEY_ISO_Level5_Shift: return {57454, 'u', true};
    default: break;
  }
  if (ks >= XKB_KEY_F13 && ks <= XKB_KEY_F35) return {57376 + (ks - XKB_KEY_F13), 'u'};
  if (ks >= XKB_KEY_KP_0 && ks <= XKB_KEY_KP_9) return {57399 + (ks - XKB_KEY_KP_0), 'u'};
  return {};
}

// Lock keys and modifiers that xkb reports as keysyms but that send nothing in legacy.
bool is_modifier_keysym(uint32_t ks) {
  return (ks >= XKB_KEY_Shift_L && ks <= XKB_KEY_Hyper_R) ||
         (ks >= XKB_KEY_ISO_Lock && ks <= XKB_KEY_ISO_Level5_Lock) || ks == XKB_KEY_Num_Lock ||
         ks == XKB_KEY_Scroll_Lock || ks == XKB_KEY_Mode_switch;
}

// The code point of a keysym in the Latin-1 or Unicode keysym ranges; 0 otherwise.
uint32_t keysym_codepoint(uint32_t ks) {
  if ((ks >= 0x20 && ks <= 0x7e) || (ks >= 0xa0 && ks <= 0xff)) return ks;
  if (ks >= 0x01000100 && ks <= 0x0110ffff) return ks - 0x01000000;
  return 0;
}

// Decodes UTF-8 into code points; false if the text is not valid UTF-8.
bool decode_utf8(std::string_view s, std::u32string& out) {
  out.clear();
  size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80             ? 1
              : (b & 0xe0) == 0xc0 ? 2
              : (b & 0xf0) == 0xe0 ? 3
              : (b & 0xf8) == 0xf0 ? 4
                                   : 0;
    if (len == 0 || i + len > s.size()) return false;
    char32_t cp = len == 1 ? b : b & (0x7f >> len);
    for (int k = 1; k < len; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    out.push_back(cp);
    i += len;
  }
  return true;
}

bool is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f); }

// Text that may be sent as typed: valid UTF-8 with no control characters. xkb's text for
// Ctrl+a is "\x01" and for Return "\r"; those go through the key tables instead.
bool printable_text(std::string_view text, std::u32string& cps) {
  if (text.empty() || !decode_utf8(text, cps)) return false;
  for (char32_t cp : cps)
    if (is_control(cp)) return false;
  return true;
}

// What Ctrl does to an ASCII key (the VT100 table and its common superset); -1 when Ctrl
// leaves the key alone.
int ctrl_byte(uint32_t cp) {
  if (cp >= 'a' && cp <= 'z') return static_cast<int>(cp - 'a' + 1);
  if (cp >= 'A' && cp <= 'Z') return static_cast<int>(cp - 'A' + 1);
  switch (cp) {
    case ' ':
    case '@':
    case '2': return 0;
    case '[':
    case '3': return 27;
    case '\\':
    case '4': return 28;
    case ']':
    case '5': return 29;
    case '^':
    case '~':
    case '6': return 30;
    case '_':
    case '/':
    case '7': return 31;
    case '?':
    case '8': return 127;
    default: return -1;
  }
}

// xterm's modifier parameter: 1 + shift + 2·alt + 4·ctrl + 8·meta (Super counts as meta).
int xterm_modifier(uint32_t mods) {
  int m = 0;
  if (mods & mod::shift) m |= 1;
  if (mods & mod::alt) m |= 2;
  if (mods & mod::ctrl) m |= 4;
  if (mods & (mod::meta | mod::super)) m |= 8;
  return m + 1;
}

// CSI 1;m X with modifiers, else CSI X or (application cursor keys) SS3 X.
std::string cursor_form(char final, int m, bool ss3) {
  std::string out;
  if (m > 1) {
    out.append(kCsi).append("1;").append(std::to_string(m));
  } else {
    out.append(ss3 ? kSs3 : kCsi);
  }
  out.push_back(final);
  return out;
}

std::string tilde_form(int number, int m) {
  std::string out(kCsi);
  out += std::to_string(number);
  if (m > 1) out.append(";").append(std::to_string(m));
  out.push_back('~');
  return out;
}

std::string legacy_text_key(const KeyEvent& ev, const KeyModes& modes) {
  std::string prefix = (ev.mods & (mod::alt | mod::meta)) && modes.alt_sends_escape ? "\x1b" : "";
  if (ev.mods & mod::ctrl) {
    int c = ctrl_byte(keysym_codepoint(ev.keysym));
    if (c < 0) c = ctrl_byte(keysym_codepoint(ev.unshifted_keysym));
    // On a non-Latin layout Ctrl+C should still interrupt: use the key's US-layout symbol.
    if (c < 0 && ev.base_layout_codepoint) c = ctrl_byte(ev.base_layout_codepoint);
    if (c >= 0) return prefix + static_cast<char>(c);
  }
  std::u32string cps;
  if (printable_text(ev.text, cps)) return prefix + ev.text;
  // No text (a keysym xkb gives no string for): a Latin-1 or Unicode keysym still has one.
  if (ev.text.empty()) {
    uint32_t cp = keysym_codepoint(ev.keysym);
    if (cp) {
      vt::append_utf8(prefix, cp);
      return prefix;
    }
  }
  return {};
}

// The application keypad's SS3 finals (xterm, VT100 DECKPAM).
char keypad_application_final(uint32_t ks) {
  if (ks >= XKB_KEY_KP_0 && ks <= XKB_KEY_KP_9) return static_cast<char>('p' + (ks - XKB_KEY_KP_0));
  switch (ks) {
    case XKB_KEY_KP_Enter: return 'M';
    case XKB_KEY_KP_Multiply: return 'j';
    case XKB_KEY_KP_Add: return 'k';
    case XKB_KEY_KP_Separator: return 'l';
    case XKB_KEY_KP_Subtract: return 'm';
    case XKB_KEY_KP_Decimal: return 'n';
    case XKB_KEY_KP_Divide: return 'o';
    case XKB_KEY_KP_Equal: return 'X';
    case XKB_KEY_KP_Space: return ' ';
    case XKB_KEY_KP_Tab: return 'I';
    default: return 0;
  }
}

char keypad_numeric_char(uint32_t ks) {
  if (ks >= XKB_KEY_KP_0 && ks <= XKB_KEY_KP_9) return static_cast<char>('0' + (ks - XKB_KEY_KP_0));
  switch (ks) {
    case XKB_KEY_KP_Multiply: return '*';
    case XKB_KEY_KP_Add: return '+';
    case XKB_KEY_KP_Separator: return ',';
    case XKB_KEY_KP_Subtract: return '-';
    case XKB_KEY_KP_Decimal: return '.';
    case XKB_KEY_KP_Divide: return '/';
    case XKB_KEY_KP_Equal: return '=';
    case XKB_KEY_KP_Space: return ' ';
    default: return 0;
  }
}

std::string legacy(const KeyEvent& ev, const KeyModes& modes) {
  const uint32_t ks = ev.keysym;
  if (is_modifier_keysym(ks)) return {};
  const int m = xterm_modifier(ev.mods);
  const bool alt = (ev.mods & (mod::alt | mod::meta)) && modes.alt_sends_escape;
  const std::string esc = alt ? "\x1b" : "";
  const bool app_cursor = modes.cursor_keys_application;

  switch (ks) {
    case XKB_KEY_Return: return esc + (modes.newline ? "\r\n" : "\r");
    case XKB_KEY_KP_Enter:
      if (modes.keypad_application) return std::string(kSs3) + 'M';
      return esc + (modes.newline ? "\r\n" : "\r");
    case XKB_KEY_Tab:
    case XKB_KEY_KP_Tab:
      if (ks == XKB_KEY_KP_Tab && modes.keypad_application) return std::string(kSs3) + 'I';
      if (ev.mods & mod::shift) return esc + std::string(kCsi) + 'Z';
      return esc + '\t';
    case XKB_KEY_ISO_Left_Tab: return esc + std::string(kCsi) + 'Z';
    case XKB_KEY_BackSpace: {
      bool bs = modes.backarrow_sends_backspace;
      if (ev.mods & mod::ctrl) bs = !bs;
      return esc + (bs ? '\x08' : '\x7f');
    }
    case XKB_KEY_Escape: return esc + '\x1b';
    case XKB_KEY_Up:
    case XKB_KEY_KP_Up: return cursor_form('A', m, app_cursor);
    case XKB_KEY_Down:
    case XKB_KEY_KP_Down: return cursor_form('B', m, app_cursor);
    case XKB_KEY_Right:
    case XKB_KEY_KP_Right: return cursor_form('C', m, app_cursor);
    case XKB_KEY_Left:
    case XKB_KEY_KP_Left: return cursor_form('D', m, app_cursor);
    case XKB_KEY_Home:
    case XKB_KEY_KP_Home: return cursor_form('H', m, app_cursor);
    case XKB_KEY_End:
    case XKB_KEY_KP_End: return cursor_form('F', m, app_cursor);
    case XKB_KEY_Begin:
    case XKB_KEY_KP_Begin: return cursor_form('E', m, app_cursor);
    case XKB_KEY_Insert:
    case XKB_KEY_KP_Insert: return tilde_form(2, m);
    case XKB_KEY_Delete:
    case XKB_KEY_KP_Delete: return tilde_form(3, m);
    case XKB_KEY_Page_Up:
    case XKB_KEY_KP_Page_Up: return tilde_form(5, m);
    case XKB_KEY_Page_Down:
    case XKB_KEY_KP_Page_Down: return tilde_form(6, m);
    case XKB_KEY_Menu: return tilde_form(29, m);
    default: break;
  }

  // F1..F4 are SS3 P..S (PF1..PF4), CSI 1;m P..S with modifiers; F5..F12 the VT220 numbers.
  // xterm's PC keyboard sends F13..F24 as Shift+F1..F12.
  static constexpr std::array<int, 12> kFNumbers = {11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 23, 24};
  int fkey = -1, fm = m;
  if (ks >= XKB_KEY_F1 && ks <= XKB_KEY_F12) fkey = static_cast<int>(ks - XKB_KEY_F1);
  if (ks >= XKB_KEY_KP_F1 && ks <= XKB_KEY_KP_F4) fkey = static_cast<int>(ks - XKB_KEY_KP_F1);
  if (ks >= XKB_KEY_F13 && ks <= XKB_KEY_F24) {
    fkey = static_cast<int>(ks - XKB_KEY_F13);
    fm = xterm_modifier(ev.mods | mod::shift);
  }
  if (fkey >= 0) {
    if (fkey < 4) {
      if (fm > 1) return cursor_form(static_cast<char>('P' + fkey), fm, false);
      return std::string(kSs3) + static_cast<char>('P' + fkey);
    }
    return tilde_form(kFNumbers[static_cast<size_t>(fkey)], fm);
  }

  if ((ks >= XKB_KEY_KP_Space && ks <= XKB_KEY_KP_Equal)) {
    if (modes.keypad_application) {
      char f = keypad_application_final(ks);
      if (f) return std::string(kSs3) + f;
    }
    char c = keypad_numeric_char(ks);
    if (c) return esc + c;
  }
  return legacy_text_key(ev, modes);
}

void append_codepoints(std::string& out, const std::u32string& cps) {
  for (size_t i = 0; i < cps.size(); ++i) {
    if (i) out.push_back(':');
    out += std::to_string(static_cast<uint32_t>(cps[i]));
  }
}

uint32_t ascii_lower(uint32_t cp) { return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp; }

}  // namespace

std::string encode_key(const KeyEvent& ev, const KeyModes& modes) {
  const int flags = modes.kitty_flags & 31;
  if (flags == 0) return ev.action == KeyAction::release ? std::string() : legacy(ev, modes);

  const bool report_all = flags & kitty::report_all;
  const bool report_events = flags & kitty::report_events;
  if (ev.action == KeyAction::release && !report_events) return {};

  KittyKey key = kitty_functional(ev.keysym);
  const bool functional = key.final != 0;
  if (key.modifier && !report_all) return {};

  std::u32string text_cps;
  const bool has_text = printable_text(ev.text, text_cps);
  const bool event_type = report_events && ev.action != KeyAction::press;

  if (!report_all) {
    // A text key with at most Shift (and the locks) is its text, for presses and repeats.
    if (ev.action != KeyAction::release && has_text && (ev.mods & ~(mod::shift | kLocks)) == 0)
      return ev.text;
    const uint32_t ks = ev.keysym;
    if (ks == XKB_KEY_Return || ks == XKB_KEY_Tab || ks == XKB_KEY_ISO_Left_Tab ||
        ks == XKB_KEY_BackSpace) {
      if (ev.action == KeyAction::release) return {};
      if ((ev.mods & ~kLocks) == 0) return legacy(ev, modes);
    }
    if (!(flags & kitty::disambiguate) && !event_type) return legacy(ev, modes);
  }

  uint32_t number = key.number;
  uint32_t shifted = 0;
  if (!functional) {
    number =
        ev.unshifted_codepoint ? ev.unshifted_codepoint : keysym_codepoint(ev.unshifted_keysym);
    if (!number) number = keysym_codepoint(ev.keysym);
    number = ascii_lower(number);
    if (ev.mods & mod::shift) {
      uint32_t s = keysym_codepoint(ev.keysym);
      if (s && s != number) shifted = s;
    }
    // Nothing to name the key by and no text to carry: there is no event to report.
    if (!number && !has_text) return {};
  }

  // Lock modifiers are left out for text keys unless every key is reported, so that a
  // program using only part of the protocol still sees plain Ctrl+a with Caps Lock on.
  uint32_t mods = ev.mods & 0xff;
  if (!functional && !report_all) mods &= ~kLocks;
  const uint32_t m = mods + 1;

  std::string out(kCsi);
  std::string mod_field;
  if (m != 1 || event_type) {
    mod_field = std::to_string(m);
    if (event_type) mod_field += ev.action == KeyAction::repeat ? ":2" : ":3";
  }

  if (key.final == 0 || key.final == 'u') {
    out += std::to_string(number);
    if ((flags & kitty::report_alternates) && !functional) {
      uint32_t base = ev.base_layout_codepoint;
      if (base == number) base = 0;
      if (shifted || base) {
        out.push_back(':');
        if (shifted) out += std::to_string(shifted);
        if (base) out.append(":").append(std::to_string(base));
      }
    }
    const bool with_text =
        (flags & kitty::report_text) && has_text && ev.action != KeyAction::release;
    if (!mod_field.empty() || with_text) out.append(";").append(mod_field);
    if (with_text) {
      out.push_back(';');
      append_codepoints(out, text_cps);
    }
    out.push_back('u');
    return out;
  }
  if (key.final == '~') {
    out += std::to_string(number);
    if (!mod_field.empty()) out.append(";").append(mod_field);
    out.push_back('~');
    return out;
  }
  if (!mod_field.empty()) out.append("1;").append(mod_field);
  out.push_back(key.final);
  return out;
}

}  // namespace cadence::ui
