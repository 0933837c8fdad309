// Strong types for quantities that are easy to mix up.
//
// A function that takes (Row, Column) cannot be called with them swapped, and a screen
// row cannot be passed where a stable (history-absolute) row is expected. Arithmetic is
// allowed within one type only; .get() is the explicit way out.
#pragma once

#include <compare>
#include <cstdint>

namespace cadence {

template <typename Tag, typename T>
class Strong {
 public:
  using value_type = T;
  constexpr Strong() = default;
  constexpr explicit Strong(T v) : v_(v) {}
  constexpr T get() const { return v_; }

  constexpr auto operator<=>(const Strong&) const = default;
  constexpr Strong operator+(Strong o) const { return Strong(v_ + o.v_); }
  constexpr Strong operator-(Strong o) const { return Strong(v_ - o.v_); }
  constexpr Strong& operator+=(Strong o) {
    v_ += o.v_;
    return *this;
  }
  constexpr Strong& operator-=(Strong o) {
    v_ -= o.v_;
    return *this;
  }
  constexpr Strong& operator++() {
    ++v_;
    return *this;
  }

 private:
  T v_{};
};

// A row on the visible screen, 0 = top.
using Row = Strong<struct RowTag, int32_t>;
// A column, 0 = left.
using Column = Strong<struct ColumnTag, int32_t>;
// A row's absolute position in a pane's history: unchanged by scrolling.
using StableRow = Strong<struct StableRowTag, int64_t>;
// A number of cells (a width or a height in cells).
using CellCount = Strong<struct CellCountTag, int32_t>;
// A length in device pixels.
using Pixels = Strong<struct PixelsTag, int32_t>;

}  // namespace cadence
