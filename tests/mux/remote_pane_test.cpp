// The client's model of a remote pane, fed deltas by hand: rows not sent keep their
// lines, rows that scroll off become cached history, a new epoch empties that cache,
// published screens never change under a reader, and buffers are recycled only when
// nobody holds them.
#include "mux/remote_pane.hpp"

#include <gtest/gtest.h>

namespace cadence::mux {
namespace {

net::LineCells line(int64_t row, std::string text) {
  net::LineCells l;
  l.row = StableRow(row);
  l.version = 1;
  l.text = std::move(text);
  return l;
}

net::PaneDelta delta(int64_t top, int rows, std::vector<net::LineCells> lines, uint64_t epoch = 0) {
  net::PaneDelta d;
  d.pane = 1;
  d.rows = rows;
  d.cols = 10;
  d.top = StableRow(top);
  d.history_epoch = epoch;
  d.lines = std::move(lines);
  return d;
}

std::string text(const RemoteScreen::Line& l) {
  std::string out;
  for (const RemoteScreen::Cell& c : l.cells) out += c.cp ? static_cast<char>(c.cp) : '.';
  return out;
}

class PaneModel : public ::testing::Test {
 protected:
  RemotePaneModel model{1, 100};
  uint64_t counter = 0;

  std::shared_ptr<const RemoteScreen> publish() {
    std::shared_ptr<const RemoteScreen> front = model.publish();
    model.prepare_back();
    return front;
  }
};

TEST_F(PaneModel, RowsNotSentKeepTheirLinesAndVersions) {
  model.apply(delta(0, 3, {line(0, "aaa"), line(1, "bbb"), line(2, "ccc")}), counter);
  auto first = publish();
  model.apply(delta(0, 3, {line(1, "BBB")}), counter);
  auto second = publish();
  EXPECT_EQ(text(second->lines[0]), "aaa.......");
  EXPECT_EQ(text(second->lines[1]), "BBB.......");
  EXPECT_EQ(second->lines[0].version, first->lines[0].version);
  EXPECT_EQ(second->lines[2].version, first->lines[2].version);
  EXPECT_NE(second->lines[1].version, first->lines[1].version);
}

TEST_F(PaneModel, RowsThatScrollOffBecomeCachedHistory) {
  model.apply(delta(0, 3, {line(0, "one"), line(1, "two"), line(2, "three")}), counter);
  // Two rows scrolled off; "two" changed before it left, so the server sent it again.
  model.apply(delta(2, 3, {line(1, "TWO"), line(3, "four"), line(4, "five")}), counter);
  auto s = publish();
  EXPECT_EQ(text(s->lines[0]), "three.....");
  EXPECT_EQ(s->top_stable_row, 2);
  ASSERT_NE(model.history()->get(0), nullptr);
  EXPECT_EQ(text(*model.history()->get(0)), "one.......");
  EXPECT_EQ(text(*model.history()->get(1)), "TWO.......");
}

TEST_F(PaneModel, AlternateScreenRowsNeverEnterTheHistory) {
  net::PaneDelta d = delta(0, 2, {line(0, "alt1"), line(1, "alt2")});
  d.modes = net::mode::alt_screen;
  model.apply(d, counter);
  d = delta(1, 2, {line(1, "x"), line(2, "y")});
  d.modes = net::mode::alt_screen;
  model.apply(d, counter);
  EXPECT_EQ(model.history()->size(), 0u);
}

TEST_F(PaneModel, ANewEpochEmptiesTheHistoryWithoutAskingForIt) {
  model.apply(delta(0, 2, {line(0, "a"), line(1, "b")}), counter);
  model.apply(delta(1, 2, {line(2, "c")}), counter);
  ASSERT_EQ(model.history()->size(), 1u);
  EXPECT_TRUE(model.apply(delta(0, 2, {line(0, "ab"), line(1, "c")}, 1), counter));
  EXPECT_EQ(model.history()->size(), 0u);
  EXPECT_EQ(model.history()->epoch(), 1u);
  auto s = publish();
  EXPECT_EQ(text(s->lines[0]), "ab........");
}

TEST_F(PaneModel, APublishedScreenNeverChangesUnderItsReader) {
  model.apply(delta(0, 2, {line(0, "old"), line(1, "old")}), counter);
  auto held = publish();
  for (int i = 0; i < 5; ++i) {
    model.apply(delta(0, 2, {line(0, "new" + std::to_string(i)), line(1, "new")}), counter);
    publish();
  }
  EXPECT_EQ(text(held->lines[0]), "old.......");
  EXPECT_EQ(text(held->lines[1]), "old.......");
}

TEST_F(PaneModel, BuffersNobodyHoldsAreRecycledAndCaughtUp) {
  model.apply(delta(0, 2, {line(0, "a"), line(1, "b")}), counter);
  model.publish();
  EXPECT_TRUE(model.prepare_back());  // the very first back has nothing to recycle
  int copies = 0;
  for (int i = 0; i < 20; ++i) {
    model.apply(delta(0, 2, {line(i % 2, std::to_string(i))}), counter);
    auto front = model.publish();
    copies += model.prepare_back();
    // The reader looks and lets go, as a GUI does once per frame.
    EXPECT_EQ(text(front->lines[i % 2]).substr(0, std::to_string(i).size()), std::to_string(i));
  }
  EXPECT_EQ(copies, 0);
  // A reader holding every screen forces copies, and still sees each one intact.
  std::vector<std::shared_ptr<const RemoteScreen>> held;
  for (int i = 0; i < 5; ++i) {
    model.apply(delta(0, 2, {line(0, "h" + std::to_string(i))}), counter);
    held.push_back(model.publish());
    copies += model.prepare_back();
  }
  EXPECT_GT(copies, 0);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(text(held[i]->lines[0]), "h" + std::to_string(i) + "........");
}

TEST_F(PaneModel, StyleTablePastItsBoundIsRebuiltFromTheScreen) {
  net::PaneDelta d = delta(0, 1, {line(0, "x")});
  for (uint32_t i = 0; i < kMaxClientStyles - 10; ++i)
    d.styles.push_back(net::WireStyle{0x2000000u | i});
  d.lines[0].runs = {{1, 7}};
  model.apply(d, counter);
  net::PaneDelta more = delta(0, 1, {});
  for (uint32_t i = 0; i < 100; ++i) more.styles.push_back(net::WireStyle{0x2f00000u | i});
  model.apply(more, counter);
  auto s = publish();
  EXPECT_LT(s->styles.size(), 200u);
  EXPECT_EQ(s->style(s->lines[0].cells[0].style).fg, vt::Color::from_bits(0x2000007u));
}

TEST(HistoryCacheTest, IsABoundedLeastRecentlyUsedCache) {
  HistoryCache cache(3);
  cache.reset(0);
  for (int64_t row = 0; row < 3; ++row) {
    auto l = std::make_shared<RemoteScreen::Line>();
    l->stable_row = row;
    cache.put(0, l);
  }
  ASSERT_NE(cache.get(0), nullptr);  // row 0 is now the most recent
  auto l = std::make_shared<RemoteScreen::Line>();
  l->stable_row = 3;
  cache.put(0, l);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.get(1), nullptr);  // the least recent went
  EXPECT_NE(cache.get(0), nullptr);
  cache.put(7, std::make_shared<RemoteScreen::Line>());  // another epoch: ignored
  EXPECT_EQ(cache.size(), 3u);
}

TEST(HistoryCacheTest, EachMissingPageIsAskedForOnce) {
  HistoryCache cache(1000);
  cache.reset(0);
  std::vector<HistoryCache::LinePtr> found;
  std::vector<int64_t> pages;
  cache.get_range(kHistoryPage - 10, 20, found, pages);
  EXPECT_EQ(pages, (std::vector<int64_t>{0, 1}));
  pages.clear();
  cache.get_range(0, 5, found, pages);
  EXPECT_TRUE(pages.empty());  // already asked
  cache.page_done(0);
  cache.get_range(0, 5, found, pages);
  EXPECT_EQ(pages, (std::vector<int64_t>{0}));
}

}  // namespace
}  // namespace cadence::mux
