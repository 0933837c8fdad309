// GlyphSubstitutions over GSUB tables built byte by byte here: what each lookup type
// does, which script's features count, the order lookups run in, and tables that are
// broken on purpose (cut short, offsets past the end, huge counts, unsorted coverage,
// hostile sizes), none of which may crash or substitute garbage.
#include "render/font/gsub.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_TABLES_H
#include FT_TRUETYPE_TAGS_H
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace cadence::render::font {
namespace {

// --- a small GSUB writer ------------------------------------------------------------

using Bytes = std::vector<uint8_t>;

void put16(Bytes& b, uint32_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
void put32(Bytes& b, uint32_t v) {
  put16(b, v >> 16);
  put16(b, v & 0xffff);
}
void set16(Bytes& b, size_t at, uint32_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}
void put_tag(Bytes& b, const char* tag) { put32(b, feature_tag(tag)); }
void append(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }

Bytes coverage1(const std::vector<uint16_t>& glyphs) {
  Bytes b;
  put16(b, 1);
  put16(b, static_cast<uint32_t>(glyphs.size()));
  for (uint16_t g : glyphs) put16(b, g);
  return b;
}

struct Range {
  uint16_t start, end, first_index;
};
Bytes coverage2(const std::vector<Range>& ranges) {
  Bytes b;
  put16(b, 2);
  put16(b, static_cast<uint32_t>(ranges.size()));
  for (const Range& r : ranges) {
    put16(b, r.start);
    put16(b, r.end);
    put16(b, r.first_index);
  }
  return b;
}

// SingleSubst format 1: every covered glyph plus delta.
Bytes single1(const Bytes& coverage, int16_t delta) {
  Bytes b;
  put16(b, 1);
  put16(b, 6);
  put16(b, static_cast<uint16_t>(delta));
  append(b, coverage);
  return b;
}

// SingleSubst format 2: glyph -> substitute, glyphs in increasing order.
Bytes single2(const std::vector<std::pair<uint16_t, uint16_t>>& map) {
  Bytes b;
  put16(b, 2);
  put16(b, static_cast<uint32_t>(6 + 2 * map.size()));
  put16(b, static_cast<uint32_t>(map.size()));
  std::vector<uint16_t> glyphs;
  for (const auto& [from, to] : map) {
    put16(b, to);
    glyphs.push_back(from);
  }
  append(b, coverage1(glyphs));
  return b;
}

// AlternateSubst format 1: glyph -> its alternates.
Bytes alternate(const std::vector<std::pair<uint16_t, std::vector<uint16_t>>>& sets) {
  Bytes b;
  put16(b, 1);
  const size_t coverage_at = b.size();
  put16(b, 0);
  put16(b, static_cast<uint32_t>(sets.size()));
  const size_t offsets_at = b.size();
  for (size_t i = 0; i < sets.size(); ++i) put16(b, 0);
  std::vector<uint16_t> glyphs;
  for (size_t i = 0; i < sets.size(); ++i) {
    set16(b, offsets_at + 2 * i, static_cast<uint32_t>(b.size()));
    put16(b, static_cast<uint32_t>(sets[i].second.size()));
    for (uint16_t g : sets[i].second) put16(b, g);
    glyphs.push_back(sets[i].first);
  }
  set16(b, coverage_at, static_cast<uint32_t>(b.size()));
  append(b, coverage1(glyphs));
  return b;
}

// A ligature subtable's first fields: only its lookup type matters here.
Bytes ligature_stub() {
  Bytes b;
  put16(b, 1);
  put16(b, 6);
  put16(b, 0);
  append(b, coverage1({5}));
  return b;
}

// ExtensionSubst format 1 wrapping one subtable of `type`.
Bytes extension(uint16_t type, const Bytes& inner) {
  Bytes b;
  put16(b, 1);
  put16(b, type);
  put32(b, 8);
  append(b, inner);
  return b;
}

struct Lookup {
  uint16_t type;
  std::vector<Bytes> subtables;
};
struct Feature {
  const char* tag;
  std::vector<uint16_t> lookups;
};
struct Script {
  const char* tag;
  std::vector<uint16_t> features;  // of its default language
  bool has_default = true;
};

Bytes gsub(const std::vector<Script>& scripts, const std::vector<Feature>& features,
           const std::vector<Lookup>& lookups) {
  Bytes b;
  put16(b, 1);
  put16(b, 0);
  put16(b, 0);  // ScriptList
  put16(b, 0);  // FeatureList
  put16(b, 0);  // LookupList

  set16(b, 4, static_cast<uint32_t>(b.size()));
  const size_t script_list = b.size();
  put16(b, static_cast<uint32_t>(scripts.size()));
  for (const Script& s : scripts) {
    put_tag(b, s.tag);
    put16(b, 0);
  }
  for (size_t i = 0; i < scripts.size(); ++i) {
    const size_t script = b.size();
    set16(b, script_list + 2 + 6 * i + 4, static_cast<uint32_t>(script - script_list));
    if (!scripts[i].has_default) {
      // Languages only: one LangSys for a language, none by default.
      put16(b, 0);
      put16(b, 1);
      put_tag(b, "TRK ");
      put16(b, 10);
    } else {
      put16(b, 4);
      put16(b, 0);
    }
    put16(b, 0);       // lookupOrderOffset
    put16(b, 0xffff);  // no required feature
    put16(b, static_cast<uint32_t>(scripts[i].features.size()));
    for (uint16_t f : scripts[i].features) put16(b, f);
  }

  set16(b, 6, static_cast<uint32_t>(b.size()));
  const size_t feature_list = b.size();
  put16(b, static_cast<uint32_t>(features.size()));
  for (const Feature& f : features) {
    put_tag(b, f.tag);
    put16(b, 0);
  }
  for (size_t i = 0; i < features.size(); ++i) {
    set16(b, feature_list + 2 + 6 * i + 4, static_cast<uint32_t>(b.size() - feature_list));
    put16(b, 0);  // featureParamsOffset
    put16(b, static_cast<uint32_t>(features[i].lookups.size()));
    for (uint16_t l : features[i].lookups) put16(b, l);
  }

  set16(b, 8, static_cast<uint32_t>(b.size()));
  const size_t lookup_list = b.size();
  put16(b, static_cast<uint32_t>(lookups.size()));
  for (size_t i = 0; i < lookups.size(); ++i) put16(b, 0);
  for (size_t i = 0; i < lookups.size(); ++i) {
    const size_t lookup = b.size();
    set16(b, lookup_list + 2 + 2 * i, static_cast<uint32_t>(lookup - lookup_list));
    put16(b, lookups[i].type);
    put16(b, 0);  // lookupFlag
    put16(b, static_cast<uint32_t>(lookups[i].subtables.size()));
    for (size_t k = 0; k < lookups[i].subtables.size(); ++k) put16(b, 0);
    for (size_t k = 0; k < lookups[i].subtables.size(); ++k) {
      set16(b, lookup + 6 + 2 * k, static_cast<uint32_t>(b.size() - lookup));
      append(b, lookups[i].subtables[k]);
    }
  }
  return b;
}

// --- helpers ------------------------------------------------------------------------

constexpr uint32_t kGlyphs = 100;

FontFeature on(const char* tag, uint32_t value = 1) { return FontFeature{feature_tag(tag), value}; }

struct Built {
  GlyphSubstitutions subs;
  std::vector<FeatureResult> results;
};

Built build(const Bytes& table, std::vector<FontFeature> features, uint32_t glyphs = kGlyphs) {
  Built b;
  b.subs = GlyphSubstitutions::build(table, glyphs, features, &b.results);
  EXPECT_EQ(b.results.size(), features.size());
  return b;
}

// A font with the features users ask for: a stylistic set, a character variant with
// three alternates, `zero`, a ligature, and one of each wrapped in an extension.
//   lookup 0  ss01  single format 1: glyphs 10, 11 -> 20, 21
//   lookup 1  cv05  alternate: 30 -> 31, 32, 33; 40 -> 41
//   lookup 2  zero  single format 2: 50 -> 55
//   lookup 3  liga  ligature
//   lookup 4  ss02  extension of single format 2: 60 -> 61
//   lookup 5  ss03  extension of a ligature
//   lookup 6  ss04  single format 1 over a format 2 coverage: 70-72 -> 80-82
Bytes sample_font() {
  return gsub({{"DFLT", {0, 1, 2, 3, 4, 5, 6}}, {"latn", {0}}},
              {{"ss01", {0}},
               {"cv05", {1}},
               {"zero", {2}},
               {"liga", {3}},
               {"ss02", {4}},
               {"ss03", {5}},
               {"ss04", {6}}},
              {{1, {single1(coverage1({10, 11}), 10)}},
               {3, {alternate({{30, {31, 32, 33}}, {40, {41}}})}},
               {1, {single2({{50, 55}})}},
               {4, {ligature_stub()}},
               {7, {extension(1, single2({{60, 61}}))}},
               {7, {extension(4, ligature_stub())}},
               {1, {single1(coverage2({{70, 72, 0}}), 10)}}});
}

// --- behaviour ----------------------------------------------------------------------

TEST(Gsub, SingleSubstitutionFormatOneAddsTheDelta) {
  const Built b = build(sample_font(), {on("ss01")});
  EXPECT_EQ(b.results[0].status, FeatureStatus::applied);
  EXPECT_EQ(b.results[0].lookups, 1);
  EXPECT_EQ(b.subs.apply(10), 20u);
  EXPECT_EQ(b.subs.apply(11), 21u);
  EXPECT_EQ(b.subs.apply(12), 12u);  // not covered
  EXPECT_EQ(b.subs.apply(50), 50u);  // zero is off
}

TEST(Gsub, SingleSubstitutionFormatTwoMapsEachGlyph) {
  const Built b = build(sample_font(), {on("zero")});
  EXPECT_EQ(b.results[0].status, FeatureStatus::applied);
  EXPECT_EQ(b.subs.apply(50), 55u);
  EXPECT_EQ(b.subs.apply(10), 10u);
}

TEST(Gsub, RangeCoverageIndexesFromItsStart) {
  const Built b = build(sample_font(), {on("ss04")});
  EXPECT_EQ(b.subs.apply(69), 69u);
  EXPECT_EQ(b.subs.apply(70), 80u);
  EXPECT_EQ(b.subs.apply(72), 82u);
  EXPECT_EQ(b.subs.apply(73), 73u);
}

TEST(Gsub, AlternateValuePicksTheNthAlternate) {
  EXPECT_EQ(build(sample_font(), {on("cv05")}).subs.apply(30), 31u);
  EXPECT_EQ(build(sample_font(), {on("cv05", 2)}).subs.apply(30), 32u);
  EXPECT_EQ(build(sample_font(), {on("cv05", 3)}).subs.apply(30), 33u);
  // A glyph with fewer alternates than asked for keeps its default, the others change.
  const Built b = build(sample_font(), {on("cv05", 2)});
  EXPECT_EQ(b.subs.apply(40), 40u);
  EXPECT_EQ(build(sample_font(), {on("cv05", 1)}).subs.apply(40), 41u);
  // Past every set: the feature changes nothing.
  const Built none = build(sample_font(), {on("cv05", 4)});
  EXPECT_EQ(none.results[0].status, FeatureStatus::absent);
  EXPECT_TRUE(none.subs.empty());
}

TEST(Gsub, ExtensionLookupsAreUnwrapped) {
  const Built b = build(sample_font(), {on("ss02")});
  EXPECT_EQ(b.results[0].status, FeatureStatus::applied);
  EXPECT_EQ(b.subs.apply(60), 61u);
}

TEST(Gsub, LigatureFeaturesNeedShaping) {
  const Built b = build(sample_font(), {on("liga"), on("ss03"), on("ss01")});
  EXPECT_EQ(b.results[0].status, FeatureStatus::needs_shaping);
  EXPECT_EQ(b.results[0].skipped_lookups, 1);
  EXPECT_EQ(b.results[1].status, FeatureStatus::needs_shaping);  // through an extension
  EXPECT_EQ(b.results[2].status, FeatureStatus::applied);
  EXPECT_EQ(b.subs.lookup_count(), 1u);
}

TEST(Gsub, MissingFeatureIsAbsent) {
  const Built b = build(sample_font(), {on("ss20"), on("ss01")});
  EXPECT_EQ(b.results[0].status, FeatureStatus::absent);
  EXPECT_EQ(b.results[1].status, FeatureStatus::applied);
  EXPECT_EQ(b.subs.apply(10), 20u);
}

TEST(Gsub, NoTableMeansEveryFeatureIsAbsent) {
  const Built b = build({}, {on("ss01"), on("zero")});
  for (const FeatureResult& r : b.results) EXPECT_EQ(r.status, FeatureStatus::absent);
  EXPECT_TRUE(b.subs.empty());
  EXPECT_EQ(b.subs.apply(10), 10u);
}

TEST(Gsub, FeaturesComeFromDfltElseLatn) {
  // latn lists only ss01; DFLT lists zero: DFLT wins.
  const Bytes both = gsub({{"latn", {0}}, {"DFLT", {1}}}, {{"ss01", {0}}, {"zero", {1}}},
                          {{1, {single2({{10, 20}})}}, {1, {single2({{50, 55}})}}});
  Built b = build(both, {on("ss01"), on("zero")});
  EXPECT_EQ(b.results[0].status, FeatureStatus::absent);
  EXPECT_EQ(b.results[1].status, FeatureStatus::applied);

  // DFLT without a default language: latn's.
  const Bytes no_default =
      gsub({{"DFLT", {1}, false}, {"latn", {0}}}, {{"ss01", {0}}, {"zero", {1}}},
           {{1, {single2({{10, 20}})}}, {1, {single2({{50, 55}})}}});
  b = build(no_default, {on("ss01"), on("zero")});
  EXPECT_EQ(b.results[0].status, FeatureStatus::applied);
  EXPECT_EQ(b.results[1].status, FeatureStatus::absent);

  // Neither: nothing, though the feature exists for another script.
  const Bytes cyrillic = gsub({{"cyrl", {0}}}, {{"ss01", {0}}}, {{1, {single2({{10, 20}})}}});
  b = build(cyrillic, {on("ss01")});
  EXPECT_EQ(b.results[0].status, FeatureStatus::absent);
  EXPECT_NE(b.results[0].problem.find("DFLT or latn"), std::string::npos);
}

TEST(Gsub, LookupsRunInLookupListOrderWhateverTheFeatureOrder) {
  // lookup 0 (ss02): 20 -> 30; lookup 1 (ss01): 10 -> 20. In lookup order 10 becomes 20
  // and stops there; features named in the other order must not chain them.
  const Bytes t = gsub({{"DFLT", {0, 1}}}, {{"ss01", {1}}, {"ss02", {0}}},
                       {{1, {single2({{20, 30}})}}, {1, {single2({{10, 20}})}}});
  EXPECT_EQ(build(t, {on("ss01"), on("ss02")}).subs.apply(10), 20u);
  EXPECT_EQ(build(t, {on("ss02"), on("ss01")}).subs.apply(10), 20u);
  EXPECT_EQ(build(t, {on("ss02"), on("ss01")}).subs.apply(20), 30u);
  // The other way round they do chain: 10 -> 20 first, then 20 -> 30.
  const Bytes chained = gsub({{"DFLT", {0, 1}}}, {{"ss01", {0}}, {"ss02", {1}}},
                             {{1, {single2({{10, 20}})}}, {1, {single2({{20, 30}})}}});
  EXPECT_EQ(build(chained, {on("ss02"), on("ss01")}).subs.apply(10), 30u);
}

TEST(Gsub, FirstSubtableCoveringAGlyphWins) {
  const Bytes t = gsub({{"DFLT", {0}}}, {{"ss01", {0}}},
                       {{1, {single2({{10, 20}}), single2({{10, 30}, {11, 31}})}}});
  const Built b = build(t, {on("ss01")});
  EXPECT_EQ(b.subs.apply(10), 20u);
  EXPECT_EQ(b.subs.apply(11), 31u);
}

TEST(Gsub, SharedLookupRunsOnce) {
  // Two features name the same lookup (which adds 1): 10 becomes 11, not 12.
  const Bytes t = gsub({{"DFLT", {0, 1}}}, {{"ss01", {0}}, {"ss02", {0}}},
                       {{1, {single1(coverage2({{10, 11, 0}}), 1)}}});
  const Built b = build(t, {on("ss01"), on("ss02")});
  EXPECT_EQ(b.subs.lookup_count(), 1u);
  EXPECT_EQ(b.subs.apply(10), 11u);
}

// --- broken tables ------------------------------------------------------------------

// Every status is malformed and the problem says so, and nothing is substituted.
void expect_all_malformed(const Bytes& table, const std::string& says) {
  const Built b = build(table, {on("ss01"), on("zero")});
  for (const FeatureResult& r : b.results) {
    EXPECT_EQ(r.status, FeatureStatus::malformed) << r.problem;
    EXPECT_NE(r.problem.find(says), std::string::npos) << r.problem;
  }
  EXPECT_TRUE(b.subs.empty());
}

TEST(GsubMalformed, CutAnywhereNeverSubstitutesGarbage) {
  const Bytes full = sample_font();
  const std::vector<FontFeature> features = {on("ss01"), on("cv05", 2), on("zero"),
                                             on("liga"), on("ss02"),    on("ss04")};
  const Built whole = build(full, features);
  for (size_t len = 0; len < full.size(); ++len) {
    const Bytes cut(full.begin(), full.begin() + static_cast<long>(len));
    const Built b = build(cut, features);
    for (size_t i = 0; i < features.size(); ++i) {
      const FeatureResult& r = b.results[i];
      SCOPED_TRACE(testing::Message() << "cut to " << len << ", " << to_string(features[i]) << ": "
                                      << status_name(r.status) << " " << r.problem);
      EXPECT_NE(r.status, FeatureStatus::over_limit);
      if (len > 0 && len < 10) {
        EXPECT_EQ(r.status, FeatureStatus::malformed);
      }
      // What still applies is exactly what the whole table does.
      if (r.status == FeatureStatus::applied) {
        EXPECT_EQ(whole.results[i].status, FeatureStatus::applied);
      }
    }
    for (uint32_t g = 0; g < kGlyphs; ++g) {
      const uint32_t got = b.subs.apply(g);
      if (got != g) {
        EXPECT_EQ(got, whole.subs.apply(g)) << "glyph " << g << " cut to " << len;
      }
    }
  }
}

TEST(GsubMalformed, HeaderVersionAndListsPastTheEnd) {
  Bytes t = sample_font();
  set16(t, 0, 2);
  expect_all_malformed(t, "version 2.0");

  t = sample_font();
  set16(t, 8, static_cast<uint32_t>(t.size()));  // LookupList offset at the very end
  expect_all_malformed(t, "past the end");

  t = sample_font();
  set16(t, 4, 0xffff);  // ScriptList offset
  expect_all_malformed(t, "past the end");
}

TEST(GsubMalformed, HugeCountsAreCheckedAgainstTheTable) {
  Bytes t = sample_font();
  const size_t feature_list = static_cast<size_t>(t[6]) << 8 | t[7];
  set16(t, feature_list, 0xffff);  // FeatureCount
  expect_all_malformed(t, "past the end");

  t = sample_font();
  const size_t lookup_list = static_cast<size_t>(t[8]) << 8 | t[9];
  set16(t, lookup_list, 0xffff);  // LookupCount
  expect_all_malformed(t, "past the end");

  // A feature whose lookup count runs off the table: that feature only.
  const Bytes one =
      gsub({{"DFLT", {0, 1}}}, {{"ss01", {0}}, {"zero", {0, 0, 0}}}, {{1, {single2({{10, 20}})}}});
  Bytes huge = one;
  const size_t fl = static_cast<size_t>(huge[6]) << 8 | huge[7];
  const size_t zero_table =
      fl + (static_cast<size_t>(huge[fl + 2 + 6 + 4]) << 8 | huge[fl + 2 + 6 + 5]);
  set16(huge, zero_table + 2, 0xfff0);
  const Built b = build(huge, {on("ss01"), on("zero")});
  EXPECT_EQ(b.results[0].status, FeatureStatus::applied);
  EXPECT_EQ(b.results[1].status, FeatureStatus::malformed);
  EXPECT_NE(b.results[1].problem.find("past the end"), std::string::npos);
  EXPECT_EQ(b.subs.apply(10), 20u);
}

TEST(GsubMalformed, IndicesOutOfRange) {
  // The default language names a feature that does not exist.
  expect_all_malformed(gsub({{"DFLT", {0, 7}}}, {{"ss01", {0}}}, {{1, {single2({{10, 20}})}}}),
                       "feature 7 of 1");
  // A feature names a lookup that does not exist: that feature only.
  const Built b =
      build(gsub({{"DFLT", {0, 1}}}, {{"ss01", {0}}, {"zero", {3}}}, {{1, {single2({{10, 20}})}}}),
            {on("ss01"), on("zero")});
  EXPECT_EQ(b.results[0].status, FeatureStatus::applied);
  EXPECT_EQ(b.results[1].status, FeatureStatus::malformed);
  EXPECT_NE(b.results[1].problem.find("lookup 3 of 1"), std::string::npos);
}

// One lookup for ss01 and one good one for zero, so a broken ss01 leaves zero working.
void expect_ss01_malformed(const Bytes& subtable, const std::string& says, uint16_t type = 1) {
  const Bytes t = gsub({{"DFLT", {0, 1}}}, {{"ss01", {0}}, {"zero", {1}}},
                       {{type, {subtable}}, {1, {single2({{50, 55}})}}});
  const Built b = build(t, {on("ss01", 2), on("zero")});
  EXPECT_EQ(b.results[0].status, FeatureStatus::malformed);
  EXPECT_NE(b.results[0].problem.find(says), std::string::npos) << b.results[0].problem;
  EXPECT_EQ(b.results[1].status, FeatureStatus::applied);
  EXPECT_EQ(b.subs.apply(50), 55u);
  for (uint32_t g = 0; g < 50; ++g) EXPECT_EQ(b.subs.apply(g), g);
}

TEST(GsubMalformed, BrokenSubtablesSpoilOnlyTheirFeature) {
  expect_ss01_malformed(single1(coverage1({12, 10}), 1), "not sorted");
  expect_ss01_malformed(single1(coverage1({10, 10}), 1), "not sorted");
  expect_ss01_malformed(single1(coverage2({{10, 20, 0}, {15, 30, 11}}), 1), "overlap");
  expect_ss01_malformed(single1(coverage2({{20, 10, 0}}), 1), "out of order");
  expect_ss01_malformed(single1(coverage1({10}), 200), "past the face's 100 glyphs");
  expect_ss01_malformed(single2({{10, 100}}), "past the face's 100 glyphs");
  Bytes unknown_coverage = single1(coverage1({10}), 1);
  set16(unknown_coverage, 6, 3);
  expect_ss01_malformed(unknown_coverage, "Coverage format 3");
  Bytes null_coverage = single1(coverage1({10}), 1);
  set16(null_coverage, 2, 0);
  expect_ss01_malformed(null_coverage, "offset is null");
  Bytes coverage_past_end = single1(coverage1({10}), 1);
  set16(coverage_past_end, 2, 0x8000);
  expect_ss01_malformed(coverage_past_end, "past the end");
  // Format 2 with fewer substitutes than covered glyphs.
  Bytes short_list = single2({{10, 20}, {11, 21}});
  set16(short_list, 4, 1);
  expect_ss01_malformed(short_list, "coverage index 1 is past the 1 substitutes");
  Bytes unknown_format = single2({{10, 20}});
  set16(unknown_format, 0, 3);
  expect_ss01_malformed(unknown_format, "no format 3");
  // Alternates: a glyph with no set, a set past the end, alternates past the glyphs.
  Bytes no_set = alternate({{10, {11}}, {12, {13}}});
  set16(no_set, 4, 1);
  expect_ss01_malformed(no_set, "past the 1 sets", 3);
  Bytes set_past_end = alternate({{10, {11, 12}}});
  set16(set_past_end, 6, 0xfff0);
  expect_ss01_malformed(set_past_end, "past the end", 3);
  Bytes huge_set = alternate({{10, {11, 12}}});
  const size_t set = static_cast<size_t>(huge_set[6]) << 8 | huge_set[7];
  set16(huge_set, set, 0xffff);
  expect_ss01_malformed(huge_set, "past the end", 3);
  expect_ss01_malformed(alternate({{10, {11, 150}}}), "past the face's 100 glyphs", 3);
}

TEST(GsubMalformed, BrokenExtensions) {
  Bytes nested = extension(7, extension(1, single2({{10, 20}})));
  expect_ss01_malformed(nested, "wraps lookup type 7", 7);
  Bytes null_offset = extension(1, single2({{10, 20}}));
  null_offset[4] = null_offset[5] = null_offset[6] = null_offset[7] = 0;
  expect_ss01_malformed(null_offset, "offset is null", 7);
  Bytes far = extension(1, single2({{10, 20}}));
  far[4] = 0x7f;  // 2 GB away
  expect_ss01_malformed(far, "past the end", 7);
  Bytes format2 = extension(1, single2({{10, 20}}));
  set16(format2, 0, 2);
  expect_ss01_malformed(format2, "extension format 2", 7);
  // Subtables of one extension lookup must all wrap the same type.
  const Bytes mixed =
      gsub({{"DFLT", {0}}}, {{"ss01", {0}}},
           {{7, {extension(1, single2({{10, 20}})), extension(3, alternate({{11, {12}}}))}}});
  const Built b = build(mixed, {on("ss01")});
  EXPECT_EQ(b.results[0].status, FeatureStatus::malformed);
  EXPECT_NE(b.results[0].problem.find("type 3 after type 1"), std::string::npos);
}

TEST(GsubMalformed, UnknownLookupType) {
  expect_ss01_malformed(single2({{10, 20}}), "lookup type 9 is unknown", 9);
  expect_ss01_malformed(single2({{10, 20}}), "lookup type 0 is unknown", 0);
}

TEST(GsubMalformed, RandomCorruptionNeverYieldsAGlyphTheFaceLacks) {
  // Bytes of the sample table overwritten at random, a few at a time, many times over:
  // with the sanitizers this also shows no read strays outside the table.
  const Bytes full = sample_font();
  const std::vector<FontFeature> features = {on("ss01"), on("cv05", 2), on("zero"),
                                             on("liga"), on("ss02"),    on("ss04")};
  std::mt19937 rng(12345);
  int applied = 0, malformed = 0;
  for (int round = 0; round < 20000; ++round) {
    Bytes t = full;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) t[rng() % t.size()] = static_cast<uint8_t>(rng());
    const Built b = build(t, features);
    for (const FeatureResult& r : b.results) {
      applied += r.status == FeatureStatus::applied;
      malformed += r.status == FeatureStatus::malformed;
    }
    for (uint32_t g = 0; g < kGlyphs; ++g) {
      ASSERT_LT(b.subs.apply(g), kGlyphs) << "round " << round << ": glyph " << g;
    }
    for (uint32_t g = kGlyphs; g < 0x10000; g += 97) ASSERT_EQ(b.subs.apply(g), g);
  }
  // The corruption both breaks features and leaves others working, or it tested little.
  EXPECT_GT(applied, 1000);
  EXPECT_GT(malformed, 1000);
}

TEST(GsubMalformed, RandomCorruptionOfARealTable) {
  // Fira Code's own GSUB (fonts-firacode), corrupted the same way: a big table with
  // extension-free lookups of every type, read for every feature users set.
  FT_Library library = nullptr;
  ASSERT_EQ(FT_Init_FreeType(&library), 0);
  FT_Face face = nullptr;
  const char* file = "/usr/share/fonts/truetype/firacode/FiraCode-Regular.ttf";
  ASSERT_EQ(FT_New_Face(library, file, 0, &face), 0) << file << ": install fonts-firacode";
  FT_ULong length = 0;
  ASSERT_EQ(FT_Load_Sfnt_Table(face, TTAG_GSUB, 0, nullptr, &length), 0);
  Bytes full(length);
  ASSERT_EQ(FT_Load_Sfnt_Table(face, TTAG_GSUB, 0, full.data(), &length), 0);
  const uint32_t glyphs = static_cast<uint32_t>(face->num_glyphs);
  FT_Done_Face(face);
  FT_Done_FreeType(library);

  std::vector<FontFeature> features = {on("zero"), on("ss01"), on("ss03"),    on("cv01"),
                                       on("cv14"), on("onum"), on("aalt", 2), on("case")};
  ASSERT_EQ(build(full, features, glyphs).results[0].status, FeatureStatus::applied);
  std::mt19937 rng(54321);
  for (int round = 0; round < 2000; ++round) {
    Bytes t = full;
    // Mostly the structure near the start (lists, feature and lookup tables), some anywhere.
    for (int e = 0; e < 4; ++e) {
      const size_t at = rng() % (e < 3 ? std::min<size_t>(t.size(), 4096) : t.size());
      t[at] = static_cast<uint8_t>(rng());
    }
    const Built b = build(t, features, glyphs);
    for (uint32_t g = 0; g < glyphs; ++g) {
      ASSERT_LT(b.subs.apply(g), glyphs) << "round " << round << ": glyph " << g;
    }
  }
}

// --- limits -------------------------------------------------------------------------

TEST(GsubLimits, CoverageEntriesAreCappedPerFace) {
  // Twenty subtables of one lookup all pointing at one subtable whose single range
  // covers every glyph of a 65535-glyph face: 1.3 million entries to read from a table
  // of a few dozen bytes. Past kMaxCoverageGlyphs the feature is dropped, quickly.
  const uint32_t glyphs = 65535;
  Bytes sub = single1(coverage2({{0, 65534, 0}}), 0);  // delta 0: no real change
  std::vector<Bytes> subtables(20, sub);
  const size_t per_subtable = glyphs;
  ASSERT_GT(per_subtable * subtables.size(), GlyphSubstitutions::kMaxCoverageGlyphs);
  const Bytes t = gsub({{"DFLT", {0, 1}}}, {{"ss01", {0}}, {"zero", {1}}},
                       {{1, subtables}, {1, {single2({{50, 55}})}}});
  const Built b = build(t, {on("ss01"), on("zero")}, glyphs);
  EXPECT_EQ(b.results[0].status, FeatureStatus::over_limit);
  EXPECT_NE(b.results[0].problem.find("1048576 coverage entries"), std::string::npos)
      << b.results[0].problem;
  // The limit is per face: once it is hit nothing more is read.
  EXPECT_EQ(b.results[1].status, FeatureStatus::over_limit);

  // Under the limit the same shape is fine.
  const Bytes small = gsub({{"DFLT", {0}}}, {{"ss01", {0}}},
                           {{1, std::vector<Bytes>(15, single1(coverage2({{0, 65533, 0}}), 1))}});
  const Built ok = build(small, {on("ss01")}, glyphs);
  EXPECT_EQ(ok.results[0].status, FeatureStatus::applied);
  EXPECT_EQ(ok.subs.apply(7), 8u);
}

TEST(GsubLimits, RangesPastTheFaceAreNotExpanded) {
  // A range over all 65536 ids in a 100-glyph face reads 100 entries, not 65536.
  std::vector<Bytes> subtables(GlyphSubstitutions::kMaxCoverageGlyphs / 65536 + 4,
                               single1(coverage2({{0, 65535, 0}}), 0));
  const Bytes t = gsub({{"DFLT", {0}}}, {{"ss01", {0}}}, {{1, subtables}});
  const Built b = build(t, {on("ss01")});
  // delta 0 substitutes nothing, so the feature "changes no glyph" but was read whole.
  EXPECT_EQ(b.results[0].status, FeatureStatus::absent);
  EXPECT_EQ(b.results[0].problem, "it changes no glyph");
}

TEST(GsubLimits, LookupsPerFaceAreCapped) {
  // One feature naming kMaxLookups + 1 lookups (all the same small table).
  const size_t n = GlyphSubstitutions::kMaxLookups + 1;
  std::vector<uint16_t> indices;
  std::vector<Lookup> lookups;
  for (size_t i = 0; i < n; ++i) {
    indices.push_back(static_cast<uint16_t>(i));
    lookups.push_back({1, {single2({{10, 20}})}});
  }
  lookups.push_back({1, {single2({{50, 55}})}});
  const Bytes t =
      gsub({{"DFLT", {0, 1}}}, {{"ss01", indices}, {"zero", {static_cast<uint16_t>(n)}}}, lookups);
  const Built b = build(t, {on("ss01"), on("zero")});
  EXPECT_EQ(b.results[0].status, FeatureStatus::over_limit);
  EXPECT_NE(b.results[0].problem.find("256 lookups"), std::string::npos);
  EXPECT_EQ(b.results[1].status, FeatureStatus::applied);
  EXPECT_EQ(b.subs.lookup_count(), 1u);
  EXPECT_EQ(b.subs.apply(10), 10u);

  // Exactly kMaxLookups is allowed.
  indices.pop_back();
  const Bytes at_limit = gsub({{"DFLT", {0}}}, {{"ss01", indices}}, lookups);
  const Built ok = build(at_limit, {on("ss01")});
  EXPECT_EQ(ok.results[0].status, FeatureStatus::applied);
  EXPECT_EQ(ok.subs.lookup_count(), GlyphSubstitutions::kMaxLookups);
}

}  // namespace
}  // namespace cadence::render::font
