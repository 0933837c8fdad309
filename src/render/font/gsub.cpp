// Reading the single and alternate substitutions out of a GSUB table; the decisions are
// in gsub.hpp. Offsets follow the OpenType layout (GSUB 1.0/1.1): the header's lists are
// relative to the table, scripts to the ScriptList, features to the FeatureList,
// lookups to the LookupList, subtables to their lookup, coverage and alternate sets to
// their subtable, and an extension's 32-bit offset to the extension subtable.
#include "render/font/gsub.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "base/log.hpp"

namespace cadence::render::font {

const char* status_name(FeatureStatus status) {
  switch (status) {
    case FeatureStatus::applied: return "applied";
    case FeatureStatus::absent: return "absent";
    case FeatureStatus::needs_shaping: return "needs shaping";
    case FeatureStatus::malformed: return "malformed";
    case FeatureStatus::over_limit: return "over a limit";
  }
  return "?";
}

uint32_t GlyphSubstitutions::Lookup::substitute(uint32_t glyph) const {
  if (glyph > 0xffff) return glyph;
  const auto it = std::lower_bound(pairs.begin(), pairs.end(), glyph << 16);
  if (it != pairs.end() && (*it >> 16) == glyph) return *it & 0xffff;
  return glyph;
}

namespace {

constexpr uint32_t kScriptDflt = feature_tag("DFLT");
constexpr uint32_t kScriptLatn = feature_tag("latn");

enum class LookupKind : uint8_t { substitutes, needs_shaping, malformed, over_limit };

struct ParsedLookup {
  LookupKind kind = LookupKind::substitutes;
  std::vector<uint32_t> pairs;  // as GlyphSubstitutions::Lookup::pairs
  std::string problem;
};

}  // namespace

// One pass over one face's table. Reads never go outside the table: an out-of-range
// read returns 0 and records the problem, and every count is checked against the bytes
// it needs before a loop runs over it, so a loop never runs on garbage either.
class GsubParser {
 public:
  GsubParser(std::span<const uint8_t> table, uint32_t num_glyphs)
      : t_(table), num_glyphs_(std::min<uint32_t>(num_glyphs, 0x10000)) {}

  GlyphSubstitutions run(std::span<const FontFeature> features,
                         std::vector<FeatureResult>& results);

 private:
  // --- bounds-checked reading; the first problem of the current item is kept --------
  bool fits(size_t off, size_t len) const { return off <= t_.size() && len <= t_.size() - off; }
  bool need(size_t off, size_t len, const char* what) {
    if (fits(off, len)) return true;
    return fail(log::concat(what, " at ", off, " (", len, " bytes) runs past the end of the ",
                            t_.size(), "-byte table"));
  }
  bool fail(std::string why) {
    if (problem_.empty()) problem_ = std::move(why);
    return false;
  }
  // Past kMaxCoverageGlyphs: every lookup read after this one is refused too.
  bool over_limit() {
    over_limit_ = true;
    return false;
  }
  uint16_t u16(size_t off) {
    if (!need(off, 2, "a 16-bit field")) return 0;
    return static_cast<uint16_t>(t_[off] << 8 | t_[off + 1]);
  }
  uint32_t u32(size_t off) {
    if (!need(off, 4, "a 32-bit field")) return 0;
    return static_cast<uint32_t>(t_[off]) << 24 | static_cast<uint32_t>(t_[off + 1]) << 16 |
           static_cast<uint32_t>(t_[off + 2]) << 8 | t_[off + 3];
  }
  // Offset16 from `base`, where a table of at least `min_len` bytes must be.
  bool follow(size_t base, size_t field, size_t min_len, const char* what, size_t& out) {
    const uint16_t rel = u16(field);
    if (!problem_.empty()) return false;
    if (rel == 0) return fail(log::concat(what, " offset is null"));
    out = base + rel;
    return need(out, min_len, what);
  }

