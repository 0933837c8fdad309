// Procedural box drawing; the reasoning is in box_drawing.hpp.
#include "render/font/box_drawing.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "base/check.hpp"

namespace cadence::render::font {
namespace {

// The four arms of each line-drawing character in U+2500-U+257F, as "URDL" (up, right,
// down, left) with '.' none, 'l' light, 'h' heavy, 'd' double. nullptr marks the
// characters drawn another way: dashes, arcs and diagonals.
constexpr const char* kArms[0x80] = {
    ".l.l",  ".h.h",  "l.l.",  "h.h.",  nullptr, nullptr, nullptr, nullptr,  // 2500
    nullptr, nullptr, nullptr, nullptr, ".ll.",  ".hl.",  ".lh.",  ".hh.",   // 2508
    "..ll",  "..lh",  "..hl",  "..hh",  "ll..",  "lh..",  "hl..",  "hh..",   // 2510
    "l..l",  "l..h",  "h..l",  "h..h",  "lll.",  "lhl.",  "hll.",  "llh.",   // 2518
    "hlh.",  "hhl.",  "lhh.",  "hhh.",  "l.ll",  "l.lh",  "h.ll",  "l.hl",   // 2520
    "h.hl",  "h.lh",  "l.hh",  "h.hh",  ".lll",  ".llh",  ".hll",  ".hlh",   // 2528
    ".lhl",  ".lhh",  ".hhl",  ".hhh",  "ll.l",  "ll.h",  "lh.l",  "lh.h",   // 2530
    "hl.l",  "hl.h",  "hh.l",  "hh.h",  "llll",  "lllh",  "lhll",  "lhlh",   // 2538
    "hlll",  "llhl",  "hlhl",  "hllh",  "hhll",  "llhh",  "lhhl",  "hhlh",   // 2540
    "lhhh",  "hlhh",  "hhhl",  "hhhh",  nullptr, nullptr, nullptr, nullptr,  // 2548
    ".d.d",  "d.d.",  ".dl.",  ".ld.",  ".dd.",  "..ld",  "..dl",  "..dd",   // 2550
    "ld..",  "dl..",  "dd..",  "l..d",  "d..l",  "d..d",  "ldl.",  "dld.",   // 2558
    "ddd.",  "l.ld",  "d.dl",  "d.dd",  ".dld",  ".ldl",  ".ddd",  "ld.d",   // 2560
    "dl.l",  "dd.d",  "ldld",  "dldl",  "dddd",  nullptr, nullptr, nullptr,  // 2568
    nullptr, nullptr, nullptr, nullptr, "...l",  "l...",  ".l..",  "..l.",   // 2570
    "...h",  "h...",  ".h..",  "..h.",  ".h.l",  "l.h.",  ".l.h",  "h.l.",   // 2578
};

enum Weight : int { kNone = 0, kLight, kHeavy, kDouble };
enum Arm : int { kUp = 0, kRight, kDown, kLeft };

Weight weight_of(char c) {
  switch (c) {
    case 'l': return kLight;
    case 'h': return kHeavy;
    case 'd': return kDouble;
    default: return kNone;
  }
}

class Canvas {
 public:
  Canvas(int width, int height)
      : w_(width), h_(height), px_(static_cast<size_t>(width) * height, 0) {}

  int width() const { return w_; }
  int height() const { return h_; }

  // Sets [x0, x1) x [y0, y1), clipped to the canvas, to `value`.
  void fill(int x0, int y0, int x1, int y1, uint8_t value = 255) {
    x0 = std::clamp(x0, 0, w_);
    x1 = std::clamp(x1, 0, w_);
    y0 = std::clamp(y0, 0, h_);
    y1 = std::clamp(y1, 0, h_);
    for (int y = y0; y < y1; ++y) {
      std::fill(px_.begin() + y * w_ + x0, px_.begin() + y * w_ + x1, value);
    }
  }

  // Adds the shape `inside(x, y)` (continuous coordinates, pixel centres at +0.5) with
  // 4x4 supersampled coverage; overlapping shapes keep the larger coverage.
  template <typename Inside>
  void paint(Inside inside) {
    constexpr int kSub = 4;
    for (int y = 0; y < h_; ++y) {
      for (int x = 0; x < w_; ++x) {
        int hits = 0;
        for (int sy = 0; sy < kSub; ++sy) {
          for (int sx = 0; sx < kSub; ++sx) {
            if (inside(x + (sx + 0.5) / kSub, y + (sy + 0.5) / kSub)) ++hits;
          }
        }
        if (hits == 0) continue;
        uint8_t& p = px_[static_cast<size_t>(y) * w_ + x];
        p = std::max<uint8_t>(p, static_cast<uint8_t>(hits * 255 / (kSub * kSub)));
      }
    }
  }

