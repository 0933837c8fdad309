// Tests for vt/unicode: the generated property table against the Unicode
// Character Database it was built from, the width rules, and the grapheme
// segmenter against every line of GraphemeBreakTest.txt.
//
// The UCD files are read from CADENCE_UCD_DIR, else /usr/share/unicode (Debian's
// unicode-data, installed wherever cadence builds). The table checks parse the
// data files independently of the generator, so a parsing slip in either shows
// up as a mismatch rather than being reproduced on both sides.
#include "vt/unicode/unicode.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace cadence::vt::unicode {
namespace {

constexpr char32_t kMaxCodePoint = 0x10ffff;

std::filesystem::path ucd_dir() {
  const char* env = std::getenv("CADENCE_UCD_DIR");
  return env != nullptr && *env != '\0' ? env : "/usr/share/unicode";
}

// Opens a UCD file or skips the calling test when the data is not installed.
#define OPEN_UCD_OR_SKIP(stream, relative)                                                 \
  std::ifstream stream(ucd_dir() / (relative));                                            \
  if (!stream) {                                                                           \
    GTEST_SKIP() << "Unicode data file " << (ucd_dir() / (relative))                       \
                 << " not found; install the unicode-data package or set CADENCE_UCD_DIR"; \
  }

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

struct Range {
  char32_t lo;
  char32_t hi;
};

Range parse_range(const std::string& field) {
  const auto dots = field.find("..");
  if (dots == std::string::npos) {
    const auto cp = static_cast<char32_t>(std::stoul(field, nullptr, 16));
    return {cp, cp};
  }
  return {static_cast<char32_t>(std::stoul(field.substr(0, dots), nullptr, 16)),
          static_cast<char32_t>(std::stoul(field.substr(dots + 2), nullptr, 16))};
}

// Calls fn(range, value, comment) for each data line "RANGE ; VALUE # COMMENT".
void for_each_property_line(
    std::istream& in,
    const std::function<void(Range, const std::string&, const std::string&)>& fn) {
  std::string line;
  while (std::getline(in, line)) {
    const auto hash = line.find('#');
    const std::string data = trim(line.substr(0, hash));
    if (data.empty()) continue;
    const std::string comment = hash == std::string::npos ? "" : trim(line.substr(hash + 1));
    const auto semi = data.find(';');
    fn(parse_range(trim(data.substr(0, semi))), trim(data.substr(semi + 1)), comment);
  }
}

std::string hex(char32_t cp) {
  std::ostringstream s;
  s << "U+" << std::hex << std::uppercase << static_cast<std::uint32_t>(cp);
  return s.str();
}

// --- grapheme segmentation ---------------------------------------------------

struct BreakCase {
  std::vector<char32_t> cps;
  std::vector<bool> boundary_before;  // boundary_before[i]: a break precedes cps[i]
  std::string text;
};

// Parses "÷ 0020 × 0308 ÷ 0001 ÷  # comment". ÷ is UTF-8 C3 B7, × is C3 97.
bool parse_break_case(const std::string& line, BreakCase& out) {
  const std::string data = trim(line.substr(0, line.find('#')));
  if (data.empty()) return false;
  out = {};
  out.text = data;
  std::istringstream in(data);
  std::string tok;
  bool pending_break = false;
  while (in >> tok) {
    if (tok == "\xc3\xb7") {
      pending_break = true;
    } else if (tok == "\xc3\x97") {
      pending_break = false;
    } else {
      out.cps.push_back(static_cast<char32_t>(std::stoul(tok, nullptr, 16)));
      out.boundary_before.push_back(pending_break);
    }
  }
  return !out.cps.empty();
}

TEST(Segmenter, PassesEveryLineOfGraphemeBreakTest) {
  OPEN_UCD_OR_SKIP(in, "auxiliary/GraphemeBreakTest.txt");
  std::string line;
  int cases = 0;
  int failures = 0;
  BreakCase c;
  while (std::getline(in, line)) {
    if (!parse_break_case(line, c)) continue;
    ++cases;
    Segmenter seg;
    for (std::size_t i = 0; i < c.cps.size(); ++i) {
      const bool got = seg.feed(c.cps[i]);
      if (got != c.boundary_before[i]) {
        ++failures;
        ADD_FAILURE() << "\"" << c.text << "\": before " << hex(c.cps[i]) << " expected "
                      << (c.boundary_before[i] ? "break" : "no break");
        break;
      }
    }
  }
  EXPECT_EQ(failures, 0);
  // The 15.0 file has 602 cases; any version has hundreds. Guards against a
  // parse that silently reads nothing.
  EXPECT_GT(cases, 500);
  RecordProperty("cases", cases);
  std::printf("GraphemeBreakTest.txt: %d cases, %d failed\n", cases, failures);
}

// The screen keeps a Segmenter per cursor position and resumes from a copy, so a
// copy taken anywhere must continue exactly as the original would.
TEST(Segmenter, CopyResumesLikeTheOriginal) {
  OPEN_UCD_OR_SKIP(in, "auxiliary/GraphemeBreakTest.txt");
  static_assert(std::is_trivially_copyable_v<Segmenter>);
  static_assert(sizeof(Segmenter) <= 4);
  std::string line;
  BreakCase c;
  while (std::getline(in, line)) {
    if (!parse_break_case(line, c)) continue;
    for (std::size_t split = 1; split < c.cps.size(); ++split) {
      Segmenter seg;
      for (std::size_t i = 0; i < split; ++i) seg.feed(c.cps[i]);
      Segmenter copy = seg;
      for (std::size_t i = split; i < c.cps.size(); ++i)
        ASSERT_EQ(copy.feed(c.cps[i]), c.boundary_before[i]) << c.text << " split " << split;
    }
  }
}

// UAX #29 as the specification states it: decide the position before text[i] by
// looking back over the whole text, no state carried along.
bool reference_boundary(const std::vector<char32_t>& text, std::size_t i) {
  using GB = GraphemeBreak;
  if (i == 0) return true;  // GB1
  const GB prev = grapheme_break(text[i - 1]);
  const GB cur = grapheme_break(text[i]);
  auto any = [](GB p, std::initializer_list<GB> set) {
    for (GB s : set)
      if (p == s) return true;
    return false;
  };
  if (prev == GB::CR && cur == GB::LF) return false;                             // GB3
  if (any(prev, {GB::CR, GB::LF, GB::Control})) return true;                     // GB4
  if (any(cur, {GB::CR, GB::LF, GB::Control})) return true;                      // GB5
  if (prev == GB::L && any(cur, {GB::L, GB::V, GB::LV, GB::LVT})) return false;  // GB6
  if (any(prev, {GB::LV, GB::V}) && any(cur, {GB::V, GB::T})) return false;      // GB7
  if (any(prev, {GB::LVT, GB::T}) && cur == GB::T) return false;                 // GB8
  if (any(cur, {GB::Extend, GB::ZWJ})) return false;                             // GB9
  if (cur == GB::SpacingMark) return false;                                      // GB9a
  if (prev == GB::Prepend) return false;                                         // GB9b
  if (prev == GB::ZWJ && extended_pictographic(text[i])) {                       // GB11
    std::size_t j = i - 1;
    while (j > 0 && grapheme_break(text[j - 1]) == GB::Extend) --j;
    if (j > 0 && extended_pictographic(text[j - 1])) return false;
  }
  if (prev == GB::RegionalIndicator && cur == GB::RegionalIndicator) {  // GB12, GB13
    std::size_t run = 0;
    for (std::size_t j = i; j > 0 && grapheme_break(text[j - 1]) == GB::RegionalIndicator; --j)
      ++run;
    if (run % 2 == 1) return false;
  }
  return true;  // GB999
}

// GraphemeBreakTest.txt does not reach every (state, class) pair of the
// segmenter's table (nothing but a pictograph follows "ExtPict ZWJ" there), so
// every sequence of up to four code points drawn from one per class is compared
// with the reference too. Four is enough: every state is reachable in two steps.
TEST(Segmenter, AgreesWithLookBehindReferenceOnAllShortSequences) {
  const std::vector<char32_t> representatives = {
      U'a',    0x00e9,  // Other, through the ASCII fast path and through the table
      0x000d,  0x000a, 0x0001, 0x0300, 0x200d, 0x1f1e6, 0x0600,
      0x0903,  0x1100, 0x1160, 0x11a8, 0xac00, 0xac01,
      0x1f600,  // Extended_Pictographic
      0x00a9,   // Extended_Pictographic below U+0300
  };
  const std::size_t n = representatives.size();
  std::vector<char32_t> text;
  int sequences = 0;
  for (std::size_t len = 1; len <= 4; ++len) {
    std::size_t total = 1;
    for (std::size_t k = 0; k < len; ++k) total *= n;
    for (std::size_t code = 0; code < total; ++code) {
      text.clear();
      for (std::size_t k = 0, c = code; k < len; ++k, c /= n)
        text.push_back(representatives[c % n]);
      Segmenter seg;
      for (std::size_t i = 0; i < len; ++i) {
        const bool want = reference_boundary(text, i);
        if (seg.feed(text[i]) != want) {
          std::ostringstream seq;
          for (char32_t cp : text) seq << hex(cp) << ' ';
          FAIL() << "sequence " << seq.str() << "position " << i << " want "
                 << (want ? "break" : "no break");
        }
      }
      ++sequences;
    }
  }
  EXPECT_EQ(sequences, 17 + 17 * 17 + 17 * 17 * 17 + 17 * 17 * 17 * 17);
}

TEST(Segmenter, FirstCodePointAfterResetStartsACluster) {
  Segmenter seg;
  EXPECT_TRUE(seg.feed(0x0301));  // even a combining mark
  EXPECT_FALSE(seg.feed(0x0301));
  seg.reset();
  EXPECT_TRUE(seg.feed(0x0301));
  seg.reset();
  EXPECT_TRUE(seg.feed(U'a'));
  EXPECT_TRUE(seg.feed(U'b'));
}

TEST(Segmenter, KeepsEmojiZwjSequenceAndFlagsTogether) {
  Segmenter seg;
  // WOMAN ZWJ WOMAN ZWJ GIRL: one cluster.
  EXPECT_TRUE(seg.feed(0x1f469));
  EXPECT_FALSE(seg.feed(0x200d));
  EXPECT_FALSE(seg.feed(0x1f469));
  EXPECT_FALSE(seg.feed(0x200d));
  EXPECT_FALSE(seg.feed(0x1f467));
  // Four regional indicators are two flags.
  EXPECT_TRUE(seg.feed(0x1f1e9));
  EXPECT_FALSE(seg.feed(0x1f1ea));
  EXPECT_TRUE(seg.feed(0x1f1eb));
  EXPECT_FALSE(seg.feed(0x1f1f7));
  // ZWJ after a letter does not glue the following pictograph (GB11 needs ExtPict).
  EXPECT_TRUE(seg.feed(U'a'));
  EXPECT_FALSE(seg.feed(0x200d));
  EXPECT_TRUE(seg.feed(0x1f600));
}

TEST(Segmenter, PrependJoinsAsciiThatFollows) {
  // The inline ASCII path must still honour GB9b.
  Segmenter seg;
  EXPECT_TRUE(seg.feed(0x0600));  // ARABIC NUMBER SIGN, Prepend
  EXPECT_FALSE(seg.feed(U'1'));
  EXPECT_TRUE(seg.feed(U'2'));
}

// --- width ------------------------------------------------------------------

TEST(UnicodeWidth, SpotChecks) {
  EXPECT_EQ(width(U'A'), 1);
  EXPECT_EQ(width(U' '), 1);
  EXPECT_EQ(width(U'~'), 1);
  EXPECT_EQ(width(0x00), 0);
  EXPECT_EQ(width(0x1b), 0);
  EXPECT_EQ(width(0x7f), 0);
  EXPECT_EQ(width(0x9b), 0);    // C1 CSI
  EXPECT_EQ(width(0x00a0), 1);  // no-break space
  EXPECT_EQ(width(0x00ad), 1);  // soft hyphen, shown as a hyphen
  EXPECT_EQ(width(0x00b1), 1);  // Ambiguous is narrow
  EXPECT_EQ(width(0x00e9), 1);
  EXPECT_EQ(width(0x0301), 0);  // combining acute
  EXPECT_EQ(width(0x0903), 1);  // Devanagari visarga, a spacing mark
  EXPECT_EQ(width(0x1100), 2);  // Hangul choseong
  EXPECT_EQ(width(0x115f), 2);  // choseong filler: W beats Default_Ignorable
  EXPECT_EQ(width(0x1160), 0);  // jungseong
  EXPECT_EQ(width(0x11a8), 0);  // jongseong
  EXPECT_EQ(width(0xd7b0), 0);
  EXPECT_EQ(width(0xac00), 2);  // Hangul syllable
  EXPECT_EQ(width(0x200b), 0);
  EXPECT_EQ(width(0x200c), 0);
  EXPECT_EQ(width(0x200d), 0);
  EXPECT_EQ(width(0x200f), 0);
  EXPECT_EQ(width(0x2060), 0);  // word joiner
  EXPECT_EQ(width(0x231a), 2);  // WATCH, Emoji_Presentation
  EXPECT_EQ(width(0x2764), 1);  // HEAVY BLACK HEART, text presentation by default
  EXPECT_EQ(width(0x3000), 2);  // ideographic space, F
  EXPECT_EQ(width(0x3099), 0);  // combining kana voiced mark: W but Mn
  EXPECT_EQ(width(0x3164), 2);  // Hangul filler
  EXPECT_EQ(width(0x4e00), 2);
  EXPECT_EQ(width(0xfa6e), 2);  // unassigned inside CJK Compatibility Ideographs
  EXPECT_EQ(width(0xfe0e), 0);
  EXPECT_EQ(width(0xfe0f), 0);
  EXPECT_EQ(width(0xfeff), 0);   // BOM / ZWNBSP
  EXPECT_EQ(width(0xff21), 2);   // fullwidth A
  EXPECT_EQ(width(0xff61), 1);   // halfwidth ideographic full stop
  EXPECT_EQ(width(0xe000), 1);   // private use
  EXPECT_EQ(width(0x0378), 1);   // unassigned
  EXPECT_EQ(width(0x1f1e6), 2);  // regional indicator
  EXPECT_EQ(width(0x1f3fb), 2);  // skin tone modifier on its own
  EXPECT_EQ(width(0x1f600), 2);
  EXPECT_EQ(width(0x20000), 2);
  EXPECT_EQ(width(0x2a6e0), 2);  // unassigned, plane 2 defaults to W
  EXPECT_EQ(width(0x2fffd), 2);
  EXPECT_EQ(width(0x2fffe), 1);  // noncharacter, outside the default-W range
  EXPECT_EQ(width(0x3fffd), 2);
  EXPECT_EQ(width(0x4ffff), 1);
  EXPECT_EQ(width(0xe0001), 0);  // language tag
  EXPECT_EQ(width(0xe0100), 0);  // variation selector 17
  EXPECT_EQ(width(0xe0fff), 0);  // unassigned but Default_Ignorable
  EXPECT_EQ(width(0x10ffff), 1);
  EXPECT_EQ(width(0x110000), 1);  // past Unicode
  EXPECT_EQ(width(0xffffffff), 1);
}

TEST(PropertyCache, AgreesWithTheTableForEveryCodePointHitOrMiss) {
  PropertyCache cache;
  // Forward, then again in an order that makes neighbours collide, so entries are
  // filled, hit and replaced; values past Unicode's range are never kept.
  for (int pass = 0; pass < 2; ++pass) {
    for (char32_t i = 0; i <= 0x110100; ++i) {
      const char32_t cp = pass == 0 ? i : (i * 1031) % 0x110101;
      ASSERT_EQ(cache(cp).bits(), Properties(cp).bits()) << hex(cp);
      ASSERT_EQ(cache(cp).bits(), Properties(cp).bits()) << hex(cp) << " cached";
    }
  }
  EXPECT_EQ(cache(0xffffffff).width(), 1);
  EXPECT_EQ(cache(0x41).bits(), Properties(0x41).bits()) << "unharmed by the out-of-range value";
}

TEST(UnicodeWidth, InlineFastPathAgreesWithTable) {
  for (char32_t cp = 0; cp < 0x300; ++cp)
    EXPECT_EQ(width(cp), (detail::props(cp) >> detail::kWidthShift) & 3) << hex(cp);
}

TEST(UnicodeWidth, EveryWideOrFullwidthCodePointIsTwoUnlessCombining) {
  OPEN_UCD_OR_SKIP(in, "EastAsianWidth.txt");
  long checked = 0;
  for_each_property_line(in, [&](Range r, const std::string& eaw, const std::string& comment) {
    if (eaw != "W" && eaw != "F") return;
    // The comment starts with the General_Category of the whole range.
    const bool combining = comment.rfind("Mn", 0) == 0 || comment.rfind("Me", 0) == 0;
    for (char32_t cp = r.lo; cp <= r.hi; ++cp) {
      EXPECT_EQ(width(cp), combining ? 0 : 2) << hex(cp) << " " << comment;
      ++checked;
    }
  });
  EXPECT_GT(checked, 100000);
}

TEST(UnicodeWidth, NarrowAndNeutralCodePointsAreNeverWideUnlessEmoji) {
  OPEN_UCD_OR_SKIP(in, "EastAsianWidth.txt");
  for_each_property_line(in, [&](Range r, const std::string& eaw, const std::string&) {
    if (eaw == "W" || eaw == "F") return;
    for (char32_t cp = r.lo; cp <= r.hi; ++cp) {
      if (!is_emoji_presentation(cp)) {
        EXPECT_LE(width(cp), 1) << hex(cp) << " " << eaw;
      }
    }
  });
}

TEST(UnicodeWidth, MarksAndFormatCharactersAreZero) {
  OPEN_UCD_OR_SKIP(in, "UnicodeData.txt");
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string cp_field, name, gc;
    std::getline(fields, cp_field, ';');
    std::getline(fields, name, ';');
    std::getline(fields, gc, ';');
    const auto cp = static_cast<char32_t>(std::stoul(cp_field, nullptr, 16));
    if (gc == "Mn" || gc == "Me" || (gc == "Cf" && cp != 0x00ad) || gc == "Cc") {
      EXPECT_EQ(width(cp), 0) << hex(cp) << " " << name << " " << gc;
      ++checked;
    }
  }
  EXPECT_GT(checked, 2000);
}

