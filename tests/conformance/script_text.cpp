// Text helpers for libvterm's test scripts: Perl string expressions, number lists,
// UTF-8 and C-literal rendering. See libvterm_runner.cpp for how they are used.
#include "script_text.hpp"

#include <cstdio>
#include <cstdlib>

namespace cadence::conformance {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    int extra = b < 0x80 ? 0 : b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
    char32_t cp = extra == 0 ? b : b & (0x3f >> extra);
    for (int k = 1; k <= extra && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    out.push_back(cp);
    i += static_cast<size_t>(extra) + 1;
  }
  return out;
}

std::string hex_list(const std::u32string& values) {
  std::string out;
  char buf[16];
  for (char32_t v : values) {
    std::snprintf(buf, sizeof buf, "%s0x%02x", out.empty() ? "" : ",", static_cast<unsigned>(v));
    out += buf;
  }
  return out;
}

std::string c_literal(std::string_view bytes) {
  std::string out = "\"";
  char buf[8];
  for (unsigned char c : bytes) {
    if (c == 0x1b) {
      out += "\\e";
    } else if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c >= 0x7f) {
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

bool parse_ints(std::string_view text, std::vector<int>& out) {
  out.clear();
  std::string s(text);
  const char* p = s.c_str();
  while (*p) {
    while (*p == ' ' || *p == ',') ++p;
    if (!*p) break;
    char* end = nullptr;
    long v = std::strtol(p, &end, 0);
    if (end == p) return false;
    out.push_back(static_cast<int>(v));
    p = end;
  }
  return true;
}

namespace {

// One double-quoted literal at the start of `s`, with Perl's escapes; consumes it.
bool parse_perl_literal(std::string_view& s, std::u32string& out) {
  if (s.empty() || s.front() != '"') return false;
  size_t i = 1;
  auto hex_value = [](char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
  };
  while (i < s.size() && s[i] != '"') {
    char c = s[i++];
    if (c != '\\') {
      out.push_back(static_cast<unsigned char>(c));
      continue;
    }
    if (i >= s.size()) return false;
    char e = s[i++];
    switch (e) {
      case 'e': out.push_back(0x1b); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'a': out.push_back(0x07); break;
      case 'b': out.push_back(0x08); break;
      case 'f': out.push_back(0x0c); break;
      case 'x': {
        char32_t v = 0;
        if (i < s.size() && s[i] == '{') {
          size_t close = s.find('}', i);
          if (close == std::string_view::npos) return false;
          for (size_t k = i + 1; k < close; ++k) {
            int d = hex_value(s[k]);
            if (d < 0) return false;
            v = v * 16 + static_cast<char32_t>(d);
          }
          i = close + 1;
        } else {
          for (int n = 0; n < 2 && i < s.size() && hex_value(s[i]) >= 0; ++n)
            v = v * 16 + static_cast<char32_t>(hex_value(s[i++]));
        }
        out.push_back(v);
        break;
      }
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        char32_t v = static_cast<char32_t>(e - '0');
        for (int n = 0; n < 2 && i < s.size() && s[i] >= '0' && s[i] <= '7'; ++n)
          v = v * 8 + static_cast<char32_t>(s[i++] - '0');
        out.push_back(v);
        break;
      }
      default:  // \\ \" \$ \@ \# and any other character stand for themselves
        out.push_back(static_cast<unsigned char>(e));
        break;
    }
  }
  if (i >= s.size()) return false;
  s.remove_prefix(i + 1);
  return true;
}

}  // namespace

std::optional<std::u32string> eval_perl_string(std::string_view s) {
  std::u32string result;
  for (;;) {
    s = trim(s);
    std::u32string term;
    if (!parse_perl_literal(s, term)) return std::nullopt;
    s = trim(s);
    if (!s.empty() && s.front() == 'x') {
      s.remove_prefix(1);
      s = trim(s);
      size_t digits = 0;
      while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
      if (digits == 0) return std::nullopt;
      int count = std::atoi(std::string(s.substr(0, digits)).c_str());
      s.remove_prefix(digits);
      std::u32string repeated;
      for (int k = 0; k < count; ++k) repeated += term;
      term = std::move(repeated);
    }
    result += term;
    s = trim(s);
    if (s.empty()) return result;
    if (s.front() != '.') return std::nullopt;
    s.remove_prefix(1);
  }
}

std::string to_bytes(const std::u32string& chars) {
  std::string out;
  for (char32_t c : chars) {
    if (c < 0x100)
      out.push_back(static_cast<char>(c));
    else
      append_utf8(out, c);
  }
  return out;
}

std::optional<std::u32string> parse_char_list(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::u32string{};
  if (text.front() == '"') return eval_perl_string(text);
  std::vector<int> values;
  if (!parse_ints(text, values)) return std::nullopt;
  std::u32string out;
  for (int v : values) out.push_back(static_cast<char32_t>(v));
  return out;
}

}  // namespace cadence::conformance
