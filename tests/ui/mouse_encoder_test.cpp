// Mouse reports against xterm's ctlseqs ("Mouse Tracking"); modes are set the way a
// program sets them, by feeding DECSET sequences to a terminal.
#include "ui/mouse_encoder.hpp"

#include <gtest/gtest.h>

#include <string>

#include "ui/key_encoder.hpp"
#include "vt/terminal.hpp"

namespace cadence::ui {
namespace {

vt::Modes modes_after(std::string_view bytes) {
  vt::Terminal t;
  t.feed(bytes);
  return t.modes();
}

MouseEvent event(MouseEvent::Kind kind, int button, int col, int row, uint32_t mods = 0) {
  MouseEvent e;
  e.kind = kind;
  e.button = button;
  e.col = col;
  e.row = row;
  e.mods = mods;
  e.buttons_held = kind == MouseEvent::press || kind == MouseEvent::motion;
  return e;
}

MouseEvent hover(int col, int row) {
  MouseEvent e = event(MouseEvent::motion, 0, col, row);
  e.buttons_held = false;
  return e;
}

TEST(MouseEncoder, NothingWithoutTracking) {
  vt::Modes m = modes_after("");
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 0, 1, 1), m), "");
  EXPECT_EQ(encode_mouse(event(MouseEvent::wheel, 4, 1, 1), m), "");
}

TEST(MouseEncoder, X10ReportsPressesOnlyWithoutModifiers) {
  vt::Modes m = modes_after("\x1b[?9h");
  // Left press at column 1, row 1 (1-based), each byte offset by 32.
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 0, 0, 0), m), "\x1b[M !!");
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 0, 0, 0, mod::ctrl | mod::shift), m),
            "\x1b[M !!");
  EXPECT_EQ(encode_mouse(event(MouseEvent::release, 0, 0, 0), m), "");
  EXPECT_EQ(encode_mouse(event(MouseEvent::motion, 0, 3, 0), m), "");
}

TEST(MouseEncoder, NormalTrackingPressAndRelease) {
  vt::Modes m = modes_after("\x1b[?1000h");
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 2, 4, 2), m), "\x1b[M\"%#");
  // The default encoding cannot say which button was released: 3.
  EXPECT_EQ(encode_mouse(event(MouseEvent::release, 2, 4, 2), m), "\x1b[M#%#");
  // Shift 4, Meta 8, Ctrl 16.
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 0, 0, 0, mod::shift | mod::ctrl), m),
            "\x1b[M4!!");
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 1, 0, 0, mod::alt), m), "\x1b[M)!!");
  EXPECT_EQ(encode_mouse(event(MouseEvent::wheel, 4, 0, 0), m), "\x1b[M`!!");
  EXPECT_EQ(encode_mouse(event(MouseEvent::wheel, 5, 0, 0), m), "\x1b[Ma!!");
  // Motion is not reported in this mode, with or without a button held.
  EXPECT_EQ(encode_mouse(event(MouseEvent::motion, 0, 5, 5), m), "");
  EXPECT_EQ(encode_mouse(hover(5, 5), m), "");
}

TEST(MouseEncoder, SgrPressRelease) {
  vt::Modes m = modes_after("\x1b[?1000h\x1b[?1006h");
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 0, 9, 4), m), "\x1b[<0;10;5M");
  EXPECT_EQ(encode_mouse(event(MouseEvent::release, 0, 9, 4), m), "\x1b[<0;10;5m");
  EXPECT_EQ(encode_mouse(event(MouseEvent::release, 2, 9, 4), m), "\x1b[<2;10;5m");
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 1, 9, 4, mod::ctrl), m), "\x1b[<17;10;5M");
  EXPECT_EQ(encode_mouse(event(MouseEvent::wheel, 4, 0, 0), m), "\x1b[<64;1;1M");
  EXPECT_EQ(encode_mouse(event(MouseEvent::wheel, 5, 0, 0, mod::ctrl), m), "\x1b[<81;1;1M");
  EXPECT_EQ(encode_mouse(event(MouseEvent::wheel, 6, 0, 0), m), "\x1b[<66;1;1M");
  EXPECT_EQ(encode_mouse(event(MouseEvent::wheel, 7, 0, 0), m), "\x1b[<67;1;1M");
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 8, 0, 0), m), "\x1b[<128;1;1M");
  // SGR has no coordinate limit.
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 0, 2999, 1999), m), "\x1b[<0;3000;2000M");
}

