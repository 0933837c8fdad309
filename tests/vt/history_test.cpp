// History packing: lines that scroll off stay live rows until something needs them
// packed, and a flood through a bounded scrollback never packs what it drops.
#include <gtest/gtest.h>

#include <string>

#include "vt/terminal.hpp"
#include "vt/utf8.hpp"

namespace cadence::vt {
namespace {

Terminal make(int rows, int cols, size_t scrollback) {
  Terminal::Options o;
  o.rows = rows;
  o.cols = cols;
  o.scrollback_lines = scrollback;
  return Terminal(o);
}

void print_lines(Terminal& t, int first, int count) {
  std::string out;
  for (int i = first; i < first + count; ++i) out += "line " + std::to_string(i) + "\r\n";
  t.feed(out);
}

TEST(History, ScrolledLinesArePackedOnlyWhenRead) {
  Terminal t = make(5, 20, 100);
  print_lines(t, 0, 30);  // 26 lines leave a 5-row screen (the cursor sits on the 5th)
  EXPECT_EQ(t.scrollback_size(), 26u);
  EXPECT_EQ(t.unpacked_history(), 26u);
  EXPECT_EQ(t.scrollback_line(0).text(), "line 0");
  EXPECT_EQ(t.unpacked_history(), 0u) << "reading history packs it";
  EXPECT_EQ(t.scrollback_line(25).text(), "line 25");
}

TEST(History, CompactHistoryPacksEverything) {
  Terminal t = make(5, 20, 100);
  print_lines(t, 0, 10);
  ASSERT_GT(t.unpacked_history(), 0u);
  const size_t before = t.scrollback_size();
  t.compact_history();
  EXPECT_EQ(t.unpacked_history(), 0u);
  EXPECT_EQ(t.scrollback_size(), before);
  EXPECT_EQ(t.scrollback_line(0).text(), "line 0");
}

TEST(History, FloodKeepsTheLastLinesUnpacked) {
  Terminal t = make(5, 20, 50);
  print_lines(t, 0, 5000);
  EXPECT_EQ(t.scrollback_size(), 50u);
  EXPECT_EQ(t.unpacked_history(), 50u) << "nothing read the history: nothing was packed";
  EXPECT_EQ(t.history_total(), 4996u);
  EXPECT_EQ(t.scrollback_line(0).text(), "line 4946");
  EXPECT_EQ(t.scrollback_line(49).text(), "line 4995");
}

TEST(History, UnpackedPartIsBoundedInBytes) {
  // Full 2000-column rows: 16 KB of cells each, so at most 1024 of them stay unpacked.
  Terminal t = make(3, 2000, 5000);
  std::string out;
  for (int i = 0; i < 3000; ++i) {
    std::string line = "line " + std::to_string(i) + " ";
    line.resize(2000, 'x');
    out += line;  // exactly the width: the next line starts on a new row by wrapping
  }
  t.feed(out);
  // The last three lines are on the screen, the cursor waiting to wrap after the last.
  EXPECT_EQ(t.scrollback_size(), 2997u);
  EXPECT_GT(t.unpacked_history(), 0u);
  EXPECT_LE(t.unpacked_history(), kMaxUnpackedHistoryBytes / (2000 * sizeof(Cell)));
  EXPECT_LE(t.scrollback_heap_bytes(), kMaxUnpackedHistoryBytes + 2997u * 2000u);
  EXPECT_EQ(t.scrollback_line(0).text().substr(0, 7), "line 0 ");
  EXPECT_EQ(t.scrollback_line(2996).text().substr(0, 10), "line 2996 ");
}

TEST(History, UnpackedLinesKeepOnlyTheirUsedCells) {
  // Short lines on a wide screen cost their text, not the width of the screen.
  Terminal t = make(3, 2000, 5000);
  print_lines(t, 0, 3000);
  EXPECT_EQ(t.unpacked_history(), 2998u);
  EXPECT_LT(t.scrollback_heap_bytes(), 2998u * 2000u * sizeof(Cell) / 10);
  EXPECT_EQ(t.scrollback_line(0).text(), "line 0");
  EXPECT_EQ(t.scrollback_line(2997).text(), "line 2997");
}

TEST(History, LinesKeepTheirContentThroughTheRing) {
  // Enough varied lines to wrap the ring buffer around more than once, with a bounded
  // scrollback dropping the oldest: every line that is left reads back exactly.
  Terminal t = make(4, 120, 300);
  std::string out;
  for (int i = 0; i < 5000; ++i) {
    out += "\x1b[3" + std::to_string(i % 8) + "m" + std::to_string(i) + ":";
    out += std::string(static_cast<size_t>(i * 7 % 110), static_cast<char>('a' + i % 26));
    out += "\x1b[0m\r\n";
  }
  t.feed(out);
  ASSERT_EQ(t.scrollback_size(), 300u);
  for (size_t k = 0; k < 300; ++k) {
    int i = 5000 - 3 - 300 + static_cast<int>(k);
    std::string want =
        std::to_string(i) + ":" +
        std::string(static_cast<size_t>(i * 7 % 110), static_cast<char>('a' + i % 26));
    ASSERT_EQ(t.scrollback_line(k).text(), want) << "line " << i;
  }
}

TEST(History, VersionsSurvivePacking) {
  Terminal t = make(3, 20, 10);
  t.feed("a\r\nb\r\n");
  const uint64_t v = t.version();
  t.feed("c\r\nd\r\n");
  ASSERT_EQ(t.scrollback_size(), 2u);
  EXPECT_LE(t.scrollback_line(0).version(), v);
  EXPECT_GT(t.scrollback_line(0).version(), 0u);
}

TEST(History, ReflowSeesUnpackedLines) {
  Terminal t = make(3, 10, 100);
  t.feed("0123456789abcdefghij\r\nnext\r\nmore\r\nend");
  ASSERT_GT(t.unpacked_history(), 0u);
  t.resize(3, 20);
  std::string all;
  for (size_t i = 0; i < t.scrollback_size(); ++i) all += t.scrollback_line(i).text() + "|";
  for (int r = 0; r < t.rows(); ++r) all += t.row_text(Row(r)) + "|";
  EXPECT_EQ(all, "0123456789abcdefghij|next|more|end|");
}

TEST(History, EraseSavedLinesDropsUnpackedOnesToo) {
  Terminal t = make(3, 20, 100);
  print_lines(t, 0, 10);
  ASSERT_GT(t.unpacked_history(), 0u);
  t.feed("\x1b[3J");
  EXPECT_EQ(t.scrollback_size(), 0u);
  EXPECT_EQ(t.unpacked_history(), 0u);
}

}  // namespace
}  // namespace cadence::vt

