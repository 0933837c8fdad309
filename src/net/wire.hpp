// The byte-level vocabulary of the mux protocol: a growable writer and a bounds-checked
// reader for PDU payloads.
//
// Integers in payloads are LEB128 varints (a line's stable row, a cell count or a pane id
// is usually one or two bytes); fixed-width little-endian fields are used only where a
// value is random-looking (timestamps, feature bits). Every read is checked against the
// end of the payload, and every count or length is checked against its limit AND against
// the bytes left before anything is allocated for it, so a hostile count of 2^60 lines
// costs nothing.
//
// The reader's errors are sticky: after the first one every read returns zero/empty and
// the error names the first field that failed. Decoders check ok() once at the end
// instead of after each field, which keeps them as readable as the encoders.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cadence::net {

class Writer {
 public:
  explicit Writer(std::vector<uint8_t>& out) : out_(out) {}

  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v);
  void u32(uint32_t v);
  void u64(uint64_t v);
  void varint(uint64_t v);
  // Zig-zag, so small negative numbers stay small.
  void svarint(int64_t v);
  void boolean(bool v) { u8(v ? 1 : 0); }
  // A varint length, then the bytes.
  void bytes(std::string_view v);
  void bytes(std::span<const uint8_t> v);

  size_t size() const { return out_.size(); }

 private:
  std::vector<uint8_t>& out_;
};

class Reader {
 public:
  // `context` prefixes every error ("PaneDelta: ...").
  Reader(std::span<const uint8_t> data, const char* context) : data_(data), context_(context) {}

  uint8_t u8(const char* field);
  uint16_t u16(const char* field);
  uint32_t u32(const char* field);
  uint64_t u64(const char* field);
  uint64_t varint(const char* field);
  int64_t svarint(const char* field);
  // A varint that must be <= max (a size, a row index, an enum).
  uint64_t bounded(const char* field, uint64_t max);
  bool boolean(const char* field);
  // A count of elements that each take at least one byte: checked against `max` and the
  // bytes left, so the caller may reserve() it.
  size_t count(const char* field, size_t max);
  // A length-prefixed byte string of at most max_len bytes.
  std::string string(const char* field, size_t max_len);
  std::vector<uint8_t> blob(const char* field, size_t max_len);

  // Records an error found by the caller (a value out of range, bad structure).
  void fail(const char* field, std::string_view why);
  // Fails unless every byte was consumed.
  void expect_end();

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  bool need(size_t n, const char* field);

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  const char* context_;
  std::string error_;
};

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or values past
// U+10FFFF).
bool valid_utf8(std::string_view text);

// Decodes the code point at text[pos]; returns its length in bytes, or 0 when the bytes
// there are not well-formed UTF-8.
size_t decode_utf8(std::string_view text, size_t pos, char32_t& cp);

}  // namespace cadence::net
