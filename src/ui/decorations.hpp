// Client-side decorations: the title bar cadence draws when the compositor does not
// decorate the window (or with --csd), and what a pointer press on it means.
//
// Geometry only: the bar is kTitleBarLogical logical pixels high at the top of the
// buffer, with close, maximize and minimize buttons (bar-sized squares) from the right,
// and kResizeEdgeLogical pixels along every edge start an interactive resize (not while
// maximized or fullscreen, where the edges are not the window's to move). Everything is
// drawn as the renderer's overlays, so the bar costs no extra pass.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "render/font/glyph_bitmap.hpp"
#include "render/grid_renderer.hpp"

namespace cadence::ui {

inline constexpr int kTitleBarLogical = 24;
inline constexpr int kResizeEdgeLogical = 6;
inline constexpr uint32_t kTitleBarColor = 0xff2e2e2e;
inline constexpr uint32_t kTitleTextColor = 0xffe0e0e0;
inline constexpr uint32_t kCloseColor = 0xffc0392b;

// xdg_toplevel resize edges.
namespace edge {
inline constexpr uint32_t top = 1, bottom = 2, left = 4, right = 8;
}

struct DecorationFrame {
  int buffer_width = 0;  // device pixels
  int buffer_height = 0;
  double scale = 1.0;
  bool maximized_or_fullscreen = false;
};

enum class DecorationHit : uint8_t { none, move, close, maximize, minimize, resize };

int title_bar_px(double scale);

// The bar, its buttons and a one-pixel frame as overlays; the title (UTF-8) as overlay
// glyphs, cut where it would run into the buttons.
void draw_decorations(const DecorationFrame& frame, const std::string& title,
                      const render::font::Metrics& metrics, std::vector<render::Overlay>& overlays,
                      std::vector<render::OverlayGlyph>& text);

// What is under a point given in logical pixels; `edges` says which, for a resize.
DecorationHit hit_decoration(const DecorationFrame& frame, double x, double y, uint32_t& edges);

// The cursor theme's name for the pointer over a hit.
const char* decoration_cursor(DecorationHit hit, uint32_t edges);

}  // namespace cadence::ui
