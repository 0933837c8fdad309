// A first-in first-out queue of lines that keeps the cells of the lines it lets go.
//
// It holds history that has not been packed yet (Terminal::recent_). A scrolled-off row
// goes in by swapping vectors with a slot, and the caller gets that slot's old line back
// to reset as its new blank row; popping a line leaves its cells in the slot for the next
// push. So a flood through full history is a swap per line, with no allocation and no
// deque bookkeeping. release() gives the memory back once the lines are packed.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "vt/line.hpp"

namespace cadence::vt {

class LineRing {
 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Line& front() const { return slots_[head_]; }
  const Line& at(size_t i) const { return slots_[(head_ + i) % slots_.size()]; }

  // Appends `line`; `line` receives the cells of a free slot (or an empty line).
  void push_back_swap(Line& line) {
    if (size_ == slots_.size()) grow();
    std::swap(slots_[(head_ + size_) % slots_.size()], line);
    ++size_;
  }
  // Drops the oldest line; its cells stay in the slot for a later push.
  void pop_front() {
    head_ = (head_ + 1) % slots_.size();
    --size_;
  }
  // Drops every line and frees the slots' memory.
  void release() {
    std::vector<Line>().swap(slots_);
    head_ = size_ = 0;
  }
  size_t heap_bytes() const {
    size_t total = slots_.capacity() * sizeof(Line);
    for (const Line& l : slots_) total += l.cells.capacity() * sizeof(Cell);
    return total;
  }

 private:
  void grow() {
    std::vector<Line> bigger(slots_.empty() ? 16 : slots_.size() * 2);
    for (size_t i = 0; i < size_; ++i) bigger[i] = std::move(slots_[(head_ + i) % slots_.size()]);
    slots_.swap(bigger);
    head_ = 0;
  }

  std::vector<Line> slots_;
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace cadence::vt
