// FontSet against real fonts: DejaVu Sans Mono (fonts-dejavu-core), WenQuanYi Micro Hei
// (fonts-wqy-microhei, CJK fallback and a family with no bold face) and Noto Color Emoji
// (fonts-noto-color-emoji). The CI installs all three (.ci/install-deps.sh); a missing
// one fails the test that needs it, naming the package, rather than skipping it.
#include "render/font/font_set.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "bitmap_art.hpp"
#include "render/font/box_drawing.hpp"

namespace cadence::render::font {
namespace {

constexpr char32_t kUnassigned = 0x40000;  // plane 4: no character, no font

// Opens `family` and fails the calling test unless fontconfig really matched it.
std::unique_ptr<FontSet> open_family(const std::string& family, const char* package,
                                     double size_pt = 11.0, double scale = 1.0) {
  Result<std::unique_ptr<FontSet>> fs = FontSet::open(FontSpec{family, size_pt}, scale);
  if (!fs) {
    ADD_FAILURE() << "FontSet::open(" << family << "): " << fs.error().message;
    return nullptr;
  }
  if ((*fs)->primary_family() != family) {
    ADD_FAILURE() << "font '" << family << "' is not installed (fontconfig matched '"
                  << (*fs)->primary_family() << "'): install " << package;
    return nullptr;
  }
  return std::move(fs).value();
}

std::unique_ptr<FontSet> open_dejavu(double scale = 1.0) {
  return open_family("DejaVu Sans Mono", "fonts-dejavu-core", 11.0, scale);
}

long ink(const GlyphBitmap& g) {
  long sum = 0;
  for (uint8_t p : g.pixels) sum += p;
  return sum;
}

// Ink-weighted mean column of the rows [y0, y1) of a coverage bitmap, in cell coordinates.
double ink_centre_x(const GlyphBitmap& g, int y0, int y1) {
  double sum = 0, weight = 0;
  for (int y = std::max(0, y0 - g.top); y < std::min(g.height, y1 - g.top); ++y) {
    for (int x = 0; x < g.width; ++x) {
      sum += coverage_at(g, x, y) * (x + g.left + 0.5);
      weight += coverage_at(g, x, y);
    }
  }
  return weight > 0 ? sum / weight : -1;
}

TEST(FontSet, OpensMonospaceAndReportsSaneMetrics) {
  auto fs = open_dejavu();
  ASSERT_NE(fs, nullptr);
  const Metrics& m = fs->metrics();
  // 11pt at 96 dpi is 14.67px; DejaVu Sans Mono's '0' advances 0.602 em (8.8px), its
  // ascender is 0.928 em (13.6px, up to 14) and its descender 0.236 em (3.5px, up to 4).
  EXPECT_DOUBLE_EQ(fs->pixel_size(), 11.0 * 96 / 72);
  EXPECT_EQ(m.cell_width, 9);
  EXPECT_EQ(m.baseline, 14);
  EXPECT_EQ(m.cell_height, 18);
  EXPECT_GT(m.baseline, m.cell_height / 2);
  EXPECT_LT(m.baseline, m.cell_height);
  EXPECT_GE(m.underline_thickness, 1);
  EXPECT_GE(m.underline_position, m.baseline);                             // under the baseline...
  EXPECT_LE(m.underline_position + m.underline_thickness, m.cell_height);  // ...inside the cell
  EXPECT_GE(m.strikeout_thickness, 1);
  EXPECT_LT(m.strikeout_position, m.baseline);  // through the lower-case letters
  EXPECT_GT(m.strikeout_position, m.baseline - 10);
}

TEST(FontSet, UnknownFamilyFallsBackToSomeFont) {
  Result<std::unique_ptr<FontSet>> fs = FontSet::open(FontSpec{"No Such Family 12345", 11}, 1);
  ASSERT_TRUE(fs) << fs.error().message;
  EXPECT_FALSE((*fs)->primary_family().empty());
  EXPECT_GT((*fs)->metrics().cell_width, 0);
}

TEST(FontSet, RejectsNonsenseScale) {
  EXPECT_FALSE(FontSet::open(FontSpec{}, 0.0));
  EXPECT_FALSE(FontSet::open(FontSpec{}, -1.0));
}

TEST(FontSet, RasterizesAsciiInsideCell) {
  auto fs = open_dejavu();
  ASSERT_NE(fs, nullptr);
  const Metrics& m = fs->metrics();
  for (FaceStyle style :
       {FaceStyle::regular, FaceStyle::bold, FaceStyle::italic, FaceStyle::bold_italic}) {
    for (char32_t c = 0x21; c < 0x7f; ++c) {
      const std::u32string s(1, c);
      const GlyphBitmap g = fs->rasterize(s, style, 1);
      SCOPED_TRACE(testing::Message() << "'" << static_cast<char>(c) << "' style "
                                      << static_cast<int>(style) << bitmap_art(g));
      ASSERT_FALSE(g.empty());
      EXPECT_FALSE(g.color);
      ASSERT_EQ(g.pixels.size(), static_cast<size_t>(g.width) * g.height);
      EXPECT_GE(g.left, -1);
      EXPECT_LE(g.left + g.width, m.cell_width + 1);
      EXPECT_GE(g.top, 0);
      EXPECT_LE(g.top + g.height, m.cell_height);
      EXPECT_GT(ink(g), 0);
    }
  }
  EXPECT_TRUE(fs->rasterize(U" ", FaceStyle::regular, 1).empty());
}

TEST(FontSet, GlyphsSitOnTheBaseline) {
  auto fs = open_dejavu();
  ASSERT_NE(fs, nullptr);
  const Metrics& m = fs->metrics();
  const GlyphBitmap x = fs->rasterize(U"x", FaceStyle::regular, 1);
  EXPECT_NEAR(x.top + x.height, m.baseline, 1) << bitmap_art(x);
  const GlyphBitmap g = fs->rasterize(U"g", FaceStyle::regular, 1);
  EXPECT_GT(g.top + g.height, m.baseline + 1) << bitmap_art(g);  // the descender
  const GlyphBitmap cap = fs->rasterize(U"H", FaceStyle::regular, 1);
  EXPECT_LT(cap.top, x.top);
}

TEST(FontSet, BoldDiffersFromRegular) {
  auto fs = open_dejavu();
  ASSERT_NE(fs, nullptr);
  const GlyphBitmap regular = fs->rasterize(U"M", FaceStyle::regular, 1);
  const GlyphBitmap bold = fs->rasterize(U"M", FaceStyle::bold, 1);
  EXPECT_GT(ink(bold), ink(regular) * 11 / 10) << bitmap_art(regular) << bitmap_art(bold);
  EXPECT_EQ(fs->stats().faces_loaded, 4);  // DejaVu Sans Mono has all four styles
}

TEST(FontSet, ItalicLeansRight) {
  auto fs = open_dejavu();
  ASSERT_NE(fs, nullptr);
  const Metrics& m = fs->metrics();
  const GlyphBitmap upright = fs->rasterize(U"l", FaceStyle::regular, 1);
  const GlyphBitmap italic = fs->rasterize(U"l", FaceStyle::italic, 1);
  const int top = italic.top, bottom = m.baseline;
  const int quarter = (bottom - top) / 4;
  const double lean_italic =
      ink_centre_x(italic, top, top + quarter) - ink_centre_x(italic, bottom - quarter, bottom);
  const double lean_upright =
      ink_centre_x(upright, top, top + quarter) - ink_centre_x(upright, bottom - quarter, bottom);
  EXPECT_GT(lean_italic, lean_upright + 1.0) << bitmap_art(upright) << bitmap_art(italic);
}

TEST(FontSet, SynthesisesBoldAndItalicForAFamilyWithoutThem) {
  // WenQuanYi Micro Hei Mono ships one face only.
  auto fs = open_family("WenQuanYi Micro Hei Mono", "fonts-wqy-microhei");
  ASSERT_NE(fs, nullptr);
  const GlyphBitmap regular = fs->rasterize(U"M", FaceStyle::regular, 1);
  const GlyphBitmap bold = fs->rasterize(U"M", FaceStyle::bold, 1);
  const GlyphBitmap italic = fs->rasterize(U"l", FaceStyle::italic, 1);
  const GlyphBitmap upright = fs->rasterize(U"l", FaceStyle::regular, 1);
  EXPECT_EQ(fs->stats().faces_loaded, 1);
  EXPECT_GT(ink(bold), ink(regular) * 11 / 10) << bitmap_art(regular) << bitmap_art(bold);
  EXPECT_NE(italic.pixels, upright.pixels) << bitmap_art(upright) << bitmap_art(italic);
}

TEST(FontSet, FallsBackForCjk) {
  auto fs = open_dejavu();
  ASSERT_NE(fs, nullptr);
  const Metrics& m = fs->metrics();
  const GlyphBitmap g = fs->rasterize(U"中", FaceStyle::regular, 2);
  ASSERT_FALSE(g.empty());
  EXPECT_FALSE(g.color);
  // Not the missing-glyph box.
  const GlyphBitmap tofu = fs->rasterize(std::u32string(1, kUnassigned), FaceStyle::regular, 2);
  ASSERT_NE(g.pixels, tofu.pixels) << "no CJK font: install fonts-wqy-microhei";
  // Wide: it reaches well into the second cell, and stays within the two.
  EXPECT_GT(g.width, m.cell_width + 2) << bitmap_art(g);
  EXPECT_GE(g.left, 0);
  EXPECT_LE(g.left + g.width, 2 * m.cell_width + 1);
  EXPECT_GE(g.top, 0);
  EXPECT_LE(g.top + g.height, m.cell_height);
  // Roughly centred in the two cells.
  EXPECT_NEAR(g.left + g.width / 2.0, m.cell_width, 2.0) << bitmap_art(g);

  const FontStats before = fs->stats();
  EXPECT_GE(before.fallback_lookups, 1u);
  const GlyphBitmap again = fs->rasterize(U"中", FaceStyle::regular, 2);
  EXPECT_EQ(again.pixels, g.pixels);
  EXPECT_EQ(fs->stats().fallback_lookups, before.fallback_lookups);
  EXPECT_EQ(fs->stats().fallback_cache_hits, before.fallback_cache_hits + 1);
  EXPECT_EQ(fs->stats().faces_loaded, before.faces_loaded);

  // Bold CJK from a font without bold is emboldened, not drawn regular.
  const GlyphBitmap bold = fs->rasterize(U"中", FaceStyle::bold, 2);
  EXPECT_GT(ink(bold), ink(g)) << bitmap_art(bold);
}

TEST(FontSet, ColorEmojiIsRgba) {
  auto fs = open_dejavu();
  ASSERT_NE(fs, nullptr);
  const Metrics& m = fs->metrics();
  const GlyphBitmap g = fs->rasterize(U"\U0001F600", FaceStyle::regular, 2);
  ASSERT_TRUE(g.color) << "no colour emoji font: install fonts-noto-color-emoji";
  ASSERT_EQ(g.pixels.size(), static_cast<size_t>(g.width) * g.height * 4);
  // Fitted into the two cells, keeping the strike's near-square aspect, centred.
  EXPECT_GE(g.left, 0);
  EXPECT_GE(g.top, 0);
  EXPECT_LE(g.left + g.width, 2 * m.cell_width);
  EXPECT_LE(g.top + g.height, m.cell_height);
  EXPECT_GE(std::max(g.width, g.height), m.cell_height - 1);
  EXPECT_NEAR(g.left + g.width / 2.0, m.cell_width, 1.0);
  // Premultiplied, and actually coloured (the face is yellow: red well above blue).
  bool colourful = false;
  for (size_t i = 0; i < g.pixels.size(); i += 4) {
    const uint8_t r = g.pixels[i], gr = g.pixels[i + 1], b = g.pixels[i + 2], a = g.pixels[i + 3];
    ASSERT_LE(r, a);
    ASSERT_LE(gr, a);
    ASSERT_LE(b, a);
    if (a > 200 && r > b + 100) colourful = true;
  }
  EXPECT_TRUE(colourful);
}

TEST(FontSet, VariationSelectorChoosesPresentation) {
  auto fs = open_dejavu();
  ASSERT_NE(fs, nullptr);
  // U+2764 HEAVY BLACK HEART is in DejaVu Sans Mono (text) and Noto Color Emoji.
  EXPECT_FALSE(fs->rasterize(U"\u2764", FaceStyle::regular, 1).color);
  EXPECT_TRUE(fs->rasterize(U"\u2764\uFE0F", FaceStyle::regular, 2).color)
      << "no colour emoji font: install fonts-noto-color-emoji";
  EXPECT_FALSE(fs->rasterize(U"\u2764\uFE0E", FaceStyle::regular, 1).color);
  // U+231A WATCH defaults to emoji presentation: colour without asking.
  EXPECT_TRUE(fs->rasterize(U"\u231A", FaceStyle::regular, 2).color);
}

TEST(FontSet, CombiningMarkDrawsOverTheBase) {
  auto fs = open_dejavu();
  ASSERT_NE(fs, nullptr);
  const Metrics& m = fs->metrics();
  const GlyphBitmap plain = fs->rasterize(U"e", FaceStyle::regular, 1);
  const GlyphBitmap accented = fs->rasterize(U"e\u0301", FaceStyle::regular, 1);
  // The acute sits above the e, over the same cell.
  EXPECT_LT(accented.top, plain.top - 1) << bitmap_art(accented);
  EXPECT_EQ(accented.top + accented.height, plain.top + plain.height);
  EXPECT_GE(accented.left, -1);
  EXPECT_LE(accented.left + accented.width, m.cell_width + 1);
  const double accent_x = ink_centre_x(accented, accented.top, plain.top);
  EXPECT_NEAR(accent_x, m.cell_width / 2.0, 2.5) << bitmap_art(accented);
  // Precomposed U+00E9 looks about the same.
  const GlyphBitmap precomposed = fs->rasterize(U"\u00e9", FaceStyle::regular, 1);
  EXPECT_NEAR(accented.top, precomposed.top, 1) << bitmap_art(precomposed);
}

TEST(FontSet, UnknownCodePointDrawsTofu) {
  auto fs = open_dejavu();
  ASSERT_NE(fs, nullptr);
  const Metrics& m = fs->metrics();
  for (int cells = 1; cells <= 2; ++cells) {
    const GlyphBitmap g = fs->rasterize(std::u32string(1, kUnassigned), FaceStyle::regular, cells);
    ASSERT_EQ(g.width, cells * m.cell_width) << bitmap_art(g);
    ASSERT_EQ(g.height, m.cell_height);
    EXPECT_EQ(g.left, 0);
    EXPECT_EQ(g.top, 0);
    // Hollow: ink on all four sides, none in the middle or at the cell's corners.
    const int mx = g.width / 2, my = g.height / 2;
    EXPECT_EQ(coverage_at(g, mx, my), 0) << bitmap_art(g);
    EXPECT_EQ(coverage_at(g, 0, 0), 0) << bitmap_art(g);
    bool left = false, right = false, top = false, bottom = false;
    for (int y = 0; y < g.height; ++y) {
      left |= coverage_at(g, 1, y) != 0;
      right |= coverage_at(g, g.width - 2, y) != 0;
    }
    for (int x = 0; x < g.width; ++x) {
      top |= coverage_at(g, x, 2) != 0;
      bottom |= coverage_at(g, x, g.height - 3) != 0;
    }
    EXPECT_TRUE(left && right && top && bottom) << bitmap_art(g);
  }
  // Asked again, the negative answer comes from the cache.
  const uint64_t lookups = fs->stats().fallback_lookups;
  (void)fs->rasterize(std::u32string(1, kUnassigned), FaceStyle::regular, 1);
  EXPECT_EQ(fs->stats().fallback_lookups, lookups);
  // Code points that are not characters at all draw the box too, and never crash.
  for (char32_t bad :
       {char32_t{0x110000}, char32_t{0xd800}, char32_t{0x1b}, char32_t{0xffffffff}}) {
    EXPECT_EQ(fs->rasterize(std::u32string(1, bad), FaceStyle::bold, 1).width, m.cell_width);
  }
  EXPECT_TRUE(fs->rasterize(U"", FaceStyle::regular, 1).empty());
}

TEST(FontSet, BoxDrawingIsProcedural) {
  auto fs = open_dejavu();
  ASSERT_NE(fs, nullptr);
  for (char32_t cp : {U'─', U'╭', U'█', U'▒', char32_t{0xe0b0}}) {
    const GlyphBitmap g = fs->rasterize(std::u32string(1, cp), FaceStyle::bold, 1);
    EXPECT_EQ(g.pixels, draw_procedural(cp, fs->metrics(), 1).pixels);
  }
}

TEST(FontSet, ScaleDoublesCellSize) {
  auto one = open_dejavu(1.0);
  auto two = open_dejavu(2.0);
  ASSERT_NE(one, nullptr);
  ASSERT_NE(two, nullptr);
  const Metrics& a = one->metrics();
  const Metrics& b = two->metrics();
  EXPECT_DOUBLE_EQ(two->pixel_size(), 2 * one->pixel_size());
  EXPECT_NEAR(b.cell_width, 2 * a.cell_width, 1);
  EXPECT_NEAR(b.cell_height, 2 * a.cell_height, 1);
  EXPECT_NEAR(b.baseline, 2 * a.baseline, 1);
  // Glyphs grow with it.
  const GlyphBitmap small = one->rasterize(U"M", FaceStyle::regular, 1);
  const GlyphBitmap big = two->rasterize(U"M", FaceStyle::regular, 1);
  EXPECT_NEAR(big.height, 2 * small.height, 2);
  // A fractional scale lands in between.
  auto frac = open_dejavu(1.25);
  ASSERT_NE(frac, nullptr);
  EXPECT_EQ(frac->metrics().cell_width, 11);
}

TEST(ParseFontSpec, FamilyAndSize) {
  Result<FontSpec> s = parse_font_spec("DejaVu Sans Mono:12");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->family, "DejaVu Sans Mono");
  EXPECT_DOUBLE_EQ(s->size_pt, 12.0);
}

TEST(ParseFontSpec, FamilyAloneKeepsDefaultSize) {
  Result<FontSpec> s = parse_font_spec("Iosevka Term");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->family, "Iosevka Term");
  EXPECT_DOUBLE_EQ(s->size_pt, FontSpec{}.size_pt);
}

