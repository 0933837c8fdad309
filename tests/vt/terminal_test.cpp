// The screen: feed bytes, assert on text, cells, cursor and replies.
#include <gtest/gtest.h>

#include "vt_fixture.hpp"

namespace cadence::vt::testing {
namespace {

using Screen = VtTest;

TEST_F(Screen, PrintsAndWrapsAtTheRightMargin) {
  make(4, 10);
  feed("0123456789abc");
  EXPECT_EQ(row(0), "0123456789");
  EXPECT_EQ(row(1), "abc");
  EXPECT_TRUE(term->line(Row(0)).wrapped);
  EXPECT_EQ(cursor_row(), 1);
  EXPECT_EQ(cursor_col(), 3);
}

TEST_F(Screen, PendingWrapHoldsTheCursorInTheLastColumn) {
  make(4, 10);
  feed("0123456789");
  EXPECT_EQ(cursor_col(), 9);
  EXPECT_TRUE(term->cursor().pending_wrap);
  feed("\r");  // CR clears the pending wrap without wrapping
  EXPECT_EQ(cursor_row(), 0);
  EXPECT_EQ(cursor_col(), 0);
  feed("\x1b[1;10HX\x1b[1;10HY");  // CUP clears it too: Y overwrites X
  EXPECT_EQ(row(0), "012345678Y");
  EXPECT_EQ(cursor_row(), 0);
}

TEST_F(Screen, NoAutowrapOverwritesTheLastColumn) {
  make(3, 5);
  feed("\x1b[?7labcdefgh");
  EXPECT_EQ(row(0), "abcdh");
  EXPECT_EQ(row(1), "");
}

TEST_F(Screen, LinefeedAtBottomScrollsIntoScrollback) {
  make(3, 10);
  feed("one\r\ntwo\r\nthree\r\nfour");
  EXPECT_EQ(row(0), "two");
  EXPECT_EQ(row(2), "four");
  ASSERT_EQ(term->scrollback_size(), 1u);
  EXPECT_EQ(term->scrollback_line(0).text(), "one");
  EXPECT_EQ(term->history_total(), 1u);
  EXPECT_EQ(text(), "one\ntwo\nthree\nfour\n");
}

TEST_F(Screen, ScrollbackLimitDropsTheOldest) {
  make(2, 10, 3);
  for (int i = 0; i < 10; ++i) feed("line" + std::to_string(i) + "\r\n");
  EXPECT_EQ(term->scrollback_size(), 3u);
  EXPECT_EQ(term->scrollback_line(0).text(), "line6");
  EXPECT_EQ(term->history_total(), 9u);
}

TEST_F(Screen, ScrollRegionKeepsOutsideRowsAndFeedsNoScrollback) {
  make(5, 10);
  feed("top\x1b[5;1Hbottom\x1b[2;4r\x1b[2;1Ha\r\nb\r\nc\r\nd");
  EXPECT_EQ(row(0), "top");
  EXPECT_EQ(row(1), "b");
  EXPECT_EQ(row(3), "d");
  EXPECT_EQ(row(4), "bottom");
  EXPECT_EQ(term->scrollback_size(), 0u);
}

TEST_F(Screen, CursorMovementClampsToTheScreen) {
  feed("\x1b[5;5H\x1b[100A");
  EXPECT_EQ(cursor_row(), 0);
  feed("\x1b[100B\x1b[100C");
  EXPECT_EQ(cursor_row(), 23);
  EXPECT_EQ(cursor_col(), 79);
  feed("\x1b[3G\x1b[7d");
  EXPECT_EQ(cursor_row(), 6);
  EXPECT_EQ(cursor_col(), 2);
}

TEST_F(Screen, OriginModeMakesPositionsRelativeToTheRegion) {
  feed("\x1b[5;10r\x1b[?6h\x1b[1;1HX\x1b[100;1HY");
  EXPECT_EQ(row(4), "X");
  EXPECT_EQ(row(9), "Y");
  feed("\x1b[6n");
  EXPECT_EQ(take_replies(), "\x1b[6;2R");
}

TEST_F(Screen, EraseInDisplayAndLine) {
  make(3, 10);
  feed("aaaaaaaaaa\r\nbbbbbbbbbb\r\ncccccccccc\x1b[2;5H\x1b[K");
  EXPECT_EQ(row(1), "bbbb");
  feed("\x1b[1K");
  EXPECT_EQ(row(1), "");
  feed("\x1b[J");
  EXPECT_EQ(row(2), "");
  EXPECT_EQ(row(0), "aaaaaaaaaa");
  feed("\x1b[2J");
  EXPECT_EQ(row(0), "");
}

TEST_F(Screen, EraseUsesTheCurrentBackground) {
  make(2, 5);
  feed("\x1b[44m\x1b[2J");
  EXPECT_EQ(style_at(1, 4).bg, Color::indexed(4));
  EXPECT_EQ(style_at(1, 4).flags, 0);
}

TEST_F(Screen, ScrollbackEraseWithED3) {
  make(2, 5);
  feed("a\r\nb\r\nc\r\n");
  EXPECT_GT(term->scrollback_size(), 0u);
  feed("\x1b[3J");
  EXPECT_EQ(term->scrollback_size(), 0u);
}

TEST_F(Screen, InsertAndDeleteCharacters) {
  make(2, 10);
  feed("abcdef\x1b[1;3H\x1b[2@");
  EXPECT_EQ(row(0), "ab  cdef");
  feed("\x1b[3P");
  EXPECT_EQ(row(0), "abdef");
  feed("\x1b[1;1H\x1b[2X");
  EXPECT_EQ(row(0), "  def");
}

TEST_F(Screen, InsertModeShiftsText) {
  make(2, 10);
  feed("abc\x1b[1;2H\x1b[4hXY\x1b[4l");
  EXPECT_EQ(row(0), "aXYbc");
}

TEST_F(Screen, InsertAndDeleteLines) {
  make(4, 5);
  feed("1\r\n2\r\n3\r\n4\x1b[2;1H\x1b[L");
  EXPECT_EQ(row(1), "");
  EXPECT_EQ(row(2), "2");
  EXPECT_EQ(row(3), "3");
  feed("\x1b[2M");
  EXPECT_EQ(row(1), "3");
  EXPECT_EQ(row(2), "");
  EXPECT_EQ(term->scrollback_size(), 0u);
}

TEST_F(Screen, DeleteLinesAtTheTopNeverFeedsScrollback) {
  make(3, 5);
  feed("1\r\n2\r\n3\x1b[H\x1b[M");
  EXPECT_EQ(row(0), "2");
  EXPECT_EQ(term->scrollback_size(), 0u);
}

TEST_F(Screen, ScrollUpAndDown) {
  make(3, 5);
  feed("1\r\n2\r\n3\x1b[S");
  EXPECT_EQ(row(0), "2");
  feed("\x1b[2T");
  EXPECT_EQ(row(0), "");
  EXPECT_EQ(row(2), "2");
}

TEST_F(Screen, ReverseIndexAtTopScrollsDown) {
  make(3, 5);
  feed("1\r\n2\r\n3\x1b[H\x1bM");
  EXPECT_EQ(row(0), "");
  EXPECT_EQ(row(1), "1");
}

TEST_F(Screen, LeftRightMarginsConfineScrolling) {
  make(3, 6);
  feed("abcdef\r\nghijkl\r\nmnopqr\x1b[?69h\x1b[2;4s\x1b[3;2H\n");
  EXPECT_EQ(row(0), "ahijef");
  EXPECT_EQ(row(1), "gnopkl");
  EXPECT_EQ(row(2), "m   qr");
}

TEST_F(Screen, TabStops) {
  feed("\tX");
  EXPECT_EQ(cursor_col(), 9);
  feed("\r\x1b[3g\x1b[5G\x1bH\r\tY");
  EXPECT_EQ(row(0).substr(0, 5), "    Y");
  feed("\r\x1b[10G\x1b[Z");
  EXPECT_EQ(cursor_col(), 4);
}

TEST_F(Screen, SaveAndRestoreCursorWithAttributes) {
  feed(
      "\x1b[3;4H\x1b[1;31m\x1b"
      "7\x1b[H\x1b[0m\x1b"
      "8X");
  EXPECT_EQ(row(2), "   X");
  EXPECT_TRUE(style_at(2, 3).has(attr::bold));
  EXPECT_EQ(style_at(2, 3).fg, Color::indexed(1));
}

TEST_F(Screen, AlternateScreen1049KeepsPrimaryAndCursor) {
  make(3, 10);
  feed("primary\x1b[2;3H\x1b[?1049h");
  EXPECT_TRUE(term->is_alt_screen());
  EXPECT_EQ(row(0), "");
  feed("alt text\r\n\r\n\r\n\r\n");
  EXPECT_EQ(term->scrollback_size(), 0u);  // the alternate screen feeds no history
  feed("\x1b[?1049l");
  EXPECT_FALSE(term->is_alt_screen());
  EXPECT_EQ(row(0), "primary");
  EXPECT_EQ(cursor_row(), 1);
  EXPECT_EQ(cursor_col(), 2);
}

TEST_F(Screen, AlternateScreen47And1047) {
  make(3, 10);
  feed("p\x1b[?47hA\x1b[?47l");
  EXPECT_EQ(row(0), "p");
  feed("\x1b[?47h");
  EXPECT_EQ(row(0), " A");  // 47 does not clear
  feed("\x1b[?47l\x1b[?1047hB\x1b[?1047l\x1b[?1047h");
  EXPECT_EQ(row(0), "");  // 1047 clears on leaving
}

TEST_F(Screen, DecSpecialGraphics) {
  feed("\x1b(0lqk\x1b(Bq");
  EXPECT_EQ(row(0), "\u250c\u2500\u2510q");
  feed("\r\n\x1b)0a\x0eq\x0fq");
  EXPECT_EQ(row(1), "a\u2500q");
}

TEST_F(Screen, SgrAttributesAndColours) {
  feed("\x1b[1;2;3;5;7;8;9;53mA\x1b[0m");
  const Style& s = style_at(0, 0);
  for (uint16_t f : {attr::bold, attr::faint, attr::italic, attr::blink, attr::inverse,
                     attr::invisible, attr::strikethrough, attr::overline})
    EXPECT_TRUE(s.has(f)) << f;
  feed("\x1b[31;42mB\x1b[91;102mC\x1b[38;5;200;48;5;17mD\x1b[38;2;1;2;3mE\x1b[48:2::4:5:6mF");
  EXPECT_EQ(style_at(0, 1).fg, Color::indexed(1));
  EXPECT_EQ(style_at(0, 1).bg, Color::indexed(2));
  EXPECT_EQ(style_at(0, 2).fg, Color::indexed(9));
  EXPECT_EQ(style_at(0, 2).bg, Color::indexed(10));
  EXPECT_EQ(style_at(0, 3).fg, Color::indexed(200));
  EXPECT_EQ(style_at(0, 3).bg, Color::indexed(17));
  EXPECT_EQ(style_at(0, 4).fg, Color::rgb(1, 2, 3));
  EXPECT_EQ(style_at(0, 5).bg, Color::rgb(4, 5, 6));
  feed("\x1b[0;38:5:99mG\x1b[38:2:7:8:9mH");
  EXPECT_EQ(style_at(0, 6).fg, Color::indexed(99));
  EXPECT_EQ(style_at(0, 7).fg, Color::rgb(7, 8, 9));
}

TEST_F(Screen, UnderlineStylesAndColour) {
  feed("\x1b[4:3;58:2::255:0:0mA\x1b[4:0mB\x1b[21mC\x1b[4:5mD\x1b[24;59mE");
  EXPECT_EQ(style_at(0, 0).underline, UnderlineStyle::curly);
  EXPECT_EQ(style_at(0, 0).underline_color, Color::rgb(255, 0, 0));
  EXPECT_EQ(style_at(0, 1).underline, UnderlineStyle::none);
  EXPECT_EQ(style_at(0, 2).underline, UnderlineStyle::double_);
  EXPECT_EQ(style_at(0, 3).underline, UnderlineStyle::dashed);
  EXPECT_EQ(style_at(0, 4).underline, UnderlineStyle::none);
  EXPECT_TRUE(style_at(0, 4).underline_color.is_default());
}

TEST_F(Screen, WideCharactersTakeTwoCells) {
  make(2, 5);
  feed("a\u4e2d");
  EXPECT_EQ(cell(0, 1).width, 2);
  EXPECT_TRUE(cell(0, 2).is_wide_tail());
  EXPECT_EQ(cursor_col(), 3);
  feed("b\u4e2d");  // no room in the last column: wraps whole
  EXPECT_EQ(row(0), "a\u4e2db");
  EXPECT_EQ(row(1), "\u4e2d");
}

TEST_F(Screen, OverwritingHalfAWideCharacterClearsTheOtherHalf) {
  make(2, 6);
  feed("\u4e2d\u6587\x1b[1;2HX");
  EXPECT_EQ(row(0), " X\u6587");
  feed("\x1b[1;4HY");
  EXPECT_EQ(row(0), " X Y");
}

TEST_F(Screen, CombiningMarksJoinThePreviousCell) {
  feed("e\u0301x");
  EXPECT_EQ(term->cell_text(cell(0, 0)), "e\u0301");
  EXPECT_EQ(term->cell_text(cell(0, 1)), "x");
  EXPECT_EQ(cursor_col(), 2);
}

TEST_F(Screen, EmojiZwjSequenceIsOneWideCell) {
  feed("\U0001F468\u200D\U0001F469\u200D\U0001F467!");
  EXPECT_EQ(term->cell_text(cell(0, 0)), "\U0001F468\u200D\U0001F469\u200D\U0001F467");
  EXPECT_EQ(cell(0, 0).width, 2);
  EXPECT_EQ(row(0), "\U0001F468\u200D\U0001F469\u200D\U0001F467!");
  EXPECT_EQ(cursor_col(), 3);
}

TEST_F(Screen, Vs16MakesANarrowSymbolWide) {
  feed("\u2764\uFE0Fx");
  EXPECT_EQ(cell(0, 0).width, 2);
  EXPECT_EQ(term->cell_text(cell(0, 2)), "x");
}

TEST_F(Screen, RegionalIndicatorsPairIntoFlags) {
  feed("\U0001F1E9\U0001F1EA\U0001F1EB\U0001F1F7");
  EXPECT_EQ(term->cell_text(cell(0, 0)), "\U0001F1E9\U0001F1EA");
  EXPECT_EQ(term->cell_text(cell(0, 2)), "\U0001F1EB\U0001F1F7");
}

TEST_F(Screen, GraphemeClusteringCanBeTurnedOff) {
  feed("\x1b[?2027l\U0001F468\u200D\U0001F469");
  EXPECT_EQ(term->cell_text(cell(0, 2)), "\U0001F469");
}

TEST_F(Screen, RepeatsTheLastCharacter) {
  feed("x\x1b[4b");
  EXPECT_EQ(row(0), "xxxxx");
  feed("\r\n\x1b[65535b");  // nothing printed on this row yet: nothing to repeat
  EXPECT_EQ(row(1), "");
}

TEST_F(Screen, RepeatCountIsBounded) {
  make(3, 4);
  feed("y\x1b[999999999b");
  EXPECT_EQ(row(0), "yyyy");
}

TEST_F(Screen, DecalnFillsWithE) {
  make(2, 3);
  feed("\x1b#8");
  EXPECT_EQ(row(0), "EEE");
  EXPECT_EQ(row(1), "EEE");
}

TEST_F(Screen, TitlesAndTitleStack) {
  feed("\x1b]2;first\x07");
  EXPECT_EQ(term->title(), "first");
  feed("\x1b[22t\x1b]0;second\x1b\\");
  EXPECT_EQ(term->title(), "second");
  EXPECT_EQ(term->icon_title(), "second");
  feed("\x1b[23t");
  EXPECT_EQ(term->title(), "first");
  feed("\x1b[21t");  // title report: never answered
  EXPECT_EQ(take_replies(), "");
}

TEST_F(Screen, TitleStackDepthIsBounded) {
  for (int i = 0; i < 50; ++i) feed("\x1b]2;t" + std::to_string(i) + "\x07\x1b[22t");
  for (int i = 0; i < 50; ++i) feed("\x1b[23t");
  EXPECT_EQ(term->title(), "t" + std::to_string(50 - kMaxTitleStack));
}

TEST_F(Screen, CwdHyperlinksAndPromptMarks) {
  feed("\x1b]7;file://host/tmp\x07");
  EXPECT_EQ(term->cwd(), "file://host/tmp");
  feed("\x1b]8;id=x;https://example.com\x07link\x1b]8;;\x07 plain");
  const Hyperlink* link = term->hyperlink(style_at(0, 0).link);
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->uri, "https://example.com");
  EXPECT_EQ(style_at(0, 5).link, 0u);
  feed("\r\n\x1b]133;A\x07$ \x1b]133;B\x07ls\r\n\x1b]133;C\x07");
  ASSERT_EQ(term->prompt_marks().size(), 3u);
  EXPECT_EQ(term->prompt_marks()[0].first, StableRow(1));
  EXPECT_EQ(term->prompt_marks()[2].second, PromptMark::output_start);
}

TEST_F(Screen, ClipboardSetAndQueryRefused) {
  feed("\x1b]52;c;aGVsbG8=\x07");
  ASSERT_EQ(recorder.clipboard.size(), 1u);
  EXPECT_EQ(recorder.clipboard[0], "c=hello");
  feed("\x1b]52;c;?\x07");
  EXPECT_EQ(take_replies(), "");
}

TEST_F(Screen, NotificationsAndProgress) {
  feed("\x1b]9;build done\x07\x1b]777;notify;Title;Body\x07\x1b]9;4;1;42\x07\x1b]9;4;0\x07");
  ASSERT_EQ(recorder.notifications.size(), 2u);
  EXPECT_EQ(recorder.notifications[0], "|build done");
  EXPECT_EQ(recorder.notifications[1], "Title|Body");
  ASSERT_EQ(recorder.progress.size(), 2u);
  EXPECT_EQ(recorder.progress[0], std::make_pair(1, 42));
  EXPECT_EQ(recorder.progress[1], std::make_pair(0, 0));
}

TEST_F(Screen, ColourQueriesAndChanges) {
  feed("\x1b]4;1;?\x07");
  EXPECT_EQ(take_replies(), "\x1b]4;1;rgb:cdcd/0000/0000\x1b\\");
  feed("\x1b]4;1;rgb:12/34/56\x07\x1b]4;1;?\x07");
  EXPECT_EQ(take_replies(), "\x1b]4;1;rgb:1212/3434/5656\x1b\\");
  feed("\x1b]104;1\x07\x1b]4;1;?\x07");
  EXPECT_EQ(take_replies(), "\x1b]4;1;rgb:cdcd/0000/0000\x1b\\");
  feed("\x1b]11;#102030\x07\x1b]11;?\x07");
  EXPECT_EQ(take_replies(), "\x1b]11;rgb:1010/2020/3030\x1b\\");
}

TEST_F(Screen, DeviceAttributesAndStatusReports) {
  feed("\x1b[c");
  EXPECT_EQ(take_replies(), "\x1b[?62;22c");
  feed("\x1b[>c");
  EXPECT_EQ(take_replies(), "\x1b[>1;10;0c");
  feed("\x1b[=c");
  EXPECT_EQ(take_replies(), "\x1bP!|00000000\x1b\\");
  feed("\x1b[5n");
  EXPECT_EQ(take_replies(), "\x1b[0n");
  feed("\x1b[3;7H\x1b[6n\x1b[?6n");
  EXPECT_EQ(take_replies(), "\x1b[3;7R\x1b[?3;7;1R");
  feed("\x1b[>q");
  EXPECT_EQ(take_replies().rfind("\x1bP>|cadence(", 0), 0u);
}

TEST_F(Screen, ModeReports) {
  feed("\x1b[?2004h\x1b[?2004$p\x1b[?2026$p\x1b[?9999$p\x1b[4$p");
  EXPECT_EQ(take_replies(), "\x1b[?2004;1$y\x1b[?2026;2$y\x1b[?9999;0$y\x1b[4;2$y");
}

TEST_F(Screen, StatusStrings) {
  feed("\x1b[1;4:3;38:5:56;48:2:1:2:3m\x1bP$qm\x1b\\");
  EXPECT_EQ(take_replies(), "\x1bP1$r1;4:3;38:5:56;48:2:1:2:3m\x1b\\");
  feed("\x1b[5;20r\x1bP$qr\x1b\\");
  EXPECT_EQ(take_replies(), "\x1bP1$r5;20r\x1b\\");
  feed("\x1b[6 q\x1bP$q q\x1b\\");
  EXPECT_EQ(take_replies(), "\x1bP1$r6 q\x1b\\");
  feed("\x1bP$qx\x1b\\");
  EXPECT_EQ(take_replies(), "\x1bP0$r\x1b\\");
}

TEST_F(Screen, TermcapQueries) {
  feed("\x1bP+q544e;436f\x1b\\");  // TN;Co
  EXPECT_EQ(take_replies(), "\x1bP1+r544e=787465726D2D323536636F6C6F72;436f=323536\x1b\\");
  feed("\x1bP+q7878\x1b\\");
  EXPECT_EQ(take_replies(), "\x1bP0+r7878\x1b\\");
}

TEST(TermcapName, TnIsTheTermTheProgramWasGiven) {
  vt::Terminal::Options o;
  o.term_name = "cadence";
  vt::Terminal t(o);
  struct Replies : vt::TerminalObserver {
    std::string got;
    void on_reply(std::string_view bytes) override { got += bytes; }
  } replies;
  t.set_observer(&replies);
  t.feed("\x1bP+q544e\x1b\\");
  EXPECT_EQ(replies.got, "\x1bP1+r544e=636164656E6365\x1b\\");  // "cadence"
  t.set_observer(nullptr);
}

TEST_F(Screen, SizeReports) {
  term->set_cell_size_px(9, 18);
  feed("\x1b[18t\x1b[14t\x1b[16t");
  EXPECT_EQ(take_replies(), "\x1b[8;24;80t\x1b[4;432;720t\x1b[6;18;9t");
}

TEST_F(Screen, RectangleChecksumMatchesXterm) {
  make(3, 5);
  feed("AB");
  feed("\x1b[1;1;1;1;1;2*y");
  // xterm: -(0x41 + 0x42) & 0xffff
  EXPECT_EQ(take_replies(), "\x1bP1!~FF7D\x1b\\");
}

TEST_F(Screen, CursorStyle) {
  feed("\x1b[5 q");
  EXPECT_EQ(term->cursor_shape(), CursorShape::bar);
  EXPECT_TRUE(term->cursor_blinking());
  feed("\x1b[4 q");
  EXPECT_EQ(term->cursor_shape(), CursorShape::underline);
  EXPECT_FALSE(term->cursor_blinking());
}

TEST_F(Screen, CursorStyleZeroAndResetReturnToTheUsersStyle) {
  term->set_default_cursor(CursorShape::bar, false);
  EXPECT_EQ(term->cursor_shape(), CursorShape::bar);
  EXPECT_FALSE(term->cursor_blinking());
  feed("\x1b[1 q");  // a program's choice stays until it says otherwise
  EXPECT_EQ(term->cursor_shape(), CursorShape::block);
  term->set_default_cursor(CursorShape::underline, true);
  EXPECT_EQ(term->cursor_shape(), CursorShape::block);
  feed("\x1b[0 q");
  EXPECT_EQ(term->cursor_shape(), CursorShape::underline);
  EXPECT_TRUE(term->cursor_blinking());
  feed(
      "\x1b[6 q\x1b"
      "c");  // RIS
  EXPECT_EQ(term->cursor_shape(), CursorShape::underline);
}

TEST_F(Screen, TrackedModes) {
  feed("\x1b[?1h\x1b=\x1b[?2004h\x1b[?1004h\x1b[?1002h\x1b[?1006h\x1b[?2026h\x1b[?25l");
  const Modes& m = term->modes();
  EXPECT_TRUE(m.cursor_keys_application);
  EXPECT_TRUE(m.keypad_application);
  EXPECT_TRUE(m.bracketed_paste);
  EXPECT_TRUE(m.focus_events);
  EXPECT_EQ(m.mouse, MouseTracking::button_event);
  EXPECT_EQ(m.mouse_encoding, MouseEncoding::sgr);
  EXPECT_TRUE(m.synchronized_output);
  EXPECT_FALSE(m.cursor_visible);
}

TEST_F(Screen, KittyKeyboardFlagStack) {
  feed("\x1b[>1u\x1b[>3u\x1b[?u");
  EXPECT_EQ(take_replies(), "\x1b[?3u");
  feed("\x1b[<u\x1b[?u");
  EXPECT_EQ(take_replies(), "\x1b[?1u");
  feed("\x1b[=4;2u\x1b[?u");
  EXPECT_EQ(take_replies(), "\x1b[?5u");
  feed("\x1b[?1049h\x1b[?u");  // each screen has its own stack
  EXPECT_EQ(take_replies(), "\x1b[?0u");
}

TEST_F(Screen, SoftAndHardReset) {
  feed("\x1b[4h\x1b[?6h\x1b[1mX\x1b[!p");
  EXPECT_FALSE(term->modes().insert);
  feed("Y");
  EXPECT_FALSE(style_at(0, 1).has(attr::bold));
  feed(
      "\x1b]2;t\x07\x1b"
      "c");
  EXPECT_EQ(term->title(), "");
  EXPECT_EQ(row(0), "");
  EXPECT_EQ(cursor_col(), 0);
}

TEST_F(Screen, RowVersionsTrackChanges) {
  make(4, 10);
  uint64_t v0 = term->version();
  feed("\x1b[3;1Hhello");
  std::vector<int> changed;
  term->changed_rows(v0, Row(0), Row(4), [&](Row r, const Line&) { changed.push_back(r.get()); });
  EXPECT_EQ(changed, std::vector<int>{2});
  uint64_t v1 = term->version();
  feed("\x1b[1;1H");  // cursor motion changes no row
  changed.clear();
  term->changed_rows(v1, Row(0), Row(4), [&](Row r, const Line&) { changed.push_back(r.get()); });
  EXPECT_TRUE(changed.empty());
}

TEST_F(Screen, ScrollingIntoHistoryKeepsStableRowsAndVersions) {
  make(3, 10);
  feed("a\r\nb\r\nc");
  uint64_t v = term->version();
  EXPECT_EQ(term->stable_row(Row(0)), StableRow(0));
  feed("\r\nd");
  EXPECT_EQ(term->stable_row(Row(0)), StableRow(1));  // "b" is still stable row 1
  std::vector<int> changed;
  term->changed_rows(v, Row(0), Row(3), [&](Row r, const Line&) { changed.push_back(r.get()); });
  EXPECT_EQ(changed, std::vector<int>{2});  // only the new row
}

TEST_F(Screen, StyleTableCompactsWhenFull) {
  make(2, 10);
  for (int i = 0; i < 70000; ++i) {
    feed("\x1b[38;2;" + std::to_string(i & 255) + ";" + std::to_string((i >> 8) & 255) + ";" +
         std::to_string(i >> 16) + "mx");
  }
  EXPECT_LE(term->style_table_size(), StyleTable::kCapacity);
  // The screen still shows the last colour written.
  feed("\x1b[38;2;1;2;3mZ");
  EXPECT_EQ(style_at(cursor_row(), cursor_col() - 1).fg, Color::rgb(1, 2, 3));
}

TEST_F(Screen, HostileInputNeverCrashes) {
  make(5, 7);
  std::string junk;
  uint32_t x = 12345;
  for (int i = 0; i < 200000; ++i) {
    x = x * 1103515245 + 12345;
    junk.push_back(static_cast<char>(x >> 16));
  }
  feed(junk);
  feed(
      "\x1b[0m\x1b"
      "c\x1b[HOK");
  EXPECT_EQ(row(0), "OK");
}

}  // namespace
}  // namespace cadence::vt::testing
