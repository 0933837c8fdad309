// AtlasPacker: where each glyph goes in a fixed-size texture.
//
// A skyline packer: the packed area is described by its top contour (a list of
// horizontal segments), and each rectangle goes where its bottom edge ends up lowest,
// leftmost on ties. Glyphs of one font have similar heights, so the skyline stays flat
// and waste stays low without the bookkeeping of a free-rectangle list (measured by
// fill_ratio() in the tests and the benchmark).
//
// Every rectangle is followed by one empty pixel to its right and below, so linear
// sampling at a glyph's edge reads an empty texel rather than its neighbour. The
// padding is not needed at the texture's right and bottom edges (the sampler clamps
// there), which is why a glyph may end flush with them.
//
// The packer never moves what it placed. When allocate() says the texture is full the
// caller grows the texture (reset() with the new size, then re-adds what it keeps) or
// evicts. It knows nothing about GL.
#pragma once

#include <optional>
#include <vector>

namespace cadence::render::font {

struct Rect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
  bool operator==(const Rect&) const = default;
};

class AtlasPacker {
 public:
  static constexpr int kPadding = 1;

  AtlasPacker(int width, int height);

  // A free width x height area, or nullopt when none is left. A zero-sized request
  // (a space) gets an empty rectangle at the origin and takes no room.
  std::optional<Rect> allocate(int width, int height);
  // Forgets every allocation and takes the new texture size.
  void reset(int width, int height);

  int width() const { return width_; }
  int height() const { return height_; }
  // Pixels handed out, padding excluded.
  long used_area() const { return used_area_; }
  // used_area() over the texture area, 0..1.
  double fill_ratio() const;

 private:
  struct Segment {
    int x;
    int y;  // top of the free space above this stretch
    int width;
  };

  // The y at which a w-wide rectangle whose left edge is segment i's left edge would
  // rest, or -1 when it does not fit there.
  int fit_at(size_t i, int w, int h) const;

  int width_ = 0;
  int height_ = 0;
  long used_area_ = 0;
  std::vector<Segment> skyline_;
};

}  // namespace cadence::render::font
