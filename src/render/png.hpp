// PNG encoding of an RGBA image, with no library: the frames cadence saves of itself
// (for tests and bug reports) are written with stored (uncompressed) deflate blocks.
// The files are larger than a compressing encoder's, which does not matter for a
// screenshot, and the writer stays forty lines with nothing to configure or link.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace cadence::render {

// rgba: width*height*4 bytes, rows top to bottom, straight (not premultiplied) alpha.
std::vector<uint8_t> encode_png(int width, int height, std::span<const uint8_t> rgba);
Result<void> write_png(const std::string& path, int width, int height,
                       std::span<const uint8_t> rgba);

// CRC-32 (ISO 3309, as PNG chunks use) and Adler-32 (zlib streams): exposed for tests.
uint32_t crc32(std::span<const uint8_t> bytes, uint32_t crc = 0);
uint32_t adler32(std::span<const uint8_t> bytes, uint32_t adler = 1);

}  // namespace cadence::render
