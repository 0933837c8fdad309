// Cells, colours and styles: the vocabulary of the screen.
//
// A live cell is 8 bytes: a code point (or the id of a multi-code-point grapheme
// cluster), an index into the pane's style table and a width. Styles are interned per
// terminal (StyleTable) because a screen typically holds a handful of distinct ones; a
// cell never carries 20 bytes of colours it shares with its neighbours. Lines that leave
// the screen are packed further (packed_line.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <type_traits>

namespace cadence::vt {

// 32 bits: the top byte says what the rest is.
class Color {
 public:
  enum class Kind : uint8_t { none = 0, indexed = 1, rgb = 2 };
  constexpr Color() = default;
  static constexpr Color indexed(uint8_t index) { return Color((1u << 24) | index); }
  static constexpr Color rgb(uint8_t r, uint8_t g, uint8_t b) {
    return Color((2u << 24) | (uint32_t{r} << 16) | (uint32_t{g} << 8) | b);
  }
  static constexpr Color from_bits(uint32_t bits) { return Color(bits); }

  constexpr Kind kind() const { return static_cast<Kind>(bits_ >> 24); }
  constexpr bool is_default() const { return bits_ == 0; }
  constexpr uint8_t index() const { return bits_ & 0xff; }
  constexpr uint8_t r() const { return (bits_ >> 16) & 0xff; }
  constexpr uint8_t g() const { return (bits_ >> 8) & 0xff; }
  constexpr uint8_t b() const { return bits_ & 0xff; }
  constexpr uint32_t bits() const { return bits_; }
  constexpr bool operator==(const Color&) const = default;

 private:
  constexpr explicit Color(uint32_t bits) : bits_(bits) {}
  uint32_t bits_ = 0;
};

enum class UnderlineStyle : uint8_t { none = 0, single, double_, curly, dotted, dashed };

namespace attr {
inline constexpr uint16_t bold = 1 << 0;
inline constexpr uint16_t faint = 1 << 1;
inline constexpr uint16_t italic = 1 << 2;
inline constexpr uint16_t blink = 1 << 3;
inline constexpr uint16_t rapid_blink = 1 << 4;
inline constexpr uint16_t inverse = 1 << 5;
inline constexpr uint16_t invisible = 1 << 6;
inline constexpr uint16_t strikethrough = 1 << 7;
inline constexpr uint16_t overline = 1 << 8;
inline constexpr uint16_t protect = 1 << 9;  // DECSCA: immune to selective erase
// Font selection (SGR 10..19) is tracked in three bits for reporting.
inline constexpr uint16_t font_shift = 10;
inline constexpr uint16_t font_mask = 0xf << font_shift;
}  // namespace attr

struct Style {
  Color fg;
  Color bg;
  Color underline_color;
  uint16_t flags = 0;
  UnderlineStyle underline = UnderlineStyle::none;
  uint8_t reserved = 0;
  uint32_t link = 0;  // hyperlink id (OSC 8), 0 = none

  // Compared as bytes: the member-wise default compares and branches field by field,
  // and styles are compared on every pen change (style_table.hpp).
  bool operator==(const Style& other) const { return std::memcmp(this, &other, sizeof *this) == 0; }
  bool has(uint16_t flag) const { return (flags & flag) != 0; }
};
static_assert(sizeof(Style) == 20 && std::has_unique_object_representations_v<Style>,
              "Style's equality compares bytes: it must have no padding");

struct StyleHash {
  size_t operator()(const Style& s) const {
    uint64_t h = s.fg.bits() * 0x9e3779b97f4a7c15ull;
    h ^= (s.bg.bits() + 0x7f4a7c15ull) * 0xbf58476d1ce4e5b9ull;
    h ^= (s.underline_color.bits() + (uint64_t{s.flags} << 32)) * 0x94d049bb133111ebull;
    h ^= (uint64_t{static_cast<uint8_t>(s.underline)} << 40) ^ (uint64_t{s.link} << 8);
    return static_cast<size_t>(h ^ (h >> 31));
  }
};

using StyleId = uint16_t;

// Code points at or above this are grapheme-cluster ids (index = cp - kClusterBase);
// they lie beyond Unicode's range, so no real code point is mistaken for one.
inline constexpr char32_t kClusterBase = 0x40000000;

struct Cell {
  char32_t cp = 0;  // 0: never written (blank)
  StyleId style = 0;
  // 1 or 2 for a cell that starts a character; 0 for the right half of a wide one.
  uint8_t width = 1;
  uint8_t reserved = 0;

  bool is_cluster() const { return cp >= kClusterBase; }
  bool is_wide_tail() const { return width == 0; }
  bool operator==(const Cell&) const = default;
};
static_assert(sizeof(Cell) == 8, "cells must stay compact");
// Hot loops (packing, row resets) read a cell as one little-endian 64-bit word:
// code point in the low half, then style, width, reserved.
static_assert(offsetof(Cell, cp) == 0 && offsetof(Cell, style) == 4 && offsetof(Cell, width) == 6);

}  // namespace cadence::vt
