// LineRing: the circular buffer that holds unpacked history lines.
#include "vt/line_ring.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <string>

namespace cadence::vt {
namespace {

// A line whose first `count` cells spell out `tag` repeatedly, with its version.
Line make_line(int cols, int count, uint64_t tag) {
  Line l;
  l.reset(cols, 0, tag);
  for (int c = 0; c < count; ++c)
    l.cells[c] =
        Cell{static_cast<char32_t>('a' + (tag + c) % 26), static_cast<StyleId>(tag % 7), 1, 0};
  l.extent = count;
  l.wrapped = tag % 3 == 0;
  return l;
}

void expect_same(const LineRing::Entry& e, const Line& l, int count) {
  ASSERT_EQ(e.count, count);
  EXPECT_EQ(e.version, l.version);
  EXPECT_EQ(e.wrapped, l.wrapped);
  for (int c = 0; c < count; ++c) ASSERT_EQ(e.cells[c], l.cells[c]) << "cell " << c;
}

TEST(LineRing, KeepsLinesInOrderAcrossWrapAroundAndGrowth) {
  LineRing ring(1 << 20);
  std::deque<std::pair<Line, int>> model;
  uint64_t tag = 1;
  // Lengths vary so records straddle the end of the buffer at different offsets; the
  // queue length wanders up and down so the buffer wraps, grows and wraps again.
  for (int step = 0; step < 20000; ++step) {
    int count = static_cast<int>((tag * 37) % 181);
    const bool shrinking = (step / 2000) % 2 == 1;
    bool pop = !model.empty() && (shrinking ? step % 3 != 0 : step % 3 == 0);
    if (pop) {
      expect_same(ring.front(), model.front().first, model.front().second);
      ring.pop_front();
      model.pop_front();
    } else {
      Line l = make_line(200, count, tag++);
      ASSERT_TRUE(ring.push(l, count));
      model.emplace_back(std::move(l), count);
    }
    ASSERT_EQ(ring.size(), model.size());
  }
  size_t i = 0;
  ring.for_each([&](const LineRing::Entry& e) {
    expect_same(e, model[i].first, model[i].second);
    ++i;
  });
  EXPECT_EQ(i, model.size());
}

TEST(LineRing, AtFindsEveryLineFromEitherEndAcrossWrapAround) {
  LineRing ring(1 << 20);
  std::deque<std::pair<Line, int>> expected;
  uint64_t tag = 1;
  // Enough pushes and pops for the records to wrap around the buffer several times.
  for (int step = 0; step < 3000; ++step) {
    const int count = static_cast<int>((tag * 37) % 120);
    Line l = make_line(120, count, tag++);
    ASSERT_TRUE(ring.push(l, count));
    expected.emplace_back(std::move(l), count);
    if (expected.size() > 150) {
      ring.pop_front();
      expected.pop_front();
    }
    if (step % 97 == 0) {
      for (size_t i = 0; i < expected.size(); ++i) {
        expect_same(ring.at(i), expected[i].first, expected[i].second);
      }
    }
  }
}

TEST(LineRing, RefusesALineAtItsByteLimitAndStoresNothing) {
  // 64 KiB: lines of 200 cells take 1616 bytes, so 40 fit and the 41st does not.
  LineRing ring(64 << 10);
  int pushed = 0;
  Line l = make_line(200, 200, 5);
  while (ring.push(l, 200)) ++pushed;
  EXPECT_EQ(pushed, 40);
  EXPECT_EQ(ring.size(), 40u);
  EXPECT_LE(ring.heap_bytes(), ring.max_bytes() + ring.size() * sizeof(uint16_t) * 8);
  ring.pop_front();
  EXPECT_TRUE(ring.push(l, 200)) << "dropping the oldest line makes room again";
}

TEST(LineRing, StoresOnlyTheCellsItIsGiven) {
  LineRing ring(1 << 20);
  Line wide = make_line(4000, 10, 9);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(ring.push(wide, 10));
  EXPECT_LT(ring.heap_bytes(), 100u * 4000u) << "a short line on a wide screen stays short";
}

TEST(LineRing, ReleaseEmptiesAndFrees) {
  LineRing ring(1 << 20);
  Line l = make_line(80, 80, 2);
  for (int i = 0; i < 10; ++i) ring.push(l, 80);
  ring.release();
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.heap_bytes(), 0u);
  ASSERT_TRUE(ring.push(l, 80));
  expect_same(ring.front(), l, 80);
}

}  // namespace
}  // namespace cadence::vt
