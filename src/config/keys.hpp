// Key and mouse bindings as the configuration states them: a chord (key + modifiers) or a
// mouse event, and the Action it carries out.
//
// The config layer knows no keysym values (it links no xkbcommon): a key is kept as the
// text of one character ("t", "%", lower case for ASCII letters) or as one canonical key
// name from key_names() ("Prior", "Left", "F5", "Return"...; the aliases WezTerm users
// write, such as "PageUp" or "LeftArrow", are turned into these when the file loads).
// ui::Bindings maps both to keysyms. Unknown names are refused at load time with the
// closest valid name, so a typo never becomes a binding that silently never fires.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "config/action.hpp"

namespace cadence::config {

// Modifier bits, as ui::Bindings::lookup takes them.
inline constexpr uint32_t kModShift = 1;
inline constexpr uint32_t kModAlt = 2;
inline constexpr uint32_t kModCtrl = 4;
inline constexpr uint32_t kModSuper = 8;

struct KeyBinding {
  std::string key;  // one character (UTF-8) or a name from key_names()
  uint32_t mods = 0;
  Action action;
  friend bool operator==(const KeyBinding&, const KeyBinding&) = default;
};

enum class MouseButton : uint8_t { left, middle, right };

struct MouseBinding {
  MouseButton button = MouseButton::left;
  int streak = 1;  // 1 single click, 2 double, 3 triple
  bool release = false;
  uint32_t mods = 0;
  Action action;
  friend bool operator==(const MouseBinding&, const MouseBinding&) = default;
};

// The canonical names of keys that are not one printable character.
std::span<const char* const> key_names();

// "t" → "t", "T" → "t", "PageUp" → "Prior", "LeftArrow" → "Left", "f5" → "F5". Returns ""
// and sets `error` for anything else.
std::string normalize_key(std::string_view key, std::string& error);

// "CTRL|SHIFT" → kModCtrl | kModShift; '|', '+', ',' and spaces separate names. Returns
// false and sets `error` for an unknown name.
bool parse_mods(std::string_view text, uint32_t& mods, std::string& error);

}  // namespace cadence::config
