// FontSet: the faces one terminal draws with, and the glyph bitmaps it gets from them.
//
// fontconfig picks the faces: the configured family in four styles, and for a code point
// none of them has, the first font in fontconfig's sorted list for that family whose
// charset has it. FreeType rasterizes. There is no shaping (HarfBuzz is not a
// dependency): a cluster is its first code point, with combining marks drawn over it at
// the positions FreeType gives them, which is right for Latin, Greek and Cyrillic
// accents and approximate beyond.
//
// Decisions:
// - Cell size comes from the regular face alone, so bold or a fallback font can never
//   change the grid: the width is the advance of '0' rounded, the height the ascender
//   and the descender each rounded up (descenders and '_' must not be cut), all from
//   unhinted values so doubling the scale doubles the cell, to a pixel.
// - A family without a bold or italic face gets one synthesised (outline emboldening, an
//   oblique shear) rather than silently drawing regular.
// - Every glyph is made to fit its cells: text glyphs whose advance is wider than the
//   cells are scaled down, wide glyphs are centred in their two cells, and anything left
//   over is clipped to the cell box (plus one pixel each side for italic overhang).
//   Colour emoji come from fixed-size strikes (Noto Color Emoji: 109 px) and are scaled to
//   fit, centred, keeping their aspect.
// - Box drawing, blocks and Powerline arrows are drawn (box_drawing.hpp), never taken
//   from a font.
// - A code point no font has draws a hollow box, so missing glyphs are visible.
// - Font features (FontSpec::features) pick glyph variants: each face, fallbacks
//   included, reads its own GSUB when it is opened (gsub.hpp), and its substitutions
//   run on the glyph index at rasterization, so a feature costs nothing per frame. The
//   cell size is still measured on the default '0', so no feature can change the grid.
//   Features that only work on runs of text (ligatures, contextual alternates, kerning,
//   positional forms) are not looked up at all: applying the context-free parts of
//   them would draw glyphs meant only for certain neighbours. Asking for one logs,
//   once per FontSet, that cadence does not shape text; a malformed GSUB logs one
//   warning per face and draws that face's default glyphs.
// - Faces are opened once per file and index and kept; fallback answers (including "no
//   font has it") are cached per code point. FontSet caches no bitmaps: the glyph atlas
//   above it does, keyed by what it asked for.
//
// Not thread-safe: one FontSet per render thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "render/font/font_feature.hpp"
#include "render/font/glyph_bitmap.hpp"

namespace cadence::render::font {

struct FontSpec {
  std::string family = "monospace";
  double size_pt = 11.0;
  // As the configuration lists them (parse_font_features()); later entries for a tag
  // override earlier ones, and only those left on do anything.
  std::vector<FontFeature> features;
};

// "FAMILY:SIZE", "FAMILY" or ":SIZE", e.g. "DejaVu Sans Mono:12". The size is in points
// (0 < size <= 200); a missing part keeps FontSpec's default. No features.
Result<FontSpec> parse_font_spec(std::string_view text);

enum class FaceStyle : uint8_t { regular, bold, italic, bold_italic };

struct FontStats {
  int faces_loaded = 0;           // distinct font files (and indices) opened
  uint64_t fallback_lookups = 0;  // code points the primary face lacked, asked of fontconfig
  uint64_t fallback_cache_hits = 0;
  uint64_t glyphs_substituted = 0;  // glyphs rasterized as a font feature's variant
};

class FontSet {
 public:
  // scale: device pixels per logical pixel (1.0, 1.25, 2.0 ...); logical pixels are at
  // 96 dpi, so the size in device pixels is size_pt * 96 / 72 * scale.
  static Result<std::unique_ptr<FontSet>> open(const FontSpec& spec, double scale);

  ~FontSet();
  FontSet(const FontSet&) = delete;
  FontSet& operator=(const FontSet&) = delete;

  const Metrics& metrics() const;
  // The family fontconfig actually matched for the regular face ("DejaVu Sans Mono").
  const std::string& primary_family() const;
  // The size the faces are set to, in device pixels.
  double pixel_size() const;

  // Rasterizes one grapheme cluster (its code points) drawn across `cells` cells (1 or
  // 2) in the given style. Never fails: what cannot be drawn becomes a hollow box.
  GlyphBitmap rasterize(std::u32string_view cluster, FaceStyle style, int cells);

  // The glyph rasterize() draws for one code point in a style: the index in the face
  // that has it, after that face's features; 0 when no face has it. (Which face that is
  // is not said; procedural glyphs and colour presentation are not considered.)
  uint32_t glyph_index(char32_t cp, FaceStyle style);

  const FontStats& stats() const;

 private:
  class Impl;
  explicit FontSet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cadence::render::font