  GlyphBitmap take() {
    GlyphBitmap g;
    g.width = w_;
    g.height = h_;
    g.pixels = std::move(px_);
    return g;
  }

 private:
  int w_;
  int h_;
  std::vector<uint8_t> px_;
};

struct Strokes {
  int light;
  int heavy;

  int thickness(Weight w) const {
    switch (w) {
      case kLight: return light;
      case kHeavy: return heavy;
      case kDouble: return 3 * light;
      default: return 0;
    }
  }
};

Strokes strokes_for(const Metrics& m) {
  const int light = std::max(1, m.cell_width / 8);
  return {light, 2 * light};
}

// A band across the cell: [lo, hi) on one axis, centred with the same rounding in every
// cell so lines meet their neighbours'.
struct Band {
  int lo;
  int hi;
};

Band centred(int extent, int thickness) {
  const int lo = (extent - thickness) / 2;
  return {lo, lo + thickness};
}

void draw_arms(Canvas& c, const char* spec, const Strokes& s) {
  const Weight arm[4] = {weight_of(spec[0]), weight_of(spec[1]), weight_of(spec[2]),
                         weight_of(spec[3])};
  const int W = c.width();
  const int H = c.height();
  const int t = s.light;

  // Vertical arms reach into the band of the thickest horizontal arm and the other way
  // round, so corners and junctions close with no notch. With nothing across, an arm
  // reaches the band its own weight would have.
  const int across_h = std::max(s.thickness(arm[kLeft]), s.thickness(arm[kRight]));
  const int across_v = std::max(s.thickness(arm[kUp]), s.thickness(arm[kDown]));
  const Band hb = centred(H, across_h > 0 ? across_h : across_v);
  const Band vb = centred(W, across_v > 0 ? across_v : across_h);
  const bool double_h = arm[kLeft] == kDouble && arm[kRight] == kDouble;
  const bool double_v = arm[kUp] == kDouble && arm[kDown] == kDouble;

  for (int a = 0; a < 4; ++a) {
    if (arm[a] == kNone) continue;
    const int thick = s.thickness(arm[a]);
    const bool vertical = a == kUp || a == kDown;
    const Band own = centred(vertical ? W : H, thick);
    // A single line that ends on a double line from the side (a T such as U+2564)
    // meets the nearer of the two lines, not the gap between them.
    const int opposite = arm[(a + 2) % 4];
    const bool tee_on_double = arm[a] != kDouble && opposite == kNone;
    switch (a) {
      case kUp: {
        const int end = tee_on_double && double_h ? hb.lo + t : hb.hi;
        c.fill(own.lo, 0, own.hi, end);
        break;
      }
      case kDown: {
        const int start = tee_on_double && double_h ? hb.hi - t : hb.lo;
        c.fill(own.lo, start, own.hi, H);
        break;
      }
      case kLeft: {
        const int end = tee_on_double && double_v ? vb.lo + t : vb.hi;
        c.fill(0, own.lo, end, own.hi);
        break;
      }
      case kRight: {
        const int start = tee_on_double && double_v ? vb.hi - t : vb.lo;
        c.fill(start, own.lo, W, own.hi);
        break;
      }
    }
  }

  // Double arms were filled as one wide band; cutting the middle out of each, up to the
  // inner edge of the line across, leaves the two lines with the corners joined the way
  // U+2554 and U+256C need (worked through in the tests' pictures).
  // When a single line tees into a double one, the double's gap runs on past it.
  auto single_tee = [&](Weight a, Weight b) {
    return (a == kNone) != (b == kNone) && std::max(a, b) != kDouble;
  };
  const int stop_v = double_h && single_tee(arm[kUp], arm[kDown]) ? 0 : t;
  const int stop_h = double_v && single_tee(arm[kLeft], arm[kRight]) ? 0 : t;
  for (int a = 0; a < 4; ++a) {
    if (arm[a] != kDouble) continue;
    const bool vertical = a == kUp || a == kDown;
    const Band own = centred(vertical ? W : H, 3 * t);
    const int gap_lo = own.lo + t;
    const int gap_hi = own.lo + 2 * t;
    switch (a) {
      case kUp: c.fill(gap_lo, 0, gap_hi, hb.hi - stop_h, 0); break;
      case kDown: c.fill(gap_lo, hb.lo + stop_h, gap_hi, H, 0); break;
      case kLeft: c.fill(0, gap_lo, vb.hi - stop_v, gap_hi, 0); break;
      case kRight: c.fill(vb.lo + stop_v, gap_lo, W, gap_hi, 0); break;
    }
  }
}

// U+2504-U+250B and U+254C-U+254F: dashes, each cell ending in a gap so neighbouring
// cells keep the rhythm.
void draw_dashes(Canvas& c, char32_t cp, const Strokes& s) {
  int count = 0;
  bool heavy = false;
  bool vertical = false;
  if (cp >= 0x2504 && cp <= 0x250b) {
    const int i = static_cast<int>(cp - 0x2504);
    count = i < 4 ? 3 : 4;
    heavy = (i & 1) != 0;
    vertical = (i & 2) != 0;
  } else {
    const int i = static_cast<int>(cp - 0x254c);
    count = 2;
    heavy = (i & 1) != 0;
    vertical = (i & 2) != 0;
  }
  const int thick = heavy ? s.heavy : s.light;
  const int length = vertical ? c.height() : c.width();
  const Band band = centred(vertical ? c.width() : c.height(), thick);
  const int gap = std::max(1, static_cast<int>(std::lround(length / (count * 4.0))));
  for (int i = 0; i < count; ++i) {
    const int start = static_cast<int>(std::lround(static_cast<double>(i) * length / count));
    const int end =
        static_cast<int>(std::lround(static_cast<double>(i + 1) * length / count)) - gap;
    if (vertical) {
      c.fill(band.lo, start, band.hi, end);
    } else {
      c.fill(start, band.lo, end, band.hi);
    }
  }
}

// U+256D-U+2570: a quarter circle joining the centre lines, with straight runs to the
// edges so the ends meet ordinary lines exactly.
void draw_arc(Canvas& c, char32_t cp, const Strokes& s) {
  // Direction of the two arms: dx = +1 right, dy = +1 down.
  int dx = 1, dy = 1;
  switch (cp) {
    case 0x256d: dx = 1, dy = 1; break;    // down and right
    case 0x256e: dx = -1, dy = 1; break;   // down and left
    case 0x256f: dx = -1, dy = -1; break;  // up and left
    default: dx = 1, dy = -1; break;       // up and right
  }
  const int W = c.width();
  const int H = c.height();
  const int t = s.light;
  const Band vb = centred(W, t);
  const Band hb = centred(H, t);
  const double xc = vb.lo + t / 2.0;
  const double yc = hb.lo + t / 2.0;
  // One pixel short of the nearer edge, so the last column (or row) is the straight run
  // and meets the neighbouring cell's line exactly, not an anti-aliased arc end.
  const double r = std::max(0.5, std::min(dx > 0 ? W - xc : xc, dy > 0 ? H - yc : yc) - 1.0);
  const double acx = xc + dx * r;
  const double acy = yc + dy * r;

  // The straight runs, as exact rectangles.
  const int arc_x = static_cast<int>(std::lround(acx));
  const int arc_y = static_cast<int>(std::lround(acy));
  if (dx > 0) {
    c.fill(arc_x, hb.lo, W, hb.hi);
  } else {
    c.fill(0, hb.lo, arc_x, hb.hi);
  }
  if (dy > 0) {
    c.fill(vb.lo, arc_y, vb.hi, H);
  } else {
    c.fill(vb.lo, 0, vb.hi, arc_y);
  }
  const double half = t / 2.0;
  c.paint([&](double x, double y) {
    const double ddx = x - acx;
    const double ddy = y - acy;
    if (ddx * dx > 0 || ddy * dy > 0) return false;
    return std::abs(std::hypot(ddx, ddy) - r) <= half;
  });
}

double distance_to_segment(double px, double py, double ax, double ay, double bx, double by) {
  const double vx = bx - ax;
  const double vy = by - ay;
  const double len2 = vx * vx + vy * vy;
  double k = len2 > 0 ? ((px - ax) * vx + (py - ay) * vy) / len2 : 0;
  k = std::clamp(k, 0.0, 1.0);
  return std::hypot(px - (ax + k * vx), py - (ay + k * vy));
}

// U+2571-U+2573: corner-to-corner lines, so diagonals continue into diagonal neighbours.
void draw_diagonals(Canvas& c, char32_t cp, const Strokes& s) {
  const double W = c.width();
  const double H = c.height();
  const double half = s.light * 0.6;  // a touch heavier: thin diagonals look faint
  const bool rising = cp == 0x2571 || cp == 0x2573;
  const bool falling = cp == 0x2572 || cp == 0x2573;
  c.paint([&](double x, double y) {
    return (rising && distance_to_segment(x, y, 0, H, W, 0) <= half) ||
           (falling && distance_to_segment(x, y, 0, 0, W, H) <= half);
  });
}

// U+2580-U+259F. Fractions of the cell round the same way in every glyph, so the upper
// half and the lower half tile the cell exactly.
void draw_block(Canvas& c, char32_t cp) {
  const int W = c.width();
  const int H = c.height();
  auto from_left = [&](int eighths) { return static_cast<int>(std::lround(W * eighths / 8.0)); };
  auto from_bottom = [&](int eighths) {
    return H - static_cast<int>(std::lround(H * eighths / 8.0));
  };
  const int mid_x = from_left(4);
  const int mid_y = from_bottom(4);
  // Quadrant bits: 1 upper left, 2 upper right, 4 lower left, 8 lower right.
  auto quadrants = [&](int bits) {
    if (bits & 1) c.fill(0, 0, mid_x, mid_y);
    if (bits & 2) c.fill(mid_x, 0, W, mid_y);
    if (bits & 4) c.fill(0, mid_y, mid_x, H);
    if (bits & 8) c.fill(mid_x, mid_y, W, H);
  };
  if (cp == 0x2580) {
    c.fill(0, 0, W, mid_y);
  } else if (cp >= 0x2581 && cp <= 0x2588) {
    c.fill(0, from_bottom(static_cast<int>(cp - 0x2580)), W, H);
  } else if (cp >= 0x2589 && cp <= 0x258f) {
    c.fill(0, 0, from_left(static_cast<int>(0x2590 - cp)), H);
  } else if (cp == 0x2590) {
    c.fill(mid_x, 0, W, H);
  } else if (cp >= 0x2591 && cp <= 0x2593) {
    // Shades as uniform coverage rather than a dither pattern: a pattern beats against
    // the pixel grid at fractional scales and shows seams between cells.
    static constexpr uint8_t kShade[] = {64, 128, 191};
    c.fill(0, 0, W, H, kShade[cp - 0x2591]);
  } else if (cp == 0x2594) {
    c.fill(0, 0, W, H - from_bottom(1));
  } else if (cp == 0x2595) {
    c.fill(W - from_left(1), 0, W, H);
  } else {
    static constexpr int kQuadrants[] = {4,         8,         1, 1 | 4 | 8, 1 | 8,
                                         1 | 2 | 4, 1 | 2 | 8, 2, 2 | 4,     2 | 4 | 8};
    quadrants(kQuadrants[cp - 0x2596]);
  }
}

// U+E0B0-U+E0B3: Powerline's solid and outline arrows, apex at the vertical centre.
void draw_powerline(Canvas& c, char32_t cp, const Strokes& s) {
  const double W = c.width();
  const double H = c.height();
  const bool points_left = cp == 0xe0b2 || cp == 0xe0b3;
  const bool solid = cp == 0xe0b0 || cp == 0xe0b2;
  const double half = s.light * 0.6;
  c.paint([&](double x, double y) {
    const double fx = points_left ? W - x : x;  // distance from the base edge
    if (solid) return fx / W <= 1.0 - std::abs(2.0 * y / H - 1.0);
    return distance_to_segment(fx, y, 0, 0, W, H / 2) <= half ||
           distance_to_segment(fx, y, W, H / 2, 0, H) <= half;
  });
}

}  // namespace

bool is_procedural(char32_t cp) {
  return (cp >= 0x2500 && cp <= 0x259f) || (cp >= 0xe0b0 && cp <= 0xe0b3);
}

GlyphBitmap draw_procedural(char32_t cp, const Metrics& metrics, int cells) {
  CADENCE_CHECK(is_procedural(cp));
  CADENCE_CHECK(cells >= 1 && metrics.cell_width > 0 && metrics.cell_height > 0);
  Canvas c(cells * metrics.cell_width, metrics.cell_height);
  const Strokes s = strokes_for(metrics);
  if (cp >= 0xe0b0) {
    draw_powerline(c, cp, s);
  } else if (cp >= 0x2580) {
    draw_block(c, cp);
  } else if (const char* arms = kArms[cp - 0x2500]; arms != nullptr) {
    draw_arms(c, arms, s);
  } else if (cp >= 0x256d && cp <= 0x2570) {
    draw_arc(c, cp, s);
  } else if (cp >= 0x2571 && cp <= 0x2573) {
    draw_diagonals(c, cp, s);
  } else {
    draw_dashes(c, cp, s);
  }
  return c.take();
}

}  // namespace cadence::render::font
