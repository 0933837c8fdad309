// FontSet over fontconfig and FreeType; the decisions are in font_set.hpp.
#include "render/font/font_set.hpp"

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_SYNTHESIS_H
#include FT_TRUETYPE_TABLES_H
#include FT_TRUETYPE_TAGS_H

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/log.hpp"
#include "render/font/box_drawing.hpp"
#include "render/font/gsub.hpp"
#include "vt/unicode/unicode.hpp"

namespace cadence::render::font {
namespace {

const log::Tag kLog{"font"};

constexpr double kMaxSizePt = 200.0;
constexpr double kLogicalDpi = 96.0;

// Horizontal room a text glyph may take beyond its cells: an italic's overhang.
constexpr int kOverhang = 1;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

struct FcPatternDeleter {
  void operator()(FcPattern* p) const { FcPatternDestroy(p); }
};
struct FcFontSetDeleter {
  void operator()(FcFontSet* s) const { FcFontSetDestroy(s); }
};
struct FcCharSetDeleter {
  void operator()(FcCharSet* s) const { FcCharSetDestroy(s); }
};
using PatternPtr = std::unique_ptr<FcPattern, FcPatternDeleter>;
using FontSetPtr = std::unique_ptr<FcFontSet, FcFontSetDeleter>;
using CharSetPtr = std::unique_ptr<FcCharSet, FcCharSetDeleter>;

std::string pattern_string(const FcPattern* p, const char* object) {
  FcChar8* s = nullptr;
  if (FcPatternGetString(p, object, 0, &s) != FcResultMatch || s == nullptr) return {};
  return reinterpret_cast<const char*>(s);
}

int pattern_int(const FcPattern* p, const char* object, int fallback) {
  int v = 0;
  return FcPatternGetInteger(p, object, 0, &v) == FcResultMatch ? v : fallback;
}

bool pattern_bool(const FcPattern* p, const char* object) {
  FcBool v = FcFalse;
  return FcPatternGetBool(p, object, 0, &v) == FcResultMatch && v == FcTrue;
}

bool is_bold(FaceStyle s) { return s == FaceStyle::bold || s == FaceStyle::bold_italic; }
bool is_italic(FaceStyle s) { return s == FaceStyle::italic || s == FaceStyle::bold_italic; }

// Code points that change how a cluster is drawn but draw nothing themselves here:
// variation selectors, joiners, emoji skin-tone modifiers (without shaping there is no
// ligature to pick, so the base emoji is drawn alone).
bool draws_nothing_alone(char32_t cp) {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || cp == 0x200c || cp == 0x200d ||
         (cp >= 0x1f3fb && cp <= 0x1f3ff) || (cp >= 0xe0100 && cp <= 0xe01ef);
}

enum class Presentation : uint8_t { any, color, text };

// Features that act on a run of glyphs (ligatures, contextual and positional forms,
// fractions) or position glyphs: without a shaper they cannot apply, and the
// context-free lookups some of them contain are meant only for certain neighbours
// (`frac` would turn every digit into a numerator).
bool needs_shaping(uint32_t tag) {
  constexpr uint32_t kTags[] = {
      feature_tag("liga"), feature_tag("clig"), feature_tag("dlig"), feature_tag("hlig"),
      feature_tag("rlig"), feature_tag("calt"), feature_tag("rclt"), feature_tag("ccmp"),
      feature_tag("init"), feature_tag("medi"), feature_tag("fina"), feature_tag("isol"),
      feature_tag("kern"), feature_tag("mark"), feature_tag("mkmk"), feature_tag("curs"),
      feature_tag("dist"), feature_tag("frac"), feature_tag("afrc"),
  };
  return std::find(std::begin(kTags), std::end(kTags), tag) != std::end(kTags);
}

// One glyph rendered and placed in cell coordinates (y down from the cell top).
struct Layer {
  int left = 0;
  int top = 0;
  int width = 0;
  int height = 0;
  bool color = false;
  std::vector<uint8_t> pixels;  // coverage, or premultiplied RGBA when color
};

const uint8_t* bitmap_row(const FT_Bitmap& b, unsigned y) {
  // A negative pitch means the rows are stored bottom-up.
  if (b.pitch >= 0) return b.buffer + static_cast<size_t>(y) * b.pitch;
  return b.buffer + static_cast<size_t>(b.rows - 1 - y) * static_cast<size_t>(-b.pitch);
}

// 8-bit coverage from a gray, mono or (in a non-colour context) BGRA bitmap.
std::vector<uint8_t> coverage_of(const FT_Bitmap& b) {
  std::vector<uint8_t> out(static_cast<size_t>(b.width) * b.rows, 0);
  for (unsigned y = 0; y < b.rows; ++y) {
    const uint8_t* row = bitmap_row(b, y);
    uint8_t* dst = out.data() + static_cast<size_t>(y) * b.width;
    for (unsigned x = 0; x < b.width; ++x) {
      switch (b.pixel_mode) {
        case FT_PIXEL_MODE_MONO: dst[x] = (row[x >> 3] & (0x80 >> (x & 7))) ? 255 : 0; break;
        case FT_PIXEL_MODE_BGRA: dst[x] = row[x * 4 + 3]; break;
        case FT_PIXEL_MODE_GRAY:
          dst[x] = static_cast<uint8_t>(
              b.num_grays == 256 || b.num_grays == 0 ? row[x] : row[x] * 255 / (b.num_grays - 1));
          break;
        default: dst[x] = 0; break;
      }
    }
  }
  return out;
}

// Box-filters a premultiplied BGRA bitmap to dst_w x dst_h premultiplied RGBA. Area
// averaging rather than point sampling: the emoji strike is about six times the cell,
// and point sampling it would alias badly.
std::vector<uint8_t> scale_bgra(const FT_Bitmap& b, int dst_w, int dst_h) {
  std::vector<uint8_t> out(static_cast<size_t>(dst_w) * dst_h * 4, 0);
  const double sx = static_cast<double>(b.width) / dst_w;
  const double sy = static_cast<double>(b.rows) / dst_h;
  for (int dy = 0; dy < dst_h; ++dy) {
    const double y0 = dy * sy;
    const double y1 = std::min<double>((dy + 1) * sy, b.rows);
    for (int dx = 0; dx < dst_w; ++dx) {
      const double x0 = dx * sx;
      const double x1 = std::min<double>((dx + 1) * sx, b.width);
      double sum[4] = {0, 0, 0, 0};
      double area = 0;
      for (int iy = static_cast<int>(y0); iy < y1; ++iy) {
        const double wy = std::min<double>(iy + 1, y1) - std::max<double>(iy, y0);
        const uint8_t* row = bitmap_row(b, static_cast<unsigned>(iy));
        for (int ix = static_cast<int>(x0); ix < x1; ++ix) {
          const double w = wy * (std::min<double>(ix + 1, x1) - std::max<double>(ix, x0));
          const uint8_t* p = row + ix * 4;
          sum[0] += w * p[2];  // BGRA in, RGBA out
          sum[1] += w * p[1];
          sum[2] += w * p[0];
          sum[3] += w * p[3];
          area += w;
        }
      }
      uint8_t* d = out.data() + (static_cast<size_t>(dy) * dst_w + dx) * 4;
      for (int c = 0; c < 4; ++c) {
        d[c] = area > 0 ? static_cast<uint8_t>(std::lround(std::min(255.0, sum[c] / area))) : 0;
      }
    }
  }
  return out;
}

}  // namespace

Result<FontSpec> parse_font_spec(std::string_view text) {
  FontSpec spec;
  std::string_view family = text;
  // The size follows the last colon, so a family name cannot hide one.
  if (const size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    family = text.substr(0, colon);
    const std::string_view size_text = trim(text.substr(colon + 1));
    double size = 0;
    const auto [end, ec] =
        std::from_chars(size_text.data(), size_text.data() + size_text.size(), size);
    if (size_text.empty() || ec != std::errc() || end != size_text.data() + size_text.size() ||
        !std::isfinite(size)) {
      return make_error(log::concat("font size '", size_text, "' in '", text,
                                    "' is not a number (expected FAMILY:SIZE, e.g. monospace:11)"));
    }
    if (size <= 0 || size > kMaxSizePt) {
      return make_error(log::concat("font size ", size_text, " in '", text,
                                    "' is out of range (0 < size <= ", kMaxSizePt, " points)"));
    }
    spec.size_pt = size;
  }
  family = trim(family);
  if (!family.empty()) spec.family = std::string(family);
  return spec;
}

// One opened font file (or one face of a collection), set to the FontSet's pixel size.
struct Face {
  FT_Face ft = nullptr;
  bool color = false;           // has colour glyphs: loaded with FT_LOAD_COLOR
  bool bold = false;            // the face itself is bold, so synthetic bold would double it
  bool italic = false;          // likewise italic or oblique
  GlyphSubstitutions features;  // this face's own, from its GSUB

