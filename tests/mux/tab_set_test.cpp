// A window's tabs: order, activation, moving, closing, splits, zoom and versions.
#include "mux/tab_set.hpp"

#include <gtest/gtest.h>

namespace cadence::mux {
namespace {

const Rect kArea{0, 0, 80, 24};

std::vector<TabId> ids(const TabSet& s) {
  std::vector<TabId> out;
  for (const Tab& t : s.tabs()) out.push_back(t.id);
  return out;
}

TEST(TabSet, NewTabsOpenAfterTheActiveOneAndBecomeActive) {
  TabSet s;
  s.add(1, 10);
  s.add(2, 20);
  s.activate(0);
  s.add(3, 30);
  EXPECT_EQ(ids(s), (std::vector<TabId>{1, 3, 2}));
  EXPECT_EQ(s.active().id, 3u);
}

TEST(TabSet, ActivateByIndexCountsNegativeFromTheEnd) {
  TabSet s;
  for (TabId t = 1; t <= 4; ++t) s.add(t, t * 10);
  EXPECT_TRUE(s.activate(0));
  EXPECT_EQ(s.active().id, 1u);
  EXPECT_TRUE(s.activate(-1));
  EXPECT_EQ(s.active().id, 4u);
  EXPECT_FALSE(s.activate(4));
  EXPECT_EQ(s.active().id, 4u);
}

TEST(TabSet, RelativeActivationWraps) {
  TabSet s;
  for (TabId t = 1; t <= 3; ++t) s.add(t, t * 10);
  s.activate_relative(1);
  EXPECT_EQ(s.active().id, 1u);
  s.activate_relative(-1);
  EXPECT_EQ(s.active().id, 3u);
}

TEST(TabSet, MovingTheActiveTabKeepsItActive) {
  TabSet s;
  for (TabId t = 1; t <= 3; ++t) s.add(t, t * 10);
  s.activate(0);
  s.move_active_relative(1);
  EXPECT_EQ(ids(s), (std::vector<TabId>{2, 1, 3}));
  EXPECT_EQ(s.active().id, 1u);
  s.move_active(99);
  EXPECT_EQ(ids(s), (std::vector<TabId>{2, 3, 1}));
  s.move_active_relative(-5);
  EXPECT_EQ(ids(s), (std::vector<TabId>{1, 2, 3}));
}

TEST(TabSet, ClosingATabFocusesTheOneOnItsLeft) {
  TabSet s;
  for (TabId t = 1; t <= 3; ++t) s.add(t, t * 10);
  s.activate(1);
  EXPECT_EQ(s.close_active(), (std::vector<PaneId>{20}));
  EXPECT_EQ(s.active().id, 1u);
  EXPECT_EQ(s.close_active(), (std::vector<PaneId>{10}));
  EXPECT_EQ(s.active().id, 3u);
  s.close_active();
  EXPECT_TRUE(s.empty());
}

TEST(TabSet, TheLastPaneOfATabClosesIt) {
  TabSet s;
  s.add(1, 10);
  s.add(2, 20);
  s.split_active(21, SplitAxis::horizontal);
  EXPECT_EQ(s.active().active_pane, 21u);
  EXPECT_FALSE(s.remove_pane(21));
  EXPECT_EQ(s.active().active_pane, 20u);
  EXPECT_TRUE(s.remove_pane(20));
  EXPECT_EQ(ids(s), (std::vector<TabId>{1}));
  EXPECT_EQ(s.active().id, 1u);
}

TEST(TabSet, FocusMovesBetweenPanesByDirection) {
  TabSet s;
  s.add(1, 10);
  s.split_active(11, SplitAxis::horizontal);
  s.split_active(12, SplitAxis::vertical);
  EXPECT_TRUE(s.focus(Direction::up, kArea));
  EXPECT_EQ(s.active().active_pane, 11u);
  EXPECT_TRUE(s.focus(Direction::left, kArea));
  EXPECT_EQ(s.active().active_pane, 10u);
  EXPECT_FALSE(s.focus(Direction::left, kArea));
}

TEST(TabSet, ZoomShowsTheActivePaneAloneUntilToggledOrSplit) {
  TabSet s;
  s.add(1, 10);
  EXPECT_FALSE(s.toggle_zoom());  // one pane: nothing to zoom
  s.split_active(11, SplitAxis::horizontal);
  EXPECT_TRUE(s.toggle_zoom());
  auto shown = s.visible(kArea);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].pane, 11u);
  EXPECT_EQ(shown[0].rect, kArea);
  EXPECT_TRUE(s.visible_borders(kArea).empty());
  EXPECT_FALSE(s.focus(Direction::left, kArea));
  s.split_active(12, SplitAxis::vertical);
  EXPECT_EQ(s.visible(kArea).size(), 3u);
}

TEST(TabSet, VersionsMoveOnlyWhenTheTabBarWouldChange) {
  TabSet s;
  s.add(1, 10);
  s.add(2, 20);
  uint64_t v = s.version();
  s.activate(1);  // already active
  EXPECT_EQ(s.version(), v);
  s.activate(0);
  EXPECT_GT(s.version(), v);
  v = s.version();
  const uint64_t tab_v = s.active().version;
  s.rename_active("build");
  EXPECT_GT(s.version(), v);
  EXPECT_GT(s.active().version, tab_v);
  v = s.version();
  s.rename_active("build");  // the same title
  EXPECT_EQ(s.version(), v);
}

TEST(TabSet, ActivatingAPaneActivatesItsTab) {
  TabSet s;
  s.add(1, 10);
  s.split_active(11, SplitAxis::horizontal);
  s.add(2, 20);
  EXPECT_TRUE(s.activate_pane(10));
  EXPECT_EQ(s.active().id, 1u);
  EXPECT_EQ(s.active().active_pane, 10u);
  EXPECT_FALSE(s.activate_pane(99));
}

}  // namespace
}  // namespace cadence::mux
