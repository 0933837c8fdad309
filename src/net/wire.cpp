// Writer and Reader for PDU payloads; see wire.hpp.
#include "net/wire.hpp"

#include <cstring>

namespace cadence::net {

void Writer::u16(uint16_t v) {
  u8(static_cast<uint8_t>(v));
  u8(static_cast<uint8_t>(v >> 8));
}

void Writer::u32(uint32_t v) {
  for (int i = 0; i < 4; ++i) u8(static_cast<uint8_t>(v >> (8 * i)));
}

void Writer::u64(uint64_t v) {
  for (int i = 0; i < 8; ++i) u8(static_cast<uint8_t>(v >> (8 * i)));
}

void Writer::varint(uint64_t v) {
  while (v >= 0x80) {
    u8(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  u8(static_cast<uint8_t>(v));
}

void Writer::svarint(int64_t v) {
  varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void Writer::bytes(std::string_view v) {
  varint(v.size());
  out_.insert(out_.end(), v.begin(), v.end());
}

void Writer::bytes(std::span<const uint8_t> v) {
  varint(v.size());
  out_.insert(out_.end(), v.begin(), v.end());
}

bool Reader::need(size_t n, const char* field) {
  if (!ok()) return false;
  if (remaining() >= n) return true;
  fail(field, "truncated");
  return false;
}

void Reader::fail(const char* field, std::string_view why) {
  if (!ok()) return;
  error_ = std::string(context_) + ": " + field + ": " + std::string(why);
  pos_ = data_.size();
}

void Reader::expect_end() {
  if (ok() && remaining() != 0)
    fail("payload", std::to_string(remaining()) + " unexpected trailing bytes");
}

uint8_t Reader::u8(const char* field) {
  if (!need(1, field)) return 0;
  return data_[pos_++];
}

uint16_t Reader::u16(const char* field) {
  if (!need(2, field)) return 0;
  uint16_t v = static_cast<uint16_t>(data_[pos_] | (data_[pos_ + 1] << 8));
  pos_ += 2;
  return v;
}

uint32_t Reader::u32(const char* field) {
  if (!need(4, field)) return 0;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{data_[pos_ + i]} << (8 * i);
  pos_ += 4;
  return v;
}

uint64_t Reader::u64(const char* field) {
  if (!need(8, field)) return 0;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{data_[pos_ + i]} << (8 * i);
  pos_ += 8;
  return v;
}

uint64_t Reader::varint(const char* field) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (!need(1, field)) return 0;
    uint8_t b = data_[pos_++];
    // The tenth byte may carry only the top bit of a 64-bit value.
    if (shift == 63 && b > 1) break;
    v |= uint64_t{b & 0x7fu} << shift;
    if (!(b & 0x80)) return v;
  }
  fail(field, "varint longer than 64 bits");
  return 0;
}

int64_t Reader::svarint(const char* field) {
  uint64_t v = varint(field);
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

uint64_t Reader::bounded(const char* field, uint64_t max) {
  uint64_t v = varint(field);
  if (v > max) {
    fail(field, std::to_string(v) + " exceeds the limit " + std::to_string(max));
    return 0;
  }
  return v;
}

bool Reader::boolean(const char* field) {
  uint8_t v = u8(field);
  if (v > 1) fail(field, "boolean is neither 0 nor 1");
  return v == 1;
}

size_t Reader::count(const char* field, size_t max) {
  uint64_t n = bounded(field, max);
  if (ok() && n > remaining()) {
    fail(field, "count " + std::to_string(n) + " is larger than the " +
                    std::to_string(remaining()) + " bytes left");
    return 0;
  }
  return static_cast<size_t>(n);
}

std::string Reader::string(const char* field, size_t max_len) {
  uint64_t n = bounded(field, max_len);
  if (!need(n, field)) return {};
  std::string s(reinterpret_cast<const char*>(data_.data() + pos_), n);
  pos_ += n;
  return s;
}

std::vector<uint8_t> Reader::blob(const char* field, size_t max_len) {
  uint64_t n = bounded(field, max_len);
  if (!need(n, field)) return {};
  std::vector<uint8_t> v(data_.begin() + static_cast<ptrdiff_t>(pos_),
                         data_.begin() + static_cast<ptrdiff_t>(pos_ + n));
  pos_ += n;
  return v;
}

size_t decode_utf8(std::string_view text, size_t pos, char32_t& cp) {
  auto at = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const size_t left = text.size() - pos;
  const uint8_t b0 = at(pos);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  size_t len;
  char32_t min;
  if ((b0 & 0xe0) == 0xc0) {
    len = 2, min = 0x80, cp = b0 & 0x1f;
  } else if ((b0 & 0xf0) == 0xe0) {
    len = 3, min = 0x800, cp = b0 & 0x0f;
  } else if ((b0 & 0xf8) == 0xf0) {
    len = 4, min = 0x10000, cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (left < len) return 0;
  for (size_t i = 1; i < len; ++i) {
    const uint8_t b = at(pos + i);
    if ((b & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

bool valid_utf8(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    char32_t cp;
    size_t n = decode_utf8(text, pos, cp);
    if (n == 0) return false;
    pos += n;
  }
  return true;
}

}  // namespace cadence::net
