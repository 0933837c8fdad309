// UTF-8 encoding of single code points, shared by the core, its dumps and its tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace cadence::vt {

// Writes cp as UTF-8 at out, which has room for 4 bytes; returns the bytes written.
inline size_t encode_utf8(uint8_t* out, char32_t cp) {
  if (cp < 0x80) {
    out[0] = static_cast<uint8_t>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<uint8_t>(0xc0 | (cp >> 6));
    out[1] = static_cast<uint8_t>(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<uint8_t>(0xe0 | (cp >> 12));
    out[1] = static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3f));
    out[2] = static_cast<uint8_t>(0x80 | (cp & 0x3f));
    return 3;
  }
  out[0] = static_cast<uint8_t>(0xf0 | (cp >> 18));
  out[1] = static_cast<uint8_t>(0x80 | ((cp >> 12) & 0x3f));
  out[2] = static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3f));
  out[3] = static_cast<uint8_t>(0x80 | (cp & 0x3f));
  return 4;
}

inline void append_utf8(std::string& out, char32_t cp) {
  uint8_t buf[4];
  out.append(reinterpret_cast<const char*>(buf), encode_utf8(buf, cp));
}

}  // namespace cadence::vt
