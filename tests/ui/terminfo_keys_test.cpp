// The input side of the cadence terminfo entry (terminfo/cadence.info): every key
// capability must be what the key encoder sends for that key, with smkx in force (DECCKM
// and DECKPAM on), since that is when curses programs read keys. Likewise the mouse
// prefix (kmous), focus reports (kxIN/kxOUT), the paste brackets (PS/PE) and the meta key
// (km). The output capabilities are checked against the core by
// tests/terminfo/terminfo_test.py; this file refuses any key capability it does not
// know, so the entry cannot list a key nobody checked.
#include <gtest/gtest.h>
#include <xkbcommon/xkbcommon-keysyms.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ui/key_encoder.hpp"
#include "ui/mouse_encoder.hpp"
#include "ui/paste.hpp"
#include "vt/modes.hpp"

#ifndef CADENCE_TERMINFO_SOURCE
#error "CADENCE_TERMINFO_SOURCE names terminfo/cadence.info (tests/ui/meson.build)"
#endif

namespace cadence::ui {
namespace {

// terminfo source escapes: \E \e ^X \n \r \t \b \f \s \l \\ \, \: \^ \0 and \NNN octal.
std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '^' && i + 1 < s.size()) {
      const char n = s[++i];
      out += n == '?' ? '\x7f' : static_cast<char>(n & 0x1f);
    } else if (c == '\\' && i + 1 < s.size()) {
      const char n = s[++i];
      switch (n) {
        case 'E':
        case 'e': out += '\x1b'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 's': out += ' '; break;
        case 'l': out += '\n'; break;
        case '0':
        case '1':
        case '2':
        case '3': {
          int v = 0, digits = 0;
          --i;
          while (digits < 3 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7') {
            v = v * 8 + (s[++i] - '0');
            ++digits;
          }
          out += v == 0 ? '\x80' : static_cast<char>(v);  // \0 is stored as \200
          break;
        }
        default: out += n;
      }
    } else {
      out += c;
    }
  }
  return out;
}

// name -> value ("" for a boolean) of every capability in the source.
std::map<std::string, std::string> read_entry() {
  std::ifstream in(CADENCE_TERMINFO_SOURCE);
  EXPECT_TRUE(in) << "cannot read " << CADENCE_TERMINFO_SOURCE;
  std::map<std::string, std::string> caps;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {  // the name line
      header = false;
      continue;
    }
    std::string field;
    for (size_t i = 0; i <= line.size(); ++i) {
      const bool end = i == line.size();
      if (!end && line[i] == '\\' && i + 1 < line.size()) {
        field += line[i];
        field += line[++i];
        continue;
      }
      if (end || line[i] == ',') {
        const size_t first = field.find_first_not_of(" \t");
        if (first != std::string::npos) {
          field = field.substr(first);
          const size_t eq = field.find('=');
          if (eq != std::string::npos) {
            caps[field.substr(0, eq)] = unescape(field.substr(eq + 1));
          } else if (field.find('#') == std::string::npos) {
            caps[field] = "";
          }
        }
        field.clear();
        continue;
      }
      field += line[i];
    }
  }
  return caps;
}

KeyModes keypad_transmit() {
  KeyModes m;
  m.cursor_keys_application = true;
  m.keypad_application = true;
  return m;
}

std::string press(uint32_t keysym, uint32_t mods = 0, std::string text = {}) {
  KeyEvent e;
  e.keysym = keysym;
  e.unshifted_keysym = keysym;
  e.mods = mods;
  e.text = std::move(text);
  return encode_key(e, keypad_transmit());
}

// xterm's modifier parameter (2..8) back to mod:: bits.
uint32_t mods_of(int param) {
  const int bits = param - 1;
  return ((bits & 1) ? mod::shift : 0) | ((bits & 2) ? mod::alt : 0) | ((bits & 4) ? mod::ctrl : 0);
}

