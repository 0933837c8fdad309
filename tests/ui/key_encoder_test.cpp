// Key encoding against xterm's documented behaviour (ctlseqs, PC-style function keys) and
// the kitty keyboard protocol specification.
#include "ui/key_encoder.hpp"

#include <gtest/gtest.h>
#include <xkbcommon/xkbcommon-keysyms.h>

#include <string>
#include <vector>

#include "vt/terminal.hpp"

namespace cadence::ui {
namespace {

using namespace std::string_literals;

// A key event the way the window builds it. Text defaults to what xkb would give for a
// plain ASCII keysym (no Ctrl translation: the encoder does that from the keysym).
KeyEvent key(uint32_t keysym, uint32_t mods = 0, std::string text = {}, uint32_t unshifted = 0) {
  KeyEvent e;
  e.keysym = keysym;
  e.unshifted_keysym = unshifted ? unshifted : keysym;
  e.mods = mods;
  e.text = std::move(text);
  return e;
}

KeyEvent letter(char c, uint32_t mods = 0) {
  // Shift gives the upper-case keysym and text, as xkb does on a US layout.
  char shown = (mods & mod::shift) && c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
  std::string text(1, shown);
  if (mods & mod::ctrl) text = std::string(1, static_cast<char>(c & 0x1f));
  return key(static_cast<uint32_t>(shown), mods, text, static_cast<uint32_t>(c));
}

KeyEvent with_action(KeyEvent e, KeyAction a) {
  e.action = a;
  if (a == KeyAction::release) e.text.clear();  // xkb gives releases no text
  return e;
}

KeyModes legacy() { return KeyModes{}; }
KeyModes kitty(int flags) {
  KeyModes m;
  m.kitty_flags = flags;
  return m;
}

struct Case {
  const char* name;
  KeyEvent event;
  std::string expected;
};

void check(const std::vector<Case>& cases, const KeyModes& modes) {
  for (const Case& c : cases) EXPECT_EQ(encode_key(c.event, modes), c.expected) << c.name;
}

constexpr uint32_t S = mod::shift, A = mod::alt, C = mod::ctrl;

// ---- legacy (xterm) ----

TEST(KeyEncoder, PrintableTextIsSentAsTyped) {
  check({{"a", letter('a'), "a"},
         {"shift+a", letter('a', S), "A"},
         {"e acute", key(XKB_KEY_eacute, 0, "é"), "é"},
         {"composed", key(XKB_KEY_NoSymbol, 0, "ǘ"), "ǘ"},
         {"space", key(XKB_KEY_space, 0, " "), " "},
         {"shift+space", key(XKB_KEY_space, S, " "), " "}},
        legacy());
}

TEST(KeyEncoder, CtrlLetterIsC0) {
  check({{"ctrl+a", letter('a', C), "\x01"},
         {"ctrl+c", letter('c', C), "\x03"},
         {"ctrl+z", letter('z', C), "\x1a"},
         {"ctrl+shift+a", letter('a', C | S), "\x01"},
         {"ctrl+alt+a", letter('a', C | A), "\x1b\x01"}},
        legacy());
}

TEST(KeyEncoder, CtrlSymbolsAndDigitsAsXterm) {
  check({{"ctrl+space", key(' ', C, " "), "\0"s},
         {"ctrl+@", key('@', C | S, "@", '2'), "\0"s},
         {"ctrl+2", key('2', C, "2"), "\0"s},
         {"ctrl+3", key('3', C, "3"), "\x1b"},
         {"ctrl+4", key('4', C, "4"), "\x1c"},
         {"ctrl+5", key('5', C, "5"), "\x1d"},
         {"ctrl+6", key('6', C, "6"), "\x1e"},
         {"ctrl+7", key('7', C, "7"), "\x1f"},
         {"ctrl+8", key('8', C, "8"), "\x7f"},
         {"ctrl+[", key('[', C, "\x1b"), "\x1b"},
         {"ctrl+backslash", key('\\', C, "\x1c"), "\x1c"},
         {"ctrl+]", key(']', C, "\x1d"), "\x1d"},
         {"ctrl+^", key('^', C | S, "^", '6'), "\x1e"},
         {"ctrl+_", key('_', C | S, "_", '-'), "\x1f"},
         {"ctrl+/", key('/', C, "/"), "\x1f"},
         {"ctrl+?", key('?', C | S, "?", '/'), "\x7f"},
         // Ctrl leaves keys outside the table alone.
         {"ctrl+1", key('1', C, "1"), "1"},
         {"ctrl+9", key('9', C, "9"), "9"},
         // Shift+2 is '"' on a UK layout: the unshifted key still gives NUL.
         {"ctrl+shift+2 uk", key('"', C | S, "\"", '2'), "\0"s}},
        legacy());
}

TEST(KeyEncoder, CtrlOnNonLatinLayoutUsesBaseLayoutKey) {
  // Ctrl+С on a Russian layout is Ctrl+C when the window knows the US-layout key.
  KeyEvent e = key(0x6d3 /* Cyrillic_es */, C, "\xd1\x81", 0x6d3);
  EXPECT_EQ(encode_key(e, legacy()), "\xd1\x81");
  e.base_layout_codepoint = 'c';
  EXPECT_EQ(encode_key(e, legacy()), "\x03");
}

TEST(KeyEncoder, AltPrefixesEscape) {
  check({{"alt+a", letter('a', A),
          "\x1b"
          "a"},
         {"alt+shift+a", letter('a', A | S),
          "\x1b"
          "A"},
         {"alt+e acute", key(XKB_KEY_eacute, A, "é"), "\x1bé"},
         {"alt+space", key(' ', A, " "), "\x1b "},
         {"ctrl+alt+space", key(' ', A | C, " "), "\x1b\0"s}},
        legacy());
  KeyModes no_escape;
  no_escape.alt_sends_escape = false;
  EXPECT_EQ(encode_key(letter('a', A), no_escape), "a");
}

TEST(KeyEncoder, BackspaceIsDelOrBsWithDecbkm) {
  check({{"backspace", key(XKB_KEY_BackSpace, 0, "\b"), "\x7f"},
         {"ctrl+backspace", key(XKB_KEY_BackSpace, C, "\b"), "\x08"},
         {"alt+backspace", key(XKB_KEY_BackSpace, A, "\b"), "\x1b\x7f"},
         {"ctrl+alt+backspace", key(XKB_KEY_BackSpace, A | C, "\b"), "\x1b\x08"}},
        legacy());
  KeyModes bkm;
  bkm.backarrow_sends_backspace = true;
  EXPECT_EQ(encode_key(key(XKB_KEY_BackSpace, 0, "\b"), bkm), "\x08");
}

TEST(KeyEncoder, TabReturnEscape) {
  check({{"tab", key(XKB_KEY_Tab, 0, "\t"), "\t"},
         {"shift+tab", key(XKB_KEY_ISO_Left_Tab, S, "\t", XKB_KEY_Tab), "\x1b[Z"},
         {"shift+tab as Tab", key(XKB_KEY_Tab, S, "\t"), "\x1b[Z"},
         {"alt+tab", key(XKB_KEY_Tab, A, "\t"), "\x1b\t"},
         {"alt+shift+tab", key(XKB_KEY_ISO_Left_Tab, A | S, "\t", XKB_KEY_Tab), "\x1b\x1b[Z"},
         {"ctrl+tab", key(XKB_KEY_Tab, C, "\t"), "\t"},
         {"return", key(XKB_KEY_Return, 0, "\r"), "\r"},
         {"alt+return", key(XKB_KEY_Return, A, "\r"), "\x1b\r"},
         {"escape", key(XKB_KEY_Escape, 0, "\x1b"), "\x1b"},
         {"alt+escape", key(XKB_KEY_Escape, A, "\x1b"), "\x1b\x1b"}},
        legacy());
  KeyModes lnm;
  lnm.newline = true;
  EXPECT_EQ(encode_key(key(XKB_KEY_Return, 0, "\r"), lnm), "\r\n");
}

TEST(KeyEncoder, CursorKeysUseCsi) {
  check({{"up", key(XKB_KEY_Up), "\x1b[A"},
         {"down", key(XKB_KEY_Down), "\x1b[B"},
         {"right", key(XKB_KEY_Right), "\x1b[C"},
         {"left", key(XKB_KEY_Left), "\x1b[D"},
         {"home", key(XKB_KEY_Home), "\x1b[H"},
         {"end", key(XKB_KEY_End), "\x1b[F"}},
        legacy());
}

TEST(KeyEncoder, ApplicationCursorKeysUseSs3) {
  KeyModes m;
  m.cursor_keys_application = true;
  check({{"up", key(XKB_KEY_Up), "\x1bOA"},
         {"down", key(XKB_KEY_Down), "\x1bOB"},
         {"right", key(XKB_KEY_Right), "\x1bOC"},
         {"left", key(XKB_KEY_Left), "\x1bOD"},
         {"home", key(XKB_KEY_Home), "\x1bOH"},
         {"end", key(XKB_KEY_End), "\x1bOF"},
         // With modifiers xterm sends the CSI form whatever DECCKM says.
         {"ctrl+up", key(XKB_KEY_Up, C), "\x1b[1;5A"}},
        m);
}

TEST(KeyEncoder, ArrowWithCtrlShift) {
  // xterm's modifier parameter: 1 + shift + 2·alt + 4·ctrl + 8·meta.
  check({{"shift", key(XKB_KEY_Up, S), "\x1b[1;2A"},
         {"alt", key(XKB_KEY_Up, A), "\x1b[1;3A"},
         {"shift+alt", key(XKB_KEY_Up, S | A), "\x1b[1;4A"},
         {"ctrl", key(XKB_KEY_Up, C), "\x1b[1;5A"},
         {"ctrl+shift", key(XKB_KEY_Up, C | S), "\x1b[1;6A"},
         {"ctrl+alt", key(XKB_KEY_Up, C | A), "\x1b[1;7A"},
         {"ctrl+alt+shift", key(XKB_KEY_Up, C | A | S), "\x1b[1;8A"},
         {"meta", key(XKB_KEY_Up, mod::meta), "\x1b[1;9A"},
         {"super", key(XKB_KEY_Up, mod::super), "\x1b[1;9A"},
         {"ctrl+shift left", key(XKB_KEY_Left, C | S), "\x1b[1;6D"},
         {"shift home", key(XKB_KEY_Home, S), "\x1b[1;2H"},
         // Lock keys are not modifiers in xterm's parameter.
         {"numlock", key(XKB_KEY_Up, mod::num_lock), "\x1b[A"}},
        legacy());
}

TEST(KeyEncoder, EditingKeys) {
  check({{"insert", key(XKB_KEY_Insert), "\x1b[2~"},
         {"delete", key(XKB_KEY_Delete), "\x1b[3~"},
         {"page up", key(XKB_KEY_Page_Up), "\x1b[5~"},
         {"page down", key(XKB_KEY_Page_Down), "\x1b[6~"},
         {"ctrl+delete", key(XKB_KEY_Delete, C), "\x1b[3;5~"},
         {"shift+page up", key(XKB_KEY_Page_Up, S), "\x1b[5;2~"}},
        legacy());
}

TEST(KeyEncoder, FunctionKeys) {
  check({{"F1", key(XKB_KEY_F1), "\x1bOP"},
         {"F2", key(XKB_KEY_F2), "\x1bOQ"},
         {"F3", key(XKB_KEY_F3), "\x1bOR"},
         {"F4", key(XKB_KEY_F4), "\x1bOS"},
         {"F5", key(XKB_KEY_F5), "\x1b[15~"},
         {"F6", key(XKB_KEY_F6), "\x1b[17~"},
         {"F7", key(XKB_KEY_F7), "\x1b[18~"},
         {"F8", key(XKB_KEY_F8), "\x1b[19~"},
         {"F9", key(XKB_KEY_F9), "\x1b[20~"},
         {"F10", key(XKB_KEY_F10), "\x1b[21~"},
         {"F11", key(XKB_KEY_F11), "\x1b[23~"},
         {"F12", key(XKB_KEY_F12), "\x1b[24~"},
         {"shift+F1", key(XKB_KEY_F1, S), "\x1b[1;2P"},
         {"ctrl+F4", key(XKB_KEY_F4, C), "\x1b[1;5S"},
         {"ctrl+F5", key(XKB_KEY_F5, C), "\x1b[15;5~"},
         {"alt+F12", key(XKB_KEY_F12, A), "\x1b[24;3~"},
         // xterm's PC keyboard: F13..F24 are Shift+F1..F12.
         {"F13", key(XKB_KEY_F13), "\x1b[1;2P"},
         {"F16", key(XKB_KEY_F16), "\x1b[1;2S"},
         {"F17", key(XKB_KEY_F17), "\x1b[15;2~"},
         {"F20", key(XKB_KEY_F20), "\x1b[19;2~"},
         {"ctrl+F13", key(XKB_KEY_F13, C), "\x1b[1;6P"}},
        legacy());
}

TEST(KeyEncoder, KeypadApplicationModeUsesSs3) {
  KeyModes m;
  m.keypad_application = true;
  check({{"KP_0", key(XKB_KEY_KP_0, mod::num_lock, "0"), "\x1bOp"},
         {"KP_5", key(XKB_KEY_KP_5, mod::num_lock, "5"), "\x1bOu"},
         {"KP_9", key(XKB_KEY_KP_9, mod::num_lock, "9"), "\x1bOy"},
         {"KP_Enter", key(XKB_KEY_KP_Enter, 0, "\r"), "\x1bOM"},
         {"KP_Multiply", key(XKB_KEY_KP_Multiply, 0, "*"), "\x1bOj"},
         {"KP_Add", key(XKB_KEY_KP_Add, 0, "+"), "\x1bOk"},
         {"KP_Separator", key(XKB_KEY_KP_Separator, 0, ","), "\x1bOl"},
         {"KP_Subtract", key(XKB_KEY_KP_Subtract, 0, "-"), "\x1bOm"},
         {"KP_Decimal", key(XKB_KEY_KP_Decimal, mod::num_lock, "."), "\x1bOn"},
         {"KP_Divide", key(XKB_KEY_KP_Divide, 0, "/"), "\x1bOo"},
         // NumLock off: xkb gives the cursor keysyms, which are cursor keys.
         {"KP_Home", key(XKB_KEY_KP_Home), "\x1b[H"},
         {"KP_Up", key(XKB_KEY_KP_Up), "\x1b[A"}},
        m);
}

TEST(KeyEncoder, KeypadNumericModeSendsCharacters) {
  check({{"KP_5", key(XKB_KEY_KP_5, mod::num_lock, "5"), "5"},
         {"KP_Add", key(XKB_KEY_KP_Add, 0, "+"), "+"},
         {"KP_Divide", key(XKB_KEY_KP_Divide, 0, "/"), "/"},
         {"KP_Enter", key(XKB_KEY_KP_Enter, 0, "\r"), "\r"},
         {"KP_End", key(XKB_KEY_KP_End), "\x1b[F"},
         {"KP_Delete", key(XKB_KEY_KP_Delete), "\x1b[3~"},
         {"KP_Page_Up", key(XKB_KEY_KP_Page_Up), "\x1b[5~"},
         {"KP_Begin", key(XKB_KEY_KP_Begin), "\x1b[E"}},
        legacy());
  KeyModes ckm;
  ckm.cursor_keys_application = true;
  EXPECT_EQ(encode_key(key(XKB_KEY_KP_Up), ckm), "\x1bOA");
}

TEST(KeyEncoder, LegacySendsNothingForModifiersAndReleases) {
  check({{"shift", key(XKB_KEY_Shift_L, S), ""},
         {"control", key(XKB_KEY_Control_R, C), ""},
         {"caps lock", key(XKB_KEY_Caps_Lock, mod::caps_lock), ""},
         {"level3", key(XKB_KEY_ISO_Level3_Shift), ""},
         {"release a", with_action(letter('a'), KeyAction::release), ""},
         {"release up", with_action(key(XKB_KEY_Up), KeyAction::release), ""}},
        legacy());
  // A repeat is a press in legacy mode.
  EXPECT_EQ(encode_key(with_action(letter('a'), KeyAction::repeat), legacy()), "a");
}

TEST(KeyEncoder, KeyModesFromTerminal) {
  vt::Terminal t;
  KeyModes m = key_modes_from(t);
  EXPECT_FALSE(m.cursor_keys_application);
  EXPECT_FALSE(m.keypad_application);
  EXPECT_EQ(m.kitty_flags, 0);
  t.feed("\x1b[?1h\x1b=\x1b[?67h\x1b[>5u\x1b[20h");
  m = key_modes_from(t);
  EXPECT_TRUE(m.cursor_keys_application);
  EXPECT_TRUE(m.keypad_application);
  EXPECT_TRUE(m.backarrow_sends_backspace);
  EXPECT_TRUE(m.newline);
  EXPECT_EQ(m.kitty_flags, 5);
  // The alternate screen has its own kitty stack.
  t.feed("\x1b[?1049h");
  EXPECT_EQ(key_modes_from(t).kitty_flags, 0);
}

// ---- kitty keyboard protocol ----

TEST(KeyEncoder, KittyDisambiguateCtrlI) {
  // Ctrl+I and Tab, Ctrl+M and Enter, Ctrl+[ and Esc are different keys now.
  check({{"ctrl+i", letter('i', C), "\x1b[105;5u"},
         {"tab", key(XKB_KEY_Tab, 0, "\t"), "\t"},
         {"ctrl+m", letter('m', C), "\x1b[109;5u"},
         {"enter", key(XKB_KEY_Return, 0, "\r"), "\r"},
         {"ctrl+[", key('[', C, "\x1b"), "\x1b[91;5u"},
         {"escape", key(XKB_KEY_Escape, 0, "\x1b"), "\x1b[27u"}},
        kitty(1));
}

TEST(KeyEncoder, KittyDisambiguateModifiedTextKeys) {
  check({{"a", letter('a'), "a"},
         {"shift+a", letter('a', S), "A"},
         {"alt+a", letter('a', A), "\x1b[97;3u"},
         {"ctrl+a", letter('a', C), "\x1b[97;5u"},
         {"ctrl+alt+a", letter('a', C | A), "\x1b[97;7u"},
         {"shift+alt+a", letter('a', S | A), "\x1b[97;4u"},
         // The key number is always the unshifted key.
         {"ctrl+shift+a", letter('a', C | S), "\x1b[97;6u"},
         {"super+a", letter('a', mod::super), "\x1b[97;9u"},
         {"ctrl+space", key(' ', C, " "), "\x1b[32;5u"},
         {"ctrl+3", key('3', C, "3"), "\x1b[51;5u"},
         {"alt+escape", key(XKB_KEY_Escape, A, "\x1b"), "\x1b[27;3u"}},
        kitty(1));
}

TEST(KeyEncoder, KittyEnterTabBackspaceStayLegacy) {
  for (int flags : {1, 3, 5, 7}) {
    check({{"enter", key(XKB_KEY_Return, 0, "\r"), "\r"},
           {"tab", key(XKB_KEY_Tab, 0, "\t"), "\t"},
           {"backspace", key(XKB_KEY_BackSpace, 0, "\b"), "\x7f"},
           {"enter with numlock", key(XKB_KEY_Return, mod::num_lock, "\r"), "\r"},
           {"enter release", with_action(key(XKB_KEY_Return), KeyAction::release), ""},
           {"tab release", with_action(key(XKB_KEY_Tab), KeyAction::release), ""}},
          kitty(flags));
  }
  // With modifiers they are escape codes; Shift+Tab is Tab with Shift, not CSI Z.
  check({{"shift+enter", key(XKB_KEY_Return, S, "\r"), "\x1b[13;2u"},
         {"ctrl+enter", key(XKB_KEY_Return, C, "\r"), "\x1b[13;5u"},
         {"shift+tab", key(XKB_KEY_ISO_Left_Tab, S, "\t", XKB_KEY_Tab), "\x1b[9;2u"},
         {"ctrl+shift+tab", key(XKB_KEY_ISO_Left_Tab, C | S, "\t", XKB_KEY_Tab), "\x1b[9;6u"},
         {"ctrl+backspace", key(XKB_KEY_BackSpace, C, "\b"), "\x1b[127;5u"},
         {"alt+backspace", key(XKB_KEY_BackSpace, A, "\b"), "\x1b[127;3u"}},
        kitty(1));
}

TEST(KeyEncoder, KittyFunctionalKeys) {
  check({{"up", key(XKB_KEY_Up), "\x1b[A"},
         {"ctrl+up", key(XKB_KEY_Up, C), "\x1b[1;5A"},
         {"home", key(XKB_KEY_Home), "\x1b[H"},
         {"shift+end", key(XKB_KEY_End, S), "\x1b[1;2F"},
         {"F1", key(XKB_KEY_F1), "\x1b[P"},
         {"ctrl+F2", key(XKB_KEY_F2, C), "\x1b[1;5Q"},
         // F3 is CSI 13 ~: CSI R would read as a cursor position report.
         {"F3", key(XKB_KEY_F3), "\x1b[13~"},
         {"ctrl+F3", key(XKB_KEY_F3, C), "\x1b[13;5~"},
         {"F4", key(XKB_KEY_F4), "\x1b[S"},
         {"F5", key(XKB_KEY_F5), "\x1b[15~"},
         {"F12", key(XKB_KEY_F12), "\x1b[24~"},
         {"F13", key(XKB_KEY_F13), "\x1b[57376u"},
         {"F35", key(XKB_KEY_F35), "\x1b[57398u"},
         {"insert", key(XKB_KEY_Insert), "\x1b[2~"},
         {"shift+delete", key(XKB_KEY_Delete, S), "\x1b[3;2~"},
         {"page down", key(XKB_KEY_Page_Down), "\x1b[6~"},
         {"caps lock key", key(XKB_KEY_Caps_Lock, mod::caps_lock), ""},
         {"print", key(XKB_KEY_Print), "\x1b[57361u"},
         {"pause", key(XKB_KEY_Pause), "\x1b[57362u"},
         {"menu", key(XKB_KEY_Menu), "\x1b[57363u"},
         {"play", key(XKB_KEY_XF86AudioPlay), "\x1b[57428u"},
         {"mute", key(XKB_KEY_XF86AudioMute), "\x1b[57440u"}},
        kitty(1));
  // The SS3 forms of DECCKM are not used once the protocol is on.
  KeyModes m = kitty(1);
  m.cursor_keys_application = true;
  EXPECT_EQ(encode_key(key(XKB_KEY_Up), m), "\x1b[A");
}

TEST(KeyEncoder, KittyKeypadKeysAreSeparate) {
  check({{"KP_Enter", key(XKB_KEY_KP_Enter, 0, "\r"), "\x1b[57414u"},
         {"KP_Home", key(XKB_KEY_KP_Home), "\x1b[57423u"},
         {"KP_Up", key(XKB_KEY_KP_Up), "\x1b[57419u"},
         {"KP_Delete", key(XKB_KEY_KP_Delete), "\x1b[57426u"},
         {"KP_Begin", key(XKB_KEY_KP_Begin), "\x1b[E"},
         // Keypad keys that type text still type it.
         {"KP_1", key(XKB_KEY_KP_1, mod::num_lock, "1"), "1"},
         {"KP_Add", key(XKB_KEY_KP_Add, 0, "+"), "+"},
         {"ctrl+KP_Add", key(XKB_KEY_KP_Add, C, "+"), "\x1b[57413;5u"}},
        kitty(1));
}

TEST(KeyEncoder, KittyLockModifiersOnlyOnFunctionalKeys) {
  check({{"ctrl+a caps", letter('a', C | mod::caps_lock), "\x1b[97;5u"},
         {"alt+a numlock", letter('a', A | mod::num_lock), "\x1b[97;3u"},
         {"ctrl+up numlock", key(XKB_KEY_Up, C | mod::num_lock), "\x1b[1;133A"},
         {"escape caps", key(XKB_KEY_Escape, mod::caps_lock, "\x1b"), "\x1b[27;65u"}},
        kitty(1));
}

TEST(KeyEncoder, KittyReleaseOnlyWithFlag2) {
  const KeyEvent ctrl_a_up = with_action(letter('a', C), KeyAction::release);
  EXPECT_EQ(encode_key(ctrl_a_up, kitty(1)), "");
  EXPECT_EQ(encode_key(with_action(key(XKB_KEY_Up), KeyAction::release), kitty(1)), "");
  // Without flag 2 a repeat is just another press.
  EXPECT_EQ(encode_key(with_action(key(XKB_KEY_Up), KeyAction::repeat), kitty(1)), "\x1b[A");

  check({{"press ctrl+a", letter('a', C), "\x1b[97;5u"},
         {"repeat ctrl+a", with_action(letter('a', C), KeyAction::repeat), "\x1b[97;5:2u"},
         {"release ctrl+a", ctrl_a_up, "\x1b[97;5:3u"},
         // Text keys type text on press and repeat; their release has no text.
         {"press a", letter('a'), "a"},
         {"repeat a", with_action(letter('a'), KeyAction::repeat), "a"},
         {"release a", with_action(letter('a'), KeyAction::release), "\x1b[97;1:3u"},
         {"press up", key(XKB_KEY_Up), "\x1b[A"},
         {"repeat up", with_action(key(XKB_KEY_Up), KeyAction::repeat), "\x1b[1;1:2A"},
         {"release shift+up", with_action(key(XKB_KEY_Up, S), KeyAction::release), "\x1b[1;2:3A"},
         {"release F5", with_action(key(XKB_KEY_F5), KeyAction::release), "\x1b[15;1:3~"},
         {"release escape", with_action(key(XKB_KEY_Escape), KeyAction::release), "\x1b[27;1:3u"},
         // No releases for Enter, Tab and Backspace unless flag 8 is set too.
         {"release ctrl+enter", with_action(key(XKB_KEY_Return, C), KeyAction::release), ""},
         {"release backspace", with_action(key(XKB_KEY_BackSpace), KeyAction::release), ""},
         // Modifier keys are reported only with flag 8.
         {"release shift", with_action(key(XKB_KEY_Shift_L), KeyAction::release), ""}},
        kitty(3));
}

TEST(KeyEncoder, KittyAllKeysAsEscapes) {
  check({{"a", letter('a'), "\x1b[97u"},
         {"shift+a", letter('a', S), "\x1b[97;2u"},
         {"caps lock a", key('A', mod::caps_lock, "A", 'a'), "\x1b[97;65u"},
         {"space", key(' ', 0, " "), "\x1b[32u"},
         {"enter", key(XKB_KEY_Return, 0, "\r"), "\x1b[13u"},
         {"tab", key(XKB_KEY_Tab, 0, "\t"), "\x1b[9u"},
         {"backspace", key(XKB_KEY_BackSpace, 0, "\b"), "\x1b[127u"},
         {"escape", key(XKB_KEY_Escape, 0, "\x1b"), "\x1b[27u"},
         {"KP_1", key(XKB_KEY_KP_1, mod::num_lock, "1"), "\x1b[57400;129u"},
         {"up", key(XKB_KEY_Up), "\x1b[A"},
         // Modifier keys: the state includes the key's own effect.
         {"left shift", key(XKB_KEY_Shift_L, S), "\x1b[57441;2u"},
         {"right control", key(XKB_KEY_Control_R, C), "\x1b[57448;5u"},
         {"left alt", key(XKB_KEY_Alt_L, A), "\x1b[57443;3u"},
         {"left super", key(XKB_KEY_Super_L, mod::super), "\x1b[57444;9u"},
         {"caps lock", key(XKB_KEY_Caps_Lock, mod::caps_lock), "\x1b[57358;65u"},
         {"num lock", key(XKB_KEY_Num_Lock, mod::num_lock), "\x1b[57360;129u"},
         {"level3", key(XKB_KEY_ISO_Level3_Shift), "\x1b[57453u"}},
        kitty(8));
  check(
      {{"release shift", with_action(key(XKB_KEY_Shift_L), KeyAction::release), "\x1b[57441;1:3u"},
       {"release enter", with_action(key(XKB_KEY_Return), KeyAction::release), "\x1b[13;1:3u"},
       {"repeat a", with_action(letter('a'), KeyAction::repeat), "\x1b[97;1:2u"}},
      kitty(8 | 2));
}

TEST(KeyEncoder, KittyAssociatedText) {
  check({{"a", letter('a'), "\x1b[97;;97u"},
         {"shift+a", letter('a', S), "\x1b[97;2;65u"},
         {"e acute", key(XKB_KEY_eacute, 0, "é"), "\x1b[233;;233u"},
         // Composed text with no key behind it: key number 0.
         {"composed", key(XKB_KEY_NoSymbol, 0, "ǘ"), "\x1b[0;;472u"},
         {"two code points", key(XKB_KEY_NoSymbol, 0, "e\xcc\x81"), "\x1b[0;;101:769u"},
         // Control characters are never associated text.
         {"ctrl+a", letter('a', C), "\x1b[97;5u"},
         {"enter", key(XKB_KEY_Return, 0, "\r"), "\x1b[13u"}},
        kitty(8 | 16));
  check({{"release a", with_action(letter('a'), KeyAction::release), "\x1b[97;1:3u"},
         {"repeat a", with_action(letter('a'), KeyAction::repeat), "\x1b[97;1:2;97u"}},
        kitty(8 | 16 | 2));
}

TEST(KeyEncoder, KittyAlternateKeys) {
  // The shifted key only with Shift; the base layout key when it differs.
  KeyEvent cyrillic_ctrl_c = key(0x6d3 /* Cyrillic_es */, C, "\x03", 0x6d3);
  cyrillic_ctrl_c.unshifted_codepoint = 0x441;
  cyrillic_ctrl_c.base_layout_codepoint = 'c';
  KeyEvent ctrl_c_us = letter('c', C);
  ctrl_c_us.base_layout_codepoint = 'c';
  check({{"ctrl+shift+a", letter('a', C | S), "\x1b[97:65;6u"},
         {"ctrl+a", letter('a', C), "\x1b[97;5u"},
         {"ctrl+shift+2", key('@', C | S, "@", '2'), "\x1b[50:64;6u"},
         {"cyrillic ctrl+es", cyrillic_ctrl_c, "\x1b[1089::99;5u"},
         {"base equals key", ctrl_c_us, "\x1b[99;5u"},
         // Alternates only dress up escape codes; text stays text.
         {"shift+a", letter('a', S), "A"},
         {"shift+up", key(XKB_KEY_Up, S), "\x1b[1;2A"}},
        kitty(1 | 4));
  check({{"shift+a all", letter('a', S), "\x1b[97:65;2u"}}, kitty(8 | 4));
}

TEST(KeyEncoder, KittyFlagsWithoutDisambiguateKeepLegacyPresses) {
  // Flag 2 alone: presses as legacy, only what legacy cannot say as escape codes.
  check({{"ctrl+a", letter('a', C), "\x01"},
         {"escape", key(XKB_KEY_Escape, 0, "\x1b"), "\x1b"},
         {"up", key(XKB_KEY_Up), "\x1b[A"},
         {"release ctrl+a", with_action(letter('a', C), KeyAction::release), "\x1b[97;5:3u"}},
        kitty(2));
}

}  // namespace
}  // namespace cadence::ui
