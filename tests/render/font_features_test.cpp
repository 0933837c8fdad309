// Font features through FontSet, on real fonts: Fira Code (fonts-firacode) has the
// stylistic sets, character variants and `zero` users ask for; DejaVu (fonts-dejavu-core)
// has none of them and is Fira Code's fallback. A copy of Fira Code with its GSUB broken
// is made here and given to fontconfig under another family name. A missing font fails
// the test naming its package, never skips it.
#include <fontconfig/fontconfig.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "base/log.hpp"
#include "bitmap_art.hpp"
#include "render/font/font_set.hpp"

namespace cadence::render::font {
namespace {

constexpr char kFira[] = "Fira Code";
constexpr char kFiraPackage[] = "fonts-firacode";
constexpr char kFiraFile[] = "/usr/share/fonts/truetype/firacode/FiraCode-Regular.ttf";

std::vector<FontFeature> features(const std::vector<std::string>& texts) {
  Result<std::vector<FontFeature>> f = parse_font_features(texts);
  EXPECT_TRUE(f) << f.error().message;
  return f ? *f : std::vector<FontFeature>{};
}

std::unique_ptr<FontSet> open_with(const std::string& family, const char* package,
                                   const std::vector<std::string>& feature_texts = {}) {
  FontSpec spec{family, 11.0, features(feature_texts)};
  Result<std::unique_ptr<FontSet>> fs = FontSet::open(spec, 1.0);
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

std::unique_ptr<FontSet> open_fira(const std::vector<std::string>& feature_texts = {}) {
  return open_with(kFira, kFiraPackage, feature_texts);
}

GlyphBitmap glyph(FontSet& fs, char32_t cp) {
  return fs.rasterize(std::u32string(1, cp), FaceStyle::regular, 1);
}

// Log lines at info and above while alive, and the level set so info is written.
class LogCapture {
 public:
  LogCapture() {
    lines().clear();
    log::configure("info");
    log::set_sink([](log::Level level, std::string_view tag, std::string_view message) {
      if (tag == "font") lines().push_back({level, std::string(message)});
    });
  }
  ~LogCapture() { log::set_sink(nullptr); }

  struct Line {
    log::Level level;
    std::string text;
  };
  static std::vector<Line>& lines() {
    static std::vector<Line> l;
    return l;
  }
  static int count(log::Level level, const std::string& containing) {
    int n = 0;
    for (const Line& l : lines()) {
      if (l.level == level && l.text.find(containing) != std::string::npos) ++n;
    }
    return n;
  }
  static int count_at_least(log::Level level) {
    int n = 0;
    for (const Line& l : lines()) n += l.level >= level;
    return n;
  }
};

TEST(FontFeatures, ZeroAndStylisticSetChangeTheirGlyphsOnly) {
  auto plain = open_fira();
  auto featured = open_fira({"zero", "ss01"});
  ASSERT_NE(plain, nullptr);
  ASSERT_NE(featured, nullptr);
  // zero: the slashed or dotted zero; ss01: Fira Code's alternative 'r'.
  for (char32_t cp : {U'0', U'r'}) {
    SCOPED_TRACE(static_cast<char>(cp));
    EXPECT_NE(featured->glyph_index(cp, FaceStyle::regular),
              plain->glyph_index(cp, FaceStyle::regular));
    const GlyphBitmap a = glyph(*plain, cp), b = glyph(*featured, cp);
    EXPECT_NE(a.pixels, b.pixels) << bitmap_art(a) << bitmap_art(b);
  }
  for (char32_t cp : {U'a', U'1', U'R', U'o'}) {
    SCOPED_TRACE(static_cast<char>(cp));
    EXPECT_EQ(featured->glyph_index(cp, FaceStyle::regular),
              plain->glyph_index(cp, FaceStyle::regular));
    EXPECT_EQ(glyph(*featured, cp).pixels, glyph(*plain, cp).pixels);
  }
  EXPECT_EQ(featured->stats().glyphs_substituted, 2u);
  EXPECT_EQ(plain->stats().glyphs_substituted, 0u);
  // Bold is another face (FiraCode-Bold.ttf) with its own GSUB: the feature holds there.
  EXPECT_NE(featured->glyph_index(U'0', FaceStyle::bold),
            plain->glyph_index(U'0', FaceStyle::bold));
}

TEST(FontFeatures, OffIsTheDefaultGlyph) {
  auto plain = open_fira();
  auto off = open_fira({"zero=0", "-ss01", "calt=0", "liga=0", "cv01=off"});
  ASSERT_NE(plain, nullptr);
  ASSERT_NE(off, nullptr);
  for (char32_t cp : {U'0', U'r', U'a', U'g'}) {
    EXPECT_EQ(off->glyph_index(cp, FaceStyle::regular), plain->glyph_index(cp, FaceStyle::regular));
    EXPECT_EQ(glyph(*off, cp).pixels, glyph(*plain, cp).pixels);
  }
  EXPECT_EQ(off->stats().glyphs_substituted, 0u);
}

TEST(FontFeatures, LaterEntryForATagWins) {
  auto plain = open_fira();
  auto on_then_off = open_fira({"zero", "-zero"});
  auto off_then_on = open_fira({"-zero", "zero"});
  ASSERT_NE(plain, nullptr);
  ASSERT_NE(on_then_off, nullptr);
  ASSERT_NE(off_then_on, nullptr);
  const uint32_t zero = plain->glyph_index(U'0', FaceStyle::regular);
  EXPECT_EQ(on_then_off->glyph_index(U'0', FaceStyle::regular), zero);
  EXPECT_NE(off_then_on->glyph_index(U'0', FaceStyle::regular), zero);
}

TEST(FontFeatures, CharacterVariantsPickTheirGlyph) {
  auto plain = open_fira();
  auto cv = open_fira({"cv01", "cv02", "cv14"});
  ASSERT_NE(plain, nullptr);
  ASSERT_NE(cv, nullptr);
  // In Fira Code cv01 is another 'a', cv02 another 'g', cv14 a flat-topped '3'.
  for (char32_t cp : {U'a', U'g', U'3'}) {
    SCOPED_TRACE(static_cast<char>(cp));
    EXPECT_NE(cv->glyph_index(cp, FaceStyle::regular), plain->glyph_index(cp, FaceStyle::regular));
    EXPECT_NE(glyph(*cv, cp).pixels, glyph(*plain, cp).pixels);
  }
}

TEST(FontFeatures, AlternateValuePicksAmongAlternates) {
  // Fira Code's aalt holds an alternate substitution: '0' has several alternates, and
  // aalt=N is the N-th of them.
  auto plain = open_fira();
  ASSERT_NE(plain, nullptr);
  std::vector<uint32_t> seen = {plain->glyph_index(U'0', FaceStyle::regular)};
  std::vector<std::vector<uint8_t>> pictures = {glyph(*plain, U'0').pixels};
  for (int n = 1; n <= 3; ++n) {
    auto fs = open_fira({"aalt=" + std::to_string(n)});
    ASSERT_NE(fs, nullptr);
    const uint32_t g = fs->glyph_index(U'0', FaceStyle::regular);
    EXPECT_EQ(std::count(seen.begin(), seen.end(), g), 0) << "aalt=" << n << " gave glyph " << g;
    seen.push_back(g);
    pictures.push_back(glyph(*fs, U'0').pixels);
  }
  // Four different zeros drawn, not just four glyph numbers.
  for (size_t i = 0; i < pictures.size(); ++i) {
    for (size_t j = i + 1; j < pictures.size(); ++j) EXPECT_NE(pictures[i], pictures[j]) << i << j;
  }
}

TEST(FontFeatures, FallbackFacesApplyTheirOwnGsub) {
  // U+2E18 INVERTED INTERROBANG is not in Fira Code; the DejaVu face it falls back to has
  // a `case` form of it. '(' comes from Fira Code's own `case`.
  auto plain = open_fira();
  auto cased = open_fira({"case"});
  ASSERT_NE(plain, nullptr);
  ASSERT_NE(cased, nullptr);
  const uint64_t lookups = cased->stats().fallback_lookups;
  const uint32_t fallback_glyph = cased->glyph_index(U'\u2E18', FaceStyle::regular);
  ASSERT_EQ(cased->stats().fallback_lookups, lookups + 1) << "U+2E18 came from Fira Code itself";
  ASSERT_NE(plain->glyph_index(U'\u2E18', FaceStyle::regular), 0u)
      << "no fallback font has U+2E18: install fonts-dejavu-core";
  EXPECT_NE(fallback_glyph, plain->glyph_index(U'\u2E18', FaceStyle::regular));
  EXPECT_NE(glyph(*cased, U'\u2E18').pixels, glyph(*plain, U'\u2E18').pixels);
  EXPECT_NE(cased->glyph_index(U'(', FaceStyle::regular),
            plain->glyph_index(U'(', FaceStyle::regular));
}

TEST(FontFeatures, CellSizeIsMeasuredWithoutFeatures) {
  auto plain = open_fira();
  auto featured = open_fira({"zero", "onum", "ss01", "cv14"});
  ASSERT_NE(plain, nullptr);
  ASSERT_NE(featured, nullptr);
  EXPECT_EQ(featured->metrics().cell_width, plain->metrics().cell_width);
  EXPECT_EQ(featured->metrics().cell_height, plain->metrics().cell_height);
  EXPECT_EQ(featured->metrics().baseline, plain->metrics().baseline);
}

TEST(FontFeatures, ShapingFeaturesAreSaidOnceAndChangeNothing) {
  LogCapture capture;
  auto plain = open_fira();
  // liga, calt and dlig act on runs of text, whatever the font; Fira Code's ss07 is only
  // contextual substitutions.
  auto fs = open_fira({"liga", "calt", "liga=1", "dlig", "calt=1", "ss07"});
  ASSERT_NE(plain, nullptr);
  ASSERT_NE(fs, nullptr);
  for (char32_t cp = 0x21; cp < 0x7f; ++cp) {
    EXPECT_EQ(fs->glyph_index(cp, FaceStyle::regular), plain->glyph_index(cp, FaceStyle::regular));
    EXPECT_EQ(fs->glyph_index(cp, FaceStyle::bold), plain->glyph_index(cp, FaceStyle::bold));
  }
  EXPECT_EQ(LogCapture::count(log::Level::info, "'liga' needs text shaping"), 1);
  EXPECT_EQ(LogCapture::count(log::Level::info, "'calt' needs text shaping"), 1);
  EXPECT_EQ(LogCapture::count(log::Level::info, "'dlig' needs text shaping"), 1);
  // Regular and bold are two faces, both with ss07: still said once.
  EXPECT_EQ(LogCapture::count(log::Level::info, "'ss07'"), 1);
  EXPECT_EQ(LogCapture::count_at_least(log::Level::warn), 0);
}

TEST(FontFeatures, FeatureTheFontLacksIsIgnoredQuietly) {
  LogCapture capture;
  auto plain = open_with("DejaVu Sans Mono", "fonts-dejavu-core");
  auto fs = open_with("DejaVu Sans Mono", "fonts-dejavu-core", {"ss01", "zero", "cv05=2", "abcd"});
  ASSERT_NE(plain, nullptr);
  ASSERT_NE(fs, nullptr);
  for (char32_t cp : {U'0', U'r', U'a', U'g'}) {
    EXPECT_EQ(fs->glyph_index(cp, FaceStyle::regular), plain->glyph_index(cp, FaceStyle::regular));
    EXPECT_EQ(glyph(*fs, cp).pixels, glyph(*plain, cp).pixels);
  }
  EXPECT_EQ(LogCapture::count_at_least(log::Level::info), 0);  // debug only
}

// A copy of FiraCode-Regular.ttf named "Fira Bust" whose GSUB has a bad version, known
// to fontconfig for this process only.
class BrokenGsubFont : public testing::Test {
 protected:
  static constexpr char kFamily[] = "Fira Bust";

  void SetUp() override {
    std::ifstream in(kFiraFile, std::ios::binary);
    ASSERT_TRUE(in) << "cannot read " << kFiraFile << ": install " << kFiraPackage;
    std::vector<uint8_t> font((std::istreambuf_iterator<char>(in)), {});
    ASSERT_TRUE(break_gsub_and_rename(font));

    char dir[] = "/tmp/cadence-font-test-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/FiraBust.ttf";
    std::ofstream(path_, std::ios::binary)
        .write(reinterpret_cast<const char*>(font.data()), static_cast<long>(font.size()));
    ASSERT_EQ(FcInit(), FcTrue);
    ASSERT_EQ(FcConfigAppFontAddFile(FcConfigGetCurrent(),
                                     reinterpret_cast<const FcChar8*>(path_.c_str())),
              FcTrue);
  }
  void TearDown() override {
    FcConfigAppFontClear(FcConfigGetCurrent());
    if (!path_.empty()) std::remove(path_.c_str());
    if (!dir_.empty()) rmdir(dir_.c_str());
  }

  static uint32_t be32(const std::vector<uint8_t>& b, size_t at) {
    return uint32_t{b[at]} << 24 | uint32_t{b[at + 1]} << 16 | uint32_t{b[at + 2]} << 8 | b[at + 3];
  }

  // Sets GSUB's major version to 2 and renames the family in the name table (UTF-16BE
  // and single-byte strings alike, same length, so no offset moves).
  static bool break_gsub_and_rename(std::vector<uint8_t>& font) {
    const size_t tables = size_t{font[4]} << 8 | font[5];
    bool gsub = false, name = false;
    for (size_t i = 0; i < tables; ++i) {
      const size_t record = 12 + 16 * i;
      const uint32_t tag = be32(font, record);
      const size_t off = be32(font, record + 8), len = be32(font, record + 12);
      if (tag == feature_tag("GSUB")) {
        font[off] = 0;
        font[off + 1] = 2;
        gsub = true;
      } else if (tag == feature_tag("name")) {
        for (bool wide : {false, true}) {
          std::string from = "Fira Code", to = "Fira Bust";
          if (wide) {
            std::string wf, wt;
            for (char c : from) wf += std::string(1, '\0') + c;
            for (char c : to) wt += std::string(1, '\0') + c;
            from = wf;
            to = wt;
          }
          std::string text(font.begin() + static_cast<long>(off),
                           font.begin() + static_cast<long>(off + len));
          for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + 1)) {
            std::copy(to.begin(), to.end(), font.begin() + static_cast<long>(off + at));
            name = true;
          }
        }
      }
    }
    return gsub && name;
  }

