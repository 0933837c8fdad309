// The frame-time chart (see plot.hpp).
#include "framelog/plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cadence::framelog {
namespace {

// 5x7 capitals, digits and the punctuation the chart prints; one byte per row, bit 4 is
// the leftmost column. Lower-case text is drawn in capitals; anything else as '?'.
struct Glyph5x7 {
  char ch;
  uint8_t rows[7];
};
constexpr Glyph5x7 kFont[] = {
    {' ', {0, 0, 0, 0, 0, 0, 0}},
    {'A', {0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
    {'B', {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E}},
    {'C', {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}},
    {'D', {0x1E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1E}},
    {'E', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F}},
    {'F', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10}},
    {'G', {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F}},
    {'H', {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
    {'I', {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E}},
    {'J', {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C}},
    {'K', {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}},
    {'L', {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F}},
    {'M', {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11}},
    {'N', {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}},
    {'O', {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}},
    {'P', {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10}},
    {'Q', {0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D}},
    {'R', {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11}},
    {'S', {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E}},
    {'T', {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}},
    {'U', {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}},
    {'V', {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04}},
    {'W', {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A}},
    {'X', {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11}},
    {'Y', {0x11, 0x11, 0x0A, 0x04, 0x04, 0x04, 0x04}},
    {'Z', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F}},
    {'0', {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}},
    {'1', {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}},
    {'2', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}},
    {'3', {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}},
    {'4', {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}},
    {'5', {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}},
    {'6', {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}},
    {'7', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
    {'8', {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}},
    {'9', {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}},
    {'.', {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C}},
    {':', {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00}},
    {'/', {0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00}},
    {'-', {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00}},
    {'(', {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02}},
    {')', {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08}},
    {'%', {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03}},
    {'=', {0x00, 0x00, 0x1F, 0x00, 0x1F, 0x00, 0x00}},
    {'+', {0x00, 0x04, 0x04, 0x1F, 0x04, 0x04, 0x00}},
    {',', {0x00, 0x00, 0x00, 0x00, 0x0C, 0x04, 0x08}},
    {'_', {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1F}},
    {'<', {0x02, 0x04, 0x08, 0x10, 0x08, 0x04, 0x02}},
    {'>', {0x08, 0x04, 0x02, 0x01, 0x02, 0x04, 0x08}},
    {'#', {0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A}},
    {'?', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04}},
};

const Glyph5x7& glyph_for(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  for (const Glyph5x7& g : kFont) {
    if (g.ch == c) return g;
  }
  return kFont[std::size(kFont) - 1];
}

std::string fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// A step of 1, 2 or 5 times a power of ten that cuts `range` into at most `ticks` parts.
double nice_step(double range, int ticks) {
  const double raw = range / ticks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * magnitude >= raw) return m * magnitude;
  }
  return 10 * magnitude;
}

uint64_t stack_us(const FrameRecord& r) {
  uint64_t sum = 0;
  for (uint32_t us : r.phase_us) sum += us;
  return sum;
}

}  // namespace

uint32_t phase_color(Phase p) {
  switch (p) {
    case Phase::snapshot: return 0xff4e79a7;
    case Phase::tab_bar: return 0xfff28e2b;
    case Phase::layout: return 0xff9c755f;
    case Phase::glyphs: return 0xff76b7b2;
    case Phase::upload: return 0xff59a14f;
    case Phase::draw: return 0xffedc948;
    case Phase::swap: return 0xffb07aa1;
    case Phase::count: break;
  }
  return 0xff808080;
}

uint32_t cause_color(const std::string& cause) {
  if (cause.starts_with("cpu:")) return phase_color(phase_from_name(cause.substr(4)));
  if (cause == "gpu/swap") return phase_color(Phase::swap);
  if (cause == "compositor") return 0xffe15759;
  if (cause == "sync-output") return 0xffff9da7;
  if (cause == "flood-paced") return 0xffbab0ac;
  if (cause == "network") return 0xff3c3c9c;
  if (cause == "pty-starved") return 0xff17becf;
  return 0xff808080;
}

