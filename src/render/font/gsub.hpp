// The glyph substitutions of one face that cadence can apply without shaping text.
//
// cadence draws one glyph per cell and has no shaper, so of a font's GSUB table it uses
// only the lookups that turn one glyph into one other glyph whatever surrounds it:
// single substitution (lookup type 1, formats 1 and 2), alternate substitution (type 3:
// feature value N picks alternate N) and extension lookups (type 7) wrapping either.
// That covers what users set features for in a terminal: stylistic sets, character
// variants, `zero`, `onum`, `case`. Ligature, multiple and contextual lookups (types 2, 4,
// 5, 6, 8) need a run of glyphs and are skipped; a feature made only of them is reported
// as needing shaping.
//
// Decisions:
// - The feature list is that of the DFLT script's default language, else latn's: the
//   grid has no script runs or language to pick another by.
// - Lookup flags are ignored. They name glyph classes a lookup skips while matching a
//   context; with one glyph and no context the only effect would be to leave marks
//   alone, and marks here are drawn from the cluster's code points, not substituted.
// - The table is untrusted input. Every offset and count is checked against the table's
//   size before it is followed; a broken part makes the features that use it "malformed"
//   (never a crash, never a partial substitution from garbage). Coverage tables must be
//   sorted, substitutes must be glyphs the face has, and two limits bound the work one
//   face can cause: kMaxCoverageGlyphs coverage entries read, kMaxLookups lookups kept.
// - Parsing happens once per face when it is opened; what is kept is, per lookup, a
//   sorted array of (glyph -> substitute) pairs. apply() runs them in lookup order, a
//   binary search each, once per glyph rasterized (the atlas caches the bitmap), never
//   per frame.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "render/font/font_feature.hpp"

namespace cadence::render::font {

enum class FeatureStatus : uint8_t {
  applied,        // at least one of its lookups substitutes glyphs
  absent,         // no GSUB, no usable script, or the default language lacks the feature
  needs_shaping,  // present, but only with lookups cadence cannot apply (ligatures, context)
  malformed,      // the table (or a lookup it uses) is broken: ignored
  over_limit,     // dropped to stay within kMaxLookups or kMaxCoverageGlyphs
};

const char* status_name(FeatureStatus status);

struct FeatureResult {
  FontFeature feature;
  FeatureStatus status = FeatureStatus::absent;
  int lookups = 0;          // lookups applied
  int skipped_lookups = 0;  // lookups of a type that needs shaping
  std::string problem;      // what was wrong, when malformed or over a limit
};

class GlyphSubstitutions {
 public:
  // Coverage entries one face's parse may read in all (ranges count each glyph).
  static constexpr size_t kMaxCoverageGlyphs = size_t{1} << 20;
  // Distinct lookups one face may apply to each glyph.
  static constexpr size_t kMaxLookups = 256;

  GlyphSubstitutions() = default;

  // table: the face's GSUB table as stored in the font (empty when it has none);
  // num_glyphs: the face's glyph count; features: the ones turned on (value > 0), each
  // tag once. results, when given, gets one entry per feature in the same order.
  static GlyphSubstitutions build(std::span<const uint8_t> table, uint32_t num_glyphs,
                                  std::span<const FontFeature> features,
                                  std::vector<FeatureResult>* results);

  // The glyph to draw for `glyph` once every applied lookup has run over it.
  uint32_t apply(uint32_t glyph) const {
    for (const Lookup& lookup : lookups_) glyph = lookup.substitute(glyph);
    return glyph;
  }

  bool empty() const { return lookups_.empty(); }
  size_t lookup_count() const { return lookups_.size(); }

 private:
  struct Lookup {
    uint16_t index = 0;           // in the font's LookupList: the order they run in
    std::vector<uint32_t> pairs;  // glyph << 16 | substitute, sorted, one per glyph
    uint32_t substitute(uint32_t glyph) const;
  };
  std::vector<Lookup> lookups_;
  friend class GsubParser;
};

}  // namespace cadence::render::font
