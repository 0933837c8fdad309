// LineRing: the circular buffer of unpacked history lines (see line_ring.hpp).
#include "vt/line_ring.hpp"

#include <algorithm>
#include <cstring>

#include "base/check.hpp"

namespace cadence::vt {

size_t LineRing::find_room(size_t words) {
  if (wrap_ == 0) {
    if (capacity_ - tail_ >= words) return tail_;
    if (head_ >= words) {
      wrap_ = tail_;
      return 0;
    }
    return SIZE_MAX;
  }
  return head_ - tail_ >= words ? tail_ : SIZE_MAX;
}

bool LineRing::grow(size_t words) {
  // At the limit nothing grows: the caller packs lines to make room.
  if (capacity_ == max_words_ || used_words_ + words > max_words_) return false;
  size_t capacity = std::max<size_t>({capacity_ * 2, 8192, used_words_ + words});
  capacity = std::min(capacity, max_words_);
  std::unique_ptr<uint64_t[]> bigger(new uint64_t[capacity]);
  size_t out = 0;
  for_each([&](const Entry& e) {
    const uint64_t* record = reinterpret_cast<const uint64_t*>(e.cells) - kHeaderWords;
    size_t n = record_words(e.count);
    std::memcpy(bigger.get() + out, record, n * sizeof(uint64_t));
    out += n;
  });
  buffer_ = std::move(bigger);
  capacity_ = capacity;
  head_ = 0;
  tail_ = out;
  wrap_ = 0;
  return true;
}

bool LineRing::push(const Line& line, int count) {
  CADENCE_CHECK(count >= 0 && count <= static_cast<int>(line.cells.size()) && count <= 0xffff);
  const size_t words = record_words(count);
  if (count_ == 0) head_ = tail_ = wrap_ = 0;
  if (count_ == count_capacity_) {
    size_t capacity = std::max<size_t>(count_capacity_ * 2, 256);
    std::unique_ptr<uint16_t[]> bigger(new uint16_t[capacity]);
    for (size_t i = 0; i < count_; ++i) bigger[i] = static_cast<uint16_t>(count_at(i));
    counts_ = std::move(bigger);
    count_capacity_ = capacity;
    first_count_ = 0;
  }
  size_t at = find_room(words);
  if (at == SIZE_MAX) {
    if (!grow(words)) return false;
    at = find_room(words);
  }
  uint64_t* out = buffer_.get() + at;
  const uint64_t header[2] = {line.version,
                              static_cast<uint64_t>(count) | (line.wrapped ? kWrappedBit : 0)};
  const Cell* cells = line.cells.data();
  std::memcpy(out, header, sizeof header);
  std::memcpy(out + kHeaderWords, cells, static_cast<size_t>(count) * sizeof(Cell));
  tail_ = at + words;
  used_words_ += words;
  counts_[(first_count_ + count_) & (count_capacity_ - 1)] = static_cast<uint16_t>(count);
  ++count_;
  return true;
}

void LineRing::pop_front() {
  const size_t words = record_words(count_at(0));
  head_ += words;
  used_words_ -= words;
  first_count_ = (first_count_ + 1) & (count_capacity_ - 1);
  --count_;
  if (count_ == 0) {
    head_ = tail_ = wrap_ = 0;
  } else if (wrap_ != 0 && head_ == wrap_) {
    head_ = 0;
    wrap_ = 0;
  }
}

void LineRing::release() {
  buffer_.reset();
  counts_.reset();
  capacity_ = head_ = tail_ = wrap_ = count_ = used_words_ = 0;
  count_capacity_ = first_count_ = 0;
}

}  // namespace cadence::vt