PlotScene plot_scene(const std::vector<FrameRecord>& records, uint64_t refresh_ns,
                     const PlotOptions& o) {
  PlotScene s;
  s.width = std::max(o.width, 16);
  s.height = std::max(o.height, 16);
  s.char_width = o.char_width;
  s.line_height = o.line_height;
  const float cw = o.char_width, lh = o.line_height;
  const float w = static_cast<float>(s.width), h = static_cast<float>(s.height);
  const uint32_t ink = o.compact ? 0xffffffff : 0xff202020;
  s.background = o.compact ? 0xc0181818 : 0xffffffff;
  // The plot area.
  const float left = o.compact ? 2 : cw * 9, right = o.compact ? 2 : cw;
  const float top = o.compact ? lh + 2 : lh * 2.5f, bottom = o.compact ? 2 : lh * 3;
  const float ax = left, ay = top, aw = std::max(1.0f, w - left - right),
              ah = std::max(1.0f, h - top - bottom);
  if (!o.compact) s.rects.push_back({ax, ay, aw, ah, 0xfff2f2f2});

  const double refresh_us = static_cast<double>(refresh_ns) / 1000.0;
  uint64_t tallest = 0;
  for (const FrameRecord& r : records) tallest = std::max(tallest, stack_us(r));
  // Room for the refresh line and the tallest bar, but a single huge frame must not
  // flatten the rest: past ten refresh intervals bars are cut at the top.
  const double ymax =
      std::clamp(static_cast<double>(tallest) * 1.1, refresh_us * 2.5, refresh_us * 10);
  auto y_of = [&](double us) {
    return ay + ah - static_cast<float>(std::min(us, ymax) / ymax) * ah;
  };

  if (!o.compact) {
    const double step = nice_step(ymax / 1000.0, 5);
    for (double v = step; v * 1000.0 < ymax; v += step) {
      const float y = y_of(v * 1000.0);
      s.rects.push_back({ax, y, aw, 1, 0xffd0d0d0});
      const std::string label = fixed(v, step < 1 ? 1 : 0) + " ms";
      s.texts.push_back({ax - cw * static_cast<float>(label.size() + 1), y - lh / 2, label, ink});
    }
  }

  // Bars.
  const size_t n = records.size();
  const float bar = n ? aw / static_cast<float>(n) : aw;
  const float gap = bar >= 4 ? 1 : 0;
  std::vector<std::pair<std::string, size_t>> causes;
  const FrameRecord* last_stall = nullptr;
  uint64_t last_stall_delay = 0;
  std::string last_cause;
  for (size_t i = 0; i < n; ++i) {
    const FrameRecord& r = records[i];
    const float x = ax + bar * static_cast<float>(i);
    const Attribution a = attribute(r, refresh_ns);
    if (a.stall) {
      const uint32_t c = cause_color(a.cause);
      s.rects.push_back({x, ay, bar, ah, (c & 0x00ffffff) | 0x50000000});
      s.rects.push_back({x, ay, bar, std::max(3.0f, lh / 4), c});
      auto it = std::find_if(causes.begin(), causes.end(),
                             [&](const auto& p) { return p.first == a.cause; });
      if (it == causes.end()) {
        causes.emplace_back(a.cause, 1);
      } else {
        ++it->second;
      }
      last_stall = &r;
      last_stall_delay = a.delay_us;
      last_cause = a.cause;
    }
    double base = 0;
    for (size_t p = 0; p < kPhases; ++p) {
      if (r.phase_us[p] == 0 || base >= ymax) continue;
      const float y0 = y_of(base);
      base += r.phase_us[p];
      const float y1 = y_of(base);
      s.rects.push_back({x, y1, std::max(1.0f, bar - gap), std::max(y0 - y1, 1.0f),
                         phase_color(static_cast<Phase>(p))});
    }
  }

  // The refresh interval, dashed.
  const float ry = y_of(refresh_us);
  const float dash = o.compact ? 4 : 8;
  for (float x = ax; x < ax + aw; x += dash * 1.75f) {
    s.rects.push_back({x, ry, std::min(dash, ax + aw - x), o.compact ? 1.0f : 2.0f, ink});
  }

  if (o.compact) {
    std::string line = "no stall";
    if (last_stall) {
      line = "last stall: " + last_cause + " " + fixed(last_stall_delay / 1000.0, 1) + " ms";
    }
    s.texts.push_back({2, 1, line, ink});
    return s;
  }

  const std::string refresh_label = "refresh " + fixed(refresh_us / 1000.0, 1) + " ms";
  s.texts.push_back(
      {ax + aw - cw * static_cast<float>(refresh_label.size() + 1), ry - lh, refresh_label, ink});
  size_t stalls = 0;
  for (const auto& c : causes) stalls += c.second;
  std::string title = "frame log: " + std::to_string(n) + " frames, " + std::to_string(stalls) +
                      (stalls == 1 ? " stall" : " stalls");
  s.texts.push_back({ax, 2, title, ink});
  // Stall causes, top; phases, bottom; each a colour box and a name.
  float x = ax;
  for (const auto& [cause, count] : causes) {
    const std::string label = cause + " " + std::to_string(count);
    s.rects.push_back({x, 4 + lh, cw, lh * 0.6f, cause_color(cause)});
    s.texts.push_back({x + cw * 1.5f, 2 + lh, label, ink});
    x += cw * static_cast<float>(label.size() + 3);
  }
  if (!records.empty()) {
    s.texts.push_back({ax, ay + ah + 4, "frame " + std::to_string(records.front().frame), ink});
    const std::string last = std::to_string(records.back().frame);
    s.texts.push_back({ax + aw - cw * static_cast<float>(last.size()), ay + ah + 4, last, ink});
  }
  x = ax;
  for (size_t p = 0; p < kPhases; ++p) {
    const std::string name = phase_name(static_cast<Phase>(p));
    s.rects.push_back(
        {x, ay + ah + lh * 1.5f + 2, cw, lh * 0.6f, phase_color(static_cast<Phase>(p))});
    s.texts.push_back({x + cw * 1.5f, ay + ah + lh * 1.5f, name, ink});
    x += cw * static_cast<float>(name.size() + 3);
  }
  return s;
}

