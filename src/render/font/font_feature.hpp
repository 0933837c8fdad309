// OpenType feature settings as the configuration writes them ("ss01", "cv05=2", "-liga").
//
// The syntax is HarfBuzz's, read strictly: `tag`, `+tag` (on), `-tag` (off), `tag=N`
// (0 is off, 1 on, N > 1 picks alternate N of an alternate substitution) and
// `tag=on` / `tag=off`. Anything else is an error whose message quotes the entry, so a
// typo in the configuration is reported rather than silently drawing the default glyph.
// Left out on purpose: ranges (`liga[3:5]`: cadence applies a feature to every cell, it
// has no runs of text to index), quoted tags, tags shorter than four characters (HarfBuzz
// pads them with spaces; no registered feature is shorter) and whitespace anywhere.
//
// Header-only: the configuration layer checks entries with parse_font_feature() when it
// loads a file, and it is built before the font library and must not need FreeType.
#pragma once

#include <charconv>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace cadence::render::font {

// The largest value a feature can take: an alternate set holds at most 65535 glyphs.
inline constexpr uint32_t kMaxFeatureValue = 65535;

struct FontFeature {
  uint32_t tag = 0;    // four ASCII bytes, first in the high byte, as fonts store it
  uint32_t value = 1;  // 0 off, 1 on, N: alternate N (1-based)

  friend bool operator==(const FontFeature&, const FontFeature&) = default;
};

// The tag of exactly four characters, e.g. feature_tag("ss01").
constexpr uint32_t feature_tag(std::string_view four) {
  uint32_t tag = 0;
  for (size_t i = 0; i < 4; ++i) {
    tag = (tag << 8) | (i < four.size() ? static_cast<uint8_t>(four[i]) : uint8_t{' '});
  }
  return tag;
}

inline std::string feature_tag_name(uint32_t tag) {
  std::string s(4, ' ');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((tag >> (24 - 8 * i)) & 0xff);
  return s;
}

// "ss01", "liga=0", "cv05=3": the form parse_font_feature() reads back.
inline std::string to_string(const FontFeature& f) {
  std::string s = feature_tag_name(f.tag);
  if (f.value != 1) s += "=" + std::to_string(f.value);
  return s;
}

inline Result<FontFeature> parse_font_feature(std::string_view text) {
  const std::string quoted = "font feature '" + std::string(text) + "'";
  const char* const examples = " (e.g. 'ss01', 'cv05=2', 'zero', 'calt=0', '-liga')";
  if (text.empty()) return make_error(std::string("an empty font feature") + examples);
  if (text.find_first_of(" \t\r\n") != std::string_view::npos) {
    return make_error(quoted + " has a space in it" + examples);
  }
  if (text.find('[') != std::string_view::npos) {
    return make_error(quoted + ": ranges are not supported, cadence applies a feature to " +
                      "every character");
  }

  FontFeature feature;
  std::string_view rest = text;
  const char sign = rest.front() == '+' || rest.front() == '-' ? rest.front() : '\0';
  if (sign != '\0') rest.remove_prefix(1);
  std::string_view tag = rest;
  std::string_view value;
  const size_t equals = rest.find('=');
  if (equals != std::string_view::npos) {
    tag = rest.substr(0, equals);
    value = rest.substr(equals + 1);
  }

  if (tag.size() != 4) {
    return make_error(quoted + ": a feature tag is four letters or digits" + examples);
  }
  for (char c : tag) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) return make_error(quoted + ": a feature tag is four letters or digits" + examples);
  }
  feature.tag = feature_tag(tag);

  if (equals == std::string_view::npos) {
    feature.value = sign == '-' ? 0 : 1;
    return feature;
  }
  if (sign != '\0') {
    return make_error(quoted + ": give a sign or a value, not both ('" + std::string(tag) +
                      "=0' or '-" + std::string(tag) + "')");
  }
  if (value == "on") {
    feature.value = 1;
  } else if (value == "off") {
    feature.value = 0;
  } else {
    uint32_t n = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size() ||
        n > kMaxFeatureValue) {
      return make_error(quoted + ": the value after '=' is a whole number from 0 to " +
                        std::to_string(kMaxFeatureValue) + ", 'on' or 'off'");
    }
    feature.value = n;
  }
  return feature;
}

// Every entry parsed, or the first bad one's error (naming its position in the list).
inline Result<std::vector<FontFeature>> parse_font_features(std::span<const std::string> texts) {
  std::vector<FontFeature> out;
  out.reserve(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    Result<FontFeature> f = parse_font_feature(texts[i]);
    if (!f) return make_error("entry " + std::to_string(i + 1) + ": " + f.error().message);
    out.push_back(*f);
  }
  return out;
}

// The features left on once later entries have overridden earlier ones for the same tag
// (as HarfBuzz reads a list), in the order each tag was first mentioned. Off is what
// cadence draws without being asked, so only these need anything done.
inline std::vector<FontFeature> enabled_features(std::span<const FontFeature> features) {
  std::vector<FontFeature> out;
  for (const FontFeature& f : features) {
    bool seen = false;
    for (FontFeature& o : out) {
      if (o.tag == f.tag) {
        o.value = f.value;
        seen = true;
      }
    }
    if (!seen) out.push_back(f);
  }
  std::erase_if(out, [](const FontFeature& f) { return f.value == 0; });
  return out;
}

}  // namespace cadence::render::font
