// Selection: real output fed to a terminal, points picked on its screen and history.
#include "ui/selection.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "vt/terminal.hpp"

namespace cadence::ui::testing {
namespace {

using Mode = ui::Selection::Mode;

class SelectionFixture : public ::testing::Test {
 protected:
  void make(int rows, int cols, size_t scrollback = 1000) {
    vt::Terminal::Options o;
    o.rows = rows;
    o.cols = cols;
    o.scrollback_lines = scrollback;
    term = std::make_unique<vt::Terminal>(o);
  }
  void SetUp() override { make(5, 80); }
  void feed(std::string_view bytes) { term->feed(bytes); }
  // A point on the visible screen.
  SelectionPoint at(int row, int col) const {
    return ui::Selection::point_at(*term, Row(row), Column(col));
  }
  std::string select_word(int row, int col) {
    sel.begin(*term, at(row, col), Mode::word);
    return sel.text(*term);
  }

  std::unique_ptr<vt::Terminal> term;
  ui::Selection sel;
};

// Test names read as Selection.<Behaviour>.
using Selection = SelectionFixture;

TEST_F(Selection, CellRangeText) {
  feed("hello world\r\nsecond line");
  sel.begin(*term, at(0, 6), Mode::cell);
  sel.extend(*term, at(1, 5));
  EXPECT_EQ(sel.text(*term), "world\nsecond");
  // Dragging backwards selects the same cells.
  sel.begin(*term, at(1, 5), Mode::cell);
  sel.extend(*term, at(0, 6));
  EXPECT_EQ(sel.text(*term), "world\nsecond");
  EXPECT_EQ(sel.start(), at(0, 6));
  EXPECT_EQ(sel.end(), at(1, 5));
}

TEST_F(Selection, ContainsFollowsTheNormalizedRange) {
  feed("abcdef\r\nghijkl\r\nmnopqr");
  sel.begin(*term, at(2, 1), Mode::cell);
  sel.extend(*term, at(0, 4));
  EXPECT_FALSE(sel.contains(at(0, 3).row, Column(3)));
  EXPECT_TRUE(sel.contains(at(0, 4).row, Column(4)));
  EXPECT_TRUE(sel.contains(at(1, 0).row, Column(0)));
  EXPECT_TRUE(sel.contains(at(1, 39).row, Column(39)));
  EXPECT_TRUE(sel.contains(at(2, 1).row, Column(1)));
  EXPECT_FALSE(sel.contains(at(2, 2).row, Column(2)));
  sel.clear();
  EXPECT_FALSE(sel.contains(at(1, 0).row, Column(0)));
  EXPECT_EQ(sel.text(*term), "");
}

TEST_F(Selection, TrailingBlanksOfEachRowDropped) {
  feed("ab   \r\ncd\r\n\r\nef");
  sel.begin(*term, at(0, 0), Mode::cell);
  sel.extend(*term, at(3, 39));
  EXPECT_EQ(sel.text(*term), "ab\ncd\n\nef");
  // Blanks between characters are spaces.
  feed("\x1b[5;1Hx\x1b[5;5Hy");
  sel.begin(*term, at(4, 0), Mode::line);
  EXPECT_EQ(sel.text(*term), "x   y");
}

TEST_F(Selection, SoftWrappedRowsJoinWithoutNewline) {
  make(4, 5);
  feed("hello world\r\nnext");
  sel.begin(*term, at(0, 0), Mode::cell);
  sel.extend(*term, at(3, 4));
  // "hello" / " worl" / "d": the space at the wrap is text and is kept.
  EXPECT_EQ(sel.text(*term), "hello world\nnext");
}

TEST_F(Selection, WideCharCopiedOnce) {
  feed(
      "a\xe6\xbc\xa2\xe5\xad\x97"
      "b");  // a 漢 字 b: columns 0, 1-2, 3-4, 5
  sel.begin(*term, at(0, 0), Mode::cell);
  sel.extend(*term, at(0, 5));
  EXPECT_EQ(sel.text(*term), "a漢字b");
  // Starting on the right half of a wide character takes the whole character, and ending
  // on a left half takes its right half too.
  sel.begin(*term, at(0, 2), Mode::cell);
  sel.extend(*term, at(0, 3));
  EXPECT_EQ(sel.text(*term), "漢字");
  EXPECT_EQ(sel.start().col, Column(1));
  EXPECT_EQ(sel.end().col, Column(4));
}

TEST_F(Selection, WideCharThatWrappedLeavesNoGap) {
  make(3, 4);
  feed("abc\xe6\xbc\xa2");  // 漢 does not fit in column 3: it wraps, column 3 stays blank
  sel.begin(*term, at(0, 0), Mode::cell);
  sel.extend(*term, at(1, 3));
  EXPECT_EQ(sel.text(*term), "abc漢");
}

TEST_F(Selection, GraphemeClustersStayWhole) {
  // e + combining acute, and a family emoji joined by ZWJs, each one cluster.
  feed("xe\xcc\x81y \xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7 z");
  sel.begin(*term, at(0, 0), Mode::line);
  EXPECT_EQ(sel.text(*term), "xe\xcc\x81y \xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7 z");
  sel.begin(*term, at(0, 1), Mode::cell);
  EXPECT_EQ(sel.text(*term), "e\xcc\x81");
}

TEST_F(Selection, WordSelectsUrl) {
  feed("see https://example.com/a_b?x=1&y=2#frag now");
  EXPECT_EQ(select_word(0, 10), "https://example.com/a_b?x=1&y=2#frag");
  EXPECT_EQ(select_word(0, 1), "see");
  EXPECT_EQ(select_word(0, 42), "now");
}

TEST_F(Selection, WordSelectsPathsAndAddresses) {
  feed("rm ~/src/cadence-0.1/build_dir/a.o user@host:22 (paren) 'quoted'");
  EXPECT_EQ(select_word(0, 5), "~/src/cadence-0.1/build_dir/a.o");
  EXPECT_EQ(select_word(0, 37), "user@host:22");
  EXPECT_EQ(select_word(0, 50), "paren");
  EXPECT_EQ(select_word(0, 59), "quoted");
  // Punctuation outside the word set selects itself only.
  EXPECT_EQ(select_word(0, 48), "(");
}

TEST_F(Selection, WordCharactersAreConfigurable) {
  feed("https://example.com/path");
  sel.set_word_chars(U"");
  EXPECT_EQ(select_word(0, 1), "https");
  EXPECT_EQ(select_word(0, 10), "example");
  sel.set_word_chars(ui::Selection::kDefaultWordChars);
  EXPECT_EQ(select_word(0, 10), "https://example.com/path");
}

TEST_F(Selection, WordIncludesLettersOfAnyScript) {
  feed("grüße мир 漢字です, done");
  EXPECT_EQ(select_word(0, 2), "grüße");
  EXPECT_EQ(select_word(0, 7), "мир");
  EXPECT_EQ(select_word(0, 11), "漢字です");
}

TEST_F(Selection, WordFollowsSoftWrap) {
  make(4, 10);
  feed("go https://example.com/x ok");
  // "go https:/" / "/example.c" / "om/x ok"
  EXPECT_EQ(select_word(1, 3), "https://example.com/x");
  EXPECT_EQ(select_word(0, 4), "https://example.com/x");
  EXPECT_EQ(select_word(2, 5), "ok");
}

TEST_F(Selection, WordModeExtendsByWholeWords) {
  feed("one two three four");
  sel.begin(*term, at(0, 5), Mode::word);  // "two"
  sel.extend(*term, at(0, 10));
  EXPECT_EQ(sel.text(*term), "two three");
  sel.extend(*term, at(0, 1));
  EXPECT_EQ(sel.text(*term), "one two");
}

TEST_F(Selection, LineSelectsWrappedLine) {
  make(5, 10);
  feed("0123456789abcdef\r\nnext");
  sel.begin(*term, at(1, 2), Mode::line);
  EXPECT_EQ(sel.text(*term), "0123456789abcdef");
  EXPECT_EQ(sel.start(), at(0, 0));
  EXPECT_EQ(sel.end(), at(1, 9));
  sel.begin(*term, at(0, 5), Mode::line);
  EXPECT_EQ(sel.text(*term), "0123456789abcdef");
  sel.begin(*term, at(2, 0), Mode::line);
  EXPECT_EQ(sel.text(*term), "next");
  // Extending a line selection takes whole lines.
  sel.begin(*term, at(2, 3), Mode::line);
  sel.extend(*term, at(1, 0));
  EXPECT_EQ(sel.text(*term), "0123456789abcdef\nnext");
}

TEST_F(Selection, RectangularSelection) {
  feed("abcdef\r\ngh\r\nmnopqr");
  sel.begin(*term, at(2, 3), Mode::cell, true);
  sel.extend(*term, at(0, 1));
  EXPECT_TRUE(sel.rectangular());
  EXPECT_EQ(sel.text(*term), "bcd\nh\nnop");
  EXPECT_TRUE(sel.contains(at(1, 2).row, Column(2)));
  EXPECT_FALSE(sel.contains(at(1, 4).row, Column(4)));
  EXPECT_FALSE(sel.contains(at(0, 0).row, Column(0)));
}

TEST_F(Selection, TextSpansScrollback) {
  make(3, 20);
  feed("l0\r\nl1\r\nl2 is longer\r\nl3\r\nl4");
  ASSERT_EQ(term->scrollback_size(), 2u);
  // Row 0 of history is two rows above the screen.
  SelectionPoint top = ui::Selection::point_at(*term, Row(0), Column(0), 2);
  EXPECT_EQ(top.row, StableRow(0));
  sel.begin(*term, top, Mode::cell);
  sel.extend(*term, at(2, 1));
  EXPECT_EQ(sel.text(*term), "l0\nl1\nl2 is longer\nl3\nl4");
  // Word and line modes read history rows too.
  sel.begin(*term, ui::Selection::point_at(*term, Row(0), Column(1), 1), Mode::word);
  EXPECT_EQ(sel.text(*term), "l1");
}

TEST_F(Selection, WrappedLineInScrollback) {
  make(2, 6);
  feed("abcdefghij\r\nx\r\ny\r\nz");
  // "abcdef" / "ghij" are both in the scrollback now.
  ASSERT_GE(term->scrollback_size(), 2u);
  sel.begin(*term, {StableRow(1), Column(1)}, Mode::line);
  EXPECT_EQ(sel.text(*term), "abcdefghij");
  EXPECT_EQ(sel.start().row, StableRow(0));
}

TEST_F(Selection, StaysOnTextWhenOutputScrolls) {
  make(3, 20);
  feed("alpha\r\nbeta\r\ngamma");
  sel.begin(*term, at(1, 0), Mode::word);
  ASSERT_EQ(sel.text(*term), "beta");
  const StableRow selected = at(1, 0).row;
  feed("\r\ndelta\r\nepsilon\r\nzeta");
  // "beta" has scrolled into the scrollback; the selection is still on it.
  EXPECT_FALSE(sel.invalidated_by(*term));
  EXPECT_EQ(sel.text(*term), "beta");
  EXPECT_TRUE(sel.contains(selected, Column(2)));
  EXPECT_EQ(term->row_text(Row(0)), "delta");
  EXPECT_FALSE(sel.contains(at(0, 0).row, Column(0)));
}

TEST_F(Selection, InvalidatedWhenSelectedTextChanges) {
  feed("one\r\ntwo\r\nthree");
  sel.begin(*term, at(1, 0), Mode::line);
  EXPECT_FALSE(sel.invalidated_by(*term));
  // Output on other rows leaves it alone.
  feed("\x1b[3;1Hthree and more");
  EXPECT_FALSE(sel.invalidated_by(*term));
  EXPECT_EQ(sel.text(*term), "two");
  // Overwriting the selected row does not.
  feed("\x1b[2;1HTWO");
  EXPECT_TRUE(sel.invalidated_by(*term));
}

TEST_F(Selection, InvalidatedByClearAltScreenAndResize) {
  feed("one\r\ntwo");
  sel.begin(*term, at(0, 0), Mode::line);
  feed("\x1b[2J");
  EXPECT_TRUE(sel.invalidated_by(*term));

  sel.begin(*term, at(0, 0), Mode::line);
  feed("\x1b[?1049h");
  EXPECT_TRUE(sel.invalidated_by(*term));
  feed("\x1b[?1049l");

  sel.begin(*term, at(0, 0), Mode::line);
  term->resize(5, 30);
  EXPECT_TRUE(sel.invalidated_by(*term));
}

TEST_F(Selection, ClampsRowsDroppedFromScrollback) {
  make(2, 10, 3);
  for (int i = 0; i < 5; ++i) feed("row" + std::to_string(i) + "\r\n");
  // History holds row1..row3 (stable rows 1..3); row0 has been dropped.
  ASSERT_EQ(term->scrollback_size(), 3u);
  ASSERT_EQ(term->history_total(), 4u);
  sel.begin(*term, {StableRow(0), Column(5)}, Mode::cell);
  EXPECT_EQ(sel.start(), (SelectionPoint{StableRow(1), Column(0)}));
  sel.extend(*term, {StableRow(2), Column(9)});
  EXPECT_EQ(sel.text(*term), "row1\nrow2");
  // One more line pushes row1 out: the text keeps what is left.
  feed("row5\r\n");
  EXPECT_FALSE(sel.invalidated_by(*term));
  EXPECT_EQ(sel.text(*term), "row2");
  // Once every selected row is gone there is nothing left to hold on to.
  feed("row6\r\n");
  EXPECT_TRUE(sel.invalidated_by(*term));
  EXPECT_EQ(sel.text(*term), "");
  // Points past the bottom clamp to the last cell.
  sel.begin(*term, {StableRow(1000), Column(500)}, Mode::cell);
  EXPECT_EQ(sel.start(), at(1, 9));
}

}  // namespace
}  // namespace cadence::ui::testing