std::string plot_svg(const PlotScene& s) {
  std::string out;
  char buf[256];
  auto color = [](uint32_t argb) {
    char c[64];
    std::snprintf(c, sizeof c, "fill=\"#%06x\"", argb & 0xffffff);
    std::string f = c;
    if ((argb >> 24) != 0xff) {
      std::snprintf(c, sizeof c, " fill-opacity=\"%.3f\"", (argb >> 24) / 255.0);
      f += c;
    }
    return f;
  };
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                "viewBox=\"0 0 %d %d\">\n",
                s.width, s.height, s.width, s.height);
  out += buf;
  out += "<rect width=\"100%\" height=\"100%\" " + color(s.background) + "/>\n";
  for (const PlotRect& r : s.rects) {
    std::snprintf(buf, sizeof buf, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" ",
                  r.x, r.y, r.w, r.h);
    out += buf + color(r.argb) + "/>\n";
  }
  const float size = s.line_height * 0.72f;
  for (const PlotText& t : s.texts) {
    std::snprintf(buf, sizeof buf,
                  "<text x=\"%.2f\" y=\"%.2f\" font-family=\"monospace\" font-size=\"%.1f\" ", t.x,
                  t.y + s.line_height * 0.78f, size);
    out += buf + color(t.argb) + ">";
    for (char c : t.text) {
      switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        default: out += c;
      }
    }
    out += "</text>\n";
  }
  out += "</svg>\n";
  return out;
}

RgbaImage rasterize(const PlotScene& s) {
  RgbaImage img;
  img.width = s.width;
  img.height = s.height;
  img.pixels.resize(static_cast<size_t>(s.width) * static_cast<size_t>(s.height) * 4);
  auto blend = [&img](int x, int y, uint32_t argb) {
    if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
    uint8_t* p = &img.pixels[(static_cast<size_t>(y) * static_cast<size_t>(img.width) +
                              static_cast<size_t>(x)) *
                             4];
    const double a = (argb >> 24) / 255.0;
    const double da = p[3] / 255.0;
    const double oa = a + da * (1 - a);
    if (oa <= 0) return;
    for (int k = 0; k < 3; ++k) {
      const double src = (argb >> (16 - 8 * k)) & 0xff;
      p[k] = static_cast<uint8_t>(std::lround((src * a + p[k] * da * (1 - a)) / oa));
    }
    p[3] = static_cast<uint8_t>(std::lround(oa * 255));
  };
  auto fill = [&](float fx, float fy, float fw, float fh, uint32_t argb) {
    const int x0 = static_cast<int>(std::lround(fx)), y0 = static_cast<int>(std::lround(fy));
    const int x1 = std::max(x0 + 1, static_cast<int>(std::lround(fx + fw)));
    const int y1 = std::max(y0 + 1, static_cast<int>(std::lround(fy + fh)));
    for (int y = std::max(0, y0); y < std::min(img.height, y1); ++y) {
      for (int x = std::max(0, x0); x < std::min(img.width, x1); ++x) blend(x, y, argb);
    }
  };
  fill(0, 0, static_cast<float>(s.width), static_cast<float>(s.height), s.background);
  for (const PlotRect& r : s.rects) fill(r.x, r.y, r.w, r.h, r.argb);
  // The 5x7 font in a 6x9 cell, scaled by whole pixels to the scene's character cell.
  const int scale = std::max(1, static_cast<int>(std::min(s.char_width / 6, s.line_height / 9)));
  for (const PlotText& t : s.texts) {
    float cx = t.x;
    const int top = static_cast<int>(std::lround(t.y + (s.line_height - 7.0f * scale) / 2));
    for (char c : t.text) {
      const Glyph5x7& g = glyph_for(c);
      const int left = static_cast<int>(std::lround(cx));
      for (int row = 0; row < 7; ++row) {
        for (int col = 0; col < 5; ++col) {
          if (!(g.rows[row] & (0x10 >> col))) continue;
          for (int dy = 0; dy < scale; ++dy) {
            for (int dx = 0; dx < scale; ++dx) {
              blend(left + col * scale + dx, top + row * scale + dy, t.argb);
            }
          }
        }
      }
      cx += s.char_width;
    }
  }
  return img;
}

}  // namespace cadence::framelog