// The key every k* capability stands for.
std::map<std::string, std::pair<uint32_t, uint32_t>> key_table() {
  std::map<std::string, std::pair<uint32_t, uint32_t>> t = {
      {"kbs", {XKB_KEY_BackSpace, 0}},
      {"kcbt", {XKB_KEY_ISO_Left_Tab, mod::shift}},
      {"kent", {XKB_KEY_KP_Enter, 0}},
      {"kcuu1", {XKB_KEY_Up, 0}},
      {"kcud1", {XKB_KEY_Down, 0}},
      {"kcuf1", {XKB_KEY_Right, 0}},
      {"kcub1", {XKB_KEY_Left, 0}},
      {"khome", {XKB_KEY_Home, 0}},
      {"kend", {XKB_KEY_End, 0}},
      {"kich1", {XKB_KEY_Insert, 0}},
      {"kdch1", {XKB_KEY_Delete, 0}},
      {"kpp", {XKB_KEY_Prior, 0}},
      {"knp", {XKB_KEY_Next, 0}},
      {"kDC", {XKB_KEY_Delete, mod::shift}},
      {"kEND", {XKB_KEY_End, mod::shift}},
      {"kHOM", {XKB_KEY_Home, mod::shift}},
      {"kIC", {XKB_KEY_Insert, mod::shift}},
      {"kLFT", {XKB_KEY_Left, mod::shift}},
      {"kRIT", {XKB_KEY_Right, mod::shift}},
      {"kNXT", {XKB_KEY_Next, mod::shift}},
      {"kPRV", {XKB_KEY_Prior, mod::shift}},
      {"kind", {XKB_KEY_Down, mod::shift}},
      {"kri", {XKB_KEY_Up, mod::shift}},
      {"kUP", {XKB_KEY_Up, mod::shift}},
      {"kDN", {XKB_KEY_Down, mod::shift}},
  };
  // kf1..kf12 plain, then xterm's blocks of twelve: shift, ctrl, ctrl+shift, alt, alt+shift.
  const uint32_t blocks[] = {0,        mod::shift,           mod::ctrl, mod::ctrl | mod::shift,
                             mod::alt, mod::alt | mod::shift};
  for (int n = 1; n <= 72; ++n) {
    t["kf" + std::to_string(n)] = {XKB_KEY_F1 + static_cast<uint32_t>((n - 1) % 12),
                                   blocks[(n - 1) / 12]};
  }
  // kUP3..kUP7 and the like: the suffix is xterm's modifier parameter.
  const std::pair<const char*, uint32_t> modified[] = {
      {"kUP", XKB_KEY_Up},     {"kDN", XKB_KEY_Down},   {"kLFT", XKB_KEY_Left},
      {"kRIT", XKB_KEY_Right}, {"kHOM", XKB_KEY_Home},  {"kEND", XKB_KEY_End},
      {"kIC", XKB_KEY_Insert}, {"kDC", XKB_KEY_Delete}, {"kPRV", XKB_KEY_Prior},
      {"kNXT", XKB_KEY_Next}};
  for (const auto& [name, keysym] : modified) {
    for (int p = 3; p <= 7; ++p) t[name + std::to_string(p)] = {keysym, mods_of(p)};
  }
  return t;
}

TEST(TerminfoKeys, EveryKeyCapabilityIsWhatTheEncoderSends) {
  const auto caps = read_entry();
  ASSERT_GT(caps.size(), 100u) << "the entry did not parse";
  const auto table = key_table();
  int keys = 0;
  for (const auto& [name, value] : caps) {
    if (name[0] != 'k' || name == "km" || name == "kmous" || name == "kxIN" || name == "kxOUT") {
      continue;
    }
    auto it = table.find(name);
    ASSERT_NE(it, table.end()) << name << " is a key this test does not know: add it";
    EXPECT_EQ(press(it->second.first, it->second.second), value) << name;
    ++keys;
  }
  EXPECT_GT(keys, 130);
}

TEST(TerminfoKeys, MetaKeySendsEscapePrefix) {
  const auto caps = read_entry();
  ASSERT_TRUE(caps.contains("km"));
  EXPECT_EQ(press('a', mod::alt, "a"),
            "\x1b"
            "a");
}

TEST(TerminfoKeys, MousePrefixIsTheSgrReport) {
  const auto caps = read_entry();
  ASSERT_TRUE(caps.contains("kmous"));
  vt::Modes modes;
  modes.mouse = vt::MouseTracking::normal;
  modes.mouse_encoding = vt::MouseEncoding::sgr;
  MouseEvent e;
  e.kind = MouseEvent::press;
  e.col = 4;
  e.row = 2;
  const std::string report = encode_mouse(e, modes);
  EXPECT_EQ(report, "\x1b[<0;5;3M");
  EXPECT_TRUE(report.starts_with(caps.at("kmous")));
}

TEST(TerminfoKeys, FocusReportsAreKxInAndKxOut) {
  const auto caps = read_entry();
  vt::Modes modes;
  modes.focus_events = true;
  EXPECT_EQ(encode_focus(true, modes), caps.at("kxIN"));
  EXPECT_EQ(encode_focus(false, modes), caps.at("kxOUT"));
}

TEST(TerminfoKeys, PasteBracketsAreSentAroundAPaste) {
  const auto caps = read_entry();
  EXPECT_EQ(prepare_paste("hi", true), caps.at("PS") + "hi" + caps.at("PE"));
}

}  // namespace
}  // namespace cadence::ui
