// Flat JSON objects (see flat_json.hpp).
#include "framelog/flat_json.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace cadence::framelog {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}

  // A string literal that is the whole input.
  Result<std::string> whole_string() {
    Result<std::string> out = string();
    if (out && pos_ != s_.size()) return fail("text after the string");
    return out;
  }

  Result<FlatObject> object() {
    FlatObject out;
    skip_space();
    if (!eat('{')) return fail("expected '{'");
    skip_space();
    if (eat('}')) return finish(std::move(out));
    while (true) {
      skip_space();
      Result<std::string> key = string();
      if (!key) return key.error();
      skip_space();
      if (!eat(':')) return fail("expected ':' after a key");
      skip_space();
      Result<FlatValue> value = this->value();
      if (!value) return value.error();
      out.emplace_back(std::move(key.value()), std::move(value.value()));
      skip_space();
      if (eat('}')) return finish(std::move(out));
      if (!eat(',')) return fail("expected ',' or '}'");
    }
  }

 private:
  Result<FlatObject> finish(FlatObject out) {
    skip_space();
    if (pos_ != s_.size()) return fail("text after the object");
    return out;
  }

  Result<FlatValue> value() {
    FlatValue v;
    if (pos_ >= s_.size()) return fail("expected a value");
    const char c = s_[pos_];
    if (c == '"') {
      Result<std::string> s = string();
      if (!s) return s.error();
      v.kind = FlatValue::Kind::string;
      v.string = std::move(s.value());
    } else if (c == '[') {
      ++pos_;
      v.kind = FlatValue::Kind::strings;
      skip_space();
      if (eat(']')) return v;
      while (true) {
        skip_space();
        Result<std::string> s = string();
        if (!s) return fail("arrays may hold only strings");
        v.strings.push_back(std::move(s.value()));
        skip_space();
        if (eat(']')) return v;
        if (!eat(',')) return fail("expected ',' or ']'");
      }
    } else if (literal("true")) {
      v.kind = FlatValue::Kind::boolean;
      v.boolean = true;
    } else if (literal("false")) {
      v.kind = FlatValue::Kind::boolean;
    } else if (literal("null")) {
      v.kind = FlatValue::Kind::null;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      return number();
    } else if (c == '{') {
      return fail("nested objects are not part of a frame-log line");
    } else {
      return fail("expected a value");
    }
    return v;
  }

  Result<FlatValue> number() {
    const size_t start = pos_;
    while (pos_ < s_.size() &&
           (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '-' ||
            s_[pos_] == '+' || s_[pos_] == '.' || s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
    }
    const std::string_view text = s_.substr(start, pos_ - start);
    FlatValue v;
    v.kind = FlatValue::Kind::number;
    uint64_t integer = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), integer);
    if (ec == std::errc() && end == text.data() + text.size()) {
      v.is_integer = true;
      v.integer = integer;
      v.number = static_cast<double>(integer);
      return v;
    }
    const std::string copy(text);
    char* stop = nullptr;
    v.number = std::strtod(copy.c_str(), &stop);
    if (stop != copy.c_str() + copy.size() || !std::isfinite(v.number)) {
      pos_ = start;
      return fail("malformed number");
    }
    return v;
  }

  Result<std::string> string() {
    if (!eat('"')) return fail("expected a string");
    std::string out;
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) break;
      const char e = s_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          if (pos_ + 4 > s_.size()) return fail("short \\u escape");
          unsigned cp = 0;
          auto [end, ec] = std::from_chars(s_.data() + pos_, s_.data() + pos_ + 4, cp, 16);
          if (ec != std::errc() || end != s_.data() + pos_ + 4) return fail("bad \\u escape");
          pos_ += 4;
          // Only what json_quote writes (control characters) and the BMP outside the
          // surrogates; a frame-log string is an ASCII name.
          if (cp >= 0xd800 && cp < 0xe000) return fail("surrogate escapes are not supported");
          if (cp < 0x80) {
            out += static_cast<char>(cp);
          } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
          } else {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
          }
          break;
        }
        default: return fail("unknown escape");
      }
    }
    return fail("unterminated string");
  }

  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  bool eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void skip_space() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' || s_[pos_] == '\n')) {
      ++pos_;
    }
  }
  Error fail(const std::string& what) const {
    return make_error(what + " at byte " + std::to_string(pos_));
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

Result<std::string> json_unquote(std::string_view literal) {
  return Reader(literal).whole_string();
}

Result<FlatObject> parse_flat_json(std::string_view line) {
  if (line.size() > kMaxFlatJsonLine) {
    return make_error("line of " + std::to_string(line.size()) + " bytes is over the limit of " +
                      std::to_string(kMaxFlatJsonLine));
  }
  return Reader(line).object();
}

const FlatValue* find_key(const FlatObject& object, std::string_view key) {
  for (const auto& [k, v] : object) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string json_quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static const char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace cadence::framelog
