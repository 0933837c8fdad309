// Paste preparation (see paste.hpp for why).
//
// Markers are removed by checking the end of the output after each character: removing
// one can join the text around it into a new marker ("ESC[20" + "ESC[201~" + "0~"), and
// any such marker ends at the character just appended, so one pass finds them all.
#include "ui/paste.hpp"

#include <array>

#include "vt/utf8.hpp"

namespace cadence::ui {

namespace {

constexpr char32_t kReplacement = 0xfffd;

// Decodes UTF-8; each maximal invalid subsequence becomes one U+FFFD (Unicode's
// recommended practice, and what the terminal's own parser does).
std::u32string decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out.push_back(b);
      ++i;
      continue;
    }
    int len;
    char32_t cp;
    unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
    if (b >= 0xc2 && b <= 0xdf) {
      len = 2;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      cp = b & 0x0f;
      if (b == 0xe0) lo = 0xa0;  // overlong
      if (b == 0xed) hi = 0x9f;  // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      cp = b & 0x07;
      if (b == 0xf0) lo = 0x90;  // overlong
      if (b == 0xf4) hi = 0x8f;  // past U+10FFFF
    } else {
      out.push_back(kReplacement);
      ++i;
      continue;
    }
    size_t k = 1;
    for (; k < static_cast<size_t>(len) && i + k < s.size(); ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (c < lo || c > hi) : (c & 0xc0) != 0x80) break;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (k == static_cast<size_t>(len)) {
      out.push_back(cp);
    } else {
      out.push_back(kReplacement);
    }
    i += k;
  }
  return out;
}

bool ends_with_marker(const std::u32string& out, size_t& marker_length) {
  // ESC [ 2 0 0 ~, ESC [ 2 0 1 ~, and the same with the 8-bit CSI (U+009B).
  static constexpr std::array<std::u32string_view, 4> kMarkers = {U"\x1b[200~", U"\x1b[201~",
                                                                  U"\x9b"
                                                                  U"200~",
                                                                  U"\x9b"
                                                                  U"201~"};
  if (out.empty() || out.back() != U'~') return false;
  for (std::u32string_view m : kMarkers) {
    if (out.size() >= m.size() && std::u32string_view(out).substr(out.size() - m.size()) == m) {
      marker_length = m.size();
      return true;
    }
  }
  return false;
}

bool is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f); }

std::string encode(const std::u32string& cps) {
  std::string out;
  out.reserve(cps.size());
  for (char32_t cp : cps) vt::append_utf8(out, cp);
  return out;
}

}  // namespace

std::string prepare_paste(std::string_view utf8, bool bracketed) {
  const std::u32string in = decode(utf8);
  std::u32string out;
  out.reserve(in.size());
  if (bracketed) {
    for (char32_t cp : in) {
      out.push_back(cp);
      size_t n;
      if (ends_with_marker(out, n)) out.resize(out.size() - n);
    }
    return "\x1b[200~" + encode(out) + "\x1b[201~";
  }
  for (size_t i = 0; i < in.size(); ++i) {
    char32_t cp = in[i];
    if (cp == U'\r' && i + 1 < in.size() && in[i + 1] == U'\n') continue;  // CR LF: one CR
    if (cp == U'\n') cp = U'\r';
    if (is_control(cp) && cp != U'\t' && cp != U'\r') continue;
    out.push_back(cp);
  }
  return encode(out);
}

}  // namespace cadence::ui
