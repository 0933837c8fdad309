// Client-side decorations (see decorations.hpp).
#include "ui/decorations.hpp"

#include <algorithm>
#include <cmath>

#include "vt/utf8.hpp"

namespace cadence::ui {

int title_bar_px(double scale) { return static_cast<int>(std::lround(kTitleBarLogical * scale)); }

void draw_decorations(const DecorationFrame& frame, const std::string& title,
                      const render::font::Metrics& m, std::vector<render::Overlay>& overlays,
                      std::vector<render::OverlayGlyph>& text) {
  using Style = render::Overlay::Style;
  const float bar = static_cast<float>(title_bar_px(frame.scale));
  const float w = static_cast<float>(frame.buffer_width);
  const float h = static_cast<float>(frame.buffer_height);
  const float line = std::max(1.0f, static_cast<float>(std::lround(frame.scale)));
  overlays.push_back({0, 0, w, bar, kTitleBarColor, Style::solid});
  // A one-pixel frame, so the window's edge shows where the resize handles are.
  overlays.push_back({0, 0, w, h, kTitleBarColor, Style::hollow});
  // Buttons from the right: close (a cross), maximize (a square), minimize (a line).
  const float icon = std::round(bar * 0.4f);
  const float inset = std::round((bar - icon) / 2);
  overlays.push_back({w - bar, 0, bar, bar, kCloseColor, Style::solid});
  const float cx = w - bar + inset, cy = inset;
  overlays.push_back({cx, cy + icon / 2 - line / 2, icon, line, kTitleTextColor, Style::solid});
  overlays.push_back({cx + icon / 2 - line / 2, cy, line, icon, kTitleTextColor, Style::solid});
  overlays.push_back({w - 2 * bar + inset, inset, icon, icon, kTitleTextColor, Style::hollow});
  overlays.push_back(
      {w - 3 * bar + inset, inset + icon - line, icon, line, kTitleTextColor, Style::solid});
  const float y = std::max(0.0f, std::round((bar - static_cast<float>(m.cell_height)) / 2));
  float x = std::round(bar / 3);
  const float limit = w - 3 * bar - static_cast<float>(m.cell_width);
  for (char32_t cp : vt::decode_utf8(title)) {
    if (x > limit) break;
    text.push_back({x, y, cp, kTitleTextColor, 0});
    x += static_cast<float>(m.cell_width);
  }
}

DecorationHit hit_decoration(const DecorationFrame& frame, double lx, double ly, uint32_t& edges) {
  const double x = lx * frame.scale, y = ly * frame.scale;
  const double band = kResizeEdgeLogical * frame.scale;
  edges = 0;
  if (!frame.maximized_or_fullscreen) {
    if (y < band) edges |= edge::top;
    if (y >= frame.buffer_height - band) edges |= edge::bottom;
    if (x < band) edges |= edge::left;
    if (x >= frame.buffer_width - band) edges |= edge::right;
    if (edges) return DecorationHit::resize;
  }
  const double bar = title_bar_px(frame.scale);
  if (y >= bar) return DecorationHit::none;
  if (x >= frame.buffer_width - bar) return DecorationHit::close;
  if (x >= frame.buffer_width - 2 * bar) return DecorationHit::maximize;
  if (x >= frame.buffer_width - 3 * bar) return DecorationHit::minimize;
  return DecorationHit::move;
}

const char* decoration_cursor(DecorationHit hit, uint32_t edges) {
  if (hit == DecorationHit::none) return "text";
  if (hit != DecorationHit::resize) return "default";
  switch (edges) {
    case edge::top: return "top_side";
    case edge::bottom: return "bottom_side";
    case edge::left: return "left_side";
    case edge::right: return "right_side";
    case edge::top | edge::left: return "top_left_corner";
    case edge::top | edge::right: return "top_right_corner";
    case edge::bottom | edge::left: return "bottom_left_corner";
    case edge::bottom | edge::right: return "bottom_right_corner";
    default: return "default";
  }
}

}  // namespace cadence::ui
