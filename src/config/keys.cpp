// Key names, modifier names, and the `keys`, `key_tables` and `mouse_bindings` options
// (see keys.hpp).
#include "config/keys.hpp"

#include <cctype>
#include <cstring>

#include "config/lua_util.hpp"

namespace cadence::config {
namespace {

// Canonical names are xkbcommon's keysym names, so ui::Bindings maps them one to one.
constexpr const char* kKeyNames[] = {
    "Return", "Tab",   "Escape", "BackSpace", "Delete", "Insert", "Home", "End", "Prior", "Next",
    "Left",   "Right", "Up",     "Down",      "space",  "F1",     "F2",   "F3",  "F4",    "F5",
    "F6",     "F7",    "F8",     "F9",        "F10",    "F11",    "F12",  "F13", "F14",   "F15",
    "F16",    "F17",   "F18",    "F19",       "F20",    "F21",    "F22",  "F23", "F24",
};

struct Alias {
  const char* name;
  const char* canonical;
};

// The names WezTerm documents, and a few common spellings.
constexpr Alias kAliases[] = {
    {"Enter", "Return"}, {"Esc", "Escape"},     {"Backspace", "BackSpace"}, {"Del", "Delete"},
    {"PageUp", "Prior"}, {"PageDown", "Next"},  {"LeftArrow", "Left"},      {"RightArrow", "Right"},
    {"UpArrow", "Up"},   {"DownArrow", "Down"}, {"Space", "space"},
};

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

// The length of the UTF-8 sequence `s` if it is exactly one code point, else 0.
size_t one_code_point(std::string_view s) {
  if (s.empty()) return 0;
  const auto b = static_cast<unsigned char>(s[0]);
  const size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (n == 0 || n != s.size()) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80) return 0;
  }
  return n;
}

std::vector<std::string> all_key_spellings() {
  std::vector<std::string> names(std::begin(kKeyNames), std::end(kKeyNames));
  for (const Alias& a : kAliases) names.emplace_back(a.name);
  return names;
}

}  // namespace

std::span<const char* const> key_names() { return kKeyNames; }

std::string normalize_key(std::string_view key, std::string& error) {
  if (one_code_point(key)) {
    const auto c = static_cast<unsigned char>(key[0]);
    if (key.size() == 1 && (c < 0x20 || c == 0x7f)) {
      error = "a key must be a printable character or a key name";
      return "";
    }
    if (key == " ") return "space";
    return key.size() == 1 ? std::string(1, static_cast<char>(std::tolower(c))) : std::string(key);
  }
  for (const char* name : kKeyNames) {
    if (iequal(key, name)) return name;
  }
  for (const Alias& a : kAliases) {
    if (iequal(key, a.name)) return a.canonical;
  }
  error = "unknown key '" + std::string(key) + "'" +
          detail::did_you_mean(detail::closest(key, all_key_spellings())) +
          " (a key is one character or a name such as 'PageUp', 'LeftArrow', 'F5', 'Enter')";
  return "";
}

bool parse_mods(std::string_view text, uint32_t& mods, std::string& error) {
  mods = 0;
  size_t i = 0;
  while (i < text.size()) {
    const size_t end = text.find_first_of("|+, ", i);
    const std::string_view word = text.substr(i, end == std::string_view::npos ? end : end - i);
    i = end == std::string_view::npos ? text.size() : end + 1;
    if (word.empty()) continue;
    if (iequal(word, "CTRL"))
      mods |= kModCtrl;
    else if (iequal(word, "SHIFT"))
      mods |= kModShift;
    else if (iequal(word, "ALT") || iequal(word, "OPT") || iequal(word, "META"))
      mods |= kModAlt;
    else if (iequal(word, "SUPER") || iequal(word, "CMD") || iequal(word, "WIN"))
      mods |= kModSuper;
    else if (iequal(word, "NONE"))
      continue;
    else {
      error = "unknown modifier '" + std::string(word) +
              "' (modifiers are CTRL, SHIFT, ALT, SUPER or NONE, joined with '|')";
      return false;
    }
  }
  return true;
}

