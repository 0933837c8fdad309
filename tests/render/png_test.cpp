// The PNG writer: checksums against their published check values, and a file whose
// structure a decoder accepts (the window test decodes real frames with Python's zlib).
#include "render/png.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string_view>

namespace cadence::render {
namespace {

std::span<const uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

uint32_t be32(const std::vector<uint8_t>& v, size_t at) {
  return (uint32_t{v[at]} << 24) | (uint32_t{v[at + 1]} << 16) | (uint32_t{v[at + 2]} << 8) |
         v[at + 3];
}

TEST(Png, ChecksumsMatchTheirCheckValues) {
  EXPECT_EQ(crc32(bytes("123456789")), 0xCBF43926u);
  EXPECT_EQ(adler32(bytes("Wikipedia")), 0x11E60398u);
  EXPECT_EQ(crc32(bytes("")), 0u);
  EXPECT_EQ(adler32(bytes("")), 1u);
}

TEST(Png, ChunksAreWellFormed) {
  const int w = 3, h = 2;
  std::vector<uint8_t> rgba(w * h * 4);
  for (size_t i = 0; i < rgba.size(); ++i) rgba[i] = static_cast<uint8_t>(i * 7);
  std::vector<uint8_t> png = encode_png(w, h, rgba);
  ASSERT_EQ(std::memcmp(png.data(), "\x89PNG\r\n\x1a\n", 8), 0);
  size_t pos = 8;
  std::vector<std::string> kinds;
  std::vector<uint8_t> idat;
  while (pos < png.size()) {
    const uint32_t length = be32(png, pos);
    const std::string kind(png.begin() + pos + 4, png.begin() + pos + 8);
    const uint32_t crc = be32(png, pos + 8 + length);
    EXPECT_EQ(crc, crc32(std::span<const uint8_t>(png.data() + pos + 4, length + 4))) << kind;
    if (kind == "IHDR") {
      EXPECT_EQ(be32(png, pos + 8), 3u);
      EXPECT_EQ(be32(png, pos + 12), 2u);
      EXPECT_EQ(png[pos + 16], 8);  // bit depth
      EXPECT_EQ(png[pos + 17], 6);  // RGBA
    }
    if (kind == "IDAT") idat.assign(png.begin() + pos + 8, png.begin() + pos + 8 + length);
    kinds.push_back(kind);
    pos += 12 + length;
  }
  EXPECT_EQ(pos, png.size());
  EXPECT_EQ(kinds, (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
  // One stored block holding each scanline behind a filter byte of 0, then Adler-32.
  ASSERT_GE(idat.size(), 2u + 5u + 4u);
  EXPECT_EQ(idat[0], 0x78);
  EXPECT_EQ(idat[2], 1);  // final stored block
  const size_t n = idat[3] | (idat[4] << 8);
  EXPECT_EQ(n, static_cast<size_t>(h * (1 + w * 4)));
  EXPECT_EQ(idat[7], 0);                        // filter of row 0
  EXPECT_EQ(idat[8], rgba[0]);                  // first pixel
  EXPECT_EQ(idat[7 + 1 + w * 4], 0);            // filter of row 1
  EXPECT_EQ(idat[7 + 2 + w * 4], rgba[w * 4]);  // row 1's first byte
  const std::span<const uint8_t> raw(idat.data() + 7, n);
  EXPECT_EQ(be32(idat, 7 + n), adler32(raw));
}

TEST(Png, LargeImagesSplitIntoStoredBlocks) {
  const int w = 200, h = 200;  // 160,200 bytes of scanlines: three stored blocks
  std::vector<uint8_t> rgba(w * h * 4, 0x55);
  std::vector<uint8_t> png = encode_png(w, h, rgba);
  const size_t raw = static_cast<size_t>(h) * (1 + w * 4);
  const size_t blocks = (raw + 65534) / 65535;
  EXPECT_EQ(png.size(), 8 + 25 + (12 + 2 + blocks * 5 + raw + 4) + 12);
}

}  // namespace
}  // namespace cadence::render