  Face() = default;
  Face(const Face&) = delete;
  Face& operator=(const Face&) = delete;
  ~Face() {
    if (ft != nullptr) FT_Done_Face(ft);
  }

  bool has(char32_t cp) const { return FT_Get_Char_Index(ft, cp) != 0; }
  // The glyph to draw for cp: its default one with the features applied; 0 if none.
  // *substituted (if given) says whether a feature changed it.
  FT_UInt glyph(char32_t cp, bool* substituted = nullptr) const {
    const FT_UInt index = FT_Get_Char_Index(ft, cp);
    const FT_UInt out = index == 0 || features.empty() ? index : features.apply(index);
    if (substituted != nullptr) *substituted = out != index;
    return out;
  }
};

// A face for one style, with what must be synthesised because the family lacks it.
struct StyledFace {
  Face* face = nullptr;
  bool embolden = false;
  bool oblique = false;
};

class FontSet::Impl {
 public:
  ~Impl() {
    faces_.clear();  // before the library they belong to
    if (library_ != nullptr) FT_Done_FreeType(library_);
  }

  Result<void> init(const FontSpec& spec, double scale);

  GlyphBitmap rasterize(std::u32string_view cluster, FaceStyle style, int cells);
  uint32_t glyph_index(char32_t cp, FaceStyle style);

