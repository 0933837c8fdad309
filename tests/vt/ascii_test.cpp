// The printable-run scanner and the byte-to-cell widening, against plain loops.
#include "vt/ascii.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cadence::vt {
namespace {

size_t reference_prefix(const std::string& s) {
  size_t i = 0;
  while (i < s.size() && static_cast<unsigned char>(s[i]) >= 0x20 &&
         static_cast<unsigned char>(s[i]) < 0x7f)
    ++i;
  return i;
}

TEST(Ascii, PrintableRunStopsAtEveryNonPrintableByteWherever) {
  // Each byte value that ends a run, at every offset across two 16-byte steps and the
  // word-sized tail; the run ends exactly there and no earlier.
  for (int b = 0; b < 256; ++b) {
    const bool printable = b >= 0x20 && b < 0x7f;
    for (size_t len = 1; len <= 40; ++len) {
      for (size_t at = 0; at < len; ++at) {
        std::string s(len, 'a');
        s[at] = static_cast<char>(b);
        const size_t want = printable ? len : at;
        ASSERT_EQ(ascii::printable_prefix(s.data(), s.size()), want)
            << "byte " << b << " at " << at << " of " << len;
        ASSERT_EQ(ascii::detail::printable_prefix_portable(s.data(), s.size()), want);
      }
    }
  }
}

TEST(Ascii, PrintableRunCoversTheWholeRange) {
  std::string all;
  for (int b = 0x20; b < 0x7f; ++b) all.push_back(static_cast<char>(b));
  EXPECT_EQ(ascii::printable_prefix(all.data(), all.size()), all.size());
  EXPECT_EQ(ascii::printable_prefix(all.data(), 0), 0u);
  all += "\x1b[m";
  EXPECT_EQ(ascii::printable_prefix(all.data(), all.size()), reference_prefix(all));
}

TEST(Ascii, WidenWritesExactlyTheRunsCells) {
  const uint64_t upper = (uint64_t{0x1234} << 32) | (uint64_t{1} << 48);
  for (size_t n = 0; n <= 41; ++n) {
    std::vector<unsigned char> src(n);
    for (size_t k = 0; k < n; ++k) src[k] = static_cast<unsigned char>(0x20 + (k * 7) % 95);
    // Sentinels on both sides catch a write past either end.
    std::vector<uint64_t> out(n + 2, 0xdeadbeefdeadbeefull);
    std::vector<uint64_t> portable(n + 2, 0xdeadbeefdeadbeefull);
    ascii::widen(out.data() + 1, src.data(), n, upper);
    ascii::detail::widen_portable(portable.data() + 1, src.data(), n, upper);
    EXPECT_EQ(out, portable) << n << " bytes";
    EXPECT_EQ(out.front(), 0xdeadbeefdeadbeefull);
    EXPECT_EQ(out.back(), 0xdeadbeefdeadbeefull);
    for (size_t k = 0; k < n; ++k) ASSERT_EQ(out[k + 1], upper | src[k]);
  }
}

}  // namespace
}  // namespace cadence::vt