TEST(ParseFontSpec, SizeAloneKeepsDefaultFamily) {
  Result<FontSpec> s = parse_font_spec(":13.5");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->family, "monospace");
  EXPECT_DOUBLE_EQ(s->size_pt, 13.5);
}

TEST(ParseFontSpec, TrimsSpacesAroundParts) {
  Result<FontSpec> s = parse_font_spec("  Fira Code : 10 ");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->family, "Fira Code");
  EXPECT_DOUBLE_EQ(s->size_pt, 10.0);
  Result<FontSpec> empty = parse_font_spec("");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->family, "monospace");
}

TEST(ParseFontSpec, AcceptsUpTo200Points) {
  EXPECT_TRUE(parse_font_spec("mono:200"));
  EXPECT_TRUE(parse_font_spec("mono:0.5"));
}

TEST(ParseFontSpec, RejectsBadSizes) {
  for (const char* bad : {"mono:0", "mono:-3", "mono:200.5", "mono:1e9", "mono:abc",
                          "mono:", ":12pt", "mono:nan", "mono:inf", "mono:1 2"}) {
    Result<FontSpec> s = parse_font_spec(bad);
    ASSERT_FALSE(s) << bad << " was accepted";
    // The message quotes what was wrong so the user can find it in their config.
    EXPECT_NE(s.error().message.find(bad), std::string::npos) << s.error().message;
  }
}

}  // namespace
}  // namespace cadence::render::font
