// StyleTable: interning styles into 16-bit ids.
#include "vt/style_table.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace cadence::vt {
namespace {

Style numbered(uint32_t i) {
  Style s;
  s.fg = Color::rgb(static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8),
                    static_cast<uint8_t>(i >> 16));
  s.flags = static_cast<uint16_t>(i % 3 == 0 ? attr::bold : 0);
  return s;
}

TEST(StyleTable, SameStyleSameIdAcrossGrowth) {
  StyleTable table;
  StyleId plain;
  ASSERT_TRUE(table.intern(Style{}, plain));
  EXPECT_EQ(plain, 0) << "the default style is id 0";
  // Enough styles to grow the table several times; every id stays what it was.
  std::vector<StyleId> ids;
  for (uint32_t i = 1; i <= 5000; ++i) {
    StyleId id;
    ASSERT_TRUE(table.intern(numbered(i), id));
    ids.push_back(id);
  }
  EXPECT_EQ(table.size(), 5001u);
  for (uint32_t i = 1; i <= 5000; ++i) {
    StyleId id;
    ASSERT_TRUE(table.intern(numbered(i), id));
    ASSERT_EQ(id, ids[i - 1]);
    ASSERT_EQ(table.get(id), numbered(i));
  }
  EXPECT_EQ(table.size(), 5001u) << "looking up adds nothing";
}

TEST(StyleTable, StylesDifferingInOneFieldGetDifferentIds) {
  StyleTable table;
  Style a;
  a.bg = Color::indexed(4);
  Style b = a;
  b.link = 7;
  Style c = a;
  c.underline = UnderlineStyle::curly;
  StyleId ia, ib, ic;
  ASSERT_TRUE(table.intern(a, ia) && table.intern(b, ib) && table.intern(c, ic));
  EXPECT_NE(ia, ib);
  EXPECT_NE(ia, ic);
  EXPECT_NE(ib, ic);
}

TEST(StyleTable, RefusesPastCapacityAndClearStartsOver) {
  StyleTable table;
  StyleId id;
  for (uint32_t i = 1; i < StyleTable::kCapacity; ++i) ASSERT_TRUE(table.intern(numbered(i), id));
  EXPECT_EQ(table.size(), StyleTable::kCapacity);
  EXPECT_FALSE(table.intern(numbered(StyleTable::kCapacity), id));
  EXPECT_TRUE(table.intern(numbered(5), id)) << "known styles are still found when full";
  table.clear();
  EXPECT_EQ(table.size(), 1u);
  ASSERT_TRUE(table.intern(numbered(5), id));
  EXPECT_EQ(id, 1);
}

}  // namespace
}  // namespace cadence::vt