  std::string dir_, path_;
};

TEST_F(BrokenGsubFont, DrawsDefaultGlyphsAndWarnsOnce) {
  auto plain = open_fira();
  ASSERT_NE(plain, nullptr);
  LogCapture capture;
  auto fs = open_with(kFamily, "(a copy of Fira Code made by this test)", {"zero", "ss01", "cv01"});
  ASSERT_NE(fs, nullptr);
  for (char32_t cp : {U'0', U'r', U'a'}) {
    EXPECT_EQ(fs->glyph_index(cp, FaceStyle::regular), plain->glyph_index(cp, FaceStyle::regular));
    EXPECT_EQ(fs->glyph_index(cp, FaceStyle::bold_italic),
              plain->glyph_index(cp, FaceStyle::regular));  // one face, synthesised styles
    EXPECT_EQ(glyph(*fs, cp).pixels, glyph(*plain, cp).pixels);
  }
  EXPECT_EQ(LogCapture::count_at_least(log::Level::warn), 1);
  ASSERT_EQ(LogCapture::count(log::Level::warn, "GSUB version 2.0"), 1);
  EXPECT_EQ(LogCapture::count(log::Level::warn, path_), 1);
  EXPECT_EQ(LogCapture::count(log::Level::warn, "'zero'"), 1);  // names what it ignores
}

}  // namespace
}  // namespace cadence::render::font
