// The split tree: placement, borders, neighbours, resizing and removal.
#include "mux/layout.hpp"

#include <gtest/gtest.h>

namespace cadence::mux {
namespace {

const Rect kArea{0, 0, 81, 25};

Rect rect_of(const Layout& l, PaneId pane, Rect area = kArea) {
  for (const PanePlacement& p : l.place(area)) {
    if (p.pane == pane) return p.rect;
  }
  return {};
}

TEST(Layout, OnePaneFillsTheArea) {
  Layout l(1);
  EXPECT_EQ(rect_of(l, 1), kArea);
  EXPECT_TRUE(l.borders(kArea).empty());
}

TEST(Layout, HorizontalSplitPutsTheNewPaneRightOfABorderColumn) {
  Layout l(1);
  ASSERT_TRUE(l.split(1, 2, SplitAxis::horizontal));
  EXPECT_EQ(rect_of(l, 1), (Rect{0, 0, 40, 25}));
  EXPECT_EQ(rect_of(l, 2), (Rect{41, 0, 40, 25}));
  const auto borders = l.borders(kArea);
  ASSERT_EQ(borders.size(), 1u);
  EXPECT_TRUE(borders[0].vertical);
  EXPECT_EQ(borders[0].col, 40);
  EXPECT_EQ(borders[0].length, 25);
}

TEST(Layout, VerticalSplitStacksPanes) {
  Layout l(1);
  ASSERT_TRUE(l.split(1, 2, SplitAxis::vertical));
  EXPECT_EQ(rect_of(l, 1), (Rect{0, 0, 81, 12}));
  EXPECT_EQ(rect_of(l, 2), (Rect{0, 13, 81, 12}));
}

TEST(Layout, PanesAndBordersCoverTheAreaExactlyOnce) {
  Layout l(1);
  l.split(1, 2, SplitAxis::horizontal);
  l.split(2, 3, SplitAxis::vertical);
  l.split(1, 4, SplitAxis::vertical);
  l.split(3, 5, SplitAxis::horizontal);
  std::vector<int> covered(static_cast<size_t>(kArea.cols * kArea.rows), 0);
  for (const PanePlacement& p : l.place(kArea)) {
    for (int r = p.rect.row; r < p.rect.row + p.rect.rows; ++r) {
      for (int c = p.rect.col; c < p.rect.col + p.rect.cols; ++c) ++covered[r * kArea.cols + c];
    }
  }
  for (const Border& b : l.borders(kArea)) {
    for (int i = 0; i < b.length; ++i) {
      const int c = b.vertical ? b.col : b.col + i;
      const int r = b.vertical ? b.row + i : b.row;
      ++covered[r * kArea.cols + c];
    }
  }
  for (int v : covered) ASSERT_EQ(v, 1);
}

TEST(Layout, NeighbourIsThePaneSharingTheMostOfThatSide) {
  // 1 | 2
  //   | -
  //   | 3
  Layout l(1);
  l.split(1, 2, SplitAxis::horizontal);
  l.split(2, 3, SplitAxis::vertical);
  EXPECT_EQ(l.neighbor(1, Direction::right, kArea), PaneId{2});  // tie: the first found
  EXPECT_EQ(l.neighbor(3, Direction::left, kArea), PaneId{1});
  EXPECT_EQ(l.neighbor(2, Direction::down, kArea), PaneId{3});
  EXPECT_EQ(l.neighbor(3, Direction::up, kArea), PaneId{2});
  EXPECT_EQ(l.neighbor(1, Direction::left, kArea), std::nullopt);
  EXPECT_EQ(l.neighbor(2, Direction::right, kArea), std::nullopt);
}

TEST(Layout, RemovingAPaneGivesItsSpaceToItsSibling) {
  Layout l(1);
  l.split(1, 2, SplitAxis::horizontal);
  l.split(2, 3, SplitAxis::vertical);
  ASSERT_TRUE(l.remove(2));
  EXPECT_EQ(l.panes(), (std::vector<PaneId>{1, 3}));
  EXPECT_EQ(rect_of(l, 3), (Rect{41, 0, 40, 25}));
  ASSERT_TRUE(l.remove(1));
  EXPECT_EQ(rect_of(l, 3), kArea);
  EXPECT_FALSE(l.remove(3));  // the last pane stays
  EXPECT_FALSE(l.remove(42));
}

TEST(Layout, RemovingAPaneWhoseSiblingIsSplitKeepsThatSplit) {
  Layout l(1);
  l.split(1, 2, SplitAxis::horizontal);
  l.split(2, 3, SplitAxis::vertical);
  ASSERT_TRUE(l.remove(1));
  EXPECT_EQ(rect_of(l, 2), (Rect{0, 0, 81, 12}));
  EXPECT_EQ(rect_of(l, 3), (Rect{0, 13, 81, 12}));
  // The tree is still consistent: splitting and removing again works.
  ASSERT_TRUE(l.split(3, 4, SplitAxis::horizontal));
  ASSERT_TRUE(l.remove(2));
  EXPECT_EQ(l.panes(), (std::vector<PaneId>{3, 4}));
}

TEST(Layout, ResizeMovesTheBorderByWholeCells) {
  Layout l(1);
  l.split(1, 2, SplitAxis::horizontal);
  ASSERT_TRUE(l.resize_pane(1, Direction::right, 5, kArea));
  EXPECT_EQ(rect_of(l, 1).cols, 45);
  EXPECT_EQ(rect_of(l, 2).cols, 35);
  ASSERT_TRUE(l.resize_pane(2, Direction::left, 10, kArea));
  EXPECT_EQ(rect_of(l, 1).cols, 35);
  // Never below one cell.
  ASSERT_TRUE(l.resize_pane(1, Direction::left, 500, kArea));
  EXPECT_EQ(rect_of(l, 1).cols, 1);
  EXPECT_EQ(rect_of(l, 2).cols, 79);
  // No vertical split contains pane 1.
  EXPECT_FALSE(l.resize_pane(1, Direction::up, 1, kArea));
}

TEST(Layout, ATinyAreaNeverProducesNegativeSizes) {
  Layout l(1);
  l.split(1, 2, SplitAxis::horizontal);
  l.split(2, 3, SplitAxis::horizontal);
  for (const PanePlacement& p : l.place(Rect{0, 0, 2, 1})) {
    EXPECT_GE(p.rect.cols, 0);
    EXPECT_GE(p.rect.rows, 0);
  }
}

}  // namespace
}  // namespace cadence::mux
