// Per-code-point Unicode properties for the emulation core: cell width, grapheme
// break property, Extended_Pictographic, and a streaming UAX #29 segmenter.
//
// Everything the print path asks per character is one table lookup, inlined here.
// The table is generated at build time from the system's Unicode Character
// Database (gen_unicode_tables.py) as three stages ending in one packed byte per
// code point, so width, break property and emoji bits cost the same single
// lookup. Printable ASCII never touches it, and width() answers all of Latin-1
// without it.
//
// Widths follow what foot, xterm and kitty agree on (wcwidth-like): marks, format
// characters and default-ignorables are 0, East_Asian_Width W/F and
// Emoji_Presentation are 2, everything else (Ambiguous, unassigned outside the
// CJK default-wide ranges, private use) is 1. Controls are 0; the core handles
// them before it ever asks for a width.
//
// Grapheme segmentation follows UAX #29 exactly as of the Unicode version the
// table is built from (15.0 here, without the 15.1 Indic conjunct rule GB9c), and
// is checked against every line of that version's GraphemeBreakTest.txt.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace cadence::vt::unicode {

enum class GraphemeBreak : std::uint8_t {
  Other,
  CR,
  LF,
  Control,
  Extend,
  ZWJ,
  RegionalIndicator,
  Prepend,
  SpacingMark,
  L,
  V,
  T,
  LV,
  LVT,
};

namespace detail {

// Table shape; gen_unicode_tables.py static_asserts it generated the same one.
// Stage 1 maps cp >> kShift1 to a block of stage 2, stage 2 maps the next bits
// to a block of leaves, and a leaf is the packed property byte.
inline constexpr unsigned kShift1 = 9;
inline constexpr unsigned kShift2 = 4;
inline constexpr unsigned kMidMask = (1u << (kShift1 - kShift2)) - 1;
inline constexpr unsigned kLeafMask = (1u << kShift2) - 1;

// Packed leaf: bits 0-3 GraphemeBreak, bit 4 Extended_Pictographic, bits 5-6 width,
// bit 7 Emoji_Presentation. The low five bits are the segmenter's input class.
inline constexpr unsigned kBreakMask = 0x0f;
inline constexpr unsigned kExtPictBit = 0x10;
inline constexpr unsigned kSegmentClassMask = 0x1f;
inline constexpr unsigned kWidthShift = 5;
inline constexpr unsigned kEmojiPresentationBit = 0x80;

// Values past U+10FFFF only come from a broken decoder; they behave like an
// unassigned code point (width 1, Other) rather than indexing past the table.
inline constexpr std::uint8_t kOutOfRangeProps = 1u << kWidthShift;

extern const std::uint8_t kStage1[];
extern const std::uint16_t kStage2[];
extern const std::uint8_t kLeaves[];
// Total size of the three arrays, for tests and benchmarks to report.
extern const std::size_t kTableBytes;

// Segmenter transition table (unicode.cpp): entry [state][class] is the next state
// with kSegmentBoundaryBit set when a cluster boundary precedes the code point.
// A state is prev break property (low 4 bits; 14 = start of text) | mode << 4.
inline constexpr unsigned kSegmentClasses = 32;
inline constexpr unsigned kSegmentStates = 64;
inline constexpr std::uint8_t kSegmentStart = 14;
inline constexpr std::uint8_t kSegmentStateMask = 0x3f;
inline constexpr std::uint8_t kSegmentBoundaryBit = 0x80;
extern const std::array<std::uint8_t, kSegmentStates * kSegmentClasses> kSegmenterTransitions;

inline std::uint8_t props(char32_t cp) {
  if (cp > 0x10ffff) [[unlikely]]
    return kOutOfRangeProps;
  const unsigned mid = kStage1[cp >> kShift1];
  const unsigned leaf = kStage2[(mid << (kShift1 - kShift2)) | ((cp >> kShift2) & kMidMask)];
  return kLeaves[(leaf << kShift2) | (cp & kLeafMask)];
}

}  // namespace detail

// Everything the print path asks about one code point (cell width and the segmenter's
// input), from a single table lookup; width() and Segmenter::feed(char32_t) each do
// their own.
class Properties {
 public:
  explicit Properties(char32_t cp) : bits_(detail::props(cp)) {}
  static Properties from_bits(std::uint8_t bits) {
    Properties p;
    p.bits_ = bits;
    return p;
  }
  std::uint8_t bits() const { return bits_; }
  int width() const { return (bits_ >> detail::kWidthShift) & 3; }
  unsigned segment_class() const { return bits_ & detail::kSegmentClassMask; }

