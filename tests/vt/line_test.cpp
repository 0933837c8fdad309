// Line: the row helpers the scroll path leans on.
#include "vt/line.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace cadence::vt {
namespace {

TEST(Line, FillWordsWritesExactlyItsRange) {
  for (size_t n = 0; n <= 40; ++n) {
    std::vector<uint64_t> words(n + 2, 7);
    Line::fill_words(words.data() + 1, n, 0x1234);
    EXPECT_EQ(words.front(), 7u) << n;
    EXPECT_EQ(words.back(), 7u) << n;
    for (size_t i = 1; i <= n; ++i) ASSERT_EQ(words[i], 0x1234u) << i << " of " << n;
  }
}

TEST(Line, ResetClearsWhatWasWrittenAndKeepsTheWidth) {
  Line l;
  l.reset(50, 0, 1);
  for (int c = 0; c < 37; ++c) l.cells[c] = Cell{'x', 3, 1, 0};
  l.extent = 37;
  EXPECT_EQ(l.used(), 37);
  l.reset(50, 0, 2);
  EXPECT_EQ(l.used(), 0);
  EXPECT_EQ(l.cells.size(), 50u);
  for (const Cell& c : l.cells) ASSERT_EQ(c, Cell{});
  // A coloured fill covers the whole row, whatever was written.
  l.reset(50, 4, 3);
  for (const Cell& c : l.cells) ASSERT_EQ(c, (Cell{0, 4, 1, 0}));
  EXPECT_EQ(l.used(), 50);
}

TEST(Line, UsedCellsIgnoresTrailingBlanksOnly) {
  std::vector<Cell> cells(23);
  EXPECT_EQ(Line::used_cells(cells.data(), 23), 0);
  cells[0] = Cell{'a', 0, 1, 0};
  EXPECT_EQ(Line::used_cells(cells.data(), 23), 1);
  cells[17] = Cell{0, 2, 1, 0};  // blank but coloured: used
  EXPECT_EQ(Line::used_cells(cells.data(), 23), 18);
  EXPECT_EQ(Line::used_cells(cells.data(), 10), 1) << "only the first n cells count";
}

}  // namespace
}  // namespace cadence::vt
