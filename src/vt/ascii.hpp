// The two loops every byte of plain text goes through: the parser finding where a run
// of printable ASCII ends, and the screen widening that run into cells.
//
// Decisions:
// - SSE2 where the compiler targets it (it is baseline on x86-64), sixteen bytes a
//   step; a word-at-a-time version everywhere else. Both are compiled on every target
//   (the portable one under detail::) so the tests check one against the other.
// - Widening writes whole 64-bit cells (cell.hpp's layout: code point, style, width),
//   built by interleaving the zero-extended bytes with the cell's constant upper half.
//   The compiler's own vectorisation of the byte-to-word loop extends each byte to 64
//   bits and ORs the upper half in, about twice the instructions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cadence::vt::ascii {

namespace detail {

// Eight bytes at a time: a word is all printable when no byte has bit 7 set, none is
// below 0x20 and none is 0x7f (the usual "has a byte less than" and "has a zero byte"
// tests, the latter on the word XOR 0x7f).
inline size_t printable_prefix_portable(const char* p, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    uint64_t high = w & 0x8080808080808080ull;
    uint64_t low = (w - 0x2020202020202020ull) & ~w & 0x8080808080808080ull;
    uint64_t del = ((w ^ 0x7f7f7f7f7f7f7f7full) - 0x0101010101010101ull) &
                   ~(w ^ 0x7f7f7f7f7f7f7f7full) & 0x8080808080808080ull;
    if (high | low | del) break;
  }
  while (i < n && static_cast<unsigned char>(p[i]) - 0x20u < 0x5fu) ++i;
  return i;
}

inline void widen_portable(uint64_t* out, const unsigned char* src, size_t n, uint64_t upper) {
  for (size_t k = 0; k < n; ++k) out[k] = upper | src[k];
}

}  // namespace detail

// The length of the run of printable ASCII (0x20..0x7e) at the start of p[0, n).
inline size_t printable_prefix(const char* p, size_t n) {
#if defined(__SSE2__)
  // b + 1 as a signed byte is above 0x20 exactly for 0x20..0x7e: 0x7f becomes -128,
  // 0x80..0xff stay negative or wrap to 0, controls stay at or below 0x20.
  const __m128i one = _mm_set1_epi8(1);
  const __m128i limit = _mm_set1_epi8(0x20);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    unsigned ok =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpgt_epi8(_mm_add_epi8(v, one), limit)));
    if (ok != 0xffff) return i + static_cast<size_t>(__builtin_ctz(~ok));
  }
  return i + detail::printable_prefix_portable(p + i, n - i);
#else
  return detail::printable_prefix_portable(p, n);
#endif
}

#if defined(__SSE2__)
namespace detail {

// Sixteen, eight and four bytes into cells: zero-extend to 32 bits, then interleave with
// the constant upper half.
inline void widen16(__m128i* dst, const unsigned char* src, __m128i hi) {
  const __m128i zero = _mm_setzero_si128();
  __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
  __m128i lo16 = _mm_unpacklo_epi8(b, zero);
  __m128i hi16 = _mm_unpackhi_epi8(b, zero);
  __m128i d0 = _mm_unpacklo_epi16(lo16, zero);
  __m128i d1 = _mm_unpackhi_epi16(lo16, zero);
  __m128i d2 = _mm_unpacklo_epi16(hi16, zero);
  __m128i d3 = _mm_unpackhi_epi16(hi16, zero);
  _mm_storeu_si128(dst + 0, _mm_unpacklo_epi32(d0, hi));
  _mm_storeu_si128(dst + 1, _mm_unpackhi_epi32(d0, hi));
  _mm_storeu_si128(dst + 2, _mm_unpacklo_epi32(d1, hi));
  _mm_storeu_si128(dst + 3, _mm_unpackhi_epi32(d1, hi));
  _mm_storeu_si128(dst + 4, _mm_unpacklo_epi32(d2, hi));
  _mm_storeu_si128(dst + 5, _mm_unpackhi_epi32(d2, hi));
  _mm_storeu_si128(dst + 6, _mm_unpacklo_epi32(d3, hi));
  _mm_storeu_si128(dst + 7, _mm_unpackhi_epi32(d3, hi));
}

inline void widen8(__m128i* dst, const unsigned char* src, __m128i hi) {
  const __m128i zero = _mm_setzero_si128();
  __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(src));
  __m128i lo16 = _mm_unpacklo_epi8(b, zero);
  __m128i d0 = _mm_unpacklo_epi16(lo16, zero);
  __m128i d1 = _mm_unpackhi_epi16(lo16, zero);
  _mm_storeu_si128(dst + 0, _mm_unpacklo_epi32(d0, hi));
  _mm_storeu_si128(dst + 1, _mm_unpackhi_epi32(d0, hi));
  _mm_storeu_si128(dst + 2, _mm_unpacklo_epi32(d1, hi));
  _mm_storeu_si128(dst + 3, _mm_unpackhi_epi32(d1, hi));
}

inline void widen4(__m128i* dst, const unsigned char* src, __m128i hi) {
  const __m128i zero = _mm_setzero_si128();
  int32_t bytes;
  std::memcpy(&bytes, src, 4);
  __m128i d0 = _mm_unpacklo_epi16(_mm_unpacklo_epi8(_mm_cvtsi32_si128(bytes), zero), zero);
  _mm_storeu_si128(dst + 0, _mm_unpacklo_epi32(d0, hi));
  _mm_storeu_si128(dst + 1, _mm_unpackhi_epi32(d0, hi));
}

}  // namespace detail
#endif

// out[k] = upper | src[k] for k < n: printable ASCII bytes into cells whose upper 32 bits
// (style and width) are `upper`'s.
//
// Run lengths are all over the place (words, lines), so the leftover after the last
// full block is not finished by a loop whose exit would be mispredicted: one more block
// is written ending exactly at n, overlapping cells already written with the same
// values.
inline void widen(uint64_t* out, const unsigned char* src, size_t n, uint64_t upper) {
#if defined(__SSE2__)
  const __m128i hi = _mm_set1_epi32(static_cast<int>(upper >> 32));
  __m128i* dst = reinterpret_cast<__m128i*>(out);
  if (n >= 16) {
    for (size_t k = 0; k + 16 <= n; k += 16) detail::widen16(dst + k / 2, src + k, hi);
    // Cells are 8 bytes and stores are 16: the last block's start, n - 16, may be odd.
    detail::widen16(reinterpret_cast<__m128i*>(out + n - 16), src + n - 16, hi);
  } else if (n >= 8) {
    detail::widen8(dst, src, hi);
    detail::widen8(reinterpret_cast<__m128i*>(out + n - 8), src + n - 8, hi);
  } else if (n >= 4) {
    detail::widen4(dst, src, hi);
    detail::widen4(reinterpret_cast<__m128i*>(out + n - 4), src + n - 4, hi);
  } else {
    for (size_t k = 0; k < n; ++k) out[k] = upper | src[k];
  }
#else
  detail::widen_portable(out, src, n, upper);
#endif
}

}  // namespace cadence::vt::ascii
