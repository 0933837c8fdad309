// A first-in first-out queue of lines, stored by value in one circular buffer.
//
// It holds history that has not been packed yet (Terminal::recent_). A scrolled-off row
// is copied in as its used cells only, behind a two-word header, and the screen keeps
// its own row to clear and reuse. Decisions:
// - One buffer, not a line object per slot: a flood writes history as one sequential
//   stream (what the hardware prefetches best) and only the cells a line used, so an
//   80-column line on a 200-column screen costs 80 cells, not 200. Swapping whole row
//   vectors in and out, as this used to, meant every new screen row was a cold slot
//   recycled from thousands of lines back, and printing into it was mostly cache misses.
// - Plain stores, not non-temporal ones: the buffer of a 10,000-line history fits the
//   last-level cache, and streaming it to memory measured a third slower.
// - Each line's cell count is also kept in a small ring of its own, so dropping the
//   oldest line (what a flood through a full scrollback does for every new one) does
//   not read that line's header, which is the coldest memory in the buffer.
// - The buffer grows by doubling up to a byte limit; at the limit push() refuses, and
//   the caller packs the oldest lines to make room. Nothing is allocated per line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "vt/line.hpp"

namespace cadence::vt {

class LineRing {
 public:
  // A stored line, valid until the next push() or pop_front().
  struct Entry {
    const Cell* cells;
    int count;  // cells stored; every cell past them is a default blank
    uint64_t version;
    bool wrapped;
  };

  explicit LineRing(size_t max_bytes) : max_words_(max_bytes / sizeof(uint64_t)) {}

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  Entry front() const { return entry_at(head_); }

  // Appends the first `count` cells of `line` (the rest must be blank). Returns false,
  // storing nothing, when the buffer is at its limit and has no room for the line.
  bool push(const Line& line, int count);
  void pop_front();
  // Calls f(Entry) for each line, oldest first.
  template <typename F>
  void for_each(F&& f) const {
    size_t pos = head_;
    for (size_t i = 0; i < count_; ++i) {
      if (wrap_ != 0 && pos == wrap_) pos = 0;
      f(entry_at(pos));
      pos += record_words(count_at(i));
    }
  }
  // The i-th line from the front. Walks from the nearer end, so the few newest lines
  // (what a reader following a flood looks at) cost a step each.
  Entry at(size_t i) const {
    if (i >= count_ / 2) {
      size_t pos = tail_;  // the end of the newest record
      for (size_t k = count_; k-- > i;) {
        if (wrap_ != 0 && pos == 0) pos = wrap_;
        pos -= record_words(count_at(k));
      }
      return entry_at(pos);
    }
    size_t pos = head_;
    for (size_t k = 0; k < i; ++k) {
      if (wrap_ != 0 && pos == wrap_) pos = 0;
      pos += record_words(count_at(k));
    }
    if (wrap_ != 0 && pos == wrap_) pos = 0;
    return entry_at(pos);
  }
  // Drops every line and frees the buffer.
  void release();
  size_t heap_bytes() const { return capacity_ * sizeof(uint64_t); }
  size_t max_bytes() const { return max_words_ * sizeof(uint64_t); }

 private:
  // Header: the version, then the cell count with the wrapped flag at bit 32.
  static constexpr size_t kHeaderWords = 2;
  static constexpr uint64_t kWrappedBit = uint64_t{1} << 32;
  static size_t record_words(int count) { return kHeaderWords + static_cast<size_t>(count); }
  Entry entry_at(size_t pos) const {
    const uint64_t* r = buffer_.get() + pos;
    return Entry{reinterpret_cast<const Cell*>(r + kHeaderWords),
                 static_cast<int>(r[1] & 0xffffffff), r[0], (r[1] & kWrappedBit) != 0};
  }
  // Cell count of the i-th line from the front.
  int count_at(size_t i) const { return counts_[(first_count_ + i) & (count_capacity_ - 1)]; }
  // Where a record of `words` fits without growing, or SIZE_MAX.
  size_t find_room(size_t words);
  bool grow(size_t words);

  std::unique_ptr<uint64_t[]> buffer_;
  size_t capacity_ = 0;  // in words
  size_t max_words_;
  // Lines occupy [head_, tail_) or, once they wrap around, [head_, wrap_) and [0, tail_).
  size_t head_ = 0;
  size_t tail_ = 0;
  size_t wrap_ = 0;  // 0: not wrapped
  size_t count_ = 0;
  size_t used_words_ = 0;  // in records, not counting space lost at a wrap
  // Cell counts, a ring of count_capacity_ (a power of two) entries from first_count_.
  std::unique_ptr<uint16_t[]> counts_;
  size_t count_capacity_ = 0;
  size_t first_count_ = 0;
};

}  // namespace cadence::vt
