// Skyline packing; the decisions are in atlas_packer.hpp.
#include "render/font/atlas_packer.hpp"

#include <algorithm>

#include "base/check.hpp"

namespace cadence::render::font {

AtlasPacker::AtlasPacker(int width, int height) { reset(width, height); }

void AtlasPacker::reset(int width, int height) {
  CADENCE_CHECK(width > 0 && height > 0);
  width_ = width;
  height_ = height;
  used_area_ = 0;
  skyline_.clear();
  // The padding lives to the right of and below each rectangle; letting the skyline run
  // one pixel past the texture lets a rectangle end flush with the edge.
  skyline_.push_back({0, 0, width + kPadding});
}

double AtlasPacker::fill_ratio() const {
  return static_cast<double>(used_area_) / (static_cast<double>(width_) * height_);
}

int AtlasPacker::fit_at(size_t i, int w, int h) const {
  const int x = skyline_[i].x;
  if (x + w > width_ + kPadding) return -1;
  int y = 0;
  int remaining = w;
  for (size_t j = i; remaining > 0; ++j) {
    CADENCE_DCHECK(j < skyline_.size());
    y = std::max(y, skyline_[j].y);
    if (y + h > height_ + kPadding) return -1;
    remaining -= skyline_[j].width;
  }
  return y;
}

std::optional<Rect> AtlasPacker::allocate(int width, int height) {
  CADENCE_CHECK(width >= 0 && height >= 0);
  if (width == 0 || height == 0) return Rect{0, 0, width, height};
  const int w = width + kPadding;
  const int h = height + kPadding;

  size_t best = skyline_.size();
  int best_y = 0;
  int best_bottom = 0;
  int best_waste_width = 0;
  for (size_t i = 0; i < skyline_.size(); ++i) {
    const int y = fit_at(i, w, h);
    if (y < 0) continue;
    // Lowest bottom edge first; among equals, the narrowest resting segment, which keeps
    // wide flat stretches for wide glyphs.
    if (best == skyline_.size() || y + h < best_bottom ||
        (y + h == best_bottom && skyline_[i].width < best_waste_width)) {
      best = i;
      best_y = y;
      best_bottom = y + h;
      best_waste_width = skyline_[i].width;
    }
  }
  if (best == skyline_.size()) return std::nullopt;

  const int x = skyline_[best].x;
  // The new segment covers [x, x + w); shrink or drop the ones it overlaps.
  skyline_.insert(skyline_.begin() + static_cast<std::ptrdiff_t>(best), Segment{x, best_y + h, w});
  size_t i = best + 1;
  while (i < skyline_.size()) {
    Segment& s = skyline_[i];
    const int covered_until = x + w;
    if (s.x >= covered_until) break;
    const int overlap = covered_until - s.x;
    if (overlap >= s.width) {
      skyline_.erase(skyline_.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      s.x += overlap;
      s.width -= overlap;
      break;
    }
  }
  // Merge neighbours at the same height so the list stays short.
  for (size_t j = 0; j + 1 < skyline_.size();) {
    if (skyline_[j].y == skyline_[j + 1].y) {
      skyline_[j].width += skyline_[j + 1].width;
      skyline_.erase(skyline_.begin() + static_cast<std::ptrdiff_t>(j + 1));
    } else {
      ++j;
    }
  }

  used_area_ += static_cast<long>(width) * height;
  return Rect{x, best_y, width, height};
}

}  // namespace cadence::render::font
