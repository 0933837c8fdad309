// Resizing: reflow of wrapped lines, cursor tracking, height changes, the alt screen.
#include <gtest/gtest.h>

#include "vt_fixture.hpp"

namespace cadence::vt::testing {
namespace {

using Reflow = VtTest;

TEST_F(Reflow, WiderJoinsWrappedLines) {
  make(5, 10);
  feed(std::string(12, 'A'));
  term->resize(5, 15);
  EXPECT_EQ(row(0), std::string(12, 'A'));
  EXPECT_EQ(row(1), "");
  EXPECT_EQ(cursor_row(), 0);
  EXPECT_EQ(cursor_col(), 12);
}

TEST_F(Reflow, NarrowerSplitsAndKeepsCursorOnItsCharacter) {
  make(5, 10);
  feed("ABCDEFGHI\x1b[1;3H");
  term->resize(5, 4);
  EXPECT_EQ(row(0), "ABCD");
  EXPECT_EQ(row(1), "EFGH");
  EXPECT_EQ(row(2), "I");
  EXPECT_EQ(cursor_row(), 0);
  EXPECT_EQ(cursor_col(), 2);
  feed("x");
  EXPECT_EQ(row(0), "ABxD");
}

TEST_F(Reflow, ReflowKeepsCursorOnWrappedLine) {
  make(5, 10);
  feed("0123456789abcdef");  // cursor after 'f', on the wrapped row
  term->resize(5, 20);
  EXPECT_EQ(row(0), "0123456789abcdef");
  EXPECT_EQ(cursor_row(), 0);
  EXPECT_EQ(cursor_col(), 16);
  term->resize(5, 5);
  EXPECT_EQ(row(3), "f");
  EXPECT_EQ(cursor_row(), 3);
  EXPECT_EQ(cursor_col(), 1);
}

TEST_F(Reflow, HardLineBreaksStay) {
  make(5, 10);
  feed("ab\r\ncd");
  term->resize(5, 20);
  EXPECT_EQ(row(0), "ab");
  EXPECT_EQ(row(1), "cd");
}

TEST_F(Reflow, WideCharactersAreNeverSplit) {
  make(3, 6);
  feed("ab\u4e2d\u6587");  // a b [中] [文] = 6 cells
  term->resize(3, 5);
  EXPECT_EQ(row(0), "ab\u4e2d");
  EXPECT_EQ(row(1), "\u6587");
}

TEST_F(Reflow, ScrollbackReflowsToo) {
  make(2, 10, 100);
  feed(std::string(15, 'x') + "\r\nA\r\nB\r\nC");
  ASSERT_GT(term->scrollback_size(), 0u);
  term->resize(2, 20);
  EXPECT_EQ(text(), std::string(15, 'x') + "\nA\nB\nC\n");
  term->resize(2, 5);
  EXPECT_EQ(text(), "xxxxx\nxxxxx\nxxxxx\nA\nB\nC\n");
}

TEST_F(Reflow, UnchangedHistoryRowsKeepTheirVersions) {
  make(2, 10, 100);
  feed("short\r\nline\r\nmore\r\nend");
  uint64_t v = term->scrollback_line(0).version();
  term->resize(2, 20);
  EXPECT_EQ(term->scrollback_line(0).version(), v);
}

TEST_F(Reflow, RowsReflowDidNotChangeKeepTheirVersions) {
  make(5, 20, 100);
  feed("short\r\n" + std::string(25, 'w') + "\r\nend");
  const uint64_t short_version = term->line(Row(0)).version;
  const uint64_t end_version = term->line(Row(3)).version;
  const uint64_t epoch = term->history_epoch();
  term->resize(5, 30);
  // The wrapped pair became one row, so "end" moved up: same cells, same version.
  EXPECT_EQ(row(0), "short");
  EXPECT_EQ(term->line(Row(0)).version, short_version);
  EXPECT_EQ(row(1), std::string(25, 'w'));
  EXPECT_GT(term->line(Row(1)).version, end_version);
  EXPECT_EQ(row(2), "end");
  EXPECT_EQ(term->line(Row(2)).version, end_version);
  EXPECT_EQ(term->history_epoch(), epoch + 1);
}

TEST_F(Reflow, HeightChangeKeepsVersionsStableRowsAndEpoch) {
  make(4, 10, 100);
  feed("1\r\n2\r\n3\r\n4");
  const uint64_t v3 = term->line(Row(2)).version;
  const StableRow s3 = term->stable_row(Row(2));
  const uint64_t epoch = term->history_epoch();
  term->resize(2, 10);  // rows 1 and 2 go into the scrollback
  EXPECT_EQ(row(0), "3");
  EXPECT_EQ(term->line(Row(0)).version, v3);
  EXPECT_EQ(term->stable_row(Row(0)), s3);
  term->resize(6, 10);  // they come back, re-versioned; "3" stays where it was
  EXPECT_EQ(row(2), "3");
  EXPECT_EQ(term->line(Row(2)).version, v3);
  EXPECT_EQ(term->stable_row(Row(2)), s3);
  EXPECT_GT(term->line(Row(0)).version, v3);
  EXPECT_EQ(term->history_epoch(), epoch);
}

TEST_F(Reflow, ShorterWithBlanksBelowCursorJustTruncates) {
  make(10, 10);
  feed("top\x1b[4;1Hline4");
  term->resize(5, 10);
  EXPECT_EQ(row(0), "top");
  EXPECT_EQ(row(3), "line4");
  EXPECT_EQ(term->scrollback_size(), 0u);
}

TEST_F(Reflow, ShorterWithContentScrollsIntoHistory) {
  make(10, 10);
  feed("top\x1b[10;1Hbottom\x1b[7;1H");
  term->resize(5, 10);
  EXPECT_EQ(row(4), "bottom");
  EXPECT_EQ(cursor_row(), 1);
  EXPECT_EQ(term->scrollback_size(), 5u);
  EXPECT_EQ(term->scrollback_line(0).text(), "top");
}

TEST_F(Reflow, TallerPullsRowsBackFromHistory) {
  make(3, 10);
  feed("1\r\n2\r\n3\r\n4\r\n5");
  term->resize(5, 10);
  EXPECT_EQ(row(0), "1");
  EXPECT_EQ(row(4), "5");
  EXPECT_EQ(cursor_row(), 4);
  EXPECT_EQ(term->scrollback_size(), 0u);
}

TEST_F(Reflow, AltScreenNeverReflowsIntoScrollback) {
  make(3, 10);
  feed("\x1b[?1049h" + std::string(10, 'z') + "q");
  term->resize(3, 5);
  EXPECT_EQ(row(0), "zzzzz");
  EXPECT_EQ(row(1), "q");
  EXPECT_EQ(term->scrollback_size(), 0u);
  feed("\x1b[?1049l");
  EXPECT_EQ(row(0), "");
}

TEST_F(Reflow, PrimaryReflowsWhileAltScreenIsShown) {
  make(3, 10);
  feed(std::string(15, 'p') + "\x1b[?1049h");
  term->resize(3, 20);
  feed("\x1b[?1049l");
  EXPECT_EQ(row(0), std::string(15, 'p'));
  EXPECT_EQ(cursor_col(), 15);
}

TEST_F(Reflow, ResizeStormEndsAtTheRightPlace) {
  make(10, 40, 1000);
  for (int i = 0; i < 50; ++i)
    feed("line " + std::to_string(i) + " " + std::string(i % 37, '.') + "\r\n");
  std::string before = text();
  for (int w = 40; w >= 7; --w) term->resize(10, w);
  for (int w = 7; w <= 40; ++w) term->resize(10, w);
  EXPECT_EQ(text(), before);
}

TEST_F(Reflow, WideCharacterOnAOneColumnScreenIsKeptNarrowed) {
  make(3, 4);
  feed("\u4e2d\u6587");
  term->resize(3, 1);  // found by the fuzzer: this used to split forever
  EXPECT_EQ(text(), "\u4e2d\n\u6587\n");
}

TEST_F(Reflow, DimensionsAreClamped) {
  term->resize(0, 100000);
  EXPECT_EQ(term->rows(), 1);
  EXPECT_EQ(term->cols(), kMaxDimension);
}

}  // namespace
}  // namespace cadence::vt::testing