  // --- the parts -------------------------------------------------------------------
  bool read_lists();
  bool find_language(std::vector<uint16_t>& feature_indices, bool& found);
  void read_feature(const FontFeature& f, const std::vector<uint16_t>& lang_features,
                    FeatureResult& result, std::vector<std::pair<uint16_t, uint32_t>>& chosen);
  const ParsedLookup& lookup(uint16_t index, uint32_t value);
  ParsedLookup parse_lookup(uint16_t index, uint32_t value);
  bool read_subtable(size_t off, uint16_t type, uint32_t value, std::vector<uint32_t>& pairs);
  // Calls visit(glyph, coverage_index) in glyph order for the glyphs below num_glyphs.
  template <typename Visit>
  bool read_coverage(size_t off, Visit visit);
  bool substitute_ok(uint32_t glyph) {
    if (glyph < num_glyphs_) return true;
    return fail(
        log::concat("substitute glyph ", glyph, " is past the face's ", num_glyphs_, " glyphs"));
  }

  std::span<const uint8_t> t_;
  uint32_t num_glyphs_;
  std::string problem_;
  bool over_limit_ = false;
  size_t coverage_read_ = 0;

  size_t script_list_ = 0, feature_list_ = 0, lookup_list_ = 0;
  uint16_t script_count_ = 0, feature_count_ = 0, lookup_count_ = 0;
  // Parsed lookups by (index << 16 | value): an alternate lookup's result depends on the
  // value, and a lookup two features share is read once.
  std::map<uint32_t, ParsedLookup> parsed_;
};

bool GsubParser::read_lists() {
  if (!need(0, 10, "the GSUB header")) return false;
  if (const uint16_t major = u16(0); major != 1) {
    return fail(log::concat("GSUB version ", major, ".", u16(2), " is not 1.x"));
  }
  // A null list offset is an empty list: valid, and nothing to find in it.
  auto list = [&](size_t field, size_t record, const char* what, size_t& at, uint16_t& count) {
    const uint16_t rel = u16(field);
    if (rel == 0) return true;
    at = rel;
    if (!need(at, 2, what)) return false;
    count = u16(at);
    return need(at + 2, size_t{count} * record, what);
  };
  return list(4, 6, "the ScriptList", script_list_, script_count_) &&
         list(6, 6, "the FeatureList", feature_list_, feature_count_) &&
         list(8, 2, "the LookupList", lookup_list_, lookup_count_);
}

bool GsubParser::find_language(std::vector<uint16_t>& feature_indices, bool& found) {
  found = false;
  for (uint32_t want : {kScriptDflt, kScriptLatn}) {
    for (uint16_t i = 0; i < script_count_; ++i) {
      const size_t record = script_list_ + 2 + size_t{i} * 6;
      if (u32(record) != want) continue;
      size_t script = 0;
      if (!follow(script_list_, record + 4, 4, "a Script table", script)) return false;
      const uint16_t default_lang = u16(script);
      if (default_lang == 0) break;  // this script has languages only: try the next one
      const size_t lang = script + default_lang;
      if (!need(lang, 6, "a LangSys table")) return false;
      const uint16_t count = u16(lang + 4);
      if (!need(lang + 6, size_t{count} * 2, "a LangSys table's feature indices")) return false;
      for (uint16_t k = 0; k < count; ++k) {
        const uint16_t index = u16(lang + 6 + size_t{k} * 2);
        if (index >= feature_count_) {
          return fail(
              log::concat("the default language names feature ", index, " of ", feature_count_));
        }
        feature_indices.push_back(index);
      }
      found = true;
      return true;
    }
  }
  return true;
}

template <typename Visit>
bool GsubParser::read_coverage(size_t off, Visit visit) {
  if (!need(off, 4, "a Coverage table")) return false;
  const uint16_t format = u16(off);
  const uint16_t count = u16(off + 2);
  if (format == 1) {
    if (!need(off + 4, size_t{count} * 2, "a Coverage table's glyphs")) return false;
    coverage_read_ += count;
    if (coverage_read_ > GlyphSubstitutions::kMaxCoverageGlyphs) return over_limit();
    int32_t previous = -1;
    for (uint16_t i = 0; i < count; ++i) {
      const uint16_t glyph = u16(off + 4 + size_t{i} * 2);
      if (glyph <= previous) return fail("a Coverage table's glyphs are not sorted");
      previous = glyph;
      if (glyph < num_glyphs_ && !visit(glyph, uint32_t{i})) return false;
    }
    return true;
  }
  if (format == 2) {
    if (!need(off + 4, size_t{count} * 6, "a Coverage table's ranges")) return false;
    int32_t previous_end = -1;
    for (uint16_t i = 0; i < count; ++i) {
      const size_t range = off + 4 + size_t{i} * 6;
      const uint16_t start = u16(range), end = u16(range + 2), first_index = u16(range + 4);
      if (start > end || start <= previous_end) {
        return fail("a Coverage table's ranges are out of order or overlap");
      }
      previous_end = end;
      // Glyphs past the face's count can never be asked for; not expanding them keeps a
      // hostile 0-65535 range from costing more than the face's glyphs.
      const uint32_t last = std::min<uint32_t>(end, num_glyphs_ == 0 ? 0 : num_glyphs_ - 1);
      if (start >= num_glyphs_) continue;
      coverage_read_ += last - start + 1;
      if (coverage_read_ > GlyphSubstitutions::kMaxCoverageGlyphs) return over_limit();
      for (uint32_t glyph = start; glyph <= last; ++glyph) {
        if (!visit(glyph, uint32_t{first_index} + (glyph - start))) return false;
      }
    }
    return true;
  }
  return fail(log::concat("Coverage format ", format, " is unknown"));
}

bool GsubParser::read_subtable(size_t off, uint16_t type, uint32_t value,
                               std::vector<uint32_t>& pairs) {
  if (!need(off, 6, "a substitution subtable")) return false;
  const uint16_t format = u16(off);
  size_t coverage = 0;
  if (!follow(off, off + 2, 4, "a Coverage table", coverage)) return false;
  auto emit = [&](uint32_t glyph, uint32_t substitute) {
    if (!substitute_ok(substitute)) return false;
    if (substitute != glyph) pairs.push_back(glyph << 16 | substitute);
    return true;
  };

  if (type == 1 && format == 1) {
    const uint16_t delta = u16(off + 4);  // int16 added modulo 65536
    return read_coverage(
        coverage, [&](uint32_t glyph, uint32_t) { return emit(glyph, (glyph + delta) & 0xffff); });
  }
  if (type == 1 && format == 2) {
    const uint16_t count = u16(off + 4);
    if (!need(off + 6, size_t{count} * 2, "a SingleSubst's substitutes")) return false;
    return read_coverage(coverage, [&](uint32_t glyph, uint32_t index) {
      if (index >= count) {
        return fail(log::concat("coverage index ", index, " is past the ", count,
                                " substitutes of a SingleSubst"));
      }
      return emit(glyph, u16(off + 6 + size_t{index} * 2));
    });
  }
  if (type == 3 && format == 1) {
    const uint16_t count = u16(off + 4);
    if (!need(off + 6, size_t{count} * 2, "an AlternateSubst's sets")) return false;
    return read_coverage(coverage, [&](uint32_t glyph, uint32_t index) {
      if (index >= count) {
        return fail(log::concat("coverage index ", index, " is past the ", count,
                                " sets of an AlternateSubst"));
      }
      size_t set = 0;
      if (!follow(off, off + 6 + size_t{index} * 2, 2, "an AlternateSet", set)) return false;
      const uint16_t alternates = u16(set);
      if (!need(set + 2, size_t{alternates} * 2, "an AlternateSet's glyphs")) return false;
      // Value N picks the N-th alternate; a glyph with fewer keeps its default, as
      // HarfBuzz does.
      if (value > alternates) return true;
      return emit(glyph, u16(set + 2 + size_t{value - 1} * 2));
    });
  }
  return fail(log::concat("lookup type ", type, " has no format ", format));
}

ParsedLookup GsubParser::parse_lookup(uint16_t index, uint32_t value) {
  problem_.clear();
  ParsedLookup out;
  auto failed = [&] {
    out.kind = over_limit_ ? LookupKind::over_limit : LookupKind::malformed;
    out.problem = over_limit_ ? log::concat("more than ", GlyphSubstitutions::kMaxCoverageGlyphs,
                                            " coverage entries in all")
                              : log::concat("lookup ", index, ": ", problem_);
    out.pairs.clear();
    return out;
  };
  if (over_limit_) return failed();

  size_t lookup = 0;
  if (!follow(lookup_list_, lookup_list_ + 2 + size_t{index} * 2, 6, "a Lookup table", lookup)) {
    return failed();
  }
  const uint16_t type = u16(lookup);
  const uint16_t subtables = u16(lookup + 4);
  if (!need(lookup + 6, size_t{subtables} * 2, "a Lookup table's subtables")) return failed();
  if (type == 0 || type > 8) {
    fail(log::concat("lookup type ", type, " is unknown"));
    return failed();
  }
  if (type != 1 && type != 3 && type != 7) {
    out.kind = LookupKind::needs_shaping;
    return out;
  }

  uint16_t extension_type = 0;
  for (uint16_t k = 0; k < subtables; ++k) {
    size_t sub = 0;
    if (!follow(lookup, lookup + 6 + size_t{k} * 2, 2, "a subtable", sub)) return failed();
    uint16_t sub_type = type;
    if (type == 7) {
      if (!need(sub, 8, "an extension subtable")) return failed();
      if (u16(sub) != 1) {
        fail(log::concat("extension format ", u16(sub), " is unknown"));
        return failed();
      }
      sub_type = u16(sub + 2);
      if (sub_type == 0 || sub_type == 7 || sub_type > 8 ||
          (extension_type != 0 && sub_type != extension_type)) {
        fail(log::concat("an extension wraps lookup type ", sub_type,
                         extension_type != 0 ? log::concat(" after type ", extension_type) : ""));
        return failed();
      }
      extension_type = sub_type;
      const uint32_t rel = u32(sub + 4);
      if (rel == 0) {
        fail("an extension's offset is null");
        return failed();
      }
      sub += rel;
    }
    if (sub_type != 1 && sub_type != 3) {
      out.kind = LookupKind::needs_shaping;
      return out;
    }
    if (!read_subtable(sub, sub_type, value, out.pairs)) return failed();
  }
  // Sorted by glyph; where subtables overlap the first one to cover a glyph is the one
  // that applies, and a stable sort keeps that one first.
  std::stable_sort(out.pairs.begin(), out.pairs.end(),
                   [](uint32_t a, uint32_t b) { return (a >> 16) < (b >> 16); });
  out.pairs.erase(std::unique(out.pairs.begin(), out.pairs.end(),
                              [](uint32_t a, uint32_t b) { return (a >> 16) == (b >> 16); }),
                  out.pairs.end());
  return out;
}

const ParsedLookup& GsubParser::lookup(uint16_t index, uint32_t value) {
  const uint32_t key = uint32_t{index} << 16 | value;
  if (auto it = parsed_.find(key); it != parsed_.end()) return it->second;
  return parsed_.emplace(key, parse_lookup(index, value)).first->second;
}

void GsubParser::read_feature(const FontFeature& f, const std::vector<uint16_t>& lang_features,
                              FeatureResult& result,
                              std::vector<std::pair<uint16_t, uint32_t>>& chosen) {
  problem_.clear();
  size_t feature = 0;
  bool found = false;
  for (uint16_t index : lang_features) {
    const size_t record = feature_list_ + 2 + size_t{index} * 6;
    if (u32(record) == f.tag) {
      found = follow(feature_list_, record + 4, 4, "a Feature table", feature);
      break;
    }
  }
  if (!problem_.empty()) {
    result.status = FeatureStatus::malformed;
    result.problem = problem_;
    return;
  }
  if (!found) {
    result.status = FeatureStatus::absent;
    result.problem = "not a feature of this font's default language";
    return;
  }

  const uint16_t count = u16(feature + 2);
  std::vector<uint16_t> indices;
  if (need(feature + 4, size_t{count} * 2, "a Feature table's lookups")) {
    for (uint16_t k = 0; k < count; ++k) {
      const uint16_t index = u16(feature + 4 + size_t{k} * 2);
      if (index >= lookup_count_) {
        fail(log::concat("it names lookup ", index, " of ", lookup_count_));
        break;
      }
      if (std::find(indices.begin(), indices.end(), index) == indices.end()) {
        indices.push_back(index);
      }
    }
  }
  if (!problem_.empty()) {
    result.status = FeatureStatus::malformed;
    result.problem = problem_;
    return;
  }

  std::vector<std::pair<uint16_t, uint32_t>> mine;
  for (uint16_t index : indices) {
    const ParsedLookup& parsed = lookup(index, f.value);
    switch (parsed.kind) {
      case LookupKind::malformed:
      case LookupKind::over_limit:
        result.status = parsed.kind == LookupKind::malformed ? FeatureStatus::malformed
                                                             : FeatureStatus::over_limit;
        result.problem = parsed.problem;
        return;
      case LookupKind::needs_shaping: ++result.skipped_lookups; break;
      case LookupKind::substitutes:
        if (!parsed.pairs.empty()) mine.emplace_back(index, f.value);
        break;
    }
  }

  if (mine.empty()) {
    result.status =
        result.skipped_lookups > 0 ? FeatureStatus::needs_shaping : FeatureStatus::absent;
    if (result.skipped_lookups == 0) result.problem = "it changes no glyph";
    return;
  }
  size_t added = 0;
  for (const auto& entry : mine) {
    // Not a structured binding: clang does not let a lambda capture one.
    const auto lookup = entry.first;
    const bool have = std::any_of(chosen.begin(), chosen.end(),
                                  [lookup](const auto& c) { return c.first == lookup; });
    if (!have) ++added;
  }
  if (chosen.size() + added > GlyphSubstitutions::kMaxLookups) {
    result.status = FeatureStatus::over_limit;
    result.problem = log::concat("more than ", GlyphSubstitutions::kMaxLookups, " lookups in all");
    return;
  }
  // A lookup two features share runs once, with the value of the first that named it.
  for (const auto& m : mine) {
    const bool have = std::any_of(chosen.begin(), chosen.end(),
                                  [&](const auto& c) { return c.first == m.first; });
    if (!have) chosen.push_back(m);
  }
  result.status = FeatureStatus::applied;
  result.lookups = static_cast<int>(mine.size());
}

GlyphSubstitutions GsubParser::run(std::span<const FontFeature> features,
                                   std::vector<FeatureResult>& results) {
  results.clear();
  for (const FontFeature& f : features) results.push_back(FeatureResult{f});
  auto all = [&](FeatureStatus status, const std::string& why) {
    for (FeatureResult& r : results) {
      r.status = status;
      r.problem = why;
    }
    return GlyphSubstitutions();
  };
  if (t_.empty()) return all(FeatureStatus::absent, "the font has no GSUB table");
  if (!read_lists()) return all(FeatureStatus::malformed, problem_);
  std::vector<uint16_t> lang_features;
  bool found = false;
  if (!find_language(lang_features, found)) return all(FeatureStatus::malformed, problem_);
  if (!found) return all(FeatureStatus::absent, "the font has no DFLT or latn script");

  std::vector<std::pair<uint16_t, uint32_t>> chosen;  // (lookup index, value)
  for (size_t i = 0; i < features.size(); ++i) {
    read_feature(features[i], lang_features, results[i], chosen);
  }

  GlyphSubstitutions subs;
  std::sort(chosen.begin(), chosen.end());
  for (const auto& [index, value] : chosen) {
    GlyphSubstitutions::Lookup l;
    l.index = index;
    l.pairs = parsed_.at(uint32_t{index} << 16 | value).pairs;
    subs.lookups_.push_back(std::move(l));
  }
  return subs;
}

GlyphSubstitutions GlyphSubstitutions::build(std::span<const uint8_t> table, uint32_t num_glyphs,
                                             std::span<const FontFeature> features,
                                             std::vector<FeatureResult>* results) {
  std::vector<FeatureResult> scratch;
  GsubParser parser(table, num_glyphs);
  return parser.run(features, results != nullptr ? *results : scratch);
}

}  // namespace cadence::render::font