TEST(MouseEncoder, ButtonEventTrackingReportsDrags) {
  vt::Modes m = modes_after("\x1b[?1002h\x1b[?1006h");
  EXPECT_EQ(encode_mouse(event(MouseEvent::motion, 0, 2, 3), m), "\x1b[<32;3;4M");
  EXPECT_EQ(encode_mouse(event(MouseEvent::motion, 2, 2, 3, mod::shift), m), "\x1b[<38;3;4M");
  EXPECT_EQ(encode_mouse(hover(2, 3), m), "");
}

TEST(MouseEncoder, AnyEventTrackingReportsAllMotion) {
  vt::Modes m = modes_after("\x1b[?1003h\x1b[?1006h");
  EXPECT_EQ(encode_mouse(hover(2, 3), m), "\x1b[<35;3;4M");
  EXPECT_EQ(encode_mouse(event(MouseEvent::motion, 1, 2, 3), m), "\x1b[<33;3;4M");
  vt::Modes x10_bytes = modes_after("\x1b[?1003h");
  EXPECT_EQ(encode_mouse(hover(0, 0), x10_bytes), "\x1b[MC!!");
}

TEST(MouseEncoder, X10DropsBeyond223) {
  vt::Modes m = modes_after("\x1b[?1000h");
  // Column 223 (1-based) is the last one a byte can carry: 223 + 32 = 255.
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 0, 222, 0), m), "\x1b[M \xff!");
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 0, 223, 0), m), "");
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 0, 0, 223), m), "");
  EXPECT_EQ(encode_mouse(event(MouseEvent::release, 0, 300, 0), m), "");
}

TEST(MouseEncoder, Utf8EncodingCarriesLargeCoordinates) {
  vt::Modes m = modes_after("\x1b[?1000h\x1b[?1005h");
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 0, 0, 0), m), "\x1b[M !!");
  // Column 301: 301 + 32 = 333 = U+014D.
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 0, 300, 0), m), "\x1b[M \xc5\x8d!");
  // 2015 + 32 = 2047 is the largest two-byte value; one more cannot be sent.
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 0, 2014, 0), m), "\x1b[M \xdf\xbf!");
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 0, 2015, 0), m), "");
}

TEST(MouseEncoder, UrxvtEncoding) {
  vt::Modes m = modes_after("\x1b[?1000h\x1b[?1015h");
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 0, 9, 4), m), "\x1b[32;10;5M");
  EXPECT_EQ(encode_mouse(event(MouseEvent::release, 0, 9, 4), m), "\x1b[35;10;5M");
  EXPECT_EQ(encode_mouse(event(MouseEvent::press, 0, 400, 300), m), "\x1b[32;401;301M");
}

TEST(MouseEncoder, SgrPixelsReportsPixels) {
  vt::Modes m = modes_after("\x1b[?1000h\x1b[?1016h");
  MouseEvent e = event(MouseEvent::press, 0, 12, 3);
  e.x_px = 100;
  e.y_px = 50;
  EXPECT_EQ(encode_mouse(e, m), "\x1b[<0;101;51M");
  e.kind = MouseEvent::release;
  EXPECT_EQ(encode_mouse(e, m), "\x1b[<0;101;51m");
}

TEST(MouseEncoder, FocusEvents) {
  EXPECT_EQ(encode_focus(true), "\x1b[I");
  EXPECT_EQ(encode_focus(false), "\x1b[O");
  EXPECT_EQ(encode_focus(true, modes_after("")), "");
  EXPECT_EQ(encode_focus(false, modes_after("\x1b[?1004h")), "\x1b[O");
}

TEST(MouseEncoder, AlternateScrollSendsCursorKeys) {
  MouseEvent up = event(MouseEvent::wheel, 4, 0, 0);
  MouseEvent down = event(MouseEvent::wheel, 5, 0, 0);
  vt::Modes alt = modes_after("\x1b[?1049h\x1b[?1007h");
  EXPECT_EQ(encode_alternate_scroll(up, alt), "\x1b[A");
  EXPECT_EQ(encode_alternate_scroll(down, alt, 3), "\x1b[B\x1b[B\x1b[B");
  vt::Modes app = modes_after("\x1b[?1049h\x1b[?1007h\x1b[?1h");
  EXPECT_EQ(encode_alternate_scroll(up, app), "\x1bOA");
  // Not on the primary screen, not without the mode, not when the program tracks the mouse.
  EXPECT_EQ(encode_alternate_scroll(up, modes_after("\x1b[?1007h")), "");
  EXPECT_EQ(encode_alternate_scroll(up, modes_after("\x1b[?1049h")), "");
  EXPECT_EQ(encode_alternate_scroll(up, modes_after("\x1b[?1049h\x1b[?1007h\x1b[?1000h")), "");
  EXPECT_EQ(encode_alternate_scroll(event(MouseEvent::press, 0, 0, 0), alt), "");
}

}  // namespace
}  // namespace cadence::ui
