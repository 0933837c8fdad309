// UTF-8 encoding of single code points, shared by the core, its dumps and its tests, and
// a decoder for text that arrives as UTF-8 from elsewhere (packed scrollback, Wayland
// strings such as titles and input-method text).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

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

// Decodes UTF-8 into code points. A byte that does not start a well-formed sequence
// becomes U+FFFD and decoding goes on at the next byte (the parser's stricter decoder is
// for program output; this one is for text that is UTF-8 by contract).
inline std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const uint8_t b = static_cast<uint8_t>(s[i]);
    const size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    bool ok = n > 0 && i + n <= s.size();
    char32_t cp = n == 1 ? b : b & (0x7f >> n);
    for (size_t k = 1; ok && k < n; ++k) {
      const uint8_t c = static_cast<uint8_t>(s[i + k]);
      ok = (c & 0xc0) == 0x80;
      cp = (cp << 6) | (c & 0x3f);
    }
    out.push_back(ok ? cp : U'\uFFFD');
    i += ok ? n : 1;
  }
  return out;
}

}  // namespace cadence::vt