  Metrics metrics_;
  std::string family_;
  double pixel_size_ = 0;
  FontStats stats_;

 private:
  Result<StyledFace> match_style(const std::string& family, FaceStyle style);
  Face* open_face(const std::string& file, int index);
  void load_features(Face& face, const std::string& name);
  Face* fallback_face(char32_t cp, Presentation presentation);
  StyledFace face_for(char32_t cp, FaceStyle style, Presentation presentation);
  void compute_metrics(const Face& face);
  // Coverage for cp with its pen origin at pen_x, or centred in the box when pen_x < 0;
  // *advance (if given) gets the advance it was laid out with. False if it cannot load.
  bool render_text(const StyledFace& sf, char32_t cp, int box_width, double pen_x, Layer& out,
                   double* advance);
  // Premultiplied RGBA fitted into the box; false unless the face gives a colour bitmap.
  bool render_color(Face& face, char32_t cp, int box_width, Layer& out);
  GlyphBitmap tofu(int cells) const;

  FT_Library library_ = nullptr;
  std::map<std::pair<std::string, int>, std::unique_ptr<Face>> faces_;
  StyledFace styles_[4];
  // Code point (plus presentation in bits 21-22) -> face that has it, nullptr for none.
  std::unordered_map<uint32_t, Face*> fallback_;
  // The features left on that a face can apply by itself; tags already told to need
  // shaping, so each is said once.
  std::vector<FontFeature> features_;
  std::set<uint32_t> told_needs_shaping_;
};

Result<void> FontSet::Impl::init(const FontSpec& spec, double scale) {
  if (!(scale > 0) || scale > 16) return make_error(log::concat("bad output scale ", scale));
  if (FT_Error e = FT_Init_FreeType(&library_); e != 0) {
    library_ = nullptr;
    return make_error(log::concat("FreeType failed to initialise (error ", e, ")"));
  }
  if (FcInit() != FcTrue) return make_error("fontconfig failed to initialise");
  pixel_size_ = spec.size_pt * kLogicalDpi / 72.0 * scale;
  for (const FontFeature& f : enabled_features(spec.features)) {
    if (!needs_shaping(f.tag)) {
      features_.push_back(f);
    } else if (told_needs_shaping_.insert(f.tag).second) {
      LOG_INFO(kLog, "font feature '", to_string(f),
               "' needs text shaping, which cadence does not do: it has no effect");
    }
  }

  for (FaceStyle style :
       {FaceStyle::regular, FaceStyle::bold, FaceStyle::italic, FaceStyle::bold_italic}) {
    Result<StyledFace> sf = match_style(spec.family, style);
    if (!sf) return sf.error();
    styles_[static_cast<int>(style)] = *sf;
  }
  compute_metrics(*styles_[0].face);
  LOG_DEBUG(kLog, "'", spec.family, "' ", spec.size_pt, "pt x", scale, " -> ", family_, " at ",
            pixel_size_, "px, cell ", metrics_.cell_width, "x", metrics_.cell_height);
  return {};
}

Result<StyledFace> FontSet::Impl::match_style(const std::string& family, FaceStyle style) {
  PatternPtr pattern(FcPatternCreate());
  FcPatternAddString(pattern.get(), FC_FAMILY, reinterpret_cast<const FcChar8*>(family.c_str()));
  FcPatternAddDouble(pattern.get(), FC_PIXEL_SIZE, pixel_size_);
  FcPatternAddInteger(pattern.get(), FC_WEIGHT,
                      is_bold(style) ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
  FcPatternAddInteger(pattern.get(), FC_SLANT, is_italic(style) ? FC_SLANT_ITALIC : FC_SLANT_ROMAN);
  FcConfigSubstitute(nullptr, pattern.get(), FcMatchPattern);
  FcDefaultSubstitute(pattern.get());
  FcResult result = FcResultNoMatch;
  PatternPtr match(FcFontMatch(nullptr, pattern.get(), &result));
  if (!match) return make_error(log::concat("fontconfig found no font for '", family, "'"));

  const std::string file = pattern_string(match.get(), FC_FILE);
  const int index = pattern_int(match.get(), FC_INDEX, 0);
  Face* face = file.empty() ? nullptr : open_face(file, index);
  if (face == nullptr) {
    return make_error(log::concat("cannot open '", file, "' matched for '", family, "'"));
  }
  if (style == FaceStyle::regular) {
    family_ = pattern_string(match.get(), FC_FAMILY);
    if (family_.empty()) family_ = family;
  }
  // Compare what was asked with the face itself: a family without a bold face matches
  // its regular one, and drawing that as bold would silently lose the attribute. (The
  // match's FC_WEIGHT cannot tell: fontconfig's synthetic-style rules rewrite it to what
  // was asked.)
  StyledFace sf{face, false, false};
  sf.embolden = is_bold(style) && !face->bold;
  sf.oblique = is_italic(style) && !face->italic;
  LOG_DEBUG(kLog, "style ", static_cast<int>(style), ": ", file, "#", index,
            sf.embolden ? " +embolden" : "", sf.oblique ? " +oblique" : "");
  return sf;
}

Face* FontSet::Impl::open_face(const std::string& file, int index) {
  const auto key = std::make_pair(file, index);
  if (auto it = faces_.find(key); it != faces_.end()) return it->second.get();

  auto face = std::make_unique<Face>();
  if (FT_Error e = FT_New_Face(library_, file.c_str(), index, &face->ft); e != 0) {
    face->ft = nullptr;
    LOG_WARN(kLog, "FreeType cannot open ", file, "#", index, " (error ", e, ")");
    faces_.emplace(key, nullptr);  // don't try again
    return nullptr;
  }
  FT_Face ft = face->ft;
  face->color = FT_HAS_COLOR(ft);
  face->bold = (ft->style_flags & FT_STYLE_FLAG_BOLD) != 0;
  face->italic = (ft->style_flags & FT_STYLE_FLAG_ITALIC) != 0;
  // Semibold and heavier count as bold; FreeType's flag only reflects the "Bold" bit.
  if (const auto* os2 = static_cast<const TT_OS2*>(FT_Get_Sfnt_Table(ft, FT_SFNT_OS2));
      os2 != nullptr && os2->version != 0xffff && os2->usWeightClass >= 600) {
    face->bold = true;
  }
  FT_Error e = 0;
  if (FT_IS_SCALABLE(ft)) {
    e = FT_Set_Char_Size(ft, 0, static_cast<FT_F26Dot6>(std::lround(pixel_size_ * 64)), 72, 72);
  } else if (ft->num_fixed_sizes > 0) {
    // A bitmap-only font (Noto Color Emoji's 109 px strike): take the smallest strike at
    // least as big as wanted, else the biggest; glyphs are scaled to the cell later.
    int best = 0;
    for (int i = 1; i < ft->num_fixed_sizes; ++i) {
      const FT_Pos have = ft->available_sizes[best].y_ppem;
      const FT_Pos cand = ft->available_sizes[i].y_ppem;
      const FT_Pos want = static_cast<FT_Pos>(pixel_size_ * 64);
      const bool cand_fits = cand >= want;
      const bool have_fits = have >= want;
      if ((cand_fits && (!have_fits || cand < have)) || (!cand_fits && !have_fits && cand > have))
        best = i;
    }
    e = FT_Select_Size(ft, best);
  }
  if (e != 0) {
    LOG_WARN(kLog, "cannot size ", file, "#", index, " (error ", e, ")");
    faces_.emplace(key, nullptr);
    return nullptr;
  }
  ++stats_.faces_loaded;
  LOG_DEBUG(kLog, "opened ", file, "#", index, face->color ? " (colour)" : "");
  if (!features_.empty()) load_features(*face, log::concat(file, "#", index));
  Face* raw = face.get();
  faces_.emplace(key, std::move(face));
  return raw;
}

void FontSet::Impl::load_features(Face& face, const std::string& name) {
  std::vector<uint8_t> table;
  FT_ULong length = 0;
  // No GSUB (or not an SFNT font) is an empty table: every feature is simply absent.
  if (FT_Load_Sfnt_Table(face.ft, TTAG_GSUB, 0, nullptr, &length) == 0 && length > 0) {
    table.resize(length);
    if (FT_Load_Sfnt_Table(face.ft, TTAG_GSUB, 0, table.data(), &length) != 0) table.clear();
  }
  std::vector<FeatureResult> results;
  face.features = GlyphSubstitutions::build(table, static_cast<uint32_t>(face.ft->num_glyphs),
                                            features_, &results);

  std::string broken;
  for (const FeatureResult& r : results) {
    const std::string tag = to_string(r.feature);
    switch (r.status) {
      case FeatureStatus::applied:
        LOG_DEBUG(kLog, name, ": feature '", tag, "' applies ", r.lookups, " lookup(s)",
                  r.skipped_lookups > 0
                      ? log::concat(", skips ", r.skipped_lookups, " that need shaping")
                      : "");
        break;
      case FeatureStatus::absent:
        LOG_DEBUG(kLog, name, ": feature '", tag, "' ignored: ", r.problem);
        break;
      case FeatureStatus::needs_shaping:
        if (told_needs_shaping_.insert(r.feature.tag).second) {
          LOG_INFO(kLog, "font feature '", tag, "' of ", name,
                   " is made of ligature or contextual substitutions, which need text "
                   "shaping, which cadence does not do: it has no effect");
        }
        break;
      case FeatureStatus::malformed:
      case FeatureStatus::over_limit:
        broken += log::concat(broken.empty() ? "" : "; ", "'", tag, "': ", r.problem);
        break;
    }
  }
  if (!broken.empty()) {
    LOG_WARN(kLog, "font features of ", name, " ignored, its GSUB table is unusable: ", broken);
  }
}

void FontSet::Impl::compute_metrics(const Face& face) {
  FT_Face ft = face.ft;
  double ascent = 0, descent = 0, px_per_unit = 0;
  if (FT_IS_SCALABLE(ft)) {
    // From design units, not the size's rounded metrics, so the cell scales linearly
    // with the font size and the output scale.
    px_per_unit = pixel_size_ / ft->units_per_EM;
    ascent = ft->ascender * px_per_unit;
    descent = -ft->descender * px_per_unit;
  } else {
    ascent = ft->size->metrics.ascender / 64.0;
    descent = -ft->size->metrics.descender / 64.0;
  }
  double advance = ft->size->metrics.max_advance / 64.0;
  if (FT_UInt zero = FT_Get_Char_Index(ft, '0');
      zero != 0 && FT_Load_Glyph(ft, zero, FT_LOAD_DEFAULT | FT_LOAD_TARGET_LIGHT) == 0) {
    advance =
        FT_IS_SCALABLE(ft) ? ft->glyph->linearHoriAdvance / 65536.0 : ft->glyph->advance.x / 64.0;
  }

  // Ascent and descent are rounded up, separately, so hinted descenders and the
  // underscore (which fonts put right at the descender) stay inside the cell; a sliver
  // under a tenth of a pixel is not worth a row.
  auto round_up = [](double v) { return std::max(0, static_cast<int>(std::ceil(v - 0.1))); };
  Metrics& m = metrics_;
  m.cell_width = std::max(1, static_cast<int>(std::lround(advance)));
  m.baseline = round_up(ascent);
  m.cell_height = std::max(1, m.baseline + round_up(descent));

  double ul_pos = -0.1 * pixel_size_;  // under the baseline, as fonts usually put it
  double ul_thick = pixel_size_ / 14.0;
  if (px_per_unit > 0 && ft->underline_thickness > 0) {
    ul_pos = ft->underline_position * px_per_unit;  // the stroke's centre, y up
    ul_thick = ft->underline_thickness * px_per_unit;
  }
  m.underline_thickness = std::max(1, static_cast<int>(std::lround(ul_thick)));
  m.underline_position = static_cast<int>(std::lround(m.baseline - ul_pos - ul_thick / 2));
  m.underline_position =
      std::clamp(m.underline_position, 0, std::max(0, m.cell_height - m.underline_thickness));

  // The strikeout from the OS/2 table (its top edge, y up); otherwise centred on half
  // the x-height, guessed as half the ascent.
  double so_top = ascent * 0.25 + ul_thick / 2;
  double so_thick = ul_thick;
  if (const auto* os2 = static_cast<const TT_OS2*>(FT_Get_Sfnt_Table(ft, FT_SFNT_OS2));
      os2 != nullptr && os2->version != 0xffff && px_per_unit > 0 && os2->yStrikeoutSize > 0) {
    so_top = os2->yStrikeoutPosition * px_per_unit;
    so_thick = os2->yStrikeoutSize * px_per_unit;
  }
  m.strikeout_thickness = std::max(1, static_cast<int>(std::lround(so_thick)));
  m.strikeout_position = std::clamp(static_cast<int>(std::lround(m.baseline - so_top)), 0,
                                    std::max(0, m.cell_height - m.strikeout_thickness));
}

Face* FontSet::Impl::fallback_face(char32_t cp, Presentation presentation) {
  const uint32_t key = static_cast<uint32_t>(cp) | (static_cast<uint32_t>(presentation) << 21);
  if (auto it = fallback_.find(key); it != fallback_.end()) {
    ++stats_.fallback_cache_hits;
    return it->second;
  }
  ++stats_.fallback_lookups;

  PatternPtr pattern(FcPatternCreate());
  CharSetPtr charset(FcCharSetCreate());
  FcCharSetAddChar(charset.get(), cp);
  FcPatternAddString(pattern.get(), FC_FAMILY, reinterpret_cast<const FcChar8*>(family_.c_str()));
  FcPatternAddDouble(pattern.get(), FC_PIXEL_SIZE, pixel_size_);
  FcPatternAddCharSet(pattern.get(), FC_CHARSET, charset.get());
  if (presentation != Presentation::any) {
    FcPatternAddBool(pattern.get(), FC_COLOR, presentation == Presentation::color);
  }
  FcConfigSubstitute(nullptr, pattern.get(), FcMatchPattern);
  FcDefaultSubstitute(pattern.get());
  FcResult result = FcResultNoMatch;
  // Trimmed: fonts adding no coverage over those before them are dropped, which keeps
  // the list short and cannot drop the first font that has cp.
  FontSetPtr sorted(FcFontSort(nullptr, pattern.get(), FcTrue, nullptr, &result));

  // Fonts that have cp, in fontconfig's order; with a presentation asked for, those of
  // the right kind go first (fontconfig weighs colour below family, and the configured
  // family usually has a text form of the emoji).
  std::vector<std::pair<std::string, int>> preferred, others;
  for (int i = 0; sorted && i < sorted->nfont; ++i) {
    const FcPattern* font = sorted->fonts[i];
    FcCharSet* cs = nullptr;
    if (FcPatternGetCharSet(font, FC_CHARSET, 0, &cs) != FcResultMatch || !FcCharSetHasChar(cs, cp))
      continue;
    auto entry = std::make_pair(pattern_string(font, FC_FILE), pattern_int(font, FC_INDEX, 0));
    if (entry.first.empty()) continue;
    const bool color = pattern_bool(font, FC_COLOR);
    const bool fits =
        presentation == Presentation::any || (presentation == Presentation::color) == color;
    (fits ? preferred : others).push_back(std::move(entry));
  }
  preferred.insert(preferred.end(), others.begin(), others.end());

  Face* found = nullptr;
  for (const auto& [file, index] : preferred) {
    Face* face = open_face(file, index);
    if (face != nullptr && face->has(cp)) {
      found = face;
      break;
    }
  }
  if (found == nullptr) {
    LOG_DEBUG(kLog, "no font has U+", std::hex, static_cast<uint32_t>(cp));
  }
  fallback_.emplace(key, found);
  return found;
}

StyledFace FontSet::Impl::face_for(char32_t cp, FaceStyle style, Presentation presentation) {
  const StyledFace& primary = styles_[static_cast<int>(style)];
  const bool kind_ok = presentation == Presentation::any ||
                       (presentation == Presentation::color) == primary.face->color;
  if (kind_ok && primary.face->has(cp)) return primary;
  Face* face = fallback_face(cp, presentation);
  if (face == nullptr) return {};
  // A fallback face gets the style synthesised when it is not that style itself; colour
  // glyphs are never altered.
  StyledFace sf{face, false, false};
  if (!face->color) {
    sf.embolden = is_bold(style) && !face->bold;
    sf.oblique = is_italic(style) && !face->italic;
  }
  return sf;
}

bool FontSet::Impl::render_text(const StyledFace& sf, char32_t cp, int box_width, double pen_x,
                                Layer& out, double* advance) {
  FT_Face ft = sf.face->ft;
  bool substituted = false;
  const FT_UInt index = sf.face->glyph(cp, &substituted);
  if (substituted) ++stats_.glyphs_substituted;
  const FT_Int32 flags = FT_LOAD_DEFAULT | FT_LOAD_TARGET_LIGHT;
  if (index == 0 || FT_Load_Glyph(ft, index, flags) != 0) return false;
  FT_GlyphSlot slot = ft->glyph;

  double adv = slot->advance.x / 64.0;
  // A glyph wider than its cells (a proportional fallback, a wide symbol in one cell) is
  // scaled down to fit rather than spilling into the next cell.
  if (adv > box_width + 0.5 && slot->format == FT_GLYPH_FORMAT_OUTLINE) {
    const double s = box_width / adv;
    FT_Matrix m{static_cast<FT_Fixed>(s * 65536), 0, 0, static_cast<FT_Fixed>(s * 65536)};
    FT_Set_Transform(ft, &m, nullptr);
    const FT_Error e = FT_Load_Glyph(ft, index, flags);
    FT_Set_Transform(ft, nullptr, nullptr);
    if (e != 0) return false;
    adv = box_width;
  }
  if (advance != nullptr) *advance = adv;
  if (sf.embolden) FT_GlyphSlot_Embolden(slot);
  if (sf.oblique && slot->format == FT_GLYPH_FORMAT_OUTLINE) FT_GlyphSlot_Oblique(slot);
  if (slot->format != FT_GLYPH_FORMAT_BITMAP && FT_Render_Glyph(slot, FT_RENDER_MODE_NORMAL) != 0) {
    return false;
  }
  // Centre a glyph narrower than its cells (a CJK face's advance is rarely exactly two
  // cells); a monospace glyph in its own cell has nothing to centre.
  const double origin = pen_x >= 0 ? pen_x : std::max(0.0, (box_width - adv) / 2);
  out.left = static_cast<int>(std::lround(origin)) + slot->bitmap_left;
  out.top = metrics_.baseline - slot->bitmap_top;
  out.width = static_cast<int>(slot->bitmap.width);
  out.height = static_cast<int>(slot->bitmap.rows);
  out.color = false;
  out.pixels = coverage_of(slot->bitmap);
  return true;
}

bool FontSet::Impl::render_color(Face& face, char32_t cp, int box_width, Layer& out) {
  FT_Face ft = face.ft;
  bool substituted = false;
  const FT_UInt index = face.glyph(cp, &substituted);
  if (substituted) ++stats_.glyphs_substituted;
  if (index == 0 || FT_Load_Glyph(ft, index, FT_LOAD_DEFAULT | FT_LOAD_COLOR) != 0) return false;
  FT_GlyphSlot slot = ft->glyph;
  if (slot->format != FT_GLYPH_FORMAT_BITMAP && FT_Render_Glyph(slot, FT_RENDER_MODE_NORMAL) != 0)
    return false;
  const FT_Bitmap& b = slot->bitmap;
  if (b.pixel_mode != FT_PIXEL_MODE_BGRA || b.width == 0 || b.rows == 0) return false;
  // Fit the strike into the cells keeping its aspect, centred both ways.
  const int box_height = metrics_.cell_height;
  const double s =
      std::min(static_cast<double>(box_width) / b.width, static_cast<double>(box_height) / b.rows);
  const int w = std::clamp(static_cast<int>(std::lround(b.width * s)), 1, box_width);
  const int h = std::clamp(static_cast<int>(std::lround(b.rows * s)), 1, box_height);
  out.left = (box_width - w) / 2;
  out.top = (box_height - h) / 2;
  out.width = w;
  out.height = h;
  out.color = true;
  out.pixels = scale_bgra(b, w, h);
  return true;
}

GlyphBitmap FontSet::Impl::tofu(int cells) const {
  // A hollow box inset from the cell, light-line thick: visibly "a glyph is missing
  // here", and unlike anything a font draws.
  const int w = cells * metrics_.cell_width;
  const int h = metrics_.cell_height;
  const int t = std::max(1, metrics_.cell_width / 8);
  const int inset_x = std::max(1, metrics_.cell_width / 8);
  const int inset_y = std::max(1, h / 8);
  GlyphBitmap g;
  g.width = w;
  g.height = h;
  g.pixels.assign(static_cast<size_t>(w) * h, 0);
  for (int y = inset_y; y < h - inset_y; ++y) {
    for (int x = inset_x; x < w - inset_x; ++x) {
      const bool edge =
          x < inset_x + t || x >= w - inset_x - t || y < inset_y + t || y >= h - inset_y - t;
      if (edge) g.pixels[static_cast<size_t>(y) * w + x] = 255;
    }
  }
  return g;
}

GlyphBitmap FontSet::Impl::rasterize(std::u32string_view cluster, FaceStyle style, int cells) {
  cells = std::clamp(cells, 1, 2);
  if (cluster.empty()) return {};
  const char32_t base = cluster.front();
  if (is_procedural(base)) return draw_procedural(base, metrics_, cells);
  if (base > 0x10ffff || (base >= 0xd800 && base <= 0xdfff) || base < 0x20 ||
      (base >= 0x7f && base < 0xa0)) {
    return tofu(cells);
  }

  // U+FE0F asks for emoji presentation, U+FE0E for text; otherwise the code point's
  // default decides.
  Presentation presentation = Presentation::any;
  if (cluster.find(U'\uFE0F') != std::u32string_view::npos) {
    presentation = Presentation::color;
  } else if (cluster.find(U'\uFE0E') != std::u32string_view::npos) {
    presentation = Presentation::text;
  } else if (vt::unicode::is_emoji_presentation(base)) {
    presentation = Presentation::color;
  }

  const int box_width = cells * metrics_.cell_width;
  StyledFace sf = face_for(base, style, presentation);
  if (sf.face == nullptr) return tofu(cells);

  std::vector<Layer> layers(1);
  bool drawn = false;
  double base_advance = 0;
  if (sf.face->color) drawn = render_color(*sf.face, base, box_width, layers[0]);
  if (!drawn) drawn = render_text(sf, base, box_width, -1, layers[0], &base_advance);
  if (!drawn) return tofu(cells);
  const bool color = layers[0].color;

  // Combining marks over a text base, where FreeType puts them relative to the pen after
  // the base: a zero-advance mark (the usual design) hangs back over the base glyph.
  if (!color) {
    const double base_origin =
        std::max(0.0, (box_width - base_advance) / 2);  // as render_text placed it
    for (char32_t cp : cluster.substr(1)) {
      if (draws_nothing_alone(cp)) continue;
      StyledFace mark_face = sf.face->has(cp) ? sf : face_for(cp, style, Presentation::text);
      if (mark_face.face == nullptr || mark_face.face->color) continue;
      Layer mark;
      double mark_advance = 0;
      if (!render_text(mark_face, cp, box_width, 0, mark, &mark_advance)) continue;
      // A spacing mark ends where the base ends rather than past the cell.
      mark.left +=
          static_cast<int>(std::lround(base_origin + std::max(0.0, base_advance - mark_advance)));
      layers.push_back(std::move(mark));
    }
  }

  // A glyph poking out of the top or bottom of the cell (a deep descender in a fallback
  // font, a capital's stacked accents) is moved back in as far as it fits rather than cut
  // off; what still does not fit is clipped below.
  if (!color) {
    int top = metrics_.cell_height, bottom = 0;
    for (const Layer& l : layers) {
      if (l.width == 0 || l.height == 0) continue;
      top = std::min(top, l.top);
      bottom = std::max(bottom, l.top + l.height);
    }
    int shift = 0;
    if (bottom > metrics_.cell_height) {
      shift = -std::min(bottom - metrics_.cell_height, std::max(0, top));
    } else if (top < 0) {
      shift = std::min(-top, metrics_.cell_height - bottom);
    }
    for (Layer& l : layers) l.top += shift;
  }

  // Union of the layers, clipped to the cells (text may overhang a pixel sideways).
  const int clip_left = color ? 0 : -kOverhang;
  const int clip_right = box_width + (color ? 0 : kOverhang);
  int x0 = clip_right, y0 = metrics_.cell_height, x1 = clip_left, y1 = 0;
  for (const Layer& l : layers) {
    if (l.width == 0 || l.height == 0) continue;
    x0 = std::min(x0, std::max(l.left, clip_left));
    x1 = std::max(x1, std::min(l.left + l.width, clip_right));
    y0 = std::min(y0, std::max(l.top, 0));
    y1 = std::max(y1, std::min(l.top + l.height, metrics_.cell_height));
  }
  GlyphBitmap g;
  g.color = color;
  if (x1 <= x0 || y1 <= y0) return g;  // nothing visible: a space
  g.left = x0;
  g.top = y0;
  g.width = x1 - x0;
  g.height = y1 - y0;
  const int bpp = color ? 4 : 1;
  g.pixels.assign(static_cast<size_t>(g.width) * g.height * bpp, 0);
  for (const Layer& l : layers) {
    for (int y = std::max(l.top, y0); y < std::min(l.top + l.height, y1); ++y) {
      for (int x = std::max(l.left, x0); x < std::min(l.left + l.width, x1); ++x) {
        const size_t src = (static_cast<size_t>(y - l.top) * l.width + (x - l.left)) * bpp;
        const size_t dst = (static_cast<size_t>(y - y0) * g.width + (x - x0)) * bpp;
        for (int c = 0; c < bpp; ++c) {
          g.pixels[dst + c] = std::max(g.pixels[dst + c], l.pixels[src + c]);
        }
      }
    }
  }
  return g;
}

uint32_t FontSet::Impl::glyph_index(char32_t cp, FaceStyle style) {
  const StyledFace sf = face_for(cp, style, Presentation::any);
  return sf.face == nullptr ? 0 : sf.face->glyph(cp);
}

FontSet::FontSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FontSet::~FontSet() = default;

Result<std::unique_ptr<FontSet>> FontSet::open(const FontSpec& spec, double scale) {
  auto impl = std::make_unique<Impl>();
  if (Result<void> r = impl->init(spec, scale); !r) return r.error();
  return std::unique_ptr<FontSet>(new FontSet(std::move(impl)));
}

const Metrics& FontSet::metrics() const { return impl_->metrics_; }
const std::string& FontSet::primary_family() const { return impl_->family_; }
double FontSet::pixel_size() const { return impl_->pixel_size_; }
const FontStats& FontSet::stats() const { return impl_->stats_; }

GlyphBitmap FontSet::rasterize(std::u32string_view cluster, FaceStyle style, int cells) {
  return impl_->rasterize(cluster, style, cells);
}

uint32_t FontSet::glyph_index(char32_t cp, FaceStyle style) {
  return impl_->glyph_index(cp, style);
}

}  // namespace cadence::render::font