 private:
  Properties() = default;
  std::uint8_t bits_ = 0;
};

// A direct-mapped cache in front of the property table, for the print path: text reuses
// a small alphabet (and CJK text a few thousand ideographs most of the time), and a hit
// is one load where the table takes three dependent ones. That latency, paid per code
// point, was a quarter of the time printing mixed text.
class PropertyCache {
 public:
  PropertyCache() { entries_.fill(kEmpty); }

  Properties operator()(char32_t cp) {
    std::uint32_t& entry = entries_[cp & (kEntries - 1)];
    if ((entry >> 8) == cp) [[likely]]
      return Properties::from_bits(static_cast<std::uint8_t>(entry));
    const Properties props(cp);
    // Entries hold the code point above the property byte; anything past Unicode's
    // range would not fit, and is rare enough to look up every time.
    if (cp <= 0x10ffff) entry = (static_cast<std::uint32_t>(cp) << 8) | props.bits();
    return props;
  }

 private:
  static constexpr std::size_t kEntries = 1024;        // 4 KiB
  static constexpr std::uint32_t kEmpty = 0xffffffff;  // matches no code point
  std::array<std::uint32_t, kEntries> entries_;
};

inline int width(char32_t cp) {
  // Below U+0300 (the first combining mark) only C0, DEL and C1 are not width 1;
  // U+00AD soft hyphen is drawn as a hyphen. unicode_test checks this against the table.
  if (cp < 0x300) return (cp >= 0x20 && cp < 0x7f) || cp >= 0xa0 ? 1 : 0;
  return (detail::props(cp) >> detail::kWidthShift) & 3;
}

inline GraphemeBreak grapheme_break(char32_t cp) {
  if (cp - 0x20 < 0x5f) return GraphemeBreak::Other;
  return static_cast<GraphemeBreak>(detail::props(cp) & detail::kBreakMask);
}

inline bool extended_pictographic(char32_t cp) {
  return (detail::props(cp) & detail::kExtPictBit) != 0;
}

inline bool is_emoji_presentation(char32_t cp) {
  return (detail::props(cp) & detail::kEmojiPresentationBit) != 0;
}

// Streaming grapheme-cluster segmentation (UAX #29 extended grapheme clusters).
//
// The rules need only a bounded look-behind: the previous break property, and
// whether the text so far ends in an odd-length run of Regional_Indicators
// (GB12/GB13), in ExtPict Extend* (GB11), or in ExtPict Extend* ZWJ. That is one
// byte of state, so the screen can keep a copy per cursor position and resume
// segmentation after a cursor move without rescanning the line.
//
// The rules are compiled (constexpr, in unicode.cpp) into a transition table
// indexed by that byte and the code point's five-bit class (break property +
// Extended_Pictographic), so feed() is one property lookup and one table load
// with no branches on the rules.
class Segmenter {
 public:
  // True when there is a boundary before cp, i.e. cp starts a new cluster. The
  // first call after construction or reset() always returns true (GB1).
  bool feed(char32_t cp) {
    // Printable ASCII is Other and not pictographic: only GB9b (after Prepend) joins
    // it to what precedes, and it always leaves state 0 (Other, no mode). Answering
    // that without the table takes the table load off the loop-carried dependency,
    // which is what bounds the speed of plain text.
    if (cp - 0x20 < 0x5f) {
      const bool boundary =
          (state_ & detail::kBreakMask) != static_cast<std::uint8_t>(GraphemeBreak::Prepend);
      state_ = 0;
      return boundary;
    }
    return feed(Properties(cp));
  }
  bool feed(Properties props) {
    const std::uint8_t t =
        detail::kSegmenterTransitions[state_ * detail::kSegmentClasses + props.segment_class()];
    state_ = t & detail::kSegmentStateMask;
    return (t & detail::kSegmentBoundaryBit) != 0;
  }

  void reset() { state_ = detail::kSegmentStart; }

  // Whether feed() of any printable ASCII character would return true now, without
  // feeding it: only a Prepend joins what follows it.
  bool breaks_before_ascii() const {
    return (state_ & detail::kBreakMask) != static_cast<std::uint8_t>(GraphemeBreak::Prepend);
  }

  friend bool operator==(const Segmenter&, const Segmenter&) = default;

 private:
  std::uint8_t state_ = detail::kSegmentStart;
};

}  // namespace cadence::vt::unicode