namespace detail {
namespace {

std::string entry_name(const char* what, lua_Integer i) {
  return std::string(what) + "[" + std::to_string(i) + "]";
}

// One { key = ..., mods = ..., action = ... } at the top of the stack.
std::string parse_key_entry(lua_State* L, const std::string& where, KeyBinding& out) {
  const int t = lua_gettop(L);
  if (lua_type(L, t) != LUA_TTABLE) {
    return where + " must be a table like { key = 't', mods = 'CTRL|SHIFT', action = ... }";
  }
  std::string e;
  lua_pushnil(L);
  while (e.empty() && lua_next(L, t) != 0) {
    const std::string_view k = string_at(L, -2);
    if (k != "key" && k != "mods" && k != "action") {
      e = where + ": unknown field '" + std::string(k.empty() ? "?" : k) + "'" +
          did_you_mean(closest(k, std::vector<std::string>{"key", "mods", "action"}));
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  if (!e.empty()) return e;
  raw_field(L, t, "key");
  const std::string_view key = string_at(L, -1);
  if (key.empty()) {
    lua_pop(L, 1);
    return where + ": key must be a string such as 't' or 'PageUp'";
  }
  const std::string label = where + " (key '" + std::string(key) + "')";
  out.key = normalize_key(key, e);
  lua_pop(L, 1);
  if (!e.empty()) return label + ": " + e;
  raw_field(L, t, "mods");
  if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING) {
    e = label + ": mods must be a string such as 'CTRL|SHIFT'";
  } else if (!parse_mods(string_at(L, -1), out.mods, e)) {
    e = label + ": " + e;
  }
  lua_pop(L, 1);
  if (!e.empty()) return e;
  if (raw_field(L, t, "action") == LUA_TNIL) {
    e = label + ": no action (e.g. action = cadence.action.SpawnTab)";
  } else if (std::string a = parse_action(L, -1, out.action); !a.empty()) {
    e = label + ": " + a;
  }
  lua_pop(L, 1);
  return e;
}

}  // namespace

std::string parse_key_list(lua_State* L, int index, const char* what,
                           std::vector<KeyBinding>& out) {
  Unbounded unbounded(L);
  index = lua_absindex(L, index);
  out.clear();
  if (lua_type(L, index) != LUA_TTABLE) return std::string(what) + " must be a list of tables";
  const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, index));
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_rawgeti(L, index, i);
    KeyBinding b;
    std::string e = parse_key_entry(L, entry_name(what, i), b);
    lua_pop(L, 1);
    if (!e.empty()) return e;
    out.push_back(std::move(b));
  }
  return "";
}

std::string parse_key_tables(lua_State* L, int index,
                             std::map<std::string, std::vector<KeyBinding>>& out) {
  Unbounded unbounded(L);
  index = lua_absindex(L, index);
  out.clear();
  if (lua_type(L, index) != LUA_TTABLE) {
    return "key_tables must be a table of name = { key bindings }";
  }
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    const std::string name(string_at(L, -2));
    std::string e;
    if (name.empty()) {
      e = "key_tables: table names must be strings";
    } else {
      e = parse_key_list(L, -1, ("key_tables." + name).c_str(), out[name]);
    }
    lua_pop(L, 1);
    if (!e.empty()) {
      lua_pop(L, 1);
      return e;
    }
  }
  return "";
}

std::string parse_mouse_bindings(lua_State* L, int index, std::vector<MouseBinding>& out) {
  Unbounded unbounded(L);
  index = lua_absindex(L, index);
  out.clear();
  if (lua_type(L, index) != LUA_TTABLE) return "mouse_bindings must be a list of tables";
  const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, index));
  for (lua_Integer i = 1; i <= n; ++i) {
    const std::string where = entry_name("mouse_bindings", i);
    const std::string shape =
        where +
        " must be like { event = { Down = { streak = 1, button = 'Left' } }, mods = "
        "'CTRL', action = ... }";
    lua_rawgeti(L, index, i);
    const int t = lua_gettop(L);
    MouseBinding b;
    std::string e;
    if (lua_type(L, t) != LUA_TTABLE || raw_field(L, t, "event") != LUA_TTABLE) {
      e = shape;
    } else {
      const int ev = lua_gettop(L);
      const bool down = raw_field(L, ev, "Down") == LUA_TTABLE;
      const bool up = raw_field(L, ev, "Up") == LUA_TTABLE;
      if (down == up) {
        e = where + ": event must be { Down = {...} } or { Up = {...} } (drags are not bindable)";
      } else {
        b.release = up;
        const int click = down ? ev + 1 : ev + 2;
        raw_field(L, click, "button");
        const std::string_view button = string_at(L, -1);
        if (button == "Left")
          b.button = MouseButton::left;
        else if (button == "Middle")
          b.button = MouseButton::middle;
        else if (button == "Right")
          b.button = MouseButton::right;
        else
          e = where + ": button must be 'Left', 'Middle' or 'Right'";
        raw_field(L, click, "streak");
        if (e.empty() && !lua_isnil(L, -1)) {
          if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > 3) {
            e = where + ": streak must be 1, 2 or 3";
          } else {
            b.streak = static_cast<int>(lua_tointeger(L, -1));
          }
        }
        lua_pop(L, 2);
      }
      lua_pop(L, 2);
      if (e.empty()) {
        raw_field(L, t, "mods");
        if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING) {
          e = where + ": mods must be a string such as 'CTRL|SHIFT'";
        } else if (!parse_mods(string_at(L, -1), b.mods, e)) {
          e = where + ": " + e;
        }
        lua_pop(L, 1);
      }
      if (e.empty()) {
        if (raw_field(L, t, "action") == LUA_TNIL) {
          e = where + ": no action";
        } else if (std::string a = parse_action(L, -1, b.action); !a.empty()) {
          e = where + ": " + a;
        }
        lua_pop(L, 1);
      }
    }
    lua_settop(L, t - 1);
    if (!e.empty()) return e;
    out.push_back(std::move(b));
  }
  return "";
}

}  // namespace detail
}  // namespace cadence::config