namespace cadence::vt {
namespace {

TEST(History, RowsBelowARegionThatFedHistoryAreReversioned) {
  Terminal t = make(6, 20, 100);
  t.feed("a\r\nb\r\nc\r\nd\r\nstatus");
  const uint64_t status_version = t.line(Row(4)).version;
  // Region rows 1-3 from the top: scrolling it sends "a" to the history and every
  // stable row moves by one, "status" included, though it stays on row 4.
  t.feed("\x1b[1;4r\x1b[4;1H\n");
  ASSERT_EQ(t.scrollback_size(), 1u);
  EXPECT_EQ(t.row_text(Row(4)), "status");
  EXPECT_GT(t.line(Row(4)).version, status_version);
}

TEST(History, ErasingTheScrollbackBumpsTheEpoch) {
  Terminal t = make(3, 20, 100);
  print_lines(t, 0, 10);
  const uint64_t epoch = t.history_epoch();
  t.feed("\x1b[3J");
  EXPECT_EQ(t.scrollback_size(), 0u);
  EXPECT_EQ(t.history_epoch(), epoch + 1);
}

TEST(Utf8, DecodeRoundTripsAndReplacesBadBytes) {
  const std::u32string text = U"a\u00e9\u4e2d\U0001F600";
  std::string bytes;
  for (char32_t cp : text) append_utf8(bytes, cp);
  EXPECT_EQ(decode_utf8(bytes), text);
  EXPECT_EQ(decode_utf8("a\xff"
                        "b"),
            U"a\uFFFDb");
  EXPECT_EQ(decode_utf8("\xe4\xb8"), U"\uFFFD\uFFFD") << "a sequence cut short";
  EXPECT_EQ(decode_utf8("\xc3"
                        "A"),
            U"\uFFFDA")
      << "a lead byte without its continuation";
}

}  // namespace
}  // namespace cadence::vt
