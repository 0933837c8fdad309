// The frame-time chart: `cadence cli frame-log --plot out.png / --svg out.svg`, and the
// live HUD the window draws from the same layout.
//
// One layout function (plot_scene) turns records into rectangles and text; the SVG
// writer, the RGBA rasterizer and the window's HUD (render::Overlay rectangles) each
// only translate that list, so the three pictures cannot disagree. Each frame is a bar,
// its paint phases stacked bottom-up in pipeline order; a stalled frame gets a strip
// across the top and a tinted column in its cause's colour; a dashed line marks the
// refresh interval. The rasterizer draws text with a built-in 5x7 capital-letter font,
// so the PNG needs no font library (this layer links nothing but base).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "framelog/frame_log.hpp"

namespace cadence::framelog {

struct PlotRect {
  float x = 0, y = 0, w = 0, h = 0;
  uint32_t argb = 0;  // straight alpha
};

struct PlotText {
  float x = 0, y = 0;  // top-left of the first character cell
  std::string text;
  uint32_t argb = 0;
};

struct PlotScene {
  int width = 0, height = 0;
  uint32_t background = 0;
  float char_width = 0, line_height = 0;
  std::vector<PlotRect> rects;  // painted in order
  std::vector<PlotText> texts;  // painted after the rectangles
};

struct PlotOptions {
  int width = 1200;
  int height = 420;
  // The size of one character cell; text is laid out on it.
  float char_width = 12;
  float line_height = 18;
  // The HUD's form: no axes, no legend, one line of text (the last stall), a
  // translucent background.
  bool compact = false;
};

uint32_t phase_color(Phase p);
uint32_t cause_color(const std::string& cause);

PlotScene plot_scene(const std::vector<FrameRecord>& records, uint64_t refresh_ns,
                     const PlotOptions& options);

std::string plot_svg(const PlotScene& scene);

struct RgbaImage {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels;  // width*height*4, rows top first, straight alpha
};
// Text is drawn with the built-in font scaled to fit the scene's character cell.
RgbaImage rasterize(const PlotScene& scene);

}  // namespace cadence::framelog
