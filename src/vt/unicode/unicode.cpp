// The grapheme segmenter's transition table, built at compile time from the
// UAX #29 rules as written.
//
// Segmenter::feed() (unicode.hpp) is on the print path for every code point, so
// the rules are not evaluated there: the state byte (previous break property plus
// a mode) and the code point's class index a table computed here by constexpr
// code that reads like the specification. unicode_test runs all of
// GraphemeBreakTest.txt through it and, because that file does not reach every
// (state, class) pair, also compares it on all short sequences of one code point
// per class against a plain look-behind implementation of the rules.
//
// The mode records the one piece of look-behind beyond the previous code point
// that the rules need. GB11 and GB12/GB13 can never both be live — a code point
// that continues an emoji sequence (Extend, ZWJ, a pictograph) is not a
// Regional_Indicator — so it is one two-bit value rather than separate flags,
// which keeps the table at 2 KiB. gen_unicode_tables.py refuses data where a
// code point is both Regional_Indicator and Extended_Pictographic.
#include "vt/unicode/unicode.hpp"

namespace cadence::vt::unicode::detail {
namespace {

using GB = GraphemeBreak;

constexpr unsigned kNumBreak = 14;

enum class Mode : unsigned {
  None,
  // The text ends in a run of Regional_Indicators of odd length.
  RiOdd,
  // The text ends in ExtPict Extend*.
  PictRun,
  // The text ends in ExtPict Extend* ZWJ.
  PictZwj,
};

constexpr bool is(GB p, auto... set) { return ((p == set) || ...); }

// UAX #29 (Unicode 15.0) rules GB3-GB999 in order; the first that applies wins.
// GB1 is the start state, GB2 (end of text) is the caller's business.
constexpr bool breaks(GB prev, Mode mode, GB cur, bool pict) {
  if (prev == GB::CR && cur == GB::LF) return false;                          // GB3
  if (is(prev, GB::CR, GB::LF, GB::Control)) return true;                     // GB4
  if (is(cur, GB::CR, GB::LF, GB::Control)) return true;                      // GB5
  if (prev == GB::L && is(cur, GB::L, GB::V, GB::LV, GB::LVT)) return false;  // GB6
  if (is(prev, GB::LV, GB::V) && is(cur, GB::V, GB::T)) return false;         // GB7
  if (is(prev, GB::LVT, GB::T) && cur == GB::T) return false;                 // GB8
  if (is(cur, GB::Extend, GB::ZWJ)) return false;                             // GB9
  if (cur == GB::SpacingMark) return false;                                   // GB9a
  if (prev == GB::Prepend) return false;                                      // GB9b
  if (mode == Mode::PictZwj && pict) return false;                            // GB11
  if (mode == Mode::RiOdd && cur == GB::RegionalIndicator) return false;      // GB12, GB13
  return true;                                                                // GB999
}

constexpr Mode next_mode(Mode mode, GB cur, bool pict) {
  if (cur == GB::RegionalIndicator) return mode == Mode::RiOdd ? Mode::None : Mode::RiOdd;
  if (pict) return Mode::PictRun;
  if (mode == Mode::PictRun && cur == GB::Extend) return Mode::PictRun;
  if (mode == Mode::PictRun && cur == GB::ZWJ) return Mode::PictZwj;
  return Mode::None;
}

constexpr std::uint8_t make_state(unsigned prev, Mode mode) {
  return static_cast<std::uint8_t>(prev | static_cast<unsigned>(mode) << 4);
}

constexpr auto build_transitions() {
  std::array<std::uint8_t, kSegmentStates * kSegmentClasses> table{};
  for (unsigned state = 0; state < kSegmentStates; ++state) {
    const unsigned prev = state & 0x0f;
    const auto mode = static_cast<Mode>(state >> 4);
    for (unsigned cls = 0; cls < kSegmentClasses; ++cls) {
      const unsigned cur = cls & kBreakMask;
      const bool pict = (cls & kExtPictBit) != 0;
      std::uint8_t entry;
      if (cur >= kNumBreak || prev > kSegmentStart) {
        // Unreachable: the table never yields such a class or state. Resynchronise
        // as at the start of text rather than leave an arbitrary value.
        entry = kSegmentStart | kSegmentBoundaryBit;
      } else {
        const bool boundary =
            prev == kSegmentStart || breaks(GB(prev), mode, GB(cur), pict);  // GB1
        entry = make_state(cur, next_mode(mode, GB(cur), pict));
        if (boundary) entry |= kSegmentBoundaryBit;
      }
      table[state * kSegmentClasses + cls] = entry;
    }
  }
  return table;
}

static_assert(kSegmentStart == kNumBreak, "the start state must be a prev no property takes");
static_assert(kSegmentStateMask >= make_state(kNumBreak, Mode::PictZwj));
static_assert(kSegmentClassMask == (kBreakMask | kExtPictBit));
// Segmenter::feed() answers printable ASCII without the table, assuming class 0
// (Other, not pictographic) always leads to state 0.
static_assert(make_state(0, next_mode(Mode::RiOdd, GB::Other, false)) == 0 &&
              make_state(0, next_mode(Mode::PictZwj, GB::Other, false)) == 0);

}  // namespace

constexpr std::array<std::uint8_t, kSegmentStates* kSegmentClasses> kSegmenterTransitions =
    build_transitions();

}  // namespace cadence::vt::unicode::detail