TEST(UnicodeWidth, EmojiPresentationIsTwo) {
  OPEN_UCD_OR_SKIP(in, "emoji/emoji-data.txt");
  int checked = 0;
  for_each_property_line(in, [&](Range r, const std::string& prop, const std::string&) {
    if (prop != "Emoji_Presentation") return;
    for (char32_t cp = r.lo; cp <= r.hi; ++cp) {
      EXPECT_EQ(width(cp), 2) << hex(cp);
      ++checked;
    }
  });
  EXPECT_GT(checked, 1000);
}

// --- the other table columns, compared with the data files -------------------

TEST(GraphemeBreakProperty, MatchesGraphemeBreakPropertyTxtForEveryCodePoint) {
  OPEN_UCD_OR_SKIP(in, "auxiliary/GraphemeBreakProperty.txt");
  static const std::pair<const char*, GraphemeBreak> kNames[] = {
      {"CR", GraphemeBreak::CR},
      {"LF", GraphemeBreak::LF},
      {"Control", GraphemeBreak::Control},
      {"Extend", GraphemeBreak::Extend},
      {"ZWJ", GraphemeBreak::ZWJ},
      {"Regional_Indicator", GraphemeBreak::RegionalIndicator},
      {"Prepend", GraphemeBreak::Prepend},
      {"SpacingMark", GraphemeBreak::SpacingMark},
      {"L", GraphemeBreak::L},
      {"V", GraphemeBreak::V},
      {"T", GraphemeBreak::T},
      {"LV", GraphemeBreak::LV},
      {"LVT", GraphemeBreak::LVT},
  };
  std::vector<GraphemeBreak> expected(kMaxCodePoint + 1, GraphemeBreak::Other);
  for_each_property_line(in, [&](Range r, const std::string& value, const std::string&) {
    bool known = false;
    for (const auto& [name, gb] : kNames) {
      if (value != name) continue;
      known = true;
      for (char32_t cp = r.lo; cp <= r.hi; ++cp) expected[cp] = gb;
    }
    EXPECT_TRUE(known) << "unknown Grapheme_Cluster_Break value " << value;
  });
  int mismatches = 0;
  for (char32_t cp = 0; cp <= kMaxCodePoint; ++cp) {
    if (grapheme_break(cp) != expected[cp] && ++mismatches <= 20)
      ADD_FAILURE() << hex(cp) << " got " << static_cast<int>(grapheme_break(cp)) << " want "
                    << static_cast<int>(expected[cp]);
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_EQ(grapheme_break(0x110000), GraphemeBreak::Other);
}

TEST(EmojiProperties, MatchEmojiDataTxtForEveryCodePoint) {
  OPEN_UCD_OR_SKIP(in, "emoji/emoji-data.txt");
  std::vector<bool> pict(kMaxCodePoint + 1), pres(kMaxCodePoint + 1);
  for_each_property_line(in, [&](Range r, const std::string& prop, const std::string&) {
    for (char32_t cp = r.lo; cp <= r.hi; ++cp) {
      if (prop == "Extended_Pictographic") pict[cp] = true;
      if (prop == "Emoji_Presentation") pres[cp] = true;
    }
  });
  int mismatches = 0;
  for (char32_t cp = 0; cp <= kMaxCodePoint; ++cp) {
    if (extended_pictographic(cp) != pict[cp] && ++mismatches <= 20)
      ADD_FAILURE() << hex(cp) << " Extended_Pictographic";
    if (is_emoji_presentation(cp) != pres[cp] && ++mismatches <= 20)
      ADD_FAILURE() << hex(cp) << " Emoji_Presentation";
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_TRUE(extended_pictographic(0x00a9));
  EXPECT_FALSE(is_emoji_presentation(0x00a9));
  EXPECT_FALSE(extended_pictographic(U'A'));
}

TEST(UnicodeTable, IsSmall) {
  // Three stages for all of Unicode 15.0 come to under 13 KiB; the budget leaves
  // room for future versions while keeping the table well inside L1 + L2.
  EXPECT_LT(detail::kTableBytes, 64u * 1024);
  std::printf("unicode property table: %zu bytes\n", detail::kTableBytes);
}

}  // namespace
}  // namespace cadence::vt::unicode
